(** * Upper-rounded dyadic arithmetic, with a sound evaluator for bound expressions

    The error bounds of this development are explicit expressions built from
    [+], [×] and [^n] of nonnegative reals (plus a few leaves such as
    [e^{2β}], [1/σ], [1/T]).  For the shipped configurations they are far too
    large for exact rational arithmetic ([e^{2β}] with [β] in the thousands,
    raised to powers in the hundreds), so this file evaluates them with
    DYADIC numbers [m·2^e] ([dy], [dval]) rounded UP to [dprec = 60] bits
    of mantissa ([dnorm]):

    - [dmul_sound], [dadd_sound]: [x·y ≤ dmul x y], [x + y ≤ dadd x y]
      (for nonnegative mantissas); [dadd] avoids huge shifts when the
      exponents are far apart (it then adds one unit to the larger one);
    - [bex]: expressions over nonnegative real leaves, each with a dyadic
      upper bound; [bsound]: [0 ≤ bR e ≤ dval (bD e)] whenever every leaf
      is within its bound ([bok]);
    - leaves: [dQ q] (a rational, rounded up, [dQ_ge]), integers, naturals;
      [dpowp_sound]: powers with a binary ([positive]) exponent, so that
      [3^k] for [k ≈ 31000] never builds a unary [nat]; [zfact]: factorials
      in [Z] ([zfact_INR]).

    [vm_compute] evaluates [bD e] quickly (exponents are [Z], mantissas stay
    below [2^61]). *)
From Coq Require Import Reals Lra Lia ZArith QArith Qreals.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Record dy := Dy { dm : Z; de : Z }.

Definition dval (x : dy) : R := IZR (dm x) * powerRZ 2 (de x).

Definition dprec : Z := 60.

Definition dnorm (x : dy) : dy :=
  let k := (Z.log2 (dm x) - dprec)%Z in
  if (0 <? k)%Z then Dy (Z.shiftr (dm x) k + 1) (de x + k) else x.

Definition dmul (x y : dy) : dy := dnorm (Dy (dm x * dm y) (de x + de y)).

Definition dadd (x y : dy) : dy :=
  if (dm x <=? 0)%Z then y else if (dm y <=? 0)%Z then x
  else if (de x + Z.log2 (dm x) + 1 <=? de y)%Z then Dy (dm y + 1) (de y)
  else if (de y + Z.log2 (dm y) + 1 <=? de x)%Z then Dy (dm x + 1) (de x)
  else if (de x <=? de y)%Z then dnorm (Dy (dm x + Z.shiftl (dm y) (de y - de x)) (de x))
  else dnorm (Dy (Z.shiftl (dm x) (de x - de y) + dm y) (de y)).

Fixpoint dpow (x : dy) (n : nat) : dy := match n with O => Dy 1 0 | S n => dmul x (dpow x n) end.

(** Powers with a binary exponent (square and multiply), for large exponents. *)
Fixpoint dpowp (x : dy) (p : positive) : dy :=
  match p with
  | xH => x
  | xO p => let y := dpowp x p in dmul y y
  | xI p => let y := dpowp x p in dmul x (dmul y y)
  end.

(** ** Soundness of the operations *)

Lemma pow2_IZR k : (0 <= k)%Z -> IZR (2 ^ k) = powerRZ 2 k.
Proof. intros Hk. destruct k as [|p|p]; [reflexivity| |lia]. exact (Zpower_pos_powerRZ 2 p). Qed.

Lemma powerRZ2_add a b : powerRZ 2 (a + b) = powerRZ 2 a * powerRZ 2 b.
Proof. apply powerRZ_add. lra. Qed.

Lemma powerRZ2_pos a : 0 < powerRZ 2 a.
Proof. apply powerRZ_lt. lra. Qed.

