(** * Rounding a real number to a p-bit float

    [rnd_flt p v] is the p-bit float ([Float/Format.v]) nearest to the real
    [v], ties to even, with the format's conventions (saturation on
    overflow, flush to zero on underflow).  It is defined in two steps:
    Flocq's round-to-nearest-even with precision [p] and unbounded exponents
    gives an integer mantissa and an exponent ([ZnearestE] of the scaled
    mantissa, and [cexp]), and [Format.round] of that exact value handles
    normalisation and the exponent range.

    - [rnd_flt_valid]: the result is always a valid float;
    - [toR_rnd_flt]: in the normal range ([in_range], Float/Real.v) its value
      is Flocq's rounding [rnd_flx p v];
    - [rnd_flt_rel_error]: relative error at most [2^(−p)] in that range.

    [Float/Realize.v] uses it to define the correctly rounded exp and sqrt.
    It is not computable by [vm_compute] (it goes through [Zfloor] on reals);
    nothing needs it to be. *)
From Coq Require Import ZArith Reals Lia Lra.
From Flocq Require Import Core.
From FlowARProofs.Float Require Import Format Real.

Set Default Goal Selector "!".
Local Open Scope R_scope.

Implicit Types (p : nat) (v : R).

Definition rnd_flt p v : flt :=
  round p (ZnearestE (scaled_mantissa radix2 (FLX_exp (Z.of_nat p)) v)) 1
    (cexp radix2 (FLX_exp (Z.of_nat p)) v).

Lemma rnd_flt_valid p v : valid p (rnd_flt p v) = true.
Proof. apply round_valid. Qed.

(** The integer mantissa and exponent denote Flocq's rounding of [v]. *)
Lemma rnd_flt_exact_value p v :
  IZR (ZnearestE (scaled_mantissa radix2 (FLX_exp (Z.of_nat p)) v))
  * bpow radix2 (cexp radix2 (FLX_exp (Z.of_nat p)) v) = rnd_flx p v.
Proof. reflexivity. Qed.

Section WithPrec.
Variable p : nat.
Hypothesis Hp : (1 <= p)%nat.

Lemma rnd_flx_idem v : rnd_flx p (rnd_flx p v) = rnd_flx p v.
Proof.
  unfold rnd_flx. apply round_generic; [apply valid_rnd_N|].
  apply generic_format_round; [apply FLX_exp_valid; red; lia | apply valid_rnd_N].
Qed.

Lemma rnd_flx_maxR : rnd_flx p (maxR p) = maxR p.
Proof.
  unfold maxR, fmaxmag, toR; simpl. apply rnd_flx_F2R.
  pose proof (Z.pow_pos_nonneg 2 (Z.of_nat p)). lia.
Qed.

(** Rounding keeps a value in the normal range (its ends are floats). *)
Lemma rnd_flx_in_range v : in_range p v -> in_range p (rnd_flx p v).
Proof.
  intros [Hz | [Hlo Hhi]].
  - left. rewrite Hz. unfold rnd_flx. apply round_0, valid_rnd_N.
  - right. rewrite <- (rnd_flx_abs p Hp). split.
    + unfold minR at 1. rewrite <- (rnd_flx_generic_bpow p Hp). now apply rnd_flx_le.
    + rewrite <- rnd_flx_maxR. now apply rnd_flx_le.
Qed.

Theorem toR_rnd_flt v : in_range p v -> toR (rnd_flt p v) = rnd_flx p v.
Proof.
  intros Hr. unfold rnd_flt.
  rewrite toR_round_den1; [|exact Hp|rewrite rnd_flt_exact_value; now apply rnd_flx_in_range].
  rewrite rnd_flt_exact_value. apply rnd_flx_idem.
Qed.

End WithPrec.

(** For [p = 0] the normal range is [{0}] and [rnd_flt 0 v = fzero]. *)
Lemma in_range_p0 v : in_range 0 v -> v = 0.
Proof.
  intros [Hz | [Hlo Hhi]]; [exact Hz|].
  assert (Hmax : maxR 0 = 0) by (unfold maxR; change (fmaxmag 0 false) with fzero; apply toR_fzero).
  pose proof (bpow_pos (Z.of_nat 0 - 1 - 2 ^ Z.of_nat 0)). unfold minR in Hlo. lra.
Qed.

(** Relative error at most [2^(−p)] in the normal range, for every [p]. *)
Theorem rnd_flt_rel_error p v :
  in_range p v -> Rabs (toR (rnd_flt p v) - v) <= bpow radix2 (- Z.of_nat p) * Rabs v.
Proof.
  intros Hr. destruct p as [|p].
  - apply in_range_p0 in Hr. subst v. unfold rnd_flt. rewrite round_p0, toR_fzero.
    rewrite Rminus_0_r, Rabs_R0, Rmult_0_r. apply Rle_refl.
  - rewrite toR_rnd_flt by (lia || exact Hr). apply rnd_flx_rel_error. lia.
Qed.
