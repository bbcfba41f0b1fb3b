(** * The semantic requirements of the trust record are consistent

    [FloatCircuits] (Float/Primitives.v) is the part of the trust record
    without the polynomial size bounds: circuits computing exactly the float
    semantics on encodings, well formed, of constant depth, and the float
    functions [fexp] / [fsqrt] with their accuracy over [R].  This file
    builds an inhabitant, [realized], so those requirements are satisfiable
    together (no theorem taking the record is vacuous because of them):

    - every circuit is the truth-table DNF of [Circuits/DNF.v] of the
      function [bits ↦ enc p (op (dec p bits))], of depth 2, so every depth
      constant is 2;
    - exp and sqrt are the CORRECTLY ROUNDED ones: [rnd_flt p (exp (toR x))]
      and [rnd_flt p (sqrt (toR x))] (Float/RoundReal.v), whose value is
      Flocq's round-to-nearest-even of the real exp / sqrt in the normal
      range ([float_circuits_realizable]).

    What this does NOT show: the size fields of [FloatPrimitivesTC0].  A DNF
    over [w] input bits has [2^w] minterm gates, exponential in [p]; the
    polynomial size bounds are exactly what the cited literature supplies
    (docs/trust-base.md).  The exp / sqrt circuits here are Coq terms built
    from a classical real function, not something [vm_compute] can run. *)
From Coq Require Import List Arith Lia ZArith Reals.
From Flocq Require Import Core.
From FlowARProofs.Circuits Require Import Circuit DNF.
From FlowARProofs.Float Require Import Format Real RoundReal Primitives.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (p m : nat) (x y : flt) (xs : list flt).

(** ** Truth-table circuits for float functions *)

(** [k] encoded floats in, [ow] bits out. *)
Definition table1 p (g : flt -> list bool) ow : circuit :=
  dnf (fw p) ow (fun bs => g (dec p bs)).

Definition table2 p (g : flt -> flt -> list bool) ow : circuit :=
  dnf (2 * fw p) ow (fun bs => g (dec p (firstn (fw p) bs)) (dec p (skipn (fw p) bs))).

Definition tablen p m (g : list flt -> list bool) ow : circuit :=
  dnf (m * fw p) ow (fun bs => g (decs p m bs)).

Lemma firstn_app_length {A} (l1 l2 : list A) : firstn (length l1) (l1 ++ l2) = l1.
Proof. induction l1 as [|a l1 IH]; simpl; [reflexivity|]. now rewrite IH. Qed.

Lemma skipn_app_length {A} (l1 l2 : list A) : skipn (length l1) (l1 ++ l2) = l2.
Proof. induction l1 as [|a l1 IH]; simpl; [reflexivity|]. exact IH. Qed.

Lemma eval_table1 p g ow x :
  valid p x = true -> length (g x) = ow -> eval (table1 p g ow) (enc p x) = g x.
Proof.
  intros Hx Hg. unfold table1. rewrite dnf_eval_exact; [now rewrite dec_enc|apply enc_length|].
  now rewrite dec_enc.
Qed.

Lemma eval_table2 p g ow x y :
  valid p x = true -> valid p y = true -> length (g x y) = ow ->
  eval (table2 p g ow) (enc p x ++ enc p y) = g x y.
Proof.
  intros Hx Hy Hg. unfold table2.
  assert (E : forall bs, bs = enc p x ++ enc p y ->
            g (dec p (firstn (fw p) bs)) (dec p (skipn (fw p) bs)) = g x y).
  { intros bs ->. rewrite <- (enc_length p x), firstn_app_length, skipn_app_length.
    now rewrite !dec_enc. }
  rewrite dnf_eval_exact, E; auto.
  - rewrite app_length, !enc_length. lia.
  - now rewrite E.
Qed.

Lemma all_valid_forallb p xs : all_valid p xs -> forallb (valid p) xs = true.
Proof. intros H. apply forallb_forall. intros x Hx. now apply (proj1 (Forall_forall _ _) H). Qed.

Lemma eval_tablen p g ow xs :
  all_valid p xs -> length (g xs) = ow ->
  eval (tablen p (length xs) g ow) (encs p xs) = g xs.
Proof.
  intros Hxs Hg. apply all_valid_forallb in Hxs. unfold tablen.
  rewrite dnf_eval_exact; [now rewrite decs_encs|apply encs_length|now rewrite decs_encs].
Qed.

Lemma table1_shape p g ow : wf (fw p) (table1 p g ow) /\ width_out (table1 p g ow) = ow.
Proof. split; [apply dnf_wf | apply width_out_dnf]. Qed.

Lemma table2_shape p g ow : wf (2 * fw p) (table2 p g ow) /\ width_out (table2 p g ow) = ow.
Proof. split; [apply dnf_wf | apply width_out_dnf]. Qed.

Lemma tablen_shape p m g ow : wf (m * fw p) (tablen p m g ow) /\ width_out (tablen p m g ow) = ow.
Proof. split; [apply dnf_wf | apply width_out_dnf]. Qed.

