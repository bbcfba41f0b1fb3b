(** * Exact work of the flow head's Block_v1 (released FlowAR)

    [Pipeline/ReleasedFlowBlock.v] ([b1_at]) is the released AR block of
    [Pipeline/ReleasedBlock.v] with per-token modulation rows ([SiLU(t + c)]
    for each of the [N] tokens: the adaLN linear map runs [N] times) and
    unmasked attention ([lim = N]).  Its exact work, for every size, is the
    AR block's ([rb_work], Runtime/ReleasedBlockCost.v) with [N] modulation
    rows instead of one ([b1_at_work]):
    {v work(b1) = rb_work(lim = N) + (N − 1)·(4d + 6d·2d) v} *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import Common AttnCommon MLP RMSNorm SiLU GELU SwiGLU AdaLN RoPE
  RAttention.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedFlowBlock.
From FlowARProofs.Runtime Require Import ReleasedBlockCost.
Import ListNotations.
Set Default Goal Selector "!".

(** The Block_v1 work: [N] modulation rows, unmasked attention. *)
Definition b1_work E D N : nat :=
  let d := rb_d D in
  rb_work E D N (fun _ => N) + (N - 1) * (d * 4 + 6 * d * (d + (d - 1) + 1)).

Theorem b1_at_work p E D N wo go cto sto r :
  1 <= N -> erf_work_const E -> work (b1_at p E D N wo go cto sto r) = b1_work E D N.
Proof.
  intros HN HE. unfold b1_at, b1_work, rb_work, rb_dh. cbn [work].
  rewrite !keep_work_zero, adamod_at_work, !rms_at_work, rmha_at_work, swiglu_at_work, HE
    by (intros; lia).
  destruct (modulate_at_counts p (fun i => i * rb_d D) (chunk6 (2 * (N * rb_d D)) (rb_d D) 2)
              (chunk6 (2 * (N * rb_d D)) (rb_d D) 4) N (rb_d D)) as (_ & _ & -> & _).
  destruct (modulate_at_counts p (fun i => i * rb_d D) (chunk6 (2 * (N * rb_d D)) (rb_d D) 3)
              (chunk6 (2 * (N * rb_d D)) (rb_d D) 5) N (rb_d D)) as (_ & _ & -> & _).
  destruct (gate_at_counts (fun i => N * rb_d D + i * rb_d D) (fun i => i * rb_d D)
              (chunk6 (2 * (N * rb_d D)) (rb_d D) 0) N (rb_d D)) as (_ & _ & -> & _).
  destruct (gate_at_counts (fun i => N * rb_d D + i * rb_d D) (fun i => i * rb_d D)
              (chunk6 (2 * (N * rb_d D)) (rb_d D) 1) N (rb_d D)) as (_ & _ & -> & _).
  destruct N as [|N']; [lia|]. rewrite Nat.sub_succ, Nat.sub_0_r. lia.
Qed.
