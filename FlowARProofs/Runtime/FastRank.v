(** * Rank and Taylor degree of polynomial-method attention

    The feature maps of [Modules/FastAttention.v] are indexed by monomials.
    For the degree-[g] Taylor polynomial of [exp] at a score
    [s = scale·⟨q, k⟩], the multinomial theorem gives
    {v
      Σ_{t ≤ g} s^t / t!  =  Σ_{|α| ≤ g}  (scale^|α| / α!) · q^α · k^α
    v}
    over the multi-indices [α ∈ ℕ^dh] of total degree [≤ g], so the rank
    (number of features) is the number of such [α] (the identity itself is
    proved over [R] for [taylor_mons] and the real [taylor_coef] in
    [Error/FeatureMap.v], [feature_map_identity]):
    {v
      r(dh, g) = C(dh + g, g)                                 (taylor_mons_length)
    v}
    ([α] of degree ≤ g over [dh] coordinates = multisets of size exactly [g]
    over [dh + 1] symbols, the extra symbol taking the slack).  The paper's
    reconstructed bound [r ≤ C(2(g + d), 2g)] (PAPER.md §4.3) holds but is
    loose: [C(d+g, g) ≤ C(2(g+d), 2g)] ([rank_le_paper]).

    Monomials are lists of coordinates with repetition ([msets]: each
    multiset once, as a non-increasing list); [taylor_mons dh g] lists them,
    [taylor_coef] gives the float constant [scale^|α|/α!] for a rational
    scale [sn/sd] (rounded once).  [rankN] evaluates [C(dh + g, g)] in [N]
    by the multiplicative formula ([rankN_binom]).

    The Taylor degree ([taylor_deg β A]): the least [g] with
    {v
      9^β · β^(g+1) · A  ≤  (g+1)!                                     (deg_ok)
    v}
    By Lagrange's remainder, for [|x| ≤ β] the relative error of the degree-[g]
    Taylor polynomial is [|e^x − T_g(x)| / e^x ≤ e^(2β) β^(g+1)/(g+1)!], and
    [e² < 9], so [deg_ok] gives relative error [≤ 1/A] on the score range
    [[−β, β]] (proved over [R] in [Runtime/TaylorDegree.v] from [Error/Taylor.v];
    here the criterion is exact integer arithmetic).  The search is
    bounded by [8β + log₂ A + 8], where the criterion always holds
    ([deg_ok_at_fuel]), so [taylor_deg] always meets it ([taylor_deg_ok]) and is
    the least degree that does ([taylor_deg_min]).  β is an integer upper bound
    on [max |score|]; with [scale = 1/√dh] and entries [|q_k|, |k_k| ≤ B],
    [|score| ≤ √dh · B²]. *)
From Coq Require Import List Arith NArith Lia ZArith.
From FlowARProofs.Float Require Import Format.
From FlowARProofs.Util Require Import Growth.
From FlowARProofs.Modules Require Import FastAttention.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (n k d t g dh : nat).

(** ** Multisets as monomials *)

(** The multisets of size [t] over the symbols [0 .. d−1], each once, as
    non-increasing lists. *)
