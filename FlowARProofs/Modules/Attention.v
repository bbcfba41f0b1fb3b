(** * Attention (single head, masked) and multi-head attention are in TC0

    The paper's Section 5.5 ("Computing single attention layer in TC0"),
    PAPER.md §1.4 (c): for [X : N × c] and [W_Q, W_K, W_V : c × dh],
    {v
      Q = X W_Q,  K = X W_K,  V = X W_V
      S_ij = scale · (Q_i · K_j)
      A_ij = exp(S_ij)                          for j < lim i
      out_il = (Σ_{j<lim i} A_ij V_jl) / (Σ_{j<lim i} A_ij)
    v}
    i.e. [D^{-1} A V] with [D = diag(A 1)], restricted to the keys each
    query may see.

    The mask.  Row [i] attends to the keys [j < lim i] ([lim i ≤ N]):
    - unmasked attention is [lim := fun _ => N];
    - plain causal attention is [lim := S];
    - FlowAR's AR transformer attends block-causally: tokens are ordered
      scale by scale (condition, then the up-sampled scales 1, 2, …), and a
      token of scale [s] sees every token of scales [≤ s] (its own scale in
      full, bidirectionally).  Those keys are a PREFIX of the token order, so
      the mask is such a limit: [lim i] = number of tokens of scales
      [≤ scale(i)] — [bc_lim ns] below, for the list [ns] of the scales'
      token counts.
    So the one definition covers the three cases.  The rectangular variant
    (only the current scale's queries against the prefix, as with a KV
    cache; PAPER.md §6 item 11) is the restriction of the output to the
    last rows and is not modelled separately.

    Float semantics: every operation rounded once; [Q], [K], [V] are
    [fmatmul] ([IR/MatMul.v]); [Q_i · K_j] and [Σ_j A_ij V_jl] are [fdot]
    (products rounded, then one iterated sum rounded once); [Σ_j A_ij] is one
    [fsum]; [exp] is the trust record's [fexp P] (so the semantics takes [P]);
    [scale] is a float parameter (e.g. the rounded [1/√dh]); it multiplies the
    rounded dot product (one more rounding).  Masked entries are never
    computed: they are the constant wire [fzero] and no sum reads them.

    The program [attn_at] has four stages; a stage sees only the previous
    stage's outputs, so [V] is carried by a free wire ([keep]):
    {v
      stage                                   output          depth
      1  Q, K, V in parallel (3 matmuls)      [Q ; K ; V]      d_std + d_⊕
      2  A_ij = exp(scale · Q_i·K_j)  | V     [A ; V]          d_std + d_⊕ + d_std + d_exp
      3  row sums ‖ numerators Σ_j A_ij V_jl  [D ; AV]         d_std + d_⊕
      4  division                             [out]            d_std
    v}
    [attn_at_wdepth]: [3·(d_std + d_sum) + 2·d_std + d_exp], the paper's
    shape [c1·(d_std + d_⊕) + d_exp + c2·d_std] with [c1 = 3], [c2 = 2]
    (PAPER.md's "plausible value" [4(d_std + d_⊕) + d_exp + 2 d_std] counts
    one more matrix product: it is exactly our multi-head depth with the
    output projection, [mha_at_wdepth]).

    Work: with [L = Σ_{i<N} lim i], exactly
    [3·N·dh·(2c − 1) + (4·dh + 2)·L − N] for [c, dh ≥ 1] and [lim i ≥ 1]
    ([attn_at_work_pos]; the general exact form is [attn_at_work]).

    Multi-head attention ([mha_at], [fmha]): [H] heads with their own
    weights (at offsets [oQ h], [oK h], [oV h]), run in parallel, the outputs
    concatenated ([fconcat]: column [h·dh + l] of the concatenation is column
    [l] of head [h]) and multiplied by [W_O : (H·dh) × d]: one more
    [d_std + d_⊕]. *)
From Coq Require Import List Arith Lia ZArith.
From FlowARProofs.Float Require Import Format Primitives.
From FlowARProofs.IR Require Import Program Work Tensor Block Stage MatMul.
From FlowARProofs.Modules Require Import AttnCommon.
Import ListNotations.
Set Default Goal Selector "!".

Implicit Types (P : FloatFns) (X Q K V WQ WK WV WO : mat) (xs : list flt)
  (p n N c dh d H offX offQ offK offV offO : nat) (scale : flt) (lim : nat -> nat).

(** ** The block-causal mask *)

(** [ns] lists the token counts of the blocks (scales) in order; token [i]
    sees every token up to the end of its block. *)
Fixpoint bc_lim (ns : list nat) (i : nat) : nat :=
  match ns with
  | [] => 0
  | k :: ns' => if i <? k then k else k + bc_lim ns' (i - k)
  end.

Lemma bc_lim_spec ns i : i < list_sum ns -> i < bc_lim ns i <= list_sum ns.
Proof.
  revert i. induction ns as [|k ns IH]; intros i Hi.
  - cbn in Hi. lia.
  - change (list_sum (k :: ns)) with (k + list_sum ns) in *. cbn [bc_lim].
    destruct (Nat.ltb_spec i k); [lia|]. specialize (IH (i - k) ltac:(lia)). lia.
Qed.

(** Condition token, then scales of 1, 4 and 16 tokens. *)
Example ex_bc_lim : map (bc_lim [1; 1; 4; 16]) (seq 0 22)
  = [1; 2; 6; 6; 6; 6] ++ repeat 22 16.
Proof. vm_compute. reflexivity. Qed.

(** ** Semantics *)

Definition fscore p c dh scale X WQ WK : mat :=
  fun i j => fmul p scale (fdot p dh (fmatmul p c X WQ i) (fmatmul p c X WK j)).

Definition fattw (P : FloatFns) p c dh scale X WQ WK : mat :=
  fun i j => fexp P p (fscore p c dh scale X WQ WK i j).

