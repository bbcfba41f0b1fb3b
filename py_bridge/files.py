"""File I/O at the edges, with every expected failure turned into one `BridgeError` line.

Reading: `read_text` (UTF-8), `read_json_object`, `read_toml`. Writing goes through
`py_bridge.atomic`. `ensure_writable_dir` / `ensure_writable_file` check an output location
before any long work starts, so a run fails in a second instead of after the extraction.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from py_bridge.errors import BridgeError


def os_reason(err: OSError) -> str:
    """A short reason for an OSError ("not found", "permission denied", ...)."""
    if isinstance(err, FileNotFoundError):
        return "not found"
    if isinstance(err, IsADirectoryError):
        return "is a directory, expected a file"
    if isinstance(err, NotADirectoryError):
        return "a parent of it is not a directory"
    if isinstance(err, PermissionError):
        return "permission denied"
    if err.errno == errno.EROFS:
        return "read-only file system"
    if err.errno == errno.ENOSPC:
        return "no space left on the device"
    return err.strerror or type(err).__name__


def read_text(path: Path, *, what: str = "") -> str:
    """The UTF-8 text of `path`; `BridgeError("<path>: <reason>")` if it cannot be read."""
    label = f"{path}" + (f" ({what})" if what else "")
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise BridgeError(f"{label}: {os_reason(err)}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BridgeError(
            f"{label}: not UTF-8 text (byte 0x{data[err.start]:02x} on line {line})"
        ) from None


def read_json_object(path: Path, *, what: str = "") -> dict[str, Any]:
    """A JSON object from `path`; `BridgeError` if unreadable, not JSON or not an object."""
    text = read_text(path, what=what)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise BridgeError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(data, dict):
        raise BridgeError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def read_toml(path: Path, *, what: str = "") -> dict[str, Any]:
    """A TOML document from `path`; `BridgeError` if unreadable or not TOML."""
    text = read_text(path, what=what)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BridgeError(f"{path}: not valid TOML ({err})") from None


def ensure_writable_dir(path: Path, *, what: str = "output directory") -> Path:
    """Create `path` if needed and check that a file can be created in it; return it resolved."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise BridgeError(f"{path}: {what} is an existing file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".flowar-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise BridgeError(f"{path}: cannot write the {what} there: {os_reason(err)}") from None
    return path.resolve()


def ensure_writable_file(path: Path, *, what: str = "output file") -> Path:
    """Check that `path` can be written (not a directory; its directory writable)."""
    path = Path(path)
    if path.is_dir():
        raise BridgeError(f"{path}: {what} is a directory")
    ensure_writable_dir(path.parent, what=f"directory of the {what}")
    return path.resolve()


def require_file(path: Path, *, what: str) -> Path:
    """`path` must be an existing regular file (given explicitly or by default)."""
    if not path.exists():
        raise BridgeError(f"{path}: {what} not found")
    if not path.is_file():
        raise BridgeError(f"{path}: {what} is not a regular file")
    return path
