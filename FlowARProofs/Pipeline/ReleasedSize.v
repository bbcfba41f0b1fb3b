(** * The released pipeline's shape is polynomial in the dimensions

    With [B ≥ rdimB cfg] (token count of the whole sequence, widths, heads,
    channels, the head's own dimensions, [a^K], plus one), the program
    [flowar_released_prog] has shape at most
    [released_shape_coef K Le Ld Ch es · B⁴] ([flowar_released_shape]), a
    coefficient polynomial in the number of scales, of encoder and decoder
    blocks, the head's shape coefficient [Ch] and the erf routine's shape
    [es]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common MLP Sampling RMSNorm GELU RShape.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR ReleasedBlock ReleasedHeadIface
  ReleasedAR ReleasedPipeline ReleasedTyping ReleasedShape.
Import ListNotations.
Set Default Goal Selector "!".

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try lia.

(** One bound on every dimension. *)
Definition rdimB {H : RHead} (cfg : RConfig H) : nat :=
  rNK cfg + rdm cfg + rdh cfg + rb_H (rD cfg) + rb_dff (rD cfg) + rch cfg
  + rh_dimB H (rhd cfg) + ra cfg ^ rK cfg + 1.

(** The widest state: all outputs and the input vector. *)
Definition rwmax {H : RHead} (cfg : RConfig H) : nat := yoff (rtok cfg) (rch cfg) (rK cfg) + rglen cfg.

Lemma rbig_final {H : RHead} (cfg : RConfig H) j : j <= rK cfg - 1 -> rbig cfg j = rside cfg (rK cfg - 1).
Proof.
  intros Hj. unfold rbig, rup, rside.
  rewrite Nat.mul_assoc, (Nat.mul_comm (ra cfg ^ _) (rs0 cfg)), <- Nat.mul_assoc, <- Nat.pow_add_r.
  f_equal. f_equal. lia.
Qed.

Section small.
  Context (B : nat) (HB : 1 <= B).

  Lemma padd_shape N d off : N * d <= B * B -> shape (padd_at N d off) <= 6 * (B * B).
  Proof.
    intros H. unfold shape, padd_at.
    destruct (ew_prog_counts N d (OBin BAdd) (fun t k => [FIn (t * d + k); FIn (off + (t * d + k))]))
      as (o & q & _ & m & a); [intros; reflexivity|].
    rewrite o, q, a. cbn [op_arity] in m. lia.
  Qed.

  Lemma rmsw_shape p eps offX offW N d : N <= B -> d <= B -> shape (rmsw_at p eps offX offW N d) <= 50 * (B * B).
  Proof.
    intros HN Hd. pose proof (Bpow B HB) as (B1 & B2 & B3). unfold shape.
    rewrite rmsw_at_ops, rmsw_at_pads, rmsw_at_arity. pose proof (rmsw_at_maxar p eps offX offW N d).
    assert (N * d <= B * B) by mono. lia.
  Qed.

  Lemma up_shape p offX r h w c : r * h * (r * w) <= B -> c <= B -> shape (up_at p offX r h w c) <= 60 * (B * B).
  Proof.
    intros HN Hc. unfold shape. rewrite up_at_ops, up_at_pads, up_at_arity.
    pose proof (up_at_maxar p offX r h w c).
    set (No := r * h * (r * w)) in *. assert (No * c <= B * B) by mono. nia.
  Qed.

  Lemma down_shape p offX r h w c : h / r * (w / r) <= B -> r <= B -> c <= B ->
    shape (down_at p offX r h w c) <= 10 * (B * (B * (B * B))).
  Proof.
    intros HN Hr Hc. pose proof (Bpow B HB) as (B1 & B2 & B3). unfold shape.
    rewrite down_at_ops, down_at_pads, down_at_arity. pose proof (down_at_maxar p offX r h w c).
    set (No := h / r * (w / r)) in *.
    assert (No * (c * (r * r + 1)) <= B * (B * (B * B + 1))) by mono.
    assert (No * (c * (r * r) + c) <= B * (B * (B * B) + B)) by mono.
    assert (No * c <= B * B) by mono. assert (r * r <= B * B) by mono. nia.
  Qed.
End small.

(** ** The AR pass *)

Lemma bcast_shape off r c : shape (bcast_at off r c) = r * c.
Proof.
  unfold shape. rewrite bcast_at_arity. unfold bcast_at.
  destruct (gather_counts (repeat (off, c) r)) as (g1 & g2 & _ & g4). rewrite g1, g2, g4. lia.
Qed.

Local Ltac add_bound t L :=
  let Hb := fresh "Hb" in let m := fresh "m" in
  pose proof L as Hb; revert Hb; generalize t as m; intros m Hb.

(** The skeleton facts of a program whose parts are variables. *)
Local Ltac shs e :=
  lazymatch e with
  | PSeq ?a ?b => pose proof (shape_PSeq a b); shs a; shs b
  | PPar ?a ?b => pose proof (shape_PPar a b); shs a; shs b
  | stage ?a ?g ?m => pose proof (shape_stage a g m)
  | _ => idtac
  end.

Lemma maxar_PSeq' a b : maxar (PSeq a b) = Nat.max (maxar a) (maxar b). Proof. reflexivity. Qed.

Section pass.
  Context {H : RHead} (p : nat) (E : ErfImpl) (cfg : RConfig H) (B : nat).
  Context (Ha : 1 <= ra cfg) (HB : rdimB cfg <= B).
  Local Notation c := (rch cfg).
  Local Notation d := (rdm cfg).
  Local Notation Q := (B * (B * (B * B))).

  Lemma rdims : rNK cfg <= B /\ d <= B /\ rdh cfg <= B /\ rb_H (rD cfg) <= B
    /\ rb_dff (rD cfg) <= B /\ c <= B /\ rh_dimB H (rhd cfg) <= B /\ ra cfg ^ rK cfg <= B /\ 1 <= B.
  Proof. unfold rdimB in HB. lia. Qed.

  Lemma rntok_le i : i < rK cfg -> rntok cfg i <= B.
  Proof. intros Hi. pose proof rdims. pose proof (rntok_mono cfg i (rK cfg - 1) ltac:(lia)). unfold rNK in *. lia. Qed.

  Lemma rembed_shape gofs w j : S j < rK cfg ->
    shape (rembed_at p cfg gofs w j) <= 100 * Q + 4 * w.
  Proof.
    intros Hj. destruct rdims as (HNK & Hd & Hdh & HH & Hff & Hc & _ & HaK & H1).
    pose proof (Bpow B H1) as (B1 & B2 & B3).
    assert (Hbig : rbig cfg j * rbig cfg j <= B).
    { rewrite rbig_final by lia. pose proof (rntok_le (rK cfg - 1) ltac:(lia)).
      pose proof (rtok_le_rntok cfg (rK cfg - 1)). unfold rtok in *. lia. }
    assert (Hr : rdn cfg j <= B).
    { unfold rdn. eapply Nat.le_trans; [|exact HaK]. apply Nat.pow_le_mono_r; lia. }
    assert (HtS : rtok cfg (S j) <= B).
    { pose proof (rntok_le (S j) Hj). pose proof (rtok_le_rntok cfg (S j)). lia. }
    unfold rembed_at.
    pose proof (up_shape B H1 p (yoff (rtok cfg) c j) (rup cfg j) (rside cfg j) (rside cfg j) c Hbig Hc).
    pose proof (down_shape B H1 p 0 (rdn cfg j) (rbig cfg j) (rbig cfg j) c
                  ltac:(rewrite rdown_rows by (auto; lia); exact HtS) Hr Hc).
    pose proof (mlp_shape3 B H1 0 (rtok cfg (S j) * c + gofs + o_zW cfg)
                  (rtok cfg (S j) * c + gofs + o_zb cfg) (rtok cfg (S j)) c d HtS Hc Hd).
    assert (rbig cfg j * rbig cfg j * c <= B * B) by mono.
    eapply Nat.le_trans; [apply shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_l, shape_PSeq|].
    pose proof (shape_PPar_arity (up_at p (yoff (rtok cfg) c j) (rup cfg j) (rside cfg j) (rside cfg j) c)
                  (keep 0 w)).
    pose proof (shape_PPar_arity (down_at p 0 (rdn cfg j) (rbig cfg j) (rbig cfg j) c)
                  (keep (rbig cfg j * rbig cfg j * c) w)).
    rewrite up_at_arity, down_at_arity, !keep_arity, !shape_keep in *.
    rewrite rdown_rows in * by (auto; lia).
    assert (rtok cfg (S j) * c <= B * B) by mono.
    change (rup cfg j * rside cfg j * (rup cfg j * rside cfg j)) with (rbig cfg j * rbig cfg j) in *.
    unfold Q3 in *. lia.
  Qed.

  Lemma rseq_shape co gofs w i : i < rK cfg ->
    shape (rseq_at p cfg co gofs w i) <= (i + 1) * (110 * Q + 4 * w).
  Proof.
    intros Hi. destruct rdims as (HNK & Hd & Hdh & HH & Hff & Hc & _ & HaK & H1).
    pose proof (Bpow B H1) as (B1 & B2 & B3).
    induction i as [|i IH]; cbn [rseq_at].
    - rewrite bcast_shape.
      pose proof (rntok_le 0 Hi). rewrite rntok_0 in *. assert (rtok cfg 0 * d <= B * B) by mono.
      lia.
    - eapply Nat.le_trans; [apply shape_PPar_arity|].
      rewrite rseq_at_arity, rembed_at_arity by exact Ha.
      pose proof (rembed_shape gofs w i Hi). specialize (IH ltac:(lia)).
      pose proof (rntok_le i ltac:(lia)). assert (rntok cfg i * d <= B * B) by mono.
      assert (rtok cfg (S i) * d <= B * B).
      { pose proof (rntok_le (S i) Hi). pose proof (rtok_le_rntok cfg (S i)). mono. }
      nia.
  Qed.
End pass.

Section pass2.
  Context {H : RHead} (p : nat) (E : ErfImpl) (cfg : RConfig H) (B : nat).
  Context (Ha : 1 <= ra cfg) (HB : rdimB cfg <= B).
  Local Notation c := (rch cfg).
  Local Notation d := (rdm cfg).
  Local Notation Q := (B * (B * (B * B))).

  Theorem rpass_shape co i X : i < rK cfg ->
    (rb_shape_coef E + 200) * Q + 70 * (yoff (rtok cfg) c i + rglen cfg) <= X ->
    shape (rpass_at p E cfg co i) <= (4 * rLe cfg + 4 * rLd cfg + 2 * rK cfg + 60) * X.
  Proof.
    intros Hi HX. destruct (rdims cfg B Ha HB) as (HNK & Hd & Hdh & HH & Hff & Hc & _ & HaK & H1).
    pose proof (Bpow B H1) as (B1 & B2 & B3).
    pose proof (rntok_le cfg B Ha HB i Hi) as HN. pose proof (rtok_le_rntok cfg i) as HM.
    assert (Hlim : forall t, t < rntok cfg i -> rlim cfg i t <= rntok cfg i) by (intros; apply rlim_le; auto).
    set (w := yoff (rtok cfg) c i + rglen cfg) in *.
    assert (HNd : rntok cfg i * d <= B * B) by mono.
    assert ((rntok cfg i - rtok cfg i) * d <= B * B) by (apply (Nat.le_trans _ (rntok cfg i * d)); [mono|lia]).
    assert (rtok cfg i * d <= B * B) by mono.
    assert (rLe cfg * (rb_shape_coef E * Q + 60 * w) <= rLe cfg * X) by (apply Nat.mul_le_mono_l; lia).
    assert (rLd cfg * (rb_shape_coef E * Q + 60 * w) <= rLd cfg * X) by (apply Nat.mul_le_mono_l; lia).
    assert (HQX : Q <= X) by lia. assert (HwX : w <= X) by lia.
    assert (Hbl : rb_shape_coef E * Q + 60 * w <= X) by lia.
    pose proof (rseq_shape p cfg B Ha HB co (yoff (rtok cfg) c i) w i Hi) as Hseq.
    assert (Hseq' : (i + 1) * (110 * Q + 4 * w) <= rK cfg * X) by (apply Nat.mul_le_mono; lia).
    unfold rpass_at. fold w.
    repeat match goal with
    | |- context [iter ?w' ?L ?body] =>
        add_bound (iter w' L body)
          (shape_iter w' L body (rb_shape_coef E * Q + 60 * w)
             ltac:(intros l _; apply rb_shape; auto; unfold rdh, rdm in *; lia))
    | |- context [keep ?a ?g] => add_bound (keep a g) (shape_keep a g)
    | |- context [rseq_at ?a1 ?a2 ?a3 ?a4 ?a5 ?a6] => add_bound (rseq_at a1 a2 a3 a4 a5 a6) Hseq
    | |- context [padd_at ?a1 ?a2 ?a3] =>
        first [add_bound (padd_at a1 a2 a3) (padd_shape B H1 a1 a2 a3 HNd)
              |add_bound (padd_at a1 a2 a3) (padd_shape B a1 a2 a3 HNd)]
    | |- context [rmsw_at ?a1 ?a2 ?a3 ?a4 ?a5 ?a6] =>
        add_bound (rmsw_at a1 a2 a3 a4 a5 a6) (rmsw_shape B H1 a1 a2 a3 a4 a5 a6 HN Hd)
    | |- context [mlp_at ?a1 ?a2 ?a3 ?a4 ?a5 ?a6] =>
        add_bound (mlp_at a1 a2 a3 a4 a5 a6) (mlp_shape3 B H1 a1 a2 a3 a4 a5 a6 HN Hd Hd)
    end.
    (* every part is now a variable with its bound: add up the skeleton's [shape_PSeq],
       [shape_PPar] and [shape_stage] facts *)
    unfold Q3 in *.
    lazymatch goal with |- shape ?e <= _ => shs e end.
    lia.
  Qed.
End pass2.

(** ** A scale, the widest state, the whole program *)

Definition released_shape_coef (K Le Ld Ch es : nat) : nat :=
  (K + 1) * ((30 * Le + 30 * Ld + 15 * K + 500 + 5 * Ch)
             * (3200 + 6 * es + 70 * (2 * K + 30 * Le + 30 * Ld + Ch + 20))).

Lemma released_shape_coef_mono K Le Ld Ch es K' Le' Ld' Ch' :
  K <= K' -> Le <= Le' -> Ld <= Ld' -> Ch <= Ch' ->
  released_shape_coef K Le Ld Ch es <= released_shape_coef K' Le' Ld' Ch' es.
Proof.
  intros. unfold released_shape_coef.
  apply Nat.mul_le_mono; [lia|]. apply Nat.mul_le_mono; lia.
Qed.

Section total.
  Context {H : RHead} (p : nat) (E : ErfImpl) (cfg : RConfig H) (B : nat).
  Context (Ha : 1 <= ra cfg) (HB : rdimB cfg <= B).
  Local Notation c := (rch cfg).
  Local Notation d := (rdm cfg).
  Local Notation Q := (B * (B * (B * B))).

  Theorem rscale_shape i X : i < rK cfg ->
    (rb_shape_coef E + 200) * Q + 70 * (yoff (rtok cfg) c i + rglen cfg) <= X ->
    shape (rscale_at p E cfg i)
    <= (30 * rLe cfg + 30 * rLd cfg + 15 * rK cfg + 500 + 5 * rh_coef H (rhd cfg)) * X.
  Proof.
    intros Hi HX. destruct (rdims cfg B Ha HB) as (HNK & Hd & Hdh & HH & Hff & Hc & Hhd & HaK & H1).
    pose proof (Bpow B H1) as (B1 & B2 & B3).
    pose proof (rntok_le cfg B Ha HB i Hi) as HN. pose proof (rtok_le_rntok cfg i) as HM.
    set (w := yoff (rtok cfg) c i + rglen cfg) in *.
    assert (HQX : Q <= X) by lia. assert (HwX : w <= X) by lia.
    assert (rtok cfg i * c <= B * B) by mono. assert (rtok cfg i * d <= B * B) by mono.
    pose proof (rpass_shape p E cfg B Ha HB (o_cls cfg) i X Hi HX).
    pose proof (rpass_shape p E cfg B Ha HB (o_null cfg) i X Hi HX).
    pose proof (rh_shape H p (rhd cfg) c d (rK cfg) i (rtok cfg i) (o_fh cfg) (yoff (rtok cfg) c i) w B
                  ltac:(lia) Hc Hd Hhd H1) as Hh.
    assert (rh_coef H (rhd cfg) * (Q + w) <= rh_coef H (rhd cfg) * (2 * X)) by (apply Nat.mul_le_mono_l; lia).
    unfold rscale_at. fold w.
    repeat match goal with
    | |- context [keep ?a ?g] =>
        let m := fresh "k" in
        destruct (keep_counts a g) as (? & ? & _ & ? & ?); generalize dependent (keep a g); intros m ? ? ? ?
    | |- context [rpass_at ?a1 ?a2 ?a3 ?a4 ?a5] =>
        let Hb := fresh "Hb" in let m := fresh "m" in
        lazymatch goal with Hs : shape (rpass_at a1 a2 a3 a4 a5) <= _ |- _ =>
          revert Hs; generalize (rpass_at a1 a2 a3 a4 a5) as m; intros m Hb end
    | |- context [rh_prog ?a1 ?a2 ?a3 ?a4 ?a5 ?a6 ?a7 ?a8 ?a9 ?a10 ?a11] =>
        let m := fresh "m" in
        revert Hh; generalize (rh_prog a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11) as m; intros m Hh
    end.
    unfold shape at 1.
    match goal with |- context [maxar ?e] =>
      assert (Hm : maxar e <= (4 * rLe cfg + 4 * rLd cfg + 2 * rK cfg + 60 + 2 * rh_coef H (rhd cfg)) * X)
        by (rewrite ?maxar_PSeq, ?maxar_PPar;
            repeat (lazymatch goal with |- Nat.max _ _ <= _ => apply Nat.max_lub end);
            unfold shape in *; lia) end.
    rewrite ?ops_PSeq, ?ops_PPar, ?pads_PSeq, ?pads_PPar, ?arity_PSeq, ?arity_PPar.
    unfold shape in *. lia.
  Qed.
End total.

Lemma rb_size_le D B : rb_d D <= B -> rb_dh D <= B -> rb_H D <= B -> rb_dff D <= B -> 1 <= B ->
  rb_size D <= 30 * (B * (B * (B * B))).
Proof.
  intros Hd Hdh HH Hff H1. pose proof (Bpow B H1) as (B1 & B2 & B3).
  unfold rb_size, o_b2, o_w2, o_bx, o_wx, o_bg, o_wg, o_pb, o_pO, o_hq, o_mb, rb_hsz.
  assert (rb_d D * (6 * rb_d D) <= B * (6 * B)) by mono.
  assert (rb_H D * (3 * (rb_d D * rb_dh D + rb_dh D)) <= B * (3 * (B * B + B))) by mono.
  assert (B * (3 * (B * B + B)) <= 6 * (B * (B * B))) by nia.
  assert (rb_H D * rb_dh D * rb_d D <= B * B * B) by mono.
  assert (rb_d D * rb_dff D <= B * B) by mono. assert (rb_dff D * rb_d D <= B * B) by mono.
  lia.
Qed.

Section whole.
  Context {H : RHead} (p : nat) (E : ErfImpl) (cfg : RConfig H) (B : nat).
  Context (Ha : 1 <= ra cfg) (HB : rdimB cfg <= B).
  Local Notation c := (rch cfg).
  Local Notation d := (rdm cfg).
  Local Notation Q := (B * (B * (B * B))).

  Lemma rwmax_le :
    rwmax cfg <= (2 * rK cfg + 30 * rLe cfg + 30 * rLd cfg + rh_coef H (rhd cfg) + 20) * Q.
  Proof.
    destruct (rdims cfg B Ha HB) as (HNK & Hd & Hdh & HH & Hff & Hc & Hhd & HaK & H1).
    pose proof (Bpow B H1) as (B1 & B2 & B3).
    assert (Hy : yoff (rtok cfg) c (rK cfg) <= rK cfg * Q).
    { unfold yoff. apply list_sum_le_max_mul. intros j Hj.
      pose proof (rntok_le cfg B Ha HB j Hj). pose proof (rtok_le_rntok cfg j).
      assert (rtok cfg j * c <= B * B) by mono. lia. }
    pose proof (rb_size_le (rD cfg) B Hd Hdh HH Hff H1) as Hs.
    pose proof (rh_size_le H (rhd cfg) c d B Hc Hd Hhd H1) as Hr.
    assert (rLe cfg * rb_size (rD cfg) <= rLe cfg * (30 * Q)) by (apply Nat.mul_le_mono_l; lia).
    assert (rLd cfg * rb_size (rD cfg) <= rLd cfg * (30 * Q)) by (apply Nat.mul_le_mono_l; lia).
    assert (rNK cfg * rdh cfg <= B * B) by mono. assert (rNK cfg * d <= B * B) by mono.
    assert (c * d <= B * B) by mono. assert (d * d <= B * B) by mono.
    unfold rwmax, rglen, o_fh, o_pf, o_dn, o_dec, o_pd, o_db, o_dW, o_en, o_enc, o_pe, o_zln, o_zb, o_zW,
      o_sin, o_cos, o_noise. lia.
  Qed.

  Theorem flowar_released_shape : 1 <= rK cfg ->
    shape (flowar_released_prog p E cfg)
    <= released_shape_coef (rK cfg) (rLe cfg) (rLd cfg) (rh_coef H (rhd cfg)) (erf_shape E) * Q.
  Proof.
    intros HK. destruct (rdims cfg B Ha HB) as (HNK & Hd & Hdh & HH & Hff & Hc & Hhd & HaK & H1).
    pose proof (Bpow B H1) as (B1 & B2 & B3).
    set (X := (rb_shape_coef E + 200) * Q + 70 * rwmax cfg).
    set (S := 30 * rLe cfg + 30 * rLd cfg + 15 * rK cfg + 500 + 5 * rh_coef H (rhd cfg)).
    assert (Hsc : forall i, i < rK cfg -> shape (rscale_at p E cfg i) <= S * X).
    { intros i Hi. apply (rscale_shape p E cfg B Ha HB i X Hi). unfold X, rwmax.
      pose proof (yoff_mono (rtok cfg) c i (rK cfg) ltac:(lia)). lia. }
    pose proof (grow_shape (rglen cfg) (rscale_at p E cfg) (rK cfg) (S * X) Hsc) as Hg.
    unfold flowar_released_prog. eapply Nat.le_trans; [apply shape_PSeq|]. rewrite shape_keep.
    fold (rscales_at p E cfg (rK cfg)) in Hg.
    assert (Hl : rtok cfg (rK cfg - 1) * c <= Q).
    { pose proof (rntok_le cfg B Ha HB (rK cfg - 1) ltac:(lia)). pose proof (rtok_le_rntok cfg (rK cfg - 1)).
      assert (rtok cfg (rK cfg - 1) * c <= B * B) by mono. lia. }
    pose proof rwmax_le as HW.
    assert (HX : X <= (3200 + 6 * erf_shape E
                       + 70 * (2 * rK cfg + 30 * rLe cfg + 30 * rLd cfg + rh_coef H (rhd cfg) + 20)) * Q).
    { unfold X, rb_shape_coef. lia. }
    assert (Hgl : rglen cfg + Q <= X) by (unfold X, rwmax in *; lia).
    assert (HS1 : 2 <= S) by (unfold S; lia).
    unfold released_shape_coef. fold S.
    set (C := 3200 + 6 * erf_shape E
              + 70 * (2 * rK cfg + 30 * rLe cfg + 30 * rLd cfg + rh_coef H (rhd cfg) + 20)) in *.
    assert (H2 : rK cfg * (S * X) <= rK cfg * (S * (C * Q))) by (apply Nat.mul_le_mono_l, Nat.mul_le_mono_l; exact HX).
    assert (H3 : X <= S * (C * Q)).
    { apply (Nat.le_trans _ (C * Q)); [exact HX|]. rewrite <- (Nat.mul_1_l (C * Q)) at 1.
      apply Nat.mul_le_mono_r. lia. }
    replace ((rK cfg + 1) * (S * C) * Q) with (rK cfg * (S * (C * Q)) + S * (C * Q)) by ring.
    lia.
  Qed.
End whole.
