(** * FlowAR's circuit family is in TC0 (explicit constants)

    For a family of configurations [cfgs n] whose number of scales, layers,
    velocity-network layers and Euler steps are bounded by constants, whose
    dimensions are polynomial in [n] and whose precision is polynomial in [n],
    the compiled FlowAR circuits
    - have depth at most [flowar_depth P K0 L0 Lf0 T0] (independent of [n]),
    - have at most [tc0_coef … * (n+1)^tc0_exp …] gates and outputs,
    - compute the float semantics [flowar_float] on every input vector of
      valid floats (inputs, noises and weights).
    Indexing ([flowar_index]): the family's index [n] only has to be at
    most the side of the largest feature map, [n ≤ side (K−1)], with
    [c ≥ 1]; then [n] is at most the input length.  The paper's [n] (the
    largest side itself) is one instance; indexing by the FIRST side [m]
    with a fixed number of scales ([s0 = m], largest side [m·a^(K−1)]) is
    another, and it is the one real doubling schedules fit: with [K ≥ 2]
    fixed, only multiples of [2^(K−1)] are largest sides, so "[side (K−1) = n]
    for every [n]" has no instance.  Since [dimB] (which includes
    [ntok (K−1) ≥ side (K−1)²]) is polynomial in [n], the largest side and
    [n] are polynomially related, so "polynomial in [n]" still means
    polynomial in the paper's [n]. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile TC0 Tensor.
From FlowARProofs.Pipeline Require Import Scales FlowAR.
Set Default Goal Selector "!".

Definition flowar_family P (prec : nat -> nat) (cfgs : nat -> Config) : family :=
  compiled_family P prec (fun n => glen (cfgs n)) (fun n => flowar_prog (prec n) (cfgs n)).

(** The explicit size polynomial of [flowar_in_TC0]: coefficient and exponent. *)
Definition flowar_size_coef P (K0 L0 Lf0 T0 ap b : nat) : nat :=
  tc0_coef P (flowar_depth P K0 L0 Lf0 T0) ap (shape_coef K0 L0 Lf0 T0 * b ^ 4).

Definition flowar_size_exp P (kp k : nat) : nat := tc0_exp P kp (4 * k).

Lemma B4_poly b k X n : X <= b * (n + 1) ^ k -> B4 X <= b ^ 4 * (n + 1) ^ (4 * k).
Proof.
  intros H. apply (Nat.le_trans _ (B4 (b * (n + 1) ^ k))); [apply B4_mono, H|].
  unfold B4. rewrite (Nat.mul_comm 4 k), Nat.pow_mul_r. cbn [Nat.pow].
  apply Nat.eq_le_incl. ring.
Qed.

Section family.
  Context (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config).
  Context (K0 L0 Lf0 T0 ap kp b k : nat).
  Context (HK : forall n, 1 <= K (cfgs n) <= K0) (HL : forall n, L (cfgs n) <= L0)
          (HLf : forall n, Lf (cfgs n) <= Lf0) (HT : forall n, T (cfgs n) <= T0).
  Context (Hprec : PolyBoundedWith prec ap kp)
          (Hdim : PolyBoundedWith (fun n => dimB (cfgs n)) b k).

  Definition flowar_D : nat := flowar_depth P K0 L0 Lf0 T0.
  Definition flowar_shape_c : nat := shape_coef K0 L0 Lf0 T0 * b ^ 4.

  Lemma flowar_shape_poly :
    PolyBoundedWith (fun n => shape (flowar_prog (prec n) (cfgs n))) flowar_shape_c (4 * k).
  Proof.
    intros n. destruct (HK n) as [HK1 HK2].
    eapply Nat.le_trans; [apply (flowar_shape (prec n) (cfgs n) (dimB (cfgs n)) (le_n _) HK1)|].
    unfold flowar_shape_c. rewrite <- Nat.mul_assoc.
    apply Nat.mul_le_mono; [apply shape_coef_mono; auto|]. apply B4_poly, Hdim.
  Qed.

  Theorem flowar_TC0_explicit :
    InTC0With (flowar_family P prec cfgs) flowar_D
              (flowar_size_coef P K0 L0 Lf0 T0 ap b) (flowar_size_exp P kp k).
  Proof.
    unfold flowar_size_coef, flowar_size_exp. fold flowar_D flowar_shape_c.
    apply compiled_InTC0With.
    - intros n. apply flowar_prog_wt, HK.
    - intros n. eapply Nat.le_trans; [apply flowar_prog_wdepth|].
      unfold flowar_D. destruct (HK n). apply flowar_depth_mono; auto.
    - exact Hprec.
    - exact flowar_shape_poly.
  Qed.

  Theorem flowar_family_correct n G :
    length G = glen (cfgs n) -> all_valid (prec n) G ->
    eval (fam_circ (flowar_family P prec cfgs) n) (encs (prec n) G)
    = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                          (flowar_float P (prec n) (cfgs n) G)).
  Proof.
    intros Hlen Hval. cbn [fam_circ flowar_family compiled_family].
    rewrite (eval_compile P (prec n) (glen (cfgs n))); auto.
    - rewrite flowar_prog_correct; auto. apply HK.
    - apply flowar_prog_wt, HK.
  Qed.

  (** The index is at most the input length when it is at most the side of
      the largest feature map and there is at least one channel. *)
  Lemma flowar_index (Hside : forall n, n <= side (cfgs n) (K (cfgs n) - 1))
        (Hch : forall n, 1 <= ch (cfgs n)) :
    forall n, n <= glen (cfgs n) * fw (prec n).
  Proof.
    intros n. specialize (Hside n). specialize (Hch n). destruct (HK n) as [HK1 _].
    assert (Hyo : yoff (tok (cfgs n)) (ch (cfgs n)) (K (cfgs n) - 1)
                  + tok (cfgs n) (K (cfgs n) - 1) * ch (cfgs n)
                  <= yoff (tok (cfgs n)) (ch (cfgs n)) (K (cfgs n)))
      by (apply yoff_lt; lia).
    assert (Hg : yoff (tok (cfgs n)) (ch (cfgs n)) (K (cfgs n)) <= glen (cfgs n))
      by (unfold glen, off_fh, off_ar, off_embb, off_embW, off_noise; lia).
    set (s := side (cfgs n) (K (cfgs n) - 1)) in *.
    assert (Ht : tok (cfgs n) (K (cfgs n) - 1) = s * s) by reflexivity.
    rewrite Ht in Hyo.
    assert (n <= s * s * ch (cfgs n)) by nia.
    assert (glen (cfgs n) <= glen (cfgs n) * fw (prec n)) by (unfold fw; nia).
    lia.
  Qed.
End family.
