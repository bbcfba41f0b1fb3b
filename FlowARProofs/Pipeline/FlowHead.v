(** * FlowAR's per-scale flow-matching head: velocity network and T Euler steps

    The paper (PAPER.md §1.4 (h)): at each scale FlowAR integrates the flow
    [dF/dt = NN(F, Ŷ, t)] from the noise [F_0] (an input here) with [T] Euler
    steps [F_{k+1} = F_k + Δt · NN(F_k, Ŷ, t_k)], [t_k = k/T], [Δt = 1/T];
    [Ŷ] is the AR transformer's output for this scale, and the time [t] is
    conditioned through a learned vector [e].  The velocity network here is
    {v
      S   = MLP_in(F) + Ŷ             (input projection c → d, plus the condition)
      H_0 = S + t · e                 (time conditioning, e a learned 1 × d row)
      H_L = L_f transformer layers on H_0   (Pipeline/Layer.v, unmasked: lim = M)
      V   = MLP_out(H_L)              (output projection d → c)
    v}
    i.e. [fvel], built only from the paper's modules (MLP, the layer of
    Pipeline/Layer.v, entry-wise addition and the Euler step of
    Modules/FlowMatching.v); [fflow] iterates the Euler step [T] times.

    Weights are read from [G] at offset [wo] in the layout [fh_win … fh_size].
    The program [flow_at] runs on the state [flat F ++ flat Ŷ ++ E ++ G] and
    returns [flat (fflow …) ++ flat Ŷ ++ E ++ G] ([flow_at_correct]); its
    weighted depth is [T · fh_step_depth] ([flow_at_wdepth]) and its shape a
    polynomial in the dimensions, [T], [L_f] and [|E ++ G|] ([flow_shape]). *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import AttnCommon MLP FlowMatching.
From FlowARProofs.Pipeline Require Import Layer.
Import ListNotations.
Set Default Goal Selector "!".

