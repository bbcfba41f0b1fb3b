(** * The released pipeline: typing and depth

    [flowar_released_prog_wt]: the program is well typed on input vectors of
    length [rglen] (so it compiles to a circuit); [flowar_released_prog_wdepth]:
    its weighted depth is at most [flowar_released_depth P E K Le Ld Dh] =
    [K · (rpass_depth + Dh)] for a head of depth [Dh] — the AR pass
    ([rpass_depth]: resampling and [z_proj], positions and [z_proj_ln], [Le]
    released blocks, [encoder_norm], [decoder_embed] and positions, [Ld]
    blocks, [decoder_norm] and positions; the class and null-class passes run
    side by side) then the head, for each of the [K] scales in turn. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common MLP Sampling RMSNorm GELU.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR ReleasedBlock ReleasedHeadIface
  ReleasedAR ReleasedPipeline.
Import ListNotations.
Set Default Goal Selector "!".

Local Ltac arity_simpl :=
  repeat (change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b)
          || change (arity_out (PSeq ?a ?b)) with (arity_out b));
  rewrite ?keep_arity, ?padd_at_arity, ?rmsw_at_arity, ?mlp_at_arity, ?up_at_arity, ?down_at_arity,
    ?bcast_at_arity.

Local Ltac offsets :=
  unfold rglen, o_fh, o_pf, o_dn, o_dec, o_pd, o_db, o_dW, o_en, o_enc, o_pe, o_zln, o_zb, o_zW,
    o_sin, o_cos, o_noise, o_null, o_cls in *.

