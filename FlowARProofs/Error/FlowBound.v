(** * The flow-head error bound: monotonicity in g, a rational evaluation, and 1/poly

    [FlowHeadError.fh_bound] is an explicit expression of
    [W, β, E = e^{2β}, σ, d, L_f, T, ε = ε_T(g, β), B].  This file:

    - [fh_bound_linear]: it is [ε · fh_bound(ε := 1)] — linear in the
      Taylor error; hence [fh_bound_decreasing]: once [β < g + 2] the bound
      for degree [g + 1] is STRICTLY below the bound for degree [g];
    - [fh_bound_mono]: monotone in [E] and [ε], so rational upper bounds
      [E ≤ 3^k] ([2β ≤ k]) and [ε_T ≤ β^{g+1}/(g+1)!·3^k] give an upper
      bound [qfh_bound] over [Q] ([Q2R_qfh_bound]) that [vm_compute] evaluates;
    - [tiny_flowhead_error]: for the tiny configuration
      ([d = 2], [d_h = 1], scale 1, [L_f = 1], [T = 2], [g = 4], [W = 1/2],
      [σ = 1], [B = 1/2]) every flow head satisfying the hypotheses of
      [fast_flowhead_error] has [‖fast − exact‖∞ < 10⁻³]
      ([tiny_bound_value]: the rational bound is [≈ 5.2·10⁻⁴]);
      [tiny_bounds_decrease]: the rational bounds for [g = 3, 4, 5, 6]
      strictly decrease;
    - [fast_flowhead_error_poly]: for every [a] and [n ≥ 1] there is a degree
      [g₀] such that for all [g ≥ g₀] (under the hypotheses at [g]) the
      error is at most [n^{-a}] — because the constant in front of
      [ε_T(g, β)] does not depend on [g] and [β^{g+1}/(g+1)! → 0]. *)
From Coq Require Import Reals Lra Lia QArith Qreals.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel AttnStability
  LayerError FlowHeadError.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** ** Linear in ε, strictly decreasing in g *)

Lemma fh_bound_linear Wb beta E s d Lf T eps B :
  fh_bound Wb beta E s d Lf T eps B = eps * fh_bound Wb beta E s d Lf T 1 B.
Proof. unfold fh_bound, fh_dv, c_delta. ring. Qed.

Lemma fh_bound_coef_pos Wb beta E s d Lf T B :
  0 < Wb -> 0 < s -> 0 <= beta -> 0 <= E -> 0 < B -> (0 < Lf)%nat -> (0 < T)%nat ->
  0 < fh_bound Wb beta E s d Lf T 1 B.
