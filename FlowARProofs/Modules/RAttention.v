(** * Released attention (biases, RoPE; self- or cross-attention) is in TC0

    The attention of released FlowAR (wangqiang9/FlowAR, models/flowar.py
    [Attention]; models/flowmodel.py [Attention], [CrossAttention]) differs
    from the paper's (Modules/Attention.v) in three ways:
    - the projections have biases ([nn.Linear(dim, 3·dim, bias=qkv_bias)]
      with [qkv_bias=True] in the AR blocks; the [proj] layer always has a
      bias);
    - queries and keys are rotated by the 2-D RoPE of Modules/RoPE.v after
      the projection;
    - in the flow head's [Block_v2], keys and values come from another
      sequence (the AR output, of width [e] possibly different from the
      flow width [c]): cross-attention.  Both sequences have [N] tokens
      ([kv.reshape(B, N, …)] with the queries' [N]).
    Per head [h], with queries from [X : N × c] and keys/values from
    [Y : N × e] ([Y = X] for self-attention):
    {v
      Q = rope(X·WQ + bQ),  K = rope(Y·WK + bK),  V = Y·WV + bV
      out_il = (Σ_{j<lim i} exp(scale·Q_i·K_j) V_jl) / (Σ_{j<lim i} exp(scale·Q_i·K_j))
    v}
    and [MHA = Concat_h(out_h)·WO + bO].  [lim] is the key limit of
    Modules/Attention.v (block-causal for the AR transformer, [N] in the
    flow head).

    What is reused: the attention core (scores, exp, row sums, numerators,
    division) is stages 2–4 of [Modules/Attention.v] ([attn_w_at],
    [attn_den_at], [attn_num_at], [mstage]), packaged as [attn_core_at] with
    the semantics [fattn_core] of any [Q], [K], [V] ([fattn] is its instance
    [fattn_fattn_core]); the projections are [mlp_at] (Modules/MLP.v), the
    rotation [rope_at] (Modules/RoPE.v).

    Modelling choices, shared with Modules/Attention.v: softmax without the
    maximum subtraction, the normalisation applied after [A·V] (as
    flash-attention kernels do); see docs/deviations.md.

    Depth ([rattn_at_wdepth]): projections [2·d_std + d_⊕], RoPE [3·d_std],
    core [4·d_std + 2·d_⊕ + d_exp]: [9·d_std + 3·d_⊕ + d_exp] per head;
    the output projection with bias adds [2·d_std + d_⊕]
    ([rmha_at_wdepth]: [11·d_std + 4·d_⊕ + d_exp]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import Common AttnCommon Attention MLP Pointwise RoPE.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (X Y Q K V Cs Sn WQ WK WV bQ bK bV WO bO : mat)
  (xs : list flt) (p n N c e dh H d : nat) (scale : flt) (lim : nat -> nat).

(** ** The attention core on given [Q], [K], [V] *)

Definition fattn_core P p dh scale lim Q K V : mat :=
  fun i l =>
    fdiv p (fdot p (lim i) (fun j => fexp P p (fmul p scale (fdot p dh (Q i) (K j)))) (fun j => V j l))
           (fsum p (map (fun j => fexp P p (fmul p scale (fdot p dh (Q i) (K j)))) (seq 0 (lim i)))).

(** The paper's attention is the core on the projections. *)
Lemma fattn_fattn_core P p c dh scale lim X WQ WK WV :
  fattn P p c dh scale lim X WQ WK WV
  = fattn_core P p dh scale lim (fmatmul p c X WQ) (fmatmul p c X WK) (fmatmul p c X WV).
Proof. reflexivity. Qed.

Definition attn_core_at N dh scale lim : prog :=
  PSeq (attn_w_at N dh scale lim)
  (PSeq (PPar (attn_den_at N lim) (attn_num_at N dh lim)) (mstage N dh BDiv)).

Theorem attn_core_at_correct P p N dh scale lim Q K V :
  (forall i, i < N -> lim i <= N) ->
  peval P p (attn_core_at N dh scale lim) (flat N dh Q ++ (flat N dh K ++ flat N dh V))
  = flat N dh (fattn_core P p dh scale lim Q K V).
Proof.
  intros Hlim. unfold attn_core_at. rewrite !peval_PSeq.
  rewrite (attn_w_at_correct _ _ _ _ _ _ _ _ _ Hlim), peval_PPar.
  rewrite (attn_den_at_correct _ _ _ _ _ _ _ Hlim), (attn_num_at_correct _ _ _ _ _ _ _ Hlim).
  rewrite mstage_correct. apply flat_ext. intros i l Hi Hl. cbn [binsem]. unfold fattn_core.
  assert (Hm : forall j, In j (seq 0 (lim i)) ->
            mask lim (fun i j => fexp P p (fmul p scale (fdot p dh (Q i) (K j)))) fzero i j
            = fexp P p (fmul p scale (fdot p dh (Q i) (K j)))).
  { intros j Hj. apply in_seq in Hj. unfold mask. destruct (Nat.ltb_spec j (lim i)); [|lia].
    reflexivity. }
  f_equal.
  - unfold fdot. f_equal. apply map_ext_in. intros j Hj. rewrite Hm by exact Hj. reflexivity.
  - f_equal. apply map_ext_in. exact Hm.
Qed.

Lemma attn_core_at_wt p n N dh scale lim :
  valid p scale = true -> (forall i, i < N -> lim i <= N) -> n = N * dh + (N * dh + N * dh) ->
  pwt p n (attn_core_at N dh scale lim).
Proof.
  intros Hs Hlim ->. unfold attn_core_at. cbn [pwt].
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_w_at_counts N dh scale lim Hlim))))).
  change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_den_at_counts N lim Hlim))))).
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_num_at_counts N dh lim Hlim))))).
  split; [apply attn_w_at_wt; auto|].
  split; [split; [apply attn_den_at_wt|apply attn_num_at_wt]; auto; nia|].
  apply mstage_wt. lia.
