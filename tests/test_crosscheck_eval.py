"""Coq's evaluation of the float semantics (tiny config) = the numpy model, bit for bit.

The pure tests check the Python halves against independent references (IEEE sqrt,
high-precision decimal exp, exact rational arithmetic); the Coq tests compile the generated
EvalTiny.v against the built library (skipped on a developer machine without Coq or an
unbuilt library; always run in CI) and check equality and that each mutation of the numpy
model is caught.
"""

from __future__ import annotations

import math
import os
import random
import sys
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from coq_fixture_support import HAVE_COQ, REPO  # noqa: E402

from py_bridge import (
    cli,  # noqa: E402
    coq,  # noqa: E402
)
from py_bridge import crosscheck as cc  # noqa: E402
from py_bridge.crosscheck import evaltiny  # noqa: E402
from py_bridge.errors import BridgeError  # noqa: E402
from py_bridge.model.weights import init_noise, init_weights  # noqa: E402

# -- the Python halves, against independent references -------------------------------


def test_fsqrt_c_is_correctly_rounded_sqrt() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        x = rng.uniform(0.0, 10.0) * 10.0 ** rng.randint(-30, 30)
        assert cc.fsqrt_c(x) == math.sqrt(x)          # IEEE sqrt is correctly rounded
    assert cc.fsqrt_c(-4.0) == 0.0
    assert cc.fsqrt_c(0.0) == 0.0


def test_fexp_c_is_correctly_rounded_on_samples() -> None:
    getcontext().prec = 60
    rng = random.Random(11)
    for _ in range(1500):
        x = rng.uniform(-30.0, 30.0) * rng.choice([1.0, 1e-3, 1e-9])
        assert cc.fexp_c(x) == float(Decimal(x).exp()), x
    assert cc.fexp_c(0.0) == 1.0
    assert cc.fexp_c(2000.0) == math.inf
    assert cc.fexp_c(-2000.0) == 0.0


def test_flt_roundtrip_and_normal_mantissa() -> None:
    rng = np.random.default_rng(3)
    for x in rng.standard_normal(500).tolist() + [0.0, 1.0, -2.5, 1e-300, 1e300]:
        m, e = cc.to_flt(x)
        assert m == 0 or 2**52 <= abs(m) < 2**53
        assert Fraction(m) * Fraction(2) ** e == Fraction(x)
        assert cc.from_flt(m, e) == x


def test_ulp_distance() -> None:
    one = 1.0
    assert cc.ulp_distance(one, math.nextafter(one, 2.0)) == 1
    assert cc.ulp_distance(0.0, -0.0) == 0
    assert cc.ulp_distance(-math.ulp(0.0), math.ulp(0.0)) == 2


def test_exact_engine_rounds_each_product_then_the_sum_once() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((3, 7)), rng.standard_normal((7, 2))
    got = cc.ExactEngine().matmul(x, y)
    for i in range(3):
        for j in range(2):
            prods = [Fraction(float(x[i, k] * y[k, j])) for k in range(7)]
            assert got[i, j] == float(sum(prods, Fraction(0)))


def test_g_vector_follows_the_coq_layout() -> None:
    cfg = evaltiny.tiny_eval_config()
    w, noise = init_weights(cfg, seed=0), init_noise(cfg, seed=1)
    g = evaltiny.g_vector(w, noise)
    assert len(g) == evaltiny.glen(cfg)
    d = cfg.d
    assert g[:d] == w.cond.ravel().tolist()                          # off 0: the class token
    assert g[d:d + 2] == noise[0].ravel().tolist()                   # off_noise 0
    # the second head's W_Q of AR layer 0: o_q D 1 = 2d + 3 d dh after off_ar 0
    off_ar0 = d + sum(n.size for n in noise) + cfg.c * d + d
    o_q1 = off_ar0 + 2 * d + 3 * d * cfg.dh
    assert g[o_q1:o_q1 + d * cfg.dh] == w.layers[0].wq[1].ravel().tolist()
    assert g[-cfg.c:] == w.head.b_out.tolist()


