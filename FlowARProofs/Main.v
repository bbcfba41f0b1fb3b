(** * Headline theorems

    What this development proves about FlowAR ("On Computational Limits of
    FlowAR Models", arXiv 2502.16490), stated once, readably.  Everything
    they use is in [Circuits/], [Float/], [IR/], [Modules/], [Pipeline/];
    the only hypotheses beyond Coq are the fields of the trust record
    [P : FloatPrimitivesTC0] (Float/Primitives.v), which every theorem takes
    as an argument. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work TC0 Tensor.
From FlowARProofs.Modules Require Import FastAttention.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR FlowARTC0 CircuitDepth VAR Instances
  FastFlowAR FastFlowARTC0.
From Coq Require Reals NArith.
From FlowARProofs.Error Require Lipschitz RealPipeline PipelineError PipelinePoly GenericPipeline
  WitnessPipe WitnessPipeBound ActBounds PipelineFloors.
From FlowARProofs.Runtime Require FastRank FastAsym.
From FlowARProofs.Runtime Require Import ExactTheta KVCache KVPipeline KVPipelineCost KVPipelineTyping
  KVPipelineTC0.
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import ReleasedHeadIface ReleasedAR ReleasedPipeline ReleasedTyping
  ReleasedSize ReleasedTC0 ReleasedHead ReleasedHeadShape ReleasedHeadInst.
From FlowARProofs.Witnesses Require Import ReleasedHeadDepth ReleasedInstance.
Set Default Goal Selector "!".
(* Coquelicot (required by the error analysis) turns bullets off globally. *)
Set Bullet Behavior "Strict Subproofs".

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
        = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)%nat) (ch (cfgs n))
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

(** ** Fast FlowAR is in TC0

    Fast FlowAR ([fast_flowar_float], [fast_flowar_prog]) is the same
    pipeline with every attention — AR and flow head — replaced by
    polynomial-method multi-head attention with monomials [monsf n] and
    coefficients [coeff n] (the Taylor instance: all monomials of degree
    [≤ g] in the head coordinates, coefficients [scale^|α|/α!]).  Under the
    hypotheses of [flowar_in_TC0], plus: the rank [|monsf n|] plus the total
    monomial degree [mdeg (monsf n)] is at most [br·(n+1)^k] (polynomial in
    [n] — the Taylor rank [C(dh + g, g)] is [n^{o(1)}] under the paper's
    hypotheses, and even a polynomially growing rank is allowed), the
    monomials index head coordinates and the coefficients are valid floats,
    the Fast FlowAR circuit family
    - is in TC0 with depth at most [fast_flowar_depth P K0 L0 Lf0 T0], a
      constant that does NOT depend on the rank (fast attention has depth
      [4·(d_std + d_⊕) + d_⊗ + d_std]), and size at most an explicit
      polynomial in [n];
    - computes the float semantics of Fast FlowAR on every input of valid
      floats. *)
Theorem fast_flowar_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config)
    (monsf : nat -> list (list nat)) (coeff : nat -> nat -> list nat -> flt)
    (K0 L0 Lf0 T0 ap kp b br k : nat) :
  (forall n, 1 <= K (cfgs n) <= K0) -> (forall n, L (cfgs n) <= L0) ->
  (forall n, Lf (cfgs n) <= Lf0) -> (forall n, T (cfgs n) <= T0) ->
  (forall n, n <= side (cfgs n) (K (cfgs n) - 1)) -> (forall n, 1 <= ch (cfgs n)) ->
  PolyBoundedWith prec ap kp ->
  PolyBoundedWith (fun n => dimB (cfgs n)) b k ->
  PolyBoundedWith (fun n => length (monsf n) + mdeg (monsf n)) br k ->
  (forall n, fast_ok (monsf n) (coeff n) (prec n) (LD (cfgs n))) ->
  let F := fast_flowar_family P prec cfgs monsf coeff in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= fast_flowar_depth P K0 L0 Lf0 T0)
  /\ PolyBoundedWith (fun n => size (fam_circ F n))
       (fast_flowar_size_coef P K0 L0 Lf0 T0 ap b br) (fast_flowar_size_exp P kp k)
  /\ (forall n (G : list flt), length G = glen (cfgs n) -> all_valid (prec n) G ->
        eval (fam_circ F n) (encs (prec n) G)
        = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                              (fast_flowar_float P (prec n) (cfgs n) (monsf n) (coeff n) G))).
