(** * Fast (polynomial-method) attention as a float program

    Alman–Song's algorithm (PAPER.md §4.3): replace [exp(s)] of a score
    [s = scale · ⟨q, k⟩] by a polynomial written as an inner product of
    feature maps, [Σ_m φ_m(q) ψ_m(k)], with
    {v
      φ_m(q) = coef_m · Π_{k ∈ mon_m} q_k        ψ_m(k) = Π_{k ∈ mon_m} k_k
    v}
    for a list [mons] of monomials (each a list of coordinates < dh, with
    repetition) and a coefficient per monomial.  The Taylor instance
    ([Runtime/FastRank.v]) takes every monomial of degree ≤ g and
    [coef_α = scale^|α| / α!], so that [Σ_m φ_m(q) ψ_m(k) = Σ_{t ≤ g} s^t/t!]
    (multinomial theorem, over R: [Error/FeatureMap.feature_map_identity]); here the monomials and coefficients are arbitrary,
    [r = length mons] is the rank.

    Attention then factorises: with [Φ = φ(Q)] and [Ψ = ψ(K)] ([N × r]),
    {v
      out_i = (Φ_i · (Ψ_{<e}ᵀ V)) / (Φ_i · (Ψ_{<e}ᵀ 1))      e = lim i
    v}
    where [Ψ_{<e}] are the rows [j < e] — row [i] sees the keys [j < lim i],
    as in [Modules/Attention.v].  The masked case uses that the limits take
    few values: [lim i = nth (blk i) ends 0] for a list [ends] of [nb] block
    ends (FlowAR's block-causal mask has one end per scale, [bc_ends] below);
    the sums [Ψ_{<e}ᵀ V] ([r × dh]) and [Ψ_{<e}ᵀ 1] ([r]) are computed once
    per block end, each directly as one dot product / one iterated sum over
    the prefix (so every float is rounded once, like the exact module; the
    prefix sums are not chained, which would add roundings).

    Float semantics ([ffattn]): products rounded once ([fprod], an n-ary
    product node: the coefficient and the [|mon|] coordinates), dot products
    [fdot], sums [fsum], one division; no [exp] — the polynomial replaces it.

    The program [fattn_at] has five stages:
    {v
      stage                                        output                depth
      1  Q, K, V (3 matmuls, as in Attention.v)     [Q ; K ; V]           d_std + d_⊕
      2  features φ(Q), ψ(K)  | V                   [Φ ; Ψ ; V]           d_⊗
      3  Φ | Ψ_{<e_b}ᵀ V, Ψ_{<e_b}ᵀ 1 for b < nb      [Φ ; SV_b.. ; Z_b..]  d_std + d_⊕
      4  denominators ‖ numerators                  [D ; Num]             d_std + d_⊕
      5  division                                   [out]                 d_std
    v}
    Work ([fattn_at_work_pos]), with [Dg = Σ_m |mon_m|] and [E = Σ_b e_b]:
    {v
      3·N·dh·(2c−1) + 2·N·Dg + r·(2·dh + 1)·E − nb·r·(dh + 1) + N·(dh + 1)·(2r − 1) + N·dh
    v}
    i.e. [O(N·r·dh)] for a bounded number of block ends ([E ≤ nb·N],
    [Dg ≤ r·g]) — against the exact module's [(4dh + 2)·Σ_i lim i],
    quadratic in [N]. *)
From Coq Require Import List Arith Lia.
From FlowARProofs.Util Require Import Bounds.
From FlowARProofs.Circuits Require Import Family.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul TC0.
From FlowARProofs.Modules Require Import AttnCommon Attention.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (X Q K V WQ WK WV : mat) (xs : list flt)
  (p n N c dh r nb offX offQ offK offV : nat) (mons : list (list nat)) (ends : list nat).

(** ** Block ends of the block-causal mask *)

(** The ends of the blocks [ns]: [n_0, n_0 + n_1, …]. *)
Fixpoint bc_ends (ns : list nat) : list nat :=
  match ns with
  | [] => []
  | k :: ns' => k :: map (Nat.add k) (bc_ends ns')
  end.

(** The block of token [i]. *)
Fixpoint bc_blk (ns : list nat) (i : nat) : nat :=
  match ns with
  | [] => 0
  | k :: ns' => if i <? k then 0 else S (bc_blk ns' (i - k))
  end.

Lemma bc_ends_length ns : length (bc_ends ns) = length ns.
Proof. induction ns as [|k ns IH]; cbn; [reflexivity|]. rewrite map_length, IH. reflexivity. Qed.

(** The block-causal limit is read off the block ends. *)
Lemma bc_lim_ends ns i :
  i < list_sum ns -> bc_blk ns i < length ns /\ nth (bc_blk ns i) (bc_ends ns) 0 = bc_lim ns i.
Proof.
  revert i. induction ns as [|k ns IH]; intros i Hi; [cbn in Hi; lia|].
  change (list_sum (k :: ns)) with (k + list_sum ns) in Hi. cbn [bc_blk bc_ends bc_lim length].
  destruct (Nat.ltb_spec i k); [split; [lia|reflexivity]|].
  destruct (IH (i - k) ltac:(lia)) as [Hb He]. split; [lia|]. cbn [nth].
  rewrite <- He. rewrite (nth_indep _ _ (k + 0)) by (rewrite map_length, bc_ends_length; exact Hb).
  rewrite map_nth. reflexivity.
Qed.

Lemma bc_ends_le ns e : In e (bc_ends ns) -> e <= list_sum ns.
Proof.
  revert e. induction ns as [|k ns IH]; intros e He; [destruct He|].
  change (list_sum (k :: ns)) with (k + list_sum ns). destruct He as [<-|He]; [lia|].
  apply in_map_iff in He. destruct He as (e' & <- & He'). specialize (IH e' He'). lia.
Qed.

(** ** Semantics *)

Definition mon_at mons m : list nat := nth m mons [].

(** [φ_m(q) = coef_m · Π q_k], [ψ_m(k) = Π k_k] (the constant 1 first, so that
    the degree-0 monomial is a one-factor product). *)
Definition fphi p mons (coef : list nat -> flt) Q : mat :=
  fun i m => fprod p (coef (mon_at mons m) :: map (Q i) (mon_at mons m)).

Definition fpsi p mons K : mat :=
  fun j m => fprod p (fone p :: map (K j) (mon_at mons m)).

