(** * The hypotheses of [tiny_flowhead_error] are satisfiable

    A concrete flow head with the tiny dimensions of FlowBound.v ([c = 1],
    [d = 2], one head of width 1, [d_ff = 1], scale [1/1], one layer,
    [M = 1] token, [T = 2] steps, degree [g = 4]): the weight vector is
    EMPTY, so every weight reads as 0 ([rdR_nil]), and the conditioning is
    the row [Ŷ = (1, −1)].  Then every layer is the identity, every
    LayerNorm input is [(1, −1)] (variance exactly [1 = σ²]), every query,
    key and value is 0, and all weight hypotheses hold with [W = 1/2]:
    [tiny_witness] proves [fh_weights_ok] and [flow_acts_ok], so
    [tiny_flowhead_error] is not vacuous.  The witness is degenerate (zero
    weights: fast and exact agree exactly); it shows the hypotheses are
    jointly satisfiable with these constants, not that the bound is tight. *)
From Coq Require Import Reals Lra Lia List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel LNStability
  AttnStability LayerError FlowHeadError FlowBound.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Definition tiny_LD : Layer.LDims :=
  {| Layer.ld := 2; Layer.lH := 1; Layer.ldh := 1; Layer.ldff := 1; Layer.lsn := 1%Z; Layer.lsd := 1%Z |}.
Definition tiny_Dm : FlowHead.FHDims := {| FlowHead.fhc := 1; FlowHead.fhLD := tiny_LD; FlowHead.fhLf := 1 |}.
Definition tiny_Yh : rmat := fun _ j => if Nat.eqb j 0 then 1 else -1.

Lemma rdR_nil off r c i j : rdR nil off r c i j = 0.
Proof. unfold rdR. destruct (off + (i * c + j))%nat; reflexivity. Qed.

Lemma rsum_zero_w (f : nat -> R) n (W : rmat) k :
  (forall j, W j k = 0) -> rsum (fun j => f j * W j k) n = 0.
Proof.
  intros HW. rewrite (rsum_ext _ (fun _ => 0)) by (intros; rewrite HW; ring).
  rewrite rsum_const. ring.
Qed.

