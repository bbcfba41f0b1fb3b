(** * LayerNorm over the reals is Lipschitz under a variance floor

    The model's LayerNorm has no ε in the denominator (Modules/LayerNorm.v,
    mirrored by [RealModel.rln]): [LN(x)_l = (x_l − μ)/σ] with
    [σ = √(Σ (x_l − μ)²/c)].  It is not Lipschitz near [σ = 0], so the
    statement needs a VARIANCE FLOOR: [σ_min² ≤ var] on both rows.  Then
    ([rln_lip])

    [‖LN(X) − LN(Y)‖∞ ≤ (2 + 2c)/σ_min · ‖X − Y‖∞],

    and the affine LayerNorm with [|γ_l| ≤ γ_max] is
    [γ_max·(2 + 2c)/σ_min]-Lipschitz ([rlnaff_lip]).  (Proof: centring is
    2-Lipschitz in ℓ∞; every centred entry is at most [√c·σ]; hence
    [|σ_x² − σ_y²| ≤ 2δ√c(σ_x + σ_y)], [|σ_x − σ_y| ≤ 2√c δ]; and
    [a/σ_x − b/σ_y = ((a − b) + (b/σ_y)(σ_y − σ_x))/σ_x].  Cauchy–Schwarz
    would give [2 + 2√c]; [2 + 2c] avoids it.)  [rln_bound]: every output
    entry of LN is at most [√c] in absolute value (for rows with positive
    variance). *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Lipschitz RealModel.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (X Y : rmat) (N c : nat) (s : R).

Lemma rsum_ge_term (f : nat -> R) m j :
  (forall k, (k < m)%nat -> 0 <= f k) -> (j < m)%nat -> f j <= rsum f m.
Proof.
  induction m as [|m IH]; intros Hf Hj; [lia|]. simpl.
  destruct (Nat.eq_dec j m) as [->|Hne].
  - pose proof (rsum_nonneg f m (fun k Hk => Hf k ltac:(lia))). lra.
  - pose proof (IH (fun k Hk => Hf k ltac:(lia)) ltac:(lia)). pose proof (Hf m ltac:(lia)). lra.
Qed.

(** The algebraic core: [a/σ_x − b/σ_y] for close numerators and scales. *)
Lemma ln_entry_core (ax ay sx sy r dl s : R) :
  0 < s -> s <= sx -> s <= sy -> 0 <= r -> 0 <= dl ->
  Rabs ay <= r * sy -> Rabs (ax - ay) <= 2 * dl -> Rabs (sx - sy) <= 2 * r * dl ->
  Rabs (ax / sx - ay / sy) <= (2 + 2 * (r * r)) / s * dl.
Proof.
  intros Hs Hx Hy Hr Hdl Hay Ha Hsd.
  assert (E : ax / sx - ay / sy = / sx * ((ax - ay) + (ay / sy) * (sy - sx))) by (field; lra).
  rewrite E, Rabs_mult, (Rabs_pos_eq (/ sx)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
  assert (Hq : Rabs (ay / sy) <= r).
  { unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ sy)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
    apply Rmult_le_reg_r with sy; [lra|]. rewrite Rmult_assoc, Rinv_l by lra. lra. }
  assert (Hin : Rabs ((ax - ay) + (ay / sy) * (sy - sx)) <= (2 + 2 * (r * r)) * dl).
  { eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, (Rabs_minus_sym sy sx).
    pose proof (Rabs_pos (ay / sy)). pose proof (Rabs_pos (sx - sy)).
    assert (Rabs (ay / sy) * Rabs (sx - sy) <= r * (2 * r * dl)) by (apply Rmult_le_compat; lra).
    replace ((2 + 2 * (r * r)) * dl) with (2 * dl + r * (2 * r * dl)) by ring. lra. }
  assert (Hi : / sx <= / s) by (apply Rinv_le_contravar; lra).
  replace ((2 + 2 * (r * r)) / s * dl) with (/ s * ((2 + 2 * (r * r)) * dl)) by (field; lra).
  apply Rmult_le_compat; [apply Rlt_le, Rinv_0_lt_compat; lra|apply Rabs_pos|exact Hi|lra].
Qed.

