"""The views a reader takes in at a glance, derived from the lemma graph (never hand-written):

* the **blueprint**: one node per result of the paper (paper_map.toml) plus each headline theorem
  not already in the map; an edge A -> B when a Coq object of A uses one of B through helper
  lemmas only (paths through the objects of other results are cut there), shown as the transitive
  reduction; coloured by the result's status;
* the **module overview**: one node per module, an edge when a declaration of one uses one of
  the other, transitive reduction, coloured by the worst status in the module;
* **cones**: one per headline theorem, see ``layout.select_display``.

All pure (networkx for the graph work); ``layout`` turns these into DOT and SVG.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from py_bridge.graph.classify import Node
from py_bridge.paper_map import CoverageRow

#: Blueprint status -> (fill, font colour, legend text).
BLUEPRINT_STYLE: dict[str, tuple[str, str, str]] = {
    "proved": ("#7fcf7f", "#000000", "proved, closed up to the allowlist"),
    "proved-from-trust-record": ("#f7d154", "#000000", "proved from the float trust record"),
    "not-formalized": ("#d9d9d9", "#333333", "not formalized (see the note)"),
    "problem": ("#e8413c", "#ffffff", "the map and the Coq development disagree, or an axiom"),
}

#: Worst first: the module overview colours a module by its worst declaration.
_SEVERITY = ("axiom", "admitted", "uses-axiom", "trust", "proved")


@dataclass(frozen=True)
class BlueprintNode:
    id: str  # "paper-<index>" or "headline-<n>"
    label: str  # "Lemma 3.9"
    title: str  # "iterated addition in TC0"
    members: tuple[str, ...]  # Coq objects of the result
    status: str  # key of BLUEPRINT_STYLE
    href: str  # coqdoc anchor of the first member, "" if none
    headline: bool
    problems: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Blueprint:
    nodes: list[BlueprintNode]
    edges: list[tuple[str, str]]
    transitive_reduction: bool


def transitive_reduction(
    nodes: Iterable[str], edges: Iterable[tuple[str, str]]
) -> tuple[list[tuple[str, str]], bool]:
    """(edges, True) as the transitive reduction when the graph is acyclic, else (edges, False).

    An edge u -> v stays unless v is reachable from another successor of u; the nodes
    reachable from each node are bit masks, built in reverse topological order."""
    succ: dict[str, set[str]] = {n: set() for n in nodes}
    for u, v in edges:
        succ.setdefault(u, set()).add(v)
        succ.setdefault(v, set())
    indegree = dict.fromkeys(succ, 0)
    for vs in succ.values():
        for v in vs:
            indegree[v] += 1
    topo = [n for n, d in indegree.items() if d == 0]
    for u in topo:  # Kahn's algorithm: topo grows while it is read
        for v in succ[u]:
            indegree[v] -= 1
            if indegree[v] == 0:
                topo.append(v)
    all_edges = sorted((u, v) for u, vs in succ.items() for v in vs)
    if len(topo) < len(succ):
        return all_edges, False
    bit = {n: 1 << i for i, n in enumerate(topo)}
    below: dict[str, int] = {}  # the nodes reachable from n (n excluded)
    covered_by: dict[str, int] = {}  # the nodes reachable from n in two steps or more
    for u in reversed(topo):
        covered = 0
        reach = 0
        for w in succ[u]:
            covered |= below[w]
            reach |= bit[w]
        below[u] = reach | covered
        covered_by[u] = covered
    return [(u, v) for u, v in all_edges if not covered_by[u] & bit[v]], True


def contract(g: nx.DiGraph[str], owners: Mapping[str, set[str]]) -> set[tuple[str, str]]:
    """Edges between groups: ``owners`` maps a Coq object to the groups it belongs to; group A
    -> group B when an object of A reaches an object of B through objects of no group."""
    members: dict[str, set[str]] = {}
    for name, groups in owners.items():
        for grp in groups:
            members.setdefault(grp, set()).add(name)
    edges: set[tuple[str, str]] = set()
    for grp, names in members.items():
        stack = [s for n in names if n in g for s in g.successors(n)]
        seen: set[str] = set()
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if v in owners:
                edges.update((grp, other) for other in owners[v] if other != grp)
            else:
                stack.extend(g.successors(v))
    return edges


def _result_status(row: CoverageRow, nodes: Mapping[str, Node]) -> str:
    if row.problems or any(nodes[c].status in ("axiom", "admitted", "uses-axiom")
                           for c in row.entry.coq if c in nodes):
        return "problem"
    return row.entry.status


def _headline_status(node: Node) -> str:
    if node.status == "proved":
        return "proved"
    if node.status == "trust":
        return "proved-from-trust-record"
    return "problem"


def blueprint(
    g: nx.DiGraph[str],
    nodes: Mapping[str, Node],
    rows: Sequence[CoverageRow] | None,
    headline: Sequence[str],
    hrefs: Mapping[str, str],
) -> Blueprint:
    """The blueprint graph (see the module docstring)."""
    bp: list[BlueprintNode] = []
    covered: set[str] = set()
    for row in rows or []:
        e = row.entry
        present = tuple(c for c in e.coq if c in nodes)
        covered.update(present)
        bp.append(BlueprintNode(
            id=f"paper-{e.index}", label=e.paper,
            title=f"{e.name} (partial)" if e.partial else e.name, members=present,
            status=_result_status(row, nodes),
            href=hrefs.get(present[0], "") if present else "",
            headline=any(c in headline for c in present), problems=tuple(row.problems),
            note=e.note,
        ))
    for i, name in enumerate(h for h in headline if h not in covered):
        short = name.rsplit(".", 1)[-1]
        bp.append(BlueprintNode(
            id=f"headline-{i + 1}", label=short, title=name, members=(name,),
            status=_headline_status(nodes[name]), href=hrefs.get(name, ""), headline=True,
            problems=(), note="headline theorem (not in the paper map)",
        ))
    owners: dict[str, set[str]] = {}
    for node in bp:
        for m in node.members:
            owners.setdefault(m, set()).add(node.id)
    edges, reduced = transitive_reduction((n.id for n in bp), contract(g, owners))
    return Blueprint(bp, edges, reduced)


@dataclass(frozen=True)
class ModuleNode:
    module: str
    count: int
    status: str  # worst declaration status in the module
    href: str


def module_overview(
    g: nx.DiGraph[str], nodes: Mapping[str, Node], prefix: str = "coqdoc/"
) -> tuple[list[ModuleNode], list[tuple[str, str]], bool]:
    """(modules, edges, reduced): module A -> B when a declaration of A uses one of B."""
    by_module: dict[str, list[Node]] = {}
    for n in nodes.values():
        by_module.setdefault(n.module, []).append(n)
    mods = [
        ModuleNode(m, len(ns), min((n.status for n in ns), key=_SEVERITY.index),
                   f"{prefix}{m}.html")
        for m, ns in sorted(by_module.items())
    ]
    raw = {
        (nodes[u].module, nodes[v].module)
        for u, v in g.edges
        if u in nodes and v in nodes and nodes[u].module != nodes[v].module
    }
    edges, reduced = transitive_reduction((m.module for m in mods), raw)
    return mods, edges, reduced


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def page_name(name: str) -> str:
    """A file name for a declaration's page (``cones/<page_name>.html``)."""
    return _UNSAFE.sub("_", name)
