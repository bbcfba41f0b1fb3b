(** * The whole-pipeline error bound as a sound dyadic upper bound

    [PipelineError.flowar_err_bound cfg g B σ W] (the bound of
    [fast_flowar_error]) evaluated with the upper-rounded dyadics of
    Dyadic.v, for a configuration and rational [B], [σ], [W]:

    - [dflowar_bound cfg g B σ W : dy] (a mantissa below [2^61] and a [Z]
      exponent): [vm_compute] evaluates it also where the exact rational
      [PipelineBound.qflowar_bound] is out of reach (FlowAR-S/L/H: the bound
      exceeds [10^{10^6}], [e^{2β}] with [β] in the thousands, and the
      Taylor degree must be in the tens of thousands for [ε_T(g, β) ≤ ½]);
    - [flowar_err_bound_le_dy]: [flowar_err_bound ≤ dval (dflowar_bound …)]
      under the side conditions of [flowar_err_bound_le_Q] ([B, W ≥ 0],
      [σ > 0], [a, T ≥ 1], scale [≥ 0] with a nonzero denominator).  The
      leaves: [e^{2β} ≤ 3^k] ([k = ⌈2β⌉], at least 1), [ε_T(g, β) ≤
      β^{g+1}·(1/(g+1)!)·3^k] with [β^{g+1}] by squaring and [1/(g+1)!] the
      rounded-up reciprocal of [(g+1)!] rounded down ([dinvfact]: no unary
      factorial, no division per factor), [1/σ], [1/T] and [upn(a)] rounded
      up;
    - [err_sides], [flowar_err_bound_le_dy_checked], [eps_half_checked]: the
      side conditions as one computable test, as the generated obligations
      file uses them; [qsqrt_up], [sqrt_le_qsqrt_up], [qkv_Q]: the q/k/v bound
      [W(W·⌈√d⌉ + bℓ)] of [ActBounds.qkv_of_floor] as a rational;
    - [eps_half_of_dy]: [dle_pow (deps cfg g B) (-1) = true] (a computable
      test) proves the hypothesis [ε_T(g, β) ≤ ½] of [tf_weights_ok] and
      [fh_weights_ok] (conservative: it tests the upper bound against
      [2^{-1}] by its leading bit).

    Used by [flowar-proofs obligations] ([val_error_bound]) for a config's
    [[error]] table. *)
From Coq Require Import Reals Lra Lia ZArith QArith Qreals.
From FlowARProofs.Error Require Import Taylor RealModel AttnStability LayerError FlowHeadError RealPipeline
  PipelineError Dyadic ConfigBound.
From FlowARProofs.Error Require ActBounds.
From FlowARProofs.Error Require PipelineBound.
From FlowARProofs.Pipeline Require Layer FlowAR.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (q : Q) (n : nat).

(** ** The expression tree of [pipe_bound] *)

(** A dyadic with [dprec] more mantissa bits and the same value.  Integers and [3^k] enter the tree
    widened: [dadd] rounds a sum whose smaller term is below one unit of the larger one by adding
    one unit, which must be [2^{-60}] of it, not [1] (ConfigBound's [bZ 1] would turn [1 + x] into
    [2] for a small [x]). *)
Definition dwide (x : dy) : dy := Dy (dm x * 2 ^ dprec) (de x - dprec).

Lemma dwide_val x : dval (dwide x) = dval x.
Proof.
  unfold dwide, dval. cbn [dm de]. rewrite mult_IZR, pow2_IZR by (unfold dprec; lia).
  rewrite Rmult_assoc, <- powerRZ2_add. f_equal. f_equal. ring.
Qed.

Lemma leaf_wide x u : leaf_ok x u -> leaf_ok x (dwide u).
Proof.
  intros [H Hm]. split; [rewrite dwide_val; exact H|]. unfold dwide. cbn [dm].
  pose proof (Z.pow_pos_nonneg 2 dprec ltac:(lia) ltac:(unfold dprec; lia)). nia.
Qed.

Definition wZ (z : Z) : bex := BLeaf (IZR z) (dwide (Dy z 0)).
Definition wN n : bex := BLeaf (INR n) (dwide (Dy (Z.of_nat n) 0)).