Proof.
  intros HK HL HLf HT Hside Hch Hp Hd Hr Hok F.
  pose proof (fast_flowar_TC0_explicit P prec cfgs monsf coeff K0 L0 Lf0 T0 ap kp b br k
                HK HL HLf HT Hp Hd Hr Hok) as H.
  split; [|split; [|split]].
  - split; [apply (flowar_index prec cfgs K0 HK Hside Hch)|].
    eexists _, _, _. exact H.
  - intros n. apply H.
  - apply InTC0With_size with (D := fast_flowar_depth P K0 L0 Lf0 T0), H.
  - intros n G Hlen Hval.
    exact (fast_flowar_family_correct P prec cfgs monsf coeff K0 HK Hok n G Hlen Hval).
Qed.

(** The hypotheses are satisfiable: Fast FlowAR-L (FlowAR-L's dimensions at
    every first side [m], precision 24) with degree-2 Taylor attention
    ([fast_L_mons m = taylor_mons 64 2]: rank [C(66, 2) = 2145];
    [fast_L_coef m p = taylor_coef p 1 8 64]: coefficients [8^{−|α|}/α!]) is in TC0. *)
Theorem fast_flowar_instance_in_TC0 (P : FloatPrimitivesTC0) :
  let F := fast_flowar_family P flowar_L_prec flowar_L_cfg fast_L_mons fast_L_coef in
  InTC0 F
  /\ (forall m, depth (fam_circ F m) <= fast_flowar_depth P 5 16 12 24)
  /\ (forall m (G : list flt), length G = glen (flowar_L_cfg m) -> all_valid 24 G ->
        eval (fam_circ F m) (encs 24 G)
        = encs 24 (flat (16 * m * (16 * m)) 16
                        (fast_flowar_float P 24 (flowar_L_cfg m) (fast_L_mons m) (fast_L_coef m) G))).
Proof.
  destruct fast_flowar_L_taylor_hyps as (HK & HL & HLf & HT & Hs & Hc & Hp & Hd & Hr & Hok).
  destruct (fast_flowar_in_TC0 P flowar_L_prec flowar_L_cfg fast_L_mons fast_L_coef
              5 16 12 24 24 0 flowar_L_dimb fast_L_rankb 2 HK HL HLf HT Hs Hc Hp Hd Hr Hok)
    as (H1 & H2 & _ & H4).
  intros F. split; [exact H1|]. split; [exact H2|].
  intros m G Hlen Hval. rewrite <- (flowar_L_tok m). exact (H4 m G Hlen Hval).
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
        = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)%nat) (ch (cfgs n))
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

