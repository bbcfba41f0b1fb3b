"""The lemma graph on a real (tiny) Coq project: extraction, classification, outputs, exit codes.

The fixture tests/coq/graph_fixture is compiled with coqc in a temporary copy; every node's
kind and status is asserted exactly, and statuses are cross-checked against Print Assumptions.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from coq_fixture_support import needs_coq  # noqa: E402
from graph_fixture_support import (  # noqa: E402
    FIXTURES,
    TRUST_RECORD,
    build_fixture,
    graph_argv,
    graph_kwargs,
)

from py_bridge import cli, graph  # noqa: E402
from py_bridge.coq import load_coqproject  # noqa: E402
from py_bridge.coq.assumptions import assumption_names as parse_assumptions  # noqa: E402
from py_bridge.coq.names import is_allowed  # noqa: E402
from py_bridge.graph.classify import BAD_STATUSES, classify, with_assumptions  # noqa: E402
from py_bridge.graph.extract import Extraction, extract  # noqa: E402

# skipped only on a developer machine without Coq; with CI set, a missing coqc fails the tests
pytestmark = needs_coq

# name -> (kind, status) for every node of the fixture, with an empty allowlist.
EXPECTED = {
    "Fix.Base.TrustSem": ("record", "proved"),
    "Fix.Base.Build_TrustSem": ("constructor", "proved"),
    "Fix.Base.s_val": ("projection", "proved"),
    "Fix.Base.s_spec": ("projection", "proved"),
    "Fix.Base.TrustRec": ("record", "trust"),
    "Fix.Base.Build_TrustRec": ("constructor", "trust"),
    "Fix.Base.t_sem": ("projection", "trust"),
    "Fix.Base.t_add": ("projection", "trust"),
    "Fix.Base.t_add_spec": ("projection", "trust"),
    "Fix.Base.t_depth": ("projection", "trust"),
    "Fix.Base.t_unused": ("projection", "trust"),
    "Fix.Base.c_def": ("definition", "proved"),
    "Fix.Base.c_lemma": ("lemma", "proved"),
    "Fix.Base.ax_plus_zero": ("axiom", "axiom"),
    "Fix.Base.uses_ax": ("lemma", "uses-axiom"),
    "Fix.Base.adm_lemma": ("lemma", "admitted"),
    "Fix.Base.color": ("inductive", "proved"),
    "Fix.Base.Red": ("constructor", "proved"),
    "Fix.Base.Green": ("constructor", "proved"),
    "Fix.Base.color_ind": ("scheme", "proved"),
    "Fix.Base.color_rec": ("scheme", "proved"),
    "Fix.Base.color_rect": ("scheme", "proved"),
    "Fix.Base.color_sind": ("scheme", "proved"),
    "Fix.Base.Inner.inner_def": ("definition", "proved"),
    "Fix.Base.Inner.inner_lemma": ("lemma", "proved"),
    "Fix.Top.b_lemma": ("lemma", "proved"),
    "Fix.Top.a_thm": ("theorem", "proved"),
    "Fix.Top.trust_thm": ("theorem", "trust"),
    "Fix.Top.trust_depth": ("lemma", "trust"),
    "Fix.Top.trust_sub": ("lemma", "trust"),
    "Fix.Top.sem_only": ("lemma", "proved"),
    "Fix.Top.uses_adm": ("lemma", "uses-axiom"),
    "Fix.Top.unreachable_lemma": ("lemma", "proved"),
    "Fix.Top.pick": ("definition", "proved"),
    "Fix.Top.uses_funext": ("lemma", "uses-axiom"),
}
FUNEXT = "FunctionalExtensionality.functional_extensionality_dep"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("graph") / "proj")


@pytest.fixture(scope="module")
def result(project: Path) -> graph.GraphResult:
    return graph.build_graph(project, **graph_kwargs(project))


def test_every_node_classified_exactly(result: graph.GraphResult) -> None:
    got = {n.name: (n.kind, n.status) for n in result.lemmas.nodes.values()}
    assert got == EXPECTED


def test_admitted_and_axiom_told_apart(result: graph.GraphResult) -> None:
    nodes = result.lemmas.nodes
    assert nodes["Fix.Base.adm_lemma"].status == "admitted"
    assert nodes["Fix.Base.ax_plus_zero"].status == "axiom"
    assert nodes["Fix.Top.uses_adm"].assumptions == ("Fix.Base.adm_lemma",)
    assert nodes["Fix.Base.uses_ax"].assumptions == ("Fix.Base.ax_plus_zero",)
    assert nodes["Fix.Top.uses_funext"].assumptions == (FUNEXT,)  # a library axiom is seen


def test_chain_edges_cross_files(result: graph.GraphResult) -> None:
    g = result.lemmas.graph
    assert g.has_edge("Fix.Top.a_thm", "Fix.Top.b_lemma")
    assert g.has_edge("Fix.Top.b_lemma", "Fix.Base.c_lemma")  # Top.v -> Base.v
    assert g.has_edge("Fix.Base.c_lemma", "Fix.Base.c_def")
    assert not g.has_edge("Fix.Base.c_lemma", "Fix.Top.b_lemma")


def test_trust_fields_named(result: graph.GraphResult) -> None:
    nodes = result.lemmas.nodes
    assert result.lemmas.trust_record == TRUST_RECORD
    assert nodes["Fix.Top.trust_thm"].trust_fields == ("Fix.Base.t_add", "Fix.Base.t_add_spec")
    assert nodes["Fix.Top.trust_depth"].trust_fields == ("Fix.Base.t_depth",)
    assert nodes["Fix.Top.a_thm"].trust_fields == ()
    used = {f for n in nodes.values() if n.kind != "projection" for f in n.trust_fields}
    assert "Fix.Base.t_unused" not in used


def test_trust_subrecord(result: graph.GraphResult) -> None:
    """A record in the trust record's module is a sub-record: its projections are named for trust
    nodes, but taking only the sub-record does not make a node trust."""
    nodes = result.lemmas.nodes
    assert nodes["Fix.Top.trust_sub"].status == "trust"
    assert nodes["Fix.Top.trust_sub"].trust_fields == (
        "Fix.Base.s_spec", "Fix.Base.s_val", "Fix.Base.t_sem")
    assert nodes["Fix.Top.sem_only"].status == "proved"
    assert nodes["Fix.Top.sem_only"].trust_fields == ()


def test_locations_from_glob(result: graph.GraphResult) -> None:
    nodes = result.lemmas.nodes
    assert (nodes["Fix.Top.a_thm"].file, nodes["Fix.Top.a_thm"].line) == ("Top.v", 8)
    assert (nodes["Fix.Base.adm_lemma"].file, nodes["Fix.Base.adm_lemma"].line) == ("Base.v", 29)
    assert nodes["Fix.Base.Inner.inner_lemma"].anchor == "Inner.inner_lemma"
    assert nodes["Fix.Base.color_rect"].line == nodes["Fix.Base.color"].line  # scheme -> its type
    assert result.lemmas.unmatched_decls == ()  # every .glob object is a node
    assert result.glob_count == len(EXPECTED) - 6  # schemes, Build_Trust*: not in .glob


def test_headline_and_unreachable(result: graph.GraphResult) -> None:
    assert result.headline == ["Fix.Top.a_thm", "Fix.Top.trust_thm"]
    assert "Fix.Top.unreachable_lemma" in result.unreachable
    assert "Fix.Base.c_lemma" not in result.unreachable  # a_thm -> b_lemma -> c_lemma
    assert "Fix.Top.a_thm" not in result.unreachable


def test_statuses_agree_with_print_assumptions(project: Path, result: graph.GraphResult) -> None:
    """Run Print Assumptions on every node separately and compare with the classification."""
    names = sorted(result.lemmas.nodes)
    lines = ["Require Fix.Base Fix.Top."]
    for i, name in enumerate(names):
        lines.append(f'Redirect "pa_{i}" Print Assumptions {name}.')
    check = project / "PaCheck.v"
    check.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(["coqc", "-Q", ".", "Fix", "PaCheck.v"], cwd=project, check=True, timeout=300)
    for i, name in enumerate(names):
        reported = parse_assumptions((project / f"pa_{i}.out").read_text(encoding="utf-8"))
        node = result.lemmas.nodes[name]
        assert (node.status in BAD_STATUSES) == bool(reported), name
        assert len(reported) == len(node.assumptions), name
        for short in reported:
            assert is_allowed(short, node.assumptions, exact=False), (name, short)


def test_allowlist_closes_library_axiom(project: Path, tmp_path: Path) -> None:
    allow = tmp_path / "allowlist"
    allow.write_text(f"# allowed\n{FUNEXT}\n", encoding="utf-8")
    res = graph.build_graph(
        project, **graph_kwargs(project, out=tmp_path / "out", allowlist=allow, page=False)
    )
    assert res.lemmas.nodes["Fix.Top.uses_funext"].status == "proved"
    assert res.lemmas.allowlisted_used == (FUNEXT,)
    assert res.lemmas.nodes["Fix.Top.uses_adm"].status == "uses-axiom"  # Admitted never allowed


def test_closure_skipped_only_when_every_assumption_is_allowlisted(project: Path) -> None:
    """With every assumption allowlisted, the extraction skips the closure's DependGraph; the
    classification must equal the one computed with the closure."""
    proj = load_coqproject(project)
    allow = [FUNEXT, "Fix.Base.ax_plus_zero", "Fix.Base.adm_lemma"]
    lean = extract(project, proj, allowlist=allow)
    full = extract(project, proj, allowlist=None)
    partial = extract(project, proj, allowlist=[FUNEXT])  # the fixture's own axioms are bad
    assert lean.full_dpd is None
    assert lean.assumptions == full.assumptions
    assert full.full_dpd is not None
    assert partial.full_dpd is not None

    def statuses(ex: Extraction) -> tuple[dict[str, tuple[str, tuple[str, ...]]], tuple[str, ...]]:
        lg = classify(ex.project_dpd, ex.full_dpd, ex.decls, ex.modules, ex.assumptions, allow,
                      TRUST_RECORD)
        return {n: (v.status, v.assumptions) for n, v in lg.nodes.items()}, lg.allowlisted_used

    got, used = statuses(lean)
    assert (got, used) == statuses(full)
    assert FUNEXT in used
    assert got["Fix.Top.uses_funext"][0] == "proved"


def test_final_classification_from_the_early_one(project: Path) -> None:
    """``with_assumptions`` (the early classification, made with no assumption, plus Print
    Assumptions' set) equals ``classify`` on that set when every assumption is allowlisted, and
    declines otherwise."""
    proj = load_coqproject(project)
    allow = [FUNEXT, "Fix.Base.ax_plus_zero", "Fix.Base.adm_lemma"]
    ex = extract(project, proj, allowlist=allow)
    assert ex.full_dpd is None
    assert ex.assumptions
    early = classify(ex.project_dpd, None, ex.decls, ex.modules, set(), allow, TRUST_RECORD)
    final = classify(ex.project_dpd, None, ex.decls, ex.modules, ex.assumptions, allow,
                     TRUST_RECORD)
    shortcut = with_assumptions(early, ex.assumptions, allow)
    assert shortcut is not None
    assert shortcut.nodes == final.nodes
    assert shortcut.allowlisted_used == final.allowlisted_used
    assert shortcut.unmatched_decls == final.unmatched_decls
    assert shortcut.trust_record == final.trust_record
    assert sorted(shortcut.graph.edges(data=True)) == sorted(final.graph.edges(data=True))
    assert set(final.allowlisted_used) >= {FUNEXT}  # not trivially empty
    assert {n.status for n in final.nodes.values()} >= {"trust", "proved"}
    assert with_assumptions(early, ex.assumptions, [FUNEXT]) is None  # an axiom is bad


def test_outputs_written(project: Path, result: graph.GraphResult) -> None:
    out = project / "report"
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    by_name = {n["name"]: n for n in data["nodes"]}
    assert set(by_name) == set(EXPECTED)
    for name, (kind, status) in EXPECTED.items():
        assert (by_name[name]["kind"], by_name[name]["status"]) == (kind, status)
        assert {"file", "line", "trust_fields"} <= set(by_name[name])
    assert {"source": "Fix.Top.a_thm", "target": "Fix.Top.b_lemma", "weight": 1} in data["edges"]
    assert data["counts"]["status"]["admitted"] == 1
    assert data["counts"]["glob_declarations"] == result.glob_count
    dot = subprocess.run(["dot", "-Tsvg", str(out / "graph.dot")], capture_output=True, timeout=60)
    assert dot.returncode == 0
    assert b"<svg" in dot.stdout
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporaries


def test_page_drawn_early_is_redrawn_when_statuses_change(
    project: Path, result: graph.GraphResult
) -> None:
    """The page drawn from pass 1's graph (no assumption known yet) shows every node proved or
    trust; the fixture's axiom and Admitted lemma change statuses, so it is drawn again."""
    assert result.timings["page_drawn_early"] == 0.0
    base = (project / "report" / "modules" / "Fix.Base.html").read_text(encoding="utf-8")
    assert '<span class="st st-axiom">axiom</span> <code>Fix.Base.ax_plus_zero</code>' in base
    assert '<span class="st st-admitted">admitted</span> <code>Fix.Base.adm_lemma</code>' in base
    cone = (project / "report" / "cones" / "Fix.Top.a_thm.html").read_text(encoding="utf-8")
    assert 'class="node status-' in cone


def test_page_drawn_early_is_kept_only_when_it_is_the_final_one(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no assumption at all (as for a closed development), the early page is the final
    page: it is kept, and it is what drawing the page after the classification gives."""
    real_extract = graph.extract

    def closed(*args: Any, **kwargs: Any) -> Extraction:
        ex = real_extract(*args, **kwargs)
        return dataclasses.replace(ex, full_dpd=None, assumptions=set())

    monkeypatch.setattr(graph, "extract", closed)
    kept = graph.build_graph(project, out=tmp_path / "kept", **graph_kwargs(project))
    assert kept.timings["page_drawn_early"] == 1.0
    real_early = graph._early_parts

    def stale(*args: Any, **kwargs: Any) -> graph.PageParts:
        return dataclasses.replace(real_early(*args, **kwargs), headline=())

    monkeypatch.setattr(graph, "_early_parts", stale)
    redrawn = graph.build_graph(project, out=tmp_path / "redrawn", **graph_kwargs(project))
    assert redrawn.timings["page_drawn_early"] == 0.0
    for rel in ["graph.html", "modules/Fix.Base.html", "modules/Fix.Top.html"]:
        assert (tmp_path / "kept" / rel).read_bytes() == (tmp_path / "redrawn" / rel).read_bytes()
    for rel in ["cones/Fix.Top.a_thm.html", "cones/Fix.Top.trust_thm.html"]:
        ids = [re.findall(r'<g id="([^"]+)"', (tmp_path / run / rel).read_text(encoding="utf-8"))
               for run in ("kept", "redrawn")]
        assert sorted(ids[0]) == sorted(ids[1])
        assert ids[0]
    statuses = {n.status for n in kept.lemmas.nodes.values()}
    assert statuses == {"proved", "trust"}


def _run_main(
    project: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    code = cli.main(graph_argv(project, "--no-page", *extra))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_main_ok_prints_counts(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run_main(project, capsys, "--paper-map", str(FIXTURES / "paper_map_ok.toml"))
    assert code == 0, out
    assert "admitted 1, axiom 1" in out
    assert "declarations in .glob files: 29" in out
    assert "paper coverage: proved 1, proved-from-trust-record 1, not-formalized 1" in out


def test_main_wrong_name_exits_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run_main(
        project, capsys, "--paper-map", str(FIXTURES / "paper_map_wrong_name.toml")
    )
    assert code == 1
    assert "entry 2 (Lemma 3.9)" in out
    assert "Fix.Top.b_lema does not exist" in out
    assert "did you mean Fix.Top.b_lemma" in out
    assert "entry 1" not in out


def test_main_wrong_status_exits_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run_main(
        project, capsys, "--paper-map", str(FIXTURES / "paper_map_wrong_status.toml")
    )
    assert code == 1
    assert "entry 1 (Lemma 4)" in out
    assert "'not-formalized'" in out
    assert "entry 2 (Lemma 5)" in out
    assert "graph says 'proved'" in out


def test_main_malformed_map_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run_main(
        project, capsys, "--paper-map", str(FIXTURES / "paper_map_malformed.toml")
    )
    assert code == 2
    assert "entry 2 (Lemma 2): unknown key 'comment'" in out
    assert "entry 2 (Lemma 2): field 'status' is 'done'" in out
    assert "entry 3 (Lemma 3): missing field 'name'" in out
    assert "entry 3 (Lemma 3): field 'note' must explain" in out


def test_main_missing_target_exits_1(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("Fix.Top.a_thm\nFix.Top.no_such_theorem\n", encoding="utf-8")
    code, out = _run_main(project, capsys, "--targets", str(targets), "--out", str(tmp_path / "o"))
    assert code == 1
    assert "Fix.Top.no_such_theorem" in out


def test_main_unbuilt_project_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(__file__).parent / "coq" / "graph_fixture"
    shutil.copytree(src, tmp_path / "raw")
    (tmp_path / "raw" / "assumptions.allowlist").write_text("", encoding="utf-8")
    (tmp_path / "raw" / "audit_targets.txt").write_text("Fix.Top.a_thm\n", encoding="utf-8")
    code, out = _run_main(tmp_path / "raw", capsys)
    assert code == 2
    assert "not built" in out
