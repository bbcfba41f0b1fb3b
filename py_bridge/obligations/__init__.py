"""`flowar-proofs obligations CONFIG` / `witnesses CONFIG`: what the proven theorems give for one
FlowAR configuration, checked by Coq.

Data flow: TOML (`config.load_config`, validated) → coverage by the Coq model
(`config.coverage_problems`) → the fact table (`facts.FACTS`) filtered by what the built library
defines (its .glob files) → templates/obligations.v.j2 → coqc (the bridge's runner, with a
timeout, in a per-run temporary directory) → a table of facts (✓ checked by Coq / ✗ failed /
assumed / not yet proved) and the witnesses (numbers printed by `Eval vm_compute`).

A failing Lemma is found from coqc's error line, reported ✗ with Coq's message, and the file is
checked again without it (and without the facts built on it) until coqc succeeds.

API: `check_config(root, config_path, timeout=...)` → `ObligationsResult` (`ok` False: not
covered or a fact failed → exit 1); bad input raises `BridgeError` (exit 2) before anything is
written. `write_results(result, out)` writes OUT/obligations/<name>.json and
OUT/witnesses/<name>.json atomically, with provenance.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from py_bridge import __version__, atomic, coq, files, provenance
from py_bridge.coq.glob import object_decls, parse_glob
from py_bridge.errors import BridgeError, one_line
from py_bridge.obligations import released
from py_bridge.obligations.config import FlowARConfig, coverage_problems, parse_config
from py_bridge.obligations.facts import ASSUMED, FACTS, PDY, Eval, Fact
from py_bridge.obligations.released import RELEASED_FACTS, ReleasedConfig, parse_released

__all__ = ["FactResult", "ObligationsResult", "check_config", "load_config", "render_table",
           "write_results"]

JSON_VERSION = 1
#: A paper-model config (`variant = "paper"`, the default) or a released one.
AnyConfig = FlowARConfig | ReleasedConfig
VARIANTS = ("paper", released.VARIANT)
CHECKED = "checked"
FAILED = "failed"
NOT_YET = "not yet proved"
NOT_APPLICABLE = "not applicable"
#: Library modules every generated file imports (they must be built).
BASE_MODULES = ("FlowARProofs.Main", "FlowARProofs.Pipeline.Resolution",
                "FlowARProofs.Witnesses.Depth")
#: The library module the `[error]` table's definitions use.
ERROR_MODULE = PDY
STATUS_MARK = {CHECKED: "✓ checked by Coq", FAILED: "✗ failed", ASSUMED: "assumed",
               NOT_YET: "not yet proved", NOT_APPLICABLE: "not applicable"}


@dataclass(frozen=True)
class FactResult:
    id: str
    kind: str
    description: str
    theorem: str
    status: str
    value: str = ""
    reason: str = ""
    values: Mapping[str, int] = field(default_factory=dict)


@dataclass
class ObligationsResult:
    config: AnyConfig
    source: Path
    not_covered: list[str]
    facts: list[FactResult]
    witnesses: dict[str, dict[str, Any]]
    coq_file: str  # the generated file of the last (successful) coqc run
    coqc_runs: int
    duration_s: float

    @property
    def ok(self) -> bool:
        return not self.not_covered and all(f.status != FAILED for f in self.facts)

    @property
    def failed(self) -> list[FactResult]:
        return [f for f in self.facts if f.status == FAILED]


# --------------------------------------------------------------------------------------------
# Pure parts: what to render, rendering, reading coqc's output


def coq_literal(value: int) -> str:
    """A natural-number literal for Coq. Only ints produced by validation reach here."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BridgeError(f"internal: {value!r} is not a natural number literal")
    return str(value)


