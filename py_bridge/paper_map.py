"""Load and check ``paper_map.toml``: each paper result -> Coq names -> status -> note.

Format (one table per result)::

    [[entry]]
    paper = "Lemma 3.9"                  # or a topic: "§5.1 Matrix products"
    name = "iterated addition in TC0"
    coq = ["FlowARProofs.Float.Primitives.fp_sum"]   # fully qualified; [] if not formalized
    status = "proved-from-trust-record"  # proved | proved-from-trust-record | not-formalized
    note = "..."                         # required (non-empty) for not-formalized
    partial = true                       # optional: the Coq names prove only part of the
                                         # result; the note must say what is missing

``load_paper_map`` raises ``PaperMapError`` (exit 2: bad input) on malformed maps;
``check_paper_map`` returns the entries whose names or statuses disagree with the graph (exit 1).
"""

from __future__ import annotations

import difflib
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from py_bridge import files
from py_bridge.errors import BridgeError

PAPER_STATUSES = ("proved", "proved-from-trust-record", "not-formalized")
_REQUIRED = ("paper", "name", "coq", "status")
_KNOWN = frozenset(_REQUIRED) | {"note", "partial"}
_BAD_GRAPH_STATUSES = frozenset({"axiom", "admitted", "uses-axiom"})


class PaperMapError(BridgeError):
    """A malformed paper map; the message names the entry index and field of every problem."""


@dataclass(frozen=True)
class Entry:
    index: int  # 1-based position in the file
    paper: str
    name: str
    coq: tuple[str, ...]
    status: str
    note: str
    partial: bool = False

    @property
    def label(self) -> str:
        return f"entry {self.index} ({self.paper})"


@dataclass(frozen=True)
class Problem:
    entry: Entry
    message: str

    def __str__(self) -> str:
        return f"paper_map: {self.entry.label}: {self.message}"


def _entry_problems(i: int, raw: object) -> list[str]:
    where = f"entry {i}"
    if not isinstance(raw, dict):
        return [f"{where}: must be a table ([[entry]]), got {type(raw).__name__}"]
    if isinstance(raw.get("paper"), str) and raw["paper"].strip():
        where = f"entry {i} ({raw['paper']})"
    problems = [f"{where}: unknown key {k!r}" for k in sorted(set(raw) - _KNOWN)]
    problems += [f"{where}: missing field {k!r}" for k in _REQUIRED if k not in raw]
    for key in ("paper", "name"):
        if key in raw and not (isinstance(raw[key], str) and raw[key].strip()):
            problems.append(f"{where}: field {key!r} must be a non-empty string")
    coq = raw.get("coq", [])
    if not isinstance(coq, list) or not all(isinstance(c, str) and c.strip() for c in coq):
        problems.append(f"{where}: field 'coq' must be a list of fully qualified Coq names")
    status = raw.get("status")
    if "status" in raw and status not in PAPER_STATUSES:
        problems.append(
            f"{where}: field 'status' is {status!r}, expected one of {', '.join(PAPER_STATUSES)}"
        )
    note = raw.get("note", "")
    if not isinstance(note, str):
        problems.append(f"{where}: field 'note' must be a string")
    elif status == "not-formalized" and not note.strip():
        problems.append(f"{where}: field 'note' must explain why it is not formalized")
    partial = raw.get("partial", False)
    if not isinstance(partial, bool):
        problems.append(f"{where}: field 'partial' must be true or false")
    elif partial and not (isinstance(note, str) and note.strip()):
        problems.append(f"{where}: field 'note' must say what is missing when 'partial' is true")
    if status in ("proved", "proved-from-trust-record") and isinstance(coq, list) and not coq:
        problems.append(f"{where}: field 'coq' is empty but status is {status!r}")
    return problems


def parse_paper_map(text: str, source: str = "paper_map.toml") -> list[Entry]:
    """Validate and parse the TOML text; raise PaperMapError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PaperMapError(f"{source}: not valid TOML: {err}") from err
    problems = [
        f"unknown top-level key {k!r} (only [[entry]])" for k in sorted(set(data) - {"entry"})
    ]
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        raise PaperMapError(f"{source}: 'entry' must be an array of tables ([[entry]])")
    entries: list[Entry] = []
    for i, raw in enumerate(raw_entries, start=1):
        found = _entry_problems(i, raw)
        problems += found
        if not found:
            entries.append(
                Entry(
                    i,
                    raw["paper"].strip(),
                    raw["name"].strip(),
                    tuple(c.strip() for c in raw["coq"]),
                    raw["status"],
                    raw.get("note", "").strip(),
                    raw.get("partial", False),
                )
            )
    if problems:
        raise PaperMapError(f"{source}: malformed: " + "; ".join(problems))
    return entries


def load_paper_map(path: Path) -> list[Entry]:
    """The entries of the map at ``path`` (which must be a readable UTF-8 file)."""
    files.require_file(path, what="paper map")
    return parse_paper_map(files.read_text(path, what="paper map"), str(path))


def extracted_status(statuses: list[str]) -> str:
    """The paper-map status that the graph statuses of an entry's objects support."""
    if not statuses or any(s in _BAD_GRAPH_STATUSES for s in statuses):
        return "not-formalized"
    if any(s == "trust" for s in statuses):
        return "proved-from-trust-record"
    return "proved"


def check_paper_map(entries: list[Entry], node_status: Mapping[str, str]) -> list[Problem]:
    """Entries naming unknown Coq objects, or whose status disagrees with the extracted one."""
    problems: list[Problem] = []
    for entry in entries:
        missing = [c for c in entry.coq if c not in node_status]
        for name in missing:
            close = difflib.get_close_matches(name, list(node_status), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(Problem(entry, f"Coq object {name} does not exist{hint}"))
        if missing or entry.status == "not-formalized":
            continue
        statuses = [node_status[c] for c in entry.coq]
        found = extracted_status(statuses)
        if found != entry.status:
            detail = ", ".join(f"{c}: {node_status[c]}" for c in entry.coq)
            problems.append(
                Problem(entry, f"status {entry.status!r} but the graph says {found!r} ({detail})")
            )
    return problems


def coverage_counts(entries: list[Entry]) -> dict[str, int]:
    counts = Counter(e.status for e in entries)
    return {s: counts.get(s, 0) for s in PAPER_STATUSES}


@dataclass(frozen=True)
class CoverageRow:
    entry: Entry
    extracted: str
    problems: list[str]


def coverage_rows(
    entries: Sequence[Entry], node_status: Mapping[str, str], problems: Sequence[Problem]
) -> list[CoverageRow]:
    """One row per paper-map entry: its recorded status, the extracted one, its problems."""
    rows = []
    for e in entries:
        present = [node_status[c] for c in e.coq if c in node_status]
        if len(present) < len(e.coq):
            extracted = "missing"
        else:
            extracted = extracted_status(present) if e.coq else "not-formalized"
        rows.append(CoverageRow(e, extracted, [p.message for p in problems if p.entry is e]))
    return rows
