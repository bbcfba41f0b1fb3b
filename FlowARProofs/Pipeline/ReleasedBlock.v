(** * The released FlowAR transformer block, as a program on the pipeline state

    The AR transformer of released FlowAR is a stack of this block
    (wangqiang9/FlowAR, models/flowar.py, [Block._forward]):
    {v
      (γ₁, γ₂, s₁, s₂, b₁, b₂) = Linear(SiLU(c))              c : 1 × d, the class embedding
      X₁ = X  + γ₁ · MHA(RMSNorm(X)  · (1 + s₁) + b₁)         MHA with qkv/proj biases and RoPE
      X₂ = X₁ + γ₂ · SwiGLU(RMSNorm(X₁) · (1 + s₂) + b₂)      SwiGLU with exact GELU
    v}
    (the six modulation vectors are the six [d]-column chunks of one
    [1 × 6d] row, broadcast over the tokens).  Modules: Modules/AdaLN.v
    ([fadamod], [fmodulate], [fgate]), Modules/RMSNorm.v ([frms], ε =
    [rms_eps]), Modules/RAttention.v ([frmha], self-attention: [Y = X]),
    Modules/SwiGLU.v ([fswiglu], for an erf implementation [E]).

    Operands.  Everything the block reads besides [X] sits in a vector [G]:
    its weights at offset [wo] in the layout [rb_off] below, the condition
    [c] at [co] (a [1 × d] row), and the RoPE tables at [cto], [sto] (each
    [N × dh]).  The program runs on [flat X ++ E ++ G] and returns
    [flat X₂ ++ E ++ G] ([rb_at_correct]), like [tl_at] of
    Pipeline/Layer.v, so blocks can be iterated.

    Depth ([rb_at_wdepth]): [rb_depth P E = 44·d_std + 9·d_⊕ + 2·d_exp +
    2·d_sqrt + erf_depth E P] ([rb_depth_value]): modulation vectors
    [5·d_std + d_⊕ + d_exp], two RMSNorms [5·d_std + d_⊕ + d_sqrt], two
    modulations [3·d_std], attention [11·d_std + 4·d_⊕ + d_exp], SwiGLU
    [8·d_std + 2·d_⊕ + D_erf], two gated residuals [2·d_std].  The
    modulation vectors depend only on the condition and could be computed
    for all blocks at once, off the critical path; we keep the code's order. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon MLP Pointwise RMSNorm SiLU GELU SwiGLU
  AdaLN RoPE RAttention.
From FlowARProofs.Pipeline Require Import Layer.
Import ListNotations.
Set Default Goal Selector "!".

(** Dimensions: width [d], [H] heads of width [dh = 2·hh] (RoPE pairs
    columns), gated-MLP width [dff]; the attention scale [sn/sd] rounded
    once (released: [dh^(−1/2)]). *)
Record RDims := { rb_d : nat; rb_H : nat; rb_hh : nat; rb_dff : nat; rb_sn : Z; rb_sd : Z }.

Definition rb_dh (D : RDims) : nat := 2 * rb_hh D.

Implicit Types (P : FloatPrimitivesTC0) (E : ErfImpl) (D : RDims) (X : mat) (R G Ev : list flt)
  (p N wo go co cto sto r : nat).

Definition rb_scale p D : flt := fconst p (rb_sn D) (rb_sd D).

(** ** Weight layout of one block (offsets from [wo]) *)

Definition o_mw (D : RDims) := 0.                               (* ada_lin weight, d × 6d *)
Definition o_mb D := rb_d D * (6 * rb_d D).                     (* ada_lin bias, 1 × 6d *)
Definition rb_hsz D := 3 * (rb_d D * rb_dh D + rb_dh D).       (* per head: q, k, v with biases *)
Definition o_hq D k := o_mb D + 6 * rb_d D + k * rb_hsz D.
Definition o_hbq D k := o_hq D k + rb_d D * rb_dh D.
Definition o_hk D k := o_hbq D k + rb_dh D.
Definition o_hbk D k := o_hk D k + rb_d D * rb_dh D.
Definition o_hv D k := o_hbk D k + rb_dh D.
Definition o_hbv D k := o_hv D k + rb_d D * rb_dh D.
Definition o_pO D := o_hq D (rb_H D).                           (* proj, (H·dh) × d *)
Definition o_pb D := o_pO D + rb_H D * rb_dh D * rb_d D.        (* proj bias, 1 × d *)
Definition o_wg D := o_pb D + rb_d D.                           (* fc1_g, d × dff *)
Definition o_bg D := o_wg D + rb_d D * rb_dff D.
Definition o_wx D := o_bg D + rb_dff D.                         (* fc1_x, d × dff *)
Definition o_bx D := o_wx D + rb_d D * rb_dff D.
Definition o_w2 D := o_bx D + rb_dff D.                         (* fc2, dff × d *)
Definition o_b2 D := o_w2 D + rb_dff D * rb_d D.
Definition rb_size D := o_b2 D + rb_d D.

(** ** Semantics *)

Section sem.
  Context (P : FloatPrimitivesTC0) (p : nat) (E : ErfImpl) (D : RDims) (G : list flt).
  Context (wo co cto sto : nat) (lim : nat -> nat) (N : nat).

  Let d := rb_d D.
  Let dh := rb_dh D.
  Let W o r c := rd G (wo + o) r c.

  (** The [1 × 6d] modulation row and its chunk [k], broadcast to every token. *)
  Definition frb_mod : mat := fadamod P p d (rd G co 1 d) (W (o_mw D) d (6 * d)) (W (o_mb D) 1 (6 * d)).
  Definition frb_chunk (k : nat) : mat := fun _ l => frb_mod 0 (k * d + l).

  Definition frb_attn (Z : mat) : mat :=
    frmha P p d d dh (rb_H D) (rb_scale p D) lim Z Z
      (fun k => W (o_hq D k) d dh) (fun k => W (o_hbq D k) 1 dh)
      (fun k => W (o_hk D k) d dh) (fun k => W (o_hbk D k) 1 dh)
      (fun k => W (o_hv D k) d dh) (fun k => W (o_hbv D k) 1 dh)
      (rd G cto N dh) (rd G sto N dh)
      (W (o_pO D) (rb_H D * dh) d) (W (o_pb D) 1 d).

  Definition frb_mlp (Z : mat) : mat :=
    fswiglu P p E d (rb_dff D) Z (W (o_wg D) d (rb_dff D)) (W (o_bg D) 1 (rb_dff D))
      (W (o_wx D) d (rb_dff D)) (W (o_bx D) 1 (rb_dff D)) (W (o_w2 D) (rb_dff D) d) (W (o_b2 D) 1 d).

  (** [X₁ = X + γ₁ · MHA(RMS(X)·(1 + s₁) + b₁)]. *)
  Definition frb_x1 (X : mat) : mat :=
    fgate p X (frb_attn (fmodulate p (frms P p d (rms_eps p) X) (frb_chunk 2) (frb_chunk 4)))
          (frb_chunk 0).

  (** [X₂ = X₁ + γ₂ · SwiGLU(RMS(X₁)·(1 + s₂) + b₂)]. *)
  Definition frblock (X : mat) : mat :=
    let X1 := frb_x1 X in
    fgate p X1 (frb_mlp (fmodulate p (frms P p d (rms_eps p) X1) (frb_chunk 3) (frb_chunk 5)))
          (frb_chunk 1).
End sem.

(** ** Program on the state [flat X ++ R], [G] at offset [go] inside [R], [|R| = r] *)

Definition rb_at p E D N (lim : nat -> nat) wo go co cto sto r : prog :=
  let d := rb_d D in let dh := rb_dh D in let H := rb_H D in let dff := rb_dff D in
  let nd := N * d in let m6 := 6 * d in let t := m6 + r in
  (* weights, seen from a state with [k] values before [R] *)
  let g k o := k + go + (wo + o) in
  let modul cs ch := PPar (modulate_at p (fun i => i * d) (fun _ => 2 * nd + cs * d)
                                         (fun _ => 2 * nd + ch * d) N d)
                          (keep nd (nd + t)) in
  let gate cg := PPar (gate_at (fun i => nd + i * d) (fun i => i * d) (fun _ => 2 * nd + cg * d) N d)
                      (keep (2 * nd) t) in
  (* 1: [X ; M ; R] *)
  PSeq (PPar (keep 0 nd) (PPar (adamod_at p (nd + go + co) (g nd (o_mw D)) (g nd (o_mb D)) 1 d m6)
                               (keep nd r)))
  (* 2–5: [X₁ ; M ; R] *)
  (PSeq (PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (nd + t)))
  (PSeq (modul 2 4)
  (PSeq (PPar (rmha_at 0 0 (fun k => g (2 * nd + m6) (o_hq D k)) (fun k => g (2 * nd + m6) (o_hbq D k))
                       (fun k => g (2 * nd + m6) (o_hk D k)) (fun k => g (2 * nd + m6) (o_hbk D k))
                       (fun k => g (2 * nd + m6) (o_hv D k)) (fun k => g (2 * nd + m6) (o_hbv D k))
                       (2 * nd + m6 + go + cto) (2 * nd + m6 + go + sto)
                       (g (2 * nd + m6) (o_pO D)) (g (2 * nd + m6) (o_pb D))
                       N d d dh H d (rb_scale p D) lim)
              (keep nd (nd + t)))
  (PSeq (gate 0)
  (* 6–9: [X₂ ; M ; R] *)
  (PSeq (PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (nd + t)))
  (PSeq (modul 3 5)
  (PSeq (PPar (swiglu_at p E 0 (g (2 * nd + m6) (o_wg D)) (g (2 * nd + m6) (o_bg D))
                         (g (2 * nd + m6) (o_wx D)) (g (2 * nd + m6) (o_bx D))
                         (g (2 * nd + m6) (o_w2 D)) (g (2 * nd + m6) (o_b2 D)) N d dff)
              (keep nd (nd + t)))
  (PSeq (gate 1)
  (* 10: drop [M] *)
        (PPar (keep 0 nd) (keep (nd + m6) r)))))))))).

