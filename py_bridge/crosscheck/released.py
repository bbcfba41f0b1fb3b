"""Op counts of the numpy released variant = Coq's, module by module, per kind.

Coq side: FlowARProofs/Witnesses/ReleasedWork.v. Each row ``rw_<name>`` is
``[add; mul; div; cmp; exp; sqrt; total]``: the six kinds are ``work_by_kind`` of the module's
program at a fixed small shape, ``total`` its closed form (the module's exact work lemma, proved
equal to ``work`` of the program by ``rw_<name>_spec``; for ``rmha`` and ``block`` a composed
closed form checked at that shape; ``block_v1``, the flow head's Block_v1 of branch relflow, with
``b1_at_work``). ``rw_big`` holds closed-form totals at FlowAR-L's sizes.
The numbers are read by compiling ``Eval vm_compute in rw_<name>.`` against the built library;
nothing here restates them.

numpy side: the functions of ``py_bridge.model.released`` on seeded inputs of the same shapes
(numeric runs; the paper-size totals by shape-only runs), counted by ``Engine``.

A check passes when every kind agrees and the kinds add up to Coq's closed-form total.
Witnesses/ReleasedARWork.v adds the AR pass of branch relar (``rpass_at``) at scales 0 and 1 of a
tiny config and the whole ``flowar_released_prog`` with an identity flow head (two AR passes per
scale, classifier-free guidance), and the released flow head of branch relflow (one velocity
evaluation ``hv_at``, the sampler ``rs_at`` at scales 0 and 1), counted on the programs; the whole
pipeline with the released head is checked against their sum (``COMPOSED``).
``MUTATIONS`` break the numpy variant (the check must then fail): ``rms-eps`` drops RMSNorm's
``+ ε``, ``rope-neg`` drops RoPE's negation, ``erf-sign`` computes erf's sign with one
comparison.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..coq.scratch import compile_scratch
from ..errors import BridgeError
from ..model.ops import KINDS, Array, Engine, OpCounter
from ..model.released import ar as rar
from ..model.released import head as rhead
from ..model.released import modules as rm
from ..model.released import pipeline as rpipe
from ..model.released import rblock
from ..model.released import stack as rstack

#: Order of a Coq row: Coq's ``kinds`` (KAdd .. KSqrt = numpy add .. sqrt), then the total.
ROW_KEYS: tuple[str, ...] = (*KINDS, "total")
MUTATIONS: tuple[str, ...] = ("rms-eps", "rope-neg", "erf-sign")
COQ_MODULE = "FlowARProofs.Witnesses.ReleasedWork"
WITNESS_FILES = ("FlowARProofs/Witnesses/ReleasedWork.v", "FlowARProofs/Witnesses/ReleasedARWork.v")

Runner = Callable[[Engine], object]


def _rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _g(*shape: int) -> Array:
    return _rng().standard_normal(shape)


def _tables(n: int, dh: int) -> tuple[Array, Array]:
    ang = _g(n, dh)
    return np.cos(ang), np.sin(ang)


def _rattn(blocks: list[int]) -> Runner:
    cos, sin = _tables(3, 4)

    def run(eng: Engine) -> object:
        x = _g(3, 4)
        return rm.rattention(eng, x, x, _g(1, 4, 4), _g(1, 4), _g(1, 4, 4), _g(1, 4),
                             _g(1, 4, 4), _g(1, 4), cos, sin, 0.5, blocks)
    return run


def _rmha(eng: Engine) -> object:
    x = _g(3, 4)
    cos, sin = _tables(3, 2)
    return rm.rmha(eng, x, x, _g(2, 4, 2), _g(2, 2), _g(2, 4, 2), _g(2, 2), _g(2, 4, 2),
                   _g(2, 2), cos, sin, _g(4, 4), _g(4), 0.5, [1, 2])


def _block(eng: Engine) -> object:
    dims = rblock.RDims(d=4, heads=2, dh=2, dff=5, attn_scale=0.5)
    w = rblock.init_block(_rng(), dims)
    cos, sin = _tables(3, 2)
    return rblock.block(eng, dims, w, _g(3, 4), _g(1, 4), cos, sin, [1, 2])


def _block_v1(eng: Engine) -> object:
    """The flow head's Block_v1: the released block with per-token modulation (``SiLU(t + c)``
    for every token) and unmasked attention."""
    dims = rblock.RDims(d=4, heads=2, dh=2, dff=5, attn_scale=0.5)
    w = rblock.init_block(_rng(), dims)
    cos, sin = _tables(3, 2)
    return rblock.block(eng, dims, w, _g(3, 4), _g(3, 4), cos, sin, [3])


def _ar(i: int) -> Runner:
    def run(eng: Engine) -> object:
        cfg = rar.tiny_ar()
        w = rar.cast_ar(eng, rar.init_ar(cfg, 3))
        return rar.ar_pass(eng, cfg, w, _g(1, 4), [_g(1, 2)], i)
    return run


def _pipeline(eng: Engine) -> object:
    cfg = rar.tiny_ar()
    w = rar.cast_ar(eng, rar.init_ar(cfg, 3))
    return rpipe.released_forward(eng, cfg, w, _g(1, 4), _g(1, 4), [_g(1, 2), _g(4, 2)])


def _hv(eng: Engine) -> object:
    hc = rhead.tiny_head()
    w = rhead.cast_head(eng, rhead.init_head(hc, 3))
    return rhead.velocity(eng, hc, w, _g(4, 2), _g(4, 4), *_tables(4, 2),
                          rhead.sinusoid_rows(hc)[0:1])


def _rs(i: int) -> Runner:
    def run(eng: Engine) -> object:
        hc = rhead.tiny_head()
        n = (1, 4)[i]
        w = rhead.cast_head(eng, rhead.init_head(hc, 3))
        return rhead.sample(eng, hc, w, i, _g(n, 2), _g(n, 4), _g(n, 4), *_tables(n, 2),
                            rhead.sinusoid_rows(hc))
    return run


def _pipeline_released(eng: Engine, seed: int = 3) -> Array:
    """The tiny released pipeline with the released flow head (Block_v1, Euler grid, CFG)."""
    cfg, hc = rar.tiny_ar(), rhead.tiny_head()
    w = rar.cast_ar(eng, rar.init_ar(cfg, seed))
    head = rhead.released_head(hc, rhead.cast_head(eng, rhead.init_head(hc, seed)),
                               [cfg.side(i) for i in range(cfg.K)])
    rng = np.random.default_rng(seed)
    d = cfg.dims.d
    noise = [rng.standard_normal((cfg.tok(i), cfg.c)) for i in range(cfg.K)]
    return rpipe.released_forward(eng, cfg, w, rng.standard_normal((1, d)),
                                  rng.standard_normal((1, d)), noise, head).output


#: name -> the numpy run at the shape of Coq's ``rw_<name>`` (Witnesses/ReleasedWork.v; the
#: last three, the AR pass and the pipeline with the identity head: Witnesses/ReleasedARWork.v).
SMALL: dict[str, Runner] = {
    "rms": lambda eng: rm.rmsnorm(eng, _g(3, 4)),
    "rmsw": lambda eng: rm.rmsnorm_w(eng, _g(3, 4), _g(4)),
    "silu": lambda eng: rm.silu(eng, _g(2, 3)),
    "erf": lambda eng: rm.erf_as(eng, _g(1)),
    "gelu": lambda eng: rm.gelu(eng, _g(2, 3)),
    "swiglu": lambda eng: rm.swiglu(eng, _g(3, 4), _g(4, 5), _g(5), _g(4, 5), _g(5), _g(5, 4),
                                    _g(4)),
    "modulate": lambda eng: rm.modulate(eng, _g(3, 4), _g(1, 4), _g(1, 4)),
    "gate": lambda eng: rm.gate(eng, _g(3, 4), _g(3, 4), _g(1, 4)),
    "adamod": lambda eng: rm.adamod(eng, _g(1, 4), _g(4, 24), _g(24)),
    "rope": lambda eng: rm.rope(eng, _g(3, 4), *_tables(3, 4)),
    "rattn_full": _rattn([3]),
    "rattn_causal": _rattn([1, 2]),
    "rmha": _rmha,
    "block": _block,
    "block_v1": _block_v1,
    "ar0": _ar(0),
    "ar1": _ar(1),
    "pipeline_idhead": _pipeline,
    "hv": _hv,
    "rs0": _rs(0),
    "rs1": _rs(1),
}

#: Rows composed from Coq rows (their sum, kind by kind): the released pipeline with the released
#: flow head is the pipeline with the identity head plus the head (sampler) of every scale —
#: ``rscale_at`` runs the two AR passes and then the head, so its work is their sum. Not a
#: Coq lemma: relflow's head does not meet relar's ``RHead`` yet, so Coq has no such program.
COMPOSED: dict[str, tuple[tuple[str, ...], Runner]] = {
    "pipeline_released": (("pipeline_idhead", "rs0", "rs1"), _pipeline_released),
}


def _big_rattn(eng: Engine) -> object:
    p = eng.placeholder
    return rm.rattention(eng, p((256, 1024)), p((256, 1024)), p((1, 1024, 64)), p((1, 64)),
                         p((1, 1024, 64)), p((1, 64)), p((1, 1024, 64)), p((1, 64)),
                         p((256, 64)), p((256, 64)), 0.125, [256])


#: The entries of Coq's ``rw_big`` (closed-form totals at FlowAR-L sizes), shape-only runs.
BIG: tuple[tuple[str, Runner], ...] = (
    ("rms@256x1024", lambda eng: rm.rmsnorm(eng, eng.placeholder((256, 1024)))),
    ("swiglu@256x1024x2730", lambda eng: rm.swiglu(
        eng, eng.placeholder((256, 1024)), eng.placeholder((1024, 2730)),
        eng.placeholder((2730,)), eng.placeholder((1024, 2730)), eng.placeholder((2730,)),
        eng.placeholder((2730, 1024)), eng.placeholder((1024,)))),
    ("rattn@256x1024,dh64", _big_rattn),
    ("adamod@1x1024x6144", lambda eng: rm.adamod(eng, eng.placeholder((1, 1024)),
                                                 eng.placeholder((1024, 6144)),
                                                 eng.placeholder((6144,)))),
)


def numpy_row(run: Runner, *, dry: bool = False) -> dict[str, int]:
    """Counts per kind of one run, plus ``total``."""
    counter = OpCounter()
    run(Engine(np.float64, counter, dry))
    out = dict.fromkeys(KINDS, 0)
    out.update(counter.by_kind())
    out["total"] = sum(out[k] for k in KINDS)
    return out


# ---------------------------------------------------------------------------
# Coq
# ---------------------------------------------------------------------------

def render_coq(names: Sequence[str]) -> str:
    lines = ["From Coq Require Import NArith List.\nImport ListNotations.\n",
             "From FlowARProofs.Witnesses Require Import ReleasedWork ReleasedARWork.\n",
             "Open Scope N_scope.\n"]
    lines += [f"Eval vm_compute in rw_{n}.\n" for n in names]
    lines.append("Eval vm_compute in rw_big.\n")
    return "".join(lines)


_LIST = re.compile(r"=\s*\[([^\]]*)\]")


def parse_coq_lists(stdout: str) -> list[list[int]]:
    """The evaluated ``list N`` answers, in order (``%N`` suffixes dropped)."""
    out: list[list[int]] = []
    for body in _LIST.findall(stdout):
        items = [t.strip().replace("%N", "") for t in body.split(";") if t.strip()]
        try:
            out.append([int(t) for t in items])
        except ValueError as err:
            raise BridgeError(f"coqc ReleasedEval.v output: not a list of numbers: {body!r}") \
                from err
    return out


def run_coq(root: Path, timeout: float) -> tuple[dict[str, list[int]], list[int]]:
    """Coq's rows (by name) and ``rw_big``, from the built library at ``root``."""
    names = list(SMALL)
    stdout = compile_scratch(root, "ReleasedEval.v", render_coq(names), timeout,
                             needs=WITNESS_FILES)
    lists = parse_coq_lists(stdout)
    if len(lists) != len(names) + 1:
        raise BridgeError(f"coqc ReleasedEval.v: expected {len(names) + 1} lists, "
                          f"got {len(lists)}")
    for n, row in zip(names, lists, strict=False):
        if len(row) != len(ROW_KEYS):
            raise BridgeError(f"coqc ReleasedEval.v: rw_{n}: expected {len(ROW_KEYS)} numbers, "
                              f"got {len(row)}")
    return dict(zip(names, lists, strict=False)), lists[-1]


