(** * The explicit depth bound, as numbers

    [flowar_depth] is a linear combination of the trust record's depth
    constants; [flowar_depth_terms] gives its coefficients
    (d_std, d_⊕, d_exp, d_sqrt, constant) and [flowar_depth_as_terms] proves
    the two agree.  The [Example]s evaluate them for the released FlowAR
    configurations (5 scales of sides 1, 2, 4, 8, 16 on the 16×16 KL-16
    latent; AR / flow-head layer counts of FlowAR-S/L/H; [T = 25] Euler
    steps, an assumption: the sampling-step count is a sampler setting, not
    part of the architecture).  docs/formal-model.md records the numbers;
    the Python bridge reads them from here. *)
From Coq Require Import Arith NArith Lia.
From FlowARProofs.Float Require Import Primitives.
From FlowARProofs.Pipeline Require Import Layer FlowAR.
Set Default Goal Selector "!".
Local Open Scope N_scope.

Record DepthTerms := { t_std : N; t_sum : N; t_exp : N; t_sqrt : N; t_const : N }.

Definition flowar_depth_terms (K L Lf T : N) : DepthTerms := {|
  t_std := K * (3 + 27 * L + T * (9 + 27 * Lf));
  t_sum := K * (2 + 10 * L + T * (2 + 10 * Lf));
  t_exp := K * (L + T * Lf);
  t_sqrt := K * (2 * L + 2 * (T * Lf));
  t_const := K * (2 * L + 2 * (T * Lf)) |}.

Definition eval_terms (P : FloatPrimitivesTC0) (t : DepthTerms) : N :=
  t_std t * N.of_nat (d_std P) + t_sum t * N.of_nat (d_sum P) + t_exp t * N.of_nat (d_exp P)
  + t_sqrt t * N.of_nat (d_sqrt P) + t_const t.

Lemma flowar_depth_as_terms P K L Lf T :
  N.of_nat (flowar_depth P K L Lf T)
  = eval_terms P (flowar_depth_terms (N.of_nat K) (N.of_nat L) (N.of_nat Lf) (N.of_nat T)).
Proof.
  unfold flowar_depth, scale_depth, tl_depth, eval_terms. cbn [t_std t_sum t_exp t_sqrt t_const flowar_depth_terms].
  repeat (rewrite Nat2N.inj_add || rewrite Nat2N.inj_mul). cbn [N.of_nat Pos.of_succ_nat Pos.succ].
  ring.
Qed.

(** FlowAR-S: 6 AR layers, 2 flow-head layers; FlowAR-L: 8 and 12; FlowAR-H: 15 and 12. *)
Definition flowar_S_terms := flowar_depth_terms 5 6 2 25.
Definition flowar_L_terms := flowar_depth_terms 5 8 12 25.
Definition flowar_H_terms := flowar_depth_terms 5 15 12 25.

(** The numbers (recorded in docs/formal-model.md): FlowAR-S's circuits have depth at most
    [8700·d_std + 3060·d_⊕ + 280·d_exp + 560·d_sqrt + 560]. *)
Example flowar_S_depth :
  flowar_S_terms = {| t_std := 8700; t_sum := 3060; t_exp := 280; t_sqrt := 560; t_const := 560 |}.
Proof. vm_compute. reflexivity. Qed.

Example flowar_L_depth :
  flowar_L_terms = {| t_std := 42720; t_sum := 15660; t_exp := 1540; t_sqrt := 3080; t_const := 3080 |}.
Proof. vm_compute. reflexivity. Qed.

Example flowar_H_depth :
  flowar_H_terms = {| t_std := 43665; t_sum := 16010; t_exp := 1575; t_sqrt := 3150; t_const := 3150 |}.
Proof. vm_compute. reflexivity. Qed.
