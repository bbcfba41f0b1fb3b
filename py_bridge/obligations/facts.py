"""The fact table: what `flowar-proofs obligations` asks Coq about a configuration, as data.

Each `Fact` is one Coq `Lemma` named after its id (plus `Eval vm_compute` lines for the values it
reports), the qualified Coq names it needs, and the facts it builds on. A fact whose needed
names are not in the built library is reported "not yet proved" without being rendered; so a
runtime or error theorem that lands later lights up by itself, and adding a fact is one entry.

The Coq text may use only the definitions of the generated preamble (templates/obligations.v.j2):
`cfg : Config`, `prec`, `K0 L0 Lf0 T0 : nat` (the constants of [flowar_in_TC0]) and, with a
[fast_attention] table, `fast_B fast_ea : N`, `fast_C fast_g : nat`; with an [error] table
`err_g : nat`, `err_W err_sigma err_B : Q` (and `err_bl err_r : Q` when B is derived). Numbers
come from Coq (`Eval vm_compute`), never from Python (`dyadic_text` only formats Coq's m·2^e).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from py_bridge.obligations.config import FlowARConfig

#: Tactic defined in the preamble: decides a closed (in)equality on literals by computation.
CHECK = "Proof. check_fact. Qed."

HYPOTHESIS = "hypothesis"
THEOREM = "theorem"
VALUE = "value"
ASSUMED = "assumed"


@dataclass(frozen=True)
class Eval:
    """One number Coq computes: its witness key, the Coq expression, and the Coq name that
    computes it (reported with the value)."""

    key: str
    expr: str
    coq_name: str


@dataclass(frozen=True)
class Fact:
    id: str  # also the Coq lemma's name
    kind: str  # HYPOTHESIS / THEOREM / VALUE / ASSUMED
    description: str
    theorem: str  # the general theorem this fact instantiates or feeds
    needs: tuple[str, ...] = ()  # qualified Coq names that must exist in the built library
    modules: tuple[str, ...] = ()  # extra library modules to `Require` (qualified names used)
    requires: tuple[str, ...] = ()  # ids of facts the Coq text uses
    coq: str = ""  # the Lemma (empty for ASSUMED facts)
    evals: tuple[Eval, ...] = ()
    display: Callable[[Mapping[str, int]], str] = field(default=lambda v: "")
    #: None if the fact applies to the config, else why not (e.g. no [fast_attention] table)
    applies: Callable[[Any], str | None] = field(default=lambda c: None)
    #: for a failed hypothesis: the config's side of it, in words
    explain: Callable[[Any], str] = field(default=lambda c: "")
    #: for a fact without Coq text: why it is not wired yet
    pending: str = ""


def _hyp(fid: str, description: str, theorem: str, prop: str,
         explain: Callable[[FlowARConfig], str], *, needs: tuple[str, ...] = (),
         applies: Callable[[Any], str | None] = lambda c: None) -> Fact:
    return Fact(fid, HYPOTHESIS, description, theorem, needs=needs,
                coq=f"Lemma {fid} : {prop}.\n{CHECK}", explain=explain, applies=applies)


def _need_fast(c: FlowARConfig) -> str | None:
    return None if c.fast is not None else "no [fast_attention] table in the config"


def _need_error(c: FlowARConfig) -> str | None:
    return None if c.error is not None else "not evaluated: config has no [error] table"


def _need_derived(c: FlowARConfig) -> str | None:
    if c.error is None:
        return "not evaluated: config has no [error] table"
    return None if c.error.ln_shift_bound is not None else "B is stated (error.qkv_bound)"


def _need_stated(c: FlowARConfig) -> str | None:
    if c.error is None:
        return "not evaluated: config has no [error] table"
    return None if c.error.qkv_bound is not None else "B is derived (error.ln_shift_bound)"


def _err(c: FlowARConfig, what: str) -> str:
    """The stated value of an [error] constant, for an ASSUMED fact's reason."""
    e = c.error
    if e is None:
        return ""
    return {"W": f"stated: W = {e.weight_bound}", "sigma": f"stated: σ = {e.std_floor}",
            "B": f"stated: B = {e.qkv_bound}", "shift": f"stated: b_LN = {e.ln_shift_bound}"}[what]


def dyadic_text(m: int, e: int) -> str:
    """The dyadic m·2^e (m ≥ 0) Coq computed, as a decimal rounded UP to 3 significant digits
    (so the printed number is still an upper bound); beyond 10^±300 as 10^x with x rounded up
    to 4 decimals.  Formatting only: the value is Coq's."""
    if m <= 0:
        return "0"
    lg = math.log10(m) + e * math.log10(2)
    if abs(lg) > 300:
        return f"10^{math.ceil(lg * 10**4 + 1) / 10**4:.4f}"
    x = Fraction(m) * Fraction(2) ** e
    k = math.floor(lg)
    while x >= Fraction(10) ** (k + 1):
        k += 1
    while x < Fraction(10) ** k:
        k -= 1
    lead = math.ceil(x / Fraction(10) ** (k - 2))  # 100 ≤ lead ≤ 1000
    if lead >= 1000:
        lead, k = 100, k + 1
    return f"{lead // 100}.{lead % 100:02d}·10^{k}"


