"""The released pipeline's scale loop with classifier-free guidance (mirrors
``flowar_released_float`` / ``flowar_released_prog`` of Pipeline/ReleasedPipeline.v, branch relar).

For each scale ``i``: the AR pass (``ar.ar_pass``) runs for the class row and for the null-class
row on the same earlier outputs, and a flow head turns the noise ``F_i`` and the two conditions
into the scale's output ``Ỹ_i``; the output is ``Ỹ_{K−1}``. The head is a parameter, as Coq's
``RHead``: ``identity_head`` (output = the noise, no arithmetic) is the stand-in the Coq witness
``rw_pipeline_idhead`` uses (Witnesses/ReleasedARWork.v), until the released flow head (branch
relflow) meets the interface.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..ops import Array, Engine, OpCounter
from .ar import ARConfig, ARWeights, ar_pass, cast_ar, init_ar, placeholder_ar, tiny_ar

#: ``head(eng, i, F_i, Ŷc_i, Ŷu_i) -> Ỹ_i`` (``tok i × c``).
Head = Callable[[Engine, int, Array, Array, Array], Array]


def identity_head(eng: Engine, i: int, f0: Array, yc: Array, yu: Array) -> Array:
    """Coq's ``ReleasedHeadCopy.copy_head``: the noise, unchanged (wiring only)."""
    return f0


@dataclass(frozen=True)
class PipelineOutput:
    output: Array
    outputs: tuple[Array, ...]


def released_forward(eng: Engine, cfg: ARConfig, w: ARWeights, cls: Array, null: Array,
                     noise: Sequence[Array], head: Head = identity_head) -> PipelineOutput:
    """All ``K`` scales; ``w``, ``cls``, ``null`` and ``noise`` in the engine's dtype."""
    if len(noise) != cfg.K:
        raise ValueError(f"noise: expected {cfg.K} arrays, got {len(noise)}")
    outs: list[Array] = []
    for i in range(cfg.K):
        yc = ar_pass(eng, cfg, w, cls, outs, i)
        yu = ar_pass(eng, cfg, w, null, outs, i)
        outs.append(head(eng, i, noise[i], yc, yu))
    return PipelineOutput(outs[-1], tuple(outs))


def tiny_run(seed: int = 0, *, counter: OpCounter | None = None, dry: bool = False,
             cfg: ARConfig | None = None) -> PipelineOutput:
    """The tiny released pipeline (``tiny_ar``, identity head) on seeded weights and inputs."""
    cfg = cfg or tiny_ar()
    eng = Engine(np.float64, counter, dry)
    rng = np.random.default_rng(seed + 1)
    d, c = cfg.dims.d, cfg.c
    if dry:
        w = cast_ar(eng, placeholder_ar(cfg))
        cls, null = eng.placeholder((1, d)), eng.placeholder((1, d))
        noise = [eng.placeholder((cfg.tok(i), c)) for i in range(cfg.K)]
    else:
        w = cast_ar(eng, init_ar(cfg, seed))
        cls, null = rng.standard_normal((1, d)), rng.standard_normal((1, d))
        noise = [rng.standard_normal((cfg.tok(i), c)) for i in range(cfg.K)]
    return released_forward(eng, cfg, w, cls, null, noise)
