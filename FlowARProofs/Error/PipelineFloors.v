(** * The whole-pipeline hypotheses from variance floors and weight bounds

    [PipelineError.pipe_hyps] asks, at every scale, for [|q|, |k|, |v| ≤ B]
    at every attention call of both runs (inside [tf_ok] and
    [flow_acts_ok_cond]).  ActBounds.v derives these bounds, call by call,
    from the variance floor at LN₁'s input ([qkv_of_floor],
    [tf_ok_of_floors], [stack_ok_of_floors]) with
    [B = qkv_B W bℓ r = W·(W·r + bℓ)], [r ≥ √d].  This file composes them
    over the whole pipeline:

    - [pipe_floors cfg G g s]: the variance floor [σ² ≤ var] at every
      LayerNorm input of both runs, with the call structure of [pipe_hyps]
      (the AR transformer on the exact and on the fast sequence of every
      scale; the flow head's layer stack at every Euler step, on the exact
      and the fast states, with the exact and the fast conditions);
    - [pipe_weights_ok]: the weight bounds of [pipe_hyps] ([tf_weights_ok],
      [fh_weights_ok] at every scale, [‖W_emb‖ ≤ W]); [pipe_bias_ok]: the
      LayerNorm shifts [|b₁|, |b₂| ≤ bℓ] (and FFN biases [≤ b_c]) of every
      AR and flow-head layer;
    - [pipe_hyps_of_floors_le]: floors + weights + shifts + [√d ≤ r] +
      [qkv_B W bℓ r ≤ B] ⇒ [pipe_hyps cfg G g B s W];
      [pipe_hyps_of_floors]: the same with [B := qkv_B W bℓ r];
    - [fast_flowar_error_of_floors]: the whole-pipeline error bound
      [flowar_err_bound cfg g (qkv_B W bℓ r) σ W] under these hypotheses.

    What stays a HYPOTHESIS: the variance floors (the model's LayerNorm has
    no ε, ActBounds.v).  The weight predicates still mention [B] in two
    places, both harmless for [B = qkv_B W bℓ r]: [0 ≤ B] (true for
    nonnegative [W], [bℓ], [r]) and the Taylor-degree condition
    [ε_T(g, β) ≤ 1/2] at the score range [β = scale·d_h·B²], which is a
    condition on [g] at the derived [B]. *)
From Coq Require Import Reals Lra Lia List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel LNStability AttnStability LayerError
  FlowHeadError FlowHeadCond ScaleError ActBounds RealPipeline PipelineError.
From FlowARProofs.Pipeline Require Layer FlowHead FlowAR.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** ** The floors at one stack of layers *)

(** The three variance floors of one layer call on [X] (AR transformer layout). *)
Definition call_floors (D : Layer.LDims) (G : list R) (o : nat) (lim : nat -> nat) (N g : nat) (s : R)
    (X : rmat) : Prop :=
  var_floor N (Layer.ld D) s X /\ var_floor N (Layer.ld D) s (rtattn D G o exp lim X)
  /\ var_floor N (Layer.ld D) s (rtattn D G o (taylor_exp g) lim X).

(** The floors at every layer of the AR transformer with weights [w] started at [X]. *)
Definition tf_floors (D : Layer.LDims) (G : list R) (offl lim : nat -> nat) (N L g : nat) (s : R)
    (w : R -> R) (X : rmat) : Prop :=
  forall l, (l < L)%nat ->
    call_floors D G (offl l) lim N g s (iter_chain (fun l X => rtlayer D G (offl l) w lim X) X l).

