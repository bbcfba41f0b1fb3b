"""The released AR pass (mirrors ``rcond`` / ``rpass_at`` of Pipeline/ReleasedAR.v, branch relar).

At scale ``i`` for the class row ``cr`` (the class embedding, or the null class's for the
unconditional pass of classifier-free guidance):

{v
  X   := [ cr (tok 0 rows) ; Emb(Ỹ_0) ; … ; Emb(Ỹ_{i−1}) ]        ntok i × d
         Emb(Ỹ_j) = z_proj(area(bicubic(Ỹ_j, final side), side (j+1)))
  X   := z_proj_ln(X + pos_enc)                                   RMSNorm with weight
  X   := Le released blocks (adaLN from cr, RoPE, block-causal)
  X   := encoder_norm(X);  X := decoder_embed(X) + pos_dec
  X   := Ld released blocks;  X := decoder_norm(X) + pos_diff
  Ŷ_i := the last tok i rows of X
v}
As the Coq program, the whole sequence is recomputed at every scale with the block-causal mask
(the released code uses a KV cache; docs/deviations.md). Bicubic and area resampling are the
paper variant's ``modules.up`` / ``modules.down`` (Modules/Sampling.v). Counted modules:
``ar.resample``, ``ar.z_proj``, ``ar.pos``, ``ar.norm``, ``ar.decoder_embed`` and the block's
modules prefixed ``ar.``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .. import modules as pm
from ..config import ScaleGeometry
from ..ops import Array, Engine
from . import modules as rm
from .rblock import RBlockWeights, RDims, block, cast_block, init_block, placeholder_block

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class ARConfig(ScaleGeometry):
    """Coq's ``RConfig`` without the head: ``K`` scales of side ``s0·a^i``, ``c`` channels,
    block dimensions ``dims``, ``Le`` encoder and ``Ld`` decoder blocks."""

    K: int
    s0: int
    a: int
    c: int
    dims: RDims
    Le: int
    Ld: int

    def __post_init__(self) -> None:
        for name in ("K", "s0", "a", "c", "Le", "Ld"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name}: must be a positive integer, got {v!r}")

    @property
    def NK(self) -> int:
        return self.ntok(self.K - 1)

    def rup(self, j: int) -> int:
        """Bicubic factor from side ``j`` to the final side."""
        return int(self.a ** (self.K - 1 - j))

    def rdn(self, j: int) -> int:
        """Area factor from the final side to side ``j + 1``."""
        return int(self.a ** (self.K - 2 - j))


@dataclass(frozen=True)
class ARWeights:
    """Coq's layout ``o_zW … o_pf`` (the class rows and noises are separate inputs)."""

    zW: F64        # (c, d)   z_proj
    zb: F64        # (d,)
    zln: F64       # (d,)     z_proj_ln weight
    pos_enc: F64   # (NK, d)
    enc: tuple[RBlockWeights, ...]
    en: F64        # (d,)     encoder_norm weight
    dW: F64        # (d, d)   decoder_embed
    db: F64        # (d,)
    pos_dec: F64   # (NK, d)
    dec: tuple[RBlockWeights, ...]
    dn: F64        # (d,)     decoder_norm weight
    pos_diff: F64  # (NK, d)
    cos: F64       # (NK, dh) RoPE tables
    sin: F64


def _tables(cfg: ARConfig) -> tuple[F64, F64]:
    cs = [rm.rope_tables(cfg.side(i), cfg.dims.dh) for i in range(cfg.K)]
    return np.concatenate([c for c, _ in cs]), np.concatenate([s for _, s in cs])


def init_ar(cfg: ARConfig, seed: int = 0) -> ARWeights:
    rng = np.random.default_rng(seed)
    d, c, nk = cfg.dims.d, cfg.c, cfg.NK

    def g(shape: tuple[int, ...], std: float) -> F64:
        return np.asarray(rng.standard_normal(shape) * std, dtype=np.float64)

    cos, sin = _tables(cfg)
    return ARWeights(
        zW=g((c, d), 1 / math.sqrt(c)), zb=g((d,), 0.1), zln=1.0 + g((d,), 0.1),
        pos_enc=g((nk, d), 0.1), enc=tuple(init_block(rng, cfg.dims) for _ in range(cfg.Le)),
        en=1.0 + g((d,), 0.1), dW=g((d, d), 1 / math.sqrt(d)), db=g((d,), 0.1),
        pos_dec=g((nk, d), 0.1), dec=tuple(init_block(rng, cfg.dims) for _ in range(cfg.Ld)),
        dn=1.0 + g((d,), 0.1), pos_diff=g((nk, d), 0.1), cos=cos, sin=sin)


