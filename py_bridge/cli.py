"""`flowar-proofs`: build the Coq proofs, audit the trust base, draw the lemma graph, report.

A thin argparse layer over the Python API (`py_bridge.coq.build`, `py_bridge.audit`,
`py_bridge.graph`, `py_bridge.report`). Exit codes (`py_bridge.errors`): 0 all good, 1 a check
failed, 2 bad usage or input (nothing was checked), 130 interrupted.

The error boundary is `main`: every expected failure is a `BridgeError`, printed as one line
naming the path or field and the reason; child processes are killed on every exit, Ctrl-C and
SIGTERM included (`py_bridge.coq.runner.kill_all`).

How to add a subcommand (e.g. `obligations`, `witnesses`, `crosscheck`, `bench`):
  1. Put the work in a package `py_bridge/<name>/` with a keyword-argument API that raises
     `BridgeError` for bad input (checked before long work) and returns a result with `ok`.
  2. Here, write `def _opts_<name>(p: argparse.ArgumentParser) -> None` adding its options and
     `def _run_<name>(args: argparse.Namespace, root: Path) -> int` that calls the API, prints a
     summary and returns `EXIT_OK` / `EXIT_FAILED`. Import the package INSIDE these two
     functions, never at the top of this module: the options of a subcommand are only added
     when it is used (`_LazyParser`), so `flowar-proofs --help` and every other subcommand do
     not pay for its imports (numpy, networkx, jinja2: ~0.7 s);
     tests/test_cli_imports.py checks this.
  3. Append `Subcommand("<name>", "<one-line help>", _opts_<name>, _run_<name>)` to SUBCOMMANDS
     (and an example line to EPILOG). `--root` and the error boundary come for free.
  4. Add a test that drives `cli.main(["<name>", ...])`, and one per bad input (exit 2).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from py_bridge import __version__, coq
from py_bridge.argtypes import positive_float, positive_int
from py_bridge.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    BridgeError,
)

if TYPE_CHECKING:
    from py_bridge import audit, obligations

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "SUBCOMMANDS", "build_parser", "main"]

EPILOG = """\
examples:
  flowar-proofs all                      build, audit, graph and report; summary at the end
  flowar-proofs build                    make -j2 (coq_makefile), with progress lines
  flowar-proofs audit                    trust-base audit, writes report/audit.json
  flowar-proofs audit --source-only      only the source scan (no build needed)
  flowar-proofs audit --root tests/coq/fixture_project --output /tmp/audit.json
  flowar-proofs graph                    lemma dependency graph -> report/graph.{json,dot,html}
  flowar-proofs report                   report/index.html from the results above
  flowar-proofs obligations configs/flowar-l.toml
                                         what the theorems give for one config, checked by coqc
  flowar-proofs bench --s0 8 12 16 --budget 60 --out-dir /tmp/bench
                                         scaling benchmark (exact vs fast), report/bench.json
  flowar-proofs witnesses configs/tiny.toml
                                         the constants Coq computes -> report/witnesses/tiny.json
  flowar-proofs crosscheck               Coq's vm_compute of a tiny config = numpy, bit for bit
  flowar-proofs crosscheck --mutate mask a broken numpy model must fail (exit 1)
  flowar-proofs crosscheck --only counts numpy op counts = Coq's closed forms, every config
  flowar-proofs crosscheck --only bound  measured ‖fast − exact‖∞ <= proven bound (Coq-evaluated)
  flowar-proofs crosscheck --only released  released variant: module op counts = Coq's
  flowar-proofs all --out /tmp/r         everything, outputs in /tmp/r

