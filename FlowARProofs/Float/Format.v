(** * p-bit floating-point numbers: format, bit encoding, rounding, operations

    This file fixes the float semantics that the whole development uses.  It
    follows the paper's preliminaries (its Def. "p-bit floating-point number",
    copied from Chiang 2024, "Transformers in uniform TC0"):

    - a p-bit float is a pair [⟨m, e⟩] of integers with
      [m ∈ (−2^p, −2^(p−1)] ∪ {0} ∪ [2^(p−1), 2^p)] and [e ∈ [−2^p, 2^p)];
      it denotes [m · 2^e];
    - [round p num den E] is the p-bit float nearest to [(num/den) · 2^E],
      ties going to the even mantissa;
    - every operation computes the exact result and rounds it ONCE; in
      particular the n-ary sum [fsum] and product [fprod] round once after the
      exact sum / product, as in Chiang's iterated-addition lemma.

    Everything here is computed on [Z] (no [nat] for large numbers, no reals),
    so concrete instances evaluate with [vm_compute]; the relation with real
    numbers and Flocq's rounding is in [Float/Real.v].

    Conventions that the paper does not fix (documented deviations):
    - Overflow: if the correctly rounded exponent is [≥ 2^p], the result
      saturates to the float of largest magnitude with the right sign,
      [⟨±(2^p − 1), 2^p − 1⟩].  (For such values this is also the nearest
      float, so this is not really a deviation.)
    - Underflow: if the rounded exponent is [< −2^p] the result is flushed to
      [fzero]; the format has no subnormals.  (The nearest float could be the
      smallest positive float when the value exceeds half of it: deviation.)
    - [den ≤ 0] in [round] and division by a zero float give [fzero].
    - Zero is always produced as [Flt 0 0] (the format allows [⟨0, e⟩] for any
      in-range [e]; all of them denote 0).
    - [p = 0]: the only valid float has mantissa 0, and [round 0 _ _ _ = fzero].

    Bit encoding: a float takes [fw p = 2(p+1)] bits, the mantissa as a
    (p+1)-bit two's-complement number followed by the exponent as a (p+1)-bit
    two's-complement number, each little-endian (bit [j] is [Z.testbit _ j]). *)

From Coq Require Import ZArith List Lia Bool.
Import ListNotations.

Set Default Goal Selector "!".
Local Open Scope Z_scope.

(** ** The format *)

Record flt := Flt { mant : Z; expo : Z }.

Definition fzero : flt := Flt 0 0.

(** Decidable (structural) equality of floats; computes. *)
Definition flt_eq_dec (x y : flt) : {x = y} + {x <> y}.
Proof. decide equality; apply Z.eq_dec. Defined.

Implicit Types (p n : nat) (x y : flt) (xs : list flt).

Definition valid (p : nat) (x : flt) : bool :=
  let P := Z.of_nat p in
  ((mant x =? 0) || ((2 ^ (P - 1) <=? Z.abs (mant x)) && (Z.abs (mant x) <? 2 ^ P)))
  && (- 2 ^ P <=? expo x) && (expo x <? 2 ^ P).

Definition validP (p : nat) (x : flt) : Prop :=
  (mant x = 0 \/ 2 ^ (Z.of_nat p - 1) <= Z.abs (mant x) < 2 ^ Z.of_nat p)
  /\ - 2 ^ Z.of_nat p <= expo x < 2 ^ Z.of_nat p.

Lemma valid_spec p x : valid p x = true <-> validP p x.
Proof.
  unfold valid, validP.
  rewrite !andb_true_iff, orb_true_iff, andb_true_iff, Z.eqb_eq, !Z.leb_le, !Z.ltb_lt.
  tauto.
Qed.

Lemma valid_iff p x :
  valid p x = true <->
  (mant x = 0 \/ 2 ^ (Z.of_nat p - 1) <= Z.abs (mant x) < 2 ^ Z.of_nat p)
  /\ - 2 ^ Z.of_nat p <= expo x < 2 ^ Z.of_nat p.
Proof. apply valid_spec. Qed.

Lemma validP_reflect p x : reflect (validP p x) (valid p x).
Proof. apply iff_reflect. symmetry. apply valid_spec. Qed.

Lemma fzero_valid p : valid p fzero = true.
Proof.
  apply valid_spec; unfold validP; simpl.
  pose proof (Z.pow_pos_nonneg 2 (Z.of_nat p)); lia.
Qed.

