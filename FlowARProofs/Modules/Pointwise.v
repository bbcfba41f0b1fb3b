(** * Scalar programs applied entry-wise to a block

    The released FlowAR's activations (SiLU, GELU) and several of its
    entry-wise steps (adaLN modulation, gated residuals, RoPE) are small
    scalar programs applied to every entry of a matrix.  This file gives the
    one combinator they share:
    - a *scalar program* [f u] reads the input at index [u] (and possibly
      other indices or constants) and returns one float; it is described by
      a float function [g] with [peval (f u) xs = [g (nth u xs fzero)]]
      ([ScalarSem]);
    - [pw_at f off r c] runs [f] on every entry of the [r × c] block at
      [off], all in parallel: it computes [fun i j => g (A i j)]
      ([pw_at_correct]); its weighted depth is the scalar program's
      ([pw_at_wdepth]) and its counts are [r·c] times the scalar program's
      ([pw_at_counts]);
    - [PFor2] with bodies whose counts depend on the column only
      ([colfor_*]), for entry-wise programs whose cost depends on the parity
      of the column (RoPE).
    Also: [fsub_zero_l], negation as a subtraction from [0] (the IR has no
    negation node; [−x] is [0 − x], exactly [fneg] of [Float/Format.v]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (A : mat) (xs : list flt) (p n r c off u : nat).

(** ** Negation as [0 − x] *)

Lemma fsub_zero_l p x : fsub p fzero x = fneg p x.
Proof.
  unfold fsub, fneg, expo_min, align. cbn [fold_right mant expo fzero].
  unfold omin at 1. cbn [mant fzero Z.eqb]. unfold omin.
  destruct (Z.eqb_spec (mant x) 0) as [H0|H0].
  - rewrite H0, Z.mul_0_l, Z.sub_0_l, Z.opp_0, !round_zero. reflexivity.
  - rewrite Z.sub_diag, Z.pow_0_r, Z.mul_1_r, Z.mul_0_l, Z.sub_0_l. reflexivity.
Qed.

(** ** Scalar programs *)

(** [f u] computes [g] of the input at [u], whatever the other inputs. *)
Definition ScalarSem P p (f : nat -> prog) (g : flt -> flt) : Prop :=
  forall u xs, peval P p (f u) xs = [g (nth u xs fzero)].

(** The scalar program's counts, the same at every index. *)
Definition ScalarCounts (f : nat -> prog) (o q w ma : nat) : Prop :=
  forall u, ops (f u) = o /\ pads (f u) = q /\ work (f u) = w /\ maxar (f u) <= ma
            /\ arity_out (f u) = 1.

Definition pw_at (f : nat -> prog) off r c : prog :=
  PFor r (fun i => PFor c (fun j => f (off + (i * c + j)))).

Theorem pw_at_correct P p (f : nat -> prog) (g : flt -> flt) xs off r c A :
  ScalarSem P p f g -> block xs off r c A ->
  peval P p (pw_at f off r c) xs = flat r c (fun i j => g (A i j)).
Proof.
  intros Hf HA. apply peval_PFor2. intros i j Hi Hj. rewrite Hf, HA by assumption.
  reflexivity.
Qed.

Lemma pw_at_wt p n (f : nat -> prog) off r c :
  (forall u, u < n -> pwt p n (f u)) -> off + r * c <= n -> pwt p n (pw_at f off r c).
Proof.
  intros Hf Hn. cbn [pw_at pwt]. intros i Hi j Hj. apply Hf. nia.
Qed.

Lemma pw_at_wdepth P (f : nat -> prog) off r c D :
  (forall u, wdepth (op_dbound P) (f u) <= D) -> wdepth (op_dbound P) (pw_at f off r c) <= D.
Proof. intros Hf. apply PFor2_wdepth. intros. apply Hf. Qed.

Lemma pw_at_counts (f : nat -> prog) o q w ma off r c :
  ScalarCounts f o q w ma ->
  let E := pw_at f off r c in
  ops E = r * (c * o) /\ pads E = r * (c * q + c) + r * c /\ work E = r * (c * w)
  /\ maxar E <= ma /\ arity_out E = r * c.
Proof.
  intros Hf. set (body := fun i j => f (off + (i * c + j))).
  assert (Hb : forall i j, i < r -> j < c ->
            ops (body i j) = o /\ pads (body i j) = q /\ work (body i j) = w
            /\ maxar (body i j) <= ma /\ arity_out (body i j) = 1) by (intros; apply Hf).
  cbn zeta. repeat split.
  - exact (PFor2_ops r c body _ _ _ _ Hb).
  - exact (PFor2_pads r c body _ _ _ _ Hb).
  - exact (PFor2_work r c body _ _ _ _ Hb).
  - exact (PFor2_maxar r c body _ _ _ _ Hb).
  - exact (PFor2_arity r c body _ _ _ _ Hb).
Qed.

(** ** Doubly indexed [PFor] with column-dependent counts *)

Section colfor.
  Context (r c : nat) (body : nat -> nat -> prog).
  Context (o q w : nat -> nat) (ma : nat).
  Context (Hbody : forall i j, i < r -> j < c ->
             ops (body i j) = o j /\ pads (body i j) = q j /\ work (body i j) = w j
             /\ maxar (body i j) <= ma /\ arity_out (body i j) = 1).

  Let E := PFor r (fun i => PFor c (body i)).

  Let col_sum (f : prog -> nat) (g : nat -> nat) :
    (forall i j, i < r -> j < c -> f (body i j) = g j) ->
    list_sum (map (fun i => list_sum (map (fun j => f (body i j)) (seq 0 c))) (seq 0 r))
    = r * list_sum (map g (seq 0 c)).
  Proof.
    intros Hg. apply list_sum_seq_const. intros i Hi. f_equal. apply map_ext_in.
    intros j Hj. apply in_seq in Hj. apply Hg; lia.
  Qed.

  Lemma colfor_arity : arity_out E = r * c.
  Proof.
    unfold E. cbn [arity_out]. rewrite (col_sum arity_out (fun _ => 1)).
    - rewrite list_sum_const. lia.
    - intros. apply Hbody; auto.
  Qed.

  Lemma colfor_ops : ops E = r * list_sum (map o (seq 0 c)).
  Proof. unfold E. cbn [ops]. apply col_sum. intros. apply Hbody; auto. Qed.

  Lemma colfor_work : work E = r * list_sum (map w (seq 0 c)).
  Proof. unfold E. cbn [work]. apply col_sum. intros. apply Hbody; auto. Qed.

  Lemma colfor_pads : pads E = r * list_sum (map q (seq 0 c)) + 2 * (r * c).
  Proof.
    pose proof colfor_arity as Har. unfold E in *. cbn [pads] in *. rewrite Har.
    rewrite (map_ext_in _ (fun i => list_sum (map (fun j => pads (body i j)) (seq 0 c)) + c)).
    - rewrite list_sum_map_add, list_sum_const, (col_sum pads q); [lia|].
      intros. apply Hbody; auto.
    - intros i Hi. apply in_seq in Hi. cbn [arity_out]. f_equal.
      rewrite (list_sum_seq_const _ c 1); [lia|]. intros j Hj. apply Hbody; lia.
  Qed.

  Lemma colfor_maxar : maxar E <= ma.
  Proof.
    unfold E. cbn [maxar]. apply list_max_seq_le. intros i Hi. apply list_max_seq_le.
    intros j Hj. apply Hbody; auto.
  Qed.
End colfor.

(** ** Example: negation of a float at precision 8 *)

Example ex_fsub_zero_l : fsub 8 fzero (of_Z 8 5) = of_Z 8 (-5).
Proof. vm_compute. reflexivity. Qed.
