(** * 2-D rotary position embedding (released FlowAR) is in TC0 with depth 3·d_std

    Released FlowAR rotates queries and keys of every attention layer
    (wangqiang9/FlowAR, models/rope.py [VisionRotaryEmbeddingFast], used by
    models/flowar.py [Attention] and models/flowmodel.py [Attention],
    [CrossAttention]):
    {v
      rope(x) = x * freqs_cos + rotate_half(x) * freqs_sin
      rotate_half(x)_{2j} = −x_{2j+1},   rotate_half(x)_{2j+1} = x_{2j}
    v}
    on each head's [N × dh] matrix ([dh] even; the pairs are adjacent
    columns, the "interleaved" layout of [rearrange(x, '... (d r) -> ... d r', r = 2)]).
    The tables depend only on the token positions and the head width, not on
    the input: for a scale of side [s] (so [N = s²] tokens), row [i = (y, x)]
    holds [cos]/[sin] of [θ_k·16·y/s] in its first [dh/2] columns and of
    [θ_k·16·x/s] in the last [dh/2], each frequency [θ_k = 10000^(−2k/(dh/2))]
    repeated for a column pair.

    Tables as operands.  The module reads [cos] and [sin] as [N × dh] blocks
    of its input, like weights, so every statement holds for every table;
    the released tables are the instance the pipeline supplies (they are
    constants of the configuration: PyTorch computes them in float32 from
    the positions, we take those floats as given).

    Float semantics [frope]: [x·cos] and [r·sin] rounded, then their sum
    rounded; the negation of [rotate_half] is exact ([fneg]).
    Program [rope_at]: per entry, [x·cos] beside [(0 − x') · sin] (even
    column; [0 − x'] is [fneg x'] by [fsub_zero_l]) or [x'·sin] (odd
    column), then the sum: weighted depth [3·d_std] ([rope_at_wdepth]);
    work [7·N·dh/2] ([rope_at_work]: 4 operations per even column, 3 per
    odd). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block.
From FlowARProofs.Modules Require Import Pointwise.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (Q Cs Sn : mat) (xs : list flt)
  (p n N dh h m offQ offC offS : nat).

(** ** Semantics *)

(** The partner column of a rotation pair. *)
Definition rpartner m : nat := if Nat.even m then S m else pred m.

Definition frot p Q : mat :=
  fun i m => if Nat.even m then fneg p (Q i (rpartner m)) else Q i (rpartner m).

Definition frope p Q Cs Sn : mat :=
  fun i m => fadd p (fmul p (Q i m) (Cs i m)) (fmul p (frot p Q i m) (Sn i m)).

Lemma rpartner_lt dh m : Nat.even dh = true -> m < dh -> rpartner m < dh.
Proof.
  intros Hdh Hm. unfold rpartner. destruct (Nat.even m) eqn:Em; [|lia].
  apply Nat.even_spec in Hdh as [k ->]. apply Nat.even_spec in Em as [j ->]. lia.
Qed.

(** ** Program *)

Definition rope_body (even : bool) q q' cs sn : prog :=
  PSeq (PPar (PSeq (PWire [FIn q; FIn cs]) (POp (OBin BMul)))
             (if even
              then PSeq (PPar (PSeq (PWire [FCst fzero; FIn q']) (POp (OBin BSub))) (PWire [FIn sn]))
                        (POp (OBin BMul))
              else PSeq (PWire [FIn q'; FIn sn]) (POp (OBin BMul))))
       (POp (OBin BAdd)).

Definition rope_at offQ offC offS N dh : prog :=
  PFor N (fun i => PFor dh (fun m =>
    rope_body (Nat.even m) (offQ + (i * dh + m)) (offQ + (i * dh + rpartner m))
              (offC + (i * dh + m)) (offS + (i * dh + m)))).

(** ** Correctness *)

Theorem rope_at_correct P p xs offQ offC offS N dh Q Cs Sn :
  Nat.even dh = true ->
  block xs offQ N dh Q -> block xs offC N dh Cs -> block xs offS N dh Sn ->
  peval P p (rope_at offQ offC offS N dh) xs = flat N dh (frope p Q Cs Sn).
Proof.
  intros Hdh HQ HC HS. apply peval_PFor2. intros i m Hi Hm.
  pose proof (rpartner_lt dh m Hdh Hm). unfold rope_body, frope, frot.
  destruct (Nat.even m); cbn; rewrite ?fsub_zero_l, !HQ, HC, HS by assumption; reflexivity.
Qed.

(** ** Typing *)

Lemma rope_at_wt p n offQ offC offS N dh :
  Nat.even dh = true -> offQ + N * dh <= n -> offC + N * dh <= n -> offS + N * dh <= n ->
  pwt p n (rope_at offQ offC offS N dh).
Proof.
  intros Hdh HQ HC HS. cbn [rope_at pwt]. intros i Hi m Hm.
  pose proof (rpartner_lt dh m Hdh Hm).
  assert (i * dh + m < N * dh) by nia. assert (i * dh + rpartner m < N * dh) by nia.
  unfold rope_body. destruct (Nat.even m); cbn;
    repeat split; repeat constructor; cbn; auto using fzero_valid; lia.
Qed.

(** ** Depth *)

Theorem rope_at_wdepth P offQ offC offS N dh :
  wdepth (op_dbound P) (rope_at offQ offC offS N dh) <= 3 * d_std P.
Proof.
  apply PFor2_wdepth. intros i m _ _. unfold rope_body. destruct (Nat.even m); cbn; lia.
Qed.

(** ** Counts *)

Lemma list_sum_parity (a b h : nat) :
  list_sum (map (fun m => if Nat.even m then a else b) (seq 0 (2 * h))) = h * (a + b).
Proof.
  induction h as [|h IH]; [reflexivity|].
  replace (2 * S h) with (2 * h + 2) by lia. rewrite seq_app, map_app, list_sum_app, IH.
  cbn [seq map list_sum fold_right Nat.add].
  replace (Nat.even (2 * h)) with true by (symmetry; apply Nat.even_spec; exists h; lia).
  replace (Nat.even (S (2 * h))) with false.
  - lia.
  - rewrite Nat.even_succ, <- Nat.negb_even.
    replace (Nat.even (2 * h)) with true by (symmetry; apply Nat.even_spec; exists h; lia).
    reflexivity.
Qed.

Section counts.
  Context (offQ offC offS N h : nat).
  Let dh := 2 * h.
  Let body i m := rope_body (Nat.even m) (offQ + (i * dh + m)) (offQ + (i * dh + rpartner m))
                            (offC + (i * dh + m)) (offS + (i * dh + m)).
  Let E := rope_at offQ offC offS N dh.
  Let HE : E = PFor N (fun i => PFor dh (body i)) := eq_refl.

  Let Hb : forall i m, i < N -> m < dh ->
      ops (body i m) = (if Nat.even m then 4 else 3) /\ pads (body i m) = (if Nat.even m then 4 else 2)
      /\ work (body i m) = (if Nat.even m then 4 else 3) /\ maxar (body i m) <= 2
      /\ arity_out (body i m) = 1.
  Proof. intros i m _ _. unfold body, rope_body. destruct (Nat.even m); cbn; repeat split; lia. Qed.

  Lemma rope_at_ops : ops E = N * (7 * h).
  Proof.
    rewrite HE, (colfor_ops N dh body _ _ _ _ Hb). unfold dh. rewrite list_sum_parity. lia.
  Qed.

  Lemma rope_at_work : work E = N * (7 * h).
  Proof.
    rewrite HE, (colfor_work N dh body _ _ _ _ Hb). unfold dh. rewrite list_sum_parity. lia.
  Qed.

  Lemma rope_at_pads : pads E = N * (6 * h) + 2 * (N * (2 * h)).
  Proof.
    rewrite HE, (colfor_pads N dh body _ _ _ _ Hb). unfold dh. rewrite list_sum_parity. lia.
  Qed.

  Lemma rope_at_maxar : maxar E <= 2.
  Proof. rewrite HE. exact (colfor_maxar N dh body _ _ _ _ Hb). Qed.

  Lemma rope_at_arity : arity_out E = N * (2 * h).
  Proof. rewrite HE. exact (colfor_arity N dh body _ _ _ _ Hb). Qed.
End counts.

(** ** Examples (precision 8) *)

(** One token, [dh = 2], [x = (1, 2)], a rotation by a quarter turn
    ([cos = 0], [sin = 1]): [(−2, 1)]. *)
Example ex_frope :
  map (frope 8 (fun _ m => of_Z 8 (Z.of_nat (S m))) (fun _ _ => fzero) (fun _ _ => of_Z 8 1) 0)
      (seq 0 2)
  = [of_Z 8 (-2); of_Z 8 1].
Proof. vm_compute. reflexivity. Qed.

(** Counts on [N = 2] tokens, [dh = 4]: [2·7·2 = 28] operations, unit-weight depth 3. *)
Example ex_rope_counts :
  work (rope_at 0 8 16 2 4) = 28 /\ wdepth (fun _ => 1) (rope_at 0 8 16 2 4) = 3.
Proof. vm_compute. split; reflexivity. Qed.
