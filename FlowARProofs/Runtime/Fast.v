(** * Fast FlowAR: the exact work of its program, and [n^{2+o(1)}]

    Fast FlowAR is [Pipeline/FastFlowAR.v]'s [fast_flowar_prog]: the pipeline
    of [Pipeline/FlowAR.v] with every attention (the AR transformer's
    block-causal one and the flow head's unmasked one) replaced by the
    multi-head fast attention [fmha_at] of [Modules/FastAttention.v] (rank
    [r = |mons|], total monomial degree [Dg = Σ_m |mon_m|]).

    [fast_flowar_work cfg r Dg] is the exact number of scalar operations of
    that program, a closed form in [N] (so that [vm_compute] evaluates it):
    [fast_flowar_exact_work] proves [N.of_nat (work (fast_flowar_prog p cfg
    mons coef)) = fast_flowar_work cfg |mons| (mdeg mons)] for every
    precision, configuration, monomial list and coefficient function.  Scale
    by scale, as the program is built ([Runtime/Exact.v]'s counts for
    everything but attention):
    {v
      scale i   = Σ_{j<i} (Up + Emb)(tok (j+1))                               (seq_cost)
                + L · layer(ntok i; block ends ntok 0 … ntok i)
                + T · [MLP_in + Ŷ + t·e + Lf · layer(tok i; one block end tok i) + MLP_out + Euler]
      layer(x; e_0 … e_b) = 2 LN + fast MHA + 2 residuals + FFN_inner
      fast MHA  = H · head + x·d·(2·H·dh − 1)
      head      = 3·x·dh·(2c − 1) + 2·x·Dg + r·dh·S₁ + r·S₂ + x·(dh+1)·(2r − 1) + x·dh
                  S₁ = Σ_b (2e_b − 1),  S₂ = Σ_b (e_b − 1)      (prefix sums per block end)
    v}
    (truncated subtraction exactly as in the programs, so the forms hold for
    every size).

    [fast_flowar_wb] is the earlier explicit upper bound (module bounds
    without the negative terms, e.g. [2c − 1 ≤ 2c]);
    [fast_flowar_work_le_wb]: [fast_flowar_work ≤ fast_flowar_wb].  With
    every dimension and count [≤ Y] ([Y ≥ 1], [r ≤ Y], [Dg ≤ Y²]) and every
    scale [≤ Z] tokens, [fast_flowar_work ≤ 150 · Y^8 · Z]
    ([fast_flowar_work_le]) — linear in the token count.

    [fast_flowar_work_n2] (the paper's "[O(n^{2+o(1)})]"): FlowAR's doubling
    schedule ([s0 = 1], [a = 2], [K = log₂ n + 1] scales, so the last scale
    has [n²] tokens for [n] a power of 2), every dimension, layer count and
    step count [≤ C·(log₂ n + 1)], the score range [β(n) = o(log n)], the
    Taylor degree [g(n) = taylor_deg β (n^a)] (relative error [1/n^a]) and the
    rank [r(n) = C(dh + g, g)]: for every [k ≥ 1], eventually
    [fast_flowar_work^k ≤ n^{2k+1}], i.e. work [≤ n^{2 + 1/k}];
    [fast_flowar_prog_work_n2] states it for [work (fast_flowar_prog …)]. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile Work Tensor Block Stage.
From FlowARProofs.Modules Require Import AttnCommon Attention FastAttention LayerNorm FFN MLP Sampling
  FlowMatching.
From FlowARProofs.Pipeline Require Import Layer FlowHead FlowAR FastFlowAR.
From FlowARProofs.Util Require Import Growth.
From FlowARProofs.Runtime Require Import ExactModules ExactCost ExactLayer Exact FastRank FastAsym.
Import ListNotations.
Set Default Goal Selector "!".

Local Notation n := N.of_nat.

Lemma nsum_le f k b : (forall i, (i < k)%nat -> (f i <= b)%N) -> (nsum f k <= N.of_nat k * b)%N.
Proof.
  induction k as [|k IH]; intros H; [cbn; lia|]. cbn [nsum].
  specialize (IH (fun i Hi => H i ltac:(lia))). specialize (H k ltac:(lia)). lia.
Qed.

Lemma nsum_le_mono f g k : (forall i, (i < k)%nat -> (f i <= g i)%N) -> (nsum f k <= nsum g k)%N.
Proof.
  induction k as [|k IH]; intros H; [cbn; lia|]. cbn [nsum].
  specialize (IH (fun i Hi => H i ltac:(lia))). specialize (H k ltac:(lia)). lia.
Qed.

Lemma map_nth_seq0 (l : list nat) : map (fun b => nth b l 0) (seq 0 (length l)) = l.
Proof.
  induction l as [|x l IH]; [reflexivity|]. cbn [length seq map nth]. f_equal.
  rewrite <- seq_shift, map_map. exact IH.
Qed.

(** ** Block ends of the pipeline's masks *)

Lemma nth_bc_ends ns b : b < length ns -> nth b (bc_ends ns) 0 = list_sum (firstn (S b) ns).
Proof.
  revert b. induction ns as [|k ns IH]; intros b Hb; [cbn in Hb; lia|].
  destruct b as [|b]; [cbn; lia|]. cbn [length] in Hb. cbn [bc_ends nth].
  rewrite (nth_indep _ _ (k + 0)) by (rewrite map_length, bc_ends_length; lia).
  rewrite map_nth, IH by lia. cbn [firstn list_sum fold_right]. reflexivity.
Qed.

Lemma firstn_seq0 b i : b <= i -> firstn (S b) (seq 0 (S i)) = seq 0 (S b).
Proof.
  intros Hb. replace (S i) with (S b + (i - b)) by lia.
  rewrite seq_app, firstn_app, seq_length, Nat.sub_diag, firstn_O, app_nil_r.
  apply firstn_all2. rewrite seq_length. lia.
Qed.

(** At scale [i] the block ends are [ntok 0, …, ntok i]. *)
Lemma ar_ends cfg i b : b <= i -> nth b (bc_ends (map (tok cfg) (seq 0 (S i)))) 0 = ntok cfg b.
Proof.
  intros Hb. rewrite nth_bc_ends by (rewrite map_length, seq_length; lia).
  rewrite firstn_map, firstn_seq0 by exact Hb. reflexivity.
Qed.

(** ** Closed forms *)

Local Open Scope N_scope.

(** One fast head on [x] tokens of width [c], head width [dh], rank [r],
    total degree [Dg]; [S1 = Σ_b (e_b + (e_b − 1))], [S2 = Σ_b (e_b − 1)]
    over the block ends. *)
Definition fattn_cost (x c dh r Dg S1 S2 : N) : N :=
  3 * (x * (dh * (c + (c - 1)))) + 2 * (x * Dg) + (r * dh * S1 + r * S2)
  + x * (dh + 1) * (r + (r - 1)) + x * dh.

Definition fmha_cost (x c dh H d r Dg S1 S2 : N) : N :=
  H * fattn_cost x c dh r Dg S1 S2 + x * (d * (H * dh + (H * dh - 1))).

(** One fast layer ([Pipeline/Layer.v]'s [tl_at_g] at [fast_am]). *)
Definition fast_layer_cost (D : LDims) (x r Dg S1 S2 : N) : N :=
  let d := n (ld D) in let dh := n (ldh D) in let H := n (lH D) in let dff := n (ldff D) in
  lnaff_cost unit_cost x d + fmha_cost x d dh H d r Dg S1 S2 + x * d * cA unit_cost
  + lnaff_cost unit_cost x d + ffn_inner_cost unit_cost x d dff + x * d * cA unit_cost.

(** One Euler step of the fast flow head on [M] tokens (one block end [M]). *)
Definition fast_step_cost (Dm : FHDims) (r Dg M : N) : N :=
  let c := n (fhc Dm) in let d := n (ld (fhLD Dm)) in
  mlp_cost unit_cost M c d + M * d * cA unit_cost + xpby_cost unit_cost M d
  + n (fhLf Dm) * fast_layer_cost (fhLD Dm) M r Dg (M + (M - 1)) (M - 1)
  + mlp_cost unit_cost M d c + xpby_cost unit_cost M c.

(** The AR transformer's block ends at scale [i]: [ntok 0 … ntok i]. *)
Definition ar_S1 cfg i : N := nsum (fun j => ntokN cfg j + (ntokN cfg j - 1)) (S i).
Definition ar_S2 cfg i : N := nsum (fun j => ntokN cfg j - 1) (S i).

Definition fast_scale_cost cfg (r Dg : N) (i : nat) : N :=
  seq_cost unit_cost cfg i
  + n (L cfg) * fast_layer_cost (LD cfg) (ntokN cfg i) r Dg (ar_S1 cfg i) (ar_S2 cfg i)
  + n (T cfg) * fast_step_cost (FD cfg) r Dg (tokN cfg i).

(** The exact work of Fast FlowAR with rank [r] and total degree [Dg]. *)
Definition fast_flowar_work cfg (r Dg : N) : N := nsum (fast_scale_cost cfg r Dg) (K cfg).

Local Close Scope N_scope.

(** ** The programs' work *)

Lemma ww_unit e : wwork (op_cost unit_cost) e = work e.
Proof. symmetry. apply work_wwork. Qed.

Lemma fast_layer_work p D N ns lim wo go r mons coef :
  n (work (tl_at_g (fast_am mons coef) p D N ns lim wo go r))
  = fast_layer_cost D (n N) (n (length mons)) (n (mdeg mons))
      (n (list_sum (map (fun b => nth b (bc_ends ns) 0 + (nth b (bc_ends ns) 0 - 1)) (seq 0 (length ns)))))
      (n (list_sum (map (fun b => nth b (bc_ends ns) 0 - 1) (seq 0 (length ns))))).
Proof.
  rewrite work_wwork. unfold tl_at_g, tl_at_by. cbn [am_prog fast_am]. unfold fast_prog.
  rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat2N.inj_add.
  rewrite (lnaff_cost_of unit_cost p 0 _ _ N (ld D)).
  rewrite (lnaff_cost_of unit_cost p 0 _ _ N (ld D)).
  rewrite (ffn_inner_cost_of unit_cost 0 _ _ _ _ N (ld D) (ldff D)).
  rewrite !tl_res_cost_of, ww_unit, fmha_at_work, fattn_at_work, bc_ends_length.
  unfold fast_layer_cost, fmha_cost, fattn_cost.
  repeat first [rewrite Nat2N.inj_add | rewrite Nat2N.inj_mul | rewrite Nat2N.inj_sub].
  change (n 3) with 3%N. change (n 2) with 2%N. change (n 1) with 1%N. ring.
Qed.

Lemma fast_step_work p Dm M T wo go r k mons coef :
  n (work (fh_step_g (fast_am mons coef) p Dm M T wo go r k))
  = fast_step_cost Dm (n (length mons)) (n (mdeg mons)) (n M).
Proof.
  rewrite work_wwork. unfold fh_step_g, fh_step_by, fast_step_cost.
  change (tl_at_by (am_prog (fast_am mons coef))) with (tl_at_g (fast_am mons coef)).
  rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat2N.inj_add.
  rewrite (mlp_cost_of unit_cost 0 _ _ M (fhc Dm) (ld (fhLD Dm))).
  rewrite (ew_cost_of unit_cost M (ld (fhLD Dm)) (OBin BAdd)).
  rewrite (xpby_cost_of unit_cost M (ld (fhLD Dm))).
  rewrite ww_iter, (n_sum_const _ _ _ (fun l _ => eq_trans (f_equal n (ww_unit _)) (fast_layer_work _ _ _ _ _ _ _ _ _ _))).
  rewrite (mlp_cost_of unit_cost 0 _ _ M (ld (fhLD Dm)) (fhc Dm)).
  unfold euler_at. rewrite (xpby_cost_of unit_cost M (fhc Dm)).
  cbn [op_cost]. fold (cA unit_cost). cbn [length seq map bc_ends nth list_sum fold_right].
  repeat first [rewrite Nat.add_0_r | rewrite Nat2N.inj_add | rewrite Nat2N.inj_mul | rewrite Nat2N.inj_sub].
  change (n 1) with 1%N. ring.
Qed.

Lemma ar_sums cfg i :
  let ns := map (tok cfg) (seq 0 (S i)) in
  n (list_sum (map (fun b => nth b (bc_ends ns) 0 + (nth b (bc_ends ns) 0 - 1)) (seq 0 (length ns))))
  = ar_S1 cfg i
  /\ n (list_sum (map (fun b => nth b (bc_ends ns) 0 - 1) (seq 0 (length ns)))) = ar_S2 cfg i.
Proof.
  intros ns. unfold ns. rewrite map_length, seq_length, !nsum_of. unfold ar_S1, ar_S2.
  split; apply nsum_ext; intros j Hj; rewrite ar_ends by lia;
    rewrite ?Nat2N.inj_add, Nat2N.inj_sub, ntokN_of; reflexivity.
Qed.

Section program_work.
  Context (p : nat) (cfg : Config) (mons : list (list nat)) (coef : nat -> list nat -> flt).
  Lemma fast_scale_work i :
    n (work (scale_at_g (fast_am mons coef) p cfg i))
    = fast_scale_cost cfg (n (length mons)) (n (mdeg mons)) i.
  Proof.
    rewrite work_wwork. unfold scale_at_g, scale_at_by, fast_scale_cost.
    change (tl_at_by (am_prog (fast_am mons coef))) with (tl_at_g (fast_am mons coef)).
    rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat.add_0_l, ?Nat2N.inj_add.
    rewrite seq_cost_of, ww_iter.
    rewrite (n_sum_const _ _ _ (fun l _ => eq_trans (f_equal n (ww_unit _)) (fast_layer_work _ _ _ _ _ _ _ _ _ _))).
    destruct (ar_sums cfg i) as [H1 H2]. rewrite H1, H2, ntokN_of.
    unfold flow_at_by. rewrite ww_iter.
    change (fh_step_by (am_prog (fast_am mons coef))) with (fh_step_g (fast_am mons coef)).
    rewrite (n_sum_const _ _ _ (fun k _ => eq_trans (f_equal n (ww_unit _)) (fast_step_work _ _ _ _ _ _ _ _ _ _))).
    rewrite tokN_of. ring.
  Qed.

  (** The work of the fast pipeline's program is [fast_flowar_work]. *)
  Theorem fast_flowar_exact_work :
    n (work (fast_flowar_prog p cfg mons coef))
    = fast_flowar_work cfg (n (length mons)) (n (mdeg mons)).
  Proof.
    unfold fast_flowar_prog, flowar_prog_g, flowar_prog_by, scales_at_by, fast_flowar_work.
    change (scale_at_by (am_prog (fast_am mons coef))) with (scale_at_g (fast_am mons coef)).
    rewrite work_wwork, ww_PSeq, ww_keep, Nat.add_0_r, grow_cost, nsum_of.
    apply nsum_ext. intros i _. rewrite ww_unit. apply fast_scale_work.
  Qed.
End program_work.

Local Open Scope N_scope.

(** ** The explicit upper bound of the module work *)

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


Definition embed_wb (cfg : Config) (j : nat) : N :=
  let c := N.of_nat (ch cfg) in
  31 * tokN cfg (S j) * c + mlp_wb (tokN cfg (S j)) c (N.of_nat (dm cfg)).

(** One Euler step of the flow head on [M] tokens (unmasked attention: one block end [M]). *)
Definition step_wb (cfg : Config) (r Dg M : N) : N :=
  let c := N.of_nat (ch cfg) in let d := N.of_nat (dm cfg) in
  mlp_wb M c d + M * d + 2 * M * d + N.of_nat (Lf cfg) * layer_wb (LD cfg) M r Dg M
  + mlp_wb M d c + 2 * M * c.

Definition scale_wb (cfg : Config) (r Dg : N) (i : nat) : N :=
  nsum (embed_wb cfg) i
  + N.of_nat (L cfg) * layer_wb (LD cfg) (ntokN cfg i) r Dg (nsum (ntokN cfg) (S i))
  + N.of_nat (T cfg) * step_wb cfg r Dg (tokN cfg i).

(** The explicit upper bound with rank [r] and total degree [Dg]. *)
Definition fast_flowar_wb (cfg : Config) (r Dg : N) : N := nsum (scale_wb cfg r Dg) (K cfg).

(** ** The exact work is below the bound *)

Local Ltac mono := repeat match goal with
  | |- (_ * _ <= _ * _)%N => apply N.mul_le_mono
  | |- (_ + _ <= _ + _)%N => apply N.add_le_mono end; try lia.

Lemma unit_cA : cA unit_cost = 1.
Proof. reflexivity. Qed.
Lemma unit_cM : cM unit_cost = 1.
Proof. reflexivity. Qed.

Lemma lnaff_le x d : lnaff_cost unit_cost x d <= lnaff_wb x d.
Proof.
  unfold lnaff_cost, ln_cost, sum_cost, lnaff_wb. rewrite unit_cA, unit_cM.
  unfold cD, cQ, unit_cost. cbn [N.of_nat Pos.of_succ_nat].
  assert (x * (2 * ((d - 1) * 1) + d * 1 + d * 1 + (d + 2) * 1 + 1) <= x * (5 * d + 3))
    by (apply N.mul_le_mono_l; lia).
  lia.
Qed.

Lemma mlp_le x c d : mlp_cost unit_cost x c d <= mlp_wb x c d.
Proof.
  unfold mlp_cost, dot_cost, sum_cost, mlp_wb. rewrite unit_cA, unit_cM.
  assert (c * 1 + (c - 1) * 1 + 1 <= 2 * c + 1) by lia.
  assert (x * d * (c * 1 + (c - 1) * 1 + 1) <= x * d * (2 * c + 1)) by (apply N.mul_le_mono_l; lia). lia.
Qed.

Lemma ffn_le x d dff : ffn_inner_cost unit_cost x d dff + x * d * cA unit_cost <= ffn_wb x d dff.
Proof.
  unfold ffn_inner_cost, ffn_wb. rewrite unit_cA.
  pose proof (mlp_le x d dff). pose proof (mlp_le x dff d). unfold mlp_wb in *.
  change (cC unit_cost) with 1%N. lia.
Qed.

Lemma fattn_le x c dh r Dg S1 S2 E : S1 <= 2 * E -> S2 <= E ->
  fattn_cost x c dh r Dg S1 S2 <= fattn_wb x c dh r Dg E.
Proof.
  intros H1 H2. unfold fattn_cost, fattn_wb.
  assert (3 * (x * (dh * (c + (c - 1)))) <= 6 * x * dh * c).
  { assert (c + (c - 1) <= 2 * c) by lia.
    assert (x * (dh * (c + (c - 1))) <= x * (dh * (2 * c))) by (apply N.mul_le_mono_l, N.mul_le_mono_l; lia).
    lia. }
  assert (r * dh * S1 + r * S2 <= r * (2 * dh + 1) * E).
  { assert (r * dh * S1 <= r * dh * (2 * E)) by (apply N.mul_le_mono_l; lia).
    assert (r * S2 <= r * E) by (apply N.mul_le_mono_l; lia). lia. }
  assert (x * (dh + 1) * (r + (r - 1)) <= 2 * x * (dh + 1) * r).
  { assert (x * (dh + 1) * (r + (r - 1)) <= x * (dh + 1) * (2 * r)) by (apply N.mul_le_mono_l; lia).
    lia. }
  lia.
Qed.

Lemma fast_layer_le D x r Dg S1 S2 E : S1 <= 2 * E -> S2 <= E ->
  fast_layer_cost D x r Dg S1 S2 <= layer_wb D x r Dg E.
Proof.
  intros H1 H2. unfold fast_layer_cost, layer_wb, fmha_cost, fmha_wb. cbv zeta.
  set (d := N.of_nat (ld D)). set (dh := N.of_nat (ldh D)). set (H := N.of_nat (lH D)).
  pose proof (lnaff_le x d). pose proof (ffn_le x d (N.of_nat (ldff D))).
  pose proof (fattn_le x d dh r Dg S1 S2 E H1 H2).
  assert (H * fattn_cost x d dh r Dg S1 S2 <= H * fattn_wb x d dh r Dg E) by (apply N.mul_le_mono_l; assumption).
  assert (x * (d * (H * dh + (H * dh - 1))) <= 2 * x * d * H * dh).
  { assert (H * dh + (H * dh - 1) <= 2 * (H * dh)) by lia.
    assert (x * (d * (H * dh + (H * dh - 1))) <= x * (d * (2 * (H * dh))))
      by (apply N.mul_le_mono_l, N.mul_le_mono_l; lia). lia. }
  rewrite unit_cA in *. lia.
Qed.

Lemma fast_step_le cfg r Dg M :
  fast_step_cost (FD cfg) r Dg M <= step_wb cfg r Dg M.
Proof.
  unfold fast_step_cost, step_wb, xpby_cost. cbn [fhc fhLD fhLf FD]. fold (dm cfg).
  rewrite unit_cA, unit_cM.
  pose proof (mlp_le M (N.of_nat (ch cfg)) (N.of_nat (dm cfg))).
  pose proof (mlp_le M (N.of_nat (dm cfg)) (N.of_nat (ch cfg))).
  assert (fast_layer_cost (LD cfg) M r Dg (M + (M - 1)) (M - 1) <= layer_wb (LD cfg) M r Dg M)
    by (apply fast_layer_le; lia).
  assert (N.of_nat (Lf cfg) * fast_layer_cost (LD cfg) M r Dg (M + (M - 1)) (M - 1)
          <= N.of_nat (Lf cfg) * layer_wb (LD cfg) M r Dg M) by (apply N.mul_le_mono_l; assumption).
  lia.
Qed.

Lemma embed_le cfg j : embed_cost unit_cost cfg j <= embed_wb cfg j.
Proof.
  unfold embed_cost, embed_wb, up_cost, dot_cost, sum_cost. rewrite unit_cA, unit_cM.
  pose proof (mlp_le (tokN cfg (S j)) (N.of_nat (ch cfg)) (N.of_nat (dm cfg))). lia.
Qed.

Lemma ar_S_le cfg i : ar_S1 cfg i <= 2 * nsum (ntokN cfg) (S i) /\ ar_S2 cfg i <= nsum (ntokN cfg) (S i).
Proof.
  unfold ar_S1, ar_S2. split.
  - apply (N.le_trans _ (nsum (fun j => 2 * ntokN cfg j) (S i))); [apply nsum_le_mono; intros; lia|].
    generalize (S i). intros k. induction k as [|k IH]; cbn [nsum]; lia.
  - apply nsum_le_mono. intros; lia.
Qed.

Theorem fast_flowar_work_le_wb cfg r Dg : fast_flowar_work cfg r Dg <= fast_flowar_wb cfg r Dg.
Proof.
  apply nsum_le_mono. intros i _. unfold fast_scale_cost, scale_wb, seq_cost.
  destruct (ar_S_le cfg i) as [H1 H2].
  pose proof (fast_layer_le (LD cfg) (ntokN cfg i) r Dg _ _ _ H1 H2).
  pose proof (fast_step_le cfg r Dg (tokN cfg i)).
  assert (nsum (embed_cost unit_cost cfg) i <= nsum (embed_wb cfg) i) by (apply nsum_le_mono; intros; apply embed_le).
  mono.
Qed.

(** ** Linear in the tokens: [fast_flowar_work ≤ 150 · Y^8 · Z] *)

Section bound.
  Context (cfg : Config) (r Dg Y Z : N).
  Let D := LD cfg.
  Context (HY : 1 <= Y) (Hr : r <= Y) (HDg : Dg <= Y * Y)
    (Hd : N.of_nat (ld D) <= Y) (Hdh : N.of_nat (ldh D) <= Y) (HH : N.of_nat (lH D) <= Y)
    (Hff : N.of_nat (ldff D) <= Y) (Hc : N.of_nat (ch cfg) <= Y) (HL : N.of_nat (L cfg) <= Y)
    (HLf : N.of_nat (Lf cfg) <= Y) (HT : N.of_nat (T cfg) <= Y) (HK : N.of_nat (K cfg) <= Y)
    (Htok : forall i, (i < K cfg)%nat -> tokN cfg i <= Z).


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
    - apply nsum_le. intros j Hj. apply Htok. lia.
    - apply N.mul_le_mono_r. lia.
  Qed.

  Lemma scale_wb_le i : (i < K cfg)%nat ->
    scale_wb cfg r Dg i <= 150 * (Y * Y * Y * Y * Y * Y * Y) * Z.
  Proof.
    intros Hi. unfold scale_wb.
    assert (He : nsum (embed_wb cfg) i <= Y * (34 * (Y * Y) * Z)).
    { apply (N.le_trans _ (N.of_nat i * (34 * (Y * Y) * Z))); [|apply N.mul_le_mono_r; lia].
      apply nsum_le. intros j Hj. unfold embed_wb, mlp_wb, dm.
      pose proof (Htok (S j) ltac:(lia)). fold D.
      apply (N.le_trans _ (31 * Z * Y + Z * Y * (2 * Y + 1))); [mono|]. nia. }
    assert (HN : ntokN cfg i <= Y * Z) by (apply ntokN_le, Hi).
    assert (HE : nsum (ntokN cfg) (S i) <= Y * Y * Z).
    { apply (N.le_trans _ (N.of_nat (S i) * (Y * Z))).
      - apply nsum_le. intros j Hj. apply ntokN_le. lia.
      - rewrite <- N.mul_assoc. apply N.mul_le_mono_r. lia. }
    pose proof (layer_wb_le _ _ HN HE) as HLw. fold D.
    pose proof (step_wb_le (tokN cfg i) (Htok i ltac:(lia))) as HS.
    apply (N.le_trans _ (Y * (34 * (Y * Y) * Z) + Y * (50 * (Y * Y * Y * Y * Y) * Z)
                         + Y * (64 * (Y * Y * Y * Y * Y * Y) * Z))); [mono|].
    assert (Y * Y * Y <= Y * Y * Y * Y) by nia. assert (Y * Y * Y * Y <= Y * Y * Y * Y * Y) by nia.
    assert (Y * Y * Y * Y * Y <= Y * Y * Y * Y * Y * Y) by nia.
    assert (Y * Y * Y * Y * Y * Y <= Y * Y * Y * Y * Y * Y * Y) by nia. nia.
  Qed.

  Theorem fast_flowar_wb_le :
    fast_flowar_wb cfg r Dg <= 150 * (Y * Y * Y * Y * Y * Y * Y * Y) * Z.
  Proof.
    unfold fast_flowar_wb.
    apply (N.le_trans _ (N.of_nat (K cfg) * (150 * (Y * Y * Y * Y * Y * Y * Y) * Z))).
    - apply nsum_le. intros i Hi. apply scale_wb_le, Hi.
    - apply (N.le_trans _ (Y * (150 * (Y * Y * Y * Y * Y * Y * Y) * Z))); [apply N.mul_le_mono_r; lia|].
      lia.
  Qed.
  (** The exact work is linear in the tokens. *)
  Theorem fast_flowar_work_le :
    fast_flowar_work cfg r Dg <= 150 * (Y * Y * Y * Y * Y * Y * Y * Y) * Z.
  Proof. eapply N.le_trans; [apply fast_flowar_work_le_wb|apply fast_flowar_wb_le]. Qed.
End bound.

(** ** [n^{2+o(1)}] *)

Local Close Scope N_scope.

(** With FlowAR's doubling schedule every scale has at most [n²] tokens. *)
Lemma tokN_doubling cfg n i :
  s0 cfg = 1 -> a cfg = 2 -> K cfg = Nat.log2 n + 1 -> i < K cfg -> 1 <= n ->
  (tokN cfg i <= N.of_nat (n * n))%N.
Proof.
  intros Hs Ha HK Hi Hn. rewrite <- tokN_of. unfold tok, side. rewrite Hs, Ha, Nat.mul_1_l.
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
  (* [yn = rn n · (bn + g n)] with both factors [≥ 1]: each is at most [yn] *)
  assert (Hsum : bn + g n <= yn).
  { rewrite HYdef, <- (Nat.mul_1_l (bn + g n)) at 1. apply Nat.mul_le_mono_r. exact Hr1. }
  assert (HYn : 1 <= yn) by lia.
  assert (HrY : rn n <= yn).
  { rewrite HYdef, <- (Nat.mul_1_r (rn n)) at 1. apply Nat.mul_le_mono_l. lia. }
  assert (HBY : bn <= yn) by lia.
  assert (HgY : g n <= yn) by lia.
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

(** The same statement for the work of Fast FlowAR's program itself, with
    the Taylor monomials of degree [g(n)] and any coefficients. *)
Corollary fast_flowar_prog_work_n2 (cfgs : nat -> Config) (beta : nat -> nat) (C ea : nat)
    (prec : nat -> nat) (coef : nat -> nat -> list nat -> flt) :
  1 <= C -> 1 <= ea ->
  (forall n, s0 (cfgs n) = 1 /\ a (cfgs n) = 2 /\ K (cfgs n) = Nat.log2 n + 1) ->
  (forall n, let cf := cfgs n in let B := C * (Nat.log2 n + 1) in
     ld (LD cf) <= B /\ ldh (LD cf) <= B /\ lH (LD cf) <= B /\ ldff (LD cf) <= B
     /\ ch cf <= B /\ L cf <= B /\ Lf cf <= B /\ T cf <= B) ->
  little_o_log beta ->
  let g n := taylor_deg (N.of_nat (beta n)) (N.of_nat (n ^ ea)) in
  forall k, 1 <= k -> exists n0, forall n, n0 <= n ->
    work (fast_flowar_prog (prec n) (cfgs n) (taylor_mons (ldh (LD (cfgs n))) (g n)) (coef n)) ^ k
    <= n ^ (2 * k + 1).
Proof.
  intros HC Hea Hsch Hdim Hbeta g k Hk.
  destruct (fast_flowar_work_n2 cfgs beta C ea HC Hea Hsch Hdim Hbeta k Hk) as [n0 Hn0].
  exists n0. intros n Hn. specialize (Hn0 n Hn). cbv zeta in Hn0.
  rewrite <- (Nat2N.id (work _)), fast_flowar_exact_work, taylor_rank. exact Hn0.
Qed.
