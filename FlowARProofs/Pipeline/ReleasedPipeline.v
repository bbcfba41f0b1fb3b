(** * The released FlowAR pipeline: float semantics, program, correctness

    Scale [i] of released FlowAR's sampler ([sample_tokens]) with
    classifier-free guidance: the AR pass of Pipeline/ReleasedAR.v runs for
    the class row (offset [o_cls]) and for the null-class row ([o_null]) on
    the same earlier outputs, and the flow head [H] (any head meeting
    Pipeline/ReleasedHeadIface.v) turns the noise [F_i] (an input) and the
    two conditions into the scale's output [Ỹ_i]:
    {v
      Ŷc_i := rcond (class)   Ŷu_i := rcond (null class)
      Ỹ_i  := head(K, i, F_i, Ŷc_i, Ŷu_i)
    output Ỹ_{K−1}                                      (side (K−1)² × c)
    v}
    [flowar_released_float] is defined from the modules' float semantics
    and the head's, without programs; [flowar_released_prog] is the program;
    [flowar_released_prog_correct] says they agree on every input vector of
    the right length. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common MLP Sampling RMSNorm GELU.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR ReleasedBlock ReleasedHeadIface ReleasedAR.
Import ListNotations.
Set Default Goal Selector "!".

(** ** Float semantics *)

Section semantics.
  Context {H : RHead} (P : FloatPrimitivesTC0) (E : ErfImpl) (p : nat) (cfg : RConfig H)
    (G : list flt).

  Definition rscale Ys i : mat :=
    rh_float H P p (rhd cfg) (rch cfg) (rdm cfg) G (o_fh cfg) (rK cfg) i (rtok cfg i)
      (rd G (o_noise cfg i) (rtok cfg i) (rch cfg))
      (rcond P E p cfg G (o_cls cfg) Ys i) (rcond P E p cfg G (o_null cfg) Ys i).

  Definition rfouts k : list mat := outs_of rscale k.

  (** Released FlowAR's output: the last scale, [side (K−1)² × c]. *)
  Definition flowar_released_float : mat := nth (rK cfg - 1) (rfouts (rK cfg)) mzero.
End semantics.

(** ** The program *)

Section program.
  Context {H : RHead} (p : nat) (E : ErfImpl) (cfg : RConfig H).

  (** Scale [i] on [yflat Ys i ++ G]; returns [yflat Ys i ++ flat Ỹ_i ++ G]. *)
  Definition rscale_at i : prog :=
    let c := rch cfg in let d := rdm cfg in
    let gofs := yoff (rtok cfg) c i in let w := gofs + rglen cfg in let M := rtok cfg i in
    PSeq (PPar (keep (gofs + o_noise cfg i) (M * c))
         (PPar (rpass_at p E cfg (o_cls cfg) i)
         (PPar (rpass_at p E cfg (o_null cfg) i) (keep 0 w))))
    (PSeq (rh_prog H p (rhd cfg) c d (rK cfg) i M (o_fh cfg) gofs w)
          (PPar (keep (M * c + M * d + M * d) gofs)
                (PPar (keep 0 (M * c)) (keep (M * c + M * d + M * d + gofs) (rglen cfg))))).

  Definition rscales_at k : prog := grow (rglen cfg) rscale_at k.

  Definition flowar_released_prog : prog :=
    PSeq (rscales_at (rK cfg))
         (keep (yoff (rtok cfg) (rch cfg) (rK cfg - 1)) (rtok cfg (rK cfg - 1) * rch cfg)).
End program.

(** ** Layout facts *)

Lemma rglen_null {H : RHead} (cfg : RConfig H) : o_null cfg + rdm cfg <= rglen cfg.
Proof.
  unfold rglen, o_fh, o_pf, o_dn, o_dec, o_pd, o_db, o_dW, o_en, o_enc, o_pe, o_zln, o_zb, o_zW,
    o_sin, o_cos, o_noise, o_null. lia.
Qed.

(** ** Correctness *)

Section correct.
  Context {H : RHead} (P : FloatPrimitivesTC0) (E : ErfImpl) (p : nat) (cfg : RConfig H)
    (G : list flt).
  Context (Ha : 1 <= ra cfg) (HG : length G = rglen cfg).
  Local Notation c := (rch cfg).
  Local Notation d := (rdm cfg).

  Theorem rscale_at_correct Ys i : i < rK cfg ->
    peval P p (rscale_at p E cfg i) (yflat (rtok cfg) c Ys i ++ G)
    = yflat (rtok cfg) c Ys i ++ flat (rtok cfg i) c (rscale P E p cfg G Ys i) ++ G.
  Proof.
    intros Hi. pose proof (rglen_null cfg) as Hnull. unfold o_null in Hnull.
    unfold rscale_at. rewrite peval_PSeq, !peval_PPar.
    rewrite (rpass_at_correct P E p cfg G Ha HG) by (unfold o_cls; lia).
    rewrite (rpass_at_correct P E p cfg G Ha HG) by (unfold o_null; lia).
    rewrite <- (yflat_length (rtok cfg) c Ys i), <- HG.
    set (Ev := yflat (rtok cfg) c Ys i). set (M := rtok cfg i).
    rewrite keep0 by (apply app_length).
    rewrite (keep_block P p _ _ M c (rd G (o_noise cfg i) M c)) by apply block_rd_app.
    rewrite peval_PSeq, (rh_correct H P p (rhd cfg) c d (rK cfg) i M (o_fh cfg)).
    set (Y1 := flat M c (rh_float _ _ _ _ _ _ _ _ _ _ _ _ _ _)).
    set (Y2 := flat M d (rcond P E p cfg G (o_cls cfg) Ys i)).
    set (Y3 := flat M d (rcond P E p cfg G (o_null cfg) Ys i)).
    assert (L1 : length Y1 = M * c) by apply flat_length.
    assert (L2 : length Y2 = M * d) by apply flat_length.
    assert (L3 : length Y3 = M * d) by apply flat_length.
    rewrite !peval_PPar.
    assert (K1 : peval P p (keep (M * c + M * d + M * d) (length Ev)) (Y1 ++ Y2 ++ Y3 ++ Ev ++ G) = Ev).
    { rewrite !app_assoc, <- (app_assoc _ Ev G). apply keep_at; rewrite ?app_length; lia. }
    assert (K2 : peval P p (keep 0 (M * c)) (Y1 ++ Y2 ++ Y3 ++ Ev ++ G) = Y1)
      by (apply (keep_at P p [] Y1); cbn; lia).
    assert (K3 : peval P p (keep (M * c + M * d + M * d + length Ev) (length G))
                   (Y1 ++ Y2 ++ Y3 ++ Ev ++ G) = G)
      by (rewrite !app_assoc; apply keep_app; rewrite ?app_length; lia).
    rewrite K1, K2, K3. reflexivity.
  Qed.

  Lemma rscales_at_correct k : k <= rK cfg ->
    peval P p (rscales_at p E cfg k) G = yflat (rtok cfg) c (rfouts P E p cfg G k) k ++ G.
  Proof.
    intros Hk. apply grow_correct; [exact HG|]. intros Ys i Hi. apply rscale_at_correct. lia.
  Qed.

  (** The released pipeline's program computes its float semantics. *)
  Theorem flowar_released_prog_correct :
    1 <= rK cfg ->
    peval P p (flowar_released_prog p E cfg) G
    = flat (rtok cfg (rK cfg - 1)) c (flowar_released_float P E p cfg G).
  Proof.
    intros HK. unfold flowar_released_prog, flowar_released_float.
    rewrite peval_PSeq, rscales_at_correct by lia.
    apply keep_block. apply block_yflat. lia.
  Qed.
End correct.
