(** * Circuit families and TC0

    A family is indexed by a size parameter [n] (for FlowAR: any index at
    most the side of the largest feature map, Pipeline/FlowARTC0.v) and gives, for each [n], the number of input bits and
    a circuit.  [InTC0With F D a k] pins the constants: every circuit is
    well formed, has depth at most [D] — the same [D] for every [n] — and at
    most [a * (n+1)^k] size plus outputs, size counting gates AND wires
    (total fan-in, see [Circuit.size]).  [InTC0] additionally asks that the
    index is at most the input length, so that "polynomial in [n]" implies
    "polynomial in the input length", the textbook indexing
    ([InTC0_size_poly_input]).

    Uniformity: families are Coq functions, hence computable; the paper's
    DLOGTIME-uniformity is NOT formalized (see docs/formal-model.md).

    Closure: sequential and parallel composition of two TC0 families, and of a
    list of [m] families, with the explicit new constants.  Non-vacuity: a
    family whose depth grows with [n] is not in TC0 ([tower_not_InTC0]); nor
    is a family of single gates with exponential fan-in
    ([wide_gate_not_InTC0], Circuits/WideGate.v). *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Compose.
Import ListNotations.
Set Default Goal Selector "!".

Record family := Fam { fam_in : nat -> nat; fam_circ : nat -> circuit }.

Implicit Types (F G : family) (Gs : list family) (D a b k l n : nat).

Definition InTC0With F D a k : Prop :=
  forall n,
    wf (fam_in F n) (fam_circ F n)
    /\ depth (fam_circ F n) <= D
    /\ size (fam_circ F n) + width_out (fam_circ F n) <= a * (n + 1) ^ k.

Definition InTC0 F : Prop :=
  (forall n, n <= fam_in F n) /\ exists D a k, InTC0With F D a k.

Lemma InTC0With_size F D a k : InTC0With F D a k -> PolyBoundedWith (fun n => size (fam_circ F n)) a k.
Proof. intros H n. destruct (H n) as (_ & _ & Hs). lia. Qed.

(** Polynomial in the index implies polynomial in the input length. *)
Lemma InTC0_size_poly_input F D a k :
  (forall n, n <= fam_in F n) -> InTC0With F D a k ->
  forall n, size (fam_circ F n) <= a * (fam_in F n + 1) ^ k.
Proof.
  intros Hidx H n. destruct (H n) as (_ & _ & Hs).
  pose proof (Nat.pow_le_mono_l (n + 1) (fam_in F n + 1) k ltac:(specialize (Hidx n); lia)).
  nia.
Qed.

(** ** Sequential composition *)

Definition fam_seq F G : family :=
  Fam (fam_in F) (fun n => cseq (fam_circ F n) (fam_circ G n)).

Definition feeds F G : Prop := forall n, fam_in G n = width_out (fam_circ F n).

Lemma TC0_seq_closed F G D1 a k D2 b l :
  InTC0With F D1 a k -> InTC0With G D2 b l -> feeds F G ->
  InTC0With (fam_seq F G) (D1 + D2) (a + b) (Nat.max k l).
Proof.
  intros HF HG Hfeed n. destruct (HF n) as (Hw1 & Hd1 & Hs1), (HG n) as (Hw2 & Hd2 & Hs2).
  simpl. split; [|split].
  - apply wf_cseq; auto. rewrite <- Hfeed. exact Hw2.
  - rewrite depth_cseq. lia.
  - pose proof (size_cseq_le (fam_circ F n) (fam_circ G n)). rewrite width_out_cseq.
    pose proof (pow_mono_exp n k (Nat.max k l) ltac:(lia)).
    pose proof (pow_mono_exp n l (Nat.max k l) ltac:(lia)). nia.
Qed.

(** ** Parallel composition (both read the same input) *)

Definition fam_par F G : family :=
  Fam (fam_in F) (fun n => cpar (fam_circ F n) (fam_circ G n)).

Lemma TC0_par_closed F G D1 a k D2 b l :
  InTC0With F D1 a k -> InTC0With G D2 b l -> (forall n, fam_in G n = fam_in F n) ->
  InTC0With (fam_par F G) (Nat.max D1 D2) ((2 * Nat.max D1 D2 + 1) * (a + b)) (Nat.max k l).
Proof.
  intros HF HG Hin n. destruct (HF n) as (Hw1 & Hd1 & Hs1), (HG n) as (Hw2 & Hd2 & Hs2).
  simpl. split; [|split].
  - apply wf_cpar; auto. rewrite <- Hin. exact Hw2.
  - rewrite depth_cpar. lia.
  - pose proof (size_cpar_le (fam_circ F n) (fam_circ G n)) as Hs.
    rewrite width_out_cpar.
    pose proof (pow_mono_exp n k (Nat.max k l) ltac:(lia)).
    pose proof (pow_mono_exp n l (Nat.max k l) ltac:(lia)).
    set (P := (n + 1) ^ Nat.max k l) in *.
    set (M := Nat.max (depth (fam_circ F n)) (depth (fam_circ G n))) in *.
    set (DM := Nat.max D1 D2).
    assert (M <= DM) as HM by (subst M DM; lia).
    set (s1 := size (fam_circ F n)) in *. set (s2 := size (fam_circ G n)) in *.
    set (w1 := width_out (fam_circ F n)) in *. set (w2 := width_out (fam_circ G n)) in *.
    assert (s1 + w1 <= a * P) by nia. assert (s2 + w2 <= b * P) by nia.
    assert (size (cpar (fam_circ F n) (fam_circ G n)) + (w1 + w2)
            <= (2 * DM + 1) * (s1 + w1 + (s2 + w2))) by nia.
    nia.
Qed.

(** ** A chain of [m] families: depth adds up, [m] times the constant *)

Fixpoint chain F Gs : Prop :=
  match Gs with [] => True | G :: Gs' => feeds F G /\ chain G Gs' end.

Definition fam_seqs F Gs : family := fold_left fam_seq Gs F.

Lemma fam_seq_feeds F G H : feeds G H -> feeds (fam_seq F G) H.
Proof. intros Hf n. simpl. rewrite width_out_cseq. apply Hf. Qed.

Lemma TC0_seqs_closed Gs : forall F D a k D' b,
  InTC0With F D a k -> Forall (fun G => InTC0With G D' b k) Gs -> chain F Gs ->
  InTC0With (fam_seqs F Gs) (D + length Gs * D') (a + length Gs * b) k.
Proof.
  induction Gs as [|G Gs IH]; intros F D a k D' b HF HGs Hch.
  - change (fam_seqs F []) with F. change (length []) with 0.
    rewrite !Nat.mul_0_l, !Nat.add_0_r. exact HF.
  - change (fam_seqs F (G :: Gs)) with (fam_seqs (fam_seq F G) Gs).
    change (length (G :: Gs)) with (S (length Gs)).
    inversion HGs as [|? ? HG HGs']; subst. destruct Hch as [Hfeed Hch].
    replace (D + S (length Gs) * D') with ((D + D') + length Gs * D') by lia.
    replace (a + S (length Gs) * b) with ((a + b) + length Gs * b) by lia.
    apply IH; auto.
    + pose proof (TC0_seq_closed F G D a k D' b k HF HG Hfeed) as H.
      rewrite Nat.max_id in H. exact H.
    + destruct Gs as [|G' Gs']; simpl in *; auto. destruct Hch as [Hf' Hch'].
      split; auto. apply fam_seq_feeds. exact Hf'.
Qed.

(** ** Non-vacuity *)

(** The identity family is in TC0 (depth 0, no gates). *)
Definition id_family : family := Fam (fun n => n) (fun n => Circ [] (map W (seq 0 n))).

Lemma id_family_InTC0 : InTC0 id_family.
Proof.
  split; [simpl; lia|]. exists 0, 1, 1. intros n. simpl. split; [|split].
  - split; simpl; auto. rewrite Forall_map, Forall_forall. intros i Hi.
    apply in_seq in Hi. simpl. lia.
  - unfold depth. simpl. lia.
  - unfold size, width_out. simpl. rewrite map_length, seq_length. lia.
Qed.

(** A tower of [n] identity layers: its depth grows with [n], so no constant bounds it. *)
Definition tower_family : family := Fam S (fun n => delays n (Circ [] [W 0])).

Lemma depth_tower n : depth (fam_circ tower_family n) = n.
Proof. simpl. rewrite depth_delays. unfold depth. simpl. lia. Qed.

Lemma tower_not_InTC0 : ~ InTC0 tower_family.
Proof.
  intros (_ & D & a & k & H). destruct (H (S D)) as (_ & Hd & _).
  rewrite depth_tower in Hd. lia.
Qed.

(** Exponential size is rejected: if [size + outputs] reaches [2^n], no
    constants [D a k] fit (used by [wide_gate_not_InTC0]). *)
Lemma exp_size_not_InTC0With F :
  (forall n, 2 ^ n <= size (fam_circ F n) + width_out (fam_circ F n)) ->
  ~ exists D a k, InTC0With F D a k.
Proof.
  intros Hexp (D & a & k & H). destruct (pow2_beats_poly a k) as [n Hn].
  destruct (H n) as (_ & _ & Hs). specialize (Hexp n). lia.
Qed.
