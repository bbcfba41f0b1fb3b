(** * 1/poly(n) error for Fast FlowAR with a bounded number of scales, and why K = log n breaks it

    [fast_flowar_error_poly]: a family of configurations indexed by [n] with
    - [K ≤ K₀], [L ≤ L₀], [L_f ≤ L_f₀], [T ≤ T₀] (bounded scales, layers and steps),
    - the up-sampling factor fixed ([a = a₀]), model width [d ≤ n] (the paper's
      [d = O(log n)] implies it eventually),
    - [W ≤ W₀], variance floor [σ ≥ σ₀ > 0], entry bound [B ≤ n] (the paper's
      [B = o(√log n)] implies it eventually),
    - a score range [β ≤ β̂(n)] with [β̂ = o(log n)] ([little_o_log], Runtime/FastAsym.v),
    all from some [n₁] on.  With [c₀ = amp_exp K₀ L₀ L_f₀ T₀] (explicit) and the Taylor degree
    [g(n) = taylor_deg β̂(n) n^{a + c₀}] (Runtime/FastRank.v, relative error [n^{-(a+c₀)}]):
    [g = o(log n)] (so the rank is [n^{o(1)}], Runtime/FastAsym.v) and, for every [a ≥ 1],
    there is an [n₀] such that for every [n ≥ n₀] and every input satisfying the hypotheses
    of [fast_flowar_error] at [g(n)],
    {v   ‖rflowar_fast − rflowar_exact‖∞ ≤ 1/n^a. v}

    Which hypothesis yields the polynomial: [flowar_err_bound = ε_T(g, β)·Amp] with
    [Amp = pipe_bound(ε := 1)] ([pipe_bound_linear]).  Each base quantity
    ([W], [1/σ], [d], [B], [β], [e^{2β}], [upn(a)], [L], [L_f]) is [≤ n] for large [n] —
    [e^{2β} ≤ n] is where [β = o(log n)] enters ([exp_two_beta_le]); [Amp] is a product
    of them raised to exponents that depend only on [K, L, L_f, T]
    ([amp_le_pow]: [Amp ≤ n^{amp_exp K L L_f T}]).  BOUNDED [K] AND [T] are what make the
    exponent a constant: [T] enters through [(1 + L_v/T)^T ≤ (1 + L_v)^T], and [K] through
    the per-scale factor [(1 + W·upn·A)^{K−1}].

    What fails when [K] grows like [log n] ([scale_factor_compounds], [k_log_superpoly]):
    for FlowAR's own pyramid ([s₀ = 1], [a = 2]) the last side is [n = 2^{K−1}], and the
    bound contains [x^{K−1} = n^{log₂ x}] with [x = 1 + W·upn·A] the per-scale factor.
    [x ≥ 1 + W³·upn·(2 + 2d)/σ] ([scale_factor_ge]), so with [d → ∞] (e.g. [d = Θ(log n)])
    [x] exceeds every [2^c] and the bound exceeds [n^c·b] for every [c]: the bound is not
    polynomial in [n]; it is only when [x = O(1)] (bounded [d, W, 1/σ, β, L, L_f, T]). *)
From Coq Require Import Reals Lra Lia NArith.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel AttnStability
  LayerError FlowHeadError FlowHeadCond RealPipeline PipelineError PipelineBound.
From FlowARProofs.Runtime Require Import FastRank TaylorDegree FastAsym.
From FlowARProofs.Pipeline Require Layer FlowHead FlowAR.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** ** Bounds by powers of [x ≥ 16] *)

