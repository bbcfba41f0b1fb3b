(** * Compiling float programs to threshold circuits

    [compile P p e] replaces every operation of [e] by its circuit from the
    trust record [P] (at precision [p]) and every combinator by the matching
    circuit combinator: [PSeq] by [cseq], [PPar] by [cpar], [PFor] by
    [par_list], [PWire] by a gate-free circuit that only wires (floats take
    [fw p] bits; constants become constant bits).  Comparison [OLt] is the
    record's comparison circuit followed by free wiring that spreads its one
    bit over the encoding of 1.0.

    The three facts the whole project rests on:
    - [eval_compile]  : the circuit computes the program's float semantics on
                        encodings of valid floats;
    - [depth_compile] : its depth IS the weighted longest path of the program,
                        each operation weighing its circuit's depth; hence
                        [depth_compile_le]: at most the weighted depth with
                        the record's constants [d_std], [d_sum], …;
    - [size_compile]  : its size is at most [csize_bound], an explicit
                        function of the record's size polynomial, the depth
                        bounds and the program's shape. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Circuits Require Import Circuit Compose Bits.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program.
Import ListNotations.
Set Default Goal Selector "!".

#[local] Arguments enc : simpl never.
#[local] Arguments encs : simpl never.

Implicit Types (P : FloatPrimitivesTC0) (e a b : prog) (xs : list flt) (p n k : nat).

(** ** The compiler *)

Definition wire_src p (s : fsrc) : list src :=
  match s with
  | FIn i => map (fun j => W (i * fw p + j)) (seq 0 (fw p))
  | FCst x => map K (enc p x)
  end.

(** The comparison bit spread over the encoding of 1.0 (bits of 0.0 are all 0). *)
Definition bool_to_float p : circuit :=
  Circ [] (map (fun bt : bool => if bt then W 0 else K false) (enc p (fone p))).

(** [max x y]: the comparison bit [x < y] beside the encodings of [y] and [x]
    (free wiring), then a multiplexer (proven in Circuits/Bits.v). *)
Definition swap_wires p : circuit :=
  Circ [] (map W (seq (fw p) (fw p)) ++ map W (seq 0 (fw p))).

Definition max_circ P p : circuit := cseq (cpar (cmp_circ P p) (swap_wires p)) (mux (fw p)).

Definition op_circ P p (o : op) : circuit :=
  match o with
  | OBin bo => bin_circ P bo p
  | OLt => cseq (cmp_circ P p) (bool_to_float p)
  | OMax => max_circ P p
  | OSum m => sum_circ P p m
  | OProd m => prod_circ P p m
  | OExp => exp_circ P p
  | OSqrt => sqrt_circ P p
  end.

Fixpoint compile P p e : circuit :=
  match e with
  | PWire sel => Circ [] (concat (map (wire_src p) sel))
  | POp o => op_circ P p o
  | PSeq a b => cseq (compile P p a) (compile P p b)
  | PPar a b => cpar (compile P p a) (compile P p b)
  | PFor k body => par_list (map (fun i => compile P p (body i)) (seq 0 k))
  end.

(** ** Operations *)

Lemma Z_to_bits_zero m : Z_to_bits m 0 = repeat false m.
Proof. induction m as [|m IH]; simpl; [reflexivity|]. rewrite IH. reflexivity. Qed.

Lemma enc_fzero p : enc p fzero = repeat false (fw p).
Proof.
  unfold enc, fw. simpl. rewrite !Z_to_bits_zero.
  replace (p + 1 + (p + 1 + 0)) with (S p + S p) by lia. rewrite repeat_app. reflexivity.
Qed.

Lemma eval_bool_to_float p (c : bool) : eval (bool_to_float p) [c] = enc p (fbool p c).
Proof.
  unfold eval, bool_to_float. cbn [c_layers c_outs run]. rewrite map_map.
  destruct c; unfold fbool.
  - erewrite map_ext; [apply map_id|]. intros [|]; reflexivity.
  - rewrite enc_fzero, <- (enc_length p (fone p)).
    induction (enc p (fone p)) as [|[|] bs IH]; simpl; f_equal; auto.
Qed.

Lemma wf_swap_wires p : wf (2 * fw p) (swap_wires p) /\ width_out (swap_wires p) = 2 * fw p.
Proof.
  unfold swap_wires, wf, width_out. cbn [c_layers c_outs layers_wf last_width]. split; [split|].
  - exact I.
  - rewrite Forall_app, !Forall_map, !Forall_forall.
    split; intros j Hj; apply in_seq in Hj; simpl; lia.
  - rewrite app_length, !map_length, !seq_length. lia.
Qed.

Lemma wf_max_circ P p : wf (2 * fw p) (max_circ P p) /\ width_out (max_circ P p) = fw p.
Proof.
  destruct (cmp_wf P p) as [Hc Hcw]. destruct (wf_swap_wires p) as [Hs Hsw].
  unfold max_circ. split.
  - apply wf_cseq; [apply wf_cpar; auto|].
    rewrite width_out_cpar, Hcw, Hsw. apply wf_mux.
  - rewrite width_out_cseq. unfold width_out, mux. cbn [c_outs].
    rewrite map_length, seq_length. reflexivity.
Qed.

Lemma eval_max_circ P p x y : valid p x = true -> valid p y = true ->
  eval (max_circ P p) (enc p x ++ enc p y) = enc p (fmax p x y).
Proof.
  intros Hx Hy. unfold max_circ. rewrite eval_cseq.
  rewrite (eval_cpar (2 * fw p)) by apply cmp_wf.
  rewrite cmp_eval by auto.
  assert (eval (swap_wires p) (enc p x ++ enc p y) = enc p y ++ enc p x) as ->.
  { unfold eval, swap_wires. cbn [c_layers c_outs run]. rewrite map_app, !map_map.
    cbn [src_val]. f_equal.
    - rewrite map_seq_offset.
      transitivity (map (fun j => nth j (enc p y) false) (seq 0 (fw p))).
      + apply map_ext_in. intros j Hj.
        apply in_seq in Hj. rewrite app_nth2 by (rewrite enc_length; lia).
        rewrite enc_length. replace (fw p + j - fw p) with j by lia. reflexivity.
      + rewrite <- (enc_length p y). apply map_nth_seq_self.
    - transitivity (map (fun j => nth j (enc p x) false) (seq 0 (fw p))).
      + apply map_ext_in. intros j Hj.
        apply in_seq in Hj. apply app_nth1. rewrite enc_length. lia.
      + rewrite <- (enc_length p x). apply map_nth_seq_self. }
  cbn [app]. rewrite eval_mux by apply enc_length.
  unfold fmax. destruct (flt_ltb x y); reflexivity.
Qed.

Lemma wf_op_circ P p o :
  wf (op_arity o * fw p) (op_circ P p o) /\ width_out (op_circ P p o) = fw p.
Proof.
  destruct o as [bo| | |m|m| |]; cbn [op_arity op_circ]; rewrite ?Nat.mul_1_l.
  - apply bin_wf.
  - destruct (cmp_wf P p) as [Hwf Hw]. split.
    + apply wf_cseq; [exact Hwf|]. rewrite Hw.
      unfold bool_to_float. split; cbn [c_layers c_outs layers_wf last_width]; auto.
      rewrite Forall_map, Forall_forall. intros [|] _; simpl; auto.
    + rewrite width_out_cseq. unfold width_out, bool_to_float. cbn [c_outs].
      rewrite map_length. apply enc_length.
  - apply wf_max_circ.
  - apply sum_wf.
  - apply prod_wf.
  - apply exp_wf.
  - apply sqrt_wf.
Qed.

Lemma list_two (xs : list flt) : length xs = 2 -> xs = [nth 0 xs fzero; nth 1 xs fzero].
Proof. destruct xs as [|x [|y [|z xs]]]; simpl; intros H; try lia. reflexivity. Qed.

Lemma list_one (xs : list flt) : length xs = 1 -> xs = [nth 0 xs fzero].
Proof. destruct xs as [|x [|y xs]]; simpl; intros H; try lia. reflexivity. Qed.

Lemma eval_op_circ P p o xs :
  length xs = op_arity o -> all_valid p xs ->
  eval (op_circ P p o) (encs p xs) = enc p (opsem P p o xs).
Proof.
  intros Hlen Hval. unfold all_valid in Hval.
  destruct o as [bo| | |m|m| |]; simpl in *.
  - rewrite (list_two xs Hlen) in Hval |- *. inversion Hval as [|? ? Hx Hy']; subst.
    inversion Hy'; subst. rewrite encs_cons, encs_cons, encs_nil, app_nil_r.
    simpl. apply bin_eval; auto.
  - rewrite (list_two xs Hlen) in Hval |- *. inversion Hval as [|? ? Hx Hy']; subst.
    inversion Hy'; subst. rewrite encs_cons, encs_cons, encs_nil, app_nil_r.
    rewrite eval_cseq, cmp_eval by auto. apply eval_bool_to_float.
  - rewrite (list_two xs Hlen) in Hval |- *. inversion Hval as [|? ? Hx Hy']; subst.
    inversion Hy'; subst. rewrite encs_cons, encs_cons, encs_nil, app_nil_r.
    apply eval_max_circ; auto.
  - subst m. apply sum_eval. exact Hval.
  - subst m. apply prod_eval. exact Hval.
  - rewrite (list_one xs Hlen) in Hval |- *. inversion Hval; subst.
    rewrite encs_cons, encs_nil, app_nil_r. apply exp_eval; auto.
  - rewrite (list_one xs Hlen) in Hval |- *. inversion Hval; subst.
    rewrite encs_cons, encs_nil, app_nil_r. apply sqrt_eval; auto.
Qed.

Lemma depth_op_circ P p o : depth (op_circ P p o) <= op_dbound P o.
Proof.
  destruct o; simpl; auto using bin_depth, sum_depth, prod_depth, exp_depth, sqrt_depth.
  - rewrite depth_cseq. unfold depth at 2. simpl. rewrite Nat.add_0_r. apply cmp_depth.
  - unfold max_circ. rewrite depth_cseq, depth_cpar, depth_mux. unfold depth at 2. simpl.
    pose proof (cmp_depth P p). lia.
Qed.

(** ** Wiring *)

Lemma eval_wire_src p xs s :
  fsrc_ok p (length xs) s ->
  map (src_val (encs p xs)) (wire_src p s) = enc p (fsrc_val xs s).
Proof.
  destruct s as [i|x]; cbn [wire_src fsrc_val fsrc_ok]; intros Hs.
  - rewrite map_map. cbn [src_val].
    rewrite <- (map_nth_seq_self (enc p (nth i xs fzero))), enc_length.
    apply map_ext_in. intros j Hj. apply in_seq in Hj. apply encs_nth; lia.
  - rewrite map_map. apply map_id.
Qed.

Lemma wire_src_length p s : length (wire_src p s) = fw p.
Proof. destruct s; simpl; rewrite map_length; [apply seq_length|apply enc_length]. Qed.

Lemma wire_src_wf p n s : fsrc_ok p n s -> Forall (src_wf (n * fw p)) (wire_src p s).
Proof.
  destruct s as [i|x]; cbn [wire_src fsrc_ok]; intros Hs; rewrite Forall_map, Forall_forall.
  - intros j Hj. apply in_seq in Hj. simpl. nia.
  - intros b _. exact I.
Qed.

Lemma encs_concat p (xss : list (list flt)) : encs p (concat xss) = concat (map (encs p) xss).
Proof. induction xss as [|xs xss IH]; simpl; [reflexivity|]. rewrite encs_app, IH. reflexivity. Qed.

(** ** The three theorems *)

Lemma wf_compile P p n e :
  pwt p n e -> wf (n * fw p) (compile P p e) /\ width_out (compile P p e) = arity_out e * fw p.
Proof.
  revert n. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; intros n Hwt; simpl in *.
  - split.
    + split; simpl; auto. induction Hwt as [|s sel Hs Hsel IHsel]; simpl; [constructor|].
      apply Forall_app. split; auto. apply wire_src_wf. exact Hs.
    + unfold width_out. simpl. rewrite length_concat, map_map.
      erewrite map_ext by (intros; apply wire_src_length).
      clear Hwt. induction sel as [|s sel IHsel]; simpl; lia.
  - subst n. rewrite ?Nat.mul_1_l, ?Nat.add_0_r. apply wf_op_circ.
  - destruct Hwt as [Ha Hb]. destruct (IHa n Ha) as [Hwa Hoa]. destruct (IHb _ Hb) as [Hwb Hob].
    split.
    + apply wf_cseq; auto. rewrite Hoa. exact Hwb.
    + rewrite width_out_cseq. exact Hob.
  - destruct Hwt as [Ha Hb]. destruct (IHa n Ha) as [Hwa Hoa]. destruct (IHb _ Hb) as [Hwb Hob].
    split.
    + apply wf_cpar; auto.
    + rewrite width_out_cpar, Hoa, Hob. lia.
  - split.
    + apply wf_par_list. rewrite Forall_map, Forall_forall. intros i Hi.
      apply in_seq in Hi. apply IH. apply Hwt. lia.
    + rewrite width_out_par_list, map_map.
      rewrite (map_ext_in _ (fun i => arity_out (body i) * fw p)).
      * induction (seq 0 k) as [|i l IHl]; simpl; auto. rewrite IHl. lia.
      * intros i Hi. apply in_seq in Hi. apply (IH i n). apply Hwt. lia.
Qed.

Theorem eval_compile P p n e xs :
  pwt p n e -> length xs = n -> all_valid p xs ->
  eval (compile P p e) (encs p xs) = encs p (peval P p e xs).
Proof.
  revert n xs. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH];
    intros n xs Hwt Hlen Hval; simpl in *.
  - unfold eval. cbn [c_layers c_outs run]. unfold encs at 2. rewrite map_map.
    induction Hwt as [|s sel Hs Hsel IHsel]; cbn [map concat]; [reflexivity|].
    rewrite map_app, IHsel. f_equal. apply eval_wire_src. subst n. exact Hs.
  - rewrite eval_op_circ; [|lia|exact Hval]. rewrite encs_cons, encs_nil, app_nil_r. reflexivity.
  - destruct Hwt as [Ha Hb]. rewrite eval_cseq, (IHa n) by auto.
    apply (IHb (arity_out a)); auto using peval_length.
    eapply peval_valid; eauto.
  - destruct Hwt as [Ha Hb]. rewrite (eval_cpar (n * fw p)).
    + rewrite encs_app, (IHa n), (IHb n); auto.
    + apply (wf_compile P p n a Ha).
  - rewrite (eval_par_list (n * fw p)).
    + rewrite encs_concat, !map_map. f_equal. apply map_ext_in. intros i Hi. apply in_seq in Hi.
      apply (IH i n); auto. apply Hwt. lia.
    + rewrite Forall_map, Forall_forall. intros i Hi. apply in_seq in Hi.
      apply (wf_compile P p n). apply Hwt. lia.
Qed.

Theorem depth_compile P p e :
  depth (compile P p e) = wdepth (fun o => depth (op_circ P p o)) e.
Proof.
  induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; simpl.
  - reflexivity.
  - reflexivity.
  - rewrite depth_cseq, IHa, IHb. reflexivity.
  - rewrite depth_cpar, IHa, IHb. reflexivity.
  - rewrite depth_par_list, map_map. f_equal. apply map_ext. intros i. apply IH.
Qed.

(** With the trust record's depth constants: the paper's "depth = sum of the
    d_std, d_⊕, … along the longest path". *)
Corollary depth_compile_le P p e : depth (compile P p e) <= wdepth (op_dbound P) e.
Proof. rewrite depth_compile. apply wdepth_mono. apply depth_op_circ. Qed.

(** ** Size *)

Definition op_sbound P p (o : op) : nat :=
  match o with
  | OBin _ | OLt => prim_size P p 2
  | OMax => prim_size P p 2 + 2 * d_std P * (2 * fw p) + 9 * fw p
  | OSum m | OProd m => prim_size P p m
  | OExp | OSqrt => prim_size P p 1
  end.

Lemma size_op_circ P p o : size (op_circ P p o) <= op_sbound P p o.
Proof.
  unfold op_sbound, prim_size. destruct o; cbn [op_circ].
  - apply bin_size.
  - eapply Nat.le_trans; [apply size_cseq_le|]. unfold size at 2. cbn.
    rewrite Nat.add_0_r. apply cmp_size.
  - unfold max_circ. eapply Nat.le_trans; [apply size_cseq_le|].
    pose proof (size_cpar (cmp_circ P p) (swap_wires p)) as Hcp. cbv zeta in Hcp.
    rewrite size_mux.
    destruct (cmp_wf P p) as [_ Hcw]. destruct (wf_swap_wires p) as [_ Hsw].
    assert (Hd0 : depth (swap_wires p) = 0) by reflexivity.
    assert (Hs0 : size (swap_wires p) = 0) by reflexivity.
    rewrite Hcw, Hsw, Hd0, Hs0, Nat.max_0_r, Nat.sub_diag, Nat.sub_0_r in Hcp.
    change (2 + 1) with 3.
    pose proof (cmp_size P p). pose proof (cmp_depth P p).
    assert (2 * depth (cmp_circ P p) * (2 * fw p) <= 2 * d_std P * (2 * fw p))
      by (apply Nat.mul_le_mono_r; lia).
    lia.
  - apply sum_size.
  - apply prod_size.
  - apply exp_size.
  - apply sqrt_size.
Qed.

(** The explicit size bound: the operations' circuits plus the padding that
    parallel composition adds (at most 2 × depth × width per parallel node:
    an identity gate and its wire per padded bit and layer). *)
Fixpoint csize_bound P p e : nat :=
  match e with
  | PWire _ => 0
  | POp o => op_sbound P p o
  | PSeq a b => csize_bound P p a + csize_bound P p b
  | PPar a b => csize_bound P p a + csize_bound P p b
                + 2 * wdepth (op_dbound P) (PPar a b) * ((arity_out a + arity_out b) * fw p)
  | PFor k body =>
      list_sum (map (fun i => csize_bound P p (body i)) (seq 0 k))
      + 2 * wdepth (op_dbound P) (PFor k body) * (arity_out (PFor k body) * fw p)
  end.

Lemma list_sum_map_le {A} (f g : A -> nat) l :
  (forall x, In x l -> f x <= g x) -> list_sum (map f l) <= list_sum (map g l).
Proof.
  induction l as [|x l IH]; simpl; intros H; [lia|].
  pose proof (H x (or_introl eq_refl)). pose proof (IH (fun y Hy => H y (or_intror Hy))). lia.
Qed.

Lemma list_sum_map_mul {A} (f : A -> nat) c l :
  list_sum (map (fun x => f x * c) l) = list_sum (map f l) * c.
Proof. induction l as [|x l IH]; simpl; [reflexivity|]. rewrite IH. lia. Qed.

Theorem size_compile P p n e : pwt p n e -> size (compile P p e) <= csize_bound P p e.
Proof.
  revert n. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; intros n Hwt; simpl in *.
  - unfold size. simpl. lia.
  - apply size_op_circ.
  - destruct Hwt as [Ha Hb]. pose proof (size_cseq_le (compile P p a) (compile P p b)).
    pose proof (IHa _ Ha). pose proof (IHb _ Hb). lia.
  - destruct Hwt as [Ha Hb].
    pose proof (size_cpar_le (compile P p a) (compile P p b)) as Hs.
    destruct (wf_compile P p n a Ha) as [_ Hwa]. destruct (wf_compile P p n b Hb) as [_ Hwb].
    rewrite Hwa, Hwb in Hs.
    pose proof (depth_compile_le P p a). pose proof (depth_compile_le P p b).
    pose proof (IHa _ Ha). pose proof (IHb _ Hb).
    assert (Nat.max (depth (compile P p a)) (depth (compile P p b))
            <= Nat.max (wdepth (op_dbound P) a) (wdepth (op_dbound P) b)) by lia.
    nia.
  - pose proof (size_par_list_le (map (fun i => compile P p (body i)) (seq 0 k))) as Hs.
    rewrite !map_map in Hs.
    assert (Hw : list_sum (map (fun i => width_out (compile P p (body i))) (seq 0 k))
                 = list_sum (map (fun i => arity_out (body i)) (seq 0 k)) * fw p).
    { rewrite <- list_sum_map_mul. f_equal. apply map_ext_in. intros i Hi.
      apply in_seq in Hi. apply (wf_compile P p n). apply Hwt. lia. }
    assert (Hsz : list_sum (map (fun i => size (compile P p (body i))) (seq 0 k))
                  <= list_sum (map (fun i => csize_bound P p (body i)) (seq 0 k))).
    { apply list_sum_map_le. intros i Hi. apply in_seq in Hi. apply (IH i n). apply Hwt. lia. }
    assert (Hd : depth (par_list (map (fun i => compile P p (body i)) (seq 0 k)))
                 <= list_max (map (fun i => wdepth (op_dbound P) (body i)) (seq 0 k))).
    { rewrite depth_par_list, map_map. apply list_max_map_le. intros i _.
      apply depth_compile_le. }
    rewrite Hw in Hs. nia.
Qed.
