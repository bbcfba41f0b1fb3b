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
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR FlowARTC0 CircuitDepth VAR Instances.
From FlowARProofs.Pipeline Require Import ReleasedHeadIface ReleasedAR ReleasedPipeline ReleasedTyping
  ReleasedSize ReleasedTC0.
Set Default Goal Selector "!".

(** ** FlowAR is in TC0

    For every trust record [P] and every family of configurations [cfgs n]
    with at most [K0] scales, [L0] AR layers, [Lf0] velocity-network layers
    and [T0] Euler steps, whose index [n] is at most the side of the largest
    feature map ([n ≤ side (K−1)], e.g. the largest side itself, or the first
    side with a fixed number of scales) with [c ≥ 1] channels, whose
    dimensions (token counts, widths, heads, channels) are at most
    [b·(n+1)^k] and whose precision is at most [ap·(n+1)^kp] bits, the FlowAR
    circuit family
    - is in TC0: depth at most [flowar_depth P K0 L0 Lf0 T0], a constant
      (explicitly, [K0] times the per-scale depth in d_std, d_⊕, d_exp,
      d_sqrt), and size at most an explicit polynomial in [n];
    - computes the p-bit floating-point semantics of FlowAR
      ([flowar_float]: every operation rounded, iterated sums and products
      rounded once, exp and sqrt as the trust record's float functions) on
      every input — class tokens, noises, weights — of valid floats; the
      output is the largest map, [tok (K−1) = side (K−1)²] tokens of [c]
      channels.
    The circuit simulates FLOAT FlowAR, not the real-valued model. *)
Theorem flowar_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config)
    (K0 L0 Lf0 T0 ap kp b k : nat) :
  (forall n, 1 <= K (cfgs n) <= K0) -> (forall n, L (cfgs n) <= L0) ->
  (forall n, Lf (cfgs n) <= Lf0) -> (forall n, T (cfgs n) <= T0) ->
  (forall n, n <= side (cfgs n) (K (cfgs n) - 1)) -> (forall n, 1 <= ch (cfgs n)) ->
  PolyBoundedWith prec ap kp ->
  PolyBoundedWith (fun n => dimB (cfgs n)) b k ->
  let F := flowar_family P prec cfgs in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= flowar_depth P K0 L0 Lf0 T0)
  /\ PolyBoundedWith (fun n => size (fam_circ F n))
       (flowar_size_coef P K0 L0 Lf0 T0 ap b) (flowar_size_exp P kp k)
  /\ (forall n (G : list flt), length G = glen (cfgs n) -> all_valid (prec n) G ->
        eval (fam_circ F n) (encs (prec n) G)
        = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                              (flowar_float P (prec n) (cfgs n) G))).
Proof.
  intros HK HL HLf HT Hside Hch Hp Hd F.
  pose proof (flowar_TC0_explicit P prec cfgs K0 L0 Lf0 T0 ap kp b k HK HL HLf HT Hp Hd) as H.
  split; [|split; [|split]].
  - split; [apply (flowar_index prec cfgs K0 HK Hside Hch)|].
    eexists _, _, _. exact H.
  - intros n. apply H.
  - apply InTC0With_size with (D := flowar_depth P K0 L0 Lf0 T0), H.
  - intros n G Hlen Hval. exact (flowar_family_correct P prec cfgs K0 HK n G Hlen Hval).
Qed.

(** ** A concrete family: FlowAR-L at every resolution

    The hypotheses of [flowar_in_TC0] are satisfiable by FlowAR itself:
    [flowar_L_cfg m] (Pipeline/Instances.v) is FlowAR-L's paper-model
    architecture — five doubling scales, width 1024, 16 heads of 64, FFN
    width 4096, 16 latent channels, 16 AR layers, 12 velocity-network layers,
    24 Euler steps — with first scale [m × m] (so the output is
    [16m × 16m]; [m = 1] is the released 16×16 latent), at precision 24.
    For every trust record this family is in TC0: depth at most
    [flowar_depth P 5 16 12 24] and at least [5·2·(16 + 24·12)] for every
    [m ≥ 1], size at most an explicit polynomial (dimensions at most
    [flowar_L_dimb·(m+1)²], [flowar_L_dimb = 5558]) of degree
    [flowar_size_exp P 0 2] in [m], and it computes float FlowAR-L. *)
