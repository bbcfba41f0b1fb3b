(** * Layer normalisation is in TC0 with depth 5·d_std + 2·d_⊕ + d_sqrt

    The paper's Section 5.6 ("Computing layer-wise norm layer in TC0"),
    token-wise on [X : N × c] (PAPER.md §1.4 (f), as reconstructed):
    {v
      μ_i   = (Σ_l X_il) / c
      Y_il  = X_il − μ_i
      σ²_i  = (Σ_l Y_il²) / c
      LN(X)_il = Y_il / sqrt(σ²_i)
    v}
    and the affine variant [γ_l · LN(X)_il + β_l] with [γ], [β] : [1 × c].

    Float semantics (each operation rounded once, [Float/Format.v]):
    - [1/c] is a division by the float [fcnt p c = of_Z p c] (exact when
      [c ≤ 2^p]), not a multiplication by a rounded [1/c]: one rounding per
      mean/variance, as in the real formula;
    - [Σ_l Y_il²] is [fdot p c Y_i Y_i]: the [c] products rounded, then one
      iterated sum rounded once;
    - [sqrt] is the trust record's [fsqrt P] (operation [OSqrt]).

    Documented deviations / choices:
    - NO [ε] in the denominator: [sqrt(σ²_i)], the paper's definition as
      reconstructed.  A zero variance gives a division by the float 0, which
      is [fzero] by the convention of [fdiv].  The error analysis will need a
      lower bound on the variance (PAPER.md §6 item 8); it is not a concern
      of the circuit construction.
    - FlowAR's adaptive LN (scale and shift computed from the condition) is
      not modelled; the affine variant with weights [γ], [β] read from the
      input covers it when the pipeline computes [γ], [β] beforehand.

    The program [ln_at p offX N c] reads [X] at [offX] and runs seven
    stages; a stage sees only the previous stage's outputs, so stages that
    need [X] (or [Y]) later carry it along with a free wire ([keep]):
    {v
      stage                       output                depth
      1 row sums      | X         [Σ_l X_il ; X]        d_⊕
      2 means         | X         [μ ; X]               d_std   (fdiv)
      3 centring                  [Y]                   d_std   (fsub)
      4 Σ_l Y_il²     | Y         [s ; Y]               d_std + d_⊕   (products, sum)
      5 variances     | Y         [σ² ; Y]              d_std   (fdiv)
      6 sqrt          | Y         [σ ; Y]               d_sqrt
      7 division                  [LN(X)]               d_std   (fdiv)
    v}
    Weighted depth ([ln_at_wdepth]): [5·d_std + 2·d_sum + d_sqrt], exactly
    the paper's reconstruction (mean [d_⊕ + d_std]; centring [d_std];
    squaring [d_std]; variance [d_⊕ + d_std]; sqrt [d_sqrt]; division
    [d_std]).  The affine variant adds a product and a sum:
    [7·d_std + 2·d_sum + d_sqrt] ([lnaff_at_wdepth]).

    Work ([ln_at_work_pos]): [N·(5c + 1)] scalar operations for [c ≥ 1]
    (per token: [c−1] additions, 1 division, [c] subtractions, [c]
    products, [c−1] additions, 1 division, 1 sqrt, [c] divisions).

    The program depends on [p] only through the constant [fcnt p c]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import AttnCommon.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (X Y M G B : mat) (v : mat) (xs : list flt)
  (p n N c offX offG offB : nat).

(** ** Semantics *)

(** The float [c]. *)
Definition fcnt p c : flt := of_Z p (Z.of_nat c).

Definition fmean p c X (i : nat) : flt := fdiv p (fsum p (map (X i) (seq 0 c))) (fcnt p c).

Definition fcent p c X : mat := fun i l => fsub p (X i l) (fmean p c X i).

Definition fvar p c X (i : nat) : flt :=
  fdiv p (fdot p c (fcent p c X i) (fcent p c X i)) (fcnt p c).

Definition fln (P : FloatFns) p c X : mat := fun i l => fdiv p (fcent p c X i l) (fsqrt P p (fvar p c X i)).

(** Affine variant: [γ], [β] are [1 × c] (row 0). *)
Definition flnaff (P : FloatFns) p c G B X : mat := fun i l => fadd p (fmul p (G 0 l) (fln P p c X i l)) (B 0 l).

(** ** The stages *)

