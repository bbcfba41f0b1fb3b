"""Benchmark: time of `flowar-proofs obligations CONFIG` for each shipped config (configs/*.toml
and configs/released/*.toml, keyed by the path under configs/) on a built
project (validation, .glob look-up, rendering, one coqc run, parsing). Target (issue 10):
<= 3 s per config once the proofs are built.

    python3 benchmarks/obligations_time.py [--root .] [--runs 3] [--output FILE.json]

Records, per config, the wall time of each run and the CPU seconds of its child processes
(coqc): on a shared machine the CPU time is the robust figure, the wall time depends on load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from py_bridge import atomic, provenance  # noqa: E402
from py_bridge.obligations import check_config  # noqa: E402


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path,
                        default=Path("benchmarks/results/obligations_time.json"))
    args = parser.parse_args(argv)
    root = args.root.resolve()
    results = {}
    configs = [*sorted((root / "configs").glob("*.toml")),
               *sorted((root / "configs" / "released").glob("*.toml"))]
    for config in configs:
        walls, cpus = [], []
        for _ in range(args.runs):
            cpu0, t0 = _child_cpu(), time.monotonic()
            res = check_config(root, config, timeout=300)
            walls.append(time.monotonic() - t0)
            cpus.append(_child_cpu() - cpu0)
            if not res.ok or res.coqc_runs != 1:
                raise SystemExit(f"{config}: not checked in one coqc run")
        key = str(config.relative_to(root / "configs"))
        results[key] = {
            "wall_s": [round(w, 3) for w in walls],
            "wall_median_s": round(statistics.median(walls), 3),
            "coqc_cpu_s": [round(c, 3) for c in cpus],
            "coqc_cpu_median_s": round(statistics.median(cpus), 3),
        }
        print(f"{key}: wall median {statistics.median(walls):.2f} s, coqc CPU median "
              f"{statistics.median(cpus):.2f} s")
    atomic.write_json(args.output, {
        "benchmark": "obligations_time", "target_s": 3.0, "runs": args.runs,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "coq": provenance.coq_version(), "load_avg_1m": os.getloadavg()[0]},
        "configs": results,
    })
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