def _need_target(c: FlowARConfig) -> str | None:
    if c.fast is None:
        return "no [fast_attention] table in the config"
    return None if c.fast.target_error_exp is not None else "taylor_degree given, not a target"


MAIN = "FlowARProofs.Main"
TC0 = f"{MAIN}.flowar_in_TC0"
VAR_TC0 = f"{MAIN}.var_in_TC0"
DEPTH_GE = f"{MAIN}.flowar_circuit_depth_ge"
RESOLUTION = "FlowARProofs.Pipeline.Resolution"
DEPTHW = "FlowARProofs.Witnesses.Depth"
RUNTIME_W = "FlowARProofs.Witnesses.Runtime"
FAST_W = "FlowARProofs.Witnesses.Fast"
FAST_THM = "FlowARProofs.Runtime.Fast.fast_flowar_work_n2"
FAST_RANK = "FlowARProofs.Runtime.FastRank"
FAST = "FlowARProofs.Runtime.Fast"
EXACT = "FlowARProofs.Runtime.Exact"
KV = "FlowARProofs.Runtime.KVCache"
KVP = "FlowARProofs.Runtime.KVPipeline"
KVPC = "FlowARProofs.Runtime.KVPipelineCost"
EXACT_THETA = "FlowARProofs.Runtime.ExactTheta"
#: The whole-pipeline fast-vs-exact error bound (docs/error.md), evaluated for a config's
#: `[error]` table (W, σ, B or the LayerNorm shift bound, g) by the sound dyadic evaluator
#: Error/PipelineDyadic.v.  Every name a fact needs must exist in the built library or be in
#: PLANNED (tests check this against the .glob files); nothing is planned now.
ERROR_BOUND = "FlowARProofs.Error.PipelineError.fast_flowar_error"
PDY = "FlowARProofs.Error.PipelineDyadic"
FLOORS_BOUND = "FlowARProofs.Main.fast_flowar_error_of_floors"
#: the conclusion of both error-bound facts: ‖fast − exact‖∞ of the last scale ≤ the dyadic bound
_ERROR_CONCLUSION = f"""  Rdefinitions.Rle
    (FlowARProofs.Error.Lipschitz.dinf (tok cfg (K cfg - 1)) (ch cfg)
       (FlowARProofs.Error.RealPipeline.rflowar_fast err_g cfg G)
       (FlowARProofs.Error.RealPipeline.rflowar_exact cfg G))
    (FlowARProofs.Error.Dyadic.dval ({PDY}.dflowar_bound cfg err_g err_B err_sigma err_W))."""
PLANNED: frozenset[str] = frozenset()

_TERMS = "(flowar_depth_terms (N.of_nat (K cfg)) (N.of_nat (L cfg)) (N.of_nat (Lf cfg)) " \
         "(N.of_nat (T cfg)))"
_FAMILY = "flowar_family P (fun _ => prec) (at_side cfg)"
_SIDE_N = "N.of_nat (side cfg (K cfg - 1))"
_LOGN = "(Nat.log2 (side cfg (K cfg - 1)) + 1)"


#: Not rows, because they cannot fail (a row must be a check that can): 1 ≤ K (latent.scales is
#: non-empty), c ≥ 1 (latent.channels ≥ 1), s0 ≥ 1 (every side ≥ 1) and FFN ≥ 1 (ar.ffn_width
#: ≥ 1) are guaranteed by validation (config.parse_config), a ≥ 1 by coverage (a config whose
#: scales are not s0·a^i is "not covered" and rendered not at all; s0·a ≥ 1 gives a ≥ 1). The
#: theorems' proofs re-check them by computation (`check_fact`), so a config that broke them
#: would fail the theorem's row, not pass unchecked. The released table does the same
#: (released.py).
_GUARANTEED_AT_SIDE = """\
  (* guaranteed by the schema and coverage (see _GUARANTEED_AT_SIDE in facts.py) *)
  assert (HK1 : 1 <= K cfg) by check_fact. assert (Ha1 : 1 <= a cfg) by check_fact.
  assert (Hc1 : 1 <= ch cfg) by check_fact."""


def _depth_display(v: Mapping[str, int]) -> str:
    return (f"{v['depth_std']}·d_std + {v['depth_sum']}·d_⊕ + {v['depth_exp']}·d_exp + "
            f"{v['depth_sqrt']}·d_sqrt + {v['depth_const']}")


