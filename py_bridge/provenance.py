"""Provenance of every JSON the bridge writes: when, from which commit, with which Coq, what ran,
and a digest of each input file, so that a later reader can tell a stale result from a fresh one.

`collect` does the I/O (git, coqc --version, hashing); `stale_inputs` is pure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from py_bridge import __version__
from py_bridge.coq.runner import run
from py_bridge.errors import BridgeError

_VERSION_RE = re.compile(r"version (\S+)")


@lru_cache(maxsize=4)
def coq_version() -> str | None:
    """`8.16.1` from `coqc --version`, or None if coqc is not there."""
    exe = shutil.which("coqc")
    if exe is None:
        return None
    try:
        result = run([exe, "--version"], cwd=".", timeout=30)
    except BridgeError:
        return None
    m = _VERSION_RE.search(result.stdout)
    return m.group(1) if m else None


@lru_cache(maxsize=4)
def git_state(root: Path) -> tuple[str | None, bool | None]:
    """(HEAD commit, working tree has changes) of the repository holding `root`, or Nones."""
    git = shutil.which("git")
    if git is None:
        return None, None
    try:
        head = run([git, "rev-parse", "HEAD"], cwd=root, timeout=30)
        if not head.ok:
            return None, None
        status = run([git, "status", "--porcelain", "--untracked-files=no"], cwd=root,
                     timeout=30)
    except BridgeError:
        return None, None
    return head.stdout.strip() or None, (bool(status.stdout.strip()) if status.ok else None)


def file_digest(path: Path) -> str | None:
    """sha256 of a file's bytes, or None if it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def input_digests(root: Path, paths: Iterable[Path]) -> dict[str, str | None]:
    """{path relative to root (or absolute if outside): sha256 or None if missing}."""
    out: dict[str, str | None] = {}
    root = root.resolve()
    for p in paths:
        p = Path(p).resolve()
        try:
            key = p.relative_to(root).as_posix()
        except ValueError:
            key = str(p)
        out[key] = file_digest(p)
    return out


def collect(root: Path, command: Sequence[str], inputs: Iterable[Path]) -> dict[str, Any]:
    """The provenance record of a run of `command` (e.g. ["audit", "--source-only"])."""
    commit, dirty = git_state(root.resolve())
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tool": f"flowar-proofs {__version__}",
        "command": " ".join(["flowar-proofs", *command]),
        "git_commit": commit,
        "git_dirty": dirty,
        "coq_version": coq_version(),
        "python": platform.python_version(),
        "root": str(root.resolve()),
        "inputs": input_digests(root, inputs),
    }


def stale_inputs(recorded: Mapping[str, Any], root: Path) -> list[str]:
    """The inputs whose current digest differs from the one `recorded` (a provenance dict)
    remembers; [] if all match (or nothing was recorded)."""
    inputs = recorded.get("inputs")
    if not isinstance(inputs, Mapping):
        return []
    changed: list[str] = []
    for key, digest in inputs.items():
        path = Path(key) if Path(key).is_absolute() else root / key
        if file_digest(path) != digest:
            changed.append(str(key))
    return sorted(changed)
