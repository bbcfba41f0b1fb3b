(** * The released flow head as a module: the interface the released pipeline uses

    Released FlowAR samples every scale's tokens with the flow head
    [SimpleTransformerAdaLN], an Euler sampler over a fixed time grid and
    classifier-free guidance (wangqiang9/FlowAR, models/flowmodel.py,
    models/sampler.py, models/flowar.py [sample_tokens]).  For the pipeline
    (the AR encoder–decoder, Pipeline/Released*.v) the whole per-scale
    sampling is one program with the shape of [flow_at] (Pipeline/FlowHead.v):
    {v
      state  flat N c F₀ ++ flat N w Z_c ++ flat N w Z_u ++ Ev ++ G
         ↦   flat N c F  ++ flat N w Z_c ++ flat N w Z_u ++ Ev ++ G
    v}
    where [F₀] is the scale's noise ([N] tokens of [c] latent channels),
    [Z_c] / [Z_u] the AR output of the conditional / null-class pass ([w] =
    AR width), [G] the vector of weights and tables (the head's weights at
    offset [wo], its tables for this scale at [to]) and [Ev] anything in
    front of [G] ([go = |Ev|], [r = |Ev| + |G|]).  The scale index [i]
    selects the guidance scale [s_i].

    A [ReleasedHead] packages: the float semantics [rh_sem] (defined
    independently of the program), the program [rh_prog], correctness,
    typing, arity, a depth bound [rh_depth P] (a constant: it does not
    depend on [i], [N] or [p]) and a size/shape bound polynomial in a bound
    [B] of [N] and of the head's own dimensions and in [r] (for the TC0 size
    polynomial, like [flow_shape]).  Pipeline/ReleasedSampler.v builds the
    instance for the released S/L/H heads. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
Import ListNotations.
Set Default Goal Selector "!".

Record ReleasedHead := {
  rh_c : nat;                     (** latent channels of a token (16) *)
  rh_w : nat;                     (** width of the AR output the head is conditioned on *)
  rh_wsize : nat;                 (** words of weights, from [wo] in [G] *)
  rh_tsize : nat -> nat;          (** words of tables for a scale of [N] tokens, from [to] in [G] *)
  rh_sem : FloatPrimitivesTC0 -> nat -> nat -> nat -> list flt -> nat -> nat -> mat -> mat -> mat -> mat;
    (** [rh_sem P p i N G wo to F₀ Z_c Z_u]: the sampled [N × c] tokens of scale [i] *)
  rh_prog : nat -> nat -> nat -> nat -> nat -> nat -> nat -> prog;
    (** [rh_prog p i N wo to go r] *)
  rh_correct : forall (P : FloatPrimitivesTC0) p i N wo to (F0 Zc Zu : mat) (Ev G : list flt),
    peval P p (rh_prog p i N wo to (length Ev) (length Ev + length G))
      (flat N rh_c F0 ++ flat N rh_w Zc ++ flat N rh_w Zu ++ Ev ++ G)
    = flat N rh_c (rh_sem P p i N G wo to F0 Zc Zu)
      ++ flat N rh_w Zc ++ flat N rh_w Zu ++ Ev ++ G;
  rh_wt : forall p i N wo to go r,
    go + (wo + rh_wsize) <= r -> go + (to + rh_tsize N) <= r ->
    pwt p (N * rh_c + 2 * (N * rh_w) + r) (rh_prog p i N wo to go r);
  rh_arity : forall p i N wo to go r,
    arity_out (rh_prog p i N wo to go r) = N * rh_c + 2 * (N * rh_w) + r;
  rh_depth : FloatPrimitivesTC0 -> nat;
  rh_wdepth : forall (P : FloatPrimitivesTC0) p i N wo to go r,
    wdepth (op_dbound P) (rh_prog p i N wo to go r) <= rh_depth P;
  rh_dmax : nat;                  (** the largest of the head's own dimensions *)
  rh_scoef : nat;                 (** shape coefficient *)
  rh_shape : forall p i N wo to go r B,
    N <= B -> rh_dmax <= B -> 1 <= B ->
    shape (rh_prog p i N wo to go r) <= rh_scoef * (B * (B * (B * B)) + r);
}.
