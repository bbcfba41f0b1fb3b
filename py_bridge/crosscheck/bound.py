"""The measured error of the fast pipeline against the PROVEN bound, evaluated by Coq.

``Error/PipelineError.fast_flowar_error``: if ``pipe_hyps cfg G g B σ W`` holds, then
``‖rflowar_fast g cfg G − rflowar_exact cfg G‖∞ ≤ flowar_err_bound cfg g B σ W``, and
``Error/PipelineBound.flowar_err_bound_le_Q`` bounds that by the rational
``qflowar_bound cfg g B σ W``.  This module

1. runs the numpy model's exact and fast pipelines (:func:`measure`) and measures, on
   exactly the computations the hypotheses name (``tf_ok`` for the exact run on the exact
   sequences and the fast run on the fast sequences; ``flow_acts_ok_cond`` for the flow
   head: the exact network on the exact states, the exact network at the fast states with
   the exact and with the fast condition, the fast network at the fast states), at every
   layer input ``X``: the token variances of ``X`` and of ``X + MHA(LN₁ X)`` with exp AND
   with the degree-``g`` Taylor weights (``act_ok``'s three variance floors), and
   ``|q|, |k|, |v|`` of every head; plus ``W`` = the largest ``wnorm`` (largest column
   l1 norm) of every weight matrix and ``|γ|`` of every LayerNorm;
2. rounds outward to multiples of ``2^-BITS`` (``B``, ``W`` up and ``σ`` down, each by at
   least one step: the numpy float64 run stands in for the real-number run of the theorem,
   and one step of ``2^-16`` covers its rounding many times over); by
   ``PipelineBound.pipe_bound_mono`` the bound at the rounded values is an upper bound of
   the bound at the measured ones;
3. evaluates ``qflowar_bound`` with ``vm_compute`` in a generated .v
   (templates/PipeBound.v.j2) — the bound's formula exists once, in Coq — and compares.

A run satisfies the hypotheses with the measured values whenever ``σ > 0`` (a token of
variance 0 has no floor) and Coq confirms ``ε_T(g, β) ≤ 1/2``; otherwise the hypothesis
check fails.  The structural hypotheses (``K ≥ 1``, ``a > 0``, ``T > 0``, the scale
``≥ 0``, the block-causal limits) hold for every config this module accepts.
"""

from __future__ import annotations

import contextlib
import decimal
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np

from ..coq.scratch import compile_scratch
from ..errors import BridgeError, one_line
from ..model import flowar as flowar_mod
from ..model import modules as mod
from ..model.attention import AttentionSpec, mha
from ..model.config import FlowARConfig
from ..model.ops import Array, Engine
from ..model.weights import FlowARWeights, FlowHeadWeights, LayerWeights

#: Outward rounding of B, σ, W to multiples of 2^-BITS.
BITS = 16
#: Mutations of the fast run (the check must then fail): ``variance`` gives the fast run's
#: LayerNorm the variance ``Σy²/(c-1)`` instead of Coq's ``Σy²/c``.  (Running the fast
#: attention at degree ``g - 1`` while claiming ``g`` is NOT caught on the tiny config: the
#: bound is 10⁴–10⁸ times the measured error there, docs/error.md.)
BOUND_MUTATIONS: tuple[str, ...] = ("variance",)


@dataclass
class HypStats:
    """The measured quantities of the hypotheses (running extrema)."""

    min_var: float = math.inf
    max_qkv: float = 0.0
    ln_inputs: int = 0
    attn_calls: int = 0

    def var(self, x: Array) -> None:
        """Coq's ``rvar``: the mean of the squared centered entries, per token."""
        y = x - x.mean(axis=-1, keepdims=True)
        self.min_var = min(self.min_var, float((y * y).mean(axis=-1).min()))
        self.ln_inputs += 1


def weight_norm(w: FlowARWeights) -> float:
    """The ``W`` of the hypotheses: the largest ``wnorm`` (largest column l1 norm, Coq's
    Lipschitz.wnorm) of W_Q, W_K, W_V (per head), W_O, W_1, W_2 of every layer, of MLP_in,
    MLP_out and the embedding, and the largest ``|γ|`` of every LayerNorm."""
    def wn(m: Array) -> float:
        return float(np.abs(m).sum(axis=-2).max())

    def lay(lw: LayerWeights) -> float:
        return max(wn(lw.wq), wn(lw.wk), wn(lw.wv), wn(lw.wo), wn(lw.w1), wn(lw.w2),
                   float(np.abs(lw.g1).max()), float(np.abs(lw.g2).max()))

    hd = w.head
    return max([wn(w.emb_w), wn(hd.w_in), wn(hd.w_out),
                *(lay(lw) for lw in (*w.layers, *hd.layers))])


