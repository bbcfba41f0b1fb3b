"""Name lists (`assumptions.allowlist`, `audit_targets.txt`) and the one allowlist matcher.

Pure, except `read_name_list`, which reads a file. Both the audit and the graph use these, so
a malformed list is rejected the same way everywhere (exit 2, naming the file and line).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from py_bridge import files
from py_bridge.coq.project import QUALID_RE
from py_bridge.errors import BridgeError


def parse_name_list(text: str, source: str) -> tuple[str, ...]:
    """One fully-qualified Coq name per line; `#` starts a comment. Raises `BridgeError`
    naming `source` and the line for anything that is not a qualified name, or a duplicate."""
    names: list[str] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        if not QUALID_RE.match(entry) or "." not in entry:
            raise BridgeError(
                f"{source}:{lineno}: {entry!r} is not a fully-qualified Coq name (Lib.Module.name)"
            )
        if entry in names:
            raise BridgeError(f"{source}:{lineno}: {entry} is listed twice")
        names.append(entry)
    return tuple(names)


def read_name_list(path: Path, *, what: str) -> tuple[str, ...]:
    """`parse_name_list` of the file at `path` (which must exist and be UTF-8)."""
    files.require_file(path, what=what)
    return parse_name_list(files.read_text(path, what=what), str(path))


def is_allowed(name: str, allowlist: Iterable[str], *, exact: bool) -> bool:
    """`name` is on the allowlist: equal to an entry, or (unless `exact`) a dot-suffix of one,
    as `Print Assumptions` prints `ClassicalDedekindReals.sig_forall_dec` for
    `Coq.Reals.ClassicalDedekindReals.sig_forall_dec`."""
    return any(a == name or (not exact and a.endswith("." + name)) for a in allowlist)
