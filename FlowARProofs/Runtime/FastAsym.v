(** * Asymptotics of the Taylor degree and of the rank

    Every [o(·)] is stated with its quantifiers: "[f = o(log n)]" is
    {v
      ∀ k ≥ 1, ∃ n₀, ∀ n ≥ n₀,  k · f(n) ≤ log₂ n          (little_o_log f)
    v}
    and "[r = n^{o(1)}]" is [∀ k ≥ 1, ∃ n₀, ∀ n ≥ n₀, r(n)^k ≤ n]
    ([subpoly r]; i.e. [r(n) ≤ n^{1/k}], equivalently [log r = o(log n)]).

    - [taylor_deg_little_o]: if the score bound [β(n) = o(log n)], the
      Taylor degree for relative error [1/n^a] is [o(log n)].  (Quantitatively
      the proof takes [g + 1 = ⌊log₂ n / k⌋] and checks
      [(g+1)! ≥ ((g+1)/4)^(g+1) ≥ 9^β β^(g+1) n^a] once
      [4·2^(k(a+2))·β ≤ g + 1]; the degree is [Θ(log n / log(log n / β))]
      as in Aggarwal–Alman, and [o(log n)] exactly when [β = o(log n)].)
    - [rank_subpoly]: if [dh(n) ≤ C·(log₂ n + 1)] and [g(n) = o(log n)], then
      [r(n) = C(dh + g, g) = n^{o(1)}].  The proof bounds
      [C(D+G, G) ≤ 4^q (t+1)^G] for any [D ≤ q·t] ([rank_le_geom]: one term of
      the binomial expansion of [(t+1)^(D+G)], and [(1+1/t)^t ≤ 4]), with
      [t = 2^s] large: [log₂ r ≤ 2D/t + 2 + (s+1)·G].  Note [g = o(log n)]
      suffices; the crude [r ≤ (dh+1)^g] would need [g = o(log n / log log n)].
    - [taylor_rank_subpoly]: the two together — the paper's hypothesis
      chain [d = O(log n)], [β = o(log n)] ⟹ rank [n^{o(1)}].

    The paper states its hypothesis on the entries, [B = o(√log n)]
    (Alman–Song use [exp(QKᵀ/d)], so [|score| ≤ B²]); with the usual scale
    [1/√dh] the score range is [β ≤ √dh·B²], so [B = o(√log n)] gives
    [β = o(log n)] only if [dh] is bounded, and for [dh = Θ(log n)] one needs
    [B = o((log n)^{1/4})].  We state everything on [β], the quantity that
    matters (DESIGN.md, lessons). *)
From Coq Require Import Arith NArith Lia.
From FlowARProofs.Util Require Import Growth.
From FlowARProofs.Runtime Require Import FastRank.
Set Default Goal Selector "!".

Implicit Types (f : nat -> nat) (n m k : nat).

Definition little_o_log f : Prop :=
  forall k, 1 <= k -> exists n0, forall n, n0 <= n -> k * f n <= Nat.log2 n.

Definition subpoly f : Prop :=
  forall k, 1 <= k -> exists n0, forall n, n0 <= n -> f n ^ k <= n.

(** ** Small facts about [log₂] *)

Lemma pow_log2_le n : 1 <= n -> 2 ^ Nat.log2 n <= n.
Proof. intros Hn. apply Nat.log2_spec. lia. Qed.

Lemma lt_pow_log2 n : n < 2 ^ (Nat.log2 n + 1).
Proof.
  destruct n as [|n]; [cbn; lia|]. rewrite Nat.add_1_r. apply Nat.log2_spec. lia.
Qed.

