"""`flowar-proofs bench`: exact vs fast FlowAR inference scaling, kernel throughput, plots.

The scaling family (docs/bench.md): K = 3 scales of sides ``s0, 2 s0, 4 s0`` with
``s0`` growing, so the output side is ``n = 4 s0`` and the AR sequence has
``21 s0^2`` tokens; small width (c=4, d=8, 2 heads of 4, dff=32, L=Lf=1, T=2) so
that at the measured sizes the attention terms (``n^4`` exact, ``n^2 r`` fast)
dominate the ``n^2 d^2`` rest.  Measurements happen here; the math (fits,
targets) is in :mod:`py_bridge.bench.analysis`; files are written at the end
only (no partial output).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from py_bridge import atomic
from py_bridge.argtypes import positive_float, positive_int
from py_bridge.errors import BridgeError
from py_bridge.files import ensure_writable_dir
from py_bridge.model import (
    AttentionSpec,
    Engine,
    FlowARConfig,
    FlowARWeights,
    OpCounter,
    attention_exact,
    count_ops,
    flowar_forward,
    init_noise,
    init_weights,
    monomial_plan,
)

from .analysis import NO_BOUND, check_targets, fit_exponent

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_S0S = (24, 28, 32, 40, 48)


def bench_config(s0: int) -> FlowARConfig:
    """The scaling family's member with first side ``s0`` (output side ``n = 4 s0``)."""
    return FlowARConfig(K=3, s0=s0, a=2, c=4, d=8, heads=2, dh=4, dff=32, L=1, Lf=1, T=2,
                        name=f"bench-s0-{s0}")


@dataclass(frozen=True)
class BenchOptions:
    """What to measure; the defaults finish in a few minutes on 2 cores."""

    s0s: tuple[int, ...] = DEFAULT_S0S
    degree: int = 4
    beta: float = 0.5
    seed: int = 0
    dtype: str = "float64"
    budget_s: float = 450.0
    kernel_n: int = 4096
    kernel_heads: int = 2
    kernel_dh: int = 64
    matmul_n: int = 1024
    progress: bool = True
    out_dir: Path = field(default_factory=lambda: Path("report"))


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass(frozen=True)
class Timing:
    """CPU seconds of this process (the measure the fits use: robust to other processes on
    a shared machine) and wall seconds, of the run with the least CPU time."""

    cpu: float
    wall: float


def _best_time(fn: Callable[[], Any], min_total: float = 1.0, max_reps: int = 3) -> Timing:
    """Best of up to ``max_reps`` runs, stopping once ``min_total`` CPU seconds are spent."""
    best: Timing | None = None
    spent = 0.0
    for _ in range(max_reps):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        if best is None or cpu < best.cpu:
            best = Timing(max(cpu, 1e-9), wall)
        spent += cpu
        if spent >= min_total:
            break
    if best is None:
        raise ValueError("max_reps: must be >= 1")
    return best


def _qkv(n: int, heads: int, dh: int, dtype: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal((heads, n, dh)).astype(dtype) / math.sqrt(dh) for _ in "qkv")
    return q, k, v


def kernel_vs_matmul(n: int, heads: int, dh: int, matmul_n: int, dtype: Any,
                     blocks: Sequence[int] | None = None, reps: int = 5
                     ) -> tuple[float, float, int, float]:
    """Exact attention kernel on ``(heads, n, dh)`` and a square matmul, timed alternately
    (best CPU time of ``reps`` each, so both see the same machine load).  Returns
    (attention Gop/s, matmul Gop/s, attention ops, attention seconds); ops are counted
    with the model's convention (a matmul of side m is ``m^2 (2m - 1)`` ops)."""
    q, k, v = _qkv(n, heads, dh, dtype)
    scale = 1.0 / math.sqrt(dh)
    blk = list(blocks) if blocks is not None else [n]
    counter = OpCounter()
    attention_exact(Engine(dtype, counter, dry=True), q, k, v, scale, blk)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((matmul_n, matmul_n)).astype(dtype)
    b = rng.standard_normal((matmul_n, matmul_n)).astype(dtype)
    t_att = t_mm = math.inf
    for _ in range(reps):
        t_mm = min(t_mm, _best_time(lambda: a @ b, min_total=0.0, max_reps=1).cpu)
        t_att = min(t_att, _best_time(lambda: attention_exact(Engine(dtype), q, k, v, scale, blk),
                                      min_total=0.0, max_reps=1).cpu)
    mm_ops = matmul_n * matmul_n * (2 * matmul_n - 1)
    return counter.total() / t_att / 1e9, mm_ops / t_mm / 1e9, counter.total(), t_att


