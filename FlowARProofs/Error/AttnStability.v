(** * Attention over the reals: stability in its input and fast-vs-exact error

    For one head [rattn w] (RealModel.v) with queries, keys and values
    [q = Z·W_Q], [k = Z·W_K], [v = Z·W_V] whose entries are bounded by [B]
    AT THAT CALL ([qkv_bounded]), scale [sc ≥ 0] and head width [dh], every
    score lies in [[−β, β]] with [β = sc·dh·B²] ([rscore_bound]).  Then:

    - [head_lip]: exact attention is Lipschitz in its input, with
      [‖attn(Y) − attn(X)‖∞ ≤ W·(1 + 4β·e^{2β})·‖Y − X‖∞] when
      [‖W_Q‖, ‖W_K‖, ‖W_V‖ ≤ W] (ℓ∞ operator norms, [Lipschitz.wnorm]) and
      the bound [B] holds at both inputs.  The proof reuses the error-transfer
      idea of AttentionError.v with the weights' relative change
      [|e^{s} − e^{s'}| ≤ |s − s'|·e^{2β}·e^{s'}] ([exp_rel_diff], from the
      Taylor remainder with [g = 0]) and the values' change;
    - [head_fast_error]: fast (Taylor) vs exact attention at the same input:
      [4·ε_T(g, β)·B] ([FastAttentionError.fast_attention_error_4]);
    - [mha_lip], [mha_fast_error]: heads concatenated and projected by
      [W_O]: the factor [‖W_O‖].

    The block-causal mask enters only through [lim i ∈ [1, N]] ([lim_ok]). *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor
  FastAttentionError RealModel.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (X Y Z W : rmat) (N c dh H : nat).

(** ** Hypotheses at one attention call *)

Definition lim_ok N (lim : nat -> nat) : Prop := forall i, (i < N)%nat -> (0 < lim i <= N)%nat.

Definition qkv_bounded N c dh (B : R) Z WQ WK WV : Prop :=
  forall i m, (i < N)%nat -> (m < dh)%nat ->
    Rabs (rmatmul c Z WQ i m) <= B /\ Rabs (rmatmul c Z WK i m) <= B /\ Rabs (rmatmul c Z WV i m) <= B.

(** ** Exponential: relative change *)

Lemma taylor_exp_0 x : taylor_exp 0 x = 1.
Proof. unfold taylor_exp. simpl. field. Qed.

Lemma exp_rel_diff (s s' beta : R) :
  Rabs s <= beta -> Rabs s' <= beta ->
  Rabs (exp s - exp s') <= Rabs (s - s') * exp (2 * beta) * exp s'.
Proof.
  intros Hs Hs'.
  replace (exp s - exp s') with (exp s' * (exp (s - s') - taylor_exp 0 (s - s'))).
  2: { rewrite taylor_exp_0. unfold Rminus at 2. rewrite exp_plus.
       replace (- s') with (- s') by reflexivity. rewrite exp_Ropp.
       field. apply Rgt_not_eq, exp_pos. }
  rewrite Rabs_mult, (Rabs_pos_eq (exp s')) by apply Rlt_le, exp_pos.
  pose proof (taylor_exp_abs_error 0 (s - s')) as HT. simpl in HT.
  assert (Hd : Rabs (s - s') <= 2 * beta).
  { unfold Rminus. eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_Ropp. lra. }
  assert (Hex : exp (Rabs (s - s')) <= exp (2 * beta)).
  { destruct (Req_dec (Rabs (s - s')) (2 * beta)) as [->|]; [lra|].
    apply Rlt_le, exp_increasing. lra. }
  assert (HT' : Rabs (exp (s - s') - taylor_exp 0 (s - s')) <= Rabs (s - s') * exp (2 * beta)).
  { eapply Rle_trans; [exact HT|]. replace (Rabs (s - s') * 1 / 1) with (Rabs (s - s')) by field.
    apply Rmult_le_compat_l; [apply Rabs_pos|exact Hex]. }
  pose proof (exp_pos s').
  rewrite (Rmult_comm (exp s')). apply Rmult_le_compat_r; [lra|exact HT'].
Qed.

(** ** One row, two inputs: weights and values both change *)

Lemma softmax_row_lip (a ta v tv : nat -> R) m (eps vb eta : R) :
  (0 < m)%nat ->
  (forall j, (j < m)%nat ->
     0 < a j /\ 0 < ta j /\ Rabs (a j - ta j) <= eps * ta j /\ Rabs (v j) <= vb
     /\ Rabs (tv j - v j) <= eta) ->
  Rabs (softmax_row ta tv m - softmax_row a v m) <= 2 * eps * vb + eta.
Proof.
  intros Hm H. unfold softmax_row.
  set (S := rsum a m). set (St := rsum ta m).
  assert (HS : 0 < S) by (apply rsum_pos; [exact Hm|]; intros j Hj; apply H, Hj).
  assert (HSt : 0 < St) by (apply rsum_pos; [exact Hm|]; intros j Hj; apply H, Hj).
  assert (Hvb : 0 <= vb) by (destruct (H 0%nat Hm) as (_ & _ & _ & Hv & _); pose proof (Rabs_pos (v 0%nat)); lra).
  assert (Heps : 0 <= eps).
  { destruct (H 0%nat Hm) as (_ & Hta & Hd & _). pose proof (Rabs_pos (a 0%nat - ta 0%nat)).
    destruct (Rle_dec 0 eps) as [|Hn]; [lra|]. nra. }
  (* values part: a convex combination of the value changes *)
  assert (HV : Rabs (rsum (fun j => ta j * tv j) m / St - rsum (fun j => ta j * v j) m / St) <= eta).
  { replace (rsum (fun j => ta j * tv j) m / St - rsum (fun j => ta j * v j) m / St)
      with (rsum (fun j => ta j * (tv j - v j)) m / St)
      by (rewrite (rsum_ext _ (fun j => ta j * tv j - ta j * v j)) by (intros; ring);
          rewrite rsum_minus; field; lra).
    unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ St)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
    apply Rmult_le_reg_r with St; [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
    eapply Rle_trans; [apply rsum_abs|]. unfold St. rewrite <- rsum_scal_l.
    apply rsum_le. intros j Hj. destruct (H j Hj) as (_ & Hta & _ & _ & Hdv).
    rewrite Rabs_mult, (Rabs_pos_eq (ta j)) by lra. nra. }
  (* weights part *)
  set (N := rsum (fun j => a j * v j) m). set (Nt := rsum (fun j => ta j * v j) m) in *.
  assert (HdS : Rabs (S - St) <= eps * St).
  { unfold S, St. rewrite <- rsum_minus, <- rsum_scal_l.
    eapply Rle_trans; [apply rsum_abs|]. apply rsum_le. intros j Hj. apply H, Hj. }
  assert (HdN : Rabs (Nt - N) <= eps * St * vb).
  { unfold N, Nt. rewrite <- rsum_minus.
    eapply Rle_trans; [apply rsum_abs|].
    replace (eps * St * vb) with (eps * vb * St) by ring. unfold St.
    rewrite <- rsum_scal_l. apply rsum_le. intros j Hj.
    destruct (H j Hj) as (Ha & Hta & Hd & Hv & _).
    replace (ta j * v j - a j * v j) with (- ((a j - ta j) * v j)) by ring.
    rewrite Rabs_Ropp, Rabs_mult. pose proof (Rabs_pos (a j - ta j)). pose proof (Rabs_pos (v j)). nra. }
  assert (HN : Rabs (N / S) <= vb).
  { unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ S)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
    apply Rmult_le_reg_r with S; [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
    unfold N, S. eapply Rle_trans; [apply rsum_abs|].
    rewrite <- rsum_scal_l. apply rsum_le. intros j Hj.
    destruct (H j Hj) as (Ha & _ & _ & Hv & _). rewrite Rabs_mult, (Rabs_pos_eq (a j)) by lra. nra. }
  assert (HW : Rabs (Nt / St - N / S) <= 2 * eps * vb).
  { replace (Nt / St - N / S) with ((Nt - N) / St + (N / S) * (S - St) / St) by (field; lra).
    eapply Rle_trans; [apply Rabs_triang|]. unfold Rdiv.
    rewrite !Rabs_mult, (Rabs_pos_eq (/ St)) by (apply Rlt_le, Rinv_0_lt_compat; lra).
    assert (Hi : 0 < / St) by (apply Rinv_0_lt_compat; lra).
    assert (H1 : Rabs (Nt - N) * / St <= eps * vb).
    { replace (eps * vb) with (eps * St * vb * / St) by (field; lra). nra. }
    unfold Rdiv in HN. rewrite Rabs_mult in HN.
    assert (H2 : Rabs N * Rabs (/ S) * Rabs (S - St) * / St <= vb * eps).
    { replace (vb * eps) with (vb * (eps * St) * / St) by (field; lra).
      apply Rmult_le_compat_r; [lra|]. apply Rmult_le_compat; [apply Rmult_le_pos; apply Rabs_pos|apply Rabs_pos|exact HN|exact HdS]. }
    lra. }
  replace (rsum (fun j => ta j * tv j) m / St - N / S)
    with ((rsum (fun j => ta j * tv j) m / St - Nt / St) + (Nt / St - N / S)) by ring.
  eapply Rle_trans; [apply Rabs_triang|]. lra.
Qed.

(** ** One head *)

Lemma wnorm_nonneg n e W : 0 <= wnorm n e W.
Proof. apply rmax_nonneg. Qed.

Lemma mm_entry_diff N c dh W Y X (Wb : R) i m :
  (i < N)%nat -> (m < dh)%nat -> wnorm c dh W <= Wb ->
  Rabs (rmatmul c Y W i m - rmatmul c X W i m) <= Wb * dinf N c Y X.
Proof.
  intros Hi Hm HW. eapply Rle_trans.
  - apply (dinf_entry N dh (rmatmul c Y W) (rmatmul c X W) i m Hi Hm).
  - eapply Rle_trans; [apply linear_lip|]. apply Rmult_le_compat_r; [apply dinf_nonneg|exact HW].
Qed.

Section head.
  Context (N c dh : nat) (sc B Wb : R) (lim : nat -> nat) (WQ WK WV : rmat).
  Hypothesis Hsc : 0 <= sc.
  Hypothesis HB : 0 <= B.
  Hypothesis Hlim : lim_ok N lim.

  (** The score range [β = sc·dh·B²]. *)
  Definition head_beta : R := sc * INR dh * (B * B).

  Lemma head_beta_nonneg : 0 <= head_beta.
  Proof. unfold head_beta. pose proof (pos_INR dh). apply Rmult_le_pos; [nra|nra]. Qed.

  Lemma rscore_bound Z i j :
    qkv_bounded N c dh B Z WQ WK WV -> (i < N)%nat -> (j < N)%nat ->
    Rabs (rscore c dh sc Z WQ WK i j) <= head_beta.
  Proof.
    intros Hq Hi Hj. unfold rscore, head_beta. rewrite Rabs_mult, (Rabs_pos_eq sc) by exact Hsc.
    rewrite Rmult_assoc. apply Rmult_le_compat_l; [exact Hsc|].
    eapply Rle_trans; [apply rsum_abs|]. rewrite <- rsum_const. apply rsum_le. intros m Hm.
    rewrite Rabs_mult. destruct (Hq i m Hi Hm) as (H1 & _ & _). destruct (Hq j m Hj Hm) as (_ & H2 & _).
    apply Rmult_le_compat; auto using Rabs_pos.
  Qed.

  Lemma rscore_diff Y X i j :
    qkv_bounded N c dh B Y WQ WK WV -> qkv_bounded N c dh B X WQ WK WV ->
    (i < N)%nat -> (j < N)%nat -> wnorm c dh WQ <= Wb -> wnorm c dh WK <= Wb ->
    Rabs (rscore c dh sc Y WQ WK i j - rscore c dh sc X WQ WK i j)
    <= sc * INR dh * (2 * B * Wb) * dinf N c Y X.
  Proof.
    intros HY HX Hi Hj HQ HK. unfold rscore.
    rewrite <- Rmult_minus_distr_l, <- rsum_minus, Rabs_mult, (Rabs_pos_eq sc) by exact Hsc.
    replace (sc * INR dh * (2 * B * Wb) * dinf N c Y X)
      with (sc * (INR dh * (2 * B * Wb * dinf N c Y X))) by ring.
    apply Rmult_le_compat_l; [exact Hsc|]. rewrite <- rsum_const.
    eapply Rle_trans; [apply rsum_abs|]. apply rsum_le. intros m Hm.
    replace (rmatmul c Y WQ i m * rmatmul c Y WK j m - rmatmul c X WQ i m * rmatmul c X WK j m)
      with (rmatmul c Y WQ i m * (rmatmul c Y WK j m - rmatmul c X WK j m)
            + rmatmul c X WK j m * (rmatmul c Y WQ i m - rmatmul c X WQ i m)) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite !Rabs_mult.
    destruct (HY i m Hi Hm) as (HqY & _ & _). destruct (HX j m Hj Hm) as (_ & HkX & _).
    pose proof (mm_entry_diff N c dh WK Y X Wb j m Hj Hm HK).
    pose proof (mm_entry_diff N c dh WQ Y X Wb i m Hi Hm HQ).
    assert (Rabs (rmatmul c Y WQ i m) * Rabs (rmatmul c Y WK j m - rmatmul c X WK j m)
            <= B * (Wb * dinf N c Y X)) by (apply Rmult_le_compat; auto using Rabs_pos).
    assert (Rabs (rmatmul c X WK j m) * Rabs (rmatmul c Y WQ i m - rmatmul c X WQ i m)
            <= B * (Wb * dinf N c Y X)) by (apply Rmult_le_compat; auto using Rabs_pos).
    lra.
  Qed.

  (** Exact attention is Lipschitz in its input (bounded [q, k, v] at both inputs). *)
  Theorem head_lip Y X :
    qkv_bounded N c dh B Y WQ WK WV -> qkv_bounded N c dh B X WQ WK WV ->
    wnorm c dh WQ <= Wb -> wnorm c dh WK <= Wb -> wnorm c dh WV <= Wb ->
    dinf N dh (rattn exp c dh sc lim Y WQ WK WV) (rattn exp c dh sc lim X WQ WK WV)
    <= Wb * (1 + 4 * head_beta * exp (2 * head_beta)) * dinf N c Y X.
  Proof.
    intros HY HX HQ HK HV.
    assert (HWb : 0 <= Wb) by (pose proof (wnorm_nonneg c dh WQ); lra).
    pose proof head_beta_nonneg. pose proof (exp_pos (2 * head_beta)).
    set (e := dinf N c Y X). assert (He : 0 <= e) by apply dinf_nonneg.
    apply dinf_le; [apply Rmult_le_pos; [apply Rmult_le_pos; nra|exact He]|].
    intros i l Hi Hl. unfold rattn, attn_with, masked_attn.
    destruct (Hlim i Hi) as [Hl0 HlN].
    set (eps := sc * INR dh * (2 * B * Wb) * e * exp (2 * head_beta)).
    replace (Wb * (1 + 4 * head_beta * exp (2 * head_beta)) * e) with (2 * eps * B + Wb * e)
      by (unfold eps, head_beta; ring).
    apply softmax_row_lip; [exact Hl0|]. intros j Hj.
    assert (HjN : (j < N)%nat) by lia.
    split; [apply exp_pos|]. split; [apply exp_pos|]. split; [|split].
    - eapply Rle_trans.
      { apply exp_rel_diff with (beta := head_beta); apply rscore_bound; assumption. }
      apply Rmult_le_compat_r; [apply Rlt_le, exp_pos|]. apply Rmult_le_compat_r; [lra|].
      rewrite Rabs_minus_sym. apply rscore_diff; assumption.
    - apply (HX j l HjN Hl).
    - apply (mm_entry_diff N c dh WV Y X Wb j l HjN Hl HV).
  Qed.

  (** Fast (Taylor-weighted) against exact attention at the same input. *)
  Theorem head_fast_error g Z :
    qkv_bounded N c dh B Z WQ WK WV -> eps_T g head_beta <= 1 / 2 ->
    dinf N dh (rattn (taylor_exp g) c dh sc lim Z WQ WK WV) (rattn exp c dh sc lim Z WQ WK WV)
    <= 4 * eps_T g head_beta * B.
  Proof.
    intros HZ He. pose proof head_beta_nonneg. pose proof (eps_T_nonneg g head_beta ltac:(lra)).
    apply dinf_le; [nra|]. intros i l Hi Hl. destruct (Hlim i Hi) as [Hl0 HlN].
    apply (fast_attention_error_4 g head_beta (rscore c dh sc Z WQ WK) (rmatmul c Z WV) lim B i l Hl0);
      [lra|exact He|].
    intros j Hj. split; [apply rscore_bound; [exact HZ|exact Hi|lia]|apply (HZ j l); [lia|exact Hl]].
  Qed.
End head.

(** ** Multi-head attention *)

Lemma concat_dinf N dh H (O O' : nat -> rmat) (e : R) :
  0 <= e -> (forall h, (h < H)%nat -> dinf N dh (O h) (O' h) <= e) ->
  dinf N (H * dh) (rconcat dh O) (rconcat dh O') <= e.
Proof.
  intros He HO. apply dinf_le; [exact He|]. intros i m Hi Hm. unfold rconcat.
  assert (Hdh : (0 < dh)%nat) by (destruct dh; lia).
  eapply Rle_trans; [apply dinf_entry; [exact Hi|apply Nat.mod_upper_bound; lia]|].
  apply HO. apply Nat.div_lt_upper_bound; lia.
Qed.

Lemma mha_dinf w w' N c dh H d sc lim Y X WQs WKs WVs WO (Wb e : R) :
  0 <= e -> wnorm (H * dh) d WO <= Wb ->
  (forall h, (h < H)%nat ->
     dinf N dh (rattn w c dh sc lim Y (WQs h) (WKs h) (WVs h))
               (rattn w' c dh sc lim X (WQs h) (WKs h) (WVs h)) <= e) ->
  dinf N d (rmha w c dh H sc lim Y WQs WKs WVs WO) (rmha w' c dh H sc lim X WQs WKs WVs WO) <= Wb * e.
Proof.
  intros He HO Hh. unfold rmha, rmatmul. eapply Rle_trans; [apply linear_lip|].
  apply Rmult_le_compat; [apply wnorm_nonneg|apply dinf_nonneg|exact HO|].
  apply concat_dinf; [exact He|exact Hh].
Qed.
