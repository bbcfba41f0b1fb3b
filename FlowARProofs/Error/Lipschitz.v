(** * Sup-norm distance of real matrices and Lipschitz constants of the simple stages

    Matrices are functions [nat → nat → R] read on [N × d].  The distance is
    [dinf N d X Y = max_{i<N, j<d} |X_ij − Y_ij|] ([rmax]-based, so it is a
    plain function the chain lemma of Propagation.v can use).  Proved here:

    - [dinf_triangle], [dinf_entry] (every entry is below the max), [dinf_le];
    - [linear_lip]: [X ↦ X·W + b] is [‖W‖₁→]-Lipschitz, with
      [wnorm d e W = max_k Σ_j |W_jk|] (the ℓ∞ operator norm of [W] acting on rows);
    - [relu_lip]: ReLU is 1-Lipschitz;
    - [residual_lip]: [X ↦ X + f(X)] is [(1 + L)]-Lipschitz if [f] is [L]-Lipschitz;
    - [euler_step_error]: one Euler step [F + Δt·v(F)] with an approximate
      velocity [v̂] ([|v̂ − v| ≤ η]) and a [L]-Lipschitz exact velocity:
      [e' ≤ Δt·η + (1 + Δt·L)·e] — the step of [Propagation.chain_error] for
      the flow head's [T] steps;
    - [euler_steps_error]: [T] steps, through [Propagation.chain_error]:
      the bound [prop_bound] with [δ_k = Δt_k·η_k], [L_k = 1 + Δt_k·L]. *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Propagation.
Set Default Goal Selector "!".
Local Open Scope R_scope.

Implicit Types (X Y Z W : nat -> nat -> R) (N d e : nat).

(** [rmax f m = max(0, f 0, …, f (m−1))]. *)
Fixpoint rmax (f : nat -> R) (m : nat) : R :=
  match m with O => 0 | S m' => Rmax (rmax f m') (f m') end.

Lemma rmax_nonneg f m : 0 <= rmax f m.
Proof. induction m as [|m IH]; simpl; [lra|]. eapply Rle_trans; [exact IH|apply Rmax_l]. Qed.

Lemma rmax_ge f m j : (j < m)%nat -> f j <= rmax f m.
Proof.
  induction m as [|m IH]; intros Hj; [lia|]. simpl.
  destruct (Nat.eq_dec j m) as [->|Hne]; [apply Rmax_r|].
  eapply Rle_trans; [apply IH; lia|apply Rmax_l].
Qed.

Lemma rmax_le f m b : 0 <= b -> (forall j, (j < m)%nat -> f j <= b) -> rmax f m <= b.
Proof.
  intros Hb. induction m as [|m IH]; intros H; simpl; [exact Hb|].
  apply Rmax_lub; [apply IH; intros j Hj; apply H; lia|apply H; lia].
Qed.

Definition dinf N d X Y : R := rmax (fun i => rmax (fun j => Rabs (X i j - Y i j)) d) N.

Lemma dinf_entry N d X Y i j : (i < N)%nat -> (j < d)%nat -> Rabs (X i j - Y i j) <= dinf N d X Y.
Proof.
  intros Hi Hj. unfold dinf.
  eapply Rle_trans; [|apply (rmax_ge _ N i Hi)]. apply (rmax_ge (fun j => Rabs (X i j - Y i j)) d j Hj).
Qed.

Lemma dinf_nonneg N d X Y : 0 <= dinf N d X Y.
Proof. apply rmax_nonneg. Qed.

Lemma dinf_le N d X Y b :
  0 <= b -> (forall i j, (i < N)%nat -> (j < d)%nat -> Rabs (X i j - Y i j) <= b) -> dinf N d X Y <= b.
Proof. intros Hb H. apply rmax_le; [exact Hb|]. intros i Hi. apply rmax_le; [exact Hb|]. auto. Qed.

Lemma dinf_triangle N d X Y Z : dinf N d X Z <= dinf N d X Y + dinf N d Y Z.
Proof.
  apply dinf_le; [pose proof (dinf_nonneg N d X Y); pose proof (dinf_nonneg N d Y Z); lra|].
  intros i j Hi Hj. replace (X i j - Z i j) with ((X i j - Y i j) + (Y i j - Z i j)) by ring.
  eapply Rle_trans; [apply Rabs_triang|].
  pose proof (dinf_entry N d X Y i j Hi Hj). pose proof (dinf_entry N d Y Z i j Hi Hj). lra.
Qed.

(** ** Linear maps *)

(** [X·W + b] for [X : N × d], [W : d × e], [b : 1 × e]. *)
Definition linear d X W (b : nat -> R) : nat -> nat -> R :=
  fun i k => rsum (fun j => X i j * W j k) d + b k.

(** The ℓ∞ operator norm of [W] acting on rows: [max_k Σ_j |W_jk|]. *)
Definition wnorm d e W : R := rmax (fun k => rsum (fun j => Rabs (W j k)) d) e.

Lemma linear_lip N d e X Y W b :
  dinf N e (linear d X W b) (linear d Y W b) <= wnorm d e W * dinf N d X Y.
Proof.
  apply dinf_le; [apply Rmult_le_pos; [apply rmax_nonneg|apply dinf_nonneg]|].
  intros i k Hi Hk. unfold linear.
  replace (rsum (fun j => X i j * W j k) d + b k - (rsum (fun j => Y i j * W j k) d + b k))
    with (rsum (fun j => W j k * X i j) d - rsum (fun j => W j k * Y i j) d).
  2: { rewrite (rsum_ext (fun j => X i j * W j k) (fun j => W j k * X i j)) by (intros; ring).
       rewrite (rsum_ext (fun j => Y i j * W j k) (fun j => W j k * Y i j)) by (intros; ring).
       ring. }
  eapply Rle_trans; [apply (rsum_lin_error (fun j => W j k) (X i) (Y i) (dinf N d X Y))|].
  - intros j Hj. apply dinf_entry; assumption.
  - apply Rmult_le_compat_r; [apply dinf_nonneg|].
    apply (rmax_ge (fun k => rsum (fun j => Rabs (W j k)) d) e k Hk).
Qed.

(** ** ReLU, residuals *)

Definition relu X : nat -> nat -> R := fun i j => Rmax 0 (X i j).

Lemma relu_entry (x y : R) : Rabs (Rmax 0 x - Rmax 0 y) <= Rabs (x - y).
Proof. unfold Rmax. destruct (Rle_dec 0 x), (Rle_dec 0 y); unfold Rabs;
  repeat destruct Rcase_abs; lra. Qed.

Lemma relu_lip N d X Y : dinf N d (relu X) (relu Y) <= dinf N d X Y.
Proof.
  apply dinf_le; [apply dinf_nonneg|]. intros i j Hi Hj. unfold relu.
  eapply Rle_trans; [apply relu_entry|]. apply dinf_entry; assumption.
Qed.

Definition madd X Y : nat -> nat -> R := fun i j => X i j + Y i j.

Lemma residual_lip N d (f : (nat -> nat -> R) -> nat -> nat -> R) (L : R) X Y :
  dinf N d (f X) (f Y) <= L * dinf N d X Y ->
  dinf N d (madd X (f X)) (madd Y (f Y)) <= (1 + L) * dinf N d X Y.
Proof.
  intros Hf. apply dinf_le.
  - pose proof (dinf_nonneg N d (f X) (f Y)). pose proof (dinf_nonneg N d X Y). nra.
  - intros i j Hi Hj. unfold madd.
    replace (X i j + f X i j - (Y i j + f Y i j)) with ((X i j - Y i j) + (f X i j - f Y i j)) by ring.
    eapply Rle_trans; [apply Rabs_triang|].
    pose proof (dinf_entry N d X Y i j Hi Hj). pose proof (dinf_entry N d (f X) (f Y) i j Hi Hj). lra.
Qed.

(** ** One Euler step with an approximate velocity *)

Definition euler (dt : R) (v : (nat -> nat -> R) -> nat -> nat -> R) F : nat -> nat -> R :=
  fun i j => F i j + dt * v F i j.

Lemma euler_step_error N d (dt eta L : R) (v vh : (nat -> nat -> R) -> nat -> nat -> R) F G :
  0 <= dt ->
  dinf N d (vh G) (v G) <= eta ->
  dinf N d (v G) (v F) <= L * dinf N d G F ->
  dinf N d (euler dt vh G) (euler dt v F) <= dt * eta + (1 + dt * L) * dinf N d G F.
Proof.
  intros Hdt Hvh Hv. apply dinf_le.
  - pose proof (dinf_nonneg N d (vh G) (v G)). pose proof (dinf_nonneg N d (v G) (v F)).
    pose proof (dinf_nonneg N d G F). nra.
  - intros i j Hi Hj. unfold euler.
    replace (G i j + dt * vh G i j - (F i j + dt * v F i j))
      with ((G i j - F i j) + dt * (vh G i j - v G i j) + dt * (v G i j - v F i j)) by ring.
    eapply Rle_trans; [apply Rabs_triang|].
    eapply Rle_trans; [apply Rplus_le_compat_r, Rabs_triang|].
    rewrite !Rabs_mult, (Rabs_pos_eq dt) by exact Hdt.
    pose proof (dinf_entry N d G F i j Hi Hj).
    pose proof (dinf_entry N d (vh G) (v G) i j Hi Hj).
    pose proof (dinf_entry N d (v G) (v F) i j Hi Hj). nra.
Qed.

(** ** [T] Euler steps: the errors compound by [(1 + Δt·L)] per step *)


Lemma euler_steps_error N d (T : nat) (dt eta L : nat -> R)
    (v vh : nat -> (nat -> nat -> R) -> nat -> nat -> R) F0 G0 :
  (forall k, 0 <= dt k) -> (forall k, 0 <= L k) ->
  (forall k, (k < T)%nat ->
     let G := iter_chain (fun k => euler (dt k) (vh k)) G0 k in
     let F := iter_chain (fun k => euler (dt k) (v k)) F0 k in
     dinf N d (vh k G) (v k G) <= eta k /\ dinf N d (v k G) (v k F) <= L k * dinf N d G F) ->
  dinf N d (iter_chain (fun k => euler (dt k) (vh k)) G0 T) (iter_chain (fun k => euler (dt k) (v k)) F0 T)
  <= prop_bound (fun k => dt k * eta k) (fun k => 1 + dt k * L k) (dinf N d G0 F0) T.
Proof.
  intros Hdt HL H. apply chain_error.
  - intros X Y Z. apply dinf_triangle.
  - intros k. pose proof (Hdt k). pose proof (HL k). nra.
  - intros k Hk. destruct (H k Hk) as [Hvh Hv]. split.
    + (* the approximate step against the exact step at the approximate state *)
      set (G := iter_chain (fun k => euler (dt k) (vh k)) G0 k) in *.
      apply dinf_le; [pose proof (Hdt k); pose proof (dinf_nonneg N d (vh k G) (v k G)); nra|].
      intros i j Hi Hj. cbv beta. unfold euler.
      replace (G i j + dt k * vh k G i j - (G i j + dt k * v k G i j))
        with (dt k * (vh k G i j - v k G i j)) by ring.
      rewrite Rabs_mult, (Rabs_pos_eq (dt k)) by apply Hdt.
      pose proof (dinf_entry N d (vh k G) (v k G) i j Hi Hj). pose proof (Hdt k). nra.
    + (* the exact step is (1 + dt L)-Lipschitz *)
      set (G := iter_chain (fun k => euler (dt k) (vh k)) G0 k) in *.
      set (F := iter_chain (fun k => euler (dt k) (v k)) F0 k) in *.
      apply dinf_le; [apply Rmult_le_pos; [pose proof (Hdt k); pose proof (HL k); nra|apply dinf_nonneg]|].
      intros i j Hi Hj. cbv beta. unfold euler.
      replace (G i j + dt k * v k G i j - (F i j + dt k * v k F i j))
        with ((G i j - F i j) + dt k * (v k G i j - v k F i j)) by ring.
      eapply Rle_trans; [apply Rabs_triang|].
      rewrite Rabs_mult, (Rabs_pos_eq (dt k)) by apply Hdt.
      pose proof (dinf_entry N d G F i j Hi Hj).
      pose proof (dinf_entry N d (v k G) (v k F) i j Hi Hj). pose proof (Hdt k). nra.
Qed.
