"""The numpy FlowAR: shapes, determinism, the modules against independent references,
op counts against Coq's own evaluated examples and hand-derived formulas, fast vs exact,
mutation sensitivity."""

from __future__ import annotations

import math
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest

from py_bridge.errors import BridgeError
from py_bridge.model import (
    PRESETS,
    AttentionSpec,
    Engine,
    FlowARConfig,
    OpCounter,
    attention_exact,
    attention_fast,
    compare_counts,
    count_ops,
    flowar_forward,
    init_noise,
    init_weights,
    load_model_config,
    mha,
    monomial_plan,
    tiny_config,
    work_totals,
)
from py_bridge.model import attention as attention_mod
from py_bridge.model import flowar as flowar_mod
from py_bridge.model import modules as mod
from py_bridge.obligations.config import load_config

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _run(cfg: FlowARConfig, seed: int = 0, **kw: object) -> np.ndarray:
    w = init_weights(cfg, seed=seed)
    return flowar_forward(cfg, w, init_noise(cfg, seed=seed + 1), **kw).output  # type: ignore[arg-type]


def _lims(blocks: list[int]) -> list[int]:
    """Key limit of every row, straight from the definition (end of the row's block)."""
    out: list[int] = []
    end = 0
    for b in blocks:
        end += b
        out += [end] * b
    return out


