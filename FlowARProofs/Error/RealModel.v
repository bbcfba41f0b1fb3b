(** * FlowAR's transformer layer and flow head over the reals, exact and fast

    The real-valued counterparts of the float semantics, module by module,
    with the SAME weight layout (the offsets [o_q], [o_o], …, [fh_layers], …
    of Pipeline/Layer.v and Pipeline/FlowHead.v are reused, not copied).
    Every definition is parameterized by the attention weight function
    [w : R → R]: [w = exp] is exact FlowAR, [w = taylor_exp g] is Fast
    FlowAR (the polynomial method's value over the reals: the feature maps
    compute [⟨φ(q), ψ(k)⟩ = P_g(scale·q·k)], proved in Error/FeatureMap.v —
    [feature_map_identity]; [rfattn_taylor] / [rfmha_taylor] show that
    attention computed through the feature maps IS [rattn (taylor_exp g)] /
    [rmha (taylor_exp g)]).  Exact and fast
    models therefore differ ONLY in the attention weights.

    | real            | mirrors (float)                                  | one generic definition (proved) |
    |-----------------|--------------------------------------------------|---------------------------------|
    | [rdR]           | [rd] (IR/Block.v): the [r × c] block at [off]     | [g_rd] ([rdR_generic])           |
    | [rmatmul]       | [fmatmul] (IR/MatMul.v) (a bias [0] is added)     | [g_matmul] ([rmatmul_generic])   |
    | [rmlp]          | [fmlp] (Modules/MLP.v) = [Lipschitz.linear]       | [g_mlp] ([rmlp_generic])         |
    | [rln], [rlnaff] | [fln], [flnaff] (Modules/LayerNorm.v): NO ε       | [g_ln], [g_lnaff]                |
    | [rattn w]       | [fattn] (Modules/Attention.v), weights [w(score)] | [g_attn] ([rattn_generic])       |
    | [rmha w]        | [fmha]                                           | [g_mha] ([rmha_generic])         |
    | [rffn_inner]    | [fffn_inner] (Modules/FFN.v)                      | [g_ffn_inner]                    |
    | [rtlayer w]     | [ftlayer] (Pipeline/Layer.v), pre-norm block      | [g_tlayer] ([rtlayer_generic])   |
    | [rvel w]        | [fvel] (Pipeline/FlowHead.v)                      | [g_vel] ([rvel_generic])         |
    | [rflow w]       | [fflow]: [T] Euler steps, [t_k = k/T], [Δt = 1/T] | [g_flow] ([rflow_generic])       |

    LayerNorm has no ε in the denominator (as in the float model), so its
    stability needs a variance floor (LNStability.v).  The layer iteration
    uses [Propagation.iter_chain], the same recursion as [IR/Stage.iterate]
    ([iter_chain_iterate]).  These definitions stay as they are written
    here (the error proofs unfold them), but each is PROVED to be the real
    instance of one definition generic over the arithmetic whose float
    instance is the float semantics (last column; Error/Generic.v,
    GenericModules.v, GenericLayer.v, GenericPipeline.v — the float side
    holds by [reflexivity]), so the two cannot drift apart (docs/error.md). *)
From Coq Require Import Reals Lra Lia ZArith List.
From FlowARProofs.Error Require Import RSum Propagation Lipschitz AttentionError Taylor
  FastAttentionError.
From FlowARProofs.IR Require Stage.
From FlowARProofs.Pipeline Require Layer FlowHead.
Set Default Goal Selector "!".
Set Bullet Behavior "Strict Subproofs".
Local Open Scope R_scope.

Definition rmat := nat -> nat -> R.

Implicit Types (X Y Z W : rmat) (w : R -> R) (N c d dh dff H : nat).

Lemma iter_chain_iterate {A} (f : nat -> A -> A) (x : A) k :
  iter_chain f x k = Stage.iterate f k x.
Proof. induction k as [|k IH]; simpl; [reflexivity|]. rewrite IH. reflexivity. Qed.

(** ** Modules *)

Definition rdR (xs : list R) (off r c : nat) : rmat := fun i j => nth (off + (i * c + j)) xs 0.

Definition rmatmul n X W : rmat := linear n X W (fun _ => 0).

Definition rmlp c X W (b : rmat) : rmat := linear c X W (b 0%nat).

Definition rmean c X (i : nat) : R := rsum (X i) c / INR c.
Definition rcent c X : rmat := fun i l => X i l - rmean c X i.
Definition rvar c X (i : nat) : R := rsum (fun l => rcent c X i l * rcent c X i l) c / INR c.
Definition rln c X : rmat := fun i l => rcent c X i l / sqrt (rvar c X i).
Definition rlnaff c (Gm Bm : rmat) X : rmat := fun i l => Gm 0%nat l * rln c X i l + Bm 0%nat l.

