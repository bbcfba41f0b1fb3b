"""The numpy released FlowAR variant: values against independent references, op counts against
hand-derived formulas and against Coq (Witnesses/ReleasedWork.v, compiled by coqc), mutations,
determinism of the tiny run, and the CLI's released section.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from coq_fixture_support import HAVE_COQ, REPO  # noqa: E402

from py_bridge import cli, coq  # noqa: E402
from py_bridge.crosscheck import released as rel  # noqa: E402
from py_bridge.model.ops import Engine, OpCounter  # noqa: E402
from py_bridge.model.released import ar, pipeline, rblock, stack  # noqa: E402
from py_bridge.model.released import modules as rm  # noqa: E402

# -- values, against independent references ---------------------------------------------


def test_erf_as_is_within_the_abramowitz_stegun_bound() -> None:
    x = np.linspace(-6.0, 6.0, 4001)
    got = rm.erf_as(Engine(), x)
    ref = np.array([math.erf(v) for v in x])
    assert float(np.max(np.abs(got - ref))) <= 1.5e-7 + 1e-12   # A–S 7.1.26's bound
    assert np.array_equal(rm.erf_as(Engine(), -x), -got)         # odd, exactly
    assert rm.erf_as(Engine(), np.array([0.0]))[0] == 0.0


def test_gelu_as_and_exact_erf_agree_and_match_the_definition() -> None:
    x = np.linspace(-5.0, 5.0, 1001)
    exact = rm.gelu(Engine(), x, erf="exact")
    ref = np.array([v * 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x])
    assert np.allclose(exact, ref, rtol=0, atol=1e-15)
    assert float(np.max(np.abs(rm.gelu(Engine(), x) - exact))) <= 5 * 1.5e-7


def test_silu_is_x_times_sigmoid() -> None:
    x = np.linspace(-20.0, 20.0, 401)
    assert np.allclose(rm.silu(Engine(), x), x / (1.0 + np.exp(-x)), rtol=1e-15, atol=0)


def test_rmsnorm_rows_have_unit_rms_up_to_eps() -> None:
    x = np.random.default_rng(1).standard_normal((7, 16)) * 3.0
    y = rm.rmsnorm(Engine(), x)
    ms = np.mean(x * x, axis=1)
    assert np.allclose(np.sqrt(np.mean(y * y, axis=1)), np.sqrt(ms / (ms + 1e-6)), rtol=1e-13)
    w = np.arange(1.0, 17.0)
    assert np.allclose(rm.rmsnorm_w(Engine(), x, w), y * w, rtol=1e-15)


def test_rope_is_a_rotation_of_each_adjacent_pair() -> None:
    rng = np.random.default_rng(2)
    q = rng.standard_normal((5, 8))
    ang = rng.uniform(-3, 3, (5, 4))
    cos, sin = np.repeat(np.cos(ang), 2, axis=1), np.repeat(np.sin(ang), 2, axis=1)
    out = rm.rope(Engine(), q, cos, sin)
    a, b = q[:, 0::2], q[:, 1::2]
    assert np.allclose(out[:, 0::2], a * np.cos(ang) - b * np.sin(ang), atol=1e-14)
    assert np.allclose(out[:, 1::2], b * np.cos(ang) + a * np.sin(ang), atol=1e-14)


def test_rope_tables_follow_the_released_frequencies() -> None:
    cos, sin = rm.rope_tables(side=4, dh=8)
    # token (y, x) = (2, 3): columns 0..3 rotate by y, 4..7 by x; per axis 2 frequencies,
    # 10000^(0/4) and 10000^(-2/4), each for a column pair; positions t = y/4 * 16.
    i = 2 * 4 + 3
    freqs = np.array([1.0, 1.0, 0.01, 0.01])
    ang = np.concatenate([freqs * (2 / 4 * 16), freqs * (3 / 4 * 16)])
    assert np.allclose(cos[i], np.cos(ang), atol=1e-15)
    assert np.allclose(sin[i], np.sin(ang), atol=1e-15)


def _dense_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float,
                     blocks: list[int]) -> np.ndarray:
    n = q.shape[0]
    lim = np.concatenate([np.full(b, sum(blocks[:i + 1])) for i, b in enumerate(blocks)])
    s = scale * (q @ k.T)
    s = np.where(np.arange(n)[None, :] < lim[:, None], s, -np.inf)
    p = np.exp(s - s.max(axis=1, keepdims=True))
    return np.asarray((p / p.sum(axis=1, keepdims=True)) @ v)


def test_rattention_is_masked_softmax_attention_on_biased_rotated_projections() -> None:
    rng = np.random.default_rng(3)
    n, d, dh = 5, 6, 4
    x = rng.standard_normal((n, d))
    wq, wk, wv = (rng.standard_normal((1, d, dh)) for _ in range(3))
    bq, bk, bv = (rng.standard_normal((1, dh)) for _ in range(3))
    cos, sin = rm.rope_tables(side=1, dh=dh)
    cos, sin = np.repeat(cos, n, axis=0), np.repeat(sin, n, axis=0)   # position 0: identity
    got = rm.rattention(Engine(), x, x, wq, bq, wk, bk, wv, bv, cos, sin, 0.5, [1, 4])[0]
    ref = _dense_attention(x @ wq[0] + bq[0], x @ wk[0] + bk[0], x @ wv[0] + bv[0], 0.5, [1, 4])
    assert np.allclose(got, ref, rtol=1e-12, atol=1e-13)


def test_block_with_zero_gates_is_the_identity_and_otherwise_not() -> None:
    dims = rblock.RDims(d=8, heads=2, dh=4, dff=6)
    rng = np.random.default_rng(4)
    w = rblock.init_block(rng, dims)
    x, cond = rng.standard_normal((5, 8)), rng.standard_normal((1, 8))
    cos, sin = rm.rope_tables(side=1, dh=4)
    cos, sin = np.repeat(cos, 5, axis=0), np.repeat(sin, 5, axis=0)
    # the gates γ₁, γ₂ are modulation chunks 0 and 1: zero their weights and biases
    wm, bm = w.wm.copy(), w.bm.copy()
    wm[:, :16] = 0.0
    bm[:16] = 0.0
    closed = rblock.RBlockWeights(**{**w.__dict__, "wm": wm, "bm": bm})
    assert np.array_equal(rblock.block(Engine(), dims, closed, x, cond, cos, sin, [1, 4]), x)
    assert not np.allclose(rblock.block(Engine(), dims, w, x, cond, cos, sin, [1, 4]), x)


# -- counts, against formulas derived here from the definitions --------------------------


def _kinds(run: rel.Runner, dry: bool = False) -> dict[str, int]:
    row = rel.numpy_row(run, dry=dry)
    return {k: v for k, v in row.items() if v and k != "total"}


@pytest.mark.parametrize(("n", "c"), [(1, 1), (3, 4), (5, 9)])
def test_rmsnorm_counts_by_hand(n: int, c: int) -> None:
    x = np.ones((n, c))
    # per token: c squares, c-1 additions, ÷c, +ε, sqrt, 1÷, c products
    assert _kinds(lambda e: rm.rmsnorm(e, x)) == {
        "mul": 2 * n * c, "add": n * (c - 1) + n, "div": 2 * n, "sqrt": n}


def test_erf_counts_by_hand() -> None:
    # sub, max; p·|x|, 1+, 1÷; |x|·|x|, 0−, exp; two <, one −; t^k: 0+1+2+3+4 products,
    # 5 coefficient products, 4 additions; poly·e, 1−; sign·
    assert _kinds(lambda e: rm.erf_as(e, np.ones(3))) == {
        "add": 3 * 9, "mul": 3 * 19, "div": 3, "max": 3 * 3, "exp": 3}


@pytest.mark.parametrize(("n", "h"), [(1, 1), (4, 3)])
def test_rope_counts_by_hand(n: int, h: int) -> None:
    q = np.ones((n, 2 * h))
    # per pair: two products with cos, two with sin, one negation, two sums
    assert _kinds(lambda e: rm.rope(e, q, q, q)) == {"mul": 4 * n * h, "add": 3 * n * h}


def test_dry_run_counts_equal_numeric_run_counts() -> None:
    cfg = stack.tiny_stack()
    numeric = OpCounter()
    stack.stack_forward(cfg, counter=numeric)
    assert numeric.by_module() == stack.count_stack(cfg).by_module()
    assert numeric.total() > 0


# -- determinism of the tiny released run -----------------------------------------------


def test_tiny_released_run_is_deterministic_and_finite() -> None:
    cfg = stack.tiny_stack()
    a = np.asarray(stack.stack_forward(cfg, seed=0).output)
    b = np.asarray(stack.stack_forward(cfg, seed=0).output)
    assert a.shape == (cfg.n, cfg.dims.d)
    assert a.tobytes() == b.tobytes()                     # bit-identical
    assert np.all(np.isfinite(a))
    c = np.asarray(stack.stack_forward(cfg, seed=1).output)
    assert not np.allclose(a, c)                          # the seed matters
    assert rel.tiny_run_checks(0) == (True, True)


def test_pipeline_is_two_ar_passes_per_scale_with_the_identity_head() -> None:
    per_scale = [rel.numpy_row(rel.SMALL[f"ar{i}"]) for i in (0, 1)]
    whole = rel.numpy_row(rel.SMALL["pipeline_idhead"])
    assert whole == {k: 2 * (per_scale[0][k] + per_scale[1][k]) for k in whole}


def test_tiny_released_pipeline_is_deterministic_and_uses_both_class_rows() -> None:
    seen: list[np.ndarray] = []

    def head(eng: Engine, i: int, f0: np.ndarray, yc: np.ndarray, yu: np.ndarray) -> np.ndarray:
        seen.append(np.array([yc, yu]))
        return f0
    cfg = ar.tiny_ar()
    rng = np.random.default_rng(0)
    w = ar.init_ar(cfg, 0)
    cls, null = rng.standard_normal((1, 4)), rng.standard_normal((1, 4))
    noise = [rng.standard_normal((cfg.tok(i), cfg.c)) for i in range(cfg.K)]
    pipeline.released_forward(Engine(), cfg, w, cls, null, noise, head)
    first = [s.tobytes() for s in seen]
    seen.clear()
    pipeline.released_forward(Engine(), cfg, w, cls, null, noise, head)
    assert [s.tobytes() for s in seen] == first                 # bit-identical
    assert len(seen) == cfg.K
    for s, i in zip(seen, range(cfg.K), strict=True):
        assert s.shape == (2, cfg.tok(i), cfg.dims.d)
        assert np.all(np.isfinite(s))
        assert not np.allclose(s[0], s[1])                      # the null class differs
    out = pipeline.tiny_run(0).output
    assert np.array_equal(out, pipeline.tiny_run(0).output)


def test_released_grid_matches_the_code_and_coq() -> None:
    from py_bridge.model.released import head
    # Coq's ex_sched25_tint (ReleasedSampler.v): floor(1000 t) of the 25-step grid
    tint = [1000, 936, 872, 809, 745, 681, 618, 554, 490, 427, 363, 300,
            250, 229, 208, 187, 166, 145, 125, 104, 83, 62, 41, 20, 0]
    assert [math.floor(1000 * t) for t in head.sched_of_steps(25)] == tint
    assert [math.floor(1000 * t) for t in head.sched_of_steps(50)] == [20 * (50 - j)
                                                                       for j in range(51)]
    hc = head.tiny_head()
    assert [hc.guided(0, k) for k in range(hc.T)] == [False, False]   # s_0 = 1
    assert [hc.guided(1, k) for k in range(hc.T)] == [True, True]     # s_1 = 3/2


def test_cfg_step_with_equal_velocities_is_the_plain_euler_step() -> None:
    from py_bridge.model.released import head
    hc = head.tiny_head()
    w = head.init_head(hc, 1)
    rng = np.random.default_rng(9)
    f0, z = rng.standard_normal((4, 2)), rng.standard_normal((4, 4))
    cos, sin = rm.rope_tables(2, 2)
    rows = head.sinusoid_rows(hc)
    guided = head.sample(Engine(), hc, w, 1, f0, z, z, cos, sin, rows)      # V_u = V_c
    f = f0
    for k in range(hc.T):
        v = head.velocity(Engine(), hc, w, f, z, cos, sin, rows[k:k + 1])
        f = f + float(hc.dt(k)) * v
    assert np.allclose(guided, f, rtol=1e-13, atol=1e-13)


def test_tiny_released_pipeline_with_released_head_is_deterministic() -> None:
    a = np.asarray(rel._pipeline_released(Engine(), 0))
    b = np.asarray(rel._pipeline_released(Engine(), 0))
    assert a.shape == (4, 2)
    assert a.tobytes() == b.tobytes()
    assert np.all(np.isfinite(a))


# -- against Coq ------------------------------------------------------------------------


def _released_built() -> bool:
    if not HAVE_COQ:
        return False
    try:
        project = coq.load_coqproject(REPO)
    except coq.UsageError:
        return False
    return "FlowARProofs/Witnesses/ReleasedWork.v" not in coq.unbuilt_files(REPO, project)


needs_released_witness = pytest.mark.skipif(
    not os.environ.get("CI") and not _released_built(),
    reason="needs coqc and the built Witnesses/ReleasedWork.vo; always runs when CI is set",
)


@pytest.fixture(scope="module")
def coq_rows() -> rel.CoqRows:
    return rel.run_coq(REPO, timeout=600.0)


@needs_released_witness
def test_numpy_released_counts_equal_coq_per_kind(coq_rows: rel.CoqRows) -> None:
    rows, big = coq_rows
    assert set(rows) == set(rel.SMALL)
    assert len(big) == len(rel.BIG)
    report = rel.released_check(REPO, timeout=600.0, coq_rows=coq_rows)
    assert report.ok, [r.mismatches for r in report.rows if not r.ok]
    for r in report.rows:
        assert r.got["total"] == r.expected["total"] > 0
    block = next(r for r in report.rows if r.name == "block")
    assert all(block.expected[k] > 0 for k in ("add", "mul", "div", "max", "exp", "sqrt"))


@needs_released_witness
@pytest.mark.parametrize(("mutation", "module", "kind"), [
    ("rms-eps", "rms", "add"), ("rope-neg", "rope", "add"), ("erf-sign", "erf", "max")])
def test_each_released_mutation_is_caught(coq_rows: rel.CoqRows, mutation: str, module: str,
                                          kind: str) -> None:
    report = rel.released_check(REPO, timeout=600.0, mutation=mutation, coq_rows=coq_rows)
    assert not report.ok
    bad = {(r.name, k) for r in report.rows for k, _, _ in r.mismatches}
    assert (module, kind) in bad
    assert ("block", kind) in bad                         # and it reaches the block
    # erf-sign trades a comparison for a product: same total, caught only per kind
    assert ((module, "total") in bad) == (mutation != "erf-sign")


@needs_released_witness
def test_a_changed_coq_number_fails(coq_rows: rel.CoqRows) -> None:
    rows, big = coq_rows
    changed = {**rows, "swiglu": [rows["swiglu"][0] + 1, *rows["swiglu"][1:]]}
    report = rel.released_check(REPO, timeout=600.0, coq_rows=(changed, big))
    bad = {(r.name, k) for r in report.rows for k, _, _ in r.mismatches}
    assert ("swiglu", "add") in bad
    assert ("swiglu", "coq kinds sum") in bad


def test_parse_coq_lists_reads_the_answers_in_order() -> None:
    out = "     = [12; 24; 6]\n     : list N\n     = [787200]\n     : list N\n"
    assert rel.parse_coq_lists(out) == [[12, 24, 6], [787200]]


@needs_released_witness
def test_cli_released_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "released"]) == 0
    out = capsys.readouterr().out
    assert "crosscheck released block: numpy = Coq" in out
    assert "deterministic=True finite=True" in out
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "released",
                     "--mutate", "rms-eps"]) == 1
    assert "MISMATCH module=released.rms kind=add" in capsys.readouterr().out


def test_cli_released_mutation_needs_only_released(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "counts",
                     "--mutate", "rope-neg"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "--only released" in err[0]
