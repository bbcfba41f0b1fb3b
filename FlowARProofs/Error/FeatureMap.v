(** * The polynomial method's feature-map identity, over the reals

    Fast attention ([Modules/FastAttention.v]) replaces [exp(s)] of a score
    [s = scale · ⟨q, k⟩] by the inner product of two feature maps built
    from a list [mons] of monomials:
    {v
      φ_m(q) = coef_m · Π_{k ∈ mon_m} q_k        ψ_m(k) = 1 · Π_{k ∈ mon_m} k_k
    v}
    ([rphi], [rpsi]: the real-valued counterparts of [fphi], [fpsi], the
    same product lists with exact real products).  For the Taylor instance
    of [Runtime/FastRank.v] — the monomials [taylor_mons dh g] (every
    multiset of size [≤ g] over [dh] coordinates, once) and the coefficient
    [rtaylor_coef s dh α = s^|α| / α!] — this file proves the multinomial
    theorem in the form the error analysis needs:
    {v
      Σ_{m < r} φ_m(q) ψ_m(k)  =  Σ_{t ≤ g} (s · Σ_{j<dh} q_j k_j)^t / t!  =  P_g(s·⟨q,k⟩)
    v}
    ([feature_map_identity], with [r = C(dh + g, g)], [taylor_mons_length]).

    Proof: [msets_split] cuts a multiset over [d + 1] symbols into its [c]
    copies of the last symbol and a multiset over [d] symbols — the
    recursion of [msets] unrolled; with it, induction on [d] and the
    binomial theorem give the exponential-generating form
    [Σ_{α ∈ msets d t} x^α / α! = (Σ_j x_j)^t / t!] ([msets_multinomial]).
    [taylor_mons] is [msets (dh+1) g] with the slack symbol [dh] filtered
    out, so its sum is [Σ_{u ≤ g}] of the size-[u] sums ([taylor_mons_sum]).

    Consequences:
    - [rfattn_taylor]: the real-valued fast attention computed through the
      feature maps exactly as the float program does ([rfattn], mirroring
      [ffattn]: [Φ_i · (Ψ_{<e}ᵀ V)] over [Φ_i · (Ψ_{<e}ᵀ 1)]) IS
      [rattn (taylor_exp g)] of [Error/RealModel.v]; [rfmha_taylor] for
      multi-head attention.  So the fast-attention error theorems
      ([FastAttentionError.v], [LayerError.v], …) are about the feature-map
      computation, not an assumed stand-in.
    - [taylor_coef_real]: the float coefficient [taylor_coef p sn sd dh α] of
      [FastRank.v] is the round-to-nearest ([rnd_flx]) of the real one
      [rtaylor_coef (sn/sd) dh α], in the normal range.  The float program
      therefore evaluates the feature maps with rounded coefficients and
      rounded products; that rounding error is NOT analysed here. *)
From Coq Require Import Reals Lra Lia List Arith ZArith.
From FlowARProofs.Util Require Import Growth.
From FlowARProofs.Float Require Import Format Real.
From FlowARProofs.Modules Require Import FastAttention.
From FlowARProofs.Runtime Require Import FastRank.
From FlowARProofs.Error Require Import RSum AttentionError Taylor FastAttentionError RealModel.
Import ListNotations.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Implicit Types (d t u g dh c : nat) (al bl : list nat) (x q : nat -> R) (s : R).

(** ** Sums over lists *)

Definition lsum (l : list R) : R := fold_right Rplus 0 l.

Lemma lsum_app l1 l2 : lsum (l1 ++ l2) = lsum l1 + lsum l2.
Proof. unfold lsum. induction l1 as [|a l IH]; cbn; [lra|]. rewrite IH. lra. Qed.

Lemma lsum_map_ext {A} (f h : A -> R) l :
  (forall a, In a l -> f a = h a) -> lsum (map f l) = lsum (map h l).
Proof. intros H. f_equal. apply map_ext_in, H. Qed.

Lemma lsum_scal {A} (a : R) (f : A -> R) l : lsum (map (fun y => a * f y) l) = a * lsum (map f l).
Proof. unfold lsum. induction l as [|y l IH]; cbn; [lra|]. rewrite IH. lra. Qed.