# ---------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RowResult:
    name: str
    expected: dict[str, int]
    got: dict[str, int]

    @property
    def mismatches(self) -> list[tuple[str, int, int]]:
        bad = [(k, self.expected[k], self.got.get(k, 0)) for k in self.expected
               if self.expected[k] != self.got.get(k, 0)]
        has_kinds = all(k in self.expected for k in KINDS)
        kinds_sum = sum(self.expected[k] for k in KINDS) if has_kinds else 0
        if has_kinds and kinds_sum != self.expected.get("total", kinds_sum):
            bad.append(("coq kinds sum", self.expected["total"], kinds_sum))
        return bad

    @property
    def ok(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class ReleasedReport:
    rows: tuple[RowResult, ...]
    deterministic: bool
    finite: bool
    mutation: str | None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows) and self.deterministic and self.finite


def compare_rows(coq_rows: dict[str, list[int]], big: Sequence[int]) -> list[RowResult]:
    """Every small row per kind, and every big total, against the numpy counts."""
    out = []
    for name, run in SMALL.items():
        expected = dict(zip(ROW_KEYS, coq_rows[name], strict=True))
        out.append(RowResult(name, expected, numpy_row(run)))
    for name, (parts, run) in COMPOSED.items():
        expected = {k: sum(coq_rows[p][j] for p in parts) for j, k in enumerate(ROW_KEYS)}
        out.append(RowResult(f"{name} (= {' + '.join(parts)})", expected, numpy_row(run)))
    if len(big) != len(BIG):
        raise BridgeError(f"coqc ReleasedEval.v: rw_big: expected {len(BIG)} numbers, "
                          f"got {len(big)}")
    for (name, run), total in zip(BIG, big, strict=True):
        got = numpy_row(run, dry=True)
        out.append(RowResult(name, {"total": int(total)}, {"total": got["total"]}))
    return out


