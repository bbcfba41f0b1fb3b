(** * Floats as real numbers: [Format.round] is Flocq's round-to-nearest-even

    [Float/Format.v] defines the p-bit floats and their rounding on [Z] only.
    This file gives them a meaning in Coq's reals and relates them to Flocq:

    - [toR x = mant x · 2^(expo x)];
    - [round_raw_correct]: the unbounded-exponent rounding [round_raw] computes
      exactly Flocq's [Generic_fmt.round radix2 (FLX_exp p) ZnearestE] of [(num/den)·2^E];
    - [toR_round]: [round] agrees with it whenever the exact value is [0] or in
      the normal range [[minR p, maxR p]] (no overflow, no underflow); in that
      range FLX and FLT (with [emin = −2^p]) rounding coincide ([toR_round_FLT]);
    - [round_rel_error]: relative error at most [2^(−p)];
    - the same facts for [fadd], [fsub], [fmul], [fdiv], [fsum], [fprod], and
      exactness of the comparison [flt_ltb]. *)

From Coq Require Import ZArith Reals Lia Lra List.
From Flocq Require Import Core Relative.
From FlowARProofs.Float Require Import Format.
Import ListNotations.

Set Default Goal Selector "!".
Local Open Scope R_scope.

Implicit Types (p : nat) (x y : flt) (xs : list flt).

(** ** Values *)

Definition toR (x : flt) : R := F2R (Float radix2 (mant x) (expo x)).

(** Flocq's rounding to nearest, ties to even, with precision [p] and an
    unbounded exponent range. *)
Definition rnd_flx (p : nat) (v : R) : R :=
  Generic_fmt.round radix2 (FLX_exp (Z.of_nat p)) ZnearestE v.

(** Largest float and smallest positive float. *)
Definition maxR (p : nat) : R := toR (fmaxmag p false).
Definition minR (p : nat) : R := bpow radix2 (Z.of_nat p - 1 - 2 ^ Z.of_nat p).

(** A real is representable without overflow or underflow. *)
Definition in_range (p : nat) (v : R) : Prop := v = 0 \/ minR p <= Rabs v <= maxR p.

Lemma IZR_pow2 e : (0 <= e)%Z -> IZR (2 ^ e) = bpow radix2 e.
Proof. apply (IZR_Zpower radix2). Qed.

Lemma toR_eq x : toR x = IZR (mant x) * bpow radix2 (expo x).
Proof. reflexivity. Qed.

Lemma toR_fzero : toR fzero = 0.
Proof. unfold toR. apply F2R_0. Qed.

Lemma toR_Flt m e : toR (Flt m e) = IZR m * bpow radix2 e.
Proof. reflexivity. Qed.

Lemma minR_eq p : (1 <= p)%nat -> minR p = toR (Flt (2 ^ (Z.of_nat p - 1)) (- 2 ^ Z.of_nat p)).
Proof.
  intros Hp. unfold minR. rewrite toR_Flt, IZR_pow2, <- bpow_plus by lia.
  f_equal; lia.
Qed.

(** ** Integer division and [ZnearestE] *)

Lemma ZnearestE_div N D : (0 < D)%Z -> ZnearestE (IZR N / IZR D) = rnd_div N D.
Proof.
  intros HD. unfold Znearest, rnd_div. rewrite Zfloor_div by lia.
  set (q := (N / D)%Z). set (r := (N mod D)%Z).
  assert (HN : N = (D * q + r)%Z) by (apply Z.div_mod; lia).
  assert (Hr : (0 <= r < D)%Z) by (apply Z.mod_pos_bound; lia).
  assert (HDR : 0 < IZR D) by (apply IZR_lt; lia).
  assert (Hfrac : IZR N / IZR D - IZR q = IZR r / IZR D).
  { rewrite HN, plus_IZR, mult_IZR. field. lra. }
  rewrite Hfrac.
  assert (Hcmp : Rcompare (IZR r / IZR D) (/ 2) = Z.compare (2 * r) D).
  { rewrite <- (Rcompare_mult_r (2 * IZR D)) by lra.
    replace (IZR r / IZR D * (2 * IZR D)) with (IZR (2 * r)) by (rewrite mult_IZR; field; lra).
    replace (/ 2 * (2 * IZR D)) with (IZR D) by field.
    apply Rcompare_IZR. }
  rewrite Hcmp.
  assert (Hceil : (0 < r)%Z -> Zceil (IZR N / IZR D) = (q + 1)%Z).
  { intros Hr0. rewrite Zceil_floor_neq. { rewrite Zfloor_div by lia. reflexivity. } rewrite Zfloor_div by lia.
    fold q. intros Heq.
    assert (Hz : IZR r / IZR D = 0) by lra.
    assert (Hpos : 0 < IZR r / IZR D).
    { apply Rdiv_lt_0_compat; [apply IZR_lt; lia | lra]. }
    lra. }
  destruct (Z.compare_spec (2 * r) D) as [H|H|H].
  - rewrite Hceil by lia. destruct (Z.even q); reflexivity.
  - reflexivity.
  - apply Hceil; lia.