Proof.
  intros HW Hs Hb HE HB HLf HT. unfold fh_bound, fh_dv, fh_Lv, c_delta.
  pose proof (c_layer_ge1 Wb beta E s d ltac:(lra) Hs Hb HE) as HL.
  pose proof (c_ffn_ge1 Wb s d ltac:(lra) Hs).
  assert (HLf' : 0 < INR Lf) by (apply lt_0_INR, HLf).
  assert (HT' : 0 < INR T) by (apply lt_0_INR, HT).
  assert (1 <= c_layer Wb beta E s d ^ Lf) by (apply pow_R1_Rle; lra).
  assert (0 <= Wb * c_layer Wb beta E s d ^ Lf * Wb / INR T).
  { unfold Rdiv. apply Rmult_le_pos; [|apply Rlt_le, Rinv_0_lt_compat; lra]. nra. }
  assert (1 <= (1 + Wb * c_layer Wb beta E s d ^ Lf * Wb / INR T) ^ T) by (apply pow_R1_Rle; lra).
  assert (0 < Wb * (4 * 1 * B)) by nra.
  assert (0 < c_ffn Wb s d * (Wb * (4 * 1 * B))) by nra.
  assert (0 < INR Lf * (c_ffn Wb s d * (Wb * (4 * 1 * B)))) by nra.
  assert (0 < c_layer Wb beta E s d ^ Lf * (INR Lf * (c_ffn Wb s d * (Wb * (4 * 1 * B))))) by nra.
  apply Rmult_lt_0_compat; [lra|]. apply Rmult_lt_0_compat; lra.
Qed.

(** The bound at the true constants [E = e^{2β}], [ε = ε_T(g, β)]. *)
Definition fh_bound_g Wb beta s d Lf T g B : R :=
  fh_bound Wb beta (exp (2 * beta)) s d Lf T (eps_T g beta) B.

Theorem fh_bound_decreasing Wb beta s d Lf T g B :
  0 < Wb -> 0 < s -> 0 < beta -> 0 < B -> (0 < Lf)%nat -> (0 < T)%nat -> beta < INR (S (S g)) ->
  fh_bound_g Wb beta s d Lf T (S g) B < fh_bound_g Wb beta s d Lf T g B.
Proof.
  intros. unfold fh_bound_g. rewrite (fh_bound_linear _ _ _ _ _ _ _ (eps_T (S g) beta)),
    (fh_bound_linear _ _ _ _ _ _ _ (eps_T g beta)).
  apply Rmult_lt_compat_r; [apply fh_bound_coef_pos; try lra; try assumption; apply Rlt_le, exp_pos|].
  apply eps_T_decreasing; assumption.
Qed.

(** ** Monotone in E and ε *)

Lemma fh_bound_mono Wb beta E E' s d Lf T eps eps' B :
  0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E <= E' -> 0 <= eps <= eps' -> 0 <= B -> (0 < T)%nat ->
  fh_bound Wb beta E s d Lf T eps B <= fh_bound Wb beta E' s d Lf T eps' B.
Proof.
  intros HW Hs Hb HE He HB HT.
  assert (HT' : 0 < / INR T) by (apply Rinv_0_lt_compat, lt_0_INR, HT).
  pose proof (c_LN_nonneg Wb s d HW Hs) as HLN. pose proof (c_ffn_ge1 Wb s d HW Hs) as Hffn.
  assert (Hh : c_head Wb beta E <= c_head Wb beta E').
  { unfold c_head. apply Rmult_le_compat_l; [exact HW|]. assert (4 * beta * E <= 4 * beta * E') by nra. lra. }
  pose proof (c_head_nonneg Wb beta E HW Hb ltac:(lra)).
  assert (Hl : c_layer Wb beta E s d <= c_layer Wb beta E' s d).
  { unfold c_layer, c_att. apply Rmult_le_compat_l; [lra|].
    assert (Wb * c_head Wb beta E <= Wb * c_head Wb beta E') by (apply Rmult_le_compat_l; lra).
    assert (Wb * c_head Wb beta E * c_LN Wb s d <= Wb * c_head Wb beta E' * c_LN Wb s d)
      by (apply Rmult_le_compat_r; lra). lra. }
  pose proof (c_layer_ge1 Wb beta E s d HW Hs Hb ltac:(lra)) as Hl1.
  assert (Hp : c_layer Wb beta E s d ^ Lf <= c_layer Wb beta E' s d ^ Lf) by (apply pow_incr; lra).
  assert (Hp1 : 1 <= c_layer Wb beta E s d ^ Lf) by (apply pow_R1_Rle; lra).
  assert (Hd : c_delta Wb s d eps B <= c_delta Wb s d eps' B).
  { unfold c_delta. apply Rmult_le_compat_l; [lra|]. apply Rmult_le_compat_l; [lra|]. nra. }
  pose proof (c_delta_nonneg Wb s d eps B HW Hs ltac:(lra) HB).
  pose proof (pos_INR Lf).
  unfold fh_bound, fh_Lv, fh_dv. unfold Rdiv.
  apply Rmult_le_compat.
  - apply pow_le. assert (0 <= Wb * c_layer Wb beta E s d ^ Lf * Wb * / INR T)
      by (apply Rmult_le_pos; [|lra]; apply Rmult_le_pos; [|lra]; apply Rmult_le_pos; lra). lra.
  - apply Rmult_le_pos; [lra|]. apply Rmult_le_pos; [lra|]. apply Rmult_le_pos; lra.
  - apply pow_incr. split.
    + assert (0 <= Wb * c_layer Wb beta E s d ^ Lf * Wb * / INR T)
        by (apply Rmult_le_pos; [|lra]; apply Rmult_le_pos; [|lra]; apply Rmult_le_pos; lra). lra.
    + apply Rplus_le_compat_l. apply Rmult_le_compat_r; [lra|]. apply Rmult_le_compat_r; [lra|].
      apply Rmult_le_compat_l; lra.
  - apply Rmult_le_compat_l; [lra|]. apply Rmult_le_compat; [lra| |exact Hp|].
    + apply Rmult_le_pos; lra.
    + apply Rmult_le_compat_l; lra.
Qed.

(** ** The rational version *)

Local Open Scope Q_scope.

Fixpoint qpow (q : Q) (n : nat) : Q := match n with O => 1 | S n => q * qpow q n end.
Definition qnat (n : nat) : Q := inject_Z (Z.of_nat n).

Definition qc_LN (Wb s : Q) d : Q := Wb * ((2 + 2 * qnat d) / s).
Definition qc_head (Wb beta E : Q) : Q := Wb * (1 + 4 * beta * E).
Definition qc_att (Wb beta E s : Q) d : Q := 1 + Wb * qc_head Wb beta E * qc_LN Wb s d.
Definition qc_ffn (Wb s : Q) d : Q := 1 + Wb * Wb * qc_LN Wb s d.
Definition qc_layer (Wb beta E s : Q) d : Q := qc_ffn Wb s d * qc_att Wb beta E s d.
Definition qc_delta (Wb s : Q) d (eps B : Q) : Q := qc_ffn Wb s d * (Wb * (4 * eps * B)).
Definition qfh_Lv (Wb beta E s : Q) d (Lf : nat) : Q := Wb * qpow (qc_layer Wb beta E s d) Lf * Wb.
Definition qfh_dv (Wb beta E s : Q) d (Lf : nat) (eps B : Q) : Q :=
  Wb * (qpow (qc_layer Wb beta E s d) Lf * (qnat Lf * qc_delta Wb s d eps B)).
Definition qfh_bound (Wb beta E s : Q) d (Lf T : nat) (eps B : Q) : Q :=
  qpow (1 + qfh_Lv Wb beta E s d Lf / qnat T) T * qfh_dv Wb beta E s d Lf eps B.

Local Close Scope Q_scope.

Lemma Q2R_qpow q n : Q2R (qpow q n) = Q2R q ^ n.
Proof.
  induction n as [|n IH]; simpl.
  - unfold Q2R. simpl. lra.
  - rewrite Q2R_mult, IH. reflexivity.
Qed.

Lemma Q2R_qnat n : Q2R (qnat n) = INR n.
Proof. unfold qnat, Q2R. simpl. rewrite INR_IZR_INZ. field. Qed.

Lemma Q2R_lit (z : Z) : Q2R (inject_Z z) = IZR z.
Proof. unfold Q2R. simpl. field. Qed.

Lemma Q2R_2 : Q2R 2 = 2.   Proof. unfold Q2R. simpl. field. Qed.
Lemma Q2R_1 : Q2R 1 = 1.   Proof. unfold Q2R. simpl. field. Qed.
Lemma Q2R_4 : Q2R 4 = 4.   Proof. unfold Q2R. simpl. field. Qed.

Lemma Q2R_qfh_bound Wb beta E s d Lf T eps B :
  ~ (s == 0)%Q -> (0 < T)%nat ->
  Q2R (qfh_bound Wb beta E s d Lf T eps B)
  = fh_bound (Q2R Wb) (Q2R beta) (Q2R E) (Q2R s) d Lf T (Q2R eps) (Q2R B).
Proof.
  intros Hs HT.
  assert (HTq : ~ (qnat T == 0)%Q).
  { unfold qnat. intros H. apply Qeq_alt in H. unfold Qcompare in H. simpl in H.
    rewrite Z.mul_1_r in H. apply Z.compare_eq in H. lia. }
  unfold qfh_bound, qfh_dv, qfh_Lv, qc_delta, qc_layer, qc_att, qc_ffn, qc_head, qc_LN.
  unfold fh_bound, fh_dv, fh_Lv, c_delta, c_layer, c_att, c_ffn, c_head, c_LN.
  repeat first [rewrite Q2R_mult | rewrite Q2R_plus | rewrite Q2R_qpow | rewrite Q2R_qnat
               | rewrite Q2R_div by assumption | rewrite Q2R_1 | rewrite Q2R_2 | rewrite Q2R_4].
  reflexivity.
Qed.

(** ** The tiny configuration *)

Lemma Q2R_half : Q2R (1 # 2) = 1 / 2.  Proof. unfold Q2R. simpl. field. Qed.
Lemma Q2R_quarter : Q2R (1 # 4) = 1 / 4.  Proof. unfold Q2R. simpl. field. Qed.
Lemma Q2R_3 : Q2R 3 = 3.  Proof. unfold Q2R. simpl. field. Qed.
Lemma Q2R_eps4 : Q2R (1 # 40960) = 1 / 40960.  Proof. unfold Q2R. simpl. field. Qed.

(** The rational bound for the tiny configuration, with [E ≤ 3] and the
    Taylor error of degree [g] bounded by [(1/4)^{g+1}/(g+1)!·3]. *)
Definition tiny_eps (g : nat) : Q := (qpow (1 # 4) (S g) / qnat (fact (S g)) * 3)%Q.
Definition tiny_qbound (eps : Q) : Q := qfh_bound (1 # 2) (1 # 4) 3 1 2 1 2 eps (1 # 2).

Lemma tiny_eps_4 : (tiny_eps 4 == 1 # 40960)%Q.
Proof. vm_compute. reflexivity. Qed.

(** The computed bound for [g = 4]: [≈ 5.2·10⁻⁴ < 10⁻³]. *)
Lemma tiny_bound_value : (tiny_qbound (1 # 40960) < 1 # 1000)%Q.
Proof. vm_compute. reflexivity. Qed.

(** The computed bounds for [g = 3, 4, 5, 6] strictly decrease (and [g = 3] is above [10⁻³]). *)
Lemma tiny_bounds_decrease :
  (1 # 1000 < tiny_qbound (tiny_eps 3))%Q /\ (tiny_qbound (tiny_eps 4) < tiny_qbound (tiny_eps 3))%Q
  /\ (tiny_qbound (tiny_eps 5) < tiny_qbound (tiny_eps 4))%Q
  /\ (tiny_qbound (tiny_eps 6) < tiny_qbound (tiny_eps 5))%Q.
Proof. vm_compute. repeat split; reflexivity. Qed.

(** The real bound itself strictly decreases in [g] for the tiny constants, for every [g]. *)
Lemma tiny_bound_decreasing g :
  fh_bound_g (1 / 2) (1 / 4) 1 2 1 2 (S g) (1 / 2) < fh_bound_g (1 / 2) (1 / 4) 1 2 1 2 g (1 / 2).
Proof.
  apply fh_bound_decreasing; try lra; try lia.
  rewrite !S_INR. pose proof (pos_INR g). lra.
Qed.

Lemma exp_half_le_3 : exp (2 * (1 / 4)) <= 3.
Proof.
  eapply Rle_trans; [|apply Rpower.exp_le_3].
  apply Rlt_le, exp_increasing. lra.
Qed.

Lemma eps_T_tiny : eps_T 4 (1 / 4) <= 1 / 40960.
Proof.
  eapply Rle_trans; [apply (eps_T_le_pow3 4 (1 / 4) 1); simpl; lra|].
  change (fact 5) with 120%nat. rewrite INR_IZR_INZ. change (Z.of_nat 120) with 120%Z.
  simpl. lra.
Qed.

(** Every flow head with the tiny dimensions ([d = 2], [d_h = 1], scale
    [1/1], one layer, [T = 2] steps, degree [g = 4]) satisfying the
    hypotheses of [fast_flowhead_error] with [B = 1/2], [σ = 1], [W = 1/2]
    has fast and exact outputs within [10⁻³]. *)
Theorem tiny_flowhead_error Dm G wo M F0 Yh :
  Layer.ld (FlowHead.fhLD Dm) = 2%nat -> Layer.ldh (FlowHead.fhLD Dm) = 1%nat ->
  Layer.lsn (FlowHead.fhLD Dm) = 1%Z -> Layer.lsd (FlowHead.fhLD Dm) = 1%Z -> FlowHead.fhLf Dm = 1%nat ->
  fh_weights_ok Dm G wo M 2 4 (1 / 2) 1 (1 / 2) ->
  flow_acts_ok Dm G wo M 2 Yh 4 (1 / 2) 1 F0 ->
  dinf M (FlowHead.fhc Dm) (rflow_fast 4 Dm G wo M 2 F0 Yh) (rflow_exact Dm G wo M 2 F0 Yh) < 1 / 1000.
Proof.
  intros Hd Hdh Hsn Hsd HLf Hw Ha.
  eapply Rle_lt_trans; [apply (fast_flowhead_error _ _ _ _ _ _ _ _ _ _ Hw F0 Ha)|].
  assert (Hb : head_beta (Layer.ldh (FlowHead.fhLD Dm)) (rscale (FlowHead.fhLD Dm)) (1 / 2) = 1 / 4).
  { unfold head_beta, rscale. rewrite Hdh, Hsn, Hsd. simpl. field. }
  rewrite Hb, Hd, HLf.
  eapply Rle_lt_trans.
  { apply (fh_bound_mono _ _ _ 3 _ _ _ _ _ (1 / 40960)); try lra; try lia.
    - split; [apply Rlt_le, exp_pos|apply exp_half_le_3].
    - split; [apply eps_T_nonneg; lra|apply eps_T_tiny]. }
  pose proof (Q2R_qfh_bound (1 # 2) (1 # 4) 3 1 2 1 2 (1 # 40960) (1 # 2)
                ltac:(unfold Qeq; simpl; lia) ltac:(lia)) as Hq.
  rewrite Q2R_half, Q2R_quarter, Q2R_3, Q2R_1, Q2R_eps4 in Hq.
  rewrite <- Hq. apply Rlt_le_trans with (Q2R (1 # 1000)).
  - apply Qlt_Rlt. exact tiny_bound_value.
  - unfold Q2R. simpl. lra.
Qed.

(** ** 1/poly(n): the degree needed for a target [n^{-a}] exists *)

(** For fixed weights, bounds and input, the constant in front of
    [ε_T(g, β)] does not depend on [g]; since [β^{g+1}/(g+1)! → 0]
    ([cv_speed_pow_fact]), for every [a] and [n ≥ 1] some degree [g₀]
    makes the error at most [n^{-a}] for every [g ≥ g₀] satisfying the
    hypotheses.  (This is the existence of [g₀]; the paper's
    [g = O(log n)] under [β = o(log n)] is not derived here.) *)
Theorem fast_flowhead_error_poly Dm G wo M T Yh B s Wb F0 (n : R) (a : nat) :
  1 <= n ->
  exists g0, forall g, (g0 <= g)%nat ->
    fh_weights_ok Dm G wo M T g B s Wb -> flow_acts_ok Dm G wo M T Yh g B s F0 ->
    dinf M (FlowHead.fhc Dm) (rflow_fast g Dm G wo M T F0 Yh) (rflow_exact Dm G wo M T F0 Yh)
    <= / n ^ a.
Proof.
  intros Hn.
  set (beta := head_beta (Layer.ldh (FlowHead.fhLD Dm)) (rscale (FlowHead.fhLD Dm)) B).
  set (C := fh_bound Wb beta (exp (2 * beta)) s (Layer.ld (FlowHead.fhLD Dm)) (FlowHead.fhLf Dm) T 1 B).
  assert (Hna : 0 < n ^ a) by (apply pow_lt; lra).
  assert (HK : 0 < (Rabs C + 1) * exp (2 * beta)) by (pose proof (Rabs_pos C); pose proof (exp_pos (2 * beta)); nra).
  set (t := / n ^ a / ((Rabs C + 1) * exp (2 * beta))).
  assert (Ht : 0 < t) by (unfold t; apply Rdiv_lt_0_compat; [apply Rinv_0_lt_compat|]; lra).
  destruct (cv_speed_pow_fact beta t Ht) as [N HN].
  exists N. intros g Hg Hw Ha.
  eapply Rle_trans; [apply (fast_flowhead_error _ _ _ _ _ _ _ _ _ _ Hw F0 Ha)|]. fold beta.
  rewrite fh_bound_linear. fold C.
  assert (Hbeta : 0 <= beta).
  { destruct Hw as (_ & _ & _ & _ & _ & _ & Hsc & _). apply head_beta_nonneg, Hsc. }
  pose proof (eps_T_nonneg g beta Hbeta) as He0.
  assert (HS : beta ^ S g / INR (fact (S g)) < t).
  { pose proof (HN (S g) ltac:(lia)) as H1. unfold R_dist in H1. rewrite Rminus_0_r in H1.
    eapply Rle_lt_trans; [apply Rle_abs|exact H1]. }
  assert (Heps : eps_T g beta <= t * exp (2 * beta)).
  { unfold eps_T. apply Rmult_le_compat_r; [apply Rlt_le, exp_pos|lra]. }
  assert (HC : C <= Rabs C + 1) by (pose proof (Rle_abs C); lra).
  eapply Rle_trans; [apply Rmult_le_compat_l; [exact He0|exact HC]|].
  eapply Rle_trans; [apply Rmult_le_compat_r; [pose proof (Rabs_pos C); lra|exact Heps]|].
  pose proof (Rabs_pos C). pose proof (exp_pos (2 * beta)).
  unfold t. right. field. repeat split; lra.
Qed.