(** Stage 1: the row sums of [X] (at [offX]), and [X] carried. *)
Definition ln_rowsum_at offX N c : prog :=
  PPar (ew_prog N 1 (OSum c) (fun i _ => map (fun l => FIn (offX + (i * c + l))) (seq 0 c)))
       (keep offX (N * c)).

(** On [v ; M] ([v] : [N × 1], [M] : [N × c]): an operation on [v] entry-wise,
    [M] carried. *)
Definition vstage N c (o : op) (srcs : nat -> list fsrc) : prog :=
  PPar (ew_prog N 1 o (fun i _ => srcs i)) (keep N (N * c)).

(** On [Y]: [Σ_l Y_il²] (a dot product per row), and [Y] carried. *)
Definition ln_sqdot N c : prog :=
  PFor N (fun i => PFor 1 (fun _ => dot_prog c (fun l => i * c + l) (fun l => i * c + l))).

Definition ln_sqsum N c : prog := PPar (ln_sqdot N c) (keep 0 (N * c)).

Definition ln_at p offX N c : prog :=
  PSeq (ln_rowsum_at offX N c)
  (PSeq (vstage N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)]))
  (PSeq (mstage N c BSub)
  (PSeq (ln_sqsum N c)
  (PSeq (vstage N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)]))
  (PSeq (vstage N c OSqrt (fun i => [FIn i]))
        (mstage N c BDiv)))))).

(** ** Stage semantics *)

Lemma ln_rowsum_at_correct P p xs offX N c X :
  block xs offX N c X ->
  peval P p (ln_rowsum_at offX N c) xs
  = flat N 1 (fun i _ => fsum p (map (X i) (seq 0 c))) ++ flat N c X.
Proof.
  intros HX. unfold ln_rowsum_at.
  rewrite peval_PPar, ew_prog_correct, (keep_block _ _ _ _ _ _ X HX).
  f_equal. apply flat_ext. intros i j Hi Hj. cbn [opsem]. f_equal.
  rewrite map_map. apply map_ext_in. intros l Hl. apply in_seq in Hl. cbn [fsrc_val].
  apply HX; lia.
Qed.

Lemma vstage_correct P p N c o (srcs : nat -> list fsrc) v M :
  peval P p (vstage N c o srcs) (flat N 1 v ++ flat N c M)
  = flat N 1 (fun i _ => opsem P p o (map (fsrc_val (flat N 1 v ++ flat N c M)) (srcs i)))
    ++ flat N c M.
Proof.
  unfold vstage. rewrite peval_PPar, ew_prog_correct. f_equal.
  apply keep_block. pose proof (block_cat2_r N 1 v N c M) as H. rewrite Nat.mul_1_r in H. exact H.
Qed.

Lemma vstage_div_correct P p N c (k : flt) v M :
  peval P p (vstage N c (OBin BDiv) (fun i => [FIn i; FCst k])) (flat N 1 v ++ flat N c M)
  = flat N 1 (fun i _ => fdiv p (v i 0) k) ++ flat N c M.
Proof.
  rewrite vstage_correct. f_equal. apply flat_ext. intros i j Hi Hj.
  cbn [map fsrc_val opsem binsem nth]. rewrite nth_vec_app by exact Hi. reflexivity.
Qed.

Lemma vstage_sqrt_correct P p N c v M :
  peval P p (vstage N c OSqrt (fun i => [FIn i])) (flat N 1 v ++ flat N c M)
  = flat N 1 (fun i _ => fsqrt P p (v i 0)) ++ flat N c M.
Proof.
  rewrite vstage_correct. f_equal. apply flat_ext. intros i j Hi Hj.
  cbn [map fsrc_val opsem nth]. rewrite nth_vec_app by exact Hi. reflexivity.
Qed.

Lemma ln_sqsum_correct P p N c Y :
  peval P p (ln_sqsum N c) (flat N c Y) = flat N 1 (fun i _ => fdot p c (Y i) (Y i)) ++ flat N c Y.
Proof.
  unfold ln_sqsum, ln_sqdot. rewrite peval_PPar. f_equal.
  - apply peval_PFor2. intros i j Hi Hj. rewrite dot_prog_correct. f_equal.
    unfold fdot. f_equal. apply map_ext_in. intros l Hl. apply in_seq in Hl.
    rewrite nth_flat by lia. reflexivity.
  - apply keep_block, block_flat.
Qed.

(** ** Correctness *)

Theorem ln_at_correct P p xs offX N c X :
  block xs offX N c X -> peval P p (ln_at p offX N c) xs = flat N c (fln P p c X).