def torch_sdpa_seconds(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> float | None:
    """PyTorch's scaled_dot_product_attention on the same shapes, or None without torch."""
    try:
        import torch  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    tq, tk, tv = (torch.from_numpy(np.ascontiguousarray(x))[None] for x in (q, k, v))
    fn = torch.nn.functional.scaled_dot_product_attention
    with torch.no_grad():
        return _best_time(lambda: fn(tq, tk, tv), min_total=1.0).cpu


def _time_forward(cfg: FlowARConfig, weights: FlowARWeights, noise: Sequence[np.ndarray],
                  spec: AttentionSpec, dtype: np.dtype[Any]) -> tuple[Timing, np.ndarray]:
    """Best time of the inference and its output."""
    outs: list[np.ndarray] = []

    def run() -> None:
        outs.append(flowar_forward(cfg, weights, noise, attention=spec, dtype=dtype.type).output)

    reps = 5 if spec.kind == "fast" else 2
    return _best_time(run, min_total=1.0, max_reps=reps), outs[-1]


def _progress_bar(total: int, enabled: bool) -> Any:
    from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

    return tqdm(total=total, desc="bench", unit="run", disable=not enabled, file=sys.stderr)


def run_bench(opts: BenchOptions) -> dict[str, Any]:
    """Run every measurement; returns the bench.json content."""
    dtype = np.dtype(opts.dtype)
    started = time.perf_counter()
    fast = AttentionSpec("fast", degree=opts.degree)
    exact = AttentionSpec("exact")
    rows: list[dict[str, Any]] = []
    skipped: list[int] = []
    bar = _progress_bar(2 * len(opts.s0s) + 2, opts.progress)
    for s0 in opts.s0s:
        cfg = bench_config(s0)
        if rows:
            last = rows[-1]
            predicted = last["wall_exact"] * (cfg.n / last["n"]) ** 4
            if time.perf_counter() - started + predicted > opts.budget_s:
                skipped.append(s0)
                bar.update(2)
                continue
        weights = init_weights(cfg, seed=opts.seed, beta=opts.beta)
        noise = init_noise(cfg, seed=opts.seed + 1)
        bar.set_postfix_str(f"n={cfg.n} exact")
        t_e, y_e = _time_forward(cfg, weights, noise, exact, dtype)
        bar.update(1)
        bar.set_postfix_str(f"n={cfg.n} fast")
        t_f, y_f = _time_forward(cfg, weights, noise, fast, dtype)
        bar.update(1)
        err = float(np.max(np.abs(y_e - y_f)))
        scale_out = float(np.max(np.abs(y_e)))
        rows.append({
            "s0": s0, "n": cfg.n, "tokens": cfg.ntok(cfg.K - 1), "time_exact": t_e.cpu,
            "time_fast": t_f.cpu, "wall_exact": t_e.wall, "wall_fast": t_f.wall,
            "max_error": err, "max_rel_error": err / scale_out,
            "work_exact": count_ops(cfg, exact).total(), "work_fast": count_ops(cfg, fast).total(),
            "score_bound": weights.score_bound, "peak_rss_mb": peak_rss_mb(),
        })
    rss_at_max = peak_rss_mb()
    # second pass while the budget allows: the best of two passes per size, so that a
    # load burst on the shared machine during one size does not bend the fit
    for row in rows:
        if time.perf_counter() - started + row["wall_exact"] + row["wall_fast"] > opts.budget_s:
            break
        cfg = bench_config(row["s0"])
        weights = init_weights(cfg, seed=opts.seed, beta=opts.beta)
        noise = init_noise(cfg, seed=opts.seed + 1)
        bar.set_postfix_str(f"n={cfg.n} second pass")
        t_e, _ = _time_forward(cfg, weights, noise, exact, dtype)
        t_f, _ = _time_forward(cfg, weights, noise, fast, dtype)
        row["time_exact"] = min(row["time_exact"], t_e.cpu)
        row["time_fast"] = min(row["time_fast"], t_f.cpu)
        row["passes"] = 2
    # kernel throughput against matmul, timed alternately to share the machine's load
    bar.set_postfix_str("kernels")
    att_gops, mm, ops_k, t_k = kernel_vs_matmul(opts.kernel_n, opts.kernel_heads,
                                                opts.kernel_dh, opts.matmul_n, dtype)
    biggest = bench_config(rows[-1]["s0"]) if rows else bench_config(opts.s0s[0])
    fam_blocks = [biggest.tok(j) for j in range(biggest.K)]
    fam_gops, fam_mm, _, _ = kernel_vs_matmul(sum(fam_blocks), biggest.heads, biggest.dh,
                                              opts.matmul_n, dtype, fam_blocks, reps=2)
    bar.update(1)
    q, k, v = _qkv(opts.kernel_n, opts.kernel_heads, opts.kernel_dh, dtype)
    t_torch = torch_sdpa_seconds(q, k, v)
    bar.update(1)
    bar.close()
    if len(rows) < 2:
        raise RuntimeError("fewer than two sizes fitted in the time budget")
    ns = [r["n"] for r in rows]
    k_exact, b_exact = fit_exponent(ns, [r["time_exact"] for r in rows])
    k_fast, b_fast = fit_exponent(ns, [r["time_fast"] for r in rows])
    att_pct = 100.0 * att_gops / mm
    fam_pct = 100.0 * fam_gops / fam_mm
    speedup = rows[-1]["time_exact"] / rows[-1]["time_fast"]
    max_error = max(r["max_error"] for r in rows)
    targets = check_targets(k_exact, k_fast, speedup, max_error, NO_BOUND, att_pct)
    result: dict[str, Any] = {
        "family": "FlowAR K=3, a=2, s0 growing (n = 4*s0), c=4, d=8, heads=2, dh=4, dff=32, "
                  "L=1, Lf=1, T=2; see docs/bench.md",
        "dtype": dtype.name, "taylor_degree": opts.degree,
        "rank": monomial_plan(4, opts.degree).rank, "score_bound_beta": opts.beta,
        "sizes": ns, "s0": [r["s0"] for r in rows], "tokens": [r["tokens"] for r in rows],
        "times_exact": [r["time_exact"] for r in rows],
        "times_fast": [r["time_fast"] for r in rows],
        "times_measure": "CPU seconds of the process, best over the runs and passes",
        "passes": [r.get("passes", 1) for r in rows],
        "wall_exact": [r["wall_exact"] for r in rows],
        "wall_fast": [r["wall_fast"] for r in rows],
        "work_exact": [r["work_exact"] for r in rows], "work_fast": [r["work_fast"] for r in rows],
        "errors": [r["max_error"] for r in rows],
        "rel_errors": [r["max_rel_error"] for r in rows],
        "exponent_exact": k_exact, "exponent_fast": k_fast,
        "fit_exact": {"k": k_exact, "log_c": b_exact}, "fit_fast": {"k": k_fast, "log_c": b_fast},
        "speedup_at_max_n": speedup, "max_error": max_error, "error_bound": NO_BOUND,
        "attention_pct_of_matmul_peak": att_pct,
        "attention_kernel_shape": {"heads": opts.kernel_heads, "N": opts.kernel_n,
                                   "dh": opts.kernel_dh, "mask": "none"},
        "attention_gops": att_gops, "matmul_gops": mm, "matmul_n": opts.matmul_n,
        "attention_pct_of_matmul_peak_bench_family": fam_pct,
        "bench_family_kernel_shape": {"heads": biggest.heads, "N": sum(fam_blocks),
                                      "dh": biggest.dh, "mask": "block-causal " + str(fam_blocks)},
        "peak_rss_mb": rss_at_max, "peak_rss_mb_per_size": [r["peak_rss_mb"] for r in rows],
        "skipped_s0_over_budget": skipped, "budget_s": opts.budget_s,
        "wall_s": time.perf_counter() - started,
        "threads": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
        "targets": [t.as_dict() for t in targets],
    }
    if t_torch is not None:
        result["torch_sdpa_ratio"] = t_torch / t_k
        result["torch_sdpa_seconds"] = t_torch
        result["exact_kernel_seconds"] = t_k
    else:
        result["torch"] = "not installed (optional [bench] extra)"
    return result


def render_plots(result: dict[str, Any]) -> dict[str, bytes]:
    """PNG bytes: runtime vs n with the fitted lines; measured error vs the bound."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = np.array(result["sizes"], dtype=float)
    out: dict[str, bytes] = {}
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for key, fit, label, color in (("times_exact", "fit_exact", "exact", "C0"),
                                   ("times_fast", "fit_fast", "fast", "C1")):
        ax.loglog(ns, result[key], "o", color=color, label=f"{label} (measured)")
        k, b = result[fit]["k"], result[fit]["log_c"]
        ax.loglog(ns, np.exp(b) * ns**k, "-", color=color, label=f"{label} fit: n^{k:.2f}")
    ax.set_xlabel("n (output latent side)")
    ax.set_ylabel("inference CPU time [s]")
    ax.set_title("FlowAR inference: exact vs fast attention")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    out["bench_runtime.png"] = _png(fig, io, plt)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.semilogy(ns, result["errors"], "o-", label="measured max |fast - exact|")
    bound = result["error_bound"]
    if isinstance(bound, (int, float)):
        ax.axhline(bound, color="C3", label="proven bound")
    else:
        ax.text(0.5, 0.9, f"error bound: {bound}", transform=ax.transAxes, ha="center",
                color="C3")
    ax.set_xlabel("n (output latent side)")
    ax.set_ylabel("max abs error of the output")
    ax.set_title(f"fast attention error (Taylor degree {result['taylor_degree']})")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    out["bench_error.png"] = _png(fig, io, plt)
    return out


def _png(fig: Any, io: Any, plt: Any) -> bytes:
    buf = io.BytesIO()
    fig.subplots_adjust(left=0.14, right=0.97, top=0.92, bottom=0.12)
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return bytes(buf.getvalue())


def write_outputs(result: dict[str, Any], out_dir: Path) -> list[Path]:
    """bench.json and the plots into ``out_dir``, each file written atomically."""
    files = {"bench.json": (json.dumps(result, indent=2) + "\n").encode()}
    files.update(render_plots(result))
    return [atomic.write_bytes(out_dir / name, data) for name, data in files.items()]


def summary(result: dict[str, Any]) -> str:
    """The closing note: every target, met or missed and by how much."""
    lines = [
        f"sizes n = {result['sizes']}",
        f"exact exponent {result['exponent_exact']:.2f}, fast exponent "
        f"{result['exponent_fast']:.2f}, speedup at n={result['sizes'][-1]}: "
        f"{result['speedup_at_max_n']:.1f}x",
        f"max error {result['max_error']:.2e}, error bound: {result['error_bound']}",
        f"attention {result['attention_pct_of_matmul_peak']:.0f}% of matmul "
        f"({result['attention_gops']:.2f} vs {result['matmul_gops']:.2f} Gop/s, "
        f"dh={result['attention_kernel_shape']['dh']}); bench family kernel "
        f"{result['attention_pct_of_matmul_peak_bench_family']:.0f}%",
        f"peak RSS {result['peak_rss_mb']:.0f} MiB",
    ]
    if "torch_sdpa_ratio" in result:
        lines.append(f"torch SDPA time / our exact kernel time: {result['torch_sdpa_ratio']:.2f}")
    for t in result["targets"]:
        status = {True: "met", False: "MISSED", None: "undecided"}[t["met"]]
        extra = f" ({t['shortfall']})" if t["shortfall"] else ""
        lines.append(f"  target {t['name']} {t['goal']}: {status}{extra}")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2
        print(f"flowar-proofs bench: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def add_bench_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `flowar-proofs bench` (shared by this module's parser and the CLI)."""
    p.add_argument("--s0", type=positive_int, nargs="+", default=list(DEFAULT_S0S),
                   help="first-scale sides of the family (n = 4*s0); at least 2, increasing")
    p.add_argument("--degree", type=positive_int, default=4, help="Taylor degree g")
    p.add_argument("--beta", type=positive_float, default=0.5,
                   help="guaranteed bound on |attention score| of the seeded weights")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--budget", type=positive_float, default=450.0,
                   help="seconds for the scaling runs; larger sizes predicted to overrun "
                        "are skipped")
    p.add_argument("--kernel-n", type=positive_int, default=4096)
    p.add_argument("--kernel-dh", type=positive_int, default=64)
    p.add_argument("--matmul-n", type=positive_int, default=1024,
                   help="side of the square matmul whose throughput is the reference")
    p.add_argument("--out-dir", type=Path, default=Path("report"))
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="flowar-proofs bench",
        description="Exact vs fast (polynomial-method) FlowAR inference: runtime exponents, "
                    "speedup, error, attention throughput vs matmul, peak RSS, plots.",
        epilog="examples:\n  flowar-proofs bench\n  flowar-proofs bench --s0 8 12 16 20 24 "
               "--budget 120 --out-dir /tmp/bench\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_bench_arguments(p)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `flowar-proofs bench`: 0 ok, 1 a target missed (--strict), 2 bad input."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:          # --help (0) or a usage error already reported (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return run_from_args(args)


