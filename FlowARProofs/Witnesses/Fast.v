(** * Fast-attention witnesses: Taylor degree, rank and the work ratio, as numbers

    [fast_degree dh β n ea] is the Taylor degree for relative error [1/n^ea]
    on the score range [[−β, β]] ([taylor_deg], Runtime/FastRank.v) and
    [fast_rank] the rank [C(dh + g, g)] of its feature maps.  The score range
    of a configuration is NOT a property of the architecture (it depends on
    the trained weights and inputs): the examples assume entries bounded by
    [B = 1] after normalisation and the scale [1/√dh], i.e. [β = ⌈√dh⌉], and
    the target [1/n²] for the latent side [n] (an assumption, reported as
    such in docs/runtime.md).

    - tiny ([dh = 4], [n = 4]): [g = 9], [r = 715];
    - FlowAR-S and FlowAR-L ([dh = 64], [n = 16]): [g = 37],
      [r = C(101, 37) ≈ 5.4·10^27];
    - FlowAR-H ([dh = 96], [n = 16]): [g = 46], [r ≈ 4.9·10^37].
    The ranks dwarf the [341²] entries of exact attention: at these sizes the
    polynomial method does not pay; its advantage is asymptotic.

    [fast_flowar_work] is the exact work of Fast FlowAR's program
    ([Runtime/Fast.v]'s [fast_flowar_exact_work]); evaluated ([vm_compute],
    each under 0.5 s, times in docs/runtime.md) on the configurations of
    [Witnesses/Runtime.v]:
    - tiny ([dh = 2], latent side [n = 2], [β = 2], target [1/n²]): [g = 8],
      [r = 45], total monomial degree [Dg = 240]: work [37720] — the same
      number [vm_compute] gets from the program [fast_flowar_prog] itself
      ([fast_work_tiny_prog]);
    - S, L, H at the Taylor degrees above, with [Dg = r·g] (an upper bound
      on the Taylor monomials' total degree, [taylor_mdeg]; the exact
      [Dg = Σ |α|] is not enumerable at these ranks, and the work is
      increasing in [Dg]): ≈ [4.8·10^35], [3.0·10^36], [8.3·10^46] — against
      exact FlowAR's ≈ 10^12: at these sizes the polynomial method does not pay.

    [fastL_ratio k] is [1000 · work(2n) / work(n)] of [fast_flowar_work] for
    FlowAR-L's dimensions on the doubling schedule with [n = 2^k]
    ([K = k + 1] scales), at the fixed rank above (and [Dg = r·g]); it is
    [4013] at [n = 16] and [4000] from [n = 128] on: quadratic in [n]. *)
From Coq Require Import List Arith NArith Lia ZArith.
From FlowARProofs.Float Require Import Format.
From FlowARProofs.IR Require Import Work.
From FlowARProofs.Pipeline Require Import Layer FlowAR FastFlowAR.
From FlowARProofs.Modules Require Import FastAttention.
From FlowARProofs.Runtime Require Import FastRank FastAsym Fast.
From FlowARProofs.Witnesses Require Import Runtime.
Import ListNotations.
Set Default Goal Selector "!".
Local Open Scope N_scope.

Definition fast_degree (dh : nat) (beta n ea : N) : nat := taylor_deg beta (n ^ ea).
Definition fast_rank (dh : nat) (beta n ea : N) : N := rankN dh (fast_degree dh beta n ea).

Example fast_tiny : fast_degree 4 2 4 2 = 9%nat /\ fast_rank 4 2 4 2 = 715.
Proof. vm_compute. split; reflexivity. Qed.

Example fast_S : fast_degree 64 8 16 2 = 37%nat
  /\ fast_rank 64 8 16 2 = 5397234129638871133346507775.
Proof. vm_compute. split; reflexivity. Qed.

Example fast_L : fast_degree 64 8 16 2 = 37%nat
  /\ fast_rank 64 8 16 2 = 5397234129638871133346507775.
Proof. vm_compute. split; reflexivity. Qed.

Example fast_H : fast_degree 96 10 16 2 = 46%nat
  /\ fast_rank 96 10 16 2 = 49394330440941714625663923892438272300.
Proof. vm_compute. split; reflexivity. Qed.

