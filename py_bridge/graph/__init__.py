"""``flowar-proofs graph``: the lemma graph, its page and the paper-map check.

Pipeline: dpdgraph and Print Assumptions (two coqc runs side by side) + .glob files
(extract.py) -> classification (classify.py) -> coqdoc pages and anchors (coqdoc.py: the
build's pages copied, or coqdoc run) -> report/graph.json, graph.dot and the pages
(blueprint.py, layout.py, templates) -> paper_map.toml check (paper_map.py).  The pages are
drawn from the project graph while Print Assumptions still runs, and kept only if the final
classification gives the same nodes (see ``_build``).

API: ``build_graph(root, out=..., ...)`` (keyword arguments) returns a ``GraphResult`` whose
``ok`` is False when a check failed (paper map disagrees with the graph, a headline target is
missing); every bad input (not built, unreadable or malformed allowlist / targets / paper map,
unwritable output directory, missing tool) raises ``BridgeError`` before the extraction starts.
"""

from __future__ import annotations

import functools
import os
import resource
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from py_bridge import atomic, files, provenance
from py_bridge.coq import PROJECT_FILE, CoqProject, find_tool, load_coqproject, require_tools
from py_bridge.coq.coqdoc import (
    DEFAULT_CACHE,
    CoqdocError,
    CoqdocPages,
    copy_pages,
    ensure_coqdoc,
    href,
)
from py_bridge.coq.dpd import DpdGraph
from py_bridge.coq.names import read_name_list
from py_bridge.coq.runner import lower_priority
from py_bridge.errors import BridgeError
from py_bridge.graph.blueprint import Blueprint, ModuleNode, blueprint, module_overview, page_name
from py_bridge.graph.classify import (
    BAD_STATUSES,
    STATUSES,
    THEOREM_KINDS,
    DeclInfo,
    LemmaGraph,
    Node,
    classify,
    with_assumptions,
)
from py_bridge.graph.extract import Extraction, extract
from py_bridge.graph.layout import (
    PAGE_NICE,
    Display,
    DotSource,
    blueprint_dot,
    cone,
    draw_svg,
    full_dot,
    layout_dot,
    modules_dot,
    panels,
    render_svg,
    render_template,
    select_display,
    start_layouts,
    unreachable_lemmas,
)
from py_bridge.paper_map import (
    CoverageRow,
    Entry,
    Problem,
    check_paper_map,
    coverage_counts,
    coverage_rows,
    load_paper_map,
)

DEFAULT_TRUST_RECORD = "FlowARProofs.Float.Primitives.FloatPrimitivesTC0"
DEFAULT_MAIN_MODULE = "FlowARProofs.Main"
#: Above this many declarations, a cone shows theorems, records and assumptions only, and at
#: most this many of them: the nearest to its theorem (the module pages list the rest).  80
#: rather than 120: a 120-box cone had up to ~450 edges and ~7,600 crossings, and laying the
#: 171 cones out took dot about twice as long (3.6 s against 2.0 s of CPU).
CONE_MAX_SHOWN = 80
JSON_VERSION = 2  # 2: provenance
ALLOWLIST_FILE = "assumptions.allowlist"
TARGETS_FILE = "audit_targets.txt"
PAPER_MAP_FILE = "paper_map.toml"


@dataclass(frozen=True)
class GraphOptions:
    """The resolved inputs of one ``build_graph`` run."""

    root: Path
    out: Path
    trust_record: str
    main_module: str
    targets_file: Path
    paper_map: Path | None  # None: no paper map (the default file is absent)
    allowlist: Path
    timeout: float
    page: bool
    command: tuple[str, ...]
    coqdoc_cache: Path | None  # None: coqdoc writes straight into OUT/coqdoc, no cache


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
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    page_files: int = 0  # HTML files written (graph.html, cones/, modules/)

    @property
    def ok(self) -> bool:
        """No check failed: the paper map agrees with the graph, every target is in it."""
        return not self.problems and not self.missing_targets

    @property
    def status_counts(self) -> dict[str, int]:
        return status_counts(self.lemmas.nodes)


