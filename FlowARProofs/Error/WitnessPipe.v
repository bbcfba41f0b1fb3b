(** * A non-degenerate witness for the whole K-scale pipeline theorem

    Every hypothesis of [PipelineError.fast_flowar_error] ([pipe_hyps]) is
    PROVEN for one concrete configuration and input vector: [wp_cfg] has
    [K = 3] scales of sides [1, 2, 4] (factor [a = 2], real bicubic
    up-sampling between scales), [c = 1] channel, the layer dimensions of
    Witness2.v ([d = 2], one head of width 1, [d_ff = 1], scale 1), [L = 1]
    AR layer, [L_f = 1] flow-head layer, [T = 2] Euler steps; the input
    vector [wp_G] (82 entries, the layout of Pipeline/FlowAR.v) holds the
    class token [(−1, 1)], the noises (all [1]), the embedding
    [W_emb = (1/2, 1/2)], [b_emb = (1, −1)], the AR layer (Witness2's
    [w2_layer]) and the flow head (Witness2's [w2_G]).

    The invariant (row differences, [rd2 X i = X i 0 − X i 1]):
    - the class token has difference [−2];
    - every embedded block [Emb(Up Ỹ_j) = Up(Ỹ_j)·W_emb + b_emb] has
      difference [1 − (−1) = 2] in every row, WHATEVER the earlier outputs
      [Ỹ_j] are ([rembed_rd2]: [W_emb] has equal columns, [c = 1]);
    - so every row of every input sequence [rseq] has difference [±2]
      ([rseq_apart]), for the exact and the fast run alike;
    - a layer adds the same number to both coordinates of a row ([W_O], [W₂],
      [c₂] have equal columns), so it keeps the differences ([rtlayer_rd2]);
      the condition rows keep them; the flow head's input
      [F·W_in + b_in + Ŷ + t·e] keeps those of [Ŷ] ([rvin_rd2]) for every
      Euler state [F];
    - with [d = 2] a row with difference [±2] has variance 1
      ([floor_apart]): every variance floor holds with [σ = 1], at every
      LayerNorm input of both runs; the [|q|, |k|, |v| ≤ B = 5/8] bounds are
      derived ([ActBounds.tf_ok_of_floors], [stack_ok_of_floors]).

    - [wp_pipe_hyps]: [pipe_hyps wp_cfg wp_G g (5/8) 1 (1/2)] for every [g]
      with [ε_T(g, 25/64) ≤ 1/2] (e.g. every [g ≥ 5]).
    - [wp_attn_differs]: the attention is not degenerate: at scale 1 the AR
      layer's head output at row 1 (the first up-sampled token, which sees
      the class token and the 4 tokens of its block) is
      [(1/2)/(1 + 4·w(1/4))], strictly larger with Taylor weights than with
      [exp], for every earlier output. *)
From Coq Require Import Reals Lra Lia List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor FastAttentionError
  RealModel LNStability AttnStability LayerError FlowHeadError FlowHeadCond ScaleError ActBounds
  RealPipeline PipelineError Witness2.
From FlowARProofs.Modules Require Attention.
From FlowARProofs.Pipeline Require Layer FlowHead FlowAR.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (X Y F : rmat) (G : list R) (w : R -> R).

(** ** The configuration and the input vector *)

Definition wp_cfg : FlowAR.Config :=
  {| FlowAR.K := 3; FlowAR.s0 := 1; FlowAR.a := 2; FlowAR.ch := 1; FlowAR.LD := w2_LD;
     FlowAR.L := 1; FlowAR.Lf := 1; FlowAR.T := 2 |}.

(** Class token, the noises of the three scales ([1 + 4 + 16] values), [W_emb], [b_emb]. *)
Definition wp_pre : list R := [-1; 1] ++ repeat 1 21 ++ [1 / 2; 1 / 2; 1; -1].

Definition wp_G : list R := wp_pre ++ w2_layer ++ w2_G.

