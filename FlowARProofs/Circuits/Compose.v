(** * Sequential and parallel composition of layered circuits

    - [cseq c1 c2] feeds the outputs of [c1] to [c2].  The first layer of [c2]
      is rewired through the output list of [c1]; constants are folded into
      the thresholds, so no layer is added:
      [depth (cseq c1 c2) = depth c1 + depth c2] and sizes add (at most:
      folding a constant removes a wire).
    - [delay c] adds one identity layer on the outputs (padding); an identity
      gate reading a wire costs 2 (one gate, one wire).
    - [cpar c1 c2] runs both circuits on the same input, side by side, after
      padding the shallower one; [depth = max], and the size grows by at most
      the padding, 2 per padded wire and layer.
    - [par_list cs] is the n-ary parallel composition.

    Every construction comes with its [eval_], [depth_], [size_] and [wf_]
    lemma; later files never look inside a layer again. *)
From Coq Require Import List Arith Lia Bool.
From FlowARProofs.Circuits Require Import Circuit.
Import ListNotations.
Set Default Goal Selector "!".

#[local] Arguments count : simpl never.

Implicit Types (v : list bool) (g : gate) (l : layer) (ls : list layer) (c : circuit)
  (s : src) (outs : list src) (n o k : nat).

(** ** Rewiring a layer through an output list *)

(** [rewire_ins outs ins] replaces each literal [(neg, j)] by the [j]-th entry of
    [outs]: a wire stays a literal, a constant is dropped and, when it is true,
    counted (the returned [nat]) so that the threshold can be lowered. *)
Fixpoint rewire_ins outs (ins : list (bool * nat)) : list (bool * nat) * nat :=
  match ins with
  | [] => ([], 0)
  | (ng, j) :: ins' =>
      let '(r, t) := rewire_ins outs ins' in
      match nth j outs (K false) with
      | W i => ((ng, i) :: r, t)
      | K b => if xorb ng b then (r, S t) else (r, t)
      end
  end.

Definition rewire_gate outs g : gate :=
  let '(r, t) := rewire_ins outs (g_ins g) in Thr r (g_thr g - t).

Definition rewire_src outs s : src :=
  match s with W j => nth j outs (K false) | K b => K b end.

Lemma src_val_nth v outs j :
  nth j (map (src_val v) outs) false = src_val v (nth j outs (K false)).
Proof.
  revert j. induction outs as [|s outs IH]; intros [|j]; simpl; auto.
Qed.

Lemma rewire_ins_count v outs ins :
  let '(r, t) := rewire_ins outs ins in
  count (map (lit (map (src_val v) outs)) ins) = count (map (lit v) r) + t.
Proof.
  induction ins as [|[ng j] ins IH]; simpl; [reflexivity|].
  destruct (rewire_ins outs ins) as [r t].
  rewrite count_cons. change (lit _ (ng, j)) with (xorb ng (nth j (map (src_val v) outs) false)).
  rewrite src_val_nth.
  destruct (nth j outs (K false)) as [i|b]; simpl.
  - rewrite count_cons. change (lit v (ng, i)) with (xorb ng (nth i v false)). lia.
  - destruct (xorb ng b); lia.
Qed.

Lemma eval_rewire_gate v outs g :
  eval_gate v (rewire_gate outs g) = eval_gate (map (src_val v) outs) g.
Proof.
  unfold rewire_gate, eval_gate.
  pose proof (rewire_ins_count v outs (g_ins g)) as H.
  destruct (rewire_ins outs (g_ins g)) as [r t]. simpl. rewrite H.
  destruct (Nat.leb_spec (g_thr g - t) (count (map (lit v) r)));
    destruct (Nat.leb_spec (g_thr g) (count (map (lit v) r) + t)); auto; lia.
Qed.

Lemma eval_layer_rewire v outs l :
  eval_layer v (map (rewire_gate outs) l) = eval_layer (map (src_val v) outs) l.
Proof.
  unfold eval_layer. rewrite map_map. apply map_ext. intros g. apply eval_rewire_gate.
Qed.

