(** * The pipeline error bound: linear in ε, monotone, computable

    [PipelineError.pipe_bound] (the bound of [fast_flowar_error]) is an
    explicit expression of [W, β, E = e^{2β}, σ, d, L, L_f, T, ε = ε_T(g, β),
    B, U = upn(a)] and the scale index.  This file proves:

    - [pipe_bound_linear]: it is [ε · pipe_bound(ε := 1)]: the amplification
      [pipe_bound(ε := 1)] does not depend on the Taylor degree;
    - [pipe_bound_mono]: monotone in every argument — nondecreasing in
      [W, β, E, d, ε, B, U, L, L_f] and the number of scales, nonincreasing in
      the variance floor [σ] ([T] is fixed; [sc_amp_le] bounds
      [(1 + L_v/T)^T ≤ (1 + L_v)^T]);
    - [qflowar_bound]: a rational upper bound computed from a configuration
      and rational [W], [σ], [B] ([e^{2β} ≤ 3^k] with [k = ⌈2β⌉],
      [ε_T(g, β) ≤ β^{g+1}/(g+1)!·3^k], [upn] exact), with
      [flowar_err_bound_le_Q]: [flowar_err_bound ≤ Q2R (qflowar_bound …)]
      ([flowar_err_bound_le_Q_lit]: for literal arguments);
      [vm_compute] evaluates it ([tiny_pipe_bound_value]). *)
From Coq Require Import Reals Lra Lia ZArith QArith Qreals Qround List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel AttnStability
  LayerError FlowHeadError FlowHeadCond FlowBound RealPipeline PipelineError.
From FlowARProofs.Pipeline Require Layer FlowHead FlowAR.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** ** Linear in ε *)

Lemma pipe_bound_linear Wb beta E s d L Lf T eps B U i :
  pipe_bound Wb beta E s d L Lf T eps B U i = eps * pipe_bound Wb beta E s d L Lf T 1 B U i.
Proof. unfold pipe_bound, sc_err, fh_dv, c_delta. ring. Qed.

(** ** Monotone *)

Lemma mm (a a' b b' : R) : 0 <= a <= a' -> 0 <= b <= b' -> 0 <= a * b <= a' * b'.
Proof. intros. split; [apply Rmult_le_pos; lra|apply Rmult_le_compat; lra]. Qed.

Lemma pm (a a' b b' : R) : 0 <= a <= a' -> 0 <= b <= b' -> 0 <= a + b <= a' + b'.
Proof. intros. lra. Qed.