def tiny_run_checks(seed: int = 0) -> tuple[bool, bool]:
    """The tiny released block stack, the tiny released pipeline's AR outputs (both passes of
    every scale) and its output with the released flow head: two runs bit-identical, and every
    value finite."""
    cfg = rstack.tiny_stack()
    runs = [np.concatenate([np.ravel(rstack.stack_forward(cfg, seed).output),
                            *(np.ravel(y) for y in _pipeline_conds(seed)),
                            np.ravel(_pipeline_released(Engine(), seed))]) for _ in range(2)]
    return bool(runs[0].tobytes() == runs[1].tobytes()), bool(np.all(np.isfinite(runs[0])))


def _pipeline_conds(seed: int) -> list[Array]:
    """The AR outputs (class and null-class passes) of every scale of the tiny pipeline."""
    conds: list[Array] = []

    def head(eng: Engine, i: int, f0: Array, yc: Array, yu: Array) -> Array:
        conds.extend([yc, yu])
        return f0
    cfg = rar.tiny_ar()
    eng = Engine()
    rng = np.random.default_rng(seed + 1)
    w = rar.cast_ar(eng, rar.init_ar(cfg, seed))
    noise = [rng.standard_normal((cfg.tok(i), cfg.c)) for i in range(cfg.K)]
    d = cfg.dims.d
    rpipe.released_forward(eng, cfg, w, rng.standard_normal((1, d)),
                           rng.standard_normal((1, d)), noise, head)
    return conds


