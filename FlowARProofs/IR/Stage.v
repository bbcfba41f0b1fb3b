(** * Stages and iteration: how the pipeline threads its state

    The pipeline's state is a vector [xs ++ S]: the current activations
    followed by everything later stages still need (earlier outputs, noise,
    weights).  [stage a g m] runs [m] on the whole state and keeps the last
    [g] values [S] after its output, for free in depth (wiring); [iter w k body]
    runs [body 0], …, [body (k-1)] one after another.

    [iter_correct] is the only induction the pipeline needs: if every body
    maps the representation of [a] to the representation of [f i a], then the
    iteration computes [iterate f k a].  Its weighted depth is exactly the sum
    of the bodies' depths ([wdepth_iter]); in particular [k] bodies of depth
    [D] cost [k·D]: the depth grows with the number of scales, layers and
    flow steps, which is why the TC0 theorem needs them bounded. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block TC0.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (xs ys S : list flt) (p a g w k : nat) (m : prog).

(** ** Keeping a suffix *)

Definition keep a g : prog := PWire (map (fun i => FIn (a + i)) (seq 0 g)).

Lemma keep_correct P p xs S : peval P p (keep (length xs) (length S)) (xs ++ S) = S.
Proof.
  cbn [keep peval]. rewrite map_map. cbn [fsrc_val].
  transitivity (map (fun i => nth i S fzero) (seq 0 (length S))).
  - apply map_ext. intros i. rewrite app_nth2_plus. reflexivity.
  - clear. induction S as [|x S IH]; [reflexivity|]. cbn [length seq map nth].
    f_equal. rewrite <- seq_shift, map_map. exact IH.
Qed.

Lemma keep_wt p a g : pwt p (a + g) (keep a g).
Proof.
  cbn [keep pwt]. rewrite Forall_map, Forall_forall. intros i Hi. apply in_seq in Hi.
  cbn. lia.
Qed.

(** Copying a block of a matrix.  *)

Lemma nth_map_seq {T} (f : nat -> T) (len i : nat) (d : T) :
  i < len -> nth i (map f (seq 0 len)) d = f i.
Proof.
  intros H. rewrite nth_indep with (d' := f 0) by (rewrite map_length, seq_length; lia).
  rewrite map_nth, seq_nth by lia. reflexivity.
Qed.

Lemma keep_block P p xs off r c A :
  block xs off r c A -> peval P p (keep off (r * c)) xs = flat r c A.
Proof.
  intros HA. cbn [keep peval]. rewrite map_map.
  apply nth_ext with (d := fzero) (d' := fzero).
  { rewrite map_length, seq_length, flat_length. reflexivity. }
  intros k Hk. rewrite map_length, seq_length in Hk.
  assert (Hc : c <> 0) by (intros ->; lia).
  rewrite nth_map_seq by exact Hk. cbn [fsrc_val].
  pose proof (Nat.div_mod k c Hc) as Hd. pose proof (Nat.mod_upper_bound k c Hc) as Hm.
  assert (Hq : k / c < r) by (apply Nat.div_lt_upper_bound; lia).
  rewrite Hd at 1 2. rewrite (Nat.mul_comm c (k / c)).
  rewrite nth_flat by auto. apply HA; auto.
Qed.

Lemma keep_block1 P p xs off c A :
  block xs off 1 c A -> peval P p (keep off c) xs = flat 1 c A.
Proof. intros H. rewrite <- (Nat.mul_1_l c) at 1. apply keep_block, H. Qed.

Lemma keep_wt_le p n a g : a + g <= n -> pwt p n (keep a g).
Proof.
  intros H. cbn [keep pwt]. rewrite Forall_map, Forall_forall. intros i Hi. apply in_seq in Hi.
  cbn. lia.
Qed.

Lemma keep_arity a g : arity_out (keep a g) = g.
Proof. cbn. rewrite map_length, seq_length. reflexivity. Qed.

Lemma keep_counts a g :
  ops (keep a g) = 0 /\ pads (keep a g) = 0 /\ work (keep a g) = 0 /\ maxar (keep a g) = 0
  /\ arity_out (keep a g) = g.
Proof. rewrite keep_arity. repeat split. Qed.

Lemma keep_wdepth wt a g : wdepth wt (keep a g) = 0.
Proof. reflexivity. Qed.

Definition stage a g m : prog := PPar m (keep a g).

Lemma stage_correct P p m xs S ys :
  peval P p m (xs ++ S) = ys -> peval P p (stage (length xs) (length S) m) (xs ++ S) = ys ++ S.
Proof. intros H. cbn [stage peval]. rewrite H, keep_correct. reflexivity. Qed.

Lemma stage_wt p a g m : pwt p (a + g) m -> pwt p (a + g) (stage a g m).
Proof. intros H. split; [exact H|apply keep_wt]. Qed.

Lemma stage_arity a g m : arity_out (stage a g m) = arity_out m + g.
Proof. cbn. rewrite map_length, seq_length. reflexivity. Qed.

Lemma stage_wdepth wt a g m : wdepth wt (stage a g m) = wdepth wt m.
Proof. cbn. lia. Qed.

Lemma stage_counts a g m :
  ops (stage a g m) = ops m /\ work (stage a g m) = work m /\ maxar (stage a g m) = maxar m
  /\ pads (stage a g m) = pads m + arity_out m + g.
Proof. cbn. rewrite map_length, seq_length. repeat split; lia. Qed.

(** ** Iteration *)

(** Identity on [w] values. *)
Definition idw w : prog := PWire (map FIn (seq 0 w)).

Lemma idw_correct P p xs : peval P p (idw (length xs)) xs = xs.
Proof.
  cbn [idw peval]. rewrite map_map. cbn [fsrc_val].
  rewrite <- (map_id xs) at 2. clear. induction xs as [|x xs IH]; [reflexivity|].
  cbn [length seq map nth]. f_equal. rewrite <- seq_shift, map_map. exact IH.
Qed.

Fixpoint iter w k (body : nat -> prog) : prog :=
  match k with
  | 0 => idw w
  | S k' => PSeq (iter w k' body) (body k')
  end.

Fixpoint iterate {A} (f : nat -> A -> A) k (x : A) : A :=
  match k with 0 => x | S k' => f k' (iterate f k' x) end.

Theorem iter_correct {A} P p w k (body : nat -> prog) (rep : A -> list flt) (f : nat -> A -> A) x :
  (forall y, length (rep y) = w) ->
  (forall i y, i < k -> peval P p (body i) (rep y) = rep (f i y)) ->
  peval P p (iter w k body) (rep x) = rep (iterate f k x).
Proof.
  intros Hlen Hbody. induction k as [|k IH]; cbn [iter iterate].
  - rewrite <- (Hlen x). apply idw_correct.
  - rewrite peval_PSeq, IH by (intros; apply Hbody; lia). apply Hbody. lia.
Qed.

Lemma idw_wt p w : pwt p w (idw w).
Proof.
  cbn. rewrite Forall_map, Forall_forall. intros i Hi. apply in_seq in Hi. cbn. lia.
Qed.

Lemma iter_wt p w k body :
  (forall i, i < k -> pwt p w (body i) /\ arity_out (body i) = w) -> pwt p w (iter w k body).
Proof.
  intros H. induction k as [|k IH]; cbn [iter].
  - apply idw_wt.
  - assert (Harity : arity_out (iter w k body) = w).
    { destruct k as [|k']; cbn [iter arity_out].
      - unfold idw. cbn. rewrite map_length, seq_length. reflexivity.
      - apply H. lia. }
    split; [apply IH; intros; apply H; lia|]. rewrite Harity. apply H. lia.
Qed.

Lemma iter_arity w k body :
  (forall i, i < k -> arity_out (body i) = w) -> arity_out (iter w k body) = w.
Proof.
  intros H. destruct k as [|k]; cbn [iter arity_out].
  - unfold idw. cbn. rewrite map_length, seq_length. reflexivity.
  - apply H. lia.
Qed.

Lemma wdepth_iter wt w k body :
  wdepth wt (iter w k body) = list_sum (map (fun i => wdepth wt (body i)) (seq 0 k)).
Proof.
  induction k as [|k IH]; cbn [iter wdepth]; [reflexivity|].
  rewrite IH, seq_S, map_app, list_sum_app. cbn. lia.
Qed.

Corollary wdepth_iter_le wt w k body D :
  (forall i, i < k -> wdepth wt (body i) <= D) -> wdepth wt (iter w k body) <= k * D.
Proof.
  intros H. rewrite wdepth_iter. apply list_sum_le_max_mul. exact H.
Qed.

Corollary wdepth_iter_const wt w k body D :
  (forall i, i < k -> wdepth wt (body i) = D) -> wdepth wt (iter w k body) = k * D.
Proof. intros H. rewrite wdepth_iter. apply list_sum_seq_const. exact H. Qed.

Lemma iter_counts w k body :
  ops (iter w k body) = list_sum (map (fun i => ops (body i)) (seq 0 k))
  /\ work (iter w k body) = list_sum (map (fun i => work (body i)) (seq 0 k))
  /\ pads (iter w k body) = list_sum (map (fun i => pads (body i)) (seq 0 k)).
Proof.
  induction k as [|k IH]; cbn [iter ops work pads].
  - unfold idw. cbn. repeat split; reflexivity.
  - destruct IH as (H1 & H2 & H3). rewrite H1, H2, H3, !seq_S, !map_app, !list_sum_app.
    cbn. repeat split; lia.
Qed.

Lemma iter_maxar w k body M :
  (forall i, i < k -> maxar (body i) <= M) -> maxar (iter w k body) <= M.
Proof.
  intros H. induction k as [|k IH]; cbn [iter maxar].
  - unfold idw. cbn. lia.
  - apply Nat.max_lub; [apply IH; intros; apply H; lia|apply H; lia].
Qed.

(** ** Shapes (for the size polynomial) *)

Lemma shape_keep a g : shape (keep a g) = g.
Proof. unfold shape, keep. cbn. rewrite map_length, seq_length. reflexivity. Qed.

Lemma shape_stage a g m : shape (stage a g m) <= 2 * (shape m + g).
Proof. unfold stage. pose proof (shape_PPar m (keep a g)) as H. rewrite shape_keep in H. exact H. Qed.

Lemma shape_iter w k body B :
  (forall i, i < k -> shape (body i) <= B) -> shape (iter w k body) <= (2 * k + 2) * B + w.
Proof.
  intros H. destruct (iter_counts w k body) as (Ho & _ & Hp).
  assert (Hm : maxar (iter w k body) <= B).
  { apply iter_maxar. intros i Hi. specialize (H i Hi). unfold shape in H. lia. }
  assert (Ha : arity_out (iter w k body) <= B + w).
  { destruct k as [|k]; cbn [iter arity_out].
    - unfold idw. cbn. rewrite map_length, seq_length. lia.
    - specialize (H k ltac:(lia)). unfold shape in H. lia. }
  assert (Hops : ops (iter w k body) <= k * B).
  { rewrite Ho. apply list_sum_le_max_mul. intros i Hi. specialize (H i Hi).
    unfold shape in H. lia. }
  assert (Hpads : pads (iter w k body) <= k * B).
  { rewrite Hp. apply list_sum_le_max_mul. intros i Hi. specialize (H i Hi).
    unfold shape in H. lia. }
  unfold shape. lia.
Qed.
