(** * Work of the released FlowAR modules at concrete shapes, per kind

    The numpy released variant (py_bridge/model/released/) counts every
    scalar operation by kind; this file gives Coq's numbers for the same
    modules at the same small shapes, for the bridge to compare
    (py_bridge/crosscheck/released.py reads them with [Eval vm_compute]).

    A row [rw_* : list N] is
    {v
      [add; mul; div; cmp; exp; sqrt; total]
    v}
    where the six kinds are [work_by_kind] of the module's *program*
    (IR/Work.v, computed on the program itself) and [total] is the module's
    *closed form* (the exact work lemma of its file, e.g.
    [rms_at_work_pos] : [N·(3c + 3)]), instantiated at the shape.  The
    lemmas [rw_*_spec] prove that [total] is [work] of the program, and the
    [Example]s pin the numbers (and that the kinds add up to the total, by
    [work_by_kind_sum]).  Offsets and the attention scale change no count;
    they are fixed to valid values.

    Shapes (the bridge uses the same ones):
    {v
      rms, rmsw          N = 3 tokens, c = 4
      silu               2 × 3
      erf (A–S 7.1.26)   one scalar;  gelu  2 × 3 with that erf
      swiglu             N = 3, d = 4, hidden 5, erf A–S
      modulate, gate     N = 3, c = 4 (broadcast rows)
      adamod             one condition row, d = 4 → 6d = 24
      rope               N = 3, dh = 4
      rattn (one head)   N = 3, c = e = 4, dh = 4, no mask / block-causal [1; 2]
      rmha               N = 3, d = 4, 2 heads of 2, block-causal [1; 2]
      block              the released AR block, d = 4, 2 heads of 2, hidden 5,
                         N = 3, block-causal [1; 2]
    v}
    The closed-form totals at the paper's sizes ([rw_big]) are evaluated
    too (the numpy shape-only run counts them in milliseconds). *)
From Coq Require Import Arith NArith List Lia ZArith.
From FlowARProofs.Float Require Import Format.
From FlowARProofs.IR Require Import Program Work Tensor.
From FlowARProofs.Modules Require Import MLP Pointwise RMSNorm SiLU GELU ErfAS SwiGLU AdaLN RoPE RAttention.
From FlowARProofs.Pipeline Require Import ReleasedBlock ReleasedFlowBlock.
From FlowARProofs.Runtime Require Import ReleasedBlockCost ReleasedFlowBlockCost.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (e : prog) (t : N).

(** ** Rows *)

(** The six kinds of a program, in [N]. *)
Definition by_kind e : list N := map (fun k => N.of_nat (work_by_kind k e)) kinds.

(** A row: the kinds of the program, then the closed-form total [t]. *)
Definition row e t : list N := by_kind e ++ [t].

