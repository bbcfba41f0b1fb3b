"""The graph page ``report/graph.html``: SVG of the headline cone, legend, panels, coverage.

Pure functions choose what to draw and build the DOT source (networkx for the graph work); the
layout is graphviz ``dot`` (through the ``graphviz`` package); the HTML is a jinja2 template with
autoescaping.  The pages are self-contained: inline SVG, CSS and a small zoom/pan/search
script, no network.
"""

from __future__ import annotations

import functools
import html
import json
import re
import textwrap
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Any

import graphviz
import jinja2
import networkx as nx

from py_bridge.coq.runner import RunResult, run, run_fed
from py_bridge.errors import BridgeError, one_line
from py_bridge.graph.blueprint import (
    BLUEPRINT_STYLE,
    Blueprint,
    ModuleNode,
    transitive_reduction,
)
from py_bridge.graph.classify import THEOREM_KINDS, Node

# status -> (fill colour, font colour, legend text)
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "proved": ("#7fcf7f", "#000000", "proved, closed (no assumption outside the allowlist)"),
    "trust": (
        "#f7d154",
        "#000000",
        "proved from trust-record fields (takes the record as argument)",
    ),
    "uses-axiom": ("#f5a05a", "#000000", "proof rests on an axiom or Admitted proof"),
    "admitted": ("#e8413c", "#ffffff", "Admitted proof"),
    "axiom": ("#9b0d2c", "#ffffff", "axiom / parameter"),
}
HIDDEN_KINDS = frozenset({"constructor", "scheme"})
MAX_SHOWN = 400


@dataclass(frozen=True)
class Display:
    nodes: list[str]
    edges: list[tuple[str, str]]
    reduced: bool  # lemmas-only view (helpers hidden, edges through them kept)
    transitive_reduction: bool
    truncated_from: int = 0  # if > 0: only the declarations nearest the roots, of this many


def cone(g: nx.DiGraph[str], roots: Iterable[str]) -> set[str]:
    """The roots and everything they (transitively) use (one search for all roots)."""
    out = {r for r in roots if r in g}
    stack = list(out)
    succ = g.succ
    while stack:
        for w in succ[stack.pop()]:
            if w not in out:
                out.add(w)
                stack.append(w)
    return out


def unreachable_lemmas(nodes: Mapping[str, Node], reachable: set[str]) -> list[str]:
    """Theorem-like nodes outside ``reachable``, sorted by file and line."""
    names = [n for n, v in nodes.items() if v.kind in THEOREM_KINDS and n not in reachable]
    return sorted(names, key=lambda n: (nodes[n].file, nodes[n].line, n))


class _Cycle(Exception):
    """A cycle among hidden nodes (the memo of ``_contract`` assumes there is none)."""


def _contract(g: nx.DiGraph[str], keep: set[str]) -> list[tuple[str, str]]:
    """Edges u -> v between kept nodes where v is reachable from u through hidden nodes only.

    Each hidden node's set of kept nodes reachable through hidden ones is computed once (a bit
    mask over the kept nodes) and shared by every kept node above it; a cycle among hidden
    nodes falls back to one search per kept node."""
    order = sorted(keep)
    bit = {n: 1 << i for i, n in enumerate(order)}
    memo: dict[str, int] = {}
    busy = -1  # memo value while a node's successors are being searched

    def hidden_reach(start: str) -> int:
        memo[start] = busy
        acc = {start: 0}
        stack = [(start, iter(g.successors(start)))]
        while stack:
            v, succs = stack[-1]
            for w in succs:
                if w in bit:
                    acc[v] |= bit[w]
                    continue
                m = memo.get(w)
                if m is None:
                    memo[w], acc[w] = busy, 0
                    stack.append((w, iter(g.successors(w))))
                    break
                if m == busy:
                    raise _Cycle
                acc[v] |= m
            else:
                stack.pop()
                memo[v] = acc.pop(v)
                if stack:
                    acc[stack[-1][0]] |= memo[v]
        return memo[start]

    edges: list[tuple[str, str]] = []
    try:
        for u in order:
            mask = 0
            for w in g.successors(u):
                mask |= bit[w] if w in bit else memo[w] if w in memo else hidden_reach(w)
            mask &= ~bit[u]
            while mask:
                low = mask & -mask
                edges.append((u, order[low.bit_length() - 1]))
                mask ^= low
    except _Cycle:
        return _contract_by_search(g, keep)
    return sorted(edges)