Proof.
  intros HX. unfold ln_at. rewrite !peval_PSeq.
  rewrite (ln_rowsum_at_correct _ _ _ _ _ _ X HX).
  rewrite vstage_div_correct, mstage_correct, ln_sqsum_correct, vstage_div_correct,
    vstage_sqrt_correct, mstage_correct.
  reflexivity.
Qed.

(** ** Typing *)

Lemma ln_rowsum_at_wt p n offX N c : offX + N * c <= n -> pwt p n (ln_rowsum_at offX N c).
Proof.
  intros H. split.
  - apply ew_prog_wt. intros i j Hi Hj. rewrite map_length, seq_length. split; [|reflexivity].
    rewrite Forall_map, Forall_forall. intros l Hl. apply in_seq in Hl. cbn. nia.
  - apply keep_wt_le. lia.
Qed.

Lemma vstage_wt p n N c o (srcs : nat -> list fsrc) :
  N + N * c <= n ->
  (forall i, i < N -> Forall (fsrc_ok p n) (srcs i) /\ length (srcs i) = op_arity o) ->
  pwt p n (vstage N c o srcs).
Proof.
  intros Hn H. split.
  - apply ew_prog_wt. intros i j Hi Hj. apply H, Hi.
  - apply keep_wt_le. lia.
Qed.

Lemma ln_sqsum_wt p n N c : N * c <= n -> pwt p n (ln_sqsum N c).
Proof.
  intros Hn. split.
  - cbn [ln_sqdot pwt]. intros i Hi j Hj. apply dot_prog_wt. intros l Hl. nia.
  - apply keep_wt_le. lia.
Qed.

(** ** Shapes and counts of the stages *)

Lemma ln_rowsum_at_counts offX N c :
  let E := ln_rowsum_at offX N c in
  ops E = N /\ pads E = 3 * N + N * c /\ work E = N * (c - 1) /\ maxar E <= c
  /\ arity_out E = N + N * c.
