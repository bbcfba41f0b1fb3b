(** * Layered threshold circuits

    A circuit is a list of layers; every gate of layer [i] reads wires of layer
    [i-1] only (layer [-1] being the input vector).  A gate [Thr ins t] outputs
    [true] iff at least [t] of its literals are true, a literal being a wire,
    possibly negated.  AND, OR, NOT, MAJORITY and the identity are instances.
    A literal may be repeated, which acts as an integer weight; [size] counts
    every literal occurrence, so a circuit of polynomial size has polynomially
    bounded weights: these are exactly the unbounded fan-in threshold gates of
    TC0 (a single gate with exponentially many repeated literals is not of
    polynomial size: [wide_gate_not_InTC0] in Circuits/WideGate.v).

    The outputs of a circuit are a list of [src]: a wire of the last layer
    (or of the input, if there is no layer) or a constant.  Allowing constants
    and arbitrary wiring in the output list makes rewiring free (depth 0), as
    it is in the usual DAG model of circuits.

    - [eval c v] : the output bits on input [v];
    - [depth c]  : the number of layers (= longest input-output path);
    - [size c]   : gates plus wires (literal occurrences, i.e. total
                   fan-in): [Σ_gates (1 + length (g_ins g))], the textbook
                   size of an unbounded fan-in circuit;
    - [gates c]  : the number of gates alone — not what TC0 bounds; used for
                   exact gate counts ([gates_X] in Bits.v) and to state what
                   a gates-only measure would accept ([wide_gate_gates_only]);
    - [wf n c]   : every wire a gate or output reads exists, for [n] inputs.

    Out-of-range reads evaluate to [false] ([nth _ _ false]), so [eval] is total;
    [wf] is what the composition lemmas need. *)
From Coq Require Import List Arith Lia Bool.
Import ListNotations.
Set Default Goal Selector "!".

(** ** Syntax *)

Inductive src := W (j : nat) | K (b : bool).

Record gate := Thr { g_ins : list (bool * nat); g_thr : nat }.

Definition layer := list gate.

Record circuit := Circ { c_layers : list layer; c_outs : list src }.

Implicit Types (v : list bool) (g : gate) (l : layer) (ls : list layer) (c : circuit)
  (s : src) (n o : nat).

(** ** Semantics *)

Definition lit v (x : bool * nat) : bool := xorb (fst x) (nth (snd x) v false).

Definition count (bs : list bool) : nat := length (filter id bs).

Definition eval_gate v g : bool := g_thr g <=? count (map (lit v) (g_ins g)).

Definition eval_layer v l : list bool := map (eval_gate v) l.

Fixpoint run ls v : list bool :=
  match ls with
  | [] => v
  | l :: ls' => run ls' (eval_layer v l)
  end.

Definition src_val v s : bool := match s with W j => nth j v false | K b => b end.

Definition eval c v : list bool := map (src_val (run (c_layers c) v)) (c_outs c).

(** ** Measures *)

Definition depth c : nat := length (c_layers c).

(** A gate costs itself plus one per literal occurrence (its fan-in). *)
Definition gate_size g : nat := 1 + length (g_ins g).

Definition layer_size l : nat := list_sum (map gate_size l).

Definition size c : nat := list_sum (map layer_size (c_layers c)).

Definition gates c : nat := list_sum (map (@length gate) (c_layers c)).

Definition width_out c : nat := length (c_outs c).

(** ** Well-formedness: every read wire exists *)

Definition gate_wf n g : Prop := Forall (fun x => snd x < n) (g_ins g).

Definition src_wf n s : Prop := match s with W j => j < n | K _ => True end.

Fixpoint layers_wf n ls : Prop :=
  match ls with
  | [] => True
  | l :: ls' => Forall (gate_wf n) l /\ layers_wf (length l) ls'
  end.

(** Width of the last layer (or [n] if there is none). *)
Fixpoint last_width n ls : nat :=
  match ls with
  | [] => n
  | l :: ls' => last_width (length l) ls'
  end.

Definition wf n c : Prop :=
  layers_wf n (c_layers c) /\ Forall (src_wf (last_width n (c_layers c))) (c_outs c).

(** ** Basic facts *)

Lemma count_app bs1 bs2 : count (bs1 ++ bs2) = count bs1 + count bs2.
Proof. unfold count. rewrite filter_app, app_length. reflexivity. Qed.

Lemma count_cons b bs : count (b :: bs) = (if b then 1 else 0) + count bs.
Proof. unfold count. destruct b; reflexivity. Qed.

Lemma eval_layer_length v l : length (eval_layer v l) = length l.
Proof. apply map_length. Qed.

Lemma eval_layer_app v l1 l2 : eval_layer v (l1 ++ l2) = eval_layer v l1 ++ eval_layer v l2.
Proof. apply map_app. Qed.

Lemma run_app ls1 ls2 v : run (ls1 ++ ls2) v = run ls2 (run ls1 v).
Proof. revert v. induction ls1 as [|l ls1 IH]; intros v; simpl; auto. Qed.