def check_mutation(mutation: str | None) -> None:
    if mutation is not None and mutation not in MUTATIONS:
        raise BridgeError(f"mutation: must be one of {', '.join(MUTATIONS)}, got {mutation!r}")


def _rms_no_eps(eng: Engine, x: Array, eps: float = rm.RMS_EPS) -> Array:
    c = float(x.shape[-1])
    ms = eng.div(eng.sum(eng.mul(x, x), axis=-1), c)
    return eng.mul(x, eng.div(1.0, eng.sqrt(ms))[..., None])


def _rope_no_neg(eng: Engine, q: Array, cos: Array, sin: Array) -> Array:
    rot = eng.placeholder(q.shape) if eng.dry else q[..., ::-1].copy()
    return eng.add(eng.mul(q, cos), eng.mul(rot, sin))


def _sign_one_cmp(eng: Engine, x: Array) -> Array:
    return eng.sub(eng.mul(2.0, eng.lt(0.0, x)), 1.0)


@contextlib.contextmanager
def mutated(mutation: str | None) -> Iterator[None]:
    """Temporarily break the numpy released variant."""
    check_mutation(mutation)
    if mutation is None:
        yield
        return
    saved: tuple[Any, str, Any]
    if mutation == "rms-eps":
        saved = (rm, "rmsnorm", rm.rmsnorm)
        rm.rmsnorm = _rms_no_eps
    elif mutation == "rope-neg":
        saved = (rm, "rope", rm.rope)
        rm.rope = _rope_no_neg
    else:
        orig = rm.erf_as

        def erf_one_cmp(eng: Engine, x: Array) -> Array:
            ax = eng.maximum(x, eng.sub(0.0, x))
            t = eng.div(1.0, eng.add(1.0, eng.mul(rm.AS_P, ax)))
            e = eng.exp(eng.sub(0.0, eng.mul(ax, ax)))
            poly = eng.sum_terms([eng.mul(a, eng.power(t, k))
                                  for k, a in enumerate(rm.AS_A, start=1)])
            return eng.mul(_sign_one_cmp(eng, x), eng.sub(1.0, eng.mul(poly, e)))
        saved = (rm, "erf_as", orig)
        rm.erf_as = erf_one_cmp
    try:
        yield
    finally:
        setattr(*saved)