(** The pieces the released blocks share, for stating their lemmas once:
    [rb_half_then … sub t e] is stages 2–5 (or 6–9) of a block in front of
    the rest [e] — RMSNorm, modulation by the chunks at [oS], [oH], the
    sub-layer [sub], the gate by the chunk at [oG] — on a state
    [flat X ++ T], [|T| = t]; [rb_attn_sub], [rb_mlp_sub] are the two
    sub-layers with the weights of the layout [o_*] placed at [b + wo]. *)
Definition rb_half_then p N d (oS oH oG : nat -> nat) (sub : prog) t (e : prog) : prog :=
  PSeq (PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (N * d + t)))
  (PSeq (PPar (modulate_at p (fun i => i * d) oS oH N d) (keep (N * d) (N * d + t)))
  (PSeq (PPar sub (keep (N * d) (N * d + t)))
  (PSeq (PPar (gate_at (fun i => N * d + i * d) (fun i => i * d) oG N d) (keep (2 * (N * d)) t)) e))).

Definition rb_attn_sub p D N (lim : nat -> nat) b wo oc os : prog :=
  rmha_at 0 0 (fun k => b + (wo + o_hq D k)) (fun k => b + (wo + o_hbq D k))
    (fun k => b + (wo + o_hk D k)) (fun k => b + (wo + o_hbk D k))
    (fun k => b + (wo + o_hv D k)) (fun k => b + (wo + o_hbv D k)) oc os
    (b + (wo + o_pO D)) (b + (wo + o_pb D)) N (rb_d D) (rb_d D) (rb_dh D) (rb_H D) (rb_d D) (rb_scale p D) lim.