Fixpoint msets (d : nat) : nat -> list (list nat) :=
  match d with
  | 0 => fun t => match t with 0 => [[]] | S _ => [] end
  | S d' => fix go t := match t with
            | 0 => [[]]
            | S t' => msets d' (S t') ++ map (cons d') (go t')
            end
  end.

Lemma msets_S_0 d : msets (S d) 0 = [[]].
Proof. reflexivity. Qed.

Lemma msets_S_S d t : msets (S d) (S t) = msets d (S t) ++ map (cons d) (msets (S d) t).
Proof. reflexivity. Qed.

Lemma msets_length d t : length (msets (S d) t) = binom (d + t) t.
Proof.
  induction d as [|d IHd] in t |- *.
  - induction t as [|t IHt]; [reflexivity|].
    rewrite msets_S_S, app_length, map_length, IHt. cbn [msets length]. rewrite !binom_diag. lia.
  - induction t as [|t IHt]; [rewrite Nat.add_0_r, binom_0_r; reflexivity|].
    rewrite msets_S_S, app_length, map_length, IHt, IHd.
    replace (S d + S t) with (S (d + S t)) by lia. rewrite binom_S_S.
    replace (S d + t) with (d + S t) by lia. lia.
Qed.

Lemma msets_len d t m : In m (msets d t) -> length m = t.
Proof.
  revert t m. induction d as [|d IH]; intros t m H.
  - destruct t; cbn in H; [destruct H as [<-|[]]; reflexivity|destruct H].
  - induction t as [|t IHt] in m, H |- *.
    + cbn in H. destruct H as [<-|[]]. reflexivity.
    + rewrite msets_S_S in H. apply in_app_or in H. destruct H as [H|H]; [eauto|].
      apply in_map_iff in H. destruct H as (m' & <- & H). cbn. f_equal. eauto.
Qed.

Lemma msets_lt d t m k : In m (msets d t) -> In k m -> k < d.
Proof.
  revert t m. induction d as [|d IH]; intros t m H Hk.
  - destruct t; cbn in H; [destruct H as [<-|[]]; destruct Hk|destruct H].
  - induction t as [|t IHt] in m, H, Hk |- *.
    + cbn in H. destruct H as [<-|[]]. destruct Hk.
    + rewrite msets_S_S in H. apply in_app_or in H. destruct H as [H|H].
      * specialize (IH _ _ H Hk). lia.
      * apply in_map_iff in H. destruct H as (m' & <- & H). destruct Hk as [<-|Hk]; [lia|].
        eauto.
Qed.

(** ** The Taylor monomials and coefficients *)

(** Monomials of degree [≤ g] in [dh] coordinates: multisets of size [g]
    over [dh + 1] symbols, the symbol [dh] (the slack) removed. *)
Definition taylor_mons dh g : list (list nat) :=
  map (filter (fun k => k <? dh)) (msets (S dh) g).

Lemma taylor_mons_length dh g : length (taylor_mons dh g) = binom (dh + g) g.
Proof. unfold taylor_mons. rewrite map_length. apply msets_length. Qed.

Lemma taylor_mons_in dh g m k :
  m < length (taylor_mons dh g) -> In k (mon_at (taylor_mons dh g) m) -> k < dh.
Proof.
  intros Hm Hk. unfold mon_at in Hk. apply (nth_In _ []) in Hm. set (x := nth m _ []) in *.
  clearbody x. unfold taylor_mons in Hm. apply in_map_iff in Hm. destruct Hm as (y & <- & _).
  apply filter_In in Hk. destruct Hk as [_ Hk]. apply Nat.ltb_lt, Hk.
Qed.

Lemma length_filter_le {A} (f : A -> bool) l : length (filter f l) <= length l.
Proof. induction l as [|x l IH]; cbn; [lia|]. destruct (f x); cbn; lia. Qed.

Lemma taylor_mons_deg dh g x : In x (taylor_mons dh g) -> length x <= g.
Proof.
  intros Hx. unfold taylor_mons in Hx. apply in_map_iff in Hx. destruct Hx as (y & <- & Hy).
  rewrite <- (msets_len _ _ _ Hy). apply length_filter_le.
Qed.

(** Total degree: at most [g] per monomial. *)
Lemma taylor_mdeg dh g : mdeg (taylor_mons dh g) <= binom (dh + g) g * g.
Proof.
  rewrite <- taylor_mons_length. unfold mdeg.
  pose proof (taylor_mons_deg dh g) as H. induction (taylor_mons dh g) as [|x l IH]; [cbn; lia|].
  cbn [map list_sum fold_right length] in *.
  assert (length x <= g) by (apply H; left; reflexivity).
  assert (IH' : list_sum (map (@length nat) l) <= length l * g)
    by (apply IH; intros y Hy; apply H; right; exact Hy).
  unfold list_sum in IH'. lia.
Qed.

(** [α! = Π_k (multiplicity of k)!]. *)
Definition mfact dh (al : list nat) : nat :=
  fold_right Nat.mul 1 (map (fun k => fact (count_occ Nat.eq_dec al k)) (seq 0 dh)).

(** The Taylor coefficient [scale^|α| / α!] for [scale = sn/sd], rounded once. *)
Definition taylor_coef p (sn sd : Z) dh (al : list nat) : flt :=
  fconst p (sn ^ Z.of_nat (length al)) (sd ^ Z.of_nat (length al) * Z.of_nat (mfact dh al)).

Lemma taylor_coef_valid p sn sd dh al : valid p (taylor_coef p sn sd dh al) = true.
Proof. apply fconst_valid. Qed.

(** ** The rank in [N] *)

Local Open Scope N_scope.

Fixpoint rank_aux (d : N) (g : nat) : N :=
  match g with
  | O => 1
  | S g' => rank_aux d g' * (d + N.of_nat (S g')) / N.of_nat (S g')
  end.

(** [r(dh, g) = C(dh + g, g)], evaluated by the multiplicative formula. *)
Definition rankN (dh g : nat) : N := rank_aux (N.of_nat dh) g.

Lemma rankN_binom dh g : rankN dh g = N.of_nat (binom (dh + g) g).
Proof.
  unfold rankN. induction g as [|g IH]; [rewrite Nat.add_0_r, binom_0_r; reflexivity|].
  cbn [rank_aux]. rewrite IH.
  pose proof (binom_succ_mul (dh + g) g) as H.
  replace (dh + S g)%nat with (S (dh + g)) by lia.
  apply (f_equal N.of_nat) in H. rewrite !Nat2N.inj_mul in H.
  replace (N.of_nat dh + N.of_nat (S g)) with (N.of_nat (S (dh + g))) by lia.
  rewrite <- H. apply N.div_mul. lia.
Qed.

Lemma taylor_rank dh g : N.of_nat (length (taylor_mons dh g)) = rankN dh g.
Proof. rewrite taylor_mons_length, rankN_binom. reflexivity. Qed.

(** The paper's reconstructed bound [r ≤ C(2(g + d), 2g)] holds. *)
Lemma rank_le_paper dh g : rankN dh g <= N.of_nat (binom (2 * (g + dh)) (2 * g)).
Proof.
  rewrite rankN_binom. replace (2 * (g + dh))%nat with (2 * (dh + g))%nat by lia.
  pose proof (binom_le_double (dh + g) g). lia.
Qed.

(** ** The Taylor degree *)

Fixpoint factN (g : nat) : N :=
  match g with O => 1 | S g' => N.of_nat (S g') * factN g' end.

Lemma factN_fact g : factN g = N.of_nat (fact g).
Proof.
  induction g as [|g IH]; [reflexivity|]. cbn [factN fact]. rewrite IH, <- Nat2N.inj_mul.
  reflexivity.
Qed.

(** The criterion [9^β · β^(g+1) · A ≤ (g+1)!]. *)
Definition deg_ok (beta A : N) (g : nat) : bool :=
  9 ^ beta * beta ^ N.of_nat (S g) * A <=? factN (S g).

Lemma deg_ok_spec (beta A : nat) g :
  deg_ok (N.of_nat beta) (N.of_nat A) g = true
  <-> (9 ^ beta * beta ^ S g * A <= fact (S g))%nat.
Proof.
  unfold deg_ok. rewrite N.leb_le, factN_fact.
  change 9 with (N.of_nat 9).
  rewrite <- (Nat2N.inj_pow 9 beta), <- Nat2N.inj_pow, <- !Nat2N.inj_mul. lia.
Qed.

Fixpoint deg_search (beta A : N) (fuel g : nat) : nat :=
  match fuel with
  | O => g
  | S f => if deg_ok beta A g then g else deg_search beta A f (S g)
  end.

(** Enough: the criterion holds at [8β + log₂ A + 8] ([deg_ok_at_fuel]). *)
Definition deg_fuel (beta A : N) : nat := N.to_nat (8 * beta + N.log2 A + 8).

(** The least degree [g] whose Taylor polynomial has relative error [≤ 1/A] on [[−β, β]]. *)
Definition taylor_deg (beta A : N) : nat := deg_search beta A (deg_fuel beta A) 0.

Lemma deg_search_ok beta A fuel g :
  deg_ok beta A (g + fuel) = true -> deg_ok beta A (deg_search beta A fuel g) = true.
Proof.
  revert g. induction fuel as [|f IH]; intros g H; cbn [deg_search].
  - rewrite Nat.add_0_r in H. exact H.
  - destruct (deg_ok beta A g) eqn:E; [exact E|]. apply IH. rewrite <- H. f_equal. lia.
Qed.

Lemma deg_search_min beta A fuel g g' :
  (g <= g' < deg_search beta A fuel g)%nat -> deg_ok beta A g' = false.
Proof.
  revert g. induction fuel as [|f IH]; intros g Hg; cbn [deg_search] in Hg; [lia|].
  destruct (deg_ok beta A g) eqn:E; [lia|].
  destruct (Nat.eq_dec g g') as [<-|Hne]; [exact E|]. apply (IH (S g)). lia.
Qed.

Lemma deg_search_le beta A fuel g g' :
  (g <= g' <= g + fuel)%nat -> deg_ok beta A g' = true -> (deg_search beta A fuel g <= g')%nat.
Proof.
  intros Hg Hok. destruct (Nat.le_gt_cases (deg_search beta A fuel g) g') as [H|H]; [exact H|].
  rewrite (deg_search_min beta A fuel g g') in Hok; [discriminate|lia].
Qed.

Local Close Scope N_scope.

Lemma log2_bound (A : nat) : A <= 2 ^ (N.to_nat (N.log2 (N.of_nat A)) + 1).
Proof.
  destruct A as [|A]; [cbn; lia|].
  destruct (N.log2_spec (N.of_nat (S A)) ltac:(lia)) as [_ H].
  rewrite N.pow_succ_r' in H. rewrite Nat.pow_add_r, Nat.pow_1_r.
  assert (E : N.of_nat (2 ^ N.to_nat (N.log2 (N.of_nat (S A))))
              = (2 ^ N.log2 (N.of_nat (S A)))%N).
  { rewrite Nat2N.inj_pow, N2Nat.id. reflexivity. }
  lia.
Qed.

(** At the end of the search the criterion holds: [G = 8β + log₂ A + 9] has
    [G! ≥ (G/4)^G ≥ (2β)^G · 2^G ≥ 9^β · β^G · A]. *)
Lemma deg_ok_at_fuel (beta A : nat) :
  deg_ok (N.of_nat beta) (N.of_nat A) (deg_fuel (N.of_nat beta) (N.of_nat A)) = true.
Proof.
  apply deg_ok_spec. set (l := N.to_nat (N.log2 (N.of_nat A))).
  assert (HG : S (deg_fuel (N.of_nat beta) (N.of_nat A)) = 8 * beta + l + 9).
  { unfold deg_fuel, l. lia. }
  rewrite HG. set (G := 8 * beta + l + 9).
  pose proof (pow_le_fact G) as H1. pose proof (log2_bound A) as H2. fold l in H2.
  assert (H3 : 9 ^ beta <= 2 ^ (4 * beta)).
  { rewrite Nat.pow_mul_r. apply Nat.pow_le_mono_l. cbn. lia. }
  assert (H4 : (8 * beta) ^ G <= G ^ G) by (apply Nat.pow_le_mono_l; lia).
  rewrite Nat.pow_mul_l in H4. replace (8 ^ G) with (4 ^ G * 2 ^ G) in H4
    by (rewrite <- Nat.pow_mul_l; reflexivity).
  assert (H5 : 2 ^ (4 * beta) * 2 ^ (l + 1) <= 2 ^ G).
  { rewrite <- Nat.pow_add_r. apply Nat.pow_le_mono_r; lia. }
  assert (H6 : 9 ^ beta * A <= 2 ^ G).
  { apply (Nat.le_trans _ (2 ^ (4 * beta) * 2 ^ (l + 1))); [apply Nat.mul_le_mono; lia|exact H5]. }
  assert (H7 : 4 ^ G * (9 ^ beta * beta ^ G * A) <= 4 ^ G * fact G).
  { apply (Nat.le_trans _ (4 ^ G * 2 ^ G * beta ^ G)); [|lia].
    replace (4 ^ G * (9 ^ beta * beta ^ G * A)) with (4 ^ G * beta ^ G * (9 ^ beta * A)) by ring.
    replace (4 ^ G * 2 ^ G * beta ^ G) with (4 ^ G * beta ^ G * 2 ^ G) by ring.
    apply Nat.mul_le_mono_l, H6. }
  apply (Nat.mul_le_mono_pos_l _ _ (4 ^ G)); [apply Nat.neq_0_lt_0, Nat.pow_nonzero; lia|exact H7].
Qed.

Theorem taylor_deg_ok (beta A : nat) :
  deg_ok (N.of_nat beta) (N.of_nat A) (taylor_deg (N.of_nat beta) (N.of_nat A)) = true.
Proof. apply deg_search_ok. apply deg_ok_at_fuel. Qed.

Theorem taylor_deg_min (beta A : N) g : g < taylor_deg beta A -> deg_ok beta A g = false.
Proof. intros H. apply (deg_search_min _ _ (deg_fuel beta A) 0). unfold taylor_deg in H. lia. Qed.

(** Any degree [≤ fuel] meeting the criterion bounds [taylor_deg]. *)
Theorem taylor_deg_le (beta A : N) g :
  g <= deg_fuel beta A -> deg_ok beta A g = true -> taylor_deg beta A <= g.
Proof. intros Hg Hok. apply deg_search_le; [lia|exact Hok]. Qed.
