(** * The depth of the compiled FlowAR circuits: Θ(K), hence Θ(log n) for doubling from 1×1

    [flowar_depth] (Pipeline/FlowAR.v) is an upper bound.  This file speaks
    about the circuits themselves: by [depth_compile] (an equality) the
    depth of [compile P p (flowar_prog p cfg)] is the program's weighted
    longest path with each operation weighing its own circuit's depth
    ([cdepth], IR/DepthLower.v).  Every transformer layer's FFN applies
    ReLU, i.e. [max], whose circuit (comparison, then the proven multiplexer)
    has depth [≥ 2] for EVERY trust record; the scales run one after
    another, each through [L] AR layers and [T] Euler steps of [Lf]
    velocity-network layers.  Hence
    - [flowar_prog_cdepth_ge]: depth [≥ K·(L + T·Lf)·cdepth(max)];
    - [flowar_family_depth_bounds] (Main: [flowar_circuit_depth_ge]): the
      family's circuits have depth [≥ K·2·(L + T·Lf)] and [≤ K·scale_depth]
      — linear in the number of scales, both ways;
    - [flowar_doubling_depth_log] (Main: [flowar_circuit_depth_log]): with
      FlowAR's own schedule (first scale 1×1, doubling, [K = log₂ n + 1] for
      the largest side [n]) the circuits' depth lies between
      [(log₂ n + 1)·2·(L + T·Lf)] and [(log₂ n + 1)·scale_depth]: Θ(log n);
    - [flowar_doubling_not_TC0] (Main: [flowar_doubling_not_in_TC0]): so
      that family is NOT in TC0 — our construction is constant-depth only
      for a bounded number of scales.
    The lower bounds need one token per scale ([s0, a ≥ 1]) and an FFN of
    width [≥ 1].  The same holds for VAR ([var_family_depth_bounds]: depth
    between [K·2·L] and [var_depth K L]). *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile Stage Block TC0 DepthLower.
From FlowARProofs.Modules Require Import FFN.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR FlowARTC0 VAR.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (cfg : Config) (w : op -> nat) (p i k m : nat).

(** ** Lower bounds for any weights: every layer contains a ReLU *)

