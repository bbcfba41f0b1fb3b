"""Pure parsers and helpers of the graph extraction: .dpd, .glob, Print Assumptions, names."""

from __future__ import annotations

import networkx as nx
import pytest

from py_bridge.coq.assumptions import assumption_names as parse_assumptions
from py_bridge.coq.dpd import DpdParseError, parse_dpd
from py_bridge.coq.glob import (
    keyword_before,
    line_of_offset,
    line_starts,
    object_decls,
    object_names,
    parse_glob,
)
from py_bridge.coq.names import is_allowed
from py_bridge.graph.classify import DeclInfo, is_suffix, trust_field_names
from py_bridge.graph.extract import closure_script, file_graph_script
from py_bridge.graph.layout import _contract, select_display

DPD = """N: 8 "a_thm" [body=yes, kind=cnst, prop=yes, path="Top", ];
N: 17 "adm" [body=no, kind=cnst, prop=yes, path="Base.Inner", future=x, ];
N: 27 "R" [kind=inductive, prop=no, ];
E: 8 17 [weight=3, ];
"""


def test_parse_dpd_nodes_edges_and_unknown_attributes() -> None:
    g = parse_dpd(DPD)
    assert [n.qualid for n in g.nodes] == ["Top.a_thm", "Base.Inner.adm", "R"]
    assert g.nodes[1].has_body is False
    assert g.nodes[0].has_body is True
    assert g.nodes[1].attrs["future"] == "x"
    assert g.nodes[2].kind == "inductive"
    assert not g.nodes[2].is_prop
    assert [(e.src, e.dst, e.weight) for e in g.edges] == [(8, 17, 3)]


def test_parse_dpd_rejects_garbage_with_line_number() -> None:
    with pytest.raises(DpdParseError, match=r"x.dpd:2"):
        parse_dpd('N: 1 "a" [kind=cnst, ];\nbogus\n', "x.dpd")


GLOB = """DIGEST 4871e044d180e6d187e872792e5529f7
FFix.Base
rec 10:13 <> Rec
proj 20:22 <> f1
proj 30:32 <> f2
binder 40:40 <> a:3
R50:52 Fix.Base <> f1 proj
def 60:62 Inner idef
prf 70:72 <> lem
"""


def test_parse_glob_objects_and_module_paths() -> None:
    glob = parse_glob(GLOB)
    assert glob.library == "Fix.Base"
    objs = object_decls(glob)
    assert [d.full_name for d in objs] == [
        "Fix.Base.Rec",
        "Fix.Base.f1",
        "Fix.Base.f2",
        "Fix.Base.Inner.idef",
        "Fix.Base.lem",
    ]
    assert objs[3].anchor == "Inner.idef"
    infos = [DeclInfo(d, "Base.v", 1, "") for d in objs]
    assert trust_field_names(infos, "Fix.Base.Rec") == ["Fix.Base.f1", "Fix.Base.f2"]


def test_object_names_is_the_one_pass_version_of_object_decls() -> None:
    crlf = GLOB.replace("\n", "\r\n")
    for text in (GLOB, crlf, GLOB + "not 80:81 <> ::x_scope:x\n"):
        assert object_names(text) == [d.full_name for d in object_decls(parse_glob(text))]
    assert object_names(GLOB)[3] == "Fix.Base.Inner.idef"


def test_offsets_to_lines_and_keywords() -> None:
    src = "(* é *)\nLemma foo : True.\n  #[local] Theorem bar : True.\nRecord R := { f : nat }.\n"
    data = src.encode("utf-8")
    starts = line_starts(data)
    foo = data.index(b"foo")
    bar = data.index(b"bar")
    assert line_of_offset(starts, 0) == 1
    assert line_of_offset(starts, foo) == 2  # byte offsets, past a 2-byte character
    assert line_of_offset(starts, bar) == 3
    assert keyword_before(data, foo) == "Lemma"
    assert keyword_before(data, bar) == "Theorem"
    assert keyword_before(data, data.index(b"f :")) == ""