Lemma log2_le_Nlog2 n : Nat.log2 n <= N.to_nat (N.log2 (N.of_nat n)).
Proof.
  destruct n as [|n]; [cbn; lia|].
  destruct (N.log2_spec (N.of_nat (S n)) ltac:(lia)) as [_ H].
  pose proof (pow_log2_le (S n) ltac:(lia)) as H2.
  destruct (Nat.le_gt_cases (Nat.log2 (S n)) (N.to_nat (N.log2 (N.of_nat (S n))))) as [Hle|Hgt];
    [exact Hle|exfalso].
  assert (H3 : 2 ^ S (N.to_nat (N.log2 (N.of_nat (S n)))) <= 2 ^ Nat.log2 (S n))
    by (apply Nat.pow_le_mono_r; lia).
  assert (E : N.of_nat (2 ^ S (N.to_nat (N.log2 (N.of_nat (S n)))))
              = (2 ^ N.succ (N.log2 (N.of_nat (S n))))%N).
  { rewrite Nat2N.inj_pow, (Nat2N.inj_succ (N.to_nat _)), N2Nat.id. reflexivity. }
  lia.
Qed.

Lemma log2_pow_ge n a : 1 <= n -> 1 <= a -> Nat.log2 n <= Nat.log2 (n ^ a).
Proof.
  intros Hn Ha. apply Nat.log2_le_mono. rewrite <- (Nat.pow_1_r n) at 1.
  apply Nat.pow_le_mono_r; lia.
Qed.

(** ** The Taylor degree is [o(log n)] when the score range is *)

Theorem taylor_deg_little_o (beta : nat -> nat) (a : nat) :
  1 <= a -> little_o_log beta ->
  little_o_log (fun n => taylor_deg (N.of_nat (beta n)) (N.of_nat (n ^ a))).
Proof.
  intros Ha Hb k Hk. set (s := k * (a + 2)).
  destruct (Hb (4 * 2 ^ s * k) ltac:(pose proof (Nat.pow_nonzero 2 s); lia)) as [n1 Hn1].
  exists (Nat.max n1 (2 ^ (2 * (a + (a + 2) * k) + 1))). intros n Hn.
  set (m := Nat.log2 n). set (G := m / k). set (bt := beta n).
  specialize (Hn1 n ltac:(lia)). fold m bt in Hn1.
  assert (Hn2 : 1 <= n) by (pose proof (Nat.pow_nonzero 2 (2 * (a + (a + 2) * k) + 1)); lia).
  assert (Hm : 2 * (a + (a + 2) * k) + 1 <= m).
  { unfold m. apply Nat.log2_le_pow2; [lia|]. lia. }
  assert (HkG : k * G <= m /\ m < k * (G + 1)).
  { unfold G. pose proof (Nat.div_mod m k ltac:(lia)).
    pose proof (Nat.mod_upper_bound m k ltac:(lia)). nia. }
  assert (HG1 : 1 <= G) by nia.
  (* the degree [G − 1] meets the criterion *)
  assert (Hbeta : 4 * bt * 2 ^ s <= G).
  { unfold G. apply Nat.div_le_lower_bound; lia. }
  assert (Hok : (9 ^ bt * bt ^ G * n ^ a <= fact G)%nat).
  { pose proof (pow_le_fact G) as H1.
    assert (H2 : (4 * bt * 2 ^ s) ^ G <= G ^ G) by (apply Nat.pow_le_mono_l; exact Hbeta).
    rewrite !Nat.pow_mul_l, <- Nat.pow_mul_r in H2.
    assert (H3 : 9 ^ bt <= 2 ^ (4 * bt)).
    { rewrite Nat.pow_mul_r. apply Nat.pow_le_mono_l. cbn. lia. }
    assert (H4 : n ^ a <= 2 ^ ((m + 1) * a)).
    { rewrite Nat.pow_mul_r. apply Nat.pow_le_mono_l. pose proof (lt_pow_log2 n) as Hl. fold m in Hl. lia. }
    assert (H5 : 4 * bt + (m + 1) * a <= s * G).
    { assert (bt * 2 ^ s >= bt * 2) by (apply Nat.mul_le_mono_l; pose proof (Nat.pow_le_mono_r 2 1 s); cbn in *; nia).
      unfold s. nia. }
    assert (H6 : 9 ^ bt * n ^ a <= 2 ^ (s * G)).
    { apply (Nat.le_trans _ (2 ^ (4 * bt) * 2 ^ ((m + 1) * a))); [apply Nat.mul_le_mono; lia|].
      rewrite <- Nat.pow_add_r. apply Nat.pow_le_mono_r; lia. }
    assert (H7 : 4 ^ G * (9 ^ bt * bt ^ G * n ^ a) <= 4 ^ G * fact G).
    { apply (Nat.le_trans _ (4 ^ G * bt ^ G * 2 ^ (s * G))); [|lia].
      replace (4 ^ G * (9 ^ bt * bt ^ G * n ^ a)) with (4 ^ G * bt ^ G * (9 ^ bt * n ^ a)) by ring.
      apply Nat.mul_le_mono_l, H6. }
    apply (Nat.mul_le_mono_pos_l _ _ (4 ^ G)); [apply Nat.neq_0_lt_0, Nat.pow_nonzero; lia|].
    exact H7. }
  assert (Hle : taylor_deg (N.of_nat bt) (N.of_nat (n ^ a)) <= G - 1).
  { apply taylor_deg_le.
    - unfold deg_fuel. pose proof (log2_le_Nlog2 (n ^ a)) as L1.
      pose proof (log2_pow_ge n a Hn2 Ha) as L2. fold m in L2.
      assert (G <= m) by nia. lia.
    - apply deg_ok_spec. replace (S (G - 1)) with G by lia. exact Hok. }
  nia.