def placeholder_ar(cfg: ARConfig) -> ARWeights:
    d, c, nk, dh = cfg.dims.d, cfg.c, cfg.NK, cfg.dims.dh
    z = np.zeros((), dtype=np.float64)

    def p(*shape: int) -> F64:
        return np.broadcast_to(z, shape)

    blk = placeholder_block(cfg.dims)
    return ARWeights(zW=p(c, d), zb=p(d), zln=p(d), pos_enc=p(nk, d), enc=(blk,) * cfg.Le,
                     en=p(d), dW=p(d, d), db=p(d), pos_dec=p(nk, d), dec=(blk,) * cfg.Ld,
                     dn=p(d), pos_diff=p(nk, d), cos=p(nk, dh), sin=p(nk, dh))


def cast_ar(eng: Engine, w: ARWeights) -> ARWeights:
    a = eng.asarray
    return ARWeights(
        zW=a(w.zW), zb=a(w.zb), zln=a(w.zln), pos_enc=a(w.pos_enc),
        enc=tuple(cast_block(eng, b) for b in w.enc), en=a(w.en), dW=a(w.dW), db=a(w.db),
        pos_dec=a(w.pos_dec), dec=tuple(cast_block(eng, b) for b in w.dec), dn=a(w.dn),
        pos_diff=a(w.pos_diff), cos=a(w.cos), sin=a(w.sin))


def embed(eng: Engine, cfg: ARConfig, w: ARWeights, y: Array, j: int) -> Array:
    """Block ``j+1`` of the sequence: ``z_proj(area(bicubic(Ỹ_j)))`` (Coq's ``rembed_at``)."""
    s = cfg.side(j)
    big = cfg.rup(j) * s
    with eng.module("ar.resample"):
        u = pm.up(eng, y, cfg.rup(j), s, s)
        v = pm.down(eng, u, cfg.rdn(j), big, big)
    with eng.module("ar.z_proj"):
        return pm.mlp(eng, v, w.zW, w.zb)


def _concat(eng: Engine, parts: Sequence[Array]) -> Array:
    if eng.dry:
        return eng.placeholder((sum(p.shape[0] for p in parts), parts[0].shape[1]))
    return np.concatenate(parts, axis=0)


def ar_pass(eng: Engine, cfg: ARConfig, w: ARWeights, cls: Array, ys: Sequence[Array],
            i: int) -> Array:
    """``Ŷ_i`` (``tok i × d``) for the class row ``cls`` (``1 × d``) and the earlier outputs
    ``ys[0..i-1]`` (``tok j × c``); ``w`` already in the engine's dtype."""
    d, n, m = cfg.dims.d, cfg.ntok(i), cfg.tok(i)
    row0 = eng.placeholder((cfg.tok(0), d)) if eng.dry else np.broadcast_to(cls, (cfg.tok(0), d))
    x = _concat(eng, [row0] + [embed(eng, cfg, w, ys[j], j) for j in range(i)])
    blocks = [cfg.tok(j) for j in range(i + 1)]
    cos, sin = w.cos[:n], w.sin[:n]
    with eng.module("ar.pos"):
        x = eng.add(x, w.pos_enc[:n])
    with eng.module("ar.norm"):
        x = rm.rmsnorm_w(eng, x, w.zln)
    for bw in w.enc:
        x = block(eng, cfg.dims, bw, x, cls, cos, sin, blocks, prefix="ar.")
    with eng.module("ar.norm"):
        x = rm.rmsnorm_w(eng, x, w.en)
    with eng.module("ar.decoder_embed"):
        x = pm.mlp(eng, x, w.dW, w.db)
    with eng.module("ar.pos"):
        x = eng.add(x, w.pos_dec[:n])
    for bw in w.dec:
        x = block(eng, cfg.dims, bw, x, cls, cos, sin, blocks, prefix="ar.")
    with eng.module("ar.norm"):
        x = rm.rmsnorm_w(eng, x, w.dn)
    with eng.module("ar.pos"):
        x = eng.add(x, w.pos_diff[:n])
    return x[n - m:]


def tiny_ar() -> ARConfig:
    """K = 2 scales of side 1, 2; c = 2; width 4, 2 heads of 2, hidden 5; one encoder and one
    decoder block."""
    return ARConfig(K=2, s0=1, a=2, c=2, dims=RDims(d=4, heads=2, dh=2, dff=5, attn_scale=0.5),
                    Le=1, Ld=1)
