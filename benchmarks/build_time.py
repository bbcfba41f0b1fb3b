"""Benchmark: wall time of a clean `make -j2` build of the proofs, with per-file times.

    python3 benchmarks/build_time.py [--root .] [--jobs 2] [--output FILE.json]

The project (`_CoqProject`, `Makefile` and the .v files it lists) is copied to a temporary
directory and built there from scratch, so the working tree's build is left alone. Per-file
times come from coq_makefile's `TIMED=1` (it needs /usr/bin/time; without it they are omitted
and the JSON says why). Writes benchmarks/results/build_time.json by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from py_bridge import atomic, coq  # noqa: E402

DEFAULT_OUTPUT = REPO / "benchmarks" / "results" / "build_time.json"
# coq_makefile's TIMEFMT: "$@ (real: %e, user: %U, sys: %S, mem: %M ko)"
TIMED_RE = re.compile(
    r"^(?P<target>\S+\.vo) \(real: (?P<real>[\d.]+), user: (?P<user>[\d.]+), "
    r"sys: (?P<sys>[\d.]+), mem: (?P<mem>\d+) ko\)"
)


def parse_timed(output: str) -> list[dict[str, Any]]:
    """Per-file rows from `make TIMED=1` output, slowest first."""
    rows = []
    for line in output.splitlines():
        match = TIMED_RE.match(line.strip())
        if match:
            rows.append({
                "file": match["target"][:-1],  # X.vo -> X.v
                "real_s": float(match["real"]),
                "user_s": float(match["user"]),
                "sys_s": float(match["sys"]),
                "max_rss_kb": int(match["mem"]),
            })
    return sorted(rows, key=lambda r: -r["real_s"])


def copy_project(root: Path, dest: Path, project: coq.CoqProject) -> None:
    for name in ("_CoqProject", "Makefile"):
        shutil.copy2(root / name, dest / name)
    local = root / "Makefile.coq.local"
    if local.is_file():
        shutil.copy2(local, dest / local.name)
    for vfile in project.vfiles:
        target = dest / vfile
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / vfile, target)


def git_commit(root: Path) -> str | None:
    proc = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                          text=True, check=False)
    return proc.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--timeout", type=float, default=coq.DEFAULT_BUILD_TIMEOUT)
    args = parser.parse_args(argv)

    root = args.root.resolve()
    try:
        coq.require_tools(["make", "coq_makefile", "coqc"])
        project = coq.load_coqproject(root)
        missing = [v for v in project.vfiles if not (root / v).is_file()]
        if missing:
            raise coq.UsageError(f"files listed in _CoqProject are missing: {', '.join(missing)}")
    except coq.UsageError as err:
        print(f"build_time: {err}", file=sys.stderr)
        return 2

    timed = shutil.which("time") is not None or Path("/usr/bin/time").is_file()
    with tempfile.TemporaryDirectory(prefix="flowar-build-time-") as tmp:
        work = Path(tmp)
        copy_project(root, work, project)
        cmd = ["make", f"-j{args.jobs}"] + (["TIMED=1"] if timed else [])
        print(f"build_time: {' '.join(cmd)} on a fresh copy of {len(project.vfiles)} file(s)",
              file=sys.stderr)
        result = coq.run(cmd, cwd=work, timeout=args.timeout)

    output = result.stdout + "\n" + result.stderr
    coq_version = subprocess.run(["coqc", "--version"], capture_output=True, text=True,
                                 check=False).stdout.splitlines()[:1]
    data = {
        "benchmark": "clean build",
        "command": " ".join(result.args),
        "ok": result.ok,
        "timed_out": result.timed_out,
        "returncode": result.returncode,
        "wall_s": round(result.duration_s, 2),
        "jobs": args.jobs,
        "files": len(project.vfiles),
        "per_file": parse_timed(output) if timed else None,
        "per_file_note": None if timed else "/usr/bin/time not installed: no TIMED=1 data",
        "error_tail": None if result.ok else "\n".join(output.strip().splitlines()[-20:]),
        "commit": git_commit(root),
        "coq": coq_version[0] if coq_version else None,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    atomic.write_json(args.output, data)
    status = "ok" if result.ok else "FAILED"
    print(f"build_time: {status}, {data['wall_s']} s wall with -j{args.jobs}; wrote {args.output}")
    if data["per_file"]:
        for row in data["per_file"][:5]:
            print(f"  {row['real_s']:8.2f} s  {row['file']}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
