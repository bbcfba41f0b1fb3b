(** * The K-scale FlowAR inference pipeline: float semantics and program

    The pipeline as reconstructed in PAPER.md §1.4 (i), with the released
    model's choices (scales of side [s0·a^i], bicubic up-sampling between
    scales, block-causal attention over the current and coarser scales, a
    flow-matching head per scale integrated with [T] Euler steps):
    {v
    for i = 0 .. K−1:
      X_i  := [ cond ; Emb(Up(Ỹ_0)) ; … ; Emb(Up(Ỹ_{i−1})) ]     (ntok i × d)
      X_i  := L transformer layers on X_i, block-causal mask
      Ŷ_i  := the last tok i rows of X_i                         (the condition for scale i)
      Ỹ_i  := T Euler steps of the velocity network from the noise F_i^0, conditioned on Ŷ_i
    output Ỹ_{K−1}                                                 (n² × c, n = s0·a^(K−1))
    v}
    Everything the circuit reads is ONE input vector [G] in the layout below:
    the class tokens [cond], the noises [F_i^0] (inputs, so the circuit
    quantifies over them — PAPER.md §6 item 4), and all weights (inputs, so
    one uniform family serves every trained model).  [flowar_float] is the
    float semantics, defined from the modules' float semantics (Modules/)
    without reference to programs or circuits; [flowar_prog] is the program;
    [flowar_prog_correct] says they agree on every input vector. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage TC0.
From FlowARProofs.Modules Require Import AttnCommon Attention MLP Sampling FlowMatching.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales.
Import ListNotations.
Set Default Goal Selector "!".

(** ** Configurations *)

Record Config := {
  K : nat;        (** number of scales *)
  s0 : nat;       (** side of the first scale *)
  a : nat;        (** up-sampling factor between scales (2 in FlowAR) *)
  ch : nat;       (** latent channels c *)
  LD : LDims;     (** transformer dimensions (shared by the AR transformer and the flow head) *)
  L : nat;        (** AR transformer layers *)
  Lf : nat;       (** velocity-network layers *)
  T : nat;        (** Euler steps per scale *)
}.

Implicit Types (cfg : Config) (P : FloatFns) (G : list flt) (Ys : list mat)
  (p i j l : nat).

Definition dm cfg := ld (LD cfg).
Definition side cfg i := s0 cfg * a cfg ^ i.
Definition tok cfg i := side cfg i * side cfg i.
Definition ntok cfg i := list_sum (map (tok cfg) (seq 0 (S i))).
Definition FD cfg : FHDims := {| fhc := ch cfg; fhLD := LD cfg; fhLf := Lf cfg |}.

(** Block-causal limit at scale [i]: a token of block [j] sees blocks [0..j]. *)
Definition lim_at cfg i : nat -> nat := bc_lim (map (tok cfg) (seq 0 (S i))).

(** ** Layout of the input vector [G] *)

Definition off_noise cfg i := tok cfg 0 * dm cfg + yoff (tok cfg) (ch cfg) i.
Definition off_embW cfg := off_noise cfg (K cfg).
Definition off_embb cfg := off_embW cfg + ch cfg * dm cfg.
Definition off_ar cfg l := off_embb cfg + dm cfg + l * tl_size (LD cfg).
Definition off_fh cfg := off_ar cfg (L cfg).
Definition glen cfg := off_fh cfg + fh_size (FD cfg).

(** ** Float semantics *)

Section semantics.
  Context (P : FloatFns) (p : nat) (cfg : Config) (G : list flt).
  Let c := ch cfg. Let d := dm cfg.

  (** Block [j+1] of the sequence: the embedded up-sampled output of scale [j]. *)
  Definition fembed (Y : mat) j : mat :=
    fmlp p c (fup p (a cfg) (side cfg j) (side cfg j) Y)
         (rd G (off_embW cfg) c d) (rd G (off_embb cfg) 1 d).

  (** The AR transformer's input at scale [i]: the blocks [0..i] stacked. *)
  Fixpoint fseq Ys i : mat :=
    match i with
    | 0 => rd G 0 (tok cfg 0) d
    | S i' => vcat (ntok cfg i') (fseq Ys i') (fembed (nth i' Ys mzero) i')
    end.
End semantics.

(** The rest of the pipeline's semantics, over an attention semantics
    [asem] ([Pipeline/Layer.v]): the AR transformer (block-causal mask:
    blocks [tok 0 … tok i] at scale [i]), the condition, the flow head (one
    block) and the outputs. *)
