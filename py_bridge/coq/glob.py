"""Read Coq ``.glob`` files: where every declaration of a file is and what kind it is.

A .glob file starts with ``DIGEST ...`` and ``F<library module>``; definition lines look like
``prf 326:332 <> c_lemma`` (kind, byte range of the name in the .v file, module path inside the
file or ``<>``, name).  Reference lines start with ``R`` and are ignored here.  Byte offsets are
turned into 1-based line numbers with the .v source.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from py_bridge.errors import BridgeError

# glob kinds of definition lines that name a global object (constant, inductive, constructor).
# Others (binder, var, not, mod, modtype, sec, abbrev, lib, ...) are local or not objects.
OBJECT_KINDS = frozenset(
    {
        "def",
        "prf",
        "thm",
        "ax",
        "prfax",
        "defax",
        "ind",
        "rec",
        "constr",
        "proj",
        "coe",
        "subclass",
        "canonstruc",
        "ex",
        "scheme",
        "inst",
        "meth",
        "class",
        "fix",
        "cofix",
        "prim",
        "lemma",
    }
)
# Kinds whose declarations are assumptions by construction (Axiom, Parameter, Conjecture, ...).
ASSUMPTION_KINDS = frozenset({"ax", "prfax", "defax"})

_DEF_RE = re.compile(r"^([a-z]+) (\d+):(\d+) (\S+) (\S+)\s*$")


@dataclass(frozen=True)
class GlobDecl:
    """One declaration of a library module, as found in its .glob file."""

    library: str  # e.g. "FlowARProofs.Circuits.Circuit"
    modpath: str  # module path inside the file, "" at top level
    name: str
    glob_kind: str
    byte_start: int

    @property
    def full_name(self) -> str:
        parts = (
            [self.library, self.modpath, self.name] if self.modpath else [self.library, self.name]
        )
        return ".".join(parts)

    @property
    def anchor(self) -> str:
        """coqdoc's anchor inside ``<library>.html`` (``Inner.inner_def``)."""
        return f"{self.modpath}.{self.name}" if self.modpath else self.name


@dataclass(frozen=True)
class GlobFile:
    library: str
    decls: tuple[GlobDecl, ...]


class GlobParseError(BridgeError):
    """A .glob file without its ``F<module>`` header."""


def parse_glob(text: str, source: str = "<glob>") -> GlobFile:
    """Parse a .glob file's text; keeps every definition line (all kinds), in file order."""
    library = ""
    decls: list[GlobDecl] = []
    for line in text.splitlines():
        if line.startswith("F") and not library:
            library = line[1:].strip()
            continue
        m = _DEF_RE.match(line)
        if m is None:
            continue
        kind, start, _end, modpath, name = m.groups()
        decls.append(GlobDecl(library, "" if modpath == "<>" else modpath, name, kind, int(start)))
    if not library:
        raise GlobParseError(f"{source}: no 'F<module>' line; is this a .glob file?")
    return GlobFile(library, tuple(decls))


_DEF_LINE_RE = re.compile(r"^([a-z]+) \d+:\d+ (\S+) (\S+)[ \t\r]*$", re.MULTILINE)
_LIB_LINE_RE = re.compile(r"^F(.*)$", re.MULTILINE)


def object_names(text: str) -> list[str]:
    """The full names of ``object_decls(parse_glob(text))``, found in one pass over the text
    (for work that needs the names before the declarations are read in full)."""
    lib = _LIB_LINE_RE.search(text)
    library = lib.group(1).strip() if lib else ""
    return [
        f"{library}.{name}" if modpath == "<>" else f"{library}.{modpath}.{name}"
        for kind, modpath, name in _DEF_LINE_RE.findall(text)
        if kind in OBJECT_KINDS
    ]


def object_decls(glob: GlobFile) -> list[GlobDecl]:
    """The declarations that are global objects (what dpdgraph can show as nodes)."""
    return [d for d in glob.decls if d.glob_kind in OBJECT_KINDS]


def line_starts(source: bytes) -> list[int]:
    """Byte offsets at which each line of ``source`` starts."""
    return [0, *(m.end() for m in _NEWLINE_RE.finditer(source))]


_NEWLINE_RE = re.compile(rb"\n")


def line_of_offset(starts: list[int], offset: int) -> int:
    """1-based line number of a byte offset, given ``line_starts``."""
    return bisect.bisect_right(starts, offset)


_KEYWORD_RE = re.compile(
    rb"(?:#\[[^\]]*\]\s*)?(?:(?:Local|Global|Polymorphic|Monomorphic|Program|Private|Cumulative|"
    rb"NonCumulative|Let)\s+)*([A-Z][A-Za-z]*)\s*$"
)


def keyword_before(source: bytes, offset: int) -> str:
    """The vernacular keyword that declares the name at ``offset`` (``Lemma``, ``Axiom``, ...).

    Looks back on the same line only; returns "" when none is found (e.g. record fields,
    constructors, or a keyword on an earlier line).
    """
    start = source.rfind(b"\n", 0, offset) + 1
    m = _KEYWORD_RE.search(source[start:offset])
    return m.group(1).decode("ascii", "replace") if m else ""