Section powers.
  Context (x : R) (Hx : 16 <= x).

  Lemma x_pos : 0 < x.   Proof. lra. Qed.
  Lemma x_pow_ge1 i : 1 <= x ^ i.   Proof. apply pow_R1_Rle. lra. Qed.

  Lemma lp_mul a b i j : 0 <= a <= x ^ i -> 0 <= b <= x ^ j -> 0 <= a * b <= x ^ (i + j).
  Proof. intros. rewrite pow_add. apply mm; assumption. Qed.

  Lemma lp_1p a i : 0 <= a <= x ^ i -> 0 <= 1 + a <= x ^ S i.
  Proof. intros. pose proof (x_pow_ge1 i). simpl. split; [lra|]. nra. Qed.

  Lemma lp_add a b i : 0 <= a <= x ^ i -> 0 <= b <= x ^ i -> 0 <= a + b <= x ^ S i.
  Proof. intros. pose proof (x_pow_ge1 i). simpl. split; [lra|]. nra. Qed.

  Lemma lp_pow a i m : 0 <= a <= x ^ i -> 0 <= a ^ m <= x ^ (i * m).
  Proof. intros. rewrite pow_mult. apply pwm. assumption. Qed.

  Lemma lp_up a i j : 0 <= a <= x ^ i -> (i <= j)%nat -> 0 <= a <= x ^ j.
  Proof. intros Ha Hij. split; [lra|]. eapply Rle_trans; [apply Ha|]. apply Rle_pow; [lra|exact Hij]. Qed.

  Lemma lp_x : 0 <= x <= x ^ 1.   Proof. simpl. lra. Qed.

  Lemma lp_le a : 0 <= a <= x -> 0 <= a <= x ^ 1.   Proof. simpl. lra. Qed.

  Context (n : nat) (Hn : INR n = x).

  Lemma c_LN_x : 0 <= c_LN x (/ x) n <= x ^ 4.
  Proof.
    unfold c_LN. rewrite Hn. unfold Rdiv. rewrite Rinv_inv.
    split; [apply Rmult_le_pos; [lra|]; apply Rmult_le_pos; lra|]. simpl. nra.
  Qed.

  Lemma c_head_x : 0 <= c_head x x x <= x ^ 4.
  Proof. unfold c_head. split; [apply Rmult_le_pos; nra|]. simpl. nra. Qed.

  Lemma c_layer_x : 0 <= c_layer x x x (/ x) n <= x ^ 17.
  Proof.
    unfold c_layer, c_ffn, c_att. pose proof c_LN_x. pose proof c_head_x.
    apply (lp_mul _ _ 7 10).
    - apply (lp_1p _ 6). apply (lp_mul _ _ 2 4); [apply (lp_mul _ _ 1 1); apply lp_x|assumption].
    - apply (lp_1p _ 9). apply (lp_mul _ _ 5 4); [apply (lp_mul _ _ 1 4); [apply lp_x|assumption]|assumption].
  Qed.

  Lemma c_delta_x : 0 <= c_delta x (/ x) n 1 x <= x ^ 10.
  Proof.
    unfold c_delta, c_ffn. pose proof c_LN_x.
    apply (lp_mul _ _ 7 3).
    - apply (lp_1p _ 6). apply (lp_mul _ _ 2 4); [apply (lp_mul _ _ 1 1); apply lp_x|assumption].
    - apply (lp_mul _ _ 1 2); [apply lp_x|]. apply (lp_mul _ _ 1 1); [|apply lp_x].
      apply lp_le. lra.
  Qed.

  Context (L Lf T K : nat) (HL : (L <= n)%nat) (HLf : (Lf <= n)%nat) (HT : (0 < T)%nat).

  Lemma INR_le_x m : (m <= n)%nat -> 0 <= INR m <= x ^ 1.
  Proof. intros. apply lp_le. rewrite <- Hn. apply INR_mono. assumption. Qed.

  Lemma sc_amp_x : 0 <= sc_amp x x x (/ x) n Lf T <= x ^ ((17 * Lf + 3) * T).
  Proof.
    split; [pose proof (sc_amp_ge1 x x x (/ x) n Lf T ltac:(lra)
              ltac:(apply Rinv_0_lt_compat; lra) ltac:(lra) ltac:(lra) HT); lra|].
    eapply Rle_trans; [apply sc_amp_le; try lra; [apply Rinv_0_lt_compat; lra|exact HT]|].
    apply lp_pow. replace (17 * Lf + 3)%nat with (S (1 + 17 * Lf + 1)) by lia.
    apply lp_1p. unfold fh_Lv. apply lp_mul; [|apply lp_x]. apply lp_mul; [apply lp_x|].
    apply lp_pow, c_layer_x.
  Qed.

  Definition amp_exp_at : nat :=
    let eA := ((17 * Lf + 3) * T)%nat in
    let eG := (eA + (1 + 17 * Lf) + 17 * L)%nat in
    ((eG + 3) * (K - 1) + eA + 17 * Lf + 17 * L + 13)%nat.

  Lemma amp_le_pow_x : 0 <= pipe_bound x x x (/ x) n L Lf T 1 x x (K - 1) <= x ^ amp_exp_at.
  Proof.
    pose proof sc_amp_x as HA. pose proof c_delta_x as Hd.
    assert (HLl : forall m, 0 <= c_layer x x x (/ x) n ^ m <= x ^ (17 * m)).
    { intros m. apply lp_pow, c_layer_x. }
    unfold pipe_bound, amp_exp_at.
    replace (((17 * Lf + 3) * T + (1 + 17 * Lf) + 17 * L + 3) * (K - 1) + (17 * Lf + 3) * T
             + 17 * Lf + 17 * L + 13)%nat
      with ((S (1 + 1 + ((17 * Lf + 3) * T + (1 + 17 * Lf) + 17 * L))) * (K - 1)
            + ((17 * Lf + 3) * T + S (1 + 17 * Lf + (17 * L + (1 + 10)))))%nat by lia.
    apply lp_mul.
    - apply lp_pow, lp_1p. apply lp_mul; [apply lp_mul; apply lp_x|]. unfold sc_gain.
      apply lp_mul; [apply lp_mul; [exact HA|apply lp_mul; [apply lp_x|apply HLl]]|apply HLl].
    - unfold sc_err. apply lp_mul; [exact HA|]. apply lp_add.
      + unfold fh_dv. apply (lp_up _ (1 + (17 * Lf + (1 + 10)))); [|lia].
        apply lp_mul; [apply lp_x|]. apply lp_mul; [apply HLl|]. apply lp_mul; [apply INR_le_x, HLf|exact Hd].
      + replace (1 + 17 * Lf + (17 * L + (1 + 10)))%nat with (1 + 17 * Lf + (17 * L + (1 + 10)))%nat by lia.
        apply lp_mul; [apply lp_mul; [apply lp_x|apply HLl]|]. apply lp_mul; [apply HLl|].
        apply lp_mul; [apply INR_le_x, HL|exact Hd].
  Qed.
