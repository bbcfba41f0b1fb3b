(** * THE trust file: threshold circuits for the float primitives

    The paper (its Lemmas 3.9–3.11 in v2 numbering; Chiang 2024, Lemmas 10–12)
    cites the existence of constant-depth, polynomial-size, uniform threshold
    circuits for the p-bit float operations.  We do not prove these
    results; we take them as the fields of one record, [FloatPrimitivesTC0].
    Every theorem that needs them takes [(P : FloatPrimitivesTC0)] as an
    argument, so the trust base is visible in every statement and
    [Print Assumptions] reports no project axiom (only, through the accuracy
    fields over [R], the standard library's Reals axioms of
    assumptions.allowlist).

    The record has two layers:
    - [FloatCircuits], the SEMANTIC part: for each primitive a circuit family
      indexed by the precision [p] (and the arity [m] for the iterated
      operations) that computes EXACTLY the Coq-defined float semantics of
      [Float/Format.v] on encodings of valid floats ([*_eval]), reads only
      existing wires and has the stated output width ([*_wf]), with a
      constant depth bound ([*_depth]); plus exp and sqrt themselves with
      their accuracy over [R];
    - [FloatPrimitivesTC0 := { fc :> FloatCircuits; sz_coef; sz_exp; *_size }],
      the polynomial size bounds.  The coercion [fc] lets users write
      [d_std P], [bin_circ P], [fexp P], [bin_eval P], ... for
      [P : FloatPrimitivesTC0].

    [FloatCircuits] is satisfiable: Float/Realize.v builds an instance
    ([float_circuits_realizable]) from truth-table (DNF) circuits of depth 2
    (Circuits/DNF.v) with the correctly rounded exp and sqrt.  So the
    eval/wf/depth/accuracy requirements are consistent, and the content that
    only the literature supplies is the polynomial SIZE (a DNF has [2^w]
    gates on [w] input bits) — together with the depth constants being those
    of the cited constructions.

    Fields and citations:
    - [bin_*], [d_std] : +, −, ×, ÷ of two floats
                 (Chiang 2024, Lemma 10; paper Lemma 3.9 / "d_std");
    - [cmp_*], [d_std] : comparison of two floats (Chiang 2024, Lemma 10);
    - [sum_*], [d_sum] : iterated addition of [m] floats, rounded once
                 (Chiang 2024, Lemma 11; paper "d_⊕"; built on iterated integer
                 addition, e.g. Hesse–Allender–Barrington 2002);
    - [prod_*], [d_prod] : iterated multiplication of [m] floats, rounded once
                 (Chiang 2024, Lemma 11; paper "d_⊗"; Hesse–Allender–Barrington
                 2002, iterated integer multiplication in DLOGTIME-uniform TC0);
    - [exp_*], [d_exp], [fexp], [fexp_valid], [fexp_accurate] : exp with
                 relative error at most 2^-p (Chiang 2024, Lemma 12; paper
                 Lemma 3.10 / "d_exp");
    - [sqrt_*], [d_sqrt], [fsqrt], [fsqrt_valid], [fsqrt_accurate] : square
                 root with relative error at most 2^-p (Hao–Angluin–Frank 2022,
                 cited by the paper; Lemma 3.11 / "d_sqrt");
    - [*_size], [sz_coef], [sz_exp] : polynomial size, from the same lemmas.

    exp and sqrt: the cited lemmas give SOME p-bit approximation with relative
    error ≤ 2^-p, not the correctly rounded value.  So the record carries the
    float functions [fexp] and [fsqrt] themselves (the FlowAR float semantics
    uses them), the circuits compute exactly those functions, and the fields
    [fexp_accurate] / [fsqrt_accurate] tie them to Coq's [exp] and [sqrt]:
    relative error at most [2^(−p)] whenever the exact result lies in the
    normal range of the format ([in_range], Float/Real.v: zero, or magnitude
    between the smallest positive float [minR p = 2^(p−1−2^p)] and the
    largest [maxR p = (2^p−1)·2^(2^p−1)]).  Outside that range (overflow of
    exp, underflow) nothing beyond validity is required.  Coq's [sqrt] is [0]
    on negative reals, so for a negative input [fsqrt_accurate] forces a
    result of value [0] ([fsqrt_neg]); for a nonnegative input the range
    hypothesis always holds ([fsqrt_accurate_nonneg]).  [fexp_fzero] shows
    that a degenerate [fexp] (e.g. constantly zero) is excluded.

    Sizes: one explicit polynomial [prim_size P p m = sz_coef * ((p+1)(m+1))^sz_exp]
    bounds every primitive with precision [p] and arity [m] (2 for binary
    operations); take the maximum of the cited bounds.

    What is NOT trusted: the semantics (defined in Format.v), the circuit model
    and its composition (Circuits/), the compiler (IR/).  Comparison of two
    floats is a candidate for removal from the record (it reduces to integer
    comparison, proven in Circuits/Bits.v). *)
