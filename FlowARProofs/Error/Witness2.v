(** * A non-degenerate witness for the flow-head error theorem *)
From Coq Require Import Reals Lra Lia List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor FastAttentionError
  RealModel LNStability AttnStability LayerError FlowHeadError ActBounds.
From FlowARProofs.Pipeline Require Layer FlowHead.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Definition w2_LD : Layer.LDims :=
  {| Layer.ld := 2; Layer.lH := 1; Layer.ldh := 1; Layer.ldff := 1; Layer.lsn := 1%Z; Layer.lsd := 1%Z |}.
Definition w2_Dm : FlowHead.FHDims := {| FlowHead.fhc := 1; FlowHead.fhLD := w2_LD; FlowHead.fhLf := 1 |}.

Definition w2_layer : list R :=
  [ 1/2; 1/2;   (* γ₁ *)
    1/2; 1/2;   (* b₁ *)
    1/2; 0;     (* W_Q *)
    1/2; 0;     (* W_K *)
    0; 1/2;     (* W_V *)
    1/2; 1/2;   (* W_O *)
    1/2; 1/2;   (* γ₂ *)
    1/2; 1/2;   (* b₂ *)
    1/2; 0;     (* W₁ *)
    0;          (* c₁ *)
    1/2; 1/2;   (* W₂ *)
    0; 0 ].     (* c₂ *)

Definition w2_G : list R :=
  [1/2; 1/2; (* W_in *) 0; 0; (* b_in *) 1/2; 1/2 (* e *)] ++ w2_layer ++ [1/2; 0; (* W_out *) 0 (* b_out *)].

Definition w2_Yh : rmat := fun i j =>
  if Nat.eqb j 0 then (if Nat.eqb i 0 then 1 else -1) else (if Nat.eqb i 0 then -1 else 1).

Definition w2_Yd (i : nat) : R := if Nat.eqb i 0 then 2 else -2.

Definition diffP (X : rmat) : Prop := forall i, X i 0%nat - X i 1%nat = w2_Yd i.

Lemma rvin_diff t F : diffP (rvin w2_Dm w2_G 0 t F w2_Yh).
Proof.
  intros i. unfold rvin, rmlp, linear, fw, rdR. cbn [rsum]. simpl.
  unfold w2_Yh, w2_Yd. destruct (Nat.eqb i 0); simpl; lra.
Qed.

Lemma INR_2 : INR 2 = 2.
Proof. simpl. lra. Qed.

Lemma rcent2_0 X i : rcent 2 X i 0%nat = (X i 0%nat - X i 1%nat) / 2.
Proof. unfold rcent, rmean. cbn [rsum]. rewrite INR_2. field. Qed.

Lemma rcent2_1 X i : rcent 2 X i 1%nat = - ((X i 0%nat - X i 1%nat) / 2).
Proof. unfold rcent, rmean. cbn [rsum]. rewrite INR_2. field. Qed.

Lemma rvar2 X i : rvar 2 X i = (X i 0%nat - X i 1%nat) / 2 * ((X i 0%nat - X i 1%nat) / 2).
Proof. unfold rvar. cbn [rsum]. rewrite rcent2_0, rcent2_1, INR_2. field. Qed.

Lemma Yd_sq i : w2_Yd i / 2 * (w2_Yd i / 2) = 1.
Proof. unfold w2_Yd. destruct (Nat.eqb i 0); field. Qed.

Lemma rvar_diffP X i : diffP X -> rvar 2 X i = 1.
Proof. intros HX. rewrite rvar2, HX. apply Yd_sq. Qed.

Lemma floor_diffP X : diffP X -> var_floor 2 2 1 X.
Proof. intros HX i _. rewrite rvar_diffP by exact HX. lra. Qed.