(** ** Released FlowAR with the released flow head is in TC0 (beyond the paper)

    [flowar_released_in_TC0] for the head of the public code:
    [released_head E] (Pipeline/ReleasedHeadInst.v) is the
    SimpleTransformerAdaLN velocity network with the Euler sampler on the
    code's time grid and classifier-free guidance (Pipeline/ReleasedHead.v).
    The head's hypotheses are stated in its own terms: its depth
    [rhead_depth P E hd] (a function of [L], the grid length and the block
    kind, see Witnesses/ReleasedHeadDepth.v) at most [Dh0], its shape
    coefficient [rhead_coef E hd] (a function of [L], the grid length and
    [erf_shape E]) at most [Ch0], and at every scale [i] the head's token
    table covers the scale ([i < |rf_toks hd|], [tok_i ≤ rf_toks hd !! i]).
    [rdimB] contains the head's dimensions, [L], grid length, number of
    scales and the sum of the head's token counts ([rh_rel_dimB]). *)
Theorem flowar_released_head_in_TC0 (P : FloatPrimitivesTC0) (E : ErfImpl)
    (prec : nat -> nat) (cfgs : nat -> RConfig (released_head E)) (K0 Le0 Ld0 Dh0 Ch0 ap kp b k : nat) :
  (forall n, 1 <= rK (cfgs n) <= K0) -> (forall n, rLe (cfgs n) <= Le0) ->
  (forall n, rLd (cfgs n) <= Ld0) -> (forall n, 1 <= ra (cfgs n)) ->
  (forall n, rhead_depth P E (rhd (cfgs n)) <= Dh0) -> (forall n, rhead_coef E (rhd (cfgs n)) <= Ch0) ->
  (forall n i, i < rK (cfgs n) ->
     i < length (rf_toks (rhd (cfgs n))) /\ rtok (cfgs n) i <= nth i (rf_toks (rhd (cfgs n))) 0) ->
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
Proof. exact (flowar_released_in_TC0 P E prec cfgs K0 Le0 Ld0 Dh0 Ch0 ap kp b k). Qed.

(** The hypotheses of [flowar_released_head_in_TC0] are met by a concrete
    family: released FlowAR-S's AR side (five doubling scales from first
    side [n], width 768, 6 + 6 blocks, 16 channels) with the released
    FlowAR-S flow head (width 1024, 2 blocks, 25-point grid, cfg 4.3; token
    tables those of the five scales), precision 24
    (Witnesses/ReleasedInstance.v).  Its circuits are in TC0 with depth at
    most [flowar_released_depth P E 5 6 6 (rhead_depth P E rf_flowar_S)]. *)
Theorem flowar_released_S_in_TC0 (P : FloatPrimitivesTC0) (E : ErfImpl) :
  let F := flowar_released_family P E rel_S_prec (rel_S_cfg E) in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= flowar_released_depth P E 5 6 6 (rhead_depth P E rf_flowar_S)).
Proof.
  destruct (rel_S_hyps P E) as (HK & HLe & HLd & Ha & HDh & HCh & Hok & Hside & Hch & Hp & Hd).
  destruct (flowar_released_head_in_TC0 P E rel_S_prec (rel_S_cfg E) 5 6 6 _ _ 24 0 _ 2
              HK HLe HLd Ha HDh HCh Hok Hside Hch Hp Hd) as (H1 & H2 & _).
  split; [exact H1|exact H2].
Qed.

(** ** The released KV-cached inference computes the same output, in Θ(n⁴) work

    The released FlowAR keeps every AR layer's keys and values and runs, at
    scale [i], only the [tok i] tokens of the newest block.
    [flowar_cached_prog] is that inference as one program, the per-layer
    caches carried in its state from scale to scale.  On every input vector
    it computes the float semantics [flowar_float] — the same output as the
    recomputing [flowar_prog]; its work (scalar operations) is exactly the
    closed form [flowar_cached_cost], and its depth is within the
    recomputing program's bound ([flowar_cached_in_TC0] below: its own
    circuit family is in TC0). *)
Theorem flowar_kv_cached_inference (P : FloatPrimitivesTC0) (p : nat) (cfg : Config) :
  1 <= K cfg ->
  (forall G : list flt, length G = glen cfg ->
     peval P p (flowar_cached_prog p cfg) G = flat (tok cfg (K cfg - 1)) (ch cfg) (flowar_float P p cfg G))
  /\ N.of_nat (work (flowar_cached_prog p cfg)) = flowar_cached_cost unit_cost cfg
  /\ wdepth (op_dbound P) (flowar_cached_prog p cfg) <= flowar_depth P (K cfg) (L cfg) (Lf cfg) (T cfg).
Proof.
  intros HK. split; [|split].
  - intros G HG. exact (flowar_cached_prog_correct P p cfg G HG HK).
  - exact (proj1 (flowar_cached_work p cfg)).
  - apply flowar_cached_prog_wdepth.
Qed.

(** The cached program's work is [Θ(n⁴)] on the doubling schedule, with the
    constants [c₁ = theta_lo F], [c₂ = theta_hi F] of the recomputing one:
    the cache removes the recomputation of earlier scales' tokens, not the
    [tok i · ntok i] attention pairs of the newest block. *)
