(** * The K-scale FlowAR pipeline over the reals, and the stability of its glue

    The real-valued counterpart of [Pipeline/FlowAR.flowar_float], with the
    SAME structure and weight layout (the offsets [off_noise], [off_embW],
    [off_embb], [off_ar], [off_fh], the sizes [side], [tok], [ntok] and the
    block-causal limits [lim_at] of Pipeline/FlowAR.v are reused, not copied):

    | real              | mirrors (float, Pipeline/FlowAR.v, Modules/Sampling.v) |
    |-------------------|--------------------------------------------------------|
    | [rlinmap]         | [flinmap]: a fixed linear map, [Σ_k coef(t,k)·X(src t k)] |
    | [up_coefR], [rup] | [up_coef], [fup]: bicubic up-sampling, exact rational coefficients |
    | [rvcat]           | [vcat] (Pipeline/Scales.v)                             |
    | [rembed]          | [fembed]: [Up(Ỹ_j)·W_emb + b_emb]                        |
    | [rseq]            | [fseq]: [cond ; Emb(Up Ỹ_0) ; … ; Emb(Up Ỹ_{i−1})]        |
    | [rtf_at]          | [ftf]: [L] layers, block-causal ([ScaleError.rtf])      |
    | [rcond]           | [fcond]: the last [tok i] rows ([ScaleError.rcond_rows]) |
    | [rscale_out]      | [fscale]: the flow head from the noise of scale [i]    |
    | [routs]           | [fouts] ([outs_of])                                    |
    | [rflowar w]       | [flowar_float]: the last scale's output                |

    [w] is the attention weight function: [rflowar_exact := rflowar exp],
    [rflowar_fast g := rflowar (taylor_exp g)].  The only difference to the
    float pipeline is the arithmetic (reals, no rounding): the up-sampling
    coefficients are the exact rationals [bc_w·bc_w / 16D⁶] that the float
    model rounds once ([fconst]).

    Stability of the glue (ℓ∞ norms, [Lipschitz.dinf]):
    - [rlinmap_lip]: a linear map with row ℓ₁ norm [≤ U] is [U]-Lipschitz;
    - [up_l1]: the largest ℓ₁ norm of the four 1-D bicubic weights over all
      fractional offsets [δ = dl/2r], a computable integer (times [4·(2r)³]);
      [rup_lip]: [‖Up Y − Up X‖∞ ≤ upn r·‖Y − X‖∞] with
      [upn r = (up_l1 r / 4(2r)³)²] (the 2-D coefficients are products of
      1-D ones, [up_coef_abs_sum]); [upn_2]: [upn 2 = 121/64 ≈ 1.89] for
      FlowAR's factor 2 (bicubic overshoots: the norm exceeds 1);
    - [rembed_lip]: [‖Emb(Up Y) − Emb(Up X)‖∞ ≤ ‖W_emb‖·upn r·‖Y − X‖∞];
    - [rvcat_dinf]: stacking is 1-Lipschitz (the max of the two blocks);
    - [rdown_lip]: area down-sampling (mirrors [fdown]) is 1-Lipschitz. *)
From Coq Require Import Reals Lra Lia ZArith List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz Taylor RealModel ScaleError.
From FlowARProofs.Modules Require Sampling.
From FlowARProofs.Pipeline Require Layer FlowHead Scales FlowAR.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (X Y : rmat) (Ys : list rmat) (cfg : FlowAR.Config) (G : list R).

(** ** The fixed linear maps (mirror [flinmap], [fup]) *)

Definition rlinmap m (coef : nat -> nat -> R) (src : nat -> nat -> nat) X : rmat :=
  fun t l => rsum (fun k => coef t k * X (src t k) l) m.

Definition up_coefR (r wd : nat) (t k : nat) : R :=
  let D := (2 * Z.of_nat r)%Z in
  IZR (Sampling.bc_w D (Sampling.bc_frac r (t / (r * wd))) (k / 4)
       * Sampling.bc_w D (Sampling.bc_frac r (t mod (r * wd))) (k mod 4))
  / IZR (16 * D ^ 6).

