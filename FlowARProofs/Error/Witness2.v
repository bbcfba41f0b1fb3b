(** * A non-degenerate witness for the flow-head error theorem

    FlowWitness.v's witness has zero weights and one token (fast = exact).
    This one has [M = 2] tokens, nonzero weights and attention weights that
    matter: [d = 2], one head of width 1, [d_ff = 1], scale [1/1], [c = 1]
    channel, [L_f = 1] layer, [T = 2] Euler steps; the weight vector
    [w2_G] (32 entries in [{0, 1/2}], layout of Pipeline/Layer.v and
    FlowHead.v) and the condition [Ŷ = ((1, −1), (−1, 1))].

    How the variance floor is proven without evaluating [exp]: [W_in], [e],
    [W_O] and [W₂] have EQUAL columns and [b_in], [c₂] are 0, so every
    residual update adds the same number to both coordinates of a row; the
    difference [x_{i0} − x_{i1}] of every LayerNorm input is that of [Ŷ],
    [±2] ([diffP], [rvin_diff], [rtattn_diffP], [rtlayer_diffP]), for every
    Euler state [F], every [t], exact or fast weights.  With [d = 2] the
    variance is [((x_0 − x_1)/2)² = 1 = σ²] ([floor_diffP]).  The q/k/v bound
    is NOT checked by hand: it is derived ([ActBounds.stack_ok_of_floors])
    from [W = 1/2], [|b_LN| ≤ 1/2] and [√2 ≤ 3/2]: [B = W(W·3/2 + 1/2) = 5/8],
    [β = scale·d_h·B² = 25/64].

    - [w2_witness]: every hypothesis of [fast_flowhead_error] holds, for every
      [g] with [ε_T(g, 25/64) ≤ 1/2] and every initial noise [F0];
    - [w2_flowhead_error]: hence [‖fast − exact‖∞ < 10⁻³] for every [g ≥ 5]
      ([w2_bound_value]: the rational bound at [g = 5] is [≈ 6.9·10⁻⁴]);
    - [w2_bounds_decrease] (vm_compute, [g = 3 … 8]: ≈ 0.136, 1.06·10⁻²,
      6.9·10⁻⁴, 3.9·10⁻⁵, 1.9·10⁻⁶, 8.2·10⁻⁸) and [w2_bound_decreasing]
      (the real bound, every [g]);
    - [w2_attn_differs]: fast ≠ exact at a realized call: the head's output at
      row 0 is [(1/2)/(w(1/4) + 1)], and [P_g(1/4) < e^{1/4}]
      ([taylor_exp_lt_exp]), so the fast output is strictly larger, at every
      Euler step of both models.

    Limits: the LayerNorm inputs' differential part is constant by design
    (that is what makes the floor provable), so the attention outputs do not
    change along the trajectory; the Euler state enters only through the
    common mode (the residual stream and [W_out]). *)
From Coq Require Import Reals Lra Lia List QArith Qreals.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor FastAttentionError
  RealModel LNStability AttnStability LayerError FlowHeadError FlowBound ActBounds Dyadic.
From FlowARProofs.Pipeline Require Layer FlowHead.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Definition w2_LD : Layer.LDims :=
  {| Layer.ld := 2; Layer.lH := 1; Layer.ldh := 1; Layer.ldff := 1; Layer.lsn := 1%Z; Layer.lsd := 1%Z |}.
Definition w2_Dm : FlowHead.FHDims := {| FlowHead.fhc := 1; FlowHead.fhLD := w2_LD; FlowHead.fhLf := 1 |}.

Definition w2_layer : list R :=
  [ 1/2; 1/2;   (* γ₁ *)
    1/2; 1/2;   (* b₁ *)
    1/2; 0;     (* W_Q *)
    1/2; 0;     (* W_K *)
    0; 1/2;     (* W_V *)
    1/2; 1/2;   (* W_O *)
    1/2; 1/2;   (* γ₂ *)
    1/2; 1/2;   (* b₂ *)
    1/2; 0;     (* W₁ *)
    0;          (* c₁ *)
    1/2; 1/2;   (* W₂ *)
    0; 0 ].     (* c₂ *)