Theorem flowar_kv_cached_work_theta p F K m :
  1 <= K ->
  (theta_lo F * N.of_nat (out_side K m) ^ 4 <= N.of_nat (work (flowar_cached_prog p (schedule F K m)))
   <= theta_hi F * N.of_nat (out_side K m) ^ 4)%N.
Proof. apply flowar_cached_work_theta. Qed.

(** The KV-cached program's OWN circuit family is in TC0 too, under the
    hypotheses of [flowar_in_TC0]: depth at most the same
    [flowar_depth P K0 L0 Lf0 T0], size at most an explicit polynomial of
    the same degree, and its circuits compute float FlowAR. *)
Theorem flowar_cached_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config)
    (K0 L0 Lf0 T0 ap kp b k : nat) :
  (forall n, 1 <= K (cfgs n) <= K0) -> (forall n, L (cfgs n) <= L0) ->
  (forall n, Lf (cfgs n) <= Lf0) -> (forall n, T (cfgs n) <= T0) ->
  (forall n, n <= side (cfgs n) (K (cfgs n) - 1)) -> (forall n, 1 <= ch (cfgs n)) ->
  PolyBoundedWith prec ap kp ->
  PolyBoundedWith (fun n => dimB (cfgs n)) b k ->
  let F := flowar_cached_family P prec cfgs in
  InTC0 F
  /\ (forall n, depth (fam_circ F n) <= flowar_depth P K0 L0 Lf0 T0)
  /\ PolyBoundedWith (fun n => size (fam_circ F n))
       (flowar_cached_size_coef P K0 L0 Lf0 T0 ap b) (flowar_size_exp P kp k)
  /\ (forall n (G : list flt), length G = glen (cfgs n) -> all_valid (prec n) G ->
        eval (fam_circ F n) (encs (prec n) G)
        = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                              (flowar_float P (prec n) (cfgs n) G))).
Proof.
  intros HK HL HLf HT Hside Hch Hp Hd F.
  pose proof (flowar_cached_TC0_explicit P prec cfgs K0 L0 Lf0 T0 ap kp b k HK HL HLf HT Hp Hd) as H.
  split; [|split; [|split]].
  - split; [apply (flowar_index prec cfgs K0 HK Hside Hch)|].
    eexists _, _, _. exact H.
  - intros n. apply H.
  - apply InTC0With_size with (D := flowar_depth P K0 L0 Lf0 T0), H.
  - intros n G Hlen Hval. exact (flowar_cached_family_correct P prec cfgs K0 HK n G Hlen Hval).
Qed.

(** ** Fast FlowAR is close to FlowAR (over the reals) *)

Import Rdefinitions Raxioms Rpow_def.
Local Open Scope R_scope.

(** [rflowar_exact cfg G] is FlowAR's pipeline over the reals (the structure
    and weight layout of [flowar_float]: embeddings of the up-sampled earlier
    outputs, block-causal AR transformer, condition rows, flow head with [T]
    Euler steps per scale); [rflowar_fast g cfg G] is the same pipeline with
    every attention weight [exp(score)] replaced by its degree-[g] Taylor
    polynomial (the value of the polynomial-method attention).  Under the
    hypotheses [pipe_hyps] — weight bounds ([‖W‖ ≤ Wb] for every matrix,
    [‖W_emb‖ ≤ Wb]), [ε_T(g, β) ≤ 1/2], and at every LayerNorm and attention
    call of the actual runs (exact, fast, and the exact velocity network at
    the fast states) a variance floor [σ²] and [|q|, |k|, |v| ≤ B] (so every
    score is in [[−β, β]], [β = scale·d_h·B²]) — the outputs differ by at
    most an explicit bound [(1 + Wb·upn(a)·A)^(K−1)·b], with [A] one scale's
    gain and [b] one scale's own error (linear in [ε_T(g, β)]). *)
Theorem fast_flowar_error (cfg : Config) (G : list R) (g : nat) (B s Wb : R) :
  PipelineError.pipe_hyps cfg G g B s Wb ->
  Lipschitz.dinf (tok cfg (K cfg - 1)%nat) (ch cfg) (RealPipeline.rflowar_fast g cfg G)
    (RealPipeline.rflowar_exact cfg G)
  <= PipelineError.flowar_err_bound cfg g B s Wb.