Lemma rln_diffP X i : diffP X -> rln 2 X i 0%nat = w2_Yd i / 2 /\ rln 2 X i 1%nat = - (w2_Yd i / 2).
Proof.
  intros HX. unfold rln. rewrite rvar_diffP, sqrt_1, rcent2_0, rcent2_1, HX by exact HX.
  split; field.
Qed.

(** ** The layer preserves the difference of the two coordinates *)

Lemma linear1_cols X W (b : nat -> R) i :
  W 0%nat 0%nat = W 0%nat 1%nat -> b 0%nat = b 1%nat -> linear 1 X W b i 0%nat = linear 1 X W b i 1%nat.
Proof. intros HW Hb. unfold linear. cbn [rsum]. rewrite HW, Hb. reflexivity. Qed.

(** The offset of the flow head's (only) layer. *)
Definition w2_lo : nat := 0 + FlowHead.fh_layers w2_Dm + 0 * Layer.tl_size (FlowHead.fhLD w2_Dm).

Lemma rtattn_diffP w lim X : diffP X -> diffP (rtattn w2_LD w2_G w2_lo w lim X).
Proof.
  intros HX i. unfold rtattn, madd, rmha, rmatmul.
  change (Layer.lH w2_LD * Layer.ldh w2_LD)%nat with 1%nat.
  rewrite (linear1_cols _ _ _ i) by reflexivity. pose proof (HX i). lra.
Qed.

Lemma rtlayer_diffP w lim X : diffP X -> diffP (rtlayer w2_LD w2_G w2_lo w lim X).
Proof.
  intros HX i. pose proof (rtattn_diffP w lim X HX i). unfold rtlayer. unfold madd at 1 2.
  unfold rtmlp, rffn_inner. change (Layer.ldff w2_LD) with 1%nat.
  set (Hd := relu _). unfold rmlp at 1 2.
  rewrite (linear1_cols _ _ _ i) by reflexivity. lra.
Qed.

Lemma w2_lo_eq l : (l < 1)%nat ->
  (0 + FlowHead.fh_layers w2_Dm + l * Layer.tl_size (FlowHead.fhLD w2_Dm))%nat = w2_lo.
Proof. intros Hl. assert (l = 0%nat) by lia. subst l. reflexivity. Qed.

(** ** Every weight hypothesis, with [W = 1/2], [σ = 1], [B = 5/8] *)

Lemma Rabs_half : Rabs (1 / 2) = 1 / 2.
Proof. apply Rabs_pos_eq. lra. Qed.

Lemma wnorm_2x1 W (b : R) : Rabs (W 0%nat 0%nat) + Rabs (W 1%nat 0%nat) <= b -> wnorm 2 1 W <= b.
Proof.
  intros H. assert (0 <= b) by (pose proof (Rabs_pos (W 0%nat 0%nat)); pose proof (Rabs_pos (W 1%nat 0%nat)); lra).
  apply rmax_le; [lra|]. intros k Hk. assert (k = 0%nat) by lia. subst k. cbn [rsum]. lra.
Qed.

Lemma wnorm_1x2 W (b : R) : Rabs (W 0%nat 0%nat) <= b -> Rabs (W 0%nat 1%nat) <= b -> wnorm 1 2 W <= b.
Proof.
  intros H0 H1. assert (0 <= b) by (pose proof (Rabs_pos (W 0%nat 0%nat)); lra).
  apply rmax_le; [lra|]. intros k Hk. cbn [rsum].
  destruct k as [|[|k]]; [lra|lra|lia].
Qed.

Ltac w2_num := unfold lw, fw, rdR; simpl; rewrite ?Rabs_R0, ?Rabs_half; lra.

Definition w2_B : R := 5 / 8.

Lemma w2_beta : head_beta (Layer.ldh w2_LD) (rscale w2_LD) w2_B = 25 / 64.
Proof. unfold head_beta, rscale, w2_B. simpl. field. Qed.

Lemma w2_weights_ok : weights_ok w2_LD w2_G w2_lo (fun _ => 2%nat) 2 w2_B 1 (1 / 2).
Proof.
  unfold weights_ok, w2_B. simpl Layer.ld. simpl Layer.lH. simpl Layer.ldh. simpl Layer.ldff.
  split; [lia|]. split; [lra|]. split; [lra|]. split; [unfold rscale; simpl; lra|].
  split; [intros i Hi; lia|].
  split; [intros h Hh; assert (h = 0%nat) by lia; subst h;
          split; [|split]; apply wnorm_2x1; unfold WQh, WKh, WVh; w2_num|].
  split; [apply wnorm_1x2; unfold WOm; w2_num|].
  split; [intros l Hl; destruct l as [|[|l]]; [split; w2_num|split; w2_num|lia]|].
  split; [apply wnorm_2x1; w2_num|apply wnorm_1x2; w2_num].
Qed.

Lemma w2_bias_ok : bias_ok w2_LD w2_G w2_lo (1 / 2) 0.
Proof.
  split.
  - intros l Hl. simpl in Hl. destruct l as [|[|l]]; [|split; [|split]|lia]; try (split; [|split]); w2_num.
  - intros k Hk. simpl in Hk. assert (k = 0%nat) by lia. subst k. w2_num.
Qed.

Lemma w2_fh_weights_ok g : eps_T g (25 / 64) <= 1 / 2 -> fh_weights_ok w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2).
Proof.
  intros He. unfold fh_weights_ok. simpl FlowHead.fhLD. rewrite w2_beta.
  split; [intros l Hl; simpl in Hl; assert (l = 0%nat) by lia; subst l; apply w2_weights_ok|].
  split; [apply wnorm_1x2; w2_num|]. split; [apply wnorm_2x1; w2_num|].
  split; [lra|]. split; [lra|]. split; [unfold w2_B; lra|]. split; [unfold rscale; simpl; lra|].
  split; [lia|exact He].