Lemma linear_nil n X o r c o' r' c' i k :
  linear n X (rdR nil o r c) (rdR nil o' r' c' 0%nat) i k = 0.
Proof. unfold linear. rewrite rsum_zero_w by (intros; apply rdR_nil). rewrite rdR_nil. ring. Qed.

Lemma linear_nil0 n X o r c i k : linear n X (rdR nil o r c) (fun _ => 0) i k = 0.
Proof. unfold linear. rewrite rsum_zero_w by (intros; apply rdR_nil). ring. Qed.

Lemma wnorm_nil n e o r c (Wb : R) : 0 <= Wb -> wnorm n e (rdR nil o r c) <= Wb.
Proof.
  intros HW. apply rmax_le; [exact HW|]. intros k _.
  rewrite (rsum_ext _ (fun _ => 0)) by (intros; rewrite rdR_nil, Rabs_R0; reflexivity).
  rewrite rsum_const. lra.
Qed.

Section witness.
  Context (wo : nat).
  Let D := tiny_LD.

  Lemma attn_nil_id wo' w lim X i j : rtattn D nil wo' w lim X i j = X i j.
  Proof. unfold rtattn, rmha, rmatmul, madd, WOm, lw. rewrite linear_nil0. ring. Qed.

  Lemma layer_nil_id wo' w lim X i j : rtlayer D nil wo' w lim X i j = X i j.
  Proof.
    unfold rtlayer, madd. rewrite attn_nil_id.
    unfold rtmlp, rffn_inner, rmlp, lw. rewrite linear_nil. ring.
  Qed.

  Lemma iter_nil_id w X l i j :
    iter_chain (fun l X => rtlayer D nil (wo + FlowHead.fh_layers tiny_Dm + l * Layer.tl_size D) w
                             (fun _ => 1%nat) X) X l i j = X i j.
  Proof.
    induction l as [|l IH]; [reflexivity|]. cbn [iter_chain]. rewrite layer_nil_id. exact IH.
  Qed.

  Lemma floor_Yh X : (forall i j, X i j = tiny_Yh i j) -> var_floor 1 2 1 X.
  Proof.
    intros HX i Hi. assert (i = 0%nat) by lia. subst i.
    unfold rvar, rcent, rmean. cbn [rsum]. rewrite !HX. unfold tiny_Yh. simpl. lra.
  Qed.

  Lemma qkv_nil wo' X h :
    qkv_bounded 1 2 1 (1 / 2) (rln1 D nil wo' X) (WQh D nil wo' h) (WKh D nil wo' h) (WVh D nil wo' h).
  Proof.
    intros i m _ _. unfold rmatmul, WQh, WKh, WVh, lw, linear.
    rewrite !rsum_zero_w by (intros; apply rdR_nil). rewrite Rplus_0_l, Rabs_R0. lra.
  Qed.

  Lemma act_ok_Yh wo' X : (forall i j, X i j = tiny_Yh i j) ->
    act_ok D nil wo' (fun _ => 1%nat) 1 4 (1 / 2) 1 X.
  Proof.
    intros HX. split; [apply floor_Yh, HX|]. split; [intros h _; apply qkv_nil|].
    split; apply floor_Yh; intros i j; rewrite attn_nil_id; apply HX.
  Qed.
End witness.

Lemma iter_lay_id w wo X l i j : iter_chain (lay tiny_Dm nil wo 1 w) X l i j = X i j.
Proof.
  induction l as [|l IH]; [reflexivity|]. cbn [iter_chain]. unfold lay. rewrite layer_nil_id. exact IH.
Qed.

Lemma rvin_nil wo t F i j : rvin tiny_Dm nil wo t F tiny_Yh i j = tiny_Yh i j.
Proof. unfold rvin, rmlp, fw. rewrite linear_nil, rdR_nil. ring. Qed.

Lemma tiny_stack_ok w wo t F : stack_ok tiny_Dm nil wo 1 4 (1 / 2) 1 w (rvin tiny_Dm nil wo t F tiny_Yh).
Proof.
  intros l _. apply act_ok_Yh. intros i j. rewrite iter_lay_id. apply rvin_nil.
Qed.

Lemma tiny_beta : head_beta (Layer.ldh tiny_LD) (rscale tiny_LD) (1 / 2) = 1 / 4.
Proof. unfold head_beta, rscale. simpl. field. Qed.

(** Every hypothesis of [tiny_flowhead_error] holds for a concrete flow head. *)
Theorem tiny_witness (wo : nat) (F0 : rmat) :
  fh_weights_ok tiny_Dm nil wo 1 2 4 (1 / 2) 1 (1 / 2)
  /\ flow_acts_ok tiny_Dm nil wo 1 2 tiny_Yh 4 (1 / 2) 1 F0.
Proof.
  split.
  - unfold fh_weights_ok. simpl FlowHead.fhLD. rewrite tiny_beta.
    assert (Hsc : 0 <= rscale tiny_LD) by (unfold rscale; simpl; lra).
    split.
    { intros l0 _. unfold weights_ok.
      repeat split; try (apply wnorm_nil; lra); try lra; try lia; try exact Hsc;
        try (intros; repeat split; apply wnorm_nil; lra); try (intros; simpl; lia);
        try (intros; split; unfold lw; rewrite rdR_nil, Rabs_R0; lra).
      all: unfold lw; rewrite rdR_nil, Rabs_R0; lra. }
    repeat split; try (apply wnorm_nil; lra); try lra; try lia; try exact Hsc.
    eapply Rle_trans; [apply eps_T_tiny|lra].
  - intros k _. split; [|split]; apply tiny_stack_ok.
Qed.

(** Hence the tiny bound applies to at least one flow head. *)
Corollary tiny_flowhead_error_witness (wo : nat) (F0 : rmat) :
  dinf 1 (FlowHead.fhc tiny_Dm) (rflow_fast 4 tiny_Dm nil wo 1 2 F0 tiny_Yh)
    (rflow_exact tiny_Dm nil wo 1 2 F0 tiny_Yh) < 1 / 1000.
Proof.
  destruct (tiny_witness wo F0) as [Hw Ha].
  apply (tiny_flowhead_error tiny_Dm nil wo 1 F0 tiny_Yh); try reflexivity; assumption.
Qed.