Lemma wp_layout :
  length wp_G = FlowAR.glen wp_cfg /\ length wp_pre = FlowAR.off_ar wp_cfg 0
  /\ length (wp_pre ++ w2_layer) = FlowAR.off_fh wp_cfg /\ length w2_layer = 23%nat
  /\ FlowAR.off_embW wp_cfg = 23%nat /\ FlowAR.off_embb wp_cfg = 25%nat.
Proof. vm_compute. repeat split. Qed.

(** ** Where the layers sit in [G]: slices *)

(** [G] holds [w2_layer] at offset [lo]. *)
Definition layer_at G lo : Prop := forall k, (k < 23)%nat -> nth (lo + k) G 0 = nth k w2_layer 0.

Lemma nth_slice (pre l post : list R) k :
  (k < length l)%nat -> nth (length pre + k) (pre ++ l ++ post) 0 = nth k l 0.
Proof. intros Hk. rewrite app_nth2_plus. apply app_nth1, Hk. Qed.

Lemma lw_at G lo o r c i j : layer_at G lo -> (o + (i * c + j) < 23)%nat ->
  lw G lo o r c i j = nth (o + (i * c + j)) w2_layer 0.
Proof. intros Hs Hk. unfold lw, rdR. rewrite <- Nat.add_assoc. apply Hs, Hk. Qed.

Ltac slice_num Hs := rewrite ?(lw_at _ _ _ _ _ _ _ Hs) by (cbn; lia); cbn;
  rewrite ?Rabs_R0, ?Rabs_half; lra.

Section layer.
  Context (G : list R) (lo : nat) (Hs : layer_at G lo).

  Lemma layer_weights_ok lim N : lim_ok N lim -> weights_ok w2_LD G lo lim N w2_B 1 (1 / 2).
  Proof.
    intros Hlim. unfold weights_ok, w2_B. cbn [Layer.ld Layer.lH Layer.ldh Layer.ldff w2_LD].
    split; [lia|]. split; [lra|]. split; [lra|]. split; [unfold rscale; simpl; lra|].
    split; [exact Hlim|].
    split; [intros h Hh; assert (h = 0%nat) by lia; subst h;
            split; [|split]; apply wnorm_2x1; unfold WQh, WKh, WVh; slice_num Hs|].
    split; [apply wnorm_1x2; unfold WOm; slice_num Hs|].
    split; [intros l Hl; destruct l as [|[|l]]; [split; slice_num Hs|split; slice_num Hs|lia]|].
    split; [apply wnorm_2x1; slice_num Hs|apply wnorm_1x2; slice_num Hs].
  Qed.

  Lemma layer_bias_ok : bias_ok w2_LD G lo (1 / 2) 0.
  Proof.
    split.
    - intros l Hl. simpl in Hl. destruct l as [|[|l]]; [| |lia]; (split; [|split]); slice_num Hs.
    - intros k Hk. simpl in Hk. assert (k = 0%nat) by lia. subst k. slice_num Hs.
  Qed.
End layer.

(** ** The row-difference invariant *)

Definition rd2 X (i : nat) : R := X i 0%nat - X i 1%nat.

(** Every row [i < N] has difference [±2]. *)
Definition apart (N : nat) X : Prop := forall i, (i < N)%nat -> rd2 X i * rd2 X i = 4.

Lemma floor_apart N X : apart N X -> var_floor N 2 1 X.
Proof.
  intros H i Hi. rewrite rvar2. specialize (H i Hi). unfold rd2 in H.
  replace ((X i 0%nat - X i 1%nat) / 2 * ((X i 0%nat - X i 1%nat) / 2))
    with ((X i 0%nat - X i 1%nat) * (X i 0%nat - X i 1%nat) / 4) by field.
  rewrite H. lra.
Qed.

Lemma apart_rd2 N X Y : (forall i, rd2 Y i = rd2 X i) -> apart N X -> apart N Y.
Proof. intros He H i Hi. rewrite He. apply H, Hi. Qed.

