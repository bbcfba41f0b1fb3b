(** * The flow-matching layer: interpolation and the Euler step

    The paper's flow-matching layer (its Definition B.12, v2 numbering):
    the interpolation path [F_t = t·Ŷ + (1−t)·F_0] between the noise [F_0]
    and the target [Ŷ]; at inference FlowAR integrates the learned velocity
    field with Euler steps [F ← F + Δt · v].  Both are entry-wise, each entry
    one rounded product followed by one rounded sum: depth [2·d_std].

    [t], [1−t] and [Δt] are float constants of the schedule (built by
    [fconst], so they are valid floats); the velocity [v] is an input here —
    the pipeline computes it with the velocity network. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (X Y F V : mat) (xs : list flt) (p r c : nat).

(** ** Semantics *)

(** [F_t = t·Y + (1−t)·F_0], each product and the sum rounded. *)
Definition finterp p (t omt : flt) Y F : mat :=
  fun i j => fadd p (fmul p t (Y i j)) (fmul p omt (F i j)).

(** One Euler step [F + Δt·V]. *)
Definition feuler p (dt : flt) F V : mat := fun i j => fadd p (F i j) (fmul p dt (V i j)).

(** ** A generic two-stage entry-wise program [a ⊙ x + b ⊙ y]

    Stage 1 computes the two products of every entry side by side, stage 2
    adds them.  [u], [v] are the two factors' sources for the first product
    and [u'], [v'] for the second. *)
Definition axpby_at r c (u v u' v' : nat -> nat -> fsrc) : prog :=
  PSeq (PPar (ew_prog r c (OBin BMul) (fun i j => [u i j; v i j]))
             (ew_prog r c (OBin BMul) (fun i j => [u' i j; v' i j])))
       (ew_prog r c (OBin BAdd) (fun i j => [FIn (i * c + j); FIn (r * c + (i * c + j))])).

Definition faxpby p (a b a' b' : mat) : mat :=
  fun i j => fadd p (fmul p (a i j) (b i j)) (fmul p (a' i j) (b' i j)).

Lemma axpby_at_correct P p r c u v u' v' xs :
  peval P p (axpby_at r c u v u' v') xs
  = flat r c (faxpby p (fun i j => fsrc_val xs (u i j)) (fun i j => fsrc_val xs (v i j))
                       (fun i j => fsrc_val xs (u' i j)) (fun i j => fsrc_val xs (v' i j))).
Proof.
  unfold axpby_at. rewrite peval_PSeq. cbn [peval]. rewrite !ew_prog_correct.
  set (A := fun i j => opsem P p (OBin BMul) (map (fsrc_val xs) [u i j; v i j])).
  set (B := fun i j => opsem P p (OBin BMul) (map (fsrc_val xs) [u' i j; v' i j])).
  apply flat_ext. intros i j Hi Hj. cbn [map fsrc_val opsem binsem nth].
  pose proof (block_flat_app_l r c A (flat r c B)) as HA.
  pose proof (block_flat_app_r (flat r c A) r c B) as HB. rewrite flat_length in HB.
  unfold block in HA, HB. cbn [Nat.add] in HA. rewrite HA, HB by auto.
  reflexivity.
Qed.

Lemma axpby_at_wt p n r c u v u' v' :
  (forall i j, i < r -> j < c -> Forall (fsrc_ok p n) [u i j; v i j; u' i j; v' i j]) ->
  pwt p n (axpby_at r c u v u' v').
Proof.
  intros H. split; [split|].
  - apply ew_prog_wt. intros i j Hi Hj. specialize (H i j Hi Hj).
    inversion H as [|? ? H1 H2]; subst. inversion H2 as [|? ? H3 _]; subst.
    split; [repeat constructor; auto|reflexivity].
  - apply ew_prog_wt. intros i j Hi Hj. specialize (H i j Hi Hj).
    inversion H as [|? ? _ H2]; subst. inversion H2 as [|? ? _ H4]; subst.
    inversion H4 as [|? ? H5 H6]; subst. inversion H6 as [|? ? H7 _]; subst.
    split; [repeat constructor; auto|reflexivity].
  - change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
    rewrite !ew_prog_arity.
    apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
    repeat constructor; cbn; nia.
Qed.

Lemma axpby_at_wdepth (P : FloatPrimitivesTC0) r c u v u' v' :
  wdepth (op_dbound P) (axpby_at r c u v u' v') <= 2 * d_std P.
Proof.
  cbn [axpby_at wdepth].
  pose proof (ew_prog_wdepth P r c (OBin BMul) (fun i j => [u i j; v i j])).
  pose proof (ew_prog_wdepth P r c (OBin BMul) (fun i j => [u' i j; v' i j])).
  pose proof (ew_prog_wdepth P r c (OBin BAdd)
                (fun i j => [FIn (i * c + j); FIn (r * c + (i * c + j))])).
  cbn [op_dbound] in *. lia.
Qed.

Section axpby_counts.
  Context (r c : nat) (u v u' v' : nat -> nat -> fsrc).
  Let E := axpby_at r c u v u' v'.
  Let cnt o s := ew_prog_counts r c o s.

  Lemma axpby_at_counts :
    ops E = 3 * (r * c) /\ work E = 3 * (r * c) /\ maxar E <= 2 /\ arity_out E = r * c
    /\ pads E = 8 * (r * c).
  Proof.
    unfold E, axpby_at. cbn [ops work maxar arity_out pads].
    destruct (cnt (OBin BMul) (fun i j => [u i j; v i j])) as (o1 & p1 & w1 & m1 & a1);
      [intros; reflexivity|].
    destruct (cnt (OBin BMul) (fun i j => [u' i j; v' i j])) as (o2 & p2 & w2 & m2 & a2);
      [intros; reflexivity|].
    destruct (cnt (OBin BAdd) (fun i j => [FIn (i * c + j); FIn (r * c + (i * c + j))]))
      as (o3 & p3 & w3 & m3 & a3); [intros; reflexivity|].
    cbn [op_work op_arity] in *. repeat split; lia.
  Qed.
End axpby_counts.

(** ** The two instances *)

(** Interpolation: [t] and [1−t] constants, [Y] at [offY], [F_0] at [offF]. *)
Definition interp_at (t omt : flt) offY offF r c : prog :=
  axpby_at r c (fun _ _ => FCst t) (fun i j => FIn (offY + (i * c + j)))
               (fun _ _ => FCst omt) (fun i j => FIn (offF + (i * c + j))).

Theorem interp_at_correct P p t omt offY offF r c xs Y F :
  block xs offY r c Y -> block xs offF r c F ->
  peval P p (interp_at t omt offY offF r c) xs = flat r c (finterp p t omt Y F).
Proof.
  intros HY HF. unfold interp_at. rewrite axpby_at_correct. apply flat_ext.
  intros i j Hi Hj. unfold faxpby, finterp. cbn [fsrc_val]. rewrite HY, HF by auto.
  reflexivity.
Qed.

Lemma interp_at_wt p n t omt offY offF r c :
  valid p t = true -> valid p omt = true -> offY + r * c <= n -> offF + r * c <= n ->
  pwt p n (interp_at t omt offY offF r c).
Proof.
  intros Ht Ho HY HF. apply axpby_at_wt. intros i j Hi Hj. repeat constructor; cbn; auto; nia.
Qed.

(** ** [x + a ⊙ b]: the Euler step

    Stage 1 copies [x] (free wiring) beside the products [a ⊙ b]; stage 2 adds. *)
Definition xpby_at r c (x a b : nat -> nat -> fsrc) : prog :=
  PSeq (PPar (PFor r (fun i => PFor c (fun j => PWire [x i j])))
             (ew_prog r c (OBin BMul) (fun i j => [a i j; b i j])))
       (ew_prog r c (OBin BAdd) (fun i j => [FIn (i * c + j); FIn (r * c + (i * c + j))])).

Lemma xpby_at_correct P p r c x a b xs :
  peval P p (xpby_at r c x a b) xs
  = flat r c (fun i j => fadd p (fsrc_val xs (x i j))
                              (fmul p (fsrc_val xs (a i j)) (fsrc_val xs (b i j)))).
Proof.
  unfold xpby_at. rewrite peval_PSeq, peval_PPar, !ew_prog_correct.
  rewrite (peval_PFor2 P p r c (fun i j => PWire [x i j]) (fun i j => fsrc_val xs (x i j)))
    by (intros; reflexivity).
  set (A := fun i j => fsrc_val xs (x i j)).
  set (B := fun i j => opsem P p (OBin BMul) (map (fsrc_val xs) [a i j; b i j])).
  apply flat_ext. intros i j Hi Hj. cbn [map fsrc_val opsem binsem nth].
  pose proof (block_flat_app_l r c A (flat r c B)) as HA.
  pose proof (block_flat_app_r (flat r c A) r c B) as HB. rewrite flat_length in HB.
  unfold block in HA, HB. cbn [Nat.add] in HA. rewrite HA, HB by auto.
  reflexivity.
Qed.

Lemma pfor2_wire_arity r c (x : nat -> nat -> fsrc) :
  arity_out (PFor r (fun i => PFor c (fun j => PWire [x i j]))) = r * c.
Proof.
  cbn [arity_out]. apply list_sum_seq_const. intros i _.
  rewrite (list_sum_seq_const _ c 1) by reflexivity. lia.
Qed.

Lemma xpby_at_wt p n r c x a b :
  (forall i j, i < r -> j < c -> Forall (fsrc_ok p n) [x i j; a i j; b i j]) ->
  pwt p n (xpby_at r c x a b).
Proof.
  intros H. split; [split|].
  - cbn. intros i Hi j Hj. specialize (H i j Hi Hj).
    inversion H as [|? ? H1 _]; subst. repeat constructor; auto.
  - apply ew_prog_wt. intros i j Hi Hj. specialize (H i j Hi Hj).
    inversion H as [|? ? _ H2]; subst. split; [exact H2|reflexivity].
  - change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
    rewrite pfor2_wire_arity, ew_prog_arity.
    apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
    repeat constructor; cbn; nia.
Qed.

Lemma xpby_at_wdepth (P : FloatPrimitivesTC0) r c x a b : wdepth (op_dbound P) (xpby_at r c x a b) <= 2 * d_std P.
Proof.
  unfold xpby_at.
  pose proof (ew_prog_wdepth P r c (OBin BMul) (fun i j => [a i j; b i j])).
  pose proof (ew_prog_wdepth P r c (OBin BAdd)
                (fun i j => [FIn (i * c + j); FIn (r * c + (i * c + j))])).
  assert (wdepth (op_dbound P) (PFor r (fun i => PFor c (fun j => PWire [x i j]))) <= 0)
    by (apply (PFor2_wdepth r c (fun i j => PWire [x i j])); intros; reflexivity).
  change (wdepth ?w (PSeq ?a ?b)) with (wdepth w a + wdepth w b).
  change (wdepth ?w (PPar ?a ?b)) with (Nat.max (wdepth w a) (wdepth w b)).
  cbn [op_dbound] in *. lia.
Qed.

(** Euler step: [F] at [offF], velocity [V] at [offV], step [dt]. *)
Definition euler_at (dt : flt) offF offV r c : prog :=
  xpby_at r c (fun i j => FIn (offF + (i * c + j))) (fun _ _ => FCst dt)
              (fun i j => FIn (offV + (i * c + j))).

Theorem euler_at_correct P p dt offF offV r c xs F V :
  block xs offF r c F -> block xs offV r c V ->
  peval P p (euler_at dt offF offV r c) xs = flat r c (feuler p dt F V).
Proof.
  intros HF HV. unfold euler_at. rewrite xpby_at_correct. apply flat_ext.
  intros i j Hi Hj. unfold feuler. cbn [fsrc_val]. rewrite HF, HV by auto. reflexivity.
Qed.

Lemma euler_at_wt p n dt offF offV r c :
  valid p dt = true -> offF + r * c <= n -> offV + r * c <= n -> pwt p n (euler_at dt offF offV r c).
Proof.
  intros Hdt HF HV. apply xpby_at_wt. intros i j Hi Hj. repeat constructor; cbn; auto; nia.
Qed.

Lemma euler_at_wdepth (P : FloatPrimitivesTC0) dt offF offV r c : wdepth (op_dbound P) (euler_at dt offF offV r c) <= 2 * d_std P.
Proof. apply xpby_at_wdepth. Qed.

Lemma interp_at_wdepth (P : FloatPrimitivesTC0) t omt offY offF r c :
  wdepth (op_dbound P) (interp_at t omt offY offF r c) <= 2 * d_std P.
Proof. apply axpby_at_wdepth. Qed.
