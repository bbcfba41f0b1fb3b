"""Op counts of the numpy model = Coq's closed forms, exactly, per kind (issue 12 part 4 (a)).

For each config (configs/*.toml, read by the one config loader `py_bridge.obligations`), the
numpy model's shape-only run (`py_bridge.model.count_ops`, the same code path as a numeric run)
counts every scalar operation by kind; Coq's `runtime_witness` (Witnesses/Runtime.v, the
closed form `flowar_cost unit_cost cfg` split by kind, proved equal to `work_by_kind` of the
program by `runtime_witness_spec`) gives the same numbers, computed by `Eval vm_compute` and
stored with their Coq names in report/witnesses/<name>.json. Numbers come only from there: a
missing witness is reported as missing, never replaced by a Python value.

Kinds: Coq's KAdd (additions and subtractions), KMul, KDiv, KCmp (comparisons, max), KExp,
KSqrt are the numpy kinds add, mul, div, max, exp, sqrt; `total` is Coq's `work`.

Per module: the Coq witnesses split the total only into attention cores (AR, flow head) and the
rest (`ar_attn`/`fh_attn`/`rest_cost` of Runtime/ExactTheta.v), where the "core" excludes the
Q/K/V/O projections that the numpy model books under its `attention` modules; so there is no
module-level Coq number to compare the numpy modules against yet, and the check says so.

(b) error: no `‖fast − exact‖∞` bound is proved for the whole pipeline yet
(`FlowARProofs.Error.Propagation.flowar_error_bound` is not in the library); the check reports
the measured error of the numpy fast attention pipeline on the tiny config, with no bound.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import files, obligations
from ..errors import BridgeError
from ..model import (
    AttentionSpec,
    count_ops,
    flowar_forward,
    init_noise,
    init_weights,
    tiny_config,
)
from ..model import FlowARConfig as ModelConfig
from ..model.crosscheck import Mismatch, compare_counts
from ..obligations.config import FlowARConfig, coverage_problems, load_config
from .evaltiny import MUTATIONS, check_mutation, mutated

#: Coq witness key -> numpy kind (Coq's KAdd .. KSqrt; `total` is Coq's `work`).
KIND_OF_WITNESS: dict[str, str] = {
    "work_add": "add", "work_mul": "mul", "work_div": "div", "work_cmp": "max",
    "work_exp": "exp", "work_sqrt": "sqrt", "work_total": "total",
}
#: The module of the per-kind totals (the whole inference).
ALL = "flowar (all modules)"
NO_MODULE_WITNESS = ("no per-module Coq witness: Witnesses/Runtime.v splits the work only into "
                     "attention cores and the rest, which does not match the numpy modules")
NO_ERROR_BOUND = ("no evaluated ‖fast − exact‖∞ bound for the configs: "
                  "FlowARProofs.Error.PipelineError.fast_flowar_error needs bounds W, σ, B on the "
                  "trained weights and activations that a config does not state; the bound "
                  "check (crosscheck --only bound) evaluates it on a measured run")

__all__ = ["ALL", "KIND_OF_WITNESS", "MUTATIONS", "ConfigCounts", "CountsReport",
           "coq_expected", "counts_check", "measured_fast_error", "model_config",
           "numpy_counts", "report_json", "report_lines"]


@dataclass(frozen=True)
class ConfigCounts:
    """One config's comparison: ``status`` is ``ok``, ``mismatch``, ``no witness`` or
    ``not covered``; ``expected``/``got`` are per-kind totals (Coq / numpy)."""

    config: str
    source: str
    status: str
    expected: dict[str, int] = field(default_factory=dict)
    got: dict[str, int] = field(default_factory=dict)
    computed_by: dict[str, str] = field(default_factory=dict)
    mismatches: tuple[Mismatch, ...] = ()
    reason: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class CountsReport:
    configs: tuple[ConfigCounts, ...]
    error_note: str
    measured_error: float | None
    mutation: str | None

    @property
    def ok(self) -> bool:
        return all(c.status in ("ok", "not covered") for c in self.configs)


def model_config(cfg: FlowARConfig) -> ModelConfig:
    """The numpy model's dataclass for a parsed TOML config (the Coq model's fields)."""
    problems = coverage_problems(cfg)
    if problems:
        raise BridgeError(f"config {cfg.name}: not covered by the Coq model: {problems[0]}")
    num, den = cfg.attention_scale
    return ModelConfig(K=cfg.K, s0=cfg.s0, a=cfg.factor, c=cfg.channels, d=cfg.ar.width,
                       heads=cfg.ar.heads, dh=cfg.ar.head_dim, dff=cfg.ar.ffn_width,
                       L=cfg.layers, Lf=cfg.flow_layers, T=cfg.euler_updates,
                       attn_scale=num / den, name=cfg.name)


def numpy_counts(cfg: ModelConfig) -> dict[str, int]:
    """Per-kind totals of one inference of the numpy model, plus ``total``."""
    by_kind = count_ops(cfg).by_kind()
    out = {kind: int(n) for kind, n in by_kind.items()}
    out["total"] = sum(out.values())
    return out


def coq_expected(witnesses: Mapping[str, Any], *, source: str
                 ) -> tuple[dict[str, int], dict[str, str]]:
    """Per-kind totals from a witnesses JSON document, with the Coq name computing each.
    ``BridgeError`` if a value is malformed; a missing key is simply absent."""
    table = witnesses.get("witnesses")
    if not isinstance(table, dict):
        raise BridgeError(f"{source}: witnesses: expected a table")
    expected: dict[str, int] = {}
    names: dict[str, str] = {}
    for key, kind in KIND_OF_WITNESS.items():
        entry = table.get(key)
        if entry is None:
            continue
        value = entry.get("value") if isinstance(entry, dict) else None
        coq_name = entry.get("computed_by") if isinstance(entry, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or not isinstance(coq_name, str):
            raise BridgeError(f"{source}: witnesses.{key}: expected {{value: int, "
                              "computed_by: str}")
        expected[kind] = value
        names[kind] = coq_name
    return expected, names


def _witnesses_for(root: Path, cfg_path: Path, cfg: FlowARConfig, witnesses_dir: Path | None,
                   timeout: float) -> tuple[dict[str, Any] | None, str]:
    """The witnesses document (from DIR/<name>.json, else computed now by coqc); None if
    DIR has no file for this config (the witnesses step did not produce one)."""
    if witnesses_dir is not None:
        path = witnesses_dir / f"{cfg.name}.json"
        if not path.is_file():
            return None, str(path)
        return files.read_json_object(path, what="witnesses"), str(path)
    result = obligations.check_config(root, cfg_path, timeout=timeout)
    return obligations.witnesses_json(result), f"coqc (Obligations_{cfg.name})"


def check_one(root: Path, cfg_path: Path, *, witnesses_dir: Path | None, timeout: float,
              mutation: str | None = None) -> ConfigCounts:
    cfg = load_config(cfg_path)
    start = time.monotonic()
    if coverage_problems(cfg):
        return ConfigCounts(cfg.name, str(cfg_path), "not covered",
                            reason=coverage_problems(cfg)[0])
    doc, source = _witnesses_for(root, cfg_path, cfg, witnesses_dir, timeout)
    if doc is None:
        return ConfigCounts(cfg.name, source, "no witness", reason=f"no file {source}",
                            seconds=time.monotonic() - start)
    expected, names = coq_expected(doc, source=source)
    missing = [k for k in KIND_OF_WITNESS.values() if k not in expected]
    if missing:
        return ConfigCounts(cfg.name, source, "no witness", computed_by=names,
                            reason="Coq witness missing for " + ", ".join(missing),
                            seconds=time.monotonic() - start)
    with mutated(mutation):
        got = numpy_counts(model_config(cfg))
    bad = tuple(compare_counts({ALL: expected}, {ALL: got}))
    return ConfigCounts(cfg.name, source, "mismatch" if bad else "ok", expected, got, names,
                        bad, NO_MODULE_WITNESS, time.monotonic() - start)


def measured_fast_error(degree: int = 8, seed: int = 0) -> float:
    """‖fast − exact‖∞ of the numpy pipeline's output on the numpy tiny preset (seeded
    weights; attention scale 1/√2), fast = the polynomial method at Taylor degree ``degree``."""
    tiny = tiny_config()
    w, noise = init_weights(tiny, seed), init_noise(tiny, seed + 1)
    exact = flowar_forward(tiny, w, noise).output
    fast = flowar_forward(tiny, w, noise, attention=AttentionSpec("fast", degree=degree)).output
    return float(np.max(np.abs(np.asarray(fast) - np.asarray(exact))))


def counts_check(root: Path, configs: Sequence[Path], *, witnesses_dir: Path | None = None,
                 timeout: float = 600.0, mutation: str | None = None) -> CountsReport:
    """Compare every config; bad input (unknown mutation, bad config) raises first."""
    check_mutation(mutation)
    for path in configs:
        load_config(path)
    results = tuple(check_one(root, p, witnesses_dir=witnesses_dir, timeout=timeout,
                              mutation=mutation) for p in configs)
    return CountsReport(results, NO_ERROR_BOUND, measured_fast_error(), mutation)


def _lines(c: ConfigCounts) -> Iterator[str]:
    if c.status == "ok":
        kinds = ", ".join(f"{k} {c.got[k]}" for k in (*KIND_OF_WITNESS.values(),))
        yield (f"crosscheck counts {c.config}: numpy = Coq per kind ({kinds}) "
               f"[{c.seconds:.1f} s]")
    elif c.status == "mismatch":
        for m in c.mismatches:
            yield (f"MISMATCH config={c.config} module={m.module} kind={m.kind} "
                   f"expected={m.expected} got={m.got}")
    else:
        yield f"crosscheck counts {c.config}: {c.status}: {c.reason}"


def report_lines(report: CountsReport) -> list[str]:
    out = [line for c in report.configs for line in _lines(c)]
    out.append(f"crosscheck counts: per module: {NO_MODULE_WITNESS}")
    err = "n/a" if report.measured_error is None else f"{report.measured_error:.3e}"
    out.append(f"crosscheck error: {report.error_note}; measured ‖fast − exact‖∞ on the numpy tiny "
               f"preset (Taylor degree 8, seed 0) = {err}")
    return out


def report_json(report: CountsReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "mutation": report.mutation,
        "per_module": NO_MODULE_WITNESS,
        "error": {"bound": None, "note": report.error_note,
                  "measured_tiny_fast_vs_exact": report.measured_error},
        "configs": [{"config": c.config, "source": c.source, "status": c.status,
                     "reason": c.reason, "expected": c.expected, "got": c.got,
                     "computed_by": c.computed_by, "seconds": round(c.seconds, 3),
                     "mismatches": [m._asdict() for m in c.mismatches]}
                    for c in report.configs],
    }
