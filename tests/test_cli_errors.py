"""The error boundary: every bad input of issue 11 exits 2 (or 1 for a failed check) with one
line on stderr naming the path and the reason, and no traceback; outputs are checked before the
long work starts; Ctrl-C kills the children; every subprocess goes through the one runner."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_project_support import REPO, cli_graph_opts, make_cli_project
from coq_fixture_support import needs_coq

from py_bridge import cli, files, graph

NOT_UTF8 = b"Coq.Logic.Classical_Prop.classic\n\xff\xfe caf\xe9\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI fixture project, built (the graph's preflight runs before it would matter)."""
    root = make_cli_project(tmp_path_factory.mktemp("errors") / "proj")
    if all(shutil.which(t) for t in ("coqc", "make", "coq_makefile")):
        subprocess.run(["make", "-s"], cwd=root, check=True, capture_output=True, timeout=600)
    return root


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if not ln.startswith("[flowar-proofs]")]
    assert "Traceback" not in err
    return code, "\n".join(lines)


def _assert_one_line(err: str, *needles: str) -> None:
    assert len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.fixture
def no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the graph's (slow) extraction starts: bad input must stop it first."""
    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("the extraction started before the bad input was detected")

    monkeypatch.setattr(graph, "extract", boom)


def _bad_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- allowlist / targets / paper map not UTF-8, a directory, or missing -----------------------


@pytest.mark.parametrize("command", ["audit", "graph"])
@pytest.mark.parametrize("option", ["--allowlist", "--targets"])
def test_list_not_utf8_exits_2(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               no_extraction: None, command: str, option: str) -> None:
    bad = _bad_file(tmp_path, "list.txt", NOT_UTF8)
    code, err = _run([command, "--root", str(project), option, str(bad),
                      "--out" if command == "graph" else "--output",
                      str(tmp_path / ("o" if command == "graph" else "o.json"))], capsys)
    assert code == 2
    _assert_one_line(err, str(bad), "not UTF-8 text (byte 0xff on line 2)")


