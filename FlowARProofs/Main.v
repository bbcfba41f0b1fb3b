(** * Headline theorems

    What this development proves about FlowAR ("On Computational Limits of
    FlowAR Models", arXiv 2502.16490), stated once, readably.  Everything
    they use is in [Circuits/], [Float/], [IR/], [Modules/], [Pipeline/];
    the only hypotheses beyond Coq are the fields of the trust record
    [P : FloatPrimitivesTC0] (Float/Primitives.v), which every theorem takes
    as an argument. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program TC0 Tensor.
From FlowARProofs.Pipeline Require Import Scales FlowAR FlowARTC0 VAR.
Set Default Goal Selector "!".

(** ** FlowAR is in TC0

    For every trust record [P] and every family of configurations [cfgs n]
    with at most [K0] scales, [L0] AR layers, [Lf0] velocity-network layers
    and [T0] Euler steps, whose largest feature map is [n × n × c] ([c ≥ 1]),
    whose dimensions (token counts, widths, heads, channels) are at most
    [b·(n+1)^k] and whose precision is at most [ap·(n+1)^kp] bits, the FlowAR
    circuit family
    - is in TC0: depth at most [flowar_depth P K0 L0 Lf0 T0], a constant
      (explicitly, [K0] times the per-scale depth in d_std, d_⊕, d_exp,
      d_sqrt), and size at most an explicit polynomial in [n];
    - computes the p-bit floating-point semantics of FlowAR
      ([flowar_float]: every operation rounded, iterated sums and products
      rounded once, exp and sqrt as the trust record's float functions) on
      every input — class tokens, noises, weights — of valid floats.
    The circuit simulates FLOAT FlowAR, not the real-valued model. *)
Theorem flowar_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config)
    (K0 L0 Lf0 T0 ap kp b k : nat) :
  (forall n, 1 <= K (cfgs n) <= K0) -> (forall n, L (cfgs n) <= L0) ->
  (forall n, Lf (cfgs n) <= Lf0) -> (forall n, T (cfgs n) <= T0) ->
  (forall n, side (cfgs n) (K (cfgs n) - 1) = n) -> (forall n, 1 <= ch (cfgs n)) ->
  PolyBoundedWith prec ap kp ->
  PolyBoundedWith (fun n => dimB (cfgs n)) b k ->
  let F := flowar_family P prec cfgs in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= flowar_depth P K0 L0 Lf0 T0)
  /\ PolyBoundedWith (fun n => size (fam_circ F n))
       (tc0_coef P (flowar_depth P K0 L0 Lf0 T0) ap (shape_coef K0 L0 Lf0 T0 * b ^ 4))
       (tc0_exp P kp (4 * k))
  /\ (forall n (G : list flt), length G = glen (cfgs n) -> all_valid (prec n) G ->
        eval (fam_circ F n) (encs (prec n) G)
        = encs (prec n) (flat (n * n) (ch (cfgs n)) (flowar_float P (prec n) (cfgs n) G))).
Proof.
  intros HK HL HLf HT Hside Hch Hp Hd F.
  pose proof (flowar_TC0_explicit P prec cfgs K0 L0 Lf0 T0 ap kp b k HK HL HLf HT Hp Hd) as H.
  split; [|split; [|split]].
  - split; [apply (flowar_index prec cfgs K0 HK Hside Hch)|].
    eexists _, _, _. exact H.
  - intros n. apply H.
  - apply InTC0With_size with (D := flowar_depth P K0 L0 Lf0 T0), H.
  - intros n G Hlen Hval. unfold F.
    rewrite (flowar_family_correct P prec cfgs K0 HK n G Hlen Hval).
    unfold tok. rewrite Hside. reflexivity.
Qed.

(** ** The depth really counts the scales *)

(** The depth bound strictly grows with the number of scales... *)
Theorem flowar_depth_grows (P : FloatPrimitivesTC0) (K L Lf T : nat) :
  1 <= L -> flowar_depth P K L Lf T < flowar_depth P (S K) L Lf T.
Proof. apply flowar_depth_strict_mono. Qed.

(** ... so with FlowAR's own schedule (first scale 1×1, doubling), where the
    number of scales is [log₂ n + 1], the bound is [(log₂ n + 1)] times the
    per-scale depth: logarithmic in [n], a TC¹-type bound.  The TC0 claim
    needs a constant number of scales (as [flowar_in_TC0] assumes). *)
Theorem flowar_depth_log (P : FloatPrimitivesTC0) (cfg : Config) :
  s0 cfg = 1 -> a cfg = 2 -> 1 <= K cfg ->
  flowar_depth P (K cfg) (L cfg) (Lf cfg) (T cfg)
  = (Nat.log2 (side cfg (K cfg - 1)) + 1) * scale_depth P (L cfg) (Lf cfg) (T cfg).
Proof.
  intros Hs0 Ha HK. unfold flowar_depth, side. rewrite Hs0, Ha, Nat.mul_1_l, Nat.log2_pow2 by lia.
  f_equal. lia.
Qed.

(** ** VAR is in TC0 (the result of arXiv 2501.04299, as a corollary)

    The same pipeline with a linear head instead of the flow-matching head:
    the same hypotheses without the flow head's, the same conclusions. *)
Theorem var_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config)
    (K0 L0 ap kp b k : nat) :
  (forall n, 1 <= K (cfgs n) <= K0) -> (forall n, L (cfgs n) <= L0) ->
  (forall n, side (cfgs n) (K (cfgs n) - 1) = n) -> (forall n, 1 <= ch (cfgs n)) ->
  PolyBoundedWith prec ap kp ->
  PolyBoundedWith (fun n => dimB (cfgs n)) b k ->
  let F := var_family P prec cfgs in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= var_depth P K0 L0)
  /\ PolyBoundedWith (fun n => size (fam_circ F n))
       (tc0_coef P (var_depth P K0 L0) ap (var_shape_coef K0 L0 * b ^ 4)) (tc0_exp P kp (4 * k))
  /\ (forall n (G : list flt), length G = var_glen (cfgs n) -> all_valid (prec n) G ->
        eval (fam_circ F n) (encs (prec n) G)
        = encs (prec n) (flat (n * n) (ch (cfgs n)) (var_float P (prec n) (cfgs n) G))).
Proof.
  intros HK HL Hside Hch Hp Hd F.
  pose proof (var_TC0_explicit P prec cfgs K0 L0 ap kp b k HK HL Hp Hd) as H.
  split; [|split; [|split]].
  - split; [apply (var_index prec cfgs K0 HK Hside Hch)|]. eexists _, _, _. exact H.
  - intros n. apply H.
  - apply InTC0With_size with (D := var_depth P K0 L0), H.
  - intros n G Hlen Hval. unfold F.
    rewrite (var_family_correct P prec cfgs K0 HK n G Hlen Hval).
    unfold tok. rewrite Hside. reflexivity.
Qed.
