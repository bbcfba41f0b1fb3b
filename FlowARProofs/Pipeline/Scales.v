(** * Multi-scale bookkeeping: scale sizes, token counts, stacking, the sequence

    FlowAR generates a latent of side [n] over [K] scales of sides
    [s0·a^i] ([i < K]); FlowAR proper has [s0 = 1], [a = 2], so
    [n = 2^(K−1)].  Scale [i] has [tok i = side i²] tokens; the AR
    transformer at scale [i] sees the sequence of all blocks [0..i],
    [ntok i] tokens.  This file provides
    - [vcat]: stacking two matrices vertically, and [flat_vcat]
      (flattening commutes with it);
    - [yflat]: the outputs of the scales so far, concatenated, and
      [block_yflat] (where output [j] sits);
    - [block_rows]: a block of consecutive rows of a flattened matrix;
    - [grow]: running the scales one after another, each appending its
      output to the state, with its correctness, typing, depth and shape
      lemmas (shared by FlowAR and VAR, which differ only in the per-scale
      program). *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format.
From FlowARProofs.Float Require Import Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (A B : mat) (r c s m i j : nat).

(** ** Vertical stacking *)

Definition vcat r1 A B : mat := fun i j => if i <? r1 then A i j else B (i - r1) j.

Lemma flat_app_rows r1 r2 c A :
  flat (r1 + r2) c A = flat r1 c A ++ flat r2 c (fun i j => A (r1 + i) j).
Proof.
  unfold flat. rewrite seq_app, map_app, concat_app. f_equal.
  rewrite Nat.add_0_l, map_seq_offset. reflexivity.
Qed.

Lemma flat_vcat r1 r2 c A B : flat (r1 + r2) c (vcat r1 A B) = flat r1 c A ++ flat r2 c B.
Proof.
  rewrite flat_app_rows. f_equal; apply flat_ext; intros i j Hi Hj; unfold vcat.
  - destruct (Nat.ltb_spec i r1); [reflexivity|lia].
  - destruct (Nat.ltb_spec (r1 + i) r1); [lia|]. f_equal. lia.
Qed.

(** A block of [m] consecutive rows starting at row [s]. *)
Lemma block_rows r c A rest s m :
  s + m <= r -> block (flat r c A ++ rest) (s * c) m c (fun t k => A (s + t) k).
Proof.
  intros Hsm t k Ht Hk. rewrite app_nth1 by (rewrite flat_length; nia).
  replace (s * c + (t * c + k)) with ((s + t) * c + k) by nia.
  apply nth_flat; lia.
Qed.

(** ** The outputs of the scales so far *)

Definition mzero : mat := fun _ _ => fzero.

Section yflat.
  Context (tok : nat -> nat) (c : nat).

  Definition yflat (Ys : list mat) i : list flt :=
    concat (map (fun j => flat (tok j) c (nth j Ys mzero)) (seq 0 i)).

  Definition yoff j : nat := list_sum (map (fun j' => tok j' * c) (seq 0 j)).

  Lemma yoff_S j : yoff (S j) = yoff j + tok j * c.
  Proof. unfold yoff. rewrite seq_S, map_app, list_sum_app. cbn. lia. Qed.

  Lemma yflat_S Ys i : yflat Ys (S i) = yflat Ys i ++ flat (tok i) c (nth i Ys mzero).
  Proof. unfold yflat. rewrite seq_S, map_app, concat_app. cbn. rewrite app_nil_r. reflexivity. Qed.

  Lemma yflat_length Ys i : length (yflat Ys i) = yoff i.
  Proof.
    induction i as [|i IH]; [reflexivity|].
    rewrite yflat_S, app_length, IH, flat_length, yoff_S. reflexivity.
  Qed.

  Lemma block_yflat Ys i j rest :
    j < i -> block (yflat Ys i ++ rest) (yoff j) (tok j) c (nth j Ys mzero).
  Proof.
    revert rest. induction i as [|i IH]; intros rest Hj; [lia|].
    rewrite yflat_S, <- app_assoc. destruct (Nat.eq_dec j i) as [->|Hne].
    - rewrite <- (yflat_length Ys i), <- (Nat.add_0_r (length (yflat Ys i))).
      apply block_app_r, block_flat_app_l.
    - apply IH. lia.
  Qed.

  Lemma yflat_app Ys y i :
    length Ys = i -> yflat (Ys ++ [y]) (S i) = yflat Ys i ++ flat (tok i) c y.
  Proof.
    intros Hl. rewrite yflat_S. f_equal.
    - unfold yflat. f_equal. apply map_ext_in. intros j Hj. apply in_seq in Hj.
      rewrite app_nth1 by lia. reflexivity.
    - rewrite app_nth2 by lia. rewrite Hl, Nat.sub_diag. reflexivity.
  Qed.
End yflat.

(** ** Running the scales one after another *)

(** The outputs of scales [0..k−1], scale [i] computed from the earlier ones by [f]. *)
Fixpoint outs_of (f : list mat -> nat -> mat) k : list mat :=
  match k with 0 => [] | S k' => outs_of f k' ++ [f (outs_of f k') k'] end.

Lemma outs_of_length f k : length (outs_of f k) = k.
Proof. induction k as [|k IH]; cbn; [reflexivity|]. rewrite app_length, IH. cbn. lia. Qed.

(** The program: scale [i] maps [yflat Ys i ++ G] to [yflat Ys (S i) ++ G]. *)
Fixpoint grow (gl : nat) (body : nat -> prog) k : prog :=
  match k with 0 => idw gl | S k' => PSeq (grow gl body k') (body k') end.

Section grow.
  Context (tk : nat -> nat) (c gl : nat) (body : nat -> prog).

  Lemma grow_correct P p (f : list mat -> nat -> mat) G k :
    length G = gl ->
    (forall Ys i, i < k -> peval P p (body i) (yflat tk c Ys i ++ G)
                           = yflat tk c Ys i ++ flat (tk i) c (f Ys i) ++ G) ->
    peval P p (grow gl body k) G = yflat tk c (outs_of f k) k ++ G.
  Proof.
    intros HG Hb. induction k as [|k IH]; cbn [grow outs_of].
    - rewrite <- HG. apply idw_correct.
    - rewrite peval_PSeq, IH by (intros; apply Hb; lia). rewrite Hb by lia.
      rewrite app_assoc, yflat_app by apply outs_of_length. reflexivity.
  Qed.

  Lemma grow_wt p k :
    (forall i, i < k -> pwt p (yoff tk c i + gl) (body i)
                        /\ arity_out (body i) = yoff tk c (S i) + gl) ->
    pwt p gl (grow gl body k) /\ arity_out (grow gl body k) = yoff tk c k + gl.
  Proof.
    intros Hb. induction k as [|k IH]; cbn [grow].
    - split; [apply idw_wt|]. unfold idw. cbn. rewrite map_length, seq_length. reflexivity.
    - destruct IH as [Hw Ha]; [intros; apply Hb; lia|].
      destruct (Hb k ltac:(lia)) as [Hwk Hak].
      split; [split; [exact Hw|rewrite Ha; exact Hwk]|]. cbn [arity_out]. exact Hak.
  Qed.

  Lemma grow_wdepth wt k D :
    (forall i, i < k -> wdepth wt (body i) <= D) -> wdepth wt (grow gl body k) <= k * D.
  Proof.
    intros Hb. induction k as [|k IH]; cbn [grow wdepth].
    - unfold idw. cbn. lia.
    - specialize (IH ltac:(intros; apply Hb; lia)). pose proof (Hb k ltac:(lia)). lia.
  Qed.

  Lemma grow_shape k S :
    (forall i, i < k -> shape (body i) <= S) -> shape (grow gl body k) <= k * S + gl.
  Proof.
    intros Hb. induction k as [|k IH]; cbn [grow].
    - unfold idw, shape. cbn. rewrite map_length, seq_length. lia.
    - eapply Nat.le_trans; [apply shape_PSeq|].
      specialize (IH ltac:(intros; apply Hb; lia)). pose proof (Hb k ltac:(lia)). lia.
  Qed.
End grow.
