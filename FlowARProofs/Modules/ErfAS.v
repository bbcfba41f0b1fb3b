(** * A concrete erf implementation: Abramowitz–Stegun 7.1.26 as a float program

    [Modules/GELU.v] is parameterised by an erf implementation [ErfImpl]
    (a float program of bounded depth).  This file gives one, to show the
    interface is met by a real erf routine, not only by stand-ins:
    Abramowitz & Stegun, Handbook of Mathematical Functions (1964),
    formula 7.1.26: for [x ≥ 0],
    {v
      erf x ≈ 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^{−x²},   t = 1/(1 + p·x)
      p = 0.3275911, a₁ = 0.254829592, a₂ = −0.284496736, a₃ = 1.421413741,
      a₄ = −1.453152027, a₅ = 1.061405429,   |error| ≤ 1.5·10⁻⁷ (over ℝ)
    v}
    extended to [x < 0] by oddness: [erf x = sign(x)·erf |x|].

    The program ([erf_as_prog p]), on the one input [x]:
    {v
      1  [x ; 0 − x]                                   d_std
      2  [x ; |x| = max(x, −x)]                        d_std + 2
      3  [t ; e^{−|x|²} ; sign x = (0 < x) − (x < 0)]   max(3·d_std, 2·d_std + d_exp, 2·d_std)
      4  [Σ_k a_k·t^k ; e ; sign]                      d_prod + d_std + d_⊕   (powers as iterated products)
      5  [1 − poly·e ; sign]                           2·d_std
      6  sign · (1 − poly·e)                           d_std
    v}
    Its float semantics is what it computes ([ferf P p erf_as]); each
    constant is the float nearest to the decimal given above.  The accuracy
    of the *float* routine (A&S's 1.5·10⁻⁷ plus the roundings) is not
    proved here; GELU's circuit statements do not depend on it. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block TC0.
From FlowARProofs.Modules Require Import GELU.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (p : nat).

Definition as_p p : flt := fconst p 3275911 10000000.

Definition as_a p (k : nat) : flt :=
  match k with
  | 1 => fconst p 254829592 1000000000
  | 2 => fconst p (-284496736) 1000000000
  | 3 => fconst p 1421413741 1000000000
  | 4 => fconst p (-1453152027) 1000000000
  | _ => fconst p 1061405429 1000000000
  end.

(** [a_k · t^k] on [t ; …]. *)
Definition as_term p (k : nat) : prog :=
  PSeq (PPar (PWire [FCst (as_a p k)]) (PSeq (PWire (repeat (FIn 0) k)) (POp (OProd k))))
       (POp (OBin BMul)).

Definition erf_as_prog p : prog :=
  (* 1 *) PSeq (PPar (PWire [FIn 0]) (PSeq (PWire [FCst fzero; FIn 0]) (POp (OBin BSub))))
  (* 2 *) (PSeq (PPar (PWire [FIn 0]) (POp OMax))
  (* 3 *) (PSeq (PPar (PSeq (PWire [FCst (as_p p); FIn 1])
                        (PSeq (POp (OBin BMul))
                        (PSeq (PWire [FCst (fone p); FIn 0])
                        (PSeq (POp (OBin BAdd))
                        (PSeq (PWire [FCst (fone p); FIn 0]) (POp (OBin BDiv)))))))
                (PPar (PSeq (PWire [FIn 1; FIn 1])
                        (PSeq (POp (OBin BMul))
                        (PSeq (PWire [FCst fzero; FIn 0]) (PSeq (POp (OBin BSub)) (POp OExp)))))
                      (PSeq (PPar (PSeq (PWire [FCst fzero; FIn 0]) (POp OLt))
                                  (PSeq (PWire [FIn 0; FCst fzero]) (POp OLt)))
                            (POp (OBin BSub)))))
  (* 4 *) (PSeq (PPar (PSeq (PFor 5 (fun k => as_term p (S k))) (POp (OSum 5)))
                      (PWire [FIn 1; FIn 2]))
  (* 5 *) (PSeq (PPar (PSeq (PWire [FIn 0; FIn 1])
                        (PSeq (POp (OBin BMul)) (PSeq (PWire [FCst (fone p); FIn 0]) (POp (OBin BSub)))))
                      (PWire [FIn 2]))
  (* 6 *)       (POp (OBin BMul)))))).

Lemma pwt_repeat p n k : 0 < n -> pwt p n (PWire (repeat (FIn 0) k)).
Proof.
  intros Hn. cbn. induction k as [|k IH]; cbn; constructor; [cbn; lia|exact IH].
Qed.

Lemma erf_as_wt p : pwt p 1 (erf_as_prog p).
Proof.
  unfold erf_as_prog, as_p. cbn [pwt arity_out op_arity length].
  repeat split; repeat constructor; cbn [fsrc_ok];
    auto using fzero_valid, fone_valid, fconst_valid; try lia.
  - destruct i as [|[|[|[|]]]]; apply fconst_valid.
  - exact (pwt_repeat p 3 i ltac:(lia)).
  - cbn [pwt arity_out op_arity]. rewrite repeat_length. reflexivity.
Qed.

Lemma erf_as_arity p : arity_out (erf_as_prog p) = 1.
Proof. reflexivity. Qed.

(** The depth, in the trust record's constants. *)
Definition erf_as_depth P : nat :=
  d_std P + (d_std P + 2) + Nat.max (3 * d_std P) (2 * d_std P + d_exp P)
  + (d_prod P + d_std P + d_sum P) + 2 * d_std P + d_std P.

Lemma erf_as_wdepth P p : wdepth (op_dbound P) (erf_as_prog p) <= erf_as_depth P.
Proof.
  unfold erf_as_depth. cbn [erf_as_prog wdepth op_dbound].
  assert (list_max (map (fun k => wdepth (op_dbound P) (as_term p (S k))) (seq 0 5))
          <= d_prod P + d_std P).
  { apply list_max_seq_le. intros k _. unfold as_term. cbn [wdepth op_dbound]. lia. }
  lia.
Qed.

Lemma erf_as_shape p : shape (erf_as_prog p) <= 100.
Proof. unfold shape. cbn. lia. Qed.

Definition erf_as : ErfImpl := {|
  erf_prog := erf_as_prog; erf_wt := erf_as_wt; erf_arity := erf_as_arity;
  erf_depth := erf_as_depth; erf_wdepth := erf_as_wdepth;
  erf_shape := 100; erf_shape_le := erf_as_shape |}.

(** With A&S's erf, the released SwiGLU's GELU has depth
    [3·d_std + erf_as_depth P]. *)
Corollary gelu_as_wdepth P p off r c :
  wdepth (op_dbound P) (gelu_at p erf_as off r c) <= 3 * d_std P + erf_as_depth P.
Proof. apply gelu_at_wdepth. Qed.

(** Unit-weight depth [1 + 1 + 3 + (1 + 1 + 1) + 2 + 1 = 11] and the work of the routine. *)
Example ex_erf_as_counts :
  wdepth (fun _ => 1) (erf_as_prog 16) = 11 /\ work (erf_as_prog 16) = 33.
Proof. vm_compute. split; reflexivity. Qed.