@contextlib.contextmanager
def _wrong_variance(active: bool) -> Iterator[None]:
    if not active:
        yield
        return
    saved = mod.layernorm

    def layernorm(eng: Engine, x: Array) -> Array:
        y = x - x.mean(axis=-1, keepdims=True)
        return np.asarray(y / np.sqrt((y * y).sum(axis=-1, keepdims=True) / (x.shape[-1] - 1)))

    mod.layernorm = layernorm
    try:
        yield
    finally:
        mod.layernorm = saved


@dataclass
class _Runner:
    cfg: FlowARConfig
    w: FlowARWeights
    g: int
    fast_run: AttentionSpec
    wrong_variance: bool = False
    stats: HypStats = field(default_factory=HypStats)
    eng: Engine = field(default_factory=lambda: Engine(np.float64))

    def acts(self, lw: LayerWeights, x: Array, blocks: Sequence[int]) -> None:
        """``act_ok`` at the layer input ``x``: the three variance floors and |q|, |k|, |v|."""
        eng, sc = self.eng, self.cfg.scale
        self.stats.var(x)
        z = mod.layernorm_affine(eng, x, lw.g1, lw.b1)
        for wm in (lw.wq, lw.wk, lw.wv):
            self.stats.max_qkv = max(self.stats.max_qkv, float(np.abs(z @ wm).max()))
        self.stats.attn_calls += 1
        for spec in (AttentionSpec("exact"), AttentionSpec("fast", degree=self.g)):
            self.stats.var(x + mha(eng, z, lw.wq, lw.wk, lw.wv, lw.wo, sc, blocks, spec))

    def stack(self, layers: Sequence[LayerWeights], x: Array, blocks: Sequence[int],
              fast: bool) -> Array:
        """The layers on ``x``, checking ``act_ok`` at every layer input."""
        spec = self.fast_run if fast else AttentionSpec("exact")
        for lw in layers:
            self.acts(lw, x, blocks)
            with _wrong_variance(fast and self.wrong_variance):
                x = flowar_mod.layer(self.eng, lw, x, self.cfg.scale, blocks, spec, "check.")
        return x

    def vin(self, hw: FlowHeadWeights, f: Array, yhat: Array, t: float) -> Array:
        """The velocity network's input ``MLP_in(F) + Ŷ + t·e`` (Coq's ``rvin``)."""
        return mod.xpby(self.eng, self.eng.add(mod.mlp(self.eng, f, hw.w_in, hw.b_in), yhat),
                        t, hw.e)

    def vel(self, f: Array, yhat: Array, t: float, fast: bool) -> Array:
        hw = self.w.head
        h = self.stack(hw.layers, self.vin(hw, f, yhat, t), [f.shape[0]], fast)
        return mod.mlp(self.eng, h, hw.w_out, hw.b_out)

    def run(self, noise: Sequence[Array]) -> tuple[Array, Array]:
        """Both pipelines; the outputs ``Ỹ_{K-1}`` of the exact and of the fast run."""
        cfg, w, eng = self.cfg, self.w, self.eng
        ye: list[Array] = []
        yf: list[Array] = []
        for i in range(cfg.K):
            blocks = [cfg.tok(j) for j in range(i + 1)]
            xe = np.concatenate([w.cond, *(flowar_mod.embed(eng, cfg, w, ye[j], j)
                                           for j in range(i))])
            xf = np.concatenate([w.cond, *(flowar_mod.embed(eng, cfg, w, yf[j], j)
                                           for j in range(i))])
            cut = cfg.ntok(i) - cfg.tok(i)
            he = self.stack(w.layers, xe, blocks, fast=False)[cut:]
            hf = self.stack(w.layers, xf, blocks, fast=True)[cut:]
            fe = fg = np.asarray(noise[i], dtype=np.float64)
            for k in range(cfg.T):
                t = k / cfg.T
                ve = self.vel(fe, he, t, fast=False)          # exact net, exact state
                self.vel(fg, he, t, fast=False)               # exact net, fast state, exact cond
                self.vel(fg, hf, t, fast=False)               # exact net, fast state, fast cond
                vf = self.vel(fg, hf, t, fast=True)           # fast net, fast state, fast cond
                fe = mod.euler(eng, fe, 1.0 / cfg.T, ve)
                fg = mod.euler(eng, fg, 1.0 / cfg.T, vf)
            ye.append(fe)
            yf.append(fg)
        return ye[-1], yf[-1]


