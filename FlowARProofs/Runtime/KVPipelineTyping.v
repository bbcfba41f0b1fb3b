(** * The KV-cached pipeline: depth and typing

    [flowar_cached_prog_wdepth]: the cached program's weighted depth is at
    most [flowar_depth P K L Lf T], the recomputing program's bound (a
    cache-extending layer computes the projections in one stage and the
    attention in the next, as the recomputing layer does: depth
    [≤ tl_depth]).  [flowar_cached_prog_wt]: the program is well typed on
    input vectors of length [glen], so [IR/Compile.v]'s [eval_compile]
    applies to it. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention MLP FFN Sampling.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR.
From FlowARProofs.Runtime Require Import KVProgram KVLayer KVPipeline.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (cfg : Config) (p i l k : nat).

(** ** Depth *)

Section depth.
  Context (P : FloatPrimitivesTC0).
  Local Notation wd := (wdepth (op_dbound P)).

  Lemma kv_w_at_wdepth M C dh scale : wd (kv_w_at M C dh scale) <= 2 * d_std P + d_sum P + d_exp P.
  Proof.
    unfold kv_w_at. change (wd (PPar ?a ?b)) with (Nat.max (wd a) (wd b)). rewrite keep_wdepth.
    assert (wd (PFor M (fun t => PFor (C + M) (fun j => attn_wbody M dh scale t j)))
            <= 2 * d_std P + d_sum P + d_exp P).
    { apply (PFor2_wdepth M (C + M) (fun t j => attn_wbody M dh scale t j)).
      intros t j _ _. unfold attn_wbody. cbn [wdepth op_dbound].
      pose proof (dot_prog_wdepth P dh (fun k => t * dh + k) (fun k => M * dh + (j * dh + k))). lia. }
    lia.
  Qed.

  Lemma kve_head_wdepth offQ offKc offKn offVc offVn M C dh scale :
    wd (kve_head_at offQ offKc offKn offVc offVn M C dh scale) <= 4 * d_std P + 2 * d_sum P + d_exp P.
  Proof.
    unfold kve_head_at, kve_load_at. cbn [wdepth]. rewrite !keep_wdepth.
    pose proof (kv_w_at_wdepth M C dh scale).
    assert (wd (kv_den_at M C) <= d_sum P).
    { apply (PFor2_wdepth M 1 (fun t _ => PSeq (PWire (map (fun j => FIn (t * (C + M) + j)) (seq 0 (C + M))))
                                              (POp (OSum (C + M))))).
      intros. cbn. lia. }
    assert (wd (kv_num_at M C dh) <= d_std P + d_sum P) by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
    pose proof (mstage_wdepth P M dh BDiv). lia.
  Qed.

  Lemma kve_mha_wdepth (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale :
    wd (kve_mha_at oQ oKc oKn oVc oVn offO M C dh H d scale) <= 5 * d_std P + 3 * d_sum P + d_exp P.
  Proof.
    unfold kve_mha_at. cbn [wdepth]. rewrite keep_wdepth.
    assert (list_max (map (fun h => wd (kve_head_at (oQ h) (oKc h) (oKn h) (oVc h) (oVn h) M C dh scale))
                          (seq 0 H)) <= 4 * d_std P + 2 * d_sum P + d_exp P)
      by (apply list_max_seq_le; intros; apply kve_head_wdepth).
    assert (wd (mha_proj_at M dh H d) <= d_std P + d_sum P)
      by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
    lia.
  Qed.

  Lemma kve_proj_wdepth offZ (oQ oK oV : nat -> nat) M c dh H :
    wd (kve_proj_at offZ oQ oK oV M c dh H) <= d_std P + d_sum P.
  Proof.
    unfold kve_proj_at. cbn [wdepth]. apply Nat.max_lub; apply list_max_seq_le; intros h _.
    - apply matmul_at_wdepth.
    - cbn [wdepth]. pose proof (matmul_at_wdepth P offZ (oK h) M c dh).
      pose proof (matmul_at_wdepth P offZ (oV h) M c dh). lia.
  Qed.

  (** A cache-extending layer is no deeper than the recomputing one. *)
  Theorem kve_tl_at_wdepth p D M C (oKc oVc : nat -> nat) wo go r :
    wd (kve_tl_at p D M C oKc oVc wo go r) <= tl_depth P.
  Proof.
    unfold kve_tl_at, tl_depth, tl_depth_g, mha_depth. cbn [wdepth]. rewrite !keep_wdepth.
    pose proof (lnaff_at_wdepth P p 0 (M * ld D + go + (wo + o_g1 D)) (M * ld D + go + (wo + o_b1 D)) M (ld D)).
    pose proof (lnaff_at_wdepth P p 0 (M * ld D + lH D * ((M + M) * ldh D) + go + (wo + o_g2 D))
                  (M * ld D + lH D * ((M + M) * ldh D) + go + (wo + o_b2 D)) M (ld D)).
    pose proof (kve_proj_wdepth 0 (fun h => 2 * (M * ld D) + go + (wo + o_q D h))
                  (fun h => 2 * (M * ld D) + go + (wo + o_k D h)) (fun h => 2 * (M * ld D) + go + (wo + o_v D h))
                  M (ld D) (ldh D) (lH D)).
    pose proof (kve_mha_wdepth (fun h => h * (M * ldh D))
                  (fun h => lH D * (M * ldh D) + lH D * ((M + M) * ldh D) + M * ld D + oKc h)
                  (fun h => lH D * (M * ldh D) + h * ((M + M) * ldh D))
                  (fun h => lH D * (M * ldh D) + lH D * ((M + M) * ldh D) + M * ld D + oVc h)
                  (fun h => lH D * (M * ldh D) + h * ((M + M) * ldh D) + M * ldh D)
                  (lH D * (M * ldh D) + lH D * ((M + M) * ldh D) + M * ld D + go + (wo + o_o D))
                  M C (ldh D) (lH D) (ld D) (lscale p D)).
    pose proof (tl_res_wdepth P M (ld D) (lH D * ((M + M) * ldh D) + r)).
    pose proof (ffn_inner_at_wdepth P 0 (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_w1 D))
                  (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_c1 D))
                  (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_w2 D))
                  (2 * (M * ld D) + lH D * ((M + M) * ldh D) + go + (wo + o_c2 D)) M (ld D) (ldff D)).
    lia.
  Qed.

  Lemma kv_layers_wdepth p cfg i base go r l :
    wd (kv_layers_at p cfg i base go r l) <= l * tl_depth P.
  Proof.
    induction l as [|l IH]; cbn [kv_layers_at wdepth]; [unfold idw; cbn; lia|].
    pose proof (kve_tl_at_wdepth p (LD cfg) (tok cfg i) (kvrows cfg i)
                  (fun h => l * kvw cfg i + oKc cfg i base l h) (fun h => l * kvw cfg i + oVc cfg i base l h)
                  (off_ar cfg l) (l * kvw cfg i + go) (l * kvw cfg i + r)). lia.
  Qed.

  Lemma kvassemble_wdepth cfg i base acc : wd (kvassemble cfg i base acc) = 0.
  Proof.
    unfold kvassemble. cbn [wdepth]. apply Nat.le_0_r, list_max_seq_le. intros q _.
    cbn [wdepth]. rewrite !keep_wdepth. lia.
  Qed.

  Theorem kv_scale_at_wdepth p cfg i :
    wd (kv_scale_at p cfg i) <= scale_depth P (L cfg) (Lf cfg) (T cfg).
  Proof.
    unfold kv_scale_at, scale_depth, scale_depth_g. fold (tl_depth P). cbn [wdepth]. rewrite !keep_wdepth, kvassemble_wdepth.
    assert (HN : forall gofs w, wd (newblock_at p cfg gofs w i) <= 3 * d_std P + 2 * d_sum P).
    { intros gofs w. destruct i as [|j]; cbn [newblock_at]; [rewrite keep_wdepth; lia|apply embed_at_wdepth]. }
    pose proof (HN (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i))
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i) + glen cfg)).
    pose proof (kv_layers_wdepth p cfg i (yoff (tok cfg) (ch cfg) i)
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i))
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i) + glen cfg) (L cfg)).
    pose proof (flow_at_wdepth P p (FD cfg) (tok cfg i) (T cfg) (off_fh cfg)
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (ntok cfg i))
                  (yoff (tok cfg) (ch cfg) i + kvlen cfg (ntok cfg i) + glen cfg)).
    unfold fh_step_depth, fh_step_depth_g in *. cbn [fhLf FD am_depth exact_am] in *.
    fold (tl_depth P) in *. lia.
  Qed.

  (** The cached program is no deeper than the recomputing program's bound. *)
  Theorem flowar_cached_prog_wdepth p cfg :
    wd (flowar_cached_prog p cfg) <= flowar_depth P (K cfg) (L cfg) (Lf cfg) (T cfg).
  Proof.
    unfold flowar_cached_prog, flowar_depth. cbn [wdepth]. rewrite keep_wdepth, Nat.add_0_r.
    induction (K cfg) as [|k IH]; cbn [kv_scales_at wdepth]; [unfold idw; cbn; lia|].
    pose proof (kv_scale_at_wdepth p cfg k). lia.
  Qed.
End depth.

(** ** Typing: the modules *)

Lemma arity_PFor2 r c (body : nat -> nat -> prog) :
  (forall i j, i < r -> j < c -> arity_out (body i j) = 1) -> arity_out (PFor r (fun i => PFor c (body i))) = r * c.
Proof.
  intros H. cbn [arity_out]. rewrite (list_sum_seq_const _ r c); [lia|]. intros i Hi.
  rewrite (list_sum_seq_const _ c 1); [lia|]. intros j Hj. apply H; auto.
Qed.

Local Ltac ar := repeat (change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y)
                         || change (arity_out (PSeq ?x ?y)) with (arity_out y)); rewrite ?keep_arity.