(** An index sum over the positions of a list is the sum over its elements. *)
Lemma rsum_nth {A} (f : A -> R) (z : A) l :
  rsum (fun m => f (nth m l z)) (length l) = lsum (map f l).
Proof.
  induction l as [|a l IH] using rev_ind; [reflexivity|].
  rewrite app_length, Nat.add_1_r, map_app, lsum_app. cbn [rsum].
  rewrite app_nth2, Nat.sub_diag by lia. cbn. rewrite <- IH. f_equal; [|lra].
  apply rsum_ext. intros j Hj. rewrite app_nth1 by lia. reflexivity.
Qed.

Lemma rsum_swap (F : nat -> nat -> R) a b :
  rsum (fun m => rsum (fun j => F m j) b) a = rsum (fun j => rsum (fun m => F m j) a) b.
Proof.
  induction a as [|a IH]; cbn [rsum].
  - rewrite rsum_const. ring.
  - rewrite IH, <- rsum_plus. reflexivity.
Qed.

(** ** Monomials and multiset factorials *)

(** [x^α = Π_{k ∈ α} x_k]. *)
Definition rmono x al : R := fold_right Rmult 1 (map x al).

Lemma rmono_app x al bl : rmono x (al ++ bl) = rmono x al * rmono x bl.
Proof. unfold rmono. induction al as [|a al IH]; cbn; [lra|]. rewrite IH. lra. Qed.

Lemma rmono_repeat x (a : nat) c : rmono x (repeat a c) = x a ^ c.
Proof. unfold rmono. induction c as [|c IH]; cbn; [reflexivity|]. rewrite IH. reflexivity. Qed.

Lemma rmono_mul q (k : nat -> R) al : rmono q al * rmono k al = rmono (fun j => q j * k j) al.
Proof. unfold rmono. induction al as [|a al IH]; cbn; [lra|]. rewrite <- IH. ring. Qed.

Lemma fold_mul_init (a : nat) (l : list nat) : fold_right Nat.mul a l = (fold_right Nat.mul 1 l * a)%nat.
Proof. induction l as [|y l IH]; cbn; [lia|]. rewrite IH. ring. Qed.

Lemma mfact_S d al : mfact (S d) al = (mfact d al * fact (count_occ Nat.eq_dec al d))%nat.
Proof.
  unfold mfact. rewrite seq_S, map_app, fold_right_app. cbn [map fold_right].
  rewrite fold_mul_init, Nat.add_0_l, Nat.mul_1_r. reflexivity.
Qed.

Lemma mfact_pos d al : (0 < mfact d al)%nat.
Proof.
  induction d as [|d IH]; [cbn; lia|]. rewrite mfact_S.
  pose proof (lt_O_fact (count_occ Nat.eq_dec al d)). nia.
Qed.

Lemma INR_mfact_pos d al : 0 < INR (mfact d al).
Proof. apply lt_0_INR, mfact_pos. Qed.

Lemma mfact_ext d al bl :
  (forall k, (k < d)%nat -> count_occ Nat.eq_dec al k = count_occ Nat.eq_dec bl k) ->
  mfact d al = mfact d bl.
Proof.
  intros H. unfold mfact. f_equal. apply map_ext_in. intros k Hk. apply in_seq in Hk.
  rewrite H by lia. reflexivity.
Qed.

(** Prepending [c] copies of a symbol [d] larger than all of [bl]. *)
Lemma mfact_repeat_app d c bl :
  (forall k, In k bl -> (k < d)%nat) -> mfact (S d) (repeat d c ++ bl) = (mfact d bl * fact c)%nat.
Proof.
  intros Hbl. rewrite mfact_S, count_occ_app, count_occ_repeat_eq by reflexivity.
  assert (Hd : count_occ Nat.eq_dec bl d = 0%nat).
  { apply count_occ_not_In. intros Hin. specialize (Hbl d Hin). lia. }
  rewrite Hd, Nat.add_0_r. f_equal. apply mfact_ext. intros k Hk.
  rewrite count_occ_app, count_occ_repeat_neq by lia. reflexivity.
Qed.

(** ** Splitting off the largest symbol *)

Lemma msets_0 d : msets d 0 = [[]].
Proof. destruct d; reflexivity. Qed.