def load_config(path: Path) -> AnyConfig:
    """Read and validate a config file of either variant (the top-level `variant` key, default
    "paper"); `BridgeError` naming the path and field otherwise."""
    path = Path(path)
    files.require_file(path, what="config")
    data = files.read_toml(path, what="config")
    variant = data.get("variant", "paper")
    if not isinstance(variant, str) or variant not in VARIANTS:
        shown = repr(variant) if len(repr(variant)) <= 40 else repr(variant)[:37] + "..."
        raise BridgeError(f"{path}: variant: {shown} is not one of " + ", ".join(VARIANTS))
    if variant == released.VARIANT:
        return parse_released(data, source=str(path))
    return parse_config({k: v for k, v in data.items() if k != "variant"}, source=str(path))


def facts_for(cfg: AnyConfig) -> tuple[Fact, ...]:
    """The fact table of the config's variant."""
    return RELEASED_FACTS if isinstance(cfg, ReleasedConfig) else FACTS


def plan(cfg: AnyConfig, known: set[str]) -> tuple[list[Fact], dict[str, FactResult]]:
    """Split the fact table into the facts to render and the results decided without Coq."""
    render: list[Fact] = []
    decided: dict[str, FactResult] = {}
    for f in facts_for(cfg):
        why_not = f.applies(cfg)
        missing = [n for n in f.needs if n not in known]
        if why_not is not None:
            decided[f.id] = FactResult(f.id, f.kind, f.description, f.theorem, NOT_APPLICABLE,
                                       reason=why_not)
        elif f.kind == ASSUMED:
            stated = f.explain(cfg)
            decided[f.id] = FactResult(f.id, f.kind, f.description, f.theorem, ASSUMED,
                                       reason=(f"{stated}; " if stated else "")
                                              + "not decidable from a config; used by "
                                              f"{f.theorem}"
                                              + ("" if f.theorem in known
                                                 else " (not yet proved)"))
        elif missing or not f.coq:
            reason = ("needs " + ", ".join(missing) if missing
                      else f.pending or "its theorem is not yet wired into the fact table")
            decided[f.id] = FactResult(f.id, f.kind, f.description, f.theorem, NOT_YET,
                                       reason=reason)
        else:
            render.append(f)
    return render, decided


def coq_context(cfg: FlowARConfig) -> dict[str, Any]:
    """The template's numbers, each a Coq literal made from a validated int."""
    n = coq_literal
    c = {
        "K": n(cfg.K), "s0": n(cfg.s0), "a": n(cfg.factor), "ch": n(cfg.channels),
        "ld": n(cfg.ar.width), "lH": n(cfg.ar.heads), "ldh": n(cfg.ar.head_dim),
        "ldff": n(cfg.ar.ffn_width), "lsn": n(cfg.attention_scale[0]),
        "lsd": n(cfg.attention_scale[1]), "L": n(cfg.layers), "Lf": n(cfg.flow_layers),
        "T": n(cfg.euler_updates), "prec": n(cfg.precision), "K0": n(cfg.max_scales),
        "L0": n(cfg.max_layers), "Lf0": n(cfg.max_flow_layers),
        "T0": n(cfg.max_euler_updates),
    }
    fast = None
    if cfg.fast is not None:
        fast = {"B": n(cfg.fast.entry_bound), "C": n(cfg.fast.log_constant),
                "ea": (None if cfg.fast.target_error_exp is None
                       else n(cfg.fast.target_error_exp)),
                "g": None if cfg.fast.taylor_degree is None else n(cfg.fast.taylor_degree)}
    err = None
    if cfg.error is not None:
        e = cfg.error
        err = {"g": n(e.taylor_degree), "W": coq_q(e.weight_bound), "sigma": coq_q(e.std_floor),
               "B": None if e.qkv_bound is None else coq_q(e.qkv_bound),
               "bl": None if e.ln_shift_bound is None else coq_q(e.ln_shift_bound)}
    return {"c": c, "fast": fast, "err": err}


def coq_q(value: Fraction) -> str:
    """A nonnegative rational literal for Coq. Only validated Fractions reach here."""
    if not isinstance(value, Fraction) or value < 0:
        raise BridgeError(f"internal: {value!r} is not a nonnegative rational")
    return (f"(QArith_base.Qmake {coq_literal(value.numerator)}%Z "
            f"{coq_literal(value.denominator)}%positive)")


