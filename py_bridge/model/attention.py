"""Multi-head attention, block-causal: exact (in query blocks) and the polynomial method.

Mirrors FlowARProofs/Modules/Attention.v.  Tokens are ordered block by block
(condition, then scale 1, 2, ...); a token of block ``b`` sees every token of
blocks ``<= b`` (Coq's ``bc_lim``): its keys are a PREFIX of the sequence, of
length ``lim`` constant over the block.  The blocks are given as the list of
their token counts; one block ``[N]`` is unmasked attention.

Exact attention (Coq's ``attn_at``), per head and per query row ``i``:
``S_ij = scale * (q_i . k_j)``, ``A_ij = exp(S_ij)`` for ``j < lim_i``,
``out_i = (sum_j A_ij v_j) / (sum_j A_ij)`` -- no max subtraction, masked
entries never computed, each entry divided by its row sum.  Query rows are
processed in tiles of ``qblock`` rows x ``kblock`` keys inside one mask block
(row sums and numerators accumulated over the key tiles, which takes the same
number of additions as one ``lim``-ary sum), so exactly ``rows x lim`` scores
are computed per query row block and peak memory is ``heads x qblock x kblock``
floats beside the ``O(N d)`` activations, not ``N^2``.

Fast attention (Alman-Song polynomial method): ``exp(s)`` is replaced by its
degree-``g`` Taylor polynomial, ``sum_{m<=g} s^m/m!``.  With
``s = scale * sum_l q_l k_l`` the multinomial theorem gives
``sum_{|alpha|<=g} (scale^|alpha| / alpha!) q^alpha k^alpha = <phi(q), psi(k)>``
with ``phi(q)_alpha = (scale^|alpha|/alpha!) q^alpha`` and ``psi(k)_alpha = k^alpha``
over all monomials of degree ``<= g`` in ``dh`` variables (rank
``r = C(dh+g, g)``; coefficients on the query side, no square roots).
Block-causal masking by prefix sums over the blocks of
``psi(K_b)^T [V_b, 1]`` (``r x (dh+1)``); work ``O(N * r * dh)``.  Features are
computed in token chunks of ``tblock`` (memory ``O(tblock * r)``; the chunk sums
of a block are added, again the count of one sum over the block).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .ops import Array, Engine

AttentionKind = Literal["exact", "fast"]


@dataclass(frozen=True)
class AttentionSpec:
    """Which attention to run: ``exact`` (tiles of ``qblock`` query rows x ``kblock`` keys;
    ``None`` picks cache-sized tiles) or ``fast`` (Taylor degree ``degree``, token chunks
    of ``tblock``)."""

    kind: AttentionKind = "exact"
    degree: int = 4
    qblock: int | None = None
    kblock: int | None = None
    tblock: int = 2048

    def __post_init__(self) -> None:
        if self.kind not in ("exact", "fast"):
            raise ValueError(f"kind: must be 'exact' or 'fast', got {self.kind!r}")
        if self.degree < 0:
            raise ValueError(f"degree: must be >= 0, got {self.degree}")
        for name in ("qblock", "kblock", "tblock"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name}: must be >= 1, got {value}")


def key_limits(blocks: Sequence[int]) -> list[tuple[int, int, int]]:
    """``(start, stop, lim)`` for each block: rows ``start..stop-1`` see keys ``< lim``
    (Coq's ``bc_lim``: ``lim`` is the end of the row's block)."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    for size in blocks:
        out.append((pos, pos + size, pos + size))
        pos += size
    return out