Qed.

(** ** The rank is [n^{o(1)}] *)

(** [C(D+G, G) ≤ 4^q · (t+1)^G] whenever [D ≤ q·t], [t ≥ 1]. *)
Lemma rank_le_geom D G q t : 1 <= t -> D <= q * t -> binom (D + G) G <= 4 ^ q * (t + 1) ^ G.
Proof.
  intros Ht HD. set (r := binom (D + G) G).
  pose proof (binom_term_le (D + G) G t) as H1. replace (D + G - G) with D in H1 by lia.
  assert (H2 : r * t ^ (q * t) <= (t + 1) ^ (q * t + G)).
  { replace (q * t) with (D + (q * t - D)) at 1 by lia. rewrite Nat.pow_add_r.
    replace (q * t + G) with ((D + G) + (q * t - D)) by lia. rewrite (Nat.pow_add_r (t + 1)).
    rewrite Nat.mul_assoc. apply Nat.mul_le_mono; [exact H1|]. apply Nat.pow_le_mono_l. lia. }
  assert (H3 : (t + 1) ^ (q * t) <= 4 ^ q * t ^ (q * t)).
  { rewrite (Nat.mul_comm q t), !Nat.pow_mul_r, <- Nat.pow_mul_l. apply Nat.pow_le_mono_l.
    apply pow_succ_le4. }
  rewrite Nat.pow_add_r in H2.
  assert (H4 : t ^ (q * t) * r <= t ^ (q * t) * (4 ^ q * (t + 1) ^ G)).
  { apply (Nat.le_trans _ ((t + 1) ^ (q * t) * (t + 1) ^ G)); [lia|].
    replace (t ^ (q * t) * (4 ^ q * (t + 1) ^ G)) with ((4 ^ q * t ^ (q * t)) * (t + 1) ^ G)
      by ring.
    apply Nat.mul_le_mono_r, H3. }
  apply (Nat.mul_le_mono_pos_l _ _ (t ^ (q * t))); [apply Nat.neq_0_lt_0, Nat.pow_nonzero; lia|].
  exact H4.
Qed.

Theorem rank_subpoly (dh g : nat -> nat) (C : nat) :
  (forall n, dh n <= C * (Nat.log2 n + 1)) -> little_o_log g ->
  subpoly (fun n => binom (dh n + g n) (g n)).
