(** * One wide threshold gate: why size must count wires

    Repeated literals act as integer weights.  With [2^i] copies of bit [i] of
    [a] and [2^i] copies of the negated bit [i] of [b], ONE gate with
    threshold [2^n - 1] decides [b ≤ a] for two [n]-bit numbers
    ([eval_wide_circ]).  Its fan-in is [2 (2^n - 1)].

    - Counting only gates, this family would be in TC0 with constants
      depth 1, coefficient 2, exponent 0 ([wide_gate_gates_only]: one gate,
      one output): weights would be unbounded, and threshold circuits with
      exponential weights are a stronger model than TC0.
    - With [size] counting gates AND wires (total fan-in, as [Circuit.size]
      does), its size is [2^(n+1) - 1], and it is not in TC0 for any
      constants ([wide_gate_not_InTC0]).

    (Comparison itself is in TC0 — [ltu] in Circuits/Bits.v, depth 3 and
    polynomial size; what is rejected is this exponential-fan-in circuit.) *)
From Coq Require Import List Arith Lia Bool.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Compose Family Bits.
Import ListNotations.
Set Default Goal Selector "!".

#[local] Arguments count : simpl never.

Implicit Types (v a b : list bool) (n k : nat).

(** ** The gate *)

(** For [i < k]: wire [i] ([a_i]) and the negation of wire [n + i] ([¬b_i]),
    [2^i] times each. *)
Fixpoint wide_lits n k : list (bool * nat) :=
  match k with
  | 0 => []
  | S k' => wide_lits n k' ++ repeat (false, k') (2 ^ k') ++ repeat (true, n + k') (2 ^ k')
  end.

Definition wide_gate n : gate := Thr (wide_lits n n) (2 ^ n - 1).

Definition wide_circ n : circuit := Circ [[wide_gate n]] [W 0].

(** Input: [a ++ b], [n] bits each. *)
Definition wide_family : family := Fam (fun n => 2 * n) wide_circ.

(** ** It compares *)

Lemma count_repeat v x m : count (map (lit v) (repeat x m)) = if lit v x then m else 0.
Proof.
  induction m as [|m IH]; [now destruct (lit v x)|].
  cbn [repeat map]. rewrite count_cons, IH. now destruct (lit v x).
Qed.

Lemma count_wide_lits v n k :
  count (map (lit v) (wide_lits n k))
  = fval (fun j => nth j v false) k + fval (fun j => negb (nth (n + j) v false)) k.
Proof.
  induction k as [|k IH]; [reflexivity|]. cbn [wide_lits fval].
  rewrite !map_app, !count_app, !count_repeat, IH, lit_false, lit_true.
  destruct (nth k v false), (nth (n + k) v false); cbn [negb Nat.b2n]; lia.
Qed.

Lemma fval_negb (f : nat -> bool) k : fval (fun j => negb (f j)) k + fval f k = 2 ^ k - 1.
Proof.
  induction k as [|k IH]; [reflexivity|]. cbn [fval].
  pose proof (pow_succ_ge1 1 k) as H. rewrite Nat.add_1_r in H. rewrite Nat.pow_succ_r'.
  destruct (f k); cbn [negb Nat.b2n]; lia.
Qed.

Theorem eval_wide_circ n a b :
  length a = n -> length b = n -> eval (wide_circ n) (a ++ b) = [bits_to_nat b <=? bits_to_nat a].
Proof.
  intros Ha Hb. unfold eval, wide_circ. cbn [c_layers c_outs run map src_val].
  change (nth 0 (eval_layer ?u [?g]) false) with (eval_gate u g).
  unfold eval_gate, wide_gate. cbn [g_thr g_ins]. rewrite count_wide_lits. f_equal.
  pose proof (fval_app_l a b) as HA. pose proof (fval_app_r a b n Ha) as HB.
  rewrite Ha in HA. rewrite Hb in HB.
  pose proof (fval_negb (fun j => nth (n + j) (a ++ b) false) n) as HN.
  pose proof (bits_to_nat_bound b) as Hbb. rewrite Hb in Hbb.
  rewrite HA. rewrite HB in HN.
  destruct (Nat.leb_spec (2 ^ n - 1) (bits_to_nat a + fval (fun j => negb (nth (n + j) (a ++ b) false)) n)),
    (Nat.leb_spec (bits_to_nat b) (bits_to_nat a)); auto; lia.
