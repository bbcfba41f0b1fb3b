(** Negative fixture: a lemma closed with Admitted. The audit must reject it (source scan: the
    Admitted line; coqchk: Fx.bad_admitted.half_done reported as an axiom). *)
Lemma half_done : forall n : nat, n + 0 = n.
Proof.
  intros n.
Admitted.
