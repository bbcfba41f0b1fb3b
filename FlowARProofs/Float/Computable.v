(** * A computable instance of exp and sqrt, for cross-checking only

    The float semantics of FlowAR takes [(P : FloatFns)] (Float/Primitives.v):
    exp and sqrt as float functions.  The trust record's own functions are
    abstract (only their accuracy over [R] is known), so Coq cannot evaluate
    the semantics with them.  This file gives concrete functions [fexp_c],
    [fsqrt_c] on the floats of Float/Format.v, computable by [vm_compute],
    and the instance [fns_c : FloatFns].  The file EvalTiny.v that the Python
    bridge generates (py_bridge/crosscheck/, docs/crosscheck.md) evaluates the
    pipeline with it; the bridge implements the same two functions with the
    same integer arithmetic, so both sides use bit-identical exp and sqrt.

    [fns_c] is a TEST instance, not a claim: nothing here is used by a
    theorem about FlowAR, and no accuracy is proved.  Documented (unproved)
    accuracy:
    - [fsqrt_c p x] is the correctly rounded (nearest, ties to even) square
      root of a positive [x]: the integer square root of the mantissa scaled by
      [2^(2(p+2))] has at least [p+2] bits, so [s + 1/2] (with [s] the floor
      and a sticky half when the root is inexact) rounds like the exact root;
      [fzero] for [x ≤ 0].
    - [fexp_c p x] computes [exp] in fixed point with [F = 2p + 10]
      fractional bits: [v = k·ln 2 + r] with [|r| ≤ ln 2 / 2], [exp r] by 40
      Taylor terms, [ln 2] by its series [Σ 1/(n·2^n)]; the fixed-point error
      is a few units of [2^(−F)], so the result is the correctly rounded
      [exp v] except when [exp v] lies within about [2^(−p−5)] ulp of a
      rounding boundary.  Saturation: for [|v| ≥ 2^10] the result is the
      largest float ([v > 0]) or [fzero] ([v < 0]); exp of such arguments
      overflows or underflows binary64 anyway.
    Divisions are [Z.div] (floor), like Python's [//]. *)
From Coq Require Import ZArith.
From FlowARProofs.Float Require Import Format Primitives.
Set Default Goal Selector "!".
Local Open Scope Z_scope.

Implicit Types (p : nat) (x : flt).

(** ** Square root, correctly rounded *)

Definition fsqrt_c p x : flt :=
  let m := mant x in let e := expo x in
  if m <=? 0 then fzero else
  let m' := if Z.even e then m else 2 * m in
  let e' := if Z.even e then e else e - 1 in
  let k := Z.of_nat p + 2 in
  let n := m' * 2 ^ (2 * k) in
  let s := Z.sqrt n in
  let sticky := if s * s =? n then 0 else 1 in
  round p (2 * s + sticky) 2 (e' / 2 - k).

(** ** Exponential, in fixed point *)

(** [ln 2 · 2^F], from [ln 2 = Σ_{n ≥ 1} 1/(n·2^n)] with [F + 20] terms and
    [10] guard bits. *)
Fixpoint ln2_terms (n : nat) (i acc : Z) (F : Z) : Z :=
  match n with
  | O => acc
  | S n' => ln2_terms n' (i + 1) (acc + 2 ^ (F + 10) / (i * 2 ^ i)) F
  end.

Definition ln2_fx (F : Z) : Z := ln2_terms (Z.to_nat (F + 20)) 1 0 F / 2 ^ 10.

(** [Σ_{n < N} r^n / n!] in fixed point ([2^F] is one): the term is updated
    as [term · r / (i · 2^F)]. *)
Fixpoint exp_terms (n : nat) (i r term acc F : Z) : Z :=
  match n with
  | O => acc
  | S n' => exp_terms n' (i + 1) r (term * r / (i * 2 ^ F)) (acc + term) F
  end.

(** The argument [m·2^e] in fixed point, rounded down.  When
    [|m·2^(e+F)| < 1] the floor is [0] or [−1], returned without forming
    [2^(−(e+F))] (which would be huge for very negative [e]). *)
Definition fx_of (F m e : Z) : Z :=
  if 0 <=? e + F then m * 2 ^ (e + F)
  else if e + F + Z.log2 (Z.abs m) <? 0 then (if m <? 0 then -1 else 0)
  else m / 2 ^ (- (e + F)).

Definition fexp_c p x : flt :=
  let m := mant x in let e := expo x in
  let P := Z.of_nat p in
  if m =? 0 then round p 1 1 0 else
  if 10 <=? e + Z.log2 (Z.abs m) then
    (if 0 <? m then round p 1 1 (2 ^ P) else fzero)
  else
  let F := 2 * P + 10 in
  let L2 := ln2_fx F in
  let V := fx_of F m e in
  let k := (2 * V + L2) / (2 * L2) in
  let r := V - k * L2 in
  let S := exp_terms 40 1 r (2 ^ F) 0 F in
  round p S 1 (k - F).

(** ** Validity and the instance *)

Lemma fsqrt_c_valid p x : valid p (fsqrt_c p x) = true.
Proof.
  unfold fsqrt_c. destruct (mant x <=? 0); [apply fzero_valid | apply round_valid].
Qed.

Lemma fexp_c_valid p x : valid p (fexp_c p x) = true.
Proof.
  unfold fexp_c.
  destruct (mant x =? 0); [apply round_valid|].
  destruct (10 <=? _); [|apply round_valid].
  destruct (0 <? mant x); [apply round_valid | apply fzero_valid].
Qed.

Definition fns_c : FloatFns := {|
  fexp := fexp_c; fsqrt := fsqrt_c;
  fexp_valid := fexp_c_valid; fsqrt_valid := fsqrt_c_valid |}.

(** Sanity checks at [p = 53]: [sqrt 4 = 2], [sqrt 2] is binary64's
    [0x1.6a09e667f3bcdp+0], [exp 0 = 1], [exp 1] is binary64's
    [0x1.5bf0a8b145769p+1] (the correctly rounded value). *)
Example fsqrt_c_4 : fsqrt_c 53 (Flt 1 2) = Flt (2 ^ 52) (-51).
Proof. vm_compute. reflexivity. Qed.

Example fsqrt_c_2 : fsqrt_c 53 (Flt 1 1) = Flt 6369051672525773 (-52).
Proof. vm_compute. reflexivity. Qed.

Example fexp_c_0 : fexp_c 53 fzero = Flt (2 ^ 52) (-52).
Proof. vm_compute. reflexivity. Qed.

Example fexp_c_1 : fexp_c 53 (Flt 1 0) = Flt 6121026514868073 (-51).
Proof. vm_compute. reflexivity. Qed.

(** A valid but extremely small argument: [exp] of [−2^(−10^6)] is [1]. *)
Example fexp_c_tiny : fexp_c 53 (Flt (- 2 ^ 52) (- 10 ^ 6)) = Flt (2 ^ 52) (-52).
Proof. vm_compute. reflexivity. Qed.
