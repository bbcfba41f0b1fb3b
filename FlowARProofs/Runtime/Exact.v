(** * Exact inference cost of FlowAR and VAR, as closed forms

    The paper's second claim is about the number of operations of exact
    inference.  Here the exact count of every kind of primitive of the
    pipeline's program ([Pipeline/FlowAR.v]'s [flowar_prog], [Pipeline/VAR.v]'s
    [var_prog]) is a closed form in the configuration, over binary numbers:
    {v
      tok i    = (s0·a^i)²                 tokens of scale i
      ntok i   = Σ_{j≤i} tok j             tokens the AR transformer sees at scale i
      pairs i  = Σ_{j≤i} tok j · ntok j    visible (query, key) pairs of the block-causal mask
      scale i  = Σ_{j<i} (Up + Emb)(tok (j+1))             building the sequence
               + L · layer(ntok i, pairs i)                 AR transformer
               + T · step(tok i)                            flow head: T Euler steps,
                                                            each L_f unmasked layers on tok i tokens
      FlowAR   = Σ_{i<K} scale i
      VAR      = Σ_{i<K} (Σ_{j<i} (Up + Emb)(tok (j+1)) + L · layer(ntok i, pairs i) + MLP_head(tok i))
    v}
    with [layer] and [step] from [Runtime/ExactLayer.v].  [flowar_cost_of]:
    for every cost model [cm], [N.of_nat (wwork (op_cost cm) (flowar_prog p cfg))
    = flowar_cost cm cfg]; [flowar_exact_work]: total work and work per kind.

    The only non-trivial count is the mask's: [Σ_{t < ntok i} lim t =
    Σ_{j≤i} tok j · ntok j] ([pairs_sum]): a token of scale [j] sees the
    [ntok j] tokens of scales [≤ j]. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import AttnCommon Attention MLP Sampling.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR VAR.
From FlowARProofs.Runtime Require Import ExactModules ExactCost ExactLayer.
Import ListNotations.
Set Default Goal Selector "!".

Local Notation n := N.of_nat.

Implicit Types (cfg : Config) (cm : kind -> nat) (i j k : nat).

(** ** Sums over [seq 0 k] in binary *)

Fixpoint nsum (f : nat -> N) k : N := match k with 0 => 0%N | S k' => (nsum f k' + f k')%N end.

Lemma nsum_of (f : nat -> nat) k : n (list_sum (map f (seq 0 k))) = nsum (fun i => n (f i)) k.
Proof.
  induction k as [|k IH]; [reflexivity|].
  rewrite seq_S, map_app, list_sum_app. cbn [map list_sum fold_right nsum].
  rewrite Nat.add_0_r, Nat2N.inj_add, IH. reflexivity.
Qed.

Lemma nsum_ext (f g : nat -> N) k : (forall i, i < k -> f i = g i) -> nsum f k = nsum g k.
Proof.
  induction k as [|k IH]; intros H; [reflexivity|]. cbn [nsum].
  rewrite IH; [rewrite H; [reflexivity|lia]|]. intros; apply H; lia.
Qed.

(** ** The block-causal mask: number of visible pairs *)

Lemma bc_lim_snoc ns x t :
  bc_lim (ns ++ [x]) t = if t <? list_sum ns then bc_lim ns t else list_sum ns + x.
Proof.
  revert t. induction ns as [|k ns IH]; intros t.
  - cbn [app bc_lim list_sum fold_right]. destruct (Nat.ltb_spec t x), (Nat.ltb_spec t 0); lia.
  - change (list_sum (k :: ns)) with (k + list_sum ns). cbn [app bc_lim]. rewrite IH.
    destruct (Nat.ltb_spec t k), (Nat.ltb_spec (t - k) (list_sum ns)),
      (Nat.ltb_spec t (k + list_sum ns)); lia.
Qed.

Definition bcsum (ns : list nat) : nat := list_sum (map (bc_lim ns) (seq 0 (list_sum ns))).

Lemma bcsum_snoc ns x : bcsum (ns ++ [x]) = bcsum ns + x * (list_sum ns + x).
Proof.
  unfold bcsum. rewrite list_sum_app. cbn [list_sum fold_right]. rewrite Nat.add_0_r.
  rewrite seq_app, map_app, list_sum_app. f_equal.
  - f_equal. apply map_ext_in. intros t Ht. apply in_seq in Ht. rewrite bc_lim_snoc.
    destruct (Nat.ltb_spec t (list_sum ns)); [reflexivity|lia].
  - rewrite (map_ext_in _ (fun _ => list_sum ns + x)).
    + rewrite (map_seq_offset (fun _ => list_sum ns + x)), list_sum_const. lia.
    + intros t Ht. apply in_seq in Ht. rewrite bc_lim_snoc.
      destruct (Nat.ltb_spec t (list_sum ns)); [lia|reflexivity].
Qed.

Theorem pairs_sum cfg i :
  list_sum (map (lim_at cfg i) (seq 0 (ntok cfg i)))
  = list_sum (map (fun j => tok cfg j * ntok cfg j) (seq 0 (S i))).
