"""A tiny deterministic run of released blocks: the AR transformer's block stack on a sequence.

``stack_forward(cfg, seed)``: the class row ``cond`` (``1 × d``) conditions ``L`` released blocks
(Pipeline/ReleasedBlock.v) run on ``X`` = a seeded ``N × d`` sequence of the scales' tokens
``side_0², …, side_{K−1}²`` with the block-causal mask over the scales and, per scale, that
scale's RoPE table (``rope_tables``); float64, seeded weights, so two runs are bit-identical.
This is the block stack of the released AR transformer, not the whole released pipeline
(z_proj, encoder/decoder, sampling, flow head and CFG are the Coq branches relar/relflow).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ops import Array, Engine, OpCounter
from .modules import rope_tables
from .rblock import RBlockWeights, RDims, block, cast_block, init_block, placeholder_block


@dataclass(frozen=True)
class StackConfig:
    dims: RDims
    L: int
    sides: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.L < 1:
            raise ValueError(f"L: must be >= 1, got {self.L}")
        if not self.sides or any(s < 1 for s in self.sides):
            raise ValueError(f"sides: must be positive, got {self.sides}")

    @property
    def blocks(self) -> list[int]:
        return [s * s for s in self.sides]

    @property
    def n(self) -> int:
        return sum(self.blocks)


@dataclass(frozen=True)
class StackOutput:
    output: Array
    counter: OpCounter | None


def tiny_stack() -> StackConfig:
    """Width 8, 2 heads of 4, hidden 10, two blocks, scales of side 1 and 2 (5 tokens)."""
    return StackConfig(RDims(d=8, heads=2, dh=4, dff=10, attn_scale=0.5), L=2, sides=(1, 2))


def tables(cfg: StackConfig) -> tuple[Array, Array]:
    """The RoPE tables of the whole sequence: each scale's own table, stacked."""
    cs = [rope_tables(s, cfg.dims.dh) for s in cfg.sides]
    return np.concatenate([c for c, _ in cs]), np.concatenate([s for _, s in cs])


def stack_forward(cfg: StackConfig, seed: int = 0, *, counter: OpCounter | None = None,
                  dry: bool = False) -> StackOutput:
    """``L`` released blocks on the seeded sequence; ``dry``: shapes only (counting)."""
    eng = Engine(np.float64, counter, dry)
    rng = np.random.default_rng(seed)
    d = cfg.dims.d
    ws: list[RBlockWeights]
    if dry:
        ws = [placeholder_block(cfg.dims)] * cfg.L
        x, cond = eng.placeholder((cfg.n, d)), eng.placeholder((1, d))
    else:
        ws = [init_block(rng, cfg.dims) for _ in range(cfg.L)]
        x, cond = rng.standard_normal((cfg.n, d)), rng.standard_normal((1, d))
    cos, sin = (eng.asarray(t) for t in tables(cfg))
    for w in ws:
        x = block(eng, cfg.dims, cast_block(eng, w), x, cond, cos, sin, cfg.blocks)
    return StackOutput(x, counter)


def count_stack(cfg: StackConfig) -> OpCounter:
    counter = OpCounter()
    stack_forward(cfg, counter=counter, dry=True)
    return counter
