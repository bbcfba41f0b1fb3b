"""The released flow head: velocity network (Block_v1) and the Euler sampler with CFG.

Mirrors branch relflow: ``fvel_rel`` / ``hv_at`` (Pipeline/ReleasedFlowHead.v, the
``SimpleTransformerAdaLN`` of wangqiang9/FlowAR, models/flowmodel.py) and ``fsample`` / ``rs_at``
(Pipeline/ReleasedSampler.v, models/sampler.py ``euler_sampler``):

{v
  X₀ = input_proj(x);  C = cond_embed(Z);  T = Linear₂(SiLU(Linear₁(sin_k)));  CT = C + T
  X_L = L × Block_v1(X; CT)      (the released block with per-token modulation, no mask)
  V   = Linear(RMSNorm(X_L)·(1 + scale) + shift),  (shift, scale) = SiLU(CT)·W_f + b_f
  step k (guided iff s_i > 1 and 0 ≤ t_k ≤ guidance):
    F ← F + Δt_k·(V_u + s_i·(V_c − V_u))     or     F ← F + Δt_k·V_c
v}
The grid, ``Δt_k``, ``s_i = (cfg − 1)·i/(K − 1) + 1`` and the guidance test are exact rationals
(``Fraction``) as in Coq, rounded once to float64. The sinusoidal rows ``sin_k`` (the embedding of
``⌊1000·t_k⌋``) are constants of the configuration, as in Coq (read from ``G``). Only Block_v1
(FlowAR-S, ``cross=False``) is mirrored; Block_v2 (cross-attention, FlowAR-L/H) is not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from .. import modules as pm
from ..ops import Array, Engine
from . import modules as rm
from .pipeline import Head
from .rblock import RBlockWeights, RDims, block, cast_block, init_block, placeholder_block

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class HeadConfig:
    """Coq's ``RSCfg`` with ``HDims``: channels ``c``, AR width ``w``, block dims, ``L`` blocks,
    sinusoid width ``F``; the grid ``sched`` (rationals from 1 down to 0), ``cfg``, ``guidance``,
    the number of scales ``K``."""

    c: int
    w: int
    dims: RDims
    L: int
    F: int
    sched: tuple[Fraction, ...]
    cfg: Fraction
    guidance: Fraction
    K: int

    @property
    def T(self) -> int:
        return len(self.sched) - 1

    def dt(self, k: int) -> Fraction:
        return self.sched[k + 1] - self.sched[k]

    def s(self, i: int) -> Fraction:
        """``s_i = (cfg − 1)·i/(K − 1) + 1`` (Coq's ``rs_s_q``)."""
        return (self.cfg - 1) * i / (self.K - 1) + 1 if self.K > 1 else Fraction(1)

    def guided(self, i: int, k: int) -> bool:
        """Coq's ``rs_guided``: ``s_i > 1`` and ``0 ≤ t_k ≤ guidance``."""
        t = self.sched[k]
        return self.s(i) > 1 and 0 <= t <= self.guidance


def sched_of_steps(n: int) -> tuple[Fraction, ...]:
    """The code's grid (Coq's ``sched_of_steps``): ``linspace(1, 0, n+1)`` for ``n = 50``, else
    ``linspace(1, 0.3, n//2)`` then ``linspace(0.25, 0, n//2 + 1)``."""
    def lin(a: Fraction, b: Fraction, m: int) -> list[Fraction]:
        return [a + (b - a) * j / (m - 1) for j in range(m)]
    if n == 50:
        return tuple(lin(Fraction(1), Fraction(0), n + 1))
    return tuple(lin(Fraction(1), Fraction(3, 10), n // 2)
                 + lin(Fraction(1, 4), Fraction(0), n // 2 + 1))


@dataclass(frozen=True)
class HeadWeights:
    """Coq's ``hv_*`` layout (``hv_win`` … ``hv_bfo``)."""

    win: F64
    bin: F64
    t1: F64
    bt1: F64
    t2: F64
    bt2: F64
    ce: F64
    bce: F64
    blocks: tuple[RBlockWeights, ...]
    fm: F64
    bfm: F64
    fo: F64
    bfo: F64


def init_head(hc: HeadConfig, seed: int = 0) -> HeadWeights:
    rng = np.random.default_rng(seed)
    c, w, d, F = hc.c, hc.w, hc.dims.d, hc.F

    def g(shape: tuple[int, ...], std: float) -> F64:
        return np.asarray(rng.standard_normal(shape) * std, dtype=np.float64)

    return HeadWeights(
        win=g((c, d), 1 / math.sqrt(c)), bin=g((d,), 0.1), t1=g((F, d), 1 / math.sqrt(F)),
        bt1=g((d,), 0.1), t2=g((d, d), 1 / math.sqrt(d)), bt2=g((d,), 0.1),
        ce=g((w, d), 1 / math.sqrt(w)), bce=g((d,), 0.1),
        blocks=tuple(init_block(rng, hc.dims) for _ in range(hc.L)),
        fm=g((d, 2 * d), 1 / math.sqrt(d)), bfm=g((2 * d,), 0.1),
        fo=g((d, c), 1 / math.sqrt(d)), bfo=g((c,), 0.1))


def placeholder_head(hc: HeadConfig) -> HeadWeights:
    z = np.zeros((), dtype=np.float64)
    c, w, d, F = hc.c, hc.w, hc.dims.d, hc.F

    def p(*shape: int) -> F64:
        return np.broadcast_to(z, shape)

    return HeadWeights(win=p(c, d), bin=p(d), t1=p(F, d), bt1=p(d), t2=p(d, d), bt2=p(d),
                       ce=p(w, d), bce=p(d), blocks=(placeholder_block(hc.dims),) * hc.L,
                       fm=p(d, 2 * d), bfm=p(2 * d), fo=p(d, c), bfo=p(c))


def cast_head(eng: Engine, w: HeadWeights) -> HeadWeights:
    a = eng.asarray
    return HeadWeights(win=a(w.win), bin=a(w.bin), t1=a(w.t1), bt1=a(w.bt1), t2=a(w.t2),
                       bt2=a(w.bt2), ce=a(w.ce), bce=a(w.bce),
                       blocks=tuple(cast_block(eng, b) for b in w.blocks), fm=a(w.fm),
                       bfm=a(w.bfm), fo=a(w.fo), bfo=a(w.bfo))


def sinusoid_rows(hc: HeadConfig) -> F64:
    """Row ``k``: ``[cos(⌊1000 t_k⌋·f_j), sin(⌊1000 t_k⌋·f_j)]``, ``f_j = 10000^(−j/(F/2))``
    (timm-style timestep embedding; constants, as Coq reads them from ``G``)."""
    half = hc.F // 2
    f = np.exp(-math.log(10000.0) * np.arange(half, dtype=np.float64) / max(half, 1))
    ts = np.array([math.floor(1000 * t) for t in hc.sched[:-1]], dtype=np.float64)
    ang = ts[:, None] * f[None, :]
    rows = np.concatenate([np.cos(ang), np.sin(ang)], axis=1)
    if rows.shape[1] < hc.F:
        rows = np.concatenate([rows, np.zeros((rows.shape[0], hc.F - rows.shape[1]))], axis=1)
    return rows


def velocity(eng: Engine, hc: HeadConfig, w: HeadWeights, x: Array, z: Array, cos: Array,
             sin: Array, srow: Array) -> Array:
    """``fvel_rel``: the velocity (``N × c``) at ``x`` (``N × c``) for the condition ``z``
    (``N × w``), RoPE tables ``cos``/``sin`` and sinusoidal row ``srow`` (``1 × F``)."""
    n, d = x.shape[0], hc.dims.d
    with eng.module("head.embed"):
        x0 = pm.mlp(eng, x, w.win, w.bin)
        cemb = pm.mlp(eng, z, w.ce, w.bce)
        te = pm.mlp(eng, rm.silu(eng, pm.mlp(eng, srow, w.t1, w.bt1)), w.t2, w.bt2)
        ct = eng.add(cemb, te)
    for bw in w.blocks:
        x0 = block(eng, hc.dims, bw, x0, ct, cos, sin, [n], prefix="head.")
    with eng.module("head.final"):
        nrm = rm.rmsnorm(eng, x0)
        mf = rm.adamod(eng, ct, w.fm, w.bfm)
        y = rm.modulate(eng, nrm, mf[:, d:2 * d], mf[:, 0:d])
        return pm.mlp(eng, y, w.fo, w.bfo)


def sample(eng: Engine, hc: HeadConfig, w: HeadWeights, i: int, f0: Array, zc: Array,
           zu: Array, cos: Array, sin: Array, rows: Array) -> Array:
    """``fsample``: ``T`` Euler steps from the noise ``f0`` at scale ``i``."""
    f = f0
    s = float(hc.s(i))
    for k in range(hc.T):
        dt = float(hc.dt(k))
        srow = rows[k:k + 1]
        vc = velocity(eng, hc, w, f, zc, cos, sin, srow)
        if hc.guided(i, k):
            vu = velocity(eng, hc, w, f, zu, cos, sin, srow)
            with eng.module("head.sampler"):
                f = eng.add(f, eng.mul(dt, eng.add(vu, eng.mul(s, eng.sub(vc, vu)))))
        else:
            with eng.module("head.sampler"):
                f = pm.euler(eng, f, dt, vc)
    return f


def tiny_head() -> HeadConfig:
    """Matches Coq's ``tiny_rs`` (Witnesses/ReleasedARWork.v): c = 2, AR width 4, the tiny block
    dims, one Block_v1, sinusoid width 4, grid 1, 1/2, 0; cfg 3/2, guidance 1, K = 2 (scale 0
    unguided, scale 1 guided)."""
    return HeadConfig(c=2, w=4, dims=RDims(d=4, heads=2, dh=2, dff=5, attn_scale=0.5), L=1, F=4,
                      sched=(Fraction(1), Fraction(1, 2), Fraction(0)), cfg=Fraction(3, 2),
                      guidance=Fraction(1), K=2)


def released_head(hc: HeadConfig, w: HeadWeights, sides: Sequence[int]) -> Head:
    """A ``pipeline.Head`` for scales of the given sides: RoPE tables of each scale, the
    sinusoidal rows of the grid; ``w`` already in the engine's dtype."""
    rows = sinusoid_rows(hc)
    tables = [rm.rope_tables(s, hc.dims.dh) for s in sides]

    def head(eng: Engine, i: int, f0: Array, yc: Array, yu: Array) -> Array:
        cos, sin = (eng.asarray(t) for t in tables[i])
        return sample(eng, hc, w, i, f0, yc, yu, cos, sin, eng.asarray(rows))
    return head
