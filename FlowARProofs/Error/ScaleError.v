(** * One scale of FlowAR over the reals: AR transformer, condition rows, flow head

    One scale of the pipeline (Pipeline/FlowAR.v: [ftf], [fcond], [fscale])
    given its input sequence: the AR transformer ([L] layers with any key
    limit, e.g. the block-causal [lim_at]) maps the sequence [X] to [Z]; the
    condition is the last [M] rows of [Z] starting at row [off]
    ([rcond_rows], mirrors [fcond]); the flow head runs [T] Euler steps from
    the noise [F0] with that condition ([rflow]).  Exact and fast models may
    receive different sequences [X] and [X'] (the fast one carries the
    earlier scales' error).

    - [tf_fast_error]: [‖tf_fast(X') − tf_exact(X)‖∞ ≤ Lℓ^L·(‖X' − X‖∞ + L·δℓ)]
      ([chain_error] with the layer constants of LayerError.v);
    - [fast_scale_error]: the scale's output error is at most
      [fh_bound_cond … (Lℓ^L·(‖X' − X‖∞ + L·δℓ))] (FlowHeadCond.v).

    Hypotheses: weight bounds for every layer ([tf_weights_ok]) and the
    activation bounds [act_ok] at every layer input of the fast transformer
    run on [X'] and of the exact one run on [X]; those of
    [fast_flowhead_error_cond] for the flow head.  NOT done: the embedding of
    the up-sampled earlier outputs into the next sequence and the induction
    over the [K] scales ([fast_flowar_error], docs/error.md). *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel AttnStability
  LayerError FlowHeadError FlowHeadCond.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** The AR transformer: [L] layers, layer [l]'s weights at offset [offl l]. *)
Definition rtf (D : Layer.LDims) (G : list R) (offl : nat -> nat) (lim : nat -> nat) (L : nat)
    (w : R -> R) (X : rmat) : rmat :=
  iter_chain (fun l X => rtlayer D G (offl l) w lim X) X L.

(** The condition: rows [off .. off + M − 1] of the transformer's output (mirrors [fcond]). *)
Definition rcond_rows (off : nat) (Z : rmat) : rmat := fun t k => Z (off + t)%nat k.

Lemma rcond_rows_dinf M N d off Z Z' :
  (off + M <= N)%nat -> dinf M d (rcond_rows off Z') (rcond_rows off Z) <= dinf N d Z' Z.
Proof.
  intros H. apply dinf_le; [apply dinf_nonneg|]. intros i j Hi Hj. unfold rcond_rows.
  apply dinf_entry; [lia|exact Hj].
Qed.

Section tf.
  Context (D : Layer.LDims) (G : list R) (offl : nat -> nat) (lim : nat -> nat) (N L g : nat) (B s Wb : R).
  Let d := Layer.ld D.
  Let beta := head_beta (Layer.ldh D) (rscale D) B.
  Let E := exp (2 * beta).
  Let Ll := c_layer Wb beta E s d.
  Let dl := c_delta Wb s d (eps_T g beta) B.

  Definition tf_weights_ok : Prop :=
    (forall l, (l < L)%nat -> weights_ok D G (offl l) lim N B s Wb) /\ (0 < L)%nat /\ eps_T g beta <= 1 / 2.

  Definition tf_ok (w : R -> R) (X : rmat) : Prop :=
    forall l, (l < L)%nat -> act_ok D G (offl l) lim N g B s (iter_chain (fun l X => rtlayer D G (offl l) w lim X) X l).

  Hypothesis Hw : tf_weights_ok.

  Theorem tf_fast_error X' X :
    tf_ok (taylor_exp g) X' -> tf_ok exp X ->
    dinf N d (rtf D G offl lim L (taylor_exp g) X') (rtf D G offl lim L exp X)
    <= Ll ^ L * (dinf N d X' X + INR L * dl).
  Proof.
    intros HF HE. destruct Hw as (Hwl & HL0 & Heps).
    destruct (Hwl 0%nat HL0) as (Hd & Hs & HB & Hsc & _).
    assert (HWb : 0 <= Wb) by apply (Wb_nonneg D G (offl 0) lim N B s Wb (Hwl 0%nat HL0)).
    assert (Hbe : 0 <= beta) by apply (head_beta_nonneg _ _ B Hsc).
    assert (HL : 1 <= Ll) by (apply c_layer_ge1; try assumption; apply Rlt_le, exp_pos).
    assert (Hdl : 0 <= dl) by (apply c_delta_nonneg; try assumption; apply eps_T_nonneg, Hbe).
    unfold rtf. eapply Rle_trans.
    - apply (chain_error (dinf N d) (fun l X => rtlayer D G (offl l) exp lim X)
               (fun l X => rtlayer D G (offl l) (taylor_exp g) lim X) (fun _ => dl) (fun _ => Ll)).
      + intros. apply dinf_triangle.
      + intros. lra.
      + intros i Hi. split.
        * apply layer_fast_error; [apply Hwl, Hi|apply HF, Hi|exact Heps].
        * apply layer_lip with (g := g); [apply Hwl, Hi|apply HF, Hi|apply HE, Hi].
    - apply prop_bound_uniform; try (intros; lra); try lra. apply dinf_nonneg.
  Qed.
End tf.

(** ** One scale *)

Theorem fast_scale_error (DA : Layer.LDims) (Dm : FlowHead.FHDims) (G : list R) (offl : nat -> nat)
    (lim : nat -> nat) (N L wo M T off g : nat) (B s Wb : R) (X X' F0 : rmat) :
  Layer.ld DA = Layer.ld (FlowHead.fhLD Dm) -> (off + M <= N)%nat ->
  tf_weights_ok DA G offl lim N L g B s Wb ->
  tf_ok DA G offl lim N L g B s (taylor_exp g) X' -> tf_ok DA G offl lim N L g B s exp X ->
  fh_weights_ok Dm G wo M T g B s Wb ->
  flow_acts_ok_cond Dm G wo M T (rcond_rows off (rtf DA G offl lim L exp X))
    (rcond_rows off (rtf DA G offl lim L (taylor_exp g) X')) g B s F0 ->
  let betaA := head_beta (Layer.ldh DA) (rscale DA) B in
  let betaF := head_beta (Layer.ldh (FlowHead.fhLD Dm)) (rscale (FlowHead.fhLD Dm)) B in
  dinf M (FlowHead.fhc Dm)
    (rflow_fast g Dm G wo M T F0 (rcond_rows off (rtf DA G offl lim L (taylor_exp g) X')))
    (rflow_exact Dm G wo M T F0 (rcond_rows off (rtf DA G offl lim L exp X)))
  <= fh_bound_cond Wb betaF (exp (2 * betaF)) s (Layer.ld (FlowHead.fhLD Dm)) (FlowHead.fhLf Dm) T
       (eps_T g betaF) B
       (c_layer Wb betaA (exp (2 * betaA)) s (Layer.ld DA) ^ L
        * (dinf N (Layer.ld DA) X' X + INR L * c_delta Wb s (Layer.ld DA) (eps_T g betaA) B)).
Proof.
  intros Hdim Hoff HwA HF HE HwF Hacts betaA betaF.
  apply fast_flowhead_error_cond; [exact HwF| |exact Hacts].
  rewrite <- Hdim. eapply Rle_trans; [apply (rcond_rows_dinf M N)|]; [exact Hoff|].
  apply tf_fast_error; assumption.
Qed.
