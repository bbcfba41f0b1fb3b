"""Start-up cost of the command line: a subcommand's heavy dependencies (numpy for crosscheck,
networkx and jinja2 for graph and obligations) are imported only when that subcommand is used.

Each check runs in a fresh interpreter (a subprocess), since this test session has long since
imported everything."""

from __future__ import annotations

import subprocess
import sys

import pytest
from coq_fixture_support import REPO

from py_bridge import cli

HEAVY = ("numpy", "networkx", "jinja2")


def _imported_after(code: str) -> dict[str, bool]:
    """Run `code` in a fresh interpreter; which of HEAVY it left in sys.modules."""
    probe = (f"import sys\n{code}\n"
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    loaded = set(proc.stdout.split())
    return {m: m in loaded for m in HEAVY}


def test_importing_the_cli_imports_no_heavy_dependency() -> None:
    assert _imported_after("import py_bridge.cli") == dict.fromkeys(HEAVY, False)


def test_top_level_help_imports_no_heavy_dependency() -> None:
    code = ("import contextlib, io\nfrom py_bridge import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    cli.main(['--help'])")
    assert _imported_after(code) == dict.fromkeys(HEAVY, False)


def test_parsing_graph_does_not_import_numpy() -> None:
    # graph needs networkx and jinja2 (the graph work, the page), not crosscheck's numpy
    loaded = _imported_after("from py_bridge import cli\ncli.build_parser().parse_args(['graph'])")
    assert loaded == {"numpy": False, "networkx": True, "jinja2": True}


def test_the_probe_sees_an_eager_import() -> None:
    # the checks above would pass vacuously if the probe could not see a loaded module
    assert _imported_after("import py_bridge.crosscheck")["numpy"]


def test_subcommand_options_and_defaults_are_there_when_used(
        capsys: pytest.CaptureFixture[str]) -> None:
    from py_bridge import graph

    with pytest.raises(SystemExit) as info:
        cli.main(["graph", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--no-page" in out
    assert graph.DEFAULT_TRUST_RECORD in out
    args = cli.build_parser().parse_args(["crosscheck", "--only", "bound", "--degree", "3"])
    assert (args.only, args.degree, args.mutate, args.seed) == ("bound", 3, None, 0)


def test_an_unknown_option_of_a_lazy_subcommand_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["graph", "--no-such-option"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --no-such-option" in err
    assert "Traceback" not in err
