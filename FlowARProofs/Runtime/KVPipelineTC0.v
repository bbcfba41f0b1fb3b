(** * The KV-cached program's circuit family is in TC0

    [compiled_InTC0With] (IR/TC0.v) needs typing ([flowar_cached_prog_wt],
    Runtime/KVPipelineTyping.v), a depth bound ([flowar_cached_prog_wdepth])
    and a polynomial bound on the program's shape.  Here the shape: the
    cache-extending layer and its modules in powers of a bound [B] on every
    dimension (a head [≤ 1300·B³], [kve_head_shape]; the layer
    [≤ kv_c1·B⁴ + 20·r], [kve_tl_shape], [r] the state it carries), the AR
    stage, the new block, the cache assembly ([kvassemble_shape]), one scale
    ([kv_scale_shape]: [≤ kv_scale_coef L Lf T · (B⁴ + kv_wmax)], the state
    now including the largest cache [kvlen ≤ 2·L·B⁴]) and the whole program
    ([kv_flowar_shape]: [≤ kv_shape_coef K L Lf T · B⁴]).

    [flowar_cached_TC0_explicit]: the cached program's own compiled family
    is in TC0 with depth at most [flowar_depth P K0 L0 Lf0 T0] (the
    recomputing family's bound) and size at most an explicit polynomial
    ([flowar_cached_size_coef], exponent [flowar_size_exp P kp k], the same
    as the recomputing family's); [flowar_cached_family_correct]: its
    circuits compute [flowar_float].  Same hypotheses as [flowar_in_TC0]. *)
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

(** The per-layer coefficient, named so that [ring] does not unfold it. *)
Definition kv_c1 : nat := 400 * 100.
Definition kv_c2 : nat := 11 * 100.

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
      assert (B2 <= B3) by nia. assert (5 * (B * (5 * (B * (9 * B)))) = 225 * B3) by lia. lia.
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
    assert (5 * (B * (5 * (B * (10 * B)))) = 250 * B3) by lia.
    assert (5 * (B * (5 * (B * (7 * B)))) = 175 * B3) by lia. lia.
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
    assert (B * B * B = B3) by lia. assert (B3 <= X) by nia.
    assert (5 * (B * (13 * (100 * B3))) = 65 * (100 * X)) by lia.
    assert (5 * (B * (5 * (B * (7 * B2)))) = 175 * X) by lia. lia.
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
    assert (5 * (B * (10 * B3)) = 50 * X) by lia. assert (5 * (B * (40 * B3)) = 200 * X) by lia. lia.
  Qed.

  Lemma kve_tl_shape p D M C (oKc oVc : nat -> nat) wo go r :
    M <= B -> C + M <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> ldff D <= B ->
    shape (kve_tl_at p D M C oKc oVc wo go r) <= kv_c1 * X + 20 * r.
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
    assert (Hkw : kw <= 2 * B3).
    { unfold kw. apply (Nat.le_trans _ (B * ((B + B) * B))); [|nia].
      apply Nat.mul_le_mono; [lia|apply Nat.mul_le_mono; lia]. }
    assert (HMd : M * ld D <= B2) by (apply Nat.mul_le_mono; lia).
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
    unfold kv_c1. lia.
  Qed.
End modules.

(** ** The pipeline's shape *)

Lemma kvlen_mono cfg r r' : r <= r' -> kvlen cfg r <= kvlen cfg r'.
Proof. intros. unfold kvlen. apply Nat.mul_le_mono_l. nia. Qed.

(** The widest state of the cached program: outputs, the largest cache, the input vector. *)
Definition kv_wmax cfg : nat := wmax cfg + kvlen cfg (ntok cfg (K cfg - 1)).

(** Per-scale and total coefficients (polynomials in [L, Lf, T] and [K]). *)
Definition kv_scale_coef (L Lf T : nat) : nat :=
  (L + 1) * (kv_c1 + 40 * L + 1500) + (2 * T + 2) * (2 * Lf + 3) * kv_c2 + 200.
Definition kv_shape_coef (K L Lf T : nat) : nat :=
  (K + 1) * (kv_scale_coef L Lf T * (2 * K + 14 * L + 12 * Lf + 11)).

Lemma kv_scale_coef_mono L Lf T L' Lf' T' :
  L <= L' -> Lf <= Lf' -> T <= T' -> kv_scale_coef L Lf T <= kv_scale_coef L' Lf' T'.
Proof.
  intros. unfold kv_scale_coef. apply Nat.add_le_mono_r. apply Nat.add_le_mono.
  - apply Nat.mul_le_mono; lia.
  - apply Nat.mul_le_mono_r. apply Nat.mul_le_mono; lia.
Qed.

Lemma kv_shape_coef_mono K L Lf T K' L' Lf' T' :
  K <= K' -> L <= L' -> Lf <= Lf' -> T <= T' -> kv_shape_coef K L Lf T <= kv_shape_coef K' L' Lf' T'.
Proof.
  intros. unfold kv_shape_coef. apply Nat.mul_le_mono; [lia|].
  apply Nat.mul_le_mono; [apply kv_scale_coef_mono; lia|lia].
Qed.

Section pipe_shape.
  Context (p : nat) (cfg : Config) (B : nat) (HB : dimB cfg <= B).
  Local Notation X := (B * (B * (B * B))).

  Lemma dimsB : dm cfg <= B /\ ldh (LD cfg) <= B /\ lH (LD cfg) <= B /\ ldff (LD cfg) <= B
                /\ ch cfg <= B /\ 1 <= B /\ B * B <= X /\ B * (B * B) <= X.
  Proof.
    destruct (dims_le cfg B HB) as (? & ? & ? & ? & ? & ?). pose proof (U_ge cfg B HB) as (_ & _ & ? & ?).
    unfold B4 in *. repeat split; lia.
  Qed.

  Lemma kv_layers_shape i base go r l : i < K cfg ->
    shape (kv_layers_at p cfg i base go r l)
    <= l * (kv_c1 * X + 20 * (l * kvw cfg i + r)) + (tok cfg i * dm cfg + r).
  Proof.
    intros Hi. destruct dimsB as (Hd & Hdh & HH & Hff & Hc & H1 & U2 & U3).
    pose proof (ntok_le cfg B HB i Hi). pose proof (tok_le_ntok cfg i).
    induction l as [|l IH]; cbn [kv_layers_at].
    - unfold idw. rewrite shape_PWire, map_length, seq_length. lia.
    - eapply Nat.le_trans; [apply shape_PSeq|].
      pose proof (kve_tl_shape B H1 p (LD cfg) (tok cfg i) (kvrows cfg i)
                    (fun h => l * kvw cfg i + oKc cfg i base l h) (fun h => l * kvw cfg i + oVc cfg i base l h)
                    (off_ar cfg l) (l * kvw cfg i + go) (l * kvw cfg i + r)
                    ltac:(lia) ltac:(unfold kvrows; lia) Hd Hdh HH Hff).
      rewrite (Nat.mul_succ_l l (kvw cfg i)) in *.
      assert (l * (20 * (l * kvw cfg i + r)) <= l * (20 * (l * kvw cfg i + kvw cfg i + r)))
        by (apply Nat.mul_le_mono_l; lia).
      rewrite (Nat.mul_succ_l l). lia.
  Qed.

  Lemma newblock_shape gofs w i : i < K cfg -> shape (newblock_at p cfg gofs w i) <= 82 * X + 2 * w.
  Proof.
    intros Hi. destruct dimsB as (Hd & Hdh & HH & Hff & Hc & H1 & U2 & U3).
    destruct i as [|j]; cbn [newblock_at].
    - rewrite shape_keep. pose proof (ntok_le cfg B HB 0 Hi). rewrite ntok_0 in *.
      assert (tok cfg 0 * dm cfg <= B * B) by (apply Nat.mul_le_mono; lia). lia.
    - pose proof (ntok_le cfg B HB (S j) Hi) as HN. pose proof (tok_le_ntok cfg (S j)).
      unfold embed_at. eapply Nat.le_trans; [apply shape_PSeq|].
      eapply Nat.le_trans; [apply Nat.add_le_mono_r, shape_PPar_arity|].
      rewrite shape_keep, keep_arity, up_at_arity'.
      assert (Hup : shape (up_at p (yoff (tok cfg) (ch cfg) j) (a cfg) (side cfg j) (side cfg j) (ch cfg))
                    <= 60 * (B * B)).
      { unfold shape. rewrite up_at_ops, up_at_pads, up_at_arity, <- tok_S.
        pose proof (up_at_maxar p (yoff (tok cfg) (ch cfg) j) (a cfg) (side cfg j) (side cfg j) (ch cfg)).
        assert (tok cfg (S j) * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia).
        assert (1 <= B * B) by nia. nia. }
      pose proof (mlp_shape 0 (tok cfg (S j) * ch cfg + gofs + off_embW cfg)
                    (tok cfg (S j) * ch cfg + gofs + off_embb cfg) (tok cfg (S j)) (ch cfg) (dm cfg) B
                    ltac:(lia) Hc Hd H1).
      assert (tok cfg (S j) * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia).
      lia.
  Qed.

  Lemma kvassemble_shape i base acc : i < K cfg ->
    shape (kvassemble cfg i base acc) <= (4 * L cfg + 1) * (22 * X).
  Proof.
    intros Hi. destruct dimsB as (Hd & Hdh & HH & Hff & Hc & H1 & U2 & U3).
    pose proof (ntok_le cfg B HB i Hi). pose proof (tok_le_ntok cfg i).
    assert (HC : kvrows cfg i * kvdh cfg <= B * B) by (unfold kvrows, kvdh; apply Nat.mul_le_mono; lia).
    assert (HM : tok cfg i * kvdh cfg <= B * B) by (unfold kvdh; apply Nat.mul_le_mono; lia).
    unfold kvassemble. cbv zeta. eapply Nat.le_trans; [apply (shape_PFor _ _ (22 * (B * B)))|].
    - intros q _.
      match goal with |- shape (PPar ?a (PPar ?b (PPar ?c ?d))) <= _ =>
        pose proof (shape_PPar c d); pose proof (shape_PPar b (PPar c d));
        pose proof (shape_PPar a (PPar b (PPar c d))) end.
      rewrite !shape_keep in *. lia.
    - unfold kvH. assert (L cfg * lH (LD cfg) <= L cfg * B) by (apply Nat.mul_le_mono_l; lia).
      assert ((4 * (L cfg * lH (LD cfg)) + 1) * (22 * (B * B)) <= (4 * (L cfg * B) + 1) * (22 * (B * B)))
        by (apply Nat.mul_le_mono_r; lia).
      assert ((4 * (L cfg * B) + 1) * (22 * (B * B)) <= (4 * L cfg + 1) * (22 * (B * (B * B)))) by nia.
      assert (B * (B * B) <= X) by lia. nia.
  Qed.

  Lemma kv_scale_shape i : i < K cfg ->
    shape (kv_scale_at p cfg i) <= kv_scale_coef (L cfg) (Lf cfg) (T cfg) * (X + kv_wmax cfg).
  Proof.
    intros Hi. destruct dimsB as (Hd & Hdh & HH & Hff & Hc & H1 & U2 & U3).
    assert (U1 : 1 <= X) by nia.
    pose proof (ntok_le cfg B HB i Hi) as HN. pose proof (tok_le_ntok cfg i) as HMN.
    set (W := kv_wmax cfg).
    set (Q := (2 * T cfg + 2) * (2 * Lf cfg + 3)).
    set (y := yoff (tok cfg) (ch cfg) i).
    set (w := y + kvlen cfg (kvrows cfg i) + glen cfg).
    set (w' := y + kvlen cfg (ntok cfg i) + glen cfg).
    assert (HyK : y <= yoff (tok cfg) (ch cfg) (K cfg)) by (apply yoff_mono; lia).
    assert (HkK : kvlen cfg (ntok cfg i) <= kvlen cfg (ntok cfg (K cfg - 1)))
      by (apply kvlen_mono, ntok_mono; lia).
    assert (Hkr : kvlen cfg (kvrows cfg i) <= kvlen cfg (ntok cfg i)) by (apply kvlen_mono; unfold kvrows; lia).
    assert (Hw : w <= W) by (unfold w, W, kv_wmax, wmax; lia).
    assert (Hw' : w' <= W) by (unfold w', W, kv_wmax, wmax; lia).
    assert (Hy : y <= W) by (unfold W, kv_wmax, wmax; lia).
    assert (Hg : glen cfg <= W) by (unfold W, kv_wmax, wmax; lia).
    assert (HMd : tok cfg i * dm cfg <= X) by (assert (tok cfg i * dm cfg <= B * B) by (apply Nat.mul_le_mono; lia); lia).
    assert (HMc : tok cfg i * ch cfg <= X) by (assert (tok cfg i * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia); lia).
    assert (Hkvw : kvw cfg i <= 2 * X).
    { unfold kvw, kvH, kvdh. apply (Nat.le_trans _ (B * ((B + B) * B))); [|nia].
      apply Nat.mul_le_mono; [lia|apply Nat.mul_le_mono; lia]. }
    unfold kv_scale_at. fold y. fold w w'.
    replace (y + kvlen cfg (kvrows cfg i)) with (w - glen cfg) by (unfold w; lia).
    replace (y + kvlen cfg (ntok cfg i)) with (w' - glen cfg) by (unfold w'; lia).
    replace (w - glen cfg + glen cfg) with w by (unfold w; lia).
    replace (w' - glen cfg + glen cfg) with w' by (unfold w'; lia).
    (* the five stages *)
    set (nb := newblock_at p cfg (w - glen cfg) w i).
    assert (P1 : shape (PPar nb (keep 0 w)) <= 83 * X + 4 * W).
    { eapply Nat.le_trans; [apply shape_PPar_arity|]. rewrite shape_keep, keep_arity.
      pose proof (newblock_shape (w - glen cfg) w i Hi) as S. fold nb in S.
      destruct (newblock_wt p cfg (w - glen cfg) w i ltac:(unfold w; lia) ltac:(unfold w; lia)) as [_ Ha].
      fold nb in Ha. rewrite Ha. lia. }
    set (ly := kv_layers_at p cfg i y (w - glen cfg) w (L cfg)).
    assert (P2 : shape ly <= (kv_c1 * L cfg + 40 * (L cfg * L cfg) + 1) * X + (20 * L cfg + 1) * W).
    { pose proof (kv_layers_shape i y (w - glen cfg) w (L cfg) Hi) as S. fold ly in S.
      assert (L cfg * (kv_c1 * X + 20 * (L cfg * kvw cfg i + w))
              <= L cfg * (kv_c1 * X + 20 * (L cfg * (2 * X) + W))).
      { apply Nat.mul_le_mono_l. apply Nat.add_le_mono_l, Nat.mul_le_mono_l, Nat.add_le_mono; [|exact Hw].
        apply Nat.mul_le_mono_l, Hkvw. }
      assert (L cfg * (kv_c1 * X + 20 * (L cfg * (2 * X) + W))
              = (kv_c1 * L cfg + 40 * (L cfg * L cfg)) * X + 20 * L cfg * W) by lia.
      assert ((kv_c1 * L cfg + 40 * (L cfg * L cfg) + 1) * X + (20 * L cfg + 1) * W
              = (kv_c1 * L cfg + 40 * (L cfg * L cfg)) * X + X + 20 * L cfg * W + W) by lia.
      lia. }
    set (asm := kvassemble cfg i _ _).
    assert (Pa : shape asm <= (4 * L cfg + 1) * (22 * X)) by (apply kvassemble_shape, Hi).
    set (k1 := keep _ (tok cfg i * ch cfg)). set (k2 := keep 0 (tok cfg i * dm cfg)).
    set (k3 := keep _ y). set (k5 := keep _ (glen cfg)).
    assert (P3 : shape (PPar k1 (PPar k2 (PPar k3 (PPar asm k5))))
                 <= (6 + 16 * ((4 * L cfg + 1) * 22)) * X + 24 * W).
    { pose proof (shape_PPar asm k5). pose proof (shape_PPar k3 (PPar asm k5)).
      pose proof (shape_PPar k2 (PPar k3 (PPar asm k5))). pose proof (shape_PPar k1 (PPar k2 (PPar k3 (PPar asm k5)))).
      unfold k1, k2, k3, k5 in *. rewrite !shape_keep in *.
      assert ((6 + 16 * ((4 * L cfg + 1) * 22)) * X = 6 * X + 16 * ((4 * L cfg + 1) * (22 * X))) by lia.
      lia. }
    set (fl := flow_at _ _ _ _ _ _ _).
    assert (P4 : shape fl <= (Q * kv_c2 + 2) * X + (Q * 20 + 1) * W).
    { pose proof (flow_shape p (FD cfg) (tok cfg i) (T cfg) (off_fh cfg) (w' - glen cfg) w' B
                    ltac:(lia) Hc Hd Hdh HH Hff H1) as S. fold fl in S. cbn [fhLf FD] in S.
      change (1100 * X) with (kv_c2 * X) in S.
      rewrite Nat.mul_assoc in S. fold Q in S.
      assert (Q * (kv_c2 * X + 20 * w') <= Q * (kv_c2 * X + 20 * W))
        by (apply Nat.mul_le_mono_l; lia).
      rewrite !Nat.mul_add_distr_l, !Nat.mul_assoc in *. rewrite !Nat.mul_add_distr_r. lia. }
    set (k6 := keep _ y). set (k7 := keep 0 (tok cfg i * ch cfg)). set (k8 := keep _ (kvlen cfg (ntok cfg i) + glen cfg)).
    assert (P5 : shape (PPar k6 (PPar k7 k8)) <= 4 * X + 6 * W).
    { pose proof (shape_PPar k7 k8). pose proof (shape_PPar k6 (PPar k7 k8)).
      unfold k6, k7, k8 in *. rewrite !shape_keep in *. lia. }
    set (s3 := PPar k1 _) in *. set (s5 := PPar k6 _) in *.
    pose proof (shape_PSeq (PPar nb (keep 0 w)) (PSeq ly (PSeq s3 (PSeq fl s5)))).
    pose proof (shape_PSeq ly (PSeq s3 (PSeq fl s5))).
    pose proof (shape_PSeq s3 (PSeq fl s5)). pose proof (shape_PSeq fl s5).
    set (cx := 83 + (kv_c1 * L cfg + 40 * (L cfg * L cfg) + 1) + (6 + 16 * ((4 * L cfg + 1) * 22))
               + (Q * kv_c2 + 2) + 4).
    set (cw := 4 + (20 * L cfg + 1) + 24 + (Q * 20 + 1) + 6).
    assert (Hsum : shape (PSeq (PPar nb (keep 0 w)) (PSeq ly (PSeq s3 (PSeq fl s5)))) <= cx * X + cw * W).
    { assert (cx * X + cw * W = 83 * X + 4 * W + ((kv_c1 * L cfg + 40 * (L cfg * L cfg) + 1) * X
              + (20 * L cfg + 1) * W) + ((6 + 16 * ((4 * L cfg + 1) * 22)) * X + 24 * W)
              + ((Q * kv_c2 + 2) * X + (Q * 20 + 1) * W) + (4 * X + 6 * W)) by (unfold cx, cw; ring).
      lia. }
    assert (CX : cx <= kv_scale_coef (L cfg) (Lf cfg) (T cfg)) by (unfold cx, kv_scale_coef; fold Q; lia).
    assert (CW : cw <= kv_scale_coef (L cfg) (Lf cfg) (T cfg)).
    { assert (Q * 20 <= Q * kv_c2) by (apply Nat.mul_le_mono_l; unfold kv_c2; lia).
      assert (20 * L cfg + 36 <= (L cfg + 1) * (kv_c1 + 40 * L cfg + 1500)).
      { apply (Nat.le_trans _ ((L cfg + 1) * 1500)); [lia|apply Nat.mul_le_mono_l; lia]. }
      unfold cw, kv_scale_coef. fold Q. lia. }
    assert (cx * X <= kv_scale_coef (L cfg) (Lf cfg) (T cfg) * X) by (apply Nat.mul_le_mono_r, CX).
    assert (cw * W <= kv_scale_coef (L cfg) (Lf cfg) (T cfg) * W) by (apply Nat.mul_le_mono_r, CW).
    rewrite Nat.mul_add_distr_l. lia.
  Qed.
End pipe_shape.

Section total_shape.
  Context (p : nat) (cfg : Config) (B : nat) (HB : dimB cfg <= B).

  Lemma kv_scales_shape k : k <= K cfg ->
    shape (kv_scales_at p cfg k)
    <= k * (kv_scale_coef (L cfg) (Lf cfg) (T cfg) * (B4 B + kv_wmax cfg)) + glen cfg.
  Proof.
    induction k as [|k IH]; intros Hk; cbn [kv_scales_at].
    - unfold idw. rewrite shape_PWire, map_length, seq_length. lia.
    - eapply Nat.le_trans; [apply shape_PSeq|].
      pose proof (kv_scale_shape p cfg B HB k ltac:(lia)). specialize (IH ltac:(lia)).
      rewrite (Nat.mul_succ_l k). unfold B4 in *. lia.
  Qed.

  Lemma kv_wmax_le : 1 <= K cfg -> kv_wmax cfg <= (2 * K cfg + 14 * L cfg + 12 * Lf cfg + 10) * B4 B.
  Proof.
    intros HK. destruct (dimsB cfg B HB) as (Hd & Hdh & HH & Hff & Hc & H1 & U2 & U3).
    pose proof (wmax_le cfg B HB) as Hw. pose proof (ntok_le cfg B HB (K cfg - 1) ltac:(lia)) as HN.
    assert (Hk : kvlen cfg (ntok cfg (K cfg - 1)) <= L cfg * (2 * B4 B)).
    { unfold kvlen, kvH, kvdh. rewrite <- Nat.mul_assoc. apply Nat.mul_le_mono_l.
      apply (Nat.le_trans _ (B * ((B + B) * B))); [apply Nat.mul_le_mono; [lia|apply Nat.mul_le_mono; lia]|].
      unfold B4. nia. }
    unfold kv_wmax. nia.
  Qed.

  (** The cached program's shape is at most [kv_shape_coef K L Lf T · B⁴]. *)
  Theorem kv_flowar_shape : 1 <= K cfg ->
    shape (flowar_cached_prog p cfg) <= kv_shape_coef (K cfg) (L cfg) (Lf cfg) (T cfg) * B4 B.
  Proof.
    intros HK. destruct (dimsB cfg B HB) as (Hd & Hdh & HH & Hff & Hc & H1 & U2 & U3).
    unfold flowar_cached_prog. eapply Nat.le_trans; [apply shape_PSeq|]. rewrite shape_keep.
    pose proof (kv_scales_shape (K cfg) (le_n _)) as HS. pose proof (kv_wmax_le HK) as HW.
    pose proof (ntok_le cfg B HB (K cfg - 1) ltac:(lia)). pose proof (tok_le_ntok cfg (K cfg - 1)).
    assert (Hlast : tok cfg (K cfg - 1) * ch cfg <= B4 B)
      by (unfold B4; assert (tok cfg (K cfg - 1) * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia); lia).
    assert (Hglen : glen cfg <= kv_wmax cfg) by (unfold kv_wmax, wmax; lia).
    set (c := kv_scale_coef (L cfg) (Lf cfg) (T cfg)) in *.
    set (F := 2 * K cfg + 14 * L cfg + 12 * Lf cfg + 11).
    set (X := B4 B) in *. set (W := kv_wmax cfg) in *.
    assert (Hc1 : 1 <= c) by (unfold c, kv_scale_coef; lia).
    assert (HXW : X + W <= F * X) by (unfold F; lia).
    assert (H2 : c * (X + W) <= c * (F * X)) by (apply Nat.mul_le_mono_l, HXW).
    assert (H3 : K cfg * (c * (X + W)) <= K cfg * (c * (F * X))) by (apply Nat.mul_le_mono_l, H2).
    assert (H4 : F * X <= c * (F * X)) by (rewrite <- (Nat.mul_1_l (F * X)) at 1; apply Nat.mul_le_mono_r, Hc1).
    unfold kv_shape_coef. fold c F.
    replace ((K cfg + 1) * (c * F) * X) with (K cfg * (c * (F * X)) + c * (F * X)) by lia.
    lia.
  Qed.
End total_shape.

(** ** The TC0 theorem for the cached program's own circuit family *)

Definition flowar_cached_family P (prec : nat -> nat) (cfgs : nat -> Config) : family :=
  compiled_family P prec (fun n => glen (cfgs n)) (fun n => flowar_cached_prog (prec n) (cfgs n)).

Definition flowar_cached_size_coef P (K0 L0 Lf0 T0 ap b : nat) : nat :=
  tc0_coef P (flowar_depth P K0 L0 Lf0 T0) ap (kv_shape_coef K0 L0 Lf0 T0 * b ^ 4).

Section family.
  Context (P : FloatPrimitivesTC0) (prec : nat -> nat) (cfgs : nat -> Config).
  Context (K0 L0 Lf0 T0 ap kp b k : nat).
  Context (HK : forall n, 1 <= K (cfgs n) <= K0) (HL : forall n, L (cfgs n) <= L0)
          (HLf : forall n, Lf (cfgs n) <= Lf0) (HT : forall n, T (cfgs n) <= T0).
  Context (Hprec : PolyBoundedWith prec ap kp)
          (Hdim : PolyBoundedWith (fun n => dimB (cfgs n)) b k).

  Lemma flowar_cached_shape_poly :
    PolyBoundedWith (fun n => shape (flowar_cached_prog (prec n) (cfgs n)))
      (kv_shape_coef K0 L0 Lf0 T0 * b ^ 4) (4 * k).
  Proof.
    intros n. destruct (HK n) as [HK1 HK2].
    eapply Nat.le_trans; [apply (kv_flowar_shape (prec n) (cfgs n) (dimB (cfgs n)) (le_n _) HK1)|].
    rewrite <- Nat.mul_assoc.
    apply Nat.mul_le_mono; [apply kv_shape_coef_mono; auto|]. apply B4_poly, Hdim.
  Qed.

  (** Depth: the recomputing family's bound; size: an explicit polynomial. *)
  Theorem flowar_cached_TC0_explicit :
    InTC0With (flowar_cached_family P prec cfgs) (flowar_depth P K0 L0 Lf0 T0)
              (flowar_cached_size_coef P K0 L0 Lf0 T0 ap b) (flowar_size_exp P kp k).
  Proof.
    unfold flowar_cached_size_coef, flowar_size_exp. apply compiled_InTC0With.
    - intros n. apply flowar_cached_prog_wt, HK.
    - intros n. eapply Nat.le_trans; [apply flowar_cached_prog_wdepth|].
      destruct (HK n). apply flowar_depth_mono; auto.
    - exact Hprec.
    - exact flowar_cached_shape_poly.
  Qed.

  (** The circuits compute FlowAR's float semantics. *)
  Theorem flowar_cached_family_correct n G :
    length G = glen (cfgs n) -> all_valid (prec n) G ->
    eval (fam_circ (flowar_cached_family P prec cfgs) n) (encs (prec n) G)
    = encs (prec n) (flat (tok (cfgs n) (K (cfgs n) - 1)) (ch (cfgs n))
                          (flowar_float P (prec n) (cfgs n) G)).
  Proof.
    intros Hlen Hval. cbn [fam_circ flowar_cached_family compiled_family].
    rewrite (eval_compile P (prec n) (glen (cfgs n))); auto.
    - rewrite flowar_cached_prog_correct; auto. apply HK.
    - apply flowar_cached_prog_wt, HK.
  Qed.
End family.