Section weights.
  Context (w : op -> nat).

  Lemma tl_at_wdepth_ge p D N lim wo go r :
    1 <= N -> 1 <= ldff D -> w OMax <= wdepth w (tl_at p D N lim wo go r).
  Proof.
    intros HN Hff.
    assert (Hs : exists off, subprog (relu_at off N (ldff D)) (tl_at p D N lim wo go r)).
    { eexists. eauto 20 with subprog. }
    destruct Hs as [off Hs]. eapply Nat.le_trans; [|apply (wdepth_subprog _ _ _ Hs)].
    apply wdepth_ew_ge; assumption.
  Qed.

  Lemma flow_at_wdepth_ge p Dm M T wo go r :
    1 <= M -> 1 <= ldff (fhLD Dm) ->
    T * (fhLf Dm * w OMax) <= wdepth w (flow_at p Dm M T wo go r).
  Proof.
    intros HM Hff. unfold flow_at. apply wdepth_iter_ge. intros k _.
    (* each Euler step runs its [Lf] layers in sequence, somewhere inside *)
    assert (Hs : exists wd body, subprog (iter wd (fhLf Dm) body) (fh_step p Dm M T wo go r k)
                 /\ forall l, l < fhLf Dm -> w OMax <= wdepth w (body l)).
    { do 2 eexists. split; [eauto 20 with subprog|].
      intros l _. apply tl_at_wdepth_ge; assumption. }
    destruct Hs as (wd & body & Hs & Hb).
    eapply Nat.le_trans; [apply (wdepth_iter_ge w wd _ body _ Hb)|]. apply wdepth_subprog, Hs.
  Qed.

  Lemma grow_wdepth_ge gl body k m :
    (forall i, i < k -> m <= wdepth w (body i)) -> k * m <= wdepth w (grow gl body k).
  Proof.
    intros Hb. induction k as [|k IH]; cbn [grow wdepth]; [lia|].
    specialize (IH ltac:(intros; apply Hb; lia)). pose proof (Hb k ltac:(lia)). lia.
  Qed.

  Lemma tok_pos cfg i : 1 <= s0 cfg -> 1 <= a cfg -> 1 <= tok cfg i.
  Proof.
    intros Hs Ha. unfold tok, side.
    assert (1 <= a cfg ^ i) by (apply Nat.le_trans with (1 ^ i); [rewrite Nat.pow_1_l; lia|
                                 apply Nat.pow_le_mono_l; lia]).
    nia.
  Qed.

  (** One scale: [L] AR layers, then [T] Euler steps of [Lf] layers each. *)
  Lemma scale_at_wdepth_ge p cfg i :
    1 <= s0 cfg -> 1 <= a cfg -> 1 <= ldff (LD cfg) ->
    (L cfg + T cfg * Lf cfg) * w OMax <= wdepth w (scale_at p cfg i).
  Proof.
    intros Hs Ha Hff. pose proof (tok_pos cfg i Hs Ha) as HM.
    pose proof (tok_le_ntok cfg i) as HMN.
    unfold scale_at, scale_at_by. change (flow_at_by mha_prog) with flow_at. cbv zeta. cbn [wdepth].
    match goal with |- context [wdepth w (iter ?wd (L cfg) ?body)] =>
      pose proof (wdepth_iter_ge w wd (L cfg) body (w OMax)
                    ltac:(intros l _; apply tl_at_wdepth_ge; lia)) end.
    match goal with |- context [wdepth w (flow_at ?p' ?Dm ?M ?T' ?wo ?go ?r)] =>
      pose proof (flow_at_wdepth_ge p' Dm M T' wo go r ltac:(lia) ltac:(exact Hff)) end.
    cbn [fhLf FD] in *. nia.
  Qed.

  Theorem flowar_prog_wdepth_ge p cfg :
    1 <= s0 cfg -> 1 <= a cfg -> 1 <= ldff (LD cfg) ->
    K cfg * ((L cfg + T cfg * Lf cfg) * w OMax) <= wdepth w (flowar_prog p cfg).
  Proof.
    intros Hs Ha Hff. unfold flowar_prog, flowar_prog_by. change (scales_at_by mha_prog) with scales_at.
    cbn [wdepth].
    pose proof (grow_wdepth_ge (glen cfg) (scale_at p cfg) (K cfg) _
                  (fun i _ => scale_at_wdepth_ge p cfg i Hs Ha Hff)).
    unfold scales_at, scales_at_by. change (scale_at_by mha_prog) with scale_at. lia.
  Qed.

  (** VAR: each scale runs its [L] AR layers. *)
  Lemma var_scale_at_wdepth_ge p cfg i :
    1 <= s0 cfg -> 1 <= ldff (LD cfg) -> L cfg * w OMax <= wdepth w (var_scale_at p cfg i).
  Proof.
    intros Hs Hff.
    assert (HN : 1 <= ntok cfg i).
    { assert (H0 : tok cfg 0 = s0 cfg * s0 cfg) by (unfold tok, side; cbn; lia).
      pose proof (ntok_mono cfg 0 i ltac:(lia)). pose proof (tok_le_ntok cfg 0). nia. }
    assert (Hsub : exists wd body, subprog (iter wd (L cfg) body) (var_scale_at p cfg i)
                   /\ forall l, l < L cfg -> w OMax <= wdepth w (body l)).
    { do 2 eexists. split; [eauto 20 with subprog|].
      intros l _. apply tl_at_wdepth_ge; assumption. }
    destruct Hsub as (wd & body & Hsub & Hb).
    eapply Nat.le_trans; [apply (wdepth_iter_ge w wd _ body _ Hb)|]. apply wdepth_subprog, Hsub.
  Qed.

  Theorem var_prog_wdepth_ge p cfg :
    1 <= s0 cfg -> 1 <= ldff (LD cfg) -> K cfg * (L cfg * w OMax) <= wdepth w (var_prog p cfg).
  Proof.
    intros Hs Hff. unfold var_prog. cbn [wdepth].
    pose proof (grow_wdepth_ge (var_glen cfg) (var_scale_at p cfg) (K cfg) _
                  (fun i _ => var_scale_at_wdepth_ge p cfg i Hs Hff)).
    unfold var_scales_at. lia.
  Qed.
End weights.

(** ** The compiled circuits *)

(** The exact depth of the compiled program, bounded below by the circuits
    of [max] it contains. *)