FACTS: tuple[Fact, ...] = (
    # ---- hypotheses of flowar_in_TC0 for the family "this config at every first side m" that
    # a config can violate (1 ≤ K, a ≥ 1, c ≥ 1, s0 ≥ 1, FFN ≥ 1 are not rows: see
    # _GUARANTEED_AT_SIDE)
    _hyp("hyp_scales_le_K0", "K ≤ K0, the theorem's constant number of scales", TC0,
         "K cfg <= K0", lambda c: f"K = {c.K}, K0 = bounds.max_scales = {c.max_scales}"),
    _hyp("hyp_layers_le_L0", "AR layers L ≤ L0", TC0, "L cfg <= L0",
         lambda c: f"L = {c.layers}, L0 = bounds.max_layers = {c.max_layers}"),
    _hyp("hyp_flow_layers_le_Lf0", "flow-head layers Lf ≤ Lf0", TC0, "Lf cfg <= Lf0",
         lambda c: f"Lf = {c.flow_layers}, Lf0 = bounds.max_flow_layers = {c.max_flow_layers}"),
    _hyp("hyp_euler_le_T0", "Euler updates T ≤ T0", TC0, "T cfg <= T0",
         lambda c: f"T = {c.euler_updates}, T0 = bounds.max_euler_updates = "
                   f"{c.max_euler_updates}"),
    # ---- the headline theorems, instantiated
    Fact(
        "thm_flowar_in_TC0", THEOREM,
        "this architecture at every first side m is in TC0 (depth ≤ flowar_depth P K0 L0 Lf0 "
        "T0, size ≤ flowar_size_coef·(m+1)^flowar_size_exp) and computes float FlowAR",
        TC0, needs=(TC0, f"{RESOLUTION}.at_side_hyps",
                    "FlowARProofs.Pipeline.FlowARTC0.flowar_size_coef",
                    "FlowARProofs.Pipeline.FlowARTC0.flowar_family"),
        requires=("hyp_scales_le_K0", "hyp_layers_le_L0", "hyp_flow_layers_le_Lf0",
                  "hyp_euler_le_T0"),
        coq=f"""Theorem thm_flowar_in_TC0 (P : FloatPrimitivesTC0) :
  let F := {_FAMILY} in
  InTC0 F
  /\\ (forall m, depth (fam_circ F m) <= flowar_depth P K0 L0 Lf0 T0)
  /\\ PolyBoundedWith (fun m => size (fam_circ F m))
       (flowar_size_coef P K0 L0 Lf0 T0 prec (dimB (at_side cfg 1))) (flowar_size_exp P 0 2)
  /\\ (forall m (G : list flt), length G = glen (at_side cfg m) -> all_valid prec G ->
        eval (fam_circ F m) (encs prec G)
        = encs prec (flat (tok (at_side cfg m) (K (at_side cfg m) - 1)) (ch cfg)
                          (flowar_float P prec (at_side cfg m) G))).
Proof.
{_GUARANTEED_AT_SIDE}
  destruct (at_side_hyps cfg prec HK1 Ha1 Hc1) as (HK & _ & _ & _ & Hs & Hc & Hp & Hd).
  exact (flowar_in_TC0 P (fun _ => prec) (at_side cfg) K0 L0 Lf0 T0 prec 0
           (dimB (at_side cfg 1)) 2
           (fun m => conj (proj1 (HK m)) hyp_scales_le_K0) (fun m => hyp_layers_le_L0)
           (fun m => hyp_flow_layers_le_Lf0) (fun m => hyp_euler_le_T0) Hs Hc Hp Hd).
Qed.""",
        evals=(Eval("dim_bound", "N.of_nat (dimB (at_side cfg 1))",
                    f"{RESOLUTION}.at_side_dims_poly"),),
        display=lambda v: f"dimensions ≤ {v['dim_bound']}·(m+1)²",
    ),
    Fact(
        "thm_var_in_TC0", THEOREM,
        "VAR (the same pipeline with a linear head) at every first side m is in TC0",
        VAR_TC0, needs=(VAR_TC0, f"{RESOLUTION}.at_side_hyps",
                        "FlowARProofs.Pipeline.VAR.var_family"),
        requires=("hyp_scales_le_K0", "hyp_layers_le_L0"),
        coq=f"""Theorem thm_var_in_TC0 (P : FloatPrimitivesTC0) :
  let F := var_family P (fun _ => prec) (at_side cfg) in
  InTC0 F /\\ (forall m, depth (fam_circ F m) <= var_depth P K0 L0).
Proof.
{_GUARANTEED_AT_SIDE}
  destruct (at_side_hyps cfg prec HK1 Ha1 Hc1) as (HK & _ & _ & _ & Hs & Hc & Hp & Hd).
  destruct (var_in_TC0 P (fun _ => prec) (at_side cfg) K0 L0 prec 0 (dimB (at_side cfg 1)) 2
              (fun m => conj (proj1 (HK m)) hyp_scales_le_K0) (fun m => hyp_layers_le_L0)
              Hs Hc Hp Hd) as (H1 & H2 & _).
  split; [exact H1|exact H2].
Qed.""",
    ),
    # ---- values
    Fact(
        "val_depth_bounds", VALUE,
        "circuit depth of this config: K·2·(L + T·Lf) ≤ depth ≤ K·scale_depth, the upper "
        "bound as a polynomial in the trust record's depth constants",
        DEPTH_GE, needs=(DEPTH_GE, f"{DEPTHW}.flowar_depth_as_terms",
                         "FlowARProofs.Pipeline.FlowARTC0.flowar_family"),

        coq=f"""Lemma val_depth_bounds (P : FloatPrimitivesTC0) :
  K cfg * (2 * (L cfg + T cfg * Lf cfg))
  <= depth (fam_circ ({_FAMILY}) (s0 cfg))
  <= K cfg * scale_depth P (L cfg) (Lf cfg) (T cfg)
  /\\ N.of_nat (K cfg * scale_depth P (L cfg) (Lf cfg) (T cfg)) = eval_terms P {_TERMS}.
Proof.
  (* guaranteed by the schema (latent.scales are sides >= 1, ar.ffn_width >= 1), and a >= 1
     by coverage (see _GUARANTEED_AT_SIDE) *)
  assert (Hs1 : 1 <= s0 cfg) by check_fact. assert (Ha1 : 1 <= a cfg) by check_fact.
  assert (Hf1 : 1 <= ldff (LD cfg)) by check_fact.
  split.
  - exact (flowar_circuit_depth_ge P (fun _ => prec) (at_side cfg) (s0 cfg) Hs1 Ha1 Hf1).
  - exact (flowar_depth_as_terms P (K cfg) (L cfg) (Lf cfg) (T cfg)).
Qed.""",
        evals=(
            Eval("depth_lower", "N.of_nat (K cfg * (2 * (L cfg + T cfg * Lf cfg)))",
                 DEPTH_GE),
            Eval("depth_std", f"t_std {_TERMS}", f"{DEPTHW}.flowar_depth_terms"),
            Eval("depth_sum", f"t_sum {_TERMS}", f"{DEPTHW}.flowar_depth_terms"),
            Eval("depth_exp", f"t_exp {_TERMS}", f"{DEPTHW}.flowar_depth_terms"),
            Eval("depth_sqrt", f"t_sqrt {_TERMS}", f"{DEPTHW}.flowar_depth_terms"),
            Eval("depth_const", f"t_const {_TERMS}", f"{DEPTHW}.flowar_depth_terms"),
        ),
        display=lambda v: f"{v['depth_lower']} ≤ depth ≤ {_depth_display(v)}",
    ),
    Fact(
        "val_size_shape", VALUE,
        "size bound: size ≤ tc0_coef P D prec c · (m+1)^(tc0_exp P 0 8) with shape "
        "coefficient c = shape_coef K0 L0 Lf0 T0 · b⁴ (b = the dimension bound)",
        TC0, needs=(f"{RESOLUTION}.shape_coefN_of",),
        coq="""Lemma val_size_shape :
  N.of_nat (shape_coef K0 L0 Lf0 T0 * dimB (at_side cfg 1) ^ 4)
  = (shape_coefN (N.of_nat K0) (N.of_nat L0) (N.of_nat Lf0) (N.of_nat T0)
     * N.of_nat (dimB (at_side cfg 1)) ^ 4)%N.
Proof. apply shape_coefN_of. Qed.""",
        evals=(Eval("size_shape_coef",
                    "(shape_coefN (N.of_nat K0) (N.of_nat L0) (N.of_nat Lf0) (N.of_nat T0) "
                    "* N.of_nat (dimB (at_side cfg 1)) ^ 4)%N",
                    f"{RESOLUTION}.shape_coefN"),),
        display=lambda v: f"c = {v['size_shape_coef']}",
    ),
    Fact(
        "val_exact_work", VALUE,
        "exact inference work (scalar operations of the program), in all and by kind",
        f"{RUNTIME_W}.runtime_witness_spec",
        needs=(f"{RUNTIME_W}.runtime_witness", f"{RUNTIME_W}.runtime_witness_spec",
               "FlowARProofs.IR.Work.work_by_kind"),
        modules=(RUNTIME_W, "FlowARProofs.IR.Work"),
        coq=f"""Lemma val_exact_work :
  let w := {RUNTIME_W}.runtime_witness cfg in
  let W := FlowARProofs.IR.Work.work in
  let Wk := FlowARProofs.IR.Work.work_by_kind in
  N.of_nat (W (flowar_prog prec cfg)) = {RUNTIME_W}.w_total w
  /\\ N.of_nat (Wk FlowARProofs.IR.Work.KAdd (flowar_prog prec cfg)) = {RUNTIME_W}.w_add w
  /\\ N.of_nat (Wk FlowARProofs.IR.Work.KMul (flowar_prog prec cfg)) = {RUNTIME_W}.w_mul w
  /\\ N.of_nat (Wk FlowARProofs.IR.Work.KDiv (flowar_prog prec cfg)) = {RUNTIME_W}.w_div w
  /\\ N.of_nat (Wk FlowARProofs.IR.Work.KCmp (flowar_prog prec cfg)) = {RUNTIME_W}.w_cmp w
  /\\ N.of_nat (Wk FlowARProofs.IR.Work.KExp (flowar_prog prec cfg)) = {RUNTIME_W}.w_exp w
  /\\ N.of_nat (Wk FlowARProofs.IR.Work.KSqrt (flowar_prog prec cfg)) = {RUNTIME_W}.w_sqrt w
  /\\ {RUNTIME_W}.w_total w
     = ({RUNTIME_W}.w_ar_attn w + {RUNTIME_W}.w_fh_attn w + {RUNTIME_W}.w_rest w)%N
  /\\ N.of_nat (W (var_prog prec cfg)) = {RUNTIME_W}.w_var w.
Proof. exact ({RUNTIME_W}.runtime_witness_spec prec cfg). Qed.""",
        evals=tuple(Eval(f"work_{k}", f"{RUNTIME_W}.w_{k} ({RUNTIME_W}.runtime_witness cfg)",
                         f"{RUNTIME_W}.runtime_witness")
                    for k in ("total", "add", "mul", "div", "cmp", "exp", "sqrt", "ar_attn",
                              "fh_attn", "rest", "var")),
        display=lambda v: (f"{v['work_total']} ops ({v['work_add']} add, {v['work_mul']} mul, "
                           f"{v['work_div']} div, {v['work_cmp']} cmp, {v['work_exp']} exp, "
                           f"{v['work_sqrt']} sqrt; attention: AR {v['work_ar_attn']}, flow "
                           f"head {v['work_fh_attn']}); VAR {v['work_var']}"),
    ),
    Fact(
        "val_kv_cached_cost", VALUE,
        "KV-cached inference work: the scalar operations of the cached program "
        "flowar_cached_prog (which computes flowar_float, flowar_cached_prog_correct) = the "
        "closed form flowar_cached_cost (AR attention of the new rows against the cache + "
        "flow-head attention + the rest)",
        f"{KVPC}.flowar_cached_work",
        needs=(f"{KV}.flowar_cached_cost", f"{KV}.flowar_cached_cost_split",
               f"{KV}.flowar_cached_cost_theta", f"{KV}.kv_ar_attn", f"{KV}.kv_rest",
               f"{EXACT_THETA}.fh_attn", f"{KVP}.flowar_cached_prog",
               f"{KVP}.flowar_cached_prog_correct", f"{KVPC}.flowar_cached_work"),
        modules=(KV, KVP, KVPC, EXACT_THETA, "FlowARProofs.IR.Work"),
        coq=f"""Lemma val_kv_cached_cost :
  N.of_nat (FlowARProofs.IR.Work.work ({KVP}.flowar_cached_prog prec cfg))
  = {KV}.flowar_cached_cost FlowARProofs.IR.Work.unit_cost cfg
  /\\ {KV}.flowar_cached_cost FlowARProofs.IR.Work.unit_cost cfg
  = ({KV}.kv_ar_attn FlowARProofs.IR.Work.unit_cost cfg
     + {EXACT_THETA}.fh_attn FlowARProofs.IR.Work.unit_cost cfg
     + {KV}.kv_rest FlowARProofs.IR.Work.unit_cost cfg)%N.
Proof.
  split; [exact (proj1 ({KVPC}.flowar_cached_work prec cfg))|apply {KV}.flowar_cached_cost_split].
Qed.""",
        evals=tuple(Eval(f"kv_{k}", f"{e} FlowARProofs.IR.Work.unit_cost cfg", e)
                    for k, e in (("cached_cost", f"{KV}.flowar_cached_cost"),
                                 ("ar_attn", f"{KV}.kv_ar_attn"),
                                 ("fh_attn", f"{EXACT_THETA}.fh_attn"),
                                 ("rest", f"{KV}.kv_rest"))),
        display=lambda v: f"{v['kv_cached_cost']} (AR attention {v['kv_ar_attn']}, flow-head "
                          f"attention {v['kv_fh_attn']}, rest {v['kv_rest']})",
    ),
    # ---- fast attention
    _hyp("hyp_fast_schedule", "doubling schedule from 1×1: s0 = 1, a = 2, K = log₂ n + 1",
         FAST_THM, "s0 cfg = 1 /\\ a cfg = 2 /\\ K cfg = Nat.log2 (side cfg (K cfg - 1)) + 1",
         lambda c: f"scales {list(c.scales)}", needs=(FAST_THM,), applies=_need_fast),
    _hyp("hyp_fast_head_dim_log", "head width d_h ≤ C·(log₂ n + 1)", FAST_THM,
         f"ldh (LD cfg) <= fast_C * {_LOGN}",
         lambda c: f"d_h = {c.ar.head_dim}, C = "
                   f"{c.fast.log_constant if c.fast else '?'}, n = {c.scales[-1]}",
         needs=(FAST_THM,), applies=_need_fast),
    _hyp("hyp_fast_dims_log", "width, heads, FFN width, c, L, Lf, T ≤ C·(log₂ n + 1)",
         FAST_THM,
         f"ld (LD cfg) <= fast_C * {_LOGN} /\\ lH (LD cfg) <= fast_C * {_LOGN} "
         f"/\\ ldff (LD cfg) <= fast_C * {_LOGN} /\\ ch cfg <= fast_C * {_LOGN} "
         f"/\\ L cfg <= fast_C * {_LOGN} /\\ Lf cfg <= fast_C * {_LOGN} "
         f"/\\ T cfg <= fast_C * {_LOGN}",
         lambda c: f"C = {c.fast.log_constant if c.fast else '?'}, n = {c.scales[-1]}",
         needs=(FAST_THM,), applies=_need_fast),
    Fact(
        "val_fast_degree", VALUE,
        "Taylor degree g for relative error 1/n^e on the score range β = ⌈scale·d_h·B²⌉ "
        "(meets the "
        "error criterion deg_ok, and is the least such degree), and the rank r = C(d_h + g, g) "
        "= the number of monomials of the feature maps",
        f"{FAST_W}.fast_degree",
        needs=(f"{FAST_W}.fast_degree", f"{FAST_W}.fast_rank", f"{FAST_RANK}.deg_ok",
               f"{FAST_RANK}.taylor_deg_min", f"{FAST_RANK}.taylor_rank"),
        modules=(FAST_W, FAST_RANK), applies=_need_target,
        coq=f"""Lemma val_fast_degree :
  let g := {FAST_W}.fast_degree (ldh (LD cfg)) fast_beta ({_SIDE_N}) fast_ea in
  {FAST_RANK}.deg_ok fast_beta (({_SIDE_N}) ^ fast_ea)%N g = true
  /\\ (forall g', (g' < g)%nat -> {FAST_RANK}.deg_ok fast_beta (({_SIDE_N}) ^ fast_ea)%N g' = false)
  /\\ N.of_nat (length ({FAST_RANK}.taylor_mons (ldh (LD cfg)) g))
     = {FAST_W}.fast_rank (ldh (LD cfg)) fast_beta ({_SIDE_N}) fast_ea.
Proof.
  intros g. split; [|split].
  - vm_compute. reflexivity.
  - intros g' Hg'. apply {FAST_RANK}.taylor_deg_min, Hg'.
  - apply {FAST_RANK}.taylor_rank.
Qed.""",
        evals=(
            Eval("fast_beta", "fast_beta", "FlowARProofs.Error.AttnStability.head_beta"),
            Eval("fast_degree",
                 f"N.of_nat ({FAST_W}.fast_degree (ldh (LD cfg)) fast_beta ({_SIDE_N}) fast_ea)",
                 f"{FAST_W}.fast_degree"),
            Eval("fast_rank", f"{FAST_W}.fast_rank (ldh (LD cfg)) fast_beta ({_SIDE_N}) fast_ea",
                 f"{FAST_W}.fast_rank"),
        ),
        display=lambda v: f"β = {v['fast_beta']}, g = {v['fast_degree']}, "
                          f"r = {v['fast_rank']}",
    ),
    Fact(
        "val_fast_rank_given", VALUE,
        "rank r = C(d_h + g, g) = the number of monomials of the feature maps, for the given "
        "Taylor degree g", f"{FAST_RANK}.taylor_rank", needs=(f"{FAST_RANK}.taylor_rank",),
        modules=(FAST_RANK,),
        applies=lambda c: None if c.fast is not None and c.fast.taylor_degree is not None
        else "no fast_attention.taylor_degree in the config",
        coq=f"""Lemma val_fast_rank_given :
  N.of_nat (length ({FAST_RANK}.taylor_mons (ldh (LD cfg)) fast_g))
  = {FAST_RANK}.rankN (ldh (LD cfg)) fast_g.
Proof. apply {FAST_RANK}.taylor_rank. Qed.""",
        evals=(Eval("fast_rank", f"{FAST_RANK}.rankN (ldh (LD cfg)) fast_g",
                    f"{FAST_RANK}.rankN"),),
        display=lambda v: f"r = {v['fast_rank']}",
    ),
    Fact(
        "val_fast_work", VALUE,
        "Fast FlowAR's work fast_flowar_work at rank r and total monomial degree r·g: the exact "
        "work of the fast pipeline's program (fast_flowar_exact_work) at Dg = r·g, an upper bound "
        "on the Taylor monomials' total degree (per scale: embeddings, L fast layers on all "
        "tokens so far, T Euler steps)",
        f"{FAST}.fast_flowar_exact_work",
        needs=(f"{FAST}.fast_flowar_work", f"{FAST}.fast_scale_cost", f"{EXACT}.nsum",
               f"{FAST}.fast_flowar_exact_work",
               f"{FAST_W}.fast_degree", f"{FAST_W}.fast_rank"),
        modules=(FAST, FAST_W, EXACT), applies=_need_target,
        coq=f"""Lemma val_fast_work :
  let g := {FAST_W}.fast_degree (ldh (LD cfg)) fast_beta ({_SIDE_N}) fast_ea in
  let r := {FAST_W}.fast_rank (ldh (LD cfg)) fast_beta ({_SIDE_N}) fast_ea in
  {FAST}.fast_flowar_work cfg r (r * N.of_nat g)%N
  = {EXACT}.nsum ({FAST}.fast_scale_cost cfg r (r * N.of_nat g)%N) (K cfg).
Proof. reflexivity. Qed.""",
        evals=(Eval("fast_work",
                    f"let g := {FAST_W}.fast_degree (ldh (LD cfg)) fast_beta ({_SIDE_N}) fast_ea "
                    f"in let r := {FAST_W}.fast_rank (ldh (LD cfg)) fast_beta ({_SIDE_N}) "
                    f"fast_ea in {FAST}.fast_flowar_work cfg r (r * N.of_nat g)%N",
                    f"{FAST}.fast_flowar_work"),),
        display=lambda v: f"= {v['fast_work']}",
    ),
    # ---- the error bound, for the constants of the [error] table
    Fact(
        "hyp_error_eps_half", HYPOTHESIS,
        "ε_T(g, β) ≤ ½ at the score range β = scale·d_h·B² (a hypothesis of fast_flowar_error, "
        "in tf_weights_ok / fh_weights_ok), decided by a dyadic upper bound of "
        "β^{g+1}/(g+1)!·3^⌈2β⌉ ≤ 2^-1 (eps_half_checked; sufficient, not necessary)",
        ERROR_BOUND, needs=(ERROR_BOUND, f"{PDY}.eps_half_checked", f"{PDY}.deps"),
        modules=(PDY,), applies=_need_error,
        explain=lambda c: (f"g = {c.error.taylor_degree}; a false test means g is too small "
                           "for this β (raise error.taylor_degree)" if c.error else ""),
        coq=f"""Lemma hyp_error_eps_half :
  Rdefinitions.Rle
    (FlowARProofs.Error.Taylor.eps_T err_g
       (FlowARProofs.Error.PipelineError.flowar_beta cfg (Rdefinitions.Q2R err_B)))
    (Rdefinitions.Rdiv (Rdefinitions.IZR 1%Z) (Rdefinitions.IZR 2%Z)).
Proof.
  apply ({PDY}.eps_half_checked cfg err_g err_B err_sigma err_W); vm_compute; reflexivity.
Qed.""",
    ),
    Fact(
        "val_error_bound", VALUE,
        "‖fast − exact‖∞ of the last scale's output over R, for every weight vector G "
        "satisfying pipe_hyps at the [error] table's g, B, σ, W (fast_flowar_error): at most "
        "the sound dyadic upper bound dflowar_bound (flowar_err_bound_le_dy_checked)",
        ERROR_BOUND,
        needs=(ERROR_BOUND, f"{PDY}.dflowar_bound", f"{PDY}.flowar_err_bound_le_dy_checked"),
        modules=(PDY,), applies=_need_error, requires=("hyp_error_eps_half",),
        coq=f"""Lemma val_error_bound :
  forall G : list Rdefinitions.R,
  FlowARProofs.Error.PipelineError.pipe_hyps cfg G err_g (Rdefinitions.Q2R err_B)
    (Rdefinitions.Q2R err_sigma) (Rdefinitions.Q2R err_W) ->
{_ERROR_CONCLUSION}
Proof.
  intros G Hh. eapply RIneq.Rle_trans; [exact (fast_flowar_error cfg G err_g _ _ _ Hh)|].
  apply {PDY}.flowar_err_bound_le_dy_checked. vm_compute. reflexivity.
Qed.""",
        evals=(
            Eval("error_bound_mantissa",
                 f"FlowARProofs.Error.Dyadic.dm ({PDY}.dflowar_bound cfg err_g err_B err_sigma "
                 "err_W)", f"{PDY}.dflowar_bound"),
            Eval("error_bound_exponent",
                 f"FlowARProofs.Error.Dyadic.de ({PDY}.dflowar_bound cfg err_g err_B err_sigma "
                 "err_W)", f"{PDY}.dflowar_bound"),
            Eval("error_B_num", "QArith_base.Qnum err_B", f"{PDY}.qkv_Q"),
            Eval("error_B_den", "Zpos (QArith_base.Qden err_B)", f"{PDY}.qkv_Q"),
            Eval("error_beta_num", "QArith_base.Qnum (FlowARProofs.Error.PipelineBound.qbeta "
                 "cfg err_B)", "FlowARProofs.Error.PipelineBound.qbeta"),
            Eval("error_beta_den", "Zpos (QArith_base.Qden (FlowARProofs.Error.PipelineBound."
                 "qbeta cfg err_B))", "FlowARProofs.Error.PipelineBound.qbeta"),
        ),
        display=lambda v: (f"≤ {dyadic_text(v['error_bound_mantissa'], v['error_bound_exponent'])}"
                           f" (= {v['error_bound_mantissa']}·2^{v['error_bound_exponent']}; "
                           f"B = {Fraction(v['error_B_num'], v['error_B_den'])}, "
                           f"β = {Fraction(v['error_beta_num'], v['error_beta_den'])})"),
    ),
    Fact(
        "val_error_qkv_derived", VALUE,
        "B derived from the weight bounds (ActBounds.qkv_of_floor, tf_ok_of_floors, "
        "stack_ok_of_floors): |q|, |k|, |v| ≤ qkv_B W b_LN r = W(W·r + b_LN) with r = ⌈√d⌉ ≥ √d, "
        "given ‖W_Q‖, ‖W_K‖, ‖W_V‖, |γ₁| ≤ W, LayerNorm shifts |b| ≤ b_LN and the variance floor",
        "FlowARProofs.Error.ActBounds.qkv_of_floor",
        needs=("FlowARProofs.Error.ActBounds.qkv_of_floor", f"{PDY}.sqrt_le_qsqrt_up",
               f"{PDY}.Q2R_qkv_Q"),
        modules=(PDY, "FlowARProofs.Error.ActBounds"), applies=_need_derived,
        coq=f"""Lemma val_error_qkv_derived :
  Rdefinitions.Rle (R_sqrt.sqrt (Raxioms.INR (dm cfg))) (Rdefinitions.Q2R err_r)
  /\\ FlowARProofs.Error.ActBounds.qkv_B (Rdefinitions.Q2R err_W) (Rdefinitions.Q2R err_bl)
       (Rdefinitions.Q2R err_r)
     = Rdefinitions.Q2R err_B.
Proof.
  split; [apply {PDY}.sqrt_le_qsqrt_up|symmetry; apply {PDY}.Q2R_qkv_Q].
Qed.""",
        evals=(Eval("error_r", "QArith_base.Qnum err_r", f"{PDY}.qsqrt_up"),),
        display=lambda v: f"r = ⌈√d⌉ = {v['error_r']}",
    ),
    Fact(
        "val_error_bound_floors", VALUE,
        "the same bound with B derived, not assumed: for every weight vector G whose weights "
        "meet the weight bounds at W (pipe_weights_ok), whose LayerNorm shifts are at most b_LN "
        "(pipe_bias_ok) and whose LayerNorm inputs meet the variance floor σ at every call "
        "(pipe_floors), ‖fast − exact‖∞ ≤ dflowar_bound at B = W(W·⌈√d⌉ + b_LN) "
        "(Main.fast_flowar_error_of_floors)",
        FLOORS_BOUND,
        needs=(FLOORS_BOUND, f"{PDY}.dflowar_bound", f"{PDY}.flowar_err_bound_le_dy_checked",
               f"{PDY}.Q2R_qkv_Q", f"{PDY}.sqrt_le_qsqrt_up"),
        modules=(PDY, "FlowARProofs.Error.PipelineFloors"), applies=_need_derived,
        requires=("hyp_error_eps_half",),
        coq=f"""Lemma val_error_bound_floors :
  forall (G : list Rdefinitions.R) (bc : Rdefinitions.R),
  FlowARProofs.Error.PipelineFloors.pipe_weights_ok cfg G err_g (Rdefinitions.Q2R err_B)
    (Rdefinitions.Q2R err_sigma) (Rdefinitions.Q2R err_W) ->
  FlowARProofs.Error.PipelineFloors.pipe_bias_ok cfg G (Rdefinitions.Q2R err_bl) bc ->
  FlowARProofs.Error.PipelineFloors.pipe_floors cfg G err_g (Rdefinitions.Q2R err_sigma) ->
{_ERROR_CONCLUSION}
Proof.
  intros G bc Hw Hb Hf.
  assert (HB : Rdefinitions.Q2R err_B = FlowARProofs.Error.ActBounds.qkv_B
                 (Rdefinitions.Q2R err_W) (Rdefinitions.Q2R err_bl) (Rdefinitions.Q2R err_r))
    by apply {PDY}.Q2R_qkv_Q.
  rewrite HB in Hw.
  eapply RIneq.Rle_trans;
    [exact ({FLOORS_BOUND} cfg G err_g _ _ _ bc _ Hw Hb
              ({PDY}.sqrt_le_qsqrt_up (dm cfg)) Hf)|].
  rewrite <- HB. apply {PDY}.flowar_err_bound_le_dy_checked. vm_compute. reflexivity.
Qed.""",
    ),
    Fact("assumed_error_weight_bound", ASSUMED,
         "every weight matrix has ℓ∞ operator norm (largest column ℓ₁ norm, wnorm) ≤ W: W_Q, "
         "W_K, W_V per head, W_O, W₁, W₂ of every layer, MLP_in, MLP_out, the embedding; and "
         "|γ| ≤ W (tf_weights_ok, fh_weights_ok, pipe_hyps)", ERROR_BOUND,
         applies=_need_error, explain=lambda c: _err(c, "W")),
    Fact("assumed_error_variance_floor", ASSUMED,
         "every LayerNorm input row has variance ≥ σ² (var_floor), at every layer of the exact "
         "and the fast run and along the flow head's trajectories (act_ok in pipe_hyps)",
         ERROR_BOUND, applies=_need_error, explain=lambda c: _err(c, "sigma")),
    Fact("assumed_error_qkv_bound", ASSUMED,
         "|q|, |k|, |v| ≤ B at every attention call (qkv_bounded in act_ok)", ERROR_BOUND,
         applies=_need_stated, explain=lambda c: _err(c, "B")),
    Fact("assumed_error_ln_shift", ASSUMED,
         "every LayerNorm shift |b| ≤ b_LN (ActBounds.bias_ok); with the weight bound and the "
         "variance floor it gives |q|, |k|, |v| ≤ B (val_error_qkv_derived)",
         "FlowARProofs.Error.ActBounds.qkv_of_floor", applies=_need_derived,
         explain=lambda c: _err(c, "shift")),
    # ---- what a config cannot decide
    Fact("assumed_entry_bound", ASSUMED,
         "entries of Q and K after normalisation are at most B (a property of the trained "
         "weights and inputs; gives the score range β = scale·d_h·B²)", ERROR_BOUND,
         applies=_need_fast),
    Fact("assumed_variance_floor", ASSUMED,
         "LayerNorm's variance is at least the floor (error propagation through LayerNorm)",
         ERROR_BOUND,
         applies=lambda c: None if c.fast is not None and c.fast.variance_floor is not None
         else "no fast_attention.variance_floor in the config"),
)


def fact_ids() -> list[str]:
    return [f.id for f in FACTS]
