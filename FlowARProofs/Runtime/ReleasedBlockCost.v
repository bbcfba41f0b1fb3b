(** * Exact work of the released multi-head attention and the released block

    [Modules/RAttention.v] proves the exact work of one released attention
    head ([rattn_at_work]) and [Pipeline/ReleasedBlock.v] the depth of the
    released adaLN block; this file adds the exact work, for every size:
    - [rmha_at_work]: [H] heads, then the output projection with its bias,
      [N·d] dot products of length [H·dh] and [N·d] bias additions:
      {v work = H · work(head) + N · d · (H·dh + (H·dh − 1) + 1) v}
    - [rb_at_work]: the block's stages (modulation row, two RMSNorms, two
      modulations, attention, SwiGLU, two gated residuals; the rest is
      wiring):
      {v work = work(adamod 1 d 6d) + 2·N·(3d + 3) + 2·3·N·d + work(rmha)
             + work(SwiGLU) + 2·2·N·d v}
      with each term the module's closed form ([rb_at_work_closed]).
    The numpy released variant's counts are compared with these at concrete
    shapes in [Witnesses/ReleasedWork.v]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import Common AttnCommon MLP RMSNorm SiLU GELU SwiGLU AdaLN RoPE
  RAttention.
From FlowARProofs.Pipeline Require Import ReleasedBlock.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (N c e h H d : nat) (lim : nat -> nat).

Lemma keep_work_zero a g : work (keep a g) = 0.
Proof. apply keep_counts. Qed.

(** ** One head's work, as a function *)

Definition rattn_work N c e h lim : nat :=
  N * (2 * h * (c + (c - 1) + 1)) + 2 * (N * (2 * h * (e + (e - 1) + 1))) + 2 * (N * (7 * h))
  + (2 * h + (2 * h - 1) + 2) * list_sum (map lim (seq 0 N))
  + list_sum (map (fun i => lim i - 1) (seq 0 N))
  + 2 * h * list_sum (map (fun i => lim i + (lim i - 1)) (seq 0 N)) + N * (2 * h).

(** ** The output projection *)

Lemma rmha_proj_at_work N dh H d :
  work (rmha_proj_at N dh H d) = N * (d * (H * dh + (H * dh - 1) + 1)).
Proof.
  unfold rmha_proj_at. cbn [work]. apply list_sum_seq_const. intros i _.
  apply list_sum_seq_const. intros t _. cbn [work op_work].
  destruct (dot_prog_counts (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
              (fun m => H * (N * dh) + (m * d + t))) as (_ & _ & -> & _).
  lia.
Qed.

(** ** Multi-head attention *)

Theorem rmha_at_work offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
    N c e h H d scale lim :
  (forall i, i < N -> lim i <= N) ->
  work (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e (2 * h) H d scale lim)
  = H * rattn_work N c e h lim + N * (d * (H * (2 * h) + (H * (2 * h) - 1) + 1)).
Proof.
  intros Hlim. unfold rmha_at. cbn [work]. rewrite rmha_proj_at_work.
  destruct (gather_counts [(offO, H * (2 * h) * d); (offbO, d)]) as (_ & _ & -> & _).
  rewrite (list_sum_seq_const _ H (rattn_work N c e h lim)); [lia|].
  intros k _. rewrite (rattn_at_work _ _ _ _ _ _ _ _ _ _ N c e h scale lim Hlim). reflexivity.
Qed.

(** ** The released block *)

Definition rb_work E D N lim : nat :=
  let d := rb_d D in let hh := rb_hh D in let H := rb_H D in
  (1 * (d * 4) + 1 * (6 * d * (d + (d - 1) + 1)))                       (* modulation row *)
  + 2 * (N * (2 * d + (d - 1) + 4))                                     (* two RMSNorms *)
  + 2 * (N * (d * 3))                                                   (* two modulations *)
  + (H * rattn_work N d d hh lim + N * (d * (H * (2 * hh) + (H * (2 * hh) - 1) + 1)))
  + (2 * (N * (rb_dff D * (d + (d - 1) + 1))) + N * (rb_dff D * (5 + work (erf_prog E 0)))
     + N * (d * (rb_dff D + (rb_dff D - 1) + 1)))                        (* SwiGLU *)
  + 2 * (N * (d * 2)).                                                  (* two gated residuals *)

(** The erf routine's work does not depend on the precision (only its constants do). *)
Definition erf_work_const E : Prop := forall p, work (erf_prog E p) = work (erf_prog E 0).

Theorem rb_at_work p E D N lim wo go co cto sto r :
  (forall i, i < N -> lim i <= N) -> erf_work_const E ->
  work (rb_at p E D N lim wo go co cto sto r) = rb_work E D N lim.
Proof.
  intros Hlim HE. unfold rb_at, rb_work, rb_dh. cbn [work].
  rewrite !keep_work_zero, adamod_at_work, !rms_at_work, rmha_at_work, swiglu_at_work, HE
    by exact Hlim.
  destruct (modulate_at_counts p (fun i => i * rb_d D) (fun _ => 2 * (N * rb_d D) + 2 * rb_d D)
              (fun _ => 2 * (N * rb_d D) + 4 * rb_d D) N (rb_d D)) as (_ & _ & -> & _).
  destruct (modulate_at_counts p (fun i => i * rb_d D) (fun _ => 2 * (N * rb_d D) + 3 * rb_d D)
              (fun _ => 2 * (N * rb_d D) + 5 * rb_d D) N (rb_d D)) as (_ & _ & -> & _).
  destruct (gate_at_counts (fun i => N * rb_d D + i * rb_d D) (fun i => i * rb_d D)
              (fun _ => 2 * (N * rb_d D) + 0 * rb_d D) N (rb_d D)) as (_ & _ & -> & _).
  destruct (gate_at_counts (fun i => N * rb_d D + i * rb_d D) (fun i => i * rb_d D)
              (fun _ => 2 * (N * rb_d D) + 1 * rb_d D) N (rb_d D)) as (_ & _ & -> & _).
  lia.
Qed.