(** A multiset of size [t] over [d + 1] symbols is [t − u] copies of the
    symbol [d] followed by a multiset of size [u] over [d] symbols. *)
Lemma msets_split (f : list nat -> R) d t :
  lsum (map f (msets (S d) t))
  = sum_f_R0 (fun u => lsum (map (fun bl => f (repeat d (t - u) ++ bl)) (msets d u))) t.
Proof.
  revert f. induction t as [|t IH]; intros f.
  - cbn [sum_f_R0]. rewrite msets_S_0, msets_0. reflexivity.
  - rewrite msets_S_S, map_app, lsum_app, map_map, IH. cbn [sum_f_R0].
    rewrite Nat.sub_diag, Rplus_comm. f_equal.
    apply sum_eq. intros u Hu. f_equal. apply map_ext. intros bl.
    replace (S t - u)%nat with (S (t - u)) by lia. reflexivity.
Qed.

(** ** The multinomial theorem *)

(** [Σ_{α ∈ msets d t} x^α / α! = (Σ_{j<d} x_j)^t / t!]. *)
Theorem msets_multinomial d t x :
  lsum (map (fun al => rmono x al / INR (mfact d al)) (msets d t)) = rsum x d ^ t / INR (fact t).
Proof.
  induction d as [|d IH] in t |- *.
  - destruct t as [|t]; cbn -[INR fact]; unfold rmono, mfact; cbn; [lra|].
    unfold Rdiv. rewrite !Rmult_0_l. reflexivity.
  - rewrite msets_split. cbn [rsum]. rewrite binomial. unfold Rdiv at 2.
    rewrite Rmult_comm, scal_sum. apply sum_eq. intros u Hu.
    rewrite (lsum_map_ext _ (fun bl => x d ^ (t - u) / INR (fact (t - u))
                                       * (rmono x bl / INR (mfact d bl)))).
    2: { intros bl Hbl. rewrite rmono_app, rmono_repeat, mfact_repeat_app, mult_INR.
         2: { intros k Hk. exact (msets_lt _ _ _ _ Hbl Hk). }
         pose proof (INR_mfact_pos d bl). pose proof (INR_fact_neq_0 (t - u)). field. lra. }
    rewrite lsum_scal, IH. unfold C.
    pose proof (INR_fact_neq_0 t). pose proof (INR_fact_neq_0 u). pose proof (INR_fact_neq_0 (t - u)).
    field. auto.
Qed.

(** ** The Taylor monomials and coefficients over R *)

(** The real coefficient [s^|α| / α!] of [FastRank.taylor_coef] (whose float
    constant is this, for [s = sn/sd], rounded once: [taylor_coef_real]). *)
Definition rtaylor_coef s dh al : R := s ^ length al / INR (mfact dh al).

Lemma filter_all {A} (f : A -> bool) l : (forall a, In a l -> f a = true) -> filter f l = l.
Proof.
  induction l as [|a l IH]; intros H; [reflexivity|]. cbn. rewrite (H a (or_introl eq_refl)).
  f_equal. apply IH. intros b Hb. apply H. right. exact Hb.
Qed.

Lemma filter_repeat_false {A} (f : A -> bool) a c : f a = false -> filter f (repeat a c) = [].
Proof. intros H. induction c as [|c IH]; cbn; [reflexivity|]. rewrite H. exact IH. Qed.

(** [taylor_mons dh g] lists, for every [u ≤ g], the multisets of size [u]. *)
Lemma taylor_mons_sum dh g (f : list nat -> R) :
  lsum (map f (taylor_mons dh g)) = sum_f_R0 (fun u => lsum (map f (msets dh u))) g.
Proof.
  unfold taylor_mons. rewrite map_map, msets_split. apply sum_eq. intros u _. f_equal.
  apply map_ext_in. intros bl Hbl. f_equal.
  rewrite filter_app, filter_repeat_false by apply Nat.ltb_irrefl.
  apply filter_all. intros k Hk. apply Nat.ltb_lt. exact (msets_lt _ _ _ _ Hbl Hk).
Qed.

(** The weighted sum over the Taylor monomials is the Taylor polynomial. *)
Theorem taylor_mons_multinomial dh g s x :
  lsum (map (fun al => rtaylor_coef s dh al * rmono x al) (taylor_mons dh g))
  = taylor_exp g (s * rsum x dh).
