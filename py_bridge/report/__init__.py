"""``flowar-proofs report``: report/index.html linking the graph page, the paper coverage and the
audit result.

Inputs (each optional; what is missing is said on the page): OUT/audit.json (``flowar-proofs
audit``), OUT/graph.json (``flowar-proofs graph``), paper_map.toml. The page shows each JSON's
provenance and says "source scan only" for a ``--source-only`` audit and "stale" for a result
whose recorded inputs (sources, allowlist, targets, paper map) have changed since.

API: ``build_report(root, out=..., paper_map=...)`` returns a ``ReportResult``; its ``ok`` is
False when the paper map does not check against graph.json (exit 1). A JSON file that is not
what it should be (not JSON, another schema) raises ``BridgeError`` (exit 2).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from py_bridge import atomic, files, provenance
from py_bridge.errors import BridgeError
from py_bridge.graph.layout import render_template
from py_bridge.paper_map import (
    CoverageRow,
    Problem,
    check_paper_map,
    coverage_counts,
    coverage_rows,
    load_paper_map,
)

GRAPH_JSON_VERSION = 2
AUDIT_JSON_VERSION = 2
MAX_DEPTH = 6


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
    if not path.exists():
        return None
    return files.read_json_object(path)


def _require(data: Mapping[str, Any], path: Path, key: str, kind: type | tuple[type, ...]) -> None:
    if not isinstance(data.get(key), kind):
        raise BridgeError(
            f"{path}: field {key!r} missing or of the wrong type; not a file written by this "
            "version of flowar-proofs (run it again)"
        )


def check_graph_json(data: Mapping[str, Any], path: Path) -> None:
    """Raise ``BridgeError`` unless ``data`` has graph.json's schema (the fields read here)."""
    if data.get("version") != GRAPH_JSON_VERSION:
        raise BridgeError(
            f"{path}: graph.json schema version {data.get('version')!r}, expected "
            f"{GRAPH_JSON_VERSION}; run `flowar-proofs graph` again"
        )
    _require(data, path, "counts", dict)
    _require(data["counts"], path, "status", dict)
    _require(data["counts"], path, "nodes", int)
    _require(data["counts"], path, "glob_declarations", int)
    _require(data, path, "headline", list)
    _require(data, path, "missing_targets", list)
    _require(data, path, "provenance", dict)
    _require(data, path, "nodes", list)
    for i, node in enumerate(data["nodes"]):
        if not (isinstance(node, dict) and isinstance(node.get("name"), str)
                and isinstance(node.get("status"), str)):
            raise BridgeError(f"{path}: nodes[{i}] lacks a string 'name' or 'status'")


def check_audit_json(data: Mapping[str, Any], path: Path) -> None:
    """Raise ``BridgeError`` unless ``data`` has audit.json's schema (the fields read here)."""
    if data.get("schema_version") != AUDIT_JSON_VERSION:
        raise BridgeError(
            f"{path}: audit.json schema version {data.get('schema_version')!r}, expected "
            f"{AUDIT_JSON_VERSION}; run `flowar-proofs audit` again"
        )
    _require(data, path, "ok", bool)
    _require(data, path, "source_only", bool)
    _require(data, path, "provenance", dict)


@dataclass(frozen=True)
class Freshness:
    """What a JSON says about its own making, and whether its inputs changed since."""

    provenance: dict[str, Any]
    stale: list[str]  # inputs changed since the JSON was written


def freshness(data: Mapping[str, Any], root: Path) -> Freshness:
    prov = dict(data.get("provenance") or {})
    return Freshness(prov, provenance.stale_inputs(prov, root))


@dataclass(frozen=True)
class AuditView:
    ran: bool
    ok: bool | None
    source_only: bool
    details: Markup
    fresh: Freshness | None

    @property
    def verdict(self) -> str:
        if not self.ran:
            return "audit not run"
        verdict = "PASS" if self.ok else "FAIL"
        if self.source_only:
            verdict += " (source scan only: coqchk and Print Assumptions not run)"
        if self.fresh is not None and self.fresh.stale:
            verdict += " (stale: inputs changed since)"
        return verdict

    @property
    def css(self) -> str:
        if not self.ran or self.source_only or (self.fresh and self.fresh.stale):
            return "none" if not self.ran else ("fail" if not self.ok else "partial")
        return "pass" if self.ok else "fail"


def audit_view(audit: Mapping[str, Any] | None, root: Path) -> AuditView:
    if audit is None:
        return AuditView(False, None, False, Markup(""), None)
    return AuditView(True, bool(audit["ok"]), bool(audit["source_only"]),
                     json_html(dict(audit)), freshness(audit, root))


