(** * The released flow head as an instance of the pipeline's head interface

    [released_head E] is the record [RHead] (Pipeline/ReleasedHeadIface.v)
    for the released head of wangqiang9/FlowAR (SimpleTransformerAdaLN
    velocity network + Euler sampler + classifier-free guidance,
    Pipeline/ReleasedHead.v) with erf implementation [E]:
    - [rh_dims] = [RFlowDims] (blocks' dimensions, [L], sinusoidal width,
      block kind, time grid, [cfg], [guidance], token counts of the scales);
    - [rh_ok hd K i M] = [i < |rf_toks hd| ∧ M ≤ tok_i] (the RoPE tables of
      scale [i] are sized for [tok_i] tokens);
    - [rh_dimB hd] = [rf_dimB hd] (the blocks' widths) plus [L], the grid
      length, the number of scales and the sum of their token counts (all
      enter the weight count);
    - [rh_coef hd] = [rhead_coef E hd] (Pipeline/ReleasedHeadShape.v; it
      depends only on [L], the number of updates and [erf_shape E]).
    The weight-count bound [rh_size_le] is [rf_size_le]: the head's block
    (weights and tables) has at most [53·B⁴] floats when [B] bounds [c],
    [d] and [rh_dimB hd], proved by bounding every product of the weight
    layout (a sum of matrix sizes) by [B⁴]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor TC0.
From FlowARProofs.Modules Require Import GELU RShape.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedFlowBlock2 ReleasedFlowHead
  ReleasedSampler ReleasedHead ReleasedHeadShape ReleasedHeadIface.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (hd : RFlowDims) (E : ErfImpl).

(** ** The head's dimension bound and supported scales *)

Definition rh_rel_dimB hd : nat :=
  rf_dimB hd + rf_L hd + length (rf_sched hd) + length (rf_toks hd) + list_sum (rf_toks hd).

Definition rh_rel_ok hd (K i M : nat) : Prop := i < length (rf_toks hd) /\ M <= nth i (rf_toks hd) 0.

(** ** The weight count *)

Lemma tables_sum_le (f : nat -> nat) (a b : nat) (l : list nat) :
  (forall M, f M <= a * M + b) -> list_sum (map f l) <= a * list_sum l + length l * b.
Proof.
  intros Hf. induction l as [|x l IH]; [cbn; lia|].
  change (list_sum (map f (x :: l))) with (f x + list_sum (map f l)).
  change (list_sum (x :: l)) with (x + list_sum l). cbn [length].
  specialize (Hf x). rewrite Nat.mul_add_distr_l, Nat.mul_succ_l. lia.
Qed.

Section size.
  Context (B : nat) (HB : 1 <= B).

  Let m1 x : x <= B -> x <= Q4 B.
  Proof. intros. pose proof (Q_facts B HB). lia. Qed.
  Let m2 x y : x <= B -> y <= B -> x * y <= Q4 B.
  Proof. intros. pose proof (Q_facts B HB). assert (x * y <= B * B) by (apply Nat.mul_le_mono; lia). lia. Qed.
  Let m3 x y z : x <= B -> y <= B -> z <= B -> x * y * z <= Q4 B.
  Proof.
    intros. pose proof (Q_facts B HB). unfold Q3 in *.
    assert (x * y * z <= B * B * B) by (repeat apply Nat.mul_le_mono; lia). nia.
  Qed.
  Let m4 x y z u : x <= B -> y <= B -> z <= B -> u <= B -> x * y * z * u <= Q4 B.
  Proof.
    intros. unfold Q4.
    assert (x * y * z * u <= B * B * B * B) by (repeat apply Nat.mul_le_mono; lia). nia.
  Qed.

  Lemma rb_size_le D : rb_d D <= B -> rb_dh D <= B -> rb_H D <= B -> rb_dff D <= B ->
    forall L, L <= B -> L * rb_size D <= 26 * Q4 B.
  Proof.
    intros Hd Hdh HH Hf L HL. set (dh := rb_dh D) in *.
    unfold rb_size, o_b2, o_w2, o_bx, o_wx, o_bg, o_wg, o_pb, o_pO, o_hq, o_mb, rb_hsz. fold dh.
    set (d := rb_d D) in *. set (nH := rb_H D) in *. set (f := rb_dff D) in *.
    pose proof (m4 L d d 1 HL Hd Hd ltac:(lia)). pose proof (m2 L d HL Hd).
    pose proof (m4 L nH d dh HL HH Hd Hdh). pose proof (m3 L nH dh HL HH Hdh).
    pose proof (m3 L d f HL Hd Hf). pose proof (m2 L f HL Hf).
    pose proof (m4 L nH dh d HL HH Hdh Hd). pose proof (m3 L f d HL Hf Hd).
    nia.
  Qed.

  Lemma b2_size_le D w : rb_d D <= B -> rb_dh D <= B -> rb_H D <= B -> rb_dff D <= B -> w <= B ->
    forall L, L <= B -> L * b2_size D w <= 36 * Q4 B.
  Proof.
    intros Hd Hdh HH Hf Hw L HL. pose proof (rb_size_le D Hd Hdh HH Hf L HL).
    unfold b2_size, b2_n2, b2_n1, b2_xpb, b2_xpO, b2_xq, b2_xhs.
    set (dh := rb_dh D) in *. set (d := rb_d D) in *. set (nH := rb_H D) in *.
    pose proof (m4 L nH d dh HL HH Hd Hdh). pose proof (m3 L nH dh HL HH Hdh).
    pose proof (m4 L nH w dh HL HH Hw Hdh). pose proof (m4 L nH dh d HL HH Hdh Hd).
    pose proof (m2 L d HL Hd). pose proof (m2 L w HL Hw).
    nia.
  Qed.

  Lemma hv_size_le HD : hd_c HD <= B -> hd_w HD <= B -> rb_d (hd_D HD) <= B -> rb_dh (hd_D HD) <= B ->
    rb_H (hd_D HD) <= B -> rb_dff (hd_D HD) <= B -> hd_F HD <= B -> hd_L HD <= B ->
    hv_size HD <= 50 * Q4 B.
  Proof.
    intros Hc Hw Hd Hdh HH Hf HF HL.
    assert (Hb : hd_L HD * hd_bsize HD <= 36 * Q4 B).
    { unfold hd_bsize. destruct (hd_cross HD).
      - apply b2_size_le; assumption.
      - pose proof (rb_size_le (hd_D HD) Hd Hdh HH Hf (hd_L HD) HL). lia. }
    unfold hv_size, hv_bfo, hv_fo, hv_bfm, hv_fm, hv_blk, hv_bce, hv_ce, hv_bt2, hv_t2, hv_bt1, hv_t1, hv_bin.
    unfold hd_d in *. set (d := rb_d (hd_D HD)) in *. set (c := hd_c HD) in *. set (w := hd_w HD) in *.
    set (F := hd_F HD) in *. set (X := hd_L HD * hd_bsize HD) in *.
    pose proof (m2 c d Hc Hd). pose proof (m1 d Hd). pose proof (m2 F d HF Hd). pose proof (m2 d d Hd Hd).
    pose proof (m2 w d Hw Hd). pose proof (m2 d c Hd Hc). pose proof (m1 c Hc).
    nia.
  Qed.
End size.

Lemma rf_size_le hd c d B : c <= B -> d <= B -> rh_rel_dimB hd <= B -> 1 <= B ->
  rf_size hd c d <= 53 * Q4 B.
Proof.
  intros Hc Hd HdB HB. unfold rh_rel_dimB, rf_dimB in HdB. unfold rf_size.
  pose proof (hv_size_le B HB (rs_HD (rf_rc hd c d 0))) as Hhv. cbn [rs_HD rf_rc hd_c hd_w hd_D hd_F hd_L] in Hhv.
  unfold rb_dh in *.
  assert (Hhv' : hv_size (rs_HD (rf_rc hd c d 0)) <= 50 * Q4 B) by (apply Hhv; lia).
  pose proof (tables_sum_le (rf_tsz hd c d) (2 * rb_dh (rf_D hd)) ((length (rf_sched hd) - 1) * rf_F hd)
                (rf_toks hd) ltac:(intros M; unfold rf_tsz, rs_tsize, rs_T; cbn [rs_HD rf_rc hd_D hd_F rs_sched]; lia))
    as Ht.
  pose proof (Q_facts B HB) as (Q1 & Q2 & Q34 & _). unfold Q3 in *.
  set (s := list_sum (rf_toks hd)) in *. set (n := length (rf_toks hd)) in *.
  set (T := length (rf_sched hd) - 1) in *. set (F := rf_F hd) in *. unfold rb_dh in Ht. set (h := rb_hh (rf_D hd)) in *.
  assert (2 * h * s <= B * B) by (apply Nat.mul_le_mono; lia).
  assert (n * (T * F) <= B * (B * B)) by (repeat apply Nat.mul_le_mono; lia).
  lia.
Qed.

Lemma rhead_coef_ge E hd : 53 <= rhead_coef E hd.
Proof.
  unfold rhead_coef. set (a := 2 * (length (rf_sched hd) - 1) + 3). set (L := rf_L hd).
  set (S := erf_shape E).
  assert (1 <= a) by lia.
  assert (53 <= 8 * ((L + 2) * (300 * (1000 * (4 * (S + 1)))))) by nia.
  nia.
Qed.

Theorem rh_rel_size_le E hd c d B : c <= B -> d <= B -> rh_rel_dimB hd <= B -> 1 <= B ->
  rf_size hd c d <= rhead_coef E hd * (B * (B * (B * B))).
Proof.
  intros Hc Hd HdB HB. pose proof (rf_size_le hd c d B Hc Hd HdB HB). pose proof (rhead_coef_ge E hd).
  change (B * (B * (B * B))) with (Q4 B). nia.
Qed.

(** ** The record *)

Definition released_head (E : ErfImpl) : RHead := {|
  rh_dims := RFlowDims;
  rh_size := rf_size;
  rh_dimB := rh_rel_dimB;
  rh_ok := rh_rel_ok;
  rh_float := fun P p hd c d G wo K i M F Yc Yu => rhead_float P p E hd c d G wo K i M F Yc Yu;
  rh_prog := fun p hd c d K i M wo go r => rhead_prog p E hd c d K i M wo go r;
  rh_correct := fun P p hd c d K i M wo F Yc Yu Ev G => rhead_correct P p E hd c d K i M wo F Yc Yu Ev G;
  rh_wt := fun p hd c d K i M wo go r Hok Hr =>
    rhead_wt p E hd c d K i M wo go r (proj1 Hok) (proj2 Hok) Hr;
  rh_arity := fun p hd c d K i M wo go r => rhead_arity p E hd c d K i M wo go r;
  rh_depth := fun P hd => rhead_depth P E hd;
  rh_wdepth := fun P p hd c d K i M wo go r => rhead_wdepth P p E hd c d K i M wo go r;
  rh_coef := rhead_coef E;
  rh_shape := fun p hd c d K i M wo go r B HM Hc Hd HdB HB =>
    rhead_shape E p hd c d K i M wo go r B HM Hc Hd
      (Nat.le_trans _ _ _ (ltac:(unfold rh_rel_dimB; lia) : rf_dimB hd <= rh_rel_dimB hd) HdB) HB;
  rh_size_le := fun hd c d B Hc Hd HdB HB => rh_rel_size_le E hd c d B Hc Hd HdB HB;
|}.