def _dense_reference(q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float,
                     blocks: list[int], weight=np.exp) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Masked attention with a full N x N matrix and an explicit mask (no query blocks)."""
    n = q.shape[1]
    lim = np.array(_lims(blocks))
    mask = np.arange(n)[None, :] < lim[:, None]
    s = scale * np.einsum("hid,hjd->hij", q, k)
    a = np.where(mask[None], weight(s), 0.0)
    return np.einsum("hij,hjd->hid", a, v) / a.sum(-1, keepdims=True)


def _qkv(heads: int, n: int, dh: int, seed: int = 3, amp: float = 0.3) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal((heads, n, dh)) * amp for _ in range(3))


def _work(counter: OpCounter) -> int:
    return counter.total()


# ---------------------------------------------------------------------------
# shapes, determinism, dtypes
# ---------------------------------------------------------------------------


def test_output_shapes_follow_the_scales() -> None:
    cfg = FlowARConfig(K=3, s0=1, a=2, c=3, d=4, heads=2, dh=2, dff=8, L=1, Lf=1, T=2)
    res = flowar_forward(cfg, init_weights(cfg), init_noise(cfg))
    assert [y.shape for y in res.scales] == [(1, 3), (4, 3), (16, 3)]
    assert res.output.shape == (cfg.n**2, cfg.c) == (16, 3)
    assert np.all(np.isfinite(res.output))


def test_seeded_runs_are_deterministic_and_seed_sensitive() -> None:
    cfg = tiny_config()
    a, b, c = _run(cfg, seed=5), _run(cfg, seed=5), _run(cfg, seed=6)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_float32_agrees_with_float64() -> None:
    cfg = tiny_config()
    y64 = _run(cfg)
    y32 = _run(cfg, dtype=np.float32)
    assert y32.dtype == np.float32
    assert np.max(np.abs(y32 - y64)) < 1e-4 * max(1.0, float(np.max(np.abs(y64))))


def test_bad_noise_shape_is_rejected_with_the_field_named() -> None:
    cfg = tiny_config()
    noise = list(init_noise(cfg))
    noise[1] = noise[1][:3]
    with pytest.raises(ValueError, match=r"noise\[1\]"):
        flowar_forward(cfg, init_weights(cfg), noise)


def test_config_rejects_nonpositive_fields() -> None:
    with pytest.raises(ValueError, match="heads"):
        replace(tiny_config(), heads=0)


# ---------------------------------------------------------------------------
# modules against independent references
# ---------------------------------------------------------------------------


def test_bicubic_matches_pytorch_constants_from_coq_examples() -> None:
    # Sampling.v, bc_w_quarter: delta = 1/4 -> [-27, 225, 67, -9] / 256; bc_r2_index.
    idx, wts = mod.bicubic_taps(2, 2)
    assert np.allclose(wts[1] * 256, [-27, 225, 67, -9])
    assert np.allclose(wts[0] * 256, [-9, 67, 225, -27])
    src, coef = mod.up_plan(2, 2, 2)
    # up_src_ex: output pixel (1, 1) of 2x2 -> 4x4 reads these inputs
    assert src[5].tolist() == [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]
    assert coef[5, 5] == pytest.approx(225**2 / 65536)
    assert np.allclose(coef.sum(axis=1), 1.0)


def test_bicubic_reproduces_separable_interpolation() -> None:
    rng = np.random.default_rng(0)
    h, w, r = 3, 5, 2
    x = rng.standard_normal((h * w, 1))
    got = mod.up(Engine(), x, r, h, w).reshape(r * h, r * w)
    iy, wy = mod.bicubic_taps(r, h)
    ix, wx = mod.bicubic_taps(r, w)
    img = x.reshape(h, w)
    rows = np.einsum("ik,ikw->iw", wy, img[iy])           # interpolate rows first
    ref = np.einsum("jk,ijk->ij", wx, rows[:, ix])        # then columns
    assert np.allclose(got, ref)


def test_area_downsampling_averages_blocks() -> None:
    src, cf = mod.down_plan(2, 4, 4)
    assert src[3].tolist() == [10, 11, 14, 15]
    assert cf == 0.25
    x = np.arange(16.0)[:, None]
    got = mod.down(Engine(), x, 2, 4, 4)
    assert got[:, 0].tolist() == [2.5, 4.5, 10.5, 12.5]


def test_layernorm_is_zero_mean_unit_variance() -> None:
    x = np.random.default_rng(1).standard_normal((5, 7))
    y = mod.layernorm(Engine(), x)
    assert np.allclose(y.mean(axis=1), 0.0)
    assert np.allclose((y**2).mean(axis=1), 1.0)


def test_exact_attention_matches_dense_masked_softmax() -> None:
    q, k, v = _qkv(2, 21, 3)
    blocks = [1, 4, 16]
    ref = _dense_reference(q, k, v, 0.7, blocks)
    for qblock in (1, 3, None):
        got = attention_exact(Engine(), q, k, v, 0.7, blocks, qblock)
        assert np.allclose(got, ref, rtol=1e-12, atol=1e-12)


def test_fast_attention_is_exactly_the_taylor_attention() -> None:
    q, k, v = _qkv(2, 21, 3)
    blocks = [1, 4, 16]
    g = 3

    def taylor(s: np.ndarray) -> np.ndarray:
        return sum(s**m / math.factorial(m) for m in range(g + 1))  # type: ignore[return-value]

    ref = _dense_reference(q, k, v, 0.7, blocks, weight=taylor)
    got = attention_fast(Engine(), q, k, v, 0.7, blocks, g)
    assert np.allclose(got, ref, rtol=1e-11, atol=1e-12)


def test_monomial_rank_is_binomial() -> None:
    for dh, g in ((1, 3), (2, 4), (4, 4), (5, 2), (3, 0)):
        plan = monomial_plan(dh, g)
        assert plan.rank == math.comb(dh + g, g)
        assert len({tuple(e) for e in plan.exps}) == plan.rank
        assert int(plan.exps.sum(axis=1).max()) == g


def test_fast_error_shrinks_with_the_degree() -> None:
    q, k, v = _qkv(2, 30, 4, amp=0.3)
    ref = attention_exact(Engine(), q, k, v, 0.5, [30])
    errs = [np.max(np.abs(attention_fast(Engine(), q, k, v, 0.5, [30], g) - ref))
            for g in (1, 2, 4, 6)]
    assert all(b < a for a, b in zip(errs, errs[1:], strict=False))
    assert errs[-1] < 1e-6


def test_scores_respect_the_guaranteed_bound() -> None:
    cfg = replace(tiny_config(), K=3)
    w = init_weights(cfg, seed=2, beta=0.3)
    eng = Engine()
    eng.track_scores = True
    flowar_forward(cfg, w, init_noise(cfg), engine=eng)
    assert 0.0 < eng.max_score <= w.score_bound == pytest.approx(0.3)


def test_fast_pipeline_is_close_to_exact_on_tiny() -> None:
    cfg = tiny_config()
    exact = _run(cfg)
    for g, tol in ((2, 1e-3), (4, 1e-5), (6, 1e-8)):
        fast = _run(cfg, attention=AttentionSpec("fast", degree=g))
        assert np.max(np.abs(fast - exact)) < tol


# ---------------------------------------------------------------------------
# op counts: Coq's evaluated examples (vm_compute in Modules/*.v)
# ---------------------------------------------------------------------------


def _counted(fn) -> OpCounter:  # type: ignore[no-untyped-def]
    c = OpCounter()
    fn(Engine(counter=c))
    return c


def _single_head(eng: Engine, n: int, c: int, dh: int, blocks: list[int]) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c))
    wq, wk, wv = (rng.standard_normal((1, c, dh)) for _ in range(3))
    q, k, v = (eng.matmul(x, w_) for w_ in (wq, wk, wv))
    attention_exact(eng, q, k, v, 0.5, blocks)


@pytest.mark.parametrize(("blocks", "coq_work"), [
    ([1, 1, 1], 111),   # causal: attn_at ... S
    ([3], 141),         # unmasked
    ([1, 2], 121),      # bc_lim [1; 2]
])
def test_attention_work_equals_coq_examples(blocks: list[int], coq_work: int) -> None:
    # Attention.v ex_attn_counts: N = 3, c = dh = 2.
    assert _work(_counted(lambda e: _single_head(e, 3, 2, 2, blocks))) == coq_work


def test_mha_work_equals_coq_example() -> None:
    # Attention.v ex_mha_counts: 2 heads, N = 3, c = dh = d = 2, causal: 264.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2))
    wq, wk, wv = (rng.standard_normal((2, 2, 2)) for _ in range(3))
    wo = rng.standard_normal((4, 2))
    c = _counted(lambda e: mha(e, x, wq, wk, wv, wo, 0.5, [1, 1, 1], AttentionSpec()))
    assert _work(c) == 264


def test_module_work_equals_coq_examples() -> None:
    rng = np.random.default_rng(0)
    x23, x24 = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    # MLP.v mlp_at_work_ex: N=2, c=3, d=4 -> 48
    assert _work(_counted(lambda e: mod.mlp(e, x23, np.ones((3, 4)), np.ones(4)))) == 48
    # FFN.v ffn_at_work_ex (with its residual): N=2, d=3, dff=4 -> 110
    assert _work(_counted(lambda e: mod.ffn(e, x23, np.ones((3, 4)), np.ones(4),
                                            np.ones((4, 3)), np.ones(3)))) == 110
    # LayerNorm.v ex_ln_counts: 2 x 3 -> 32
    assert _work(_counted(lambda e: mod.layernorm(e, x23))) == 32
    # Sampling.v sampling_work_ex: down 4x4x3 -> 84, up 2x2x3 -> 16*3*31
    assert _work(_counted(lambda e: mod.down(e, rng.standard_normal((16, 3)), 2, 4, 4))) == 84
    assert _work(_counted(lambda e: mod.up(e, rng.standard_normal((4, 3)), 2, 2, 2))) == 1488
    del x24


# ---------------------------------------------------------------------------
# op counts of the whole tiny pipeline, derived by hand from the definitions
# ---------------------------------------------------------------------------


def _hand_counts(cfg: FlowARConfig) -> dict[str, dict[str, int]]:
    """Per module and kind, from the paper's formulas (not from the model code)."""
    d, c, h, dh, dff = cfg.d, cfg.c, cfg.heads, cfg.dh, cfg.dff
    t: dict[str, dict[str, int]] = {}

    def put(module: str, **kinds: int) -> None:
        dst = t.setdefault(module, {})
        for k, n in kinds.items():
            dst[k] = dst.get(k, 0) + n

    def layer(prefix: str, n: int, lims: list[int]) -> None:
        s_lim, s_lim1 = sum(lims), sum(x - 1 for x in lims)
        # two affine LayerNorms: sums, centring, squares, divisions by c, sqrt, gamma, beta
        put(prefix + "layernorm", add=2 * n * ((d - 1) + d + (d - 1) + d),
            mul=2 * n * (d + d), div=2 * n * (1 + 1 + d), sqrt=2 * n)
        # Q, K, V (no bias), scores, scale, exp, row sums, numerators, division, W_O
        put(prefix + "attention",
            mul=h * (3 * n * dh * d + s_lim * dh + s_lim + dh * s_lim) + n * d * h * dh,
            add=h * (3 * n * dh * (d - 1) + s_lim * (dh - 1) + s_lim1 + dh * s_lim1)
            + n * d * (h * dh - 1),
            exp=h * s_lim, div=h * n * dh)
        put(prefix + "residual", add=2 * n * d)
        put(prefix + "ffn", mul=n * dff * d + n * d * dff,
            add=n * dff * (d - 1) + n * dff + n * d * (dff - 1) + n * d, max=n * dff)

    for i in range(cfg.K):
        for j in range(i):                      # every embedding recomputed at scale i
            m_out = cfg.tok(j + 1)
            put("up", mul=m_out * c * 16, add=m_out * c * 15)
            put("embed", mul=m_out * d * c, add=m_out * d * (c - 1) + m_out * d)
        blocks = [cfg.tok(j) for j in range(i + 1)]
        lims = [sum(blocks[: b + 1]) for b, size in enumerate(blocks) for _ in range(size)]
        for _ in range(cfg.L):
            layer("ar.", len(lims), lims)
        m = cfg.tok(i)
        for _ in range(cfg.T):
            put("head.flow_in", mul=m * d * c + m * d, add=m * d * (c - 1) + m * d + m * d + m * d)
            for _ in range(cfg.Lf):
                layer("head.", m, [m] * m)
            put("head.flow_out", mul=m * c * d, add=m * c * (d - 1) + m * c)
            put("head.euler", mul=m * c, add=m * c)
    return t


