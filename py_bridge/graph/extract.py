"""Run dpdgraph and Print Assumptions over all modules of a Coq project, and read .glob files.

Two coqc processes run side by side from the start, one per core:

1. ``Print FileDependGraph M1 ... Mn`` over *all* project modules at once: the project's nodes
   and edges (a partial module list would silently drop edges).  As soon as it is read, the
   caller may start work that needs only the project graph (the page), while
2. a synthetic definition that mentions every object of the .glob files, and ``Print
   Assumptions`` on it, still runs: the exact set of assumptions, which tells axioms and
   Admitted proofs from fields of opaque modules (body-less in .dpd too).

Both walk the same proof terms, so one process doing both passes costs less CPU (~9.8 s against
~5.3 + 7.1 s), but takes ~2.5 s longer on an otherwise idle core; with the coqdoc pages coming
from the build (see ``py_bridge.coq.coqdoc``), the second core has the time.  The closure's
``Print DependGraph`` on the synthetic definition (every node with the library objects, so that
the nodes resting on a library axiom are found) is the dearest pass; given the allowlist it runs
(in a third process) only when Print Assumptions reports an assumption outside it — otherwise
no node can rest on a bad one.

Pass 2 names the .glob objects rather than pass 1's nodes, so it need not wait for pass 1's
output; if it fails on them, it is retried in a new process on pass 1's names.  If it fails
anyway (it is a convenience over pass 1), the extraction falls back to pass 1 alone and says so
in ``warnings``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from py_bridge import files
from py_bridge.coq import CoqProject, RunResult, coqc_base_args, run, unbuilt_files
from py_bridge.coq.assumptions import assumption_names
from py_bridge.coq.dpd import DpdGraph, parse_dpd
from py_bridge.coq.glob import (
    keyword_before,
    line_of_offset,
    line_starts,
    object_decls,
    object_names,
    parse_glob,
)
from py_bridge.coq.names import is_allowed
from py_bridge.errors import BridgeError, one_line
from py_bridge.graph.classify import DeclInfo

SYNTHETIC = "flowar_graph_all__"


class ExtractError(BridgeError):
    """Extraction cannot go on (coqc or dpdgraph failed, timeout): exit 2, nothing checked."""


def file_graph_script(modules: Sequence[str], dpd_out: Path) -> str:
    """The .v text of run 1."""
    mods = " ".join(modules)
    return (
        "From dpdgraph Require dpdgraph.\n"
        f"Require {mods}.\n"
        f'Set DependGraph File "{dpd_out}".\n'
        f"Print FileDependGraph {mods}.\n"
    )


def closure_script(
    modules: Sequence[str],
    qualids: Sequence[str],
    dpd_out: Path | None,
    assumptions_out: Path | None,
) -> str:
    """The .v text of a run of pass 2 alone: a definition mentioning every node, its closure (to
    ``dpd_out``) and its assumptions (to ``assumptions_out``); a part whose output is None is
    left out."""
    return (
        "From dpdgraph Require dpdgraph.\n"
        f"Require {' '.join(modules)}.\n" + _synthetic_part(qualids, dpd_out, assumptions_out)
    )


def _synthetic_part(
    qualids: Sequence[str], dpd_out: Path | None, assumptions_out: Path | None
) -> str:
    lets = "".join(f"  let _ := @{q} in\n" for q in qualids)
    text = f"Definition {SYNTHETIC} : unit :=\n{lets}  tt.\n"
    if dpd_out is not None:
        text += f'Set DependGraph File "{dpd_out}".\nPrint DependGraph {SYNTHETIC}.\n'
    if assumptions_out is not None:
        text += (
            "Set Printing Width 1000.\n"
            f'Redirect "{assumptions_out}" Print Assumptions {SYNTHETIC}.\n'
        )
    return text


def run_coqc(coqc: str, flags: Sequence[str], vfile: Path, timeout: float, what: str) -> RunResult:
    """Compile a generated file; raise ExtractError on timeout."""
    result = run([coqc, *flags, str(vfile)], cwd=vfile.parent, timeout=timeout)
    if result.timed_out:
        raise ExtractError(f"{what}: {result.describe()}")
    return result


@dataclass
class Extraction:
    project_dpd: DpdGraph
    full_dpd: DpdGraph | None
    assumptions: set[str] | None
    decls: list[DeclInfo]
    modules: list[str]
    warnings: list[str] = field(default_factory=list)


def missing_glob(root: Path, proj: CoqProject) -> None:
    """Raise BridgeError naming the .v files that have no .glob file."""
    missing = [f for f in proj.vfiles if not (root / f).with_suffix(".glob").is_file()]
    if missing:
        raise BridgeError(
            f"no .glob file for {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}; "
            "build the project first (make)"
        )


def glob_object_names(root: Path, proj: CoqProject) -> list[str]:
    """The full names of every object declared in the project's .glob files, sorted (the names
    of ``read_decls``, without reading the sources)."""
    names: set[str] = set()
    for vfile in proj.vfiles:
        glob_path = (root / vfile).with_suffix(".glob")
        try:
            names.update(object_names(glob_path.read_text(encoding="utf-8", errors="replace")))
        except OSError as err:
            raise BridgeError(f"{glob_path}: {files.os_reason(err)}") from None
    return sorted(names)


def read_decls(root: Path, proj: CoqProject) -> list[DeclInfo]:
    """Every object declaration of the project's .glob files, with file, line and keyword."""
    missing_glob(root, proj)
    infos: list[DeclInfo] = []
    for vfile in proj.vfiles:
        try:
            src = (root / vfile).read_bytes()
        except OSError as err:
            raise BridgeError(f"{root / vfile}: {files.os_reason(err)}") from None
        starts = line_starts(src)
        glob_path = (root / vfile).with_suffix(".glob")
        try:
            glob_text = glob_path.read_text(encoding="utf-8", errors="replace")
        except OSError as err:
            raise BridgeError(f"{glob_path}: {files.os_reason(err)}") from None
        glob = parse_glob(glob_text, str(glob_path))
        for decl in object_decls(glob):
            infos.append(
                DeclInfo(
                    decl=decl,
                    file=vfile,
                    line=line_of_offset(starts, decl.byte_start),
                    keyword=keyword_before(src, decl.byte_start),
                )
            )
    return infos


