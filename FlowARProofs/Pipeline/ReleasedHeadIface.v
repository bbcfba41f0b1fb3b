(** * The interface between the released AR pipeline and its flow head

    Released FlowAR (wangqiang9/FlowAR, models/flowar.py, [sample_tokens])
    calls, at every scale [i], the sampler [euler_sampler(flownet, noise, z,
    num_steps, cfg_scale = s_i, guidance_high)] on the AR output [z] of the
    scale's [M] tokens.  With classifier-free guidance the AR transformer runs
    twice (the class and the null class 1000), so the head sees TWO
    conditions: [Ŷc] (class) and [Ŷu] (null class), each [M × d]; the guidance
    weight [s_i = (cfg − 1)·i/(K − 1) + 1] depends on the scale index [i] and
    the number of scales [K] (a head without guidance ignores [Ŷu]).  The
    head returns the sampled tokens of the class half, [M × c].

    The pipeline (Pipeline/ReleasedAR.v and after) is proved for ANY head
    meeting this record, which asks for exactly what the paper-model head
    [flow_at] of Pipeline/FlowHead.v provides:
    - a float semantics [rh_float] (a plain function of the weights, the
      noise and the two conditions), independent of the program;
    - a program [rh_prog] on the state [flat F ++ flat Ŷc ++ flat Ŷu ++ E ++ G]
      (weights at offset [wo] in [G], [G] at offset [go = |E|] in [E ++ G],
      [r = |E ++ G|]) returning [flat (rh_float …) ++ flat Ŷc ++ flat Ŷu ++ E ++ G]
      ([rh_correct]);
    - typing [rh_wt] and arity [rh_arity];
    - a weighted-depth bound [rh_depth P hd], a constant in the trust record's
      depths that does not depend on [M], [c], [d] or [p] ([rh_wdepth]);
    - a shape bound [rh_coef hd · (B⁴ + r)] for every [B] bounding [M], [c],
      [d] and the head's own dimensions [rh_dimB hd] ([rh_shape]), and the
      same bound on its weight count [rh_size] ([rh_size_le]).
    [rh_dims] is the head's own configuration (width, depth, heads, steps,
    schedule, guidance, …), chosen by the implementation.  The real released
    head (SimpleTransformerAdaLN + Euler sampler + CFG) is one instance
    (branch relflow); the paper-model head is another. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor TC0.
Import ListNotations.
Set Default Goal Selector "!".

Record RHead := {
  rh_dims : Type;
  (** number of floats of the head's weight block, for [c] channels and AR width [d] *)
  rh_size : rh_dims -> nat -> nat -> nat;
  (** a bound on the head's own dimensions (width, heads, MLP width, …) *)
  rh_dimB : rh_dims -> nat;
  (** float semantics: weights [G] at [wo], number of scales [K], scale [i],
      [M] tokens, [c] channels, AR width [d], noise [F0 : M × c],
      conditions [Yc Yu : M × d]; result [M × c] *)
  rh_float : FloatFns -> nat -> rh_dims -> nat -> nat -> list flt -> nat -> nat -> nat -> nat ->
             mat -> mat -> mat -> mat;
  (** program: [rh_prog p hd c d K i M wo go r] *)
  rh_prog : nat -> rh_dims -> nat -> nat -> nat -> nat -> nat -> nat -> nat -> nat -> prog;
  rh_correct : forall (P : FloatFns) p hd c d K i M wo (F Yc Yu : mat) (E G : list flt),
    peval P p (rh_prog p hd c d K i M wo (length E) (length E + length G))
      (flat M c F ++ flat M d Yc ++ flat M d Yu ++ E ++ G)
    = flat M c (rh_float P p hd c d G wo K i M F Yc Yu) ++ flat M d Yc ++ flat M d Yu ++ E ++ G;
  rh_wt : forall p hd c d K i M wo go r,
    go + (wo + rh_size hd c d) <= r ->
    pwt p (M * c + M * d + M * d + r) (rh_prog p hd c d K i M wo go r);
  rh_arity : forall p hd c d K i M wo go r,
    arity_out (rh_prog p hd c d K i M wo go r) = M * c + M * d + M * d + r;
  rh_depth : FloatPrimitivesTC0 -> rh_dims -> nat;
  rh_wdepth : forall (P : FloatPrimitivesTC0) p hd c d K i M wo go r,
    wdepth (op_dbound P) (rh_prog p hd c d K i M wo go r) <= rh_depth P hd;
  rh_coef : rh_dims -> nat;
  rh_shape : forall p hd c d K i M wo go r B,
    M <= B -> c <= B -> d <= B -> rh_dimB hd <= B -> 1 <= B ->
    shape (rh_prog p hd c d K i M wo go r) <= rh_coef hd * (B * (B * (B * B)) + r);
  rh_size_le : forall hd c d B,
    c <= B -> d <= B -> rh_dimB hd <= B -> 1 <= B ->
    rh_size hd c d <= rh_coef hd * (B * (B * (B * B)));
}.