Definition fattn (P : FloatFns) p c dh scale lim X WQ WK WV : mat :=
  fun i l => fdiv p (fdot p (lim i) (fattw P p c dh scale X WQ WK i)
                            (fun j => fmatmul p c X WV j l))
                    (fsum p (map (fattw P p c dh scale X WQ WK i) (seq 0 (lim i)))).

(** ** The stages *)

(** Stage 1: [Q ; K ; V]. *)
Definition attn_qkv_at offX offQ offK offV N c dh : prog :=
  PPar (matmul_at offX offQ N c dh)
       (PPar (matmul_at offX offK N c dh) (matmul_at offX offV N c dh)).

(** Stage 2, entry [(i, j)] on [Q ; K ; V]: [exp(scale · Q_i · K_j)]. *)
Definition attn_wbody N dh scale i j : prog :=
  PSeq (dot_prog dh (fun k => i * dh + k) (fun k => N * dh + (j * dh + k)))
       (PSeq (PWire [FCst scale; FIn 0]) (PSeq (POp (OBin BMul)) (POp OExp))).

(** Stage 2: the masked [N × N] weights [A], and [V] carried. *)
Definition attn_w_at N dh scale lim : prog :=
  PPar (mfor N N lim (attn_wbody N dh scale) fzero) (keep (N * dh + N * dh) (N * dh)).

(** Stage 3 on [A ; V]: the row sums [Σ_{j<lim i} A_ij] ([N × 1]) ... *)
Definition attn_den_at N lim : prog :=
  PFor N (fun i => PFor 1 (fun _ =>
    PSeq (PWire (map (fun j => FIn (i * N + j)) (seq 0 (lim i)))) (POp (OSum (lim i))))).

(** ... and the numerators [Σ_{j<lim i} A_ij V_jl] ([N × dh]). *)
Definition attn_num_at N dh lim : prog :=
  PFor N (fun i => PFor dh (fun l =>
    dot_prog (lim i) (fun j => i * N + j) (fun j => N * N + (j * dh + l)))).

Definition attn_at offX offQ offK offV N c dh scale lim : prog :=
  PSeq (attn_qkv_at offX offQ offK offV N c dh)
  (PSeq (attn_w_at N dh scale lim)
  (PSeq (PPar (attn_den_at N lim) (attn_num_at N dh lim))
        (mstage N dh BDiv))).

(** ** Stage semantics *)

Lemma attn_qkv_at_correct P p xs offX offQ offK offV N c dh X WQ WK WV :
  block xs offX N c X -> block xs offQ c dh WQ -> block xs offK c dh WK -> block xs offV c dh WV ->
  peval P p (attn_qkv_at offX offQ offK offV N c dh) xs
  = flat N dh (fmatmul p c X WQ) ++ (flat N dh (fmatmul p c X WK) ++ flat N dh (fmatmul p c X WV)).
Proof.
  intros HX HQ HK HV. unfold attn_qkv_at.
  rewrite !peval_PPar, (matmul_at_correct _ _ _ _ _ _ _ _ X WQ HX HQ),
    (matmul_at_correct _ _ _ _ _ _ _ _ X WK HX HK), (matmul_at_correct _ _ _ _ _ _ _ _ X WV HX HV).
  reflexivity.
Qed.

Lemma attn_wbody_correct P p N dh scale i j xs :
  peval P p (attn_wbody N dh scale i j) xs
  = [fexp P p (fmul p scale (fdot p dh (fun k => nth (i * dh + k) xs fzero)
                                       (fun k => nth (N * dh + (j * dh + k)) xs fzero)))].
Proof. unfold attn_wbody. rewrite !peval_PSeq, dot_prog_correct. reflexivity. Qed.

Lemma attn_w_at_correct P p N dh scale lim Q K V :
  (forall i, i < N -> lim i <= N) ->
  peval P p (attn_w_at N dh scale lim) (flat N dh Q ++ (flat N dh K ++ flat N dh V))
  = flat N N (mask lim (fun i j => fexp P p (fmul p scale (fdot p dh (Q i) (K j)))) fzero)
    ++ flat N dh V.
Proof.
  intros Hlim. unfold attn_w_at. rewrite peval_PPar, (keep_block _ _ _ _ _ _ V)
    by apply block_cat3_r.
  f_equal. apply mfor_correct. intros i j Hi Hj. rewrite attn_wbody_correct.
  apply (f_equal (fun z => [fexp P p (fmul p scale z)])).
  unfold fdot. apply (f_equal (fsum p)). apply map_ext_in. intros k Hk. apply in_seq in Hk.
  rewrite nth_flat_app_l by lia. pose proof (Hlim i Hi).
  rewrite (block_cat3_m N dh Q N dh K (flat N dh V) j k) by lia. reflexivity.
Qed.

Lemma attn_den_at_correct P p N dh lim A V :
  (forall i, i < N -> lim i <= N) ->
  peval P p (attn_den_at N lim) (flat N N A ++ flat N dh V)
  = flat N 1 (fun i _ => fsum p (map (A i) (seq 0 (lim i)))).
Proof.
  intros Hlim. apply peval_PFor2. intros i j Hi Hj. cbn [peval opsem]. rewrite map_map.
  do 2 f_equal.
  apply map_ext_in. intros l Hl. apply in_seq in Hl. pose proof (Hlim i Hi). cbn [fsrc_val].
  apply nth_flat_app_l; lia.
Qed.

Lemma attn_num_at_correct P p N dh lim A V :
  (forall i, i < N -> lim i <= N) ->
  peval P p (attn_num_at N dh lim) (flat N N A ++ flat N dh V)
  = flat N dh (fun i l => fdot p (lim i) (A i) (fun j => V j l)).
