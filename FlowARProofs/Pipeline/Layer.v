(** * One transformer layer, as the pipeline uses it

    The paper's AR transformer (PAPER.md §1.4 (g)) is a stack of layers
    "LN → Attn → FFN with residual connections", and FlowAR's velocity
    network is built from the same blocks.  One layer here is the standard
    pre-norm block (the released FlowAR block is [x + attn(norm(x))],
    then [x + mlp(norm(x))]):
    {v
      Z  = LN₁(X)                    (affine LayerNorm, Modules/LayerNorm.v)
      X₁ = X + MHA(Z)                (multi-head attention with key limit lim, Modules/Attention.v)
      X₂ = X₁ + FFN_inner(LN₂(X₁))   (FFN_inner(z) = ReLU(z·W₁ + b₁)·W₂ + b₂, Modules/FFN.v)
    v}
    Both sub-layers add to the residual stream; the FFN is used without its
    own residual ([fffn_inner]), since the block's residual is on [X₁], not
    on the normalized [LN₂(X₁)].  [ftlayer_residual] states this equation.

    Weights are read from a vector [G] at offset [wo] in the layout
    [tl_off] below ([rd G off r c] is the [r × c] matrix stored there); the
    program runs on a state [flat X ++ E ++ G] and returns
    [flat X₂ ++ E ++ G] ([tl_at_correct]), so layers can be iterated.
    Depth: [tl_depth], a constant in the trust record's depths. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention MLP FFN.
Import ListNotations.
Set Default Goal Selector "!".

(** Dimensions of a layer: width [d], [H] heads of width [dh], FFN width
    [dff]; the attention scale is the rational [sn/sd] rounded once. *)
Record LDims := { ld : nat; lH : nat; ldh : nat; ldff : nat; lsn : Z; lsd : Z }.

Implicit Types (P : FloatPrimitivesTC0) (D : LDims) (X : mat) (G E R : list flt)
  (p N wo go : nat).

Definition lscale p D : flt := fconst p (lsn D) (lsd D).

(** ** Weight layout of one layer (offsets from [wo]) *)

Definition o_g1 (D : LDims) := 0.
Definition o_b1 D := ld D.
Definition o_q D h := 2 * ld D + h * (3 * (ld D * ldh D)).
Definition o_k D h := o_q D h + ld D * ldh D.
Definition o_v D h := o_q D h + 2 * (ld D * ldh D).
Definition o_o D := 2 * ld D + lH D * (3 * (ld D * ldh D)).
Definition o_g2 D := o_o D + lH D * ldh D * ld D.
Definition o_b2 D := o_g2 D + ld D.
Definition o_w1 D := o_b2 D + ld D.
Definition o_c1 D := o_w1 D + ld D * ldff D.
Definition o_w2 D := o_c1 D + ldff D.
Definition o_c2 D := o_w2 D + ldff D * ld D.
(** Number of weights of one layer. *)
Definition tl_size D := o_c2 D + ld D.

(** ** Semantics *)

(** The attention sub-layer [X₁ = X + MHA(LN₁(X))]. *)
Definition ftattn P p D G wo (lim : nat -> nat) X : mat :=
  let d := ld D in let H := lH D in let dh := ldh D in
  let W o r c := rd G (wo + o) r c in
  let Z := flnaff P p d (W (o_g1 D) 1 d) (W (o_b1 D) 1 d) X in
  let A := fmha P p d dh H (lscale p D) lim Z (fun h => W (o_q D h) d dh)
                (fun h => W (o_k D h) d dh) (fun h => W (o_v D h) d dh) (W (o_o D) (H * dh) d) in
  fun i j => fadd p (X i j) (A i j).

(** The FFN sub-layer's update [FFN_inner(LN₂(X₁))] (without the residual). *)
Definition ftmlp P p D G wo X1 : mat :=
  let d := ld D in let dff := ldff D in
  let W o r c := rd G (wo + o) r c in
  let Z2 := flnaff P p d (W (o_g2 D) 1 d) (W (o_b2 D) 1 d) X1 in
  fffn_inner p d dff Z2 (W (o_w1 D) d dff) (W (o_c1 D) 1 dff) (W (o_w2 D) dff d) (W (o_c2 D) 1 d).

Definition ftlayer P p D G wo (lim : nat -> nat) X : mat :=
  let X1 := ftattn P p D G wo lim X in
  fun i j => fadd p (X1 i j) (ftmlp P p D G wo X1 i j).

(** The layer's equation, spelled out in the modules' semantics: the
    residual stream [X₁] is kept through the FFN sub-layer. *)
Lemma ftlayer_residual P p D G wo lim X i j :
  let d := ld D in let H := lH D in let dh := ldh D in let dff := ldff D in
  let W o r c := rd G (wo + o) r c in
  let X1 := fun i j =>
    fadd p (X i j)
      (fmha P p d dh H (lscale p D) lim (flnaff P p d (W (o_g1 D) 1 d) (W (o_b1 D) 1 d) X)
            (fun h => W (o_q D h) d dh) (fun h => W (o_k D h) d dh) (fun h => W (o_v D h) d dh)
            (W (o_o D) (H * dh) d) i j) in
  ftlayer P p D G wo lim X i j
  = fadd p (X1 i j)
      (fffn_inner p d dff (flnaff P p d (W (o_g2 D) 1 d) (W (o_b2 D) 1 d) X1)
         (W (o_w1 D) d dff) (W (o_c1 D) 1 dff) (W (o_w2 D) dff d) (W (o_c2 D) 1 d) i j).
Proof. reflexivity. Qed.

(** ** Program on the state [flat X ++ R], [G] at offset [go] inside [R], [|R| = r] *)

(** The residual step: on [flat A ++ flat X ++ R], returns [flat (X + A) ++ R]. *)
Definition tl_res N d r : prog :=
  PPar (ew_prog N d (OBin BAdd) (fun i j => [FIn (N * d + (i * d + j)); FIn (i * d + j)]))
       (keep (2 * (N * d)) r).

Definition tl_at p D N (lim : nat -> nat) wo go (r : nat) : prog :=
  let d := ld D in let H := lH D in let dh := ldh D in let dff := ldff D in
  let nd := N * d in
  let g k o := k + go + (wo + o) in
  PSeq (PPar (lnaff_at p 0 (g nd (o_g1 D)) (g nd (o_b1 D)) N d) (keep 0 (nd + r)))
  (PSeq (PPar (mha_at 0 (fun h => g (2 * nd) (o_q D h)) (fun h => g (2 * nd) (o_k D h))
                        (fun h => g (2 * nd) (o_v D h)) (g (2 * nd) (o_o D)) N d dh H d
                        (lscale p D) lim)
              (keep nd (nd + r)))
  (PSeq (tl_res N d r)
  (PSeq (PPar (lnaff_at p 0 (g nd (o_g2 D)) (g nd (o_b2 D)) N d) (keep 0 (nd + r)))
  (PSeq (PPar (ffn_inner_at 0 (g (2 * nd) (o_w1 D)) (g (2 * nd) (o_c1 D)) (g (2 * nd) (o_w2 D))
                            (g (2 * nd) (o_c2 D)) N d dff)
              (keep nd (nd + r)))
        (tl_res N d r))))).

(** ** Correctness *)

Lemma keep_app P p xs S a g :
  length xs = a -> length S = g -> peval P p (keep a g) (xs ++ S) = S.
Proof. intros <- <-. apply keep_correct. Qed.

Lemma keep0 P p S g : length S = g -> peval P p (keep 0 g) S = S.
Proof. intros H. exact (keep_app P p [] S 0 g eq_refl H). Qed.

Lemma block_weights pre E G k go o r c :
  length pre = k -> length E = go -> block (pre ++ E ++ G) (k + go + o) r c (rd G o r c).
Proof.
  intros Hk HE. rewrite app_assoc.
  replace (k + go + o) with (length (pre ++ E) + o) by (rewrite app_length; lia).
  apply block_rd_app.
Qed.

Lemma block_front r c A ys : block (flat r c A ++ ys) 0 r c A.
Proof. apply block_flat_app_l. Qed.

Lemma block_second r c A B ys : block (flat r c A ++ flat r c B ++ ys) (r * c) r c B.
Proof.
  rewrite <- (flat_length r c A), <- (Nat.add_0_r (length (flat r c A))).
  apply block_app_r, block_flat_app_l.
Qed.

Local Ltac bw := apply block_weights; [rewrite ?app_length, ?flat_length; lia|reflexivity].

Lemma tl_res_correct P p N d A X R r :
  length R = r ->
  peval P p (tl_res N d r) (flat N d A ++ flat N d X ++ R)
  = flat N d (fun i j => fadd p (X i j) (A i j)) ++ R.
Proof.
  intros HR. unfold tl_res. rewrite peval_PPar, ew_prog_correct.
  rewrite app_assoc, (keep_app P p (flat N d A ++ flat N d X) R).
  2: rewrite app_length, !flat_length; lia.
  2: exact HR.
  f_equal. apply flat_ext. intros i j Hi Hj. cbn [map fsrc_val opsem binsem nth].
  rewrite <- app_assoc, (block_second N d A X R i j Hi Hj), (block_front N d A _ i j Hi Hj).
  reflexivity.
Qed.

Theorem tl_at_correct P p D N lim wo X E G :
  (forall i, i < N -> lim i <= N) ->
  peval P p (tl_at p D N lim wo (length E) (length E + length G)) (flat N (ld D) X ++ E ++ G)
  = flat N (ld D) (ftlayer P p D G wo lim X) ++ E ++ G.
Proof.
  intros Hlim. unfold tl_at, ftlayer.
  set (d := ld D). set (H := lH D). set (dh := ldh D). set (dff := ldff D).
  set (go := length E). set (R := E ++ G).
  assert (HR : length R = go + length G) by (subst R go; apply app_length).
  assert (Hnd : length (flat N d X) = N * d) by apply flat_length.
  (* stage 1: LN₁ *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (lnaff_at_correct P p _ 0 _ _ N d X (rd G (wo + o_g1 D) 1 d) (rd G (wo + o_b1 D) 1 d)).
  2: apply block_front.
  2, 3: bw.
  rewrite keep0 by (rewrite app_length, flat_length; lia).
  set (Z := flnaff P p d (rd G (wo + o_g1 D) 1 d) (rd G (wo + o_b1 D) 1 d) X).
  (* stage 2: attention *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (mha_at_correct P p _ 0 _ _ _ _ N d dh H d (lscale p D) lim Z
             (fun h => rd G (wo + o_q D h) d dh) (fun h => rd G (wo + o_k D h) d dh)
             (fun h => rd G (wo + o_v D h) d dh) (rd G (wo + o_o D) (H * dh) d)).
  2: exact Hlim.
  2: apply block_front.
  2: { intros h _. rewrite app_assoc. repeat split; bw. }
  2: { rewrite app_assoc. bw. }
  rewrite (keep_app P p (flat N d Z) (flat N d X ++ R)).
  2: apply flat_length.
  2: rewrite app_length, flat_length; lia.
  set (A := fmha P p d dh H (lscale p D) lim Z _ _ _ _).
  (* stage 3: first residual, X₁ = X + A *)
  rewrite peval_PSeq, (tl_res_correct P p N d A X R) by lia.
  set (X1 := fun i j => fadd p (X i j) (A i j)).
  (* stage 4: LN₂, keeping X₁ *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (lnaff_at_correct P p _ 0 _ _ N d X1 (rd G (wo + o_g2 D) 1 d) (rd G (wo + o_b2 D) 1 d)).
  2: apply block_front.
  2, 3: bw.
  rewrite keep0 by (rewrite app_length, flat_length; lia).
  set (Z2 := flnaff P p d _ _ X1).
  (* stage 5: FFN without residual *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (ffn_inner_at_correct P p _ 0 _ _ _ _ N d dff Z2 (rd G (wo + o_w1 D) d dff)
             (rd G (wo + o_c1 D) 1 dff) (rd G (wo + o_w2 D) dff d) (rd G (wo + o_c2 D) 1 d)).
  2: apply block_front.
  2-5: rewrite app_assoc; bw.
  rewrite (keep_app P p (flat N d Z2) (flat N d X1 ++ R)).
  2: apply flat_length.
  2: rewrite app_length, flat_length; lia.
  (* stage 6: second residual, X₂ = X₁ + FFN_inner(LN₂ X₁) *)
  rewrite (tl_res_correct P p N d _ X1 R) by lia.
  reflexivity.
Qed.

(** ** Typing *)

Lemma o_qkv_le D h : h < lH D -> o_v D h + ld D * ldh D <= o_o D.
Proof. intros Hh. unfold o_v, o_q, o_o. nia. Qed.

Lemma lscale_valid p D : valid p (lscale p D) = true.
Proof. apply fconst_valid. Qed.

Lemma tl_res_arity N d r : arity_out (tl_res N d r) = N * d + r.
Proof. unfold tl_res. cbn [arity_out]. rewrite ew_prog_arity, keep_arity. reflexivity. Qed.

Lemma tl_res_wt p N d r : pwt p (2 * (N * d) + r) (tl_res N d r).
Proof.
  unfold tl_res. split.
  - apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
    repeat constructor; cbn; nia.
  - apply keep_wt_le. lia.
Qed.

Local Ltac arity_simpl :=
  change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b);
  rewrite ?lnaff_at_arity, ?ffn_inner_at_arity, ?tl_res_arity, ?keep_arity.

Theorem tl_at_wt p D N lim wo go r :
  (forall i, i < N -> lim i <= N) -> go + (wo + tl_size D) <= r ->
  pwt p (N * ld D + r) (tl_at p D N lim wo go r).
Proof.
  intros Hlim Hr. unfold tl_at.
  assert (Hsz : o_c2 D + ld D <= tl_size D) by (unfold tl_size; lia).
  assert (Hoff : o_g1 D <= o_b1 D /\ o_b1 D + ld D <= o_o D
                 /\ o_o D + lH D * ldh D * ld D <= o_g2 D
                 /\ o_g2 D + ld D <= o_b2 D /\ o_b2 D + ld D <= o_w1 D
                 /\ o_w1 D + ld D * ldff D <= o_c1 D
                 /\ o_c1 D + ldff D <= o_w2 D /\ o_w2 D + ldff D * ld D <= o_c2 D).
  { unfold o_c2, o_w2, o_c1, o_w1, o_b2, o_g2, o_o, o_b1, o_g1. repeat split; nia. }
  cbn [pwt]. split; [split|].
  { apply lnaff_at_wt; lia. }
  { apply keep_wt_le. lia. }
  arity_simpl. split; [split|].
  { apply mha_at_wt; auto using lscale_valid; try lia.
    intros h Hh. pose proof (o_qkv_le D h Hh). unfold o_k, o_v in *. repeat split; lia. }
  { apply keep_wt_le. lia. }
  arity_simpl. rewrite (mha_at_arity _ _ _ _ _ N (ld D) (ldh D) (lH D) (ld D) _ lim).
  split.
  { replace (N * ld D + (N * ld D + r)) with (2 * (N * ld D) + r) by lia. apply tl_res_wt. }
  arity_simpl. split; [split|].
  { apply lnaff_at_wt; lia. }
  { apply keep_wt_le. lia. }
  arity_simpl. split; [split|].
  { apply ffn_inner_at_wt; lia. }
  { apply keep_wt_le. lia. }
  arity_simpl. replace (N * ld D + (N * ld D + r)) with (2 * (N * ld D) + r) by lia.
  apply tl_res_wt.
Qed.

Lemma tl_at_arity p D N lim wo go r :
  (forall i, i < N -> lim i <= N) -> arity_out (tl_at p D N lim wo go r) = N * ld D + r.
Proof. intros _. unfold tl_at. cbn [arity_out]. apply tl_res_arity. Qed.

(** ** Depth: a constant in the trust record's depths *)

(** The FFN's residual addition moved out of the FFN into the block, so the
    value is the same as the FFN-with-residual count
    [(6·d_std + 2·d_⊕ + 2)]: [27·d_std + 10·d_⊕ + d_exp + 2·d_sqrt + 2]
    ([tl_depth_value]). *)
Definition tl_depth P : nat :=
  (7 * d_std P + 2 * d_sum P + d_sqrt P)            (* LN₁ *)
  + (4 * (d_std P + d_sum P) + 2 * d_std P + d_exp P) (* MHA *)
  + d_std P                                          (* residual X + MHA *)
  + (7 * d_std P + 2 * d_sum P + d_sqrt P)           (* LN₂ *)
  + (5 * d_std P + 2 * d_sum P + 2)                  (* FFN_inner *)
  + d_std P.                                         (* residual X₁ + FFN_inner *)

Lemma tl_depth_value P :
  tl_depth P = 27 * d_std P + 10 * d_sum P + d_exp P + 2 * d_sqrt P + 2.
Proof. unfold tl_depth. lia. Qed.

Lemma tl_res_wdepth P N d r : wdepth (op_dbound P) (tl_res N d r) <= d_std P.
Proof.
  unfold tl_res. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (ew_prog_wdepth P N d (OBin BAdd)
                (fun i j => [FIn (N * d + (i * d + j)); FIn (i * d + j)])).
  cbn [op_dbound] in *. lia.
Qed.

Theorem tl_at_wdepth P p D N lim wo go r : wdepth (op_dbound P) (tl_at p D N lim wo go r) <= tl_depth P.
Proof.
  unfold tl_at, tl_depth. cbn [wdepth]. rewrite !keep_wdepth.
  pose proof (lnaff_at_wdepth P p 0 (N * ld D + go + (wo + o_g1 D)) (N * ld D + go + (wo + o_b1 D)) N (ld D)).
  pose proof (lnaff_at_wdepth P p 0 (N * ld D + go + (wo + o_g2 D)) (N * ld D + go + (wo + o_b2 D)) N (ld D)).
  pose proof (mha_at_wdepth P 0 (fun h => 2 * (N * ld D) + go + (wo + o_q D h))
                (fun h => 2 * (N * ld D) + go + (wo + o_k D h))
                (fun h => 2 * (N * ld D) + go + (wo + o_v D h))
                (2 * (N * ld D) + go + (wo + o_o D)) N (ld D) (ldh D) (lH D) (ld D) (lscale p D) lim).
  pose proof (tl_res_wdepth P N (ld D) r).
  pose proof (ffn_inner_at_wdepth P 0 (2 * (N * ld D) + go + (wo + o_w1 D))
                (2 * (N * ld D) + go + (wo + o_c1 D)) (2 * (N * ld D) + go + (wo + o_w2 D))
                (2 * (N * ld D) + go + (wo + o_c2 D)) N (ld D) (ldff D)).
  lia.
Qed.

(** ** Shape: a polynomial in the dimensions (for the size bound) *)

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try lia.

Lemma lnaff_shape p offX offG offB N c B : N <= B -> c <= B -> 1 <= B ->
  shape (lnaff_at p offX offG offB N c) <= 50 * (B * B).
Proof.
  intros. unfold shape. rewrite lnaff_at_ops, lnaff_at_pads, lnaff_at_arity.
  pose proof (lnaff_at_maxar p offX offG offB N c). nia.
Qed.

Lemma ffn_inner_shape offX offW1 offb1 offW2 offb2 N d dff B :
  N <= B -> d <= B -> dff <= B -> 1 <= B ->
  shape (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff) <= 60 * (B * (B * B)).
Proof.
  intros. unfold shape. rewrite ffn_inner_at_ops, ffn_inner_at_pads, ffn_inner_at_arity.
  pose proof (ffn_inner_at_maxar offX offW1 offb1 offW2 offb2 N d dff).
  assert (maxar (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff) <= B + 2) by lia.
  apply (Nat.le_trans _ (B * (B * (B + 2)) + B * B + B * (B * (B + 2)) +
     (2 * (B * B * B) + 8 * (B * B) + 4 * (B * B) + 2 * (B * B) + 2 * B) + (B + 2) + B * B)).
  - mono.
  - nia.
Qed.

Lemma mha_shape offX (oQ oK oV : nat -> nat) offO N c dh H d scale lim B :
  (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> dh <= B -> H <= B -> d <= B -> 1 <= B ->
  shape (mha_at offX oQ oK oV offO N c dh H d scale lim) <= 200 * (B * (B * (B * B))).
Proof.
  intros Hlim. intros. unfold shape.
  rewrite (mha_at_ops offX oQ oK oV offO N c dh H d scale lim Hlim),
    (mha_at_pads offX oQ oK oV offO N c dh H d scale lim Hlim),
    (mha_at_arity offX oQ oK oV offO N c dh H d scale lim).
  pose proof (mha_at_maxar offX oQ oK oV offO N c dh H d scale lim Hlim).
  assert (HS : list_sum (map lim (seq 0 N)) <= B * B).
  { apply (Nat.le_trans _ (N * N)); [apply list_sum_le_max_mul; auto|nia]. }
  assert (maxar (mha_at offX oQ oK oV offO N c dh H d scale lim) <= B * B + 2).
  { assert (H * dh <= B * B) by nia. assert (B <= B * B) by nia. lia. }
  set (S := list_sum (map lim (seq 0 N))) in *.
  apply (Nat.le_trans _
    (B * (3 * (B * (B * (B + 1))) + (2 * B + 3) * (B * B) + B + 2 * (B * B)) + B * (B * (B * B + 1))
     + (B * (3 * (B * (B * B)) + 17 * (B * B) + 2 * (B * (B * B)) + 3 * (B * B) + 3 * B)
        + 2 * (B * (B * B)) + B * B * B + (B * (B * (B * B) + B) + B * B))
     + (B * B + 2) + B * B)).
  - mono.
  - nia.
Qed.

Lemma B_pows B : 1 <= B ->
  1 <= B * B /\ B * B <= B * (B * (B * B)) /\ B * (B * B) <= B * (B * (B * B)).
Proof. intros. repeat split; nia. Qed.

Lemma tl_res_shape N d r B : N <= B -> d <= B -> 1 <= B ->
  shape (tl_res N d r) <= 12 * (B * B) + 2 * r.
Proof.
  intros HN Hd HB. unfold tl_res.
  pose proof (shape_PPar (ew_prog N d (OBin BAdd)
                (fun i j => [FIn (N * d + (i * d + j)); FIn (i * d + j)])) (keep (2 * (N * d)) r)).
  rewrite shape_keep in *.
  assert (shape (ew_prog N d (OBin BAdd)
                (fun i j => [FIn (N * d + (i * d + j)); FIn (i * d + j)])) <= 6 * (B * B)).
  { unfold shape.
    destruct (ew_prog_counts N d (OBin BAdd)
      (fun i j => [FIn (N * d + (i * d + j)); FIn (i * d + j)]))
      as (Ho & Hp & _ & Hm & Ha); [intros; reflexivity|].
    rewrite Ho, Hp, Ha. cbn [op_arity] in Hm. rewrite Nat.mul_1_r, Nat.mul_0_r, Nat.add_0_l.
    assert (N * d <= B * B) by (apply Nat.mul_le_mono; lia).
    pose proof (B_pows B HB). lia. }
  lia.
Qed.

Lemma tl_shape p D N lim wo go r B :
  (forall i, i < N -> lim i <= N) ->
  N <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> ldff D <= B -> 1 <= B ->
  shape (tl_at p D N lim wo go r) <= 1000 * (B * (B * (B * B))) + 20 * r.
Proof.
  intros Hlim HN Hd Hdh HH Hff HB. unfold tl_at.
  set (m1 := lnaff_at _ _ _ _ _ _). set (m2 := mha_at _ _ _ _ _ _ _ _ _ _ _ _).
  set (m4 := lnaff_at _ _ _ _ _ _).
  set (m5 := ffn_inner_at _ _ _ _ _ _ _ _).
  assert (S1 : shape m1 <= 50 * (B * B)) by (apply lnaff_shape; lia).
  assert (S2 : shape m2 <= 200 * (B * (B * (B * B)))) by (apply mha_shape; auto).
  assert (S3 : shape (tl_res N (ld D) r) <= 12 * (B * B) + 2 * r) by (apply tl_res_shape; lia).
  assert (S4 : shape m4 <= 50 * (B * B)) by (apply lnaff_shape; lia).
  assert (S5 : shape m5 <= 60 * (B * (B * B))) by (apply ffn_inner_shape; lia).
  assert (HND : N * ld D <= B * B) by (apply Nat.mul_le_mono; lia).
  pose proof (B_pows B HB).
  pose proof (shape_PPar m1 (keep 0 (N * ld D + r))).
  pose proof (shape_PPar m2 (keep (N * ld D) (N * ld D + r))).
  pose proof (shape_PPar m4 (keep 0 (N * ld D + r))).
  pose proof (shape_PPar m5 (keep (N * ld D) (N * ld D + r))).
  rewrite !shape_keep in *.
  set (s1 := PPar m1 _) in *. set (s2 := PPar m2 _) in *. set (s3 := tl_res _ _ _) in *.
  set (s4 := PPar m4 _) in *. set (s5 := PPar m5 _) in *.
  pose proof (shape_PSeq s1 (PSeq s2 (PSeq s3 (PSeq s4 (PSeq s5 s3))))).
  pose proof (shape_PSeq s2 (PSeq s3 (PSeq s4 (PSeq s5 s3)))).
  pose proof (shape_PSeq s3 (PSeq s4 (PSeq s5 s3))).
  pose proof (shape_PSeq s4 (PSeq s5 s3)). pose proof (shape_PSeq s5 s3).
  lia.
Qed.
