(** Positive fixture: clean lemmas, one about nat and one using the standard library's real
    numbers, whose classical axioms are exactly what assumptions.allowlist allows. *)
Require Import Reals.

Lemma add_0_r_nat : forall n : nat, n + 0 = n.
Proof.
  induction n as [|n IHn].
  - reflexivity.
  - simpl. rewrite IHn. reflexivity.
Qed.

Lemma zero_lt_one_R : (0 < 1)%R.
Proof. exact Rlt_0_1. Qed.
