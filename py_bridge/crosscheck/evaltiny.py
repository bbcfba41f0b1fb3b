"""Coq's evaluation of the float semantics on a tiny config = the numpy model, bit for bit.

Data flow (pure functions, I/O at the edges):

1. ``tiny_eval_config`` and the model's seeded ``init_weights`` / ``init_noise`` give the
   inputs; ``g_vector`` lays them out as Coq's input vector ``G`` (Pipeline/FlowAR.v:
   condition, noises, embedding, AR layers, flow head; Layer.v's per-layer layout).
2. ``render_coq`` writes EvalTiny.v (templates/EvalTiny.v.j2): the floats of ``G`` as
   literals ``Flt m e``, a proof that the evaluated program equals
   ``flowar_float fns_c 53 cfg G``, and ``Eval vm_compute`` of it; ``run_coq`` compiles it
   against the built library and ``parse_coq_output`` reads the ``(m, e)`` pairs.
3. ``numpy_exact`` runs the numpy model with :class:`~.exact.ExactEngine` (n-ary sums
   rounded once, Coq's exp/sqrt); ``compare_exact`` demands equality of every entry.
   ``numpy_default`` runs the ordinary vectorized model (BLAS dot products, numpy's exp):
   its operation order differs, so only ``ulp_distance <= DEFAULT_ULP_BOUND`` is asserted.

Mutations of the numpy model (``MUTATIONS``) must make the check fail: the attention
scale dropped, the block-causal limit off by one, the residual replaced by the update.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import numpy as np

from ..coq.scratch import compile_scratch
from ..errors import BridgeError
from ..model import attention as attention_mod
from ..model import flowar as flowar_mod
from ..model.config import FlowARConfig
from ..model.flowar import flowar_forward
from ..model.ops import Array
from ..model.weights import FlowARWeights, LayerWeights, init_noise, init_weights
from .exact import ExactEngine
from .floats import P, from_flt, to_flt, ulp_distance

#: Attention scale of the tiny config: the rational ``SCALE_NUM / SCALE_DEN`` (Coq's
#: ``lscale = fconst p lsn lsd``), close to ``1/sqrt(2)`` and exactly a binary64 number.
SCALE_NUM, SCALE_DEN = 181, 256
#: Bound asserted between Coq and the DEFAULT (vectorized) numpy run, whose sums are
#: BLAS/pairwise (several roundings) and whose exp is libm's (not correctly rounded).
DEFAULT_ULP_BOUND = 4096
MUTATIONS: tuple[str, ...] = ("scale", "mask", "residual")


def tiny_eval_config() -> FlowARConfig:
    """K=2, s0=1, a=2, c=2, width 4, 2 heads of 2, FFN 8, L=2, Lf=1, T=2.

    Two AR layers (not one) so that an error in the rows of the condition block (which the
    flow head never reads directly) reaches the output through the second layer's keys.
    """
    return FlowARConfig(K=2, s0=1, a=2, c=2, d=4, heads=2, dh=2, dff=8, L=2, Lf=1, T=2,
                        attn_scale=SCALE_NUM / SCALE_DEN, name="tiny-eval")


def _layer_flat(lw: LayerWeights) -> list[Array]:
    parts: list[Array] = [lw.g1, lw.b1]
    for h in range(lw.wq.shape[0]):
        parts += [lw.wq[h], lw.wk[h], lw.wv[h]]
    return parts + [lw.wo, lw.g2, lw.b2, lw.w1, lw.c1, lw.w2, lw.c2]


def g_vector(weights: FlowARWeights, noise: Sequence[Array]) -> list[float]:
    """Coq's ``G`` (Pipeline/FlowAR.v ``off_*``, Layer.v ``o_*``, FlowHead.v ``fh_*``),
    every matrix row-major."""
    parts: list[Array] = [weights.cond, *noise, weights.emb_w, weights.emb_b]
    for lw in weights.layers:
        parts += _layer_flat(lw)
    hd = weights.head
    parts += [hd.w_in, hd.b_in, hd.e]
    for lw in hd.layers:
        parts += _layer_flat(lw)
    parts += [hd.w_out, hd.b_out]
    return [float(v) for p in parts for v in np.asarray(p, dtype=np.float64).ravel()]


def glen(cfg: FlowARConfig) -> int:
    """Coq's ``glen cfg`` (length of ``G``)."""
    d, dh, h, dff = cfg.d, cfg.dh, cfg.heads, cfg.dff
    tl = 2 * d + 3 * h * d * dh + h * dh * d + 2 * d + d * dff + dff + dff * d + d
    noise = sum(cfg.tok(i) * cfg.c for i in range(cfg.K))
    head = cfg.c * d + 2 * d + cfg.Lf * tl + d * cfg.c + cfg.c
    return cfg.tok(0) * d + noise + cfg.c * d + d + cfg.L * tl + head


def render_coq(cfg: FlowARConfig, g: Sequence[float], seed: int) -> str:
    """The text of EvalTiny.v for ``cfg`` and the input vector ``g``."""
    scale = Fraction(cfg.scale)
    text = resources.files("py_bridge.crosscheck").joinpath("templates", "EvalTiny.v.j2")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=True)
    tpl = env.from_string(text.read_text("utf-8"))
    return tpl.render(name=cfg.name, K=cfg.K, s0=cfg.s0, a=cfg.a, c=cfg.c, d=cfg.d,
                      H=cfg.heads, dh=cfg.dh, dff=cfg.dff, L=cfg.L, Lf=cfg.Lf, T=cfg.T,
                      sn=scale.numerator, sd=scale.denominator, seed=seed,
                      G=[to_flt(x) for x in g])


