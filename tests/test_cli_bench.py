"""`flowar-proofs bench` through the CLI: bad input exits 2 with nothing written; a small run
writes bench.json with the fields the issue names and exponents fitted from real timings."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from py_bridge import cli
from py_bridge.bench import NO_BOUND
from py_bridge.bench import run as bench_run


def test_bench_rejects_non_increasing_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench"
    code = cli.main(["bench", "--s0", "3", "2", "--out-dir", str(out), "--no-progress"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "--s0" in err[0]
    with pytest.raises(SystemExit) as exc:   # argparse's usage error, one line, exit 2
        cli.main(["bench", "--degree", "x", "--out-dir", str(out)])
    assert exc.value.code == 2
    assert not out.exists()


def test_bench_rejects_out_dir_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    code = cli.main(["bench", "--s0", "2", "3", "--out-dir", str(target), "--no-progress"])
    assert code == 2
    assert "--out-dir" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_bench_unwritable_out_dir_exits_2_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a directory under a regular file cannot be created (even as root)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = blocker / "bench"

    def no_run(*_: object) -> None:
        raise AssertionError("the benchmark ran before the output directory was checked")

    monkeypatch.setattr(bench_run, "run_bench", no_run)
    code = cli.main(["bench", "--s0", "2", "3", "--out-dir", str(out), "--no-progress"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert str(out) in err[0]
    assert blocker.read_text() == "x"


def test_bench_small_run_writes_the_named_fields(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    code = cli.main(["bench", "--s0", "2", "3", "--budget", "5", "--kernel-n", "128",
                     "--kernel-dh", "8", "--matmul-n", "64", "--out-dir", str(out),
                     "--no-progress"])
    assert code == 0                      # targets may be missed at toy sizes; not --strict
    data = json.loads((out / "bench.json").read_text())
    for key in ("sizes", "times_exact", "times_fast", "exponent_exact", "exponent_fast",
                "speedup_at_max_n", "max_error", "error_bound",
                "attention_pct_of_matmul_peak", "peak_rss_mb"):
        assert key in data, key
    assert len(data["sizes"]) == len(data["times_exact"]) == 2
    assert all(t > 0 for t in data["times_exact"] + data["times_fast"])
    assert data["peak_rss_mb"] > 0
    assert data["error_bound"] == NO_BOUND     # the proven bound needs W, σ, B: no number
    assert data["max_error"] < 1e-4
    assert (out / "bench_runtime.png").stat().st_size > 0
