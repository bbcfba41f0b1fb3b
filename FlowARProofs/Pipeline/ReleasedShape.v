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

(** The proof of [rb_shape]: every module [t] of the block (and every
    [keep]) is replaced by a variable [m] with two facts, its shape bound
    (Modules/RShape.v) and its arity ([abs_mod]); then [shb] records, for
    every [PSeq] / [PPar] node of the remaining skeleton, the bound of its
    shape by its parts' ([shape_PSeq], [shape_PPar_arity]) and its arity, and
    one [lia] adds them up.  Abstracting first keeps [lia]'s atoms (and the
    proof term) small.  [le_tac] proves the modules' size side conditions. *)
Local Ltac le_tac := first [assumption | lia].

Local Ltac abs_mod t Hs Ha :=
  let m := fresh "m" in let H1 := fresh "Hs" in let H2 := fresh "Ha" in
  pose proof Hs as H1; pose proof Ha as H2; revert H1 H2; generalize t as m; intros m H1 H2.

Local Ltac shb e :=
  lazymatch e with
  | PSeq ?a ?b => pose proof (shape_PSeq a b); pose proof (arity_PSeq a b); shb a; shb b
  | PPar ?a ?b => pose proof (shape_PPar_arity a b); pose proof (arity_PPar a b); shb a; shb b
  | _ => idtac
  end.

Theorem rb_shape p E D N lim wo go co cto sto r B :
  (forall i, i < N -> lim i <= N) -> N <= B -> rb_d D <= B -> rb_dh D <= B -> rb_H D <= B ->
  rb_dff D <= B -> 1 <= B ->
  shape (rb_at p E D N lim wo go co cto sto r) <= rb_shape_coef E * (B * (B * (B * B))) + 60 * r.
Proof.
  intros Hlim HN Hd Hdh HH Hff HB. pose proof (Bpow B HB) as (B1 & B2 & B3).
  unfold rb_at. cbv beta zeta. unfold rb_dh in *.
  assert (HNd : N * rb_d D <= B * B) by mono.
  assert (erf_shape E * (B * (B * B)) <= erf_shape E * (B * (B * (B * B))))
    by (apply Nat.mul_le_mono_l; exact B3).
  repeat match goal with
  | |- context [keep ?a ?g] => abs_mod (keep a g) (shape_keep a g) (keep_arity a g)
  | |- context [rms_at ?p ?e ?o ?n ?c] =>
      abs_mod (rms_at p e o n c) (rms_shape B HB p e o n c ltac:(le_tac) ltac:(le_tac)) (rms_at_arity p e o n c)
  | |- context [adamod_at ?p ?a ?b ?c 1 ?d (6 * ?d)] =>
      abs_mod (adamod_at p a b c 1 d (6 * d)) (adamod_shape B HB p a b c d ltac:(le_tac))
              (adamod_at_arity p a b c 1 d (6 * d))
  | |- context [modulate_at ?p ?a ?b ?c ?n ?d] =>
      abs_mod (modulate_at p a b c n d) (modulate_shape B HB p a b c n d ltac:(le_tac) ltac:(le_tac))
              (modulate_at_arity p a b c n d)
  | |- context [gate_at ?a ?b ?c ?n ?d] =>
      abs_mod (gate_at a b c n d) (gate_shape B HB a b c n d ltac:(le_tac) ltac:(le_tac)) (gate_at_arity a b c n d)
  | |- context [swiglu_at ?p ?E' ?a ?b ?c ?d ?e ?f ?g ?n ?x ?y] =>
      abs_mod (swiglu_at p E' a b c d e f g n x y)
              (swiglu_shape B HB p E' a b c d e f g n x y ltac:(le_tac) ltac:(le_tac) ltac:(le_tac))
              (swiglu_at_arity p E' a b c d e f g n x y)
  | |- context [rmha_at ?a ?b ?c ?d ?e ?f ?g ?h ?i ?j ?k ?l ?n ?x ?y (2 * ?hh) ?H ?dd ?s lim] =>
      abs_mod (rmha_at a b c d e f g h i j k l n x y (2 * hh) H dd s lim)
              (rmha_shape B HB a b c d e f g h i j k l n x y hh H dd s lim Hlim
                 ltac:(le_tac) ltac:(le_tac) ltac:(le_tac) ltac:(le_tac) ltac:(le_tac) ltac:(le_tac))
              (rmha_at_arity a b c d e f g h i j k l n x y (2 * hh) H dd s lim)
  end.
  lazymatch goal with |- shape ?e <= _ => shb e end.
  unfold rb_shape_coef. lia.
Qed.
