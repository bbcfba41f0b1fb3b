(** * Released FlowAR's circuit family is in TC0 (explicit constants), for any flow head

    For a flow head [H] meeting Pipeline/ReleasedHeadIface.v, an erf
    implementation [E] and a family of released configurations [cfgs n]
    with at most [K0] scales, [Le0] encoder and [Ld0] decoder blocks, side
    factor [a ≥ 1], a head of depth at most [Dh0] and shape coefficient at
    most [Ch0], dimensions ([rdimB]) and precision polynomial in [n], the
    compiled circuits of [flowar_released_prog]
    - have depth at most [flowar_released_depth P E K0 Le0 Ld0 Dh0],
    - have size at most [released_size_coef … · (n+1)^released_size_exp …],
    - compute [flowar_released_float] on every input vector of valid floats. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile TC0 Tensor.
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import Scales FlowAR FlowARTC0 ReleasedHeadIface ReleasedAR
  ReleasedPipeline ReleasedTyping ReleasedSize.
Set Default Goal Selector "!".

Definition flowar_released_family {H : RHead} P (E : ErfImpl) (prec : nat -> nat)
    (cfgs : nat -> RConfig H) : family :=
  compiled_family P prec (fun n => rglen (cfgs n)) (fun n => flowar_released_prog (prec n) E (cfgs n)).

Definition released_size_coef P (E : ErfImpl) (K0 Le0 Ld0 Dh0 Ch0 ap b : nat) : nat :=
  tc0_coef P (flowar_released_depth P E K0 Le0 Ld0 Dh0) ap
    (released_shape_coef K0 Le0 Ld0 Ch0 (erf_shape E) * b ^ 4).

Definition released_size_exp P (kp k : nat) : nat := tc0_exp P kp (4 * k).

Section family.
  Context {H : RHead} (P : FloatPrimitivesTC0) (E : ErfImpl) (prec : nat -> nat)
    (cfgs : nat -> RConfig H).
  Context (K0 Le0 Ld0 Dh0 Ch0 ap kp b k : nat).
  Context (HK : forall n, 1 <= rK (cfgs n) <= K0) (HLe : forall n, rLe (cfgs n) <= Le0)
          (HLd : forall n, rLd (cfgs n) <= Ld0) (Ha : forall n, 1 <= ra (cfgs n))
          (HDh : forall n, rh_depth H P (rhd (cfgs n)) <= Dh0)
          (HCh : forall n, rh_coef H (rhd (cfgs n)) <= Ch0)
          (Hok : forall n i, i < rK (cfgs n) -> rh_ok H (rhd (cfgs n)) (rK (cfgs n)) i (rtok (cfgs n) i)).
  Context (Hprec : PolyBoundedWith prec ap kp)
          (Hdim : PolyBoundedWith (fun n => rdimB (cfgs n)) b k).

  Lemma released_shape_poly :
    PolyBoundedWith (fun n => shape (flowar_released_prog (prec n) E (cfgs n)))
      (released_shape_coef K0 Le0 Ld0 Ch0 (erf_shape E) * b ^ 4) (4 * k).
  Proof.
    intros n. destruct (HK n) as [HK1 HK2].
    eapply Nat.le_trans;
      [apply (flowar_released_shape (prec n) E (cfgs n) (rdimB (cfgs n)) (Ha n) (le_n _) HK1)|].
    rewrite <- Nat.mul_assoc. apply Nat.mul_le_mono.
    - apply released_shape_coef_mono; auto.
    - apply (B4_poly b k), Hdim.
  Qed.

  Theorem flowar_released_TC0_explicit :
    InTC0With (flowar_released_family P E prec cfgs) (flowar_released_depth P E K0 Le0 Ld0 Dh0)
              (released_size_coef P E K0 Le0 Ld0 Dh0 Ch0 ap b) (released_size_exp P kp k).
  Proof.
    unfold released_size_coef, released_size_exp.
    apply compiled_InTC0With.
    - intros n. apply flowar_released_prog_wt; [apply Ha|apply Hok|apply HK].
    - intros n. eapply Nat.le_trans; [apply flowar_released_prog_wdepth|].
      destruct (HK n). apply flowar_released_depth_mono; auto.
    - exact Hprec.
    - exact released_shape_poly.
  Qed.

  Theorem flowar_released_family_correct n G :
    length G = rglen (cfgs n) -> all_valid (prec n) G ->
    eval (fam_circ (flowar_released_family P E prec cfgs) n) (encs (prec n) G)
    = encs (prec n) (flat (rtok (cfgs n) (rK (cfgs n) - 1)) (rch (cfgs n))
                          (flowar_released_float P E (prec n) (cfgs n) G)).
  Proof.
    intros Hlen Hval. cbn [fam_circ flowar_released_family compiled_family].
    rewrite (eval_compile P (prec n) (rglen (cfgs n))); auto.
    - rewrite flowar_released_prog_correct; auto. apply HK.
    - apply flowar_released_prog_wt; [apply Ha|apply Hok|apply HK].
  Qed.

  (** The index is at most the input length when it is at most the final
      side and there is at least one channel. *)
  Lemma flowar_released_index (Hside : forall n, n <= rside (cfgs n) (rK (cfgs n) - 1))
        (Hch : forall n, 1 <= rch (cfgs n)) :
    forall n, n <= rglen (cfgs n) * fw (prec n).
  Proof.
    intros n. specialize (Hside n). specialize (Hch n). destruct (HK n) as [HK1 _].
    assert (Hyo : yoff (rtok (cfgs n)) (rch (cfgs n)) (rK (cfgs n) - 1)
                  + rtok (cfgs n) (rK (cfgs n) - 1) * rch (cfgs n)
                  <= yoff (rtok (cfgs n)) (rch (cfgs n)) (rK (cfgs n)))
      by (apply yoff_lt; lia).
    assert (Hg : yoff (rtok (cfgs n)) (rch (cfgs n)) (rK (cfgs n)) <= rglen (cfgs n))
      by (unfold rglen, o_fh, o_pf, o_dn, o_dec, o_pd, o_db, o_dW, o_en, o_enc, o_pe, o_zln, o_zb,
            o_zW, o_sin, o_cos, o_noise; lia).
    set (s := rside (cfgs n) (rK (cfgs n) - 1)) in *.
    assert (Ht : rtok (cfgs n) (rK (cfgs n) - 1) = s * s) by reflexivity.
    rewrite Ht in Hyo.
    assert (n <= s * s * rch (cfgs n)) by nia.
    assert (rglen (cfgs n) <= rglen (cfgs n) * fw (prec n)) by (unfold fw; nia).
    lia.
  Qed.
End family.
