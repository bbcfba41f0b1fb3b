"""End to end with real Coq: compile the fixtures, then coqchk and Print Assumptions must flag
the Axiom and the Admitted lemma against the repo's allowlist, and pass a clean project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from coq_fixture_support import ALLOWLIST, make_fixture_project, needs_coq

from py_bridge import audit
from py_bridge.coq.build import run_build

pytestmark = needs_coq

ALL_FIXTURES = ["good.v", "comment_only.v", "bad_admitted.v", "bad_axiom.v"]
NEGATIVE_TARGETS = [
    "Fx.good.zero_lt_one_R",
    "Fx.comment_only.admitted_free",
    "Fx.bad_axiom.one_is_two",
    "Fx.bad_admitted.half_done",
    "Fx.good.no_such_lemma",
    "Fx.nowhere.lemma",
]


def _build(project: Path) -> None:
    outcome = run_build(project, jobs=2, timeout=600, progress=lambda _: None,
                        echo=lambda _: None)
    assert outcome.ok, outcome.summary()


@pytest.fixture(scope="module")
def negative_report(tmp_path_factory: pytest.TempPathFactory) -> audit.AuditReport:
    project = make_fixture_project(tmp_path_factory.mktemp("neg"), ALL_FIXTURES,
                                   NEGATIVE_TARGETS)
    _build(project)
    return audit.run_audit(project, allowlist_path=ALLOWLIST, coqc_timeout=300,
                           coqchk_timeout=900)


def test_coqchk_flags_exactly_the_axiom_and_the_admitted_lemma(
    negative_report: audit.AuditReport,
) -> None:
    chk = negative_report.coqchk
    assert chk.ran, chk.error
    assert sorted(chk.unexpected) == ["Fx.bad_admitted.half_done", "Fx.bad_axiom.magic"]
    assert not chk.ok
    assert not negative_report.ok


def test_every_allowlisted_name_is_really_reported_with_reals(
    negative_report: audit.AuditReport,
) -> None:
    # good.v loads Reals: each allowlist entry must be a name Coq 8.16 actually reports
    # (a typo in the allowlist would allow nothing and fail here).
    allow = audit.read_name_list(ALLOWLIST, what="allowlist")
    assert set(allow) <= set(negative_report.coqchk.axioms)


def test_print_assumptions_verdict_per_target(negative_report: audit.AuditReport) -> None:
    by_name = {t.name: t for t in negative_report.targets.targets}
    good = by_name["Fx.good.zero_lt_one_R"]
    assert good.ok
    assert good.assumptions, "a lemma about R should rest on the Reals axioms"
    # Modules are Required, not Imported, so the statement prints without notations.
    assert "Rlt" in (good.statement or "")
    assert by_name["Fx.comment_only.admitted_free"].closed
    assert by_name["Fx.bad_axiom.one_is_two"].unexpected == ["bad_axiom.magic"]
    assert by_name["Fx.bad_admitted.half_done"].unexpected == ["bad_admitted.half_done"]
    assert "does not exist" in (by_name["Fx.good.no_such_lemma"].error or "")
    assert "does not exist" in (by_name["Fx.nowhere.lemma"].error or "")
    assert not negative_report.targets.ok


def test_summary_names_the_offenders(negative_report: audit.AuditReport) -> None:
    text = audit.render_summary(negative_report)
    for needle in ("../bad_admitted.v:6:1", "../bad_axiom.v:3:1", "Fx.bad_axiom.magic",
                   "Fx.good.no_such_lemma", "Audit: FAILED"):
        assert needle in text


def test_clean_project_passes_and_report_is_written(tmp_path: Path) -> None:
    project = make_fixture_project(tmp_path, ["comment_only.v"],
                                   ["Fx.comment_only.admitted_free", "Fx.comment_only.n_neq_0"])
    _build(project)
    report = audit.run_audit(project, allowlist_path=ALLOWLIST, coqc_timeout=300,
                             coqchk_timeout=300)
    assert report.ok, audit.render_summary(report)
    assert report.coqchk.axioms == []
    out = audit.write_report(report, project / audit.REPORT_PATH)
    data = json.loads(out.read_text())
    assert data["ok"] is True
    assert [t["ok"] for t in data["checks"]["targets"]["targets"]] == [True, True]


def test_unbuilt_project_fails_with_instructions(tmp_path: Path) -> None:
    project = make_fixture_project(tmp_path, ["comment_only.v"], ["Fx.comment_only.n_neq_0"])
    report = audit.run_audit(project, allowlist_path=ALLOWLIST)
    assert not report.ok
    assert report.unbuilt == ["../comment_only.v"]
    assert "run `make`" in (report.coqchk.error or "")


def test_build_failure_is_reported(tmp_path: Path) -> None:
    project = make_fixture_project(tmp_path, ["comment_only.v"], [])
    broken = "Lemma broken : False.\nProof. exact I. Qed.\n"
    (tmp_path / "coq" / "comment_only.v").write_text(broken)
    outcome = run_build(project, jobs=2, timeout=600, progress=lambda _: None,
                        echo=lambda _: None)
    assert not outcome.ok
    assert any("Error" in line for line in outcome.errors), outcome.errors
    assert "FAILED" in outcome.summary()
