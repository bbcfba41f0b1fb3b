(** * Worked example: matrix multiplication is in TC0 with depth d_std + d_⊕

    The paper's Section 5.1 ("Computing matrix products in TC0"): all
    [n1·n2·n3] products in parallel (depth [d_std]), then [n1·n3] iterated sums
    rounded once (depth [d_⊕]).  Here:
    - [fmatmul] is the float semantics, written directly;
    - [matmul_prog] the program; [matmul_prog_correct]: it computes [fmatmul];
    - [matmul_wdepth]: weighted depth [≤ d_std + d_sum];
    - [matmul_work]: exactly [n1·n3·(2·n2 − 1)] scalar operations ([n2 ≥ 1]);
    - [matmul_in_TC0]: the family of [n×n] products at precision [prec n ≤ a(n+1)^k]
      is in TC0 with depth [d_std + d_sum] and explicit size polynomial, and
      its circuits compute [fmatmul] on every input of valid floats. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile Work TC0 Tensor.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (A B : mat) (p n : nat).

(** ** Semantics *)

Definition fmatmul p n2 A B : mat :=
  fun i j => fsum p (map (fun k => fmul p (A i k) (B k j)) (seq 0 n2)).

(** ** Program: inputs [flat n1 n2 A ++ flat n2 n3 B] *)

Definition matmul_entry n1 n2 n3 i j : prog :=
  PSeq (PFor n2 (fun k => PSeq (PWire [FIn (i * n2 + k); FIn (n1 * n2 + (k * n3 + j))])
                               (POp (OBin BMul))))
       (POp (OSum n2)).

Definition matmul_prog n1 n2 n3 : prog :=
  PFor n1 (fun i => PFor n3 (fun j => matmul_entry n1 n2 n3 i j)).

Lemma matmul_prog_wt p n1 n2 n3 : pwt p (n1 * n2 + n2 * n3) (matmul_prog n1 n2 n3).
Proof.
  cbn. intros i Hi j Hj. split.
  - intros k Hk. split.
    + repeat constructor; simpl; nia.
    + reflexivity.
  - rewrite (list_sum_seq_const _ n2 1) by reflexivity. lia.
Qed.

Theorem matmul_prog_correct P p n1 n2 n3 A B :
  peval P p (matmul_prog n1 n2 n3) (flat n1 n2 A ++ flat n2 n3 B) = flat n1 n3 (fmatmul p n2 A B).
Proof.
  apply peval_PFor2. intros i j Hi Hj. unfold matmul_entry. rewrite peval_PSeq, peval_POp.
  rewrite (peval_PFor1 _ _ _ _ (fun k => fmul p (A i k) (B k j))).
  - reflexivity.
  - intros k Hk. cbn. f_equal. unfold fsrc_val.
    rewrite app_nth1 by (rewrite flat_length; nia).
    rewrite app_nth2 by (rewrite flat_length; nia).
    rewrite flat_length. replace (n1 * n2 + (k * n3 + j) - n1 * n2) with (k * n3 + j) by lia.
    rewrite !nth_flat by lia. reflexivity.
Qed.

(** ** Depth, work, shape *)

Lemma matmul_wdepth P n1 n2 n3 :
  wdepth (op_dbound P) (matmul_prog n1 n2 n3) <= d_std P + d_sum P.
Proof.
  cbn [matmul_prog wdepth]. apply list_max_seq_le. intros i _. apply list_max_seq_le.
  intros j _. unfold matmul_entry. cbn [wdepth op_dbound].
  apply Nat.add_le_mono_r, list_max_seq_le. intros; lia.
Qed.

Lemma matmul_work n1 n2 n3 : work (matmul_prog n1 n2 n3) = n1 * (n3 * (n2 + (n2 - 1))).
Proof.
  cbn [matmul_prog work]. apply list_sum_seq_const. intros i _. apply list_sum_seq_const.
  intros j _. unfold matmul_entry. cbn [work op_work].
  rewrite (list_sum_seq_const _ n2 1) by reflexivity. lia.
Qed.

Lemma matmul_ops n1 n2 n3 : ops (matmul_prog n1 n2 n3) = n1 * (n3 * (n2 + 1)).
Proof.
  cbn [matmul_prog ops]. apply list_sum_seq_const. intros i _. apply list_sum_seq_const.
  intros j _. unfold matmul_entry. cbn [ops].
  rewrite (list_sum_seq_const _ n2 1) by reflexivity. lia.
Qed.

Lemma matmul_arity n1 n2 n3 : arity_out (matmul_prog n1 n2 n3) = n1 * n3.
Proof.
  cbn [matmul_prog arity_out]. apply list_sum_seq_const. intros i _.
  rewrite (list_sum_seq_const _ n3 1) by reflexivity. lia.
Qed.

Lemma matmul_pads n1 n2 n3 : pads (matmul_prog n1 n2 n3) = n1 * (n3 * n2 + n3) + n1 * n3.
Proof.
  unfold matmul_prog. cbn [pads]. rewrite <- (matmul_arity n1 n2 n3). f_equal.
  apply list_sum_seq_const. intros i _. cbn [pads].
  rewrite (list_sum_seq_const _ n3 n2).
  - cbn [arity_out]. rewrite (list_sum_seq_const _ n3 1) by reflexivity. lia.
  - intros j _. unfold matmul_entry. cbn [pads arity_out].
    rewrite (list_sum_seq_const _ n2 0), (list_sum_seq_const _ n2 1) by reflexivity. lia.
Qed.

Lemma matmul_maxar n1 n2 n3 : maxar (matmul_prog n1 n2 n3) <= n2 + 2.
Proof.
  cbn [matmul_prog maxar]. apply list_max_seq_le. intros i _. apply list_max_seq_le.
  intros j _. unfold matmul_entry. cbn [maxar op_arity].
  assert (list_max (map (fun _ => Nat.max 0 2) (seq 0 n2)) <= 2)
    by (apply list_max_seq_le; intros; lia).
  lia.
Qed.

Lemma matmul_shape n : shape (matmul_prog n n n) <= 6 * (n + 1) ^ 3.
Proof.
  unfold shape. rewrite matmul_ops, matmul_pads, matmul_arity.
  pose proof (matmul_maxar n n n).
  replace ((n + 1) ^ 3) with ((n + 1) * ((n + 1) * (n + 1))) by (simpl; ring). nia.
Qed.

(** ** The family of [n × n] products *)

Definition matmul_family P (prec : nat -> nat) : family :=
  compiled_family P prec (fun n => n * n + n * n) (fun n => matmul_prog n n n).

Theorem matmul_in_TC0 P (prec : nat -> nat) a k :
  PolyBoundedWith prec a k ->
  InTC0With (matmul_family P prec) (d_std P + d_sum P) (tc0_coef P (d_std P + d_sum P) a 6)
            (tc0_exp P k 3)
  /\ InTC0 (matmul_family P prec)
  /\ (forall n A B, all_valid (prec n) (flat n n A ++ flat n n B) ->
        eval (fam_circ (matmul_family P prec) n) (encs (prec n) (flat n n A ++ flat n n B))
        = encs (prec n) (flat n n (fmatmul (prec n) n A B))).
Proof.
  intros Hp.
  assert (Hwt : forall n, pwt (prec n) (n * n + n * n) (matmul_prog n n n))
    by (intros; apply matmul_prog_wt).
  assert (Hsh : PolyBoundedWith (fun n => shape (matmul_prog n n n)) 6 3)
    by (intros n; apply matmul_shape).
  split; [|split].
  - apply compiled_InTC0With; auto. intros n. apply matmul_wdepth.
  - apply (compiled_InTC0 _ _ _ _ (d_std P + d_sum P) a k 6 3); auto.
    + intros n. unfold fw. nia.
    + intros n. apply matmul_wdepth.
  - intros n A B Hv. cbn [fam_circ matmul_family compiled_family].
    rewrite (eval_compile P (prec n) (n * n + n * n)); auto.
    + rewrite matmul_prog_correct. reflexivity.
    + rewrite app_length, !flat_length. reflexivity.
Qed.
