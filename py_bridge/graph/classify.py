"""Classify every node of the lemma graph: proved, trust, uses-axiom, admitted or axiom.

Pure functions over parsed inputs (dpd graphs, glob declarations, the Print Assumptions set);
no I/O here.  Definitions:

* ``axiom``: a body-less object that Coq reports as an assumption and that is declared as one
  (``Axiom``, ``Parameter``, ``Conjecture``...; glob kinds ax/prfax/defax).
* ``admitted``: a body-less object reported as an assumption but declared with ``Lemma``,
  ``Theorem``, ``Definition``...: an ``Admitted`` proof.
* ``uses-axiom``: has a body, but depends (transitively) on an assumption outside the allowlist.
* ``trust``: closed up to the allowlist, and depends on the trust record type (it takes the record
  as an argument); ``trust_fields`` names the record's projections it depends on.  Records declared
  in the trust record's own module (e.g. ``FloatCircuits``, the semantic part that the trust record
  embeds through a coercion field) are its sub-records: a ``trust`` node also lists the sub-record
  projections it uses, but depending on a sub-record alone does not make a node ``trust`` (the
  sub-record may be proved satisfiable, as ``FloatCircuits`` is).
* ``proved``: closed up to the allowlist, no trust record.  (For definitions: "closed".)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import networkx as nx

from py_bridge.coq.dpd import DpdGraph, DpdNode
from py_bridge.coq.glob import ASSUMPTION_KINDS, GlobDecl
from py_bridge.coq.names import is_allowed
from py_bridge.coq.project import longest_module_prefix
from py_bridge.errors import BridgeError

STATUSES = ("proved", "trust", "uses-axiom", "admitted", "axiom")
BAD_STATUSES = frozenset({"uses-axiom", "admitted", "axiom"})

_SCHEME_SUFFIXES = ("_ind", "_rec", "_rect", "_sind", "_dep", "_case", "_rect_dep", "_ind_dep")
_THEOREM_KEYWORDS = {
    "Theorem",
    "Lemma",
    "Corollary",
    "Proposition",
    "Fact",
    "Remark",
    "Property",
    "Example",
}
_GLOB_KIND_NAMES = {
    "ind": "inductive",
    "rec": "record",
    "class": "class",
    "constr": "constructor",
    "proj": "projection",
    "meth": "projection",
    "inst": "instance",
    "coe": "coercion",
    "ex": "example",
    "scheme": "scheme",
    "canonstruc": "canonical",
    "fix": "fixpoint",
    "cofix": "cofixpoint",
    "prim": "primitive",
    "subclass": "coercion",
}
THEOREM_KINDS = frozenset(k.lower() for k in _THEOREM_KEYWORDS) | {"instance"}


@dataclass(frozen=True)
class DeclInfo:
    """What the sources say about a declaration: glob entry plus location and keyword."""

    decl: GlobDecl
    file: str  # path of the .v file, relative to the project root
    line: int
    keyword: str  # vernacular keyword found before the name on its line, or ""


@dataclass(frozen=True)
class Node:
    name: str  # fully qualified
    qualid: str  # as printed by Coq in the extraction run
    module: str  # library module (FlowARProofs.Circuits.Circuit)
    kind: str
    file: str
    line: int
    anchor: str  # coqdoc anchor in <module>.html, "" if coqdoc has none
    status: str
    trust_fields: tuple[str, ...]
    assumptions: tuple[str, ...]  # assumptions outside the allowlist it rests on
    prop: bool


@dataclass(frozen=True)
class LemmaGraph:
    nodes: dict[str, Node]  # by full name, project nodes only
    graph: nx.DiGraph[str]  # project nodes (full names), edge u -> v when u uses v
    unmatched_decls: tuple[str, ...]  # glob objects that are no dpd node
    trust_record: str | None  # full name, when it was found
    allowlisted_used: tuple[str, ...]  # allowlisted assumptions some project node rests on


class ClassifyError(BridgeError):
    """Inputs that do not fit together (e.g. a dpd node no glob declaration explains)."""


def is_suffix(short: str, full: str) -> bool:
    """``Base.c_def`` is a dotted suffix of ``Fix.Base.c_def``."""
    return short == full or full.endswith("." + short)


def resolve_names(
    nodes: Iterable[DpdNode], decls: Iterable[DeclInfo], modules: Iterable[str]
) -> dict[str, str]:
    """Map each project dpd node (by qualid) to its fully qualified name.

    A node resolves to the unique glob declaration whose full name ends with its qualid.  Nodes
    without a glob entry (generated schemes such as ``color_rect``) resolve through their module
    path: the unique library module or submodule ending with ``path``.
    """
    by_name: dict[str, list[str]] = {}
    info_by_full: dict[str, DeclInfo] = {}
    for info in decls:
        by_name.setdefault(info.decl.name, []).append(info.decl.full_name)
        info_by_full[info.decl.full_name] = info
    containers = set(modules)
    for info in decls:
        if info.decl.modpath:
            containers.add(f"{info.decl.library}.{info.decl.modpath}")
    resolved: dict[str, str] = {}
    for node in nodes:
        cands = [f for f in by_name.get(node.name, []) if is_suffix(node.qualid, f)]
        if not cands:
            cands = [
                f"{c}.{node.name}" for c in containers if node.path and is_suffix(node.path, c)
            ]
            if len(cands) > 1:
                # two modules with the same short name (Pipeline.X and Witnesses.X): the
                # generated object belongs to the one that declares its base (X_rect -> X)
                cands = [f for f in cands if _base_decl(node.name, f, info_by_full) is not None]
        if len(cands) != 1:
            what = "no declaration" if not cands else f"several declarations {sorted(cands)}"
            raise ClassifyError(f"dpdgraph node {node.qualid!r}: {what} in the .glob files match")
        resolved[node.qualid] = cands[0]
    return resolved


def node_kind(node: DpdNode, info: DeclInfo | None) -> str:
    """A readable kind: theorem, lemma, definition, fixpoint, axiom, inductive, record, ..."""
    if info is None:
        if node.kind == "construct":
            return "constructor"
        if node.kind == "cnst" and node.name.endswith(_SCHEME_SUFFIXES):
            return "scheme"
        return {"inductive": "inductive", "construct": "constructor"}.get(node.kind, "constant")
    gk, kw = info.decl.glob_kind, info.keyword
    if gk in ("prf", "thm", "lemma"):
        return kw.lower() if kw in _THEOREM_KEYWORDS else "lemma"
    if gk in ASSUMPTION_KINDS:
        return kw.lower() if kw else "axiom"
    if gk == "def":
        return {"Fixpoint": "fixpoint", "CoFixpoint": "cofixpoint"}.get(kw, "definition")
    return _GLOB_KIND_NAMES.get(gk, gk)


def trust_field_names(decls: list[DeclInfo], record: str) -> list[str]:
    """Full names of the record's fields: the proj/meth entries right after its declaration."""
    fields: list[str] = []
    for i, info in enumerate(decls):
        if info.decl.full_name == record and info.decl.glob_kind in ("rec", "class", "ind"):
            for nxt in decls[i + 1 :]:
                if nxt.decl.glob_kind in ("proj", "meth") and nxt.decl.library == info.decl.library:
                    fields.append(nxt.decl.full_name)
                elif nxt.decl.glob_kind == "constr":
                    continue
                else:
                    break
            break
    return fields


