"""Trust-base audit: nothing admitted, no assumption outside `assumptions.allowlist`.

Three checks; the logic is pure (`py_bridge.audit.scan`, `py_bridge.audit.judge`,
`py_bridge.coq.assumptions`), this module runs the tools and assembles the `AuditReport`:

1. **source scan** of every .v in `_CoqProject` (`py_bridge.audit.scan`): no `Admitted`/`admit`/
   `Abort`, no `Axiom`/`Parameter`/`Conjecture`, no `Hypothesis`/`Variable` outside a Section,
   no kernel check turned off. No file is exempt, the trust file Float/Primitives.v included.
2. **coqchk** `-silent -o` over all modules: every axiom of the environment it reports
   (admitted lemmas included) must be on the allowlist, by full name; no unsafe fixpoints,
   assumed positivity or type-in-type.
3. **targets**: `Check` and `Print Assumptions` of each headline theorem in
   `audit_targets.txt`, in one generated .v file run by coqc with a timeout; each must exist
   and rest only on allowlisted axioms.

Exit codes (see `py_bridge.cli`): 0 clean, 1 a check failed, 2 bad usage or missing toolchain.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from py_bridge import atomic, coq, provenance
from py_bridge.audit.judge import (
    CoqchkCheck,
    TargetResult,
    TargetsCheck,
    generate_targets_file,
    judge_coqchk,
    judge_target,
    split_marked_output,
)
from py_bridge.audit.scan import SourceScan, scan_project
from py_bridge.coq.assumptions import parse_coqchk_summary
from py_bridge.coq.names import read_name_list

ALLOWLIST_FILE = "assumptions.allowlist"
TARGETS_FILE = "audit_targets.txt"
REPORT_PATH = Path("report") / "audit.json"
SCHEMA_VERSION = 2  # 2: provenance

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_coqchk(
    root: Path, project: coq.CoqProject, allowlist: Sequence[str], *, timeout: float,
    progress: Progress = _quiet,
) -> CoqchkCheck:
    """`coqchk -silent -o <load paths> <modules>` from `root`, judged against the allowlist."""
    args = [str(coq.find_tool("coqchk")), "-silent", "-o", *project.loadpath_flags(),
            *project.modules()]
    progress(f"coqchk: re-checking {len(project.modules())} module(s) (timeout {timeout:.0f} s)")
    result = coq.run(args, cwd=root, timeout=timeout)
    if result.timed_out or result.returncode != 0:
        error = f"{result.describe()}:\n{_tail(result.stderr or result.stdout)}"
        return CoqchkCheck(ran=True, ok=False, error=error, command=list(result.args),
                           duration_s=result.duration_s)
    try:
        # coqchk 8.16 prints its CONTEXT SUMMARY on stderr; accept it on either stream.
        summary = parse_coqchk_summary(result.stdout + "\n" + result.stderr)
    except ValueError as err:
        return CoqchkCheck(ran=True, ok=False, error=str(err), command=list(result.args),
                           duration_s=result.duration_s)
    check = judge_coqchk(summary, allowlist)
    check.command, check.duration_s = list(result.args), result.duration_s
    return check


_NOT_FOUND_RE = re.compile(r"The reference (\S+) was not found in the current environment")


def run_targets(
    root: Path, project: coq.CoqProject, targets: Sequence[str], allowlist: Sequence[str], *,
    timeout: float, progress: Progress = _quiet,
) -> TargetsCheck:
    """Check and Print Assumptions of every target in one coqc run (rerun without a target that
    coqc reports missing, so every other target still gets its verdict)."""
    check = TargetsCheck(ran=True)
    results = {t: TargetResult(name=t) for t in targets}
    pending: list[tuple[str, str]] = []
    modules = project.modules()
    for t in targets:
        mod = coq.longest_module_prefix(t, modules)
        if mod is None:
            results[t].error = ("does not exist: no module listed in _CoqProject is a prefix of "
                                "this name")
        else:
            results[t].module = mod
            pending.append((t, mod))
    coqc = coq.find_tool("coqc")
    while pending:
        progress(f"coqc: Print Assumptions of {len(pending)} headline theorem(s)")
        with tempfile.TemporaryDirectory(prefix="flowar-audit-") as tmp:
            vfile = Path(tmp) / "AuditTargets.v"
            atomic.write_text(vfile, generate_targets_file(pending))
            result = coq.run([str(coqc), *coq.coqc_base_args(root, project), str(vfile)],
                             cwd=tmp, timeout=timeout)
        check.duration_s += result.duration_s
        if result.ok:
            blocks = split_marked_output(result.stdout)
            for name, mod in pending:
                if name not in blocks:
                    results[name].error = "no output from coqc for this target"
                else:
                    results[name] = judge_target(name, mod, blocks[name], allowlist)
            break
        # Coq wraps long messages; collapse whitespace before matching.
        missing = _NOT_FOUND_RE.search(" ".join(result.stderr.split()))
        if missing and missing.group(1) in dict(pending):
            name = missing.group(1)
            results[name].error = f"does not exist: coqc says {missing.group(0)}"
            pending = [(n, m) for n, m in pending if n != name]
            continue
        check.error = f"{result.describe()}:\n{_tail(result.stderr or result.stdout)}"
        for name, _ in pending:
            results[name].error = "not checked: the coqc run failed (see error above)"
        break
    check.targets = [results[t] for t in targets]
    check.ok = check.error is None and all(r.ok for r in check.targets)
    return check



@dataclass
class AuditReport:
    root: str
    source_only: bool
    source: SourceScan
    allowlist: list[str] = field(default_factory=list)
    coqchk: CoqchkCheck = field(default_factory=CoqchkCheck)
    targets: TargetsCheck = field(default_factory=TargetsCheck)
    unbuilt: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        if not self.source.ok:
            return False
        if self.source_only:
            return True
        return self.coqchk.ok and self.targets.ok

    def to_json(self) -> dict[str, Any]:
        targets = []
        for t in self.targets.targets:
            entry = asdict(t)
            entry["ok"] = t.ok
            targets.append(entry)
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": "flowar-proofs audit",
            "root": self.root,
            "ok": self.ok,
            "source_only": self.source_only,
            "scope": "source scan only" if self.source_only else "full",
            "provenance": self.provenance,
            "allowlist": self.allowlist,
            "unbuilt_files": self.unbuilt,
            "checks": {
                "source_scan": {
                    "ok": self.source.ok,
                    "files_scanned": self.source.files_scanned,
                    "missing_files": self.source.missing_files,
                    "unlisted_files": self.source.unlisted_files,
                    "findings": [asdict(f) for f in self.source.findings],
                },
                "coqchk": asdict(self.coqchk),
                "targets": {
                    "ran": self.targets.ran,
                    "ok": self.targets.ok,
                    "error": self.targets.error,
                    "duration_s": self.targets.duration_s,
                    "targets": targets,
                },
            },
        }


def run_audit(
    root: Path,
    *,
    source_only: bool = False,
    allowlist_path: Path | None = None,
    targets_path: Path | None = None,
    coqc_timeout: float = coq.DEFAULT_COQC_TIMEOUT,
    coqchk_timeout: float = coq.DEFAULT_COQCHK_TIMEOUT,
    progress: Progress = _quiet,
    command: Sequence[str] = ("audit",),
) -> AuditReport:
    """Run the audit of the project at `root`. Raises `BridgeError` (exit 2) for a missing,
    unreadable or malformed `_CoqProject`/allowlist/targets file or a missing tool; a failed
    check is `report.ok == False`. `command` is recorded in the provenance."""
    root = root.resolve()
    project = coq.load_coqproject(root)
    allowlist_file = allowlist_path or root / ALLOWLIST_FILE
    targets_file = targets_path or root / TARGETS_FILE
    allowlist: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    if not source_only:  # bad inputs fail before any work
        allowlist = read_name_list(allowlist_file, what="allowlist")
        targets = read_name_list(targets_file, what="audit targets")
        coq.require_tools(["coqc", "coqchk"])
    progress(f"source scan: {len(project.vfiles)} file(s) listed in {coq.PROJECT_FILE}")
    report = AuditReport(root=str(root), source_only=source_only,
                         source=scan_project(root, project))
    inputs = [root / coq.PROJECT_FILE, *(root / v for v in project.vfiles)]
    if not source_only:
        inputs += [allowlist_file, targets_file]
    report.provenance = provenance.collect(root, command, inputs)
    if source_only:
        return report
    report.allowlist = list(allowlist)
    report.unbuilt = coq.unbuilt_files(root, project)
    if report.unbuilt:
        why = (f"{len(report.unbuilt)} module(s) not built or out of date "
               f"({', '.join(report.unbuilt[:5])}{', ...' if len(report.unbuilt) > 5 else ''}); "
               "run `make` (or `flowar-proofs build`) first")
        report.coqchk = CoqchkCheck(error=why)
        report.targets = TargetsCheck(error=why,
                                      targets=[TargetResult(name=t, error="not checked")
                                               for t in targets])
        return report
    report.coqchk = run_coqchk(root, project, allowlist, timeout=coqchk_timeout, progress=progress)
    report.targets = run_targets(root, project, targets, allowlist, timeout=coqc_timeout,
                                 progress=progress)
    return report


def write_report(report: AuditReport, path: Path) -> Path:
    return atomic.write_json(path, report.to_json())


def _status(ok: bool, ran: bool = True) -> str:
    return "not run" if not ran else ("ok" if ok else "FAILED")


def render_summary(report: AuditReport) -> str:
    """Human-readable summary of the audit."""
    out: list[str] = []
    src = report.source
    out.append(f"Source scan: {_status(src.ok)} ({len(src.files_scanned)} file(s) scanned)")
    for vfile in src.missing_files:
        out.append(f"  {vfile}: listed in {coq.PROJECT_FILE} but missing")
    for finding in src.findings:
        out.append(f"  {finding}")
    if src.unlisted_files:
        out.append(f"  note: {len(src.unlisted_files)} .v file(s) not in {coq.PROJECT_FILE} "
                   f"(not built, not audited): {', '.join(src.unlisted_files)}")
    if report.source_only:
        out.append("coqchk / Print Assumptions: skipped (--source-only)")
    else:
        chk = report.coqchk
        out.append(f"coqchk: {_status(chk.ok, chk.ran or chk.error is not None)}"
                   + (f" ({len(chk.axioms)} axiom(s) in the environment, all allowlisted)"
                      if chk.ok else ""))
        if chk.error:
            out.extend("  " + ln for ln in chk.error.splitlines())
        tg = report.targets
        out.append(f"Headline theorems: {_status(tg.ok, tg.ran or tg.error is not None)}")
        if tg.error:
            out.extend("  " + ln for ln in tg.error.splitlines())
        for t in tg.targets:
            if t.ok:
                how = ("closed under the global context" if t.closed
                       else f"assumes only allowlisted axioms ({len(t.assumptions)})")
                out.append(f"  ok      {t.name}: {how}")
            elif t.error:
                out.append(f"  FAILED  {t.name}: {t.error}")
            else:
                out.append(f"  FAILED  {t.name}: assumptions not on the allowlist: "
                           + ", ".join(t.unexpected))
    verdict = "PASSED" if report.ok else "FAILED"
    if report.source_only and report.ok:
        verdict = "PASSED (source scan only: coqchk and Print Assumptions not run)"
    out.append(f"Audit: {verdict}")
    return "\n".join(out)