Qed.

Lemma attn_core_at_arity N dh scale lim : arity_out (attn_core_at N dh scale lim) = N * dh.
Proof. unfold attn_core_at. cbn [arity_out]. apply (mstage_counts N dh BDiv). Qed.

Lemma attn_core_at_wdepth P N dh scale lim :
  wdepth (op_dbound P) (attn_core_at N dh scale lim) <= 4 * d_std P + 2 * d_sum P + d_exp P.
Proof.
  unfold attn_core_at. cbn [wdepth].
  pose proof (attn_w_at_wdepth P N dh scale lim). pose proof (attn_den_at_wdepth P N lim).
  pose proof (attn_num_at_wdepth P N dh lim). pose proof (mstage_wdepth P N dh BDiv).
  lia.
Qed.

(** ** One head *)

Definition frattn P p c e dh scale lim X Y WQ bQ WK bK WV bV Cs Sn : mat :=
  fattn_core P p dh scale lim (frope p (fmlp p c X WQ bQ) Cs Sn) (frope p (fmlp p e Y WK bK) Cs Sn)
             (fmlp p e Y WV bV).

(** Stage 1: [Q₀ ; K₀ ; V ; cos ; sin]. *)
Definition rattn_proj_at offX offY oQ obQ oK obK oV obV offC offS N c e dh : prog :=
  PPar (mlp_at offX oQ obQ N c dh)
  (PPar (mlp_at offY oK obK N e dh)
  (PPar (mlp_at offY oV obV N e dh) (gather [(offC, N * dh); (offS, N * dh)]))).

(** Stage 2: [rope(Q₀) ; rope(K₀) ; V]. *)
Definition rattn_rope_at N dh : prog :=
  PPar (rope_at 0 (3 * (N * dh)) (4 * (N * dh)) N dh)
  (PPar (rope_at (N * dh) (3 * (N * dh)) (4 * (N * dh)) N dh) (keep (2 * (N * dh)) (N * dh))).

Definition rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e dh scale lim : prog :=
  PSeq (rattn_proj_at offX offY oQ obQ oK obK oV obV offC offS N c e dh)
  (PSeq (rattn_rope_at N dh) (attn_core_at N dh scale lim)).

