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

Implicit Types (P : FloatFns) (D : LDims) (X : mat) (G E R : list flt)
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

(** ** Semantics

    The attention sub-layer depends on the attention module ([ftattn_g]
    below); the FFN sub-layer is common to all of them. *)

(** The FFN sub-layer's update [FFN_inner(LN₂(X₁))] (without the residual). *)
Definition ftmlp (P : FloatFns) p D G wo X1 : mat :=
  let d := ld D in let dff := ldff D in
  let W o r c := rd G (wo + o) r c in
  let Z2 := flnaff P p d (W (o_g2 D) 1 d) (W (o_b2 D) 1 d) X1 in
  fffn_inner p d dff Z2 (W (o_w1 D) d dff) (W (o_c1 D) 1 dff) (W (o_w2 D) dff d) (W (o_c2 D) 1 d).

(** ** Program on the state [flat X ++ R], [G] at offset [go] inside [R], [|R| = r] *)

(** The residual step: on [flat A ++ flat X ++ R], returns [flat (X + A) ++ R]. *)
Definition tl_res N d r : prog :=
  PPar (ew_prog N d (OBin BAdd) (fun i j => [FIn (N * d + (i * d + j)); FIn (i * d + j)]))
       (keep (2 * (N * d)) r).

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

(** A LayerNorm stage of a layer (LN₁ or LN₂, weights at [o_g], [o_b] of
    the layout) on [flat X ++ E' ++ G], keeping its input. *)
Lemma tl_ln_stage_correct P p D G wo N X E' r og ob o_g o_b :
  og = N * ld D + length E' + (wo + o_g) -> ob = N * ld D + length E' + (wo + o_b) ->
  r = length E' + length G ->
  peval P p (PPar (lnaff_at p 0 og ob N (ld D)) (keep 0 (N * ld D + r))) (flat N (ld D) X ++ E' ++ G)
  = flat N (ld D) (flnaff P p (ld D) (rd G (wo + o_g) 1 (ld D)) (rd G (wo + o_b) 1 (ld D)) X)
    ++ flat N (ld D) X ++ E' ++ G.
Proof.
  intros -> -> ->. rewrite peval_PPar.
  rewrite (lnaff_at_correct P p _ 0 _ _ N (ld D) X (rd G (wo + o_g) 1 (ld D)) (rd G (wo + o_b) 1 (ld D))).
  2: apply block_front.
  2, 3: bw.
  rewrite keep0 by (rewrite !app_length, flat_length; lia). reflexivity.
Qed.

(** The FFN half of a layer (stages 4–6: LN₂, FFN_inner, residual) on
    [flat X₁ ++ E' ++ G]: every layer ends with it, whatever its attention
    ([tl_at_g], the KV-cached layers of [Runtime/]). *)
Lemma tl_ffn_half_correct P p D G wo N X1 E' r og ob ow1 oc1 ow2 oc2 :
  og = N * ld D + length E' + (wo + o_g2 D) -> ob = N * ld D + length E' + (wo + o_b2 D) ->
  ow1 = 2 * (N * ld D) + length E' + (wo + o_w1 D) -> oc1 = 2 * (N * ld D) + length E' + (wo + o_c1 D) ->
  ow2 = 2 * (N * ld D) + length E' + (wo + o_w2 D) -> oc2 = 2 * (N * ld D) + length E' + (wo + o_c2 D) ->
  r = length E' + length G ->
  peval P p
    (PSeq (PPar (lnaff_at p 0 og ob N (ld D)) (keep 0 (N * ld D + r)))
    (PSeq (PPar (ffn_inner_at 0 ow1 oc1 ow2 oc2 N (ld D) (ldff D)) (keep (N * ld D) (N * ld D + r)))
          (tl_res N (ld D) r)))
    (flat N (ld D) X1 ++ E' ++ G)
  = flat N (ld D) (fun i j => fadd p (X1 i j) (ftmlp P p D G wo X1 i j)) ++ E' ++ G.
Proof.
  intros -> -> -> -> -> -> ->.
  (* LN₂, keeping X₁ *)
  rewrite peval_PSeq, (tl_ln_stage_correct P p D G wo N X1 E' _ _ _ (o_g2 D) (o_b2 D) eq_refl eq_refl eq_refl).
  set (d := ld D). set (dff := ldff D). set (R := E' ++ G).
  assert (HR : length R = length E' + length G) by apply app_length.
  set (Z2 := flnaff P p d _ _ X1).
  (* FFN without residual *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (ffn_inner_at_correct P p _ 0 _ _ _ _ N d dff Z2 (rd G (wo + o_w1 D) d dff)
             (rd G (wo + o_c1 D) 1 dff) (rd G (wo + o_w2 D) dff d) (rd G (wo + o_c2 D) 1 d)).
  2: apply block_front.
  2-5: rewrite app_assoc; bw.
  rewrite (keep_app P p (flat N d Z2) (flat N d X1 ++ R)).
  2: apply flat_length.
  2: rewrite app_length, flat_length; lia.
  (* residual, X₂ = X₁ + FFN_inner(LN₂ X₁) *)
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

(** ** Depth: a constant in the trust record's depths *)

Lemma tl_res_wdepth (P : FloatPrimitivesTC0) N d r : wdepth (op_dbound P) (tl_res N d r) <= d_std P.
Proof.
  unfold tl_res. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (ew_prog_wdepth P N d (OBin BAdd)
                (fun i j => [FIn (N * d + (i * d + j)); FIn (i * d + j)])).
  cbn [op_dbound] in *. lia.
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


(** ** The layer over any attention module

    The attention sub-layer is the only part of the layer that Fast FlowAR
    changes.  An [AttnModule] packages what the layer needs from it: a float
    semantics [am_sem P p D ns lim W Z] (the sub-layer's output before the
    residual, for the normalized input [Z], the weights [W o r c] stored at
    offset [o] of the layer's layout, the mask's limits [lim] and block sizes
    [ns]); a program [am_prog p D N ns lim g] that computes it on a state
    [flat Z ++ …] whose weights sit at [g o]; and its correctness, typing,
    arity, depth ([am_depth], independent of all sizes) and shape (at most
    [200 · am_U B nb] when the dimensions are [≤ B] and the mask has [nb]
    blocks).  [am_ok p D] is what the module needs of its own data (for fast
    attention: monomial indices [< dh], valid coefficients), [am_mask N ns lim]
    what it needs of the mask.  Both attention modules use the weights
    [W_Q, W_K, W_V] (per head) and [W_O] at the offsets [o_q … o_o], so the
    layout [tl_size] is the same.

    [ftlayer_g], [tl_at_g] are the layer for a module; the exact layer
    ([ftlayer], [tl_at]) is the layer over the parts of the instance
    [exact_am] ([ftlayer_exact], [tl_at_exact] hold by [eq_refl]), and its
    theorems below are the generic ones at [exact_am]. *)

Record AttnModule := {
  am_ok : nat -> LDims -> Prop;
  am_mask : nat -> list nat -> (nat -> nat) -> Prop;
  am_sem : FloatFns -> nat -> LDims -> list nat -> (nat -> nat) -> (nat -> nat -> nat -> mat) -> mat -> mat;
  am_prog : nat -> LDims -> nat -> list nat -> (nat -> nat) -> (nat -> nat) -> prog;
  am_depth : FloatPrimitivesTC0 -> nat;
  am_U : nat -> nat -> nat;
  am_correct : forall P p D N ns lim (g : nat -> nat) (W : nat -> nat -> nat -> mat) xs Z,
    am_ok p D -> am_mask N ns lim -> block xs 0 N (ld D) Z ->
    (forall o r c, block xs (g o) r c (W o r c)) ->
    peval P p (am_prog p D N ns lim g) xs = flat N (ld D) (am_sem P p D ns lim W Z);
  am_wt : forall p D N ns lim (g : nat -> nat) n,
    am_ok p D -> am_mask N ns lim -> N * ld D <= n -> (forall o, g o = g 0 + o) ->
    g 0 + o_g2 D <= n -> pwt p n (am_prog p D N ns lim g);
  am_arity : forall p D N ns lim g, arity_out (am_prog p D N ns lim g) = N * ld D;
  am_wdepth : forall (P : FloatPrimitivesTC0) p D N ns lim g,
    wdepth (op_dbound P) (am_prog p D N ns lim g) <= am_depth P;
  am_U_ge : forall B nb, B * (B * (B * B)) <= am_U B nb;
  am_U_mono : forall B nb nb', nb <= nb' -> am_U B nb <= am_U B nb';
  am_shape : forall p D N ns lim g B,
    am_ok p D -> am_mask N ns lim -> N <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> 1 <= B ->
    shape (am_prog p D N ns lim g) <= 200 * am_U B (length ns)
}.

Implicit Types (am : AttnModule) (ns : list nat).

(** The layer's definitions use only two parts of a module: its semantics
    ([ftattn_by], [ftlayer_by] take [am_sem]) and its program builder
    ([tl_at_by] takes [am_prog]).  They are defined over these parts, so
    that an instance whose parts mention no trust record — the exact layer
    over [mha_sem], [mha_prog] below — does not mention it either (the
    record [AttnModule] does, through [am_depth]).  [ftattn_g am],
    [ftlayer_g am], [tl_at_g am] are the layer over a module's parts. *)
Notation attn_sem :=
  (FloatFns -> nat -> LDims -> list nat -> (nat -> nat) -> (nat -> nat -> nat -> mat) -> mat -> mat)
  (only parsing).
Notation attn_prog := (nat -> LDims -> nat -> list nat -> (nat -> nat) -> (nat -> nat) -> prog)
  (only parsing).

Definition ftattn_by (asem : attn_sem) P p D G wo ns (lim : nat -> nat) X : mat :=
  let d := ld D in
  let W o r c := rd G (wo + o) r c in
  let Z := flnaff P p d (W (o_g1 D) 1 d) (W (o_b1 D) 1 d) X in
  let A := asem P p D ns lim W Z in
  fun i j => fadd p (X i j) (A i j).

Definition ftlayer_by (asem : attn_sem) P p D G wo ns (lim : nat -> nat) X : mat :=
  let X1 := ftattn_by asem P p D G wo ns lim X in
  fun i j => fadd p (X1 i j) (ftmlp P p D G wo X1 i j).

Definition tl_at_by (aprog : attn_prog) p D N ns (lim : nat -> nat) wo go (r : nat) : prog :=
  let d := ld D in let dff := ldff D in
  let nd := N * d in
  let g k o := k + go + (wo + o) in
  PSeq (PPar (lnaff_at p 0 (g nd (o_g1 D)) (g nd (o_b1 D)) N d) (keep 0 (nd + r)))
  (PSeq (PPar (aprog p D N ns lim (g (2 * nd))) (keep nd (nd + r)))
  (PSeq (tl_res N d r)
  (PSeq (PPar (lnaff_at p 0 (g nd (o_g2 D)) (g nd (o_b2 D)) N d) (keep 0 (nd + r)))
  (PSeq (PPar (ffn_inner_at 0 (g (2 * nd) (o_w1 D)) (g (2 * nd) (o_c1 D)) (g (2 * nd) (o_w2 D))
                            (g (2 * nd) (o_c2 D)) N d dff)
              (keep nd (nd + r)))
        (tl_res N d r))))).

Definition ftattn_g am P p D G wo ns (lim : nat -> nat) X : mat :=
  ftattn_by (am_sem am) P p D G wo ns lim X.

Definition ftlayer_g am P p D G wo ns (lim : nat -> nat) X : mat :=
  ftlayer_by (am_sem am) P p D G wo ns lim X.

Definition tl_at_g am p D N ns (lim : nat -> nat) wo go (r : nat) : prog :=
  tl_at_by (am_prog am) p D N ns lim wo go r.

Theorem tl_at_g_correct am P p D N ns lim wo X E G :
  am_ok am p D -> am_mask am N ns lim ->
  peval P p (tl_at_g am p D N ns lim wo (length E) (length E + length G)) (flat N (ld D) X ++ E ++ G)
  = flat N (ld D) (ftlayer_g am P p D G wo ns lim X) ++ E ++ G.
Proof.
  intros Hok Hm. unfold tl_at_g, tl_at_by, ftlayer_g, ftlayer_by.
  (* stage 1: LN₁ *)
  rewrite peval_PSeq, (tl_ln_stage_correct P p D G wo N X E _ _ _ (o_g1 D) (o_b1 D) eq_refl eq_refl eq_refl).
  set (d := ld D).
  set (go := length E). set (R := E ++ G).
  assert (HR : length R = go + length G) by (subst R go; apply app_length).
  set (Z := flnaff P p d (rd G (wo + o_g1 D) 1 d) (rd G (wo + o_b1 D) 1 d) X).
  (* stage 2: attention *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (am_correct am P p D N ns lim _ (fun o r c => rd G (wo + o) r c) _ Z Hok Hm).
  2: apply block_front.
  2: { intros o r c. cbv beta. rewrite app_assoc. bw. }
  rewrite (keep_app P p (flat N d Z) (flat N d X ++ R)).
  2: apply flat_length.
  2: rewrite app_length, flat_length; lia.
  set (A := am_sem am P p D ns lim _ Z).
  (* stage 3: first residual, X₁ = X + A *)
  rewrite peval_PSeq, (tl_res_correct P p N d A X R) by lia.
  (* stages 4–6: LN₂, FFN_inner, second residual *)
  exact (tl_ffn_half_correct P p D G wo N _ E _ _ _ _ _ _ _
           eq_refl eq_refl eq_refl eq_refl eq_refl eq_refl eq_refl).
Qed.

Theorem tl_at_g_wt am p D N ns lim wo go r :
  am_ok am p D -> am_mask am N ns lim -> go + (wo + tl_size D) <= r ->
  pwt p (N * ld D + r) (tl_at_g am p D N ns lim wo go r).
Proof.
  intros Hok Hm Hr. unfold tl_at_g, tl_at_by.
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
  { apply am_wt; auto; [lia|intros o; lia|lia]. }
  { apply keep_wt_le. lia. }
  arity_simpl. rewrite (am_arity am).
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

Lemma tl_at_g_arity am p D N ns lim wo go r :
  arity_out (tl_at_g am p D N ns lim wo go r) = N * ld D + r.
Proof. unfold tl_at_g, tl_at_by. cbn [arity_out]. apply tl_res_arity. Qed.

(** The layer's depth with an attention sub-layer of depth [ad]. *)
Definition tl_depth_g (P : FloatPrimitivesTC0) (ad : nat) : nat :=
  (7 * d_std P + 2 * d_sum P + d_sqrt P)            (* LN₁ *)
  + ad                                               (* attention *)
  + d_std P                                          (* residual X + attention *)
  + (7 * d_std P + 2 * d_sum P + d_sqrt P)           (* LN₂ *)
  + (5 * d_std P + 2 * d_sum P + 2)                  (* FFN_inner *)
  + d_std P.                                         (* residual X₁ + FFN_inner *)

Theorem tl_at_g_wdepth (P : FloatPrimitivesTC0) am p D N ns lim wo go r :
  wdepth (op_dbound P) (tl_at_g am p D N ns lim wo go r) <= tl_depth_g P (am_depth am P).
Proof.
  unfold tl_at_g, tl_at_by, tl_depth_g. cbn [wdepth]. rewrite !keep_wdepth.
  pose proof (lnaff_at_wdepth P p 0 (N * ld D + go + (wo + o_g1 D)) (N * ld D + go + (wo + o_b1 D)) N (ld D)).
  pose proof (lnaff_at_wdepth P p 0 (N * ld D + go + (wo + o_g2 D)) (N * ld D + go + (wo + o_b2 D)) N (ld D)).
  pose proof (am_wdepth am P p D N ns lim (fun o => 2 * (N * ld D) + go + (wo + o))).
  pose proof (tl_res_wdepth P N (ld D) r).
  pose proof (ffn_inner_at_wdepth P 0 (2 * (N * ld D) + go + (wo + o_w1 D))
                (2 * (N * ld D) + go + (wo + o_c1 D)) (2 * (N * ld D) + go + (wo + o_w2 D))
                (2 * (N * ld D) + go + (wo + o_c2 D)) N (ld D) (ldff D)).
  lia.
Qed.

(** Shape, for any [U] above [B⁴] and the module's [am_U]. *)
Lemma tl_shape_g am p D N ns lim wo go r B U :
  am_ok am p D -> am_mask am N ns lim ->
  N <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> ldff D <= B -> 1 <= B ->
  B * (B * (B * B)) <= U -> am_U am B (length ns) <= U ->
  shape (tl_at_g am p D N ns lim wo go r) <= 1000 * U + 20 * r.
Proof.
  intros Hok Hm HN Hd Hdh HH Hff HB HU1 HU2. unfold tl_at_g, tl_at_by.
  set (m1 := lnaff_at _ _ _ _ _ _). set (m2 := am_prog am _ _ _ _ _ _).
  set (m4 := lnaff_at _ _ _ _ _ _).
  set (m5 := ffn_inner_at _ _ _ _ _ _ _ _).
  assert (S1 : shape m1 <= 50 * (B * B)) by (apply lnaff_shape; lia).
  assert (S2 : shape m2 <= 200 * U).
  { eapply Nat.le_trans; [apply (am_shape am p D N ns lim _ B); auto|]. lia. }
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

(** ** The exact instance: multi-head softmax attention ([Modules/Attention.v]) *)

Definition mha_sem P p D (ns : list nat) (lim : nat -> nat) (W : nat -> nat -> nat -> mat) Z : mat :=
  fmha P p (ld D) (ldh D) (lH D) (lscale p D) lim Z (fun h => W (o_q D h) (ld D) (ldh D))
       (fun h => W (o_k D h) (ld D) (ldh D)) (fun h => W (o_v D h) (ld D) (ldh D))
       (W (o_o D) (lH D * ldh D) (ld D)).

Definition mha_prog p D N (ns : list nat) (lim : nat -> nat) (g : nat -> nat) : prog :=
  mha_at 0 (fun h => g (o_q D h)) (fun h => g (o_k D h)) (fun h => g (o_v D h)) (g (o_o D))
         N (ld D) (ldh D) (lH D) (ld D) (lscale p D) lim.

Definition mha_depth (P : FloatPrimitivesTC0) : nat := 4 * (d_std P + d_sum P) + 2 * d_std P + d_exp P.

Lemma mha_prog_correct P p D N ns lim (g : nat -> nat) (W : nat -> nat -> nat -> mat) xs Z :
  True -> (forall i, i < N -> lim i <= N) -> block xs 0 N (ld D) Z ->
  (forall o r c, block xs (g o) r c (W o r c)) ->
  peval P p (mha_prog p D N ns lim g) xs = flat N (ld D) (mha_sem P p D ns lim W Z).
Proof.
  intros _ Hlim HZ HW. apply mha_at_correct; auto.
Qed.

Lemma mha_prog_wt p D N ns lim (g : nat -> nat) n :
  True -> (forall i, i < N -> lim i <= N) -> N * ld D <= n -> (forall o, g o = g 0 + o) ->
  g 0 + o_g2 D <= n -> pwt p n (mha_prog p D N ns lim g).
Proof.
  intros _ Hlim HN Hg Hn. apply mha_at_wt; auto using lscale_valid; try lia.
  - intros h Hh. pose proof (o_qkv_le D h Hh). unfold o_g2 in Hn. unfold o_k, o_v in *.
    rewrite (Hg (o_q D h)), (Hg (o_q D h + ld D * ldh D)), (Hg (o_q D h + 2 * (ld D * ldh D))).
    repeat split; lia.
  - unfold o_g2 in Hn. rewrite (Hg (o_o D)). lia.
Qed.

Lemma mha_prog_shape p D N ns lim g B :
  True -> (forall i, i < N -> lim i <= N) -> N <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> 1 <= B ->
  shape (mha_prog p D N ns lim g) <= 200 * (B * (B * (B * B))).
Proof. intros _ Hlim. intros. apply mha_shape; auto. Qed.

Definition exact_am : AttnModule := {|
  am_ok := fun _ _ => True;
  am_mask := fun N _ lim => forall i, i < N -> lim i <= N;
  am_sem := mha_sem;
  am_prog := mha_prog;
  am_depth := mha_depth;
  am_U := fun B _ => B * (B * (B * B));
  am_correct := mha_prog_correct;
  am_wt := mha_prog_wt;
  am_arity := fun p D N ns lim g =>
    mha_at_arity _ _ _ _ _ N (ld D) (ldh D) (lH D) (ld D) (lscale p D) lim;
  am_wdepth := fun Q p D N ns lim g => mha_at_wdepth Q _ _ _ _ _ _ _ _ _ _ _ _;
  am_U_ge := fun B _ => le_n _;
  am_U_mono := fun B _ _ _ => le_n _;
  am_shape := mha_prog_shape
|}.

(** ** The exact layer: the instance [exact_am]

    Multi-head attention ignores the block list, so the exact layer takes
    only the mask's limits [lim]; [ftlayer_exact], [tl_at_exact] hold for
    every [ns] by [eq_refl].  The exact definitions are the layer over the
    parts [mha_sem], [mha_prog] of [exact_am], not over [exact_am] itself,
    whose type refers to the trust record [FloatPrimitivesTC0] (its depth
    field): they mention no trust record. *)

(** The attention sub-layer [X₁ = X + MHA(LN₁(X))]. *)
Definition ftattn (P : FloatFns) p D G wo (lim : nat -> nat) X : mat :=
  ftattn_by mha_sem P p D G wo [] lim X.

(** One layer [X₂ = X₁ + FFN_inner(LN₂(X₁))], [X₁ = ftattn … X]. *)
Definition ftlayer (P : FloatFns) p D G wo (lim : nat -> nat) X : mat :=
  ftlayer_by mha_sem P p D G wo [] lim X.

Definition tl_at p D N (lim : nat -> nat) wo go (r : nat) : prog :=
  tl_at_by mha_prog p D N [] lim wo go r.

(** The layer is its attention sub-layer followed by the FFN sub-layer. *)
Lemma ftlayer_eq P p D G wo lim X :
  ftlayer P p D G wo lim X
  = fun i j => fadd p (ftattn P p D G wo lim X i j) (ftmlp P p D G wo (ftattn P p D G wo lim X) i j).
Proof. reflexivity. Qed.

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

Lemma ftlayer_exact P p D G wo ns lim X :
  ftlayer P p D G wo lim X = ftlayer_g exact_am P p D G wo ns lim X.
Proof. reflexivity. Qed.

Lemma tl_at_exact p D N ns lim wo go r :
  tl_at p D N lim wo go r = tl_at_g exact_am p D N ns lim wo go r.
Proof. reflexivity. Qed.

(** ** The exact layer's theorems *)

Theorem tl_at_correct P p D N lim wo X E G :
  (forall i, i < N -> lim i <= N) ->
  peval P p (tl_at p D N lim wo (length E) (length E + length G)) (flat N (ld D) X ++ E ++ G)
  = flat N (ld D) (ftlayer P p D G wo lim X) ++ E ++ G.
Proof. intros Hlim. exact (tl_at_g_correct exact_am P p D N [] lim wo X E G I Hlim). Qed.

Theorem tl_at_wt p D N lim wo go r :
  (forall i, i < N -> lim i <= N) -> go + (wo + tl_size D) <= r ->
  pwt p (N * ld D + r) (tl_at p D N lim wo go r).
Proof. intros Hlim Hr. exact (tl_at_g_wt exact_am p D N [] lim wo go r I Hlim Hr). Qed.

Lemma tl_at_arity p D N lim wo go r :
  (forall i, i < N -> lim i <= N) -> arity_out (tl_at p D N lim wo go r) = N * ld D + r.
Proof. intros _. exact (tl_at_g_arity exact_am p D N [] lim wo go r). Qed.

(** The FFN's residual addition moved out of the FFN into the block, so the
    value is the same as the FFN-with-residual count
    [(6·d_std + 2·d_⊕ + 2)]: [27·d_std + 10·d_⊕ + d_exp + 2·d_sqrt + 2]
    ([tl_depth_value]). *)
Definition tl_depth (P : FloatPrimitivesTC0) : nat := tl_depth_g P (mha_depth P).

Lemma tl_depth_exact (P : FloatPrimitivesTC0) : tl_depth P = tl_depth_g P (mha_depth P).
Proof. reflexivity. Qed.

Lemma tl_depth_value (P : FloatPrimitivesTC0) :
  tl_depth P = 27 * d_std P + 10 * d_sum P + d_exp P + 2 * d_sqrt P + 2.
Proof. unfold tl_depth, tl_depth_g, mha_depth. lia. Qed.

Theorem tl_at_wdepth (P : FloatPrimitivesTC0) p D N lim wo go r : wdepth (op_dbound P) (tl_at p D N lim wo go r) <= tl_depth P.
Proof. exact (tl_at_g_wdepth P exact_am p D N [] lim wo go r). Qed.

Lemma tl_shape p D N lim wo go r B :
  (forall i, i < N -> lim i <= N) ->
  N <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> ldff D <= B -> 1 <= B ->
  shape (tl_at p D N lim wo go r) <= 1000 * (B * (B * (B * B))) + 20 * r.
Proof.
  intros Hlim. intros. exact (tl_shape_g exact_am p D N [] lim wo go r B _ I Hlim
                                ltac:(assumption) ltac:(assumption) ltac:(assumption)
                                ltac:(assumption) ltac:(assumption) ltac:(assumption)
                                (le_n _) (le_n _)).
Qed.
