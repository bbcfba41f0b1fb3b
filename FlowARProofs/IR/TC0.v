(** * Families of compiled programs are in TC0

    One theorem serves every module and the whole pipeline: if a family of
    well-typed programs has weighted depth at most [D] (with the trust
    record's constants) and polynomially many operations, parallel outputs,
    arity and outputs, and the precision is polynomial, then the compiled
    circuit family is in TC0 with depth [D] and an explicit size polynomial
    [tc0_coef * (n+1)^tc0_exp]. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Compose Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile Work.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0).

(** The family compiled from programs [prog n] at precision [prec n], reading
    [inw n] floats. *)
Definition compiled_family P (prec : nat -> nat) (inw : nat -> nat) (prog : nat -> prog)
  : family :=
  Fam (fun n => inw n * fw (prec n)) (fun n => compile P (prec n) (prog n)).

(** Syntactic size of a program: what the size polynomial is computed from. *)
Definition shape (e : prog) : nat := ops e + pads e + maxar e + arity_out e.

(** The explicit constants. [D]: depth; [a,k]: precision [≤ a(n+1)^k];
    [c,j]: shape [≤ c(n+1)^j]. *)
Definition tc0_coef P (D a c : nat) : nat :=
  c * sz_coef P * ((a + 1) * (c + 3)) ^ sz_exp P + 2 * (2 * D + 1) * c * (a + 1)
  + 2 * (4 * d_std P + 9) * c * (a + 1).

Definition tc0_exp P (k j : nat) : nat := j + (k + j) * sz_exp P + k.

Lemma pow_le_exp N x y : 1 <= N -> x <= y -> N ^ x <= N ^ y.
Proof. intros. apply Nat.pow_le_mono_r; lia. Qed.

Theorem compiled_InTC0With P prec inw prog D a k c j :
  (forall n, pwt (prec n) (inw n) (prog n)) ->
  (forall n, wdepth (op_dbound P) (prog n) <= D) ->
  PolyBoundedWith prec a k ->
  PolyBoundedWith (fun n => shape (prog n)) c j ->
  InTC0With (compiled_family P prec inw prog) D (tc0_coef P D a c) (tc0_exp P k j).
Proof.
  intros Hwt Hd Hp Hs n. cbn [fam_in fam_circ compiled_family].
  destruct (wf_compile P (prec n) (inw n) (prog n) (Hwt n)) as [Hwf Hw].
  split; [exact Hwf|split].
  - eapply Nat.le_trans; [apply depth_compile_le|apply Hd].
  - specialize (Hp n). specialize (Hs n). unfold shape in Hs.
    set (e := prog n) in *. set (p := prec n) in *. set (N := n + 1) in *.
    set (m := maxar e + 2).
    pose proof (size_compile P p (inw n) e (Hwt n)) as Hsz.
    pose proof (csize_bound_le P p e m ltac:(lia) ltac:(lia)) as Hcs.
    pose proof (Hd n) as HD. fold e in HD.
    rewrite Hw.
    assert (HN : 1 <= N) by lia.
    assert (HNk : 1 <= N ^ k) by (apply pow_succ_ge1).
    assert (HNj : 1 <= N ^ j) by (apply pow_succ_ge1).
    assert (Hp1 : p + 1 <= (a + 1) * N ^ k) by nia.
    assert (Hmx : maxar e <= c * N ^ j) by lia.
    assert (Hm1 : m + 1 <= (c + 3) * N ^ j) by (unfold m; nia).
    assert (Hfw : fw p <= 2 * ((a + 1) * N ^ k)) by (unfold fw; lia).
    (* the primitive-size term *)
    assert (Hprim : prim_size P p m
                    <= sz_coef P * ((a + 1) * (c + 3)) ^ sz_exp P * N ^ ((k + j) * sz_exp P)).
    { unfold prim_size. rewrite <- Nat.mul_assoc. apply Nat.mul_le_mono_l.
      rewrite Nat.mul_comm, Nat.pow_mul_r, <- Nat.pow_mul_l.
      apply Nat.pow_le_mono_l. rewrite Nat.pow_add_r. nia. }
    set (E := tc0_exp P k j).
    assert (HE1 : N ^ (j + (k + j) * sz_exp P) <= N ^ E) by (apply pow_le_exp; unfold E, tc0_exp; lia).
    assert (HE2 : N ^ (j + k) <= N ^ E) by (apply pow_le_exp; unfold E, tc0_exp; lia).
    rewrite Nat.pow_add_r in HE1, HE2.
    set (Q := ((a + 1) * (c + 3)) ^ sz_exp P) in *.
    set (R := N ^ ((k + j) * sz_exp P)) in *.
    assert (T1 : ops e * prim_size P p m <= c * sz_coef P * Q * N ^ E).
    { apply (Nat.le_trans _ ((c * N ^ j) * (sz_coef P * Q * R))).
      - apply Nat.mul_le_mono; lia.
      - nia. }
    assert (T1' : ops e * op_extra P p <= 2 * (4 * d_std P + 9) * c * (a + 1) * N ^ E).
    { unfold op_extra.
      apply (Nat.le_trans _ ((c * N ^ j) * ((4 * d_std P + 9) * (2 * ((a + 1) * N ^ k))))).
      - apply Nat.mul_le_mono; [lia|]. nia.
      - nia. }
    assert (T2 : 2 * wdepth (op_dbound P) e * (pads e * fw p) <= 4 * D * c * (a + 1) * N ^ E).
    { apply (Nat.le_trans _ (2 * D * ((c * N ^ j) * (2 * ((a + 1) * N ^ k))))).
      - apply Nat.mul_le_mono; [lia|]. apply Nat.mul_le_mono; lia.
      - nia. }
    assert (T3 : arity_out e * fw p <= 2 * c * (a + 1) * N ^ E).
    { apply (Nat.le_trans _ ((c * N ^ j) * (2 * ((a + 1) * N ^ k)))).
      - apply Nat.mul_le_mono; lia.
      - nia. }
    unfold tc0_coef. fold E. nia.
Qed.

(** The TC0 statement proper, with the index condition. *)
Corollary compiled_InTC0 P prec inw prog D a k c j :
  (forall n, n <= inw n * fw (prec n)) ->
  (forall n, pwt (prec n) (inw n) (prog n)) ->
  (forall n, wdepth (op_dbound P) (prog n) <= D) ->
  PolyBoundedWith prec a k ->
  PolyBoundedWith (fun n => shape (prog n)) c j ->
  InTC0 (compiled_family P prec inw prog).
Proof.
  intros Hidx Hwt Hd Hp Hs. split; [exact Hidx|].
  exists D, (tc0_coef P D a c), (tc0_exp P k j). apply compiled_InTC0With; auto.
Qed.

(** ** Shape of composite programs *)

Lemma shape_PSeq a b : shape (PSeq a b) <= shape a + shape b.
Proof. unfold shape. cbn [ops pads maxar arity_out]. lia. Qed.

Lemma shape_PPar a b : shape (PPar a b) <= 2 * (shape a + shape b).
Proof. unfold shape. cbn [ops pads maxar arity_out]. lia. Qed.

Lemma shape_PWire sel : shape (PWire sel) = length sel.
Proof. reflexivity. Qed.

Lemma shape_PPar_arity a b : shape (PPar a b) <= shape a + shape b + arity_out a + arity_out b.
Proof. unfold shape. cbn [ops pads maxar arity_out]. lia. Qed.