Proof.
  destruct (ew_prog_counts N 1 (OSum c)
              (fun i _ => map (fun l => FIn (offX + (i * c + l))) (seq 0 c)))
    as (o & q & w & m & a).
  { intros. rewrite map_length, seq_length. reflexivity. }
  destruct (keep_counts offX (N * c)) as (o' & q' & w' & m' & a').
  cbn [op_work op_arity] in *. cbn zeta. unfold ln_rowsum_at. cbn [ops pads work maxar arity_out].
  repeat split; lia.
Qed.

Lemma vstage_counts N c o (srcs : nat -> list fsrc) :
  (forall i, i < N -> length (srcs i) = op_arity o) ->
  let E := vstage N c o srcs in
  ops E = N /\ pads E = 3 * N + N * c /\ work E = N * op_work o /\ maxar E <= op_arity o
  /\ arity_out E = N + N * c.
Proof.
  intros Hl.
  destruct (ew_prog_counts N 1 o (fun i _ => srcs i)) as (o1 & q & w & m & a).
  { intros i j Hi _. apply Hl, Hi. }
  destruct (keep_counts N (N * c)) as (o' & q' & w' & m' & a').
  cbn zeta. unfold vstage. cbn [ops pads work maxar arity_out]. repeat split; lia.
Qed.

Lemma ln_sqsum_counts N c :
  let E := ln_sqsum N c in
  ops E = N * (c + 1) /\ pads E = 3 * N + 2 * (N * c) /\ work E = N * (c + (c - 1))
  /\ maxar E <= c + 2 /\ arity_out E = N + N * c.
Proof.
  set (body := fun i (_ : nat) => dot_prog c (fun l => i * c + l) (fun l => i * c + l)).
  assert (Hb : forall i j, i < N -> j < 1 ->
             ops (body i j) = c + 1 /\ pads (body i j) = c /\ work (body i j) = c + (c - 1)
             /\ maxar (body i j) <= c + 2 /\ arity_out (body i j) = 1)
    by (intros; apply dot_prog_counts).
  assert (H1 : ops (ln_sqdot N c) = N * (1 * (c + 1))) by exact (PFor2_ops N 1 body _ _ _ _ Hb).
  assert (H2 : pads (ln_sqdot N c) = N * (1 * c + 1) + N * 1)
    by exact (PFor2_pads N 1 body _ _ _ _ Hb).
  assert (H3 : work (ln_sqdot N c) = N * (1 * (c + (c - 1))))
    by exact (PFor2_work N 1 body _ _ _ _ Hb).
  assert (H4 : maxar (ln_sqdot N c) <= c + 2) by exact (PFor2_maxar N 1 body _ _ _ _ Hb).
  assert (H5 : arity_out (ln_sqdot N c) = N * 1) by exact (PFor2_arity N 1 body _ _ _ _ Hb).
  destruct (keep_counts 0 (N * c)) as (o' & q' & w' & m' & a').
  cbn zeta. unfold ln_sqsum. cbn [ops pads work maxar arity_out].
  repeat split; lia.
Qed.

(** ** Depth *)

Lemma vstage_wdepth (P : FloatPrimitivesTC0) N c o (srcs : nat -> list fsrc) :
  wdepth (op_dbound P) (vstage N c o srcs) <= op_dbound P o.
Proof.
  unfold vstage. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (ew_prog_wdepth P N 1 o (fun i _ => srcs i)). lia.
Qed.

Lemma ln_rowsum_at_wdepth (P : FloatPrimitivesTC0) offX N c : wdepth (op_dbound P) (ln_rowsum_at offX N c) <= d_sum P.
Proof.
  unfold ln_rowsum_at. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (ew_prog_wdepth P N 1 (OSum c)
                (fun i _ => map (fun l => FIn (offX + (i * c + l))) (seq 0 c))).
  cbn [op_dbound] in *. lia.
Qed.

Lemma ln_sqsum_wdepth (P : FloatPrimitivesTC0) N c : wdepth (op_dbound P) (ln_sqsum N c) <= d_std P + d_sum P.
Proof.
  unfold ln_sqsum. cbn [wdepth]. rewrite keep_wdepth.
  assert (wdepth (op_dbound P) (ln_sqdot N c) <= d_std P + d_sum P)
    by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
  lia.
Qed.

(** The paper's reconstruction [5·d_std + 2·d_⊕ + d_sqrt], exactly. *)
Theorem ln_at_wdepth (P : FloatPrimitivesTC0) p offX N c :
  wdepth (op_dbound P) (ln_at p offX N c) <= 5 * d_std P + 2 * d_sum P + d_sqrt P.
Proof.
  unfold ln_at. cbn [wdepth].
  pose proof (ln_rowsum_at_wdepth P offX N c).
  pose proof (vstage_wdepth P N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)])).
  pose proof (mstage_wdepth P N c BSub). pose proof (ln_sqsum_wdepth P N c).
  pose proof (vstage_wdepth P N c OSqrt (fun i => [FIn i])).
  pose proof (mstage_wdepth P N c BDiv).
  cbn [op_dbound] in *. lia.
Qed.

(** ** Typing and counts of [ln_at] *)

Lemma vstage_arity N c o (srcs : nat -> list fsrc) : arity_out (vstage N c o srcs) = N + N * c.
Proof. unfold vstage. cbn [arity_out]. rewrite ew_prog_arity, keep_arity. lia. Qed.

Theorem ln_at_wt p n offX N c : offX + N * c <= n -> pwt p n (ln_at p offX N c).
Proof.
  intros Hn. unfold ln_at. cbn [pwt].
  rewrite (proj2 (proj2 (proj2 (proj2 (ln_rowsum_at_counts offX N c))))).
  rewrite (proj2 (proj2 (proj2 (proj2 (ln_sqsum_counts N c))))).
  rewrite (proj2 (proj2 (proj2 (proj2 (mstage_counts N c BSub))))).
  rewrite !vstage_arity.
  assert (Hdiv : pwt p (N + N * c) (vstage N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)]))).
  { apply vstage_wt; [lia|]. intros i Hi. split; [|reflexivity].
    repeat constructor; cbn; [lia|apply of_Z_valid]. }
  split; [apply ln_rowsum_at_wt, Hn|]. split; [exact Hdiv|].
  split; [apply mstage_wt; lia|]. split; [apply ln_sqsum_wt; lia|]. split; [exact Hdiv|].
  split; [|apply mstage_wt; lia].
  apply vstage_wt; [lia|]. intros i Hi. split; [|reflexivity]. repeat constructor; cbn; lia.
Qed.

