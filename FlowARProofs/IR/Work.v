(** * Work: the sequential cost of a float program

    [work e] counts scalar primitive operations, the runtime measure of the
    paper's running-time lemmas and of the numpy model in [py_bridge/model]:
    a binary operation, a comparison, exp and sqrt cost 1; an n-ary sum or
    product of [m] terms costs [m - 1] (as [m - 1] binary additions would);
    wiring is free.

    [ops e] counts operation nodes, [pads e] the float width of all parallel
    nodes (what padding may copy), and [maxar e] the largest arity; they give
    the generic polynomial size bound [csize_bound_le]. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (e a b : prog) (p k : nat).

Definition op_work (o : op) : nat :=
  match o with
  | OBin _ | OLt | OMax | OExp | OSqrt => 1
  | OSum m | OProd m => m - 1
  end.

Fixpoint work e : nat :=
  match e with
  | PWire _ => 0
  | POp o => op_work o
  | PSeq a b | PPar a b => work a + work b
  | PFor k body => list_sum (map (fun i => work (body i)) (seq 0 k))
  end.

Fixpoint ops e : nat :=
  match e with
  | PWire _ => 0
  | POp _ => 1
  | PSeq a b | PPar a b => ops a + ops b
  | PFor k body => list_sum (map (fun i => ops (body i)) (seq 0 k))
  end.

Fixpoint maxar e : nat :=
  match e with
  | PWire _ => 0
  | POp o => op_arity o
  | PSeq a b | PPar a b => Nat.max (maxar a) (maxar b)
  | PFor k body => list_max (map (fun i => maxar (body i)) (seq 0 k))
  end.

Fixpoint pads e : nat :=
  match e with
  | PWire _ | POp _ => 0
  | PSeq a b => pads a + pads b
  | PPar a b => pads a + pads b + arity_out a + arity_out b
  | PFor k body => list_sum (map (fun i => pads (body i)) (seq 0 k)) + arity_out (PFor k body)
  end.

(** ** Sums and maxima over [seq 0 k] of constant bodies *)

Lemma list_sum_const k c : list_sum (map (fun _ : nat => c) (seq 0 k)) = k * c.
Proof.
  generalize 0. induction k as [|k IH]; intros s; simpl; [reflexivity|]. rewrite IH. lia.
Qed.

Lemma list_sum_map_add (f g : nat -> nat) l :
  list_sum (map (fun i => f i + g i) l) = list_sum (map f l) + list_sum (map g l).
Proof. induction l as [|x l IH]; simpl; [lia|]. rewrite IH. lia. Qed.

Lemma list_sum_map_mul_l (f : nat -> nat) c l :
  list_sum (map (fun i => c * f i) l) = c * list_sum (map f l).
Proof. induction l as [|x l IH]; simpl; [lia|]. rewrite IH. lia. Qed.

Lemma list_max_const k c : 0 < k -> list_max (map (fun _ : nat => c) (seq 0 k)) = c.
Proof.
  intros Hk. destruct k as [|k]; [lia|]. clear Hk. generalize 0.
  induction k as [|k IH]; intros s.
  - simpl. lia.
  - change (list_max (map (fun _ => c) (seq s (S (S k)))))
      with (Nat.max c (list_max (map (fun _ => c) (seq (S s) (S k))))).
    rewrite IH. lia.
Qed.

Lemma list_max_const_le k c : list_max (map (fun _ : nat => c) (seq 0 k)) <= c.
Proof. apply list_max_le. rewrite Forall_map, Forall_forall. auto. Qed.

(** ** The generic size bound *)

Lemma prim_size_mono P p m1 m2 : m1 <= m2 -> prim_size P p m1 <= prim_size P p m2.
Proof.
  intros H. unfold prim_size. apply Nat.mul_le_mono_l, Nat.pow_le_mono_l. nia.
Qed.

(** What [OMax] adds to a primitive: padding of the operands beside the
    comparison and the multiplexer. *)
Definition op_extra P p : nat := 2 * d_std P * (2 * fw p) + 9 * fw p.

Lemma op_sbound_le P p o m :
  op_arity o <= m -> 2 <= m -> op_sbound P p o <= prim_size P p m + op_extra P p.
Proof.
  intros Ho H2. unfold op_extra. pose proof (prim_size_mono P p 2 m H2).
  pose proof (prim_size_mono P p 1 m ltac:(lia)).
  destruct o as [| | |k|k| |]; simpl in *; try lia;
    pose proof (prim_size_mono P p k m Ho); lia.
Qed.

Lemma list_sum_le_max_mul (f : nat -> nat) k M :
  (forall i, i < k -> f i <= M) -> list_sum (map f (seq 0 k)) <= k * M.
Proof.
  intros H. rewrite <- list_sum_const. apply list_sum_map_le. intros i Hi.
  apply in_seq in Hi. apply H. lia.
Qed.

Lemma in_seq_le_list_max (f : nat -> nat) k i : i < k -> f i <= list_max (map f (seq 0 k)).
Proof. intros Hi. apply in_le_list_max, in_map, in_seq. lia. Qed.

(** Every operation circuit is bounded by the size polynomial at the largest
    arity; padding by 2 × depth × width. *)
Theorem csize_bound_le P p e m :
  maxar e <= m -> 2 <= m ->
  csize_bound P p e
  <= ops e * (prim_size P p m + op_extra P p) + 2 * wdepth (op_dbound P) e * (pads e * fw p).
Proof.
  induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; intros Hm H2; simpl in *.
  - lia.
  - pose proof (op_sbound_le P p o m Hm H2). lia.
  - specialize (IHa ltac:(lia) H2). specialize (IHb ltac:(lia) H2).
    set (wa := wdepth _ a) in *. set (wb := wdepth _ b) in *. set (f := fw p) in *.
    assert (wa * (pads a * f) <= (wa + wb) * ((pads a + pads b) * f))
      by (apply Nat.mul_le_mono; nia).
    assert (wb * (pads b * f) <= (wa + wb) * ((pads a + pads b) * f))
      by (apply Nat.mul_le_mono; nia).
    nia.
  - specialize (IHa ltac:(lia) H2). specialize (IHb ltac:(lia) H2).
    set (wa := wdepth _ a) in *. set (wb := wdepth _ b) in *. set (f := fw p) in *.
    set (q := pads a + pads b + arity_out a + arity_out b).
    assert (wa * (pads a * f) <= Nat.max wa wb * (pads a * f)) by (apply Nat.mul_le_mono; lia).
    assert (wb * (pads b * f) <= Nat.max wa wb * (pads b * f)) by (apply Nat.mul_le_mono; lia).
    subst q. nia.
  - set (D := list_max (map (fun i => wdepth (op_dbound P) (body i)) (seq 0 k))).
    assert (HD : forall i, i < k -> wdepth (op_dbound P) (body i) <= D)
      by (intros; apply (in_seq_le_list_max (fun i => wdepth _ (body i))); auto).
    assert (HM : forall i, i < k -> maxar (body i) <= m).
    { intros i Hi. pose proof (in_seq_le_list_max (fun i => maxar (body i)) k i Hi). lia. }
    assert (Hsum : list_sum (map (fun i => csize_bound P p (body i)) (seq 0 k))
      <= list_sum (map (fun i => ops (body i) * (prim_size P p m + op_extra P p)
                                 + 2 * D * (pads (body i) * fw p))
                       (seq 0 k))).
    { apply list_sum_map_le. intros i Hi. apply in_seq in Hi.
      specialize (IH i (HM i ltac:(lia)) H2). specialize (HD i ltac:(lia)).
      assert (2 * wdepth (op_dbound P) (body i) * (pads (body i) * fw p)
              <= 2 * D * (pads (body i) * fw p)) by (apply Nat.mul_le_mono_r; lia).
      lia. }
    rewrite list_sum_map_add, list_sum_map_mul, list_sum_map_mul_l, list_sum_map_mul in Hsum.
    nia.
Qed.

(** ** Work by primitive kind

    The paper's runtime counts scalar operations of every kind alike; the
    numpy model counts them per kind.  A cost model [cm : kind -> nat] gives
    each kind a price; [op_cost cm o] is the price of one node (an n-ary sum
    of [m] terms is [m − 1] additions, an n-ary product [m − 1]
    multiplications), and [wwork wt e] sums any node weight [wt] over the
    program, like [work] does for [op_work].  Then
    - [work_wwork]: [work = wwork (op_cost unit_cost)] (every kind costs 1);
    - [work_by_kind k]: the number of scalar operations of kind [k];
    - [work_by_kind_sum]: [work] is the sum of the six kinds. *)

Inductive kind := KAdd (** + and − *) | KMul | KDiv | KCmp (** comparison, max *) | KExp | KSqrt.

Definition kinds : list kind := [KAdd; KMul; KDiv; KCmp; KExp; KSqrt].

Definition kind_eqb (k k' : kind) : bool :=
  match k, k' with
  | KAdd, KAdd | KMul, KMul | KDiv, KDiv | KCmp, KCmp | KExp, KExp | KSqrt, KSqrt => true
  | _, _ => false
  end.

Definition op_cost (cm : kind -> nat) (o : op) : nat :=
  match o with
  | OBin BAdd | OBin BSub => cm KAdd
  | OBin BMul => cm KMul
  | OBin BDiv => cm KDiv
  | OLt | OMax => cm KCmp
  | OSum m => (m - 1) * cm KAdd
  | OProd m => (m - 1) * cm KMul
  | OExp => cm KExp
  | OSqrt => cm KSqrt
  end.

Definition unit_cost : kind -> nat := fun _ => 1.

(** Price 1 for kind [k], 0 for the others. *)
Definition kind_cost (k : kind) : kind -> nat := fun (k' : kind) => if kind_eqb k k' then 1 else 0.

Fixpoint wwork (wt : op -> nat) e : nat :=
  match e with
  | PWire _ => 0
  | POp o => wt o
  | PSeq a b | PPar a b => wwork wt a + wwork wt b
  | PFor k body => list_sum (map (fun i => wwork wt (body i)) (seq 0 k))
  end.

Definition work_by_kind (k : kind) e : nat := wwork (op_cost (kind_cost k)) e.

Lemma wwork_ext (wt1 wt2 : op -> nat) e :
  (forall o, wt1 o = wt2 o) -> wwork wt1 e = wwork wt2 e.
Proof.
  intros H. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; cbn [wwork]; auto.
  f_equal. apply map_ext. auto.
Qed.

Lemma wwork_work e : wwork op_work e = work e.
Proof.
  induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; cbn [wwork work]; auto.
  f_equal. apply map_ext. auto.
Qed.

Lemma op_cost_unit o : op_cost unit_cost o = op_work o.
Proof. destruct o as [[]| | | | | |]; unfold op_cost, op_work, unit_cost; lia. Qed.

Theorem work_wwork e : work e = wwork (op_cost unit_cost) e.
Proof. rewrite <- wwork_work. apply wwork_ext. intros o. symmetry. apply op_cost_unit. Qed.

(** [wwork] adds over the weights. *)
Lemma wwork_add (wt1 wt2 : op -> nat) e :
  wwork (fun o => wt1 o + wt2 o) e = wwork wt1 e + wwork wt2 e.
Proof.
  induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; cbn [wwork]; auto; try lia.
  rewrite <- list_sum_map_add. f_equal. apply map_ext. auto.
Qed.



Lemma op_cost_kinds o :
  op_work o = list_sum (map (fun (k : kind) => op_cost (kind_cost k) o) kinds).
Proof. destruct o as [[]| | | | | |]; simpl; unfold kind_cost; simpl; lia. Qed.

Theorem work_by_kind_sum e : work e = list_sum (map (fun (k : kind) => work_by_kind k e) kinds).
Proof.
  rewrite <- wwork_work. unfold work_by_kind.
  rewrite (wwork_ext _ (fun o => op_cost (kind_cost KAdd) o + (op_cost (kind_cost KMul) o
            + (op_cost (kind_cost KDiv) o + (op_cost (kind_cost KCmp) o
            + (op_cost (kind_cost KExp) o + (op_cost (kind_cost KSqrt) o + 0))))))).
  - rewrite !wwork_add. cbn [kinds map list_sum fold_right].
    replace (wwork (fun _ => 0) e) with 0; [lia|].
    clear. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; cbn [wwork]; auto; try lia.
    rewrite (map_ext _ (fun _ => 0)) by auto. rewrite list_sum_const. lia.
  - intros o. rewrite op_cost_kinds. reflexivity.
Qed.
