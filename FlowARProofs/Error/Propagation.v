(** * Error propagation through a chain of stages

    The error analysis of Fast FlowAR follows one pattern at every level
    (layers in a transformer, Euler steps in the flow head, scales in the
    pipeline): an exact chain [x_{i+1} = f_i(x_i)] and an approximate chain
    [y_{i+1} = g_i(y_i)], where
    - the approximate stage is close to the exact one at the approximate
      state: [d(g_i(y_i), f_i(y_i)) ≤ δ_i] (e.g. fast vs exact attention), and
    - the exact stage is [L_i]-Lipschitz between the two states:
      [d(f_i(y_i), f_i(x_i)) ≤ L_i · d(y_i, x_i)].
    Then the errors [e_i = d(y_i, x_i)] satisfy [e_{i+1} ≤ δ_i + L_i·e_i]
    ([chain_error]), so [e_k ≤ prop_bound δ L e_0 k] — the sum
    [Σ_{i<k} δ_i Π_{i<j<k} L_j + e_0 Π_{j<k} L_j], built recursively.
    With uniform constants [δ_i ≤ δ], [1 ≤ L_i ≤ L]:
    [e_k ≤ L^k·(e_0 + k·δ)] ([prop_bound_uniform]).

    This is where a loose argument compounds: over K scales the per-scale
    factor enters as [L^K]; for K = O(1) that is a constant, for K = Θ(log n)
    and [L = n^{o(1)}] it may not be polynomial (docs/error.md). *)
From Coq Require Import Reals Lra Lia.
Set Default Goal Selector "!".
Local Open Scope R_scope.

Implicit Types (k i : nat).

(** The recursive bound [pb 0 = e0], [pb (i+1) = δ_i + L_i · pb i]. *)
Fixpoint prop_bound (delta Lc : nat -> R) (e0 : R) k : R :=
  match k with
  | O => e0
  | S i => delta i + Lc i * prop_bound delta Lc e0 i
  end.

Section Chain.
  Context {St : Type} (d : St -> St -> R).
  Context (f g : nat -> St -> St) (delta Lc : nat -> R).

  Fixpoint iter_chain (h : nat -> St -> St) (x : St) k : St :=
    match k with O => x | S i => h i (iter_chain h x i) end.

  Hypothesis d_triangle : forall x y z, d x z <= d x y + d y z.
  Hypothesis Lc_nonneg : forall i, 0 <= Lc i.

  (** The two hypotheses are needed only along the two trajectories. *)
  Lemma chain_error (x y : St) k :
    (forall i, (i < k)%nat ->
       d (g i (iter_chain g y i)) (f i (iter_chain g y i)) <= delta i
       /\ d (f i (iter_chain g y i)) (f i (iter_chain f x i))
          <= Lc i * d (iter_chain g y i) (iter_chain f x i)) ->
    d (iter_chain g y k) (iter_chain f x k) <= prop_bound delta Lc (d y x) k.
  Proof.
    induction k as [|k IH]; intros H; simpl; [lra|].
    destruct (H k ltac:(lia)) as [Hd HL].
    assert (IH' := IH (fun i Hi => H i ltac:(lia))).
    eapply Rle_trans; [apply d_triangle|].
    pose proof (Lc_nonneg k). apply Rplus_le_compat; [exact Hd|].
    eapply Rle_trans; [exact HL|]. apply Rmult_le_compat_l; assumption.
  Qed.
End Chain.

Lemma prop_bound_mono (delta delta' Lc Lc' : nat -> R) e0 e0' k :
  0 <= e0 -> (forall i, 0 <= delta i) -> (forall i, 0 <= Lc i) ->
  e0 <= e0' -> (forall i, delta i <= delta' i) -> (forall i, Lc i <= Lc' i) ->
  prop_bound delta Lc e0 k <= prop_bound delta' Lc' e0' k.
Proof.
  intros He0 Hd HL He Hdd HLL. induction k as [|k IH]; simpl; [lra|].
  assert (0 <= prop_bound delta Lc e0 k).
  { clear IH. induction k as [|k IHk]; simpl; [lra|].
    pose proof (Hd k). pose proof (HL k). nra. }
  pose proof (Hdd k). pose proof (HLL k). pose proof (HL k). nra.
Qed.

(** Uniform constants: [pb k ≤ L^k · (e0 + k δ)] when [L ≥ 1]. *)
Lemma prop_bound_uniform (delta Lc : nat -> R) (dl L e0 : R) k :
  0 <= e0 -> 0 <= dl -> 1 <= L ->
  (forall i, 0 <= delta i <= dl) -> (forall i, 0 <= Lc i <= L) ->
  prop_bound delta Lc e0 k <= L ^ k * (e0 + INR k * dl).
Proof.
  intros He0 Hdl HL Hd HLc. induction k as [|k IH]; [simpl; lra|].
  cbn [prop_bound pow]. rewrite S_INR.
  assert (0 <= prop_bound delta Lc e0 k).
  { clear IH. induction k as [|k IHk]; simpl; [lra|].
    pose proof (Hd k). pose proof (HLc k). nra. }
  assert (1 <= L ^ k) by (apply pow_R1_Rle; lra).
  pose proof (Hd k). pose proof (HLc k). pose proof (pos_INR k).
  assert (Lc k * prop_bound delta Lc e0 k <= L * (L ^ k * (e0 + INR k * dl))).
  { apply Rmult_le_compat; lra. }
  assert (dl <= L * L ^ k * dl) by (assert (1 <= L * L ^ k) by nra; nra).
  nra.
Qed.