Section ln_counts.
  Context (p offX N c : nat).
  Let E := ln_at p offX N c.

  Let cnts := (ln_rowsum_at_counts offX N c,
               vstage_counts N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)])
                 (fun _ _ => eq_refl),
               mstage_counts N c BSub, ln_sqsum_counts N c,
               vstage_counts N c OSqrt (fun i => [FIn i]) (fun _ _ => eq_refl),
               mstage_counts N c BDiv).

  Ltac counts := unfold E, ln_at; cbn [ops pads work maxar arity_out];
    destruct cnts as [[[[[(o1 & q1 & w1 & m1 & a1) (o2 & q2 & w2 & m2 & a2)]
                          (o3 & q3 & w3 & m3 & a3)] (o4 & q4 & w4 & m4 & a4)]
                          (o6 & q6 & w6 & m6 & a6)] (o7 & q7 & w7 & m7 & a7)];
    cbn [op_work op_arity] in *.

  Lemma ln_at_ops : ops E = N * (3 * c + 5).
  Proof. counts. lia. Qed.

  Lemma ln_at_pads : pads E = N * (10 * c + 15).
  Proof. counts. lia. Qed.

  (** Exact, for every [c] (note [c − 1] is truncated). *)
  Lemma ln_at_work : work E = N * (3 * c + 2 * (c - 1) + 3).
  Proof. counts. lia. Qed.

  Lemma ln_at_work_pos : 1 <= c -> work E = N * (5 * c + 1).
  Proof. intros Hc. rewrite ln_at_work. nia. Qed.

  Lemma ln_at_maxar : maxar E <= c + 2.
  Proof. counts. lia. Qed.

  Lemma ln_at_arity : arity_out E = N * c.
  Proof. counts. lia. Qed.
End ln_counts.

(** ** The affine variant [γ ⊙ LN(X) + β]

    [γ] at [offG], [β] at [offB] (each [1 × c]) are carried beside the
    seven LN stages (free); then two entry-wise stages: [γ_l · LN_il] with
    [β] carried, then [+ β_l]. *)
Definition lnaff_at p offX offG offB N c : prog :=
  PSeq (PPar (ln_at p offX N c) (PPar (keep offG c) (keep offB c)))
  (PSeq (PPar (ew_prog N c (OBin BMul) (fun i l => [FIn (N * c + l); FIn (i * c + l)]))
              (keep (N * c + c) c))
        (ew_prog N c (OBin BAdd) (fun i l => [FIn (i * c + l); FIn (N * c + l)]))).

Theorem lnaff_at_correct P p xs offX offG offB N c X G B :
  block xs offX N c X -> block xs offG 1 c G -> block xs offB 1 c B ->
  peval P p (lnaff_at p offX offG offB N c) xs = flat N c (flnaff P p c G B X).