def extract(
    root: Path,
    proj: CoqProject,
    coqc: str = "coqc",
    timeout: float = 300.0,
    allowlist: Sequence[str] | None = None,
    on_project: Callable[[DpdGraph, list[DeclInfo], list[str]], None] | None = None,
) -> Extraction:
    """Run the coqc passes and read the .glob files (see the module docstring).

    With an ``allowlist``, the closure's DependGraph (the dearest pass) runs only when Print
    Assumptions reports an assumption outside it: when every assumption is allowlisted, no node
    can rest on a bad one and the project graph decides everything else.  Without one, both
    parts of run 2 always run.

    ``on_project(project graph, declarations, modules)`` is called as soon as run 1's graph is
    read, while Print Assumptions (the longer run) still goes on: the caller may start work
    that needs only the project graph.  It should return quickly (start a thread).

    Raises BridgeError if the project is not built, ExtractError if coqc/dpdgraph fails.
    """
    if not proj.vfiles:
        raise BridgeError(f"{root / '_CoqProject'}: lists no .v files")
    modules = list(proj.modules())
    stale = unbuilt_files(root, proj)
    if stale:
        raise BridgeError(
            f"not built (or older than the sources): {', '.join(stale[:5])}"
            f"{' ...' if len(stale) > 5 else ''}; build first (make, or flowar-proofs build)"
        )
    missing_glob(root, proj)
    flags = coqc_base_args(root, proj)
    warnings: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="flowar-graph-") as tmp_s,
        ThreadPoolExecutor(max_workers=3) as pool,
    ):
        tmp = Path(tmp_s)
        files_dpd = tmp / "files.dpd"
        v1 = tmp / "FlowARGraph.v"
        v1.write_text(file_graph_script(modules, files_dpd), encoding="utf-8")
        f1 = pool.submit(run_coqc, coqc, flags, v1, timeout, "dpdgraph (FileDependGraph)")
        # Run 2 names every object of the .glob files, so it need not wait for run 1.
        # (Generated schemes and implicit record constructors are not in the .glob files; they
        # are project nodes through run 1, whose edges are authoritative.)
        glob_names = glob_object_names(root, proj)
        run2 = _Run2(pool, coqc, flags, modules, timeout)
        pa = run2.start_assumptions(glob_names, tmp / "pa")
        dg = run2.start_closure(glob_names, tmp / "dg") if allowlist is None else None
        decls = read_decls(root, proj)  # while both coqc runs go on
        p1 = f1.result()  # raises ExtractError on a timeout
        if not (p1.ok and files_dpd.is_file()):
            raise ExtractError(
                f"dpdgraph (FileDependGraph): {p1.describe()} (is libcoq-dpdgraph installed and "
                f"the project built?): {one_line(p1.stdout + p1.stderr)}"
            )
        project_dpd = parse_dpd(files_dpd.read_text(encoding="utf-8"), str(files_dpd))
        if on_project is not None:
            on_project(project_dpd, decls, modules)
        assumptions, failure = run2.assumptions(pa)
        if assumptions is None:
            # a .glob name coqc cannot reference: retry on the names pass 1 printed
            glob_names = [n.qualid for n in project_dpd.nodes]
            assumptions, failure = run2.assumptions(
                run2.start_assumptions(glob_names, tmp / "pa2")
            )
            dg = None
        full_dpd: DpdGraph | None = None
        needed = allowlist is None or (
            assumptions is not None
            and any(not is_allowed(a, allowlist, exact=False) for a in assumptions)
        )
        if assumptions is not None and needed:
            if dg is None:
                dg = run2.start_closure(glob_names, tmp / "dg2")
            full_dpd, failure = run2.closure(dg)
            if full_dpd is None:
                assumptions = None
        if assumptions is None:
            warnings.append(
                "closure run failed, so library axioms are not seen and body-less nodes count as "
                f"assumptions: {failure}"
            )
    return Extraction(project_dpd, full_dpd, assumptions, decls, modules, warnings)