@dataclass(frozen=True)
class Measured:
    """One measured pair of runs: the error and the hypotheses' quantities."""

    error: float
    sigma: float
    qkv: float
    wnorm: float
    ln_inputs: int
    attn_calls: int
    exact: Array
    fast: Array


def measure(cfg: FlowARConfig, weights: FlowARWeights, noise: Sequence[Array], g: int,
            mutation: str | None = None) -> Measured:
    """Run both pipelines (float64) and measure ``‖fast − exact‖∞``, σ (the square root of
    the smallest LayerNorm-input variance), the largest ``|q|, |k|, |v|`` and ``W``."""
    check_bound_mutation(mutation, g)
    fast = AttentionSpec("fast", degree=g - 1 if mutation == "degree" else g)
    runner = _Runner(cfg, weights, g, fast, wrong_variance=mutation == "variance")
    ye, yf = runner.run(noise)
    st = runner.stats
    return Measured(float(np.abs(yf - ye).max()), math.sqrt(max(st.min_var, 0.0)), st.max_qkv,
                    weight_norm(weights), st.ln_inputs, st.attn_calls, ye, yf)


def check_bound_mutation(mutation: str | None, g: int) -> None:
    if mutation is not None and mutation not in BOUND_MUTATIONS:
        raise BridgeError(f"mutation: must be one of {', '.join(BOUND_MUTATIONS)}, "
                          f"got {mutation!r}")
    if g < 1:
        raise BridgeError(f"degree: must be >= 1, got {g}")


def dyadic_up(x: float, bits: int = BITS) -> int:
    """The numerator ``m`` of ``m / 2^bits >= x + 2^-bits`` (at least one step above ``x``)."""
    return int(math.ceil(Fraction(x) * 2**bits)) + 1


def dyadic_down(x: float, bits: int = BITS) -> int:
    """The numerator ``m`` of ``m / 2^bits <= x - 2^-bits`` (at least one step below ``x``)."""
    return int(math.floor(Fraction(x) * 2**bits)) - 1


def render_bound(cfg: FlowARConfig, g: int, b: Fraction, s: Fraction, w: Fraction) -> str:
    """The text of PipeBound.v for ``cfg``, degree ``g`` and the constants B, σ, W."""
    scale = Fraction(cfg.scale)
    text = resources.files("py_bridge.crosscheck").joinpath("templates", "PipeBound.v.j2")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=True)
    return env.from_string(text.read_text("utf-8")).render(
        name=cfg.name, K=cfg.K, s0=cfg.s0, a=cfg.a, c=cfg.c, d=cfg.d, H=cfg.heads, dh=cfg.dh,
        dff=cfg.dff, L=cfg.L, Lf=cfg.Lf, T=cfg.T, sn=scale.numerator, sd=scale.denominator,
        g=g, bits=BITS, Bn=b.numerator, Bd=b.denominator, sN=s.numerator, sD=s.denominator,
        Wn=w.numerator, Wd=w.denominator)


_ANSWER = re.compile(r"=\s*\(\s*\(?\s*(-?\d+)\s*\)?\s*,\s*\(?\s*(\d+)\s*\)?\s*,"
                     r"\s*(true|false)\s*\)")


def parse_bound_output(stdout: str) -> tuple[Fraction, bool]:
    """``(qflowar_bound, qeps <= 1/2)`` from the ``Eval vm_compute`` answer."""
    flat = re.sub(r"%(Z|positive)", "", " ".join(stdout.split()))
    m = _ANSWER.search(flat)
    if m is None:
        raise BridgeError(f"coqc PipeBound.v output: no evaluated bound found in "
                          f"{one_line(stdout)[:200]!r}")
    return Fraction(int(m.group(1)), int(m.group(2))), m.group(3) == "true"


def run_bound_coq(root: Path, text: str, timeout: float) -> tuple[Fraction, bool]:
    """Compile ``text`` as PipeBound.v against the built library at ``root``."""
    return parse_bound_output(compile_scratch(root, "PipeBound.v", text, timeout))


def sci(q: Fraction | None) -> str:
    """``q`` in scientific notation with 4 digits (also beyond the float range)."""
    if q is None:
        return "n/a"
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        return f"{decimal.Decimal(q.numerator) / decimal.Decimal(q.denominator):.3e}"


def to_float(q: Fraction | None) -> float | None:
    """``float(q)``, ``inf`` beyond the float range, ``None`` for no value."""
    if q is None:
        return None
    try:
        return float(q)
    except OverflowError:
        return math.inf