From Coq Require Import List Arith ZArith Reals Lra.
From Flocq Require Import Core.
From FlowARProofs.Circuits Require Import Circuit.
From FlowARProofs.Float Require Import Format Real.
Import ListNotations.
Set Default Goal Selector "!".

(** The binary operations that share the bound [d_std]. *)
Inductive binop := BAdd | BSub | BMul | BDiv.

Definition binsem (o : binop) : nat -> flt -> flt -> flt :=
  match o with BAdd => fadd | BSub => fsub | BMul => fmul | BDiv => fdiv end.

Definition all_valid (p : nat) (xs : list flt) : Prop := Forall (fun x => valid p x = true) xs.

(** ** The semantic part: circuits, what they compute, their depth *)

Record FloatCircuits := {
  (** depth constants *)
  d_std : nat; d_sum : nat; d_prod : nat; d_exp : nat; d_sqrt : nat;

  (** the float functions for exp and sqrt (see the header) *)
  fexp : nat -> flt -> flt;
  fsqrt : nat -> flt -> flt;
  fexp_valid : forall p x, valid p (fexp p x) = true;
  fsqrt_valid : forall p x, valid p (fsqrt p x) = true;
  (** ... and their accuracy against Coq's [exp] and [sqrt] over [R]
      ([toR], [in_range] and [maxR]/[minR] are in Float/Real.v): relative
      error at most [2^(−p)] whenever the exact result is in the normal range
      [in_range p v := v = 0 \/ minR p <= |v| <= maxR p], with
      [minR p = 2^(p−1−2^p)] the smallest and
      [maxR p = (2^p − 1)·2^(2^p − 1)] the largest positive float.
      Coq's [sqrt] is [0] on negative reals, so for [toR x < 0] the second
      field forces a result of value [0] ([fsqrt_neg]). *)
  fexp_accurate : forall p x, valid p x = true -> in_range p (exp (toR x)) ->
    (Rabs (toR (fexp p x) - exp (toR x)) <= bpow radix2 (- Z.of_nat p) * Rabs (exp (toR x)))%R;
  fsqrt_accurate : forall p x, valid p x = true -> in_range p (sqrt (toR x)) ->
    (Rabs (toR (fsqrt p x) - sqrt (toR x)) <= bpow radix2 (- Z.of_nat p) * Rabs (sqrt (toR x)))%R;

  (** binary operations: 2 encoded floats in, 1 out *)
  bin_circ : binop -> nat -> circuit;
  bin_wf : forall o p, wf (2 * fw p) (bin_circ o p) /\ width_out (bin_circ o p) = fw p;
  bin_eval : forall o p x y, valid p x = true -> valid p y = true ->
    eval (bin_circ o p) (enc p x ++ enc p y) = enc p (binsem o p x y);
  bin_depth : forall o p, depth (bin_circ o p) <= d_std;

  (** comparison: 2 encoded floats in, 1 bit out ([x < y]) *)
  cmp_circ : nat -> circuit;
  cmp_wf : forall p, wf (2 * fw p) (cmp_circ p) /\ width_out (cmp_circ p) = 1;
  cmp_eval : forall p x y, valid p x = true -> valid p y = true ->
    eval (cmp_circ p) (enc p x ++ enc p y) = [flt_ltb x y];
  cmp_depth : forall p, depth (cmp_circ p) <= d_std;

  (** iterated addition of [m] floats, rounded once *)
  sum_circ : nat -> nat -> circuit;
  sum_wf : forall p m, wf (m * fw p) (sum_circ p m) /\ width_out (sum_circ p m) = fw p;
  sum_eval : forall p xs, all_valid p xs ->
    eval (sum_circ p (length xs)) (encs p xs) = enc p (fsum p xs);
  sum_depth : forall p m, depth (sum_circ p m) <= d_sum;

  (** iterated multiplication of [m] floats, rounded once *)
  prod_circ : nat -> nat -> circuit;
  prod_wf : forall p m, wf (m * fw p) (prod_circ p m) /\ width_out (prod_circ p m) = fw p;
  prod_eval : forall p xs, all_valid p xs ->
    eval (prod_circ p (length xs)) (encs p xs) = enc p (fprod p xs);
  prod_depth : forall p m, depth (prod_circ p m) <= d_prod;

  (** exp and sqrt: 1 encoded float in, 1 out *)
  exp_circ : nat -> circuit;
  exp_wf : forall p, wf (fw p) (exp_circ p) /\ width_out (exp_circ p) = fw p;
  exp_eval : forall p x, valid p x = true -> eval (exp_circ p) (enc p x) = enc p (fexp p x);
  exp_depth : forall p, depth (exp_circ p) <= d_exp;

  sqrt_circ : nat -> circuit;
  sqrt_wf : forall p, wf (fw p) (sqrt_circ p) /\ width_out (sqrt_circ p) = fw p;
  sqrt_eval : forall p x, valid p x = true -> eval (sqrt_circ p) (enc p x) = enc p (fsqrt p x);
  sqrt_depth : forall p, depth (sqrt_circ p) <= d_sqrt;
}.