Proof. apply PipelineError.fast_flowar_error. Qed.

(** The [|q|, |k|, |v| ≤ B] part of [pipe_hyps] is not an extra assumption:
    it follows from weight bounds.  If every LayerNorm input of both runs
    has a variance floor [σ²] ([PipelineFloors.pipe_floors]: the AR
    transformer on the exact and on the fast sequence of every scale, the
    flow head's layers at every Euler step of both trajectories), the
    weight bounds of [pipe_hyps] hold ([pipe_weights_ok]: [‖W‖ ≤ Wb],
    [‖W_emb‖ ≤ Wb], [ε_T(g, β) ≤ 1/2]), every LayerNorm shift is at most
    [bℓ] and every FFN bias at most [b_c] ([pipe_bias_ok]), and [√d ≤ r],
    then LayerNorm's normalization gives [|q|, |k|, |v| ≤ B := Wb·(Wb·r + bℓ)]
    at every attention call, and the error bound holds with that [B].  The
    variance floors stay a hypothesis: the model's LayerNorm has no [ε]. *)
Theorem fast_flowar_error_of_floors (cfg : Config) (G : list R) (g : nat) (s Wb bl bc r : R) :
  PipelineFloors.pipe_weights_ok cfg G g (ActBounds.qkv_B Wb bl r) s Wb ->
  PipelineFloors.pipe_bias_ok cfg G bl bc ->
  Rle (R_sqrt.sqrt (INR (dm cfg))) r ->
  PipelineFloors.pipe_floors cfg G g s ->
  Lipschitz.dinf (tok cfg (K cfg - 1)%nat) (ch cfg) (RealPipeline.rflowar_fast g cfg G)
    (RealPipeline.rflowar_exact cfg G)
  <= PipelineError.flowar_err_bound cfg g (ActBounds.qkv_B Wb bl r) s Wb.
Proof. apply PipelineFloors.fast_flowar_error_of_floors. Qed.

(** With a bounded number of scales, layers and Euler steps, a fixed
    up-sampling factor, width [d ≤ n], [W ≤ W₀], [σ ≥ σ₀ > 0], [B ≤ n] and a
    score range [β ≤ β̂(n) = o(log n)] (all from some [n₁] on:
    [poly_regime]), the Taylor degree [g(n) = taylor_deg β̂(n) n^{a+c₀}] with
    the explicit [c₀ = amp_exp K₀ L₀ L_f₀ T₀] is [o(log n)], and from some
    [n₀] on Fast FlowAR is within [1/n^a] of FlowAR.  Bounded [K] and [T] make
    the amplification [n^{c₀}] polynomial; with [K = log₂ n + 1] the per-scale
    factor compounds to [n^{log₂ x}], not polynomial when the width grows
    ([PipelinePoly.k_log_superpoly]). *)
Theorem fast_flowar_error_poly (cfgs : nat -> Config) (Gs : nat -> list R) (Bs ss Ws : nat -> R)
    (betah : nat -> nat) (K0 L0 Lf0 T0 a0 n1 : nat) (W0 s0 : R) (a : nat) :
  (1 <= a)%nat ->
  PipelinePoly.poly_regime cfgs Bs ss Ws betah K0 L0 Lf0 T0 a0 n1 W0 s0 ->
  let c0 := PipelinePoly.amp_exp K0 L0 Lf0 T0 in
  let gs := fun n => FastRank.taylor_deg (BinNat.N.of_nat (betah n)) (BinNat.N.of_nat (n ^ (a + c0))%nat) in
  FastAsym.little_o_log gs
  /\ exists n0, forall n, (n0 <= n)%nat ->
       PipelineError.pipe_hyps (cfgs n) (Gs n) (gs n) (Bs n) (ss n) (Ws n) ->
       Lipschitz.dinf (tok (cfgs n) (K (cfgs n) - 1)%nat) (ch (cfgs n))
         (RealPipeline.rflowar_fast (gs n) (cfgs n) (Gs n)) (RealPipeline.rflowar_exact (cfgs n) (Gs n))
       <= / pow (INR n) a.
Proof. apply PipelinePoly.fast_flowar_error_poly. Qed.

(** The hypotheses are satisfiable, non-degenerately, and the bound is
    small: a concrete 3-scale configuration [WitnessPipe.wp_cfg] (sides 1, 2,
    4 with bicubic up-sampling by 2 between scales, 1 channel, width 2, one
    head, one AR layer, one flow-head layer, 2 Euler steps) and input vector
    [WitnessPipe.wp_G] (class token, noises, embedding, all weights in
    [{0, ±1/2, ±1}]) satisfy every hypothesis of [fast_flowar_error] with
    [B = 5/8], [σ = 1], [W = 1/2] for every [g ≥ 10] (proved, not assumed:
    every row of every LayerNorm input of both runs has coordinate difference
    [±2], whatever the earlier outputs are), and the bound is below [10⁻³]
    (rational evaluation, [≈ 4.0·10⁻⁵] at [g = 10]).  The attention is not
    degenerate: at scale 1 the exact and the fast head outputs differ
    ([WitnessPipe.wp_attn_differs]). *)
Theorem fast_flowar_error_instance (g : nat) :
  (10 <= g)%nat ->
  PipelineError.pipe_hyps WitnessPipe.wp_cfg WitnessPipe.wp_G g (5 / 8) 1 (1 / 2)
  /\ Lipschitz.dinf (tok WitnessPipe.wp_cfg 2) (ch WitnessPipe.wp_cfg)
       (RealPipeline.rflowar_fast g WitnessPipe.wp_cfg WitnessPipe.wp_G)
       (RealPipeline.rflowar_exact WitnessPipe.wp_cfg WitnessPipe.wp_G)
     <= PipelineError.flowar_err_bound WitnessPipe.wp_cfg g (5 / 8) 1 (1 / 2)
  /\ PipelineError.flowar_err_bound WitnessPipe.wp_cfg g (5 / 8) 1 (1 / 2) < 1 / 1000.
Proof. apply WitnessPipeBound.wp_flowar_error. Qed.

(** For that instance the bound strictly decreases as the Taylor degree
    grows, at every [g] (it is [ε_T(g, 25/64)] times a positive constant;
    the general statement is [WitnessPipeBound.flowar_err_bound_decreasing];
    computed values for [g = 3 … 12]: [WitnessPipeBound.wp_bounds_decrease]). *)
Theorem fast_flowar_error_instance_decreasing (g : nat) :
  PipelineError.flowar_err_bound WitnessPipe.wp_cfg (S g) (5 / 8) 1 (1 / 2)
  < PipelineError.flowar_err_bound WitnessPipe.wp_cfg g (5 / 8) 1 (1 / 2).
Proof. apply WitnessPipeBound.wp_bound_decreasing. Qed.

(** The float semantics the circuits compute and the real semantics the
    error bound is about are ONE definition: [g_flowar], written once over an
    arithmetic interface ([Error/Generic.v]: [+ − × ÷], n-ary sums, max,
    sqrt, exp, rational constants) and instantiated at [p]-bit floats
    ([farith P p]) and at [R] ([rarith]); exact and fast FlowAR over [R]
    differ only in the attention weight function ([exp] vs the degree-[g]
    Taylor polynomial).  What is not shared is the rounding (docs/error.md). *)
Theorem flowar_one_definition (P : FloatFns) (p : nat) (cfg : Config) (G : list flt) (Gr : list R)
    (g : nat) :
  flowar_float P p cfg G = GenericPipeline.g_flowar (Generic.farith P p) (Generic.a_exp (Generic.farith P p)) cfg G
  /\ RealPipeline.rflowar_exact cfg Gr = GenericPipeline.g_flowar Generic.rarith (Generic.a_exp Generic.rarith) cfg Gr
  /\ RealPipeline.rflowar_fast g cfg Gr = GenericPipeline.g_flowar Generic.rarith (Taylor.taylor_exp g) cfg Gr.
Proof. apply GenericPipeline.flowar_one_definition. Qed.
