(** * The KV-cached AR stage: what is proved, and its cost

    The released FlowAR runs, at scale [i], only the [tok i] new queries of
    the last block against the [ntok i] keys and values of all blocks so
    far, keeping the keys and values of earlier blocks in a cache; our
    [flowar_prog] recomputes the AR transformer over all [ntok i] tokens.

    Proved here:
    - [lim_at_last]: a token of the newest block sees all [ntok i] keys;
    - [frattn]/[frmha]: attention of [M] queries against [N] keys (the
      cached form), and [fmha_rows_kv]: on the rows of the newest block, the
      recomputing block-causal multi-head attention equals the cached form
      applied to those rows — one layer's attention needs nothing of the
      other rows but their keys and values;
    - [flowar_cached_cost]: the cost of the cached variant, composed from the
      same module closed forms as [Runtime/Exact.v] (per scale: embedding
      of the newest block only; [L] layers on [tok i] rows whose attention
      has [tok i · ntok i] visible pairs; the flow head unchanged), and
      [flowar_cached_cost_theta]: it is [Θ(n⁴)] with the constants of
      [flowar_work_theta].

    With [Runtime/KVPrefix.v] ([ar_prefix], [kv_cache_keys]: the keys and
    values of older blocks are the same at every later scale) this is the
    semantic argument that the cache is exact.  [Runtime/KVProgram.v] builds
    the cached layer and the cached AR stage as programs (cache as input),
    proves them correct and that their cost is [kv_layer_cost] /
    [L · kv_layer_cost].  The whole cached pipeline as one program (the
    cache carried from scale to scale) is [Runtime/KVPipeline.v]'s
    [flowar_cached_prog]; [Runtime/KVPipelineCost.v]'s [flowar_cached_work]
    says [flowar_cached_cost] is exactly its work. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block MatMul.
From FlowARProofs.Modules Require Import Attention.
From FlowARProofs.Pipeline Require Import Layer FlowHead FlowAR.
From FlowARProofs.Runtime Require Import ExactCost ExactLayer Exact ExactTheta.
Import ListNotations.
Set Default Goal Selector "!".

Local Notation n := N.of_nat.

Implicit Types (P : FloatPrimitivesTC0) (X Xq WQ WK WV WO : mat) (p c dh H N M : nat) (scale : flt).

(** ** The newest block sees every key *)

Lemma lim_at_last cfg i t : ntok cfg i - tok cfg i <= t -> lim_at cfg i t = ntok cfg i.
Proof.
  intros Ht. unfold lim_at. rewrite (seq_S i), map_app. cbn [map]. rewrite bc_lim_snoc.
  assert (E : ntok cfg i = list_sum (map (tok cfg) (seq 0 i)) + tok cfg (0 + i)).
  { unfold ntok. rewrite (seq_S i), map_app, list_sum_app. cbn [map list_sum fold_right]. lia. }
  replace (0 + i) with i in * by lia.
  destruct (Nat.ltb_spec t (list_sum (map (tok cfg) (seq 0 i)))); lia.
Qed.

(** ** Attention of [M] queries against [N] cached keys and values *)

Definition frattn P p c dh scale N Xq X WQ WK WV : mat :=
  fun t l =>
    let w j := fexp P p (fmul p scale (fdot p dh (fmatmul p c Xq WQ t) (fmatmul p c X WK j))) in
    fdiv p (fdot p N w (fun j => fmatmul p c X WV j l)) (fsum p (map w (seq 0 N))).

Definition frmha P p c dh H scale N Xq X (WQs WKs WVs : nat -> mat) WO : mat :=
  fmatmul p (H * dh) (fconcat dh (fun h => frattn P p c dh scale N Xq X (WQs h) (WKs h) (WVs h))) WO.

(** Row [off + t] of masked attention, when it sees [N] keys, is row [t] of
    the cached form on the queries [X (off + ·)]. *)
Lemma fattn_rows_kv P p c dh scale lim X WQ WK WV off N t l :
  lim (off + t) = N ->
  fattn P p c dh scale lim X WQ WK WV (off + t) l
  = frattn P p c dh scale N (fun t k => X (off + t) k) X WQ WK WV t l.
Proof. intros HN. unfold fattn, frattn, fattw, fscore. rewrite HN. reflexivity. Qed.

Lemma fmha_rows_kv P p c dh H scale lim X (WQs WKs WVs : nat -> mat) WO off N t j :
  lim (off + t) = N ->
  fmha P p c dh H scale lim X WQs WKs WVs WO (off + t) j
  = frmha P p c dh H scale N (fun t k => X (off + t) k) X WQs WKs WVs WO t j.
Proof.
  intros HN. unfold fmha, frmha, fmatmul, fdot, fconcat. f_equal. apply map_ext. intros k.
  rewrite (fattn_rows_kv _ _ _ _ _ _ _ _ _ _ _ N) by exact HN. reflexivity.
Qed.

(** At scale [i] of FlowAR, every row of the newest block. *)
Corollary ar_attention_rows_kv P p cfg i X (WQs WKs WVs : nat -> mat) WO t j :
  t < tok cfg i ->
  let off := ntok cfg i - tok cfg i in
  fmha P p (dm cfg) (ldh (LD cfg)) (lH (LD cfg)) (lscale p (LD cfg)) (lim_at cfg i) X WQs WKs WVs WO
       (off + t) j
  = frmha P p (dm cfg) (ldh (LD cfg)) (lH (LD cfg)) (lscale p (LD cfg)) (ntok cfg i)
          (fun t k => X (off + t) k) X WQs WKs WVs WO t j.
Proof. intros Ht off. apply fmha_rows_kv, lim_at_last. lia. Qed.

(** ** The cost of the cached variant *)

Local Open Scope N_scope.

Section cached.
  Context (cm : kind -> nat).

  (** A layer on [x] new rows with [Nk] keys: projections of the new rows
      only, [x·Nk] visible pairs. *)
  Definition kv_layer_cost (D : LDims) (x Nk : N) : N :=
    let d := n (ld D) in let dh := n (ldh D) in let H := n (lH D) in let dff := n (ldff D) in
    lnaff_cost cm x d + (H * (qkv_cost cm x d dh + core_cost cm x (x * Nk) dh) + x * d * dot_cost cm (H * dh))
    + x * d * cA cm + lnaff_cost cm x d + ffn_inner_cost cm x d dff + x * d * cA cm.

  Lemma kv_layer_split D x Nk :
    kv_layer_cost D x Nk = layer_lin cm D x + n (lH D) * core_cost cm x (x * Nk) (n (ldh D)).
  Proof. unfold kv_layer_cost, layer_lin. ring. Qed.

  Context (cfg : Config).

  (** Scale [i] embeds only its own block (for [i ≥ 1], the output of scale [i − 1]). *)
  Definition new_block_cost i : N := match i with 0%nat => 0 | S j => embed_cost cm cfg j end.

  Definition cached_scale_cost i : N :=
    new_block_cost i + n (L cfg) * kv_layer_cost (LD cfg) (tokN cfg i) (ntokN cfg i) + fh_cost cm cfg i.

  Definition flowar_cached_cost : N := nsum cached_scale_cost (K cfg).

  Definition kv_ar_attn : N :=
    nsum (fun i => n (L cfg) * (n (lH (LD cfg))
                   * core_cost cm (tokN cfg i) (tokN cfg i * ntokN cfg i) (n (ldh (LD cfg))))) (K cfg).

  Definition kv_rest : N :=
    nsum (fun i => new_block_cost i + n (L cfg) * layer_lin cm (LD cfg) (tokN cfg i)
                   + n (T cfg) * step_lin cm (FD cfg) (tokN cfg i)) (K cfg).

  Theorem flowar_cached_cost_split : flowar_cached_cost = kv_ar_attn + fh_attn cm cfg + kv_rest.
  Proof.
    unfold flowar_cached_cost, kv_ar_attn, fh_attn, kv_rest. rewrite <- !nsum_add. apply nsum_ext.
    intros i _. unfold cached_scale_cost, fh_cost. rewrite kv_layer_split, step_split.
    cbn [FD fhLD fhLf]. ring.
  Qed.
End cached.

Section theta.
  Context (F : Fixed) (K m : nat) (HK : (1 <= K)%nat).
  Local Notation cfg := (schedule F K m).
  Local Notation nn := (n (out_side K m)).

  Lemma new_block_le i : new_block_cost unit_cost cfg i <= ntokN cfg i * emb1 F.
  Proof.
    destruct i as [|j]; cbn [new_block_cost]; [lia|]. rewrite embed_linear.
    pose proof (tok_le_ntokN F K m (S j)). apply N.mul_le_mono_r. exact H.
  Qed.

  Lemma kv_rest_quadratic : kv_rest unit_cost cfg <= quad_hi F * (nn * nn).
  Proof.
    apply (rest_sum_quadratic F K m HK (new_block_cost unit_cost cfg) (tokN cfg));
      [apply new_block_le|apply tok_le_ntokN].
  Qed.

  Lemma kv_ar_attn_le : 135 * kv_ar_attn unit_cost cfg
    <= 256 * (n (fL F) * n (lH (fD F)) * (4 * n (ldh (fD F)) + 3)) * (nn * nn * (nn * nn)).
  Proof.
    apply (ar_attn_sum_le F K m HK (tokN cfg) (fun i => tokN cfg i * ntokN cfg i));
      [|apply tok_ntok_le_pairs].
    intros i. pose proof (tok_le_ntokN F K m i). nia.
  Qed.

  Lemma kv_lower : theta_lo F * (nn * nn * (nn * nn)) <= kv_ar_attn unit_cost cfg + fh_attn unit_cost cfg.
  Proof.
    apply (theta_lower F K m HK), (ar_attn_sum_ge F K m HK (tokN cfg) (fun i => tokN cfg i * ntokN cfg i)).
    apply N.mul_le_mono_l, tok_le_ntokN.
  Qed.
End theta.

(** The cached variant is [Θ(n⁴)] too, with the same constants. *)
Theorem flowar_cached_cost_theta F K m :
  (1 <= K)%nat ->
  theta_lo F * n (out_side K m) ^ 4 <= flowar_cached_cost unit_cost (schedule F K m)
  <= theta_hi F * n (out_side K m) ^ 4.
Proof.
  intros HK. rewrite flowar_cached_cost_split.
  apply theta_of_parts; [apply kv_lower|apply kv_ar_attn_le|apply fh_attn_le|apply kv_rest_quadratic];
    exact HK.
Qed.
