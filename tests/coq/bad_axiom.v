(** Negative fixture: a top-level Axiom and a lemma that uses it. The audit must reject it
    (source scan: the Axiom line; coqchk and Print Assumptions: Fx.bad_axiom.magic). *)
Axiom magic : forall P : Prop, P.

Lemma one_is_two : 1 = 2.
Proof. apply magic. Qed.