Definition rup (r h wd : nat) X : rmat := rlinmap 16 (up_coefR r wd) (Sampling.up_src r h wd) X.

Definition rvcat (r1 : nat) (A B : rmat) : rmat := fun i j => if (i <? r1)%nat then A i j else B (i - r1)%nat j.

Definition rzero : rmat := fun _ _ => 0.

(** The outputs of scales [0..k−1] (mirrors [Scales.outs_of]). *)
Fixpoint routs_of (f : list rmat -> nat -> rmat) k : list rmat :=
  match k with O => [] | S k' => routs_of f k' ++ [f (routs_of f k') k'] end.

(** ** The pipeline (mirrors [flowar_float]) *)

Section pipeline.
  Context (cfg : FlowAR.Config) (G : list R).
  Let c := FlowAR.ch cfg. Let d := FlowAR.dm cfg.

  (** Block [j+1] of the sequence: the embedded up-sampled output of scale [j]. *)
  Definition rembed (Y : rmat) j : rmat :=
    rmlp c (rup (FlowAR.a cfg) (FlowAR.side cfg j) (FlowAR.side cfg j) Y)
         (rdR G (FlowAR.off_embW cfg) c d) (rdR G (FlowAR.off_embb cfg) 1 d).

  Fixpoint rseq Ys i : rmat :=
    match i with
    | O => rdR G 0 (FlowAR.tok cfg 0) d
    | S i' => rvcat (FlowAR.ntok cfg i') (rseq Ys i') (rembed (nth i' Ys rzero) i')
    end.

  Context (w : R -> R).

  Definition rtf_at i X : rmat := rtf (FlowAR.LD cfg) G (FlowAR.off_ar cfg) (FlowAR.lim_at cfg i) (FlowAR.L cfg) w X.

  Definition rcond Ys i : rmat := rcond_rows (FlowAR.ntok cfg i - FlowAR.tok cfg i) (rtf_at i (rseq Ys i)).

  Definition rnoise i : rmat := rdR G (FlowAR.off_noise cfg i) (FlowAR.tok cfg i) c.

  Definition rscale_out Ys i : rmat :=
    rflow (FlowAR.FD cfg) G (FlowAR.off_fh cfg) (FlowAR.tok cfg i) w (FlowAR.T cfg) (rnoise i) (rcond Ys i).

  Definition routs k : list rmat := routs_of rscale_out k.

  Definition rflowar : rmat := nth (FlowAR.K cfg - 1) (routs (FlowAR.K cfg)) rzero.
End pipeline.

Definition rflowar_exact cfg G : rmat := rflowar cfg G exp.
Definition rflowar_fast (g : nat) cfg G : rmat := rflowar cfg G (taylor_exp g).

(** ** Bookkeeping: scale [i] reads only the outputs of scales [< i] *)

Lemma routs_of_length f k : length (routs_of f k) = k.
Proof. induction k as [|k IH]; cbn; [reflexivity|]. rewrite app_length, IH. cbn. lia. Qed.

Lemma nth_routs_of f k j : (j < k)%nat -> nth j (routs_of f k) rzero = f (routs_of f j) j.
Proof.
  induction k as [|k IH]; intros Hj; [lia|]. cbn [routs_of].
  destruct (Nat.eq_dec j k) as [->|Hne].
  - rewrite app_nth2 by (rewrite routs_of_length; lia). rewrite routs_of_length, Nat.sub_diag. reflexivity.
  - rewrite app_nth1 by (rewrite routs_of_length; lia). apply IH. lia.
Qed.

Lemma nth_routs_of_prefix f k i j : (j < i)%nat -> (i <= k)%nat ->
  nth j (routs_of f k) rzero = nth j (routs_of f i) rzero.
Proof. intros. rewrite !nth_routs_of by lia. reflexivity. Qed.