Lemma wZ_ok z : (0 <= z)%Z -> bok (wZ z).
Proof. intros H. apply leaf_wide, (bZ_ok z H). Qed.

Lemma wN_ok n : bok (wN n).
Proof. apply leaf_wide, (bN_ok n). Qed.

(** Mirrors [c_LN], [c_head], [c_att], [c_ffn], [c_layer], [c_delta] (LayerError.v) and
    [pipe_bound], [sc_err], [sc_gain], [sc_amp], [fh_dv], [fh_Lv] (PipelineError.v,
    FlowHeadError.v). *)
Section tree.
  Variables (W b E si eps B U iT : bex) (d L Lf T i : nat).
  Definition p_cLN := BMul W (BMul (BAdd (wZ 2) (BMul (wZ 2) (wN d))) si).
  Definition p_chead := BMul W (BAdd (wZ 1) (BMul (BMul (wZ 4) b) E)).
  Definition p_catt := BAdd (wZ 1) (BMul (BMul W p_chead) p_cLN).
  Definition p_cffn := BAdd (wZ 1) (BMul (BMul W W) p_cLN).
  Definition p_clayer := BMul p_cffn p_catt.
  Definition p_cdelta := BMul p_cffn (BMul W (BMul (BMul (wZ 4) eps) B)).

  Definition pipe_tree : bex :=
    let CL := p_clayer in
    let amp := BPow (BAdd (wZ 1) (BMul (BMul (BMul W (BPow CL Lf)) W) iT)) T in
    let gain := BMul (BMul amp (BMul W (BPow CL Lf))) (BPow CL L) in
    let err := BMul amp (BAdd (BMul W (BMul (BPow CL Lf) (BMul (wN Lf) p_cdelta)))
                              (BMul (BMul W (BPow CL Lf)) (BMul (BPow CL L) (BMul (wN L) p_cdelta)))) in
    BMul (BPow (BAdd (wZ 1) (BMul (BMul W U) gain)) i) err.
End tree.

Lemma pipe_tree_value Wb beta E s d L Lf T eps B U i (uW ub uE usi ueps uB uU uiT : dy) :
  bR (pipe_tree (BLeaf Wb uW) (BLeaf beta ub) (BLeaf E uE) (BLeaf (/ s) usi) (BLeaf eps ueps)
        (BLeaf B uB) (BLeaf U uU) (BLeaf (/ INR T) uiT) d L Lf T i)
  = pipe_bound Wb beta E s d L Lf T eps B U i.
Proof. reflexivity. Qed.

(** ** Leaves *)

(** [1/n!]: [n!] rounded DOWN ([dnorm_dn] truncates the mantissa to [dprec] bits; the index is
    kept in binary, a unary [nat] conversion at every step would be quadratic), then one
    reciprocal rounded up ([dinv_up]).  No division per factor. *)
Definition dnorm_dn (x : dy) : dy :=
  let k := (Z.log2 (dm x) - dprec)%Z in
  if (0 <? k)%Z then Dy (Z.shiftr (dm x) k) (de x + k) else x.

Lemma dnorm_dn_sound x : (1 <= dm x)%Z -> (1 <= dm (dnorm_dn x))%Z /\ dval (dnorm_dn x) <= dval x.
Proof.
  intros Hx. unfold dnorm_dn. set (k := (Z.log2 (dm x) - dprec)%Z).
  destruct (Z.ltb_spec 0 k) as [Hk|Hk]; [|split; [exact Hx|lra]].
  cbn [dm de]. rewrite Z.shiftr_div_pow2 by lia.
  assert (Hp : (0 < 2 ^ k)%Z) by (apply Z.pow_pos_nonneg; lia).
  pose proof (Z.mod_pos_bound (dm x) (2 ^ k) Hp). pose proof (Z.div_mod (dm x) (2 ^ k) ltac:(lia)).
  split.
  - destruct (Z.log2_spec (dm x) ltac:(lia)) as [Hl _].
    assert (2 ^ k <= dm x)%Z.
    { eapply Z.le_trans; [|exact Hl]. apply Z.pow_le_mono_r; [lia|unfold k, dprec in *; lia]. }
    apply Z.div_le_lower_bound; lia.
  - unfold dval. cbn [dm de]. rewrite powerRZ2_add, <- (pow2_IZR k) by lia.
    assert (Hle : IZR (dm x / 2 ^ k) * IZR (2 ^ k) <= IZR (dm x)).
    { rewrite <- mult_IZR. apply IZR_le. nia. }
    pose proof (powerRZ2_pos (de x)).
    replace (IZR (dm x / 2 ^ k) * (powerRZ 2 (de x) * IZR (2 ^ k)))
      with (IZR (dm x / 2 ^ k) * IZR (2 ^ k) * powerRZ 2 (de x)) by ring.
    apply Rmult_le_compat_r; lra.
