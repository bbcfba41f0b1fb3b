"""paper_map.toml validation (exit 2 material) and the status check against the graph (exit 1)."""

from __future__ import annotations

import pytest

from py_bridge.paper_map import (
    PaperMapError,
    check_paper_map,
    coverage_counts,
    extracted_status,
    parse_paper_map,
)

GOOD = """
[[entry]]
paper = "Lemma 3.9"
name = "iterated addition"
coq = ["A.sum_tc0"]
status = "proved-from-trust-record"

[[entry]]
paper = "§5.1 Matrix products"
name = "matmul"
coq = ["A.matmul_ok", "A.matmul_depth"]
status = "proved"
note = "square matrices only"

[[entry]]
paper = "Theorem 6.1"
name = "lower bound"
coq = []
status = "not-formalized"
note = "needs circuit lower bounds"
"""
GRAPH = {
    "A.sum_tc0": "trust",
    "A.matmul_ok": "proved",
    "A.matmul_depth": "proved",
    "A.adm": "admitted",
    "A.uses": "uses-axiom",
}


def test_good_map_parses_and_checks() -> None:
    entries = parse_paper_map(GOOD)
    assert [e.paper for e in entries] == ["Lemma 3.9", "§5.1 Matrix products", "Theorem 6.1"]
    assert entries[1].coq == ("A.matmul_ok", "A.matmul_depth")
    assert check_paper_map(entries, GRAPH) == []
    assert coverage_counts(entries) == {
        "proved": 1,
        "proved-from-trust-record": 1,
        "not-formalized": 1,
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'paper = "L1"\nname = "x"\ncoq = []\nstatus = "proved"\nextra = 1',
            "entry 1 (L1): unknown key 'extra'",
        ),
        (
            'paper = "L1"\nname = "x"\ncoq = ["A.b"]\nstatus = "done"',
            "entry 1 (L1): field 'status' is 'done'",
        ),
        ('paper = "L1"\ncoq = ["A.b"]\nstatus = "proved"', "entry 1 (L1): missing field 'name'"),
        ('name = "x"\ncoq = ["A.b"]\nstatus = "proved"', "entry 1: missing field 'paper'"),
        (
            'paper = "L1"\nname = "x"\ncoq = []\nstatus = "not-formalized"',
            "entry 1 (L1): field 'note' must explain",
        ),
        (
            'paper = "L1"\nname = "x"\ncoq = "A.b"\nstatus = "proved"',
            "entry 1 (L1): field 'coq' must be a list",
        ),
        (
            'paper = "L1"\nname = "x"\ncoq = []\nstatus = "proved"',
            "entry 1 (L1): field 'coq' is empty but status is 'proved'",
        ),
        (
            'paper = ""\nname = "x"\ncoq = ["A.b"]\nstatus = "proved"',
            "entry 1: field 'paper' must be a non-empty string",
        ),
    ],
)
def test_malformed_entries_named(body: str, message: str) -> None:
    with pytest.raises(PaperMapError) as err:
        parse_paper_map("[[entry]]\n" + body + "\n")
    assert message in str(err.value)


def test_malformed_toml_and_top_level() -> None:
    with pytest.raises(PaperMapError, match="not valid TOML"):
        parse_paper_map("[[entry]\n")
    with pytest.raises(PaperMapError, match="unknown top-level key 'entries'"):
        parse_paper_map("[[entries]]\npaper='x'\n")


def test_all_problems_reported_at_once() -> None:
    text = GOOD + '\n[[entry]]\npaper = "L9"\nstatus = "nope"\n'
    with pytest.raises(PaperMapError) as err:
        parse_paper_map(text)
    msg = str(err.value)
    assert "entry 4 (L9): missing field 'name'" in msg
    assert "entry 4 (L9): field 'status' is 'nope'" in msg
    assert "entry 1" not in msg


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["proved"], "proved"),
        (["proved", "trust"], "proved-from-trust-record"),
        (["trust", "admitted"], "not-formalized"),
        (["uses-axiom"], "not-formalized"),
        (["axiom"], "not-formalized"),
        ([], "not-formalized"),
    ],
)
def test_extracted_status(statuses: list[str], expected: str) -> None:
    assert extracted_status(statuses) == expected


def test_check_names_missing_objects_and_status_mismatch() -> None:
    text = """
[[entry]]
paper = "L1"
name = "typo"
coq = ["A.matmul_okk"]
status = "proved"

[[entry]]
paper = "L2"
name = "claims proved, rests on admitted"
coq = ["A.matmul_ok", "A.uses"]
status = "proved"

[[entry]]
paper = "L3"
name = "claims trust, is closed"
coq = ["A.matmul_ok"]
status = "proved-from-trust-record"

[[entry]]
paper = "L4"
name = "claims proved, uses trust"
coq = ["A.sum_tc0"]
status = "proved"
"""
    problems = [str(p) for p in check_paper_map(parse_paper_map(text), GRAPH)]
    assert len(problems) == 4
    assert "entry 1 (L1): Coq object A.matmul_okk does not exist" in problems[0]
    assert "did you mean A.matmul_ok?" in problems[0]
    assert "entry 2 (L2)" in problems[1]
    assert "A.uses: uses-axiom" in problems[1]
    assert "entry 3 (L3)" in problems[2]
    assert "graph says 'proved'" in problems[2]
    assert "entry 4 (L4)" in problems[3]
    assert "'proved-from-trust-record'" in problems[3]


def test_partial_entries_need_a_note_and_are_flagged() -> None:
    from py_bridge.paper_map import PaperMapError, parse_paper_map

    good = ('[[entry]]\npaper = "T"\nname = "n"\ncoq = ["A.b"]\nstatus = "proved"\n'
            'partial = true\nnote = "only the module, not the pipeline"\n')
    (entry,) = parse_paper_map(good)
    assert entry.partial
    for bad, field in ((good.replace('note = "only the module, not the pipeline"\n', ""), "note"),
                       (good.replace("partial = true", 'partial = "yes"'), "partial")):
        with pytest.raises(PaperMapError, match=field):
            parse_paper_map(bad)