Definition w2_G : list R :=
  [1/2; 1/2; (* W_in *) 0; 0; (* b_in *) 1/2; 1/2 (* e *)] ++ w2_layer ++ [1/2; 0; (* W_out *) 0 (* b_out *)].

Definition w2_Yh : rmat := fun i j =>
  if Nat.eqb j 0 then (if Nat.eqb i 0 then 1 else -1) else (if Nat.eqb i 0 then -1 else 1).

Definition w2_Yd (i : nat) : R := if Nat.eqb i 0 then 2 else -2.

Definition diffP (X : rmat) : Prop := forall i, X i 0%nat - X i 1%nat = w2_Yd i.

Lemma rvin_diff t F : diffP (rvin w2_Dm w2_G 0 t F w2_Yh).
Proof.
  intros i. unfold rvin, rmlp, linear, fw, rdR. cbn [rsum]. simpl.
  unfold w2_Yh, w2_Yd. destruct (Nat.eqb i 0); simpl; lra.
Qed.

Lemma INR_2 : INR 2 = 2.
Proof. simpl. lra. Qed.

Lemma rcent2_0 X i : rcent 2 X i 0%nat = (X i 0%nat - X i 1%nat) / 2.
Proof. unfold rcent, rmean. cbn [rsum]. rewrite INR_2. field. Qed.

Lemma rcent2_1 X i : rcent 2 X i 1%nat = - ((X i 0%nat - X i 1%nat) / 2).
Proof. unfold rcent, rmean. cbn [rsum]. rewrite INR_2. field. Qed.

Lemma rvar2 X i : rvar 2 X i = (X i 0%nat - X i 1%nat) / 2 * ((X i 0%nat - X i 1%nat) / 2).
Proof. unfold rvar. cbn [rsum]. rewrite rcent2_0, rcent2_1, INR_2. field. Qed.

Lemma Yd_sq i : w2_Yd i / 2 * (w2_Yd i / 2) = 1.
Proof. unfold w2_Yd. destruct (Nat.eqb i 0); field. Qed.

Lemma rvar_diffP X i : diffP X -> rvar 2 X i = 1.
Proof. intros HX. rewrite rvar2, HX. apply Yd_sq. Qed.

Lemma floor_diffP X : diffP X -> var_floor 2 2 1 X.
Proof. intros HX i _. rewrite rvar_diffP by exact HX. lra. Qed.

Lemma rln_diffP X i : diffP X -> rln 2 X i 0%nat = w2_Yd i / 2 /\ rln 2 X i 1%nat = - (w2_Yd i / 2).
Proof.
  intros HX. unfold rln. rewrite rvar_diffP, sqrt_1, rcent2_0, rcent2_1, HX by exact HX.
  split; field.
Qed.

(** ** The layer preserves the difference of the two coordinates *)

Lemma linear1_cols X W (b : nat -> R) i :
  W 0%nat 0%nat = W 0%nat 1%nat -> b 0%nat = b 1%nat -> linear 1 X W b i 0%nat = linear 1 X W b i 1%nat.
Proof. intros HW Hb. unfold linear. cbn [rsum]. rewrite HW, Hb. reflexivity. Qed.