Lemma powerRZ2_mono a b : (a <= b)%Z -> powerRZ 2 a <= powerRZ 2 b.
Proof.
  intros H. replace (powerRZ 2 b) with (powerRZ 2 (a + (b - a))) by (f_equal; ring). rewrite powerRZ2_add.
  rewrite <- (pow2_IZR (b - a)) by lia.
  pose proof (powerRZ2_pos a). assert (1 <= IZR (2 ^ (b - a))).
  { apply IZR_le. pose proof (Z.pow_pos_nonneg 2 (b - a) ltac:(lia) ltac:(lia)). lia. }
  nra.
Qed.

Lemma dval_nonneg x : (0 <= dm x)%Z -> 0 <= dval x.
Proof.
  intros H. unfold dval. apply Rmult_le_pos; [apply IZR_le, H|apply Rlt_le, powerRZ2_pos].
Qed.

Lemma dnorm_sound x : (0 <= dm x)%Z -> (0 <= dm (dnorm x))%Z /\ dval x <= dval (dnorm x).
Proof.
  intros Hx. unfold dnorm. set (k := (Z.log2 (dm x) - dprec)%Z).
  destruct (Z.ltb_spec 0 k) as [Hk|Hk]; [|split; [exact Hx|lra]].
  cbn [dm de]. rewrite Z.shiftr_div_pow2 by lia.
  assert (Hp : (0 < 2 ^ k)%Z) by (apply Z.pow_pos_nonneg; lia).
  pose proof (Z.div_pos (dm x) (2 ^ k) Hx Hp).
  pose proof (Z.mod_pos_bound (dm x) (2 ^ k) Hp). pose proof (Z.div_mod (dm x) (2 ^ k) ltac:(lia)).
  split; [lia|]. unfold dval. cbn [dm de]. rewrite powerRZ2_add, <- (pow2_IZR k) by lia.
  assert (Hle : IZR (dm x) <= IZR (dm x / 2 ^ k + 1) * IZR (2 ^ k)).
  { rewrite <- mult_IZR. apply IZR_le. nia. }
  pose proof (powerRZ2_pos (de x)).
  replace (IZR (dm x / 2 ^ k + 1) * (powerRZ 2 (de x) * IZR (2 ^ k)))
    with (IZR (dm x / 2 ^ k + 1) * IZR (2 ^ k) * powerRZ 2 (de x)) by ring.
  apply Rmult_le_compat_r; lra.
Qed.

Lemma dmul_sound x y : (0 <= dm x)%Z -> (0 <= dm y)%Z ->
  (0 <= dm (dmul x y))%Z /\ dval x * dval y <= dval (dmul x y).
Proof.
  intros Hx Hy. unfold dmul.
  destruct (dnorm_sound (Dy (dm x * dm y) (de x + de y))) as [H1 H2]; [cbn [dm]; nia|].
  split; [exact H1|]. eapply Rle_trans; [|exact H2]. unfold dval. cbn [dm de].
  rewrite mult_IZR, powerRZ2_add. right. ring.
Qed.

Lemma dval_lt_pow x : (0 < dm x)%Z -> dval x < powerRZ 2 (de x + Z.log2 (dm x) + 1).
Proof.
  intros Hx. unfold dval. destruct (Z.log2_spec (dm x) Hx) as [_ Hlt].
  replace (de x + Z.log2 (dm x) + 1)%Z with (Z.succ (Z.log2 (dm x)) + de x)%Z by ring.
  rewrite powerRZ2_add, <- (pow2_IZR (Z.succ (Z.log2 (dm x)))) by (pose proof (Z.log2_nonneg (dm x)); lia).
  apply Rmult_lt_compat_r; [apply powerRZ2_pos|]. apply IZR_lt. exact Hlt.
Qed.

Lemma dval_ge_pow x : (1 <= dm x)%Z -> powerRZ 2 (de x) <= dval x.
Proof.
  intros Hx. unfold dval. pose proof (powerRZ2_pos (de x)). apply IZR_le in Hx. nra.
Qed.

