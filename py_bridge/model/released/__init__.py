"""numpy FlowAR, released variant: the modules and the adaLN block of wangqiang9/FlowAR as the
Coq released definitions state them (Modules/RMSNorm.v, SiLU.v, GELU.v + ErfAS.v, SwiGLU.v,
AdaLN.v, RoPE.v, RAttention.v; Pipeline/ReleasedBlock.v), with the paper variant's counted
primitives (``..ops``) and attention core (``..attention``).

``modules`` (one function per Coq module), ``rblock`` (the released block, its weights),
``stack`` (a deterministic tiny run of released blocks), ``ar`` (the AR pass of the released
pipeline, Pipeline/ReleasedAR.v), ``pipeline`` (the scale loop with the two AR passes of
classifier-free guidance and a flow head parameter, Pipeline/ReleasedPipeline.v).
"""

from .modules import (
    AS_A,
    AS_P,
    RMS_EPS,
    SQRT1_2,
    adamod,
    erf_as,
    gate,
    gelu,
    modulate,
    rattention,
    rmha,
    rmsnorm,
    rmsnorm_w,
    rope,
    rope_tables,
    silu,
    swiglu,
)
from .rblock import RBlockWeights, RDims, block, init_block, placeholder_block
from .stack import StackConfig, StackOutput, count_stack, stack_forward, tiny_stack

__all__ = [
    "AS_A", "AS_P", "RMS_EPS", "SQRT1_2", "RBlockWeights", "RDims", "StackConfig",
    "StackOutput", "adamod", "block", "count_stack", "erf_as", "gate", "gelu", "init_block",
    "modulate", "placeholder_block", "rattention", "rmha", "rmsnorm", "rmsnorm_w", "rope",
    "rope_tables", "silu", "stack_forward", "swiglu", "tiny_stack",
]
