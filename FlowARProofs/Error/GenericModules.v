(** * LayerNorm, attention and multi-head attention, written once

    The modules of Modules/LayerNorm.v ([fln], [flnaff]) and
    Modules/Attention.v ([fscore], [fattn], [fmha]) written ONCE over the
    arithmetic interface [arith] (Error/Generic.v), and the proofs that the
    float semantics and the real semantics (Error/RealModel.v: [rln],
    [rlnaff], [rscore], [rattn w], [rmha w]) are its two instances:

    - [g_mean], [g_cent], [g_var], [g_ln], [g_lnaff]: LayerNorm (no [ε]) and
      its affine variant;
    - [g_score], [g_attn w], [g_concat], [g_mha w]: one masked head with key
      limit [lim] and attention weight function [w] (the score is
      [sc·(q_i·k_j)], the output [(Σ_{j<lim i} w(s_ij) v_j) / Σ_{j<lim i} w(s_ij)]),
      and [H] heads concatenated times [W_O];
    - floats ([farith P p], weights [w = fexp P p]): [fln_generic],
      [flnaff_generic], [fscore_generic], [fattn_generic], [fmha_generic]
      — by [reflexivity];
    - reals ([rarith], any [w : R → R]; [w = exp] exact, [w = taylor_exp g]
      fast): [rln_generic], [rlnaff_generic] (by [reflexivity]),
      [rmatmul_generic], [rscore_generic], [rattn_generic], [rmha_generic]
      (the real [rmatmul] adds a zero bias, [Rplus_0_r]).

    Shared: which sums, products and quotients are formed, over which index
    ranges, in which order (e.g. the row sum of the weights and the weighted
    sum of the values are separate n-ary sums, divided once).  Not shared:
    the rounding (each float operation rounds once; an n-ary float sum rounds
    once, the real sum is exact).  The float FAST attention
    (Modules/FastAttention.v, feature maps) is NOT an instance of [g_attn]:
    its sums are over the features, not the keys. *)
From Coq Require Import Reals Lia ZArith List FunctionalExtensionality.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Tensor Block MatMul.
From FlowARProofs.Modules Require Import LayerNorm Attention.
From FlowARProofs.Error Require Import RSum Lipschitz FastAttentionError AttentionError RealModel
  Generic.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".

Section generic.
  Context (A : arith).
  Notation M := (nat -> nat -> car A).
  Implicit Types (X Y WQ WK WV WO Gm Bm : M) (c dh H : nat) (lim : nat -> nat).

  (** ** LayerNorm, row by row, no [ε] *)

  Definition g_mean c X (i : nat) : car A := a_div A (a_sum A c (X i)) (a_nat A c).
  Definition g_cent c X : M := fun i l => a_sub A (X i l) (g_mean c X i).
  Definition g_var c X (i : nat) : car A :=
    a_div A (g_dot A c (g_cent c X i) (g_cent c X i)) (a_nat A c).
  Definition g_ln c X : M := fun i l => a_div A (g_cent c X i l) (a_sqrt A (g_var c X i)).
  (** Affine variant: [γ], [β] are [1 × c] (row 0). *)
  Definition g_lnaff c Gm Bm X : M := fun i l => a_add A (a_mul A (Gm 0%nat l) (g_ln c X i l)) (Bm 0%nat l).

  (** ** Attention with key limit [lim] and weight function [w] *)

  Context (w : car A -> car A).

  Definition g_score c dh (sc : car A) X WQ WK : M :=
    fun i j => a_mul A sc (g_dot A dh (g_matmul A c X WQ i) (g_matmul A c X WK j)).

  Definition g_attn c dh sc lim X WQ WK WV : M :=
    fun i l => a_div A (g_dot A (lim i) (fun j => w (g_score c dh sc X WQ WK i j))
                                    (fun j => g_matmul A c X WV j l))
                       (a_sum A (lim i) (fun j => w (g_score c dh sc X WQ WK i j))).

  Definition g_concat dh (O : nat -> M) : M := fun i m => O (m / dh)%nat i (m mod dh)%nat.

  Definition g_mha c dh H sc lim X (WQs WKs WVs : nat -> M) WO : M :=
    g_matmul A (H * dh) (g_concat dh (fun h => g_attn c dh sc lim X (WQs h) (WKs h) (WVs h))) WO.
End generic.

(** ** p-bit floats: the float modules are the instances, by [reflexivity] *)

Local Opaque fadd fsub fmul fdiv fsum fmax fzero fcnt fconst.

Section floats.
  Context (P : FloatFns) (p : nat).
  Implicit Types (X WQ WK WV WO Gm Bm : mat) (c dh H : nat) (lim : nat -> nat) (scale : flt).

  Lemma fln_generic c X : fln P p c X = g_ln (farith P p) c X.
  Proof. reflexivity. Qed.

  Lemma flnaff_generic c Gm Bm X : flnaff P p c Gm Bm X = g_lnaff (farith P p) c Gm Bm X.
  Proof. reflexivity. Qed.

  Lemma fscore_generic c dh scale X WQ WK :
    fscore p c dh scale X WQ WK = g_score (farith P p) c dh scale X WQ WK.
  Proof. reflexivity. Qed.

  Lemma fattn_generic c dh scale lim X WQ WK WV :
    fattn P p c dh scale lim X WQ WK WV = g_attn (farith P p) (fexp P p) c dh scale lim X WQ WK WV.
  Proof. reflexivity. Qed.

  Lemma fmha_generic c dh H scale lim X WQs WKs WVs WO :
    fmha P p c dh H scale lim X WQs WKs WVs WO
    = g_mha (farith P p) (fexp P p) c dh H scale lim X WQs WKs WVs WO.
  Proof. reflexivity. Qed.
End floats.

(** ** The reals: the real modules are the instances *)

Section reals.
  Implicit Types (X WQ WK WV WO Gm Bm : rmat) (c dh H n : nat) (lim : nat -> nat) (w : R -> R).

  Lemma rln_generic c X : rln c X = g_ln rarith c X.
  Proof. reflexivity. Qed.

  Lemma rlnaff_generic c Gm Bm X : rlnaff c Gm Bm X = g_lnaff rarith c Gm Bm X.
  Proof. reflexivity. Qed.

  (** The real [rmatmul] is [linear] with a zero bias. *)
  Lemma rmatmul_generic n X W : rmatmul n X W = g_matmul rarith n X W.
  Proof.
    apply functional_extensionality. intros i. apply functional_extensionality. intros j.
    unfold rmatmul, linear. rewrite Rplus_0_r. reflexivity.
  Qed.

  Lemma rscore_generic c dh sc X WQ WK : rscore c dh sc X WQ WK = g_score rarith c dh sc X WQ WK.
  Proof. unfold rscore. rewrite !rmatmul_generic. reflexivity. Qed.

  Lemma rattn_generic w c dh sc lim X WQ WK WV :
    rattn w c dh sc lim X WQ WK WV = g_attn rarith w c dh sc lim X WQ WK WV.
  Proof. unfold rattn. rewrite rscore_generic, rmatmul_generic. reflexivity. Qed.

  Lemma rmha_generic w c dh H sc lim X WQs WKs WVs WO :
    rmha w c dh H sc lim X WQs WKs WVs WO = g_mha rarith w c dh H sc lim X WQs WKs WVs WO.
  Proof.
    unfold rmha, g_mha. rewrite rmatmul_generic.
    change (rconcat dh ?O) with (g_concat rarith dh O). do 3 f_equal.
    apply functional_extensionality. intros h. apply rattn_generic.
  Qed.
End reals.
