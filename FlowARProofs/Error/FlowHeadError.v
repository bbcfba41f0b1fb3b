(** * Fast vs exact flow head over the reals: [L_f] layers, [T] Euler steps

    The flow head of FlowAR (Pipeline/FlowHead.v, real version [rflow] in
    RealModel.v) integrates the velocity network
    [v(t, F) = (layers(F·W_in + b_in + Ŷ + t·e))·W_out + b_out] with [T]
    Euler steps [F ← F + (1/T)·v(k/T, F)].  Exact and fast differ only in
    the attention weights of the [L_f] layers.  Chain of lemmas:

    - [layers_fast_error]: the fast stack is within [Lℓ^{L_f}·L_f·δℓ] of the
      exact stack at the same input ([Propagation.chain_error] with
      [δℓ = c_delta], [Lℓ = c_layer], LayerError.v);
    - [layers_lip]: the exact stack is [Lℓ^{L_f}]-Lipschitz;
    - [vel_fast_error], [vel_lip]: the velocity, with the factors
      [‖W_out‖ ≤ W] and [‖W_in‖ ≤ W]: [δ_v = W·Lℓ^{L_f}·L_f·δℓ],
      [L_v = W²·Lℓ^{L_f}];
    - [fast_flowhead_error]: after [T] steps ([Lipschitz.euler_steps_error]),
      [‖fast − exact‖∞ ≤ (1 + L_v/T)^T · δ_v ≤ e^{L_v}·δ_v]
      ([fh_bound], an explicit expression of [W, σ, B, β, e^{2β}, ε_T(g,β),
      d, L_f, T]).

    Hypotheses, all explicit ([fh_hyps]): weight bounds for every layer,
    [‖W_in‖, ‖W_out‖ ≤ W], [T ≥ 1], [M ≥ 1], [ε_T(g, β) ≤ 1/2], and the
    activation bounds [act_ok] (variance floor, bounded q/k/v) at every layer
    input of (a) the exact model, (b) the fast model, (c) the exact velocity
    network evaluated at the fast model's states (the states where the
    stability of the exact model is used).  The conditioning [Ŷ] is the same
    for both (the flow head on its own); in the full pipeline [Ŷ] itself
    carries the AR transformer's error (not done here, docs/error.md). *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor
  FastAttentionError RealModel LNStability AttnStability LayerError.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (X Y F : rmat).

Lemma dinf_self N d X : dinf N d X X = 0.
Proof.
  apply Rle_antisym; [|apply dinf_nonneg]. apply dinf_le; [lra|]. intros i j _ _.
  rewrite Rminus_diag_eq, Rabs_R0 by reflexivity. lra.
Qed.

(** The bound, as an expression of the constants (with [E] for [e^{2β}] and
    [eps] for [ε_T(g, β)]). *)
Definition fh_Lv (Wb beta E s : R) d (Lf : nat) : R := Wb * c_layer Wb beta E s d ^ Lf * Wb.
Definition fh_dv (Wb beta E s : R) d (Lf : nat) (eps B : R) : R :=
  Wb * (c_layer Wb beta E s d ^ Lf * (INR Lf * c_delta Wb s d eps B)).
Definition fh_bound (Wb beta E s : R) d (Lf T : nat) (eps B : R) : R :=
  (1 + fh_Lv Wb beta E s d Lf / INR T) ^ T * fh_dv Wb beta E s d Lf eps B.