Theorem flowar_prog_cdepth_ge P p cfg :
  1 <= s0 cfg -> 1 <= a cfg -> 1 <= ldff (LD cfg) ->
  K cfg * ((L cfg + T cfg * Lf cfg) * cdepth P p OMax) <= depth (compile P p (flowar_prog p cfg)).
Proof. intros. rewrite depth_compile_cdepth. apply flowar_prog_wdepth_ge; assumption. Qed.

Section family.
  Context (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config).

  (** Depth at least [K·2·(L + T·Lf)] and at most [K·scale_depth]. *)
  Theorem flowar_family_depth_bounds n :
    1 <= s0 (cfgs n) -> 1 <= a (cfgs n) -> 1 <= ldff (LD (cfgs n)) ->
    K (cfgs n) * (2 * (L (cfgs n) + T (cfgs n) * Lf (cfgs n)))
    <= depth (fam_circ (flowar_family P prec cfgs) n)
    <= K (cfgs n) * scale_depth P (L (cfgs n)) (Lf (cfgs n)) (T (cfgs n)).
  Proof.
    intros Hs Ha Hff. cbn [fam_circ flowar_family compiled_family]. split.
    - eapply Nat.le_trans; [|apply (flowar_prog_cdepth_ge P (prec n) (cfgs n) Hs Ha Hff)].
      pose proof (depth_max_circ_ge P (prec n)). apply Nat.mul_le_mono_l. nia.
    - eapply Nat.le_trans; [apply depth_compile_le|]. apply flowar_prog_wdepth.
  Qed.

  (** VAR: depth at least [K·2·L] and at most [var_depth K L]. *)
  Theorem var_family_depth_bounds n :
    1 <= s0 (cfgs n) -> 1 <= ldff (LD (cfgs n)) ->
    K (cfgs n) * (2 * L (cfgs n)) <= depth (fam_circ (var_family P prec cfgs) n)
    <= var_depth P (K (cfgs n)) (L (cfgs n)).
  Proof.
    intros Hs Hff. cbn [fam_circ var_family compiled_family]. split.
    - rewrite depth_compile_cdepth.
      eapply Nat.le_trans; [|apply (var_prog_wdepth_ge _ (prec n) (cfgs n) Hs Hff)].
      pose proof (depth_max_circ_ge P (prec n)). apply Nat.mul_le_mono_l. nia.
    - eapply Nat.le_trans; [apply depth_compile_le|]. apply var_prog_wdepth.
  Qed.
End family.

(** ** FlowAR's own schedule: first scale 1×1, doubling *)

(** The configuration with largest side [2^(log₂ n)] ([= n] for [n] a power
    of 2, in [(n/2, n]] otherwise): [K = log₂ n + 1] scales of sides
    [1, 2, 4, …], the other dimensions those of [base]. *)
Definition doubling_cfgs (base : Config) (n : nat) : Config :=
  {| K := Nat.log2 n + 1; s0 := 1; a := 2; ch := ch base; LD := LD base;
     L := L base; Lf := Lf base; T := T base |}.

Lemma doubling_side base n : side (doubling_cfgs base n) (K (doubling_cfgs base n) - 1) = 2 ^ Nat.log2 n.
Proof. unfold side. cbn [K s0 a doubling_cfgs]. rewrite Nat.add_sub. lia. Qed.

Section doubling.
  Context (P : FloatPrimitivesTC0) (prec : nat -> nat) (base : Config).
  Context (Hff : 1 <= ldff (LD base)).

  Theorem flowar_doubling_depth_log n :
    (Nat.log2 n + 1) * (2 * (L base + T base * Lf base))
    <= depth (fam_circ (flowar_family P prec (doubling_cfgs base)) n)
    <= (Nat.log2 n + 1) * scale_depth P (L base) (Lf base) (T base).
  Proof.
    apply (flowar_family_depth_bounds P prec (doubling_cfgs base) n); cbn; lia.
  Qed.

  (** With one AR layer, the depth is unbounded: the family is not in TC0. *)
  Theorem flowar_doubling_not_TC0 :
    1 <= L base -> ~ InTC0 (flowar_family P prec (doubling_cfgs base)).
  Proof.
    intros HL (_ & D & c & e & H). destruct (H (2 ^ D)) as (_ & Hd & _).
    destruct (flowar_doubling_depth_log (2 ^ D)) as [Hlo _].
    rewrite Nat.log2_pow2 in Hlo by lia. nia.
  Qed.
End doubling.
