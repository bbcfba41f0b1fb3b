(** * The Taylor polynomial of exp, with an explicit relative error

    The polynomial method approximates every attention weight [exp(s)] by the
    degree-[g] Taylor polynomial [P_g(s) = Σ_{m ≤ g} s^m / m!].  This file
    proves, from Coquelicot's Taylor–Lagrange theorem:

    - [taylor_exp_abs_error]: [|eˣ − P_g(x)| ≤ |x|^{g+1}/(g+1)! · e^{|x|}];
    - [taylor_exp_rel_error]: on [[−β, β]],
      [|P_g(x) − eˣ| ≤ eps_T g β · eˣ] with
      [eps_T g β = β^{g+1}/(g+1)! · e^{2β}] — the relative form the
      attention error transfer ([AttentionError.softmax_row_error]) needs;
    - [eps_T_decreasing]: [eps_T] strictly decreases in [g] once [g + 2 > β]
      (for [g + 2 ≤ β] raising the degree does not yet help: the terms grow);
    - [eps_T_le_Q]: an upper bound [eps_T g β ≤ β^{g+1}/(g+1)! · 3^{⌈2β⌉}]
      built from rationals only (e < 3), which [vm_compute] can evaluate.

    The interval is the SCORE range: with the scale [1/√d_h] and entries of
    q, k bounded by [B], [|s| ≤ √d_h·B²] (docs/error.md). *)
From Coq Require Import Reals Lra Lia.
From Coquelicot Require Import Rcomplements Derive ElemFct.
Set Default Goal Selector "!".
(** Coquelicot (through ssreflect) turns bullets off; turn them back on. *)
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (g : nat) (x beta : R).

(** The degree-[g] Taylor polynomial of exp at 0. *)
Definition taylor_exp g x : R := sum_f_R0 (fun m => x ^ m / INR (fact m)) g.

(** The relative error bound on [[−β, β]]. *)
Definition eps_T g beta : R := beta ^ S g / INR (fact (S g)) * exp (2 * beta).

Lemma sum_f_R0_ext (f h : nat -> R) n :
  (forall m, (m <= n)%nat -> f m = h m) -> sum_f_R0 f n = sum_f_R0 h n.
Proof. apply sum_eq. Qed.

Lemma Derive_n_exp n x : Derive_n exp n x = exp x.
Proof. apply is_derive_n_unique, is_derive_n_exp. Qed.

Lemma ex_derive_n_exp n x : ex_derive_n exp n x.
Proof. destruct n as [|n]; [exact I|]. eexists. apply (is_derive_n_exp (S n) x). Qed.

Lemma Derive_n_exp_opp n x : Derive_n (fun y => exp (- y)) n x = (-1) ^ n * exp (- x).
Proof.
  rewrite Derive_n_comp_opp, Derive_n_exp; [reflexivity|].
  exists (mkposreal 1 Rlt_0_1). intros y _ k _. apply ex_derive_n_exp.
Qed.

Lemma ex_derive_n_exp_opp n x : ex_derive_n (fun y => exp (- y)) n x.
Proof.
  apply ex_derive_n_comp_opp. exists (mkposreal 1 Rlt_0_1). intros y _ k _. apply ex_derive_n_exp.
Qed.

Lemma fact_pos n : 0 < INR (fact n).
Proof. apply lt_0_INR, lt_O_fact. Qed.

(** The remainder for [x > 0] (expansion at 0, Lagrange point in (0, x)). *)
Lemma taylor_exp_pos g x :
  0 < x -> Rabs (exp x - taylor_exp g x) <= x ^ S g / INR (fact (S g)) * exp x.
Proof.
  intros Hx.
  destruct (Taylor_Lagrange exp g 0 x Hx (fun t _ k _ => ex_derive_n_exp k t))
    as (z & Hz & Heq).
  assert (Hr : exp x - taylor_exp g x = x ^ S g / INR (fact (S g)) * exp z).
  { rewrite Heq at 1. unfold taylor_exp.
    rewrite (sum_f_R0_ext _ (fun m => x ^ m / INR (fact m))).
    2: { intros m _. rewrite Derive_n_exp, exp_0, Rminus_0_r. ring. }
    rewrite Derive_n_exp, Rminus_0_r. ring. }
  rewrite Hr.
  pose proof (fact_pos (S g)). pose proof (pow_lt x (S g) Hx).
  assert (0 < x ^ S g / INR (fact (S g))) by (apply Rdiv_lt_0_compat; lra).
  rewrite Rabs_pos_eq by (pose proof (exp_pos z); nra).
  apply Rmult_le_compat_l; [lra|]. apply Rlt_le, exp_increasing. lra.
