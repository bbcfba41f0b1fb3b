(** * The released flow heads of FlowAR-S/L/H: configurations, guidance pattern, depth table

    The configurations read from the official code (wangqiang9/FlowAR:
    models/flowar.py [flowar_small/large/huge], models/flowmodel.py,
    models/sampler.py, README.md's evaluation commands):
    - S: [diffloss_w = 1024], [diffloss_d = 2], [Block_v1] ([cross=False]),
      16 heads of width 64 ([model_channels // 64]), SwiGLU hidden
      [int(1024·4·2/3) = 2730]; 25 steps, [cfg = 4.3], [guidance = 0.9];
    - L: width 1024, 12 blocks, [Block_v2] ([cross=True]); 25 steps,
      [cfg = 2.4], [guidance = 0.9];
    - H: width 1536, 12 blocks, [Block_v2], 24 heads of width 64, hidden
      [int(1536·8/3) = 4096]; 50 steps, [cfg = 2.4], [guidance = 0.7]
      (the repository's eval.sh uses [cfg 2.8] for H and [4.2] for S; the
      guidance scale does not enter the depth);
    attention scale [64^(−1/2) = 1/8]; sinusoidal width 256; the five
    scales' token counts 1, 4, 16, 64, 256.

    [rhead_depth_terms] gives the coefficients of the released head's depth
    bound [rhead_depth] in [(d_std, d_⊕, d_exp, d_sqrt, max(d_sqrt, d_exp),
    D_erf)] ([rhead_depth_as_terms] proves they agree); the [Example]s
    evaluate them. *)
From Coq Require Import List Arith NArith ZArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedFlowBlock2 ReleasedFlowHead
  ReleasedSampler ReleasedHead.
Import ListNotations.
Set Default Goal Selector "!".

(** ** The configurations *)

Definition rdims_flow (d H dff : nat) : RDims :=
  {| rb_d := d; rb_H := H; rb_hh := 32; rb_dff := dff; rb_sn := 1; rb_sd := 8 |}.

Definition toks5 : list nat := [1; 4; 16; 64; 256].

Definition rf_flowar_S : RFlowDims := {|
  rf_D := rdims_flow 1024 16 2730; rf_L := 2; rf_F := 256; rf_cross := false;
  rf_sched := sched25; rf_cfg := (43, 10)%Z; rf_gh := (9, 10)%Z; rf_toks := toks5 |}.

Definition rf_flowar_L : RFlowDims := {|
  rf_D := rdims_flow 1024 16 2730; rf_L := 12; rf_F := 256; rf_cross := true;
  rf_sched := sched25; rf_cfg := (12, 5)%Z; rf_gh := (9, 10)%Z; rf_toks := toks5 |}.

Definition rf_flowar_H : RFlowDims := {|
  rf_D := rdims_flow 1536 24 4096; rf_L := 12; rf_F := 256; rf_cross := true;
  rf_sched := sched50; rf_cfg := (12, 5)%Z; rf_gh := (7, 10)%Z; rf_toks := toks5 |}.

(** ** Which Euler updates are guided

    At scale 0, [s_0 = 1] and no update is guided ([cfg_scale > 1.0] fails);
    at scales 1–4, S and L guide every update from [t = 0.8727…] on (the
    first two, [t = 1] and [t = 0.9363…], exceed [0.9]); H guides from
    [t = 0.7] on (update 15; [linspace]'s float64 value at that point is the
    float64 [0.7], so the code's test [t_cur <= 0.7] holds there too). *)
Definition guided_pattern hd i : list bool :=
  map (rs_guided (rf_rc hd 16 768 5) i) (seq 0 (length (rf_sched hd) - 1)).

Example ex_guided_S :
  guided_pattern rf_flowar_S 0 = repeat false 24
  /\ guided_pattern rf_flowar_S 1 = [false; false] ++ repeat true 22
  /\ guided_pattern rf_flowar_S 4 = [false; false] ++ repeat true 22.
Proof. vm_compute. repeat split. Qed.

Example ex_guided_H :
  guided_pattern rf_flowar_H 0 = repeat false 50
  /\ guided_pattern rf_flowar_H 2 = repeat false 15 ++ repeat true 35.
Proof. vm_compute. split; reflexivity. Qed.

(** ** The depth table *)

Record HeadDepthTerms := { h_std : N; h_sum : N; h_exp : N; h_sqrt : N; h_mx : N; h_erf : N }.

Definition rhead_depth_terms (T L : N) (cross : bool) : HeadDepthTerms :=
  let '(bs, bsum, be, bq) := if cross then (62, 14, 3, 3)%N else (44, 9, 2, 2)%N in
  {| h_std := T * (23 + L * bs); h_sum := T * (4 + L * bsum); h_exp := T * (1 + L * be);
     h_sqrt := T * (L * bq); h_mx := T; h_erf := T * L |}.

Definition eval_head_terms (P : FloatPrimitivesTC0) (E : ErfImpl) (t : HeadDepthTerms) : N :=
  h_std t * N.of_nat (d_std P) + h_sum t * N.of_nat (d_sum P) + h_exp t * N.of_nat (d_exp P)
  + h_sqrt t * N.of_nat (d_sqrt P) + h_mx t * N.of_nat (Nat.max (d_sqrt P) (d_exp P))
  + h_erf t * N.of_nat (erf_depth E P).

Lemma rhead_depth_as_terms (P : FloatPrimitivesTC0) (E : ErfImpl) (hd : RFlowDims) :
  N.of_nat (rhead_depth P E hd)
  = eval_head_terms P E (rhead_depth_terms (N.of_nat (length (rf_sched hd) - 1)) (N.of_nat (rf_L hd))
                                          (rf_cross hd)).
Proof.
  unfold rhead_depth, hv_depth, hv_blk_depth, eval_head_terms, rhead_depth_terms. cbn [hd_L hd_cross].
  destruct (rf_cross hd); cbn beta iota; rewrite ?b2_depth_value, ?rb_depth_value;
    cbn [h_std h_sum h_exp h_sqrt h_mx h_erf];
    repeat (rewrite Nat2N.inj_add || rewrite Nat2N.inj_mul); cbn [N.of_nat Pos.of_succ_nat Pos.succ];
    ring.
Qed.

Definition rhead_terms hd : HeadDepthTerms :=
  rhead_depth_terms (N.of_nat (length (rf_sched hd) - 1)) (N.of_nat (rf_L hd)) (rf_cross hd).

(** FlowAR-S's head (24 updates of the velocity network with 2 [Block_v1]):
    depth at most [2664·d_std + 528·d_⊕ + 120·d_exp + 96·d_sqrt + 24·max(d_sqrt, d_exp) + 48·D_erf]. *)
Example rhead_S_depth :
  rhead_terms rf_flowar_S
  = {| h_std := 2664; h_sum := 528; h_exp := 120; h_sqrt := 96; h_mx := 24; h_erf := 48 |}.
Proof. vm_compute. reflexivity. Qed.

Example rhead_L_depth :
  rhead_terms rf_flowar_L
  = {| h_std := 18408; h_sum := 4128; h_exp := 888; h_sqrt := 864; h_mx := 24; h_erf := 288 |}.
Proof. vm_compute. reflexivity. Qed.

Example rhead_H_depth :
  rhead_terms rf_flowar_H
  = {| h_std := 38350; h_sum := 8600; h_exp := 1850; h_sqrt := 1800; h_mx := 50; h_erf := 600 |}.
Proof. vm_compute. reflexivity. Qed.
