(** * Shared helpers of the Sampling, MLP and FFN modules

    Generic facts about programs that [Modules/Sampling.v], [Modules/MLP.v]
    and [Modules/FFN.v] share; they are candidates for [IR/Block.v] and
    [IR/Stage.v] (some duplicate lemmas of [Modules/AttnCommon.v] under other
    names, so that the two files can be imported together):
    - blocks are extensional, and the blocks of a concatenation
      [flat r1 c1 A ++ ys] ([block_cons_flat], [block_head_flat]);
    - [keep off (r*c)] (from [IR/Stage.v]) copies a block: [keep_flat];
    - [gather segs]: copy several segments [(off, len)] of the input side by
      side in one wire (free in depth), how a stage carries the original
      operands that later stages still need;
    - [stage] (from [IR/Stage.v]) with the lengths given as numbers. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (A B : mat) (xs ys S : list flt) (p n r c off : nat).

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

Lemma nth_map_seq0 {T} (f : nat -> T) m k (d : T) : k < m -> nth k (map f (seq 0 m)) d = f k.
Proof.
  intros H. rewrite nth_indep with (d' := f 0) by (rewrite map_length, seq_length; lia).
  rewrite map_nth, seq_nth by lia. reflexivity.
Qed.

Lemma keep_flat P p xs off r c A :
  block xs off r c A -> peval P p (keep off (r * c)) xs = flat r c A.
Proof.
  intros HA. cbn [keep peval]. rewrite map_map.
  apply nth_ext with (d := fzero) (d' := fzero).
  { rewrite map_length, seq_length, flat_length. reflexivity. }
  intros k Hk. rewrite map_length, seq_length in Hk.
  assert (Hc : c <> 0) by (intros ->; lia).
  rewrite nth_map_seq0 by exact Hk. cbn [fsrc_val].
  pose proof (Nat.div_mod k c Hc) as Hd. pose proof (Nat.mod_upper_bound k c Hc) as Hm.
  assert (Hq : k / c < r) by (apply Nat.div_lt_upper_bound; lia).
  rewrite Hd at 1 2. rewrite (Nat.mul_comm c (k / c)).
  rewrite nth_flat by auto. apply HA; auto.
Qed.

(** A row vector [1 × c]. *)
Lemma keep_flat1 P p xs off c A :
  block xs off 1 c A -> peval P p (keep off c) xs = flat 1 c A.
Proof. intros H. rewrite <- (Nat.mul_1_l c) at 1. apply keep_flat, H. Qed.

Lemma keep_wt_n p n a g : a + g <= n -> pwt p n (keep a g).
Proof.
  intros H. cbn [keep pwt]. rewrite Forall_map, Forall_forall. intros i Hi. apply in_seq in Hi.
  cbn. lia.
Qed.

Lemma keep_arity_out a g : arity_out (keep a g) = g.
Proof. cbn. rewrite map_length, seq_length. reflexivity. Qed.

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
  eapply Forall_impl; [|exact H]. intros s Hs. apply (keep_wt_n p n (fst s) (snd s) Hs).
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
Proof. intros H Hm. split; [exact Hm|apply keep_wt_n, H]. Qed.
