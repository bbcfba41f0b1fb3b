"""``flowar-proofs report``: report/index.html linking the graph page, the paper coverage and the
audit result.

Inputs (all optional; what is missing is said on the page): report/audit.json (written by
``flowar-proofs audit``: a JSON object, shown generically, with its ``ok`` as pass/fail),
report/graph.json (``flowar-proofs graph``), paper_map.toml.  Exit codes: 0 written; 2 bad input
(unreadable JSON, malformed paper map).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from py_bridge import atomic
from py_bridge.graph import CoverageRow, coverage_rows
from py_bridge.page import render_template
from py_bridge.paper_map import PaperMapError, check_paper_map, coverage_counts, load_paper_map

MAX_DEPTH = 6


class ReportInputError(ValueError):
    """An input file exists but cannot be read as what it should be."""


def json_html(value: Any, depth: int = 0) -> Markup:
    """Render any JSON value as nested HTML (tables for lists of flat objects), escaped."""
    if depth > MAX_DEPTH:
        return escape(json.dumps(value)[:200])
    if isinstance(value, bool):
        return Markup('<span class="{0}">{1}</span>').format(
            "pass" if value else "fail", "true" if value else "false"
        )
    if value is None:
        return Markup("<em>null</em>")
    if isinstance(value, int | float | str):
        return escape(str(value))
    if isinstance(value, Mapping):
        if not value:
            return Markup("<em>{}</em>")
        rows = Markup("").join(
            Markup("<tr><th>{0}</th><td>{1}</td></tr>").format(k, json_html(v, depth + 1))
            for k, v in value.items()
        )
        return Markup('<table class="json">{0}</table>').format(rows)
    if isinstance(value, list):
        if not value:
            return Markup("<em>none</em>")
        if all(isinstance(v, Mapping) for v in value):
            keys: list[str] = []
            for v in value:
                keys += [k for k in v if k not in keys]
            head = Markup("").join(Markup("<th>{0}</th>").format(k) for k in keys)
            body = Markup("").join(
                Markup("<tr>{0}</tr>").format(
                    Markup("").join(
                        Markup("<td>{0}</td>").format(json_html(v.get(k), depth + 1)) for k in keys
                    )
                )
                for v in value
            )
            return Markup('<table class="json"><tr>{0}</tr>{1}</table>').format(head, body)
        items = Markup("").join(
            Markup("<li>{0}</li>").format(json_html(v, depth + 1)) for v in value
        )
        return Markup("<ul>{0}</ul>").format(items)
    return escape(repr(value))


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ReportInputError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(data, dict):
        raise ReportInputError(f"{path}: expected a JSON object")
    return data


@dataclass(frozen=True)
class AuditView:
    ran: bool
    ok: bool | None  # None: the JSON has no boolean "ok"
    details: Markup


def audit_view(audit: Mapping[str, Any] | None) -> AuditView:
    if audit is None:
        return AuditView(False, None, Markup(""))
    ok = audit.get("ok")
    return AuditView(True, ok if isinstance(ok, bool) else None, json_html(dict(audit)))


def report_context(
    audit: Mapping[str, Any] | None,
    graph: Mapping[str, Any] | None,
    rows: list[CoverageRow] | None,
    counts: dict[str, int] | None,
    graph_page: bool,
) -> dict[str, Any]:
    """The template context of index.html (pure)."""
    return {
        "title": "FlowAR proofs: report",
        "audit": audit_view(audit),
        "graph": graph,
        "graph_page": graph_page,
        "coverage": rows,
        "coverage_counts": counts or {},
        "statuses": {n["name"]: n["status"] for n in (graph or {}).get("nodes", [])},
    }


def build_report(root: Path, out: Path, paper_map: Path | None = None) -> Path:
    """Write out/index.html; raise ReportInputError / PaperMapError on bad inputs."""
    audit = _read_json(out / "audit.json")
    graph = _read_json(out / "graph.json")
    entries = load_paper_map(paper_map or root / "paper_map.toml")
    rows = counts = None
    if entries is not None:
        statuses = {n["name"]: n["status"] for n in (graph or {}).get("nodes", [])}
        problems = check_paper_map(entries, statuses) if graph is not None else []
        rows, counts = coverage_rows(entries, statuses, problems), coverage_counts(entries)
    ctx = report_context(audit, graph, rows, counts, (out / "graph.html").is_file())
    return atomic.write_text(out / "index.html", render_template("index.html.j2", **ctx))


def main(args: argparse.Namespace) -> int:
    root = Path(getattr(args, "root", None) or Path.cwd()).resolve()
    out = Path(getattr(args, "out", None) or root / "report").resolve()
    paper_map = getattr(args, "paper_map", None)
    try:
        index = build_report(root, out, Path(paper_map) if paper_map else None)
    except (ReportInputError, PaperMapError) as err:
        print(f"flowar-proofs report: {err}", file=sys.stderr)
        return 2
    print(f"wrote {index}")
    return 0
