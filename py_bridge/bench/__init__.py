"""Benchmarks of the numpy FlowAR (`flowar-proofs bench`): scaling of exact vs fast inference,
attention kernel throughput against matmul, peak RSS, plots.  Not part of the test suite."""

from .analysis import NO_BOUND, check_targets, fit_exponent
from .run import BenchOptions, bench_config, main, run_bench, summary, write_outputs

__all__ = ["NO_BOUND", "BenchOptions", "bench_config", "check_targets", "fit_exponent", "main",
           "run_bench", "summary", "write_outputs"]
