(** * GELU (exact, erf-based) is in TC0 with depth 3·d_std + D_erf

    Released FlowAR's MLPs are timm [SwiGLU] with [act_layer = nn.GELU]
    (wangqiang9/FlowAR, models/flowar.py [Block], models/flowmodel.py
    [Block_v1]/[Block_v2]); timm instantiates [nn.GELU()], whose default is
    [approximate='none']: the *exact* GELU, computed by PyTorch as
    {v
      gelu(x) = x · 0.5 · (1 + erf(x · M_SQRT1_2))
    v}
    (ATen's GELU kernels, left to right: [(x·0.5)·(1 + erf(x·α))],
    [α = 1/√2] rounded).  The tanh approximation is NOT what the released
    code runs, so we do not use it.

    erf is not among the trust record's primitives (Float/Primitives.v), and
    this file does not add it.  Instead the module is parameterised by an
    *erf implementation* [E : ErfImpl]: a float program [erf_prog E p] over
    the existing primitives (1 input, 1 output) with a depth bound
    [erf_depth E P] independent of [p] and a shape bound.  Its float
    semantics is [ferf P p E] (what the program computes).  Every
    straight-line erf routine of a math library (piecewise polynomials and
    [exp], selected by comparisons) has this form, so the circuit statements
    need NO new trust; what [ErfImpl] does not carry is an accuracy
    specification ([|ferf x − erf x| ≤ …] over R), which only the error
    analysis would need (draft trust-record text: docs/trust-base.md,
    "erf").  Every statement about GELU below holds for every [E].

    Float semantics [fgelu]: [x·0.5] and [x·α] are rounded products with the
    constants [fhalf p = 1/2] (exact) and [fsqrt1_2 p] (the float nearest to
    a 17-digit rational approximation of 1/√2), then [ferf], [1 + ·] and the
    final product, each rounded once.

    Program [gelu_prog E p u] on the input at index [u]:
    [x·0.5] beside [(x·α ; erf ; 1 + ·)], then the product: weighted depth
    exactly [3·d_std + wdepth(erf_prog)] ([gelu_prog_wdepth]), so at most
    [3·d_std + erf_depth E P]; [4 + work(erf_prog)] operations. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block TC0.
From FlowARProofs.Modules Require Import Pointwise.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (A : mat) (xs : list flt) (p n r c off u : nat).

(** ** erf implementations *)

Record ErfImpl := {
  erf_prog : nat -> prog;
  erf_wt : forall p, pwt p 1 (erf_prog p);
  erf_arity : forall p, arity_out (erf_prog p) = 1;
  erf_depth : FloatPrimitivesTC0 -> nat;
  erf_wdepth : forall P p, wdepth (op_dbound P) (erf_prog p) <= erf_depth P;
  erf_shape : nat;
  erf_shape_le : forall p, shape (erf_prog p) <= erf_shape;
}.

Implicit Types (E : ErfImpl).

Definition ferf P p E (x : flt) : flt := nth 0 (peval P p (erf_prog E p) [x]) fzero.

Lemma peval_erf P p E x : peval P p (erf_prog E p) [x] = [ferf P p E x].
Proof.
  unfold ferf. pose proof (peval_length P p (erf_prog E p) [x]) as H.
  rewrite erf_arity in H. destruct (peval P p (erf_prog E p) [x]) as [|y [|z l]];
    cbn in *; [lia|reflexivity|lia].
Qed.

(** ** Semantics *)

Definition fhalf p : flt := fconst p 1 2.

(** [1/√2 ≈ 0.70710678118654752] (17 digits), rounded once to precision [p]. *)
Definition fsqrt1_2 p : flt := fconst p 70710678118654752 100000000000000000.

Definition fgelu P p E (x : flt) : flt :=
  fmul p (fmul p x (fhalf p)) (fadd p (fone p) (ferf P p E (fmul p x (fsqrt1_2 p)))).

(** ** The scalar program *)

Definition gelu_erf1 p E : prog :=
  PSeq (POp (OBin BMul)) (PSeq (erf_prog E p) (PSeq (PWire [FCst (fone p); FIn 0]) (POp (OBin BAdd)))).

Definition gelu_prog p E u : prog :=
  PSeq (PPar (PSeq (PWire [FIn u; FCst (fhalf p)]) (POp (OBin BMul)))
             (PSeq (PWire [FIn u; FCst (fsqrt1_2 p)]) (gelu_erf1 p E)))
       (POp (OBin BMul)).

Lemma gelu_prog_sem P p E : ScalarSem P p (gelu_prog p E) (fgelu P p E).
Proof.
  intros u xs. unfold gelu_prog, gelu_erf1. rewrite !peval_PSeq, peval_PPar, !peval_PSeq.
  cbn [peval map fsrc_val opsem binsem nth]. rewrite peval_erf. reflexivity.
Qed.

Lemma gelu_prog_wt p n E u : u < n -> pwt p n (gelu_prog p E u).
Proof.
  intros Hu. unfold gelu_prog, gelu_erf1. cbn [pwt arity_out length op_arity].
  rewrite erf_arity. pose proof (erf_wt E p). unfold fhalf, fsqrt1_2.
  repeat split; repeat constructor; cbn; auto using fone_valid, fconst_valid.
Qed.

Lemma gelu_prog_wdepth P p E u :
  wdepth (op_dbound P) (gelu_prog p E u) = 3 * d_std P + wdepth (op_dbound P) (erf_prog E p).
Proof. cbn. lia. Qed.

Lemma gelu_prog_wdepth_le P p E u :
  wdepth (op_dbound P) (gelu_prog p E u) <= 3 * d_std P + erf_depth E P.
Proof. rewrite gelu_prog_wdepth. pose proof (erf_wdepth E P p). lia. Qed.

Lemma gelu_prog_counts p E :
  ScalarCounts (gelu_prog p E) (4 + ops (erf_prog E p)) (2 + pads (erf_prog E p))
    (4 + work (erf_prog E p)) (Nat.max 2 (maxar (erf_prog E p))).
Proof.
  intros u. cbn [ops pads work maxar arity_out gelu_prog gelu_erf1 op_arity op_work length].
  repeat split; lia.
Qed.

(** ** On a block *)

Definition gelu_at p E off r c : prog := pw_at (gelu_prog p E) off r c.

Theorem gelu_at_correct P p E xs off r c A :
  block xs off r c A -> peval P p (gelu_at p E off r c) xs = flat r c (fun i j => fgelu P p E (A i j)).
Proof. intros HA. exact (pw_at_correct P p _ _ xs off r c A (gelu_prog_sem P p E) HA). Qed.

Lemma gelu_at_wt p n E off r c : off + r * c <= n -> pwt p n (gelu_at p E off r c).
Proof. intros H. apply pw_at_wt; [|exact H]. intros u Hu. apply gelu_prog_wt, Hu. Qed.

Theorem gelu_at_wdepth P p E off r c :
  wdepth (op_dbound P) (gelu_at p E off r c) <= 3 * d_std P + erf_depth E P.
Proof. apply pw_at_wdepth. intros u. apply gelu_prog_wdepth_le. Qed.

(** ** Example: a stand-in erf (the identity program), to run the definitions *)

Local Lemma erf_id_wt p : pwt p 1 (PWire [FIn 0]).
Proof. repeat constructor. Qed.

Local Definition erf_id : ErfImpl := {|
  erf_prog := fun _ => PWire [FIn 0]; erf_wt := erf_id_wt; erf_arity := fun _ => eq_refl;
  erf_depth := fun _ => 0; erf_wdepth := fun _ _ => le_n 0;
  erf_shape := 1; erf_shape_le := fun _ => le_n 1 |}.

(** [gelu(0) = 0] at precision 8 (with any [exp]: the stand-in erf needs none). *)
Example ex_fgelu_zero P : fgelu P 8 erf_id fzero = fzero.
Proof. vm_compute. reflexivity. Qed.

(** On [2 × 3]: [6·(4 + 0)] operations, unit-weight depth 3. *)
Example ex_gelu_counts :
  work (gelu_at 8 erf_id 0 2 3) = 24 /\ wdepth (fun _ => 1) (gelu_at 8 erf_id 0 2 3) = 3.
Proof. vm_compute. split; reflexivity. Qed.
