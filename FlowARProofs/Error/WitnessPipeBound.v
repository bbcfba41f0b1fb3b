(** * The K-scale witness: the computed bound, below [10⁻³], strictly decreasing in [g]

    [fast_flowar_error] applied to the witness of WitnessPipe.v (every
    hypothesis proven, [wp_pipe_hyps]): [W = 1/2], [σ = 1], [B = 5/8]
    ([β = 25/64]), [K = 3] scales.  The bound [flowar_err_bound] is bounded
    by the rational [qflowar_bound] ([PipelineBound.flowar_err_bound_le_Q]:
    [e^{2β} ≤ 3], [ε_T(g, β) ≤ β^{g+1}/(g+1)!·3], [upn 2 = 121/64] exact),
    which [vm_compute] evaluates:

    | g  | rational bound |
    |----|----------------|
    | 3  | ≈ 4.8·10⁴      |
    | 4  | ≈ 3.8·10³      |
    | 5  | ≈ 2.5·10²      |
    | 6  | ≈ 13.7         |
    | 7  | ≈ 0.67         |
    | 8  | ≈ 2.9·10⁻²     |
    | 9  | ≈ 1.1·10⁻³     |
    | 10 | ≈ 4.0·10⁻⁵     |
    | 11 | ≈ 1.3·10⁻⁶     |
    | 12 | ≈ 4.0·10⁻⁸     |

    (the per-scale factor [1 + W·upn(2)·A] compounds twice over the three
    scales, hence the larger degree than for one scale).

    - [wp_bounds_decrease]: the rational bounds for [g = 3 … 12] strictly
      decrease; [g = 9] is above [10⁻³], [g = 10] below;
    - [flowar_err_bound_decreasing]: for every configuration with [W, σ, B,
      β > 0], [L_f, T ≥ 1] and [β < g + 2], the real bound of
      [fast_flowar_error] at degree [g + 1] is STRICTLY below the one at [g]
      ([pipe_bound_linear]: it is [ε_T(g, β)] times a positive constant);
      [wp_bound_decreasing]: for the witness, at every [g];
    - [wp_flowar_error]: for the witness, [‖rflowar_fast g − rflowar_exact‖∞
      ≤ flowar_err_bound … < 10⁻³] for every [g ≥ 10]. *)
From Coq Require Import Reals Lra Lia QArith Qreals List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel AttnStability
  LayerError FlowHeadError RealPipeline PipelineError PipelineBound Witness2 WitnessPipe.
From FlowARProofs.Pipeline Require Layer FlowAR.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** ** The computed values *)

