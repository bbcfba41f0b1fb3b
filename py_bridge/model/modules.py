"""The paper's modules as counted numpy programs (mirroring FlowARProofs/Modules/*.v).

Tokens are rows: a feature map ``h x w x c`` is an ``(h*w, c)`` matrix with
token ``(y, x)`` at row ``y*w + x`` (Coq's reshape).  Each function takes the
:class:`~py_bridge.model.ops.Engine` first and performs exactly the scalar
operations of the Coq program it mirrors (which operations are n-ary sums,
where a division or a product happens), vectorized over all entries.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .ops import Array, Engine

IntArray = NDArray[np.intp]


# ---------------------------------------------------------------------------
# Sampling (Modules/Sampling.v): fixed linear maps, one dot product per entry
# ---------------------------------------------------------------------------

def linmap(eng: Engine, x: Array, coef: Array, src: IntArray) -> Array:
    """``out[t, l] = sum_k coef[t, k] * x[src[t, k], l]`` (Coq's ``flinmap``).

    The gather is wiring; per output entry ``m`` products and one ``m``-ary sum.
    """
    gathered = x[src]                                  # (Nout, m, c), free
    prods = eng.mul(coef[:, :, None], gathered)        # Nout*m*c products
    return eng.sum(prods, axis=1)                      # Nout*c sums of m terms


@lru_cache(maxsize=64)
def down_plan(r: int, h: int, w: int) -> tuple[IntArray, float]:
    """Sources of area down-sampling by ``r`` (Coq's ``down_src``) and its coefficient."""
    ho, wo = h // r, w // r
    t = np.arange(ho * wo)
    k = np.arange(r * r)
    y, x = t // wo, t % wo
    src = (y[:, None] * r + k[None, :] // r) * w + (x[:, None] * r + k[None, :] % r)
    src.setflags(write=False)
    return src, 1.0 / (r * r)


def down(eng: Engine, x: Array, r: int, h: int, w: int) -> Array:
    """Area down-sampling ``h x w -> h/r x w/r`` (block averages, PyTorch's 'area')."""
    src, cf = down_plan(r, h, w)
    coef = eng.asarray(np.full(src.shape, cf))
    return linmap(eng, x, coef, src)


_KEYS_A = -0.75  # PyTorch's bicubic constant


def _cubic1(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return ((_KEYS_A + 2) * x - (_KEYS_A + 3)) * x * x + 1


def _cubic2(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return ((_KEYS_A * x - 5 * _KEYS_A) * x + 8 * _KEYS_A) * x - 4 * _KEYS_A


def bicubic_taps(r: int, n: int) -> tuple[IntArray, NDArray[np.float64]]:
    """1-D taps of PyTorch's bicubic up-sampling by ``r`` of a length-``n`` axis.

    Output index ``i``: source coordinate ``s = (i + 1/2)/r - 1/2``, ``i0 = floor(s)``,
    ``delta = s - i0``; taps ``i0-1 .. i0+2`` clamped to ``[0, n-1]`` with weights
    ``W(delta+1), W(delta), W(1-delta), W(2-delta)`` (Keys kernel, a = -3/4).
    ``s`` and ``delta`` are computed exactly with the integer form
    ``(2i + 1 - r) / (2r)`` (Coq's ``bc_num``, ``bc_i0``, ``bc_frac``).
    """
    i = np.arange(r * n)
    num = 2 * i + 1 - r
    den = 2 * r
    i0 = np.floor_divide(num, den)
    delta = np.mod(num, den) / den
    idx = np.clip(i0[:, None] - 1 + np.arange(4)[None, :], 0, n - 1)
    wts = np.stack([_cubic2(delta + 1), _cubic1(delta), _cubic1(1 - delta),
                    _cubic2(2 - delta)], axis=1)
    return idx, wts


@lru_cache(maxsize=64)
def up_plan(r: int, h: int, w: int) -> tuple[IntArray, NDArray[np.float64]]:
    """The 16 sources and exact 2-D coefficients of each output pixel (Coq's ``up_src``,
    ``up_coef``): tap ``k = (ky, kx)``, coefficient = row weight x column weight."""
    iy, wy = bicubic_taps(r, h)
    ix, wx = bicubic_taps(r, w)
    src = (iy[:, None, :, None] * w + ix[None, :, None, :]).reshape(r * h * r * w, 16)
    coef = (wy[:, None, :, None] * wx[None, :, None, :]).reshape(r * h * r * w, 16)
    src.setflags(write=False)
    coef.setflags(write=False)
    return src, coef


def up(eng: Engine, x: Array, r: int, h: int, w: int) -> Array:
    """Bicubic up-sampling ``h x w -> rh x rw`` (PyTorch, align_corners=False, clamped);
    each 2-D coefficient is computed in float64 and rounded once to the dtype."""
    src, coef = up_plan(r, h, w)
    return linmap(eng, x, eng.asarray(coef), src)


# ---------------------------------------------------------------------------
# MLP, ReLU, FFN (Modules/MLP.v, Modules/FFN.v)
# ---------------------------------------------------------------------------

def mlp(eng: Engine, x: Array, w: Array, b: Array) -> Array:
    """``x @ w + b`` token-wise: a dot product, then one bias addition per entry."""
    return eng.add(eng.matmul(x, w), b)


def relu(eng: Engine, x: Array) -> Array:
    """``max(0, x)`` entry-wise (Coq's ``OMax`` against the constant 0)."""
    return eng.maximum(0.0, x)


def ffn_inner(eng: Engine, x: Array, w1: Array, b1: Array, w2: Array, b2: Array) -> Array:
    """``W2 . ReLU(W1 x + b1) + b2`` token-wise, no residual (the pre-norm block's FFN)."""
    return mlp(eng, relu(eng, mlp(eng, x, w1, b1)), w2, b2)


def ffn(eng: Engine, x: Array, w1: Array, b1: Array, w2: Array, b2: Array) -> Array:
    """The paper's FFN with its own residual, ``x + ffn_inner(x)`` (Coq's ``fffn``)."""
    return eng.add(x, ffn_inner(eng, x, w1, b1, w2, b2))


# ---------------------------------------------------------------------------
# LayerNorm (Modules/LayerNorm.v): no epsilon, divisions by the float c
# ---------------------------------------------------------------------------

def layernorm(eng: Engine, x: Array) -> Array:
    """``(x - mu) / sqrt(sigma^2)`` per token; ``mu = (sum x)/c``, ``sigma^2 = (sum y^2)/c``."""
    c = float(x.shape[-1])
    mu = eng.div(eng.sum(x, axis=-1), c)               # N sums of c, N divisions
    y = eng.sub(x, mu[..., None])                      # N*c subtractions
    var = eng.div(eng.sum(eng.mul(y, y), axis=-1), c)  # N*c products, N sums, N divisions
    sigma = eng.sqrt(var)                              # N square roots
    return eng.div(y, sigma[..., None])                # N*c divisions


def layernorm_affine(eng: Engine, x: Array, gamma: Array, beta: Array) -> Array:
    """``gamma * LN(x) + beta`` (Coq's ``flnaff``)."""
    return eng.add(eng.mul(gamma, layernorm(eng, x)), beta)


# ---------------------------------------------------------------------------
# Flow matching (Modules/FlowMatching.v)
# ---------------------------------------------------------------------------

def interp(eng: Engine, t: float, y: Array, f0: Array) -> Array:
    """``F_t = t*Y + (1-t)*F_0``: two products and one sum per entry."""
    return eng.add(eng.mul(t, y), eng.mul(1.0 - t, f0))


def xpby(eng: Engine, x: Array, a: Any, b: Array) -> Array:
    """``x + a*b`` entry-wise with ``b`` broadcast to ``x``'s shape: one product and one
    sum per entry of ``x`` (Coq's ``xpby_at``)."""
    prod = eng.mul(a, np.broadcast_to(b, x.shape))
    return eng.add(x, prod)


def euler(eng: Engine, f: Array, dt: float, v: Array) -> Array:
    """One Euler step ``F + dt*V``."""
    return xpby(eng, f, dt, v)