@pytest.mark.parametrize("cfg", [
    tiny_config(),
    FlowARConfig(K=3, s0=2, a=2, c=3, d=6, heads=3, dh=2, dff=5, L=2, Lf=2, T=3),
])
def test_pipeline_counts_equal_hand_derived_counts(cfg: FlowARConfig) -> None:
    counter = OpCounter()
    flowar_forward(cfg, init_weights(cfg), init_noise(cfg), counter=counter)
    assert compare_counts(_hand_counts(cfg), counter.by_module()) == []
    # the shape-only run counts the same
    assert count_ops(cfg).by_module() == counter.by_module()


def test_tiny_attention_total_equals_coq_closed_form() -> None:
    # Attention.v mha_at_work_pos: H*(3*N*dh*(2c-1) + (4dh+2)*L - N) + N*d*(2*H*dh - 1)
    cfg = tiny_config()
    d, h, dh = cfg.d, cfg.heads, cfg.dh

    def mha_work(n: int, big_l: int) -> int:
        return h * (3 * n * dh * (2 * d - 1) + (4 * dh + 2) * big_l - n) + n * d * (2 * h * dh - 1)

    # AR: scale 0 (N=1, L=1), scale 1 (N=5, lims 1,5,5,5,5 -> L=21); head: M=1 and M=4, T=2
    expected = mha_work(1, 1) + mha_work(5, 21)
    expected_head = cfg.T * (mha_work(1, 1) + mha_work(4, 16))
    got = count_ops(cfg).module_work()
    assert got["ar.attention"] == expected
    assert got["head.attention"] == expected_head


