"""`flowar-proofs`: build the Coq proofs, audit the trust base, draw the lemma graph, report.

A thin argparse layer over the Python API; every subcommand returns an exit code:
0 all good, 1 a check failed (build error, audit finding, graph problem), 2 bad usage or input
(unknown option, missing _CoqProject / allowlist, tool not installed).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from py_bridge import __version__, audit, coq
from py_bridge.build import run_build

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EPILOG = """\
examples:
  flowar-proofs all                      build, audit, graph and report; summary at the end
  flowar-proofs build                    make -j2 (coq_makefile), with progress lines
  flowar-proofs audit                    trust-base audit, writes report/audit.json
  flowar-proofs audit --source-only      only the source scan (no build needed)
  flowar-proofs audit --root tests/coq/fixture_project --output /tmp/audit.json
  flowar-proofs graph                    lemma dependency graph -> report/graph.{json,dot,html}
  flowar-proofs report                   the HTML report from the results above

exit codes: 0 ok, 1 a check failed, 2 bad usage or input (or a tool is not installed)
environment: FLOWAR_BUILD_TIMEOUT, FLOWAR_COQC_TIMEOUT, FLOWAR_COQCHK_TIMEOUT (seconds)
"""


def _progress(line: str) -> None:
    print(f"[flowar-proofs] {line}", file=sys.stderr, flush=True)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be positive")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be positive")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=None,
                        help="project root holding _CoqProject (default: nearest one at or "
                             "above the current directory)")

    parser = argparse.ArgumentParser(
        prog="flowar-proofs",
        description="Coq proofs of the complexity of FlowAR (arXiv 2502.16490): "
                    "build, trust-base audit, lemma graph and report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text,
                              epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)

    def add_build_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--jobs", "-j", type=_positive_int, default=2,
                       help="parallel coqc jobs (default 2)")
        p.add_argument("--build-timeout", type=_positive_float, default=None,
                       help="seconds for the whole build (default $FLOWAR_BUILD_TIMEOUT or "
                            f"{coq.DEFAULT_BUILD_TIMEOUT:.0f})")

    def add_audit_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--allowlist", type=Path, default=None,
                       help=f"allowed assumptions (default ROOT/{audit.ALLOWLIST_FILE})")
        p.add_argument("--targets", type=Path, default=None,
                       help=f"headline theorems to check (default ROOT/{audit.TARGETS_FILE})")
        p.add_argument("--coqc-timeout", type=_positive_float, default=None,
                       help="seconds for the Print Assumptions coqc run (default "
                            f"$FLOWAR_COQC_TIMEOUT or {coq.DEFAULT_COQC_TIMEOUT:.0f})")
        p.add_argument("--coqchk-timeout", type=_positive_float, default=None,
                       help="seconds for coqchk (default $FLOWAR_COQCHK_TIMEOUT or "
                            f"{coq.DEFAULT_COQCHK_TIMEOUT:.0f})")

    add_build_options(add("build", "build the Coq proofs with make (coq_makefile)"))

    p_audit = add("audit", "trust-base audit: source scan, coqchk, Print Assumptions")
    add_audit_options(p_audit)
    p_audit.add_argument("--source-only", action="store_true",
                         help="only scan the sources (no compiled files needed)")
    p_audit.add_argument("--output", type=Path, default=None,
                         help=f"JSON report path (default ROOT/{audit.REPORT_PATH})")

    def add_graph_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", type=Path, default=None,
                       help="output directory (default ROOT/report)")
        p.add_argument("--trust-record", default=None,
                       help="qualified name of the float trust Record")
        p.add_argument("--main-module", default=None, help="module of the headline theorems")
        p.add_argument("--paper-map", type=Path, default=None,
                       help="paper map (default ROOT/paper_map.toml)")
        p.add_argument("--timeout", type=_positive_float, default=None,
                       help="seconds per coqc run (default $FLOWAR_COQC_TIMEOUT or 600)")
        p.add_argument("--no-page", action="store_true", help="skip the HTML page")

    p_graph = add("graph", "lemma dependency graph (dpdgraph) -> JSON, DOT, HTML")
    add_graph_options(p_graph)
    p_graph.add_argument("--allowlist", type=Path, default=None,
                         help=f"allowed assumptions (default ROOT/{audit.ALLOWLIST_FILE})")
    p_graph.add_argument("--targets", type=Path, default=None,
                         help=f"headline theorems (default ROOT/{audit.TARGETS_FILE})")

    p_report = add("report", "HTML report from the audit and graph results")
    p_report.add_argument("--out", type=Path, default=None,
                          help="output directory (default ROOT/report)")
    p_report.add_argument("--timeout", type=_positive_float, default=None,
                          help="seconds per tool run (default $FLOWAR_COQC_TIMEOUT or 600)")

    p_all = add("all", "build + audit + graph + report, then a summary")
    add_build_options(p_all)
    add_audit_options(p_all)
    p_all.add_argument("--out", type=Path, default=None,
                       help="output directory (default ROOT/report)")
    p_all.add_argument("--timeout", type=_positive_float, default=None,
                       help="seconds per coqc run of graph/report")
    return parser


def _root(args: argparse.Namespace) -> Path:
    if args.root is not None:
        root = args.root.resolve()
        if not (root / coq.PROJECT_FILE).is_file():
            raise coq.UsageError(f"--root {args.root}: no {coq.PROJECT_FILE} there")
        return root
    return coq.find_project_root(Path.cwd())


# --------------------------------------------------------------------------------------------
# Subcommands


def cmd_build(args: argparse.Namespace, root: Path) -> int:
    timeout = args.build_timeout or coq.timeout_from_env("FLOWAR_BUILD_TIMEOUT",
                                                         coq.DEFAULT_BUILD_TIMEOUT)
    outcome = run_build(root, jobs=args.jobs, timeout=timeout, progress=_progress,
                        echo=lambda line: print(line, flush=True))
    print(outcome.summary())
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _run_audit(args: argparse.Namespace, root: Path, *, source_only: bool) -> audit.AuditReport:
    report = audit.run_audit(
        root,
        source_only=source_only,
        allowlist_path=args.allowlist,
        targets_path=args.targets,
        coqc_timeout=args.coqc_timeout
        or coq.timeout_from_env("FLOWAR_COQC_TIMEOUT", coq.DEFAULT_COQC_TIMEOUT),
        coqchk_timeout=args.coqchk_timeout
        or coq.timeout_from_env("FLOWAR_COQCHK_TIMEOUT", coq.DEFAULT_COQCHK_TIMEOUT),
        progress=_progress,
    )
    output = getattr(args, "output", None) or root / audit.REPORT_PATH
    audit.write_report(report, output)
    print(audit.render_summary(report))
    print(f"wrote {output}")
    return report


def cmd_audit(args: argparse.Namespace, root: Path) -> int:
    report = _run_audit(args, root, source_only=args.source_only)
    return EXIT_OK if report.ok else EXIT_FAILED


class PluginMissing(Exception):
    """A `py_bridge` module that a subcommand delegates to is not there (yet)."""


def load_plugin(name: str) -> ModuleType:
    """Import `py_bridge.<name>` lazily. Raises `PluginMissing` if that module itself does not
    exist; a missing third-party dependency becomes a `coq.UsageError` naming it."""
    full = f"py_bridge.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as err:
        if err.name == full:
            raise PluginMissing(f"{full} is not part of this checkout yet") from None
        raise coq.UsageError(
            f"{full} needs the Python package {err.name!r}, which is not installed; "
            "run `python3 -m pip install -e .`"
        ) from None


def _delegate(name: str, args: argparse.Namespace, root: Path) -> int:
    module = load_plugin(name)
    entry: Callable[[argparse.Namespace], int | None] = module.main
    args.root = root
    result = entry(args)
    return EXIT_OK if result is None else int(result)


def cmd_graph(args: argparse.Namespace, root: Path) -> int:
    return _delegate("graph", args, root)


def cmd_report(args: argparse.Namespace, root: Path) -> int:
    return _delegate("report", args, root)


#: The Record of cited float-circuit results (FlowARProofs/Float/Primitives.v).
TRUST_RECORD = "FloatPrimitivesTC0"


def headline_summary(report: audit.AuditReport) -> list[str]:
    """The end-of-`all` summary: each headline theorem, its statement and assumption status."""
    lines = ["Headline theorems (audit_targets.txt):"]
    for t in report.targets.targets:
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
            statement = t.statement if len(t.statement) <= 300 else t.statement[:297] + "..."
            lines.append(f"      : {statement}")
        lines.append(f"      {status}")
    return lines


def cmd_all(args: argparse.Namespace, root: Path) -> int:
    _progress("step 1/4: build")
    if cmd_build(args, root) != EXIT_OK:
        print("flowar-proofs all: the build failed; audit, graph and report not run.")
        return EXIT_FAILED
    _progress("step 2/4: audit")
    report = _run_audit(args, root, source_only=False)
    failed = not report.ok
    notes: list[str] = []
    for step, name in (("3/4", "graph"), ("4/4", "report")):
        _progress(f"step {step}: {name}")
        plugin_args = argparse.Namespace(**vars(args))
        try:
            code = _delegate(name, plugin_args, root)
        except PluginMissing as err:
            notes.append(f"{name}: skipped ({err})")
            continue
        if code != EXIT_OK:
            failed = True
            notes.append(f"{name}: exited with code {code}")
    print()
    print("=" * 72)
    print("\n".join(headline_summary(report)))
    for note in notes:
        print(f"note: {note}")
    out_dir = (args.out or root / "report").resolve()
    produced = sorted(p.name for p in out_dir.glob("*") if p.is_file()) if out_dir.is_dir() else []
    print(f"Report directory: {out_dir}" + (f" ({', '.join(produced)})" if produced else ""))
    index = out_dir / "index.html"
    if index.is_file():
        print(f"Open {index}")
    print(f"Overall: {'OK' if not failed else 'FAILED'}")
    return EXIT_FAILED if failed else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "build": cmd_build,
    "audit": cmd_audit,
    "graph": cmd_graph,
    "report": cmd_report,
    "all": cmd_all,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        root = _root(args)
        return COMMANDS[args.command](args, root)
    except coq.UsageError as err:
        print(f"flowar-proofs {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except PluginMissing as err:
        print(f"flowar-proofs {args.command}: {err}; this subcommand is not available yet.",
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("flowar-proofs: interrupted", file=sys.stderr)
        return 130