def _contract_by_search(g: nx.DiGraph[str], keep: set[str]) -> list[tuple[str, str]]:
    """``_contract`` with one search per kept node (any graph)."""
    edges: set[tuple[str, str]] = set()
    for u in keep:
        stack, seen = list(g.successors(u)), set()
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if v in keep:
                if v != u:
                    edges.add((u, v))
            else:
                stack.extend(g.successors(v))
    return sorted(edges)


def select_display(
    g: nx.DiGraph[str],
    nodes: Mapping[str, Node],
    shown: set[str],
    max_nodes: int = MAX_SHOWN,
    roots: Sequence[str] = (),
) -> Display:
    """Which nodes and edges to draw for the set ``shown`` (e.g. the headline cone).

    Constructors and generated schemes are hidden; if more than ``max_nodes`` remain, only
    theorem-like nodes, the trust record, its fields and bad nodes stay, and (given ``roots``)
    of those only the ``max_nodes`` first met in a breadth-first walk from the roots.  Edges
    through hidden nodes are contracted; big graphs are drawn as their transitive reduction.
    """
    keep = {n for n in shown if nodes[n].kind not in HIDDEN_KINDS}
    reduced = False
    if len(keep) > max_nodes:
        reduced = True
        keep = {
            n
            for n in keep
            if nodes[n].kind in THEOREM_KINDS | {"record", "projection", "axiom", "parameter"}
            or nodes[n].status in ("admitted", "axiom")
        }
    truncated_from = 0
    if len(keep) > max_nodes and roots:
        truncated_from = len(keep)
        keep = set(_nearest(g, roots, keep, max_nodes))
    edges = _contract(g, keep)
    tr = False
    if len(edges) > 2 * len(keep) and len(keep) > 40:
        edges, tr = transitive_reduction(keep, edges)
    return Display(sorted(keep), edges, reduced, tr, truncated_from)


def _nearest(g: nx.DiGraph[str], roots: Sequence[str], wanted: set[str], limit: int) -> list[str]:
    """The first ``limit`` members of ``wanted`` met in a breadth-first walk from ``roots``."""
    order: list[str] = []
    seen = set(roots)
    queue = deque(r for r in roots if r in g)
    while queue and len(order) < limit:
        v = queue.popleft()
        if v in wanted:
            order.append(v)
        for w in sorted(g.successors(v)):
            if w not in seen:
                seen.add(w)
                queue.append(w)
    return order


class DotSource:
    """DOT text built directly (the ``graphviz`` package's per-item quoting costs seconds on the
    full 2500-node graph); has ``.source`` like ``graphviz.Digraph``."""

    def __init__(self, source: str) -> None:
        self.source = source


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped (Coq names contain neither)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_attrs(attrs: Mapping[str, str]) -> str:
    return " ".join(f"{k}={dot_quote(v)}" for k, v in attrs.items())


_GRAPH_ATTRS = {
    "rankdir": "RL",
    "fontname": "Helvetica",
    "fontsize": "11",
    "nodesep": "0.15",
    "ranksep": "0.35",
    "newrank": "true",
}
_NODE_ATTRS = {
    "shape": "box",
    "style": "rounded,filled",
    "fontname": "Helvetica",
    "fontsize": "10",
    "height": "0.25",
    "margin": "0.06,0.02",
}
_EDGE_ATTRS = {"color": "#555555", "arrowsize": "0.5"}