(** A row is honest when [t] is the program's work; then the kinds add up to [t]. *)
Lemma row_kinds_sum e t :
  N.of_nat (work e) = t -> list_sum (map N.to_nat (by_kind e)) = N.to_nat t.
Proof.
  intros <-. rewrite Nat2N.id, work_by_kind_sum. unfold by_kind. rewrite map_map.
  f_equal. apply map_ext. intros k. apply Nat2N.id.
Qed.

(** ** All the counts of a row in one traversal

    [by_kind e ++ [N.of_nat (work e)]] traverses [e] seven times, and
    [vm_compute] re-runs every [PFor] body (with its wiring arithmetic) at
    each traversal and adds in unary [nat].  [krow e] is the same list
    ([krow_spec]), computed in one traversal with [N] additions: the
    witness files rewrite with [krow_spec] before [vm_compute]. *)

(** The weights of a row: the six kinds, then the unit work. *)
Definition row_wts : list (op -> nat) := map (fun k => op_cost (kind_cost k)) kinds ++ [op_work].

Fixpoint vadd (u v : list N) : list N :=
  match u, v with
  | x :: u', y :: v' => (x + y)%N :: vadd u' v'
  | _, _ => []
  end.

Definition zrow : list N := map (fun _ => 0%N) row_wts.

Definition op_row (o : op) : list N := map (fun wt => N.of_nat (wt o)) row_wts.

Fixpoint krow e : list N :=
  match e with
  | PWire _ => zrow
  | POp o => op_row o
  | PSeq a b | PPar a b => vadd (krow a) (krow b)
  | PFor k body => fold_right (fun i acc => vadd (krow (body i)) acc) zrow (seq 0 k)
  end.

Lemma vadd_map {A} (f g : A -> N) l : vadd (map f l) (map g l) = map (fun x => (f x + g x)%N) l.
Proof. induction l as [|x l IH]; cbn; [reflexivity|]. now rewrite IH. Qed.

Lemma krow_wwork e : krow e = map (fun wt => N.of_nat (wwork wt e)) row_wts.
Proof.
  induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; cbn [krow wwork].
  - reflexivity.
  - reflexivity.
  - rewrite IHa, IHb, vadd_map. apply map_ext. intros wt. now rewrite Nat2N.inj_add.
  - rewrite IHa, IHb, vadd_map. apply map_ext. intros wt. now rewrite Nat2N.inj_add.
  - induction (seq 0 k) as [|i l IHl]; cbn [fold_right map list_sum]; [reflexivity|].
    rewrite IH, IHl, vadd_map. apply map_ext. intros wt. now rewrite Nat2N.inj_add.
Qed.

(** Close [lhs = v] by evaluating [lhs] with the VM once, at [Qed] (not also in the tactic). *)
Ltac vm_eq := lazymatch goal with |- _ = ?v => vm_cast_no_check (eq_refl v) end.

Lemma krow_spec e : by_kind e ++ [N.of_nat (work e)] = krow e.
Proof.
  rewrite krow_wwork. unfold row_wts, by_kind, work_by_kind.
  rewrite map_app, map_map. cbn [map]. now rewrite wwork_work.
Qed.

Local Definition p := 53%nat.

(** ** The A–S erf routine: 33 operations for every precision *)

Lemma erf_as_work q : work (erf_as_prog q) = 33%nat.
Proof. reflexivity. Qed.

(** ** Closed forms (in [N]) and the programs at the witness shapes *)

Local Open Scope N_scope.
Definition rms_closed (n c : N) : N := n * (3 * c + 3).
Definition rmsw_closed (n c : N) : N := n * (4 * c + 3).
Definition silu_closed (r c : N) : N := r * c * 4.
Definition swiglu_closed (n d dh : N) : N := 4 * n * dh * d + n * dh * (5 + 33) + 2 * n * d * dh.
Definition modulate_closed (n c : N) : N := n * c * 3.
Definition gate_closed (n c : N) : N := n * c * 2.
Definition adamod_closed (r dc m : N) : N := r * dc * 4 + r * m * 2 * dc.
Definition rope_closed (n h : N) : N := n * 7 * h.
(** One head, [dh = 2h], key limits [lims] (one per query row). *)
Definition rattn_closed (n c e h : N) (lims : list N) : N :=
  let L := fold_right N.add 0 lims in
  n * 2 * h * 2 * c + 2 * (n * 2 * h * 2 * e) + 2 * (n * 7 * h)
  + (4 * h + 1) * L + fold_right N.add 0 (map (fun l => l - 1) lims)
  + 2 * h * fold_right N.add 0 (map (fun l => 2 * l - 1) lims) + n * 2 * h.

Local Close Scope N_scope.

Local Definition E := erf_as.

Definition rms_w := rms_at p (rms_eps p) 0 3 4.
Definition rmsw_w := rmsw_at p (rms_eps p) 0 12 3 4.
Definition silu_w := silu_at p 0 2 3.
Definition erf_w := erf_as_prog p.
Definition gelu_w := gelu_at p E 0 2 3.
Definition swiglu_w := swiglu_at p E 0 12 32 37 57 62 87 3 4 5.
Definition modulate_w := modulate_at p (fun i => 4 * i) (fun _ => 12) (fun _ => 16) 3 4.
Definition gate_w := gate_at (fun i => 4 * i) (fun i => 12 + 4 * i) (fun _ => 24) 3 4.
Definition adamod_w := adamod_at p 0 4 100 1 4 24.
Definition rope_w := rope_at 0 12 24 3 4.
Definition causal_lim (i : nat) : nat := if i =? 0 then 1 else 3.
Definition rattn_full_w := rattn_at 0 0 12 28 32 48 52 68 72 84 3 4 4 4 (fconst p 1 2) (fun _ => 3).
Definition rattn_causal_w := rattn_at 0 0 12 28 32 48 52 68 72 84 3 4 4 4 (fconst p 1 2) causal_lim.
Definition rmha_w := rmha_at 0 0 (fun k => 12 + 24 * k) (fun k => 20 + 24 * k) (fun k => 22 + 24 * k)
  (fun k => 30 + 24 * k) (fun k => 32 + 24 * k) (fun k => 40 + 24 * k) 60 66 72 88 3 4 4 2 2 4
  (fconst p 1 2) causal_lim.

(** The released block: d = 4, 2 heads of 2 ([hh = 1]), hidden 5, scale 1/2. *)
Definition tiny_rdims : RDims := {| rb_d := 4; rb_H := 2; rb_hh := 1; rb_dff := 5; rb_sn := 1; rb_sd := 2 |}.
Definition block_r : nat := rb_size tiny_rdims + 4 + 2 * (3 * 2).
Definition block_w := rb_at p E tiny_rdims 3 causal_lim 0 0 (rb_size tiny_rdims)
  (rb_size tiny_rdims + 4) (rb_size tiny_rdims + 4 + 3 * 2) block_r.

(** ** The closed forms are the programs' work, for every size *)

Lemma rms_at_work_N q eps off n c :
  (1 <= c)%nat -> N.of_nat (work (rms_at q eps off n c)) = rms_closed (N.of_nat n) (N.of_nat c).
Proof. intros Hc. rewrite rms_at_work_pos by exact Hc. unfold rms_closed. lia. Qed.

Lemma rmsw_at_work_N q eps off offW n c :
  (1 <= c)%nat ->
  N.of_nat (work (rmsw_at q eps off offW n c)) = rmsw_closed (N.of_nat n) (N.of_nat c).
Proof.
  intros Hc. rewrite rmsw_at_work. replace (3 * c + (c - 1) + 4)%nat with (4 * c + 3)%nat by lia.
  unfold rmsw_closed. lia.
Qed.

Lemma silu_at_work_N q off r c : N.of_nat (work (silu_at q off r c)) = silu_closed (N.of_nat r) (N.of_nat c).
Proof. destruct (silu_at_counts q off r c) as (_ & _ & -> & _). unfold silu_closed. lia. Qed.

Lemma swiglu_at_work_N q o1 o2 o3 o4 o5 o6 o7 n d dh :
  (1 <= d)%nat -> (1 <= dh)%nat ->
  N.of_nat (work (swiglu_at q erf_as o1 o2 o3 o4 o5 o6 o7 n d dh))
  = swiglu_closed (N.of_nat n) (N.of_nat d) (N.of_nat dh).
Proof.
  intros Hd Hdh. rewrite swiglu_at_work_pos by assumption.
  change (erf_prog erf_as q) with (erf_as_prog q). rewrite erf_as_work. unfold swiglu_closed. lia.
Qed.

Definition gelu_closed (r c : N) : N := (r * c * (4 + 33))%N.

Lemma gelu_at_work_N q off r c :
  N.of_nat (work (gelu_at q erf_as off r c)) = gelu_closed (N.of_nat r) (N.of_nat c).
Proof.
  unfold gelu_at. destruct (pw_at_counts _ _ _ _ _ off r c (gelu_prog_counts q erf_as)) as (_ & _ & -> & _).
  change (erf_prog erf_as q) with (erf_as_prog q). rewrite erf_as_work. unfold gelu_closed. lia.
Qed.

Lemma modulate_at_work_N q oN oS oH n c :
  N.of_nat (work (modulate_at q oN oS oH n c)) = modulate_closed (N.of_nat n) (N.of_nat c).
Proof. destruct (modulate_at_counts q oN oS oH n c) as (_ & _ & -> & _). unfold modulate_closed. lia. Qed.

Lemma gate_at_work_N oX oA oG n c :
  N.of_nat (work (gate_at oX oA oG n c)) = gate_closed (N.of_nat n) (N.of_nat c).
Proof. destruct (gate_at_counts oX oA oG n c) as (_ & _ & -> & _). unfold gate_closed. lia. Qed.

Lemma adamod_at_work_N q offC offW offb r dc m :
  (1 <= dc)%nat ->
  N.of_nat (work (adamod_at q offC offW offb r dc m))
  = adamod_closed (N.of_nat r) (N.of_nat dc) (N.of_nat m).
Proof.
  intros Hdc. rewrite adamod_at_work. replace (dc + (dc - 1) + 1)%nat with (2 * dc)%nat by lia.
  unfold adamod_closed. lia.
Qed.

Lemma rope_at_work_N offQ offC offS n h :
  N.of_nat (work (rope_at offQ offC offS n (2 * h))) = rope_closed (N.of_nat n) (N.of_nat h).
Proof. rewrite rope_at_work. unfold rope_closed. lia. Qed.

(** One head, no mask ([lim i = N]): [rattn_closed] with [N] limits [N]. *)
Definition rattn_full_closed (n c e h : N) : N :=
  n * 2 * h * 2 * c + 2 * (n * 2 * h * 2 * e) + 2 * (n * 7 * h)
  + (4 * h + 1) * (n * n) + n * (n - 1) + 2 * h * (n * (2 * n - 1)) + n * 2 * h.

Lemma rattn_at_work_full_N offX offY oQ obQ oK obK oV obV offC offS n c (e : nat) h scale :
  (1 <= n)%nat -> (1 <= c)%nat -> (1 <= e)%nat -> (1 <= h)%nat ->
  N.of_nat (work (rattn_at offX offY oQ obQ oK obK oV obV offC offS n c e (2 * h) scale (fun _ => n)))
  = rattn_full_closed (N.of_nat n) (N.of_nat c) (N.of_nat e) (N.of_nat h).
Proof.
  intros Hn Hc He Hh. rewrite rattn_at_work by (intros; lia).
  rewrite (list_sum_seq_const (fun _ => n) n n), (list_sum_seq_const (fun _ => n - 1) n (n - 1)),
    (list_sum_seq_const (fun _ => n + (n - 1)) n (n + (n - 1))) by reflexivity.
  replace (c + (c - 1) + 1)%nat with (2 * c)%nat by lia.
  replace (e + (e - 1) + 1)%nat with (2 * e)%nat by lia.
  replace (2 * h + (2 * h - 1) + 2)%nat with (4 * h + 1)%nat by lia.
  replace (n + (n - 1))%nat with (2 * n - 1)%nat by lia.
  unfold rattn_full_closed.
  repeat rewrite ?Nat2N.inj_add, ?Nat2N.inj_mul, ?Nat2N.inj_sub.
  cbn [N.of_nat Pos.of_succ_nat Pos.succ].
  set (a := (N.of_nat n - 1)%N). set (b := (2 * N.of_nat n - 1)%N). ring.
Qed.

(** ** At the witness shapes *)

Lemma rms_w_spec : N.of_nat (work rms_w) = rms_closed 3 4.
Proof. apply rms_at_work_N. lia. Qed.

Lemma rmsw_w_spec : N.of_nat (work rmsw_w) = rmsw_closed 3 4.
Proof. apply rmsw_at_work_N. lia. Qed.

Lemma silu_w_spec : N.of_nat (work silu_w) = silu_closed 2 3.
Proof. apply silu_at_work_N. Qed.

Lemma swiglu_w_spec : N.of_nat (work swiglu_w) = swiglu_closed 3 4 5.
Proof. apply swiglu_at_work_N; lia. Qed.

Lemma gelu_w_spec : N.of_nat (work gelu_w) = gelu_closed 2 3.
Proof. apply gelu_at_work_N. Qed.

Lemma modulate_w_spec : N.of_nat (work modulate_w) = modulate_closed 3 4.
Proof. apply modulate_at_work_N. Qed.

Lemma gate_w_spec : N.of_nat (work gate_w) = gate_closed 3 4.
Proof. apply gate_at_work_N. Qed.

Lemma adamod_w_spec : N.of_nat (work adamod_w) = adamod_closed 1 4 24.
Proof. apply adamod_at_work_N. lia. Qed.

Lemma rope_w_spec : N.of_nat (work rope_w) = rope_closed 3 2.
Proof. exact (rope_at_work_N 0 12 24 3 2). Qed.

Lemma rattn_full_w_spec : N.of_nat (work rattn_full_w) = rattn_closed 3 4 4 2 [3; 3; 3]%N.
Proof.
  unfold rattn_full_w. rewrite (rattn_at_work 0 0 12 28 32 48 52 68 72 84 3 4 4 2) by (intros; lia).
  reflexivity.
Qed.

Lemma rattn_causal_w_spec : N.of_nat (work rattn_causal_w) = rattn_closed 3 4 4 2 [1; 3; 3]%N.
Proof.
  unfold rattn_causal_w.
  rewrite (rattn_at_work 0 0 12 28 32 48 52 68 72 84 3 4 4 2)
    by (intros i Hi; unfold causal_lim; destruct (i =? 0); lia).
  reflexivity.
Qed.

(** ** Multi-head attention and the block

    Their exact work is [rmha_at_work] and [rb_at_work]
    (Runtime/ReleasedBlockCost.v, every size, in [nat]); below, the same sums
    written with the module closed forms in [N], equal to the programs' work
    at the witness shape (the general lemma, then evaluation). *)

Definition rmha_closed (n d hh H : N) (lims : list N) : N :=
  (H * rattn_closed n d d hh lims + n * d * (2 * (H * 2 * hh)))%N.

Lemma rmha_w_spec : N.of_nat (work rmha_w) = rmha_closed 3 4 1 2 [1; 3; 3]%N.
Proof.
  pose proof (rmha_at_work 0 0 (fun k => 12 + 24 * k) (fun k => 20 + 24 * k) (fun k => 22 + 24 * k)
    (fun k => 30 + 24 * k) (fun k => 32 + 24 * k) (fun k => 40 + 24 * k) 60 66 72 88 3 4 4 1 2 4
    (fconst p 1 2) causal_lim) as Hw.
  change (2 * 1)%nat with 2%nat in Hw. unfold rmha_w.
  rewrite Hw by (intros i Hi; unfold causal_lim; destruct (i =? 0); lia).
  vm_compute. reflexivity.
Qed.

Definition block_closed (n d hh H dff : N) (lims : list N) : N :=
  (adamod_closed 1 d (6 * d) + 2 * rms_closed n d + 2 * modulate_closed n d
  + rmha_closed n d hh H lims + swiglu_closed n d dff + 2 * gate_closed n d)%N.

Lemma erf_as_work_const : erf_work_const erf_as.
Proof. intros q. change (work (erf_as_prog q) = work (erf_as_prog 0)). rewrite !erf_as_work. reflexivity. Qed.

Lemma block_w_spec : N.of_nat (work block_w) = block_closed 3 4 1 2 5 [1; 3; 3]%N.
Proof.
  unfold block_w. rewrite rb_at_work by (exact erf_as_work_const
    || (intros i Hi; unfold causal_lim; destruct (i =? 0); lia)).
  vm_compute. reflexivity.
Qed.

(** The flow head's Block_v1 (Pipeline/ReleasedFlowBlock.v): per-token modulation, unmasked
    attention, same dimensions and [N = 3]; its total is [b1_work] ([b1_at_work], every size). *)
Definition block_v1_w := b1_at p E tiny_rdims 3 0 0 (rb_size tiny_rdims) (rb_size tiny_rdims + 3 * 2) block_r.

Lemma block_v1_w_spec : N.of_nat (work block_v1_w) = N.of_nat (b1_work erf_as tiny_rdims 3).
Proof. unfold block_v1_w. rewrite b1_at_work by (exact erf_as_work_const || lia). reflexivity. Qed.

(** ** The rows the bridge reads *)

Definition rw_rms := row rms_w (rms_closed 3 4).
Definition rw_rmsw := row rmsw_w (rmsw_closed 3 4).
Definition rw_silu := row silu_w (silu_closed 2 3).
Definition rw_erf := row erf_w 33%N.
Definition rw_gelu := row gelu_w (gelu_closed 2 3).
Definition rw_swiglu := row swiglu_w (swiglu_closed 3 4 5).
Definition rw_modulate := row modulate_w (modulate_closed 3 4).
Definition rw_gate := row gate_w (gate_closed 3 4).
Definition rw_adamod := row adamod_w (adamod_closed 1 4 24).
Definition rw_rope := row rope_w (rope_closed 3 2).
Definition rw_rattn_full := row rattn_full_w (rattn_closed 3 4 4 2 [3; 3; 3]%N).
Definition rw_rattn_causal := row rattn_causal_w (rattn_closed 3 4 4 2 [1; 3; 3]%N).
Definition rw_rmha := row rmha_w (rmha_closed 3 4 1 2 [1; 3; 3]%N).
Definition rw_block := row block_w (block_closed 3 4 1 2 5 [1; 3; 3]%N).
Definition rw_block_v1 := row block_v1_w (N.of_nat (b1_work erf_as tiny_rdims 3)).

(** Closed-form totals at the paper's sizes (FlowAR-L's AR width 1024, 16 heads of 64,
    the last scale's 256 tokens; SwiGLU hidden [⌊1024·4·2/3⌋ = 2730]): RMSNorm, SwiGLU,
    one head unmasked, the adaLN modulation row. *)
Definition rw_big : list N :=
  ([rms_closed 256 1024; swiglu_closed 256 1024 2730;
   rattn_full_closed 256 1024 1024 32; adamod_closed 1 1024 6144])%N.

(** ** The numbers *)

Example rw_values :
  [rw_rms; rw_rmsw; rw_silu; rw_erf; rw_gelu; rw_swiglu; rw_modulate; rw_gate; rw_adamod;
   rw_rope; rw_rattn_full; rw_rattn_causal; rw_rmha; rw_block]
  = [[12; 24; 6; 0; 0; 3; 45];     [12; 36; 6; 0; 0; 3; 57];       [12; 0; 6; 0; 6; 0; 24];
     [9; 19; 1; 3; 1; 0; 33];      [60; 132; 6; 18; 6; 0; 222];    [330; 525; 15; 45; 15; 0; 930];
     [24; 12; 0; 0; 0; 0; 36];     [12; 12; 0; 0; 0; 0; 24];       [104; 96; 4; 0; 4; 0; 208];
     [18; 24; 0; 0; 0; 0; 42];     [237; 273; 12; 0; 9; 0; 531];   [221; 255; 12; 0; 7; 0; 495];
     [266; 310; 12; 0; 14; 0; 602]; [796; 1027; 43; 45; 33; 6; 1950]]%N.
Proof. vm_compute. reflexivity. Qed.

Example rw_block_v1_value : rw_block_v1 = [1020; 1239; 51; 45; 45; 6; 2406]%N.
Proof. vm_compute. reflexivity. Qed.

Example rw_big_values : rw_big = [787200; 4320476160; 117686016; 12587008]%N.
Proof. vm_compute. reflexivity. Qed.
