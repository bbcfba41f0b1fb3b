"""What Coq prints about assumptions: `coqchk -o`'s CONTEXT SUMMARY and `Print Assumptions`.

All pure. The one `Print Assumptions` parser (`parse_assumptions`) serves the audit (one target
at a time) and the graph (all project objects at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CoqchkSummary:
    theory: str
    sections: dict[str, list[str]]

    @property
    def axioms(self) -> list[str]:
        return self.sections.get("Axioms", [])


EXPECTED_THEORY = "Set is predicative"


def parse_coqchk_summary(output: str) -> CoqchkSummary:
    """Parse the CONTEXT SUMMARY that `coqchk -o` prints. Raises ValueError if there is none."""
    if "CONTEXT SUMMARY" not in output:
        raise ValueError("coqchk printed no CONTEXT SUMMARY")
    body = output.split("CONTEXT SUMMARY", 1)[1]
    theory = ""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.splitlines():
        if line.startswith("* "):
            title, _, rest = line[2:].partition(":")
            title, rest = title.strip(), rest.strip()
            if title == "Theory":
                theory, current = rest, None
                continue
            current = sections.setdefault(title, [])
            if rest and rest != "<none>":
                current.append(rest)
        elif line.startswith(" ") and line.strip() and current is not None:
            current.append(line.strip())
        elif line.strip() and not line.startswith("=") and not line.startswith(" "):
            current = None
    return CoqchkSummary(theory, sections)


@dataclass(frozen=True)
class Assumption:
    section: str
    name: str
    text: str
    unsafe: bool


@dataclass(frozen=True)
class AssumptionList:
    closed: bool
    items: tuple[Assumption, ...]


_UNSAFE_ITEM_RE = re.compile(r"is assumed to be (guarded|positive)|relies on|type-in-type")


def parse_assumptions(output: str) -> AssumptionList:
    """Parse what `Print Assumptions` prints for one name. Raises ValueError if unrecognised."""
    lines = [ln for ln in output.splitlines() if ln.strip()]
    if lines and lines[0].strip() == "Closed under the global context":
        if len(lines) > 1:
            raise ValueError(f"unexpected text after 'Closed under ...': {lines[1]!r}")
        return AssumptionList(True, ())
    items: list[Assumption] = []
    section: str | None = None
    for line in lines:
        if line[0].isspace() or line.startswith(":"):
            if not items:
                raise ValueError(f"continuation line before any assumption: {line!r}")
            last = items[-1]
            items[-1] = Assumption(last.section, last.name, last.text + " " + line.strip(),
                                   last.unsafe)
        elif line.endswith(":") and " : " not in line:
            section = line[:-1].strip()
        elif section is None:
            raise ValueError(f"assumption line before any section header: {line!r}")
        else:
            items.append(Assumption(section, line.split()[0], line.strip(),
                                    bool(_UNSAFE_ITEM_RE.search(line))))
    if not items:
        raise ValueError("neither 'Closed under the global context' nor any assumption")
    return AssumptionList(False, tuple(items))


def assumption_names(output: str) -> set[str]:
    """The names `Print Assumptions` lists (every section), as printed; raises ValueError on
    output that is not Print Assumptions output."""
    parsed = parse_assumptions(output)
    return {a.name for a in parsed.items}