Definition rscore c dh (sc : R) X WQ WK : rmat :=
  fun i j => sc * rsum (fun m => rmatmul c X WQ i m * rmatmul c X WK j m) dh.

(** One head: masked attention with weights [w(score)] ([attn_with], FastAttentionError.v). *)
Definition rattn w c dh sc (lim : nat -> nat) X WQ WK WV : rmat :=
  attn_with w (rscore c dh sc X WQ WK) (rmatmul c X WV) lim.

Definition rconcat dh (O : nat -> rmat) : rmat := fun i m => O (m / dh)%nat i (m mod dh)%nat.

Definition rmha w c dh H sc lim X (WQs WKs WVs : nat -> rmat) WO : rmat :=
  rmatmul (H * dh) (rconcat dh (fun h => rattn w c dh sc lim X (WQs h) (WKs h) (WVs h))) WO.

Definition rffn_inner d dff X W1 b1 W2 b2 : rmat := rmlp dff (relu (rmlp d X W1 b1)) W2 b2.

(** ** One transformer layer (mirrors [ftattn], [ftmlp], [ftlayer]) *)

Section layer.
  Context (D : Layer.LDims) (G : list R) (wo : nat).
  Let d := Layer.ld D. Let Hh := Layer.lH D. Let dh := Layer.ldh D. Let dff := Layer.ldff D.
  Definition rscale : R := IZR (Layer.lsn D) / IZR (Layer.lsd D).
  Definition lw (o r c : nat) : rmat := rdR G (wo + o) r c.

  Definition rln1 X : rmat := rlnaff d (lw (Layer.o_g1 D) 1 d) (lw (Layer.o_b1 D) 1 d) X.
  Definition rln2 X : rmat := rlnaff d (lw (Layer.o_g2 D) 1 d) (lw (Layer.o_b2 D) 1 d) X.
  Definition WQh h := lw (Layer.o_q D h) d dh.
  Definition WKh h := lw (Layer.o_k D h) d dh.
  Definition WVh h := lw (Layer.o_v D h) d dh.
  Definition WOm := lw (Layer.o_o D) (Hh * dh) d.

  Definition rtattn w lim X : rmat :=
    madd X (rmha w d dh Hh rscale lim (rln1 X) WQh WKh WVh WOm).

  Definition rtmlp X1 : rmat :=
    rffn_inner d dff (rln2 X1) (lw (Layer.o_w1 D) d dff) (lw (Layer.o_c1 D) 1 dff)
      (lw (Layer.o_w2 D) dff d) (lw (Layer.o_c2 D) 1 d).

  Definition rtlayer w lim X : rmat := let X1 := rtattn w lim X in madd X1 (rtmlp X1).
End layer.

(** ** The flow head: velocity network and [T] Euler steps (mirrors [fvel], [fflow]) *)

Section flowhead.
  Context (Dm : FlowHead.FHDims) (G : list R) (wo M : nat).
  Let c := FlowHead.fhc Dm. Let D := FlowHead.fhLD Dm. Let d := Layer.ld D.

  Definition fw (o r c' : nat) : rmat := rdR G (wo + o) r c'.

  (** The velocity network's input: [F·W_in + b_in + Ŷ + t·e]. *)
  Definition rvin (t : R) F Yh : rmat :=
    fun i j => rmlp c F (fw (FlowHead.fh_win Dm) c d) (fw (FlowHead.fh_bin Dm) 1 d) i j + Yh i j
               + t * fw (FlowHead.fh_e Dm) 1 d 0%nat j.

  Definition rlayers w X : rmat :=
    iter_chain (fun l X => rtlayer D G (wo + FlowHead.fh_layers Dm + l * Layer.tl_size D) w
                              (fun _ => M) X) X (FlowHead.fhLf Dm).

  Definition rvel w (t : R) F Yh : rmat :=
    rmlp d (rlayers w (rvin t F Yh)) (fw (FlowHead.fh_wout Dm) d c) (fw (FlowHead.fh_bout Dm) 1 c).

  Definition rflow w (T : nat) F0 Yh : rmat :=
    iter_chain (fun k => euler (/ INR T) (fun F => rvel w (INR k / INR T) F Yh)) F0 T.
End flowhead.

(** Exact and fast instances. *)
Definition rflow_exact Dm G wo M T F0 Yh := rflow Dm G wo M exp T F0 Yh.
Definition rflow_fast (g : nat) Dm G wo M T F0 Yh := rflow Dm G wo M (taylor_exp g) T F0 Yh.