_PAIR = re.compile(r"\(\s*\(?(-?\d+)\)?\s*,\s*\(?(-?\d+)\)?\s*\)")


def parse_coq_output(stdout: str) -> list[tuple[int, int]]:
    """The ``(mant, expo)`` pairs of the ``Eval vm_compute`` answer."""
    start = stdout.find("= [")
    end = stdout.rfind("]")
    if start < 0 or end < start:
        raise BridgeError("coqc EvalTiny.v output: no evaluated list found")
    body = stdout[start + 2:end + 1].replace("%Z", "")
    return [(int(m), int(e)) for m, e in _PAIR.findall(body)]


def run_coq(root: Path, text: str, timeout: float) -> list[tuple[int, int]]:
    """Compile ``text`` as EvalTiny.v against the built library at ``root``; its output."""
    return parse_coq_output(compile_scratch(root, "EvalTiny.v", text, timeout))


def check_mutation(mutation: str | None) -> None:
    """Bad input is reported before any long work."""
    if mutation is not None and mutation not in MUTATIONS:
        raise BridgeError(f"mutation: must be one of {', '.join(MUTATIONS)}, got {mutation!r}")


@contextlib.contextmanager
def mutated(mutation: str | None) -> Iterator[None]:
    """Temporarily break the numpy model (for the mutation tests)."""
    if mutation is None:
        yield
        return
    check_mutation(mutation)
    saved: tuple[Any, str, Any]
    if mutation == "scale":
        saved = (attention_mod, "scale_scores", attention_mod.scale_scores)
        attention_mod.scale_scores = lambda eng, s, scale: s
    elif mutation == "mask":
        orig = attention_mod.key_limits
        saved = (attention_mod, "key_limits", orig)
        attention_mod.key_limits = lambda blocks: [
            (s0, s1, lim + 1) for s0, s1, lim in orig(blocks)]
    else:
        saved = (flowar_mod, "residual", flowar_mod.residual)
        flowar_mod.residual = lambda eng, x, y: y
    try:
        yield
    finally:
        setattr(*saved)


def numpy_run(cfg: FlowARConfig, weights: FlowARWeights, noise: Sequence[Array], *,
              exact: bool, mutation: str | None = None) -> list[float]:
    """The numpy model's output ``Y~_{K-1}``, flattened row-major."""
    with mutated(mutation):
        out = flowar_forward(cfg, weights, noise, engine=ExactEngine() if exact else None)
    return [float(v) for v in out.output.ravel()]


class Mismatch(NamedTuple):
    module: str
    kind: str
    expected: str
    got: str


@dataclass(frozen=True)
class EvalReport:
    """Coq's values, the numpy values and the disagreements."""

    coq: tuple[float, ...]
    exact: tuple[float, ...]
    default: tuple[float, ...]
    mismatches: tuple[Mismatch, ...]
    default_max_ulp: int

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _fmt(x: float) -> str:
    m, e = to_flt(x)
    return f"{x!r} (Flt {m} {e})"


def compare(coq_vals: Sequence[float], exact: Sequence[float],
            default: Sequence[float]) -> tuple[list[Mismatch], int]:
    """Exact run: equal entry by entry; default run: within ``DEFAULT_ULP_BOUND`` ulps."""
    out: list[Mismatch] = []
    if not (len(coq_vals) == len(exact) == len(default)):
        out.append(Mismatch("flowar.output", "length", str(len(coq_vals)),
                            f"{len(exact)} (exact), {len(default)} (default)"))
        return out, 0
    worst = 0
    for i, (c, x, d) in enumerate(zip(coq_vals, exact, default, strict=True)):
        if ulp_distance(c, x) != 0:
            out.append(Mismatch(f"flowar.output[{i}]", "exact", _fmt(c), _fmt(x)))
        dist = ulp_distance(c, d)
        worst = max(worst, dist)
        if dist > DEFAULT_ULP_BOUND:
            out.append(Mismatch(f"flowar.output[{i}]", f"default<={DEFAULT_ULP_BOUND}ulp",
                                _fmt(c), f"{_fmt(d)} ({dist} ulp)"))
    return out, worst


def eval_check(*, root: Path, seed: int = 0, mutation: str | None = None,
               timeout: float = 600.0,
               coq_values: Sequence[tuple[int, int]] | None = None) -> EvalReport:
    """Run Coq (unless ``coq_values`` are given) and the numpy model on the tiny config.

    Raises ``BridgeError`` for bad input (unknown mutation, library not built, coqc failing).
    """
    check_mutation(mutation)
    cfg = tiny_eval_config()
    weights = init_weights(cfg, seed=seed)
    noise = init_noise(cfg, seed=seed + 1)
    if coq_values is None:
        coq_values = run_coq(root, render_coq(cfg, g_vector(weights, noise), seed), timeout)
    coq_vals = [from_flt(m, e) for m, e in coq_values]
    exact = numpy_run(cfg, weights, noise, exact=True, mutation=mutation)
    default = numpy_run(cfg, weights, noise, exact=False, mutation=mutation)
    mism, worst = compare(coq_vals, exact, default)
    return EvalReport(tuple(coq_vals), tuple(exact), tuple(default), tuple(mism), worst)


__all__ = ["DEFAULT_ULP_BOUND", "MUTATIONS", "P", "EvalReport", "Mismatch", "compare",
           "eval_check", "g_vector", "glen", "mutated", "numpy_run", "parse_coq_output",
           "render_coq", "run_coq", "tiny_eval_config"]
