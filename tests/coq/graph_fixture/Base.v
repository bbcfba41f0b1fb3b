(** Fixture for tests/test_graph*.py: a tiny project with every node status. *)

(** A sub-record of the trust record (declared in its module, embedded by a
    coercion field), like FloatCircuits in FloatPrimitivesTC0. *)
Record TrustSem := {
  s_val : nat;
  s_spec : s_val = s_val
}.

(** The stand-in for the trust record: theorems take it as an argument. *)
Record TrustRec := {
  t_sem :> TrustSem;
  t_add : nat -> nat -> nat;
  t_add_spec : forall a b, t_add a b = a + b;
  t_depth : nat;
  t_unused : nat
}.

Definition c_def : nat := 3.

Lemma c_lemma : c_def = 3.
Proof. reflexivity. Qed.

Axiom ax_plus_zero : forall n : nat, n + 0 = n.

Lemma uses_ax : 2 + 0 = 2.
Proof. apply ax_plus_zero. Qed.

Lemma adm_lemma : forall n : nat, n * 1 = n.
Admitted.

Inductive color : Set := Red | Green.

Module Inner.
  Definition inner_def : nat := 7.
  Lemma inner_lemma : inner_def = 7.
  Proof. reflexivity. Qed.
End Inner.
