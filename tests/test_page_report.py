"""report/index.html through `cli.main(["report", ...])`: audit verdict (or "audit not run",
"source scan only", "stale"), provenance, graph counts, paper coverage; exit 1 when the paper
map does not check against graph.json, exit 2 on inputs that are not what they should be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from py_bridge import cli, provenance

MAP = """
[[entry]]
paper = "Theorem 1"
name = "main"
coq = ["A.main"]
status = "proved-from-trust-record"

[[entry]]
paper = "Lemma 2"
name = "claims proved"
coq = ["A.main"]
status = "proved"
"""
MAP_OK = MAP.split("[[entry]]\npaper = \"Lemma 2\"")[0]


def _project(tmp_path: Path) -> Path:
    (tmp_path / "_CoqProject").write_text("-Q . A\nA.v\n", encoding="utf-8")
    (tmp_path / "A.v").write_text("Lemma main : True. Proof. exact I. Qed.\n", encoding="utf-8")
    (tmp_path / "report").mkdir()
    return tmp_path


def _prov(root: Path) -> dict[str, Any]:
    return provenance.collect(root, ["test"], [root / "_CoqProject", root / "A.v"])


def _graph(root: Path) -> dict[str, Any]:
    return {
        "version": 2,
        "provenance": _prov(root),
        "counts": {
            "status": {"proved": 2, "trust": 1, "uses-axiom": 0, "admitted": 0, "axiom": 0},
            "nodes": 3,
            "glob_declarations": 3,
        },
        "headline": ["A.main"],
        "missing_targets": [],
        "nodes": [
            {"name": "A.main", "status": "trust"},
            {"name": "A.lem", "status": "proved"},
            {"name": "A.def", "status": "proved"},
        ],
    }


def _audit(root: Path, ok: bool, source_only: bool = False) -> dict[str, Any]:
    return {"schema_version": 2, "ok": ok, "source_only": source_only,
            "provenance": _prov(root), "note": "<script>"}


def _run(root: Path, *extra: str) -> tuple[int, str]:
    code = cli.main(["report", "--root", str(root), *extra])
    index = root / "report" / "index.html"
    return code, index.read_text(encoding="utf-8") if index.is_file() else ""


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def test_no_inputs_says_not_run(tmp_path: Path) -> None:
    code, html = _run(_project(tmp_path))
    assert code == 0
    assert "audit not run" in html
    assert "graph not run" in html
    assert "No paper_map.toml" in html
    assert 'href="graph.html"' not in html


def test_audit_pass_fail_source_only_and_stale(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _write(root / "report" / "audit.json", _audit(root, True))
    code, html = _run(root)
    assert code == 0
    assert "audit: PASS</p>" in html
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    commit = provenance.git_state(root.resolve())[0]
    assert "Coq " in html
    assert (commit is None or commit[:12] in html)
    _write(root / "report" / "audit.json", _audit(root, False))
    assert "audit: FAIL</p>" in _run(root)[1]
    _write(root / "report" / "audit.json", _audit(root, True, source_only=True))
    html = _run(root)[1]
    assert "audit: PASS (source scan only" in html
    # a source changes after the audit: the page says the audit is stale, naming the file
    _write(root / "report" / "audit.json", _audit(root, True))
    (root / "A.v").write_text("Lemma main : True. Proof. exact I. Qed.\n(* edit *)\n")
    html = _run(root)[1]
    assert "(stale: inputs changed since)" in html
    assert "stale: changed since: A.v" in html


def test_graph_counts_and_coverage_exit_1_when_map_disagrees(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _write(root / "report" / "graph.json", _graph(root))
    (root / "report" / "graph.html").write_text("<html></html>", encoding="utf-8")
    (root / "paper_map.toml").write_text(MAP, encoding="utf-8")
    code, html = _run(root)
    assert code == 1  # entry 2 says "proved", the graph says trust
    assert 'href="graph.html"' in html
    assert 'id="coverage-table"' in html
    assert 'id="paper-map-problems"' in html
    assert 'href="graph.html#paper-1"' in html  # the result's row of the blueprint
    assert "graph says &#39;proved-from-trust-record&#39;" in html
    (root / "paper_map.toml").write_text(MAP_OK, encoding="utf-8")
    code, html = _run(root)
    assert code == 0
    assert 'id="paper-map-problems"' not in html


def test_paper_map_naming_a_missing_object_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _write(root / "report" / "graph.json", _graph(root))
    (root / "paper_map.toml").write_text(MAP_OK.replace("A.main", "A.mian"), encoding="utf-8")
    code, _ = _run(root)
    assert code == 1
    assert "Coq object A.mian does not exist (did you mean A.main?)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report/audit.json", b"{not json", "audit.json: not valid JSON"),
        ("report/audit.json", b"[1, 2]", "audit.json: expected a JSON object, got list"),
        ("report/audit.json", b'{"ok": true}', "audit.json: audit.json schema version None"),
        ("report/audit.json", b"\xff\xfe{}", "audit.json: not UTF-8 text"),
        ("report/graph.json", b'{"version": 1, "nodes": []}', "graph.json schema version 1"),
        ("report/graph.json", b'{"version": 2, "counts": []}', "field 'counts' missing or of"),
        ("paper_map.toml", b'[[entry]]\npaper = "L"\n', "missing field 'name'"),
        ("paper_map.toml", b'[[entry]]\npaper = "\xe9"\n', "paper_map.toml (paper map): not UTF"),
    ],
)
def test_bad_inputs_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, message: str
) -> None:
    root = _project(tmp_path)
    (root / name).write_bytes(data)
    code, _ = _run(root)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
