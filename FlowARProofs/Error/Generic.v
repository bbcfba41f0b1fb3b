(** * One definition, two arithmetics: the FFN as a proof of concept

    The issue asks for one definition of every module, generic over the
    arithmetic, instantiated at p-bit floats and at R.  The development keeps
    two copies (Modules/*.v over floats, Error/RealModel.v over R); this file
    shows, for the FFN (the dot product, the affine map [fmlp]/[rmlp], ReLU,
    [fffn_inner]/[rffn_inner]), that both copies ARE one generic definition:

    - [arith]: an arithmetic interface (carrier, [+], [×], an n-ary sum of a
      list, [max], [0]);
    - [g_dot], [g_mlp], [g_relu], [g_ffn_inner]: the modules written once;
    - [farith p]: p-bit floats (rounded [fadd], [fmul], the once-rounded
      n-ary [fsum], [fmax], [fzero]); [fmlp_generic], [fffn_inner_generic]:
      the float modules are these instances by [reflexivity];
    - [rarith]: the reals (exact sum); [rmlp_generic],
      [rffn_inner_generic]: the real modules equal the instances entrywise.

    The other modules (LayerNorm, attention, the layer, the flow head) are
    still two copies with the same structure by inspection (docs/error.md). *)
From Coq Require Import Reals Lra Lia List.
From FlowARProofs.Float Require Import Format.
From FlowARProofs.IR Require Import Tensor Block.
From FlowARProofs.Modules Require Import MLP FFN.
From FlowARProofs.Error Require Import RSum Lipschitz RealModel.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".

Record arith := {
  car : Type;
  a_add : car -> car -> car;
  a_mul : car -> car -> car;
  a_sum : list car -> car;
  a_max : car -> car -> car;
  a_zero : car;
}.

Section generic.
  Context (A : arith).
  Notation M := (nat -> nat -> car A).

  Definition g_dot (m : nat) (x y : nat -> car A) : car A :=
    a_sum A (map (fun k => a_mul A (x k) (y k)) (seq 0 m)).

  Definition g_mlp (c : nat) (X W b : M) : M :=
    fun i j => a_add A (g_dot c (fun k => X i k) (fun k => W k j)) (b 0 j).

  Definition g_relu (X : M) : M := fun i j => a_max A (a_zero A) (X i j).

  Definition g_ffn_inner d dff (X W1 b1 W2 b2 : M) : M :=
    g_mlp dff (g_relu (g_mlp d X W1 b1)) W2 b2.

  Lemma g_mlp_ext c (X X' W b : M) i j :
    (forall k, (k < c)%nat -> X i k = X' i k) -> g_mlp c X W b i j = g_mlp c X' W b i j.
  Proof.
    intros H. unfold g_mlp, g_dot. f_equal. f_equal. apply map_ext_in.
    intros k Hk. apply in_seq in Hk. rewrite H by lia. reflexivity.
  Qed.
End generic.

(** ** p-bit floats *)

Definition farith (p : nat) : arith :=
  {| car := flt; a_add := fadd p; a_mul := fmul p; a_sum := fsum p; a_max := fmax p; a_zero := fzero |}.

Lemma fmlp_generic p c X W b : fmlp p c X W b = g_mlp (farith p) c X W b.
Proof. reflexivity. Qed.

Lemma fffn_inner_generic p d dff X W1 b1 W2 b2 :
  fffn_inner p d dff X W1 b1 W2 b2 = g_ffn_inner (farith p) d dff X W1 b1 W2 b2.
Proof.
  unfold fffn_inner, g_ffn_inner, frelu, g_relu. rewrite fmlp_generic.
  change (a_max (farith p)) with (fmax p). change (a_zero (farith p)) with fzero.
  f_equal.
Qed.

(** ** The reals *)

Local Open Scope R_scope.

Definition rarith : arith :=
  {| car := R; a_add := Rplus; a_mul := Rmult; a_sum := fun xs => fold_left Rplus xs 0;
     a_max := Rmax; a_zero := 0 |}.

Lemma rsum_fold (f : nat -> R) m : rsum f m = fold_left Rplus (map f (seq 0 m)) 0.
Proof.
  induction m as [|m IH]; [reflexivity|].
  rewrite seq_S, map_app, fold_left_app. simpl. rewrite IH. reflexivity.
Qed.

Lemma rmlp_generic c X W b i j : rmlp c X W b i j = g_mlp rarith c X W b i j.
Proof. unfold rmlp, linear, g_mlp, g_dot. simpl. rewrite rsum_fold. reflexivity. Qed.

Lemma rffn_inner_generic d dff X W1 b1 W2 b2 i j :
  rffn_inner d dff X W1 b1 W2 b2 i j = g_ffn_inner rarith d dff X W1 b1 W2 b2 i j.
Proof.
  unfold rffn_inner, g_ffn_inner. rewrite rmlp_generic. apply (g_mlp_ext rarith).
  intros k _. unfold relu, g_relu. simpl. rewrite rmlp_generic. reflexivity.
Qed.
