(** * The paper's form: exact work is [n^(4+ε)] when the dimensions are [n^(o(1))]

    The paper states exact inference as [O(n^(4+o(1)))]: widths, layers and
    Euler steps may grow, but slower than any power of [n].  Here:
    - [theta_hi_poly]: the constant [c₂ = theta_hi F] of [flowar_work_theta]
      is at most [400·B⁵] where [B] bounds every fixed dimension
      ([dims_bound F]: channels, width, heads, head width, FFN width, layers,
      flow layers, steps);
    - [flowar_work_eps]: for any family of configurations on the doubling
      schedule ([K_x ≥ 1] scales, first side [m_x], output side
      [n_x = m_x·2^(K_x−1)]) whose dimensions are [n^(o(1))] — for every
      [j], eventually [B_x^j ≤ n_x] — and every [k ≥ 1], eventually
      [work_x^k ≤ n_x^(4k+1)], i.e. [work ≤ n^(4+1/k)]: [O(n^(4+ε))] for
      every [ε > 0] (take [k ≥ 1/ε]).  Stated with natural numbers only.
    - [flowar_work_eps_instance]: the hypothesis holds for FlowAR's own
      schedule ([m = 1], [K = x + 1], so [n = 2^x]) with fixed dimensions. *)
From Coq Require Import List Arith NArith ZArith Lia.
From FlowARProofs.IR Require Import Program Work.
From FlowARProofs.Pipeline Require Import Layer FlowHead FlowAR.
From FlowARProofs.Runtime Require Import ExactCost ExactLayer Exact ExactTheta.
Set Default Goal Selector "!".

Local Notation n := N.of_nat.

(** One bound on every fixed dimension. *)
Definition dims_bound (F : Fixed) : nat :=
  fc F + ld (fD F) + lH (fD F) + ldh (fD F) + ldff (fD F) + fL F + fLf F + fT F + 1.

(** Every dimension equal to [B]. *)
Definition allB (B : nat) : Fixed :=
  {| fc := B; fD := {| ld := B; lH := B; ldh := B; ldff := B; lsn := 0%Z; lsd := 1%Z |};
     fL := B; fLf := B; fT := B |}.

Local Ltac unfold_theta :=
  unfold theta_hi, rho, emb1, step_lin; unfold layer_lin, lnaff_cost, ln_cost, qkv_cost, ffn_inner_cost,
    mlp_cost, up_cost, dot_cost, sum_cost, xpby_cost, cA, cM, cD, cC, cE, cQ;
  cbn [fc fD ld lH ldh ldff fL fLf fT fhc fhLD fhLf]; cbv [unit_cost].

(** [theta_hi] is monotone in the dimensions. *)
Lemma theta_hi_mono F B :
  (fc F <= B)%nat -> (ld (fD F) <= B)%nat -> (lH (fD F) <= B)%nat -> (ldh (fD F) <= B)%nat ->
  (ldff (fD F) <= B)%nat -> (fL F <= B)%nat -> (fLf F <= B)%nat -> (fT F <= B)%nat ->
  (theta_hi F <= theta_hi (allB B))%N.
Proof.
  intros. unfold allB. unfold_theta.
  repeat first [apply N.add_le_mono | apply N.mul_le_mono | apply N.sub_le_mono_r | apply N.le_refl | lia].
Qed.

Lemma theta_hi_allB B : (1 <= B)%nat -> (theta_hi (allB B) <= 400 * n B ^ 5)%N.
Proof.
  intros HB. unfold allB. unfold_theta. change (N.of_nat 1) with 1%N.
  assert (Hb : (1 <= n B)%N) by lia.
  replace (n B * n B - 1)%N with ((n B - 1) * (n B + 1))%N by nia.
  set (b1 := (n B - 1)%N). assert (Hbb : n B = (b1 + 1)%N) by lia. clearbody b1. rewrite Hbb.
  change 5%N with (N.succ 4). rewrite N.pow_succ_r by lia. change 4%N with (N.succ 3).
  rewrite N.pow_succ_r by lia. change 3%N with (N.succ 2). rewrite N.pow_succ_r by lia.
  change 2%N with (N.succ 1). rewrite N.pow_succ_r by lia. rewrite N.pow_1_r.
  assert (0 <= b1 * b1)%N by lia. assert (0 <= b1 * b1 * b1)%N by lia.
  assert (0 <= b1 * b1 * b1 * b1)%N by lia. assert (0 <= b1 * b1 * b1 * b1 * b1)%N by lia.
  lia.
Qed.

Theorem theta_hi_poly F : (theta_hi F <= 400 * n (dims_bound F) ^ 5)%N.
Proof.
  eapply N.le_trans; [apply (theta_hi_mono F (dims_bound F)); unfold dims_bound; lia|].
  apply theta_hi_allB. unfold dims_bound. lia.
