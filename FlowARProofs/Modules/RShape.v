(** * Shape bounds of the released modules (for the TC0 size polynomial)

    [shape e = ops + pads + maxar + arity] bounds the compiled circuit's size
    ([IR/TC0.v]).  For the released modules (RMSNorm, SiLU, adaLN pieces,
    SwiGLU, RoPE, the attention head with biases and RoPE, multi-head
    attention) we bound it by an explicit multiple of [B³] (one head, one
    token-wise module) or [B⁴] (multi-head attention), for every [B ≥ 1]
    bounding the dimensions; the modules that the released block applies to
    one token row or to [N × d] states also get [B²] bounds.  Each proof
    reads the module's exact counts (its [*_counts] / [*_ops] / [*_pads]
    lemmas), replaces every dimension by [B] ([mono]) and closes a
    one-variable polynomial inequality ([polyB], which forgets every other
    hypothesis first: [nia] multiplies the hypotheses pairwise, and with the
    count facts in context it took seconds per goal).

    This file is the single home of the module shape bounds: the released
    block's bound [rb_shape] (Pipeline/ReleasedShape.v) and the released
    head's (Pipeline/ReleasedHeadShape.v) both read them from here.  Where
    two constants exist for one module ([attn_core_shape] / [_shape3],
    [rattn_shape] / [_shape3], [rmha_shape] / [rmha_shape4], [swiglu_shape3]
    / [swiglu_shape]) the looser one is a corollary of the tighter one. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon Attention MLP Pointwise RMSNorm SiLU GELU
  SwiGLU AdaLN RoPE RAttention FastAttention.
Import ListNotations.
Set Default Goal Selector "!".

Definition Q3 (B : nat) : nat := B * (B * B).
Definition Q4 (B : nat) : nat := B * (B * (B * B)).

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try first [assumption | apply le_n | lia].
(** A polynomial inequality in [B] alone, given [1 ≤ B]. *)
Local Ltac polyB := match goal with HB : 1 <= ?B |- _ => clear - HB end; unfold Q3, Q4 in *; nia.

Lemma Q_facts B : 1 <= B -> B <= B * B /\ B * B <= Q3 B /\ Q3 B <= Q4 B /\ B * Q3 B = Q4 B.
Proof. intros HB. unfold Q3, Q4. repeat split; nia. Qed.

Lemma Bpow B : 1 <= B -> B <= B * B /\ B * B <= B * (B * B) /\ B * (B * B) <= B * (B * (B * B)).
Proof. intros HB. pose proof (Q_facts B HB) as (? & ? & ? & _). unfold Q3, Q4 in *. auto. Qed.

(** The same bounds as [shape_PFor] / [shape_dot_prog] (Modules/FastAttention.v), under the names
    the released files use. *)
Lemma shape_PFor_le k (body : nat -> prog) S :
  (forall i, i < k -> shape (body i) <= S) -> shape (PFor k body) <= (4 * k + 1) * S.
Proof. exact (shape_PFor k body S). Qed.

Lemma shape_dot m u v : shape (dot_prog m u v) <= 3 * m + 4.
Proof. exact (shape_dot_prog m u v). Qed.

