"""Build the tiny Coq project tests/coq/graph_fixture in a temporary copy (shared by the graph,
page and paper-map tests; imported with the tests directory on sys.path)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from py_bridge.coq import load_coqproject

FIXTURE = Path(__file__).parent / "coq" / "graph_fixture"
FIXTURES = Path(__file__).parent / "fixtures"
TRUST_RECORD = "Fix.Base.TrustRec"
TARGETS = "# headline theorems of the fixture\nFix.Top.a_thm\nFix.Top.trust_thm\n"


def build_fixture(dest: Path) -> Path:
    """Copy the fixture to ``dest`` and compile it with coqc; return ``dest``."""
    shutil.copytree(FIXTURE, dest)
    proj = load_coqproject(dest)
    for vfile in proj.vfiles:
        subprocess.run(
            ["coqc", *proj.loadpath_flags(), vfile],
            cwd=dest,
            check=True,
            timeout=300,
            capture_output=True,
            text=True,
        )
    (dest / "audit_targets.txt").write_text(TARGETS, encoding="utf-8")
    (dest / "assumptions.allowlist").write_text("# nothing is allowed\n", encoding="utf-8")
    return dest


def graph_argv(root: Path, *extra: str) -> list[str]:
    """The `flowar-proofs graph` command line for the fixture (add options in ``extra``)."""
    return [
        "graph",
        "--root", str(root),
        "--trust-record", TRUST_RECORD,
        "--main-module", "Fix.Main",
        *extra,
    ]


def graph_kwargs(root: Path, **extra: object) -> dict[str, object]:
    """Keyword arguments of ``py_bridge.graph.build_graph`` for the fixture."""
    return {"trust_record": TRUST_RECORD, "main_module": "Fix.Main", **extra}
