(** * The transformer layer, the AR stack and the flow head, written once

    The pipeline pieces of Pipeline/Layer.v ([ftattn], [ftmlp], [ftlayer]),
    Pipeline/FlowAR.v ([ftf], the AR transformer) and Pipeline/FlowHead.v
    ([fvel], [fflow]) written ONCE over the arithmetic interface [arith]
    (Error/Generic.v), with the modules of Error/GenericModules.v, and the
    proofs that the float semantics and the real semantics (Error/RealModel.v
    [rtattn], [rtmlp], [rtlayer], [rvel], [rflow]; Error/ScaleError.v [rtf])
    are its instances:

    - [g_rd]: the [r × c] weight block at an offset of the weight list
      (default [0]; the float [rd], the real [rdR]);
    - [g_tattn_with att], [g_tlayer_with att], [g_tf_with att],
      [g_vel_with att], [g_flow_with att]: everything over ANY attention
      sub-layer [att D ns lim W Z] (the shape of [am_sem am P p] of an
      attention module, Pipeline/Layer.v); the definitions below are these at
      [att = g_mha_sub w], multi-head attention with weight function [w];
    - [g_tattn], [g_tmlp], [g_tlayer]: the pre-norm layer
      [X₁ = X + MHA(LN₁ X)], [X₂ = X₁ + FFN_inner(LN₂ X₁)], same weight layout
      (offsets [o_q], … of Pipeline/Layer.v), attention scale
      [a_const (lsn D) (lsd D)];
    - [g_tf]: [L] layers, layer [l]'s weights at [offl l], key limit [lim];
    - [g_euler], [g_vel], [g_flow]: the velocity network (input projection,
      condition, time row, [L_f] layers with [lim = M], output projection) and
      [T] Euler steps with [t_k = a_const k T], [Δt = a_const 1 T];
    - floats ([farith P p], [w = fexp P p]): [ftattn_generic],
      [ftlayer_generic], [ftf_generic], [feuler_generic], [fvel_generic],
      [fflow_generic] — by [reflexivity];
    - reals ([rarith], any [w]): [rtattn_generic], [rtmlp_generic],
      [rtlayer_generic], [rtf_generic], [rvel_generic], [rflow_generic]
      ([t_k = INR k / INR T = IZR k / IZR T], [Δt = / INR T = 1 / INR T]);
      [rflow_exact_generic], [rflow_fast_generic]: exact FlowAR's flow head
      is the instance at [w = a_exp rarith = exp], Fast FlowAR's at
      [w = taylor_exp g]; [fflow_generic] is the float instance at
      [w = a_exp (farith P p) = fexp P p].

    Shared: the whole computation graph — which entries are summed,
    multiplied, divided, in which order, with which weights from which
    offsets, the key limits, the iteration order of layers and Euler steps.
    Not shared: the rounding of each float operation, and the constants'
    values ([fconst p n d] is [n/d] rounded once, the real one exact). *)
From Coq Require Import Reals Lia ZArith List.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Tensor Block Stage.
From FlowARProofs.Modules Require Import FFN FlowMatching.
From FlowARProofs.Pipeline Require Import Layer FlowHead.
From FlowARProofs.Pipeline Require FlowAR.
From FlowARProofs.Error Require Import RSum Lipschitz Propagation Taylor RealModel ScaleError
  Generic GenericModules.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".

