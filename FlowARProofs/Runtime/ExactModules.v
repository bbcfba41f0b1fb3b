(** * Exact work of every module, for any price of the primitives

    [wwork wt e] ([IR/Work.v]) sums a node weight [wt : op -> nat] over a
    program.  For every module of [Modules/] this file gives [wwork wt] of
    its program as an exact expression in its dimensions and the weights of
    the few operations it uses ([wt (OBin BMul)], [wt (OSum m)], …).  With
    [wt = op_work] this is the module's [work]; with [wt = op_cost cm] its
    cost under a price per kind [cm]; with [wt = op_cost (kind_cost k)] the
    number of operations of kind [k] ([work_by_kind]).  The closed forms of
    the layer, the flow head and the pipeline ([Runtime/ExactLayer.v],
    [Runtime/Exact.v]) are compositions of these lemmas, one per stage.

    Sums over a key mask [lim] stay sums ([Σ_{i<N} wt (OSum (lim i))]):
    they become closed forms once the cost model and the mask are fixed. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon Common LayerNorm Attention MLP FFN Sampling
  FlowMatching.
Import ListNotations.
Set Default Goal Selector "!".

Section wwork_modules.
  Context (wt : op -> nat).
  Implicit Types (p N c d r m : nat).

  Local Notation wA := (wt (OBin BAdd)).
  Local Notation wS := (wt (OBin BSub)).
  Local Notation wM := (wt (OBin BMul)).
  Local Notation wD := (wt (OBin BDiv)).

  (** ** Combinators *)

  Lemma ww_PSeq a b : wwork wt (PSeq a b) = wwork wt a + wwork wt b.
  Proof. reflexivity. Qed.

  Lemma ww_PPar a b : wwork wt (PPar a b) = wwork wt a + wwork wt b.
  Proof. reflexivity. Qed.

  Lemma ww_PFor_const k (body : nat -> prog) v :
    (forall i, i < k -> wwork wt (body i) = v) -> wwork wt (PFor k body) = k * v.
  Proof. intros H. cbn [wwork]. apply list_sum_seq_const. exact H. Qed.

  Lemma ww_PFor2 r c (body : nat -> nat -> prog) v :
    (forall i j, i < r -> j < c -> wwork wt (body i j) = v) ->
    wwork wt (PFor r (fun i => PFor c (body i))) = r * (c * v).
  Proof.
    intros H. apply ww_PFor_const. intros i Hi. apply ww_PFor_const. intros j Hj. auto.
  Qed.

  (** Rows of different work. *)
  Lemma ww_PFor2_rows r c (body : nat -> nat -> prog) (v : nat -> nat) :
    (forall i j, i < r -> j < c -> wwork wt (body i j) = v i) ->
    wwork wt (PFor r (fun i => PFor c (body i))) = c * list_sum (map v (seq 0 r)).
  Proof.
    intros H. cbn [wwork]. rewrite <- list_sum_map_mul_l. f_equal. apply map_ext_in.
    intros i Hi. apply in_seq in Hi. apply list_sum_seq_const. intros j Hj. apply H; lia.
  Qed.

  Lemma ww_keep a g : wwork wt (keep a g) = 0.
  Proof. reflexivity. Qed.

  Lemma ww_idw w : wwork wt (idw w) = 0.
  Proof. reflexivity. Qed.

  Lemma ww_gather segs : wwork wt (gather segs) = 0.
  Proof. reflexivity. Qed.

  Lemma ww_stage a g e : wwork wt (stage a g e) = wwork wt e.
  Proof. cbn. lia. Qed.

  Lemma ww_iter w k (body : nat -> prog) :
    wwork wt (iter w k body) = list_sum (map (fun i => wwork wt (body i)) (seq 0 k)).
  Proof.
    induction k as [|k IH]; cbn [iter wwork]; [reflexivity|].
    rewrite IH, seq_S, map_app, list_sum_app. cbn. lia.
  Qed.

  Lemma ww_iter_const w k (body : nat -> prog) v :
    (forall i, i < k -> wwork wt (body i) = v) -> wwork wt (iter w k body) = k * v.
  Proof. intros H. rewrite ww_iter. apply list_sum_seq_const. exact H. Qed.

  (** ** Building blocks *)

  Lemma ww_dotg m (u v : nat -> fsrc) : wwork wt (dotg_prog m u v) = m * wM + wt (OSum m).
  Proof.
    unfold dotg_prog. cbn [wwork]. rewrite (list_sum_seq_const _ m wM); [lia|].
    intros. cbn. lia.
  Qed.

  Lemma ww_dot m (u v : nat -> nat) : wwork wt (dot_prog m u v) = m * wM + wt (OSum m).
  Proof. apply ww_dotg. Qed.

  Lemma ww_ew r c o srcs : wwork wt (ew_prog r c o srcs) = r * (c * wt o).
  Proof. apply ww_PFor2. intros. cbn. lia. Qed.

  Lemma ww_mstage N c b : wwork wt (mstage N c b) = N * (c * wt (OBin b)).
  Proof. apply ww_ew. Qed.

  Lemma ww_matmul offA offB n1 n2 n3 :
    wwork wt (matmul_at offA offB n1 n2 n3) = n1 * (n3 * (n2 * wM + wt (OSum n2))).
  Proof. apply ww_PFor2. intros. apply ww_dot. Qed.

  (** ** MLP, sampling *)

  Lemma ww_mlp offX offW offb N c d :
    wwork wt (mlp_at offX offW offb N c d) = N * (d * (c * wM + wt (OSum c) + wA)).
  Proof.
    apply ww_PFor2. intros. unfold mlp_body. cbn [wwork]. rewrite ww_dot. cbn. lia.
  Qed.

  Lemma ww_linmap offX c m coef src Nout :
    wwork wt (linmap_at offX c m coef src Nout) = Nout * (c * (m * wM + wt (OSum m))).
  Proof. apply ww_PFor2. intros. apply ww_dotg. Qed.

  Lemma ww_up p offX r h w c :
    wwork wt (up_at p offX r h w c) = r * h * (r * w) * (c * (16 * wM + wt (OSum 16))).
  Proof. apply ww_linmap. Qed.

  (** ** LayerNorm *)

  Lemma ww_ln p offX N c :
    wwork wt (ln_at p offX N c)
    = N * (2 * wt (OSum c) + c * wS + c * wM + (c + 2) * wD + wt OSqrt).
  Proof.
    unfold ln_at, ln_rowsum_at, vstage, ln_sqsum, ln_sqdot. rewrite ?ww_PSeq, ?ww_PPar.
    rewrite !ww_mstage, !ww_ew, !ww_keep.
    rewrite (ww_PFor2 N 1 _ (c * wM + wt (OSum c))) by (intros; apply ww_dot). nia.
  Qed.

  Lemma ww_lnaff p offX offG offB N c :
    wwork wt (lnaff_at p offX offG offB N c)
    = N * (2 * wt (OSum c) + c * wS + c * wM + (c + 2) * wD + wt OSqrt) + N * (c * wM)
      + N * (c * wA).
  Proof. unfold lnaff_at. rewrite ?ww_PSeq, ?ww_PPar, ww_ln, !ww_ew, !ww_keep. lia. Qed.

  (** ** FFN *)

  (** The FFN without its residual ([ffn_inner_at], what the pre-norm layer
      adds to its residual stream). *)
  Lemma ww_ffn_inner offX offW1 offb1 offW2 offb2 N d dff :
    wwork wt (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff)
    = N * (dff * (d * wM + wt (OSum d) + wA)) + N * (dff * wt OMax)
      + N * (d * (dff * wM + wt (OSum dff) + wA)).
  Proof.
    unfold ffn_inner_at, ffn_stageA, ffn_stageB, ffn_stageC, relu_at.
    rewrite ?ww_PSeq, ?ww_PPar, !ww_stage, !ww_mlp, !ww_ew, ww_gather. lia.
  Qed.

  (** The paper's FFN with its residual: one more addition per entry. *)
  Lemma ww_ffn offX offW1 offb1 offW2 offb2 N d dff :
    wwork wt (ffn_at offX offW1 offb1 offW2 offb2 N d dff)
    = N * (dff * (d * wM + wt (OSum d) + wA)) + N * (dff * wt OMax)
      + N * (d * (dff * wM + wt (OSum dff) + wA)) + N * (d * wA).
  Proof.
    unfold ffn_at, add_at. rewrite ?ww_PSeq, ?ww_PPar, ww_ffn_inner, ww_keep, ww_ew. lia.
  Qed.

  (** ** Attention *)

  Lemma ww_attn_qkv offX offQ offK offV N c dh :
    wwork wt (attn_qkv_at offX offQ offK offV N c dh) = 3 * (N * (dh * (c * wM + wt (OSum c)))).
  Proof. unfold attn_qkv_at. rewrite ?ww_PSeq, ?ww_PPar, !ww_matmul. lia. Qed.

  Lemma ww_attn_wbody N dh scale i j :
    wwork wt (attn_wbody N dh scale i j) = dh * wM + wt (OSum dh) + wM + wt OExp.
  Proof. unfold attn_wbody. cbn [wwork]. rewrite ww_dot. lia. Qed.

  Lemma ww_mfor r c lim (bd : nat -> nat -> prog) z v :
    (forall i, i < r -> lim i <= c) -> (forall i j, i < r -> j < lim i -> wwork wt (bd i j) = v) ->
    wwork wt (mfor r c lim bd z) = v * list_sum (map lim (seq 0 r)).
  Proof.
    intros Hlim Hb. unfold mfor. cbn [wwork].
    rewrite <- list_sum_map_mul_l. f_equal. apply map_ext_in. intros i Hi.
    apply in_seq in Hi. rewrite (list_sum_seq_mask _ c (lim i) v 0); [lia|apply Hlim; lia|..].
    - intros j Hj. destruct (Nat.ltb_spec j (lim i)); [apply Hb; lia|lia].
    - intros j Hj. destruct (Nat.ltb_spec j (lim i)); [lia|reflexivity].
  Qed.

  (** The part of attention that is quadratic in the tokens: scores, exp,
      row sums, [A·V], normalisation; [S = Σ_i lim i]. *)
  Definition attn_core_ww N dh (lim : nat -> nat) : nat :=
    (dh * wM + wt (OSum dh) + wM + wt OExp) * list_sum (map lim (seq 0 N))
    + list_sum (map (fun i => wt (OSum (lim i))) (seq 0 N))
    + dh * list_sum (map (fun i => lim i * wM + wt (OSum (lim i))) (seq 0 N))
    + N * (dh * wD).

  Lemma ww_attn offX offQ offK offV N c dh scale lim :
    (forall i, i < N -> lim i <= N) ->
    wwork wt (attn_at offX offQ offK offV N c dh scale lim)
    = 3 * (N * (dh * (c * wM + wt (OSum c)))) + attn_core_ww N dh lim.
  Proof.
    intros Hlim. unfold attn_at, attn_w_at, attn_den_at, attn_num_at, attn_core_ww.
    rewrite ?ww_PSeq, ?ww_PPar, ww_attn_qkv, ww_keep, ww_mstage.
    rewrite (ww_mfor N N lim _ fzero (dh * wM + wt (OSum dh) + wM + wt OExp) Hlim)
      by (intros; apply ww_attn_wbody).
    rewrite (ww_PFor2_rows N 1 _ (fun i => wt (OSum (lim i)))) by (intros; cbn; lia).
    rewrite (ww_PFor2_rows N dh _ (fun i => lim i * wM + wt (OSum (lim i))))
      by (intros; apply ww_dot).
    lia.
  Qed.

  Lemma ww_mha offX (oQ oK oV : nat -> nat) offO N c dh H d scale lim :
    (forall i, i < N -> lim i <= N) ->
    wwork wt (mha_at offX oQ oK oV offO N c dh H d scale lim)
    = H * (3 * (N * (dh * (c * wM + wt (OSum c)))) + attn_core_ww N dh lim)
      + N * (d * (H * dh * wM + wt (OSum (H * dh)))).
  Proof.
    intros Hlim. unfold mha_at, mha_proj_at. rewrite ?ww_PSeq, ?ww_PPar, ww_keep.
    rewrite (ww_PFor_const H _ _ (fun _ _ => ww_attn _ _ _ _ _ _ _ _ _ Hlim)).
    rewrite (ww_PFor2 N d _ (H * dh * wM + wt (OSum (H * dh)))) by (intros; apply ww_dot).
    lia.
  Qed.

  (** ** Flow matching *)

  Lemma ww_xpby r c x a b : wwork wt (xpby_at r c x a b) = r * (c * wM) + r * (c * wA).
  Proof.
    unfold xpby_at. rewrite ?ww_PSeq, ?ww_PPar, !ww_ew.
    rewrite (ww_PFor2 r c _ 0) by reflexivity. lia.
  Qed.

  Lemma ww_euler dt offF offV r c : wwork wt (euler_at dt offF offV r c) = r * (c * wM) + r * (c * wA).
  Proof. apply ww_xpby. Qed.
End wwork_modules.

(** Sanity: with [wt = op_work] the weighted work is the module's [work]
    (here the MLP lemma of [Modules/MLP.v]). *)
Example ww_mlp_work offX offW offb N c d :
  wwork op_work (mlp_at offX offW offb N c d) = work (mlp_at offX offW offb N c d).
Proof. apply wwork_work. Qed.
