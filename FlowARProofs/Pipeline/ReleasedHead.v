(** * The released flow head, packaged for the released pipeline

    Branch [relar]'s interface (Pipeline/ReleasedHeadIface.v, record
    [RHead]) asks a head for a program [rh_prog p hd c d K i M wo go r] on
    [flat M c F ++ flat M d Ŷc ++ flat M d Ŷu ++ E ++ G] whose weights are
    ONE block of [rh_size hd c d] words at [wo] in [G], for any channel
    count [c], AR width [d], number of scales [K], scale [i] and token
    count [M].  This file gives exactly that for the released head
    (Pipeline/ReleasedSampler.v: velocity network + Euler grid + CFG):
    - the head's own configuration [RFlowDims]: the blocks' dimensions, [L],
      the sinusoidal width, the block kind, the grid, [cfg], [guidance] and
      the token counts [rf_toks] of the scales (FlowAR: 1, 4, 16, 64, 256);
    - its block: the weights ([hv_size]), then for every scale [j] its
      tables ([rs_tsize]: RoPE cos/sin for [tok_j] tokens, one sinusoidal
      row per update), so the tables for scale [i] are at [rf_to hd c d i];
    - [rhead_float], [rhead_prog], [rhead_correct], [rhead_wt],
      [rhead_arity], [rhead_wdepth] in the shapes of [RHead]'s fields.
    Two differences from [RHead] as it stands on [relar] (reported to the
    lead): the float semantics takes [P : FloatPrimitivesTC0] (the released
    modules' semantics, e.g. [fadamod], [frmha], [fswiglu], are stated for
    it; [relar]'s pipeline applies [rh_float] to such a [P] anyway), and
    typing needs [i < |rf_toks|] and [M ≤ tok_i] (RoPE tables depend on the
    token count, so a block whose size does not depend on [M] cannot hold
    them for every [M]).  The shape bound in [rh_shape]'s form is
    [rhead_shape] (Pipeline/ReleasedHeadShape.v); the weight-count bound
    [rh_size_le] is proved in Pipeline/ReleasedHeadInst.v, which packages the head. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import GELU.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedFlowHead ReleasedSampler.
Import ListNotations.
Set Default Goal Selector "!".

Record RFlowDims := {
  rf_D : RDims; rf_L : nat; rf_F : nat; rf_cross : bool;
  rf_sched : list (Z * Z); rf_cfg : Z * Z; rf_gh : Z * Z; rf_toks : list nat }.

Implicit Types (hd : RFlowDims) (P : FloatPrimitivesTC0) (E : ErfImpl).

(** The sampler configuration for the pipeline's [c], [d], [K]. *)
Definition rf_rc hd (c d K : nat) : RSCfg := {|
  rs_HD := {| hd_c := c; hd_w := d; hd_D := rf_D hd; hd_L := rf_L hd; hd_F := rf_F hd;
              hd_cross := rf_cross hd |};
  rs_sched := rf_sched hd; rs_cfg := rf_cfg hd; rs_gh := rf_gh hd; rs_K := K |}.

Definition rf_tsz hd c d (M : nat) : nat := rs_tsize (rf_rc hd c d 0) M.

(** Tables of scale [i]: after the weights and the tables of the scales before it. *)
Definition rf_to hd c d i : nat :=
  hv_size (rs_HD (rf_rc hd c d 0)) + list_sum (map (rf_tsz hd c d) (firstn i (rf_toks hd))).

Definition rf_size hd c d : nat :=
  hv_size (rs_HD (rf_rc hd c d 0)) + list_sum (map (rf_tsz hd c d) (rf_toks hd)).

Definition rhead_float P p E hd c d (G : list flt) wo K i M (F Yc Yu : mat) : mat :=
  fsample P p E (rf_rc hd c d K) i M G wo (wo + rf_to hd c d i) Yc Yu F.

Definition rhead_prog p E hd c d K i M wo go r : prog :=
  rs_at p E (rf_rc hd c d K) i M wo (wo + rf_to hd c d i) go r.

Theorem rhead_correct P p E hd c d K i M wo (F Yc Yu : mat) (Ev G : list flt) :
  peval P p (rhead_prog p E hd c d K i M wo (length Ev) (length Ev + length G))
    (flat M c F ++ flat M d Yc ++ flat M d Yu ++ Ev ++ G)
  = flat M c (rhead_float P p E hd c d G wo K i M F Yc Yu) ++ flat M d Yc ++ flat M d Yu ++ Ev ++ G.
Proof. exact (rs_at_correct P p E (rf_rc hd c d K) i M wo _ F Yc Yu Ev G). Qed.

(** ** Typing *)

Lemma rf_tsz_mono hd c d M M' : M <= M' -> rf_tsz hd c d M <= rf_tsz hd c d M'.
Proof.
  intros H. unfold rf_tsz, rs_tsize.
  assert (M * rb_dh (hd_D (rs_HD (rf_rc hd c d 0))) <= M' * rb_dh (hd_D (rs_HD (rf_rc hd c d 0))))
    by (apply Nat.mul_le_mono_r; exact H).
  lia.
Qed.

Lemma list_sum_firstn_S (l : list nat) i :
  i < length l -> list_sum (firstn i l) + nth i l 0 <= list_sum l.
Proof.
  revert i. induction l as [|x l IH]; intros i Hi; cbn in Hi; [lia|].
  change (list_sum (x :: l)) with (x + list_sum l).
  destruct i as [|i]; cbn [firstn nth].
  - change (list_sum []) with 0. lia.
  - change (list_sum (x :: firstn i l)) with (x + list_sum (firstn i l)).
    specialize (IH i ltac:(lia)). lia.
Qed.

Lemma rf_to_le hd c d i :
  i < length (rf_toks hd) ->
  rf_to hd c d i + rf_tsz hd c d (nth i (rf_toks hd) 0) <= rf_size hd c d.
Proof.
  intros Hi. unfold rf_to, rf_size.
  pose proof (list_sum_firstn_S (map (rf_tsz hd c d) (rf_toks hd)) i) as H.
  rewrite map_length, firstn_map in H.
  rewrite (nth_indep _ 0 (rf_tsz hd c d 0)) in H by (rewrite map_length; exact Hi).
  rewrite map_nth in H. specialize (H Hi). lia.
Qed.

Theorem rhead_wt p E hd c d K i M wo go r :
  i < length (rf_toks hd) -> M <= nth i (rf_toks hd) 0 ->
  go + (wo + rf_size hd c d) <= r ->
  pwt p (M * c + M * d + M * d + r) (rhead_prog p E hd c d K i M wo go r).
Proof.
  intros Hi HM Hr. pose proof (rf_to_le hd c d i Hi) as Hto.
  pose proof (rf_tsz_mono hd c d _ _ HM) as Hmono.
  replace (M * c + M * d + M * d + r) with (M * c + 2 * (M * d) + r) by lia.
  apply (rs_at_wt p E (rf_rc hd c d K) i M wo (wo + rf_to hd c d i) go r).
  - unfold rf_size in Hr. cbn [rs_HD rf_rc] in *. lia.
  - unfold rf_tsz, rs_tsize, rs_T in *. cbn [rs_HD rs_sched rf_rc hd_D hd_F] in *. lia.
Qed.

Theorem rhead_arity p E hd c d K i M wo go r :
  arity_out (rhead_prog p E hd c d K i M wo go r) = M * c + M * d + M * d + r.
Proof. unfold rhead_prog. rewrite rs_at_arity. cbn [rs_HD rf_rc hd_c hd_w]. lia. Qed.

(** ** Depth: independent of [c], [d], [K], [i], [M], [p] *)

Definition rhead_depth P E hd : nat :=
  (length (rf_sched hd) - 1)
  * (hv_depth P E {| hd_c := 0; hd_w := 0; hd_D := rf_D hd; hd_L := rf_L hd; hd_F := rf_F hd;
                     hd_cross := rf_cross hd |} + 5 * d_std P).

Theorem rhead_wdepth P p E hd c d K i M wo go r :
  wdepth (op_dbound P) (rhead_prog p E hd c d K i M wo go r) <= rhead_depth P E hd.
Proof. exact (rs_at_wdepth P p E (rf_rc hd c d K) i M wo _ go r). Qed.