def trust_subrecords(decls: list[DeclInfo], record: str) -> list[str]:
    """The other records declared in the trust record's module (full names)."""
    library = next(
        (i.decl.library for i in decls if i.decl.full_name == record
         and i.decl.glob_kind in ("rec", "class", "ind")),
        None,
    )
    return [
        i.decl.full_name
        for i in decls
        if library is not None
        and i.decl.library == library
        and i.decl.glob_kind in ("rec", "class")
        and i.decl.full_name != record
    ]


def _reach_sets(g: nx.DiGraph[str], targets: set[str]) -> dict[str, frozenset[str]]:
    """For every node, the members of ``targets`` reachable from it (itself included)."""
    # Only the nodes that reach some target can have a non-empty set: condense just those
    # (a reverse search from the targets), which is most of the work on the whole closure.
    pred = g.pred
    live = {t for t in targets if t in g}
    stack = list(live)
    while stack:
        for u in pred[stack.pop()]:
            if u not in live:
                live.add(u)
                stack.append(u)
    cond = nx.condensation(g.subgraph(live))
    members = cond.graph["mapping"]
    comp_targets: dict[int, frozenset[str]] = {}
    for comp in reversed(list(nx.topological_sort(cond))):
        acc: set[str] = {n for n in cond.nodes[comp]["members"] if n in targets}
        for succ in cond.successors(comp):
            acc |= comp_targets[succ]
        comp_targets[comp] = frozenset(acc)
    empty: frozenset[str] = frozenset()
    return {n: comp_targets[members[n]] if n in live else empty for n in g.nodes}


