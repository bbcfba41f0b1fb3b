(** * The KV-cached FlowAR pipeline as one program

    The released FlowAR keeps, for every AR layer [l] and head [h], the keys
    and values of all tokens seen so far, and at scale [i] runs only the
    [tok i] tokens of the newest block.  [flowar_cached_prog] is that
    inference as ONE program; its state before scale [i] is
    {v
      yflat Ys i ++ cache_i ++ G        cache_i = kvflat (ntok i − tok i) dh (L·H) …
    v}
    ([yflat]: the outputs so far, as in [flowar_prog]; [cache_i]: entry
    [l·H + h] holds layer [l]'s, head [h]'s keys stacked on its values, one
    row per earlier token; [G]: the input vector).  Scale [i] ([kv_scale_at]):
    {v
      1  the newest block only: the class tokens (i = 0) or the embedded
         up-sampled output of scale i − 1                      (newblock_at)
      2  L cache-extending layers on its tok i rows ([Runtime/KVLayer.v]);
         layer l appends its new keys and values to an accumulator (kv_layers_at)
      3  wiring: noise, condition, the outputs, the NEW cache (old rows of
         every entry, then the new ones: kvassemble), G
      4  the flow head, unchanged (flow_at); wiring back to the state shape.
    v}
    Proved here: [kv_scale_at_correct] (one scale maps the state of scale
    [i] to the state of scale [i + 1], the cache holding the keys and values
    of the recomputing model's hidden states — [Runtime/KVPrefix.v]'s
    [kv_cache_keys] says they are the same at every later scale) and
    [flowar_cached_prog_correct]: on every input vector the cached program
    computes [flowar_float], the output of the recomputing pipeline.
    Its work, typing and depth: [Runtime/KVPipelineCost.v]. *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon LayerNorm Attention MLP Sampling.
From FlowARProofs.Pipeline Require Import Layer FlowHead Scales FlowAR.
From FlowARProofs.Runtime Require Import KVPrefix KVCache KVLayer.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatPrimitivesTC0) (cfg : Config) (G : list flt) (Ys : list mat) (p i j l : nat).