Section semantics_by.
  Context (asem : attn_sem) (P : FloatFns) (p : nat) (cfg : Config) (G : list flt).
  Let c := ch cfg.

  Definition ftf_by i (X : mat) : mat :=
    iterate (fun l X => ftlayer_by asem P p (LD cfg) G (off_ar cfg l) (map (tok cfg) (seq 0 (S i)))
                                  (lim_at cfg i) X) (L cfg) X.

  (** The condition for scale [i]: the last [tok i] rows of the transformer's output. *)
  Definition fcond_by Ys i : mat :=
    fun t k => ftf_by i (fseq p cfg G Ys i) (ntok cfg i - tok cfg i + t) k.

  Definition fscale_by Ys i : mat :=
    fflow_by asem P p (FD cfg) G (off_fh cfg) (tok cfg i) (T cfg)
             (rd G (off_noise cfg i) (tok cfg i) c) (fcond_by Ys i).

  (** The outputs of the scales [0..k−1]. *)
  Definition fouts_by k : list mat := outs_of fscale_by k.

  (** FlowAR's output: the last scale, [n² × c] with [n = side (K−1)]. *)
  Definition flowar_float_by : mat := nth (K cfg - 1) (fouts_by (K cfg)) mzero.
End semantics_by.

(** The exact pipeline's semantics: over multi-head attention [mha_sem]. *)
Definition ftf P p cfg G i (X : mat) : mat := ftf_by mha_sem P p cfg G i X.
Definition fcond P p cfg G Ys i : mat := fcond_by mha_sem P p cfg G Ys i.
Definition fscale P p cfg G Ys i : mat := fscale_by mha_sem P p cfg G Ys i.
Definition fouts P p cfg G k : list mat := fouts_by mha_sem P p cfg G k.
Definition flowar_float P p cfg G : mat := flowar_float_by mha_sem P p cfg G.

(** ** Facts about the scales *)

Lemma side_S cfg j : side cfg (S j) = a cfg * side cfg j.
Proof. unfold side. cbn [Nat.pow]. lia. Qed.

Lemma tok_S cfg j : tok cfg (S j) = a cfg * side cfg j * (a cfg * side cfg j).
Proof. unfold tok. rewrite side_S. reflexivity. Qed.

Lemma ntok_S cfg i : ntok cfg (S i) = ntok cfg i + tok cfg (S i).
Proof. unfold ntok. rewrite (seq_S (S i)), map_app, list_sum_app. cbn. lia. Qed.

Lemma tok_le_ntok cfg i : tok cfg i <= ntok cfg i.
Proof. destruct i as [|i]; [unfold ntok; cbn; lia|]. rewrite ntok_S. lia. Qed.

Lemma lim_at_le cfg i t : t < ntok cfg i -> lim_at cfg i t <= ntok cfg i.
Proof. intros Ht. apply bc_lim_spec. exact Ht. Qed.

(** ** The program *)

Section program.
  Context (p : nat) (cfg : Config).
  Let c := ch cfg. Let d := dm cfg.
  Let yl i := yoff (tok cfg) (ch cfg) i.

  (** Block [j+1] of the sequence from the state [yflat Ys i ++ G] ([G] at [gofs], [|state| = w]). *)
  Definition embed_at gofs w j : prog :=
    let U := tok cfg (S j) * c in
    PSeq (PPar (up_at p (yl j) (a cfg) (side cfg j) (side cfg j) c) (keep 0 w))
         (mlp_at 0 (U + gofs + off_embW cfg) (U + gofs + off_embb cfg) (tok cfg (S j)) c d).

  Fixpoint seq_at gofs w i : prog :=
    match i with
    | 0 => keep gofs (tok cfg 0 * d)
    | S i' => PPar (seq_at gofs w i') (embed_at gofs w i')
    end.
End program.

(** The rest of the program, over an attention program builder [aprog]. *)
Section program_by.
  Context (aprog : attn_prog) (p : nat) (cfg : Config).
  Let c := ch cfg. Let d := dm cfg.
  Let yl i := yoff (tok cfg) (ch cfg) i.

  (** Scale [i] on the state [yflat Ys i ++ G]; returns [yflat Ys i ++ flat Ỹ_i ++ G]. *)
  Definition scale_at_by i : prog :=
    let gofs := yl i in let w := yl i + glen cfg in
    let N := ntok cfg i in let M := tok cfg i in
    PSeq (PPar (seq_at p cfg gofs w i) (keep 0 w))
    (PSeq (iter (N * d + w) (L cfg)
                (fun l => tl_at_by aprog p (LD cfg) N (map (tok cfg) (seq 0 (S i))) (lim_at cfg i)
                                   (off_ar cfg l) gofs w))
    (PSeq (PPar (keep (N * d + gofs + off_noise cfg i) (M * c))
                (PPar (keep ((N - M) * d) (M * d)) (keep (N * d) w)))
    (PSeq (flow_at_by aprog p (FD cfg) M (T cfg) (off_fh cfg) gofs w)
          (PPar (keep (M * c + M * d) gofs)
                (PPar (keep 0 (M * c)) (keep (M * c + M * d + gofs) (glen cfg))))))).

  Definition scales_at_by k : prog := grow (glen cfg) scale_at_by k.

  Definition flowar_prog_by : prog :=
    PSeq (scales_at_by (K cfg)) (keep (yl (K cfg - 1)) (tok cfg (K cfg - 1) * c)).
End program_by.

(** The exact program: over multi-head attention [mha_prog]. *)
Definition scale_at p cfg i : prog := scale_at_by mha_prog p cfg i.
Definition scales_at p cfg k : prog := scales_at_by mha_prog p cfg k.
Definition flowar_prog p cfg : prog := flowar_prog_by mha_prog p cfg.

(** ** The pipeline over any attention module

    [Pipeline/Layer.v]'s [AttnModule] in place of multi-head attention: the
    pipeline over the module's parts ([*_by] above at [am_sem am],
    [am_prog am]).  [flowar_float], [flowar_prog] above are the instance
    [exact_am] ([flowar_float_exact], [flowar_prog_exact]: [eq_refl]);
    Fast FlowAR ([Pipeline/FastFlowAR.v]) is the instance [fast_am]. *)

(** What the pipeline needs of a module: its data fits the layer
    dimensions, and it accepts the pipeline's masks. *)
Definition am_cfg_ok (am : AttnModule) p cfg : Prop :=
  am_ok am p (LD cfg)
  /\ forall i, am_mask am (ntok cfg i) (map (tok cfg) (seq 0 (S i))) (lim_at cfg i)
               /\ am_mask am (tok cfg i) [tok cfg i] (fun _ => tok cfg i).

Lemma exact_cfg_ok p cfg : am_cfg_ok exact_am p cfg.
Proof.
  split; [exact I|]. intros i. split.
  - intros t Ht. apply lim_at_le, Ht.
  - intros t _. apply le_n.
Qed.

Section semantics_g.
  Context (am : AttnModule) (P : FloatFns) (p : nat) (cfg : Config) (G : list flt).

  Definition ftf_g i (X : mat) : mat := ftf_by (am_sem am) P p cfg G i X.
  Definition fcond_g Ys i : mat := fcond_by (am_sem am) P p cfg G Ys i.
  Definition fscale_g Ys i : mat := fscale_by (am_sem am) P p cfg G Ys i.
  Definition fouts_g k : list mat := fouts_by (am_sem am) P p cfg G k.
  Definition flowar_float_g : mat := flowar_float_by (am_sem am) P p cfg G.
End semantics_g.

Section program_g.
  Context (am : AttnModule) (p : nat) (cfg : Config).

  Definition scale_at_g i : prog := scale_at_by (am_prog am) p cfg i.
  Definition scales_at_g k : prog := scales_at_by (am_prog am) p cfg k.
  Definition flowar_prog_g : prog := flowar_prog_by (am_prog am) p cfg.
End program_g.

(** After unfolding a [*_g am] definition, name its parts [*_g am] again
    (they unfold to [*_by (am_prog am)], [*_by (am_sem am)]), for the
    module's lemmas. *)
Local Ltac fold_g am :=
  try change (tl_at_by (am_prog am)) with (tl_at_g am);
  try change (flow_at_by (am_prog am)) with (flow_at_g am);
  try change (scales_at_by (am_prog am)) with (scales_at_g am);
  try change (ftlayer_by (am_sem am)) with (ftlayer_g am);
  try change (fflow_by (am_sem am)) with (fflow_g am);
  try change (fouts_by (am_sem am)) with (fouts_g am).

(** ** The exact pipeline is the instance [exact_am]

    The exact definitions above are the pipeline over the parts [mha_sem],
    [mha_prog] of [exact_am], so they are the generic ones at [exact_am]
    ([*_exact], [eq_refl]).  They are not defined over [exact_am] itself:
    its type [AttnModule] refers to the trust record [FloatPrimitivesTC0]
    (its depth field), and the exact counts of Runtime/ would then appear
    to rest on the trust record.  The [*_eq] lemmas spell them out for
    proofs. *)

(** The AR transformer is [L] exact layers with the block-causal mask. *)
Lemma ftf_eq P p cfg G i X :
  ftf P p cfg G i X
  = iterate (fun l X => ftlayer P p (LD cfg) G (off_ar cfg l) (lim_at cfg i) X) (L cfg) X.
Proof. reflexivity. Qed.

Lemma fcond_eq P p cfg G Ys i :
  fcond P p cfg G Ys i = fun t k => ftf P p cfg G i (fseq p cfg G Ys i) (ntok cfg i - tok cfg i + t) k.
Proof. reflexivity. Qed.

Lemma fscale_eq P p cfg G Ys i :
  fscale P p cfg G Ys i
  = fflow P p (FD cfg) G (off_fh cfg) (tok cfg i) (T cfg)
          (rd G (off_noise cfg i) (tok cfg i) (ch cfg)) (fcond P p cfg G Ys i).
Proof. reflexivity. Qed.

Lemma fouts_eq P p cfg G k : fouts P p cfg G k = outs_of (fscale P p cfg G) k.
Proof. reflexivity. Qed.

Lemma fouts_length P p cfg G k : length (fouts P p cfg G k) = k.
Proof. apply outs_of_length. Qed.

Lemma fouts_S P p cfg G k :
  fouts P p cfg G (S k) = fouts P p cfg G k ++ [fscale P p cfg G (fouts P p cfg G k) k].
Proof. reflexivity. Qed.

Lemma flowar_float_eq P p cfg G :
  flowar_float P p cfg G = nth (K cfg - 1) (fouts P p cfg G (K cfg)) mzero.
Proof. reflexivity. Qed.

Lemma fscale_exact P p cfg G : fscale P p cfg G = fscale_g exact_am P p cfg G.
Proof. reflexivity. Qed.

Lemma fouts_exact P p cfg G k : fouts P p cfg G k = fouts_g exact_am P p cfg G k.
Proof. reflexivity. Qed.

Lemma flowar_float_exact P p cfg G : flowar_float P p cfg G = flowar_float_g exact_am P p cfg G.
Proof. reflexivity. Qed.

Lemma scale_at_exact p cfg i : scale_at p cfg i = scale_at_g exact_am p cfg i.
Proof. reflexivity. Qed.

Lemma scales_at_exact p cfg k : scales_at p cfg k = scales_at_g exact_am p cfg k.
Proof. reflexivity. Qed.

Lemma flowar_prog_exact p cfg : flowar_prog p cfg = flowar_prog_g exact_am p cfg.
Proof. reflexivity. Qed.

(** ** Correctness: the program computes [flowar_float] on every input vector *)

Lemma keep_mid P p pre mid post :
  peval P p (keep (length pre) (length mid)) (pre ++ mid ++ post) = mid.
Proof.
  cbn [keep peval]. rewrite map_map. cbn [fsrc_val].
  transitivity (map (fun i => nth i mid fzero) (seq 0 (length mid))).
  - apply map_ext_in. intros i Hi. apply in_seq in Hi.
    rewrite app_nth2_plus, app_nth1 by lia. reflexivity.
  - clear. induction mid as [|x mid IH]; [reflexivity|]. cbn [length seq map nth].
    f_equal. rewrite <- seq_shift, map_map. exact IH.
Qed.

Lemma keep_at P p pre mid post a g :
  length pre = a -> length mid = g -> peval P p (keep a g) (pre ++ mid ++ post) = mid.
Proof. intros <- <-. apply keep_mid. Qed.

Local Ltac bw := apply block_weights; [rewrite ?app_length, ?flat_length; lia|reflexivity].

Section correct.
  Context (P : FloatFns) (p : nat) (cfg : Config) (G : list flt).

  Lemma embed_at_correct Ys i j : j < i ->
    peval P p (embed_at p cfg (length (yflat (tok cfg) (ch cfg) Ys i))
                              (length (yflat (tok cfg) (ch cfg) Ys i) + length G) j)
          (yflat (tok cfg) (ch cfg) Ys i ++ G)
    = flat (tok cfg (S j)) (dm cfg) (fembed p cfg G (nth j Ys mzero) j).
  Proof.
    intros Hj. unfold embed_at. rewrite peval_PSeq, peval_PPar.
    rewrite (up_at_correct P p _ _ (a cfg) (side cfg j) (side cfg j) (ch cfg) (nth j Ys mzero))
      by (exact (block_yflat (tok cfg) (ch cfg) Ys i j G Hj)).
    rewrite keep0 by (rewrite app_length; reflexivity).
    set (U := fup p (a cfg) (side cfg j) (side cfg j) (nth j Ys mzero)).
    rewrite <- tok_S.
    apply mlp_at_correct.
    - apply block_front.
    - rewrite <- (flat_length (tok cfg (S j)) (ch cfg) U). bw.
    - rewrite <- (flat_length (tok cfg (S j)) (ch cfg) U). bw.
  Qed.

  Lemma seq_at_correct Ys cur i : i <= cur ->
    peval P p (seq_at p cfg (length (yflat (tok cfg) (ch cfg) Ys cur))
                            (length (yflat (tok cfg) (ch cfg) Ys cur) + length G) i)
          (yflat (tok cfg) (ch cfg) Ys cur ++ G)
    = flat (ntok cfg i) (dm cfg) (fseq p cfg G Ys i).
  Proof.
    induction i as [|i IH]; intros Hi.
    - cbn [seq_at fseq]. replace (ntok cfg 0) with (tok cfg 0) by (unfold ntok; cbn; lia).
      apply keep_block. rewrite <- (Nat.add_0_r (length (yflat _ _ Ys cur))).
      apply block_rd_app.
    - cbn [seq_at fseq]. rewrite peval_PPar, IH by lia.
      rewrite embed_at_correct by lia. rewrite ntok_S, flat_vcat. reflexivity.
  Qed.

  Context (HG : length G = glen cfg).

  Theorem scale_at_g_correct am Ys i : am_cfg_ok am p cfg ->
    peval P p (scale_at_g am p cfg i) (yflat (tok cfg) (ch cfg) Ys i ++ G)
    = yflat (tok cfg) (ch cfg) Ys i ++ flat (tok cfg i) (ch cfg) (fscale_g am P p cfg G Ys i) ++ G.
  Proof.
    intros [Hok Hm]. destruct (Hm i) as [Hm1 Hm2]. unfold scale_at_g, scale_at_by. fold_g am. rewrite <- (yflat_length (tok cfg) (ch cfg) Ys i), <- HG.
    (* the sequence *)
    rewrite peval_PSeq, peval_PPar, (seq_at_correct Ys i i) by lia.
    set (E := yflat (tok cfg) (ch cfg) Ys i).
    set (N := ntok cfg i). set (M := tok cfg i).
    rewrite keep0 by (rewrite app_length; reflexivity).
    (* the AR transformer *)
    rewrite peval_PSeq.
    rewrite (iter_correct P p (N * (dm cfg) + (length E + length G)) (L cfg) _
               (fun X => flat N (dm cfg) X ++ E ++ G)
               (fun l X => ftlayer_g am P p (LD cfg) G (off_ar cfg l) (map (tok cfg) (seq 0 (S i))) (lim_at cfg i) X)).
    2: { intros y. rewrite !app_length, flat_length. reflexivity. }
    2: { intros l y _. apply tl_at_g_correct; assumption. }
    set (X' := iterate _ (L cfg) (fseq p cfg G Ys i)).
    (* noise and condition *)
    rewrite peval_PSeq, peval_PPar, peval_PPar.
    rewrite (keep_block P p _ _ M (ch cfg) (rd G (off_noise cfg i) M (ch cfg))) by bw.
    rewrite (keep_block P p _ _ M (dm cfg) (fun t k => X' (N - M + t) k))
      by (apply block_rows; pose proof (tok_le_ntok cfg i); lia).
    rewrite (keep_app P p (flat N (dm cfg) X') (E ++ G)) by (rewrite ?flat_length, ?app_length; lia).
    (* the flow head *)
    rewrite peval_PSeq.
    change (ch cfg) with (fhc (FD cfg)) at 1 3. change (dm cfg) with (ld (fhLD (FD cfg))) at 1.
    rewrite (flow_at_g_correct am) by assumption. cbn [fhc fhLD].
    (* bring the new output after the earlier ones *)
    rewrite peval_PPar, peval_PPar. cbn [fhc fhLD FD] in *. fold (dm cfg).
    set (Y1 := flat M (ch cfg) (fflow_g _ _ _ _ _ _ _ _ _ _)).
    set (Y2 := flat M (dm cfg) (fun t k => X' (N - M + t) k)).
    assert (L1 : length Y1 = M * ch cfg) by apply flat_length.
    assert (L2 : length Y2 = M * dm cfg) by apply flat_length.
    assert (K1 : peval P p (keep (M * ch cfg + M * dm cfg) (length E)) (Y1 ++ Y2 ++ E ++ G) = E)
      by (rewrite app_assoc; apply keep_at; rewrite ?app_length; lia).
    assert (K2 : peval P p (keep 0 (M * ch cfg)) (Y1 ++ Y2 ++ E ++ G) = Y1)
      by (apply (keep_at P p [] Y1); cbn; lia).
    assert (K3 : peval P p (keep (M * ch cfg + M * dm cfg + length E) (length G))
                   (Y1 ++ Y2 ++ E ++ G) = G)
      by (rewrite !app_assoc; apply keep_app; rewrite ?app_length; lia).
    rewrite K1, K2, K3. reflexivity.
  Qed.

  Theorem scale_at_correct Ys i :
    peval P p (scale_at p cfg i) (yflat (tok cfg) (ch cfg) Ys i ++ G)
    = yflat (tok cfg) (ch cfg) Ys i ++ flat (tok cfg i) (ch cfg) (fscale P p cfg G Ys i) ++ G.
  Proof. rewrite scale_at_exact, fscale_exact. exact (scale_at_g_correct exact_am Ys i (exact_cfg_ok p cfg)). Qed.
End correct.

Section correct_all.
  Context (P : FloatFns) (p : nat) (cfg : Config) (G : list flt).
  Context (HG : length G = glen cfg).

  Lemma scales_at_g_correct am k : am_cfg_ok am p cfg ->
    peval P p (scales_at_g am p cfg k) G = yflat (tok cfg) (ch cfg) (fouts_g am P p cfg G k) k ++ G.
  Proof.
    intros Hc. apply grow_correct; [exact HG|]. intros Ys i _.
    apply (scale_at_g_correct P p cfg G HG am Ys i Hc).
  Qed.

  (** The pipeline's program over any attention module computes its float semantics. *)
  Theorem flowar_prog_g_correct am : am_cfg_ok am p cfg ->
    1 <= K cfg ->
    peval P p (flowar_prog_g am p cfg) G
    = flat (tok cfg (K cfg - 1)) (ch cfg) (flowar_float_g am P p cfg G).
  Proof.
    intros Hc HK. unfold flowar_prog_g, flowar_prog_by, flowar_float_g, flowar_float_by.
    fold_g am.
    rewrite peval_PSeq, scales_at_g_correct by exact Hc.
    apply keep_block. apply block_yflat. lia.
  Qed.

  Lemma scales_at_correct k :
    peval P p (scales_at p cfg k) G = yflat (tok cfg) (ch cfg) (fouts P p cfg G k) k ++ G.
  Proof. rewrite scales_at_exact, fouts_exact. exact (scales_at_g_correct exact_am k (exact_cfg_ok p cfg)). Qed.

  (** The pipeline's program computes FlowAR's float semantics. *)
  Theorem flowar_prog_correct :
    1 <= K cfg ->
    peval P p (flowar_prog p cfg) G
    = flat (tok cfg (K cfg - 1)) (ch cfg) (flowar_float P p cfg G).
  Proof. rewrite flowar_prog_exact, flowar_float_exact. exact (flowar_prog_g_correct exact_am (exact_cfg_ok p cfg)). Qed.
End correct_all.

(** ** Typing *)

Lemma yoff_mono tk c j i : j <= i -> yoff tk c j <= yoff tk c i.
Proof.
  induction 1 as [|i Hji IH]; [lia|]. rewrite yoff_S. lia.
Qed.

Lemma yoff_lt tk c j i : j < i -> yoff tk c j + tk j * c <= yoff tk c i.
Proof. intros Hji. rewrite <- yoff_S. apply yoff_mono. lia. Qed.

Section typing.
  Context (p : nat) (cfg : Config).
  Let c := ch cfg. Let d := dm cfg.

  Lemma layout_noise i : i < K cfg -> off_noise cfg i + tok cfg i * ch cfg <= off_embW cfg.
  Proof. intros Hi. unfold off_embW, off_noise. pose proof (yoff_lt (tok cfg) (ch cfg) i (K cfg) Hi). lia. Qed.

  Lemma layout_ar l : l < L cfg -> off_ar cfg l + tl_size (LD cfg) <= off_fh cfg.
  Proof. intros Hl. unfold off_fh, off_ar. nia. Qed.

  Lemma up_at_arity' offX j :
    arity_out (up_at p offX (a cfg) (side cfg j) (side cfg j) (ch cfg)) = tok cfg (S j) * ch cfg.
  Proof. rewrite up_at_arity, tok_S. reflexivity. Qed.

  Lemma seq_at_arity gofs w i : arity_out (seq_at p cfg gofs w i) = ntok cfg i * dm cfg.
  Proof.
    induction i as [|i IH]; cbn [seq_at].
    - rewrite keep_arity. unfold ntok. cbn. lia.
    - change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y).
      rewrite IH, ntok_S. unfold embed_at. cbn [arity_out]. rewrite mlp_at_arity. lia.
  Qed.

  Lemma seq_at_wt gl i cur : off_embb cfg + dm cfg <= gl -> i <= cur ->
    pwt p (yoff (tok cfg) (ch cfg) cur + gl)
        (seq_at p cfg (yoff (tok cfg) (ch cfg) cur) (yoff (tok cfg) (ch cfg) cur + gl) i).
  Proof.
    set (gofs := yoff (tok cfg) (ch cfg) cur). set (w := gofs + gl). intros Hemb.
    induction i as [|i IH]; intros Hi; cbn [seq_at].
    - apply keep_wt_le. unfold w, off_embb, off_embW, off_noise in *. lia.
    - split; [apply IH; lia|]. unfold embed_at. split; [split|].
      + apply up_at_wt. pose proof (yoff_lt (tok cfg) (ch cfg) i cur ltac:(lia)).
        unfold tok in *. unfold w. lia.
      + apply keep_wt_le. lia.
      + change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y).
        rewrite up_at_arity', keep_arity. apply mlp_at_wt; unfold off_embb in *; nia.
  Qed.

  Theorem scale_at_g_wt am i : am_cfg_ok am p cfg -> i < K cfg ->
    pwt p (yoff (tok cfg) (ch cfg) i + glen cfg) (scale_at_g am p cfg i).
  Proof.
    intros [Hok Hm] Hi. destruct (Hm i) as [Hm1 Hm2]. unfold scale_at_g, scale_at_by. fold_g am.
    set (gofs := yoff (tok cfg) (ch cfg) i). set (w := gofs + glen cfg).
    set (N := ntok cfg i). set (M := tok cfg i).
    pose proof (tok_le_ntok cfg i) as HMN. fold N M in HMN.
    pose proof (layout_noise i Hi) as Hno. fold M in Hno.
    assert (Hfh : off_fh cfg + fh_size (FD cfg) <= glen cfg) by (unfold glen; lia).
    assert (Hembw : off_embW cfg <= off_fh cfg) by (unfold off_fh, off_ar, off_embb; lia).
    cbn [pwt]. split; [split|].
    { apply seq_at_wt; [unfold glen, off_fh, off_ar; lia|lia]. }
    { apply keep_wt_le. lia. }
    change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y).
    rewrite seq_at_arity, keep_arity. split.
    { apply iter_wt. intros l Hl. split.
      - apply tl_at_g_wt; [assumption|assumption|].
        pose proof (layout_ar l Hl). unfold w. lia.
      - apply tl_at_g_arity. }
    rewrite iter_arity by (intros l _; apply tl_at_g_arity).
    split; [split; [|split]|].
    { apply keep_wt_le. unfold w. lia. }
    { apply keep_wt_le. nia. }
    { apply keep_wt_le. lia. }
    change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y).
    change (arity_out (PPar ?x ?y)) with (arity_out x + arity_out y).
    rewrite !keep_arity. split.
    { change (M * ch cfg + (M * dm cfg + w))
        with (M * fhc (FD cfg) + (M * ld (fhLD (FD cfg)) + w)).
      rewrite Nat.add_assoc. apply flow_at_g_wt; [assumption|assumption|unfold w; lia]. }
    rewrite flow_at_g_arity. cbn [fhc fhLD FD]. unfold dm.
    split; [|split]; apply keep_wt_le; unfold w; lia.
  Qed.

  Lemma scale_at_g_arity am i :
    arity_out (scale_at_g am p cfg i) = yoff (tok cfg) (ch cfg) (S i) + glen cfg.
  Proof.
    unfold scale_at_g, scale_at_by. fold_g am. cbn [arity_out]. rewrite !keep_arity, yoff_S. lia.
  Qed.

  Lemma scales_at_g_wt am k : am_cfg_ok am p cfg -> k <= K cfg ->
    pwt p (glen cfg) (scales_at_g am p cfg k) /\
    arity_out (scales_at_g am p cfg k) = yoff (tok cfg) (ch cfg) k + glen cfg.
  Proof.
    intros Hc Hk. apply grow_wt. intros i Hi. split; [apply scale_at_g_wt; [exact Hc|lia]|apply scale_at_g_arity].
  Qed.

  Theorem flowar_prog_g_wt am : am_cfg_ok am p cfg -> 1 <= K cfg -> pwt p (glen cfg) (flowar_prog_g am p cfg).
  Proof.
    intros Hc HK. destruct (scales_at_g_wt am (K cfg) Hc (le_n _)) as [Hw Ha].
    unfold flowar_prog_g, flowar_prog_by. fold_g am. split; [exact Hw|]. rewrite Ha. apply keep_wt_le.
    pose proof (yoff_lt (tok cfg) (ch cfg) (K cfg - 1) (K cfg) ltac:(lia)). lia.
  Qed.

  Theorem scale_at_wt i : i < K cfg ->
    pwt p (yoff (tok cfg) (ch cfg) i + glen cfg) (scale_at p cfg i).
  Proof. rewrite scale_at_exact. exact (scale_at_g_wt exact_am i (exact_cfg_ok p cfg)). Qed.

  Lemma scale_at_arity i :
    arity_out (scale_at p cfg i) = yoff (tok cfg) (ch cfg) (S i) + glen cfg.
  Proof. rewrite scale_at_exact. exact (scale_at_g_arity exact_am i). Qed.

  Lemma scales_at_wt k : k <= K cfg ->
    pwt p (glen cfg) (scales_at p cfg k) /\
    arity_out (scales_at p cfg k) = yoff (tok cfg) (ch cfg) k + glen cfg.
  Proof. rewrite scales_at_exact. exact (scales_at_g_wt exact_am k (exact_cfg_ok p cfg)). Qed.

  Theorem flowar_prog_wt : 1 <= K cfg -> pwt p (glen cfg) (flowar_prog p cfg).
  Proof. rewrite flowar_prog_exact. exact (flowar_prog_g_wt exact_am (exact_cfg_ok p cfg)). Qed.
End typing.

(** ** Depth: the number of scales times a per-scale constant *)

(** Per-scale depth over an attention module of depth [ad]: building the
    sequence (up-sampling then embedding), [L] transformer layers, [T]
    Euler steps of the flow head. *)
Definition scale_depth_g (P : FloatPrimitivesTC0) (ad L Lf T : nat) : nat :=
  (3 * d_std P + 2 * d_sum P) + L * tl_depth_g P ad
  + T * ((2 * d_std P + d_sum P) + d_std P + 2 * d_std P + Lf * tl_depth_g P ad
         + (2 * d_std P + d_sum P) + 2 * d_std P).

(** The exact per-scale depth: multi-head attention ([tl_depth P] per layer). *)
Definition scale_depth (P : FloatPrimitivesTC0) (L Lf T : nat) : nat := scale_depth_g P (mha_depth P) L Lf T.

(** The explicit depth bound of the whole pipeline: [K] scales in sequence. *)
Definition flowar_depth (P : FloatPrimitivesTC0) (K L Lf T : nat) : nat := K * scale_depth P L Lf T.

Lemma embed_at_wdepth (P : FloatPrimitivesTC0) p cfg gofs w j :
  wdepth (op_dbound P) (embed_at p cfg gofs w j) <= 3 * d_std P + 2 * d_sum P.
Proof.
  unfold embed_at. cbn [wdepth]. rewrite keep_wdepth.
  pose proof (up_at_wdepth P p (yoff (tok cfg) (ch cfg) j) (a cfg) (side cfg j) (side cfg j) (ch cfg)).
  pose proof (mlp_at_wdepth P 0 (tok cfg (S j) * ch cfg + gofs + off_embW cfg)
                (tok cfg (S j) * ch cfg + gofs + off_embb cfg) (tok cfg (S j)) (ch cfg) (dm cfg)).
  lia.
Qed.

Lemma seq_at_wdepth (P : FloatPrimitivesTC0) p cfg gofs w i :
  wdepth (op_dbound P) (seq_at p cfg gofs w i) <= 3 * d_std P + 2 * d_sum P.
Proof.
  induction i as [|i IH]; cbn [seq_at wdepth].
  - rewrite keep_wdepth. lia.
  - pose proof (embed_at_wdepth P p cfg gofs w i). lia.
Qed.


Definition flowar_depth_g (P : FloatPrimitivesTC0) (ad K L Lf T : nat) : nat :=
  K * scale_depth_g P ad L Lf T.

Lemma flowar_depth_exact (P : FloatPrimitivesTC0) K L Lf T :
  flowar_depth P K L Lf T = flowar_depth_g P (mha_depth P) K L Lf T.
Proof. reflexivity. Qed.

Theorem scale_at_g_wdepth (P : FloatPrimitivesTC0) am p cfg i :
  wdepth (op_dbound P) (scale_at_g am p cfg i) <= scale_depth_g P (am_depth am P) (L cfg) (Lf cfg) (T cfg).
Proof.
  unfold scale_at_g, scale_at_by, scale_depth_g. fold_g am. cbn [wdepth]. rewrite !keep_wdepth.
  pose proof (seq_at_wdepth P p cfg (yoff (tok cfg) (ch cfg) i)
                (yoff (tok cfg) (ch cfg) i + glen cfg) i).
  pose proof (wdepth_iter_le (op_dbound P) (ntok cfg i * dm cfg + (yoff (tok cfg) (ch cfg) i + glen cfg))
    (L cfg) (fun l => tl_at_g am p (LD cfg) (ntok cfg i) (map (tok cfg) (seq 0 (S i))) (lim_at cfg i) (off_ar cfg l)
                       (yoff (tok cfg) (ch cfg) i) (yoff (tok cfg) (ch cfg) i + glen cfg))
    (tl_depth_g P (am_depth am P)) (fun l _ => tl_at_g_wdepth P am p _ _ _ _ _ _ _)).
  pose proof (flow_at_g_wdepth am P p (FD cfg) (tok cfg i) (T cfg) (off_fh cfg)
                (yoff (tok cfg) (ch cfg) i) (yoff (tok cfg) (ch cfg) i + glen cfg)).
  unfold fh_step_depth_g in *. cbn [fhLf FD] in *. lia.
Qed.

Theorem flowar_prog_g_wdepth (P : FloatPrimitivesTC0) am p cfg :
  wdepth (op_dbound P) (flowar_prog_g am p cfg)
  <= flowar_depth_g P (am_depth am P) (K cfg) (L cfg) (Lf cfg) (T cfg).
Proof.
  unfold flowar_prog_g, flowar_prog_by, flowar_depth_g. cbn [wdepth]. rewrite keep_wdepth, Nat.add_0_r.
  apply grow_wdepth. intros i _. apply scale_at_g_wdepth.
Qed.

Theorem scale_at_wdepth (P : FloatPrimitivesTC0) p cfg i :
  wdepth (op_dbound P) (scale_at p cfg i) <= scale_depth P (L cfg) (Lf cfg) (T cfg).
Proof. rewrite scale_at_exact. exact (scale_at_g_wdepth P exact_am p cfg i). Qed.

Theorem flowar_prog_wdepth (P : FloatPrimitivesTC0) p cfg :
  wdepth (op_dbound P) (flowar_prog p cfg) <= flowar_depth P (K cfg) (L cfg) (Lf cfg) (T cfg).
Proof. rewrite flowar_prog_exact. exact (flowar_prog_g_wdepth P exact_am p cfg). Qed.

(** The depth bound strictly grows with [K] as soon as there is one
    transformer layer.  This is a fact about the bound; the matching facts
    about the compiled circuits (depth between [K·2·(L + T·Lf)] and
    [K·scale_depth]) are in Pipeline/CircuitDepth.v. *)
Lemma flowar_depth_strict_mono (P : FloatPrimitivesTC0) K L Lf T :
  1 <= L -> flowar_depth P K L Lf T < flowar_depth P (S K) L Lf T.
Proof.
  intros HL. unfold flowar_depth, scale_depth, scale_depth_g. fold (tl_depth P). rewrite tl_depth_value. nia.
Qed.

(** ** Size: the program's shape is polynomial in the dimensions *)

(** One bound [B] on every dimension (token counts, widths, heads, channels). *)
Definition dimB cfg : nat :=
  ntok cfg (K cfg - 1) + dm cfg + ldh (LD cfg) + lH (LD cfg) + ldff (LD cfg) + ch cfg + 1.

(** The widest state: all outputs and the input vector. *)
Definition wmax cfg : nat := yoff (tok cfg) (ch cfg) (K cfg) + glen cfg.

Lemma ntok_mono cfg i j : i <= j -> ntok cfg i <= ntok cfg j.
Proof. induction 1 as [|j _ IH]; [lia|]. rewrite ntok_S. lia. Qed.

Definition B4 B : nat := B * (B * (B * B)).

Section shape.
  Context (p : nat) (cfg : Config) (B : nat).
  Context (HB : dimB cfg <= B).

  Lemma dims_le : dm cfg <= B /\ ldh (LD cfg) <= B /\ lH (LD cfg) <= B /\ ldff (LD cfg) <= B
                  /\ ch cfg <= B /\ 1 <= B.
  Proof. unfold dimB in HB. lia. Qed.

  Lemma ntok_le i : i < K cfg -> ntok cfg i <= B.
  Proof.
    intros Hi. pose proof (ntok_mono cfg i (K cfg - 1) ltac:(lia)). unfold dimB in HB. lia.
  Qed.

  Lemma U_ge : 1 <= (B4 B) /\ B <= (B4 B) /\ B * B <= (B4 B) /\ B * (B * B) <= (B4 B).
  Proof.
    destruct dims_le as (_ & _ & _ & _ & _ & H1). unfold B4.
    assert (Hy : forall y, y <= B * y) by (intros; nia).
    pose proof (Hy B). pose proof (Hy (B * B)). pose proof (Hy (B * (B * B))). lia.
  Qed.

  Lemma embed_shape gofs w j : S j < K cfg -> w <= (wmax cfg) ->
    shape (embed_at p cfg gofs w j) <= 82 * (B4 B) + 2 * (wmax cfg).
  Proof.
    intros Hj Hw. destruct dims_le as (Hd & _ & _ & _ & Hc & H1). pose proof U_ge as (U1 & U2 & U3 & U4).
    pose proof (ntok_le (S j) Hj) as HN. pose proof (tok_le_ntok cfg (S j)).
    unfold embed_at. eapply Nat.le_trans; [apply shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_r, shape_PPar_arity|].
    rewrite shape_keep, keep_arity, up_at_arity'.
    assert (Hup : shape (up_at p (yoff (tok cfg) (ch cfg) j) (a cfg) (side cfg j) (side cfg j) (ch cfg))
                  <= 60 * (B * B)).
    { unfold shape. rewrite up_at_ops, up_at_pads, up_at_arity, <- tok_S.
      pose proof (up_at_maxar p (yoff (tok cfg) (ch cfg) j) (a cfg) (side cfg j) (side cfg j) (ch cfg)).
      assert (tok cfg (S j) * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia).
      assert (1 <= B * B) by nia. nia. }
    pose proof (mlp_shape 0 (tok cfg (S j) * ch cfg + gofs + off_embW cfg)
                  (tok cfg (S j) * ch cfg + gofs + off_embb cfg) (tok cfg (S j)) (ch cfg) (dm cfg) B
                  ltac:(lia) Hc Hd H1).
    assert (tok cfg (S j) * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia).
    unfold B4 in *. lia.
  Qed.

  Lemma seq_shape gofs w i : i < K cfg -> w <= (wmax cfg) ->
    shape (seq_at p cfg gofs w i) <= (i + 1) * (84 * (B4 B) + 2 * (wmax cfg)).
  Proof.
    intros Hi Hw. destruct dims_le as (Hd & _ & _ & _ & Hc & H1). pose proof U_ge as (U1 & U2 & U3 & U4).
    induction i as [|i IH]; cbn [seq_at].
    - rewrite shape_keep. assert (tok cfg 0 * dm cfg <= B * B).
      { pose proof (ntok_le 0 Hi). pose proof (tok_le_ntok cfg 0). apply Nat.mul_le_mono; lia. }
      lia.
    - eapply Nat.le_trans; [apply shape_PPar_arity|].
      rewrite seq_at_arity. unfold embed_at at 2. cbn [arity_out]. rewrite mlp_at_arity.
      pose proof (embed_shape gofs w i Hi Hw). specialize (IH ltac:(lia)).
      assert (ntok cfg i * dm cfg <= B * B)
        by (apply Nat.mul_le_mono; [apply ntok_le|]; lia).
      assert (tok cfg (S i) * dm cfg <= B * B).
      { pose proof (ntok_le (S i) Hi). pose proof (tok_le_ntok cfg (S i)).
        apply Nat.mul_le_mono; lia. }
      nia.
  Qed.
  Definition scale_coef : nat :=
    K cfg + 2 * L cfg + (2 * T cfg + 2) * (2 * Lf cfg + 3) + 22.

  Lemma scale_g_shape am U i : am_cfg_ok am p cfg -> B4 B <= U -> am_U am B (K cfg) <= U -> i < K cfg ->
    shape (scale_at_g am p cfg i) <= scale_coef * (1100 * U + 20 * wmax cfg).
  Proof.
    intros [Hok Hm] HU1 HU2 Hi. destruct (Hm i) as [Hm1 Hm2].
    assert (HUi : am_U am B (length (map (tok cfg) (seq 0 (S i)))) <= U).
    { rewrite map_length, seq_length. eapply Nat.le_trans; [apply am_U_mono; exact Hi|exact HU2]. }
    assert (HU1' : am_U am B 1 <= U).
    { eapply Nat.le_trans; [apply am_U_mono|exact HU2]. lia. } destruct dims_le as (Hd & Hdh & HH & Hff & Hc & H1).
    pose proof U_ge as (U1 & U2 & U3 & U4).
    set (gofs := yoff (tok cfg) (ch cfg) i). set (w := gofs + glen cfg).
    assert (Hw : w <= wmax cfg).
    { unfold w, gofs, wmax. pose proof (yoff_mono (tok cfg) (ch cfg) i (K cfg)). lia. }
    pose proof (ntok_le i Hi) as HN. pose proof (tok_le_ntok cfg i) as HM.
    assert (HNd : ntok cfg i * dm cfg <= B * B) by (apply Nat.mul_le_mono; lia).
    assert (HMd : tok cfg i * dm cfg <= B * B) by (apply Nat.mul_le_mono; lia).
    assert (HMc : tok cfg i * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia).
    assert (Hgofs : gofs <= wmax cfg) by (unfold gofs, wmax; pose proof (yoff_mono (tok cfg) (ch cfg) i (K cfg)); lia).
    assert (Hglen : glen cfg <= wmax cfg) by (unfold wmax; lia).
    unfold scale_at_g, scale_at_by. fold_g am. fold gofs w.
    set (N := ntok cfg i) in *. set (M := tok cfg i) in *.
    (* A *)
    pose proof (shape_PPar_arity (seq_at p cfg gofs w i) (keep 0 w)) as SA.
    rewrite shape_keep, keep_arity, seq_at_arity in SA.
    pose proof (seq_shape gofs w i Hi Hw) as Sseq.
    (* B *)
    pose proof (shape_iter (N * dm cfg + w) (L cfg)
      (fun l => tl_at_g am p (LD cfg) N (map (tok cfg) (seq 0 (S i))) (lim_at cfg i) (off_ar cfg l) gofs w)
      (1000 * U + 20 * w)
      (fun l _ => tl_shape_g am p (LD cfg) N _ (lim_at cfg i) (off_ar cfg l) gofs w B U
                    Hok Hm1 HN Hd Hdh HH Hff H1 HU1 HUi)) as SB.
    (* C *)
    pose proof (shape_PPar_arity (keep ((N - M) * dm cfg) (M * dm cfg)) (keep (N * dm cfg) w)) as SC1.
    pose proof (shape_PPar_arity (keep (N * dm cfg + gofs + off_noise cfg i) (M * ch cfg))
                  (PPar (keep ((N - M) * dm cfg) (M * dm cfg)) (keep (N * dm cfg) w))) as SC2.
    rewrite !shape_keep, !keep_arity in SC1, SC2. cbn [arity_out] in SC2. rewrite !keep_arity in SC2.
    (* D *)
    pose proof (flow_g_shape am p (FD cfg) M (T cfg) (off_fh cfg) gofs w B U Hok Hm2 HU1 HU1' ltac:(lia) Hc Hd Hdh HH Hff H1)
      as SD. cbn [fhLf FD] in SD.
    (* E *)
    pose proof (shape_PPar_arity (keep 0 (M * ch cfg)) (keep (M * ch cfg + M * dm cfg + gofs) (glen cfg))) as SE1.
    pose proof (shape_PPar_arity (keep (M * ch cfg + M * dm cfg) gofs)
                  (PPar (keep 0 (M * ch cfg)) (keep (M * ch cfg + M * dm cfg + gofs) (glen cfg)))) as SE2.
    rewrite !shape_keep, !keep_arity in SE1, SE2. cbn [arity_out] in SE2. rewrite !keep_arity in SE2.
    (* the chain *)
    eapply Nat.le_trans; [apply shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_l, shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_l, Nat.add_le_mono_l, shape_PSeq|].
    eapply Nat.le_trans; [apply Nat.add_le_mono_l, Nat.add_le_mono_l, Nat.add_le_mono_l, shape_PSeq|].
    unfold scale_coef.
    set (X := 1100 * U + 20 * wmax cfg).
    assert (Hi1 : (i + 1) * (84 * B4 B + 2 * wmax cfg) <= K cfg * X)
      by (apply Nat.mul_le_mono; unfold X; lia).
    assert (HBX : (2 * L cfg + 2) * (1000 * U + 20 * w) <= 2 * (L cfg * X) + 2 * X).
    { replace (2 * (L cfg * X) + 2 * X) with ((2 * L cfg + 2) * X) by ring.
      apply Nat.mul_le_mono_l; unfold X; lia. }
    assert (HDX : (2 * T cfg + 2) * ((2 * Lf cfg + 3) * (1100 * U + 20 * w))
                  <= (2 * T cfg + 2) * (2 * Lf cfg + 3) * X)
      by (rewrite <- Nat.mul_assoc; apply Nat.mul_le_mono_l, Nat.mul_le_mono_l; unfold X; lia).
    assert (HX : B4 B + wmax cfg <= X) by (unfold X; lia).
    set (Q := (2 * T cfg + 2) * (2 * Lf cfg + 3)) in *.
    replace ((K cfg + 2 * L cfg + Q + 22) * X) with (K cfg * X + 2 * (L cfg * X) + Q * X + 22 * X)
      by ring.
    rewrite ?shape_keep, ?keep_arity in SC1, SE1.
    clearbody X Q. lia.
  Qed.

  Lemma scale_shape i : i < K cfg ->
    shape (scale_at p cfg i) <= scale_coef * (1100 * B4 B + 20 * wmax cfg).
  Proof. rewrite scale_at_exact. exact (scale_g_shape exact_am (B4 B) i (exact_cfg_ok p cfg) (le_n _) (le_n _)). Qed.
End shape.

(** The explicit coefficient of the size bound (a polynomial in [K, L, Lf, T]). *)
Definition shape_coef (K L Lf T : nat) : nat :=
  (K + 1) * ((K + 2 * L + (2 * T + 2) * (2 * Lf + 3) + 22)
             * (1100 + 20 * (2 * K + 12 * (L + Lf) + 10))).

Local Ltac mono := repeat first [apply Nat.add_le_mono | apply Nat.mul_le_mono]; try lia.

Lemma shape_coef_mono K L Lf T K' L' Lf' T' :
  K <= K' -> L <= L' -> Lf <= Lf' -> T <= T' -> shape_coef K L Lf T <= shape_coef K' L' Lf' T'.
Proof.
  intros. unfold shape_coef.
  assert ((2 * T + 2) * (2 * Lf + 3) <= (2 * T' + 2) * (2 * Lf' + 3)) by (apply Nat.mul_le_mono; lia).
  apply Nat.mul_le_mono; [lia|]. apply Nat.mul_le_mono; lia.
Qed.

Lemma flowar_depth_mono (P : FloatPrimitivesTC0) K L Lf T K' L' Lf' T' :
  K <= K' -> L <= L' -> Lf <= Lf' -> T <= T' -> flowar_depth P K L Lf T <= flowar_depth P K' L' Lf' T'.
Proof. intros. unfold flowar_depth, scale_depth, scale_depth_g. mono. Qed.

Lemma flowar_depth_g_mono (P : FloatPrimitivesTC0) ad K L Lf T K' L' Lf' T' :
  K <= K' -> L <= L' -> Lf <= Lf' -> T <= T' -> flowar_depth_g P ad K L Lf T <= flowar_depth_g P ad K' L' Lf' T'.
Proof. intros. unfold flowar_depth_g, scale_depth_g. mono. Qed.

Lemma B4_mono x y : x <= y -> B4 x <= B4 y.
Proof. intros. unfold B4. mono. Qed.

Section shape_total.
  Context (p : nat) (cfg : Config) (B : nat).
  Context (HB : dimB cfg <= B).

  Lemma tl_size_le : tl_size (LD cfg) <= 12 * B4 B.
  Proof.
    destruct (dims_le cfg B HB) as (Hd & Hdh & HH & Hff & Hc & H1).
    pose proof (U_ge cfg B HB) as (U1 & U2 & U3 & U4).
    unfold tl_size, o_c2, o_w2, o_c1, o_w1, o_b2, o_g2, o_o.
    apply (Nat.le_trans _ (2 * B + B * (3 * (B * B)) + B * B * B + B + B + B * B + B + B * B + B)).
    - fold (dm cfg). mono.
    - assert (B * (3 * (B * B)) = 3 * (B * (B * B))) by ring.
      assert (B * B * B = B * (B * B)) by ring. lia.
  Qed.

  Lemma wmax_le : wmax cfg <= (2 * K cfg + 12 * (L cfg + Lf cfg) + 10) * B4 B.
  Proof.
    destruct (dims_le cfg B HB) as (Hd & Hdh & HH & Hff & Hc & H1).
    pose proof (U_ge cfg B HB) as (U1 & U2 & U3 & U4).
    pose proof tl_size_le as Htl.
    assert (Hy : yoff (tok cfg) (ch cfg) (K cfg) <= K cfg * (B * B)).
    { unfold yoff. apply list_sum_le_max_mul. intros j Hj.
      pose proof (ntok_le cfg B HB j Hj). pose proof (tok_le_ntok cfg j).
      apply Nat.mul_le_mono; lia. }
    assert (H0 : tok cfg 0 * dm cfg <= B * B).
    { destruct (K cfg) eqn:EK.
      - unfold dimB in HB. rewrite EK in HB. cbn in HB. unfold ntok in HB. cbn in HB.
        apply Nat.mul_le_mono; lia.
      - pose proof (ntok_le cfg B HB 0 ltac:(lia)). pose proof (tok_le_ntok cfg 0).
        apply Nat.mul_le_mono; lia. }
    assert (Hcd : ch cfg * dm cfg <= B * B) by (apply Nat.mul_le_mono; lia).
    assert (HL : L cfg * tl_size (LD cfg) <= L cfg * (12 * B4 B)) by (apply Nat.mul_le_mono_l; lia).
    assert (HLf : Lf cfg * tl_size (LD cfg) <= Lf cfg * (12 * B4 B)) by (apply Nat.mul_le_mono_l; lia).
    assert (HKB : K cfg * (B * B) <= K cfg * B4 B) by (apply Nat.mul_le_mono_l; lia).
    unfold wmax, glen, off_fh, off_ar, off_embb, off_embW, off_noise, fh_size, fh_bout, fh_wout,
      fh_layers, fh_e, fh_bin. cbn [fhc fhLD fhLf FD]. fold (dm cfg).
    rewrite (Nat.mul_comm (dm cfg) (ch cfg)). nia.
  Qed.

  Theorem flowar_g_shape am U : am_cfg_ok am p cfg -> B4 B <= U -> am_U am B (K cfg) <= U -> 1 <= K cfg ->
    shape (flowar_prog_g am p cfg) <= shape_coef (K cfg) (L cfg) (Lf cfg) (T cfg) * U.
  Proof.
    intros Hcfg HU1 HU2 HK. pose proof (U_ge cfg B HB) as (U1 & U2 & U3 & U4).
    set (X := 1100 * U + 20 * wmax cfg).
    assert (Hsc : forall k, k <= K cfg -> shape (scales_at_g am p cfg k) <= k * (scale_coef cfg * X) + glen cfg).
    { intros k Hk. apply grow_shape. intros i Hi. apply (scale_g_shape p cfg B HB am U i Hcfg HU1 HU2). lia. }
    unfold flowar_prog_g, flowar_prog_by. fold_g am. eapply Nat.le_trans; [apply shape_PSeq|]. rewrite shape_keep.
    pose proof (Hsc (K cfg) (le_n _)) as HS.
    assert (Hlast : tok cfg (K cfg - 1) * ch cfg <= B4 B).
    { destruct (dims_le cfg B HB) as (_ & _ & _ & _ & Hc & _).
      pose proof (ntok_le cfg B HB (K cfg - 1) ltac:(lia)). pose proof (tok_le_ntok cfg (K cfg - 1)).
      assert (tok cfg (K cfg - 1) * ch cfg <= B * B) by (apply Nat.mul_le_mono; lia). lia. }
    assert (Hglen : glen cfg <= wmax cfg) by (unfold wmax; lia).
    pose proof wmax_le as HW.
    assert (HWU : wmax cfg <= (2 * K cfg + 12 * (L cfg + Lf cfg) + 10) * U)
      by (eapply Nat.le_trans; [exact HW|apply Nat.mul_le_mono_l; exact HU1]).
    assert (HX : X <= (1100 + 20 * (2 * K cfg + 12 * (L cfg + Lf cfg) + 10)) * U).
    { unfold X. lia. }
    assert (Hsc1 : 1 <= scale_coef cfg) by (unfold scale_coef; lia).
    assert (HXB : U <= X) by (unfold X; lia).
    unfold shape_coef. unfold scale_coef in *.
    set (S := K cfg + 2 * L cfg + (2 * T cfg + 2) * (2 * Lf cfg + 3) + 22) in *.
    set (C := 1100 + 20 * (2 * K cfg + 12 * (L cfg + Lf cfg) + 10)) in *.
    assert (H1 : S * X <= S * (C * U)) by (apply Nat.mul_le_mono_l; exact HX).
    assert (H2 : X <= S * X).
    { rewrite <- (Nat.mul_1_l X) at 1. apply Nat.mul_le_mono_r. exact Hsc1. }
    assert (H3 : K cfg * (S * X) <= K cfg * (S * (C * U))) by (apply Nat.mul_le_mono_l; exact H1).
    replace ((K cfg + 1) * (S * C) * U) with (K cfg * (S * (C * U)) + S * (C * U)) by ring.
    assert (glen cfg + U <= X) by (unfold X; lia).
    clearbody X S C. lia.
  Qed.

  Theorem flowar_shape : 1 <= K cfg ->
    shape (flowar_prog p cfg) <= shape_coef (K cfg) (L cfg) (Lf cfg) (T cfg) * B4 B.
  Proof. rewrite flowar_prog_exact. exact (flowar_g_shape exact_am (B4 B) (exact_cfg_ok p cfg) (le_n _) (le_n _)). Qed.
End shape_total.
