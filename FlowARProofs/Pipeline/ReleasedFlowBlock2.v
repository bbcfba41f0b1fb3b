(** * The flow head's [Block_v2] of released FlowAR (FlowAR-L/H), as a program on a state

    [Block_v2.forward(x, t, c, condition)] (wangqiang9/FlowAR,
    models/flowmodel.py), [cross=True] in [flowar_large] / [flowar_huge]:
    {v
      (γ₁, s₁, b₁) = ada_lin_attn(SiLU(t))       one row (B, 1, 3, d), broadcast over the tokens
      (γ₂, s₂, b₂) = ada_lin_mlp(SiLU(c + t))    per token (B, N, 3, d)
      X₁ = X  + γ₁ · attn(RMSNorm(X) · (1 + s₁) + b₁)                 self-attention, RoPE
      X₂ = X₁ + crossattn(RMSNorm_w(X₁; w₁), RMSNorm_w(Z; w₂))          queries X₁ (width d),
                                                                        keys/values Z (width w)
      X₃ = X₂ + γ₂ · SwiGLU(RMSNorm(X₂) · (1 + s₂) + b₂)
    v}
    with [Z = condition] the AR output of this scale ([N × w], [w] the AR
    width, [semantic_dim]), [RMSNorm_w] the RMSNorm with weight
    ([norm2_1], [norm2_2]), and the cross-attention of Modules/RAttention.v
    ([frmha] with [Y = Z], RoPE on queries and keys, no adaLN, plain
    residual).

    Layout ([b2_*]): the layout of Pipeline/ReleasedBlock.v ([rb_size D])
    with its [d × 6d + 6d] modulation region holding the two [d × 3d]
    matrices (attention at [o_mw D], MLP at [o_mw D + d·3d]) and the two
    [3d] biases (at [o_mb D], [o_mb D + 3d]); its self-attention and SwiGLU
    parts as there ([frb_attn], [frb_mlp]); then the cross-attention heads
    (q: [d × dh], k, v: [w × dh], with biases — the code has
    [qkv_bias=False]: zeros), its projection with bias, and the two RMSNorm
    weights.

    The program [b2_at] runs on [flat X ++ R] with [CT = c + t] at [0] in
    [R], the time embedding [t] ([1 × d]) at [N·d] in [R], [Z] at [oz] in
    [R] and the weights in [G] at [go + wo] ([R = Ev ++ G]); it returns
    [flat X₃ ++ R] ([b2_at_correct]); depth [b2_depth P E]
    ([b2_at_wdepth]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon MLP Pointwise RMSNorm SiLU GELU SwiGLU
  AdaLN RoPE RAttention.
From FlowARProofs.Pipeline Require Import Layer ReleasedBlock ReleasedFlowBlock.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (E : ErfImpl) (D : RDims) (X CT Te Z : mat) (R G Ev : list flt)
  (p N w wo go cto sto oz r : nat).

(** ** Weight layout (offsets from [wo]) *)

Definition b2_amw (D : RDims) := o_mw D.                                  (* d × 3d *)
Definition b2_mmw D := o_mw D + rb_d D * (3 * rb_d D).                    (* d × 3d *)
Definition b2_amb D := o_mb D.                                            (* 1 × 3d *)
Definition b2_mmb D := o_mb D + 3 * rb_d D.                               (* 1 × 3d *)
Definition b2_xhs D w := rb_d D * rb_dh D + rb_dh D + 2 * (w * rb_dh D + rb_dh D).
Definition b2_xq D w k := rb_size D + k * b2_xhs D w.
Definition b2_xbq D w k := b2_xq D w k + rb_d D * rb_dh D.
Definition b2_xk D w k := b2_xbq D w k + rb_dh D.
Definition b2_xbk D w k := b2_xk D w k + w * rb_dh D.
Definition b2_xv D w k := b2_xbk D w k + rb_dh D.
Definition b2_xbv D w k := b2_xv D w k + w * rb_dh D.
Definition b2_xpO D w := b2_xq D w (rb_H D).                              (* (H·dh) × d *)
Definition b2_xpb D w := b2_xpO D w + rb_H D * rb_dh D * rb_d D.          (* 1 × d *)
Definition b2_n1 D w := b2_xpb D w + rb_d D.                              (* 1 × d *)
Definition b2_n2 D w := b2_n1 D w + rb_d D.                               (* 1 × w *)
Definition b2_size D w := b2_n2 D w + w.

(** ** Semantics *)

Section sem.
  Context (P : FloatPrimitivesTC0) (p : nat) (E : ErfImpl) (D : RDims) (w : nat) (G : list flt).
  Context (wo cto sto N : nat) (CT Te Z : mat).

  Let d := rb_d D.
  Let dh := rb_dh D.
  Let Wt o r c := rd G (wo + o) r c.

  Definition fb2_amod : mat := fadamod P p d Te (Wt (b2_amw D) d (3 * d)) (Wt (b2_amb D) 1 (3 * d)).
  Definition fb2_mmod : mat := fadamod P p d CT (Wt (b2_mmw D) d (3 * d)) (Wt (b2_mmb D) 1 (3 * d)).
  Definition fb2_ach (k : nat) : mat := fun _ l => fb2_amod 0 (k * d + l).
  Definition fb2_mch (k : nat) : mat := fun i l => fb2_mmod i (k * d + l).

  Definition fb2_x1 (X : mat) : mat :=
    fgate p X (frb_attn P p D G wo cto sto (fun _ => N) N
                 (fmodulate p (frms P p d (rms_eps p) X) (fb2_ach 1) (fb2_ach 2)))
          (fb2_ach 0).

  Definition fb2_cross (X1 : mat) : mat :=
    frmha P p d w dh (rb_H D) (rb_scale p D) (fun _ => N)
      (frmsw P p d (rms_eps p) (Wt (b2_n1 D w) 1 d) X1) (frmsw P p w (rms_eps p) (Wt (b2_n2 D w) 1 w) Z)
      (fun k => Wt (b2_xq D w k) d dh) (fun k => Wt (b2_xbq D w k) 1 dh)
      (fun k => Wt (b2_xk D w k) w dh) (fun k => Wt (b2_xbk D w k) 1 dh)
      (fun k => Wt (b2_xv D w k) w dh) (fun k => Wt (b2_xbv D w k) 1 dh)
      (rd G cto N dh) (rd G sto N dh) (Wt (b2_xpO D w) (rb_H D * dh) d) (Wt (b2_xpb D w) 1 d).

  Definition fb2_x2 (X : mat) : mat :=
    let X1 := fb2_x1 X in let A := fb2_cross X1 in fun i j => fadd p (X1 i j) (A i j).

  Definition fblock2 (X : mat) : mat :=
    let X2 := fb2_x2 X in
    fgate p X2 (frb_mlp P p E D G wo (fmodulate p (frms P p d (rms_eps p) X2) (fb2_mch 1) (fb2_mch 2)))
          (fb2_mch 0).
End sem.

(** ** Program on [flat X ++ R] *)

(** Row [i], chunk [k] of an [N × 3d] block at [off]. *)
Definition chunk3 off d k : nat -> nat := fun i => off + (i * (3 * d) + k * d).

Definition b2_at p E D w N wo go cto sto oz r : prog :=
  let d := rb_d D in let dh := rb_dh D in let H := rb_H D in let dff := rb_dff D in
  let nd := N * d in let q := 3 * d + N * (3 * d) in let t := q + r in let nw := N * w in
  let g k o := k + go + (wo + o) in
  let lim := fun _ : nat => N in
  let gate o := PPar (gate_at (fun i => nd + i * d) (fun i => i * d) o N d) (keep (2 * nd) t) in
  let rms := PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (nd + t)) in
  (* 1: [X ; M₁ ; M₂ ; R] *)
  PSeq (PPar (keep 0 nd) (PPar (adamod_at p (nd + nd) (g nd (b2_amw D)) (g nd (b2_amb D)) 1 d (3 * d))
                         (PPar (adamod_at p nd (g nd (b2_mmw D)) (g nd (b2_mmb D)) N d (3 * d))
                               (keep nd r))))
  (* 2–5: [X₁ ; M₁ ; M₂ ; R] *)
  (PSeq rms
  (PSeq (PPar (modulate_at p (fun i => i * d) (fun _ => 2 * nd + 1 * d) (fun _ => 2 * nd + 2 * d) N d)
              (keep nd (nd + t)))
  (PSeq (PPar (rmha_at 0 0 (fun k => g (2 * nd + q) (o_hq D k)) (fun k => g (2 * nd + q) (o_hbq D k))
                       (fun k => g (2 * nd + q) (o_hk D k)) (fun k => g (2 * nd + q) (o_hbk D k))
                       (fun k => g (2 * nd + q) (o_hv D k)) (fun k => g (2 * nd + q) (o_hbv D k))
                       (2 * nd + q + go + cto) (2 * nd + q + go + sto)
                       (g (2 * nd + q) (o_pO D)) (g (2 * nd + q) (o_pb D))
                       N d d dh H d (rb_scale p D) lim)
              (keep nd (nd + t)))
  (PSeq (gate (fun _ => 2 * nd + 0 * d))
  (* 6–8: [X₂ ; M₁ ; M₂ ; R] *)
  (PSeq (PPar (rmsw_at p (rms_eps p) 0 (g (nd + q) (b2_n1 D w)) N d)
        (PPar (rmsw_at p (rms_eps p) (nd + q + oz) (g (nd + q) (b2_n2 D w)) N w)
              (keep 0 (nd + t))))
  (PSeq (PPar (rmha_at 0 nd (fun k => g (2 * nd + nw + q) (b2_xq D w k))
                       (fun k => g (2 * nd + nw + q) (b2_xbq D w k))
                       (fun k => g (2 * nd + nw + q) (b2_xk D w k))
                       (fun k => g (2 * nd + nw + q) (b2_xbk D w k))
                       (fun k => g (2 * nd + nw + q) (b2_xv D w k))
                       (fun k => g (2 * nd + nw + q) (b2_xbv D w k))
                       (2 * nd + nw + q + go + cto) (2 * nd + nw + q + go + sto)
                       (g (2 * nd + nw + q) (b2_xpO D w)) (g (2 * nd + nw + q) (b2_xpb D w))
                       N d w dh H d (rb_scale p D) lim)
              (keep (nd + nw) (nd + t)))
  (PSeq (PPar (ew_prog N d (OBin BAdd) (fun i j => [FIn (nd + (i * d + j)); FIn (i * d + j)]))
              (keep (2 * nd) t))
  (* 9–12: [X₃ ; M₁ ; M₂ ; R] *)
  (PSeq rms
  (PSeq (PPar (modulate_at p (fun i => i * d) (chunk3 (2 * nd + 3 * d) d 1) (chunk3 (2 * nd + 3 * d) d 2) N d)
              (keep nd (nd + t)))
  (PSeq (PPar (swiglu_at p E 0 (g (2 * nd + q) (o_wg D)) (g (2 * nd + q) (o_bg D))
                         (g (2 * nd + q) (o_wx D)) (g (2 * nd + q) (o_bx D))
                         (g (2 * nd + q) (o_w2 D)) (g (2 * nd + q) (o_b2 D)) N d dff)
              (keep nd (nd + t)))
  (PSeq (gate (chunk3 (2 * nd + 3 * d) d 0))
  (* 13: drop [M₁ ; M₂] *)
        (PPar (keep 0 nd) (keep (nd + q) r))))))))))))).

(** ** Correctness *)

Lemma block_tail pre R off o r c A : block R o r c A -> off = length pre + o -> block (pre ++ R) off r c A.
Proof. intros H ->. apply block_app_r, H. Qed.

Lemma rblock_chunk3 xs off d k N (M : mat) :
  k < 3 -> block xs off N (3 * d) M -> rblock xs (chunk3 off d k) N d (fun i l => M i (k * d + l)).
Proof. intros Hk HM. exact (rblock_chunk xs off N 3 d k M Hk HM). Qed.

Lemma rblock_bcast_chunk xs off d k (M : mat) N :
  k < 3 -> block xs off 1 (3 * d) M -> rblock xs (fun _ => off + k * d) N d (fun _ l => M 0 (k * d + l)).
Proof. intros Hk HM i l _ Hl. rewrite <- HM by nia. f_equal. lia. Qed.

Local Ltac lens := rewrite ?app_length, ?flat_length; lia.

Local Ltac wts := rewrite ?app_assoc; apply block_rd_at; lens.
(** A block of [R = Ev ++ G] in a state [… ++ Ev ++ G]. *)
Local Ltac bR H G := rewrite ?app_assoc, <- (app_assoc _ _ G); eapply block_tail; [exact H|lens].

Theorem b2_at_correct P p E D w N wo cto sto oz X CT Te Z Ev G :
  block (Ev ++ G) 0 N (rb_d D) CT -> block (Ev ++ G) (N * rb_d D) 1 (rb_d D) Te ->
  block (Ev ++ G) oz N w Z ->
  peval P p (b2_at p E D w N wo (length Ev) cto sto oz (length Ev + length G))
        (flat N (rb_d D) X ++ Ev ++ G)
  = flat N (rb_d D) (fblock2 P p E D w G wo cto sto N CT Te Z X) ++ Ev ++ G.
Proof.
  intros HCT HTe HZ. unfold b2_at, fblock2, fb2_x2, fb2_x1. cbv beta zeta.
  set (d := rb_d D) at 1. set (dh := rb_dh D). set (H := rb_H D).
  assert (Hdh : Nat.even dh = true) by (apply Nat.even_spec; exists (rb_hh D); reflexivity).
  set (M1 := fb2_amod P p D G wo Te). set (M2 := fb2_mmod P p D G wo CT).
  assert (HM1 : forall (A B : mat) ys,
            block (flat N (rb_d D) A ++ (flat N (rb_d D) B ++ (flat 1 (3 * rb_d D) M1 ++ ys)))
                  (2 * (N * rb_d D)) 1 (3 * rb_d D) M1).
  { intros A B ys. apply block_cons_flat with (off := N * rb_d D); [lia|].
    apply block_cons_flat with (off := 0); [lia|]. apply block_front. }
  assert (HM2 : forall (A B : mat) ys,
            block (flat N (rb_d D) A ++ (flat N (rb_d D) B ++ (flat 1 (3 * rb_d D) M1
                                                               ++ (flat N (3 * rb_d D) M2 ++ ys))))
                  (2 * (N * rb_d D) + 3 * rb_d D) N (3 * rb_d D) M2).
  { intros A B ys. apply block_cons_flat with (off := N * rb_d D + 3 * rb_d D); [lia|].
    apply block_cons_flat with (off := 3 * rb_d D); [lia|].
    apply block_cons_flat with (off := 0); [lia|]. apply block_front. }
  (* stage 1: [X ; M₁ ; M₂ ; R] *)
  rewrite peval_PSeq, !peval_PPar, (keep_block P p _ 0 N (rb_d D) X) by apply block_front.
  rewrite (adamod_at_correct P p _ _ _ _ 1 (rb_d D) (3 * rb_d D) Te (rd G (wo + b2_amw D) (rb_d D) (3 * rb_d D))
             (rd G (wo + b2_amb D) 1 (3 * rb_d D))).
  2: bR HTe G.
  2, 3: wts.
  rewrite (adamod_at_correct P p _ _ _ _ N (rb_d D) (3 * rb_d D) CT (rd G (wo + b2_mmw D) (rb_d D) (3 * rb_d D))
             (rd G (wo + b2_mmb D) 1 (3 * rb_d D))).
  2: bR HCT G.
  2, 3: wts.
  rewrite (keep_app P p (flat N (rb_d D) X) (Ev ++ G)) by lens.
  fold M1 M2.
  (* stages 2–5: as in the AR block, with the broadcast chunks of M₁ *)
  apply (rb_half_correct P p N _ _ _ _ _ _ X _ (fb2_ach P p D G wo Te 1) (fb2_ach P p D G wo Te 2)
           (fb2_ach P p D G wo Te 0) (frb_attn P p D G wo cto sto (fun _ => N) N));
    [lens|intros; apply rblock_bcast_chunk; [lia|apply HM1]..
    |intros; apply rb_attn_sub_correct; [intros; lia|apply block_front|intros; wts|wts..]|].
  (* stage 6: the two weighted RMSNorms *)
  set (X1 := fgate p X _ (fb2_ach P p D G wo Te 0)).
  rewrite peval_PSeq, !peval_PPar.
  rewrite (rmsw_at_correct P p _ _ _ _ N (rb_d D) X1 (rd G (wo + b2_n1 D w) 1 (rb_d D))).
  2: apply block_front.
  2: wts.
  rewrite (rmsw_at_correct P p _ _ _ _ N w Z (rd G (wo + b2_n2 D w) 1 w)).
  2: bR HZ G.
  2: wts.
  rewrite keep0 by lens.
  (* stage 7: cross-attention *)
  pose (Q1 := frmsw P p (rb_d D) (rms_eps p) (rd G (wo + b2_n1 D w) 1 (rb_d D)) X1).
  pose (K1 := frmsw P p w (rms_eps p) (rd G (wo + b2_n2 D w) 1 w) Z).
  rewrite peval_PSeq, peval_PPar.
  rewrite (rmha_at_correct P p _ 0 (N * rb_d D) _ _ _ _ _ _ _ _ _ _ N (rb_d D) w dh H (rb_d D) (rb_scale p D)
             (fun _ => N) Q1 K1
             (fun k => rd G (wo + b2_xq D w k) (rb_d D) dh) (fun k => rd G (wo + b2_xbq D w k) 1 dh)
             (fun k => rd G (wo + b2_xk D w k) w dh) (fun k => rd G (wo + b2_xbk D w k) 1 dh)
             (fun k => rd G (wo + b2_xv D w k) w dh) (fun k => rd G (wo + b2_xbv D w k) 1 dh)
             (rd G cto N dh) (rd G sto N dh) (rd G (wo + b2_xpO D w) (H * dh) (rb_d D))
             (rd G (wo + b2_xpb D w) 1 (rb_d D))).
  2: intros; lia.
  2: exact Hdh.
  2: apply block_front.
  2: apply block_cons_flat with (off := 0); [lia|apply block_front].
  2: { intros k _. repeat split; wts. }
  2-5: wts.
  rewrite app_assoc, (keep_app P p (flat N (rb_d D) _ ++ flat N w _) _) by lens.
  (* stage 8: plain residual *)
  pose (Ac := fb2_cross P p D w G wo cto sto N Z X1).
  rewrite peval_PSeq, peval_PPar, ew_prog_correct.
  rewrite app_assoc, (keep_app P p (flat N (rb_d D) _ ++ flat N (rb_d D) X1) _) by lens.
  pose (X2 := fun i j => fadd p (X1 i j) (Ac i j)).
  match goal with |- peval _ _ _ (flat N _ ?F ++ _) = _ =>
    replace (flat N (rb_d D) F) with (flat N (rb_d D) X2) end.
  2: { apply flat_ext. intros i j Hi Hj. cbn [map fsrc_val opsem binsem nth].
       rewrite <- app_assoc, (block_second N _ _ _ _ i j Hi Hj), (block_front N _ _ _ i j Hi Hj).
       reflexivity. }
  (* stages 9–12: as in the AR block, with the per-token chunks of M₂ *)
  apply (rb_half_correct P p N _ _ _ _ _ _ _ _ (fb2_mch P p D G wo CT 1) (fb2_mch P p D G wo CT 2)
           (fb2_mch P p D G wo CT 0) (frb_mlp P p E D G wo));
    [lens|intros; apply rblock_chunk3; [lia|apply HM2]..
    |intros; apply rb_mlp_sub_correct; [apply block_front|intros; wts]|].
  (* stage 13: drop M₁, M₂ *)
  rewrite (app_assoc (flat 1 (3 * rb_d D) M1)), drop_stage_correct by lens. reflexivity.
Qed.

(** ** Typing *)

Lemma b2_offsets_le D w :
  b2_amw D + rb_d D * (3 * rb_d D) <= b2_mmw D /\ b2_mmw D + rb_d D * (3 * rb_d D) <= b2_amb D
  /\ b2_amb D + 3 * rb_d D <= b2_mmb D /\ b2_mmb D + 3 * rb_d D <= o_hq D 0
  /\ rb_size D <= b2_xq D w 0 /\ b2_xq D w 0 <= b2_xpO D w
  /\ b2_xpO D w + rb_H D * rb_dh D * rb_d D <= b2_xpb D w /\ b2_xpb D w + rb_d D <= b2_n1 D w
  /\ b2_n1 D w + rb_d D <= b2_n2 D w /\ b2_n2 D w + w <= b2_size D w.
Proof.
  pose proof (rb_offsets_le D).
  unfold b2_size, b2_n2, b2_n1, b2_xpb, b2_xpO, b2_xq, b2_mmb, b2_amb, b2_mmw, b2_amw in *.
  unfold o_mb, o_mw in *. lia.
Qed.

Lemma b2_xhead_bounds D w k :
  k < rb_H D ->
  b2_xq D w k + rb_d D * rb_dh D <= b2_size D w /\ b2_xbq D w k + rb_dh D <= b2_size D w
  /\ b2_xk D w k + w * rb_dh D <= b2_size D w /\ b2_xbk D w k + rb_dh D <= b2_size D w
  /\ b2_xv D w k + w * rb_dh D <= b2_size D w /\ b2_xbv D w k + rb_dh D <= b2_size D w.
Proof.
  intros Hk. pose proof (b2_offsets_le D w) as Ho.
  assert (b2_xbv D w k + rb_dh D <= b2_xpO D w).
  { assert (S k * b2_xhs D w <= rb_H D * b2_xhs D w) by (apply Nat.mul_le_mono_r; lia).
    unfold b2_xbv, b2_xv, b2_xbk, b2_xk, b2_xbq, b2_xpO, b2_xq in *. unfold b2_xhs in *. lia. }
  unfold b2_xbv, b2_xv, b2_xbk, b2_xk, b2_xbq in *. lia.
Qed.

Local Ltac arity_simpl :=
  repeat (change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b)
          || change (arity_out (PSeq ?a ?b)) with (arity_out b));
  rewrite ?keep_arity, ?adamod_at_arity, ?rms_at_arity, ?rmsw_at_arity, ?modulate_at_arity,
    ?rmha_at_arity, ?gate_at_arity, ?swiglu_at_arity, ?ew_prog_arity.

