"""Counted numpy primitives: every arithmetic call of the model goes through here.

The counts are computed from the SHAPES of each vectorized call, never by
touching the data, so counting costs a dictionary update per call.  The
convention is Coq's ``work`` (FlowARProofs/IR/Work.v): a binary operation, a
comparison/max, ``exp`` and ``sqrt`` cost 1; an n-ary sum of ``m`` terms
costs ``m - 1``; wiring (slicing, concatenation, gathers, reshapes) is free.
A matrix product ``(n1 x n2) @ (n2 x n3)`` is, like Coq's ``dot_prog``, one
product per term and one ``n2``-ary sum per entry: ``n1*n3*n2`` mul and
``n1*n3*(n2-1)`` add.

Kinds: ``add`` (additions and subtractions), ``mul``, ``div``, ``max``
(comparisons and maxima), ``exp``, ``sqrt``.

``Engine(dry=True)`` runs the same model code on shapes only: each primitive
returns a zero-strided placeholder of the right shape (no memory, no
arithmetic), so the counts of the paper-size configs come from the very same
code path as the numeric runs.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

KINDS: tuple[str, ...] = ("add", "mul", "div", "max", "exp", "sqrt")

Array = NDArray[Any]


class OpCounter:
    """Operation counts per module and per primitive kind (Python ints, no overflow)."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, module: str, kind: str, n: int) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind: unknown primitive kind {kind!r}")
        if n <= 0:
            return
        per = self.counts.setdefault(module, {})
        per[kind] = per.get(kind, 0) + n

    def by_module(self) -> dict[str, dict[str, int]]:
        """A copy of the counts, ``{module: {kind: count}}``."""
        return {m: dict(k) for m, k in self.counts.items()}

    def by_kind(self) -> dict[str, int]:
        """Counts summed over modules."""
        out: dict[str, int] = {}
        for per in self.counts.values():
            for kind, n in per.items():
                out[kind] = out.get(kind, 0) + n
        return out

    def module_work(self) -> dict[str, int]:
        """Total work (all kinds) per module, Coq's ``work`` of that module."""
        return {m: sum(k.values()) for m, k in self.counts.items()}

    def total(self) -> int:
        return sum(self.module_work().values())


def _size(shape: tuple[int, ...]) -> int:
    return math.prod(shape)


