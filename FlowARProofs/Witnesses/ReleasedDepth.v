(** * The released pipeline's depth bound for FlowAR-S/L/H, as numbers

    [flowar_released_depth P E K Le Ld Dh = K · (rpass_depth P E Le Ld + Dh)]
    (Pipeline/ReleasedTyping.v) with the released head's depth
    [Dh = rhead_depth P E hd] (Pipeline/ReleasedHead.v).  [released_terms]
    gives its coefficients in [(d_std, d_⊕, d_exp, d_sqrt, max(d_sqrt, d_exp),
    D_erf)] and [released_depth_as_terms] proves they agree; the [Example]s
    evaluate them for the released S / L / H: [K = 5] scales, encoder +
    decoder blocks 6+6 / 8+8 / 15+15 (models/flowar.py), and the heads of
    Witnesses/ReleasedHeadDepth.v. *)
From Coq Require Import List Arith NArith ZArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedTyping ReleasedHead.
From FlowARProofs.Witnesses Require Import ReleasedHeadDepth.
Set Default Goal Selector "!".
Local Open Scope N_scope.

(** The AR pass's terms. *)
Definition pass_terms (Le Ld : N) : HeadDepthTerms := {|
  h_std := 27 + 44 * (Le + Ld); h_sum := 7 + 9 * (Le + Ld); h_exp := 2 * (Le + Ld);
  h_sqrt := 3 + 2 * (Le + Ld); h_mx := 0; h_erf := Le + Ld |}.

Definition add_terms (a b : HeadDepthTerms) : HeadDepthTerms := {|
  h_std := h_std a + h_std b; h_sum := h_sum a + h_sum b; h_exp := h_exp a + h_exp b;
  h_sqrt := h_sqrt a + h_sqrt b; h_mx := h_mx a + h_mx b; h_erf := h_erf a + h_erf b |}.

Definition scale_terms (K : N) (a : HeadDepthTerms) : HeadDepthTerms := {|
  h_std := K * h_std a; h_sum := K * h_sum a; h_exp := K * h_exp a;
  h_sqrt := K * h_sqrt a; h_mx := K * h_mx a; h_erf := K * h_erf a |}.

Definition released_terms (K Le Ld : N) (hd : RFlowDims) : HeadDepthTerms :=
  scale_terms K (add_terms (pass_terms Le Ld) (rhead_terms hd)).

Lemma pass_depth_as_terms (P : FloatPrimitivesTC0) (E : ErfImpl) Le Ld :
  N.of_nat (rpass_depth P E Le Ld) = eval_head_terms P E (pass_terms (N.of_nat Le) (N.of_nat Ld)).
Proof.
  unfold rpass_depth, eval_head_terms, pass_terms. rewrite rb_depth_value.
  cbn [h_std h_sum h_exp h_sqrt h_mx h_erf].
  repeat (rewrite Nat2N.inj_add || rewrite Nat2N.inj_mul). cbn [N.of_nat Pos.of_succ_nat Pos.succ].
  ring.
Qed.

Theorem released_depth_as_terms (P : FloatPrimitivesTC0) (E : ErfImpl) K Le Ld hd :
  N.of_nat (flowar_released_depth P E K Le Ld (rhead_depth P E hd))
  = eval_head_terms P E (released_terms (N.of_nat K) (N.of_nat Le) (N.of_nat Ld) hd).
Proof.
  unfold flowar_released_depth. rewrite Nat2N.inj_mul, Nat2N.inj_add, pass_depth_as_terms.
  rewrite rhead_depth_as_terms.
  unfold released_terms, rhead_terms, eval_head_terms, scale_terms, add_terms, pass_terms.
  cbn [h_std h_sum h_exp h_sqrt h_mx h_erf]. ring.
Qed.

(** FlowAR-S: 5 scales, 6 + 6 blocks, the S head (2 [Block_v1], 24 updates). *)
Example released_S_depth :
  released_terms 5 6 6 rf_flowar_S
  = {| h_std := 16095; h_sum := 3215; h_exp := 720; h_sqrt := 615; h_mx := 120; h_erf := 300 |}.
Proof. vm_compute. reflexivity. Qed.

Example released_L_depth :
  released_terms 5 8 8 rf_flowar_L
  = {| h_std := 95695; h_sum := 21395; h_exp := 4600; h_sqrt := 4495; h_mx := 120; h_erf := 1520 |}.
Proof. vm_compute. reflexivity. Qed.

Example released_H_depth :
  released_terms 5 15 15 rf_flowar_H
  = {| h_std := 198485; h_sum := 44385; h_exp := 9550; h_sqrt := 9315; h_mx := 250; h_erf := 3150 |}.
Proof. vm_compute. reflexivity. Qed.
