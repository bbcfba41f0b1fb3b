(** * One released configuration at every resolution

    The released analogue of Pipeline/Resolution.v.  A released
    configuration fixes everything but the resolution: [K] scales with side
    factor [a], [c] latent channels, the AR blocks' dimensions [D], [Le]
    encoder and [Ld] decoder blocks, and the flow head [hd].
    [rel_at_side E K a c D Le Ld hd m] is that configuration with first side
    [m] (sides [m·a^i]) and the released head [released_head E] whose token
    tables are those of the scales at side [m] ([rel_side_toks]): the
    released code builds every scale's RoPE table from the scale's side
    ([VisionRotaryEmbeddingFast] per side), so the tables are not a free
    parameter of a configuration but follow the scales.  [rel_at_side_s0]:
    the member at [m = s0] is the configuration with first side [s0] and
    the head [hd] itself, when [hd]'s tables are the scales' at [s0].

    [rel_at_side_hyps] discharges every hypothesis of
    [Main.flowar_released_head_in_TC0] for the family from decidable facts
    about the configuration — [1 ≤ K ≤ K0], [Le ≤ Le0], [Ld ≤ Ld0],
    [1 ≤ a], [1 ≤ c] — with the head's own constants [Dh0 = rhead_depth P E
    hd] and [Ch0 = rhead_coef E hd] (neither depends on the token tables),
    a constant precision and the dimension bound
    [rel_dimB K a c D hd·(m+1)²] ([rel_at_side_dims_poly], [rel_dimB] =
    [rdimB] at side 1, free of [E]: every
    token count, of the sequence and of the head's tables, is [m²] times
    the one at side 1).  The Python bridge (`flowar-proofs obligations`,
    released variant) instantiates [flowar_released_head_in_TC0] with it for
    one configuration.  [rel_S_cfg_at_side]: the FlowAR-S family of
    Witnesses/ReleasedInstance.v is [rel_at_side] of released FlowAR-S. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Float Require Import Primitives.
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedHeadIface ReleasedHead ReleasedHeadShape
  ReleasedHeadInst ReleasedAR ReleasedSize.
From FlowARProofs.Witnesses Require Import ReleasedHeadDepth ReleasedInstance.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (E : ErfImpl) (hd : RFlowDims) (D : RDims) (K a c Le Ld m : nat).

(** Token counts [(m·a^i)²] of the [K] scales from first side [m]. *)
Definition rel_side_toks K a m : list nat := map (fun i => (m * a ^ i) * (m * a ^ i)) (seq 0 K).

Definition rel_at_side E K a c D Le Ld hd m : RConfig (released_head E) :=
  Build_RConfig (released_head E) K m a c D Le Ld
    (set_toks hd (rel_side_toks K a m) : rh_dims (released_head E)).

Lemma rel_at_side_s0 E K a c D Le Ld hd s0 :
  rf_toks hd = rel_side_toks K a s0 ->
  rel_at_side E K a c D Le Ld hd s0 = Build_RConfig (released_head E) K s0 a c D Le Ld hd.
Proof. intros Ht. unfold rel_at_side, set_toks. rewrite <- Ht. destruct hd. reflexivity. Qed.

Lemma rf_dimB_set_toks hd l : rf_dimB (set_toks hd l) = rf_dimB hd.
Proof. destruct hd. reflexivity. Qed.

Lemma nth_map_seq (f : nat -> nat) K i : i < K -> nth i (map f (seq 0 K)) 0 = f i.
Proof.
  intros Hi. rewrite (nth_indep _ 0 (f 0)) by (rewrite map_length, seq_length; exact Hi).
  rewrite map_nth, seq_nth by exact Hi. reflexivity.
Qed.

(** A boolean test of [rf_toks hd = rel_side_toks K a s0] for [vm_compute]
    ([Nat.eqb] is tail recursive: no deep recursion on large counts). *)
Fixpoint list_nat_eqb (l1 l2 : list nat) : bool :=
  match l1, l2 with
  | [], [] => true
  | x :: l1, y :: l2 => Nat.eqb x y && list_nat_eqb l1 l2
  | _, _ => false
  end.