Qed.

(** ** [round_raw] is Flocq's FLX rounding *)

Lemma bpow_pos e : 0 < bpow radix2 e.
Proof. apply bpow_gt_0. Qed.

Lemma le_div_of_mul a b c : 0 < c -> a * c <= b -> a <= b / c.
Proof.
  intros Hc H. apply Rmult_le_reg_r with c; [exact Hc|].
  unfold Rdiv. rewrite Rmult_assoc, Rinv_l, Rmult_1_r; lra.
Qed.

Lemma div_lt_of_mul a b c : 0 < c -> a < b * c -> a / c < b.
Proof.
  intros Hc H. apply Rmult_lt_reg_r with c; [exact Hc|].
  unfold Rdiv. rewrite Rmult_assoc, Rinv_l, Rmult_1_r; lra.
Qed.

Lemma round_raw_pos_correct p a d E :
  (1 <= p)%nat -> (0 < d)%Z -> (0 < a)%Z ->
  F2R (Float radix2 (fst (round_raw p a d E)) (snd (round_raw p a d E)))
  = rnd_flx p (IZR a / IZR d * bpow radix2 E).
Proof.
  intros Hp Hd Ha. unfold round_raw.
  rewrite (Z.abs_eq a) by lia.
  replace (a <? 0)%Z with false by (symmetry; apply Z.ltb_ge; lia).
  set (P := Z.of_nat p). set (s := norm_shift P a d).
  assert (HP : (1 <= P)%Z) by (unfold P; lia).
  pose proof (norm_shift_spec P a d HP Ha Hd) as Hs; cbv zeta in Hs; fold s in Hs.
  set (N := scaled_num a s) in *. set (D := scaled_den d s) in *.
  assert (HD : (0 < D)%Z).
  { unfold D, scaled_den. pose proof (Z.pow_pos_nonneg 2 (Z.max (- s) 0)). nia. }
  assert (HDR : 0 < IZR D) by (apply IZR_lt; lia).
  (* the value, rewritten over the exponent E - s *)
  set (v := IZR a / IZR d * bpow radix2 E).
  assert (Hv : v = IZR N / IZR D * bpow radix2 (E - s)).
  { unfold v, N, D, scaled_num, scaled_den.
    rewrite !mult_IZR, !IZR_pow2 by lia.
    replace (Z.max s 0) with (s + Z.max (- s) 0)%Z by lia.
    replace E with (E - s + s)%Z at 1 by lia.
    rewrite !bpow_plus.
    pose proof (bpow_pos s). pose proof (bpow_pos (Z.max (- s) 0)).
    assert (0 < IZR d) by (apply IZR_lt; lia).
    field. lra. }
  (* bounds on the scaled mantissa N / D *)
  assert (Hlo : bpow radix2 (P - 1) <= IZR N / IZR D).
  { rewrite <- IZR_pow2 by lia. apply le_div_of_mul; [lra|].
    rewrite <- mult_IZR. apply IZR_le. lia. }
  assert (Hhi : IZR N / IZR D < bpow radix2 P).
  { rewrite <- IZR_pow2 by lia. apply div_lt_of_mul; [lra|].
    rewrite <- mult_IZR. apply IZR_lt. lia. }
  assert (Hmag : mag radix2 v = (E - s + P)%Z :> Z).
  { apply mag_unique. rewrite Hv, Rabs_pos_eq.
    2:{ apply Rmult_le_pos; [|apply bpow_ge_0].
        pose proof (bpow_pos (P - 1)). lra. }
    replace (E - s + P - 1)%Z with ((P - 1) + (E - s))%Z by lia.
    replace (E - s + P)%Z with (P + (E - s))%Z by lia.
    rewrite !bpow_plus. pose proof (bpow_pos (E - s)).
    split; [apply Rmult_le_compat_r | apply Rmult_lt_compat_r]; lra. }
  unfold rnd_flx, Generic_fmt.round, scaled_mantissa, cexp, FLX_exp. fold P. rewrite Hmag.
  replace (E - s + P - P)%Z with (E - s)%Z by lia.
  replace (v * bpow radix2 (- (E - s))) with (IZR N / IZR D).
  2:{ rewrite Hv, Rmult_assoc, <- bpow_plus. replace (E - s + - (E - s))%Z with 0%Z by lia.
      simpl bpow. lra. }
  rewrite ZnearestE_div by lia.
  destruct (Z.eqb_spec (rnd_div N D) (2 ^ P)) as [Heq | Hne]; simpl fst; simpl snd.
  - rewrite Heq. unfold F2R; simpl Fnum; simpl Fexp.
    rewrite !IZR_pow2, <- !bpow_plus by lia. f_equal; lia.
  - reflexivity.
Qed.

Lemma round_raw_abs p num den E :
  round_raw p num den E =
  (if (num <? 0)%Z then (- fst (round_raw p (Z.abs num) den E))%Z
   else fst (round_raw p (Z.abs num) den E),
   snd (round_raw p (Z.abs num) den E)).
Proof.
  unfold round_raw. rewrite Z.abs_involutive.
  replace (Z.abs num <? 0)%Z with false by (symmetry; apply Z.ltb_ge; lia).
  reflexivity.
Qed.

(** The unbounded rounding is exactly Flocq's FLX round-to-nearest-even. *)
Theorem round_raw_correct p num den E :
  (1 <= p)%nat -> (0 < den)%Z -> num <> 0%Z ->
  F2R (Float radix2 (fst (round_raw p num den E)) (snd (round_raw p num den E)))
  = Generic_fmt.round radix2 (FLX_exp (Z.of_nat p)) ZnearestE (IZR num / IZR den * bpow radix2 E).
Proof.
  intros Hp Hd Hn. rewrite round_raw_abs; cbn [fst snd].
  destruct (Z.ltb_spec num 0) as [Hneg | Hnn].
  - rewrite F2R_Zopp, round_raw_pos_correct by lia.
    unfold rnd_flx. rewrite <- round_NE_opp. f_equal.
    rewrite Z.abs_neq, opp_IZR by lia. field. apply not_0_IZR; lia.
  - rewrite round_raw_pos_correct by lia. now rewrite Z.abs_eq by lia.
Qed.

(** ** Range of the rounded exponent *)

Section WithPrec.
Variable p : nat.
Hypothesis Hp : (1 <= p)%nat.

Let P := Z.of_nat p.

Let Hprec : Prec_gt_0 P.
Proof. unfold Prec_gt_0, P. lia. Qed.
Existing Instance Hprec.

Lemma rnd_flx_abs v : rnd_flx p (Rabs v) = Rabs (rnd_flx p v).
Proof. unfold rnd_flx. apply round_NE_abs. apply FLX_exp_valid, Hprec. Qed.

Lemma rnd_flx_le u v : u <= v -> rnd_flx p u <= rnd_flx p v.
Proof. intros H. unfold rnd_flx. apply round_le; [apply FLX_exp_valid, Hprec | apply valid_rnd_N | exact H]. Qed.

Lemma rnd_flx_generic_bpow e : rnd_flx p (bpow radix2 e) = bpow radix2 e.
Proof.
  unfold rnd_flx. apply round_generic; [apply valid_rnd_N|].
  apply generic_format_bpow. unfold FLX_exp. lia.
Qed.

Lemma rnd_flx_F2R m e : (Z.abs m < 2 ^ P)%Z -> rnd_flx p (F2R (Float radix2 m e)) = F2R (Float radix2 m e).
Proof.
  intros Hm. unfold rnd_flx. apply round_generic; [apply valid_rnd_N|].
  apply generic_format_FLX. now apply FLX_spec with (Float radix2 m e).
Qed.

Lemma maxR_lt : maxR p < bpow radix2 (P + 2 ^ P - 1).
Proof.
  unfold maxR, fmaxmag, toR; simpl Fnum; simpl Fexp. unfold F2R; simpl Fnum; simpl Fexp. fold P.
  replace (P + 2 ^ P - 1)%Z with (P + (2 ^ P - 1))%Z by lia.
  rewrite bpow_plus. apply Rmult_lt_compat_r; [apply bpow_pos|].
  rewrite <- IZR_pow2 by lia. apply IZR_lt. lia.
Qed.

Lemma raw_abs_bounds num den E :
  (0 < den)%Z -> num <> 0%Z ->
  let r := round_raw p num den E in
  bpow radix2 (P - 1 + snd r) <= Rabs (F2R (Float radix2 (fst r) (snd r))) < bpow radix2 (P + snd r).
Proof.
  intros Hd Hn r.
  pose proof (round_raw_mant_bounds p num den E Hp Hd Hn) as Hb. fold r P in Hb.
  clearbody r. destruct r as [m e]. cbn [fst snd] in *.
  unfold F2R; cbn [Fnum Fexp].
  rewrite Rabs_mult, (Rabs_pos_eq (bpow _ _)) by apply bpow_ge_0.
  rewrite <- abs_IZR, !bpow_plus. pose proof (bpow_pos e).
  rewrite <- (IZR_pow2 (P - 1)), <- (IZR_pow2 P) by lia.
  split; [apply Rmult_le_compat_r | apply Rmult_lt_compat_r]; try lra;
    [apply IZR_le | apply IZR_lt]; lia.
Qed.

Lemma round_raw_in_range num den E :
  (0 < den)%Z -> num <> 0%Z ->
  minR p <= Rabs (IZR num / IZR den * bpow radix2 E) <= maxR p ->
  (- 2 ^ P <= snd (round_raw p num den E) < 2 ^ P)%Z.
Proof.
  intros Hd Hn [Hlo Hhi].
  pose proof (raw_abs_bounds num den E Hd Hn) as Hb; cbv zeta in Hb.
  rewrite round_raw_correct in Hb by assumption.
  change (Generic_fmt.round radix2 (FLX_exp (Z.of_nat p)) ZnearestE) with (rnd_flx p) in Hb.
  rewrite <- rnd_flx_abs in Hb.
  set (e := snd (round_raw p num den E)) in *.
  apply rnd_flx_le in Hlo. apply rnd_flx_le in Hhi.
  unfold minR in Hlo. rewrite rnd_flx_generic_bpow in Hlo.
  assert (Hmx : rnd_flx p (maxR p) = maxR p).
  { unfold maxR, fmaxmag, toR; simpl. apply rnd_flx_F2R. fold P.
    pose proof (Z.pow_pos_nonneg 2 P). lia. }
  rewrite Hmx in Hhi. pose proof maxR_lt.
  split.
  - assert (Hl : (Z.of_nat p - 1 - 2 ^ Z.of_nat p < P + e)%Z) by (apply lt_bpow with radix2; lra).
    fold P in Hl. lia.
  - assert (Hl : (P - 1 + e < P + 2 ^ P - 1)%Z) by (apply lt_bpow with radix2; lra).
    lia.
Qed.

(** ** Agreement of [round] with Flocq *)

(** Main theorem: in the normal range, [round] is Flocq's round-to-nearest-even
    with precision [p] (FLX: no exponent bounds). *)
Theorem toR_round num den E :
  (0 < den)%Z -> in_range p (IZR num / IZR den * bpow radix2 E) ->
  toR (round p num den E)
  = Generic_fmt.round radix2 (FLX_exp (Z.of_nat p)) ZnearestE (IZR num / IZR den * bpow radix2 E).
Proof.
  intros Hd Hr.
  destruct (Z.eq_dec num 0) as [Hz | Hn].
  - subst num. rewrite round_zero, toR_fzero. unfold Rdiv. rewrite !Rmult_0_l.
    symmetry. apply round_0, valid_rnd_N.
  - destruct Hr as [Hz | Hr].
    + exfalso. apply Rmult_integral in Hz as [Hz | Hz].
      * unfold Rdiv in Hz. apply Rmult_integral in Hz as [Hz | Hz].
        -- apply eq_IZR_R0 in Hz. contradiction.
        -- apply Rinv_neq_0_compat in Hz; [exact Hz|]. apply not_0_IZR; lia.
      * pose proof (bpow_pos E). lra.
    + rewrite round_in_range; [|lia|lia|exact Hn|now apply round_raw_in_range].
      apply round_raw_correct; lia.
Qed.

(** The same with Flocq's FLT format (gradual underflow) with [emin = −2^p]:
    in the normal range both agree. *)
Theorem toR_round_FLT num den E :
  (0 < den)%Z -> in_range p (IZR num / IZR den * bpow radix2 E) ->
  toR (round p num den E)
  = Generic_fmt.round radix2 (FLT_exp (- 2 ^ Z.of_nat p) (Z.of_nat p)) ZnearestE
      (IZR num / IZR den * bpow radix2 E).
Proof.
  intros Hd Hr. rewrite toR_round by assumption.
  destruct Hr as [Hz | [Hlo _]].
  - rewrite Hz, !round_0 by apply valid_rnd_N. reflexivity.
  - symmetry. apply round_FLT_FLX. unfold minR in Hlo.
    replace (- 2 ^ Z.of_nat p + Z.of_nat p - 1)%Z with (Z.of_nat p - 1 - 2 ^ Z.of_nat p)%Z by lia.
    exact Hlo.
Qed.

(** Relative error of Flocq's rounding: [2^(−p)]. *)
Lemma rnd_flx_rel_error v : Rabs (rnd_flx p v - v) <= bpow radix2 (- Z.of_nat p) * Rabs v.
Proof.
  unfold rnd_flx. eapply Rle_trans; [apply relative_error_N_FLX; exact Hprec|].
  apply Rmult_le_compat_r; [apply Rabs_pos|].
  replace (- Z.of_nat p + 1)%Z with (1 + - Z.of_nat p)%Z by lia.
  rewrite bpow_plus. simpl (bpow radix2 1). unfold Z.pow_pos; simpl. lra.
Qed.

Theorem round_rel_error num den E :
  (0 < den)%Z -> in_range p (IZR num / IZR den * bpow radix2 E) ->
  Rabs (toR (round p num den E) - IZR num / IZR den * bpow radix2 E)
  <= bpow radix2 (- Z.of_nat p) * Rabs (IZR num / IZR den * bpow radix2 E).
Proof.
  intros Hd Hr. rewrite toR_round by assumption. apply rnd_flx_rel_error.
Qed.

(** Every valid float is in Flocq's FLX format of precision [p]. *)
Lemma valid_generic_format x :
  valid p x = true -> generic_format radix2 (FLX_exp (Z.of_nat p)) (toR x).
Proof.
  intros Hv. pose proof (valid_mant_range p x Hv).
  apply generic_format_FLX. apply FLX_spec with (Float radix2 (mant x) (expo x)); [reflexivity|].
  change (Z.abs (mant x) < 2 ^ Z.of_nat p)%Z. lia.
Qed.

(** The paper's definition of rounding, verbatim: in the normal range, the
    result of [round] is at least as close to the exact value as any valid
    p-bit float. *)
Theorem round_nearest num den E f :
  (0 < den)%Z -> in_range p (IZR num / IZR den * bpow radix2 E) -> valid p f = true ->
  Rabs (toR (round p num den E) - IZR num / IZR den * bpow radix2 E)
  <= Rabs (toR f - IZR num / IZR den * bpow radix2 E).
Proof.
  intros Hd Hr Hf. rewrite toR_round by assumption.
  destruct (round_N_pt radix2 (FLX_exp (Z.of_nat p))
              (fun z => negb (Z.even z)) (IZR num / IZR den * bpow radix2 E)) as [_ Hn].
  apply Hn, valid_generic_format, Hf.
Qed.

(** ** Operations *)

Lemma qval_den1 num E : IZR num / IZR 1 * bpow radix2 E = IZR num * bpow radix2 E.
Proof. simpl. field. Qed.

(** Any [round p num 1 E] in range. *)
Lemma toR_round_den1 num E :
  in_range p (IZR num * bpow radix2 E) ->
  toR (round p num 1 E) = rnd_flx p (IZR num * bpow radix2 E).
Proof.
  intros Hr. rewrite <- qval_den1 in *. apply toR_round; [lia | exact Hr].
Qed.

End WithPrec.

Lemma toR_align e x :
  (e <= expo x)%Z \/ mant x = 0%Z -> IZR (align e x) * bpow radix2 e = toR x.
Proof.
  intros [He | Hm].
  - unfold align, toR, F2R; simpl. rewrite mult_IZR, IZR_pow2 by lia.
    rewrite Rmult_assoc, <- bpow_plus. f_equal. f_equal. lia.
  - unfold align, toR, F2R; simpl. rewrite Hm. simpl. lra.
Qed.

Lemma expo_min_spec xs :
  forall x, In x xs -> mant x <> 0%Z -> (expo_min xs <= expo x)%Z.
Proof.
  assert (H : forall xs, match fold_right omin None xs with
                         | None => forall x, In x xs -> mant x = 0%Z
                         | Some e => forall x, In x xs -> mant x <> 0%Z -> (e <= expo x)%Z
                         end).
  { induction xs0 as [|y ys IH]; [simpl; tauto|].
    simpl fold_right. unfold omin at 1.
    destruct (Z.eqb_spec (mant y) 0) as [Hy | Hy];
      destruct (fold_right omin None ys) as [e|]; simpl In.
    - intros x [<- | Hx] Hm; [contradiction | now apply IH].
    - intros x [<- | Hx]; [exact Hy | now apply IH].
    - intros x [<- | Hx] Hm; [lia|]. specialize (IH x Hx Hm). lia.
    - intros x [<- | Hx] Hm; [lia|]. specialize (IH x Hx). contradiction. }
  intros x Hx Hm. specialize (H xs). unfold expo_min.
  destruct (fold_right omin None xs); [now apply H | now specialize (H x Hx)].
Qed.

Lemma toR_align_min x xs :
  In x xs -> IZR (align (expo_min xs) x) * bpow radix2 (expo_min xs) = toR x.
Proof.
  intros Hx. apply toR_align.
  destruct (Z.eq_dec (mant x) 0); [now right | left; now apply expo_min_spec].
Qed.

Definition sumR (xs : list flt) : R := fold_right Rplus 0 (map toR xs).
Definition prodR (xs : list flt) : R := fold_right Rmult 1 (map toR xs).

Lemma sum_aligned_toR e xs :
  (forall x, In x xs -> IZR (align e x) * bpow radix2 e = toR x) ->
  IZR (sum_aligned e xs) * bpow radix2 e = sumR xs.
Proof.
  induction xs as [|x xs IH]; intros H; [unfold sum_aligned, sumR; simpl; lra|].
  unfold sum_aligned in *; unfold sumR in *; simpl fold_right.
  rewrite plus_IZR, Rmult_plus_distr_r, H by (left; reflexivity).
  rewrite IH; [reflexivity|]. intros y Hy. apply H. now right.
Qed.

Lemma fsum_exact_value xs :
  IZR (sum_aligned (expo_min xs) xs) * bpow radix2 (expo_min xs) = sumR xs.
Proof. apply sum_aligned_toR. intros x Hx. now apply toR_align_min. Qed.

Lemma fprod_exact_value xs :
  IZR (fold_right (fun x acc => mant x * acc) 1 xs)%Z
  * bpow radix2 (fold_right (fun x acc => expo x + acc) 0 xs)%Z = prodR xs.
Proof.
  induction xs as [|x xs IH]; [unfold prodR; simpl; lra|].
  unfold prodR in *; simpl fold_right. rewrite <- IH.
  rewrite mult_IZR, bpow_plus, toR_eq. ring.
Qed.

Section Ops.
Variable p : nat.
Hypothesis Hp : (1 <= p)%nat.

Theorem toR_fsum xs : in_range p (sumR xs) -> toR (fsum p xs) = rnd_flx p (sumR xs).
Proof.
  intros Hr. unfold fsum. rewrite <- fsum_exact_value in *.
  now apply toR_round_den1.
Qed.

Theorem toR_fadd x y :
  in_range p (toR x + toR y) -> toR (fadd p x y) = rnd_flx p (toR x + toR y).
Proof.
  replace (toR x + toR y) with (sumR [x; y]) by (unfold sumR; simpl; ring).
  intros Hr. rewrite <- fsum_pair. now apply toR_fsum.
Qed.

Theorem toR_fsub x y :
  in_range p (toR x - toR y) -> toR (fsub p x y) = rnd_flx p (toR x - toR y).
Proof.
  intros Hr. unfold fsub.
  assert (Hv : IZR (align (expo_min [x; y]) x - align (expo_min [x; y]) y)
               * bpow radix2 (expo_min [x; y]) = toR x - toR y).
  { rewrite minus_IZR, Rmult_minus_distr_r, !toR_align_min; simpl; auto. }
  rewrite <- Hv in *. now apply toR_round_den1.
Qed.

Theorem toR_fmul x y :
  in_range p (toR x * toR y) -> toR (fmul p x y) = rnd_flx p (toR x * toR y).
Proof.
  intros Hr. unfold fmul.
  assert (Hv : IZR (mant x * mant y) * bpow radix2 (expo x + expo y) = toR x * toR y).
  { rewrite mult_IZR, bpow_plus, !toR_eq. ring. }
  rewrite <- Hv in *. now apply toR_round_den1.
Qed.

Theorem toR_fprod xs : in_range p (prodR xs) -> toR (fprod p xs) = rnd_flx p (prodR xs).
Proof.
  intros Hr. unfold fprod. rewrite <- fprod_exact_value in *.
  now apply toR_round_den1.
Qed.

Theorem toR_fdiv x y :
  mant y <> 0%Z -> in_range p (toR x / toR y) ->
  toR (fdiv p x y) = rnd_flx p (toR x / toR y).
Proof.
  intros Hy Hr. unfold fdiv.
  replace (mant y =? 0)%Z with false by (symmetry; now apply Z.eqb_neq).
  assert (Hv : IZR (Z.sgn (mant y) * mant x) / IZR (Z.abs (mant y))
               * bpow radix2 (expo x - expo y) = toR x / toR y).
  { rewrite !toR_eq. unfold Z.sub. rewrite bpow_plus, bpow_opp.
    pose proof (bpow_pos (expo y)).
    assert (IZR (mant y) <> 0) by (apply not_0_IZR; exact Hy).
    destruct (Z.sgn_spec (mant y)) as [[Hs Hsg] | [[Hs Hsg] | [Hs Hsg]]]; rewrite Hsg.
    - rewrite Z.abs_eq by lia. rewrite Z.mul_1_l. field. split; lra.
    - exfalso; lia.
    - rewrite Z.abs_neq by lia. replace (- (1) * mant x)%Z with (- mant x)%Z by ring.
      rewrite !opp_IZR.
      field. split; lra. }
  rewrite <- Hv in *. apply toR_round; [exact Hp | lia | exact Hr].
Qed.

Theorem toR_fneg x : (mant x <> 0%Z -> valid p x = true) -> toR (fneg p x) = - toR x.
Proof.
  intros Hv. destruct (Z.eq_dec (mant x) 0) as [Hz | Hnz].
  - unfold fneg. rewrite Hz, Z.opp_0, round_zero, toR_fzero, toR_eq, Hz. simpl. lra.
  - rewrite fneg_valid_exact by auto. rewrite !toR_eq. simpl. rewrite opp_IZR. ring.
Qed.

(** Relative-error corollaries: in range, each operation is within a factor
    [2^(−p)] of its exact result. *)
Corollary fadd_rel_error x y :
  in_range p (toR x + toR y) ->
  Rabs (toR (fadd p x y) - (toR x + toR y)) <= bpow radix2 (- Z.of_nat p) * Rabs (toR x + toR y).
Proof. intros Hr. rewrite toR_fadd by assumption. now apply rnd_flx_rel_error. Qed.

Corollary fsub_rel_error x y :
  in_range p (toR x - toR y) ->
  Rabs (toR (fsub p x y) - (toR x - toR y)) <= bpow radix2 (- Z.of_nat p) * Rabs (toR x - toR y).
Proof. intros Hr. rewrite toR_fsub by assumption. now apply rnd_flx_rel_error. Qed.

Corollary fmul_rel_error x y :
  in_range p (toR x * toR y) ->
  Rabs (toR (fmul p x y) - toR x * toR y) <= bpow radix2 (- Z.of_nat p) * Rabs (toR x * toR y).
Proof. intros Hr. rewrite toR_fmul by assumption. now apply rnd_flx_rel_error. Qed.

Corollary fdiv_rel_error x y :
  mant y <> 0%Z -> in_range p (toR x / toR y) ->
  Rabs (toR (fdiv p x y) - toR x / toR y) <= bpow radix2 (- Z.of_nat p) * Rabs (toR x / toR y).
Proof. intros Hy Hr. rewrite toR_fdiv by assumption. now apply rnd_flx_rel_error. Qed.

Corollary fsum_rel_error xs :
  in_range p (sumR xs) ->
  Rabs (toR (fsum p xs) - sumR xs) <= bpow radix2 (- Z.of_nat p) * Rabs (sumR xs).
Proof. intros Hr. rewrite toR_fsum by assumption. now apply rnd_flx_rel_error. Qed.

Corollary fprod_rel_error xs :
  in_range p (prodR xs) ->
  Rabs (toR (fprod p xs) - prodR xs) <= bpow radix2 (- Z.of_nat p) * Rabs (prodR xs).
Proof. intros Hr. rewrite toR_fprod by assumption. now apply rnd_flx_rel_error. Qed.

End Ops.

(** ** Comparisons are exact *)

Lemma toR_align_pair x y :
  IZR (align (expo_min [x; y]) x) * bpow radix2 (expo_min [x; y]) = toR x
  /\ IZR (align (expo_min [x; y]) y) * bpow radix2 (expo_min [x; y]) = toR y.
Proof. split; apply toR_align_min; simpl; auto. Qed.

Theorem flt_ltb_spec x y : flt_ltb x y = true <-> toR x < toR y.
Proof.
  destruct (toR_align_pair x y) as [Hx Hy]. unfold flt_ltb.
  rewrite <- Hx, <- Hy. set (e := expo_min [x; y]). pose proof (bpow_pos e) as He.
  rewrite Z.ltb_lt. split; intros Hc.
  - apply Rmult_lt_compat_r; [lra|]. now apply IZR_lt.
  - apply lt_IZR. apply Rmult_lt_reg_r with (bpow radix2 e); lra.
Qed.

Theorem flt_leb_spec x y : flt_leb x y = true <-> toR x <= toR y.
Proof.
  destruct (toR_align_pair x y) as [Hx Hy]. unfold flt_leb.
  rewrite <- Hx, <- Hy. set (e := expo_min [x; y]). pose proof (bpow_pos e) as He.
  rewrite Z.leb_le. split; intros Hc.
  - apply Rmult_le_compat_r; [lra|]. now apply IZR_le.
  - apply le_IZR. apply Rmult_le_reg_r with (bpow radix2 e); lra.
Qed.

Theorem flt_eqb_spec x y : flt_eqb x y = true <-> toR x = toR y.
Proof.
  destruct (toR_align_pair x y) as [Hx Hy]. unfold flt_eqb.
  rewrite <- Hx, <- Hy. set (e := expo_min [x; y]). pose proof (bpow_pos e) as He.
  rewrite Z.eqb_eq. split; intros Hc.
  - now rewrite Hc.
  - apply eq_IZR. apply Rmult_eq_reg_r with (bpow radix2 e); lra.
Qed.

Theorem toR_fmax p x y : toR (fmax p x y) = Rmax (toR x) (toR y).
Proof.
  unfold fmax. destruct (flt_ltb x y) eqn:H.
  - apply flt_ltb_spec in H. rewrite Rmax_right; lra.
  - assert (~ toR x < toR y) by (rewrite <- flt_ltb_spec; congruence).
    rewrite Rmax_left; lra.
Qed.

(** ** The normal range contains 1 *)

Lemma in_range_one p : (1 <= p)%nat -> in_range p 1.
Proof.
  intros Hp. right. rewrite Rabs_R1. set (P := Z.of_nat p).
  assert (HP : (1 <= P)%Z) by (unfold P; lia).
  assert (H2 : (P < 2 ^ P)%Z) by (apply Z.pow_gt_lin_r; lia).
  split.
  - unfold minR. fold P. change 1 with (bpow radix2 0). apply bpow_le. lia.
  - unfold maxR, fmaxmag, toR, F2R; cbn [Fnum Fexp mant expo]. fold P.
    rewrite <- (Rmult_1_l 1). apply Rmult_le_compat; [lra|lra| |].
    + apply IZR_le. lia.
    + change 1 with (bpow radix2 0). apply bpow_le. lia.
Qed.

(** ** Every valid float, and the square root of a nonnegative one, is in range *)

Lemma valid_in_range p x : valid p x = true -> in_range p (toR x).
Proof.
  intros Hv. pose proof (valid_mant_range p x Hv) as Hm.
  destruct (Z.eq_dec (mant x) 0) as [Hz | Hnz].
  { left. rewrite toR_eq, Hz. apply Rmult_0_l. }
  apply valid_spec in Hv as [[Hz | Hn] He]; [contradiction|].
  right. set (P := Z.of_nat p) in *.
    assert (HP : (1 <= P)%Z).
    { destruct (Z.le_gt_cases 1 P) as [H|H]; [exact H|].
      assert (HP0 : P = 0%Z) by (unfold P; lia). rewrite HP0 in Hn. simpl in Hn. lia. }
    rewrite toR_eq, Rabs_mult, (Rabs_pos_eq (bpow _ _)) by apply bpow_ge_0. rewrite <- abs_IZR.
    split.
    + unfold minR. fold P.
      replace (P - 1 - 2 ^ P)%Z with ((P - 1) + (- 2 ^ P))%Z by lia. rewrite bpow_plus.
      apply Rmult_le_compat; [apply bpow_ge_0 | apply bpow_ge_0 | |apply bpow_le; lia].
      rewrite <- IZR_pow2 by lia. apply IZR_le. lia.
    + unfold maxR, fmaxmag. rewrite toR_Flt. fold P.
      apply Rmult_le_compat; [apply IZR_le; lia | apply bpow_ge_0 | apply IZR_le; lia |].
      apply bpow_le. lia.
Qed.

Lemma sqrt_in_range p v : (1 <= p)%nat -> 0 <= v -> in_range p v -> in_range p (sqrt v).
Proof.
  intros Hp Hv [Hz | [Hlo Hhi]].
  - left. rewrite Hz. apply sqrt_0.
  - right. destruct (in_range_one p Hp) as [H1 | [H1lo H1hi]]; [lra|].
    rewrite Rabs_R1 in H1lo, H1hi. rewrite Rabs_pos_eq in Hlo, Hhi by exact Hv.
    rewrite Rabs_pos_eq by apply sqrt_pos.
    destruct (Rle_lt_dec v 1) as [Hv1 | Hv1].
    + assert (Hvv : v * v <= v) by nra.
      apply sqrt_le_1_alt in Hvv. rewrite sqrt_square in Hvv by exact Hv.
      assert (sqrt v <= 1) by (rewrite <- sqrt_1; apply sqrt_le_1_alt; lra). lra.
    + assert (Hvv : v <= v * v) by nra.
      apply sqrt_le_1_alt in Hvv. rewrite sqrt_square in Hvv by exact Hv.
      assert (1 <= sqrt v) by (rewrite <- sqrt_1; apply sqrt_le_1_alt; lra). lra.
Qed.
