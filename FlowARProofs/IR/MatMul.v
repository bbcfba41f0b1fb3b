(** * Worked example: matrix multiplication is in TC0 with depth d_std + d_⊕

    The paper's Section 5.1 ("Computing matrix products in TC0"): all
    [n1·n2·n3] products in parallel (depth [d_std]), then [n1·n3] iterated sums
    rounded once (depth [d_⊕]).  Here:
    - [fmatmul] is the float semantics, written directly;
    - [matmul_at] the program reading its operands at given offsets (what the
      modules use), [matmul_at_correct]: it computes [fmatmul];
    - [matmul_at_wdepth]: weighted depth [≤ d_std + d_sum];
    - [matmul_at_work]: exactly [n1·n3·(2·n2 − 1)] scalar operations ([n2 ≥ 1]);
    - [matmul_in_TC0]: the family of [n×n] products at precision [prec n ≤ a(n+1)^k]
      is in TC0 with depth [d_std + d_sum] and explicit size polynomial, and
      its circuits compute [fmatmul] on every input of valid floats. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile Work TC0 Tensor Block.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (A B : mat) (p n : nat).

(** ** Semantics *)

Definition fmatmul p n2 A B : mat := fun i j => fdot p n2 (fun k => A i k) (fun k => B k j).

(** ** Program: [A] ([n1 × n2]) at [offA], [B] ([n2 × n3]) at [offB] *)

Definition matmul_at offA offB n1 n2 n3 : prog :=
  PFor n1 (fun i => PFor n3 (fun j =>
    dot_prog n2 (fun k => offA + (i * n2 + k)) (fun k => offB + (k * n3 + j)))).

Lemma matmul_at_wt p n offA offB n1 n2 n3 :
  offA + n1 * n2 <= n -> offB + n2 * n3 <= n -> pwt p n (matmul_at offA offB n1 n2 n3).
Proof.
  intros HA HB. cbn [matmul_at pwt]. intros i Hi j Hj. apply dot_prog_wt.
  intros k Hk. split; nia.
Qed.

Theorem matmul_at_correct P p xs offA offB n1 n2 n3 A B :
  block xs offA n1 n2 A -> block xs offB n2 n3 B ->
  peval P p (matmul_at offA offB n1 n2 n3) xs = flat n1 n3 (fmatmul p n2 A B).
Proof.
  intros HA HB. apply peval_PFor2. intros i j Hi Hj. rewrite dot_prog_correct.
  f_equal. unfold fmatmul, fdot. f_equal. apply map_ext_in. intros k Hk.
  apply in_seq in Hk. rewrite HA, HB by lia. reflexivity.
Qed.

Definition matmul_prog n1 n2 n3 : prog := matmul_at 0 (n1 * n2) n1 n2 n3.

Lemma matmul_prog_wt p n1 n2 n3 : pwt p (n1 * n2 + n2 * n3) (matmul_prog n1 n2 n3).
Proof. apply matmul_at_wt; lia. Qed.

Theorem matmul_prog_correct P p n1 n2 n3 A B :
  peval P p (matmul_prog n1 n2 n3) (flat n1 n2 A ++ flat n2 n3 B) = flat n1 n3 (fmatmul p n2 A B).
Proof.
  apply matmul_at_correct.
  - apply block_flat_app_l.
  - rewrite <- (flat_length n1 n2 A). apply block_flat_app_r.
Qed.

(** ** Depth, work, shape *)

Lemma matmul_at_wdepth (P : FloatPrimitivesTC0) offA offB n1 n2 n3 :
  wdepth (op_dbound P) (matmul_at offA offB n1 n2 n3) <= d_std P + d_sum P.
Proof. apply PFor2_wdepth. intros. apply dot_prog_wdepth. Qed.

Section counts.
  Context (offA offB n1 n2 n3 : nat).
  Let body i j := dot_prog n2 (fun k => offA + (i * n2 + k)) (fun k => offB + (k * n3 + j)).
  Let Hb := fun i j (_ : i < n1) (_ : j < n3) => dot_prog_counts n2
              (fun k => offA + (i * n2 + k)) (fun k => offB + (k * n3 + j)).

  Lemma matmul_at_work : work (matmul_at offA offB n1 n2 n3) = n1 * (n3 * (n2 + (n2 - 1))).
  Proof. exact (PFor2_work n1 n3 body _ _ _ _ Hb). Qed.

  Lemma matmul_at_ops : ops (matmul_at offA offB n1 n2 n3) = n1 * (n3 * (n2 + 1)).
  Proof. exact (PFor2_ops n1 n3 body _ _ _ _ Hb). Qed.

  Lemma matmul_at_pads : pads (matmul_at offA offB n1 n2 n3) = n1 * (n3 * n2 + n3) + n1 * n3.
  Proof. exact (PFor2_pads n1 n3 body _ _ _ _ Hb). Qed.

  Lemma matmul_at_maxar : maxar (matmul_at offA offB n1 n2 n3) <= n2 + 2.
  Proof. exact (PFor2_maxar n1 n3 body _ _ _ _ Hb). Qed.

  Lemma matmul_at_arity : arity_out (matmul_at offA offB n1 n2 n3) = n1 * n3.
  Proof. exact (PFor2_arity n1 n3 body _ _ _ _ Hb). Qed.
End counts.

Lemma matmul_work n1 n2 n3 : work (matmul_prog n1 n2 n3) = n1 * (n3 * (n2 + (n2 - 1))).
Proof. apply matmul_at_work. Qed.

Lemma matmul_shape n : shape (matmul_prog n n n) <= 6 * (n + 1) ^ 3.
Proof.
  unfold shape, matmul_prog. rewrite matmul_at_ops, matmul_at_pads, matmul_at_arity.
  pose proof (matmul_at_maxar 0 (n * n) n n n).
  replace ((n + 1) ^ 3) with ((n + 1) * ((n + 1) * (n + 1))) by (simpl; ring). nia.
Qed.

(** ** The family of [n × n] products *)

Definition matmul_family (P : FloatPrimitivesTC0) (prec : nat -> nat) : family :=
  compiled_family P prec (fun n => n * n + n * n) (fun n => matmul_prog n n n).

Theorem matmul_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) a k :
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
  - apply compiled_InTC0With; auto. intros n. apply matmul_at_wdepth.
  - apply (compiled_InTC0 _ _ _ _ (d_std P + d_sum P) a k 6 3); auto.
    + intros n. unfold fw. nia.
    + intros n. apply matmul_at_wdepth.
  - intros n A B Hv. cbn [fam_circ matmul_family compiled_family].
    rewrite (eval_compile P (prec n) (n * n + n * n)); auto.
    + rewrite matmul_prog_correct. reflexivity.
    + rewrite app_length, !flat_length. reflexivity.
Qed.
