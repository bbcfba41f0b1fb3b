"""Source scan: the negative fixtures are rejected with file and line, the positive accepted,
and each rule fires on a minimal snippet and stays quiet on its look-alikes."""

from pathlib import Path

import pytest

from py_bridge import coq
from py_bridge.audit.scan import scan_project, scan_project_flags, scan_source

FIXTURES = Path(__file__).parent / "coq"
FIXTURE_PROJECT = FIXTURES / "fixture_project"


def scan_fixture(name: str) -> list:
    return scan_source((FIXTURES / name).read_text(encoding="utf-8"), name)


def test_admitted_fixture_is_rejected_with_file_and_line() -> None:
    findings = scan_fixture("bad_admitted.v")
    assert [(f.file, f.line, f.kind) for f in findings] == [("bad_admitted.v", 6, "admitted")]
    assert "bad_admitted.v:6:1:" in str(findings[0])


def test_axiom_fixture_is_rejected_with_file_and_line() -> None:
    findings = scan_fixture("bad_axiom.v")
    assert [(f.file, f.line, f.kind) for f in findings] == [("bad_axiom.v", 3, "axiom")]
    assert "Axiom" in findings[0].message


@pytest.mark.parametrize("name", ["good.v", "comment_only.v"])
def test_clean_fixtures_pass(name: str) -> None:
    assert scan_fixture(name) == []


def test_comment_only_fixture_really_mentions_the_forbidden_words() -> None:
    # Guard against the positive fixture silently losing what makes it a test.
    text = (FIXTURES / "comment_only.v").read_text(encoding="utf-8")
    for word in ("Admitted", "admit", "Abort", "Axiom", "Parameter", "Variable", "Hypothesis"):
        assert word in text


REJECTED = [
    ("Lemma l : True.\nProof.\n  admit.\nQed.", "admit", 3),
    ("Lemma l : True /\\ True.\nProof. split; try admit. Qed.", "admit", 2),
    ("Lemma l : True.\nProof.\nAbort.", "abort", 3),
    ("Lemma l : True.\nProof. give_up. Admitted.", "admit", 2),
    ("#[local] Axiom a : False.", "axiom", 1),
    ("Local Parameter p : nat.", "axiom", 1),
    ("Polymorphic Axioms a b : Type.", "axiom", 1),
    ("Conjecture c : False.", "axiom", 1),
    ("Section S.\nAxiom a : False.\nEnd S.", "axiom", 2),
    ("Module M.\nParameter p : nat.\nEnd M.", "axiom", 2),
    ("Variable v : nat.", "axiom", 1),
    ("Hypothesis h : False.", "axiom", 1),
    ("Context (h : False).", "axiom", 1),
    ("Module Type T.\nParameter p : nat.\nEnd T.\nDeclare Module M : T.", "axiom", 4),
    ("Unset Guard Checking.", "unsafe-flag", 1),
    ("Local Unset  Positivity\nChecking.", "unsafe-flag", 1),
    ("Unset Universe Checking.", "unsafe-flag", 1),
    ("#[bypass_check(guard)] Fixpoint f (n : nat) : nat := f n.", "unsafe-flag", 1),
    ("Admit Obligations.", "admitted", 1),
    ("Lemma l : True.\n(* open comment", "lex-error", 2),
]


@pytest.mark.parametrize(("source", "kind", "line"), REJECTED)
def test_rejected_snippets(source: str, kind: str, line: int) -> None:
    findings = scan_source(source, "X.v")
    assert (kind, line) in [(f.kind, f.line) for f in findings], findings


ACCEPTED = [
    "Lemma admit_free : True. Proof. exact I. Qed.",
    "Definition Admitted_count := 0.",
    "Definition s := \"Admitted\"%string.",
    "(* Axiom a : False. (* nested Admitted. *) admit *) Lemma l : True. Proof. exact I. Qed.",
    "(* \"*)\" Admitted *) Lemma l : True. Proof. exact I. Qed.",
    "Section S.\n  Variable v : nat.\n  Hypothesis h : v = 0.\n  Context (w : nat).\nEnd S.",
    "Module Type T.\n  Parameter p : nat.\n  Axiom p0 : p = 0.\n  Declare Module M : T.\nEnd T.",
    "Module M := Nat.\nDefinition d := 0.",
    "Lemma l : True.\nProof.\n  - exact I.\nQed.",
]


@pytest.mark.parametrize("source", ACCEPTED)
def test_accepted_snippets(source: str) -> None:
    assert scan_source(source, "X.v") == []


def test_section_scope_ends_at_End() -> None:
    source = "Section S.\nVariable v : nat.\nEnd S.\nVariable w : nat."
    assert [(f.line, f.kind) for f in scan_source(source, "X.v")] == [(4, "axiom")]


def test_line_numbers_count_lines_inside_comments() -> None:
    source = "(* line 1\n   line 2 *)\nLemma l : True.\nProof.\nAdmitted."
    assert [f.line for f in scan_source(source, "X.v")] == [5]


def test_unsafe_project_flags_are_reported() -> None:
    project = coq.parse_coqproject("-Q A A\n-arg -type-in-type\nA/x.v\n")
    findings = scan_project_flags(project)
    assert [f.kind for f in findings] == ["unsafe-flag"]
    assert "-type-in-type" in findings[0].message


def test_scan_fixture_project_names_both_bad_files() -> None:
    project = coq.load_coqproject(FIXTURE_PROJECT)
    result = scan_project(FIXTURE_PROJECT, project)
    assert not result.ok
    assert sorted(result.files_scanned) == sorted(project.vfiles)
    assert sorted({f.file for f in result.findings}) == ["../bad_admitted.v", "../bad_axiom.v"]


def test_scan_project_reports_listed_but_missing_file(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    (tmp_path / "A" / "here.v").write_text("Definition x := 0.\n")
    (tmp_path / "A" / "extra.v").write_text("Axiom nobody_builds_me : False.\n")
    project = coq.parse_coqproject("-Q A A\nA/here.v\nA/gone.v\n")
    result = scan_project(tmp_path, project)
    assert result.missing_files == ["A/gone.v"]
    assert result.unlisted_files == ["A/extra.v"]
    assert result.findings == []
    assert not result.ok
