"""Find the Coq toolchain: executables (with the Debian package that ships each), timeouts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from py_bridge.errors import BridgeError, ToolchainError

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
        raise BridgeError(f"environment variable {var}={raw!r}: not a number of seconds") from None
    if value <= 0:
        raise BridgeError(f"environment variable {var}={raw!r}: must be a positive number")
    return value


def missing_tool_message(names: Iterable[str]) -> str:
    """The error text for missing executables, naming the Debian packages that provide them."""
    names = sorted(set(names))
    packages = sorted({TOOL_PACKAGES.get(n, n) for n in names})
    return (
        f"required tool(s) not found on PATH: {', '.join(names)}; install with "
        f"`apt-get install -y {' '.join(packages)}` (or `bash scripts/install`)"
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