def _drop_synthetic(g: DpdGraph) -> DpdGraph:
    drop = {n.ident for n in g.nodes if n.name == SYNTHETIC and not n.path}
    return DpdGraph(
        tuple(n for n in g.nodes if n.ident not in drop),
        tuple(e for e in g.edges if e.src not in drop and e.dst not in drop),
    )


@dataclass
class _Job:
    future: Future[RunResult]
    out: Path  # the file the coqc run writes


@dataclass
class _Run2:
    """Run 2's two halves, each its own coqc process defining the synthetic constant (in its own
    directory, so their .vo/.glob do not clash): its DependGraph and its Print Assumptions."""

    pool: ThreadPoolExecutor
    coqc: str
    flags: Sequence[str]
    modules: Sequence[str]
    timeout: float

    def _start(self, vfile: Path, text: str, what: str, out: Path) -> _Job:
        vfile.parent.mkdir(parents=True)
        vfile.write_text(text, encoding="utf-8")
        return _Job(
            self.pool.submit(run_coqc, self.coqc, self.flags, vfile, self.timeout, what), out
        )

    def start_closure(self, qualids: Sequence[str], tmp: Path) -> _Job:
        out = tmp / "full.dpd"
        text = closure_script(self.modules, qualids, out, None)
        return self._start(tmp / "FlowARGraphClosure.v", text, "dpdgraph closure", out)

    def start_assumptions(self, qualids: Sequence[str], tmp: Path) -> _Job:
        out = tmp / "assumptions"
        text = closure_script(self.modules, qualids, None, out)
        return self._start(tmp / "FlowARGraphClosure.v", text, "Print Assumptions", out)

    @staticmethod
    def closure(job: _Job) -> tuple[DpdGraph | None, str]:
        """(closure graph, "") or (None, what failed)."""
        result = job.future.result()
        if result.returncode == 0 and job.out.is_file():
            text = job.out.read_text(encoding="utf-8")
            return _drop_synthetic(parse_dpd(text, str(job.out))), ""
        return None, (result.stdout + result.stderr).strip()[-500:]

    @staticmethod
    def assumptions(job: _Job) -> tuple[set[str] | None, str]:
        """(assumption names, "") or (None, what failed)."""
        result = job.future.result()
        out = job.out.with_name(job.out.name + ".out")  # Redirect appends .out
        if result.returncode == 0 and out.is_file():
            try:
                return assumption_names(out.read_text(encoding="utf-8")), ""
            except (ValueError, OSError) as err:
                return None, f"could not read the Print Assumptions output: {err}"
        return None, (result.stdout + result.stderr).strip()[-500:]
