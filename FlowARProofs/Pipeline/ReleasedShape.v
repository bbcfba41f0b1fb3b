(** * Shape bounds for the released block (for the size polynomial)

    For one bound [B ≥ 1] on the tokens [N], the width [d], the head width
    [dh], the heads [H] and the gated-MLP width [dff], the released block's
    program [rb_at] has shape at most [rb_shape_coef E · B⁴ + 40·r]
    ([rb_shape]), where [r] is the width of the state behind the block and
    [rb_shape_coef E] depends only on the erf implementation's shape.  The
    pieces: a head of the RoPE attention is [O(B³)] ([rattn_shape]), so the
    [H] heads are [O(B⁴)] ([rmha_shape]); the gated MLP is [O(B³)] up to the
    erf routine's constant size ([swiglu_shape]); the norms, modulations,
    gates and the modulation row are [O(B²)]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon Attention MLP Pointwise RMSNorm SiLU GELU
  SwiGLU AdaLN RoPE RAttention FastAttention.
From FlowARProofs.Pipeline Require Import Layer ReleasedBlock.
Import ListNotations.
Set Default Goal Selector "!".

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try lia.

Section bounds.
  Context (B : nat) (HB : 1 <= B).
  Local Notation Q3 := (B * (B * B)).
  Local Notation Q := (B * (B * (B * B))).

  Lemma Bpow : B <= B * B /\ B * B <= Q3 /\ Q3 <= Q.
  Proof. repeat split; nia. Qed.

  Lemma mlp_shape3 offX offW offb N c d : N <= B -> c <= B -> d <= B ->
    shape (mlp_at offX offW offb N c d) <= 12 * Q3.
  Proof.
    intros HN Hc Hd. pose proof Bpow as (B1 & B2 & B3). unfold shape.
    rewrite mlp_at_ops, mlp_at_pads, mlp_at_arity. pose proof (mlp_at_maxar offX offW offb N c d).
    assert (N * (d * (c + 2)) <= 3 * Q3) by (apply (Nat.le_trans _ (B * (B * (B + 2)))); [mono|nia]).
    assert (N * (d * (c + 2) + d) <= 4 * Q3) by (apply (Nat.le_trans _ (B * (B * (B + 2) + B))); [mono|nia]).
    assert (N * d <= B * B) by mono.
    lia.
  Qed.

  Lemma attn_core_shape N dh scale lim : (forall i, i < N -> lim i <= N) -> N <= B -> dh <= B ->
    shape (attn_core_at N dh scale lim) <= 30 * Q3.
  Proof.
    intros Hlim HN Hdh. pose proof Bpow as (B1 & B2 & B3).
    destruct (attn_w_at_counts N dh scale lim Hlim) as (o2 & q2 & _ & m2 & a2).
    destruct (attn_den_at_counts N lim Hlim) as (o3 & q3 & _ & m3 & a3).
    destruct (attn_num_at_counts N dh lim Hlim) as (o4 & q4 & _ & m4 & a4).
    destruct (mstage_counts N dh BDiv) as (o5 & q5 & _ & m5 & a5).
    cbv zeta in *. unfold shape, attn_core_at. cbn [ops pads maxar arity_out].
    rewrite o2, q2, o3, q3, o4, q4, o5, q5, a3, a4, a5.
    set (L := list_sum (map lim (seq 0 N))) in *.
    assert (HL : L <= B * B) by (unfold L; apply (Nat.le_trans _ (N * N)); [apply list_sum_le_max_mul; auto|mono]).
    assert (dh * L <= Q3) by mono.
    assert (N * N <= B * B) by mono. assert (N * dh <= B * B) by mono.
    assert ((dh + 3) * L <= 4 * Q3) by (apply (Nat.le_trans _ ((B + 3) * (B * B))); [mono|nia]).
    assert (dh * (L + N) <= 2 * Q3) by (apply (Nat.le_trans _ (B * (B * B + B))); [mono|nia]).
    lia.
  Qed.

  Lemma rattn_shape offX offY oQ obQ oK obK oV obV offC offS N c e h scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B ->
    shape (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h) scale lim) <= 120 * Q3.
  Proof.
    intros Hlim HN Hc He Hh. pose proof Bpow as (B1 & B2 & B3).
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
      assert (N * (7 * h) + N * (6 * h) <= 7 * (N * (2 * h))) by nia. lia. }
    pose proof (Hr 0). pose proof (Hr (N * (2 * h))).
    pose proof (gather_arity [(offC, N * (2 * h)); (offS, N * (2 * h))]) as Hg.
    destruct (gather_counts [(offC, N * (2 * h)); (offS, N * (2 * h))]) as (g1 & g2 & _ & g4).
    destruct (keep_counts (2 * (N * (2 * h))) (N * (2 * h))) as (k1 & k2 & _ & k4 & k5).
    cbn [map snd list_sum fold_right] in Hg.
    unfold shape in *. cbn [ops pads maxar arity_out].
    rewrite !mlp_at_arity, !rope_at_arity, attn_core_at_arity, Hg, g1, g2, g4, k1, k2, k4, k5.
    lia.
  Qed.

  Lemma rmha_shape offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
      N c e h H d scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B -> H <= B ->
    d <= B ->
    shape (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e (2 * h) H d scale lim)
    <= 1000 * Q.
  Proof.
    intros Hlim HN Hc He Hh HH Hd. pose proof Bpow as (B1 & B2 & B3).
    unfold rmha_at.
    assert (Hheads : shape (PFor H (fun k => rattn_at offX offY (oQ k) (obQ k) (oK k) (obK k) (oV k)
                                (obV k) offC offS N c e (2 * h) scale lim)) <= 600 * Q).
    { eapply Nat.le_trans; [apply shape_PFor; intros; apply rattn_shape; auto|].
      apply (Nat.le_trans _ ((5 * B) * (120 * Q3))); [apply Nat.mul_le_mono_r; lia|nia]. }
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
    assert (Hproj : shape (rmha_proj_at N (2 * h) H d) <= 350 * Q).
    { unfold rmha_proj_at.
      eapply Nat.le_trans; [apply shape_PFor; intros i _; apply shape_PFor; intros t _; apply Hinner|].
      apply (Nat.le_trans _ ((5 * B) * ((5 * B) * (14 * (B * B))))).
      { apply Nat.mul_le_mono; [lia|]. apply Nat.mul_le_mono; lia. }
      nia. }
    eapply Nat.le_trans; [apply shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_r, shape_PPar_arity|].
    assert (Hg : shape (gather [(offO, H * (2 * h) * d); (offbO, d)]) = H * (2 * h) * d + d).
    { destruct (gather_counts [(offO, H * (2 * h) * d); (offbO, d)]) as (g1 & g2 & _ & g4).
      unfold shape. rewrite g1, g2, g4, gather_arity. cbn [map snd list_sum fold_right]. lia. }
    rewrite Hg, rmha_heads_arity, gather_arity. cbn [map snd list_sum fold_right].
    assert (H * (2 * h) * d <= Q3) by (apply (Nat.le_trans _ (B * B * B)); [mono|nia]). assert (H * (N * (2 * h)) <= Q3) by mono.
    lia.
  Qed.

  Lemma adamod_shape p offC offW offb d : d <= B ->
    shape (adamod_at p offC offW offb 1 d (6 * d)) <= 80 * (B * B).
  Proof.
    intros Hd. pose proof Bpow as (B1 & B2 & B3). unfold shape.
    rewrite adamod_at_ops, adamod_at_pads, adamod_at_arity.
    pose proof (adamod_at_maxar p offC offW offb 1 d (6 * d)).
    assert (d * d <= B * B) by mono. lia.
  Qed.

  Lemma rms_shape p eps offX N d : N <= B -> d <= B -> shape (rms_at p eps offX N d) <= 40 * (B * B).
  Proof.
    intros HN Hd. pose proof Bpow as (B1 & B2 & B3). unfold shape.
    rewrite rms_at_ops, rms_at_pads, rms_at_arity. pose proof (rms_at_maxar p eps offX N d).
    assert (N * d <= B * B) by mono. lia.
  Qed.

  Lemma modulate_shape p oN oS oH N d : N <= B -> d <= B ->
    shape (modulate_at p oN oS oH N d) <= 12 * (B * B).
  Proof.
    intros HN Hd. pose proof Bpow as (B1 & B2 & B3). unfold shape.
    destruct (modulate_at_counts p oN oS oH N d) as (o & q & _ & m & a). cbv zeta in *.
    rewrite o, q, a. assert (N * d <= B * B) by mono. nia.
  Qed.

  Lemma gate_shape oX oA oG N d : N <= B -> d <= B -> shape (gate_at oX oA oG N d) <= 10 * (B * B).
  Proof.
    intros HN Hd. pose proof Bpow as (B1 & B2 & B3). unfold shape.
    destruct (gate_at_counts oX oA oG N d) as (o & q & _ & m & a). cbv zeta in *.
    rewrite o, q, a. assert (N * d <= B * B) by mono. nia.
  Qed.

  Lemma swiglu_shape p E offX offWg offbg offWx offbx offW2 offb2 N d dff :
    N <= B -> d <= B -> dff <= B ->
    shape (swiglu_at p E offX offWg offbg offWx offbx offW2 offb2 N d dff)
    <= (100 + 3 * erf_shape E) * Q3.
  Proof.
    intros HN Hd Hf. pose proof Bpow as (B1 & B2 & B3). unfold shape.
    rewrite swiglu_at_ops, swiglu_at_pads, swiglu_at_arity.
    pose proof (swiglu_at_maxar p E offX offWg offbg offWx offbx offW2 offb2 N d dff).
    pose proof (erf_shape_le E p) as He. unfold shape in He.
    set (es := erf_shape E) in *.
    assert (N * (dff * (5 + ops (erf_prog E p))) <= B * (B * (5 + es))) by mono.
    assert (N * (dff * (4 + pads (erf_prog E p)) + dff) <= B * (B * (5 + es))).
    { apply (Nat.le_trans _ (N * (dff * (5 + pads (erf_prog E p))))); [nia|mono]. }
    assert (B * (B * (5 + es)) = 5 * (B * B) + es * (B * B)) by ring.
    assert (es * (B * B) <= es * Q3) by (apply Nat.mul_le_mono_l; lia).
    assert (N * (dff * (d + 2)) <= 3 * Q3) by (apply (Nat.le_trans _ (B * (B * (B + 2)))); [mono|nia]).
    assert (N * (d * (dff + 2)) <= 3 * Q3) by (apply (Nat.le_trans _ (B * (B * (B + 2)))); [mono|nia]).
    assert (N * dff <= B * B) by mono. assert (N * d <= B * B) by mono.
    assert (dff * d <= B * B) by mono.
    assert (es * Q3 + es * Q3 + es * Q3 = 3 * es * Q3) by ring.
    assert (es <= es * Q3) by (rewrite <- (Nat.mul_1_r es) at 1; apply Nat.mul_le_mono_l; lia).
    assert ((100 + 3 * es) * Q3 = 100 * Q3 + 3 * es * Q3) by ring.
    lia.
  Qed.
End bounds.
