(** * SiLU is in TC0 with depth 3·d_std + d_exp

    Released FlowAR uses SiLU [x · σ(x)] in every adaLN modulation
    ([nn.Sequential(nn.SiLU(), nn.Linear(...))], [nn.SiLU()(t + c)]) and in
    the flow head's time-embedding MLP (wangqiang9/FlowAR, models/flowar.py,
    models/flowmodel.py).  PyTorch evaluates it as
    {v
      silu(x) = x / (1 + exp(−x))
    v}
    (ATen's CPU and CUDA SiLU kernels: [x / (1 + exp(-x))]).

    Float semantics [fsilu]: the negation is exact ([fneg], a valid float's
    sign flip), [exp] is the trust record's [fexp P], then one rounded
    addition of [1] and one rounded division.

    Program [silu_prog u] on the input at index [u]: [0 − x] (one
    subtraction, equal to [fneg] by [fsub_zero_l]: the IR has no negation
    node), [exp], [1 + ·], then [x ÷ ·]:
    weighted depth [3·d_std + d_exp] ([silu_prog_wdepth]), 4 operations.
    [silu_at] applies it to every entry of a block ([Modules/Pointwise.v]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block.
From FlowARProofs.Modules Require Import Pointwise.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (A : mat) (xs : list flt) (p n r c off u : nat).

(** ** Semantics *)

Definition fsilu P p (x : flt) : flt := fdiv p x (fadd p (fone p) (fexp P p (fneg p x))).

Definition fsilu_mat P p A : mat := fun i j => fsilu P p (A i j).

(** ** The scalar program *)

Definition silu_den p : prog :=
  PSeq (POp (OBin BSub)) (PSeq (POp OExp) (PSeq (PWire [FCst (fone p); FIn 0]) (POp (OBin BAdd)))).

Definition silu_prog p u : prog :=
  PSeq (PPar (PWire [FIn u]) (PSeq (PWire [FCst fzero; FIn u]) (silu_den p))) (POp (OBin BDiv)).

Lemma silu_prog_sem P p : ScalarSem P p (silu_prog p) (fsilu P p).
Proof.
  intros u xs. unfold silu_prog, silu_den. cbn. rewrite fsub_zero_l. reflexivity.
Qed.

Lemma silu_prog_wt p n u : u < n -> pwt p n (silu_prog p u).
Proof.
  intros Hu. cbn. repeat split; repeat constructor; cbn; auto using fzero_valid, fone_valid.
Qed.

Lemma silu_prog_wdepth P p u : wdepth (op_dbound P) (silu_prog p u) = 3 * d_std P + d_exp P.
Proof. cbn. lia. Qed.

Lemma silu_prog_counts p : ScalarCounts (silu_prog p) 4 2 4 2.
Proof. intros u. cbn. repeat split; lia. Qed.

(** ** On a block *)

Definition silu_at p off r c : prog := pw_at (silu_prog p) off r c.

Theorem silu_at_correct P p xs off r c A :
  block xs off r c A -> peval P p (silu_at p off r c) xs = flat r c (fsilu_mat P p A).
Proof. intros HA. exact (pw_at_correct P p _ _ xs off r c A (silu_prog_sem P p) HA). Qed.

Lemma silu_at_wt p n off r c : off + r * c <= n -> pwt p n (silu_at p off r c).
Proof. intros H. apply pw_at_wt; [|exact H]. intros u Hu. apply silu_prog_wt, Hu. Qed.

Theorem silu_at_wdepth P p off r c :
  wdepth (op_dbound P) (silu_at p off r c) <= 3 * d_std P + d_exp P.
Proof. apply pw_at_wdepth. intros u. rewrite silu_prog_wdepth. lia. Qed.

Lemma silu_at_counts p off r c :
  let E := silu_at p off r c in
  ops E = r * (c * 4) /\ pads E = r * (c * 2 + c) + r * c /\ work E = r * (c * 4)
  /\ maxar E <= 2 /\ arity_out E = r * c.
Proof. exact (pw_at_counts _ _ _ _ _ off r c (silu_prog_counts p)). Qed.

Lemma silu_at_arity p off r c : arity_out (silu_at p off r c) = r * c.
Proof. apply silu_at_counts. Qed.

(** ** Examples *)

(** [silu(0) = 0 / (1 + exp 0) = 0], whatever the trust record's [exp]. *)
Example ex_fsilu_zero P : fsilu P 8 fzero = fzero.
Proof.
  unfold fsilu, fdiv. destruct (_ =? 0)%Z; [reflexivity|]. cbn [mant fzero].
  rewrite Z.mul_0_r. apply round_zero.
Qed.

(** On [2 × 3]: 24 operations, unit-weight depth 4. *)
Example ex_silu_counts :
  work (silu_at 8 0 2 3) = 24 /\ wdepth (fun _ => 1) (silu_at 8 0 2 3) = 4.
Proof. vm_compute. split; reflexivity. Qed.
