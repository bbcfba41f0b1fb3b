"""Reading what Coq says about assumptions: allowlist and target files, `coqchk -o`'s context
summary, `Print Assumptions` output, and the generated file that prints it for each target.

All pure. Names: coqchk prints fully-qualified names, compared with the allowlist exactly.
`Print Assumptions` prints the shortest suffix that is unambiguous among the loaded names, so a
name it prints matches an allowlisted full name if it is that name or a dot-suffix of it
(`ClassicalDedekindReals.sig_forall_dec` for `Coq.Reals.ClassicalDedekindReals.sig_forall_dec`);
the coqchk check pins the same axioms down by full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from py_bridge import coq


def parse_name_list(text: str, source: str) -> tuple[str, ...]:
    """One fully-qualified Coq name per line; `#` starts a comment. Raises `coq.UsageError`
    naming `source` and the line for anything that is not a qualified name, or a duplicate."""
    names: list[str] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        if not coq.QUALID_RE.match(entry) or "." not in entry:
            raise coq.UsageError(
                f"{source}:{lineno}: {entry!r} is not a fully-qualified Coq name (Lib.Module.name)"
            )
        if entry in names:
            raise coq.UsageError(f"{source}:{lineno}: {entry} is listed twice")
        names.append(entry)
    return tuple(names)


def is_allowed(name: str, allowlist: Iterable[str], *, exact: bool) -> bool:
    """`name` is on the allowlist: equal to an entry, or (unless `exact`) a dot-suffix of one,
    as `Print Assumptions` prints `ClassicalDedekindReals.sig_forall_dec` for
    `Coq.Reals.ClassicalDedekindReals.sig_forall_dec`."""
    return any(a == name or (not exact and a.endswith("." + name)) for a in allowlist)



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


@dataclass
class CoqchkCheck:
    ran: bool = False
    ok: bool = False
    error: str | None = None
    theory: str | None = None
    axioms: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    unsafe: dict[str, list[str]] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    duration_s: float = 0.0


def judge_coqchk(summary: CoqchkSummary, allowlist: Sequence[str]) -> CoqchkCheck:
    """Compare a parsed coqchk summary with the allowlist (full names, exact match)."""
    check = CoqchkCheck(ran=True, theory=summary.theory, axioms=list(summary.axioms))
    check.unexpected = [a for a in summary.axioms if not is_allowed(a, allowlist, exact=True)]
    check.unsafe = {t: items for t, items in summary.sections.items() if t != "Axioms" and items}
    problems = []
    if summary.theory != EXPECTED_THEORY:
        problems.append(f"kernel theory is {summary.theory!r}, expected {EXPECTED_THEORY!r}")
    if check.unexpected:
        problems.append("axioms not on the allowlist: " + ", ".join(check.unexpected))
    for title, items in check.unsafe.items():
        problems.append(f"{title}: {', '.join(items)}")
    check.ok = not problems
    check.error = "; ".join(problems) or None
    return check


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


_MARK = "@@FLOWAR-AUDIT"


def _mark(tag: str, name: str = "") -> str:
    return f'Goal True. idtac "{_MARK} {tag} {name}". Abort.\n'


def generate_targets_file(targets: Sequence[tuple[str, str]]) -> str:
    """The .v text that `Check`s and `Print Assumptions` each (name, module) target, with
    marker lines between the outputs."""
    modules = sorted({m for _, m in targets})
    out = ["(* Generated by `flowar-proofs audit`: headline theorems and their assumptions. *)\n"]
    out.extend(f"Require {m}.\n" for m in modules)
    for name, _ in targets:
        out.append(_mark("CHECK", name))
        out.append(f"Check {name}.\n")
        out.append(_mark("ASSUMPTIONS", name))
        out.append(f"Print Assumptions {name}.\n")
    out.append(_mark("END"))
    return "".join(out)


def split_marked_output(stdout: str) -> dict[str, dict[str, str]]:
    """{target: {"CHECK": text, "ASSUMPTIONS": text}} from the generated file's output."""
    blocks: dict[str, dict[str, list[str]]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        if line.startswith(_MARK + " "):
            tag, _, name = line[len(_MARK) + 1 :].strip().partition(" ")
            current = None if tag == "END" else []
            if current is not None:
                blocks.setdefault(name.strip(), {})[tag] = current
        elif current is not None:
            current.append(line)
    return {n: {t: "\n".join(v) for t, v in tags.items()} for n, tags in blocks.items()}


def statement_of(check_output: str) -> str:
    """The type part of `Check name` output ("name\\n     : T" -> "T"), whitespace collapsed."""
    text = " ".join(check_output.split())
    _, sep, rest = text.partition(" : ")
    return rest if sep else text


@dataclass
class TargetResult:
    name: str
    module: str | None = None
    found: bool = False
    error: str | None = None
    statement: str | None = None
    closed: bool = False
    assumptions: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.found and self.error is None and not self.unexpected


def judge_target(name: str, module: str, blocks: dict[str, str],
                 allowlist: Sequence[str]) -> TargetResult:
    """Result for one target from its CHECK / ASSUMPTIONS output blocks."""
    res = TargetResult(name=name, module=module, found=True)
    res.statement = statement_of(blocks.get("CHECK", ""))
    try:
        parsed = parse_assumptions(blocks.get("ASSUMPTIONS", ""))
    except ValueError as err:
        res.error = f"could not read Print Assumptions output: {err}"
        return res
    res.closed = parsed.closed
    res.assumptions = [a.name for a in parsed.items]
    res.unexpected = [
        a.text if a.unsafe else a.name
        for a in parsed.items
        if a.unsafe or not is_allowed(a.name, allowlist, exact=False)
    ]
    return res


def target_module(name: str, modules: Iterable[str]) -> str | None:
    """The longest module of the project that is a proper dotted prefix of `name`."""
    best = None
    for mod in modules:
        if name.startswith(mod + ".") and (best is None or len(mod) > len(best)):
            best = mod
    return best


@dataclass
class TargetsCheck:
    ran: bool = False
    ok: bool = False
    error: str | None = None
    targets: list[TargetResult] = field(default_factory=list)
    duration_s: float = 0.0