(** ** Fast FlowAR's exact work on tiny, S, L, H *)

Example fast_tiny_degree : fast_degree 2 2 2 2 = 8%nat /\ fast_rank 2 2 2 2 = 45
  /\ mdeg (taylor_mons 2 8) = 240%nat.
Proof. vm_compute. repeat split; reflexivity. Qed.

Definition fast_work_tiny : N :=
  let g := fast_degree 2 2 2 2 in fast_flowar_work flowar_tiny (fast_rank 2 2 2 2) (N.of_nat (mdeg (taylor_mons 2 g))).

Example fast_work_tiny_value : fast_work_tiny = 37720.
Proof. vm_compute. reflexivity. Qed.

(** Non-vacuity: the work counted on the program itself (any coefficients). *)
Example fast_work_tiny_prog :
  N.of_nat (work (fast_flowar_prog 8 flowar_tiny (taylor_mons 2 8) (fun _ _ => fzero))) = fast_work_tiny.
Proof. vm_compute. reflexivity. Qed.

Definition fast_work_at (cfg : Config) (dh : nat) (beta : N) : N :=
  let g := fast_degree dh beta 16 2 in let r := fast_rank dh beta 16 2 in
  fast_flowar_work cfg r (r * N.of_nat g).

Example fast_work_S : fast_work_at flowar_S 64 8 = 483124129871920570643163596838611464.
Proof. vm_compute. reflexivity. Qed.

Example fast_work_L : fast_work_at flowar_L 64 8 = 3049134347288733819781807076276707296.
Proof. vm_compute. reflexivity. Qed.

Example fast_work_H : fast_work_at flowar_H 96 10 = 83001205470885285669301443899236322418587842044.
Proof. vm_compute. reflexivity. Qed.

(** FlowAR-L's dimensions (width 1024, 16 heads of 64, FFN 4096, 16 AR and
    12 flow-head layers, 24 Euler steps, 16 latent channels) on [K = k + 1]
    scales of sides [1, 2, …, 2^k]. *)
Definition flowarL (k : nat) : Config := {|
  K := k + 1; s0 := 1; a := 2; ch := 16;
  LD := {| ld := 1024; lH := 16; ldh := 64; ldff := 4096; lsn := 1; lsd := 8 |};
  L := 16; Lf := 12; T := 24 |}.

Definition fastL_work (k : nat) : N :=
  let g := fast_degree 64 8 16 2 in let r := fast_rank 64 8 16 2 in
  fast_flowar_work (flowarL k) r (r * N.of_nat g).

Definition fastL_ratio (k : nat) : N := 1000 * fastL_work (S k) / fastL_work k.

(** [n = 16, 32, …, 4096]. *)
Example fastL_ratios : map fastL_ratio (seq 4 9) = [4013; 4003; 4001; 4000; 4000; 4000; 4000; 4000; 4000].
Proof. vm_compute. reflexivity. Qed.

Local Close Scope N_scope.

(** The hypotheses of [fast_flowar_work_n2] are satisfiable: FlowAR-L's
    dimensions on the doubling schedule with [log₂ n + 1] scales, a bounded
    score range [β = 8] and relative error [1/n²] give work [≤ n^{2+1/k}]
    eventually, for every [k ≥ 1]. *)
Corollary fastL_n2 k : 1 <= k -> exists n0, forall n, n0 <= n ->
  N.to_nat (fast_flowar_work (flowarL (Nat.log2 n))
              (rankN 64 (taylor_deg 8 (N.of_nat (n ^ 2))))
              (N.of_nat (mdeg (taylor_mons 64 (taylor_deg 8 (N.of_nat (n ^ 2))))))) ^ k
  <= n ^ (2 * k + 1).
Proof.
  intros Hk.
  refine (fast_flowar_work_n2 (fun n => flowarL (Nat.log2 n)) (fun _ => 8) 4096 2 _ _ _ _ _ k Hk);
    [lia|lia| | |].
  - intros n. unfold flowarL. cbn [s0 a K]. repeat split; lia.
  - intros n. unfold flowarL. cbn [LD ld ldh lH ldff ch L Lf T]. repeat split; lia.
  - intros j Hj. exists (2 ^ (8 * j)). intros n Hn.
    assert (8 * j <= Nat.log2 n) by (apply Nat.log2_le_pow2; [pose proof (Nat.pow_nonzero 2 (8 * j)); lia|exact Hn]).
    lia.
Qed.
