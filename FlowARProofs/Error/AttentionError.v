(** * Attention error transfer: relative error of the weights → absolute error of the output

    The polynomial method (Alman–Song 2023) replaces every attention weight
    [A_ij = exp(s_ij)] by an approximation [Ã_ij] with entrywise RELATIVE
    error [|Ã_ij − A_ij| ≤ ε·A_ij].  This file proves what that does to the
    row-normalized output [D⁻¹AV], for a masked row (the keys [j < lim i], as
    in the block-causal mask [bc_lim] of Modules/Attention.v) and for
    multi-head attention with an output projection:

    - [softmax_row_error]: one row, [|Ñ/S̃ − N/S| ≤ 2ε/(1−ε) · ‖v‖∞] for
      [0 ≤ ε < 1] ([attn_err_coef ε = 2ε/(1−ε)]);
    - [attn_err_coef_le]: [2ε/(1−ε) ≤ 4ε] for [ε ≤ 1/2] — the "4ε" that
      PAPER.md §4.3 reconstructs from Alman–Song, now proved;
    - [masked_attn_error]: every entry of masked attention;
    - [mha_error]: heads concatenated and projected by [W_O]: the error is at
      most the ℓ₁ norm of the output column of [W_O] times the head error.

    Proof of the row lemma: with [S = Σa], [S̃ = Σã ≥ (1−ε)S],
    [N = Σ a v], [Ñ = Σ ã v],
    [Ñ/S̃ − N/S = (Ñ − N)/S̃ + N·(S − S̃)/(S·S̃)], and
    [|Ñ − N| ≤ ε S ‖v‖], [|N| ≤ S ‖v‖], [|S − S̃| ≤ ε S].
    Nothing here is specific to exp: any positive weights work. *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum.
Set Default Goal Selector "!".
Local Open Scope R_scope.

Implicit Types (a ta v : nat -> R) (m : nat) (eps vb : R).

(** The row-normalized weighted mean of [v] under weights [a] over keys [j < m]. *)
Definition softmax_row a v m : R := rsum (fun j => a j * v j) m / rsum a m.

(** The error coefficient [c(ε) = 2ε/(1−ε)]. *)
Definition attn_err_coef eps : R := 2 * eps / (1 - eps).

(** Hypotheses on one row: positive exact weights, relative error [ε] of the
    approximate ones, values bounded by [vb]. *)
Definition row_hyps a ta v m eps vb : Prop :=
  forall j, (j < m)%nat ->
    0 < a j /\ Rabs (ta j - a j) <= eps * a j /\ Rabs (v j) <= vb.

Lemma softmax_row_error a ta v m eps vb :
  (0 < m)%nat -> 0 <= eps < 1 -> row_hyps a ta v m eps vb ->
  Rabs (softmax_row ta v m - softmax_row a v m) <= attn_err_coef eps * vb.
Proof.
  intros Hm He H. unfold softmax_row, attn_err_coef.
  set (S := rsum a m). set (St := rsum ta m).
  set (N := rsum (fun j => a j * v j) m). set (Nt := rsum (fun j => ta j * v j) m).
  assert (Hvb : 0 <= vb).
  { destruct (H 0%nat Hm) as (_ & _ & Hv). pose proof (Rabs_pos (v 0%nat)). lra. }
  assert (HS : 0 < S) by (apply rsum_pos; [exact Hm|]; intros j Hj; apply H, Hj).
  (* S̃ ≥ (1−ε) S *)
  assert (HSt : (1 - eps) * S <= St).
  { unfold S, St. rewrite <- rsum_scal_l. apply rsum_le. intros j Hj.
    destruct (H j Hj) as (Ha & Hd & _). apply Rabs_le_inv in Hd. lra. }
  assert (HSt0 : 0 < St) by nra.
  (* |S − S̃| ≤ ε S *)
  assert (HdS : Rabs (St - S) <= eps * S).
  { unfold S, St. rewrite <- rsum_minus, <- rsum_scal_l.
    eapply Rle_trans; [apply rsum_abs|]. apply rsum_le. intros j Hj. apply H, Hj. }
  (* |Ñ − N| ≤ ε S vb *)
  assert (HdN : Rabs (Nt - N) <= eps * S * vb).
  { unfold N, Nt. rewrite <- rsum_minus.
    eapply Rle_trans; [apply rsum_abs|].
    replace (eps * S * vb) with (eps * vb * S) by ring. unfold S.
    rewrite <- rsum_scal_l. apply rsum_le. intros j Hj.
    destruct (H j Hj) as (Ha & Hd & Hv).
    replace (ta j * v j - a j * v j) with ((ta j - a j) * v j) by ring.
    rewrite Rabs_mult. pose proof (Rabs_pos (ta j - a j)). pose proof (Rabs_pos (v j)). nra. }
  (* |N| ≤ S vb *)
  assert (HN : Rabs N <= S * vb).
  { unfold N, S. eapply Rle_trans; [apply rsum_abs|].
    replace (rsum a m * vb) with (vb * rsum a m) by ring.
    rewrite <- rsum_scal_l. apply rsum_le. intros j Hj.
    destruct (H j Hj) as (Ha & _ & Hv). rewrite Rabs_mult, (Rabs_pos_eq (a j)) by lra. nra. }
  assert (Hsplit : Nt / St - N / S = (Nt - N) / St + N * (S - St) / (S * St)).
  { field. lra. }
  rewrite Hsplit. eapply Rle_trans; [apply Rabs_triang|].
  unfold Rdiv. rewrite !Rabs_mult, !Rabs_inv, (Rabs_pos_eq St), (Rabs_pos_eq (S * St)) by nra.
  assert (Hi : / St <= / ((1 - eps) * S)) by (apply Rinv_le_contravar; nra).
  assert (HiSt : 0 < / St) by (apply Rinv_0_lt_compat; lra).
  assert (HSS : / (S * St) = / S * / St) by (field; lra).
  rewrite HSS. rewrite Rabs_minus_sym in HdS.
  assert (Ht1 : Rabs (Nt - N) * / St <= eps * S * vb * / St) by nra.
  assert (Ht2 : Rabs N * Rabs (S - St) * (/ S * / St) <= S * vb * (eps * S) * (/ S * / St)).
  { apply Rmult_le_compat_r; [pose proof (Rinv_0_lt_compat S HS); nra|].
    apply Rmult_le_compat; auto using Rabs_pos. }
  replace (S * vb * (eps * S) * (/ S * / St)) with (eps * S * vb * / St) in Ht2 by (field; lra).
  assert (Hfin : 2 * (eps * S * vb * / St) <= 2 * eps * / (1 - eps) * vb).
  { replace (2 * eps * / (1 - eps) * vb) with (2 * (eps * S * vb * / ((1 - eps) * S)))
      by (field; lra).
    apply Rmult_le_compat_l; [lra|]. apply Rmult_le_compat_l; [|exact Hi].
    apply Rmult_le_pos; [|exact Hvb]. apply Rmult_le_pos; lra. }
  lra.
Qed.

Lemma attn_err_coef_nonneg eps : 0 <= eps < 1 -> 0 <= attn_err_coef eps.
Proof.
  intros He. unfold attn_err_coef, Rdiv.
  pose proof (Rinv_0_lt_compat (1 - eps) ltac:(lra)). nra.
Qed.

Lemma attn_err_coef_le eps : 0 <= eps <= 1 / 2 -> attn_err_coef eps <= 4 * eps.
Proof.
  intros He. unfold attn_err_coef. apply Rmult_le_reg_r with (1 - eps); [lra|].
  unfold Rdiv. rewrite Rmult_assoc, Rinv_l by lra. nra.
Qed.

(** ** Masked attention: every entry *)

(** Exact weights [A i j], values [V j c], a key limit [lim i] per query row:
    entry [(i, c)] of [D⁻¹AV] with the mask [j < lim i]. *)
Definition masked_attn (A : nat -> nat -> R) (V : nat -> nat -> R) (lim : nat -> nat) i c : R :=
  softmax_row (A i) (fun j => V j c) (lim i).

Lemma masked_attn_error (A At V : nat -> nat -> R) (lim : nat -> nat) eps vb i c :
  (0 < lim i)%nat -> 0 <= eps < 1 ->
  (forall j, (j < lim i)%nat ->
     0 < A i j /\ Rabs (At i j - A i j) <= eps * A i j /\ Rabs (V j c) <= vb) ->
  Rabs (masked_attn At V lim i c - masked_attn A V lim i c) <= attn_err_coef eps * vb.
Proof. intros Hm He H. apply softmax_row_error; assumption. Qed.

(** ** Multi-head attention: [H] heads of width [dh], concatenated, times [W_O] *)

(** Output entry [(i, k)]: [Σ_{h,c} head_h(i, c) · W_O(h·dh + c, k)], the heads
    laid out as one sum over the [H·dh] concatenated columns. *)
Definition mha_out (head : nat -> nat -> nat -> R) (WO : nat -> nat -> R) (H dh : nat) i k : R :=
  rsum (fun hc => WO hc k * head (hc / dh)%nat i (hc mod dh)%nat) (H * dh).

Lemma mha_error (head headt : nat -> nat -> nat -> R) (WO : nat -> nat -> R) (H dh : nat) i k
    (delta : R) :
  (forall h c, (h < H)%nat -> (c < dh)%nat -> Rabs (headt h i c - head h i c) <= delta) ->
  Rabs (mha_out headt WO H dh i k - mha_out head WO H dh i k)
  <= rsum (fun hc => Rabs (WO hc k)) (H * dh) * delta.
Proof.
  intros Hh. unfold mha_out. apply rsum_lin_error. intros hc Hhc.
  assert (0 < dh)%nat by (destruct dh; lia).
  apply Hh.
  - apply Nat.div_lt_upper_bound; lia.
  - apply Nat.mod_upper_bound. lia.
Qed.
