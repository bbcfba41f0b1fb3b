"""An "exact-rounding" arithmetic for the numpy model: Coq's float semantics in float64.

The numpy model routes every primitive through :class:`~py_bridge.model.ops.Engine`;
this subclass is the pluggable arithmetic that makes the same model code compute what
Coq's float semantics computes, operation for operation:

- element-wise ``+ - * /`` and ``max`` are numpy's binary64 operations, correctly rounded
  to nearest-even like Coq's ``fadd``/``fsub``/``fmul``/``fdiv`` at ``p = 53``;
- an n-ary sum is rounded ONCE (Coq's ``fsum``): ``math.fsum`` (exactly rounded);
- a matrix product is Coq's ``fdot``: each product rounded, then one n-ary sum;
- ``exp`` and ``sqrt`` are :func:`~.floats.fexp_c` / :func:`~.floats.fsqrt_c`, bit-identical
  to Coq's ``fexp_c`` / ``fsqrt_c`` (Float/Computable.v).

Counting and dry runs behave as in the base engine.  Speed: Python loops per entry, meant
for the tiny configuration only; the vectorized base engine stays the default.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..model.ops import Array, Engine
from .floats import fexp_c, fsqrt_c


def _fsum_axis(x: Array, axis: int) -> Array:
    moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.array([math.fsum(row) for row in flat.tolist()], dtype=np.float64)
    return out.reshape(moved.shape[:-1])


def _map(f: Any, x: Array, out: Array | None) -> Array:
    arr = np.asarray(x, dtype=np.float64)
    res = np.array([f(v) for v in arr.ravel().tolist()], dtype=np.float64).reshape(arr.shape)
    if out is not None:
        out[...] = res
        return out
    return res


class ExactEngine(Engine):
    """The model's primitives with Coq's rounding: n-ary sums rounded once, Coq's exp/sqrt."""

    def __init__(self, counter: Any = None, dry: bool = False) -> None:
        super().__init__(np.float64, counter, dry)

    def exp(self, x: Array, out: Array | None = None) -> Array:
        return self._ew("exp", lambda v, out=None: _map(fexp_c, v, out), x, out=out)

    def sqrt(self, x: Array, out: Array | None = None) -> Array:
        return self._ew("sqrt", lambda v, out=None: _map(fsqrt_c, v, out), x, out=out)

    def sum(self, x: Array, axis: int) -> Array:
        shape = x.shape
        m = shape[axis]
        rest = tuple(s for i, s in enumerate(shape) if i != axis % len(shape))
        self.count("add", math.prod(rest) * max(m - 1, 0))
        if self.dry:
            return self.placeholder(rest)
        return _fsum_axis(x, axis)

    def cumsum(self, x: Array, axis: int) -> Array:
        m = x.shape[axis]
        self.count("add", (math.prod(x.shape) // max(m, 1)) * max(m - 1, 0))
        if self.dry:
            return self.placeholder(x.shape)
        moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
        parts = [_fsum_axis(moved[: j + 1], 0) for j in range(m)]
        return np.moveaxis(np.stack(parts), 0, axis)

    def matmul(self, x: Array, y: Array) -> Array:
        if x.ndim < 2 or y.ndim < 2:
            raise ValueError("matmul: operands must be at least 2-D")
        n1, n2 = x.shape[-2:]
        n2b, n3 = y.shape[-2:]
        if n2 != n2b:
            raise ValueError(f"matmul: inner dimensions differ ({n2} vs {n2b})")
        batch = np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        entries = math.prod(batch) * n1 * n3
        self.count("mul", entries * n2)
        self.count("add", entries * max(n2 - 1, 0))
        if self.dry:
            return self.placeholder((*batch, n1, n3))
        prods = np.asarray(x)[..., :, :, None] * np.asarray(y)[..., None, :, :]  # (.., n1, n2, n3)
        return _fsum_axis(prods, -2)
