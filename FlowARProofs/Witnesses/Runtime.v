(** * Exact inference work of FlowAR-tiny/S/L/H, as numbers

    The closed forms of [Runtime/Exact.v] evaluated by [vm_compute] (binary
    numbers: each configuration takes well under a second — docs/runtime.md
    records the times), for the released configurations (PAPER/DESIGN):
    5 scales of sides 1, 2, 4, 8, 16 ([K = 5], [s0 = 1], [a = 2]), [c = 16]
    latent channels, FFN width 4·d, head width 64 (96 for H):
    {v
      config  width  heads  AR layers L  flow layers L_f  Euler steps T
      S        768    12       12             2              24
      L       1024    16       16            12              24
      H       1536    16       30            12              50
      tiny       4     2        1             1               2   (K = 2, c = 2, FFN 16)
    v}
    Our [Config] has ONE layer shape for the AR transformer and the flow
    head (the released flow head of S/L is 1024 wide); see docs/runtime.md.
    The attention scale [lsn/lsd] does not change any count.

    [runtime_witness F K m] collects, for [schedule F K m]: the total work,
    the work per kind, the split into AR attention, flow-head attention and
    the rest ([Runtime/ExactTheta.v]), and VAR's work.  The bridge reads
    these [Example]s.  Non-vacuity: the closed form equals the work
    computed on the program itself for the tiny configuration; the constants
    [c₁] of [flowar_work_theta] are positive; [c₁·n⁴ ≤ work ≤ c₂·n⁴] at
    [n₀ = 1]; and the ratio work(2n)/work(n) on FlowAR-L's schedule tends
    to 16. *)
