(** * The hypotheses of [flowar_released_head_in_TC0] are satisfiable

    [rel_S_cfg E m]: released FlowAR-S's AR side (five doubling scales from
    first side [m], width 768, 12 heads of 64, SwiGLU width 2048, 16 latent
    channels, 6 + 6 blocks) with the released FlowAR-S flow head
    [rf_flowar_S] (Witnesses/ReleasedHeadDepth.v: width 1024, 2 blocks, 25
    steps, cfg 4.3) whose token tables are those of the five scales, at
    precision 24.  [rel_S_hyps] proves every hypothesis of
    [flowar_released_head_in_TC0] for this family ([K0 = 5],
    [Le0 = Ld0 = 6], [Dh0 = rhead_depth P E rf_flowar_S],
    [Ch0 = rhead_coef E rf_flowar_S], dimensions [rdimB = 682·m² + 7063]).
    The proof computes [rdimB] as that polynomial in [m] ([rel_S_dimB]) and
    bounds it by [7745·(m+1)²]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedSampler ReleasedHeadIface ReleasedHead ReleasedHeadShape
  ReleasedHeadInst ReleasedAR ReleasedSize.
From FlowARProofs.Witnesses Require Import ReleasedHeadDepth.
Import ListNotations.
Set Default Goal Selector "!".

Definition rel_S_dims : RDims :=
  {| rb_d := 768; rb_H := 12; rb_hh := 32; rb_dff := 2048; rb_sn := 1; rb_sd := 8 |}.

Definition rel_S_toks (m : nat) : list nat := map (fun i => (m * 2 ^ i) * (m * 2 ^ i)) (seq 0 5).

Definition set_toks (hd : RFlowDims) (l : list nat) : RFlowDims := {|
  rf_D := rf_D hd; rf_L := rf_L hd; rf_F := rf_F hd; rf_cross := rf_cross hd; rf_sched := rf_sched hd;
  rf_cfg := rf_cfg hd; rf_gh := rf_gh hd; rf_toks := l |}.

Lemma rhead_depth_set_toks P E hd l : rhead_depth P E (set_toks hd l) = rhead_depth P E hd.
Proof. destruct hd. reflexivity. Qed.

Lemma rhead_coef_set_toks E hd l : rhead_coef E (set_toks hd l) = rhead_coef E hd.
Proof. destruct hd. reflexivity. Qed.

Definition rel_S_head (m : nat) : RFlowDims := set_toks rf_flowar_S (rel_S_toks m).

Definition rel_S_cfg (E : ErfImpl) (m : nat) : RConfig (released_head E) :=
  Build_RConfig (released_head E) 5 m 2 16 rel_S_dims 6 6 (rel_S_head m : rh_dims (released_head E)).

Definition rel_S_prec (m : nat) : nat := 24.

Lemma rel_S_sum m : list_sum (map (fun i => (m * 2 ^ i) * (m * 2 ^ i)) (seq 0 5)) = 341 * (m * m).
Proof. cbn [seq map list_sum fold_right Nat.pow]. lia. Qed.

Lemma sched25_length : length sched25 = 25.
Proof. vm_compute. reflexivity. Qed.

Lemma rel_S_dimB E m : rdimB (rel_S_cfg E m) = 682 * (m * m) + (4000 + 3063).
Proof.
  assert (HN : rNK (rel_S_cfg E m) = 341 * (m * m)) by (exact (rel_S_sum m)).
  unfold rdimB. rewrite HN. cbn [rhd rel_S_cfg released_head rh_dimB]. unfold rh_rel_dimB, rf_dimB.
  cbn [rf_D rf_L rf_F rf_sched rf_toks rel_S_head set_toks rf_flowar_S]. rewrite sched25_length.
  unfold rel_S_toks. rewrite map_length, seq_length, rel_S_sum.
  unfold rdm, rdh, rb_dh.
  cbn [rD rch ra rK rel_S_cfg rel_S_dims rb_d rb_hh rb_H rb_dff rdims_flow Nat.pow]. lia.
Qed.

Lemma rel_S_hyps (P : FloatPrimitivesTC0) (E : ErfImpl) :
  (forall n, 1 <= rK (rel_S_cfg E n) <= 5) /\ (forall n, rLe (rel_S_cfg E n) <= 6)
  /\ (forall n, rLd (rel_S_cfg E n) <= 6) /\ (forall n, 1 <= ra (rel_S_cfg E n))
  /\ (forall n, rhead_depth P E (rhd (rel_S_cfg E n)) <= rhead_depth P E rf_flowar_S)
  /\ (forall n, rhead_coef E (rhd (rel_S_cfg E n)) <= rhead_coef E rf_flowar_S)
  /\ (forall n i, i < rK (rel_S_cfg E n) ->
        i < length (rf_toks (rhd (rel_S_cfg E n)))
        /\ rtok (rel_S_cfg E n) i <= nth i (rf_toks (rhd (rel_S_cfg E n))) 0)
  /\ (forall n, n <= rside (rel_S_cfg E n) (rK (rel_S_cfg E n) - 1))
  /\ (forall n, 1 <= rch (rel_S_cfg E n))
  /\ PolyBoundedWith rel_S_prec 24 0
  /\ PolyBoundedWith (fun n => rdimB (rel_S_cfg E n)) (4000 + 3745) 2.
Proof.
  split; [intros n; cbn [rK rel_S_cfg]; lia|]. split; [intros n; cbn [rLe rel_S_cfg]; lia|].
  split; [intros n; cbn [rLd rel_S_cfg]; lia|]. split; [intros n; cbn [ra rel_S_cfg]; lia|].
  split; [intros n; cbn [rhd rel_S_cfg]; unfold rel_S_head; rewrite rhead_depth_set_toks; apply le_n|].
  split; [intros n; cbn [rhd rel_S_cfg]; unfold rel_S_head; rewrite rhead_coef_set_toks; apply le_n|].
  split.
  { intros n i Hi. cbn [rK rel_S_cfg] in Hi. cbn [rhd rel_S_cfg rf_toks rel_S_head set_toks]. unfold rel_S_toks.
    rewrite map_length, seq_length. split; [exact Hi|].
    do 5 (destruct i as [|i]; [apply le_n|]). lia. }
  split; [intros n; unfold rside; cbn [rK rs0 ra rel_S_cfg Nat.sub]; cbn [Nat.pow]; lia|].
  split; [intros n; cbn [rch rel_S_cfg]; lia|].
  split; [intros n; unfold rel_S_prec; cbn [Nat.pow]; lia|].
  intros n. rewrite rel_S_dimB. cbn [Nat.pow].
  assert (n * n <= (n + 1) * ((n + 1) * 1)) by nia. assert (1 <= (n + 1) * ((n + 1) * 1)) by nia. lia.
Qed.