Theorem flowar_instance_in_TC0 (P : FloatPrimitivesTC0) :
  let F := flowar_family P flowar_L_prec flowar_L_cfg in
  InTC0 F
  /\ (forall m, 1 <= m -> 5 * (2 * (16 + 24 * 12)) <= depth (fam_circ F m))
  /\ (forall m, depth (fam_circ F m) <= flowar_depth P 5 16 12 24)
  /\ PolyBoundedWith (fun m => size (fam_circ F m))
       (flowar_size_coef P 5 16 12 24 24 flowar_L_dimb) (flowar_size_exp P 0 2)
  /\ (forall m (G : list flt), length G = glen (flowar_L_cfg m) -> all_valid 24 G ->
        eval (fam_circ F m) (encs 24 G)
        = encs 24 (flat (16 * m * (16 * m)) 16 (flowar_float P 24 (flowar_L_cfg m) G))).
Proof.
  destruct flowar_L_hyps as (HK & HL & HLf & HT & Hs & Hc & Hp & Hd).
  destruct (flowar_in_TC0 P flowar_L_prec flowar_L_cfg 5 16 12 24 24 0 flowar_L_dimb 2
              HK HL HLf HT Hs Hc Hp Hd) as (H1 & H2 & H3 & H4).
  intros F. split; [exact H1|]. split; [|split; [exact H2|split; [exact H3|]]].
  - intros m Hm. apply (flowar_family_depth_bounds P flowar_L_prec flowar_L_cfg m); cbn; lia.
  - intros m G Hlen Hval. rewrite <- (flowar_L_tok m). exact (H4 m G Hlen Hval).
Qed.

(** Widths, heads, channels and precision may grow with the index too:
    width [64(m+1)], [m+1] heads, FFN width [256(m+1)], [m+1] channels,
    precision [m + 24] bits. *)
Theorem flowar_wide_instance_in_TC0 (P : FloatPrimitivesTC0) :
  let F := flowar_family P flowar_wide_prec flowar_wide_cfg in
  InTC0 F
  /\ (forall m, depth (fam_circ F m) <= flowar_depth P 5 16 12 24)
  /\ PolyBoundedWith (fun m => size (fam_circ F m))
       (flowar_size_coef P 5 16 12 24 24 728) (flowar_size_exp P 1 2).
Proof.
  destruct flowar_wide_hyps as (HK & HL & HLf & HT & Hs & Hc & Hp & Hd).
  destruct (flowar_in_TC0 P flowar_wide_prec flowar_wide_cfg 5 16 12 24 24 1 728 2
              HK HL HLf HT Hs Hc Hp Hd) as (H1 & H2 & H3 & _).
  split; [exact H1|split; [exact H2|exact H3]].
Qed.

(** ** The depth of the circuits counts the scales

    Facts about the compiled circuits, not about a bound expression
    ([depth_compile] is an equality with the program's weighted longest
    path).  Every scale runs [L] AR layers and [T] Euler steps of [Lf]
    velocity-network layers, each layer's ReLU is a comparison followed by a
    proven multiplexer of depth 2, and the scales run one after another; so
    for any trust record the circuit for [cfgs n] has depth between
    [K·2·(L + T·Lf)] and [K·scale_depth] — linear in the number of scales
    [K], in both directions (given one token per scale and an FFN). *)
Theorem flowar_circuit_depth_ge (P : FloatPrimitivesTC0) (prec : nat -> nat)
    (cfgs : nat -> Config) (n : nat) :
  1 <= s0 (cfgs n) -> 1 <= a (cfgs n) -> 1 <= ldff (LD (cfgs n)) ->
  K (cfgs n) * (2 * (L (cfgs n) + T (cfgs n) * Lf (cfgs n)))
  <= depth (fam_circ (flowar_family P prec cfgs) n)
  <= K (cfgs n) * scale_depth P (L (cfgs n)) (Lf (cfgs n)) (T (cfgs n)).
Proof. apply flowar_family_depth_bounds. Qed.

(** With FlowAR's own schedule — first scale 1×1, doubling, so the
    largest side is [n = 2^(K−1)] and [K = log₂ n + 1] ([doubling_cfgs]) —
    the circuits' depth is Θ(log n): between [(log₂ n + 1)·2·(L + T·Lf)]
    and [(log₂ n + 1)·scale_depth].  Our construction is therefore NOT
    constant-depth on that schedule; TC0 needs a bounded number of scales,
    as [flowar_in_TC0] assumes. *)