Section flowhead.
  Context (Dm : FlowHead.FHDims) (G : list R) (wo M T : nat) (Yh : rmat) (g : nat) (B s Wb : R).
  Let D := FlowHead.fhLD Dm. Let d := Layer.ld D. Let c := FlowHead.fhc Dm. Let Lf := FlowHead.fhLf Dm.
  Let lo l := (wo + FlowHead.fh_layers Dm + l * Layer.tl_size D)%nat.
  Let lim := fun _ : nat => M.
  Let beta := head_beta (Layer.ldh D) (rscale D) B.
  Let E := exp (2 * beta).
  Let Ll := c_layer Wb beta E s d.
  Let dl := c_delta Wb s d (eps_T g beta) B.

  Definition lay w l X : rmat := rtlayer D G (lo l) w lim X.

  (** [act_ok] at every layer input of the stack [w] started at [X]. *)
  Definition stack_ok w X : Prop :=
    forall l, (l < Lf)%nat -> act_ok D G (lo l) lim M g B s (iter_chain (lay w) X l).

  Definition fh_weights_ok : Prop :=
    (forall l, (l < Lf)%nat -> weights_ok D G (lo l) lim M B s Wb)
    /\ wnorm c d (fw G wo (FlowHead.fh_win Dm) c d) <= Wb
    /\ wnorm d c (fw G wo (FlowHead.fh_wout Dm) d c) <= Wb
    /\ 0 <= Wb /\ 0 < s /\ 0 <= B /\ 0 <= rscale D
    /\ (0 < T)%nat /\ eps_T g beta <= 1 / 2.

  Hypothesis Hw : fh_weights_ok.

  Lemma consts_ok : 0 <= Wb /\ 0 < s /\ 0 <= B /\ 0 <= beta /\ 0 <= E /\ 1 <= Ll /\ 0 <= dl.
  Proof.
    destruct Hw as (_ & _ & _ & HWb & Hs & HB & Hsc & _ & Heps).
    assert (Hbe : 0 <= beta) by apply (head_beta_nonneg _ _ B Hsc).
    assert (HE : 0 <= E) by apply Rlt_le, exp_pos.
    repeat split; try assumption.
    - apply c_layer_ge1; assumption.
    - apply c_delta_nonneg; try assumption. apply eps_T_nonneg, Hbe.
  Qed.

  Theorem layers_fast_error X :
    stack_ok (taylor_exp g) X -> stack_ok exp X ->
    dinf M d (rlayers Dm G wo M (taylor_exp g) X) (rlayers Dm G wo M exp X) <= Ll ^ Lf * (INR Lf * dl).
  Proof.
    intros HF HE. destruct consts_ok as (HWb & Hs & HB & Hbe & HE0 & HL & Hdl).
    destruct Hw as (Hwl & _ & _ & _ & _ & _ & _ & _ & Heps).
    change (dinf M d (iter_chain (lay (taylor_exp g)) X Lf) (iter_chain (lay exp) X Lf) <= Ll ^ Lf * (INR Lf * dl)).
    eapply Rle_trans.
    - apply (chain_error (dinf M d) (lay exp) (lay (taylor_exp g)) (fun _ => dl) (fun _ => Ll)).
      + intros. apply dinf_triangle.
      + intros. lra.
      + intros i Hi. split.
        * apply layer_fast_error; [apply Hwl, Hi|apply HF, Hi|exact Heps].
        * apply layer_lip with (g := g); [apply Hwl, Hi|apply HF, Hi|apply HE, Hi].
    - rewrite dinf_self. eapply Rle_trans; [apply (prop_bound_uniform _ _ dl Ll)|]; try (intros; lra).
  Qed.

  Theorem layers_lip Y X :
    stack_ok exp Y -> stack_ok exp X ->
    dinf M d (rlayers Dm G wo M exp Y) (rlayers Dm G wo M exp X) <= Ll ^ Lf * dinf M d Y X.
  Proof.
    intros HY HX. destruct consts_ok as (HWb & Hs & HB & Hbe & HE0 & HL & Hdl).
    destruct Hw as (Hwl & _).
    change (dinf M d (iter_chain (lay exp) Y Lf) (iter_chain (lay exp) X Lf) <= Ll ^ Lf * dinf M d Y X).
    eapply Rle_trans.
    - apply (chain_error (dinf M d) (lay exp) (lay exp) (fun _ => 0) (fun _ => Ll)).
      + intros. apply dinf_triangle.
      + intros. lra.
      + intros i Hi. split.
        * rewrite dinf_self. lra.
        * apply layer_lip with (g := g); [apply Hwl, Hi|apply HY, Hi|apply HX, Hi].
    - pose proof (dinf_nonneg M d Y X).
      eapply Rle_trans; [apply (prop_bound_uniform _ _ 0 Ll)|]; try (intros; lra).
  Qed.

  Lemma rvin_lip t Y X : dinf M d (rvin Dm G wo t Y Yh) (rvin Dm G wo t X Yh) <= Wb * dinf M c Y X.
  Proof.
    destruct Hw as (_ & Hwin & _).
    pose proof (linear_lip M c d Y X (fw G wo (FlowHead.fh_win Dm) c d) (fw G wo (FlowHead.fh_bin Dm) 1 d 0%nat)) as HL.
    apply dinf_le; [apply Rmult_le_pos; [pose proof (wnorm_nonneg c d (fw G wo (FlowHead.fh_win Dm) c d)); lra|apply dinf_nonneg]|].
    intros i j Hi Hj. unfold rvin, rmlp.
    match goal with |- Rabs (?a + ?y + ?e - (?b + ?y + ?e)) <= _ => replace (a + y + e - (b + y + e)) with (a - b) by ring end.
    eapply Rle_trans; [apply dinf_entry; eassumption|]. eapply Rle_trans; [exact HL|].
    apply Rmult_le_compat_r; [apply dinf_nonneg|exact Hwin].
  Qed.

  Theorem vel_fast_error t X :
    stack_ok (taylor_exp g) (rvin Dm G wo t X Yh) -> stack_ok exp (rvin Dm G wo t X Yh) ->
    dinf M c (rvel Dm G wo M (taylor_exp g) t X Yh) (rvel Dm G wo M exp t X Yh)
    <= fh_dv Wb beta E s d Lf (eps_T g beta) B.
  Proof.
    intros HF HE. pose proof (layers_fast_error _ HF HE) as HLy.
    destruct Hw as (_ & _ & Hwout & _). unfold rvel, rmlp, fh_dv.
    eapply Rle_trans; [apply linear_lip|].
    apply Rmult_le_compat; [apply wnorm_nonneg|apply dinf_nonneg|exact Hwout|exact HLy].
  Qed.

  Theorem vel_lip t Y X :
    stack_ok exp (rvin Dm G wo t Y Yh) -> stack_ok exp (rvin Dm G wo t X Yh) ->
    dinf M c (rvel Dm G wo M exp t Y Yh) (rvel Dm G wo M exp t X Yh)
    <= fh_Lv Wb beta E s d Lf * dinf M c Y X.
  Proof.
    intros HY HX. destruct consts_ok as (HWb & Hs & HB & Hbe & HE0 & HL & Hdl).
    pose proof (layers_lip _ _ HY HX) as HLy. pose proof (rvin_lip t Y X) as Hin.
    destruct Hw as (_ & _ & Hwout & _). unfold rvel, rmlp, fh_Lv.
    eapply Rle_trans; [apply linear_lip|].
    assert (HLf : 0 <= Ll ^ Lf) by (apply pow_le; lra).
    replace (Wb * c_layer Wb beta E s d ^ Lf * Wb * dinf M c Y X)
      with (Wb * (Ll ^ Lf * (Wb * dinf M c Y X))) by (unfold Ll; ring).
    apply Rmult_le_compat; [apply wnorm_nonneg|apply dinf_nonneg|exact Hwout|].
    eapply Rle_trans; [exact HLy|]. apply Rmult_le_compat_l; [exact HLf|exact Hin].
  Qed.

  (** The states of the two models after [k] Euler steps. *)
  Definition exact_state F0 k : rmat :=
    iter_chain (fun k => euler (/ INR T) (fun F => rvel Dm G wo M exp (INR k / INR T) F Yh)) F0 k.
  Definition fast_state F0 k : rmat :=
    iter_chain (fun k => euler (/ INR T) (fun F => rvel Dm G wo M (taylor_exp g) (INR k / INR T) F Yh)) F0 k.

  (** The activation hypotheses along both trajectories. *)
  Definition flow_acts_ok F0 : Prop :=
    forall k, (k < T)%nat ->
      stack_ok exp (rvin Dm G wo (INR k / INR T) (exact_state F0 k) Yh)
      /\ stack_ok exp (rvin Dm G wo (INR k / INR T) (fast_state F0 k) Yh)
      /\ stack_ok (taylor_exp g) (rvin Dm G wo (INR k / INR T) (fast_state F0 k) Yh).

  Theorem fast_flowhead_error F0 :
    flow_acts_ok F0 ->
    dinf M c (rflow_fast g Dm G wo M T F0 Yh) (rflow_exact Dm G wo M T F0 Yh)
    <= fh_bound Wb beta E s d Lf T (eps_T g beta) B.
  Proof.
    intros Hacts. destruct consts_ok as (HWb & Hs & HB & Hbe & HE0 & HL & Hdl).
    destruct Hw as (_ & _ & _ & _ & _ & _ & _ & HT & _).
    assert (HTp : 0 < INR T) by (apply lt_0_INR, HT).
    assert (HLf : 1 <= Ll ^ Lf) by (apply pow_R1_Rle; lra).
    set (Lv := fh_Lv Wb beta E s d Lf). set (dv := fh_dv Wb beta E s d Lf (eps_T g beta) B).
    assert (HLv : 0 <= Lv).
    { unfold Lv, fh_Lv. change (c_layer Wb beta E s d) with Ll. apply Rmult_le_pos; [apply Rmult_le_pos|]; lra. }
    assert (Hdv : 0 <= dv).
    { unfold dv, fh_dv. change (c_layer Wb beta E s d) with Ll. change (c_delta Wb s d (eps_T g beta) B) with dl.
      apply Rmult_le_pos; [lra|]. apply Rmult_le_pos; [lra|].
      apply Rmult_le_pos; [apply pos_INR|exact Hdl]. }
    assert (HiT : 0 < / INR T) by (apply Rinv_0_lt_compat, HTp).
    unfold rflow_fast, rflow_exact, rflow.
    eapply Rle_trans.
    - apply (euler_steps_error M c T (fun _ => / INR T) (fun _ => dv) (fun _ => Lv)
               (fun k F => rvel Dm G wo M exp (INR k / INR T) F Yh)
               (fun k F => rvel Dm G wo M (taylor_exp g) (INR k / INR T) F Yh) F0 F0).
      + intros. lra.
      + intros. lra.
      + intros k Hk. cbv zeta. destruct (Hacts k Hk) as (HaE & HaEF & HaF). split.
        * apply vel_fast_error; [exact HaF|exact HaEF].
        * apply vel_lip; [exact HaEF|exact HaE].
    - rewrite dinf_self.
      eapply Rle_trans; [apply (prop_bound_uniform _ _ (/ INR T * dv) (1 + / INR T * Lv))|].
      + lra.
      + apply Rmult_le_pos; lra.
      + assert (0 <= / INR T * Lv) by (apply Rmult_le_pos; lra). lra.
      + intros. split; [apply Rmult_le_pos; lra|lra].
      + intros. split; [assert (0 <= / INR T * Lv) by (apply Rmult_le_pos; lra); lra|lra].
      + unfold fh_bound. fold Lv dv.
        replace (0 + INR T * (/ INR T * dv)) with dv by (field; lra).
        replace (1 + / INR T * Lv) with (1 + Lv / INR T) by (unfold Rdiv; ring). lra.
  Qed.
End flowhead.