Theorem b2_at_wt p E D w N wo go cto sto oz r :
  go + (wo + b2_size D w) <= r -> N * rb_d D + rb_d D <= r -> oz + N * w <= r ->
  go + cto + N * rb_dh D <= r -> go + sto + N * rb_dh D <= r ->
  pwt p (N * rb_d D + r) (b2_at p E D w N wo go cto sto oz r).
Proof.
  intros Hw Hc Hz Hct Hst. pose proof (b2_offsets_le D w) as Ho2.
  assert (Hw1 : go + (wo + rb_size D) <= r) by lia.
  assert (Hq0 : o_hq D 0 <= rb_size D) by (pose proof (rb_offsets_le D); lia).
  unfold b2_at, chunk3.
  set (d := rb_d D) in *. set (q := 3 * d + N * (3 * d)).
  (* 1: the two modulation rows *)
  apply (pwt_seq _ _ (N * d + (1 * (3 * d) + (N * (3 * d) + r)))).
  { split; [apply keep_wt_le; lia|]. split; [apply adamod_at_wt; lia|].
    split; [apply adamod_at_wt; lia|apply keep_wt_le; lia]. }
  { cbn [arity_out]. rewrite !keep_arity, !adamod_at_arity. reflexivity. }
  (* 2–5: as in the AR block, broadcast chunks *)
  apply rb_half_wt; [lia|apply (rbound_bcast 3); lia..|apply rb_attn_sub_wt; [intros; lia|lia..]|].
  (* 6: the two weighted RMSNorms *)
  apply (pwt_seq _ _ (N * d + (N * w + (N * d + (q + r))))).
  { split; [apply rmsw_at_wt; [apply fconst_valid|lia|lia]|].
    split; [apply rmsw_at_wt; [apply fconst_valid|lia|lia]|apply keep_wt_le; lia]. }
  { cbn [arity_out]. rewrite !rmsw_at_arity, keep_arity. reflexivity. }
  (* 7: cross-attention *)
  apply (pwt_seq _ _ (N * d + (N * d + (q + r)))).
  { split; [|apply keep_wt_le; lia]. unfold rb_dh in *.
    apply rmha_at_wt; try lia; [apply fconst_valid|].
    intros k Hk. pose proof (b2_xhead_bounds D w k Hk) as Hh. unfold rb_dh in Hh. fold d in Hh. lia. }
  { cbn [arity_out]. rewrite rmha_at_arity, keep_arity. reflexivity. }
  (* 8: plain residual *)
  apply (pwt_seq _ _ (N * d + (q + r))).
  { split; [|apply keep_wt_le; lia].
    apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
    assert (i * d + j < N * d) by (pose proof (row_le i N d Hi); lia).
    repeat constructor; cbn; lia. }
  { cbn [arity_out]. rewrite ew_prog_arity, keep_arity. reflexivity. }
  (* 9–12: as in the AR block, per-token chunks *)
  apply rb_half_wt; [lia|apply (rbound_rows 3); lia..|apply rb_mlp_sub_wt; lia|].
  split; apply keep_wt_le; lia.
