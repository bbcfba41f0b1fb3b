(** * The KV-cached program's circuit family is in TC0

    The size side of [flowar_cached_in_TC0]: [flowar_cached_prog]'s shape
    (operations, wires, widest operation, outputs) is at most an explicit
    polynomial in the dimension bound [B]: [kv_shape_coef K L Lf T · B⁵]
    ([kv_flowar_shape]).  With [Runtime/KVPipelineTyping.v]'s typing and
    depth, [IR/TC0.v]'s [compiled_InTC0With] gives the TC0 theorem in the
    shape of [Pipeline/FlowARTC0.v]'s [flowar_TC0_explicit]: depth at most
    [flowar_depth P K0 L0 Lf0 T0] (the recomputing family's bound), size at
    most an explicit polynomial, and the circuits compute [flowar_float].
    (The exponent is [5k] instead of [4k]: the cache bookkeeping is bounded
    crudely, [L·H] entries of [O(B²)] wires each.) *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Circuit Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Compile TC0 Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention MLP FFN Sampling FastAttention.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR FlowARTC0.
From FlowARProofs.Runtime Require Import KVProgram KVLayer KVPipeline KVPipelineTyping.
Import ListNotations.
Set Default Goal Selector "!".

(** ** Module shapes, in powers of a bound [B] on every dimension *)

Section modules.
  Context (B : nat) (HB : 1 <= B).
  Local Notation B2 := (B * B).
  Local Notation B3 := (B * (B * B)).
  Local Notation X := (B * (B * (B * B))).

  Lemma pfor_le k (body : nat -> prog) u :
    k <= B -> (forall i, i < k -> shape (body i) <= u) -> shape (PFor k body) <= 5 * (B * u).
  Proof. intros Hk H. pose proof (shape_PFor k body u H). nia. Qed.

  Lemma kv_w_shape M C dh scale : M <= B -> C + M <= B -> dh <= B ->
    shape (kv_w_at M C dh scale) <= 300 * B3.
  Proof.
    intros HM HN Hdh. unfold kv_w_at.
    assert (Hb : forall t j, shape (attn_wbody M dh scale t j) <= 9 * B).
    { intros t j. destruct (attn_wbody_counts M dh scale t j) as (Ho & Hp & _ & Hm & Ha).
      unfold shape. lia. }
    assert (H1 : shape (PFor M (fun t => PFor (C + M) (fun j => attn_wbody M dh scale t j)))
                 <= 5 * (B * (5 * (B * (9 * B)))))
      by (apply pfor_le; [lia|]; intros; apply pfor_le; [lia|]; intros; apply Hb).
    eapply Nat.le_trans; [apply shape_PPar_arity|]. rewrite shape_keep, keep_arity, arity_PFor2.
    - assert (M * (C + M) <= B2) by nia. assert ((C + M) * dh <= B2) by nia.
      assert (B2 <= B3) by nia. assert (5 * (B * (5 * (B * (9 * B)))) = 225 * B3) by ring. lia.
    - intros. exact (proj2 (proj2 (proj2 (proj2 (attn_wbody_counts _ _ _ _ _))))).
  Qed.

  Lemma kve_head_shape offQ offKc offKn offVc offVn M C dh scale :
    M <= B -> C + M <= B -> dh <= B ->
    shape (kve_head_at offQ offKc offKn offVc offVn M C dh scale) <= 13 * (100 * B3).
  Proof.
    intros HM HN Hdh. unfold kve_head_at, kve_load_at.
    assert (HMd : M * dh <= B2) by nia. assert (HCd : C * dh <= B2) by nia.
    assert (L1 : shape (PPar (keep offQ (M * dh)) (PPar (keep offKc (C * dh)) (PPar (keep offKn (M * dh))
                   (PPar (keep offVc (C * dh)) (keep offVn (M * dh)))))) <= 46 * B2).
    { pose proof (shape_PPar (keep offVc (C * dh)) (keep offVn (M * dh))).
      pose proof (shape_PPar (keep offKn (M * dh)) (PPar (keep offVc (C * dh)) (keep offVn (M * dh)))).
      pose proof (shape_PPar (keep offKc (C * dh))
                    (PPar (keep offKn (M * dh)) (PPar (keep offVc (C * dh)) (keep offVn (M * dh))))).
      pose proof (shape_PPar (keep offQ (M * dh)) (PPar (keep offKc (C * dh))
                    (PPar (keep offKn (M * dh)) (PPar (keep offVc (C * dh)) (keep offVn (M * dh)))))).
      rewrite !shape_keep in *. lia. }
    pose proof (kv_w_shape M C dh scale HM HN Hdh).
    assert (L3 : shape (kv_den_at M C) <= 5 * (B * (5 * (B * (10 * B))))).
    { apply pfor_le; [lia|]. intros t _. apply pfor_le; [lia|]. intros _ _.
      unfold shape. cbn. rewrite ?map_length, ?seq_length. lia. }
    assert (L4 : shape (kv_num_at M C dh) <= 5 * (B * (5 * (B * (7 * B))))).
    { apply pfor_le; [lia|]. intros t _. apply pfor_le; [lia|]. intros l _.
      pose proof (shape_dot_prog (C + M) (fun j => t * (C + M) + j) (fun j => M * (C + M) + (j * dh + l))).
      lia. }
    assert (L5 : shape (mstage M dh BDiv) <= 6 * B2).
    { destruct (mstage_counts M dh BDiv) as (Ho & Hp & _ & Hm & Ha). unfold shape. lia. }
    pose proof (shape_PPar (kv_den_at M C) (kv_num_at M C dh)).
    set (ld0 := PPar (keep offQ _) _) in *.
    pose proof (shape_PSeq ld0 (PSeq (kv_w_at M C dh scale)
                                  (PSeq (PPar (kv_den_at M C) (kv_num_at M C dh)) (mstage M dh BDiv)))).
    pose proof (shape_PSeq (kv_w_at M C dh scale) (PSeq (PPar (kv_den_at M C) (kv_num_at M C dh)) (mstage M dh BDiv))).
    pose proof (shape_PSeq (PPar (kv_den_at M C) (kv_num_at M C dh)) (mstage M dh BDiv)).
    assert (B2 <= B3) by nia.
    assert (5 * (B * (5 * (B * (10 * B)))) = 250 * B3) by ring.
    assert (5 * (B * (5 * (B * (7 * B)))) = 175 * B3) by ring. lia.
  Qed.

  Lemma matmul_shape_le offA offB0 n1 n2 n3 : n1 <= B -> n2 <= B -> n3 <= B ->
    shape (matmul_at offA offB0 n1 n2 n3) <= 10 * B3.
  Proof.
    intros. unfold shape. rewrite matmul_at_ops, matmul_at_pads, matmul_at_arity.
    pose proof (matmul_at_maxar offA offB0 n1 n2 n3).
    assert (n1 * (n3 * (n2 + 1)) <= 2 * B3).
    { apply (Nat.le_trans _ (B * (B * (2 * B)))); [|nia].
      apply Nat.mul_le_mono; [lia|apply Nat.mul_le_mono; lia]. }
    assert (n1 * (n3 * n2 + n3) <= 2 * B3).
    { apply (Nat.le_trans _ (B * (B * B + B))); [|nia].
      apply Nat.mul_le_mono; [lia|apply Nat.add_le_mono; [apply Nat.mul_le_mono|]; lia]. }
    assert (n1 * n3 <= B2) by (apply Nat.mul_le_mono; lia).
    assert (B2 <= B3) by nia. assert (n2 + 2 <= 3 * B3) by nia. lia.
  Qed.

  Lemma kve_mha_shape (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale :
    M <= B -> C + M <= B -> dh <= B -> H <= B -> d <= B ->
    shape (kve_mha_at oQ oKc oKn oVc oVn offO M C dh H d scale) <= 140 * (100 * X).
  Proof.
    intros HM HN Hdh HH Hd. unfold kve_mha_at.
    assert (S1 : shape (PFor H (fun h => kve_head_at (oQ h) (oKc h) (oKn h) (oVc h) (oVn h) M C dh scale))
                 <= 5 * (B * (13 * (100 * B3))))
      by (apply pfor_le; [lia|]; intros; apply kve_head_shape; lia).
    assert (S2 : shape (mha_proj_at M dh H d) <= 5 * (B * (5 * (B * (7 * B2))))).
    { apply pfor_le; [lia|]. intros i _. apply pfor_le; [lia|]. intros t _.
      pose proof (shape_dot_prog (H * dh) (fun m => m / dh * (M * dh) + (i * dh + m mod dh))
                    (fun m => H * (M * dh) + (m * d + t))).
      assert (H * dh <= B2) by (apply Nat.mul_le_mono; lia). assert (1 <= B2) by nia. lia. }
    pose proof (shape_PPar (PFor H (fun h => kve_head_at (oQ h) (oKc h) (oKn h) (oVc h) (oVn h) M C dh scale))
                  (keep offO (H * dh * d))).
    rewrite shape_keep in *.
    eapply Nat.le_trans; [apply shape_PSeq|].
    assert (H * dh * d <= B * B * B) by (apply Nat.mul_le_mono; [apply Nat.mul_le_mono|]; lia).
    assert (B * B * B = B3) by ring. assert (B3 <= X) by nia.
    assert (5 * (B * (13 * (100 * B3))) = 65 * (100 * X)) by ring.
    assert (5 * (B * (5 * (B * (7 * B2)))) = 175 * X) by ring. lia.
  Qed.

  Lemma kve_proj_shape offZ (oQ oK oV : nat -> nat) M c dh H :
    M <= B -> c <= B -> dh <= B -> H <= B -> shape (kve_proj_at offZ oQ oK oV M c dh H) <= 500 * X.
  Proof.
    intros HM Hc Hdh HH. unfold kve_proj_at.
    assert (S1 : shape (PFor H (fun h => matmul_at offZ (oQ h) M c dh)) <= 5 * (B * (10 * B3)))
      by (apply pfor_le; [lia|]; intros; apply matmul_shape_le; lia).
    assert (S2 : shape (PFor H (fun h => PPar (matmul_at offZ (oK h) M c dh) (matmul_at offZ (oV h) M c dh)))
                 <= 5 * (B * (40 * B3))).
    { apply pfor_le; [lia|]. intros h _. eapply Nat.le_trans; [apply shape_PPar|].
      pose proof (matmul_shape_le offZ (oK h) M c dh ltac:(lia) ltac:(lia) ltac:(lia)).
      pose proof (matmul_shape_le offZ (oV h) M c dh ltac:(lia) ltac:(lia) ltac:(lia)). lia. }
    eapply Nat.le_trans; [apply shape_PPar|].
    assert (5 * (B * (10 * B3)) = 50 * X) by ring. assert (5 * (B * (40 * B3)) = 200 * X) by ring. lia.
  Qed.

  Lemma kve_tl_shape p D M C (oKc oVc : nat -> nat) wo go r :
    M <= B -> C + M <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> ldff D <= B ->
    shape (kve_tl_at p D M C oKc oVc wo go r) <= 400 * (100 * X) + 20 * r.
  Proof.
    intros HM HN Hd Hdh HH Hff. unfold kve_tl_at.
    set (m1 := lnaff_at _ _ _ _ _ _). set (m2 := kve_proj_at _ _ _ _ _ _ _ _).
    set (m3 := kve_mha_at _ _ _ _ _ _ _ _ _ _ _ _).
    set (m4 := lnaff_at _ _ _ _ _ _). set (m5 := ffn_inner_at _ _ _ _ _ _ _ _).
    assert (S1 : shape m1 <= 50 * B2) by (apply lnaff_shape; lia).
    assert (S2 : shape m2 <= 500 * X) by (apply kve_proj_shape; lia).
    assert (S3 : shape m3 <= 140 * (100 * X)) by (apply kve_mha_shape; lia).
    assert (S4 : shape m4 <= 50 * B2) by (apply lnaff_shape; lia).
    assert (S5 : shape m5 <= 60 * B3) by (apply ffn_inner_shape; lia).
    set (kw := lH D * ((M + M) * ldh D)).
    assert (Hkw : kw <= 2 * B3) by (unfold kw; nia).
    assert (HMd : M * ld D <= B2) by nia.
    assert (R1 : shape (tl_res M (ld D) (kw + r)) <= 12 * B2 + 2 * (kw + r)) by (apply tl_res_shape; lia).
    assert (HX : B2 <= B3 /\ B3 <= X) by (split; nia).
    pose proof (shape_PPar m1 (keep 0 (M * ld D + r))).
    pose proof (shape_PPar m2 (keep (M * ld D) (M * ld D + r))).
    pose proof (shape_PPar (keep (lH D * (M * ldh D) + kw) (M * ld D))
                  (PPar (keep (lH D * (M * ldh D)) kw) (keep (lH D * (M * ldh D) + kw + M * ld D) r))).
    pose proof (shape_PPar (keep (lH D * (M * ldh D)) kw) (keep (lH D * (M * ldh D) + kw + M * ld D) r)).
    pose proof (shape_PPar m3 (PPar (keep (lH D * (M * ldh D) + kw) (M * ld D))
                  (PPar (keep (lH D * (M * ldh D)) kw) (keep (lH D * (M * ldh D) + kw + M * ld D) r)))).
    pose proof (shape_PPar m4 (keep 0 (M * ld D + (kw + r)))).
    pose proof (shape_PPar m5 (keep (M * ld D) (M * ld D + (kw + r)))).
    rewrite !shape_keep in *.
    set (s1 := PPar m1 _) in *. set (s2 := PPar m2 _) in *. set (s3 := PPar m3 _) in *.
    set (s4 := tl_res _ _ _) in *. set (s5 := PPar m4 _) in *. set (s6 := PPar m5 _) in *.
    pose proof (shape_PSeq s1 (PSeq s2 (PSeq s3 (PSeq s4 (PSeq s5 (PSeq s6 s4)))))).
    pose proof (shape_PSeq s2 (PSeq s3 (PSeq s4 (PSeq s5 (PSeq s6 s4))))).
    pose proof (shape_PSeq s3 (PSeq s4 (PSeq s5 (PSeq s6 s4)))).
    pose proof (shape_PSeq s4 (PSeq s5 (PSeq s6 s4))).
    pose proof (shape_PSeq s5 (PSeq s6 s4)). pose proof (shape_PSeq s6 s4).
    lia.
  Qed.
End modules.
