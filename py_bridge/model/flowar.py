"""The K-scale FlowAR inference pipeline (mirrors FlowARProofs/Pipeline/*.v).

{Layer.v}  one pre-norm transformer layer:
    Z = LN1(X);  X1 = X + MHA(Z);  X2 = X1 + FFN_inner(LN2(X1)),
    FFN_inner(z) = W2 ReLU(W1 z + b1) + b2   (no inner residual).
{FlowHead.v}  the velocity network and T Euler steps at scale i (M = tok i tokens):
    V(F, Y^, t) = MLP_out(Lf unmasked layers on (MLP_in(F) + Y^ + t*e)),
    F_{k+1} = F_k + (1/T) * V(F_k, Y^, k/T),  k = 0 .. T-1,  F_0 = the noise.
{FlowAR.v}  for i = 0 .. K-1:
    X_i = [cond ; Emb(Up(Y~_0)) ; ... ; Emb(Up(Y~_{i-1}))]   (ntok i x d)
    X_i = L layers on X_i, block-causal mask over the blocks (tok 0, ..., tok i)
    Y^_i = the last tok i rows of X_i
    Y~_i = T Euler steps from the noise F_i^0, conditioned on Y^_i
  output Y~_{K-1}  (n^2 x c, n = s0 * a^(K-1)).
As in the Coq program, the sequence (with every embedding) and the whole
transformer are recomputed at every scale (no KV cache), so the op counts
follow Coq's ``work`` of ``flowar_prog``.

Counted modules: ``up``, ``embed`` (MLP c -> d), ``layernorm``, ``attention``
(multi-head, with Q/K/V/O projections), ``residual``, ``ffn``, ``flow_in``
(MLP_in, + Y^, + t*e), ``flow_out`` (MLP_out), ``euler``; each prefixed by
``ar.`` (AR transformer) or ``head.`` (velocity network) where it occurs in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import modules as mod
from .attention import AttentionSpec, mha
from .config import FlowARConfig
from .ops import Array, Engine, OpCounter
from .weights import (
    FlowARWeights,
    FlowHeadWeights,
    LayerWeights,
    placeholder_noise,
    placeholder_weights,
)


def residual(eng: Engine, x: Array, y: Array) -> Array:
    """The skip connection ``x + y``."""
    return eng.add(x, y)


def layer(eng: Engine, w: LayerWeights, x: Array, scale: float, blocks: Sequence[int],
          spec: AttentionSpec, prefix: str) -> Array:
    """One pre-norm layer on ``x`` (``N x d``) with the block-causal mask ``blocks``."""
    with eng.module(prefix + "layernorm"):
        z = mod.layernorm_affine(eng, x, w.g1, w.b1)
    with eng.module(prefix + "attention"):
        att = mha(eng, z, w.wq, w.wk, w.wv, w.wo, scale, blocks, spec)
    with eng.module(prefix + "residual"):
        x1 = residual(eng, x, att)
    with eng.module(prefix + "layernorm"):
        z2 = mod.layernorm_affine(eng, x1, w.g2, w.b2)
    with eng.module(prefix + "ffn"):
        f = mod.ffn_inner(eng, z2, w.w1, w.c1, w.w2, w.c2)
    with eng.module(prefix + "residual"):
        return residual(eng, x1, f)


def velocity(eng: Engine, hw: FlowHeadWeights, f: Array, yhat: Array, t: float,
             scale: float, spec: AttentionSpec) -> Array:
    """The velocity network ``V(F, Y^, t)`` (Coq's ``fvel``), unmasked over the scale."""
    with eng.module("head.flow_in"):
        s = eng.add(mod.mlp(eng, f, hw.w_in, hw.b_in), yhat)
        h = mod.xpby(eng, s, t, hw.e)                 # S + t*e, per entry
    m = f.shape[0]
    for lw in hw.layers:
        h = layer(eng, lw, h, scale, [m], spec, "head.")
    with eng.module("head.flow_out"):
        return mod.mlp(eng, h, hw.w_out, hw.b_out)


def flow_head(eng: Engine, hw: FlowHeadWeights, f0: Array, yhat: Array, steps: int,
              scale: float, spec: AttentionSpec) -> Array:
    """``steps`` Euler steps from ``f0`` with ``t_k = k/T``, ``dt = 1/T`` (Coq's ``fflow``)."""
    f = f0
    dt = 1.0 / steps
    for k in range(steps):
        v = velocity(eng, hw, f, yhat, k / steps, scale, spec)
        with eng.module("head.euler"):
            f = mod.euler(eng, f, dt, v)
    return f


def embed(eng: Engine, cfg: FlowARConfig, w: FlowARWeights, y: Array, j: int) -> Array:
    """Block ``j+1`` of the sequence: ``Emb(Up(Y~_j))`` (Coq's ``fembed``)."""
    side = cfg.side(j)
    with eng.module("up"):
        u = mod.up(eng, y, cfg.a, side, side)
    with eng.module("embed"):
        return mod.mlp(eng, u, w.emb_w, w.emb_b)


def _concat(eng: Engine, parts: list[Array]) -> Array:
    if eng.dry:
        return eng.placeholder((sum(p.shape[0] for p in parts), parts[0].shape[1]))
    return np.concatenate(parts, axis=0)


@dataclass(frozen=True)
class FlowAROutput:
    """The output ``Y~_{K-1}`` and every scale's ``Y~_i``."""

    output: Array
    scales: tuple[Array, ...]


def flowar_forward(cfg: FlowARConfig, weights: FlowARWeights, noise: Sequence[Array], *,
                   attention: AttentionSpec | None = None, dtype: type = np.float64,
                   counter: OpCounter | None = None, dry: bool = False,
                   engine: Engine | None = None) -> FlowAROutput:
    """Run the pipeline; ``noise[i]`` is ``F_i^0`` (``tok i x c``).

    ``attention`` selects exact or fast attention (default: exact); ``counter``
    collects the op counts; ``dry`` runs on shapes only (counting, no arithmetic).
    """
    spec = attention or AttentionSpec()
    eng = engine or Engine(dtype, counter, dry)
    if len(noise) != cfg.K:
        raise ValueError(f"noise: expected {cfg.K} arrays, got {len(noise)}")
    for i, f0 in enumerate(noise):
        if tuple(np.shape(f0)) != (cfg.tok(i), cfg.c):
            raise ValueError(f"noise[{i}]: expected shape {(cfg.tok(i), cfg.c)}, "
                             f"got {tuple(np.shape(f0))}")
    w = _cast(eng, weights)
    cond = w.cond
    outs: list[Array] = []
    for i in range(cfg.K):
        parts = [cond] + [embed(eng, cfg, w, outs[j], j) for j in range(i)]
        x = _concat(eng, parts)
        blocks = [cfg.tok(j) for j in range(i + 1)]
        for lw in w.layers:
            x = layer(eng, lw, x, cfg.scale, blocks, spec, "ar.")
        yhat = x[cfg.ntok(i) - cfg.tok(i):]
        outs.append(flow_head(eng, w.head, eng.asarray(noise[i]), yhat, cfg.T, cfg.scale, spec))
    return FlowAROutput(outs[-1], tuple(outs))


def count_ops(cfg: FlowARConfig, attention: AttentionSpec | None = None) -> OpCounter:
    """The op counts of one inference, from a shape-only run (any config size)."""
    counter = OpCounter()
    flowar_forward(cfg, placeholder_weights(cfg), placeholder_noise(cfg), attention=attention,
                   counter=counter, dry=True)
    return counter


def _cast_layer(eng: Engine, lw: LayerWeights) -> LayerWeights:
    return LayerWeights(*(eng.asarray(getattr(lw, f)) for f in LayerWeights.__dataclass_fields__))


def _cast(eng: Engine, w: FlowARWeights) -> FlowARWeights:
    head = FlowHeadWeights(
        w_in=eng.asarray(w.head.w_in), b_in=eng.asarray(w.head.b_in), e=eng.asarray(w.head.e),
        layers=tuple(_cast_layer(eng, lw) for lw in w.head.layers),
        w_out=eng.asarray(w.head.w_out), b_out=eng.asarray(w.head.b_out))
    return FlowARWeights(cond=eng.asarray(w.cond), emb_w=eng.asarray(w.emb_w),
                         emb_b=eng.asarray(w.emb_b),
                         layers=tuple(_cast_layer(eng, lw) for lw in w.layers), head=head,
                         score_bound=w.score_bound)