Section head_correct.
  Context (P : FloatPrimitivesTC0) (p : nat) (xs : list flt).
  Context (offX offY oQ obQ oK obK oV obV offC offS N c e dh : nat) (scale : flt) (lim : nat -> nat).
  Context (X Y WQ bQ WK bK WV bV Cs Sn : mat).
  Context (Hlim : forall i, i < N -> lim i <= N) (Hdh : Nat.even dh = true).
  Context (HX : block xs offX N c X) (HY : block xs offY N e Y)
          (HQ : block xs oQ c dh WQ) (HbQ : block xs obQ 1 dh bQ)
          (HK : block xs oK e dh WK) (HbK : block xs obK 1 dh bK)
          (HV : block xs oV e dh WV) (HbV : block xs obV 1 dh bV)
          (HC : block xs offC N dh Cs) (HS : block xs offS N dh Sn).

  Let Q0 := fmlp p c X WQ bQ.
  Let K0 := fmlp p e Y WK bK.
  Let V := fmlp p e Y WV bV.

  Lemma rattn_proj_at_correct :
    peval P p (rattn_proj_at offX offY oQ obQ oK obK oV obV offC offS N c e dh) xs
    = flat N dh Q0 ++ (flat N dh K0 ++ (flat N dh V ++ (flat N dh Cs ++ flat N dh Sn))).
  Proof.
    unfold rattn_proj_at. rewrite !peval_PPar, (mlp_at_correct P p xs _ _ _ N c dh X WQ bQ),
      (mlp_at_correct P p xs _ _ _ N e dh Y WK bK), (mlp_at_correct P p xs _ _ _ N e dh Y WV bV)
      by assumption.
    rewrite gather_correct. cbn [map concat fst snd].
    rewrite (keep_block P p xs offC N dh Cs), (keep_block P p xs offS N dh Sn), app_nil_r
      by assumption.
    reflexivity.
  Qed.

  Lemma rattn_rope_at_correct A B Vm :
    peval P p (rattn_rope_at N dh) (flat N dh A ++ (flat N dh B ++ (flat N dh Vm ++ (flat N dh Cs ++ flat N dh Sn))))
    = flat N dh (frope p A Cs Sn) ++ (flat N dh (frope p B Cs Sn) ++ flat N dh Vm).
  Proof.
    set (L := flat N dh A ++ _).
    assert (Hsk : forall k Z ys, block ys (k * (N * dh)) N dh Z ->
              forall W, block (flat N dh W ++ ys) (S k * (N * dh)) N dh Z).
    { intros k Z ys Hk W. apply block_cons_flat with (off := k * (N * dh)); [lia|exact Hk]. }
    assert (HA : block L (0 * (N * dh)) N dh A) by (apply block_head_flat; lia).
    assert (HB : block L (1 * (N * dh)) N dh B) by (apply Hsk, block_head_flat; lia).
    assert (HVm : block L (2 * (N * dh)) N dh Vm) by (apply Hsk, Hsk, block_head_flat; lia).
    assert (HCs : block L (3 * (N * dh)) N dh Cs) by (apply Hsk, Hsk, Hsk, block_head_flat; lia).
    assert (HSn : block L (4 * (N * dh)) N dh Sn).
    { apply Hsk, Hsk, Hsk, Hsk. rewrite Nat.mul_0_l. apply block_flat. }
    rewrite Nat.mul_0_l in HA. rewrite Nat.mul_1_l in HB.
    unfold rattn_rope_at. rewrite !peval_PPar.
    rewrite (rope_at_correct P p L _ _ _ N dh A Cs Sn), (rope_at_correct P p L _ _ _ N dh B Cs Sn)
      by assumption.
    rewrite (keep_block P p L _ N dh Vm HVm). reflexivity.
  Qed.

  Theorem rattn_at_correct :
    peval P p (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e dh scale lim) xs
    = flat N dh (frattn P p c e dh scale lim X Y WQ bQ WK bK WV bV Cs Sn).
  Proof.
    unfold rattn_at. rewrite !peval_PSeq, rattn_proj_at_correct, rattn_rope_at_correct.
    apply attn_core_at_correct, Hlim.
  Qed.
End head_correct.

(** ** Typing of a head *)

Lemma rattn_proj_at_arity offX offY oQ obQ oK obK oV obV offC offS N c e dh :
  arity_out (rattn_proj_at offX offY oQ obQ oK obK oV obV offC offS N c e dh) = 5 * (N * dh).
