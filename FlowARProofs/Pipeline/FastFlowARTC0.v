(** * Fast FlowAR's circuit family is in TC0 (explicit constants)

    The fast analogue of [Pipeline/FlowARTC0.v]: for a family of
    configurations [cfgs n] with a bounded number of scales, layers,
    velocity-network layers and Euler steps, dimensions and precision
    polynomial in [n], and fast-attention data [monsf n] (the monomials)
    whose rank [|monsf n|] plus total degree [mdeg (monsf n)] is polynomial in
    [n] ([Hrank]; the Taylor rank [C(dh + g, g)] is [n^{o(1)}] under the
    paper's hypotheses, [Runtime/FastAsym.v]), the compiled Fast FlowAR
    circuits
    - have depth at most [fast_flowar_depth P K0 L0 Lf0 T0] — independent of
      [n] AND of the rank: fast attention has depth [4·(d_std + d_⊕) + d_⊗ + d_std];
    - have at most [tc0_coef … · (n+1)^tc0_exp …] gates and outputs;
    - compute the float semantics [fast_flowar_float] on every input vector
      of valid floats.
    [fast_flowar_L_taylor_hyps] ships a family meeting every hypothesis:
    FlowAR-L's dimensions with the degree-2 Taylor monomials (rank
    [C(66, 2) = 2145]) and coefficients [8^{−|α|}/α!]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Util Require Import Bounds Growth.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile TC0 Tensor.
From FlowARProofs.Modules Require Import FastAttention.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR FlowARTC0 Instances FastFlowAR.
From FlowARProofs.Runtime Require Import FastRank.
Set Default Goal Selector "!".

Definition fast_flowar_family P (prec : nat -> nat) (cfgs : nat -> Config)
    (monsf : nat -> list (list nat)) (coeff : nat -> nat -> list nat -> flt) : family :=
  compiled_family P prec (fun n => glen (cfgs n))
    (fun n => fast_flowar_prog (prec n) (cfgs n) (monsf n) (coeff n)).

(** The explicit size polynomial: coefficient and exponent. *)
Definition fast_flowar_size_coef P (K0 L0 Lf0 T0 ap b br : nat) : nat :=
  tc0_coef P (fast_flowar_depth P K0 L0 Lf0 T0) ap
    (shape_coef K0 L0 Lf0 T0 * (600 * (b + br + K0) ^ 5)).

Definition fast_flowar_size_exp P (kp k : nat) : nat := tc0_exp P kp (5 * k).

Lemma B5_poly X c k n : X <= c * (n + 1) ^ k ->
  X * (X * (X * (X * X))) <= c ^ 5 * (n + 1) ^ (5 * k).
Proof.
  intros H. set (Y := c * (n + 1) ^ k) in *.
  apply (Nat.le_trans _ (Y * (Y * (Y * (Y * Y))))).
  - repeat (apply Nat.mul_le_mono; [exact H|]). exact H.
  - unfold Y. rewrite (Nat.mul_comm 5 k), Nat.pow_mul_r. cbn [Nat.pow].
    apply Nat.eq_le_incl. ring.
Qed.

Section family.
  Context (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config)
    (monsf : nat -> list (list nat)) (coeff : nat -> nat -> list nat -> flt).
  Context (K0 L0 Lf0 T0 ap kp b br k : nat).
  Context (HK : forall n, 1 <= K (cfgs n) <= K0) (HL : forall n, L (cfgs n) <= L0)
          (HLf : forall n, Lf (cfgs n) <= Lf0) (HT : forall n, T (cfgs n) <= T0).
  Context (Hprec : PolyBoundedWith prec ap kp)
          (Hdim : PolyBoundedWith (fun n => dimB (cfgs n)) b k)
          (Hrank : PolyBoundedWith (fun n => length (monsf n) + mdeg (monsf n)) br k)
          (Hok : forall n, fast_ok (monsf n) (coeff n) (prec n) (LD (cfgs n))).

  Definition fast_flowar_D : nat := fast_flowar_depth P K0 L0 Lf0 T0.
  Definition fast_flowar_shape_c : nat := shape_coef K0 L0 Lf0 T0 * (600 * (b + br + K0) ^ 5).

  Lemma fast_flowar_shape_poly :
    PolyBoundedWith (fun n => shape (fast_flowar_prog (prec n) (cfgs n) (monsf n) (coeff n)))
      fast_flowar_shape_c (5 * k).
  Proof.
    intros n. destruct (HK n) as [HK1 HK2].
    eapply Nat.le_trans; [apply (fast_flowar_shape (prec n) (cfgs n) (monsf n) (coeff n)
                                   (dimB (cfgs n)) (Hok n) (le_n _) HK1)|].
    unfold fast_flowar_shape_c. rewrite <- Nat.mul_assoc.
    apply Nat.mul_le_mono; [apply shape_coef_mono; auto|].
    unfold fast_U. rewrite <- Nat.mul_assoc. apply Nat.mul_le_mono_l.
    apply B5_poly. unfold fast_B.
    pose proof (Hdim n) as H1. pose proof (Hrank n) as H2. cbv beta in H1, H2.
    pose proof (pow_succ_ge1 n k) as H3.
    assert (K (cfgs n) <= K0 * (n + 1) ^ k) by nia. nia.
  Qed.

  Theorem fast_flowar_TC0_explicit :
    InTC0With (fast_flowar_family P prec cfgs monsf coeff) fast_flowar_D
              (fast_flowar_size_coef P K0 L0 Lf0 T0 ap b br) (fast_flowar_size_exp P kp k).
  Proof.
    unfold fast_flowar_size_coef, fast_flowar_size_exp. fold fast_flowar_D.
    change (shape_coef K0 L0 Lf0 T0 * (600 * (b + br + K0) ^ 5)) with fast_flowar_shape_c.
    apply compiled_InTC0With.
    - intros n. apply fast_flowar_prog_wt; [apply Hok|apply HK].
    - intros n. eapply Nat.le_trans; [apply fast_flowar_prog_wdepth|].
      unfold fast_flowar_D, fast_flowar_depth. destruct (HK n). apply flowar_depth_g_mono; auto.
    - exact Hprec.
    - exact fast_flowar_shape_poly.
  Qed.

  Theorem fast_flowar_family_correct n G :
    length G = glen (cfgs n) -> all_valid (prec n) G ->
    eval (fam_circ (fast_flowar_family P prec cfgs monsf coeff) n) (encs (prec n) G)
    = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                          (fast_flowar_float P (prec n) (cfgs n) (monsf n) (coeff n) G)).
  Proof.
    intros Hlen Hval. cbn [fam_circ fast_flowar_family compiled_family].
    rewrite (eval_compile P (prec n) (glen (cfgs n))); auto.
    - rewrite fast_flowar_prog_correct; auto. apply HK.
    - apply fast_flowar_prog_wt; [apply Hok|apply HK].
  Qed.