def classify(
    project: DpdGraph,
    full: DpdGraph | None,
    decls: list[DeclInfo],
    modules: list[str],
    assumptions: set[str] | None,
    allowlist: Iterable[str],
    trust_record: str,
    anchors: Mapping[str, set[str]] | None = None,
) -> LemmaGraph:
    """Build the lemma graph and classify its project nodes.

    ``project`` is the FileDependGraph of all project modules; ``full`` (optional) the
    DependGraph closure that also holds library objects, so that library axioms are seen.
    ``assumptions`` are the qualids Print Assumptions reported over all project objects (None:
    not available, then every body-less node counts as an assumption).  ``full`` may be None
    while ``assumptions`` is not when every assumption is allowlisted (extraction skips the
    closure then): no node can rest on a bad assumption, so the project graph suffices.
    ``anchors`` maps a library module to the coqdoc anchors of its page (None: assume glob
    anchors exist).
    """
    allow = list(allowlist)
    resolved = resolve_names(project.nodes, decls, modules)
    info_by_full = {i.decl.full_name: i for i in decls}
    project_qualids = set(resolved)

    # The dependency graph on qualids: the full closure when we have it, else the project one.
    source = full if full is not None else project
    ids = {n.ident: n for n in source.nodes}
    g_all: nx.DiGraph[str] = nx.DiGraph()
    g_all.add_nodes_from(n.qualid for n in source.nodes)
    g_all.add_edges_from(  # reachability only: no edge data
        (ids[e.src].qualid, ids[e.dst].qualid)
        for e in source.edges
        if e.src in ids and e.dst in ids
    )
    pids = {n.ident: n for n in project.nodes}
    if source is not project:
        g_all.add_nodes_from(n.qualid for n in project.nodes)  # the closure may lack unused ones
        # project edges are authoritative; add any the closure lacks
        g_all.add_edges_from((pids[e.src].qualid, pids[e.dst].qualid) for e in project.edges)
    by_qualid = {n.qualid: n for n in source.nodes} | {n.qualid: n for n in project.nodes}

    def is_assumption(q: str) -> bool:
        if assumptions is not None:
            return q in assumptions
        return not by_qualid[q].has_body and by_qualid[q].kind == "cnst"

    assumption_nodes = {q for q in g_all.nodes if is_assumption(q)}
    bad = {q for q in assumption_nodes if not is_allowed(q, allow, exact=False)}
    if assumptions is not None:  # reported but not in the graph (should not happen): keep them
        bad |= {a for a in assumptions if not is_allowed(a, allow, exact=False)} - set(
            g_all.nodes
        )

    full_to_q = {f: q for q, f in resolved.items()}
    record_q = full_to_q.get(trust_record)
    fields = [f for f in trust_field_names(decls, trust_record) if f in full_to_q]
    field_qs = {full_to_q[f] for f in fields}
    sub_qs = {
        full_to_q[f]
        for sub in trust_subrecords(decls, trust_record)
        for f in trust_field_names(decls, sub)
        if f in full_to_q
    }
    targets = assumption_nodes | bad | field_qs | ({record_q} if record_q else set())
    reach = _reach_sets(g_all, targets)
    record_ctor = trust_record.rsplit(".", 1)[0] + ".Build_" + trust_record.rsplit(".", 1)[-1]
    # Sub-record projections a node uses itself, not the ones the trust record's own type
    # mentions (its size fields speak of every circuit): cut the record's outgoing edges.
    reach_sub: dict[str, frozenset[str]] = {}
    if sub_qs:
        g_sub = g_all.copy()
        ctor_q = full_to_q.get(record_ctor)
        g_sub.remove_edges_from(
            [e for q in (record_q, ctor_q) if q in g_sub for e in list(g_sub.out_edges(q))]
        )
        reach_sub = _reach_sets(g_sub, sub_qs)

    nodes: dict[str, Node] = {}
    for dn in project.nodes:
        q = dn.qualid
        full_name = resolved[q]
        info = info_by_full.get(full_name)
        module = info.decl.library if info else longest_module_prefix(full_name, modules) or ""
        r = reach[q]
        if q in bad:
            assumption_decl = info is not None and info.decl.glob_kind in ASSUMPTION_KINDS
            status = "axiom" if assumption_decl or info is None else "admitted"
        elif r & bad:
            status = "uses-axiom"
        elif record_q is not None and (record_q in r or resolved[q] == record_ctor):
            status = "trust"
        else:
            status = "proved"
        used_fields = r & field_qs
        if status == "trust":
            used_fields |= reach_sub.get(q, frozenset())
        trust_fields = tuple(sorted(resolved.get(f, f) for f in used_fields))
        anchor = _anchor(full_name, module, info, anchors, info_by_full)
        nodes[full_name] = Node(
            name=full_name,
            qualid=q,
            module=module,
            kind=node_kind(dn, info),
            file=info.file if info else _file_of(module, decls),
            line=info.line if info else _line_of_base(dn, full_name, info_by_full),
            anchor=anchor,
            status=status,
            trust_fields=trust_fields,
            assumptions=tuple(sorted(resolved.get(a, a) for a in r & bad)),
            prop=dn.is_prop,
        )

    g: nx.DiGraph[str] = nx.DiGraph()
    g.add_nodes_from(resolved[q] for q in project_qualids)
    g.add_edges_from(
        (resolved[pids[e.src].qualid], resolved[pids[e.dst].qualid], {"weight": e.weight})
        for e in project.edges
    )
    seen = set(resolved.values())
    unmatched = tuple(sorted(i.decl.full_name for i in decls if i.decl.full_name not in seen))
    allowed = assumption_nodes - bad
    allowlisted_used: set[str] = set()
    for q in project_qualids:
        allowlisted_used |= reach[q] & allowed
    if full is None and assumptions is not None:
        # No closure (not needed: every assumption is allowlisted): Print Assumptions over all
        # project objects lists exactly the assumptions some project node rests on.
        allowlisted_used |= {a for a in assumptions if is_allowed(a, allow, exact=False)}
    return LemmaGraph(
        nodes=nodes,
        graph=g,
        unmatched_decls=unmatched,
        trust_record=trust_record if record_q else None,
        allowlisted_used=tuple(sorted(allowlisted_used)),
    )


