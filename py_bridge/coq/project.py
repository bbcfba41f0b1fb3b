"""`_CoqProject`: parse it, name modules, find the project root, see what is built.

Pure functions over strings/paths, except `load_coqproject`, `find_project_root` and
`unbuilt_files`, which read the file system. Malformed input raises `BridgeError` naming the
file and the problem.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from py_bridge import files
from py_bridge.errors import BridgeError

PROJECT_FILE = "_CoqProject"

_IDENT = r"[A-Za-z_][A-Za-z0-9_']*"
IDENT_RE = re.compile(rf"^{_IDENT}$")
QUALID_RE = re.compile(rf"^{_IDENT}(?:\.{_IDENT})*$")


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
                raise BridgeError(f"{PROJECT_FILE}: unterminated double quote at offset {i}")
            tokens.append(text[i + 1 : end])
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '#"':
                i += 1
            tokens.append(text[start:i])
    return tokens


def parse_coqproject(text: str, source: str = PROJECT_FILE) -> CoqProject:
    """Parse `_CoqProject` text. Raises `BridgeError` naming `source` on malformed input."""
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
                raise BridgeError(f"{source}: unknown option {tok!r}")
            params = tokens[i + 1 : i + 1 + arity]
            if len(params) != arity:
                raise BridgeError(f"{source}: option {tok} needs {arity} argument(s)")
            if tok in ("-Q", "-R"):
                phys, log = params
                if log and not QUALID_RE.match(log):
                    raise BridgeError(
                        f"{source}: {tok} {phys} {log}: {log!r} is not a logical path"
                    )
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
            raise BridgeError(f"{source}: {tok!r} is neither a known option nor a source file")
    if len(set(vfiles)) != len(vfiles):
        dups = sorted({v for v in vfiles if vfiles.count(v) > 1})
        raise BridgeError(f"{source}: file(s) listed twice: {', '.join(dups)}")
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
        raise BridgeError(f"{vfile}: not a .v file")
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
        raise BridgeError(
            f"{PROJECT_FILE}: {vfile} is not under any -Q/-R directory, so it has no module name"
        )
    _, lp, rel = best
    parts = [p for p in rel.split("/") if p]
    for part in parts:
        if not IDENT_RE.match(part):
            raise BridgeError(f"{vfile}: {part!r} is not a valid Coq module name component")
    return ".".join([lp.logical, *parts] if lp.logical else parts)


def load_coqproject(root: Path) -> CoqProject:
    """Read and parse `root/_CoqProject`."""
    path = root / PROJECT_FILE
    if not path.exists():
        raise BridgeError(f"{path}: not found (is {root} the project root?)")
    return parse_coqproject(files.read_text(path), source=str(path))


def longest_module_prefix(name: str, modules: Iterable[str]) -> str | None:
    """The longest module in `modules` that is a proper dotted prefix of `name`, or None.

    >>> longest_module_prefix("A.B.c", ["A", "A.B", "A.Bc"])
    'A.B'
    """
    best: str | None = None
    for mod in modules:
        if name.startswith(mod + ".") and (best is None or len(mod) > len(best)):
            best = mod
    return best


def find_project_root(start: Path) -> Path:
    """The nearest directory at or above `start` that holds a `_CoqProject`."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    raise BridgeError(f"no {PROJECT_FILE} found in {start} or any parent; pass --root DIR")


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