Section typing.
  Context {H : RHead} (p : nat) (E : ErfImpl) (cfg : RConfig H) (Ha : 1 <= ra cfg).
  Local Notation c := (rch cfg).
  Local Notation d := (rdm cfg).
  Local Notation yo := (yoff (rtok cfg) (rch cfg)).

  Lemma rembed_at_wt i j : j < i -> i < rK cfg ->
    pwt p (yo i + rglen cfg) (rembed_at p cfg (yo i) (yo i + rglen cfg) j).
  Proof.
    intros Hj Hi. unfold rembed_at. cbn [pwt]. arity_simpl.
    pose proof (yoff_lt (rtok cfg) c j i Hj) as Hy. change (rtok cfg j) with (rside cfg j * rside cfg j) in Hy.
    split; [split|split; [split|]].
    - apply up_at_wt. lia.
    - apply keep_wt_le. lia.
    - apply down_at_wt. unfold rbig. lia.
    - apply keep_wt_le. unfold rbig. lia.
    - arity_simpl. rewrite rdown_rows by (auto; lia).
      apply mlp_at_wt; offsets; nia.
  Qed.

  Lemma rembed_at_arity gofs w j : arity_out (rembed_at p cfg gofs w j) = rtok cfg (S j) * d.
  Proof. unfold rembed_at. arity_simpl. reflexivity. Qed.

  Lemma rseq_at_arity co gofs w i : arity_out (rseq_at p cfg co gofs w i) = rntok cfg i * d.
  Proof.
    induction i as [|i IH]; cbn [rseq_at].
    - rewrite bcast_at_arity, rntok_0. reflexivity.
    - arity_simpl. rewrite IH, rembed_at_arity, rntok_S. lia.
  Qed.

  Lemma rseq_at_wt co i cur : i <= cur -> cur < rK cfg -> co + d <= rglen cfg ->
    pwt p (yo cur + rglen cfg) (rseq_at p cfg co (yo cur) (yo cur + rglen cfg) i).
  Proof.
    intros Hi Hc Hco. induction i as [|i IH]; cbn [rseq_at].
    - apply bcast_at_wt. lia.
    - split; [apply IH; lia|]. apply rembed_at_wt; lia.
  Qed.

  Lemma rpass_at_arity co i : arity_out (rpass_at p E cfg co i) = rtok cfg i * d.
  Proof. unfold rpass_at. arity_simpl. reflexivity. Qed.

  Theorem rpass_at_wt co i : i < rK cfg -> co + d <= rglen cfg ->
    pwt p (yo i + rglen cfg) (rpass_at p E cfg co i).
  Proof.
    intros Hi Hco. unfold rpass_at, stage.
    set (w := yo i + rglen cfg). set (N := rntok cfg i). set (M := rtok cfg i).
    assert (HNR : N <= rNK cfg) by (apply rntok_mono; lia).
    assert (HNd : N * d <= rNK cfg * d) by (apply Nat.mul_le_mono_r; exact HNR).
    assert (HNh : N * rdh cfg <= rNK cfg * rdh cfg) by (apply Nat.mul_le_mono_r; exact HNR).
    assert (HMN : M <= N) by apply rtok_le_rntok.
    assert (Hlim : forall t, t < N -> rlim cfg i t <= N) by (intros; apply rlim_le; auto).
    assert (Hblk : forall (o : nat -> nat) L l, l < L ->
              o l + rb_size (rD cfg) <= o L -> o L <= rglen cfg ->
              pwt p (N * d + w) (rb_at p E (rD cfg) N (rlim cfg i) (o l) (yo i) co (o_cos cfg)
                                       (o_sin cfg) w)
              /\ arity_out (rb_at p E (rD cfg) N (rlim cfg i) (o l) (yo i) co (o_cos cfg)
                                  (o_sin cfg) w) = N * d + w).
    { intros o L l Hl H1 H2. split; [|apply rb_at_arity].
      apply rb_at_wt; [exact Hlim|unfold w; lia|unfold w, rdm in *; lia| |];
        offsets; unfold w, rdh, rdm in *; lia. }
    assert (Henc : forall l, l < rLe cfg -> o_enc cfg l + rb_size (rD cfg) <= o_enc cfg (rLe cfg)).
    { intros l Hl. unfold o_enc. nia. }
    assert (Hdec : forall l, l < rLd cfg -> o_dec cfg l + rb_size (rD cfg) <= o_dec cfg (rLd cfg)).
    { intros l Hl. unfold o_dec. nia. }
    assert (Hite : forall (o : nat -> nat) L, (forall l, l < L -> o l + rb_size (rD cfg) <= o L) ->
              o L <= rglen cfg ->
              pwt p (N * d + w) (iter (N * d + w) L (fun l => rb_at p E (rD cfg) N (rlim cfg i) (o l)
                                        (yo i) co (o_cos cfg) (o_sin cfg) w))
              /\ arity_out (iter (N * d + w) L (fun l => rb_at p E (rD cfg) N (rlim cfg i) (o l)
                                        (yo i) co (o_cos cfg) (o_sin cfg) w)) = N * d + w).
    { intros o L Ho HL. split.
      - apply iter_wt. intros l Hl. apply (Hblk o L l Hl (Ho l Hl) HL).
      - apply iter_arity. intros l Hl. apply (Hblk o L l Hl (Ho l Hl) HL). }
    destruct (Hite (o_enc cfg) (rLe cfg) Henc ltac:(offsets; lia)) as [He1 He2].
    destruct (Hite (o_dec cfg) (rLd cfg) Hdec ltac:(offsets; lia)) as [Hd1 Hd2].
    clear Hite Hblk Henc Hdec Hlim.
    cbn [pwt]. arity_simpl. rewrite ?rseq_at_arity, ?He2, ?Hd2.
    fold N. unfold w in *.
    assert (HNM : (N - M) * d + M * d = N * d)
      by (rewrite <- Nat.mul_add_distr_r; f_equal; lia).
    repeat match goal with |- _ /\ _ => split end;
      lazymatch goal with
      | |- pwt _ _ (keep _ _) => apply keep_wt_le; lia
      | |- pwt _ _ (rseq_at _ _ _ _ _ _) => apply rseq_at_wt; lia
      | |- pwt _ _ (iter _ (rLe cfg) _) => exact He1
      | |- pwt _ _ (iter _ (rLd cfg) _) => exact Hd1
      | |- pwt _ _ (padd_at _ _ _) => apply padd_at_wt; offsets; lia
      | |- pwt _ _ (rmsw_at _ _ _ _ _ _) => apply rmsw_at_wt; [apply fconst_valid| |]; offsets; lia
      | |- pwt _ _ (mlp_at _ _ _ _ _ _) => apply mlp_at_wt; offsets; lia
      end.
  Qed.

  Context (Hok : forall i, i < rK cfg -> rh_ok H (rhd cfg) (rK cfg) i (rtok cfg i)).

  Theorem rscale_at_wt i : i < rK cfg -> pwt p (yo i + rglen cfg) (rscale_at p E cfg i).
  Proof.
    intros Hi. pose proof (rglen_null cfg) as Hnull.
    assert (Hno : o_noise cfg i + rtok cfg i * c <= o_cos cfg).
    { unfold o_cos, o_noise. pose proof (yoff_lt (rtok cfg) c i (rK cfg) Hi). lia. }
    assert (Hfh : o_fh cfg + rh_size H (rhd cfg) c d <= rglen cfg) by (unfold rglen; lia).
    assert (Hcos : o_cos cfg <= o_fh cfg) by (offsets; lia).
    unfold rscale_at. cbn [pwt]. arity_simpl. rewrite !rpass_at_arity.
    split; [split; [|split; [|split]]|split].
    - apply keep_wt_le. lia.
    - apply rpass_at_wt; [exact Hi|unfold o_cls, o_null in *; lia].
    - apply rpass_at_wt; [exact Hi|exact Hnull].
    - apply keep_wt_le. lia.
    - replace (rtok cfg i * c + (rtok cfg i * d + (rtok cfg i * d + (yo i + rglen cfg))))
        with (rtok cfg i * c + rtok cfg i * d + rtok cfg i * d + (yo i + rglen cfg)) by lia.
      apply rh_wt; [apply Hok, Hi|lia].
    - rewrite rh_arity. split; [apply keep_wt_le; lia|]. split; apply keep_wt_le; lia.
  Qed.

  Lemma rscale_at_arity i : arity_out (rscale_at p E cfg i) = yo (S i) + rglen cfg.
  Proof. unfold rscale_at. arity_simpl. rewrite yoff_S. lia. Qed.

  Theorem flowar_released_prog_wt : 1 <= rK cfg -> pwt p (rglen cfg) (flowar_released_prog p E cfg).
  Proof.
    intros HK.
    destruct (grow_wt (rtok cfg) c (rglen cfg) (rscale_at p E cfg) p (rK cfg)) as [Hw Har].
    { intros i Hi. split; [apply rscale_at_wt; exact Hi|apply rscale_at_arity]. }
    split; [exact Hw|]. unfold rscales_at. rewrite Har. apply keep_wt_le.
    pose proof (yoff_lt (rtok cfg) c (rK cfg - 1) (rK cfg) ltac:(lia)). lia.
  Qed.
