(** * A non-degenerate witness for the one-scale error theorem

    [fast_scale_error] (ScaleError.v: AR transformer → condition rows → flow
    head) with every hypothesis proven, for the flow head of Witness2.v and an
    AR transformer of one layer that SHARES the flow head's layer weights
    (offset [w2_lo]; the theorem allows any offsets), full attention over
    [N = 2] tokens, input sequence [X = Ŷ = ((1, −1), (−1, 1))] for both
    models, condition = the transformer's two output rows.

    The same invariant as Witness2.v does the work: every layer keeps the row
    difference [x_{i0} − x_{i1} = ±2] ([rtlayer_diffP]), so the transformer's
    outputs (exact and fast) have it, the conditions have it, and every
    LayerNorm input of the flow head has it ([rvin_diff_Y]); q/k/v bounds are
    derived ([ActBounds.act_ok_of_floors], [stack_ok_of_floors]).

    - [w2s_witness]: the hypotheses of [fast_scale_error], for every [g] with
      [ε_T(g, 25/64) ≤ 1/2];
    - [w2s_scale_error]: the fast and exact scale outputs are within [10⁻³]
      at [g = 6] (dyadic evaluation of the bound with [e^{2β} ≤ 3],
      [ConfigBound.scale_rhs_le]: [≈ 6.7·10⁻⁴]; at the true [e^{2β}] the
      bound is [≈ 3.9·10⁻⁴]).  At [g = 6] the theorem's [ε_T ≤ 1/2] holds. *)
From Coq Require Import Reals Lra Lia List QArith Qreals ZArith.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel LNStability
  AttnStability LayerError FlowHeadError FlowHeadCond ScaleError FlowBound ActBounds Witness2 Dyadic ConfigBound.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Definition w2s_lim : nat -> nat := fun _ => 2%nat.
Definition w2s_offl : nat -> nat := fun _ => w2_lo.

Lemma diffP_Yh : diffP w2_Yh.
Proof. intros i. unfold w2_Yh, w2_Yd. destruct (Nat.eqb i 0); simpl; lra. Qed.

Lemma rvin_diff_Y t F Y : diffP Y -> diffP (rvin w2_Dm w2_G 0 t F Y).
Proof.
  intros HY i. unfold rvin, rmlp, linear, fw, rdR. cbn [rsum]. simpl. pose proof (HY i). lra.
Qed.

Lemma rtf_diffP w X : diffP X -> diffP (rtf w2_LD w2_G w2s_offl w2s_lim 1 w X).
Proof. intros HX. unfold rtf. cbn [iter_chain]. apply rtlayer_diffP, HX. Qed.

Lemma rcond_diffP Z : diffP Z -> diffP (rcond_rows 0 Z).
Proof. intros HZ i. unfold rcond_rows. apply HZ. Qed.

Lemma w2_stack_ok_Y g w t F Y : eps_T g (25 / 64) <= 1 / 2 -> diffP Y ->
  stack_ok w2_Dm w2_G 0 2 g w2_B 1 w (rvin w2_Dm w2_G 0 t F Y).
Proof.
  intros He HY. apply (stack_ok_of_floors w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2) (1 / 2) 0 (3 / 2)).
  - apply w2_fh_weights_ok, He.
  - intros l Hl. rewrite (w2_lo_eq l Hl). apply w2_bias_ok.
  - apply sqrt2_le.
  - unfold qkv_B, w2_B. lra.
  - intros l Hl. simpl in Hl. assert (l = 0%nat) by lia. subst l. cbn [iter_chain].
    pose proof (rvin_diff_Y t F Y HY) as HX.
    split; [|split]; apply floor_diffP; [exact HX|apply rtattn_diffP, HX|apply rtattn_diffP, HX].
Qed.

