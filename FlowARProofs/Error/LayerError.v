(** * One transformer layer over the reals: stability and fast-vs-exact error

    For the real pre-norm layer [rtlayer w] of RealModel.v
    ([X₁ = X + MHA_w(LN₁ X)], [X₂ = X₁ + FFN_inner(LN₂ X₁)]), under
    - weight bounds ([weights_ok]): every [‖W_Q^h‖, ‖W_K^h‖, ‖W_V^h‖, ‖W_O‖,
      ‖W₁‖, ‖W₂‖ ≤ W] (ℓ∞ operator norms), [|γ₁|, |γ₂| ≤ W] entrywise, the
      scale [≥ 0], [d ≥ 1], every row's key limit in [[1, N]];
    - activation bounds at the call on input [X] ([act_ok]): the variance
      floor [σ²] at LN₁'s input [X] and at LN₂'s inputs [X₁] (exact and
      fast), and [|q|, |k|, |v| ≤ B] for every head at [LN₁(X)];
    the exact layer is [c_layer]-Lipschitz ([layer_lip]) and the fast layer is
    within [c_delta] of the exact one at the same input ([layer_fast_error]):

    - [c_LN = W·(2 + 2d)/σ] (affine LayerNorm, LNStability.v),
    - [c_head = W·(1 + 4β·E)], [β = scale·d_h·B²], [E = e^{2β}] (one head),
    - [c_att = 1 + W·c_head·c_LN], [c_ffn = 1 + W²·c_LN] (the two residual sub-layers),
    - [c_layer = c_ffn · c_att], [c_delta = c_ffn · W · 4·ε·B] with [ε = ε_T(g, β) ≤ 1/2].

    The constants are stated for an arbitrary [E] and [ε] so that
    FlowBound.v can evaluate them with rational upper bounds. *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor
  FastAttentionError RealModel LNStability AttnStability.
From FlowARProofs.Pipeline Require Layer.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (X Y : rmat) (N d : nat).

(** ** The constants *)

Definition c_LN (Wb s : R) d : R := Wb * ((2 + 2 * INR d) / s).
Definition c_head (Wb beta E : R) : R := Wb * (1 + 4 * beta * E).
Definition c_att (Wb beta E s : R) d : R := 1 + Wb * c_head Wb beta E * c_LN Wb s d.
Definition c_ffn (Wb s : R) d : R := 1 + Wb * Wb * c_LN Wb s d.
Definition c_layer (Wb beta E s : R) d : R := c_ffn Wb s d * c_att Wb beta E s d.
Definition c_delta (Wb s : R) d (eps B : R) : R := c_ffn Wb s d * (Wb * (4 * eps * B)).

Lemma c_LN_nonneg Wb s d : 0 <= Wb -> 0 < s -> 0 <= c_LN Wb s d.
Proof.
  intros HW Hs. unfold c_LN, Rdiv. pose proof (pos_INR d).
  pose proof (Rinv_0_lt_compat s Hs). apply Rmult_le_pos; [lra|]. apply Rmult_le_pos; lra.
Qed.

Lemma c_head_nonneg Wb beta E : 0 <= Wb -> 0 <= beta -> 0 <= E -> 0 <= c_head Wb beta E.
Proof.
  intros. unfold c_head. apply Rmult_le_pos; [lra|].
  assert (0 <= 4 * beta * E) by (apply Rmult_le_pos; lra). lra.
Qed.

Lemma c_ffn_ge1 Wb s d : 0 <= Wb -> 0 < s -> 1 <= c_ffn Wb s d.
Proof. intros HW Hs. unfold c_ffn. pose proof (c_LN_nonneg Wb s d HW Hs). nra. Qed.

Lemma c_att_ge1 Wb beta E s d : 0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E -> 1 <= c_att Wb beta E s d.
Proof.
  intros HW Hs Hb HE. unfold c_att, c_head. pose proof (c_LN_nonneg Wb s d HW Hs).
  assert (0 <= 4 * beta * E) by (apply Rmult_le_pos; lra).
  assert (H1 : 0 <= Wb * (1 + 4 * beta * E)) by (apply Rmult_le_pos; lra).
  assert (0 <= Wb * (Wb * (1 + 4 * beta * E)) * c_LN Wb s d) by (apply Rmult_le_pos; [apply Rmult_le_pos|]; lra).
  lra.
Qed.

Lemma c_layer_ge1 Wb beta E s d : 0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E -> 1 <= c_layer Wb beta E s d.
Proof.
  intros HW Hs Hb HE. unfold c_layer. pose proof (c_ffn_ge1 Wb s d HW Hs).
  pose proof (c_att_ge1 Wb beta E s d HW Hs Hb HE). nra.
Qed.

Lemma c_delta_nonneg Wb s d eps B : 0 <= Wb -> 0 < s -> 0 <= eps -> 0 <= B -> 0 <= c_delta Wb s d eps B.
Proof.
  intros HW Hs He HB. unfold c_delta. pose proof (c_ffn_ge1 Wb s d HW Hs). apply Rmult_le_pos; [lra|].
  apply Rmult_le_pos; [lra|]. nra.
Qed.

(** ** Hypotheses *)

Section layer.
  Context (D : Layer.LDims) (G : list R) (wo : nat) (lim : nat -> nat) (N : nat).
  Context (g : nat) (B s Wb : R).
  Let d := Layer.ld D. Let H := Layer.lH D. Let dh := Layer.ldh D. Let dff := Layer.ldff D.

  Definition weights_ok : Prop :=
    (0 < d)%nat /\ 0 < s /\ 0 <= B /\ 0 <= rscale D /\ lim_ok N lim
    /\ (forall h, (h < H)%nat ->
          wnorm d dh (WQh D G wo h) <= Wb /\ wnorm d dh (WKh D G wo h) <= Wb
          /\ wnorm d dh (WVh D G wo h) <= Wb)
    /\ wnorm (H * dh) d (WOm D G wo) <= Wb
    /\ (forall l, (l < d)%nat ->
          Rabs (lw G wo (Layer.o_g1 D) 1 d 0%nat l) <= Wb /\ Rabs (lw G wo (Layer.o_g2 D) 1 d 0%nat l) <= Wb)
    /\ wnorm d dff (lw G wo (Layer.o_w1 D) d dff) <= Wb
    /\ wnorm dff d (lw G wo (Layer.o_w2 D) dff d) <= Wb.

  (** The activation hypotheses at one call of the layer on input [X]. *)
  Definition act_ok X : Prop :=
    var_floor N d s X
    /\ (forall h, (h < H)%nat ->
          qkv_bounded N d dh B (rln1 D G wo X) (WQh D G wo h) (WKh D G wo h) (WVh D G wo h))
    /\ var_floor N d s (rtattn D G wo exp lim X)
    /\ var_floor N d s (rtattn D G wo (taylor_exp g) lim X).

  Let beta := head_beta dh (rscale D) B.
  Let E := exp (2 * beta).

  Hypothesis Hw : weights_ok.

  Lemma Wb_nonneg : 0 <= Wb.
  Proof.
    destruct Hw as (_ & _ & _ & _ & _ & _ & HO & _). pose proof (wnorm_nonneg (H * dh) d (WOm D G wo)). lra.
  Qed.

  Lemma ln_lip' (Gm Bm : rmat) Y X :
    (forall l, (l < d)%nat -> Rabs (Gm 0%nat l) <= Wb) -> var_floor N d s Y -> var_floor N d s X ->
    dinf N d (rlnaff d Gm Bm Y) (rlnaff d Gm Bm X) <= c_LN Wb s d * dinf N d Y X.
  Proof.
    intros Hg HY HX. destruct Hw as (Hd & Hs & _). unfold c_LN.
    apply rlnaff_lip; assumption.
  Qed.

  (** The FFN sub-layer with its residual: [X₁ ↦ X₁ + FFN_inner(LN₂ X₁)]. *)
  Lemma mlp_block_lip Y X :
    var_floor N d s Y -> var_floor N d s X ->
    dinf N d (madd Y (rtmlp D G wo Y)) (madd X (rtmlp D G wo X)) <= c_ffn Wb s d * dinf N d Y X.
  Proof.
    intros HY HX. unfold c_ffn. apply residual_lip.
    destruct Hw as (Hd & Hs & HB & Hsc & Hlim & Hqkv & HO & Hgam & HW1 & HW2).
    unfold rtmlp, rffn_inner, rmlp. fold d dff.
    eapply Rle_trans; [apply linear_lip|].
    rewrite !Rmult_assoc. apply Rmult_le_compat; [apply wnorm_nonneg|apply dinf_nonneg|exact HW2|].
    eapply Rle_trans; [apply relu_lip|]. eapply Rle_trans; [apply linear_lip|].
    apply Rmult_le_compat; [apply wnorm_nonneg|apply dinf_nonneg|exact HW1|].
    apply ln_lip'; [intros l Hl; apply Hgam, Hl|exact HY|exact HX].
  Qed.

  Lemma madd_same_dinf X A A' : dinf N d (madd X A) (madd X A') <= dinf N d A A'.
  Proof.
    apply dinf_le; [apply dinf_nonneg|]. intros i j Hi Hj. unfold madd.
    replace (X i j + A i j - (X i j + A' i j)) with (A i j - A' i j) by ring. apply dinf_entry; assumption.
  Qed.

  Lemma attn_block_lip Y X : act_ok Y -> act_ok X ->
    dinf N d (rtattn D G wo exp lim Y) (rtattn D G wo exp lim X) <= c_att Wb beta E s d * dinf N d Y X.
  Proof.
    intros (HfY & HqY & _) (HfX & HqX & _). pose proof Wb_nonneg as HWb.
    destruct Hw as (Hd & Hs & HB & Hsc & Hlim & Hqkv & HO & Hgam & HW1 & HW2).
    unfold c_att, rtattn.
    apply (residual_lip N d (fun Z => rmha exp d dh H (rscale D) lim (rln1 D G wo Z)
                                 (WQh D G wo) (WKh D G wo) (WVh D G wo) (WOm D G wo))).
    replace (Wb * c_head Wb beta E * c_LN Wb s d * dinf N d Y X)
      with (Wb * (c_head Wb beta E * c_LN Wb s d * dinf N d Y X)) by ring.
    assert (Hbe : 0 <= beta) by apply (head_beta_nonneg dh (rscale D) B Hsc).
    assert (HE : 0 <= E) by apply Rlt_le, exp_pos.
    pose proof (c_head_nonneg Wb beta E HWb Hbe HE). pose proof (c_LN_nonneg Wb s d HWb Hs).
    apply mha_dinf; [apply Rmult_le_pos; [apply Rmult_le_pos; assumption|apply dinf_nonneg]|exact HO|].
    intros h Hh. destruct (Hqkv h Hh) as (HQ & HK & HV).
    eapply Rle_trans; [apply head_lip; eauto|]. fold beta E.
    change (Wb * (1 + 4 * beta * E)) with (c_head Wb beta E).
    rewrite (Rmult_assoc (c_head Wb beta E)). apply Rmult_le_compat_l; [assumption|].
    apply ln_lip'; [intros l Hl; apply Hgam, Hl|exact HfY|exact HfX].
  Qed.

  (** The exact layer is [c_layer]-Lipschitz between two inputs satisfying [act_ok]. *)
  Theorem layer_lip Y X : act_ok Y -> act_ok X ->
    dinf N d (rtlayer D G wo exp lim Y) (rtlayer D G wo exp lim X) <= c_layer Wb beta E s d * dinf N d Y X.
  Proof.
    intros HY HX. unfold rtlayer, c_layer.
    pose proof HY as (_ & _ & HfY & _). pose proof HX as (_ & _ & HfX & _).
    eapply Rle_trans; [apply mlp_block_lip; [exact HfY|exact HfX]|].
    rewrite Rmult_assoc. apply Rmult_le_compat_l; [pose proof (c_ffn_ge1 Wb s d Wb_nonneg ltac:(apply Hw)); lra|].
    apply attn_block_lip; assumption.
  Qed.

  (** The fast layer is within [c_delta] of the exact layer at the same input. *)
  Theorem layer_fast_error X : act_ok X -> eps_T g beta <= 1 / 2 ->
    dinf N d (rtlayer D G wo (taylor_exp g) lim X) (rtlayer D G wo exp lim X)
    <= c_delta Wb s d (eps_T g beta) B.
  Proof.
    intros (HfX & HqX & HfE & HfF) Heps. pose proof Wb_nonneg as HWb. unfold rtlayer, c_delta.
    eapply Rle_trans; [apply mlp_block_lip; [exact HfF|exact HfE]|].
    apply Rmult_le_compat_l; [pose proof (c_ffn_ge1 Wb s d HWb ltac:(apply Hw)); lra|].
    destruct Hw as (Hd & Hs & HB & Hsc & Hlim & Hqkv & HO & _).
    unfold rtattn. eapply Rle_trans; [apply madd_same_dinf|]. fold d H dh.
    apply mha_dinf; [pose proof (eps_T_nonneg g beta (head_beta_nonneg dh (rscale D) B Hsc)); nra|exact HO|].
    intros h Hh. apply head_fast_error; auto.
  Qed.
End layer.
