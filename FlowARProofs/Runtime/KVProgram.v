(** * The KV-cached attention as a program: correctness and exact cost

    The released FlowAR, at scale [i], runs only the [M = tok i] queries of
    the newest block; the keys and values of the [C = ntok i − tok i] earlier
    tokens come from a cache (computed at earlier scales, [Runtime/KVPrefix.v]'s
    [kv_cache_keys]).  Here is that attention as an IR program.

    The model of the cache: per head, the cached keys [Kc] and values [Vc]
    ([C × dh] each) are part of the program's input state; the program
    computes the [M] new rows' [Q, K, V] only, stacks [K = [Kc; K_new]],
    [V = [Vc; V_new]] and runs attention of the [M] queries against all
    [N = C + M] keys (the newest block sees every key, [lim_at_last]):
    {v
      stage 1   Q, K_new, V_new from the M new rows; Kc, Vc carried     (kv_qkv_at)
      stage 2   the M × N weights exp(scale · Q_t · K_j); V carried       (kv_w_at)
      stage 3   row sums and numerators                                  (kv_den_at, kv_num_at)
      stage 4   division                                                 (mstage)
    v}
    [kv_mha_at]: [H] heads in parallel, then the output projection [W_O];
    [kv_tl_at]: [Pipeline/Layer.v]'s pre-norm layer on the [M] new rows
    with this attention; [kv_ar_at]: [L] such layers, the AR stage of
    scale [i] on the newest block.

    Proved:
    - [kv_head_at_correct], [kv_mha_at_correct]: the programs compute the
      float semantics [fkv_attn] / [fkv_mha] (the stacked-cache attention);
    - [fkv_attn_cache], [kv_mha_rows]: when the cache holds the keys and
      values of the earlier rows of [X] and the queries are the newest rows,
      this is row [C + t] of the recomputing block-causal multi-head
      attention [fmha] (via [Runtime/KVCache.v]'s [fmha_rows_kv]);
    - [kv_tl_at_correct]: with such a cache, the cached layer computes the
      newest rows of the recomputing layer [ftlayer];
    - [kv_ar_at_correct]: with the cache of every layer, the cached AR stage
      computes FlowAR's condition [fcond] of scale [i] (the output the
      recomputing [scale_at] hands to the flow head) from the newest block;
    - [kv_mha_cost_of], [kv_layer_cost_of], [kv_ar_cost_of]: exact cost under
      every cost model; the layer's is [Runtime/KVCache.v]'s [kv_layer_cost],
      the stage's [L · kv_layer_cost (tok i) (ntok i)], the AR term of
      [cached_scale_cost].

    Here the cache is an INPUT of [kv_ar_at] (its correctness assumes it
    holds the right keys and values).  The layer that also emits the new
    rows' keys and values is [Runtime/KVLayer.v]'s [kve_tl_at]; the whole
    cached pipeline, carrying the cache from scale to scale in its state, is
    [Runtime/KVPipeline.v]'s [flowar_cached_prog]. *)
From Coq Require Import List Arith NArith ZArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention MLP FFN.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR.
From FlowARProofs.Runtime Require Import ExactModules ExactCost ExactLayer Exact KVPrefix KVCache.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (X Xq Kc Vc WQ WK WV WO : mat) (p c dh H M C N d : nat)
  (scale : flt).

(** ** Semantics: [M] queries against the cached keys stacked on the new ones *)

Definition fkv_w P p c dh scale C Xq Kc WQ WK : mat :=
  fun t j => fexp P p (fmul p scale (fdot p dh (fmatmul p c Xq WQ t) (vcat C Kc (fmatmul p c Xq WK) j))).

Definition fkv_attn P p c dh scale C M Xq Kc Vc WQ WK WV : mat :=
  fun t l =>
    fdiv p (fdot p (C + M) (fkv_w P p c dh scale C Xq Kc WQ WK t)
                 (fun j => vcat C Vc (fmatmul p c Xq WV) j l))
           (fsum p (map (fkv_w P p c dh scale C Xq Kc WQ WK t) (seq 0 (C + M)))).

Definition fkv_mha P p c dh H scale C M Xq (Kcs Vcs WQs WKs WVs : nat -> mat) WO : mat :=
  fmatmul p (H * dh)
    (fconcat dh (fun h => fkv_attn P p c dh scale C M Xq (Kcs h) (Vcs h) (WQs h) (WKs h) (WVs h))) WO.

(** When the cache holds the earlier rows' keys and values and the queries
    are the newest rows of [X], this is [Runtime/KVCache.v]'s [frattn] over
    all [C + M] rows of [X]. *)
Lemma fkv_attn_cache P p c dh scale C M X Kc Vc WQ WK WV t l :
  (forall j k, j < C -> k < dh -> Kc j k = fmatmul p c X WK j k) ->
  (forall j k, j < C -> k < dh -> Vc j k = fmatmul p c X WV j k) -> l < dh ->
  fkv_attn P p c dh scale C M (fun t k => X (C + t) k) Kc Vc WQ WK WV t l
  = frattn P p c dh scale (C + M) (fun t k => X (C + t) k) X WQ WK WV t l.
Proof.
  intros HK HV Hl. unfold fkv_attn, frattn. cbv zeta.
  set (Xq := fun t k => X (C + t) k).
  assert (Hrow : forall (W : mat) j k, C <= j -> fmatmul p c Xq W (j - C) k = fmatmul p c X W j k).
  { intros W j k Hj. unfold fmatmul, Xq. replace (C + (j - C)) with j by lia. reflexivity. }
  assert (Hw : forall j, fkv_w P p c dh scale C Xq Kc WQ WK t j
               = fexp P p (fmul p scale (fdot p dh (fmatmul p c Xq WQ t) (fmatmul p c X WK j)))).
  { intros j. unfold fkv_w.
    rewrite (fdot_ext p dh (fmatmul p c Xq WQ t) (fmatmul p c Xq WQ t)
               (vcat C Kc (fmatmul p c Xq WK) j) (fmatmul p c X WK j)); [reflexivity|reflexivity|].
    intros k Hk. unfold vcat. destruct (Nat.ltb_spec j C); [apply HK; auto|apply Hrow; lia]. }
  rewrite (fdot_ext p (C + M) _ (fun j => fexp P p (fmul p scale (fdot p dh (fmatmul p c Xq WQ t)
                                            (fmatmul p c X WK j))))
             (fun j => vcat C Vc (fmatmul p c Xq WV) j l) (fun j => fmatmul p c X WV j l)).
  - rewrite (map_ext (fkv_w P p c dh scale C Xq Kc WQ WK t)
               (fun j => fexp P p (fmul p scale (fdot p dh (fmatmul p c Xq WQ t) (fmatmul p c X WK j))))
               Hw).
    reflexivity.
  - intros j _. apply Hw.
  - intros j _. unfold vcat. destruct (Nat.ltb_spec j C); [apply HV; auto|apply Hrow; lia].
Qed.

(** ** The program of one head *)

Section head.
  Context (offXq offKc offVc offQ offK offV M C c dh : nat) (scale : flt).
  Local Notation N := (C + M).

  (** Stage 1, on the input state: [Q ; Kc ; K_new ; Vc ; V_new]. *)
  Definition kv_qkv_at : prog :=
    PPar (matmul_at offXq offQ M c dh)
    (PPar (keep offKc (C * dh))
    (PPar (matmul_at offXq offK M c dh)
    (PPar (keep offVc (C * dh)) (matmul_at offXq offV M c dh)))).

  (** Stage 2 on [Q ; K ; V]: the [M × N] weights, [V] carried. *)
  Definition kv_w_at : prog :=
    PPar (PFor M (fun t => PFor N (fun j => attn_wbody M dh scale t j))) (keep (M * dh + N * dh) (N * dh)).

  (** Stage 3 on [A ; V]: row sums and numerators. *)
  Definition kv_den_at : prog :=
    PFor M (fun t => PFor 1 (fun _ =>
      PSeq (PWire (map (fun j => FIn (t * N + j)) (seq 0 N))) (POp (OSum N)))).

  Definition kv_num_at : prog :=
    PFor M (fun t => PFor dh (fun l => dot_prog N (fun j => t * N + j) (fun j => M * N + (j * dh + l)))).

  Definition kv_head_at : prog :=
    PSeq kv_qkv_at (PSeq kv_w_at (PSeq (PPar kv_den_at kv_num_at) (mstage M dh BDiv))).
End head.

(** Attention of the [M] queries [Q] against [C + M] keys [K] and values [V]. *)
Definition fkve_attn P p dh scale C M Q K V : mat :=
  fun t l =>
    let w j := fexp P p (fmul p scale (fdot p dh (Q t) (K j))) in
    fdiv p (fdot p (C + M) w (fun j => V j l)) (fsum p (map w (seq 0 (C + M)))).

(** Stages 2–4 of a head, on [Q ; K ; V], whatever stage 1 read them from. *)
Lemma kv_core_correct P p M C dh scale Q K V :
  peval P p (PSeq (kv_w_at M C dh scale) (PSeq (PPar (kv_den_at M C) (kv_num_at M C dh)) (mstage M dh BDiv)))
    (flat M dh Q ++ (flat (C + M) dh K ++ flat (C + M) dh V))
  = flat M dh (fkve_attn P p dh scale C M Q K V).
Proof.
  rewrite !peval_PSeq. set (N := C + M).
  (* stage 2 *)
  set (A := fun t j => fexp P p (fmul p scale (fdot p dh (Q t) (K j)))).
  assert (S2 : peval P p (kv_w_at M C dh scale) (flat M dh Q ++ (flat N dh K ++ flat N dh V))
               = flat M N A ++ flat N dh V).
  { unfold kv_w_at. rewrite peval_PPar, (keep_block _ _ _ _ _ _ V) by apply block_cat3_r.
    f_equal. apply peval_PFor2. intros t j Ht Hj. rewrite attn_wbody_correct.
    unfold A. apply (f_equal (fun z => [fexp P p (fmul p scale z)])).
    unfold fdot. apply (f_equal (fsum p)). apply map_ext_in. intros k Hk. apply in_seq in Hk.
    rewrite nth_flat_app_l by lia.
    rewrite (block_cat3_m M dh Q N dh K (flat N dh V) j k) by lia. reflexivity. }
  rewrite S2.
  (* stage 3 *)
  rewrite peval_PPar.
  assert (S3 : peval P p (kv_den_at M C) (flat M N A ++ flat N dh V)
               = flat M 1 (fun t _ => fsum p (map (A t) (seq 0 N)))).
  { apply peval_PFor2. intros t j Ht Hj. cbn [peval opsem]. rewrite map_map.
    apply (f_equal (fun z => [fsum p z])). apply map_ext_in. intros l Hl. apply in_seq in Hl.
    cbn [fsrc_val]. apply nth_flat_app_l; lia. }
  assert (S4 : peval P p (kv_num_at M C dh) (flat M N A ++ flat N dh V)
               = flat M dh (fun t l => fdot p N (A t) (fun j => V j l))).
  { apply peval_PFor2. intros t l Ht Hl. rewrite dot_prog_correct.
    apply (f_equal (fun z => [z])). apply fdot_ext; intros j Hj.
    - apply nth_flat_app_l; lia.
    - apply (block_cat2_r M N A N dh V j l); lia. }
  rewrite S3, S4, mstage_correct. apply flat_ext. intros t l Ht Hl. cbn [binsem].
  reflexivity.
Qed.

Theorem kv_head_at_correct P p xs offXq offKc offVc offQ offK offV M C c dh scale Xq Kc Vc WQ WK WV :
  block xs offXq M c Xq -> block xs offKc C dh Kc -> block xs offVc C dh Vc ->
  block xs offQ c dh WQ -> block xs offK c dh WK -> block xs offV c dh WV ->
  peval P p (kv_head_at offXq offKc offVc offQ offK offV M C c dh scale) xs
  = flat M dh (fkv_attn P p c dh scale C M Xq Kc Vc WQ WK WV).
Proof.
  intros HX HKc HVc HQ HK HV. unfold kv_head_at. rewrite peval_PSeq.
  set (N := C + M).
  set (Q := fmatmul p c Xq WQ).
  set (K := vcat C Kc (fmatmul p c Xq WK)). set (V := vcat C Vc (fmatmul p c Xq WV)).
  (* stage 1 *)
  assert (S1 : peval P p (kv_qkv_at offXq offKc offVc offQ offK offV M C c dh) xs
               = flat M dh Q ++ (flat N dh K ++ flat N dh V)).
  { unfold kv_qkv_at. rewrite !peval_PPar, (matmul_at_correct _ _ _ _ _ _ _ _ Xq WQ HX HQ),
      (matmul_at_correct _ _ _ _ _ _ _ _ Xq WK HX HK), (matmul_at_correct _ _ _ _ _ _ _ _ Xq WV HX HV),
      (keep_block _ _ _ _ _ _ Kc HKc), (keep_block _ _ _ _ _ _ Vc HVc).
    unfold N, K, V. rewrite !flat_vcat, !app_assoc. reflexivity. }
  rewrite S1. exact (kv_core_correct P p M C dh scale Q K V).
Qed.

(** ** Multi-head: [H] cached heads, then [W_O] *)

Definition kv_mha_at offXq (oKc oVc oQ oK oV : nat -> nat) offO M C c dh H d scale : prog :=
  PSeq (PPar (PFor H (fun h => kv_head_at offXq (oKc h) (oVc h) (oQ h) (oK h) (oV h) M C c dh scale))
             (keep offO (H * dh * d)))
       (mha_proj_at M dh H d).

Theorem kv_mha_at_correct P p xs offXq (oKc oVc oQ oK oV : nat -> nat) offO M C c dh H d scale Xq
    (Kcs Vcs WQs WKs WVs : nat -> mat) WO :
  block xs offXq M c Xq ->
  (forall h, h < H -> block xs (oKc h) C dh (Kcs h) /\ block xs (oVc h) C dh (Vcs h)
                      /\ block xs (oQ h) c dh (WQs h) /\ block xs (oK h) c dh (WKs h)
                      /\ block xs (oV h) c dh (WVs h)) ->
  block xs offO (H * dh) d WO ->
  peval P p (kv_mha_at offXq oKc oVc oQ oK oV offO M C c dh H d scale) xs
  = flat M d (fkv_mha P p c dh H scale C M Xq Kcs Vcs WQs WKs WVs WO).
Proof.
  intros HX HW HO. unfold kv_mha_at. rewrite peval_PSeq, peval_PPar.
  set (F := fun h => fkv_attn P p c dh scale C M Xq (Kcs h) (Vcs h) (WQs h) (WKs h) (WVs h)).
  rewrite (peval_PFor_blocks P p H M dh _ F).
  2: { intros h Hh. destruct (HW h Hh) as (HKc & HVc & HQ & HK & HV).
       exact (kv_head_at_correct P p xs offXq (oKc h) (oVc h) (oQ h) (oK h) (oV h) M C c dh scale
                Xq (Kcs h) (Vcs h) (WQs h) (WKs h) (WVs h) HX HKc HVc HQ HK HV). }
  rewrite (keep_block _ _ _ _ _ _ WO HO). apply mha_proj_at_correct.
Qed.

(** With the right cache, the cached multi-head attention is row [C + t]
    of the recomputing block-causal one, whenever that row sees all
    [C + M] keys (the newest block, [lim_at_last]). *)
Theorem kv_mha_rows P p c dh H d scale (lim : nat -> nat) C M X
    (Kcs Vcs WQs WKs WVs : nat -> mat) WO t j :
  (forall h jj k, h < H -> jj < C -> k < dh -> Kcs h jj k = fmatmul p c X (WKs h) jj k) ->
  (forall h jj k, h < H -> jj < C -> k < dh -> Vcs h jj k = fmatmul p c X (WVs h) jj k) ->
  lim (C + t) = C + M ->
  fkv_mha P p c dh H scale C M (fun t k => X (C + t) k) Kcs Vcs WQs WKs WVs WO t j
  = fmha P p c dh H scale lim X WQs WKs WVs WO (C + t) j.
Proof.
  intros HK HV Hlim. rewrite (fmha_rows_kv P p c dh H scale lim X WQs WKs WVs WO C (C + M) t j Hlim).
  unfold fkv_mha, frmha, fmatmul. apply fdot_ext; [|reflexivity]. intros m Hm.
  assert (Hdh : dh <> 0) by (intros ->; lia).
  assert (Hq : m / dh < H) by (apply Nat.div_lt_upper_bound; lia).
  pose proof (Nat.mod_upper_bound m dh Hdh) as Hr.
  unfold fconcat. apply fkv_attn_cache; [intros; apply HK; auto|intros; apply HV; auto|exact Hr].
Qed.

(** ** One cached layer

    [Pipeline/Layer.v]'s [tl_at] on the [M] new rows only, with the cached
    attention in place of [mha_at]: on the state [flat X_new ++ R] ([R =
    E ++ G], the layer's weights at [go + wo] in [R] as for [tl_at], head
    [h]'s cached keys and values at [oKc h], [oVc h] in [R]). *)
Definition kv_tl_at p D M C (oKc oVc : nat -> nat) wo go (r : nat) : prog :=
  let d := ld D in let H := lH D in let dh := ldh D in let dff := ldff D in
  let nd := M * d in
  let g k o := k + go + (wo + o) in
  PSeq (PPar (lnaff_at p 0 (g nd (o_g1 D)) (g nd (o_b1 D)) M d) (keep 0 (nd + r)))
  (PSeq (PPar (kv_mha_at 0 (fun h => 2 * nd + oKc h) (fun h => 2 * nd + oVc h)
                        (fun h => g (2 * nd) (o_q D h)) (fun h => g (2 * nd) (o_k D h))
                        (fun h => g (2 * nd) (o_v D h)) (g (2 * nd) (o_o D)) M C d dh H d
                        (lscale p D))
              (keep nd (nd + r)))
  (PSeq (tl_res M d r)
  (PSeq (PPar (lnaff_at p 0 (g nd (o_g2 D)) (g nd (o_b2 D)) M d) (keep 0 (nd + r)))
  (PSeq (PPar (ffn_inner_at 0 (g (2 * nd) (o_w1 D)) (g (2 * nd) (o_c1 D)) (g (2 * nd) (o_w2 D))
                            (g (2 * nd) (o_c2 D)) M d dff)
              (keep nd (nd + r)))
        (tl_res M d r))))).

(** Row-wise modules commute with taking the rows from [C] on. *)
Lemma flnaff_shift P p c G B Y C t l :
  flnaff P p c G B (fun t k => Y (C + t) k) t l = flnaff P p c G B Y (C + t) l.
Proof. reflexivity. Qed.

Lemma fffn_inner_shift p d dff Y W1 b1 W2 b2 C t k :
  fffn_inner p d dff (fun t k => Y (C + t) k) W1 b1 W2 b2 t k = fffn_inner p d dff Y W1 b1 W2 b2 (C + t) k.
Proof. reflexivity. Qed.

Local Ltac bw := apply block_weights; [rewrite ?app_length, ?flat_length; lia|reflexivity].

Lemma block_after pre R off r c A :
  block R off r c A -> block (pre ++ R) (length pre + off) r c A.
Proof. apply block_app_r. Qed.

(** The stage both cached layers end with: on the [M] new rows, the
    residual of the cached attention [fkv_mha] followed by the FFN
    sub-layer is the newest rows of the recomputing layer [ftlayer], when
    the cache holds, for every head, the keys and values of the [C] earlier
    rows of [LN₁(X)] and the new rows see all [C + M] keys.  [A'] is the
    cached attention's output, computed by either layer. *)
Lemma kv_layer_rows P p D G wo (lim : nat -> nat) C M X (Kcs Vcs : nat -> mat) (A' : mat) :
  let d := ld D in let H := lH D in let dh := ldh D in
  let W o r c := rd G (wo + o) r c in
  let Z := flnaff P p d (W (o_g1 D) 1 d) (W (o_b1 D) 1 d) X in
  (forall h jj k, h < H -> jj < C -> k < dh ->
     Kcs h jj k = fmatmul p d Z (W (o_k D h) d dh) jj k
     /\ Vcs h jj k = fmatmul p d Z (W (o_v D h) d dh) jj k) ->
  (forall t, t < M -> lim (C + t) = C + M) ->
  (forall t k, t < M -> k < d ->
     A' t k = fkv_mha P p d dh H (lscale p D) C M
                (flnaff P p d (W (o_g1 D) 1 d) (W (o_b1 D) 1 d) (fun t k => X (C + t) k)) Kcs Vcs
                (fun h => W (o_q D h) d dh) (fun h => W (o_k D h) d dh) (fun h => W (o_v D h) d dh)
                (W (o_o D) (H * dh) d) t k) ->
  let X1' := fun i j => fadd p (X (C + i) j) (A' i j) in
  flat M d (fun i j => fadd p (X1' i j) (ftmlp P p D G wo X1' i j))
  = flat M d (fun t k => ftlayer P p D G wo lim X (C + t) k).
Proof.
  intros d H dh W Z Hcache Hlim HA X1'.
  set (X1 := ftattn P p D G wo lim X).
  assert (H1 : rows_eq M d X1' (fun t k => X1 (C + t) k)).
  { intros t k Ht Hk. unfold X1', X1, ftattn. cbv zeta. apply (f_equal (fadd p (X (C + t) k))).
    rewrite (HA t k Ht Hk).
    exact (kv_mha_rows P p d dh H d (lscale p D) lim C M Z Kcs Vcs _ _ _ _ t k
             (fun h jj k Hh Hj Hk => proj1 (Hcache h jj k Hh Hj Hk))
             (fun h jj k Hh Hj Hk => proj2 (Hcache h jj k Hh Hj Hk)) (Hlim t Ht)). }
  apply flat_ext. intros t k Ht Hk. rewrite ftlayer_eq. fold X1.
  rewrite (H1 t k Ht Hk). apply (f_equal (fadd p _)). unfold ftmlp. cbv zeta.
  assert (H2 : rows_eq M d (flnaff P p d (rd G (wo + o_g2 D) 1 d) (rd G (wo + o_b2 D) 1 d) X1')
                 (fun t k => flnaff P p d (rd G (wo + o_g2 D) 1 d) (rd G (wo + o_b2 D) 1 d) X1 (C + t) k)).
  { intros t' k' Ht' Hk'. rewrite (flnaff_rows P p d M _ _ X1' (fun t k => X1 (C + t) k) H1 t' k' Ht' Hk').
    apply flnaff_shift. }
  rewrite (fffn_inner_rows p d (ldff D) M _ _ _ _ _ _ H2 t k Ht Hk). apply fffn_inner_shift.
Qed.

(** The cached layer computes the newest rows of the recomputing layer
    [ftlayer], provided the cache holds, for every head, the keys and
    values of the [C] earlier rows of [LN₁(X)], and the new rows see all
    [C + M] keys. *)
Theorem kv_tl_at_correct P p D M C (oKc oVc : nat -> nat) wo (lim : nat -> nat) X
    (Kcs Vcs : nat -> mat) E G :
  let R := E ++ G in
  let W o r c := rd G (wo + o) r c in
  let Z := flnaff P p (ld D) (W (o_g1 D) 1 (ld D)) (W (o_b1 D) 1 (ld D)) X in
  (forall h, h < lH D -> block R (oKc h) C (ldh D) (Kcs h) /\ block R (oVc h) C (ldh D) (Vcs h)) ->
  (forall h jj k, h < lH D -> jj < C -> k < ldh D ->
     Kcs h jj k = fmatmul p (ld D) Z (W (o_k D h) (ld D) (ldh D)) jj k
     /\ Vcs h jj k = fmatmul p (ld D) Z (W (o_v D h) (ld D) (ldh D)) jj k) ->
  (forall t, t < M -> lim (C + t) = C + M) ->
  peval P p (kv_tl_at p D M C oKc oVc wo (length E) (length E + length G))
    (flat M (ld D) (fun t k => X (C + t) k) ++ E ++ G)
  = flat M (ld D) (fun t k => ftlayer P p D G wo lim X (C + t) k) ++ E ++ G.
Proof.
  intros R W Z HKV Hcache Hlim. unfold kv_tl_at.
  (* LN₁ *)
  rewrite peval_PSeq, (tl_ln_stage_correct P p D G wo M (fun t k => X (C + t) k) E _ _ _ (o_g1 D) (o_b1 D)
                         eq_refl eq_refl eq_refl).
  set (d := ld D). set (H := lH D). set (dh := ldh D). set (dff := ldff D).
  set (go := length E). fold R. fold R in HKV.
  set (Xn := fun t k => X (C + t) k).
  assert (HR : length R = go + length G) by (subst R go; apply app_length).
  set (Zn := flnaff P p d (rd G (wo + o_g1 D) 1 d) (rd G (wo + o_b1 D) 1 d) Xn).
  (* cached attention *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (kv_mha_at_correct P p _ 0 _ _ _ _ _ _ M C d dh H d (lscale p D) Zn Kcs Vcs
             (fun h => rd G (wo + o_q D h) d dh) (fun h => rd G (wo + o_k D h) d dh)
             (fun h => rd G (wo + o_v D h) d dh) (rd G (wo + o_o D) (H * dh) d)).
  2: apply block_front.
  2: { intros h Hh. destruct (HKV h Hh) as [HK HV].
       assert (Hl : length (flat M d Zn ++ flat M d Xn) = 2 * (M * d))
         by (rewrite app_length, !flat_length; lia).
       rewrite app_assoc. repeat split.
       - rewrite <- Hl. apply block_after, HK.
       - rewrite <- Hl. apply block_after, HV.
       - bw.
       - bw.
       - bw. }
  2: { rewrite app_assoc. bw. }
  rewrite (keep_app P p (flat M d Zn) (flat M d Xn ++ R)).
  2: apply flat_length.
  2: rewrite app_length, flat_length; lia.
  set (A' := fkv_mha P p d dh H (lscale p D) C M Zn Kcs Vcs _ _ _ _).
  (* first residual *)
  rewrite peval_PSeq, (tl_res_correct P p M d A' Xn R) by lia.
  (* LN₂, FFN_inner, second residual *)
  rewrite (tl_ffn_half_correct P p D G wo M _ E _ _ _ _ _ _ _
             eq_refl eq_refl eq_refl eq_refl eq_refl eq_refl eq_refl).
  apply (f_equal (fun l => l ++ R)).
  (* the newest rows of the recomputing layer *)
  exact (kv_layer_rows P p D G wo lim C M X Kcs Vcs A' Hcache Hlim (fun t k _ _ => eq_refl)).
Qed.

(** ** The cached AR stage of scale [i]

    [L] cached layers on the [tok i] rows of the newest block; layer [l]'s
    cache of head [h] at [oKc l h], [oVc l h] in [R]. *)
Definition kv_ar_at p cfg i (oKc oVc : nat -> nat -> nat) go r : prog :=
  iter (tok cfg i * dm cfg + r) (L cfg)
       (fun l => kv_tl_at p (LD cfg) (tok cfg i) (ntok cfg i - tok cfg i) (oKc l) (oVc l)
                          (off_ar cfg l) go r).

(** Given, for every layer and head, the keys and values of the earlier
    [ntok i − tok i] tokens (what a cache keeps: by [kv_cache_keys] they are
    those computed at any earlier scale [j] with [ntok j] covering them),
    the cached stage computes FlowAR's condition [fcond] of scale [i] from
    the newest block of the sequence only. *)
Theorem kv_ar_at_correct P p cfg G Ys i (oKc oVc : nat -> nat -> nat) (Kcs Vcs : nat -> nat -> mat) E :
  let R := E ++ G in
  let D := LD cfg in let d := dm cfg in
  let C := ntok cfg i - tok cfg i in
  (forall l h, l < L cfg -> h < lH D ->
     block R (oKc l h) C (ldh D) (Kcs l h) /\ block R (oVc l h) C (ldh D) (Vcs l h)) ->
  (forall l h jj k, l < L cfg -> h < lH D -> jj < C -> k < ldh D ->
     let Z := flnaff P p d (rd G (off_ar cfg l + o_g1 D) 1 d) (rd G (off_ar cfg l + o_b1 D) 1 d)
                (hidden P p cfg G Ys i l) in
     Kcs l h jj k = fmatmul p d Z (rd G (off_ar cfg l + o_k D h) d (ldh D)) jj k
     /\ Vcs l h jj k = fmatmul p d Z (rd G (off_ar cfg l + o_v D h) d (ldh D)) jj k) ->
  peval P p (kv_ar_at p cfg i oKc oVc (length E) (length E + length G))
    (flat (tok cfg i) d (fun t k => fseq p cfg G Ys i (C + t) k) ++ E ++ G)
  = flat (tok cfg i) d (fcond P p cfg G Ys i) ++ E ++ G.
Proof.
  intros R D d C HKV Hcache.
  pose proof (tok_le_ntok cfg i) as HMN.
  assert (Hlim : forall t, t < tok cfg i -> lim_at cfg i (C + t) = C + tok cfg i).
  { intros t Ht. rewrite lim_at_last by (unfold C; lia). unfold C. lia. }
  assert (Hl : forall l, l <= L cfg ->
    peval P p (iter (tok cfg i * dm cfg + (length E + length G)) l
                 (fun l => kv_tl_at p (LD cfg) (tok cfg i) C (oKc l) (oVc l) (off_ar cfg l)
                                    (length E) (length E + length G)))
      (flat (tok cfg i) d (fun t k => fseq p cfg G Ys i (C + t) k) ++ E ++ G)
    = flat (tok cfg i) d (fun t k => hidden P p cfg G Ys i l (C + t) k) ++ E ++ G).
  { induction l as [|l IH]; intros Hl; cbn [iter].
    - assert (Hw : tok cfg i * dm cfg + (length E + length G)
                   = length (flat (tok cfg i) d (fun t k => fseq p cfg G Ys i (C + t) k) ++ E ++ G))
        by (rewrite !app_length, flat_length; reflexivity).
      rewrite Hw, idw_correct. reflexivity.
    - rewrite peval_PSeq, IH by lia.
      exact (kv_tl_at_correct P p D (tok cfg i) C (oKc l) (oVc l) (off_ar cfg l) (lim_at cfg i)
               (hidden P p cfg G Ys i l) (Kcs l) (Vcs l) E G
               (fun h Hh => HKV l h ltac:(lia) Hh)
               (fun h jj k Hh Hj Hk => Hcache l h jj k ltac:(lia) Hh Hj Hk) Hlim). }
  exact (Hl (L cfg) (le_n _)).
Qed.

(** ** Exact cost, under every cost model *)

Local Notation n := N.of_nat.

Section cost.
  Context (cm : kind -> nat).
  Local Notation wt := (op_cost cm).

  Lemma ww_kv_head offXq offKc offVc offQ offK offV M C c dh scale :
    wwork wt (kv_head_at offXq offKc offVc offQ offK offV M C c dh scale)
    = 3 * (M * (dh * (c * wt (OBin BMul) + wt (OSum c))))
      + M * ((C + M) * (dh * wt (OBin BMul) + wt (OSum dh) + wt (OBin BMul) + wt OExp))
      + M * (1 * wt (OSum (C + M)))
      + M * (dh * ((C + M) * wt (OBin BMul) + wt (OSum (C + M))))
      + M * (dh * wt (OBin BDiv)).
  Proof.
    unfold kv_head_at, kv_qkv_at, kv_w_at, kv_den_at, kv_num_at.
    rewrite ?ww_PSeq, ?ww_PPar, !ww_matmul, !ww_keep, ww_mstage.
    rewrite (ww_PFor2 wt M (C + M) _ (dh * wt (OBin BMul) + wt (OSum dh) + wt (OBin BMul) + wt OExp))
      by (intros; apply ww_attn_wbody).
    rewrite (ww_PFor2 wt M 1 _ (wt (OSum (C + M)))) by (intros; cbn; lia).
    rewrite (ww_PFor2 wt M dh _ ((C + M) * wt (OBin BMul) + wt (OSum (C + M)))) by (intros; apply ww_dot).
    lia.
  Qed.

  Lemma ww_kv_mha offXq (oKc oVc oQ oK oV : nat -> nat) offO M C c dh H d scale :
    wwork wt (kv_mha_at offXq oKc oVc oQ oK oV offO M C c dh H d scale)
    = H * wwork wt (kv_head_at 0 0 0 0 0 0 M C c dh scale)
      + M * (d * (H * dh * wt (OBin BMul) + wt (OSum (H * dh)))).
  Proof.
    unfold kv_mha_at, mha_proj_at. rewrite ww_PSeq, ww_PPar, ww_keep.
    rewrite (ww_PFor_const wt H _ (wwork wt (kv_head_at 0 0 0 0 0 0 M C c dh scale)))
      by (intros; rewrite !ww_kv_head; reflexivity).
    rewrite (ww_PFor2 wt M d _ (H * dh * wt (OBin BMul) + wt (OSum (H * dh)))) by (intros; apply ww_dot).
    lia.
  Qed.

  (** The attention part of [kv_layer_cost]: projections of the [M] new
      rows, attention proper over [M·(C + M)] pairs, [W_O]. *)
  Theorem kv_mha_cost_of offXq (oKc oVc oQ oK oV : nat -> nat) offO M C c dh H d scale :
    n (wwork wt (kv_mha_at offXq oKc oVc oQ oK oV offO M C c dh H d scale))
    = (n H * (qkv_cost cm (n M) (n c) (n dh) + core_cost cm (n M) (n M * n (C + M)) (n dh))
       + n M * n d * dot_cost cm (n H * n dh))%N.
  Proof.
    rewrite ww_kv_mha, ww_kv_head.
    assert (E : M * (1 * wt (OSum (C + M))) = (M * (C + M) - M) * cm KAdd).
    { cbn [op_cost]. rewrite Nat.mul_1_l, Nat.mul_assoc, Nat.mul_sub_distr_l, Nat.mul_1_r. reflexivity. }
    assert (E2 : M * (dh * ((C + M) * wt (OBin BMul) + wt (OSum (C + M))))
                 = dh * (M * (C + M) * cm KMul + (M * (C + M) - M) * cm KAdd)).
    { cbn [op_cost]. replace (M * (C + M) - M) with (M * (C + M - 1))
        by (rewrite Nat.mul_sub_distr_l, Nat.mul_1_r; reflexivity). ring. }
    rewrite E, E2.
    assert (HS : M <= M * (C + M) \/ C + M = 0) by nia.
    unfold qkv_cost, core_cost, dot_cost, sum_cost, cA, cM, cD, cE. cbn [op_cost].
    destruct HS as [HS|HS]; [|assert (M = 0) by lia; subst; cbn; lia].
    lia.
  Qed.
  (** One cached layer costs [Runtime/KVCache.v]'s [kv_layer_cost]: the
      closed form of [flowar_cached_cost] per layer is the cost of this
      program. *)
  Theorem kv_layer_cost_of p D M C (oKc oVc : nat -> nat) wo go r :
    n (wwork wt (kv_tl_at p D M C oKc oVc wo go r)) = kv_layer_cost cm D (n M) (n (C + M)).
  Proof.
    unfold kv_tl_at, kv_layer_cost.
    rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat2N.inj_add.
    rewrite !lnaff_cost_of, kv_mha_cost_of, ffn_inner_cost_of, tl_res_cost_of.
    rewrite <- !Nat2N.inj_add. ring.
  Qed.
  (** The cached AR stage costs [L] cached layers: the AR term of
      [Runtime/KVCache.v]'s [cached_scale_cost]. *)
  Theorem kv_ar_cost_of p cfg i (oKc oVc : nat -> nat -> nat) go r :
    n (wwork wt (kv_ar_at p cfg i oKc oVc go r))
    = (n (L cfg) * kv_layer_cost cm (LD cfg) (tokN cfg i) (ntokN cfg i))%N.
  Proof.
    unfold kv_ar_at. rewrite ww_iter. apply n_sum_const. intros l _.
    rewrite kv_layer_cost_of, tokN_of. pose proof (tok_le_ntok cfg i).
    replace (ntok cfg i - tok cfg i + tok cfg i) with (ntok cfg i) by lia.
    rewrite ntokN_of. reflexivity.
  Qed.
End cost.

(** The same for [work]. *)
Corollary kv_layer_exact_work p D M C (oKc oVc : nat -> nat) wo go r :
  N.of_nat (work (kv_tl_at p D M C oKc oVc wo go r))
  = kv_layer_cost unit_cost D (N.of_nat M) (N.of_nat (C + M)).
Proof. rewrite work_wwork. apply kv_layer_cost_of. Qed.

(** Non-vacuity: a small layer ([d = 4], 2 heads of width 2, FFN 16) on
    [M = 4] new rows with [C = 1] cached row, counted on the program itself;
    the recomputing layer on all 5 rows (block-causal [1; 4]) costs more. *)
Definition kv_ex_D : LDims := {| ld := 4; lH := 2; ldh := 2; ldff := 16; lsn := 1%Z; lsd := 2%Z |}%nat.

Example kv_layer_work_ex :
  N.of_nat (work (kv_tl_at 8 kv_ex_D 4 1 (fun _ => 0) (fun _ => 0) 0 0 0)) = 2192%N
  /\ kv_layer_cost unit_cost kv_ex_D 4 5 = 2192%N
  /\ N.of_nat (work (tl_at 8 kv_ex_D 5 (bc_lim [1; 4]) 0 0 0)) = 2660%N.
Proof. vm_compute. repeat split. Qed.
