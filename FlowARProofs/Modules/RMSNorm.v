(** * RMSNorm (released FlowAR) is in TC0 with depth 5·d_std + d_⊕ + d_sqrt

    Released FlowAR normalises with RMSNorm, not LayerNorm
    (wangqiang9/FlowAR, models/flowar.py and models/flowmodel.py, class
    [RMSNorm]): token-wise on [X : N × c],
    {v
      RMS(X)_il = X_il · rsqrt(mean_l(X_il²) + ε),    ε = 1e-6 (the code's default)
    v}
    with an optional weight [w : 1 × c] ([RMSNorm(dim, weight=True)]:
    [z_proj_ln], [encoder_norm], [decoder_norm], and the cross-attention
    norms of the flow head's [Block_v2]): [RMS(X)_il · w_l].

    Float semantics (each operation rounded once, [Float/Format.v]):
    - [X_il²] is one rounded product and [mean] one iterated sum rounded
      once, then a division by the float [c] (as [x.pow(2).mean(-1)]);
      this is LayerNorm's variance without the centring
      ([fmsq p c X i = fvar p c X i] when the row mean is 0);
    - [+ ε] is one rounded addition of the float constant [ε]; the released
      value is [rms_eps p = fconst p 1 10^6], the float nearest to [1e-6]
      (the module takes any valid [ε]);
    - [rsqrt y] is [1 ÷ fsqrt y]: the trust record's square root, then one
      rounded division (PyTorch's [rsqrt] is a single, approximate
      operation; we charge it as two);
    - the product with [X_il] is one rounding ([x * rsqrt(...)]), and the
      weight one more ([output * self.weight]).

    Program [rms_at]: a free copy of [X], then six stages; [X] is carried
    until the final product:
    {v
      stage                         output           depth
      1 Σ_l X_il²        | X        [s ; X]          d_std + d_⊕
      2 ÷ c              | X        [m ; X]          d_std
      3 + ε              | X        [m+ε ; X]        d_std
      4 sqrt             | X        [σ ; X]          d_sqrt
      5 1 ÷ σ            | X        [r ; X]          d_std
      6 X_il · r_i                  [RMS(X)]         d_std
    v}
    [rms_at_wdepth]: [5·d_std + d_sum + d_sqrt]; [rmsw_at_wdepth]: one more
    [d_std] for the weight.  Work ([rms_at_work_pos]): [N·(3c + 3)] for
    [c ≥ 1] (per token [c] squares, [c − 1] additions, a division, an
    addition, a square root, a division and [c] products); the weight adds
    [N·c]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (X Wt : mat) (xs : list flt)
  (p n N c offX offW : nat) (eps : flt).

(** ** Semantics *)

(** The released [ε = 1e-6], rounded once to precision [p]. *)
Definition rms_eps p : flt := fconst p 1 1000000.

(** [mean_l X_il²]. *)
Definition fmsq p c X (i : nat) : flt := fdiv p (fdot p c (X i) (X i)) (fcnt p c).

(** [rsqrt(mean_l X_il² + ε)] as [1 ÷ sqrt(·)]. *)
Definition frinv P p c eps X (i : nat) : flt :=
  fdiv p (fone p) (fsqrt P p (fadd p (fmsq p c X i) eps)).

Definition frms P p c eps X : mat := fun i l => fmul p (X i l) (frinv P p c eps X i).

(** With the weight [w : 1 × c] (row 0). *)
Definition frmsw P p c eps Wt X : mat := fun i l => fmul p (frms P p c eps X i l) (Wt 0 l).

(** ** Program *)

Definition rms_at p eps offX N c : prog :=
  PSeq (keep offX (N * c))
  (PSeq (ln_sqsum N c)
  (PSeq (vstage N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)]))
  (PSeq (vstage N c (OBin BAdd) (fun i => [FIn i; FCst eps]))
  (PSeq (vstage N c OSqrt (fun i => [FIn i]))
  (PSeq (vstage N c (OBin BDiv) (fun i => [FCst (fone p); FIn i]))
        (mstage N c BMul)))))).

(** The weighted variant: [w] (at [offW]) carried beside, then one product. *)
Definition rmsw_at p eps offX offW N c : prog :=
  PSeq (PPar (rms_at p eps offX N c) (keep offW c))
       (ew_prog N c (OBin BMul) (fun i l => [FIn (i * c + l); FIn (N * c + l)])).

(** ** Correctness *)

(** A binary operation of every [v_i] with a constant, on either side. *)
Lemma vstage_cst_r_correct P p N c b (k : flt) v M :
  peval P p (vstage N c (OBin b) (fun i => [FIn i; FCst k])) (flat N 1 v ++ flat N c M)
  = flat N 1 (fun i _ => binsem b p (v i 0) k) ++ flat N c M.
Proof.
  rewrite vstage_correct. f_equal. apply flat_ext. intros i j Hi Hj.
  cbn [map fsrc_val opsem nth]. rewrite nth_vec_app by exact Hi. reflexivity.
Qed.