Lemma pwm (a a' : R) k : 0 <= a <= a' -> 0 <= a ^ k <= a' ^ k.
Proof. intros. split; [apply pow_le; lra|apply pow_incr; lra]. Qed.

Lemma cst (a : R) : 0 <= a -> 0 <= a <= a.
Proof. intros. lra. Qed.

Lemma pw_exp (a a' : R) k k' : 0 <= a <= a' -> 1 <= a' -> (k <= k')%nat -> 0 <= a ^ k <= a' ^ k'.
Proof.
  intros Ha Ha' Hk. split; [apply pow_le; lra|]. eapply Rle_trans; [apply pow_incr; exact Ha|].
  apply Rle_pow; assumption.
Qed.

Lemma INR_mono m m' : (m <= m')%nat -> 0 <= INR m <= INR m'.
Proof. intros. split; [apply pos_INR|apply le_INR; assumption]. Qed.

Ltac mono := repeat first [assumption | apply mm | apply pm | apply cst; lra].

Section mono.
  Context (Wb Wb' beta beta' E E' s s' : R) (d d' : nat) (eps eps' B B' U U' : R).
  Hypotheses (HW : 0 <= Wb <= Wb') (Hb : 0 <= beta <= beta') (HE : 0 <= E <= E') (Hs : 0 < s' <= s)
    (Hd : (d <= d')%nat) (He : 0 <= eps <= eps') (HB : 0 <= B <= B') (HU : 0 <= U <= U').

  Lemma c_LN_mono : 0 <= c_LN Wb s d <= c_LN Wb' s' d'.
  Proof.
    unfold c_LN, Rdiv. apply mm; [exact HW|]. apply mm.
    - apply pm; [apply cst; lra|]. apply mm; [apply cst; lra|apply INR_mono, Hd].
    - split; [apply Rlt_le, Rinv_0_lt_compat; lra|apply Rinv_le_contravar; lra].
  Qed.

  Lemma c_layer_mono : 0 <= c_layer Wb beta E s d <= c_layer Wb' beta' E' s' d'.
  Proof.
    unfold c_layer, c_ffn, c_att, c_head. pose proof c_LN_mono. mono.
  Qed.

  Lemma c_delta_mono : 0 <= c_delta Wb s d eps B <= c_delta Wb' s' d' eps' B'.
  Proof.
    unfold c_delta, c_ffn. pose proof c_LN_mono. mono.
  Qed.

  Lemma c_layer_ge1' : 1 <= c_layer Wb' beta' E' s' d'.
  Proof. apply c_layer_ge1; lra. Qed.

  Lemma Ll_pow_mono k k' : (k <= k')%nat ->
    0 <= c_layer Wb beta E s d ^ k <= c_layer Wb' beta' E' s' d' ^ k'.
  Proof. intros. apply pw_exp; [apply c_layer_mono|apply c_layer_ge1'|assumption]. Qed.

  Context (L L' Lf Lf' T : nat) (HL : (L <= L')%nat) (HLf : (Lf <= Lf')%nat) (HT : (0 < T)%nat).

  Lemma sc_amp_mono : 0 <= sc_amp Wb beta E s d Lf T <= sc_amp Wb' beta' E' s' d' Lf' T.
  Proof.
    unfold sc_amp, fh_Lv, Rdiv. apply pwm. apply pm; [apply cst; lra|].
    apply mm; [|apply cst, Rlt_le, Rinv_0_lt_compat, lt_0_INR, HT].
    apply mm; [apply mm; [exact HW|apply Ll_pow_mono, HLf]|exact HW].
  Qed.

  Lemma sc_gain_mono : 0 <= sc_gain Wb beta E s d L Lf T <= sc_gain Wb' beta' E' s' d' L' Lf' T.
  Proof.
    unfold sc_gain. apply mm; [apply mm; [apply sc_amp_mono|]|apply Ll_pow_mono, HL].
    apply mm; [exact HW|apply Ll_pow_mono, HLf].
  Qed.

  Lemma sc_err_mono : 0 <= sc_err Wb beta E s d L Lf T eps B <= sc_err Wb' beta' E' s' d' L' Lf' T eps' B'.
  Proof.
    unfold sc_err, fh_dv. apply mm; [apply sc_amp_mono|]. pose proof c_delta_mono.
    apply pm.
    - apply mm; [exact HW|]. apply mm; [apply Ll_pow_mono, HLf|]. apply mm; [apply INR_mono, HLf|assumption].
    - apply mm; [apply mm; [exact HW|apply Ll_pow_mono, HLf]|]. apply mm; [apply Ll_pow_mono, HL|].
      apply mm; [apply INR_mono, HL|assumption].
  Qed.

  Theorem pipe_bound_mono i i' : (i <= i')%nat ->
    0 <= pipe_bound Wb beta E s d L Lf T eps B U i <= pipe_bound Wb' beta' E' s' d' L' Lf' T eps' B' U' i'.
  Proof.
    intros Hi. unfold pipe_bound. apply mm; [|apply sc_err_mono].
    pose proof sc_gain_mono. apply pw_exp.
    - apply pm; [apply cst; lra|]. apply mm; [apply mm; assumption|assumption].
    - assert (0 <= Wb' * U' * sc_gain Wb' beta' E' s' d' L' Lf' T)
        by (apply Rmult_le_pos; [apply Rmult_le_pos|]; lra).
      lra.
    - exact Hi.
  Qed.
End mono.

(** [(1 + L_v/T)^T ≤ (1 + L_v)^T] for [T ≥ 1]. *)
Lemma sc_amp_le Wb beta E s d Lf T :
  0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E -> (0 < T)%nat ->
  sc_amp Wb beta E s d Lf T <= (1 + fh_Lv Wb beta E s d Lf) ^ T.
Proof.
  intros HW Hs Hb HE HT. unfold sc_amp. apply pow_incr.
  pose proof (c_layer_ge1 Wb beta E s d HW Hs Hb HE).
  assert (HLv : 0 <= fh_Lv Wb beta E s d Lf).
  { unfold fh_Lv. apply Rmult_le_pos; [apply Rmult_le_pos; [lra|apply pow_le; lra]|lra]. }
  assert (H1 : 1 <= INR T) by (apply (le_INR 1); lia).
  split.
  - assert (0 <= fh_Lv Wb beta E s d Lf / INR T) by (unfold Rdiv; apply Rmult_le_pos; [lra|apply Rlt_le, Rinv_0_lt_compat; lra]). lra.
  - apply Rplus_le_compat_l. unfold Rdiv. rewrite <- (Rmult_1_r (fh_Lv _ _ _ _ _ _)) at 2.
    apply Rmult_le_compat_l; [exact HLv|]. rewrite <- Rinv_1. apply Rinv_le_contravar; lra.
Qed.

(** ** The rational upper bound *)

Local Open Scope Q_scope.

Definition qsc_amp (Wb beta E s : Q) d (Lf T : nat) : Q := qpow (1 + qfh_Lv Wb beta E s d Lf / qnat T) T.
Definition qsc_gain (Wb beta E s : Q) d (L Lf T : nat) : Q :=
  qsc_amp Wb beta E s d Lf T * (Wb * qpow (qc_layer Wb beta E s d) Lf) * qpow (qc_layer Wb beta E s d) L.
Definition qsc_err (Wb beta E s : Q) d (L Lf T : nat) (eps B : Q) : Q :=
  qsc_amp Wb beta E s d Lf T
  * (qfh_dv Wb beta E s d Lf eps B
     + Wb * qpow (qc_layer Wb beta E s d) Lf * (qpow (qc_layer Wb beta E s d) L * (qnat L * qc_delta Wb s d eps B))).
Definition qpipe_bound (Wb beta E s : Q) d (L Lf T : nat) (eps B U : Q) (i : nat) : Q :=
  qpow (1 + Wb * U * qsc_gain Wb beta E s d L Lf T) i * qsc_err Wb beta E s d L Lf T eps B.

Definition qupn (r : nat) : Q := qpow (inject_Z (up_l1 r) / inject_Z (4 * (2 * Z.of_nat r) ^ 3)) 2.

(** The rational bound of a configuration: [β = scale·d_h·B²], [k = ⌈2β⌉], [E = 3^k],
    [ε = β^{g+1}/(g+1)!·3^k]. *)
Definition qbeta (cfg : FlowAR.Config) (B : Q) : Q :=
  inject_Z (Layer.lsn (FlowAR.LD cfg)) / inject_Z (Layer.lsd (FlowAR.LD cfg))
  * qnat (Layer.ldh (FlowAR.LD cfg)) * (B * B).
Definition qexpk (cfg : FlowAR.Config) (B : Q) : nat := Z.to_nat (Qceiling (2 * qbeta cfg B)).
(** [n!] in binary ([fact] is unary: [13!] would not fit in memory). *)
Fixpoint zfact (n : nat) : Z := match n with O => 1%Z | S m => (Z.of_nat n * zfact m)%Z end.
Definition qeps (cfg : FlowAR.Config) (g : nat) (B : Q) : Q :=
  qpow (qbeta cfg B) (S g) / inject_Z (zfact (S g)) * qpow 3 (qexpk cfg B).

Definition qflowar_bound (cfg : FlowAR.Config) (g : nat) (B s Wb : Q) : Q :=
  qpipe_bound Wb (qbeta cfg B) (qpow 3 (qexpk cfg B)) s (FlowAR.dm cfg) (FlowAR.L cfg) (FlowAR.Lf cfg)
    (FlowAR.T cfg) (qeps cfg g B) B (qupn (FlowAR.a cfg)) (FlowAR.K cfg - 1).

Local Close Scope Q_scope.

Lemma qnat_nz n : (0 < n)%nat -> ~ (qnat n == 0)%Q.
Proof.
  intros Hn H. unfold qnat in H. apply Qeq_alt in H. unfold Qcompare in H. simpl in H.
  rewrite Z.mul_1_r in H. apply Z.compare_eq in H. lia.
Qed.

Lemma Q2R_qpipe_bound Wb beta E s d L Lf T eps B U i :
  ~ (s == 0)%Q -> (0 < T)%nat ->
  Q2R (qpipe_bound Wb beta E s d L Lf T eps B U i)
  = pipe_bound (Q2R Wb) (Q2R beta) (Q2R E) (Q2R s) d L Lf T (Q2R eps) (Q2R B) (Q2R U) i.
Proof.
  intros Hs HT. pose proof (qnat_nz T HT) as HTq.
  unfold qpipe_bound, qsc_err, qsc_gain, qsc_amp, qfh_dv, qfh_Lv, qc_delta, qc_layer, qc_att, qc_ffn,
    qc_head, qc_LN.
  unfold pipe_bound, sc_err, sc_gain, sc_amp, fh_dv, fh_Lv, c_delta, c_layer, c_att, c_ffn, c_head, c_LN.
  repeat first [rewrite Q2R_mult | rewrite Q2R_plus | rewrite Q2R_qpow | rewrite Q2R_qnat
               | rewrite Q2R_div by assumption | rewrite Q2R_1 | rewrite Q2R_2 | rewrite Q2R_4].
  reflexivity.
Qed.

Lemma Q2R_inject_Z z : Q2R (inject_Z z) = IZR z.
Proof. unfold Q2R. simpl. field. Qed.

Lemma inject_Z_nz z : z <> 0%Z -> ~ (inject_Z z == 0)%Q.
Proof. intros Hz H. unfold Qeq in H. simpl in H. lia. Qed.

Lemma Q2R_qupn r : (0 < r)%nat -> Q2R (qupn r) = upn r.
Proof.
  intros Hr. unfold qupn, upn. rewrite Q2R_qpow, Q2R_div, !Q2R_inject_Z; [reflexivity|].
  apply inject_Z_nz. assert (0 < (2 * Z.of_nat r) ^ 3)%Z by (apply Z.pow_pos_nonneg; lia). lia.
Qed.

Lemma Q2R_qbeta cfg B :
  Layer.lsd (FlowAR.LD cfg) <> 0%Z ->
  Q2R (qbeta cfg B) = flowar_beta cfg (Q2R B).
Proof.
  intros Hd. unfold qbeta, flowar_beta, head_beta, rscale.
  rewrite !Q2R_mult, Q2R_div, !Q2R_inject_Z, Q2R_qnat; [ring|]. apply inject_Z_nz, Hd.
Qed.

Lemma zfact_fact n : zfact n = Z.of_nat (fact n).
Proof. induction n as [|n IH]; [reflexivity|]. cbn [zfact fact]. rewrite IH. lia. Qed.

Lemma Q2R_zfact n : Q2R (inject_Z (zfact n)) = INR (fact n).
Proof. rewrite zfact_fact, INR_IZR_INZ. unfold Q2R. simpl. field. Qed.

Lemma Q2R_0 : Q2R 0 = 0.
Proof. unfold Q2R. simpl. field. Qed.

Lemma Q2R_3 : Q2R 3 = 3.
Proof. unfold Q2R. simpl. field. Qed.

Lemma two_beta_le_k cfg B : 2 * Q2R (qbeta cfg B) <= INR (qexpk cfg B).
Proof.
  unfold qexpk. set (q := (2 * qbeta cfg B)%Q).
  assert (Hq : (q <= inject_Z (Qceiling q))%Q) by apply Qle_ceiling.
  apply Qle_Rle in Hq. rewrite Q2R_inject_Z in Hq. unfold q in Hq. rewrite Q2R_mult, Q2R_2 in Hq.
  destruct (Z_le_gt_dec 0 (Qceiling q)) as [H0|H0].
  - rewrite INR_IZR_INZ, Z2Nat.id by exact H0. exact Hq.
  - pose proof (pos_INR (Z.to_nat (Qceiling q))). assert (IZR (Qceiling q) < 0) by (apply IZR_lt; lia).
    fold q in Hq. lra.
Qed.

(** The rational bound is an upper bound of [flowar_err_bound] (for [B, W ≥ 0], [σ > 0], [a, T ≥ 1],
    a nonzero scale denominator and a nonnegative scale). *)
Theorem flowar_err_bound_le_Q cfg g (B s Wb : Q) :
  (0 <= B)%Q -> (0 < s)%Q -> (0 <= Wb)%Q -> (0 < FlowAR.a cfg)%nat -> (0 < FlowAR.T cfg)%nat ->
  Layer.lsd (FlowAR.LD cfg) <> 0%Z -> 0 <= rscale (FlowAR.LD cfg) ->
  flowar_err_bound cfg g (Q2R B) (Q2R s) (Q2R Wb) <= Q2R (qflowar_bound cfg g B s Wb).
Proof.
  intros HB Hs HW Ha HT Hd Hsc.
  apply Qle_Rle in HB. apply Qlt_Rlt in Hs. apply Qle_Rle in HW. rewrite Q2R_0 in HB, Hs, HW.
  unfold qflowar_bound. rewrite Q2R_qpipe_bound by (try assumption; intros H; apply Qeq_eqR in H;
    rewrite Q2R_0 in H; lra).
  unfold flowar_err_bound. rewrite Q2R_qupn by exact Ha. rewrite Q2R_qbeta by exact Hd.
  set (beta := flowar_beta cfg (Q2R B)).
  assert (Hbe : 0 <= beta) by (apply head_beta_nonneg, Hsc).
  pose proof (two_beta_le_k cfg B) as Hk. rewrite Q2R_qbeta in Hk by exact Hd. fold beta in Hk.
  apply pipe_bound_mono; try lra; try lia.
  - split; [apply Rlt_le, exp_pos|]. rewrite Q2R_qpow, Q2R_3.
    eapply Rle_trans; [|apply exp_le_3_pow]. destruct (Req_dec (2 * beta) (INR (qexpk cfg B))) as [->|Hne];
      [lra|]. apply Rlt_le, exp_increasing. lra.
  - split; [apply eps_T_nonneg, Hbe|]. unfold qeps.
    rewrite Q2R_mult, Q2R_div, Q2R_qpow, Q2R_qpow, Q2R_zfact, Q2R_3, Q2R_qbeta by (try exact Hd;
      apply inject_Z_nz; rewrite zfact_fact; pose proof (lt_O_fact (S g)); lia). fold beta.
    apply eps_T_le_pow3; assumption.
  - split; [apply upn_nonneg|lra].
Qed.

(** For literal arguments: the side conditions as one goal for [cbn; lia], the real arguments by
    their rational values. *)
Corollary flowar_err_bound_le_Q_lit cfg g (B s Wb : Q) (rB rs rW : R) :
  (0 <= Qnum B /\ 0 < Qnum s /\ 0 <= Qnum Wb /\ 0 <= Layer.lsn (FlowAR.LD cfg)
   /\ 0 < Layer.lsd (FlowAR.LD cfg))%Z /\ (0 < FlowAR.a cfg /\ 0 < FlowAR.T cfg)%nat ->
  Q2R B = rB -> Q2R s = rs -> Q2R Wb = rW ->
  flowar_err_bound cfg g rB rs rW <= Q2R (qflowar_bound cfg g B s Wb).
Proof.
  intros ((HB & Hs & HW & Hn & Hd) & Ha & HT) <- <- <-.
  apply flowar_err_bound_le_Q; try (unfold Qle, Qlt; cbn; lia).
  unfold rscale. apply Rmult_le_pos; [apply IZR_le, Hn|apply Rlt_le, Rinv_0_lt_compat, IZR_lt, Hd].
Qed.

(** ** A computed value *)

(** FlowAR-tiny's dimensions (configs/tiny.toml: scales of sides 1 and 2, 2 channels, width 4 =
    2 heads of 2, FFN 16, one AR layer, one flow-head layer, 2 Euler updates, scale 1/2). *)
Definition tiny_cfg : FlowAR.Config :=
  {| FlowAR.K := 2; FlowAR.s0 := 1; FlowAR.a := 2; FlowAR.ch := 2;
     FlowAR.LD := {| Layer.ld := 4; Layer.lH := 2; Layer.ldh := 2; Layer.ldff := 16;
                     Layer.lsn := 1; Layer.lsd := 2 |};
     FlowAR.L := 1; FlowAR.Lf := 1; FlowAR.T := 2 |}.

(** With [W = 1/4], [σ = 1], [B = 1/2] ([β = 1/4], [k = 1]) the computed bound is
    [≈ 0.12, 1.0·10⁻², 6.3·10⁻⁴, 3.1·10⁻⁵] for [g = 1, 2, 3, 4]: below [10⁻³] from [g = 3]. *)
Lemma tiny_pipe_bound_value :
  (qflowar_bound tiny_cfg 3 (1 # 2) 1 (1 # 4) < 1 # 1000)%Q
  /\ (1 # 1000 < qflowar_bound tiny_cfg 2 (1 # 2) 1 (1 # 4))%Q
  /\ (qflowar_bound tiny_cfg 4 (1 # 2) 1 (1 # 4) < qflowar_bound tiny_cfg 3 (1 # 2) 1 (1 # 4))%Q.
Proof. vm_compute. repeat split; reflexivity. Qed.

(** Hence every real pipeline with FlowAR-tiny's dimensions satisfying the hypotheses of
    [fast_flowar_error] with these constants is within [10⁻³] of the exact one at [g = 3]. *)
Corollary tiny_flowar_error G :
  pipe_hyps tiny_cfg G 3 (1 / 2) 1 (1 / 4) ->
  dinf (FlowAR.tok tiny_cfg 1) 2 (rflowar_fast 3 tiny_cfg G) (rflowar_exact tiny_cfg G) < 1 / 1000.
Proof.
  intros Hh. eapply Rle_lt_trans; [apply (fast_flowar_error tiny_cfg G 3 (1 / 2) 1 (1 / 4) Hh)|].
  eapply Rle_lt_trans; [apply (flowar_err_bound_le_Q_lit _ _ (1 # 2) 1 (1 # 4));
                        [cbn; lia|unfold Q2R; simpl; field ..]|].
  apply Rlt_le_trans with (Q2R (1 # 1000)); [apply Qlt_Rlt, tiny_pipe_bound_value|].
  unfold Q2R. simpl. lra.
Qed.