(** [W] (one row) has equal columns. *)
Definition eqc (W : rmat) : Prop := W 0%nat 0%nat = W 0%nat 1%nat.

(** What makes a layer keep the differences: [W_O], [W₂], [c₂] have equal columns. *)
Definition layer_eqc G lo : Prop :=
  eqc (WOm w2_LD G lo) /\ eqc (lw G lo (Layer.o_w2 w2_LD) 1 2) /\ eqc (lw G lo (Layer.o_c2 w2_LD) 1 2).

Lemma layer_eqc_at G lo : layer_at G lo -> layer_eqc G lo.
Proof.
  intros Hs. unfold layer_eqc, eqc, WOm.
  rewrite !(lw_at _ _ _ _ _ _ _ Hs) by (cbn; lia). cbn. repeat split; reflexivity.
Qed.

Lemma rtattn_rd2 G lo w lim X i : layer_eqc G lo -> rd2 (rtattn w2_LD G lo w lim X) i = rd2 X i.
Proof.
  intros (HO & _ & _). unfold rd2, rtattn, madd, rmha, rmatmul.
  change (Layer.lH w2_LD * Layer.ldh w2_LD)%nat with 1%nat.
  rewrite (linear1_cols _ _ (fun _ => 0) i HO eq_refl). ring.
Qed.

Lemma rtlayer_rd2 G lo w lim X i : layer_eqc G lo -> rd2 (rtlayer w2_LD G lo w lim X) i = rd2 X i.
Proof.
  intros Hc. pose proof (rtattn_rd2 G lo w lim X i Hc) as HA. destruct Hc as (_ & HW & Hb).
  revert HA. unfold rd2, rtlayer. unfold madd at 1 2.
  unfold rtmlp, rffn_inner. change (Layer.ldff w2_LD) with 1%nat.
  set (Hd := relu _). unfold rmlp at 1 2.
  change (Layer.ld w2_LD) with 2%nat. rewrite (linear1_cols _ _ _ i HW Hb). intros HA. lra.
Qed.