Proof.
  intros Hlim. apply peval_PFor2. intros i l Hi Hl. rewrite dot_prog_correct. f_equal.
  unfold fdot. f_equal. apply map_ext_in. intros j Hj. apply in_seq in Hj.
  pose proof (Hlim i Hi). rewrite nth_flat_app_l by lia.
  rewrite (block_cat2_r N N A N dh V j l) by lia. reflexivity.
Qed.

(** ** Correctness *)

Theorem attn_at_correct P p xs offX offQ offK offV N c dh scale lim X WQ WK WV :
  (forall i, i < N -> lim i <= N) ->
  block xs offX N c X -> block xs offQ c dh WQ -> block xs offK c dh WK -> block xs offV c dh WV ->
  peval P p (attn_at offX offQ offK offV N c dh scale lim) xs
  = flat N dh (fattn P p c dh scale lim X WQ WK WV).
Proof.
  intros Hlim HX HQ HK HV. unfold attn_at. rewrite !peval_PSeq.
  rewrite (attn_qkv_at_correct _ _ _ _ _ _ _ _ _ _ X WQ WK WV) by assumption.
  rewrite (attn_w_at_correct _ _ _ _ _ _ _ _ _ Hlim), peval_PPar.
  rewrite (attn_den_at_correct _ _ _ _ _ _ _ Hlim), (attn_num_at_correct _ _ _ _ _ _ _ Hlim).
  rewrite mstage_correct. apply flat_ext. intros i l Hi Hl. cbn [binsem]. unfold fattn.
  assert (Hm : forall j, In j (seq 0 (lim i)) ->
            mask lim (fun i j => fexp P p (fmul p scale (fdot p dh (fmatmul p c X WQ i)
                                                                (fmatmul p c X WK j)))) fzero i j
            = fattw P p c dh scale X WQ WK i j).
  { intros j Hj. apply in_seq in Hj. unfold mask. destruct (Nat.ltb_spec j (lim i)); [|lia].
    reflexivity. }
  f_equal.
  - unfold fdot. f_equal. apply map_ext_in. intros j Hj. rewrite Hm by exact Hj. reflexivity.
  - f_equal. apply map_ext_in. exact Hm.
Qed.

(** ** Typing *)

Lemma attn_qkv_at_wt p n offX offQ offK offV N c dh :
  offX + N * c <= n -> offQ + c * dh <= n -> offK + c * dh <= n -> offV + c * dh <= n ->
  pwt p n (attn_qkv_at offX offQ offK offV N c dh).
Proof.
  intros HX HQ HK HV. split; [|split]; apply matmul_at_wt; assumption.
Qed.

Lemma attn_wbody_counts N dh scale i j :
  let E := attn_wbody N dh scale i j in
  ops E = dh + 3 /\ pads E = dh /\ work E = dh + (dh - 1) + 2 /\ maxar E <= dh + 2
  /\ arity_out E = 1.
Proof.
  destruct (dot_prog_counts dh (fun k => i * dh + k) (fun k => N * dh + (j * dh + k)))
    as (o & q & w & m & a).
  cbn zeta. unfold attn_wbody. cbn [ops pads work maxar arity_out op_work op_arity length].
  repeat split; lia.
Qed.

Lemma attn_wbody_wt p n N dh scale i j :
  valid p scale = true -> i < N -> j < N -> N * dh + (N * dh + N * dh) <= n ->
  pwt p n (attn_wbody N dh scale i j).
Proof.
  intros Hs Hi Hj Hn. unfold attn_wbody. cbn [pwt].
  rewrite (proj2 (proj2 (proj2 (proj2 (dot_prog_counts dh (fun k => i * dh + k)
                                                      (fun k => N * dh + (j * dh + k))))))).
  split; [apply dot_prog_wt; intros k Hk; split; nia|].
  split; [constructor; [exact Hs|constructor; [cbn; lia|constructor]]|]. cbn. split; reflexivity.
Qed.

Lemma attn_w_at_wt p n N dh scale lim :
  valid p scale = true -> (forall i, i < N -> lim i <= N) -> N * dh + (N * dh + N * dh) <= n ->
  pwt p n (attn_w_at N dh scale lim).
Proof.
  intros Hs Hlim Hn. split.
  - apply mfor_wt; [apply fzero_valid|]. intros i j Hi Hj. pose proof (Hlim i Hi).
    apply attn_wbody_wt; auto. lia.
  - apply keep_wt_le. lia.
Qed.

Lemma attn_den_at_wt p n N lim :
  (forall i, i < N -> lim i <= N) -> N * N <= n -> pwt p n (attn_den_at N lim).
Proof.
  intros Hlim Hn. cbn [attn_den_at pwt]. intros i Hi j Hj. pose proof (Hlim i Hi). split.
  - rewrite Forall_map, Forall_forall. intros l Hl. apply in_seq in Hl. cbn. nia.
  - cbn [arity_out op_arity]. rewrite map_length, seq_length. reflexivity.
Qed.

Lemma attn_num_at_wt p n N dh lim :
  (forall i, i < N -> lim i <= N) -> N * N + N * dh <= n -> pwt p n (attn_num_at N dh lim).
Proof.
  intros Hlim Hn. cbn [attn_num_at pwt]. intros i Hi l Hl. pose proof (Hlim i Hi).
  apply dot_prog_wt. intros j Hj. split; nia.
Qed.

(** ** Shapes and counts of the stages *)

Lemma attn_qkv_at_counts offX offQ offK offV N c dh :
  let E := attn_qkv_at offX offQ offK offV N c dh in
  ops E = 3 * (N * (dh * (c + 1))) /\ pads E = 3 * (N * (dh * c)) + 11 * (N * dh)
  /\ work E = 3 * (N * (dh * (c + (c - 1)))) /\ maxar E <= c + 2
  /\ arity_out E = N * dh + (N * dh + N * dh).