Section shapes.
  Context (B : nat) (HB : 1 <= B).
  Local Notation Bcube := (B * (B * B)).
  Local Notation Bquart := (B * (B * (B * B))).

  Let Bpow3 : B <= B * B /\ B * B <= Bcube /\ Bcube <= Bquart.
  Proof. exact (Bpow B HB). Qed.

  Lemma mlp_shape3 offX offW offb N c d : N <= B -> c <= B -> d <= B ->
    shape (mlp_at offX offW offb N c d) <= 12 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite mlp_at_ops, mlp_at_pads, mlp_at_arity.
    pose proof (mlp_at_maxar offX offW offb N c d).
    apply (Nat.le_trans _ (B * (B * (B + 2)) + (B * (B * (B + 2) + B) + B * B) + (B + 2) + B * B)).
    - mono.
    - polyB.
  Qed.

  Lemma silu_shape3 p off r c : r <= B -> c <= B -> shape (silu_at p off r c) <= 11 * Q3 B.
  Proof.
    intros. destruct (silu_at_counts p off r c) as (Ho & Hp & _ & Hm & Ha). unfold shape, Q3.
    rewrite Ho, Hp, Ha.
    apply (Nat.le_trans _ (B * (B * 4) + (B * (B * 2 + B) + B * B) + 2 + B * B)); [mono|polyB].
  Qed.

  Lemma rms_shape3 p eps offX N c : N <= B -> c <= B -> shape (rms_at p eps offX N c) <= 34 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite rms_at_ops, rms_at_pads, rms_at_arity.
    pose proof (rms_at_maxar p eps offX N c).
    apply (Nat.le_trans _ (B * (2 * B + 5) + B * (8 * B + 15) + (B + 2) + B * B)); [mono|polyB].
  Qed.

  Lemma rmsw_shape3 p eps offX offW N c : N <= B -> c <= B -> shape (rmsw_at p eps offX offW N c) <= 40 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite rmsw_at_ops, rmsw_at_pads, rmsw_at_arity.
    pose proof (rmsw_at_maxar p eps offX offW N c).
    apply (Nat.le_trans _ (B * (3 * B + 5) + (B * (11 * B + 15) + B) + (B + 2) + B * B)); [mono|polyB].
  Qed.

  Lemma modulate_shape3 p oN oS oH N c : N <= B -> c <= B -> shape (modulate_at p oN oS oH N c) <= 12 * Q3 B.
  Proof.
    intros. destruct (modulate_at_counts p oN oS oH N c) as (Ho & Hp & _ & Hm & Ha). unfold shape, Q3.
    rewrite Ho, Hp, Ha.
    apply (Nat.le_trans _ (B * (B * 3) + (B * (B * 4 + B) + B * B) + 2 + B * B)); [mono|polyB].
  Qed.

  Lemma gate_shape3 oX oA oG N c : N <= B -> c <= B -> shape (gate_at oX oA oG N c) <= 9 * Q3 B.
  Proof.
    intros. destruct (gate_at_counts oX oA oG N c) as (Ho & Hp & _ & Hm & Ha). unfold shape, Q3.
    rewrite Ho, Hp, Ha.
    apply (Nat.le_trans _ (B * (B * 2) + (B * (B * 2 + B) + B * B) + 2 + B * B)); [mono|polyB].
  Qed.

  Lemma adamod_shape3 p offC offW offb R dc m : R <= B -> dc <= B -> m <= 6 * B ->
    shape (adamod_at p offC offW offb R dc m) <= 200 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite adamod_at_ops, adamod_at_pads, adamod_at_arity.
    pose proof (adamod_at_maxar p offC offW offb R dc m).
    apply (Nat.le_trans _ (B * (B * 4) + B * (6 * B * (B + 2))
      + (B * (B * 2 + B) + B * B + (B * B + (B * (6 * B) + 6 * B))
         + (B * (6 * B * (B + 2) + 6 * B) + B * (6 * B))) + (B + 2) + B * (6 * B))); [mono|polyB].
  Qed.

  Lemma rope_shape3 offQ offC offS N h : N <= B -> h <= B ->
    shape (rope_at offQ offC offS N (2 * h)) <= 23 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite rope_at_ops, rope_at_pads, rope_at_arity.
    pose proof (rope_at_maxar offQ offC offS N h).
    apply (Nat.le_trans _ (B * (7 * B) + (B * (6 * B) + 2 * (B * (2 * B))) + 2 + B * (2 * B))); [mono|polyB].
  Qed.

  Lemma swiglu_shape3 p E offX offWg offbg offWx offbx offW2 offb2 N d dh :
    N <= B -> d <= B -> dh <= B ->
    shape (swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dh)
    <= (60 + 3 * erf_shape E) * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite swiglu_at_ops, swiglu_at_pads, swiglu_at_arity.
    pose proof (swiglu_at_maxar p E offX offWg offbg offWx offbx offW2 offb2 N d dh).
    pose proof (erf_shape_le E p) as He. unfold shape in He.
    set (S := erf_shape E) in *.
    assert (ops (erf_prog E p) <= S) by lia. assert (pads (erf_prog E p) <= S) by lia.
    assert (maxar (erf_prog E p) <= S) by lia.
    apply (Nat.le_trans _ (2 * (B * (B * (B + 2))) + B * (B * (5 + S)) + B * (B * (B + 2))
      + (2 * (B * (B * (B + 2) + B) + B * B) + 3 * (B * B) + 2 * (B * B + B)
         + (B * (B * (4 + S) + B) + B * B + B * B + (B * B + B)) + (B * (B * (B + 2) + B) + B * B))
      + (B + 2 + S) + B * B)).
    - mono.
    - polyB.
  Qed.

  Lemma swiglu_shape p E offX offWg offbg offWx offbx offW2 offb2 N d dff :
    N <= B -> d <= B -> dff <= B ->
    shape (swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dff)
    <= (100 + 3 * erf_shape E) * Bcube.
  Proof.
    intros HN Hd Hf. eapply Nat.le_trans; [apply swiglu_shape3; assumption|].
    unfold Q3. apply Nat.mul_le_mono_r. lia.
  Qed.

  (** ** [B²] bounds of the modules applied to one row or to an [N × d] state *)

  Lemma adamod_shape p offC offW offb d : d <= B ->
    shape (adamod_at p offC offW offb 1 d (6 * d)) <= 80 * (B * B).
  Proof.
    intros Hd. pose proof Bpow3 as (P1 & P2 & P3). unfold shape.
    rewrite adamod_at_ops, adamod_at_pads, adamod_at_arity.
    pose proof (adamod_at_maxar p offC offW offb 1 d (6 * d)).
    assert (d * d <= B * B) by mono. lia.
  Qed.

  Lemma rms_shape p eps offX N d : N <= B -> d <= B -> shape (rms_at p eps offX N d) <= 40 * (B * B).
  Proof.
    intros HN Hd. pose proof Bpow3 as (P1 & P2 & P3). unfold shape.
    rewrite rms_at_ops, rms_at_pads, rms_at_arity. pose proof (rms_at_maxar p eps offX N d).
    assert (N * d <= B * B) by mono. lia.
  Qed.

  Lemma modulate_shape p oN oS oH N d : N <= B -> d <= B ->
    shape (modulate_at p oN oS oH N d) <= 12 * (B * B).
  Proof.
    intros HN Hd. pose proof Bpow3 as (P1 & P2 & P3). unfold shape.
    destruct (modulate_at_counts p oN oS oH N d) as (o & q & _ & m & a). cbv zeta in *.
    rewrite o, q, a. assert (N * d <= B * B) by mono. lia.
  Qed.

  Lemma gate_shape oX oA oG N d : N <= B -> d <= B -> shape (gate_at oX oA oG N d) <= 10 * (B * B).
  Proof.
    intros HN Hd. pose proof Bpow3 as (P1 & P2 & P3). unfold shape.
    destruct (gate_at_counts oX oA oG N d) as (o & q & _ & m & a). cbv zeta in *.
    rewrite o, q, a. assert (N * d <= B * B) by mono. lia.
  Qed.

  (** ** Attention: one head [O(B³)], [H] heads with the output projection [O(B⁴)] *)

  Lemma attn_core_shape N dh scale lim : (forall i, i < N -> lim i <= N) -> N <= B -> dh <= B ->
    shape (attn_core_at N dh scale lim) <= 30 * Bcube.
  Proof.
    intros Hlim HN Hdh. pose proof Bpow3 as (P1 & P2 & P3).
    destruct (attn_w_at_counts N dh scale lim Hlim) as (o2 & q2 & _ & m2 & a2).
    destruct (attn_den_at_counts N lim Hlim) as (o3 & q3 & _ & m3 & a3).
    destruct (attn_num_at_counts N dh lim Hlim) as (o4 & q4 & _ & m4 & a4).
    destruct (mstage_counts N dh BDiv) as (o5 & q5 & _ & m5 & a5).
    cbv zeta in *. unfold shape, attn_core_at. cbn [ops pads maxar arity_out].
    rewrite o2, q2, o3, q3, o4, q4, o5, q5, a3, a4, a5.
    set (L := list_sum (map lim (seq 0 N))) in *.
    assert (HL : L <= B * B) by (unfold L; apply (Nat.le_trans _ (N * N)); [apply list_sum_le_max_mul; auto|mono]).
    assert (dh * L <= Bcube) by mono.
    assert (N * N <= B * B) by mono. assert (N * dh <= B * B) by mono.
    assert ((dh + 3) * L <= 4 * Bcube) by (apply (Nat.le_trans _ ((B + 3) * (B * B))); [mono|polyB]).
    assert (dh * (L + N) <= 2 * Bcube) by (apply (Nat.le_trans _ (B * (B * B + B))); [mono|polyB]).
    lia.
  Qed.

  Lemma rattn_shape offX offY oQ obQ oK obK oV obV offC offS N c e h scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B ->
    shape (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h) scale lim) <= 120 * Bcube.
  Proof.
    intros Hlim HN Hc He Hh. pose proof Bpow3 as (P1 & P2 & P3).
    unfold rattn_at, rattn_proj_at, rattn_rope_at.
    pose proof (attn_core_shape N (2 * h) scale lim Hlim HN Hh).
    pose proof (mlp_shape3 offX oQ obQ N c (2 * h) HN Hc Hh).
    pose proof (mlp_shape3 offY oK obK N e (2 * h) HN He Hh).
    pose proof (mlp_shape3 offY oV obV N e (2 * h) HN He Hh).
    assert (HNh : N * (2 * h) <= B * B) by mono.
    assert (Hr : forall oq, shape (rope_at oq (3 * (N * (2 * h))) (4 * (N * (2 * h))) N (2 * h))
                            <= 12 * (B * B)).
    { intros oq. unfold shape. rewrite rope_at_ops, rope_at_pads, rope_at_arity.
      pose proof (rope_at_maxar oq (3 * (N * (2 * h))) (4 * (N * (2 * h))) N h).
      assert (N * (7 * h) + N * (6 * h) <= 7 * (N * (2 * h))) by lia. lia. }
    pose proof (Hr 0). pose proof (Hr (N * (2 * h))).
    pose proof (gather_arity [(offC, N * (2 * h)); (offS, N * (2 * h))]) as Hg.
    destruct (gather_counts [(offC, N * (2 * h)); (offS, N * (2 * h))]) as (g1 & g2 & _ & g4).
    destruct (keep_counts (2 * (N * (2 * h))) (N * (2 * h))) as (k1 & k2 & _ & k4 & k5).
    cbn [map snd list_sum fold_right] in Hg.
    unfold shape in *. cbn [ops pads maxar arity_out].
    rewrite !mlp_at_arity, !rope_at_arity, attn_core_at_arity, Hg, g1, g2, g4, k1, k2, k4, k5.
    unfold Q3 in *. lia.
  Qed.

  Lemma rmha_shape offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
      N c e h H d scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B -> H <= B ->
    d <= B ->
    shape (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e (2 * h) H d scale lim)
    <= 1000 * Bquart.
  Proof.
    intros Hlim HN Hc He Hh HH Hd. pose proof Bpow3 as (P1 & P2 & P3).
    unfold rmha_at.
    assert (Hheads : shape (PFor H (fun k => rattn_at offX offY (oQ k) (obQ k) (oK k) (obK k) (oV k)
                                (obV k) offC offS N c e (2 * h) scale lim)) <= 600 * Bquart).
    { eapply Nat.le_trans; [apply shape_PFor_le; intros; apply rattn_shape; auto|].
      apply (Nat.le_trans _ ((5 * B) * (120 * Bcube))); [apply Nat.mul_le_mono_r; lia|polyB]. }
    assert (Hinner : forall i t, shape (PSeq (PPar (dot_prog (H * (2 * h))
                 (fun m => m / (2 * h) * (N * (2 * h)) + (i * (2 * h) + m mod (2 * h)))
                 (fun m => H * (N * (2 * h)) + (m * d + t)))
               (PWire [FIn (H * (N * (2 * h)) + H * (2 * h) * d + t)])) (POp (OBin BAdd)))
               <= 14 * (B * B)).
    { intros i t. eapply Nat.le_trans; [apply shape_PSeq|].
      eapply Nat.le_trans; [apply Nat.add_le_mono_r, shape_PPar_arity|].
      pose proof (shape_dot_prog (H * (2 * h))
                 (fun m => m / (2 * h) * (N * (2 * h)) + (i * (2 * h) + m mod (2 * h)))
                 (fun m => H * (N * (2 * h)) + (m * d + t))).
      destruct (dot_prog_counts (H * (2 * h))
                 (fun m => m / (2 * h) * (N * (2 * h)) + (i * (2 * h) + m mod (2 * h)))
                 (fun m => H * (N * (2 * h)) + (m * d + t))) as (_ & _ & _ & _ & Ha).
      rewrite Ha. assert (H * (2 * h) <= B * B) by mono.
      assert (shape (PWire [FIn (H * (N * (2 * h)) + H * (2 * h) * d + t)]) = 1) by reflexivity.
      assert (shape (POp (OBin BAdd)) = 4) by reflexivity.
      change (arity_out (PWire [FIn (H * (N * (2 * h)) + H * (2 * h) * d + t)])) with 1.
      lia. }
    assert (Hproj : shape (rmha_proj_at N (2 * h) H d) <= 350 * Bquart).
    { unfold rmha_proj_at.
      eapply Nat.le_trans; [apply shape_PFor_le; intros i _; apply shape_PFor_le; intros t _; apply Hinner|].
      apply (Nat.le_trans _ ((5 * B) * ((5 * B) * (14 * (B * B))))).
      { apply Nat.mul_le_mono; [lia|]. apply Nat.mul_le_mono; lia. }
      polyB. }
    eapply Nat.le_trans; [apply shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_r, shape_PPar_arity|].
    assert (Hg : shape (gather [(offO, H * (2 * h) * d); (offbO, d)]) = H * (2 * h) * d + d).
    { destruct (gather_counts [(offO, H * (2 * h) * d); (offbO, d)]) as (g1 & g2 & _ & g4).
      unfold shape. rewrite g1, g2, g4, gather_arity. cbn [map snd list_sum fold_right]. lia. }
    rewrite Hg, rmha_heads_arity, gather_arity. cbn [map snd list_sum fold_right].
    assert (H * (2 * h) * d <= Bcube) by (apply (Nat.le_trans _ (B * B * B)); [mono|polyB]). assert (H * (N * (2 * h)) <= Bcube) by mono.
    lia.
  Qed.

  Lemma attn_core_shape3 N dh scale lim : (forall i, i < N -> lim i <= N) -> N <= B -> dh <= B ->
    shape (attn_core_at N dh scale lim) <= 48 * Q3 B.
  Proof. intros. unfold Q3. eapply Nat.le_trans; [apply attn_core_shape; assumption|lia]. Qed.

  (** One attention head: [O(B³)]. *)
  Lemma rattn_shape3 offX offY oQ obQ oK obK oV obV offC offS N c e h scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B ->
    shape (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h) scale lim) <= 400 * Q3 B.
  Proof. intros. unfold Q3. eapply Nat.le_trans; [apply rattn_shape; assumption|lia]. Qed.

  (** Multi-head attention with the output projection: [O(B⁴)]. *)
  Lemma rmha_shape4 offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO N c e h H d scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B -> H <= B -> d <= B ->
    shape (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e (2 * h) H d scale lim)
    <= 5000 * Q4 B.
  Proof. intros. unfold Q4. eapply Nat.le_trans; [apply rmha_shape; assumption|lia]. Qed.
End shapes.