Qed.

Fixpoint dfact_dn n : dy * positive :=
  match n with
  | O => (Dy 1 0, 1%positive)
  | S m => let (u, p) := dfact_dn m in (dnorm_dn (Dy (dm u * Z.pos p) (de u)), Pos.succ p)
  end.

Lemma dfact_dn_index n : snd (dfact_dn n) = Pos.of_succ_nat n.
Proof.
  induction n as [|n IH]; [reflexivity|]. cbn [dfact_dn]. destruct (dfact_dn n) as [u p].
  cbn [snd] in *. rewrite IH. reflexivity.
Qed.

Lemma dfact_dn_sound n : (1 <= dm (fst (dfact_dn n)))%Z /\ dval (fst (dfact_dn n)) <= INR (fact n).
Proof.
  induction n as [|n IH].
  - cbn. unfold dval. cbn [dm de]. rewrite powerRZ_O. split; [lia|lra].
  - pose proof (dfact_dn_index n) as Hi. cbn [dfact_dn]. destruct (dfact_dn n) as [u p].
    cbn [fst snd] in *. subst p. destruct IH as [Hm Hv].
    destruct (dnorm_dn_sound (Dy (dm u * Z.pos (Pos.of_succ_nat n)) (de u))) as [H1 H2];
      [cbn [dm]; nia|].
    split; [exact H1|]. eapply Rle_trans; [exact H2|]. unfold dval in *. cbn [dm de fact].
    rewrite mult_IZR, Zpos_P_of_succ_nat, <- Nat2Z.inj_succ, <- INR_IZR_INZ, mult_INR.
    pose proof (powerRZ2_pos (de u)). pose proof (pos_INR (S n)).
    replace (INR (S n) * IZR (dm u) * powerRZ 2 (de u)) with (INR (S n) * (IZR (dm u) * powerRZ 2 (de u)))
      by ring. rewrite (Rmult_comm (IZR (dm u))), Rmult_assoc. apply Rmult_le_compat_l; lra.
Qed.

(** [1/x] rounded up, for a mantissa in [[1, 2^{62})]: [(⌊2^{122}/m⌋ + 1)·2^{−e−122}]. *)
Definition dinv_up (x : dy) : dy := Dy (2 ^ 122 / dm x + 1) (- de x - 122).

