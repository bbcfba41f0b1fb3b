(** * Fast vs exact FlowAR over the reals: the whole K-scale pipeline

    [fast_flowar_error]: for every configuration, weight vector [G] and
    Taylor degree [g] satisfying the hypotheses [pipe_hyps] below,
    {v
      ‖rflowar_fast g cfg G − rflowar_exact cfg G‖∞  ≤  flowar_err_bound cfg g B σ W
                                                    =  (1 + W·upn(a)·A)^(K−1) · b
    v}
    about the real pipeline of RealPipeline.v (the structure of
    [flowar_float]), where, with [β = scale·d_h·B²], [E = e^{2β}],
    [ε = ε_T(g, β)], [Lℓ = c_layer], [δℓ = c_delta] (LayerError.v),
    [L_v = fh_Lv], [δ_v = fh_dv] (FlowHeadError.v):
    - [sc_amp = (1 + L_v/T)^T]: the flow head's Euler amplification;
    - [A = sc_gain = sc_amp·W·Lℓ^{L_f}·Lℓ^L]: how much an error in a
      scale's input sequence grows through the AR transformer, the condition
      rows and the flow head;
    - [b = sc_err = sc_amp·(δ_v + W·Lℓ^{L_f}·Lℓ^L·L·δℓ)]: the error a scale
      adds itself (linear in [ε]);
    - [W·upn(a)]: the embedding of the up-sampled output into the next
      sequence ([rembed_lip]).

    The induction ([scales_induction]): with [S_i] the error of the input
    sequence of scale [i] and [e_i] the error of its output,
    [S_0 = 0] (the class tokens are shared), [e_i ≤ A·S_i + b]
    ([fast_scale_error]) and [S_{i+1} ≤ max(S_i, W·upn·e_i)] (stacking,
    [rvcat_dinf]); hence [e_i ≤ (1 + W·upn·A)^i·b].  The per-scale factor
    [1 + W·upn·A] compounds over the scales: that is the finding of
    docs/error.md (PipelinePoly.v: with [K = log₂ n + 1] it is [n^{log₂(1+x)}]).

    Hypotheses ([scale_hyps], for every scale [i < K]), all about the actual
    computation: the weight bounds ([tf_weights_ok], [fh_weights_ok],
    [‖W_emb‖ ≤ W]), and the activation bounds [act_ok] (variance floor [σ²]
    at every LayerNorm input, [|q|, |k|, |v| ≤ B] at every attention call) at
    every layer input of the exact AR transformer on the exact sequence, of the
    fast one on the fast sequence, and along the flow head's trajectories
    ([flow_acts_ok_cond]: exact, fast, and the exact velocity network at the
    fast states).  [|q|, |k| ≤ B] gives the score range [β] at each call
    ([rscore_bound]); [|v| ≤ B] bounds [‖V‖∞]. *)
From Coq Require Import Reals Lra Lia List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel AttnStability
  LayerError FlowHeadError FlowHeadCond ScaleError RealPipeline.
From FlowARProofs.Pipeline Require Layer FlowHead FlowAR.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

(** ** The bound *)

