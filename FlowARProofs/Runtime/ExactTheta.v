(** * Exact FlowAR inference is Θ(n⁴), and attention is the bottleneck

    The paper's second claim, for its doubling schedule: scale [i] has side
    [m·2^i], so the output side is [n = m·2^(K−1)].  We fix everything but
    the schedule — channels, widths, heads, layers, Euler steps: a [Fixed]
    record — and let both [K] and [m] vary ([schedule F K m]); so the bounds
    hold for fixed [K] with [m] growing AND for FlowAR's own [K = log₂ n + 1],
    [m = 1].  With the exact closed form of [Runtime/Exact.v]:
    - [flowar_cost_split]: work = AR attention + flow-head attention + rest,
      where the attention terms count one head's attention proper
      ([core_cost]: scores, exp, row sums, [A·V], normalisation) over the
      visible (query, key) pairs — [pairs i] for the block-causal AR layers,
      [tok i²] for the flow head's layers — and the rest (projections,
      LayerNorms, FFNs, sampling, embeddings, Euler updates) is linear in the
      tokens of each scale;
    - [flowar_nonattention_work_quadratic]: rest ≤ [2ρ·n²];
    - [flowar_work_theta]: [c₁·n⁴ ≤ work ≤ c₂·n⁴] for every [K ≥ 1], every [m]
      (so [n₀ = 1]), with [c₁ = H·(L + T·L_f)] and
      [c₂ = 2·H·(4·d_h + 3)·(L + T·L_f) + 2ρ], explicit in the fixed
      dimensions ([ρ] is the rest's cost per token, [rho]).
    The geometric sums behind it: [Σ_{i<K} tok i ≤ 4/3·n²],
    [ntok i ≤ 4/3·tok i], [Σ_i pairs i ≤ Σ_i ntok i² ≤ 256/135·n⁴]. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work.
From FlowARProofs.Pipeline Require Import Layer FlowHead FlowAR.
From FlowARProofs.Runtime Require Import ExactCost ExactLayer Exact.
Import ListNotations.
Set Default Goal Selector "!".

Local Notation n := N.of_nat.
Local Open Scope N_scope.

Implicit Types (cfg : Config) (cm : kind -> nat) (i j k : nat).

(** ** Splitting off attention *)

Section split.
  Context (cm : kind -> nat).

  (** A layer without its attention proper: linear in the tokens [x]. *)
  Definition layer_lin (D : LDims) (x : N) : N :=
    let d := n (ld D) in let dh := n (ldh D) in let H := n (lH D) in let dff := n (ldff D) in
    lnaff_cost cm x d + (H * qkv_cost cm x d dh + x * d * dot_cost cm (H * dh)) + x * d * cA cm
    + lnaff_cost cm x d + ffn_inner_cost cm x d dff + x * d * cA cm.

  Lemma layer_split D x S :
    layer_cost cm D x S = layer_lin D x + n (lH D) * core_cost cm x S (n (ldh D)).
  Proof. unfold layer_cost, layer_lin, mha_cost. ring. Qed.

  Definition step_lin (Dm : FHDims) (M : N) : N :=
    let c := n (fhc Dm) in let d := n (ld (fhLD Dm)) in
    mlp_cost cm M c d + M * d * cA cm + xpby_cost cm M d + n (fhLf Dm) * layer_lin (fhLD Dm) M
    + mlp_cost cm M d c + xpby_cost cm M c.

  Lemma step_split Dm M :
    step_cost cm Dm M
    = step_lin Dm M + n (fhLf Dm) * (n (lH (fhLD Dm)) * core_cost cm M (M * M) (n (ldh (fhLD Dm)))).
  Proof. unfold step_cost, step_lin. rewrite layer_split. ring. Qed.

  Lemma layer_lin_linear D x : layer_lin D x = x * layer_lin D 1.
  Proof.
    unfold layer_lin, lnaff_cost, ln_cost, qkv_cost, ffn_inner_cost, mlp_cost. ring.
  Qed.

  Lemma step_lin_linear Dm M : step_lin Dm M = M * step_lin Dm 1.
  Proof.
    unfold step_lin, xpby_cost, mlp_cost. rewrite (layer_lin_linear _ M). ring.
  Qed.

  Context (cfg : Config).
  Local Notation H := (n (lH (LD cfg))).
  Local Notation dh := (n (ldh (LD cfg))).

  (** AR attention: [L] layers, [H] heads, over the block-causal pairs. *)
  Definition ar_attn : N := nsum (fun i => n (L cfg) * (H * core_cost cm (ntokN cfg i) (pairsN cfg i) dh)) (K cfg).
  (** Flow-head attention: [T] steps, [L_f] layers, [H] heads, over [tok i²] pairs. *)
  Definition fh_attn : N :=
    nsum (fun i => n (T cfg) * (n (Lf cfg) * (H * core_cost cm (tokN cfg i) (tokN cfg i * tokN cfg i) dh))) (K cfg).
  (** Everything else. *)
  Definition rest_cost : N :=
    nsum (fun i => seq_cost cm cfg i + n (L cfg) * layer_lin (LD cfg) (ntokN cfg i)
                   + n (T cfg) * step_lin (FD cfg) (tokN cfg i)) (K cfg).

  Lemma nsum_add (f g : nat -> N) k0 : nsum (fun i => f i + g i) k0 = nsum f k0 + nsum g k0.
  Proof. induction k0 as [|k0 IH]; cbn [nsum]; [reflexivity|]. rewrite IH. ring. Qed.

  Theorem flowar_cost_split : flowar_cost cm cfg = ar_attn + fh_attn + rest_cost.
  Proof.
    unfold flowar_cost, ar_attn, fh_attn, rest_cost. rewrite <- !nsum_add. apply nsum_ext.
    intros i _. unfold scale_cost, ar_cost, fh_cost. rewrite layer_split, step_split.
    cbn [FD fhLD fhLf]. ring.
  Qed.
End split.

(** ** The doubling schedule *)

(** Everything but the schedule: channels, layer dimensions, layers, flow layers, steps. *)
Record Fixed := { fc : nat; fD : LDims; fL : nat; fLf : nat; fT : nat }.

Definition schedule (F : Fixed) (K m : nat) : Config :=
  {| K := K; s0 := m; a := 2; ch := fc F; LD := fD F; L := fL F; Lf := fLf F; T := fT F |}.

(** The output side [n = m·2^(K−1)]. *)
Definition out_side (K m : nat) : nat := m * 2 ^ (K - 1).

Section geometric.
  Context (F : Fixed) (K m : nat).
  Local Notation cfg := (schedule F K m).

  Lemma tokN_S i : tokN cfg (S i) = 4 * tokN cfg i.
  Proof.
    unfold tokN. cbn [s0 a schedule]. rewrite (Nat2N.inj_succ i), N.pow_succ_r by lia.
    change (n 2) with 2. ring.
  Qed.

  Lemma tokN_0 : tokN cfg 0 = n m * n m.
  Proof. unfold tokN. cbn. ring. Qed.

  Lemma ntokN_S i : ntokN cfg (S i) = ntokN cfg i + tokN cfg (S i).
  Proof. reflexivity. Qed.

  Lemma ntok_geo i : 3 * ntokN cfg i + n m * n m = 4 * tokN cfg i.
  Proof.
    induction i as [|i IH].
    - unfold ntokN. cbn [nsum]. rewrite tokN_0. ring.
    - rewrite ntokN_S, tokN_S. lia.
  Qed.

  Lemma ntok_le i : 3 * ntokN cfg i <= 4 * tokN cfg i.
  Proof. pose proof (ntok_geo i). lia. Qed.

  Lemma tok_le_ntokN i : tokN cfg i <= ntokN cfg i.
  Proof. destruct i as [|i]; [unfold ntokN; cbn [nsum]; lia|]. rewrite ntokN_S. lia. Qed.

  Lemma sq_geo i : 15 * nsum (fun j => tokN cfg j * tokN cfg j) (S i) + (n m * n m) * (n m * n m)
                   = 16 * (tokN cfg i * tokN cfg i).
  Proof.
    induction i as [|i IH].
    - cbn [nsum]. rewrite tokN_0. ring.
    - cbn [nsum] in *. rewrite tokN_S. lia.
  Qed.

  Lemma pairs_le_sq i : pairsN cfg i <= ntokN cfg i * ntokN cfg i.
  Proof.
    induction i as [|i IH].
    - unfold pairsN, ntokN. cbn [nsum]. lia.
    - unfold pairsN in *. cbn [nsum] in *. fold (pairsN cfg i) in *. rewrite ntokN_S in *.
      fold (ntokN cfg i) in *. nia.
  Qed.

  Lemma ntok_le_pairs i : ntokN cfg i <= pairsN cfg i.
  Proof.
    unfold ntokN, pairsN. induction i as [|i IH]; cbn [nsum] in *.
    - pose proof (tok_le_ntokN 0). unfold ntokN in *. cbn [nsum] in *. nia.
    - pose proof (tok_le_ntokN (S i)). fold (ntokN cfg (S i)). nia.
  Qed.

  Lemma tok_ntok_le_pairs i : tokN cfg i * ntokN cfg i <= pairsN cfg i.
  Proof. unfold pairsN. cbn [nsum]. lia. Qed.

  Lemma nsum_le (f g : nat -> N) k0 : (forall i, (i < k0)%nat -> f i <= g i) -> nsum f k0 <= nsum g k0.
  Proof.
    induction k0 as [|k0 IH]; intros Hfg; cbn [nsum]; [lia|].
    pose proof (IH ltac:(intros; apply Hfg; lia)). pose proof (Hfg k0 ltac:(lia)). lia.
  Qed.

  Lemma nsum_mul_l c (f : nat -> N) k0 : nsum (fun i => c * f i) k0 = c * nsum f k0.
  Proof. induction k0 as [|k0 IH]; cbn [nsum]; [ring|]. rewrite IH. ring. Qed.

  Lemma nsum_term (f : nat -> N) k0 i : (i < k0)%nat -> f i <= nsum f k0.
  Proof.
    induction k0 as [|k0 IH]; intros Hi; cbn [nsum]; [lia|].
    destruct (Nat.eq_dec i k0) as [->|Hne]; [lia|]. pose proof (IH ltac:(lia)). lia.
  Qed.

  (** [n² = tok (K−1)]. *)
  Lemma out_side_sq : (1 <= K)%nat -> n (out_side K m) * n (out_side K m) = tokN cfg (K - 1).
  Proof.
    intros HK. unfold out_side, tokN. cbn [s0 a schedule].
    rewrite Nat2N.inj_mul, Nat2N.inj_pow, Nat2N.inj_sub. reflexivity.
  Qed.

  (** [9·Σ_{i<K} ntok i ≤ 16·n²]. *)
  Lemma sum_ntok_le : (1 <= K)%nat -> 9 * nsum (ntokN cfg) K <= 16 * tokN cfg (K - 1).
  Proof.
    intros HK. assert (Hs : 3 * nsum (ntokN cfg) K <= 4 * nsum (tokN cfg) K).
    { rewrite <- !nsum_mul_l. apply nsum_le. intros. apply ntok_le. }
    replace (nsum (tokN cfg) K) with (ntokN cfg (K - 1)) in Hs
      by (unfold ntokN; f_equal; lia).
    pose proof (ntok_le (K - 1)). lia.
  Qed.

  (** [135·Σ_{i<K} pairs i ≤ 256·n⁴]. *)
  Lemma sum_pairs_le : (1 <= K)%nat ->
    135 * nsum (pairsN cfg) K <= 256 * (tokN cfg (K - 1) * tokN cfg (K - 1)).
  Proof.
    intros HK.
    assert (H1 : 9 * nsum (pairsN cfg) K <= 16 * nsum (fun j => tokN cfg j * tokN cfg j) K).
    { rewrite <- !nsum_mul_l. apply nsum_le. intros i _. pose proof (pairs_le_sq i).
      pose proof (ntok_le i). nia. }
    pose proof (sq_geo (K - 1)) as H2. replace (S (K - 1)) with K in H2 by lia. lia.
  Qed.

  Lemma sum_sq_le : (1 <= K)%nat ->
    15 * nsum (fun j => tokN cfg j * tokN cfg j) K <= 16 * (tokN cfg (K - 1) * tokN cfg (K - 1)).
  Proof.
    intros HK. pose proof (sq_geo (K - 1)) as H2. replace (S (K - 1)) with K in H2 by lia. lia.
  Qed.
End geometric.

(** ** Attention proper, under unit cost: between [S] and [(4·d_h + 3)·S] *)

Lemma core_unit_le x S dh : x <= S -> core_cost unit_cost x S dh <= (4 * dh + 3) * S.
Proof.
  intros Hx. unfold core_cost, dot_cost, sum_cost, cA, cM, cD, cE. cbn [unit_cost N.of_nat Pos.of_succ_nat].
  nia.
Qed.

Lemma core_unit_ge x S dh : S <= core_cost unit_cost x S dh.
Proof.
  unfold core_cost, dot_cost, sum_cost, cA, cM, cD, cE. cbn [unit_cost N.of_nat Pos.of_succ_nat]. nia.
Qed.

(** ** The constants *)

Section constants.
  Context (F : Fixed).
  Local Notation H := (n (lH (fD F))).
  Local Notation dh := (n (ldh (fD F))).
  Local Notation L := (n (fL F)).
  Local Notation Lf := (n (fLf F)).
  Local Notation T := (n (fT F)).

  (** Cost per token of everything but attention: embedding ([Up] and
      [Emb] per token of the next scale), an AR layer, a flow-head step. *)
  Definition emb1 : N := up_cost unit_cost 1 (n (fc F)) + mlp_cost unit_cost 1 (n (fc F)) (n (ld (fD F))).
  Definition rho : N :=
    emb1 + L * layer_lin unit_cost (fD F) 1
    + T * step_lin unit_cost {| fhc := fc F; fhLD := fD F; fhLf := fLf F |} 1.

  Definition theta_lo : N := H * (L + T * Lf).
  Definition theta_hi : N := 2 * H * (4 * dh + 3) * (L + T * Lf) + 2 * rho.
  Definition quad_hi : N := 2 * rho.
End constants.

Section theta.
  Context (p : nat) (F : Fixed) (K m : nat) (HK : (1 <= K)%nat).
  Local Notation cfg := (schedule F K m).
  Local Notation nn := (n (out_side K m)).

  Lemma embed_linear j : embed_cost unit_cost cfg j = tokN cfg (S j) * emb1 F.
  Proof. unfold embed_cost, emb1, up_cost, mlp_cost, dm. cbn [ch LD schedule]. ring. Qed.

  Lemma seq_cost_le i : seq_cost unit_cost cfg i <= ntokN cfg i * emb1 F.
  Proof.
    unfold seq_cost. induction i as [|i IH]; cbn [nsum]; [lia|].
    rewrite embed_linear, ntokN_S. nia.
  Qed.

  (** ** The bounds on each part, for any token counts the parts may use

      Exact and KV-cached inference ([Runtime/KVCache.v]) split their work
      the same way and differ only in how many tokens each part touches:
      [x i], [y i] below. *)

  (** The rest: per scale, [x i ≤ ntok i·emb1] for the sequence and [L]
      layers and [T] flow-head steps on at most [ntok i], resp. [tok i],
      tokens. *)
  Lemma rest_sum_quadratic (x y : nat -> N) :
    (forall i, x i <= ntokN cfg i * emb1 F) -> (forall i, y i <= ntokN cfg i) ->
    nsum (fun i => x i + n (L cfg) * layer_lin unit_cost (LD cfg) (y i)
                   + n (T cfg) * step_lin unit_cost (FD cfg) (tokN cfg i)) K
    <= quad_hi F * (nn * nn).
  Proof.
    intros Hx Hy. rewrite (out_side_sq F K m HK).
    assert (Hr : nsum (fun i => x i + n (L cfg) * layer_lin unit_cost (LD cfg) (y i)
                                + n (T cfg) * step_lin unit_cost (FD cfg) (tokN cfg i)) K
                 <= nsum (fun i => rho F * ntokN cfg i) K).
    { apply nsum_le. intros i _. pose proof (Hx i). pose proof (Hy i) as Hy'.
      rewrite layer_lin_linear, step_lin_linear. pose proof (tok_le_ntokN F K m i) as H0.
      unfold rho. cbn [schedule L T LD FD fc fD fL fLf fT ch].
      set (a1 := layer_lin unit_cost (fD F) 1) in *. set (a2 := step_lin _ _ 1) in *.
      assert (n (fL F) * (y i * a1) <= n (fL F) * (ntokN cfg i * a1))
        by (apply N.mul_le_mono_l, N.mul_le_mono_r; exact Hy').
      assert (n (fT F) * (tokN cfg i * a2) <= n (fT F) * (ntokN cfg i * a2))
        by (apply N.mul_le_mono_l, N.mul_le_mono_r; exact H0). lia. }
    rewrite nsum_mul_l in Hr. pose proof (sum_ntok_le F K m HK) as Hs.
    apply (N.mul_le_mono_l _ _ (rho F)) in Hs. unfold quad_hi. lia.
  Qed.

  (** AR attention: [L] layers, [H] heads, [x i] queries over [y i ≤ pairs i] pairs. *)
  Definition ar_attn_sum (x y : nat -> N) : N :=
    nsum (fun i => n (L cfg) * (n (lH (LD cfg)) * core_cost unit_cost (x i) (y i) (n (ldh (LD cfg))))) K.

  Lemma ar_attn_sum_le (x y : nat -> N) :
    (forall i, x i <= y i) -> (forall i, y i <= pairsN cfg i) ->
    135 * ar_attn_sum x y
    <= 256 * (n (fL F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) * (nn * nn * (nn * nn)).
  Proof.
    intros Hxy Hy. rewrite (out_side_sq F K m HK).
    assert (Ha : ar_attn_sum x y
                 <= nsum (fun i => n (fL F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3) * pairsN cfg i) K).
    { unfold ar_attn_sum. apply nsum_le. intros i _. cbn [schedule L LD].
      pose proof (core_unit_le _ _ (n (ldh (fD F))) (Hxy i)) as Hc.
      rewrite <- !N.mul_assoc. apply N.mul_le_mono_l, N.mul_le_mono_l.
      eapply N.le_trans; [exact Hc|]. apply N.mul_le_mono_l, Hy. }
    rewrite nsum_mul_l in Ha. pose proof (sum_pairs_le F K m HK) as Hs.
    set (c := n (fL F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) in *.
    apply (N.mul_le_mono_l _ _ c) in Hs. lia.
  Qed.

  (** The last scale alone: its [tok² ≤ y] pairs, in every layer and head. *)
  Lemma ar_attn_sum_ge (x y : nat -> N) :
    tokN cfg (K - 1) * tokN cfg (K - 1) <= y (K - 1)%nat ->
    n (fL F) * (n (lH (fD F)) * (tokN cfg (K - 1) * tokN cfg (K - 1))) <= ar_attn_sum x y.
  Proof.
    intros Hy. unfold ar_attn_sum. eapply N.le_trans; [|apply (nsum_term _ _ (K - 1)); lia].
    cbn [schedule L LD]. pose proof (core_unit_ge (x (K - 1)%nat) (y (K - 1)%nat) (n (ldh (fD F)))).
    apply N.mul_le_mono_l, N.mul_le_mono_l. lia.
  Qed.

  Theorem rest_quadratic : rest_cost unit_cost cfg <= quad_hi F * (nn * nn).
  Proof.
    apply (rest_sum_quadratic (seq_cost unit_cost cfg) (ntokN cfg)); [apply seq_cost_le|reflexivity].
  Qed.

  Theorem ar_attn_le : 135 * ar_attn unit_cost cfg
    <= 256 * (n (fL F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) * (nn * nn * (nn * nn)).
  Proof.
    apply (ar_attn_sum_le (ntokN cfg) (pairsN cfg)); [apply ntok_le_pairs|reflexivity].
  Qed.

  Theorem fh_attn_le : 15 * fh_attn unit_cost cfg
    <= 16 * (n (fT F) * n (fLf F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) * (nn * nn * (nn * nn)).
  Proof.
    rewrite (out_side_sq F K m HK).
    assert (Ha : fh_attn unit_cost cfg
                 <= nsum (fun i => n (fT F) * n (fLf F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)
                                   * (tokN cfg i * tokN cfg i)) K).
    { unfold fh_attn. apply nsum_le. intros i _. cbn [schedule T Lf LD].
      assert (tokN cfg i <= tokN cfg i * tokN cfg i) by nia.
      pose proof (core_unit_le (tokN cfg i) (tokN cfg i * tokN cfg i) (n (ldh (fD F))) H) as H1.
      rewrite <- !N.mul_assoc. apply N.mul_le_mono_l, N.mul_le_mono_l, N.mul_le_mono_l. exact H1. }
    rewrite nsum_mul_l in Ha. pose proof (sum_sq_le F K m HK) as Hs.
    set (c := n (fT F) * n (fLf F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) in *.
    apply (N.mul_le_mono_l _ _ c) in Hs. lia.
  Qed.

  (** The lower bound, from any AR attention [A] that counts the last
      scale's [tok²] pairs in every layer and head. *)
  Lemma theta_lower (A : N) :
    n (fL F) * (n (lH (fD F)) * (tokN cfg (K - 1) * tokN cfg (K - 1))) <= A ->
    theta_lo F * (nn * nn * (nn * nn)) <= A + fh_attn unit_cost cfg.
  Proof.
    intros A1. rewrite (out_side_sq F K m HK). unfold theta_lo.
    set (k := (K - 1)%nat) in *.
    assert (A2 : n (fT F) * (n (fLf F) * (n (lH (fD F)) * (tokN cfg k * tokN cfg k)))
                 <= fh_attn unit_cost cfg).
    { unfold fh_attn. eapply N.le_trans; [|apply (nsum_term _ _ k); unfold k; cbn; lia].
      cbn [schedule T Lf LD].
      pose proof (core_unit_ge (tokN cfg k) (tokN cfg k * tokN cfg k) (n (ldh (fD F)))).
      apply N.mul_le_mono_l, N.mul_le_mono_l, N.mul_le_mono_l. exact H. }
    nia.
  Qed.

  Theorem work_lower : theta_lo F * (nn * nn * (nn * nn)) <= ar_attn unit_cost cfg + fh_attn unit_cost cfg.
  Proof.
    apply theta_lower, (ar_attn_sum_ge (ntokN cfg) (pairsN cfg)).
    pose proof (tok_ntok_le_pairs F K m (K - 1)). pose proof (tok_le_ntokN F K m (K - 1)).
    assert (tokN cfg (K - 1) * tokN cfg (K - 1) <= tokN cfg (K - 1) * ntokN cfg (K - 1))
      by (apply N.mul_le_mono_l; assumption). lia.
  Qed.
End theta.

(** ** Headline theorems *)

(** The work outside attention is [O(n²)]: at most [2ρ·n²], for every
    [K ≥ 1] and first side [m]; and the exact work is attention plus it. *)
Theorem flowar_nonattention_work_quadratic p F K m :
  (1 <= K)%nat ->
  n (work (flowar_prog p (schedule F K m)))
  = ar_attn unit_cost (schedule F K m) + fh_attn unit_cost (schedule F K m)
    + rest_cost unit_cost (schedule F K m)
  /\ rest_cost unit_cost (schedule F K m) <= quad_hi F * n (out_side K m) ^ 2.
Proof.
  intros HK. split.
  - rewrite (proj1 (flowar_exact_work p _)). apply flowar_cost_split.
  - rewrite N.pow_2_r. apply rest_quadratic, HK.
Qed.

(** The arithmetic shared by every [Θ(n⁴)] statement: a cost split into AR
    attention [A], flow-head attention [B] and a rest [R], with the bounds of
    this file on each part, lies between [theta_lo] and [theta_hi] times [n⁴].
    [flowar_work_theta] and [KVCache.flowar_cached_cost_theta] use it. *)
Lemma theta_of_parts F (nn A B R : N) :
  theta_lo F * (nn * nn * (nn * nn)) <= A + B ->
  135 * A <= 256 * (n (fL F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) * (nn * nn * (nn * nn)) ->
  15 * B <= 16 * (n (fT F) * n (fLf F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) * (nn * nn * (nn * nn)) ->
  R <= quad_hi F * (nn * nn) ->
  theta_lo F * nn ^ 4 <= A + B + R <= theta_hi F * nn ^ 4.
Proof.
  intros Hlo Ha Hf Hr.
  assert (E4 : nn ^ 4 = nn * nn * (nn * nn)).
  { change 4 with (N.succ (N.succ (N.succ (N.succ 0)))). rewrite !N.pow_succ_r by lia.
    rewrite N.pow_0_r. ring. }
  rewrite E4.
  assert (Hq : nn * nn <= nn * nn * (nn * nn)) by nia.
  split; [lia|]. unfold theta_hi, quad_hi in *.
  set (q := nn * nn * (nn * nn)) in *.
  assert (R <= 2 * rho F * q) by (eapply N.le_trans; [exact Hr|]; apply N.mul_le_mono_l; exact Hq).
  set (h := n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) in *.
  assert (HA : A <= 2 * (n (fL F) * h) * q) by (unfold h in *; lia).
  assert (HB : B <= 2 * (n (fT F) * n (fLf F) * h) * q) by (unfold h in *; lia).
  unfold h in *. lia.
Qed.

(** Exact FlowAR inference is [Θ(n⁴)] on the doubling schedule: explicit
    [c₁ = theta_lo F], [c₂ = theta_hi F], [n₀ = 1] (every [K ≥ 1], every [m]). *)
Theorem flowar_work_theta p F K m :
  (1 <= K)%nat ->
  theta_lo F * n (out_side K m) ^ 4 <= n (work (flowar_prog p (schedule F K m)))
  <= theta_hi F * n (out_side K m) ^ 4.
Proof.
  intros HK. destruct (flowar_nonattention_work_quadratic p F K m HK) as [Hw Hr].
  rewrite Hw. rewrite N.pow_2_r in Hr.
  apply theta_of_parts; [apply work_lower|apply ar_attn_le|apply fh_attn_le|exact Hr]; exact HK.
Qed.

(** The lower constant is positive as soon as there is a head and an AR
    layer, so [flowar_work_theta] is a real [Θ(n⁴)] lower bound then (with no
    head or no layer at all, there is no attention and [c₁ = 0]). *)
Lemma theta_lo_pos F : (1 <= lH (fD F))%nat -> (1 <= fL F)%nat -> 1 <= theta_lo F.
Proof.
  intros HH HL. unfold theta_lo.
  assert (1 <= n (lH (fD F))) by lia.
  assert (1 <= n (fL F) + n (fT F) * n (fLf F)) by lia.
  change 1 with (1 * 1). apply N.mul_le_mono; assumption.
Qed.

Corollary flowar_work_theta_pos p F K m :
  (1 <= K)%nat -> (1 <= lH (fD F))%nat -> (1 <= fL F)%nat ->
  1 <= theta_lo F
  /\ theta_lo F * n (out_side K m) ^ 4 <= n (work (flowar_prog p (schedule F K m)))
     <= theta_hi F * n (out_side K m) ^ 4.
Proof.
  intros HK HH HL. split; [apply theta_lo_pos; assumption|]. apply flowar_work_theta, HK.
Qed.