Proof.
  rewrite taylor_mons_sum. unfold taylor_exp. apply sum_eq. intros u _.
  rewrite (lsum_map_ext _ (fun al => s ^ u * (rmono x al / INR (mfact dh al)))).
  2: { intros al Hal. unfold rtaylor_coef. rewrite (msets_len _ _ _ Hal).
       pose proof (INR_mfact_pos dh al). field. lra. }
  rewrite lsum_scal, msets_multinomial, Rpow_mult_distr. unfold Rdiv. ring.
Qed.

(** ** The feature maps over R *)

(** [φ_m(q) = coef_m · Π q_k] and [ψ_m(k) = 1 · Π k_k]: the product lists of
    [fphi] / [fpsi] ([Modules/FastAttention.v]), multiplied exactly. *)
Definition rphi_vec (mons : list (list nat)) (coef : list nat -> R) q (m : nat) : R :=
  fold_right Rmult 1 (coef (mon_at mons m) :: map q (mon_at mons m)).

Definition rpsi_vec (mons : list (list nat)) (k : nat -> R) (m : nat) : R :=
  fold_right Rmult 1 (1 :: map k (mon_at mons m)).

(** [⟨φ(q), ψ(k)⟩ = Σ_{m < r} φ_m(q) ψ_m(k)], [r = length mons]. *)
Definition rfeat_dot (mons : list (list nat)) (coef : list nat -> R) q (k : nat -> R) : R :=
  rsum (fun m => rphi_vec mons coef q m * rpsi_vec mons k m) (length mons).

(** The polynomial method's identity: with the Taylor monomials and
    coefficients, the feature inner product is [P_g(s·⟨q, k⟩)]. *)
Theorem feature_map_identity g dh s q (k : nat -> R) :
  rfeat_dot (taylor_mons dh g) (rtaylor_coef s dh) q k
  = taylor_exp g (s * rsum (fun j => q j * k j) dh).
Proof.
  rewrite <- taylor_mons_multinomial. unfold rfeat_dot, rphi_vec, rpsi_vec, mon_at.
  rewrite <- (rsum_nth _ []). apply rsum_ext. intros m _. cbn [fold_right].
  rewrite <- rmono_mul. unfold rmono. ring.
Qed.

(** The rank of the Taylor feature maps: [C(dh + g, g)] ([FastRank.v]). *)
Lemma feature_map_rank dh g : length (taylor_mons dh g) = binom (dh + g) g.
Proof. apply taylor_mons_length. Qed.

(** ** Fast attention through the feature maps, over R *)

Definition rphi (mons : list (list nat)) (coef : list nat -> R) (Q : rmat) : rmat :=
  fun i m => rphi_vec mons coef (Q i) m.
Definition rpsi (mons : list (list nat)) (K : rmat) : rmat := fun j m => rpsi_vec mons (K j) m.

(** Mirrors [ffattn_qkv]: [(Φ_i · Ψ_{<e}ᵀ V) / (Φ_i · Ψ_{<e}ᵀ 1)], [e = lim i]. *)
Definition rfattn_qkv r (lim : nat -> nat) (Phi Psi V : rmat) : rmat :=
  fun i l => rsum (fun m => Phi i m * rsum (fun j => Psi j m * V j l) (lim i)) r
             / rsum (fun m => Phi i m * rsum (fun j => Psi j m) (lim i)) r.

(** Mirrors [ffattn]. *)
Definition rfattn c (mons : list (list nat)) (coef : list nat -> R) (lim : nat -> nat)
    (X WQ WK WV : rmat) : rmat :=
  rfattn_qkv (length mons) lim (rphi mons coef (rmatmul c X WQ)) (rpsi mons (rmatmul c X WK))
    (rmatmul c X WV).

(** Factorised attention is attention with weights [⟨φ(q_i), ψ(k_j)⟩]. *)
Lemma rfattn_qkv_weights r lim (Phi Psi V : rmat) i l :
  rfattn_qkv r lim Phi Psi V i l
  = attn_with (fun w => w) (fun i j => rsum (fun m => Phi i m * Psi j m) r) V lim i l.