Definition rb_mlp_sub p E D N b wo : prog :=
  swiglu_at p E 0 (b + (wo + o_wg D)) (b + (wo + o_bg D)) (b + (wo + o_wx D))
    (b + (wo + o_bx D)) (b + (wo + o_w2 D)) (b + (wo + o_b2 D)) N (rb_d D) (rb_dff D).

(** ** Correctness *)

Lemma rblock_chunk1 xs off d k (M : mat) N :
  k < 6 -> block xs off 1 (6 * d) M -> rblock xs (fun _ => off + k * d) N d (fun _ l => M 0 (k * d + l)).
Proof.
  intros Hk HM i l _ Hl. rewrite <- HM by nia. f_equal. lia.
Qed.

Local Ltac lens := rewrite ?app_length, ?flat_length; lia.

(** *** The stages the released blocks share

    Each lemma computes one stage on a state [flat Y ++ T]; the weights of
    the layout [o_*] placed at [b + wo] are given by [Hw : ∀ o r c, block …
    (b + (wo + o)) r c (rd G (wo + o) r c)].  The three blocks' correctness
    proofs (here, Pipeline/ReleasedFlowBlock.v, Pipeline/ReleasedFlowBlock2.v)
    are chains of [rb_ada_stage_correct], [rb_half_correct] (with
    [rb_attn_sub_correct] or [rb_mlp_sub_correct]) and [drop_stage_correct];
    their typing and depth proofs chains of the [_wt] and [_wdepth] lemmas. *)

Lemma block_rd_at pre G off o r c : off = length pre + o -> block (pre ++ G) off r c (rd G o r c).
Proof. intros ->. apply block_rd_app. Qed.

Local Ltac wts := rewrite ?app_assoc; apply block_rd_at; lens.
Local Ltac ch1 HM := apply rblock_chunk1; [lia|apply HM].

(** The [Nc] modulation rows [adaLN(C)] after [X]. *)
Lemma rb_ada_stage_correct P p D G wo N Nc b oc X C T r :
  block (flat N (rb_d D) X ++ T) oc Nc (rb_d D) C -> length T = r ->
  (forall o r c, block (flat N (rb_d D) X ++ T) (b + (wo + o)) r c (rd G (wo + o) r c)) ->
  peval P p (PPar (keep 0 (N * rb_d D))
                  (PPar (adamod_at p oc (b + (wo + o_mw D)) (b + (wo + o_mb D)) Nc (rb_d D) (6 * rb_d D))
                        (keep (N * rb_d D) r)))
    (flat N (rb_d D) X ++ T)
  = flat N (rb_d D) X
    ++ flat Nc (6 * rb_d D) (fadamod P p (rb_d D) C (rd G (wo + o_mw D) (rb_d D) (6 * rb_d D))
                               (rd G (wo + o_mb D) 1 (6 * rb_d D))) ++ T.