def test_parse_assumptions_sections_and_wrapped_types() -> None:
    text = (
        "Axioms:\nBase.adm : forall n : nat, n * 1 = n\n"
        "ClassicalDedekindReals.sig_forall_dec\n  : forall P : nat -> Prop,\n    x\n"
        "Constants/Inductives relying on type-in-type:\nBad.tt : Type\n"
    )
    assert parse_assumptions(text) == {
        "Base.adm",
        "ClassicalDedekindReals.sig_forall_dec",
        "Bad.tt",
    }
    assert parse_assumptions("Closed under the global context\n") == set()


def test_generated_scripts_name_every_module() -> None:
    from pathlib import Path

    s1 = file_graph_script(["A.B", "A.C"], Path("/t/f.dpd"))
    assert "Require A.B A.C." in s1
    assert "Print FileDependGraph A.B A.C." in s1
    s2 = closure_script(["A.B"], ["B.x", "B.y"], Path("/t/g.dpd"), Path("/t/pa"))
    assert "let _ := @B.x in" in s2
    assert "let _ := @B.y in" in s2
    assert 'Redirect "/t/pa" Print Assumptions' in s2


def test_name_matching() -> None:
    assert is_suffix("Base.c", "Fix.Base.c")
    assert not is_suffix("ase.c", "Fix.Base.c")
    allow = ["Coq.Reals.ClassicalDedekindReals.sig_forall_dec"]
    # the one matcher: a printed short name matches the full allowlisted name ...
    assert is_allowed("ClassicalDedekindReals.sig_forall_dec", allow, exact=False)
    # ... but not a name that is only a string suffix, and not a shorter allowlist entry
    assert not is_allowed("sig_forall", ["ClassicalDedekindReals.sig_forall_dec"], exact=False)
    assert not is_allowed("Coq.Reals.ClassicalDedekindReals.sig_forall_dec",
                          ["ClassicalDedekindReals.sig_forall_dec"], exact=False)


def test_contract_edges_through_hidden_nodes() -> None:
    g = nx.DiGraph([("a", "h1"), ("h1", "h2"), ("h2", "b"), ("a", "c"), ("h1", "a")])
    assert _contract(g, {"a", "b", "c"}) == [("a", "b"), ("a", "c")]


def test_select_display_hides_schemes(monkeypatch: pytest.MonkeyPatch) -> None:
    from py_bridge.graph.classify import Node

    def node(name: str, kind: str) -> Node:
        return Node(name, name, "M", kind, "M.v", 1, name, "proved", (), (), True)

    nodes = {"t": node("t", "theorem"), "s": node("s", "scheme"), "d": node("d", "definition")}
    g = nx.DiGraph([("t", "s"), ("s", "d")])
    disp = select_display(g, nodes, {"t", "s", "d"})
    assert disp.nodes == ["d", "t"]
    assert disp.edges == [("t", "d")]
    assert not disp.reduced
    small = select_display(g, nodes, {"t", "s", "d"}, max_nodes=1)
    assert small.reduced
    assert small.nodes == ["t"]


def test_generated_object_resolves_to_module_declaring_its_base() -> None:
    """Two modules with the same short name (A.M and B.M): dpdgraph prints the shortest qualid
    `M.Build_R` for a generated constructor (not in any .glob); it belongs to the module that
    declares the record R."""
    from py_bridge.coq.dpd import DpdNode
    from py_bridge.coq.glob import GlobDecl
    from py_bridge.graph.classify import resolve_names

    decls = [
        DeclInfo(GlobDecl("P.A.M", "", "R", "rec", 0), "A/M.v", 1, "Record"),
        DeclInfo(GlobDecl("P.B.M", "", "other", "def", 0), "B/M.v", 1, "Definition"),
    ]
    node = DpdNode(1, "Build_R", {"path": "M", "kind": "construct"})
    assert resolve_names([node], decls, ["P.A.M", "P.B.M"]) == {"M.Build_R": "P.A.M.Build_R"}
    scheme = DpdNode(2, "R_rect", {"path": "M", "kind": "cnst"})
    assert resolve_names([scheme], decls, ["P.A.M", "P.B.M"]) == {"M.R_rect": "P.A.M.R_rect"}