def _env() -> jinja2.Environment:
    # Coq text, not HTML: no autoescape; the only values are tool-made literals and fact text.
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files("py_bridge").joinpath("templates", name)
            .read_text("utf-8")),
        autoescape=False,  # noqa: S701
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def module_name(cfg: AnyConfig) -> str:
    return f"Obligations_{cfg.name}"


def render(cfg: AnyConfig, facts: Sequence[Fact]
           ) -> tuple[str, dict[str, tuple[int, int]], list[tuple[str, Eval]]]:
    """The generated .v text, each fact's line span, and the evals in file order. Nothing of the
    config file but its validated numbers and name reaches the text (not even its path)."""
    modules = sorted({m for f in facts for m in f.modules})
    if isinstance(cfg, ReleasedConfig):
        template, context = "obligations_released.v.j2", released.coq_context(cfg)
    else:
        template, context = "obligations.v.j2", coq_context(cfg)
        if ERROR_MODULE not in modules:  # the [error] definitions need Error/PipelineDyadic
            context["err"] = None
    text = _env().get_template(template).render(
        name=cfg.name, tool=f"flowar-proofs {__version__}", modules=modules,
        facts=facts, **context)
    spans: dict[str, tuple[int, int]] = {}
    start: dict[str, int] = {}
    for i, line in enumerate(text.splitlines(), start=1):
        m = re.fullmatch(r"\(\* (BEGIN|END) (\w+) \*\)", line.strip())
        if m and m.group(1) == "BEGIN":
            start[m.group(2)] = i
        elif m:
            spans[m.group(2)] = (start[m.group(2)], i)
    evals = [(f.id, e) for f in facts for e in f.evals]
    return text, spans, evals


_EVAL_RE = re.compile(r"^\s*= \(?(-?\d+)\)?(?:%[NZ])?\s*\n\s*: [NZ]\s*$", re.MULTILINE)
_ERROR_RE = re.compile(r'File "[^"]*", line (\d+), characters \d+-\d+:\s*\n(.*)', re.DOTALL)
_VALUE_LINE_RE = re.compile(r"^\s*[=:] ", re.MULTILINE)


def parse_eval_values(stdout: str) -> list[int]:
    """The numbers printed by the file's `Eval vm_compute in (_ : N)` (or `: Z`, possibly
    negative) lines, in order."""
    return [int(m.group(1)) for m in _EVAL_RE.finditer(stdout)]


def parse_coq_error(output: str) -> tuple[int, str] | None:
    """(line, message) of coqc's error, or None if there is no located error."""
    m = _ERROR_RE.search(output)
    if m is None:
        return None
    body = m.group(2)
    cut = _VALUE_LINE_RE.search(body)  # Eval output printed after the error (other stream)
    message = " ".join((body[: cut.start()] if cut else body).split())
    message = message.removeprefix("Error:").strip()
    return int(m.group(1)), message[:400]


def fact_at_line(spans: Mapping[str, tuple[int, int]], line: int) -> str | None:
    for fid, (lo, hi) in spans.items():
        if lo <= line <= hi:
            return fid
    return None


def dependents(failed: str, facts: Iterable[Fact]) -> set[str]:
    """The facts that build on `failed`, transitively."""
    out: set[str] = set()
    changed = True
    facts = list(facts)
    while changed:
        changed = False
        for f in facts:
            if f.id not in out and (failed in f.requires or out.intersection(f.requires)):
                out.add(f.id)
                changed = True
    return out


# --------------------------------------------------------------------------------------------
# I/O: the library's names, coqc


def library_names(root: Path, modules: Iterable[str]) -> set[str]:
    """Qualified names defined by those library modules that are built (.vo and .glob)."""
    names: set[str] = set()
    for module in sorted(set(modules)):
        rel = Path(*module.split("."))
        glob, vo = root / rel.with_suffix(".glob"), root / rel.with_suffix(".vo")
        if not (glob.is_file() and vo.is_file()):
            continue
        parsed = parse_glob(glob.read_text("utf-8", errors="replace"), str(glob))
        names.update(d.full_name for d in object_decls(parsed))
    return names