Proof.
  unfold rattn_proj_at. repeat change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
  rewrite !mlp_at_arity, gather_arity. cbn. lia.
Qed.

Lemma rattn_rope_at_arity N h : arity_out (rattn_rope_at N (2 * h)) = 3 * (N * (2 * h)).
Proof.
  unfold rattn_rope_at. repeat change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
  rewrite !rope_at_arity, keep_arity. lia.
Qed.

Theorem rattn_at_wt p n offX offY oQ obQ oK obK oV obV offC offS N c e h scale lim :
  valid p scale = true -> (forall i, i < N -> lim i <= N) ->
  offX + N * c <= n -> offY + N * e <= n ->
  oQ + c * (2 * h) <= n -> obQ + 2 * h <= n -> oK + e * (2 * h) <= n -> obK + 2 * h <= n ->
  oV + e * (2 * h) <= n -> obV + 2 * h <= n ->
  offC + N * (2 * h) <= n -> offS + N * (2 * h) <= n ->
  pwt p n (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h) scale lim).
Proof.
  intros Hs Hlim HX HY HQ HbQ HK HbK HV HbV HC HS. set (dh := 2 * h) in *.
  assert (Hdh : Nat.even dh = true) by (apply Nat.even_spec; exists h; reflexivity).
  unfold rattn_at. cbn [pwt]. rewrite rattn_proj_at_arity. unfold dh. rewrite rattn_rope_at_arity.
  fold dh. split; [|split].
  - unfold rattn_proj_at. cbn [pwt].
    split; [apply mlp_at_wt; assumption|]. split; [apply mlp_at_wt; assumption|].
    split; [apply mlp_at_wt; assumption|]. apply gather_wt. repeat constructor; cbn; lia.
  - unfold rattn_rope_at. cbn [pwt]. split; [apply rope_at_wt; auto; lia|].
    split; [apply rope_at_wt; auto; lia|]. apply keep_wt_le. lia.
  - apply attn_core_at_wt; auto. lia.
Qed.

Lemma rattn_at_arity offX offY oQ obQ oK obK oV obV offC offS N c e dh scale lim :
  arity_out (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e dh scale lim) = N * dh.
Proof. unfold rattn_at. cbn [arity_out]. apply attn_core_at_arity. Qed.

(** ** Depth of a head *)

Theorem rattn_at_wdepth P offX offY oQ obQ oK obK oV obV offC offS N c e dh scale lim :
  wdepth (op_dbound P) (rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e dh scale lim)
  <= 9 * d_std P + 3 * d_sum P + d_exp P.
Proof.
  unfold rattn_at, rattn_proj_at, rattn_rope_at. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (mlp_at_wdepth P offX oQ obQ N c dh).
  pose proof (mlp_at_wdepth P offY oK obK N e dh).
  pose proof (mlp_at_wdepth P offY oV obV N e dh).
  assert (wdepth (op_dbound P) (gather [(offC, N * dh); (offS, N * dh)]) = 0) by reflexivity.
  pose proof (rope_at_wdepth P 0 (3 * (N * dh)) (4 * (N * dh)) N dh).
  pose proof (rope_at_wdepth P (N * dh) (3 * (N * dh)) (4 * (N * dh)) N dh).
  pose proof (attn_core_at_wdepth P N dh scale lim).
  lia.
Qed.