def run_from_args(args: argparse.Namespace) -> int:
    """Run the benchmark for parsed options (see `add_bench_arguments`)."""
    s0s = tuple(args.s0)
    if len(s0s) < 2 or any(b <= a for a, b in zip(s0s, s0s[1:], strict=False)):
        print("flowar-proofs bench: --s0: need at least two strictly increasing sizes",
              file=sys.stderr)
        return EXIT_USAGE
    out_dir: Path = args.out_dir
    try:  # before the (long) run: an unusable output directory is bad input
        ensure_writable_dir(out_dir, what="--out-dir output directory")
    except BridgeError as err:
        print(f"flowar-proofs bench: {err}", file=sys.stderr)
        return EXIT_USAGE
    opts = BenchOptions(s0s=s0s, degree=args.degree, beta=args.beta, seed=args.seed,
                        dtype=args.dtype, budget_s=args.budget, kernel_n=args.kernel_n,
                        kernel_dh=args.kernel_dh, matmul_n=args.matmul_n,
                        progress=not args.no_progress, out_dir=out_dir)
    try:
        result = run_bench(opts)
        paths = write_outputs(result, out_dir)
    except BridgeError as err:  # an output file could not be written: one line naming it
        print(f"flowar-proofs bench: {err}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as err:
        print(f"flowar-proofs bench: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(summary(result))
    print("wrote " + ", ".join(str(p) for p in paths))
    missed = [t for t in result["targets"] if t["met"] is False]
    return EXIT_FAILED if (args.strict and missed) else EXIT_OK