Proof.
  cbn zeta. unfold attn_qkv_at. cbn [ops pads work maxar arity_out].
  rewrite !matmul_at_ops, !matmul_at_pads, !matmul_at_work, !matmul_at_arity.
  pose proof (matmul_at_maxar offX offQ N c dh). pose proof (matmul_at_maxar offX offK N c dh).
  pose proof (matmul_at_maxar offX offV N c dh).
  repeat split; lia.
Qed.

Section stage_counts.
  Context (N dh : nat) (scale : flt) (lim : nat -> nat).
  Context (Hlim : forall i, i < N -> lim i <= N).

  Let Hw : forall i j, i < N -> j < lim i ->
      ops (attn_wbody N dh scale i j) = dh + 3 /\ pads (attn_wbody N dh scale i j) = dh
      /\ work (attn_wbody N dh scale i j) = dh + (dh - 1) + 2
      /\ maxar (attn_wbody N dh scale i j) <= dh + 2 /\ arity_out (attn_wbody N dh scale i j) = 1.
  Proof. intros. apply attn_wbody_counts. Qed.

  Lemma attn_w_at_counts :
    let E := attn_w_at N dh scale lim in
    ops E = (dh + 3) * list_sum (map lim (seq 0 N))
    /\ pads E = dh * list_sum (map lim (seq 0 N)) + 3 * (N * N) + N * dh
    /\ work E = (dh + (dh - 1) + 2) * list_sum (map lim (seq 0 N)) /\ maxar E <= dh + 2
    /\ arity_out E = N * N + N * dh.
  Proof.
    pose proof (mfor_ops N N lim _ fzero _ _ _ _ Hlim Hw).
    pose proof (mfor_pads N N lim _ fzero _ _ _ _ Hlim Hw).
    pose proof (mfor_work N N lim _ fzero _ _ _ _ Hlim Hw).
    pose proof (mfor_maxar N N lim _ fzero _ _ _ _ Hw).
    pose proof (mfor_arity N N lim _ fzero _ _ _ _ Hw).
    destruct (keep_counts (N * dh + N * dh) (N * dh)) as (o' & q' & w' & m' & a').
    cbn zeta. unfold attn_w_at. cbn [ops pads work maxar arity_out].
    repeat split; lia.
  Qed.

  Let Hd : forall i j, i < N -> j < 1 ->
      let e := PSeq (PWire (map (fun j => FIn (i * N + j)) (seq 0 (lim i)))) (POp (OSum (lim i))) in
      ops e = 1 /\ pads e = 0 /\ work e = lim i - 1 /\ maxar e <= lim i /\ arity_out e = 1.
  Proof. intros. cbn. repeat split; lia. Qed.

  Lemma attn_den_at_counts :
    let E := attn_den_at N lim in
    ops E = N /\ pads E = 2 * N /\ work E = list_sum (map (fun i => lim i - 1) (seq 0 N))
    /\ maxar E <= N /\ arity_out E = N.
  Proof.
    set (body := fun i (_ : nat) =>
      PSeq (PWire (map (fun j => FIn (i * N + j)) (seq 0 (lim i)))) (POp (OSum (lim i)))).
    assert (Hb : forall i j, i < N -> j < 1 ->
      ops (body i j) = 1 /\ pads (body i j) = 0 /\ work (body i j) = lim i - 1
      /\ maxar (body i j) <= lim i /\ arity_out (body i j) = 1) by exact Hd.
    assert (H1 : ops (attn_den_at N lim) = 1 * list_sum (map (fun _ => 1) (seq 0 N)))
      by exact (rowfor_ops N 1 body (fun _ => 1) (fun _ => 0) _ _ Hb).
    assert (H2 : pads (attn_den_at N lim) = 1 * list_sum (map (fun _ => 0) (seq 0 N)) + 2 * (N * 1))
      by exact (rowfor_pads N 1 body (fun _ => 1) (fun _ => 0) _ _ Hb).
    assert (H3 : work (attn_den_at N lim) = 1 * list_sum (map (fun i => lim i - 1) (seq 0 N)))
      by exact (rowfor_work N 1 body (fun _ => 1) (fun _ => 0) _ _ Hb).
    assert (H4 : maxar (attn_den_at N lim) <= N)
      by exact (rowfor_maxar N 1 body (fun _ => 1) (fun _ => 0) _ _ Hb N Hlim).
    assert (H5 : arity_out (attn_den_at N lim) = N * 1)
      by exact (rowfor_arity N 1 body (fun _ => 1) (fun _ => 0) _ _ Hb).
    rewrite !list_sum_const in *. cbn zeta. repeat split; lia.
  Qed.

  Lemma attn_num_at_counts :
    let E := attn_num_at N dh lim in
    ops E = dh * (list_sum (map lim (seq 0 N)) + N)
    /\ pads E = dh * list_sum (map lim (seq 0 N)) + 2 * (N * dh)
    /\ work E = dh * list_sum (map (fun i => lim i + (lim i - 1)) (seq 0 N))
    /\ maxar E <= N + 2 /\ arity_out E = N * dh.
  Proof.
    set (body := fun i l => dot_prog (lim i) (fun j => i * N + j) (fun j => N * N + (j * dh + l))).
    assert (Hb : forall i l, i < N -> l < dh ->
      ops (body i l) = lim i + 1 /\ pads (body i l) = lim i
      /\ work (body i l) = lim i + (lim i - 1)
      /\ maxar (body i l) <= lim i + 2 /\ arity_out (body i l) = 1)
      by (intros; apply dot_prog_counts).
    assert (H1 : ops (attn_num_at N dh lim) = dh * list_sum (map (fun i => lim i + 1) (seq 0 N)))
      by exact (rowfor_ops N dh body _ _ _ _ Hb).
    assert (H2 : pads (attn_num_at N dh lim) = dh * list_sum (map lim (seq 0 N)) + 2 * (N * dh))
      by exact (rowfor_pads N dh body _ _ _ _ Hb).
    assert (H3 : work (attn_num_at N dh lim)
                 = dh * list_sum (map (fun i => lim i + (lim i - 1)) (seq 0 N)))
      by exact (rowfor_work N dh body _ _ _ _ Hb).
    assert (H4 : maxar (attn_num_at N dh lim) <= N + 2).
    { apply (rowfor_maxar N dh body _ _ _ _ Hb). intros i Hi. specialize (Hlim i Hi). lia. }
    assert (H5 : arity_out (attn_num_at N dh lim) = N * dh)
      by exact (rowfor_arity N dh body _ _ _ _ Hb).
    rewrite list_sum_map_add, list_sum_const in H1.
    cbn zeta. repeat split; lia.
  Qed.
End stage_counts.

Lemma attn_at_arity offX offQ offK offV N c dh scale lim :
  arity_out (attn_at offX offQ offK offV N c dh scale lim) = N * dh.
Proof. unfold attn_at. cbn [arity_out]. apply (mstage_counts N dh BDiv). Qed.

Theorem attn_at_wt p n offX offQ offK offV N c dh scale lim :
  valid p scale = true -> (forall i, i < N -> lim i <= N) ->
  offX + N * c <= n -> offQ + c * dh <= n -> offK + c * dh <= n -> offV + c * dh <= n ->
  pwt p n (attn_at offX offQ offK offV N c dh scale lim).
Proof.
  intros Hs Hlim HX HQ HK HV. unfold attn_at. cbn [pwt].
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_qkv_at_counts offX offQ offK offV N c dh))))).
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_w_at_counts N dh scale lim Hlim))))).
  cbn [arity_out].
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_den_at_counts N lim Hlim))))).
  rewrite (proj2 (proj2 (proj2 (proj2 (attn_num_at_counts N dh lim Hlim))))).
  split; [apply attn_qkv_at_wt; assumption|].
  split; [apply attn_w_at_wt; auto|].
  split; [split; [apply attn_den_at_wt|apply attn_num_at_wt]; auto; nia|].
  apply mstage_wt. lia.