Proof.
  intros HC Hr Hw. rewrite !peval_PPar, (keep_block P p _ 0 N (rb_d D) X) by apply block_front.
  rewrite (adamod_at_correct P p _ _ _ _ Nc (rb_d D) (6 * rb_d D) C _ _ HC (Hw _ _ _) (Hw _ _ _)).
  rewrite (keep_app P p (flat N (rb_d D) X) T) by lens. reflexivity.
Qed.

Lemma rms_stage_correct P p N d X T t :
  length T = t ->
  peval P p (PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (N * d + t))) (flat N d X ++ T)
  = flat N d (frms P p d (rms_eps p) X) ++ flat N d X ++ T.
Proof.
  intros Ht. rewrite peval_PPar, (rms_at_correct P p _ _ 0 N d X) by apply block_front.
  rewrite keep0 by lens. reflexivity.
Qed.

Lemma modul_stage_correct P p N d Y T oS oH Sc Sh t :
  rblock (flat N d Y ++ T) oS N d Sc -> rblock (flat N d Y ++ T) oH N d Sh -> length T = N * d + t ->
  peval P p (PPar (modulate_at p (fun i => i * d) oS oH N d) (keep (N * d) (N * d + t))) (flat N d Y ++ T)
  = flat N d (fmodulate p Y Sc Sh) ++ T.
Proof.
  intros HS HH Ht. rewrite peval_PPar, (modulate_at_correct P p _ _ _ _ N d Y Sc Sh); [|exact (rblock_of_block _ _ _ _ _ (block_front _ _ _ _))|exact HS|exact HH].
  rewrite (keep_app P p (flat N d Y) T) by lens. reflexivity.
Qed.

Lemma gate_stage_correct P p N d A X T oG Gm t :
  rblock (flat N d A ++ flat N d X ++ T) oG N d Gm -> length T = t ->
  peval P p (PPar (gate_at (fun i => N * d + i * d) (fun i => i * d) oG N d) (keep (2 * (N * d)) t))
    (flat N d A ++ flat N d X ++ T)
  = flat N d (fgate p X A Gm) ++ T.
Proof.
  intros HG Ht. rewrite peval_PPar, (gate_at_correct P p _ _ _ _ N d X A Gm).
  2: exact (rblock_of_block _ _ _ _ _ (block_second _ _ _ _ _)).
  2: exact (rblock_of_block _ _ _ _ _ (block_front _ _ _ _)).
  2: exact HG.
  rewrite app_assoc, (keep_app P p (flat N d A ++ flat N d X) T) by lens. reflexivity.
Qed.

Lemma rb_half_correct P p N d oS oH oG (sub : prog) t X T Sc Sh Gm (F : mat -> mat) (e : prog) Y :
  length T = t ->
  (forall Z, rblock (flat N d Z ++ flat N d X ++ T) oS N d Sc) ->
  (forall Z, rblock (flat N d Z ++ flat N d X ++ T) oH N d Sh) ->
  (forall Z, rblock (flat N d Z ++ flat N d X ++ T) oG N d Gm) ->
  (forall Z, peval P p sub (flat N d Z ++ flat N d X ++ T) = flat N d (F Z)) ->
  peval P p e (flat N d (fgate p X (F (fmodulate p (frms P p d (rms_eps p) X) Sc Sh)) Gm) ++ T) = Y ->
  peval P p (rb_half_then p N d oS oH oG sub t e) (flat N d X ++ T) = Y.
Proof.
  intros Ht HS HH HG Hsub He. unfold rb_half_then.
  rewrite peval_PSeq, rms_stage_correct by exact Ht.
  rewrite peval_PSeq, (modul_stage_correct P p N d _ _ _ _ Sc Sh t); [|apply HS|apply HH|lens].
  rewrite peval_PSeq, peval_PPar, Hsub, (keep_app P p (flat N d _) _) by lens.
  rewrite peval_PSeq, (gate_stage_correct P p N d _ X T oG Gm t); [exact He|apply HG|exact Ht].
Qed.

Lemma rb_attn_sub_correct P p D G wo cto sto lim N b oc os xs Z :
  (forall i, i < N -> lim i <= N) -> block xs 0 N (rb_d D) Z ->
  (forall o r c, block xs (b + (wo + o)) r c (rd G (wo + o) r c)) ->
  block xs oc N (rb_dh D) (rd G cto N (rb_dh D)) -> block xs os N (rb_dh D) (rd G sto N (rb_dh D)) ->
  peval P p (rb_attn_sub p D N lim b wo oc os) xs = flat N (rb_d D) (frb_attn P p D G wo cto sto lim N Z).