(** [Ψ_{<e}ᵀ V] and [Ψ_{<e}ᵀ 1]. *)
Definition fsv p e (Psi V : mat) : mat := fun m l => fdot p e (fun j => Psi j m) (fun j => V j l).
Definition fsz p e (Psi : mat) : nat -> flt := fun m => fsum p (map (fun j => Psi j m) (seq 0 e)).

Definition ffattn_qkv p r (lim : nat -> nat) (Phi Psi V : mat) : mat :=
  fun i l => fdiv p (fdot p r (Phi i) (fun m => fsv p (lim i) Psi V m l))
                    (fdot p r (Phi i) (fsz p (lim i) Psi)).

(** Fast attention of [X] with weights [WQ], [WK], [WV]. *)
Definition ffattn p c dh mons coef (lim : nat -> nat) X WQ WK WV : mat :=
  ffattn_qkv p (length mons) lim (fphi p mons coef (fmatmul p c X WQ))
             (fpsi p mons (fmatmul p c X WK)) (fmatmul p c X WV).

(** ** The stages *)

Definition fq_body dh mons coef i m : prog :=
  PSeq (PWire (FCst (coef (mon_at mons m)) :: map (fun k => FIn (i * dh + k)) (mon_at mons m)))
       (POp (OProd (S (length (mon_at mons m))))).

Definition fk_body p N dh mons j m : prog :=
  PSeq (PWire (FCst (fone p) :: map (fun k => FIn (N * dh + (j * dh + k))) (mon_at mons m)))
       (POp (OProd (S (length (mon_at mons m))))).

(** Stage 2 on [Q ; K ; V]: [Φ ; Ψ ; V]. *)
Definition ffeat_at p N dh mons coef : prog :=
  let r := length mons in
  PPar (PFor N (fun i => PFor r (fq_body dh mons coef i)))
       (PPar (PFor N (fun j => PFor r (fk_body p N dh mons j)))
             (keep (N * dh + N * dh) (N * dh))).

(** Stage 3 on [Φ ; Ψ ; V]: [Φ ; SV_0 ; … ; SV_{nb−1} ; Z_0 ; … ; Z_{nb−1}]. *)
Definition fsv_at N dh r ends : prog :=
  PFor (length ends) (fun b => PFor r (fun m => PFor dh (fun l =>
    dot_prog (nth b ends 0) (fun j => N * r + (j * r + m)) (fun j => N * r + N * r + (j * dh + l))))).

Definition fsz_at N r ends : prog :=
  PFor (length ends) (fun b => PFor r (fun m => PFor 1 (fun _ =>
    PSeq (PWire (map (fun j => FIn (N * r + (j * r + m))) (seq 0 (nth b ends 0))))
         (POp (OSum (nth b ends 0)))))).

Definition fsums_at N dh r ends : prog :=
  PPar (keep 0 (N * r)) (PPar (fsv_at N dh r ends) (fsz_at N r ends)).

(** Stage 4: denominators [Φ_i · Z_{blk i}] ([N × 1]) and numerators
    [Φ_i · SV_{blk i}] ([N × dh]). *)
Definition fden_at N dh r nb (blk : nat -> nat) : prog :=
  PFor N (fun i => PFor 1 (fun _ =>
    dot_prog r (fun m => i * r + m) (fun m => N * r + nb * (r * dh) + (blk i * r + m)))).

Definition fnum_at N dh r (blk : nat -> nat) : prog :=
  PFor N (fun i => PFor dh (fun l =>
    dot_prog r (fun m => i * r + m) (fun m => N * r + (blk i * (r * dh) + (m * dh + l))))).

Definition fattn_at p offX offQ offK offV N c dh mons coef ends (blk : nat -> nat) : prog :=
  let r := length mons in let nb := length ends in
  PSeq (attn_qkv_at offX offQ offK offV N c dh)
  (PSeq (ffeat_at p N dh mons coef)
  (PSeq (fsums_at N dh r ends)
  (PSeq (PPar (fden_at N dh r nb blk) (fnum_at N dh r blk))
        (mstage N dh BDiv)))).

(** ** Stage semantics *)