def _candidate_modules() -> set[str]:
    mods = set(BASE_MODULES) | set(released.RELEASED_MODULES)
    for f in (*FACTS, *RELEASED_FACTS):
        for name in (*f.needs, f.theorem):
            if "." in name:
                mods.add(name.rsplit(".", 1)[0])
    return mods


def _require_built(root: Path, cfg: AnyConfig) -> None:
    extra = released.RELEASED_MODULES if isinstance(cfg, ReleasedConfig) else ()
    for module in (*BASE_MODULES, *extra):
        vo = root / Path(*module.split(".")).with_suffix(".vo")
        if not vo.is_file():
            raise BridgeError(f"{vo}: not built; run `flowar-proofs build` first")


def check_config(root: Path, config_path: Path, *, timeout: float) -> ObligationsResult:
    """Validate, instantiate and check one config (see the module docstring)."""
    start = time.monotonic()
    cfg = load_config(config_path)
    not_covered = coverage_problems(cfg) if isinstance(cfg, FlowARConfig) else []
    if not_covered:
        return ObligationsResult(cfg, Path(config_path), not_covered, [], {}, "", 0,
                                 time.monotonic() - start)
    root = Path(root).resolve()
    _require_built(root, cfg)
    coqc = coq.find_tool("coqc")
    project = coq.load_coqproject(root)
    known = library_names(root, _candidate_modules())
    to_render, decided = plan(cfg, known)
    failed: dict[str, FactResult] = {}
    runs = 0
    workdir = Path(tempfile.mkdtemp(prefix=f"flowar-oblig-{cfg.name}-"))
    try:
        while True:
            text, spans, evals = render(cfg, to_render)
            vfile = workdir / f"{module_name(cfg)}.v"
            vfile.write_text(text, encoding="utf-8")
            runs += 1
            res = coq.run([str(coqc), *coq.coqc_base_args(root, project), vfile.name],
                          cwd=workdir, timeout=timeout)
            if res.timed_out:
                raise BridgeError(f"{config_path}: coqc timed out after {timeout:.0f} s "
                                  "(raise --timeout or FLOWAR_COQC_TIMEOUT)")
            if res.ok:
                break
            if res.returncode is not None and res.returncode < 0:
                raise BridgeError(f"{config_path}: coqc was killed by signal {-res.returncode}")
            located = parse_coq_error(res.stderr) or parse_coq_error(res.stdout)
            fid = fact_at_line(spans, located[0]) if located else None
            if located is None or fid is None:
                raise BridgeError(f"{config_path}: coqc failed outside any fact (is the "
                                  f"library up to date? run `flowar-proofs build`): "
                                  f"{one_line(res.stderr or res.stdout)}")
            fact = next(f for f in to_render if f.id == fid)
            failed[fid] = FactResult(fact.id, fact.kind, fact.description, fact.theorem,
                                     FAILED, reason=_why(fact, cfg, located[1]))
            for dep in dependents(fid, to_render):
                d = next(f for f in to_render if f.id == dep)
                failed.setdefault(dep, FactResult(
                    d.id, d.kind, d.description, d.theorem, FAILED,
                    reason=f"not instantiated: {fid} failed"))
            to_render = [f for f in to_render if f.id not in failed]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    numbers = parse_eval_values(res.stdout)
    if len(numbers) != len(evals):
        raise BridgeError(f"{config_path}: expected {len(evals)} values from coqc, read "
                          f"{len(numbers)} (unexpected coqc output)")
    by_fact: dict[str, dict[str, int]] = {}
    witnesses: dict[str, dict[str, Any]] = {}
    for (fid, ev), num in zip(evals, numbers, strict=True):
        by_fact.setdefault(fid, {})[ev.key] = num
        witnesses[ev.key] = {"value": num, "computed_by": ev.coq_name, "coq": ev.expr,
                             "fact": f"{module_name(cfg)}.{fid}"}
    results: list[FactResult] = []
    for f in facts_for(cfg):
        if f.id in decided:
            results.append(decided[f.id])
        elif f.id in failed:
            results.append(failed[f.id])
        else:
            vals = by_fact.get(f.id, {})
            results.append(FactResult(f.id, f.kind, f.description, f.theorem, CHECKED,
                                      value=f.display(vals) if vals else "", values=vals))
    return ObligationsResult(cfg, Path(config_path), [], results, witnesses, text, runs,
                             time.monotonic() - start)