(** The offset of the flow head's (only) layer. *)
Definition w2_lo : nat := 0 + FlowHead.fh_layers w2_Dm + 0 * Layer.tl_size (FlowHead.fhLD w2_Dm).

Lemma rtattn_diffP w lim X : diffP X -> diffP (rtattn w2_LD w2_G w2_lo w lim X).
Proof.
  intros HX i. unfold rtattn, madd, rmha, rmatmul.
  change (Layer.lH w2_LD * Layer.ldh w2_LD)%nat with 1%nat.
  rewrite (linear1_cols _ _ _ i) by reflexivity. pose proof (HX i). lra.
Qed.

Lemma rtlayer_diffP w lim X : diffP X -> diffP (rtlayer w2_LD w2_G w2_lo w lim X).
Proof.
  intros HX i. pose proof (rtattn_diffP w lim X HX i). unfold rtlayer. unfold madd at 1 2.
  unfold rtmlp, rffn_inner. change (Layer.ldff w2_LD) with 1%nat.
  set (Hd := relu _). unfold rmlp at 1 2.
  rewrite (linear1_cols _ _ _ i) by reflexivity. lra.
Qed.

Lemma w2_lo_eq l : (l < 1)%nat ->
  (0 + FlowHead.fh_layers w2_Dm + l * Layer.tl_size (FlowHead.fhLD w2_Dm))%nat = w2_lo.
Proof. intros Hl. assert (l = 0%nat) by lia. subst l. reflexivity. Qed.

(** ** Every weight hypothesis, with [W = 1/2], [σ = 1], [B = 5/8] *)

Lemma Rabs_half : Rabs (1 / 2) = 1 / 2.
Proof. apply Rabs_pos_eq. lra. Qed.

Lemma wnorm_2x1 W (b : R) : Rabs (W 0%nat 0%nat) + Rabs (W 1%nat 0%nat) <= b -> wnorm 2 1 W <= b.
Proof.
  intros H. assert (0 <= b) by (pose proof (Rabs_pos (W 0%nat 0%nat)); pose proof (Rabs_pos (W 1%nat 0%nat)); lra).
  apply rmax_le; [lra|]. intros k Hk. assert (k = 0%nat) by lia. subst k. cbn [rsum]. lra.
Qed.

Lemma wnorm_1x2 W (b : R) : Rabs (W 0%nat 0%nat) <= b -> Rabs (W 0%nat 1%nat) <= b -> wnorm 1 2 W <= b.
Proof.
  intros H0 H1. assert (0 <= b) by (pose proof (Rabs_pos (W 0%nat 0%nat)); lra).
  apply rmax_le; [lra|]. intros k Hk. cbn [rsum].
  destruct k as [|[|k]]; [lra|lra|lia].
Qed.

Ltac w2_num := unfold lw, fw, rdR; simpl; rewrite ?Rabs_R0, ?Rabs_half; lra.

Definition w2_B : R := 5 / 8.

Lemma w2_beta : head_beta (Layer.ldh w2_LD) (rscale w2_LD) w2_B = 25 / 64.
Proof. unfold head_beta, rscale, w2_B. simpl. field. Qed.

Lemma w2_weights_ok : weights_ok w2_LD w2_G w2_lo (fun _ => 2%nat) 2 w2_B 1 (1 / 2).
Proof.
  unfold weights_ok, w2_B. simpl Layer.ld. simpl Layer.lH. simpl Layer.ldh. simpl Layer.ldff.
  split; [lia|]. split; [lra|]. split; [lra|]. split; [unfold rscale; simpl; lra|].
  split; [intros i Hi; lia|].
  split; [intros h Hh; assert (h = 0%nat) by lia; subst h;
          split; [|split]; apply wnorm_2x1; unfold WQh, WKh, WVh; w2_num|].
  split; [apply wnorm_1x2; unfold WOm; w2_num|].
  split; [intros l Hl; destruct l as [|[|l]]; [split; w2_num|split; w2_num|lia]|].
  split; [apply wnorm_2x1; w2_num|apply wnorm_1x2; w2_num].
Qed.

Lemma w2_bias_ok : bias_ok w2_LD w2_G w2_lo (1 / 2) 0.
Proof.
  split.
  - intros l Hl. simpl in Hl. destruct l as [|[|l]]; [|split; [|split]|lia]; try (split; [|split]); w2_num.
  - intros k Hk. simpl in Hk. assert (k = 0%nat) by lia. subst k. w2_num.
Qed.

Lemma w2_fh_weights_ok g : eps_T g (25 / 64) <= 1 / 2 -> fh_weights_ok w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2).
Proof.
  intros He. unfold fh_weights_ok. simpl FlowHead.fhLD. rewrite w2_beta.
  split; [intros l Hl; simpl in Hl; assert (l = 0%nat) by lia; subst l; apply w2_weights_ok|].
  split; [apply wnorm_1x2; w2_num|]. split; [apply wnorm_2x1; w2_num|].
  split; [lra|]. split; [lra|]. split; [unfold w2_B; lra|]. split; [unfold rscale; simpl; lra|].
  split; [lia|exact He].
