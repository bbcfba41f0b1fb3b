"""The Coq toolchain seen from Python: find the tools, run them with timeouts, read `_CoqProject`.

Everything here is either a pure function over strings/paths (`parse_coqproject`, `module_name`)
or a thin wrapper around one subprocess (`run`, `stream`). Errors that are the user's to fix
(a tool not installed, a malformed `_CoqProject`) raise `UsageError`, which the CLI turns into
exit code 2 with the message as is.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Debian packages that provide everything the project uses (README and scripts/install agree).
APT_PACKAGES: tuple[str, ...] = (
    "coq",
    "libcoq-flocq",
    "libcoq-interval",
    "libcoq-coquelicot",
    "libcoq-dpdgraph",
    "coq-dpdgraph-tools",
    "graphviz",
    "chromium",
)

#: Executable -> Debian package that ships it.
TOOL_PACKAGES: Mapping[str, str] = {
    "coqc": "coq",
    "coqchk": "coq",
    "coq_makefile": "coq",
    "coqdoc": "coq",
    "coqdep": "coq",
    "dpd2dot": "coq-dpdgraph-tools",
    "dot": "graphviz",
    "make": "make",
}

#: Seconds one `coqc` run (a generated check file) may take; override with FLOWAR_COQC_TIMEOUT.
DEFAULT_COQC_TIMEOUT = 600.0
#: Seconds one `coqchk` run over the whole project may take; override with FLOWAR_COQCHK_TIMEOUT.
DEFAULT_COQCHK_TIMEOUT = 1800.0
#: Seconds the whole `make` build may take; override with FLOWAR_BUILD_TIMEOUT.
DEFAULT_BUILD_TIMEOUT = 3600.0

PROJECT_FILE = "_CoqProject"

_IDENT = r"[A-Za-z_][A-Za-z0-9_']*"
IDENT_RE = re.compile(rf"^{_IDENT}$")
QUALID_RE = re.compile(rf"^{_IDENT}(?:\.{_IDENT})*$")


class UsageError(Exception):
    """A problem the user must fix before anything can be checked (exit code 2)."""


class ToolchainError(UsageError):
    """A required executable is missing."""


# --------------------------------------------------------------------------------------------
# Toolchain


def timeout_from_env(var: str, default: float) -> float:
    """Read a positive timeout in seconds from environment variable `var`, else `default`."""
    raw = os.environ.get(var)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"environment variable {var}={raw!r}: not a number of seconds") from None
    if value <= 0:
        raise UsageError(f"environment variable {var}={raw!r}: must be a positive number")
    return value


def missing_tool_message(names: Iterable[str]) -> str:
    """The error text for missing executables, naming the Debian packages that provide them."""
    names = sorted(set(names))
    packages = sorted({TOOL_PACKAGES.get(n, n) for n in names})
    return (
        f"required tool(s) not found on PATH: {', '.join(names)}.\n"
        f"Install them with: apt-get install -y {' '.join(packages)}\n"
        f"(the full set this project uses: apt-get install -y {' '.join(APT_PACKAGES)}; "
        "or run `bash scripts/install`)"
    )


def find_tool(name: str) -> Path:
    """Absolute path of executable `name`; raise `ToolchainError` naming its apt package if absent.

    `COQBIN` (as coq_makefile understands it: a directory ending in '/') is searched first.
    """
    coqbin = os.environ.get("COQBIN")
    if coqbin:
        candidate = Path(coqbin) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found is None:
        raise ToolchainError(missing_tool_message([name]))
    return Path(found)


def require_tools(names: Iterable[str]) -> dict[str, Path]:
    """Locate every tool in `names`; report all missing ones in one `ToolchainError`."""
    found: dict[str, Path] = {}
    missing: list[str] = []
    for name in names:
        try:
            found[name] = find_tool(name)
        except ToolchainError:
            missing.append(name)
    if missing:
        raise ToolchainError(missing_tool_message(missing))
    return found


def have_tool(name: str) -> bool:
    """True if `name` can be found (no exception)."""
    try:
        find_tool(name)
    except ToolchainError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Subprocesses


@dataclass(frozen=True)
class RunResult:
    """Outcome of one subprocess run. `returncode` is None if it was killed for its timeout."""

    args: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def describe(self) -> str:
        """One line saying how the run ended, for error messages."""
        cmd = " ".join(self.args)
        if self.timed_out:
            return f"`{cmd}` timed out after {self.duration_s:.0f} s"
        return f"`{cmd}` exited with code {self.returncode} after {self.duration_s:.1f} s"


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Terminate the process group we started for `proc` (TERM, then KILL after 5 s)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def run(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | str,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> RunResult:
    """Run `args` in `cwd`, capture stdout/stderr, and kill its whole process group on timeout."""
    argv = tuple(str(a) for a in args)
    start = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        timed_out = True
    return RunResult(
        args=argv,
        returncode=None if timed_out else proc.returncode,
        stdout=out,
        stderr=err,
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )


def stream(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | str,
    timeout: float,
    on_line: Callable[[str], None],
    env: Mapping[str, str] | None = None,
) -> RunResult:
    """Run `args` with stderr merged into stdout, calling `on_line` for each output line as it
    arrives; kill the process group after `timeout` seconds. The full output is in `.stdout`."""
    argv = tuple(str(a) for a in args)
    start = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
        start_new_session=True,
    )
    fired = threading.Event()

    def on_timeout() -> None:
        fired.set()
        _kill_group(proc)

    timer = threading.Timer(timeout, on_timeout)
    timer.daemon = True
    timer.start()
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            on_line(line.rstrip("\n"))
        proc.wait()
    finally:
        timer.cancel()
    timed_out = fired.is_set()
    return RunResult(
        args=argv,
        returncode=None if timed_out else proc.returncode,
        stdout="".join(lines),
        stderr="",
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )


# --------------------------------------------------------------------------------------------
# _CoqProject


@dataclass(frozen=True)
class LoadPath:
    """One `-Q phys log` (recursive=False) or `-R phys log` (recursive=True) directive."""

    physical: str
    logical: str
    recursive: bool = False

    def flags(self, root: Path | None = None) -> list[str]:
        phys = self.physical if root is None else str((root / self.physical).resolve())
        return ["-R" if self.recursive else "-Q", phys, self.logical]


@dataclass(frozen=True)
class CoqProject:
    """The parts of a `_CoqProject` the bridge needs. Paths are as written, relative to root."""

    vfiles: tuple[str, ...]
    load_paths: tuple[LoadPath, ...]
    coqc_args: tuple[str, ...] = ()
    other_files: tuple[str, ...] = field(default=())

    def module_name(self, vfile: str) -> str:
        return module_name(vfile, self.load_paths)

    def modules(self) -> tuple[str, ...]:
        """Logical module names of all .v files, in _CoqProject order."""
        return tuple(self.module_name(v) for v in self.vfiles)

    def loadpath_flags(self, root: Path | None = None) -> list[str]:
        """`-Q`/`-R` flags for coqc/coqchk; absolute if `root` is given."""
        flags: list[str] = []
        for lp in self.load_paths:
            flags.extend(lp.flags(root))
        return flags


# Options of _CoqProject and how many arguments each takes (coq_makefile's syntax).
_OPTION_ARITY: Mapping[str, int] = {
    "-Q": 2,
    "-R": 2,
    "-I": 1,
    "-arg": 1,
    "-docroot": 1,
    "-generate-meta-for-package": 1,
    "-native-compiler": 1,
    "-extra": 3,
    "-extra-phony": 3,
    "-install": 1,
    "-o": 1,
}

_OTHER_SOURCE_SUFFIXES = (".ml", ".mli", ".mlg", ".mllib", ".mlpack")


def tokenize_coqproject(text: str) -> list[str]:
    """Split `_CoqProject` text into words: `#` starts a comment to end of line (outside
    quotes), double quotes group words (as coq_makefile reads them)."""
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise UsageError(f"{PROJECT_FILE}: unterminated double quote at offset {i}")
            tokens.append(text[i + 1 : end])
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '#"':
                i += 1
            tokens.append(text[start:i])
    return tokens


def parse_coqproject(text: str, source: str = PROJECT_FILE) -> CoqProject:
    """Parse `_CoqProject` text. Raises `UsageError` naming `source` on malformed input."""
    tokens = tokenize_coqproject(text)
    vfiles: list[str] = []
    load_paths: list[LoadPath] = []
    coqc_args: list[str] = []
    other: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("-"):
            arity = _OPTION_ARITY.get(tok)
            if arity is None:
                raise UsageError(f"{source}: unknown option {tok!r}")
            params = tokens[i + 1 : i + 1 + arity]
            if len(params) != arity:
                raise UsageError(f"{source}: option {tok} needs {arity} argument(s)")
            if tok in ("-Q", "-R"):
                phys, log = params
                if log and not QUALID_RE.match(log):
                    raise UsageError(f"{source}: {tok} {phys} {log}: {log!r} is not a logical path")
                load_paths.append(LoadPath(phys, log, recursive=tok == "-R"))
            elif tok == "-arg":
                coqc_args.extend(params[0].split())
            i += 1 + arity
        elif tok.endswith(".v"):
            vfiles.append(tok)
            i += 1
        elif tok.endswith(_OTHER_SOURCE_SUFFIXES):
            other.append(tok)
            i += 1
        else:
            raise UsageError(f"{source}: {tok!r} is neither a known option nor a source file")
    if len(set(vfiles)) != len(vfiles):
        dups = sorted({v for v in vfiles if vfiles.count(v) > 1})
        raise UsageError(f"{source}: file(s) listed twice: {', '.join(dups)}")
    project = CoqProject(tuple(vfiles), tuple(load_paths), tuple(coqc_args), tuple(other))
    project.modules()  # validate that every file maps to a module name
    return project


def _norm(path: str) -> str:
    return posixpath.normpath(path.replace(os.sep, "/"))


def module_name(vfile: str, load_paths: Sequence[LoadPath]) -> str:
    """Logical module name of `vfile` under the longest matching `-Q`/`-R` physical directory.

    >>> module_name("FlowARProofs/IR/Compile.v", [LoadPath("FlowARProofs", "FlowARProofs")])
    'FlowARProofs.IR.Compile'
    """
    if not vfile.endswith(".v"):
        raise UsageError(f"{vfile}: not a .v file")
    path = _norm(vfile[:-2])
    best: tuple[int, LoadPath, str] | None = None
    for lp in load_paths:
        phys = _norm(lp.physical)
        if phys == ".":
            rel, depth = path, 0
        elif path.startswith(phys + "/"):
            rel, depth = path[len(phys) + 1 :], phys.count("/") + 1
        else:
            continue
        if best is None or depth > best[0]:
            best = (depth, lp, rel)
    if best is None:
        raise UsageError(
            f"{PROJECT_FILE}: {vfile} is not under any -Q/-R directory, so it has no module name"
        )
    _, lp, rel = best
    parts = [p for p in rel.split("/") if p]
    for part in parts:
        if not IDENT_RE.match(part):
            raise UsageError(f"{vfile}: {part!r} is not a valid Coq module name component")
    return ".".join([lp.logical, *parts] if lp.logical else parts)


def load_coqproject(root: Path) -> CoqProject:
    """Read and parse `root/_CoqProject`."""
    path = root / PROJECT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: not found (is {root} the project root?)") from None
    return parse_coqproject(text, source=str(path))


def find_project_root(start: Path) -> Path:
    """The nearest directory at or above `start` that holds a `_CoqProject`."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    raise UsageError(f"no {PROJECT_FILE} found in {start} or any parent; pass --root DIR")


def unbuilt_files(root: Path, project: CoqProject) -> list[str]:
    """The .v files of `project` whose .vo is missing or older than the .v (make would rebuild)."""
    stale: list[str] = []
    for vfile in project.vfiles:
        src = root / vfile
        vo = src.with_suffix(".vo")
        if not vo.is_file() or (src.is_file() and vo.stat().st_mtime < src.stat().st_mtime):
            stale.append(vfile)
    return stale


def coqc_base_args(root: Path, project: CoqProject) -> list[str]:
    """Flags for a coqc run that loads the project's compiled modules from outside its tree:
    absolute load paths, the project's `-arg` flags, and no warnings (they go to stderr and
    could be errors under the project's `-w` settings)."""
    return [*project.loadpath_flags(root), *project.coqc_args, "-w", "-all"]
