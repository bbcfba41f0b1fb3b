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
    computes [flowar_float], the output of the recomputing pipeline. *)
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

  Theorem kv_layers_correct Ys i Y rest l :
    let M := tok cfg i in let C := kvrows cfg i in let d := dm cfg in
    let E := Y ++ cacheOf P p cfg G Ys i C ++ rest in
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
        replace ((A ++ E) ++ G) with ((A ++ Y) ++ cacheOf P p cfg G Ys i (kvrows cfg i) ++ rest ++ G)
          by (unfold E; rewrite !app_assoc; reflexivity).
        destruct (block_cache P p cfg G Ys i (A ++ Y) (rest ++ G) l h ltac:(lia) Hh) as [BK BV].
        split; [eapply block_off_eq; [|exact BK]|eapply block_off_eq; [|exact BV]];
          unfold oVc, oKc; rewrite app_length; lia.
      + intros h jj k Hh Hj Hk. split; reflexivity.
      + intros t Ht. pose proof (tok_le_ntok cfg i). rewrite lim_at_last by (unfold kvrows; lia).
        unfold kvrows. lia.
  Qed.
End layers.