(** The floors at every layer of the flow head's stack with weights [w] started at [X]. *)
Definition fh_floors (Dm : FlowHead.FHDims) (G : list R) (wo M g : nat) (s : R) (w : R -> R) (X : rmat) : Prop :=
  forall l, (l < FlowHead.fhLf Dm)%nat ->
    layer_floors Dm G M g s (wo + FlowHead.fh_layers Dm + l * Layer.tl_size (FlowHead.fhLD Dm))%nat
      (iter_chain (lay Dm G wo M w) X l).

(** The floors along the flow head's trajectories, mirroring [flow_acts_ok_cond]. *)
Definition flow_floors_cond (Dm : FlowHead.FHDims) (G : list R) (wo M T : nat) (Yh Yh' : rmat) (g : nat)
    (s : R) (F0 : rmat) : Prop :=
  forall k, (k < T)%nat ->
    let t := INR k / INR T in
    let Fk := exact_state Dm G wo M T Yh F0 k in
    let Gk := fast_state Dm G wo M T Yh' g F0 k in
    fh_floors Dm G wo M g s exp (rvin Dm G wo t Fk Yh)
    /\ fh_floors Dm G wo M g s exp (rvin Dm G wo t Gk Yh)
    /\ fh_floors Dm G wo M g s exp (rvin Dm G wo t Gk Yh')
    /\ fh_floors Dm G wo M g s (taylor_exp g) (rvin Dm G wo t Gk Yh').

(** ** The pipeline's predicates *)

Section pipeline.
  Context (cfg : FlowAR.Config) (G : list R) (g : nat).
  Let D := FlowAR.LD cfg. Let Dm := FlowAR.FD cfg.
  Let Ye := routs cfg G exp (FlowAR.K cfg).
  Let Yf := routs cfg G (taylor_exp g) (FlowAR.K cfg).

  (** The variance floors [σ² ≤ var] at every LayerNorm input of both runs. *)
  Definition scale_floors (s : R) (i : nat) : Prop :=
    let N := FlowAR.ntok cfg i in
    tf_floors D G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) N (FlowAR.L cfg) g s (taylor_exp g) (rseq cfg G Yf i)
    /\ tf_floors D G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) N (FlowAR.L cfg) g s exp (rseq cfg G Ye i)
    /\ flow_floors_cond Dm G (FlowAR.off_fh cfg) (FlowAR.tok cfg i) (FlowAR.T cfg)
         (rcond cfg G exp Ye i) (rcond cfg G (taylor_exp g) Yf i) g s (rnoise cfg G i).

  Definition pipe_floors (s : R) : Prop := forall i, (i < FlowAR.K cfg)%nat -> scale_floors s i.

  (** The weight bounds of [pipe_hyps] (with [B] only in [0 ≤ B] and [ε_T(g, β) ≤ 1/2]). *)
  Definition pipe_weights_ok (B s Wb : R) : Prop :=
    (1 <= FlowAR.K cfg)%nat /\ (0 < FlowAR.a cfg)%nat
    /\ wnorm (FlowAR.ch cfg) (FlowAR.dm cfg) (rdR G (FlowAR.off_embW cfg) (FlowAR.ch cfg) (FlowAR.dm cfg)) <= Wb
    /\ forall i, (i < FlowAR.K cfg)%nat ->
         tf_weights_ok D G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) (FlowAR.ntok cfg i) (FlowAR.L cfg) g B s Wb
         /\ fh_weights_ok Dm G (FlowAR.off_fh cfg) (FlowAR.tok cfg i) (FlowAR.T cfg) g B s Wb.

  (** The shifts of both LayerNorms ([≤ bℓ]) and the FFN biases ([≤ b_c]) of every layer. *)
  Definition pipe_bias_ok (bl bc : R) : Prop :=
    (forall l, (l < FlowAR.L cfg)%nat -> bias_ok D G (FlowAR.off_ar cfg l) bl bc)
    /\ (forall l, (l < FlowAR.Lf cfg)%nat ->
          bias_ok D G (FlowAR.off_fh cfg + FlowHead.fh_layers Dm + l * Layer.tl_size D) bl bc).

  Theorem pipe_hyps_of_floors_le (B s Wb bl bc r : R) :
    pipe_weights_ok B s Wb -> pipe_bias_ok bl bc -> sqrt (INR (FlowAR.dm cfg)) <= r ->
    qkv_B Wb bl r <= B -> pipe_floors s ->
    pipe_hyps cfg G g B s Wb.
  Proof.
    intros (HK & Ha & Hemb & Hw) (Hbar & Hbfh) Hr HB Hf.
    split; [exact HK|]. split; [exact Ha|]. split; [exact Hemb|].
    intros i Hi. destruct (Hw i Hi) as [Htf Hfh]. destruct (Hf i Hi) as (HfF & HfE & Hfl).
    pose proof Htf as (Htfl & _).
    assert (Hlb : forall l, (l < FlowAR.L cfg)%nat ->
                    weights_ok D G (FlowAR.off_ar cfg l) (FlowAR.lim_at cfg i) (FlowAR.ntok cfg i) B s Wb
                    /\ bias_ok D G (FlowAR.off_ar cfg l) bl bc)
      by (intros l Hl; split; [apply Htfl, Hl|apply Hbar, Hl]).
    assert (Hst : forall w X, fh_floors Dm G (FlowAR.off_fh cfg) (FlowAR.tok cfg i) g s w X ->
                    stack_ok Dm G (FlowAR.off_fh cfg) (FlowAR.tok cfg i) g B s w X).
    { intros w X HX. apply (stack_ok_of_floors Dm G (FlowAR.off_fh cfg) (FlowAR.tok cfg i) (FlowAR.T cfg) g
                              B s Wb bl bc r Hfh); [exact Hbfh|exact Hr|exact HB|exact HX]. }
    unfold scale_hyps. cbv zeta.
    split; [exact Htf|]. split; [|split; [|split; [exact Hfh|]]].
    - apply (tf_ok_of_floors D G _ _ _ _ g B s Wb bl bc r); [exact Hlb|exact Hr|exact HB|exact HfF].
    - apply (tf_ok_of_floors D G _ _ _ _ g B s Wb bl bc r); [exact Hlb|exact Hr|exact HB|exact HfE].
    - intros k Hk. cbv zeta. destruct (Hfl k Hk) as (H1 & H2 & H3 & H4).
      split; [apply Hst, H1|split; [apply Hst, H2|split; [apply Hst, H3|apply Hst, H4]]].
  Qed.

  (** [pipe_hyps] with the derived [B := qkv_B W bℓ r = W·(W·r + bℓ)]. *)
  Theorem pipe_hyps_of_floors (s Wb bl bc r : R) :
    pipe_weights_ok (qkv_B Wb bl r) s Wb -> pipe_bias_ok bl bc -> sqrt (INR (FlowAR.dm cfg)) <= r ->
    pipe_floors s -> pipe_hyps cfg G g (qkv_B Wb bl r) s Wb.
  Proof. intros Hw Hb Hr Hf. apply (pipe_hyps_of_floors_le _ s Wb bl bc r); [exact Hw|exact Hb|exact Hr|lra|exact Hf]. Qed.
End pipeline.

(** The whole-pipeline error bound from the variance floors, the weight bounds and the
    LayerNorm shift bounds, with [B := qkv_B W bℓ r]: the [|q|, |k|, |v|] bounds are derived. *)
Theorem fast_flowar_error_of_floors (cfg : FlowAR.Config) (G : list R) (g : nat) (s Wb bl bc r : R) :
  pipe_weights_ok cfg G g (qkv_B Wb bl r) s Wb -> pipe_bias_ok cfg G bl bc ->
  sqrt (INR (FlowAR.dm cfg)) <= r -> pipe_floors cfg G g s ->
  dinf (FlowAR.tok cfg (FlowAR.K cfg - 1)) (FlowAR.ch cfg) (rflowar_fast g cfg G) (rflowar_exact cfg G)
  <= flowar_err_bound cfg g (qkv_B Wb bl r) s Wb.
Proof.
  intros Hw Hb Hr Hf. apply fast_flowar_error. apply (pipe_hyps_of_floors cfg G g s Wb bl bc r); assumption.
Qed.
