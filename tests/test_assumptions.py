"""Parsers and verdicts over what coqchk and Print Assumptions print (samples captured from
Coq 8.16.1), and the allowlist / targets file format."""

import pytest

from py_bridge import coq
from py_bridge.audit.judge import (
    generate_targets_file,
    judge_coqchk,
    judge_target,
    split_marked_output,
    statement_of,
)
from py_bridge.coq.assumptions import parse_assumptions, parse_coqchk_summary
from py_bridge.coq.names import is_allowed, parse_name_list
from py_bridge.coq.project import longest_module_prefix as target_module

ALLOW = (
    "Coq.Reals.ClassicalDedekindReals.sig_forall_dec",
    "Coq.Reals.ClassicalDedekindReals.sig_not_dec",
    "Coq.Logic.FunctionalExtensionality.functional_extensionality_dep",
    "Coq.Logic.Classical_Prop.classic",
)

COQCHK_OUTPUT = """
CONTEXT SUMMARY
===============

* Theory: Set is predicative

* Axioms:
    Coq.Logic.FunctionalExtensionality.functional_extensionality_dep
    Coq.Reals.ClassicalDedekindReals.sig_not_dec
    Coq.Reals.ClassicalDedekindReals.sig_forall_dec
    Fx.bad_admitted.half_done
    Coq.Logic.Classical_Prop.classic
    Fx.bad_axiom.magic

* Constants/Inductives relying on type-in-type: <none>

* Constants/Inductives relying on unsafe (co)fixpoints: <none>

* Inductives whose positivity is assumed: <none>

""".replace("\n\n", "\n  \n")  # coqchk ends each section with a line of two spaces

COQCHK_UNSAFE = """CONTEXT SUMMARY
===============

* Theory: Set is impredicative

* Axioms: <none>

* Constants/Inductives relying on type-in-type: <none>

* Constants/Inductives relying on unsafe (co)fixpoints:
    Gx.g.loop

* Inductives whose positivity is assumed:
    Gx.g.bad

""".replace("\n\n", "\n  \n")


def test_coqchk_summary_lists_axioms_in_full() -> None:
    summary = parse_coqchk_summary(COQCHK_OUTPUT)
    assert summary.theory == "Set is predicative"
    assert len(summary.axioms) == 6
    assert "Fx.bad_axiom.magic" in summary.axioms
    assert summary.sections["Inductives whose positivity is assumed"] == []


def test_coqchk_verdict_flags_exactly_the_unlisted_axioms() -> None:
    check = judge_coqchk(parse_coqchk_summary(COQCHK_OUTPUT), ALLOW)
    assert not check.ok
    assert sorted(check.unexpected) == ["Fx.bad_admitted.half_done", "Fx.bad_axiom.magic"]
    assert check.unsafe == {}


def test_coqchk_verdict_is_clean_when_all_axioms_are_allowed() -> None:
    clean = COQCHK_OUTPUT.replace("    Fx.bad_admitted.half_done\n", "").replace(
        "    Fx.bad_axiom.magic\n", "")
    check = judge_coqchk(parse_coqchk_summary(clean), ALLOW)
    assert check.ok, check.error
    assert check.unexpected == []


def test_coqchk_verdict_flags_unsafe_sections_and_theory() -> None:
    check = judge_coqchk(parse_coqchk_summary(COQCHK_UNSAFE), ALLOW)
    assert not check.ok
    assert check.unsafe == {
        "Constants/Inductives relying on unsafe (co)fixpoints": ["Gx.g.loop"],
        "Inductives whose positivity is assumed": ["Gx.g.bad"],
    }
    assert "impredicative" in (check.error or "")


def test_coqchk_exact_match_rejects_a_suffix() -> None:
    # A project axiom named like a stdlib one must not pass the full-name check.
    out = COQCHK_OUTPUT.replace("Fx.bad_axiom.magic", "Fx.Classical_Prop.classic")
    check = judge_coqchk(parse_coqchk_summary(out), ALLOW)
    assert "Fx.Classical_Prop.classic" in check.unexpected


def test_coqchk_without_summary_is_an_error() -> None:
    with pytest.raises(ValueError, match="CONTEXT SUMMARY"):
        parse_coqchk_summary("Fatal Error: User error: Cannot find library X in loadpath.")


PRINT_AXIOMS = """Axioms:
ClassicalDedekindReals.sig_forall_dec
  : forall P : nat -> Prop,
    (forall n : nat, {P n} + {~ P n}) ->
    {n : nat | ~ P n} + {forall n : nat, P n}
bad_axiom.magic : forall P : Prop, P
FunctionalExtensionality.functional_extensionality_dep
  : forall (A : Type) (B : A -> Type) (f g : forall x : A, B x),
    (forall x : A, f x = g x) -> f = g
"""


