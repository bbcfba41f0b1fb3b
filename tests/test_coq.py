"""_CoqProject parsing, module names, tool lookup messages, subprocess timeouts."""

import sys
import time
from pathlib import Path

import pytest

from py_bridge import coq

REPO = Path(__file__).resolve().parents[1]


def test_repo_coqproject_maps_every_file_to_a_flowarproofs_module() -> None:
    project = coq.load_coqproject(REPO)
    assert project.load_paths == (coq.LoadPath("FlowARProofs", "FlowARProofs"),)
    assert project.vfiles, "the repo _CoqProject lists no .v file"
    for vfile, module in zip(project.vfiles, project.modules(), strict=True):
        assert module.startswith("FlowARProofs.")
        assert module.replace(".", "/") + ".v" == vfile


def test_parse_options_comments_and_quotes() -> None:
    text = (
        "# comment -Q bogus bogus\n"
        "-R theories My.Lib  # trailing comment\n"
        '-arg "-w -notation-overridden"\n'
        "-arg -impredicative-set\n"
        "theories/A/B.v theories/C.v\n"
        "src/plugin.mlg\n"
    )
    project = coq.parse_coqproject(text)
    assert project.load_paths == (coq.LoadPath("theories", "My.Lib", recursive=True),)
    assert project.coqc_args == ("-w", "-notation-overridden", "-impredicative-set")
    assert project.modules() == ("My.Lib.A.B", "My.Lib.C")
    assert project.other_files == ("src/plugin.mlg",)
    assert project.loadpath_flags() == ["-R", "theories", "My.Lib"]


def test_longest_physical_prefix_wins_and_parent_dirs_work() -> None:
    lps = [coq.LoadPath("a", "A"), coq.LoadPath("a/b", "AB"), coq.LoadPath("..", "Up")]
    assert coq.module_name("a/b/c.v", lps) == "AB.c"
    assert coq.module_name("a/c.v", lps) == "A.c"
    assert coq.module_name("./a/x/y.v", lps) == "A.x.y"
    assert coq.module_name("../z.v", lps) == "Up.z"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-Q A A\n-foo\nA/x.v\n", "unknown option '-foo'"),
        ("-Q A\n", "needs 2 argument"),
        ("-Q A A\nB/x.v\n", "B/x.v is not under any -Q/-R directory"),
        ("-Q A A\nA/bad-name.v\n", "'bad-name' is not a valid Coq module name"),
        ("-Q A A\nA/x.v\nA/x.v\n", "listed twice: A/x.v"),
        ("-Q A A\nREADME.md\n", "'README.md' is neither a known option nor a source file"),
        ('-arg "-w\n', "unterminated double quote"),
    ],
)
def test_malformed_coqproject_is_a_usage_error(text: str, message: str) -> None:
    with pytest.raises(coq.UsageError, match=message):
        coq.parse_coqproject(text)


def test_find_project_root_walks_up(tmp_path: Path) -> None:
    (tmp_path / "_CoqProject").write_text("-Q A A\n")
    deep = tmp_path / "x" / "y"
    deep.mkdir(parents=True)
    assert coq.find_project_root(deep) == tmp_path.resolve()


def test_missing_tool_names_the_apt_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("COQBIN", raising=False)
    with pytest.raises(coq.ToolchainError) as info:
        coq.require_tools(["coqchk", "dpd2dot"])
    message = str(info.value)
    assert "coqchk, dpd2dot" in message
    assert "apt-get install -y coq coq-dpdgraph-tools" in message


def test_timeout_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOWAR_X", raising=False)
    assert coq.timeout_from_env("FLOWAR_X", 5.0) == 5.0
    monkeypatch.setenv("FLOWAR_X", "12.5")
    assert coq.timeout_from_env("FLOWAR_X", 5.0) == 12.5
    monkeypatch.setenv("FLOWAR_X", "-1")
    with pytest.raises(coq.UsageError, match="FLOWAR_X"):
        coq.timeout_from_env("FLOWAR_X", 5.0)


def test_run_captures_output_and_exit_code(tmp_path: Path) -> None:
    code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"
    result = coq.run([sys.executable, "-c", code], cwd=tmp_path, timeout=30)
    assert (result.returncode, result.stdout, result.stderr) == (3, "out\n", "err\n")
    assert not result.ok
    assert not result.timed_out


def test_run_kills_the_process_group_on_timeout(tmp_path: Path) -> None:
    # The child starts a grandchild that would outlive a plain kill of the child.
    code = (
        "import subprocess, sys, time;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']);"
        "time.sleep(30)"
    )
    start = time.monotonic()
    result = coq.run([sys.executable, "-c", code], cwd=tmp_path, timeout=1)
    assert result.timed_out
    assert result.returncode is None
    assert time.monotonic() - start < 15
    assert "timed out" in result.describe()


def test_stream_calls_back_per_line(tmp_path: Path) -> None:
    seen: list[str] = []
    code = "import sys; print('a'); print('b', file=sys.stderr); print('c')"
    result = coq.stream([sys.executable, "-u", "-c", code], cwd=tmp_path, timeout=30,
                        on_line=seen.append)
    assert result.ok
    assert sorted(seen) == ["a", "b", "c"]
    assert sorted(result.stdout.split()) == ["a", "b", "c"]


def test_stream_timeout(tmp_path: Path) -> None:
    result = coq.stream([sys.executable, "-c", "import time; time.sleep(30)"], cwd=tmp_path,
                        timeout=1, on_line=lambda _: None)
    assert result.timed_out
    assert not result.ok


def test_run_fed_writes_chunks_while_the_program_reads(tmp_path: Path) -> None:
    """The program has consumed chunk 1 before chunk 2 is made: a line the child writes after
    reading chunk 1 is there when the generator is asked for chunk 2."""
    seen = tmp_path / "seen"
    code = (
        "import sys, pathlib;"
        "first = sys.stdin.readline();"
        f"pathlib.Path({str(seen)!r}).write_text(first);"
        "rest = sys.stdin.read();"
        "print(first.strip() + '+' + rest.strip()); print('e', file=sys.stderr)"
    )
    observed: list[str] = []

    def chunks():  # type: ignore[no-untyped-def]
        yield "one\n"
        deadline = time.monotonic() + 20
        while not seen.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        observed.append(seen.read_text() if seen.exists() else "")
        yield "two\n"

    result = coq.run_fed([sys.executable, "-u", "-c", code], chunks(), cwd=tmp_path, timeout=30)
    assert result.ok
    assert observed == ["one\n"]
    assert (result.stdout, result.stderr) == ("one+two\n", "e\n")


def test_run_fed_kills_the_child_when_the_chunks_fail(tmp_path: Path) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield "x\n"
        raise ValueError("no more graphs")

    with pytest.raises(ValueError, match="no more graphs"):
        coq.runner.run_fed([sys.executable, "-c", "import time; time.sleep(30)"], chunks(),
                           cwd=tmp_path, timeout=30)
    assert coq.runner.live_children() == 0


def test_run_fed_timeout_and_early_exit(tmp_path: Path) -> None:
    slow = coq.run_fed([sys.executable, "-c", "import time; time.sleep(30)"], iter(["a\n"]),
                       cwd=tmp_path, timeout=1)
    assert slow.timed_out
    assert not slow.ok
    # a child that exits without reading: the writer's broken pipe is not an error of ours
    big = ("y" * 65536 + "\n" for _ in range(100))
    quick = coq.run_fed([sys.executable, "-c", "import sys; sys.exit(4)"], big, cwd=tmp_path,
                        timeout=30)
    assert (quick.returncode, quick.timed_out) == (4, False)
