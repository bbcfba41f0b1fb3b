(** * Work of the released AR pass and of the released pipeline's AR side, per kind, at a tiny config

    The numpy released variant's AR pass (py_bridge/model/released/ar.py)
    mirrors [rcond] / [rpass_at] of Pipeline/ReleasedAR.v.  This file gives
    Coq's counts of those programs at a tiny configuration, for the bridge to
    compare (py_bridge/crosscheck/released.py):
    {v
      K = 2 scales of side 1, 2;  c = 2 channels;  blocks: d = 4, 2 heads of 2,
      SwiGLU hidden 5, scale 1/2;  one encoder and one decoder block
    v}
    The pipeline ([flowar_released_prog], Pipeline/ReleasedPipeline.v) is
    parameterised by a flow head [H : RHead]; the released head (branch
    relflow) does not meet [RHead] yet, so the pipeline rows use the
    *copy head* [ReleasedHeadCopy.copy_head] (its program is wiring, its output
    the noise): they count the released pipeline's AR side — two AR passes per
    scale (class row and null class, for classifier-free guidance) — with a
    head that costs nothing.  The AR-pass rows do not depend on the head
    (only the offsets of the weights do).

    Rows are [[add; mul; div; cmp; exp; sqrt; total]], all computed on the
    programs themselves ([work_by_kind], [work]); no closed form of the AR
    pass is proved yet. *)
From Coq Require Import Arith NArith List Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Stage TC0.
From FlowARProofs.Modules Require Import GELU ErfAS.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedHeadIface ReleasedHeadCopy ReleasedAR ReleasedPipeline
  ReleasedFlowHead ReleasedSampler.
From FlowARProofs.Witnesses Require Import ReleasedWork.
Import ListNotations.
Set Default Goal Selector "!".

(** ** The tiny configuration *)

Definition tiny_rcfg : RConfig copy_head :=
  {| rK := 2; rs0 := 1; ra := 2; rch := 2; rD := tiny_rdims; rLe := 1; rLd := 1;
     rhd := (tt : rh_dims copy_head) |}.

Local Definition p := 53%nat.

(** The AR pass at scale [i] for the class row (offset [o_cls]). *)
Definition ar_pass_w (i : nat) : prog := rpass_at p erf_as tiny_rcfg (o_cls tiny_rcfg) i.

Definition rw_ar0 : list N := by_kind (ar_pass_w 0) ++ [N.of_nat (work (ar_pass_w 0))].
Definition rw_ar1 : list N := by_kind (ar_pass_w 1) ++ [N.of_nat (work (ar_pass_w 1))].
(** The whole released pipeline program with the identity head: per scale, two AR passes. *)
Definition rw_pipeline_idhead : list N :=
  by_kind (flowar_released_prog p erf_as tiny_rcfg)
  ++ [N.of_nat (work (flowar_released_prog p erf_as tiny_rcfg))].

(** Scale 1 rebuilds the sequence (class row, [z_proj] of the resampled scale-0 output) and runs
    all 5 tokens; the pipeline is exactly two passes per scale: [2·(1625 + 7421) = 18092]. *)
Example rw_ar_values : [rw_ar0; rw_ar1; rw_pipeline_idhead] =
  [[688; 838; 40; 30; 22; 7; 1625]; [3016; 3910; 168; 150; 142; 35; 7421];
   [7408; 9496; 416; 360; 328; 84; 18092]]%N.
Proof. unfold rw_ar0, rw_ar1, rw_pipeline_idhead. rewrite !krow_spec. vm_eq. Qed.

(** ** The released flow head (branch relflow) at the same tiny size

    Velocity network with one Block_v1 ([hd_cross = false]), AR width 4,
    sinusoid width 4; the grid [1, 1/2, 0] ([T = 2]), [cfg = 3/2],
    guidance [1], [K = 2]: at scale 0 [s_0 = 1] (no guided step), at scale 1
    [s_1 = 3/2] (both steps guided: two velocity evaluations each). *)

Definition tiny_hd : HDims :=
  {| hd_c := 2; hd_w := 4; hd_D := tiny_rdims; hd_L := 1; hd_F := 4; hd_cross := false |}.
Definition tiny_rs : RSCfg :=
  {| rs_HD := tiny_hd; rs_sched := [(1, 1); (1, 2); (0, 1)]%Z; rs_cfg := (3, 2)%Z; rs_gh := (1, 1)%Z;
     rs_K := 2 |}.

(** One velocity evaluation on the 4 tokens of scale 1. *)
Definition hv_w : prog := hv_at p erf_as tiny_hd 4 0 0 0 8 16 0 0 200.
(** The sampler at scale [i] ([tok i] tokens). *)
Definition rs_w (i n : nat) : prog := rs_at p erf_as tiny_rs i n 0 0 0 200.

Definition rw_hv : list N := by_kind hv_w ++ [N.of_nat (work hv_w)].
Definition rw_rs0 : list N := by_kind (rs_w 0 1) ++ [N.of_nat (work (rs_w 0 1))].
Definition rw_rs1 : list N := by_kind (rs_w 1 4) ++ [N.of_nat (work (rs_w 1 4))].

Example rw_head_values : [rw_hv; rw_rs0; rw_rs1] =
  [[1784; 2028; 96; 60; 88; 12; 4068]; [908; 1006; 54; 30; 38; 6; 2042];
   [7184; 8144; 384; 240; 352; 48; 16352]]%N.
Proof. unfold rw_hv, rw_rs0, rw_rs1. rewrite !krow_spec. vm_eq. Qed.
