"""FlowAR configuration files (TOML): schema, validation and coverage by the Coq model.

`parse_config(data, source=...)` is pure: it turns the TOML document into a `FlowARConfig` or
raises `BridgeError("<source>: <field>: <reason>")` for the first problem (wrong type, out of
range, unknown key, bad identifier). Only Python `int`s pass the integer checks (no bools, no
floats, no strings), so every number later rendered into Coq is an integer literal produced by
this tool. `coverage_problems(cfg)` lists what the Coq model cannot represent (e.g. a flow head
wider than the AR transformer): the CLI reports those as "not covered" (exit 1).

The schema is documented in docs/configs.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from py_bridge import files
from py_bridge.errors import BridgeError

#: Config names become file names (report/witnesses/<name>.json) and Coq module names
#: (Obligations_<name>): letters, digits and underscores only, starting with a letter.
NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
DESCRIPTION_MAX = 500

# Upper bounds keep every value small enough for Coq's vm_compute on unary `nat`s.
MAX_SCALES = 12
MAX_SIDE = 1024
MAX_TOKENS = 1_500_000
MAX_WIDTH = 65_536
MAX_HEADS = 1_024
MAX_FFN = 262_144
MAX_LAYERS = 1_000
MAX_STEPS = 10_000
MAX_CHANNELS = 4_096
MAX_PRECISION = 4_096
MAX_SMALL = 1_000_000


def geometric_factor(scales: tuple[int, ...]) -> int | None:
    """The up-sampling factor a if the sides are s0·a^i (1 for a single scale), else None."""
    if len(scales) < 2:
        return 1
    s0 = scales[0]
    if scales[1] % s0:
        return None
    a = scales[1] // s0
    return a if all(s == s0 * a ** i for i, s in enumerate(scales)) else None


class ScaleSchedule:
    """The scale schedule of a config of either variant (`latent.scales`): the number of scales
    K, the first side s0, the up-sampling factor a, the token counts s_i²."""

    scales: tuple[int, ...]

    @property
    def K(self) -> int:  # noqa: N802 - the paper's name
        return len(self.scales)

    @property
    def s0(self) -> int:
        return self.scales[0]

    @property
    def factor(self) -> int:
        """The up-sampling factor a (1 with a single scale, where it plays no role); the
        schedule is s0·a^i iff `geometric`."""
        return self.scales[1] // self.scales[0] if len(self.scales) > 1 else 1

    @property
    def geometric(self) -> bool:
        return geometric_factor(self.scales) is not None

    @property
    def tokens(self) -> tuple[int, ...]:
        return tuple(s * s for s in self.scales)


@dataclass(frozen=True)
class LayerShape:
    width: int
    heads: int
    head_dim: int
    ffn_width: int


@dataclass(frozen=True)
class FastAttention:
    entry_bound: int  # B: entries of Q and K after normalisation (an assumption on weights)
    log_constant: int  # C: dimensions <= C * (log2 n + 1)
    target_error_exp: int | None  # relative error 1/n^e ...
    taylor_degree: int | None  # ... or a fixed Taylor degree g
    variance_floor: tuple[int, int] | None  # LayerNorm variance floor num/den (assumed)


@dataclass(frozen=True)
class ErrorBounds:
    """The `[error]` table: the constants of `PipelineError.fast_flowar_error` that a config's
    dimensions do not determine (assumptions about the weights and the activations)."""

    taylor_degree: int  # g
    weight_bound: Fraction  # W: every weight matrix's wnorm (largest column l1 norm), |gamma|
    std_floor: Fraction  # sigma > 0: every LayerNorm input row has variance >= sigma^2
    qkv_bound: Fraction | None  # B: |q|, |k|, |v| <= B at every attention call (stated) ...
    ln_shift_bound: Fraction | None  # ... or derived: B = W(W*ceil(sqrt d) + b_LN) (qkv_of_floor)


@dataclass(frozen=True)
class FlowARConfig(ScaleSchedule):
    name: str
    description: str
    channels: int
    scales: tuple[int, ...]
    ar: LayerShape
    attention_scale: tuple[int, int]
    encoder_layers: int
    decoder_layers: int
    flow: LayerShape
    flow_layers: int
    euler_updates: int
    precision: int
    max_scales: int
    max_layers: int
    max_flow_layers: int
    max_euler_updates: int
    fast: FastAttention | None
    error: ErrorBounds | None = None

    @property
    def layers(self) -> int:
        """AR layers in sequence: encoder + decoder blocks."""
        return self.encoder_layers + self.decoder_layers


# --------------------------------------------------------------------------------------------
# Field readers (pure)


class _Fields:
    """Reads one TOML table, rejecting unknown keys; `prefix` names the table in messages."""

    def __init__(self, table: Mapping[str, Any], prefix: str, source: str,
                 allowed: tuple[str, ...]) -> None:
        self.table, self.prefix, self.source = table, prefix, source
        for key in table:
            if key not in allowed:
                raise self.error(key, "unknown key (allowed: " + ", ".join(allowed) + ")")

    def error(self, key: str, reason: str) -> BridgeError:
        return BridgeError(f"{self.source}: {self.prefix}{key}: {reason}")

    def has(self, key: str) -> bool:
        return key in self.table

    def integer(self, key: str, lo: int, hi: int) -> int:
        if key not in self.table:
            raise self.error(key, "missing (required)")
        return _check_int(self.table[key], lo, hi, lambda r: self.error(key, r))

    def opt_integer(self, key: str, lo: int, hi: int) -> int | None:
        return self.integer(key, lo, hi) if key in self.table else None

    def ratio(self, key: str) -> tuple[int, int] | None:
        if key not in self.table:
            return None
        value = self.table[key]
        if not isinstance(value, list) or len(value) != 2:
            raise self.error(key, f"expected [numerator, denominator] (two integers), "
                                  f"got {_show(value)}")
        num = _check_int(value[0], 0, MAX_SMALL, lambda r: self.error(key, f"numerator {r}"))
        den = _check_int(value[1], 1, MAX_SMALL, lambda r: self.error(key, f"denominator {r}"))
        return num, den

    def table_(self, key: str, *, required: bool = True) -> Mapping[str, Any] | None:
        if key not in self.table:
            if required:
                raise self.error(key, "missing table (required)")
            return None
        value = self.table[key]
        if not isinstance(value, Mapping):
            raise self.error(key, f"expected a table, got {_show(value)}")
        return value


def _show(value: Any) -> str:
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _check_int(value: Any, lo: int, hi: int, err: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and not math.isfinite(value):
            raise err(f"expected an integer, got the float {value!r}")
        raise err(f"expected an integer, got {_show(value)}")
    if value < lo:
        raise err(f"{value} is too small (at least {lo})")
    if value > hi:
        shown = str(value) if len(str(value)) <= 20 else str(value)[:17] + "..."
        raise err(f"{shown} is too large (at most {hi})")
    return value


def _layer(f: _Fields, *, width_key: str = "width") -> LayerShape:
    width = f.integer(width_key, 1, MAX_WIDTH)
    heads = f.integer("heads", 1, MAX_HEADS)
    head_dim = f.opt_integer("head_dim", 1, MAX_WIDTH)
    if head_dim is None:
        if width % heads:
            raise f.error("head_dim", f"missing, and width {width} is not a multiple of "
                                      f"heads {heads} (give head_dim)")
        head_dim = width // heads
    return LayerShape(width, heads, head_dim, f.integer("ffn_width", 1, MAX_FFN))


def parse_header(
    data: Mapping[str, Any], top: _Fields, source: str
) -> tuple[str, str, int, tuple[int, ...]]:
    """The fields every config variant shares: name, description, latent channels and scales
    (validated one by one; bad input raises the one-line BridgeError naming the field)."""
    name = data.get("name")
    if name is None:
        raise top.error("name", "missing (required)")
    if not isinstance(name, str):
        raise top.error("name", f"expected a string, got {_show(name)}")
    if not NAME_RE.fullmatch(name):
        raise top.error("name", f"{name[:40]!r} is not an identifier (letters, digits and "
                                "_, starting with a letter, at most 40 characters)")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise top.error("description", f"expected a string, got {_show(description)}")
    if len(description) > DESCRIPTION_MAX:
        raise top.error("description", f"longer than {DESCRIPTION_MAX} characters")

    latent = _Fields(top.table_("latent") or {}, "latent.", source, ("channels", "scales"))
    channels = latent.integer("channels", 1, MAX_CHANNELS)
    raw_scales = latent.table.get("scales")
    if not isinstance(raw_scales, list) or not raw_scales:
        raise latent.error("scales", "expected a non-empty list of side lengths, got "
                                     + ("nothing" if raw_scales is None else _show(raw_scales)))
    if len(raw_scales) > MAX_SCALES:
        raise latent.error("scales", f"{len(raw_scales)} scales is too many (at most "
                                     f"{MAX_SCALES})")
    scales = tuple(_check_int(v, 1, MAX_SIDE,
                              lambda r, i=i: latent.error(f"scales[{i}]", r))
                   for i, v in enumerate(raw_scales))
    if sum(s * s for s in scales) > MAX_TOKENS:
        raise latent.error("scales", f"{sum(s * s for s in scales)} tokens in all is too "
                                     f"many (at most {MAX_TOKENS})")
    return name, description, channels, scales


def parse_config(data: Mapping[str, Any], *, source: str) -> FlowARConfig:
    """Validate a TOML document (already parsed) into a `FlowARConfig`."""
    top = _Fields(data, "", source, ("name", "description", "latent", "ar", "flow_head",
                                     "sampling", "numerics", "bounds", "fast_attention",
                                     "error"))
    name, description, channels, scales = parse_header(data, top, source)

    ar_f = _Fields(top.table_("ar") or {}, "ar.", source,
                   ("width", "heads", "head_dim", "ffn_width", "encoder_layers",
                    "decoder_layers", "attention_scale"))
    ar = _layer(ar_f)
    enc = ar_f.integer("encoder_layers", 0, MAX_LAYERS)
    dec = ar_f.integer("decoder_layers", 0, MAX_LAYERS)
    if enc + dec == 0:
        raise ar_f.error("decoder_layers", "encoder_layers + decoder_layers is 0 (at least 1)")
    scale = ar_f.ratio("attention_scale")
    if scale is None:
        root = math.isqrt(ar.head_dim)
        if root * root != ar.head_dim:
            raise ar_f.error("attention_scale", f"missing, and 1/sqrt(head_dim) = "
                                                f"1/sqrt({ar.head_dim}) is irrational "
                                                "(give [numerator, denominator])")
        scale = (1, root)

    fh = _Fields(top.table_("flow_head") or {}, "flow_head.", source,
                 ("width", "heads", "head_dim", "ffn_width", "layers"))
    flow = _layer(fh)
    flow_layers = fh.integer("layers", 1, MAX_LAYERS)

    smp = _Fields(top.table_("sampling") or {}, "sampling.", source, ("euler_updates",))
    euler = smp.integer("euler_updates", 1, MAX_STEPS)
    num = _Fields(top.table_("numerics") or {}, "numerics.", source, ("precision",))
    precision = num.integer("precision", 1, MAX_PRECISION)

    bnd = _Fields(top.table_("bounds", required=False) or {}, "bounds.", source,
                  ("max_scales", "max_layers", "max_flow_layers", "max_euler_updates"))
    max_scales = bnd.opt_integer("max_scales", 1, MAX_SCALES)
    max_layers = bnd.opt_integer("max_layers", 1, 2 * MAX_LAYERS)
    max_flow = bnd.opt_integer("max_flow_layers", 1, MAX_LAYERS)
    max_euler = bnd.opt_integer("max_euler_updates", 1, MAX_STEPS)

    fast = None
    fast_table = top.table_("fast_attention", required=False)
    if fast_table is not None:
        fa = _Fields(fast_table, "fast_attention.", source,
                     ("entry_bound", "log_constant", "target_error_exp", "taylor_degree",
                      "variance_floor"))
        target = fa.opt_integer("target_error_exp", 1, 64)
        degree = fa.opt_integer("taylor_degree", 0, 1_000)
        if (target is None) == (degree is None):
            raise fa.error("target_error_exp", "give exactly one of target_error_exp and "
                                               "taylor_degree")
        fast = FastAttention(entry_bound=fa.integer("entry_bound", 1, 1_000),
                             log_constant=fa.integer("log_constant", 1, MAX_SMALL),
                             target_error_exp=target, taylor_degree=degree,
                             variance_floor=fa.ratio("variance_floor"))

    return FlowARConfig(
        name=name, description=description, channels=channels, scales=scales, ar=ar,
        attention_scale=scale, encoder_layers=enc, decoder_layers=dec, flow=flow,
        flow_layers=flow_layers, euler_updates=euler, precision=precision,
        max_scales=len(scales) if max_scales is None else max_scales,
        max_layers=enc + dec if max_layers is None else max_layers,
        max_flow_layers=flow_layers if max_flow is None else max_flow,
        max_euler_updates=euler if max_euler is None else max_euler,
        fast=fast,
        error=_error_table(top.table_("error", required=False), source),
    )


# --------------------------------------------------------------------------------------------
# The [error] table: exact rationals

MAX_TAYLOR_DEGREE = 100_000  # unary nat in Coq; S/L/H need g in the tens of thousands
MAX_RATIONAL = 10**6
MAX_DENOMINATOR = 10**12
_DECIMAL_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_FRACTION_RE = re.compile(r"-?[0-9]+/[0-9]+")


def _rational(f: _Fields, key: str, *, positive: bool) -> Fraction:
    """An exact rational: an integer, a string "p/q" or "0.25" (read exactly), or
    [numerator, denominator]; at least 0 (more than 0 if `positive`), at most MAX_RATIONAL."""
    value = f.table[key]
    if isinstance(value, bool):
        raise f.error(key, f"expected a number, got {_show(value)}")
    if isinstance(value, int):
        q = Fraction(value)
    elif isinstance(value, float):
        raise f.error(key, f"the float {value!r} is not read exactly: write it as a string "
                           f"(\"{value!r}\" or \"p/q\") or as [numerator, denominator]")
    elif isinstance(value, str):
        text = value.strip()
        if not (_DECIMAL_RE.fullmatch(text) or _FRACTION_RE.fullmatch(text)) or len(text) > 40:
            raise f.error(key, f"{value[:40]!r} is not a rational (\"p/q\" or a decimal "
                               "such as \"0.25\")")
        if _FRACTION_RE.fullmatch(text) and int(text.split("/")[1]) == 0:
            raise f.error(key, f"{text!r} has denominator 0")
        q = Fraction(text)
    elif isinstance(value, list):
        if len(value) != 2:
            raise f.error(key, f"expected [numerator, denominator] (two integers), got "
                               f"{_show(value)}")
        num = _check_int(value[0], -MAX_DENOMINATOR, MAX_DENOMINATOR,
                         lambda r: f.error(key, f"numerator {r}"))
        den = _check_int(value[1], 1, MAX_DENOMINATOR,
                         lambda r: f.error(key, f"denominator {r}"))
        q = Fraction(num, den)
    else:
        raise f.error(key, f"expected a number, got {_show(value)}")
    if q < 0 or (positive and q == 0):
        raise f.error(key, f"{q} must be {'> 0' if positive else '>= 0'}")
    if q > MAX_RATIONAL:
        raise f.error(key, f"{q} is too large (at most {MAX_RATIONAL})")
    if q.denominator > MAX_DENOMINATOR:
        raise f.error(key, f"denominator {q.denominator} is too large (at most "
                           f"{MAX_DENOMINATOR})")
    return q


def _error_table(table: Mapping[str, Any] | None, source: str) -> ErrorBounds | None:
    if table is None:
        return None
    er = _Fields(table, "error.", source, ("taylor_degree", "weight_bound", "std_floor",
                                           "qkv_bound", "ln_shift_bound"))
    degree = er.integer("taylor_degree", 0, MAX_TAYLOR_DEGREE)
    for key in ("weight_bound", "std_floor"):
        if not er.has(key):
            raise er.error(key, "missing (required)")
    weight = _rational(er, "weight_bound", positive=False)
    sigma = _rational(er, "std_floor", positive=True)
    if er.has("qkv_bound") == er.has("ln_shift_bound"):
        raise er.error("qkv_bound", "give exactly one of qkv_bound (B, stated) and "
                                    "ln_shift_bound (B derived as W(W*ceil(sqrt d) + b_LN))")
    qkv = _rational(er, "qkv_bound", positive=False) if er.has("qkv_bound") else None
    shift = (_rational(er, "ln_shift_bound", positive=False) if er.has("ln_shift_bound")
             else None)
    return ErrorBounds(degree, weight, sigma, qkv, shift)


def load_config(path: Path) -> FlowARConfig:
    """Read and validate a config file; `BridgeError` naming the path and field otherwise."""
    path = Path(path)
    files.require_file(path, what="config")
    return parse_config(files.read_toml(path, what="config"), source=str(path))


def coverage_problems(cfg: FlowARConfig) -> list[str]:
    """Why the Coq model (Pipeline/FlowAR.v `Config`) cannot represent `cfg`; [] if it can."""
    out: list[str] = []
    if not cfg.geometric:
        out.append(f"latent.scales {list(cfg.scales)} is not a geometric schedule s0*a^i (the "
                   "Coq model's sides are s0*a^i)")
    for field in ("width", "heads", "head_dim", "ffn_width"):
        ar_v, fh_v = getattr(cfg.ar, field), getattr(cfg.flow, field)
        if ar_v != fh_v:
            out.append(f"flow_head.{field} {fh_v} differs from ar.{field} {ar_v} (the Coq "
                       "model ties the flow head's layer shape to the AR transformer's: one "
                       "LDims)")
    return out