def _file_of(module: str, decls: list[DeclInfo]) -> str:
    return next((i.file for i in decls if i.decl.library == module), "")


def _base_decl(name: str, full_name: str, info_by_full: Mapping[str, DeclInfo]) -> DeclInfo | None:
    """For a generated scheme ``color_rect``, the declaration of ``color``."""
    prefix = full_name[: -len(name)]
    if name.startswith("Build_") and (base := info_by_full.get(prefix + name[6:])) is not None:
        return base
    for suffix in sorted(_SCHEME_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            base = info_by_full.get(prefix + name[: -len(suffix)])
            if base is not None:
                return base
    return None


def _line_of_base(dn: DpdNode, full_name: str, info_by_full: Mapping[str, DeclInfo]) -> int:
    base = _base_decl(dn.name, full_name, info_by_full)
    return base.line if base else 0


def _anchor(
    full_name: str,
    module: str,
    info: DeclInfo | None,
    anchors: Mapping[str, set[str]] | None,
    info_by_full: Mapping[str, DeclInfo],
) -> str:
    """The coqdoc anchor for a node: its own, else its inductive's (schemes), else ""."""
    candidates = []
    if info is not None:
        candidates.append(info.decl.anchor)
    else:
        short = full_name[len(module) + 1 :] if module else full_name
        name = short.rsplit(".", 1)[-1]
        base = _base_decl(name, full_name, info_by_full)
        if base is not None:
            candidates.append(base.decl.anchor)
    for cand in candidates:
        if anchors is None or cand in anchors.get(module, set()):
            return cand
    return ""


def with_assumptions(
    early: LemmaGraph, assumptions: set[str], allowlist: Iterable[str]
) -> LemmaGraph | None:
    """What ``classify`` gives with no closure graph and these ``assumptions``, computed from
    ``early``, the same call with an empty assumption set — or None if some assumption is not
    allowlisted (then call ``classify``).

    Why it is the same: with every assumption allowlisted, the set of bad assumptions is empty
    in both calls, so no node is ``axiom``, ``admitted`` or ``uses-axiom`` and none lists an
    assumption; the reach sets only gain allowlisted assumption nodes, which neither the
    ``trust`` test nor the trust fields read.  What differs is ``allowlisted_used``: without a
    closure it is exactly the assumptions Print Assumptions reported over all project objects.
    (``tests/test_graph.py`` checks the equality against ``classify``.)"""
    allow = list(allowlist)
    if any(not is_allowed(a, allow, exact=False) for a in assumptions):
        return None
    return replace(early, allowlisted_used=tuple(sorted(assumptions)))
