"""`cli.main([...])` end to end on a real (tiny) Coq project: build, audit, graph, report, all.

Checks what a user relies on: exit codes, where each file goes (`all --out DIR` puts every
output in DIR), provenance in every JSON, truthful messages (`--no-page` does not claim a page),
and that `all` fails (exit 1) when a check fails while still writing graph and report.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_project_support import cli_graph_opts, make_cli_project
from coq_fixture_support import needs_coq

from py_bridge import cli

pytestmark = needs_coq

PROVENANCE_KEYS = {"generated_at", "git_commit", "coq_version", "command", "inputs"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_cli_project(tmp_path_factory.mktemp("cli") / "proj")
    assert cli.main(["build", "--root", str(root)]) == 0
    return root


def test_build_compiles_every_file(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (built / "Good.vo").is_file()
    assert (built / "Main.vo").is_file()
    assert cli.main(["build", "--root", str(built)]) == 0  # up to date: still 0
    assert "build: ok, all 2 file(s) up to date" in capsys.readouterr().out


def test_audit_writes_json_with_provenance(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a.json"
    assert cli.main(["audit", "--root", str(built), "--output", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["ok"] is True
    assert data["source_only"] is False
    assert set(data["provenance"]) >= PROVENANCE_KEYS
    assert data["provenance"]["coq_version"].startswith("8.")
    assert data["provenance"]["command"] == "flowar-proofs audit"
    assert set(data["provenance"]["inputs"]) >= {"Good.v", "Main.v", "assumptions.allowlist"}
    [target] = data["checks"]["targets"]["targets"]
    assert target["name"] == "Fx.Main.headline"
    assert target["ok"]
    assert "Audit: PASSED" in capsys.readouterr().out


def test_source_only_audit_is_reported_as_such(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert cli.main(["audit", "--root", str(built), "--source-only",
                     "--output", str(out / "audit.json")]) == 0
    assert "source scan only" in capsys.readouterr().out
    assert cli.main(["report", "--root", str(built), "--out", str(out)]) == 0
    html = (out / "index.html").read_text()
    assert "audit: PASS (source scan only" in html


def test_graph_then_no_page_does_not_claim_a_page(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "g"
    assert cli.main(["graph", "--root", str(built), "--out", str(out), *cli_graph_opts()]) == 0
    first = capsys.readouterr().out
    assert f"{out / 'graph.html'}" in first
    data = json.loads((out / "graph.json").read_text())
    assert set(data["provenance"]) >= PROVENANCE_KEYS
    assert "Fx.Main.headline" in data["headline"]
    assert cli.main(["graph", "--root", str(built), "--out", str(out), "--no-page",
                     *cli_graph_opts()]) == 0
    second = capsys.readouterr().out
    assert "graph.html" not in second.split("wrote", 1)[1].splitlines()[0]
    assert f"removed {out / 'graph.html'}" in second
    assert not (out / "graph.html").exists()


def test_all_puts_every_output_in_out(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default_report = built / "report"
    shutil.rmtree(default_report, ignore_errors=True)
    out = tmp_path / "all"
    assert cli.main(["all", "--root", str(built), "--out", str(out), *cli_graph_opts()]) == 0
    text = capsys.readouterr().out
    assert "Overall: OK" in text
    for name in ("audit.json", "graph.json", "graph.html", "index.html"):
        assert (out / name).is_file(), name
    assert not (default_report / "audit.json").exists()  # nothing written to ROOT/report
    html = (out / "index.html").read_text()
    assert "audit: PASS</p>" in html
    assert "stale" not in html.split('id="coverage"')[0]
    assert json.loads((out / "audit.json").read_text())["provenance"]["command"] == (
        "flowar-proofs all"
    )


def test_all_fails_when_a_check_fails_but_still_reports(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "bad"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("report"))
    # the paper map now claims the trust record where the graph says "proved": a failed check
    text = (root / "paper_map.toml").read_text().replace('status = "proved"\n\n',
                                                         'status = "proved-from-trust-record"\n\n')
    (root / "paper_map.toml").write_text(text)
    out = tmp_path / "out"
    assert cli.main(["all", "--root", str(root), "--out", str(out), *cli_graph_opts()]) == 1
    printed = capsys.readouterr()
    assert "Overall: FAILED" in printed.out
    assert (out / "graph.json").is_file()
    assert (out / "index.html").is_file()
    assert "entry 1 (Lemma 1)" in printed.err


def test_all_statement_summary_is_truncated() -> None:
    from py_bridge.audit import AuditReport
    from py_bridge.audit.judge import TargetResult, TargetsCheck
    from py_bridge.audit.scan import SourceScan

    long = "forall n : nat, " * 60
    report = AuditReport(root="/r", source_only=False, source=SourceScan(),
                         targets=TargetsCheck(ran=True, targets=[
                             TargetResult(name="M.t", module="M", found=True, statement=long)]))
    [statement] = [ln for ln in cli.headline_summary(report) if ln.strip().startswith(":")]
    assert len(statement.strip()) <= 2 + cli.STATEMENT_LIMIT
    assert statement.endswith("...")