# ---------------------------------------------------------------------------
# mutation sensitivity
# ---------------------------------------------------------------------------


def _run_counted(cfg: FlowARConfig) -> tuple[np.ndarray, dict[str, dict[str, int]]]:
    counter = OpCounter()
    out = flowar_forward(cfg, init_weights(cfg), init_noise(cfg), counter=counter).output
    return out, counter.by_module()


def test_dropping_the_attention_scale_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = replace(tiny_config(), K=3)
    base, counts = _run_counted(cfg)
    monkeypatch.setattr(attention_mod, "scale_scores", lambda eng, s, scale: s)
    mutant, mcounts = _run_counted(cfg)
    assert np.max(np.abs(mutant - base)) > 1e-6
    assert {(m.module, m.kind) for m in compare_counts(counts, mcounts)} == {
        ("ar.attention", "mul"), ("head.attention", "mul")}


def test_off_by_one_block_causal_mask_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = replace(tiny_config(), K=3)
    base, counts = _run_counted(cfg)
    original = attention_mod.key_limits

    def shifted(blocks: list[int]) -> list[tuple[int, int, int]]:
        return [(a, b, lim - 1 if lim > 1 else lim) for a, b, lim in original(blocks)]

    monkeypatch.setattr(attention_mod, "key_limits", shifted)
    mutant, mcounts = _run_counted(cfg)
    assert np.max(np.abs(mutant - base)) > 1e-6
    assert any(m.module == "ar.attention" for m in compare_counts(counts, mcounts))


def test_changed_residual_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tiny_config()
    base, counts = _run_counted(cfg)
    monkeypatch.setattr(flowar_mod, "residual", lambda eng, x, y: y)   # skip dropped
    mutant, mcounts = _run_counted(cfg)
    assert np.max(np.abs(mutant - base)) > 1e-6
    assert ("ar.residual", "add") in {(m.module, m.kind) for m in compare_counts(counts, mcounts)}