@dataclass(frozen=True)
class BoundReport:
    """The measured error, the hypotheses' values (measured and rounded) and Coq's bound."""

    config: str
    degree: int
    measured: Measured
    B: Fraction
    sigma: Fraction
    W: Fraction
    bound: Fraction | None
    eps_ok: bool
    mutation: str | None

    @property
    def hyps_ok(self) -> bool:
        return self.sigma > 0 and self.eps_ok

    @property
    def ok(self) -> bool:
        return (self.hyps_ok and self.bound is not None
                and Fraction(self.measured.error) <= self.bound)

    def lines(self) -> list[str]:
        m = self.measured
        head = (f"crosscheck bound ({self.config}, g = {self.degree}"
                f"{', mutation ' + self.mutation if self.mutation else ''}): measured "
                f"‖fast − exact‖∞ = {m.error:.3e}, proven bound = "
                f"{sci(self.bound)}")
        hyp = (f"  hypotheses (measured → rounded outward to 2^-{BITS}): σ = {m.sigma:.6g} → "
               f"{float(self.sigma):.6g} ({m.ln_inputs} LayerNorm inputs), B = {m.qkv:.6g} → "
               f"{float(self.B):.6g} ({m.attn_calls} attention calls), W = {m.wnorm:.6g} → "
               f"{float(self.W):.6g}; ε_T(g, β) ≤ 1/2: {'yes' if self.eps_ok else 'NO'} (Coq)")
        if not self.hyps_ok:
            why = "no variance floor (σ ≤ 0)" if self.sigma <= 0 else "ε_T(g, β) > 1/2"
            return [head, hyp, f"FAIL crosscheck bound: hypothesis not satisfied: {why}"]
        if not self.ok:
            return [head, hyp, "FAIL crosscheck bound: measured error > proven bound"]
        return [head + " (measured ≤ bound)", hyp]

    def as_dict(self) -> dict[str, object]:
        m = self.measured
        return {"config": self.config, "degree": self.degree, "mutation": self.mutation,
                "ok": self.ok, "hypotheses_ok": self.hyps_ok,
                "measured_error": m.error,
                "proven_bound": (to_float(self.bound) if to_float(self.bound) != math.inf
                                 else sci(self.bound)),
                "proven_bound_exact": (f"{self.bound.numerator}/{self.bound.denominator}"
                                       if self.bound is not None else None),
                "measured": {"sigma": m.sigma, "B": m.qkv, "W": m.wnorm,
                             "layernorm_inputs": m.ln_inputs, "attention_calls": m.attn_calls},
                "rounded": {"sigma": f"{self.sigma.numerator}/{self.sigma.denominator}",
                            "B": f"{self.B.numerator}/{self.B.denominator}",
                            "W": f"{self.W.numerator}/{self.W.denominator}",
                            "direction": f"B, W up and σ down by at least 2^-{BITS}"},
                "eps_le_half": self.eps_ok,
                "theorem": "Error.PipelineError.fast_flowar_error, "
                           "Error.PipelineBound.flowar_err_bound_le_Q"}


def bound_check(*, root: Path, cfg: FlowARConfig, weights: FlowARWeights,
                noise: Sequence[Array], g: int, mutation: str | None = None,
                timeout: float = 600.0,
                coq_answer: tuple[Fraction, bool] | None = None) -> BoundReport:
    """Measure, round, let Coq evaluate ``qflowar_bound`` (unless ``coq_answer`` is given),
    compare.  Bad input (unknown mutation, ``g < 1``, library not built, coqc failing):
    ``BridgeError``."""
    check_bound_mutation(mutation, g)
    m = measure(cfg, weights, noise, g, mutation)
    den = 2**BITS
    b, w = Fraction(dyadic_up(m.qkv), den), Fraction(dyadic_up(m.wnorm), den)
    s = Fraction(max(dyadic_down(m.sigma), 0), den)
    bound: Fraction | None = None
    eps_ok = False
    if s > 0:
        if coq_answer is None:
            coq_answer = run_bound_coq(root, render_bound(cfg, g, b, s, w), timeout)
        bound, eps_ok = coq_answer
    return BoundReport(cfg.name, g, m, b, s, w, bound, eps_ok, mutation)


__all__ = ["BITS", "BOUND_MUTATIONS", "BoundReport", "HypStats", "Measured", "bound_check",
           "check_bound_mutation", "dyadic_down", "dyadic_up", "measure", "parse_bound_output",
           "render_bound", "run_bound_coq", "weight_norm"]
