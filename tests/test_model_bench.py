"""The benchmark's pure parts (fits, targets) and its entry point's input handling.

The benchmark itself is not part of the test suite; one smoke run on toy sizes checks
that `main` writes bench.json with the required keys and the plots."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from py_bridge.bench import NO_BOUND, check_targets, fit_exponent, main


def test_fit_exponent_recovers_a_power_law() -> None:
    xs = [8.0, 16.0, 32.0, 64.0]
    k, b = fit_exponent(xs, [3.0 * x**4 for x in xs])
    assert k == pytest.approx(4.0)
    assert math.exp(b) == pytest.approx(3.0)


def test_fit_exponent_rejects_degenerate_input() -> None:
    with pytest.raises(ValueError, match="distinct"):
        fit_exponent([2.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="positive"):
        fit_exponent([1.0, 2.0], [0.0, 2.0])


def test_targets_report_misses_with_their_size() -> None:
    got = {t.name: t for t in check_targets(3.5, 2.0, 25.0, 1e-6, NO_BOUND, 40.0)}
    assert got["exponent_exact"].met is False
    assert got["exponent_exact"].shortfall.startswith("0.300 below 3.8")
    assert got["exponent_fast"].met is True
    assert got["speedup_at_max_n"].met is True
    assert got["attention_pct_of_matmul_peak"].met is False
    err = got["max_error <= error_bound"]
    assert err.met is None
    assert err.shortfall == NO_BOUND
    numeric = {t.name: t for t in check_targets(4.0, 2.0, 25.0, 2e-6, 1e-6, 60.0)}
    assert numeric["max_error <= error_bound"].met is False


def test_main_rejects_bad_sizes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--s0", "5", "3", "--out-dir", str(tmp_path)]) == 2
    assert "--s0" in capsys.readouterr().err
    assert main(["--degree", "x"]) == 2
    assert not any(tmp_path.iterdir())                             # no partial output


def test_main_rejects_a_file_as_out_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "f"
    f.write_text("x")
    assert main(["--s0", "1", "2", "--out-dir", str(f)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_main_smoke_writes_json_and_plots(tmp_path: Path) -> None:
    code = main(["--s0", "1", "2", "3", "--kernel-n", "32", "--kernel-dh", "4",
                 "--matmul-n", "64", "--no-progress", "--out-dir", str(tmp_path)])
    assert code == 0
    data = json.loads((tmp_path / "bench.json").read_text())
    for key in ("sizes", "times_exact", "times_fast", "exponent_exact", "exponent_fast",
                "speedup_at_max_n", "max_error", "error_bound", "attention_pct_of_matmul_peak",
                "peak_rss_mb"):
        assert key in data
    assert data["sizes"] == [4, 8, 12]
    assert data["error_bound"] == NO_BOUND
    assert data["max_error"] < 1e-4
    assert (tmp_path / "bench_runtime.png").stat().st_size > 1000
    assert (tmp_path / "bench_error.png").stat().st_size > 1000
