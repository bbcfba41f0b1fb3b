(** * Lower bounds on the depth of compiled programs

    [depth_compile] (IR/Compile.v) is an EQUALITY: the depth of
    [compile P p e] is the weighted longest path [wdepth] of [e], each
    operation weighing the depth of its own circuit.  Upper bounds use the
    trust record's depth constants; lower bounds need operations whose
    circuits provably have positive depth, and a path through the program
    that meets them.  This file gives
    - [subprog a e]: [a] occurs in [e] (below any [PSeq], [PPar], and below
      [PFor k] at an index [< k]), and [wdepth_subprog]: the weighted depth
      of a program is at least that of any sub-program, for every weight;
    - [wdepth_iter_ge]: [k] iterations of bodies of weighted depth [≥ m]
      have weighted depth [≥ k·m];
    - [wdepth_ew_ge]: an entry-wise stage of [r ≥ 1] rows and [c ≥ 1] columns
      weighs at least its operation;
    - [depth_max_circ_ge]: the circuit compiled for [max] (a comparison
      followed by the proven multiplexer of Circuits/Bits.v) has depth at
      least 2, for every trust record — no hypothesis on the record's
      circuits is needed. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Circuits Require Import Circuit Compose Bits.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Compile Stage Block.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (e a b : prog) (w : op -> nat) (k m : nat).

(** ** Sub-programs *)

Inductive subprog (a : prog) : prog -> Prop :=
| sp_refl : subprog a a
| sp_seql e1 e2 : subprog a e1 -> subprog a (PSeq e1 e2)
| sp_seqr e1 e2 : subprog a e2 -> subprog a (PSeq e1 e2)
| sp_parl e1 e2 : subprog a e1 -> subprog a (PPar e1 e2)
| sp_parr e1 e2 : subprog a e2 -> subprog a (PPar e1 e2)
| sp_for k body i : i < k -> subprog a (body i) -> subprog a (PFor k body).

#[export] Hint Constructors subprog : subprog.
(** To search through definitions, unfold the head of the program (only
    when it is not already a constructor). *)
#[export] Hint Extern 10 (subprog _ ?e) =>
  (let e' := eval hnf in e in progress change e with e') : subprog.

Lemma wdepth_subprog w a e : subprog a e -> wdepth w a <= wdepth w e.
Proof.
  induction 1 as [| | | | |k body i Hi _ IH]; cbn [wdepth]; try lia.
  eapply Nat.le_trans; [exact IH|]. apply in_le_list_max.
  apply (in_map (fun i => wdepth w (body i))), in_seq. lia.
Qed.

(** ** Iteration and entry-wise stages *)

Lemma wdepth_iter_ge w width k body m :
  (forall l, l < k -> m <= wdepth w (body l)) -> k * m <= wdepth w (iter width k body).
Proof.
  intros Hb. induction k as [|k IH]; cbn [iter wdepth]; [lia|].
  specialize (IH ltac:(intros; apply Hb; lia)). pose proof (Hb k ltac:(lia)). lia.
Qed.

Lemma wdepth_ew_ge w r c o srcs :
  1 <= r -> 1 <= c -> w o <= wdepth w (ew_prog r c o srcs).
Proof.
  intros Hr Hc. change (w o) with (wdepth w (POp o)). apply wdepth_subprog.
  unfold ew_prog. apply (sp_for _ r _ 0); [lia|]. apply (sp_for _ c _ 0); [lia|].
  apply sp_seqr, sp_refl.
Qed.

(** ** The circuit of [max] has depth at least 2 *)

(** The weights [depth_compile] uses: each operation's own circuit depth. *)
Definition cdepth P p : op -> nat := fun o => depth (op_circ P p o).

Lemma depth_compile_cdepth P p e : depth (compile P p e) = wdepth (cdepth P p) e.
Proof. apply depth_compile. Qed.

Lemma depth_max_circ_ge P p : 2 <= cdepth P p OMax.
Proof. unfold cdepth. cbn [op_circ]. unfold max_circ. rewrite depth_cseq, depth_mux. lia. Qed.
