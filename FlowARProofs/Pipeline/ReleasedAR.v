(** * Released FlowAR's AR side: configuration, layout, the AR pass

    The AR transformer of released FlowAR (wangqiang9/FlowAR,
    models/flowar.py, [sample_tokens], [forward_mae_encoder],
    [forward_mae_decoder]) at scale [i], for the class row [cr] (the class
    embedding, or the null class's for the unconditional pass of
    classifier-free guidance):
    {v
      X   := [ cr (tok 0 rows) ; Emb(Ỹ_0) ; … ; Emb(Ỹ_{i−1}) ]     ntok i × d
             Emb(Ỹ_j) = z_proj(area(bicubic(Ỹ_j, final side), side (j+1)))
      X   := z_proj_ln(X + pos_enc)                                RMSNorm with weight
      X   := Le released blocks (adaLN from cr, RoPE, block-causal)
      X   := encoder_norm(X)                                       RMSNorm with weight
      X   := decoder_embed(X) + pos_dec                            linear d → d
      X   := Ld released blocks;  decoder_norm(X) + pos_diff
      Ŷ_i := the last tok i rows of X
    v}
    The released code runs this with a KV cache: at scale [i] only the new
    [tok i] rows go through the blocks, their queries attending to the
    cached keys and values of all earlier rows (no mask).  Here, as in the
    paper-model pipeline (Pipeline/FlowAR.v), the AR pass RECOMPUTES the
    whole sequence with the block-causal mask and keeps the last block; that
    both give the same rows is proved for the paper-model layer
    (Runtime/KVPrefix.v, [fmha_rows_kv]) and NOT re-proved for the released
    block (docs/deviations.md).  The released sampler uses only the first
    scale's class token; its side [s0] may be larger here, and the class
    row then fills all [tok 0] rows of block 0 (with [s0 = 1], the released
    case, this is the single class token).

    This file: the configuration [RConfig] (any flow head [H : RHead],
    Pipeline/ReleasedHeadIface.v), the layout of the input vector [G], the
    float semantics of the AR pass ([rcond]), its program [rpass_at] and
    [rpass_at_correct]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon Attention MLP Sampling RMSNorm GELU.
From FlowARProofs.Pipeline Require Import Layer Scales ReleasedBlock ReleasedHeadIface.
Import ListNotations.
Set Default Goal Selector "!".

(** ** Configurations *)

Record RConfig (H : RHead) := {
  rK : nat;        (** number of scales *)
  rs0 : nat;       (** side of the first scale (released: 1) *)
  ra : nat;        (** side factor between scales (released: 2) *)
  rch : nat;       (** latent channels (released: 16) *)
  rD : RDims;      (** block dimensions, shared by encoder and decoder (as in every released model) *)
  rLe : nat;       (** encoder blocks *)
  rLd : nat;       (** decoder blocks *)
  rhd : rh_dims H; (** the flow head's own configuration *)
}.
Arguments rK {H}. Arguments rs0 {H}. Arguments ra {H}. Arguments rch {H}. Arguments rD {H}.
Arguments rLe {H}. Arguments rLd {H}. Arguments rhd {H}.

Section defs.
  Context {H : RHead}.
  Implicit Types (cfg : RConfig H) (G : list flt) (Ys : list mat) (i j l : nat).

  Definition rdm cfg := rb_d (rD cfg).
  Definition rdh cfg := rb_dh (rD cfg).
  Definition rside cfg i := rs0 cfg * ra cfg ^ i.
  Definition rtok cfg i := rside cfg i * rside cfg i.
  Definition rntok cfg i := list_sum (map (rtok cfg) (seq 0 (S i))).
  (** Tokens of the whole sequence (all [K] scales). *)
  Definition rNK cfg := rntok cfg (rK cfg - 1).
  Definition rlim cfg i : nat -> nat := bc_lim (map (rtok cfg) (seq 0 (S i))).
  (** Bicubic factor from side [j] to the final side, area factor from the
      final side to side [j+1]. *)
  Definition rup cfg j := ra cfg ^ (rK cfg - 1 - j).
  Definition rdn cfg j := ra cfg ^ (rK cfg - 2 - j).
  Definition rbig cfg j := rup cfg j * rside cfg j.

  (** ** Layout of the input vector [G] *)
  Definition o_cls cfg := 0.                                   (* class embedding, 1 × d *)
  Definition o_null cfg := rdm cfg.                            (* null-class embedding, 1 × d *)
  Definition o_noise cfg i := 2 * rdm cfg + yoff (rtok cfg) (rch cfg) i.  (* noises, tok i × c *)
  Definition o_cos cfg := o_noise cfg (rK cfg).                 (* RoPE tables, NK × dh *)
  Definition o_sin cfg := o_cos cfg + rNK cfg * rdh cfg.
  Definition o_zW cfg := o_sin cfg + rNK cfg * rdh cfg.         (* z_proj, c × d, bias 1 × d *)
  Definition o_zb cfg := o_zW cfg + rch cfg * rdm cfg.
  Definition o_zln cfg := o_zb cfg + rdm cfg.                   (* z_proj_ln weight, 1 × d *)
  Definition o_pe cfg := o_zln cfg + rdm cfg.                   (* encoder positions, NK × d *)
  Definition o_enc cfg l := o_pe cfg + rNK cfg * rdm cfg + l * rb_size (rD cfg).
  Definition o_en cfg := o_enc cfg (rLe cfg).                   (* encoder_norm weight *)
  Definition o_dW cfg := o_en cfg + rdm cfg.                    (* decoder_embed, d × d, bias *)
  Definition o_db cfg := o_dW cfg + rdm cfg * rdm cfg.
  Definition o_pd cfg := o_db cfg + rdm cfg.                    (* decoder positions *)
  Definition o_dec cfg l := o_pd cfg + rNK cfg * rdm cfg + l * rb_size (rD cfg).
  Definition o_dn cfg := o_dec cfg (rLd cfg).                   (* decoder_norm weight *)
  Definition o_pf cfg := o_dn cfg + rdm cfg.                    (* diffusion positions *)
  Definition o_fh cfg := o_pf cfg + rNK cfg * rdm cfg.          (* the flow head's weights *)
  Definition rglen cfg := o_fh cfg + rh_size H (rhd cfg) (rch cfg) (rdm cfg).
End defs.

(** ** Float semantics *)

Section semantics.
  Context {H : RHead} (P : FloatPrimitivesTC0) (E : ErfImpl) (p : nat) (cfg : RConfig H)
    (G : list flt).
  Let c := rch cfg. Let d := rdm cfg. Let D := rD cfg.

  (** Up-sampling as the code does it: bicubic to the final side, then area
      down to the next side. *)
  Definition rresample (Y : mat) j : mat :=
    fdown p (rdn cfg j) (rbig cfg j) (fup p (rup cfg j) (rside cfg j) (rside cfg j) Y).

  (** Block [j+1] of the sequence: [z_proj] of the resampled output of scale [j]. *)
  Definition rembed (Y : mat) j : mat :=
    fmlp p c (rresample Y j) (rd G (o_zW cfg) c d) (rd G (o_zb cfg) 1 d).

  (** The sequence at scale [i] for the class row at [co]. *)
  Fixpoint rseq co Ys i : mat :=
    match i with
    | 0 => fun _ k => rd G co 1 d 0 k
    | S i' => vcat (rntok cfg i') (rseq co Ys i') (rembed (nth i' Ys mzero) i')
    end.

  Definition rpadd (X : mat) o : mat := fun t k => fadd p (X t k) (rd G o (rNK cfg) d t k).

  Definition rblocks co i (o : nat -> nat) L (X : mat) : mat :=
    iterate (fun l X => frblock P p E D G (o l) co (o_cos cfg) (o_sin cfg) (rlim cfg i)
                                (rntok cfg i) X) L X.

  Definition renc co i (X : mat) : mat :=
    frmsw P p d (rms_eps p) (rd G (o_en cfg) 1 d)
      (rblocks co i (o_enc cfg) (rLe cfg)
         (frmsw P p d (rms_eps p) (rd G (o_zln cfg) 1 d) (rpadd X (o_pe cfg)))).

  Definition rdec co i (X : mat) : mat :=
    rpadd (frmsw P p d (rms_eps p) (rd G (o_dn cfg) 1 d)
             (rblocks co i (o_dec cfg) (rLd cfg)
                (rpadd (fmlp p d X (rd G (o_dW cfg) d d) (rd G (o_db cfg) 1 d)) (o_pd cfg))))
          (o_pf cfg).

  (** The AR output for scale [i]: the last [tok i] rows. *)
  Definition rcond co Ys i : mat :=
    fun t k => rdec co i (renc co i (rseq co Ys i)) (rntok cfg i - rtok cfg i + t) k.
End semantics.

(** ** Facts about the scales *)

Section facts.
  Context {H : RHead}.
  Implicit Types (cfg : RConfig H).

  Lemma rside_S cfg j : rside cfg (S j) = ra cfg * rside cfg j.
  Proof. unfold rside. cbn [Nat.pow]. lia. Qed.

  Lemma rntok_S cfg i : rntok cfg (S i) = rntok cfg i + rtok cfg (S i).
  Proof. unfold rntok. rewrite (seq_S (S i)), map_app, list_sum_app. cbn. lia. Qed.

  Lemma rntok_0 cfg : rntok cfg 0 = rtok cfg 0.
  Proof. unfold rntok. cbn. lia. Qed.

  Lemma rtok_le_rntok cfg i : rtok cfg i <= rntok cfg i.
  Proof. destruct i as [|i]; [rewrite rntok_0; lia|]. rewrite rntok_S. lia. Qed.

  Lemma rntok_mono cfg i j : i <= j -> rntok cfg i <= rntok cfg j.
  Proof. induction 1 as [|j _ IH]; [lia|]. rewrite rntok_S. lia. Qed.

  Lemma rlim_le cfg i t : t < rntok cfg i -> rlim cfg i t <= rntok cfg i.
  Proof. intros Ht. apply bc_lim_spec. exact Ht. Qed.

  (** The area factor brings the final side back to the next side. *)
  Lemma rbig_div cfg j : 1 <= ra cfg -> S j < rK cfg ->
    rbig cfg j / rdn cfg j = rside cfg (S j).
  Proof.
    intros Ha Hj. unfold rbig, rup, rdn.
    replace (rK cfg - 1 - j) with (S (rK cfg - 2 - j)) by lia. cbn [Nat.pow].
    replace (ra cfg * ra cfg ^ (rK cfg - 2 - j) * rside cfg j)
      with (rside cfg (S j) * ra cfg ^ (rK cfg - 2 - j)) by (rewrite rside_S; ring).
    apply Nat.div_mul. apply Nat.pow_nonzero. lia.
  Qed.

  Lemma rdown_rows cfg j : 1 <= ra cfg -> S j < rK cfg ->
    rbig cfg j / rdn cfg j * (rbig cfg j / rdn cfg j) = rtok cfg (S j).
  Proof. intros Ha Hj. rewrite rbig_div by assumption. reflexivity. Qed.

  Lemma rup_rows cfg j : rup cfg j * rside cfg j * (rup cfg j * rside cfg j) = rbig cfg j * rbig cfg j.
  Proof. reflexivity. Qed.
End facts.

(** ** Small programs: broadcast a row, add a matrix *)

(** [r] copies of the row of [c] values at [off]. *)
Definition bcast_at off r c : prog := gather (repeat (off, c) r).

Lemma bcast_at_correct P p xs off r c A :
  block xs off 1 c A -> peval P p (bcast_at off r c) xs = flat r c (fun _ k => A 0 k).
Proof.
  intros HA. unfold bcast_at. rewrite gather_correct.
  induction r as [|r IH]; [reflexivity|]. rewrite flat_S.
  cbn [repeat map concat fst snd]. rewrite IH, (keep_block1 P p xs off c A HA).
  f_equal. unfold flat. cbn. apply app_nil_r.
Qed.

Lemma bcast_at_wt p n off r c : off + c <= n -> pwt p n (bcast_at off r c).
Proof.
  intros H. apply gather_wt. apply Forall_forall. intros s Hs. apply repeat_spec in Hs. subst. exact H.
Qed.

Lemma bcast_at_arity off r c : arity_out (bcast_at off r c) = r * c.
Proof.
  unfold bcast_at. rewrite gather_arity. induction r as [|r IH]; [reflexivity|]. cbn [repeat map]. change (list_sum (?x :: ?l)) with (x + list_sum l). cbn [snd]. lia.
Qed.

(** Entry-wise [X + Pm], [X] at the front ([N × d]), [Pm] at [off]. *)
Definition padd_at N d off : prog :=
  ew_prog N d (OBin BAdd) (fun t k => [FIn (t * d + k); FIn (off + (t * d + k))]).

Lemma padd_at_correct P p xs N d off X Pm :
  block xs 0 N d X -> block xs off N d Pm ->
  peval P p (padd_at N d off) xs = flat N d (fun t k => fadd p (X t k) (Pm t k)).
Proof.
  intros HX HP. unfold padd_at. rewrite ew_prog_correct. apply flat_ext. intros t k Ht Hk.
  cbn [map fsrc_val opsem binsem nth]. rewrite <- (HX t k Ht Hk), <- (HP t k Ht Hk). reflexivity.
Qed.

Lemma padd_at_wt p n N d off : N * d <= n -> off + N * d <= n -> pwt p n (padd_at N d off).
Proof.
  intros H1 H2. apply ew_prog_wt. intros t k Ht Hk. split; [|reflexivity].
  assert (t * d + k < N * d) by nia.
  apply Forall_cons; [cbn; lia|]. apply Forall_cons; [cbn; lia|]. apply Forall_nil.
Qed.

Lemma padd_at_arity N d off : arity_out (padd_at N d off) = N * d.
Proof. apply ew_prog_arity. Qed.

Lemma padd_at_wdepth (P : FloatPrimitivesTC0) N d off : wdepth (op_dbound P) (padd_at N d off) <= d_std P.
Proof. apply ew_prog_wdepth. Qed.

(** ** The AR pass as a program *)

Section program.
  Context {H : RHead} (p : nat) (E : ErfImpl) (cfg : RConfig H).
  Let c := rch cfg. Let d := rdm cfg. Let D := rD cfg.
  Let yl i := yoff (rtok cfg) (rch cfg) i.

  (** Block [j+1] of the sequence, from the state [yflat Ys i ++ G] ([G] at [gofs], width [w]). *)
  Definition rembed_at gofs w j : prog :=
    let U := rbig cfg j * rbig cfg j * c in
    let V := rtok cfg (S j) * c in
    PSeq (PPar (up_at p (yl j) (rup cfg j) (rside cfg j) (rside cfg j) c) (keep 0 w))
    (PSeq (PPar (down_at p 0 (rdn cfg j) (rbig cfg j) (rbig cfg j) c) (keep U w))
          (mlp_at 0 (V + gofs + o_zW cfg) (V + gofs + o_zb cfg) (rtok cfg (S j)) c d)).

  Fixpoint rseq_at co gofs w i : prog :=
    match i with
    | 0 => bcast_at (gofs + co) (rtok cfg 0) d
    | S i' => PPar (rseq_at co gofs w i') (rembed_at gofs w i')
    end.

  (** The AR pass for the class row at [co]: from [yflat Ys i ++ G] to
      [flat (rcond …)] ([tok i × d]). *)
  Definition rpass_at co i : prog :=
    let gofs := yl i in let w := yl i + rglen cfg in
    let N := rntok cfg i in let M := rtok cfg i in let nd := N * d in
    let g o := nd + gofs + o in
    let blocks o L := iter (nd + w) L
                        (fun l => rb_at p E D N (rlim cfg i) (o l) gofs co (o_cos cfg) (o_sin cfg) w) in
    PSeq (PPar (rseq_at co gofs w i) (keep 0 w))
    (PSeq (stage nd w (padd_at N d (g (o_pe cfg))))
    (PSeq (stage nd w (rmsw_at p (rms_eps p) 0 (g (o_zln cfg)) N d))
    (PSeq (blocks (o_enc cfg) (rLe cfg))
    (PSeq (stage nd w (rmsw_at p (rms_eps p) 0 (g (o_en cfg)) N d))
    (PSeq (stage nd w (mlp_at 0 (g (o_dW cfg)) (g (o_db cfg)) N d d))
    (PSeq (stage nd w (padd_at N d (g (o_pd cfg))))
    (PSeq (blocks (o_dec cfg) (rLd cfg))
    (PSeq (stage nd w (rmsw_at p (rms_eps p) 0 (g (o_dn cfg)) N d))
    (PSeq (stage nd w (padd_at N d (g (o_pf cfg))))
          (keep ((N - M) * d) (M * d))))))))))).
End program.

(** ** Correctness of the AR pass *)

Local Ltac bw := apply block_weights; [rewrite ?app_length, ?flat_length; lia|reflexivity].

Lemma bw_flat r c A Ev G o rr cc : block (flat r c A ++ Ev ++ G) (r * c + length Ev + o) rr cc (rd G o rr cc).
Proof. apply block_weights; [apply flat_length|reflexivity]. Qed.

Lemma bw_flat_rows r c A Ev G o rr R cc :
  block (flat r c A ++ Ev ++ G) (r * c + length Ev + o) rr cc (rd G o R cc).
Proof. apply (bw_flat r c A Ev G o rr cc). Qed.

Lemma block_rd_rows G o R N d : N <= R -> block G o N d (rd G o R d).
Proof. intros HN i j _ _. reflexivity. Qed.

Section correct.
  Context {H : RHead} (P : FloatPrimitivesTC0) (E : ErfImpl) (p : nat) (cfg : RConfig H)
    (G : list flt).
  Context (Ha : 1 <= ra cfg).
  Local Notation c := (rch cfg).
  Local Notation d := (rdm cfg).

  Lemma rembed_at_correct Ys i j : j < i -> i < rK cfg ->
    peval P p (rembed_at p cfg (length (yflat (rtok cfg) c Ys i))
                                (length (yflat (rtok cfg) c Ys i) + length G) j)
          (yflat (rtok cfg) c Ys i ++ G)
    = flat (rtok cfg (S j)) d (rembed p cfg G (nth j Ys mzero) j).
  Proof.
    intros Hj Hi. unfold rembed_at. set (S0 := yflat (rtok cfg) c Ys i ++ G).
    rewrite peval_PSeq, peval_PPar.
    rewrite (up_at_correct P p _ _ (rup cfg j) (rside cfg j) (rside cfg j) c (nth j Ys mzero))
      by (exact (block_yflat (rtok cfg) c Ys i j G Hj)).
    rewrite keep0 by (unfold S0; rewrite app_length; reflexivity).
    set (U := fup p (rup cfg j) (rside cfg j) (rside cfg j) (nth j Ys mzero)).
    rewrite peval_PSeq, peval_PPar.
    rewrite (down_at_correct P p _ 0 (rdn cfg j) (rbig cfg j) (rbig cfg j) c U) by apply block_front.
    rewrite (keep_app P p (flat _ c U) S0) by (rewrite ?flat_length; unfold rbig; unfold S0; rewrite ?app_length; lia).
    rewrite rdown_rows by (try assumption; lia).
    set (V := fdown p (rdn cfg j) (rbig cfg j) U).
    apply mlp_at_correct.
    - apply block_front.
    - unfold S0. apply bw_flat.
    - unfold S0. apply bw_flat.
  Qed.

  Lemma rseq_at_correct co Ys cur i : i <= cur -> cur < rK cfg -> co + d <= length G ->
    peval P p (rseq_at p cfg co (length (yflat (rtok cfg) c Ys cur))
                                (length (yflat (rtok cfg) c Ys cur) + length G) i)
          (yflat (rtok cfg) c Ys cur ++ G)
    = flat (rntok cfg i) d (rseq p cfg G co Ys i).
  Proof.
    intros Hi Hc Hco. induction i as [|i IH].
    - cbn [rseq_at rseq]. rewrite rntok_0.
      apply (bcast_at_correct P p _ _ _ _ (rd G co 1 d)). apply block_rd_app.
    - cbn [rseq_at rseq]. rewrite peval_PPar, IH by lia.
      rewrite rembed_at_correct by lia. rewrite rntok_S, flat_vcat. reflexivity.
  Qed.

  Context (HG : length G = rglen cfg).

  Local Ltac side Hw :=
    lazymatch goal with
    | |- length (flat _ _ _) = _ => apply flat_length
    | |- length (_ ++ _) = _ => exact Hw
    | |- peval _ _ (padd_at _ _ _) _ = _ =>
        unfold rpadd; apply padd_at_correct; [apply block_front|apply bw_flat_rows]
    | |- peval _ _ (rmsw_at _ _ _ _ _ _) _ = _ =>
        apply rmsw_at_correct; [apply block_front|apply bw_flat]
    | |- peval _ _ (mlp_at _ _ _ _ _ _) _ = _ =>
        apply mlp_at_correct; [apply block_front|apply bw_flat|apply bw_flat]
    end.

  Theorem rpass_at_correct co Ys i : i < rK cfg -> co + d <= rglen cfg ->
    peval P p (rpass_at p E cfg co i) (yflat (rtok cfg) c Ys i ++ G)
    = flat (rtok cfg i) d (rcond P E p cfg G co Ys i).
  Proof.
    intros Hi Hco. unfold rpass_at.
    rewrite <- (yflat_length (rtok cfg) (rch cfg) Ys i), <- HG.
    rewrite peval_PSeq, peval_PPar, (rseq_at_correct co Ys i i) by lia.
    set (Ev := yflat (rtok cfg) (rch cfg) Ys i).
    set (N := rntok cfg i). set (M := rtok cfg i).
    assert (Hw : length (Ev ++ G) = length Ev + length G) by (apply app_length).
    assert (Hlim : forall t, t < N -> rlim cfg i t <= N) by (intros; apply rlim_le; auto).
    rewrite keep0 by exact Hw.
    set (X0 := rseq p cfg G co Ys i).
    (* encoder *)
    rewrite peval_PSeq, (stage_correct_n P p _ _ _ _ _ (flat N d (rpadd p cfg G X0 (o_pe cfg))))
      by side Hw.
    set (X1 := frmsw P p d (rms_eps p) (rd G (o_zln cfg) 1 d) (rpadd p cfg G X0 (o_pe cfg))).
    rewrite peval_PSeq, (stage_correct_n P p _ _ _ _ _ (flat N d X1)) by side Hw.
    rewrite peval_PSeq.
    rewrite (iter_correct P p (N * d + (length Ev + length G)) (rLe cfg) _
               (fun X => flat N d X ++ Ev ++ G)
               (fun l X => frblock P p E (rD cfg) G (o_enc cfg l) co (o_cos cfg) (o_sin cfg)
                                   (rlim cfg i) N X)).
    2: { intros y. rewrite !app_length, flat_length. reflexivity. }
    2: { intros l y _. apply rb_at_correct. exact Hlim. }
    set (X2 := iterate _ (rLe cfg) X1).
    rewrite peval_PSeq, (stage_correct_n P p _ _ _ _ _
      (flat N d (frmsw P p d (rms_eps p) (rd G (o_en cfg) 1 d) X2))) by side Hw.
    set (X3 := frmsw P p d (rms_eps p) (rd G (o_en cfg) 1 d) X2).
    (* decoder *)
    rewrite peval_PSeq, (stage_correct_n P p _ _ _ _ _
      (flat N d (fmlp p d X3 (rd G (o_dW cfg) d d) (rd G (o_db cfg) 1 d)))) by side Hw.
    set (X4 := fmlp p d X3 (rd G (o_dW cfg) d d) (rd G (o_db cfg) 1 d)).
    rewrite peval_PSeq, (stage_correct_n P p _ _ _ _ _ (flat N d (rpadd p cfg G X4 (o_pd cfg))))
      by side Hw.
    rewrite peval_PSeq.
    rewrite (iter_correct P p (N * d + (length Ev + length G)) (rLd cfg) _
               (fun X => flat N d X ++ Ev ++ G)
               (fun l X => frblock P p E (rD cfg) G (o_dec cfg l) co (o_cos cfg) (o_sin cfg)
                                   (rlim cfg i) N X)).
    2: { intros y. rewrite !app_length, flat_length. reflexivity. }
    2: { intros l y _. apply rb_at_correct. exact Hlim. }
    set (X5 := iterate _ (rLd cfg) _).
    rewrite peval_PSeq, (stage_correct_n P p _ _ _ _ _
      (flat N d (frmsw P p d (rms_eps p) (rd G (o_dn cfg) 1 d) X5))) by side Hw.
    rewrite peval_PSeq, (stage_correct_n P p _ _ _ _ _
      (flat N d (rpadd p cfg G (frmsw P p d (rms_eps p) (rd G (o_dn cfg) 1 d) X5) (o_pf cfg))))
      by side Hw.
    (* the last block *)
    apply keep_block. apply block_rows. pose proof (rtok_le_rntok cfg i). lia.
  Qed.
End correct.