# ---------------------------------------------------------------------------------------------
# Pure helpers


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


def graph_json(
    result: GraphResult, hrefs: Mapping[str, str], prov: Mapping[str, Any] | None = None
) -> dict[str, Any]:
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
        "provenance": dict(prov or {}),
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


def resolve_options(
    root: Path,
    *,
    out: Path | None = None,
    trust_record: str | None = None,
    main_module: str | None = None,
    targets: Path | None = None,
    paper_map: Path | None = None,
    allowlist: Path | None = None,
    timeout: float = 600.0,
    page: bool = True,
    command: Sequence[str] = ("graph",),
    coqdoc_cache: Path | None = None,
) -> GraphOptions:
    """Fill in the defaults (files under ``root``, output ``root/report``, coqdoc cache
    ``root/build/coqdoc``) and check every input before any long work: an explicit path must
    exist; the allowlist and targets must exist; the paper map may be absent only when not
    given; the output directory must be writable.  A coqdoc cache that cannot be written is not
    used (coqdoc then writes into the output directory)."""
    root = Path(root).resolve()
    if not (root / PROJECT_FILE).is_file():
        raise BridgeError(f"{root}: no {PROJECT_FILE} there")
    map_path = Path(paper_map).resolve() if paper_map else root / PAPER_MAP_FILE
    if paper_map is None and not map_path.exists():
        resolved_map: Path | None = None
    else:
        resolved_map = files.require_file(map_path, what="paper map")
    return GraphOptions(
        root=root,
        out=Path(out).resolve() if out else root / "report",
        trust_record=trust_record or DEFAULT_TRUST_RECORD,
        main_module=main_module or DEFAULT_MAIN_MODULE,
        targets_file=Path(targets).resolve() if targets else root / TARGETS_FILE,
        paper_map=resolved_map,
        allowlist=Path(allowlist).resolve() if allowlist else root / ALLOWLIST_FILE,
        timeout=timeout,
        page=page,
        command=tuple(command),
        coqdoc_cache=_usable_cache(Path(coqdoc_cache) if coqdoc_cache else root / DEFAULT_CACHE),
    )


def _usable_cache(path: Path) -> Path | None:
    """``path`` if the coqdoc cache can live there (its parent exists or can be made, and is
    writable), else None."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path.resolve() if os.access(path.parent, os.W_OK) else None


def build_graph(
    root: Path,
    *,
    out: Path | None = None,
    trust_record: str | None = None,
    main_module: str | None = None,
    targets: Path | None = None,
    paper_map: Path | None = None,
    allowlist: Path | None = None,
    timeout: float = 600.0,
    page: bool = True,
    command: Sequence[str] = ("graph",),
    coqdoc_cache: Path | None = None,
) -> GraphResult:
    """Extract, classify, check the paper map and write the report files (defaults: see
    ``resolve_options``). Raises ``BridgeError`` on any bad input (before the extraction) and
    on tool failures; a failed check is ``result.ok == False``."""
    return build_graph_with(resolve_options(
        root, out=out, trust_record=trust_record, main_module=main_module, targets=targets,
        paper_map=paper_map, allowlist=allowlist, timeout=timeout, page=page, command=command,
        coqdoc_cache=coqdoc_cache,
    ))


def build_graph_with(opts: GraphOptions) -> GraphResult:
    """``build_graph`` on resolved options."""
    # Every input is read and validated, and the output checked, before the ~7 s extraction.
    proj = load_coqproject(opts.root)
    tools = require_tools(["coqc", "coqdoc", "dot"] if opts.page else ["coqc"])
    allowlist = list(read_name_list(opts.allowlist, what="allowlist"))
    targets = list(read_name_list(opts.targets_file, what="headline targets"))
    entries = load_paper_map(opts.paper_map) if opts.paper_map is not None else None
    files.ensure_writable_dir(opts.out, what="output directory")
    return _build(opts, proj, str(tools["coqc"]), allowlist, targets, entries)


def _cpu() -> float:
    """CPU seconds (user + sys) of this process and its finished children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _coqdoc_pages(proj: CoqProject, opts: GraphOptions, doc_dir: Path) -> CoqdocPages:
    """The coqdoc pages in ``doc_dir`` with their anchors: copied from the cache when it is up
    to date with the sources, else written by coqdoc first (raises CoqdocError)."""
    modules = list(proj.modules())
    pages = ensure_coqdoc(
        str(find_tool("coqdoc")), opts.root, proj.loadpath_flags(), proj.vfiles, modules,
        opts.coqdoc_cache or doc_dir, timeout=opts.timeout,
    )
    return copy_pages(pages, doc_dir, modules)