def test_parse_coq_output() -> None:
    out = ("     = [(4684661765295328, -51); (-4538667523260558, (-51));\n"
           "  (0, 0)]\n : list (Z * Z)\n")
    assert evaltiny.parse_coq_output(out) == [(4684661765295328, -51),
                                              (-4538667523260558, -51), (0, 0)]
    with pytest.raises(BridgeError, match="no evaluated list"):
        evaltiny.parse_coq_output("Error")


def test_compare_reports_module_kind_expected_got() -> None:
    mism, worst = evaltiny.compare([1.0, 2.0], [1.0, math.nextafter(2.0, 3.0)], [1.0, 2.0])
    assert worst == 0
    assert len(mism) == 1
    assert mism[0].module == "flowar.output[1]"
    assert mism[0].kind == "exact"
    assert "2.0" in mism[0].expected
    assert "2.0000000000000004" in mism[0].got


def test_bad_mutation_name_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cc.main(["eval", "--mutate", "nope"]) == 2
    with pytest.raises(BridgeError, match="mutation: must be one of"):
        cc.eval_check(root=REPO, mutation="nope", coq_values=[])


def test_cli_unbuilt_library_is_usage_error(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "_CoqProject").write_text("-Q X X\nX/A.v\n")
    (tmp_path / "X").mkdir()
    (tmp_path / "X" / "A.v").write_text("Definition a := 0.\n")
    assert cli.main(["crosscheck", "--root", str(tmp_path)]) == 2
    errors = [ln for ln in capsys.readouterr().err.splitlines()
              if not ln.startswith("[flowar-proofs]")]          # progress lines aside
    assert len(errors) == 1
    assert errors[0].startswith("flowar-proofs crosscheck: ")
    assert "X/A.v: not built" in errors[0]


# -- Coq: the generated EvalTiny.v ---------------------------------------------------------


def _library_built() -> bool:
    try:
        project = coq.load_coqproject(REPO)
    except coq.UsageError:
        return False
    return not [f for f in coq.unbuilt_files(REPO, project) if "/Witnesses/" not in f]


needs_built_library = pytest.mark.skipif(
    not os.environ.get("CI") and not (HAVE_COQ and _library_built()),
    reason="needs coqc and the built library (make); always runs when CI is set",
)


@pytest.fixture(scope="module")
def coq_values() -> list[tuple[int, int]]:
    cfg = evaltiny.tiny_eval_config()
    w, noise = init_weights(cfg, seed=0), init_noise(cfg, seed=1)
    text = evaltiny.render_coq(cfg, evaltiny.g_vector(w, noise), 0)
    return evaltiny.run_coq(REPO, text, timeout=900.0)


@needs_built_library
def test_coq_equals_numpy_exact_bit_for_bit(coq_values: list[tuple[int, int]]) -> None:
    cfg = evaltiny.tiny_eval_config()
    assert len(coq_values) == cfg.tok(cfg.K - 1) * cfg.c
    report = cc.eval_check(root=REPO, coq_values=coq_values)
    assert report.ok, report.mismatches
    assert report.coq == report.exact
    assert report.default_max_ulp <= cc.DEFAULT_ULP_BOUND
    assert all(math.isfinite(v) and v != 0.0 for v in report.coq)


@needs_built_library
@pytest.mark.parametrize("mutation", cc.MUTATIONS)
def test_each_mutation_breaks_the_crosscheck(coq_values: list[tuple[int, int]],
                                             mutation: str) -> None:
    report = cc.eval_check(root=REPO, coq_values=coq_values, mutation=mutation)
    assert not report.ok
    assert any(m.kind == "exact" for m in report.mismatches)
    # the mutation is undone afterwards
    assert cc.eval_check(root=REPO, coq_values=coq_values).ok


@needs_built_library
def test_cli_prints_mismatches_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "eval",
                     "--mutate", "residual"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out
    assert all(line.startswith("MISMATCH module=flowar.output[") for line in out)
    assert all(" kind=" in line and " expected=" in line and " got=" in line for line in out)