Qed.

(** The remainder for [x < 0]: Taylor–Lagrange for [t ↦ e^{−t}] at [−x > 0]. *)
Lemma taylor_exp_neg g x :
  x < 0 -> Rabs (exp x - taylor_exp g x) <= (- x) ^ S g / INR (fact (S g)).
Proof.
  intros Hx.
  destruct (Taylor_Lagrange (fun y => exp (- y)) g 0 (- x) ltac:(lra)
              (fun t _ k _ => ex_derive_n_exp_opp k t)) as (z & Hz & Heq).
  rewrite Ropp_involutive in Heq. rewrite Heq. unfold taylor_exp.
  rewrite (sum_f_R0_ext _ (fun m => x ^ m / INR (fact m))).
  2: { intros m _. rewrite Derive_n_exp_opp, Ropp_0, exp_0, Rminus_0_r.
       replace (- x) with ((-1) * x) by ring. rewrite Rpow_mult_distr.
       replace ((-1) ^ m * x ^ m / INR (fact m) * ((-1) ^ m * 1))
         with (((-1) ^ m * (-1) ^ m) * (x ^ m / INR (fact m))) by (unfold Rdiv; ring).
       rewrite <- Rpow_mult_distr. replace (-1 * -1) with 1 by ring. rewrite pow1. ring. }
  rewrite Derive_n_exp_opp, Rminus_0_r.
  match goal with |- Rabs (?s + ?r - ?s) <= _ => replace (s + r - s) with r by ring end.
  pose proof (fact_pos (S g)).
  assert (Hc : 0 <= (- x) ^ S g / INR (fact (S g))).
  { apply Rdiv_le_0_compat; [apply pow_le; lra|lra]. }
  rewrite Rabs_mult, (Rabs_pos_eq ((- x) ^ S g / INR (fact (S g)))) by exact Hc.
  rewrite Rabs_mult, pow_1_abs, Rmult_1_l, (Rabs_pos_eq (exp (- z))) by apply Rlt_le, exp_pos.
  assert (exp (- z) <= 1) by (rewrite <- exp_0; apply Rlt_le, exp_increasing; lra).
  nra.
Qed.

Lemma sum_f_R0_delta0 n : sum_f_R0 (fun m => match m with O => 1 | _ => 0 end) n = 1.
Proof. induction n as [|n IH]; simpl; [reflexivity|]. rewrite IH. ring. Qed.

Lemma taylor_exp_abs_error g x :
  Rabs (exp x - taylor_exp g x) <= Rabs x ^ S g / INR (fact (S g)) * exp (Rabs x).
Proof.
  pose proof (fact_pos (S g)).
  destruct (Rtotal_order x 0) as [Hx|[Hx|Hx]].
  - rewrite (Rabs_left x Hx). eapply Rle_trans; [apply taylor_exp_neg, Hx|].
    assert (1 <= exp (- x)) by (rewrite <- exp_0; apply Rlt_le, exp_increasing; lra).
    assert (0 <= (- x) ^ S g / INR (fact (S g))).
    { apply Rdiv_le_0_compat; [apply pow_le; lra|lra]. }
    nra.
  - subst x. rewrite Rabs_R0, pow_i, exp_0 by lia. unfold taylor_exp.
    rewrite (sum_f_R0_ext _ (fun m => match m with O => 1 | _ => 0 end)).
    2: { intros [|m] _; [simpl; field|]. rewrite pow_i by lia. unfold Rdiv. ring. }
    rewrite sum_f_R0_delta0, Rminus_diag_eq, Rabs_R0 by reflexivity. unfold Rdiv. lra.
  - rewrite (Rabs_pos_eq x) by lra. apply taylor_exp_pos, Hx.
Qed.

(** The relative error on the score range [[−β, β]]. *)
Lemma taylor_exp_rel_error g beta x :
  Rabs x <= beta -> Rabs (taylor_exp g x - exp x) <= eps_T g beta * exp x.
