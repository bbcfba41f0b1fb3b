"""numpy FlowAR: the paper's model exactly as the Coq definitions state it.

``config`` (dimensions, presets), ``weights`` (seeded, score-bounded),
``ops`` (counted primitives, per module and kind), ``modules`` (sampling,
MLP, FFN, LayerNorm, flow matching), ``attention`` (exact block-causal in
query blocks; the polynomial method), ``flowar`` (layer, flow head, pipeline),
``crosscheck`` (comparing op counts against expected values).
The released variant (the released FlowAR code as the Coq released definitions
state it) is the subpackage ``released``; it reuses ``ops``, ``modules`` and
``attention``.
"""

from .attention import AttentionSpec, attention_exact, attention_fast, mha, monomial_plan
from .config import (
    PRESETS,
    FlowARConfig,
    flowar_h,
    flowar_l,
    flowar_s,
    from_validated,
    load_model_config,
    tiny_config,
)
from .crosscheck import Mismatch, compare_counts, work_totals
from .flowar import FlowAROutput, count_ops, flowar_forward
from .ops import KINDS, Engine, OpCounter
from .weights import FlowARWeights, init_noise, init_weights

__all__ = [
    "KINDS", "PRESETS", "AttentionSpec", "Engine", "FlowARConfig", "FlowAROutput",
    "FlowARWeights", "Mismatch", "OpCounter", "attention_exact", "attention_fast",
    "compare_counts", "count_ops", "flowar_forward", "flowar_h", "flowar_l", "flowar_s",
    "from_validated", "init_noise", "load_model_config", "init_weights", "mha",
    "monomial_plan", "tiny_config", "work_totals",
]
