(** * Shared helpers of the Sampling, MLP and FFN modules

    Generic facts about programs that [Modules/Sampling.v], [Modules/MLP.v]
    and [Modules/FFN.v] share; they are candidates for [IR/Block.v] and
    [IR/Stage.v] (some duplicate lemmas of [Modules/AttnCommon.v] under other
    names, so that the two files can be imported together):
    - blocks are extensional, and the blocks of a concatenation
      [flat r1 c1 A ++ ys] ([block_cons_flat], [block_head_flat]);
    - [keep off (r*c)] (from [IR/Stage.v]) copies a block: [keep_block];
    - [gather segs]: copy several segments [(off, len)] of the input side by
      side in one wire (free in depth), how a stage carries the original
      operands that later stages still need;
    - [stage] (from [IR/Stage.v]) with the lengths given as numbers. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (A B : mat) (xs ys S : list flt) (p n r c off : nat).

(** ** Blocks *)

Lemma block_ext xs off r c A B :
  (forall i j, i < r -> j < c -> A i j = B i j) -> block xs off r c A -> block xs off r c B.
Proof. intros HAB HA i j Hi Hj. rewrite <- HAB by auto. apply HA; auto. Qed.

(** A block behind a leading [flat] block. *)
Lemma block_cons_flat r1 c1 A ys off off' r c B :
  off' = r1 * c1 + off -> block ys off r c B -> block (flat r1 c1 A ++ ys) off' r c B.
Proof.
  intros -> H. rewrite <- (flat_length r1 c1 A). apply block_app_r, H.
Qed.

(** The leading [flat] block, at any offset equal to 0. *)
Lemma block_head_flat r c A ys off : off = 0 -> block (flat r c A ++ ys) off r c A.
Proof. intros ->. apply block_flat_app_l. Qed.

Lemma block_flat_eq r c A off : off = 0 -> block (flat r c A) off r c A.
Proof. intros ->. apply block_flat. Qed.

(** ** Copying a block: [keep] *)





(** A row vector [1 × c]. *)






(** ** Gathering segments of the input *)

Definition seg_srcs (s : nat * nat) : list fsrc := map (fun i => FIn (fst s + i)) (seq 0 (snd s)).

Definition gather (segs : list (nat * nat)) : prog := PWire (concat (map seg_srcs segs)).

Lemma gather_correct P p segs xs :
  peval P p (gather segs) xs = concat (map (fun s => peval P p (keep (fst s) (snd s)) xs) segs).
Proof.
  cbn [gather peval]. rewrite concat_map, map_map. reflexivity.
Qed.

Lemma gather_wt p n segs : Forall (fun s => fst s + snd s <= n) segs -> pwt p n (gather segs).
Proof.
  intros H. cbn [gather pwt]. apply Forall_concat. rewrite Forall_map.
  eapply Forall_impl; [|exact H]. intros s Hs. apply (keep_wt_le p n (fst s) (snd s) Hs).
Qed.

Lemma gather_arity segs : arity_out (gather segs) = list_sum (map snd segs).
Proof.
  cbn [gather arity_out]. rewrite length_concat, map_map. f_equal. apply map_ext.
  intros s. unfold seg_srcs. rewrite map_length, seq_length. reflexivity.
Qed.

Lemma gather_counts segs :
  ops (gather segs) = 0 /\ pads (gather segs) = 0 /\ work (gather segs) = 0
  /\ maxar (gather segs) = 0.
Proof. repeat split. Qed.

(** ** Stages with numeric lengths *)

Lemma stage_correct_n P p a g m xs S ys :
  length xs = a -> length S = g -> peval P p m (xs ++ S) = ys ->
  peval P p (stage a g m) (xs ++ S) = ys ++ S.
Proof. intros <- <-. apply stage_correct. Qed.

Lemma stage_wt_n p n a g m : a + g <= n -> pwt p n m -> pwt p n (stage a g m).
Proof. intros H Hm. split; [exact Hm|apply keep_wt_le, H]. Qed.