Qed.

Lemma sqrt2_le : sqrt (INR (Layer.ld (FlowHead.fhLD w2_Dm))) <= 3 / 2.
Proof. apply sqrt_le_of_sq; [lra|]. simpl. lra. Qed.

(** The q/k/v hypothesis is DERIVED ([ActBounds.stack_ok_of_floors]): [B = W·(W·r + bℓ)]
    with [W = 1/2], [r = 3/2 ≥ √2], [bℓ = 1/2]; only the variance floors are checked here. *)
Lemma w2_stack_ok g w t F : eps_T g (25 / 64) <= 1 / 2 ->
  stack_ok w2_Dm w2_G 0 2 g w2_B 1 w (rvin w2_Dm w2_G 0 t F w2_Yh).
Proof.
  intros He. apply (stack_ok_of_floors w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2) (1 / 2) 0 (3 / 2)).
  - apply w2_fh_weights_ok, He.
  - intros l Hl. rewrite (w2_lo_eq l Hl). apply w2_bias_ok.
  - apply sqrt2_le.
  - unfold qkv_B, w2_B. lra.
  - intros l Hl. simpl in Hl. assert (l = 0%nat) by lia. subst l. cbn [iter_chain].
    pose proof (rvin_diff t F) as HX.
    split; [|split]; apply floor_diffP; [exact HX|apply rtattn_diffP, HX|apply rtattn_diffP, HX].
Qed.

(** Every hypothesis of [fast_flowhead_error] holds for this flow head, for every
    degree [g] with [ε_T(g, 25/64) ≤ 1/2] and every initial noise [F0]. *)
Theorem w2_witness g F0 : eps_T g (25 / 64) <= 1 / 2 ->
  fh_weights_ok w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2) /\ flow_acts_ok w2_Dm w2_G 0 2 2 w2_Yh g w2_B 1 F0.
Proof.
  intros He. split; [apply w2_fh_weights_ok, He|].
  intros k _. split; [|split]; apply w2_stack_ok, He.
Qed.

(** ** The computed bound: below [10⁻³] at [g = 5], strictly decreasing in [g] *)