Qed.

(** ** Depth *)

Lemma attn_qkv_at_wdepth (P : FloatPrimitivesTC0) offX offQ offK offV N c dh :
  wdepth (op_dbound P) (attn_qkv_at offX offQ offK offV N c dh) <= d_std P + d_sum P.
Proof.
  unfold attn_qkv_at. cbn [wdepth].
  pose proof (matmul_at_wdepth P offX offQ N c dh).
  pose proof (matmul_at_wdepth P offX offK N c dh).
  pose proof (matmul_at_wdepth P offX offV N c dh). lia.
Qed.

Lemma attn_w_at_wdepth (P : FloatPrimitivesTC0) N dh scale lim :
  wdepth (op_dbound P) (attn_w_at N dh scale lim) <= 2 * d_std P + d_sum P + d_exp P.
Proof.
  unfold attn_w_at. cbn [wdepth]. rewrite keep_wdepth.
  assert (wdepth (op_dbound P) (mfor N N lim (attn_wbody N dh scale) fzero)
          <= 2 * d_std P + d_sum P + d_exp P).
  { apply mfor_wdepth. intros i j _ _. unfold attn_wbody. cbn [wdepth op_dbound].
    pose proof (dot_prog_wdepth P dh (fun k => i * dh + k) (fun k => N * dh + (j * dh + k))).
    lia. }
  lia.
Qed.

Lemma attn_den_at_wdepth (P : FloatPrimitivesTC0) N lim : wdepth (op_dbound P) (attn_den_at N lim) <= d_sum P.
Proof.
  apply (PFor2_wdepth N 1 (fun i _ =>
    PSeq (PWire (map (fun j => FIn (i * N + j)) (seq 0 (lim i)))) (POp (OSum (lim i))))).
  intros. cbn. lia.
Qed.

Lemma attn_num_at_wdepth (P : FloatPrimitivesTC0) N dh lim :
  wdepth (op_dbound P) (attn_num_at N dh lim) <= d_std P + d_sum P.
Proof. apply PFor2_wdepth. intros. apply dot_prog_wdepth. Qed.

(** [3·(d_std + d_⊕) + 2·d_std + d_exp], independent of all sizes. *)
Theorem attn_at_wdepth (P : FloatPrimitivesTC0) offX offQ offK offV N c dh scale lim :
  wdepth (op_dbound P) (attn_at offX offQ offK offV N c dh scale lim)
  <= 3 * (d_std P + d_sum P) + 2 * d_std P + d_exp P.
Proof.
  unfold attn_at. cbn [wdepth].
  pose proof (attn_qkv_at_wdepth P offX offQ offK offV N c dh).
  pose proof (attn_w_at_wdepth P N dh scale lim). pose proof (attn_den_at_wdepth P N lim).
  pose proof (attn_num_at_wdepth P N dh lim). pose proof (mstage_wdepth P N dh BDiv).
  lia.
Qed.

(** ** Counts of [attn_at] ([L = Σ_{i<N} lim i]) *)