Section stages.
  Context (P : FloatFns) (p N dh : nat) (mons : list (list nat)) (coef : list nat -> flt).
  Context (Hmons : forall m k, m < length mons -> In k (mon_at mons m) -> k < dh).
  Let r := length mons.

  Lemma ffeat_at_correct Q K V :
    peval P p (ffeat_at p N dh mons coef) (flat N dh Q ++ (flat N dh K ++ flat N dh V))
    = flat N r (fphi p mons coef Q) ++ (flat N r (fpsi p mons K) ++ flat N dh V).
  Proof.
    unfold ffeat_at. rewrite !peval_PPar, (keep_block _ _ _ _ _ _ V) by apply block_cat3_r.
    f_equal; [|f_equal]; apply peval_PFor2; intros i m Hi Hm;
      cbn [peval opsem fq_body fk_body map fsrc_val]; rewrite map_map; unfold fphi, fpsi;
      do 3 f_equal;
      apply map_ext_in; intros k Hk; cbn [fsrc_val]; pose proof (Hmons m k Hm Hk).
    - apply nth_flat_app_l; lia.
    - apply block_cat3_m; lia.
  Qed.

  Lemma fsums_at_correct ends Phi Psi V :
    (forall b, b < length ends -> nth b ends 0 <= N) ->
    peval P p (fsums_at N dh r ends) (flat N r Phi ++ (flat N r Psi ++ flat N dh V))
    = flat N r Phi
      ++ (concat (map (fun b => flat r dh (fsv p (nth b ends 0) Psi V)) (seq 0 (length ends)))
      ++ concat (map (fun b => flat r 1 (fun m _ => fsz p (nth b ends 0) Psi m))
                     (seq 0 (length ends)))).
  Proof.
    intros Hends. unfold fsums_at. rewrite !peval_PPar.
    rewrite (keep_block _ _ _ _ _ _ Phi) by apply block_flat_app_l. f_equal. f_equal.
    - apply peval_PFor_blocks. intros b Hb. specialize (Hends b Hb). apply peval_PFor2.
      intros m l Hm Hl. rewrite dot_prog_correct. f_equal. unfold fsv, fdot. f_equal.
      apply map_ext_in. intros j Hj. apply in_seq in Hj. f_equal.
      + apply block_cat3_m; lia.
      + apply block_cat3_r; lia.
    - apply peval_PFor_blocks. intros b Hb. specialize (Hends b Hb). apply peval_PFor2.
      intros m l Hm Hl. cbn [peval opsem]. rewrite map_map. unfold fsz. do 2 f_equal.
      apply map_ext_in. intros j Hj. apply in_seq in Hj. apply block_cat3_m; lia.
  Qed.

  Lemma fden_num_correct ends (blk : nat -> nat) Phi SV Z :
    (forall i, i < N -> blk i < length ends) ->
    peval P p (PPar (fden_at N dh r (length ends) blk) (fnum_at N dh r blk))
      (flat N r Phi ++ (concat (map (fun b => flat r dh (SV b)) (seq 0 (length ends)))
                        ++ concat (map (fun b => flat r 1 (Z b)) (seq 0 (length ends)))))
    = flat N 1 (fun i _ => fdot p r (Phi i) (fun m => Z (blk i) m 0))
      ++ flat N dh (fun i l => fdot p r (Phi i) (fun m => SV (blk i) m l)).
  Proof.
    intros Hblk. set (nb := length ends). rewrite peval_PPar. f_equal.
    - apply peval_PFor2. intros i z Hi Hz. rewrite dot_prog_correct. f_equal. unfold fdot.
      f_equal. apply map_ext_in. intros m Hm. apply in_seq in Hm. specialize (Hblk i Hi).
      f_equal; [apply nth_flat_app_l; lia|].
      assert (HB : block (concat (map (fun b => flat r 1 (Z b)) (seq 0 nb))) (blk i * (r * 1))
                     r 1 (Z (blk i))) by (apply block_concat; exact Hblk).
      rewrite Nat.mul_1_r in HB. specialize (HB m 0 ltac:(lia) ltac:(lia)).
      rewrite Nat.mul_1_r, Nat.add_0_r in HB. rewrite <- HB.
      rewrite <- (length_concat_flat SV nb r dh), <- (flat_length N r Phi), app_assoc.
      rewrite <- app_length. rewrite app_nth2 by lia. f_equal. lia.
    - apply peval_PFor2. intros i l Hi Hl. rewrite dot_prog_correct. f_equal. unfold fdot.
      f_equal. apply map_ext_in. intros m Hm. apply in_seq in Hm. specialize (Hblk i Hi).
      f_equal; [apply nth_flat_app_l; lia|]. rewrite Nat.add_assoc.
      refine (block_cat_off N r Phi _ (blk i * (r * dh)) r dh (SV (blk i)) _ m l _ _); [|lia|lia].
      apply block_app_l; [rewrite length_concat_flat; nia|]. apply block_concat, Hblk.
  Qed.
End stages.

(** ** Correctness *)

Definition blk_ok N ends (blk lim : nat -> nat) : Prop :=
  forall i, i < N -> blk i < length ends /\ nth (blk i) ends 0 = lim i.

Theorem fattn_at_correct P p xs offX offQ offK offV N c dh mons coef ends blk lim X WQ WK WV :
  (forall m k, m < length mons -> In k (mon_at mons m) -> k < dh) ->
  (forall b, b < length ends -> nth b ends 0 <= N) -> blk_ok N ends blk lim ->
  block xs offX N c X -> block xs offQ c dh WQ -> block xs offK c dh WK -> block xs offV c dh WV ->
  peval P p (fattn_at p offX offQ offK offV N c dh mons coef ends blk) xs
  = flat N dh (ffattn p c dh mons coef lim X WQ WK WV).
Proof.
  intros Hmons Hends Hblk HX HQ HK HV. unfold fattn_at. rewrite !peval_PSeq.
  rewrite (attn_qkv_at_correct _ _ _ _ _ _ _ _ _ _ X WQ WK WV) by assumption.
  rewrite (ffeat_at_correct P p N dh mons coef Hmons).
  rewrite (fsums_at_correct P p N dh mons ends _ _ _ Hends).
  rewrite (fden_num_correct P p N dh mons ends blk _
             (fun b => fsv p (nth b ends 0) (fpsi p mons (fmatmul p c X WK)) (fmatmul p c X WV))
             (fun b m _ => fsz p (nth b ends 0) (fpsi p mons (fmatmul p c X WK)) m))
    by (intros i Hi; apply Hblk, Hi).
  rewrite mstage_correct. apply flat_ext. intros i l Hi Hl. cbn [binsem].
  unfold ffattn, ffattn_qkv. destruct (Hblk i Hi) as [_ ->]. reflexivity.
Qed.

(** ** Typing *)