CoqRows = tuple[dict[str, list[int]], list[int]]


def released_check(root: Path, *, timeout: float, mutation: str | None = None,
                   seed: int = 0, coq_rows: CoqRows | None = None) -> ReleasedReport:
    """Coq's rows (``run_coq``: coqc, a few seconds; or given), then the numpy counts and the
    tiny run."""
    check_mutation(mutation)
    rows_by_name, big = run_coq(root, timeout) if coq_rows is None else coq_rows
    with mutated(mutation):
        rows = compare_rows(rows_by_name, big)
        deterministic, finite = tiny_run_checks(seed)
    return ReleasedReport(tuple(rows), deterministic, finite, mutation)


def report_lines(report: ReleasedReport) -> list[str]:
    out: list[str] = []
    for r in report.rows:
        if r.ok:
            kinds = ", ".join(f"{k} {r.got[k]}" for k in ROW_KEYS if k in r.expected)
            out.append(f"crosscheck released {r.name}: numpy = Coq ({kinds})")
        else:
            out += [f"MISMATCH module=released.{r.name} kind={k} expected={e} got={g}"
                    for k, e, g in r.mismatches]
    out.append(f"crosscheck released tiny block stack, pipeline AR outputs and released pipeline "
               "output: "
               f"deterministic={report.deterministic} "
               f"finite={report.finite}")
    return out


def report_json(report: ReleasedReport) -> dict[str, Any]:
    return {"ok": report.ok, "mutation": report.mutation, "coq": COQ_MODULE,
            "deterministic": report.deterministic, "finite": report.finite,
            "rows": [{"name": r.name, "expected": r.expected, "got": r.got,
                      "mismatches": [list(m) for m in r.mismatches]} for r in report.rows]}