Proof.
  intros Hlim HZ Hw Hc Hs.
  exact (rmha_at_correct P p _ 0 0 _ _ _ _ _ _ _ _ _ _ N _ _ _ _ _ _ lim Z Z
           (fun k => rd G (wo + o_hq D k) _ _) (fun k => rd G (wo + o_hbq D k) _ _)
           (fun k => rd G (wo + o_hk D k) _ _) (fun k => rd G (wo + o_hbk D k) _ _)
           (fun k => rd G (wo + o_hv D k) _ _) (fun k => rd G (wo + o_hbv D k) _ _)
           _ _ (rd G (wo + o_pO D) _ _) (rd G (wo + o_pb D) _ _)
           Hlim (proj2 (Nat.even_spec _) (ex_intro _ (rb_hh D) eq_refl)) HZ HZ
           (fun k _ => conj (Hw _ _ _) (conj (Hw _ _ _) (conj (Hw _ _ _) (conj (Hw _ _ _)
                         (conj (Hw _ _ _) (Hw _ _ _))))))
           Hc Hs (Hw _ _ _) (Hw _ _ _)).
Qed.

Lemma rb_mlp_sub_correct P p E D G wo N b xs Z :
  block xs 0 N (rb_d D) Z -> (forall o r c, block xs (b + (wo + o)) r c (rd G (wo + o) r c)) ->
  peval P p (rb_mlp_sub p E D N b wo) xs = flat N (rb_d D) (frb_mlp P p E D G wo Z).
Proof.
  intros HZ Hw.
  exact (swiglu_at_correct P p E _ 0 _ _ _ _ _ _ N (rb_d D) (rb_dff D) Z _ _ _ _ _ _
           HZ (Hw _ _ _) (Hw _ _ _) (Hw _ _ _) (Hw _ _ _) (Hw _ _ _) (Hw _ _ _)).
Qed.

(** The last stage: drop the modulation rows [Mv]. *)
Lemma drop_stage_correct P p N d X Mv T m t :
  length Mv = m -> length T = t ->
  peval P p (PPar (keep 0 (N * d)) (keep (N * d + m) t)) (flat N d X ++ Mv ++ T) = flat N d X ++ T.
Proof.
  intros Hm Ht. rewrite peval_PPar, (keep_block P p _ 0 N d X) by apply block_front.
  rewrite app_assoc, (keep_app P p (flat N d X ++ Mv) T) by lens. reflexivity.
Qed.

Theorem rb_at_correct P p E D N lim wo co cto sto X Ev G :
  (forall i, i < N -> lim i <= N) ->
  peval P p (rb_at p E D N lim wo (length Ev) co cto sto (length Ev + length G))
        (flat N (rb_d D) X ++ Ev ++ G)
  = flat N (rb_d D) (frblock P p E D G wo co cto sto lim N X) ++ Ev ++ G.
Proof.
  intros Hlim. unfold rb_at. cbv beta zeta.
  set (M := frb_mod P p D G wo co).
  assert (HMb : forall (A B : mat) ys,
            block (flat N (rb_d D) A ++ (flat N (rb_d D) B ++ (flat 1 (6 * rb_d D) M ++ ys)))
                  (2 * (N * rb_d D)) 1 (6 * rb_d D) M).
  { intros A B ys. apply block_cons_flat with (off := N * rb_d D); [lia|].
    apply block_cons_flat with (off := 0); [lia|]. apply block_front. }
  rewrite peval_PSeq, (rb_ada_stage_correct P p D G wo N 1 _ _ X (rd G co 1 (rb_d D)));
    [|wts|lens|intros; wts]. fold M.
  apply (rb_half_correct P p N _ _ _ _ _ _ X _ (frb_chunk P p D G wo co 2) (frb_chunk P p D G wo co 4)
           (frb_chunk P p D G wo co 0) (frb_attn P p D G wo cto sto lim N));
    [lens|intros; ch1 HMb..|intros; apply rb_attn_sub_correct; [exact Hlim|apply block_front|intros; wts|wts..]|].
  apply (rb_half_correct P p N _ _ _ _ _ _ _ _ (frb_chunk P p D G wo co 3) (frb_chunk P p D G wo co 5)
           (frb_chunk P p D G wo co 1) (frb_mlp P p E D G wo));
    [lens|intros; ch1 HMb..|intros; apply rb_mlp_sub_correct; [apply block_front|intros; wts]|].
  rewrite drop_stage_correct by lens. reflexivity.
Qed.

(** ** Typing *)

Lemma o_head_le D k : k < rb_H D -> o_hbv D k + rb_dh D <= o_pO D.
Proof. intros Hk. unfold o_hbv, o_hv, o_hbk, o_hk, o_hbq, o_pO, o_hq, rb_hsz. nia. Qed.

