(** * Released FlowAR's sampler: Euler steps over the code's time grid with classifier-free guidance

    [euler_sampler] (wangqiang9/FlowAR, models/sampler.py), as
    [sample_tokens] (models/flowar.py) calls it for scale [i] of [K]:
    {v
      t_steps = cat(linspace(1, 0.3, n/2), linspace(0.25, 0, n/2 + 1))    n = num_steps ≠ 50
      t_steps = linspace(1, 0, n + 1)                                       n = 50
      s_i = (cfg − 1)·i/(K − 1) + 1                                         (scaled_cfg)
      for (t_cur, t_next) in zip(t_steps[:-1], t_steps[1:]):
        if s_i > 1 and 0 ≤ t_cur ≤ guidance:                                guided step
          d = d_u + s_i·(d_c − d_u),  d_c = v(x, t_cur, Z_c),  d_u = v(x, t_cur, Z_u)
        else
          d = v(x, t_cur, Z_c)
        x ← x + (t_next − t_cur)·d
    v}
    [v] is the velocity network [fvel_rel] (Pipeline/ReleasedFlowHead.v),
    [Z_c] / [Z_u] the AR output of the conditional / null-class pass.  In a
    guided step the code feeds the conditional half [x[:B/2]] twice; before
    the guidance interval it advances both halves separately, but the
    null-class half never reaches the conditional half's result (once
    guided, both halves are overwritten by the conditional one, and [t]
    only decreases), so the sample of the conditional half — the one
    [sample_tokens] keeps ([chunk(2)[0]]) — is exactly [fsample] below.

    Grid and constants.  The grid is a list of rationals [num/den]
    ([sched_of_steps n], the code's two cases; [linspace_q] is the exact
    rational [a + (b − a)·j/(m − 1)]); every float constant is a rational
    rounded once at the working precision ([fconst]): [Δt_k =
    t_{k+1} − t_k] exactly, then rounded; [s_i]; the guidance test
    [rs_guided] is decided statically on the rationals.  The code computes
    the grid with float64 [linspace] and the differences in float64
    (docs/deviations.md); the guidance test agrees with the code's on the
    released grids (checked for the boundary [t = 0.7] of FlowAR-H, where
    [linspace]'s float equals the float of the literal [0.7]), and so do
    the integers [⌊1000·t_k⌋] of the time embedding ([sched_tint],
    [ex_sched25_tint]; the code's float32 [(t·1000).long()] gives the same
    list, computed in Python with the code's [linspace] algorithm).

    Tables in [G] for a scale of [N] tokens, at offset [to]: the RoPE cos
    and sin tables ([N × dh] each), then one sinusoidal row ([F] = 256
    values, the embedding of [⌊1000·t_k⌋]) per update [k].

    Program [rs_at]: [T] steps (the grid's length − 1) on the state
    [flat F ++ flat Z_c ++ flat Z_u ++ Ev ++ G], each a guided or plain step
    decided by [rs_guided i k]; correctness [rs_at_correct], typing
    [rs_at_wt], depth [T · (hv_depth + 5·d_std)] ([rs_at_wdepth]). *)
From Coq Require Import List Arith Lia ZArith Bool.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import Common AttnCommon MLP Pointwise RMSNorm SiLU GELU SwiGLU
  AdaLN RoPE RAttention FlowMatching.
From FlowARProofs.Pipeline Require Import Layer ReleasedBlock ReleasedFlowBlock ReleasedFlowBlock2
  ReleasedFlowHead.
Import ListNotations.
Set Default Goal Selector "!".

(** ** Time grids *)

(** [m] points [a + (b − a)·j/(m − 1)], [j < m], of [linspace(a, b, m)], as
    rationals [(num, den)]. *)
Definition linspace_q (a b : Z * Z) (m : nat) : list (Z * Z) :=
  let '(an, ad) := a in let '(bn, bd) := b in
  map (fun j : nat => ((an * bd * Z.of_nat (m - 1) + (bn * ad - an * bd) * Z.of_nat j)%Z,
                       (ad * bd * Z.of_nat (m - 1))%Z))
      (seq 0 m).

(** The grid of [euler_sampler] for [num_steps = n]. *)
Definition sched_of_steps (n : nat) : list (Z * Z) :=
  if Nat.eqb n 50 then linspace_q (1, 1)%Z (0, 1)%Z (n + 1)
  else linspace_q (1, 1)%Z (3, 10)%Z (n / 2) ++ linspace_q (1, 4)%Z (0, 1)%Z (n / 2 + 1).

Definition sched25 := sched_of_steps 25.
Definition sched50 := sched_of_steps 50.

(** [⌊1000·t⌋] for every grid point: the integer the time embedding sees. *)
Definition sched_tint (s : list (Z * Z)) : list Z := map (fun '(n, d) => (1000 * n) / d)%Z s.

(** 25 points (24 updates) for S/L; 51 points (50 updates) for H. *)
Example ex_sched_lengths : length sched25 = 25 /\ length sched50 = 51.
Proof. vm_compute. split; reflexivity. Qed.

Example ex_sched25_tint :
  sched_tint sched25 = [1000; 936; 872; 809; 745; 681; 618; 554; 490; 427; 363; 300;
                        250; 229; 208; 187; 166; 145; 125; 104; 83; 62; 41; 20; 0]%Z.
Proof. vm_compute. reflexivity. Qed.

Example ex_sched50_tint :
  sched_tint sched50 = map (fun j => 20 * (50 - Z.of_nat j))%Z (seq 0 51).
Proof. vm_compute. reflexivity. Qed.

(** ** Configuration of the head and sampler *)

(** The head's dimensions, the grid, [cfg] and [guidance] as rationals,
    the number of scales [K]; denominators positive. *)
Record RSCfg := { rs_HD : HDims; rs_sched : list (Z * Z); rs_cfg : Z * Z; rs_gh : Z * Z; rs_K : nat }.

Implicit Types (P : FloatPrimitivesTC0) (E : ErfImpl) (RC : RSCfg) (F Zc Zu V : mat) (G Ev : list flt)
  (p N i k wo to go r : nat).

Definition rs_T RC : nat := length (rs_sched RC) - 1.
Definition rs_t RC k : Z * Z := nth k (rs_sched RC) (0, 1)%Z.

(** [Δt_k = t_{k+1} − t_k] (negative: the grid runs from 1 to 0). *)
Definition rs_dt_q RC k : Z * Z :=
  let '(n0, d0) := rs_t RC k in let '(n1, d1) := rs_t RC (S k) in (n1 * d0 - n0 * d1, d0 * d1)%Z.

(** [s_i = (cfg − 1)·i/(K − 1) + 1]. *)
Definition rs_s_q RC i : Z * Z :=
  let '(cn, cd) := rs_cfg RC in
  ((cn - cd) * Z.of_nat i + cd * Z.of_nat (rs_K RC - 1), cd * Z.of_nat (rs_K RC - 1))%Z.

Definition rs_guided RC i k : bool :=
  let '(sn, sd) := rs_s_q RC i in let '(tn, td) := rs_t RC k in let '(gn, gd) := rs_gh RC in
  (Z.ltb sd sn && Z.leb 0 tn && Z.leb (tn * gd) (gn * td))%Z.

Definition fq p (q : Z * Z) : flt := fconst p (fst q) (snd q).

(** ** Semantics *)

Definition fcfg p (s : flt) Vc Vu : mat :=
  fun a b => fadd p (Vu a b) (fmul p s (fsub p (Vc a b) (Vu a b))).

Section sem.
  Context (P : FloatPrimitivesTC0) (p : nat) (E : ErfImpl) (RC : RSCfg) (i N : nat) (G : list flt).
  Context (wo to : nat) (Zc Zu : mat).

  Let HD := rs_HD RC.
  Let dh := rb_dh (hd_D HD).

  (** The velocity at grid point [k]: RoPE tables at [to], [to + N·dh], the
      sinusoidal row [k] after them. *)
  Definition rs_vel (k : nat) (F Z : mat) : mat :=
    fvel_rel P p E HD G wo to (to + N * dh) (to + 2 * (N * dh) + k * hd_F HD) N F Z.

  Definition fstep (k : nat) (F : mat) : mat :=
    if rs_guided RC i k
    then feuler p (fq p (rs_dt_q RC k)) F (fcfg p (fq p (rs_s_q RC i)) (rs_vel k F Zc) (rs_vel k F Zu))
    else feuler p (fq p (rs_dt_q RC k)) F (rs_vel k F Zc).

  (** The sampled tokens of scale [i] from the noise [F₀]. *)
  Definition fsample (F0 : mat) : mat := iterate fstep (rs_T RC) F0.
End sem.

(** ** Program *)

(** Entry [(a, b)]: [F + Δt·(V_u + s·(V_c − V_u))] on [V_c ; V_u ; F ; …]. *)
Definition cfg_body (dt s : flt) vc vu f : prog :=
  PSeq (PPar (PWire [FIn f])
             (PSeq (PPar (PWire [FCst dt])
                         (PSeq (PPar (PWire [FIn vu])
                                     (PSeq (PPar (PWire [FCst s])
                                                 (PSeq (PWire [FIn vc; FIn vu]) (POp (OBin BSub))))
                                           (POp (OBin BMul))))
                               (POp (OBin BAdd))))
                   (POp (OBin BMul))))
       (POp (OBin BAdd)).

Definition cfg_euler_at (dt s : flt) N c : prog :=
  PFor N (fun a => PFor c (fun b =>
    cfg_body dt s (a * c + b) (N * c + (a * c + b)) (2 * (N * c) + (a * c + b)))).

Section prog.
  Context (p : nat) (E : ErfImpl) (RC : RSCfg) (i N wo to go r : nat).

  Let HD := rs_HD RC.
  Let c := hd_c HD.
  Let w := hd_w HD.
  Let dh := rb_dh (hd_D HD).
  Let s := N * c + 2 * (N * w) + r.

  Definition rs_hv (k oz : nat) : prog :=
    hv_at p E HD N wo (N * c + 2 * (N * w) + go) to (to + N * dh) (to + 2 * (N * dh) + k * hd_F HD)
          0 oz s.

  Definition rs_step (k : nat) : prog :=
    if rs_guided RC i k
    then PSeq (PPar (rs_hv k (N * c)) (PPar (rs_hv k (N * c + N * w)) (keep 0 s)))
              (PPar (cfg_euler_at (fq p (rs_dt_q RC k)) (fq p (rs_s_q RC i)) N c)
                    (keep (3 * (N * c)) (2 * (N * w) + r)))
    else PSeq (PPar (rs_hv k (N * c)) (keep 0 s))
              (PPar (euler_at (fq p (rs_dt_q RC k)) (N * c) 0 N c) (keep (2 * (N * c)) (2 * (N * w) + r))).

  Definition rs_at : prog := iter s (rs_T RC) rs_step.
End prog.

(** ** Correctness *)

Local Ltac lens := rewrite ?app_length, ?flat_length; lia.

Lemma cfg_euler_at_correct P p dt s N c xs Vc Vu F :
  block xs 0 N c Vc -> block xs (N * c) N c Vu -> block xs (2 * (N * c)) N c F ->
  peval P p (cfg_euler_at dt s N c) xs = flat N c (feuler p dt F (fcfg p s Vc Vu)).
Proof.
  intros Hc Hu HF. apply peval_PFor2. intros a b Ha Hb.
  specialize (Hc a b Ha Hb). specialize (Hu a b Ha Hb). specialize (HF a b Ha Hb).
  rewrite Nat.add_0_l in Hc. unfold cfg_body. cbn [peval map fsrc_val opsem binsem nth app].
  rewrite Hc, Hu, HF. reflexivity.
Qed.

Theorem rs_step_correct P p E RC i N wo to k F Zc Zu Ev G :
  let HD := rs_HD RC in
  peval P p (rs_step p E RC i N wo to (length Ev) (length Ev + length G) k)
    (flat N (hd_c HD) F ++ flat N (hd_w HD) Zc ++ flat N (hd_w HD) Zu ++ Ev ++ G)
  = flat N (hd_c HD) (fstep P p E RC i N G wo to Zc Zu k F)
    ++ flat N (hd_w HD) Zc ++ flat N (hd_w HD) Zu ++ Ev ++ G.
Proof.
  intros HD. unfold rs_step, fstep, rs_vel, rs_hv. fold HD.
  set (c := hd_c HD). set (w := hd_w HD). set (dh := rb_dh (hd_D HD)).
  set (Ev' := flat N c F ++ flat N w Zc ++ flat N w Zu ++ Ev).
  assert (HEv : length Ev' = N * c + 2 * (N * w) + length Ev) by (subst Ev'; lens).
  assert (Hst : flat N c F ++ flat N w Zc ++ flat N w Zu ++ Ev ++ G = Ev' ++ G)
    by (subst Ev'; rewrite <- !app_assoc; reflexivity).
  assert (Hs : N * c + 2 * (N * w) + (length Ev + length G) = length Ev' + length G) by lia.
  assert (HF : block (Ev' ++ G) 0 N c F) by (rewrite <- Hst; apply block_front).
  assert (HZc : block (Ev' ++ G) (N * c) N w Zc).
  { rewrite <- Hst. apply block_cons_flat with (off := 0); [lia|apply block_front]. }
  assert (HZu : block (Ev' ++ G) (N * c + N * w) N w Zu).
  { rewrite <- Hst. apply block_cons_flat with (off := N * w); [lia|].
    apply block_cons_flat with (off := 0); [lia|apply block_front]. }
  pose proof (hv_at_correct P p E HD N wo to (to + N * dh) (to + 2 * (N * dh) + k * hd_F HD)
                0 (N * c) F Zc Ev' G HF HZc) as Hc.
  pose proof (hv_at_correct P p E HD N wo to (to + N * dh) (to + 2 * (N * dh) + k * hd_F HD)
                0 (N * c + N * w) F Zu Ev' G HF HZu) as Hu.
  rewrite <- Hs, HEv, <- Hst in Hc, Hu. fold c w in Hc, Hu.
  set (Vc := fvel_rel P p E HD G wo to _ _ N F Zc) in *.
  set (Vu := fvel_rel P p E HD G wo to _ _ N F Zu) in *.
  destruct (rs_guided RC i k).
  - rewrite peval_PSeq, !peval_PPar, Hc, Hu, keep0 by lens.
    rewrite (cfg_euler_at_correct P p _ _ N c _ Vc Vu F).
    2: apply block_front.
    2: apply block_second.
    2: apply block_cons_flat with (off := N * c); [lia|];
       apply block_cons_flat with (off := 0); [lia|apply block_front].
    rewrite keep_suffix3 by lens. reflexivity.
  - rewrite peval_PSeq, !peval_PPar, Hc, keep0 by lens.
    rewrite (euler_at_correct P p _ (N * c) 0 N c _ F Vc).
    2: apply block_second.
    2: apply block_front.
    rewrite keep_suffix2 by lens. reflexivity.
Qed.

Theorem rs_at_correct P p E RC i N wo to F0 Zc Zu Ev G :
  let HD := rs_HD RC in
  peval P p (rs_at p E RC i N wo to (length Ev) (length Ev + length G))
    (flat N (hd_c HD) F0 ++ flat N (hd_w HD) Zc ++ flat N (hd_w HD) Zu ++ Ev ++ G)
  = flat N (hd_c HD) (fsample P p E RC i N G wo to Zc Zu F0)
    ++ flat N (hd_w HD) Zc ++ flat N (hd_w HD) Zu ++ Ev ++ G.
Proof.
  intros HD. unfold rs_at, fsample.
  apply (iter_correct P p _ (rs_T RC) _
           (fun F => flat N (hd_c HD) F ++ flat N (hd_w HD) Zc ++ flat N (hd_w HD) Zu ++ Ev ++ G)).
  - intros Y. unfold HD. lens.
  - intros k Y _. apply rs_step_correct.
Qed.

(** ** Typing *)

(** Words of tables for a scale of [N] tokens: RoPE cos and sin, one
    sinusoidal row per update. *)
Definition rs_tsize RC N : nat := 2 * (N * rb_dh (hd_D (rs_HD RC))) + rs_T RC * hd_F (rs_HD RC).

Lemma cfg_euler_at_wt p n dt s N c :
  valid p dt = true -> valid p s = true -> 3 * (N * c) <= n -> pwt p n (cfg_euler_at dt s N c).
Proof.
  intros Hdt Hs Hn. cbn [cfg_euler_at pwt]. intros a Ha b Hb.
  assert (a * c + b < N * c) by (pose proof (row_le a N c Ha); lia).
  cbn. repeat split; repeat constructor; cbn; auto; lia.
Qed.

Lemma cfg_euler_at_arity dt s N c : arity_out (cfg_euler_at dt s N c) = N * c.
Proof.
  cbn [cfg_euler_at arity_out]. apply list_sum_seq_const. intros a _.
  rewrite (list_sum_seq_const _ c 1) by reflexivity. lia.
Qed.

Lemma euler_at_arity' dt offF offV N c : arity_out (euler_at dt offF offV N c) = N * c.
Proof. unfold euler_at, xpby_at. cbn [arity_out]. apply ew_prog_arity. Qed.

Lemma rs_step_wt p E RC i N wo to go r k :
  let HD := rs_HD RC in
  k < rs_T RC -> go + (wo + hv_size HD) <= r -> go + (to + rs_tsize RC N) <= r ->
  pwt p (N * hd_c HD + 2 * (N * hd_w HD) + r) (rs_step p E RC i N wo to go r k)
  /\ arity_out (rs_step p E RC i N wo to go r k) = N * hd_c HD + 2 * (N * hd_w HD) + r.
Proof.
  intros HD Hk Hw Ht. unfold rs_step, rs_hv, rs_tsize in *. fold HD in Ht |- *.
  set (c := hd_c HD) in *. set (w := hd_w HD) in *. set (dh := rb_dh (hd_D HD)) in *.
  set (F := hd_F HD) in *.
  assert (HkF : k * F + F <= rs_T RC * F).
  { replace (k * F + F) with (S k * F) by lia. apply Nat.mul_le_mono_r. lia. }
  assert (Hhv : forall oz, oz + N * w <= N * c + 2 * (N * w) + r ->
            pwt p (N * c + 2 * (N * w) + r)
              (hv_at p E HD N wo (N * c + 2 * (N * w) + go) to (to + N * dh)
                     (to + 2 * (N * dh) + k * F) 0 oz (N * c + 2 * (N * w) + r))).
  { intros oz Hoz. apply hv_at_wt; fold c w; lia. }
  destruct (rs_guided RC i k); cbn [pwt arity_out].
  - rewrite !hv_at_arity, !keep_arity, cfg_euler_at_arity. fold c.
    split; [|lia]. split.
    + split; [apply Hhv; lia|]. split; [apply Hhv; lia|apply keep_wt_le; lia].
    + split; [apply cfg_euler_at_wt; [apply fconst_valid|apply fconst_valid|lia]|apply keep_wt_le; lia].
  - rewrite !hv_at_arity, !keep_arity, euler_at_arity'. fold c.
    split; [|lia]. split.
    + split; [apply Hhv; lia|apply keep_wt_le; lia].
    + split; [apply euler_at_wt; [apply fconst_valid|lia|lia]|apply keep_wt_le; lia].
Qed.

Theorem rs_at_wt p E RC i N wo to go r :
  let HD := rs_HD RC in
  go + (wo + hv_size HD) <= r -> go + (to + rs_tsize RC N) <= r ->
  pwt p (N * hd_c HD + 2 * (N * hd_w HD) + r) (rs_at p E RC i N wo to go r).
Proof.
  intros HD Hw Ht. unfold rs_at. apply iter_wt. intros k Hk. apply rs_step_wt; assumption.
Qed.

Theorem rs_at_arity p E RC i N wo to go r :
  arity_out (rs_at p E RC i N wo to go r)
  = N * hd_c (rs_HD RC) + 2 * (N * hd_w (rs_HD RC)) + r.
Proof.
  unfold rs_at. apply iter_arity. intros k _.
  unfold rs_step. destruct (rs_guided RC i k); cbn [arity_out];
    rewrite ?cfg_euler_at_arity, ?euler_at_arity', ?keep_arity; lia.
Qed.

(** ** Depth: [T] steps, each a velocity pass (two in parallel when guided) and [5·d_std] *)

Definition rs_step_depth P E RC : nat := hv_depth P E (rs_HD RC) + 5 * d_std P.

Lemma cfg_euler_at_wdepth P dt s N c : wdepth (op_dbound P) (cfg_euler_at dt s N c) <= 5 * d_std P.
Proof. apply PFor2_wdepth. intros. cbn. lia. Qed.

Theorem rs_at_wdepth P p E RC i N wo to go r :
  wdepth (op_dbound P) (rs_at p E RC i N wo to go r) <= rs_T RC * rs_step_depth P E RC.
Proof.
  unfold rs_at. apply wdepth_iter_le. intros k _. unfold rs_step, rs_step_depth, rs_hv.
  destruct (rs_guided RC i k); cbn [wdepth]; rewrite ?keep_wdepth.
  - pose proof (cfg_euler_at_wdepth P (fq p (rs_dt_q RC k)) (fq p (rs_s_q RC i)) N (hd_c (rs_HD RC))).
    repeat match goal with |- context [wdepth (op_dbound P) (hv_at ?a ?b ?c ?d ?e ?f ?g ?h ?i ?j ?k ?l)] =>
      let H := fresh in
      pose proof (hv_at_wdepth P a b c d e f g h i j k l) as H;
      change (wdepth (op_dbound P) (hv_at a b c d e f g h i j k l)) with
             (wdepth (op_dbound P) (id (hv_at a b c d e f g h i j k l))) in * end.
    unfold id in *. lia.
  - pose proof (euler_at_wdepth P (fq p (rs_dt_q RC k)) (N * hd_c (rs_HD RC)) 0 N (hd_c (rs_HD RC))).
    match goal with |- context [wdepth (op_dbound P) (hv_at ?a ?b ?c ?d ?e ?f ?g ?h ?i ?j ?k ?l)] =>
      pose proof (hv_at_wdepth P a b c d e f g h i j k l) end.
    lia.
Qed.
