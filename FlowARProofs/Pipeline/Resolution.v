(** * One configuration at every resolution

    A researcher's configuration fixes everything but the resolution.  The
    headline theorems ([flowar_in_TC0], [var_in_TC0]) speak about FAMILIES of
    configurations; [at_side cfg m] is the family of [cfg] with first side
    [m] (sides [m·a^i], largest side [m·a^(K−1)]; [at_side cfg (s0 cfg)] is
    [cfg] itself).  [at_side_hyps] discharges every hypothesis of
    [flowar_in_TC0] for that family from three decidable facts about [cfg]
    — [1 ≤ K], [1 ≤ a], [1 ≤ c] — with the constants [K0 = K], [L0 = L],
    [Lf0 = Lf], [T0 = T] (or any larger ones), a constant precision, and the
    dimension bound [dimB (at_side cfg 1)·(m+1)²] ([at_side_dims_poly]).
    The Python bridge (`flowar-proofs obligations CONFIG`) generates a file
    that instantiates the headline theorems with it.

    [shape_coefN] is the size bound's shape coefficient in binary ([N]), so
    that it can be evaluated for real configurations
    ([shape_coefN_of]). *)
From Coq Require Import List Arith NArith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Pipeline Require Import Layer FlowAR.
Set Default Goal Selector "!".

Implicit Types (cfg : Config) (m i : nat).

Definition at_side cfg m : Config :=
  {| K := K cfg; s0 := m; a := a cfg; ch := ch cfg; LD := LD cfg;
     L := L cfg; Lf := Lf cfg; T := T cfg |}.

Lemma at_side_s0 cfg : at_side cfg (s0 cfg) = cfg.
Proof. destruct cfg. reflexivity. Qed.

(** The token count grows with the square of the first side. *)
Lemma ntok_at_side cfg m i : ntok (at_side cfg m) i = m * m * ntok (at_side cfg 1) i.
Proof.
  induction i as [|i IH].
  - unfold ntok, tok, side. cbn [seq map list_sum fold_right at_side s0 a Nat.pow]. ring.
  - rewrite !ntok_S, IH. unfold tok, side. cbn [at_side s0 a]. ring.
Qed.

Lemma at_side_dims_poly cfg :
  PolyBoundedWith (fun m => dimB (at_side cfg m)) (dimB (at_side cfg 1)) 2.
Proof.
  intros m. unfold dimB, dm. rewrite ntok_at_side. cbn [K at_side LD ch].
  set (X := ntok (at_side cfg 1) (K cfg - 1)).
  set (R := ld (LD cfg) + ldh (LD cfg) + lH (LD cfg) + ldff (LD cfg) + ch cfg).
  assert (Hm : m * m <= (m + 1) ^ 2) by (cbn [Nat.pow]; nia).
  assert (H1 : 1 <= (m + 1) ^ 2) by (cbn [Nat.pow]; nia).
  nia.
Qed.

Lemma at_side_side cfg m : 1 <= a cfg -> m <= side (at_side cfg m) (K (at_side cfg m) - 1).
Proof.
  intros Ha. unfold side. cbn [at_side s0 a K].
  pose proof (Nat.pow_le_mono_l 1 (a cfg) (K cfg - 1) Ha) as Hp. rewrite Nat.pow_1_l in Hp.
  nia.
Qed.

(** Every hypothesis of [flowar_in_TC0] for the family [at_side cfg], from
    three facts a configuration decides. *)
Theorem at_side_hyps cfg (prec : nat) :
  1 <= K cfg -> 1 <= a cfg -> 1 <= ch cfg ->
  (forall m, 1 <= K (at_side cfg m) <= K cfg) /\ (forall m, L (at_side cfg m) <= L cfg)
  /\ (forall m, Lf (at_side cfg m) <= Lf cfg) /\ (forall m, T (at_side cfg m) <= T cfg)
  /\ (forall m, m <= side (at_side cfg m) (K (at_side cfg m) - 1))
  /\ (forall m, 1 <= ch (at_side cfg m))
  /\ PolyBoundedWith (fun _ => prec) prec 0
  /\ PolyBoundedWith (fun m => dimB (at_side cfg m)) (dimB (at_side cfg 1)) 2.
Proof.
  intros HK Ha Hc.
  split; [cbn; lia|]. split; [cbn; lia|]. split; [cbn; lia|]. split; [cbn; lia|].
  split; [intros m; apply at_side_side, Ha|]. split; [cbn; lia|].
  split; [intros m; cbn [Nat.pow]; lia|]. apply at_side_dims_poly.
Qed.

(** ** The size bound's shape coefficient in binary *)

Local Open Scope N_scope.

Definition shape_coefN (K L Lf T : N) : N :=
  (K + 1) * ((K + 2 * L + (2 * T + 2) * (2 * Lf + 3) + 22)
             * (1100 + 20 * (2 * K + 12 * (L + Lf) + 10))).

Lemma shape_coefN_of (K L Lf T b : nat) :
  N.of_nat (shape_coef K L Lf T * b ^ 4)
  = shape_coefN (N.of_nat K) (N.of_nat L) (N.of_nat Lf) (N.of_nat T) * N.of_nat b ^ 4.
Proof.
  unfold shape_coef, shape_coefN.
  rewrite Nat2N.inj_mul, Nat2N.inj_pow.
  repeat (rewrite Nat2N.inj_add || rewrite Nat2N.inj_mul). reflexivity.
Qed.
