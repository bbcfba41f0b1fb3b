(** * Shape bounds of the released modules (for the TC0 size polynomial)

    [shape e = ops + pads + maxar + arity] bounds the compiled circuit's size
    ([IR/TC0.v]).  For the released modules (RMSNorm, SiLU, adaLN pieces,
    SwiGLU, RoPE, the attention head with biases and RoPE, multi-head
    attention) we bound it by an explicit multiple of [B³] (one head, one
    token-wise module) or [B⁴] (multi-head attention), for every [B ≥ 1]
    bounding the dimensions.  Each proof reads the module's exact counts
    (its [*_counts] / [*_ops] / [*_pads] lemmas), replaces every dimension
    by [B] and closes a one-variable polynomial inequality. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon Attention MLP Pointwise RMSNorm SiLU GELU
  SwiGLU AdaLN RoPE RAttention.
Import ListNotations.
Set Default Goal Selector "!".

Definition Q3 (B : nat) : nat := B * (B * B).
Definition Q4 (B : nat) : nat := B * (B * (B * B)).

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try lia.

Lemma Q_facts B : 1 <= B -> B <= B * B /\ B * B <= Q3 B /\ Q3 B <= Q4 B /\ B * Q3 B = Q4 B.
Proof. intros HB. unfold Q3, Q4. repeat split; nia. Qed.

Lemma shape_PFor_le k (body : nat -> prog) S :
  (forall i, i < k -> shape (body i) <= S) -> shape (PFor k body) <= (4 * k + 1) * S.
Proof.
  intros H. unfold shape in *. cbn [ops pads maxar arity_out].
  assert (H1 : list_sum (map (fun i => ops (body i)) (seq 0 k)) <= k * S)
    by (apply list_sum_le_max_mul; intros i Hi; specialize (H i Hi); lia).
  assert (H2 : list_sum (map (fun i => pads (body i)) (seq 0 k)) <= k * S)
    by (apply list_sum_le_max_mul; intros i Hi; specialize (H i Hi); lia).
  assert (H3 : list_sum (map (fun i => arity_out (body i)) (seq 0 k)) <= k * S)
    by (apply list_sum_le_max_mul; intros i Hi; specialize (H i Hi); lia).
  assert (H4 : list_max (map (fun i => maxar (body i)) (seq 0 k)) <= S)
    by (apply list_max_seq_le; intros i Hi; specialize (H i Hi); lia).
  lia.
Qed.

Lemma shape_dot m u v : shape (dot_prog m u v) <= 3 * m + 4.
Proof. unfold shape. destruct (dot_prog_counts m u v) as (Ho & Hp & _ & Hm & Ha). lia. Qed.

Section shapes.
  Context (B : nat) (HB : 1 <= B).

  Lemma mlp_shape3 offX offW offb N c d : N <= B -> c <= B -> d <= B ->
    shape (mlp_at offX offW offb N c d) <= 12 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite mlp_at_ops, mlp_at_pads, mlp_at_arity.
    pose proof (mlp_at_maxar offX offW offb N c d).
    apply (Nat.le_trans _ (B * (B * (B + 2)) + (B * (B * (B + 2) + B) + B * B) + (B + 2) + B * B)).
    - mono.
    - nia.
  Qed.

  Lemma silu_shape3 p off r c : r <= B -> c <= B -> shape (silu_at p off r c) <= 11 * Q3 B.
  Proof.
    intros. destruct (silu_at_counts p off r c) as (Ho & Hp & _ & Hm & Ha). unfold shape, Q3.
    rewrite Ho, Hp, Ha.
    apply (Nat.le_trans _ (B * (B * 4) + (B * (B * 2 + B) + B * B) + 2 + B * B)); [mono|nia].
  Qed.

  Lemma rms_shape3 p eps offX N c : N <= B -> c <= B -> shape (rms_at p eps offX N c) <= 34 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite rms_at_ops, rms_at_pads, rms_at_arity.
    pose proof (rms_at_maxar p eps offX N c).
    apply (Nat.le_trans _ (B * (2 * B + 5) + B * (8 * B + 15) + (B + 2) + B * B)); [mono|nia].
  Qed.

  Lemma rmsw_shape3 p eps offX offW N c : N <= B -> c <= B -> shape (rmsw_at p eps offX offW N c) <= 40 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite rmsw_at_ops, rmsw_at_pads, rmsw_at_arity.
    pose proof (rmsw_at_maxar p eps offX offW N c).
    apply (Nat.le_trans _ (B * (3 * B + 5) + (B * (11 * B + 15) + B) + (B + 2) + B * B)); [mono|nia].
  Qed.

  Lemma modulate_shape3 p oN oS oH N c : N <= B -> c <= B -> shape (modulate_at p oN oS oH N c) <= 12 * Q3 B.
  Proof.
    intros. destruct (modulate_at_counts p oN oS oH N c) as (Ho & Hp & _ & Hm & Ha). unfold shape, Q3.
    rewrite Ho, Hp, Ha.
    apply (Nat.le_trans _ (B * (B * 3) + (B * (B * 4 + B) + B * B) + 2 + B * B)); [mono|nia].
  Qed.

  Lemma gate_shape3 oX oA oG N c : N <= B -> c <= B -> shape (gate_at oX oA oG N c) <= 9 * Q3 B.
  Proof.
    intros. destruct (gate_at_counts oX oA oG N c) as (Ho & Hp & _ & Hm & Ha). unfold shape, Q3.
    rewrite Ho, Hp, Ha.
    apply (Nat.le_trans _ (B * (B * 2) + (B * (B * 2 + B) + B * B) + 2 + B * B)); [mono|nia].
  Qed.

  Lemma adamod_shape3 p offC offW offb R dc m : R <= B -> dc <= B -> m <= 6 * B ->
    shape (adamod_at p offC offW offb R dc m) <= 200 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite adamod_at_ops, adamod_at_pads, adamod_at_arity.
    pose proof (adamod_at_maxar p offC offW offb R dc m).
    apply (Nat.le_trans _ (B * (B * 4) + B * (6 * B * (B + 2))
      + (B * (B * 2 + B) + B * B + (B * B + (B * (6 * B) + 6 * B))
         + (B * (6 * B * (B + 2) + 6 * B) + B * (6 * B))) + (B + 2) + B * (6 * B))); [mono|nia].
  Qed.

  Lemma rope_shape3 offQ offC offS N h : N <= B -> h <= B ->
    shape (rope_at offQ offC offS N (2 * h)) <= 23 * Q3 B.
  Proof.
    intros. unfold shape, Q3. rewrite rope_at_ops, rope_at_pads, rope_at_arity.
    pose proof (rope_at_maxar offQ offC offS N h).
    apply (Nat.le_trans _ (B * (7 * B) + (B * (6 * B) + 2 * (B * (2 * B))) + 2 + B * (2 * B))); [mono|nia].
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
    - nia.
  Qed.

  Lemma gather2_shape3 o1 o2 N dh : N <= B -> dh <= B ->
    shape (gather [(o1, N * dh); (o2, N * dh)]) <= 2 * Q3 B.
  Proof.
    intros. unfold shape. destruct (gather_counts [(o1, N * dh); (o2, N * dh)]) as (-> & -> & _ & ->).
    rewrite gather_arity. cbn [map snd list_sum fold_right]. unfold Q3.
    assert (N * dh <= B * B) by (apply Nat.mul_le_mono; lia). assert (B * B <= B * (B * B)) by nia. lia.
  Qed.

  Section core.
    Context (N dh : nat) (scale : flt) (lim : nat -> nat).
    Context (Hlim : forall i, i < N -> lim i <= N) (HN : N <= B) (Hdh : dh <= B).

    Let HS : list_sum (map lim (seq 0 N)) <= B * B.
    Proof. apply (Nat.le_trans _ (N * N)); [apply list_sum_le_max_mul; auto|nia]. Qed.

    Lemma attn_w_shape3 : shape (attn_w_at N dh scale lim) <= 14 * Q3 B.
    Proof.
      destruct (attn_w_at_counts N dh scale lim Hlim) as (o2 & q2 & _ & m2 & a2).
      pose proof HS. unfold shape, Q3. rewrite o2, q2, a2.
      apply (Nat.le_trans _ ((B + 3) * (B * B) + (B * (B * B) + 3 * (B * B) + B * B) + (B + 2)
                             + (B * B + B * B))); [mono|nia].
    Qed.

    Lemma attn_den_shape3 : shape (attn_den_at N lim) <= 5 * Q3 B.
    Proof.
      destruct (attn_den_at_counts N lim Hlim) as (o3 & q3 & _ & m3 & a3).
      unfold shape, Q3. rewrite o3, q3, a3.
      apply (Nat.le_trans _ (B + 2 * B + B + B)); [mono|nia].
    Qed.

    Lemma attn_num_shape3 : shape (attn_num_at N dh lim) <= 9 * Q3 B.
    Proof.
      destruct (attn_num_at_counts N dh lim Hlim) as (o4 & q4 & _ & m4 & a4).
      pose proof HS. unfold shape, Q3. rewrite o4, q4, a4.
      apply (Nat.le_trans _ (B * (B * B + B) + (B * (B * B) + 2 * (B * B)) + (B + 2) + B * B)); [mono|nia].
    Qed.

    Lemma mstage_shape3 b : shape (mstage N dh b) <= 6 * Q3 B.
    Proof.
      destruct (mstage_counts N dh b) as (o5 & q5 & _ & m5 & a5).
      unfold shape, Q3. rewrite o5, q5, a5.
      apply (Nat.le_trans _ (B * B + 2 * (B * B) + 2 + B * B)); [mono|nia].
    Qed.

    Lemma attn_core_shape3 : shape (attn_core_at N dh scale lim) <= 48 * Q3 B.
    Proof.
      unfold attn_core_at.
      pose proof attn_w_shape3. pose proof attn_den_shape3. pose proof attn_num_shape3.
      pose proof (mstage_shape3 BDiv).
      pose proof (shape_PPar (attn_den_at N lim) (attn_num_at N dh lim)).
      pose proof (shape_PSeq (PPar (attn_den_at N lim) (attn_num_at N dh lim)) (mstage N dh BDiv)).
      pose proof (shape_PSeq (attn_w_at N dh scale lim)
                    (PSeq (PPar (attn_den_at N lim) (attn_num_at N dh lim)) (mstage N dh BDiv))).
      lia.
    Qed.
  End core.

  Lemma rattn_proj_shape3 offX offY oQ obQ oK obK oV obV offC offS N c e dh :
    N <= B -> c <= B -> e <= B -> dh <= B ->
    shape (rattn_proj_at offX offY oQ obQ oK obK oV obV offC offS N c e dh) <= 184 * Q3 B.
  Proof.
    intros. unfold rattn_proj_at.
    pose proof (mlp_shape3 offX oQ obQ N c dh ltac:(lia) ltac:(lia) ltac:(lia)).
    pose proof (mlp_shape3 offY oK obK N e dh ltac:(lia) ltac:(lia) ltac:(lia)).
    pose proof (mlp_shape3 offY oV obV N e dh ltac:(lia) ltac:(lia) ltac:(lia)).
    pose proof (gather2_shape3 offC offS N dh ltac:(lia) ltac:(lia)).
    pose proof (shape_PPar (mlp_at offY oV obV N e dh) (gather [(offC, N * dh); (offS, N * dh)])).
    pose proof (shape_PPar (mlp_at offY oK obK N e dh)
                  (PPar (mlp_at offY oV obV N e dh) (gather [(offC, N * dh); (offS, N * dh)]))).
    pose proof (shape_PPar (mlp_at offX oQ obQ N c dh)
                  (PPar (mlp_at offY oK obK N e dh)
                     (PPar (mlp_at offY oV obV N e dh) (gather [(offC, N * dh); (offS, N * dh)])))).
    lia.
  Qed.

  Lemma rattn_rope_shape3 N h : N <= B -> 2 * h <= B -> shape (rattn_rope_at N (2 * h)) <= 142 * Q3 B.
  Proof.
    intros. unfold rattn_rope_at.
    pose proof (rope_shape3 0 (3 * (N * (2 * h))) (4 * (N * (2 * h))) N h ltac:(lia) ltac:(lia)).
    pose proof (rope_shape3 (N * (2 * h)) (3 * (N * (2 * h))) (4 * (N * (2 * h))) N h ltac:(lia) ltac:(lia)).
    assert (shape (keep (2 * (N * (2 * h))) (N * (2 * h))) <= Q3 B).
    { rewrite shape_keep. unfold Q3. apply (Nat.le_trans _ (B * B)); [mono|nia]. }
    pose proof (shape_PPar (rope_at (N * (2 * h)) (3 * (N * (2 * h))) (4 * (N * (2 * h))) N (2 * h))
                  (keep (2 * (N * (2 * h))) (N * (2 * h)))).
    pose proof (shape_PPar (rope_at 0 (3 * (N * (2 * h))) (4 * (N * (2 * h))) N (2 * h))
                  (PPar (rope_at (N * (2 * h)) (3 * (N * (2 * h))) (4 * (N * (2 * h))) N (2 * h))
                     (keep (2 * (N * (2 * h))) (N * (2 * h))))).
    lia.
  Qed.

  (** One attention head: [O(B³)]. *)
  Lemma rattn_shape3 offX offY oQ obQ oK obK oV obV offC offS N c e h scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B ->
    shape (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h) scale lim) <= 400 * Q3 B.
  Proof.
    intros Hlim HN Hc He Hh. unfold rattn_at.
    pose proof (rattn_proj_shape3 offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h) HN Hc He Hh).
    pose proof (rattn_rope_shape3 N h HN Hh).
    pose proof (attn_core_shape3 N (2 * h) scale lim Hlim HN Hh).
    pose proof (shape_PSeq (rattn_rope_at N (2 * h)) (attn_core_at N (2 * h) scale lim)).
    pose proof (shape_PSeq (rattn_proj_at offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h))
                  (PSeq (rattn_rope_at N (2 * h)) (attn_core_at N (2 * h) scale lim))).
    lia.
  Qed.

  Lemma heads_bound H S : H <= B -> S <= 400 * Q3 B -> (4 * H + 1) * S <= 2000 * Q4 B.
  Proof.
    intros HH HS. apply (Nat.le_trans _ ((4 * B + 1) * (400 * Q3 B))); [apply Nat.mul_le_mono; lia|].
    unfold Q4, Q3. clear -HB. nia.
  Qed.

  Lemma proj_bound N d S : N <= B -> d <= B -> S <= 20 * (B * B) ->
    (4 * N + 1) * ((4 * d + 1) * S) <= 500 * Q4 B.
  Proof.
    intros HN Hd HS.
    apply (Nat.le_trans _ ((4 * B + 1) * ((4 * B + 1) * (20 * (B * B)))));
      [repeat apply Nat.mul_le_mono; lia|].
    unfold Q4. clear -HB. nia.
  Qed.

  Lemma rmha_proj_shape4 N dh H d : N <= B -> dh <= B -> H <= B -> d <= B ->
    shape (rmha_proj_at N dh H d) <= 500 * Q4 B.
  Proof.
    intros HN Hdh HH Hd. unfold rmha_proj_at.
    eapply Nat.le_trans;
      [apply (shape_PFor_le _ _ ((4 * d + 1) * (20 * (B * B)))); intros i _;
       apply (shape_PFor_le _ _ (20 * (B * B))); intros t _|].
    - eapply Nat.le_trans; [apply shape_PSeq|].
      pose proof (shape_PPar (dot_prog (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
                                 (fun m => H * (N * dh) + (m * d + t)))
                             (PWire [FIn (H * (N * dh) + H * dh * d + t)])) as H1.
      pose proof (shape_dot (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
                                 (fun m => H * (N * dh) + (m * d + t))) as H2.
      rewrite shape_PWire in H1. cbn [length] in H1.
      assert (H * dh <= B * B) by (apply Nat.mul_le_mono; lia).
      assert (H4 : shape (POp (OBin BAdd)) = 4) by reflexivity. rewrite H4.
      assert (1 <= B * B) by nia. lia.
    - apply proj_bound; lia.
  Qed.

  Lemma rheads_shape4 offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS N c e h H scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B -> H <= B ->
    shape (PFor H (fun k => rattn_at offX offY (oQ k) (obQ k) (oK k) (obK k) (oV k) (obV k)
                                     offC offS N c e (2 * h) scale lim)) <= 2000 * Q4 B.
  Proof.
    intros. eapply Nat.le_trans; [apply shape_PFor_le; intros; apply rattn_shape3; assumption|].
    apply heads_bound; lia.
  Qed.

  Lemma gather_o_shape4 offO offbO H dh d : H <= B -> dh <= B -> d <= B ->
    shape (gather [(offO, H * dh * d); (offbO, d)]) <= 2 * Q4 B.
  Proof.
    intros. unfold shape. destruct (gather_counts [(offO, H * dh * d); (offbO, d)]) as (-> & -> & _ & ->).
    rewrite gather_arity. cbn [map snd list_sum fold_right].
    pose proof (Q_facts B HB) as (Q1 & Q2 & Q34 & _).
    assert (H * dh * d <= B * B * B) by (repeat apply Nat.mul_le_mono; lia).
    assert (B * B * B = Q3 B) by (unfold Q3; ring). lia.
  Qed.

  (** Multi-head attention with the output projection: [O(B⁴)]. *)
  Lemma rmha_shape4 offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO N c e h H d scale lim :
    (forall i, i < N -> lim i <= N) -> N <= B -> c <= B -> e <= B -> 2 * h <= B -> H <= B -> d <= B ->
    shape (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e (2 * h) H d scale lim)
    <= 5000 * Q4 B.
  Proof.
    intros. unfold rmha_at.
    pose proof (rheads_shape4 offX offY oQ obQ oK obK oV obV offC offS N c e h H scale lim
                  ltac:(assumption) ltac:(assumption) ltac:(assumption) ltac:(assumption)
                  ltac:(assumption) ltac:(assumption)) as S1.
    pose proof (gather_o_shape4 offO offbO H (2 * h) d ltac:(assumption) ltac:(assumption) ltac:(assumption)) as S2.
    pose proof (rmha_proj_shape4 N (2 * h) H d ltac:(assumption) ltac:(assumption) ltac:(assumption)
                  ltac:(assumption)) as S3.
    eapply Nat.le_trans; [apply shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_r, shape_PPar|]. lia.
  Qed.
End shapes.