Proof.
  intros Hdh Hg k Hk. set (s := 8 * k * (C + 1)). set (t := 2 ^ s).
  assert (Hs : s < t) by (apply Nat.pow_gt_lin_r; lia).
  destruct (Hg (4 * k * (s + 1)) ltac:(lia)) as [n1 Hn1].
  exists (Nat.max n1 (2 ^ (8 * k + 2))). intros n Hn.
  specialize (Hn1 n ltac:(lia)). set (m := Nat.log2 n) in *. set (D := dh n). set (G := g n) in *.
  specialize (Hdh n). fold m D in Hdh.
  pose proof (Nat.pow_nonzero 2 (8 * k + 2) ltac:(lia)) as Hp.
  assert (Hm : 8 * k + 2 <= m) by (unfold m; apply Nat.log2_le_pow2; lia).
  set (q := D / t + 1).
  assert (HDq : D <= q * t).
  { unfold q. pose proof (Nat.div_mod D t ltac:(lia)).
    pose proof (Nat.mod_upper_bound D t ltac:(lia)). nia. }
  pose proof (rank_le_geom D G q t ltac:(lia) HDq) as Hr.
  (* [log₂ r ≤ 2q + (s+1)·G] *)
  assert (Ht1 : t + 1 <= 2 ^ (s + 1)).
  { unfold t. rewrite Nat.pow_add_r, Nat.pow_1_r. pose proof (Nat.pow_nonzero 2 s). lia. }
  assert (Hr2 : binom (D + G) G <= 2 ^ (2 * q + (s + 1) * G)).
  { rewrite Nat.pow_add_r, Nat.pow_mul_r, (Nat.mul_comm (s + 1) G), Nat.pow_mul_r.
    apply (Nat.le_trans _ _ _ Hr). apply Nat.mul_le_mono.
    - replace (2 ^ 2) with 4 by reflexivity. lia.
    - rewrite <- Nat.pow_mul_r, Nat.mul_comm, Nat.pow_mul_r. apply Nat.pow_le_mono_l, Ht1. }
  (* [k · (2q + (s+1)G) ≤ m] *)
  assert (Hq : 8 * k * (D / t) <= m + 1).
  { assert (t * (D / t) <= D) by (apply Nat.mul_div_le; lia).
    assert (8 * k * (C + 1) * (D / t) <= t * (D / t)) by (apply Nat.mul_le_mono_r; lia).
    apply (Nat.mul_le_mono_pos_r _ _ (C + 1)); [lia|]. lia. }
  assert (Hexp : k * (2 * q + (s + 1) * G) <= m) by (unfold q; nia).
  apply (Nat.le_trans _ (2 ^ m)); [|apply pow_log2_le; lia].
  apply (Nat.le_trans _ ((2 ^ (2 * q + (s + 1) * G)) ^ k)); [apply Nat.pow_le_mono_l, Hr2|].
  rewrite <- Nat.pow_mul_r. apply Nat.pow_le_mono_r; lia.
Qed.

(** The paper's chain: [dh = O(log n)] and [β = o(log n)] give a Taylor
    degree [o(log n)] for relative error [1/n^a], and a rank [n^{o(1)}]. *)
Corollary taylor_rank_subpoly (dh beta : nat -> nat) (C a : nat) :
  1 <= a -> (forall n, dh n <= C * (Nat.log2 n + 1)) -> little_o_log beta ->
  subpoly (fun n => N.to_nat (rankN (dh n) (taylor_deg (N.of_nat (beta n)) (N.of_nat (n ^ a))))).
Proof.
  intros Ha Hdh Hb. intros k Hk.
  destruct (rank_subpoly dh _ C Hdh (taylor_deg_little_o beta a Ha Hb) k Hk) as [n0 H].
  exists n0. intros n Hn. rewrite rankN_binom, Nat2N.id. apply H, Hn.
Qed.

(** ** Closure of [n^{o(1)}] *)

Lemma subpoly_le f h n1 : (forall n, n1 <= n -> f n <= h n) -> subpoly h -> subpoly f.
Proof.
  intros Hfh Hh k Hk. destruct (Hh k Hk) as [n0 H]. exists (Nat.max n0 n1). intros n Hn.
  apply (Nat.le_trans _ (h n ^ k)); [apply Nat.pow_le_mono_l, Hfh; lia|apply H; lia].
