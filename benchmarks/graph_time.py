"""Benchmark: wall and CPU time of `flowar-proofs graph` (extraction + classification + page)
on a built project.  Target (issue 11): <= 10 s on 2 cores once the proofs are built.

    python3 benchmarks/graph_time.py [--root .] [--runs 3] [--cold] [--note TEXT] [--output FILE]

"Built" means `flowar-proofs build`: make, then the coqdoc pages of the proofs (ROOT/build/coqdoc,
a build product like the .glob files; see py_bridge/coq/coqdoc.py).  By default the benchmark
first brings those pages up to date (not timed), so each run copies them; ``--cold`` gives every
run an empty coqdoc cache instead, so coqdoc runs inside the timed graph (what `graph` costs right
after a plain `make`).  Every run writes to a new temporary directory: no layout, page or
extraction result is reused between runs.  Without ``--cold``, each run also times the command a
user types (`python3 -m py_bridge graph`, start-up and exit included: ``command_wall_s``).

Before each run it times a fixed pure-Python loop (``probe_s``): the host's speed varies by
about a third from minute to minute, so compare runs by it too.  Writes JSON with every run's
per-phase wall and CPU times (``*_cpu_s``: user + sys of the
process and its children, from the graph code's own ``timings``), the process CPU measured
around the run, the load average before and after each run (the machine is shared: wall time
is only meaningful when it is idle), node counts, the size of every page and the machine.
report/ is left alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from py_bridge import atomic  # noqa: E402
from py_bridge.coq.build import build_docs  # noqa: E402
from py_bridge.graph import build_graph  # noqa: E402


def _coq_version() -> str:
    try:
        out = subprocess.run(["coqc", "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.splitlines()[0] if out.stdout else "unknown"


def _cpu() -> float:
    """User + sys seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _probe() -> float:
    """Seconds of a fixed pure-Python loop: the machine's speed right now.  The host's speed
    varies (other tenants): on this VM the same loop took 0.65-1.0 s within one hour, idle."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def _command_wall(root: Path, out: Path, args: argparse.Namespace) -> float:
    """Wall seconds of the command a user types, `flowar-proofs graph` (as `python3 -m
    py_bridge graph`), start-up and exit included, into a fresh directory."""
    cmd = [sys.executable, "-m", "py_bridge", "graph", "--root", str(root), "--out", str(out)]
    if args.trust_record:
        cmd += ["--trust-record", args.trust_record]
    if args.main_module:
        cmd += ["--main-module", args.main_module]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"flowar-proofs graph failed ({done.returncode}): {done.stderr[-300:]}")
    return wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trust-record", default=None)
    parser.add_argument("--main-module", default=None)
    parser.add_argument("--note", default="", help="free text stored with the result")
    parser.add_argument("--cold", action="store_true",
                        help="no coqdoc pages from the build: coqdoc runs in every timed run")
    parser.add_argument("--output", type=Path, default=None,
                        help="default results/graph_time.json (graph_time_cold.json with --cold)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not args.cold:
        ok, line = build_docs(root)
        print(line, file=sys.stderr)
        if not ok:
            return 2
    runs = []
    with tempfile.TemporaryDirectory(prefix="graph-bench-") as tmp:
        for i in range(args.runs):
            out = Path(tmp) / f"run{i}"
            cache = Path(tmp) / f"coqdoc-cache{i}" if args.cold else None
            probe = _probe()
            load_before = os.getloadavg()[0]
            cpu0 = _cpu()
            result = build_graph(
                root, out=out, trust_record=args.trust_record, main_module=args.main_module,
                coqdoc_cache=cache,
            )
            run = {k: round(v, 3) for k, v in result.timings.items()}
            run["process_cpu_s"] = round(_cpu() - cpu0, 3)
            run["probe_s"] = round(probe, 3)
            run["loadavg_1min_before"] = round(load_before, 2)
            run["loadavg_1min_after"] = round(os.getloadavg()[0], 2)
            runs.append(run)
            pages = {
                p.relative_to(out).as_posix(): p.stat().st_size
                for p in sorted(out.rglob("*.html"))
                if "coqdoc" not in p.parts
            }
            if not args.cold:
                run["command_wall_s"] = round(_command_wall(root, Path(tmp) / f"cmd{i}", args), 3)
            print(f"run {i + 1}/{args.runs}: {result.timings['total_s']:.2f} s"
                  + (f", command {run['command_wall_s']:.2f} s" if not args.cold else ""),
                  file=sys.stderr)
    totals = [r["total_s"] for r in runs]
    cpus = [r["process_cpu_s"] for r in runs]
    groups = {"graph.html": 0, "cones": 0, "modules": 0}
    for rel, size in pages.items():
        groups[rel.split("/", 1)[0] if "/" in rel else rel] += size
    data = {
        "benchmark": "graph_time",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "root": str(root),
        "note": args.note,
        "coqdoc_pages": "cold: coqdoc runs in every run" if args.cold
        else "from the build (ROOT/build/coqdoc), copied",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "coq": _coq_version(),
        },
        "nodes": len(result.lemmas.nodes),
        "edges": result.lemmas.graph.number_of_edges(),
        "glob_declarations": result.glob_count,
        "status_counts": result.status_counts,
        "runs": runs,
        "page_bytes": pages,
        "page_bytes_total": sum(pages.values()),
        "page_bytes_by_kind": groups,
        "median_total_s": round(statistics.median(totals), 3),
        "median_command_wall_s": None if args.cold
        else round(statistics.median(r["command_wall_s"] for r in runs), 3),
        "median_process_cpu_s": round(statistics.median(cpus), 3),
        "target_s": 10.0,
        "within_target": statistics.median(totals) <= 10.0,
        "command_within_target": None if args.cold
        else statistics.median(r["command_wall_s"] for r in runs) <= 10.0,
    }
    output = args.output or Path(__file__).parent / "results" / (
        "graph_time_cold.json" if args.cold else "graph_time.json"
    )
    atomic.write_json(output, data)
    keys = ("nodes", "median_total_s", "median_command_wall_s", "median_process_cpu_s",
            "within_target",
            "page_bytes_total")
    print(json.dumps({k: data[k] for k in keys}))
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
