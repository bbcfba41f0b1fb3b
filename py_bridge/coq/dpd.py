"""Parse dpdgraph's ``.dpd`` output.

The format (dpdgraph's README; one item a line)::

    N: 8 "a_thm" [body=yes, kind=cnst, prop=yes, path="Top", ];
    E: 8 9 [weight=1, ];

``path`` plus ``name`` is the *shortest qualified name* of the object in the environment of the
coqc run that printed the graph (see dpdgraph's ``split_name``).  Unknown attributes are kept as
strings, so newer dpdgraph versions parse too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from py_bridge.errors import BridgeError

_NODE_RE = re.compile(r'^N:\s*(\d+)\s+"((?:[^"\\]|\\.)*)"\s*\[(.*)\];\s*$')
_EDGE_RE = re.compile(r"^E:\s*(\d+)\s+(\d+)\s*\[(.*)\];\s*$")
_PLAIN_EDGE_RE = re.compile(r"E: (\d+) (\d+) \[weight=(\d+), \];")  # what dpdgraph writes
_ATTR_RE = re.compile(r'\s*([A-Za-z_]+)=("(?:[^"\\]|\\.)*"|[^,]*),')


class DpdParseError(BridgeError):
    """A line of a .dpd file that is neither a node, an edge nor blank."""


@dataclass(frozen=True)
class DpdNode:
    """One dpdgraph node: a constant, an inductive type or a constructor."""

    ident: int
    name: str
    attrs: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def path(self) -> str:
        return self.attrs.get("path", "")

    @cached_property  # read often by classify; frozen dataclasses still allow it (no slots)
    def qualid(self) -> str:
        """The shortest qualified name, as Coq printed it (``Base.c_def``)."""
        return f"{self.path}.{self.name}" if self.path else self.name

    @property
    def kind(self) -> str:
        """``cnst``, ``inductive`` or ``construct``."""
        return self.attrs.get("kind", "")

    @property
    def has_body(self) -> bool:
        """False for axioms, parameters, Admitted proofs and fields of opaque modules."""
        return self.attrs.get("body", "yes") != "no"

    @property
    def is_prop(self) -> bool:
        return self.attrs.get("prop") == "yes"


@dataclass(frozen=True)
class DpdEdge:
    """``src`` uses ``dst`` (``weight`` times)."""

    src: int
    dst: int
    weight: int


@dataclass(frozen=True)
class DpdGraph:
    nodes: tuple[DpdNode, ...]
    edges: tuple[DpdEdge, ...]


def _parse_attrs(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for key, value in _ATTR_RE.findall(text):
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        attrs[key] = value
    return attrs


def parse_dpd(text: str, source: str = "<dpd>") -> DpdGraph:
    """Parse the text of a .dpd file; raise DpdParseError naming the line otherwise."""
    nodes: list[DpdNode] = []
    edges: list[DpdEdge] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if m := _PLAIN_EDGE_RE.fullmatch(line):  # fast path: most lines are plain edges
            edges.append(DpdEdge(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        elif not line.strip():
            continue
        elif m := _NODE_RE.match(line):
            nodes.append(DpdNode(int(m.group(1)), m.group(2), _parse_attrs(m.group(3))))
        elif m := _EDGE_RE.match(line):
            weight = _parse_attrs(m.group(3)).get("weight", "1")
            edges.append(DpdEdge(int(m.group(1)), int(m.group(2)), int(weight)))
        else:
            raise DpdParseError(f"{source}:{lineno}: not a dpdgraph node or edge: {line!r}")
    return DpdGraph(tuple(nodes), tuple(edges))
