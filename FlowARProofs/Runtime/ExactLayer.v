(** * Exact cost of one transformer layer and of one flow-head Euler step

    Composed stage by stage from the modules' closed forms
    ([Runtime/ExactCost.v]), for any cost model [cm]:
    {v
      layer_cost  = LN₁ (lnaff_cost) + MHA (mha_cost) + residual (N·d additions)
                    + LN₂ (lnaff_cost) + FFN_inner (ffn_inner_cost) + residual (N·d)
      step_cost   = MLP_in + (+Ŷ) + (+t·e) + L_f · layer_cost (unmasked: S = M²)
                    + MLP_out + Euler (xpby_cost)
    v}
    [S] is the number of visible (query, key) pairs, [Σ_i lim i]; for the
    block-causal AR layers it is computed in [Runtime/Exact.v].

    One lemma per stage of [Pipeline/Layer.v]'s [tl_at] (the pre-norm block:
    the FFN without its own residual, and a second residual addition in the
    layer).  The total equals the count with the paper's FFN-with-residual
    ([layer_cost_ffn]): the FFN's residual addition moved into the layer. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention MLP FFN FlowMatching.
From FlowARProofs.Pipeline Require Import Layer FlowHead.
From FlowARProofs.Runtime Require Import ExactModules ExactCost.
Import ListNotations.
Set Default Goal Selector "!".

Local Notation n := N.of_nat.

Lemma n_sum_const (f : nat -> nat) k v :
  (forall i, i < k -> n (f i) = v) -> n (list_sum (map f (seq 0 k))) = (n k * v)%N.
Proof.
  intros H. rewrite (list_sum_seq_const f k (N.to_nat v)).
  - rewrite Nat2N.inj_mul, N2Nat.id. reflexivity.
  - intros i Hi. rewrite <- (H i Hi), Nat2N.id. reflexivity.
Qed.

Section layer.
  Context (cm : kind -> nat).

  (** [x] tokens, [S] visible (query, key) pairs. *)
  Definition layer_cost (D : LDims) (x S : N) : N :=
    let d := n (ld D) in let dh := n (ldh D) in let H := n (lH D) in let dff := n (ldff D) in
    (lnaff_cost cm x d + mha_cost cm x S d dh H d + x * d * cA cm
     + lnaff_cost cm x d + ffn_inner_cost cm x d dff + x * d * cA cm)%N.

  (** The same total, read with the paper's FFN (with its own residual). *)
  Lemma layer_cost_ffn D x S :
    let d := n (ld D) in
    layer_cost D x S
    = (lnaff_cost cm x d + mha_cost cm x S d (n (ldh D)) (n (lH D)) d + x * d * cA cm
       + lnaff_cost cm x d + ffn_cost cm x d (n (ldff D)))%N.
  Proof. cbv zeta. unfold layer_cost, ffn_cost. ring. Qed.

  (** A residual step: [N·d] additions. *)
  Lemma tl_res_cost_of N d r : n (wwork (op_cost cm) (tl_res N d r)) = (n N * n d * cA cm)%N.
  Proof.
    unfold tl_res. rewrite ww_PPar, ww_keep, Nat.add_0_r, ew_cost_of. reflexivity.
  Qed.

  Theorem layer_cost_of p D N lim wo go r :
    (forall i, i < N -> lim i <= N) -> (forall i, i < N -> 1 <= lim i) ->
    n (wwork (op_cost cm) (tl_at p D N lim wo go r))
    = layer_cost D (n N) (n (list_sum (map lim (seq 0 N)))).
  Proof.
    intros Hlim Hpos. unfold tl_at, tl_at_by, mha_prog, layer_cost.
    rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat2N.inj_add.
    rewrite (lnaff_cost_of cm p 0 _ _ N (ld D)).                           (* LN₁ *)
    rewrite (mha_cost_of cm 0 _ _ _ _ N (ld D) (ldh D) (lH D) (ld D) _ lim Hlim Hpos).  (* MHA *)
    rewrite (lnaff_cost_of cm p 0 _ _ N (ld D)).                           (* LN₂ *)
    rewrite (ffn_inner_cost_of cm 0 _ _ _ _ N (ld D) (ldff D)).            (* FFN_inner *)
    rewrite tl_res_cost_of.                                  (* the two residuals *)
    ring.
  Qed.

  (** The flow head's layers attend to all [M] tokens of the scale. *)
  Corollary layer_cost_full p D M wo go r :
    n (wwork (op_cost cm) (tl_at p D M (fun _ => M) wo go r)) = layer_cost D (n M) (n M * n M)%N.
  Proof.
    rewrite layer_cost_of by (intros; lia). rewrite list_sum_const, Nat2N.inj_mul. reflexivity.
  Qed.

  (** The same for any block list [ns] (multi-head attention ignores it), as
      the flow head writes it ([ns = [M]]). *)
  Corollary layer_cost_full_ns p D M ns wo go r :
    n (wwork (op_cost cm) (tl_at_by mha_prog p D M ns (fun _ => M) wo go r))
    = layer_cost D (n M) (n M * n M)%N.
  Proof. exact (layer_cost_full p D M wo go r). Qed.

  (** One Euler step of the flow head on [M] tokens. *)
  Definition step_cost (Dm : FHDims) (M : N) : N :=
    let c := n (fhc Dm) in let d := n (ld (fhLD Dm)) in
    (mlp_cost cm M c d + M * d * cA cm + xpby_cost cm M d
     + n (fhLf Dm) * layer_cost (fhLD Dm) M (M * M)
     + mlp_cost cm M d c + xpby_cost cm M c)%N.

  Theorem step_cost_of p Dm M T wo go r k :
    n (wwork (op_cost cm) (fh_step p Dm M T wo go r k)) = step_cost Dm (n M).
  Proof.
    unfold fh_step, fh_step_by, step_cost.
    rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat2N.inj_add.
    rewrite (mlp_cost_of cm 0 _ _ M (fhc Dm) (ld (fhLD Dm))).              (* MLP_in *)
    rewrite (ew_cost_of cm M (ld (fhLD Dm)) (OBin BAdd)).                  (* + Ŷ *)
    rewrite (xpby_cost_of cm M (ld (fhLD Dm))).                            (* + t·e *)
    rewrite ww_iter, (n_sum_const _ _ _ (fun l _ => layer_cost_full_ns _ _ _ _ _ _ _)). (* the layers *)
    rewrite (mlp_cost_of cm 0 _ _ M (ld (fhLD Dm)) (fhc Dm)).              (* MLP_out *)
    unfold euler_at. rewrite (xpby_cost_of cm M (fhc Dm)).                 (* Euler *)
    cbn [op_cost]. fold (cA cm). ring.
  Qed.

  Theorem flow_cost_of p Dm M T wo go r :
    n (wwork (op_cost cm) (flow_at p Dm M T wo go r)) = (n T * step_cost Dm (n M))%N.
  Proof.
    unfold flow_at, flow_at_by. rewrite ww_iter. apply n_sum_const. intros k _. apply step_cost_of.
  Qed.
End layer.
