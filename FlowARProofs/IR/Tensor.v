(** * Matrices of floats and their row-major flattening

    A matrix is a function [nat -> nat -> flt] together with its dimensions,
    which every definition takes explicitly; [flat r c A] lists its entries
    row by row, the order in which programs read and write them (the paper's
    reshape [X'_{(i-1)w+j} = X_{i,j}]).  Also: sums and maxima over
    [seq 0 k] with bodies that do not depend on the index. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program.
Import ListNotations.
Set Default Goal Selector "!".

Definition mat := nat -> nat -> flt.

Implicit Types (A B : mat) (r c i j k : nat).

Definition flat r c A : list flt :=
  concat (map (fun i => map (fun j => A i j) (seq 0 c)) (seq 0 r)).

Lemma flat_length r c A : length (flat r c A) = r * c.
Proof.
  unfold flat. rewrite length_concat, map_map.
  erewrite map_ext by (intros; apply map_length).
  rewrite (map_ext _ (fun _ => c)) by (intros; apply seq_length).
  generalize 0. induction r as [|r IH]; intros s; simpl; [reflexivity|]. rewrite IH. lia.
Qed.

Lemma flat_S r c A : flat (S r) c A = map (fun j => A 0 j) (seq 0 c) ++ flat r c (fun i => A (S i)).
Proof.
  unfold flat. simpl. f_equal. rewrite <- seq_shift, map_map. reflexivity.
Qed.

Lemma nth_flat r c A i j d : i < r -> j < c -> nth (i * c + j) (flat r c A) d = A i j.
Proof.
  revert A i. induction r as [|r IH]; intros A i Hi Hj; [lia|].
  rewrite flat_S. destruct i as [|i].
  - rewrite app_nth1 by (rewrite map_length, seq_length; lia).
    rewrite (nth_indep _ d (A 0 0)) by (rewrite map_length, seq_length; lia).
    rewrite map_nth, seq_nth by lia. reflexivity.
  - rewrite app_nth2 by (rewrite map_length, seq_length; nia).
    rewrite map_length, seq_length.
    replace (S i * c + j - c) with (i * c + j) by nia. apply (IH (fun i => A (S i))); lia.
Qed.

Lemma flat_ext r c A B : (forall i j, i < r -> j < c -> A i j = B i j) -> flat r c A = flat r c B.
Proof.
  intros H. unfold flat. apply f_equal, map_ext_in. intros i Hi. apply map_ext_in.
  intros j Hj. apply in_seq in Hi, Hj. apply H; lia.
Qed.

(** A doubly indexed [PFor] whose bodies each produce one float computes a matrix. *)
Lemma peval_PFor2 P p r c (body : nat -> nat -> prog) (f : mat) xs :
  (forall i j, i < r -> j < c -> peval P p (body i j) xs = [f i j]) ->
  peval P p (PFor r (fun i => PFor c (body i))) xs = flat r c f.
Proof.
  intros H. cbn [peval]. unfold flat. f_equal. apply map_ext_in. intros i Hi.
  apply in_seq in Hi. cbn [peval].
  rewrite (map_ext_in _ (fun j => [f i j])).
  - clear. induction (seq 0 c); simpl; auto. rewrite IHl. reflexivity.
  - intros j Hj. apply in_seq in Hj. apply H; lia.
Qed.

(** A [PFor] whose bodies each produce one float computes a vector. *)
Lemma peval_PFor1 P p k (body : nat -> prog) (f : nat -> flt) xs :
  (forall i, i < k -> peval P p (body i) xs = [f i]) ->
  peval P p (PFor k body) xs = map f (seq 0 k).
Proof.
  intros H. cbn [peval]. rewrite (map_ext_in _ (fun i => [f i])).
  - clear. induction (seq 0 k); simpl; auto. rewrite IHl. reflexivity.
  - intros i Hi. apply in_seq in Hi. apply H; lia.
Qed.

(** ** Index-independent sums and maxima *)

Lemma list_sum_seq_const (f : nat -> nat) k v :
  (forall i, i < k -> f i = v) -> list_sum (map f (seq 0 k)) = k * v.
Proof.
  intros H. rewrite (map_ext_in _ (fun _ => v)).
  - generalize 0. clear H. induction k as [|k IH]; intros s; simpl; [reflexivity|].
    rewrite IH. lia.
  - intros i Hi. apply in_seq in Hi. apply H. lia.
Qed.

Lemma list_max_seq_le (f : nat -> nat) k v :
  (forall i, i < k -> f i <= v) -> list_max (map f (seq 0 k)) <= v.
Proof.
  intros H. apply list_max_le. rewrite Forall_map, Forall_forall. intros i Hi.
  apply in_seq in Hi. apply H. lia.
Qed.
