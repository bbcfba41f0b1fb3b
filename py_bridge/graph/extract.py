"""Run dpdgraph (and Print Assumptions) over all modules of a Coq project, and read .glob files.

Two coqc runs on generated files in a temporary directory:

1. ``Print FileDependGraph M1 ... Mn`` over *all* project modules at once: the project's nodes
   and edges (a partial module list would silently drop edges).
2. A synthetic definition that mentions every project node, then ``Print DependGraph`` on it
   (the closure, with library objects: library axioms become visible) and ``Print Assumptions``
   on it (the exact set of assumptions, which tells axioms and Admitted proofs from fields of
   opaque modules, which are body-less in .dpd too).

Run 2 is split into two coqc processes that run concurrently (each defines the synthetic
constant; one prints its DependGraph, the other its Assumptions): the two commands cost about
the same, and the machine has cores to spare while they run.

If run 2 fails (it is a convenience over run 1), the extraction falls back to run 1 alone and
says so in ``warnings``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
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
    parse_glob,
)
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
    """The .v text of run 2: a definition mentioning every node, its closure (to ``dpd_out``)
    and its assumptions (to ``assumptions_out``); a part whose output is None is left out."""
    lets = "".join(f"  let _ := @{q} in\n" for q in qualids)
    text = (
        "From dpdgraph Require dpdgraph.\n"
        f"Require {' '.join(modules)}.\n"
        f"Definition {SYNTHETIC} : unit :=\n{lets}  tt.\n"
    )
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


def read_decls(root: Path, proj: CoqProject) -> list[DeclInfo]:
    """Every object declaration of the project's .glob files, with file, line and keyword."""
    infos: list[DeclInfo] = []
    missing = [f for f in proj.vfiles if not (root / f).with_suffix(".glob").is_file()]
    if missing:
        raise BridgeError(
            f"no .glob file for {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}; "
            "build the project first (make)"
        )
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


def extract(root: Path, proj: CoqProject, coqc: str = "coqc", timeout: float = 300.0) -> Extraction:
    """Run both coqc passes and read the .glob files (see the module docstring).

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
    decls = read_decls(root, proj)
    flags = coqc_base_args(root, proj)
    warnings: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="flowar-graph-") as tmp_s,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        tmp = Path(tmp_s)
        files_dpd = tmp / "files.dpd"
        v1 = tmp / "FlowARGraphFiles.v"
        v1.write_text(file_graph_script(modules, files_dpd), encoding="utf-8")
        p1 = run_coqc(coqc, flags, v1, timeout, "dpdgraph (FileDependGraph)")
        if p1.returncode != 0 or not files_dpd.is_file():
            raise ExtractError(
                f"dpdgraph (FileDependGraph): {p1.describe()} (is libcoq-dpdgraph installed and "
                f"the project built?): {one_line(p1.stdout + p1.stderr)}"
            )
        project_dpd = parse_dpd(files_dpd.read_text(encoding="utf-8"), str(files_dpd))

        qualids = [n.qualid for n in project_dpd.nodes]
        closure = _start_closure(pool, coqc, flags, modules, qualids, tmp / "closure", timeout)
        full_dpd, assumptions, failure = _finish_closure(*closure)
        if full_dpd is None:
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


_Closure = tuple[Future[RunResult], Future[RunResult], Path, Path]


def _start_closure(
    pool: ThreadPoolExecutor,
    coqc: str,
    flags: Sequence[str],
    modules: Sequence[str],
    qualids: Sequence[str],
    tmp: Path,
    timeout: float,
) -> _Closure:
    """Start run 2 on ``qualids`` as two concurrent coqc processes (DependGraph, Assumptions)."""
    dpd_path = tmp / "full.dpd"
    pa_path = tmp / "assumptions"
    # Two directories: both files define the same constant, so their .vo/.glob must not clash.
    v2a = tmp / "dg" / "FlowARGraphClosure.v"
    v2b = tmp / "pa" / "FlowARGraphClosure.v"
    for vfile in (v2a, v2b):
        vfile.parent.mkdir(parents=True)
    v2a.write_text(closure_script(modules, qualids, dpd_path, None), encoding="utf-8")
    v2b.write_text(closure_script(modules, qualids, None, pa_path), encoding="utf-8")
    f2a = pool.submit(run_coqc, coqc, flags, v2a, timeout, "dpdgraph closure (DependGraph)")
    f2b = pool.submit(run_coqc, coqc, flags, v2b, timeout, "dpdgraph closure (Assumptions)")
    return f2a, f2b, dpd_path, pa_path


def _finish_closure(
    f2a: Future[RunResult], f2b: Future[RunResult], dpd_path: Path, pa_path: Path
) -> tuple[DpdGraph | None, set[str] | None, str]:
    """(closure graph, assumptions, "") or (None, None, what failed)."""
    p2a = f2a.result()
    full_dpd: DpdGraph | None = None
    if p2a.returncode == 0 and dpd_path.is_file():
        # parse while the Print Assumptions run finishes
        full_dpd = _drop_synthetic(parse_dpd(dpd_path.read_text(encoding="utf-8"), str(dpd_path)))
    p2b = f2b.result()
    pa_out = pa_path.with_name(pa_path.name + ".out")
    if full_dpd is not None and p2b.returncode == 0 and pa_out.is_file():
        try:
            return full_dpd, assumption_names(pa_out.read_text(encoding="utf-8")), ""
        except (ValueError, OSError) as err:
            return None, None, f"could not read the Print Assumptions output: {err}"
    failed = p2a if full_dpd is None else p2b
    return None, None, (failed.stdout + failed.stderr).strip()[-500:]
