(** * Binomial coefficients and growth rates

    Elementary integer inequalities used by the fast-attention asymptotics
    ([Runtime/FastAsym.v]), all over [nat] and proved by induction:
    - [binom] (Pascal's rule) with [binom_succ_mul] ([(k+1)·C(n+1,k+1) = (n+1)·C(n,k)])
      and the single-term bound of the binomial theorem [binom_term_le]:
      [C(n, B) · t^(n−B) ≤ (t+1)^n];
    - Bernoulli's inequality in the form [y^a·(y−a) ≤ (y−1)^a·y], hence
      [(1 + 1/g)^g ≤ 4] ([pow_succ_le4]) and the Stirling-type bound
      [g^g ≤ 4^g · g!] ([pow_le_fact]);
    - a polynomial is eventually below an exponential:
      [(m+1)^J ≤ 2^m] for [m ≥ J·(2J + 4)] ([poly_le_exp]). *)
From Coq Require Import Arith Lia.
Set Default Goal Selector "!".

Implicit Types (n k t g y a m u : nat).

(** ** Binomial coefficients (Pascal) *)

Fixpoint binom n k : nat :=
  match n, k with
  | _, 0 => 1
  | 0, S _ => 0
  | S n', S k' => binom n' k' + binom n' (S k')
  end.

Lemma binom_0_r n : binom n 0 = 1.
Proof. destruct n; reflexivity. Qed.

Lemma binom_S_S n k : binom (S n) (S k) = binom n k + binom n (S k).
Proof. reflexivity. Qed.

Lemma binom_gt n k : n < k -> binom n k = 0.
Proof.
  revert k. induction n as [|n IH]; intros k Hk; (destruct k as [|k]; [lia|]); [reflexivity|].
  rewrite binom_S_S, !IH by lia. reflexivity.
Qed.

Lemma binom_diag n : binom n n = 1.
Proof.
  induction n as [|n IH]; [reflexivity|]. rewrite binom_S_S, IH, binom_gt by lia. reflexivity.
Qed.

Lemma binom_pos n k : k <= n -> 1 <= binom n k.
Proof.
  revert k. induction n as [|n IH]; intros k Hk; [replace k with 0 by lia; cbn; lia|].
  destruct k as [|k]; [rewrite binom_0_r; lia|]. rewrite binom_S_S. specialize (IH k ltac:(lia)). lia.
Qed.

(** [(k+1)·C(n+1, k+1) = (n+1)·C(n, k)]: the multiplicative formula. *)
Lemma binom_succ_mul n k : binom (S n) (S k) * S k = binom n k * S n.
Proof.
  revert k. induction n as [|n IH]; intros k.
  - destruct k as [|k]; [reflexivity|]. rewrite binom_S_S, !binom_gt by lia. reflexivity.
  - rewrite binom_S_S. destruct k as [|k].
    + rewrite !binom_0_r. pose proof (IH 0) as H0. rewrite binom_0_r in H0. lia.
    + pose proof (IH k) as H1. pose proof (IH (S k)) as H2. pose proof (binom_S_S n k) as HP.
      assert (binom (S n) (S k) * n = binom n k * n + binom n (S k) * n) by (rewrite HP; ring).
      lia.
Qed.

(** Symmetry-free comparison with the paper's bound: choosing [g] of [d+g]
    is at most choosing [2g] of [2(d+g)]. *)
Lemma binom_le_double n k : binom n k <= binom (2 * n) (2 * k).
Proof.
  revert k. induction n as [|n IH]; intros k.
  - destruct k; simpl; lia.
  - destruct k as [|k]; [rewrite Nat.mul_0_r, !binom_0_r; lia|].
    replace (2 * S n) with (S (S (2 * n))) by lia. replace (2 * S k) with (S (S (2 * k))) by lia.
    rewrite !binom_S_S. pose proof (IH k). pose proof (IH (S k)).
    replace (S (S (2 * k))) with (2 * S k) in * by lia. lia.
Qed.

(** The largest term of the binomial expansion of [(t+1)^n] bounds any term. *)
Lemma binom_term_le n B t : binom n B * t ^ (n - B) <= (t + 1) ^ n.
Proof.
  revert B. induction n as [|n IH]; intros B.
  - destruct B; cbn; lia.
  - destruct B as [|B].
    + rewrite binom_0_r, Nat.sub_0_r, Nat.mul_1_l. apply Nat.pow_le_mono_l. lia.
    + rewrite binom_S_S. cbn [Nat.sub]. rewrite Nat.pow_succ_r'.
      pose proof (IH B) as H1. rewrite Nat.mul_add_distr_r.
      assert (binom n (S B) * t ^ (n - B) <= t * (t + 1) ^ n).
      { destruct (Nat.lt_ge_cases B n) as [Hlt|Hge].
        - replace (n - B) with (S (n - S B)) by lia. rewrite Nat.pow_succ_r'.
          pose proof (IH (S B)). nia.
        - rewrite binom_gt by lia. lia. }
      lia.