Theorem flowar_circuit_depth_log (P : FloatPrimitivesTC0) (prec : nat -> nat) (base : Config) :
  1 <= ldff (LD base) ->
  forall n,
    side (doubling_cfgs base n) (K (doubling_cfgs base n) - 1) = 2 ^ Nat.log2 n
    /\ (Nat.log2 n + 1) * (2 * (L base + T base * Lf base))
       <= depth (fam_circ (flowar_family P prec (doubling_cfgs base)) n)
       <= (Nat.log2 n + 1) * scale_depth P (L base) (Lf base) (T base).
Proof.
  intros Hff n. split; [apply doubling_side|]. apply flowar_doubling_depth_log, Hff.
Qed.

(** ... and, with at least one AR layer, that family is not in TC0. *)
Theorem flowar_doubling_not_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) (base : Config) :
  1 <= L base -> 1 <= ldff (LD base) ->
  ~ InTC0 (flowar_family P prec (doubling_cfgs base)).
Proof. intros HL Hff. apply flowar_doubling_not_TC0; assumption. Qed.

(** ** VAR is in TC0 (the result of arXiv 2501.04299, as a corollary)

    The same pipeline with a linear head instead of the flow-matching head:
    the same hypotheses without the flow head's, the same conclusions. *)
Theorem var_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config)
    (K0 L0 ap kp b k : nat) :
  (forall n, 1 <= K (cfgs n) <= K0) -> (forall n, L (cfgs n) <= L0) ->
  (forall n, n <= side (cfgs n) (K (cfgs n) - 1)) -> (forall n, 1 <= ch (cfgs n)) ->
  PolyBoundedWith prec ap kp ->
  PolyBoundedWith (fun n => dimB (cfgs n)) b k ->
  let F := var_family P prec cfgs in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= var_depth P K0 L0)
  /\ PolyBoundedWith (fun n => size (fam_circ F n))
       (var_size_coef P K0 L0 ap b) (var_size_exp P kp k)
  /\ (forall n (G : list flt), length G = var_glen (cfgs n) -> all_valid (prec n) G ->
        eval (fam_circ F n) (encs (prec n) G)
        = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                              (var_float P (prec n) (cfgs n) G))).
Proof.
  intros HK HL Hside Hch Hp Hd F.
  pose proof (var_TC0_explicit P prec cfgs K0 L0 ap kp b k HK HL Hp Hd) as H.
  split; [|split; [|split]].
  - split; [apply (var_index prec cfgs K0 HK Hside Hch)|]. eexists _, _, _. exact H.
  - intros n. apply H.
  - apply InTC0With_size with (D := var_depth P K0 L0), H.
  - intros n G Hlen Hval. exact (var_family_correct P prec cfgs K0 HK n G Hlen Hval).
Qed.

(** VAR with FlowAR-L's AR transformer at every first side [m] satisfies
    every hypothesis: in TC0, computing float VAR on the [16m × 16m] map. *)
Theorem var_instance_in_TC0 (P : FloatPrimitivesTC0) :
  let F := var_family P flowar_L_prec flowar_L_cfg in
  InTC0 F
  /\ (forall m, depth (fam_circ F m) <= var_depth P 5 16)
  /\ PolyBoundedWith (fun m => size (fam_circ F m)) (var_size_coef P 5 16 24 flowar_L_dimb) (var_size_exp P 0 2)
  /\ (forall m (G : list flt), length G = var_glen (flowar_L_cfg m) -> all_valid 24 G ->
        eval (fam_circ F m) (encs 24 G)
        = encs 24 (flat (16 * m * (16 * m)) 16 (var_float P 24 (flowar_L_cfg m) G))).
Proof.
  destruct var_L_hyps as (HK & HL & Hs & Hc & Hp & Hd).
  destruct (var_in_TC0 P flowar_L_prec flowar_L_cfg 5 16 24 0 flowar_L_dimb 2 HK HL Hs Hc Hp Hd)
    as (H1 & H2 & H3 & H4).
  split; [exact H1|split; [exact H2|split; [exact H3|]]].
  intros m G Hlen Hval. rewrite <- (flowar_L_tok m). exact (H4 m G Hlen Hval).
Qed.

(** VAR's circuits, like FlowAR's, have depth linear in the number of
    scales: between [K·2·L] and [var_depth K L] (so VAR's TC0 membership,
    too, needs a bounded number of scales). *)
