(** * The flow head's blocks of released FlowAR ([Block_v1]), as programs on a state

    The velocity network [SimpleTransformerAdaLN] of released FlowAR
    (wangqiang9/FlowAR, models/flowmodel.py) stacks [Block_v1] (FlowAR-S,
    [cross=False]) or [Block_v2] (FlowAR-L/H, [cross=True]; see
    Pipeline/ReleasedFlowBlock2.v).  [Block_v1.forward(x, t, c, condition)]:
    {v
      (γ₁, γ₂, s₁, s₂, b₁, b₂) = ada_lin(SiLU(t + c))          per token: CT = t + c is N × d
      X₁ = X  + γ₁ · attn(RMSNorm(X)  · (1 + s₁) + b₁)         self-attention, RoPE, no mask
      X₂ = X₁ + γ₂ · SwiGLU(RMSNorm(X₁) · (1 + s₂) + b₂)
    v}
    It is the released AR block of Pipeline/ReleasedBlock.v with two
    differences: the modulation rows are per token ([.view(B, N, 6, d)]:
    [t] is the broadcast time embedding, [c] the per-token [cond_embed] of
    the AR output), and the attention is unmasked ([lim = N]).  So we reuse
    [RDims], its weight layout [o_*]/[rb_size] (ada_lin [d × 6d] with bias,
    [H] heads of q/k/v with biases, proj with bias, SwiGLU) and its
    sub-layer semantics [frb_attn], [frb_mlp]; the code's flow-head
    attention has [qkv_bias=False]: the q/k/v bias slots of the layout hold
    zeros (docs/deviations.md).  [x + CT] is computed once by the velocity
    network (Pipeline/ReleasedFlowHead.v) and passed in: [t + c] and
    [c + t] are the same float ([fadd_comm]).

    The program [b1_at] runs on [flat X ++ R], [CT] being the first
    [N × d] block of [R] and the weights in [G] at [go + wo] ([R = Ev ++ G],
    [go = |Ev|]); it returns [flat X₂ ++ R] ([b1_at_correct]).  Depth: the
    AR block's constant [rb_depth P E] ([b1_at_wdepth]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon MLP Pointwise RMSNorm SiLU GELU SwiGLU
  AdaLN RoPE RAttention.
From FlowARProofs.Pipeline Require Import Layer ReleasedBlock.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (E : ErfImpl) (D : RDims) (X CT : mat) (R G Ev : list flt)
  (p N wo go cto sto r : nat).

(** ** Semantics *)

Section sem.
  Context (P : FloatPrimitivesTC0) (p : nat) (E : ErfImpl) (D : RDims) (G : list flt).
  Context (wo cto sto N : nat) (CT : mat).

  Let d := rb_d D.

  (** The [N × 6d] modulation rows [ada_lin(SiLU(CT))] and their chunk [k]. *)
  Definition fb1_mod : mat :=
    fadamod P p d CT (rd G (wo + o_mw D) d (6 * d)) (rd G (wo + o_mb D) 1 (6 * d)).
  Definition fb1_chunk (k : nat) : mat := fun i l => fb1_mod i (k * d + l).

  Definition fb1_x1 (X : mat) : mat :=
    fgate p X (frb_attn P p D G wo cto sto (fun _ => N) N
                 (fmodulate p (frms P p d (rms_eps p) X) (fb1_chunk 2) (fb1_chunk 4)))
          (fb1_chunk 0).

  Definition fblock1 (X : mat) : mat :=
    let X1 := fb1_x1 X in
    fgate p X1 (frb_mlp P p E D G wo (fmodulate p (frms P p d (rms_eps p) X1) (fb1_chunk 3) (fb1_chunk 5)))
          (fb1_chunk 1).
End sem.

(** ** Program on [flat X ++ R] *)

(** Row [i], chunk [k] of an [N × 6d] block at [off]. *)
Definition chunk6 off d k : nat -> nat := fun i => off + (i * (6 * d) + k * d).

Definition b1_at p E D N wo go cto sto r : prog :=
  let d := rb_d D in let dh := rb_dh D in let H := rb_H D in let dff := rb_dff D in
  let nd := N * d in let m6 := N * (6 * d) in let t := m6 + r in
  let g k o := k + go + (wo + o) in
  let lim := fun _ : nat => N in
  let modul cs ch := PPar (modulate_at p (fun i => i * d) (chunk6 (2 * nd) d cs) (chunk6 (2 * nd) d ch) N d)
                          (keep nd (nd + t)) in
  let gate cg := PPar (gate_at (fun i => nd + i * d) (fun i => i * d) (chunk6 (2 * nd) d cg) N d)
                      (keep (2 * nd) t) in
  (* 1: [X ; M ; R] *)
  PSeq (PPar (keep 0 nd) (PPar (adamod_at p nd (g nd (o_mw D)) (g nd (o_mb D)) N d (6 * d))
                               (keep nd r)))
  (* 2–5: [X₁ ; M ; R] *)
  (PSeq (PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (nd + t)))
  (PSeq (modul 2 4)
  (PSeq (PPar (rmha_at 0 0 (fun k => g (2 * nd + m6) (o_hq D k)) (fun k => g (2 * nd + m6) (o_hbq D k))
                       (fun k => g (2 * nd + m6) (o_hk D k)) (fun k => g (2 * nd + m6) (o_hbk D k))
                       (fun k => g (2 * nd + m6) (o_hv D k)) (fun k => g (2 * nd + m6) (o_hbv D k))
                       (2 * nd + m6 + go + cto) (2 * nd + m6 + go + sto)
                       (g (2 * nd + m6) (o_pO D)) (g (2 * nd + m6) (o_pb D))
                       N d d dh H d (rb_scale p D) lim)
              (keep nd (nd + t)))
  (PSeq (gate 0)
  (* 6–9: [X₂ ; M ; R] *)
  (PSeq (PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (nd + t)))
  (PSeq (modul 3 5)
  (PSeq (PPar (swiglu_at p E 0 (g (2 * nd + m6) (o_wg D)) (g (2 * nd + m6) (o_bg D))
                         (g (2 * nd + m6) (o_wx D)) (g (2 * nd + m6) (o_bx D))
                         (g (2 * nd + m6) (o_w2 D)) (g (2 * nd + m6) (o_b2 D)) N d dff)
              (keep nd (nd + t)))
  (PSeq (gate 1)
  (* 10: drop [M] *)
        (PPar (keep 0 nd) (keep (nd + m6) r)))))))))).