Qed.

(** ** Bernoulli and Stirling *)

Lemma bernoulli y a : a <= y -> y ^ a * (y - a) <= (y - 1) ^ a * y.
Proof.
  induction a as [|a IH]; intros Ha; [cbn; lia|].
  specialize (IH ltac:(lia)). rewrite !Nat.pow_succ_r'.
  assert (y * (y - S a) <= (y - 1) * (y - a)) by nia.
  assert (y * y ^ a * (y - S a) <= (y - 1) * (y ^ a * (y - a))) by nia.
  nia.
Qed.

Lemma pow_pred_half y a : 2 * a <= y -> y ^ a <= 2 * (y - 1) ^ a.
Proof.
  intros Ha. destruct y as [|y]; [replace a with 0 by lia; cbn; lia|].
  pose proof (bernoulli (S y) a ltac:(lia)) as H.
  assert (S y ^ a * S y <= 2 * (S y ^ a * (S y - a))) by nia.
  assert (S y ^ a * S y <= 2 * (S y - 1) ^ a * S y) by nia.
  nia.
Qed.

(** [(1 + 1/g)^g ≤ 4]. *)
Lemma pow_succ_le4 g : (g + 1) ^ g <= 4 * g ^ g.
Proof.
  set (a := (g + 1) / 2). set (b := g - a).
  assert (Ha : 2 * a <= g + 1) by (subst a; pose proof (Nat.mul_div_le (g + 1) 2); lia).
  assert (Hb : 2 * b <= g + 1).
  { subst b a. pose proof (Nat.div_mod (g + 1) 2 ltac:(lia)).
    pose proof (Nat.mod_upper_bound (g + 1) 2 ltac:(lia)). lia. }
  pose proof (pow_pred_half (g + 1) a Ha) as H1. pose proof (pow_pred_half (g + 1) b Hb) as H2.
  replace (g + 1 - 1) with g in * by lia.
  replace g with (a + b) at 2 4 by lia. rewrite !Nat.pow_add_r. nia.
Qed.

(** Stirling-type lower bound for factorials: [g! ≥ (g/4)^g]. *)
Lemma pow_le_fact g : g ^ g <= 4 ^ g * fact g.
Proof.
  induction g as [|g IH]; [cbn; lia|].
  rewrite (Nat.pow_succ_r' (S g) g), (Nat.pow_succ_r' 4 g).
  change (fact (S g)) with (S g * fact g). rewrite <- Nat.add_1_r.
  pose proof (pow_succ_le4 g) as H.
  assert (H2 : (g + 1) ^ g <= 4 * (4 ^ g * fact g)) by lia.
  apply (Nat.le_trans _ ((g + 1) * (4 * (4 ^ g * fact g)))); [apply Nat.mul_le_mono_l, H2|].
  lia.
Qed.

(** ** Polynomials against exponentials *)

Lemma sq_le_exp u : 4 <= u -> u * u <= 2 ^ u.
Proof.
  induction u as [|u IH]; intros Hu; [lia|].
  destruct (Nat.eq_dec u 3) as [->|Hne]; [cbn; lia|].
  specialize (IH ltac:(lia)). rewrite Nat.pow_succ_r'. nia.
Qed.

Lemma poly_le_exp J m : J * (2 * J + 4) <= m -> (m + 1) ^ J <= 2 ^ m.
Proof.
  intros Hm. destruct J as [|J]; [cbn; pose proof (Nat.pow_le_mono_r 2 0 m ltac:(lia) ltac:(lia)); cbn in *; lia|].
  set (u := m / S J).
  assert (Hu : S J * u <= m /\ m < S J * (u + 1)).
  { subst u. pose proof (Nat.div_mod m (S J) ltac:(lia)).
    pose proof (Nat.mod_upper_bound m (S J) ltac:(lia)). nia. }
  assert (Hu2 : 2 * S J + 4 <= u).
  { subst u. apply Nat.div_le_lower_bound; lia. }
  assert (H1 : m + 1 <= 2 ^ u).
  { pose proof (sq_le_exp u ltac:(lia)). nia. }
  apply (Nat.le_trans _ ((2 ^ u) ^ S J)); [apply Nat.pow_le_mono_l; exact H1|].
  rewrite <- Nat.pow_mul_r. apply Nat.pow_le_mono_r; lia.
Qed.