Qed.

Lemma subpoly_const c : subpoly (fun _ => c).
Proof. intros k Hk. exists (c ^ k). intros n Hn. exact Hn. Qed.

Lemma sq_le_sq x n : x * x <= n * n -> x <= n.
Proof. intros H. destruct (Nat.le_gt_cases x n) as [|Hlt]; [assumption|]. nia. Qed.

Lemma subpoly_mul f h : subpoly f -> subpoly h -> subpoly (fun n => f n * h n).
Proof.
  intros Hf Hh k Hk. destruct (Hf (2 * k) ltac:(lia)) as [n1 H1]. destruct (Hh (2 * k) ltac:(lia)) as [n2 H2].
  exists (Nat.max n1 n2). intros n Hn. apply sq_le_sq.
  rewrite <- Nat.pow_2_r, <- Nat.pow_mul_r, Nat.pow_mul_l, (Nat.mul_comm k 2).
  specialize (H1 n ltac:(lia)). specialize (H2 n ltac:(lia)). nia.
Qed.

Lemma subpoly_pow f J : subpoly f -> subpoly (fun n => f n ^ J).
Proof.
  intros Hf k Hk. destruct J as [|J].
  - exists 1. intros n Hn. cbn. rewrite Nat.pow_1_l. exact Hn.
  - destruct (Hf (S J * k) ltac:(lia)) as [n0 H]. exists n0. intros n Hn.
    rewrite <- Nat.pow_mul_r. apply H, Hn.
Qed.

Lemma subpoly_log C : subpoly (fun n => C * (Nat.log2 n + 1)).
Proof.
  apply subpoly_mul; [apply subpoly_const|]. intros k Hk.
  exists (2 ^ (k * (2 * k + 4))). intros n Hn.
  assert (Hm : k * (2 * k + 4) <= Nat.log2 n) by (apply Nat.log2_le_pow2; [pose proof (Nat.pow_nonzero 2 (k * (2 * k + 4))); lia|exact Hn]).
  apply (Nat.le_trans _ (2 ^ Nat.log2 n)); [apply poly_le_exp, Hm|].
  apply pow_log2_le. pose proof (Nat.pow_nonzero 2 (k * (2 * k + 4))). lia.
Qed.

(** [f = n^{o(1)}] is [log f = o(log n)]. *)
Lemma subpoly_log_little_o f : subpoly f -> little_o_log (fun n => Nat.log2 (f n)).
Proof.
  intros Hf k Hk. destruct (Hf k Hk) as [n0 H]. exists n0. intros n Hn. specialize (H n Hn).
  destruct (f n) as [|x] eqn:E; [cbn; lia|].
  assert (H1 : 2 ^ (k * Nat.log2 (S x)) <= S x ^ k).
  { rewrite Nat.mul_comm, Nat.pow_mul_r. apply Nat.pow_le_mono_l, Nat.log2_spec. lia. }
  assert (H2 : k * Nat.log2 (S x) <= Nat.log2 (S x ^ k)).
  { apply Nat.log2_le_pow2; [apply Nat.neq_0_lt_0, Nat.pow_nonzero; lia|exact H1]. }
  pose proof (Nat.log2_le_mono _ _ H). lia.
Qed.

(** The paper's "[log r = o(log n)]", literally. *)
Corollary taylor_rank_log_little_o (dh beta : nat -> nat) (C a : nat) :
  1 <= a -> (forall n, dh n <= C * (Nat.log2 n + 1)) -> little_o_log beta ->
  little_o_log (fun n =>
    Nat.log2 (N.to_nat (rankN (dh n) (taylor_deg (N.of_nat (beta n)) (N.of_nat (n ^ a)))))).
Proof.
  intros Ha Hdh Hb. apply subpoly_log_little_o, (taylor_rank_subpoly dh beta C a Ha Hdh Hb).
Qed.
