(** * Every Boolean function has a depth-2 threshold circuit (truth table / DNF)

    For an input width [w], an output width [ow] and ANY function
    [f : list bool -> list bool], [dnf w ow f] is the textbook disjunctive
    normal form:
    - layer 1: one AND gate ("minterm") per assignment [a] of the [w] input
      bits ([assignments w], all [2^w] of them), firing iff the input is [a];
      the literal of bit [i] is negated iff [a_i = false];
    - layer 2: for each output bit [j < ow], an OR gate over the minterms of
      the assignments [a] with [f a]'s bit [j] set;
    - outputs: the [ow] gates of layer 2.

    Results: [dnf_eval] (on every input of length [w] it outputs the first
    [ow] bits of [f v], i.e. exactly [f v] when [length (f v) = ow]),
    [dnf_wf], [width_out_dnf], [depth_dnf] (= 2) and [gates_dnf] (the number
    of gates, [2^w + ow]: exponential, which is why this construction shows
    only that the eval/wf/depth requirements of the trust record are
    consistent, never its polynomial size bounds).  Built with AND = [Thr ins (length ins)] and
    OR = [Thr ins 1] of [Circuits/Bits.v]. *)
From Coq Require Import List Arith Lia Bool.
From FlowARProofs.Circuits Require Import Circuit Bits.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (v a : list bool) (w ow : nat) (f : list bool -> list bool).

(** ** All assignments of [w] bits *)