Theorem var_circuit_depth_ge (P : FloatPrimitivesTC0) (prec : nat -> nat)
    (cfgs : nat -> Config) (n : nat) :
  1 <= s0 (cfgs n) -> 1 <= ldff (LD (cfgs n)) ->
  K (cfgs n) * (2 * L (cfgs n)) <= depth (fam_circ (var_family P prec cfgs) n)
  <= var_depth P (K (cfgs n)) (L (cfgs n)).
Proof. apply var_family_depth_bounds. Qed.

(** ** Released FlowAR is in TC0 (beyond the paper)

    The model of the public code (wangqiang9/FlowAR): class embedding as
    the first scale, [z_proj] / [z_proj_ln], an encoder and a decoder of
    released blocks (adaLN from the class embedding, RMSNorm, RoPE
    attention with biases, SwiGLU with an erf-based GELU [E]),
    [decoder_embed], final norms, learned positions, block-causal
    attention (recomputed; the code's KV cache is not modelled),
    up-sampling bicubic to the final side then area to the next side, and
    classifier-free guidance (a class and a null-class AR pass per scale),
    with ANY flow head [H] meeting Pipeline/ReleasedHeadIface.v (the
    released head, its sampler schedule and guidance are one instance).
    Under bounded scales, encoder and decoder blocks, a head of depth at
    most [Dh0] and shape coefficient at most [Ch0], [a ≥ 1], an index at most
    the final side, [c ≥ 1], dimensions ([rdimB]: tokens, widths, heads,
    channels, the head's dimensions, [a^K]) and precision polynomial in
    [n], and every scale supported by the head ([rh_ok]), the released circuit family is in TC0 with depth at most
    [flowar_released_depth P E K0 Le0 Ld0 Dh0], an explicit size polynomial,
    and computes the float semantics [flowar_released_float] on every input. *)
Theorem flowar_released_in_TC0 {H : RHead} (P : FloatPrimitivesTC0) (E : ErfImpl)
    (prec : nat -> nat) (cfgs : nat -> RConfig H) (K0 Le0 Ld0 Dh0 Ch0 ap kp b k : nat) :
  (forall n, 1 <= rK (cfgs n) <= K0) -> (forall n, rLe (cfgs n) <= Le0) ->
  (forall n, rLd (cfgs n) <= Ld0) -> (forall n, 1 <= ra (cfgs n)) ->
  (forall n, rh_depth H P (rhd (cfgs n)) <= Dh0) -> (forall n, rh_coef H (rhd (cfgs n)) <= Ch0) ->
  (forall n i, i < rK (cfgs n) -> rh_ok H (rhd (cfgs n)) (rK (cfgs n)) i (rtok (cfgs n) i)) ->
  (forall n, n <= rside (cfgs n) (rK (cfgs n) - 1)) -> (forall n, 1 <= rch (cfgs n)) ->
  PolyBoundedWith prec ap kp ->
  PolyBoundedWith (fun n => rdimB (cfgs n)) b k ->
  let F := flowar_released_family P E prec cfgs in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= flowar_released_depth P E K0 Le0 Ld0 Dh0)
  /\ PolyBoundedWith (fun n => size (fam_circ F n))
       (released_size_coef P E K0 Le0 Ld0 Dh0 Ch0 ap b) (released_size_exp P kp k)
  /\ (forall n (G : list flt), length G = rglen (cfgs n) -> all_valid (prec n) G ->
        eval (fam_circ F n) (encs (prec n) G)
        = encs (prec n) (flat (rtok (cfgs n) (rK (cfgs n) - 1)) (rch (cfgs n))
                              (flowar_released_float P E (prec n) (cfgs n) G))).
Proof.
  intros HK HLe HLd Ha HDh HCh Hok Hside Hch Hp Hd F.
  pose proof (flowar_released_TC0_explicit P E prec cfgs K0 Le0 Ld0 Dh0 Ch0 ap kp b k
                HK HLe HLd Ha HDh HCh Hok Hp Hd) as HT.
  split; [|split; [|split]].
  - split; [apply (flowar_released_index prec cfgs K0 HK Hside Hch)|]. eexists _, _, _. exact HT.
  - intros n. apply HT.
  - apply InTC0With_size with (D := flowar_released_depth P E K0 Le0 Ld0 Dh0), HT.
  - intros n G Hlen Hval. exact (flowar_released_family_correct P E prec cfgs K0 HK Ha Hok n G Hlen Hval).
Qed.
