(** * The KV-cached pipeline: exact work, Θ(n⁴), typing, depth

    [flowar_cached_work]: the work of [Runtime/KVPipeline.v]'s
    [flowar_cached_prog] — in total and per kind of primitive, i.e. under
    every cost model — is [Runtime/KVCache.v]'s closed form
    [flowar_cached_cost]:
    {v
      Σ_{i<K}  new_block(i)                       embedding of the newest block only
             + L · kv_layer(tok i, ntok i)         L layers on tok i rows, tok i · ntok i pairs
             + T · step(tok i)                     the flow head, unchanged
    v}
    (the cache bookkeeping is wiring: free).  Hence [flowar_cached_work_theta]:
    the cached program's work is [Θ(n⁴)] with the constants of
    [flowar_work_theta].  [flowar_cached_prog_wt] (typing) and
    [flowar_cached_prog_wdepth] (depth ≤ [flowar_depth], the recomputing
    program's bound) make it a program the compiler accepts. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR.
From FlowARProofs.Runtime Require Import ExactModules ExactCost ExactLayer Exact ExactTheta KVCache KVLayer
  KVPipeline.
Import ListNotations.
Set Default Goal Selector "!".

Local Notation n := N.of_nat.

Implicit Types (cfg : Config) (p i l k : nat).

(** ** Exact cost, under every cost model *)

Section cost.
  Context (cm : kind -> nat) (p : nat) (cfg : Config).
  Local Notation wt := (op_cost cm).

  Lemma kv_layers_cost_of i base go r l :
    n (wwork wt (kv_layers_at p cfg i base go r l))
    = (n l * kv_layer_cost cm (LD cfg) (tokN cfg i) (ntokN cfg i))%N.
  Proof.
    induction l as [|l IH]; cbn [kv_layers_at]; [reflexivity|].
    rewrite ww_PSeq, Nat2N.inj_add, IH, kve_layer_cost_of, tokN_of.
    unfold kvrows. pose proof (tok_le_ntok cfg i).
    replace (ntok cfg i - tok cfg i + tok cfg i) with (ntok cfg i) by lia.
    rewrite ntokN_of, Nat2N.inj_succ. lia.
  Qed.

  Lemma kvassemble_cost i base acc : wwork wt (kvassemble cfg i base acc) = 0.
  Proof.
    unfold kvassemble. rewrite (ww_PFor_const wt _ _ 0); [lia|].
    intros q _. rewrite !ww_PPar, !ww_keep. reflexivity.
  Qed.

  Lemma newblock_cost_of gofs w i :
    n (wwork wt (newblock_at p cfg gofs w i)) = new_block_cost cm cfg i.
  Proof. destruct i as [|j]; cbn [newblock_at new_block_cost]; [reflexivity|]. apply embed_cost_of. Qed.

  Theorem kv_scale_cost_of i : n (wwork wt (kv_scale_at p cfg i)) = cached_scale_cost cm cfg i.
  Proof.
    unfold kv_scale_at, cached_scale_cost.
    rewrite ?ww_PSeq, ?ww_PPar, ?ww_keep, kvassemble_cost, ?Nat.add_0_r, ?Nat.add_0_l, ?Nat2N.inj_add.
    rewrite newblock_cost_of, kv_layers_cost_of, flow_cost_of, tokN_of. unfold fh_cost. ring.
  Qed.

  Lemma kv_scales_cost_of k : n (wwork wt (kv_scales_at p cfg k)) = nsum (cached_scale_cost cm cfg) k.
  Proof.
    induction k as [|k IH]; cbn [kv_scales_at nsum]; [reflexivity|].
    rewrite ww_PSeq, Nat2N.inj_add, IH, kv_scale_cost_of. reflexivity.
  Qed.

  Theorem flowar_cached_cost_of : n (wwork wt (flowar_cached_prog p cfg)) = flowar_cached_cost cm cfg.
  Proof.
    unfold flowar_cached_prog, flowar_cached_cost. rewrite ww_PSeq, ww_keep, Nat.add_0_r.
    apply kv_scales_cost_of.
  Qed.
End cost.

(** The KV-cached program's exact work, total and per kind. *)
Theorem flowar_cached_work p cfg :
  n (work (flowar_cached_prog p cfg)) = flowar_cached_cost unit_cost cfg
  /\ (forall kd : kind, n (work_by_kind kd (flowar_cached_prog p cfg)) = flowar_cached_cost (kind_cost kd) cfg).
Proof.
  split.
  - rewrite work_wwork. apply flowar_cached_cost_of.
  - intros kd. apply flowar_cached_cost_of.
Qed.

(** ... and it is [Θ(n⁴)] on every schedule of [ExactTheta.v], with the
    recomputing program's constants [c₁ = theta_lo F], [c₂ = theta_hi F]. *)
Theorem flowar_cached_work_theta p F K m :
  (1 <= K)%nat ->
  (theta_lo F * n (out_side K m) ^ 4 <= n (work (flowar_cached_prog p (schedule F K m)))
   <= theta_hi F * n (out_side K m) ^ 4)%N.
Proof. intros HK. rewrite (proj1 (flowar_cached_work p _)). apply flowar_cached_cost_theta, HK. Qed.
