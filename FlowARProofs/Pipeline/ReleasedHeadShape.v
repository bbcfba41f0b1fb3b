(** * Shape bounds of the released flow head (for the TC0 size polynomial)

    The flow-head blocks, the velocity network and the sampler have shape at
    most [K · ((D_erf-shape + 1)·B⁴ + r)] for every [B ≥ 1] bounding the
    token count and the head's dimensions, with explicit [K] depending only
    on the number of blocks and updates ([b1_at_shape], [b2_at_shape],
    [hv_at_shape], [rs_at_shape]).  Proof pattern: the shape of [PSeq] /
    [PPar] is at most the sum / twice the sum of the parts' (IR/TC0.v), a
    [keep] costs its width, and every module is bounded in
    Modules/RShape.v; the tactic [shape_facts] collects these facts for
    every sub-program of the goal and [lia] adds them up. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon MLP Pointwise RMSNorm SiLU GELU SwiGLU
  AdaLN RoPE RAttention FlowMatching RShape.
From FlowARProofs.Pipeline Require Import Layer ReleasedBlock ReleasedFlowBlock ReleasedFlowBlock2
  ReleasedFlowHead ReleasedSampler.
Import ListNotations.
Set Default Goal Selector "!".

Definition UB (E : ErfImpl) (B : nat) : nat := (erf_shape E + 1) * Q4 B.

Lemma UB_facts E B : 1 <= B ->
  Q3 B <= UB E B /\ Q4 B <= UB E B /\ (60 + 3 * erf_shape E) * Q3 B <= 63 * UB E B
  /\ B * B <= UB E B /\ B <= UB E B.
Proof.
  intros HB. pose proof (Q_facts B HB) as (Q1 & Q2 & Q34 & _). unfold UB.
  assert (Q4 B <= (erf_shape E + 1) * Q4 B) by nia.
  assert ((60 + 3 * erf_shape E) * Q3 B <= 63 * ((erf_shape E + 1) * Q4 B)) by nia.
  lia.
Qed.

Lemma mul_le_UB E B x y : 1 <= B -> x <= B -> y <= B -> x * y <= UB E B.
Proof.
  intros HB Hx Hy. pose proof (UB_facts E B HB) as (_ & _ & _ & H & _).
  apply (Nat.le_trans _ (B * B)); [apply Nat.mul_le_mono|]; assumption.
Qed.

Ltac le_tac := first [assumption | lia].

Ltac sh B HB e :=
  lazymatch e with
  | PSeq ?a ?b => pose proof (shape_PSeq a b); sh B HB a; sh B HB b
  | PPar ?a ?b => pose proof (shape_PPar a b); sh B HB a; sh B HB b
  | keep ?a ?g => pose proof (shape_keep a g)
  | mlp_at ?a ?b ?c ?n ?x ?y => pose proof (mlp_shape3 B HB a b c n x y ltac:(le_tac) ltac:(le_tac) ltac:(le_tac))
  | silu_at ?p ?o ?r ?c => pose proof (silu_shape3 B HB p o r c ltac:(le_tac) ltac:(le_tac))
  | rms_at ?p ?e ?o ?n ?c => pose proof (rms_shape3 B HB p e o n c ltac:(le_tac) ltac:(le_tac))
  | rmsw_at ?p ?e ?o ?w ?n ?c => pose proof (rmsw_shape3 B HB p e o w n c ltac:(le_tac) ltac:(le_tac))
  | modulate_at ?p ?a ?b ?c ?n ?d => pose proof (modulate_shape3 B HB p a b c n d ltac:(le_tac) ltac:(le_tac))
  | gate_at ?a ?b ?c ?n ?d => pose proof (gate_shape3 B HB a b c n d ltac:(le_tac) ltac:(le_tac))
  | adamod_at ?p ?a ?b ?c ?R ?dc ?m =>
      pose proof (adamod_shape3 B HB p a b c R dc m ltac:(le_tac) ltac:(le_tac) ltac:(le_tac))
  | swiglu_at ?p ?E' ?a ?b ?c ?d ?e ?f ?g ?n ?x ?y =>
      pose proof (swiglu_shape3 B HB p E' a b c d e f g n x y ltac:(le_tac) ltac:(le_tac) ltac:(le_tac))
  | rmha_at ?a ?b ?c ?d ?e ?f ?g ?h ?i ?j ?k ?l ?n ?x ?y (2 * ?hh) ?H ?dd ?s ?lim =>
      pose proof (rmha_shape4 B HB a b c d e f g h i j k l n x y hh H dd s lim ltac:(first [intros ? ?; apply le_n | intros; lia])
                    ltac:(le_tac) ltac:(le_tac) ltac:(le_tac) ltac:(le_tac) ltac:(le_tac) ltac:(le_tac))
  | ew_prog ?r ?c (OBin ?o) ?srcs =>
      assert (shape (ew_prog r c (OBin o) srcs) <= 4 * (r * c) + 2) by
        (unfold shape; destruct (ew_prog_counts r c (OBin o) srcs ltac:(intros; reflexivity)) as (-> & -> & _ & ? & ->);
         cbn [op_arity] in *; lia)
  | _ => idtac
  end.

(** [shape_facts]: first every module (and [keep], [ew_prog]) of the goal's
    program gets its bound from [sh] and is replaced by a variable
    ([sh_abs]: the bound is reverted, the module generalized), so that
    [lia]'s atoms and the proof term stay small; then [sh] adds the
    [shape_PSeq] / [shape_PPar] facts of the remaining skeleton. *)
Ltac sh_abs B HB t :=
  let m := fresh "m" in let H := fresh "Hm" in
  sh B HB t; match goal with Hf : shape t <= _ |- _ => rename Hf into H | Hf : shape t = _ |- _ => rename Hf into H end;
  revert H; generalize t as m; intros m H.

Ltac abs_all B HB :=
  repeat match goal with
  | |- context [keep ?a ?g] => sh_abs B HB (keep a g)
  | |- context [mlp_at ?a ?b ?c ?n ?x ?y] => sh_abs B HB (mlp_at a b c n x y)
  | |- context [silu_at ?p ?o ?r ?c] => sh_abs B HB (silu_at p o r c)
  | |- context [rms_at ?p ?e ?o ?n ?c] => sh_abs B HB (rms_at p e o n c)
  | |- context [rmsw_at ?p ?e ?o ?w ?n ?c] => sh_abs B HB (rmsw_at p e o w n c)
  | |- context [modulate_at ?p ?a ?b ?c ?n ?d] => sh_abs B HB (modulate_at p a b c n d)
  | |- context [gate_at ?a ?b ?c ?n ?d] => sh_abs B HB (gate_at a b c n d)
  | |- context [adamod_at ?p ?a ?b ?c ?R ?dc ?m] => sh_abs B HB (adamod_at p a b c R dc m)
  | |- context [swiglu_at ?p ?E' ?a ?b ?c ?d ?e ?f ?g ?n ?x ?y] => sh_abs B HB (swiglu_at p E' a b c d e f g n x y)
  | |- context [rmha_at ?a ?b ?c ?d ?e ?f ?g ?h ?i ?j ?k ?l ?n ?x ?y (2 * ?hh) ?H ?dd ?s ?lim] =>
      sh_abs B HB (rmha_at a b c d e f g h i j k l n x y (2 * hh) H dd s lim)
  | |- context [ew_prog ?r ?c (OBin ?o) ?srcs] => sh_abs B HB (ew_prog r c (OBin o) srcs)
  end.

Ltac shape_facts B HB := abs_all B HB; lazymatch goal with |- shape ?e <= _ => sh B HB e end.

Section shapes.
  Context (E : ErfImpl) (B : nat) (HB : 1 <= B).

  Theorem b1_at_shape p D N wo go cto sto r :
    N <= B -> rb_d D <= B -> rb_dh D <= B -> rb_H D <= B -> rb_dff D <= B ->
    shape (b1_at p E D N wo go cto sto r) <= 20 * (1000 * (UB E B + r)).
  Proof.
    intros HN Hd Hdh HH Hff. pose proof (UB_facts E B HB) as (U1 & U2 & U3 & U4 & U5).
    pose proof (mul_le_UB E B N (rb_d D) HB HN Hd).
    assert (N * (6 * rb_d D) <= 6 * UB E B)
      by (replace (N * (6 * rb_d D)) with (6 * (N * rb_d D)) by ring; lia).
    unfold b1_at, rb_dh in *. cbv beta zeta. shape_facts B HB. lia.
  Qed.

  Theorem b2_at_shape p D w N wo go cto sto oz r :
    N <= B -> rb_d D <= B -> rb_dh D <= B -> rb_H D <= B -> rb_dff D <= B -> w <= B ->
    shape (b2_at p E D w N wo go cto sto oz r) <= 40 * (1000 * (UB E B + r)).
  Proof.
    intros HN Hd Hdh HH Hff Hw. pose proof (UB_facts E B HB) as (U1 & U2 & U3 & U4 & U5).
    pose proof (mul_le_UB E B N (rb_d D) HB HN Hd). pose proof (mul_le_UB E B N w HB HN Hw).
    assert (N * (3 * rb_d D) <= 3 * UB E B)
      by (replace (N * (3 * rb_d D)) with (3 * (N * rb_d D)) by ring; lia).
    unfold b2_at, rb_dh in *. cbv beta zeta. shape_facts B HB. lia.
  Qed.

  Lemma shape_wire_grid r c (x : nat -> nat -> fsrc) :
    shape (PFor r (fun i => PFor c (fun j => PWire [x i j]))) <= (4 * r + 1) * ((4 * c + 1) * 1).
  Proof.
    apply shape_PFor_le. intros i _. apply shape_PFor_le. intros j _. rewrite shape_PWire. reflexivity.
  Qed.

  Lemma euler_shape dt offF offV N c : N <= B -> c <= B -> shape (euler_at dt offF offV N c) <= 80 * UB E B.
  Proof.
    intros HN Hc. pose proof (UB_facts E B HB) as (U1 & U2 & U3 & U4 & U5).
    pose proof (mul_le_UB E B N c HB HN Hc).
    pose proof (shape_wire_grid N c (fun i j => FIn (offF + (i * c + j)))).
    assert ((4 * N + 1) * ((4 * c + 1) * 1) <= 25 * (B * B)) by (clear -HB HN Hc; nia).
    unfold euler_at, xpby_at. cbv beta in *. shape_facts B HB. lia.
  Qed.

  Lemma cfg_euler_shape dt s N c : N <= B -> c <= B -> shape (cfg_euler_at dt s N c) <= 25 * (20 * UB E B).
  Proof.
    intros HN Hc. pose proof (UB_facts E B HB) as (U1 & U2 & U3 & U4 & U5).
    unfold cfg_euler_at.
    eapply Nat.le_trans; [apply (shape_PFor_le _ _ ((4 * c + 1) * 20)); intros a _;
                          apply (shape_PFor_le _ _ 20); intros b _|].
    - unfold cfg_body, shape. cbn. lia.
    - apply (Nat.le_trans _ (25 * (B * B) * 20)); [clear -HB HN Hc; nia|lia].
  Qed.

  Theorem hv_at_shape p HD N wo go cto sto so ox oz r :
    N <= B -> hd_c HD <= B -> hd_w HD <= B -> hd_d HD <= B -> rb_dh (hd_D HD) <= B ->
    rb_H (hd_D HD) <= B -> rb_dff (hd_D HD) <= B -> hd_F HD <= B ->
    shape (hv_at p E HD N wo go cto sto so ox oz r) <= (hd_L HD + 2) * (300 * (1000 * (UB E B + r))).
  Proof.
    intros HN Hc Hw Hd Hdh HH Hff HF. pose proof (UB_facts E B HB) as (U1 & U2 & U3 & U4 & U5).
    pose proof (mul_le_UB E B N (hd_d HD) HB HN Hd). pose proof (mul_le_UB E B N (hd_c HD) HB HN Hc).
    pose proof (mul_le_UB E B N (hd_w HD) HB HN Hw).
    assert (N * (2 * hd_d HD) <= 2 * UB E B)
      by (replace (N * (2 * hd_d HD)) with (2 * (N * hd_d HD)) by ring; lia).
    assert (Hblk : forall l, l < hd_L HD ->
              shape (hv_blk_at p E HD N wo go cto sto oz r l) <= 120 * (1000 * (UB E B + r))).
    { intros l _. unfold hv_blk_at. unfold hd_d in *. destruct (hd_cross HD).
      - eapply Nat.le_trans; [apply b2_at_shape; assumption|]. lia.
      - eapply Nat.le_trans; [apply b1_at_shape; assumption|]. lia. }
    pose proof (shape_iter (N * hd_d HD + (N * hd_d HD + (hd_d HD + r))) (hd_L HD)
                  (hv_blk_at p E HD N wo go cto sto oz r) _ Hblk) as Hit.
    unfold hv_at. cbv beta zeta. shape_facts B HB. lia.
  Qed.

  Theorem rs_at_shape p RC i N wo to go r :
    let HD := rs_HD RC in
    N <= B -> hd_c HD <= B -> hd_w HD <= B -> hd_d HD <= B -> rb_dh (hd_D HD) <= B ->
    rb_H (hd_D HD) <= B -> rb_dff (hd_D HD) <= B -> hd_F HD <= B ->
    shape (rs_at p E RC i N wo to go r)
    <= (2 * rs_T RC + 3) * (8 * ((hd_L HD + 2) * (300 * (1000 * (4 * UB E B + r))))).
  Proof.
    intros HD HN Hc Hw Hd Hdh HH Hff HF. pose proof (UB_facts E B HB) as (U1 & U2 & U3 & U4 & U5).
    pose proof (mul_le_UB E B N (hd_c HD) HB HN Hc). pose proof (mul_le_UB E B N (hd_w HD) HB HN Hw).
    set (s := N * hd_c HD + 2 * (N * hd_w HD) + r).
    set (Hv := (hd_L HD + 2) * (300 * (1000 * (4 * UB E B + r)))).
    assert (Hs : s <= 3 * UB E B + r) by (subst s; lia).
    assert (Hhv : forall k oz, shape (rs_hv p E RC N wo to go r k oz) <= Hv).
    { intros k oz. unfold rs_hv. fold HD. fold s. eapply Nat.le_trans; [apply hv_at_shape; assumption|].
      subst Hv. apply Nat.mul_le_mono_l. lia. }
    assert (Hstep : forall k, k < rs_T RC -> shape (rs_step p E RC i N wo to go r k) <= 8 * Hv).
    { intros k _. unfold rs_step. fold HD. fold s.
      assert (Hv1 : 1000 * (4 * UB E B + r) <= Hv) by (subst Hv; nia).
      destruct (rs_guided RC i k).
      - pose proof (Hhv k (N * hd_c HD)). pose proof (Hhv k (N * hd_c HD + N * hd_w HD)).
        pose proof (cfg_euler_shape (fq p (rs_dt_q RC k)) (fq p (rs_s_q RC i)) N (hd_c HD) HN Hc).
        shape_facts B HB. lia.
      - pose proof (Hhv k (N * hd_c HD)).
        pose proof (euler_shape (fq p (rs_dt_q RC k)) (N * hd_c HD) 0 N (hd_c HD) HN Hc).
        shape_facts B HB. lia. }
    unfold rs_at. fold HD s. eapply Nat.le_trans; [apply (shape_iter _ _ _ _ Hstep)|].
    assert (Hv1 : 1000 * (4 * UB E B + r) <= Hv) by (subst Hv; nia).
    fold Hv. nia.
  Qed.
End shapes.

(** ** The packaged head (Pipeline/ReleasedHead.v): [shape ≤ coef · (B⁴ + r)] *)

From FlowARProofs.Pipeline Require Import ReleasedHead.

(** A bound on the head's own dimensions (their sum). *)
Definition rf_dimB (hd : RFlowDims) : nat :=
  rb_d (rf_D hd) + rb_dh (rf_D hd) + rb_H (rf_D hd) + rb_dff (rf_D hd) + rf_F hd.

Definition rhead_coef (E : ErfImpl) (hd : RFlowDims) : nat :=
  (2 * (length (rf_sched hd) - 1) + 3)
  * (8 * ((rf_L hd + 2) * (300 * (1000 * (4 * (erf_shape E + 1)))))).

Theorem rhead_shape E p hd c d K i M wo go r B :
  M <= B -> c <= B -> d <= B -> rf_dimB hd <= B -> 1 <= B ->
  shape (rhead_prog p E hd c d K i M wo go r) <= rhead_coef E hd * (B * (B * (B * B)) + r).
Proof.
  intros HM Hc Hd HdB HB. unfold rf_dimB in HdB. unfold rhead_prog.
  eapply Nat.le_trans.
  { apply (rs_at_shape E B HB p (rf_rc hd c d K) i M wo _ go r); cbn [rs_HD rf_rc hd_c hd_w hd_D hd_F];
      unfold hd_d; cbn [rs_HD rf_rc hd_D]; lia. }
  cbn [rs_HD rf_rc hd_L rs_T rs_sched]. unfold rs_T. cbn [rs_sched rf_rc].
  set (S := erf_shape E).
  assert (Hx : 4 * UB E B + r <= 4 * (S + 1) * (Q4 B + r)) by (unfold UB; fold S; nia).
  unfold rhead_coef. fold S. change (B * (B * (B * B))) with (Q4 B).
  set (A := 2 * (length (rf_sched hd) - 1) + 3). set (L := rf_L hd).
  replace (A * (8 * ((L + 2) * (300 * (1000 * (4 * (S + 1)))))) * (Q4 B + r))
    with (A * (8 * ((L + 2) * (300 * (1000 * (4 * (S + 1) * (Q4 B + r)))))))
    by (rewrite <- !Nat.mul_assoc; reflexivity).  (* not [ring]: it reads 300·1000 in unary *)
  repeat apply Nat.mul_le_mono_l. exact Hx.
Qed.