From Coq Require Import Arith NArith ZArith List Lia.
From FlowARProofs.IR Require Import Program Work.
From FlowARProofs.Pipeline Require Import Layer FlowAR VAR.
From FlowARProofs.Runtime Require Import Exact ExactTheta KVCache.
Import ListNotations.
Set Default Goal Selector "!".
(* FlowAR-H's FFN width 6144 is a large [nat] literal; it is only converted to [N]. *)
Local Set Warnings "-abstract-large-number".

(** ** The configurations *)

Definition fixed_tiny : Fixed := {| fc := 2; fD := {| ld := 4; lH := 2; ldh := 2; ldff := 16; lsn := 1%Z; lsd := 2%Z |};
  fL := 1; fLf := 1; fT := 2 |}.
Definition fixed_S : Fixed := {| fc := 16; fD := {| ld := 768; lH := 12; ldh := 64; ldff := 3072; lsn := 1%Z; lsd := 8%Z |};
  fL := 12; fLf := 2; fT := 24 |}.
Definition fixed_L : Fixed := {| fc := 16; fD := {| ld := 1024; lH := 16; ldh := 64; ldff := 4096; lsn := 1%Z; lsd := 8%Z |};
  fL := 16; fLf := 12; fT := 24 |}.
(** [1/√96 ≈ 0.102]. *)
Definition fixed_H : Fixed := {| fc := 16; fD := {| ld := 1536; lH := 16; ldh := 96; ldff := 6144; lsn := 51%Z; lsd := 500%Z |};
  fL := 30; fLf := 12; fT := 50 |}.

Definition flowar_tiny : Config := schedule fixed_tiny 2 1.
Definition flowar_S : Config := schedule fixed_S 5 1.
Definition flowar_L : Config := schedule fixed_L 5 1.
Definition flowar_H : Config := schedule fixed_H 5 1.

Local Open Scope N_scope.

(** ** The witness *)

Record RuntimeWitness := {
  w_total : N;                                  (** all operations *)
  w_add : N; w_mul : N; w_div : N; w_cmp : N; w_exp : N; w_sqrt : N;   (** per kind *)
  w_ar_attn : N; w_fh_attn : N; w_rest : N;     (** the split of the total *)
  w_var : N                                     (** VAR on the same configuration *)
}.

Definition runtime_witness (cfg : Config) : RuntimeWitness := {|
  w_total := flowar_cost unit_cost cfg;
  w_add := flowar_cost (kind_cost KAdd) cfg; w_mul := flowar_cost (kind_cost KMul) cfg;
  w_div := flowar_cost (kind_cost KDiv) cfg; w_cmp := flowar_cost (kind_cost KCmp) cfg;
  w_exp := flowar_cost (kind_cost KExp) cfg; w_sqrt := flowar_cost (kind_cost KSqrt) cfg;
  w_ar_attn := ar_attn unit_cost cfg; w_fh_attn := fh_attn unit_cost cfg;
  w_rest := rest_cost unit_cost cfg; w_var := var_cost unit_cost cfg |}.

(** What the witness means: its fields are the programs' counts. *)
Lemma runtime_witness_spec p cfg :
  let w := runtime_witness cfg in
  N.of_nat (work (flowar_prog p cfg)) = w_total w
  /\ N.of_nat (work_by_kind KAdd (flowar_prog p cfg)) = w_add w
  /\ N.of_nat (work_by_kind KMul (flowar_prog p cfg)) = w_mul w
  /\ N.of_nat (work_by_kind KDiv (flowar_prog p cfg)) = w_div w
  /\ N.of_nat (work_by_kind KCmp (flowar_prog p cfg)) = w_cmp w
  /\ N.of_nat (work_by_kind KExp (flowar_prog p cfg)) = w_exp w
  /\ N.of_nat (work_by_kind KSqrt (flowar_prog p cfg)) = w_sqrt w
  /\ w_total w = w_ar_attn w + w_fh_attn w + w_rest w
  /\ N.of_nat (work (var_prog p cfg)) = w_var w.
Proof.
  cbn zeta. destruct (flowar_exact_work p cfg) as [Ht Hk].
  repeat split; cbn [runtime_witness w_total w_add w_mul w_div w_cmp w_exp w_sqrt w_ar_attn w_fh_attn
    w_rest w_var]; auto using flowar_cost_split.
  apply var_exact_work.
Qed.

(** ** The numbers *)

Example runtime_tiny : runtime_witness flowar_tiny = {|
  w_total := 9080; w_add := 4156; w_mul := 4268; w_div := 256; w_cmp := 256; w_exp := 112; w_sqrt := 32;
  w_ar_attn := 428; w_fh_attn := 660; w_rest := 7992; w_var := 3520 |}.
Proof. vm_compute. reflexivity. Qed.

Example runtime_S : runtime_witness flowar_S = {|
  w_total := 323429343592; w_add := 161612774592; w_mul := 161644659856; w_div := 50323632;
  w_cmp := 66981888; w_exp := 54560016; w_sqrt := 43608;
  w_ar_attn := 3687976656; w_fh_attn := 10388245824; w_rest := 309353121112; w_var := 80725196104 |}.
Proof. vm_compute. reflexivity. Qed.

Example runtime_L : runtime_witness flowar_L = {|
  w_total := 2745854159328; w_add := 1372258399424; w_mul := 1372491683456; w_div := 324382656;
  w_cmp := 431947776; w_exp := 347535104; w_sqrt := 210912;
  w_ar_attn := 6556402944; w_fh_attn := 83105966592; w_rest := 2656191789792; w_var := 189103137184 |}.
Proof. vm_compute. reflexivity. Qed.

Example runtime_H : runtime_witness flowar_H = {|
  w_total := 12639164210364; w_add := 6317868202888; w_mul := 6318229982336; w_div := 1006292280;
  w_cmp := 1340559360; w_exp := 718737120; w_sqrt := 436380;
  w_ar_attn := 18392342880; w_fh_attn := 259036694400; w_rest := 12361735173084;
  w_var := 788273344396 |}.
Proof. vm_compute. reflexivity. Qed.

(** FlowAR-H's program performs exactly 12 639 164 210 364 scalar operations. *)
Corollary flowar_H_work p : N.of_nat (work (flowar_prog p flowar_H)) = 12639164210364.
Proof. rewrite (proj1 (flowar_exact_work p flowar_H)). vm_compute. reflexivity. Qed.

(** ** Non-vacuity *)

(** The closed forms agree with the count on the program itself (tiny: the
    program is small enough to count directly). *)
Example tiny_direct :
  N.of_nat (work (flowar_prog 8 flowar_tiny)) = 9080
  /\ map (fun kd => N.of_nat (work_by_kind kd (flowar_prog 8 flowar_tiny))) kinds
     = [4156; 4268; 256; 256; 112; 32]
  /\ N.of_nat (work (var_prog 8 flowar_tiny)) = 3520.
Proof. vm_compute. repeat split. Qed.

(** The constants of [flowar_work_theta]: [(c₁, c₂)] and the rest's [2ρ]. *)
Example theta_constants :
  map (fun F => (theta_lo F, theta_hi F, quad_hi F)) [fixed_tiny; fixed_S; fixed_L; fixed_H]
  = [(6, 3180, 3048); (720, 1703062448, 1702689488); (4864, 15316664480, 15314144928);
     (10080, 71394274936, 71386473016)].
Proof. vm_compute. reflexivity. Qed.

(** [c₁ > 0] for every released configuration, and the bounds at [n₀ = 1]
    ([K = 1], [m = 1]): [c₁ ≤ work ≤ c₂]. *)
Example theta_at_n0 :
  Forall (fun F => 0 < theta_lo F
                   /\ theta_lo F <= flowar_cost unit_cost (schedule F 1 1) <= theta_hi F)
         [fixed_tiny; fixed_S; fixed_L; fixed_H].
Proof. repeat constructor; vm_compute; congruence. Qed.

(** Work on FlowAR-L's schedule for [K = 1 … 12] scales ([n = 2^(K−1) = 1 … 2048]). *)
Definition L_schedule_work : list N := map (fun k => flowar_cost unit_cost (schedule fixed_L k 1)) (seq 1 12).

Example L_schedule_values : L_schedule_work =
  [7658289248; 38709883584; 163565602080; 667332278144; 2745854159328; 12069178858560;
   65504226791072; 537506359034112; 6557699890557792; 96753428011820480;
   1515375598373902368; 24115292399809071744].
Proof. vm_compute. reflexivity. Qed.

(** Doubling [n] from 1024 to 2048 multiplies the work by a factor in [[15.9, 16]]. *)
Example L_ratio_16 :
  let w k := flowar_cost unit_cost (schedule fixed_L k 1) in
  159 * w 11%nat <= 10 * w 12%nat <= 160 * w 11%nat.
Proof. vm_compute. split; discriminate. Qed.

(** ** The KV-cached variant ([Runtime/KVCache.v]): total, its AR attention, its rest *)

Example cached_values :
  map (fun c => (flowar_cached_cost unit_cost c, kv_ar_attn unit_cost c, kv_rest unit_cost c))
      [flowar_tiny; flowar_S; flowar_L; flowar_H]
  = [(8612, 410, 7542); (304155320488, 3458542032, 290308532632);
     (2700316162720, 6148519168, 2611061676960); (12447678401340, 17248107360, 12171393599580)].
Proof. vm_compute. reflexivity. Qed.