Lemma list_nat_eqb_eq l1 l2 : list_nat_eqb l1 l2 = true -> l1 = l2.
Proof.
  revert l2. induction l1 as [|x l1 IH]; intros [|y l2] H; cbn in H; try discriminate; [reflexivity|].
  apply andb_prop in H as [Hx Hl]. apply Nat.eqb_eq in Hx. f_equal; [exact Hx|apply IH, Hl].
Qed.

(** Every token count scales with [m²]. *)
Lemma sum_side_toks (l : list nat) a m :
  list_sum (map (fun i => (m * a ^ i) * (m * a ^ i)) l)
  = m * m * list_sum (map (fun i => (1 * a ^ i) * (1 * a ^ i)) l).
Proof.
  induction l as [|x l IH]; [cbn; lia|].
  cbn [map list_sum fold_right]. fold (list_sum (map (fun i => (m * a ^ i) * (m * a ^ i)) l)).
  fold (list_sum (map (fun i => (1 * a ^ i) * (1 * a ^ i)) l)). rewrite IH. ring.
Qed.

Lemma rNK_at_side E K a c D Le Ld hd m :
  rNK (rel_at_side E K a c D Le Ld hd m) = m * m * rNK (rel_at_side E K a c D Le Ld hd 1).
Proof. unfold rNK, rntok, rtok, rside. cbn [rK rs0 ra rel_at_side]. apply sum_side_toks. Qed.

Lemma rel_at_side_dims_poly E K a c D Le Ld hd :
  PolyBoundedWith (fun m => rdimB (rel_at_side E K a c D Le Ld hd m))
    (rdimB (rel_at_side E K a c D Le Ld hd 1)) 2.
Proof.
  intros m. unfold rdimB. rewrite rNK_at_side. unfold rdm, rdh.
  cbn [rhd rel_at_side released_head rh_dimB rK ra rch rD]. unfold rh_rel_dimB.
  rewrite !rf_dimB_set_toks. cbn [set_toks rf_toks rf_L rf_sched]. unfold rel_side_toks.
  rewrite !map_length, (sum_side_toks _ a m).
  set (N1 := rNK (rel_at_side E K a c D Le Ld hd 1)).
  set (S1 := list_sum (map (fun i => 1 * a ^ i * (1 * a ^ i)) (seq 0 K))).
  set (Z := rb_d D + rb_dh D + rb_H D + rb_dff D + c
            + (rf_dimB hd + rf_L hd + length (rf_sched hd) + length (seq 0 K)) + a ^ K + 1).
  set (X := (m + 1) ^ 2).
  assert (Hm : m * m <= X) by (subst X; cbn [Nat.pow]; nia).
  assert (H1 : 1 <= X) by (subst X; cbn [Nat.pow]; nia).
  assert (HN : m * m * N1 <= N1 * X) by (rewrite Nat.mul_comm; apply Nat.mul_le_mono_l, Hm).
  assert (HS : m * m * S1 <= S1 * X) by (rewrite Nat.mul_comm; apply Nat.mul_le_mono_l, Hm).
  assert (HZ : Z <= Z * X) by (rewrite <- (Nat.mul_1_r Z) at 1; apply Nat.mul_le_mono_l, H1).
  subst Z. rewrite !Nat.mul_add_distr_r. lia.
Qed.

(** The dimension bound at side 1, without the erf routine (on which it
    does not depend): the coefficient of [(m+1)²]. *)
Definition rel_dimB K a c D hd : nat :=
  list_sum (map (fun i => (1 * a ^ i) * (1 * a ^ i)) (seq 0 (S (K - 1))))
  + rb_d D + rb_dh D + rb_H D + rb_dff D + c
  + rh_rel_dimB (set_toks hd (rel_side_toks K a 1)) + a ^ K + 1.

Lemma rdimB_at_side_1 E K a c D Le Ld hd :
  rdimB (rel_at_side E K a c D Le Ld hd 1) = rel_dimB K a c D hd.
Proof. reflexivity. Qed.

