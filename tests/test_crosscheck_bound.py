"""The measured ‖fast − exact‖∞ against the proven bound (Error/PipelineError.fast_flowar_error),
evaluated by Coq (``crosscheck --only bound``).

Pure tests: the measurements follow the Coq definitions (``wnorm``, ``rvar``), the
instrumented runs are the model's runs, the hypothesis structure is visited completely, the
outward rounding goes the stated way.  Coq tests (skipped without coqc and the built library;
always run in CI): the tiny check passes with both numbers, a wrong variance in the fast run
fails it, weights too large for the hypothesis ε_T(g, β) ≤ 1/2 fail the hypothesis check.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from coq_fixture_support import REPO  # noqa: E402
from test_crosscheck_eval import needs_built_library  # noqa: E402

from py_bridge import cli  # noqa: E402
from py_bridge.crosscheck import bound as bd  # noqa: E402
from py_bridge.crosscheck.evaltiny import tiny_eval_config  # noqa: E402
from py_bridge.errors import BridgeError  # noqa: E402
from py_bridge.model import AttentionSpec, flowar_forward  # noqa: E402
from py_bridge.model.weights import init_noise, init_weights, init_weights_bounded  # noqa: E402

CFG = tiny_eval_config()


def test_weight_norm_is_the_largest_column_l1_norm() -> None:
    w = init_weights_bounded(CFG, seed=3, wnorm=0.3)
    # Coq's wnorm d e W = max_k sum_j |W j k| (rows j, columns k); every matrix was scaled to 0.3
    assert bd.weight_norm(w) == pytest.approx(0.3, rel=1e-12)
    m = np.array([[1.0, -2.0], [3.0, 0.5]])               # column sums 4 and 2.5
    lw = w.layers[0]
    big = type(lw)(**{**lw.__dict__, "w1": np.zeros((CFG.d, CFG.dff)) + 0.0})
    big = type(lw)(**{**big.__dict__, "wo": np.pad(m, ((0, CFG.heads * CFG.dh - 2),
                                                        (0, CFG.d - 2)))})
    w2 = type(w)(**{**w.__dict__, "layers": (big, *w.layers[1:])})
    assert bd.weight_norm(w2) == 4.0
    gam = type(lw)(**{**lw.__dict__, "g2": np.full(CFG.d, -7.0)})   # |γ| counts too
    assert bd.weight_norm(type(w)(**{**w.__dict__, "layers": (gam, *w.layers[1:])})) == 7.0


def test_variance_is_coqs_rvar() -> None:
    x = np.random.default_rng(0).standard_normal((5, 4))
    st = bd.HypStats()
    st.var(x)
    assert st.min_var == pytest.approx(float(np.var(x, axis=1).min()), rel=1e-12)   # ddof 0: /c


def test_instrumented_runs_are_the_models_runs() -> None:
    for w in (init_weights_bounded(CFG, seed=0), init_weights(CFG, seed=0)):
        noise = init_noise(CFG, seed=1)
        m = bd.measure(CFG, w, noise, 2)
        exact = flowar_forward(CFG, w, noise).output
        fast = flowar_forward(CFG, w, noise, attention=AttentionSpec("fast", degree=2)).output
        assert np.array_equal(m.exact, exact)
        assert np.array_equal(m.fast, fast)
        assert m.error == float(np.abs(fast - exact).max())


def test_every_call_the_hypotheses_name_is_measured() -> None:
    m = bd.measure(CFG, init_weights_bounded(CFG), init_noise(CFG), 1)
    # per scale: tf_ok for the exact and the fast run (L layers each); flow_acts_ok_cond:
    # T steps x 4 stacks (exact/exact, exact net at fast state with exact and fast condition,
    # fast/fast) x Lf layers; act_ok has 3 variance floors and one attention call per layer
    calls = CFG.K * (2 * CFG.L + CFG.T * 4 * CFG.Lf)
    assert m.attn_calls == calls
    assert m.ln_inputs == 3 * calls


def test_bounded_weights_give_a_variance_floor_and_small_activations() -> None:
    m = bd.measure(CFG, init_weights_bounded(CFG), init_noise(CFG), 1)
    assert m.sigma > 1.0          # the bias pattern of amplitude 2 dominates every token
    assert m.qkv < 0.25           # |q| <= max|LN output| * wnorm(W_Q)
    assert m.wnorm == pytest.approx(0.25)


def test_outward_rounding() -> None:
    den = 2**bd.BITS
    for x in (0.0712850297, 2.0143772, 0.25, 1e-9, 3.0):
        up, down = Fraction(bd.dyadic_up(x), den), Fraction(bd.dyadic_down(x), den)
        assert up - Fraction(x) >= Fraction(1, den)
        assert Fraction(x) - down >= Fraction(1, den)


def test_parse_bound_output() -> None:
    out = ("     = (123456789012345%Z,\n        98765432%positive,\n        true)\n"
           "     : Z * positive * bool\n")
    assert bd.parse_bound_output(out) == (Fraction(123456789012345, 98765432), True)
    assert bd.parse_bound_output("= (-3%Z, 4%positive, false)") == (Fraction(-3, 4), False)
    with pytest.raises(BridgeError, match="no evaluated bound"):
        bd.parse_bound_output("Error: foo")


def test_render_names_the_config_actually_run() -> None:
    text = bd.render_bound(CFG, 3, Fraction(5, 64), Fraction(3, 2), Fraction(1, 4))
    assert "L := 2; Lf := 1; T := 2" in text                 # the cross-check's L = 2
    assert "lsn := 181; lsd := 256" in text
    assert "Definition B : Q := 5 # 64." in text
    assert "qflowar_bound cfg 3 B sigma Wb" in text


@pytest.mark.parametrize("argv", [
    ["--only", "bound", "--mutate", "mask"],          # an eval mutation, not a bound one
    ["--mutate", "variance"],                         # a bound mutation without --only bound
    ["--only", "bound", "--degree", "0"],
    ["--only", "bound", "--mutate", "nope"],
])
def test_bad_input_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code: int | str | None
    try:
        code = cli.main(["crosscheck", "--root", str(REPO), *argv])
    except SystemExit as exc:  # argparse reports usage errors this way
        code = exc.code
    assert code == 2
    err = [ln for ln in capsys.readouterr().err.splitlines()
           if not ln.startswith(("[flowar", "usage:", "   "))]
    assert len(err) == 1


# -- Coq --------------------------------------------------------------------------------------


@needs_built_library
def test_tiny_measured_error_is_below_the_proven_bound(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "bound",
                     "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "measured ‖fast − exact‖∞ = " in out
    assert "proven bound = " in out
    doc = json.loads((tmp_path / "crosscheck.json").read_text())["bound"]
    assert doc["ok"]
    assert doc["hypotheses_ok"]
    assert doc["eps_le_half"]
    num, den = (int(p) for p in doc["proven_bound_exact"].split("/"))
    assert 0 < Fraction(doc["measured_error"]) <= Fraction(num, den)
    assert doc["proven_bound"] < 1e-4                     # informative with these weights
    # the Coq constants are outward roundings of the measured ones
    assert Fraction(doc["rounded"]["B"]) > Fraction(doc["measured"]["B"])
    assert Fraction(doc["rounded"]["W"]) > Fraction(doc["measured"]["W"])
    assert 0 < Fraction(doc["rounded"]["sigma"]) < Fraction(doc["measured"]["sigma"])
    # the HTML report shows both numbers
    assert cli.main(["report", "--root", str(REPO), "--out", str(tmp_path)]) == 0
    html = (tmp_path / "index.html").read_text()
    assert 'id="crosscheck-bound"' in html
    assert f"{doc['measured_error']:.3e}" in html
    assert str(doc["proven_bound"]) in html


@needs_built_library
def test_wrong_variance_in_the_fast_run_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "bound",
                     "--mutate", "variance"]) == 1
    assert "FAIL crosscheck bound: measured error > proven bound" in capsys.readouterr().out


@needs_built_library
def test_large_weights_fail_the_hypothesis_check() -> None:
    # the score-bounded default weights have |q| up to 1.6: β = scale·d_h·B² ≈ 3.8 and
    # ε_T(1, β) > 1/2, which fast_flowar_error excludes (Coq evaluates qeps <= 1/2: false)
    rep = bd.bound_check(root=REPO, cfg=CFG, weights=init_weights(CFG, seed=0),
                         noise=init_noise(CFG, seed=1), g=1)
    assert not rep.hyps_ok
    assert not rep.ok
    assert any("hypothesis not satisfied" in ln for ln in rep.lines())
