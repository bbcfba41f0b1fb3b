(** * Float programs: the intermediate language between FlowAR and circuits

    A program maps a vector of p-bit floats to a vector of p-bit floats.  It is
    built from
    - [PWire sel]   : select inputs (with repetition) and float constants; free;
    - [POp o]       : one primitive operation on the whole input vector
                      (binary +,−,×,÷, comparison, n-ary sum and product rounded
                      once, exp, sqrt — the paper's primitives);
    - [PSeq a b]    : [b] after [a];
    - [PPar a b]    : [a] and [b] on the same input, outputs concatenated;
    - [PFor k body] : [k] copies [body 0], …, [body (k-1)] in parallel.

    This series–parallel shape is what the paper's proofs do ("compute all
    products in parallel, then the sums"), and it makes the three facts about
    the compiler ([IR/Compile.v]) structural inductions.

    [peval] is the float semantics, [arity_out] the output length, [pwt] the
    typing (every selected input exists, every operation gets its arity,
    constants are valid floats), [wdepth wt] the longest path when an
    operation [o] weighs [wt o]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
Import ListNotations.
Set Default Goal Selector "!".

Inductive op :=
  | OBin (b : binop)   (** +, −, ×, ÷ of two floats *)
  | OLt                (** [x < y] as the float 1 or 0 *)
  | OMax               (** [max x y]: comparison, then a multiplexer (Circuits/Bits.v) *)
  | OSum (m : nat)     (** sum of [m] floats, rounded once *)
  | OProd (m : nat)    (** product of [m] floats, rounded once *)
  | OExp
  | OSqrt.

Definition op_arity (o : op) : nat :=
  match o with
  | OBin _ | OLt | OMax => 2
  | OSum m | OProd m => m
  | OExp | OSqrt => 1
  end.

(** Booleans as floats: 1 or 0. *)
Definition fbool (p : nat) (b : bool) : flt := if b then fone p else fzero.

Definition opsem (P : FloatFns) (p : nat) (o : op) (xs : list flt) : flt :=
  match o with
  | OBin b => binsem b p (nth 0 xs fzero) (nth 1 xs fzero)
  | OLt => fbool p (flt_ltb (nth 0 xs fzero) (nth 1 xs fzero))
  | OMax => fmax p (nth 0 xs fzero) (nth 1 xs fzero)
  | OSum _ => fsum p xs
  | OProd _ => fprod p xs
  | OExp => fexp P p (nth 0 xs fzero)
  | OSqrt => fsqrt P p (nth 0 xs fzero)
  end.

Inductive fsrc := FIn (i : nat) | FCst (x : flt).

Inductive prog :=
  | PWire (sel : list fsrc)
  | POp (o : op)
  | PSeq (a b : prog)
  | PPar (a b : prog)
  | PFor (k : nat) (body : nat -> prog).

Implicit Types (P : FloatFns) (e a b : prog) (xs : list flt) (p n k : nat).

Definition fsrc_val xs (s : fsrc) : flt :=
  match s with FIn i => nth i xs fzero | FCst x => x end.

Fixpoint peval (P : FloatFns) p e xs : list flt :=
  match e with
  | PWire sel => map (fsrc_val xs) sel
  | POp o => [opsem P p o xs]
  | PSeq a b => peval P p b (peval P p a xs)
  | PPar a b => peval P p a xs ++ peval P p b xs
  | PFor k body => concat (map (fun i => peval P p (body i) xs) (seq 0 k))
  end.

Fixpoint arity_out e : nat :=
  match e with
  | PWire sel => length sel
  | POp _ => 1
  | PSeq _ b => arity_out b
  | PPar a b => arity_out a + arity_out b
  | PFor k body => list_sum (map (fun i => arity_out (body i)) (seq 0 k))
  end.

Definition fsrc_ok p n (s : fsrc) : Prop :=
  match s with FIn i => i < n | FCst x => valid p x = true end.

Fixpoint pwt p n e : Prop :=
  match e with
  | PWire sel => Forall (fsrc_ok p n) sel
  | POp o => n = op_arity o
  | PSeq a b => pwt p n a /\ pwt p (arity_out a) b
  | PPar a b => pwt p n a /\ pwt p n b
  | PFor k body => forall i, i < k -> pwt p n (body i)
  end.

(** Weighted longest path: an operation [o] weighs [wt o], wiring is free. *)
Fixpoint wdepth (wt : op -> nat) e : nat :=
  match e with
  | PWire _ => 0
  | POp o => wt o
  | PSeq a b => wdepth wt a + wdepth wt b
  | PPar a b => Nat.max (wdepth wt a) (wdepth wt b)
  | PFor k body => list_max (map (fun i => wdepth wt (body i)) (seq 0 k))
  end.

(** The weights given by the trust record's depth bounds. *)
Definition op_dbound (P : FloatPrimitivesTC0) (o : op) : nat :=
  match o with
  | OBin _ | OLt => d_std P
  | OMax => d_std P + 2
  | OSum _ => d_sum P
  | OProd _ => d_prod P
  | OExp => d_exp P
  | OSqrt => d_sqrt P
  end.

(** ** Basic facts *)

Lemma map_seq_offset {A} (f : nat -> A) s n :
  map f (seq s n) = map (fun j => f (s + j)) (seq 0 n).
Proof.
  revert f s. induction n as [|n IH]; intros f s; [reflexivity|].
  cbn [seq map]. rewrite Nat.add_0_r. f_equal. rewrite IH, (IH _ 1).
  apply map_ext. intros j. f_equal. lia.
Qed.


Lemma peval_PSeq P p a b xs : peval P p (PSeq a b) xs = peval P p b (peval P p a xs).
Proof. reflexivity. Qed.

Lemma peval_PPar P p a b xs : peval P p (PPar a b) xs = peval P p a xs ++ peval P p b xs.
Proof. reflexivity. Qed.

Lemma peval_POp P p o xs : peval P p (POp o) xs = [opsem P p o xs].
Proof. reflexivity. Qed.

Lemma length_concat {A} (ls : list (list A)) : length (concat ls) = list_sum (map (@length A) ls).
Proof. induction ls as [|l ls IH]; simpl; [reflexivity|]. rewrite app_length, IH. reflexivity. Qed.

Lemma length_concat_map_seq {A} (f : nat -> list A) k :
  length (concat (map f (seq 0 k))) = list_sum (map (fun i => length (f i)) (seq 0 k)).
Proof. rewrite length_concat, map_map. reflexivity. Qed.

Lemma peval_length P p e xs : length (peval P p e xs) = arity_out e.
Proof.
  revert xs. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; intros xs; simpl.
  - apply map_length.
  - reflexivity.
  - apply IHb.
  - rewrite app_length, IHa, IHb. reflexivity.
  - rewrite length_concat_map_seq. f_equal. apply map_ext. intros i. apply IH.
Qed.

Lemma fbool_valid p (c : bool) : valid p (fbool p c) = true.
Proof. destruct c; [apply fone_valid|apply fzero_valid]. Qed.

Lemma binsem_valid o p x y : valid p (binsem o p x y) = true.
Proof.
  destruct o; simpl; [apply fadd_valid|apply fsub_valid|apply fmul_valid|apply fdiv_valid].
Qed.

Lemma nth_valid p xs i : all_valid p xs -> valid p (nth i xs fzero) = true.
Proof.
  intros H. destruct (Nat.lt_ge_cases i (length xs)) as [Hi|Hi].
  - unfold all_valid in H. rewrite Forall_forall in H. apply H, nth_In, Hi.
  - rewrite nth_overflow by lia. apply fzero_valid.
Qed.

Lemma opsem_valid P p o xs : all_valid p xs -> valid p (opsem P p o xs) = true.
Proof.
  intros Hxs. destruct o; simpl; auto using binsem_valid, fbool_valid, fsum_valid, fprod_valid,
    fexp_valid, fsqrt_valid.
  apply fmax_valid; apply nth_valid; exact Hxs.
Qed.

Lemma all_valid_app p xs ys : all_valid p xs -> all_valid p ys -> all_valid p (xs ++ ys).
Proof. intros. apply Forall_app. auto. Qed.

Lemma all_valid_concat p (xss : list (list flt)) :
  Forall (all_valid p) xss -> all_valid p (concat xss).
Proof. induction 1; simpl; [constructor|]. apply Forall_app. auto. Qed.

(** All floats a well-typed program produces are valid. *)
Lemma peval_valid P p n e xs : pwt p n e -> all_valid p xs -> all_valid p (peval P p e xs).
Proof.
  revert n xs. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH];
    intros n xs Hwt Hxs; simpl in *; unfold all_valid in *.
  - rewrite Forall_map. eapply Forall_impl; [|exact Hwt]. intros [i|x] Hs; simpl in *; auto.
    apply nth_valid. exact Hxs.
  - constructor; [apply opsem_valid; exact Hxs|constructor].
  - destruct Hwt. eauto.
  - destruct Hwt. apply Forall_app. eauto.
  - apply all_valid_concat. rewrite Forall_map, Forall_forall. intros i Hi.
    apply in_seq in Hi. eapply IH; [apply Hwt; lia|exact Hxs].
Qed.

Lemma in_le_list_max l x : In x l -> x <= list_max l.
Proof.
  intros Hx. pose proof (proj1 (list_max_le l (list_max l)) (le_n _)) as H.
  rewrite Forall_forall in H. auto.
Qed.

Lemma list_max_map_le {A} (f g : A -> nat) l :
  (forall x, In x l -> f x <= g x) -> list_max (map f l) <= list_max (map g l).
Proof.
  intros H. apply list_max_le. rewrite Forall_map, Forall_forall. intros x Hx.
  apply (Nat.le_trans _ (g x)); [auto|]. apply in_le_list_max, in_map, Hx.
Qed.

(** Raising the weights raises the weighted depth. *)
Lemma wdepth_mono (wt1 wt2 : op -> nat) e :
  (forall o, wt1 o <= wt2 o) -> wdepth wt1 e <= wdepth wt2 e.
Proof.
  intros Hwt. induction e as [sel|o|a IHa b IHb|a IHa b IHb|k body IH]; simpl; auto; try lia.
  apply list_max_map_le. auto.
Qed.