Fixpoint assignments w : list (list bool) :=
  match w with
  | O => [[]]
  | S w' => map (cons false) (assignments w') ++ map (cons true) (assignments w')
  end.

Lemma assignments_length w : length (assignments w) = 2 ^ w.
Proof.
  induction w as [|w IH]; [reflexivity|]. simpl.
  rewrite app_length, !map_length, IH. lia.
Qed.

Lemma assignments_complete v : In v (assignments (length v)).
Proof.
  induction v as [|b v IH]; [now left|]. simpl. apply in_or_app.
  destruct b; [right | left]; now apply in_map.
Qed.

Lemma assignments_width w a : In a (assignments w) -> length a = w.
Proof.
  revert a; induction w as [|w IH]; intros a Ha; simpl in Ha.
  - destruct Ha as [<- | []]. reflexivity.
  - apply in_app_or in Ha as [Ha | Ha]; apply in_map_iff in Ha as (a' & <- & Ha');
      simpl; f_equal; now apply IH.
Qed.

(** Boolean equality of bit lists. *)
Definition bl_eqb a v : bool := if list_eq_dec bool_dec a v then true else false.

Lemma bl_eqb_spec a v : bl_eqb a v = true <-> a = v.
Proof. unfold bl_eqb. destruct (list_eq_dec bool_dec a v); split; congruence. Qed.

(** Only the matching minterm contributes to an OR over assignments. *)
Lemma existsb_eqb_and (g : list bool -> bool) v (L : list (list bool)) :
  existsb (fun a => g a && bl_eqb a v) L = g v && existsb (fun a => bl_eqb a v) L.
Proof.
  induction L as [|a L IH]; simpl; [now rewrite andb_false_r|]. rewrite IH.
  destruct (bl_eqb a v) eqn:E.
  - apply bl_eqb_spec in E; subst a. now destruct (g v).
  - now rewrite andb_false_r.
Qed.

Lemma existsb_eqb_in v (L : list (list bool)) : In v L -> existsb (fun a => bl_eqb a v) L = true.
Proof. intros H. apply existsb_exists. exists v. split; [exact H|]. now apply bl_eqb_spec. Qed.

(** ** Layer 1: minterms *)

(** The AND of the literals "bit [i] equals [a_i]". *)
Definition minterm a : gate :=
  and_gate (map (fun i => (negb (nth i a false), i)) (seq 0 (length a))).

Lemma eval_minterm v a : length a = length v -> eval_gate v (minterm a) = bl_eqb a v.
Proof.
  intros Hl. unfold minterm. rewrite eval_and_gate, forallb_map'.
  apply eq_true_iff_eq. rewrite forallb_forall, bl_eqb_spec. split.
  - intros H. apply nth_ext with false false; [exact Hl|]. intros i Hi.
    specialize (H i (proj2 (in_seq _ _ _) (conj (Nat.le_0_l i) Hi))).
    unfold lit in H. simpl in H.
    destruct (nth i a false), (nth i v false); simpl in H; congruence.
  - intros <- i _. unfold lit. simpl. now destruct (nth i a false).
Qed.

Definition minterms w : layer := map minterm (assignments w).

(** ** Layer 2: one OR gate per output bit *)

Definition out_gate w f (j : nat) : gate :=
  or_gate (map (fun k => (false, k))
    (filter (fun k => nth j (f (nth k (assignments w) [])) false)
       (seq 0 (length (assignments w))))).

Definition dnf w ow f : circuit :=
  Circ [minterms w; map (out_gate w f) (seq 0 ow)] (map W (seq 0 ow)).

(** ** Correctness *)

Lemma map_nth_seq_all {A} (L : list A) d : map (fun k => nth k L d) (seq 0 (length L)) = L.
Proof.
  apply nth_ext with d d; [now rewrite map_length, seq_length|].
  intros k Hk. rewrite map_length, seq_length in Hk.
  now rewrite nth_map_seq0 by exact Hk.
Qed.

Lemma existsb_filter_map_lit u (g : nat -> bool) (ks : list nat) :
  existsb (lit u) (map (fun k => (false, k)) (filter g ks))
  = existsb (fun k => g k && nth k u false) ks.
Proof.
  induction ks as [|k ks IH]; [reflexivity|]. simpl.
  destruct (g k); simpl; rewrite ?IH, ?lit_false; reflexivity.
Qed.

Lemma eval_out_gate w f v j :
  length v = w ->
  eval_gate (eval_layer v (minterms w)) (out_gate w f j) = nth j (f v) false.
Proof.
  intros Hv. unfold out_gate. rewrite eval_or_gate, existsb_filter_map_lit.
  set (A := assignments w).
  transitivity (existsb (fun a => nth j (f a) false && bl_eqb a v) A).
  - rewrite <- (map_nth_seq_all A []) at 2. rewrite existsb_map'.
    apply existsb_ext_in. intros k Hk. apply in_seq in Hk. f_equal.
    unfold eval_layer, minterms. fold A.
    rewrite nth_indep with (d' := eval_gate v (minterm [])) by (rewrite !map_length; lia).
    rewrite map_nth with (d := minterm []), map_nth. apply eval_minterm.
    rewrite (assignments_width w); [now symmetry|]. apply nth_In. unfold A in *. lia.
  - rewrite existsb_eqb_and, existsb_eqb_in; [apply andb_true_r|].
    unfold A. rewrite <- Hv. apply assignments_complete.
Qed.

Theorem dnf_eval w ow f v :
  length v = w -> eval (dnf w ow f) v = map (fun j => nth j (f v) false) (seq 0 ow).
Proof.
  intros Hv. unfold dnf. rewrite eval_Circ_W. cbn [run].
  apply map_ext_in. intros j Hj. apply in_seq in Hj.
  rewrite nth_layer_seq by lia. now apply eval_out_gate.
Qed.

(** When [f] has output width [ow], the circuit computes [f]. *)
Corollary dnf_eval_exact w ow f v :
  length v = w -> length (f v) = ow -> eval (dnf w ow f) v = f v.
Proof.
  intros Hv Hf. rewrite dnf_eval by exact Hv. subst ow. apply map_nth_seq_all.
Qed.

(** ** Shape *)

Lemma width_out_dnf w ow f : width_out (dnf w ow f) = ow.
Proof. unfold width_out, dnf. simpl. now rewrite map_length, seq_length. Qed.

Lemma depth_dnf w ow f : depth (dnf w ow f) = 2.
Proof. reflexivity. Qed.

(** The number of gates (written out rather than through [size], whose
    definition may count wires as well): exponential in [w]. *)
Lemma gates_dnf w ow f : list_sum (map (@length gate) (c_layers (dnf w ow f))) = 2 ^ w + ow.
Proof.
  unfold dnf, minterms. simpl.
  rewrite !map_length, seq_length, assignments_length. lia.
Qed.

Lemma dnf_wf w ow f : wf w (dnf w ow f).
Proof.
  unfold wf, dnf. simpl. split; [split; [|split; [|exact I]]|].
  - apply Forall_forall. intros g Hg. unfold minterms in Hg.
    apply in_map_iff in Hg as (a & <- & Ha). unfold gate_wf, minterm, and_gate. simpl.
    apply Forall_forall. intros x Hx. apply in_map_iff in Hx as (i & <- & Hi).
    apply in_seq in Hi. simpl. rewrite <- (assignments_width w a Ha). lia.
  - apply Forall_forall. intros g Hg. apply in_map_iff in Hg as (j & <- & _).
    unfold gate_wf, out_gate, or_gate. simpl.
    apply Forall_forall. intros x Hx. apply in_map_iff in Hx as (k & <- & Hk).
    apply filter_In in Hk as [Hk _]. apply in_seq in Hk.
    unfold minterms. simpl. rewrite map_length. lia.
  - apply Forall_forall. intros s Hs. apply in_map_iff in Hs as (j & <- & Hj).
    apply in_seq in Hj. simpl. rewrite map_length, seq_length. lia.
Qed.

(** ** Example: 2-bit addition modulo 4 (inputs [x0 x1 y0 y1], little-endian) *)

Definition add2 (bs : list bool) : list bool :=
  let n := (Nat.b2n (nth 0 bs false) + 2 * Nat.b2n (nth 1 bs false)
            + Nat.b2n (nth 2 bs false) + 2 * Nat.b2n (nth 3 bs false)) mod 4 in
  [Nat.testbit n 0; Nat.testbit n 1].

Example ex_dnf_add2 :
  eval (dnf 4 2 add2) [true; true; true; false] = [false; false]   (* 3 + 1 = 0 mod 4 *)
  /\ eval (dnf 4 2 add2) [false; true; true; false] = [true; true]  (* 2 + 1 = 3 *)
  /\ wf 4 (dnf 4 2 add2) /\ depth (dnf 4 2 add2) = 2.
Proof. split; [vm_compute; reflexivity|]. split; [vm_compute; reflexivity|]. split; [apply dnf_wf | reflexivity]. Qed.
