(** * The Taylor degree meets its error target

    [taylor_deg β A] ([Runtime/FastRank.v]) is defined by the integer
    criterion [9^β · β^(g+1) · A ≤ (g+1)!].  With the Taylor–Lagrange
    estimate of [Error/Taylor.v] ([taylor_exp_rel_error]:
    [|P_g(x) − eˣ| ≤ β^{g+1}/(g+1)! · e^{2β} · eˣ] on [[−β, β]]) and
    [e^{2β} ≤ 3^{2β} = 9^β], the criterion gives relative error [1/A]:
    {v
      |x| ≤ β  ⟹  |P_g(x) − eˣ| ≤ eˣ / A          g = taylor_deg β A      (taylor_deg_rel_error)
    v}
    So the rank [C(dh + g, g)] of [Runtime/FastAsym.v] is the rank of a
    polynomial approximation that is accurate to [1/A] relative error, and
    ([taylor_deg_attention_error], with [Error/FastAttentionError.v]) the
    polynomial-method attention at this degree is within [4·‖V‖∞/A] of
    exact attention, over the reals, for [A ≥ 2]. *)
From Coq Require Import Reals Lra Lia NArith.
From FlowARProofs.Error Require Import Taylor FastAttentionError.
From FlowARProofs.Runtime Require Import FastRank.
Set Default Goal Selector "!".
Local Open Scope R_scope.

(** The criterion, over [R]: [eps_T g β ≤ 1/A]. *)
Lemma deg_ok_eps_T (beta A : nat) g :
  (1 <= A)%nat -> deg_ok (N.of_nat beta) (N.of_nat A) g = true -> eps_T g (INR beta) <= / INR A.
Proof.
  intros HA Hok. apply deg_ok_spec in Hok.
  pose proof (fact_pos (S g)) as Hf. assert (HA' : 0 < INR A) by (apply lt_0_INR; lia).
  eapply Rle_trans; [apply (eps_T_le_pow3 g (INR beta) (2 * beta)); [apply pos_INR|rewrite mult_INR; simpl; lra]|].
  apply le_INR in Hok. rewrite !mult_INR, !pow_INR in Hok.
  replace (INR 3 ^ (2 * beta)) with (INR 9 ^ beta) in *
    by (rewrite pow_mult; f_equal; simpl; lra).
  replace (3 ^ (2 * beta)) with (INR 9 ^ beta) by (rewrite pow_mult; simpl; f_equal; lra).
  apply (Rmult_le_reg_r (INR A * INR (fact (S g)))); [nra|].
  unfold Rdiv. field_simplify; [|lra|lra]. nra.
Qed.

Theorem taylor_deg_rel_error (beta A : nat) x :
  (1 <= A)%nat -> Rabs x <= INR beta ->
  Rabs (taylor_exp (taylor_deg (N.of_nat beta) (N.of_nat A)) x - exp x) <= exp x / INR A.
Proof.
  intros HA Hx. set (g := taylor_deg _ _).
  eapply Rle_trans; [apply taylor_exp_rel_error, Hx|].
  pose proof (deg_ok_eps_T beta A g HA (taylor_deg_ok beta A)) as H.
  pose proof (exp_pos x). unfold Rdiv. rewrite Rmult_comm. apply Rmult_le_compat_l; lra.
Qed.

(** Polynomial-method attention (over [R]) at the degree [taylor_deg β A]
    is within [4·‖V‖∞ / A] of softmax attention, for scores in [[−β, β]]. *)
Corollary taylor_deg_attention_error (beta A : nat) (Sc V : nat -> nat -> R) (lim : nat -> nat) vb i c :
  (2 <= A)%nat -> (0 < lim i)%nat ->
  (forall j, (j < lim i)%nat -> Rabs (Sc i j) <= INR beta /\ Rabs (V j c) <= vb) ->
  Rabs (fast_attn (taylor_deg (N.of_nat beta) (N.of_nat A)) Sc V lim i c - exact_attn Sc V lim i c)
  <= 4 * vb / INR A.
Proof.
  intros HA Hm H. set (g := taylor_deg _ _).
  pose proof (deg_ok_eps_T beta A g ltac:(lia) (taylor_deg_ok beta A)) as He.
  assert (HA2 : 2 <= INR A) by (replace 2 with (INR 2) by reflexivity; apply le_INR, HA).
  assert (Hhalf : eps_T g (INR beta) <= 1 / 2).
  { eapply Rle_trans; [exact He|]. unfold Rdiv. rewrite Rmult_1_l. apply Rinv_le_contravar; lra. }
  assert (Hvb : 0 <= vb) by (destruct (H 0%nat Hm) as [_ Hv]; pose proof (Rabs_pos (V 0%nat c)); lra).
  eapply Rle_trans; [apply (fast_attention_error_4 g (INR beta)); auto; apply pos_INR|].
  pose proof (Rmult_le_compat_r vb _ _ Hvb He). unfold Rdiv. lra.
Qed.