def test_print_assumptions_closed() -> None:
    parsed = parse_assumptions("Closed under the global context\n")
    assert parsed.closed
    assert parsed.items == ()


def test_print_assumptions_multiline_types() -> None:
    parsed = parse_assumptions(PRINT_AXIOMS)
    assert not parsed.closed
    assert [a.name for a in parsed.items] == [
        "ClassicalDedekindReals.sig_forall_dec",
        "bad_axiom.magic",
        "FunctionalExtensionality.functional_extensionality_dep",
    ]
    assert "forall n : nat, P n" in parsed.items[0].text
    assert all(a.section == "Axioms" for a in parsed.items)


def test_print_assumptions_unsafe_and_section_variables() -> None:
    parsed = parse_assumptions(
        "Axioms:\nloop is assumed to be guarded.\nSection Variables:\nh\n: v = 0\n")
    assert [(a.section, a.name, a.unsafe) for a in parsed.items] == [
        ("Axioms", "loop", True),
        ("Section Variables", "h", False),
    ]


def test_print_assumptions_garbage_is_an_error() -> None:
    with pytest.raises(ValueError, match="neither"):
        parse_assumptions("")
    with pytest.raises(ValueError, match="before any section header"):
        parse_assumptions("Error: something else")


def test_target_verdict_uses_suffix_match() -> None:
    blocks = {"CHECK": "good.r\n     : (0 < 1)%R", "ASSUMPTIONS": PRINT_AXIOMS}
    res = judge_target("Fx.good.r", "Fx.good", blocks, ALLOW)
    assert res.found
    assert res.statement == "(0 < 1)%R"
    assert res.unexpected == ["bad_axiom.magic"]
    assert not res.ok


def test_target_verdict_rejects_unsafe_even_if_name_allowed() -> None:
    blocks = {"CHECK": "x : nat", "ASSUMPTIONS": "Axioms:\nclassic is assumed to be positive.\n"}
    res = judge_target("Fx.x", "Fx", blocks, ALLOW)
    assert res.unexpected == ["classic is assumed to be positive."]


@pytest.mark.parametrize(
    ("name", "exact", "expected"),
    [
        ("Coq.Logic.Classical_Prop.classic", True, True),
        ("Classical_Prop.classic", True, False),
        ("Classical_Prop.classic", False, True),
        ("classic", False, True),
        ("lassic", False, False),
        ("Fx.Classical_Prop.classic", False, False),
    ],
)
def test_is_allowed(name: str, exact: bool, expected: bool) -> None:
    assert is_allowed(name, ALLOW, exact=exact) is expected


def test_name_list_comments_and_blank_lines() -> None:
    text = "# header\n\nA.b.c  # trailing comment\n   D.e\n"
    assert parse_name_list(text, "f") == ("A.b.c", "D.e")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A.b\nnot a name\n", "f:2: 'not a name' is not a fully-qualified"),
        ("unqualified\n", "f:1:"),
        ("A.b\nA.b\n", "f:2: A.b is listed twice"),
    ],
)
def test_name_list_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(coq.UsageError, match=message):
        parse_name_list(text, "f")


def test_generated_file_and_marked_output_round_trip() -> None:
    vtext = generate_targets_file([("M.a", "M"), ("N.P.b", "N.P")])
    assert "Require M.\nRequire N.P.\n" in vtext
    assert "Print Assumptions M.a.\n" in vtext
    assert "Check N.P.b.\n" in vtext
    stdout = (
        "@@FLOWAR-AUDIT CHECK M.a\na\n     : True\n"
        "@@FLOWAR-AUDIT ASSUMPTIONS M.a\nClosed under the global context\n"
        "@@FLOWAR-AUDIT CHECK N.P.b\nb : nat\n"
        "@@FLOWAR-AUDIT ASSUMPTIONS N.P.b\nAxioms:\nx : nat\n"
        "@@FLOWAR-AUDIT END \n"
    )
    blocks = split_marked_output(stdout)
    assert statement_of(blocks["M.a"]["CHECK"]) == "True"
    assert blocks["M.a"]["ASSUMPTIONS"] == "Closed under the global context"
    assert blocks["N.P.b"]["ASSUMPTIONS"] == "Axioms:\nx : nat"


def test_target_module_is_longest_prefix() -> None:
    modules = ["A", "A.B", "A.BC"]
    assert target_module("A.B.x", modules) == "A.B"
    assert target_module("A.BC.x", modules) == "A.BC"
    assert target_module("A.x", modules) == "A"
    assert target_module("Z.x", modules) is None
    assert target_module("A.B", ["A.B"]) is None
