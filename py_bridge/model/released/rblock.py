"""The released FlowAR adaLN block (mirrors FlowARProofs/Pipeline/ReleasedBlock.v, ``rb_at``).

{v
  (γ₁, γ₂, s₁, s₂, b₁, b₂) = SiLU(c)·W_m + b_m          c : 1 × d, chunks of the 1 × 6d row
  X₁ = X  + γ₁ · MHA(RMSNorm(X)  · (1 + s₁) + b₁)       MHA with q/k/v/proj biases and RoPE
  X₂ = X₁ + γ₂ · SwiGLU(RMSNorm(X₁) · (1 + s₂) + b₂)    SwiGLU with exact GELU (A–S erf)
v}
(wangqiang9/FlowAR, models/flowar.py, ``Block._forward``).  Counted modules: ``adaln.mod``
(the modulation row), ``rmsnorm``, ``adaln.modulate``, ``attention``, ``adaln.gate``,
``swiglu``; each prefixed by the caller's ``prefix``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from ..ops import Array, Engine
from . import modules as rm

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class RDims:
    """A released block's dimensions (Coq's ``RDims``): width ``d``, ``heads`` of ``dh``
    (even), gated-MLP hidden width ``dff``, attention scale (``None``: ``1/√dh``)."""

    d: int
    heads: int
    dh: int
    dff: int
    attn_scale: float | None = None

    def __post_init__(self) -> None:
        for name in ("d", "heads", "dh", "dff"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name}: must be a positive integer, got {v!r}")
        if self.dh % 2:
            raise ValueError(f"dh: must be even (RoPE pairs columns), got {self.dh}")

    @property
    def scale(self) -> float:
        return 1.0 / math.sqrt(self.dh) if self.attn_scale is None else self.attn_scale


@dataclass(frozen=True)
class RBlockWeights:
    """One block in Coq's ``rb_off`` layout (heads stacked on axis 0)."""

    wm: F64   # (d, 6d)   adaLN_modulation linear
    bm: F64   # (6d,)
    wq: F64   # (H, d, dh)
    bq: F64   # (H, dh)
    wk: F64
    bk: F64
    wv: F64
    bv: F64
    wo: F64   # (H*dh, d)  proj
    bo: F64   # (d,)
    wg: F64   # (d, dff)   fc1_g
    bg: F64   # (dff,)
    wx: F64   # (d, dff)   fc1_x
    bx: F64   # (dff,)
    w2: F64   # (dff, d)   fc2
    b2: F64   # (d,)


def init_block(rng: np.random.Generator, dims: RDims, gain: float = 1.0) -> RBlockWeights:
    """Seeded Gaussian weights, ``1/√fan_in`` scaled (``gain`` on the modulation)."""
    d, h, dh, dff = dims.d, dims.heads, dims.dh, dims.dff

    def g(shape: tuple[int, ...], std: float) -> F64:
        return np.asarray(rng.standard_normal(shape) * std, dtype=np.float64)

    return RBlockWeights(
        wm=g((d, 6 * d), gain / math.sqrt(d)), bm=g((6 * d,), 0.1),
        wq=g((h, d, dh), 1 / math.sqrt(d)), bq=g((h, dh), 0.1),
        wk=g((h, d, dh), 1 / math.sqrt(d)), bk=g((h, dh), 0.1),
        wv=g((h, d, dh), 1 / math.sqrt(d)), bv=g((h, dh), 0.1),
        wo=g((h * dh, d), 1 / math.sqrt(h * dh)), bo=g((d,), 0.1),
        wg=g((d, dff), 1 / math.sqrt(d)), bg=g((dff,), 0.1),
        wx=g((d, dff), 1 / math.sqrt(d)), bx=g((dff,), 0.1),
        w2=g((dff, d), 1 / math.sqrt(dff)), b2=g((d,), 0.1))


def placeholder_block(dims: RDims) -> RBlockWeights:
    """Zero-strided weights of the right shapes (shape-only counting)."""
    d, h, dh, dff = dims.d, dims.heads, dims.dh, dims.dff
    shapes = {"wm": (d, 6 * d), "bm": (6 * d,), "wq": (h, d, dh), "bq": (h, dh),
              "wk": (h, d, dh), "bk": (h, dh), "wv": (h, d, dh), "bv": (h, dh),
              "wo": (h * dh, d), "bo": (d,), "wg": (d, dff), "bg": (dff,), "wx": (d, dff),
              "bx": (dff,), "w2": (dff, d), "b2": (d,)}
    z = np.zeros((), dtype=np.float64)
    return RBlockWeights(**{k: np.broadcast_to(z, s) for k, s in shapes.items()})


def cast_block(eng: Engine, w: RBlockWeights) -> RBlockWeights:
    return RBlockWeights(*(eng.asarray(getattr(w, f.name)) for f in fields(RBlockWeights)))


def block(eng: Engine, dims: RDims, w: RBlockWeights, x: Array, cond: Array, cos: Array,
          sin: Array, blocks: Sequence[int], prefix: str = "") -> Array:
    """One released block on ``x`` (``N × d``) conditioned on the row ``cond`` (``1 × d``),
    RoPE tables ``cos``/``sin`` (``N × dh``), key limits of the mask ``blocks``."""
    d = dims.d
    with eng.module(prefix + "adaln.mod"):
        m = rm.adamod(eng, cond, w.wm, w.bm)                     # (1, 6d)

    def chunk(k: int) -> Array:
        return m[:, k * d:(k + 1) * d]

    with eng.module(prefix + "rmsnorm"):
        n1 = rm.rmsnorm(eng, x)
    with eng.module(prefix + "adaln.modulate"):
        z1 = rm.modulate(eng, n1, chunk(2), chunk(4))
    with eng.module(prefix + "attention"):
        a = rm.rmha(eng, z1, z1, w.wq, w.bq, w.wk, w.bk, w.wv, w.bv, cos, sin, w.wo, w.bo,
                    dims.scale, blocks)
    with eng.module(prefix + "adaln.gate"):
        x1 = rm.gate(eng, x, a, chunk(0))
    with eng.module(prefix + "rmsnorm"):
        n2 = rm.rmsnorm(eng, x1)
    with eng.module(prefix + "adaln.modulate"):
        z2 = rm.modulate(eng, n2, chunk(3), chunk(5))
    with eng.module(prefix + "swiglu"):
        f = rm.swiglu(eng, z2, w.wg, w.bg, w.wx, w.bx, w.w2, w.b2)
    with eng.module(prefix + "adaln.gate"):
        return rm.gate(eng, x1, f, chunk(1))