Lemma o_head_bounds D k :
  k < rb_H D ->
  o_hq D k + rb_d D * rb_dh D <= rb_size D /\ o_hbq D k + rb_dh D <= rb_size D
  /\ o_hk D k + rb_d D * rb_dh D <= rb_size D /\ o_hbk D k + rb_dh D <= rb_size D
  /\ o_hv D k + rb_d D * rb_dh D <= rb_size D /\ o_hbv D k + rb_dh D <= rb_size D.
Proof.
  intros Hk. pose proof (o_head_le D k Hk).
  assert (o_pO D <= rb_size D) by (unfold rb_size, o_b2, o_w2, o_bx, o_wx, o_bg, o_wg, o_pb; lia).
  unfold o_hbv, o_hv, o_hbk, o_hk, o_hbq in *. lia.
Qed.

Lemma rb_offsets_le D :
  o_mw D + rb_d D * (6 * rb_d D) <= o_mb D /\ o_mb D + 6 * rb_d D <= o_hq D 0
  /\ o_pO D + rb_H D * rb_dh D * rb_d D <= o_pb D /\ o_pb D + rb_d D <= o_wg D
  /\ o_wg D + rb_d D * rb_dff D <= o_bg D /\ o_bg D + rb_dff D <= o_wx D
  /\ o_wx D + rb_d D * rb_dff D <= o_bx D /\ o_bx D + rb_dff D <= o_w2 D
  /\ o_w2 D + rb_dff D * rb_d D <= o_b2 D /\ o_b2 D + rb_d D <= rb_size D
  /\ o_hq D 0 <= o_pO D.
Proof.
  unfold rb_size, o_b2, o_w2, o_bx, o_wx, o_bg, o_wg, o_pb, o_pO, o_hq, o_mb, o_mw. nia.
Qed.

Lemma row_le i N d : i < N -> i * d + d <= N * d.
Proof. intros H. replace (i * d + d) with (S i * d) by lia. apply Nat.mul_le_mono_r. lia. Qed.

Local Ltac arity_simpl :=
  repeat (change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b)
          || change (arity_out (PSeq ?a ?b)) with (arity_out b));
  rewrite ?keep_arity, ?adamod_at_arity, ?rms_at_arity, ?modulate_at_arity, ?rmha_at_arity,
    ?gate_at_arity, ?swiglu_at_arity.

(** *** The stages the released blocks share

    Each lemma types one stage in front of the rest [e] of a block, on a
    state of [n] values, and hands [e] the stage's output width, so that a
    block's typing is a chain of [apply]s (here and in
    Pipeline/ReleasedFlowBlock.v, Pipeline/ReleasedFlowBlock2.v).  Offsets
    are plain numbers: [b + (wo + o)] is the weight at offset [o] of the
    layout [o_*] placed at [b + wo]. *)

Lemma pwt_seq p n m (a e : prog) : pwt p n a -> arity_out a = m -> pwt p m e -> pwt p n (PSeq a e).
Proof. intros Ha <- He. split; assumption. Qed.

(** Chunk [k < m] of a modulation row at [off] ([1 × m·d]), broadcast to
    the [N] tokens, or of [N] rows ([N × m·d]), one per token. *)
Lemma rbound_bcast m off d k N n : k < m -> off + m * d <= n -> rbound (fun _ => off + k * d) N d n.
Proof. intros Hk Hn i _. pose proof (row_le k m d Hk). lia. Qed.

Lemma rbound_rows m off d k N n :
  k < m -> off + N * (m * d) <= n -> rbound (fun i => off + (i * (m * d) + k * d)) N d n.
Proof. intros Hk Hn i Hi. pose proof (row_le i N (m * d) Hi). pose proof (row_le k m d Hk). lia. Qed.

(** The modulation rows [adaLN(c)] of [Nc] rows of [c] at [oc], the state kept. *)
Lemma rb_ada_stage_wt p D N Nc oc b wo r n (e : prog) :
  N * rb_d D + r <= n -> oc + Nc * rb_d D <= n -> b + (wo + rb_size D) <= n ->
  pwt p (N * rb_d D + (Nc * (6 * rb_d D) + r)) e ->
  pwt p n (PSeq (PPar (keep 0 (N * rb_d D))
                      (PPar (adamod_at p oc (b + (wo + o_mw D)) (b + (wo + o_mb D)) Nc (rb_d D) (6 * rb_d D))
                            (keep (N * rb_d D) r))) e).
Proof.
  intros Hn Hc Hw He. pose proof (rb_offsets_le D) as Ho. split; [split; [|split]|].
  - apply keep_wt_le; lia.
  - apply adamod_at_wt; lia.
  - apply keep_wt_le; lia.
  - cbn [arity_out]. rewrite !keep_arity, adamod_at_arity. exact He.
Qed.