End typing.

(** ** Depth *)

(** One AR pass: a constant in the trust record's depths, the erf depth and
    the numbers of encoder and decoder blocks. *)
Definition rpass_depth (P : FloatPrimitivesTC0) (E : ErfImpl) (Le Ld : nat) : nat :=
  (4 * d_std P + 3 * d_sum P)                       (* bicubic, area, z_proj *)
  + d_std P + (6 * d_std P + d_sum P + d_sqrt P)     (* encoder positions, z_proj_ln *)
  + Le * rb_depth P E                                (* encoder blocks *)
  + (6 * d_std P + d_sum P + d_sqrt P)               (* encoder_norm *)
  + (2 * d_std P + d_sum P) + d_std P                (* decoder_embed, decoder positions *)
  + Ld * rb_depth P E                                (* decoder blocks *)
  + (6 * d_std P + d_sum P + d_sqrt P) + d_std P.    (* decoder_norm, diffusion positions *)

(** The whole pipeline: [K] scales of an AR pass and the head (depth [Dh]). *)
Definition flowar_released_depth (P : FloatPrimitivesTC0) (E : ErfImpl) (K Le Ld Dh : nat) : nat :=
  K * (rpass_depth P E Le Ld + Dh).

Section depth.
  Context {H : RHead} (P : FloatPrimitivesTC0) (p : nat) (E : ErfImpl) (cfg : RConfig H).

  Lemma rembed_at_wdepth gofs w j :
    wdepth (op_dbound P) (rembed_at p cfg gofs w j) <= 4 * d_std P + 3 * d_sum P.
  Proof.
    unfold rembed_at. cbn [wdepth]. rewrite !keep_wdepth.
    pose proof (up_at_wdepth P p (yoff (rtok cfg) (rch cfg) j) (rup cfg j) (rside cfg j) (rside cfg j) (rch cfg)).
    pose proof (down_at_wdepth P p 0 (rdn cfg j) (rbig cfg j) (rbig cfg j) (rch cfg)).
    pose proof (mlp_at_wdepth P 0 (rtok cfg (S j) * rch cfg + gofs + o_zW cfg)
                  (rtok cfg (S j) * rch cfg + gofs + o_zb cfg) (rtok cfg (S j)) (rch cfg) (rdm cfg)).
    lia.
  Qed.

  Lemma rseq_at_wdepth co gofs w i :
    wdepth (op_dbound P) (rseq_at p cfg co gofs w i) <= 4 * d_std P + 3 * d_sum P.
  Proof.
    induction i as [|i IH]; cbn [rseq_at wdepth].
    - unfold bcast_at, gather. cbn. lia.
    - pose proof (rembed_at_wdepth gofs w i). lia.
  Qed.

  Theorem rpass_at_wdepth co i :
    wdepth (op_dbound P) (rpass_at p E cfg co i) <= rpass_depth P E (rLe cfg) (rLd cfg).
  Proof.
    unfold rpass_at, rpass_depth. cbn [wdepth]. rewrite !stage_wdepth, !keep_wdepth.
    set (gofs := yoff (rtok cfg) (rch cfg) i). set (w := gofs + rglen cfg).
    set (N := rntok cfg i). set (nd := N * rdm cfg).
    pose proof (rseq_at_wdepth co gofs w i).
    pose proof (padd_at_wdepth P N (rdm cfg) (nd + gofs + o_pe cfg)).
    pose proof (padd_at_wdepth P N (rdm cfg) (nd + gofs + o_pd cfg)).
    pose proof (padd_at_wdepth P N (rdm cfg) (nd + gofs + o_pf cfg)).
    pose proof (rmsw_at_wdepth P p (rms_eps p) 0 (nd + gofs + o_zln cfg) N (rdm cfg)).
    pose proof (rmsw_at_wdepth P p (rms_eps p) 0 (nd + gofs + o_en cfg) N (rdm cfg)).
    pose proof (rmsw_at_wdepth P p (rms_eps p) 0 (nd + gofs + o_dn cfg) N (rdm cfg)).
    pose proof (mlp_at_wdepth P 0 (nd + gofs + o_dW cfg) (nd + gofs + o_db cfg) N (rdm cfg) (rdm cfg)).
    pose proof (wdepth_iter_le (op_dbound P) (nd + w) (rLe cfg)
      (fun l => rb_at p E (rD cfg) N (rlim cfg i) (o_enc cfg l) gofs co (o_cos cfg) (o_sin cfg) w)
      (rb_depth P E) (fun l _ => rb_at_wdepth P p E _ _ _ _ _ _ _ _ _)).
    pose proof (wdepth_iter_le (op_dbound P) (nd + w) (rLd cfg)
      (fun l => rb_at p E (rD cfg) N (rlim cfg i) (o_dec cfg l) gofs co (o_cos cfg) (o_sin cfg) w)
      (rb_depth P E) (fun l _ => rb_at_wdepth P p E _ _ _ _ _ _ _ _ _)).
    lia.
  Qed.

  Theorem rscale_at_wdepth i :
    wdepth (op_dbound P) (rscale_at p E cfg i)
    <= rpass_depth P E (rLe cfg) (rLd cfg) + rh_depth H P (rhd cfg).
  Proof.
    unfold rscale_at. cbn [wdepth]. rewrite !keep_wdepth.
    pose proof (rpass_at_wdepth (o_cls cfg) i). pose proof (rpass_at_wdepth (o_null cfg) i).
    pose proof (rh_wdepth H P p (rhd cfg) (rch cfg) (rdm cfg) (rK cfg) i (rtok cfg i) (o_fh cfg)
                  (yoff (rtok cfg) (rch cfg) i) (yoff (rtok cfg) (rch cfg) i + rglen cfg)).
    lia.
  Qed.

  Theorem flowar_released_prog_wdepth :
    wdepth (op_dbound P) (flowar_released_prog p E cfg)
    <= flowar_released_depth P E (rK cfg) (rLe cfg) (rLd cfg) (rh_depth H P (rhd cfg)).
  Proof.
    unfold flowar_released_prog, flowar_released_depth. cbn [wdepth]. rewrite keep_wdepth, Nat.add_0_r.
    apply grow_wdepth. intros i _. apply rscale_at_wdepth.
  Qed.
End depth.

Lemma flowar_released_depth_mono (P : FloatPrimitivesTC0) E K Le Ld Dh K' Le' Ld' Dh' :
  K <= K' -> Le <= Le' -> Ld <= Ld' -> Dh <= Dh' ->
  flowar_released_depth P E K Le Ld Dh <= flowar_released_depth P E K' Le' Ld' Dh'.
Proof.
  intros. unfold flowar_released_depth, rpass_depth.
  repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; lia.
Qed.