Lemma w2s_act_ok g X : diffP X -> act_ok w2_LD w2_G w2_lo w2s_lim 2 g w2_B 1 X.
Proof.
  intros HX. apply (act_ok_of_floors w2_LD w2_G w2_lo w2s_lim 2 g w2_B 1 (1 / 2) (1 / 2) 0 (3 / 2)).
  - exact w2_weights_ok.
  - exact w2_bias_ok.
  - exact sqrt2_le.
  - unfold qkv_B, w2_B. lra.
  - apply floor_diffP, HX.
  - apply floor_diffP, rtattn_diffP, HX.
  - apply floor_diffP, rtattn_diffP, HX.
Qed.

(** Every hypothesis of [fast_scale_error] for this scale. *)
Theorem w2s_witness g F0 : eps_T g (25 / 64) <= 1 / 2 ->
  Layer.ld w2_LD = Layer.ld (FlowHead.fhLD w2_Dm) /\ (0 + 2 <= 2)%nat
  /\ tf_weights_ok w2_LD w2_G w2s_offl w2s_lim 2 1 g w2_B 1 (1 / 2)
  /\ tf_ok w2_LD w2_G w2s_offl w2s_lim 2 1 g w2_B 1 (taylor_exp g) w2_Yh
  /\ tf_ok w2_LD w2_G w2s_offl w2s_lim 2 1 g w2_B 1 exp w2_Yh
  /\ fh_weights_ok w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2)
  /\ flow_acts_ok_cond w2_Dm w2_G 0 2 2 (rcond_rows 0 (rtf w2_LD w2_G w2s_offl w2s_lim 1 exp w2_Yh))
       (rcond_rows 0 (rtf w2_LD w2_G w2s_offl w2s_lim 1 (taylor_exp g) w2_Yh)) g w2_B 1 F0.
Proof.
  intros He. split; [reflexivity|]. split; [lia|].
  split.
  { split; [intros l _; exact w2_weights_ok|]. split; [lia|]. rewrite w2_beta. exact He. }
  split; [intros l Hl; assert (l = 0%nat) by lia; subst l; apply w2s_act_ok, diffP_Yh|].
  split; [intros l Hl; assert (l = 0%nat) by lia; subst l; apply w2s_act_ok, diffP_Yh|].
  split; [apply w2_fh_weights_ok, He|].
  intros k _. cbv zeta.
  pose proof (rcond_diffP _ (rtf_diffP exp _ diffP_Yh)) as HE.
  pose proof (rcond_diffP _ (rtf_diffP (taylor_exp g) _ diffP_Yh)) as HF.
  split; [|split; [|split]]; apply w2_stack_ok_Y; assumption.
Qed.

(** ** The bound at [g = 6] *)