Lemma rseq_ext cfg G Ys Ys' i :
  (forall j, (j < i)%nat -> nth j Ys rzero = nth j Ys' rzero) -> rseq cfg G Ys i = rseq cfg G Ys' i.
Proof.
  induction i as [|i IH]; intros H; cbn [rseq]; [reflexivity|].
  rewrite IH by (intros; apply H; lia). rewrite (H i) by lia. reflexivity.
Qed.

Lemma rscale_out_ext cfg G w Ys Ys' i :
  (forall j, (j < i)%nat -> nth j Ys rzero = nth j Ys' rzero) ->
  rscale_out cfg G w Ys i = rscale_out cfg G w Ys' i.
Proof. intros H. unfold rscale_out, rcond. rewrite (rseq_ext cfg G Ys Ys' i H). reflexivity. Qed.

(** The output of scale [i] inside the whole run is the scale computed from the earlier outputs. *)
Lemma routs_scale cfg G w k i : (i < k)%nat ->
  nth i (routs cfg G w k) rzero = rscale_out cfg G w (routs cfg G w k) i.
Proof.
  intros Hi. unfold routs. rewrite nth_routs_of by exact Hi. apply rscale_out_ext.
  intros j Hj. symmetry. apply nth_routs_of_prefix; lia.
Qed.

(** ** Stability of the glue *)

Lemma rlinmap_lip Nin Nout c m coef src (U : R) Y X :
  0 <= U ->
  (forall t k, (t < Nout)%nat -> (k < m)%nat -> (src t k < Nin)%nat) ->
  (forall t, (t < Nout)%nat -> rsum (fun k => Rabs (coef t k)) m <= U) ->
  dinf Nout c (rlinmap m coef src Y) (rlinmap m coef src X) <= U * dinf Nin c Y X.
Proof.
  intros HU Hsrc Hcoef. apply dinf_le; [apply Rmult_le_pos; [exact HU|apply dinf_nonneg]|].
  intros t l Ht Hl. unfold rlinmap.
  eapply Rle_trans; [apply (rsum_lin_error (coef t) (fun k => Y (src t k) l) (fun k => X (src t k) l))|].
  - intros k Hk. apply dinf_entry; [apply Hsrc; assumption|exact Hl].
  - apply Rmult_le_compat_r; [apply dinf_nonneg|]. apply Hcoef, Ht.
Qed.

(** The ℓ₁ norm of the four 1-D weights at offset [dl/D] (times [4·D³]), and its maximum over
    the offsets [0 ≤ dl < 2r] that occur for the factor [r]. *)
Definition bc_abs (r : nat) (dl : Z) : Z :=
  let D := (2 * Z.of_nat r)%Z in
  (Z.abs (Sampling.bc_w D dl 0) + Z.abs (Sampling.bc_w D dl 1)
   + Z.abs (Sampling.bc_w D dl 2) + Z.abs (Sampling.bc_w D dl 3))%Z.

Definition up_l1 (r : nat) : Z := fold_right Z.max 0%Z (map (fun n => bc_abs r (Z.of_nat n)) (seq 0 (2 * r))).

(** The ℓ∞ operator norm bound of up-sampling by [r]. *)
Definition upn (r : nat) : R := (IZR (up_l1 r) / IZR (4 * (2 * Z.of_nat r) ^ 3)) ^ 2.

Lemma fold_max_ge (l : list Z) x : In x l -> (x <= fold_right Z.max 0 l)%Z.
Proof.
  induction l as [|y l IH]; intros Hin; [destruct Hin|]. cbn [fold_right].
  destruct Hin as [->|Hin]; [lia|]. specialize (IH Hin). lia.
Qed.

Lemma bc_abs_le r i : (0 < r)%nat -> (bc_abs r (Sampling.bc_frac r i) <= up_l1 r)%Z.
Proof.
  intros Hr. destruct (Sampling.bc_num_split r i Hr) as [_ Hf].
  unfold up_l1. apply fold_max_ge. apply in_map_iff.
  exists (Z.to_nat (Sampling.bc_frac r i)). split; [f_equal; lia|]. apply in_seq. lia.
Qed.

Lemma upn_nonneg r : 0 <= upn r.
Proof. unfold upn. rewrite <- Rsqr_pow2. apply Rle_0_sqr. Qed.

(** The 16 coefficients are products of row and column weights, so their ℓ₁ norm factors. *)
Lemma rsum16_prod (u v : nat -> R) :
  rsum (fun k => Rabs (u (k / 4)%nat * v (k mod 4)%nat)) 16
  = (Rabs (u 0%nat) + Rabs (u 1%nat) + Rabs (u 2%nat) + Rabs (u 3%nat))
    * (Rabs (v 0%nat) + Rabs (v 1%nat) + Rabs (v 2%nat) + Rabs (v 3%nat)).
Proof. cbn. rewrite !Rabs_mult. ring. Qed.

Lemma bc_abs_R r dl (den : R) : 0 < den ->
  Rabs (IZR (Sampling.bc_w (2 * Z.of_nat r) dl 0) / den) + Rabs (IZR (Sampling.bc_w (2 * Z.of_nat r) dl 1) / den)
  + Rabs (IZR (Sampling.bc_w (2 * Z.of_nat r) dl 2) / den) + Rabs (IZR (Sampling.bc_w (2 * Z.of_nat r) dl 3) / den)
  = IZR (bc_abs r dl) / den.
Proof.
  intros Hd. unfold bc_abs. cbv zeta. rewrite !plus_IZR, !abs_IZR.
  unfold Rdiv. rewrite !Rabs_mult, !(Rabs_pos_eq (/ den)) by (apply Rlt_le, Rinv_0_lt_compat, Hd).
  ring.
Qed.

Lemma up_coef_abs_sum r wd t : (0 < r)%nat -> rsum (fun k => Rabs (up_coefR r wd t k)) 16 <= upn r.
Proof.
  intros Hr. set (D := (2 * Z.of_nat r)%Z).
  assert (HD : (0 < 4 * D ^ 3)%Z) by (unfold D; lia).
  set (den := IZR (4 * D ^ 3)). assert (Hden : 0 < den) by (apply IZR_lt; exact HD).
  set (u := fun k => IZR (Sampling.bc_w D (Sampling.bc_frac r (t / (r * wd))) k) / den).
  set (v := fun k => IZR (Sampling.bc_w D (Sampling.bc_frac r (t mod (r * wd))) k) / den).
  rewrite (rsum_ext _ (fun k => Rabs (u (k / 4)%nat * v (k mod 4)%nat))).
  2: { intros k _. f_equal. unfold up_coefR, u, v. fold D. rewrite mult_IZR.
       replace (16 * D ^ 6)%Z with (4 * D ^ 3 * (4 * D ^ 3))%Z by ring. rewrite mult_IZR. fold den.
       field. lra. }
  rewrite rsum16_prod. unfold u, v, D. rewrite !bc_abs_R by exact Hden.
  pose proof (bc_abs_le r (t / (r * wd)) Hr) as Ha1. pose proof (bc_abs_le r (t mod (r * wd)) Hr) as Ha2.
  assert (Hb1 : (0 <= bc_abs r (Sampling.bc_frac r (t / (r * wd))))%Z) by (unfold bc_abs; lia).
  assert (Hb2 : (0 <= bc_abs r (Sampling.bc_frac r (t mod (r * wd))))%Z) by (unfold bc_abs; lia).
  unfold upn. fold D. fold den. simpl pow. rewrite Rmult_1_r.
  apply IZR_le in Ha1. apply IZR_le in Ha2. apply IZR_le in Hb1. apply IZR_le in Hb2.
  unfold Rdiv. apply Rmult_le_compat; try (apply Rmult_le_pos; [lra|apply Rlt_le, Rinv_0_lt_compat, Hden]);
    apply Rmult_le_compat_r; try (apply Rlt_le, Rinv_0_lt_compat, Hden); lra.
Qed.

Theorem rup_lip r h wd c Y X : (0 < r)%nat ->
  dinf (r * h * (r * wd)) c (rup r h wd Y) (rup r h wd X) <= upn r * dinf (h * wd) c Y X.
Proof.
  intros Hr. apply rlinmap_lip.
  - apply upn_nonneg.
  - intros t k Ht _. apply Sampling.up_src_lt, Ht.
  - intros t _. apply up_coef_abs_sum, Hr.
Qed.

(** FlowAR's factor 2: [up_l1 2 = 352] (offset [δ = 1/2]) over [4·4³ = 256], so [upn 2 = (11/8)²]. *)
Lemma up_l1_2 : up_l1 2 = 352%Z.
Proof. vm_compute. reflexivity. Qed.

Lemma upn_2 : upn 2 = 121 / 64.
Proof. unfold upn. rewrite up_l1_2. simpl. field. Qed.

(** Area down-sampling (mirrors [fdown]; not used by [flowar_float], which reads its scale inputs
    from the noise and the up-sampled outputs): [r²] taps of weight [1/r²], so 1-Lipschitz. *)
Definition rdown (r wd : nat) X : rmat := rlinmap (r * r) (fun _ _ => / INR (r * r)) (Sampling.down_src r wd) X.

Theorem rdown_lip r h wd c Y X : (0 < r)%nat ->
  dinf (h / r * (wd / r)) c (rdown r wd Y) (rdown r wd X) <= dinf (h * wd) c Y X.
Proof.
  intros Hr. rewrite <- (Rmult_1_l (dinf (h * wd) c Y X)). apply rlinmap_lip.
  - lra.
  - intros t k Ht Hk. apply Sampling.down_src_lt; assumption.
  - intros t _. assert (H : 0 < INR (r * r)) by (apply lt_0_INR, Nat.mul_pos_pos; exact Hr).
    rewrite (rsum_ext _ (fun _ => / INR (r * r))).
    + rewrite rsum_const. right. field. lra.
    + intros k _. apply Rabs_pos_eq, Rlt_le, Rinv_0_lt_compat, H.
Qed.

Lemma rvcat_dinf r1 r2 d A A' B B' :
  dinf (r1 + r2) d (rvcat r1 A' B') (rvcat r1 A B) <= Rmax (dinf r1 d A' A) (dinf r2 d B' B).
Proof.
  apply dinf_le; [eapply Rle_trans; [apply dinf_nonneg|apply Rmax_l]|].
  intros i j Hi Hj. unfold rvcat. destruct (Nat.ltb_spec i r1).
  - eapply Rle_trans; [apply (dinf_entry r1 d); assumption|apply Rmax_l].
  - eapply Rle_trans; [apply (dinf_entry r2 d); [lia|exact Hj]|apply Rmax_r].
Qed.

Theorem rembed_lip cfg G (Wb : R) Y X j :
  (0 < FlowAR.a cfg)%nat ->
  wnorm (FlowAR.ch cfg) (FlowAR.dm cfg) (rdR G (FlowAR.off_embW cfg) (FlowAR.ch cfg) (FlowAR.dm cfg)) <= Wb ->
  dinf (FlowAR.tok cfg (S j)) (FlowAR.dm cfg) (rembed cfg G Y j) (rembed cfg G X j)
  <= Wb * upn (FlowAR.a cfg) * dinf (FlowAR.tok cfg j) (FlowAR.ch cfg) Y X.
Proof.
  intros Ha HW. unfold rembed, rmlp. eapply Rle_trans; [apply linear_lip|].
  rewrite Rmult_assoc. apply Rmult_le_compat; [apply rmax_nonneg|apply dinf_nonneg|exact HW|].
  rewrite FlowAR.tok_S. unfold FlowAR.tok. apply rup_lip, Ha.
Qed.