(** ** The layers' new keys and values, newest first *)

Fixpoint accum (f : nat -> list flt) l : list flt :=
  match l with 0 => [] | S l' => f l' ++ accum f l' end.

Lemma accum_length (f : nat -> list flt) l w :
  (forall j, j < l -> length (f j) = w) -> length (accum f l) = l * w.
Proof.
  induction l as [|l IH]; intros H; [reflexivity|]. cbn [accum].
  rewrite app_length, (H l), IH; [lia| |lia]. intros; apply H; lia.
Qed.

Lemma block_accum (f : nat -> list flt) L0 w j off r c A :
  (forall j, j < L0 -> length (f j) = w) -> j < L0 -> off + r * c <= w -> block (f j) off r c A ->
  block (accum f L0) ((L0 - 1 - j) * w + off) r c A.
Proof.
  induction L0 as [|L0 IH]; intros Hw Hj Hoff HA; [lia|]. cbn [accum].
  destruct (Nat.eq_dec j L0) as [->|Hne].
  - replace (S L0 - 1 - L0) with 0 by lia. apply block_app_l; [rewrite Hw by lia; lia|exact HA].
  - replace ((S L0 - 1 - j) * w + off) with (length (f L0) + ((L0 - 1 - j) * w + off)).
    + apply block_app_r, IH; auto; lia.
    + rewrite Hw by lia. replace (S L0 - 1 - j) with (S (L0 - 1 - j)) by lia. cbn [Nat.mul]. lia.
Qed.

(** ** Sizes and the cache's contents *)

Section sizes.
  Context (cfg : Config).
  Definition kvH := lH (LD cfg).
  Definition kvdh := ldh (LD cfg).
  (** Rows in the cache at the start of scale [i]. *)
  Definition kvrows i := ntok cfg i - tok cfg i.
  (** Length of a cache of [r] rows. *)
  Definition kvlen r := L cfg * kvH * ((r + r) * kvdh).
  (** Length of one layer's new keys and values at scale [i]. *)
  Definition kvw i := kvH * ((tok cfg i + tok cfg i) * kvdh).
  (** Where layer [l]'s, head [h]'s cached keys / values sit, the cache at [base]. *)
  Definition oKc i base l h := base + (l * kvH + h) * ((kvrows i + kvrows i) * kvdh).
  Definition oVc i base l h := oKc i base l h + kvrows i * kvdh.
End sizes.

Section contents.
  Context (P : FloatPrimitivesTC0) (p : nat) (cfg : Config) (G : list flt).
  Let d := dm cfg.

  (** Layer [l]'s input after LayerNorm at scale [i], its keys and values. *)
  Definition Zt Ys i l : mat :=
    flnaff P p d (rd G (off_ar cfg l + o_g1 (LD cfg)) 1 d) (rd G (off_ar cfg l + o_b1 (LD cfg)) 1 d)
      (hidden P p cfg G Ys i l).
  Definition Kt Ys i l h : mat := fmatmul p d (Zt Ys i l) (rd G (off_ar cfg l + o_k (LD cfg) h) d (kvdh cfg)).
  Definition Vt Ys i l h : mat := fmatmul p d (Zt Ys i l) (rd G (off_ar cfg l + o_v (LD cfg) h) d (kvdh cfg)).

  (** The cache: the keys and values of the first [r] tokens, every layer and head. *)
  Definition cacheOf Ys i r : list flt :=
    kvflat r (kvdh cfg) (L cfg * kvH cfg) (fun q => Kt Ys i (q / kvH cfg) (q mod kvH cfg))
           (fun q => Vt Ys i (q / kvH cfg) (q mod kvH cfg)).

  (** Layer [l]'s new keys and values at scale [i]: rows [kvrows i + t]. *)
  Definition kvnew Ys i l : list flt :=
    kvflat (tok cfg i) (kvdh cfg) (kvH cfg) (fun h t k => Kt Ys i l h (kvrows cfg i + t) k)
           (fun h t k => Vt Ys i l h (kvrows cfg i + t) k).

  Lemma cacheOf_length Ys i r : length (cacheOf Ys i r) = kvlen cfg r.
  Proof. unfold cacheOf, kvlen. rewrite kvflat_length. lia. Qed.

  Lemma kvnew_length Ys i l : length (kvnew Ys i l) = kvw cfg i.
  Proof. unfold kvnew, kvw. apply kvflat_length. Qed.

  Lemma qdiv l h : h < kvH cfg -> (l * kvH cfg + h) / kvH cfg = l /\ (l * kvH cfg + h) mod kvH cfg = h.
  Proof.
    intros Hh. assert (Hn : kvH cfg <> 0) by lia. split.
    - rewrite Nat.div_add_l by exact Hn. rewrite Nat.div_small by exact Hh. lia.
    - rewrite Nat.add_comm, Nat.mod_add by exact Hn. apply Nat.mod_small, Hh.
  Qed.

  Lemma block_cache Ys i Y rest l h :
    l < L cfg -> h < kvH cfg ->
    block (Y ++ cacheOf Ys i (kvrows cfg i) ++ rest) (oKc cfg i (length Y) l h) (kvrows cfg i) (kvdh cfg)
      (Kt Ys i l h)
    /\ block (Y ++ cacheOf Ys i (kvrows cfg i) ++ rest) (oVc cfg i (length Y) l h) (kvrows cfg i) (kvdh cfg)
      (Vt Ys i l h).
  Proof.
    intros Hl Hh. destruct (qdiv l h Hh) as [E1 E2].
    assert (Hq : l * kvH cfg + h < L cfg * kvH cfg) by nia.
    assert (Hlen : length (cacheOf Ys i (kvrows cfg i)) = L cfg * kvH cfg * ((kvrows cfg i + kvrows cfg i) * kvdh cfg))
      by (unfold cacheOf; apply kvflat_length).
    unfold oVc, oKc. split.
    - apply block_app_r, block_app_l; [rewrite Hlen; nia|].
      pose proof (block_kvflat_K (kvrows cfg i) (kvdh cfg) (L cfg * kvH cfg)
                    (fun q => Kt Ys i (q / kvH cfg) (q mod kvH cfg))
                    (fun q => Vt Ys i (q / kvH cfg) (q mod kvH cfg)) _ Hq) as HB.
      cbv beta in HB. rewrite E1, E2 in HB. exact HB.
    - rewrite <- Nat.add_assoc. apply block_app_r, block_app_l; [rewrite Hlen; nia|].
      pose proof (block_kvflat_V (kvrows cfg i) (kvdh cfg) (L cfg * kvH cfg)
                    (fun q => Kt Ys i (q / kvH cfg) (q mod kvH cfg))
                    (fun q => Vt Ys i (q / kvH cfg) (q mod kvH cfg)) _ Hq) as HB.
      cbv beta in HB. rewrite E1, E2 in HB. exact HB.
  Qed.
End contents.

(** ** The AR stage: [l] cache-extending layers *)

Fixpoint kv_layers_at p cfg i base go r l : prog :=
  match l with
  | 0 => idw (tok cfg i * dm cfg + r)
  | S l' => PSeq (kv_layers_at p cfg i base go r l')
                 (kve_tl_at p (LD cfg) (tok cfg i) (kvrows cfg i)
                    (fun h => l' * kvw cfg i + oKc cfg i base l' h)
                    (fun h => l' * kvw cfg i + oVc cfg i base l' h)
                    (off_ar cfg l') (l' * kvw cfg i + go) (l' * kvw cfg i + r))
  end.

Section layers.
  Context (P : FloatPrimitivesTC0) (p : nat) (cfg : Config) (G : list flt).

  Theorem kv_layers_correct Ys i Y l :
    let M := tok cfg i in let C := kvrows cfg i in let d := dm cfg in
    let E := Y ++ cacheOf P p cfg G Ys i C in
    l <= L cfg ->
    peval P p (kv_layers_at p cfg i (length Y) (length E) (length E + length G) l)
      (flat M d (fun t k => fseq p cfg G Ys i (C + t) k) ++ E ++ G)
    = flat M d (fun t k => hidden P p cfg G Ys i l (C + t) k) ++ accum (kvnew P p cfg G Ys i) l ++ E ++ G.
  Proof.
    intros M C d E. induction l as [|l IH]; intros Hl; cbn [kv_layers_at accum].
    - assert (Hw : tok cfg i * dm cfg + (length E + length G) = length (flat M d (fun t k => fseq p cfg G Ys i (C + t) k) ++ E ++ G))
        by (rewrite !app_length, flat_length; reflexivity).
      rewrite Hw, idw_correct. reflexivity.
    - rewrite peval_PSeq, IH by lia. unfold M, C, d.
      set (A := accum (kvnew P p cfg G Ys i) l).
      assert (HA : length A = l * kvw cfg i)
        by (apply accum_length; intros; apply kvnew_length).
      replace (l * kvw cfg i + length E) with (length (A ++ E)) by (rewrite app_length; lia).
      replace (l * kvw cfg i + (length E + length G)) with (length (A ++ E) + length G)
        by (rewrite app_length; lia).
      rewrite (app_assoc A E G).
      change (dm cfg) with (ld (LD cfg)) in *.
      pose proof (kve_tl_at_correct P p (LD cfg) (tok cfg i) (kvrows cfg i) (fun h => l * kvw cfg i + oKc cfg i (length Y) l h)
                    (fun h => l * kvw cfg i + oVc cfg i (length Y) l h) (off_ar cfg l) (lim_at cfg i)
                    (hidden P p cfg G Ys i l) (Kt P p cfg G Ys i l) (Vt P p cfg G Ys i l) (A ++ E) G) as HL.
      cbv zeta in HL. rewrite HL; clear HL.
      + rewrite <- !app_assoc. reflexivity.
      + intros h Hh.
        replace ((A ++ E) ++ G) with ((A ++ Y) ++ cacheOf P p cfg G Ys i (kvrows cfg i) ++ G)
          by (unfold E; rewrite !app_assoc; reflexivity).
        destruct (block_cache P p cfg G Ys i (A ++ Y) G l h ltac:(lia) Hh) as [BK BV].
        split; [eapply block_off_eq; [|exact BK]|eapply block_off_eq; [|exact BV]];
          unfold oVc, oKc; rewrite app_length; lia.
      + intros h jj k Hh Hj Hk. split; reflexivity.
      + intros t Ht. pose proof (tok_le_ntok cfg i). rewrite lim_at_last by (unfold kvrows; lia).
        unfold kvrows. lia.
  Qed.
End layers.

(** ** One scale *)

(** The newest block of the sequence: the class tokens, or the embedded
    up-sampled output of the previous scale. *)
Definition newblock_at p cfg gofs w i : prog :=
  match i with 0 => keep gofs (tok cfg 0 * dm cfg) | S j => embed_at p cfg gofs w j end.

(** The cache of the next scale: for every entry [q = l·H + h], the old
    rows (from the cache at [base]) and the new ones (from the accumulator
    at [acc], where layer [l]'s table sits at [(L − 1 − l)·kvw]). *)
Definition kvassemble cfg i base acc : prog :=
  let H := kvH cfg in let dh := kvdh cfg in let C := kvrows cfg i in let M := tok cfg i in
  PFor (L cfg * H) (fun q =>
    PPar (keep (base + q * ((C + C) * dh)) (C * dh))
    (PPar (keep (acc + ((L cfg - 1 - q / H) * kvw cfg i + q mod H * ((M + M) * dh))) (M * dh))
    (PPar (keep (base + q * ((C + C) * dh) + C * dh) (C * dh))
          (keep (acc + ((L cfg - 1 - q / H) * kvw cfg i + (q mod H * ((M + M) * dh) + M * dh))) (M * dh))))).

Definition kv_scale_at p cfg i : prog :=
  let c := ch cfg in let d := dm cfg in
  let M := tok cfg i in
  let y := yoff (tok cfg) c i in
  let gofs := y + kvlen cfg (kvrows cfg i) in let w := gofs + glen cfg in
  let aw := L cfg * kvw cfg i in
  let gofs' := y + kvlen cfg (ntok cfg i) in
  PSeq (PPar (newblock_at p cfg gofs w i) (keep 0 w))
  (PSeq (kv_layers_at p cfg i y gofs w (L cfg))
  (PSeq (PPar (keep (M * d + aw + gofs + off_noise cfg i) (M * c))
        (PPar (keep 0 (M * d))
        (PPar (keep (M * d + aw) y)
        (PPar (kvassemble cfg i (M * d + aw + y) (M * d))
              (keep (M * d + aw + gofs) (glen cfg))))))
  (PSeq (flow_at p (FD cfg) M (T cfg) (off_fh cfg) gofs' (gofs' + glen cfg))
        (PPar (keep (M * c + M * d) y)
        (PPar (keep 0 (M * c)) (keep (M * c + M * d + y) (kvlen cfg (ntok cfg i) + glen cfg))))))).

(** The whole cached pipeline: [K] scales, the state carrying the cache, then the last output. *)
Fixpoint kv_scales_at p cfg k : prog :=
  match k with 0 => idw (glen cfg) | S k' => PSeq (kv_scales_at p cfg k') (kv_scale_at p cfg k') end.

Definition flowar_cached_prog p cfg : prog :=
  PSeq (kv_scales_at p cfg (K cfg)) (keep (yoff (tok cfg) (ch cfg) (K cfg - 1)) (tok cfg (K cfg - 1) * ch cfg)).

(** ** Correctness *)

Lemma ntok_0 cfg : ntok cfg 0 = tok cfg 0.
Proof. unfold ntok. cbn [seq map list_sum fold_right]. lia. Qed.

Lemma fit1 h Hc X m : h < Hc -> m <= X -> h * X + m <= Hc * X.
Proof. intros. nia. Qed.

Lemma acc_fit Lc Hc l h X m : l < Lc -> h < Hc -> m <= X -> (Lc - 1 - l) * (Hc * X) + (h * X + m) <= Lc * (Hc * X).
Proof.
  intros Hl Hh Hm. pose proof (fit1 h Hc X m Hh Hm).
  replace Lc with (S (Lc - 1 - l) + l) at 2 by lia. nia.
Qed.

Section correct.
  Context (P : FloatPrimitivesTC0) (p : nat) (cfg : Config) (G : list flt).
  Local Notation yf Ys i := (yflat (tok cfg) (ch cfg) Ys i).

  Lemma embed_at_correct_kv Ys i j E2 : j < i ->
    peval P p (embed_at p cfg (length (yf Ys i) + length E2) (length (yf Ys i) + length E2 + length G) j)
          (yf Ys i ++ E2 ++ G)
    = flat (tok cfg (S j)) (dm cfg) (fembed p cfg G (nth j Ys mzero) j).
  Proof.
    intros Hj. unfold embed_at. rewrite peval_PSeq, peval_PPar.
    rewrite (up_at_correct P p _ _ (a cfg) (side cfg j) (side cfg j) (ch cfg) (nth j Ys mzero))
      by (exact (block_yflat (tok cfg) (ch cfg) Ys i j (E2 ++ G) Hj)).
    rewrite keep0 by (rewrite !app_length; lia).
    set (U := fup p (a cfg) (side cfg j) (side cfg j) (nth j Ys mzero)).
    rewrite <- tok_S, (app_assoc (yf Ys i) E2 G).
    apply mlp_at_correct.
    - apply block_front.
    - rewrite <- (flat_length (tok cfg (S j)) (ch cfg) U).
      apply block_weights; [reflexivity|apply app_length].
    - rewrite <- (flat_length (tok cfg (S j)) (ch cfg) U).
      apply block_weights; [reflexivity|apply app_length].
  Qed.

  Lemma newblock_correct Ys i E2 :
    peval P p (newblock_at p cfg (length (yf Ys i) + length E2) (length (yf Ys i) + length E2 + length G) i)
      (yf Ys i ++ E2 ++ G)
    = flat (tok cfg i) (dm cfg) (fun t k => fseq p cfg G Ys i (kvrows cfg i + t) k).
  Proof.
    destruct i as [|j]; cbn [newblock_at].
    - rewrite app_assoc, (keep_block P p _ _ (tok cfg 0) (dm cfg) (rd G 0 (tok cfg 0) (dm cfg))).
      + apply flat_ext. intros t k Ht Hk. cbn [fseq]. unfold kvrows. rewrite ntok_0.
        replace (tok cfg 0 - tok cfg 0 + t) with t by lia. reflexivity.
      + rewrite <- (Nat.add_0_r (length (yf Ys 0) + length E2)), <- app_length. apply block_rd_app.
    - rewrite embed_at_correct_kv by lia. apply flat_ext. intros t k Ht Hk. cbn [fseq].
      unfold vcat, kvrows. rewrite ntok_S. replace (ntok cfg j + tok cfg (S j) - tok cfg (S j) + t) with (ntok cfg j + t) by lia.
      destruct (Nat.ltb_spec (ntok cfg j + t) (ntok cfg j)); [lia|]. f_equal. lia.
  Qed.

  Lemma kvassemble_correct Ys i (xs : list flt) base acc :
    let H := kvH cfg in let dh := kvdh cfg in let C := kvrows cfg i in let M := tok cfg i in
    (forall q, q < L cfg * H ->
       block xs (base + q * ((C + C) * dh)) C dh (Kt P p cfg G Ys i (q / H) (q mod H))
       /\ block xs (base + q * ((C + C) * dh) + C * dh) C dh (Vt P p cfg G Ys i (q / H) (q mod H))) ->
    (forall l h, l < L cfg -> h < H ->
       block xs (acc + ((L cfg - 1 - l) * kvw cfg i + h * ((M + M) * dh))) M dh
         (fun t k => Kt P p cfg G Ys i l h (C + t) k)
       /\ block xs (acc + ((L cfg - 1 - l) * kvw cfg i + (h * ((M + M) * dh) + M * dh))) M dh
         (fun t k => Vt P p cfg G Ys i l h (C + t) k)) ->
    peval P p (kvassemble cfg i base acc) xs = cacheOf P p cfg G Ys i (C + M).
  Proof.
    intros H dh C M HC HA. unfold kvassemble, cacheOf. fold H dh C M.
    rewrite kvflat_split. cbn [peval]. f_equal. apply map_ext_in. intros q Hq. apply in_seq in Hq.
    assert (HH : H <> 0) by (intros E; rewrite E in Hq; lia).
    assert (Hl : q / H < L cfg) by (apply Nat.div_lt_upper_bound; lia).
    pose proof (Nat.mod_upper_bound q H HH) as Hh.
    destruct (HC q ltac:(lia)) as [BK BV]. destruct (HA (q / H) (q mod H) Hl Hh) as [NK NV].
    rewrite ?peval_PPar, (keep_block _ _ _ _ _ _ _ BK), (keep_block _ _ _ _ _ _ _ BV),
      (keep_block _ _ _ _ _ _ _ NK), (keep_block _ _ _ _ _ _ _ NV).
    reflexivity.
  Qed.

  Context (HG : length G = glen cfg).

  Theorem kv_scale_at_correct Ys i :
    peval P p (kv_scale_at p cfg i) (yf Ys i ++ cacheOf P p cfg G Ys i (kvrows cfg i) ++ G)
    = yf Ys i ++ flat (tok cfg i) (ch cfg) (fscale P p cfg G Ys i) ++ cacheOf P p cfg G Ys i (ntok cfg i) ++ G.
  Proof.
    unfold kv_scale_at.
    set (Yf := yf Ys i). set (Cc := cacheOf P p cfg G Ys i (kvrows cfg i)).
    set (Cn := cacheOf P p cfg G Ys i (ntok cfg i)).
    assert (LY : length Yf = yoff (tok cfg) (ch cfg) i) by apply yflat_length.
    assert (LC : length Cc = kvlen cfg (kvrows cfg i)) by apply cacheOf_length.
    assert (LN : length Cn = kvlen cfg (ntok cfg i)) by apply cacheOf_length.
    rewrite <- LC, <- LN, <- LY, <- HG.
    set (M := tok cfg i). set (C := kvrows cfg i). set (d := dm cfg). set (c := ch cfg).
    (* the newest block *)
    pose proof (newblock_correct Ys i Cc) as NB. change (yf Ys i) with Yf in NB.
    rewrite peval_PSeq, peval_PPar, NB, keep0 by (rewrite !app_length; lia). clear NB.
    change (tok cfg i) with M. change (kvrows cfg i) with C. change (dm cfg) with d.
    (* the AR stage *)
    rewrite peval_PSeq, (app_assoc Yf Cc G).
    pose proof (kv_layers_correct P p cfg G Ys i Yf (L cfg) (le_n _)) as HL. cbv zeta in HL.
    rewrite app_length in HL. fold Cc M C d in HL. rewrite HL. clear HL.
    set (A := accum (kvnew P p cfg G Ys i) (L cfg)).
    assert (LA : length A = L cfg * kvw cfg i) by (apply accum_length; intros; apply kvnew_length).
    set (Yh := fun t k => hidden P p cfg G Ys i (L cfg) (C + t) k).
    rewrite <- (app_assoc Yf Cc G).
    assert (LF : length (flat M d Yh) = M * d) by apply flat_length.
    (* wiring and the new cache *)
    rewrite peval_PSeq, !peval_PPar.
    assert (W1 : peval P p (keep (M * d + L cfg * kvw cfg i + (length Yf + length Cc) + off_noise cfg i) (M * c))
                   (flat M d Yh ++ A ++ Yf ++ Cc ++ G) = flat M c (rd G (off_noise cfg i) M c)).
    { apply keep_block.
      replace (flat M d Yh ++ A ++ Yf ++ Cc ++ G) with ((flat M d Yh ++ A ++ Yf ++ Cc) ++ G)
        by (rewrite !app_assoc; reflexivity).
      replace (M * d + L cfg * kvw cfg i + (length Yf + length Cc) + off_noise cfg i)
        with (length (flat M d Yh ++ A ++ Yf ++ Cc) + off_noise cfg i) by (rewrite !app_length; lia).
      apply block_rd_app. }
    assert (W2 : peval P p (keep 0 (M * d)) (flat M d Yh ++ A ++ Yf ++ Cc ++ G) = flat M d Yh)
      by (apply keep_block, block_front).
    assert (W3 : peval P p (keep (M * d + L cfg * kvw cfg i) (length Yf)) (flat M d Yh ++ A ++ Yf ++ Cc ++ G) = Yf).
    { rewrite app_assoc. apply keep_at; [rewrite app_length; lia|reflexivity]. }
    assert (W5 : peval P p (keep (M * d + L cfg * kvw cfg i + (length Yf + length Cc)) (length G))
                   (flat M d Yh ++ A ++ Yf ++ Cc ++ G) = G).
    { replace (flat M d Yh ++ A ++ Yf ++ Cc ++ G) with ((flat M d Yh ++ A ++ Yf ++ Cc) ++ G)
        by (rewrite !app_assoc; reflexivity).
      apply keep_app; [rewrite !app_length; lia|reflexivity]. }
    assert (W4 : peval P p (kvassemble cfg i (M * d + L cfg * kvw cfg i + length Yf) (M * d))
                   (flat M d Yh ++ A ++ Yf ++ Cc ++ G) = Cn).
    { unfold Cn. replace (ntok cfg i) with (C + M) by (unfold C, M, kvrows; pose proof (tok_le_ntok cfg i); lia).
      apply kvassemble_correct.
      - intros q Hq.
        replace (flat M d Yh ++ A ++ Yf ++ Cc ++ G) with ((flat M d Yh ++ A ++ Yf) ++ Cc ++ G)
          by (rewrite !app_assoc; reflexivity).
        assert (LP : length (flat M d Yh ++ A ++ Yf) = M * d + L cfg * kvw cfg i + length Yf)
          by (rewrite !app_length; lia).
        assert (LCc : length Cc = L cfg * kvH cfg * ((C + C) * kvdh cfg))
          by (unfold Cc; apply kvflat_length).
        rewrite <- LP, <- Nat.add_assoc. split.
        + apply block_app_r, block_app_l; [rewrite LCc; nia|]. unfold Cc, cacheOf.
          apply (block_kvflat_K C (kvdh cfg) (L cfg * kvH cfg)
                   (fun q => Kt P p cfg G Ys i (q / kvH cfg) (q mod kvH cfg))
                   (fun q => Vt P p cfg G Ys i (q / kvH cfg) (q mod kvH cfg)) q Hq).
        + apply block_app_r, block_app_l; [rewrite LCc; nia|]. unfold Cc, cacheOf.
          apply (block_kvflat_V C (kvdh cfg) (L cfg * kvH cfg)
                   (fun q => Kt P p cfg G Ys i (q / kvH cfg) (q mod kvH cfg))
                   (fun q => Vt P p cfg G Ys i (q / kvH cfg) (q mod kvH cfg)) q Hq).
      - intros l h Hl Hh.
        assert (Hw : forall j, j < L cfg -> length (kvnew P p cfg G Ys i j) = kvw cfg i)
          by (intros; apply kvnew_length).
        assert (HA : length (A ++ Yf ++ Cc ++ G) >= L cfg * kvw cfg i) by (rewrite app_length; lia).
        assert (X1 : M * kvdh cfg <= (M + M) * kvdh cfg) by nia.
        pose proof (fit1 h (kvH cfg) ((M + M) * kvdh cfg) (M * kvdh cfg) Hh X1) as F1.
        pose proof (fit1 h (kvH cfg) ((M + M) * kvdh cfg) (M * kvdh cfg + M * kvdh cfg) Hh ltac:(lia)) as F2.
        pose proof (acc_fit (L cfg) (kvH cfg) l h ((M + M) * kvdh cfg) (M * kvdh cfg) Hl Hh X1) as F3.
        pose proof (acc_fit (L cfg) (kvH cfg) l h ((M + M) * kvdh cfg) (M * kvdh cfg + M * kvdh cfg) Hl Hh
                      ltac:(lia)) as F4.
        unfold kvw in *. rewrite <- LF. split.
        + apply block_app_r, block_app_l; [rewrite LA; lia|]. unfold A.
          apply (block_accum _ _ (kvH cfg * ((M + M) * kvdh cfg))); [exact Hw|exact Hl|lia|].
          unfold kvnew. change (tok cfg i) with M.
          exact (block_kvflat_K M (kvdh cfg) (kvH cfg) (fun h t k => Kt P p cfg G Ys i l h (kvrows cfg i + t) k)
                   (fun h t k => Vt P p cfg G Ys i l h (kvrows cfg i + t) k) h Hh).
        + apply block_app_r, block_app_l; [rewrite LA; lia|]. unfold A.
          apply (block_accum _ _ (kvH cfg * ((M + M) * kvdh cfg))); [exact Hw|exact Hl|lia|].
          unfold kvnew. change (tok cfg i) with M.
          exact (block_kvflat_V M (kvdh cfg) (kvH cfg) (fun h t k => Kt P p cfg G Ys i l h (kvrows cfg i + t) k)
                   (fun h t k => Vt P p cfg G Ys i l h (kvrows cfg i + t) k) h Hh). }
    rewrite W1, W2, W3, W4, W5. clear W1 W2 W3 W4 W5.
    (* the flow head *)
    rewrite peval_PSeq, <- (app_length Yf Cn), (app_assoc Yf Cn G).
    change c with (fhc (FD cfg)). change d with (ld (fhLD (FD cfg))).
    rewrite flow_at_correct. cbn [fhc fhLD FD].
    change (ld (LD cfg)) with d. change (ch cfg) with c.
    set (Y1 := flat M c _).
    assert (L1 : length Y1 = M * c) by apply flat_length.
    rewrite !peval_PPar.
    assert (K1 : peval P p (keep (M * c + M * d) (length Yf)) (Y1 ++ flat M d Yh ++ (Yf ++ Cn) ++ G) = Yf).
    { replace (Y1 ++ flat M d Yh ++ (Yf ++ Cn) ++ G) with ((Y1 ++ flat M d Yh) ++ Yf ++ Cn ++ G)
        by (rewrite !app_assoc; reflexivity).
      apply keep_at; rewrite ?app_length, ?flat_length; lia. }
    assert (K2 : peval P p (keep 0 (M * c)) (Y1 ++ flat M d Yh ++ (Yf ++ Cn) ++ G) = Y1)
      by (apply (keep_at P p [] Y1); cbn; lia).
    assert (K3 : peval P p (keep (M * c + M * d + length Yf) (length Cn + length G))
                   (Y1 ++ flat M d Yh ++ (Yf ++ Cn) ++ G) = Cn ++ G).
    { replace (Y1 ++ flat M d Yh ++ (Yf ++ Cn) ++ G) with ((Y1 ++ flat M d Yh ++ Yf) ++ Cn ++ G)
        by (rewrite !app_assoc; reflexivity).
      apply keep_app; rewrite ?app_length, ?flat_length; lia. }
    rewrite K1, K2, K3. reflexivity.
  Qed.
End correct.

(** ** The scales one after another *)

Lemma fseq_app p cfg G Ys y i : i <= length Ys -> fseq p cfg G (Ys ++ [y]) i = fseq p cfg G Ys i.
Proof.
  induction i as [|i IH]; intros Hi; cbn [fseq]; [reflexivity|].
  rewrite IH by lia. rewrite app_nth1 by lia. reflexivity.
Qed.

(** The cache after scale [i] is the cache before scale [i + 1]: the keys
    and values of the first [ntok i] tokens do not change when the output of
    scale [i] is appended ([Runtime/KVPrefix.v]'s [kv_cache_keys]). *)
Lemma cache_step P p cfg G Ys y i : length Ys = i ->
  cacheOf P p cfg G Ys i (ntok cfg i) = cacheOf P p cfg G (Ys ++ [y]) (S i) (kvrows cfg (S i)).
Proof.
  intros Hl. unfold kvrows. rewrite ntok_S.
  replace (ntok cfg i + tok cfg (S i) - tok cfg (S i)) with (ntok cfg i) by lia.
  unfold cacheOf. apply kvflat_ext. intros q r k Hq Hr Hk.
  set (l := q / kvH cfg). set (h := q mod kvH cfg).
  assert (Hh : hidden P p cfg G (Ys ++ [y]) i l = hidden P p cfg G Ys i l)
    by (unfold hidden; rewrite fseq_app by lia; reflexivity).
  unfold Kt, Vt, Zt. split.
  - symmetry. rewrite (kv_cache_keys P p cfg G (Ys ++ [y]) (S i) i l _ (kvdh cfg) _ _ (Nat.le_succ_diag_r i) r k Hr Hk).
    rewrite Hh. reflexivity.
  - symmetry. rewrite (kv_cache_keys P p cfg G (Ys ++ [y]) (S i) i l _ (kvdh cfg) _ _ (Nat.le_succ_diag_r i) r k Hr Hk).
    rewrite Hh. reflexivity.
Qed.

Lemma cacheOf_0 P p cfg G Ys : cacheOf P p cfg G Ys 0 (kvrows cfg 0) = [].
Proof.
  apply length_zero_iff_nil. rewrite cacheOf_length. unfold kvlen, kvrows. rewrite ntok_0.
  replace (tok cfg 0 - tok cfg 0) with 0 by lia. lia.
Qed.

Section correct_all.
  Context (P : FloatPrimitivesTC0) (p : nat) (cfg : Config) (G : list flt).
  Context (HG : length G = glen cfg).

  Lemma kv_scales_correct k :
    peval P p (kv_scales_at p cfg k) G
    = yflat (tok cfg) (ch cfg) (fouts P p cfg G k) k ++ cacheOf P p cfg G (fouts P p cfg G k) k (kvrows cfg k) ++ G.
  Proof.
    induction k as [|k IH]; cbn [kv_scales_at].
    - rewrite cacheOf_0. cbn [yflat seq map concat app]. rewrite <- HG. apply idw_correct.
    - rewrite peval_PSeq, IH, (kv_scale_at_correct P p cfg G HG).
      rewrite fouts_S.
      rewrite app_assoc, yflat_app by apply fouts_length.
      rewrite (cache_step P p cfg G (fouts P p cfg G k) (fscale P p cfg G (fouts P p cfg G k) k) k
                 (fouts_length P p cfg G k)). reflexivity.
  Qed.

  (** The cached program computes FlowAR's output: the KV cache changes the
      work, not the result, so [flowar_in_TC0]'s last conjunct speaks of the
      cached inference too. *)
  Theorem flowar_cached_prog_correct :
    1 <= K cfg ->
    peval P p (flowar_cached_prog p cfg) G = flat (tok cfg (K cfg - 1)) (ch cfg) (flowar_float P p cfg G).
  Proof.
    intros HK. unfold flowar_cached_prog, flowar_float. rewrite peval_PSeq, kv_scales_correct.
    apply keep_block. apply block_yflat. lia.
  Qed.

  Corollary flowar_cached_prog_same :
    1 <= K cfg -> peval P p (flowar_cached_prog p cfg) G = peval P p (flowar_prog p cfg) G.
  Proof. intros HK. rewrite flowar_cached_prog_correct, flowar_prog_correct; auto. Qed.
End correct_all.
