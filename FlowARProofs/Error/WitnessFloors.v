(** * The hypotheses of [fast_flowar_error_of_floors] are satisfiable

    The witness of WitnessPipe.v ([wp_cfg], [wp_G]) satisfies every
    hypothesis of [PipelineFloors.pipe_hyps_of_floors] with [W = 1/2],
    [bℓ = 1/2], [b_c = 0], [r = 3/2], [σ = 1], hence
    [B = qkv_B (1/2) (1/2) (3/2) = 5/8] (the [B] of [wp_pipe_hyps]):
    - [wp_pipe_floors]: the variance floors [pipe_floors wp_cfg wp_G g 1] at
      every LayerNorm input of both runs (every row has coordinate
      difference [±2], WitnessPipe.v), for every [g];
    - [wp_pipe_weights_ok], [wp_pipe_bias_ok]: the weight and shift bounds;
    - [wp_pipe_hyps_of_floors]: [pipe_hyps] again, now through
      [pipe_hyps_of_floors] (the [|q|, |k|, |v|] bounds derived). *)
From Coq Require Import Reals Lra Lia List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel LNStability LayerError
  FlowHeadError FlowHeadCond ScaleError ActBounds RealPipeline PipelineError PipelineFloors Witness2
  WitnessPipe.
From FlowARProofs.Pipeline Require Layer FlowHead FlowAR.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Lemma wp_qkv_B : qkv_B (1 / 2) (1 / 2) (3 / 2) = w2_B.
Proof. unfold qkv_B, w2_B. field. Qed.

Lemma wp_tf_floors g w Ys i :
  tf_floors (FlowAR.LD wp_cfg) wp_G (FlowAR.off_ar wp_cfg) (FlowAR.lim_at wp_cfg i) (FlowAR.ntok wp_cfg i)
    (FlowAR.L wp_cfg) g 1 w (rseq wp_cfg wp_G Ys i).
Proof.
  intros l Hl. change (FlowAR.L wp_cfg) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
  unfold call_floors. cbn [iter_chain]. pose proof (rseq_apart Ys i) as HX.
  pose proof (wp_ar_eqc 0 ltac:(cbn; lia)) as Hc.
  split; [|split]; apply floor_apart; [exact HX| |];
    (eapply apart_rd2; [intros t; apply rtattn_rd2, Hc|exact HX]).
Qed.

Lemma wp_fh_floors g M w t F Y : apart M Y ->
  fh_floors wp_Dm wp_G (FlowAR.off_fh wp_cfg) M g 1 w (rvin wp_Dm wp_G (FlowAR.off_fh wp_cfg) t F Y).
Proof.
  intros HY l Hl. change (FlowHead.fhLf wp_Dm) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
  unfold layer_floors. cbn [iter_chain]. pose proof (layer_eqc_at _ _ (fh_layer_at _ _ wp_fh_at)) as Hc.
  assert (HX : apart M (rvin wp_Dm wp_G (FlowAR.off_fh wp_cfg) t F Y))
    by (eapply apart_rd2; [intros i; apply rvin_rd2, wp_fh_at|exact HY]).
  split; [|split]; apply floor_apart; [exact HX| |];
    (eapply apart_rd2; [intros i; apply rtattn_rd2, Hc|exact HX]).
Qed.

(** The variance floors at every LayerNorm input of both runs, [σ = 1], for every [g]. *)
Theorem wp_pipe_floors g : pipe_floors wp_cfg wp_G g 1.
Proof.
  intros i _. unfold scale_floors. cbv zeta.
  split; [apply wp_tf_floors|]. split; [apply wp_tf_floors|].
  intros k _. cbv zeta.
  pose proof (rcond_apart exp (routs wp_cfg wp_G exp (FlowAR.K wp_cfg)) i) as HE.
  pose proof (rcond_apart (taylor_exp g) (routs wp_cfg wp_G (taylor_exp g) (FlowAR.K wp_cfg)) i) as HF.
  split; [apply wp_fh_floors, HE|split; [apply wp_fh_floors, HE|split; apply wp_fh_floors, HF]].
Qed.

Theorem wp_pipe_weights_ok g : eps_T g (25 / 64) <= 1 / 2 ->
  pipe_weights_ok wp_cfg wp_G g (qkv_B (1 / 2) (1 / 2) (3 / 2)) 1 (1 / 2).
Proof.
  intros He. rewrite wp_qkv_B. split; [cbn; lia|]. split; [cbn; lia|]. split; [exact wp_emb_norm|].
  intros i _. split; [apply wp_tf_weights_ok, He|apply wp_fh_weights_ok; [exact He|apply tok_pos]].
Qed.

Theorem wp_pipe_bias_ok : pipe_bias_ok wp_cfg wp_G (1 / 2) 0.
Proof.
  split; intros l Hl.
  - change (FlowAR.L wp_cfg) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
    apply layer_bias_ok, wp_ar_at.
  - change (FlowAR.Lf wp_cfg) with 1%nat in Hl. assert (l = 0%nat) by lia. subst l.
    apply layer_bias_ok, fh_layer_at, wp_fh_at.
Qed.

(** [wp_pipe_hyps] through [pipe_hyps_of_floors]: the hypotheses of the floors version hold. *)
Theorem wp_pipe_hyps_of_floors g : eps_T g (25 / 64) <= 1 / 2 ->
  pipe_hyps wp_cfg wp_G g (qkv_B (1 / 2) (1 / 2) (3 / 2)) 1 (1 / 2).
Proof.
  intros He. apply (pipe_hyps_of_floors wp_cfg wp_G g 1 (1 / 2) (1 / 2) 0 (3 / 2)).
  - apply wp_pipe_weights_ok, He.
  - exact wp_pipe_bias_ok.
  - exact sqrt2_le.
  - apply wp_pipe_floors.
Qed.