(** ** The trust record: the semantic part plus polynomial sizes *)

Record FloatPrimitivesTC0 := {
  fc :> FloatCircuits;
  (** the common size polynomial: [sz_coef * ((p+1)*(m+1))^sz_exp] *)
  sz_coef : nat; sz_exp : nat;
  bin_size : forall o p, size (bin_circ fc o p) <= sz_coef * ((p + 1) * 3) ^ sz_exp;
  cmp_size : forall p, size (cmp_circ fc p) <= sz_coef * ((p + 1) * 3) ^ sz_exp;
  sum_size : forall p m, size (sum_circ fc p m) <= sz_coef * ((p + 1) * (m + 1)) ^ sz_exp;
  prod_size : forall p m, size (prod_circ fc p m) <= sz_coef * ((p + 1) * (m + 1)) ^ sz_exp;
  exp_size : forall p, size (exp_circ fc p) <= sz_coef * ((p + 1) * 2) ^ sz_exp;
  sqrt_size : forall p, size (sqrt_circ fc p) <= sz_coef * ((p + 1) * 2) ^ sz_exp;
}.

(** The common size polynomial, as a function the bridge can evaluate. *)
Definition prim_size (P : FloatPrimitivesTC0) (p m : nat) : nat :=
  sz_coef P * ((p + 1) * (m + 1)) ^ sz_exp P.

(** For a negative input, the accuracy field forces a zero result. *)
Lemma fsqrt_neg (P : FloatCircuits) p x :
  valid p x = true -> (toR x < 0)%R -> toR (fsqrt P p x) = 0%R.
Proof.
  intros Hv Hx. pose proof (fsqrt_accurate P p x Hv) as H.
  rewrite sqrt_neg_0 in H by lra. rewrite Rabs_R0, Rmult_0_r, Rminus_0_r in H.
  specialize (H (or_introl eq_refl)). pose proof (Rabs_pos (toR (fsqrt P p x))).
  destruct (Req_dec (toR (fsqrt P p x)) 0) as [E | E]; [exact E|].
  apply Rabs_no_R0 in E. lra.
Qed.

(** The accuracy field excludes degenerate choices such as a constant
    [fexp]: at [0] the result is within [2^(−p)] of [exp 0 = 1]. *)
Lemma fexp_fzero (P : FloatCircuits) p :
  (1 <= p)%nat -> (Rabs (toR (fexp P p fzero) - 1) <= bpow radix2 (- Z.of_nat p))%R.
Proof.
  intros Hp. pose proof (fexp_accurate P p fzero (fzero_valid p)) as H.
  rewrite toR_fzero, exp_0, Rabs_R1, Rmult_1_r in H. now apply H, in_range_one.
Qed.

(** On a nonnegative input the range hypothesis of [fsqrt_accurate] always
    holds ([valid_in_range], [sqrt_in_range]): sqrt never overflows or
    underflows. *)
Lemma fsqrt_accurate_nonneg (P : FloatCircuits) p x :
  (1 <= p)%nat -> valid p x = true -> (0 <= toR x)%R ->
  (Rabs (toR (fsqrt P p x) - sqrt (toR x)) <= bpow radix2 (- Z.of_nat p) * Rabs (sqrt (toR x)))%R.
Proof.
  intros Hp Hv Hx. apply fsqrt_accurate; [exact Hv|].
  apply sqrt_in_range; [exact Hp | exact Hx | now apply valid_in_range].
Qed.