Proof.
  unfold rfattn_qkv, attn_with, masked_attn, softmax_row. f_equal.
  - rewrite (rsum_ext _ (fun m => rsum (fun j => Phi i m * Psi j m * V j l) (lim i))).
    2: { intros m _. rewrite <- rsum_scal_l. apply rsum_ext. intros. ring. }
    rewrite rsum_swap. apply rsum_ext. intros j _. rewrite Rmult_comm, <- rsum_scal_l.
    apply rsum_ext. intros. ring.
  - rewrite (rsum_ext _ (fun m => rsum (fun j => Phi i m * Psi j m) (lim i))).
    2: { intros m _. rewrite <- rsum_scal_l. reflexivity. }
    apply rsum_swap.
Qed.


Lemma masked_attn_ext (A B V : rmat) lim i l :
  (forall j, (j < lim i)%nat -> A i j = B i j) -> masked_attn A V lim i l = masked_attn B V lim i l.
Proof.
  intros H. unfold masked_attn, softmax_row. f_equal; apply rsum_ext; intros j Hj; rewrite H by exact Hj;
    reflexivity.
Qed.

(** The fast attention the error analysis studies ([rattn (taylor_exp g)])
    is the feature-map computation with the Taylor monomials and coefficients. *)
Theorem rfattn_taylor g c dh s lim X WQ WK WV i l :
  rfattn c (taylor_mons dh g) (rtaylor_coef s dh) lim X WQ WK WV i l
  = rattn (taylor_exp g) c dh s lim X WQ WK WV i l.
Proof.
  unfold rfattn. rewrite rfattn_qkv_weights. unfold rattn, attn_with. apply masked_attn_ext.
  intros j _. unfold rscore. rewrite <- feature_map_identity. reflexivity.
Qed.

(** Multi-head: mirrors [ffmha] (the fast heads, concatenated, times [W_O]). *)
Definition rfmha c dh H (mons : list (list nat)) (coef : list nat -> R) lim X
    (WQs WKs WVs : nat -> rmat) (WO : rmat) : rmat :=
  rmatmul (H * dh) (rconcat dh (fun h => rfattn c mons coef lim X (WQs h) (WKs h) (WVs h))) WO.

Theorem rfmha_taylor g c dh H s lim X WQs WKs WVs WO i l :
  rfmha c dh H (taylor_mons dh g) (rtaylor_coef s dh) lim X WQs WKs WVs WO i l
  = rmha (taylor_exp g) c dh H s lim X WQs WKs WVs WO i l.
Proof.
  unfold rfmha, rmha, rmatmul, Lipschitz.linear. f_equal. apply rsum_ext. intros m _. f_equal.
  unfold rconcat. apply rfattn_taylor.
Qed.

(** ** The float coefficients are the real ones, rounded *)

Lemma taylor_coef_real p (sn sd : Z) dh al :
  (1 <= p)%nat -> (0 < sd)%Z -> in_range p (rtaylor_coef (IZR sn / IZR sd) dh al) ->
  toR (taylor_coef p sn sd dh al) = rnd_flx p (rtaylor_coef (IZR sn / IZR sd) dh al).
Proof.
  intros Hp Hsd Hr. pose proof (mfact_pos dh al) as HM.
  assert (Hv : IZR (sn ^ Z.of_nat (length al)) / IZR (sd ^ Z.of_nat (length al) * Z.of_nat (mfact dh al))
               * Raux.bpow Zaux.radix2 0 = rtaylor_coef (IZR sn / IZR sd) dh al).
  { unfold rtaylor_coef. rewrite mult_IZR, <- !pow_IZR, <- INR_IZR_INZ. cbn [Raux.bpow].
    assert (Hs : IZR sd <> 0) by (apply not_0_IZR; lia).
    pose proof (pow_nonzero _ (length al) Hs). pose proof (INR_mfact_pos dh al).
    unfold Rdiv. rewrite Rpow_mult_distr, pow_inv. field. lra. }
  unfold taylor_coef, fconst. rewrite (toR_round p Hp).
  - rewrite Hv. reflexivity.
  - apply Z.mul_pos_pos; [apply Z.pow_pos_nonneg|]; lia.
  - rewrite Hv. exact Hr.
Qed.
