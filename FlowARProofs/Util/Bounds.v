(** * Explicit polynomial bounds

    The paper writes [poly(n)]; we always carry the polynomial explicitly:
    [PolyBoundedWith f a k] says [f n <= a * (n+1)^k] for every [n].  Closure
    lemmas compute the new coefficient and exponent, so every bound derived in
    this development can be evaluated by the bridge.  [pow2_beats_poly]: no
    polynomial bounds [2^n] (with an explicit witness [n]). *)
From Coq Require Import Arith Lia.
Set Default Goal Selector "!".

Implicit Types (f g : nat -> nat) (a b k l n m : nat).

Definition PolyBoundedWith f a k : Prop := forall n, f n <= a * (n + 1) ^ k.

Definition PolyBounded f : Prop := exists a k, PolyBoundedWith f a k.

Lemma pow_succ_ge1 n k : 1 <= (n + 1) ^ k.
Proof.
  pose proof (Nat.pow_le_mono_l 1 (n + 1) k ltac:(lia)) as H.
  rewrite Nat.pow_1_l in H. exact H.
Qed.

Lemma pow_mono_exp n k l : k <= l -> (n + 1) ^ k <= (n + 1) ^ l.
Proof. intros. apply Nat.pow_le_mono_r; lia. Qed.

Lemma poly_const a : PolyBoundedWith (fun _ => a) a 0.
Proof. intros n. simpl. lia. Qed.

Lemma poly_id : PolyBoundedWith (fun n => n) 1 1.
Proof. intros n. simpl. lia. Qed.

Lemma poly_mono f a k b l : a <= b -> k <= l -> PolyBoundedWith f a k -> PolyBoundedWith f b l.
Proof.
  intros Hab Hkl Hf n. specialize (Hf n). pose proof (pow_mono_exp n k l Hkl). nia.
Qed.

Lemma poly_le f g a k : (forall n, f n <= g n) -> PolyBoundedWith g a k -> PolyBoundedWith f a k.
Proof. intros Hfg Hg n. specialize (Hfg n). specialize (Hg n). lia. Qed.

Lemma poly_add f g a k b l :
  PolyBoundedWith f a k -> PolyBoundedWith g b l ->
  PolyBoundedWith (fun n => f n + g n) (a + b) (Nat.max k l).
Proof.
  intros Hf Hg n. specialize (Hf n). specialize (Hg n).
  pose proof (pow_mono_exp n k (Nat.max k l) ltac:(lia)).
  pose proof (pow_mono_exp n l (Nat.max k l) ltac:(lia)). nia.
Qed.

Lemma poly_mul f g a k b l :
  PolyBoundedWith f a k -> PolyBoundedWith g b l ->
  PolyBoundedWith (fun n => f n * g n) (a * b) (k + l).
Proof.
  intros Hf Hg n. specialize (Hf n). specialize (Hg n). rewrite Nat.pow_add_r.
  apply (Nat.le_trans _ ((a * (n + 1) ^ k) * (b * (n + 1) ^ l))).
  - apply Nat.mul_le_mono; auto.
  - nia.
Qed.

Lemma poly_scale c f a k : PolyBoundedWith f a k -> PolyBoundedWith (fun n => c * f n) (c * a) k.
Proof. intros Hf n. specialize (Hf n). nia. Qed.

(** Composition [g (f n)] with [g] monotone: the bound a polynomial of a polynomial. *)
Lemma poly_comp f g a k b l :
  (forall x y, x <= y -> g x <= g y) ->
  PolyBoundedWith f a k -> PolyBoundedWith g b l ->
  PolyBoundedWith (fun n => g (f n)) (b * (a + 1) ^ l) (k * l).
Proof.
  intros Hmono Hf Hg n.
  apply (Nat.le_trans _ (g (a * (n + 1) ^ k))); [apply Hmono, Hf|].
  apply (Nat.le_trans _ (b * (a * (n + 1) ^ k + 1) ^ l)); [apply Hg|].
  rewrite Nat.pow_mul_r, <- Nat.mul_assoc, <- Nat.pow_mul_l.
  apply Nat.mul_le_mono_l, Nat.pow_le_mono_l. pose proof (pow_succ_ge1 n k). nia.
Qed.

Lemma PolyBounded_add f g : PolyBounded f -> PolyBounded g -> PolyBounded (fun n => f n + g n).
Proof. intros (a & k & Hf) (b & l & Hg). eexists _, _. apply poly_add; eauto. Qed.

Lemma PolyBounded_mul f g : PolyBounded f -> PolyBounded g -> PolyBounded (fun n => f n * g n).
Proof. intros (a & k & Hf) (b & l & Hg). eexists _, _. apply poly_mul; eauto. Qed.

(** ** Exponential beats every polynomial

    For every [a, k] there is an explicit [n] with [a * (n+1)^k < 2^n]:
    with [t = 2k + a + 1] and [m = 2t], take [n = 2^m - 1].  Then
    [(n+1)^k = 2^(m k)], [a < 2^a], and [a + m k < t * t < 2^m]. *)
Lemma pow2_beats_poly_at a k (t := 2 * k + a + 1) (n := 2 ^ (2 * t) - 1) :
  a * (n + 1) ^ k < 2 ^ n.
Proof.
  set (m := 2 * t) in n.
  assert (HT : t < 2 ^ t) by (apply Nat.pow_gt_lin_r; lia).
  assert (Hm : 2 ^ m = 2 ^ t * 2 ^ t) by (unfold m; rewrite <- Nat.pow_add_r; f_equal; lia).
  assert (Htt : t * t < 2 ^ m) by (rewrite Hm; apply Nat.mul_lt_mono; exact HT).
  assert (Hlin : a + m * k < t * t).
  { assert (t * t = 2 * t * k + t * a + t) as -> by (unfold t; ring).
    assert (a <= t * a) by (rewrite <- (Nat.mul_1_l a) at 1; apply Nat.mul_le_mono_r; unfold t; lia).
    unfold m. lia. }
  assert (Hn1 : n + 1 = 2 ^ m) by (unfold n; lia).
  rewrite Hn1, <- Nat.pow_mul_r.
  assert (Ha : a < 2 ^ a) by (apply Nat.pow_gt_lin_r; lia).
  apply (Nat.lt_le_trans _ (2 ^ a * 2 ^ (m * k))).
  - apply Nat.mul_lt_mono_pos_r; [apply Nat.neq_0_lt_0, Nat.pow_nonzero; lia|exact Ha].
  - rewrite <- Nat.pow_add_r. apply Nat.pow_le_mono_r; unfold n; lia.
Qed.

Corollary pow2_beats_poly a k : exists n, a * (n + 1) ^ k < 2 ^ n.
Proof. eexists. apply pow2_beats_poly_at. Qed.

(** [2^n] has no polynomial bound. *)
Corollary pow2_not_PolyBounded : ~ PolyBounded (fun n => 2 ^ n).
Proof.
  intros (a & k & H). destruct (pow2_beats_poly a k) as [n Hn]. specialize (H n). lia.
Qed.