(** RMSNorm of the [N × d] front, the state kept. *)
Lemma rms_stage_wt p N d t n (e : prog) :
  N * d + t <= n -> pwt p (N * d + (N * d + t)) e ->
  pwt p n (PSeq (PPar (rms_at p (rms_eps p) 0 N d) (keep 0 (N * d + t))) e).
Proof.
  intros Hn He. split; [split|].
  - apply rms_at_wt; [apply fconst_valid|lia].
  - apply keep_wt_le; lia.
  - cbn [arity_out]. rewrite rms_at_arity, keep_arity. exact He.
Qed.

(** [Y·(1 + S) + H] of the front [Y], the front dropped. *)
Lemma modul_stage_wt p N d oS oH t n (e : prog) :
  rbound oS N d n -> rbound oH N d n -> N * d + (N * d + t) <= n -> pwt p (N * d + (N * d + t)) e ->
  pwt p n (PSeq (PPar (modulate_at p (fun i => i * d) oS oH N d) (keep (N * d) (N * d + t))) e).
Proof.
  intros HS HH Hn He. split; [split|].
  - apply modulate_at_wt; [|exact HS|exact HH]. intros i Hi. pose proof (row_le i N d Hi). lia.
  - apply keep_wt_le; lia.
  - cbn [arity_out]. rewrite modulate_at_arity, keep_arity. exact He.
Qed.

(** [X + A·G] of the front [A ; X], both dropped. *)
Lemma gate_stage_wt p N d oG t n (e : prog) :
  rbound oG N d n -> 2 * (N * d) + t <= n -> pwt p (N * d + t) e ->
  pwt p n (PSeq (PPar (gate_at (fun i => N * d + i * d) (fun i => i * d) oG N d) (keep (2 * (N * d)) t)) e).
Proof.
  intros HG Hn He. split; [split|].
  - apply gate_at_wt; [| |exact HG]; intros i Hi; pose proof (row_le i N d Hi); lia.
  - apply keep_wt_le; lia.
  - cbn [arity_out]. rewrite gate_at_arity, keep_arity. exact He.
Qed.

(** The self-attention of the front, weights of the layout [o_*], RoPE tables at [oc], [os]. *)
Lemma rb_half_wt p N d oS oH oG (sub : prog) t n (e : prog) :
  N * d + t <= n -> rbound oS N d (N * d + (N * d + t)) -> rbound oH N d (N * d + (N * d + t)) ->
  rbound oG N d (N * d + (N * d + t)) -> pwt p (N * d + (N * d + t)) sub /\ arity_out sub = N * d ->
  pwt p (N * d + t) e ->
  pwt p n (rb_half_then p N d oS oH oG sub t e).
Proof.
  intros Hn HS HH HG [Hsub Ha] He. unfold rb_half_then.
  apply rms_stage_wt; [exact Hn|]. apply modul_stage_wt; [exact HS|exact HH|lia|].
  split; [split; [exact Hsub|apply keep_wt_le; lia]|].
  cbn [arity_out]. rewrite Ha, keep_arity. apply gate_stage_wt; [exact HG|lia|exact He].
Qed.

Lemma rb_attn_sub_wt p D N lim b wo oc os n :
  (forall i, i < N -> lim i <= N) -> N * rb_d D <= n -> b + (wo + rb_size D) <= n ->
  oc + N * rb_dh D <= n -> os + N * rb_dh D <= n ->
  pwt p n (rb_attn_sub p D N lim b wo oc os) /\ arity_out (rb_attn_sub p D N lim b wo oc os) = N * rb_d D.
Proof.
  intros Hlim Hn Hw Hc Hs. pose proof (rb_offsets_le D) as Ho. unfold rb_attn_sub, rb_dh in *.
  split; [|apply rmha_at_arity].
  apply rmha_at_wt; try lia; [apply fconst_valid|exact Hlim|].
  intros k Hk. pose proof (o_head_bounds D k Hk) as Hh. unfold rb_dh in Hh. lia.
Qed.

Lemma rb_mlp_sub_wt p E D N b wo n :
  N * rb_d D <= n -> b + (wo + rb_size D) <= n ->
  pwt p n (rb_mlp_sub p E D N b wo) /\ arity_out (rb_mlp_sub p E D N b wo) = N * rb_d D.
Proof.
  intros Hn Hw. pose proof (rb_offsets_le D) as Ho. unfold rb_mlp_sub.
  split; [apply swiglu_at_wt; lia|apply swiglu_at_arity].
Qed.

Theorem rb_at_wt p E D N lim wo go co cto sto r :
  (forall i, i < N -> lim i <= N) -> go + (wo + rb_size D) <= r -> go + co + rb_d D <= r ->
  go + cto + N * rb_dh D <= r -> go + sto + N * rb_dh D <= r ->
  pwt p (N * rb_d D + r) (rb_at p E D N lim wo go co cto sto r).