def _build(
    opts: GraphOptions,
    proj: CoqProject,
    coqc: str,
    allowlist: list[str],
    targets: list[str],
    entries: list[Entry] | None,
) -> GraphResult:
    # Phases (wall and CPU of the process and its children in ``timings``): extract (the two
    # coqc runs; the coqdoc pages, the provenance digests and — once run 1's graph is in — the
    # page run alongside), classify, write.  The page is drawn from a classification of run
    # 1's graph with no assumption while Print Assumptions still runs; it is kept only if the
    # final classification gives exactly the same nodes (statuses, fields, anchors), else
    # redrawn.
    timings: dict[str, float] = {}
    t0, c0 = time.monotonic(), _cpu()
    root = opts.root
    doc_dir = opts.out / "coqdoc"
    inputs = [
        root / PROJECT_FILE,
        *(root / v for v in proj.vfiles),
        opts.allowlist,
        opts.targets_file,
        *([opts.paper_map] if opts.paper_map else []),
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        prov_job = pool.submit(provenance.collect, root, opts.command, inputs)
        doc_job: Future[CoqdocPages] | None = None
        if opts.page:
            _progress("coqdoc pages (in the background) ...")
            doc_job = pool.submit(_coqdoc_pages, proj, opts, doc_dir)
        early_lg: list[Future[LemmaGraph]] = []
        early: list[Future[PageParts]] = []

        def on_project(project: DpdGraph, decls: list[DeclInfo], modules: list[str]) -> None:
            if opts.page:
                _progress("layout (graphviz dot) and pages, while Print Assumptions runs ...")
                early_lg.append(pool.submit(
                    _early_classification, project, decls, modules, doc_job, allowlist, opts
                ))
                early.append(pool.submit(_early_parts, early_lg[0], targets, entries, opts))

        _progress(f"dpdgraph over {len(proj.vfiles)} modules ...")
        ex: Extraction = extract(
            root, proj, coqc=coqc, timeout=opts.timeout, allowlist=allowlist,
            on_project=on_project,
        )
        t1, c1 = time.monotonic(), _cpu()
        timings["extract_s"], timings["extract_cpu_s"] = t1 - t0, c1 - c0

        anchors: dict[str, set[str]] | None = None
        warnings = list(ex.warnings)
        if doc_job is not None:
            try:
                doc_pages = doc_job.result()
                anchors = doc_pages.anchors
                timings["coqdoc_reused"] = float(doc_pages.reused)
            except CoqdocError as err:
                warnings.append(f"coqdoc failed, node links point nowhere: {err}")
        # coqdoc_s: the wait for coqdoc (and reading its anchors) after the extraction
        t2, c2 = time.monotonic(), _cpu()
        timings["coqdoc_s"], timings["coqdoc_cpu_s"] = t2 - t1, c2 - c1

        lg = None
        if early_lg and ex.full_dpd is None and ex.assumptions is not None:
            # the page's classification had no assumption at all; with every assumption
            # allowlisted the final one differs only in allowlisted_used
            lg = with_assumptions(early_lg[0].result(), ex.assumptions, allowlist)
        if lg is None:
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
        headline, missing = headline_names(lg.nodes, targets, opts.main_module)
        reachable = cone(lg.graph, headline)
        unreachable = unreachable_lemmas(lg.nodes, reachable) if headline else []
        problems = (
            check_paper_map(entries, {n: v.status for n, v in lg.nodes.items()})
            if entries is not None
            else []
        )
        result = GraphResult(
            lg, headline, missing, unreachable, entries, problems, warnings, len(ex.decls),
            timings,
        )
        t3, c3 = time.monotonic(), _cpu()
        timings["classify_s"], timings["classify_cpu_s"] = t3 - t2, c3 - c2

        hrefs = {n: href(v.module, v.anchor) for n, v in lg.nodes.items()}
        # graph.json and graph.dot are made while the page may still be drawn; every file is
        # written at the end, once all of them could be made
        graph_text = atomic.json_text(
            graph_json(result, hrefs, prov_job.result()), compact=True
        )
        dot_text = full_dot(lg.graph, lg.nodes, hrefs, set(headline)).source
        pages: dict[str, str] = {}
        if opts.page:
            parts = early[0].result() if early else None
            reused = parts is not None and parts.nodes == lg.nodes and parts.headline == tuple(
                headline
            )
            timings["page_drawn_early"] = float(reused)
            if parts is None or not reused:
                _progress("the classification changed the page: drawing it again ...")
                parts = page_parts(lg, headline, entries, hrefs, opts.timeout)
            pages = dict(parts.pages)
            pages["graph.html"] = main_page(result, parts, hrefs, allowlist)
    result.written.append(atomic.write_text(opts.out / "graph.json", graph_text))
    result.written.append(atomic.write_text(opts.out / "graph.dot", dot_text))
    # pages of an older run would contradict the graph.json just written: remove them
    written, removed = write_pages(opts.out, pages)
    if opts.page:
        result.written.append(opts.out / "graph.html")
    result.page_files = len(written)
    result.removed += removed
    t4, c4 = time.monotonic(), _cpu()
    timings["write_s"], timings["write_cpu_s"] = t4 - t3, c4 - c3
    timings["total_s"], timings["total_cpu_s"] = t4 - t0, c4 - c0
    return result


def _early_classification(
    project: DpdGraph,
    decls: list[DeclInfo],
    modules: list[str],
    doc_job: Future[CoqdocPages] | None,
    allowlist: list[str],
    opts: GraphOptions,
) -> LemmaGraph:
    """Run 1's graph alone, classified with no assumption at all (what the page is drawn from
    while Print Assumptions runs)."""
    anchors: dict[str, set[str]] | None = None
    if doc_job is not None:
        try:
            anchors = doc_job.result().anchors
        except CoqdocError:
            anchors = None
    return classify(project, None, decls, modules, set(), allowlist, opts.trust_record, anchors)


def _early_parts(
    early_lg: Future[LemmaGraph],
    targets: list[str],
    entries: list[Entry] | None,
    opts: GraphOptions,
) -> PageParts:
    """The page drawn from the early classification, by a thread (and dot processes) running
    below the Print Assumptions run it overlaps with: that run is the longer one."""
    lower_priority(threading.get_native_id(), PAGE_NICE)
    lg = early_lg.result()
    headline, _ = headline_names(lg.nodes, targets, opts.main_module)
    hrefs = {n: href(v.module, v.anchor) for n, v in lg.nodes.items()}
    return page_parts(lg, headline, entries, hrefs, opts.timeout)


#: The page's own files under OUT (removed when stale).
PAGE_DIRS = ("cones", "modules")


@dataclass(frozen=True)
class PageParts:
    """What the page costs: the cone and module pages and the blueprint and module-overview
    SVGs.  A function of the classified nodes (with their statuses and anchors), the headline
    theorems and the paper map only — so it can be drawn before the final classification and
    kept when that gives the same ``nodes`` and ``headline``."""

    nodes: dict[str, Node]
    headline: tuple[str, ...]
    pages: dict[str, str]  # cones/*.html, modules/*.html
    blueprint: Blueprint
    blueprint_svg: str
    modules: list[ModuleNode]
    modules_svg: str
    rows: list[CoverageRow] | None
    cone_pages: dict[str, str]
    cone_sizes: dict[str, int]


def _module_page(module: str, prefix: str = "modules/") -> str:
    return f"{prefix}{page_name(module)}.html"


def page_parts(
    lg: LemmaGraph,
    headline: Sequence[str],
    entries: list[Entry] | None,
    hrefs: Mapping[str, str],
    timeout: float,
) -> PageParts:
    """Lay out and render the cone pages (one per headline theorem), the module pages and the
    two SVGs of graph.html."""
    statuses = {n: v.status for n, v in lg.nodes.items()}
    rows = None
    if entries is not None:
        rows = coverage_rows(entries, statuses, check_paper_map(entries, statuses))
    bp = blueprint(lg.graph, lg.nodes, rows, list(headline), hrefs)
    mods, mod_edges, _ = module_overview(lg.graph, lg.nodes)
    heads = set(headline)
    cone_pages = {h: f"cones/{page_name(h)}.html" for h in headline}
    cones = {h: cone(lg.graph, [h]) for h in headline}
    displays: dict[str, Display] = {}

    def cone_dot(h: str) -> DotSource:
        """The cone's display and layout DOT (made when a dot process is ready for it)."""
        displays[h] = select_display(lg.graph, lg.nodes, cones[h], CONE_MAX_SHOWN, roots=[h])
        return layout_dot(displays[h], lg.nodes, heads)

    up = {n: "../" + h for n, h in hrefs.items()}
    with ThreadPoolExecutor(max_workers=4) as pool:
        def layout(dot: Any) -> Future[str]:
            return pool.submit(render_svg, dot, "dot", timeout)

        bp_svg = layout(blueprint_dot(bp)) if bp.nodes else None
        mod_svg = layout(modules_dot(mods, mod_edges))
        # the cones: laid out by dot in two processes (drawn compactly here as each share
        # comes back); the module pages are rendered while dot runs
        shares = start_layouts(
            [functools.partial(cone_dot, h) for h in headline],
            [min(len(cones[h]), CONE_MAX_SHOWN) for h in headline],
            pool, "dot", timeout,
        )

        def decl_page(name: str, prefix: str = "modules/") -> str:
            module = lg.nodes[name].module if name in lg.nodes else ""
            return f"{_module_page(module, prefix)}#node-{name}"

        # each declaration's link on the module pages, made once (the pages hold ~2 links per
        # edge: rendering them one by one in the template cost about a second)
        links = {n: f'<a href="{escape(decl_page(n, ""))}">{escape(n)}</a>' for n in lg.nodes}

        def link_list(names: Sequence[str], empty: str) -> Markup:
            # the links are escaped once above: joining them as Markup would escape each again
            return Markup(", ".join(links[d] for d in names) if names else escape(empty))

        pages: dict[str, str] = {}
        by_module: dict[str, list[Any]] = {}
        for panel in panels(lg.graph, lg.nodes, up, heads):
            by_module.setdefault(panel.node.module, []).append(panel)
        for module, module_panels in by_module.items():
            pages[_module_page(module)] = render_template(
                "module.html.j2", module=module, panels=module_panels, link_list=link_list
            )
        cone_svgs: dict[str, str] = {}
        for share in as_completed(shares):
            for i, lay in share.result().items():
                cone_svgs[headline[i]] = draw_svg(lay, lg.nodes, up, heads)
        for h, page in cone_pages.items():
            pages[page] = render_template(
                "cone.html.j2", title=f"Dependency cone of {h}", display=displays[h],
                href=up.get(h, ""), svg=Markup(cone_svgs[h]),
            )
        return PageParts(
            nodes=dict(lg.nodes),
            headline=tuple(headline),
            pages=pages,
            blueprint=bp,
            blueprint_svg=bp_svg.result() if bp_svg else "<p>No result to draw.</p>",
            modules=mods,
            modules_svg=mod_svg.result(),
            rows=rows,
            cone_pages=cone_pages,
            cone_sizes={h: len(d.nodes) for h, d in displays.items()},
        )


def main_page(
    result: GraphResult, parts: PageParts, hrefs: Mapping[str, str], allowlist: Sequence[str]
) -> str:
    """graph.html: the blueprint, the module overview, the list of cones and the summary."""
    lg = result.lemmas

    def decl_page(name: str, prefix: str = "modules/") -> str:
        module = lg.nodes[name].module if name in lg.nodes else ""
        return f"{_module_page(module, prefix)}#node-{name}"

    bad = sorted(
        (n for n in lg.nodes.values() if n.status in ("axiom", "admitted")),
        key=lambda n: (n.file, n.line),
    )
    return render_template(
        "graph.html.j2",
        title="FlowAR proofs: blueprint, lemma graph and paper coverage",
        allowlist=list(allowlist),
        bad_nodes=bad,
        uses_axiom_count=sum(1 for n in lg.nodes.values() if n.status == "uses-axiom"),
        external_bad=sorted(
            {a for n in lg.nodes.values() for a in n.assumptions if a not in lg.nodes}
        ),
        allowlisted_used=list(lg.allowlisted_used),
        warnings=result.warnings,
        status_counts=result.status_counts,
        node_count=len(lg.nodes),
        module_count=len(parts.modules),
        glob_count=result.glob_count,
        unmatched=list(lg.unmatched_decls),
        missing_targets=result.missing_targets,
        blueprint=parts.blueprint,
        blueprint_svg=Markup(parts.blueprint_svg),
        modules_svg=Markup(parts.modules_svg),
        module_nodes=parts.modules,
        coverage=parts.rows,
        coverage_counts=coverage_counts(result.entries or []),
        hrefs=hrefs,
        cone_pages=parts.cone_pages,
        cones=[(h, parts.cone_pages[h], parts.cone_sizes[h]) for h in result.headline],
        unreachable=[lg.nodes[n] for n in result.unreachable],
        decl_page=decl_page,
        module_page=_module_page,
    )


def write_pages(out: Path, pages: Mapping[str, str]) -> tuple[list[Path], list[Path]]:
    """Write ``pages`` under ``out``; remove older page files that were not rewritten (and
    everything of the page when ``pages`` is empty). Returns (written, removed)."""
    # not fsynced one by one (hundreds of files): the pages are regenerated by the next run
    written = [atomic.write_text(out / rel, html, durable=False) for rel, html in pages.items()]
    removed: list[Path] = []
    old = [out / "graph.html"] + [p for d in PAGE_DIRS for p in sorted((out / d).glob("*.html"))]
    for path in old:
        if path.exists() and path not in written:
            path.unlink()
            removed.append(path)
    return written, removed


def report_lines(result: GraphResult) -> list[str]:
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
    lines.append("wrote " + ", ".join(str(p) for p in result.written))
    if result.page_files > 1:
        lines.append(f"  and {result.page_files - 1} linked page(s) in cones/ and modules/")
    main_pages = [p for p in result.removed if p.name == "graph.html"]
    lines += [f"removed {p} (out of date: the page was not rebuilt)" for p in main_pages]
    if len(result.removed) > len(main_pages):
        lines.append(
            f"removed {len(result.removed) - len(main_pages)} other out-of-date page file(s) "
            "in cones/ and modules/"
        )
    return lines


def failure_lines(result: GraphResult) -> list[str]:
    """One line per failed check (for stderr)."""
    lines = [f"FAIL {p}" for p in result.problems]
    lines += [
        f"FAIL headline target {t} ({TARGETS_FILE}) is not in the graph"
        for t in result.missing_targets
    ]
    return lines