(** Dimensions: latent channels [c], the layers' dimensions, number of layers. *)
Record FHDims := { fhc : nat; fhLD : LDims; fhLf : nat }.

Implicit Types (P : FloatFns) (Dm : FHDims) (F Yh X : mat) (G E : list flt)
  (p M T wo go r : nat).

(** ** Weight layout (offsets from [wo]) *)

Definition fh_win (Dm : FHDims) := 0.
Definition fh_bin Dm := fhc Dm * ld (fhLD Dm).
Definition fh_e Dm := fh_bin Dm + ld (fhLD Dm).
Definition fh_layers Dm := fh_e Dm + ld (fhLD Dm).
Definition fh_wout Dm := fh_layers Dm + fhLf Dm * tl_size (fhLD Dm).
Definition fh_bout Dm := fh_wout Dm + ld (fhLD Dm) * fhc Dm.
Definition fh_size Dm := fh_bout Dm + fhc Dm.


(** ** The flow head over an attention module's parts

    The velocity network's layers attend to all [M] tokens of the scale: one
    block, [ns = [M]], [lim = fun _ => M].  The float semantics ([fvel_by],
    [fflow_by]) is defined over an attention semantics [asem], the program
    ([fh_step_by], [flow_at_by]) over a program builder [aprog]
    ([Pipeline/Layer.v]); [fvel_g am] … [flow_at_g am] are the flow head
    over the parts [am_sem am], [am_prog am] of a module [am : AttnModule],
    and the exact flow head is the one over [mha_sem], [mha_prog]. *)

Definition fvel_by (asem : attn_sem) (P : FloatFns) p Dm G wo M (t : flt) (F Yh : mat) : mat :=
  let c := fhc Dm in let d := ld (fhLD Dm) in
  let Min := fmlp p c F (rd G (wo + fh_win Dm) c d) (rd G (wo + fh_bin Dm) 1 d) in
  let S := fun i j => fadd p (Min i j) (Yh i j) in
  let H0 := fun i j => fadd p (S i j) (fmul p t (rd G (wo + fh_e Dm) 1 d 0 j)) in
  let HL := iterate (fun l X => ftlayer_by asem P p (fhLD Dm) G
                                  (wo + fh_layers Dm + l * tl_size (fhLD Dm)) [M] (fun _ => M) X)
                    (fhLf Dm) H0 in
  fmlp p d HL (rd G (wo + fh_wout Dm) d c) (rd G (wo + fh_bout Dm) 1 c).

Definition fh_t p T k : flt := fconst p (Z.of_nat k) (Z.of_nat T).   (* t_k = k/T *)
Definition fh_dt p T : flt := fconst p 1 (Z.of_nat T).                 (* Δt = 1/T *)

Definition fflow_by (asem : attn_sem) (P : FloatFns) p Dm G wo M T (F0 Yh : mat) : mat :=
  iterate (fun k F => feuler p (fh_dt p T) F (fvel_by asem P p Dm G wo M (fh_t p T k) F Yh)) T F0.

(** The program: one Euler step [k] on [flat M c F ++ flat M d Ŷ ++ R]
    ([R = E ++ G], [G] at offset [go] in [R], [|R| = r]); six stages, each
    carrying the state behind its output with [keep]. *)

Definition fh_step_by (aprog : attn_prog) p Dm M T wo go r k : prog :=
  let c := fhc Dm in let D := fhLD Dm in let d := ld D in
  let Mc := M * c in let Md := M * d in
  let g o := Mc + Md + go + (wo + o) in
  PSeq (PPar (mlp_at 0 (g (fh_win Dm)) (g (fh_bin Dm)) M c d) (keep 0 (Mc + Md + r)))
  (PSeq (PPar (ew_prog M d (OBin BAdd) (fun i j => [FIn (i * d + j); FIn (Md + Mc + (i * d + j))]))
              (keep Md (Mc + Md + r)))
  (PSeq (PPar (xpby_at M d (fun i j => FIn (i * d + j)) (fun _ _ => FCst (fh_t p T k))
                       (fun _ j => FIn (Md + g (fh_e Dm) + j)))
              (keep Md (Mc + Md + r)))
  (PSeq (iter (Md + (Mc + Md + r)) (fhLf Dm)
          (fun l => tl_at_by aprog p D M [M] (fun _ => M) (wo + fh_layers Dm + l * tl_size D)
                          (Mc + Md + go) (Mc + Md + r)))
  (PSeq (PPar (mlp_at 0 (Md + g (fh_wout Dm)) (Md + g (fh_bout Dm)) M d c) (keep Md (Mc + Md + r)))
        (PPar (euler_at (fh_dt p T) Mc 0 M c) (keep (2 * Mc) (Md + r))))))).

Definition flow_at_by (aprog : attn_prog) p Dm M T wo go r : prog :=
  iter (M * fhc Dm + M * ld (fhLD Dm) + r) T (fh_step_by aprog p Dm M T wo go r).

Section generic.
  Context (am : AttnModule).

Definition fvel_g (P : FloatFns) p Dm G wo M (t : flt) (F Yh : mat) : mat :=
  fvel_by (am_sem am) P p Dm G wo M t F Yh.

Definition fflow_g (P : FloatFns) p Dm G wo M T (F0 Yh : mat) : mat :=
  fflow_by (am_sem am) P p Dm G wo M T F0 Yh.

Definition fh_step_g p Dm M T wo go r k : prog := fh_step_by (am_prog am) p Dm M T wo go r k.

Definition flow_at_g p Dm M T wo go r : prog := flow_at_by (am_prog am) p Dm M T wo go r.

(** ** Correctness *)

Lemma block_rd_suffix pre G off o rr cc :
  off = length pre + o -> block (pre ++ G) off rr cc (rd G o rr cc).
Proof. intros ->. apply block_rd_app. Qed.

Local Ltac bw2 :=
  rewrite ?app_assoc; apply block_rd_suffix; rewrite ?app_length, ?flat_length; lia.

Lemma block_third r1 c1 A r2 c2 B r c C ys :
  block (flat r1 c1 A ++ flat r2 c2 B ++ flat r c C ++ ys) (r1 * c1 + r2 * c2) r c C.
Proof.
  rewrite <- (Nat.add_0_r (r2 * c2)). apply block_cat_off, block_cat_off, block_flat_app_l.
Qed.

Lemma fh_layers_g_correct P p Dm M wo X F Yh E G :
  am_ok am p (fhLD Dm) -> am_mask am M [M] (fun _ => M) ->
  let c := fhc Dm in let D := fhLD Dm in let d := ld D in
  peval P p (iter (M * d + (M * c + M * d + (length E + length G))) (fhLf Dm)
          (fun l => tl_at_g am p D M [M] (fun _ => M) (wo + fh_layers Dm + l * tl_size D)
                          (M * c + M * d + length E) (M * c + M * d + (length E + length G))))
    (flat M d X ++ flat M c F ++ flat M d Yh ++ E ++ G)
  = flat M d (iterate (fun l X => ftlayer_g am P p D G (wo + fh_layers Dm + l * tl_size D)
                                    [M] (fun _ => M) X) (fhLf Dm) X)
    ++ flat M c F ++ flat M d Yh ++ E ++ G.
Proof.
  intros Hok Hm c D d.
  set (E' := flat M c F ++ flat M d Yh ++ E).
  assert (HE' : length E' = M * c + M * d + length E).
  { subst E'. rewrite !app_length, !flat_length. lia. }
  replace (flat M c F ++ flat M d Yh ++ E ++ G) with (E' ++ G)
    by (subst E'; rewrite <- !app_assoc; reflexivity).
  replace (M * c + M * d + (length E + length G)) with (length E' + length G) by lia.
  rewrite <- HE'.
  apply (iter_correct P p _ (fhLf Dm) _ (fun X => flat M d X ++ E' ++ G)).
  - intros Y. rewrite app_length, app_length, flat_length. lia.
  - intros i Y _. apply tl_at_g_correct; assumption.
Qed.

Theorem fh_step_g_correct P p Dm M T wo k F Yh E G :
  am_ok am p (fhLD Dm) -> am_mask am M [M] (fun _ => M) ->
  peval P p (fh_step_g p Dm M T wo (length E) (length E + length G) k)
    (flat M (fhc Dm) F ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G)
  = flat M (fhc Dm) (feuler p (fh_dt p T) F (fvel_g P p Dm G wo M (fh_t p T k) F Yh))
    ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G.
Proof.
  intros Hok Hm. unfold fh_step_g, fh_step_by.
  assert (Hlen : length (flat M (fhc Dm) F ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G)
                 = M * fhc Dm + M * ld (fhLD Dm) + (length E + length G)).
  { rewrite !app_length, !flat_length. lia. }
  (* stage 1: input MLP *)
  rewrite peval_PSeq, peval_PPar.
  rewrite (mlp_at_correct P p _ 0 _ _ M (fhc Dm) (ld (fhLD Dm)) F
             (rd G (wo + fh_win Dm) (fhc Dm) (ld (fhLD Dm))) (rd G (wo + fh_bin Dm) 1 (ld (fhLD Dm)))).
  2: apply block_front.
  2, 3: bw2.
  rewrite keep0 by exact Hlen. clear Hlen.
  set (Min := fmlp p (fhc Dm) F _ _).
  (* stage 2: + Ŷ *)
  rewrite peval_PSeq, peval_PPar, ew_prog_correct.
  rewrite (keep_app P p (flat M (ld (fhLD Dm)) Min)); [|apply flat_length|].
  2: rewrite !app_length, !flat_length; lia.
  set (S := fun i j => fadd p (Min i j) (Yh i j)).
  assert (HS : flat M (ld (fhLD Dm)) (fun i j => opsem P p (OBin BAdd)
            (map (fsrc_val (flat M (ld (fhLD Dm)) Min ++ flat M (fhc Dm) F
                            ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G))
               [FIn (i * ld (fhLD Dm) + j); FIn (M * ld (fhLD Dm) + M * fhc Dm + (i * ld (fhLD Dm) + j))]))
          = flat M (ld (fhLD Dm)) S).
  { apply flat_ext. intros i j Hi Hj. cbn [map fsrc_val opsem binsem nth].
    rewrite (block_front M (ld (fhLD Dm)) Min _ i j Hi Hj).
    rewrite (block_third M (ld (fhLD Dm)) Min M (fhc Dm) F M (ld (fhLD Dm)) Yh _ i j Hi Hj).
    reflexivity. }
  rewrite HS. clear HS.
  (* stage 3: + t·e *)
  rewrite peval_PSeq, peval_PPar, xpby_at_correct.
  rewrite (keep_app P p (flat M (ld (fhLD Dm)) S)); [|apply flat_length|].
  2: rewrite !app_length, !flat_length; lia.
  set (H0 := fun i j => fadd p (S i j) (fmul p (fh_t p T k) (rd G (wo + fh_e Dm) 1 (ld (fhLD Dm)) 0 j))).
  set (xs := flat M (ld (fhLD Dm)) S ++ flat M (fhc Dm) F
                      ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G).
  assert (HH : flat M (ld (fhLD Dm)) (fun i j =>
            fadd p (fsrc_val xs (FIn (i * ld (fhLD Dm) + j)))
              (fmul p (fsrc_val xs (FCst (fh_t p T k)))
                 (fsrc_val xs (FIn (M * ld (fhLD Dm) + (M * fhc Dm + M * ld (fhLD Dm) + length E
                                    + (wo + fh_e Dm)) + j)))))
          = flat M (ld (fhLD Dm)) H0).
  { apply flat_ext. intros i j Hi Hj. subst xs. cbn [fsrc_val].
       rewrite (block_front M (ld (fhLD Dm)) S _ i j Hi Hj).
       unfold H0. f_equal. f_equal.
       assert (Hb : block (flat M (ld (fhLD Dm)) S ++ flat M (fhc Dm) F ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G)
                      (M * ld (fhLD Dm) + (M * fhc Dm + M * ld (fhLD Dm) + length E + (wo + fh_e Dm)))
                      1 (ld (fhLD Dm)) (rd G (wo + fh_e Dm) 1 (ld (fhLD Dm)))) by bw2.
       specialize (Hb 0 j ltac:(lia) Hj). rewrite Nat.mul_0_l, Nat.add_0_l in Hb. exact Hb. }
  rewrite HH. clear HH xs.
  (* stage 4: the layers *)
  rewrite peval_PSeq, (fh_layers_g_correct P p Dm M wo _ F Yh E G Hok Hm).
  set (HL := iterate (fun l X => ftlayer_g am P p (fhLD Dm) G (wo + fh_layers Dm + l * tl_size (fhLD Dm)) [M] (fun _ => M) X) (fhLf Dm) H0).
  (* stage 5: output MLP *)
  rewrite peval_PSeq, (peval_PPar _ _ (mlp_at _ _ _ _ _ _)).
  rewrite (mlp_at_correct P p _ 0 _ _ M (ld (fhLD Dm)) (fhc Dm) HL
             (rd G (wo + fh_wout Dm) (ld (fhLD Dm)) (fhc Dm)) (rd G (wo + fh_bout Dm) 1 (fhc Dm))).
  2: apply block_front.
  2, 3: bw2.
  rewrite (keep_app P p (flat M (ld (fhLD Dm)) HL)); [|apply flat_length|].
  2: rewrite !app_length, !flat_length; lia.
  set (V := fmlp p (ld (fhLD Dm)) HL _ _).
  (* stage 6: Euler *)
  rewrite peval_PPar.
  rewrite (euler_at_correct P p (fh_dt p T) _ 0 M (fhc Dm) _ F V).
  2: apply block_second.
  2: apply block_front.
  rewrite (app_assoc (flat M (fhc Dm) V)).
  rewrite (keep_app P p (flat M (fhc Dm) V ++ flat M (fhc Dm) F)).
  2: rewrite app_length, !flat_length; lia.
  2: rewrite !app_length, !flat_length; lia.
  reflexivity.
Qed.

Theorem flow_at_g_correct P p Dm M T wo F Yh E G :
  am_ok am p (fhLD Dm) -> am_mask am M [M] (fun _ => M) ->
  peval P p (flow_at_g p Dm M T wo (length E) (length E + length G))
    (flat M (fhc Dm) F ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G)
  = flat M (fhc Dm) (fflow_g P p Dm G wo M T F Yh) ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G.
Proof.
  intros Hok Hm. unfold flow_at_g, flow_at_by, fflow_g, fflow_by.
  apply (iter_correct P p _ T _ (fun F => flat M (fhc Dm) F ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G)
           (fun k F => feuler p (fh_dt p T) F (fvel_g P p Dm G wo M (fh_t p T k) F Yh))).
  - intros Y. rewrite !app_length, !flat_length. lia.
  - intros k Y _. apply fh_step_g_correct; assumption.
Qed.

(** ** Typing and arity *)

Lemma xpby_at_arity rr cc x a b : arity_out (xpby_at rr cc x a b) = rr * cc.
Proof. unfold xpby_at. change (arity_out (PSeq ?a ?b)) with (arity_out b). apply ew_prog_arity. Qed.

Lemma fh_step_g_arity p Dm M T wo go r k :
  arity_out (fh_step_g p Dm M T wo go r k) = M * fhc Dm + M * ld (fhLD Dm) + r.
Proof.
  unfold fh_step_g, fh_step_by. cbn [arity_out]. unfold euler_at. rewrite xpby_at_arity, keep_arity. lia.
Qed.

Lemma fh_layout Dm :
  fh_bin Dm = fhc Dm * ld (fhLD Dm) /\ fh_e Dm = fh_bin Dm + ld (fhLD Dm)
  /\ fh_layers Dm = fh_e Dm + ld (fhLD Dm)
  /\ fh_wout Dm = fh_layers Dm + fhLf Dm * tl_size (fhLD Dm)
  /\ fh_bout Dm = fh_wout Dm + ld (fhLD Dm) * fhc Dm /\ fh_size Dm = fh_bout Dm + fhc Dm.
Proof. repeat split. Qed.

Local Ltac arity_simpl :=
  change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b);
  rewrite ?mlp_at_arity, ?ew_prog_arity, ?xpby_at_arity, ?keep_arity.

Theorem fh_step_g_wt p Dm M T wo go r k :
  am_ok am p (fhLD Dm) -> am_mask am M [M] (fun _ => M) ->
  go + (wo + fh_size Dm) <= r ->
  pwt p (M * fhc Dm + M * ld (fhLD Dm) + r) (fh_step_g p Dm M T wo go r k).
Proof.
  intros Hok Hm Hr. unfold fh_step_g, fh_step_by.
  destruct (fh_layout Dm) as (H1 & H2 & H3 & H4 & H5 & H6).
  unfold fh_win. set (c := fhc Dm) in *. set (D := fhLD Dm) in *. set (d := ld D) in *.
  set (Lf := fhLf Dm) in *. set (ts := tl_size D) in *.
  cbn [pwt]. split; [split|].
  { apply mlp_at_wt; nia. }
  { apply keep_wt_le. lia. }
  arity_simpl. split; [split|].
  { apply ew_prog_wt. intros i j Hi Hj. split; [|reflexivity].
    repeat constructor; cbn; nia. }
  { apply keep_wt_le. lia. }
  arity_simpl. split; [split|].
  { apply xpby_at_wt. intros i j Hi Hj. repeat constructor; cbn; [nia|apply fconst_valid|nia]. }
  { apply keep_wt_le. lia. }
  arity_simpl. split.
  { apply iter_wt. intros l Hl. split.
    - apply tl_at_g_wt; [assumption|assumption|]. fold d c ts.
      assert (l * ts + ts <= Lf * ts) by nia. lia.
    - apply tl_at_g_arity. }
  rewrite iter_arity by (intros l _; apply tl_at_g_arity).
  split; [split|].
  { apply mlp_at_wt; nia. }
  { apply keep_wt_le. lia. }
  arity_simpl. split.
  { apply euler_at_wt; [apply fconst_valid|lia|lia]. }
  { apply keep_wt_le. lia. }
Qed.

Theorem flow_at_g_wt p Dm M T wo go r :
  am_ok am p (fhLD Dm) -> am_mask am M [M] (fun _ => M) ->
  go + (wo + fh_size Dm) <= r ->
  pwt p (M * fhc Dm + M * ld (fhLD Dm) + r) (flow_at_g p Dm M T wo go r).
Proof.
  intros Hok Hm Hr. unfold flow_at_g, flow_at_by. apply iter_wt. intros k _. split.
  - apply fh_step_g_wt; assumption.
  - apply fh_step_g_arity.
Qed.

Theorem flow_at_g_arity p Dm M T wo go r :
  arity_out (flow_at_g p Dm M T wo go r) = M * fhc Dm + M * ld (fhLD Dm) + r.
Proof. unfold flow_at_g, flow_at_by. apply iter_arity. intros k _. apply fh_step_g_arity. Qed.

(** ** Depth: [T] steps of a constant *)

Definition fh_step_depth_g (P : FloatPrimitivesTC0) Dm : nat :=
  (2 * d_std P + d_sum P)      (* input MLP *)
  + d_std P                    (* + Ŷ *)
  + 2 * d_std P                (* + t·e *)
  + fhLf Dm * tl_depth_g P (am_depth am P)       (* the layers *)
  + (2 * d_std P + d_sum P)    (* output MLP *)
  + 2 * d_std P.               (* Euler step *)

Theorem fh_step_g_wdepth (P : FloatPrimitivesTC0) p Dm M T wo go r k :
  wdepth (op_dbound P) (fh_step_g p Dm M T wo go r k) <= fh_step_depth_g P Dm.
Proof.
  unfold fh_step_g, fh_step_by, fh_step_depth_g. cbn [wdepth]. rewrite !keep_wdepth.
  set (c := fhc Dm) in *. set (D := fhLD Dm) in *. set (d := ld D) in *.
  match goal with |- context [wdepth _ (mlp_at 0 ?a ?b M c d)] =>
    pose proof (mlp_at_wdepth P 0 a b M c d) end.
  match goal with |- context [wdepth _ (mlp_at 0 ?a ?b M d c)] =>
    pose proof (mlp_at_wdepth P 0 a b M d c) end.
  match goal with |- context [wdepth _ (ew_prog M d ?o ?s)] =>
    pose proof (ew_prog_wdepth P M d o s) end.
  match goal with |- context [wdepth _ (xpby_at M d ?x ?a ?b)] =>
    pose proof (xpby_at_wdepth P M d x a b) end.
  match goal with |- context [wdepth _ (euler_at ?dt ?a ?b M c)] =>
    pose proof (euler_at_wdepth P dt a b M c) end.
  match goal with |- context [wdepth _ (iter ?w (fhLf Dm) ?body)] =>
    assert (wdepth (op_dbound P) (iter w (fhLf Dm) body) <= fhLf Dm * tl_depth_g P (am_depth am P))
      by (apply wdepth_iter_le; intros; apply tl_at_g_wdepth) end.
  cbn [op_dbound] in *. lia.
Qed.

Theorem flow_at_g_wdepth (P : FloatPrimitivesTC0) p Dm M T wo go r :
  wdepth (op_dbound P) (flow_at_g p Dm M T wo go r) <= T * fh_step_depth_g P Dm.
Proof. unfold flow_at_g, flow_at_by. apply wdepth_iter_le. intros k _. apply fh_step_g_wdepth. Qed.

(** ** Shape: a polynomial in the dimensions, [T], [L_f] and [r] *)

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try lia.

Lemma mlp_shape offX offW offb N c d B : N <= B -> c <= B -> d <= B -> 1 <= B ->
  shape (mlp_at offX offW offb N c d) <= 20 * (B * (B * (B * B))).
Proof.
  intros. unfold shape. rewrite mlp_at_ops, mlp_at_pads, mlp_at_arity.
  pose proof (mlp_at_maxar offX offW offb N c d).
  assert (maxar (mlp_at offX offW offb N c d) <= B + 2) by lia.
  apply (Nat.le_trans _ (B * (B * (B + 2)) + (B * (B * (B + 2) + B) + B * B) + (B + 2) + B * B)).
  - mono.
  - nia.
Qed.

Lemma ew_shape rr cc o srcs B : rr <= B -> cc <= B -> 1 <= B -> op_arity o <= 2 ->
  (forall i j, i < rr -> j < cc -> length (srcs i j) = op_arity o) ->
  shape (ew_prog rr cc o srcs) <= 6 * (B * (B * (B * B))).
Proof.
  intros Hr Hc HB Ho Hl. unfold shape.
  destruct (ew_prog_counts rr cc o srcs Hl) as (H1 & H2 & _ & H4 & H5).
  rewrite H1, H2, H5. rewrite Nat.mul_1_r, Nat.mul_0_r, Nat.add_0_l.
  assert (rr * cc <= B * B) by (apply Nat.mul_le_mono; lia).
  assert (B * B <= B * (B * (B * B))) by nia. lia.
Qed.

Lemma xpby_shape rr cc x a b B : rr <= B -> cc <= B -> 1 <= B ->
  shape (xpby_at rr cc x a b) <= 30 * (B * (B * (B * B))).
Proof.
  intros Hr Hc HB. unfold xpby_at.
  set (w := PFor rr (fun i => PFor cc (fun j => PWire [x i j]))).
  assert (Hw : shape w <= 3 * (B * B)).
  { assert (Hb : forall i j, i < rr -> j < cc ->
              ops (PWire [x i j]) = 0 /\ pads (PWire [x i j]) = 0 /\ work (PWire [x i j]) = 0
              /\ maxar (PWire [x i j]) <= 0 /\ arity_out (PWire [x i j]) = 1)
      by (intros; cbn; repeat split; lia).
    unfold shape, w.
    rewrite (PFor2_ops rr cc _ _ _ _ _ Hb), (PFor2_pads rr cc _ _ _ _ _ Hb),
      (PFor2_arity rr cc _ _ _ _ _ Hb).
    pose proof (PFor2_maxar rr cc _ _ _ _ _ Hb).
    assert (rr * cc <= B * B) by (apply Nat.mul_le_mono; lia). lia. }
  pose proof (ew_shape rr cc (OBin BMul) (fun i j => [a i j; b i j]) B Hr Hc HB
                ltac:(cbn; lia) ltac:(intros; reflexivity)).
  pose proof (ew_shape rr cc (OBin BAdd) (fun i j => [FIn (i * cc + j); FIn (rr * cc + (i * cc + j))])
                B Hr Hc HB ltac:(cbn; lia) ltac:(intros; reflexivity)).
  pose proof (shape_PPar w (ew_prog rr cc (OBin BMul) (fun i j => [a i j; b i j]))).
  pose proof (shape_PSeq (PPar w (ew_prog rr cc (OBin BMul) (fun i j => [a i j; b i j])))
                (ew_prog rr cc (OBin BAdd) (fun i j => [FIn (i * cc + j); FIn (rr * cc + (i * cc + j))]))).
  assert (B * B <= B * (B * (B * B))) by nia. lia.
Qed.

Lemma fh_step_g_shape p Dm M T wo go r k B U :
  am_ok am p (fhLD Dm) -> am_mask am M [M] (fun _ => M) ->
  B * (B * (B * B)) <= U -> am_U am B 1 <= U ->
  M <= B -> fhc Dm <= B -> ld (fhLD Dm) <= B -> ldh (fhLD Dm) <= B -> lH (fhLD Dm) <= B ->
  ldff (fhLD Dm) <= B -> 1 <= B ->
  shape (fh_step_g p Dm M T wo go r k)
  <= (2 * fhLf Dm + 3) * (1100 * U + 20 * r).
Proof.
  intros Hok Hm HU1 HU2 HM Hc Hd Hdh HH Hff HB. unfold fh_step_g, fh_step_by.
  set (c := fhc Dm) in *. set (D := fhLD Dm) in *. set (d := ld D) in *.
  set (Lf := fhLf Dm). set (Q := B * (B * (B * B))).
  assert (HQU : Q <= U) by exact HU1.
  assert (HMc : M * c <= B * B) by (apply Nat.mul_le_mono; lia).
  assert (HMd : M * d <= B * B) by (apply Nat.mul_le_mono; lia).
  assert (HQ : B * B <= Q) by (unfold Q; nia).
  set (m1 := mlp_at _ _ _ M c d). set (m2 := ew_prog _ _ _ _).
  set (m3 := xpby_at _ _ _ _ _). set (m5 := mlp_at _ _ _ M d c).
  set (m6 := euler_at _ _ _ _ _).
  set (m4 := iter _ Lf _).
  assert (S1 : shape m1 <= 20 * Q) by (apply mlp_shape; lia).
  assert (S2 : shape m2 <= 6 * Q) by (apply ew_shape; cbn; auto; lia).
  assert (S3 : shape m3 <= 30 * Q) by (apply xpby_shape; lia).
  assert (S5 : shape m5 <= 20 * Q) by (apply mlp_shape; lia).
  assert (S6 : shape m6 <= 30 * Q) by (apply xpby_shape; lia).
  assert (S4 : shape m4 <= (2 * Lf + 2) * (1100 * U + 20 * r) + (3 * Q + r)).
  { unfold m4. eapply Nat.le_trans.
    - apply (shape_iter _ _ _ (1000 * U + 20 * (M * c + M * d + r))).
      intros l _. apply (tl_shape_g am p D M [M] (fun _ => M) _ _ _ B U); auto.
    - apply Nat.add_le_mono; [apply Nat.mul_le_mono_l|]; lia. }
  pose proof (shape_PPar m1 (keep 0 (M * c + M * d + r))).
  pose proof (shape_PPar m2 (keep (M * d) (M * c + M * d + r))).
  pose proof (shape_PPar m3 (keep (M * d) (M * c + M * d + r))).
  pose proof (shape_PPar m5 (keep (M * d) (M * c + M * d + r))).
  pose proof (shape_PPar m6 (keep (2 * (M * c)) (M * d + r))).
  rewrite !shape_keep in *.
  set (s1 := PPar m1 _) in *. set (s2 := PPar m2 _) in *. set (s3 := PPar m3 _) in *.
  set (s5 := PPar m5 _) in *. set (s6 := PPar m6 _) in *.
  pose proof (shape_PSeq s1 (PSeq s2 (PSeq s3 (PSeq m4 (PSeq s5 s6))))).
  pose proof (shape_PSeq s2 (PSeq s3 (PSeq m4 (PSeq s5 s6)))).
  pose proof (shape_PSeq s3 (PSeq m4 (PSeq s5 s6))).
  pose proof (shape_PSeq m4 (PSeq s5 s6)). pose proof (shape_PSeq s5 s6).
  lia.
Qed.

Theorem flow_g_shape p Dm M T wo go r B U :
  am_ok am p (fhLD Dm) -> am_mask am M [M] (fun _ => M) ->
  B * (B * (B * B)) <= U -> am_U am B 1 <= U ->
  M <= B -> fhc Dm <= B -> ld (fhLD Dm) <= B -> ldh (fhLD Dm) <= B -> lH (fhLD Dm) <= B ->
  ldff (fhLD Dm) <= B -> 1 <= B ->
  shape (flow_at_g p Dm M T wo go r)
  <= (2 * T + 2) * ((2 * fhLf Dm + 3) * (1100 * U + 20 * r))
     + 2 * (B * B) + r.
Proof.
  intros Hok Hm HU1 HU2 HM Hc Hd Hdh HH Hff HB. unfold flow_at_g, flow_at_by.
  assert (M * fhc Dm <= B * B) by (apply Nat.mul_le_mono; lia).
  assert (M * ld (fhLD Dm) <= B * B) by (apply Nat.mul_le_mono; lia).
  eapply Nat.le_trans.
  - apply shape_iter. intros k _. apply (fh_step_g_shape _ _ _ _ _ _ _ _ B U); auto.
  - lia.
Qed.
End generic.

(** ** The exact flow head: the instance [exact_am]

    The velocity network's layers are [Pipeline/Layer.v]'s exact layer.
    The definitions are the flow head over the parts [mha_sem], [mha_prog]
    of [exact_am] ([fflow_exact], [flow_at_exact]: [eq_refl]), not over
    [exact_am] itself, whose type refers to the trust record (see
    [Pipeline/Layer.v]): they mention no trust record. *)

Definition fvel (P : FloatFns) p Dm G wo M (t : flt) (F Yh : mat) : mat :=
  fvel_by mha_sem P p Dm G wo M t F Yh.

Definition fflow (P : FloatFns) p Dm G wo M T (F0 Yh : mat) : mat :=
  fflow_by mha_sem P p Dm G wo M T F0 Yh.

Definition fh_step p Dm M T wo go r k : prog := fh_step_by mha_prog p Dm M T wo go r k.

Definition flow_at p Dm M T wo go r : prog := flow_at_by mha_prog p Dm M T wo go r.

(** [fflow] iterates the Euler step of [fvel]. *)
Lemma fflow_eq P p Dm G wo M T F0 Yh :
  fflow P p Dm G wo M T F0 Yh
  = iterate (fun k F => feuler p (fh_dt p T) F (fvel P p Dm G wo M (fh_t p T k) F Yh)) T F0.
Proof. reflexivity. Qed.

Lemma fvel_exact P p Dm G wo M t F Yh : fvel P p Dm G wo M t F Yh = fvel_g exact_am P p Dm G wo M t F Yh.
Proof. reflexivity. Qed.

Lemma fflow_exact P p Dm G wo M T F0 Yh :
  fflow P p Dm G wo M T F0 Yh = fflow_g exact_am P p Dm G wo M T F0 Yh.
Proof. reflexivity. Qed.

Lemma fh_step_exact p Dm M T wo go r k : fh_step p Dm M T wo go r k = fh_step_g exact_am p Dm M T wo go r k.
Proof. reflexivity. Qed.

Lemma flow_at_exact p Dm M T wo go r : flow_at p Dm M T wo go r = flow_at_g exact_am p Dm M T wo go r.
Proof. reflexivity. Qed.

Lemma exact_mask_full M : am_mask exact_am M [M] (fun _ => M).
Proof. intros i _. apply le_n. Qed.

Theorem fh_step_correct P p Dm M T wo k F Yh E G :
  peval P p (fh_step p Dm M T wo (length E) (length E + length G) k)
    (flat M (fhc Dm) F ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G)
  = flat M (fhc Dm) (feuler p (fh_dt p T) F (fvel P p Dm G wo M (fh_t p T k) F Yh))
    ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G.
Proof. exact (fh_step_g_correct exact_am P p Dm M T wo k F Yh E G I (exact_mask_full M)). Qed.

Theorem flow_at_correct P p Dm M T wo F Yh E G :
  peval P p (flow_at p Dm M T wo (length E) (length E + length G))
    (flat M (fhc Dm) F ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G)
  = flat M (fhc Dm) (fflow P p Dm G wo M T F Yh) ++ flat M (ld (fhLD Dm)) Yh ++ E ++ G.
Proof. exact (flow_at_g_correct exact_am P p Dm M T wo F Yh E G I (exact_mask_full M)). Qed.

Lemma fh_step_arity p Dm M T wo go r k :
  arity_out (fh_step p Dm M T wo go r k) = M * fhc Dm + M * ld (fhLD Dm) + r.
Proof. exact (fh_step_g_arity exact_am p Dm M T wo go r k). Qed.

Theorem fh_step_wt p Dm M T wo go r k :
  go + (wo + fh_size Dm) <= r ->
  pwt p (M * fhc Dm + M * ld (fhLD Dm) + r) (fh_step p Dm M T wo go r k).
Proof. exact (fh_step_g_wt exact_am p Dm M T wo go r k I (exact_mask_full M)). Qed.

Theorem flow_at_wt p Dm M T wo go r :
  go + (wo + fh_size Dm) <= r ->
  pwt p (M * fhc Dm + M * ld (fhLD Dm) + r) (flow_at p Dm M T wo go r).
Proof. exact (flow_at_g_wt exact_am p Dm M T wo go r I (exact_mask_full M)). Qed.

Theorem flow_at_arity p Dm M T wo go r :
  arity_out (flow_at p Dm M T wo go r) = M * fhc Dm + M * ld (fhLD Dm) + r.
Proof. exact (flow_at_g_arity exact_am p Dm M T wo go r). Qed.

(** Depth: [T] steps of a constant. *)
Definition fh_step_depth (P : FloatPrimitivesTC0) Dm : nat := fh_step_depth_g exact_am P Dm.

Theorem fh_step_wdepth (P : FloatPrimitivesTC0) p Dm M T wo go r k :
  wdepth (op_dbound P) (fh_step p Dm M T wo go r k) <= fh_step_depth P Dm.
Proof. exact (fh_step_g_wdepth exact_am P p Dm M T wo go r k). Qed.

Theorem flow_at_wdepth (P : FloatPrimitivesTC0) p Dm M T wo go r :
  wdepth (op_dbound P) (flow_at p Dm M T wo go r) <= T * fh_step_depth P Dm.
Proof. exact (flow_at_g_wdepth exact_am P p Dm M T wo go r). Qed.

Lemma fh_step_shape p Dm M T wo go r k B :
  M <= B -> fhc Dm <= B -> ld (fhLD Dm) <= B -> ldh (fhLD Dm) <= B -> lH (fhLD Dm) <= B ->
  ldff (fhLD Dm) <= B -> 1 <= B ->
  shape (fh_step p Dm M T wo go r k)
  <= (2 * fhLf Dm + 3) * (1100 * (B * (B * (B * B))) + 20 * r).
Proof. exact (fh_step_g_shape exact_am p Dm M T wo go r k B _ I (exact_mask_full M) (le_n _) (le_n _)). Qed.

Theorem flow_shape p Dm M T wo go r B :
  M <= B -> fhc Dm <= B -> ld (fhLD Dm) <= B -> ldh (fhLD Dm) <= B -> lH (fhLD Dm) <= B ->
  ldff (fhLD Dm) <= B -> 1 <= B ->
  shape (flow_at p Dm M T wo go r)
  <= (2 * T + 2) * ((2 * fhLf Dm + 3) * (1100 * (B * (B * (B * B))) + 20 * r))
     + 2 * (B * B) + r.
Proof. exact (flow_g_shape exact_am p Dm M T wo go r B _ I (exact_mask_full M) (le_n _) (le_n _)). Qed.