Lemma vstage_cst_l_correct P p N c b (k : flt) v M :
  peval P p (vstage N c (OBin b) (fun i => [FCst k; FIn i])) (flat N 1 v ++ flat N c M)
  = flat N 1 (fun i _ => binsem b p k (v i 0)) ++ flat N c M.
Proof.
  rewrite vstage_correct. f_equal. apply flat_ext. intros i j Hi Hj.
  cbn [map fsrc_val opsem nth]. rewrite nth_vec_app by exact Hi. reflexivity.
Qed.

Theorem rms_at_correct P p eps xs offX N c X :
  block xs offX N c X -> peval P p (rms_at p eps offX N c) xs = flat N c (frms P p c eps X).
Proof.
  intros HX. unfold rms_at. rewrite !peval_PSeq, (keep_block _ _ _ _ _ _ X HX).
  rewrite ln_sqsum_correct, !vstage_cst_r_correct, vstage_sqrt_correct, vstage_cst_l_correct,
    mstage_correct.
  reflexivity.
Qed.

Theorem rmsw_at_correct P p eps xs offX offW N c X Wt :
  block xs offX N c X -> block xs offW 1 c Wt ->
  peval P p (rmsw_at p eps offX offW N c) xs = flat N c (frmsw P p c eps Wt X).
Proof.
  intros HX HW. unfold rmsw_at. rewrite peval_PSeq, peval_PPar,
    (rms_at_correct _ _ _ _ _ _ _ X HX), (keep_block1 _ _ _ _ _ Wt HW), ew_prog_correct.
  apply flat_ext. intros i l Hi Hl. cbn [map fsrc_val opsem binsem nth].
  rewrite nth_flat_app_l by assumption.
  pose proof (block_cat2_r N c (frms P p c eps X) 1 c Wt 0 l ltac:(lia) Hl) as H.
  rewrite Nat.mul_0_l, Nat.add_0_l in H. rewrite H. reflexivity.
Qed.

(** ** Typing *)

Theorem rms_at_wt p n eps offX N c :
  valid p eps = true -> offX + N * c <= n -> pwt p n (rms_at p eps offX N c).
Proof.
  intros He Hn. unfold rms_at. cbn [pwt].
  rewrite keep_arity, (proj2 (proj2 (proj2 (proj2 (ln_sqsum_counts N c))))), !vstage_arity.
  assert (Hc : forall b k, valid p k = true ->
            pwt p (N + N * c) (vstage N c (OBin b) (fun i => [FIn i; FCst k]))).
  { intros b k Hk. apply vstage_wt; [lia|]. intros i Hi. split; [|reflexivity].
    repeat constructor; cbn; [lia|exact Hk]. }
  split; [apply keep_wt_le, Hn|]. split; [apply ln_sqsum_wt; lia|].
  split; [apply Hc, of_Z_valid|]. split; [apply Hc, He|].
  split; [apply vstage_wt; [lia|]; intros i Hi; split; [repeat constructor; cbn; lia|reflexivity]|].
  split; [|apply mstage_wt; lia].
  apply vstage_wt; [lia|]. intros i Hi. split; [|reflexivity].
  repeat constructor; cbn; [apply fone_valid|lia].
Qed.

Lemma rms_at_arity p eps offX N c : arity_out (rms_at p eps offX N c) = N * c.
Proof. unfold rms_at. cbn [arity_out]. apply (mstage_counts N c BMul). Qed.

Lemma rmsw_at_arity p eps offX offW N c : arity_out (rmsw_at p eps offX offW N c) = N * c.
Proof. unfold rmsw_at. cbn [arity_out]. apply ew_prog_arity. Qed.

Theorem rmsw_at_wt p n eps offX offW N c :
  valid p eps = true -> offX + N * c <= n -> offW + c <= n ->
  pwt p n (rmsw_at p eps offX offW N c).
Proof.
  intros He HX HW. unfold rmsw_at. cbn [pwt arity_out]. rewrite rms_at_arity, keep_arity.
  split; [split; [apply rms_at_wt; assumption|apply keep_wt_le, HW]|].
  apply ew_prog_wt. intros i l Hi Hl. split; [|reflexivity]. repeat constructor; cbn; nia.
Qed.

(** ** Depth *)

Theorem rms_at_wdepth P p eps offX N c :
  wdepth (op_dbound P) (rms_at p eps offX N c) <= 5 * d_std P + d_sum P + d_sqrt P.
Proof.
  unfold rms_at. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (ln_sqsum_wdepth P N c).
  pose proof (vstage_wdepth P N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)])).
  pose proof (vstage_wdepth P N c (OBin BAdd) (fun i => [FIn i; FCst eps])).
  pose proof (vstage_wdepth P N c OSqrt (fun i => [FIn i])).
  pose proof (vstage_wdepth P N c (OBin BDiv) (fun i => [FCst (fone p); FIn i])).
  pose proof (mstage_wdepth P N c BMul).
  cbn [op_dbound] in *. lia.
Qed.

Theorem rmsw_at_wdepth P p eps offX offW N c :
  wdepth (op_dbound P) (rmsw_at p eps offX offW N c) <= 6 * d_std P + d_sum P + d_sqrt P.