Proof.
  intros HX HG HB. unfold lnaff_at. rewrite !peval_PSeq, !peval_PPar.
  rewrite (ln_at_correct _ _ _ _ _ _ X HX), (keep_block1 _ _ _ _ _ G HG),
    (keep_block1 _ _ _ _ _ B HB).
  set (L := fln P p c X).
  assert (HB' : block (flat N c L ++ (flat 1 c G ++ flat 1 c B)) (N * c + c) 1 c B).
  { pose proof (block_cat3_r N c L 1 c G 1 c B) as H. rewrite Nat.mul_1_l in H. exact H. }
  rewrite (keep_block1 _ _ _ _ _ B HB'), !ew_prog_correct.
  apply flat_ext. intros i l Hi Hl.
  set (GL := fun i l => opsem P p (OBin BMul)
                          (map (fsrc_val (flat N c L ++ (flat 1 c G ++ flat 1 c B)))
                               [FIn (N * c + l); FIn (i * c + l)])).
  cbn [map fsrc_val opsem binsem nth].
  rewrite (nth_flat_app_l N c GL (flat 1 c B) i l Hi Hl).
  pose proof (block_cat2_r N c GL 1 c B 0 l ltac:(lia) Hl) as H1.
  rewrite Nat.mul_0_l, Nat.add_0_l in H1. rewrite H1. unfold GL.
  cbn [map fsrc_val opsem binsem nth].
  rewrite (nth_flat_app_l N c L _ i l Hi Hl).
  pose proof (block_cat3_m N c L 1 c G (flat 1 c B) 0 l ltac:(lia) Hl) as H2.
  rewrite Nat.mul_0_l, Nat.add_0_l in H2. rewrite H2. reflexivity.
Qed.

Theorem lnaff_at_wt p n offX offG offB N c :
  offX + N * c <= n -> offG + c <= n -> offB + c <= n -> pwt p n (lnaff_at p offX offG offB N c).
Proof.
  intros HX HG HB. unfold lnaff_at. cbn [pwt arity_out].
  rewrite ln_at_arity, !keep_arity, ew_prog_arity.
  split; [split; [apply ln_at_wt, HX|split; apply keep_wt_le; lia]|].
  split; [split|].
  - apply ew_prog_wt. intros i l Hi Hl. split; [|reflexivity]. repeat constructor; cbn; nia.
  - apply keep_wt_le. lia.
  - apply ew_prog_wt. intros i l Hi Hl. split; [|reflexivity]. repeat constructor; cbn; nia.
Qed.

Theorem lnaff_at_wdepth (P : FloatPrimitivesTC0) p offX offG offB N c :
  wdepth (op_dbound P) (lnaff_at p offX offG offB N c) <= 7 * d_std P + 2 * d_sum P + d_sqrt P.
Proof.
  unfold lnaff_at. cbn [wdepth]. rewrite !keep_wdepth.
  pose proof (ln_at_wdepth P p offX N c).
  pose proof (ew_prog_wdepth P N c (OBin BMul) (fun i l => [FIn (N * c + l); FIn (i * c + l)])).
  pose proof (ew_prog_wdepth P N c (OBin BAdd) (fun i l => [FIn (i * c + l); FIn (N * c + l)])).
  cbn [op_dbound] in *. lia.
Qed.

Section lnaff_counts.
  Context (p offX offG offB N c : nat).
  Let E := lnaff_at p offX offG offB N c.

  Ltac counts := unfold E, lnaff_at; cbn [ops pads work maxar arity_out];
    rewrite ?ln_at_ops, ?ln_at_pads, ?ln_at_work, ?ln_at_arity;
    pose proof (ln_at_maxar p offX N c);
    destruct (keep_counts offG c) as (o1 & q1 & w1 & m1 & a1);
    destruct (keep_counts offB c) as (o2 & q2 & w2 & m2 & a2);
    destruct (keep_counts (N * c + c) c) as (o3 & q3 & w3 & m3 & a3);
    destruct (ew_prog_counts N c (OBin BMul) (fun i l => [FIn (N * c + l); FIn (i * c + l)]))
      as (o4 & q4 & w4 & m4 & a4); [intros; reflexivity|];
    destruct (ew_prog_counts N c (OBin BAdd) (fun i l => [FIn (i * c + l); FIn (N * c + l)]))
      as (o5 & q5 & w5 & m5 & a5); [intros; reflexivity|];
    cbn [op_work op_arity] in *.

  Lemma lnaff_at_ops : ops E = N * (5 * c + 5).
  Proof. counts. lia. Qed.

  Lemma lnaff_at_pads : pads E = N * (16 * c + 15) + 5 * c.
  Proof. counts. lia. Qed.

  Lemma lnaff_at_work : work E = N * (5 * c + 2 * (c - 1) + 3).
  Proof. counts. lia. Qed.

  Lemma lnaff_at_work_pos : 1 <= c -> work E = N * (7 * c + 1).
  Proof. intros Hc. rewrite lnaff_at_work. nia. Qed.

  Lemma lnaff_at_maxar : maxar E <= c + 2.
  Proof. counts. lia. Qed.

  Lemma lnaff_at_arity : arity_out E = N * c.
  Proof. counts. lia. Qed.
End lnaff_counts.

(** ** Examples ([vm_compute], p = 8) *)

(** The row [1, 2, 3]: mean 2, variance 2/3 (rounded once). *)
Local Definition ex_X : mat := fun _ l => of_Z 8 (Z.of_nat (S l)).

Example ex_fmean : fmean 8 3 ex_X 0 = of_Z 8 2.
Proof. vm_compute. reflexivity. Qed.

Example ex_fcent : map (fcent 8 3 ex_X 0) (seq 0 3) = [of_Z 8 (-1); fzero; of_Z 8 1].
Proof. vm_compute. reflexivity. Qed.

Example ex_fvar : fvar 8 3 ex_X 0 = fconst 8 2 3.
Proof. vm_compute. reflexivity. Qed.

(** Counts on [2 × 3]: [N·(5c+1) = 32] operations. *)
Example ex_ln_counts :
  work (ln_at 8 0 2 3) = 32 /\ ops (ln_at 8 0 2 3) = 28 /\ pads (ln_at 8 0 2 3) = 90
  /\ arity_out (ln_at 8 0 2 3) = 6 /\ wdepth (fun _ => 1) (ln_at 8 0 2 3) = 8.
Proof. vm_compute. repeat split. Qed.
