(** * Finite sums over the reals

    [rsum f m = f 0 + … + f (m−1)], the sums of the real-valued error analysis
    (a row of attention weights, a dot product).  Only the facts the error
    lemmas use: linearity, monotonicity, the triangle inequality, positivity. *)
From Coq Require Import Reals Lra Lia.
Set Default Goal Selector "!".
Local Open Scope R_scope.

Implicit Types (f g : nat -> R) (m : nat) (c : R).

Fixpoint rsum f m : R :=
  match m with
  | O => 0
  | S m' => rsum f m' + f m'
  end.

Lemma rsum_ext f g m : (forall j, (j < m)%nat -> f j = g j) -> rsum f m = rsum g m.
Proof.
  induction m as [|m IH]; intros H; simpl; [reflexivity|].
  rewrite (H m) by lia. rewrite IH; [reflexivity|]. intros j Hj. apply H. lia.
Qed.

Lemma rsum_plus f g m : rsum (fun j => f j + g j) m = rsum f m + rsum g m.
Proof. induction m as [|m IH]; simpl; [lra|]. rewrite IH. lra. Qed.

Lemma rsum_minus f g m : rsum (fun j => f j - g j) m = rsum f m - rsum g m.
Proof. induction m as [|m IH]; simpl; [lra|]. rewrite IH. lra. Qed.

Lemma rsum_scal_l c f m : rsum (fun j => c * f j) m = c * rsum f m.
Proof. induction m as [|m IH]; simpl; [lra|]. rewrite IH. lra. Qed.

Lemma rsum_le f g m : (forall j, (j < m)%nat -> f j <= g j) -> rsum f m <= rsum g m.
Proof.
  induction m as [|m IH]; intros H; simpl; [lra|].
  pose proof (H m ltac:(lia)). pose proof (IH (fun j Hj => H j ltac:(lia))). lra.
Qed.

Lemma rsum_abs f m : Rabs (rsum f m) <= rsum (fun j => Rabs (f j)) m.
Proof.
  induction m as [|m IH]; simpl; [rewrite Rabs_R0; lra|].
  eapply Rle_trans; [apply Rabs_triang|]. lra.
Qed.

Lemma rsum_nonneg f m : (forall j, (j < m)%nat -> 0 <= f j) -> 0 <= rsum f m.
Proof.
  intros H. replace 0 with (rsum (fun _ => 0) m).
  - apply rsum_le. exact H.
  - induction m as [|m IH]; simpl; [reflexivity|]. rewrite IH by (intros; apply H; lia). lra.
Qed.

Lemma rsum_pos f m : (0 < m)%nat -> (forall j, (j < m)%nat -> 0 < f j) -> 0 < rsum f m.
Proof.
  destruct m as [|m]; intros Hm H; [lia|]. simpl.
  pose proof (rsum_nonneg f m (fun j Hj => Rlt_le _ _ (H j ltac:(lia)))).
  pose proof (H m ltac:(lia)). lra.
Qed.

Lemma rsum_const c m : rsum (fun _ => c) m = INR m * c.
Proof.
  induction m as [|m IH]; [simpl; lra|]. cbn [rsum]. rewrite IH, S_INR. lra.
Qed.

(** A fixed linear combination of perturbed terms: the error is at most the
    ℓ₁ norm of the coefficients times the entrywise error. *)
Lemma rsum_lin_error (w x y : nat -> R) (delta : R) m :
  (forall j, (j < m)%nat -> Rabs (x j - y j) <= delta) ->
  Rabs (rsum (fun j => w j * x j) m - rsum (fun j => w j * y j) m)
  <= rsum (fun j => Rabs (w j)) m * delta.
Proof.
  intros H. rewrite <- rsum_minus.
  eapply Rle_trans; [apply rsum_abs|]. rewrite Rmult_comm, <- rsum_scal_l.
  apply rsum_le. intros j Hj.
  replace (w j * x j - w j * y j) with (w j * (x j - y j)) by ring.
  rewrite Rabs_mult. pose proof (H j Hj). pose proof (Rabs_pos (w j)). nra.
Qed.

Lemma Rabs_le_inv (x e : R) : Rabs x <= e -> - e <= x <= e.
Proof. unfold Rabs. destruct (Rcase_abs x); lra. Qed.