def report_context(
    audit: AuditView,
    graph: Mapping[str, Any] | None,
    graph_fresh: Freshness | None,
    rows: list[CoverageRow] | None,
    counts: dict[str, int] | None,
    graph_page: bool,
    problems: Sequence[Problem],
    prov: Mapping[str, Any],
    configs: Sequence[Mapping[str, Any]] = (),
    crosscheck: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context of index.html (pure)."""
    return {
        "configs": list(configs),
        "crosscheck": crosscheck,
        "title": "FlowAR proofs: report",
        "audit": audit,
        "graph": graph,
        "graph_fresh": graph_fresh,
        "graph_page": graph_page,
        "coverage": rows,
        "coverage_counts": counts or {},
        "problems": [str(p) for p in problems],
        "statuses": {n["name"]: n["status"] for n in (graph or {}).get("nodes", [])},
        "provenance": prov,
    }


def config_rows(out: Path) -> list[dict[str, Any]]:
    """One row per OUT/obligations/<name>.json (`flowar-proofs obligations` / `all`): the
    config, whether it is covered, and each fact's status and value."""
    rows: list[dict[str, Any]] = []
    for path in sorted((out / "obligations").glob("*.json")):
        data = _read_json(path)
        if data is None:
            continue
        for key, kind in (("config", str), ("ok", bool), ("facts", list),
                          ("not_covered", list)):
            _require(data, path, key, kind)
        name = data["config"]
        witnesses = out / "witnesses" / f"{name}.json"
        rows.append({"name": name, "ok": data["ok"], "not_covered": data["not_covered"],
                     "facts": data["facts"], "source": data.get("source", ""),
                     "witnesses": f"witnesses/{name}.json" if witnesses.is_file() else None})
    return rows


def crosscheck_view(out: Path) -> dict[str, Any] | None:
    """OUT/crosscheck.json (`flowar-proofs crosscheck --out` / `all`), checked for shape."""
    path = out / "crosscheck.json"
    data = _read_json(path)
    if data is None:
        return None
    _require(data, path, "ok", bool)
    if "configs" in data or "bound" not in data:     # the counts check ran (`--only bound`: not)
        for key, kind in (("configs", list), ("error", dict), ("per_module", str)):
            _require(data, path, key, kind)
    if "bound" in data:
        _require(data, path, "bound", dict)
    return data


@dataclass
class ReportResult:
    index: Path
    problems: list[Problem] = field(default_factory=list)
    audit_ran: bool = False
    graph_ran: bool = False
    stale: list[str] = field(default_factory=list)  # "audit.json", "graph.json"

    @property
    def ok(self) -> bool:
        """The paper map checks against graph.json (vacuously true without either)."""
        return not self.problems


def build_report(
    root: Path,
    *,
    out: Path | None = None,
    paper_map: Path | None = None,
    command: Sequence[str] = ("report",),
) -> ReportResult:
    """Write OUT/index.html (OUT defaults to ROOT/report). Bad inputs raise ``BridgeError``."""
    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / "report"
    map_path = Path(paper_map) if paper_map else root / "paper_map.toml"
    if paper_map is not None:
        files.require_file(map_path, what="paper map")
    if out.exists() and not out.is_dir():
        raise BridgeError(f"{out}: output directory is an existing file, not a directory")
    audit = _read_json(out / "audit.json")
    if audit is not None:
        check_audit_json(audit, out / "audit.json")
    graph = _read_json(out / "graph.json")
    if graph is not None:
        check_graph_json(graph, out / "graph.json")
    entries = load_paper_map(map_path) if map_path.exists() else None
    files.ensure_writable_dir(out, what="output directory")
    rows = counts = None
    problems: list[Problem] = []
    if entries is not None:
        statuses = {n["name"]: n["status"] for n in (graph or {}).get("nodes", [])}
        problems = check_paper_map(entries, statuses) if graph is not None else []
        rows, counts = coverage_rows(entries, statuses, problems), coverage_counts(entries)
    a_view = audit_view(audit, root)
    g_fresh = freshness(graph, root) if graph is not None else None
    inputs = [out / "audit.json", out / "graph.json", *([map_path] if entries is not None else [])]
    prov = provenance.collect(root, command, [p for p in inputs if p.exists()])
    configs = config_rows(out)
    ctx = report_context(a_view, graph, g_fresh, rows, counts, (out / "graph.html").is_file(),
                         problems, prov, configs, crosscheck_view(out))
    index = atomic.write_text(out / "index.html", render_template("index.html.j2", **ctx))
    stale = [name for name, fr in (("audit.json", a_view.fresh), ("graph.json", g_fresh))
             if fr is not None and fr.stale]
    return ReportResult(index, problems, audit is not None, graph is not None, stale)
