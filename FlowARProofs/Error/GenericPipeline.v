(** * The K-scale FlowAR pipeline, written once

    The whole pipeline of Pipeline/FlowAR.v ([flowar_float]: up-sampling,
    embedding, the stacked sequence, the AR transformer, the condition rows,
    the flow head per scale, the scales one after another) written ONCE over
    the arithmetic interface [arith] (Error/Generic.v), with the layer and
    flow head of Error/GenericLayer.v, and the proofs that the float pipeline
    and the real pipeline (Error/RealPipeline.v, [rflowar w]) are its
    instances:

    - [g_linmap], [g_up_coef], [g_up]: the fixed linear map
      [Σ_k coef(t,k)·X(src t k)] and bicubic up-sampling, coefficients
      [a_const num den] ([num/den] rounded once over floats, exact over R);
    - [g_down]: area down-sampling ([fdown_generic], [rdown_generic]; not
      used by the pipeline);
    - [g_vcat], [g_outs]: stacking, the scales one after another;
    - [g_embed], [g_seq], [g_tf_at_with att], [g_cond_with att],
      [g_scale_with att], [g_flowar_with att]: the pipeline over any
      attention sub-layer [att] (GenericLayer.v), same layout (offsets
      [off_noise], [off_embW], [off_ar], [off_fh], … of Pipeline/FlowAR.v),
      block-causal limits [lim_at] with the scales as blocks;
      [g_tf_at], [g_cond], [g_scale], [g_flowar]: these with multi-head
      attention of weight function [w] ([att = g_mha_sub w]);
    - floats ([farith P p], [w = fexp P p]): [fup_generic], [fembed_generic],
      [fseq_generic], [fcond_generic], [fscale_generic],
      [flowar_float_generic] — by [reflexivity];
    - reals ([rarith], any [w]): [rup_generic], [rembed_generic],
      [rseq_generic], [rcond_generic], [rscale_out_generic],
      [rflowar_generic]; [rflowar_exact_generic] (exact FlowAR is the
      instance at [w = a_exp rarith = exp]), [rflowar_fast_generic] (Fast
      FlowAR at [w = taylor_exp g]).  [flowar_float_generic] is the float
      instance at [w = a_exp (farith P p) = fexp P p]; [flowar_one_definition]
      states the three together.

    Over any attention module [am] of Pipeline/Layer.v ([AttnModule]:
    [exact_am], a fast module): [ftlayer_g_generic],
    [fflow_g_generic], [flowar_float_g_generic]: the float pipeline over
    [am] is [g_flowar_with] at floats over the sub-layer [am_sem am P p];
    [exact_am_generic]: [am_sem exact_am P p = g_mha_sub (farith P p) (fexp P p)];
    [rflowar_generic_with]: the real pipeline is [g_flowar_with] at R over
    [g_mha_sub rarith w].  So a float Fast FlowAR over a feature-map
    attention module and the real Fast FlowAR differ ONLY in the attention
    sub-layer (the rest is one definition).

    So the float semantics the circuits compute ([flowar_prog_correct]) and
    the real semantics of the error bound ([fast_flowar_error]) are one
    definition; they differ only in the arithmetic's rounding. *)
From Coq Require Import Reals Lia ZArith List FunctionalExtensionality.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Tensor Block Stage.
From FlowARProofs.Modules Require Sampling.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales.
From FlowARProofs.Pipeline Require FlowAR.
From FlowARProofs.Error Require Import RSum Lipschitz Taylor RealModel ScaleError RealPipeline
  Generic GenericModules GenericLayer.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".

Section generic.
  Context (A : arith).
  Notation M := (nat -> nat -> car A).
  Implicit Types (X Y : M) (Ys : list M) (cfg : FlowAR.Config) (G : list (car A)).

  (** ** Fixed linear maps, up-sampling, stacking *)

  Definition g_linmap m (coef : nat -> nat -> car A) (src : nat -> nat -> nat) X : M :=
    fun t l => g_dot A m (fun k => coef t k) (fun k => X (src t k) l).

  Definition g_up_coef (r wd t k : nat) : car A :=
    let D := (2 * Z.of_nat r)%Z in
    a_const A (Sampling.bc_w D (Sampling.bc_frac r (t / (r * wd))) (k / 4)
               * Sampling.bc_w D (Sampling.bc_frac r (t mod (r * wd))) (k mod 4))
              (16 * D ^ 6).

  Definition g_up (r h wd : nat) X : M := g_linmap 16 (g_up_coef r wd) (Sampling.up_src r h wd) X.

  (** Area down-sampling by [r] ([r²] taps of weight [1/r²]; not used by the pipeline). *)
  Definition g_down (r wd : nat) X : M :=
    g_linmap (r * r) (fun _ _ => a_const A 1 (Z.of_nat (r * r))) (Sampling.down_src r wd) X.

  Definition g_vcat (r1 : nat) X Y : M := fun i j => if i <? r1 then X i j else Y (i - r1) j.

  Definition g_mzero : M := fun _ _ => a_zero A.

  Fixpoint g_outs (f : list M -> nat -> M) k : list M :=
    match k with 0 => [] | S k' => g_outs f k' ++ [f (g_outs f k') k'] end.

  (** ** The pipeline, over any attention sub-layer [att] (GenericLayer.v) *)

  Section pipeline.
    Context (cfg : FlowAR.Config) (G : list (car A)).
    Let c := FlowAR.ch cfg. Let d := FlowAR.dm cfg.

    Definition g_embed Y j : M :=
      g_mlp A c (g_up (FlowAR.a cfg) (FlowAR.side cfg j) (FlowAR.side cfg j) Y)
            (g_rd A G (FlowAR.off_embW cfg) c d) (g_rd A G (FlowAR.off_embb cfg) 1 d).

    Fixpoint g_seq Ys i : M :=
      match i with
      | 0 => g_rd A G 0 (FlowAR.tok cfg 0) d
      | S i' => g_vcat (FlowAR.ntok cfg i') (g_seq Ys i') (g_embed (nth i' Ys g_mzero) i')
      end.

    Context (att : LDims -> list nat -> (nat -> nat) -> (nat -> nat -> nat -> M) -> M -> M).

    (** Scale [i]'s AR transformer: block-causal limits [lim_at cfg i], blocks the scales' token counts. *)
    Definition g_tf_at_with i X : M :=
      g_tf_with A att (FlowAR.LD cfg) G (FlowAR.off_ar cfg) (map (FlowAR.tok cfg) (seq 0 (S i)))
        (FlowAR.lim_at cfg i) (FlowAR.L cfg) X.

    Definition g_cond_with Ys i : M :=
      fun t k => g_tf_at_with i (g_seq Ys i) (FlowAR.ntok cfg i - FlowAR.tok cfg i + t) k.

    Definition g_scale_with Ys i : M :=
      g_flow_with A att (FlowAR.FD cfg) G (FlowAR.off_fh cfg) (FlowAR.tok cfg i) (FlowAR.T cfg)
        (g_rd A G (FlowAR.off_noise cfg i) (FlowAR.tok cfg i) c) (g_cond_with Ys i).

    Definition g_flowar_with : M := nth (FlowAR.K cfg - 1) (g_outs g_scale_with (FlowAR.K cfg)) g_mzero.
  End pipeline.

  (** ** With multi-head attention of weight function [w] *)

  Context (w : car A -> car A).
  Definition g_tf_at cfg G i X : M := g_tf_at_with cfg G (g_mha_sub A w) i X.
  Definition g_cond cfg G Ys i : M := g_cond_with cfg G (g_mha_sub A w) Ys i.
  Definition g_scale cfg G Ys i : M := g_scale_with cfg G (g_mha_sub A w) Ys i.
  Definition g_flowar cfg G : M := g_flowar_with cfg G (g_mha_sub A w).
End generic.

(** ** p-bit floats: the float pipeline is the instance, by [reflexivity] *)

Local Opaque fadd fsub fmul fdiv fsum fmax fzero LayerNorm.fcnt fconst.

Section floats.
  Context (P : FloatFns) (p : nat).
  Notation FA := (farith P p).
  Implicit Types (X Y : mat) (Ys : list mat) (cfg : FlowAR.Config) (G : list flt).

  Lemma fup_generic r h wd X : Sampling.fup p r h wd X = g_up FA r h wd X.
  Proof. reflexivity. Qed.

  Lemma fdown_generic r wd X : Sampling.fdown p r wd X = g_down FA r wd X.
  Proof. reflexivity. Qed.

  Lemma fembed_generic cfg G Y j : FlowAR.fembed p cfg G Y j = g_embed FA cfg G Y j.
  Proof. reflexivity. Qed.

  Lemma fseq_generic cfg G Ys i : FlowAR.fseq p cfg G Ys i = g_seq FA cfg G Ys i.
  Proof.
    induction i as [|i IH]; [reflexivity|]. cbn [FlowAR.fseq g_seq]. rewrite IH. reflexivity.
  Qed.

  Lemma fcond_generic cfg G Ys i : FlowAR.fcond P p cfg G Ys i = g_cond FA (fexp P p) cfg G Ys i.
  Proof. rewrite FlowAR.fcond_eq. unfold g_cond. rewrite fseq_generic. reflexivity. Qed.

  Lemma fscale_generic cfg G Ys i : FlowAR.fscale P p cfg G Ys i = g_scale FA (fexp P p) cfg G Ys i.
  Proof. rewrite FlowAR.fscale_eq. unfold g_scale. rewrite fcond_generic. reflexivity. Qed.

  Lemma fouts_generic cfg G k : FlowAR.fouts P p cfg G k = g_outs FA (g_scale FA (fexp P p) cfg G) k.
  Proof.
    rewrite FlowAR.fouts_eq. induction k as [|k IH]; [reflexivity|].
    cbn [outs_of g_outs]. rewrite IH, fscale_generic. reflexivity.
  Qed.

  Theorem flowar_float_generic cfg G :
    FlowAR.flowar_float P p cfg G = g_flowar FA (a_exp FA) cfg G.
  Proof. rewrite FlowAR.flowar_float_eq, fouts_generic. reflexivity. Qed.
End floats.

(** ** p-bit floats over any attention module (Pipeline/Layer.v [AttnModule])

    The float layer, flow head and pipeline over an attention module [am]
    ([ftlayer_g am], [fflow_g am], [flowar_float_g am]; e.g. the exact module
    [exact_am] or a fast one) are the generic ones at floats with the
    module's float semantics as the attention sub-layer. *)

Section floats_am.
  Context (am : AttnModule) (P : FloatFns) (p : nat).
  Notation FA := (farith P p).
  Notation att := (am_sem am P p).
  Implicit Types (X F Yh : mat) (Ys : list mat) (cfg : FlowAR.Config) (G : list flt) (D : LDims)
    (Dm : FHDims) (lim : nat -> nat) (ns : list nat).

  (** The exact module's semantics is [g_mha_sub] at floats with [w = fexp P p]. *)
  Lemma exact_am_generic : am_sem exact_am P p = g_mha_sub FA (fexp P p).
  Proof. reflexivity. Qed.

  Lemma ftattn_g_generic D G wo ns lim X : ftattn_g am P p D G wo ns lim X = g_tattn_with FA att D G wo ns lim X.
  Proof. reflexivity. Qed.

  Lemma ftlayer_g_generic D G wo ns lim X :
    ftlayer_g am P p D G wo ns lim X = g_tlayer_with FA att D G wo ns lim X.
  Proof. reflexivity. Qed.

  Lemma fvel_g_generic Dm G wo Mt t F Yh : fvel_g am P p Dm G wo Mt t F Yh = g_vel_with FA att Dm G wo Mt t F Yh.
  Proof. reflexivity. Qed.

  Lemma fflow_g_generic Dm G wo Mt T F0 Yh :
    fflow_g am P p Dm G wo Mt T F0 Yh = g_flow_with FA att Dm G wo Mt T F0 Yh.
  Proof. reflexivity. Qed.

  Lemma ftf_g_generic cfg G i X : FlowAR.ftf_g am P p cfg G i X = g_tf_at_with FA cfg G att i X.
  Proof. reflexivity. Qed.

  Lemma fcond_g_generic cfg G Ys i : FlowAR.fcond_g am P p cfg G Ys i = g_cond_with FA cfg G att Ys i.
  Proof. unfold FlowAR.fcond_g, FlowAR.fcond_by, g_cond_with. rewrite (fseq_generic P p). reflexivity. Qed.

  Lemma fscale_g_generic cfg G Ys i : FlowAR.fscale_g am P p cfg G Ys i = g_scale_with FA cfg G att Ys i.
  Proof.
    unfold FlowAR.fscale_g, FlowAR.fscale_by, g_scale_with.
    change (FlowAR.fcond_by (am_sem am)) with (FlowAR.fcond_g am). rewrite fcond_g_generic. reflexivity.
  Qed.

  Lemma fouts_g_generic cfg G k : FlowAR.fouts_g am P p cfg G k = g_outs FA (g_scale_with FA cfg G att) k.
  Proof.
    unfold FlowAR.fouts_g, FlowAR.fouts_by. change (FlowAR.fscale_by (am_sem am)) with (FlowAR.fscale_g am).
    induction k as [|k IH]; [reflexivity|].
    cbn [outs_of g_outs]. rewrite IH, fscale_g_generic. reflexivity.
  Qed.

  Theorem flowar_float_g_generic cfg G : FlowAR.flowar_float_g am P p cfg G = g_flowar_with FA cfg G att.
  Proof.
    unfold FlowAR.flowar_float_g, FlowAR.flowar_float_by.
    change (FlowAR.fouts_by (am_sem am)) with (FlowAR.fouts_g am). rewrite fouts_g_generic. reflexivity.
  Qed.
End floats_am.

(** ** The reals: the real pipeline is the instance *)

Section reals.
  Local Open Scope R_scope.
  Implicit Types (X Y : rmat) (Ys : list rmat) (cfg : FlowAR.Config) (G : list R) (w : R -> R).

  Lemma rup_generic r h wd X : rup r h wd X = g_up rarith r h wd X.
  Proof. reflexivity. Qed.

  Lemma rdown_generic r wd X : rdown r wd X = g_down rarith r wd X.
  Proof.
    apply functional_extensionality. intros t. apply functional_extensionality. intros l.
    unfold rdown, rlinmap, g_down, g_linmap, g_dot. cbn [a_sum a_mul a_const rarith].
    apply rsum_ext. intros k _. rewrite <- INR_IZR_INZ. unfold Rdiv. rewrite Rmult_1_l. reflexivity.
  Qed.

  Lemma rembed_generic cfg G Y j : rembed cfg G Y j = g_embed rarith cfg G Y j.
  Proof. reflexivity. Qed.

  Lemma rseq_generic cfg G Ys i : rseq cfg G Ys i = g_seq rarith cfg G Ys i.
  Proof.
    induction i as [|i IH]; [reflexivity|]. cbn [rseq g_seq]. rewrite IH. reflexivity.
  Qed.

  Lemma rcond_generic cfg G w Ys i : rcond cfg G w Ys i = g_cond rarith w cfg G Ys i.
  Proof. unfold rcond, rtf_at. rewrite rtf_generic, rseq_generic. reflexivity. Qed.

  Lemma rscale_out_generic cfg G w Ys i : rscale_out cfg G w Ys i = g_scale rarith w cfg G Ys i.
  Proof. unfold rscale_out. rewrite rflow_generic, rcond_generic. reflexivity. Qed.

  Lemma routs_generic cfg G w k : routs cfg G w k = g_outs rarith (g_scale rarith w cfg G) k.
  Proof.
    unfold routs. induction k as [|k IH]; [reflexivity|].
    cbn [routs_of g_outs]. rewrite IH, rscale_out_generic. reflexivity.
  Qed.

  Theorem rflowar_generic cfg G w : rflowar cfg G w = g_flowar rarith w cfg G.
  Proof. unfold rflowar. rewrite routs_generic. reflexivity. Qed.

  (** The same, with the attention sub-layer explicit: real FlowAR is the generic pipeline over the
      attention sub-layer [g_mha_sub rarith w]; a float pipeline over an attention module [am] is it
      over [am_sem am P p] ([flowar_float_g_generic]). *)
  Theorem rflowar_generic_with cfg G w : rflowar cfg G w = g_flowar_with rarith cfg G (g_mha_sub rarith w).
  Proof. exact (rflowar_generic cfg G w). Qed.

  Theorem rflowar_exact_generic cfg G : rflowar_exact cfg G = g_flowar rarith (a_exp rarith) cfg G.
  Proof. exact (rflowar_generic cfg G exp). Qed.

  Theorem rflowar_fast_generic g cfg G : rflowar_fast g cfg G = g_flowar rarith (taylor_exp g) cfg G.
  Proof. exact (rflowar_generic cfg G (taylor_exp g)). Qed.
End reals.

(** ** One definition: the float pipeline the circuits compute and the real exact and fast pipelines
    the error bound is about are the same [g_flowar], at p-bit floats and at R. *)
Theorem flowar_one_definition (P : FloatFns) p cfg (G : list flt) (Gr : list R) g :
  FlowAR.flowar_float P p cfg G = g_flowar (farith P p) (a_exp (farith P p)) cfg G
  /\ rflowar_exact cfg Gr = g_flowar rarith (a_exp rarith) cfg Gr
  /\ rflowar_fast g cfg Gr = g_flowar rarith (taylor_exp g) cfg Gr.
Proof.
  split; [apply flowar_float_generic|]. split; [apply rflowar_exact_generic|apply rflowar_fast_generic].
Qed.