(** ** Correctness *)

Lemma rblock_chunk6 xs off d k N (M : mat) :
  k < 6 -> block xs off N (6 * d) M -> rblock xs (chunk6 off d k) N d (fun i l => M i (k * d + l)).
Proof. intros Hk HM. exact (rblock_chunk xs off N 6 d k M Hk HM). Qed.

Local Ltac lens := rewrite ?app_length, ?flat_length; lia.

Local Ltac wts := rewrite ?app_assoc; apply block_rd_at; lens.
Local Ltac ch6 HM := apply rblock_chunk6; [lia|apply HM].

Theorem b1_at_correct P p E D N wo cto sto X CT Ev G :
  block (Ev ++ G) 0 N (rb_d D) CT ->
  peval P p (b1_at p E D N wo (length Ev) cto sto (length Ev + length G))
        (flat N (rb_d D) X ++ Ev ++ G)
  = flat N (rb_d D) (fblock1 P p E D G wo cto sto N CT X) ++ Ev ++ G.
Proof.
  intros HCT. unfold b1_at. cbv beta zeta.
  set (M := fb1_mod P p D G wo CT).
  assert (HMb : forall (A B : mat) ys,
            block (flat N (rb_d D) A ++ (flat N (rb_d D) B ++ (flat N (6 * rb_d D) M ++ ys)))
                  (2 * (N * rb_d D)) N (6 * rb_d D) M).
  { intros A B ys. apply block_cons_flat with (off := N * rb_d D); [lia|].
    apply block_cons_flat with (off := 0); [lia|]. apply block_front. }
  rewrite peval_PSeq, (rb_ada_stage_correct P p D G wo N N _ _ X CT);
    [|apply block_cons_flat with (off := 0); [lia|exact HCT]|lens|intros; wts]. fold M.
  apply (rb_half_correct P p N _ _ _ _ _ _ X _ (fb1_chunk P p D G wo CT 2) (fb1_chunk P p D G wo CT 4)
           (fb1_chunk P p D G wo CT 0) (frb_attn P p D G wo cto sto (fun _ => N) N));
    [lens|intros; ch6 HMb..|intros; apply rb_attn_sub_correct; [intros; lia|apply block_front|intros; wts|wts..]|].
  apply (rb_half_correct P p N _ _ _ _ _ _ _ _ (fb1_chunk P p D G wo CT 3) (fb1_chunk P p D G wo CT 5)
           (fb1_chunk P p D G wo CT 1) (frb_mlp P p E D G wo));
    [lens|intros; ch6 HMb..|intros; apply rb_mlp_sub_correct; [apply block_front|intros; wts]|].
  rewrite drop_stage_correct by lens. reflexivity.
Qed.

(** ** Typing *)

Local Ltac arity_simpl :=
  repeat (change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b)
          || change (arity_out (PSeq ?a ?b)) with (arity_out b));
  rewrite ?keep_arity, ?adamod_at_arity, ?rms_at_arity, ?modulate_at_arity, ?rmha_at_arity,
    ?gate_at_arity, ?swiglu_at_arity.

Theorem b1_at_wt p E D N wo go cto sto r :
  go + (wo + rb_size D) <= r -> N * rb_d D <= r ->
  go + cto + N * rb_dh D <= r -> go + sto + N * rb_dh D <= r ->
  pwt p (N * rb_d D + r) (b1_at p E D N wo go cto sto r).
Proof.
  intros Hw Hc Hct Hst. unfold b1_at, chunk6. cbv beta zeta.
  apply rb_ada_stage_wt; [lia..|].
  apply rb_half_wt; [lia|apply (rbound_rows 6); lia..|apply rb_attn_sub_wt; [intros; lia|lia..]|].
  apply rb_half_wt; [lia|apply (rbound_rows 6); lia..|apply rb_mlp_sub_wt; lia|].
  split; apply keep_wt_le; lia.
Qed.

Lemma b1_at_arity p E D N wo go cto sto r :
  arity_out (b1_at p E D N wo go cto sto r) = N * rb_d D + r.
Proof. unfold b1_at. arity_simpl. reflexivity. Qed.

(** ** Depth: the AR block's constant *)

Theorem b1_at_wdepth P p E D N wo go cto sto r :
  wdepth (op_dbound P) (b1_at p E D N wo go cto sto r) <= rb_depth P E.
Proof.
  unfold b1_at. eapply Nat.le_trans.
  { apply wdepth_seq_le; [apply rb_ada_stage_wdepth|].
    apply rb_half_wdepth; [apply rb_attn_sub_wdepth|].
    apply rb_half_wdepth; [apply rb_mlp_sub_wdepth|apply drop_wdepth]. }
  unfold rb_depth. lia.
Qed.
