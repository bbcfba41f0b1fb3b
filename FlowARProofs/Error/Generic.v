(** * One definition, two arithmetics: the interface and the FFN

    The issue asks for one definition of every module, generic over the
    arithmetic, instantiated at p-bit floats and at R, so that the float
    semantics the circuits compute and the real semantics the error bound is
    about cannot drift apart.  This file gives the interface and the FFN;
    Error/GenericModules.v (LayerNorm, attention, MHA) and
    Error/GenericLayer.v (the layer, the AR stack, the velocity network and
    the Euler flow) and Error/GenericPipeline.v (up-sampling, the K scales,
    [flowar_one_definition]) do the rest.

    - [arith]: an arithmetic interface: a carrier, [+], [−], [×], [÷], the
      sum [a_sum m f] of [f 0, …, f (m−1)], [max], [0], [sqrt], [exp], the
      number [c] ([a_nat]) and the rational [num/den] ([a_const]);
    - [farith P p]: p-bit floats: every operation rounded once ([fadd],
      [fsub], [fmul], [fdiv]); the sum is the n-ary [fsum] (exact sum,
      rounded ONCE — not a fold of rounded additions); [fsqrt P], [fexp P]
      are the trust record's functions; [a_nat c = fcnt p c] (the float
      [c]) and [a_const n d = fconst p n d] ([n/d] rounded once);
    - [rarith]: the reals ([rsum], [sqrt], [exp], [INR c], [IZR n / IZR d]);
    - [g_dot], [g_matmul], [g_mlp], [g_relu], [g_ffn_inner]: the FFN written
      once; [fmlp_generic], [fffn_inner_generic] (floats, by
      [reflexivity]), [rmlp_generic], [rffn_inner_generic] (reals, by
      [reflexivity]: the real definitions are convertible to the instances).

    What the instances do NOT share is the rounding: the structure (which
    sums, products and quotients are formed, in which order, over which
    index ranges) is one definition; each float operation then rounds once,
    each real one is exact. *)
From Coq Require Import Reals Lra Lia ZArith List.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Tensor Block MatMul.
From FlowARProofs.Modules Require Import MLP FFN LayerNorm.
From FlowARProofs.Error Require Import RSum Lipschitz RealModel.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".

Record arith := {
  car : Type;
  a_add : car -> car -> car;
  a_sub : car -> car -> car;
  a_mul : car -> car -> car;
  a_div : car -> car -> car;
  (** [a_sum m f]: the sum of [f 0, …, f (m−1)] *)
  a_sum : nat -> (nat -> car) -> car;
  a_max : car -> car -> car;
  a_zero : car;
  a_sqrt : car -> car;
  a_exp : car -> car;
  (** the count [c] as a number (LayerNorm's mean and variance divide by it) *)
  a_nat : nat -> car;
  (** the rational [num/den] (the attention scale, the flow's [t_k], [Δt]) *)
  a_const : Z -> Z -> car;
}.

Section generic.
  Context (A : arith).
  Notation M := (nat -> nat -> car A).

  Definition g_dot (m : nat) (x y : nat -> car A) : car A :=
    a_sum A m (fun k => a_mul A (x k) (y k)).

  (** [X·W] (no bias), [X : N × n], [W : n × e]. *)
  Definition g_matmul (n : nat) (X W : M) : M := fun i j => g_dot n (fun k => X i k) (fun k => W k j).

  (** [X·W + b], [b : 1 × e] (row 0). *)
  Definition g_mlp (c : nat) (X W b : M) : M :=
    fun i j => a_add A (g_dot c (fun k => X i k) (fun k => W k j)) (b 0%nat j).

  Definition g_relu (X : M) : M := fun i j => a_max A (a_zero A) (X i j).

  Definition g_ffn_inner d dff (X W1 b1 W2 b2 : M) : M :=
    g_mlp dff (g_relu (g_mlp d X W1 b1)) W2 b2.
End generic.

(** ** p-bit floats *)

(** The float operations stay folded in the instance proofs: unfolding
    them (to [round]) makes the conversion check blow up. *)
Local Opaque fadd fsub fmul fdiv fsum fmax fzero fcnt fconst.

Definition farith (P : FloatFns) (p : nat) : arith :=
  {| car := flt; a_add := fadd p; a_sub := fsub p; a_mul := fmul p; a_div := fdiv p;
     a_sum := fun m f => fsum p (map f (seq 0 m)); a_max := fmax p; a_zero := fzero;
     a_sqrt := fsqrt P p; a_exp := fexp P p; a_nat := fcnt p; a_const := fconst p |}.

Lemma fdot_generic P p m x y : fdot p m x y = g_dot (farith P p) m x y.
Proof. reflexivity. Qed.

Lemma fmatmul_generic P p n X W : fmatmul p n X W = g_matmul (farith P p) n X W.
Proof. reflexivity. Qed.

Lemma fmlp_generic P p c X W b : fmlp p c X W b = g_mlp (farith P p) c X W b.
Proof. reflexivity. Qed.

Lemma fffn_inner_generic P p d dff X W1 b1 W2 b2 :
  fffn_inner p d dff X W1 b1 W2 b2 = g_ffn_inner (farith P p) d dff X W1 b1 W2 b2.
Proof. reflexivity. Qed.

(** ** The reals *)

Local Open Scope R_scope.

Definition rarith : arith :=
  {| car := R; a_add := Rplus; a_sub := Rminus; a_mul := Rmult; a_div := Rdiv;
     a_sum := fun m f => rsum f m; a_max := Rmax; a_zero := 0; a_sqrt := sqrt; a_exp := exp;
     a_nat := INR; a_const := fun n d => IZR n / IZR d |}.

(** [rsum] is the left fold of the list of terms (the order [fsum]'s list has). *)
Lemma rsum_fold (f : nat -> R) m : rsum f m = fold_left Rplus (map f (seq 0 m)) 0.
Proof.
  induction m as [|m IH]; [reflexivity|].
  rewrite seq_S, map_app, fold_left_app. simpl. rewrite IH. reflexivity.
Qed.

Lemma rmlp_generic c X W b : rmlp c X W b = g_mlp rarith c X W b.
Proof. reflexivity. Qed.

Lemma rffn_inner_generic d dff X W1 b1 W2 b2 :
  rffn_inner d dff X W1 b1 W2 b2 = g_ffn_inner rarith d dff X W1 b1 W2 b2.
Proof. reflexivity. Qed.
