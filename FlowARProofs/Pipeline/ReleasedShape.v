(** * Shape bound for the released block (for the size polynomial)

    For one bound [B ≥ 1] on the tokens [N], the width [d], the head width
    [dh], the heads [H] and the gated-MLP width [dff], the released block's
    program [rb_at] has shape at most [rb_shape_coef E · B⁴ + 60·r]
    ([rb_shape]), where [r] is the width of the state behind the block and
    [rb_shape_coef E] depends only on the erf implementation's shape.  The
    module bounds it adds up live in Modules/RShape.v: a head of the RoPE
    attention is [O(B³)] ([rattn_shape]), so the [H] heads are [O(B⁴)]
    ([rmha_shape]); the gated MLP is [O(B³)] up to the erf routine's
    constant size ([swiglu_shape]); the norms, modulations, gates and the
    modulation row are [O(B²)] ([rms_shape], [modulate_shape], [gate_shape],
    [adamod_shape]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon Attention MLP Pointwise RMSNorm SiLU GELU
  SwiGLU AdaLN RoPE RAttention RShape.
From FlowARProofs.Pipeline Require Import Layer ReleasedBlock.
Import ListNotations.
Set Default Goal Selector "!".

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try lia.

(** ** The block *)

Lemma maxar_PSeq a b : maxar (PSeq a b) = Nat.max (maxar a) (maxar b). Proof. reflexivity. Qed.
Lemma maxar_PPar a b : maxar (PPar a b) = Nat.max (maxar a) (maxar b). Proof. reflexivity. Qed.
Lemma ops_PSeq a b : ops (PSeq a b) = ops a + ops b. Proof. reflexivity. Qed.
Lemma ops_PPar a b : ops (PPar a b) = ops a + ops b. Proof. reflexivity. Qed.
Lemma pads_PSeq a b : pads (PSeq a b) = pads a + pads b. Proof. reflexivity. Qed.
Lemma pads_PPar a b : pads (PPar a b) = pads a + pads b + arity_out a + arity_out b.
Proof. reflexivity. Qed.
Lemma arity_PSeq a b : arity_out (PSeq a b) = arity_out b. Proof. reflexivity. Qed.
Lemma arity_PPar a b : arity_out (PPar a b) = arity_out a + arity_out b. Proof. reflexivity. Qed.

Definition rb_shape_coef (E : ErfImpl) : nat := 3000 + 6 * erf_shape E.

(** Abstract the module [t] (bounded by [L]) into a variable. *)
Local Ltac add_bound t L :=
  let Hb := fresh "Hb" in let m := fresh "m" in
  pose proof L as Hb; revert Hb; generalize t as m; intros m Hb.

Theorem rb_shape p E D N lim wo go co cto sto r B :
  (forall i, i < N -> lim i <= N) -> N <= B -> rb_d D <= B -> rb_dh D <= B -> rb_H D <= B ->
  rb_dff D <= B -> 1 <= B ->
  shape (rb_at p E D N lim wo go co cto sto r) <= rb_shape_coef E * (B * (B * (B * B))) + 60 * r.
Proof.
  intros Hlim HN Hd Hdh HH Hff HB. pose proof (Bpow B HB) as (B1 & B2 & B3).
  unfold rb_at. cbv beta zeta. unfold rb_dh in *.
  assert (HNd : N * rb_d D <= B * B) by mono.
  repeat match goal with
  | |- context [keep ?a ?g] =>
      let m := fresh "k" in
      destruct (keep_counts a g) as (? & ? & _ & ? & ?); generalize dependent (keep a g); intros m ? ? ? ?
  | |- context [rms_at ?p' ?e ?o N (rb_d D)] => add_bound (rms_at p' e o N (rb_d D)) (rms_shape B HB p' e o N (rb_d D) HN Hd)
  | |- context [adamod_at ?p' ?a ?b ?c 1 (rb_d D) (6 * rb_d D)] =>
      add_bound (adamod_at p' a b c 1 (rb_d D) (6 * rb_d D)) (adamod_shape B HB p' a b c (rb_d D) Hd)
  | |- context [modulate_at ?p' ?a ?b ?c N (rb_d D)] =>
      add_bound (modulate_at p' a b c N (rb_d D)) (modulate_shape B HB p' a b c N (rb_d D) HN Hd)
  | |- context [gate_at ?a ?b ?c N (rb_d D)] =>
      add_bound (gate_at a b c N (rb_d D)) (gate_shape B HB a b c N (rb_d D) HN Hd)
  | |- context [rmha_at ?x1 ?x2 ?x3 ?x4 ?x5 ?x6 ?x7 ?x8 ?x9 ?x10 ?x11 ?x12 N (rb_d D) (rb_d D) (2 * rb_hh D) (rb_H D) (rb_d D) ?s lim] =>
      add_bound (rmha_at x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 N (rb_d D) (rb_d D) (2 * rb_hh D) (rb_H D) (rb_d D) s lim)
                (rmha_shape B HB x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 N (rb_d D) (rb_d D) (rb_hh D) (rb_H D) (rb_d D) s lim
                   Hlim HN Hd Hd Hdh HH Hd)
  end.
  match goal with |- context [swiglu_at ?p' ?E' ?a1 ?a2 ?a3 ?a4 ?a5 ?a6 ?a7 ?N' ?d' ?f'] =>
    pose proof (swiglu_shape B HB p' E' a1 a2 a3 a4 a5 a6 a7 N' d' f' HN Hd Hff) as Hsw;
    revert Hsw; generalize (swiglu_at p' E' a1 a2 a3 a4 a5 a6 a7 N' d' f') as msw; intros msw Hsw end.
  unfold rb_shape_coef.
  assert (3 * erf_shape E * (B * (B * B)) <= 3 * erf_shape E * (B * (B * (B * B))))
    by (apply Nat.mul_le_mono_l; lia).
  unfold shape at 1.
  match goal with |- context [maxar ?e] =>
    assert (Hm : maxar e <= (1100 + 3 * erf_shape E) * (B * (B * (B * B))))
      by (cbn [maxar]; repeat (lazymatch goal with |- Nat.max _ _ <= _ => apply Nat.max_lub end);
          unfold shape in *; lia) end.
  (cbn [ops pads arity_out]; unfold shape in *).
  lia.
Qed.