Proof.
  intros Hlim Hw Hc Hct Hst. unfold rb_at.
  apply rb_ada_stage_wt; [lia..|].
  apply rb_half_wt; [lia|apply (rbound_bcast 6); lia..|apply rb_attn_sub_wt; [exact Hlim|lia..]|].
  apply rb_half_wt; [lia|apply (rbound_bcast 6); lia..|apply rb_mlp_sub_wt; lia|].
  split; apply keep_wt_le; lia.
Qed.

Lemma rb_at_arity p E D N lim wo go co cto sto r :
  arity_out (rb_at p E D N lim wo go co cto sto r) = N * rb_d D + r.
Proof. unfold rb_at. arity_simpl. reflexivity. Qed.

(** ** Depth: a constant in the trust record's depths and the erf depth *)

Definition rb_depth P E : nat :=
  (5 * d_std P + d_sum P + d_exp P)                   (* modulation row: SiLU, linear *)
  + 2 * (5 * d_std P + d_sum P + d_sqrt P)             (* two RMSNorms *)
  + 2 * (3 * d_std P)                                  (* two modulations *)
  + (11 * d_std P + 4 * d_sum P + d_exp P)             (* attention *)
  + (8 * d_std P + 2 * d_sum P + erf_depth E P)        (* SwiGLU *)
  + 2 * (2 * d_std P).                                 (* two gated residuals *)

Lemma rb_depth_value P E :
  rb_depth P E = 44 * d_std P + 9 * d_sum P + 2 * d_exp P + 2 * d_sqrt P + erf_depth E P.
Proof. unfold rb_depth. lia. Qed.

(** The depth of the shared pieces, each in front of the rest [e] (bound [de]). *)
Lemma wdepth_seq_le wt (a e : prog) x y : wdepth wt a <= x -> wdepth wt e <= y -> wdepth wt (PSeq a e) <= x + y.
Proof. cbn [wdepth]. lia. Qed.

Lemma rb_ada_stage_wdepth P p D N Nc oc b wo r :
  wdepth (op_dbound P) (PPar (keep 0 (N * rb_d D))
                             (PPar (adamod_at p oc (b + (wo + o_mw D)) (b + (wo + o_mb D)) Nc (rb_d D)
                                              (6 * rb_d D))
                                   (keep (N * rb_d D) r)))
  <= 5 * d_std P + d_sum P + d_exp P.
Proof. cbn [wdepth]. rewrite !keep_wdepth. pose proof (adamod_at_wdepth P p oc (b + (wo + o_mw D)) (b + (wo + o_mb D)) Nc (rb_d D) (6 * rb_d D)). lia. Qed.

Lemma rb_half_wdepth P p N d oS oH oG (sub : prog) t (e : prog) ds de :
  wdepth (op_dbound P) sub <= ds -> wdepth (op_dbound P) e <= de ->
  wdepth (op_dbound P) (rb_half_then p N d oS oH oG sub t e)
  <= (5 * d_std P + d_sum P + d_sqrt P) + 3 * d_std P + ds + 2 * d_std P + de.
Proof.
  intros Hs He. unfold rb_half_then. cbn [wdepth]. rewrite !keep_wdepth.
  pose proof (rms_at_wdepth P p (rms_eps p) 0 N d).
  pose proof (modulate_at_wdepth P p (fun i => i * d) oS oH N d).
  pose proof (gate_at_wdepth P (fun i => N * d + i * d) (fun i => i * d) oG N d). lia.
Qed.

Lemma rb_attn_sub_wdepth P p D N lim b wo oc os :
  wdepth (op_dbound P) (rb_attn_sub p D N lim b wo oc os) <= 11 * d_std P + 4 * d_sum P + d_exp P.
Proof. apply rmha_at_wdepth. Qed.

Lemma rb_mlp_sub_wdepth P p E D N b wo :
  wdepth (op_dbound P) (rb_mlp_sub p E D N b wo) <= 8 * d_std P + 2 * d_sum P + erf_depth E P.
Proof. apply swiglu_at_wdepth. Qed.

Lemma drop_wdepth wt a g a' g' : wdepth wt (PPar (keep a g) (keep a' g')) <= 0.
Proof. cbn [wdepth]. rewrite !keep_wdepth. reflexivity. Qed.

Theorem rb_at_wdepth P p E D N lim wo go co cto sto r :
  wdepth (op_dbound P) (rb_at p E D N lim wo go co cto sto r) <= rb_depth P E.
Proof.
  unfold rb_at. eapply Nat.le_trans.
  { apply wdepth_seq_le; [apply rb_ada_stage_wdepth|].
    apply rb_half_wdepth; [apply rb_attn_sub_wdepth|].
    apply rb_half_wdepth; [apply rb_mlp_sub_wdepth|apply drop_wdepth]. }
  unfold rb_depth. lia.
Qed.
