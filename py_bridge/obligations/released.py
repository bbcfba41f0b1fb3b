"""Released FlowAR configurations (`variant = "released"`): schema, validation, fact table.

The released model (docs/deviations.md, "Released FlowAR") has an encoder + decoder of one
block shape, and a flow head of its own shape (`SimpleTransformerAdaLN`: width, heads, SwiGLU
width, blocks, `Block_v1`/`Block_v2`), sampled with the code's 25- or 50-step grid and
classifier-free guidance. `parse_released(data, source=...)` is pure and raises
`BridgeError("<source>: <field>: <reason>")` for the first problem, like `config.parse_config`.

The fact table `RELEASED_FACTS` instantiates what the Coq development proves about the released
pipeline for one config (templates/obligations_released.v.j2 defines `rD : RDims`,
`hd : RFlowDims`, `K s0 a ch Le Ld prec K0 Le0 Ld0 : nat`):
- the hypotheses a config can violate: K ≤ K0, Le ≤ Le0, Ld ≤ Ld0 (`[bounds]`);
- the headline theorem `thm_flowar_released_in_TC0`: `Main.flowar_released_head_in_TC0` (the
  released head `released_head E`) for the family "this config at every first side m"
  (`Witnesses/ReleasedAtSide.rel_at_side`, the released analogue of `Resolution.at_side` that the
  paper configs' `thm_flowar_in_TC0` uses), every hypothesis discharged by `rel_at_side_hyps`:
  InTC0, depth ≤ `flowar_released_depth P E K0 Le0 Ld0 (rhead_depth P E hd)` (its coefficients,
  `released_depth_as_terms`, by `Eval vm_compute`), an explicit size polynomial with dimension
  bound `rel_dimB`·(m+1)², the float semantics, and "the member at m = s0 is this config";
- the depth coefficients of this config itself (`val_released_depth`, at K, Le, Ld).
Exact work and error bound are reported "not yet proved" / "not applicable" with the reason.

Not rows, because they cannot fail (a row must be a check that can): 1 ≤ K, 1 ≤ a, 1 ≤ c are
guaranteed by validation (the theorem's proof re-checks them by computation); the head's token
tables covering every scale (the old `hyp_head_scales`) holds by construction — the released code
builds each scale's RoPE table from the scale's side, so in the family the head's tables are the
scales' (`rel_at_side_ok`), and a config has no table of its own to state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from py_bridge.errors import BridgeError
from py_bridge.obligations.config import (
    MAX_FFN,
    MAX_HEADS,
    MAX_LAYERS,
    MAX_PRECISION,
    MAX_SCALES,
    MAX_WIDTH,
    ScaleSchedule,
    _Fields,
    _show,
    geometric_factor,
    parse_header,
)
from py_bridge.obligations.facts import CHECK, HYPOTHESIS, THEOREM, VALUE, Eval, Fact

VARIANT = "released"
#: Sampler steps the released code's `euler_sampler` grids are defined for (ReleasedSampler.v).
STEPS = {25: "sched25", 50: "sched50"}


@dataclass(frozen=True)
class RBlockShape:
    width: int
    heads: int
    head_dim: int  # even: RoPE rotates pairs (RDims stores rb_hh = head_dim / 2)
    ffn_width: int  # SwiGLU hidden width
    attention_scale: tuple[int, int]


@dataclass(frozen=True)
class ReleasedConfig(ScaleSchedule):
    name: str
    description: str
    channels: int
    scales: tuple[int, ...]
    ar: RBlockShape
    encoder_layers: int
    decoder_layers: int
    flow: RBlockShape
    flow_blocks: int
    cross_attention: bool
    time_embed_width: int
    steps: int
    cfg_scale: tuple[int, int]
    guidance: tuple[int, int]
    precision: int
    max_scales: int
    max_encoder_layers: int
    max_decoder_layers: int


def _block(f: _Fields) -> RBlockShape:
    width = f.integer("width", 1, MAX_WIDTH)
    heads = f.integer("heads", 1, MAX_HEADS)
    head_dim = f.opt_integer("head_dim", 2, MAX_WIDTH)
    if head_dim is None:
        if width % heads:
            raise f.error("head_dim", f"missing, and width {width} is not a multiple of "
                                      f"heads {heads} (give head_dim)")
        head_dim = width // heads
    if head_dim % 2:
        raise f.error("head_dim", f"{head_dim} is odd (RoPE rotates pairs of coordinates)")
    ffn = f.integer("ffn_width", 1, MAX_FFN)
    scale = f.ratio("attention_scale")
    if scale is None:
        root = math.isqrt(head_dim)
        if root * root != head_dim:
            raise f.error("attention_scale", f"missing, and 1/sqrt(head_dim) = 1/sqrt({head_dim})"
                                             " is irrational (give [numerator, denominator])")
        scale = (1, root)
    return RBlockShape(width, heads, head_dim, ffn, scale)


def _bool(f: _Fields, key: str) -> bool:
    if key not in f.table:
        raise f.error(key, "missing (required)")
    value = f.table[key]
    if not isinstance(value, bool):
        raise f.error(key, f"expected true or false, got {_show(value)}")
    return value


def parse_released(data: Mapping[str, Any], *, source: str) -> ReleasedConfig:
    """Validate a `variant = "released"` TOML document into a `ReleasedConfig`."""
    top = _Fields(data, "", source, ("name", "variant", "description", "latent", "ar",
                                     "flow_head", "sampling", "numerics", "bounds"))
    name, description, channels, scales = parse_header(data, top, source)
    latent = _Fields(top.table_("latent") or {}, "latent.", source, ("channels", "scales"))
    if geometric_factor(scales) is None:
        raise latent.error("scales", f"{list(scales)} is not a geometric schedule s0*a^i "
                                     "(the released pipeline's sides are s0*a^i)")

    ar_f = _Fields(top.table_("ar") or {}, "ar.", source,
                   ("width", "heads", "head_dim", "ffn_width", "attention_scale",
                    "encoder_layers", "decoder_layers"))
    ar = _block(ar_f)
    enc = ar_f.integer("encoder_layers", 0, MAX_LAYERS)
    dec = ar_f.integer("decoder_layers", 0, MAX_LAYERS)

    fh = _Fields(top.table_("flow_head") or {}, "flow_head.", source,
                 ("width", "heads", "head_dim", "ffn_width", "attention_scale", "blocks",
                  "cross_attention", "time_embed_width"))
    flow = _block(fh)
    blocks = fh.integer("blocks", 1, MAX_LAYERS)
    cross = _bool(fh, "cross_attention")
    temb = fh.integer("time_embed_width", 2, MAX_WIDTH)
    if temb % 2:
        raise fh.error("time_embed_width", f"{temb} is odd (sin and cos halves)")

    smp = _Fields(top.table_("sampling") or {}, "sampling.", source,
                  ("steps", "cfg_scale", "guidance"))
    steps = smp.integer("steps", 1, 1_000)
    if steps not in STEPS:
        raise smp.error("steps", f"{steps} has no released grid (the released sampler's grids: "
                                 + ", ".join(str(s) for s in STEPS) + ")")
    cfg_scale = smp.ratio("cfg_scale")
    if cfg_scale is None:
        raise smp.error("cfg_scale", "missing (required: [numerator, denominator])")
    guidance = smp.ratio("guidance")
    if guidance is None:
        raise smp.error("guidance", "missing (required: [numerator, denominator])")

    num = _Fields(top.table_("numerics") or {}, "numerics.", source, ("precision",))
    precision = num.integer("precision", 1, MAX_PRECISION)

    bnd = _Fields(top.table_("bounds", required=False) or {}, "bounds.", source,
                  ("max_scales", "max_encoder_layers", "max_decoder_layers"))
    max_scales = bnd.opt_integer("max_scales", 1, MAX_SCALES)
    max_enc = bnd.opt_integer("max_encoder_layers", 0, MAX_LAYERS)
    max_dec = bnd.opt_integer("max_decoder_layers", 0, MAX_LAYERS)

    return ReleasedConfig(
        name=name, description=description, channels=channels, scales=scales, ar=ar,
        encoder_layers=enc, decoder_layers=dec, flow=flow, flow_blocks=blocks,
        cross_attention=cross, time_embed_width=temb, steps=steps, cfg_scale=cfg_scale,
        guidance=guidance, precision=precision,
        max_scales=len(scales) if max_scales is None else max_scales,
        max_encoder_layers=enc if max_enc is None else max_enc,
        max_decoder_layers=dec if max_dec is None else max_dec,
    )


def coq_context(cfg: ReleasedConfig) -> dict[str, Any]:
    """The released template's numbers, each a Coq literal made from a validated int."""
    def n(v: int) -> str:
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise BridgeError(f"internal: {v!r} is not a natural number literal")
        return str(v)

    def dims(b: RBlockShape) -> dict[str, str]:
        return {"d": n(b.width), "H": n(b.heads), "hh": n(b.head_dim // 2),
                "dff": n(b.ffn_width), "sn": n(b.attention_scale[0]),
                "sd": n(b.attention_scale[1])}

    return {"r": {
        "K": n(cfg.K), "s0": n(cfg.s0), "a": n(cfg.factor), "ch": n(cfg.channels),
        "Le": n(cfg.encoder_layers), "Ld": n(cfg.decoder_layers), "prec": n(cfg.precision),
        "K0": n(cfg.max_scales), "Le0": n(cfg.max_encoder_layers),
        "Ld0": n(cfg.max_decoder_layers), "ar": dims(cfg.ar), "fh": dims(cfg.flow),
        "Lf": n(cfg.flow_blocks), "F": n(cfg.time_embed_width),
        "cross": "true" if cfg.cross_attention else "false", "sched": STEPS[cfg.steps],
        "cfg_n": n(cfg.cfg_scale[0]), "cfg_d": n(cfg.cfg_scale[1]),
        "gh_n": n(cfg.guidance[0]), "gh_d": n(cfg.guidance[1]),
        "toks": "; ".join(n(t) for t in cfg.tokens),
    }}


def header(cfg: ReleasedConfig) -> str:
    return (f"released: K = {cfg.K}, scales {list(cfg.scales)}, AR width {cfg.ar.width} "
            f"({cfg.ar.heads} heads of {cfg.ar.head_dim}), Le + Ld = {cfg.encoder_layers} + "
            f"{cfg.decoder_layers}; flow head width {cfg.flow.width} ({cfg.flow.heads} heads of "
            f"{cfg.flow.head_dim}), {cfg.flow_blocks} "
            f"{'Block_v2' if cfg.cross_attention else 'Block_v1'}; {cfg.steps} steps, "
            f"cfg {cfg.cfg_scale[0]}/{cfg.cfg_scale[1]}, guidance "
            f"{cfg.guidance[0]}/{cfg.guidance[1]}; p = {cfg.precision}")


MAIN_THM = "FlowARProofs.Main.flowar_released_in_TC0"
#: The headline theorem for the released head (`flowar_released_in_TC0` at `released_head E`).
HEAD_THM = "FlowARProofs.Main.flowar_released_head_in_TC0"
RDEPTH = "FlowARProofs.Witnesses.ReleasedDepth"
RHEADD = "FlowARProofs.Witnesses.ReleasedHeadDepth"
ATSIDE = "FlowARProofs.Witnesses.ReleasedAtSide"
RTYPING = "FlowARProofs.Pipeline.ReleasedTyping"
RHEAD = "FlowARProofs.Pipeline.ReleasedHead"
#: Modules the released template imports (they must be built).
RELEASED_MODULES = (RDEPTH, RHEADD, RHEAD, RTYPING, ATSIDE,
                    "FlowARProofs.Pipeline.ReleasedSampler",
                    "FlowARProofs.Pipeline.ReleasedTC0", "FlowARProofs.Pipeline.ReleasedHeadShape",
                    "FlowARProofs.Pipeline.ReleasedHeadInst")
_TERMS = "(released_terms (N.of_nat K) (N.of_nat Le) (N.of_nat Ld) hd)"
_TERMS0 = "(released_terms (N.of_nat K0) (N.of_nat Le0) (N.of_nat Ld0) hd)"
_COEFS = (("std", "h_std"), ("sum", "h_sum"), ("exp", "h_exp"), ("sqrt", "h_sqrt"),
          ("max", "h_mx"), ("erf", "h_erf"))
_NEEDS_THM = (HEAD_THM, f"{ATSIDE}.rel_at_side_hyps")


def _rhyp(fid: str, description: str, prop: str, explain: Any) -> Fact:
    return Fact(fid, HYPOTHESIS, description, HEAD_THM, needs=_NEEDS_THM,
                coq=f"Lemma {fid} : {prop}.\n{CHECK}", explain=explain)


def _depth_display(v: Mapping[str, int], key: str = "rdepth") -> str:
    return (f"depth ≤ {v[f'{key}_std']}·d_std + {v[f'{key}_sum']}·d_⊕ + "
            f"{v[f'{key}_exp']}·d_exp + {v[f'{key}_sqrt']}·d_sqrt + "
            f"{v[f'{key}_max']}·max(d_sqrt, d_exp) + {v[f'{key}_erf']}·D_erf")


RELEASED_FACTS: tuple[Fact, ...] = (
    # ---- hypotheses of flowar_released_head_in_TC0 that a config can violate
    _rhyp("hyp_scales_le_K0", "K ≤ K0, the theorem's constant number of scales", "K <= K0",
          lambda c: f"K = {c.K}, K0 = bounds.max_scales = {c.max_scales}"),
    _rhyp("hyp_encoder_le_Le0", "encoder blocks Le ≤ Le0", "Le <= Le0",
          lambda c: f"Le = {c.encoder_layers}, Le0 = bounds.max_encoder_layers = "
                    f"{c.max_encoder_layers}"),
    _rhyp("hyp_decoder_le_Ld0", "decoder blocks Ld ≤ Ld0", "Ld <= Ld0",
          lambda c: f"Ld = {c.decoder_layers}, Ld0 = bounds.max_decoder_layers = "
                    f"{c.max_decoder_layers}"),
    # ---- the headline theorem, for this config at every first side m
    Fact(
        "thm_flowar_released_in_TC0", THEOREM,
        "the released pipeline with this config's AR side and flow head at every first side "
        "m (sides m·a^i; the head's RoPE tables those of the scales, as the released code "
        "builds them) is in TC0 (depth ≤ flowar_released_depth P E K0 Le0 Ld0 (rhead_depth P "
        "E hd), size ≤ released_size_coef·(m+1)^released_size_exp with dimensions ≤ "
        "b·(m+1)²), computes flowar_released_float, and is this config at m = s0",
        HEAD_THM, needs=(HEAD_THM, f"{ATSIDE}.rel_at_side_hyps", f"{ATSIDE}.rel_at_side",
                         f"{ATSIDE}.rel_at_side_s0", f"{ATSIDE}.list_nat_eqb_eq",
                         f"{ATSIDE}.rel_dimB",
                         f"{RDEPTH}.released_depth_as_terms",
                         "FlowARProofs.Pipeline.ReleasedTC0.flowar_released_family"),
        requires=("hyp_scales_le_K0", "hyp_encoder_le_Le0", "hyp_decoder_le_Ld0"),
        coq=f"""Theorem thm_flowar_released_in_TC0 (P : FloatPrimitivesTC0) (E : ErfImpl) :
  let cfgs := rel_at_side E K a ch rD Le Ld hd in
  let F := flowar_released_family P E (fun _ => prec) cfgs in
  InTC0 F
  /\\ (forall m, depth (fam_circ F m) <= flowar_released_depth P E K0 Le0 Ld0 (rhead_depth P E hd))
  /\\ PolyBoundedWith (fun m => size (fam_circ F m))
       (released_size_coef P E K0 Le0 Ld0 (rhead_depth P E hd) (rhead_coef E hd) prec
          (rel_dimB K a ch rD hd))
       (released_size_exp P 0 2)
  /\\ (forall m (G : list flt), length G = rglen (cfgs m) -> all_valid prec G ->
        eval (fam_circ F m) (encs prec G)
        = encs prec (flat (rtok (cfgs m) (rK (cfgs m) - 1)) (rch (cfgs m))
                          (flowar_released_float P E prec (cfgs m) G)))
  /\\ N.of_nat (flowar_released_depth P E K0 Le0 Ld0 (rhead_depth P E hd))
     = eval_head_terms P E {_TERMS0}
  /\\ cfgs s0 = Build_RConfig (released_head E) K s0 a ch rD Le Ld hd.
Proof.
  intros cfgs F.
  (* guaranteed by the schema (latent.scales non-empty and geometric, latent.channels >= 1) *)
  assert (HK1 : 1 <= K) by check_fact. assert (Ha1 : 1 <= a) by check_fact.
  assert (Hc1 : 1 <= ch) by check_fact.
  destruct (rel_at_side_hyps P E K a ch rD Le Ld hd prec K0 Le0 Ld0 HK1
              hyp_scales_le_K0 hyp_encoder_le_Le0 hyp_decoder_le_Ld0 Ha1 Hc1)
    as (HK & HLe & HLd & Ha & HDh & HCh & Hok & Hside & Hch & Hp & Hd).
  destruct (flowar_released_head_in_TC0 P E (fun _ => prec) cfgs K0 Le0 Ld0 _ _ prec 0 _ 2
              HK HLe HLd Ha HDh HCh Hok Hside Hch Hp Hd) as (H1 & H2 & H3 & H4).
  split; [exact H1|]. split; [exact H2|]. split; [exact H3|]. split; [exact H4|].
  split; [exact (released_depth_as_terms P E K0 Le0 Ld0 hd)|].
  apply rel_at_side_s0, list_nat_eqb_eq. vm_compute. reflexivity.
Qed.""",
        evals=(*(Eval(f"thm_depth_{k}", f"{f} {_TERMS0}", f"{RDEPTH}.released_terms")
                 for k, f in _COEFS),
               Eval("dim_bound", "N.of_nat (rel_dimB K a ch rD hd)", f"{ATSIDE}.rel_dimB")),
        display=lambda v: (_depth_display(v, "thm_depth")
                           + f"; dimensions ≤ {v['dim_bound']}·(m+1)²"),
    ),
    # ---- values
    Fact(
        "val_released_depth", VALUE,
        "depth bound of the released pipeline for this config, K·(rpass_depth P E Le Ld + "
        "rhead_depth P E hd), as coefficients of the trust record's depth constants and erf's "
        "depth", f"{RDEPTH}.released_depth_as_terms",
        needs=(f"{RDEPTH}.released_depth_as_terms", f"{RDEPTH}.released_terms",
               f"{RTYPING}.flowar_released_depth", f"{RHEAD}.rhead_depth"),
        coq=f"""Lemma val_released_depth (P : FloatPrimitivesTC0) (E : ErfImpl) :
  N.of_nat (flowar_released_depth P E K Le Ld (rhead_depth P E hd))
  = eval_head_terms P E {_TERMS}.
Proof. exact (released_depth_as_terms P E K Le Ld hd). Qed.""",
        evals=tuple(Eval(f"rdepth_{k}", f"{f} {_TERMS}", f"{RDEPTH}.released_terms")
                    for k, f in _COEFS),
        display=_depth_display,
    ),
    Fact("val_exact_work", VALUE, "exact inference work of the released pipeline for this "
         "config", "FlowARProofs.Witnesses.ReleasedARWork.rw_ar_values",
         needs=("FlowARProofs.Witnesses.ReleasedARWork.rw_ar_values",),
         pending="the released work is evaluated for tiny witness configs only "
                 "(Witnesses/ReleasedARWork.v), not per config"),
    Fact("val_error_bound", VALUE, "‖fast − exact‖∞ error bound (no fast released variant)",
         "FlowARProofs.Error.PipelineError.fast_flowar_error",
         needs=("FlowARProofs.Error.PipelineError.fast_flowar_error",),
         applies=lambda c: "the fast-attention error theorem is about the paper's model only"),
)