Lemma kve_load_at_arity offQ offKc offKn offVc offVn M C dh :
  arity_out (kve_load_at offQ offKc offKn offVc offVn M C dh) = M * dh + ((C + M) * dh + (C + M) * dh).
Proof. unfold kve_load_at. ar. nia. Qed.

Lemma kv_w_at_arity M C dh scale : arity_out (kv_w_at M C dh scale) = M * (C + M) + (C + M) * dh.
Proof.
  unfold kv_w_at. ar. rewrite arity_PFor2; [lia|]. intros t j _ _.
  exact (proj2 (proj2 (proj2 (proj2 (attn_wbody_counts M dh scale t j))))).
Qed.

Lemma kv_w_at_wt p n M C dh scale :
  valid p scale = true -> M * dh + ((C + M) * dh + (C + M) * dh) <= n -> pwt p n (kv_w_at M C dh scale).
Proof.
  intros Hs Hn. unfold kv_w_at. split.
  - cbn [pwt]. intros t Ht j Hj. unfold attn_wbody. cbn [pwt].
    rewrite (proj2 (proj2 (proj2 (proj2 (dot_prog_counts dh (fun k => t * dh + k)
                                                        (fun k => M * dh + (j * dh + k))))))).
    split; [apply dot_prog_wt; intros k Hk; split; nia|].
    split; [constructor; [exact Hs|constructor; [cbn; lia|constructor]]|]. cbn. split; reflexivity.
  - apply keep_wt_le. lia.
