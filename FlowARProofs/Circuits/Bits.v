(** * Small proven threshold circuits on bits

    Building blocks for the arithmetic circuits, each given as a function of its
    width parameters together with
    - [eval_X]  : it computes its Boolean specification on every input of the
                  right length (the specification is written independently of
                  the circuit: [forallb], [existsb], [count], [Nat.testbit],
                  comparisons of the numbers the bit lists denote);
    - [depth_X] : its exact depth;
    - [gates_X] : its exact number of gates, where it is not obvious;
    - [size_X]  : its size (gates plus wires, [Circuit.size]): exact for the
                  linear-size circuits, an explicit polynomial bound (maximal
                  fan-in times number of gates) for popcount, comparison and
                  addition;
    - [wf_X]    : it is well formed for its input width.

    Circuits:
    - [wire_c m] (depth 0) and [id_c m] (depth 1): identity on [m] wires;
      [const_c bs]: constant outputs;
    - [and_c m], [or_c m], [not_c], [bnot m], [maj m], [atleast m t];
    - [popcount m]: the number of true inputs in binary, depth 2;
    - [mux w]: [s :: x ++ y ↦ if s then x else y], depth 2;
    - [ltu k], [lts k], [equ k]: unsigned / two's-complement comparison and
      equality of two [k]-bit numbers (little-endian), depth 3 / 3 / 2;
    - [add_c k], [addmod_c k]: carry-lookahead addition, depth 4.

    Numbers are read little-endian by [bits_to_nat]; [bits_to_Zs] is the
    two's-complement reading.  General tools (evaluation of a layer built by
    [map] over [seq], AND/OR gates, the carry chain [carry_chain]) come first. *)
From Coq Require Import List Arith Lia Bool ZArith.
From FlowARProofs.Circuits Require Import Circuit Compose.
Import ListNotations.
Set Default Goal Selector "!".

#[local] Arguments count : simpl never.

Implicit Types (v u : list bool) (l : layer) (c : circuit) (m k w t n : nat).

(** ** List and Boolean helpers *)

Lemma forallb_ext_in {A} (f g : A -> bool) (xs : list A) :
  (forall x, In x xs -> f x = g x) -> forallb f xs = forallb g xs.
Proof.
  induction xs as [|x xs IH]; intros H; simpl; auto.
  rewrite (H x (or_introl eq_refl)), IH; auto. intros y Hy. apply H. now right.
Qed.

Lemma existsb_ext_in {A} (f g : A -> bool) (xs : list A) :
  (forall x, In x xs -> f x = g x) -> existsb f xs = existsb g xs.
Proof.
  induction xs as [|x xs IH]; intros H; simpl; auto.
  rewrite (H x (or_introl eq_refl)), IH; auto. intros y Hy. apply H. now right.
Qed.

Lemma forallb_map' {A B} (f : B -> bool) (g : A -> B) xs :
  forallb f (map g xs) = forallb (fun x => f (g x)) xs.
Proof. induction xs; simpl; congruence. Qed.

Lemma existsb_map' {A B} (f : B -> bool) (g : A -> B) xs :
  existsb f (map g xs) = existsb (fun x => f (g x)) xs.
Proof. induction xs; simpl; congruence. Qed.

Lemma forallb_flat_map {A B} (f : B -> bool) (g : A -> list B) xs :
  forallb f (flat_map g xs) = forallb (fun x => forallb f (g x)) xs.
Proof. induction xs; simpl; auto. rewrite forallb_app. congruence. Qed.

Lemma existsb_andb_l {A} b (f : A -> bool) xs :
  existsb (fun x => b && f x) xs = b && existsb f xs.
Proof. induction xs as [|x xs IH]; simpl; [now destruct b|]. rewrite IH. now destruct b. Qed.

Lemma nth_map_seq {A} (f : nat -> A) a n j d :
  j < n -> nth j (map f (seq a n)) d = f (a + j).
