"""`flowar-proofs obligations` with an `[error]` table: the proven error bound as a value.

* A config with `[error]` gets `val_error_bound` checked by Coq, and the number Coq prints
  (a dyadic m·2^e) is an upper bound of, and within 10⁻¹² of, an INDEPENDENT exact evaluation
  of `PipelineError.flowar_err_bound`'s rational upper bound written here from the Coq
  definitions (LayerError.c_LN … c_delta, FlowHeadError.fh_Lv / fh_dv, PipelineError.sc_amp …
  pipe_bound, PipelineBound.qbeta / qeps with e^{2β} ≤ 3^⌈2β⌉, upn 2 read from
  RealPipeline.upn_2) — not by calling the code under test.
* A larger Taylor degree gives a smaller bound; the derived q/k/v bound is W(W·⌈√d⌉ + b_LN).
* Each bad `[error]` field exits 2 with one line naming `error.<field>`, writing nothing.
* Without `[error]` the fact says "not evaluated: config has no [error] table".
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from test_obligations import GOOD, needs_library

from py_bridge import cli

REPO = Path(__file__).resolve().parents[1]


def _upn2() -> Fraction:
    """upn 2, as RealPipeline.v proves it (`Lemma upn_2 : upn 2 = n / d.`)."""
    text = (REPO / "FlowARProofs" / "Error" / "RealPipeline.v").read_text("utf-8")
    m = re.search(r"Lemma upn_2 : upn 2 = (\d+) / (\d+)\.", text)
    assert m, "RealPipeline.upn_2 not found"
    return Fraction(int(m.group(1)), int(m.group(2)))


def reference_bound(*, d: int, dh: int, scale: Fraction, L: int, Lf: int, T: int, K: int,
                    g: int, B: Fraction, sigma: Fraction, W: Fraction) -> Fraction:
    """The rational upper bound of flowar_err_bound (factor a = 2), from the Coq definitions."""
    beta = scale * dh * B * B  # PipelineBound.qbeta
    k = max(1, math.ceil(2 * beta))  # e^{2β} ≤ 3^k, k = ⌈2β⌉ (at least 1)
    E = Fraction(3) ** k
    eps = beta ** (g + 1) / math.factorial(g + 1) * E  # Taylor.eps_T_le_pow3
    c_ln = W * (2 + 2 * d) / sigma
    c_head = W * (1 + 4 * beta * E)
    c_att = 1 + W * c_head * c_ln
    c_ffn = 1 + W * W * c_ln
    c_layer = c_ffn * c_att
    c_delta = c_ffn * (W * (4 * eps * B))
    fh_lv = W * c_layer ** Lf * W
    fh_dv = W * (c_layer ** Lf * (Lf * c_delta))
    amp = (1 + fh_lv / T) ** T
    gain = amp * (W * c_layer ** Lf) * c_layer ** L
    err = amp * (fh_dv + W * c_layer ** Lf * (c_layer ** L * (L * c_delta)))
    return (1 + W * _upn2() * gain) ** (K - 1) * err


#: configs/tiny.toml's dimensions (GOOD in test_obligations is the same shape).
TINY = {"d": 4, "dh": 2, "scale": Fraction(1, 2), "L": 1, "Lf": 1, "T": 2, "K": 2}


def _config(tmp_path: Path, error: str, name: str = "good") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(GOOD.replace('name = "good"', f'name = "{name}"') + "\n[error]\n" + error,
                    encoding="utf-8")
    return path


def _run(path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    code = cli.main(["obligations", str(path), "--out", str(out), "--root", str(REPO)])
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    data = json.loads((out / "obligations" / f"{path.stem}.json").read_text())
    return {f["id"]: f for f in data["facts"]}


def _dyadic(values: dict[str, int]) -> Fraction:
    return (Fraction(values["error_bound_mantissa"])
            * Fraction(2) ** values["error_bound_exponent"])


@needs_library
def test_error_bound_matches_an_independent_evaluation_and_decreases_in_g(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bounds = {}
    for g in (3, 4):
        path = _config(tmp_path, f'taylor_degree = {g}\nweight_bound = "1/4"\nstd_floor = 1\n'
                                 f'qkv_bound = "0.5"\n', name=f"err_g{g}")
        facts = _run(path, tmp_path / f"out{g}", capsys)
        fact = facts["val_error_bound"]
        assert fact["status"] == "checked", fact
        assert facts["hyp_error_eps_half"]["status"] == "checked"
        coq = _dyadic(fact["values"])
        ref = reference_bound(**TINY, g=g, B=Fraction(1, 2), sigma=Fraction(1),
                              W=Fraction(1, 4))
        assert ref <= coq <= ref * (1 + Fraction(1, 10**12)), (g, float(coq), float(ref))
        v = fact["values"]
        assert Fraction(v["error_beta_num"], v["error_beta_den"]) == Fraction(1, 4)
        for assumed in ("assumed_error_weight_bound", "assumed_error_variance_floor",
                        "assumed_error_qkv_bound"):
            assert facts[assumed]["status"] == "assumed"
        assert "W = 1/4" in facts["assumed_error_weight_bound"]["reason"]
        assert facts["val_error_qkv_derived"]["status"] == "not applicable"
        # B stated: the floors-only form (B derived) does not apply
        assert facts["val_error_bound_floors"]["status"] == "not applicable"
        # the shown decimal is rounded up: still an upper bound of the exact value
        shown = re.search(r"≤ (\d)\.(\d\d)·10\^(-?\d+)", fact["value"])
        assert shown, fact["value"]
        assert Fraction(int(shown[1] + shown[2]), 100) * Fraction(10) ** int(shown[3]) >= coq
        bounds[g] = coq
    assert bounds[4] < bounds[3]
    # PipelineBound.tiny_pipe_bound_value: below 10⁻³ at g = 3 (and the exact value ≈ 6.28·10⁻⁴)
    assert bounds[3] < Fraction(1, 1000)


@needs_library
def test_derived_qkv_bound_is_w_times_w_r_plus_shift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, 'taylor_degree = 2\nweight_bound = [1, 4]\nstd_floor = "2"\n'
                             'ln_shift_bound = "0.5"\n', name="err_derived")
    facts = _run(path, tmp_path / "out", capsys)
    W, shift, r = Fraction(1, 4), Fraction(1, 2), math.isqrt(4 - 1) + 1  # ⌈√4⌉ = 2
    B = W * (W * r + shift)
    fact = facts["val_error_bound"]
    assert fact["status"] == "checked", fact
    assert Fraction(fact["values"]["error_B_num"], fact["values"]["error_B_den"]) == B
    assert facts["val_error_qkv_derived"]["status"] == "checked"
    assert facts["val_error_qkv_derived"]["values"]["error_r"] == r
    # B derived: Coq proves the bound from the variance floors and weight/shift bounds alone
    # (Main.fast_flowar_error_of_floors), |q|,|k|,|v| ≤ B is no longer a hypothesis
    assert facts["val_error_bound_floors"]["status"] == "checked", facts["val_error_bound_floors"]
    assert facts["assumed_error_ln_shift"]["status"] == "assumed"
    assert facts["assumed_error_qkv_bound"]["status"] == "not applicable"
    ref = reference_bound(**TINY, g=2, B=B, sigma=Fraction(2), W=W)
    assert ref <= _dyadic(fact["values"]) <= ref * (1 + Fraction(1, 10**12))


@needs_library
def test_too_small_degree_fails_the_eps_hypothesis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # B = 4: β = ½·2·16 = 16, ε_T(1, 16) ≫ ½
    path = _config(tmp_path, 'taylor_degree = 1\nweight_bound = 1\nstd_floor = 1\n'
                             'qkv_bound = 4\n', name="err_small_g")
    code = cli.main(["obligations", str(path), "--out", str(tmp_path / "o"), "--root",
                     str(REPO)])
    out = capsys.readouterr().out
    assert code == 1
    assert re.search(r"hyp_error_eps_half\s+✗ failed \(g = 1", out), out
    assert re.search(r"val_error_bound\s+✗ failed \(not instantiated", out), out


def test_no_error_table_is_not_evaluated(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from py_bridge.obligations import plan
    from py_bridge.obligations.config import load_config

    path = tmp_path / "plain.toml"
    path.write_text(GOOD, encoding="utf-8")
    _, decided = plan(load_config(path), set())
    assert decided["val_error_bound"].status == "not applicable"
    assert decided["val_error_bound"].reason == "not evaluated: config has no [error] table"


BASE = 'taylor_degree = 3\nweight_bound = "1/4"\nstd_floor = 1\nqkv_bound = "1/2"\n'

BAD_ERROR: list[tuple[str, str, str]] = [
    ("negative-W", BASE.replace('weight_bound = "1/4"', 'weight_bound = "-1/4"'),
     "error.weight_bound"),
    ("negative-W-int", BASE.replace('weight_bound = "1/4"', "weight_bound = -1"),
     "error.weight_bound"),
    ("zero-sigma", BASE.replace("std_floor = 1", "std_floor = 0"), "error.std_floor"),
    ("zero-sigma-string", BASE.replace("std_floor = 1", 'std_floor = "0/7"'),
     "error.std_floor"),
    ("float-g", BASE.replace("taylor_degree = 3", "taylor_degree = 2.5"),
     "error.taylor_degree"),
    ("string-g", BASE.replace("taylor_degree = 3", 'taylor_degree = "3"'),
     "error.taylor_degree"),
    ("negative-g", BASE.replace("taylor_degree = 3", "taylor_degree = -1"),
     "error.taylor_degree"),
    ("unknown-key", BASE + "epsilon = 1\n", "error.epsilon"),
    ("float-W", BASE.replace('weight_bound = "1/4"', "weight_bound = 0.25"),
     "error.weight_bound"),
    ("not-a-rational", BASE.replace('qkv_bound = "1/2"', 'qkv_bound = "1/2)). Axiom f"'),
     "error.qkv_bound"),
    ("zero-denominator", BASE.replace('qkv_bound = "1/2"', 'qkv_bound = "1/0"'),
     "error.qkv_bound"),
    ("both-B", BASE + "ln_shift_bound = 0\n", "error.qkv_bound"),
    ("no-B", BASE.replace('qkv_bound = "1/2"\n', ""), "error.qkv_bound"),
    ("missing-sigma", BASE.replace("std_floor = 1\n", ""), "error.std_floor"),
    ("huge-W", BASE.replace('weight_bound = "1/4"', "weight_bound = 10000000"),
     "error.weight_bound"),
    ("bool-sigma", BASE.replace("std_floor = 1", "std_floor = true"), "error.std_floor"),
]


@pytest.mark.parametrize(("case", "error", "field"), BAD_ERROR, ids=[c[0] for c in BAD_ERROR])
def test_bad_error_field_exits_2_naming_it(case: str, error: str, field: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, error)
    out = tmp_path / "out"
    code = cli.main(["obligations", str(path), "--out", str(out), "--root", str(REPO)])
    captured = capsys.readouterr()
    assert code == 2, (case, captured.err)
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert f"{path}: {field}:" in lines[0], (field, lines[0])
    assert captured.out == ""
    assert not out.exists()


def test_error_example_configs_validate_with_the_derived_b() -> None:
    """configs/error/*.toml (FlowAR-S/L/H with the assumptions of docs/error.md) and
    configs/tiny.toml carry an [error] table; the others in configs/ do not (kept fast)."""
    from py_bridge.obligations.config import load_config

    examples = sorted((REPO / "configs" / "error").glob("*.toml"))
    assert len(examples) == 3
    for path in examples:
        cfg = load_config(path)
        assert cfg.error is not None, path
        assert cfg.error.ln_shift_bound == 0
        assert cfg.error.qkv_bound is None
        assert cfg.error.weight_bound == 1
        assert cfg.error.std_floor == 1
        assert cfg.error.taylor_degree >= 28000
    shipped = {p.name: load_config(p).error for p in (REPO / "configs").glob("*.toml")}
    assert shipped["tiny.toml"] is not None
    assert [n for n, e in shipped.items() if e is not None] == ["tiny.toml"]