Qed.

Lemma sqrt2_le : sqrt (INR (Layer.ld (FlowHead.fhLD w2_Dm))) <= 3 / 2.
Proof. apply sqrt_le_of_sq; [lra|]. simpl. lra. Qed.

(** The q/k/v hypothesis is DERIVED ([ActBounds.stack_ok_of_floors]): [B = W·(W·r + bℓ)]
    with [W = 1/2], [r = 3/2 ≥ √2], [bℓ = 1/2]; only the variance floors are checked here. *)
Lemma w2_stack_ok g w t F : eps_T g (25 / 64) <= 1 / 2 ->
  stack_ok w2_Dm w2_G 0 2 g w2_B 1 w (rvin w2_Dm w2_G 0 t F w2_Yh).
Proof.
  intros He. apply (stack_ok_of_floors w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2) (1 / 2) 0 (3 / 2)).
  - apply w2_fh_weights_ok, He.
  - intros l Hl. rewrite (w2_lo_eq l Hl). apply w2_bias_ok.
  - apply sqrt2_le.
  - unfold qkv_B, w2_B. lra.
  - intros l Hl. simpl in Hl. assert (l = 0%nat) by lia. subst l. cbn [iter_chain].
    pose proof (rvin_diff t F) as HX.
    split; [|split]; apply floor_diffP; [exact HX|apply rtattn_diffP, HX|apply rtattn_diffP, HX].
Qed.

(** Every hypothesis of [fast_flowhead_error] holds for this flow head, for every
    degree [g] with [ε_T(g, 25/64) ≤ 1/2] and every initial noise [F0]. *)
Theorem w2_witness g F0 : eps_T g (25 / 64) <= 1 / 2 ->
  fh_weights_ok w2_Dm w2_G 0 2 2 g w2_B 1 (1 / 2) /\ flow_acts_ok w2_Dm w2_G 0 2 2 w2_Yh g w2_B 1 F0.
Proof.
  intros He. split; [apply w2_fh_weights_ok, He|].
  intros k _. split; [|split]; apply w2_stack_ok, He.
Qed.