End powers.

(** The exponent of [Amp ≤ n^{amp_exp}]: [eA = (17 L_f + 3)·T] (Euler), [eG = eA + 1 + 17 L_f + 17 L]
    (one scale's gain), [(eG + 3)·(K − 1)] (the scales), plus one scale's own error. *)
Definition amp_exp (K L Lf T : nat) : nat := amp_exp_at L Lf T K.

Lemma amp_exp_mono K L Lf T K0 L0 Lf0 T0 :
  (K <= K0)%nat -> (L <= L0)%nat -> (Lf <= Lf0)%nat -> (T <= T0)%nat -> (amp_exp K L Lf T <= amp_exp K0 L0 Lf0 T0)%nat.
Proof.
  intros HK HL HLf HT. unfold amp_exp, amp_exp_at.
  assert (HA : ((17 * Lf + 3) * T <= (17 * Lf0 + 3) * T0)%nat) by (apply Nat.mul_le_mono; lia).
  assert (HK1 : (K - 1 <= K0 - 1)%nat) by lia.
  assert (HB : (((17 * Lf + 3) * T + (1 + 17 * Lf) + 17 * L + 3) * (K - 1)
                <= ((17 * Lf0 + 3) * T0 + (1 + 17 * Lf0) + 17 * L0 + 3) * (K0 - 1))%nat)
    by (apply Nat.mul_le_mono; lia).
  lia.
Qed.

(** ** The score range enters through [e^{2β} ≤ n] *)

Lemma eps_T_mono g beta beta' : 0 <= beta <= beta' -> eps_T g beta <= eps_T g beta'.
Proof.
  intros Hb. unfold eps_T. pose proof (fact_pos (S g)).
  apply Rmult_le_compat.
  - unfold Rdiv. apply Rmult_le_pos; [apply pow_le; lra|apply Rlt_le, Rinv_0_lt_compat; lra].
  - apply Rlt_le, exp_pos.
  - unfold Rdiv. apply Rmult_le_compat_r; [apply Rlt_le, Rinv_0_lt_compat; lra|]. apply pow_incr; lra.
  - destruct (Req_dec beta beta') as [->|]; [lra|]. apply Rlt_le, exp_increasing. lra.
Qed.

Lemma exp_two_beta_le (beta : R) (bh n : nat) :
  (1 <= n)%nat -> 0 <= beta <= INR bh -> (4 * bh <= Nat.log2 n)%nat -> exp (2 * beta) <= INR n.
Proof.
  intros Hn Hb Hlog.
  assert (H1 : exp (2 * beta) <= exp (INR bh) ^ 2).
  { simpl pow. rewrite Rmult_1_r, <- exp_plus. destruct (Req_dec (2 * beta) (INR bh + INR bh)) as [E|].
    - rewrite E. lra.
    - apply Rlt_le, exp_increasing. lra. }
  eapply Rle_trans; [exact H1|].
  eapply Rle_trans; [apply pow_incr; split; [apply Rlt_le, exp_pos|apply exp_le_3_pow]|].
  rewrite <- pow_mult.
  assert (H2 : 3 ^ (bh * 2) <= 2 ^ (4 * bh)).
  { rewrite (Nat.mul_comm bh 2), !pow_mult. apply pow_incr. simpl. lra. }
  eapply Rle_trans; [exact H2|].
  eapply Rle_trans; [apply Rle_pow; [lra|exact Hlog]|].
  replace 2 with (INR 2) by reflexivity. rewrite <- pow_INR. apply le_INR, pow_log2_le, Hn.
Qed.

Lemma nat_above (r : R) : exists m : nat, r <= INR m.
Proof.
  destruct (archimed r) as [H _]. exists (Z.to_nat (up r)).
  destruct (Z_le_gt_dec 0 (up r)) as [H0|H0].
  - rewrite INR_IZR_INZ, Z2Nat.id by exact H0. lra.
  - assert (IZR (up r) < 0) by (apply IZR_lt; lia). pose proof (pos_INR (Z.to_nat (up r))). lra.
Qed.

(** ** The theorem *)

(** The regime, from [n₁] on. *)
Definition poly_regime (cfgs : nat -> FlowAR.Config) (Bs ss Ws : nat -> R) (betah : nat -> nat)
    (K0 L0 Lf0 T0 a0 n1 : nat) (W0 s0 : R) : Prop :=
  0 < s0 /\ little_o_log betah /\
  forall n, (n1 <= n)%nat ->
    (FlowAR.K (cfgs n) <= K0)%nat /\ (FlowAR.L (cfgs n) <= L0)%nat /\ (FlowAR.Lf (cfgs n) <= Lf0)%nat
    /\ (FlowAR.T (cfgs n) <= T0)%nat /\ FlowAR.a (cfgs n) = a0 /\ (FlowAR.dm (cfgs n) <= n)%nat
    /\ Ws n <= W0 /\ s0 <= ss n /\ Bs n <= INR n
    /\ flowar_beta (cfgs n) (Bs n) <= INR (betah n).

Theorem fast_flowar_error_poly (cfgs : nat -> FlowAR.Config) (Gs : nat -> list R) (Bs ss Ws : nat -> R)
    (betah : nat -> nat) (K0 L0 Lf0 T0 a0 n1 : nat) (W0 s0 : R) (a : nat) :
  (1 <= a)%nat ->
  poly_regime cfgs Bs ss Ws betah K0 L0 Lf0 T0 a0 n1 W0 s0 ->
  let c0 := amp_exp K0 L0 Lf0 T0 in
  let gs := fun n => taylor_deg (N.of_nat (betah n)) (N.of_nat (n ^ (a + c0))) in
  little_o_log gs
  /\ exists n0, forall n, (n0 <= n)%nat ->
       pipe_hyps (cfgs n) (Gs n) (gs n) (Bs n) (ss n) (Ws n) ->
       dinf (FlowAR.tok (cfgs n) (FlowAR.K (cfgs n) - 1)) (FlowAR.ch (cfgs n))
         (rflowar_fast (gs n) (cfgs n) (Gs n)) (rflowar_exact (cfgs n) (Gs n))
       <= / INR n ^ a.
Proof.
  intros Ha (Hs0 & Hlo & Hreg) c0 gs. split.
  { apply taylor_deg_little_o; [lia|exact Hlo]. }
  destruct (Hlo 4%nat ltac:(lia)) as [n2 Hn2].
  destruct (nat_above W0) as [mW HmW]. destruct (nat_above (/ s0)) as [ms Hms].
  destruct (nat_above (upn a0)) as [mU HmU].
  exists (Nat.max 16%nat (Nat.max n1 (Nat.max n2 (Nat.max mW (Nat.max ms (Nat.max mU (Nat.max L0 Lf0))))))).
  intros n Hn Hh.
  destruct (Hreg n ltac:(lia)) as (HK & HL & HLf & HT & Haa & Hd & HW & Hs & HB & Hbeta).
  set (cfg := cfgs n) in *. set (x := INR n).
  assert (Hx : 16 <= x) by (unfold x; replace 16 with (INR 16) by (simpl; lra); apply le_INR; lia).
  pose proof Hh as (HK1 & Ha0 & _ & Hsc). destruct (Hsc O ltac:(lia)) as (_ & _ & _ & HwF & _).
  destruct HwF as (_ & _ & _ & HWb & Hsp & HB0 & Hscl & HT0 & _).
  set (beta := flowar_beta cfg (Bs n)) in *.
  assert (Hbe : 0 <= beta) by (apply head_beta_nonneg, Hscl).
  assert (Hlog : (4 * betah n <= Nat.log2 n)%nat) by (apply Hn2; lia).
  assert (Hlogn : (Nat.log2 n <= n)%nat) by (apply Nat.log2_le_lin; lia).
  (* the Taylor error at g(n) *)
  assert (Heps : eps_T (gs n) beta <= / x ^ (a + c0)).
  { eapply Rle_trans; [apply eps_T_mono; split; [exact Hbe|exact Hbeta]|].
    unfold x. rewrite <- pow_INR. apply deg_ok_eps_T; [|apply taylor_deg_ok].
    pose proof (Nat.pow_le_mono_l 1 n (a + c0) ltac:(lia)). rewrite Nat.pow_1_l in H. lia. }
  (* the amplification *)
  assert (Hamp : pipe_bound (Ws n) beta (exp (2 * beta)) (ss n) (FlowAR.dm cfg) (FlowAR.L cfg)
                   (FlowAR.Lf cfg) (FlowAR.T cfg) 1 (Bs n) (upn (FlowAR.a cfg)) (FlowAR.K cfg - 1)
                 <= x ^ c0).
  { assert (H1 : 0 <= Ws n <= x).
    { split; [exact HWb|]. pose proof (le_INR mW n ltac:(lia)). fold x in H. lra. }
    assert (H2 : 0 <= beta <= x).
    { split; [exact Hbe|]. pose proof (le_INR _ _ Hlogn). pose proof (le_INR _ _ Hlog). fold x in H.
      rewrite mult_INR in H0. replace (INR 4) with 4 in H0 by (simpl; lra). pose proof (pos_INR (betah n)). lra. }
    assert (H3 : 0 <= exp (2 * beta) <= x).
    { split; [apply Rlt_le, exp_pos|]. apply exp_two_beta_le with (bh := betah n); [lia|lra|exact Hlog]. }
    assert (H4 : 0 < / x <= ss n).
    { split; [apply Rinv_0_lt_compat; lra|]. eapply Rle_trans; [|exact Hs].
      rewrite <- (Rinv_inv s0). apply Rinv_le_contravar; [apply Rinv_0_lt_compat, Hs0|].
      pose proof (le_INR ms n ltac:(lia)). fold x in H. lra. }
    assert (H5 : 0 <= Bs n <= x) by (split; [exact HB0|exact HB]).
    assert (H6 : 0 <= upn (FlowAR.a cfg) <= x).
    { split; [apply upn_nonneg|]. rewrite Haa. pose proof (le_INR mU n ltac:(lia)). fold x in H. lra. }
    pose proof (pipe_bound_mono (Ws n) x beta x (exp (2 * beta)) x (ss n) (/ x) (FlowAR.dm cfg) n 1 1
      (Bs n) x (upn (FlowAR.a cfg)) x H1 H2 H3 H4 Hd ltac:(lra) H5 H6 (FlowAR.L cfg) (FlowAR.L cfg)
      (FlowAR.Lf cfg) (FlowAR.Lf cfg) (FlowAR.T cfg) ltac:(lia) ltac:(lia) HT0
      (FlowAR.K cfg - 1) (FlowAR.K cfg - 1) ltac:(lia)) as [_ Hm].
    eapply Rle_trans; [exact Hm|].
    eapply Rle_trans; [apply (amp_le_pow_x x Hx n eq_refl (FlowAR.L cfg) (FlowAR.Lf cfg) (FlowAR.T cfg)
                                 (FlowAR.K cfg)); [lia|lia|exact HT0]|].
    apply Rle_pow; [lra|]. unfold c0. apply (amp_exp_mono (FlowAR.K cfg) (FlowAR.L cfg) (FlowAR.Lf cfg)
      (FlowAR.T cfg)); assumption. }
  eapply Rle_trans; [apply fast_flowar_error, Hh|].
  unfold flowar_err_bound. fold cfg beta. rewrite pipe_bound_linear.
  pose proof (pipe_bound_mono (Ws n) (Ws n) beta beta (exp (2 * beta)) (exp (2 * beta)) (ss n) (ss n)
    (FlowAR.dm cfg) (FlowAR.dm cfg) 1 1 (Bs n) (Bs n) (upn (FlowAR.a cfg)) (upn (FlowAR.a cfg))
    ltac:(lra) ltac:(lra) ltac:(split; [apply Rlt_le, exp_pos|lra]) ltac:(lra) ltac:(lia) ltac:(lra)
    ltac:(lra) ltac:(split; [apply upn_nonneg|lra]) (FlowAR.L cfg) (FlowAR.L cfg) (FlowAR.Lf cfg)
    (FlowAR.Lf cfg) (FlowAR.T cfg) ltac:(lia) ltac:(lia) HT0 (FlowAR.K cfg - 1) (FlowAR.K cfg - 1)
    ltac:(lia)) as [Hp0 _].
  pose proof (eps_T_nonneg (gs n) beta Hbe).
  eapply Rle_trans; [apply Rmult_le_compat; [lra|exact Hp0|exact Heps|exact Hamp]|].
  assert (Hxa : 0 < x ^ a) by (apply pow_lt; lra).
  assert (Hxc : 0 < x ^ c0) by (apply pow_lt; lra).
  rewrite pow_add, Rinv_mult. right. field. split; lra.
Qed.

(** The regime is satisfiable: a fixed configuration with fixed bounds (every [n ≥ d]).  So
    [fast_flowar_error_poly] applies to any one model, with the degree [g(n)] growing for the
    target [n^{-a}]. *)
Lemma little_o_log_const (b : nat) : little_o_log (fun _ => b).
Proof.
  intros k Hk. exists (2 ^ (k * b))%nat. intros n Hn.
  rewrite <- (Nat.log2_pow2 (k * b)) at 1 by lia. apply Nat.log2_le_mono, Hn.
Qed.

Lemma poly_regime_fixed (cfg : FlowAR.Config) (B s Wb : R) (bh : nat) :
  0 < s -> 0 <= B -> flowar_beta cfg B <= INR bh ->
  poly_regime (fun _ => cfg) (fun _ => B) (fun _ => s) (fun _ => Wb) (fun _ => bh)
    (FlowAR.K cfg) (FlowAR.L cfg) (FlowAR.Lf cfg) (FlowAR.T cfg) (FlowAR.a cfg)
    (Nat.max (FlowAR.dm cfg) (Z.to_nat (up B))) Wb s.
Proof.
  intros Hs HB Hb. split; [exact Hs|split; [apply little_o_log_const|]].
  intros n Hn. repeat split; try lia; try lra; try exact Hb.
  destruct (archimed B) as [H _]. apply Rlt_le, (Rlt_le_trans _ _ _ H).
  assert (Hu : (0 <= up B)%Z) by (apply le_IZR; lra).
  rewrite <- (Z2Nat.id (up B)) by exact Hu. rewrite <- INR_IZR_INZ. apply le_INR. lia.
Qed.

(** ** When [K] grows like [log n] *)

(** The per-scale factor [x = 1 + W·upn·A] grows with the width [d] (through LayerNorm's
    constant [c_LN = W·(2 + 2d)/σ]): [x ≥ 1 + W⁴·upn·(2 + 2d)/σ]. *)
Lemma scale_factor_ge Wb beta E s d L Lf T U :
  0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E -> (0 < T)%nat -> (0 < L)%nat -> 0 <= U ->
  1 + Wb * U * (Wb * (Wb * Wb * c_LN Wb s d)) <= 1 + Wb * U * sc_gain Wb beta E s d L Lf T.
Proof.
  intros HW Hs Hb HE HT HL0 HU. apply Rplus_le_compat_l. apply Rmult_le_compat_l; [apply Rmult_le_pos; lra|].
  unfold sc_gain. pose proof (sc_amp_ge1 Wb beta E s d Lf T HW Hs Hb HE HT).
  pose proof (c_layer_ge1 Wb beta E s d HW Hs Hb HE) as HL.
  set (Ll := c_layer Wb beta E s d) in *.
  assert (H1 : 1 <= Ll ^ Lf) by (apply pow_R1_Rle; lra).
  assert (H2 : Ll <= Ll ^ L) by (rewrite <- (pow_1 Ll) at 1; apply Rle_pow; [lra|lia]).
  assert (H3 : Wb * Wb * c_LN Wb s d <= Ll).
  { unfold Ll, c_layer, c_ffn. pose proof (c_att_ge1 Wb beta E s d HW Hs Hb HE).
    pose proof (c_LN_nonneg Wb s d HW Hs). assert (0 <= Wb * Wb * c_LN Wb s d) by (apply Rmult_le_pos; nra).
    nra. }
  assert (0 <= Wb * Wb * c_LN Wb s d) by (pose proof (c_LN_nonneg Wb s d HW Hs); apply Rmult_le_pos; nra).
  assert (Wb <= Wb * Ll ^ Lf) by nra.
  assert (0 <= Wb * Ll ^ Lf) by nra.
  assert (Wb * Ll ^ Lf <= sc_amp Wb beta E s d Lf T * (Wb * Ll ^ Lf)) by nra.
  assert (Wb * (Wb * Wb * c_LN Wb s d) <= Wb * Ll ^ Lf * Ll ^ L) by nra.
  nra.
Qed.

(** The compounding itself: a factor [x ≥ 2^c] per scale over [m] scales is [≥ (2^m)^c = n^c] for
    FlowAR's last side [n = 2^m] ([s₀ = 1], [a = 2], [K = m + 1]). *)
Lemma scale_factor_compounds (x : R) (c m : nat) : 2 ^ c <= x -> (2 ^ m) ^ c <= x ^ m.
Proof.
  intros Hx. rewrite <- !pow_mult, Nat.mul_comm, pow_mult. apply pow_incr. split; [apply pow_le; lra|exact Hx].
Qed.

(** With [K = m + 1] scales ([n = 2^m]), as soon as the width makes the per-scale factor
    exceed [2^c], the bound for the last scale exceeds [n^c] times one scale's own error:
    for [d → ∞] this holds for every [c], so the bound is not polynomial in [n]. *)
Theorem k_log_superpoly Wb beta E s d L Lf T eps B U (c m : nat) :
  0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E -> (0 < T)%nat -> (0 < L)%nat -> 0 <= U -> 0 <= eps -> 0 <= B ->
  2 ^ c <= 1 + Wb * U * (Wb * (Wb * Wb * c_LN Wb s d)) ->
  (2 ^ m) ^ c * sc_err Wb beta E s d L Lf T eps B <= pipe_bound Wb beta E s d L Lf T eps B U m.
Proof.
  intros HW Hs Hb HE HT HL HU He HB Hc. unfold pipe_bound.
  assert (Herr : 0 <= sc_err Wb beta E s d L Lf T eps B).
  { apply (sc_err_mono Wb Wb beta beta E E s s d d eps eps B B ltac:(lra) ltac:(lra) ltac:(lra)
      ltac:(lra) (le_n d) ltac:(lra) ltac:(lra) L L Lf Lf T (le_n L) (le_n Lf) HT). }
  apply Rmult_le_compat_r; [exact Herr|]. apply scale_factor_compounds.
  eapply Rle_trans; [exact Hc|]. apply scale_factor_ge; assumption.
Qed.