Lemma dinv_up_sound x : (1 <= dm x)%Z -> / dval x <= dval (dinv_up x) /\ (0 <= dm (dinv_up x))%Z.
Proof.
  intros Hx. unfold dinv_up, dval. cbn [dm de].
  assert (Hp : (0 < 2 ^ 122)%Z) by (apply Z.pow_pos_nonneg; lia).
  pose proof (Z.div_pos (2 ^ 122) (dm x) ltac:(lia) ltac:(lia)).
  split; [|lia].
  pose proof (Z.mod_pos_bound (2 ^ 122) (dm x) ltac:(lia)).
  pose proof (Z.div_mod (2 ^ 122) (dm x) ltac:(lia)).
  assert (Hq : (2 ^ 122 <= (2 ^ 122 / dm x + 1) * dm x)%Z) by nia.
  apply IZR_le in Hq. rewrite mult_IZR, pow2_IZR in Hq by lia.
  assert (Hm : 0 < IZR (dm x)) by (apply IZR_lt; lia).
  pose proof (powerRZ2_pos (de x)). pose proof (powerRZ2_pos (- de x - 122)).
  replace (- de x - 122)%Z with (- de x + - 122)%Z by ring. rewrite powerRZ2_add.
  assert (HE : powerRZ 2 (- de x) * powerRZ 2 (de x) = 1).
  { rewrite <- powerRZ2_add. replace (- de x + de x)%Z with 0%Z by ring. apply powerRZ_O. }
  assert (HF : powerRZ 2 (-122) * powerRZ 2 122 = 1).
  { rewrite <- powerRZ2_add. apply powerRZ_O. }
  rewrite Rinv_mult. apply Rmult_le_reg_r with (IZR (dm x) * powerRZ 2 (de x) * powerRZ 2 122);
    [apply Rmult_lt_0_compat; [apply Rmult_lt_0_compat|]; [lra|lra|apply powerRZ2_pos]|].
  replace (/ IZR (dm x) * / powerRZ 2 (de x) * (IZR (dm x) * powerRZ 2 (de x) * powerRZ 2 122))
    with (powerRZ 2 122) by (field; lra).
  replace (IZR (2 ^ 122 / dm x + 1) * (powerRZ 2 (- de x) * powerRZ 2 (-122))
             * (IZR (dm x) * powerRZ 2 (de x) * powerRZ 2 122))
    with (IZR (2 ^ 122 / dm x + 1) * IZR (dm x) * (powerRZ 2 (- de x) * powerRZ 2 (de x))
          * (powerRZ 2 (-122) * powerRZ 2 122)) by ring.
  rewrite HE, HF. lra.
Qed.

Definition dinvfact n : dy := dinv_up (fst (dfact_dn n)).

Lemma dinvfact_sound n : leaf_ok (/ INR (fact n)) (dinvfact n).
Proof.
  destruct (dfact_dn_sound n) as [Hm Hv]. destruct (dinv_up_sound _ Hm) as [Hi Him].
  pose proof (dval_ge_pow _ Hm) as Hpos. pose proof (powerRZ2_pos (de (fst (dfact_dn n)))).
  split; [|exact Him]. split; [apply Rlt_le, Rinv_0_lt_compat, lt_0_INR, lt_O_fact|].
  eapply Rle_trans; [|exact Hi]. apply Rinv_le_contravar; lra.
Qed.

Lemma Qnum_nonneg q : 0 <= Q2R q -> (0 <= Qnum q)%Z.
Proof.
  intros H. destruct (Z_lt_le_dec (Qnum q) 0) as [Hn|Hn]; [|exact Hn]. exfalso.
  unfold Q2R in H. assert (IZR (Qnum q) < 0) by (apply IZR_lt; exact Hn).
  assert (0 < / IZR (Z.pos (Qden q))) by (apply Rinv_0_lt_compat, IZR_lt; lia). nra.
Qed.

Lemma leaf_Qself q : (0 <= q)%Q -> leaf_ok (Q2R q) (dQ q).
Proof.
  intros H. apply Qle_Rle in H. rewrite PipelineBound.Q2R_0 in H.
  apply leaf_Q; [exact H|lra|apply Qnum_nonneg, H].
Qed.

(** [k = ⌈2β⌉], at least 1 (the exponent of [e^{2β} ≤ 3^k]). *)
Definition dexpk (cfg : FlowAR.Config) (B : Q) : positive := Pos.of_nat (PipelineBound.qexpk cfg B).

(** [ε_T(g, β) ≤ β^{g+1}·(1/(g+1)!)·3^k], in dyadics. *)
Definition deps (cfg : FlowAR.Config) (g : nat) (B : Q) : dy :=
  dmul (dpowp (dQ (PipelineBound.qbeta cfg B)) (Pos.of_succ_nat g))
       (dmul (dinvfact (S g)) (dpowp (Dy 3 0) (dexpk cfg B))).