def build_dot(
    display: Display,
    nodes: Mapping[str, Node],
    hrefs: Mapping[str, str],
    headline: set[str],
    name: str = "lemmas",
) -> DotSource:
    """The DOT graph: one cluster per module, nodes coloured by status, linked to coqdoc."""
    out = [
        f"digraph {dot_quote(name)} {{",
        f"\tgraph [{_dot_attrs(_GRAPH_ATTRS)}]",
        f"\tnode [{_dot_attrs(_NODE_ATTRS)}]",
        f"\tedge [{_dot_attrs(_EDGE_ATTRS)}]",
    ]
    by_module: dict[str, list[str]] = {}
    for n in display.nodes:
        by_module.setdefault(nodes[n].module, []).append(n)
    for i, (module, members) in enumerate(sorted(by_module.items())):
        out.append(f"\tsubgraph cluster_{i} {{")
        cluster = {
            "label": module,
            "style": "rounded,filled",
            "fillcolor": "#f4f4f8",
            "color": "#9999aa",
            "fontsize": "11",
            "id": f"cluster:{module}",
        }
        out.append(f"\t\tgraph [{_dot_attrs(cluster)}]")
        for n in members:
            node = nodes[n]
            fill, font, _ = STATUS_STYLE[node.status]
            short = n[len(module) + 1 :] if module and n.startswith(module + ".") else n
            attrs = {
                "label": short,
                "fillcolor": fill,
                "fontcolor": font,
                "id": f"node:{n}",
                "class": f"status-{node.status}",
                "tooltip": f"{n} ({node.kind}, {node.status})",
                "URL": hrefs.get(n, ""),
                "target": "_top",
            }
            if n in headline:
                attrs.update(penwidth="2.5", peripheries="2", fontsize="12")
            shown = {k: v for k, v in attrs.items() if v}
            out.append(f"\t\t{dot_quote(n)} [{_dot_attrs(shown)}]")
        out.append("\t}")
    out.extend(f"\t{dot_quote(u)} -> {dot_quote(v)}" for u, v in display.edges)
    out.append("}")
    return DotSource("\n".join(out) + "\n")


def full_dot(
    g: nx.DiGraph[str], nodes: Mapping[str, Node], hrefs: Mapping[str, str], headline: set[str]
) -> DotSource:
    """The whole project graph (for report/graph.dot), all nodes and edges."""
    display = Display(sorted(g.nodes), sorted(g.edges), reduced=False, transitive_reduction=False)
    return build_dot(display, nodes, hrefs, headline, name="flowar_lemmas")


def layout_dot(display: Display, nodes: Mapping[str, Node], headline: set[str]) -> DotSource:
    """The DOT of a cone for layout only: what sets sizes and positions (labels, font sizes,
    module clusters, the headline's double border), none of the colours, links or tooltips —
    ``draw_svg`` adds those from the graph, so dot reads and writes a fraction of the text."""
    out = [
        "digraph cone {",
        # mclimit: a third of dot's crossing-minimisation passes (~15% of its time; the cones
        # are drawn as transitive reductions and look the same)
        f"\tgraph [{_dot_attrs(_GRAPH_ATTRS | {'mclimit': '0.3'})}]",
        f"\tnode [{_dot_attrs(_NODE_ATTRS)}]",
        f"\tedge [{_dot_attrs(_EDGE_ATTRS)}]",
    ]
    by_module: dict[str, list[str]] = {}
    for n in display.nodes:
        by_module.setdefault(nodes[n].module, []).append(n)
    for i, (module, members) in enumerate(sorted(by_module.items())):
        out.append(f"\tsubgraph cluster_{i} {{")
        out.append(f"\t\tgraph [label={dot_quote(module)} fontsize=\"11\"]")
        for n in members:
            short = n[len(module) + 1 :] if module and n.startswith(module + ".") else n
            extra = ' penwidth="2.5" peripheries="2" fontsize="12"' if n in headline else ""
            out.append(f"\t\t{dot_quote(n)} [label={dot_quote(short)}{extra}]")
        out.append("\t}")
    out.extend(f"\t{dot_quote(u)} -> {dot_quote(v)}" for u, v in display.edges)
    out.append("}")
    return DotSource("\n".join(out) + "\n")


