"""The derived views on synthetic graphs: blueprint edges contracted through helper lemmas and
transitively reduced; module overview; cones drawn as their transitive reduction."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import pytest

from py_bridge.graph.blueprint import blueprint, contract, module_overview, transitive_reduction
from py_bridge.graph.classify import Node
from py_bridge.graph.layout import select_display
from py_bridge.paper_map import CoverageRow, Entry


def _node(name: str, status: str = "proved", kind: str = "lemma") -> Node:
    module = name.rsplit(".", 1)[0]
    return Node(name, name, module, kind, f"{module}.v", 1, "", status, (), (), True)


def _row(i: int, coq: tuple[str, ...], status: str = "proved") -> CoverageRow:
    return CoverageRow(Entry(i, f"Lemma {i}", f"result {i}", coq, status, ""), status, [])


def test_contract_goes_through_helpers_and_stops_at_other_results() -> None:
    # main -> h1 -> lem ; main -> h2 -> h3 -> base ; lem -> base
    g = nx.DiGraph([("M.main", "M.h1"), ("M.h1", "M.lem"), ("M.main", "M.h2"),
                    ("M.h2", "M.h3"), ("M.h3", "M.base"), ("M.lem", "M.base")])
    owners = {"M.main": {"A"}, "M.lem": {"B"}, "M.base": {"C"}}
    assert contract(g, owners) == {("A", "B"), ("A", "C"), ("B", "C")}


def test_blueprint_edges_are_the_transitive_reduction() -> None:
    g = nx.DiGraph([("M.main", "M.h1"), ("M.h1", "M.lem"), ("M.main", "M.h2"),
                    ("M.h2", "M.h3"), ("M.h3", "M.base"), ("M.lem", "M.base")])
    nodes = {n: _node(n) for n in g.nodes}
    rows = [_row(1, ("M.main",)), _row(2, ("M.lem",)), _row(3, ("M.base",)),
            _row(4, (), "not-formalized")]
    bp = blueprint(g, nodes, rows, ["M.main"], {})
    assert [n.id for n in bp.nodes] == ["paper-1", "paper-2", "paper-3", "paper-4"]
    # A -> C is implied by A -> B -> C and dropped
    assert bp.edges == [("paper-1", "paper-2"), ("paper-2", "paper-3")]
    assert bp.transitive_reduction
    assert [n.status for n in bp.nodes] == ["proved", "proved", "proved", "not-formalized"]
    assert bp.nodes[0].headline
    assert not bp.nodes[1].headline


def test_blueprint_adds_unmapped_headline_and_flags_axioms() -> None:
    g = nx.DiGraph([("M.thm", "M.ax")])
    nodes = {"M.thm": _node("M.thm", "uses-axiom", "theorem"), "M.ax": _node("M.ax", "axiom")}
    bp = blueprint(g, nodes, [_row(1, ("M.ax",))], ["M.thm"], {"M.thm": "coqdoc/M.html#thm"})
    assert [(n.id, n.status, n.href) for n in bp.nodes] == [
        ("paper-1", "problem", ""), ("headline-1", "problem", "coqdoc/M.html#thm")]
    assert bp.edges == [("headline-1", "paper-1")]


def test_module_overview_reduces_edges_and_takes_worst_status() -> None:
    g = nx.DiGraph([("A.x", "B.y"), ("B.y", "C.z"), ("A.x", "C.z")])
    nodes = {"A.x": _node("A.x"), "B.y": _node("B.y", "trust"), "C.z": _node("C.z")}
    mods, edges, reduced = module_overview(g, nodes)
    assert [(m.module, m.status) for m in mods] == [("A", "proved"), ("B", "trust"),
                                                   ("C", "proved")]
    assert edges == [("A", "B"), ("B", "C")]
    assert reduced


def test_transitive_reduction_keeps_reachability_and_no_implied_edge() -> None:
    edges = [(a, b) for a in range(6) for b in range(a + 1, 6) if (a + b) % 3]
    reduced, ok = transitive_reduction(range(6), edges)
    assert ok
    full, red = nx.DiGraph(edges), nx.DiGraph(reduced)
    for u in full:
        assert nx.descendants(full, u) == nx.descendants(red, u)
    for u, v in reduced:
        h = red.copy()
        h.remove_edge(u, v)
        assert not nx.has_path(h, u, v)  # no edge is implied by the others


def test_big_cone_is_drawn_as_its_transitive_reduction() -> None:
    # 60 lemmas in a chain, each also using every later one: 1770 edges, 59 after reduction
    names = [f"M.l{i:02d}" for i in range(60)]
    g = nx.DiGraph([(a, b) for i, a in enumerate(names) for b in names[i + 1:]])
    nodes = {n: _node(n) for n in names}
    display = select_display(g, nodes, set(names))
    assert display.transitive_reduction
    assert display.edges == list(zip(names, names[1:], strict=False))


def test_cone_truncated_to_nearest_declarations() -> None:
    names = [f"M.l{i:02d}" for i in range(30)]
    g = nx.DiGraph(list(zip(names, names[1:], strict=False)))
    nodes = {n: _node(n) for n in names}
    display = select_display(g, nodes, set(names), max_nodes=10, roots=[names[0]])
    assert display.nodes == names[:10]
    assert display.truncated_from == 30


def test_helpers_hidden_edges_contracted_through_them() -> None:
    # a -> def1 -> def2 -> b ; a -> c ; c -> def2 ; def1 -> def1b (a dead end) ; b -> ctor
    g = nx.DiGraph([("M.a", "M.def1"), ("M.def1", "M.def2"), ("M.def2", "M.b"), ("M.a", "M.c"),
                    ("M.c", "M.def2"), ("M.def1", "M.def1b"), ("M.b", "M.ctor")])
    nodes = {n: _node(n) for n in ("M.a", "M.b", "M.c")}
    nodes |= {n: _node(n, kind="constructor") for n in ("M.def1", "M.def2", "M.def1b", "M.ctor")}
    display = select_display(g, nodes, set(g.nodes))
    assert display.nodes == ["M.a", "M.b", "M.c"]
    assert display.edges == [("M.a", "M.b"), ("M.a", "M.c"), ("M.c", "M.b")]


def test_cones_laid_out_in_one_batch_and_drawn_with_every_node_and_edge() -> None:
    import re

    from py_bridge.graph.layout import draw_svg, layout_dot, run_layouts

    names = ["A.top", "A.mid", "B.low1", "B.low2"]
    g = nx.DiGraph([("A.top", "A.mid"), ("A.mid", "B.low1"), ("A.mid", "B.low2"),
                    ("A.top", "B.low2")])
    nodes = {n: _node(n) for n in names} | {"B.low2": _node("B.low2", status="trust")}
    display = select_display(g, nodes, set(names))
    small = select_display(g, nodes, {"B.low1"})
    dots = [layout_dot(display, nodes, {"A.top"}), layout_dot(small, nodes, set())] * 2
    layouts = run_layouts(dots, workers=2)
    assert len(layouts) == 4  # one per graph, in order, from two dot processes
    hrefs = {n: f"../coqdoc/{n}.html" for n in names}
    svg = draw_svg(layouts[0], nodes, hrefs, {"A.top"})
    assert sorted(re.findall(r'<g id="node:([^"]+)"', svg)) == sorted(names)
    assert sorted(re.findall(r'<g id="cluster:([^"]+)"', svg)) == ["A", "B"]
    edges = svg.split('<g class="edges"', 1)[1].split("</g>", 1)[0]
    assert edges.count("<path ") == len(display.edges) == 4
    assert 'class="node status-trust"' in svg
    assert "#f7d154" in svg
    assert all(f'href="../coqdoc/{n}.html"' in svg for n in names)
    assert svg.count("<rect") == 2 + 4 + 1  # clusters, boxes, the headline's inner border
    small_svg = draw_svg(layouts[1], nodes, hrefs, set())
    assert re.findall(r'<g id="node:([^"]+)"', small_svg) == ["B.low1"]
    assert draw_svg(layouts[2], nodes, hrefs, {"A.top"}).count("<g id=") == svg.count("<g id=")


def test_a_graph_dot_gives_up_on_is_laid_out_alone_then_without_clusters(tmp_path: Path) -> None:
    """A stand-in for dot that lays out graphs one after another but gives up (exit 1, after the
    earlier layouts) on a graph with "BAD" in it while it has clusters: the earlier layouts are
    kept, that graph is laid out alone without clusters, and the graphs after it come back."""
    from py_bridge.graph.layout import (
        DotSource,
        LayoutError,
        layout_dot,
        run_layouts,
        without_clusters,
    )

    fake = tmp_path / "dot"
    script = (
        "#!" + sys.executable + "\n"
        "import json, re, sys\n"
        "graphs = [g for g in re.split(r'(?=^digraph )', sys.stdin.read(), flags=re.M) if g]\n"
        "for g in graphs:\n"
        "    if 'BAD' in g and 'subgraph cluster' in g:\n"
        "        print('Error: lost BAD edge', file=sys.stderr)\n"
        "        sys.exit(1)\n"
        "    print(json.dumps({'clusters': 'subgraph cluster' in g}), flush=True)\n"
    )
    fake.write_text(script)
    fake.chmod(0o755)
    g = nx.DiGraph([("A.x", "B.y")])
    nodes = {n: _node(n) for n in ("A.x", "B.y")}
    good = layout_dot(select_display(g, nodes, {"A.x", "B.y"}), nodes, set())
    bad = DotSource(good.source.replace("A.x", "A.BAD"))
    assert "subgraph cluster" in good.source
    assert "subgraph cluster" not in without_clusters(good).source
    assert without_clusters(good).source.count("label=") == 2  # the nodes stay
    layouts = run_layouts([good, good, bad, good], dot_exe=str(fake), workers=1)
    assert [lay["clusters"] for lay in layouts] == [True, True, False, True]
    # a graph that fails with and without clusters is an error naming dot's message
    fake.write_text(script.replace(" and 'subgraph cluster' in g", ""))
    with pytest.raises(LayoutError, match="lost BAD edge"):
        run_layouts([good, bad], dot_exe=str(fake), workers=1)