Qed.

Lemma kve_head_arity offQ offKc offKn offVc offVn M C dh scale :
  arity_out (kve_head_at offQ offKc offKn offVc offVn M C dh scale) = M * dh.
Proof. unfold kve_head_at. ar. unfold mstage. apply ew_prog_arity. Qed.

Lemma kve_head_wt p n offQ offKc offKn offVc offVn M C dh scale :
  valid p scale = true -> offQ + M * dh <= n -> offKc + C * dh <= n -> offKn + M * dh <= n ->
  offVc + C * dh <= n -> offVn + M * dh <= n ->
  pwt p n (kve_head_at offQ offKc offKn offVc offVn M C dh scale).
Proof.
  intros Hs H1 H2 H3 H4 H5. unfold kve_head_at. cbn [pwt]. split.
  { unfold kve_load_at. cbn [pwt]. repeat split; apply keep_wt_le; lia. }
  rewrite kve_load_at_arity. split; [apply kv_w_at_wt; [exact Hs|lia]|].
  rewrite kv_w_at_arity. split; [split|].
  - cbn [kv_den_at pwt]. intros t Ht j Hj. split.
    + rewrite Forall_map, Forall_forall. intros l Hl. apply in_seq in Hl. cbn. nia.
    + cbn [arity_out op_arity]. rewrite map_length, seq_length. reflexivity.
  - cbn [kv_num_at pwt]. intros t Ht l Hl. apply dot_prog_wt. intros j Hj. split; nia.
  - ar. unfold kv_den_at, kv_num_at.
    rewrite (arity_PFor2 M 1) by (intros; reflexivity).
    rewrite (arity_PFor2 M dh) by (intros; exact (proj2 (proj2 (proj2 (proj2 (dot_prog_counts _ _ _)))))).
    apply mstage_wt. lia.
