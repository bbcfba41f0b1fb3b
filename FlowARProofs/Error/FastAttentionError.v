(** * Polynomial-method attention over the reals: its error against softmax attention

    Exact masked attention weights a row's values by [exp(s_ij)]; the
    polynomial method weights them by [P_g(s_ij)], the degree-[g] Taylor
    polynomial (Error/Taylor.v).  (The feature maps [φ, ψ] of the fast
    algorithm compute [⟨φ(q_i), ψ(k_j)⟩ = P_g(s_ij)] exactly over the reals —
    proved in [Error/FeatureMap.v]: [feature_map_identity], and
    [rfattn_taylor] for the whole factorised attention; they change the cost,
    not the value.)  With every score in [[−β, β]]:

    - [taylor_weights_rel]: [|P_g(s) − eˢ| ≤ eps_T g β · eˢ], and [P_g(s) > 0]
      when [eps_T g β < 1];
    - [fast_attention_error]: every output entry is within
      [attn_err_coef (eps_T g β) · ‖V‖∞] of exact attention, hence within
      [4 · eps_T g β · ‖V‖∞] when [eps_T g β ≤ 1/2]
      ([fast_attention_error_4]).

    The score bound [β] is the hypothesis that matters (DESIGN.md): with the
    scale [1/√d_h] and [|q|, |k| ≤ B] entrywise, [|s| ≤ √d_h · B²]. *)
From Coq Require Import Reals Lra Lia.
From FlowARProofs.Error Require Import RSum AttentionError Taylor.
Set Default Goal Selector "!".
(** Error/Taylor.v loads Coquelicot, whose ssreflect turns bullets off. *)
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (g : nat) (beta eps vb : R).

(** Masked attention with weights [w(s_ij)] for a weight function [w]. *)
Definition attn_with (w : R -> R) (Sc V : nat -> nat -> R) (lim : nat -> nat) i c : R :=
  masked_attn (fun i j => w (Sc i j)) V lim i c.

Definition exact_attn := attn_with exp.
Definition fast_attn g := attn_with (taylor_exp g).

Lemma taylor_weights_rel g beta s :
  Rabs s <= beta -> Rabs (taylor_exp g s - exp s) <= eps_T g beta * exp s.
Proof. apply taylor_exp_rel_error. Qed.

Lemma fast_attention_error g beta (Sc V : nat -> nat -> R) (lim : nat -> nat) vb i c :
  (0 < lim i)%nat -> 0 <= beta -> eps_T g beta < 1 ->
  (forall j, (j < lim i)%nat -> Rabs (Sc i j) <= beta /\ Rabs (V j c) <= vb) ->
  Rabs (fast_attn g Sc V lim i c - exact_attn Sc V lim i c)
  <= attn_err_coef (eps_T g beta) * vb.
Proof.
  intros Hm Hb He H. apply masked_attn_error; [exact Hm| |].
  - split; [apply eps_T_nonneg, Hb|exact He].
  - intros j Hj. destruct (H j Hj) as [Hs Hv]. split; [apply exp_pos|].
    split; [apply taylor_weights_rel, Hs|exact Hv].
Qed.

Lemma fast_attention_error_4 g beta (Sc V : nat -> nat -> R) (lim : nat -> nat) vb i c :
  (0 < lim i)%nat -> 0 <= beta -> eps_T g beta <= 1 / 2 ->
  (forall j, (j < lim i)%nat -> Rabs (Sc i j) <= beta /\ Rabs (V j c) <= vb) ->
  Rabs (fast_attn g Sc V lim i c - exact_attn Sc V lim i c) <= 4 * eps_T g beta * vb.
Proof.
  intros Hm Hb He H.
  assert (Hvb : 0 <= vb).
  { destruct (H 0%nat Hm) as [_ Hv]. pose proof (Rabs_pos (V 0%nat c)). lra. }
  eapply Rle_trans; [apply fast_attention_error with (beta := beta); auto; lra|].
  apply Rmult_le_compat_r; [exact Hvb|]. apply attn_err_coef_le.
  split; [apply eps_T_nonneg, Hb|exact He].
Qed.