Lemma run_length n ls v : length v = n -> length (run ls v) = last_width n ls.
Proof.
  revert n v. induction ls as [|l ls IH]; intros n v Hv; simpl; auto.
  apply IH. apply eval_layer_length.
Qed.

Lemma last_width_app n ls1 ls2 :
  last_width n (ls1 ++ ls2) = last_width (last_width n ls1) ls2.
Proof. revert n. induction ls1; intros n; simpl; auto. Qed.

Lemma layers_wf_app n ls1 ls2 :
  layers_wf n (ls1 ++ ls2) <-> layers_wf n ls1 /\ layers_wf (last_width n ls1) ls2.
Proof.
  revert n. induction ls1 as [|l ls1 IH]; intros n; simpl; [tauto|].
  rewrite IH. tauto.
Qed.

Lemma eval_length c v : length (eval c v) = width_out c.
Proof. apply map_length. Qed.

Lemma size_cons l ls outs : size (Circ (l :: ls) outs) = layer_size l + size (Circ ls outs).
Proof. reflexivity. Qed.

Lemma size_app ls1 ls2 outs1 outs2 outs :
  size (Circ (ls1 ++ ls2) outs) = size (Circ ls1 outs1) + size (Circ ls2 outs2).
Proof. unfold size. simpl. rewrite map_app, list_sum_app. reflexivity. Qed.

Lemma layer_size_app l1 l2 : layer_size (l1 ++ l2) = layer_size l1 + layer_size l2.
Proof. unfold layer_size. rewrite map_app, list_sum_app. reflexivity. Qed.

Lemma layer_size_map {A} (G : A -> gate) (xs : list A) :
  layer_size (map G xs) = list_sum (map (fun x => gate_size (G x)) xs).
Proof. unfold layer_size. rewrite map_map. reflexivity. Qed.

(** Layers whose gates all cost [b] (exactly, or at most). *)
Lemma list_sum_map_const_eq {A} (f : A -> nat) b (xs : list A) :
  (forall x, In x xs -> f x = b) -> list_sum (map f xs) = b * length xs.
Proof.
  induction xs as [|x xs IH]; intros H; simpl; [lia|].
  rewrite (H x (or_introl eq_refl)), IH by (intros y Hy; apply H; now right). lia.
Qed.

Lemma list_sum_map_const_le {A} (f : A -> nat) b (xs : list A) :
  (forall x, In x xs -> f x <= b) -> list_sum (map f xs) <= b * length xs.
Proof.
  induction xs as [|x xs IH]; intros H; simpl; [lia|].
  pose proof (H x (or_introl eq_refl)).
  pose proof (IH (fun y Hy => H y (or_intror Hy))). lia.
Qed.

Lemma layer_size_map_eq {A} (G : A -> gate) (xs : list A) b :
  (forall x, In x xs -> gate_size (G x) = b) -> layer_size (map G xs) = b * length xs.
Proof. intros H. rewrite layer_size_map. now apply list_sum_map_const_eq. Qed.

Lemma layer_size_map_le {A} (G : A -> gate) (xs : list A) b :
  (forall x, In x xs -> gate_size (G x) <= b) -> layer_size (map G xs) <= b * length xs.
Proof. intros H. rewrite layer_size_map. now apply list_sum_map_const_le. Qed.

(** If every gate has fan-in below [b], the size is at most [b] times the
    number of gates. *)
Lemma size_le_fanin c b :
  Forall (Forall (fun g => gate_size g <= b)) (c_layers c) -> size c <= b * gates c.
Proof.
  unfold size, gates. induction (c_layers c) as [|l ls IH]; intros H; simpl; [lia|].
  inversion H as [|? ? Hl Hls]; subst.
  assert (layer_size l <= b * length l)
    by (apply list_sum_map_const_le; rewrite Forall_forall in Hl; exact Hl).
  specialize (IH Hls). lia.
Qed.

(** Every gate costs at least one: the gate count is below the size. *)
Lemma length_le_layer_size l : length l <= layer_size l.
Proof.
  induction l as [|g l IH]; [reflexivity|].
  change (S (length l) <= gate_size g + layer_size l). unfold gate_size. lia.
Qed.

Lemma gates_le_size c : gates c <= size c.
Proof.
  unfold gates, size. induction (c_layers c) as [|l ls IH]; simpl; [lia|].
  pose proof (length_le_layer_size l). lia.
Qed.

(** Reading a wire through [nth] inside a prefix or suffix. *)
Lemma lit_app_l v1 v2 x : snd x < length v1 -> lit (v1 ++ v2) x = lit v1 x.
Proof. intros H. unfold lit. rewrite app_nth1; auto. Qed.

Lemma lit_shift v1 v2 (b : bool) j :
  lit (v1 ++ v2) (b, length v1 + j) = lit v2 (b, j).
Proof. unfold lit. simpl. rewrite app_nth2 by lia. f_equal. f_equal. lia. Qed.