Qed.

Lemma b2_at_arity p E D w N wo go cto sto oz r :
  arity_out (b2_at p E D w N wo go cto sto oz r) = N * rb_d D + r.
Proof. unfold b2_at. arity_simpl. lia. Qed.

(** ** Depth: a constant in the trust record's depths and the erf depth *)

Definition b2_depth P E : nat :=
  (5 * d_std P + d_sum P + d_exp P)                   (* the two modulation rows, in parallel *)
  + 2 * (5 * d_std P + d_sum P + d_sqrt P)             (* two RMSNorms *)
  + 2 * (3 * d_std P)                                  (* two modulations *)
  + (11 * d_std P + 4 * d_sum P + d_exp P)             (* self-attention *)
  + 2 * (2 * d_std P)                                  (* two gated residuals *)
  + (6 * d_std P + d_sum P + d_sqrt P)                 (* the two weighted RMSNorms, in parallel *)
  + (11 * d_std P + 4 * d_sum P + d_exp P)             (* cross-attention *)
  + d_std P                                            (* plain residual *)
  + (8 * d_std P + 2 * d_sum P + erf_depth E P).       (* SwiGLU *)

Lemma b2_depth_value P E :
  b2_depth P E = 62 * d_std P + 14 * d_sum P + 3 * d_exp P + 3 * d_sqrt P + erf_depth E P.
Proof. unfold b2_depth. lia. Qed.

Theorem b2_at_wdepth P p E D w N wo go cto sto oz r :
  wdepth (op_dbound P) (b2_at p E D w N wo go cto sto oz r) <= b2_depth P E.
Proof.
  unfold b2_at. eapply Nat.le_trans.
  { apply (wdepth_seq_le _ _ _ (5 * d_std P + d_sum P + d_exp P)).
    { cbn [wdepth]. rewrite !keep_wdepth.
      apply Nat.max_lub; [lia|]. apply Nat.max_lub; [apply adamod_at_wdepth|].
      apply Nat.max_lub; [apply adamod_at_wdepth|lia]. }
    apply rb_half_wdepth; [apply rb_attn_sub_wdepth|].
    apply (wdepth_seq_le _ _ _ (6 * d_std P + d_sum P + d_sqrt P)).
    { cbn [wdepth]. rewrite !keep_wdepth.
      apply Nat.max_lub; [apply rmsw_at_wdepth|]. apply Nat.max_lub; [apply rmsw_at_wdepth|lia]. }
    apply (wdepth_seq_le _ _ _ (11 * d_std P + 4 * d_sum P + d_exp P)).
    { cbn [wdepth]. rewrite !keep_wdepth. apply Nat.max_lub; [apply rmha_at_wdepth|lia]. }
    apply (wdepth_seq_le _ _ _ (d_std P)).
    { cbn [wdepth]. rewrite !keep_wdepth. apply Nat.max_lub; [|lia].
      eapply Nat.le_trans; [apply ew_prog_wdepth|]. cbn [op_dbound]. lia. }
    apply rb_half_wdepth; [apply rb_mlp_sub_wdepth|apply drop_wdepth]. }
  unfold b2_depth. lia.
Qed.