Section leaves.
  Context (cfg : FlowAR.Config) (g : nat) (B : Q).
  Hypotheses (HB : (0 <= B)%Q) (Hd : Layer.lsd (FlowAR.LD cfg) <> 0%Z)
    (Hsc : 0 <= rscale (FlowAR.LD cfg)).
  Let beta := flowar_beta cfg (Q2R B).

  Lemma beta_nonneg : 0 <= beta.
  Proof. apply head_beta_nonneg, Hsc. Qed.

  Lemma leaf_beta : leaf_ok beta (dQ (PipelineBound.qbeta cfg B)).
  Proof.
    pose proof beta_nonneg. unfold beta. rewrite <- PipelineBound.Q2R_qbeta by exact Hd.
    apply leaf_Q; [rewrite PipelineBound.Q2R_qbeta by exact Hd; exact H|lra|].
    apply Qnum_nonneg. rewrite PipelineBound.Q2R_qbeta by exact Hd. exact H.
  Qed.

  Lemma two_beta_le_dexpk : 2 * beta <= IZR (Z.pos (dexpk cfg B)).
  Proof.
    pose proof (PipelineBound.two_beta_le_k cfg B) as Hk. rewrite PipelineBound.Q2R_qbeta in Hk by exact Hd.
    fold beta in Hk. eapply Rle_trans; [exact Hk|]. unfold dexpk.
    rewrite INR_IZR_INZ. apply IZR_le. destruct (PipelineBound.qexpk cfg B) as [|k]; [simpl; lia|].
    rewrite <- (positive_nat_Z (Pos.of_nat (S k))), Nat2Pos.id by lia. lia.
  Qed.

  Lemma leaf_E : leaf_ok (exp (2 * beta)) (dpowp (Dy 3 0) (dexpk cfg B)).
  Proof. apply leaf_exp; [exact beta_nonneg|exact two_beta_le_dexpk]. Qed.

  Lemma leaf_eps : leaf_ok (eps_T g beta) (deps cfg g B).
  Proof.
    pose proof beta_nonneg as Hb. set (k := Pos.to_nat (dexpk cfg B)).
    assert (Hk : 2 * beta <= INR k).
    { unfold k. rewrite INR_IZR_INZ, positive_nat_Z. exact two_beta_le_dexpk. }
    destruct (dpowp_sound (Dy 3 0) 3 (dexpk cfg B) ltac:(unfold dval; simpl; lra) ltac:(simpl; lia))
      as [[H30 H31] H3m].
    destruct leaf_beta as [Hbl Hblm].
    destruct (dpowp_sound _ _ (Pos.of_succ_nat g) Hbl Hblm) as [[Hp0 Hp1] Hpm].
    rewrite SuccNat2Pos.id_succ in Hp0, Hp1. fold k in H30, H31.
    destruct (dinvfact_sound (S g)) as [[Hf0 Hf1] Hfm].
    destruct (dmul_sound _ _ Hfm H3m) as [Hm1 Hs1]. destruct (dmul_sound _ _ Hpm Hm1) as [Hm2 Hs2].
    unfold deps. split; [|exact Hm2]. split; [apply eps_T_nonneg, Hb|].
    eapply Rle_trans; [apply (eps_T_le_pow3 g beta k Hb Hk)|]. unfold Rdiv.
    rewrite Rmult_assoc. eapply Rle_trans; [|exact Hs2].
    apply Rmult_le_compat; [lra|nra|lra|]. eapply Rle_trans; [|exact Hs1].
    apply Rmult_le_compat; lra.
  Qed.
End leaves.

Lemma leaf_inv q : (0 < q)%Q -> leaf_ok (/ Q2R q) (dQ (/ q)).
Proof.
  intros H. assert (Hq : ~ (q == 0)%Q) by (intros E; rewrite E in H; discriminate).
  rewrite <- Q2R_inv by exact Hq. apply leaf_Qself. apply Qlt_le_weak, Qinv_lt_0_compat, H.
Qed.

