(** * The feed-forward layer is in TC0 with depth 6·d_std + 2·d_⊕ + 2

    The paper's Section 5.4 ("Computing Feed-Forward Layer in TC0"), with the
    FFN of its Section 4 applied token-wise: for [X : N × d],
    [W1 : d × dff], [b1 : 1 × dff], [W2 : dff × d], [b2 : 1 × d],
    [FFN(X) = X + FFN_inner(X)], [FFN_inner(X) = ReLU(X·W1 + b1)·W2 + b2]
    (row-major tokens; the paper's [W_2 σ(W_1 x + b_1) + b_2] on column
    vectors is the same map with transposed weights).  σ is ReLU,
    [ReLU(x) = max(0, x)] ([fmax p fzero x]): GELU would need erf or tanh,
    which are not among the paper's TC0 primitives.

    Two variants, one defined from the other (no duplicated proofs):
    + [fffn_inner] / [ffn_inner_at]: the FFN *without* its residual, what a
      pre-norm transformer block adds to its residual stream
      ([X₂ = X₁ + FFN_inner(LN₂(X₁))], Pipeline/Layer.v);
    + [fffn] / [ffn_at]: the paper's FFN with its residual, [X + FFN_inner(X)],
      i.e. [ffn_inner_at] beside a wire copying [X], then one entry-wise
      addition.

    Float semantics, written directly by composition: the MLP semantics of
    [Modules/MLP.v] twice, ReLU entry-wise in between ([fffn_inner]); the
    residual [X + …] is one more rounded addition ([fffn]).

    Program [ffn_inner_at]: three stages in sequence; a stage only sees the
    previous stage's outputs, so the operands needed later ([W2], [b2]) are
    carried along by free wiring:
    + A: [H = X·W1 + b1] ([mlp_at]) beside a wire copying [W2], [b2];
    + B: [R = ReLU(H)] (the IR's [OMax] against the constant 0: a comparison
         and a proven multiplexer, weight [d_std + 2]), keeping the rest;
    + C: [G = R·W2 + b2] ([mlp_at]).
    Program [ffn_at]: [ffn_inner_at] beside a copy of [X], then [X + G].
    Depth ([ffn_inner_at_wdepth], [ffn_at_wdepth]):
    [(2·d_std + d_sum) + (d_std + 2) + (2·d_std + d_sum) = 5·d_std + 2·d_sum + 2]
    without the residual, [6·d_std + 2·d_sum + 2] with it.
    This is the paper's reconstructed "≈ 6·d_std + 2·d_⊕" (two affine maps of
    [2·d_std + d_⊕] each, ReLU by one comparison [d_std], the residual
    [d_std]); the [+ 2] is the multiplexer that selects [max(0, x)] after the
    comparison, which the paper's count leaves implicit.
    Work ([ffn_inner_at_work], [ffn_at_work]): exactly
    [N·dff·(2d) + N·dff + N·d·(2·dff)], plus [N·d] for the residual, for
    [d, dff ≥ 1] ([ffn_at_work_pos]: [4·N·d·dff + N·dff + N·d]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import Common MLP.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (X : mat) (xs : list flt) (p n N d dff : nat).

(** ** Semantics *)

Definition frelu p (A : mat) : mat := fun i j => fmax p fzero (A i j).

(** The FFN without its residual: [ReLU(X·W1 + b1)·W2 + b2]. *)
Definition fffn_inner p d dff X W1 b1 W2 b2 : mat :=
  fmlp p dff (frelu p (fmlp p d X W1 b1)) W2 b2.

(** The paper's FFN: [X + FFN_inner(X)]. *)
Definition fffn p d dff X W1 b1 W2 b2 : mat :=
  fun i j => fadd p (X i j) (fffn_inner p d dff X W1 b1 W2 b2 i j).

(** ** Entry-wise stages *)

(** ReLU of the [r × c] block at [off]. *)
Definition relu_at off r c : prog :=
  ew_prog r c OMax (fun i j => [FCst fzero; FIn (off + (i * c + j))]).

Lemma relu_at_correct P p xs off r c (A : mat) :
  block xs off r c A -> peval P p (relu_at off r c) xs = flat r c (frelu p A).
Proof.
  intros HA. unfold relu_at. rewrite ew_prog_correct. apply flat_ext. intros i j Hi Hj.
  cbn [map fsrc_val opsem nth]. rewrite HA by auto. reflexivity.
Qed.

Lemma relu_at_wt p n off r c : off + r * c <= n -> pwt p n (relu_at off r c).
Proof.
  intros H. apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
  assert (i * c + j < r * c) by nia.
  constructor; [apply fzero_valid|]. constructor; [cbn; lia|constructor].
Qed.

(** The entry-wise sum of the [r × c] blocks at [offA] and [offB]. *)
Definition add_at offA offB r c : prog :=
  ew_prog r c (OBin BAdd) (fun i j => [FIn (offA + (i * c + j)); FIn (offB + (i * c + j))]).

Lemma add_at_correct P p xs offA offB r c (A B : mat) :
  block xs offA r c A -> block xs offB r c B ->
  peval P p (add_at offA offB r c) xs = flat r c (fun i j => fadd p (A i j) (B i j)).
Proof.
  intros HA HB. unfold add_at. rewrite ew_prog_correct. apply flat_ext. intros i j Hi Hj.
  cbn [map fsrc_val opsem binsem nth]. rewrite HA, HB by auto. reflexivity.
Qed.

Lemma add_at_wt p n offA offB r c :
  offA + r * c <= n -> offB + r * c <= n -> pwt p n (add_at offA offB r c).
Proof.
  intros HA HB. apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
  assert (i * c + j < r * c) by nia.
  constructor; [cbn; lia|]. constructor; [cbn; lia|constructor].
Qed.

Lemma add_at_counts offA offB r c :
  ops (add_at offA offB r c) = r * (c * 1)
  /\ pads (add_at offA offB r c) = r * (c * 0 + c) + r * c
  /\ work (add_at offA offB r c) = r * (c * 1)
  /\ maxar (add_at offA offB r c) <= 2
  /\ arity_out (add_at offA offB r c) = r * c.
Proof.
  unfold add_at.
  destruct (ew_prog_counts r c (OBin BAdd)
              (fun i j => [FIn (offA + (i * c + j)); FIn (offB + (i * c + j))]))
    as (Ho & Hp & Hw & Hm & Ha); [intros; reflexivity|].
  cbn [op_work op_arity] in *. repeat split; assumption.
Qed.

Lemma add_at_wdepth P offA offB r c : wdepth (op_dbound P) (add_at offA offB r c) <= d_std P.
Proof. apply (ew_prog_wdepth P r c (OBin BAdd)). Qed.

(** ** The inner program (no residual)

    Operands: [X] ([N × d]) at [offX], [W1] ([d × dff]) at [offW1], [b1]
    ([1 × dff]) at [offb1], [W2] ([dff × d]) at [offW2], [b2] ([1 × d]) at
    [offb2].  The state after stages A and B is [H | W2 | b2] (then
    [R | W2 | b2]); stage C returns [G]. *)

(** What stage A carries along: [W2], [b2]. *)
Definition ffn_carry offW2 offb2 d dff : list (nat * nat) := [(offW2, dff * d); (offb2, d)].

Definition ffn_stageA offX offW1 offb1 offW2 offb2 N d dff : prog :=
  PPar (mlp_at offX offW1 offb1 N d dff) (gather (ffn_carry offW2 offb2 d dff)).

Definition ffn_stageB N d dff : prog := stage (N * dff) (dff * d + d) (relu_at 0 N dff).

Definition ffn_stageC N d dff : prog := mlp_at 0 (N * dff) (N * dff + dff * d) N dff d.

Definition ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff : prog :=
  PSeq (ffn_stageA offX offW1 offb1 offW2 offb2 N d dff)
       (PSeq (ffn_stageB N d dff) (ffn_stageC N d dff)).

(** ** The program with the residual: [ffn_inner_at] beside a copy of [X], then [X + G] *)

Definition ffn_at offX offW1 offb1 offW2 offb2 N d dff : prog :=
  PSeq (PPar (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff) (keep offX (N * d)))
       (add_at (N * d) 0 N d).

(** ** Correctness, stage by stage *)

Section correct.
  Context (P : FloatPrimitivesTC0) (p : nat) (xs : list flt).
  Context (offX offW1 offb1 offW2 offb2 N d dff : nat) (X W1 b1 W2 b2 : mat).
  Context (HX : block xs offX N d X) (HW1 : block xs offW1 d dff W1)
          (Hb1 : block xs offb1 1 dff b1) (HW2 : block xs offW2 dff d W2)
          (Hb2 : block xs offb2 1 d b2).

  Let Hid := fmlp p d X W1 b1.
  Let R := frelu p Hid.
  Let S := flat dff d W2 ++ flat 1 d b2.

  Lemma ffn_stageA_correct :
    peval P p (ffn_stageA offX offW1 offb1 offW2 offb2 N d dff) xs = flat N dff Hid ++ S.
  Proof.
    unfold ffn_stageA. rewrite peval_PPar, (mlp_at_correct P p xs _ _ _ N d dff X W1 b1)
      by assumption.
    rewrite gather_correct. cbn [ffn_carry map concat fst snd].
    rewrite (keep_block P p xs offW2 dff d W2), (keep_block1 P p xs offb2 d b2), app_nil_r
      by assumption.
    reflexivity.
  Qed.

  Lemma ffn_stageB_correct :
    peval P p (ffn_stageB N d dff) (flat N dff Hid ++ S) = flat N dff R ++ S.
  Proof.
    unfold ffn_stageB. apply stage_correct_n.
    - apply flat_length.
    - unfold S. rewrite !app_length, !flat_length. lia.
    - apply relu_at_correct, block_flat_app_l.
  Qed.

  Lemma ffn_stageC_correct :
    peval P p (ffn_stageC N d dff) (flat N dff R ++ S)
    = flat N d (fffn_inner p d dff X W1 b1 W2 b2).
  Proof.
    unfold ffn_stageC, S. apply mlp_at_correct.
    - apply block_head_flat. reflexivity.
    - apply block_cons_flat with (off := 0); [lia|]. apply block_flat_app_l.
    - apply block_cons_flat with (off := dff * d); [lia|].
      rewrite <- (Nat.add_0_r (dff * d)), <- (flat_length dff d W2).
      apply block_app_r, block_flat.
  Qed.

  Theorem ffn_inner_at_correct :
    peval P p (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff) xs
    = flat N d (fffn_inner p d dff X W1 b1 W2 b2).
  Proof.
    unfold ffn_inner_at. rewrite !peval_PSeq, ffn_stageA_correct, ffn_stageB_correct.
    apply ffn_stageC_correct.
  Qed.

  Theorem ffn_at_correct :
    peval P p (ffn_at offX offW1 offb1 offW2 offb2 N d dff) xs
    = flat N d (fffn p d dff X W1 b1 W2 b2).
  Proof.
    unfold ffn_at. rewrite peval_PSeq, peval_PPar, ffn_inner_at_correct,
      (keep_block P p xs offX N d X) by assumption.
    apply add_at_correct.
    - apply block_cons_flat with (off := 0); [lia|]. apply block_flat.
    - apply block_flat_app_l.
  Qed.
End correct.

(** ** Typing *)

Lemma ffn_stageA_arity offX offW1 offb1 offW2 offb2 N d dff :
  arity_out (ffn_stageA offX offW1 offb1 offW2 offb2 N d dff) = N * dff + (dff * d + d).
Proof.
  cbn [ffn_stageA arity_out]. rewrite mlp_at_arity, gather_arity. cbn. lia.
Qed.

Lemma ffn_stageB_arity N d dff : arity_out (ffn_stageB N d dff) = N * dff + (dff * d + d).
Proof. unfold ffn_stageB, relu_at. rewrite stage_arity, ew_prog_arity. lia. Qed.

Lemma ffn_inner_at_arity offX offW1 offb1 offW2 offb2 N d dff :
  arity_out (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff) = N * d.
Proof. cbn [ffn_inner_at arity_out]. apply mlp_at_arity. Qed.

Lemma ffn_at_arity offX offW1 offb1 offW2 offb2 N d dff :
  arity_out (ffn_at offX offW1 offb1 offW2 offb2 N d dff) = N * d.
Proof. cbn [ffn_at arity_out]. apply ew_prog_arity. Qed.

Lemma ffn_inner_at_wt p n offX offW1 offb1 offW2 offb2 N d dff :
  offX + N * d <= n -> offW1 + d * dff <= n -> offb1 + dff <= n ->
  offW2 + dff * d <= n -> offb2 + d <= n ->
  pwt p n (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff).
Proof.
  intros HX HW1 Hb1 HW2 Hb2. cbn [ffn_inner_at pwt].
  rewrite ffn_stageA_arity, ffn_stageB_arity.
  split; [|split].
  - split; [apply mlp_at_wt; assumption|]. apply gather_wt. repeat constructor; cbn; lia.
  - apply stage_wt_n; [lia|]. apply relu_at_wt. lia.
  - apply mlp_at_wt; lia.
Qed.

Lemma ffn_at_wt p n offX offW1 offb1 offW2 offb2 N d dff :
  offX + N * d <= n -> offW1 + d * dff <= n -> offb1 + dff <= n ->
  offW2 + dff * d <= n -> offb2 + d <= n ->
  pwt p n (ffn_at offX offW1 offb1 offW2 offb2 N d dff).
Proof.
  intros HX HW1 Hb1 HW2 Hb2. cbn [ffn_at pwt arity_out]. rewrite ffn_inner_at_arity, keep_arity.
  split; [split|].
  - apply ffn_inner_at_wt; assumption.
  - apply keep_wt_le. exact HX.
  - apply add_at_wt; lia.
Qed.

(** ** Depth *)

Lemma ffn_inner_at_wdepth P offX offW1 offb1 offW2 offb2 N d dff :
  wdepth (op_dbound P) (ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff)
  <= 5 * d_std P + 2 * d_sum P + 2.
Proof.
  unfold ffn_inner_at, ffn_stageA, ffn_stageB, ffn_stageC. cbn [wdepth].
  rewrite !stage_wdepth.
  pose proof (mlp_at_wdepth P offX offW1 offb1 N d dff).
  pose proof (mlp_at_wdepth P 0 (N * dff) (N * dff + dff * d) N dff d).
  pose proof (ew_prog_wdepth P N dff OMax (fun i j => [FCst fzero; FIn (0 + (i * dff + j))])).
  assert (wdepth (op_dbound P) (gather (ffn_carry offW2 offb2 d dff)) = 0) by reflexivity.
  unfold relu_at. cbn [op_dbound] in *. lia.
Qed.

Lemma ffn_at_wdepth P offX offW1 offb1 offW2 offb2 N d dff :
  wdepth (op_dbound P) (ffn_at offX offW1 offb1 offW2 offb2 N d dff)
  <= 6 * d_std P + 2 * d_sum P + 2.
Proof.
  unfold ffn_at. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (ffn_inner_at_wdepth P offX offW1 offb1 offW2 offb2 N d dff).
  pose proof (add_at_wdepth P (N * d) 0 N d). lia.
Qed.

(** ** Counts *)

Section counts.
  Context (offX offW1 offb1 offW2 offb2 N d dff : nat).
  Let E := ffn_inner_at offX offW1 offb1 offW2 offb2 N d dff.
  Let F := ffn_at offX offW1 offb1 offW2 offb2 N d dff.

  Let relu_cnt := ew_prog_counts N dff OMax (fun i j => [FCst fzero; FIn (0 + (i * dff + j))])
                    (fun _ _ _ _ => eq_refl).

  Lemma ffn_inner_at_ops : ops E = N * (dff * (d + 2)) + N * dff + N * (d * (dff + 2)).
  Proof.
    unfold E, ffn_inner_at, ffn_stageA, ffn_stageB, ffn_stageC. cbn [ops].
    destruct (stage_counts (N * dff) (dff * d + d) (relu_at 0 N dff)) as (E1 & _).
    rewrite E1, !mlp_at_ops. destruct relu_cnt as (R1 & _).
    unfold relu_at. rewrite R1. cbn [gather ops]. lia.
  Qed.

  Lemma ffn_inner_at_work :
    work E = N * (dff * (d + (d - 1) + 1)) + N * dff + N * (d * (dff + (dff - 1) + 1)).
  Proof.
    unfold E, ffn_inner_at, ffn_stageA, ffn_stageB, ffn_stageC. cbn [work].
    destruct (stage_counts (N * dff) (dff * d + d) (relu_at 0 N dff)) as (_ & E1 & _).
    rewrite E1, !mlp_at_work. destruct relu_cnt as (_ & _ & R1 & _).
    unfold relu_at. rewrite R1. cbn [gather work op_work]. lia.
  Qed.

  Lemma ffn_inner_at_pads :
    pads E = 2 * (N * d * dff) + 8 * (N * dff) + 4 * (N * d) + 2 * (dff * d) + 2 * d.
  Proof.
    unfold E, ffn_inner_at, ffn_stageA, ffn_stageB, ffn_stageC. cbn [pads].
    destruct (stage_counts (N * dff) (dff * d + d) (relu_at 0 N dff)) as (_ & _ & _ & E1).
    rewrite E1, !mlp_at_pads, !mlp_at_arity, gather_arity.
    destruct relu_cnt as (_ & R1 & _ & _ & R2).
    unfold relu_at. rewrite R1, R2. cbn [gather pads ffn_carry map snd list_sum fold_right].
    nia.
  Qed.

  Lemma ffn_inner_at_maxar : maxar E <= Nat.max d dff + 2.
  Proof.
    unfold E, ffn_inner_at, ffn_stageA, ffn_stageB, ffn_stageC. cbn [maxar].
    destruct (stage_counts (N * dff) (dff * d + d) (relu_at 0 N dff)) as (_ & _ & E1 & _).
    rewrite E1.
    pose proof (mlp_at_maxar offX offW1 offb1 N d dff).
    pose proof (mlp_at_maxar 0 (N * dff) (N * dff + dff * d) N dff d).
    destruct relu_cnt as (_ & _ & _ & R1 & _).
    unfold relu_at. cbn [gather maxar op_arity] in *. lia.
  Qed.

  Lemma ffn_inner_at_work_pos : 1 <= d -> 1 <= dff -> work E = 4 * N * d * dff + N * dff.
  Proof.
    intros Hd Hf. rewrite ffn_inner_at_work.
    replace (d + (d - 1) + 1) with (2 * d) by lia.
    replace (dff + (dff - 1) + 1) with (2 * dff) by lia. ring.
  Qed.

  (** With the residual: the inner counts, plus [N·d] additions. *)

  Lemma ffn_at_ops : ops F = N * (dff * (d + 2)) + N * dff + N * (d * (dff + 2)) + N * d.
  Proof.
    unfold F, ffn_at. cbn [ops]. fold E. rewrite ffn_inner_at_ops.
    destruct (add_at_counts (N * d) 0 N d) as (A1 & _). rewrite A1.
    assert (ops (keep offX (N * d)) = 0) by apply keep_counts. lia.
  Qed.

  Lemma ffn_at_work :
    work F = N * (dff * (d + (d - 1) + 1)) + N * dff + N * (d * (dff + (dff - 1) + 1)) + N * d.
  Proof.
    unfold F, ffn_at. cbn [work]. fold E. rewrite ffn_inner_at_work.
    destruct (add_at_counts (N * d) 0 N d) as (_ & _ & A1 & _). rewrite A1.
    assert (work (keep offX (N * d)) = 0) by apply keep_counts. lia.
  Qed.

  Lemma ffn_at_work_pos :
    1 <= d -> 1 <= dff -> work F = 4 * N * d * dff + N * dff + N * d.
  Proof.
    intros Hd Hf. rewrite ffn_at_work.
    replace (d + (d - 1) + 1) with (2 * d) by lia.
    replace (dff + (dff - 1) + 1) with (2 * dff) by lia. ring.
  Qed.

  Lemma ffn_at_pads :
    pads F = 2 * (N * d * dff) + 8 * (N * dff) + 8 * (N * d) + 2 * (dff * d) + 2 * d.
  Proof.
    unfold F, ffn_at. cbn [pads]. fold E.
    rewrite ffn_inner_at_pads, keep_arity. unfold E. rewrite ffn_inner_at_arity.
    destruct (add_at_counts (N * d) 0 N d) as (_ & A1 & _). rewrite A1.
    assert (pads (keep offX (N * d)) = 0) by apply keep_counts. nia.
  Qed.

  Lemma ffn_at_maxar : maxar F <= Nat.max d dff + 2.
  Proof.
    unfold F, ffn_at. cbn [maxar]. fold E. pose proof ffn_inner_at_maxar.
    destruct (add_at_counts (N * d) 0 N d) as (_ & _ & _ & A1 & _).
    assert (maxar (keep offX (N * d)) = 0) by apply keep_counts. lia.
  Qed.
End counts.

(** ** Examples *)

(** [N = 2] tokens, [d = 3], [dff = 4]:
    [2·4·6 + 2·4 + 2·3·8 + 2·3 = 48 + 8 + 48 + 6 = 110] operations. *)
Example ffn_at_work_ex : work (ffn_at 0 6 18 22 34 2 3 4) = 110.
Proof. vm_compute. reflexivity. Qed.

(** [pads]: [2·24 + 8·8 + 8·6 + 2·12 + 2·3 = 190] ([ffn_at_pads]). *)
Example ffn_at_counts_ex :
  ops (ffn_at 0 6 18 22 34 2 3 4) = 90 /\ pads (ffn_at 0 6 18 22 34 2 3 4) = 190.
Proof. vm_compute. split; reflexivity. Qed.

(** Without the residual: the [N·d = 6] additions fewer. *)
Example ffn_inner_at_work_ex : work (ffn_inner_at 0 6 18 22 34 2 3 4) = 104.
Proof. vm_compute. reflexivity. Qed.

(** ReLU on floats. *)
Example frelu_ex :
  frelu 8 (fun _ j => match j with 0 => of_Z 8 (-3) | _ => of_Z 8 5 end) 0 0 = fzero
  /\ frelu 8 (fun _ j => match j with 0 => of_Z 8 (-3) | _ => of_Z 8 5 end) 0 1 = of_Z 8 5.
Proof. vm_compute. split; reflexivity. Qed.
