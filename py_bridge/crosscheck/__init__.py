"""Cross-checks between the Coq development and the numpy model.

``counts_check`` (module ``counts``): the numpy model's op counts per kind equal Coq's
closed forms (the runtime witnesses) for every config.
``released_check`` (module ``released``): the numpy released variant's op counts per kind
equal Coq's (Witnesses/ReleasedWork.v) module by module, and its tiny run is deterministic.
``eval_check`` (module ``evaltiny``): Coq's own evaluation (``vm_compute``) of the FlowAR
float semantics at p = 53 on a tiny config, with the computable exp/sqrt of
Float/Computable.v, equals the numpy model run with the same rounding
(:class:`~.exact.ExactEngine`) bit for bit, and the ordinary vectorized numpy run within
``DEFAULT_ULP_BOUND`` ulps.  ``main(argv)`` is the command line
(``python3 -m py_bridge.crosscheck eval [--seed N] [--mutate KIND] [--root DIR]``):
exit 0 all equal, 1 a mismatch (one line per entry: module, kind, expected, got),
2 bad usage or input (no built library, coqc missing or failing).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import coq
from ..errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, BridgeError
from ..model.weights import init_noise, init_weights_bounded
from .bound import BOUND_MUTATIONS, BoundReport, bound_check
from .counts import CountsReport, counts_check
from .counts import report_json as counts_report_json
from .counts import report_lines as counts_report_lines
from .evaltiny import (
    DEFAULT_ULP_BOUND,
    MUTATIONS,
    EvalReport,
    Mismatch,
    eval_check,
    g_vector,
    render_coq,
    tiny_eval_config,
)
from .exact import ExactEngine
from .floats import fexp_c, from_flt, fsqrt_c, to_flt, ulp_distance
from .released import MUTATIONS as RELEASED_MUTATIONS
from .released import ReleasedReport, released_check
from .released import report_json as released_report_json
from .released import report_lines as released_report_lines

EPILOG = """\
examples:
  python3 -m py_bridge.crosscheck eval                 Coq vm_compute vs numpy on the tiny config
  python3 -m py_bridge.crosscheck eval --seed 3        other seeded weights and noise
  python3 -m py_bridge.crosscheck eval --mutate mask   a broken numpy model must fail (exit 1)

exit codes: 0 equal, 1 a mismatch, 2 bad usage or input (library not built, coqc missing)
environment: FLOWAR_COQC_TIMEOUT (seconds, default 600)
"""


#: Seconds for the coqc run (its vm_compute takes about 12 s of CPU time).
DEFAULT_TIMEOUT = 600.0


#: Taylor degree of the bound check's fast run (the error is then well above float64 rounding).
DEFAULT_BOUND_DEGREE = 1


def tiny_bound_check(*, root: Path, seed: int = 0, degree: int = DEFAULT_BOUND_DEGREE,
                     mutation: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> BoundReport:
    """The bound check on the cross-check's tiny config (``tiny_eval_config``: L = 2) with the
    bound-friendly seeded weights (``init_weights_bounded``, W = 1/4) and seeded noise."""
    cfg = tiny_eval_config()
    return bound_check(root=root, cfg=cfg, weights=init_weights_bounded(cfg, seed=seed),
                       noise=init_noise(cfg, seed=seed + 1), g=degree, mutation=mutation,
                       timeout=timeout)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="crosscheck", epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 description="Cross-check the Coq float semantics against numpy.")
    sub = ap.add_subparsers(dest="check", required=True)
    ev = sub.add_parser("eval", epilog=EPILOG,
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        help="Coq's evaluation of the tiny config = the numpy model")
    ev.add_argument("--root", type=Path, default=None, help="project root (has _CoqProject)")
    ev.add_argument("--seed", type=int, default=0, help="seed of weights and noise (default 0)")
    ev.add_argument("--mutate", choices=MUTATIONS, default=None,
                    help="break the numpy model this way (the check must then fail)")
    return ap


def report_lines(report: EvalReport) -> list[str]:
    """The mismatch lines, or the one-line summary when everything agrees."""
    if report.ok:
        return [f"crosscheck eval: {len(report.coq)} outputs equal bit for bit "
                "(Coq vm_compute, p = 53, fns_c vs numpy exact rounding); default numpy "
                f"within {report.default_max_ulp} ulp (bound {DEFAULT_ULP_BOUND})"]
    return [f"MISMATCH module={m.module} kind={m.kind} expected={m.expected} got={m.got}"
            for m in report.mismatches]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    try:
        root = args.root.resolve() if args.root else coq.find_project_root(Path.cwd())
        timeout = coq.timeout_from_env("FLOWAR_COQC_TIMEOUT", DEFAULT_TIMEOUT)
        report = eval_check(root=root, seed=args.seed, mutation=args.mutate, timeout=timeout)
    except BridgeError as err:
        print(f"crosscheck: {err}", file=sys.stderr)
        return EXIT_USAGE
    for line in report_lines(report):
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILED


__all__ = ["BOUND_MUTATIONS", "DEFAULT_BOUND_DEGREE", "DEFAULT_TIMEOUT", "DEFAULT_ULP_BOUND",
           "MUTATIONS", "RELEASED_MUTATIONS", "BoundReport", "CountsReport", "EvalReport",
           "ExactEngine", "Mismatch", "ReleasedReport", "bound_check", "counts_check",
           "counts_report_json", "counts_report_lines", "eval_check", "fexp_c", "from_flt",
           "fsqrt_c", "g_vector", "main", "released_check", "released_report_json",
           "released_report_lines", "render_coq", "report_lines", "tiny_bound_check",
           "tiny_eval_config", "to_flt", "ulp_distance"]