Lemma dadd_small x y : (0 < dm x)%Z -> (0 < dm y)%Z -> (de x + Z.log2 (dm x) + 1 <= de y)%Z ->
  dval x + dval y <= dval (Dy (dm y + 1) (de y)).
Proof.
  intros Hx Hy Hle. pose proof (dval_lt_pow x Hx). pose proof (powerRZ2_mono _ _ Hle).
  unfold dval at 3. cbn [dm de]. rewrite plus_IZR. unfold dval at 2. lra.
Qed.

Lemma dadd_aligned x y : (de x <= de y)%Z ->
  dval x + dval y = dval (Dy (dm x + Z.shiftl (dm y) (de y - de x)) (de x)).
Proof.
  intros Hle. unfold dval. cbn [dm de]. rewrite Z.shiftl_mul_pow2 by lia.
  rewrite plus_IZR, mult_IZR, pow2_IZR by lia.
  replace (de y) with (de y - de x + de x)%Z at 1 by ring. rewrite powerRZ2_add. ring.
Qed.

Lemma dadd_sound x y : (0 <= dm x)%Z -> (0 <= dm y)%Z ->
  (0 <= dm (dadd x y))%Z /\ dval x + dval y <= dval (dadd x y).
Proof.
  intros Hx Hy. unfold dadd.
  destruct (Z.leb_spec (dm x) 0) as [Hx0|Hx0].
  { assert (dm x = 0%Z) by lia. unfold dval at 1. rewrite H. rewrite Rmult_0_l. split; [exact Hy|lra]. }
  destruct (Z.leb_spec (dm y) 0) as [Hy0|Hy0].
  { assert (dm y = 0%Z) by lia. unfold dval at 2. rewrite H. rewrite Rmult_0_l. split; [exact Hx|lra]. }
  destruct (Z.leb_spec (de x + Z.log2 (dm x) + 1) (de y)) as [H1|H1].
  { split; [cbn [dm]; lia|]. apply dadd_small; lia. }
  destruct (Z.leb_spec (de y + Z.log2 (dm y) + 1) (de x)) as [H2|H2].
  { split; [cbn [dm]; lia|]. rewrite Rplus_comm. apply dadd_small; lia. }
  destruct (Z.leb_spec (de x) (de y)) as [H3|H3].
  - rewrite (dadd_aligned x y H3). apply dnorm_sound. cbn [dm].
    rewrite Z.shiftl_mul_pow2 by lia. pose proof (Z.pow_pos_nonneg 2 (de y - de x) ltac:(lia) ltac:(lia)). nia.
  - rewrite Rplus_comm, (dadd_aligned y x ltac:(lia)).
    replace (Z.shiftl (dm x) (de x - de y) + dm y)%Z with (dm y + Z.shiftl (dm x) (de x - de y))%Z by ring.
    destruct (dnorm_sound (Dy (dm y + Z.shiftl (dm x) (de x - de y)) (de y))) as [Ha Hb].
    { cbn [dm]. rewrite Z.shiftl_mul_pow2 by lia.
      pose proof (Z.pow_pos_nonneg 2 (de x - de y) ltac:(lia) ltac:(lia)). nia. }
    split; assumption.
Qed.

(** ** Expressions and their sound evaluation *)

Inductive bex :=
  | BLeaf (x : R) (u : dy)
  | BAdd (a b : bex)
  | BMul (a b : bex)
  | BPow (a : bex) (n : nat).

Fixpoint bR (e : bex) : R :=
  match e with
  | BLeaf x _ => x
  | BAdd a b => bR a + bR b
  | BMul a b => bR a * bR b
  | BPow a n => bR a ^ n
  end.

Fixpoint bD (e : bex) : dy :=
  match e with
  | BLeaf _ u => u
  | BAdd a b => dadd (bD a) (bD b)
  | BMul a b => dmul (bD a) (bD b)
  | BPow a n => dpow (bD a) n
  end.