Lemma leaf_invnat T : (0 < T)%nat -> leaf_ok (/ INR T) (dQ (1 # Pos.of_nat T)).
Proof.
  intros HT. replace T with (Pos.to_nat (Pos.of_nat T)) at 1 by (apply Nat2Pos.id; lia).
  apply leaf_invT.
Qed.

(** ** The bound *)

Definition dflowar_tree (cfg : FlowAR.Config) (g : nat) (B s Wb : Q) : bex :=
  let beta := flowar_beta cfg (Q2R B) in
  pipe_tree (BLeaf (Q2R Wb) (dQ Wb)) (BLeaf beta (dQ (PipelineBound.qbeta cfg B)))
    (BLeaf (exp (2 * beta)) (dwide (dpowp (Dy 3 0) (dexpk cfg B)))) (BLeaf (/ Q2R s) (dQ (/ s)))
    (BLeaf (eps_T g beta) (deps cfg g B)) (BLeaf (Q2R B) (dQ B))
    (BLeaf (upn (FlowAR.a cfg)) (dQ (PipelineBound.qupn (FlowAR.a cfg))))
    (BLeaf (/ INR (FlowAR.T cfg)) (dQ (1 # Pos.of_nat (FlowAR.T cfg))))
    (FlowAR.dm cfg) (FlowAR.L cfg) (FlowAR.Lf cfg) (FlowAR.T cfg) (FlowAR.K cfg - 1).

(** [bD] only looks at the dyadic side of the leaves. *)
Lemma bD_pipe_tree (x1 x2 x3 x4 x5 x6 x7 x8 y1 y2 y3 y4 y5 y6 y7 y8 : R)
    (u1 u2 u3 u4 u5 u6 u7 u8 : dy) d L Lf T i :
  bD (pipe_tree (BLeaf x1 u1) (BLeaf x2 u2) (BLeaf x3 u3) (BLeaf x4 u4) (BLeaf x5 u5) (BLeaf x6 u6)
        (BLeaf x7 u7) (BLeaf x8 u8) d L Lf T i)
  = bD (pipe_tree (BLeaf y1 u1) (BLeaf y2 u2) (BLeaf y3 u3) (BLeaf y4 u4) (BLeaf y5 u5) (BLeaf y6 u6)
        (BLeaf y7 u7) (BLeaf y8 u8) d L Lf T i).
Proof. cbn [bD pipe_tree p_clayer p_catt p_chead p_cLN p_cffn p_cdelta wZ wN]. reflexivity. Qed.

(** The dyadic bound, computed from the dyadic leaves alone (the real leaves are [0] here, so
    [vm_compute] never meets a real number such as [INR (fact (g + 1))]). *)
Definition dflowar_bound (cfg : FlowAR.Config) (g : nat) (B s Wb : Q) : dy :=
  let z := BLeaf 0 in
  bD (pipe_tree (z (dQ Wb)) (z (dQ (PipelineBound.qbeta cfg B))) (z (dwide (dpowp (Dy 3 0) (dexpk cfg B))))
        (z (dQ (/ s))) (z (deps cfg g B)) (z (dQ B)) (z (dQ (PipelineBound.qupn (FlowAR.a cfg))))
        (z (dQ (1 # Pos.of_nat (FlowAR.T cfg))))
        (FlowAR.dm cfg) (FlowAR.L cfg) (FlowAR.Lf cfg) (FlowAR.T cfg) (FlowAR.K cfg - 1)).

Theorem flowar_err_bound_le_dy cfg g (B s Wb : Q) :
  (0 <= B)%Q -> (0 < s)%Q -> (0 <= Wb)%Q -> (0 < FlowAR.a cfg)%nat -> (0 < FlowAR.T cfg)%nat ->
  Layer.lsd (FlowAR.LD cfg) <> 0%Z -> 0 <= rscale (FlowAR.LD cfg) ->
  flowar_err_bound cfg g (Q2R B) (Q2R s) (Q2R Wb) <= dval (dflowar_bound cfg g B s Wb).
Proof.
  intros HB Hs HW Ha HT Hd Hsc.
  replace (flowar_err_bound cfg g (Q2R B) (Q2R s) (Q2R Wb)) with (bR (dflowar_tree cfg g B s Wb))
    by reflexivity.
  eapply Rle_trans; [apply bR_le|right; unfold dflowar_bound, dflowar_tree; cbv zeta; apply f_equal;
                                  apply bD_pipe_tree]. unfold dflowar_tree, pipe_tree, p_clayer, p_catt, p_chead, p_cLN, p_cffn, p_cdelta.
  pose proof (wN_ok (FlowAR.dm cfg)). pose proof (wN_ok (FlowAR.L cfg)).
  pose proof (wN_ok (FlowAR.Lf cfg)). pose proof (wZ_ok 1 ltac:(lia)).
  pose proof (wZ_ok 2 ltac:(lia)). pose proof (wZ_ok 4 ltac:(lia)).
  pose proof (leaf_Qself Wb HW). pose proof (leaf_Qself B HB). pose proof (leaf_inv s Hs).
  assert (leaf_ok (flowar_beta cfg (Q2R B)) (dQ (PipelineBound.qbeta cfg B))) by (apply leaf_beta; assumption).
  assert (leaf_ok (exp (2 * flowar_beta cfg (Q2R B))) (dwide (dpowp (Dy 3 0) (dexpk cfg B))))
    by (apply leaf_wide, leaf_E; assumption).
  assert (leaf_ok (eps_T g (flowar_beta cfg (Q2R B))) (deps cfg g B)) by (apply leaf_eps; assumption).
  pose proof (leaf_invnat _ HT).
  assert (leaf_ok (upn (FlowAR.a cfg)) (dQ (PipelineBound.qupn (FlowAR.a cfg)))).
  { rewrite <- PipelineBound.Q2R_qupn by exact Ha. apply leaf_Qself.
    apply Rle_Qle. rewrite PipelineBound.Q2R_qupn by exact Ha. rewrite PipelineBound.Q2R_0.
    apply upn_nonneg. }
  cbn [bok]. repeat (first [assumption | split]).
Qed.

(** ** The hypothesis [ε_T(g, β) ≤ ½], decided *)

(** [dle_pow x k = true] ⇒ [dval x ≤ 2^k]. *)
Definition dle_pow (x : dy) (k : Z) : bool :=
  ((dm x <=? 0) || (de x + Z.log2 (dm x) + 1 <=? k))%Z.

Lemma dle_pow_sound x k : (0 <= dm x)%Z -> dle_pow x k = true -> dval x <= powerRZ 2 k.
Proof.
  intros Hm H. unfold dle_pow in H. apply Bool.orb_true_iff in H. destruct H as [H|H].
  - apply Z.leb_le in H. unfold dval. replace (dm x) with 0%Z by lia. rewrite Rmult_0_l.
    apply Rlt_le, powerRZ2_pos.
  - apply Z.leb_le in H. destruct (Z.eq_dec (dm x) 0) as [E|E].
    + unfold dval. rewrite E, Rmult_0_l. apply Rlt_le, powerRZ2_pos.
    + eapply Rle_trans; [apply Rlt_le, dval_lt_pow; lia|]. apply powerRZ2_mono, H.
Qed.

Theorem eps_half_of_dy cfg g (B : Q) :
  (0 <= B)%Q -> Layer.lsd (FlowAR.LD cfg) <> 0%Z -> 0 <= rscale (FlowAR.LD cfg) ->
  dle_pow (deps cfg g B) (-1) = true -> eps_T g (flowar_beta cfg (Q2R B)) <= 1 / 2.
Proof.
  intros HB Hd Hsc H.
  assert (Hl : leaf_ok (eps_T g (flowar_beta cfg (Q2R B))) (deps cfg g B)) by (apply leaf_eps; assumption).
  destruct Hl as [[_ H1] Hm].
  eapply Rle_trans; [exact H1|]. eapply Rle_trans; [apply (dle_pow_sound _ _ Hm H)|].
  simpl. lra.
Qed.

(** ** The activation bound derived from weight bounds ([ActBounds.qkv_of_floor])

    [|q|, |k|, |v| ≤ qkv_B W bℓ r] for any [r ≥ √d]; here [r = ⌈√d⌉] ([Z.sqrt_up]) and the
    bound as a rational. *)
Definition qsqrt_up n : Q := inject_Z (Z.sqrt_up (Z.of_nat n)).

Lemma sqrt_le_qsqrt_up n : sqrt (INR n) <= Q2R (qsqrt_up n).
Proof.
  unfold qsqrt_up. rewrite PipelineBound.Q2R_inject_Z.
  apply ActBounds.sqrt_le_of_sq; [apply IZR_le, Z.sqrt_up_nonneg|].
  rewrite <- mult_IZR, INR_IZR_INZ. apply IZR_le.
  destruct n as [|n]; [simpl; lia|].
  destruct (Z.sqrt_up_spec (Z.of_nat (S n)) ltac:(lia)) as [_ H]. lia.
Qed.

Definition qkv_Q (Wb bl r : Q) : Q := Wb * (Wb * r + bl).

Lemma Q2R_qkv_Q Wb bl r : Q2R (qkv_Q Wb bl r) = ActBounds.qkv_B (Q2R Wb) (Q2R bl) (Q2R r).
Proof. unfold qkv_Q, ActBounds.qkv_B. rewrite Q2R_mult, Q2R_plus, Q2R_mult. reflexivity. Qed.

(** ** The side conditions as one computable test *)

Definition err_sides (cfg : FlowAR.Config) (B s Wb : Q) : bool :=
  Qle_bool 0 B && negb (Qle_bool s 0) && Qle_bool 0 Wb && (0 <? FlowAR.a cfg)%nat
  && (0 <? FlowAR.T cfg)%nat && (0 <=? Layer.lsn (FlowAR.LD cfg))%Z && (0 <? Layer.lsd (FlowAR.LD cfg))%Z.

Lemma err_sides_spec cfg B s Wb : err_sides cfg B s Wb = true ->
  (0 <= B)%Q /\ (0 < s)%Q /\ (0 <= Wb)%Q /\ (0 < FlowAR.a cfg)%nat /\ (0 < FlowAR.T cfg)%nat
  /\ Layer.lsd (FlowAR.LD cfg) <> 0%Z /\ 0 <= rscale (FlowAR.LD cfg).
Proof.
  unfold err_sides. rewrite !Bool.andb_true_iff.
  intros ((((((HB & Hs) & HW) & Ha) & HT) & Hn) & Hd).
  apply Qle_bool_iff in HB. apply Qle_bool_iff in HW. apply Bool.negb_true_iff in Hs.
  apply Nat.ltb_lt in Ha. apply Nat.ltb_lt in HT. apply Z.leb_le in Hn. apply Z.ltb_lt in Hd.
  repeat split; try assumption; try lia.
  - apply Qnot_le_lt. intros H. apply Qle_bool_iff in H. congruence.
  - unfold rscale. apply Rmult_le_pos; [apply IZR_le, Hn|].
    apply Rlt_le, Rinv_0_lt_compat, IZR_lt, Hd.
Qed.

(** What [flowar-proofs obligations] instantiates: the bound of [fast_flowar_error] is at most the
    dyadic, and [ε_T(g, β) ≤ ½], both under computable tests. *)
Theorem flowar_err_bound_le_dy_checked cfg g (B s Wb : Q) :
  err_sides cfg B s Wb = true ->
  flowar_err_bound cfg g (Q2R B) (Q2R s) (Q2R Wb) <= dval (dflowar_bound cfg g B s Wb).
Proof.
  intros H. destruct (err_sides_spec cfg B s Wb H) as (HB & Hs & HW & Ha & HT & Hd & Hsc).
  apply flowar_err_bound_le_dy; assumption.
Qed.

Theorem eps_half_checked cfg g (B s Wb : Q) :
  err_sides cfg B s Wb = true -> dle_pow (deps cfg g B) (-1) = true ->
  eps_T g (flowar_beta cfg (Q2R B)) <= 1 / 2.
Proof.
  intros H. destruct (err_sides_spec cfg B s Wb H) as (HB & _ & _ & _ & _ & Hd & Hsc).
  apply eps_half_of_dy; assumption.
Qed.

(** FlowAR-tiny at [W = 1/4], [σ = 1], [B = 1/2], [g = 3]: below [10⁻³] as for the exact rational
    ([PipelineBound.tiny_pipe_bound_value]), and [ε_T ≤ ½] decided. *)
Example tiny_dy_bound :
  dle_pow (dflowar_bound PipelineBound.tiny_cfg 3 (1 # 2) 1 (1 # 4)) (-10) = true
  /\ dle_pow (deps PipelineBound.tiny_cfg 3 (1 # 2)) (-1) = true.
Proof. vm_compute. split; reflexivity. Qed.
