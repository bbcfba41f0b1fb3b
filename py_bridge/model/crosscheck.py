"""Comparing op counts (per module and kind) against expected values.

The pure-Python half of the numpy-vs-Coq cross-check: the expected table will
come from Coq's closed forms (witnesses); here only the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Mismatch(NamedTuple):
    """One disagreeing cell; a missing cell counts as 0."""

    module: str
    kind: str
    expected: int
    got: int


def compare_counts(expected: Mapping[str, Mapping[str, int]],
                   got: Mapping[str, Mapping[str, int]]) -> list[Mismatch]:
    """Every ``(module, kind)`` where the counts differ, sorted by module then kind.

    Both tables are ``{module: {kind: count}}``; a cell absent from one side is 0
    there, so an unexpected extra module is reported as well as a missing one.
    """
    out: list[Mismatch] = []
    for module in sorted(set(expected) | set(got)):
        exp_k = expected.get(module, {})
        got_k = got.get(module, {})
        for kind in sorted(set(exp_k) | set(got_k)):
            e, g = int(exp_k.get(kind, 0)), int(got_k.get(kind, 0))
            if e != g:
                out.append(Mismatch(module, kind, e, g))
    return out


WORK = "work"


def work_totals(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """``{module: {"work": total over kinds}}``: Coq's ``work`` of each module, for comparing
    against closed forms that do not split by kind (``compare_counts(coq, work_totals(ours))``)."""
    return {module: {WORK: sum(int(n) for n in per.values())} for module, per in counts.items()}
