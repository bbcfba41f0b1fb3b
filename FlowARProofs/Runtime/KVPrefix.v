(** * The prefix property of the block-causal AR transformer

    Why a KV cache is exact: at scale [i], the rows of the blocks [≤ j]
    ([j ≤ i]) of every layer's hidden state are the same as at scale [j]
    ([ar_prefix]).  Hence the keys and values a cache keeps from scale [j]
    are those the recomputing transformer uses at scale [i]
    ([kv_cache_keys]), and with [Runtime/KVCache.v]'s [fmha_rows_kv] the
    newest block's attention can be computed from the cache.

    The argument is row-locality, module by module ([rows_eq R c A B]: [A]
    and [B] agree on rows [< R], columns [< c]): LayerNorm, MLP and FFN are
    row-wise (and so are the residual additions); attention row [t] reads rows [< lim t], and the block-causal
    [lim] keeps rows [< R] inside [R] when [R] is a block boundary.  One
    lemma per module; [ftlayer_rows] composes them as the layer does. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Tensor Block MatMul Stage.
From FlowARProofs.Modules Require Import LayerNorm Attention MLP FFN.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR.
From FlowARProofs.Runtime Require Import Exact.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (X Z A B W : mat) (p c R : nat).

Definition rows_eq R c A B : Prop := forall t k, t < R -> k < c -> A t k = B t k.

Lemma fdot_ext p m (a a' b b' : nat -> flt) :
  (forall k, k < m -> a k = a' k) -> (forall k, k < m -> b k = b' k) -> fdot p m a b = fdot p m a' b'.
Proof.
  intros Ha Hb. unfold fdot. f_equal. apply map_ext_in. intros k Hk. apply in_seq in Hk.
  rewrite Ha, Hb by lia. reflexivity.
Qed.

Lemma fmatmul_rows p c R X X' W n3 :
  rows_eq R c X X' -> rows_eq R n3 (fmatmul p c X W) (fmatmul p c X' W).
Proof. intros H t k Ht Hk. unfold fmatmul. apply fdot_ext; auto. Qed.

Lemma fmlp_rows p c R X X' W b n3 :
  rows_eq R c X X' -> rows_eq R n3 (fmlp p c X W b) (fmlp p c X' W b).
