(** * The interface [RHead] is satisfiable: a head that returns its noise

    [copy_head] meets every field of Pipeline/ReleasedHeadIface.v with the
    identity program: its output is the noise [F0], its depth 0, its shape
    the state's width.  It is NOT a flow head; it only shows that the
    interface's fields are consistent (so [flowar_released_in_TC0] is not
    vacuous).  The real released head is Pipeline/ReleasedHead.v. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Stage TC0.
From FlowARProofs.Pipeline Require Import ReleasedHeadIface.
Import ListNotations.
Set Default Goal Selector "!".

Definition copy_prog (c d M r : nat) : prog := idw (M * c + M * d + M * d + r).

Lemma copy_correct (P : FloatPrimitivesTC0) p (u : unit) c d (K i M wo : nat) (F Yc Yu : mat)
    (E G : list flt) :
  peval P p (copy_prog c d M (length E + length G)) (flat M c F ++ flat M d Yc ++ flat M d Yu ++ E ++ G)
  = flat M c F ++ flat M d Yc ++ flat M d Yu ++ E ++ G.
Proof.
  unfold copy_prog.
  replace (M * c + M * d + M * d + (length E + length G))
    with (length (flat M c F ++ flat M d Yc ++ flat M d Yu ++ E ++ G))
    by (rewrite !app_length, !flat_length; lia).
  apply idw_correct.
Qed.

Lemma copy_shape c d M r B : M <= B -> c <= B -> d <= B -> 1 <= B ->
  shape (copy_prog c d M r) <= 3 * (B * (B * (B * B)) + r).
Proof.
  intros HM Hc Hd HB. unfold shape, copy_prog, idw. cbn. rewrite map_length, seq_length.
  assert (M * c <= B * B) by nia. assert (M * d <= B * B) by nia.
  assert (B * B <= B * (B * (B * B))) by nia. lia.
Qed.

Definition copy_head : RHead := {|
  rh_dims := unit;
  rh_size := fun _ _ _ => 0;
  rh_dimB := fun _ => 0;
  rh_ok := fun _ _ _ _ => True;
  rh_float := fun _ _ _ _ _ _ _ _ _ _ F _ _ => F;
  rh_prog := fun _ _ c d _ _ M _ _ r => copy_prog c d M r;
  rh_correct := fun P p u c d K i M wo F Yc Yu E G => copy_correct P p u c d K i M wo F Yc Yu E G;
  rh_wt := fun p _ c d _ _ M _ _ r _ _ => idw_wt p _;
  rh_arity := fun _ _ c d _ _ M _ _ r =>
    eq_trans (map_length _ _) (seq_length _ _);
  rh_depth := fun _ _ => 0;
  rh_wdepth := fun P _ _ c d _ _ M _ _ r => le_n 0;
  rh_coef := fun _ => 3;
  rh_shape := fun _ _ c d _ _ M _ _ r B HM Hc Hd _ HB => copy_shape c d M r B HM Hc Hd HB;
  rh_size_le := fun _ _ _ B _ _ _ _ => Nat.le_0_l _;
|}.