Proof.
  intros H. rewrite nth_indep with (d' := f 0) by (rewrite map_length, seq_length; lia).
  rewrite map_nth, seq_nth; auto.
Qed.

Lemma Forall_filter' {A} (P : A -> Prop) (f : A -> bool) xs :
  Forall P xs -> Forall P (filter f xs).
Proof.
  rewrite !Forall_forall. intros H x Hx. apply filter_In in Hx. apply H, Hx.
Qed.

(** ** Counting *)

Lemma count_le bs : count bs <= length bs.
Proof. induction bs as [|b bs IH]; [reflexivity|]. rewrite count_cons. destruct b; simpl; lia. Qed.

Lemma count_all bs : (length bs <=? count bs) = forallb id bs.
Proof.
  induction bs as [|b bs IH]; [reflexivity|]. rewrite count_cons.
  pose proof (count_le bs). destruct b; [exact IH|].
  transitivity false; [apply Nat.leb_gt; simpl; lia|reflexivity].
Qed.

Lemma count_any bs : (1 <=? count bs) = existsb id bs.
Proof.
  induction bs as [|b bs IH]; [reflexivity|]. rewrite count_cons. destruct b; simpl; auto.
Qed.

(** ** AND / OR gates and the wires of a vector *)

Definition and_gate (ins : list (bool * nat)) : gate := Thr ins (length ins).
Definition or_gate (ins : list (bool * nat)) : gate := Thr ins 1.

Lemma eval_and_gate v ins : eval_gate v (and_gate ins) = forallb (lit v) ins.
Proof.
  unfold eval_gate, and_gate. cbn [g_thr g_ins]. rewrite <- (map_length (lit v)), count_all.
  now rewrite forallb_map'.
Qed.

Lemma eval_or_gate v ins : eval_gate v (or_gate ins) = existsb (lit v) ins.
Proof. unfold eval_gate, or_gate. cbn [g_thr g_ins]. rewrite count_any. now rewrite existsb_map'. Qed.

Lemma lit_false v j : lit v (false, j) = nth j v false.
Proof. unfold lit. simpl. now destruct (nth j v false). Qed.

Lemma lit_true v j : lit v (true, j) = negb (nth j v false).
Proof. unfold lit. simpl. now destruct (nth j v false). Qed.

(** The positive literals of wires [0 .. m-1]. *)
Definition wires m : list (bool * nat) := map (fun i => (false, i)) (seq 0 m).

Lemma map_lit_wires v : map (lit v) (wires (length v)) = v.
Proof.
  unfold wires. rewrite map_map. rewrite <- (map_nth_seq_self v) at 2.
  apply map_ext. intros j. apply lit_false.
Qed.

Lemma eval_gate_wires v t : eval_gate v (Thr (wires (length v)) t) = (t <=? count v).
Proof. unfold eval_gate. cbn [g_thr g_ins]. now rewrite map_lit_wires. Qed.

(** ** Evaluating circuits and layers *)

Lemma eval_Circ_W ls (js : list nat) v :
  eval (Circ ls (map W js)) v = map (fun j => nth j (run ls v) false) js.
Proof. unfold eval. simpl. now rewrite map_map. Qed.

Lemma eval_Circ_all ls n v :
  length (run ls v) = n -> eval (Circ ls (map W (seq 0 n))) v = run ls v.
Proof. intros <-. rewrite eval_Circ_W. apply map_nth_seq_self. Qed.

Lemma nth_map_seq0 {A} (f : nat -> A) n j d : j < n -> nth j (map f (seq 0 n)) d = f j.
Proof. apply nth_map_seq. Qed.

Lemma nth_layer_seq v (G : nat -> gate) n j :
  j < n -> nth j (eval_layer v (map G (seq 0 n))) false = eval_gate v (G j).
Proof. intros H. unfold eval_layer. rewrite map_map. now apply (nth_map_seq0 (fun x => eval_gate v (G x))). Qed.

Lemma nth_layer_app_l v (G : nat -> gate) n l j :
  j < n -> nth j (eval_layer v (map G (seq 0 n) ++ l)) false = eval_gate v (G j).
Proof.
  intros H. rewrite eval_layer_app, app_nth1 by (rewrite eval_layer_length, map_length, seq_length; lia).
  now apply nth_layer_seq.
Qed.

Lemma nth_layer_app_r v (G : nat -> gate) n l j :
  nth (n + j) (eval_layer v (map G (seq 0 n) ++ l)) false = nth j (eval_layer v l) false.
Proof.
  rewrite eval_layer_app.
  rewrite <- (seq_length n 0) at 1. rewrite <- (map_length G), <- (eval_layer_length v).
  apply app_nth2_plus.
Qed.

(** A one-layer circuit outputting all its gates. *)
Lemma eval_layer1 v (G : nat -> gate) n :
  eval (Circ [map G (seq 0 n)] (map W (seq 0 n))) v = map (fun j => eval_gate v (G j)) (seq 0 n).
Proof.
  rewrite eval_Circ_W. apply map_ext_in. intros j Hj. apply in_seq in Hj.
  apply nth_layer_seq. lia.
Qed.

Lemma eval_gate1 v g : eval (Circ [[g]] [W 0]) v = [eval_gate v g].
Proof. reflexivity. Qed.

Lemma size_Circ ls outs : size (Circ ls outs) = list_sum (map layer_size ls).
Proof. reflexivity. Qed.

Lemma gate_size_and_gate ins : gate_size (and_gate ins) = S (length ins).
Proof. reflexivity. Qed.

Lemma gate_size_or_gate ins : gate_size (or_gate ins) = S (length ins).
Proof. reflexivity. Qed.

Lemma length_flat_map_const {A B} (f : A -> list B) w (xs : list A) :
  (forall x, length (f x) = w) -> length (flat_map f xs) = w * length xs.
Proof.
  intros H. induction xs as [|x xs IH]; simpl; [lia|]. rewrite app_length, H, IH. lia.
Qed.

Lemma length_filter_le {A} (f : A -> bool) (xs : list A) : length (filter f xs) <= length xs.
Proof. induction xs as [|x xs IH]; simpl; [lia|]. destruct (f x); simpl; lia. Qed.

(** Per-gate fan-in bounds: split [Forall]s over layers built by [map], [seq], [++]
    and compute [gate_size]. *)
Ltac fanin_tac :=
  repeat match goal with
  | |- Forall _ [] => constructor
  | |- Forall _ (_ :: _) => constructor
  | |- Forall _ (_ ++ _) => apply Forall_app; split
  | |- Forall _ (map _ _) => apply Forall_map
  | |- Forall _ (seq _ _) =>
      let j := fresh "j" in let Hj := fresh "Hj" in
      apply Forall_forall; intros j Hj; apply in_seq in Hj
  | |- context [wires _] => unfold wires
  | |- context [gate_size (and_gate _)] => rewrite gate_size_and_gate
  | |- context [gate_size (or_gate _)] => rewrite gate_size_or_gate
  | |- context [gate_size (Thr _ _)] => unfold gate_size; cbn [g_ins]
  | |- context [length (_ ++ _)] => rewrite app_length
  | |- context [length (map _ _)] => rewrite map_length
  | |- context [length (seq _ _)] => rewrite seq_length
  | |- context [length (_ :: _)] => cbn [length]
  | |- _ => progress cbv beta
  end.

(** Proving [wf] goals: split [Forall]s over lists built by [map], [seq], [++]. *)
Ltac wf_tac :=
  repeat match goal with
  | |- wf _ _ => unfold wf; simpl
  | |- _ /\ _ => split
  | |- True => exact I
  | |- Forall _ [] => constructor
  | |- Forall _ (_ :: _) => constructor
  | |- Forall _ (_ ++ _) => apply Forall_app; split
  | |- Forall _ (map _ _) => apply Forall_map
  | |- Forall _ (flat_map _ _) => apply Forall_flat_map
  | |- Forall _ (filter _ _) => apply Forall_filter'
  | |- Forall _ (seq _ _) =>
      let j := fresh "j" in let Hj := fresh "Hj" in
      apply Forall_forall; intros j Hj; apply in_seq in Hj
  | |- gate_wf _ _ => unfold gate_wf; simpl
  | |- context [wires _] => unfold wires
  | |- context [length (_ ++ _)] => rewrite app_length
  | |- context [length (map _ _)] => rewrite map_length
  | |- context [length (seq _ _)] => rewrite seq_length
  | |- src_wf _ _ => simpl
  | |- Forall _ ?l => is_var l; apply Forall_forall; intros
  | |- _ => progress (cbv beta; simpl)
  | |- _ < _ => lia
  end.

(** ** Numbers denoted by bit lists *)

(** Little-endian unsigned value. *)
Fixpoint bits_to_nat (bs : list bool) : nat :=
  match bs with
  | [] => 0
  | b :: bs' => Nat.b2n b + 2 * bits_to_nat bs'
  end.

(** Two's-complement value: the last (most significant) bit weighs [-2^(k-1)]. *)
Definition bits_to_Zs (bs : list bool) : Z :=
  (Z.of_nat (bits_to_nat bs)
   - if nth (length bs - 1) bs false then Z.of_nat (2 ^ length bs) else 0)%Z.

Example bits_to_nat_ex : bits_to_nat [true; false; true; true] = 13.
Proof. vm_compute. reflexivity. Qed.

Example bits_to_Zs_ex : bits_to_Zs [true; true; false; true] = (-5)%Z.
Proof. vm_compute. reflexivity. Qed.

(** The value of the first [k] bits of a bit function. *)
Fixpoint fval (f : nat -> bool) k : nat :=
  match k with
  | 0 => 0
  | S k' => fval f k' + 2 ^ k' * Nat.b2n (f k')
  end.

Lemma fval_ext f g k : (forall j, j < k -> f j = g j) -> fval f k = fval g k.
Proof.
  induction k as [|k IH]; intros H; simpl; auto. rewrite IH, H; auto.
Qed.

Lemma fval_bound f k : fval f k < 2 ^ k.
Proof.
  induction k as [|k IH]; simpl; [lia|]. destruct (f k); simpl; lia.
Qed.

Lemma fval_S_low f k : fval f (S k) = Nat.b2n (f 0) + 2 * fval (fun j => f (S j)) k.
Proof.
  induction k as [|k IH]; [simpl; lia|].
  change (fval f (S (S k))) with (fval f (S k) + 2 ^ S k * Nat.b2n (f (S k))).
  rewrite IH. simpl. ring.
Qed.

Lemma bits_to_nat_val bs : bits_to_nat bs = fval (fun j => nth j bs false) (length bs).
Proof.
  induction bs as [|b bs IH]; [reflexivity|]. simpl length. rewrite fval_S_low. simpl.
  now rewrite IH.
Qed.

Lemma bits_to_nat_map_seq (f : nat -> bool) k : bits_to_nat (map f (seq 0 k)) = fval f k.
Proof.
  rewrite bits_to_nat_val, map_length, seq_length. apply fval_ext. intros j Hj.
  now rewrite nth_map_seq.
Qed.

Lemma bits_to_nat_app bs1 bs2 :
  bits_to_nat (bs1 ++ bs2) = bits_to_nat bs1 + 2 ^ length bs1 * bits_to_nat bs2.
Proof. induction bs1 as [|b bs1 IH]; simpl; [lia|]. rewrite IH. ring. Qed.

Lemma bits_to_nat_bound bs : bits_to_nat bs < 2 ^ length bs.
Proof. rewrite bits_to_nat_val. apply fval_bound. Qed.

(** Reading [a] and [b] out of [a ++ b]. *)
Lemma fval_app_l a b : fval (fun j => nth j (a ++ b) false) (length a) = bits_to_nat a.
Proof.
  rewrite bits_to_nat_val. apply fval_ext. intros j Hj. now rewrite app_nth1.
Qed.

Lemma fval_app_r a b k :
  length a = k -> fval (fun j => nth (k + j) (a ++ b) false) (length b) = bits_to_nat b.
Proof.
  intros <-. rewrite bits_to_nat_val. apply fval_ext. intros j Hj. now rewrite app_nth2_plus.
Qed.

(** Equivalently: values [≥ 2^(k-1)] are shifted down by [2^k] (the form of
    [signed] in Float/Format.v, with [k = p+1]). *)
Lemma bits_to_Zs_alt bs p :
  length bs = S p ->
  bits_to_Zs bs
  = (if Z.of_nat (bits_to_nat bs) <? Z.of_nat (2 ^ p) then Z.of_nat (bits_to_nat bs)
     else Z.of_nat (bits_to_nat bs) - Z.of_nat (2 ^ S p))%Z.
Proof.
  intros H. unfold bits_to_Zs. rewrite H. replace (S p - 1) with p by lia.
  assert (bits_to_nat bs = fval (fun j => nth j bs false) p + 2 ^ p * Nat.b2n (nth p bs false))
    as -> by (now rewrite bits_to_nat_val, H).
  pose proof (fval_bound (fun j => nth j bs false) p). rewrite Nat.pow_succ_r'.
  destruct (nth p bs false); cbn [Nat.b2n];
    match goal with |- context [(?a <? ?b)%Z] => destruct (Z.ltb_spec a b) end; lia.
Qed.

Lemma bits_to_nat_testbit x L : bits_to_nat (map (Nat.testbit x) (seq 0 L)) = x mod 2 ^ L.
Proof.
  revert x. induction L as [|L IH]; intros x; [symmetry; apply Nat.mod_1_r|].
  simpl seq. simpl map. rewrite <- seq_shift, map_map. simpl bits_to_nat.
  change (fun j => Nat.testbit x (S j)) with (Nat.testbit (Nat.div2 x)). rewrite IH.
  pose proof (Nat.div2_odd x) as Hx.
  pose proof (Nat.div_mod (Nat.div2 x) (2 ^ L) (Nat.pow_nonzero 2 L ltac:(lia))).
  pose proof (Nat.mod_upper_bound (Nat.div2 x) (2 ^ L) (Nat.pow_nonzero 2 L ltac:(lia))).
  assert (Nat.b2n (Nat.odd x) <= 1) by (destruct (Nat.odd x); simpl; lia).
  apply (Nat.mod_unique _ _ (Nat.div2 x / 2 ^ L)); simpl; lia.
Qed.

(** Gate counts are sums of lengths of layers built by [map], [seq] and [++]. *)
Ltac gates_tac :=
  unfold gates; cbn [c_layers map list_sum fold_right];
  rewrite ?app_length, ?map_length, ?seq_length; cbn [length]; try lia.

(** Sizes of layers whose gates all have the same fan-in. *)
Ltac size_tac :=
  unfold size; cbn [c_layers map list_sum fold_right];
  rewrite ?layer_size_app;
  repeat (rewrite layer_size_map_eq with (b := 3) by (intros; reflexivity));
  repeat (rewrite layer_size_map_eq with (b := 2) by (intros; reflexivity));
  rewrite ?map_length, ?seq_length; cbn [layer_size map list_sum fold_right length];
  unfold gate_size, and_gate, or_gate; cbn [g_ins length]; rewrite ?app_length, ?map_length, ?seq_length; try lia.

(** ** Identity, wiring and constants *)

(** Depth 0: the outputs are the input wires. *)
Definition wire_c m : circuit := Circ [] (map W (seq 0 m)).

(** Depth 1: one identity gate per wire (useful as padding). *)
Definition id_c m : circuit := Circ [map (fun j => or_gate [(false, j)]) (seq 0 m)] (map W (seq 0 m)).

(** Depth 0, no gate: constant outputs. *)
Definition const_c (bs : list bool) : circuit := Circ [] (map K bs).

Lemma eval_wire_c m v : length v = m -> eval (wire_c m) v = v.
Proof. intros Hv. now apply eval_Circ_all. Qed.

Lemma width_out_wire_c m : width_out (wire_c m) = m.
Proof. unfold width_out. simpl. now rewrite map_length, seq_length. Qed.

Lemma depth_wire_c m : depth (wire_c m) = 0.
Proof. reflexivity. Qed.

Lemma size_wire_c m : size (wire_c m) = 0.
Proof. reflexivity. Qed.

Lemma wf_wire_c m : wf m (wire_c m).
Proof. unfold wire_c. wf_tac. Qed.

Lemma eval_id_c m v : length v = m -> eval (id_c m) v = v.
Proof.
  intros <-. unfold id_c. rewrite eval_layer1. rewrite <- (map_nth_seq_self v) at 2.
  apply map_ext. intros j. rewrite eval_or_gate. simpl. now rewrite lit_false, orb_false_r.
Qed.

Lemma width_out_id_c m : width_out (id_c m) = m.
Proof. unfold width_out. simpl. now rewrite map_length, seq_length. Qed.

Lemma depth_id_c m : depth (id_c m) = 1.
Proof. reflexivity. Qed.

Lemma size_id_c m : size (id_c m) = 2 * m.
Proof. unfold id_c. size_tac. Qed.

Lemma wf_id_c m : wf m (id_c m).
Proof. unfold id_c, or_gate. wf_tac. Qed.

Lemma eval_const_c bs v : eval (const_c bs) v = bs.
Proof. unfold eval, const_c. simpl. rewrite map_map. apply map_id. Qed.

Lemma width_out_const_c bs : width_out (const_c bs) = length bs.
Proof. unfold width_out. simpl. now rewrite map_length. Qed.

Lemma depth_const_c bs : depth (const_c bs) = 0.
Proof. reflexivity. Qed.

Lemma size_const_c bs : size (const_c bs) = 0.
Proof. reflexivity. Qed.

Lemma wf_const_c n bs : wf n (const_c bs).
Proof. unfold const_c. wf_tac. Qed.

(** ** Threshold, AND, OR, MAJORITY, NOT *)

(** [atleast m t]: at least [t] of the [m] inputs are true (one gate). *)
Definition atleast m t : circuit := Circ [[Thr (wires m) t]] [W 0].

Definition and_c m : circuit := atleast m m.
Definition or_c m : circuit := atleast m 1.
(** Strict majority: more than half of the inputs are true. *)
Definition maj m : circuit := atleast m (m / 2 + 1).

Lemma eval_atleast m t v : length v = m -> eval (atleast m t) v = [t <=? count v].
Proof. intros <-. unfold atleast. now rewrite eval_gate1, eval_gate_wires. Qed.

Lemma width_out_atleast m t : width_out (atleast m t) = 1.
Proof. reflexivity. Qed.

Lemma depth_atleast m t : depth (atleast m t) = 1.
Proof. reflexivity. Qed.

Lemma size_atleast m t : size (atleast m t) = S m.
Proof. unfold atleast, wires. size_tac. Qed.

Lemma wf_atleast m t : wf m (atleast m t).
Proof. unfold atleast. wf_tac. Qed.

Lemma eval_and_c m v : length v = m -> eval (and_c m) v = [forallb id v].
Proof. intros Hv. unfold and_c. rewrite eval_atleast by auto. subst m. now rewrite count_all. Qed.

Lemma eval_or_c m v : length v = m -> eval (or_c m) v = [existsb id v].
Proof. intros Hv. unfold or_c. rewrite eval_atleast by auto. now rewrite count_any. Qed.

Lemma eval_maj m v : length v = m -> eval (maj m) v = [m <? 2 * count v].
Proof.
  intros Hv. unfold maj. rewrite eval_atleast by auto. f_equal.
  pose proof (Nat.div_mod m 2 ltac:(lia)). pose proof (Nat.mod_upper_bound m 2 ltac:(lia)).
  destruct (Nat.leb_spec (m / 2 + 1) (count v)), (Nat.ltb_spec m (2 * count v)); auto; lia.
Qed.

Lemma depth_and_c m : depth (and_c m) = 1.
Proof. reflexivity. Qed.
Lemma depth_or_c m : depth (or_c m) = 1.
Proof. reflexivity. Qed.
Lemma depth_maj m : depth (maj m) = 1.
Proof. reflexivity. Qed.
Lemma size_and_c m : size (and_c m) = S m.
Proof. apply size_atleast. Qed.
Lemma size_or_c m : size (or_c m) = S m.
Proof. apply size_atleast. Qed.
Lemma size_maj m : size (maj m) = S m.
Proof. apply size_atleast. Qed.
Lemma wf_and_c m : wf m (and_c m).
Proof. apply wf_atleast. Qed.
Lemma wf_or_c m : wf m (or_c m).
Proof. apply wf_atleast. Qed.
Lemma wf_maj m : wf m (maj m).
Proof. apply wf_atleast. Qed.

Example eval_maj_ex : eval (maj 5) [true; false; true; false; true] = [true].
Proof. vm_compute. reflexivity. Qed.

Definition not_c : circuit := Circ [[or_gate [(true, 0)]]] [W 0].

(** Bitwise negation of [m] wires. *)
Definition bnot m : circuit :=
  Circ [map (fun j => or_gate [(true, j)]) (seq 0 m)] (map W (seq 0 m)).

Lemma eval_not_c b : eval not_c [b] = [negb b].
Proof. now destruct b. Qed.

Lemma depth_not_c : depth not_c = 1.
Proof. reflexivity. Qed.

Lemma size_not_c : size not_c = 2.
Proof. reflexivity. Qed.

Lemma wf_not_c : wf 1 not_c.
Proof. unfold not_c, or_gate. wf_tac. Qed.

Lemma eval_bnot m v : length v = m -> eval (bnot m) v = map negb v.
Proof.
  intros <-. unfold bnot. rewrite eval_layer1. rewrite <- (map_nth_seq_self v) at 2.
  rewrite map_map. apply map_ext. intros j. rewrite eval_or_gate. simpl.
  now rewrite lit_true, orb_false_r.
Qed.

Lemma width_out_bnot m : width_out (bnot m) = m.
Proof. unfold width_out. simpl. now rewrite map_length, seq_length. Qed.

Lemma depth_bnot m : depth (bnot m) = 1.
Proof. reflexivity. Qed.

Lemma size_bnot m : size (bnot m) = 2 * m.
Proof. unfold bnot. size_tac. Qed.

Lemma wf_bnot m : wf m (bnot m).
Proof. unfold bnot, or_gate. wf_tac. Qed.

(** ** Bit counting in binary, depth 2

    Layer 1: [T_(j+1) = [count ≥ j+1]] for [j = 0 .. m] (the last one, [T_(m+1)], is
    always false; it keeps every literal in range).  Layer 2: output bit [i] reads
    [T_k] and [¬T_(k+1)] for every [k ∈ 1..m] with bit [i] of [k] set.  As [T] is
    monotone, [T_k + ¬T_(k+1) = 1 + [count = k]], so the gate with threshold
    (number of such [k]) + 1 fires iff [count] is one of these [k]. *)

Definition pc_width m : nat := S (Nat.log2 m).

(** The [j] (standing for [k = j+1]) whose bit [i] is set. *)
Definition pc_set m i : list nat := filter (fun j => Nat.testbit (S j) i) (seq 0 m).

Definition pc_pairs (js : list nat) : list (bool * nat) :=
  flat_map (fun j => [(false, j); (true, S j)]) js.

Definition popcount m : circuit :=
  Circ [map (fun j => Thr (wires m) (S j)) (seq 0 (S m));
        map (fun i => Thr (pc_pairs (pc_set m i)) (S (length (pc_set m i)))) (seq 0 (pc_width m))]
       (map W (seq 0 (pc_width m))).

Lemma count_pc_pairs u x js :
  (forall j, In j js -> nth j u false = (S j <=? x) /\ nth (S j) u false = (S (S j) <=? x)) ->
  count (map (lit u) (pc_pairs js)) = length js + count (map (fun j => S j =? x) js).
Proof.
  induction js as [|j js IH]; intros H; [reflexivity|].
  cbn [pc_pairs flat_map app map length]. fold (pc_pairs js).
  rewrite !count_cons, lit_false, lit_true, IH by (intros; apply H; now right).
  destruct (H j (or_introl eq_refl)) as [-> ->].
  destruct (Nat.leb_spec (S j) x), (Nat.leb_spec (S (S j)) x), (Nat.eqb_spec (S j) x); simpl; lia.
Qed.

Lemma pc_set_spec m i x :
  x <= m -> existsb (fun j => S j =? x) (pc_set m i) = Nat.testbit x i.
Proof.
  intros Hx. apply eq_true_iff_eq. rewrite existsb_exists. split.
  - intros [j [Hj Heq]]. apply filter_In in Hj as [_ Ht]. apply Nat.eqb_eq in Heq. now subst x.
  - intros Ht. destruct x as [|x]; [now rewrite Nat.bits_0 in Ht|].
    exists x. split; [|apply Nat.eqb_refl]. apply filter_In. split; [apply in_seq; lia|exact Ht].
Qed.

Lemma eval_popcount m v :
  length v = m -> eval (popcount m) v = map (Nat.testbit (count v)) (seq 0 (pc_width m)).
Proof.
  intros Hv. unfold popcount. rewrite eval_Circ_W. apply map_ext_in. intros i Hi.
  apply in_seq in Hi. cbn [run]. rewrite nth_layer_seq by lia. unfold eval_gate. cbn [g_thr g_ins].
  rewrite (count_pc_pairs _ (count v)).
  - assert (forall a b, (S a <=? a + b) = (1 <=? b)) as ->.
    { intros a b. destruct (Nat.leb_spec (S a) (a + b)), (Nat.leb_spec 1 b); auto; lia. }
    rewrite count_any, existsb_map'. apply pc_set_spec. pose proof (count_le v). lia.
  - intros j Hj. apply filter_In in Hj as [Hj _]. apply in_seq in Hj.
    rewrite !nth_layer_seq by lia. subst m. now rewrite !eval_gate_wires.
Qed.

Lemma pc_width_bound m : m < 2 ^ pc_width m.
Proof.
  unfold pc_width. destruct m as [|m]; [simpl; lia|]. apply Nat.log2_spec. lia.
Qed.

(** The outputs read as a number are the count. *)
Corollary eval_popcount_value m v : length v = m -> bits_to_nat (eval (popcount m) v) = count v.
Proof.
  intros Hv. rewrite eval_popcount, bits_to_nat_testbit by auto. apply Nat.mod_small.
  pose proof (count_le v). pose proof (pc_width_bound m). lia.
Qed.

Lemma width_out_popcount m : width_out (popcount m) = pc_width m.
Proof. unfold width_out. simpl. now rewrite map_length, seq_length. Qed.

Lemma depth_popcount m : depth (popcount m) = 2.
Proof. reflexivity. Qed.

Lemma gates_popcount m : gates (popcount m) = S m + pc_width m.
Proof. unfold popcount. gates_tac. Qed.

Lemma length_pc_pairs js : length (pc_pairs js) = 2 * length js.
Proof. unfold pc_pairs. now apply length_flat_map_const. Qed.

Lemma size_popcount m : size (popcount m) <= (2 * m + 1) * (S m + pc_width m).
Proof.
  rewrite <- gates_popcount. apply size_le_fanin. unfold popcount. cbn [c_layers].
  fanin_tac; try lia.
  rewrite length_pc_pairs. unfold pc_set.
  match goal with |- context [filter ?f (seq 0 m)] => pose proof (length_filter_le f (seq 0 m)) end.
  rewrite seq_length in *. lia.
Qed.

Lemma wf_popcount m : wf m (popcount m).
Proof. unfold popcount, pc_pairs, pc_set. wf_tac. Qed.

Example eval_popcount_ex : eval (popcount 5) [true; false; true; true; false] = [true; true; false].
Proof. vm_compute. reflexivity. Qed.

Example eval_popcount_ex2 : eval (popcount 6) [true; true; true; true; false; true] = [true; false; true].
Proof. vm_compute. reflexivity. Qed.

(** ** Multiplexer, depth 2

    Input [s :: x ++ y] with [|x| = |y| = w]; output [x] if [s], else [y].
    Layer 1: [s ∧ x_j] and [¬s ∧ y_j]; layer 2: their ORs. *)
Definition mux w : circuit :=
  Circ [map (fun j => and_gate [(false, 0); (false, S j)]) (seq 0 w)
        ++ map (fun j => and_gate [(true, 0); (false, S (w + j))]) (seq 0 w);
        map (fun j => or_gate [(false, j); (false, w + j)]) (seq 0 w)]
       (map W (seq 0 w)).

Lemma eval_mux w s x y :
  length x = w -> length y = w -> eval (mux w) (s :: x ++ y) = if s then x else y.
Proof.
  intros Hx Hy. unfold mux. rewrite eval_Circ_W. cbn [run].
  transitivity (map (fun j => if s then nth j x false else nth j y false) (seq 0 w)).
  - apply map_ext_in. intros j Hj. apply in_seq in Hj.
    rewrite nth_layer_seq, eval_or_gate by lia. cbn [existsb]. rewrite !lit_false.
    rewrite nth_layer_app_l, nth_layer_app_r, nth_layer_seq by lia.
    rewrite !eval_and_gate. cbn [forallb]. rewrite !lit_false, lit_true. cbn [nth].
    rewrite app_nth1 by lia. rewrite <- Hx, app_nth2_plus.
    destruct s; simpl; now rewrite ?orb_false_r, ?andb_true_r.
  - destruct s; [rewrite <- Hx | rewrite <- Hy]; apply map_nth_seq_self.
Qed.

Lemma width_out_mux w : width_out (mux w) = w.
Proof. unfold width_out. simpl. now rewrite map_length, seq_length. Qed.

Lemma depth_mux w : depth (mux w) = 2.
Proof. reflexivity. Qed.

Lemma gates_mux w : gates (mux w) = 3 * w.
Proof. unfold mux. gates_tac. Qed.

Lemma size_mux w : size (mux w) = 9 * w.
Proof. unfold mux. size_tac. Qed.

Lemma wf_mux w : wf (S (2 * w)) (mux w).
Proof. unfold mux, and_gate, or_gate. wf_tac. Qed.

Example eval_mux_ex :
  eval (mux 2) [false; true; true; false; true] = [false; true].
Proof. vm_compute. reflexivity. Qed.

(** ** The carry chain

    [carry_chain G P i = ∃ j < i, G j ∧ ∀ l, j < l < i → P l]: "something generated at
    some [j] and propagated up to [i]".  It is both the comparison of two numbers
    from their most significant differing bit and the carry of an addition. *)
Definition carry_chain (G P : nat -> bool) i : bool :=
  existsb (fun j => G j && forallb P (seq (S j) (i - S j))) (seq 0 i).

Lemma carry_chain_0 G P : carry_chain G P 0 = false.
Proof. reflexivity. Qed.

Lemma carry_chain_S G P i : carry_chain G P (S i) = carry_chain G P i && P i || G i.
Proof.
  unfold carry_chain. rewrite seq_S, existsb_app. cbn [existsb].
  rewrite Nat.add_0_l, Nat.sub_diag, andb_true_r, orb_false_r. f_equal.
  rewrite andb_comm, <- existsb_andb_l. apply existsb_ext_in. intros j Hj. apply in_seq in Hj.
  replace (S i - S j) with (S (i - S j)) by lia. rewrite seq_S, forallb_app.
  replace (S j + (i - S j)) with i by lia. cbn [forallb].
  destruct (G j), (P i), (forallb P (seq (S j) (i - S j))); reflexivity.
Qed.

(** Deciding all the comparisons that appear below. *)
Ltac cmp_cases :=
  repeat match goal with
  | |- context [?a <? ?b] => destruct (Nat.ltb_spec a b)
  | |- context [?a =? ?b] => destruct (Nat.eqb_spec a b)
  | |- context [?a <=? ?b] => destruct (Nat.leb_spec a b)
  end; simpl; first [reflexivity | exfalso; lia].

(** [a < b] iff at the highest bit where they differ, [a] has 0 and [b] has 1. *)
Lemma lt_chain f g k :
  carry_chain (fun j => negb (f j) && g j) (fun j => eqb (f j) (g j)) k = (fval f k <? fval g k).
Proof.
  induction k as [|k IH]; [reflexivity|]. rewrite carry_chain_S, IH. simpl fval.
  pose proof (fval_bound f k). pose proof (fval_bound g k).
  destruct (f k), (g k); simpl; rewrite ?andb_true_r, ?andb_false_r, ?orb_false_r; cmp_cases.
Qed.

Lemma eq_forallb f g k :
  forallb (fun j => eqb (f j) (g j)) (seq 0 k) = (fval f k =? fval g k).
Proof.
  induction k as [|k IH]; [reflexivity|]. rewrite seq_S, forallb_app, IH. simpl fval.
  cbn [forallb]. rewrite Nat.add_0_l, andb_true_r.
  pose proof (fval_bound f k). pose proof (fval_bound g k).
  destruct (f k), (g k); simpl; rewrite ?andb_true_r, ?andb_false_r; cmp_cases.
Qed.

(** ** Comparison and equality of two [k]-bit numbers

    The input is [a ++ b], [|a| = |b| = k], little-endian.  Layer 1 computes
    [a_j ∧ ¬b_j] (wire [j]) and [¬a_j ∧ b_j] (wire [k+j]).  For the signed
    comparison ([top = true]) the sign bits are read negated: flipping the sign
    bit maps two's complement order to unsigned order. *)
Definition flipb (top : bool) k j : bool := top && (j =? k - 1).

(** The bits of [a] and [b] as the comparator reads them. *)
Definition abit top k v j : bool := xorb (flipb top k j) (nth j v false).
Definition bbit top k v j : bool := xorb (flipb top k j) (nth (k + j) v false).

Definition cmp_layer k top : layer :=
  map (fun j => and_gate [(flipb top k j, j); (negb (flipb top k j), k + j)]) (seq 0 k)
  ++ map (fun j => and_gate [(negb (flipb top k j), j); (flipb top k j, k + j)]) (seq 0 k).

Lemma nth_cmp_lo k top v j : j < k ->
  nth j (eval_layer v (cmp_layer k top)) false = abit top k v j && negb (bbit top k v j).
Proof.
  intros Hj. unfold cmp_layer. rewrite nth_layer_app_l, eval_and_gate by lia.
  unfold lit, abit, bbit. simpl.
  destruct (flipb top k j), (nth j v false), (nth (k + j) v false); reflexivity.
Qed.

Lemma nth_cmp_hi k top v j : j < k ->
  nth (k + j) (eval_layer v (cmp_layer k top)) false = negb (abit top k v j) && bbit top k v j.
Proof.
  intros Hj. unfold cmp_layer. rewrite nth_layer_app_r, nth_layer_seq, eval_and_gate by lia.
  unfold lit, abit, bbit. simpl.
  destruct (flipb top k j), (nth j v false), (nth (k + j) v false); reflexivity.
Qed.

(** Layer 2: [i ↦ (¬a_i ∧ b_i) ∧ ∀ j > i, ¬(a_j ∧ ¬b_j) ∧ ¬(¬a_j ∧ b_j)];
    layer 3: OR. *)
Definition cmp_lt k top : circuit :=
  Circ [cmp_layer k top;
        map (fun i => and_gate ((false, k + i)
                                :: flat_map (fun j => [(true, j); (true, k + j)]) (seq (S i) (k - S i))))
            (seq 0 k);
        [or_gate (wires k)]]
       [W 0].

Definition ltu k : circuit := cmp_lt k false.
Definition lts k : circuit := cmp_lt k true.

Lemma eval_cmp_lt k top v :
  eval (cmp_lt k top) v = [fval (abit top k v) k <? fval (bbit top k v) k].
Proof.
  unfold cmp_lt, eval. cbn [c_layers c_outs map run src_val].
  change (nth 0 (eval_layer ?u [?g]) false) with (eval_gate u g).
  rewrite <- lt_chain. f_equal.
  rewrite eval_or_gate. unfold wires, carry_chain. rewrite existsb_map'.
  apply existsb_ext_in. intros i Hi. apply in_seq in Hi.
  rewrite lit_false, nth_layer_seq, eval_and_gate by lia. cbn [forallb].
  rewrite lit_false, nth_cmp_hi by lia. f_equal.
  rewrite forallb_flat_map. apply forallb_ext_in. intros j Hj. apply in_seq in Hj.
  cbn [forallb]. rewrite !lit_true, nth_cmp_lo, nth_cmp_hi by lia.
  destruct (abit top k v j), (bbit top k v j); reflexivity.
Qed.

Lemma fval_abit_false k a b : length a = k -> fval (abit false k (a ++ b)) k = bits_to_nat a.
Proof.
  intros <-. rewrite <- (fval_app_l a b). apply fval_ext. intros j _. unfold abit. simpl.
  now destruct (nth j (a ++ b) false).
Qed.

Lemma fval_bbit_false k a b :
  length a = k -> length b = k -> fval (bbit false k (a ++ b)) k = bits_to_nat b.
Proof.
  intros Ha Hb. rewrite <- (fval_app_r a b k Ha), Hb. apply fval_ext. intros j _. unfold bbit. simpl.
  now destruct (nth (k + j) (a ++ b) false).
Qed.

Theorem eval_ltu k a b :
  length a = k -> length b = k -> eval (ltu k) (a ++ b) = [bits_to_nat a <? bits_to_nat b].
Proof.
  intros Ha Hb. unfold ltu. rewrite eval_cmp_lt. now rewrite fval_abit_false, fval_bbit_false.
Qed.

(** Flipping the top bit of a [(k+1)]-bit number adds [2^k] to its two's-complement value. *)
Lemma fval_flip_top (h : nat -> bool) k :
  Z.of_nat (fval (fun j => xorb (j =? k) (h j)) (S k))
  = (Z.of_nat (fval h (S k)) - (if h k then Z.of_nat (2 ^ S k) else 0) + Z.of_nat (2 ^ k))%Z.
Proof.
  simpl fval. rewrite Nat.eqb_refl.
  rewrite (fval_ext (fun j => xorb (j =? k) (h j)) h k).
  - destruct (h k); simpl; lia.
  - intros j Hj. rewrite (proj2 (Nat.eqb_neq j k)) by lia. now destruct (h j).
Qed.

Lemma abit_true_value k a b :
  length a = S k ->
  Z.of_nat (fval (abit true (S k) (a ++ b)) (S k)) = (bits_to_Zs a + Z.of_nat (2 ^ k))%Z.
Proof.
  intros Ha. rewrite (fval_ext _ (fun j => xorb (j =? k) (nth j a false))).
  - rewrite (fval_flip_top (fun j => nth j a false)). unfold bits_to_Zs.
    rewrite bits_to_nat_val, Ha.
    now replace (S k - 1) with k by lia.
  - intros j Hj. unfold abit, flipb. rewrite app_nth1 by lia.
    now replace (S k - 1) with k by lia.
Qed.

Lemma bbit_true_value k a b :
  length a = S k -> length b = S k ->
  Z.of_nat (fval (bbit true (S k) (a ++ b)) (S k)) = (bits_to_Zs b + Z.of_nat (2 ^ k))%Z.
Proof.
  intros Ha Hb. rewrite (fval_ext _ (fun j => xorb (j =? k) (nth j b false))).
  - rewrite (fval_flip_top (fun j => nth j b false)). unfold bits_to_Zs.
    rewrite bits_to_nat_val, Hb.
    now replace (S k - 1) with k by lia.
  - intros j Hj. unfold bbit, flipb. rewrite <- Ha, app_nth2_plus.
    now replace (length a - 1) with k by lia.
Qed.

Theorem eval_lts k a b :
  length a = k -> length b = k ->
  eval (lts k) (a ++ b) = [Z.ltb (bits_to_Zs a) (bits_to_Zs b)].
Proof.
  intros Ha Hb. destruct k as [|k].
  - destruct a, b; try discriminate. reflexivity.
  - unfold lts. rewrite eval_cmp_lt. f_equal.
    pose proof (abit_true_value k a b Ha). pose proof (bbit_true_value k a b Ha Hb).
    destruct (Nat.ltb_spec (fval (abit true (S k) (a ++ b)) (S k)) (fval (bbit true (S k) (a ++ b)) (S k))),
      (Z.ltb_spec (bits_to_Zs a) (bits_to_Zs b)); auto; lia.
Qed.

Lemma width_out_cmp_lt k top : width_out (cmp_lt k top) = 1.
Proof. reflexivity. Qed.

Lemma depth_cmp_lt k top : depth (cmp_lt k top) = 3.
Proof. reflexivity. Qed.

Lemma gates_cmp_lt k top : gates (cmp_lt k top) = 3 * k + 1.
Proof. unfold cmp_lt, cmp_layer. gates_tac. Qed.

Lemma size_cmp_lt k top : size (cmp_lt k top) <= (2 * k + 3) * (3 * k + 1).
Proof.
  rewrite <- (gates_cmp_lt k top). apply size_le_fanin. unfold cmp_lt, cmp_layer. cbn [c_layers].
  fanin_tac; try lia.
  rewrite (length_flat_map_const _ 2) by reflexivity. rewrite seq_length. lia.
Qed.

Lemma wf_cmp_lt k top : wf (2 * k) (cmp_lt k top).
Proof. unfold cmp_lt, cmp_layer, and_gate, or_gate. wf_tac. Qed.

Lemma depth_ltu k : depth (ltu k) = 3.
Proof. reflexivity. Qed.
Lemma size_ltu k : size (ltu k) <= (2 * k + 3) * (3 * k + 1).
Proof. apply size_cmp_lt. Qed.
Lemma wf_ltu k : wf (2 * k) (ltu k).
Proof. apply wf_cmp_lt. Qed.
Lemma depth_lts k : depth (lts k) = 3.
Proof. reflexivity. Qed.
Lemma size_lts k : size (lts k) <= (2 * k + 3) * (3 * k + 1).
Proof. apply size_cmp_lt. Qed.
Lemma wf_lts k : wf (2 * k) (lts k).
Proof. apply wf_cmp_lt. Qed.

(** 5 < 6 and not 6 < 5 (4 bits); signed: -3 < 2 and not 2 < -3, and -1 < 0. *)
Example eval_ltu_ex1 : eval (ltu 4) ([true; false; true; false] ++ [false; true; true; false]) = [true].
Proof. vm_compute. reflexivity. Qed.
Example eval_ltu_ex2 : eval (ltu 4) ([false; true; true; false] ++ [true; false; true; false]) = [false].
Proof. vm_compute. reflexivity. Qed.
Example eval_lts_ex1 : eval (lts 4) ([true; false; true; true] ++ [false; true; false; false]) = [true].
Proof. vm_compute. reflexivity. Qed.
Example eval_lts_ex2 : eval (lts 4) ([false; true; false; false] ++ [true; false; true; true]) = [false].
Proof. vm_compute. reflexivity. Qed.
Example eval_lts_ex3 : eval (lts 3) ([true; true; true] ++ [false; false; false]) = [true].
Proof. vm_compute. reflexivity. Qed.

(** Equality, depth 2: layer 1 as above, layer 2: no position differs. *)
Definition equ k : circuit :=
  Circ [cmp_layer k false; [and_gate (flat_map (fun j => [(true, j); (true, k + j)]) (seq 0 k))]]
       [W 0].

Theorem eval_equ k a b :
  length a = k -> length b = k -> eval (equ k) (a ++ b) = [bits_to_nat a =? bits_to_nat b].
Proof.
  intros Ha Hb. rewrite <- (fval_abit_false k a b Ha), <- (fval_bbit_false k a b Ha Hb).
  rewrite <- eq_forallb. unfold equ, eval. cbn [c_layers c_outs map run src_val].
  change (nth 0 (eval_layer ?u [?g]) false) with (eval_gate u g).
  rewrite eval_and_gate, forallb_flat_map. f_equal. apply forallb_ext_in. intros j Hj.
  apply in_seq in Hj. cbn [forallb]. rewrite !lit_true, nth_cmp_lo, nth_cmp_hi by lia.
  destruct (abit false k (a ++ b) j), (bbit false k (a ++ b) j); reflexivity.
Qed.

Lemma width_out_equ k : width_out (equ k) = 1.
Proof. reflexivity. Qed.

Lemma depth_equ k : depth (equ k) = 2.
Proof. reflexivity. Qed.

Lemma gates_equ k : gates (equ k) = 2 * k + 1.
Proof. unfold equ, cmp_layer. gates_tac. Qed.

Lemma size_equ k : size (equ k) = 8 * k + 1.
Proof.
  unfold equ, cmp_layer. size_tac.
  rewrite (length_flat_map_const _ 2) by reflexivity. rewrite seq_length. lia.
Qed.

Lemma wf_equ k : wf (2 * k) (equ k).
Proof. unfold equ, cmp_layer, and_gate. wf_tac. Qed.

Example eval_equ_ex : eval (equ 3) ([true; false; true] ++ [true; false; true]) = [true].
Proof. vm_compute. reflexivity. Qed.

(** ** Addition of two [k]-bit numbers, depth 4 (carry lookahead)

    With [g_j = a_j ∧ b_j], [p_j = a_j ∨ b_j], the carry into position [i] is
    [c_i = carry_chain g p i = ∃ j < i, g_j ∧ ∀ j < l < i, p_l].  Sum bit [i] is the
    parity of [a_i + b_i + c_i], obtained from the three thresholds
    [y1 = [≥1] = p_i ∨ c_i], [y2 = [≥2] = c_(i+1)], [y3 = [≥3] = g_i ∧ c_i]
    as [y1 + ¬y2 + y3 ≥ 2].  Each [y] is an OR of ANDs of [g]'s and [p]'s.

    - layer 1: [p_j] (wire [j]), [g_j] (wire [k+j]);
    - layer 2: [t(i,j) = g_j ∧ ∀ j<l<i, p_l] for [i ≤ k], [j < k] (wire [i*k+j]);
               [g_i ∧ t(i,j)] for [i, j < k] (wire [(k+1)*k + (i*k+j)]);
               a copy of [p_i] (wire [(k+1)*k + (k*k+i)]);
    - layer 3: [y1_i] (wire [i]), [y2_i] (wire [k+i]), [y3_i] (wire [2k+i]), [c_k] (wire [3k]);
    - layer 4: the sum bits and a copy of [c_k].

    Layer 2 is laid out as a grid: gate [x] is [F (x / n) (x mod n)]. *)

Definition grid m n (F : nat -> nat -> gate) : layer :=
  map (fun x => F (x / n) (x mod n)) (seq 0 (m * n)).

Lemma grid_index i j n : j < n -> (i * n + j) / n = i /\ (i * n + j) mod n = j.
Proof.
  intros H. split.
  - rewrite Nat.div_add_l, Nat.div_small by lia. lia.
  - rewrite Nat.add_comm, Nat.mod_add by lia. apply Nat.mod_small. lia.
Qed.

Lemma grid_bounds x m n : x < m * n -> x / n < m /\ x mod n < n.
Proof.
  intros H. destruct n as [|n]; [lia|]. split.
  - apply Nat.div_lt_upper_bound; lia.
  - apply Nat.mod_upper_bound. lia.
Qed.

Lemma nth_grid_l v m n F l i j : i < m -> j < n ->
  nth (i * n + j) (eval_layer v (grid m n F ++ l)) false = eval_gate v (F i j).
Proof.
  intros Hi Hj. unfold grid. rewrite nth_layer_app_l by nia.
  now destruct (grid_index i j n Hj) as [-> ->].
Qed.

Lemma nth_grid_r v m n F l j :
  nth (m * n + j) (eval_layer v (grid m n F ++ l)) false = nth j (eval_layer v l) false.
Proof. apply nth_layer_app_r. Qed.

Lemma size_grid m n F : length (grid m n F) = m * n.
Proof. unfold grid. now rewrite map_length, seq_length. Qed.

Definition add_layer1 k : layer :=
  map (fun j => or_gate [(false, j); (false, k + j)]) (seq 0 k)
  ++ map (fun j => and_gate [(false, j); (false, k + j)]) (seq 0 k).

(** The literals of [t(i,j)] on layer 1. *)
Definition tlits k i j : list (bool * nat) :=
  (false, k + j) :: map (fun q => (false, q)) (seq (S j) (i - S j)).

Definition add_layer2 k : layer :=
  grid (S k) k (fun i j => and_gate (tlits k i j))
  ++ grid k k (fun i j => and_gate ((false, k + i) :: tlits k i j))
  ++ map (fun i => or_gate [(false, i)]) (seq 0 k).

Definition add_layer3 k : layer :=
  map (fun i => or_gate ((false, S k * k + (k * k + i))
                         :: map (fun j => (false, i * k + j)) (seq 0 i))) (seq 0 k)
  ++ map (fun i => or_gate (map (fun j => (false, S i * k + j)) (seq 0 (S i)))) (seq 0 k)
  ++ map (fun i => or_gate (map (fun j => (false, S k * k + (i * k + j))) (seq 0 i))) (seq 0 k)
  ++ [or_gate (map (fun j => (false, k * k + j)) (seq 0 k))].

Definition add_layer4 k : layer :=
  map (fun i => Thr [(false, i); (true, k + i); (false, k + (k + i))] 2) (seq 0 k)
  ++ [or_gate [(false, k + (k + k))]].

Definition add_layers k : list layer := [add_layer1 k; add_layer2 k; add_layer3 k; add_layer4 k].

(** [k+1] output bits: the exact sum. *)
Definition add_c k : circuit := Circ (add_layers k) (map W (seq 0 (S k))).

(** [k] output bits: the sum modulo [2^k]. *)
Definition addmod_c k : circuit := Circ (add_layers k) (map W (seq 0 k)).

(** The specification side: generate, propagate, carries. *)
Definition add_gen k v j : bool := nth j v false && nth (k + j) v false.
Definition add_prop k v j : bool := nth j v false || nth (k + j) v false.
Definition add_carry k v i : bool := carry_chain (add_gen k v) (add_prop k v) i.

Lemma add_l1_lo k v j : j < k -> nth j (eval_layer v (add_layer1 k)) false = add_prop k v j.
Proof.
  intros Hj. unfold add_layer1. rewrite nth_layer_app_l, eval_or_gate by lia.
  cbn [existsb]. now rewrite !lit_false, orb_false_r.
Qed.

Lemma add_l1_hi k v j : j < k -> nth (k + j) (eval_layer v (add_layer1 k)) false = add_gen k v j.
Proof.
  intros Hj. unfold add_layer1. rewrite nth_layer_app_r, nth_layer_seq, eval_and_gate by lia.
  cbn [forallb]. now rewrite !lit_false, andb_true_r.
Qed.

Lemma eval_tlits k v i j : i <= k -> j < k ->
  forallb (lit (eval_layer v (add_layer1 k))) (tlits k i j)
  = add_gen k v j && forallb (add_prop k v) (seq (S j) (i - S j)).
Proof.
  intros Hi Hj. unfold tlits. cbn [forallb]. rewrite lit_false, add_l1_hi by lia. f_equal.
  rewrite forallb_map'. apply forallb_ext_in. intros l Hl. apply in_seq in Hl.
  rewrite lit_false. apply add_l1_lo. lia.
Qed.

(** The outputs of layers 2 and 3. *)
Definition add_u2 k v := eval_layer (eval_layer v (add_layer1 k)) (add_layer2 k).
Definition add_u3 k v := eval_layer (add_u2 k v) (add_layer3 k).

Lemma add_l2_t k v i j : i <= k -> j < k ->
  nth (i * k + j) (add_u2 k v) false = add_gen k v j && forallb (add_prop k v) (seq (S j) (i - S j)).
Proof.
  intros Hi Hj. unfold add_u2, add_layer2. rewrite nth_grid_l, eval_and_gate by lia.
  now apply eval_tlits.
Qed.

Lemma add_l2_gt k v i j : i < k -> j < k ->
  nth (S k * k + (i * k + j)) (add_u2 k v) false
  = add_gen k v i && (add_gen k v j && forallb (add_prop k v) (seq (S j) (i - S j))).
Proof.
  intros Hi Hj. unfold add_u2, add_layer2. rewrite nth_grid_r, nth_grid_l, eval_and_gate by lia.
  cbn [forallb]. rewrite lit_false, add_l1_hi by lia. f_equal. apply eval_tlits; lia.
Qed.

Lemma add_l2_p k v i : i < k -> nth (S k * k + (k * k + i)) (add_u2 k v) false = add_prop k v i.
Proof.
  intros Hi. unfold add_u2, add_layer2. rewrite !nth_grid_r, nth_layer_seq, eval_or_gate by lia.
  cbn [existsb]. rewrite lit_false, orb_false_r. now apply add_l1_lo.
Qed.

Lemma add_l3_y1 k v i : i < k -> nth i (add_u3 k v) false = add_prop k v i || add_carry k v i.
Proof.
  intros Hi. unfold add_u3, add_layer3. rewrite nth_layer_app_l, eval_or_gate by lia.
  cbn [existsb]. rewrite lit_false, add_l2_p by lia. f_equal.
  rewrite existsb_map'. apply existsb_ext_in. intros j Hj. apply in_seq in Hj.
  rewrite lit_false. apply add_l2_t; lia.
Qed.

Lemma add_l3_y2 k v i : i < k -> nth (k + i) (add_u3 k v) false = add_carry k v (S i).
Proof.
  intros Hi. unfold add_u3, add_layer3. rewrite nth_layer_app_r, nth_layer_app_l, eval_or_gate by lia.
  rewrite existsb_map'. apply existsb_ext_in. intros j Hj. apply in_seq in Hj.
  rewrite lit_false. apply add_l2_t; lia.
Qed.

Lemma add_l3_y3 k v i : i < k -> nth (k + (k + i)) (add_u3 k v) false = add_gen k v i && add_carry k v i.
Proof.
  intros Hi. unfold add_u3, add_layer3.
  rewrite !nth_layer_app_r, nth_layer_app_l, eval_or_gate by lia.
  unfold add_carry, carry_chain. rewrite existsb_map', <- existsb_andb_l.
  apply existsb_ext_in. intros j Hj. apply in_seq in Hj.
  rewrite lit_false. apply add_l2_gt; lia.
Qed.

Lemma add_l3_c k v : nth (k + (k + (k + 0))) (add_u3 k v) false = add_carry k v k.
Proof.
  unfold add_u3, add_layer3. rewrite !nth_layer_app_r.
  change (nth 0 (eval_layer ?u [?g]) false) with (eval_gate u g).
  rewrite eval_or_gate, existsb_map'. apply existsb_ext_in. intros j Hj. apply in_seq in Hj.
  rewrite lit_false. apply add_l2_t; lia.
Qed.

(** The output of the last layer. *)
Lemma add_run_lo k v i : i < k ->
  nth i (run (add_layers k) v) false
  = xorb (xorb (nth i v false) (nth (k + i) v false)) (add_carry k v i).
Proof.
  intros Hi. cbn [add_layers run]. fold (add_u2 k v) (add_u3 k v).
  unfold add_layer4. rewrite nth_layer_app_l by lia. unfold eval_gate. cbn [g_thr g_ins map].
  rewrite !count_cons, lit_false, lit_true, lit_false, add_l3_y1, add_l3_y2, add_l3_y3 by lia.
  unfold add_carry. rewrite carry_chain_S. fold (add_carry k v i). unfold add_prop, add_gen.
  destruct (nth i v false), (nth (k + i) v false), (add_carry k v i); reflexivity.
Qed.

Lemma add_run_hi k v : nth k (run (add_layers k) v) false = add_carry k v k.
Proof.
  cbn [add_layers run]. fold (add_u2 k v) (add_u3 k v).
  unfold add_layer4. rewrite <- (Nat.add_0_r k) at 1. rewrite nth_layer_app_r.
  change (nth 0 (eval_layer ?u [?g]) false) with (eval_gate u g).
  rewrite eval_or_gate. cbn [existsb]. rewrite lit_false, orb_false_r.
  replace (k + (k + k)) with (k + (k + (k + 0))) by lia. apply add_l3_c.
Qed.

(** Ripple-carry arithmetic: the chain is the carry. *)
Lemma add_chain f g k :
  fval f k + fval g k
  = fval (fun i => xorb (xorb (f i) (g i)) (carry_chain (fun j => f j && g j) (fun j => f j || g j) i)) k
    + 2 ^ k * Nat.b2n (carry_chain (fun j => f j && g j) (fun j => f j || g j) k).
Proof.
  induction k as [|k IH]; [reflexivity|]. simpl fval. rewrite carry_chain_S.
  destruct (f k), (g k), (carry_chain (fun j => f j && g j) (fun j => f j || g j) k); simpl in *; lia.
Qed.

Lemma eval_add_c_bits k v :
  eval (add_c k) v
  = map (fun i => xorb (xorb (nth i v false) (nth (k + i) v false)) (add_carry k v i)) (seq 0 k)
    ++ [add_carry k v k].
Proof.
  unfold add_c. rewrite eval_Circ_W, seq_S, map_app. f_equal.
  - apply map_ext_in. intros i Hi. apply in_seq in Hi. apply add_run_lo. lia.
  - cbn [map]. now rewrite Nat.add_0_l, add_run_hi.
Qed.

Lemma eval_addmod_c_bits k v :
  eval (addmod_c k) v
  = map (fun i => xorb (xorb (nth i v false) (nth (k + i) v false)) (add_carry k v i)) (seq 0 k).
Proof.
  unfold addmod_c. rewrite eval_Circ_W.
  apply map_ext_in. intros i Hi. apply in_seq in Hi. apply add_run_lo. lia.
Qed.

Lemma add_value k v :
  fval (fun j => nth j v false) k + fval (fun j => nth (k + j) v false) k
  = fval (fun i => xorb (xorb (nth i v false) (nth (k + i) v false)) (add_carry k v i)) k
    + 2 ^ k * Nat.b2n (add_carry k v k).
Proof. apply add_chain. Qed.

Theorem eval_add_c k a b :
  length a = k -> length b = k ->
  bits_to_nat (eval (add_c k) (a ++ b)) = bits_to_nat a + bits_to_nat b.
Proof.
  intros Ha Hb. rewrite eval_add_c_bits, bits_to_nat_app, map_length, seq_length,
    bits_to_nat_map_seq.
  rewrite <- (fval_app_l a b), <- (fval_app_r a b k Ha), Ha, Hb, add_value. simpl. lia.
Qed.

Lemma width_out_add_c k : width_out (add_c k) = S k.
Proof. unfold width_out. simpl. now rewrite map_length, seq_length. Qed.

Theorem eval_addmod_c k a b :
  length a = k -> length b = k ->
  bits_to_nat (eval (addmod_c k) (a ++ b)) = (bits_to_nat a + bits_to_nat b) mod 2 ^ k.
Proof.
  intros Ha Hb. rewrite eval_addmod_c_bits, bits_to_nat_map_seq.
  rewrite <- (fval_app_l a b), <- (fval_app_r a b k Ha), Ha, Hb, add_value.
  apply (Nat.mod_unique _ _ (Nat.b2n (add_carry k (a ++ b) k))); [apply fval_bound | lia].
Qed.

Lemma width_out_addmod_c k : width_out (addmod_c k) = k.
Proof. unfold width_out. simpl. now rewrite map_length, seq_length. Qed.

Lemma depth_add_c k : depth (add_c k) = 4.
Proof. reflexivity. Qed.

Lemma depth_addmod_c k : depth (addmod_c k) = 4.
Proof. reflexivity. Qed.

Lemma gates_add_c k : gates (add_c k) = 2 * k * k + 8 * k + 2.
Proof.
  unfold add_c, add_layers, add_layer1, add_layer2, add_layer3, add_layer4. gates_tac.
  rewrite !size_grid. nia.
Qed.

(** Every gate reads at most [k + 2] literals: cubic size. *)
Lemma size_add_c k : size (add_c k) <= (k + 3) * (2 * k * k + 8 * k + 2).
Proof.
  rewrite <- gates_add_c. apply size_le_fanin.
  unfold add_c, add_layers, add_layer1, add_layer2, add_layer3, add_layer4, grid, tlits.
  cbn [c_layers]. fanin_tac.
  all: try match goal with H : 0 <= ?x < _ |- _ =>
             first [destruct (grid_bounds x k k ltac:(lia))
                   | destruct (grid_bounds x (S k) k ltac:(lia))] end.
  all: lia.
Qed.

Lemma size_addmod_c k : size (addmod_c k) <= (k + 3) * (2 * k * k + 8 * k + 2).
Proof. exact (size_add_c k). Qed.

Lemma wf_add_layers k : layers_wf (2 * k) (add_layers k) /\ last_width (2 * k) (add_layers k) = S k.
Proof.
  unfold add_layers, add_layer1, add_layer2, add_layer3, add_layer4, grid, tlits,
    and_gate, or_gate.
  wf_tac.
  all: try match goal with H : 0 <= ?x < _ |- _ =>
             first [destruct (grid_bounds x k k ltac:(lia))
                   | destruct (grid_bounds x (S k) k ltac:(lia))] end.
  all: nia.
Qed.

Lemma wf_add_c k : wf (2 * k) (add_c k).
Proof.
  destruct (wf_add_layers k) as [Hl Hw]. unfold wf, add_c. cbn [c_layers c_outs].
  rewrite Hw. split; [exact Hl|]. wf_tac.
Qed.

Lemma wf_addmod_c k : wf (2 * k) (addmod_c k).
Proof.
  destruct (wf_add_layers k) as [Hl Hw]. unfold wf, addmod_c. cbn [c_layers c_outs].
  rewrite Hw. split; [exact Hl|]. wf_tac.
Qed.

(** 6 + 7 = 13 on 4 bits; 11 + 7 = 18 = 2 (mod 16). *)
Example eval_add_ex :
  eval (add_c 4) ([false; true; true; false] ++ [true; true; true; false])
  = [true; false; true; true; false].
Proof. vm_compute. reflexivity. Qed.

Example eval_addmod_ex :
  eval (addmod_c 4) ([true; true; false; true] ++ [true; true; true; false])
  = [false; true; false; false].
Proof. vm_compute. reflexivity. Qed.
