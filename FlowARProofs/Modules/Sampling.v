(** * Down- and up-sampling are in TC0 with depth d_std + d_⊕

    The paper's Section 5.2 ("Computing Down-Sampling and Up-Sampling in
    TC0").  A feature map [h × w × c] is a [mat] with [h·w] rows, token [(y, x)]
    being row [y·w + x] (the paper's reshape), and [c] columns (channels).
    Both maps are FIXED LINEAR maps applied channel-wise: output entry
    [(t, l)] is [Σ_{k<m} α(t,k) · X(src t k, l)] over a support of size [m],
    with constant coefficients [α].

    - [flinmap] / [linmap_at]: the generic linear map.  Float semantics: the
      dot product [fdot] of the [m] coefficients with the [m] source entries
      (all products rounded, then one iterated sum rounded once).  Program:
      one [dotg_prog] per output entry, coefficients as constant wires
      ([FCst]), sources as input wires ([FIn]); all entries in parallel.
      Weighted depth [≤ d_std + d_sum] ([linmap_at_wdepth]); exact counts.
      Coefficients must be valid floats: the instances build them with
      [fconst p num den], the rational [num/den] rounded once.

    - [down]: area down-sampling by an integer factor [r] ([h × w → (h/r) ×
      (w/r)]): the average of each [r × r] block, coefficient
      [fconst p 1 (r·r)] for each of the [r²] taps.  This is PyTorch's
      [F.interpolate(mode='area')] (adaptive average pooling) when [r] divides
      [h] and [w]; the project takes this to be how the released FlowAR code
      builds its scale pyramid [Y_i = Down(X, a^{K−i})] (paper map §1.4 (a);
      the code itself was not available offline to re-check).  The program and
      its typing need no divisibility hypothesis (floor division; rows and
      columns beyond [r·(h/r)] are simply not read); divisibility only matters
      for reading the result as PyTorch's area interpolation.

    - [up]: bicubic up-sampling by an integer factor [r] ([h × w → rh × rw])
      exactly as PyTorch's [F.interpolate(mode='bicubic', align_corners=False)]
      defines it (ATen's [upsample_bicubic2d]): for output index [i] the source
      coordinate is [s = (i + 1/2)/r − 1/2 = (2i + 1 − r)/(2r)], [i0 = ⌊s⌋],
      [δ = s − i0] (a rational with denominator [D = 2r]); the taps
      [i0−1 … i0+2] get the weights [W(δ+1), W(δ), W(1−δ), W(2−δ)] of the Keys
      kernel with [a = −3/4] (PyTorch's constant, [cubic_convolution1/2]);
      tap indices are clamped to [[0, h−1]] (replicate border).  Each 2-D
      coefficient is the product of the row and column weights, computed
      EXACTLY as a rational ([bc_w]: the weights times [4·D³], so the product
      has denominator [16·D⁶]) and rounded once by [fconst]; the support has
      16 taps.  [bc_w_sum]: the four 1-D weights sum to 1 at every [δ];
      [up_num_sum]: the 16 coefficients of an output entry sum to 1.
      Deviations: PyTorch evaluates the weights in the working precision and
      interpolates separably (rows, then columns), rounding along the way;
      here each 2-D coefficient is rounded once and each output entry is one
      dot product.  In exact arithmetic both are the same linear map.

    On the paper's formula (shared/PAPER.md §1.4 (b) and §6 item 6): the
    VAR-paper definition [Σ_{s,t=−1..2} W(s)·X_{⌊i·h/h'⌋+s, ⌊j·w/w'⌋+t}·W(t)]
    evaluates the kernel at the INTEGER offsets, where [W(−1), W(0), W(1),
    W(2) = 0, 1, 0, 0], so it collapses to nearest-neighbour up-sampling.
    This file uses the real fractional offsets [δ] (the map PyTorch's
    bicubic mode computes).  Both are fixed linear maps with O(1) support, so the TC0
    claim is unaffected; the paper's expected depth [2·d_std + d_⊕] (two
    multiplications by kernel values) becomes [d_std + d_⊕] here because the
    product of the two kernel values is a hard-wired constant. *)
From Coq Require Import List Arith Lia ZArith QArith Qfield.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block.
Import ListNotations.
Set Default Goal Selector "!".
(* QArith opens Q_scope; the nat scope stays the default here. *)
Local Close Scope Q_scope.

Implicit Types (P : FloatFns) (X : mat) (xs : list flt) (p n c m r h w : nat).

(** ** The generic fixed linear map *)

Definition flinmap p m (coef : nat -> nat -> flt) (src : nat -> nat -> nat) X : mat :=
  fun t l => fdot p m (fun k => coef t k) (fun k => X (src t k) l).

(** [X] ([Nin × c]) at [offX]; output [Nout × c]. *)
Definition linmap_at offX c m (coef : nat -> nat -> flt) (src : nat -> nat -> nat) Nout : prog :=
  PFor Nout (fun t => PFor c (fun l =>
    dotg_prog m (fun k => FCst (coef t k)) (fun k => FIn (offX + (src t k * c + l))))).

Lemma linmap_at_wt p n offX c m coef src Nin Nout :
  offX + Nin * c <= n ->
  (forall t k, t < Nout -> k < m -> src t k < Nin) ->
  (forall t k, t < Nout -> k < m -> valid p (coef t k) = true) ->
  pwt p n (linmap_at offX c m coef src Nout).
Proof.
  intros HX Hsrc Hcoef. cbn [linmap_at pwt]. intros t Ht l Hl. apply dotg_prog_wt.
  intros k Hk. cbn [fsrc_ok]. split; [apply Hcoef; auto|].
  specialize (Hsrc t k Ht Hk). assert (src t k * c + l < Nin * c) by nia. lia.
Qed.

Theorem linmap_at_correct P p xs offX c m coef src Nin Nout X :
  block xs offX Nin c X ->
  (forall t k, t < Nout -> k < m -> src t k < Nin) ->
  peval P p (linmap_at offX c m coef src Nout) xs = flat Nout c (flinmap p m coef src X).
Proof.
  intros HX Hsrc. apply peval_PFor2. intros t l Ht Hl. rewrite dotg_prog_correct.
  f_equal. unfold flinmap, fdot. f_equal. apply map_ext_in. intros k Hk.
  apply in_seq in Hk. cbn [fsrc_val]. rewrite HX by (auto; apply Hsrc; lia). reflexivity.
Qed.

Lemma linmap_at_wdepth (P : FloatPrimitivesTC0) offX c m coef src Nout :
  wdepth (op_dbound P) (linmap_at offX c m coef src Nout) <= d_std P + d_sum P.
Proof. apply PFor2_wdepth. intros. apply dotg_prog_wdepth. Qed.

Section linmap_counts.
  Context (offX c m : nat) (coef : nat -> nat -> flt) (src : nat -> nat -> nat) (Nout : nat).
  Let body t l := dotg_prog m (fun k => FCst (coef t k)) (fun k => FIn (offX + (src t k * c + l))).
  Let Hb := fun t l (_ : t < Nout) (_ : l < c) => dotg_prog_counts m
              (fun k => FCst (coef t k)) (fun k => FIn (offX + (src t k * c + l))).
  Let E := linmap_at offX c m coef src Nout.

  Lemma linmap_at_work : work E = Nout * (c * (m + (m - 1))).
  Proof. exact (PFor2_work Nout c body _ _ _ _ Hb). Qed.

  Lemma linmap_at_ops : ops E = Nout * (c * (m + 1)).
  Proof. exact (PFor2_ops Nout c body _ _ _ _ Hb). Qed.

  Lemma linmap_at_pads : pads E = Nout * (c * m + c) + Nout * c.
  Proof. exact (PFor2_pads Nout c body _ _ _ _ Hb). Qed.

  Lemma linmap_at_maxar : maxar E <= m + 2.
  Proof. exact (PFor2_maxar Nout c body _ _ _ _ Hb). Qed.

  Lemma linmap_at_arity : arity_out E = Nout * c.
  Proof. exact (PFor2_arity Nout c body _ _ _ _ Hb). Qed.
End linmap_counts.

(** Splitting a row index [y·q + x] with [x < q]. *)
Lemma div_mod_pair y x q : x < q -> (y * q + x) / q = y /\ (y * q + x) mod q = x.
Proof.
  intros Hx. split.
  - rewrite Nat.div_add_l by lia. rewrite Nat.div_small by lia. lia.
  - rewrite Nat.add_comm, Nat.mod_add by lia. apply Nat.mod_small, Hx.
Qed.

(** ** Down-sampling: [r × r] block averages *)

(** Tap [k = (dy, dx)] ([dy = k / r], [dx = k mod r]) of output token
    [t = (y, x)] ([y = t / wo], [x = t mod wo], [wo = w / r]). *)
Definition down_src r w (t k : nat) : nat :=
  let wo := w / r in ((t / wo) * r + k / r) * w + ((t mod wo) * r + k mod r).

Definition down_coef p r (t k : nat) : flt := fconst p 1 (Z.of_nat (r * r)).

Definition fdown p r w X : mat := flinmap p (r * r) (down_coef p r) (down_src r w) X.

(** [X] ([h·w × c]) at [offX]; output [(h/r)·(w/r) × c]. *)
Definition down_at p offX r h w c : prog :=
  linmap_at offX c (r * r) (down_coef p r) (down_src r w) (h / r * (w / r)).

Lemma down_src_lt r h w t k : t < h / r * (w / r) -> k < r * r -> down_src r w t k < h * w.
Proof.
  intros Ht Hk. unfold down_src.
  pose proof (Nat.mul_div_le h r). pose proof (Nat.mul_div_le w r).
  set (wo := w / r) in *. set (ho := h / r) in *.
  assert (Hr : 0 < r) by (destruct r; lia).
  assert (Hwo : 0 < wo) by (destruct wo; lia).
  assert (Hy : t / wo < ho) by (apply Nat.div_lt_upper_bound; lia).
  pose proof (Nat.mod_upper_bound t wo ltac:(lia)).
  assert (Hky : k / r < r) by (apply Nat.div_lt_upper_bound; lia).
  pose proof (Nat.mod_upper_bound k r ltac:(lia)).
  assert (t / wo * r + k / r < h) by nia.
  assert (t mod wo * r + k mod r < w) by nia.
  nia.
Qed.

Lemma down_at_wt p n offX r h w c : offX + h * w * c <= n -> pwt p n (down_at p offX r h w c).
Proof.
  intros HX. apply (linmap_at_wt p n offX c (r * r) _ _ (h * w)); [exact HX| |].
  - intros t k Ht Hk. apply down_src_lt; auto.
  - intros. apply fconst_valid.
Qed.

Theorem down_at_correct P p xs offX r h w c X :
  block xs offX (h * w) c X ->
  peval P p (down_at p offX r h w c) xs = flat (h / r * (w / r)) c (fdown p r w X).
Proof.
  intros HX. apply (linmap_at_correct P p xs offX c (r * r) _ _ (h * w)); [exact HX|].
  intros t k Ht Hk. apply down_src_lt; auto.
Qed.

(** Output token [(y, x)] is the average of the block [[y·r, y·r + r) × [x·r, x·r + r)]. *)
Lemma fdown_yx p r w X y x l :
  x < w / r ->
  fdown p r w X (y * (w / r) + x) l
  = fdot p (r * r) (fun _ => fconst p 1 (Z.of_nat (r * r)))
         (fun k => X ((y * r + k / r) * w + (x * r + k mod r)) l).
Proof.
  intros Hx. destruct (div_mod_pair y x (w / r) Hx) as [Hd Hm].
  unfold fdown, flinmap, down_src, down_coef. rewrite Hd, Hm. reflexivity.
Qed.

Lemma down_at_wdepth (P : FloatPrimitivesTC0) p offX r h w c :
  wdepth (op_dbound P) (down_at p offX r h w c) <= d_std P + d_sum P.
Proof. apply linmap_at_wdepth. Qed.

Section down_counts.
  Context (p offX r h w c : nat).
  Let E := down_at p offX r h w c.
  Let No := h / r * (w / r).

  Lemma down_at_work : work E = No * (c * (r * r + (r * r - 1))).
  Proof. apply linmap_at_work. Qed.

  Lemma down_at_ops : ops E = No * (c * (r * r + 1)).
  Proof. apply linmap_at_ops. Qed.

  Lemma down_at_pads : pads E = No * (c * (r * r) + c) + No * c.
  Proof. apply linmap_at_pads. Qed.

  Lemma down_at_maxar : maxar E <= r * r + 2.
  Proof. apply linmap_at_maxar. Qed.

  Lemma down_at_arity : arity_out E = No * c.
  Proof. apply linmap_at_arity. Qed.
End down_counts.

(** ** Up-sampling: PyTorch's bicubic interpolation, [align_corners=False] *)

(** Output index [i], factor [r]: [s = bc_num r i / (2r)], [i0 = ⌊s⌋] (Z's
    floor division), [δ = bc_frac r i / (2r) ∈ [0, 1)]. *)
Definition bc_num r i : Z := (2 * Z.of_nat i + 1 - Z.of_nat r)%Z.
Definition bc_i0 r i : Z := (bc_num r i / (2 * Z.of_nat r))%Z.
Definition bc_frac r i : Z := (bc_num r i mod (2 * Z.of_nat r))%Z.

Lemma bc_num_split r i :
  0 < r -> bc_num r i = (2 * Z.of_nat r * bc_i0 r i + bc_frac r i)%Z
           /\ (0 <= bc_frac r i < 2 * Z.of_nat r)%Z.
Proof.
  intros Hr. unfold bc_i0, bc_frac. split.
  - apply Z.div_mod. lia.
  - apply Z.mod_pos_bound. lia.
Qed.

(** The Keys kernel with [a = keys_A / 4 = −3/4], multiplied through by
    [4·D³] at [x = n / D]: PyTorch's
    [cubic_convolution1(x) = ((a+2)·x − (a+3))·x·x + 1] (for [|x| ≤ 1]) and
    [cubic_convolution2(x) = ((a·x − 5a)·x + 8a)·x − 4a] (for [1 ≤ |x| ≤ 2]). *)
Definition keys_A : Z := (-3)%Z.

Definition keys1 (D n : Z) : Z :=
  (((keys_A + 8) * n - (keys_A + 12) * D) * n * n + 4 * D ^ 3)%Z.

Definition keys2 (D n : Z) : Z :=
  (((keys_A * n - 5 * keys_A * D) * n + 8 * keys_A * D ^ 2) * n - 4 * keys_A * D ^ 3)%Z.

(** The four tap weights times [4·D³] at [δ = dl / D]: [W(δ+1)], [W(δ)],
    [W(1−δ)], [W(2−δ)] (ATen's [get_cubic_upsample_coefficients]). *)
Definition bc_w (D dl : Z) (k : nat) : Z :=
  match k with
  | 0 => keys2 D (dl + D)
  | 1 => keys1 D dl
  | 2 => keys1 D (D - dl)
  | _ => keys2 D (2 * D - dl)
  end.

(** Sanity: the four weights sum to 1 at every [δ]: their numerators sum to
    the common denominator [4·D³]. *)
Lemma bc_w_sum D dl : (bc_w D dl 0 + bc_w D dl 1 + bc_w D dl 2 + bc_w D dl 3 = 4 * D ^ 3)%Z.
Proof. cbn [bc_w]. unfold keys1, keys2, keys_A. ring. Qed.

(** Integer offsets ([δ = 0]): the weights are [0, 1, 0, 0] — the
    VAR-paper formula's nearest-neighbour collapse. *)
Lemma bc_w_int D :
  (bc_w D 0 0 = 0 /\ bc_w D 0 1 = 4 * D ^ 3 /\ bc_w D 0 2 = 0 /\ bc_w D 0 3 = 0)%Z.
Proof. cbn [bc_w]. unfold keys1, keys2, keys_A. repeat split; ring. Qed.

(** The numerators are the kernel: over [Q], with [δ = dl / D], [bc_w D dl k]
    is [4·D³] times PyTorch's coefficient [k] —
    [cubic_convolution2(δ + 1)], [cubic_convolution1(δ)],
    [cubic_convolution1(1 − δ)], [cubic_convolution2((1 − δ) + 1)] with
    [a = −3/4]. *)
Section kernelQ.
Local Open Scope Q_scope.

Definition keys_a : Q := -3 # 4.
Definition cubic1 (x : Q) : Q := ((keys_a + 2) * x - (keys_a + 3)) * x * x + 1.
Definition cubic2 (x : Q) : Q := ((keys_a * x - 5 * keys_a) * x + 8 * keys_a) * x - 4 * keys_a.

Lemma inject_Z_sub a b : inject_Z (a - b) == inject_Z a - inject_Z b.
Proof. unfold Z.sub, Qminus. rewrite inject_Z_plus, inject_Z_opp. reflexivity. Qed.

Lemma bc_w_kernel D dl :
  D <> 0%Z ->
  let δ := inject_Z dl / inject_Z D in
  let s := inject_Z (4 * D ^ 3) in
  inject_Z (bc_w D dl 0) == cubic2 (δ + 1) * s
  /\ inject_Z (bc_w D dl 1) == cubic1 δ * s
  /\ inject_Z (bc_w D dl 2) == cubic1 (1 - δ) * s
  /\ inject_Z (bc_w D dl 3) == cubic2 ((1 - δ) + 1) * s.
Proof.
  intros HD δ s. assert (HQ : ~ inject_Z D == 0) by (intros H; apply HD; unfold Qeq in H; cbn in H; lia).
  subst δ s. cbn [bc_w]. unfold keys1, keys2, keys_A, cubic1, cubic2, keys_a.
  replace (D ^ 3)%Z with (D * D * D)%Z by ring. replace (D ^ 2)%Z with (D * D)%Z by ring.
  repeat split;
    repeat (rewrite inject_Z_plus || rewrite inject_Z_sub || rewrite inject_Z_mult);
    cbn [inject_Z]; field; exact HQ.
Qed.
End kernelQ.

(** Clamping to [[0, n−1]] (replicate border). *)
Definition clampi n (z : Z) : nat := Z.to_nat (Z.max 0 (Z.min (Z.of_nat n - 1) z)).

Lemma clampi_lt n z : 0 < n -> clampi n z < n.
Proof. intros Hn. unfold clampi. lia. Qed.

(** Tap [k ∈ [0, 4)] of output index [i]: source index [i0 − 1 + k], clamped. *)
Definition bc_tap r n i (k : nat) : nat := clampi n (bc_i0 r i - 1 + Z.of_nat k).

(** Output token [t = (i, j)] ([i = t / (r·w)], [j = t mod (r·w)]); tap
    [k = (ky, kx)] ([ky = k / 4], [kx = k mod 4]). *)
Definition up_src r h w (t k : nat) : nat :=
  bc_tap r h (t / (r * w)) (k / 4) * w + bc_tap r w (t mod (r * w)) (k mod 4).

Definition up_coef p r w (t k : nat) : flt :=
  let D := (2 * Z.of_nat r)%Z in
  fconst p (bc_w D (bc_frac r (t / (r * w))) (k / 4) * bc_w D (bc_frac r (t mod (r * w))) (k mod 4))
           (16 * D ^ 6).

Definition fup p r h w X : mat := flinmap p 16 (up_coef p r w) (up_src r h w) X.

(** [X] ([h·w × c]) at [offX]; output [(r·h)·(r·w) × c]. *)
Definition up_at p offX r h w c : prog :=
  linmap_at offX c 16 (up_coef p r w) (up_src r h w) (r * h * (r * w)).

(** Sanity: the 16 exact coefficients of an output entry sum to 1 (their
    numerators sum to the common denominator [16·D⁶]). *)
Lemma up_num_sum D a b :
  fold_right Z.add 0%Z (map (fun k => (bc_w D a (k / 4) * bc_w D b (k mod 4))%Z) (seq 0 16))
  = (16 * D ^ 6)%Z.
Proof.
  cbn [seq map fold_right Nat.div Nat.modulo Nat.divmod fst snd Nat.sub bc_w].
  unfold keys1, keys2, keys_A. ring.
Qed.

Lemma up_src_lt r h w t k : t < r * h * (r * w) -> up_src r h w t k < h * w.
Proof.
  intros Ht. unfold up_src.
  assert (0 < h) by (destruct h; lia). assert (0 < w) by (destruct w; lia).
  pose proof (clampi_lt h (bc_i0 r (t / (r * w)) - 1 + Z.of_nat (k / 4)) ltac:(lia)).
  pose proof (clampi_lt w (bc_i0 r (t mod (r * w)) - 1 + Z.of_nat (k mod 4)) ltac:(lia)).
  unfold bc_tap. nia.
Qed.

Lemma up_at_wt p n offX r h w c : offX + h * w * c <= n -> pwt p n (up_at p offX r h w c).
Proof.
  intros HX. apply (linmap_at_wt p n offX c 16 _ _ (h * w)); [exact HX| |].
  - intros t k Ht Hk. apply up_src_lt; auto.
  - intros. apply fconst_valid.
Qed.

Theorem up_at_correct P p xs offX r h w c X :
  block xs offX (h * w) c X ->
  peval P p (up_at p offX r h w c) xs = flat (r * h * (r * w)) c (fup p r h w X).
Proof.
  intros HX. apply (linmap_at_correct P p xs offX c 16 _ _ (h * w)); [exact HX|].
  intros t k Ht Hk. apply up_src_lt; auto.
Qed.

(** Output pixel [(i, j)] as a 16-tap sum, row weights times column weights. *)
Lemma fup_ij p r h w X i j l :
  j < r * w ->
  fup p r h w X (i * (r * w) + j) l
  = fdot p 16
      (fun k => fconst p (bc_w (2 * Z.of_nat r) (bc_frac r i) (k / 4)
                          * bc_w (2 * Z.of_nat r) (bc_frac r j) (k mod 4))
                         (16 * (2 * Z.of_nat r) ^ 6))
      (fun k => X (bc_tap r h i (k / 4) * w + bc_tap r w j (k mod 4)) l).
Proof.
  intros Hj. destruct (div_mod_pair i j (r * w) Hj) as [Hd Hm].
  unfold fup, flinmap, up_src, up_coef. rewrite Hd, Hm. reflexivity.
Qed.

Lemma up_at_wdepth (P : FloatPrimitivesTC0) p offX r h w c :
  wdepth (op_dbound P) (up_at p offX r h w c) <= d_std P + d_sum P.
Proof. apply linmap_at_wdepth. Qed.

Section up_counts.
  Context (p offX r h w c : nat).
  Let E := up_at p offX r h w c.
  Let No := r * h * (r * w).

  Lemma up_at_work : work E = No * (c * 31).
  Proof. apply linmap_at_work. Qed.

  Lemma up_at_ops : ops E = No * (c * 17).
  Proof. apply linmap_at_ops. Qed.

  Lemma up_at_pads : pads E = No * (c * 16 + c) + No * c.
  Proof. apply linmap_at_pads. Qed.

  Lemma up_at_maxar : maxar E <= 18.
  Proof. apply linmap_at_maxar. Qed.

  Lemma up_at_arity : arity_out E = No * c.
  Proof. apply linmap_at_arity. Qed.
End up_counts.

(** ** Examples (checked by [vm_compute]) *)

(** [r = 2]: output indices 0, 1, 2, 3 have [s = −1/4, 1/4, 3/4, 5/4]:
    [i0 = −1, 0, 0, 1] and [δ = 3/4, 1/4, 3/4, 1/4] (denominator 4). *)
Example bc_r2_index :
  map (bc_i0 2) [0; 1; 2; 3] = [-1; 0; 0; 1]%Z /\ map (bc_frac 2) [0; 1; 2; 3] = [3; 1; 3; 1]%Z.
Proof. vm_compute. split; reflexivity. Qed.

(** [δ = 1/4], weights over [4·D³ = 256]: [W(5/4), W(1/4), W(3/4), W(7/4)]
    = [−27, 225, 67, −9] / 256 (= −0.10546875, 0.87890625, 0.26171875,
    −0.03515625, PyTorch's values); [δ = 3/4] is the mirror image. *)
Example bc_w_quarter :
  map (bc_w 4 1) [0; 1; 2; 3] = [-27; 225; 67; -9]%Z
  /\ map (bc_w 4 3) [0; 1; 2; 3] = [-9; 67; 225; -27]%Z.
Proof. vm_compute. split; reflexivity. Qed.

(** [r = 3], [δ = 2/3] ([D = 6], [4·D³ = 864]). *)
Example bc_w_third : map (bc_w 6 (bc_frac 3 0)) [0; 1; 2; 3] = [-48; 320; 688; -96]%Z.
Proof. vm_compute. reflexivity. Qed.

(** [2 × 2 → 4 × 4]: output pixel [(1, 1)] (token 5) reads rows and columns
    [−1, 0, 1, 2] clamped to [0, 0, 1, 1]; its central coefficient is
    [225²/65536 ≈ 0.7725], at precision 8 the float [198 · 2^−8]. *)
Example up_src_ex :
  map (up_src 2 2 2 5) (seq 0 16) = [0; 0; 1; 1; 0; 0; 1; 1; 2; 2; 3; 3; 2; 2; 3; 3].
Proof. vm_compute. reflexivity. Qed.

Example up_coef_ex : up_coef 8 2 2 5 5 = Flt 198 (-8).
Proof. vm_compute. reflexivity. Qed.

(** Down-sampling [4 × 4 → 2 × 2]: output token 3 = [(1, 1)] averages input
    tokens 10, 11, 14, 15; the coefficient [1/4] is exact. *)
Example down_src_ex : map (down_src 2 4 3) (seq 0 4) = [10; 11; 14; 15].
Proof. vm_compute. reflexivity. Qed.

Example down_coef_ex : down_coef 8 2 0 0 = Flt 128 (-9).
Proof. vm_compute. reflexivity. Qed.

(** Counts: [4 × 4 × 3 → 2 × 2 × 3] and [2 × 2 × 3 → 4 × 4 × 3]. *)
Example sampling_work_ex : work (down_at 8 0 2 4 4 3) = 4 * 3 * 7 /\ work (up_at 8 0 2 2 2 3) = 16 * 3 * 31.
Proof. vm_compute. split; reflexivity. Qed.
