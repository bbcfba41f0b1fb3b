"""Build the Coq proofs: `make -jN` in the project root (the Makefile wraps coq_makefile),
with a timeout and one progress line per compiled file; then the coqdoc pages of the proofs
(`build_docs`, kept in ROOT/build/coqdoc for `flowar-proofs graph`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from py_bridge import coq
from py_bridge.coq.coqdoc import DEFAULT_CACHE, CoqdocError, ensure_coqdoc

_COQC_LINE = re.compile(r"^COQC (\S+\.v)\s*$")
_ERROR_LINE = re.compile(r"^(File \"[^\"]+\", line \d+|Error:|make(\[\d+\])?: \*\*\*)")


@dataclass
class BuildOutcome:
    ok: bool
    total_files: int
    compiled: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    timed_out: bool = False
    returncode: int | None = None

    def summary(self) -> str:
        if self.timed_out:
            return f"build: TIMED OUT after {self.duration_s:.0f} s"
        if not self.ok:
            head = f"build: FAILED (make exit {self.returncode}) after {self.duration_s:.1f} s"
            return "\n".join([head, *("  " + e for e in self.errors[:20])])
        what = (f"compiled {len(self.compiled)} of {self.total_files} file(s)" if self.compiled
                else f"all {self.total_files} file(s) up to date")
        return f"build: ok, {what} in {self.duration_s:.1f} s"


def progress_line(line: str, done: int, total: int) -> str | None:
    """'[3/12] coqc FlowARProofs/IR/Compile.v' for a coq_makefile `COQC file` line, else None."""
    match = _COQC_LINE.match(line.strip())
    if match is None:
        return None
    return f"[{done}/{total}] coqc {match.group(1)}"


def run_build(
    root: Path,
    *,
    jobs: int = 2,
    timeout: float = coq.DEFAULT_BUILD_TIMEOUT,
    progress: Callable[[str], None],
    echo: Callable[[str], None],
) -> BuildOutcome:
    """Run `make -j<jobs>` in `root`. `progress` gets one line per file started; `echo` gets
    every other line make prints (warnings, errors)."""
    coq.require_tools(["make", "coq_makefile", "coqc"])
    if not (root / "Makefile").is_file():
        raise coq.UsageError(f"{root / 'Makefile'}: not found; is {root} the project root?")
    project = coq.load_coqproject(root)
    total = len(project.vfiles)
    compiled: list[str] = []
    errors: list[str] = []

    def on_line(line: str) -> None:
        match = _COQC_LINE.match(line.strip())
        if match:
            compiled.append(match.group(1))
            progress(progress_line(line, len(compiled), total) or line)
            return
        if _ERROR_LINE.match(line.strip()):
            errors.append(line.strip())
        echo(line)

    progress(f"make -j{jobs} in {root} ({total} file(s) in {coq.PROJECT_FILE}, "
             f"timeout {timeout:.0f} s)")
    result = coq.stream(["make", f"-j{jobs}"], cwd=root, timeout=timeout, on_line=on_line)
    return BuildOutcome(
        ok=result.ok,
        total_files=total,
        compiled=compiled,
        errors=errors,
        duration_s=result.duration_s,
        timed_out=result.timed_out,
        returncode=result.returncode,
    )


def build_docs(root: Path, *, timeout: float = coq.DEFAULT_BUILD_TIMEOUT) -> tuple[bool, str]:
    """The coqdoc pages of the built proofs in ROOT/build/coqdoc (kept when up to date with the
    sources and .glob files): (ok, one line saying what happened).  Not ok when coqdoc is
    missing or fails: `graph` then runs coqdoc itself and says so."""
    try:
        coqdoc = str(coq.find_tool("coqdoc"))
    except coq.ToolchainError as err:
        return False, f"coqdoc pages: not built ({err})"
    project = coq.load_coqproject(root)
    directory = root / DEFAULT_CACHE
    try:
        pages = ensure_coqdoc(coqdoc, root, project.loadpath_flags(), project.vfiles,
                              list(project.modules()), directory, timeout=timeout)
    except CoqdocError as err:
        return False, f"coqdoc pages: FAILED: {err}"
    if pages.reused:
        return True, f"coqdoc pages: up to date in {directory}"
    return True, (f"coqdoc pages: {len(pages.anchors)} written to {directory} "
                  f"in {pages.seconds:.1f} s")
