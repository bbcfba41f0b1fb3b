(** * Concrete families that satisfy every hypothesis of [flowar_in_TC0]

    The headline theorems take a family of configurations [cfgs n] and
    hypotheses about it; this file ships families that discharge all of
    them, so the theorems are not vacuous.  Both are indexed by the side [m]
    of the FIRST scale, with FlowAR's five doubling scales ([K = 5], [a = 2]):
    the scales have sides [m, 2m, 4m, 8m, 16m], the largest map is
    [16m × 16m], and [m ≤ 16m] is the index condition of [flowar_in_TC0].
    - [flowar_L_cfg m]: the paper-model dimensions of FlowAR-L — width 1024,
      16 heads of 64, FFN width 4096, [c = 16] latent channels, [L = 16] AR
      layers (the released 8 encoder + 8 decoder blocks), [Lf = 12]
      velocity-network layers, [T = 24] Euler updates, attention scale
      [1/8 = 1/√64] — with [m = 1] the released 16×16 latent.  Precision
      [p = 24] bits ([flowar_L_prec]).  Dimension bound:
      [dimB ≤ 5558·(m+1)²] ([flowar_L_dims_poly]).
    - [flowar_wide_cfg m]: widths and channels growing with the index —
      width [64(m+1)], [m+1] heads of 64, FFN width [256(m+1)], [c = m+1]
      (the [+1] keeps [c ≥ 1] at [m = 0]) — and precision [m + 24]
      ([flowar_wide_prec]), polynomial in [m].  [dimB ≤ 728·(m+1)²].
    [flowar_L_hyps] and [flowar_wide_hyps] prove every hypothesis of
    [flowar_in_TC0] (Main.v) except the trust record; [var_L_hyps] does the
    same for [var_in_TC0]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Pipeline Require Import Layer Scales FlowAR.
Import ListNotations.
Set Default Goal Selector "!".

(** ** FlowAR-L's dimensions, scaled to any first side [m] *)

Definition flowar_L_dims : LDims :=
  {| ld := 1024; lH := 16; ldh := 64; ldff := 4096; lsn := 1%Z; lsd := 8%Z |}.

Definition flowar_L_cfg (m : nat) : Config :=
  {| K := 5; s0 := m; a := 2; ch := 16; LD := flowar_L_dims; L := 16; Lf := 12; T := 24 |}.

Definition flowar_L_prec (m : nat) : nat := 24.

(** The coefficient of the dimension bound, [5558]: the token count's
    [341], width, head width, heads, FFN width, channels, and 1 (written as
    that sum: [nat] literals above 5000 are opaque to [lia]). *)
Definition flowar_L_dimb : nat := 341 + 1024 + 64 + 16 + 4096 + 16 + 1.

(** The token count of all five scales: [(1 + 4 + 16 + 64 + 256)·m² = 341·m²]. *)
Lemma ntok_5_doubling cfg : a cfg = 2 -> ntok cfg 4 = 341 * (s0 cfg * s0 cfg).
Proof.
  intros Ha. unfold ntok, tok, side. rewrite Ha. cbn [seq map list_sum fold_right Nat.pow]. lia.
Qed.

Lemma flowar_L_side m : side (flowar_L_cfg m) (K (flowar_L_cfg m) - 1) = 16 * m.
Proof. unfold side. cbn. lia. Qed.

Lemma flowar_L_tok m : tok (flowar_L_cfg m) (K (flowar_L_cfg m) - 1) = 16 * m * (16 * m).
Proof. unfold tok. rewrite flowar_L_side. reflexivity. Qed.

Lemma flowar_L_dims_poly : PolyBoundedWith (fun m => dimB (flowar_L_cfg m)) flowar_L_dimb 2.
Proof.
  intros m. unfold dimB. change (K (flowar_L_cfg m) - 1) with 4.
  rewrite (ntok_5_doubling (flowar_L_cfg m)) by reflexivity.
  cbn [K s0 ch LD flowar_L_cfg dm ld lH ldh ldff flowar_L_dims Nat.sub]. cbn [Nat.pow].
  unfold flowar_L_dimb. nia.
Qed.

(** Every hypothesis of [flowar_in_TC0] with [K0 = 5], [L0 = 16],
    [Lf0 = 12], [T0 = 24], precision [≤ 24·(m+1)^0], dimensions
    [≤ 5558·(m+1)²]. *)
Lemma flowar_L_hyps :
  (forall m, 1 <= K (flowar_L_cfg m) <= 5) /\ (forall m, L (flowar_L_cfg m) <= 16)
  /\ (forall m, Lf (flowar_L_cfg m) <= 12) /\ (forall m, T (flowar_L_cfg m) <= 24)
  /\ (forall m, m <= side (flowar_L_cfg m) (K (flowar_L_cfg m) - 1))
  /\ (forall m, 1 <= ch (flowar_L_cfg m))
  /\ PolyBoundedWith flowar_L_prec 24 0
  /\ PolyBoundedWith (fun m => dimB (flowar_L_cfg m)) flowar_L_dimb 2.
Proof.
  split; [cbn; lia|]. split; [cbn; lia|]. split; [cbn; lia|]. split; [cbn; lia|].
  split; [intros m; rewrite flowar_L_side; lia|]. split; [cbn; lia|].
  split; [intros m; unfold flowar_L_prec; cbn [Nat.pow]; lia|]. exact flowar_L_dims_poly.
Qed.

(** ** Widths, heads and channels growing with the index *)

Definition flowar_wide_dims (m : nat) : LDims :=
  {| ld := 64 * (m + 1); lH := m + 1; ldh := 64; ldff := 256 * (m + 1); lsn := 1%Z; lsd := 8%Z |}.

Definition flowar_wide_cfg (m : nat) : Config :=
  {| K := 5; s0 := m; a := 2; ch := m + 1; LD := flowar_wide_dims m; L := 16; Lf := 12; T := 24 |}.

Definition flowar_wide_prec (m : nat) : nat := m + 24.

Lemma flowar_wide_side m : side (flowar_wide_cfg m) (K (flowar_wide_cfg m) - 1) = 16 * m.
Proof. unfold side. cbn. lia. Qed.

Lemma flowar_wide_dims_poly : PolyBoundedWith (fun m => dimB (flowar_wide_cfg m)) 728 2.
Proof.
  intros m. unfold dimB. change (K (flowar_wide_cfg m) - 1) with 4.
  rewrite (ntok_5_doubling (flowar_wide_cfg m)) by reflexivity.
  cbn [K s0 ch LD flowar_wide_cfg dm ld lH ldh ldff flowar_wide_dims Nat.sub]. cbn [Nat.pow]. nia.
Qed.

Lemma flowar_wide_hyps :
  (forall m, 1 <= K (flowar_wide_cfg m) <= 5) /\ (forall m, L (flowar_wide_cfg m) <= 16)
  /\ (forall m, Lf (flowar_wide_cfg m) <= 12) /\ (forall m, T (flowar_wide_cfg m) <= 24)
  /\ (forall m, m <= side (flowar_wide_cfg m) (K (flowar_wide_cfg m) - 1))
  /\ (forall m, 1 <= ch (flowar_wide_cfg m))
  /\ PolyBoundedWith flowar_wide_prec 24 1
  /\ PolyBoundedWith (fun m => dimB (flowar_wide_cfg m)) 728 2.
Proof.
  split; [cbn; lia|]. split; [cbn; lia|]. split; [cbn; lia|]. split; [cbn; lia|].
  split; [intros m; rewrite flowar_wide_side; lia|]. split; [cbn; lia|].
  split; [intros m; unfold flowar_wide_prec; cbn [Nat.pow]; lia|]. exact flowar_wide_dims_poly.
Qed.

(** ** VAR with FlowAR-L's AR transformer (its [Lf] and [T] are unused) *)

Lemma var_L_hyps :
  (forall m, 1 <= K (flowar_L_cfg m) <= 5) /\ (forall m, L (flowar_L_cfg m) <= 16)
  /\ (forall m, m <= side (flowar_L_cfg m) (K (flowar_L_cfg m) - 1))
  /\ (forall m, 1 <= ch (flowar_L_cfg m))
  /\ PolyBoundedWith flowar_L_prec 24 0
  /\ PolyBoundedWith (fun m => dimB (flowar_L_cfg m)) flowar_L_dimb 2.
Proof.
  destruct flowar_L_hyps as (HK & HL & _ & _ & Hs & Hc & Hp & Hd). tauto.
Qed.