Section typing.
  Context (p N c dh : nat) (mons : list (list nat)) (coef : list nat -> flt) (ends : list nat)
    (blk : nat -> nat).
  Context (Hmons : forall m k, m < length mons -> In k (mon_at mons m) -> k < dh).
  Context (Hcoef : forall m, m < length mons -> valid p (coef (mon_at mons m)) = true).
  Context (Hends : forall b, b < length ends -> nth b ends 0 <= N).
  Context (Hblk : forall i, i < N -> blk i < length ends).
  Let r := length mons.
  Let nb := length ends.

  Lemma ffeat_at_wt : pwt p (N * dh + (N * dh + N * dh)) (ffeat_at p N dh mons coef).
  Proof.
    unfold ffeat_at. cbn [pwt]. split; [|split].
    - intros i Hi m Hm. cbn [pwt fq_body]. split.
      + constructor; [apply Hcoef, Hm|]. rewrite Forall_map, Forall_forall. intros k Hk.
        pose proof (Hmons m k Hm Hk). cbn. nia.
      + cbn. rewrite map_length. reflexivity.
    - intros j Hj m Hm. cbn [pwt fk_body]. split.
      + constructor; [apply fone_valid|]. rewrite Forall_map, Forall_forall. intros k Hk.
        pose proof (Hmons m k Hm Hk). cbn. nia.
      + cbn. rewrite map_length. reflexivity.
    - apply keep_wt_le. lia.
  Qed.

  Lemma ffeat_at_arity : arity_out (ffeat_at p N dh mons coef) = N * r + (N * r + N * dh).
  Proof.
    unfold ffeat_at. cbn [arity_out]. rewrite keep_arity.
    rewrite !(list_sum_seq_const _ N r); [reflexivity| |];
      intros i Hi; rewrite (list_sum_seq_const _ r 1); try lia; intros; reflexivity.
  Qed.

  Lemma fsums_at_wt : pwt p (N * r + (N * r + N * dh)) (fsums_at N dh r ends).
  Proof.
    unfold fsums_at. cbn [pwt]. split; [apply keep_wt_le; lia|split].
    - intros b Hb m Hm l Hl. specialize (Hends b Hb). apply dot_prog_wt. intros j Hj. split; nia.
    - intros b Hb m Hm z Hz. specialize (Hends b Hb). cbn [pwt]. split.
      + rewrite Forall_map, Forall_forall. intros j Hj. apply in_seq in Hj. cbn. nia.
      + cbn. rewrite map_length, seq_length. reflexivity.
  Qed.

  Lemma fsv_at_arity : arity_out (fsv_at N dh r ends) = nb * (r * dh).
  Proof.
    unfold fsv_at. cbn [arity_out]. apply list_sum_seq_const. intros b Hb.
    apply list_sum_seq_const. intros m Hm. rewrite (list_sum_seq_const _ dh 1); [lia|].
    intros; apply dot_prog_counts.
  Qed.

  Lemma fsz_at_arity : arity_out (fsz_at N r ends) = nb * (r * 1).
  Proof.
    unfold fsz_at. cbn [arity_out]. apply list_sum_seq_const. intros b Hb.
    apply list_sum_seq_const. intros m Hm. reflexivity.
  Qed.

  Lemma fsums_at_arity : arity_out (fsums_at N dh r ends) = N * r + (nb * (r * dh) + nb * r).
  Proof.
    unfold fsums_at. cbn [arity_out]. rewrite keep_arity.
    rewrite fsv_at_arity, fsz_at_arity. lia.
  Qed.

  Lemma fden_num_wt :
    pwt p (N * r + (nb * (r * dh) + nb * r)) (PPar (fden_at N dh r nb blk) (fnum_at N dh r blk)).
  Proof.
    cbn [pwt]. subst nb. split.
    - intros i Hi z Hz. specialize (Hblk i Hi). apply dot_prog_wt. intros m Hm. split; nia.
    - intros i Hi l Hl. specialize (Hblk i Hi). apply dot_prog_wt. intros m Hm. split; [nia|].
      assert (m * dh + l < r * dh) by nia.
      assert ((blk i + 1) * (r * dh) <= length ends * (r * dh)) by (apply Nat.mul_le_mono_r; lia).
      nia.
  Qed.

  Lemma fden_num_arity :
    arity_out (PPar (fden_at N dh r nb blk) (fnum_at N dh r blk)) = N * 1 + N * dh.
  Proof.
    cbn [arity_out fden_at fnum_at]. f_equal; apply list_sum_seq_const; intros i Hi;
      [rewrite (list_sum_seq_const _ 1 1)|rewrite (list_sum_seq_const _ dh 1)];
      try lia; intros; apply dot_prog_counts.
  Qed.
End typing.

Theorem fattn_at_wt p n offX offQ offK offV N c dh mons coef ends blk :
  (forall m k, m < length mons -> In k (mon_at mons m) -> k < dh) ->
  (forall m, m < length mons -> valid p (coef (mon_at mons m)) = true) ->
  (forall b, b < length ends -> nth b ends 0 <= N) -> (forall i, i < N -> blk i < length ends) ->
  offX + N * c <= n -> offQ + c * dh <= n -> offK + c * dh <= n -> offV + c * dh <= n ->
  pwt p n (fattn_at p offX offQ offK offV N c dh mons coef ends blk).
Proof.
  intros Hmons Hcoef Hends Hblk HX HQ HK HV. unfold fattn_at. cbn [pwt].
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_qkv_at_counts offX offQ offK offV N c dh))))).
  rewrite (ffeat_at_arity p N dh mons coef ends), fsums_at_arity, fden_num_arity.
  split; [apply attn_qkv_at_wt; assumption|].
  split; [apply (ffeat_at_wt p N dh mons coef ends); assumption|].
  split; [apply fsums_at_wt; assumption|].
  split; [apply fden_num_wt; assumption|].
  apply mstage_wt. lia.
Qed.

Lemma fattn_at_arity p offX offQ offK offV N c dh mons coef ends blk :
  arity_out (fattn_at p offX offQ offK offV N c dh mons coef ends blk) = N * dh.
Proof. unfold fattn_at. cbn [arity_out]. apply (mstage_counts N dh BDiv). Qed.

(** ** Depth: [3·(d_std + d_⊕) + d_⊗ + d_std], independent of all sizes and of the rank *)

Theorem fattn_at_wdepth (P : FloatPrimitivesTC0) p offX offQ offK offV N c dh mons coef ends blk :
  wdepth (op_dbound P) (fattn_at p offX offQ offK offV N c dh mons coef ends blk)
  <= 3 * (d_std P + d_sum P) + d_prod P + d_std P.
Proof.
  unfold fattn_at. cbn [wdepth].
  pose proof (attn_qkv_at_wdepth P offX offQ offK offV N c dh).
  assert (wdepth (op_dbound P) (ffeat_at p N dh mons coef) <= d_prod P).
  { unfold ffeat_at. cbn [wdepth]. rewrite keep_wdepth.
    repeat apply Nat.max_lub; try lia; apply list_max_seq_le; intros; apply list_max_seq_le;
      intros; cbn; lia. }
  assert (wdepth (op_dbound P) (fsums_at N dh (length mons) ends) <= d_std P + d_sum P).
  { unfold fsums_at, fsv_at, fsz_at. cbn [wdepth]. rewrite keep_wdepth.
    pose proof (d_sum P). repeat apply Nat.max_lub; try lia;
      do 3 (apply list_max_seq_le; intros); [apply dot_prog_wdepth|cbn; lia]. }
  assert (wdepth (op_dbound P) (fden_at N dh (length mons) (length ends) blk) <= d_std P + d_sum P)
    by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
  assert (wdepth (op_dbound P) (fnum_at N dh (length mons) blk) <= d_std P + d_sum P)
    by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
  pose proof (mstage_wdepth P N dh BDiv). lia.
Qed.

(** ** Work *)

(** Total degree of the monomials, [Σ_m |mon_m|]. *)
Definition mdeg mons : nat := list_sum (map (@length nat) mons).

