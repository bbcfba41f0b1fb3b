(** * adaLN: modulation, gated residual and the modulation vectors, in TC0

    Released FlowAR conditions every block by adaptive normalisation
    (wangqiang9/FlowAR, models/flowar.py [Block._forward], models/flowmodel.py
    [Block_v1], [Block_v2], [FinalLayer]):
    {v
      (γ₁, γ₂, s₁, s₂, b₁, b₂) = Linear(SiLU(cond))            modulation vectors
      x ← x + γ₁ · attn(RMSNorm(x) · (1 + s₁) + b₁)            gated residual of a modulated input
      x ← x + γ₂ · mlp (RMSNorm(x) · (1 + s₂) + b₂)
    v}
    with [· (1 + s)] written [.mul(scale.add(1))] and the gate
    [.mul_(gamma)] applied to the sub-layer's output.

    Three pieces, each with float semantics, program, correctness, typing,
    depth and exact counts:
    - [fmodulate]: [(n · (s + 1)) + b] entry-wise, three roundings
      ([s + 1] as the code's [scale.add(1)]); depth [3·d_std];
    - [fgate]: [x + a · γ] entry-wise, two roundings; depth [2·d_std];
    - [fadamod]: [SiLU(C)·W + b] (Modules/SiLU.v then Modules/MLP.v);
      depth [(3·d_std + d_exp) + (2·d_std + d_⊕)].

    Broadcasting.  In the AR blocks the modulation vectors come from the
    class embedding (one row, broadcast over the tokens); in the flow head's
    [Block_v1] they are per token; and the six vectors are the six
    [d]-column chunks of one [6d]-wide output ([.view(…, 6, d).unbind(2)]).
    So [fmodulate] and [fgate] take per-token matrices, and their programs
    read every operand through a *row map* [o : nat -> nat] (row [i] of the
    operand starts at input index [o i]; [rblock]): a broadcast row is
    [o i = off], a per-token chunk [k] of a [6d]-wide matrix is
    [o i = off + i·6d + k·d], a plain block is [o i = off + i·c]
    ([rblock_of_block]).  The [s + 1] of a broadcast row is recomputed for
    every token (work [N·c] instead of [c] additions; the code computes it
    once per row): a deliberate simplification of the work count, depth
    unchanged. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import Common MLP Pointwise SiLU.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (X A Nm Sc Sh Gm C W b : mat) (xs : list flt)
  (p n N c R dc m : nat).

(** ** Row-mapped blocks *)

Definition rblock xs (o : nat -> nat) r c A : Prop :=
  forall i j, i < r -> j < c -> nth (o i + j) xs fzero = A i j.

Lemma rblock_of_block xs off r c A :
  block xs off r c A -> rblock xs (fun i => off + i * c) r c A.
Proof. intros H i j Hi Hj. rewrite <- Nat.add_assoc. apply H; auto. Qed.

(** A broadcast row: row [0] of a [1 × c] block, for every token. *)
Lemma rblock_bcast xs off r c A :
  block xs off 1 c A -> rblock xs (fun _ => off) r c (fun _ j => A 0 j).
Proof.
  intros H i j _ Hj. specialize (H 0 j ltac:(lia) Hj). rewrite Nat.mul_0_l, Nat.add_0_l in H.
  exact H.
Qed.

(** Chunk [k] (columns [k·c … k·c + c − 1]) of an [r × (K·c)] block. *)
Lemma rblock_chunk xs off r K c k A :
  k < K -> block xs off r (K * c) A ->
  rblock xs (fun i => off + (i * (K * c) + k * c)) r c (fun i j => A i (k * c + j)).
Proof.
  intros Hk H i j Hi Hj. rewrite <- H by nia. f_equal. lia.
Qed.

Definition rbound (o : nat -> nat) r c n : Prop := forall i, i < r -> o i + c <= n.

(** ** Semantics *)

Definition fmodulate p Nm Sc Sh : mat :=
  fun i l => fadd p (fmul p (Nm i l) (fadd p (Sc i l) (fone p))) (Sh i l).

Definition fgate p X A Gm : mat := fun i l => fadd p (X i l) (fmul p (A i l) (Gm i l)).

Definition fadamod P p dc C W b : mat := fmlp p dc (fsilu_mat P p C) W b.

(** ** Modulation *)

Definition mod_body p a s h : prog :=
  PSeq (PPar (PSeq (PPar (PWire [FIn a]) (PSeq (PWire [FIn s; FCst (fone p)]) (POp (OBin BAdd))))
                   (POp (OBin BMul)))
             (PWire [FIn h]))
       (POp (OBin BAdd)).

Definition modulate_at p (oN oS oH : nat -> nat) N c : prog :=
  PFor N (fun i => PFor c (fun l => mod_body p (oN i + l) (oS i + l) (oH i + l))).

Theorem modulate_at_correct P p xs oN oS oH N c Nm Sc Sh :
  rblock xs oN N c Nm -> rblock xs oS N c Sc -> rblock xs oH N c Sh ->
  peval P p (modulate_at p oN oS oH N c) xs = flat N c (fmodulate p Nm Sc Sh).
Proof.
  intros HN HS HH. apply peval_PFor2. intros i l Hi Hl. unfold mod_body. cbn.
  rewrite HN, HS, HH by assumption. reflexivity.
Qed.

Lemma modulate_at_wt p n oN oS oH N c :
  rbound oN N c n -> rbound oS N c n -> rbound oH N c n -> pwt p n (modulate_at p oN oS oH N c).
Proof.
  intros HN HS HH. cbn [modulate_at pwt]. intros i Hi l Hl.
  specialize (HN i Hi). specialize (HS i Hi). specialize (HH i Hi).
  cbn. repeat split; repeat constructor; cbn; auto using fone_valid; lia.
Qed.

Theorem modulate_at_wdepth P p oN oS oH N c :
  wdepth (op_dbound P) (modulate_at p oN oS oH N c) <= 3 * d_std P.
Proof. apply PFor2_wdepth. intros. cbn. lia. Qed.

Lemma modulate_at_counts p oN oS oH N c :
  let E := modulate_at p oN oS oH N c in
  ops E = N * (c * 3) /\ pads E = N * (c * 4 + c) + N * c /\ work E = N * (c * 3)
  /\ maxar E <= 2 /\ arity_out E = N * c.
Proof.
  set (body := fun i l => mod_body p (oN i + l) (oS i + l) (oH i + l)).
  assert (Hb : forall i l, i < N -> l < c ->
            ops (body i l) = 3 /\ pads (body i l) = 4 /\ work (body i l) = 3
            /\ maxar (body i l) <= 2 /\ arity_out (body i l) = 1) by (intros; cbn; repeat split; lia).
  cbn zeta. repeat split.
  - exact (PFor2_ops N c body _ _ _ _ Hb).
  - exact (PFor2_pads N c body _ _ _ _ Hb).
  - exact (PFor2_work N c body _ _ _ _ Hb).
  - exact (PFor2_maxar N c body _ _ _ _ Hb).
  - exact (PFor2_arity N c body _ _ _ _ Hb).
Qed.

(** ** Gated residual *)

Definition gate_body x a g : prog :=
  PSeq (PPar (PWire [FIn x]) (PSeq (PWire [FIn a; FIn g]) (POp (OBin BMul)))) (POp (OBin BAdd)).

Definition gate_at (oX oA oG : nat -> nat) N c : prog :=
  PFor N (fun i => PFor c (fun l => gate_body (oX i + l) (oA i + l) (oG i + l))).

Theorem gate_at_correct P p xs oX oA oG N c X A Gm :
  rblock xs oX N c X -> rblock xs oA N c A -> rblock xs oG N c Gm ->
  peval P p (gate_at oX oA oG N c) xs = flat N c (fgate p X A Gm).
Proof.
  intros HX HA HG. apply peval_PFor2. intros i l Hi Hl. unfold gate_body. cbn.
  rewrite HX, HA, HG by assumption. reflexivity.
Qed.

Lemma gate_at_wt p n oX oA oG N c :
  rbound oX N c n -> rbound oA N c n -> rbound oG N c n -> pwt p n (gate_at oX oA oG N c).
Proof.
  intros HX HA HG. cbn [gate_at pwt]. intros i Hi l Hl.
  specialize (HX i Hi). specialize (HA i Hi). specialize (HG i Hi).
  cbn. repeat split; repeat constructor; cbn; lia.
Qed.

Theorem gate_at_wdepth P oX oA oG N c : wdepth (op_dbound P) (gate_at oX oA oG N c) <= 2 * d_std P.
Proof. apply PFor2_wdepth. intros. cbn. lia. Qed.

Lemma gate_at_counts oX oA oG N c :
  let E := gate_at oX oA oG N c in
  ops E = N * (c * 2) /\ pads E = N * (c * 2 + c) + N * c /\ work E = N * (c * 2)
  /\ maxar E <= 2 /\ arity_out E = N * c.
Proof.
  set (body := fun i l => gate_body (oX i + l) (oA i + l) (oG i + l)).
  assert (Hb : forall i l, i < N -> l < c ->
            ops (body i l) = 2 /\ pads (body i l) = 2 /\ work (body i l) = 2
            /\ maxar (body i l) <= 2 /\ arity_out (body i l) = 1) by (intros; cbn; repeat split; lia).
  cbn zeta. repeat split.
  - exact (PFor2_ops N c body _ _ _ _ Hb).
  - exact (PFor2_pads N c body _ _ _ _ Hb).
  - exact (PFor2_work N c body _ _ _ _ Hb).
  - exact (PFor2_maxar N c body _ _ _ _ Hb).
  - exact (PFor2_arity N c body _ _ _ _ Hb).
Qed.

(** ** Modulation vectors: [SiLU(C)·W + b]

    [C : R × dc] at [offC] ([R = 1] for a broadcast condition, [R = N] per
    token), [W : dc × m] at [offW], [b : 1 × m] at [offb]; [m = 6d] in the
    AR blocks and [Block_v1], [3d] per sub-layer in [Block_v2], [2d] in the
    final layer. *)
Definition adamod_at p offC offW offb R dc m : prog :=
  PSeq (PPar (silu_at p offC R dc) (gather [(offW, dc * m); (offb, m)]))
       (mlp_at 0 (R * dc) (R * dc + dc * m) R dc m).

Theorem adamod_at_correct P p xs offC offW offb R dc m C W b :
  block xs offC R dc C -> block xs offW dc m W -> block xs offb 1 m b ->
  peval P p (adamod_at p offC offW offb R dc m) xs = flat R m (fadamod P p dc C W b).
Proof.
  intros HC HW Hb. unfold adamod_at. rewrite peval_PSeq, peval_PPar,
    (silu_at_correct _ _ _ _ _ _ C HC), gather_correct.
  cbn [map concat fst snd].
  rewrite (keep_block P p xs offW dc m W), (keep_block1 P p xs offb m b), app_nil_r
    by assumption.
  apply mlp_at_correct.
  - apply block_head_flat. reflexivity.
  - apply block_cons_flat with (off := 0); [lia|]. apply block_flat_app_l.
  - apply block_cons_flat with (off := dc * m); [lia|].
    rewrite <- (Nat.add_0_r (dc * m)), <- (flat_length dc m W).
    apply block_app_r, block_flat.
Qed.

Theorem adamod_at_wt p n offC offW offb R dc m :
  offC + R * dc <= n -> offW + dc * m <= n -> offb + m <= n ->
  pwt p n (adamod_at p offC offW offb R dc m).
Proof.
  intros HC HW Hb. unfold adamod_at. cbn [pwt].
  change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
  rewrite silu_at_arity, gather_arity. cbn [map snd list_sum fold_right].
  split; [split|].
  - apply silu_at_wt, HC.
  - apply gather_wt. repeat constructor; cbn; lia.
  - apply mlp_at_wt; lia.
Qed.

Lemma adamod_at_arity p offC offW offb R dc m : arity_out (adamod_at p offC offW offb R dc m) = R * m.
Proof. unfold adamod_at. cbn [arity_out]. apply mlp_at_arity. Qed.

Theorem adamod_at_wdepth P p offC offW offb R dc m :
  wdepth (op_dbound P) (adamod_at p offC offW offb R dc m) <= 5 * d_std P + d_sum P + d_exp P.
Proof.
  unfold adamod_at. cbn [wdepth].
  pose proof (silu_at_wdepth P p offC R dc).
  pose proof (mlp_at_wdepth P 0 (R * dc) (R * dc + dc * m) R dc m).
  assert (wdepth (op_dbound P) (gather [(offW, dc * m); (offb, m)]) = 0) by reflexivity.
  lia.
Qed.

Section adamod_counts.
  Context (p offC offW offb R dc m : nat).
  Let E := adamod_at p offC offW offb R dc m.

  Ltac counts :=
    destruct (silu_at_counts p offC R dc) as (o1 & q1 & w1 & m1 & a1);
    pose proof (gather_arity [(offW, dc * m); (offb, m)]) as Hg;
    pose proof (mlp_at_maxar 0 (R * dc) (R * dc + dc * m) R dc m);
    unfold E, adamod_at; cbn [ops pads work maxar] in *;
    change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b);
    rewrite ?mlp_at_ops, ?mlp_at_work, ?mlp_at_pads, ?mlp_at_arity, ?o1, ?q1, ?w1, ?a1, ?Hg;
    cbn [gather ops pads work maxar map snd list_sum fold_right].

  Lemma adamod_at_ops : ops E = R * (dc * 4) + R * (m * (dc + 2)).
  Proof. counts. lia. Qed.

  (** Exact: [4] per SiLU, then the linear map. *)
  Lemma adamod_at_work : work E = R * (dc * 4) + R * (m * (dc + (dc - 1) + 1)).
  Proof. counts. lia. Qed.

  Lemma adamod_at_pads :
    pads E = R * (dc * 2 + dc) + R * dc + (R * dc + (dc * m + m))
             + (R * (m * (dc + 2) + m) + R * m).
  Proof. counts. lia. Qed.

  Lemma adamod_at_maxar : maxar E <= dc + 2.
  Proof. counts. lia. Qed.
End adamod_counts.

(** ** Examples *)

(** [x = 2], [s = 1], [b = 1/2] at precision 8: [2·(1 + 1) + 1/2 = 9/2];
    and the gate [x + a·γ = 1 + 3·2 = 7]. *)
Example ex_fmodulate :
  fmodulate 8 (fun _ _ => of_Z 8 2) (fun _ _ => of_Z 8 1) (fun _ _ => fconst 8 1 2) 0 0
  = fconst 8 9 2
  /\ fgate 8 (fun _ _ => of_Z 8 1) (fun _ _ => of_Z 8 3) (fun _ _ => of_Z 8 2) 0 0 = of_Z 8 7.
Proof. vm_compute. split; reflexivity. Qed.

(** Counts on [N = 2] tokens of width [c = 3], one broadcast row. *)
Example ex_adaln_counts :
  work (modulate_at 8 (fun i => 3 * i) (fun _ => 6) (fun _ => 9) 2 3) = 18
  /\ wdepth (fun _ => 1) (modulate_at 8 (fun i => 3 * i) (fun _ => 6) (fun _ => 9) 2 3) = 3
  /\ work (gate_at (fun i => 3 * i) (fun i => 6 + 3 * i) (fun _ => 12) 2 3) = 12
  /\ work (adamod_at 8 0 3 21 1 3 6) = 12 + 6 * 6.
Proof. vm_compute. repeat split. Qed.

Lemma modulate_at_arity p oN oS oH N c : arity_out (modulate_at p oN oS oH N c) = N * c.
Proof. apply (modulate_at_counts p oN oS oH N c). Qed.

Lemma gate_at_arity oX oA oG N c : arity_out (gate_at oX oA oG N c) = N * c.
Proof. apply (gate_at_counts oX oA oG N c). Qed.