Lemma dval_neg_Q (m : Z) (p : positive) : dval (Dy m (Zneg p)) = Q2R (m # (2 ^ p)%positive).
Proof.
  unfold dval, Q2R. cbn [dm de Qnum Qden]. f_equal.
  change (powerRZ 2 (Zneg p)) with (/ 2 ^ Pos.to_nat p). f_equal.
  rewrite Pos2Z.inj_pow, pow2_IZR by lia. reflexivity.
Qed.

Lemma leaf_eps6 : leaf_ok (eps_T 6 (25 / 64)) (dQ (w2_eps 6)).
Proof.
  apply leaf_Q; [apply eps_T_nonneg; lra|apply eps_T_w2|vm_compute; discriminate].
Qed.

Lemma leaf_2564 : leaf_ok (25 / 64) (dQ (25 # 64)).
Proof. apply leaf_Q; [lra|rewrite Q2R_2564; lra|simpl; lia]. Qed.

Lemma leaf_half : leaf_ok (1 / 2) (dQ (1 # 2)).
Proof. apply leaf_Q; [lra|rewrite Q2R_half; lra|simpl; lia]. Qed.

Lemma leaf_B : leaf_ok w2_B (dQ (5 # 8)).
Proof. apply leaf_Q; [unfold w2_B; lra|unfold w2_B, Q2R; simpl; lra|simpl; lia]. Qed.

Definition w2s_tree : bex :=
  scale_tree (lf (1 / 2) (dQ (1 # 2))) (lf (25 / 64) (dQ (25 # 64))) (lf (25 / 64) (dQ (25 # 64)))
    (lf (exp (2 * (25 / 64))) (dpowp (Dy 3 0) 1)) (lf (exp (2 * (25 / 64))) (dpowp (Dy 3 0) 1))
    (lf (/ 1) (Dy 1 0)) (lf (eps_T 6 (25 / 64)) (dQ (w2_eps 6))) (lf (eps_T 6 (25 / 64)) (dQ (w2_eps 6)))
    (lf w2_B (dQ (5 # 8))) (lf 0 (Dy 0 0)) (lf (/ INR (Pos.to_nat 2)) (dQ (1 # 2))) 2 2 1 2 1.

Lemma w2s_tree_value : (bD w2s_tree = Dy 1588680016544966457 (-71))%Z.
Proof. vm_compute. reflexivity. Qed.

(** The one-scale witness's fast and exact outputs are within [10⁻³] at [g = 6]. *)
Theorem w2s_scale_error F0 :
  dinf 2 (FlowHead.fhc w2_Dm)
    (rflow_fast 6 w2_Dm w2_G 0 2 2 F0 (rcond_rows 0 (rtf w2_LD w2_G w2s_offl w2s_lim 1 (taylor_exp 6) w2_Yh)))
    (rflow_exact w2_Dm w2_G 0 2 2 F0 (rcond_rows 0 (rtf w2_LD w2_G w2s_offl w2s_lim 1 exp w2_Yh)))
  < 1 / 1000.
Proof.
  assert (He : eps_T 6 (25 / 64) <= 1 / 2) by (apply eps_T_w2_half; lia).
  destruct (w2s_witness 6 F0 He) as (Hd & Hoff & HwA & HF & HE & HwF & Hacts).
  pose proof (fast_scale_error w2_LD w2_Dm w2_G w2s_offl w2s_lim 2 1 0 2 2 0 6 w2_B 1 (1 / 2) w2_Yh w2_Yh F0
                Hd Hoff HwA HF HE HwF Hacts) as H.
  cbv zeta in H. eapply Rle_lt_trans; [exact H|]. clear H.
  change (FlowHead.fhLD w2_Dm) with w2_LD. rewrite w2_beta, dinf_self.
  change (Layer.ld w2_LD) with 2%nat. change (FlowHead.fhLf w2_Dm) with 1%nat.
  pose proof (scale_rhs_le (1 / 2) (25 / 64) (25 / 64) (exp (2 * (25 / 64))) (exp (2 * (25 / 64))) 1
                (eps_T 6 (25 / 64)) (eps_T 6 (25 / 64)) w2_B 0 2 2 1 2 1
                (dQ (1 # 2)) (dQ (25 # 64)) (dQ (25 # 64)) (dpowp (Dy 3 0) 1) (dpowp (Dy 3 0) 1) (Dy 1 0)
                (dQ (w2_eps 6)) (dQ (w2_eps 6)) (dQ (5 # 8)) (Dy 0 0) (dQ (1 # 2))
                leaf_half leaf_2564 leaf_2564 (leaf_exp (25 / 64) 1 ltac:(lra) ltac:(lra))
                (leaf_exp (25 / 64) 1 ltac:(lra) ltac:(lra)) ltac:(rewrite Rinv_1; exact leaf_one)
                leaf_eps6 leaf_eps6 leaf_B leaf_zero (leaf_invT 2)) as [_ Hb].
  eapply Rle_lt_trans; [exact Hb|]. change (dval (bD w2s_tree) < 1 / 1000).
  rewrite w2s_tree_value, dval_neg_Q. apply Rlt_le_trans with (Q2R (1 # 1000)).
  - apply Qlt_Rlt. vm_compute. reflexivity.
  - unfold Q2R. simpl. lra.
Qed.
