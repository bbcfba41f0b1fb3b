"""Helpers for tests that need Coq: the skip rule and a builder for fixture projects."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "coq"
FIXTURE_PROJECT = FIXTURES / "fixture_project"
ALLOWLIST = REPO / "assumptions.allowlist"

HAVE_COQ = all(shutil.which(t) for t in ("coqc", "coqchk", "coq_makefile", "make"))

#: Skip only on a developer machine without Coq; in CI (CI set) the test must run, and fails
#: loudly if the toolchain is missing.
needs_coq = pytest.mark.skipif(
    not HAVE_COQ and not os.environ.get("CI"),
    reason="coqc/coqchk/coq_makefile not installed (apt-get install -y coq); "
    "these tests always run when CI is set",
)


def make_fixture_project(dest: Path, files: list[str], targets: list[str]) -> Path:
    """Lay out tests/coq-style fixtures under `dest`: dest/coq/<files> and a project dir
    dest/coq/project with a _CoqProject (-Q .. Fx), the repo's Makefile and the given
    audit targets. Returns the project dir (not built)."""
    coq_dir = dest / "coq"
    project = coq_dir / "project"
    project.mkdir(parents=True)
    for name in files:
        shutil.copy(FIXTURES / name, coq_dir / name)
    lines = ["-Q .. Fx", *(f"../{name}" for name in files)]
    (project / "_CoqProject").write_text("\n".join(lines) + "\n")
    (project / "audit_targets.txt").write_text("\n".join(targets) + "\n")
    shutil.copy(REPO / "Makefile", project / "Makefile")
    return project