Lemma src_val_rewire v outs s :
  src_val v (rewire_src outs s) = src_val (map (src_val v) outs) s.
Proof. destruct s as [j|b]; simpl; [rewrite src_val_nth|]; reflexivity. Qed.

(** Rewiring never adds a literal: a wire stays one, a constant is dropped. *)
Lemma rewire_ins_length outs ins : length (fst (rewire_ins outs ins)) <= length ins.
Proof.
  induction ins as [|[ng j] ins IH]; simpl; [lia|].
  destruct (rewire_ins outs ins) as [r t]. simpl in IH.
  destruct (nth j outs (K false)) as [i|b]; [simpl; lia|].
  destruct (xorb ng b); simpl; lia.
Qed.

Lemma gate_size_rewire outs g : gate_size (rewire_gate outs g) <= gate_size g.
Proof.
  unfold rewire_gate, gate_size. pose proof (rewire_ins_length outs (g_ins g)) as H.
  destruct (rewire_ins outs (g_ins g)) as [r t]. simpl in *. lia.
Qed.

Lemma layer_size_rewire outs l : layer_size (map (rewire_gate outs) l) <= layer_size l.
Proof.
  induction l as [|g l IH]; [reflexivity|].
  change (gate_size (rewire_gate outs g) + layer_size (map (rewire_gate outs) l)
          <= gate_size g + layer_size l).
  pose proof (gate_size_rewire outs g). lia.
Qed.

Lemma rewire_gate_wf outs n g :
  Forall (src_wf n) outs -> gate_wf n (rewire_gate outs g).
Proof.
  intros Houts. unfold rewire_gate, gate_wf.
  assert (Forall (fun x => snd x < n) (fst (rewire_ins outs (g_ins g)))) as H.
  { induction (g_ins g) as [|[ng j] ins IH]; simpl; [constructor|].
    destruct (rewire_ins outs ins) as [r t] eqn:E. simpl in IH.
    destruct (nth j outs (K false)) as [i|b] eqn:Ej; simpl.
    - constructor; auto. simpl.
      destruct (Nat.lt_ge_cases j (length outs)) as [Hj|Hj].
      + pose proof (nth_In outs (K false) Hj) as Hin. rewrite Ej in Hin.
        rewrite Forall_forall in Houts. apply (Houts _ Hin).
      + rewrite nth_overflow in Ej by lia. discriminate.
    - destruct (xorb ng b); auto. }
  destruct (rewire_ins outs (g_ins g)) as [r t]. exact H.
Qed.

Lemma rewire_src_wf outs n s :
  Forall (src_wf n) outs -> src_wf n (rewire_src outs s).
Proof.
  intros Houts. destruct s as [j|b]; simpl; auto.
  destruct (Nat.lt_ge_cases j (length outs)) as [Hj|Hj].
  - rewrite Forall_forall in Houts. apply Houts, nth_In, Hj.
  - rewrite nth_overflow by lia. exact I.
Qed.

(** ** Sequential composition *)

Definition cseq c1 c2 : circuit :=
  match c_layers c2 with
  | [] => Circ (c_layers c1) (map (rewire_src (c_outs c1)) (c_outs c2))
  | l :: ls => Circ (c_layers c1 ++ map (rewire_gate (c_outs c1)) l :: ls) (c_outs c2)
  end.

Lemma eval_cseq c1 c2 v : eval (cseq c1 c2) v = eval c2 (eval c1 v).
Proof.
  unfold cseq, eval. destruct c2 as [[|l ls] outs2]; simpl.
  - rewrite map_map. apply map_ext. intros s. apply src_val_rewire.
  - rewrite run_app. simpl. rewrite eval_layer_rewire. reflexivity.
Qed.

Lemma depth_cseq c1 c2 : depth (cseq c1 c2) = depth c1 + depth c2.
Proof.
  unfold cseq, depth. destruct c2 as [[|l ls] outs2]; simpl.
  - lia.
  - rewrite app_length. reflexivity.
Qed.

