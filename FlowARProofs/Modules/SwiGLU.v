(** * The released gated MLP (timm SwiGLU with GELU) is in TC0

    Released FlowAR's MLP is timm's [SwiGLU] with [act_layer = nn.GELU] and
    hidden width [int(d · 4 · 2/3)] (wangqiang9/FlowAR, models/flowar.py
    [Block], models/flowmodel.py [Block_v1]/[Block_v2]); timm's forward is
    {v
      x_gate = fc1_g(x);  x = fc1_x(x);  x = act(x_gate) * x;  x = fc2(x)
    v}
    (all three linear maps with bias, [norm = Identity], dropout 0 at
    inference).  Token-wise on [X : N × d], with [Wg, Wx : d × dh],
    [bg, bx : 1 × dh], [W2 : dh × d], [b2 : 1 × d]:
    {v
      SwiGLU(X) = (GELU(X·Wg + bg) ⊙ (X·Wx + bx))·W2 + b2
    v}
    GELU is the exact, erf-based one of [Modules/GELU.v], for any erf
    implementation [E : ErfImpl].

    Float semantics [fswiglu]: the MLP semantics [fmlp] of [Modules/MLP.v]
    three times, [fgelu] entry-wise, one rounded product per hidden entry.

    Program [swiglu_at], three stages; [W2], [b2] are carried by free wires:
    {v
      stage                                         depth
      A  [X·Wg + bg ; X·Wx + bx]  (in parallel)     2·d_std + d_⊕
      B  GELU(g) · x entry-wise                     (3·d_std + D_erf) + d_std
      C  · W2 + b2                                  2·d_std + d_⊕
    v}
    [swiglu_at_wdepth]: [8·d_std + 2·d_⊕ + erf_depth E P].
    Work ([swiglu_at_work]): [2·N·dh·2d + N·dh·(5 + work erf) + N·d·2dh]
    for [d, dh ≥ 1] (exact form for all sizes in the lemma). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon MLP Pointwise GELU.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (E : ErfImpl) (X : mat) (xs : list flt) (p n N d dh : nat).

(** ** Semantics *)

Definition fswiglu P p E d dh X (Wg bg Wx bx W2 b2 : mat) : mat :=
  fmlp p dh (fun i j => fmul p (fgelu P p E (fmlp p d X Wg bg i j)) (fmlp p d X Wx bx i j)) W2 b2.

(** ** Program *)

Definition swiglu_stageA offX offWg offbg offWx offbx offW2 offb2 N d dh : prog :=
  PPar (mlp_at offX offWg offbg N d dh)
       (PPar (mlp_at offX offWx offbx N d dh) (gather [(offW2, dh * d); (offb2, d)])).

(** Hidden entry [(i, j)] on [G ; XL ; …]: [GELU(G_ij) · XL_ij]. *)
Definition swiglu_body p E N dh i j : prog :=
  PSeq (PPar (gelu_prog p E (i * dh + j)) (PWire [FIn (N * dh + (i * dh + j))])) (POp (OBin BMul)).

Definition swiglu_stageB p E N d dh : prog :=
  PPar (PFor N (fun i => PFor dh (swiglu_body p E N dh i))) (keep (2 * (N * dh)) (dh * d + d)).

Definition swiglu_stageC N d dh : prog := mlp_at 0 (N * dh) (N * dh + dh * d) N dh d.

Definition swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dh : prog :=
  PSeq (swiglu_stageA offX offWg offbg offWx offbx offW2 offb2 N d dh)
       (PSeq (swiglu_stageB p E N d dh) (swiglu_stageC N d dh)).

(** ** Correctness *)

Section correct.
  Context (P : FloatPrimitivesTC0) (p : nat) (E : ErfImpl) (xs : list flt).
  Context (offX offWg offbg offWx offbx offW2 offb2 N d dh : nat) (X Wg bg Wx bx W2 b2 : mat).
  Context (HX : block xs offX N d X) (HWg : block xs offWg d dh Wg) (Hbg : block xs offbg 1 dh bg)
          (HWx : block xs offWx d dh Wx) (Hbx : block xs offbx 1 dh bx)
          (HW2 : block xs offW2 dh d W2) (Hb2 : block xs offb2 1 d b2).

  Let G := fmlp p d X Wg bg.
  Let XL := fmlp p d X Wx bx.
  Let Hm := fun i j => fmul p (fgelu P p E (G i j)) (XL i j).
  Let S := flat dh d W2 ++ flat 1 d b2.

  Lemma swiglu_stageA_correct :
    peval P p (swiglu_stageA offX offWg offbg offWx offbx offW2 offb2 N d dh) xs
    = flat N dh G ++ (flat N dh XL ++ S).
  Proof.
    unfold swiglu_stageA. rewrite !peval_PPar, (mlp_at_correct P p xs _ _ _ N d dh X Wg bg),
      (mlp_at_correct P p xs _ _ _ N d dh X Wx bx) by assumption.
    rewrite gather_correct. cbn [map concat fst snd].
    rewrite (keep_block P p xs offW2 dh d W2), (keep_block1 P p xs offb2 d b2), app_nil_r
      by assumption.
    reflexivity.
  Qed.

  Lemma swiglu_stageB_correct :
    peval P p (swiglu_stageB p E N d dh) (flat N dh G ++ (flat N dh XL ++ S)) = flat N dh Hm ++ S.
  Proof.
    unfold swiglu_stageB. rewrite peval_PPar. f_equal.
    - apply peval_PFor2. intros i j Hi Hj. unfold swiglu_body.
      rewrite peval_PSeq, peval_PPar, (gelu_prog_sem P p E). cbn [peval map fsrc_val opsem binsem nth].
      rewrite nth_flat_app_l by assumption.
      rewrite (block_cat3_m N dh G N dh XL S i j Hi Hj). reflexivity.
    - rewrite app_assoc.
      replace (2 * (N * dh)) with (length (flat N dh G ++ flat N dh XL))
        by (rewrite app_length, !flat_length; lia).
      replace (dh * d + d) with (length S) by (unfold S; rewrite app_length, !flat_length; lia).
      apply keep_correct.
  Qed.

  Lemma swiglu_stageC_correct :
    peval P p (swiglu_stageC N d dh) (flat N dh Hm ++ S) = flat N d (fswiglu P p E d dh X Wg bg Wx bx W2 b2).
  Proof.
    unfold swiglu_stageC, S. apply mlp_at_correct.
    - apply block_head_flat. reflexivity.
    - apply block_cons_flat with (off := 0); [lia|]. apply block_flat_app_l.
    - apply block_cons_flat with (off := dh * d); [lia|].
      rewrite <- (Nat.add_0_r (dh * d)), <- (flat_length dh d W2).
      apply block_app_r, block_flat.
  Qed.

  Theorem swiglu_at_correct :
    peval P p (swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dh) xs
    = flat N d (fswiglu P p E d dh X Wg bg Wx bx W2 b2).
  Proof.
    unfold swiglu_at. rewrite !peval_PSeq, swiglu_stageA_correct, swiglu_stageB_correct.
    apply swiglu_stageC_correct.
  Qed.
End correct.

(** ** Typing *)

Lemma swiglu_body_counts p E N dh i j :
  let e := swiglu_body p E N dh i j in
  ops e = 5 + ops (erf_prog E p) /\ pads e = 4 + pads (erf_prog E p)
  /\ work e = 5 + work (erf_prog E p) /\ maxar e <= Nat.max 2 (maxar (erf_prog E p))
  /\ arity_out e = 1.
Proof.
  destruct (gelu_prog_counts p E (i * dh + j)) as (o & q & w & m & a).
  cbn zeta. unfold swiglu_body. cbn [ops pads work maxar arity_out op_work op_arity length].
  repeat split; lia.
Qed.

Lemma swiglu_stageA_arity offX offWg offbg offWx offbx offW2 offb2 N d dh :
  arity_out (swiglu_stageA offX offWg offbg offWx offbx offW2 offb2 N d dh)
  = N * dh + (N * dh + (dh * d + d)).
Proof. cbn [swiglu_stageA arity_out]. rewrite !mlp_at_arity, gather_arity. cbn. lia. Qed.

Lemma swiglu_stageB_arity p E N d dh : arity_out (swiglu_stageB p E N d dh) = N * dh + (dh * d + d).
Proof.
  unfold swiglu_stageB. change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
  rewrite keep_arity.
  rewrite (PFor2_arity N dh (swiglu_body p E N dh) _ _ _ _
             (fun i j _ _ => swiglu_body_counts p E N dh i j)).
  reflexivity.
Qed.

Theorem swiglu_at_wt p n E offX offWg offbg offWx offbx offW2 offb2 N d dh :
  offX + N * d <= n -> offWg + d * dh <= n -> offbg + dh <= n -> offWx + d * dh <= n ->
  offbx + dh <= n -> offW2 + dh * d <= n -> offb2 + d <= n ->
  pwt p n (swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dh).
Proof.
  intros HX HWg Hbg HWx Hbx HW2 Hb2. cbn [swiglu_at pwt].
  rewrite swiglu_stageA_arity, swiglu_stageB_arity.
  split; [|split].
  - split; [apply mlp_at_wt; assumption|]. split; [apply mlp_at_wt; assumption|].
    apply gather_wt. repeat constructor; cbn; lia.
  - split; [|apply keep_wt_le; lia]. cbn [pwt]. intros i Hi j Hj. unfold swiglu_body.
    cbn [pwt arity_out]. split; [split|].
    + apply gelu_prog_wt. nia.
    + repeat constructor. cbn. nia.
    + destruct (gelu_prog_counts p E (i * dh + j)) as (_ & _ & _ & _ & ->). reflexivity.
  - apply mlp_at_wt; lia.
Qed.

Lemma swiglu_at_arity p E offX offWg offbg offWx offbx offW2 offb2 N d dh :
  arity_out (swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dh) = N * d.
Proof. cbn [swiglu_at arity_out]. apply mlp_at_arity. Qed.

(** ** Depth *)

Lemma swiglu_stageA_wdepth P offX offWg offbg offWx offbx offW2 offb2 N d dh :
  wdepth (op_dbound P) (swiglu_stageA offX offWg offbg offWx offbx offW2 offb2 N d dh)
  <= 2 * d_std P + d_sum P.
Proof.
  unfold swiglu_stageA. change (wdepth ?w (PPar ?a ?b)) with (Nat.max (wdepth w a) (wdepth w b)).
  change (wdepth ?w (PPar ?a ?b)) with (Nat.max (wdepth w a) (wdepth w b)).
  pose proof (mlp_at_wdepth P offX offWg offbg N d dh).
  pose proof (mlp_at_wdepth P offX offWx offbx N d dh).
  assert (wdepth (op_dbound P) (gather [(offW2, dh * d); (offb2, d)]) = 0) by reflexivity.
  lia.
Qed.

Lemma swiglu_stageB_wdepth P p E N d dh :
  wdepth (op_dbound P) (swiglu_stageB p E N d dh) <= 4 * d_std P + erf_depth E P.
Proof.
  unfold swiglu_stageB. change (wdepth ?w (PPar ?a ?b)) with (Nat.max (wdepth w a) (wdepth w b)).
  rewrite keep_wdepth.
  assert (wdepth (op_dbound P) (PFor N (fun i => PFor dh (swiglu_body p E N dh i)))
          <= 4 * d_std P + erf_depth E P).
  { apply PFor2_wdepth. intros i j _ _. unfold swiglu_body. cbn [wdepth op_dbound].
    pose proof (gelu_prog_wdepth_le P p E (i * dh + j)). lia. }
  lia.
Qed.

Theorem swiglu_at_wdepth P p E offX offWg offbg offWx offbx offW2 offb2 N d dh :
  wdepth (op_dbound P) (swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dh)
  <= 8 * d_std P + 2 * d_sum P + erf_depth E P.
Proof.
  unfold swiglu_at. cbn [wdepth].
  pose proof (swiglu_stageA_wdepth P offX offWg offbg offWx offbx offW2 offb2 N d dh).
  pose proof (swiglu_stageB_wdepth P p E N d dh).
  pose proof (mlp_at_wdepth P 0 (N * dh) (N * dh + dh * d) N dh d).
  unfold swiglu_stageC. lia.
Qed.

(** ** Counts *)

Section counts.
  Context (p : nat) (E : ErfImpl) (offX offWg offbg offWx offbx offW2 offb2 N d dh : nat).
  Let F := swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dh.
  Let Hb := fun i j (_ : i < N) (_ : j < dh) => swiglu_body_counts p E N dh i j.

  Ltac counts :=
    pose proof (PFor2_ops N dh (swiglu_body p E N dh) _ _ _ _ Hb);
    pose proof (PFor2_pads N dh (swiglu_body p E N dh) _ _ _ _ Hb);
    pose proof (PFor2_work N dh (swiglu_body p E N dh) _ _ _ _ Hb);
    pose proof (PFor2_maxar N dh (swiglu_body p E N dh) _ _ _ _ Hb);
    pose proof (PFor2_arity N dh (swiglu_body p E N dh) _ _ _ _ Hb);
    destruct (keep_counts (2 * (N * dh)) (dh * d + d)) as (k1 & k2 & k3 & k4 & k5);
    pose proof (mlp_at_maxar offX offWg offbg N d dh);
    pose proof (mlp_at_maxar offX offWx offbx N d dh);
    pose proof (mlp_at_maxar 0 (N * dh) (N * dh + dh * d) N dh d);
    pose proof (gather_arity [(offW2, dh * d); (offb2, d)]);
    unfold F, swiglu_at, swiglu_stageA, swiglu_stageB, swiglu_stageC;
    cbn [ops pads work maxar arity_out gather map snd list_sum fold_right] in *;
    rewrite ?mlp_at_ops, ?mlp_at_work, ?mlp_at_pads, ?mlp_at_arity, ?keep_arity.

  Lemma swiglu_at_ops :
    ops F = 2 * (N * (dh * (d + 2))) + N * (dh * (5 + ops (erf_prog E p))) + N * (d * (dh + 2)).
  Proof. counts. lia. Qed.

  (** Exact for all sizes ([−] truncated). *)
  Lemma swiglu_at_work :
    work F = 2 * (N * (dh * (d + (d - 1) + 1))) + N * (dh * (5 + work (erf_prog E p)))
             + N * (d * (dh + (dh - 1) + 1)).
  Proof. counts. lia. Qed.

  Lemma swiglu_at_work_pos :
    1 <= d -> 1 <= dh ->
    work F = 4 * N * dh * d + N * dh * (5 + work (erf_prog E p)) + 2 * N * d * dh.
  Proof.
    intros Hd Hdh. rewrite swiglu_at_work.
    replace (d + (d - 1) + 1) with (2 * d) by lia.
    replace (dh + (dh - 1) + 1) with (2 * dh) by lia. ring.
  Qed.

  Lemma swiglu_at_pads :
    pads F = 2 * (N * (dh * (d + 2) + dh) + N * dh) + 3 * (N * dh) + 2 * (dh * d + d)
             + (N * (dh * (4 + pads (erf_prog E p)) + dh) + N * dh + N * dh + (dh * d + d))
             + (N * (d * (dh + 2) + d) + N * d).
  Proof. counts. lia. Qed.

  Lemma swiglu_at_maxar : maxar F <= Nat.max (Nat.max d dh + 2) (maxar (erf_prog E p)).
  Proof. counts. lia. Qed.
End counts.

(** ** Example *)

(** [N = 2], [d = 3], [dh = 4], with the stand-in erf of [Modules/GELU.v]'s
    example (work 0): [4·N·dh·d + N·dh·5 + 2·N·d·dh = 96 + 40 + 48]. *)
Local Lemma ex_erf_wt p : pwt p 1 (PWire [FIn 0]).
Proof. repeat constructor. Qed.

Local Definition ex_erf : ErfImpl := {|
  erf_prog := fun _ => PWire [FIn 0]; erf_wt := ex_erf_wt; erf_arity := fun _ => eq_refl;
  erf_depth := fun _ => 0; erf_wdepth := fun _ _ => le_n 0;
  erf_shape := 1; erf_shape_le := fun _ => le_n 1 |}.

Example ex_swiglu_work : work (swiglu_at 8 ex_erf 0 6 18 22 34 38 50 2 3 4) = 184.
Proof. vm_compute. reflexivity. Qed.
