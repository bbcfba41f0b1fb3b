(** * Shared building blocks of LayerNorm and Attention

    Generic facts about programs that the two modules (and possibly others)
    share; candidates for [IR/Block.v] / [IR/Stage.v]:
    - [keep off (r*c)] (from [IR/Stage.v]) copies a block: [keep_block];
      its typing for any input length and its counts;
    - reading the two (or three) matrices of a concatenation [flat ++ flat];
    - the row-scalar stage [mstage] ([M_il ∘ v_i]);
    - a doubly indexed [PFor] whose rows may differ (row-dependent counts,
      [rowfor_*]) and its masked variant [mfor] (entry [(i, j)] is computed
      only for [j < lim i], the other entries are the constant wire [z]);
    - [PFor h] of programs each producing an [r × c] block: block [h] of the
      concatenation ([block_concat]);
    - sums over [seq 0 k]: constant on a prefix ([list_sum_seq_mask]),
      [list_sum (map (fun i => f i - 1) …)]. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (A B M : mat) (xs ys : list flt) (p n r c off : nat).

(** ** Sums over [seq] *)

Lemma list_sum_map_const_len {T} (l : list T) b : list_sum (map (fun _ => b) l) = length l * b.
Proof.
  induction l as [|x l IH]; [reflexivity|]. cbn [map length].
  change (list_sum (b :: map (fun _ => b) l)) with (b + list_sum (map (fun _ => b) l)).
  rewrite IH. lia.
Qed.

(** A sum over [seq 0 k] of a function constant [a] below [L] and [b] from [L] on. *)
Lemma list_sum_seq_mask (f : nat -> nat) k L a b :
  L <= k -> (forall j, j < L -> f j = a) -> (forall j, L <= j < k -> f j = b) ->
  list_sum (map f (seq 0 k)) = L * a + (k - L) * b.
Proof.
  intros HL Ha Hb. replace k with (L + (k - L)) at 1 by lia.
  rewrite seq_app, map_app, list_sum_app. cbn [Nat.add].
  rewrite (map_ext_in f (fun _ => a)) by (intros j Hj; apply in_seq in Hj; apply Ha; lia).
  rewrite (map_ext_in f (fun _ => b)) by (intros j Hj; apply in_seq in Hj; apply Hb; lia).
  rewrite !list_sum_map_const_len, !seq_length. reflexivity.
Qed.

Lemma list_sum_map_pred (f : nat -> nat) k :
  (forall i, i < k -> 1 <= f i) ->
  list_sum (map (fun i => f i - 1) (seq 0 k)) + k = list_sum (map f (seq 0 k)).
Proof.
  intros H.
  assert (E : list_sum (map (fun i => (f i - 1) + 1) (seq 0 k)) = list_sum (map f (seq 0 k))).
  { f_equal. apply map_ext_in. intros i Hi. apply in_seq in Hi. specialize (H i ltac:(lia)). lia. }
  rewrite list_sum_map_add, list_sum_const in E. lia.
Qed.

Lemma list_sum_seq_ge (f : nat -> nat) k :
  (forall i, i < k -> 1 <= f i) -> k <= list_sum (map f (seq 0 k)).
Proof. intros H. rewrite <- (list_sum_map_pred f k H). lia. Qed.

Lemma list_sum_seq_le (f : nat -> nat) k b :
  (forall i, i < k -> f i <= b) -> list_sum (map f (seq 0 k)) <= k * b.
Proof. apply list_sum_le_max_mul. Qed.

(** ** Reading the parts of a concatenation *)

Lemma block_cat_off r1 c1 A ys off r c B :
  block ys off r c B -> block (flat r1 c1 A ++ ys) (r1 * c1 + off) r c B.
Proof. intros H. rewrite <- (flat_length r1 c1 A). apply block_app_r, H. Qed.

Lemma block_cat_r r1 c1 A ys r c B :
  block ys 0 r c B -> block (flat r1 c1 A ++ ys) (r1 * c1) r c B.
Proof. intros H. rewrite <- (Nat.add_0_r (r1 * c1)). apply block_cat_off, H. Qed.

Lemma block_cat2_r r1 c1 A r c B : block (flat r1 c1 A ++ flat r c B) (r1 * c1) r c B.
Proof. apply block_cat_r, block_flat. Qed.

Lemma block_cat3_m r1 c1 A r c B ys : block (flat r1 c1 A ++ (flat r c B ++ ys)) (r1 * c1) r c B.
Proof. apply block_cat_r, block_flat_app_l. Qed.

Lemma block_cat3_r r1 c1 A r2 c2 B r c C :
  block (flat r1 c1 A ++ (flat r2 c2 B ++ flat r c C)) (r1 * c1 + r2 * c2) r c C.
Proof. apply block_cat_off, block_cat2_r. Qed.

Lemma nth_flat_app_l r c A ys i j :
  i < r -> j < c -> nth (i * c + j) (flat r c A ++ ys) fzero = A i j.
Proof. intros Hi Hj. exact (block_flat_app_l r c A ys i j Hi Hj). Qed.

(** Entry [(i, 0)] of a column vector, entry [(i, l)] of the matrix after it. *)
Lemma nth_vec_app N v ys i : i < N -> nth i (flat N 1 v ++ ys) fzero = v i 0.
Proof.
  intros Hi. pose proof (block_flat_app_l N 1 v ys i 0 Hi ltac:(lia)) as H.
  rewrite Nat.add_0_l, Nat.mul_1_r, Nat.add_0_r in H. exact H.
Qed.

Lemma nth_vec_mat N c v M i l :
  i < N -> l < c -> nth (N + (i * c + l)) (flat N 1 v ++ flat N c M) fzero = M i l.
Proof.
  intros Hi Hl. pose proof (block_cat2_r N 1 v N c M i l Hi Hl) as H.
  rewrite Nat.mul_1_r in H. exact H.
Qed.

(** ** Doubly indexed [PFor] with row-dependent bodies *)

Section rowfor.
  Context (r c : nat) (body : nat -> nat -> prog).
  Context (o q w ma : nat -> nat).
  Context (Hbody : forall i j, i < r -> j < c ->
             ops (body i j) = o i /\ pads (body i j) = q i /\ work (body i j) = w i
             /\ maxar (body i j) <= ma i /\ arity_out (body i j) = 1).

  Let E := PFor r (fun i => PFor c (body i)).

  Lemma rowfor_arity : arity_out E = r * c.
  Proof.
    unfold E. cbn [arity_out]. apply list_sum_seq_const. intros i Hi.
    rewrite (list_sum_seq_const _ c 1); [lia|]. intros j Hj. apply Hbody; auto.
  Qed.

  Lemma rowfor_ops : ops E = c * list_sum (map o (seq 0 r)).
  Proof.
    unfold E. cbn [ops]. rewrite <- list_sum_map_mul_l. f_equal. apply map_ext_in. intros i Hi.
    apply in_seq in Hi. apply list_sum_seq_const. intros j Hj. apply Hbody; lia.
  Qed.

  Lemma rowfor_work : work E = c * list_sum (map w (seq 0 r)).
  Proof.
    unfold E. cbn [work]. rewrite <- list_sum_map_mul_l. f_equal. apply map_ext_in. intros i Hi.
    apply in_seq in Hi. apply list_sum_seq_const. intros j Hj. apply Hbody; lia.
  Qed.

  Lemma rowfor_pads : pads E = c * list_sum (map q (seq 0 r)) + 2 * (r * c).
  Proof.
    pose proof rowfor_arity as Har. unfold E in *. cbn [pads]. rewrite Har.
    rewrite <- list_sum_map_mul_l.
    rewrite (map_ext_in _ (fun i => c * q i + c)).
    - rewrite list_sum_map_add, list_sum_const. lia.
    - intros i Hi. apply in_seq in Hi. cbn [pads arity_out].
      rewrite (list_sum_seq_const _ c (q i)), (list_sum_seq_const _ c 1); [lia| |].
      + intros j Hj. apply Hbody; lia.
      + intros j Hj. apply Hbody; lia.
  Qed.

  Lemma rowfor_maxar (m : nat) : (forall i, i < r -> ma i <= m) -> maxar E <= m.
  Proof.
    intros HM. unfold E. cbn [maxar]. apply list_max_seq_le. intros i Hi. apply list_max_seq_le.
    intros j Hj. pose proof (HM i Hi). destruct (Hbody i j Hi Hj) as (_ & _ & _ & Hm & _). lia.
  Qed.
End rowfor.

(** ** Masked doubly indexed [PFor]

    Entry [(i, j)] runs [bd i j] when [j < lim i] and is the constant [z]
    otherwise (a wire: no operation). *)
Definition mfor r c (lim : nat -> nat) (bd : nat -> nat -> prog) (z : flt) : prog :=
  PFor r (fun i => PFor c (fun j => if j <? lim i then bd i j else PWire [FCst z])).

Definition mask (lim : nat -> nat) (f : mat) (z : flt) : mat :=
  fun i j => if j <? lim i then f i j else z.

Lemma mfor_correct P p r c lim (bd : nat -> nat -> prog) z (f : mat) xs :
  (forall i j, i < r -> j < lim i -> peval P p (bd i j) xs = [f i j]) ->
  peval P p (mfor r c lim bd z) xs = flat r c (mask lim f z).
Proof.
  intros H. apply peval_PFor2. intros i j Hi Hj. unfold mask.
  destruct (Nat.ltb_spec j (lim i)); [auto|reflexivity].
Qed.

Lemma mfor_wt p n r c lim (bd : nat -> nat -> prog) z :
  valid p z = true -> (forall i j, i < r -> j < lim i -> pwt p n (bd i j)) ->
  pwt p n (mfor r c lim bd z).
Proof.
  intros Hz H. cbn [mfor pwt]. intros i Hi j Hj.
  destruct (Nat.ltb_spec j (lim i)); [auto|]. cbn. repeat constructor. exact Hz.
Qed.

Lemma mfor_wdepth (P : FloatPrimitivesTC0) r c lim (bd : nat -> nat -> prog) z D :
  (forall i j, i < r -> j < lim i -> wdepth (op_dbound P) (bd i j) <= D) ->
  wdepth (op_dbound P) (mfor r c lim bd z) <= D.
Proof.
  intros H. apply PFor2_wdepth. intros i j Hi Hj.
  destruct (Nat.ltb_spec j (lim i)); [auto|cbn; lia].
Qed.

Section mfor_counts.
  Context (r c : nat) (lim : nat -> nat) (bd : nat -> nat -> prog) (z : flt).
  Context (o q w ma : nat).
  Context (Hlim : forall i, i < r -> lim i <= c).
  Context (HB : forall i j, i < r -> j < lim i ->
             ops (bd i j) = o /\ pads (bd i j) = q /\ work (bd i j) = w
             /\ maxar (bd i j) <= ma /\ arity_out (bd i j) = 1).

  Let E := mfor r c lim bd z.
  Let L := list_sum (map lim (seq 0 r)).

  Let row_sum (f : prog -> nat) (v : nat) :
    (forall i j, i < r -> j < lim i -> f (bd i j) = v) -> f (PWire [FCst z]) = 0 ->
    forall i, i < r ->
    list_sum (map (fun j => f (if j <? lim i then bd i j else PWire [FCst z])) (seq 0 c))
    = lim i * v.
  Proof.
    intros Hv H0 i Hi. rewrite (list_sum_seq_mask _ c (lim i) v 0); [lia|auto|..].
    - intros j Hj. destruct (Nat.ltb_spec j (lim i)); [auto|lia].
    - intros j Hj. destruct (Nat.ltb_spec j (lim i)); [lia|auto].
  Qed.

  Let all_sum (f : prog -> nat) (v : nat) :
    (forall i j, i < r -> j < lim i -> f (bd i j) = v) -> f (PWire [FCst z]) = 0 ->
    list_sum (map (fun i =>
      list_sum (map (fun j => f (if j <? lim i then bd i j else PWire [FCst z])) (seq 0 c)))
      (seq 0 r)) = v * L.
  Proof.
    intros Hv H0. unfold L. rewrite <- list_sum_map_mul_l. f_equal. apply map_ext_in.
    intros i Hi. apply in_seq in Hi. rewrite (row_sum f v Hv H0 i) by lia. lia.
  Qed.

  Lemma mfor_arity : arity_out E = r * c.
  Proof.
    unfold E, mfor. cbn [arity_out]. apply list_sum_seq_const. intros i Hi.
    rewrite (list_sum_seq_const _ c 1); [lia|]. intros j Hj.
    destruct (Nat.ltb_spec j (lim i)); [apply HB; auto|reflexivity].
  Qed.

  Lemma mfor_ops : ops E = o * L.
  Proof.
    apply (all_sum ops o); [|reflexivity]. intros i j Hi Hj. apply HB; auto.
  Qed.

  Lemma mfor_work : work E = w * L.
  Proof.
    apply (all_sum work w); [|reflexivity]. intros i j Hi Hj. apply HB; auto.
  Qed.

  Lemma mfor_pads : pads E = q * L + 2 * (r * c).
  Proof.
    pose proof mfor_arity as Har. unfold E, mfor in *. cbn [pads] in *. rewrite Har.
    rewrite (map_ext_in _ (fun i =>
      list_sum (map (fun j => pads (if j <? lim i then bd i j else PWire [FCst z])) (seq 0 c))
      + c)).
    - rewrite list_sum_map_add, (all_sum pads q), list_sum_const; [lia| |reflexivity].
      intros i j Hi Hj. apply HB; auto.
    - intros i Hi. apply in_seq in Hi. cbn [pads arity_out]. f_equal.
      rewrite (list_sum_seq_const _ c 1); [lia|]. intros j Hj.
      destruct (Nat.ltb_spec j (lim i)); [apply HB; lia|reflexivity].
  Qed.

  Lemma mfor_maxar : maxar E <= ma.
  Proof.
    unfold E, mfor. cbn [maxar]. apply list_max_seq_le. intros i Hi. apply list_max_seq_le.
    intros j Hj. destruct (Nat.ltb_spec j (lim i)); [apply HB; auto|cbn; lia].
  Qed.
End mfor_counts.

(** ** Blocks of a [PFor] of blocks *)

Lemma length_concat_flat (F : nat -> mat) h r c :
  length (concat (map (fun k => flat r c (F k)) (seq 0 h))) = h * (r * c).
Proof.
  rewrite length_concat_map_seq. rewrite (list_sum_seq_const _ h (r * c)); [lia|].
  intros; apply flat_length.
Qed.

Lemma block_concat (F : nat -> mat) H r c h :
  h < H -> block (concat (map (fun k => flat r c (F k)) (seq 0 H))) (h * (r * c)) r c (F h).
Proof.
  induction H as [|H IH]; intros Hh; [lia|].
  rewrite seq_S, map_app, concat_app. cbn [map concat]. rewrite app_nil_r.
  destruct (Nat.eq_dec h H) as [->|Hne].
  - rewrite <- (length_concat_flat F H r c), <- (Nat.add_0_r (length _)).
    apply block_app_r, block_flat.
  - apply block_app_l; [rewrite length_concat_flat; nia|]. apply IH. lia.
Qed.

Lemma peval_PFor_blocks P p H r c (body : nat -> prog) (F : nat -> mat) xs :
  (forall h, h < H -> peval P p (body h) xs = flat r c (F h)) ->
  peval P p (PFor H body) xs = concat (map (fun k => flat r c (F k)) (seq 0 H)).
Proof.
  intros Hb. cbn [peval]. f_equal. apply map_ext_in. intros h Hh. apply in_seq in Hh.
  apply Hb. lia.
Qed.

(** ** A row-scalar stage

    On [v ; M] ([v] : [N × 1], [M] : [N × c], as [flat N 1 v ++ flat N c M]):
    [M_il ∘ v_i] for a binary operation [∘] (LayerNorm's centring and
    division, attention's normalisation [D^{-1}·(AV)]). *)
Definition mstage N c (b : binop) : prog :=
  ew_prog N c (OBin b) (fun i l => [FIn (N + (i * c + l)); FIn i]).

Lemma mstage_correct P p N c b v M :
  peval P p (mstage N c b) (flat N 1 v ++ flat N c M)
  = flat N c (fun i l => binsem b p (M i l) (v i 0)).
Proof.
  unfold mstage. rewrite ew_prog_correct. apply flat_ext. intros i l Hi Hl.
  cbn [map fsrc_val opsem nth].
  rewrite (nth_vec_mat N c v M i l Hi Hl), (nth_vec_app N v _ i Hi). reflexivity.
Qed.

Lemma mstage_wt p n N c b : N + N * c <= n -> pwt p n (mstage N c b).
Proof.
  intros Hn. apply ew_prog_wt. intros i l Hi Hl. split; [|reflexivity].
  repeat constructor; cbn; nia.
Qed.

Lemma mstage_counts N c b :
  let E := mstage N c b in
  ops E = N * c /\ pads E = 2 * (N * c) /\ work E = N * c /\ maxar E <= 2 /\ arity_out E = N * c.
Proof.
  destruct (ew_prog_counts N c (OBin b) (fun i l => [FIn (N + (i * c + l)); FIn i]))
    as (o & q & w & m & a); [intros; reflexivity|].
  cbn [op_work op_arity] in *. cbn zeta. unfold mstage. repeat split; lia.
Qed.

Lemma mstage_wdepth (P : FloatPrimitivesTC0) N c b : wdepth (op_dbound P) (mstage N c b) <= d_std P.
Proof. apply ew_prog_wdepth. Qed.