Section row.
  Context (N c : nat) (X Y : rmat) (i : nat).
  Hypothesis Hc : (0 < c)%nat.
  Hypothesis Hi : (i < N)%nat.
  Let dl := dinf N c X Y.
  Let r := sqrt (INR c).

  Lemma INR_c_pos : 0 < INR c.
  Proof. apply lt_0_INR, Hc. Qed.

  Lemma rmean_diff : Rabs (rmean c X i - rmean c Y i) <= dl.
  Proof.
    pose proof INR_c_pos. unfold rmean.
    replace (rsum (X i) c / INR c - rsum (Y i) c / INR c)
      with (rsum (fun l => X i l - Y i l) c / INR c) by (rewrite rsum_minus; field; lra).
    unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ INR c)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
    apply Rmult_le_reg_r with (INR c); [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
    eapply Rle_trans; [apply rsum_abs|]. rewrite Rmult_comm, <- rsum_const.
    apply rsum_le. intros l Hl. apply dinf_entry; assumption.
  Qed.

  Lemma rcent_diff l : (l < c)%nat -> Rabs (rcent c X i l - rcent c Y i l) <= 2 * dl.
  Proof.
    intros Hl. unfold rcent.
    replace (X i l - rmean c X i - (Y i l - rmean c Y i))
      with ((X i l - Y i l) - (rmean c X i - rmean c Y i)) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_Ropp.
    pose proof (dinf_entry N c X Y i l Hi Hl). pose proof rmean_diff. unfold dl in *. lra.
  Qed.

  Lemma rsum_sq_var Z : rsum (fun l => rcent c Z i l * rcent c Z i l) c = INR c * rvar c Z i.
  Proof. pose proof INR_c_pos. unfold rvar. field. lra. Qed.

  Lemma rvar_nonneg Z : 0 <= rvar c Z i.
  Proof.
    pose proof INR_c_pos. unfold rvar, Rdiv. apply Rmult_le_pos.
    - apply rsum_nonneg. intros l _. apply Rle_0_sqr.
    - apply Rlt_le, Rinv_0_lt_compat. lra.
  Qed.

  Lemma rcent_le Z l : (l < c)%nat -> Rabs (rcent c Z i l) <= r * sqrt (rvar c Z i).
  Proof.
    intros Hl. pose proof INR_c_pos. unfold r.
    rewrite <- sqrt_mult_alt by lra. rewrite <- sqrt_Rsqr_abs. apply sqrt_le_1_alt.
    rewrite <- rsum_sq_var. unfold Rsqr.
    apply (rsum_ge_term (fun l => rcent c Z i l * rcent c Z i l)); [|exact Hl].
    intros k _. apply Rle_0_sqr.
  Qed.

  Lemma r_nonneg : 0 <= r.
  Proof. apply sqrt_pos. Qed.

  Lemma sigma_diff :
    0 < sqrt (rvar c X i) + sqrt (rvar c Y i) ->
    Rabs (sqrt (rvar c X i) - sqrt (rvar c Y i)) <= 2 * r * dl.
  Proof.
    intros Hpos. pose proof INR_c_pos. pose proof r_nonneg.
    set (sx := sqrt (rvar c X i)). set (sy := sqrt (rvar c Y i)).
    assert (Hp : 0 < sx + sy) by exact Hpos.
    assert (Hv : Rabs (rvar c X i - rvar c Y i) <= 2 * dl * r * (sx + sy)).
    { unfold rvar.
      replace (rsum (fun l => rcent c X i l * rcent c X i l) c / INR c
               - rsum (fun l => rcent c Y i l * rcent c Y i l) c / INR c)
        with (rsum (fun l => (rcent c X i l - rcent c Y i l) * (rcent c X i l + rcent c Y i l)) c
              / INR c).
      2: { rewrite (rsum_ext _ (fun l => rcent c X i l * rcent c X i l - rcent c Y i l * rcent c Y i l))
             by (intros; ring). rewrite rsum_minus. field. lra. }
      unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ INR c)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
      apply Rmult_le_reg_r with (INR c); [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
      eapply Rle_trans; [apply rsum_abs|].
      rewrite (Rmult_comm _ (INR c)), <- rsum_const. apply rsum_le. intros l Hl.
      rewrite Rabs_mult. pose proof (rcent_diff l Hl).
      pose proof (rcent_le X l Hl). pose proof (rcent_le Y l Hl).
      pose proof (Rabs_triang (rcent c X i l) (rcent c Y i l)).
      replace (2 * dl * r * (sx + sy)) with ((2 * dl) * (r * sx + r * sy)) by ring.
      apply Rmult_le_compat; try apply Rabs_pos; [lra|]. unfold sx, sy. lra. }
    assert (Hsx : sx * sx = rvar c X i) by (apply sqrt_sqrt, rvar_nonneg).
    assert (Hsy : sy * sy = rvar c Y i) by (apply sqrt_sqrt, rvar_nonneg).
    assert (Hq : sx - sy = (sx * sx - sy * sy) / (sx + sy)) by (field; lra).
    rewrite Hsx, Hsy in Hq. rewrite Hq.
    unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ (sx + sy))) by (apply Rlt_le, Rinv_0_lt_compat; lra).
    apply Rmult_le_reg_r with (sx + sy); [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
    lra.
  Qed.
End row.

(** The variance floor on the rows [i < N]. *)
Definition var_floor N c (s : R) X : Prop := forall i, (i < N)%nat -> s * s <= rvar c X i.

Lemma sqrt_floor c X i s : 0 < s -> s * s <= rvar c X i -> s <= sqrt (rvar c X i).
Proof.
  intros Hs Hv. rewrite <- (sqrt_square s) by lra. apply sqrt_le_1_alt. exact Hv.
Qed.

Theorem rln_lip N c X Y s :
  (0 < c)%nat -> 0 < s -> var_floor N c s X -> var_floor N c s Y ->
  dinf N c (rln c X) (rln c Y) <= (2 + 2 * INR c) / s * dinf N c X Y.
Proof.
  intros Hc Hs HX HY. apply dinf_le.
  { apply Rmult_le_pos; [|apply dinf_nonneg]. unfold Rdiv.
    apply Rmult_le_pos; [pose proof (pos_INR c); lra|apply Rlt_le, Rinv_0_lt_compat, Hs]. }
  intros i l Hi Hl. unfold rln.
  pose proof (sqrt_floor c X i s Hs (HX i Hi)). pose proof (sqrt_floor c Y i s Hs (HY i Hi)).
  replace (INR c) with (sqrt (INR c) * sqrt (INR c)) by (apply sqrt_sqrt, pos_INR).
  apply ln_entry_core; try lra.
  - apply sqrt_pos.
  - apply dinf_nonneg.
  - apply (rcent_le c i Hc). exact Hl.
  - apply (rcent_diff N c X Y i Hc Hi l Hl).
  - apply (sigma_diff N c X Y i Hc Hi). lra.
Qed.

Theorem rlnaff_lip N c (Gm Bm : rmat) X Y s gb :
  (0 < c)%nat -> 0 < s -> var_floor N c s X -> var_floor N c s Y ->
  (forall l, (l < c)%nat -> Rabs (Gm 0%nat l) <= gb) ->
  dinf N c (rlnaff c Gm Bm X) (rlnaff c Gm Bm Y) <= gb * ((2 + 2 * INR c) / s) * dinf N c X Y.
Proof.
  intros Hc Hs HX HY Hg. pose proof (rln_lip N c X Y s Hc Hs HX HY) as HL.
  assert (Hgb : 0 <= gb) by (pose proof (Hg 0%nat Hc); pose proof (Rabs_pos (Gm 0%nat 0%nat)); lra).
  apply dinf_le.
  { apply Rmult_le_pos; [|apply dinf_nonneg]. apply Rmult_le_pos; [exact Hgb|]. unfold Rdiv.
    apply Rmult_le_pos; [pose proof (pos_INR c); lra|apply Rlt_le, Rinv_0_lt_compat, Hs]. }
  intros i l Hi Hl. unfold rlnaff.
  replace (Gm 0%nat l * rln c X i l + Bm 0%nat l - (Gm 0%nat l * rln c Y i l + Bm 0%nat l))
    with (Gm 0%nat l * (rln c X i l - rln c Y i l)) by ring.
  rewrite Rabs_mult, Rmult_assoc. apply Rmult_le_compat; try apply Rabs_pos; [apply Hg, Hl|].
  eapply Rle_trans; [apply dinf_entry; eassumption|exact HL].
Qed.

(** LayerNorm's output entries are at most [√c] (rows with positive variance). *)
Lemma rln_bound c X i l :
  (0 < c)%nat -> (l < c)%nat -> 0 < rvar c X i -> Rabs (rln c X i l) <= sqrt (INR c).
Proof.
  intros Hc Hl Hv. unfold rln. pose proof (sqrt_lt_R0 _ Hv).
  unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ sqrt (rvar c X i))) by (apply Rlt_le, Rinv_0_lt_compat; lra).
  apply Rmult_le_reg_r with (sqrt (rvar c X i)); [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
  apply (rcent_le c i Hc). exact Hl.
Qed.