Section bound.
  Context (Wb beta E s : R) (d L Lf T : nat) (eps B U : R).
  Let Ll := c_layer Wb beta E s d.

  Definition sc_amp : R := (1 + fh_Lv Wb beta E s d Lf / INR T) ^ T.
  Definition sc_gain : R := sc_amp * (Wb * Ll ^ Lf) * Ll ^ L.
  Definition sc_err : R :=
    sc_amp * (fh_dv Wb beta E s d Lf eps B + Wb * Ll ^ Lf * (Ll ^ L * (INR L * c_delta Wb s d eps B))).

  (** The error bound for the output of scale [i]. *)
  Definition pipe_bound (i : nat) : R := (1 + Wb * U * sc_gain) ^ i * sc_err.

  (** One scale: the flow-head bound with the AR transformer's error, as [A·S + b]. *)
  Lemma scale_step (S : R) :
    fh_bound_cond Wb beta E s d Lf T eps B (Ll ^ L * (S + INR L * c_delta Wb s d eps B))
    = sc_gain * S + sc_err.
  Proof. unfold fh_bound_cond, sc_gain, sc_err, sc_amp. fold Ll. ring. Qed.
End bound.

Lemma sc_amp_ge1 Wb beta E s d Lf T :
  0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E -> (0 < T)%nat -> 1 <= sc_amp Wb beta E s d Lf T.
Proof.
  intros HW Hs Hb HE HT. unfold sc_amp, fh_Lv. apply pow_R1_Rle.
  pose proof (c_layer_ge1 Wb beta E s d HW Hs Hb HE) as HL.
  assert (1 <= c_layer Wb beta E s d ^ Lf) by (apply pow_R1_Rle; lra).
  assert (0 < INR T) by (apply lt_0_INR, HT).
  assert (0 <= Wb * c_layer Wb beta E s d ^ Lf * Wb / INR T).
  { unfold Rdiv. apply Rmult_le_pos; [|apply Rlt_le, Rinv_0_lt_compat; lra].
    apply Rmult_le_pos; [|lra]. apply Rmult_le_pos; lra. }
  lra.
Qed.

Lemma sc_gain_nonneg Wb beta E s d L Lf T :
  0 <= Wb -> 0 < s -> 0 <= beta -> 0 <= E -> (0 < T)%nat -> 0 <= sc_gain Wb beta E s d L Lf T.
Proof.
  intros HW Hs Hb HE HT. unfold sc_gain. pose proof (sc_amp_ge1 Wb beta E s d Lf T HW Hs Hb HE HT).
  pose proof (c_layer_ge1 Wb beta E s d HW Hs Hb HE) as HL.
  assert (0 <= c_layer Wb beta E s d ^ Lf) by (apply pow_le; lra).
  assert (0 <= c_layer Wb beta E s d ^ L) by (apply pow_le; lra).
  apply Rmult_le_pos; [apply Rmult_le_pos; [lra|apply Rmult_le_pos; lra]|lra].
Qed.

(** ** The induction over the scales *)

Fixpoint sig_bound (A b Wu : R) (i : nat) : R :=
  match i with O => 0 | S i' => sig_bound A b Wu i' + Wu * (A * sig_bound A b Wu i' + b) end.

Lemma sig_bound_closed A b Wu i : A * sig_bound A b Wu i + b = (1 + Wu * A) ^ i * b.
Proof.
  induction i as [|i IH]; cbn [sig_bound pow]; [ring|].
  transitivity ((1 + Wu * A) * (A * sig_bound A b Wu i + b)); [ring|]. rewrite IH. ring.
Qed.

Lemma scales_induction (e S : nat -> R) (A b Wu : R) (k : nat) :
  0 <= A -> 0 <= Wu -> S O = 0 -> (forall i, 0 <= e i) -> (forall i, 0 <= S i) ->
  (forall i, (i < k)%nat -> e i <= A * S i + b /\ S (Datatypes.S i) <= Rmax (S i) (Wu * e i)) ->
  forall i, (i < k)%nat -> e i <= (1 + Wu * A) ^ i * b.
Proof.
  intros HA HWu HS0 He HS H.
  assert (Hsig : forall i, (i <= k)%nat -> S i <= sig_bound A b Wu i).
  { induction i as [|i IH]; intros Hi; cbn [sig_bound]; [rewrite HS0; lra|].
    destruct (H i ltac:(lia)) as [Hei HSi]. specialize (IH ltac:(lia)).
    pose proof (He i). pose proof (HS i).
    assert (0 <= Wu * e i) by (apply Rmult_le_pos; assumption).
    assert (Rmax (S i) (Wu * e i) <= S i + Wu * e i) by (apply Rmax_lub; lra).
    assert (Wu * e i <= Wu * (A * sig_bound A b Wu i + b)).
    { apply Rmult_le_compat_l; [exact HWu|]. pose proof (Rmult_le_compat_l A _ _ HA IH). lra. }
    lra. }
  intros i Hi. rewrite <- sig_bound_closed. destruct (H i Hi) as [Hei _].
  pose proof (Rmult_le_compat_l A _ _ HA (Hsig i ltac:(lia))). lra.
Qed.

(** ** The hypotheses and the theorem *)

Definition flowar_beta (cfg : FlowAR.Config) (B : R) : R :=
  head_beta (Layer.ldh (FlowAR.LD cfg)) (rscale (FlowAR.LD cfg)) B.

(** The explicit bound of [fast_flowar_error]. *)
Definition flowar_err_bound (cfg : FlowAR.Config) (g : nat) (B s Wb : R) : R :=
  let beta := flowar_beta cfg B in
  pipe_bound Wb beta (exp (2 * beta)) s (FlowAR.dm cfg) (FlowAR.L cfg) (FlowAR.Lf cfg) (FlowAR.T cfg)
    (eps_T g beta) B (upn (FlowAR.a cfg)) (FlowAR.K cfg - 1).

Section pipeline.
  Context (cfg : FlowAR.Config) (G : list R) (g : nat) (B s Wb : R).
  Let D := FlowAR.LD cfg. Let c := FlowAR.ch cfg. Let d := FlowAR.dm cfg.
  (** The outputs of all scales of the exact and of the fast run. *)
  Let Ye := routs cfg G exp (FlowAR.K cfg).
  Let Yf := routs cfg G (taylor_exp g) (FlowAR.K cfg).

  (** The hypotheses at scale [i], about the sequences [rseq] the two runs actually build. *)
  Definition scale_hyps (i : nat) : Prop :=
    let N := FlowAR.ntok cfg i in let M := FlowAR.tok cfg i in
    tf_weights_ok D G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) N (FlowAR.L cfg) g B s Wb
    /\ tf_ok D G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) N (FlowAR.L cfg) g B s (taylor_exp g)
         (rseq cfg G Yf i)
    /\ tf_ok D G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) N (FlowAR.L cfg) g B s exp (rseq cfg G Ye i)
    /\ fh_weights_ok (FlowAR.FD cfg) G (FlowAR.off_fh cfg) M (FlowAR.T cfg) g B s Wb
    /\ flow_acts_ok_cond (FlowAR.FD cfg) G (FlowAR.off_fh cfg) M (FlowAR.T cfg)
         (rcond cfg G exp Ye i) (rcond cfg G (taylor_exp g) Yf i) g B s (rnoise cfg G i).

  Definition pipe_hyps : Prop :=
    (1 <= FlowAR.K cfg)%nat /\ (0 < FlowAR.a cfg)%nat
    /\ wnorm c d (rdR G (FlowAR.off_embW cfg) c d) <= Wb
    /\ forall i, (i < FlowAR.K cfg)%nat -> scale_hyps i.

  Hypothesis Hh : pipe_hyps.

  Let beta := flowar_beta cfg B.
  Let E := exp (2 * beta).
  Let eps := eps_T g beta.
  Let A := sc_gain Wb beta E s d (FlowAR.L cfg) (FlowAR.Lf cfg) (FlowAR.T cfg).
  Let b := sc_err Wb beta E s d (FlowAR.L cfg) (FlowAR.Lf cfg) (FlowAR.T cfg) eps B.
  Let Wu := Wb * upn (FlowAR.a cfg).

  (** The output error and the input-sequence error of scale [i]. *)
  Let err i := dinf (FlowAR.tok cfg i) c (nth i Yf rzero) (nth i Ye rzero).
  Let serr i := dinf (FlowAR.ntok cfg i) d (rseq cfg G Yf i) (rseq cfg G Ye i).

  Lemma scale_out_error i : (i < FlowAR.K cfg)%nat -> err i <= A * serr i + b.
  Proof.
    intros Hi. destruct Hh as (_ & _ & _ & Hs). destruct (Hs i Hi) as (HwA & HF & HE & HwF & Hacts).
    unfold err, Yf, Ye. rewrite !routs_scale by exact Hi. fold Ye Yf.
    unfold rscale_out, rcond, rtf_at.
    pose proof (fast_scale_error D (FlowAR.FD cfg) G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i)
                  (FlowAR.ntok cfg i) (FlowAR.L cfg) (FlowAR.off_fh cfg) (FlowAR.tok cfg i) (FlowAR.T cfg)
                  (FlowAR.ntok cfg i - FlowAR.tok cfg i) g B s Wb (rseq cfg G Ye i) (rseq cfg G Yf i)
                  (rnoise cfg G i) eq_refl ltac:(pose proof (FlowAR.tok_le_ntok cfg i); lia)
                  HwA HF HE HwF Hacts) as H.
    cbv zeta in H. unfold rflow_fast, rflow_exact in H. cbn [FlowAR.FD FlowHead.fhLD FlowHead.fhLf FlowHead.fhc] in H.
    eapply Rle_trans; [exact H|]. fold D. fold d.
    change (head_beta (Layer.ldh D) (rscale D) B) with beta. fold E eps.
    rewrite scale_step. unfold A, b. right. reflexivity.
  Qed.

  Lemma seq_step_error i :
    serr (S i) <= Rmax (serr i) (Wu * err i).
  Proof.
    destruct Hh as (_ & Ha & HW & _). unfold serr. cbn [rseq]. rewrite FlowAR.ntok_S.
    eapply Rle_trans; [apply rvcat_dinf|]. apply Rmax_lub; [apply Rmax_l|].
    eapply Rle_trans; [|apply Rmax_r]. apply rembed_lip; assumption.
  Qed.

  Theorem fast_flowar_error_at i : (i < FlowAR.K cfg)%nat -> err i <= (1 + Wu * A) ^ i * b.
  Proof.
    assert (HA : 0 <= A).
    { destruct Hh as (HK & _ & _ & Hs). destruct (Hs O ltac:(lia)) as (_ & _ & _ & HwF & _).
      destruct HwF as (_ & _ & _ & HWb & Hs0 & HB & Hsc & HT & _).
      apply sc_gain_nonneg; try assumption.
      - apply head_beta_nonneg, Hsc.
      - apply Rlt_le, exp_pos. }
    assert (HWu : 0 <= Wu).
    { destruct Hh as (_ & _ & HW & _). unfold Wu. apply Rmult_le_pos; [|apply upn_nonneg].
      eapply Rle_trans; [apply rmax_nonneg|exact HW]. }
    apply (scales_induction err serr A b Wu (FlowAR.K cfg) HA HWu).
    - unfold serr. apply dinf_self.
    - intros. apply dinf_nonneg.
    - intros. apply dinf_nonneg.
    - intros j Hj. split; [apply scale_out_error, Hj|apply seq_step_error].
  Qed.
End pipeline.

(** The whole pipeline: the output of the last scale. *)
Theorem fast_flowar_error (cfg : FlowAR.Config) (G : list R) (g : nat) (B s Wb : R) :
  pipe_hyps cfg G g B s Wb ->
  dinf (FlowAR.tok cfg (FlowAR.K cfg - 1)) (FlowAR.ch cfg) (rflowar_fast g cfg G) (rflowar_exact cfg G)
  <= flowar_err_bound cfg g B s Wb.
Proof.
  intros Hh. pose proof Hh as (HK & _).
  apply (fast_flowar_error_at cfg G g B s Wb Hh (FlowAR.K cfg - 1)). lia.
Qed.
