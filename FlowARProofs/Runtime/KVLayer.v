(** * The KV-cached layer that also extends the cache

    [Runtime/KVProgram.v]'s [kv_tl_at] reads the cache but throws the new
    rows' keys and values away.  To carry the cache from scale to scale
    ([Runtime/KVPipeline.v]) each layer must hand them on.  [kve_tl_at] is
    that layer, on the state [flat X_new ++ R]:
    {v
      stage 1   Z = LN₁(X_new)                                      (lnaff_at)
      stage 2   per head: Q = Z·W_Q ; K_new = Z·W_K ; V_new = Z·W_V  (kve_proj_at)
      stage 3   per head: the M queries against [K_cache; K_new],
                [V_cache; V_new]; then W_O                           (kve_mha_at)
      stages 4–6  residual, LN₂ + FFN, residual (as Pipeline/Layer.v)
    v}
    and returns [flat X'_new ++ KV_new ++ R], where [KV_new] is the table
    [kvflat] of the heads' new keys and values.  The projections are
    computed once (stage 2) and used twice (attention and the cache), so the
    layer does exactly the work of [kv_tl_at]: [kve_layer_cost_of] says it
    costs [Runtime/KVCache.v]'s [kv_layer_cost].

    Proved: [kve_tl_at_correct] (with a right cache the layer computes the
    newest rows of the recomputing layer [ftlayer] and the keys and values
    of those rows, i.e. rows [C + t] of [LN₁(X)·W_K], [LN₁(X)·W_V]), its cost
    under every cost model, its typing and its depth ([≤ tl_depth], the
    recomputing layer's bound). *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention FFN.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR.
From FlowARProofs.Runtime Require Import ExactModules ExactCost ExactLayer KVPrefix KVCache KVProgram.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (Q K V Kc Vc Kn Vn Z : mat) (p c dh H M C d r : nat)
  (scale : flt).

(** ** Key/value tables: [n] entries, entry [q] is [K_q] stacked on [V_q] ([r] rows each) *)

Definition kvflat r dh n (Ks Vs : nat -> mat) : list flt :=
  concat (map (fun q => flat (r + r) dh (vcat r (Ks q) (Vs q))) (seq 0 n)).

Lemma kvflat_length r dh n (Ks Vs : nat -> mat) : length (kvflat r dh n Ks Vs) = n * ((r + r) * dh).
Proof. apply length_concat_flat. Qed.

Lemma block_kvflat_K r dh n (Ks Vs : nat -> mat) q :
  q < n -> block (kvflat r dh n Ks Vs) (q * ((r + r) * dh)) r dh (Ks q).
Proof.
  intros Hq i j Hi Hj. unfold kvflat.
  rewrite (block_concat (fun q => vcat r (Ks q) (Vs q)) n (r + r) dh q Hq i j) by lia.
  unfold vcat. destruct (Nat.ltb_spec i r); [reflexivity|lia].
Qed.

Lemma block_kvflat_V r dh n (Ks Vs : nat -> mat) q :
  q < n -> block (kvflat r dh n Ks Vs) (q * ((r + r) * dh) + r * dh) r dh (Vs q).
Proof.
  intros Hq i j Hi Hj. unfold kvflat.
  replace (q * ((r + r) * dh) + r * dh + (i * dh + j)) with (q * ((r + r) * dh) + ((r + i) * dh + j))
    by nia.
  rewrite (block_concat (fun q => vcat r (Ks q) (Vs q)) n (r + r) dh q Hq (r + i) j) by lia.
  unfold vcat. destruct (Nat.ltb_spec (r + i) r); [lia|]. f_equal. lia.
Qed.

Lemma kvflat_ext r dh n (Ks Vs Ks' Vs' : nat -> mat) :
  (forall q i j, q < n -> i < r -> j < dh -> Ks q i j = Ks' q i j /\ Vs q i j = Vs' q i j) ->
  kvflat r dh n Ks Vs = kvflat r dh n Ks' Vs'.
Proof.
  intros H. unfold kvflat. f_equal. apply map_ext_in. intros q Hq. apply in_seq in Hq.
  apply flat_ext. intros i j Hi Hj. unfold vcat.
  destruct (Nat.ltb_spec i r); apply H; lia.
Qed.

(** A table of [C + M] rows is the old [C] rows and the new [M] rows of each entry. *)
Lemma kvflat_split C M dh n (Ks Vs : nat -> mat) :
  kvflat (C + M) dh n Ks Vs
  = concat (map (fun q => flat C dh (Ks q) ++ flat M dh (fun t => Ks q (C + t))
                          ++ flat C dh (Vs q) ++ flat M dh (fun t => Vs q (C + t))) (seq 0 n)).
Proof.
  unfold kvflat. f_equal. apply map_ext. intros q.
  rewrite flat_vcat, !flat_app_rows, !app_assoc. reflexivity.
Qed.

(** ** One head: queries, cached and new keys and values all read from the state *)

Section head.
  Context (offQ offKc offKn offVc offVn M C dh : nat) (scale : flt).

  Definition kve_load_at : prog :=
    PPar (keep offQ (M * dh))
    (PPar (keep offKc (C * dh)) (PPar (keep offKn (M * dh))
    (PPar (keep offVc (C * dh)) (keep offVn (M * dh))))).

  Definition kve_head_at : prog :=
    PSeq kve_load_at
    (PSeq (kv_w_at M C dh scale) (PSeq (PPar (kv_den_at M C) (kv_num_at M C dh)) (mstage M dh BDiv))).
End head.

Theorem kve_head_at_correct P p xs offQ offKc offKn offVc offVn M C dh scale Q Kc Kn Vc Vn :
  block xs offQ M dh Q -> block xs offKc C dh Kc -> block xs offKn M dh Kn ->
  block xs offVc C dh Vc -> block xs offVn M dh Vn ->
  peval P p (kve_head_at offQ offKc offKn offVc offVn M C dh scale) xs
  = flat M dh (fkve_attn P p dh scale C M Q (vcat C Kc Kn) (vcat C Vc Vn)).
Proof.
  intros HQ HKc HKn HVc HVn. unfold kve_head_at. rewrite peval_PSeq.
  set (N := C + M). set (K := vcat C Kc Kn). set (V := vcat C Vc Vn).
  assert (S1 : peval P p (kve_load_at offQ offKc offKn offVc offVn M C dh) xs
               = flat M dh Q ++ (flat N dh K ++ flat N dh V)).
  { unfold kve_load_at. rewrite !peval_PPar, (keep_block _ _ _ _ _ _ Q HQ),
      (keep_block _ _ _ _ _ _ Kc HKc), (keep_block _ _ _ _ _ _ Kn HKn),
      (keep_block _ _ _ _ _ _ Vc HVc), (keep_block _ _ _ _ _ _ Vn HVn).
    unfold N, K, V. rewrite !flat_vcat, !app_assoc. reflexivity. }
  rewrite S1. exact (kv_core_correct P p M C dh scale Q K V).
Qed.

(** With the new keys and values projected from the queries' rows, this is
    [Runtime/KVProgram.v]'s [fkv_attn]. *)
Lemma fkve_attn_kv P p c dh scale C M Xq Kc Vc WQ WK WV t l :
  fkve_attn P p dh scale C M (fmatmul p c Xq WQ) (vcat C Kc (fmatmul p c Xq WK))
    (vcat C Vc (fmatmul p c Xq WV)) t l
  = fkv_attn P p c dh scale C M Xq Kc Vc WQ WK WV t l.
Proof. reflexivity. Qed.

(** ** Multi-head *)

Definition kve_mha_at (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale : prog :=
  PSeq (PPar (PFor H (fun h => kve_head_at (oQ h) (oKc h) (oKn h) (oVc h) (oVn h) M C dh scale))
             (keep offO (H * dh * d)))
       (mha_proj_at M dh H d).

Definition fkve_mha P p dh H scale C M (Qs Ks Vs : nat -> mat) WO : mat :=
  fmatmul p (H * dh) (fconcat dh (fun h => fkve_attn P p dh scale C M (Qs h) (Ks h) (Vs h))) WO.

Theorem kve_mha_at_correct P p xs (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale
    (Qs Kcs Kns Vcs Vns : nat -> mat) WO :
  (forall h, h < H -> block xs (oQ h) M dh (Qs h) /\ block xs (oKc h) C dh (Kcs h)
                      /\ block xs (oKn h) M dh (Kns h) /\ block xs (oVc h) C dh (Vcs h)
                      /\ block xs (oVn h) M dh (Vns h)) ->
  block xs offO (H * dh) d WO ->
  peval P p (kve_mha_at oQ oKc oKn oVc oVn offO M C dh H d scale) xs
  = flat M d (fkve_mha P p dh H scale C M Qs (fun h => vcat C (Kcs h) (Kns h))
                       (fun h => vcat C (Vcs h) (Vns h)) WO).
Proof.
  intros HW HO. unfold kve_mha_at. rewrite peval_PSeq, peval_PPar.
  set (F := fun h => fkve_attn P p dh scale C M (Qs h) (vcat C (Kcs h) (Kns h)) (vcat C (Vcs h) (Vns h))).
  rewrite (peval_PFor_blocks P p H M dh _ F).
  2: { intros h Hh. destruct (HW h Hh) as (HQ & HKc & HKn & HVc & HVn).
       exact (kve_head_at_correct P p xs (oQ h) (oKc h) (oKn h) (oVc h) (oVn h) M C dh scale
                (Qs h) (Kcs h) (Kns h) (Vcs h) (Vns h) HQ HKc HKn HVc HVn). }
  rewrite (keep_block _ _ _ _ _ _ WO HO). apply mha_proj_at_correct.
Qed.

Lemma fkve_mha_kv P p c dh H scale C M Xq (Kcs Vcs WQs WKs WVs : nat -> mat) WO t j :
  fkve_mha P p dh H scale C M (fun h => fmatmul p c Xq (WQs h))
    (fun h => vcat C (Kcs h) (fmatmul p c Xq (WKs h))) (fun h => vcat C (Vcs h) (fmatmul p c Xq (WVs h)))
    WO t j
  = fkv_mha P p c dh H scale C M Xq Kcs Vcs WQs WKs WVs WO t j.
Proof. reflexivity. Qed.

(** ** The projections of the new rows, once: queries, and the new keys and values as a table *)

Definition kve_proj_at offZ (oQ oK oV : nat -> nat) M c dh H : prog :=
  PPar (PFor H (fun h => matmul_at offZ (oQ h) M c dh))
       (PFor H (fun h => PPar (matmul_at offZ (oK h) M c dh) (matmul_at offZ (oV h) M c dh))).

Theorem kve_proj_at_correct P p xs offZ (oQ oK oV : nat -> nat) M c dh H Z (WQs WKs WVs : nat -> mat) :
  block xs offZ M c Z ->
  (forall h, h < H -> block xs (oQ h) c dh (WQs h) /\ block xs (oK h) c dh (WKs h)
                      /\ block xs (oV h) c dh (WVs h)) ->
  peval P p (kve_proj_at offZ oQ oK oV M c dh H) xs
  = concat (map (fun h => flat M dh (fmatmul p c Z (WQs h))) (seq 0 H))
    ++ kvflat M dh H (fun h => fmatmul p c Z (WKs h)) (fun h => fmatmul p c Z (WVs h)).
Proof.
  intros HZ HW. unfold kve_proj_at. rewrite peval_PPar. f_equal.
  - apply peval_PFor_blocks. intros h Hh. destruct (HW h Hh) as (HQ & _ & _).
    apply matmul_at_correct; assumption.
  - apply peval_PFor_blocks. intros h Hh. destruct (HW h Hh) as (_ & HK & HV).
    rewrite peval_PPar, flat_vcat, (matmul_at_correct _ _ _ _ _ _ _ _ Z (WKs h) HZ HK),
      (matmul_at_correct _ _ _ _ _ _ _ _ Z (WVs h) HZ HV). reflexivity.
Qed.

(** ** The layer *)

(** On [flat X_new ++ R] ([R = E ++ G], [|E| = go], [|R| = r], the layer's
    weights at [go + wo] in [R], head [h]'s cache at [oKc h], [oVc h] in [R]);
    returns [flat X'_new ++ KV_new ++ R]. *)
Definition kve_tl_at p D M C (oKc oVc : nat -> nat) wo go (r : nat) : prog :=
  let d := ld D in let H := lH D in let dh := ldh D in let dff := ldff D in
  let nd := M * d in let qw := H * (M * dh) in let kw := H * ((M + M) * dh) in
  let g k o := k + go + (wo + o) in
  PSeq (PPar (lnaff_at p 0 (g nd (o_g1 D)) (g nd (o_b1 D)) M d) (keep 0 (nd + r)))
  (PSeq (PPar (kve_proj_at 0 (fun h => g (2 * nd) (o_q D h)) (fun h => g (2 * nd) (o_k D h))
                           (fun h => g (2 * nd) (o_v D h)) M d dh H)
              (keep nd (nd + r)))
  (PSeq (PPar (kve_mha_at (fun h => h * (M * dh)) (fun h => qw + kw + nd + oKc h)
                          (fun h => qw + h * ((M + M) * dh)) (fun h => qw + kw + nd + oVc h)
                          (fun h => qw + h * ((M + M) * dh) + M * dh)
                          (g (qw + kw + nd) (o_o D)) M C dh H d (lscale p D))
              (PPar (keep (qw + kw) nd) (PPar (keep qw kw) (keep (qw + kw + nd) r))))
  (PSeq (tl_res M d (kw + r))
  (PSeq (PPar (lnaff_at p 0 (g (nd + kw) (o_g2 D)) (g (nd + kw) (o_b2 D)) M d) (keep 0 (nd + (kw + r))))
  (PSeq (PPar (ffn_inner_at 0 (g (2 * nd + kw) (o_w1 D)) (g (2 * nd + kw) (o_c1 D))
                            (g (2 * nd + kw) (o_w2 D)) (g (2 * nd + kw) (o_c2 D)) M d dff)
              (keep nd (nd + (kw + r))))
        (tl_res M d (kw + r))))))).

Local Ltac bw := apply block_weights; [rewrite ?app_length, ?flat_length, ?kvflat_length; lia|reflexivity].

Lemma block_shift3 (a b c' R : list flt) k off r cc A :
  length a + length b + length c' = k -> block R off r cc A -> block (a ++ b ++ c' ++ R) (k + off) r cc A.
Proof.
  intros Hk H. rewrite <- Hk.
  replace (length a + length b + length c' + off) with (length a + (length b + (length c' + off))) by lia.
  apply block_app_r, block_app_r, block_app_r, H.
Qed.

Lemma block_off_eq xs off off' r cc A : off = off' -> block xs off r cc A -> block xs off' r cc A.
Proof. intros ->. auto. Qed.

(** The cached, cache-extending layer computes the newest rows of the
    recomputing layer [ftlayer] and hands on their keys and values, when
    the cache holds, for every head, the keys and values of the [C] earlier
    rows of [LN₁(X)] and the new rows see all [C + M] keys. *)
Theorem kve_tl_at_correct P p D M C (oKc oVc : nat -> nat) wo (lim : nat -> nat) X
    (Kcs Vcs : nat -> mat) E G :
  let R := E ++ G in
  let W o r c := rd G (wo + o) r c in
  let Z := flnaff P p (ld D) (W (o_g1 D) 1 (ld D)) (W (o_b1 D) 1 (ld D)) X in
  (forall h, h < lH D -> block R (oKc h) C (ldh D) (Kcs h) /\ block R (oVc h) C (ldh D) (Vcs h)) ->
  (forall h jj k, h < lH D -> jj < C -> k < ldh D ->
     Kcs h jj k = fmatmul p (ld D) Z (W (o_k D h) (ld D) (ldh D)) jj k
     /\ Vcs h jj k = fmatmul p (ld D) Z (W (o_v D h) (ld D) (ldh D)) jj k) ->
  (forall t, t < M -> lim (C + t) = C + M) ->
  peval P p (kve_tl_at p D M C oKc oVc wo (length E) (length E + length G))
    (flat M (ld D) (fun t k => X (C + t) k) ++ E ++ G)
  = flat M (ld D) (fun t k => ftlayer P p D G wo lim X (C + t) k)
    ++ kvflat M (ldh D) (lH D)
         (fun h t k => fmatmul p (ld D) Z (W (o_k D h) (ld D) (ldh D)) (C + t) k)
         (fun h t k => fmatmul p (ld D) Z (W (o_v D h) (ld D) (ldh D)) (C + t) k)
    ++ E ++ G.
Proof.
  intros R W Z HKV Hcache Hlim. unfold kve_tl_at.
  (* LN₁ *)
  rewrite peval_PSeq, (tl_ln_stage_correct P p D G wo M (fun t k => X (C + t) k) E _ _ _ (o_g1 D) (o_b1 D)
                         eq_refl eq_refl eq_refl).
  set (d := ld D). set (H := lH D). set (dh := ldh D). set (dff := ldff D).
  set (go := length E). fold R. fold R in HKV.
  set (Xn := fun t k => X (C + t) k).
  assert (HR : length R = go + length G) by (subst R go; apply app_length).
  set (Zn := flnaff P p d (rd G (wo + o_g1 D) 1 d) (rd G (wo + o_b1 D) 1 d) Xn).
  (* projections *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (kve_proj_at_correct P p _ 0 _ _ _ M d dh H Zn (fun h => rd G (wo + o_q D h) d dh)
             (fun h => rd G (wo + o_k D h) d dh) (fun h => rd G (wo + o_v D h) d dh)).
  2: apply block_front.
  2: { intros h Hh. rewrite app_assoc. repeat split; bw. }
  rewrite (keep_app P p (flat M d Zn) (flat M d Xn ++ R)).
  2: apply flat_length.
  2: rewrite app_length, flat_length; lia.
  set (QF := concat (map (fun h => flat M dh (fmatmul p d Zn (rd G (wo + o_q D h) d dh))) (seq 0 H))).
  set (KVn := kvflat M dh H (fun h => fmatmul p d Zn (rd G (wo + o_k D h) d dh))
                            (fun h => fmatmul p d Zn (rd G (wo + o_v D h) d dh))).
  set (Qs := fun h => fmatmul p d Zn (rd G (wo + o_q D h) d dh)).
  set (Kns := fun h => fmatmul p d Zn (rd G (wo + o_k D h) d dh)).
  set (Vns := fun h => fmatmul p d Zn (rd G (wo + o_v D h) d dh)).
  assert (LQ : length QF = H * (M * dh)) by apply length_concat_flat.
  assert (LK : length KVn = H * ((M + M) * dh)) by apply kvflat_length.
  assert (LX : length (flat M d Xn) = M * d) by apply flat_length.
  (* cached attention *)
  set (qw := H * (M * dh)) in *. set (kw := H * ((M + M) * dh)) in *. set (nd := M * d) in *.
  rewrite peval_PSeq, !peval_PPar, <- (app_assoc QF KVn (flat M d Xn ++ R)).
  assert (LR : length (QF ++ KVn ++ flat M d Xn) = qw + kw + nd) by (rewrite !app_length; lia).
  assert (ST : QF ++ KVn ++ flat M d Xn ++ R = (QF ++ KVn ++ flat M d Xn) ++ R)
    by (rewrite !app_assoc; reflexivity).
  rewrite (kve_mha_at_correct P p _ _ _ _ _ _ _ M C dh H d (lscale p D) Qs Kcs Kns Vcs Vns
             (rd G (wo + o_o D) (H * dh) d)).
  2: { intros h Hh. destruct (HKV h Hh) as [HK HV]. repeat split.
       - apply block_app_l; [rewrite LQ; nia|]. apply block_concat, Hh.
       - rewrite ST, <- LR. apply block_app_r, HK.
       - rewrite <- LQ. apply block_app_r. apply block_app_l; [rewrite LK; nia|].
         apply block_kvflat_K, Hh.
       - rewrite ST, <- LR. apply block_app_r, HV.
       - rewrite <- LQ, <- Nat.add_assoc. apply block_app_r. apply block_app_l; [rewrite LK; nia|].
         apply block_kvflat_V, Hh. }
  2: { rewrite ST. unfold R. apply block_weights; [exact LR|reflexivity]. }
  assert (K1 : peval P p (keep (qw + kw) nd) (QF ++ KVn ++ flat M d Xn ++ R) = flat M d Xn)
    by (rewrite app_assoc; apply keep_at; rewrite ?app_length, ?flat_length; lia).
  assert (K2 : peval P p (keep qw kw) (QF ++ KVn ++ flat M d Xn ++ R) = KVn) by (apply keep_at; lia).
  assert (K3 : peval P p (keep (qw + kw + nd) (go + length G)) (QF ++ KVn ++ flat M d Xn ++ R) = R)
    by (rewrite ST; apply keep_app; lia).
  rewrite K1, K2, K3.
  set (A' := fkve_mha P p dh H (lscale p D) C M Qs _ _ _).
  (* first residual *)
  set (R' := KVn ++ R).
  assert (HR' : length R' = kw + length R) by (unfold R'; rewrite app_length; lia).
  rewrite peval_PSeq. change (KVn ++ R) with R'. rewrite (tl_res_correct P p M d A' Xn R') by lia.
  (* LN₂, FFN_inner, second residual *)
  unfold R', R. rewrite (app_assoc KVn E G).
  assert (LKE : length (KVn ++ E) = kw + go) by (rewrite app_length, LK; reflexivity).
  rewrite (tl_ffn_half_correct P p D G wo M _ (KVn ++ E)) by (rewrite LKE; unfold nd; lia).
  rewrite <- app_assoc. apply (f_equal2 (@app flt)).
  2: { apply (f_equal2 (@app flt)); [|reflexivity]. unfold KVn. apply kvflat_ext. intros q i j Hq Hi Hj. split.
       - unfold Kns. apply fdot_ext; reflexivity.
       - unfold Vns. apply fdot_ext; reflexivity. }
  (* the newest rows of the recomputing layer *)
  exact (kv_layer_rows P p D G wo lim C M X Kcs Vcs A' Hcache Hlim
           (fun t k _ _ => fkve_mha_kv P p d dh H (lscale p D) C M Zn Kcs Vcs _ _ _ _ t k)).
Qed.

(** ** Exact cost, under every cost model: the work of [kv_tl_at] *)

Local Notation n := N.of_nat.

Section cost.
  Context (cm : kind -> nat).
  Local Notation wt := (op_cost cm).
  Local Notation mm c dh M := (M * (dh * (c * wt (OBin BMul) + wt (OSum c)))).

  Lemma ww_kve_head offQ offKc offKn offVc offVn M C c dh scale :
    wwork wt (kve_head_at offQ offKc offKn offVc offVn M C dh scale) + 3 * mm c dh M
    = wwork wt (kv_head_at 0 0 0 0 0 0 M C c dh scale).
  Proof.
    unfold kve_head_at, kv_head_at, kve_load_at, kv_qkv_at.
    rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?ww_matmul. lia.
  Qed.

  Lemma ww_kve_mha (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale :
    wwork wt (kve_mha_at oQ oKc oKn oVc oVn offO M C dh H d scale)
    = H * wwork wt (kve_head_at 0 0 0 0 0 M C dh scale) + mm (H * dh) d M.
  Proof.
    unfold kve_mha_at. rewrite ww_PSeq, ww_PPar, ww_keep.
    rewrite (ww_PFor_const wt H _ (wwork wt (kve_head_at 0 0 0 0 0 M C dh scale))).
    2: { intros h _. pose proof (ww_kve_head (oQ h) (oKc h) (oKn h) (oVc h) (oVn h) M C 0 dh scale).
         pose proof (ww_kve_head 0 0 0 0 0 M C 0 dh scale). lia. }
    unfold mha_proj_at.
    rewrite (ww_PFor2 wt M d _ (H * dh * wt (OBin BMul) + wt (OSum (H * dh)))) by (intros; apply ww_dot).
    lia.
  Qed.

  Lemma ww_kve_proj offZ (oQ oK oV : nat -> nat) M c dh H :
    wwork wt (kve_proj_at offZ oQ oK oV M c dh H) = H * (3 * mm c dh M).
  Proof.
    unfold kve_proj_at. rewrite ww_PPar.
    rewrite (ww_PFor_const wt H _ (mm c dh M)) by (intros; apply ww_matmul).
    rewrite (ww_PFor_const wt H _ (2 * mm c dh M))
      by (intros; rewrite ww_PPar, !ww_matmul; lia).
    lia.
  Qed.

  (** The cache-extending layer does exactly the work of [kv_tl_at]. *)
  Theorem ww_kve_tl p D M C (oKc oVc : nat -> nat) wo go r :
    wwork wt (kve_tl_at p D M C oKc oVc wo go r) = wwork wt (kv_tl_at p D M C oKc oVc wo go r).
  Proof.
    unfold kve_tl_at, kv_tl_at. rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r.
    rewrite ww_kve_proj, ww_kv_mha.
    rewrite ww_kve_mha, <- (ww_kve_head 0 0 0 0 0 M C (ld D) (ldh D) (lscale p D)), Nat.mul_add_distr_l.
    rewrite !ww_lnaff, !ww_ffn_inner.
    unfold tl_res. rewrite !ww_PPar, !ww_keep, !ww_ew. lia.
  Qed.

  Theorem kve_layer_cost_of p D M C (oKc oVc : nat -> nat) wo go r :
    n (wwork wt (kve_tl_at p D M C oKc oVc wo go r)) = kv_layer_cost cm D (n M) (n (C + M)).
  Proof. rewrite ww_kve_tl. apply kv_layer_cost_of. Qed.
End cost.