Qed.

Lemma kve_mha_arity (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale :
  arity_out (kve_mha_at oQ oKc oKn oVc oVn offO M C dh H d scale) = M * d.
Proof.
  unfold kve_mha_at, mha_proj_at. ar. apply arity_PFor2. intros.
  exact (proj2 (proj2 (proj2 (proj2 (dot_prog_counts _ _ _))))).
Qed.

Lemma kve_mha_wt p n (oQ oKc oKn oVc oVn : nat -> nat) offO M C dh H d scale :
  valid p scale = true ->
  (forall h, h < H -> oQ h + M * dh <= n /\ oKc h + C * dh <= n /\ oKn h + M * dh <= n
                      /\ oVc h + C * dh <= n /\ oVn h + M * dh <= n) ->
  offO + H * dh * d <= n ->
  pwt p n (kve_mha_at oQ oKc oKn oVc oVn offO M C dh H d scale).
Proof.
  intros Hs HW HO. unfold kve_mha_at. cbn [pwt]. split; [split|].
  - intros h Hh. destruct (HW h Hh) as (? & ? & ? & ? & ?). apply kve_head_wt; auto.
  - apply keep_wt_le, HO.
  - ar. cbn [arity_out]. rewrite (list_sum_seq_const _ H (M * dh)) by (intros; apply kve_head_arity).
    cbn [mha_proj_at pwt]. intros i Hi t Ht. apply dot_prog_wt. intros m Hm.
    assert (Hdh : dh <> 0) by (intros ->; lia).
    assert (Hq : m / dh < H) by (apply Nat.div_lt_upper_bound; lia).
    pose proof (Nat.mod_upper_bound m dh Hdh) as Hr. split; nia.
Qed.

Lemma kve_proj_arity offZ (oQ oK oV : nat -> nat) M c dh H :
  arity_out (kve_proj_at offZ oQ oK oV M c dh H) = H * (M * dh) + H * ((M + M) * dh).
Proof.
  unfold kve_proj_at. ar. cbn [arity_out].
  rewrite (list_sum_seq_const _ H (M * dh)) by (intros; apply matmul_at_arity).
  rewrite (list_sum_seq_const _ H ((M + M) * dh)); [lia|].
  intros. ar. rewrite !matmul_at_arity. lia.
Qed.

Lemma kve_proj_wt p n offZ (oQ oK oV : nat -> nat) M c dh H :
  offZ + M * c <= n -> (forall h, h < H -> oQ h + c * dh <= n /\ oK h + c * dh <= n /\ oV h + c * dh <= n) ->
  pwt p n (kve_proj_at offZ oQ oK oV M c dh H).
Proof.
  intros HZ HW. unfold kve_proj_at. cbn [pwt]. split; intros h Hh; destruct (HW h Hh) as (? & ? & ?).
  - apply matmul_at_wt; lia.
  - split; apply matmul_at_wt; lia.
Qed.

Lemma kve_tl_at_arity p D M C (oKc oVc : nat -> nat) wo go r :
  arity_out (kve_tl_at p D M C oKc oVc wo go r) = M * ld D + (lH D * ((M + M) * ldh D) + r).
Proof. unfold kve_tl_at. cbn [arity_out]. apply tl_res_arity. Qed.

Theorem kve_tl_at_wt p D M C (oKc oVc : nat -> nat) wo go r :
  go + (wo + tl_size D) <= r ->
  (forall h, h < lH D -> oKc h + C * ldh D <= r /\ oVc h + C * ldh D <= r) ->
  pwt p (M * ld D + r) (kve_tl_at p D M C oKc oVc wo go r).
Proof.
  intros Hr HC. unfold kve_tl_at.
  assert (Hsz : o_c2 D + ld D <= tl_size D) by (unfold tl_size; lia).
  assert (Hoff : o_g1 D <= o_b1 D /\ o_b1 D + ld D <= o_o D
                 /\ o_o D + lH D * ldh D * ld D <= o_g2 D
                 /\ o_g2 D + ld D <= o_b2 D /\ o_b2 D + ld D <= o_w1 D
                 /\ o_w1 D + ld D * ldff D <= o_c1 D
                 /\ o_c1 D + ldff D <= o_w2 D /\ o_w2 D + ldff D * ld D <= o_c2 D).
  { unfold o_c2, o_w2, o_c1, o_w1, o_b2, o_g2, o_o, o_b1, o_g1. repeat split; nia. }
  cbn [pwt]. split; [split|].
  { apply lnaff_at_wt; lia. }
  { apply keep_wt_le. lia. }
  ar. rewrite lnaff_at_arity. split; [split|].
  { apply kve_proj_wt; [lia|]. intros h Hh. pose proof (o_qkv_le D h Hh).
    unfold o_k, o_v in *. repeat split; lia. }
  { apply keep_wt_le. lia. }
  ar. rewrite kve_proj_arity. split; [split; [|split; [|split]]|].
  { apply kve_mha_wt; [apply lscale_valid| |].
    - intros h Hh. destruct (HC h Hh). assert (h * ((M + M) * ldh D) + (M + M) * ldh D <= lH D * ((M + M) * ldh D)) by nia.
      repeat split; nia.
    - lia. }
  { apply keep_wt_le. lia. }
  { apply keep_wt_le. lia. }
  { apply keep_wt_le. lia. }
  ar. rewrite kve_mha_arity. split.
  { replace (M * ld D + (M * ld D + (lH D * ((M + M) * ldh D) + r))) with (2 * (M * ld D) + (lH D * ((M + M) * ldh D) + r)) by lia.
    apply tl_res_wt. }
  rewrite tl_res_arity. split; [split|].
  { apply lnaff_at_wt; lia. }
  { apply keep_wt_le. lia. }
  ar. rewrite lnaff_at_arity. split; [split|].
  { apply ffn_inner_at_wt; lia. }
  { apply keep_wt_le. lia. }
  ar. rewrite ffn_inner_at_arity.
  replace (M * ld D + (M * ld D + (lH D * ((M + M) * ldh D) + r))) with (2 * (M * ld D) + (lH D * ((M + M) * ldh D) + r)) by lia.
  apply tl_res_wt.
Qed.

(** ** Typing: the AR stage, one scale, the pipeline *)

Section typing.
  Context (p : nat) (cfg : Config).
  Local Notation M i := (tok cfg i).
  Local Notation d := (dm cfg).

  Lemma kv_layers_wt i base go r l :
    (forall l', l' < L cfg -> go + (off_ar cfg l' + tl_size (LD cfg)) <= r) ->
    (forall l' h, l' < L cfg -> h < kvH cfg ->
       oKc cfg i base l' h + kvrows cfg i * kvdh cfg <= r /\ oVc cfg i base l' h + kvrows cfg i * kvdh cfg <= r) ->
    l <= L cfg ->
    pwt p (M i * d + r) (kv_layers_at p cfg i base go r l)
    /\ arity_out (kv_layers_at p cfg i base go r l) = M i * d + (l * kvw cfg i + r).
  Proof.
    intros HL HC. induction l as [|l IH]; intros Hl; cbn [kv_layers_at].
    - split; [apply idw_wt|]. unfold idw. cbn. rewrite map_length, seq_length. lia.
    - destruct IH as [IH1 IH2]; [lia|]. split; [split; [exact IH1|]|].
      + rewrite IH2. replace (M i * d + (l * kvw cfg i + r)) with (M i * ld (LD cfg) + (l * kvw cfg i + r))
          by reflexivity.
        apply kve_tl_at_wt.
        * pose proof (HL l ltac:(lia)). lia.
        * intros h Hh. destruct (HC l h ltac:(lia) Hh). unfold kvdh in *. split; lia.
      + change (arity_out (PSeq ?x ?y)) with (arity_out y). rewrite kve_tl_at_arity.
        unfold kvw, kvH, kvdh, dm. cbn [Nat.mul]. lia.
  Qed.

  Lemma newblock_wt gofs w i :
    yoff (tok cfg) (ch cfg) i <= gofs -> gofs + glen cfg <= w ->
    pwt p w (newblock_at p cfg gofs w i) /\ arity_out (newblock_at p cfg gofs w i) = M i * d.
  Proof.
    intros Hg Hw. assert (Hemb : off_embb cfg + dm cfg <= glen cfg) by (unfold glen, off_fh, off_ar; lia).
    destruct i as [|j]; cbn [newblock_at].
    - split; [apply keep_wt_le; unfold off_embb, off_embW, off_noise in *; lia|apply keep_arity].
    - unfold embed_at. split.
      + split; [split|].
        * apply up_at_wt. rewrite yoff_S in Hg. unfold tok in *. lia.
        * apply keep_wt_le. lia.
        * change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y).
          rewrite up_at_arity', keep_arity. apply mlp_at_wt; unfold off_embb in *; nia.
      + cbn [arity_out]. apply mlp_at_arity.
  Qed.

  Lemma kvassemble_wt n i base acc :
    base + kvlen cfg (kvrows cfg i) <= n -> acc + L cfg * kvw cfg i <= n ->
    pwt p n (kvassemble cfg i base acc) /\ arity_out (kvassemble cfg i base acc) = kvlen cfg (ntok cfg i).
  Proof.
    intros Hb Ha. unfold kvassemble, kvlen, kvw in *.
    set (H := kvH cfg) in *. set (dh := kvdh cfg) in *. set (C := kvrows cfg i) in *. set (Mi := tok cfg i) in *.
    split.
    - cbn [pwt]. intros q Hq.
      assert (HH : H <> 0) by (intros E; rewrite E in Hq; lia).
      assert (Hl : q / H < L cfg) by (apply Nat.div_lt_upper_bound; lia).
      pose proof (Nat.mod_upper_bound q H HH) as Hh.
      assert (X1 : Mi * dh <= (Mi + Mi) * dh) by nia.
      pose proof (acc_fit (L cfg) H (q / H) (q mod H) ((Mi + Mi) * dh) (Mi * dh) Hl Hh X1).
      pose proof (acc_fit (L cfg) H (q / H) (q mod H) ((Mi + Mi) * dh) (Mi * dh + Mi * dh) Hl Hh ltac:(lia)).
      assert (q * ((C + C) * dh) + (C + C) * dh <= L cfg * H * ((C + C) * dh)) by nia.
      repeat split; apply keep_wt_le; nia.
    - cbn [arity_out]. rewrite (list_sum_seq_const _ _ (C * dh + (Mi * dh + (C * dh + Mi * dh)))).
      + assert (E : C + Mi = ntok cfg i) by (unfold C, Mi, kvrows; pose proof (tok_le_ntok cfg i); lia).
        rewrite <- E. ring.
      + intros q _. rewrite !keep_arity. reflexivity.
  Qed.

  Theorem kv_scale_at_wt i : i < K cfg ->
    pwt p (yoff (tok cfg) (ch cfg) i + kvlen cfg (kvrows cfg i) + glen cfg) (kv_scale_at p cfg i)
    /\ arity_out (kv_scale_at p cfg i)
       = yoff (tok cfg) (ch cfg) (S i) + kvlen cfg (kvrows cfg (S i)) + glen cfg.
  Proof.
    intros Hi. unfold kv_scale_at.
    set (y := yoff (tok cfg) (ch cfg) i). set (c := ch cfg).
    set (C := kvrows cfg i). set (Mi := tok cfg i).
    set (gofs := y + kvlen cfg C). set (w := gofs + glen cfg).
    set (aw := L cfg * kvw cfg i).
    assert (HN : kvrows cfg (S i) = ntok cfg i)
      by (unfold kvrows; rewrite ntok_S; lia).
    pose proof (layout_noise cfg i Hi) as Hno.
    assert (Hfh : off_fh cfg + fh_size (FD cfg) <= glen cfg) by (unfold glen; lia).
    assert (Hembw : off_embW cfg <= off_fh cfg) by (unfold off_fh, off_ar, off_embb; lia).
    destruct (newblock_wt gofs w i ltac:(unfold gofs; lia) ltac:(unfold w; lia)) as [NB1 NB2].
    assert (HLay : forall l', l' < L cfg -> gofs + (off_ar cfg l' + tl_size (LD cfg)) <= w).
    { intros l' Hl'. pose proof (layout_ar cfg l' Hl'). unfold w. lia. }
    assert (HC : forall l' h, l' < L cfg -> h < kvH cfg ->
              oKc cfg i y l' h + kvrows cfg i * kvdh cfg <= w /\ oVc cfg i y l' h + kvrows cfg i * kvdh cfg <= w).
    { intros l' h Hl' Hh. unfold oVc, oKc, w, gofs, kvlen. fold C.
      assert (Hq : l' * kvH cfg + h + 1 <= L cfg * kvH cfg) by nia.
      assert ((l' * kvH cfg + h) * ((C + C) * kvdh cfg) + (C + C) * kvdh cfg
              <= L cfg * kvH cfg * ((C + C) * kvdh cfg)).
      { replace ((l' * kvH cfg + h) * ((C + C) * kvdh cfg) + (C + C) * kvdh cfg)
          with ((l' * kvH cfg + h + 1) * ((C + C) * kvdh cfg)) by ring.
        apply Nat.mul_le_mono_r, Hq. }
      split; nia. }
    destruct (kv_layers_wt i y gofs w (L cfg) HLay HC (le_n _)) as [LY1 LY2].
    destruct (kvassemble_wt (Mi * d + (aw + w)) i (Mi * d + aw + y) (Mi * d)
                ltac:(unfold w, gofs, C; lia) ltac:(unfold aw; lia)) as [KA1 KA2].
    cbn [pwt]. split.
    { split; [split; [exact NB1|apply keep_wt_le; lia]|].
      change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y). rewrite NB2, keep_arity.
      split; [exact LY1|]. rewrite LY2. fold aw. split.
      { split; [|split; [|split; [|split]]].
        - apply keep_wt_le. unfold w, gofs. lia.
        - apply keep_wt_le. lia.
        - apply keep_wt_le. unfold w, gofs. lia.
        - exact KA1.
        - apply keep_wt_le. unfold w. lia. }
      ar. rewrite KA2. split.
      { replace (Mi * c + (Mi * d + (y + (kvlen cfg (ntok cfg i) + glen cfg))))
          with (Mi * fhc (FD cfg) + Mi * ld (fhLD (FD cfg)) + (y + kvlen cfg (ntok cfg i) + glen cfg))
          by (cbn [fhc fhLD FD]; unfold dm in *; lia).
        apply flow_at_wt. lia. }
      rewrite flow_at_arity. cbn [fhc fhLD FD]. repeat split; apply keep_wt_le; unfold dm; lia. }
    ar. unfold y, c, Mi. rewrite yoff_S, HN. lia.
  Qed.

  Lemma kv_scales_wt k : k <= K cfg ->
    pwt p (glen cfg) (kv_scales_at p cfg k)
    /\ arity_out (kv_scales_at p cfg k) = yoff (tok cfg) (ch cfg) k + kvlen cfg (kvrows cfg k) + glen cfg.
  Proof.
    induction k as [|k IH]; intros Hk; cbn [kv_scales_at].
    - split; [apply idw_wt|]. unfold idw. cbn [arity_out]. rewrite map_length, seq_length.
      unfold kvlen, kvrows. rewrite ntok_0, Nat.sub_diag.
      replace (yoff (tok cfg) (ch cfg) 0) with 0 by reflexivity. lia.
    - destruct IH as [IH1 IH2]; [lia|]. destruct (kv_scale_at_wt k ltac:(lia)) as [S1 S2].
      split; [split; [exact IH1|rewrite IH2; exact S1]|]. exact S2.
  Qed.

  (** The cached program is well typed on input vectors of length [glen]. *)
  Theorem flowar_cached_prog_wt : 1 <= K cfg -> pwt p (glen cfg) (flowar_cached_prog p cfg).
  Proof.
    intros HK. destruct (kv_scales_wt (K cfg) (le_n _)) as [Hw Ha].
    split; [exact Hw|]. rewrite Ha. apply keep_wt_le.
    pose proof (yoff_lt (tok cfg) (ch cfg) (K cfg - 1) (K cfg) ltac:(lia)). lia.
  Qed.
End typing.
