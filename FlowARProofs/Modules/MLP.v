(** * The MLP layer is in TC0 with depth 2·d_std + d_⊕

    The paper's Section 5.3 ("Computing Multiple-layer Perceptron in TC0"),
    with the MLP of its Section 4 applied token-wise: for [X : N × c],
    [W : c × d] and the bias [b : 1 × d],
    [MLP(X)_{i,*} = X_{i,*} · W + b].
    (The paper writes [W X_{i,j,*} + b] with [W : d × c] on column vectors;
    on the row-major token matrix this is [X · W] with our [W] its transpose.)

    Float semantics, written directly ([fmlp]): entry [(i, j)] is the dot
    product [fdot] (all [c] products rounded, then one iterated sum rounded
    once) followed by one rounded addition of [b_j]; i.e. the matrix product
    of [IR/MatMul.v] plus the bias ([fmlp_fmatmul]).

    Program ([mlp_at]): for every entry, the dot product (depth
    [d_std + d_sum]) beside a wire carrying [b_j], then one addition
    ([d_std]); all [N·d] entries in parallel.  Hence
    - [mlp_at_wdepth]: weighted depth [≤ 2·d_std + d_sum], the paper's value
      ("one matrix product, then a bias addition");
    - [mlp_at_work]: exactly [N·d·(c + (c−1) + 1)] scalar operations,
      i.e. [2·N·d·c] when [c ≥ 1] ([mlp_at_work_pos]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block MatMul.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (X W b : mat) (xs : list flt) (p n N c d : nat).

(** ** Semantics *)

Definition fmlp p c X W b : mat :=
  fun i j => fadd p (fdot p c (fun k => X i k) (fun k => W k j)) (b 0 j).

(** The matrix product of Section 5.1 followed by the bias. *)
Lemma fmlp_fmatmul p c X W b i j : fmlp p c X W b i j = fadd p (fmatmul p c X W i j) (b 0 j).
Proof. reflexivity. Qed.

(** ** Program: [X] ([N × c]) at [offX], [W] ([c × d]) at [offW], [b] ([1 × d]) at [offb] *)

Definition mlp_body offX offW offb c d i j : prog :=
  PSeq (PPar (dot_prog c (fun k => offX + (i * c + k)) (fun k => offW + (k * d + j)))
             (PWire [FIn (offb + j)]))
       (POp (OBin BAdd)).

Definition mlp_at offX offW offb N c d : prog :=
  PFor N (fun i => PFor d (mlp_body offX offW offb c d i)).

Lemma mlp_body_counts offX offW offb c d i j :
  let e := mlp_body offX offW offb c d i j in
  ops e = c + 2 /\ pads e = c + 2 /\ work e = c + (c - 1) + 1
  /\ maxar e <= c + 2 /\ arity_out e = 1.
Proof.
  destruct (dot_prog_counts c (fun k => offX + (i * c + k)) (fun k => offW + (k * d + j)))
    as (Ho & Hp & Hw & Hm & Ha).
  cbn [mlp_body ops pads work maxar arity_out op_work op_arity length].
  rewrite Ho, Hp, Hw, Ha. repeat split; lia.
Qed.

Lemma mlp_at_wt p n offX offW offb N c d :
  offX + N * c <= n -> offW + c * d <= n -> offb + d <= n ->
  pwt p n (mlp_at offX offW offb N c d).
Proof.
  intros HX HW Hb. cbn [mlp_at pwt]. intros i Hi j Hj. cbn [mlp_body pwt].
  destruct (dot_prog_counts c (fun k => offX + (i * c + k)) (fun k => offW + (k * d + j)))
    as (_ & _ & _ & _ & Ha).
  split; [split|].
  - apply dot_prog_wt. intros k Hk.
    assert (i * c + k < N * c) by nia. assert (k * d + j < c * d) by nia. lia.
  - constructor; [cbn; lia|constructor].
  - cbn [arity_out length op_arity]. rewrite Ha. reflexivity.
Qed.

Theorem mlp_at_correct P p xs offX offW offb N c d X W b :
  block xs offX N c X -> block xs offW c d W -> block xs offb 1 d b ->
  peval P p (mlp_at offX offW offb N c d) xs = flat N d (fmlp p c X W b).
Proof.
  intros HX HW Hb. apply peval_PFor2. intros i j Hi Hj.
  unfold mlp_body. rewrite peval_PSeq, peval_PPar, dot_prog_correct, peval_POp.
  cbn [peval map fsrc_val app opsem binsem nth]. unfold fmlp. f_equal. f_equal.
  - unfold fdot. f_equal. apply map_ext_in. intros k Hk. apply in_seq in Hk.
    rewrite HX, HW by lia. reflexivity.
  - specialize (Hb 0 j ltac:(lia) Hj). cbn [Nat.mul Nat.add] in Hb. exact Hb.
Qed.

(** ** Depth *)

Lemma mlp_at_wdepth (P : FloatPrimitivesTC0) offX offW offb N c d :
  wdepth (op_dbound P) (mlp_at offX offW offb N c d) <= 2 * d_std P + d_sum P.
Proof.
  apply PFor2_wdepth. intros i j _ _. cbn [mlp_body wdepth op_dbound].
  pose proof (dot_prog_wdepth P c (fun k => offX + (i * c + k)) (fun k => offW + (k * d + j))).
  lia.
Qed.

(** ** Counts *)

Section counts.
  Context (offX offW offb N c d : nat).
  Let body := mlp_body offX offW offb c d.
  Let Hb := fun i j (_ : i < N) (_ : j < d) => mlp_body_counts offX offW offb c d i j.

  Lemma mlp_at_ops : ops (mlp_at offX offW offb N c d) = N * (d * (c + 2)).
  Proof. exact (PFor2_ops N d body _ _ _ _ Hb). Qed.

  Lemma mlp_at_work : work (mlp_at offX offW offb N c d) = N * (d * (c + (c - 1) + 1)).
  Proof. exact (PFor2_work N d body _ _ _ _ Hb). Qed.

  Lemma mlp_at_pads : pads (mlp_at offX offW offb N c d) = N * (d * (c + 2) + d) + N * d.
  Proof. exact (PFor2_pads N d body _ _ _ _ Hb). Qed.

  Lemma mlp_at_maxar : maxar (mlp_at offX offW offb N c d) <= c + 2.
  Proof. exact (PFor2_maxar N d body _ _ _ _ Hb). Qed.

  Lemma mlp_at_arity : arity_out (mlp_at offX offW offb N c d) = N * d.
  Proof. exact (PFor2_arity N d body _ _ _ _ Hb). Qed.

  (** [N·d·(2c − 1)] operations for the dot products, [N·d] for the bias. *)
  Lemma mlp_at_work_pos : 1 <= c -> work (mlp_at offX offW offb N c d) = 2 * N * d * c.
  Proof. intros Hc. rewrite mlp_at_work. replace (c + (c - 1) + 1) with (2 * c) by lia. ring. Qed.
End counts.

(** ** Examples *)

(** [N = 2] tokens, [c = 3] in, [d = 4] out: [2·4·(3 + 2 + 1) = 48] operations. *)
Example mlp_at_work_ex : work (mlp_at 0 6 18 2 3 4) = 48.
Proof. vm_compute. reflexivity. Qed.

Example mlp_at_ops_ex : ops (mlp_at 0 6 18 2 3 4) = 40 /\ pads (mlp_at 0 6 18 2 3 4) = 56.
Proof. vm_compute. split; reflexivity. Qed.

(** One entry at precision 8: [1·2 + 3·(−1) + 1/2 = −1/2]. *)
Example fmlp_ex :
  fmlp 8 2 (fun _ k => of_Z 8 (2 * Z.of_nat k + 1)) (fun k _ => of_Z 8 (2 - 3 * Z.of_nat k))
       (fun _ _ => fconst 8 1 2) 0 0
  = fconst 8 (-1) 2.
Proof. vm_compute. reflexivity. Qed.