Proof.
  unfold lim_at. change (list_sum (map (bc_lim ?ns) (seq 0 (ntok cfg i)))) with (bcsum (map (tok cfg) (seq 0 (S i)))).
  induction i as [|i IH].
  - change (map (tok cfg) (seq 0 1)) with ([] ++ [tok cfg 0]). rewrite bcsum_snoc.
    unfold ntok. cbn. lia.
  - rewrite (seq_S (S i)), map_app. cbn [map]. rewrite bcsum_snoc, IH, map_app, list_sum_app.
    cbn [map list_sum fold_right]. replace (0 + S i) with (S i) by lia.
    change (list_sum (map (tok cfg) (seq 0 (S i)))) with (ntok cfg i). rewrite ntok_S. lia.
Qed.

Lemma lim_at_pos cfg i t : t < ntok cfg i -> 1 <= lim_at cfg i t.
Proof. intros Ht. pose proof (bc_lim_spec (map (tok cfg) (seq 0 (S i))) t Ht). unfold lim_at. lia. Qed.

(** ** Token counts in binary *)

Definition tokN cfg i : N := let s := (n (s0 cfg) * n (a cfg) ^ n i)%N in (s * s)%N.
Definition ntokN cfg i : N := nsum (tokN cfg) (S i).
Definition pairsN cfg i : N := nsum (fun j => tokN cfg j * ntokN cfg j)%N (S i).

Lemma tokN_of cfg i : n (tok cfg i) = tokN cfg i.
Proof. unfold tok, side, tokN. rewrite !Nat2N.inj_mul, Nat2N.inj_pow. reflexivity. Qed.

Lemma ntokN_of cfg i : n (ntok cfg i) = ntokN cfg i.
Proof. unfold ntok, ntokN. rewrite nsum_of. apply nsum_ext. intros. apply tokN_of. Qed.

Lemma pairsN_of cfg i : n (list_sum (map (lim_at cfg i) (seq 0 (ntok cfg i)))) = pairsN cfg i.
Proof.
  rewrite pairs_sum, nsum_of. unfold pairsN. apply nsum_ext. intros j _.
  rewrite Nat2N.inj_mul, tokN_of, ntokN_of. reflexivity.
Qed.

(** ** The closed forms *)

