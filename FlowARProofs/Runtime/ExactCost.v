(** * Closed forms of the modules' cost, in binary numbers

    A cost model [cm : kind -> nat] prices each kind of primitive
    ([IR/Work.v]): [unit_cost] gives [work], [kind_cost k] the number of
    operations of kind [k].  Here every module's cost [wwork (op_cost cm)]
    is a closed form over [N] (binary, so that [vm_compute] evaluates the
    pipeline's ~10¹² operations instantly), proven equal to the program's
    count: [N.of_nat (wwork (op_cost cm) prog) = …_cost cm …].  The forms
    use truncated subtraction [m − 1] exactly as the programs do (an
    iterated sum of [m] terms is [m − 1] additions), so they hold for every
    size, zero included.

    Notation: [cA, cM, cD, cC, cE, cQ] are the prices of an addition /
    subtraction, multiplication, division, comparison / max, exp, sqrt. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon Common LayerNorm Attention MLP FFN Sampling
  FlowMatching.
From FlowARProofs.Runtime Require Import ExactModules.
Import ListNotations.
Set Default Goal Selector "!".

Section cost.
  Context (cm : kind -> nat).
  Local Open Scope N_scope.

  Definition cA := N.of_nat (cm KAdd).
  Definition cM := N.of_nat (cm KMul).
  Definition cD := N.of_nat (cm KDiv).
  Definition cC := N.of_nat (cm KCmp).
  Definition cE := N.of_nat (cm KExp).
  Definition cQ := N.of_nat (cm KSqrt).

  (** An iterated sum of [m] terms; a dot product of length [m]. *)
  Definition sum_cost (m : N) : N := (m - 1) * cA.
  Definition dot_cost (m : N) : N := m * cM + sum_cost m.

  (** [x × c] times [c × d], plus a bias. *)
  Definition mlp_cost (x c d : N) : N := x * d * (dot_cost c + cA).
  (** Bicubic up-sampling to [No] tokens: 16 taps per output entry. *)
  Definition up_cost (No c : N) : N := No * c * dot_cost 16.
  Definition ln_cost (x c : N) : N := x * (2 * sum_cost c + c * cA + c * cM + (c + 2) * cD + cQ).
  Definition lnaff_cost (x c : N) : N := ln_cost x c + x * c * cM + x * c * cA.
  (** The FFN without its residual ([ffn_inner_at]), and the paper's FFN
      with it ([ffn_at]: one more addition per entry). *)
  Definition ffn_inner_cost (x d dff : N) : N :=
    mlp_cost x d dff + x * dff * cC + mlp_cost x dff d.
  Definition ffn_cost (x d dff : N) : N := ffn_inner_cost x d dff + x * d * cA.
  (** One head's projections [Q, K, V]. *)
  Definition qkv_cost (x c dh : N) : N := 3 * (x * dh * dot_cost c).
  (** One head's attention proper over [S = Σ_i lim i] visible (query, key)
      pairs: scores, scaling, exp, row sums, [A·V], normalisation. *)
  Definition core_cost (x S dh : N) : N :=
    (dot_cost dh + cM + cE) * S + (S - x) * cA + dh * (S * cM + (S - x) * cA) + x * dh * cD.
  (** [H] heads and the output projection [W_O]. *)
  Definition mha_cost (x S c dh H d : N) : N :=
    H * (qkv_cost x c dh + core_cost x S dh) + x * d * dot_cost (H * dh).
  Definition xpby_cost (r c : N) : N := r * c * cM + r * c * cA.

  Local Close Scope N_scope.
  Local Notation n := N.of_nat.

  (** ** The programs' costs *)

  Lemma op_cost_sum m : op_cost cm (OSum m) = (m - 1) * cm KAdd.
  Proof. reflexivity. Qed.

  Lemma dot_cost_of m : n (m * op_cost cm (OBin BMul) + op_cost cm (OSum m)) = dot_cost (n m).
  Proof. unfold dot_cost, sum_cost, cA, cM. cbn [op_cost]. lia. Qed.

  Lemma mlp_cost_of offX offW offb N c d :
    n (wwork (op_cost cm) (mlp_at offX offW offb N c d)) = mlp_cost (n N) (n c) (n d).
  Proof. rewrite ww_mlp. unfold mlp_cost, dot_cost, sum_cost, cA, cM. cbn [op_cost]. lia. Qed.

  Lemma up_cost_of p offX r h w c :
    n (wwork (op_cost cm) (up_at p offX r h w c)) = up_cost (n (r * h * (r * w))) (n c).
  Proof. rewrite ww_up. unfold up_cost, dot_cost, sum_cost, cA, cM. cbn [op_cost]. lia. Qed.

  Lemma ln_cost_of p offX N c : n (wwork (op_cost cm) (ln_at p offX N c)) = ln_cost (n N) (n c).
  Proof. rewrite ww_ln. unfold ln_cost, sum_cost, cA, cM, cD, cQ. cbn [op_cost]. lia. Qed.

  Lemma lnaff_cost_of p offX offG offB N c :
    n (wwork (op_cost cm) (lnaff_at p offX offG offB N c)) = lnaff_cost (n N) (n c).
  Proof.
    rewrite ww_lnaff. unfold lnaff_cost, ln_cost, sum_cost, cA, cM, cD, cQ. cbn [op_cost]. lia.
  Qed.

  Lemma ffn_inner_cost_of offX offW1 offb1 offW2 offb2 N d dff :
    n (wwork (op_cost cm) (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff))
    = ffn_inner_cost (n N) (n d) (n dff).
  Proof.
    rewrite ww_ffn_inner. unfold ffn_inner_cost, mlp_cost, dot_cost, sum_cost, cA, cM, cC.
    cbn [op_cost]. lia.
  Qed.

  Lemma ffn_cost_of offX offW1 offb1 offW2 offb2 N d dff :
    n (wwork (op_cost cm) (ffn_at offX offW1 offb1 offW2 offb2 N d dff))
    = ffn_cost (n N) (n d) (n dff).
  Proof.
    rewrite ww_ffn. unfold ffn_cost, ffn_inner_cost, mlp_cost, dot_cost, sum_cost, cA, cM, cC.
    cbn [op_cost]. lia.
  Qed.

  Lemma list_sum_map_mul_r (f : nat -> nat) (k : nat) l :
    list_sum (map (fun i => f i * k) l) = list_sum (map f l) * k.
  Proof. rewrite Nat.mul_comm, <- list_sum_map_mul_l. f_equal. apply map_ext. lia. Qed.

  (** Block-causal and unmasked limits see at least one key per query. *)
  Lemma core_cost_of N dh (lim : nat -> nat) :
    (forall i, i < N -> 1 <= lim i) ->
    n (attn_core_ww (op_cost cm) N dh lim) = core_cost (n N) (n (list_sum (map lim (seq 0 N)))) (n dh).
  Proof.
    intros Hpos. unfold attn_core_ww.
    assert (HS := list_sum_map_pred lim N Hpos).
    assert (E1 : list_sum (map (fun i => op_cost cm (OSum (lim i))) (seq 0 N))
                 = (list_sum (map lim (seq 0 N)) - N) * cm KAdd).
    { cbn [op_cost]. rewrite (list_sum_map_mul_r (fun i => lim i - 1)). f_equal. lia. }
    assert (E2 : list_sum (map (fun i => lim i * op_cost cm (OBin BMul) + op_cost cm (OSum (lim i)))
                              (seq 0 N))
                 = list_sum (map lim (seq 0 N)) * cm KMul + (list_sum (map lim (seq 0 N)) - N) * cm KAdd).
    { rewrite list_sum_map_add, (list_sum_map_mul_r lim), E1. reflexivity. }
    rewrite E1, E2. unfold core_cost, dot_cost, sum_cost, cA, cM, cD, cE. cbn [op_cost]. lia.
  Qed.

  Lemma mha_cost_of offX (oQ oK oV : nat -> nat) offO N c dh H d scale lim :
    (forall i, i < N -> lim i <= N) -> (forall i, i < N -> 1 <= lim i) ->
    n (wwork (op_cost cm) (mha_at offX oQ oK oV offO N c dh H d scale lim))
    = mha_cost (n N) (n (list_sum (map lim (seq 0 N)))) (n c) (n dh) (n H) (n d).
  Proof.
    intros Hlim Hpos. rewrite ww_mha by exact Hlim.
    repeat rewrite ?Nat2N.inj_add, ?Nat2N.inj_mul. rewrite core_cost_of by exact Hpos.
    unfold mha_cost, qkv_cost, dot_cost, sum_cost, cA, cM. cbn [op_cost]. lia.
  Qed.

  Lemma xpby_cost_of r c x a b :
    n (wwork (op_cost cm) (xpby_at r c x a b)) = xpby_cost (n r) (n c).
  Proof. rewrite ww_xpby. unfold xpby_cost, cA, cM. cbn [op_cost]. lia. Qed.

  Lemma ew_cost_of r c o srcs :
    n (wwork (op_cost cm) (ew_prog r c o srcs)) = (n r * n c * n (op_cost cm o))%N.
  Proof. rewrite ww_ew. lia. Qed.
End cost.
