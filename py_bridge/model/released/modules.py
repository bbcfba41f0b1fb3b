"""The released FlowAR's modules as counted numpy programs (mirroring the Coq released modules).

Each function takes the :class:`~py_bridge.model.ops.Engine` first and performs exactly the
scalar operations of the Coq program it mirrors, vectorized (tokens are rows):

=====================  ===========================================  ==========================
function               Coq (FlowARProofs/Modules/)                  per entry
=====================  ===========================================  ==========================
``rmsnorm``            ``rms_at`` (RMSNorm.v), ε = ``RMS_EPS``      ``x · (1 ÷ √(Σx²/c + ε))``
``rmsnorm_w``          ``rmsw_at``                                  then ``· w``
``silu``               ``silu_at`` (SiLU.v)                         ``x ÷ (1 + exp(0 − x))``
``erf_as``             ``erf_as_prog`` (ErfAS.v), A–S 7.1.26        33 operations
``gelu``               ``gelu_at`` (GELU.v)                         ``(x·½)·(1 + erf(x·α))``
``swiglu``             ``swiglu_at`` (SwiGLU.v)                     ``(GELU(XWg+bg)⊙(XWx+bx))W₂+b₂``
``modulate``           ``modulate_at`` (AdaLN.v)                    ``(n·(s + 1)) + b``
``gate``               ``gate_at``                                  ``x + a·γ``
``adamod``             ``adamod_at``                                ``SiLU(C)·W + b``
``rope``               ``rope_at`` (RoPE.v)                         ``x·cos + rot(x)·sin``
``rattention``         ``rattn_at`` (RAttention.v), all heads       biases, RoPE on q and k
``rmha``               ``rmha_at``                                  heads, then ``·W_O + b_O``
=====================  ===========================================  ==========================

Counting convention as the paper variant (``ops``): one per binary operation, comparison, exp
and sqrt; an ``m``-ary sum ``m − 1`` additions, an ``m``-ary product ``m − 1`` products. The
subtraction ``0 − x`` stands for the exact negation, as in the Coq programs (the IR has no
negation node), and is counted. Broadcast operands count per broadcast entry (Coq recomputes
``s + 1`` of a broadcast modulation row for every token).

``gelu(..., erf="exact")`` uses ``math.erf`` instead of the A–S routine, for comparing values
only: it is no Coq program and its erf is not counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import numpy as np

from ..attention import attention_exact
from ..modules import mlp
from ..ops import Array, Engine

#: The released RMSNorm ε (``1e-6``; Coq's ``rms_eps p = fconst p 1 10^6``, binary64 nearest).
RMS_EPS = 1e-6
#: ``1/√2`` as Coq's ``fsqrt1_2``: the binary64 nearest to 0.70710678118654752.
SQRT1_2 = float(Fraction(70710678118654752, 10**17))
#: Abramowitz–Stegun 7.1.26 (Coq's ``as_p``, ``as_a k``): each the binary64 nearest the decimal.
AS_P = 0.3275911
AS_A: tuple[float, ...] = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)

ErfKind = Literal["as", "exact"]


# ---------------------------------------------------------------------------
# RMSNorm
# ---------------------------------------------------------------------------

def rmsnorm(eng: Engine, x: Array, eps: float = RMS_EPS) -> Array:
    """``x · rsqrt(mean(x²) + ε)`` per token, rsqrt as ``1 ÷ sqrt``: per token ``c`` squares,
    one ``c``-ary sum, ``÷ c``, ``+ ε``, ``sqrt``, ``1 ÷ ·`` and ``c`` products."""
    c = float(x.shape[-1])
    ms = eng.div(eng.sum(eng.mul(x, x), axis=-1), c)
    r = eng.div(1.0, eng.sqrt(eng.add(ms, eps)))
    return eng.mul(x, r[..., None])


def rmsnorm_w(eng: Engine, x: Array, w: Array, eps: float = RMS_EPS) -> Array:
    """The weighted RMSNorm: ``rmsnorm(x) · w`` (one more product per entry)."""
    return eng.mul(rmsnorm(eng, x, eps), w)


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

def silu(eng: Engine, x: Array) -> Array:
    """``x ÷ (1 + exp(0 − x))`` (PyTorch's SiLU kernel)."""
    return eng.div(x, eng.add(1.0, eng.exp(eng.sub(0.0, x))))


def erf_as(eng: Engine, x: Array) -> Array:
    """erf by Abramowitz–Stegun 7.1.26, extended by oddness, as Coq's ``erf_as_prog``:
    ``|x| = max(x, 0 − x)``, ``t = 1 ÷ (1 + p·|x|)``, ``e = exp(0 − |x|·|x|)``,
    ``sign = (0 < x) − (x < 0)``, ``poly = Σ_k a_k · t^k`` (``t^k`` one ``k``-ary product),
    ``sign · (1 − poly·e)``."""
    ax = eng.maximum(x, eng.sub(0.0, x))
    t = eng.div(1.0, eng.add(1.0, eng.mul(AS_P, ax)))
    e = eng.exp(eng.sub(0.0, eng.mul(ax, ax)))
    sign = eng.sub(eng.lt(0.0, x), eng.lt(x, 0.0))
    poly = eng.sum_terms([eng.mul(a, eng.power(t, k)) for k, a in enumerate(AS_A, start=1)])
    return eng.mul(sign, eng.sub(1.0, eng.mul(poly, e)))


def _erf_exact(eng: Engine, x: Array) -> Array:
    if eng.dry:
        return eng.placeholder(x.shape)
    return np.vectorize(math.erf, otypes=[eng.dtype])(x)  # type: ignore[no-any-return]


def gelu(eng: Engine, x: Array, erf: ErfKind = "as") -> Array:
    """The exact (erf-based) GELU as ATen computes it: ``(x·½)·(1 + erf(x·α))``, α = 1/√2."""
    f = erf_as if erf == "as" else _erf_exact
    return eng.mul(eng.mul(x, 0.5), eng.add(1.0, f(eng, eng.mul(x, SQRT1_2))))


# ---------------------------------------------------------------------------
# SwiGLU (timm, act_layer = GELU)
# ---------------------------------------------------------------------------

def swiglu(eng: Engine, x: Array, wg: Array, bg: Array, wx: Array, bx: Array, w2: Array,
           b2: Array, erf: ErfKind = "as") -> Array:
    """``(GELU(x·Wg + bg) ⊙ (x·Wx + bx))·W₂ + b₂`` token-wise."""
    g = mlp(eng, x, wg, bg)
    xl = mlp(eng, x, wx, bx)
    return mlp(eng, eng.mul(gelu(eng, g, erf), xl), w2, b2)


# ---------------------------------------------------------------------------
# adaLN
# ---------------------------------------------------------------------------

def modulate(eng: Engine, n: Array, scale: Array, shift: Array) -> Array:
    """``(n · (s + 1)) + b``; a broadcast row ``s`` gets its ``+ 1`` once per token (as Coq)."""
    s1 = eng.add(np.broadcast_to(scale, n.shape), 1.0)
    return eng.add(eng.mul(n, s1), shift)


def gate(eng: Engine, x: Array, a: Array, g: Array) -> Array:
    """The gated residual ``x + a · γ``."""
    return eng.add(x, eng.mul(a, g))


def adamod(eng: Engine, cond: Array, w: Array, b: Array) -> Array:
    """The modulation vectors ``SiLU(C)·W + b`` (``C``: ``R × dc``, ``W``: ``dc × m``)."""
    return mlp(eng, silu(eng, cond), w, b)


# ---------------------------------------------------------------------------
# RoPE
# ---------------------------------------------------------------------------

def rope_tables(side: int, dh: int, pt_seq_len: int = 16,
                theta: float = 10000.0) -> tuple[Array, Array]:
    """``cos``, ``sin`` tables (``side² × dh``) of VisionRotaryEmbeddingFast (models/rope.py):
    token ``(y, x)``; per axis ``dh/2`` columns of ``θ_k · pt·y/side`` (then ``x``), frequencies
    ``θ_k = theta^(−2k/(dh/2))`` each repeated for a column pair (exactly the released tables
    when ``4 | dh``; for ``dh ≡ 2 mod 4`` the last pair of an axis is cut to one column).
    Constants of the configuration, computed in float64 (PyTorch: float32)."""
    if dh % 2:
        raise ValueError(f"dh: must be even, got {dh}")
    half = dh // 2
    nf = (half + 1) // 2
    freqs = 1.0 / theta ** (np.arange(0, 2 * nf, 2, dtype=np.float64) / max(half, 1))
    pos = np.arange(side, dtype=np.float64) / side * pt_seq_len
    ang1 = np.repeat(pos[:, None] * freqs[None, :], 2, axis=1)[:, :half]      # (side, half)
    ys, xs = np.divmod(np.arange(side * side), side)
    ang = np.concatenate([ang1[ys], ang1[xs]], axis=1)                           # (N, dh)
    return np.cos(ang), np.sin(ang)


def rope(eng: Engine, q: Array, cos: Array, sin: Array) -> Array:
    """``q·cos + rot(q)·sin`` with ``rot(q)_{2j} = 0 − q_{2j+1}``, ``rot(q)_{2j+1} = q_{2j}``
    (adjacent pairs); ``q``: ``(..., N, dh)``."""
    neg = eng.sub(0.0, q[..., 1::2])
    if eng.dry:
        rot = eng.placeholder(q.shape)
    else:
        rot = np.empty_like(q)
        rot[..., 0::2] = neg
        rot[..., 1::2] = q[..., 0::2]
    return eng.add(eng.mul(q, cos), eng.mul(rot, sin))


# ---------------------------------------------------------------------------
# Attention with biases and RoPE
# ---------------------------------------------------------------------------

def rattention(eng: Engine, x: Array, y: Array, wq: Array, bq: Array, wk: Array, bk: Array,
               wv: Array, bv: Array, cos: Array, sin: Array, scale: float,
               blocks: Sequence[int]) -> Array:
    """All heads: ``Q = rope(X·WQ + bQ)``, ``K = rope(Y·WK + bK)``, ``V = Y·WV + bV``
    (weights ``(H, c, dh)``, biases ``(H, dh)``), then the exact attention core of the paper
    variant (scores, scale, exp without max subtraction, row sums, ÷): ``(H, N, dh)``."""
    q = rope(eng, mlp(eng, x, wq, bq[:, None, :]), cos, sin)
    k = rope(eng, mlp(eng, y, wk, bk[:, None, :]), cos, sin)
    v = mlp(eng, y, wv, bv[:, None, :])
    return attention_exact(eng, q, k, v, scale, blocks)


def rmha(eng: Engine, x: Array, y: Array, wq: Array, bq: Array, wk: Array, bk: Array,
         wv: Array, bv: Array, cos: Array, sin: Array, wo: Array, bo: Array, scale: float,
         blocks: Sequence[int]) -> Array:
    """``Concat_h(heads)·W_O + b_O`` (``wo``: ``(H·dh) × d``)."""
    heads = rattention(eng, x, y, wq, bq, wk, bk, wv, bv, cos, sin, scale, blocks)
    nheads, n, dh = heads.shape
    cat = heads.transpose(1, 0, 2).reshape(n, nheads * dh)
    return mlp(eng, cat, wo, bo)