Section attn_counts.
  Context (offX offQ offK offV N c dh : nat) (scale : flt) (lim : nat -> nat).
  Context (Hlim : forall i, i < N -> lim i <= N).
  Let E := attn_at offX offQ offK offV N c dh scale lim.

  Ltac counts := unfold E, attn_at; cbn [ops pads work maxar arity_out];
    destruct (attn_qkv_at_counts offX offQ offK offV N c dh) as (o1 & q1 & w1 & m1 & a1);
    destruct (attn_w_at_counts N dh scale lim Hlim) as (o2 & q2 & w2 & m2 & a2);
    destruct (attn_den_at_counts N lim Hlim) as (o3 & q3 & w3 & m3 & a3);
    destruct (attn_num_at_counts N dh lim Hlim) as (o4 & q4 & w4 & m4 & a4);
    destruct (mstage_counts N dh BDiv) as (o5 & q5 & w5 & m5 & a5).

  Lemma attn_at_ops :
    ops E = 3 * (N * (dh * (c + 1))) + (2 * dh + 3) * list_sum (map lim (seq 0 N))
            + N + 2 * (N * dh).
  Proof. counts. lia. Qed.

  Lemma attn_at_pads :
    pads E = 3 * (N * (dh * c)) + 17 * (N * dh) + 2 * (dh * list_sum (map lim (seq 0 N)))
             + 3 * (N * N) + 3 * N.
  Proof. counts. lia. Qed.

  (** Exact for all sizes ([−] is truncated subtraction). *)
  Lemma attn_at_work :
    work E = 3 * (N * (dh * (c + (c - 1)))) + (dh + (dh - 1) + 2) * list_sum (map lim (seq 0 N))
             + list_sum (map (fun i => lim i - 1) (seq 0 N))
             + dh * list_sum (map (fun i => lim i + (lim i - 1)) (seq 0 N)) + N * dh.
  Proof. counts. lia. Qed.

  (** Closed form when every size is positive and every query sees a key. *)
  Lemma attn_at_work_pos :
    1 <= c -> 1 <= dh -> (forall i, i < N -> 1 <= lim i) ->
    work E = 3 * (N * (dh * (2 * c - 1))) + (4 * dh + 2) * list_sum (map lim (seq 0 N)) - N.
  Proof.
    intros Hc Hdh Hpos. rewrite attn_at_work.
    pose proof (list_sum_map_pred lim N Hpos) as HS.
    rewrite list_sum_map_add. set (L := list_sum (map lim (seq 0 N))) in *.
    set (S := list_sum (map (fun i => lim i - 1) (seq 0 N))) in *.
    replace (c + (c - 1)) with (2 * c - 1) by lia.
    replace (dh + (dh - 1) + 2) with (2 * dh + 1) by lia.
    subst L. nia.
  Qed.

  Lemma attn_at_maxar : maxar E <= Nat.max c (Nat.max dh N) + 2.
  Proof. counts. lia. Qed.
End attn_counts.

(** Unmasked attention: [L = N·N]. *)
Corollary attn_at_work_full offX offQ offK offV N c dh scale :
  1 <= c -> 1 <= dh -> 1 <= N ->
  work (attn_at offX offQ offK offV N c dh scale (fun _ => N))
  = 3 * (N * (dh * (2 * c - 1))) + (4 * dh + 2) * (N * N) - N.
Proof.
  intros Hc Hdh HN. rewrite attn_at_work_pos; auto. rewrite list_sum_const. reflexivity.
Qed.

(** ** Multi-head attention *)

(** Concatenation of [H] heads of width [dh]: column [m] is column [m mod dh]
    of head [m / dh]. *)
Definition fconcat dh (O : nat -> mat) : mat := fun i m => O (m / dh) i (m mod dh).

(** [Concat_h Attn_h(X) · W_O], [W_O : (H·dh) × d]; head [h] has weights
    [WQs h], [WKs h], [WVs h]. *)
Definition fmha (P : FloatFns) p c dh H scale lim X (WQs WKs WVs : nat -> mat) WO : mat :=
  fmatmul p (H * dh) (fconcat dh (fun h => fattn P p c dh scale lim X (WQs h) (WKs h) (WVs h))) WO.

(** The output projection on [O_0 ; … ; O_{H−1} ; W_O] (the heads' outputs,
    each [N × dh], as [PFor] lays them out, then [W_O]). *)
Definition mha_proj_at N dh H d : prog :=
  PFor N (fun i => PFor d (fun t =>
    dot_prog (H * dh) (fun m => m / dh * (N * dh) + (i * dh + m mod dh))
                      (fun m => H * (N * dh) + (m * d + t)))).