(** A leaf is a nonnegative real below its dyadic bound. *)
Definition leaf_ok (x : R) (u : dy) : Prop := 0 <= x <= dval u /\ (0 <= dm u)%Z.

Fixpoint bok (e : bex) : Prop :=
  match e with
  | BLeaf x u => leaf_ok x u
  | BAdd a b | BMul a b => bok a /\ bok b
  | BPow a _ => bok a
  end.

Theorem bsound e : bok e -> (0 <= bR e <= dval (bD e)) /\ (0 <= dm (bD e))%Z.
Proof.
  induction e as [x u|a IHa b IHb|a IHa b IHb|a IHa n]; cbn [bok bR bD].
  - intros H. exact H.
  - intros [Ha Hb]. destruct (IHa Ha) as [[Ha0 Ha1] Hma]. destruct (IHb Hb) as [[Hb0 Hb1] Hmb].
    destruct (dadd_sound _ _ Hma Hmb) as [Hm Hs]. split; [|exact Hm]. split; lra.
  - intros [Ha Hb]. destruct (IHa Ha) as [[Ha0 Ha1] Hma]. destruct (IHb Hb) as [[Hb0 Hb1] Hmb].
    destruct (dmul_sound _ _ Hma Hmb) as [Hm Hs]. split; [|exact Hm].
    split; [nra|]. eapply Rle_trans; [|exact Hs]. apply Rmult_le_compat; lra.
  - intros Ha. destruct (IHa Ha) as [[Ha0 Ha1] Hma]. induction n as [|n IHn]; cbn [pow dpow].
    + unfold dval. simpl. split; [lra|lia].
    + destruct IHn as [[Hn0 Hn1] Hmn]. destruct (dmul_sound _ _ Hma Hmn) as [Hm Hs].
      split; [|exact Hm]. split; [nra|]. eapply Rle_trans; [|exact Hs]. apply Rmult_le_compat; lra.
Qed.

Lemma pow_mul_add_r_sq (r : R) (n : nat) : r ^ (2 * n) = r ^ n * r ^ n.
Proof. replace (2 * n)%nat with (n + n)%nat by lia. apply pow_add. Qed.

Corollary bR_le e : bok e -> bR e <= dval (bD e).
Proof. intros H. apply (bsound e H). Qed.

Lemma dpowp_sound x (r : R) p : 0 <= r <= dval x -> (0 <= dm x)%Z ->
  0 <= r ^ Pos.to_nat p <= dval (dpowp x p) /\ (0 <= dm (dpowp x p))%Z.
Proof.
  intros Hr Hx. induction p as [p IH|p IH|]; cbn [dpowp].
  - destruct IH as [[H0 H1] Hm]. destruct (dmul_sound _ _ Hm Hm) as [Hm2 Hs2].
    destruct (dmul_sound _ _ Hx Hm2) as [Hm3 Hs3].
    rewrite Pos2Nat.inj_xI. cbn [pow]. rewrite pow_mul_add_r_sq.
    split; [|exact Hm3]. split; [apply Rmult_le_pos; [lra|nra]|].
    eapply Rle_trans; [|exact Hs3]. apply Rmult_le_compat; [lra|nra|lra|].
    eapply Rle_trans; [|exact Hs2]. apply Rmult_le_compat; lra.
  - destruct IH as [[H0 H1] Hm]. destruct (dmul_sound _ _ Hm Hm) as [Hm2 Hs2].
    rewrite Pos2Nat.inj_xO, pow_mul_add_r_sq.
    split; [|exact Hm2]. split; [nra|]. eapply Rle_trans; [|exact Hs2]. apply Rmult_le_compat; lra.
  - rewrite pow_1. split; [lra|exact Hx].
Qed.

(** Factorials as [Z] (never unary [nat] under [vm_compute]). *)
Fixpoint zfact (n : nat) : Z := match n with O => 1%Z | S m => (Z.of_nat (S m) * zfact m)%Z end.