Proof.
  intros Hx. rewrite Rabs_minus_sym. eapply Rle_trans; [apply taylor_exp_abs_error|].
  unfold eps_T. pose proof (fact_pos (S g)). pose proof (Rabs_pos x).
  assert (Hp : Rabs x ^ S g / INR (fact (S g)) <= beta ^ S g / INR (fact (S g))).
  { unfold Rdiv. apply Rmult_le_compat_r; [apply Rlt_le, Rinv_0_lt_compat; lra|].
    apply pow_incr. lra. }
  assert (He : exp (Rabs x) <= exp (2 * beta) * exp x).
  { rewrite <- exp_plus. destruct (Rle_lt_dec (Rabs x) (2 * beta + x)) as [Hl|Hl].
    - destruct (Req_dec (Rabs x) (2 * beta + x)) as [E|E]; [rewrite E; lra|].
      apply Rlt_le, exp_increasing. lra.
    - exfalso. unfold Rabs in Hx, Hl. destruct (Rcase_abs x); lra. }
  assert (0 <= Rabs x ^ S g / INR (fact (S g))).
  { apply Rdiv_le_0_compat; [apply pow_le; lra|lra]. }
  pose proof (exp_pos (Rabs x)). pose proof (exp_pos x). pose proof (exp_pos (2 * beta)).
  replace (beta ^ S g / INR (fact (S g)) * exp (2 * beta) * exp x)
    with (beta ^ S g / INR (fact (S g)) * (exp (2 * beta) * exp x)) by ring.
  apply Rmult_le_compat; lra.
Qed.

Lemma eps_T_nonneg g beta : 0 <= beta -> 0 <= eps_T g beta.
Proof.
  intros Hb. unfold eps_T. pose proof (fact_pos (S g)). pose proof (exp_pos (2 * beta)).
  apply Rmult_le_pos; [apply Rdiv_le_0_compat; [apply pow_le|]|]; lra.
Qed.

(** Raising the degree helps once [g + 2 > β]. *)
Lemma eps_T_decreasing g beta :
  0 < beta -> beta < INR (S (S g)) -> eps_T (S g) beta < eps_T g beta.
Proof.
  intros Hb Hg. unfold eps_T.
  change (fact (S (S g))) with (S (S g) * fact (S g))%nat. rewrite mult_INR.
  change (beta ^ S (S g)) with (beta * beta ^ S g).
  pose proof (fact_pos (S g)). pose proof (exp_pos (2 * beta)).
  pose proof (pow_lt beta (S g) Hb). pose proof (lt_0_INR (S (S g)) ltac:(lia)).
  apply Rmult_lt_compat_r; [lra|].
  unfold Rdiv. rewrite Rinv_mult.
  replace (beta * beta ^ S g * (/ INR (S (S g)) * / INR (fact (S g))))
    with ((beta / INR (S (S g))) * (beta ^ S g * / INR (fact (S g)))) by (unfold Rdiv; ring).
  rewrite <- (Rmult_1_l (beta ^ S g * / INR (fact (S g)))) at 2.
  apply Rmult_lt_compat_r.
  - apply Rmult_lt_0_compat; [lra|]. apply Rinv_0_lt_compat. lra.
  - apply Rmult_lt_reg_r with (INR (S (S g))); [lra|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r, Rmult_1_l by lra. exact Hg.
Qed.

(** ** A rational upper bound, for computation *)

Lemma exp_le_3_pow (k : nat) : exp (INR k) <= 3 ^ k.
Proof.
  induction k as [|k IH]; [simpl; rewrite exp_0; lra|].
  rewrite S_INR, exp_plus. simpl. pose proof Rpower.exp_le_3. pose proof (exp_pos (INR k)).
  pose proof (exp_pos 1). nra.
Qed.

(** With [2β ≤ k], [eps_T g β ≤ β^{g+1}/(g+1)! · 3^k]. *)
Lemma eps_T_le_pow3 g beta (k : nat) :
  0 <= beta -> 2 * beta <= INR k -> eps_T g beta <= beta ^ S g / INR (fact (S g)) * 3 ^ k.
Proof.
  intros Hb Hk. unfold eps_T. pose proof (fact_pos (S g)).
  apply Rmult_le_compat_l; [apply Rdiv_le_0_compat; [apply pow_le|]; lra|].
  eapply Rle_trans; [|apply exp_le_3_pow].
  destruct (Req_dec (2 * beta) (INR k)) as [E|E]; [rewrite E; lra|].
  apply Rlt_le, exp_increasing. lra.
Qed.
