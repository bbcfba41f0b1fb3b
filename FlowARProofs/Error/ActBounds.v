(** * Activation bounds from weight bounds

    The error theorems (LayerError.v, FlowHeadError.v, ScaleError.v) take,
    at every attention call, the bound [|q|, |k|, |v| ≤ B] ([qkv_bounded])
    as part of [act_ok].  This file DERIVES it from weight bounds, using
    that LayerNorm normalizes: whenever the row's variance is positive,
    every entry of [LN(x)] is at most [√d] ([LNStability.rln_bound]), so

    - [rlnaff_bound]: [|γ ⊙ LN(x) + b|] ≤ [γ_max·√d + b_max];
    - [linear_bound]: [|X·W + b|] ≤ [‖W‖·a + b_max] when [|X| ≤ a]
      ([‖W‖] the ℓ∞ operator norm [Lipschitz.wnorm]);
    - [qkv_of_floor]: at LN₁'s output, [|q|, |k|, |v| ≤ qkv_B W bℓ r :=
      W·(W·r + bℓ)] for any [r ≥ √d] (take [r] rational with [d ≤ r²] to
      compute), where [W] bounds [‖W_Q‖, ‖W_K‖, ‖W_V‖] and [|γ₁|]
      ([weights_ok]) and [bℓ] bounds [|b₁|] (LN₁'s shift, [ln_bias_ok]);
      the bound does NOT depend on the size of the layer's input;
    - [act_ok_of_floors]: hence [act_ok] (the per-call hypothesis of
      [layer_fast_error] / [layer_lip]) follows from the three variance
      floors alone (LN₁'s input, and LN₂'s inputs of the exact and of the
      fast attention sub-layer); [stack_ok_of_floors] (the flow head's
      [stack_ok]) and [tf_ok_of_floors] (ScaleError's [tf_ok]) likewise;
    - score range: [|s| ≤ scale·d_h·B² = head_beta] ([AttnStability.rscore_bound]);
    - [taylor_exp_pos_of_eps]: on the score range the Taylor weights are
      positive when [ε_T(g, β) < 1] (relative error), so fast attention, like
      exact attention, is a convex combination of the values:
      [rattn_bound]: [|attn_w(Z)| ≤ ‖V‖∞] for [w = exp] and for
      [w = taylor_exp g];
    - [rtlayer_bound]: one layer's output is at most [bx + layer_growth]
      when its input is at most [bx] (additive growth: attention adds at
      most [W·B], the FFN at most [W·(W·(W·r + bℓ) + b_c) + b_c]);
      [rlayers_bound]: [L_f] layers add [L_f·layer_growth];
    - [rvin_bound], [rvel_bound]: the velocity network's input and output;
      [euler_bound]: one Euler step, [traj_bound]: the [T]-step trajectory
      bound (a linear recursion, [traj_B]).

    What stays a HYPOTHESIS: the variance floor [σ² ≤ var] at every
    LayerNorm input.  The model's LayerNorm has no ε in the denominator
    ([RealModel.rln]), so a row with zero variance makes LN undefined (Coq's
    [/ 0 = 0] convention) and not Lipschitz; the floor is a property of the
    activations, not implied by weight bounds.  [rln_eps_bound]: with an ε
    in the denominator ([rln_eps]), the output bound [√d] holds for every
    input, without a floor (its Lipschitz constant would then be
    [(2 + 2d)/√ε]; not used by the error theorems, which follow the model). *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor
  FastAttentionError RealModel LNStability AttnStability LayerError FlowHeadError ScaleError.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (X Y Z : rmat) (N c d e : nat).

(** Every entry of [X] on [N × d] is at most [b] in absolute value. *)
Definition ent_bounded N d (b : R) X : Prop :=
  forall i j, (i < N)%nat -> (j < d)%nat -> Rabs (X i j) <= b.

Lemma sqrt_le_of_sq c (r : R) : 0 <= r -> INR c <= r * r -> sqrt (INR c) <= r.
Proof.
  intros Hr Hc. rewrite <- (sqrt_square r) by exact Hr. apply sqrt_le_1_alt. exact Hc.
Qed.

Lemma var_floor_pos N c s X i : 0 < s -> var_floor N c s X -> (i < N)%nat -> 0 < rvar c X i.
Proof. intros Hs HX Hi. pose proof (HX i Hi). nra. Qed.

(** ** LayerNorm *)

Lemma rlnaff_bound c (Gm Bm : rmat) X i l (gb bb r : R) :
  (0 < c)%nat -> (l < c)%nat -> 0 < rvar c X i -> sqrt (INR c) <= r ->
  Rabs (Gm 0%nat l) <= gb -> Rabs (Bm 0%nat l) <= bb ->
  Rabs (rlnaff c Gm Bm X i l) <= gb * r + bb.
Proof.
  intros Hc Hl Hv Hr Hg Hb. unfold rlnaff.
  eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult.
  pose proof (rln_bound c X i l Hc Hl Hv). pose proof (Rabs_pos (Gm 0%nat l)).
  pose proof (Rabs_pos (rln c X i l)).
  assert (Rabs (Gm 0%nat l) * Rabs (rln c X i l) <= gb * r) by (apply Rmult_le_compat; lra).
  lra.
Qed.

Lemma rlnaff_ent_bounded N c (Gm Bm : rmat) X (s gb bb r : R) :
  (0 < c)%nat -> 0 < s -> var_floor N c s X -> sqrt (INR c) <= r ->
  (forall l, (l < c)%nat -> Rabs (Gm 0%nat l) <= gb /\ Rabs (Bm 0%nat l) <= bb) ->
  ent_bounded N c (gb * r + bb) (rlnaff c Gm Bm X).
Proof.
  intros Hc Hs HX Hr Hgb i l Hi Hl. destruct (Hgb l Hl).
  apply rlnaff_bound; try assumption. apply (var_floor_pos N c s X i Hs HX Hi).
Qed.

(** With ε in the denominator, no floor is needed for the output bound. *)
Definition rln_eps c (eps : R) X : rmat := fun i l => rcent c X i l / sqrt (rvar c X i + eps).

Lemma rln_eps_bound c (eps : R) X i l :
  (0 < c)%nat -> (l < c)%nat -> 0 < eps -> Rabs (rln_eps c eps X i l) <= sqrt (INR c).
Proof.
  intros Hc Hl He. unfold rln_eps.
  pose proof (rvar_nonneg c i Hc X) as Hv.
  assert (Hs : 0 < sqrt (rvar c X i + eps)) by (apply sqrt_lt_R0; lra).
  unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ _)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
  apply Rmult_le_reg_r with (sqrt (rvar c X i + eps)); [lra|].
  rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
  eapply Rle_trans; [apply (rcent_le c i Hc X l Hl)|].
  apply Rmult_le_compat_l; [apply sqrt_pos|]. apply sqrt_le_1_alt. lra.
Qed.

(** ** Linear maps *)

Lemma linear_bound N d e X W (b : nat -> R) (a Wb bb : R) :
  ent_bounded N d a X -> wnorm d e W <= Wb -> (forall k, (k < e)%nat -> Rabs (b k) <= bb) ->
  0 <= a -> ent_bounded N e (Wb * a + bb) (linear d X W b).
Proof.
  intros HX HW Hb Ha i k Hi Hk. unfold linear.
  eapply Rle_trans; [apply Rabs_triang|]. apply Rplus_le_compat; [|apply Hb, Hk].
  eapply Rle_trans; [apply rsum_abs|].
  assert (Hcol : rsum (fun j => Rabs (W j k)) d <= Wb).
  { eapply Rle_trans; [|exact HW]. apply (rmax_ge (fun k => rsum (fun j => Rabs (W j k)) d) e k Hk). }
  eapply Rle_trans with (rsum (fun j => a * Rabs (W j k)) d).
  - apply rsum_le. intros j Hj. rewrite Rabs_mult.
    apply Rmult_le_compat_r; [apply Rabs_pos|apply HX; assumption].
  - rewrite rsum_scal_l. rewrite (Rmult_comm Wb). apply Rmult_le_compat_l; assumption.
Qed.

Lemma ent_bounded_nonneg N d b X : (0 < N)%nat -> (0 < d)%nat -> ent_bounded N d b X -> 0 <= b.
Proof. intros HN Hd H. pose proof (H 0%nat 0%nat HN Hd). pose proof (Rabs_pos (X 0%nat 0%nat)). lra. Qed.

Lemma ent_bounded_mono N d b b' X : b <= b' -> ent_bounded N d b X -> ent_bounded N d b' X.
Proof. intros Hb H i j Hi Hj. pose proof (H i j Hi Hj). lra. Qed.

(** ** q, k, v from weight bounds *)

(** The derived bound on q, k, v: [W·(W·r + bℓ)]. *)
Definition qkv_B (Wb bl r : R) : R := Wb * (Wb * r + bl).

Section layer.
  Context (D : Layer.LDims) (G : list R) (wo : nat) (lim : nat -> nat) (N g : nat).
  Context (B s Wb bl bc r : R).
  Let d := Layer.ld D. Let H := Layer.lH D. Let dh := Layer.ldh D. Let dff := Layer.ldff D.

  (** Bounds on the shifts of both LayerNorms ([bl]) and the FFN biases ([bc]),
      the parts of a layer that [weights_ok] does not bound. *)
  Definition bias_ok : Prop :=
    (forall l, (l < d)%nat ->
       Rabs (lw G wo (Layer.o_b1 D) 1 d 0%nat l) <= bl /\ Rabs (lw G wo (Layer.o_b2 D) 1 d 0%nat l) <= bl
       /\ Rabs (lw G wo (Layer.o_c2 D) 1 d 0%nat l) <= bc)
    /\ (forall k, (k < dff)%nat -> Rabs (lw G wo (Layer.o_c1 D) 1 dff 0%nat k) <= bc).

  Hypothesis Hw : weights_ok D G wo lim N B s Wb.
  Hypothesis Hb : bias_ok.
  Hypothesis Hr : sqrt (INR d) <= r.

  Lemma bl_nonneg : 0 <= bl.
  Proof.
    destruct Hw as (Hd & _). destruct Hb as [Hb1 _]. destruct (Hb1 0%nat Hd) as (H1 & _).
    pose proof (Rabs_pos (lw G wo (Layer.o_b1 D) 1 d 0%nat 0%nat)). lra.
  Qed.

  Lemma r_nonneg' : 0 <= r.
  Proof. pose proof (sqrt_pos (INR d)). lra. Qed.

  Lemma ln_out_nonneg : 0 <= Wb * r + bl.
  Proof.
    pose proof (Wb_nonneg D G wo lim N B s Wb Hw). pose proof bl_nonneg. pose proof r_nonneg'.
    pose proof (Rmult_le_pos _ _ H0 H2). lra.
  Qed.

  Lemma rln1_bounded X : var_floor N d s X -> ent_bounded N d (Wb * r + bl) (rln1 D G wo X).
  Proof.
    intros HX. destruct Hw as (Hd & Hs & _ & _ & _ & _ & _ & Hgam & _). destruct Hb as [Hb1 _].
    apply rlnaff_ent_bounded with (s := s); try assumption.
    intros l Hl. split; [apply Hgam, Hl|apply Hb1, Hl].
  Qed.

  Lemma rln2_bounded X : var_floor N d s X -> ent_bounded N d (Wb * r + bl) (rln2 D G wo X).
  Proof.
    intros HX. destruct Hw as (Hd & Hs & _ & _ & _ & _ & _ & Hgam & _). destruct Hb as [Hb1 _].
    apply rlnaff_ent_bounded with (s := s); try assumption.
    intros l Hl. split; [apply Hgam, Hl|apply Hb1, Hl].
  Qed.

  (** [|q|, |k|, |v| ≤ W·(W·r + bℓ)] at LN₁'s output: derived, not assumed. *)
  Theorem qkv_of_floor X :
    var_floor N d s X -> qkv_B Wb bl r <= B ->
    forall h, (h < H)%nat -> qkv_bounded N d dh B (rln1 D G wo X) (WQh D G wo h) (WKh D G wo h) (WVh D G wo h).
  Proof.
    intros HX HB h Hh i m Hi Hm. pose proof (rln1_bounded X HX) as HZ. pose proof ln_out_nonneg as Ha.
    destruct Hw as (_ & _ & _ & _ & _ & Hqkv & _). destruct (Hqkv h Hh) as (HQ & HK & HV).
    unfold qkv_B in HB.
    assert (H0 : forall k, (k < dh)%nat -> Rabs ((fun _ : nat => 0) k) <= 0)
      by (intros; rewrite Rabs_R0; lra).
    unfold rmatmul.
    repeat split; (eapply Rle_trans; [eapply linear_bound; eassumption|]); lra.
  Qed.

  (** [act_ok] reduces to the three variance floors. *)
  Theorem act_ok_of_floors X :
    qkv_B Wb bl r <= B ->
    var_floor N d s X -> var_floor N d s (rtattn D G wo exp lim X)
    -> var_floor N d s (rtattn D G wo (taylor_exp g) lim X) ->
    act_ok D G wo lim N g B s X.
  Proof.
    intros HB H1 H2 H3. split; [exact H1|]. split; [|split; assumption].
    intros h Hh. apply qkv_of_floor; assumption.
  Qed.
End layer.

(** ** Attention output: a convex combination of the values *)

Lemma softmax_row_bound a v m (vb : R) :
  (0 < m)%nat -> (forall j, (j < m)%nat -> 0 < a j /\ Rabs (v j) <= vb) ->
  Rabs (softmax_row a v m) <= vb.
Proof.
  intros Hm H. unfold softmax_row.
  assert (HS : 0 < rsum a m) by (apply rsum_pos; [exact Hm|]; intros j Hj; apply H, Hj).
  unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ _)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
  apply Rmult_le_reg_r with (rsum a m); [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
  eapply Rle_trans; [apply rsum_abs|]. rewrite <- rsum_scal_l. apply rsum_le. intros j Hj.
  destruct (H j Hj) as [Ha Hv]. rewrite Rabs_mult, (Rabs_pos_eq (a j)) by lra. nra.
Qed.

(** The Taylor weights are positive on the score range when [ε_T(g, β) < 1]. *)
Lemma taylor_exp_pos_of_eps g (beta x : R) :
  Rabs x <= beta -> eps_T g beta < 1 -> 0 < taylor_exp g x.
Proof.
  intros Hx He. pose proof (taylor_exp_rel_error g beta x Hx) as Hr. apply Rabs_le_inv in Hr.
  pose proof (exp_pos x). assert (eps_T g beta * exp x < exp x) by nra. lra.
Qed.

Lemma rattn_bound w N c dh (sc : R) lim Z WQ WK WV (vb : R) :
  lim_ok N lim ->
  (forall i j, (i < N)%nat -> (j < N)%nat -> 0 < w (rscore c dh sc Z WQ WK i j)) ->
  ent_bounded N dh vb (rmatmul c Z WV) ->
  ent_bounded N dh vb (rattn w c dh sc lim Z WQ WK WV).
Proof.
  intros Hlim Hpos HV i l Hi Hl. unfold rattn, attn_with, masked_attn.
  destruct (Hlim i Hi) as [H0 HN]. apply softmax_row_bound; [exact H0|].
  intros j Hj. split; [apply Hpos; lia|]. apply HV; lia.
Qed.

(** Positive weights at every call: [exp], or the Taylor polynomial on the score range. *)
Definition weights_pos (w : R -> R) (beta : R) : Prop :=
  forall x, Rabs x <= beta -> 0 < w x.

Lemma weights_pos_exp beta : weights_pos exp beta.
Proof. intros x _. apply exp_pos. Qed.

Lemma weights_pos_taylor g beta : eps_T g beta < 1 -> weights_pos (taylor_exp g) beta.
Proof. intros He x Hx. apply (taylor_exp_pos_of_eps g beta x Hx He). Qed.

Lemma concat_bounded N dh H (O : nat -> rmat) (b : R) :
  (forall h, (h < H)%nat -> ent_bounded N dh b (O h)) -> ent_bounded N (H * dh) b (rconcat dh O).
Proof.
  intros HO i m Hi Hm. unfold rconcat. assert (Hdh : (0 < dh)%nat) by (destruct dh; lia).
  apply HO; [apply Nat.div_lt_upper_bound; lia|exact Hi|apply Nat.mod_upper_bound; lia].
Qed.

Lemma relu_bounded N d b X : ent_bounded N d b X -> ent_bounded N d b (relu X).
Proof.
  intros H i j Hi Hj. unfold relu. eapply Rle_trans; [|apply (H i j Hi Hj)].
  unfold Rmax. destruct (Rle_dec 0 (X i j)); [lra|]. rewrite Rabs_R0. apply Rabs_pos.
Qed.

(** ** One layer: additive growth *)

Section growth.
  Context (D : Layer.LDims) (G : list R) (wo : nat) (lim : nat -> nat) (N g : nat).
  Context (B s Wb bl bc r : R).
  Let d := Layer.ld D. Let H := Layer.lH D. Let dh := Layer.ldh D. Let dff := Layer.ldff D.
  Let beta := head_beta dh (rscale D) B.

  Hypothesis Hw : weights_ok D G wo lim N B s Wb.
  Hypothesis Hb : bias_ok D G wo bl bc.
  Hypothesis Hr : sqrt (INR d) <= r.
  Hypothesis HB : qkv_B Wb bl r <= B.

  (** What one layer adds to the input bound: [W·B] (attention) plus the FFN's output bound. *)
  Definition layer_growth : R := Wb * B + (Wb * (Wb * (Wb * r + bl) + bc) + bc).

  Lemma mha_bounded w X :
    var_floor N d s X -> weights_pos w beta ->
    ent_bounded N d (Wb * B) (rmha w d dh H (rscale D) lim (rln1 D G wo X) (WQh D G wo) (WKh D G wo) (WVh D G wo) (WOm D G wo)).
  Proof.
    intros HX Hpos. pose proof Hw as (Hd & Hs & HB0 & Hsc & Hlim & Hqkv & HO & _).
    pose proof (qkv_of_floor D G wo lim N B s Wb bl bc r Hw Hb Hr X HX HB) as Hq.
    replace (Wb * B) with (Wb * B + 0) by ring. unfold rmha, rmatmul.
    apply linear_bound; [|exact HO|intros; rewrite Rabs_R0; lra|exact HB0].
    apply concat_bounded. intros h Hh. apply rattn_bound; [exact Hlim| |].
    - intros i j Hi Hj. apply Hpos. apply (rscore_bound N d dh (rscale D) B (WQh D G wo h) (WKh D G wo h) (WVh D G wo h)); try assumption. apply Hq, Hh.
    - intros i m Hi Hm. apply (Hq h Hh i m Hi Hm).
  Qed.

  Lemma rtmlp_bounded X1 :
    var_floor N d s X1 -> ent_bounded N d (Wb * (Wb * (Wb * r + bl) + bc) + bc) (rtmlp D G wo X1).
  Proof.
    intros HX1. pose proof Hw as (Hd & Hs & HB0 & Hsc & Hlim & Hqkv & HO & Hgam & HW1 & HW2).
    pose proof Hb as [Hb1 Hc1]. pose proof (ln_out_nonneg D G wo lim N B s Wb bl bc r Hw Hb Hr) as Ha.
    pose proof (Wb_nonneg D G wo lim N B s Wb Hw) as HWb.
    assert (Hbc : 0 <= bc).
    { destruct (Hb1 0%nat Hd) as (_ & _ & Hc). eapply Rle_trans; [apply Rabs_pos|exact Hc]. }
    unfold rtmlp, rffn_inner, rmlp. apply linear_bound; [| exact HW2 | intros k Hk; apply Hb1, Hk | ].
    - apply relu_bounded. apply linear_bound; [|exact HW1|exact Hc1|exact Ha].
      apply (rln2_bounded D G wo lim N B s Wb bl bc r Hw Hb Hr X1 HX1).
    - apply Rplus_le_le_0_compat; [apply Rmult_le_pos|]; lra.
  Qed.

  Theorem rtlayer_bound w X (bx : R) :
    weights_pos w beta -> ent_bounded N d bx X ->
    var_floor N d s X -> var_floor N d s (rtattn D G wo w lim X) ->
    ent_bounded N d (bx + layer_growth) (rtlayer D G wo w lim X).
  Proof.
    intros Hpos HX HX0 HX1 i j Hi Hj. unfold rtlayer, layer_growth.
    pose proof (rtmlp_bounded _ HX1 i j Hi Hj). set (X1 := rtattn D G wo w lim X) in *.
    unfold madd at 1. eapply Rle_trans; [apply Rabs_triang|].
    assert (Rabs (X1 i j) <= bx + Wb * B).
    { unfold X1, rtattn, madd. eapply Rle_trans; [apply Rabs_triang|].
      pose proof (mha_bounded w X HX0 Hpos i j Hi Hj). pose proof (HX i j Hi Hj). apply Rplus_le_compat; [exact H2|exact H1]. }
    lra.
  Qed.
End growth.

(** ** The flow head: [L_f] layers, the velocity, the Euler trajectory *)

Section flowhead.
  Context (Dm : FlowHead.FHDims) (G : list R) (wo M T : nat) (Yh : rmat) (g : nat) (B s Wb bl bc r : R).
  Let D := FlowHead.fhLD Dm. Let d := Layer.ld D. Let c := FlowHead.fhc Dm. Let Lf := FlowHead.fhLf Dm.
  Let lo l := (wo + FlowHead.fh_layers Dm + l * Layer.tl_size D)%nat.
  Let lim := fun _ : nat => M.
  Let beta := head_beta (Layer.ldh D) (rscale D) B.

  Hypothesis Hw : fh_weights_ok Dm G wo M T g B s Wb.
  Hypothesis Hb : forall l, (l < Lf)%nat -> bias_ok D G (lo l) bl bc.
  Hypothesis Hr : sqrt (INR d) <= r.
  Hypothesis HB : qkv_B Wb bl r <= B.

  (** Variance floors at both LayerNorm inputs of every layer of the stack [w] from [X]. *)
  Definition stack_floors w X : Prop :=
    forall l, (l < Lf)%nat ->
      var_floor M d s (iter_chain (lay Dm G wo M w) X l)
      /\ var_floor M d s (rtattn D G (lo l) w lim (iter_chain (lay Dm G wo M w) X l)).

  Lemma weights_pos_fh w : w = exp \/ w = taylor_exp g -> weights_pos w beta.
  Proof.
    intros [->| ->]; [apply weights_pos_exp|]. apply weights_pos_taylor.
    destruct Hw as (_ & _ & _ & _ & _ & _ & _ & _ & He). fold D beta in He. lra.
  Qed.

  Theorem rlayers_bound w X (bx : R) :
    w = exp \/ w = taylor_exp g -> ent_bounded M d bx X -> stack_floors w X ->
    ent_bounded M d (bx + INR Lf * layer_growth B Wb bl bc r) (rlayers Dm G wo M w X).
  Proof.
    intros Hwf HX Hf. destruct Hw as (Hwl & _). unfold rlayers. fold Lf.
    assert (Hgen : forall l, (l <= Lf)%nat ->
              ent_bounded M d (bx + INR l * layer_growth B Wb bl bc r) (iter_chain (lay Dm G wo M w) X l)).
    { induction l as [|l IH]; intros Hl.
      - simpl. replace (bx + 0 * layer_growth B Wb bl bc r) with bx by ring. exact HX.
      - cbn [iter_chain]. rewrite S_INR.
        replace (bx + (INR l + 1) * layer_growth B Wb bl bc r)
          with ((bx + INR l * layer_growth B Wb bl bc r) + layer_growth B Wb bl bc r) by ring.
        destruct (Hf l ltac:(lia)) as [H1 H2].
        apply (rtlayer_bound D G (lo l) lim M B s Wb bl bc r); try assumption.
        + apply Hwl. lia.
        + apply Hb. lia.
        + apply weights_pos_fh, Hwf.
        + apply IH. lia. }
    apply Hgen. lia.
  Qed.

  (** The velocity network's input and output. *)
  Definition vin_bound (fb yb eb bib t : R) : R := Wb * fb + bib + yb + Rabs t * eb.

  Lemma rvin_bound t F (fb yb eb bib : R) :
    ent_bounded M c fb F -> ent_bounded M d yb Yh -> 0 <= fb ->
    (forall j, (j < d)%nat ->
       Rabs (fw G wo (FlowHead.fh_bin Dm) 1 d 0%nat j) <= bib /\ Rabs (fw G wo (FlowHead.fh_e Dm) 1 d 0%nat j) <= eb) ->
    ent_bounded M d (vin_bound fb yb eb bib t) (rvin Dm G wo t F Yh).
  Proof.
    intros HF HY Hfb Hbe i j Hi Hj. destruct Hw as (_ & Hwin & _). destruct (Hbe j Hj) as [Hbi He].
    pose proof (linear_bound M c d F (fw G wo (FlowHead.fh_win Dm) c d) (fw G wo (FlowHead.fh_bin Dm) 1 d 0%nat)
                  fb Wb bib HF Hwin (fun k Hk => proj1 (Hbe k Hk)) Hfb i j Hi Hj) as HL.
    unfold rvin, rmlp, vin_bound.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult.
    eapply Rle_trans; [apply Rplus_le_compat_r, Rabs_triang|].
    pose proof (HY i j Hi Hj).
    assert (Rabs t * Rabs (fw G wo (FlowHead.fh_e Dm) 1 d 0%nat j) <= Rabs t * eb)
      by (apply Rmult_le_compat_l; [apply Rabs_pos|exact He]).
    apply Rplus_le_compat; [apply Rplus_le_compat; [exact HL|exact H]|exact H0].
  Qed.

  (** [stack_ok] (every layer's [act_ok]) from the variance floors alone. *)
  Definition layer_floors (o : nat) X : Prop :=
    var_floor M d s X /\ var_floor M d s (rtattn D G o exp lim X)
    /\ var_floor M d s (rtattn D G o (taylor_exp g) lim X).

  Theorem stack_ok_of_floors w X :
    (forall l, (l < Lf)%nat -> layer_floors (lo l) (iter_chain (lay Dm G wo M w) X l)) ->
    stack_ok Dm G wo M g B s w X.
  Proof.
    intros Hf l Hl. destruct Hw as (Hwl & _). destruct (Hf l Hl) as (H1 & H2 & H3).
    apply (act_ok_of_floors D G (lo l) lim M g B s Wb bl bc r); try assumption.
    - apply Hwl, Hl.
    - apply Hb, Hl.
  Qed.

  Lemma growth_nonneg : 0 <= INR Lf * layer_growth B Wb bl bc r.
  Proof.
    destruct (Nat.eq_dec Lf 0) as [HL0|HL0]; [rewrite HL0; simpl; lra|].
    apply Rmult_le_pos; [apply pos_INR|].
    destruct Hw as (Hwl & _ & _ & HWb & Hs & HB0 & _).
    destruct (Hwl 0%nat ltac:(lia)) as (Hd & _). destruct (Hb 0%nat ltac:(lia)) as [Hb1 _].
    destruct (Hb1 0%nat Hd) as (H1 & _ & H3).
    assert (Hbl : 0 <= bl) by (eapply Rle_trans; [apply Rabs_pos|exact H1]).
    assert (Hbc : 0 <= bc) by (eapply Rle_trans; [apply Rabs_pos|exact H3]).
    assert (Hr0 : 0 <= r) by (pose proof (sqrt_pos (INR d)); lra). unfold layer_growth.
    assert (Ha : 0 <= Wb * r + bl) by (pose proof (Rmult_le_pos Wb r HWb Hr0); lra).
    assert (Ha' : 0 <= Wb * (Wb * r + bl) + bc) by (pose proof (Rmult_le_pos _ _ HWb Ha); lra).
    pose proof (Rmult_le_pos _ _ HWb Ha'). pose proof (Rmult_le_pos _ _ HWb HB0). lra.
  Qed.

  Theorem rvel_bound w t F (bx bob : R) :
    w = exp \/ w = taylor_exp g ->
    ent_bounded M d bx (rvin Dm G wo t F Yh) -> stack_floors w (rvin Dm G wo t F Yh) -> 0 <= bx ->
    (forall k, (k < c)%nat -> Rabs (fw G wo (FlowHead.fh_bout Dm) 1 c 0%nat k) <= bob) ->
    ent_bounded M c (Wb * (bx + INR Lf * layer_growth B Wb bl bc r) + bob) (rvel Dm G wo M w t F Yh).
  Proof.
    intros Hwf Hin Hf Hbx Hbo. pose proof (rlayers_bound w _ bx Hwf Hin Hf) as HL.
    pose proof growth_nonneg. destruct Hw as (_ & _ & Hwout & _).
    unfold rvel, rmlp. apply linear_bound; [exact HL|exact Hwout|exact Hbo|lra].
  Qed.

  (** The Euler trajectory: [F_{k+1} ≤ F_k + (W·(W·F_k + K) + b_out)/T] with
      [K = b_in + ‖Ŷ‖ + ‖e‖ + L_f·layer_growth] ([t_k ∈ [0, 1]]). *)
  Fixpoint traj_B (K bob f0 : R) (k : nat) : R :=
    match k with
    | O => f0
    | S k => traj_B K bob f0 k + / INR T * (Wb * (Wb * traj_B K bob f0 k + K) + bob)
    end.

  Lemma traj_B_nonneg K bob f0 k : 0 <= K -> 0 <= bob -> 0 <= f0 -> 0 <= traj_B K bob f0 k.
  Proof.
    intros HK Hbo Hf. pose proof Hw as (_ & _ & _ & HWb & _ & _ & _ & HT & _).
    assert (HiT : 0 < / INR T) by (apply Rinv_0_lt_compat, lt_0_INR, HT).
    induction k as [|k IH]; simpl; [exact Hf|].
    assert (0 <= Wb * traj_B K bob f0 k) by (apply Rmult_le_pos; lra).
    assert (0 <= Wb * (Wb * traj_B K bob f0 k + K)) by (apply Rmult_le_pos; lra).
    assert (0 <= / INR T * (Wb * (Wb * traj_B K bob f0 k + K) + bob)) by (apply Rmult_le_pos; lra).
    lra.
  Qed.

  Theorem traj_bound w F0 (f0 yb eb bib bob : R) :
    w = exp \/ w = taylor_exp g -> 0 <= f0 -> 0 <= yb -> 0 <= eb -> 0 <= bib -> 0 <= bob ->
    ent_bounded M c f0 F0 -> ent_bounded M d yb Yh ->
    (forall j, (j < d)%nat ->
       Rabs (fw G wo (FlowHead.fh_bin Dm) 1 d 0%nat j) <= bib /\ Rabs (fw G wo (FlowHead.fh_e Dm) 1 d 0%nat j) <= eb) ->
    (forall k, (k < c)%nat -> Rabs (fw G wo (FlowHead.fh_bout Dm) 1 c 0%nat k) <= bob) ->
    (forall k, (k < T)%nat ->
       stack_floors w (rvin Dm G wo (INR k / INR T)
         (iter_chain (fun k => euler (/ INR T) (fun F => rvel Dm G wo M w (INR k / INR T) F Yh)) F0 k) Yh)) ->
    ent_bounded M c (traj_B (bib + yb + eb + INR Lf * layer_growth B Wb bl bc r) bob f0 T)
      (rflow Dm G wo M w T F0 Yh).
  Proof.
    intros Hwf Hf0 Hyb Heb Hbib Hbob HF0 HY Hbe Hbo Hfl. pose proof growth_nonneg as Hg.
    pose proof Hw as (_ & _ & _ & HWb & _ & _ & _ & HT & _).
    assert (HTp : 0 < INR T) by (apply lt_0_INR, HT). pose proof (Rinv_0_lt_compat _ HTp) as HiT.
    set (K := bib + yb + eb + INR Lf * layer_growth B Wb bl bc r).
    assert (HK : 0 <= K) by (unfold K; lra).
    unfold rflow.
    assert (Hgen : forall k, (k <= T)%nat ->
      ent_bounded M c (traj_B K bob f0 k)
        (iter_chain (fun k => euler (/ INR T) (fun F => rvel Dm G wo M w (INR k / INR T) F Yh)) F0 k)).
    { induction k as [|k IH]; intros Hk; [exact HF0|].
      set (Fk := iter_chain (fun k => euler (/ INR T) (fun F => rvel Dm G wo M w (INR k / INR T) F Yh)) F0 k) in *.
      pose proof (traj_B_nonneg K bob f0 k HK Hbob Hf0) as Htk.
      set (tk := traj_B K bob f0 k) in *.
      assert (Ht : Rabs (INR k / INR T) <= 1).
      { rewrite Rabs_pos_eq by (apply Rmult_le_pos; [apply pos_INR|lra]).
        apply Rmult_le_reg_r with (INR T); [lra|]. unfold Rdiv. rewrite Rmult_assoc, Rinv_l by lra.
        rewrite Rmult_1_r, Rmult_1_l. apply le_INR. lia. }
      pose proof (rvin_bound (INR k / INR T) Fk tk yb eb bib (IH ltac:(lia)) HY Htk Hbe) as Hin.
      assert (Hvb : 0 <= vin_bound tk yb eb bib (INR k / INR T)).
      { unfold vin_bound. pose proof (Rmult_le_pos _ _ HWb Htk).
        pose proof (Rmult_le_pos _ _ (Rabs_pos (INR k / INR T)) Heb). lra. }
      pose proof (rvel_bound w (INR k / INR T) Fk _ bob Hwf Hin (Hfl k ltac:(lia)) Hvb Hbo) as Hv.
      intros i j Hi Hj. cbn [iter_chain]. fold Fk. unfold euler.
      eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, (Rabs_pos_eq (/ INR T)) by lra.
      cbn [traj_B]. fold tk. apply Rplus_le_compat; [apply (IH ltac:(lia) i j Hi Hj)|].
      apply Rmult_le_compat_l; [lra|]. eapply Rle_trans; [apply (Hv i j Hi Hj)|].
      apply Rplus_le_compat_r. apply Rmult_le_compat_l; [exact HWb|]. unfold vin_bound, K.
      pose proof (Rmult_le_compat_r eb _ _ Heb Ht). lra. }
    apply Hgen. lia.
  Qed.
End flowhead.

(** ** The AR transformer of one scale ([ScaleError.tf_ok]) from the variance floors *)

Theorem tf_ok_of_floors (D : Layer.LDims) (G : list R) (offl : nat -> nat) (lim : nat -> nat) (N L g : nat)
    (B s Wb bl bc r : R) (w : R -> R) (X : rmat) :
  (forall l, (l < L)%nat -> weights_ok D G (offl l) lim N B s Wb /\ bias_ok D G (offl l) bl bc) ->
  sqrt (INR (Layer.ld D)) <= r -> qkv_B Wb bl r <= B ->
  (forall l, (l < L)%nat ->
     let Xl := iter_chain (fun l X => rtlayer D G (offl l) w lim X) X l in
     var_floor N (Layer.ld D) s Xl /\ var_floor N (Layer.ld D) s (rtattn D G (offl l) exp lim Xl)
     /\ var_floor N (Layer.ld D) s (rtattn D G (offl l) (taylor_exp g) lim Xl)) ->
  ScaleError.tf_ok D G offl lim N L g B s w X.
Proof.
  intros Hw Hr HB Hf l Hl. destruct (Hw l Hl) as [Hwl Hbl]. destruct (Hf l Hl) as (H1 & H2 & H3).
  apply (act_ok_of_floors D G (offl l) lim N g B s Wb bl bc r); assumption.
Qed.
