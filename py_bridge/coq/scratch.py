"""Compile one generated .v file against the built library and return what it printed.

The cross-checks evaluate Coq definitions with ``Eval vm_compute`` in a scratch file
(EvalTiny.v, PipeBound.v, ReleasedEval.v); this is the one place that checks the library is
built, runs coqc with a timeout in a temporary directory and turns a failure into one line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from py_bridge.coq.project import coqc_base_args, load_coqproject, unbuilt_files
from py_bridge.coq.runner import run
from py_bridge.coq.toolchain import find_tool
from py_bridge.errors import BridgeError, one_line


def compile_scratch(
    root: Path, name: str, text: str, timeout: float, needs: Iterable[str] | None = None
) -> str:
    """coqc ``text`` as ``name`` (e.g. "EvalTiny.v") against the library at ``root``; its stdout.

    ``needs``: the .v files that must be built (default: every file but Witnesses/ and Main.v,
    which the scratch files do not import).  Raises BridgeError on an unbuilt library, a coqc
    failure or a timeout.
    """
    project = load_coqproject(root)
    stale = unbuilt_files(root, project)
    if needs is None:
        missing = [f for f in stale if "/Witnesses/" not in f and not f.endswith("Main.v")]
    else:
        missing = [f for f in needs if f in stale]
    if missing:
        raise BridgeError(f"{root / missing[0]}: not built (no .vo or an older one); "
                          "run `flowar-proofs build` first")
    coqc = find_tool("coqc")
    with tempfile.TemporaryDirectory(prefix="flowar-scratch-") as tmp:
        (Path(tmp) / name).write_text(text, encoding="utf-8")
        res = run([coqc, *coqc_base_args(root, project), name], cwd=tmp, timeout=timeout)
    if not res.ok:
        raise BridgeError(f"coqc {name}: {res.describe()}: "
                          f"{one_line(res.stderr or res.stdout) or 'no output'}")
    return res.stdout