def _batches(sizes: Sequence[int], count: int) -> list[list[int]]:
    """Indices split into ``count`` groups of about equal total size (largest first, each to
    the lightest group); empty groups dropped."""
    groups: list[list[int]] = [[] for _ in range(max(1, count))]
    loads = [0] * len(groups)
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        k = loads.index(min(loads))
        groups[k].append(i)
        loads[k] += sizes[i]
    return [sorted(g) for g in groups if g]


#: dot runs this much nicer than normal: the page is drawn while Print Assumptions (the longest
#: coqc run, the critical path) still goes on, and should not slow it down.
PAGE_NICE = 5


def _json_objects(text: str, *, partial: bool = False) -> list[Any]:
    """The JSON values written one after another (what ``dot -Tjson0`` prints for several
    graphs); with ``partial``, a value cut off at the end (dot stopped) is dropped."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return values
        try:
            value, pos = decoder.raw_decode(text, pos)
        except ValueError:
            if partial:
                return values
            raise
        values.append(value)


_CLUSTER_OPEN_RE = re.compile(r"^\tsubgraph cluster_\d+ \{\n\t\tgraph \[[^\n]*\]\n", re.M)
_CLUSTER_CLOSE_RE = re.compile(r"^\t\}\n", re.M)


def without_clusters(dot: DotSource) -> DotSource:
    """``layout_dot``'s graph without its module clusters (dot's fallback: with clusters, dot
    sometimes gives up on a graph — "lost ... edge", "trouble in init_rank")."""
    return DotSource(_CLUSTER_CLOSE_RE.sub("", _CLUSTER_OPEN_RE.sub("", dot.source)))


def start_layouts(
    sources: Sequence[Callable[[], DotSource]],
    sizes: Sequence[int],
    pool: Executor,
    dot_exe: str = "dot",
    timeout: float = 120.0,
    workers: int = 2,
) -> list[Future[dict[int, dict[str, Any]]]]:
    """Start laying out many graphs with graphviz ``dot -Tjson0``: the graphs go to ``workers``
    dot processes (run on ``pool``; shares balanced by the estimated ``sizes``), each fed its
    share one graph after another — ``sources[i]()`` makes graph i only when its process is
    ready for it, so dot lays out the first graphs while the next are being made (starting dot
    costs about as much as laying out a 100-node cone).  Each future gives its share's layouts
    (dot's JSON) by index into ``sources``; the caller may use one share while others run.

    dot occasionally gives up on a graph with module clusters (and, fed several graphs, not
    always on the same one): the graphs before it are kept, that graph is laid out alone —
    without its clusters if it fails again — and the rest of the share goes to a new dot."""

    def lay_out(group: list[int]) -> dict[int, dict[str, Any]]:
        made: dict[int, DotSource] = {}

        def source(i: int) -> DotSource:
            if i not in made:
                made[i] = sources[i]()
            return made[i]

        layouts: dict[int, dict[str, Any]] = {}
        pending = list(group)
        while pending:
            result = run_fed([dot_exe, "-Tjson0"], (source(i).source for i in pending),
                         cwd=".", timeout=timeout, nice=PAGE_NICE)
            if result.timed_out:
                raise LayoutError(f"graphviz dot: {result.describe()}")
            try:
                values = _json_objects(result.stdout, partial=not result.ok)
            except ValueError as err:
                raise LayoutError(f"graphviz dot -Tjson0: unreadable output: {err}") from None
            if not all(isinstance(v, dict) for v in values) or len(values) > len(pending) or (
                result.ok and len(values) != len(pending)
            ):
                raise LayoutError(
                    f"graphviz dot -Tjson0: {len(values)} layouts for {len(pending)} graphs"
                )
            layouts.update(zip(pending, values, strict=False))
            if result.ok or len(values) == len(pending):
                break
            stuck = pending[len(values)]
            layouts[stuck] = _lay_out_alone(source(stuck), dot_exe, timeout, result)
            pending = pending[len(values) + 1 :]
        return layouts

    return [pool.submit(lay_out, g) for g in _batches(sizes, workers)]


def _lay_out_alone(
    dot: DotSource, dot_exe: str, timeout: float, first: RunResult
) -> dict[str, Any]:
    """One graph's layout by a dot of its own, without clusters if that fails too; raises
    LayoutError (naming the first failure) if both fail."""
    for text in (dot.source, without_clusters(dot).source):
        result = run([dot_exe, "-Tjson0"], cwd=".", timeout=timeout, input=text,
                     nice=PAGE_NICE)
        if result.ok:
            try:
                values = _json_objects(result.stdout)
            except ValueError:
                continue
            if len(values) == 1 and isinstance(values[0], dict):
                return dict(values[0])
    raise LayoutError(f"graphviz dot: {first.describe()}: {one_line(first.stderr)}")


def run_layouts(
    sources: Sequence[DotSource], dot_exe: str = "dot", timeout: float = 120.0, workers: int = 2
) -> list[dict[str, Any]]:
    """``start_layouts`` and wait: one layout per source, in order."""
    layouts: dict[int, dict[str, Any]] = {}
    makers = [functools.partial(lambda s: s, s) for s in sources]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for future in start_layouts(makers, [len(s.source) for s in sources], pool, dot_exe,
                                    timeout, workers):
            layouts.update(future.result())
    return [layouts[i] for i in range(len(sources))]


def _num(v: float) -> str:
    """A coordinate to 0.1 pt, without a trailing .0."""
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


_FRACTION_RE = re.compile(r"\.[0-9]+")


def _edge_path(pos: str) -> str:
    """An SVG path for an edge's ``pos`` (``e,x,y x,y x,y ...``: the arrow tip, then the
    spline's points) in dot's coordinates, cut to whole points (the arrow is a marker at the
    end)."""
    tokens = _FRACTION_RE.sub("", pos).split()
    tip = ""
    while tokens and tokens[0][:2] in ("e,", "s,"):
        if tokens[0][0] == "e":
            tip = "L" + tokens[0][2:]
        tokens = tokens[1:]
    if not tokens:
        return ""
    return "M" + tokens[0] + ("C" + " ".join(tokens[1:]) if len(tokens) > 1 else "") + tip


def draw_svg(
    layout: Mapping[str, Any],
    nodes: Mapping[str, Node],
    hrefs: Mapping[str, str],
    headline: set[str],
) -> str:
    """The <svg> of a cone from dot's layout (``layout_dot`` -> ``run_layouts``): module
    clusters, edges (arrow at the used declaration), nodes coloured by status, with their full
    name and kind as title and a link to coqdoc.  Drawn here rather than by dot's SVG writer,
    which spends ~850 bytes on each box and each arrow; this is about a fifth of that."""
    x0, y0, x1, y1 = (float(v) for v in str(layout["bb"]).split(","))
    pad = 4.0
    width, height = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad

    esc = html.escape
    clusters: list[tuple[str, str]] = []  # (module, svg): sorted, dot's order varies
    boxes: list[str] = []
    names: dict[int, str] = {}
    for obj in layout.get("objects", []):
        if "bb" in obj:
            if not str(obj.get("name", "")).startswith("cluster"):
                continue
            cx0, cy0, cx1, cy1 = (float(v) for v in str(obj["bb"]).split(","))
            label = str(obj.get("label", ""))
            lx, ly = (float(v) for v in str(obj.get("lp", f"{cx0},{cy1}")).split(","))
            clusters.append((label, (
                f'<g id="cluster:{esc(label)}" class="cluster"><rect x="{_num(cx0 - x0 + pad)}" '
                f'y="{_num(y1 - cy1 + pad)}" width="{_num(cx1 - cx0)}" height="{_num(cy1 - cy0)}" '
                f'rx="6" fill="#f4f4f8" stroke="#9999aa"/><text x="{_num(lx - x0 + pad)}" '
                f'y="{_num(y1 - ly + pad + 4)}" font-size="11">{esc(label)}</text></g>'
            )))
            continue
        if "pos" not in obj:
            continue
        name = str(obj["name"])
        names[int(obj["_gvid"])] = name
        node = nodes[name]
        fill, font, _ = STATUS_STYLE[node.status]
        px, py = (float(v) for v in str(obj["pos"]).split(","))
        w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
        left, top = px - w / 2 - x0 + pad, y1 - py - h / 2 + pad
        size = 12 if name in headline else 10
        rect = (
            f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(w)}" height="{_num(h)}" '
            f'rx="4" fill="{fill}" stroke="#000"'
        )
        shape = rect + (' stroke-width="2.5"/>' if name in headline else "/>")
        if name in headline:  # the double border of the DOT (peripheries=2)
            shape += (
                f'<rect x="{_num(left + 4)}" y="{_num(top + 4)}" width="{_num(w - 8)}" '
                f'height="{_num(h - 8)}" rx="3" fill="none" stroke="#000"/>'
            )
        label = name[len(node.module) + 1 :] if name.startswith(node.module + ".") else name
        href = hrefs.get(name, "")
        link = f'<a href="{esc(href)}" target="_top">' if href else "<a>"
        boxes.append(
            f'<g id="node:{esc(name)}" class="node status-{node.status}">'
            f"<title>{esc(name)} ({esc(node.kind)}, {node.status})</title>{link}{shape}"
            f'<text x="{_num(px - x0 + pad)}" y="{_num(y1 - py + pad + size * 0.35)}" '
            f'fill="{font}"{"" if size == 10 else f" font-size={chr(34)}{size}{chr(34)}"}>'
            f"{esc(label)}</text></a></g>"
        )
    arrows = [
        f'<path d="{d}"/>'
        for edge in layout.get("edges", [])
        if (d := _edge_path(str(edge.get("pos", ""))))
    ]
    return (
        f'<svg class="drawn" width="{_num(width)}pt" height="{_num(height)}pt" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" xmlns="http://www.w3.org/2000/svg">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" '
        'markerHeight="5" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>'
        '<g font-family="Helvetica,sans-Serif" font-size="10" text-anchor="middle">'
        + "".join(svg for _, svg in sorted(clusters))
        # the edges in dot's coordinates (y upwards): flipped by the group's transform
        + f'<g class="edges" fill="none" stroke="#555" marker-end="url(#arrow)" '
        f'transform="translate({_num(pad - x0)},{_num(y1 + pad)}) scale(1,-1)">'
        + "".join(arrows)
        + "</g>"
        + "".join(boxes)
        + "</g></svg>"
    )


_PROLOG_RE = re.compile(r"^.*?(?=<svg\b)", re.S)


def render_svg(
    dot: graphviz.Digraph | DotSource, dot_exe: str = "dot", timeout: float = 120.0
) -> str:
    """Lay out with graphviz ``dot`` and return the inline <svg> element (no XML prolog)."""
    result = run([dot_exe, "-Tsvg"], cwd=".", timeout=timeout, input=dot.source,
                 nice=PAGE_NICE)
    if not result.ok:
        raise LayoutError(f"graphviz dot: {result.describe()}: {one_line(result.stderr)}")
    return _PROLOG_RE.sub("", result.stdout, count=1)


class LayoutError(BridgeError):
    """graphviz could not lay the graph out."""


@dataclass(frozen=True)
class NodePanel:
    node: Node
    href: str
    needs: list[str]
    needed_by: list[str]
    headline: bool


def panels(
    g: nx.DiGraph[str], nodes: Mapping[str, Node], hrefs: Mapping[str, str], headline: set[str]
) -> list[NodePanel]:
    """One panel per node: direct dependencies and direct dependents, sorted by location."""
    order = sorted(nodes, key=lambda n: (nodes[n].file, nodes[n].line, n))
    return [
        NodePanel(
            nodes[n],
            hrefs.get(n, ""),
            sorted(g.successors(n)),
            sorted(g.predecessors(n)),
            n in headline,
        )
        for n in order
    ]


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    """One environment per process, so each template is compiled once."""
    loader = jinja2.FunctionLoader(
        lambda name: resources.files("py_bridge").joinpath("templates", name).read_text("utf-8")
    )
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: object) -> str:
    """Render templates/<name> with the status colours in the context."""
    return _env().get_template(name).render(
        styles=STATUS_STYLE, bp_styles=BLUEPRINT_STYLE, **context
    )


def _wrap(text: str, lines: int, width: int = 30) -> str:
    """``text`` wrapped to at most ``lines`` lines of ``width`` characters (… if cut)."""
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)


def blueprint_dot(bp: Blueprint) -> graphviz.Digraph:
    """The blueprint: an arrow B -> A when the proof of A uses B (prerequisites first)."""
    dot = graphviz.Digraph(
        "blueprint",
        graph_attr={"rankdir": "TB", "fontname": "Helvetica", "nodesep": "0.25",
                    "ranksep": "0.5"},
    )
    dot.attr("node", shape="box", style="rounded,filled", fontname="Helvetica", fontsize="11",
             margin="0.12,0.05")
    dot.attr("edge", color="#555555", arrowsize="0.6")
    for n in bp.nodes:
        fill, font, _ = BLUEPRINT_STYLE[n.status]
        attrs = {
            "label": _wrap(n.label, 2) + "\n" + _wrap(n.title, 2),
            "fillcolor": fill,
            "fontcolor": font,
            "id": f"bp:{n.id}",
            "tooltip": f"{n.label}: {n.title} [{n.status}] {' '.join(n.members)}",
            "URL": n.href or f"#{n.id}",
            "target": "_top",
        }
        if n.headline:
            attrs.update(penwidth="2.5", peripheries="2")
        dot.node(n.id, **attrs)
    for u, v in bp.edges:
        dot.edge(v, u)
    return dot


def modules_dot(mods: Sequence[ModuleNode], edges: Sequence[tuple[str, str]]) -> graphviz.Digraph:
    """Module overview: an arrow B -> A when a declaration of A uses one of B."""
    dot = graphviz.Digraph(
        "modules",
        graph_attr={"rankdir": "TB", "fontname": "Helvetica", "nodesep": "0.2", "ranksep": "0.4"},
    )
    dot.attr("node", shape="box", style="rounded,filled", fontname="Helvetica", fontsize="10",
             margin="0.08,0.03")
    dot.attr("edge", color="#777777", arrowsize="0.5")
    prefix = _common_prefix([m.module for m in mods])
    for m in mods:
        fill, font, _ = STATUS_STYLE[m.status]
        dot.node(m.module, label=f"{m.module[len(prefix):]} ({m.count})", fillcolor=fill,
                 fontcolor=font, id=f"mod:{m.module}", tooltip=f"{m.module}: {m.status}",
                 URL=m.href, target="_top")
    for u, v in edges:
        dot.edge(v, u)
    return dot


def _common_prefix(modules: Sequence[str]) -> str:
    """The dotted prefix all modules share (``FlowARProofs.``), "" if none or only one."""
    if len(modules) < 2:
        return ""
    parts = [m.split(".") for m in modules]
    common: list[str] = []
    for group in zip(*parts, strict=False):
        if len(set(group)) != 1:
            break
        common.append(group[0])
    if any(len(p) <= len(common) for p in parts):
        common = common[:-1]
    return ".".join(common) + "." if common else ""