Lemma depth_table1 p g ow : depth (table1 p g ow) <= 2.
Proof. unfold table1. now rewrite depth_dnf. Qed.

Lemma depth_table2 p g ow : depth (table2 p g ow) <= 2.
Proof. unfold table2. now rewrite depth_dnf. Qed.

Lemma depth_tablen p m g ow : depth (tablen p m g ow) <= 2.
Proof. unfold tablen. now rewrite depth_dnf. Qed.

(** ** Correctly rounded exp and sqrt *)

Definition rexp p x : flt := rnd_flt p (exp (toR x)).
Definition rsqrt p x : flt := rnd_flt p (sqrt (toR x)).

Lemma rexp_accurate p x : valid p x = true -> in_range p (exp (toR x)) ->
  (Rabs (toR (rexp p x) - exp (toR x)) <= bpow radix2 (- Z.of_nat p) * Rabs (exp (toR x)))%R.
Proof. intros _ Hr. now apply rnd_flt_rel_error. Qed.

Lemma rsqrt_accurate p x : valid p x = true -> in_range p (sqrt (toR x)) ->
  (Rabs (toR (rsqrt p x) - sqrt (toR x)) <= bpow radix2 (- Z.of_nat p) * Rabs (sqrt (toR x)))%R.
Proof. intros _ Hr. now apply rnd_flt_rel_error. Qed.

(** ** The instance *)

Definition realized : FloatCircuits := {|
  d_std := 2; d_sum := 2; d_prod := 2; d_exp := 2; d_sqrt := 2;
  fexp := rexp; fsqrt := rsqrt;
  fexp_valid := fun p x => rnd_flt_valid p _;
  fsqrt_valid := fun p x => rnd_flt_valid p _;
  fexp_accurate := rexp_accurate;
  fsqrt_accurate := rsqrt_accurate;

  bin_circ := fun o p => table2 p (fun x y => enc p (binsem o p x y)) (fw p);
  bin_wf := fun o p => table2_shape p _ (fw p);
  bin_eval := fun o p x y Hx Hy => eval_table2 p (fun x y => enc p (binsem o p x y)) (fw p) x y Hx Hy (enc_length p _);
  bin_depth := fun o p => depth_table2 p _ (fw p);

  cmp_circ := fun p => table2 p (fun x y => [flt_ltb x y]) 1;
  cmp_wf := fun p => table2_shape p _ 1;
  cmp_eval := fun p x y Hx Hy => eval_table2 p (fun x y => [flt_ltb x y]) 1 x y Hx Hy eq_refl;
  cmp_depth := fun p => depth_table2 p _ 1;

  sum_circ := fun p m => tablen p m (fun xs => enc p (fsum p xs)) (fw p);
  sum_wf := fun p m => tablen_shape p m _ (fw p);
  sum_eval := fun p xs H => eval_tablen p (fun xs => enc p (fsum p xs)) (fw p) xs H (enc_length p _);
  sum_depth := fun p m => depth_tablen p m _ (fw p);

  prod_circ := fun p m => tablen p m (fun xs => enc p (fprod p xs)) (fw p);
  prod_wf := fun p m => tablen_shape p m _ (fw p);
  prod_eval := fun p xs H => eval_tablen p (fun xs => enc p (fprod p xs)) (fw p) xs H (enc_length p _);
  prod_depth := fun p m => depth_tablen p m _ (fw p);

  exp_circ := fun p => table1 p (fun x => enc p (rexp p x)) (fw p);
  exp_wf := fun p => table1_shape p _ (fw p);
  exp_eval := fun p x H => eval_table1 p (fun x => enc p (rexp p x)) (fw p) x H (enc_length p _);
  exp_depth := fun p => depth_table1 p _ (fw p);

  sqrt_circ := fun p => table1 p (fun x => enc p (rsqrt p x)) (fw p);
  sqrt_wf := fun p => table1_shape p _ (fw p);
  sqrt_eval := fun p x H => eval_table1 p (fun x => enc p (rsqrt p x)) (fw p) x H (enc_length p _);
  sqrt_depth := fun p => depth_table1 p _ (fw p);
|}.

(** There is a record of the semantic requirements whose exp and sqrt are
    Flocq's round-to-nearest-even of the real exp and sqrt (in the normal
    range), with every depth constant equal to 2. *)
Theorem float_circuits_realizable :
  exists FC : FloatCircuits,
    (forall p x, (1 <= p)%nat -> in_range p (exp (toR x)) ->
       toR (fexp FC p x) = rnd_flx p (exp (toR x)))
    /\ (forall p x, (1 <= p)%nat -> in_range p (sqrt (toR x)) ->
       toR (fsqrt FC p x) = rnd_flx p (sqrt (toR x)))
    /\ d_std FC = 2 /\ d_sum FC = 2 /\ d_prod FC = 2 /\ d_exp FC = 2 /\ d_sqrt FC = 2.
Proof.
  exists realized. split; [|split]; [| |repeat split].
  - intros p x Hp Hr. now apply toR_rnd_flt.
  - intros p x Hp Hr. now apply toR_rnd_flt.
Qed.