Local Open Scope Q_scope.
(** [ε_T(g, 25/64) ≤ (25/64)^{g+1}/(g+1)!·3] (with [e^{2β} ≤ 3]). *)
Definition w2_eps (g : nat) : Q := qpow (25 # 64) (S g) / inject_Z (zfact (S g)) * 3.
Definition w2_qbound (eps : Q) : Q := qfh_bound (1 # 2) (25 # 64) 3 1 2 1 2 eps (5 # 8).
Local Close Scope Q_scope.

Lemma w2_bound_value : (w2_qbound (w2_eps 5) < 1 # 1000)%Q.
Proof. vm_compute. reflexivity. Qed.

(** The rational bounds for [g = 3, …, 8] strictly decrease; [g = 3, 4] are above [10⁻³]. *)
Lemma w2_bounds_decrease :
  (1 # 1000 < w2_qbound (w2_eps 4))%Q
  /\ (w2_qbound (w2_eps 4) < w2_qbound (w2_eps 3))%Q /\ (w2_qbound (w2_eps 5) < w2_qbound (w2_eps 4))%Q
  /\ (w2_qbound (w2_eps 6) < w2_qbound (w2_eps 5))%Q /\ (w2_qbound (w2_eps 7) < w2_qbound (w2_eps 6))%Q
  /\ (w2_qbound (w2_eps 8) < w2_qbound (w2_eps 7))%Q.
Proof. vm_compute. repeat split; reflexivity. Qed.

Lemma Q2R_2564 : Q2R (25 # 64) = 25 / 64.
Proof. unfold Q2R. simpl. field. Qed.

Lemma Q2R_w2_eps g : Q2R (w2_eps g) = (25 / 64) ^ S g / INR (fact (S g)) * 3.
Proof.
  assert (Hf : ~ (inject_Z (zfact (S g)) == 0)%Q).
  { pose proof (zfact_pos (S g)) as Hp. set (z := zfact (S g)) in *. clearbody z.
    unfold Qeq. simpl. lia. }
  unfold w2_eps. rewrite Q2R_mult, Q2R_div, Q2R_qpow by exact Hf.
  rewrite Q2R_lit, zfact_INR.
  rewrite Q2R_3, Q2R_2564. reflexivity.
Qed.

Lemma exp_w2_le_3 : exp (2 * (25 / 64)) <= 3.
Proof. eapply Rle_trans; [|apply Rpower.exp_le_3]. apply Rlt_le, exp_increasing. lra. Qed.

Lemma eps_T_w2 g : eps_T g (25 / 64) <= Q2R (w2_eps g).
Proof.
  rewrite Q2R_w2_eps. eapply Rle_trans; [apply (eps_T_le_pow3 g (25 / 64) 1); simpl; lra|]. simpl. lra.
Qed.

Lemma Q2R_w2_qbound eps :
  Q2R (w2_qbound eps) = fh_bound (1 / 2) (25 / 64) 3 1 2 1 2 (Q2R eps) (5 / 8).
Proof.
  unfold w2_qbound. rewrite Q2R_qfh_bound by (try (unfold Qeq; simpl; lia); lia).
  rewrite Q2R_half, Q2R_3, Q2R_1. f_equal; unfold Q2R; simpl; field.
Qed.

(** The flow head's bound at degree [g], as a real number, is at most the rational one. *)
Lemma w2_bound_le g :
  fh_bound (1 / 2) (25 / 64) (exp (2 * (25 / 64))) 1 2 1 2 (eps_T g (25 / 64)) (5 / 8)
  <= Q2R (w2_qbound (w2_eps g)).
Proof.
  rewrite Q2R_w2_qbound. apply fh_bound_mono; try lra; try lia.
  - split; [apply Rlt_le, exp_pos|apply exp_w2_le_3].
  - split; [apply eps_T_nonneg; lra|apply eps_T_w2].
Qed.

Lemma eps_T_w2_le g : (5 <= g)%nat -> eps_T g (25 / 64) <= eps_T 5 (25 / 64).
Proof.
  induction g as [|g IH]; intros Hg; [lia|].
  destruct (Nat.eq_dec g 4) as [->|Hne]; [lra|].
  eapply Rle_trans; [|apply IH; lia]. apply Rlt_le, eps_T_decreasing; [lra|].
  rewrite !S_INR. pose proof (pos_INR g). lra.
Qed.

Lemma eps_T_w2_half g : (5 <= g)%nat -> eps_T g (25 / 64) <= 1 / 2.
Proof.
  intros Hg. eapply Rle_trans; [apply eps_T_w2_le, Hg|]. eapply Rle_trans; [apply eps_T_w2|].
  rewrite <- Q2R_half. apply Qle_Rle, Qle_bool_imp_le. vm_compute. reflexivity.
Qed.

(** The witness's fast and exact flow heads are within [10⁻³] for every degree [g ≥ 5]
    (and every initial noise [F0]): [fast_flowhead_error] applied with hypotheses that are
    all proven ([w2_witness]). *)
Theorem w2_flowhead_error g F0 : (5 <= g)%nat ->
  dinf 2 1 (rflow_fast g w2_Dm w2_G 0 2 2 F0 w2_Yh) (rflow_exact w2_Dm w2_G 0 2 2 F0 w2_Yh) < 1 / 1000.
Proof.
  intros Hg. destruct (w2_witness g F0 (eps_T_w2_half g Hg)) as [Hw Ha].
  eapply Rle_lt_trans; [apply (fast_flowhead_error _ _ _ _ _ _ _ _ _ _ Hw F0 Ha)|].
  change (FlowHead.fhLD w2_Dm) with w2_LD. rewrite w2_beta.
  change (Layer.ld w2_LD) with 2%nat. change (FlowHead.fhLf w2_Dm) with 1%nat. unfold w2_B.
  eapply Rle_lt_trans.
  { apply (fh_bound_mono _ _ _ (exp (2 * (25 / 64))) _ _ _ _ _ (eps_T 5 (25 / 64))); try lra; try lia.
    - split; [apply Rlt_le, exp_pos|lra].
    - split; [apply eps_T_nonneg; lra|apply eps_T_w2_le, Hg]. }
  eapply Rle_lt_trans; [apply w2_bound_le|].
  apply Rlt_le_trans with (Q2R (1 # 1000)); [apply Qlt_Rlt, w2_bound_value|].
  unfold Q2R. simpl. lra.
Qed.

(** The real bound strictly decreases with [g], for every [g]. *)
Lemma w2_bound_decreasing g :
  fh_bound_g (1 / 2) (25 / 64) 1 2 1 2 (S g) (5 / 8) < fh_bound_g (1 / 2) (25 / 64) 1 2 1 2 g (5 / 8).
Proof.
  apply fh_bound_decreasing; try lra; try lia. rewrite !S_INR. pose proof (pos_INR g). lra.
Qed.

(** ** Fast ≠ exact at a realized call *)

Lemma taylor_exp_ge_1 g x : 0 <= x -> 1 <= taylor_exp g x.
Proof.
  intros Hx. induction g as [|g IH]; [rewrite taylor_exp_0; lra|].
  unfold taylor_exp in *. cbn [sum_f_R0].
  assert (0 <= x ^ S g / INR (fact (S g))).
  { unfold Rdiv. apply Rmult_le_pos; [apply pow_le, Hx|apply Rlt_le, Rinv_0_lt_compat, fact_pos]. }
  lra.
Qed.

Lemma taylor_exp_at_0 g : taylor_exp g 0 = 1.
Proof.
  unfold taylor_exp. rewrite (sum_f_R0_ext _ (fun m => match m with O => 1 | _ => 0 end)).
  - apply sum_f_R0_delta0.
  - intros [|m] _; [simpl; field|]. rewrite pow_i by lia. unfold Rdiv. ring.
Qed.

(** For [x > 0] the Taylor polynomial is strictly below [eˣ] (Lagrange remainder). *)
Lemma taylor_exp_lt_exp g x : 0 < x -> taylor_exp g x < exp x.
Proof.
  intros Hx.
  destruct (Coquelicot.Derive.Taylor_Lagrange exp g 0 x Hx (fun t _ k _ => ex_derive_n_exp k t))
    as (z & Hz & Heq).
  assert (Hr : exp x - taylor_exp g x = x ^ S g / INR (fact (S g)) * exp z).
  { rewrite Heq at 1. unfold taylor_exp.
    rewrite (sum_f_R0_ext _ (fun m => x ^ m / INR (fact m))).
    2: { intros m _. rewrite Derive_n_exp, exp_0, Rminus_0_r. ring. }
    rewrite Derive_n_exp, Rminus_0_r. ring. }
  pose proof (fact_pos (S g)). pose proof (pow_lt x (S g) Hx). pose proof (exp_pos z).
  assert (0 < x ^ S g / INR (fact (S g)) * exp z)
    by (apply Rmult_lt_0_compat; [apply Rdiv_lt_0_compat|]; lra).
  lra.
Qed.

(** LN₁'s output at any input with the witness's row differences: rows [(1, 0)], [(0, 1)]. *)
Lemma w2_Z X : diffP X ->
  rln1 w2_LD w2_G w2_lo X 0%nat 0%nat = 1 /\ rln1 w2_LD w2_G w2_lo X 0%nat 1%nat = 0
  /\ rln1 w2_LD w2_G w2_lo X 1%nat 0%nat = 0 /\ rln1 w2_LD w2_G w2_lo X 1%nat 1%nat = 1.
Proof.
  intros HX. unfold rln1, rlnaff. change (Layer.ld w2_LD) with 2%nat.
  destruct (rln_diffP X 0 HX) as [H00 H01]. destruct (rln_diffP X 1 HX) as [H10 H11].
  rewrite H00, H01, H10, H11. unfold w2_Yd, lw, rdR. simpl. repeat split; field.
Qed.

(** The head's output at row 0, column 0 of the flow head's layer, attention weights [w]. *)
Definition w2_head (w : R -> R) X : R :=
  rattn w (Layer.ld w2_LD) (Layer.ldh w2_LD) (rscale w2_LD) (fun _ => 2%nat) (rln1 w2_LD w2_G w2_lo X)
    (WQh w2_LD w2_G w2_lo 0) (WKh w2_LD w2_G w2_lo 0) (WVh w2_LD w2_G w2_lo 0) 0%nat 0%nat.

Lemma w2_head_value w X : diffP X -> w2_head w X = w 0 * (1 / 2) / (w (1 / 4) + w 0).
Proof.
  intros HX. destruct (w2_Z X HX) as (Z00 & Z01 & Z10 & Z11).
  unfold w2_head, rattn, attn_with, masked_attn, softmax_row, rscore, rmatmul, linear.
  change (Layer.ld w2_LD) with 2%nat. change (Layer.ldh w2_LD) with 1%nat. cbn [rsum].
  rewrite Z00, Z01, Z10, Z11. unfold WQh, WKh, WVh, lw, rdR, rscale. simpl.
  replace (IZR 1 / IZR 1 * (0 + (0 + 1 * (1 / 2) + 0 * 0 + 0) * (0 + 1 * (1 / 2) + 0 * 0 + 0)))
    with (1 / 4) by field.
  replace (IZR 1 / IZR 1 * (0 + (0 + 1 * (1 / 2) + 0 * 0 + 0) * (0 + 0 * (1 / 2) + 1 * 0 + 0)))
    with 0 by field.
  unfold Rdiv. f_equal; [ring|f_equal; ring].
Qed.

(** At every input of the witness's flow-head layer (every Euler step, both models), the
    head's output differs between Taylor and exact weights: the realized score [1/4] has
    [P_g(1/4) < e^{1/4}], so the fast output is strictly larger. *)
Theorem w2_attn_differs g t F :
  w2_head exp (rvin w2_Dm w2_G 0 t F w2_Yh) < w2_head (taylor_exp g) (rvin w2_Dm w2_G 0 t F w2_Yh).
Proof.
  rewrite !w2_head_value by apply rvin_diff. rewrite exp_0, taylor_exp_at_0.
  pose proof (taylor_exp_lt_exp g (1 / 4) ltac:(lra)).
  pose proof (taylor_exp_ge_1 g (1 / 4) ltac:(lra)).
  set (e := exp (1 / 4)) in *. set (p := taylor_exp g (1 / 4)) in *.
  unfold Rdiv. rewrite !Rmult_1_l. apply Rmult_lt_compat_l; [lra|].
  apply Rinv_lt_contravar; [nra|lra].
Qed.