Lemma layers_rd2 G (offl : nat -> nat) lim w X l i :
  (forall l', (l' < l)%nat -> layer_eqc G (offl l')) ->
  rd2 (iter_chain (fun l X => rtlayer w2_LD G (offl l) w lim X) X l) i = rd2 X i.
Proof.
  induction l as [|l IH]; intros H; [reflexivity|]. cbn [iter_chain].
  rewrite rtlayer_rd2 by (apply H; lia). apply IH. intros; apply H; lia.
Qed.

(** ** The flow head *)

(** The flow head's dimensions ([= w2_Dm]). *)
Definition wp_Dm : FlowHead.FHDims := FlowAR.FD wp_cfg.

(** [G] holds the flow head [w2_G] at offset [wo]. *)
Definition fh_at G wo : Prop := forall k, (k < 32)%nat -> nth (wo + k) G 0 = nth k w2_G 0.

Lemma fw_at G wo o r c i j : fh_at G wo -> (o + (i * c + j) < 32)%nat ->
  fw G wo o r c i j = nth (o + (i * c + j)) w2_G 0.
Proof. intros Hs Hk. unfold fw, rdR. rewrite <- Nat.add_assoc. apply Hs, Hk. Qed.

Lemma fh_layer_at G wo : fh_at G wo ->
  layer_at G (wo + FlowHead.fh_layers wp_Dm + 0 * Layer.tl_size (FlowHead.fhLD wp_Dm)).
Proof.
  intros Hs k Hk.
  assert (E : (wo + FlowHead.fh_layers wp_Dm + 0 * Layer.tl_size (FlowHead.fhLD wp_Dm) + k
               = wo + (6 + k))%nat) by (cbn; lia).
  rewrite E, Hs by lia.
  exact (nth_slice [1 / 2; 1 / 2; 0; 0; 1 / 2; 1 / 2] w2_layer [1 / 2; 0; 0] k Hk).
Qed.

Lemma rvin_rd2 G wo t F Y i : fh_at G wo -> rd2 (rvin wp_Dm G wo t F Y) i = rd2 Y i.
Proof.
  intros Hs. unfold rd2, rvin, rmlp.
  change (FlowHead.fhc wp_Dm) with 1%nat. change (Layer.ld (FlowHead.fhLD wp_Dm)) with 2%nat.
  assert (HW : eqc (fw G wo (FlowHead.fh_win wp_Dm) 1 2))
    by (unfold eqc; rewrite !(fw_at _ _ _ _ _ _ _ Hs) by (cbn; lia); reflexivity).
  assert (Hb : eqc (fw G wo (FlowHead.fh_bin wp_Dm) 1 2))
    by (unfold eqc; rewrite !(fw_at _ _ _ _ _ _ _ Hs) by (cbn; lia); reflexivity).
  assert (He : eqc (fw G wo (FlowHead.fh_e wp_Dm) 1 2))
    by (unfold eqc; rewrite !(fw_at _ _ _ _ _ _ _ Hs) by (cbn; lia); reflexivity).
  rewrite (linear1_cols _ _ _ i HW Hb). unfold eqc in He. rewrite He. ring.
Qed.

(** ** Every sequence [rseq] keeps the differences [±2] *)

Lemma rembed_rd2 Y j t : rd2 (rembed wp_cfg wp_G Y j) t = 2.
Proof.
  unfold rd2, rembed, rmlp, linear. destruct wp_layout as (_ & _ & _ & _ & HW & Hb).
  rewrite HW, Hb. change (FlowAR.ch wp_cfg) with 1%nat. cbn. lra.
Qed.

Lemma rseq_apart Ys i : apart (FlowAR.ntok wp_cfg i) (rseq wp_cfg wp_G Ys i).
Proof.
  induction i as [|i IH]; intros t Ht.
  - change (FlowAR.ntok wp_cfg 0) with 1%nat in Ht. assert (t = 0%nat) by lia. subst t.
    unfold rd2. cbn. lra.
  - cbn [rseq]. unfold rd2, rvcat. destruct (Nat.ltb_spec t (FlowAR.ntok wp_cfg i)) as [Hlt|Hge].
    + apply IH. assumption.
    + pose proof (rembed_rd2 (nth i Ys rzero) i (t - FlowAR.ntok wp_cfg i)) as H. unfold rd2 in H.
      rewrite H. lra.
Qed.

(** ** The input vector's layers *)

Lemma wp_ar_at : layer_at wp_G (FlowAR.off_ar wp_cfg 0).
Proof.
  intros k Hk. destruct wp_layout as (_ & Hpre & _ & Hl & _). rewrite <- Hpre. unfold wp_G.
  apply nth_slice. rewrite Hl. exact Hk.
Qed.

Lemma wp_fh_at : fh_at wp_G (FlowAR.off_fh wp_cfg).
Proof.
  intros k Hk. destruct wp_layout as (_ & _ & Hfh & _). rewrite <- Hfh.
  replace wp_G with ((wp_pre ++ w2_layer) ++ w2_G ++ []) by (rewrite app_nil_r, <- app_assoc; reflexivity).
  apply nth_slice. exact Hk.
Qed.

Lemma wp_ar_eqc l : (l < FlowAR.L wp_cfg)%nat -> layer_eqc wp_G (FlowAR.off_ar wp_cfg l).
Proof.
  intros Hl. change (FlowAR.L wp_cfg) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
  apply layer_eqc_at, wp_ar_at.
Qed.

Lemma tok_pos i : (0 < FlowAR.tok wp_cfg i)%nat.
Proof.
  unfold FlowAR.tok, FlowAR.side. cbn [FlowAR.s0 FlowAR.a wp_cfg]. rewrite Nat.mul_1_l.
  assert (0 < 2 ^ i)%nat by (apply Nat.neq_0_lt_0, Nat.pow_nonzero; lia). apply Nat.mul_pos_pos; assumption.
Qed.

Lemma wp_lim_ok i : lim_ok (FlowAR.ntok wp_cfg i) (FlowAR.lim_at wp_cfg i).
Proof.
  intros t Ht. unfold FlowAR.lim_at, FlowAR.ntok in *. pose proof (Attention.bc_lim_spec _ t Ht). lia.
Qed.

(** ** The AR transformer: [tf_weights_ok], [tf_ok] at every scale, for every earlier output *)

Lemma wp_tf_weights_ok g i : eps_T g (25 / 64) <= 1 / 2 ->
  tf_weights_ok (FlowAR.LD wp_cfg) wp_G (FlowAR.off_ar wp_cfg) (FlowAR.lim_at wp_cfg i) (FlowAR.ntok wp_cfg i)
    (FlowAR.L wp_cfg) g w2_B 1 (1 / 2).
Proof.
  intros He. split; [|split; [cbn; lia|]].
  - intros l Hl. change (FlowAR.L wp_cfg) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
    apply layer_weights_ok; [apply wp_ar_at|apply wp_lim_ok].
  - change (FlowAR.LD wp_cfg) with w2_LD. rewrite w2_beta. exact He.
Qed.

Lemma wp_tf_ok g w Ys i :
  ScaleError.tf_ok (FlowAR.LD wp_cfg) wp_G (FlowAR.off_ar wp_cfg) (FlowAR.lim_at wp_cfg i) (FlowAR.ntok wp_cfg i)
    (FlowAR.L wp_cfg) g w2_B 1 w (rseq wp_cfg wp_G Ys i).
Proof.
  apply (tf_ok_of_floors _ _ _ _ _ _ g w2_B 1 (1 / 2) (1 / 2) 0 (3 / 2)).
  - intros l Hl. change (FlowAR.L wp_cfg) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
    split; [apply layer_weights_ok; [apply wp_ar_at|apply wp_lim_ok]|apply layer_bias_ok, wp_ar_at].
  - exact sqrt2_le.
  - unfold qkv_B, w2_B. lra.
  - intros l Hl. change (FlowAR.L wp_cfg) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
    cbv zeta. cbn [iter_chain]. pose proof (rseq_apart Ys i) as HX.
    pose proof (wp_ar_eqc 0 ltac:(cbn; lia)) as Hc.
    split; [|split]; apply floor_apart; [exact HX| |];
      (eapply apart_rd2; [intros t; apply rtattn_rd2, Hc|exact HX]).
Qed.

(** The condition rows of scale [i] keep the differences. *)
Lemma rcond_apart w Ys i : apart (FlowAR.tok wp_cfg i) (rcond wp_cfg wp_G w Ys i).
Proof.
  intros t Ht. unfold rcond, rcond_rows, rtf_at, rtf.
  pose proof (layers_rd2 wp_G (FlowAR.off_ar wp_cfg) (FlowAR.lim_at wp_cfg i) w (rseq wp_cfg wp_G Ys i)
                (FlowAR.L wp_cfg) (FlowAR.ntok wp_cfg i - FlowAR.tok wp_cfg i + t) wp_ar_eqc) as H.
  unfold rd2 in H |- *. change (FlowAR.LD wp_cfg) with w2_LD. rewrite H.
  pose proof (FlowAR.tok_le_ntok wp_cfg i). apply rseq_apart. lia.
Qed.

(** ** The flow head: [fh_weights_ok], [flow_acts_ok_cond] at every scale *)

Ltac fh_num := rewrite ?(fw_at _ _ _ _ _ _ _ wp_fh_at) by (cbn; lia); cbn; rewrite ?Rabs_R0, ?Rabs_half; lra.

Lemma wp_fh_weights_ok g M : eps_T g (25 / 64) <= 1 / 2 -> (0 < M)%nat ->
  fh_weights_ok wp_Dm wp_G (FlowAR.off_fh wp_cfg) M (FlowAR.T wp_cfg) g w2_B 1 (1 / 2).
Proof.
  intros He HM. unfold fh_weights_ok. change (FlowHead.fhLD wp_Dm) with w2_LD. rewrite w2_beta.
  split; [intros l Hl; change (FlowHead.fhLf wp_Dm) with 1%nat in Hl; assert (l = 0%nat) by lia; subst l;
          apply layer_weights_ok; [apply fh_layer_at, wp_fh_at|intros t _; lia]|].
  split; [apply wnorm_1x2; fh_num|]. split; [apply wnorm_2x1; fh_num|].
  split; [lra|]. split; [lra|]. split; [unfold w2_B; lra|]. split; [unfold rscale; simpl; lra|].
  split; [cbn; lia|exact He].
Qed.

Lemma wp_stack_ok g M w t F Y : eps_T g (25 / 64) <= 1 / 2 -> (0 < M)%nat -> apart M Y ->
  stack_ok wp_Dm wp_G (FlowAR.off_fh wp_cfg) M g w2_B 1 w (rvin wp_Dm wp_G (FlowAR.off_fh wp_cfg) t F Y).
Proof.
  intros He HM HY.
  apply (stack_ok_of_floors wp_Dm wp_G (FlowAR.off_fh wp_cfg) M (FlowAR.T wp_cfg) g w2_B 1 (1 / 2) (1 / 2) 0 (3 / 2)).
  - apply wp_fh_weights_ok; assumption.
  - intros l Hl. change (FlowHead.fhLf wp_Dm) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
    apply layer_bias_ok, fh_layer_at, wp_fh_at.
  - exact sqrt2_le.
  - unfold qkv_B, w2_B. lra.
  - intros l Hl. change (FlowHead.fhLf wp_Dm) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
    cbn [iter_chain]. pose proof (layer_eqc_at _ _ (fh_layer_at _ _ wp_fh_at)) as Hc.
    assert (HX : apart M (rvin wp_Dm wp_G (FlowAR.off_fh wp_cfg) t F Y))
      by (eapply apart_rd2; [intros i; apply rvin_rd2, wp_fh_at|exact HY]).
    split; [|split]; apply floor_apart; [exact HX| |];
      (eapply apart_rd2; [intros i; apply rtattn_rd2, Hc|exact HX]).
Qed.

(** ** Every hypothesis of [fast_flowar_error] *)

Lemma wp_emb_norm : wnorm (FlowAR.ch wp_cfg) (FlowAR.dm wp_cfg) (rdR wp_G (FlowAR.off_embW wp_cfg)
  (FlowAR.ch wp_cfg) (FlowAR.dm wp_cfg)) <= 1 / 2.
Proof.
  destruct wp_layout as (_ & _ & _ & _ & HW & _). rewrite HW.
  apply wnorm_1x2; cbn; rewrite Rabs_half; lra.
Qed.

(** [pipe_hyps] for the witness: weights [W = 1/2], variance floor [σ = 1], [|q|, |k|, |v| ≤ 5/8],
    for every degree [g] with [ε_T(g, 25/64) ≤ 1/2] — at every scale, for the sequences, conditions
    and Euler states that the exact and the fast run actually compute. *)
Theorem wp_pipe_hyps g : eps_T g (25 / 64) <= 1 / 2 -> pipe_hyps wp_cfg wp_G g w2_B 1 (1 / 2).
Proof.
  intros He. split; [cbn; lia|]. split; [cbn; lia|]. split; [exact wp_emb_norm|].
  intros i _. unfold scale_hyps. cbv zeta.
  split; [apply wp_tf_weights_ok, He|].
  split; [apply wp_tf_ok|]. split; [apply wp_tf_ok|].
  split; [apply wp_fh_weights_ok; [exact He|apply tok_pos]|].
  intros k _. cbv zeta.
  pose proof (rcond_apart exp (routs wp_cfg wp_G exp (FlowAR.K wp_cfg)) i) as HE.
  pose proof (rcond_apart (taylor_exp g) (routs wp_cfg wp_G (taylor_exp g) (FlowAR.K wp_cfg)) i) as HF.
  split; [|split; [|split]]; apply wp_stack_ok; try assumption; apply tok_pos.
Qed.

(** ** Fast ≠ exact at a realized attention call *)

Lemma rln_rd2 X i : rd2 X i * rd2 X i = 4 -> rln 2 X i 0%nat = rd2 X i / 2 /\ rln 2 X i 1%nat = - (rd2 X i / 2).
Proof.
  intros H. assert (Hv : rvar 2 X i = 1).
  { rewrite rvar2. unfold rd2 in H. replace ((X i 0%nat - X i 1%nat) / 2 * ((X i 0%nat - X i 1%nat) / 2))
      with ((X i 0%nat - X i 1%nat) * (X i 0%nat - X i 1%nat) / 4) by field. rewrite H. field. }
  unfold rln. rewrite Hv, sqrt_1, rcent2_0, rcent2_1. unfold rd2. split; field.
Qed.

(** The AR layer's input at scale 1: the class token (difference [−2]) and the embedded 2×2
    output of scale 0 (difference [2]). *)
Lemma rseq1_rd2 Ys t : rd2 (rseq wp_cfg wp_G Ys 1) t = if Nat.eqb t 0 then -2 else 2.
Proof.
  cbn [rseq]. unfold rvcat. change (FlowAR.ntok wp_cfg 0) with 1%nat.
  destruct t as [|t]; cbn [Nat.ltb Nat.leb Nat.eqb].
  - unfold rd2. cbn. lra.
  - apply rembed_rd2.
Qed.

(** LN₁'s output there: rows [(0, 1)] (class token) and [(1, 0)] (every other row). *)
Lemma wp_Z Ys t :
  rln1 w2_LD wp_G (FlowAR.off_ar wp_cfg 0) (rseq wp_cfg wp_G Ys 1) t 0%nat = (if Nat.eqb t 0 then 0 else 1)
  /\ rln1 w2_LD wp_G (FlowAR.off_ar wp_cfg 0) (rseq wp_cfg wp_G Ys 1) t 1%nat = (if Nat.eqb t 0 then 1 else 0).
Proof.
  pose proof (rseq1_rd2 Ys t) as Hd.
  destruct (rln_rd2 (rseq wp_cfg wp_G Ys 1) t) as [H0 H1];
    [rewrite Hd; destruct (Nat.eqb t 0); lra|].
  unfold rln1, rlnaff. change (Layer.ld w2_LD) with 2%nat. rewrite H0, H1, Hd.
  rewrite !(lw_at _ _ _ _ _ _ _ wp_ar_at) by (cbn; lia). cbn [nth w2_layer Layer.o_g1 Layer.o_b1 w2_LD Layer.ld].
  cbn. destruct (Nat.eqb t 0); split; field.
Qed.

(** The head's output at row 1 (the first token of scale 1's block), column 0, of the AR layer at
    scale 1, with attention weights [w]; the sequence is built from the earlier outputs [Ys]. *)
Definition wp_head (w : R -> R) (Ys : list rmat) : R :=
  rattn w (Layer.ld w2_LD) (Layer.ldh w2_LD) (rscale w2_LD) (FlowAR.lim_at wp_cfg 1)
    (rln1 w2_LD wp_G (FlowAR.off_ar wp_cfg 0) (rseq wp_cfg wp_G Ys 1))
    (WQh w2_LD wp_G (FlowAR.off_ar wp_cfg 0) 0) (WKh w2_LD wp_G (FlowAR.off_ar wp_cfg 0) 0)
    (WVh w2_LD wp_G (FlowAR.off_ar wp_cfg 0) 0) 1%nat 0%nat.

Lemma wp_head_value w Ys : wp_head w Ys = w 0 * (1 / 2) / (w 0 + 4 * w (1 / 4)).
Proof.
  set (Z := rln1 w2_LD wp_G (FlowAR.off_ar wp_cfg 0) (rseq wp_cfg wp_G Ys 1)).
  assert (HZ : forall t, Z t 0%nat = (if Nat.eqb t 0 then 0 else 1) /\ Z t 1%nat = (if Nat.eqb t 0 then 1 else 0))
    by (intros t; apply wp_Z).
  destruct (HZ 0%nat) as [Z00 Z01]. destruct (HZ 1%nat) as [Z10 Z11]. destruct (HZ 2%nat) as [Z20 Z21].
  destruct (HZ 3%nat) as [Z30 Z31]. destruct (HZ 4%nat) as [Z40 Z41]. cbn [Nat.eqb] in *.
  unfold wp_head, rattn, attn_with, masked_attn, softmax_row. fold Z.
  replace (FlowAR.lim_at wp_cfg 1 1) with 5%nat by reflexivity.
  unfold rscore, rmatmul, linear, WQh, WKh, WVh. change (Layer.ld w2_LD) with 2%nat.
  change (Layer.ldh w2_LD) with 1%nat. cbn [rsum].
  rewrite Z00, Z01, Z10, Z11, Z20, Z21, Z30, Z31, Z40, Z41.
  pose proof (lw_at _ _ (Layer.o_q w2_LD 0) 2 1 0 0 wp_ar_at ltac:(cbn; lia)) as Q0.
  pose proof (lw_at _ _ (Layer.o_q w2_LD 0) 2 1 1 0 wp_ar_at ltac:(cbn; lia)) as Q1.
  pose proof (lw_at _ _ (Layer.o_k w2_LD 0) 2 1 0 0 wp_ar_at ltac:(cbn; lia)) as K0.
  pose proof (lw_at _ _ (Layer.o_k w2_LD 0) 2 1 1 0 wp_ar_at ltac:(cbn; lia)) as K1.
  pose proof (lw_at _ _ (Layer.o_v w2_LD 0) 2 1 0 0 wp_ar_at ltac:(cbn; lia)) as V0.
  pose proof (lw_at _ _ (Layer.o_v w2_LD 0) 2 1 1 0 wp_ar_at ltac:(cbn; lia)) as V1.
  rewrite Q0, Q1, K0, K1, V0, V1.
  cbn [nth w2_layer Layer.o_q Layer.o_k Layer.o_v w2_LD Layer.ld Layer.ldh Nat.add Nat.mul].
  unfold rscale. cbn [Layer.lsn Layer.lsd w2_LD].
  replace (IZR 1 / IZR 1 * (0 + (0 + 1 * (1 / 2) + 0 * 0 + 0) * (0 + 0 * (1 / 2) + 1 * 0 + 0))) with 0 by field.
  replace (IZR 1 / IZR 1 * (0 + (0 + 1 * (1 / 2) + 0 * 0 + 0) * (0 + 1 * (1 / 2) + 0 * 0 + 0))) with (1 / 4) by field.
  f_equal; ring.
Qed.

(** At the AR layer of scale 1, the head's output differs between Taylor and exact weights, for
    ANY earlier outputs (in particular those of the actual exact and fast runs): the realized score
    [1/4] has [P_g(1/4) < e^{1/4}], so the fast output is strictly larger. *)
Theorem wp_attn_differs g Ys Ys' : wp_head exp Ys < wp_head (taylor_exp g) Ys'.
Proof.
  rewrite !wp_head_value, exp_0, taylor_exp_at_0.
  pose proof (taylor_exp_lt_exp g (1 / 4) ltac:(lra)).
  pose proof (taylor_exp_ge_1 g (1 / 4) ltac:(lra)).
  set (e := exp (1 / 4)) in *. set (p := taylor_exp g (1 / 4)) in *.
  unfold Rdiv. rewrite !Rmult_1_l. apply Rmult_lt_compat_l; [lra|].
  apply Rinv_lt_contravar; [nra|lra].
Qed.