Section generic.
  Context (A : arith).
  Notation M := (nat -> nat -> car A).
  Implicit Types (X F Yh : M) (G : list (car A)) (D : LDims) (Dm : FHDims)
    (lim offl : nat -> nat) (wo : nat) (ns : list nat).

  (** The [r × c] block stored at offset [off] of the weight list. *)
  Definition g_rd (xs : list (car A)) (off r c : nat) : M :=
    fun i j => nth (off + (i * c + j)) xs (a_zero A).

  (** The FFN sub-layer's update [FFN_inner(LN₂ X₁)] (without the residual). *)
  Definition g_tmlp D G wo (X1 : M) : M :=
    let d := ld D in let dff := ldff D in
    let W o r c := g_rd G (wo + o) r c in
    let Z2 := g_lnaff A d (W (o_g2 D) 1%nat d) (W (o_b2 D) 1%nat d) X1 in
    g_ffn_inner A d dff Z2 (W (o_w1 D) d dff) (W (o_c1 D) 1%nat dff) (W (o_w2 D) dff d)
      (W (o_c2 D) 1%nat d).

  (** ** Over any attention sub-layer

      [att D ns lim W Z]: the attention sub-layer's output (before the
      residual) on the normalized input [Z], reading its weights through
      [W o r c] (the [r × c] block at offset [o] of the layer's layout), with
      key limits [lim] (block sizes [ns]) — the shape of [am_sem am P p]
      (Pipeline/Layer.v [AttnModule]), so a float layer over any attention
      module is an instance (GenericPipeline.v, [ftlayer_g_generic]).  Exact and Taylor-weighted
      attention are [g_mha_sub w] below. *)
  Section with_att.
    Context (att : LDims -> list nat -> (nat -> nat) -> (nat -> nat -> nat -> M) -> M -> M).

    Definition g_tattn_with D G wo ns lim X : M :=
      let d := ld D in
      let W o r c := g_rd G (wo + o) r c in
      let Z := g_lnaff A d (W (o_g1 D) 1%nat d) (W (o_b1 D) 1%nat d) X in
      let At := att D ns lim W Z in
      fun i j => a_add A (X i j) (At i j).

    Definition g_tlayer_with D G wo ns lim X : M :=
      let X1 := g_tattn_with D G wo ns lim X in
      fun i j => a_add A (X1 i j) (g_tmlp D G wo X1 i j).

    (** [L] layers, layer [l]'s weights at [offl l]. *)
    Definition g_tf_with D G offl ns lim (L : nat) X : M :=
      iterate (fun l X => g_tlayer_with D G (offl l) ns lim X) L X.

    Definition g_euler (dt : car A) F (V : M) : M := fun i j => a_add A (F i j) (a_mul A dt (V i j)).

    (** The velocity network: input projection, condition, time row, [L_f]
        unmasked layers ([lim = Mt], one block), output projection. *)
    Definition g_vel_with Dm G wo (Mt : nat) (t : car A) F Yh : M :=
      let c := fhc Dm in let d := ld (fhLD Dm) in
      let Min := g_mlp A c F (g_rd G (wo + fh_win Dm) c d) (g_rd G (wo + fh_bin Dm) 1%nat d) in
      let S := fun i j => a_add A (Min i j) (Yh i j) in
      let H0 := fun i j => a_add A (S i j) (a_mul A t (g_rd G (wo + fh_e Dm) 1%nat d 0%nat j)) in
      let HL := g_tf_with (fhLD Dm) G (fun l => wo + fh_layers Dm + l * tl_size (fhLD Dm))%nat
                  [Mt] (fun _ => Mt) (fhLf Dm) H0 in
      g_mlp A d HL (g_rd G (wo + fh_wout Dm) d c) (g_rd G (wo + fh_bout Dm) 1%nat c).

    (** [T] Euler steps, [t_k = k/T], [Δt = 1/T]. *)
    Definition g_flow_with Dm G wo (Mt T : nat) F0 Yh : M :=
      iterate (fun k F => g_euler (a_const A 1 (Z.of_nat T)) F
                            (g_vel_with Dm G wo Mt (a_const A (Z.of_nat k) (Z.of_nat T)) F Yh)) T F0.
  End with_att.

  (** ** With multi-head attention of weight function [w] *)

  Context (w : car A -> car A).

  (** The attention sub-layer of the layer: [H] heads, weights at
      [o_q], [o_k], [o_v], [o_o], scale [a_const (lsn D) (lsd D)]. *)
  Definition g_mha_sub D (ns : list nat) lim (W : nat -> nat -> nat -> M) (Z : M) : M :=
    let d := ld D in let H := lH D in let dh := ldh D in
    g_mha A w d dh H (a_const A (lsn D) (lsd D)) lim Z (fun h => W (o_q D h) d dh)
      (fun h => W (o_k D h) d dh) (fun h => W (o_v D h) d dh) (W (o_o D) (H * dh)%nat d).

  Definition g_tattn D G wo lim X : M := g_tattn_with g_mha_sub D G wo [] lim X.
  Definition g_tlayer D G wo lim X : M := g_tlayer_with g_mha_sub D G wo [] lim X.
  Definition g_tf D G offl lim L X : M := g_tf_with g_mha_sub D G offl [] lim L X.
  Definition g_vel Dm G wo Mt t F Yh : M := g_vel_with g_mha_sub Dm G wo Mt t F Yh.
  Definition g_flow Dm G wo Mt T F0 Yh : M := g_flow_with g_mha_sub Dm G wo Mt T F0 Yh.
End generic.

(** ** p-bit floats: the float pipeline pieces are the instances, by [reflexivity] *)

Local Opaque fadd fsub fmul fdiv fsum fmax fzero LayerNorm.fcnt fconst.

Section floats.
  Context (P : FloatFns) (p : nat).
  Notation FA := (farith P p).
  Implicit Types (X F Yh : mat) (G : list flt) (D : LDims) (Dm : FHDims) (lim : nat -> nat).

  Lemma ftattn_generic D G wo lim X : ftattn P p D G wo lim X = g_tattn FA (fexp P p) D G wo lim X.
  Proof. reflexivity. Qed.

  Lemma ftmlp_generic D G wo (X1 : mat) : ftmlp P p D G wo X1 = g_tmlp FA D G wo X1.
  Proof. reflexivity. Qed.

  Lemma ftlayer_generic D G wo lim X : ftlayer P p D G wo lim X = g_tlayer FA (fexp P p) D G wo lim X.
  Proof. reflexivity. Qed.

  (** FlowAR's AR transformer at scale [i]: weights of layer [l] at [off_ar cfg l],
      the block-causal limit [lim_at cfg i]. *)
  Lemma ftf_generic cfg G i X :
    FlowAR.ftf P p cfg G i X
    = g_tf FA (fexp P p) (FlowAR.LD cfg) G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) (FlowAR.L cfg) X.
  Proof. reflexivity. Qed.

  Lemma feuler_generic dt F V : feuler p dt F V = g_euler FA dt F V.
  Proof. reflexivity. Qed.

  Lemma fvel_generic Dm G wo Mt t F Yh : fvel P p Dm G wo Mt t F Yh = g_vel FA (fexp P p) Dm G wo Mt t F Yh.
  Proof. reflexivity. Qed.

  Lemma fflow_generic Dm G wo Mt T F0 Yh :
    fflow P p Dm G wo Mt T F0 Yh = g_flow FA (a_exp FA) Dm G wo Mt T F0 Yh.
  Proof. reflexivity. Qed.
End floats.

(** ** The reals: the real pipeline pieces are the instances *)

Section reals.
  Local Open Scope R_scope.
  Implicit Types (X F Yh : rmat) (G : list R) (D : LDims) (Dm : FHDims) (lim offl : nat -> nat)
    (w : R -> R).

  Lemma iterate_ext {S} (f g : nat -> S -> S) k x :
    (forall l y, f l y = g l y) -> iterate f k x = iterate g k x.
  Proof. intros H. induction k as [|k IH]; [reflexivity|]. cbn [iterate]. rewrite IH. apply H. Qed.

  Lemma rdR_generic G off r c : rdR G off r c = g_rd rarith G off r c.
  Proof. reflexivity. Qed.

  Lemma rtattn_generic D G wo w lim X : rtattn D G wo w lim X = g_tattn rarith w D G wo lim X.
  Proof. unfold rtattn, g_tattn. rewrite rmha_generic. reflexivity. Qed.

  Lemma rtmlp_generic D G wo (X1 : rmat) : rtmlp D G wo X1 = g_tmlp rarith D G wo X1.
  Proof. reflexivity. Qed.

  Lemma rtlayer_generic D G wo w lim X : rtlayer D G wo w lim X = g_tlayer rarith w D G wo lim X.
  Proof. unfold rtlayer, g_tlayer. rewrite rtattn_generic. reflexivity. Qed.

  (** The layer stacks: [iter_chain] is [iterate], layer by layer the instance. *)
  Lemma iter_chain_layers_generic D G offl lim L w X :
    iter_chain (fun l X => rtlayer D G (offl l) w lim X) X L = g_tf rarith w D G offl lim L X.
  Proof.
    rewrite iter_chain_iterate. apply iterate_ext. intros l Y. apply rtlayer_generic.
  Qed.

  Lemma rtf_generic D G offl lim L w X : rtf D G offl lim L w X = g_tf rarith w D G offl lim L X.
  Proof. apply iter_chain_layers_generic. Qed.

  Lemma euler_generic dt (v : rmat -> rmat) F : euler dt v F = g_euler rarith dt F (v F).
  Proof. reflexivity. Qed.

  Lemma rvel_generic Dm G wo Mt w t F Yh : rvel Dm G wo Mt w t F Yh = g_vel rarith w Dm G wo Mt t F Yh.
  Proof.
    unfold rvel, rlayers. rewrite (iter_chain_layers_generic _ G (fun l => wo + fh_layers Dm + l * tl_size (fhLD Dm))%nat).
    reflexivity.
  Qed.

  Lemma rflow_generic Dm G wo Mt w T F0 Yh : rflow Dm G wo Mt w T F0 Yh = g_flow rarith w Dm G wo Mt T F0 Yh.
  Proof.
    unfold rflow, g_flow. rewrite iter_chain_iterate. apply iterate_ext. intros k F.
    rewrite euler_generic, rvel_generic. cbn [a_const rarith].
    rewrite <- !INR_IZR_INZ. replace (1 / INR T) with (/ INR T) by (unfold Rdiv; ring). reflexivity.
  Qed.

  Lemma rflow_exact_generic Dm G wo Mt T F0 Yh :
    rflow_exact Dm G wo Mt T F0 Yh = g_flow rarith (a_exp rarith) Dm G wo Mt T F0 Yh.
  Proof. exact (rflow_generic Dm G wo Mt exp T F0 Yh). Qed.

  Lemma rflow_fast_generic g Dm G wo Mt T F0 Yh :
    rflow_fast g Dm G wo Mt T F0 Yh = g_flow rarith (taylor_exp g) Dm G wo Mt T F0 Yh.
  Proof. exact (rflow_generic Dm G wo Mt (taylor_exp g) T F0 Yh). Qed.
End reals.
