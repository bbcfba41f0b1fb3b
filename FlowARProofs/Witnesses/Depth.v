(** * The explicit depth bound, as numbers

    [flowar_depth] is a linear combination of the trust record's depth
    constants; [flowar_depth_terms] gives its coefficients
    (d_std, d_⊕, d_exp, d_sqrt, constant) and [flowar_depth_as_terms] proves
    the two agree.  The [Example]s evaluate them for the released FlowAR
    configurations, read from the official code (wangqiang9/FlowAR:
    models/flowar.py, models/sampler.py, README.md):
    - [K = 5] scales of sides 1, 2, 4, 8, 16 on the 16×16 KL-16 latent;
    - [L] = AR transformer blocks: the released AR transformer is an encoder
      followed by a decoder of the same block, 6+6 / 8+8 / 15+15 blocks for
      S / L / H, so [L = 12 / 16 / 30] layers in sequence;
    - [Lf] = flow-head (velocity network) blocks: 2 / 12 / 12
      ([diffloss_d] in the released scripts);
    - [T] = Euler updates per scale: the sampler evaluates the velocity
      once per consecutive pair of its time grid.  S and L sample with 25
      steps, grid [linspace(1, 0.3, 12) ++ linspace(0.25, 0, 13)] — 25
      points, hence [T = 24] updates; H samples with 50 steps, grid
      [linspace(1, 0, 51)], hence [T = 50] updates.
    Widths (S 768 / 12 heads, L 1024 / 16, H 1536 / 16) and the FFN width do
    not enter the depth.  The sampling-step count is a sampler setting, not
    part of the architecture: other settings give other [T].
    docs/deviations.md records the numbers; the Python bridge reads them
    from here. *)
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
  unfold flowar_depth, scale_depth, scale_depth_g, eval_terms. fold (tl_depth P). rewrite tl_depth_value. cbn [t_std t_sum t_exp t_sqrt t_const flowar_depth_terms].
  repeat (rewrite Nat2N.inj_add || rewrite Nat2N.inj_mul). cbn [N.of_nat Pos.of_succ_nat Pos.succ].
  ring.
Qed.

(** FlowAR-S: 12 AR layers (6 encoder + 6 decoder), 2 flow-head layers, 24 Euler updates;
    FlowAR-L: 16 (8 + 8), 12, 24; FlowAR-H: 30 (15 + 15), 12, 50. *)
Definition flowar_S_terms := flowar_depth_terms 5 12 2 24.
Definition flowar_L_terms := flowar_depth_terms 5 16 12 24.
Definition flowar_H_terms := flowar_depth_terms 5 30 12 50.

(** The numbers (recorded in docs/deviations.md): FlowAR-S's circuits have depth at most
    [9195·d_std + 3250·d_⊕ + 300·d_exp + 600·d_sqrt + 600]. *)
Example flowar_S_depth :
  flowar_S_terms = {| t_std := 9195; t_sum := 3250; t_exp := 300; t_sqrt := 600; t_const := 600 |}.
Proof. vm_compute. reflexivity. Qed.

Example flowar_L_depth :
  flowar_L_terms = {| t_std := 42135; t_sum := 15450; t_exp := 1520; t_sqrt := 3040; t_const := 3040 |}.
Proof. vm_compute. reflexivity. Qed.

Example flowar_H_depth :
  flowar_H_terms = {| t_std := 87315; t_sum := 32010; t_exp := 3150; t_sqrt := 6300; t_const := 6300 |}.
Proof. vm_compute. reflexivity. Qed.
