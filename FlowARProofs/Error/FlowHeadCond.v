(** * The flow head with different conditionings: the step a scale needs

    In the pipeline the flow head of the fast model receives the fast AR
    transformer's condition [Ŷ'], the exact model the exact [Ŷ].  The
    velocity network's input [F·W_in + b_in + Ŷ + t·e] is 1-Lipschitz in
    [Ŷ] ([rvin_lip_cond]), so the exact velocity moves by at most
    [W·Lℓ^{L_f}·(W·‖F' − F‖ + ‖Ŷ' − Ŷ‖)] ([vel_lip_cond]), and after [T]
    Euler steps ([fast_flowhead_error_cond])

    [‖fast(Ŷ') − exact(Ŷ)‖∞ ≤ (1 + L_v/T)^T · (δ_v + W·Lℓ^{L_f}·e_Y)]

    whenever [‖Ŷ' − Ŷ‖∞ ≤ e_Y] — the flow head's contribution to one scale,
    linear in the incoming error [e_Y].  The hypotheses are those of
    FlowHeadError.v, with the exact velocity network also evaluated at the
    fast states with the fast condition. *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel AttnStability
  LayerError FlowHeadError.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Definition fh_bound_cond (Wb beta E s : R) d (Lf T : nat) (eps B eY : R) : R :=
  (1 + fh_Lv Wb beta E s d Lf / INR T) ^ T
  * (fh_dv Wb beta E s d Lf eps B + Wb * c_layer Wb beta E s d ^ Lf * eY).

Section cond.
  Context (Dm : FlowHead.FHDims) (G : list R) (wo M T : nat) (Yh Yh' : rmat) (g : nat) (B s Wb : R).
  Let D := FlowHead.fhLD Dm. Let d := Layer.ld D. Let c := FlowHead.fhc Dm. Let Lf := FlowHead.fhLf Dm.
  Let beta := head_beta (Layer.ldh D) (rscale D) B.
  Let E := exp (2 * beta).
  Let Ll := c_layer Wb beta E s d.
  Hypothesis Hw : fh_weights_ok Dm G wo M T g B s Wb.

  Lemma rvin_lip_cond t Y X :
    dinf M d (rvin Dm G wo t Y Yh') (rvin Dm G wo t X Yh) <= Wb * dinf M c Y X + dinf M d Yh' Yh.
  Proof.
    destruct (consts_ok Dm G wo M T g B s Wb Hw) as (HWb & _).
    destruct Hw as (_ & Hwin & _).
    pose proof (linear_lip M c d Y X (fw G wo (FlowHead.fh_win Dm) c d) (fw G wo (FlowHead.fh_bin Dm) 1 d 0%nat)) as HL.
    apply dinf_le.
    { pose proof (dinf_nonneg M c Y X).
      pose proof (dinf_nonneg M d Yh' Yh). assert (0 <= Wb * dinf M c Y X) by (apply Rmult_le_pos; lra). lra. }
    intros i j Hi Hj. unfold rvin, rmlp.
    match goal with |- Rabs (?a + ?y + ?e - (?b + ?z + ?e)) <= _ =>
      replace (a + y + e - (b + z + e)) with ((a - b) + (y - z)) by ring end.
    eapply Rle_trans; [apply Rabs_triang|]. apply Rplus_le_compat.
    - eapply Rle_trans; [apply dinf_entry; eassumption|]. eapply Rle_trans; [exact HL|].
      apply Rmult_le_compat_r; [apply dinf_nonneg|exact Hwin].
    - apply dinf_entry; assumption.
  Qed.

  Lemma vel_lip_cond t Y X :
    stack_ok Dm G wo M g B s exp (rvin Dm G wo t Y Yh') -> stack_ok Dm G wo M g B s exp (rvin Dm G wo t X Yh) ->
    dinf M c (rvel Dm G wo M exp t Y Yh') (rvel Dm G wo M exp t X Yh)
    <= Wb * Ll ^ Lf * (Wb * dinf M c Y X + dinf M d Yh' Yh).
  Proof.
    intros HY HX. destruct (consts_ok Dm G wo M T g B s Wb Hw) as (HWb & Hs & HB & Hbe0 & HE00 & HL0 & Hdl0).
    assert (HL : 1 <= Ll) by exact HL0. assert (Hdl : 0 <= c_delta Wb s d (eps_T g beta) B) by exact Hdl0.
    pose proof (layers_lip Dm G wo M T g B s Wb Hw _ _ HY HX) as HLy.
    pose proof (rvin_lip_cond t Y X) as Hin.
    destruct Hw as (_ & _ & Hwout & _). unfold rvel, rmlp.
    eapply Rle_trans; [apply linear_lip|].
    assert (HLf : 0 <= Ll ^ Lf) by (apply pow_le; lra).
    rewrite Rmult_assoc. apply Rmult_le_compat; [apply wnorm_nonneg|apply dinf_nonneg|exact Hwout|].
    eapply Rle_trans; [exact HLy|]. apply Rmult_le_compat_l; [exact HLf|exact Hin].
  Qed.

  (** The activation hypotheses: as [flow_acts_ok], plus the exact network at
      the fast states with the fast condition. *)
  Definition flow_acts_ok_cond F0 : Prop :=
    forall k, (k < T)%nat ->
      let t := INR k / INR T in
      let Fk := exact_state Dm G wo M T Yh F0 k in
      let Gk := fast_state Dm G wo M T Yh' g F0 k in
      stack_ok Dm G wo M g B s exp (rvin Dm G wo t Fk Yh)
      /\ stack_ok Dm G wo M g B s exp (rvin Dm G wo t Gk Yh)
      /\ stack_ok Dm G wo M g B s exp (rvin Dm G wo t Gk Yh')
      /\ stack_ok Dm G wo M g B s (taylor_exp g) (rvin Dm G wo t Gk Yh').

  Theorem fast_flowhead_error_cond F0 (eY : R) :
    dinf M d Yh' Yh <= eY -> flow_acts_ok_cond F0 ->
    dinf M c (rflow_fast g Dm G wo M T F0 Yh') (rflow_exact Dm G wo M T F0 Yh)
    <= fh_bound_cond Wb beta E s d Lf T (eps_T g beta) B eY.
  Proof.
    intros HeY Hacts. destruct (consts_ok Dm G wo M T g B s Wb Hw) as (HWb & Hs & HB & Hbe0 & HE00 & HL0 & Hdl0).
    assert (HL : 1 <= Ll) by exact HL0. assert (Hdl : 0 <= c_delta Wb s d (eps_T g beta) B) by exact Hdl0.
    pose proof Hw as (_ & _ & _ & _ & _ & _ & _ & HT & _).
    assert (HTp : 0 < INR T) by (apply lt_0_INR, HT).
    assert (HLf : 1 <= Ll ^ Lf) by (apply pow_R1_Rle; lra).
    assert (HeY0 : 0 <= eY) by (pose proof (dinf_nonneg M d Yh' Yh); lra).
    set (Lv := fh_Lv Wb beta E s d Lf).
    set (eta := fh_dv Wb beta E s d Lf (eps_T g beta) B + Wb * c_layer Wb beta E s d ^ Lf * eY).
    assert (HLv : 0 <= Lv).
    { unfold Lv, fh_Lv. change (c_layer Wb beta E s d) with Ll. apply Rmult_le_pos; [apply Rmult_le_pos|]; lra. }
    assert (Heta : 0 <= eta).
    { unfold eta, fh_dv. change (c_layer Wb beta E s d) with Ll. change (c_delta Wb s d (eps_T g beta) B) with
        (c_delta Wb s d (eps_T g beta) B).
      assert (0 <= INR Lf * c_delta Wb s d (eps_T g beta) B) by (apply Rmult_le_pos; [apply pos_INR|exact Hdl]).
      assert (0 <= Wb * (Ll ^ Lf * (INR Lf * c_delta Wb s d (eps_T g beta) B))) by (apply Rmult_le_pos; [lra|]; nra).
      assert (0 <= Wb * Ll ^ Lf * eY) by (apply Rmult_le_pos; [|lra]; nra). lra. }
    assert (HiT : 0 < / INR T) by (apply Rinv_0_lt_compat, HTp).
    unfold rflow_fast, rflow_exact, rflow.
    eapply Rle_trans.
    - apply (euler_steps_error M c T (fun _ => / INR T) (fun _ => eta) (fun _ => Lv)
               (fun k F => rvel Dm G wo M exp (INR k / INR T) F Yh)
               (fun k F => rvel Dm G wo M (taylor_exp g) (INR k / INR T) F Yh') F0 F0).
      + intros. lra.
      + intros. lra.
      + intros k Hk. cbv zeta. destruct (Hacts k Hk) as (HaE & HaEG & HaEG' & HaF). split.
        * eapply Rle_trans; [apply (dinf_triangle _ _ _ (rvel Dm G wo M exp (INR k / INR T)
                                   (fast_state Dm G wo M T Yh' g F0 k) Yh'))|].
          apply Rplus_le_compat.
          -- apply (vel_fast_error Dm G wo M T Yh' g B s Wb Hw); [exact HaF|exact HaEG'].
          -- eapply Rle_trans; [apply vel_lip_cond; [exact HaEG'|exact HaEG]|].
             rewrite dinf_self, Rmult_0_r, Rplus_0_l. change (c_layer Wb beta E s d) with Ll.
             apply Rmult_le_compat_l; [apply Rmult_le_pos; [lra|]; lra|exact HeY].
        * apply (vel_lip Dm G wo M T Yh g B s Wb Hw); [exact HaEG|exact HaE].
    - rewrite dinf_self.
      eapply Rle_trans; [apply (prop_bound_uniform _ _ (/ INR T * eta) (1 + / INR T * Lv))|].
      + lra.
      + apply Rmult_le_pos; lra.
      + assert (0 <= / INR T * Lv) by (apply Rmult_le_pos; lra). lra.
      + intros. split; [apply Rmult_le_pos; lra|lra].
      + intros. split; [assert (0 <= / INR T * Lv) by (apply Rmult_le_pos; lra); lra|lra].
      + unfold fh_bound_cond. fold Lv eta.
        replace (0 + INR T * (/ INR T * eta)) with eta by (field; lra).
        replace (1 + / INR T * Lv) with (1 + Lv / INR T) by (unfold Rdiv; ring). lra.
  Qed.
End cond.
