"""Progress lines of the build and the wrapper Makefile's contract."""

from pathlib import Path

from py_bridge.coq.build import BuildOutcome, progress_line

REPO = Path(__file__).resolve().parents[1]


def test_progress_line_counts_coqc_lines() -> None:
    assert progress_line("COQC FlowARProofs/IR/Compile.v", 3, 12) == (
        "[3/12] coqc FlowARProofs/IR/Compile.v")
    assert progress_line("COQDEP VFILES", 1, 12) is None
    assert progress_line("Warning: something", 1, 12) is None


def test_outcome_summary() -> None:
    assert "all 4 file(s) up to date" in BuildOutcome(ok=True, total_files=4).summary()
    failed = BuildOutcome(ok=False, total_files=4, errors=["Error: boom"], returncode=2)
    assert failed.summary().splitlines() == ["build: FAILED (make exit 2) after 0.0 s",
                                             "  Error: boom"]
    assert "TIMED OUT" in BuildOutcome(ok=False, total_files=1, timed_out=True).summary()


def test_makefile_has_the_documented_targets() -> None:
    text = (REPO / "Makefile").read_text()
    for target in ("all:", "clean:", "audit:", "coqchk:", "Makefile.coq: _CoqProject"):
        assert f"\n{target}" in text
    assert "-m py_bridge audit" in text