Proof.
  unfold rmsw_at. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (rms_at_wdepth P p eps offX N c).
  pose proof (ew_prog_wdepth P N c (OBin BMul) (fun i l => [FIn (i * c + l); FIn (N * c + l)])).
  cbn [op_dbound] in *. lia.
Qed.

(** ** Counts *)

Section rms_counts.
  Context (p : nat) (eps : flt) (offX offW N c : nat).
  Let E := rms_at p eps offX N c.
  Let F := rmsw_at p eps offX offW N c.

  Ltac counts := unfold E, rms_at; cbn [ops pads work maxar arity_out];
    destruct (keep_counts offX (N * c)) as (o0 & q0 & w0 & m0 & a0);
    destruct (ln_sqsum_counts N c) as (o1 & q1 & w1 & m1 & a1);
    destruct (vstage_counts N c (OBin BDiv) (fun i => [FIn i; FCst (fcnt p c)])
                (fun _ _ => eq_refl)) as (o2 & q2 & w2 & m2 & a2);
    destruct (vstage_counts N c (OBin BAdd) (fun i => [FIn i; FCst eps])
                (fun _ _ => eq_refl)) as (o3 & q3 & w3 & m3 & a3);
    destruct (vstage_counts N c OSqrt (fun i => [FIn i]) (fun _ _ => eq_refl))
      as (o4 & q4 & w4 & m4 & a4);
    destruct (vstage_counts N c (OBin BDiv) (fun i => [FCst (fone p); FIn i])
                (fun _ _ => eq_refl)) as (o5 & q5 & w5 & m5 & a5);
    destruct (mstage_counts N c BMul) as (o6 & q6 & w6 & m6 & a6);
    cbn [op_work op_arity] in *.

  Lemma rms_at_ops : ops E = N * (2 * c + 5).
  Proof. counts. lia. Qed.

  Lemma rms_at_pads : pads E = N * (8 * c + 15).
  Proof. counts. lia. Qed.

  (** Exact, for every [c] ([c − 1] is truncated). *)
  Lemma rms_at_work : work E = N * (2 * c + (c - 1) + 4).
  Proof. counts. lia. Qed.

  Lemma rms_at_work_pos : 1 <= c -> work E = N * (3 * c + 3).
  Proof. intros Hc. rewrite rms_at_work. nia. Qed.

  Lemma rms_at_maxar : maxar E <= c + 2.
  Proof. counts. lia. Qed.

  Ltac wcounts := unfold F, rmsw_at; cbn [ops pads work maxar arity_out];
    fold E; rewrite ?rms_at_ops, ?rms_at_pads, ?rms_at_work;
    unfold E; rewrite ?rms_at_arity; fold E;
    pose proof rms_at_maxar;
    destruct (keep_counts offW c) as (o1 & q1 & w1 & m1 & a1);
    destruct (ew_prog_counts N c (OBin BMul) (fun i l => [FIn (i * c + l); FIn (N * c + l)]))
      as (o2 & q2 & w2 & m2 & a2); [intros; reflexivity|];
    cbn [op_work op_arity] in *.

  Lemma rmsw_at_ops : ops F = N * (3 * c + 5).
  Proof. wcounts. lia. Qed.

  Lemma rmsw_at_pads : pads F = N * (11 * c + 15) + c.
  Proof. wcounts. lia. Qed.

  Lemma rmsw_at_work : work F = N * (3 * c + (c - 1) + 4).
  Proof. wcounts. lia. Qed.

  Lemma rmsw_at_maxar : maxar F <= c + 2.
  Proof. wcounts. lia. Qed.
End rms_counts.

(** ** Examples ([vm_compute], p = 8) *)

(** The row [3, 4] (no ε): mean square [25/2], so [RMS = (3, 4)/√12.5]; with
    a trivial square root stand-in we check the pieces that do not need it. *)
Local Definition ex_X : mat := fun _ l => of_Z 8 (Z.of_nat (3 + l)).

Example ex_fmsq : fmsq 8 2 ex_X 0 = fconst 8 25 2.
Proof. vm_compute. reflexivity. Qed.

(** [1e-6] at precision 8: the nearest 8-bit float, [2^-20 · 134/128]. *)
Example ex_rms_eps : rms_eps 8 = Flt 134 (-27).
Proof. vm_compute. reflexivity. Qed.

(** Counts on [2 × 3]: [N·(3c + 3) = 24] operations; unit-weight depth
    [0 + 2 + 1 + 1 + 1 + 1 + 1 = 7]. *)
Example ex_rms_counts :
  work (rms_at 8 (rms_eps 8) 0 2 3) = 24 /\ ops (rms_at 8 (rms_eps 8) 0 2 3) = 22
  /\ pads (rms_at 8 (rms_eps 8) 0 2 3) = 78 /\ arity_out (rms_at 8 (rms_eps 8) 0 2 3) = 6
  /\ wdepth (fun _ => 1) (rms_at 8 (rms_eps 8) 0 2 3) = 7
  /\ work (rmsw_at 8 (rms_eps 8) 0 6 2 3) = 30.
Proof. vm_compute. repeat split. Qed.
