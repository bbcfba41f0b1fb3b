(** * Fast FlowAR: the pipeline with every attention replaced by fast attention

    Fast FlowAR (PAPER.md §4.3) is [Pipeline/FlowAR.v]'s pipeline in which
    every attention — the AR transformer's block-causal one and the flow
    head's unmasked one — is the polynomial-method multi-head attention
    [fmha_at] / [ffmha] of [Modules/FastAttention.v]: [H] fast heads on the
    same weights [W_Q, W_K, W_V] (per head) and [W_O] as exact attention, with
    a list [mons] of monomials (the rank is [r = |mons|]) and coefficients
    [coef p] at precision [p] (the Taylor instance: [taylor_mons dh g] and
    [taylor_coef], [Runtime/FastRank.v]).

    [fast_am mons coef] packages it as an [AttnModule] ([Pipeline/Layer.v]):
    - the mask is given by its blocks [ns]: the module's program reads the
      block ends [bc_ends ns] and the block of each token [bc_blk ns]
      ([fast_mask]: the blocks cover the [N] tokens and [lim = bc_lim ns]);
    - its depth is [4·(d_std + d_⊕) + d_⊗ + d_std], whatever the rank
      ([fmha_at_wdepth]);
    - its shape is at most [120000 · B'⁵], [B'] bounding the dimensions, the
      number of blocks, the rank and the total monomial degree.

    Then [fast_flowar_float := flowar_float_g (fast_am mons coef)] (float
    semantics from the modules' float semantics, no program involved) and
    [fast_flowar_prog := flowar_prog_g (fast_am mons coef)]; correctness,
    typing and depth are the generic pipeline theorems at [fast_am]. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import AttnCommon Attention FastAttention.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (p N : nat) (mons : list (list nat)) (ns : list nat).

(** ** Multi-head fast attention: arity and shape *)

Lemma fmha_at_arity p offX (oQ oK oV : nat -> nat) offO N c dh H d mons coef ends blk :
  arity_out (fmha_at p offX oQ oK oV offO N c dh H d mons coef ends blk) = N * d.
Proof.
  unfold fmha_at, mha_proj_at. cbn [arity_out].
  apply list_sum_seq_const. intros i _. rewrite (list_sum_seq_const _ d 1); [lia|].
  intros; apply dot_prog_counts.
Qed.

Lemma mon_at_le_mdeg mons m : length (mon_at mons m) <= mdeg mons.
Proof.
  unfold mon_at, mdeg. revert m. induction mons as [|x l IH]; intros [|m]; cbn [nth]; [cbn; lia..| |].
  - cbn [map list_sum fold_right]. lia.
  - specialize (IH m). cbn [map list_sum fold_right]. unfold list_sum in IH. lia.
Qed.

Local Ltac mono := repeat match goal with
  | |- _ * _ <= _ * _ => apply Nat.mul_le_mono
  | |- _ + _ <= _ + _ => apply Nat.add_le_mono end; try lia.

Lemma fmha_at_shape p offX (oQ oK oV : nat -> nat) offO N c dh H d mons coef ends blk B :
  1 <= B -> N <= B -> c <= B -> dh <= B -> H <= B -> d <= B -> length mons <= B -> length ends <= B ->
  (forall m, length (mon_at mons m) <= B) -> (forall b, b < length ends -> nth b ends 0 <= N) ->
  shape (fmha_at p offX oQ oK oV offO N c dh H d mons coef ends blk)
  <= 120 * (1000 * (B * (B * (B * (B * B))))).
Proof.
  intros HB HN Hc Hdh HH Hd Hr Hnb Hmon Hends. unfold fmha_at.
  set (B4 := B * (B * (B * B))).
  assert (S1 : shape (PFor H (fun h => fattn_at p offX (oQ h) (oK h) (oV h) N c dh mons coef ends blk))
               <= (4 * H + 1) * (11 * (1000 * B4))).
  { apply shape_PFor. intros h _. apply fattn_at_shape; auto. }
  assert (S2 : shape (mha_proj_at N dh H d) <= (4 * N + 1) * ((4 * d + 1) * (3 * (H * dh) + 4))).
  { unfold mha_proj_at. apply shape_PFor. intros i _. apply shape_PFor. intros t _. apply shape_dot_prog. }
  pose proof (shape_PPar (PFor H (fun h => fattn_at p offX (oQ h) (oK h) (oV h) N c dh mons coef ends blk))
                (keep offO (H * dh * d))) as S3.
  pose proof (shape_PSeq (PPar (PFor H (fun h => fattn_at p offX (oQ h) (oK h) (oV h) N c dh mons coef
                                                          ends blk))
                               (keep offO (H * dh * d))) (mha_proj_at N dh H d)) as S4.
  rewrite shape_keep in S3.
  assert (E1 : (4 * H + 1) * (11 * (1000 * B4)) <= 5 * B * (11 * (1000 * B4)))
    by (apply Nat.mul_le_mono_r; lia).
  assert (HHd : H * dh <= B * B) by (apply Nat.mul_le_mono; lia).
  assert (E2 : (4 * N + 1) * ((4 * d + 1) * (3 * (H * dh) + 4)) <= 5 * B * (5 * B * (7 * (B * B)))).
  { apply Nat.mul_le_mono; [lia|]. apply Nat.mul_le_mono; [lia|]. nia. }
  assert (E3 : H * dh * d <= B * B * B) by (apply Nat.mul_le_mono; [exact HHd|lia]).
  assert (HBB : forall x, x <= B * x)
    by (intros x; rewrite <- (Nat.mul_1_l x) at 1; apply Nat.mul_le_mono_r; lia).
  assert (B * B <= B * (B * B)) by apply HBB. assert (B * (B * B) <= B4) by apply HBB.
  assert (B4 <= B * B4) by apply HBB.
  assert (R0 : B * (1000 * B4) = 1000 * (B * B4))
    by (rewrite Nat.mul_assoc, (Nat.mul_comm B 1000), <- Nat.mul_assoc; reflexivity).
  assert (R1 : forall C, 5 * B * (11 * C) = 55 * (B * C)) by (intros; ring).
  specialize (R1 (1000 * B4)). rewrite R0 in R1.
  assert (R2 : 5 * B * (5 * B * (7 * (B * B))) = 175 * B4) by (unfold B4; ring).
  assert (R3 : B * B * B = B * (B * B)) by ring.
  lia.
Qed.

(** ** The fast attention module *)

Section fast_module.
  Context (mons : list (list nat)) (coef : nat -> list nat -> flt).

  (** The module's own data: monomials over the head's coordinates, valid coefficients. *)
  Definition fast_ok p (D : LDims) : Prop :=
    (forall m k, m < length mons -> In k (mon_at mons m) -> k < ldh D)
    /\ (forall m, m < length mons -> valid p (coef p (mon_at mons m)) = true).

  (** The mask: blocks [ns] covering the [N] tokens, limits [bc_lim ns]. *)
  Definition fast_mask N ns (lim : nat -> nat) : Prop :=
    list_sum ns = N /\ forall i, i < N -> lim i = bc_lim ns i.

  Definition fast_sem P p D ns (lim : nat -> nat) (W : nat -> nat -> nat -> mat) Z : mat :=
    ffmha p (ld D) (ldh D) (lH D) mons (coef p) lim Z (fun h => W (o_q D h) (ld D) (ldh D))
          (fun h => W (o_k D h) (ld D) (ldh D)) (fun h => W (o_v D h) (ld D) (ldh D))
          (W (o_o D) (lH D * ldh D) (ld D)).

  Definition fast_prog p D N ns (lim : nat -> nat) (g : nat -> nat) : prog :=
    fmha_at p 0 (fun h => g (o_q D h)) (fun h => g (o_k D h)) (fun h => g (o_v D h)) (g (o_o D))
            N (ld D) (ldh D) (lH D) (ld D) mons (coef p) (bc_ends ns) (bc_blk ns).

  (** Depth of multi-head fast attention, independent of every size and of the rank. *)
  Definition fmha_depth (P : FloatPrimitivesTC0) : nat := 4 * (d_std P + d_sum P) + d_prod P + d_std P.

  (** The shape scale: [B' = B + nb + r + Σ|mon|]. *)
  Definition fast_B B nb : nat := B + nb + length mons + mdeg mons.
  Definition fast_U B nb : nat := let B' := fast_B B nb in 600 * (B' * (B' * (B' * (B' * B')))).

  Lemma fast_mask_ends N ns lim : fast_mask N ns lim ->
    (forall b, b < length (bc_ends ns) -> nth b (bc_ends ns) 0 <= N)
    /\ blk_ok N (bc_ends ns) (bc_blk ns) lim.
  Proof.
    intros [Hsum Hlim]. split.
    - intros b Hb. rewrite <- Hsum. apply bc_ends_le, nth_In, Hb.
    - intros i Hi. rewrite <- Hsum in Hi. destruct (bc_lim_ends ns i Hi) as [H1 H2].
      rewrite bc_ends_length. split; [exact H1|]. rewrite H2, Hlim by lia. reflexivity.
  Qed.

  Lemma fast_prog_correct P p D N ns lim (g : nat -> nat) (W : nat -> nat -> nat -> mat) xs Z :
    fast_ok p D -> fast_mask N ns lim -> block xs 0 N (ld D) Z ->
    (forall o r c, block xs (g o) r c (W o r c)) ->
    peval P p (fast_prog p D N ns lim g) xs = flat N (ld D) (fast_sem P p D ns lim W Z).
  Proof.
    intros [Hmons _] Hm HZ HW. destruct (fast_mask_ends N ns lim Hm) as [He Hb].
    apply fmha_at_correct; auto.
  Qed.

  Lemma fast_prog_wt p D N ns lim (g : nat -> nat) n :
    fast_ok p D -> fast_mask N ns lim -> N * ld D <= n -> (forall o, g o = g 0 + o) ->
    g 0 + o_g2 D <= n -> pwt p n (fast_prog p D N ns lim g).
  Proof.
    intros [Hmons Hcoef] Hm HN Hg Hn. destruct (fast_mask_ends N ns lim Hm) as [He Hb].
    apply fmha_at_wt; auto; try lia.
    - intros i Hi. apply Hb, Hi.
    - intros h Hh. pose proof (o_qkv_le D h Hh). unfold o_g2 in Hn. unfold o_k, o_v in *.
      rewrite (Hg (o_q D h)), (Hg (o_q D h + ld D * ldh D)), (Hg (o_q D h + 2 * (ld D * ldh D))).
      repeat split; lia.
    - unfold o_g2 in Hn. rewrite (Hg (o_o D)). lia.
  Qed.

  Lemma fast_prog_arity p D N ns lim g : arity_out (fast_prog p D N ns lim g) = N * ld D.
  Proof. apply fmha_at_arity. Qed.

  Lemma fast_prog_wdepth (P : FloatPrimitivesTC0) p D N ns lim g :
    wdepth (op_dbound P) (fast_prog p D N ns lim g) <= fmha_depth P.
  Proof. apply fmha_at_wdepth. Qed.

  Lemma fast_U_ge B nb : B * (B * (B * B)) <= fast_U B nb.
  Proof.
    unfold fast_U. set (B' := fast_B B nb). assert (HB : B <= B') by (unfold B', fast_B; lia).
    assert (H4 : B * (B * (B * B)) <= B' * (B' * (B' * B')))
      by (repeat (apply Nat.mul_le_mono; [exact HB|]); exact HB).
    clearbody B'. destruct B' as [|b'].
    - cbn [Nat.mul] in H4. lia.
    - assert (H5 : S b' * (S b' * (S b' * S b')) <= S b' * (S b' * (S b' * (S b' * S b')))).
      { rewrite <- (Nat.mul_1_l (S b' * (S b' * (S b' * S b')))) at 1. apply Nat.mul_le_mono_r. lia. }
      lia.
  Qed.

  Lemma fast_U_mono B nb nb' : nb <= nb' -> fast_U B nb <= fast_U B nb'.
  Proof.
    intros H. unfold fast_U. assert (fast_B B nb <= fast_B B nb') by (unfold fast_B; lia).
    apply Nat.mul_le_mono_l. repeat (apply Nat.mul_le_mono; [assumption|]). assumption.
  Qed.

  Lemma fast_prog_shape p D N ns lim g B :
    fast_ok p D -> fast_mask N ns lim -> N <= B -> ld D <= B -> ldh D <= B -> lH D <= B -> 1 <= B ->
    shape (fast_prog p D N ns lim g) <= 200 * fast_U B (length ns).
  Proof.
    intros _ Hm HN Hd Hdh HH HB. destruct (fast_mask_ends N ns lim Hm) as [He _].
    unfold fast_U. set (B' := fast_B B (length ns)).
    assert (HB' : B <= B' /\ length ns <= B' /\ length mons <= B' /\ mdeg mons <= B')
      by (unfold B', fast_B; lia).
    assert (Hnb : length (bc_ends ns) <= B') by (rewrite bc_ends_length; lia).
    assert (Hmon : forall m, length (mon_at mons m) <= B')
      by (intros m; pose proof (mon_at_le_mdeg mons m); lia).
    eapply Nat.le_trans; [apply fmha_at_shape with (B := B'); auto; lia|]. lia.
  Qed.

  Definition fast_am : AttnModule := {|
    am_ok := fast_ok;
    am_mask := fast_mask;
    am_sem := fast_sem;
    am_prog := fast_prog;
    am_depth := fmha_depth;
    am_U := fast_U;
    am_correct := fast_prog_correct;
    am_wt := fast_prog_wt;
    am_arity := fast_prog_arity;
    am_wdepth := fast_prog_wdepth;
    am_U_ge := fast_U_ge;
    am_U_mono := fast_U_mono;
    am_shape := fast_prog_shape
  |}.
End fast_module.

(** ** Fast FlowAR *)

Definition fast_flowar_float P p cfg mons coef G : mat := flowar_float_g (fast_am mons coef) P p cfg G.

Definition fast_flowar_prog p cfg mons coef : prog := flowar_prog_g (fast_am mons coef) p cfg.

(** Fast FlowAR's depth bound: FlowAR's with the fast module's depth. *)
Definition fast_flowar_depth (P : FloatPrimitivesTC0) (K L Lf T : nat) : nat :=
  flowar_depth_g P (fmha_depth P) K L Lf T.

(** The pipeline's masks are fast masks, so the module fits as soon as its
    monomials and coefficients do. *)
Lemma fast_cfg_ok p cfg mons coef :
  fast_ok mons coef p (LD cfg) -> am_cfg_ok (fast_am mons coef) p cfg.
Proof.
  intros Hok. split; [exact Hok|]. intros i. cbn [am_mask fast_am]. unfold fast_mask. split.
  - split; [reflexivity|]. intros t _. reflexivity.
  - cbn [bc_lim list_sum fold_right]. split; [lia|]. intros t Ht.
    destruct (Nat.ltb_spec t (tok cfg i)); lia.
Qed.

Section fast_flowar.
  Context (p : nat) (cfg : Config) (mons : list (list nat)) (coef : nat -> list nat -> flt).
  Context (Hok : fast_ok mons coef p (LD cfg)).

  (** The fast pipeline's program computes Fast FlowAR's float semantics. *)
  Theorem fast_flowar_prog_correct P G :
    length G = glen cfg -> 1 <= K cfg ->
    peval P p (fast_flowar_prog p cfg mons coef) G
    = flat (tok cfg (K cfg - 1)) (ch cfg) (fast_flowar_float P p cfg mons coef G).
  Proof. intros HG HK. exact (flowar_prog_g_correct P p cfg G HG _ (fast_cfg_ok p cfg mons coef Hok) HK). Qed.

  Theorem fast_flowar_prog_wt : 1 <= K cfg -> pwt p (glen cfg) (fast_flowar_prog p cfg mons coef).
  Proof. exact (flowar_prog_g_wt p cfg _ (fast_cfg_ok p cfg mons coef Hok)). Qed.
End fast_flowar.

(** Depth: [K] scales of a constant, whatever the rank. *)
Theorem fast_flowar_prog_wdepth (P : FloatPrimitivesTC0) p cfg mons coef :
  wdepth (op_dbound P) (fast_flowar_prog p cfg mons coef)
  <= fast_flowar_depth P (K cfg) (L cfg) (Lf cfg) (T cfg).
Proof. exact (flowar_prog_g_wdepth P (fast_am mons coef) p cfg). Qed.

(** Shape: polynomial in the dimensions, the rank and the total monomial degree. *)
Theorem fast_flowar_shape p cfg mons coef B :
  fast_ok mons coef p (LD cfg) -> dimB cfg <= B -> 1 <= K cfg ->
  shape (fast_flowar_prog p cfg mons coef)
  <= shape_coef (K cfg) (L cfg) (Lf cfg) (T cfg) * fast_U mons B (K cfg).
Proof.
  intros Hok HB HK. apply (flowar_g_shape p cfg B HB (fast_am mons coef)); auto.
  - apply fast_cfg_ok, Hok.
  - apply fast_U_ge.
Qed.