Qed.

Example eval_wide_circ_ex :
  eval (wide_circ 3) ([true; false; true] ++ [false; true; true]) = [false].
Proof. vm_compute. reflexivity. Qed.

(** ** Measures *)

Lemma length_wide_lits n k : length (wide_lits n k) = 2 * (2 ^ k - 1).
Proof.
  induction k as [|k IH]; [reflexivity|]. cbn [wide_lits].
  rewrite !app_length, !repeat_length, IH, Nat.pow_succ_r'.
  pose proof (pow_succ_ge1 1 k) as H. rewrite Nat.add_1_r in H. lia.
Qed.

Lemma wide_lits_wf n k : k <= n -> Forall (fun x => snd x < 2 * n) (wide_lits n k).
Proof.
  induction k as [|k IH]; intros Hk; cbn [wide_lits]; [constructor|].
  rewrite !Forall_app. repeat split; [apply IH; lia| |];
    rewrite Forall_forall; intros x Hx; apply repeat_spec in Hx; subst x; simpl; lia.
Qed.

Lemma wf_wide_circ n : wf (2 * n) (wide_circ n).
Proof.
  split; cbn [wide_circ c_layers c_outs layers_wf last_width length].
  - split; [|exact I]. constructor; [|constructor]. apply wide_lits_wf. lia.
  - repeat constructor.
Qed.

Lemma depth_wide_circ n : depth (wide_circ n) = 1.
Proof. reflexivity. Qed.

Lemma gates_wide_circ n : gates (wide_circ n) = 1.
Proof. reflexivity. Qed.

Lemma width_out_wide_circ n : width_out (wide_circ n) = 1.
Proof. reflexivity. Qed.

(** One gate and [2 (2^n - 1)] wires. *)
Lemma size_wide_circ n : size (wide_circ n) = 2 ^ S n - 1.
Proof.
  unfold size, wide_circ. cbn [c_layers map list_sum fold_right layer_size].
  unfold gate_size, wide_gate. cbn [g_ins]. rewrite length_wide_lits, Nat.pow_succ_r'.
  pose proof (pow_succ_ge1 1 n) as H. rewrite Nat.add_1_r in H. lia.
Qed.

(** ** The two verdicts *)

(** [InTC0With] with the gate count in place of [size]: the measure this
    development used before it counted wires. *)
Definition InTC0With_gates_only (F : family) (D c k : nat) : Prop :=
  forall n,
    wf (fam_in F n) (fam_circ F n)
    /\ depth (fam_circ F n) <= D
    /\ gates (fam_circ F n) + width_out (fam_circ F n) <= c * (n + 1) ^ k.

(** Counting gates only, the wide gate passes with constants 1, 2, 0. *)
Theorem wide_gate_gates_only : InTC0With_gates_only wide_family 1 2 0.
Proof.
  intros n. cbn [fam_in fam_circ wide_family]. split; [apply wf_wide_circ|].
  rewrite depth_wide_circ, gates_wide_circ, width_out_wide_circ, Nat.pow_0_r. lia.
Qed.

(** Counting wires, no constants fit: exponential fan-in is not TC0. *)
Theorem wide_gate_not_InTC0 : ~ exists D c k, InTC0With wide_family D c k.
Proof.
  apply exp_size_not_InTC0With. intros n. cbn [fam_circ wide_family].
  rewrite size_wide_circ, Nat.pow_succ_r'.
  pose proof (pow_succ_ge1 1 n) as H. rewrite Nat.add_1_r in H. lia.
Qed.

Corollary wide_gate_not_InTC0' : ~ InTC0 wide_family.
Proof. intros [_ H]. exact (wide_gate_not_InTC0 H). Qed.