Section closed_forms.
  Context (cm : kind -> nat) (cfg : Config).
  Local Open Scope N_scope.
  Let c := n (ch cfg). Let d := n (dm cfg).

  (** Block [j+1] of the sequence: up-sampling and embedding of scale [j]'s output. *)
  Definition embed_cost j : N := up_cost cm (tokN cfg (S j)) c + mlp_cost cm (tokN cfg (S j)) c d.
  Definition seq_cost i : N := nsum embed_cost i.
  (** The AR transformer at scale [i]. *)
  Definition ar_cost i : N := n (L cfg) * layer_cost cm (LD cfg) (ntokN cfg i) (pairsN cfg i).
  (** The flow head at scale [i]: [T] Euler steps. *)
  Definition fh_cost i : N := n (T cfg) * step_cost cm (FD cfg) (tokN cfg i).
  Definition scale_cost i : N := seq_cost i + ar_cost i + fh_cost i.
  Definition flowar_cost : N := nsum scale_cost (K cfg).

  (** VAR: the linear head instead of the flow head. *)
  Definition var_scale_cost i : N := seq_cost i + ar_cost i + mlp_cost cm (tokN cfg i) d c.
  Definition var_cost : N := nsum var_scale_cost (K cfg).
End closed_forms.

(** ** The programs' costs *)

Section proofs.
  Context (cm : kind -> nat) (p : nat) (cfg : Config).

  Lemma embed_cost_of gofs w j : n (wwork (op_cost cm) (embed_at p cfg gofs w j)) = embed_cost cm cfg j.
  Proof.
    unfold embed_at, embed_cost. rewrite ww_PSeq, ww_PPar, ww_keep, Nat.add_0_r, !Nat2N.inj_add.
    rewrite up_cost_of, mlp_cost_of, <- tok_S, tokN_of. reflexivity.
  Qed.

  Lemma seq_cost_of gofs w i : n (wwork (op_cost cm) (seq_at p cfg gofs w i)) = seq_cost cm cfg i.
  Proof.
    induction i as [|i IH]; [reflexivity|]. cbn [seq_at]. rewrite ww_PPar, Nat2N.inj_add, IH.
    rewrite embed_cost_of. reflexivity.
  Qed.

  Lemma ar_cost_of i gofs w :
    n (wwork (op_cost cm) (iter (ntok cfg i * dm cfg + w) (L cfg)
         (fun l => tl_at p (LD cfg) (ntok cfg i) (lim_at cfg i) (off_ar cfg l) gofs w)))
    = ar_cost cm cfg i.
  Proof.
    rewrite ww_iter. unfold ar_cost. apply n_sum_const. intros l _.
    rewrite layer_cost_of.
    - rewrite ntokN_of, pairsN_of. reflexivity.
    - intros t Ht. apply lim_at_le, Ht.
    - intros t Ht. apply lim_at_pos, Ht.
  Qed.

  (** The same for any block list [ns] (multi-head attention ignores it), as
      [scale_at] writes it. *)
  Lemma ar_cost_of_ns ns i gofs w :
    n (wwork (op_cost cm) (iter (ntok cfg i * dm cfg + w) (L cfg)
         (fun l => tl_at_by mha_prog p (LD cfg) (ntok cfg i) ns (lim_at cfg i) (off_ar cfg l) gofs w)))
    = ar_cost cm cfg i.
  Proof. exact (ar_cost_of i gofs w). Qed.

  Theorem scale_cost_of i : n (wwork (op_cost cm) (scale_at p cfg i)) = scale_cost cm cfg i.
  Proof.
    unfold scale_at, scale_at_by, scale_cost. change (flow_at_by mha_prog) with flow_at.
    rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat.add_0_l, ?Nat2N.inj_add.
    rewrite seq_cost_of, ar_cost_of_ns, flow_cost_of, tokN_of. unfold fh_cost. ring.
  Qed.

  Lemma grow_cost gl (body : nat -> prog) k :
    wwork (op_cost cm) (grow gl body k) = list_sum (map (fun i => wwork (op_cost cm) (body i)) (seq 0 k)).
  Proof.
    induction k as [|k IH]; [reflexivity|]. cbn [grow]. rewrite ww_PSeq, IH, seq_S, map_app, list_sum_app.
    cbn. lia.
  Qed.

  (** The pipeline's cost under any price per kind. *)
  Theorem flowar_cost_of : n (wwork (op_cost cm) (flowar_prog p cfg)) = flowar_cost cm cfg.
  Proof.
    unfold flowar_prog, flowar_prog_by, scales_at_by, flowar_cost. change (scale_at_by mha_prog) with scale_at.
    rewrite ww_PSeq, ww_keep, Nat.add_0_r, grow_cost, nsum_of.
    apply nsum_ext. intros i _. apply scale_cost_of.
  Qed.

  Theorem var_scale_cost_of i : n (wwork (op_cost cm) (var_scale_at p cfg i)) = var_scale_cost cm cfg i.
  Proof.
    unfold var_scale_at, var_scale_cost. rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, ?Nat.add_0_r, ?Nat.add_0_l, ?Nat2N.inj_add.
    rewrite seq_cost_of, ar_cost_of, mlp_cost_of, tokN_of. ring.
  Qed.

  Theorem var_cost_of : n (wwork (op_cost cm) (var_prog p cfg)) = var_cost cm cfg.
  Proof.
    unfold var_prog, var_scales_at, var_cost. rewrite ww_PSeq, ww_keep, Nat.add_0_r, grow_cost, nsum_of.
    apply nsum_ext. intros i _. apply var_scale_cost_of.
  Qed.
End proofs.

(** ** Headline: exact work, total and per kind *)

Theorem flowar_exact_work p cfg :
  n (work (flowar_prog p cfg)) = flowar_cost unit_cost cfg
  /\ (forall kd : kind, n (work_by_kind kd (flowar_prog p cfg)) = flowar_cost (kind_cost kd) cfg).
Proof.
  split.
  - rewrite work_wwork. apply flowar_cost_of.
  - intros kd. apply flowar_cost_of.
Qed.

Theorem var_exact_work p cfg :
  n (work (var_prog p cfg)) = var_cost unit_cost cfg
  /\ (forall kd : kind, n (work_by_kind kd (var_prog p cfg)) = var_cost (kind_cost kd) cfg).
Proof.
  split.
  - rewrite work_wwork. apply var_cost_of.
  - intros kd. apply var_cost_of.
Qed.

(** The same at each level, for [work] itself: one layer, one flow-head step, one scale. *)
Corollary layer_exact_work p D N lim wo go r :
  (forall i, i < N -> lim i <= N) -> (forall i, i < N -> 1 <= lim i) ->
  n (work (tl_at p D N lim wo go r)) = layer_cost unit_cost D (n N) (n (list_sum (map lim (seq 0 N)))).
Proof. intros. rewrite work_wwork. apply layer_cost_of; assumption. Qed.

Corollary step_exact_work p Dm M T0 wo go r k :
  n (work (fh_step p Dm M T0 wo go r k)) = step_cost unit_cost Dm (n M).
Proof. rewrite work_wwork. apply step_cost_of. Qed.

Corollary scale_exact_work p cfg i : n (work (scale_at p cfg i)) = scale_cost unit_cost cfg i.
Proof. rewrite work_wwork. apply scale_cost_of. Qed.

(** The total is the sum of the six kinds (also as closed forms). *)
Corollary flowar_cost_kinds p cfg :
  flowar_cost unit_cost cfg = N.of_nat (list_sum (map (fun kd => work_by_kind kd (flowar_prog p cfg)) kinds)).
Proof. rewrite <- work_by_kind_sum. symmetry. apply flowar_exact_work. Qed.
