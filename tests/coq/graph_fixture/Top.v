(** Fixture: the chain a_thm -> b_lemma -> c_lemma crosses the two files. *)
From Fix Require Import Base.
Require Coq.Logic.FunctionalExtensionality.

Lemma b_lemma : c_def + 0 = 3.
Proof. simpl. apply c_lemma. Qed.

Theorem a_thm : c_def + 0 + 0 = 3.
Proof. simpl. apply b_lemma. Qed.

Theorem trust_thm (P : TrustRec) : t_add P 1 1 = 2.
Proof. rewrite t_add_spec. reflexivity. Qed.

Lemma trust_depth (P : TrustRec) : t_depth P <= S (t_depth P).
Proof. apply le_S, le_n. Qed.

(** Uses the trust record through its sub-record: trust, listing both projections. *)
Lemma trust_sub (P : TrustRec) : s_val P = s_val P.
Proof. apply s_spec. Qed.

(** Takes only the sub-record: proved, no trust fields. *)
Lemma sem_only (S : TrustSem) : s_val S = s_val S.
Proof. apply s_spec. Qed.

Lemma uses_adm : 5 * 1 = 5.
Proof. apply adm_lemma. Qed.

Lemma unreachable_lemma : Inner.inner_def = 7.
Proof. apply Inner.inner_lemma. Qed.

Definition pick (c : color) : nat := match c with Red => 0 | Green => 1 end.

(** Rests on a library axiom: proved iff the allowlist names it. *)
Lemma uses_funext : (fun n : nat => n + 0) = (fun n : nat => n + 0 + 0).
Proof.
  apply FunctionalExtensionality.functional_extensionality.
  intro n. apply plus_n_O.
Qed.