class Engine:
    """The counted primitives, for one dtype, optionally counting, optionally dry."""

    def __init__(self, dtype: Any = np.float64, counter: OpCounter | None = None,
                 dry: bool = False) -> None:
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype: must be float64 or float32, got {self.dtype}")
        self.counter = counter
        self.dry = dry
        self.module_name = "other"
        self.track_scores = False
        self.max_score = 0.0

    # -- bookkeeping -------------------------------------------------------
    @contextlib.contextmanager
    def module(self, name: str) -> Iterator[None]:
        """Attribute the counts of the enclosed calls to module ``name``."""
        saved = self.module_name
        self.module_name = name
        try:
            yield
        finally:
            self.module_name = saved

    def count(self, kind: str, n: int) -> None:
        if self.counter is not None:
            self.counter.add(self.module_name, kind, n)

    def placeholder(self, shape: tuple[int, ...]) -> Array:
        """A read-only zero array of ``shape`` that takes no memory."""
        return np.broadcast_to(np.zeros((), dtype=self.dtype), shape)

    def asarray(self, x: Any) -> Array:
        """Wiring: an input (weights, noise) in the engine's dtype."""
        if self.dry:
            return self.placeholder(np.shape(x))
        return np.asarray(x, dtype=self.dtype)

    # -- element-wise ------------------------------------------------------
    def _ew(self, kind: str, ufunc: Any, *xs: Any, out: Array | None = None) -> Array:
        shape = np.broadcast_shapes(*(np.shape(x) for x in xs))
        self.count(kind, _size(shape))
        if self.dry:
            return self.placeholder(shape)
        if out is not None:
            return ufunc(*xs, out=out)  # type: ignore[no-any-return]
        return ufunc(*xs)  # type: ignore[no-any-return]

    def add(self, x: Any, y: Any, out: Array | None = None) -> Array:
        return self._ew("add", np.add, x, y, out=out)

    def sub(self, x: Any, y: Any, out: Array | None = None) -> Array:
        return self._ew("add", np.subtract, x, y, out=out)

    def mul(self, x: Any, y: Any, out: Array | None = None) -> Array:
        return self._ew("mul", np.multiply, x, y, out=out)

    def div(self, x: Any, y: Any, out: Array | None = None) -> Array:
        return self._ew("div", np.divide, x, y, out=out)

    def maximum(self, x: Any, y: Any, out: Array | None = None) -> Array:
        return self._ew("max", np.maximum, x, y, out=out)

    def lt(self, x: Any, y: Any) -> Array:
        """``x < y`` as the float 1 or 0 (Coq's ``OLt``): a comparison, kind ``max``."""
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        self.count("max", _size(shape))
        if self.dry:
            return self.placeholder(shape)
        return np.less(x, y).astype(self.dtype)  # type: ignore[no-any-return]

    def power(self, x: Array, k: int) -> Array:
        """``x**k`` for ``k >= 1`` as one ``k``-ary product (Coq's ``OProd k`` on ``k`` copies
        of ``x``): ``k - 1`` products per entry (numpy rounds each product)."""
        if k < 1:
            raise ValueError(f"k: must be >= 1, got {k}")
        self.count("mul", _size(np.shape(x)) * (k - 1))
        if self.dry:
            return self.placeholder(np.shape(x))
        out = np.array(x, dtype=self.dtype, copy=True)
        for _ in range(k - 1):
            out = np.multiply(out, x)
        return out

    def sum_terms(self, xs: list[Array]) -> Array:
        """One ``m``-ary sum of ``m`` same-shaped arrays, entry-wise: ``m - 1`` additions each."""
        if not xs:
            raise ValueError("sum_terms: no terms")
        shape = np.broadcast_shapes(*(np.shape(x) for x in xs))
        self.count("add", _size(shape) * (len(xs) - 1))
        if self.dry:
            return self.placeholder(shape)
        return np.sum(np.stack([np.broadcast_to(x, shape) for x in xs]), axis=0)  # type: ignore[no-any-return]

    def exp(self, x: Array, out: Array | None = None) -> Array:
        return self._ew("exp", np.exp, x, out=out)

    def sqrt(self, x: Array, out: Array | None = None) -> Array:
        return self._ew("sqrt", np.sqrt, x, out=out)

    # -- reductions --------------------------------------------------------
    def sum(self, x: Array, axis: int) -> Array:
        """One n-ary sum per output entry: ``m - 1`` additions each."""
        shape = x.shape
        m = shape[axis]
        rest = tuple(s for i, s in enumerate(shape) if i != axis % len(shape))
        self.count("add", _size(rest) * max(m - 1, 0))
        if self.dry:
            return self.placeholder(rest)
        return np.sum(x, axis=axis)  # type: ignore[no-any-return]

    def cumsum(self, x: Array, axis: int) -> Array:
        """Running sums along ``axis`` (``m - 1`` additions per line)."""
        m = x.shape[axis]
        self.count("add", (_size(x.shape) // max(m, 1)) * max(m - 1, 0))
        if self.dry:
            return self.placeholder(x.shape)
        return np.cumsum(x, axis=axis)

    def matmul(self, x: Array, y: Array) -> Array:
        """``x @ y`` with batch broadcasting; each entry is a dot product of length n2."""
        if x.ndim < 2 or y.ndim < 2:
            raise ValueError("matmul: operands must be at least 2-D")
        n1, n2 = x.shape[-2:]
        n2b, n3 = y.shape[-2:]
        if n2 != n2b:
            raise ValueError(f"matmul: inner dimensions differ ({n2} vs {n2b})")
        batch = np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        entries = _size(batch) * n1 * n3
        self.count("mul", entries * n2)
        self.count("add", entries * max(n2 - 1, 0))
        if self.dry:
            return self.placeholder((*batch, n1, n3))
        return np.matmul(x, y)  # type: ignore[no-any-return]


def merge_counts(*parts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Sum several ``{module: {kind: n}}`` tables."""
    out: dict[str, dict[str, int]] = {}
    for part in parts:
        for module, per in part.items():
            dst = out.setdefault(module, {})
            for kind, n in per.items():
                dst[kind] = dst.get(kind, 0) + n
    return out
