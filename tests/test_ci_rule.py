"""The "fail instead of skip in CI" rule: .ci/run sets CI=1, and the tests that need Coq or
Chromium skip only when CI is not set."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ci_run_sets_ci() -> None:
    text = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    export = re.search(r"^export CI=1$", text, re.M)
    assert export is not None
    assert export.start() < text.index("scripts/test")


def test_scripts_test_runs_ruff_mypy_pytest() -> None:
    text = (REPO / "scripts" / "test").read_text(encoding="utf-8")
    for step in ("python3 -m ruff check .", "python3 -m mypy", "python3 -m pytest -q"):
        assert step in text, step


def test_no_unconditional_tool_skips() -> None:
    """Every skip that depends on an installed tool goes through a rule that looks at CI."""
    for path in sorted((REPO / "tests").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"skipif\(|pytest\.skip\(", text):
            window = text[max(0, m.start() - 300) : m.start() + 300]
            assert "CI" in window, f"{path.name}: a skip that ignores CI"
