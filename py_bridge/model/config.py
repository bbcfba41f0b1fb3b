"""Model configurations: a small typed dataclass and the presets.

The fields follow Coq's ``Config`` record (FlowARProofs/Pipeline/FlowAR.v) and
its ``LDims`` (Pipeline/Layer.v): ``K`` scales of side ``s0 * a**i``, latent
channels ``c``, the transformer width ``d`` with ``heads`` heads of width
``dh``, FFN width ``dff``, ``L`` AR layers, ``Lf`` velocity-network layers and
``T`` Euler steps per scale.  The flow head has the AR transformer's
dimensions (Coq's ``FD cfg`` reuses ``LD cfg``).  ``attn_scale`` is the
attention scale (Coq's ``lscale``, a rational rounded once); ``None`` means
``1/sqrt(dh)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from py_bridge.errors import BridgeError
from py_bridge.obligations import config as toml_config


class ScaleGeometry:
    """Sides and token counts of the geometric scale schedule, for any config with ``s0``, ``a``
    (shared by the paper model's and the released model's configs)."""

    s0: int
    a: int

    def side(self, i: int) -> int:
        """Side of scale ``i`` (Coq's ``side cfg i = s0 * a^i``)."""
        return int(self.s0 * self.a**i)

    def tok(self, i: int) -> int:
        """Tokens of scale ``i`` (``side i ** 2``)."""
        return self.side(i) ** 2

    def ntok(self, i: int) -> int:
        """Tokens of the AR sequence at scale ``i`` (blocks ``0..i``)."""
        return sum(self.tok(j) for j in range(i + 1))


@dataclass(frozen=True)
class FlowARConfig(ScaleGeometry):
    """Dimensions of the numpy FlowAR (the paper's model, as Coq states it)."""

    K: int
    s0: int
    a: int
    c: int
    d: int
    heads: int
    dh: int
    dff: int
    L: int
    Lf: int
    T: int
    attn_scale: float | None = None
    name: str = "custom"

    def __post_init__(self) -> None:
        for field in ("K", "s0", "a", "c", "d", "heads", "dh", "dff", "L", "Lf", "T"):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{field}: must be a positive integer, got {value!r}")
        if self.attn_scale is not None and not (
            isinstance(self.attn_scale, float) and math.isfinite(self.attn_scale)
        ):
            raise ValueError(f"attn_scale: must be a finite float or None, got {self.attn_scale!r}")

    @property
    def scale(self) -> float:
        """The attention scale actually used."""
        return 1.0 / math.sqrt(self.dh) if self.attn_scale is None else self.attn_scale

    @property
    def n(self) -> int:
        """Side of the output latent (the last scale)."""
        return self.side(self.K - 1)


def from_validated(cfg: toml_config.FlowARConfig, name: str | None = None) -> FlowARConfig:
    """The model config of a validated TOML config (`py_bridge.obligations.config.load_config`),
    with its rational attention scale rounded once. A config the Coq model cannot represent
    (non-geometric scales, a flow head shaped differently from the AR layers) is a
    `BridgeError` naming why."""
    problems = toml_config.coverage_problems(cfg)
    if problems:
        raise BridgeError(f"config {cfg.name}: {problems[0]}")
    sn, sd = cfg.attention_scale
    return FlowARConfig(K=cfg.K, s0=cfg.s0, a=cfg.factor, c=cfg.channels, d=cfg.ar.width,
                        heads=cfg.ar.heads, dh=cfg.ar.head_dim, dff=cfg.ar.ffn_width,
                        L=cfg.layers, Lf=cfg.flow_layers, T=cfg.euler_updates,
                        attn_scale=sn / sd, name=cfg.name if name is None else name)


def load_model_config(path: Path | str) -> FlowARConfig:
    """`from_validated` of the TOML file at `path` (bad input: a one-line `BridgeError`)."""
    return from_validated(toml_config.load_config(Path(path)))


# The presets are the shipped configs/*.toml (tests/test_model.py checks that they agree field by
# field); written out because configs/ is not package data.

def tiny_config() -> FlowARConfig:
    """The tiny config of the cross-check (K=2, s0=1, c=2, width 4, 2 heads, scale 1/2 as in
    configs/tiny.toml and Witnesses/Runtime.v)."""
    return FlowARConfig(K=2, s0=1, a=2, c=2, d=4, heads=2, dh=2, dff=16, L=1, Lf=1, T=2,
                        attn_scale=1 / 2, name="tiny")


def _paper(name: str, d: int, heads: int, L: int, Lf: int, T: int,
           scale: float) -> FlowARConfig:
    return FlowARConfig(K=5, s0=1, a=2, c=16, d=d, heads=heads, dh=d // heads, dff=4 * d,
                        L=L, Lf=Lf, T=T, attn_scale=scale, name=name)


def flowar_s() -> FlowARConfig:
    """The paper model's S dimensions (width 768, 12 heads, L=12, Lf=2, T=24, scale 1/8)."""
    return _paper("flowar-s", 768, 12, 12, 2, 24, 1 / 8)


def flowar_l() -> FlowARConfig:
    """The paper model's L dimensions (width 1024, 16 heads, L=16, Lf=12, T=24, scale 1/8)."""
    return _paper("flowar-l", 1024, 16, 16, 12, 24, 1 / 8)


def flowar_h() -> FlowARConfig:
    """The paper model's H dimensions (width 1536, 16 heads, L=30, Lf=12, T=50); scale 51/500,
    the rational configs/flowar-h.toml uses for 1/sqrt(96)."""
    return _paper("flowar-h", 1536, 16, 30, 12, 50, 51 / 500)


PRESETS = {"tiny": tiny_config, "flowar-s": flowar_s, "flowar-l": flowar_l, "flowar-h": flowar_h}