def _why(fact: Fact, cfg: AnyConfig, coq_message: str) -> str:
    side = fact.explain(cfg)
    return (f"{side}; " if side else "") + f"Coq: {coq_message}"


# --------------------------------------------------------------------------------------------
# Output


def render_table(result: ObligationsResult) -> list[str]:
    """The table printed by the CLI: fact, value, status (and why)."""
    cfg = result.config
    if isinstance(cfg, ReleasedConfig):
        lines = [f"Config {cfg.name} ({result.source}): {released.header(cfg)}"]
    else:
        lines = [f"Config {cfg.name} ({result.source}): K = {cfg.K}, scales {list(cfg.scales)}, "
                 f"width {cfg.ar.width}, {cfg.ar.heads} heads of {cfg.ar.head_dim}, "
                 f"L = {cfg.layers}, Lf = {cfg.flow_layers}, T = {cfg.euler_updates}, "
                 f"p = {cfg.precision}"]
    if result.not_covered:
        lines += [f"not covered: {why}" for why in result.not_covered]
        return lines
    width = max(len(f.id) for f in result.facts)
    for f in result.facts:
        mark = STATUS_MARK[f.status]
        tail = f" ({f.reason})" if f.reason else ""
        value = f"  {f.value}" if f.value else ""
        lines.append(f"  {f.id:<{width}}  {mark}{tail}{value}")
    counts = {s: sum(1 for f in result.facts if f.status == s) for s in STATUS_MARK}
    lines.append("  " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
                 + f"; {result.coqc_runs} coqc run(s), {result.duration_s:.1f} s")
    return lines


def result_json(result: ObligationsResult) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "config": result.config.name,
        "source": str(result.source),
        "ok": result.ok,
        "covered": not result.not_covered,
        "not_covered": result.not_covered,
        "facts": [{"id": f.id, "kind": f.kind, "description": f.description,
                   "theorem": f.theorem, "status": f.status, "value": f.value,
                   "reason": f.reason, "values": dict(f.values)} for f in result.facts],
        "coqc_runs": result.coqc_runs,
        "duration_s": round(result.duration_s, 3),
    }


def witnesses_json(result: ObligationsResult) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "config": result.config.name,
        "source": str(result.source),
        "coq_module": module_name(result.config),
        "witnesses": result.witnesses,
        "not_yet_proved": [f.id for f in result.facts if f.status == NOT_YET],
        "failed": [f.id for f in result.facts if f.status == FAILED],
        "ok": result.ok,
    }


def write_results(result: ObligationsResult, out: Path, *, root: Path,
                  command: Sequence[str], obligations: bool = True,
                  witnesses: bool = True) -> list[Path]:
    """OUT/obligations/<name>.json and OUT/witnesses/<name>.json, atomically."""
    library = [root / Path(*m.split(".")).with_suffix(".v") for m in BASE_MODULES]
    prov = provenance.collect(root, command, [result.source, *library])
    written: list[Path] = []
    name = result.config.name
    if obligations:
        written.append(atomic.write_json(out / "obligations" / f"{name}.json",
                                         {**result_json(result), "provenance": prov}))
    if witnesses and not result.not_covered:
        written.append(atomic.write_json(out / "witnesses" / f"{name}.json",
                                         {**witnesses_json(result), "provenance": prov}))
    return written