Proof.
  intros H t k Ht Hk. unfold fmlp.
  rewrite (fdot_ext p c (fun k' => X t k') (fun k' => X' t k') (fun k' => W k' k) (fun k' => W k' k));
    [reflexivity| |reflexivity]. intros; apply H; lia.
Qed.

Lemma flnaff_rows P p c R G B X X' :
  rows_eq R c X X' -> rows_eq R c (flnaff P p c G B X) (flnaff P p c G B X').
Proof.
  intros H t l Ht Hl.
  assert (Hm : fmean p c X t = fmean p c X' t).
  { unfold fmean. do 2 f_equal. apply map_ext_in. intros k Hk. apply in_seq in Hk. apply H; lia. }
  assert (Hc : forall k, k < c -> fcent p c X t k = fcent p c X' t k).
  { intros k Hk. unfold fcent. rewrite Hm, H by lia. reflexivity. }
  assert (Hv : fvar p c X t = fvar p c X' t).
  { unfold fvar. rewrite (fdot_ext p c (fcent p c X t) (fcent p c X' t) (fcent p c X t) (fcent p c X' t) Hc Hc).
    reflexivity. }
  unfold flnaff, fln. rewrite Hc, Hv by exact Hl. reflexivity.
Qed.

(** Attention row [t < R] reads rows [< lim t ≤ R]. *)
Lemma fattn_rows P p c dh scale R (lim lim' : nat -> nat) Z Z' WQ WK WV :
  (forall t, t < R -> lim t = lim' t /\ lim t <= R) -> rows_eq R c Z Z' ->
  forall t l, t < R -> fattn P p c dh scale lim Z WQ WK WV t l = fattn P p c dh scale lim' Z' WQ WK WV t l.
Proof.
  intros Hlim HZ t l Ht. destruct (Hlim t Ht) as [E Hle]. unfold fattn. rewrite <- E.
  assert (Hw : forall j, j < lim t -> fattw P p c dh scale Z WQ WK t j = fattw P p c dh scale Z' WQ WK t j).
  { intros j Hj. unfold fattw, fscore.
    rewrite (fdot_ext p dh (fmatmul p c Z WQ t) (fmatmul p c Z' WQ t) (fmatmul p c Z WK j)
               (fmatmul p c Z' WK j)); [reflexivity| |];
      intros k Hk; apply (fmatmul_rows p c R Z Z' _ dh HZ); lia. }
  rewrite (fdot_ext p (lim t) (fattw P p c dh scale Z WQ WK t) (fattw P p c dh scale Z' WQ WK t)
             (fun j => fmatmul p c Z WV j l) (fun j => fmatmul p c Z' WV j l) Hw).
  2: { intros j Hj. apply (fmatmul_rows p c R Z Z' WV (S l) HZ); lia. }
  rewrite (map_ext_in (fattw P p c dh scale Z WQ WK t) (fattw P p c dh scale Z' WQ WK t)).
  2: { intros j Hj. apply in_seq in Hj. apply Hw. lia. }
  reflexivity.
Qed.

Lemma fmha_rows P p c dh H scale R (lim lim' : nat -> nat) Z Z' (WQs WKs WVs : nat -> mat) WO d :
  (forall t, t < R -> lim t = lim' t /\ lim t <= R) -> rows_eq R c Z Z' ->
  rows_eq R d (fmha P p c dh H scale lim Z WQs WKs WVs WO) (fmha P p c dh H scale lim' Z' WQs WKs WVs WO).
Proof.
  intros Hlim HZ t j Ht Hj. unfold fmha, fmatmul, fconcat. apply fdot_ext; [|reflexivity].
  intros m Hm. apply (fattn_rows P p c dh scale R lim lim'); auto.
Qed.

Lemma fffn_inner_rows p d dff R X X' W1 b1 W2 b2 :
  rows_eq R d X X' -> rows_eq R d (fffn_inner p d dff X W1 b1 W2 b2) (fffn_inner p d dff X' W1 b1 W2 b2).
Proof.
  intros H t j Ht Hj. unfold fffn_inner.
  assert (Hr : rows_eq R dff (frelu p (fmlp p d X W1 b1)) (frelu p (fmlp p d X' W1 b1))).
  { intros t' k Ht' Hk. unfold frelu. rewrite (fmlp_rows p d R X X' W1 b1 dff H t' k Ht' Hk).
    reflexivity. }
  exact (fmlp_rows p dff R _ _ W2 b2 d Hr t j Ht Hj).
Qed.

Lemma fffn_rows p d dff R X X' W1 b1 W2 b2 :
  rows_eq R d X X' -> rows_eq R d (fffn p d dff X W1 b1 W2 b2) (fffn p d dff X' W1 b1 W2 b2).
Proof.
  intros H t j Ht Hj. unfold fffn. rewrite H, (fffn_inner_rows p d dff R X X') by auto.
  reflexivity.
Qed.

(** A residual step [A + F(A)] keeps rows when [F] does. *)
Lemma res_rows p R c A A' F F' :
  rows_eq R c A A' -> rows_eq R c F F' ->
  rows_eq R c (fun i j => fadd p (A i j) (F i j)) (fun i j => fadd p (A' i j) (F' i j)).
Proof. intros HA HF t k Ht Hk. rewrite HA, HF by auto. reflexivity. Qed.

(** The attention sub-layer [X₁ = X + MHA(LN₁ X)]. *)
Lemma ftattn_rows P p D G wo R (lim lim' : nat -> nat) X X' :
  (forall t, t < R -> lim t = lim' t /\ lim t <= R) -> rows_eq R (ld D) X X' ->
  rows_eq R (ld D) (ftattn P p D G wo lim X) (ftattn P p D G wo lim' X').
Proof.
  intros Hlim HX. unfold ftattn. cbv zeta. apply res_rows; [exact HX|].
  apply (fmha_rows P p _ _ _ _ R lim lim' _ _ _ _ _ _ (ld D) Hlim), flnaff_rows, HX.
Qed.

(** One layer, composed as [Pipeline/Layer.v] composes it:
    [X₂ = X₁ + FFN_inner(LN₂ X₁)], [X₁ = X + MHA(LN₁ X)]. *)
Theorem ftlayer_rows P p D G wo R (lim lim' : nat -> nat) X X' :
  (forall t, t < R -> lim t = lim' t /\ lim t <= R) -> rows_eq R (ld D) X X' ->
  rows_eq R (ld D) (ftlayer P p D G wo lim X) (ftlayer P p D G wo lim' X').
Proof.
  intros Hlim HX. unfold ftlayer.
  pose proof (ftattn_rows P p D G wo R lim lim' X X' Hlim HX) as H1.
  apply res_rows; [exact H1|].                                                  (* residual *)
  unfold ftmlp. cbv zeta. apply fffn_inner_rows, flnaff_rows, H1.               (* FFN_inner ∘ LN₂ *)
Qed.

Lemma iterate_rows (f g : nat -> mat -> mat) R c k X X' :
  (forall l Y Y', l < k -> rows_eq R c Y Y' -> rows_eq R c (f l Y) (g l Y')) ->
  rows_eq R c X X' -> rows_eq R c (iterate f k X) (iterate g k X').
Proof.
  intros Hfg HX. induction k as [|k IH]; cbn [iterate]; [exact HX|].
  apply Hfg; [lia|]. apply IH. intros; apply Hfg; auto; lia.
Qed.

(** ** FlowAR's scales *)

Lemma bc_lim_app ns ms t : t < list_sum ns -> bc_lim (ns ++ ms) t = bc_lim ns t.
Proof.
  revert t. induction ns as [|k ns IH]; intros t Ht; [cbn in Ht; lia|].
  change (list_sum (k :: ns)) with (k + list_sum ns) in Ht. cbn [app bc_lim]. destruct (Nat.ltb_spec t k); [reflexivity|]. rewrite IH; [reflexivity|lia].
Qed.

(** The limits of scale [i] restricted to the tokens of scales [≤ j] are those of scale [j]. *)
Lemma lim_at_prefix cfg i j t :
  j <= i -> t < ntok cfg j -> lim_at cfg i t = lim_at cfg j t /\ lim_at cfg j t <= ntok cfg j.
Proof.
  intros Hji Ht. split; [|apply lim_at_le, Ht].
  unfold lim_at. replace (S i) with (S j + (i - j)) by lia. rewrite seq_app, map_app.
  apply bc_lim_app. exact Ht.
Qed.

Section scales.
  Context (P : FloatPrimitivesTC0) (p : nat) (cfg : Config) (G : list flt).

  (** The input sequence of scale [i] starts with the one of scale [j ≤ i]. *)
  Lemma fseq_prefix Ys i j : j <= i -> rows_eq (ntok cfg j) (dm cfg) (fseq p cfg G Ys i) (fseq p cfg G Ys j).
  Proof.
    intros Hji. induction Hji as [|i Hji IH]; [intros t k _ _; reflexivity|].
    intros t k Ht Hk. cbn [fseq]. unfold vcat.
    pose proof (ntok_mono cfg j i Hji). destruct (Nat.ltb_spec t (ntok cfg i)); [|lia].
    apply IH; auto.
  Qed.

  (** The hidden state after [l] AR layers at scale [i]. *)
  Definition hidden Ys i l : mat :=
    iterate (fun l X => ftlayer P p (LD cfg) G (off_ar cfg l) (lim_at cfg i) X) l (fseq p cfg G Ys i).

  (** The prefix property: rows of the blocks [≤ j] are computed at scale
      [i] exactly as at scale [j], at every layer. *)
  Theorem ar_prefix Ys i j l :
    j <= i -> rows_eq (ntok cfg j) (dm cfg) (hidden Ys i l) (hidden Ys j l).
  Proof.
    intros Hji. unfold hidden. apply iterate_rows; [|apply fseq_prefix, Hji].
    intros l' Y Y' _ HY. apply ftlayer_rows; [|exact HY].
    intros t Ht. destruct (lim_at_prefix cfg i j t Hji Ht) as [E1 E2]. rewrite E1. auto.
  Qed.

  (** What a KV cache keeps is right: layer [l]'s keys (and likewise
      values) of the tokens of scales [≤ j], computed at scale [j], are the
      keys the recomputing transformer uses at scale [i ≥ j]. *)
  Corollary kv_cache_keys Ys i j l (WK : mat) dh G0 B0 :
    j <= i ->
    rows_eq (ntok cfg j) dh
      (fmatmul p (dm cfg) (flnaff P p (dm cfg) G0 B0 (hidden Ys i l)) WK)
      (fmatmul p (dm cfg) (flnaff P p (dm cfg) G0 B0 (hidden Ys j l)) WK).
  Proof. intros Hji. apply fmatmul_rows, flnaff_rows, ar_prefix, Hji. Qed.
End scales.