Lemma mdeg_seq mons :
  list_sum (map (fun m => length (mon_at mons m)) (seq 0 (length mons))) = mdeg mons.
Proof.
  unfold mdeg, mon_at. induction mons as [|x ms IH]; [reflexivity|].
  cbn [length seq map nth]. rewrite <- seq_shift, map_map. cbn [list_sum fold_right].
  unfold list_sum in IH. rewrite <- IH. reflexivity.
Qed.

Section work.
  Context (p offX offQ offK offV N c dh : nat) (mons : list (list nat)) (coef : list nat -> flt)
    (ends : list nat) (blk : nat -> nat).
  Let r := length mons.
  Let nb := length ends.

  Lemma ffeat_at_work : work (ffeat_at p N dh mons coef) = 2 * (N * mdeg mons).
  Proof.
    unfold ffeat_at. cbn [work keep].
    rewrite !(list_sum_seq_const _ N (mdeg mons)); [lia| |]; intros i Hi;
      rewrite <- mdeg_seq; apply f_equal, map_ext; intros m; cbn; lia.
  Qed.

  Lemma fsums_at_work :
    work (fsums_at N dh r ends)
    = r * dh * list_sum (map (fun b => nth b ends 0 + (nth b ends 0 - 1)) (seq 0 nb))
      + r * list_sum (map (fun b => nth b ends 0 - 1) (seq 0 nb)).
  Proof.
    unfold fsums_at, fsv_at, fsz_at. cbn [work keep].
    rewrite <- !list_sum_map_mul_l. cbn [Nat.add]. f_equal; [f_equal|].
    - apply map_ext_in. intros b Hb. rewrite (list_sum_seq_const _ r (dh * (nth b ends 0
        + (nth b ends 0 - 1)))); [lia|]. intros m Hm. apply list_sum_seq_const. intros.
      apply dot_prog_counts.
    - f_equal. apply map_ext_in. intros b Hb. apply list_sum_seq_const. intros m Hm. cbn. lia.
  Qed.

  Lemma fden_num_work :
    work (PPar (fden_at N dh r nb blk) (fnum_at N dh r blk)) = N * (dh + 1) * (r + (r - 1)).
  Proof.
    cbn [work fden_at fnum_at].
    rewrite (list_sum_seq_const _ N (1 * (r + (r - 1)))), (list_sum_seq_const _ N (dh * (r + (r - 1))));
      [lia| |]; intros i Hi; apply list_sum_seq_const; intros; apply dot_prog_counts.
  Qed.

  (** Exact for all sizes. *)
  Theorem fattn_at_work :
    work (fattn_at p offX offQ offK offV N c dh mons coef ends blk)
    = 3 * (N * (dh * (c + (c - 1)))) + 2 * (N * mdeg mons)
      + (r * dh * list_sum (map (fun b => nth b ends 0 + (nth b ends 0 - 1)) (seq 0 nb))
         + r * list_sum (map (fun b => nth b ends 0 - 1) (seq 0 nb)))
      + N * (dh + 1) * (r + (r - 1)) + N * dh.
  Proof.
    unfold fattn_at. cbn [work].
    rewrite (proj1 (proj2 (proj2 (attn_qkv_at_counts offX offQ offK offV N c dh)))).
    change (length mons) with r. change (length ends) with nb.
    rewrite ffeat_at_work, fsums_at_work.
    rewrite (proj1 (proj2 (proj2 (mstage_counts N dh BDiv)))).
    pose proof fden_num_work as Hw. cbn [work] in Hw. lia.
  Qed.

  (** With positive sizes and block ends ([E = Σ_b e_b]). *)
  Theorem fattn_at_work_pos :
    1 <= c -> 1 <= r -> (forall b, b < nb -> 1 <= nth b ends 0) ->
    work (fattn_at p offX offQ offK offV N c dh mons coef ends blk)
    = 3 * (N * (dh * (2 * c - 1))) + 2 * (N * mdeg mons)
      + (r * (2 * dh + 1) * list_sum (map (fun b => nth b ends 0) (seq 0 nb)) - nb * r * (dh + 1))
      + N * (dh + 1) * (2 * r - 1) + N * dh.
  Proof.
    intros Hc Hr He. rewrite fattn_at_work.
    pose proof (list_sum_map_pred (fun b => nth b ends 0) nb He) as HS.
    rewrite list_sum_map_add.
    set (E := list_sum (map (fun b => nth b ends 0) (seq 0 nb))) in *.
    set (S := list_sum (map (fun b => nth b ends 0 - 1) (seq 0 nb))) in *.
    replace (c + (c - 1)) with (2 * c - 1) by lia. replace (r + (r - 1)) with (2 * r - 1) by lia.
    assert (E = S + nb) by lia. subst E. nia.
  Qed.
End work.

(** ** Examples ([vm_compute]) *)

(** Blocks [1; 1; 4; 16]: ends [1; 2; 6; 22]; token 7 is in block 3 (limit 22). *)
Example ex_bc_ends : bc_ends [1; 1; 4; 16] = [1; 2; 6; 22] /\ bc_blk [1; 1; 4; 16] 7 = 3.
Proof. vm_compute. split; reflexivity. Qed.

(** [N = 3], [c = dh = 2], rank 3 (the monomials [1], [q_0], [q_1]: degree 1),
    blocks [1; 2] (ends [1; 3], [E = 4]): work
    [= 3·3·2·3 + 2·3·2 + (3·5·4 − 2·3·3) + 3·3·5 + 6 = 54 + 12 + 42 + 45 + 6]. *)
Example ex_fattn_counts :
  work (fattn_at 8 0 6 10 14 3 2 2 [[]; [0]; [1]] (fun _ => fzero) [1; 3] (bc_blk [1; 2])) = 159
  /\ wdepth (fun _ => 1) (fattn_at 8 0 6 10 14 3 2 2 [[]; [0]; [1]] (fun _ => fzero) [1; 3]
                                   (bc_blk [1; 2])) = 8.
Proof. vm_compute. split; reflexivity. Qed.

(** ** Multi-head fast attention

    [H] fast heads with their own weights, concatenated, times [W_O]: the
    same shape as [mha_at] ([Modules/Attention.v]) with [fattn_at] in place
    of [attn_at]; all heads share the monomials, coefficients and block ends. *)

