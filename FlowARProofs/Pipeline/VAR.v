(** * VAR (visual autoregressive model): the FlowAR pipeline with a linear head

    VAR (arXiv 2501.04299, "Circuit complexity bounds for visual
    autoregressive model") is the same multi-scale pipeline as FlowAR
    (Pipeline/FlowAR.v) WITHOUT the flow-matching head: at scale [i] the
    output is a token-wise MLP head on the condition,
    {v
      Ỹ_i := MLP_head(Ŷ_i) = Ŷ_i · W_head + b_head          (tok i × c)
    v}
    with [W_head : d × c] and [b_head : 1 × c].  VQ-VAE decoding is not
    modelled: as in FlowAR's case, the VAE decoder is outside the analysed
    model.  The VAR paper's main theorem is the corollary
    [var_TC0_explicit] / [var_family_correct] below.

    Reuse.  The configuration ([Config]; its fields [Lf] and [T] are ignored
    by VAR), the sequence builder [seq_at]/[fseq], the transformer
    iteration [tl_at]/[ftf], the condition [fcond], the block-causal limits
    [lim_at] and the layout of [G] up to [off_fh] are FlowAR.v's.  Layout
    choice: we KEEP FlowAR's layout up to [off_fh] (the noise fields
    [off_noise] stay in [G] and are simply unused), so every offset is
    FlowAR's; the head's weights follow the AR layers, [W_head] at
    [off_fh cfg] and [b_head] at [off_fh cfg + dm cfg * ch cfg]; the input
    vector has length [var_glen cfg].

    The sequence-building lemmas of FlowAR.v ([seq_at_correct],
    [seq_at_wt]) hold for any input length, so VAR reuses them. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0 Compile.
From FlowARProofs.Modules Require Import AttnCommon Attention MLP Sampling.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR FlowARTC0.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (cfg : Config) (P : FloatFns) (G : list flt) (Ys : list mat)
  (p i j l : nat).

(** ** Layout: FlowAR's up to [off_fh], then the head [W_head], [b_head] *)

Definition off_hW cfg := off_fh cfg.
Definition off_hb cfg := off_fh cfg + dm cfg * ch cfg.
Definition var_glen cfg := off_fh cfg + dm cfg * ch cfg + ch cfg.

(** ** Float semantics *)

Section semantics.
  Context (P : FloatFns) (p : nat) (cfg : Config) (G : list flt).

  (** Scale [i]: the linear head on the condition [Ŷ_i] of FlowAR.v. *)
  Definition fvar_scale Ys i : mat :=
    fmlp p (dm cfg) (fcond P p cfg G Ys i)
         (rd G (off_hW cfg) (dm cfg) (ch cfg)) (rd G (off_hb cfg) 1 (ch cfg)).

  Definition fvar_outs k : list mat := outs_of fvar_scale k.

  (** VAR's output: the last scale, [n² × c] with [n = side (K−1)]. *)
  Definition var_float : mat := nth (K cfg - 1) (fvar_outs (K cfg)) mzero.
End semantics.

Lemma fvar_outs_length P p cfg G k : length (fvar_outs P p cfg G k) = k.
Proof. apply outs_of_length. Qed.

(** ** The program *)

Section program.
  Context (p : nat) (cfg : Config).
  Let c := ch cfg. Let d := dm cfg.
  Let yl i := yoff (tok cfg) (ch cfg) i.

  (** Scale [i] on the state [yflat Ys i ++ G]; returns [yflat Ys i ++ flat Ỹ_i ++ G]. *)
  Definition var_scale_at i : prog :=
    let gofs := yl i in let w := yl i + var_glen cfg in
    let N := ntok cfg i in let M := tok cfg i in
    PSeq (PPar (seq_at p cfg gofs w i) (keep 0 w))
    (PSeq (iter (N * d + w) (L cfg)
                (fun l => tl_at p (LD cfg) N (lim_at cfg i) (off_ar cfg l) gofs w))
          (PPar (keep (N * d) gofs)
          (PPar (mlp_at ((N - M) * d) (N * d + gofs + off_hW cfg) (N * d + gofs + off_hb cfg) M d c)
                (keep (N * d + gofs) (var_glen cfg))))).

  Definition var_scales_at k : prog := grow (var_glen cfg) var_scale_at k.

  Definition var_prog : prog :=
    PSeq (var_scales_at (K cfg)) (keep (yl (K cfg - 1)) (tok cfg (K cfg - 1) * c)).
End program.

(** ** Correctness *)

Local Ltac bw := apply block_weights; [rewrite ?app_length, ?flat_length; lia|reflexivity].

Section correct.
  Context (P : FloatFns) (p : nat) (cfg : Config) (G : list flt).

  Context (HG : length G = var_glen cfg).

  Theorem var_scale_at_correct Ys i :
    peval P p (var_scale_at p cfg i) (yflat (tok cfg) (ch cfg) Ys i ++ G)
    = yflat (tok cfg) (ch cfg) Ys i ++ flat (tok cfg i) (ch cfg) (fvar_scale P p cfg G Ys i) ++ G.
  Proof.
    unfold var_scale_at. rewrite <- (yflat_length (tok cfg) (ch cfg) Ys i), <- HG.
    (* the sequence *)
    rewrite peval_PSeq, peval_PPar, (seq_at_correct P p cfg G Ys i i) by lia.
    set (E := yflat (tok cfg) (ch cfg) Ys i).
    set (N := ntok cfg i). set (M := tok cfg i).
    rewrite keep0 by (rewrite app_length; reflexivity).
    (* the AR transformer *)
    rewrite peval_PSeq.
    rewrite (iter_correct P p (N * (dm cfg) + (length E + length G)) (L cfg) _
               (fun X => flat N (dm cfg) X ++ E ++ G)
               (fun l X => ftlayer P p (LD cfg) G (off_ar cfg l) (lim_at cfg i) X)).
    2: { intros y. rewrite !app_length, flat_length. reflexivity. }
    2: { intros l y _. apply tl_at_correct. intros t Ht. apply lim_at_le. exact Ht. }
    set (X' := iterate _ (L cfg) (fseq p cfg G Ys i)).
    (* the head, beside the earlier outputs and the input vector *)
    rewrite peval_PPar, peval_PPar.
    rewrite (keep_at P p (flat N (dm cfg) X') E G) by (rewrite ?flat_length; lia).
    assert (K3 : peval P p (keep (N * dm cfg + length E) (length G)) (flat N (dm cfg) X' ++ E ++ G) = G)
      by (rewrite app_assoc; apply keep_app; rewrite ?app_length, ?flat_length; lia).
    rewrite K3. f_equal. f_equal.
    apply mlp_at_correct.
    - apply block_rows. pose proof (tok_le_ntok cfg i). lia.
    - bw.
    - bw.
  Qed.

  Lemma var_scales_at_correct k :
    peval P p (var_scales_at p cfg k) G = yflat (tok cfg) (ch cfg) (fvar_outs P p cfg G k) k ++ G.
  Proof.
    apply grow_correct; [exact HG|]. intros Ys i _. apply var_scale_at_correct.
  Qed.

  (** The pipeline's program computes VAR's float semantics. *)
  Theorem var_prog_correct :
    1 <= K cfg ->
    peval P p (var_prog p cfg) G = flat (tok cfg (K cfg - 1)) (ch cfg) (var_float P p cfg G).
  Proof.
    intros HK. unfold var_prog, var_float. rewrite peval_PSeq, var_scales_at_correct.
    apply keep_block. apply block_yflat. lia.
  Qed.
End correct.

(** ** Typing *)

Section typing.
  Context (p : nat) (cfg : Config).

  Theorem var_scale_at_wt i : i < K cfg ->
    pwt p (yoff (tok cfg) (ch cfg) i + var_glen cfg) (var_scale_at p cfg i).
  Proof.
    intros Hi. unfold var_scale_at.
    set (gofs := yoff (tok cfg) (ch cfg) i). set (w := gofs + var_glen cfg).
    set (N := ntok cfg i). set (M := tok cfg i).
    pose proof (tok_le_ntok cfg i) as HMN. fold N M in HMN.
    assert (Hemb : off_embb cfg + dm cfg <= var_glen cfg)
      by (unfold var_glen, off_fh, off_ar; lia).
    cbn [pwt]. split; [split|].
    { apply seq_at_wt; [exact Hemb|lia]. }
    { apply keep_wt_le. lia. }
    change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y).
    rewrite seq_at_arity, keep_arity. split.
    { apply iter_wt. intros l Hl. split.
      - apply tl_at_wt; [intros; apply lim_at_le; auto|].
        pose proof (layout_ar cfg l Hl). unfold w, var_glen. lia.
      - apply tl_at_arity. intros; apply lim_at_le; auto. }
    rewrite iter_arity by (intros l _; apply tl_at_arity; intros; apply lim_at_le; auto).
    split; [|split].
    { apply keep_wt_le. unfold w. lia. }
    { apply mlp_at_wt; unfold w, off_hW, off_hb, var_glen; nia. }
    { apply keep_wt_le. unfold w. lia. }
  Qed.

  Lemma var_scale_at_arity i :
    arity_out (var_scale_at p cfg i) = yoff (tok cfg) (ch cfg) (S i) + var_glen cfg.
  Proof.
    unfold var_scale_at. cbn [arity_out]. rewrite !keep_arity, mlp_at_arity, yoff_S. lia.
  Qed.

  Lemma var_scales_at_wt k : k <= K cfg ->
    pwt p (var_glen cfg) (var_scales_at p cfg k) /\
    arity_out (var_scales_at p cfg k) = yoff (tok cfg) (ch cfg) k + var_glen cfg.
  Proof.
    intros Hk. apply grow_wt. intros i Hi.
    split; [apply var_scale_at_wt; lia|apply var_scale_at_arity].
  Qed.

  Theorem var_prog_wt : 1 <= K cfg -> pwt p (var_glen cfg) (var_prog p cfg).
  Proof.
    intros HK. destruct (var_scales_at_wt (K cfg) (le_n _)) as [Hw Ha].
    split; [exact Hw|]. rewrite Ha. apply keep_wt_le.
    pose proof (yoff_lt (tok cfg) (ch cfg) (K cfg - 1) (K cfg) ltac:(lia)). lia.
  Qed.
End typing.

(** ** Depth: per scale, the sequence, [L] transformer layers, the head *)

Definition var_depth (P : FloatPrimitivesTC0) (K L : nat) : nat :=
  K * (3 * d_std P + 2 * d_sum P + L * tl_depth P + (2 * d_std P + d_sum P)).

Theorem var_scale_at_wdepth (P : FloatPrimitivesTC0) p cfg i :
  wdepth (op_dbound P) (var_scale_at p cfg i)
  <= 3 * d_std P + 2 * d_sum P + L cfg * tl_depth P + (2 * d_std P + d_sum P).
Proof.
  unfold var_scale_at. cbn [wdepth]. rewrite !keep_wdepth.
  pose proof (seq_at_wdepth P p cfg (yoff (tok cfg) (ch cfg) i)
                (yoff (tok cfg) (ch cfg) i + var_glen cfg) i).
  pose proof (wdepth_iter_le (op_dbound P) (ntok cfg i * dm cfg + (yoff (tok cfg) (ch cfg) i + var_glen cfg))
    (L cfg) (fun l => tl_at p (LD cfg) (ntok cfg i) (lim_at cfg i) (off_ar cfg l)
                       (yoff (tok cfg) (ch cfg) i) (yoff (tok cfg) (ch cfg) i + var_glen cfg))
    (tl_depth P) (fun l _ => tl_at_wdepth P p _ _ _ _ _ _)).
  pose proof (mlp_at_wdepth P ((ntok cfg i - tok cfg i) * dm cfg)
    (ntok cfg i * dm cfg + yoff (tok cfg) (ch cfg) i + off_hW cfg)
    (ntok cfg i * dm cfg + yoff (tok cfg) (ch cfg) i + off_hb cfg) (tok cfg i) (dm cfg) (ch cfg)).
  lia.
Qed.

Theorem var_prog_wdepth (P : FloatPrimitivesTC0) p cfg :
  wdepth (op_dbound P) (var_prog p cfg) <= var_depth P (K cfg) (L cfg).
Proof.
  unfold var_prog, var_depth. cbn [wdepth]. rewrite keep_wdepth, Nat.add_0_r.
  apply grow_wdepth. intros i _. apply var_scale_at_wdepth.
Qed.

Lemma var_depth_mono (P : FloatPrimitivesTC0) K L K' L' : K <= K' -> L <= L' -> var_depth P K L <= var_depth P K' L'.
Proof.
  intros. unfold var_depth. apply Nat.mul_le_mono; [lia|].
  assert (L * tl_depth P <= L' * tl_depth P) by (apply Nat.mul_le_mono_r; lia). lia.
Qed.

(** Non-vacuity: the bound strictly grows with [K]. *)
Lemma var_depth_strict_mono (P : FloatPrimitivesTC0) K L :
  1 <= L -> var_depth P K L < var_depth P (S K) L.
Proof. intros HL. unfold var_depth. rewrite tl_depth_value. nia. Qed.

(** ** Size *)

(** FlowAR's configuration without a flow head ([Lf = T = 0]): same sequence
    program, same [dimB]; its [wmax] bounds VAR's widths and does not involve
    [Lf]. *)
Definition var_cfg0 cfg : Config :=
  {| K := K cfg; s0 := s0 cfg; a := a cfg; ch := ch cfg; LD := LD cfg; L := L cfg; Lf := 0; T := 0 |}.

Lemma seq_at_cfg0 p cfg gofs w i : seq_at p (var_cfg0 cfg) gofs w i = seq_at p cfg gofs w i.
Proof. induction i as [|i IH]; cbn [seq_at]; [reflexivity|]. rewrite IH. reflexivity. Qed.

Lemma var_w_le cfg i : i <= K cfg ->
  yoff (tok cfg) (ch cfg) i + var_glen cfg <= wmax (var_cfg0 cfg).
Proof.
  intros Hi. pose proof (yoff_mono (tok cfg) (ch cfg) i (K cfg) Hi).
  unfold wmax, glen, var_glen, fh_size, fh_bout, fh_wout, fh_layers, fh_e, fh_bin. cbn [fhc fhLD fhLf FD].
  change (yoff (tok (var_cfg0 cfg)) (ch (var_cfg0 cfg)) (K (var_cfg0 cfg))) with (yoff (tok cfg) (ch cfg) (K cfg)).
  change (off_fh (var_cfg0 cfg)) with (off_fh cfg). cbn [ch LD var_cfg0]. fold (dm cfg). lia.
Qed.

Definition var_scale_coef (K L : nat) : nat := K + 2 * L + 6.

Section shape.
  Context (p : nat) (cfg : Config) (B : nat).
  Context (HB : dimB cfg <= B).
  Let HB0 : dimB (var_cfg0 cfg) <= B := HB.

  Lemma var_scale_shape i : i < K cfg ->
    shape (var_scale_at p cfg i)
    <= var_scale_coef (K cfg) (L cfg) * (1100 * B4 B + 20 * wmax (var_cfg0 cfg)).
  Proof.
    intros Hi. destruct (dims_le cfg B HB) as (Hd & Hdh & HH & Hff & Hc & H1).
    pose proof (U_ge cfg B HB) as (U1 & U2 & U3 & U4).
    set (W := wmax (var_cfg0 cfg)).
    set (gofs := yoff (tok cfg) (ch cfg) i). set (w := gofs + var_glen cfg).
    assert (Hw : w <= W) by (apply var_w_le; lia).
    pose proof (ntok_le cfg B HB i Hi) as HN. pose proof (tok_le_ntok cfg i) as HM.
    assert (HNd : ntok cfg i * dm cfg <= B * B) by (apply Nat.mul_le_mono; lia).
    assert (HMc : tok cfg i * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia).
    unfold var_scale_at. fold gofs w.
    set (N := ntok cfg i) in *. set (M := tok cfg i) in *.
    pose proof (shape_PPar_arity (seq_at p cfg gofs w i) (keep 0 w)) as SA.
    rewrite shape_keep, keep_arity, seq_at_arity in SA.
    pose proof (seq_shape p (var_cfg0 cfg) B HB0 gofs w i Hi Hw) as Sseq.
    rewrite seq_at_cfg0 in Sseq. fold W in Sseq.
    pose proof (shape_iter (N * dm cfg + w) (L cfg)
      (fun l => tl_at p (LD cfg) N (lim_at cfg i) (off_ar cfg l) gofs w)
      (1000 * B4 B + 20 * w)
      (fun l _ => tl_shape p (LD cfg) N (lim_at cfg i) (off_ar cfg l) gofs w B
                    (fun t Ht => lim_at_le cfg i t Ht) HN Hd Hdh HH Hff H1)) as SB.
    set (m := mlp_at ((N - M) * dm cfg) (N * dm cfg + gofs + off_hW cfg)
                (N * dm cfg + gofs + off_hb cfg) M (dm cfg) (ch cfg)).
    assert (Sm : shape m <= 20 * B4 B) by (apply mlp_shape; lia).
    pose proof (shape_PPar_arity m (keep (N * dm cfg + gofs) (var_glen cfg))) as SC1.
    pose proof (shape_PPar_arity (keep (N * dm cfg) gofs)
                  (PPar m (keep (N * dm cfg + gofs) (var_glen cfg)))) as SC2.
    rewrite !shape_keep, !keep_arity in SC1, SC2. cbn [arity_out] in SC2.
    rewrite !keep_arity in SC2. unfold m in SC1, SC2. rewrite mlp_at_arity in SC1, SC2. fold m in SC1, SC2.
    eapply Nat.le_trans; [apply shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_l, shape_PSeq|].
    unfold var_scale_coef.
    set (X := 1100 * B4 B + 20 * W).
    assert (Hi1 : (i + 1) * (84 * B4 B + 2 * W) <= K cfg * X)
      by (apply Nat.mul_le_mono; unfold X; lia).
    assert (HBX : (2 * L cfg + 2) * (1000 * B4 B + 20 * w) <= 2 * (L cfg * X) + 2 * X).
    { replace (2 * (L cfg * X) + 2 * X) with ((2 * L cfg + 2) * X) by lia.
      apply Nat.mul_le_mono_l; unfold X; lia. }
    assert (HX : 1100 * B4 B + 20 * W <= X) by (unfold X; lia).
    assert (Hg : gofs <= w /\ var_glen cfg <= w) by (unfold w; lia).
    replace ((K cfg + 2 * L cfg + 6) * X) with (K cfg * X + 2 * (L cfg * X) + 6 * X) by lia.
    fold N in SA. clearbody X. lia.
  Qed.
End shape.

(** The explicit coefficient of the size bound (a polynomial in [K, L]). *)
Definition var_shape_coef (K L : nat) : nat :=
  (K + 1) * (var_scale_coef K L * (1100 + 20 * (2 * K + 12 * L + 10))).

Lemma var_shape_coef_mono K L K' L' :
  K <= K' -> L <= L' -> var_shape_coef K L <= var_shape_coef K' L'.
Proof.
  intros. unfold var_shape_coef, var_scale_coef.
  (* not [repeat apply Nat.mul_le_mono]: unifying [1100] with [?n * ?m] reads it in unary *)
  apply Nat.mul_le_mono; [lia|]. apply Nat.mul_le_mono; lia.
Qed.

Theorem var_shape p cfg B : dimB cfg <= B -> 1 <= K cfg ->
  shape (var_prog p cfg) <= var_shape_coef (K cfg) (L cfg) * B4 B.
Proof.
  intros HB HK. pose proof (U_ge cfg B HB) as (U1 & U2 & U3 & U4).
  set (X := 1100 * B4 B + 20 * wmax (var_cfg0 cfg)).
  set (S := var_scale_coef (K cfg) (L cfg)).
  assert (Hsc : forall k, k <= K cfg -> shape (var_scales_at p cfg k) <= k * (S * X) + var_glen cfg).
  { intros k Hk. apply grow_shape. intros i Hi. apply (var_scale_shape p cfg B HB). lia. }
  unfold var_prog. eapply Nat.le_trans; [apply shape_PSeq|]. rewrite shape_keep.
  pose proof (Hsc (K cfg) (le_n _)) as HS.
  assert (Hlast : tok cfg (K cfg - 1) * ch cfg <= B4 B).
  { destruct (dims_le cfg B HB) as (_ & _ & _ & _ & Hc & _).
    pose proof (ntok_le cfg B HB (K cfg - 1) ltac:(lia)). pose proof (tok_le_ntok cfg (K cfg - 1)).
    assert (tok cfg (K cfg - 1) * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia). lia. }
  assert (Hglen : var_glen cfg <= wmax (var_cfg0 cfg))
    by (pose proof (var_w_le cfg 0 ltac:(lia)); lia).
  assert (HW : wmax (var_cfg0 cfg) <= (2 * K cfg + 12 * (L cfg + 0) + 10) * B4 B)
    by exact (wmax_le (var_cfg0 cfg) B HB).
  rewrite Nat.add_0_r in HW.
  assert (HX : X <= (1100 + 20 * (2 * K cfg + 12 * L cfg + 10)) * B4 B).
  { unfold X. rewrite Nat.mul_add_distr_r, <- Nat.mul_assoc. lia. }
  assert (Hsc1 : 1 <= S) by (unfold S, var_scale_coef; lia).
  assert (HXB : B4 B <= X) by (unfold X; lia).
  unfold var_shape_coef. fold S.
  set (C := 1100 + 20 * (2 * K cfg + 12 * L cfg + 10)) in *.
  assert (S * X <= S * (C * B4 B)) by (apply Nat.mul_le_mono_l; exact HX).
  assert (Hv : var_glen cfg <= X) by (unfold X; lia).
  assert (H2 : 2 * X <= S * X) by (apply Nat.mul_le_mono_r; unfold S, var_scale_coef; lia).
  assert (HK' : K cfg * (S * X) <= K cfg * (S * (C * B4 B))) by (apply Nat.mul_le_mono_l; assumption).
  replace ((K cfg + 1) * (S * C) * B4 B) with (K cfg * (S * (C * B4 B)) + S * (C * B4 B)) by ring.
  clearbody X S C. lia.
Qed.

(** ** VAR's circuit family is in TC0 (explicit constants): the VAR paper's main theorem *)

(** The explicit size polynomial of [var_in_TC0]: coefficient and exponent. *)
Definition var_size_coef (P : FloatPrimitivesTC0) (K0 L0 ap b : nat) : nat :=
  tc0_coef P (var_depth P K0 L0) ap (var_shape_coef K0 L0 * b ^ 4).

Definition var_size_exp (P : FloatPrimitivesTC0) (kp k : nat) : nat := tc0_exp P kp (4 * k).

Definition var_family (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config) : family :=
  compiled_family P prec (fun n => var_glen (cfgs n)) (fun n => var_prog (prec n) (cfgs n)).

Section family.
  Context (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config).
  Context (K0 L0 ap kp b k : nat).
  Context (HK : forall n, 1 <= K (cfgs n) <= K0) (HL : forall n, L (cfgs n) <= L0).
  Context (Hprec : PolyBoundedWith prec ap kp)
          (Hdim : PolyBoundedWith (fun n => dimB (cfgs n)) b k).

  Definition var_D : nat := var_depth P K0 L0.
  Definition var_shape_c : nat := var_shape_coef K0 L0 * b ^ 4.

  Lemma var_shape_poly :
    PolyBoundedWith (fun n => shape (var_prog (prec n) (cfgs n))) var_shape_c (4 * k).
  Proof.
    intros n. destruct (HK n) as [HK1 HK2].
    eapply Nat.le_trans; [apply (var_shape (prec n) (cfgs n) (dimB (cfgs n)) (le_n _) HK1)|].
    unfold var_shape_c. rewrite <- Nat.mul_assoc.
    apply Nat.mul_le_mono; [apply var_shape_coef_mono; auto|]. apply B4_poly, Hdim.
  Qed.

  Theorem var_TC0_explicit :
    InTC0With (var_family P prec cfgs) var_D
              (var_size_coef P K0 L0 ap b) (var_size_exp P kp k).
  Proof.
    unfold var_size_coef, var_size_exp. fold var_D var_shape_c.
    apply compiled_InTC0With.
    - intros n. apply var_prog_wt, HK.
    - intros n. eapply Nat.le_trans; [apply var_prog_wdepth|].
      unfold var_D. destruct (HK n). apply var_depth_mono; auto.
    - exact Hprec.
    - exact var_shape_poly.
  Qed.

  Theorem var_family_correct n G :
    length G = var_glen (cfgs n) -> all_valid (prec n) G ->
    eval (fam_circ (var_family P prec cfgs) n) (encs (prec n) G)
    = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                          (var_float P (prec n) (cfgs n) G)).
  Proof.
    intros Hlen Hval. cbn [fam_circ var_family compiled_family].
    rewrite (eval_compile P (prec n) (var_glen (cfgs n))); auto.
    - rewrite var_prog_correct; auto. apply HK.
    - apply var_prog_wt, HK.
  Qed.
  (** The index is at most the input length ([var_glen] keeps FlowAR's
      layout up to the head) when it is at most the largest side and there is
      at least one channel (as for FlowAR, [flowar_index]). *)
  Lemma var_index (Hside : forall n, n <= side (cfgs n) (K (cfgs n) - 1))
        (Hch : forall n, 1 <= ch (cfgs n)) :
    forall n, n <= var_glen (cfgs n) * fw (prec n).
  Proof.
    intros n. specialize (Hside n). specialize (Hch n). destruct (HK n) as [HK1 _].
    assert (Hyo : yoff (tok (cfgs n)) (ch (cfgs n)) (K (cfgs n)) <= var_glen (cfgs n))
      by (unfold var_glen, off_fh, off_ar, off_embb, off_embW, off_noise; lia).
    assert (Hl : yoff (tok (cfgs n)) (ch (cfgs n)) (K (cfgs n) - 1)
                 + tok (cfgs n) (K (cfgs n) - 1) * ch (cfgs n)
                 <= yoff (tok (cfgs n)) (ch (cfgs n)) (K (cfgs n))) by (apply yoff_lt; lia).
    set (s := side (cfgs n) (K (cfgs n) - 1)) in *.
    assert (Ht : tok (cfgs n) (K (cfgs n) - 1) = s * s) by reflexivity.
    rewrite Ht in Hl.
    assert (n <= s * s * ch (cfgs n)) by nia.
    assert (var_glen (cfgs n) <= var_glen (cfgs n) * fw (prec n)) by (unfold fw; nia).
    lia.
  Qed.
End family.
