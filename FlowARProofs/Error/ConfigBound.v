(** * The scale-level error bound of the shipped configurations, computed

    [ScaleError.fast_scale_error] bounds one scale's fast-vs-exact error by
    [scale_rhs] (below: [fh_bound_cond] with the incoming error
    [e_Y = Lℓ_A^L·(e₀ + L·δℓ_A)]).  This file evaluates that expression with
    the sound dyadic evaluator of Dyadic.v ([scale_tree], [scale_rhs_le]),
    and instantiates it for the configurations of configs/*.toml under
    STATED assumptions (not properties of trained weights):

    - every weight matrix has ℓ∞ operator norm [≤ W = 1] (e.g. entries
      [≤ 1/fan-in]), [|γ| ≤ 1], LayerNorm shifts [b = 0];
    - hence ([ActBounds.qkv_of_floor]) [|q|, |k|, |v| ≤ B = W(W·r + 0) = r]
      with [r = ⌈√d⌉ ≥ √d], and the score range is
      [β = scale·d_h·r²];
    - variance floor [σ = 1] at every LayerNorm input (an assumption on
      the activations, as in the theorems); first scale ([e₀ = 0]);
    - the AR transformer and the flow head have the same layer shape (the
      Coq model ties them, docs/deviations.md).

    The bound is [ε_T(g, β)·C] with [C] independent of [g]
    ([scale_rhs_linear]).  [C] is evaluated for tiny, S, L, H
    ([tiny_coef_le], [S_coef_le], [L_coef_le], [H_coef_le]); for tiny the
    full bound at [g = 51] is below [10⁻³] ([tiny_scale_bound_51]).  For
    S/L/H, [β] is in the thousands and [C] exceeds [10^{370000}]: the theorem,
    instantiated this way, says nothing useful for the released sizes — a
    finding about the analysis (e^{2β} per layer, compounded over layers and
    Euler steps), not about the models. *)
From Coq Require Import Reals Lra Lia ZArith QArith Qreals.
From FlowARProofs.Error Require Import Lipschitz Taylor RealModel AttnStability LayerError FlowHeadError FlowHeadCond FlowBound ScaleError
  Dyadic.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** The right-hand side of [fast_scale_error], with the two Taylor errors, [E = e^{2β}]
    and the incoming sequence error [e₀] as parameters. *)
Definition scale_rhs (Wb bA bF EA EF s : R) (dA dF Lf T L : nat) (epsA epsF B e0 : R) : R :=
  fh_bound_cond Wb bF EF s dF Lf T epsF B
    (c_layer Wb bA EA s dA ^ L * (e0 + INR L * c_delta Wb s dA epsA B)).

(** Linear in the Taylor error (first scale, same error on both sides). *)
Lemma scale_rhs_linear Wb bA bF EA EF s dA dF Lf T L eps B :
  scale_rhs Wb bA bF EA EF s dA dF Lf T L eps eps B 0 = eps * scale_rhs Wb bA bF EA EF s dA dF Lf T L 1 1 B 0.
Proof. unfold scale_rhs, fh_bound_cond, fh_dv, c_delta. ring. Qed.

(** ** The expression tree, mirroring the definitions of LayerError.v / FlowHeadError.v *)

Section tree.
  Variables (W bA bF EA EF si epsA epsF B e0 iT : bex) (dA dF Lf T L : nat).

  Definition t_cLN d := BMul W (BMul (BAdd (bZ 2) (BMul (bZ 2) (bN d))) si).
  Definition t_chead b E := BMul W (BAdd (bZ 1) (BMul (BMul (bZ 4) b) E)).
  Definition t_catt b E d := BAdd (bZ 1) (BMul (BMul W (t_chead b E)) (t_cLN d)).
  Definition t_cffn d := BAdd (bZ 1) (BMul (BMul W W) (t_cLN d)).
  Definition t_clayer b E d := BMul (t_cffn d) (t_catt b E d).
  Definition t_cdelta d eps := BMul (t_cffn d) (BMul W (BMul (BMul (bZ 4) eps) B)).

  Definition scale_tree : bex :=
    let CL := t_clayer bF EF dF in
    let Lv := BMul (BMul W (BPow CL Lf)) W in
    let dv := BMul W (BMul (BPow CL Lf) (BMul (bN Lf) (t_cdelta dF epsF))) in
    let eY := BMul (BPow (t_clayer bA EA dA) L) (BAdd e0 (BMul (bN L) (t_cdelta dA epsA))) in
    BMul (BPow (BAdd (bZ 1) (BMul Lv iT)) T) (BAdd dv (BMul (BMul W (BPow CL Lf)) eY)).
End tree.

Definition lf (x : R) (u : dy) := BLeaf x u.

Lemma consts_ok : bok (bZ 1) /\ bok (bZ 2) /\ bok (bZ 4).
Proof. repeat split; apply bZ_ok; lia. Qed.

Theorem scale_rhs_le (Wb bA bF EA EF s epsA epsF B e0 : R) (dA dF Lf T L : nat)
    (uW ubA ubF uEA uEF usi uepsA uepsF uB ue0 uiT : dy) :
  leaf_ok Wb uW -> leaf_ok bA ubA -> leaf_ok bF ubF -> leaf_ok EA uEA -> leaf_ok EF uEF ->
  leaf_ok (/ s) usi -> leaf_ok epsA uepsA -> leaf_ok epsF uepsF -> leaf_ok B uB -> leaf_ok e0 ue0 ->
  leaf_ok (/ INR T) uiT ->
  0 <= scale_rhs Wb bA bF EA EF s dA dF Lf T L epsA epsF B e0
  <= dval (bD (scale_tree (lf Wb uW) (lf bA ubA) (lf bF ubF) (lf EA uEA) (lf EF uEF) (lf (/ s) usi)
                 (lf epsA uepsA) (lf epsF uepsF) (lf B uB) (lf e0 ue0) (lf (/ INR T) uiT) dA dF Lf T L)).
Proof.
  intros. destruct consts_ok as (Hc1 & Hc2 & Hc4).
  pose proof (bN_ok dA). pose proof (bN_ok dF). pose proof (bN_ok Lf). pose proof (bN_ok L).
  match goal with |- _ <= _ <= dval (bD ?e) => change (0 <= bR e <= dval (bD e)) end.
  apply bsound. cbn [bok scale_tree t_clayer t_catt t_chead t_cLN t_cffn t_cdelta lf].
  repeat (first [assumption | split]).
Qed.

(** ** Leaves from rationals *)

(** [e^{2β} ≤ 3^k] for [2β ≤ k]: the dyadic [3^k], by squaring ([k] binary). *)
Lemma leaf_exp (beta : R) (k : positive) : 0 <= beta -> 2 * beta <= IZR (Z.pos k) ->
  leaf_ok (exp (2 * beta)) (dpowp (Dy 3 0) k).
Proof.
  intros Hb Hk. destruct (bZ_ok 3 ltac:(lia)) as [H3 Hm3].
  destruct (dpowp_sound (Dy 3 0) 3 k H3 Hm3) as [[_ H] Hm].
  split; [|exact Hm]. split; [apply Rlt_le, exp_pos|]. eapply Rle_trans; [|exact H].
  eapply Rle_trans; [|apply exp_le_3_pow]. rewrite INR_IZR_INZ, positive_nat_Z.
  destruct (Req_dec (2 * beta) (IZR (Z.pos k))) as [E|E]; [rewrite E; lra|]. apply Rlt_le, exp_increasing. lra.
Qed.

Lemma leaf_one : leaf_ok 1 (Dy 1 0).
Proof. unfold leaf_ok, dval. cbn [dm de]. rewrite powerRZ_O. split; [lra|lia]. Qed.

Lemma leaf_zero : leaf_ok 0 (Dy 0 0).
Proof. unfold leaf_ok, dval. cbn [dm de]. rewrite powerRZ_O. split; [lra|lia]. Qed.

Lemma leaf_IZR (z : Z) : (0 <= z)%Z -> leaf_ok (IZR z) (Dy z 0).
Proof. intros H. exact (bZ_ok z H). Qed.

Lemma leaf_invT (T : positive) : leaf_ok (/ INR (Pos.to_nat T)) (dQ (1 # T)).
Proof.
  apply leaf_Q; [apply Rlt_le, Rinv_0_lt_compat, lt_0_INR; lia| |simpl; lia].
  unfold Q2R. simpl. rewrite INR_IZR_INZ, positive_nat_Z. lra.
Qed.

(** ** The configurations (dimensions from configs/*.toml) *)

(** [C] for a configuration, as a dyadic: [W = 1], [σ = 1], [e₀ = 0], [ε = 1],
    [B = r], [β = qb] (rational) with [2β ≤ k]. *)
Definition cfg_tree (qb : Q) (k : positive) (r : Z) (d Lf : nat) (T : positive) (L : nat) : bex :=
  scale_tree (lf 1 (Dy 1 0)) (lf (Q2R qb) (dQ qb)) (lf (Q2R qb) (dQ qb))
    (lf (exp (2 * Q2R qb)) (dpowp (Dy 3 0) k)) (lf (exp (2 * Q2R qb)) (dpowp (Dy 3 0) k))
    (lf (/ 1) (Dy 1 0)) (lf 1 (Dy 1 0)) (lf 1 (Dy 1 0)) (lf (IZR r) (Dy r 0)) (lf 0 (Dy 0 0))
    (lf (/ INR (Pos.to_nat T)) (dQ (1 # T))) d d Lf (Pos.to_nat T) L.

Lemma cfg_sound (qb : Q) (k : positive) (r : Z) (d Lf : nat) (T : positive) (L : nat) :
  (0 <= Qnum qb)%Z -> 2 * Q2R qb <= IZR (Z.pos k) -> (0 <= r)%Z ->
  0 <= scale_rhs 1 (Q2R qb) (Q2R qb) (exp (2 * Q2R qb)) (exp (2 * Q2R qb)) 1 d d Lf (Pos.to_nat T) L 1 1 (IZR r) 0
  <= dval (bD (cfg_tree qb k r d Lf T L)).
Proof.
  intros Hn Hk Hr.
  assert (Hb : 0 <= Q2R qb).
  { unfold Q2R. apply Rmult_le_pos; [apply IZR_le, Hn|apply Rlt_le, Rinv_0_lt_compat, IZR_lt; lia]. }
  apply scale_rhs_le.
  - exact leaf_one.
  - apply leaf_Q; [exact Hb|lra|exact Hn].
  - apply leaf_Q; [exact Hb|lra|exact Hn].
  - apply leaf_exp; assumption.
  - apply leaf_exp; assumption.
  - rewrite Rinv_1. exact leaf_one.
  - exact leaf_one.
  - exact leaf_one.
  - apply leaf_IZR, Hr.
  - exact leaf_zero.
  - apply leaf_invT.
Qed.

Lemma cfg_sound_le (qb : Q) (k : positive) (r : Z) (d Lf : nat) (T : positive) (L : nat) :
  (0 <= Qnum qb)%Z -> 2 * Q2R qb <= IZR (Z.pos k) -> (0 <= r)%Z ->
  scale_rhs 1 (Q2R qb) (Q2R qb) (exp (2 * Q2R qb)) (exp (2 * Q2R qb)) 1 d d Lf (Pos.to_nat T) L 1 1 (IZR r) 0
  <= dval (bD (cfg_tree qb k r d Lf T L)).
Proof. intros Hn Hk Hr. apply (cfg_sound qb k r d Lf T L Hn Hk Hr). Qed.

(** The coefficients [C] (the bound is [ε_T(g, β)·C]), evaluated by [vm_compute]:
    tiny ([d = 4], 2 heads of 2, scale 1/2, [L = L_f = 1], [T = 2]; [β = 4]):
    [C ≤ 1.42·10¹⁸·2³⁸ ≈ 3.9·10²⁹]. *)
Theorem tiny_coef_le :
  scale_rhs 1 4 4 (exp (2 * 4)) (exp (2 * 4)) 1 4 4 1 2 1 1 1 2 0 <= dval (Dy 1423088991091764695 38).
Proof.
  replace 4 with (Q2R 4) by (unfold Q2R; simpl; field).
  eapply Rle_trans; [apply (cfg_sound_le 4 8 2 4 1 2 1); [simpl; lia|unfold Q2R; simpl; lra|lia]|].
  right. apply f_equal. vm_compute. reflexivity.
Qed.

(** FlowAR-S ([d = 768], 12 heads of 64, scale 1/8, [L = 12], [L_f = 2], [T = 24]; [r = 28],
    [β = 6272]): [C ≤ 1.74·10¹⁸·2^{1234739} ≈ 10^{371712}]. *)
Theorem S_coef_le :
  scale_rhs 1 6272 6272 (exp (2 * 6272)) (exp (2 * 6272)) 1 768 768 2 24 12 1 1 28 0
  <= dval (Dy 1741503386424232391 1234739).
Proof.
  replace 6272 with (Q2R 6272) by (unfold Q2R; simpl; field).
  eapply Rle_trans; [apply (cfg_sound_le 6272 12544 28 768 2 24 12);
    [simpl; lia|unfold Q2R; simpl; lra|lia]|].
  right. apply f_equal. vm_compute. reflexivity.
Qed.

(** FlowAR-L ([d = 1024], 16 heads of 64, scale 1/8, [L = 16], [L_f = 12], [T = 24]; [r = 32],
    [β = 8192]): [C ≤ 1.30·10¹⁸·2^{8217441} ≈ 10^{2473714}]. *)
Theorem L_coef_le :
  scale_rhs 1 8192 8192 (exp (2 * 8192)) (exp (2 * 8192)) 1 1024 1024 12 24 16 1 1 32 0
  <= dval (Dy 1295896519938129042 8217441).
Proof.
  replace 8192 with (Q2R 8192) by (unfold Q2R; simpl; field).
  eapply Rle_trans; [apply (cfg_sound_le 8192 16384 32 1024 12 24 16);
    [simpl; lia|unfold Q2R; simpl; lra|lia]|].
  right. apply f_equal. vm_compute. reflexivity.
Qed.

(** FlowAR-H ([d = 1536], 16 heads of 96, scale 51/500, [L = 30], [L_f = 12], [T = 50];
    [r = 40], [β = 78336/5]): [C ≤ 1.48·10¹⁸·2^{31909590} ≈ 10^{9605762}]. *)
Theorem H_coef_le :
  scale_rhs 1 (78336 / 5) (78336 / 5) (exp (2 * (78336 / 5))) (exp (2 * (78336 / 5))) 1 1536 1536 12 50 30 1 1 40 0
  <= dval (Dy 1480343310375155198 31909590).
Proof.
  replace (78336 / 5) with (Q2R (78336 # 5)) by (unfold Q2R; simpl; field).
  eapply Rle_trans; [apply (cfg_sound_le (78336 # 5) 31335 40 1536 12 50 30);
    [simpl; lia|unfold Q2R; simpl; lra|lia]|].
  right. apply f_equal. vm_compute. reflexivity.
Qed.

(** ** tiny: the full bound at a given degree *)

(** [ε_T(g, β) ≤ β^{g+1}/(g+1)!·3^k] as a rational ([2β ≤ k]). *)
Definition qepsT (qb : Q) (k g : nat) : Q :=
  (qpow qb (S g) / inject_Z (zfact (S g)) * inject_Z (3 ^ Z.of_nat k))%Q.

Lemma eps_T_le_q (qb : Q) (k g : nat) :
  0 <= Q2R qb -> 2 * Q2R qb <= INR k -> eps_T g (Q2R qb) <= Q2R (qepsT qb k g).
Proof.
  intros Hb Hk. eapply Rle_trans; [apply (eps_T_le_pow3 g (Q2R qb) k Hb Hk)|].
  assert (Hf : ~ (inject_Z (zfact (S g)) == 0)%Q).
  { pose proof (zfact_pos (S g)) as Hp. set (z := zfact (S g)) in *. clearbody z.
    unfold Qeq. simpl. lia. }
  unfold qepsT. rewrite Q2R_mult, Q2R_div, Q2R_qpow by exact Hf.
  rewrite !Q2R_lit, zfact_INR, <- pow_IZR. right. reflexivity.
Qed.

Definition tiny_C : Z := 1423088991091764695 * 2 ^ 38.

(** The tiny configuration's scale-level bound at degree [g = 51]: [< 10⁻³] (≈ 6.5·10⁻⁴;
    at [g = 45] ≈ 2.3·10³, [g = 50] ≈ 8.4·10⁻³, [g = 52] ≈ 4.9·10⁻⁵, [g = 55] ≈ 1.9·10⁻⁸;
    the real bound decreases strictly in [g]: [scale_rhs_decreasing]). *)
Lemma tiny_q51 : (qepsT 4 8 51 * inject_Z tiny_C < 1 # 1000)%Q.
Proof. vm_compute. reflexivity. Qed.

Theorem tiny_scale_bound_51 :
  scale_rhs 1 4 4 (exp (2 * 4)) (exp (2 * 4)) 1 4 4 1 2 1 (eps_T 51 4) (eps_T 51 4) 2 0 < 1 / 1000.
Proof.
  rewrite scale_rhs_linear.
  assert (H4 : Q2R 4 = 4) by (unfold Q2R; simpl; field).
  assert (He : 0 <= eps_T 51 4 <= Q2R (qepsT 4 8 51)).
  { split; [apply eps_T_nonneg; lra|]. rewrite <- H4 at 1. apply eps_T_le_q; rewrite H4; [lra|simpl; lra]. }
  assert (HC : scale_rhs 1 4 4 (exp (2 * 4)) (exp (2 * 4)) 1 4 4 1 2 1 1 1 2 0 <= Q2R (inject_Z tiny_C)).
  { eapply Rle_trans; [apply tiny_coef_le|]. right. unfold dval, tiny_C. cbn [dm de].
    rewrite Q2R_lit, mult_IZR, pow2_IZR by lia. reflexivity. }
  assert (H0 : 0 <= scale_rhs 1 4 4 (exp (2 * 4)) (exp (2 * 4)) 1 4 4 1 2 1 1 1 2 0).
  { pose proof (cfg_sound 4 8 2 4 1 2 1 ltac:(simpl; lia) ltac:(unfold Q2R; simpl; lra) ltac:(lia)) as [Hn _].
    rewrite H4 in Hn. exact Hn. }
  eapply Rle_lt_trans.
  { apply Rmult_le_compat; [apply He|exact H0|apply He|exact HC]. }
  rewrite <- Q2R_mult. apply Rlt_le_trans with (Q2R (1 # 1000)); [apply Qlt_Rlt, tiny_q51|].
  unfold Q2R. simpl. lra.
Qed.

(** ** A lower bound: the coefficient really is astronomically large *)

(** With [W = 1], [σ = 1] and [λ = 4β·e^{2β}·(2 + 2d)] (a lower bound on the layer
    constant [c_layer]), [C ≥ (λ^{L_f}/T)^T · λ^{L_f + L} · 4·L·B].  For FlowAR-S
    ([β = 6272], [L_f = 2], [T = 24], [L = 12]) this is
    [≥ e^{2β·62}/24^{24} > 10^{337000}]: the upper bounds above are not an artefact of
    rounding (they exceed it only through [e < 3] in [e^{2β} ≤ 3^k]). *)
Theorem scale_coef_ge (beta B : R) (d Lf T L : nat) :
  0 <= beta -> 0 <= B -> (0 < T)%nat ->
  let lam := 4 * beta * exp (2 * beta) * (2 + 2 * INR d) in
  (lam ^ Lf / INR T) ^ T * (lam ^ (Lf + L) * (INR L * 4 * B))
  <= scale_rhs 1 beta beta (exp (2 * beta)) (exp (2 * beta)) 1 d d Lf T L 1 1 B 0.
Proof.
  intros Hb HB HT lam.
  assert (HTp : 0 < INR T) by (apply lt_0_INR, HT).
  pose proof (pos_INR d) as Hd. pose proof (pos_INR L) as HL. pose proof (exp_pos (2 * beta)) as HE.
  set (Ll := c_layer 1 beta (exp (2 * beta)) 1 d).
  set (cf := c_ffn 1 1 d).
  assert (Hcf : 1 <= cf) by (unfold cf, c_ffn, c_LN; unfold Rdiv; rewrite Rinv_1; nra).
  assert (Hlam : 0 <= lam) by (unfold lam; apply Rmult_le_pos; [|lra]; apply Rmult_le_pos; nra).
  assert (HLl : lam <= Ll).
  { unfold Ll, lam, c_layer, c_ffn, c_att, c_head, c_LN. unfold Rdiv. rewrite Rinv_1.
    set (A := 2 + 2 * INR d). set (h := 4 * beta * exp (2 * beta)).
    assert (0 <= A) by (unfold A; lra). assert (0 <= h) by (unfold h; apply Rmult_le_pos; nra).
    replace (h * A) with (4 * beta * exp (2 * beta) * A) by (unfold h; ring).
    fold h. nra. }
  assert (Hp : lam ^ Lf <= Ll ^ Lf) by (apply pow_incr; lra).
  assert (Hp0 : 0 <= lam ^ Lf) by (apply pow_le, Hlam).
  assert (HpL : lam ^ L <= Ll ^ L) by (apply pow_incr; lra).
  assert (HpL0 : 0 <= lam ^ L) by (apply pow_le, Hlam).
  assert (HiT : 0 < / INR T) by (apply Rinv_0_lt_compat, HTp).
  unfold scale_rhs, fh_bound_cond, fh_dv, fh_Lv. fold Ll. change (c_delta 1 1 d 1 B) with (cf * (1 * (4 * 1 * B))).
  assert (Hdv : 0 <= 1 * (Ll ^ Lf * (INR Lf * (cf * (1 * (4 * 1 * B)))))).
  { pose proof (pos_INR Lf). apply Rmult_le_pos; [lra|]. apply Rmult_le_pos; [lra|].
    apply Rmult_le_pos; [lra|]. nra. }
  apply Rmult_le_compat.
  - apply pow_le. unfold Rdiv. apply Rmult_le_pos; lra.
  - apply Rmult_le_pos; [apply pow_le, Hlam|]. nra.
  - apply pow_incr. split; [unfold Rdiv; apply Rmult_le_pos; lra|].
    unfold Rdiv. replace (1 * Ll ^ Lf * 1) with (Ll ^ Lf) by ring.
    assert (lam ^ Lf * / INR T <= Ll ^ Lf * / INR T) by (apply Rmult_le_compat_r; lra).
    lra.
  - rewrite pow_add.
    assert (H1 : lam ^ Lf * lam ^ L * (INR L * 4 * B)
                 <= Ll ^ Lf * (Ll ^ L * (0 + INR L * (cf * (1 * (4 * 1 * B)))))).
    { replace (0 + INR L * (cf * (1 * (4 * 1 * B)))) with (cf * (INR L * 4 * B)) by ring.
      assert (0 <= INR L * 4 * B) by nra.
      assert (INR L * 4 * B <= cf * (INR L * 4 * B)) by nra.
      assert (Hm : lam ^ Lf * lam ^ L <= Ll ^ Lf * Ll ^ L) by (apply Rmult_le_compat; lra).
      replace (Ll ^ Lf * (Ll ^ L * (cf * (INR L * 4 * B)))) with (Ll ^ Lf * Ll ^ L * (cf * (INR L * 4 * B))) by ring.
      apply Rmult_le_compat; [nra|lra|exact Hm|lra]. }
    lra.
Qed.

(** The scale-level bound strictly decreases in [g] once [β < g + 2] ([W = 1], [σ = 1],
    first scale). *)
Theorem scale_bound_decreasing (beta B : R) (d Lf T L g : nat) :
  0 < beta -> 0 < B -> (0 < T)%nat -> (0 < L)%nat -> beta < INR (S (S g)) ->
  scale_rhs 1 beta beta (exp (2 * beta)) (exp (2 * beta)) 1 d d Lf T L (eps_T (S g) beta) (eps_T (S g) beta) B 0
  < scale_rhs 1 beta beta (exp (2 * beta)) (exp (2 * beta)) 1 d d Lf T L (eps_T g beta) (eps_T g beta) B 0.
Proof.
  intros Hb HB HT HL Hg.
  rewrite (scale_rhs_linear _ _ _ _ _ _ _ _ _ _ _ (eps_T (S g) beta)),
    (scale_rhs_linear _ _ _ _ _ _ _ _ _ _ _ (eps_T g beta)).
  apply Rmult_lt_compat_r; [|apply eps_T_decreasing; assumption].
  pose proof (scale_coef_ge beta B d Lf T L ltac:(lra) ltac:(lra) HT) as Hge. cbv zeta in Hge.
  eapply Rlt_le_trans; [|exact Hge].
  set (lam := 4 * beta * exp (2 * beta) * (2 + 2 * INR d)).
  assert (Hlam : 0 < lam).
  { unfold lam. pose proof (exp_pos (2 * beta)). pose proof (pos_INR d).
    apply Rmult_lt_0_compat; [|lra]. apply Rmult_lt_0_compat; lra. }
  assert (HTp : 0 < INR T) by (apply lt_0_INR, HT). assert (HLp : 0 < INR L) by (apply lt_0_INR, HL).
  apply Rmult_lt_0_compat.
  - apply pow_lt. apply Rdiv_lt_0_compat; [apply pow_lt|]; lra.
  - apply Rmult_lt_0_compat; [apply pow_lt, Hlam|]. apply Rmult_lt_0_compat; [|exact HB]. lra.
Qed.

Corollary tiny_scale_bound_decreasing g : (3 <= g)%nat ->
  scale_rhs 1 4 4 (exp (2 * 4)) (exp (2 * 4)) 1 4 4 1 2 1 (eps_T (S g) 4) (eps_T (S g) 4) 2 0
  < scale_rhs 1 4 4 (exp (2 * 4)) (exp (2 * 4)) 1 4 4 1 2 1 (eps_T g 4) (eps_T g 4) 2 0.
Proof.
  intros Hg. apply scale_bound_decreasing; [lra|lra|lia|lia|].
  rewrite !S_INR. apply le_INR in Hg. simpl in Hg. lra.
Qed.

(** ** tiny: the scale theorem itself *)

(** The layer shape of configs/tiny.toml: width 4, 2 heads of 2, FFN 16, scale 1/2. *)
Definition tiny4_LD : Layer.LDims :=
  {| Layer.ld := 4; Layer.lH := 2; Layer.ldh := 2; Layer.ldff := 16; Layer.lsn := 1%Z; Layer.lsd := 2%Z |}.

Lemma tiny4_beta : head_beta (Layer.ldh tiny4_LD) (rscale tiny4_LD) 2 = 4.
Proof. unfold head_beta, rscale. simpl. field. Qed.

(** One scale of a tiny-shaped model (one AR layer, one flow-head layer, [T = 2]), degree
    [g = 51], with the hypotheses of [fast_scale_error] at [W = 1], [σ = 1], [B = 2]
    ([= W(W·√4 + 0)], [ActBounds.qkv_of_floor]) and the same input sequence for both models:
    the fast and exact flow-head outputs are within [10⁻³]. *)
Theorem tiny_scale_error (Dm : FlowHead.FHDims) (G : list R) (offl : nat -> nat) (lim : nat -> nat)
    (N wo M off : nat) (X F0 : rmat) :
  FlowHead.fhLD Dm = tiny4_LD -> FlowHead.fhLf Dm = 1%nat -> (off + M <= N)%nat ->
  ScaleError.tf_weights_ok tiny4_LD G offl lim N 1 51 2 1 1 ->
  ScaleError.tf_ok tiny4_LD G offl lim N 1 51 2 1 (taylor_exp 51) X ->
  ScaleError.tf_ok tiny4_LD G offl lim N 1 51 2 1 exp X ->
  fh_weights_ok Dm G wo M 2 51 2 1 1 ->
  flow_acts_ok_cond Dm G wo M 2 (ScaleError.rcond_rows off (ScaleError.rtf tiny4_LD G offl lim 1 exp X))
    (ScaleError.rcond_rows off (ScaleError.rtf tiny4_LD G offl lim 1 (taylor_exp 51) X)) 51 2 1 F0 ->
  dinf M (FlowHead.fhc Dm)
    (rflow_fast 51 Dm G wo M 2 F0 (ScaleError.rcond_rows off (ScaleError.rtf tiny4_LD G offl lim 1 (taylor_exp 51) X)))
    (rflow_exact Dm G wo M 2 F0 (ScaleError.rcond_rows off (ScaleError.rtf tiny4_LD G offl lim 1 exp X)))
  < 1 / 1000.
Proof.
  intros HD HLf Hoff HwA HF HE HwF Hacts.
  pose proof (ScaleError.fast_scale_error tiny4_LD Dm G offl lim N 1 wo M 2 off 51 2 1 1 X X F0
                ltac:(rewrite HD; reflexivity) Hoff HwA HF HE HwF Hacts) as H.
  cbv zeta in H. eapply Rle_lt_trans; [exact H|]. clear H.
  rewrite HD, HLf, tiny4_beta, dinf_self.
  change (Layer.ld tiny4_LD) with 4%nat. exact tiny_scale_bound_51.
Qed.
