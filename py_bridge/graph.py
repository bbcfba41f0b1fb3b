"""``flowar-proofs graph``: the lemma graph, its page and the paper-map check.

Pipeline: dpdgraph + Print Assumptions + .glob files (extract.py) -> classification
(classify.py) -> coqdoc anchors (coqdoc.py) -> report/graph.json, graph.dot, graph.html
(page.py) -> paper_map.toml check (paper_map.py).

Exit codes: 0 ok; 1 a check failed (paper map disagrees with the graph, a headline target is
missing, extraction failed); 2 bad input (not built, malformed paper map, missing tools).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from py_bridge import atomic
from py_bridge.classify import BAD_STATUSES, STATUSES, THEOREM_KINDS, LemmaGraph, Node, classify
from py_bridge.coq import UsageError, find_tool, load_coqproject, timeout_from_env
from py_bridge.coqdoc import CoqdocError, href, read_anchors, run_coqdoc
from py_bridge.extract import ExtractError, Extraction, extract
from py_bridge.page import (
    LayoutError,
    build_dot,
    cone,
    full_dot,
    panels,
    render_page,
    render_svg,
    select_display,
    unreachable_lemmas,
)
from py_bridge.paper_map import (
    Entry,
    PaperMapError,
    Problem,
    check_paper_map,
    coverage_counts,
    extracted_status,
    load_paper_map,
)

DEFAULT_TRUST_RECORD = "FlowARProofs.Float.Primitives.FloatPrimitivesTC0"
DEFAULT_MAIN_MODULE = "FlowARProofs.Main"
JSON_VERSION = 1


@dataclass(frozen=True)
class GraphOptions:
    """Everything ``build_graph`` needs; ``from_args`` fills it from the CLI namespace."""

    root: Path
    out: Path
    trust_record: str = DEFAULT_TRUST_RECORD
    main_module: str = DEFAULT_MAIN_MODULE
    targets_file: Path | None = None  # default root/audit_targets.txt
    paper_map: Path | None = None  # default root/paper_map.toml
    allowlist: Path | None = None  # default root/assumptions.allowlist
    timeout: float = 600.0
    page: bool = True

    @staticmethod
    def from_args(args: argparse.Namespace) -> GraphOptions:
        root = Path(getattr(args, "root", None) or Path.cwd()).resolve()
        out = Path(getattr(args, "out", None) or root / "report").resolve()

        def opt_path(name: str) -> Path | None:
            value = getattr(args, name, None)
            return Path(value).resolve() if value else None

        return GraphOptions(
            root=root,
            out=out,
            trust_record=getattr(args, "trust_record", None) or DEFAULT_TRUST_RECORD,
            main_module=getattr(args, "main_module", None) or DEFAULT_MAIN_MODULE,
            targets_file=opt_path("targets"),
            paper_map=opt_path("paper_map"),
            allowlist=opt_path("allowlist"),
            timeout=getattr(args, "timeout", None)
            or timeout_from_env("FLOWAR_COQC_TIMEOUT", 600.0),
            page=not getattr(args, "no_page", False),
        )


@dataclass(frozen=True)
class CoverageRow:
    entry: Entry
    extracted: str
    problems: list[str]


@dataclass
class GraphResult:
    lemmas: LemmaGraph
    headline: list[str]
    missing_targets: list[str]
    unreachable: list[str]
    entries: list[Entry] | None
    problems: list[Problem]
    warnings: list[str]
    glob_count: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def status_counts(self) -> dict[str, int]:
        return status_counts(self.lemmas.nodes)


# ---------------------------------------------------------------------------------------------
# Pure helpers


def read_name_list(text: str) -> list[str]:
    """Names from a one-name-a-line file (``#`` starts a comment; extra words are ignored)."""
    names: list[str] = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            names.append(words[0])
    return names


def status_counts(nodes: Mapping[str, Node]) -> dict[str, int]:
    counts = Counter(n.status for n in nodes.values())
    return {s: counts.get(s, 0) for s in STATUSES}


def headline_names(
    nodes: Mapping[str, Node], targets: Sequence[str], main_module: str
) -> tuple[list[str], list[str]]:
    """(headline names found, targets missing): the targets plus every theorem of Main."""
    found = [t for t in targets if t in nodes]
    missing = [t for t in targets if t not in nodes]
    mains = sorted(
        (n for n, v in nodes.items() if v.module == main_module and v.kind in THEOREM_KINDS),
        key=lambda n: nodes[n].line,
    )
    return found + [m for m in mains if m not in found], missing


def coverage_rows(
    entries: Sequence[Entry], node_status: Mapping[str, str], problems: Sequence[Problem]
) -> list[CoverageRow]:
    """One row per paper-map entry: its recorded status, the extracted one, its problems."""
    rows = []
    for e in entries:
        present = [node_status[c] for c in e.coq if c in node_status]
        if len(present) < len(e.coq):
            extracted = "missing"
        else:
            extracted = extracted_status(present) if e.coq else "not-formalized"
        rows.append(CoverageRow(e, extracted, [p.message for p in problems if p.entry is e]))
    return rows


def graph_json(result: GraphResult, hrefs: Mapping[str, str]) -> dict[str, Any]:
    """The content of report/graph.json."""
    lg = result.lemmas
    nodes = [
        {
            "name": n.name,
            "kind": n.kind,
            "module": n.module,
            "file": n.file,
            "line": n.line,
            "status": n.status,
            "trust_fields": list(n.trust_fields),
            "assumptions": list(n.assumptions),
            "prop": n.prop,
            "coqdoc": hrefs.get(n.name, ""),
            "headline": n.name in result.headline,
        }
        for n in sorted(lg.nodes.values(), key=lambda n: n.name)
    ]
    edges = [
        {"source": u, "target": v, "weight": d.get("weight", 1)}
        for u, v, d in sorted(lg.graph.edges(data=True))
    ]
    return {
        "version": JSON_VERSION,
        "trust_record": lg.trust_record,
        "counts": {
            "status": result.status_counts,
            "nodes": len(lg.nodes),
            "edges": lg.graph.number_of_edges(),
            "glob_declarations": result.glob_count,
            "glob_declarations_not_in_graph": list(lg.unmatched_decls),
        },
        "headline": result.headline,
        "missing_targets": result.missing_targets,
        "unreachable": result.unreachable,
        "allowlisted_assumptions_used": list(lg.allowlisted_used),
        "paper_map": None
        if result.entries is None
        else {
            "coverage": coverage_counts(result.entries),
            "problems": [str(p) for p in result.problems],
        },
        "warnings": result.warnings,
        "nodes": nodes,
        "edges": edges,
    }


# ---------------------------------------------------------------------------------------------
# I/O


def _progress(msg: str) -> None:
    print(f"graph: {msg}", file=sys.stderr, flush=True)


def _read_optional_list(path: Path) -> list[str]:
    return read_name_list(path.read_text(encoding="utf-8")) if path.is_file() else []


def build_graph(opts: GraphOptions) -> GraphResult:
    """Extract, classify, check the paper map and write the report files.

    Raises UsageError (bad input), PaperMapError (malformed map), ExtractError (coqc failed).
    """
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    root = opts.root
    proj = load_coqproject(root)
    coqc = str(find_tool("coqc"))
    entries = load_paper_map(opts.paper_map or root / "paper_map.toml")  # fail early if malformed
    doc_dir = opts.out / "coqdoc"
    with ThreadPoolExecutor(max_workers=1) as pool:
        # coqdoc does not depend on the extraction: it runs alongside the first coqc run.
        doc_job: Future[None] | None = None
        if opts.page:
            _progress("coqdoc (in the background) ...")
            doc_job = pool.submit(
                run_coqdoc,
                str(find_tool("coqdoc")),
                root,
                proj.loadpath_flags(),
                proj.vfiles,
                doc_dir,
                timeout=opts.timeout,
            )
        _progress(f"dpdgraph over {len(proj.vfiles)} modules ...")
        ex: Extraction = extract(root, proj, coqc=coqc, timeout=opts.timeout)
        timings["extract_s"] = time.monotonic() - t0

        t1 = time.monotonic()
        anchors: dict[str, set[str]] | None = None
        warnings = list(ex.warnings)
        if doc_job is not None:
            try:
                doc_job.result()
                anchors = read_anchors(doc_dir, ex.modules)
            except CoqdocError as err:
                warnings.append(f"coqdoc failed, node links point nowhere: {err}")
    # coqdoc_s: the wait for coqdoc (and reading its anchors) after the extraction
    timings["coqdoc_s"] = time.monotonic() - t1

    t2 = time.monotonic()
    allowlist = _read_optional_list(opts.allowlist or root / "assumptions.allowlist")
    lg = classify(
        ex.project_dpd,
        ex.full_dpd,
        ex.decls,
        ex.modules,
        ex.assumptions,
        allowlist,
        opts.trust_record,
        anchors,
    )
    if lg.trust_record is None:
        warnings.append(f"trust record {opts.trust_record} not found in the graph")
    targets = _read_optional_list(opts.targets_file or root / "audit_targets.txt")
    headline, missing = headline_names(lg.nodes, targets, opts.main_module)
    reachable = cone(lg.graph, headline)
    unreachable = unreachable_lemmas(lg.nodes, reachable) if headline else []
    problems = (
        check_paper_map(entries, {n: v.status for n, v in lg.nodes.items()})
        if entries is not None
        else []
    )
    result = GraphResult(
        lg, headline, missing, unreachable, entries, problems, warnings, len(ex.decls), timings
    )
    timings["classify_s"] = time.monotonic() - t2

    t3 = time.monotonic()
    hrefs = {n: href(v.module, v.anchor) for n, v in lg.nodes.items()}
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The page (mostly waiting for graphviz dot) is built alongside graph.json/graph.dot;
        # both only read the result.
        page_job: Future[str] | None = None
        if opts.page:
            _progress("layout (graphviz dot) and page ...")
            page_job = pool.submit(page_html, result, hrefs, allowlist, opts)
        atomic.write_json(opts.out / "graph.json", graph_json(result, hrefs))
        atomic.write_text(
            opts.out / "graph.dot", full_dot(lg.graph, lg.nodes, hrefs, set(headline)).source
        )
        if page_job is not None:
            atomic.write_text(opts.out / "graph.html", page_job.result())
    timings["write_s"] = time.monotonic() - t3
    timings["total_s"] = time.monotonic() - t0
    return result


def page_html(
    result: GraphResult, hrefs: Mapping[str, str], allowlist: Sequence[str], opts: GraphOptions
) -> str:
    lg = result.lemmas
    headline = set(result.headline)
    statuses = {n: v.status for n, v in lg.nodes.items()}
    shown = cone(lg.graph, result.headline) if result.headline else set()
    display = select_display(lg.graph, lg.nodes, shown)
    svg = render_svg(build_dot(display, lg.nodes, hrefs, headline)) if display.nodes else ""
    bad = sorted(
        (n for n in lg.nodes.values() if n.status in ("axiom", "admitted")),
        key=lambda n: (n.file, n.line),
    )
    external_bad = sorted(
        {a for n in lg.nodes.values() for a in n.assumptions if a not in lg.nodes}
    )
    return render_page(
        title="FlowAR proofs: lemma graph and paper coverage",
        modules=sorted({n.module for n in lg.nodes.values()}),
        allowlist=list(allowlist),
        bad_nodes=bad,
        uses_axiom_count=sum(1 for n in lg.nodes.values() if n.status == "uses-axiom"),
        external_bad=external_bad,
        allowlisted_used=list(lg.allowlisted_used),
        warnings=result.warnings,
        status_counts=result.status_counts,
        node_count=len(lg.nodes),
        glob_count=result.glob_count,
        unmatched=list(lg.unmatched_decls),
        headline=result.headline,
        missing_targets=result.missing_targets,
        main_module=opts.main_module,
        display=display,
        svg=Markup(svg),
        coverage=None
        if result.entries is None
        else coverage_rows(result.entries, statuses, result.problems),
        coverage_counts=coverage_counts(result.entries or []),
        nodes=lg.nodes,
        unreachable=[lg.nodes[n] for n in result.unreachable],
        panels=panels(lg.graph, lg.nodes, hrefs, headline),
    )


def report_lines(result: GraphResult, out: Path) -> list[str]:
    """The summary printed on stdout."""
    lg = result.lemmas
    counts = ", ".join(f"{s} {n}" for s, n in result.status_counts.items())
    lines = [
        f"nodes: {len(lg.nodes)} ({counts}); edges: {lg.graph.number_of_edges()}",
        f"declarations in .glob files: {result.glob_count}; not in the graph: "
        f"{len(lg.unmatched_decls)}"
        + (f" ({', '.join(lg.unmatched_decls[:10])})" if lg.unmatched_decls else ""),
        f"headline theorems: {len(result.headline)}; lemmas not reachable from them: "
        f"{len(result.unreachable)}",
    ]
    bad = [n for n in lg.nodes.values() if n.status in BAD_STATUSES]
    if bad:
        lines.append("NOT CLOSED: " + ", ".join(f"{n.name} ({n.status})" for n in bad[:20]))
    if result.entries is not None:
        cov = coverage_counts(result.entries)
        lines.append("paper coverage: " + ", ".join(f"{s} {n}" for s, n in cov.items()))
    else:
        lines.append("paper coverage: no paper_map.toml")
    lines += [f"warning: {w}" for w in result.warnings]
    lines.append(
        f"wrote {out / 'graph.json'}, {out / 'graph.dot'}"
        + (f", {out / 'graph.html'}" if (out / "graph.html").exists() else "")
    )
    return lines


def main(args: argparse.Namespace) -> int:
    """CLI entry: see the module docstring for the exit codes."""
    try:
        opts = GraphOptions.from_args(args)
        result = build_graph(opts)
    except (UsageError, PaperMapError) as err:
        print(f"flowar-proofs graph: {err}", file=sys.stderr)
        return 2
    except ExtractError as err:
        print(f"flowar-proofs graph: extraction failed: {err}", file=sys.stderr)
        return 1
    except LayoutError as err:
        print(f"flowar-proofs graph: page layout failed: {err}", file=sys.stderr)
        return 1
    for line in report_lines(result, opts.out):
        print(line)
    failed = False
    for p in result.problems:
        print(f"FAIL {p}", file=sys.stderr)
        failed = True
    for t in result.missing_targets:
        print(f"FAIL headline target {t} (audit_targets.txt) is not in the graph", file=sys.stderr)
        failed = True
    print(f"graph: done in {result.timings.get('total_s', 0):.1f} s", file=sys.stderr)
    return 1 if failed else 0