Definition ffmha p c dh H mons coef lim X (WQs WKs WVs : nat -> mat) WO : mat :=
  fmatmul p (H * dh) (fconcat dh (fun h => ffattn p c dh mons coef lim X (WQs h) (WKs h) (WVs h))) WO.

Definition fmha_at p offX (oQ oK oV : nat -> nat) offO N c dh H d mons coef ends blk : prog :=
  PSeq (PPar (PFor H (fun h => fattn_at p offX (oQ h) (oK h) (oV h) N c dh mons coef ends blk))
             (keep offO (H * dh * d)))
       (mha_proj_at N dh H d).

Theorem fmha_at_correct P p xs offX (oQ oK oV : nat -> nat) offO N c dh H d mons coef ends blk lim
    X (WQs WKs WVs : nat -> mat) WO :
  (forall m k, m < length mons -> In k (mon_at mons m) -> k < dh) ->
  (forall b, b < length ends -> nth b ends 0 <= N) -> blk_ok N ends blk lim ->
  block xs offX N c X ->
  (forall h, h < H -> block xs (oQ h) c dh (WQs h) /\ block xs (oK h) c dh (WKs h)
                      /\ block xs (oV h) c dh (WVs h)) ->
  block xs offO (H * dh) d WO ->
  peval P p (fmha_at p offX oQ oK oV offO N c dh H d mons coef ends blk) xs
  = flat N d (ffmha p c dh H mons coef lim X WQs WKs WVs WO).
Proof.
  intros Hmons Hends Hblk HX HW HO. unfold fmha_at. rewrite peval_PSeq, peval_PPar.
  set (F := fun h => ffattn p c dh mons coef lim X (WQs h) (WKs h) (WVs h)).
  rewrite (peval_PFor_blocks P p H N dh _ F).
  2: { intros h Hh. destruct (HW h Hh) as (HQ & HK & HV).
       exact (fattn_at_correct P p xs offX (oQ h) (oK h) (oV h) N c dh mons coef ends blk lim X
                (WQs h) (WKs h) (WVs h) Hmons Hends Hblk HX HQ HK HV). }
  rewrite (keep_block _ _ _ _ _ _ WO HO). apply mha_proj_at_correct.
Qed.

(** One more matrix product than a head: [4·(d_std + d_⊕) + d_⊗ + d_std]. *)
Theorem fmha_at_wdepth (P : FloatPrimitivesTC0) p offX (oQ oK oV : nat -> nat) offO N c dh H d mons coef ends blk :
  wdepth (op_dbound P) (fmha_at p offX oQ oK oV offO N c dh H d mons coef ends blk)
  <= 4 * (d_std P + d_sum P) + d_prod P + d_std P.
Proof.
  unfold fmha_at. cbn [wdepth]. rewrite keep_wdepth.
  assert (list_max (map (fun h => wdepth (op_dbound P)
            (fattn_at p offX (oQ h) (oK h) (oV h) N c dh mons coef ends blk)) (seq 0 H))
          <= 3 * (d_std P + d_sum P) + d_prod P + d_std P)
    by (apply list_max_seq_le; intros; apply fattn_at_wdepth).
  assert (wdepth (op_dbound P) (mha_proj_at N dh H d) <= d_std P + d_sum P)
    by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
  lia.
Qed.

Theorem fmha_at_wt p n offX (oQ oK oV : nat -> nat) offO N c dh H d mons coef ends blk :
  (forall m k, m < length mons -> In k (mon_at mons m) -> k < dh) ->
  (forall m, m < length mons -> valid p (coef (mon_at mons m)) = true) ->
  (forall b, b < length ends -> nth b ends 0 <= N) -> (forall i, i < N -> blk i < length ends) ->
  offX + N * c <= n ->
  (forall h, h < H -> oQ h + c * dh <= n /\ oK h + c * dh <= n /\ oV h + c * dh <= n) ->
  offO + H * dh * d <= n ->
  pwt p n (fmha_at p offX oQ oK oV offO N c dh H d mons coef ends blk).
Proof.
  intros Hmons Hcoef Hends Hblk HX HW HO. unfold fmha_at. cbn [pwt].
  split; [split|].
  - cbn [pwt]. intros h Hh. destruct (HW h Hh) as (? & ? & ?). apply fattn_at_wt; auto.
  - apply keep_wt_le, HO.
  - change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
    assert (Ha : arity_out (PFor H (fun h => fattn_at p offX (oQ h) (oK h) (oV h) N c dh mons coef
                                                      ends blk)) = H * (N * dh)).
    { cbn [arity_out]. apply list_sum_seq_const. intros. apply fattn_at_arity. }
    rewrite Ha, keep_arity.
    cbn [mha_proj_at pwt]. intros i Hi t Ht. apply dot_prog_wt. intros m Hm.
    assert (Hdh : dh <> 0) by (intros ->; lia).
    assert (Hq : m / dh < H) by (apply Nat.div_lt_upper_bound; lia).
    pose proof (Nat.mod_upper_bound m dh Hdh) as Hr. split; nia.
Qed.

(** Work: [H] heads plus the output projection [N·d·(2·H·dh − 1)]. *)
Theorem fmha_at_work p offX (oQ oK oV : nat -> nat) offO N c dh H d mons coef ends blk :
  work (fmha_at p offX oQ oK oV offO N c dh H d mons coef ends blk)
  = H * work (fattn_at p 0 0 0 0 N c dh mons coef ends blk) + N * (d * (H * dh + (H * dh - 1))).