Lemma zfact_INR n : IZR (zfact n) = INR (fact n).
Proof.
  induction n as [|n IH]; [reflexivity|]. cbn [zfact fact].
  rewrite mult_IZR, IH, mult_INR, <- INR_IZR_INZ. reflexivity.
Qed.

Lemma zfact_pos n : (0 < zfact n)%Z.
Proof. induction n as [|n IH]; cbn [zfact]; lia. Qed.

(** ** Leaves *)

(** A rational, rounded up to [dprec] fractional bits. *)
Definition dQ (q : Q) : dy :=
  Dy ((Qnum q * 2 ^ dprec + Z.pos (Qden q) - 1) / Z.pos (Qden q)) (- dprec).

Lemma dQ_ge q : Q2R q <= dval (dQ q).
Proof.
  unfold dQ, dval, Q2R. cbn [dm de]. set (n := Qnum q). set (D := Z.pos (Qden q)).
  set (P := (2 ^ dprec)%Z).
  assert (HD : (0 < D)%Z) by (unfold D; lia). assert (HP : (0 < P)%Z) by (unfold P; apply Z.pow_pos_nonneg; unfold dprec; lia).
  set (c := ((n * P + D - 1) / D)%Z).
  assert (Hc : (n * P <= c * D)%Z).
  { pose proof (Z.mod_pos_bound (n * P + D - 1) D HD). pose proof (Z.div_mod (n * P + D - 1) D ltac:(lia)).
    unfold c. nia. }
  assert (HPR : powerRZ 2 (- dprec) = / IZR P).
  { unfold P. rewrite pow2_IZR by (unfold dprec; lia).
    rewrite <- (Rmult_1_l (/ _)). rewrite <- (powerRZ_O 2). replace 0%Z with (- dprec + dprec)%Z by ring.
    rewrite powerRZ2_add. field. apply Rgt_not_eq, powerRZ2_pos. }
  rewrite HPR. apply IZR_le in Hc. rewrite !mult_IZR in Hc.
  assert (0 < IZR D) by (apply IZR_lt; exact HD). assert (0 < IZR P) by (apply IZR_lt; exact HP).
  apply Rmult_le_reg_r with (IZR D * IZR P); [nra|].
  replace (IZR n * / IZR D * (IZR D * IZR P)) with (IZR n * IZR P) by (field; lra).
  replace (IZR c * / IZR P * (IZR D * IZR P)) with (IZR c * IZR D) by (field; lra). exact Hc.
Qed.

Lemma dQ_nonneg q : (0 <= Qnum q)%Z -> (0 <= dm (dQ q))%Z.
Proof.
  intros H. unfold dQ. cbn [dm]. apply Z.div_pos; [|lia].
  pose proof (Z.pow_pos_nonneg 2 dprec ltac:(lia) ltac:(unfold dprec; lia)). nia.
Qed.

Lemma leaf_Q x q : 0 <= x -> x <= Q2R q -> (0 <= Qnum q)%Z -> leaf_ok x (dQ q).
Proof. intros H0 H1 Hq. split; [split; [exact H0|eapply Rle_trans; [exact H1|apply dQ_ge]]|apply dQ_nonneg, Hq]. Qed.

Definition bZ (z : Z) : bex := BLeaf (IZR z) (Dy z 0).
Definition bN (n : nat) : bex := BLeaf (INR n) (Dy (Z.of_nat n) 0).

Lemma bZ_ok z : (0 <= z)%Z -> bok (bZ z).
Proof.
  intros H. unfold bZ, bok, leaf_ok, dval. cbn [dm de]. rewrite powerRZ_O, Rmult_1_r.
  split; [split; [apply IZR_le, H|lra]|exact H].
Qed.

Lemma bN_ok n : bok (bN n).
Proof.
  unfold bN, bok, leaf_ok, dval. cbn [dm de]. rewrite powerRZ_O, Rmult_1_r, <- INR_IZR_INZ.
  split; [split; [apply pos_INR|lra]|lia].
Qed.
