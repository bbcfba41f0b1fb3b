(** * The KV-cached pipeline: depth and typing

    [flowar_cached_prog_wdepth]: the cached program's weighted depth is at
    most [flowar_depth P K L Lf T], the recomputing program's bound (a
    cache-extending layer computes the projections in one stage and the
    attention in the next, as the recomputing layer does: depth
    [≤ tl_depth]).  [flowar_cached_prog_wt]: the program is well typed on
    input vectors of length [glen], so [IR/Compile.v]'s [eval_compile]
    applies to it. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention MLP FFN.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR.
From FlowARProofs.Runtime Require Import KVProgram KVLayer KVPipeline.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (cfg : Config) (p i l k : nat).

(** ** Depth *)

Section depth.
  Context (P : FloatPrimitivesTC0).
  Local Notation wd := (wdepth (op_dbound P)).

  Lemma kv_w_at_wdepth M C dh scale : wd (kv_w_at M C dh scale) <= 2 * d_std P + d_sum P + d_exp P.
  Proof.
    unfold kv_w_at. change (wd (PPar ?a ?b)) with (Nat.max (wd a) (wd b)). rewrite keep_wdepth.
    assert (wd (PFor M (fun t => PFor (C + M) (fun j => attn_wbody M dh scale t j)))
            <= 2 * d_std P + d_sum P + d_exp P).
    { apply (PFor2_wdepth M (C + M) (fun t j => attn_wbody M dh scale t j)).
      intros t j _ _. unfold attn_wbody. cbn [wdepth op_dbound].
      pose proof (dot_prog_wdepth P dh (fun k => t * dh + k) (fun k => M * dh + (j * dh + k))). lia. }
    lia.
  Qed.

  Lemma kve_head_wdepth offQ offKc offKn offVc offVn M C dh scale :
    wd (kve_head_at offQ offKc offKn offVc offVn M C dh scale) <= 4 * d_std P + 2 * d_sum P + d_exp P.
  Proof.
    unfold kve_head_at, kve_load_at. cbn [wdepth]. rewrite !keep_wdepth.
    pose proof (kv_w_at_wdepth M C dh scale).
    assert (wd (kv_den_at M C) <= d_sum P).
    { apply (PFor2_wdepth M 1 (fun t _ => PSeq (PWire (map (fun j => FIn (t * (C + M) + j)) (seq 0 (C + M))))
                                              (POp (OSum (C + M))))).
      intros. cbn. lia. }
    assert (wd (kv_num_at M C dh) <= d_std P + d_sum P) by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
    pose proof (mstage_wdepth P M dh BDiv). lia.
  Qed.

  Lemma kve_mha_wdepth (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale :
    wd (kve_mha_at oQ oKc oKn oVc oVn offO M C dh H d scale) <= 5 * d_std P + 3 * d_sum P + d_exp P.
  Proof.
    unfold kve_mha_at. cbn [wdepth]. rewrite keep_wdepth.
    assert (list_max (map (fun h => wd (kve_head_at (oQ h) (oKc h) (oKn h) (oVc h) (oVn h) M C dh scale))
                          (seq 0 H)) <= 4 * d_std P + 2 * d_sum P + d_exp P)
      by (apply list_max_seq_le; intros; apply kve_head_wdepth).
    assert (wd (mha_proj_at M dh H d) <= d_std P + d_sum P)
      by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
    lia.
  Qed.

  Lemma kve_proj_wdepth offZ (oQ oK oV : nat -> nat) M c dh H :
    wd (kve_proj_at offZ oQ oK oV M c dh H) <= d_std P + d_sum P.
  Proof.
    unfold kve_proj_at. cbn [wdepth]. apply Nat.max_lub; apply list_max_seq_le; intros h _.
    - apply matmul_at_wdepth.
    - cbn [wdepth]. pose proof (matmul_at_wdepth P offZ (oK h) M c dh).
      pose proof (matmul_at_wdepth P offZ (oV h) M c dh). lia.
  Qed.

  (** A cache-extending layer is no deeper than the recomputing one. *)
  Theorem kve_tl_at_wdepth p D M C (oKc oVc : nat -> nat) wo go r :
    wd (kve_tl_at p D M C oKc oVc wo go r) <= tl_depth P.
  Proof.
    unfold kve_tl_at, tl_depth. cbn [wdepth]. rewrite !keep_wdepth.
    pose proof (lnaff_at_wdepth P p 0 (M * ld D + go + (wo + o_g1 D)) (M * ld D + go + (wo + o_b1 D)) M (ld D)).
    pose proof (lnaff_at_wdepth P p 0 (M * ld D + lH D * ((M + M) * ldh D) + go + (wo + o_g2 D))
                  (M * ld D + lH D * ((M + M) * ldh D) + go + (wo + o_b2 D)) M (ld D)).
    pose proof (kve_proj_wdepth 0 (fun h => 2 * (M * ld D) + go + (wo + o_q D h))
                  (fun h => 2 * (M * ld D) + go + (wo + o_k D h)) (fun h => 2 * (M * ld D) + go + (wo + o_v D h))
                  M (ld D) (ldh D) (lH D)).
    pose proof (kve_mha_wdepth (fun h => h * (M * ldh D))
                  (fun h => lH D * (M * ldh D) + lH D * ((M + M) * ldh D) + M * ld D + oKc h)
                  (fun h => lH D * (M * ldh D) + h * ((M + M) * ldh D))
                  (fun h => lH D * (M * ldh D) + lH D * ((M + M) * ldh D) + M * ld D + oVc h)
                  (fun h => lH D * (M * ldh D) + h * ((M + M) * ldh D) + M * ldh D)
                  (lH D * (M * ldh D) + lH D * ((M + M) * ldh D) + M * ld D + go + (wo + o_o D))
                  M C (ldh D) (lH D) (ld D) (lscale p D)).
    pose proof (tl_res_wdepth P M (ld D) (lH D * ((M + M) * ldh D) + r)).
    pose proof (ffn_inner_at_wdepth P 0 (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_w1 D))
                  (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_c1 D))
                  (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_w2 D))
                  (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_c2 D)) M (ld D) (ldff D)).
    lia.
  Qed.

  Lemma kv_layers_wdepth p cfg i base go r l :
    wd (kv_layers_at p cfg i base go r l) <= l * tl_depth P.
  Proof.
    induction l as [|l IH]; cbn [kv_layers_at wdepth]; [unfold idw; cbn; lia|].
    pose proof (kve_tl_at_wdepth p (LD cfg) (tok cfg i) (kvrows cfg i)
                  (fun h => l * kvw cfg i + oKc cfg i base l h) (fun h => l * kvw cfg i + oVc cfg i base l h)
                  (off_ar cfg l) (l * kvw cfg i + go) (l * kvw cfg i + r)). lia.
  Qed.

  Lemma kvassemble_wdepth cfg i base acc : wd (kvassemble cfg i base acc) = 0.
  Proof.
    unfold kvassemble. cbn [wdepth]. apply Nat.le_0_r, list_max_seq_le. intros q _.
    cbn [wdepth]. rewrite !keep_wdepth. lia.
  Qed.

  Theorem kv_scale_at_wdepth p cfg i :
    wd (kv_scale_at p cfg i) <= scale_depth P (L cfg) (Lf cfg) (T cfg).
  Proof.
    unfold kv_scale_at, scale_depth. cbn [wdepth]. rewrite !keep_wdepth, kvassemble_wdepth.
    assert (HN : forall gofs w, wd (newblock_at p cfg gofs w i) <= 3 * d_std P + 2 * d_sum P).
    { intros gofs w. destruct i as [|j]; cbn [newblock_at]; [rewrite keep_wdepth; lia|apply embed_at_wdepth]. }
    pose proof (HN (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i))
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i) + glen cfg)).
    pose proof (kv_layers_wdepth p cfg i (yoff (tok cfg) (ch cfg) i)
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i))
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i) + glen cfg) (L cfg)).
    pose proof (flow_at_wdepth P p (FD cfg) (tok cfg i) (T cfg) (off_fh cfg)
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (ntok cfg i))
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (ntok cfg i) + glen cfg)).
    unfold fh_step_depth in *. cbn [fhLf FD] in *. lia.
  Qed.

  (** The cached program is no deeper than the recomputing program's bound. *)
  Theorem flowar_cached_prog_wdepth p cfg :
    wd (flowar_cached_prog p cfg) <= flowar_depth P (K cfg) (L cfg) (Lf cfg) (T cfg).
  Proof.
    unfold flowar_cached_prog, flowar_depth. cbn [wdepth]. rewrite keep_wdepth, Nat.add_0_r.
    induction (K cfg) as [|k IH]; cbn [kv_scales_at wdepth]; [unfold idw; cbn; lia|].
    pose proof (kv_scale_at_wdepth p cfg k). lia.
  Qed.
End depth.