Lemma size_cseq_le c1 c2 : size (cseq c1 c2) <= size c1 + size c2.
Proof.
  unfold cseq. destruct c2 as [[|l ls] outs2]; simpl.
  - unfold size. simpl. lia.
  - rewrite (size_app _ _ [] []). rewrite !size_cons.
    pose proof (layer_size_rewire (c_outs c1) l).
    change (size (Circ (c_layers c1) [])) with (size c1).
    change (size (Circ ls [])) with (size (Circ ls outs2)). lia.
Qed.

Lemma width_out_cseq c1 c2 : width_out (cseq c1 c2) = width_out c2.
Proof.
  unfold cseq, width_out. destruct c2 as [[|l ls] outs2]; simpl; auto using map_length.
Qed.

Lemma wf_cseq n c1 c2 : wf n c1 -> wf (width_out c1) c2 -> wf n (cseq c1 c2).
Proof.
  intros [H1l H1o] [H2l H2o]. unfold cseq, wf. destruct c2 as [[|l ls] outs2]; simpl in *.
  - split; auto. rewrite Forall_forall. intros s Hs. apply in_map_iff in Hs.
    destruct Hs as [s' [<- _]]. apply rewire_src_wf. exact H1o.
  - destruct H2l as [Hl Hls]. rewrite layers_wf_app, last_width_app. simpl.
    rewrite map_length. repeat split; auto.
    rewrite Forall_forall. intros g Hg. apply in_map_iff in Hg.
    destruct Hg as [g' [<- _]]. apply rewire_gate_wf. auto.
Qed.

(** ** Padding: one identity layer on the outputs *)

Definition id_gate s : gate :=
  match s with W j => Thr [(false, j)] 1 | K b => Thr [] (if b then 0 else 1) end.

Definition delay c : circuit :=
  Circ (c_layers c ++ [map id_gate (c_outs c)]) (map W (seq 0 (length (c_outs c)))).

Fixpoint delays k c : circuit :=
  match k with 0 => c | S k' => delay (delays k' c) end.

Lemma eval_id_gate v s : eval_gate v (id_gate s) = src_val v s.
Proof.
  destruct s as [j|[|]]; unfold eval_gate, id_gate, count, lit; simpl; auto.
  destruct (nth j v false); reflexivity.
Qed.

Lemma map_nth_seq_self (w : list bool) :
  map (fun i => nth i w false) (seq 0 (length w)) = w.
Proof.
  induction w as [|b w IH]; simpl; auto. f_equal.
  rewrite <- seq_shift, map_map. exact IH.
Qed.

Lemma eval_delay c v : eval (delay c) v = eval c v.
Proof.
  unfold eval, delay. simpl. rewrite run_app. simpl.
  assert (eval_layer (run (c_layers c) v) (map id_gate (c_outs c))
          = map (src_val (run (c_layers c) v)) (c_outs c)) as ->.
  { unfold eval_layer. rewrite map_map. apply map_ext. apply eval_id_gate. }
  rewrite map_map. simpl.
  rewrite <- (map_length (src_val (run (c_layers c) v)) (c_outs c)) at 1.
  apply map_nth_seq_self.
Qed.

Lemma depth_delay c : depth (delay c) = S (depth c).
Proof. unfold depth, delay. simpl. rewrite app_length. simpl. lia. Qed.

Lemma gate_size_id_gate s : gate_size (id_gate s) <= 2.
Proof. destruct s; unfold gate_size; simpl; lia. Qed.

Lemma size_delay c : size (delay c) <= size c + 2 * width_out c.
Proof.
  unfold delay. rewrite (size_app _ _ [] []). unfold size at 2. simpl.
  pose proof (layer_size_map_le id_gate (c_outs c) 2 (fun s _ => gate_size_id_gate s)).
  unfold size, width_out. simpl. lia.
Qed.

Lemma width_out_delay c : width_out (delay c) = width_out c.
Proof. unfold width_out, delay. simpl. rewrite map_length, seq_length. reflexivity. Qed.

Lemma wf_delay n c : wf n c -> wf n (delay c).
Proof.
  intros [Hl Ho]. unfold wf, delay. simpl. rewrite layers_wf_app, last_width_app. simpl.
  repeat split; auto.
  - rewrite Forall_forall in *. intros g Hg. apply in_map_iff in Hg.
    destruct Hg as [s [<- Hs]]. specialize (Ho s Hs).
    destruct s as [j|b]; unfold gate_wf; simpl; auto.
  - rewrite Forall_forall. intros s Hs. apply in_map_iff in Hs.
    destruct Hs as [i [<- Hi]]. apply in_seq in Hi. simpl. rewrite map_length. lia.
Qed.

Lemma eval_delays k c v : eval (delays k c) v = eval c v.
Proof. induction k; simpl; auto. rewrite eval_delay. auto. Qed.

Lemma depth_delays k c : depth (delays k c) = k + depth c.
Proof. induction k; simpl; auto. rewrite depth_delay. lia. Qed.

Lemma width_out_delays k c : width_out (delays k c) = width_out c.
Proof. induction k; simpl; auto. rewrite width_out_delay. auto. Qed.

Lemma size_delays k c : size (delays k c) <= size c + 2 * k * width_out c.
Proof.
  induction k; simpl; [lia|]. pose proof (size_delay (delays k c)).
  rewrite width_out_delays in *. lia.
Qed.

Lemma wf_delays n k c : wf n c -> wf n (delays k c).
Proof. induction k; simpl; auto using wf_delay. Qed.

(** ** Parallel composition *)

Definition shift_gate o g : gate :=
  Thr (map (fun x => (fst x, o + snd x)) (g_ins g)) (g_thr g).

Definition shift_src o s : src :=
  match s with W j => W (o + j) | K b => K b end.

(** Zip two layer lists of equal length; the gates of the second list are shifted
    past the wires of the first ([o] = width of the previous layer of the first). *)
Fixpoint zipl o ls1 ls2 : list layer :=
  match ls1, ls2 with
  | l1 :: r1, l2 :: r2 => (l1 ++ map (shift_gate o) l2) :: zipl (length l1) r1 r2
  | _, _ => []
  end.

Definition cpar c1 c2 : circuit :=
  let d := Nat.max (depth c1) (depth c2) in
  let a := delays (d - depth c1) c1 in
  let b := delays (d - depth c2) c2 in
  Circ (zipl 0 (c_layers a) (c_layers b))
       (c_outs a ++ map (shift_src (last_width 0 (c_layers a))) (c_outs b)).

Lemma eval_shift_gate v1 v2 g :
  eval_gate (v1 ++ v2) (shift_gate (length v1) g) = eval_gate v2 g.
Proof.
  unfold eval_gate, shift_gate. simpl. rewrite map_map. f_equal. f_equal.
  apply map_ext. intros [b j]. apply lit_shift.
Qed.

Lemma shift_gate_0 g : shift_gate 0 g = g.
Proof.
  destruct g as [ins t]. unfold shift_gate. simpl. f_equal.
  rewrite <- (map_id ins) at 2. apply map_ext. intros [b j]. reflexivity.
Qed.

Lemma eval_gate_app_l v1 v2 g : gate_wf (length v1) g -> eval_gate (v1 ++ v2) g = eval_gate v1 g.
Proof.
  intros Hg. unfold eval_gate. f_equal. f_equal. apply map_ext_in.
  intros x Hx. apply lit_app_l. unfold gate_wf in Hg. rewrite Forall_forall in Hg. auto.
Qed.

Lemma run_zipl ls1 ls2 v1 v2 :
  length ls1 = length ls2 -> layers_wf (length v1) ls1 ->
  run (zipl (length v1) ls1 ls2) (v1 ++ v2) = run ls1 v1 ++ run ls2 v2.
Proof.
  revert ls2 v1 v2. induction ls1 as [|l1 r1 IH]; intros [|l2 r2] v1 v2 Hlen Hwf;
    simpl in *; try discriminate; auto.
  destruct Hwf as [Hl1 Hr1].
  assert (eval_layer (v1 ++ v2) (l1 ++ map (shift_gate (length v1)) l2)
          = eval_layer v1 l1 ++ eval_layer v2 l2) as ->.
  { rewrite eval_layer_app. f_equal.
    - apply map_ext_in. intros g Hg. apply eval_gate_app_l.
      rewrite Forall_forall in Hl1. auto.
    - unfold eval_layer. rewrite map_map. apply map_ext. intros g. apply eval_shift_gate. }
  rewrite <- (eval_layer_length v1 l1). apply IH.
  - lia.
  - rewrite eval_layer_length. exact Hr1.
Qed.

Lemma zipl_length o ls1 ls2 : length ls1 = length ls2 -> length (zipl o ls1 ls2) = length ls1.
Proof.
  revert o ls2. induction ls1 as [|l1 r1 IH]; intros o [|l2 r2] H; simpl in *; try lia.
  f_equal. apply IH. lia.
Qed.

Lemma size_zipl o ls1 ls2 outs outs1 outs2 : length ls1 = length ls2 ->
  size (Circ (zipl o ls1 ls2) outs) = size (Circ ls1 outs1) + size (Circ ls2 outs2).
Proof.
  revert o ls2. induction ls1 as [|l1 r1 IH]; intros o [|l2 r2] H; simpl in *; try lia.
  - reflexivity.
  - rewrite !size_cons, (IH _ r2) by lia. rewrite layer_size_app.
    assert (layer_size (map (shift_gate o) l2) = layer_size l2) as ->; [|lia].
    rewrite layer_size_map. unfold layer_size. f_equal. apply map_ext. intros g.
    unfold gate_size, shift_gate. simpl. now rewrite map_length.
Qed.

Lemma gate_wf_mono n m g : n <= m -> gate_wf n g -> gate_wf m g.
Proof.
  intros Hnm Hg. unfold gate_wf in *. rewrite Forall_forall in *. intros x Hx.
  specialize (Hg x Hx). lia.
Qed.

Lemma shift_gate_wf o n g : gate_wf n g -> gate_wf (o + n) (shift_gate o g).
Proof.
  intros Hg. unfold gate_wf, shift_gate in *. simpl. rewrite Forall_map.
  rewrite Forall_forall in *. intros x Hx. specialize (Hg x Hx). simpl. lia.
Qed.

Lemma zipl_wf ls1 ls2 n1 n2 :
  length ls1 = length ls2 -> layers_wf n1 ls1 -> layers_wf n2 ls2 ->
  layers_wf (n1 + n2) (zipl n1 ls1 ls2)
  /\ last_width (n1 + n2) (zipl n1 ls1 ls2) = last_width n1 ls1 + last_width n2 ls2.
Proof.
  revert ls2 n1 n2. induction ls1 as [|l1 r1 IH]; intros [|l2 r2] n1 n2 Hlen H1 H2;
    simpl in *; try discriminate; auto.
  destruct H1 as [Hl1 Hr1], H2 as [Hl2 Hr2].
  destruct (IH r2 (length l1) (length l2)) as [Hw Hlw]; [lia|auto|auto|].
  rewrite app_length, map_length. split; [split|]; auto.
  rewrite Forall_app, Forall_map. split; rewrite Forall_forall in *; intros g Hg.
  - apply (gate_wf_mono n1); [lia|auto].
  - apply shift_gate_wf. auto.
Qed.

Lemma cpar_depths c1 c2 (d := Nat.max (depth c1) (depth c2)) :
  depth (delays (d - depth c1) c1) = d /\ depth (delays (d - depth c2) c2) = d.
Proof. rewrite !depth_delays. subst d. lia. Qed.

Lemma eval_cpar n c1 c2 v :
  wf n c1 -> eval (cpar c1 c2) v = eval c1 v ++ eval c2 v.
Proof.
  intros Hwf1. unfold cpar.
  destruct (cpar_depths c1 c2) as [Ha Hb].
  set (d := Nat.max (depth c1) (depth c2)) in *.
  rewrite <- (eval_delays (d - depth c1) c1), <- (eval_delays (d - depth c2) c2).
  pose proof (wf_delays n (d - depth c1) c1 Hwf1) as [Hal Hao].
  set (a := delays (d - depth c1) c1) in *. set (b := delays (d - depth c2) c2) in *.
  clearbody a b. destruct a as [ls1 outs1], b as [ls2 outs2].
  unfold depth in *. unfold eval. simpl in *. rewrite map_app.
  destruct ls1 as [|l1 r1], ls2 as [|l2 r2]; simpl in *; try lia.
  - f_equal. rewrite map_map. apply map_ext. intros [j|b]; reflexivity.
  - destruct Hal as [Hl1 Hr1].
    rewrite eval_layer_app.
    replace (map (shift_gate 0) l2) with l2
      by (rewrite <- (map_id l2) at 1; apply map_ext; intros; rewrite shift_gate_0; auto).
    rewrite <- (eval_layer_length v l1), run_zipl by (rewrite ?eval_layer_length; auto; lia).
    rewrite ?map_app. f_equal.
    + apply map_ext_in. intros s Hs. rewrite Forall_forall in Hao. specialize (Hao s Hs).
      destruct s as [j|b']; simpl in *; auto. apply app_nth1.
      erewrite run_length; eauto. apply eval_layer_length.
    + rewrite map_map. apply map_ext. intros [j|b']; simpl; auto.
      rewrite <- (run_length _ r1 (eval_layer v l1)) by reflexivity.
      apply app_nth2_plus.
Qed.

Lemma depth_cpar c1 c2 : depth (cpar c1 c2) = Nat.max (depth c1) (depth c2).
Proof.
  unfold cpar. destruct (cpar_depths c1 c2) as [Ha Hb]. unfold depth at 1. simpl.
  rewrite zipl_length; unfold depth in *; lia.
Qed.

Lemma width_out_cpar c1 c2 : width_out (cpar c1 c2) = width_out c1 + width_out c2.
Proof.
  unfold cpar, width_out. simpl. rewrite app_length, map_length.
  pose proof (width_out_delays (Nat.max (depth c1) (depth c2) - depth c1) c1).
  pose proof (width_out_delays (Nat.max (depth c1) (depth c2) - depth c2) c2).
  unfold width_out in *. lia.
Qed.

Lemma size_Circ_layers c outs : size (Circ (c_layers c) outs) = size c.
Proof. reflexivity. Qed.

Lemma size_cpar c1 c2 (d := Nat.max (depth c1) (depth c2)) :
  size (cpar c1 c2)
  <= size c1 + size c2 + 2 * (d - depth c1) * width_out c1 + 2 * (d - depth c2) * width_out c2.
Proof.
  unfold cpar. destruct (cpar_depths c1 c2) as [Ha Hb]. fold d in Ha, Hb |- *.
  rewrite (size_zipl _ _ _ _ [] []).
  - rewrite !size_Circ_layers.
    pose proof (size_delays (d - depth c1) c1). pose proof (size_delays (d - depth c2) c2). lia.
  - unfold depth in *. lia.
Qed.

Lemma size_cpar_le c1 c2 :
  size (cpar c1 c2) <= size c1 + size c2
                       + 2 * Nat.max (depth c1) (depth c2) * (width_out c1 + width_out c2).
Proof.
  pose proof (size_cpar c1 c2) as H. cbv zeta in H.
  set (M := Nat.max (depth c1) (depth c2)) in *.
  assert (2 * (M - depth c1) * width_out c1 <= 2 * M * width_out c1)
    by (apply Nat.mul_le_mono_r; lia).
  assert (2 * (M - depth c2) * width_out c2 <= 2 * M * width_out c2)
    by (apply Nat.mul_le_mono_r; lia).
  rewrite Nat.mul_add_distr_l. lia.
Qed.

Lemma wf_cpar n c1 c2 : wf n c1 -> wf n c2 -> wf n (cpar c1 c2).
Proof.
  intros Hwf1 Hwf2. unfold cpar.
  destruct (cpar_depths c1 c2) as [Ha Hb].
  set (d := Nat.max (depth c1) (depth c2)) in *.
  pose proof (wf_delays n (d - depth c1) c1 Hwf1) as [Hal Hao].
  pose proof (wf_delays n (d - depth c2) c2 Hwf2) as [Hbl Hbo].
  set (a := delays (d - depth c1) c1) in *. set (b := delays (d - depth c2) c2) in *.
  clearbody a b. destruct a as [ls1 outs1], b as [ls2 outs2].
  unfold depth, wf in *. simpl in *.
  destruct ls1 as [|l1 r1], ls2 as [|l2 r2]; simpl in *; try lia.
  - split; auto. rewrite Forall_app, Forall_map. split; auto.
    rewrite Forall_forall in *. intros [j|b']; simpl; auto. apply Hbo.
  - destruct Hal as [Hl1 Hr1], Hbl as [Hl2 Hr2].
    destruct (zipl_wf r1 r2 (length l1) (length l2)) as [Hz Hzw]; [lia|auto|auto|].
    rewrite app_length, map_length, Hzw. split; [split|].
    + rewrite Forall_app, Forall_map. split; auto.
      rewrite Forall_forall in *. intros g Hg. apply (shift_gate_wf 0). auto.
    + exact Hz.
    + rewrite Forall_app, Forall_map. split; rewrite Forall_forall in *.
      * intros s Hs. specialize (Hao s Hs). destruct s; simpl in *; auto. lia.
      * intros [j|b'] Hs; simpl; auto. specialize (Hbo _ Hs). simpl in Hbo. lia.
Qed.

(** ** n-ary parallel composition *)

Definition cempty : circuit := Circ [] [].

Definition par_list (cs : list circuit) : circuit := fold_right cpar cempty cs.

Implicit Types (cs : list circuit).

Lemma wf_cempty n : wf n cempty.
Proof. split; simpl; auto. Qed.

Lemma wf_par_list n cs : Forall (wf n) cs -> wf n (par_list cs).
Proof.
  induction 1; simpl; auto using wf_cempty, wf_cpar.
Qed.

Lemma eval_par_list n cs v :
  Forall (wf n) cs -> eval (par_list cs) v = concat (map (fun c => eval c v) cs).
Proof.
  induction 1 as [|c cs Hc Hcs IH]; simpl; [reflexivity|].
  rewrite (eval_cpar n) by auto. rewrite IH. reflexivity.
Qed.

Lemma depth_par_list cs : depth (par_list cs) = list_max (map depth cs).
Proof.
  induction cs as [|c cs IH]; simpl; [reflexivity|]. rewrite depth_cpar, IH. reflexivity.
Qed.

Lemma width_out_par_list cs : width_out (par_list cs) = list_sum (map width_out cs).
Proof.
  induction cs as [|c cs IH]; simpl; [reflexivity|]. rewrite width_out_cpar, IH. reflexivity.
Qed.

Lemma size_par_list_le cs :
  size (par_list cs)
  <= list_sum (map size cs) + 2 * depth (par_list cs) * list_sum (map width_out cs).
Proof.
  induction cs as [|c cs IH]; simpl; [reflexivity|].
  pose proof (size_cpar c (par_list cs)) as H. cbv zeta in H.
  rewrite depth_cpar, width_out_par_list in *.
  set (D := depth (par_list cs)) in *. set (O := list_sum (map width_out cs)) in *.
  set (M := Nat.max (depth c) D) in *.
  assert (D <= M) by lia.
  assert (2 * (M - depth c) * width_out c <= 2 * M * width_out c)
    by (apply Nat.mul_le_mono_r; lia).
  assert (2 * (M - D) * O <= 2 * M * O) by (apply Nat.mul_le_mono_r; lia).
  assert (2 * D * list_sum (map width_out cs) <= 2 * M * O)
    by (subst O; apply Nat.mul_le_mono_r; lia).
  rewrite Nat.mul_add_distr_l. lia.
Qed.

(** Bounds in terms of per-component bounds, the form used by the compiler. *)
Lemma depth_par_list_le cs D : Forall (fun c => depth c <= D) cs -> depth (par_list cs) <= D.
Proof.
  intros H. rewrite depth_par_list. apply list_max_le. rewrite Forall_map. exact H.
Qed.
