"""Source scan of the trust base: nothing admitted, no axiom declared, no kernel check off.

Pure functions over Coq source text (comments and strings blanked first, so a comment that
mentions `Admitted` is fine) plus `scan_project`, which reads the files `_CoqProject` lists.
Rejected anywhere, with no file exempt (the float trust base in FlowARProofs/Float/Primitives.v
is a Record of hypotheses, never an Axiom):

* `Admitted`, `admit`, `give_up`, `Abort`, `Admit Obligations`;
* `Axiom(s)`, `Parameter(s)`, `Conjecture` outside a `Module Type` (inside one they are
  signature fields), and `Declare Module` outside a `Module Type`;
* `Hypothesis`/`Hypotheses`/`Variable(s)`/`Context` outside a `Section` (there they are axioms);
* `Unset Guard/Positivity/Universe Checking`, `bypass_check`, and `-type-in-type`,
  `-impredicative-set` among the `_CoqProject` `-arg`s.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from py_bridge import coq, files
from py_bridge.coq.lex import (
    LexError,
    blank_comments_and_strings,
    command_words,
    line_col,
    sentences,
)


@dataclass(frozen=True)
class Finding:
    """One forbidden construct: where it is and why it is rejected."""

    file: str
    line: int
    column: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: [{self.kind}] {self.message}"


_TOKEN_RULES: tuple[tuple[str, str, str], ...] = (
    ("Admitted", "admitted", "Admitted closes a proof by assuming it; finish it with Qed"),
    ("admit", "admit", "the admit tactic leaves a goal unproven"),
    ("Abort", "abort", "Abort leaves an unfinished proof in the file; remove it or prove it"),
    ("give_up", "admit", "give_up leaves a goal unproven"),
)

_PATTERN_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\bUnset\s+Guard\s+Checking\b"), "unsafe-flag",
     "Unset Guard Checking lets non-terminating fixpoints through the kernel"),
    (re.compile(r"\bUnset\s+Positivity\s+Checking\b"), "unsafe-flag",
     "Unset Positivity Checking admits non-positive inductive types"),
    (re.compile(r"\bUnset\s+Universe\s+Checking\b"), "unsafe-flag",
     "Unset Universe Checking makes the logic inconsistent (type-in-type)"),
    (re.compile(r"\bbypass_check\b"), "unsafe-flag",
     "the bypass_check attribute turns a kernel check off"),
    (re.compile(r"\bAdmit\s+Obligations\b"), "admitted",
     "Admit Obligations assumes the remaining obligations instead of proving them"),
)

_AXIOM_COMMANDS = frozenset({"Axiom", "Axioms", "Parameter", "Parameters", "Conjecture"})
_SECTION_LOCALS = frozenset({"Hypothesis", "Hypotheses", "Variable", "Variables", "Context"})

_UNSAFE_PROJECT_FLAGS = {
    "-type-in-type": "makes the logic inconsistent",
    "-impredicative-set": "changes the logic the proofs are checked in",
    "-bypass-check": "turns kernel checks off",
}


def _token_re(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){re.escape(word)}(?![\w'])")


_TOKEN_RES = tuple((_token_re(w), kind, msg) for w, kind, msg in _TOKEN_RULES)


def scan_source(text: str, path: str) -> list[Finding]:
    """All forbidden constructs in Coq source `text` (reported as being in file `path`)."""
    try:
        blanked = blank_comments_and_strings(text)
    except LexError as err:
        line, col = line_col(text, err.offset)
        return [Finding(path, line, col, "lex-error", f"{err}: the rest of the file is unreadable")]

    found: list[tuple[int, str, str]] = []
    for regex, kind, message in _TOKEN_RES:
        found.extend((m.start(), kind, message) for m in regex.finditer(blanked))
    for regex, kind, message in _PATTERN_RULES:
        found.extend((m.start(), kind, message) for m in regex.finditer(blanked))

    blocks: list[str] = []  # stack of "section" | "module" | "modtype"
    for sent in sentences(blanked):
        words = command_words(sent.text)
        if not words:
            continue
        head = words[0].rstrip(".")
        second = words[1].rstrip(".") if len(words) > 1 else ""
        if head == "Section":
            blocks.append("section")
        elif head == "Module" and ":=" not in sent.text:
            blocks.append("modtype" if second == "Type" else "module")
        elif head == "End":
            if blocks:
                blocks.pop()
        elif head == "Declare" and second == "Module" and "modtype" not in blocks:
            found.append((sent.offset, "axiom",
                          "Declare Module outside a Module Type assumes a whole module"))
        elif head in _AXIOM_COMMANDS and "modtype" not in blocks:
            found.append((sent.offset, "axiom",
                          f"{head} declares a global axiom; the trust base is a Record of "
                          "hypotheses, never an Axiom"))
        elif head in _SECTION_LOCALS and "section" not in blocks:
            found.append((sent.offset, "axiom",
                          f"{head} outside a Section declares a global axiom"))

    findings = []
    for offset, kind, message in sorted(found):
        line, col = line_col(text, offset)
        findings.append(Finding(path, line, col, kind, message))
    return findings


def scan_project_flags(project: coq.CoqProject, source: str = coq.PROJECT_FILE) -> list[Finding]:
    """Flags in `_CoqProject`'s `-arg`s that weaken the kernel."""
    return [
        Finding(source, 0, 0, "unsafe-flag", f"-arg {arg} {why}")
        for arg in project.coqc_args
        for flag, why in _UNSAFE_PROJECT_FLAGS.items()
        if arg == flag
    ]


@dataclass
class SourceScan:
    files_scanned: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    unlisted_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings and not self.missing_files


def scan_project(root: Path, project: coq.CoqProject) -> SourceScan:
    """Scan every .v of `project` (I/O: reads the files). Files under a `-Q`/`-R` directory
    but not in `_CoqProject` are listed as `unlisted_files`: not built, so not audited."""
    result = SourceScan(findings=scan_project_flags(project))
    for vfile in project.vfiles:
        path = root / vfile
        if not path.exists():
            result.missing_files.append(vfile)
            continue
        text = files.read_text(path, what=f"listed in {coq.PROJECT_FILE}")
        result.files_scanned.append(vfile)
        result.findings.extend(scan_source(text, vfile))
    listed = {posixpath.normpath(v) for v in project.vfiles}
    real_root = root.resolve()
    for lp in project.load_paths:
        base = (root / lp.physical).resolve()
        # A load path at or above the root would sweep in unrelated trees; only look below.
        if not base.is_dir() or base == real_root or base in real_root.parents:
            continue
        for vpath in sorted(base.rglob("*.v")):
            rel = Path(os.path.relpath(vpath, real_root)).as_posix()
            if rel not in listed:
                result.unlisted_files.append(rel)
    return result