Lemma rel_at_side_side E K a c D Le Ld hd m : 1 <= a ->
  m <= rside (rel_at_side E K a c D Le Ld hd m) (rK (rel_at_side E K a c D Le Ld hd m) - 1).
Proof.
  intros Ha. unfold rside. cbn [rel_at_side rs0 ra rK].
  pose proof (Nat.pow_le_mono_l 1 a (K - 1) Ha) as Hp. rewrite Nat.pow_1_l in Hp. nia.
Qed.

(** The head's token tables cover every scale: they are the scales'. *)
Lemma rel_at_side_ok E K a c D Le Ld hd m i : i < K ->
  i < length (rf_toks (rhd (rel_at_side E K a c D Le Ld hd m)))
  /\ rtok (rel_at_side E K a c D Le Ld hd m) i <= nth i (rf_toks (rhd (rel_at_side E K a c D Le Ld hd m))) 0.
Proof.
  intros Hi. cbn [rhd rel_at_side set_toks rf_toks]. unfold rel_side_toks.
  rewrite map_length, seq_length. split; [exact Hi|].
  rewrite nth_map_seq by exact Hi. unfold rtok, rside. cbn [rel_at_side rs0 ra]. apply le_n.
Qed.

(** Every hypothesis of [flowar_released_head_in_TC0] for the family
    [rel_at_side E K a c D Le Ld hd], from facts a configuration decides. *)
Theorem rel_at_side_hyps (P : FloatPrimitivesTC0) E K a c D Le Ld hd (prec K0 Le0 Ld0 : nat) :
  1 <= K -> K <= K0 -> Le <= Le0 -> Ld <= Ld0 -> 1 <= a -> 1 <= c ->
  let cfgs := rel_at_side E K a c D Le Ld hd in
  (forall n, 1 <= rK (cfgs n) <= K0) /\ (forall n, rLe (cfgs n) <= Le0)
  /\ (forall n, rLd (cfgs n) <= Ld0) /\ (forall n, 1 <= ra (cfgs n))
  /\ (forall n, rhead_depth P E (rhd (cfgs n)) <= rhead_depth P E hd)
  /\ (forall n, rhead_coef E (rhd (cfgs n)) <= rhead_coef E hd)
  /\ (forall n i, i < rK (cfgs n) ->
        i < length (rf_toks (rhd (cfgs n))) /\ rtok (cfgs n) i <= nth i (rf_toks (rhd (cfgs n))) 0)
  /\ (forall n, n <= rside (cfgs n) (rK (cfgs n) - 1))
  /\ (forall n, 1 <= rch (cfgs n))
  /\ PolyBoundedWith (fun _ => prec) prec 0
  /\ PolyBoundedWith (fun n => rdimB (cfgs n)) (rel_dimB K a c D hd) 2.
Proof.
  intros HK HK0 HLe HLd Ha Hc cfgs. subst cfgs.
  split; [intros n; cbn [rK rel_at_side]; lia|]. split; [intros n; cbn [rLe rel_at_side]; lia|].
  split; [intros n; cbn [rLd rel_at_side]; lia|]. split; [intros n; cbn [ra rel_at_side]; lia|].
  split; [intros n; cbn [rhd rel_at_side]; rewrite rhead_depth_set_toks; apply le_n|].
  split; [intros n; cbn [rhd rel_at_side]; rewrite rhead_coef_set_toks; apply le_n|].
  split; [intros n i Hi; apply rel_at_side_ok, Hi|].
  split; [intros n; apply rel_at_side_side, Ha|].
  split; [intros n; cbn [rch rel_at_side]; lia|].
  split; [intros n; cbn [Nat.pow]; lia|].
  rewrite <- (rdimB_at_side_1 E K a c D Le Ld hd). apply rel_at_side_dims_poly.
Qed.

(** The FlowAR-S instance of Witnesses/ReleasedInstance.v is this family
    for released FlowAR-S's configuration. *)
Lemma rel_S_cfg_at_side E m : rel_S_cfg E m = rel_at_side E 5 2 16 rel_S_dims 6 6 rf_flowar_S m.
Proof. reflexivity. Qed.