Qed.

(** In [nat]: [work ≤ 400·B⁵·n⁴]. *)
Lemma work_le_poly p F K m :
  (1 <= K)%nat ->
  (work (flowar_prog p (schedule F K m)) <= 400 * dims_bound F ^ 5 * out_side K m ^ 4)%nat.
Proof.
  intros HK.
  enough (n (work (flowar_prog p (schedule F K m)))
          <= n (400 * dims_bound F ^ 5 * out_side K m ^ 4))%N by lia.
  rewrite !Nat2N.inj_mul, !Nat2N.inj_pow.
  destruct (flowar_work_theta p F K m HK) as [_ Hhi]. eapply N.le_trans; [exact Hhi|].
  apply N.mul_le_mono_r. apply theta_hi_poly.
Qed.

Lemma mul_le_of_sq (X Y x : nat) : X * X <= x -> Y * Y <= x -> X * Y <= x.
Proof.
  intros HX HY. destruct (Nat.le_ge_cases X Y) as [H|H].
  - eapply Nat.le_trans; [apply Nat.mul_le_mono_r, H|exact HY].
  - eapply Nat.le_trans; [apply Nat.mul_le_mono_l, H|exact HX].
Qed.

(** Exact work is [n^(4+ε)] for every [ε = 1/k] when the dimensions are
    [n^(o(1))] and [n] grows. *)
Theorem flowar_work_eps p (Fs : nat -> Fixed) (Ks ms : nat -> nat) :
  (forall x, 1 <= Ks x) ->
  (forall N0, exists x0, forall x, x0 <= x -> N0 <= out_side (Ks x) (ms x)) ->
  (forall j, exists x0, forall x, x0 <= x -> dims_bound (Fs x) ^ j <= out_side (Ks x) (ms x)) ->
  forall k, 1 <= k -> exists x0, forall x, x0 <= x ->
    work (flowar_prog p (schedule (Fs x) (Ks x) (ms x))) ^ k
    <= out_side (Ks x) (ms x) ^ (4 * k + 1).
Proof.
  intros HK Hgrow Hdims k Hk. destruct (Hdims (10 * k)) as [x0 Hx0].
  destruct (Hgrow (400 ^ (2 * k))) as [x1 Hx1].
  exists (x0 + x1). intros x Hx.
  set (nx := out_side (Ks x) (ms x)). set (B := dims_bound (Fs x)).
  assert (HB : B ^ (10 * k) <= nx) by (apply Hx0; lia).
  assert (H4 : 400 ^ (2 * k) <= nx) by (apply Hx1; lia).
  pose proof (work_le_poly p (Fs x) (Ks x) (ms x) (HK x)) as Hw. fold nx B in Hw.
  set (w := work _) in *.
  assert (Hwk : w ^ k <= (400 * B ^ 5) ^ k * nx ^ (4 * k)).
  { rewrite Nat.pow_mul_r, <- Nat.pow_mul_l. apply Nat.pow_le_mono_l. exact Hw. }
  assert (HC : (400 * B ^ 5) ^ k <= nx).
  { rewrite Nat.pow_mul_l. apply mul_le_of_sq.
    - rewrite <- Nat.pow_add_r. replace (k + k) with (2 * k) by lia. exact H4.
    - rewrite <- !Nat.pow_mul_r, <- Nat.pow_add_r. replace (5 * k + 5 * k) with (10 * k) by lia.
      exact HB. }
  eapply Nat.le_trans; [exact Hwk|]. rewrite Nat.pow_add_r, Nat.pow_1_r.
  rewrite (Nat.mul_comm (nx ^ (4 * k)) nx). apply Nat.mul_le_mono_r. exact HC.
Qed.

(** The hypotheses are satisfiable by FlowAR itself: fixed dimensions, one
    more scale per step ([m = 1], [K = x + 1], [n = 2^x]). *)
Corollary flowar_work_eps_instance p (F : Fixed) :
  forall k, 1 <= k -> exists x0, forall x, x0 <= x ->
    work (flowar_prog p (schedule F (x + 1) 1)) ^ k <= out_side (x + 1) 1 ^ (4 * k + 1).
Proof.
  assert (Hn : forall x, out_side (x + 1) 1 = 2 ^ x)
    by (intros x; unfold out_side; rewrite Nat.add_sub; lia).
  apply (flowar_work_eps p (fun _ => F) (fun x => x + 1) (fun _ => 1)).
  - intros; lia.
  - intros N0. exists N0. intros x Hx. rewrite Hn.
    pose proof (Nat.pow_gt_lin_r 2 x ltac:(lia)). lia.
  - intros j. exists (dims_bound F ^ j). intros x Hx. rewrite Hn.
    pose proof (Nat.pow_gt_lin_r 2 x ltac:(lia)). lia.
Qed.