Definition wp_qbound (g : nat) : Q := qflowar_bound wp_cfg g (5 # 8) 1 (1 # 2).

Lemma wp_bound_value : (wp_qbound 10 < 1 # 1000)%Q /\ (1 # 1000 < wp_qbound 9)%Q.
Proof. vm_compute. split; reflexivity. Qed.

(** The rational bounds for [g = 3, …, 12] strictly decrease. *)
Lemma wp_bounds_decrease :
  (wp_qbound 4 < wp_qbound 3)%Q /\ (wp_qbound 5 < wp_qbound 4)%Q /\ (wp_qbound 6 < wp_qbound 5)%Q
  /\ (wp_qbound 7 < wp_qbound 6)%Q /\ (wp_qbound 8 < wp_qbound 7)%Q /\ (wp_qbound 9 < wp_qbound 8)%Q
  /\ (wp_qbound 10 < wp_qbound 9)%Q /\ (wp_qbound 11 < wp_qbound 10)%Q /\ (wp_qbound 12 < wp_qbound 11)%Q.
Proof. vm_compute. repeat split; reflexivity. Qed.

Lemma wp_Q2R_B : Q2R (5 # 8) = w2_B.
Proof. unfold Q2R, w2_B. simpl. field. Qed.

Lemma wp_Q2R_W : Q2R (1 # 2) = 1 / 2.
Proof. unfold Q2R. simpl. field. Qed.

Lemma wp_Q2R_s : Q2R 1 = 1.
Proof. unfold Q2R. simpl. field. Qed.

(** The real bound is at most the rational one. *)
Lemma wp_bound_le_Q g : flowar_err_bound wp_cfg g w2_B 1 (1 / 2) <= Q2R (wp_qbound g).
Proof.
  apply (flowar_err_bound_le_Q_lit wp_cfg g (5 # 8) 1 (1 # 2));
    [cbn; lia|apply wp_Q2R_B|apply wp_Q2R_s|apply wp_Q2R_W].
Qed.

(** ** Strictly decreasing in [g] *)

Lemma pipe_bound_coef_pos Wb beta E s d L Lf T B U i :
  0 < Wb -> 0 < s -> 0 <= beta -> 0 <= E -> 0 < B -> 0 <= U -> (0 < Lf)%nat -> (0 < T)%nat ->
  0 < pipe_bound Wb beta E s d L Lf T 1 B U i.
Proof.
  intros HW Hs Hb HE HB HU HLf HT. unfold pipe_bound.
  pose proof (sc_gain_nonneg Wb beta E s d L Lf T ltac:(lra) Hs Hb HE HT) as Hg.
  pose proof (sc_amp_ge1 Wb beta E s d Lf T ltac:(lra) Hs Hb HE HT) as Ha.
  pose proof (c_layer_ge1 Wb beta E s d ltac:(lra) Hs Hb HE) as HL.
  pose proof (c_ffn_ge1 Wb s d ltac:(lra) Hs) as Hf.
  apply Rmult_lt_0_compat.
  - apply pow_lt. assert (0 <= Wb * U * sc_gain Wb beta E s d L Lf T)
      by (apply Rmult_le_pos; [apply Rmult_le_pos|]; lra). lra.
  - unfold sc_err, fh_dv. apply Rmult_lt_0_compat; [lra|].
    assert (Hd : 0 < c_delta Wb s d 1 B) by (unfold c_delta; apply Rmult_lt_0_compat; [lra|]; nra).
    assert (HLf' : 0 < INR Lf) by (apply lt_0_INR, HLf).
    assert (HpLf : 1 <= c_layer Wb beta E s d ^ Lf) by (apply pow_R1_Rle; lra).
    assert (HpL : 1 <= c_layer Wb beta E s d ^ L) by (apply pow_R1_Rle; lra).
    assert (0 <= INR L * c_delta Wb s d 1 B) by (apply Rmult_le_pos; [apply pos_INR|lra]).
    assert (0 < INR Lf * c_delta Wb s d 1 B) by (apply Rmult_lt_0_compat; lra).
    assert (0 < c_layer Wb beta E s d ^ Lf * (INR Lf * c_delta Wb s d 1 B)) by (apply Rmult_lt_0_compat; lra).
    assert (0 <= c_layer Wb beta E s d ^ L * (INR L * c_delta Wb s d 1 B)) by (apply Rmult_le_pos; lra).
    assert (0 <= Wb * c_layer Wb beta E s d ^ Lf) by (apply Rmult_le_pos; lra).
    assert (0 < Wb * (c_layer Wb beta E s d ^ Lf * (INR Lf * c_delta Wb s d 1 B))) by (apply Rmult_lt_0_compat; lra).
    assert (0 <= Wb * c_layer Wb beta E s d ^ Lf * (c_layer Wb beta E s d ^ L * (INR L * c_delta Wb s d 1 B)))
      by (apply Rmult_le_pos; lra).
    lra.
Qed.

(** The bound of [fast_flowar_error] strictly decreases in the Taylor degree once [β < g + 2]. *)
Theorem flowar_err_bound_decreasing cfg g (B s Wb : R) :
  0 < Wb -> 0 < s -> 0 < B -> 0 < flowar_beta cfg B < INR (S (S g)) ->
  (0 < FlowAR.Lf cfg)%nat -> (0 < FlowAR.T cfg)%nat ->
  flowar_err_bound cfg (S g) B s Wb < flowar_err_bound cfg g B s Wb.
Proof.
  intros HW Hs HB [Hb0 Hb] HLf HT. unfold flowar_err_bound. cbv zeta.
  rewrite (pipe_bound_linear _ _ _ _ _ _ _ _ (eps_T (S g) _)), (pipe_bound_linear _ _ _ _ _ _ _ _ (eps_T g _)).
  apply Rmult_lt_compat_r.
  - apply pipe_bound_coef_pos; try assumption; try lra; [apply Rlt_le, exp_pos|apply upn_nonneg].
  - apply eps_T_decreasing; assumption.
Qed.

Lemma wp_beta : flowar_beta wp_cfg w2_B = 25 / 64.
Proof. exact w2_beta. Qed.

(** For the witness: strictly decreasing at every [g]. *)
Corollary wp_bound_decreasing g :
  flowar_err_bound wp_cfg (S g) w2_B 1 (1 / 2) < flowar_err_bound wp_cfg g w2_B 1 (1 / 2).
Proof.
  apply flowar_err_bound_decreasing; try lra; try (cbn; lia).
  - unfold w2_B. lra.
  - rewrite wp_beta, !S_INR. pose proof (pos_INR g). lra.
Qed.

Lemma wp_bound_le_10 g : (10 <= g)%nat ->
  flowar_err_bound wp_cfg g w2_B 1 (1 / 2) <= flowar_err_bound wp_cfg 10 w2_B 1 (1 / 2).
Proof.
  induction g as [|g IH]; intros Hg; [lia|].
  destruct (Nat.eq_dec g 9) as [->|Hne]; [lra|].
  eapply Rle_trans; [apply Rlt_le, wp_bound_decreasing|apply IH; lia].
Qed.

Lemma wp_bound_lt g : (10 <= g)%nat -> flowar_err_bound wp_cfg g w2_B 1 (1 / 2) < 1 / 1000.
Proof.
  intros Hg. eapply Rle_lt_trans; [apply wp_bound_le_10, Hg|].
  eapply Rle_lt_trans; [apply wp_bound_le_Q|].
  apply Rlt_le_trans with (Q2R (1 # 1000)); [apply Qlt_Rlt, wp_bound_value|].
  unfold Q2R. simpl. lra.
Qed.

(** ** The instance of [fast_flowar_error] *)

(** For the witness and every degree [g ≥ 10]: the hypotheses hold, and fast and exact FlowAR
    (the whole 3-scale pipeline) are within [flowar_err_bound … < 10⁻³]. *)
Theorem wp_flowar_error g : (10 <= g)%nat ->
  pipe_hyps wp_cfg wp_G g w2_B 1 (1 / 2)
  /\ dinf (FlowAR.tok wp_cfg (FlowAR.K wp_cfg - 1)) (FlowAR.ch wp_cfg)
       (rflowar_fast g wp_cfg wp_G) (rflowar_exact wp_cfg wp_G)
     <= flowar_err_bound wp_cfg g w2_B 1 (1 / 2)
  /\ flowar_err_bound wp_cfg g w2_B 1 (1 / 2) < 1 / 1000.
Proof.
  intros Hg. assert (Hh : pipe_hyps wp_cfg wp_G g w2_B 1 (1 / 2)) by (apply wp_pipe_hyps, eps_T_w2_half; lia).
  split; [exact Hh|]. split; [apply fast_flowar_error, Hh|]. apply wp_bound_lt, Hg.
Qed.