@pytest.mark.parametrize("command", ["graph", "report"])
def test_paper_map_not_utf8_exits_2(project: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str], no_extraction: None,
                                    command: str) -> None:
    bad = _bad_file(tmp_path, "map.toml", b'[[entry]]\npaper = "caf\xe9"\n')
    code, err = _run([command, "--root", str(project), "--paper-map", str(bad),
                      "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    _assert_one_line(err, str(bad), "not UTF-8")


@pytest.mark.parametrize("command", ["audit", "graph", "all"])
def test_allowlist_is_a_directory_exits_2(project: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          no_extraction: None, command: str) -> None:
    code, err = _run([command, "--root", str(project), "--allowlist", str(tmp_path)], capsys)
    assert code == 2
    _assert_one_line(err, str(tmp_path), "allowlist is not a regular file")


@pytest.mark.parametrize("option", ["--allowlist", "--targets", "--paper-map"])
def test_graph_with_nonexistent_input_exits_2(project: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              no_extraction: None, option: str) -> None:
    missing = tmp_path / "nope.txt"
    code, err = _run(["graph", "--root", str(project), option, str(missing),
                      "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    _assert_one_line(err, str(missing), "not found")
    assert not (tmp_path / "o" / "graph.json").exists()


# --- outputs: read-only directory, a regular file where a directory is wanted ----------------


def _read_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``path`` unwritable: chmod, and (as root, who ignores modes) refuse file creation
    there the way the kernel would."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o555)
    if os.geteuid() == 0:
        real = files.tempfile.mkstemp

        def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
            if Path(str(kwargs.get("dir", ""))).resolve() == path.resolve():
                raise PermissionError(13, "Permission denied")
            return real(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

        monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("command", ["graph", "report", "all"])
def test_read_only_out_dir_exits_2_before_work(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, no_extraction: None, command: str
) -> None:
    out = tmp_path / "ro"
    _read_only(out, monkeypatch)
    start = time.monotonic()
    try:
        code, err = _run([command, "--root", str(project), "--out", str(out)], capsys)
    finally:
        out.chmod(0o755)
    assert code == 2
    _assert_one_line(err, str(out), "cannot write", "permission denied")
    assert time.monotonic() - start < 5  # no extraction, no build


def test_audit_output_in_read_only_dir_exits_2(project: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ro"
    _read_only(out, monkeypatch)
    try:
        code, err = _run(["audit", "--root", str(project), "--source-only",
                          "--output", str(out / "audit.json")], capsys)
    finally:
        out.chmod(0o755)
    assert code == 2
    _assert_one_line(err, str(out), "permission denied")


@pytest.mark.parametrize("command", ["graph", "report", "all"])
def test_out_is_a_regular_file_exits_2(project: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str],
                                       no_extraction: None, command: str) -> None:
    out = _bad_file(tmp_path, "file", b"x")
    code, err = _run([command, "--root", str(project), "--out", str(out)], capsys)
    assert code == 2
    _assert_one_line(err, str(out), "is an existing file, not a directory")


def test_audit_output_is_a_directory_exits_2(project: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["audit", "--root", str(project), "--source-only", "--output",
                      str(tmp_path)], capsys)
    assert code == 2
    _assert_one_line(err, str(tmp_path), "audit JSON is a directory")


def test_non_utf8_source_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_cli_project(tmp_path / "p")
    (root / "Good.v").write_bytes(b"(* caf\xe9 *)\n")
    code, err = _run(["audit", "--root", str(root), "--source-only",
                      "--output", str(tmp_path / "a.json")], capsys)
    assert code == 2
    _assert_one_line(err, "Good.v", "not UTF-8")


def test_report_paper_map_naming_missing_object_exits_1(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    (out).mkdir()
    (out / "graph.json").write_text(
        '{"version": 2, "provenance": {}, "counts": {"status": {}, "nodes": 0,'
        ' "glob_declarations": 0}, "headline": [],'
        ' "missing_targets": [], "nodes": [{"name": "Fx.Main.headline", "status": "proved"}]}'
    )
    code, err = _run(["report", "--root", str(project), "--out", str(out)], capsys)
    assert code == 1
    assert "Coq object Fx.Good.add_0_r_nat does not exist" in err


# --- children: Ctrl-C kills them; one runner ---------------------------------------------------


@needs_coq
def test_ctrl_c_during_audit_kills_coqchk(project: Path, tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    pidfile = tmp_path / "coqchk.pid"
    (fake / "coqchk").write_text(f"#!/bin/sh\necho $$ > {pidfile}\nexec sleep 300\n")
    (fake / "coqchk").chmod(0o755)
    env = {**os.environ, "COQBIN": f"{fake}/", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "py_bridge", "audit", "--root", str(project),
         "--output", str(tmp_path / "a.json")],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "fake coqchk never started"
        time.sleep(0.1)
    child = int(pidfile.read_text())
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err
    assert "Traceback" not in err
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # the fake coqchk (sleep) is gone


@needs_coq
def test_ctrl_c_during_graph_kills_coqc_and_coqdoc(project: Path, tmp_path: Path) -> None:
    """coqc runs in the main thread, coqdoc in a worker thread: both must die on Ctrl-C."""
    fake = tmp_path / "bin"
    fake.mkdir()
    for tool in ("coqc", "coqdoc"):
        (fake / tool).write_text(f"#!/bin/sh\necho $$ > {tmp_path / tool}.pid\nexec sleep 300\n")
        (fake / tool).chmod(0o755)
    env = {**os.environ, "COQBIN": f"{fake}/", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "py_bridge", "graph", "--root", str(project),
         "--out", str(tmp_path / "out"), *cli_graph_opts()],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    pidfiles = [tmp_path / "coqc.pid", tmp_path / "coqdoc.pid"]
    deadline = time.monotonic() + 120
    while not all(p.exists() and p.read_text().strip() for p in pidfiles):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "fake coqc/coqdoc never started"
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err
    time.sleep(0.2)
    for pidfile in pidfiles:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pidfile.read_text()), 0)


def test_every_subprocess_goes_through_the_runner() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in (REPO / "py_bridge").rglob("*.py")
        if p.name != "runner.py" and "import subprocess" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_graph_preflight_rejects_bad_input_before_extraction(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_extraction: None
) -> None:
    bad = _bad_file(tmp_path, "allow.txt", b"not-a-name\n")
    code, err = _run(["graph", "--root", str(project), "--allowlist", str(bad),
                      *cli_graph_opts()], capsys)
    assert code == 2
    _assert_one_line(err, f"{bad}:1: 'not-a-name' is not a fully-qualified Coq name")


def test_all_rejects_a_malformed_paper_map_before_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_cli_project(tmp_path / "p")  # not built: `all` must stop before make
    (root / "paper_map.toml").write_text('[[entry]]\npaper = "L"\n', encoding="utf-8")
    code, err = _run(["all", "--root", str(root)], capsys)
    assert code == 2
    _assert_one_line(err, "paper_map.toml", "missing field 'name'")
    assert not (root / "Good.vo").exists()