(** The projection computes [Concat_h O_h · W_O] from the heads' outputs and [W_O]. *)
Lemma mha_proj_at_correct P p N dh H d (O : nat -> mat) WO :
  peval P p (mha_proj_at N dh H d) (concat (map (fun h => flat N dh (O h)) (seq 0 H)) ++ flat (H * dh) d WO)
  = flat N d (fmatmul p (H * dh) (fconcat dh O) WO).
Proof.
  set (C := concat (map (fun h => flat N dh (O h)) (seq 0 H))).
  assert (Hlen : length C = H * (N * dh)) by apply length_concat_flat.
  unfold mha_proj_at. apply peval_PFor2. intros i t Hi Ht. rewrite dot_prog_correct. f_equal.
  unfold fmatmul, fdot. f_equal. apply map_ext_in. intros m Hm. apply in_seq in Hm.
  assert (Hdh : dh <> 0) by (intros ->; lia).
  assert (Hq : m / dh < H) by (apply Nat.div_lt_upper_bound; lia).
  pose proof (Nat.mod_upper_bound m dh Hdh) as Hr.
  f_equal.
  - assert (HC : block (C ++ flat (H * dh) d WO) (m / dh * (N * dh)) N dh (O (m / dh))).
    { apply block_app_l; [rewrite Hlen; nia|]. apply block_concat, Hq. }
    rewrite (HC i (m mod dh) Hi Hr). reflexivity.
  - assert (HW' : block (C ++ flat (H * dh) d WO) (length C + 0) (H * dh) d WO)
      by (apply block_app_r, block_flat).
    rewrite Hlen, Nat.add_0_r in HW'. rewrite (HW' m t) by lia. reflexivity.
Qed.

(** Heads in parallel ([W_O] carried), then the projection.  Head [h]'s
    weights are at [oQ h], [oK h], [oV h]; [W_O] at [offO]. *)
Definition mha_at offX (oQ oK oV : nat -> nat) offO N c dh H d scale lim : prog :=
  PSeq (PPar (PFor H (fun h => attn_at offX (oQ h) (oK h) (oV h) N c dh scale lim))
             (keep offO (H * dh * d)))
       (mha_proj_at N dh H d).

Theorem mha_at_correct P p xs offX (oQ oK oV : nat -> nat) offO N c dh H d scale lim X
    (WQs WKs WVs : nat -> mat) WO :
  (forall i, i < N -> lim i <= N) -> block xs offX N c X ->
  (forall h, h < H -> block xs (oQ h) c dh (WQs h) /\ block xs (oK h) c dh (WKs h)
                      /\ block xs (oV h) c dh (WVs h)) ->
  block xs offO (H * dh) d WO ->
  peval P p (mha_at offX oQ oK oV offO N c dh H d scale lim) xs
  = flat N d (fmha P p c dh H scale lim X WQs WKs WVs WO).
Proof.
  intros Hlim HX HW HO. unfold mha_at. rewrite peval_PSeq, peval_PPar.
  set (F := fun h => fattn P p c dh scale lim X (WQs h) (WKs h) (WVs h)).
  rewrite (peval_PFor_blocks P p H N dh _ F).
  2: { intros h Hh. destruct (HW h Hh) as (HQ & HK & HV).
       exact (attn_at_correct P p xs offX (oQ h) (oK h) (oV h) N c dh scale lim X
                (WQs h) (WKs h) (WVs h) Hlim HX HQ HK HV). }
  rewrite (keep_block _ _ _ _ _ _ WO HO). apply mha_proj_at_correct.
Qed.

Lemma mha_heads_arity offX (oQ oK oV : nat -> nat) N c dh H scale lim :
  arity_out (PFor H (fun h => attn_at offX (oQ h) (oK h) (oV h) N c dh scale lim)) = H * (N * dh).
Proof. cbn [arity_out]. apply list_sum_seq_const. intros. apply attn_at_arity. Qed.

Theorem mha_at_wt p n offX (oQ oK oV : nat -> nat) offO N c dh H d scale lim :
  valid p scale = true -> (forall i, i < N -> lim i <= N) -> offX + N * c <= n ->
  (forall h, h < H -> oQ h + c * dh <= n /\ oK h + c * dh <= n /\ oV h + c * dh <= n) ->
  offO + H * dh * d <= n ->
  pwt p n (mha_at offX oQ oK oV offO N c dh H d scale lim).
Proof.
  intros Hs Hlim HX HW HO. unfold mha_at. cbn [pwt].
  split; [split|].
  - cbn [pwt]. intros h Hh. destruct (HW h Hh) as (? & ? & ?). apply attn_at_wt; auto.
  - apply keep_wt_le, HO.
  - change (arity_out (PPar ?a ?b)) with (arity_out a + arity_out b).
    rewrite mha_heads_arity, keep_arity.
    cbn [mha_proj_at pwt]. intros i Hi t Ht. apply dot_prog_wt. intros m Hm.
    assert (Hdh : dh <> 0) by (intros ->; lia).
    assert (Hq : m / dh < H) by (apply Nat.div_lt_upper_bound; lia).
    pose proof (Nat.mod_upper_bound m dh Hdh) as Hr. split; nia.
Qed.

(** One more matrix product than a head: [4·(d_std + d_⊕) + 2·d_std + d_exp]. *)
Theorem mha_at_wdepth (P : FloatPrimitivesTC0) offX (oQ oK oV : nat -> nat) offO N c dh H d scale lim :
  wdepth (op_dbound P) (mha_at offX oQ oK oV offO N c dh H d scale lim)
  <= 4 * (d_std P + d_sum P) + 2 * d_std P + d_exp P.
Proof.
  unfold mha_at. cbn [wdepth]. rewrite keep_wdepth.
  assert (list_max (map (fun h => wdepth (op_dbound P) (attn_at offX (oQ h) (oK h) (oV h)
                                                                  N c dh scale lim)) (seq 0 H))
          <= 3 * (d_std P + d_sum P) + 2 * d_std P + d_exp P)
    by (apply list_max_seq_le; intros; apply attn_at_wdepth).
  assert (wdepth (op_dbound P) (mha_proj_at N dh H d) <= d_std P + d_sum P)
    by (apply PFor2_wdepth; intros; apply dot_prog_wdepth).
  lia.
Qed.

Section mha_counts.
  Context (offX : nat) (oQ oK oV : nat -> nat) (offO N c dh H d : nat) (scale : flt)
    (lim : nat -> nat).
  Context (Hlim : forall i, i < N -> lim i <= N).
  Let E := mha_at offX oQ oK oV offO N c dh H d scale lim.
  Let heads := PFor H (fun h => attn_at offX (oQ h) (oK h) (oV h) N c dh scale lim).

  Let Hb := fun i t (_ : i < N) (_ : t < d) => dot_prog_counts (H * dh)
    (fun m => m / dh * (N * dh) + (i * dh + m mod dh)) (fun m => H * (N * dh) + (m * d + t)).
  Let body i t := dot_prog (H * dh)
    (fun m => m / dh * (N * dh) + (i * dh + m mod dh)) (fun m => H * (N * dh) + (m * d + t)).

  Let heads_sum (f : prog -> nat) (v : nat) :
    (forall h, f (attn_at offX (oQ h) (oK h) (oV h) N c dh scale lim) = v) ->
    list_sum (map (fun h => f (attn_at offX (oQ h) (oK h) (oV h) N c dh scale lim)) (seq 0 H))
    = H * v.
  Proof. intros Hv. apply list_sum_seq_const. intros. apply Hv. Qed.

  Ltac counts := unfold E, mha_at; cbn [ops pads work maxar arity_out];
    rewrite ?(heads_sum arity_out (N * dh) (fun h => attn_at_arity _ _ _ _ _ _ _ _ _));
    pose proof (PFor2_ops N d body _ _ _ _ Hb); pose proof (PFor2_pads N d body _ _ _ _ Hb);
    pose proof (PFor2_work N d body _ _ _ _ Hb); pose proof (PFor2_maxar N d body _ _ _ _ Hb);
    pose proof (PFor2_arity N d body _ _ _ _ Hb);
    destruct (keep_counts offO (H * dh * d)) as (o' & q' & w' & m' & a');
    change (PFor N (fun i => PFor d (body i))) with (mha_proj_at N dh H d) in *.

  Lemma mha_at_ops :
    ops E = H * (3 * (N * (dh * (c + 1))) + (2 * dh + 3) * list_sum (map lim (seq 0 N))
                 + N + 2 * (N * dh))
            + N * (d * (H * dh + 1)).
  Proof.
    counts. rewrite (heads_sum ops _ (fun h => attn_at_ops _ _ _ _ _ _ _ _ _ Hlim)). lia.
  Qed.

  Lemma mha_at_pads :
    pads E = H * (3 * (N * (dh * c)) + 17 * (N * dh) + 2 * (dh * list_sum (map lim (seq 0 N)))
                  + 3 * (N * N) + 3 * N)
             + 2 * (H * (N * dh)) + H * dh * d + (N * (d * (H * dh) + d) + N * d).
  Proof.
    counts. rewrite (heads_sum pads _ (fun h => attn_at_pads _ _ _ _ _ _ _ _ _ Hlim)). lia.
  Qed.

  Lemma mha_at_work :
    work E = H * (3 * (N * (dh * (c + (c - 1))))
                  + (dh + (dh - 1) + 2) * list_sum (map lim (seq 0 N))
                  + list_sum (map (fun i => lim i - 1) (seq 0 N))
                  + dh * list_sum (map (fun i => lim i + (lim i - 1)) (seq 0 N)) + N * dh)
             + N * (d * (H * dh + (H * dh - 1))).
  Proof.
    counts. rewrite (heads_sum work _ (fun h => attn_at_work _ _ _ _ _ _ _ _ _ Hlim)). lia.
  Qed.

  Lemma mha_at_work_pos :
    1 <= c -> 1 <= dh -> 1 <= H -> (forall i, i < N -> 1 <= lim i) ->
    work E = H * (3 * (N * (dh * (2 * c - 1))) + (4 * dh + 2) * list_sum (map lim (seq 0 N)) - N)
             + N * (d * (2 * (H * dh) - 1)).
  Proof.
    intros Hc Hdh HH Hpos. rewrite mha_at_work.
    rewrite <- (attn_at_work_pos offX 0 0 0 N c dh scale lim Hlim Hc Hdh Hpos).
    rewrite (attn_at_work offX 0 0 0 N c dh scale lim Hlim).
    assert (1 <= H * dh) by nia. replace (H * dh + (H * dh - 1)) with (2 * (H * dh) - 1) by lia.
    reflexivity.
  Qed.

  Lemma mha_at_maxar : maxar E <= Nat.max (Nat.max c (Nat.max dh N) + 2) (H * dh + 2).
  Proof.
    counts.
    assert (list_max (map (fun h => maxar (attn_at offX (oQ h) (oK h) (oV h) N c dh scale lim))
                          (seq 0 H)) <= Nat.max c (Nat.max dh N) + 2)
      by (apply list_max_seq_le; intros; apply attn_at_maxar, Hlim).
    lia.
  Qed.

  Lemma mha_at_arity : arity_out E = N * d.
  Proof. counts. lia. Qed.
End mha_counts.

(** ** Examples ([vm_compute]) *)

(** [N = 1], [c = dh = 1]: [X = 2], [W_Q = 3], [W_K = 1], scale 1/2:
    [S = (2·3)·(2·1)/2 = 6]. *)
Example ex_fscore :
  fscore 8 1 1 (fconst 8 1%Z 2%Z) (fun _ _ => of_Z 8 2%Z) (fun _ _ => of_Z 8 3%Z)
         (fun _ _ => of_Z 8 1%Z) 0 0
  = of_Z 8 6%Z.
Proof. vm_compute. reflexivity. Qed.

(** Counts for [N = 3], [c = dh = 2]: causal ([L = 6]), unmasked ([L = 9])
    and block-causal with blocks [1; 2] ([L = 1 + 3 + 3 = 7]);
    work [= 3·N·dh·(2c−1) + (4dh+2)·L − N]; unit-weight depth [3·2 + 2 + 1]. *)
Example ex_attn_counts :
  work (attn_at 0 6 10 14 3 2 2 fzero S) = 111
  /\ work (attn_at 0 6 10 14 3 2 2 fzero (fun _ => 3)) = 141
  /\ work (attn_at 0 6 10 14 3 2 2 fzero (bc_lim [1; 2])) = 121
  /\ ops (attn_at 0 6 10 14 3 2 2 fzero S) = 111
  /\ pads (attn_at 0 6 10 14 3 2 2 fzero S) = 198
  /\ arity_out (attn_at 0 6 10 14 3 2 2 fzero S) = 6
  /\ wdepth (fun _ => 1) (attn_at 0 6 10 14 3 2 2 fzero S) = 9.
Proof. vm_compute. repeat split. Qed.

(** Two heads, [d = 2]: [2·111 + N·d·(2·H·dh − 1) = 222 + 42]. *)
Example ex_mha_counts :
  work (mha_at 0 (fun h => 6 + 12 * h) (fun h => 10 + 12 * h) (fun h => 14 + 12 * h) 30
               3 2 2 2 2 fzero S) = 264
  /\ wdepth (fun _ => 1) (mha_at 0 (fun h => 6 + 12 * h) (fun h => 10 + 12 * h)
                                 (fun h => 14 + 12 * h) 30 3 2 2 2 2 fzero S) = 11.
Proof. vm_compute. repeat split. Qed.