# ---------------------------------------------------------------------------
# the cross-check comparison
# ---------------------------------------------------------------------------


def test_compare_counts_reports_every_disagreeing_cell() -> None:
    expected = {"attention": {"mul": 10, "exp": 4}, "ffn": {"max": 3}}
    got = {"attention": {"mul": 10, "exp": 5, "div": 2}, "embed": {"add": 1}}
    assert [tuple(m) for m in compare_counts(expected, got)] == [
        ("attention", "div", 0, 2), ("attention", "exp", 4, 5),
        ("embed", "add", 0, 1), ("ffn", "max", 3, 0)]
    assert compare_counts(expected, expected) == []
    assert compare_counts({"attention": {"work": 19}, "ffn": {"work": 3}},
                          work_totals(got)) == [("attention", "work", 19, 17),
                                                ("embed", "work", 0, 1), ("ffn", "work", 3, 0)]


def test_paper_configs_count_without_memory() -> None:
    # FlowAR-S dimensions, shape-only: counts exist and attention is the n^4 term's home
    from py_bridge.model import flowar_s

    counts = count_ops(flowar_s()).module_work()
    assert counts["ar.attention"] > 0
    assert counts["head.attention"] > 0
    assert sum(counts.values()) > 10**11


def test_tiling_changes_neither_output_nor_counts() -> None:
    # exact: accumulating row sums over key tiles costs what one lim-ary sum costs;
    # fast: summing token chunks costs what one sum over the block costs
    q, k, v = _qkv(2, 21, 3)
    blocks = [1, 4, 16]
    runs = []
    for qb, kb in ((1, 1), (3, 5), (None, None)):
        c = OpCounter()
        runs.append((attention_exact(Engine(counter=c), q, k, v, 0.7, blocks, qb, kb),
                     c.by_module()))
    for tb in (1, 3, 2048):
        c = OpCounter()
        runs.append((attention_fast(Engine(counter=c), q, k, v, 0.7, blocks, 3, tb),
                     c.by_module()))
    for out, counts in runs[1:3]:
        assert np.allclose(out, runs[0][0])
        assert counts == runs[0][1]
    for out, counts in runs[4:]:
        assert np.allclose(out, runs[3][0])
        assert counts == runs[3][1]


def test_exact_attention_memory_does_not_grow_like_n_squared() -> None:
    import tracemalloc

    n = 3000                                    # a dense score matrix would be 72 MB
    q, k, v = _qkv(1, n, 2)
    tracemalloc.start()
    try:
        attention_exact(Engine(), q, k, v, 0.5, [1000, 2000])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


def test_flow_matching_interpolation_and_euler_step() -> None:
    rng = np.random.default_rng(4)
    y, f0, v = (rng.standard_normal((3, 2)) for _ in range(3))
    assert np.allclose(mod.interp(Engine(), 0.0, y, f0), f0)
    assert np.allclose(mod.interp(Engine(), 1.0, y, f0), y)
    assert np.allclose(mod.euler(Engine(), f0, 0.25, v), f0 + v / 4)
    # two products and one sum per entry (interp), one product and one sum (Euler step)
    assert _counted(lambda e: mod.interp(e, 0.3, y, f0)).by_kind() == {"mul": 12, "add": 6}
    assert _counted(lambda e: mod.euler(e, f0, 0.5, v)).by_kind() == {"mul": 6, "add": 6}


_CONFIGS = Path(__file__).resolve().parents[1] / "configs"


@pytest.mark.parametrize("path", sorted(_CONFIGS.glob("*.toml")), ids=lambda p: p.stem)
def test_presets_agree_with_the_shipped_toml_configs(path: Path) -> None:
    from_toml = load_model_config(path)
    preset = PRESETS[path.stem]()
    for f in fields(preset):
        if f.name != "name":
            assert getattr(preset, f.name) == getattr(from_toml, f.name), (path.stem, f.name)
    # the scale used is the TOML's rational, not 1/sqrt(dh)
    sn, sd = load_config(path).attention_scale
    assert preset.scale == sn / sd


def test_a_config_the_model_cannot_represent_is_one_line() -> None:
    with pytest.raises(BridgeError, match=r"flow_head\.\w+ .* differs from ar\."):
        load_model_config(_CONFIGS / "uncovered" / "flowar-s-released.toml")
