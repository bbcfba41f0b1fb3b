(** Positive fixture: forbidden words appear only in comments, strings, a Section's context
    and a Module Type signature, so the audit must accept this file.
    (* A nested comment: this proof is not Admitted, we never admit, never Abort, and
       declare no Axiom. (* deeper: Admitted. *) Still inside: "a string *) in a comment". *)
    Parameter x : nat. Unset Guard Checking. *)

Ltac message := idtac "Admitted. admit. Axiom a : False. (* not a comment".

Section WithContext.
  Variable n : nat.
  Hypothesis n_pos : 0 < n.

  Lemma n_neq_0 : n <> 0.
  Proof. intros H. rewrite H in n_pos. inversion n_pos. Qed.
End WithContext.

Module Type HasZero.
  Parameter zero : nat.
  Axiom zero_is_0 : zero = 0.
End HasZero.

Module ZeroImpl : HasZero.
  Definition zero := 0.
  Lemma zero_is_0 : zero = 0.
  Proof. reflexivity. Qed.
End ZeroImpl.

Lemma admitted_free : ZeroImpl.zero = 0.
Proof. exact ZeroImpl.zero_is_0. Qed.
