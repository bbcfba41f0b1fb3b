"""The benchmark's pure parts (fits, targets). Its entry point (bad input, the output directory,
a small run writing bench.json and the plots) is tested through the CLI in test_cli_bench.py."""

from __future__ import annotations

import math

import pytest

from py_bridge.bench import NO_BOUND, check_targets, fit_exponent


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