exit codes: 0 ok, 1 a check failed, 2 bad usage or input (or a tool is not installed)
environment: FLOWAR_BUILD_TIMEOUT, FLOWAR_COQC_TIMEOUT, FLOWAR_COQCHK_TIMEOUT (seconds)
"""

#: The Record of cited float-circuit results (FlowARProofs/Float/Primitives.v).
TRUST_RECORD = "FloatPrimitivesTC0"
#: Longest statement printed in the end-of-`all` summary (longer ones end in "...").
STATEMENT_LIMIT = 300


def _progress(line: str) -> None:
    print(f"[flowar-proofs] {line}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Options shared by several subcommands


def _opt_out(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=None,
                   help="output directory (default ROOT/report)")


def _opts_build(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=positive_int, default=2,
                   help="parallel coqc jobs (default 2)")
    p.add_argument("--build-timeout", type=positive_float, default=None,
                   help="seconds for the whole build (default $FLOWAR_BUILD_TIMEOUT or "
                        f"{coq.DEFAULT_BUILD_TIMEOUT:.0f})")


def _opt_lists(p: argparse.ArgumentParser, *, allowlist_file: str, targets_file: str) -> None:
    p.add_argument("--allowlist", type=Path, default=None,
                   help=f"allowed assumptions (default ROOT/{allowlist_file})")
    p.add_argument("--targets", type=Path, default=None,
                   help=f"headline theorems (default ROOT/{targets_file})")


def _opts_audit_common(p: argparse.ArgumentParser) -> None:
    from py_bridge import audit

    _opt_lists(p, allowlist_file=audit.ALLOWLIST_FILE, targets_file=audit.TARGETS_FILE)
    p.add_argument("--coqc-timeout", type=positive_float, default=None,
                   help="seconds for the Print Assumptions coqc run (default "
                        f"$FLOWAR_COQC_TIMEOUT or {coq.DEFAULT_COQC_TIMEOUT:.0f})")
    p.add_argument("--coqchk-timeout", type=positive_float, default=None,
                   help="seconds for coqchk (default $FLOWAR_COQCHK_TIMEOUT or "
                        f"{coq.DEFAULT_COQCHK_TIMEOUT:.0f})")


def _opts_graph_common(p: argparse.ArgumentParser) -> None:
    from py_bridge import graph

    p.add_argument("--trust-record", default=None,
                   help=f"qualified name of the float trust Record "
                        f"(default {graph.DEFAULT_TRUST_RECORD})")
    p.add_argument("--main-module", default=None,
                   help=f"module of the headline theorems (default {graph.DEFAULT_MAIN_MODULE})")
    p.add_argument("--paper-map", type=Path, default=None,
                   help="paper map (default ROOT/paper_map.toml, if present)")
    p.add_argument("--timeout", type=positive_float, default=None,
                   help="seconds per coqc / coqdoc / dot run (default $FLOWAR_COQC_TIMEOUT or "
                        f"{coq.DEFAULT_COQC_TIMEOUT:.0f})")


def _coqc_timeout(value: float | None) -> float:
    return value or coq.timeout_from_env("FLOWAR_COQC_TIMEOUT", coq.DEFAULT_COQC_TIMEOUT)


# --------------------------------------------------------------------------------------------
# build


def _run_build(args: argparse.Namespace, root: Path) -> int:
    from py_bridge.coq.build import build_docs, run_build

    timeout = args.build_timeout or coq.timeout_from_env("FLOWAR_BUILD_TIMEOUT",
                                                         coq.DEFAULT_BUILD_TIMEOUT)
    outcome = run_build(root, jobs=args.jobs, timeout=timeout, progress=_progress,
                        echo=lambda line: print(line, flush=True))
    print(outcome.summary())
    if not outcome.ok:
        return EXIT_FAILED
    # the pages `graph` links every declaration to; without them `graph` runs coqdoc itself
    _, docs = build_docs(root, timeout=timeout)
    print(docs)
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# audit


def _opts_audit(p: argparse.ArgumentParser) -> None:
    from py_bridge import audit

    _opts_audit_common(p)
    p.add_argument("--source-only", action="store_true",
                   help="only scan the sources (no compiled files needed)")
    p.add_argument("--output", type=Path, default=None,
                   help=f"JSON report path (default ROOT/{audit.REPORT_PATH})")


def _audit(args: argparse.Namespace, root: Path, *, source_only: bool, output: Path,
           command: Sequence[str]) -> audit.AuditReport:
    from py_bridge import audit, files

    files.ensure_writable_file(output, what="audit JSON")
    result = audit.run_audit(
        root,
        source_only=source_only,
        allowlist_path=args.allowlist,
        targets_path=args.targets,
        coqc_timeout=_coqc_timeout(args.coqc_timeout),
        coqchk_timeout=args.coqchk_timeout
        or coq.timeout_from_env("FLOWAR_COQCHK_TIMEOUT", coq.DEFAULT_COQCHK_TIMEOUT),
        progress=_progress,
        command=command,
    )
    audit.write_report(result, output)
    print(audit.render_summary(result))
    print(f"wrote {output}")
    return result


def _run_audit(args: argparse.Namespace, root: Path) -> int:
    from py_bridge import audit

    output = args.output or root / audit.REPORT_PATH
    result = _audit(args, root, source_only=args.source_only, output=output,
                    command=["audit", *(["--source-only"] if args.source_only else [])])
    return EXIT_OK if result.ok else EXIT_FAILED


# --------------------------------------------------------------------------------------------
# graph


def _opts_graph(p: argparse.ArgumentParser) -> None:
    from py_bridge import graph

    _opt_out(p)
    _opts_graph_common(p)
    _opt_lists(p, allowlist_file=graph.ALLOWLIST_FILE, targets_file=graph.TARGETS_FILE)
    p.add_argument("--no-page", action="store_true",
                   help="skip coqdoc and the HTML page (an older graph.html is removed)")


def _graph(args: argparse.Namespace, root: Path, *, page: bool) -> int:
    from py_bridge import graph

    result = graph.build_graph(
        root,
        out=args.out,
        trust_record=args.trust_record,
        main_module=args.main_module,
        targets=args.targets,
        paper_map=args.paper_map,
        allowlist=args.allowlist,
        timeout=_coqc_timeout(args.timeout),
        page=page,
        command=["graph", *([] if page else ["--no-page"])],
    )
    for line in graph.report_lines(result):
        print(line)
    for line in graph.failure_lines(result):
        print(line, file=sys.stderr)
    _progress(f"graph: done in {result.timings.get('total_s', 0):.1f} s")
    return EXIT_OK if result.ok else EXIT_FAILED


def _run_graph(args: argparse.Namespace, root: Path) -> int:
    return _graph(args, root, page=not args.no_page)


# --------------------------------------------------------------------------------------------
# report


def _opts_report(p: argparse.ArgumentParser) -> None:
    _opt_out(p)
    p.add_argument("--paper-map", type=Path, default=None,
                   help="paper map (default ROOT/paper_map.toml, if present)")


def _report(root: Path, out: Path | None, paper_map: Path | None) -> int:
    from py_bridge import report

    result = report.build_report(root, out=out, paper_map=paper_map)
    print(f"wrote {result.index}")
    for name in result.stale:
        print(f"note: {name} is stale (its inputs changed since it was written)")
    for problem in result.problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def _run_report(args: argparse.Namespace, root: Path) -> int:
    return _report(root, args.out, args.paper_map)


# --------------------------------------------------------------------------------------------
# obligations, witnesses


def _opts_obligations(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=Path, metavar="CONFIG", help="FlowAR config (TOML)")
    _opt_out(p)
    p.add_argument("--timeout", type=positive_float, default=None,
                   help="seconds per coqc run (default $FLOWAR_COQC_TIMEOUT or "
                        f"{coq.DEFAULT_COQC_TIMEOUT:.0f})")


def _check_config(args: argparse.Namespace, root: Path, *, what: str,
                  ) -> tuple[obligations.ObligationsResult, Path]:
    from py_bridge import files, obligations

    obligations.load_config(args.config)  # bad input fails here, before anything is written
    out = files.ensure_writable_dir(args.out or root / "report")
    result = obligations.check_config(root, args.config, timeout=_coqc_timeout(args.timeout))
    written = obligations.write_results(result, out, root=root,
                                        command=[what, str(args.config)],
                                        obligations=what == "obligations",
                                        witnesses=what == "witnesses")
    for path in written:
        print(f"wrote {path}")
    return result, out


def _run_obligations(args: argparse.Namespace, root: Path) -> int:
    from py_bridge import obligations

    result, _ = _check_config(args, root, what="obligations")
    print("\n".join(obligations.render_table(result)))
    for fact in result.failed:
        print(f"FAIL {fact.id}: {fact.reason}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def _run_witnesses(args: argparse.Namespace, root: Path) -> int:
    from py_bridge import obligations

    result, _ = _check_config(args, root, what="witnesses")
    if result.not_covered:
        print("\n".join(obligations.render_table(result)))
        return EXIT_FAILED
    for key, w in result.witnesses.items():
        print(f"  {key:<16} {w['value']:>28}  ({w['computed_by']})")
    for fact in result.failed:
        print(f"FAIL {fact.id}: {fact.reason}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def _obligations_all(root: Path, out: Path, timeout: float) -> int:
    """Obligations and witnesses of every configs/*.toml and configs/released/*.toml (the
    released variant), two at a time (per-run temp dirs, atomic writes); a bad config file is
    reported and counted as a failure."""
    from concurrent.futures import ThreadPoolExecutor

    from py_bridge import obligations

    configs = [*sorted((root / "configs").glob("*.toml")),
               *sorted((root / "configs" / "released").glob("*.toml"))]

    def one(path: Path) -> tuple[Path, obligations.ObligationsResult | str]:
        try:
            result = obligations.check_config(root, path, timeout=timeout)
        except BridgeError as err:
            return path, _one_line(err)
        obligations.write_results(result, out, root=root, command=["all"])
        return path, result

    failed = False
    with ThreadPoolExecutor(max_workers=2) as pool:
        for path, res in pool.map(one, configs):
            if isinstance(res, str):
                print(f"FAIL {path}: {res}", file=sys.stderr)
                failed = True
                continue
            print("\n".join(obligations.render_table(res)))
            failed = failed or not res.ok
    return EXIT_FAILED if failed else EXIT_OK


# --------------------------------------------------------------------------------------------
# all


def _opts_bench(p: argparse.ArgumentParser) -> None:
    from py_bridge.bench.run import add_bench_arguments
    add_bench_arguments(p)


def _run_bench(args: argparse.Namespace, root: Path) -> int:
    from py_bridge.bench.run import run_from_args
    return run_from_args(args)


def headline_summary(result: audit.AuditReport) -> list[str]:
    """The end-of-`all` summary: each headline theorem, its statement and assumption status."""
    from py_bridge import audit

    lines = [f"Headline theorems ({audit.TARGETS_FILE}):"]
    for t in result.targets.targets:
        if t.ok:
            status = ("proved, closed under the global context" if t.closed
                      else "proved, assuming only allowlisted axioms: "
                      + ", ".join(t.assumptions))
        elif t.error:
            status = f"NOT OK: {t.error}"
        else:
            status = "NOT OK: assumes " + ", ".join(t.unexpected)
        if t.ok and TRUST_RECORD in (t.statement or ""):
            status += f"; takes the float-circuit trust record {TRUST_RECORD} as a hypothesis"
        lines.append(f"  {t.name}")
        if t.statement:
            statement = t.statement
            if len(statement) > STATEMENT_LIMIT:
                statement = statement[: STATEMENT_LIMIT - 3] + "..."
            lines.append(f"      : {statement}")
        lines.append(f"      {status}")
    return lines


def _opts_all(p: argparse.ArgumentParser) -> None:
    _opts_build(p)
    _opts_audit_common(p)
    _opt_out(p)
    _opts_graph_common(p)


def _run_all(args: argparse.Namespace, root: Path) -> int:
    from py_bridge import audit, files, graph
    from py_bridge.coq.names import read_name_list
    from py_bridge.paper_map import load_paper_map

    out = files.ensure_writable_dir(args.out or root / "report")
    if args.paper_map is not None:
        files.require_file(args.paper_map, what="paper map")
    # every input of the later steps is checked before the (long) build
    opts = graph.resolve_options(root, out=out, targets=args.targets, allowlist=args.allowlist,
                                 paper_map=args.paper_map)
    if opts.paper_map is not None:
        load_paper_map(opts.paper_map)
    read_name_list(args.allowlist or root / audit.ALLOWLIST_FILE, what="allowlist")
    read_name_list(args.targets or root / audit.TARGETS_FILE, what="audit targets")

    _progress("step 1/6: build")
    if _run_build(args, root) != EXIT_OK:
        print("flowar-proofs all: the build failed; audit, graph and report not run.")
        return EXIT_FAILED
    _progress("step 2/6: audit")
    audit_result = _audit(args, root, source_only=False, output=out / "audit.json",
                          command=["all"])
    codes = {"audit": EXIT_OK if audit_result.ok else EXIT_FAILED}
    _progress("step 3/6: graph")
    args.out = out
    codes["graph"] = _graph(args, root, page=True)
    _progress("step 4/6: obligations and witnesses of configs/*.toml and "
              "configs/released/*.toml")
    codes["obligations"] = _obligations_all(root, out, _coqc_timeout(args.timeout))
    _progress("step 5/6: crosscheck (op counts numpy = Coq, tiny evaluation)")
    codes["crosscheck"] = _crosscheck_all(root, out, _coqc_timeout(args.timeout))
    _progress("step 6/6: report")
    codes["report"] = _report(root, out, args.paper_map)
    print()
    print("=" * 72)
    print("\n".join(headline_summary(audit_result)))
    for step, code in codes.items():
        if code != EXIT_OK:
            print(f"note: {step}: a check failed (exit code {code})")
    produced = sorted(p.name for p in out.iterdir() if p.is_file())
    print(f"Report directory: {out} ({', '.join(produced)})")
    print(f"Open {out / 'index.html'}")
    failed = any(code != EXIT_OK for code in codes.values())
    print(f"Overall: {'FAILED' if failed else 'OK'}")
    return EXIT_FAILED if failed else EXIT_OK


# --------------------------------------------------------------------------------------------
# crosscheck


def _opts_crosscheck(p: argparse.ArgumentParser) -> None:
    from py_bridge import crosscheck

    p.add_argument("--seed", type=int, default=0,
                   help="seed of the tiny config's weights and noise (default 0)")
    p.add_argument("--mutate",
                   choices=(*crosscheck.MUTATIONS, *crosscheck.BOUND_MUTATIONS,
                            *crosscheck.RELEASED_MUTATIONS),
                   default=None,
                   help="break the numpy model this way; the check must then fail "
                        f"({', '.join(crosscheck.BOUND_MUTATIONS)}: the fast run of the "
                        "bound check, with --only bound; "
                        f"{', '.join(crosscheck.RELEASED_MUTATIONS)}: the released variant, "
                        "with --only released)")
    p.add_argument("--degree", type=positive_int, default=crosscheck.DEFAULT_BOUND_DEGREE,
                   help="Taylor degree g of the bound check's fast run (default "
                        f"{crosscheck.DEFAULT_BOUND_DEGREE})")
    p.add_argument("--timeout", type=positive_float, default=None,
                   help="seconds for the coqc run (default $FLOWAR_COQC_TIMEOUT or "
                        f"{crosscheck.DEFAULT_TIMEOUT:.0f})")
    p.add_argument("--only", choices=("counts", "eval", "bound", "released"), default=None,
                   help="run only the op-count check (numpy = Coq's witnesses, per kind, for "
                        "every configs/*.toml), only the tiny evaluation, only the error "
                        "check (measured ‖fast − exact‖∞ ≤ the proven bound, evaluated by Coq) "
                        "or only the released variant's op counts (numpy = Coq's) "
                        "(default: all four)")
    p.add_argument("--witnesses", type=Path, default=None, metavar="DIR",
                   help="read Coq's witnesses from DIR/<name>.json (written by `witnesses`) "
                        "instead of computing them now with coqc")
    p.add_argument("--out", type=Path, default=None,
                   help="write OUT/crosscheck.json (the counts check's table)")


def _crosscheck(root: Path, *, only: str | None, seed: int, mutate: str | None,
                timeout: float, witnesses: Path | None, out: Path | None,
                degree: int | None = None) -> int:
    from py_bridge import atomic, crosscheck, provenance

    if degree is None:
        degree = crosscheck.DEFAULT_BOUND_DEGREE
    ok = True
    doc: dict[str, Any] = {}
    configs = sorted((root / "configs").glob("*.toml"))
    if mutate in crosscheck.BOUND_MUTATIONS and only != "bound":
        raise BridgeError(f"--mutate {mutate}: a mutation of the bound check's fast run; "
                          "use it with --only bound")
    if mutate is not None and mutate not in crosscheck.BOUND_MUTATIONS and only == "bound":
        raise BridgeError(f"--mutate {mutate}: not a mutation of the bound check (those are "
                          f"{', '.join(crosscheck.BOUND_MUTATIONS)})")
    released_mut = mutate if mutate in crosscheck.RELEASED_MUTATIONS else None
    mutate = None if released_mut else mutate
    if released_mut and only not in (None, "released"):
        raise BridgeError(f"--mutate {released_mut}: breaks the released variant; "
                          "use it with --only released")
    if only in (None, "counts"):
        if witnesses is not None and not witnesses.is_dir():
            raise BridgeError(f"{witnesses}: witnesses directory: not a directory")
        _progress(f"crosscheck counts: numpy op counts vs Coq witnesses ({len(configs)} configs)")
        counts = crosscheck.counts_check(root, configs, witnesses_dir=witnesses,
                                         timeout=timeout, mutation=mutate)
        for line in crosscheck.counts_report_lines(counts):
            print(line)
        doc = crosscheck.counts_report_json(counts)
        ok = counts.ok
    if only in (None, "eval"):
        _progress("crosscheck: coqc EvalTiny.v (vm_compute of the tiny config, ~15 s) and numpy")
        result = crosscheck.eval_check(root=root, seed=seed, mutation=mutate, timeout=timeout)
        lines = crosscheck.report_lines(result)
        for line in lines:
            print(line)
        doc["eval"] = {"ok": result.ok, "lines": lines[:20]}
        ok = ok and result.ok
    if only == "bound" or (only is None and mutate is None):
        _progress(f"crosscheck bound: numpy exact and fast runs (g = {degree}), hypotheses "
                  "measured, coqc PipeBound.v (vm_compute of qflowar_bound, ~10 s)")
        bound = crosscheck.tiny_bound_check(root=root, seed=seed, degree=degree,
                                            mutation=mutate, timeout=timeout)
        for line in bound.lines():
            print(line)
        doc["bound"] = bound.as_dict()
        doc.setdefault("ok", bound.ok)
        if "error" in doc:
            doc["error"]["bound"] = doc["bound"]["proven_bound"]
            doc["error"]["note"] = "see bound: the proven bound evaluated on a measured run"
        ok = ok and bound.ok
    if only in (None, "released"):
        _progress("crosscheck released: coqc (Witnesses/ReleasedWork.v rows) and numpy")
        rel = crosscheck.released_check(root, timeout=timeout, mutation=released_mut, seed=seed)
        for line in crosscheck.released_report_lines(rel):
            print(line)
        doc["released"] = crosscheck.released_report_json(rel)
        ok = ok and rel.ok
    if out is not None and ("configs" in doc or "bound" in doc or "released" in doc):
        inputs = [*configs, *(sorted(witnesses.glob("*.json")) if witnesses else [])]
        mutation = mutate or released_mut
        command = ["crosscheck", *(["--mutate", mutation] if mutation else [])]
        atomic.write_json(out / "crosscheck.json",
                          {**doc, "provenance": provenance.collect(root, command, inputs)})
    return EXIT_OK if ok else EXIT_FAILED


def _crosscheck_all(root: Path, out: Path, timeout: float) -> int:
    """The crosscheck step of `all`: the counts of every config against the witnesses the
    previous step wrote to OUT/witnesses, then the tiny evaluation; skipped (with a note)
    in a project without configs/*.toml (not the FlowAR development)."""
    if not sorted((root / "configs").glob("*.toml")):
        print("crosscheck: skipped (no configs/*.toml in this project)")
        return EXIT_OK
    try:
        return _crosscheck(root, only=None, seed=0, mutate=None, timeout=timeout,
                           witnesses=out / "witnesses", out=out)
    except BridgeError as err:
        print(f"FAIL crosscheck: {_one_line(err)}", file=sys.stderr)
        return EXIT_FAILED


def _run_crosscheck(args: argparse.Namespace, root: Path) -> int:
    from py_bridge import crosscheck, files

    timeout = args.timeout or coq.timeout_from_env("FLOWAR_COQC_TIMEOUT",
                                                   crosscheck.DEFAULT_TIMEOUT)
    out = files.ensure_writable_dir(args.out) if args.out is not None else None
    return _crosscheck(root, only=args.only, seed=args.seed, mutate=args.mutate,
                       timeout=timeout, witnesses=args.witnesses, out=out, degree=args.degree)


# --------------------------------------------------------------------------------------------
# The table of subcommands and the error boundary


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    add_options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Path], int]


class _LazyParser(argparse.ArgumentParser):
    """A subcommand's parser that adds its options only when it is used (parsing or help).

    The options of a subcommand name defaults of its package (`py_bridge.graph`,
    `py_bridge.crosscheck`, ...), and importing those packages costs up to a second (networkx,
    numpy, jinja2); so `flowar-proofs graph` imports only what graph needs and
    `flowar-proofs --help` imports none of them."""

    def __init__(self, *args: Any,
                 add_options: Callable[[argparse.ArgumentParser], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_options = add_options

    def ensure_options(self) -> None:
        add_options, self._add_options = self._add_options, None
        if add_options is not None:
            add_options(self)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        self.ensure_options()
        return super().parse_known_args(*args, **kwargs)

    def format_help(self) -> str:
        self.ensure_options()
        return super().format_help()

    def format_usage(self) -> str:
        self.ensure_options()
        return super().format_usage()


SUBCOMMANDS: list[Subcommand] = [
    Subcommand("build", "build the Coq proofs with make (coq_makefile)", _opts_build, _run_build),
    Subcommand("audit", "trust-base audit: source scan, coqchk, Print Assumptions", _opts_audit,
               _run_audit),
    Subcommand("graph", "lemma dependency graph (dpdgraph) -> JSON, DOT, HTML", _opts_graph,
               _run_graph),
    Subcommand("report", "HTML report from the audit and graph results", _opts_report,
               _run_report),
    Subcommand("obligations", "what the proven theorems give for one FlowAR config (TOML), "
               "checked by coqc", _opts_obligations, _run_obligations),
    Subcommand("witnesses", "the constants Coq computes for one config -> "
               "report/witnesses/<name>.json", _opts_obligations, _run_witnesses),
    Subcommand("crosscheck", "Coq's evaluation of the float semantics on a tiny config = the "
               "numpy model, bit for bit", _opts_crosscheck, _run_crosscheck),
    Subcommand("bench", "exact vs fast inference: runtime exponents, speedup, error, throughput "
               "(not part of all; minutes)", _opts_bench, _run_bench),
    Subcommand("all", "build + audit + graph + obligations + report, then a summary", _opts_all,
               _run_all),
]


def build_parser() -> argparse.ArgumentParser:
    # allow_abbrev=False: scripts must spell options out, so a renamed option cannot keep
    # working by accident as a prefix of its new name
    # (a _LazyParser without options to add, only for the type of `parents`)
    common = _LazyParser(add_help=False, allow_abbrev=False)
    common.add_argument("--root", type=Path, default=None,
                        help="project root holding _CoqProject (default: nearest one at or "
                             "above the current directory)")
    parser = argparse.ArgumentParser(
        prog="flowar-proofs",
        description="Coq proofs of the complexity of FlowAR (arXiv 2502.16490): "
                    "build, trust-base audit, lemma graph and report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_LazyParser)
    for cmd in SUBCOMMANDS:
        # the options are added when the subcommand is parsed or its help shown (_LazyParser)
        sub.add_parser(cmd.name, parents=[common], help=cmd.help, description=cmd.help,
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                       allow_abbrev=False, add_options=cmd.add_options)
    return parser


def _root(args: argparse.Namespace) -> Path:
    if args.root is not None:
        root: Path = args.root.resolve()
        if not (root / coq.PROJECT_FILE).is_file():
            raise BridgeError(f"--root {args.root}: no {coq.PROJECT_FILE} there")
        return root
    return coq.find_project_root(Path.cwd())


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split("\n"))


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    """Kill the children first (worker threads wait on them), then unwind the main thread."""
    coq.kill_all()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    runners = {cmd.name: cmd.run for cmd in SUBCOMMANDS}
    previous: dict[signal.Signals, Any] = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            # (not possible outside the main thread, e.g. in a test thread: then skip it)
            with contextlib.suppress(ValueError):
                previous[sig] = signal.signal(sig, _on_signal)
        return runners[args.command](args, _root(args))
    except BridgeError as err:
        print(f"flowar-proofs {args.command}: {_one_line(err)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"flowar-proofs {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        coq.kill_all()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
