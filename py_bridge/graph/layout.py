"""The graph page ``report/graph.html``: SVG of the headline cone, legend, panels, coverage.

Pure functions choose what to draw and build the DOT source (networkx for the graph work); the
layout is graphviz ``dot`` (through the ``graphviz`` package); the HTML is a jinja2 template with
autoescaping.  The pages are self-contained: inline SVG, CSS and a small zoom/pan/search
script, no network.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import graphviz
import jinja2
import networkx as nx

from py_bridge.coq.runner import run
from py_bridge.errors import BridgeError, one_line
from py_bridge.graph.blueprint import BLUEPRINT_STYLE, Blueprint, ModuleNode
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
    """The roots and everything they (transitively) use."""
    out: set[str] = set()
    for r in roots:
        if r in g:
            out |= nx.descendants(g, r) | {r}
    return out


def unreachable_lemmas(nodes: Mapping[str, Node], reachable: set[str]) -> list[str]:
    """Theorem-like nodes outside ``reachable``, sorted by file and line."""
    names = [n for n, v in nodes.items() if v.kind in THEOREM_KINDS and n not in reachable]
    return sorted(names, key=lambda n: (nodes[n].file, nodes[n].line, n))


def _contract(g: nx.DiGraph[str], keep: set[str]) -> list[tuple[str, str]]:
    """Edges u -> v between kept nodes where v is reachable from u through hidden nodes only."""
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
        h = nx.DiGraph(edges)
        h.add_nodes_from(keep)
        if nx.is_directed_acyclic_graph(h):
            edges = sorted(nx.transitive_reduction(h).edges)
            tr = True
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


_PROLOG_RE = re.compile(r"^.*?(?=<svg\b)", re.S)


def render_svg(
    dot: graphviz.Digraph | DotSource, dot_exe: str = "dot", timeout: float = 120.0
) -> str:
    """Lay out with graphviz ``dot`` and return the inline <svg> element (no XML prolog)."""
    result = run([dot_exe, "-Tsvg"], cwd=".", timeout=timeout, input=dot.source)
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