(** ** Multi-head, with the output projection's bias *)

Definition frmha P p c e dh H scale lim X Y (WQs bQs WKs bKs WVs bVs : nat -> mat) Cs Sn WO bO : mat :=
  fmlp p (H * dh)
    (fconcat dh (fun h => frattn P p c e dh scale lim X Y (WQs h) (bQs h) (WKs h) (bKs h)
                                 (WVs h) (bVs h) Cs Sn))
    WO bO.

(** On [O_0 ; … ; O_{H−1} ; W_O ; b_O]. *)
Definition rmha_proj_at N dh H d : prog :=
  PFor N (fun i => PFor d (fun t =>
    PSeq (PPar (dot_prog (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
                                  (fun m => H * (N * dh) + (m * d + t)))
               (PWire [FIn (H * (N * dh) + H * dh * d + t)]))
         (POp (OBin BAdd)))).

Definition rmha_at offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
    N c e dh H d scale lim : prog :=
  PSeq (PPar (PFor H (fun h => rattn_at offX offY (oQ h) (obQ h) (oK h) (obK h) (oV h) (obV h)
                                        offC offS N c e dh scale lim))
             (gather [(offO, H * dh * d); (offbO, d)]))
       (rmha_proj_at N dh H d).

Theorem rmha_at_correct P p xs offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
    N c e dh H d scale lim X Y (WQs bQs WKs bKs WVs bVs : nat -> mat) Cs Sn WO bO :
  (forall i, i < N -> lim i <= N) -> Nat.even dh = true ->
  block xs offX N c X -> block xs offY N e Y ->
  (forall h, h < H -> block xs (oQ h) c dh (WQs h) /\ block xs (obQ h) 1 dh (bQs h)
                      /\ block xs (oK h) e dh (WKs h) /\ block xs (obK h) 1 dh (bKs h)
                      /\ block xs (oV h) e dh (WVs h) /\ block xs (obV h) 1 dh (bVs h)) ->
  block xs offC N dh Cs -> block xs offS N dh Sn ->
  block xs offO (H * dh) d WO -> block xs offbO 1 d bO ->
  peval P p (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e dh H d scale lim) xs
  = flat N d (frmha P p c e dh H scale lim X Y WQs bQs WKs bKs WVs bVs Cs Sn WO bO).
Proof.
  intros Hlim Hdh HX HY HW HC HS HO HbO. unfold rmha_at. rewrite peval_PSeq, peval_PPar.
  set (F := fun h => frattn P p c e dh scale lim X Y (WQs h) (bQs h) (WKs h) (bKs h)
                            (WVs h) (bVs h) Cs Sn).
  rewrite (peval_PFor_blocks P p H N dh _ F).
  2: { intros h Hh. destruct (HW h Hh) as (HQ & HbQ & HK & HbK & HV & HbV).
       exact (rattn_at_correct P p xs offX offY (oQ h) (obQ h) (oK h) (obK h) (oV h) (obV h)
                offC offS N c e dh scale lim X Y (WQs h) (bQs h) (WKs h) (bKs h) (WVs h) (bVs h)
                Cs Sn Hlim Hdh HX HY HQ HbQ HK HbK HV HbV HC HS). }
  rewrite gather_correct. cbn [map concat fst snd].
  rewrite (keep_block _ _ _ _ _ _ WO HO), (keep_block1 _ _ _ _ _ bO HbO), app_nil_r.
  set (Cc := concat (map (fun k => flat N dh (F k)) (seq 0 H))).
  assert (Hlen : length Cc = H * (N * dh)) by apply length_concat_flat.
  unfold rmha_proj_at. apply peval_PFor2. intros i t Hi Ht.
  rewrite peval_PSeq, peval_PPar, dot_prog_correct. cbn [peval map fsrc_val opsem binsem nth app].
  unfold frmha, fmlp. f_equal. f_equal.
  - unfold fdot. apply (f_equal (fsum p)). apply map_ext_in. intros m Hm. apply in_seq in Hm.
    assert (Hdh0 : dh <> 0) by (intros ->; lia).
    assert (Hq : m / dh < H) by (apply Nat.div_lt_upper_bound; lia).
    pose proof (Nat.mod_upper_bound m dh Hdh0) as Hr.
    f_equal.
    + assert (HCc : block (Cc ++ (flat (H * dh) d WO ++ flat 1 d bO)) (m / dh * (N * dh)) N dh
                          (F (m / dh))).
      { apply block_app_l; [rewrite Hlen; nia|]. apply block_concat, Hq. }
      rewrite (HCc i (m mod dh) Hi Hr). reflexivity.
    + assert (HW' : block (Cc ++ (flat (H * dh) d WO ++ flat 1 d bO)) (length Cc + 0) (H * dh) d WO).
      { apply block_app_r. rewrite <- (Nat.mul_0_l (H * dh)). apply block_head_flat. lia. }
      rewrite Hlen, Nat.add_0_r in HW'. rewrite (HW' m t) by lia. reflexivity.
  - assert (Hb' : block (Cc ++ (flat (H * dh) d WO ++ flat 1 d bO)) (length Cc + (H * dh * d)) 1 d bO).
    { apply block_app_r. rewrite <- (flat_length (H * dh) d WO), <- (Nat.add_0_r (length _)).
      apply block_app_r, block_flat. }
    rewrite Hlen in Hb'. specialize (Hb' 0 t ltac:(lia) Ht).
    rewrite Nat.mul_0_l, Nat.add_0_l in Hb'. exact Hb'.
Qed.

Lemma rmha_heads_arity offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS N c e dh H scale lim :
  arity_out (PFor H (fun h => rattn_at offX offY (oQ h) (obQ h) (oK h) (obK h) (oV h) (obV h)
                                       offC offS N c e dh scale lim)) = H * (N * dh).
Proof. cbn [arity_out]. apply list_sum_seq_const. intros. apply rattn_at_arity. Qed.

Theorem rmha_at_wt p n offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
    N c e h H d scale lim :
  valid p scale = true -> (forall i, i < N -> lim i <= N) ->
  offX + N * c <= n -> offY + N * e <= n ->
  (forall k, k < H -> oQ k + c * (2 * h) <= n /\ obQ k + 2 * h <= n /\ oK k + e * (2 * h) <= n
                      /\ obK k + 2 * h <= n /\ oV k + e * (2 * h) <= n /\ obV k + 2 * h <= n) ->
  offC + N * (2 * h) <= n -> offS + N * (2 * h) <= n ->
  offO + H * (2 * h) * d <= n -> offbO + d <= n ->
  pwt p n (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e (2 * h) H d scale lim).
Proof.
  intros Hs Hlim HX HY HW HC HS HO HbO. unfold rmha_at. cbn [pwt].
  split; [split|].
  - cbn [pwt]. intros k Hk. destruct (HW k Hk) as (? & ? & ? & ? & ? & ?).
    apply rattn_at_wt; auto.
  - apply gather_wt. repeat constructor; cbn; lia.
  - change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
    rewrite rmha_heads_arity, gather_arity. cbn [map snd list_sum fold_right].
    set (dh := 2 * h) in *. cbn [rmha_proj_at pwt]. intros i Hi t Ht.
    split; [split|].
    + apply dot_prog_wt. intros m Hm.
      assert (Hdh : dh <> 0) by (intros ->; lia).
      assert (Hq : m / dh < H) by (apply Nat.div_lt_upper_bound; lia).
      pose proof (Nat.mod_upper_bound m dh Hdh) as Hr. split; nia.
    + repeat constructor. cbn. lia.
    + destruct (dot_prog_counts (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
                  (fun m => H * (N * dh) + (m * d + t))) as (_ & _ & _ & _ & Ha).
      cbn [arity_out length op_arity]. rewrite Ha. reflexivity.
Qed.

Theorem rmha_at_wdepth P offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
    N c e dh H d scale lim :
  wdepth (op_dbound P) (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e dh H d scale lim)
  <= 11 * d_std P + 4 * d_sum P + d_exp P.
Proof.
  unfold rmha_at. cbn [wdepth].
  assert (list_max (map (fun h => wdepth (op_dbound P)
            (rattn_at offX offY (oQ h) (obQ h) (oK h) (obK h) (oV h) (obV h) offC offS N c e dh
                      scale lim)) (seq 0 H)) <= 9 * d_std P + 3 * d_sum P + d_exp P)
    by (apply list_max_seq_le; intros; apply rattn_at_wdepth).
  assert (wdepth (op_dbound P) (gather [(offO, H * dh * d); (offbO, d)]) = 0) by reflexivity.
  assert (wdepth (op_dbound P) (rmha_proj_at N dh H d) <= 2 * d_std P + d_sum P).
  { apply PFor2_wdepth. intros i t _ _. cbn [wdepth op_dbound].
    pose proof (dot_prog_wdepth P (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
                  (fun m => H * (N * dh) + (m * d + t))). lia. }
  lia.
Qed.

(** ** Counts of a head *)

Section head_counts.
  Context (offX offY oQ obQ oK obK oV obV offC offS N c e h : nat) (scale : flt) (lim : nat -> nat).
  Context (Hlim : forall i, i < N -> lim i <= N).
  Let E := rattn_at offX offY oQ obQ oK obK oV obV offC offS N c e (2 * h) scale lim.
  Let L := list_sum (map lim (seq 0 N)).

  Ltac counts :=
    pose proof (rope_at_work 0 (3 * (N * (2 * h))) (4 * (N * (2 * h))) N h);
    pose proof (rope_at_work (N * (2 * h)) (3 * (N * (2 * h))) (4 * (N * (2 * h))) N h);
    pose proof (rope_at_ops 0 (3 * (N * (2 * h))) (4 * (N * (2 * h))) N h);
    pose proof (rope_at_ops (N * (2 * h)) (3 * (N * (2 * h))) (4 * (N * (2 * h))) N h);
    destruct (keep_counts (2 * (N * (2 * h))) (N * (2 * h))) as (k1 & k2 & k3 & k4 & k5);
    destruct (attn_w_at_counts N (2 * h) scale lim Hlim) as (o2 & q2 & w2 & m2 & a2);
    destruct (attn_den_at_counts N lim Hlim) as (o3 & q3 & w3 & m3 & a3);
    destruct (attn_num_at_counts N (2 * h) lim Hlim) as (o4 & q4 & w4 & m4 & a4);
    destruct (mstage_counts N (2 * h) BDiv) as (o5 & q5 & w5 & m5 & a5);
    unfold E, rattn_at, rattn_proj_at, rattn_rope_at, attn_core_at; cbn [ops work];
    rewrite ?mlp_at_ops, ?mlp_at_work; cbn [gather ops work].

  (** [N·dh·(c + 2) + 2·N·dh·(e + 2)] for the projections, [2·7·N·h] for the
      rotations, then the core. *)
  Lemma rattn_at_ops :
    ops E = N * (2 * h * (c + 2)) + 2 * (N * (2 * h * (e + 2))) + 2 * (N * (7 * h))
            + (2 * (2 * h) + 3) * L + N + 2 * (N * (2 * h)).
  Proof. counts. unfold L. lia. Qed.

  (** Exact for all sizes ([−] truncated). *)
  Lemma rattn_at_work :
    work E = N * (2 * h * (c + (c - 1) + 1)) + 2 * (N * (2 * h * (e + (e - 1) + 1))) + 2 * (N * (7 * h))
             + (2 * h + (2 * h - 1) + 2) * L + list_sum (map (fun i => lim i - 1) (seq 0 N))
             + 2 * h * list_sum (map (fun i => lim i + (lim i - 1)) (seq 0 N)) + N * (2 * h).
  Proof. counts. unfold L. lia. Qed.
End head_counts.

(** ** Example *)

(** [N = 2] tokens, [c = e = 2], one head of width [dh = 2], no mask:
    projections [3·2·2·4 = 48], rotations [2·2·7 = 28], core
    [(2·2 + 1)·4 + 2 + 2·(2·(2 + 1)) + 4 = 38]: [114]; unit-weight depth
    [3 (projections) + 3 (RoPE) + 4 (scores, exp) + 2 (sums) + 1 (division) = 13]. *)
Example ex_rattn_counts :
  work (rattn_at 0 0 4 8 10 14 16 20 22 26 2 2 2 2 fzero (fun _ => 2)) = 114
  /\ wdepth (fun _ => 1) (rattn_at 0 0 4 8 10 14 16 20 22 26 2 2 2 2 fzero (fun _ => 2)) = 13.
Proof. vm_compute. split; reflexivity. Qed.

Lemma rmha_at_arity offX offY (oQ obQ oK obK oV obV : nat -> nat) offC offS offO offbO
    N c e dh H d scale lim :
  arity_out (rmha_at offX offY oQ obQ oK obK oV obV offC offS offO offbO N c e dh H d scale lim)
  = N * d.
Proof.
  unfold rmha_at, rmha_proj_at. cbn [arity_out]. apply list_sum_seq_const. intros i _.
  rewrite (list_sum_seq_const _ d 1); [lia|]. intros. reflexivity.
Qed.
