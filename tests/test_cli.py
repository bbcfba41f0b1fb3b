"""The command line: version, usage errors (exit 2), audit verdicts (exit 1 naming the file)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from coq_fixture_support import ALLOWLIST, FIXTURE_PROJECT, REPO, make_fixture_project, needs_coq

from py_bridge import __version__, cli
from py_bridge.audit import AuditReport
from py_bridge.audit.judge import TargetResult, TargetsCheck
from py_bridge.audit.scan import SourceScan


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"flowar-proofs {__version__}"


def test_module_entry_point_runs() -> None:
    proc = subprocess.run([sys.executable, "-m", "py_bridge", "--version"], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "flowar-proofs all" in out
    assert "exit codes" in out


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], [], ["audit", "--coqc-timeout", "-3"], ["build", "--jobs", "zero"]],
)
def test_bad_usage_exits_2(argv: list[str]) -> None:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse reports usage errors this way
        code = exc.code
    assert code == 2


def test_root_without_coqproject_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["audit", "--source-only", "--root", str(tmp_path)]) == 2
    assert "_CoqProject" in capsys.readouterr().err


def test_source_audit_of_fixture_project_exits_1_naming_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "audit.json"
    code = cli.main(["audit", "--source-only", "--root", str(FIXTURE_PROJECT),
                     "--output", str(output)])
    out = capsys.readouterr().out
    assert code == 1
    assert "../bad_admitted.v:6:1: [admitted]" in out
    assert "../bad_axiom.v:3:1: [axiom]" in out
    assert "good.v" not in out
    data = json.loads(output.read_text())
    assert data["ok"] is False
    assert sorted({f["file"] for f in data["checks"]["source_scan"]["findings"]}) == [
        "../bad_admitted.v", "../bad_axiom.v"]


def test_source_audit_of_clean_project_exits_0(tmp_path: Path) -> None:
    project = make_fixture_project(tmp_path, ["good.v", "comment_only.v"], [])
    assert cli.main(["audit", "--source-only", "--root", str(project),
                     "--output", str(tmp_path / "a.json")]) == 0


def test_malformed_allowlist_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "allow.txt"
    bad.write_text("# ok\nCoq.Logic.Classical_Prop.classic\nnot-a-name\n")
    code = cli.main(["audit", "--root", str(FIXTURE_PROJECT), "--allowlist", str(bad),
                     "--output", str(tmp_path / "a.json")])
    assert code == 2
    assert f"{bad}:3: 'not-a-name'" in capsys.readouterr().err


@needs_coq
def test_full_audit_of_unbuilt_fixture_project_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_fixture_project(tmp_path, ["good.v", "bad_axiom.v"], ["Fx.good.add_0_r_nat"])
    code = cli.main(["audit", "--root", str(project), "--allowlist", str(ALLOWLIST),
                     "--output", str(tmp_path / "a.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert "../bad_axiom.v:3:1" in out
    assert "not built" in out


def test_headline_summary_states_status_and_trust_record() -> None:
    targets = [
        TargetResult(name="M.thm", module="M", found=True, closed=True,
                     statement="forall P : Primitives.FloatPrimitivesTC0, True"),
        TargetResult(name="M.real", module="M", found=True, statement="(0 < 1)%R",
                     assumptions=["ClassicalDedekindReals.sig_forall_dec"]),
        TargetResult(name="M.bad", module="M", found=True, unexpected=["ax.magic"]),
        TargetResult(name="M.gone", error="does not exist"),
    ]
    report = AuditReport(root="/r", source_only=False, source=SourceScan(),
                         targets=TargetsCheck(ran=True, targets=targets))
    text = "\n".join(cli.headline_summary(report))
    assert "proved, closed under the global context; takes the float-circuit trust record" in text
    assert "assuming only allowlisted axioms: ClassicalDedekindReals.sig_forall_dec" in text
    assert "NOT OK: assumes ax.magic" in text
    assert "NOT OK: does not exist" in text


def test_options_cannot_be_abbreviated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["audit", "--source", "--root", "."])
    assert info.value.code == 2
    assert "unrecognized arguments: --source" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-3", "soon"])
def test_timeouts_must_be_positive_finite_numbers(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["audit", "--source-only", "--coqc-timeout", value])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--coqc-timeout" in err
    assert "Traceback" not in err