End family.

(** ** A concrete family: Fast FlowAR-L with degree-2 Taylor attention *)

(** The Taylor monomials of degree [≤ 2] in the 64 head coordinates, and
    the coefficients [scale^|α|/α!] for FlowAR-L's scale [1/8]. *)
Definition fast_L_mons (m : nat) : list (list nat) := taylor_mons 64 2.
Definition fast_L_coef (m : nat) (p : nat) : list nat -> flt := taylor_coef p 1 8 64.

(** Rank plus total degree: at most [3·C(66, 2)] ([= 6435]). *)
Definition fast_L_rankb : nat := 3 * binom 66 2.

Lemma fast_L_ok m : fast_ok (fast_L_mons m) (fast_L_coef m) (flowar_L_prec m) (LD (flowar_L_cfg m)).
Proof.
  split.
  - intros j x Hj Hx. exact (taylor_mons_in 64 2 j x Hj Hx).
  - intros j _. apply taylor_coef_valid.
Qed.

Lemma fast_L_rank_poly : PolyBoundedWith (fun m => length (fast_L_mons m) + mdeg (fast_L_mons m)) fast_L_rankb 2.
Proof.
  intros m. unfold fast_L_mons, fast_L_rankb. rewrite taylor_mons_length.
  pose proof (taylor_mdeg 64 2). pose proof (pow_succ_ge1 m 2).
  replace (64 + 2) with 66 in * by reflexivity.
  set (c := binom 66 2) in *. nia.
Qed.

(** Every hypothesis of [fast_flowar_in_TC0] (Main.v) except the trust record:
    [K0 = 5], [L0 = 16], [Lf0 = 12], [T0 = 24], precision [24], dimensions
    [≤ 5558·(m+1)²], rank plus total degree [≤ 6435·(m+1)²]. *)
Lemma fast_flowar_L_taylor_hyps :
  (forall m, 1 <= K (flowar_L_cfg m) <= 5) /\ (forall m, L (flowar_L_cfg m) <= 16)
  /\ (forall m, Lf (flowar_L_cfg m) <= 12) /\ (forall m, T (flowar_L_cfg m) <= 24)
  /\ (forall m, m <= side (flowar_L_cfg m) (K (flowar_L_cfg m) - 1))
  /\ (forall m, 1 <= ch (flowar_L_cfg m))
  /\ PolyBoundedWith flowar_L_prec 24 0
  /\ PolyBoundedWith (fun m => dimB (flowar_L_cfg m)) flowar_L_dimb 2
  /\ PolyBoundedWith (fun m => length (fast_L_mons m) + mdeg (fast_L_mons m)) fast_L_rankb 2
  /\ (forall m, fast_ok (fast_L_mons m) (fast_L_coef m) (flowar_L_prec m) (LD (flowar_L_cfg m))).
Proof.
  destruct flowar_L_hyps as (H1 & H2 & H3 & H4 & H5 & H6 & H7 & H8).
  exact (conj H1 (conj H2 (conj H3 (conj H4 (conj H5 (conj H6 (conj H7 (conj H8
           (conj fast_L_rank_poly fast_L_ok))))))))).
Qed.
