(** * Work of the KV-cached FlowAR-tiny/S/L/H, as numbers

    [Runtime/KVPipelineCost.v]'s [flowar_cached_work] makes the closed form
    [flowar_cached_cost] the work of the cached program [flowar_cached_prog];
    here it is evaluated by [vm_compute] (binary numbers, well under a second
    per configuration) for the configurations of [Witnesses/Runtime.v], in
    total and per kind (add, mul, div, cmp, exp, sqrt), next to the
    recomputing program's work.  Non-vacuity: for FlowAR-tiny the count on
    the cached program itself (not the closed form) gives the same numbers.
    {v
      config   recomputing work      KV-cached work       ratio
      tiny                 9 080                8 612       1.054
      S          323 429 343 592      304 155 320 488       1.063
      L        2 745 854 159 328    2 700 316 162 720       1.017
      H       12 639 164 210 364   12 447 678 401 340       1.015
    v}
    The cache saves little: at these sizes the flow head (unchanged by the
    cache) and the per-token linear work dominate; the cache removes the
    recomputation of the earlier scales' tokens, which are only
    [ntok (K−2)/ntok (K−1) ≈ 1/4] of the tokens. *)
From Coq Require Import Arith NArith List.
From FlowARProofs.IR Require Import Program Work.
From FlowARProofs.Pipeline Require Import FlowAR.
From FlowARProofs.Runtime Require Import Exact KVCache KVPipeline KVPipelineCost.
From FlowARProofs.Witnesses Require Import Runtime.
Import ListNotations.
Set Default Goal Selector "!".

Local Open Scope N_scope.

(** Total, then the six kinds. *)
Definition cached_witness (cfg : Config) : N * list N :=
  (flowar_cached_cost unit_cost cfg, map (fun kd => flowar_cached_cost (kind_cost kd) cfg) kinds).

Lemma cached_witness_spec p cfg :
  cached_witness cfg = (N.of_nat (work (flowar_cached_prog p cfg)),
                        map (fun kd => N.of_nat (work_by_kind kd (flowar_cached_prog p cfg))) kinds).
Proof.
  unfold cached_witness. destruct (flowar_cached_work p cfg) as [Ht Hk]. rewrite Ht. f_equal.
  apply map_ext. intros kd. symmetry. apply Hk.
Qed.

Example cached_tiny : cached_witness flowar_tiny = (8612, [3942; 4050; 240; 240; 110; 30]).
Proof. vm_compute. reflexivity. Qed.

Example cached_S : cached_witness flowar_S =
  (304155320488, [151979764608; 152011769488; 47221680; 62853120; 53670672; 40920]).
Proof. vm_compute. reflexivity. Qed.

Example cached_L : cached_witness flowar_L =
  (2700316162720, [1349496511360; 1349730011776; 318870464; 424607744; 345954048; 207328]).
Proof. vm_compute. reflexivity. Qed.

Example cached_H : cached_witness flowar_H =
  (12447678401340, [6222143790280; 6222507697280; 990795960; 1319915520; 715772640; 429660]).
Proof. vm_compute. reflexivity. Qed.

(** FlowAR-H's cached program performs exactly 12 447 678 401 340 scalar operations. *)
Corollary flowar_cached_H_work p : N.of_nat (work (flowar_cached_prog p flowar_H)) = 12447678401340.
Proof. rewrite (proj1 (flowar_cached_work p flowar_H)). vm_compute. reflexivity. Qed.

(** The count on the cached program itself, for FlowAR-tiny. *)
Example cached_tiny_direct :
  N.of_nat (work (flowar_cached_prog 8 flowar_tiny)) = 8612
  /\ map (fun kd => N.of_nat (work_by_kind kd (flowar_cached_prog 8 flowar_tiny))) kinds
     = [3942; 4050; 240; 240; 110; 30].
Proof. vm_compute. split; reflexivity. Qed.

(** [⌊1000 · recomputing work / cached work⌋]. *)
Example cached_ratios :
  map (fun cfg => (1000 * flowar_cost unit_cost cfg) / flowar_cached_cost unit_cost cfg)
      [flowar_tiny; flowar_S; flowar_L; flowar_H]
  = [1054; 1063; 1016; 1015].
Proof. vm_compute. reflexivity. Qed.
