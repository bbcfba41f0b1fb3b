(** * Reading matrices at offsets, and the dot-product building block

    Modules read their operands (activations and weights) from one input
    vector.  [block xs off r c A] says that the [r × c] matrix [A] sits in
    [xs], row-major, from position [off]; module programs take the offsets as
    parameters, so the pipeline can feed them any state without rewiring.

    [dot_prog m u v] computes [fsum (fmul (u 0) (v 0), …, fmul (u (m-1)) (v (m-1)))]
    for two index maps into the input: all products in parallel (depth
    [d_std]), then one iterated sum rounded once (depth [d_sum]).  Matrix
    products, attention scores and interpolations are all made of it. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (A B : mat) (xs : list flt) (p r c m off : nat).

(** ** Blocks *)

Definition block xs off r c A : Prop :=
  forall i j, i < r -> j < c -> nth (off + (i * c + j)) xs fzero = A i j.

Lemma block_flat r c A : block (flat r c A) 0 r c A.
Proof. intros i j Hi Hj. apply nth_flat; auto. Qed.

Lemma block_app_l xs ys off r c A :
  off + r * c <= length xs -> block xs off r c A -> block (xs ++ ys) off r c A.
Proof.
  intros Hlen H i j Hi Hj. rewrite app_nth1 by nia. apply H; auto.
Qed.

Lemma block_app_r xs ys off r c A : block ys off r c A -> block (xs ++ ys) (length xs + off) r c A.
Proof.
  intros H i j Hi Hj. rewrite app_nth2 by lia.
  replace (length xs + off + (i * c + j) - length xs) with (off + (i * c + j)) by lia.
  apply H; auto.
Qed.

Lemma block_flat_app_l r c A ys : block (flat r c A ++ ys) 0 r c A.
Proof. apply block_app_l; [rewrite flat_length; lia|apply block_flat]. Qed.

Lemma block_flat_app_r xs r c A : block (xs ++ flat r c A) (length xs) r c A.
Proof. rewrite <- (Nat.add_0_r (length xs)). apply block_app_r, block_flat. Qed.

(** ** Counts of a doubly indexed [PFor] of one-output bodies *)

Section PFor2.
  Context (r c : nat) (body : nat -> nat -> prog).
  Context (o q w ma : nat).
  Context (Hbody : forall i j, i < r -> j < c ->
             ops (body i j) = o /\ pads (body i j) = q /\ work (body i j) = w
             /\ maxar (body i j) <= ma /\ arity_out (body i j) = 1).

  Let E := PFor r (fun i => PFor c (body i)).

  Lemma PFor2_arity : arity_out E = r * c.
  Proof.
    cbn [arity_out]. apply list_sum_seq_const. intros i Hi.
    rewrite (list_sum_seq_const _ c 1); [lia|]. intros j Hj. apply Hbody; auto.
  Qed.

  Lemma PFor2_ops : ops E = r * (c * o).
  Proof.
    cbn [ops]. apply list_sum_seq_const. intros i Hi. apply list_sum_seq_const.
    intros j Hj. apply Hbody; auto.
  Qed.

  Lemma PFor2_work : work E = r * (c * w).
  Proof.
    cbn [work]. apply list_sum_seq_const. intros i Hi. apply list_sum_seq_const.
    intros j Hj. apply Hbody; auto.
  Qed.

  Lemma PFor2_pads : pads E = r * (c * q + c) + r * c.
  Proof.
    pose proof PFor2_arity as Har. unfold E in *. cbn [pads]. rewrite Har.
    apply Nat.add_cancel_r. apply list_sum_seq_const. intros i Hi. cbn [pads arity_out].
    rewrite (list_sum_seq_const _ c q), (list_sum_seq_const _ c 1); [lia| |].
    - intros j Hj. apply Hbody; auto.
    - intros j Hj. apply Hbody; auto.
  Qed.

  Lemma PFor2_maxar : maxar E <= ma.
  Proof.
    cbn [maxar]. apply list_max_seq_le. intros i Hi. apply list_max_seq_le.
    intros j Hj. apply Hbody; auto.
  Qed.

  Lemma PFor2_wdepth (P : FloatPrimitivesTC0) D :
    (forall i j, i < r -> j < c -> wdepth (op_dbound P) (body i j) <= D) ->
    wdepth (op_dbound P) E <= D.
  Proof.
    intros H. cbn [wdepth]. apply list_max_seq_le. intros i Hi. apply list_max_seq_le.
    intros j Hj. auto.
  Qed.
End PFor2.

(** ** The dot product of two source maps (inputs or constants) *)

Definition dotg_prog m (u v : nat -> fsrc) : prog :=
  PSeq (PFor m (fun k => PSeq (PWire [u k; v k]) (POp (OBin BMul)))) (POp (OSum m)).

Definition fdot p m (a b : nat -> flt) : flt :=
  fsum p (map (fun k => fmul p (a k) (b k)) (seq 0 m)).

Lemma dotg_prog_correct P p m u v xs :
  peval P p (dotg_prog m u v) xs
  = [fdot p m (fun k => fsrc_val xs (u k)) (fun k => fsrc_val xs (v k))].
Proof.
  unfold dotg_prog. rewrite peval_PSeq, peval_POp.
  rewrite (peval_PFor1 _ _ _ _ (fun k => fmul p (fsrc_val xs (u k)) (fsrc_val xs (v k)))).
  - reflexivity.
  - intros k _. reflexivity.
Qed.

Lemma dotg_prog_wt p n m u v :
  (forall k, k < m -> fsrc_ok p n (u k) /\ fsrc_ok p n (v k)) -> pwt p n (dotg_prog m u v).
Proof.
  intros H. cbn. split.
  - intros k Hk. destruct (H k Hk). split; [repeat constructor; auto|reflexivity].
  - rewrite (list_sum_seq_const _ m 1) by reflexivity. lia.
Qed.

Lemma dotg_prog_wdepth (P : FloatPrimitivesTC0) m u v : wdepth (op_dbound P) (dotg_prog m u v) <= d_std P + d_sum P.
Proof.
  cbn [dotg_prog wdepth op_dbound]. apply Nat.add_le_mono_r, list_max_seq_le. intros; lia.
Qed.

Lemma dotg_prog_counts m u v :
  ops (dotg_prog m u v) = m + 1 /\ pads (dotg_prog m u v) = m
  /\ work (dotg_prog m u v) = m + (m - 1)
  /\ maxar (dotg_prog m u v) <= m + 2 /\ arity_out (dotg_prog m u v) = 1.
Proof.
  cbn [dotg_prog ops pads work maxar arity_out op_work op_arity].
  rewrite (list_sum_seq_const _ m 1), (list_sum_seq_const _ m 0) by reflexivity.
  assert (list_max (map (fun _ => Nat.max 0 2) (seq 0 m)) <= 2)
    by (apply list_max_seq_le; intros; lia).
  rewrite (list_sum_seq_const _ m 1) by reflexivity. repeat split; lia.
Qed.

(** The dot product of two index maps into the input. *)
Definition dot_prog m (u v : nat -> nat) : prog :=
  dotg_prog m (fun k => FIn (u k)) (fun k => FIn (v k)).

Lemma dot_prog_correct P p m u v xs :
  peval P p (dot_prog m u v) xs = [fdot p m (fun k => nth (u k) xs fzero) (fun k => nth (v k) xs fzero)].
Proof. apply dotg_prog_correct. Qed.

Lemma dot_prog_wt p n m u v :
  (forall k, k < m -> u k < n /\ v k < n) -> pwt p n (dot_prog m u v).
Proof. intros H. apply dotg_prog_wt. intros k Hk. apply H, Hk. Qed.

Lemma dot_prog_wdepth (P : FloatPrimitivesTC0) m u v : wdepth (op_dbound P) (dot_prog m u v) <= d_std P + d_sum P.
Proof. apply dotg_prog_wdepth. Qed.

Lemma dot_prog_counts m u v :
  ops (dot_prog m u v) = m + 1 /\ pads (dot_prog m u v) = m /\ work (dot_prog m u v) = m + (m - 1)
  /\ maxar (dot_prog m u v) <= m + 2 /\ arity_out (dot_prog m u v) = 1.
Proof. apply dotg_prog_counts. Qed.

(** ** Entry-wise operations: output [(i, j)] is [o] applied to the sources [srcs i j] *)

Definition ew_prog r c (o : op) (srcs : nat -> nat -> list fsrc) : prog :=
  PFor r (fun i => PFor c (fun j => PSeq (PWire (srcs i j)) (POp o))).

Lemma ew_prog_correct P p r c o srcs xs :
  peval P p (ew_prog r c o srcs) xs
  = flat r c (fun i j => opsem P p o (map (fsrc_val xs) (srcs i j))).
Proof. apply peval_PFor2. intros i j _ _. reflexivity. Qed.

Lemma ew_prog_wt p n r c o srcs :
  (forall i j, i < r -> j < c -> Forall (fsrc_ok p n) (srcs i j)
                                /\ length (srcs i j) = op_arity o) ->
  pwt p n (ew_prog r c o srcs).
Proof.
  intros H. cbn. intros i Hi j Hj. destruct (H i j Hi Hj). split; auto.
Qed.

Lemma ew_prog_wdepth (P : FloatPrimitivesTC0) r c o srcs : wdepth (op_dbound P) (ew_prog r c o srcs) <= op_dbound P o.
Proof.
  apply (PFor2_wdepth r c (fun i j => PSeq (PWire (srcs i j)) (POp o))).
  intros. cbn. lia.
Qed.

Lemma ew_prog_counts r c o srcs :
  (forall i j, i < r -> j < c -> length (srcs i j) = op_arity o) ->
  ops (ew_prog r c o srcs) = r * (c * 1)
  /\ pads (ew_prog r c o srcs) = r * (c * 0 + c) + r * c
  /\ work (ew_prog r c o srcs) = r * (c * op_work o)
  /\ maxar (ew_prog r c o srcs) <= op_arity o
  /\ arity_out (ew_prog r c o srcs) = r * c.
Proof.
  intros _.
  assert (Hb : forall i j, i < r -> j < c ->
            let e := PSeq (PWire (srcs i j)) (POp o) in
            ops e = 1 /\ pads e = 0 /\ work e = op_work o /\ maxar e <= op_arity o
            /\ arity_out e = 1) by (intros; cbn; repeat split; lia).
  unfold ew_prog.
  repeat split.
  - apply (PFor2_ops r c (fun i j => PSeq (PWire (srcs i j)) (POp o)) _ _ _ _ Hb).
  - apply (PFor2_pads r c (fun i j => PSeq (PWire (srcs i j)) (POp o)) _ _ _ _ Hb).
  - apply (PFor2_work r c (fun i j => PSeq (PWire (srcs i j)) (POp o)) _ _ _ _ Hb).
  - apply (PFor2_maxar r c (fun i j => PSeq (PWire (srcs i j)) (POp o)) _ _ _ _ Hb).
  - apply (PFor2_arity r c (fun i j => PSeq (PWire (srcs i j)) (POp o)) _ _ _ _ Hb).
Qed.

Lemma ew_prog_arity r c o srcs : arity_out (ew_prog r c o srcs) = r * c.
Proof.
  cbn [ew_prog arity_out]. apply list_sum_seq_const. intros i _.
  rewrite (list_sum_seq_const _ c 1) by reflexivity. lia.
Qed.

(** ** Reading a matrix out of a vector

    [rd xs off r c] is the [r × c] matrix stored row-major in [xs] from
    [off]: the pipeline's semantics reads its inputs and weights this way
    from the one input vector, in the layout the pipeline documents. *)
Definition rd xs off r c : mat := fun i j => nth (off + (i * c + j)) xs fzero.

Lemma block_rd xs off r c : block xs off r c (rd xs off r c).
Proof. intros i j _ _. reflexivity. Qed.

Lemma block_rd_app xs ys off r c :
  block (xs ++ ys) (length xs + off) r c (rd ys off r c).
Proof. apply block_app_r, block_rd. Qed.

Lemma rd_flat_app r c A ys : forall i j, i < r -> j < c -> rd (flat r c A ++ ys) 0 r c i j = A i j.
Proof. intros i j Hi Hj. apply (block_flat_app_l r c A ys); auto. Qed.