Proof.
  unfold fmha_at. cbn [work]. rewrite (proj1 (proj2 (proj2 (keep_counts offO (H * dh * d))))).
  rewrite (list_sum_seq_const _ H (work (fattn_at p 0 0 0 0 N c dh mons coef ends blk))).
  2: { intros h _. rewrite !fattn_at_work. reflexivity. }
  assert (Hb : forall i t, i < N -> t < d ->
    let e := dot_prog (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
                               (fun m => H * (N * dh) + (m * d + t)) in
    ops e = H * dh + 1 /\ pads e = H * dh /\ work e = H * dh + (H * dh - 1)
    /\ maxar e <= H * dh + 2 /\ arity_out e = 1) by (intros; apply dot_prog_counts).
  pose proof (PFor2_work N d _ _ _ _ _ Hb) as Hw. unfold mha_proj_at. cbn zeta in Hw.
  rewrite Hw. lia.
Qed.

(** ** Shape (for the size bound) and the TC0 corollary *)

Lemma shape_PFor k (body : nat -> prog) B :
  (forall i, i < k -> shape (body i) <= B) -> shape (PFor k body) <= (4 * k + 1) * B.
Proof.
  intros H. unfold shape in *. cbn [ops pads maxar arity_out].
  assert (H1 : list_sum (map (fun i => ops (body i)) (seq 0 k)) <= k * B)
    by (apply list_sum_le_max_mul; intros i Hi; specialize (H i Hi); lia).
  assert (H2 : list_sum (map (fun i => pads (body i)) (seq 0 k)) <= k * B)
    by (apply list_sum_le_max_mul; intros i Hi; specialize (H i Hi); lia).
  assert (H3 : list_sum (map (fun i => arity_out (body i)) (seq 0 k)) <= k * B)
    by (apply list_sum_le_max_mul; intros i Hi; specialize (H i Hi); lia).
  assert (H4 : list_max (map (fun i => maxar (body i)) (seq 0 k)) <= B)
    by (apply list_max_seq_le; intros i Hi; specialize (H i Hi); lia).
  lia.
Qed.

Lemma shape_dot_prog m u v : shape (dot_prog m u v) <= 3 * m + 4.
Proof.
  unfold shape. destruct (dot_prog_counts m u v) as (Ho & Hp & _ & Hm & Ha). lia.
Qed.

Section shape.
  Context (p offX offQ offK offV N c dh : nat) (mons : list (list nat)) (coef : list nat -> flt)
    (ends : list nat) (blk : nat -> nat) (B : nat).
  Context (HB : 1 <= B) (HN : N <= B) (Hc : c <= B) (Hdh : dh <= B) (Hr : length mons <= B)
    (Hnb : length ends <= B) (Hmon : forall m, length (mon_at mons m) <= B).

  Local Ltac mono := repeat apply Nat.mul_le_mono; try lia.

  Let le_B x : x <= B * x.
  Proof. rewrite <- (Nat.mul_1_l x) at 1. apply Nat.mul_le_mono_r, HB. Qed.

  Lemma ffeat_at_shape : shape (ffeat_at p N dh mons coef) <= 1300 * (B * (B * B)).
  Proof.
    unfold ffeat_at.
    assert (Hq : forall i m, shape (fq_body dh mons coef i m) <= 4 * B + 4).
    { intros i m. unfold shape, fq_body. cbn. specialize (Hmon m). lia. }
    assert (Hk : forall j m, shape (fk_body p N dh mons j m) <= 4 * B + 4).
    { intros j m. unfold shape, fk_body. cbn. specialize (Hmon m). lia. }
    assert (H1 : shape (PFor N (fun i => PFor (length mons) (fq_body dh mons coef i)))
                 <= (4 * N + 1) * ((4 * length mons + 1) * (4 * B + 4))).
    { apply shape_PFor. intros. apply shape_PFor. intros. apply Hq. }
    assert (H2 : shape (PFor N (fun j => PFor (length mons) (fk_body p N dh mons j)))
                 <= (4 * N + 1) * ((4 * length mons + 1) * (4 * B + 4))).
    { apply shape_PFor. intros. apply shape_PFor. intros. apply Hk. }
    pose proof (shape_PPar (PFor N (fun i => PFor (length mons) (fq_body dh mons coef i)))
                  (PPar (PFor N (fun j => PFor (length mons) (fk_body p N dh mons j)))
                        (keep (N * dh + N * dh) (N * dh)))) as H3.
    pose proof (shape_PPar (PFor N (fun j => PFor (length mons) (fk_body p N dh mons j)))
                        (keep (N * dh + N * dh) (N * dh))) as H4.
    rewrite shape_keep in H4.
    assert (HX : (4 * N + 1) * ((4 * length mons + 1) * (4 * B + 4)) <= 5 * B * (5 * B * (8 * B)))
      by mono.
    assert (N * dh <= B * B) by mono. pose proof (le_B (B * B)). lia.
  Qed.

  Context (Hends : forall b, b < length ends -> nth b ends 0 <= N).

  Lemma fsums_at_shape : shape (fsums_at N dh (length mons) ends) <= 8 * (1000 * (B * (B * (B * B)))).
  Proof.
    unfold fsums_at, fsv_at, fsz_at.
    set (r := length mons).
    assert (H1 : shape (PFor (length ends) (fun b => PFor r (fun m => PFor dh (fun l =>
                   dot_prog (nth b ends 0) (fun j => N * r + (j * r + m))
                            (fun j => N * r + N * r + (j * dh + l))))))
                 <= (4 * length ends + 1) * ((4 * r + 1) * ((4 * dh + 1) * (7 * B)))).
    { apply shape_PFor. intros b Hb. apply shape_PFor. intros. apply shape_PFor. intros.
      pose proof (shape_dot_prog (nth b ends 0) (fun j => N * r + (j * r + i))
                    (fun j => N * r + N * r + (j * dh + i0))). specialize (Hends b Hb). lia. }
    assert (H2 : shape (PFor (length ends) (fun b => PFor r (fun m => PFor 1 (fun _ =>
                   PSeq (PWire (map (fun j => FIn (N * r + (j * r + m))) (seq 0 (nth b ends 0))))
                        (POp (OSum (nth b ends 0)))))))
                 <= (4 * length ends + 1) * ((4 * r + 1) * ((4 * 1 + 1) * (4 * B + 4)))).
    { apply shape_PFor. intros b Hb. apply shape_PFor. intros. apply shape_PFor. intros.
      unfold shape. cbn. rewrite ?map_length, ?seq_length. specialize (Hends b Hb). lia. }
    match goal with |- shape (PPar ?k (PPar ?x ?y)) <= _ =>
      pose proof (shape_PPar k (PPar x y)) as H3; pose proof (shape_PPar x y) as H4 end.
    rewrite shape_keep in H3.
    assert (HX1 : (4 * length ends + 1) * ((4 * r + 1) * ((4 * dh + 1) * (7 * B)))
                  <= 5 * B * (5 * B * (5 * B * (7 * B)))) by mono.
    assert (HX2 : (4 * length ends + 1) * ((4 * r + 1) * ((4 * 1 + 1) * (4 * B + 4)))
                  <= 5 * B * (5 * B * (5 * (8 * B)))) by mono.
    assert (N * r <= B * B) by mono. pose proof (le_B (B * B)). pose proof (le_B (B * (B * B))).
    lia.
  Qed.

  Lemma fden_num_shape :
    shape (PPar (fden_at N dh (length mons) (length ends) blk) (fnum_at N dh (length mons) blk))
    <= 700 * (B * (B * B)).
  Proof.
    unfold fden_at, fnum_at.
    match goal with |- shape (PPar ?x ?y) <= _ => pose proof (shape_PPar x y) as H end.
    assert (H1 : shape (PFor N (fun i => PFor 1 (fun _ => dot_prog (length mons) (fun m => i * length mons + m)
                   (fun m => N * length mons + length ends * (length mons * dh) + (blk i * length mons + m)))))
                 <= (4 * N + 1) * ((4 * 1 + 1) * (3 * length mons + 4))).
    { apply shape_PFor. intros. apply shape_PFor. intros. apply shape_dot_prog. }
    assert (H2 : shape (PFor N (fun i => PFor dh (fun l => dot_prog (length mons) (fun m => i * length mons + m)
                   (fun m => N * length mons + (blk i * (length mons * dh) + (m * dh + l))))))
                 <= (4 * N + 1) * ((4 * dh + 1) * (3 * length mons + 4))).
    { apply shape_PFor. intros. apply shape_PFor. intros. apply shape_dot_prog. }
    assert ((4 * N + 1) * ((4 * 1 + 1) * (3 * length mons + 4)) <= 5 * B * (5 * (7 * B))) by mono.
    assert ((4 * N + 1) * ((4 * dh + 1) * (3 * length mons + 4)) <= 5 * B * (5 * B * (7 * B))) by mono.
    pose proof (le_B B). pose proof (le_B (B * B)). lia.
  Qed.

  Theorem fattn_at_shape :
    shape (fattn_at p offX offQ offK offV N c dh mons coef ends blk) <= 11 * (1000 * (B * (B * (B * B)))).
  Proof.
    unfold fattn_at.
    pose proof (attn_qkv_at_counts offX offQ offK offV N c dh) as (Ho & Hp & _ & Hm & Ha).
    assert (S1 : shape (attn_qkv_at offX offQ offK offV N c dh) <= 40 * (B * (B * B))).
    { unfold shape. rewrite Ho, Hp, Ha.
      assert (N * (dh * (c + 1)) <= B * (B * (B + 1))) by mono.
      assert (N * (dh * c) <= B * (B * B)) by mono. assert (N * dh <= B * B) by mono.
      pose proof (le_B B). pose proof (le_B (B * B)). lia. }
    pose proof ffeat_at_shape as S2. pose proof fsums_at_shape as S3. pose proof fden_num_shape as S4.
    assert (S5 : shape (mstage N dh BDiv) <= 10 * (B * B)).
    { unfold shape. destruct (mstage_counts N dh BDiv) as (o & q & _ & m & a).
      assert (N * dh <= B * B) by mono. lia. }
    match goal with |- shape (PSeq ?a (PSeq ?b (PSeq ?c (PSeq ?d ?e)))) <= _ =>
      pose proof (shape_PSeq a (PSeq b (PSeq c (PSeq d e))));
      pose proof (shape_PSeq b (PSeq c (PSeq d e)));
      pose proof (shape_PSeq c (PSeq d e)); pose proof (shape_PSeq d e) end.
    pose proof (le_B (B * B)). pose proof (le_B (B * (B * B))). lia.
  Qed.
End shape.

(** Fast attention is in TC0: for families of sizes, monomials and block
    ends bounded by [a·(n+1)^k] (so the rank may grow polynomially), the
    compiled family has depth [3·(d_std + d_⊕) + d_⊗ + d_std] and polynomial size. *)
Theorem fattn_in_TC0 (P : FloatPrimitivesTC0) (prec : nat -> nat) ap kp (a k : nat) (Nf cf dhf : nat -> nat)
    (monsf : nat -> list (list nat)) (coeff : nat -> list nat -> flt) (endsf : nat -> list nat)
    (blkf : nat -> nat -> nat) :
  PolyBoundedWith prec ap kp ->
  (forall n, let B := a * (n + 1) ^ k in
     1 <= B /\ Nf n <= B /\ cf n <= B /\ dhf n <= B /\ length (monsf n) <= B /\ length (endsf n) <= B
     /\ forall m, length (mon_at (monsf n) m) <= B) ->
  (forall n m j, m < length (monsf n) -> In j (mon_at (monsf n) m) -> j < dhf n) ->
  (forall n m, m < length (monsf n) -> valid (prec n) (coeff n (mon_at (monsf n) m)) = true) ->
  (forall n b, b < length (endsf n) -> nth b (endsf n) 0 <= Nf n) ->
  (forall n i, i < Nf n -> blkf n i < length (endsf n)) ->
  let inw n := Nf n * cf n + 3 * (cf n * dhf n) in
  let prog n := fattn_at (prec n) 0 (Nf n * cf n) (Nf n * cf n + cf n * dhf n)
                  (Nf n * cf n + 2 * (cf n * dhf n)) (Nf n) (cf n) (dhf n) (monsf n) (coeff n)
                  (endsf n) (blkf n) in
  InTC0With (compiled_family P prec inw prog) (3 * (d_std P + d_sum P) + d_prod P + d_std P)
    (tc0_coef P (3 * (d_std P + d_sum P) + d_prod P + d_std P) ap (11 * (1000 * a ^ 4))) (tc0_exp P kp (4 * k)).
Proof.
  intros Hp HB Hmons Hcoef Hends Hblk inw prog. apply compiled_InTC0With.
  - intros n. unfold prog, inw. apply fattn_at_wt; [intros m j; apply Hmons|auto..]; lia.
  - intros n. apply fattn_at_wdepth.
  - exact Hp.
  - intros n. destruct (HB n) as (H1 & H2 & H3 & H4 & H5 & H6 & H7). cbv zeta in *.
    unfold prog. eapply Nat.le_trans; [apply fattn_at_shape; eauto|].
    set (B := a * (n + 1) ^ k) in *.
    assert (E : B * (B * (B * B)) = a ^ 4 * ((n + 1) ^ k) ^ 4) by (unfold B; cbn [Nat.pow]; ring).
    rewrite E, <- Nat.pow_mul_r, (Nat.mul_comm k 4). lia.
Qed.
