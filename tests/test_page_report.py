"""report/index.html: audit verdict (or "audit not run"), graph counts, paper coverage."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from py_bridge import report

GRAPH = {
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


def _run(root: Path) -> tuple[int, str]:
    code = report.main(argparse.Namespace(root=str(root), out=None))
    index = root / "report" / "index.html"
    return code, index.read_text(encoding="utf-8") if index.is_file() else ""


def test_no_inputs_says_not_run(tmp_path: Path) -> None:
    code, html = _run(tmp_path)
    assert code == 0
    assert "audit not run" in html
    assert "graph not run" in html
    assert "No paper_map.toml" in html
    assert 'href="graph.html"' not in html


def test_audit_pass_fail_and_generic_details(tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    audit = {"ok": True, "checks": {"coqchk": {"ok": True, "axioms": []}}, "note": "<script>"}
    (out / "audit.json").write_text(json.dumps(audit), encoding="utf-8")
    code, html = _run(tmp_path)
    assert code == 0
    assert "audit: PASS" in html
    assert "coqchk" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    (out / "audit.json").write_text(json.dumps({"ok": False}), encoding="utf-8")
    assert "audit: FAIL" in _run(tmp_path)[1]
    (out / "audit.json").write_text(json.dumps({"findings": []}), encoding="utf-8")
    assert "no verdict in audit.json" in _run(tmp_path)[1]


def test_graph_counts_and_coverage(tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "graph.json").write_text(json.dumps(GRAPH), encoding="utf-8")
    (out / "graph.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "paper_map.toml").write_text(MAP, encoding="utf-8")
    code, html = _run(tmp_path)
    assert code == 0
    assert 'href="graph.html"' in html
    assert 'id="coverage-table"' in html
    assert "proved: 1 · proved-from-trust-record: 1 · not-formalized: 0" in html
    assert "graph says &#39;proved-from-trust-record&#39;" in html  # entry 2 disagrees
    assert 'href="graph.html#node-A.main"' in html


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("report/audit.json", "{not json", "not valid JSON"),
        ("report/audit.json", "[1, 2]", "expected a JSON object"),
        ("paper_map.toml", '[[entry]]\npaper = "L"\n', "missing field 'name'"),
    ],
)
def test_bad_inputs_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, message: str
) -> None:
    (tmp_path / "report").mkdir()
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert report.main(argparse.Namespace(root=str(tmp_path), out=None)) == 2
    assert message in capsys.readouterr().err
