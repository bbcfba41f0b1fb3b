(** * The velocity network of released FlowAR ([SimpleTransformerAdaLN]) as a program

    [SimpleTransformerAdaLN.forward(x, t, condition)] (wangqiang9/FlowAR,
    models/flowmodel.py), for the [N] tokens of one scale:
    {v
      t  ← ⌊1000·t⌋                                     ((t*1000).long())
      X₀ = input_proj(x)                                 Linear c → d
      T  = time_embed(t) = Linear₂(SiLU(Linear₁(sin_t))) sin_t = the 256-dim sinusoidal embedding of ⌊1000·t⌋
      C  = cond_embed(condition)                         Linear w → d (w = AR width ≠ d in general)
      X_L = blocks(X₀; t = T, c = C, condition)          L × Block_v1 (S) or Block_v2 (L, H)
      V  = final_layer(X_L, C + T)                       RMSNorm, modulate by Linear(SiLU(C + T)), Linear d → c
    v}
    [final_layer]: [shift, scale = adaLN_modulation(C + T).chunk(2)],
    [V = Linear(RMSNorm(X_L)·(1 + scale) + shift)].

    Time embedding.  The sampler calls the network with the same [t] for
    every token, and the [t]'s are the grid's constants
    (Pipeline/ReleasedSampler.v).  The code computes [sin_t =
    [cos(⌊1000t⌋·f_j), sin(⌊1000t⌋·f_j)]] at run time ([f_j =
    10000^(−j/128)]); we read it as a [1 × 256] row of constants from [G]
    at offset [so] (a precomputed table, like RoPE's tables; the sampler
    gives row [k] for grid point [k]).  cos/sin are not primitives of the
    trust record; taking the table as given is a documented deviation
    (docs/deviations.md).  The MLP of the time embedding is computed.

    [C + T] is computed once and shared by all blocks and the final layer
    (the code recomputes [t + c] in each block: the same floats, since
    rounded addition is commutative, [fadd_comm]; the work differs by
    [(L−1)·N·d] additions).

    The program [hv_at] reads [x] ([N × c]) at [ox] and [condition]
    ([N × w]) at [oz] in its input [R = Ev ++ G] and the weights at
    [go + wo], the RoPE tables at [go + cto], [go + sto] and the sinusoidal
    row at [go + so] ([go = |Ev|]); it outputs [flat N c V]
    ([hv_at_correct]).  Depth: [hv_depth P E HD] ([hv_at_wdepth]), a
    constant in the trust record's depths, the erf depth and [L]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon MLP Pointwise RMSNorm SiLU GELU SwiGLU
  AdaLN RoPE RAttention.
From FlowARProofs.Pipeline Require Import Layer ReleasedBlock ReleasedFlowBlock ReleasedFlowBlock2.
Import ListNotations.
Set Default Goal Selector "!".

(** Dimensions: latent channels [c], condition (AR) width [w], the
    blocks' dimensions [D] (flow width [d = rb_d D], heads, SwiGLU width),
    [L] blocks, sinusoidal width [F] (256), and the block kind
    ([cross = true]: [Block_v2]). *)
Record HDims := { hd_c : nat; hd_w : nat; hd_D : RDims; hd_L : nat; hd_F : nat; hd_cross : bool }.

Implicit Types (P : FloatPrimitivesTC0) (E : ErfImpl) (HD : HDims) (X Z CT Te : mat) (R G Ev : list flt)
  (p N wo go cto sto so ox oz r : nat).

Definition hd_d HD := rb_d (hd_D HD).

Definition hd_bsize HD : nat :=
  if hd_cross HD then b2_size (hd_D HD) (hd_w HD) else rb_size (hd_D HD).

(** ** Weight layout (offsets from [wo]) *)

Definition hv_win (HD : HDims) := 0.                                   (* c × d *)
Definition hv_bin HD := hd_c HD * hd_d HD.                              (* 1 × d *)
Definition hv_t1 HD := hv_bin HD + hd_d HD.                             (* F × d *)
Definition hv_bt1 HD := hv_t1 HD + hd_F HD * hd_d HD.
Definition hv_t2 HD := hv_bt1 HD + hd_d HD.                             (* d × d *)
Definition hv_bt2 HD := hv_t2 HD + hd_d HD * hd_d HD.
Definition hv_ce HD := hv_bt2 HD + hd_d HD.                             (* w × d *)
Definition hv_bce HD := hv_ce HD + hd_w HD * hd_d HD.
Definition hv_blk HD := hv_bce HD + hd_d HD.                            (* L blocks *)
Definition hv_fm HD := hv_blk HD + hd_L HD * hd_bsize HD.               (* d × 2d *)
Definition hv_bfm HD := hv_fm HD + hd_d HD * (2 * hd_d HD).
Definition hv_fo HD := hv_bfm HD + 2 * hd_d HD.                         (* d × c *)
Definition hv_bfo HD := hv_fo HD + hd_d HD * hd_c HD.
Definition hv_size HD := hv_bfo HD + hd_c HD.

(** ** Semantics *)

Section sem.
  Context (P : FloatPrimitivesTC0) (p : nat) (E : ErfImpl) (HD : HDims) (G : list flt).
  Context (wo cto sto so N : nat).

  Let c := hd_c HD.
  Let w := hd_w HD.
  Let d := hd_d HD.
  Let Wt o r c := rd G (wo + o) r c.

  Definition fhv_te : mat :=
    fmlp p d (fsilu_mat P p (fmlp p (hd_F HD) (rd G so 1 (hd_F HD)) (Wt (hv_t1 HD) (hd_F HD) d)
                                  (Wt (hv_bt1 HD) 1 d)))
         (Wt (hv_t2 HD) d d) (Wt (hv_bt2 HD) 1 d).

  Definition fhv_ct (Z : mat) : mat :=
    fun i j => fadd p (fmlp p w Z (Wt (hv_ce HD) w d) (Wt (hv_bce HD) 1 d) i j) (fhv_te 0 j).

  Definition fhv_block (Z : mat) (l : nat) (X : mat) : mat :=
    let wl := wo + hv_blk HD + l * hd_bsize HD in
    if hd_cross HD then fblock2 P p E (hd_D HD) w G wl cto sto N (fhv_ct Z) fhv_te Z X
    else fblock1 P p E (hd_D HD) G wl cto sto N (fhv_ct Z) X.

  Definition fhv_final (Z XL : mat) : mat :=
    let Mf := fadamod P p d (fhv_ct Z) (Wt (hv_fm HD) d (2 * d)) (Wt (hv_bfm HD) 1 (2 * d)) in
    fmlp p d (fmodulate p (frms P p d (rms_eps p) XL) (fun i l => Mf i (1 * d + l)) (fun i l => Mf i (0 * d + l)))
         (Wt (hv_fo HD) d c) (Wt (hv_bfo HD) 1 c).

  (** The velocity [V : N × c] at noisy tokens [X : N × c], condition [Z : N × w]. *)
  Definition fvel_rel (X Z : mat) : mat :=
    fhv_final Z (iterate (fhv_block Z) (hd_L HD)
                   (fmlp p c X (Wt (hv_win HD) c d) (Wt (hv_bin HD) 1 d))).
End sem.

(** ** Program *)

Definition hv_blk_at p E HD N wo go cto sto oz r (l : nat) : prog :=
  let d := hd_d HD in let wl := wo + hv_blk HD + l * hd_bsize HD in
  if hd_cross HD then b2_at p E (hd_D HD) (hd_w HD) N wl (N * d + d + go) cto sto (N * d + d + oz) (N * d + d + r)
  else b1_at p E (hd_D HD) N wl (N * d + d + go) cto sto (N * d + d + r).

(** Row [i], chunk [k] of an [N × 2d] block at [off]. *)
Definition chunk2 off d k : nat -> nat := fun i => off + (i * (2 * d) + k * d).

Definition hv_at p E HD N wo go cto sto so ox oz r : prog :=
  let c := hd_c HD in let w := hd_w HD in let d := hd_d HD in let F := hd_F HD in
  let nd := N * d in
  let g k o := k + go + (wo + o) in
  (* A1: [X₀ ; C ; T₁ ; R] *)
  PSeq (PPar (mlp_at ox (g 0 (hv_win HD)) (g 0 (hv_bin HD)) N c d)
       (PPar (mlp_at oz (g 0 (hv_ce HD)) (g 0 (hv_bce HD)) N w d)
       (PPar (mlp_at (go + so) (g 0 (hv_t1 HD)) (g 0 (hv_bt1 HD)) 1 F d)
             (keep 0 r))))
  (* A2: [X₀ ; C ; SiLU(T₁) ; R] *)
  (PSeq (PPar (keep 0 (2 * nd)) (PPar (silu_at p (2 * nd) 1 d) (keep (2 * nd + d) r)))
  (* A3: [X₀ ; C ; T ; R] *)
  (PSeq (PPar (keep 0 (2 * nd)) (PPar (mlp_at (2 * nd) (g (2 * nd + d) (hv_t2 HD)) (g (2 * nd + d) (hv_bt2 HD)) 1 d d)
                                      (keep (2 * nd + d) r)))
  (* A4: [X₀ ; C + T ; T ; R] *)
  (PSeq (PPar (keep 0 nd) (PPar (ew_prog N d (OBin BAdd) (fun i j => [FIn (nd + (i * d + j)); FIn (2 * nd + j)]))
                                (keep (2 * nd) (d + r))))
  (* the blocks: [X_L ; C + T ; T ; R] *)
  (PSeq (iter (nd + (nd + (d + r))) (hd_L HD) (hv_blk_at p E HD N wo go cto sto oz r))
  (* F1: [RMS(X_L) ; M_f ; R] *)
  (PSeq (PPar (rms_at p (rms_eps p) 0 N d)
        (PPar (adamod_at p nd (g (2 * nd + d) (hv_fm HD)) (g (2 * nd + d) (hv_bfm HD)) N d (2 * d))
              (keep (2 * nd + d) r)))
  (* F2: [Y ; R] *)
  (PSeq (PPar (modulate_at p (fun i => i * d) (chunk2 nd d 1) (chunk2 nd d 0) N d) (keep (nd + N * (2 * d)) r))
  (* F3: [V] *)
        (mlp_at 0 (g nd (hv_fo HD)) (g nd (hv_bfo HD)) N d c))))))).

(** ** Correctness *)

Lemma keep_mid' P p pre mid post :
  peval P p (keep (length pre) (length mid)) (pre ++ mid ++ post) = mid.
Proof.
  cbn [keep peval]. rewrite map_map. cbn [fsrc_val].
  transitivity (map (fun i => nth i mid fzero) (seq 0 (length mid))).
  - apply map_ext_in. intros i Hi. apply in_seq in Hi.
    rewrite app_nth2_plus, app_nth1 by lia. reflexivity.
  - clear. induction mid as [|x mid IH]; [reflexivity|]. cbn [length seq map nth].
    f_equal. rewrite <- seq_shift, map_map. exact IH.
Qed.

Lemma keep_pre P p A B g : length A = g -> peval P p (keep 0 g) (A ++ B) = A.
Proof. intros <-. exact (keep_mid' P p [] A B). Qed.

Lemma keep_pre2 P p A B C g : length A + length B = g -> peval P p (keep 0 g) (A ++ B ++ C) = A ++ B.
Proof. intros Hg. rewrite app_assoc. apply keep_pre. rewrite app_length. exact Hg. Qed.

Lemma keep_suffix2 P p A B S a g :
  length A + length B = a -> length S = g -> peval P p (keep a g) (A ++ B ++ S) = S.
Proof. intros Ha Hg. rewrite app_assoc. apply keep_app; [rewrite app_length|]; assumption. Qed.

Lemma keep_suffix3 P p A B C S a g :
  length A + length B + length C = a -> length S = g -> peval P p (keep a g) (A ++ B ++ C ++ S) = S.
Proof. intros Ha Hg. rewrite !app_assoc. apply keep_app; [rewrite !app_length|]; assumption. Qed.

Local Ltac lens := rewrite ?app_length, ?flat_length; lia.
Local Ltac bw R := unfold R; rewrite ?app_assoc; apply block_rd_at; rewrite ?app_length, ?flat_length; lia.
Local Ltac bR H := rewrite ?app_assoc; eapply block_tail; [exact H|rewrite ?app_length, ?flat_length; lia].

Lemma hv_blocks_correct P p E HD N wo cto sto oz X CT Te Z Ev G :
  let d := hd_d HD in
  block (Ev ++ G) oz N (hd_w HD) Z ->
  peval P p (iter (N * d + (N * d + (d + (length Ev + length G)))) (hd_L HD)
               (hv_blk_at p E HD N wo (length Ev) cto sto oz (length Ev + length G)))
    (flat N d X ++ flat N d CT ++ flat 1 d Te ++ Ev ++ G)
  = flat N d (iterate (fun l X => let wl := wo + hv_blk HD + l * hd_bsize HD in
                        if hd_cross HD then fblock2 P p E (hd_D HD) (hd_w HD) G wl cto sto N CT Te Z X
                        else fblock1 P p E (hd_D HD) G wl cto sto N CT X) (hd_L HD) X)
    ++ flat N d CT ++ flat 1 d Te ++ Ev ++ G.
Proof.
  intros d HZ.
  set (Ev' := flat N d CT ++ flat 1 d Te ++ Ev).
  assert (HEv' : length Ev' = N * d + d + length Ev) by (subst Ev'; lens).
  replace (flat N d CT ++ flat 1 d Te ++ Ev ++ G) with (Ev' ++ G) by (subst Ev'; rewrite <- !app_assoc; reflexivity).
  apply (iter_correct P p _ (hd_L HD) _ (fun X => flat N d X ++ Ev' ++ G)).
  - intros Y. lens.
  - intros l Y _. unfold hv_blk_at. fold d.
    replace (N * d + d + length Ev) with (length Ev') by lia.
    replace (N * d + d + (length Ev + length G)) with (length Ev' + length G) by lia.
    destruct (hd_cross HD).
    + apply b2_at_correct; unfold Ev'; rewrite <- !app_assoc.
      * apply block_front.
      * apply block_cons_flat with (off := 0); [unfold d, hd_d; lia|apply block_front].
      * apply block_cons_flat with (off := d + oz); [unfold d, hd_d; lia|].
        apply block_cons_flat with (off := oz); [unfold d, hd_d; lia|exact HZ].
    + apply b1_at_correct. unfold Ev'. rewrite <- !app_assoc. apply block_front.
Qed.

Theorem hv_at_correct P p E HD N wo cto sto so ox oz X Z Ev G :
  block (Ev ++ G) ox N (hd_c HD) X -> block (Ev ++ G) oz N (hd_w HD) Z ->
  peval P p (hv_at p E HD N wo (length Ev) cto sto so ox oz (length Ev + length G)) (Ev ++ G)
  = flat N (hd_c HD) (fvel_rel P p E HD G wo cto sto so N X Z).
Proof.
  intros HX HZ. unfold hv_at, fvel_rel, fhv_final.
  set (c := hd_c HD) in *. set (w := hd_w HD) in *. set (d := hd_d HD). set (F := hd_F HD).
  assert (HR : length (Ev ++ G) = length Ev + length G) by apply app_length.
  set (R := Ev ++ G) in *.
  (* A1 *)
  rewrite peval_PSeq, !peval_PPar.
  rewrite (mlp_at_correct P p _ _ _ _ N c d X (rd G (wo + hv_win HD) c d) (rd G (wo + hv_bin HD) 1 d)).
  2: exact HX.
  2, 3: unfold R; apply block_rd_at; lia.
  rewrite (mlp_at_correct P p _ _ _ _ N w d Z (rd G (wo + hv_ce HD) w d) (rd G (wo + hv_bce HD) 1 d)).
  2: exact HZ.
  2, 3: unfold R; apply block_rd_at; lia.
  rewrite (mlp_at_correct P p _ _ _ _ 1 F d (rd G so 1 F) (rd G (wo + hv_t1 HD) F d) (rd G (wo + hv_bt1 HD) 1 d)).
  2-4: unfold R; apply block_rd_at; lia.
  rewrite keep0 by lens.
  set (X0 := fmlp p c X _ _). set (C := fmlp p w Z _ _). set (T1 := fmlp p F _ _ _).
  (* A2 *)
  rewrite peval_PSeq, !peval_PPar, keep_pre2 by lens.
  rewrite (silu_at_correct P p _ _ 1 d T1).
  2: apply block_cons_flat with (off := N * d); [lia|];
     apply block_cons_flat with (off := 0); [lia|apply block_front].
  rewrite keep_suffix3 by lens. rewrite <- app_assoc.
  (* A3 *)
  rewrite peval_PSeq, !peval_PPar, keep_pre2 by lens.
  rewrite (mlp_at_correct P p _ _ _ _ 1 d d (fsilu_mat P p T1) (rd G (wo + hv_t2 HD) d d)
             (rd G (wo + hv_bt2 HD) 1 d)).
  2: apply block_cons_flat with (off := N * d); [lia|];
     apply block_cons_flat with (off := 0); [lia|apply block_front].
  2, 3: bw R.
  rewrite keep_suffix3 by lens. rewrite <- app_assoc.
  set (Te := fmlp p d (fsilu_mat P p T1) _ _).
  (* A4 *)
  rewrite peval_PSeq, !peval_PPar, keep_pre by lens.
  rewrite ew_prog_correct, keep_suffix2 by lens.
  pose (CT := fun i j => fadd p (C i j) (Te 0 j)).
  match goal with |- peval _ _ _ (flat N d X0 ++ flat N d ?Fm ++ _) = _ =>
    replace (flat N d Fm) with (flat N d CT) end.
  2: { apply flat_ext. intros i j Hi Hj. cbn [map fsrc_val opsem binsem nth].
       rewrite (block_second N d X0 C _ i j Hi Hj).
       assert (HT : block (flat N d X0 ++ flat N d C ++ flat 1 d Te ++ R) (2 * (N * d)) 1 d Te).
       { apply block_cons_flat with (off := N * d); [lia|].
         apply block_cons_flat with (off := 0); [lia|apply block_front]. }
       specialize (HT 0 j ltac:(lia) Hj). rewrite Nat.mul_0_l, Nat.add_0_l in HT. rewrite HT.
       reflexivity. }
  (* the blocks *)
  pose proof (hv_blocks_correct P p E HD N wo cto sto oz X0 CT Te Z Ev G HZ) as HB. fold d in HB.
  unfold R. rewrite peval_PSeq, HB. fold R.
  set (XL := iterate _ (hd_L HD) X0).
  (* F1 *)
  rewrite peval_PSeq, !peval_PPar, (rms_at_correct P p _ _ _ N d XL) by apply block_front.
  rewrite (adamod_at_correct P p _ _ _ _ N d (2 * d) CT (rd G (wo + hv_fm HD) d (2 * d))
             (rd G (wo + hv_bfm HD) 1 (2 * d))).
  2: apply block_second.
  2, 3: bw R.
  rewrite keep_suffix3 by lens.
  set (Mf := fadamod P p d CT _ _).
  (* F2 *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (modulate_at_correct P p _ _ _ _ N d (frms P p d (rms_eps p) XL) (fun i l => Mf i (1 * d + l))
             (fun i l => Mf i (0 * d + l))).
  2: exact (rblock_of_block _ _ _ _ _ (block_front _ _ _ _)).
  2, 3: apply (rblock_chunk _ _ N 2 d); [lia|];
        apply block_cons_flat with (off := 0); [lia|apply block_front].
  rewrite keep_suffix2 by lens.
  (* F3 *)
  rewrite (mlp_at_correct P p _ _ _ _ N d c
             (fmodulate p (frms P p d (rms_eps p) XL) (fun i l => Mf i (1 * d + l)) (fun i l => Mf i (0 * d + l)))
             (rd G (wo + hv_fo HD) d c) (rd G (wo + hv_bfo HD) 1 c)).
  2: apply block_front.
  2, 3: bw R.
  reflexivity.
Qed.

(** ** Typing *)

Lemma hv_layout HD :
  hv_bin HD = hd_c HD * hd_d HD /\ hv_t1 HD = hv_bin HD + hd_d HD
  /\ hv_bt1 HD = hv_t1 HD + hd_F HD * hd_d HD /\ hv_t2 HD = hv_bt1 HD + hd_d HD
  /\ hv_bt2 HD = hv_t2 HD + hd_d HD * hd_d HD /\ hv_ce HD = hv_bt2 HD + hd_d HD
  /\ hv_bce HD = hv_ce HD + hd_w HD * hd_d HD /\ hv_blk HD = hv_bce HD + hd_d HD
  /\ hv_fm HD = hv_blk HD + hd_L HD * hd_bsize HD /\ hv_bfm HD = hv_fm HD + hd_d HD * (2 * hd_d HD)
  /\ hv_fo HD = hv_bfm HD + 2 * hd_d HD /\ hv_bfo HD = hv_fo HD + hd_d HD * hd_c HD
  /\ hv_size HD = hv_bfo HD + hd_c HD /\ hv_win HD = 0.
Proof. repeat split. Qed.

Lemma pwt_eq p n m e : n = m -> pwt p n e -> pwt p m e.
Proof. intros ->. exact id. Qed.

Lemma hv_blk_at_wt p E HD N wo go cto sto oz r l :
  l < hd_L HD -> go + (wo + hv_size HD) <= r -> oz + N * hd_w HD <= r ->
  go + cto + N * rb_dh (hd_D HD) <= r -> go + sto + N * rb_dh (hd_D HD) <= r ->
  pwt p (N * hd_d HD + (N * hd_d HD + (hd_d HD + r))) (hv_blk_at p E HD N wo go cto sto oz r l)
  /\ arity_out (hv_blk_at p E HD N wo go cto sto oz r l) = N * hd_d HD + (N * hd_d HD + (hd_d HD + r)).
Proof.
  intros Hl Hw Hz Hct Hst. destruct (hv_layout HD) as (_ & _ & _ & _ & _ & _ & _ & _ & Hfm & _).
  assert (Hb : l * hd_bsize HD + hd_bsize HD <= hd_L HD * hd_bsize HD).
  { replace (l * hd_bsize HD + hd_bsize HD) with (S l * hd_bsize HD) by lia.
    apply Nat.mul_le_mono_r. lia. }
  assert (Hsz : hv_fm HD <= hv_size HD) by (unfold hv_size, hv_bfo, hv_fo, hv_bfm; lia).
  unfold hv_blk_at, hd_bsize in *. unfold hd_d in *.
  destruct (hd_cross HD).
  - split; [|rewrite b2_at_arity; lia].
    apply (pwt_eq _ (N * rb_d (hd_D HD) + (N * rb_d (hd_D HD) + rb_d (hd_D HD) + r))); [lia|].
    apply b2_at_wt; lia.
  - split; [|rewrite b1_at_arity; lia].
    apply (pwt_eq _ (N * rb_d (hd_D HD) + (N * rb_d (hd_D HD) + rb_d (hd_D HD) + r))); [lia|].
    apply b1_at_wt; lia.
Qed.

Local Ltac arity_simpl :=
  repeat (change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b)
          || change (arity_out (PSeq ?a ?b)) with (arity_out b));
  rewrite ?keep_arity, ?mlp_at_arity, ?silu_at_arity, ?ew_prog_arity, ?adamod_at_arity, ?rms_at_arity,
    ?modulate_at_arity.

Theorem hv_at_wt p E HD N wo go cto sto so ox oz r :
  go + (wo + hv_size HD) <= r -> ox + N * hd_c HD <= r -> oz + N * hd_w HD <= r ->
  go + so + hd_F HD <= r -> go + cto + N * rb_dh (hd_D HD) <= r -> go + sto + N * rb_dh (hd_D HD) <= r ->
  pwt p r (hv_at p E HD N wo go cto sto so ox oz r).
Proof.
  intros Hw Hx Hz Hs Hct Hst.
  assert (HB : forall l, l < hd_L HD ->
            pwt p (N * hd_d HD + (N * hd_d HD + (hd_d HD + r))) (hv_blk_at p E HD N wo go cto sto oz r l)
            /\ arity_out (hv_blk_at p E HD N wo go cto sto oz r l)
               = N * hd_d HD + (N * hd_d HD + (hd_d HD + r)))
    by (intros; apply hv_blk_at_wt; assumption).
  destruct (hv_layout HD) as (H1 & H2 & H3 & H4 & H5 & H6 & H7 & H8 & H9 & H10 & H11 & H12 & H13 & H14).
  unfold hv_at. set (c := hd_c HD) in *. set (w := hd_w HD) in *. set (d := hd_d HD) in *.
  set (F := hd_F HD) in *.
  cbn [pwt]. arity_simpl.
  split.
  { split; [apply mlp_at_wt; lia|]. split; [apply mlp_at_wt; lia|].
    split; [apply mlp_at_wt; lia|apply keep_wt_le; lia]. }
  split.
  { split; [apply keep_wt_le; lia|]. split; [apply silu_at_wt; lia|apply keep_wt_le; lia]. }
  arity_simpl. split.
  { split; [apply keep_wt_le; lia|]. split; [apply mlp_at_wt; lia|apply keep_wt_le; lia]. }
  arity_simpl. split.
  { split; [apply keep_wt_le; lia|]. split; [|apply keep_wt_le; lia].
    apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
    assert (i * d + j < N * d) by (pose proof (row_le i N d Hi); lia).
    repeat constructor; cbn; lia. }
  arity_simpl. split.
  { apply (pwt_eq _ (N * d + (N * d + (d + r)))); [lia|]. apply iter_wt, HB. }
  rewrite iter_arity by (intros; apply HB; assumption).
  split.
  { split; [apply rms_at_wt; [apply fconst_valid|lia]|].
    split; [apply adamod_at_wt; lia|apply keep_wt_le; lia]. }
  arity_simpl. split.
  { split; [|apply keep_wt_le; lia].
    assert (Hc2 : forall i k, i < N -> k < 2 -> i * (2 * d) + k * d + d <= N * (2 * d))
      by (intros i k Hi Hk; clear -Hi Hk; nia).
    apply modulate_at_wt; intros i Hi; unfold chunk2; cbv beta; pose proof (row_le i N d Hi);
      [lia|pose proof (Hc2 i 1 Hi ltac:(lia))|pose proof (Hc2 i 0 Hi ltac:(lia))]; lia. }
  arity_simpl. apply mlp_at_wt; lia.
Qed.

Lemma hv_at_arity p E HD N wo go cto sto so ox oz r :
  arity_out (hv_at p E HD N wo go cto sto so ox oz r) = N * hd_c HD.
Proof. unfold hv_at. arity_simpl. reflexivity. Qed.

(** ** Depth *)

Definition hv_blk_depth P E HD : nat := if hd_cross HD then b2_depth P E else rb_depth P E.

Definition hv_depth P E HD : nat :=
  (2 * d_std P + d_sum P)                               (* input_proj ∥ cond_embed ∥ Linear₁ *)
  + (3 * d_std P + d_exp P)                             (* SiLU *)
  + (2 * d_std P + d_sum P)                             (* Linear₂ *)
  + d_std P                                             (* C + T *)
  + hd_L HD * hv_blk_depth P E HD                       (* the blocks *)
  + (5 * d_std P + d_sum P + Nat.max (d_sqrt P) (d_exp P))  (* RMSNorm ∥ final modulation rows *)
  + 3 * d_std P                                         (* modulation *)
  + (2 * d_std P + d_sum P).                            (* final linear *)

Theorem hv_at_wdepth P p E HD N wo go cto sto so ox oz r :
  wdepth (op_dbound P) (hv_at p E HD N wo go cto sto so ox oz r) <= hv_depth P E HD.
Proof.
  unfold hv_at, hv_depth. cbn [wdepth]. rewrite !keep_wdepth.
  set (c := hd_c HD). set (w := hd_w HD). set (d := hd_d HD). set (F := hd_F HD).
  set (g k o := k + go + (wo + o)).
  pose proof (mlp_at_wdepth P ox (g 0 (hv_win HD)) (g 0 (hv_bin HD)) N c d).
  pose proof (mlp_at_wdepth P oz (g 0 (hv_ce HD)) (g 0 (hv_bce HD)) N w d).
  pose proof (mlp_at_wdepth P (go + so) (g 0 (hv_t1 HD)) (g 0 (hv_bt1 HD)) 1 F d).
  pose proof (silu_at_wdepth P p (2 * (N * d)) 1 d).
  pose proof (mlp_at_wdepth P (2 * (N * d)) (g (2 * (N * d) + d) (hv_t2 HD)) (g (2 * (N * d) + d) (hv_bt2 HD)) 1 d d).
  pose proof (ew_prog_wdepth P N d (OBin BAdd) (fun i j => [FIn (N * d + (i * d + j)); FIn (2 * (N * d) + j)])).
  assert (wdepth (op_dbound P) (iter (N * d + (N * d + (d + r))) (hd_L HD) (hv_blk_at p E HD N wo go cto sto oz r))
          <= hd_L HD * hv_blk_depth P E HD).
  { apply wdepth_iter_le. intros l _. unfold hv_blk_at, hv_blk_depth.
    destruct (hd_cross HD); [apply b2_at_wdepth|apply b1_at_wdepth]. }
  pose proof (rms_at_wdepth P p (rms_eps p) 0 N d).
  pose proof (adamod_at_wdepth P p (N * d) (g (2 * (N * d) + d) (hv_fm HD)) (g (2 * (N * d) + d) (hv_bfm HD)) N d (2 * d)).
  pose proof (modulate_at_wdepth P p (fun i => i * d) (chunk2 (N * d) d 1) (chunk2 (N * d) d 0) N d).
  pose proof (mlp_at_wdepth P 0 (g (N * d) (hv_fo HD)) (g (N * d) (hv_bfo HD)) N d c).
  unfold g in *. cbn [op_dbound] in *. lia.
Qed.