(** A valid float's mantissa and exponent both lie in [[−2^p, 2^p)]. *)
Lemma valid_mant_range p x :
  valid p x = true -> - 2 ^ Z.of_nat p < mant x < 2 ^ Z.of_nat p.
Proof.
  intros H; apply valid_spec in H as [[Hm | Hm] _].
  - pose proof (Z.pow_pos_nonneg 2 (Z.of_nat p)); lia.
  - lia.
Qed.

(** ** Bit encoding *)

(** [n] low bits of [z], little-endian (two's complement for negative [z]). *)
Fixpoint Z_to_bits (n : nat) (z : Z) : list bool :=
  match n with
  | O => []
  | S n' => Z.odd z :: Z_to_bits n' (Z.div2 z)
  end.

(** Unsigned value of a little-endian bit list. *)
Fixpoint bits_to_Z (bs : list bool) : Z :=
  match bs with
  | [] => 0
  | b :: bs' => Z.b2z b + 2 * bits_to_Z bs'
  end.

(** Reading an unsigned (p+1)-bit value as two's complement. *)
Definition signed (p : nat) (u : Z) : Z :=
  if u <? 2 ^ Z.of_nat p then u else u - 2 ^ (Z.of_nat p + 1).

Lemma Z_to_bits_length n z : length (Z_to_bits n z) = n.
Proof. revert z; induction n; intros z; simpl; auto. Qed.

Lemma nth_Z_to_bits n z j :
  (j < n)%nat -> nth j (Z_to_bits n z) false = Z.testbit z (Z.of_nat j).
Proof.
  revert z j; induction n as [|n IH]; intros z j Hj; [lia|].
  destruct j as [|j]; cbn [nth Z_to_bits].
  - symmetry; apply Z.bit0_odd.
  - rewrite IH by lia. rewrite Z.div2_spec, Z.shiftr_spec by lia. f_equal; lia.
Qed.

Lemma bits_to_Z_to_bits n z : bits_to_Z (Z_to_bits n z) = z mod 2 ^ Z.of_nat n.
Proof.
  revert z; induction n as [|n IH]; intros z; cbn [Z_to_bits bits_to_Z].
  - now rewrite Z.mod_1_r.
  - rewrite IH.
    set (h := Z.div2 z). set (b := Z.b2z (Z.odd z)).
    assert (Hz : z = 2 * h + b) by apply Z.div2_odd.
    assert (Hb : 0 <= b <= 1) by (unfold b; destruct (Z.odd z); simpl; lia).
    assert (Hp : 2 ^ Z.of_nat (S n) = 2 * 2 ^ Z.of_nat n)
      by (rewrite Nat2Z.inj_succ, Z.pow_succ_r; lia).
    assert (Hpos : 0 < 2 ^ Z.of_nat n) by (apply Z.pow_pos_nonneg; lia).
    rewrite Hp, Hz.
    apply Z.mod_unique with (q := h / 2 ^ Z.of_nat n).
    + left. pose proof (Z.mod_pos_bound h (2 ^ Z.of_nat n) Hpos). lia.
    + pose proof (Z.div_mod h (2 ^ Z.of_nat n)). lia.
Qed.

Lemma signed_mod p z :
  - 2 ^ Z.of_nat p <= z < 2 ^ Z.of_nat p ->
  signed p (z mod 2 ^ Z.of_nat (S p)) = z.
Proof.
  intros Hz. unfold signed.
  assert (Hp : 2 ^ Z.of_nat (S p) = 2 * 2 ^ Z.of_nat p)
    by (rewrite Nat2Z.inj_succ, Z.pow_succ_r; lia).
  assert (Hp' : 2 ^ (Z.of_nat p + 1) = 2 * 2 ^ Z.of_nat p)
    by (rewrite Z.pow_add_r, Z.pow_1_r; lia).
  rewrite Hp, Hp'.
  destruct (Z_lt_le_dec z 0) as [Hneg | Hnn].
  - rewrite <- (Z.mod_unique z (2 * 2 ^ Z.of_nat p) (-1) (z + 2 * 2 ^ Z.of_nat p))
      by lia.
    destruct (Z.ltb_spec (z + 2 * 2 ^ Z.of_nat p) (2 ^ Z.of_nat p)); lia.
  - rewrite Z.mod_small by lia.
    destruct (Z.ltb_spec z (2 ^ Z.of_nat p)); lia.
Qed.

(** Bit width of one encoded float. *)
Definition fw (p : nat) : nat := 2 * (p + 1).

Definition enc (p : nat) (x : flt) : list bool :=
  Z_to_bits (S p) (mant x) ++ Z_to_bits (S p) (expo x).

Definition dec (p : nat) (bs : list bool) : flt :=
  Flt (signed p (bits_to_Z (firstn (S p) bs)))
      (signed p (bits_to_Z (firstn (S p) (skipn (S p) bs)))).

Lemma enc_length p x : length (enc p x) = fw p.
Proof. unfold enc, fw. rewrite app_length, !Z_to_bits_length. lia. Qed.

(** Bit [j ≤ p] of the encoding is bit [j] of the mantissa, bit [p+1+j] is
    bit [j] of the exponent. *)
Lemma enc_nth_mant p x j :
  (j <= p)%nat -> nth j (enc p x) false = Z.testbit (mant x) (Z.of_nat j).
Proof.
  intros Hj. unfold enc. rewrite app_nth1 by (rewrite Z_to_bits_length; lia).
  apply nth_Z_to_bits; lia.
Qed.

Lemma enc_nth_expo p x j :
  (j <= p)%nat -> nth (S p + j) (enc p x) false = Z.testbit (expo x) (Z.of_nat j).
Proof.
  intros Hj. unfold enc. rewrite app_nth2 by (rewrite Z_to_bits_length; lia).
  rewrite Z_to_bits_length. replace (S p + j - S p)%nat with j by lia.
  apply nth_Z_to_bits; lia.
Qed.

Lemma dec_enc p x : valid p x = true -> dec p (enc p x) = x.
Proof.
  intros Hv. pose proof (valid_mant_range p x Hv) as Hm.
  apply valid_spec in Hv as [_ He].
  destruct x as [m e]; simpl in *.
  unfold dec, enc; simpl mant; simpl expo.
  rewrite firstn_app, Z_to_bits_length, Nat.sub_diag, firstn_O, app_nil_r.
  rewrite skipn_app, Z_to_bits_length, Nat.sub_diag, skipn_O, skipn_all2
    by (rewrite Z_to_bits_length; lia).
  rewrite app_nil_l.
  rewrite firstn_all2 by (rewrite Z_to_bits_length; lia).
  rewrite firstn_all2 by (rewrite Z_to_bits_length; lia).
  rewrite !bits_to_Z_to_bits, !signed_mod by lia.
  reflexivity.
Qed.

Lemma enc_inj p x y :
  valid p x = true -> valid p y = true -> enc p x = enc p y -> x = y.
Proof.
  intros Hx Hy H. rewrite <- (dec_enc p x Hx), <- (dec_enc p y Hy). now f_equal.
Qed.

(** Encoding of a list of floats: concatenation. *)
Definition encs (p : nat) (xs : list flt) : list bool := concat (map (enc p) xs).

Lemma encs_nil p : encs p [] = [].
Proof. reflexivity. Qed.

Lemma encs_cons p x xs : encs p (x :: xs) = enc p x ++ encs p xs.
Proof. reflexivity. Qed.

Lemma encs_app p xs ys : encs p (xs ++ ys) = encs p xs ++ encs p ys.
Proof. unfold encs. now rewrite map_app, concat_app. Qed.

Lemma encs_length p xs : length (encs p xs) = (length xs * fw p)%nat.
Proof.
  induction xs as [|x xs IH]; [reflexivity|].
  rewrite encs_cons, app_length, enc_length, IH. simpl. lia.
Qed.

(** Wiring lemma: bit [j] of float [i] sits at position [i * fw p + j]. *)
Lemma encs_nth p xs i j :
  (i < length xs)%nat -> (j < fw p)%nat ->
  nth (i * fw p + j) (encs p xs) false = nth j (enc p (nth i xs fzero)) false.
Proof.
  revert i; induction xs as [|x xs IH]; intros i Hi Hj; [simpl in Hi; lia|].
  rewrite encs_cons. destruct i as [|i]; cbn [nth].
  - rewrite Nat.mul_0_l, Nat.add_0_l. apply app_nth1. now rewrite enc_length.
  - rewrite app_nth2 by (rewrite enc_length; lia).
    rewrite enc_length. replace (S i * fw p + j - fw p)%nat with (i * fw p + j)%nat by lia.
    apply IH; [simpl in Hi; lia | exact Hj].
Qed.

(** Decoding [k] consecutive floats. *)
Fixpoint decs (p : nat) (k : nat) (bs : list bool) : list flt :=
  match k with
  | O => []
  | S k' => dec p (firstn (fw p) bs) :: decs p k' (skipn (fw p) bs)
  end.

Lemma decs_encs p xs :
  forallb (valid p) xs = true -> decs p (length xs) (encs p xs) = xs.
Proof.
  induction xs as [|x xs IH]; intros H; [reflexivity|].
  simpl in H; apply andb_true_iff in H as [Hx Hxs].
  simpl decs; rewrite encs_cons.
  rewrite firstn_app, enc_length, Nat.sub_diag, firstn_O, app_nil_r,
    firstn_all2 by (rewrite enc_length; lia).
  rewrite skipn_app, enc_length, Nat.sub_diag, skipn_O,
    skipn_all2 by (rewrite enc_length; lia).
  simpl app. now rewrite dec_enc, IH.
Qed.

Lemma encs_inj p xs ys :
  forallb (valid p) xs = true -> forallb (valid p) ys = true ->
  length xs = length ys -> encs p xs = encs p ys -> xs = ys.
Proof.
  intros Hx Hy Hl H.
  rewrite <- (decs_encs p xs Hx), <- (decs_encs p ys Hy), Hl. now f_equal.
Qed.

(** ** Rounding *)

(** Nearest integer to [N / D] ([D > 0]), ties to even. *)
Definition rnd_div (N D : Z) : Z :=
  let q := N / D in
  match Z.compare (2 * (N mod D)) D with
  | Lt => q
  | Gt => q + 1
  | Eq => if Z.even q then q else q + 1
  end.

(** [a · 2^s / d] as the fraction [scaled_num a s / scaled_den d s] of
    integers, for any sign of [s]. *)
Definition scaled_num (a s : Z) : Z := a * 2 ^ Z.max s 0.
Definition scaled_den (d s : Z) : Z := d * 2 ^ Z.max (- s) 0.

(** The shift [s] making [a · 2^s / d ∈ [2^(P−1), 2^P)]: a first guess from
    the bit lengths, corrected by one step. *)
Definition norm_shift (P a d : Z) : Z :=
  let s0 := P - 1 - (Z.log2 a - Z.log2 d) in
  if scaled_num a s0 <? 2 ^ (P - 1) * scaled_den d s0 then s0 + 1 else s0.

(** The correctly rounded (nearest, ties to even) mantissa and exponent with
    an unbounded exponent range, for [num ≠ 0], [den > 0], [p ≥ 1]: the
    mantissa [m] satisfies [2^(p−1) ≤ |m| < 2^p]. *)
Definition round_raw (p : nat) (num den E : Z) : Z * Z :=
  let P := Z.of_nat p in
  let a := Z.abs num in
  let s := norm_shift P a den in
  let m0 := rnd_div (scaled_num a s) (scaled_den den s) in
  let me := if m0 =? 2 ^ P then (2 ^ (P - 1), E - s + 1) else (m0, E - s) in
  (if num <? 0 then - fst me else fst me, snd me).

(** The largest-magnitude float, used on overflow. *)
Definition fmaxmag (p : nat) (neg : bool) : flt :=
  let P := Z.of_nat p in
  Flt (if neg then - (2 ^ P - 1) else 2 ^ P - 1) (2 ^ P - 1).

(** [round p num den E]: the p-bit float nearest to [(num/den)·2^E], ties to
    even; saturation on overflow, flush to zero on underflow, [fzero] when
    [den ≤ 0] or [p = 0]. *)
Definition round (p : nat) (num den E : Z) : flt :=
  let P := Z.of_nat p in
  if (P =? 0) || (den <=? 0) || (num =? 0) then fzero else
  let me := round_raw p num den E in
  if 2 ^ P <=? snd me then fmaxmag p (num <? 0)
  else if snd me <? - 2 ^ P then fzero
  else Flt (fst me) (snd me).

(** *** Correctness of the normalisation *)

Lemma rnd_div_bounds N D : 0 < D -> N / D <= rnd_div N D <= N / D + 1.
Proof.
  intros HD. unfold rnd_div.
  destruct (Z.compare _ _); [destruct (Z.even _)|..]; lia.
Qed.

(** Comparisons of [scaled_num a s] with [X * scaled_den d s] do not depend on
    the common power of two used to clear denominators. *)
Lemma scaled_cmp a d s X K :
  0 <= K -> 0 <= s + K ->
  (scaled_num a s < X * scaled_den d s <-> a * 2 ^ (s + K) < X * (d * 2 ^ K))
  /\ (X * scaled_den d s <= scaled_num a s <-> X * (d * 2 ^ K) <= a * 2 ^ (s + K)).
Proof.
  intros HK HsK. unfold scaled_num, scaled_den.
  set (t := K - Z.max (- s) 0).
  assert (Ht : 0 <= t) by (unfold t; lia).
  assert (Ht2 : 0 < 2 ^ t) by (apply Z.pow_pos_nonneg; lia).
  replace (s + K) with (Z.max s 0 + t) by (unfold t; lia).
  replace K with (Z.max (- s) 0 + t) by (unfold t; lia).
  rewrite !Z.pow_add_r by lia.
  set (u := 2 ^ Z.max s 0). set (v := 2 ^ Z.max (- s) 0). set (w := 2 ^ t).
  replace (a * (u * w)) with (a * u * w) by ring.
  replace (X * (d * (v * w))) with (X * (d * v) * w) by ring.
  split.
  - apply Z.mul_lt_mono_pos_r; lia.
  - apply Z.mul_le_mono_pos_r; lia.
Qed.

Lemma scaled_num_0 a : scaled_num a 0 = a.
Proof. unfold scaled_num. simpl. lia. Qed.

Lemma scaled_den_0 d : scaled_den d 0 = d.
Proof. unfold scaled_den. simpl. lia. Qed.

Lemma norm_shift_spec P a d :
  1 <= P -> 0 < a -> 0 < d ->
  let s := norm_shift P a d in
  2 ^ (P - 1) * scaled_den d s <= scaled_num a s < 2 ^ P * scaled_den d s.
Proof.
  intros HP Ha Hd s.
  set (la := Z.log2 a). set (ld := Z.log2 d).
  set (s0 := P - 1 - (la - ld)).
  destruct (Z.log2_spec a Ha) as [Ha1 Ha2]. destruct (Z.log2_spec d Hd) as [Hd1 Hd2].
  fold la in Ha1, Ha2; fold ld in Hd1, Hd2.
  assert (Hla : 0 <= la) by apply Z.log2_nonneg.
  assert (Hld : 0 <= ld) by apply Z.log2_nonneg.
  set (K := Z.abs s0 + 1).
  assert (HK : 0 <= K) by lia. assert (HsK : 0 <= s0 + K) by lia.
  assert (HsK1 : 0 <= s0 + 1 + K) by lia.
  (* the two basic bounds on A = a * 2^(s0+K), B = d * 2^K *)
  set (g := 2 ^ (s0 + K)). set (t := 2 ^ K). set (h := 2 ^ (P - 1)).
  assert (HgP : g * 2 ^ la = h * 2 ^ ld * t).
  { unfold g, h, t. rewrite <- !Z.pow_add_r by lia. f_equal. unfold s0; lia. }
  assert (H2P : 2 ^ P = 2 * h)
    by (unfold h; rewrite <- Z.pow_succ_r by lia; f_equal; lia).
  rewrite Z.pow_succ_r in Ha2, Hd2 by lia.
  assert (Hg : 0 < g) by (apply Z.pow_pos_nonneg; lia).
  assert (Ht : 0 < t) by (apply Z.pow_pos_nonneg; lia).
  assert (Hh : 0 < h) by (apply Z.pow_pos_nonneg; lia).
  set (u := 2 ^ la) in *. set (w := 2 ^ ld) in *.
  assert (Hup : a * g < 2 ^ P * (d * t)).
  { assert (a * g < 2 * u * g) by (apply Z.mul_lt_mono_pos_r; lia).
    assert (h * w * t <= h * d * t)
      by (apply Z.mul_le_mono_pos_r; [lia|]; apply Z.mul_le_mono_pos_l; lia).
    rewrite H2P. lia. }
  assert (Hlo : h * (d * t) < 2 * (a * g)).
  { assert (h * d * t < h * (2 * w) * t)
      by (apply Z.mul_lt_mono_pos_r; [lia|]; apply Z.mul_lt_mono_pos_l; lia).
    assert (u * g <= a * g) by (apply Z.mul_le_mono_pos_r; lia).
    lia. }
  unfold s, norm_shift. fold la ld s0.
  destruct (Z.ltb_spec (scaled_num a s0) (2 ^ (P - 1) * scaled_den d s0)) as [Hc | Hc].
  - destruct (scaled_cmp a d s0 h K) as [Hlt _]; [assumption..|].
    destruct (scaled_cmp a d (s0 + 1) h K) as [_ Hle]; [assumption..|].
    destruct (scaled_cmp a d (s0 + 1) (2 ^ P) K) as [Hlt' _]; [assumption..|].
    fold h in Hc. apply Hlt in Hc. fold g t in Hc.
    replace (s0 + 1 + K) with (Z.succ (s0 + K)) in Hle, Hlt' by (rewrite <- Z.add_1_r; ring).
    rewrite Z.pow_succ_r in Hle, Hlt' by exact HsK. fold g t in Hle, Hlt'.
    fold h. split; [apply Hle | apply Hlt'; rewrite H2P]; lia.
  - destruct (scaled_cmp a d s0 (2 ^ P) K) as [Hlt _]; [assumption..|].
    fold g t in Hlt. split; [exact Hc | now apply Hlt].
Qed.

(** The raw rounded mantissa is normalised and carries the sign of [num]. *)
Lemma round_raw_mant_spec p num den E :
  (1 <= p)%nat -> 0 < den -> num <> 0 ->
  exists m, 2 ^ (Z.of_nat p - 1) <= m < 2 ^ Z.of_nat p
       /\ fst (round_raw p num den E) = if num <? 0 then - m else m.
Proof.
  intros Hp Hd Hn. unfold round_raw.
  set (P := Z.of_nat p). set (a := Z.abs num).
  set (s := norm_shift P a den).
  assert (HP : 1 <= P) by (unfold P; lia).
  assert (Ha : 0 < a) by (unfold a; lia).
  pose proof (norm_shift_spec P a den HP Ha Hd) as Hs; cbv zeta in Hs; fold s in Hs.
  set (N := scaled_num a s) in *. set (D := scaled_den den s) in *.
  assert (HD : 0 < D).
  { unfold D, scaled_den. pose proof (Z.pow_pos_nonneg 2 (Z.max (- s) 0)). nia. }
  assert (Hq1 : 2 ^ (P - 1) <= N / D) by (apply Z.div_le_lower_bound; lia).
  assert (Hq2 : N / D < 2 ^ P) by (apply Z.div_lt_upper_bound; lia).
  pose proof (rnd_div_bounds N D HD) as Hr.
  assert (H2P : 2 ^ P = 2 * 2 ^ (P - 1))
    by (rewrite <- Z.pow_succ_r by lia; f_equal; lia).
  assert (Hh : 0 < 2 ^ (P - 1)) by (apply Z.pow_pos_nonneg; lia).
  destruct (Z.eqb_spec (rnd_div N D) (2 ^ P)) as [Heq | Hne]; simpl fst.
  - exists (2 ^ (P - 1)). split; [lia | reflexivity].
  - exists (rnd_div N D). split; [lia | reflexivity].
Qed.

Lemma round_raw_mant_bounds p num den E :
  (1 <= p)%nat -> 0 < den -> num <> 0 ->
  2 ^ (Z.of_nat p - 1) <= Z.abs (fst (round_raw p num den E)) < 2 ^ Z.of_nat p.
Proof.
  intros Hp Hd Hn.
  destruct (round_raw_mant_spec p num den E Hp Hd Hn) as (m & Hm & ->).
  pose proof (Z.pow_pos_nonneg 2 (Z.of_nat p - 1) ltac:(lia)).
  destruct (num <? 0); lia.
Qed.

Lemma round_raw_sign p num den E :
  (1 <= p)%nat -> 0 < den -> num <> 0 ->
  (fst (round_raw p num den E) < 0 <-> num < 0).
Proof.
  intros Hp Hd Hn.
  destruct (round_raw_mant_spec p num den E Hp Hd Hn) as (m & Hm & ->).
  pose proof (Z.pow_pos_nonneg 2 (Z.of_nat p - 1) ltac:(lia)).
  destruct (Z.ltb_spec num 0); lia.
Qed.

Theorem round_valid p num den E : valid p (round p num den E) = true.
Proof.
  unfold round.
  destruct (Z.eqb_spec (Z.of_nat p) 0) as [Hp | Hp]; [apply fzero_valid|].
  destruct (Z.leb_spec den 0); [apply fzero_valid|].
  destruct (Z.eqb_spec num 0); [apply fzero_valid|]. simpl orb; cbv iota.
  pose proof (round_raw_mant_bounds p num den E ltac:(lia) ltac:(lia) ltac:(lia)) as Hb.
  set (P := Z.of_nat p) in *.
  assert (H2P : 2 ^ P = 2 * 2 ^ (P - 1))
    by (rewrite <- Z.pow_succ_r by lia; f_equal; lia).
  assert (Hh : 0 < 2 ^ (P - 1)) by (apply Z.pow_pos_nonneg; lia).
  destruct (Z.leb_spec (2 ^ P) (snd (round_raw p num den E))).
  - apply valid_spec; unfold validP, fmaxmag; cbn [mant expo]; fold P.
    destruct (num <? 0); lia.
  - destruct (Z.ltb_spec (snd (round_raw p num den E)) (- 2 ^ P)); [apply fzero_valid|].
    apply valid_spec; unfold validP; cbn [mant expo]; fold P. lia.
Qed.

(** Characterisation of [round] through [round_raw]. *)
Lemma round_in_range p num den E :
  (1 <= p)%nat -> 0 < den -> num <> 0 ->
  - 2 ^ Z.of_nat p <= snd (round_raw p num den E) < 2 ^ Z.of_nat p ->
  round p num den E = Flt (fst (round_raw p num den E)) (snd (round_raw p num den E)).
Proof.
  intros Hp Hd Hn He. unfold round.
  replace ((Z.of_nat p =? 0) || (den <=? 0) || (num =? 0)) with false
    by (symmetry; rewrite !orb_false_iff, Z.eqb_neq, Z.leb_gt, Z.eqb_neq; lia).
  destruct (Z.leb_spec (2 ^ Z.of_nat p) (snd (round_raw p num den E))); [lia|].
  destruct (Z.ltb_spec (snd (round_raw p num den E)) (- 2 ^ Z.of_nat p)); [lia|].
  reflexivity.
Qed.

Lemma round_overflow p num den E :
  (1 <= p)%nat -> 0 < den -> num <> 0 ->
  2 ^ Z.of_nat p <= snd (round_raw p num den E) ->
  round p num den E = fmaxmag p (num <? 0).
Proof.
  intros Hp Hd Hn He. unfold round.
  replace ((Z.of_nat p =? 0) || (den <=? 0) || (num =? 0)) with false
    by (symmetry; rewrite !orb_false_iff, Z.eqb_neq, Z.leb_gt, Z.eqb_neq; lia).
  destruct (Z.leb_spec (2 ^ Z.of_nat p) (snd (round_raw p num den E))); [reflexivity|lia].
Qed.

Lemma round_underflow p num den E :
  snd (round_raw p num den E) < - 2 ^ Z.of_nat p -> round p num den E = fzero.
Proof.
  intros He. unfold round.
  destruct (_ || _ || _); [reflexivity|].
  pose proof (Z.pow_pos_nonneg 2 (Z.of_nat p)).
  destruct (Z.leb_spec (2 ^ Z.of_nat p) (snd (round_raw p num den E))); [lia|].
  destruct (Z.ltb_spec (snd (round_raw p num den E)) (- 2 ^ Z.of_nat p)); [reflexivity|lia].
Qed.

Lemma round_zero p den E : round p 0 den E = fzero.
Proof. unfold round. now rewrite !orb_true_r. Qed.

Lemma round_den_nonpos p num den E : den <= 0 -> round p num den E = fzero.
Proof.
  intros H. unfold round. apply Z.leb_le in H. now rewrite H, orb_true_r.
Qed.

Lemma round_p0 num den E : round 0 num den E = fzero.
Proof. reflexivity. Qed.

(** Exactness: an integer mantissa that is already normalised, with an
    in-range exponent, is returned unchanged. *)
Theorem round_exact p m E :
  (1 <= p)%nat ->
  2 ^ (Z.of_nat p - 1) <= Z.abs m < 2 ^ Z.of_nat p ->
  - 2 ^ Z.of_nat p <= E < 2 ^ Z.of_nat p ->
  round p m 1 E = Flt m E.
Proof.
  intros Hp Hm HE.
  set (P := Z.of_nat p) in *.
  assert (Hm0 : m <> 0) by (pose proof (Z.pow_pos_nonneg 2 (P - 1)); lia).
  assert (Hraw : round_raw p m 1 E = (m, E)).
  { unfold round_raw. fold P.
    assert (Hl : Z.log2 (Z.abs m) = P - 1).
    { apply Z.log2_unique; [lia|]. replace (Z.succ (P - 1)) with P by lia. lia. }
    assert (Hs : norm_shift P (Z.abs m) 1 = 0).
    { unfold norm_shift. rewrite Hl. simpl Z.log2.
      replace (P - 1 - (P - 1 - 0)) with 0 by lia.
      rewrite scaled_num_0, scaled_den_0.
      destruct (Z.ltb_spec (Z.abs m) (2 ^ (P - 1) * 1)); lia. }
    rewrite Hs, scaled_num_0, scaled_den_0.
    unfold rnd_div. rewrite Z.div_1_r, Z.mod_1_r. simpl Z.compare. cbv iota.
    destruct (Z.eqb_spec (Z.abs m) (2 ^ P)); [lia|]. simpl fst; simpl snd.
    destruct (Z.ltb_spec m 0); f_equal; lia. }
  rewrite round_in_range; [now rewrite Hraw| lia | lia | exact Hm0 | now rewrite Hraw].
Qed.

(** ** Operations: exact result, then one rounding *)

(** Mantissa of [x] re-expressed over the exponent [e ≤ expo x]. *)
Definition align (e : Z) (x : flt) : Z := mant x * 2 ^ (expo x - e).

(** The common exponent used for exact sums: the smallest exponent among the
    terms with a nonzero mantissa (zeros contribute nothing whatever the
    exponent; ignoring them avoids needlessly huge integers), [0] if there is
    no such term. *)
Definition omin (x : flt) (acc : option Z) : option Z :=
  if mant x =? 0 then acc
  else Some (match acc with None => expo x | Some e => Z.min (expo x) e end).

Definition expo_min (xs : list flt) : Z :=
  match fold_right omin None xs with None => 0 | Some e => e end.

(** Negation, also "exact result then one rounding": for a valid [x] it is
    exactly [⟨−m, e⟩] ([fneg_valid_exact]); on any input the result is valid. *)
Definition fneg (p : nat) (x : flt) : flt := round p (- mant x) 1 (expo x).

Definition fadd (p : nat) (x y : flt) : flt :=
  let e := expo_min [x; y] in
  round p (align e x + align e y) 1 e.

Definition fsub (p : nat) (x y : flt) : flt :=
  let e := expo_min [x; y] in
  round p (align e x - align e y) 1 e.

Definition fmul (p : nat) (x y : flt) : flt :=
  round p (mant x * mant y) 1 (expo x + expo y).

(** Division by a zero float gives [fzero] (convention). *)
Definition fdiv (p : nat) (x y : flt) : flt :=
  if mant y =? 0 then fzero
  else round p (Z.sgn (mant y) * mant x) (Z.abs (mant y)) (expo x - expo y).

(** Exact comparisons of the denoted values (no rounding involved). *)
Definition flt_ltb (x y : flt) : bool :=
  let e := expo_min [x; y] in align e x <? align e y.

Definition flt_leb (x y : flt) : bool :=
  let e := expo_min [x; y] in align e x <=? align e y.

Definition flt_eqb (x y : flt) : bool :=
  let e := expo_min [x; y] in align e x =? align e y.

Definition fmax (p : nat) (x y : flt) : flt := if flt_ltb x y then y else x.

(** Exact sum of the mantissas aligned to exponent [e]. *)
Definition sum_aligned (e : Z) (xs : list flt) : Z :=
  fold_right (fun x acc => align e x + acc) 0 xs.

(** n-ary sum: exact sum, rounded once. *)
Definition fsum (p : nat) (xs : list flt) : flt :=
  let e := expo_min xs in round p (sum_aligned e xs) 1 e.

(** n-ary product: exact product, rounded once (empty product = 1). *)
Definition fprod (p : nat) (xs : list flt) : flt :=
  round p (fold_right (fun x acc => mant x * acc) 1 xs)
          1 (fold_right (fun x acc => expo x + acc) 0 xs).

(** Constants. *)
Definition of_Z (p : nat) (z : Z) : flt := round p z 1 0.
Definition fconst (p : nat) (num den : Z) : flt := round p num den 0.
Definition fone (p : nat) : flt := of_Z p 1.

(** *** Validity of all results *)

Lemma fneg_valid p x : valid p (fneg p x) = true.
Proof. apply round_valid. Qed.
Lemma fadd_valid p x y : valid p (fadd p x y) = true.
Proof. apply round_valid. Qed.
Lemma fsub_valid p x y : valid p (fsub p x y) = true.
Proof. apply round_valid. Qed.
Lemma fmul_valid p x y : valid p (fmul p x y) = true.
Proof. apply round_valid. Qed.
Lemma fdiv_valid p x y : valid p (fdiv p x y) = true.
Proof. unfold fdiv. destruct (mant y =? 0); [apply fzero_valid | apply round_valid]. Qed.
Lemma fsum_valid p xs : valid p (fsum p xs) = true.
Proof. apply round_valid. Qed.
Lemma fprod_valid p xs : valid p (fprod p xs) = true.
Proof. apply round_valid. Qed.
Lemma of_Z_valid p z : valid p (of_Z p z) = true.
Proof. apply round_valid. Qed.
Lemma fconst_valid p num den : valid p (fconst p num den) = true.
Proof. apply round_valid. Qed.
Lemma fone_valid p : valid p (fone p) = true.
Proof. apply round_valid. Qed.

Lemma fmax_valid p x y :
  valid p x = true -> valid p y = true -> valid p (fmax p x y) = true.
Proof. intros Hx Hy. unfold fmax. now destruct (flt_ltb x y). Qed.

Lemma fmax_cases p x y : fmax p x y = x \/ fmax p x y = y.
Proof. unfold fmax. destruct (flt_ltb x y); auto. Qed.

(** *** Simple algebraic facts *)

Lemma fneg_valid_exact p x :
  valid p x = true -> mant x <> 0 -> fneg p x = Flt (- mant x) (expo x).
Proof.
  intros Hv Hm. apply valid_spec in Hv as [[H | H] He]; [contradiction|].
  assert (Hp : (1 <= p)%nat) by (destruct p; [simpl in H; lia | lia]).
  unfold fneg. apply round_exact; [exact Hp | rewrite Z.abs_opp | ]; lia.
Qed.

Lemma fsum_pair p x y : fsum p [x; y] = fadd p x y.
Proof.
  unfold fsum, fadd, sum_aligned; cbn [fold_right]. now rewrite Z.add_0_r.
Qed.

Lemma fsum_nil p : fsum p [] = fzero.
Proof. apply round_zero. Qed.

Lemma fprod_pair p x y : fprod p [x; y] = fmul p x y.
Proof. unfold fprod, fmul; simpl. now rewrite Z.mul_1_r, Z.add_0_r. Qed.

Lemma fprod_nil p : fprod p [] = fone p.
Proof. reflexivity. Qed.

Lemma expo_min_pair_comm x y : expo_min [x; y] = expo_min [y; x].
Proof.
  unfold expo_min, omin; cbn [fold_right].
  destruct (mant x =? 0), (mant y =? 0); simpl; lia.
Qed.

Lemma fadd_comm p x y : fadd p x y = fadd p y x.
Proof. unfold fadd. now rewrite expo_min_pair_comm, Z.add_comm. Qed.

Lemma fmul_comm p x y : fmul p x y = fmul p y x.
Proof. unfold fmul. now rewrite Z.mul_comm, Z.add_comm. Qed.

Lemma fdiv_zero_r p x y : mant y = 0 -> fdiv p x y = fzero.
Proof. intros H. unfold fdiv. now rewrite H. Qed.

(** ** Examples (checked by [vm_compute]) documenting the semantics, p = 8 *)

(** 1 = 128 · 2^−7, and 1 + 1 = 2. *)
Example ex_one : of_Z 8 1 = Flt 128 (-7).
Proof. vm_compute. reflexivity. Qed.

Example ex_one_plus_one : fadd 8 (of_Z 8 1) (of_Z 8 1) = of_Z 8 2.
Proof. vm_compute. reflexivity. Qed.

(** 1/3 · 2^9 = 170.67 rounds to 171. *)
Example ex_third : fconst 8 1 3 = Flt 171 (-9).
Proof. vm_compute. reflexivity. Qed.

Example ex_div_third : fdiv 8 (of_Z 8 1) (of_Z 8 (-3)) = Flt (-171) (-9).
Proof. vm_compute. reflexivity. Qed.

(** Ties to even: 257 = 128.5 · 2 goes down to 128 · 2, 259 = 129.5 · 2 goes
    up to 130 · 2; the same holds for negative values. *)
Example ex_tie_down : of_Z 8 257 = Flt 128 1.
Proof. vm_compute. reflexivity. Qed.

Example ex_tie_up : of_Z 8 259 = Flt 130 1.
Proof. vm_compute. reflexivity. Qed.

Example ex_tie_neg : of_Z 8 (-257) = Flt (-128) 1.
Proof. vm_compute. reflexivity. Qed.

(** Rounding carries into the next binade: 511 = 255.5 · 2 → 256 · 2 = 128 · 4. *)
Example ex_carry : of_Z 8 511 = Flt 128 2.
Proof. vm_compute. reflexivity. Qed.

(** The n-ary sum is rounded once: 1 + 2^−20 − 1 = 2^−20 exactly, whereas
    two binary additions lose the small term. *)
Example ex_fsum_once :
  fsum 8 [of_Z 8 1; Flt 128 (-27); of_Z 8 (-1)] = Flt 128 (-27).
Proof. vm_compute. reflexivity. Qed.

Example ex_fadd_twice :
  fadd 8 (fadd 8 (of_Z 8 1) (Flt 128 (-27))) (of_Z 8 (-1)) = fzero.
Proof. vm_compute. reflexivity. Qed.

(** Overflow saturates (with the sign), underflow flushes to zero. *)
Example ex_overflow : fmul 8 (Flt 255 255) (Flt 255 255) = Flt 255 255.
Proof. vm_compute. reflexivity. Qed.

Example ex_overflow_neg : fmul 8 (Flt (-255) 255) (Flt 255 255) = Flt (-255) 255.
Proof. vm_compute. reflexivity. Qed.

Example ex_underflow : fmul 8 (Flt 128 (-256)) (Flt 128 (-256)) = fzero.
Proof. vm_compute. reflexivity. Qed.

(** Division by zero gives [fzero]; the empty product is 1. *)
Example ex_div_zero : fdiv 8 (of_Z 8 1) fzero = fzero.
Proof. vm_compute. reflexivity. Qed.

Example ex_fprod_nil : fprod 8 [] = of_Z 8 1.
Proof. vm_compute. reflexivity. Qed.

Example ex_fprod : fprod 8 [of_Z 8 3; of_Z 8 5; fconst 8 1 2] = fconst 8 15 2.
Proof. vm_compute. reflexivity. Qed.

(** Comparison is exact, across exponents. *)
Example ex_ltb : flt_ltb (Flt 128 0) (Flt 255 (-1)) = false
                 /\ flt_ltb (Flt 255 (-1)) (Flt 128 0) = true.
Proof. vm_compute. split; reflexivity. Qed.

Example ex_fmax : fmax 8 (of_Z 8 (-3)) (of_Z 8 2) = of_Z 8 2.
Proof. vm_compute. reflexivity. Qed.

(** Encoding: p = 3, ⟨−5, 2⟩ ↦ bits of −5 = 1011₂ (4-bit two's complement,
    little-endian 1,1,0,1) then 2 = 0010₂ (0,1,0,0). *)
Example ex_enc : enc 3 (Flt (-5) 2) = [true; true; false; true; false; true; false; false].
Proof. vm_compute. reflexivity. Qed.

Example ex_dec : dec 3 [true; true; false; true; false; true; false; false] = Flt (-5) 2.
Proof. vm_compute. reflexivity. Qed.

(** p = 1: the floats are ±2^e; 3/2 is a tie between 1 and 2 (both have
    mantissa 1) and rounds up; 7/2 would round to 4 = 1 · 2^2, whose exponent
    is out of range, so it saturates to 1 · 2^1. *)
Example ex_p1 : round 1 3 2 0 = Flt 1 1 /\ round 1 7 2 0 = Flt 1 1.
Proof. vm_compute. split; reflexivity. Qed.

(** Zero terms are ignored when aligning, so extreme exponents of zeros cost
    nothing. *)
Example ex_fsum_zero_far :
  fsum 64 [Flt (2 ^ 63) (2 ^ 64 - 1); Flt 0 (- 2 ^ 64)] = Flt (2 ^ 63) (2 ^ 64 - 1).
Proof. vm_compute. reflexivity. Qed.