def auto_tiles(nheads: int, dh: int, rows: int, lim: int) -> tuple[int, int]:
    """Query rows and keys per tile.  Narrow heads: the element-wise passes (scale, exp,
    sums) dominate, so about ``2**16`` scores per tile (cache-sized); wide heads: the two
    products dominate and want more rows per call, about ``2**18`` scores."""
    wide = dh >= 32
    q = min(rows, 256 if wide else 128)
    tile = 2**18 if wide else 2**16
    k = max(128, tile // max(1, nheads * q))
    return q, min(k, lim)


def scale_scores(eng: Engine, s: Array, scale: float) -> Array:
    """``scale * s`` entry-wise, in place (one product per score, as Coq multiplies the
    rounded dot product)."""
    return eng.mul(s, scale, out=None if eng.dry else s)


def attention_exact(eng: Engine, q: Array, k: Array, v: Array, scale: float,
                    blocks: Sequence[int], qblock: int | None = None,
                    kblock: int | None = None) -> Array:
    """Exact masked attention for all heads: ``q, k, v`` of shape ``(H, N, dh)``.

    Tiles of ``qblock`` query rows x ``kblock`` keys; the row sums and numerators of a
    row are accumulated over its key tiles (``lim - 1`` additions per sum in total, the
    same count as one ``lim``-ary sum).
    """
    nheads, n, dh = q.shape
    out = eng.placeholder((nheads, n, dh)) if eng.dry else np.empty((nheads, n, dh), q.dtype)
    kt = k.transpose(0, 2, 1) if eng.dry else np.ascontiguousarray(k.transpose(0, 2, 1))
    for start, stop, lim in key_limits(blocks):
        lim = min(lim, n)
        rows, keys = auto_tiles(nheads, dh, stop - start, lim)
        rows, keys = qblock or rows, kblock or keys
        for r0 in range(start, stop, rows):
            r1 = min(r0 + rows, stop)
            den: Array | None = None
            num: Array | None = None
            for c0 in range(0, lim, keys):
                c1 = min(c0 + keys, lim)
                s = eng.matmul(q[:, r0:r1], kt[:, :, c0:c1])    # (H, rows, keys) dot products
                s = scale_scores(eng, s, scale)
                if eng.track_scores and not eng.dry:
                    eng.max_score = max(eng.max_score, float(np.max(np.abs(s))))
                a = eng.exp(s, out=None if eng.dry else s)
                d_part = eng.sum(a, axis=-1)                   # (H, rows)
                n_part = eng.matmul(a, v[:, c0:c1])             # (H, rows, dh)
                den = d_part if den is None else eng.add(den, d_part, out=_inplace(eng, den))
                num = n_part if num is None else eng.add(num, n_part, out=_inplace(eng, num))
            if den is None or num is None:
                raise ValueError("blocks: a query row sees no key")
            o = eng.div(num, den[..., None])                    # each entry divided
            if not eng.dry:
                out[:, r0:r1] = o
    return out


def _inplace(eng: Engine, x: Array) -> Array | None:
    return None if eng.dry else x


# ---------------------------------------------------------------------------
# The polynomial method
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MonomialPlan:
    """Monomials of degree ``<= g`` in ``dh`` variables, graded: ``exps[a]`` is the
    exponent vector of feature ``a``; ``levels[m-2] = (start, parent, var)`` builds
    the degree-``m`` features (``m >= 2``) as ``feat[parent] * x[var]``."""

    dh: int
    degree: int
    exps: NDArray[np.intp]
    levels: tuple[tuple[int, NDArray[np.intp], NDArray[np.intp]], ...]

    @property
    def rank(self) -> int:
        return int(self.exps.shape[0])

    def coefficients(self, scale: float) -> NDArray[np.float64]:
        """``scale^|alpha| / alpha!`` for every monomial (the multinomial weights)."""
        deg = self.exps.sum(axis=1)
        fact = np.array([math.prod(math.factorial(int(e)) for e in row) for row in self.exps],
                        dtype=np.float64)
        return np.asarray(scale ** deg.astype(np.float64) / fact, dtype=np.float64)


@lru_cache(maxsize=32)
def monomial_plan(dh: int, degree: int) -> MonomialPlan:
    """The graded monomial basis; its size is ``C(dh + degree, degree)``."""
    exps: list[tuple[int, ...]] = [(0,) * dh]
    last: list[int] = [-1]            # largest variable of each monomial (-1 for 1)
    prev = [0]                        # indices of the previous degree
    if degree >= 1:
        prev = []
        for var in range(dh):
            e = [0] * dh
            e[var] = 1
            prev.append(len(exps))
            exps.append(tuple(e))
            last.append(var)
    levels: list[tuple[int, NDArray[np.intp], NDArray[np.intp]]] = []
    for _m in range(2, degree + 1):
        start = len(exps)
        parents: list[int] = []
        variables: list[int] = []
        cur: list[int] = []
        for p in prev:
            for var in range(last[p], dh):
                e = list(exps[p])
                e[var] += 1
                parents.append(p)
                variables.append(var)
                cur.append(len(exps))
                exps.append(tuple(e))
                last.append(var)
        levels.append((start, np.array(parents, dtype=np.intp), np.array(variables, dtype=np.intp)))
        prev = cur
    plan = MonomialPlan(dh, degree, np.array(exps, dtype=np.intp), tuple(levels))
    if plan.rank != math.comb(dh + degree, degree):
        raise AssertionError("monomial basis has the wrong size")
    return plan


def monomials(eng: Engine, xt: Array, plan: MonomialPlan) -> Array:
    """All monomials of degree ``<= g`` of the variables ``xt`` (``(dh, ...)``, variable
    first): ``(r, ...)``, feature first (so each gather is a contiguous row copy).

    Degree 0 (the constant 1) and 1 (the variables) are wiring; each monomial of
    degree ``m >= 2`` is one product of a degree-``m-1`` monomial and a variable.
    """
    rest = xt.shape[1:]
    shape = (plan.rank, *rest)
    if eng.dry:
        for _start, parent, _var in plan.levels:
            eng.count("mul", math.prod(rest) * len(parent))
        return eng.placeholder(shape)
    feats = np.empty(shape, dtype=xt.dtype)
    feats[0] = 1.0
    if plan.degree >= 1:
        feats[1:plan.dh + 1] = xt
    for start, parent, var in plan.levels:
        eng.mul(feats[parent], xt[var], out=feats[start:start + len(parent)])
    return feats


def _transposed(eng: Engine, x: Array) -> Array:
    """``(H, n, dh) -> (dh, H, n)``, contiguous (wiring)."""
    t = x.transpose(2, 0, 1)
    return t if eng.dry else np.ascontiguousarray(t)


def attention_fast(eng: Engine, q: Array, k: Array, v: Array, scale: float,
                   blocks: Sequence[int], degree: int, tblock: int = 2048) -> Array:
    """Polynomial-method attention for all heads, block-causal by prefix sums."""
    nheads, n, dh = q.shape
    plan = monomial_plan(dh, degree)
    coef = eng.asarray(plan.coefficients(scale))[:, None, None]
    segs = key_limits(blocks)
    sums: list[Array] = []
    for s0, s1, _ in segs:                      # psi(K_b)^T [V_b, 1] per mask block
        acc: Array | None = None
        for c0 in range(s0, s1, tblock):
            c1 = min(c0 + tblock, s1)
            psi = monomials(eng, _transposed(eng, k[:, c0:c1]), plan)         # (r, H, nc)
            if eng.dry:
                vext = eng.placeholder((nheads, c1 - c0, dh + 1))
            else:
                vext = np.concatenate([v[:, c0:c1], np.ones((nheads, c1 - c0, 1), v.dtype)],
                                      axis=-1)
            part = eng.matmul(psi.transpose(1, 0, 2), vext)                    # (H, r, dh+1)
            acc = part if acc is None else eng.add(acc, part, out=_inplace(eng, acc))
        if acc is None:
            raise ValueError("blocks: empty mask block")
        sums.append(acc)
    stacked = eng.placeholder((len(sums), *sums[0].shape)) if eng.dry else np.stack(sums)
    prefix = eng.cumsum(stacked, axis=0)                                       # block-causal
    out = eng.placeholder((nheads, n, dh)) if eng.dry else np.empty((nheads, n, dh), q.dtype)
    for b, (s0, s1, _) in enumerate(segs):
        pt = prefix[b].transpose(0, 2, 1)                                      # (H, dh+1, r)
        for c0 in range(s0, s1, tblock):
            c1 = min(c0 + tblock, s1)
            phi = monomials(eng, _transposed(eng, q[:, c0:c1]), plan)         # (r, H, nc)
            phi = eng.mul(phi, coef, out=_inplace(eng, phi))                  # query-side coefs
            nd = eng.matmul(pt, phi.transpose(1, 0, 2))                        # (H, dh+1, nc)
            o = eng.div(nd[:, :dh], nd[:, dh:])
            if not eng.dry:
                out[:, c0:c1] = o.transpose(0, 2, 1)
    return out


def mha(eng: Engine, z: Array, wq: Array, wk: Array, wv: Array, wo: Array, scale: float,
        blocks: Sequence[int], spec: AttentionSpec) -> Array:
    """``Concat_h Attn_h(z) @ W_O``; ``wq, wk, wv``: ``(H, d, dh)``, ``wo``: ``(H*dh, d)``."""
    q = eng.matmul(z, wq)                                          # (H, N, dh)
    k = eng.matmul(z, wk)
    v = eng.matmul(z, wv)
    if spec.kind == "exact":
        heads = attention_exact(eng, q, k, v, scale, blocks, spec.qblock, spec.kblock)
    else:
        heads = attention_fast(eng, q, k, v, scale, blocks, spec.degree, spec.tblock)
    nheads, n, dh = heads.shape
    cat = heads.transpose(1, 0, 2).reshape(n, nheads * dh)        # wiring
    return eng.matmul(cat, wo)
