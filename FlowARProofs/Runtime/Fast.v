(** * Fast FlowAR: an explicit work bound, and [n^{2+o(1)}]

    Fast FlowAR is the pipeline of [Pipeline/FlowAR.v] with every attention
    (the AR transformer's block-causal one and the flow head's unmasked one)
    replaced by the multi-head fast attention [fmha_at] of
    [Modules/FastAttention.v] (rank [r], total monomial degree [Dg]).

    [fast_flowar_work cfg r Dg] is an explicit bound, in [N] (so that
    [vm_compute] evaluates it), built scale by scale exactly as
    [flowar_prog] is built:
    {v
      scale i:  Σ_{j<i} [up-sample + embed the output of scale j]
              + L · layer(ntok i tokens, block ends ntok 0 … ntok i)
              + T · [MLP_in + condition + time + Lf · layer(tok i, one block) + MLP_out + Euler]
      layer(N, E) = 2 LayerNorms + fast MHA(N, E) + residual + FFN_inner + residual
    v}
    ([Pipeline/Layer.v]'s pre-norm block; [ffn_wb] bounds [ffn_at] = [ffn_inner_at]
    followed by the residual addition, i.e. the last two terms together).
    Each bracket bounds the proven work of its module ([*_work_le] below:
    [fattn_at_work], [fmha_at_work], [lnaff_at_work], [ffn_at_work],
    [mlp_at_work], [up_at_work]; the bound drops the exact forms' negative
    terms, e.g. [2c − 1 ≤ 2c]).  What is NOT machine-checked here: that the
    work of a fast pipeline program is this sum — the fast pipeline program
    [fast_flowar_prog] is not built yet (it needs [Pipeline/Layer.v],
    [FlowHead.v] and [FlowAR.v] parametrised by the attention module); the
    sum follows [flowar_prog]'s structure term by term, and [work] is
    additive over [PSeq]/[PPar]/[PFor] with free wiring.

    [fast_flowar_work_le]: with every dimension and count [≤ Y] ([Y ≥ 1],
    [r ≤ Y], [Dg ≤ Y²]) and every scale [≤ Z] tokens,
    [fast_flowar_work ≤ 150 · Y^8 · Z] — linear in the token count.

    [fast_flowar_work_n2] (the paper's "[O(n^{2+o(1)})]"): FlowAR's doubling
    schedule ([s0 = 1], [a = 2], [K = log₂ n + 1] scales, so the last scale
    has [n²] tokens for [n] a power of 2), every dimension, layer count and
    step count [≤ C·(log₂ n + 1)], the score range [β(n) = o(log n)], the
    Taylor degree [g(n) = taylor_deg β (n^a)] (relative error [1/n^a]) and the
    rank [r(n) = C(dh + g, g)]: for every [k ≥ 1], eventually
    [fast_flowar_work^k ≤ n^{2k+1}], i.e. work [≤ n^{2 + 1/k}]. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile Work.
From FlowARProofs.Modules Require Import Attention FastAttention LayerNorm FFN MLP Sampling.
From FlowARProofs.Pipeline Require Import Layer FlowAR.
From FlowARProofs.Util Require Import Growth.
From FlowARProofs.Runtime Require Import FastRank FastAsym.
Import ListNotations.
Set Default Goal Selector "!".

(** ** Sums over scales in [N] *)

Definition Nsum (f : nat -> N) (k : nat) : N := fold_right N.add 0%N (map f (seq 0 k)).

Lemma Nsum_S f k : Nsum f (S k) = (Nsum f k + f k)%N.
Proof.
  unfold Nsum. rewrite seq_S, map_app. cbn [map Nat.add]. generalize (map f (seq 0 k)) as l.
  induction l as [|x l IH]; cbn [app fold_right]; [lia|]. rewrite IH. lia.
Qed.

Lemma Nsum_le f k b : (forall i, (i < k)%nat -> (f i <= b)%N) -> (Nsum f k <= N.of_nat k * b)%N.
Proof.
  induction k as [|k IH]; intros H; [cbn; lia|]. rewrite Nsum_S.
  specialize (IH (fun i Hi => H i ltac:(lia))). specialize (H k ltac:(lia)). lia.
Qed.

Lemma map_nth_seq0 (l : list nat) : map (fun b => nth b l 0) (seq 0 (length l)) = l.
Proof.
  induction l as [|x l IH]; [reflexivity|]. cbn [length seq map nth]. f_equal.
  rewrite <- seq_shift, map_map. exact IH.
Qed.

Local Open Scope N_scope.

(** ** The module bounds *)

(** One fast head on [nt] tokens of width [c], head width [dh], rank [r],
    total degree [Dg], block ends summing to [E]. *)
Definition fattn_wb (nt c dh r Dg E : N) : N :=
  6 * nt * dh * c + 2 * nt * Dg + r * (2 * dh + 1) * E + 2 * nt * (dh + 1) * r + nt * dh.

Definition fmha_wb (nt c dh H d r Dg E : N) : N :=
  H * fattn_wb nt c dh r Dg E + 2 * nt * d * H * dh.

Definition lnaff_wb (nt d : N) : N := nt * (7 * d + 3).
Definition ffn_wb (nt d dff : N) : N := nt * dff * (2 * d + 1) + nt * dff + nt * d * (2 * dff + 1) + nt * d.
Definition mlp_wb (nt c d : N) : N := nt * d * (2 * c + 1).

(** One fast transformer layer ([Pipeline/Layer.v]'s [tl_at] with [fmha_at]). *)
Definition layer_wb (D : LDims) (nt r Dg E : N) : N :=
  let d := N.of_nat (ld D) in
  2 * lnaff_wb nt d + fmha_wb nt d (N.of_nat (ldh D)) (N.of_nat (lH D)) d r Dg E + nt * d
  + ffn_wb nt d (N.of_nat (ldff D)).

Local Close Scope N_scope.

Section module_bounds.
  Context (p offX : nat) (oQ oK oV : nat -> nat) (offO nt c dh H d : nat) (mons : list (list nat))
    (coef : list nat -> flt) (ends : list nat) (blk : nat -> nat).

  Lemma fattn_work_le :
    (N.of_nat (work (fattn_at p offX (oQ 0) (oK 0) (oV 0) nt c dh mons coef ends blk))
     <= fattn_wb (N.of_nat nt) (N.of_nat c) (N.of_nat dh) (N.of_nat (length mons))
                 (N.of_nat (mdeg mons)) (N.of_nat (list_sum ends)))%N.
  Proof.
    rewrite fattn_at_work. unfold fattn_wb.
    assert (HE : list_sum ends = list_sum (map (fun b => nth b ends 0) (seq 0 (length ends))))
      by (rewrite map_nth_seq0; reflexivity).
    assert (Hs : (list_sum (map (fun b => nth b ends 0 + (nth b ends 0 - 1)) (seq 0 (length ends)))
                  <= 2 * list_sum ends)).
    { rewrite HE, <- list_sum_map_mul_l. apply list_sum_map_le. intros b _. lia. }
    assert (Hs2 : (list_sum (map (fun b => nth b ends 0 - 1) (seq 0 (length ends)))
                   <= list_sum ends)).
    { rewrite HE. apply list_sum_map_le. intros b _. lia. }
    set (S1 := list_sum (map (fun b => nth b ends 0 + (nth b ends 0 - 1)) (seq 0 (length ends)))) in *.
    set (S2 := list_sum (map (fun b => nth b ends 0 - 1) (seq 0 (length ends)))) in *.
    clear HE.
    set (r := length mons) in *. set (E := list_sum ends) in *.
    assert (r * dh * S1 <= r * dh * (2 * E)) by (apply Nat.mul_le_mono_l, Hs).
    assert (r * S2 <= r * E) by (apply Nat.mul_le_mono_l, Hs2).
    nia.
  Qed.

  Lemma fmha_work_le :
    (N.of_nat (work (fmha_at p offX oQ oK oV offO nt c dh H d mons coef ends blk))
     <= fmha_wb (N.of_nat nt) (N.of_nat c) (N.of_nat dh) (N.of_nat H) (N.of_nat d)
                (N.of_nat (length mons)) (N.of_nat (mdeg mons)) (N.of_nat (list_sum ends)))%N.
  Proof.
    rewrite fmha_at_work. unfold fmha_wb.
    pose proof (fattn_work_le) as Hf.
    assert (E : work (fattn_at p 0 0 0 0 nt c dh mons coef ends blk)
                = work (fattn_at p offX (oQ 0) (oK 0) (oV 0) nt c dh mons coef ends blk))
      by (rewrite !fattn_at_work; reflexivity).
    rewrite E. set (w := work _) in *. set (F := fattn_wb _ _ _ _ _ _) in *.
    assert (N.of_nat H * N.of_nat w <= N.of_nat H * F)%N by (apply N.mul_le_mono_l, Hf).
    nia.
  Qed.
End module_bounds.

Lemma lnaff_work_le p offX offG offB nt d :
  (N.of_nat (work (lnaff_at p offX offG offB nt d)) <= lnaff_wb (N.of_nat nt) (N.of_nat d))%N.
Proof. rewrite lnaff_at_work. unfold lnaff_wb. nia. Qed.

Lemma ffn_work_le offX offW1 offb1 offW2 offb2 nt d dff :
  (N.of_nat (work (ffn_at offX offW1 offb1 offW2 offb2 nt d dff))
   <= ffn_wb (N.of_nat nt) (N.of_nat d) (N.of_nat dff))%N.
Proof.
  rewrite ffn_at_work. unfold ffn_wb.
  assert (d + (d - 1) + 1 <= 2 * d + 1) by lia. assert (dff + (dff - 1) + 1 <= 2 * dff + 1) by lia.
  assert (nt * (dff * (d + (d - 1) + 1)) <= nt * dff * (2 * d + 1)) by nia.
  assert (nt * (d * (dff + (dff - 1) + 1)) <= nt * d * (2 * dff + 1)) by nia.
  lia.
Qed.

Lemma mlp_work_le offX offW offb nt c d :
  (N.of_nat (work (mlp_at offX offW offb nt c d)) <= mlp_wb (N.of_nat nt) (N.of_nat c) (N.of_nat d))%N.
Proof.
  rewrite mlp_at_work. unfold mlp_wb. assert (c + (c - 1) + 1 <= 2 * c + 1) by lia.
  assert (nt * (d * (c + (c - 1) + 1)) <= nt * d * (2 * c + 1)) by nia. lia.
Qed.

Local Open Scope N_scope.

(** ** The fast pipeline's work bound *)

Definition tokN (cfg : Config) (i : nat) : N :=
  (N.of_nat (s0 cfg) * N.of_nat (a cfg) ^ N.of_nat i) ^ 2.
Definition ntokN (cfg : Config) (i : nat) : N := Nsum (tokN cfg) (S i).

Lemma tokN_tok cfg i : tokN cfg i = N.of_nat (tok cfg i).
Proof. unfold tokN, tok, side. rewrite !Nat2N.inj_mul, Nat2N.inj_pow. lia. Qed.

Definition embed_wb (cfg : Config) (j : nat) : N :=
  let c := N.of_nat (ch cfg) in
  31 * tokN cfg (S j) * c + mlp_wb (tokN cfg (S j)) c (N.of_nat (dm cfg)).

(** One Euler step of the flow head on [M] tokens (unmasked attention: one block end [M]). *)
Definition step_wb (cfg : Config) (r Dg M : N) : N :=
  let c := N.of_nat (ch cfg) in let d := N.of_nat (dm cfg) in
  mlp_wb M c d + M * d + 2 * M * d + N.of_nat (Lf cfg) * layer_wb (LD cfg) M r Dg M
  + mlp_wb M d c + 2 * M * c.

Definition scale_wb (cfg : Config) (r Dg : N) (i : nat) : N :=
  Nsum (embed_wb cfg) i
  + N.of_nat (L cfg) * layer_wb (LD cfg) (ntokN cfg i) r Dg (Nsum (ntokN cfg) (S i))
  + N.of_nat (T cfg) * step_wb cfg r Dg (tokN cfg i).

(** The explicit work bound of Fast FlowAR with rank [r] and total degree [Dg]. *)
Definition fast_flowar_work (cfg : Config) (r Dg : N) : N := Nsum (scale_wb cfg r Dg) (K cfg).

(** ** Linear in the tokens: [fast_flowar_work ≤ 150 · Y^8 · Z] *)

Section bound.
  Context (cfg : Config) (r Dg Y Z : N).
  Let D := LD cfg.
  Context (HY : 1 <= Y) (Hr : r <= Y) (HDg : Dg <= Y * Y)
    (Hd : N.of_nat (ld D) <= Y) (Hdh : N.of_nat (ldh D) <= Y) (HH : N.of_nat (lH D) <= Y)
    (Hff : N.of_nat (ldff D) <= Y) (Hc : N.of_nat (ch cfg) <= Y) (HL : N.of_nat (L cfg) <= Y)
    (HLf : N.of_nat (Lf cfg) <= Y) (HT : N.of_nat (T cfg) <= Y) (HK : N.of_nat (K cfg) <= Y)
    (Htok : forall i, (i < K cfg)%nat -> tokN cfg i <= Z).

  Local Ltac mono := repeat first [apply N.add_le_mono | apply N.mul_le_mono]; try lia.

  Let Y2 : 1 <= Y * Y. Proof. nia. Qed.

  Lemma fattn_wb_le nt E : nt <= Y * Z -> E <= Y * Y * Z ->
    fattn_wb nt (N.of_nat (ld D)) (N.of_nat (ldh D)) r Dg E <= 16 * (Y * Y * Y * Y) * Z.
  Proof.
    intros HN HE. unfold fattn_wb.
    apply (N.le_trans _ (6 * (Y * Z) * Y * Y + 2 * (Y * Z) * (Y * Y) + Y * (2 * Y + 1) * (Y * Y * Z)
                         + 2 * (Y * Z) * (Y + 1) * Y + Y * Z * Y)); [mono|].
    assert (Y * Y <= Y * Y * Y) by nia. assert (Y * Y * Y <= Y * Y * Y * Y) by nia. nia.
  Qed.

  Lemma layer_wb_le nt E : nt <= Y * Z -> E <= Y * Y * Z ->
    layer_wb D nt r Dg E <= 50 * (Y * Y * Y * Y * Y) * Z.
  Proof.
    intros HN HE. unfold layer_wb, fmha_wb, lnaff_wb, ffn_wb.
    pose proof (fattn_wb_le nt E HN HE) as HF.
    apply (N.le_trans _ (2 * ((Y * Z) * (7 * Y + 3)) + (Y * (16 * (Y * Y * Y * Y) * Z)
             + 2 * (Y * Z) * Y * Y * Y) + Y * Z * Y
             + (Y * Z * Y * (2 * Y + 1) + Y * Z * Y + Y * Z * Y * (2 * Y + 1) + Y * Z * Y)));
      [mono|].
    assert (Y * Y <= Y * Y * Y) by nia. assert (Y * Y * Y <= Y * Y * Y * Y) by nia.
    assert (Y * Y * Y * Y <= Y * Y * Y * Y * Y) by nia. nia.
  Qed.

  Lemma step_wb_le M : M <= Z -> step_wb cfg r Dg M <= 64 * (Y * Y * Y * Y * Y * Y) * Z.
  Proof.
    intros HM. unfold step_wb, mlp_wb, dm.
    assert (HMY : M <= Y * Z) by nia. assert (HMY2 : M <= Y * Y * Z) by nia.
    pose proof (layer_wb_le M M HMY HMY2) as HLw. fold D.
    apply (N.le_trans _ (Z * Y * (2 * Y + 1) + Z * Y + 2 * Z * Y + Y * (50 * (Y * Y * Y * Y * Y) * Z)
             + Z * Y * (2 * Y + 1) + 2 * Z * Y)); [mono|].
    assert (Y <= Y * Y) by nia. assert (Y * Y <= Y * Y * Y) by nia.
    assert (Y * Y * Y <= Y * Y * Y * Y) by nia. assert (Y * Y * Y * Y <= Y * Y * Y * Y * Y) by nia.
    assert (Y * Y * Y * Y * Y <= Y * Y * Y * Y * Y * Y) by nia. nia.
  Qed.

  Lemma ntokN_le i : (i < K cfg)%nat -> ntokN cfg i <= Y * Z.
  Proof.
    intros Hi. unfold ntokN. apply (N.le_trans _ (N.of_nat (S i) * Z)).
    - apply Nsum_le. intros j Hj. apply Htok. lia.
    - apply N.mul_le_mono_r. lia.
  Qed.

  Lemma scale_wb_le i : (i < K cfg)%nat ->
    scale_wb cfg r Dg i <= 150 * (Y * Y * Y * Y * Y * Y * Y) * Z.
  Proof.
    intros Hi. unfold scale_wb.
    assert (He : Nsum (embed_wb cfg) i <= Y * (34 * (Y * Y) * Z)).
    { apply (N.le_trans _ (N.of_nat i * (34 * (Y * Y) * Z))); [|apply N.mul_le_mono_r; lia].
      apply Nsum_le. intros j Hj. unfold embed_wb, mlp_wb, dm.
      pose proof (Htok (S j) ltac:(lia)). fold D.
      apply (N.le_trans _ (31 * Z * Y + Z * Y * (2 * Y + 1))); [mono|]. nia. }
    assert (HN : ntokN cfg i <= Y * Z) by (apply ntokN_le, Hi).
    assert (HE : Nsum (ntokN cfg) (S i) <= Y * Y * Z).
    { apply (N.le_trans _ (N.of_nat (S i) * (Y * Z))).
      - apply Nsum_le. intros j Hj. apply ntokN_le. lia.
      - rewrite <- N.mul_assoc. apply N.mul_le_mono_r. lia. }
    pose proof (layer_wb_le _ _ HN HE) as HLw. fold D.
    pose proof (step_wb_le (tokN cfg i) (Htok i ltac:(lia))) as HS.
    apply (N.le_trans _ (Y * (34 * (Y * Y) * Z) + Y * (50 * (Y * Y * Y * Y * Y) * Z)
                         + Y * (64 * (Y * Y * Y * Y * Y * Y) * Z))); [mono|].
    assert (Y * Y * Y <= Y * Y * Y * Y) by nia. assert (Y * Y * Y * Y <= Y * Y * Y * Y * Y) by nia.
    assert (Y * Y * Y * Y * Y <= Y * Y * Y * Y * Y * Y) by nia.
    assert (Y * Y * Y * Y * Y * Y <= Y * Y * Y * Y * Y * Y * Y) by nia. nia.
  Qed.

  Theorem fast_flowar_work_le :
    fast_flowar_work cfg r Dg <= 150 * (Y * Y * Y * Y * Y * Y * Y * Y) * Z.
  Proof.
    unfold fast_flowar_work.
    apply (N.le_trans _ (N.of_nat (K cfg) * (150 * (Y * Y * Y * Y * Y * Y * Y) * Z))).
    - apply Nsum_le. intros i Hi. apply scale_wb_le, Hi.
    - apply (N.le_trans _ (Y * (150 * (Y * Y * Y * Y * Y * Y * Y) * Z))); [apply N.mul_le_mono_r; lia|].
      lia.
  Qed.
End bound.

(** ** [n^{2+o(1)}] *)

Local Close Scope N_scope.

(** With FlowAR's doubling schedule every scale has at most [n²] tokens. *)
Lemma tokN_doubling cfg n i :
  s0 cfg = 1 -> a cfg = 2 -> K cfg = Nat.log2 n + 1 -> i < K cfg -> 1 <= n ->
  (tokN cfg i <= N.of_nat (n * n))%N.
Proof.
  intros Hs Ha HK Hi Hn. rewrite tokN_tok. unfold tok, side. rewrite Hs, Ha, Nat.mul_1_l.
  assert (2 ^ i <= n).
  { apply (Nat.le_trans _ (2 ^ Nat.log2 n)); [apply Nat.pow_le_mono_r; lia|apply pow_log2_le, Hn]. }
  assert (2 ^ i * 2 ^ i <= n * n) by (apply Nat.mul_le_mono; assumption). lia.
Qed.

(** The paper's Fast FlowAR running time [O(n^{2+o(1)})], every [o(·)]
    explicit: for every [k ≥ 1], eventually [work^k ≤ n^{2k+1}].
    Hypotheses: FlowAR's doubling schedule with [log₂ n + 1] scales; every
    dimension and count [≤ C·(log₂ n + 1)] (the paper: [d = O(log n)],
    [L, L_f, T = O(1)]); the score range [β(n) = o(log n)]; the Taylor degree
    [g(n)] for relative error [1/n^ea] and its rank [r(n) = C(dh + g, g)];
    the work bound counts the Taylor monomials' exact total degree. *)
Theorem fast_flowar_work_n2 (cfgs : nat -> Config) (beta : nat -> nat) (C ea : nat) :
  1 <= C -> 1 <= ea ->
  (forall n, s0 (cfgs n) = 1 /\ a (cfgs n) = 2 /\ K (cfgs n) = Nat.log2 n + 1) ->
  (forall n, let cf := cfgs n in let B := C * (Nat.log2 n + 1) in
     ld (LD cf) <= B /\ ldh (LD cf) <= B /\ lH (LD cf) <= B /\ ldff (LD cf) <= B
     /\ ch cf <= B /\ L cf <= B /\ Lf cf <= B /\ T cf <= B) ->
  little_o_log beta ->
  let g n := taylor_deg (N.of_nat (beta n)) (N.of_nat (n ^ ea)) in
  let r n := rankN (ldh (LD (cfgs n))) (g n) in
  forall k, 1 <= k -> exists n0, forall n, n0 <= n ->
    N.to_nat (fast_flowar_work (cfgs n) (r n)
                (N.of_nat (mdeg (taylor_mons (ldh (LD (cfgs n))) (g n))))) ^ k
    <= n ^ (2 * k + 1).
Proof.
  intros HC Hea Hsch Hdim Hbeta g r k Hk.
  set (rn := fun n => N.to_nat (r n)).
  set (Y := fun n => rn n * (C * (Nat.log2 n + 1) + g n)).
  (* [r] and [g] are small *)
  assert (Hr : subpoly rn).
  { apply (subpoly_le _ _ 0 (fun n _ => le_n _)).
    apply (taylor_rank_subpoly (fun n => ldh (LD (cfgs n))) beta C ea Hea); [|exact Hbeta].
    intros n. apply (Hdim n). }
  destruct (taylor_deg_little_o beta ea Hea Hbeta 1 (le_n 1)) as [ng Hg].
  assert (HY : subpoly (fun n => 150 * Y n ^ 8)).
  { apply subpoly_mul; [apply subpoly_const|]. apply subpoly_pow. unfold Y.
    apply subpoly_mul; [exact Hr|].
    apply (subpoly_le _ (fun n => (C + 1) * (Nat.log2 n + 1)) ng); [|apply subpoly_log].
    intros n Hn. specialize (Hg n Hn). fold (g n) in Hg. lia. }
  destruct (HY k Hk) as [n1 Hn1].
  exists (Nat.max 1 n1). intros n Hn. specialize (Hn1 n ltac:(lia)).
  destruct (Hsch n) as (Hs & Ha & HK). destruct (Hdim n) as (H1 & H2 & H3 & H4 & H5 & H6 & H7 & H8).
  cbv zeta in H1, H2, H3, H4, H5, H6, H7, H8.
  assert (HYdef : Y n = rn n * (C * (Nat.log2 n + 1) + g n)) by reflexivity.
  set (bn := C * (Nat.log2 n + 1)) in *. set (yn := Y n) in *.
  assert (HKb : K (cfgs n) <= bn) by (rewrite HK; unfold bn; nia).
  (* the rank and degree facts *)
  assert (Hr1 : 1 <= rn n).
  { unfold rn, r. rewrite rankN_binom, Nat2N.id. apply binom_pos. lia. }
  assert (HDg : mdeg (taylor_mons (ldh (LD (cfgs n))) (g n)) <= rn n * g n).
  { unfold rn, r. rewrite rankN_binom, Nat2N.id. apply taylor_mdeg. }
  assert (HB1 : 1 <= bn) by (unfold bn; nia).
  assert (HYn : 1 <= yn) by nia.
  assert (HrY : rn n <= yn) by nia.
  assert (HBY : bn <= yn) by nia.
  assert (HgY : g n <= yn) by nia.
  pose proof (fast_flowar_work_le (cfgs n) (r n)
                (N.of_nat (mdeg (taylor_mons (ldh (LD (cfgs n))) (g n))))
                (N.of_nat yn) (N.of_nat (n * n))) as W.
  assert (HrN : r n = N.of_nat (rn n)) by (unfold rn; rewrite N2Nat.id; reflexivity).
  assert (HDgY : mdeg (taylor_mons (ldh (LD (cfgs n))) (g n)) <= yn * yn).
  { apply (Nat.le_trans _ _ _ HDg). apply Nat.mul_le_mono; assumption. }
  specialize (W ltac:(lia) ltac:(lia) ltac:(lia) ltac:(lia) ltac:(lia) ltac:(lia) ltac:(lia)
                ltac:(lia) ltac:(lia) ltac:(lia) ltac:(lia) ltac:(lia)).
  specialize (W (fun i Hi => tokN_doubling (cfgs n) n i Hs Ha HK Hi ltac:(lia))).
  set (w := fast_flowar_work _ _ _) in *.
  assert (Hw : N.to_nat w <= 150 * yn ^ 8 * (n * n)).
  { assert (E : (150 * (N.of_nat yn * N.of_nat yn * N.of_nat yn * N.of_nat yn
                 * N.of_nat yn * N.of_nat yn * N.of_nat yn * N.of_nat yn)
                 * N.of_nat (n * n))%N = N.of_nat (150 * yn ^ 8 * (n * n))).
    { replace (yn ^ 8) with (yn * yn * yn * yn * yn * yn * yn * yn) by (cbn; ring).
      rewrite !Nat2N.inj_mul. change (N.of_nat 150) with 150%N. ring. }
    rewrite E in W. lia. }
  apply (Nat.le_trans _ ((150 * yn ^ 8 * (n * n)) ^ k)); [apply Nat.pow_le_mono_l, Hw|].
  rewrite !Nat.pow_mul_l. replace (2 * k + 1) with (k + k + 1) by lia.
  rewrite !Nat.pow_add_r, Nat.pow_1_r.
  assert (Hc : 150 ^ k * (yn ^ 8) ^ k <= n) by (rewrite <- Nat.pow_mul_l; exact Hn1).
  set (u := 150 ^ k * (yn ^ 8) ^ k) in *. set (v := n ^ k) in *.
  rewrite (Nat.mul_comm (v * v) n). apply Nat.mul_le_mono_r, Hc.
Qed.
