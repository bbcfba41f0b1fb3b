"""`flowar-proofs obligations` on the released variant (`variant = "released"`), via `cli.main`.

* Each shipped configs/released/*.toml is accepted (exit 0, a table): its hypotheses are checked
  by Coq, the headline theorem `thm_flowar_released_in_TC0` (Main.flowar_released_head_in_TC0
  for the config at every first side m) is proved, and the numbers it reports are the ones
  proved elsewhere: the depth coefficients equal FlowARProofs/Witnesses/ReleasedDepth.v's
  `Example released_X_depth` (read from that file), the dimension bound of FlowAR-S equals the
  constant of `rel_S_hyps` (Witnesses/ReleasedInstance.v), and for every config it equals
  `rdimB` at side 1 summed from the config's fields by the Coq definition (ReleasedSize.v,
  ReleasedHeadInst.v).
* A bad released field exits 2 with one line naming the field and writes nothing.
* Violated hypotheses exit 1 naming them and the config field; the theorem is then not
  instantiated. Every hypothesis row of the released table fails on that config: no row is a
  check that cannot fail.
* Every Coq name the released fact table needs exists in the built library.
* The scale schedule (K, s0, a, token counts, geometric) is one helper shared by both variants.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_obligations import needs_library

from py_bridge import cli
from py_bridge.obligations import library_names, load_config
from py_bridge.obligations.config import geometric_factor
from py_bridge.obligations.facts import HYPOTHESIS, PLANNED
from py_bridge.obligations.released import RELEASED_FACTS, ReleasedConfig

REPO = Path(__file__).resolve().parents[1]
RELEASED = REPO / "configs" / "released"
SHIPPED = [("flowar-s-released.toml", "S"), ("flowar-l-released.toml", "L"),
           ("flowar-h-released.toml", "H")]
_KEYS = {"std": "h_std", "sum": "h_sum", "exp": "h_exp", "sqrt": "h_sqrt", "max": "h_mx",
         "erf": "h_erf"}


def _proved_depths() -> dict[str, dict[str, int]]:
    """The numbers Witnesses/ReleasedDepth.v proves (Example released_X_depth : ... = {|...|})."""
    text = (REPO / "FlowARProofs" / "Witnesses" / "ReleasedDepth.v").read_text()
    out: dict[str, dict[str, int]] = {}
    for m in re.finditer(r"Example released_(\w)_depth :(.*?)\{\|(.*?)\|\}\.\s*Proof\. "
                         r"vm_compute\. reflexivity\. Qed\.", text, re.DOTALL):
        out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(h_\w+) := (\d+)", m.group(3))}
    return out


def test_reference_numbers_are_the_ones_proved() -> None:
    # the literals of the issue, as a guard that the regex reads the file
    assert _proved_depths()["S"] == {"h_std": 16095, "h_sum": 3215, "h_exp": 720,
                                     "h_sqrt": 615, "h_mx": 120, "h_erf": 300}
    assert set(_proved_depths()) == {"S", "L", "H"}


def test_shipped_released_configs_parse_as_released() -> None:
    names = set()
    for path in sorted(RELEASED.glob("*.toml")):
        cfg = load_config(path)
        assert isinstance(cfg, ReleasedConfig), path
        assert cfg.scales == (1, 2, 4, 8, 16)
        assert cfg.channels == 16
        assert cfg.flow.head_dim == 64
        assert cfg.flow.attention_scale == (1, 8)
        names.add(cfg.name)
    assert names == {"flowar_s_released", "flowar_l_released", "flowar_h_released"}


def test_explicit_paper_variant_is_the_paper_schema(tmp_path: Path) -> None:
    config = tmp_path / "p.toml"
    config.write_text('variant = "paper"\n' + (REPO / "configs" / "tiny.toml").read_text(),
                      encoding="utf-8")
    cfg = load_config(config)
    assert not isinstance(cfg, ReleasedConfig)
    assert cfg.name == "tiny"


_GOOD = (RELEASED / "flowar-s-released.toml").read_text()
BAD: list[tuple[str, str, str]] = [
    ("unknown_variant", _GOOD.replace('variant = "released"', 'variant = "nightly"'),
     "variant"),
    ("steps_no_grid", _GOOD.replace("steps = 25", "steps = 30"), "sampling.steps"),
    ("cross_not_bool", _GOOD.replace("cross_attention = false", "cross_attention = 1"),
     "flow_head.cross_attention"),
    ("blocks_zero", _GOOD.replace("blocks = 2", "blocks = 0"), "flow_head.blocks"),
    ("cfg_missing", _GOOD.replace("cfg_scale = [43, 10]", ""), "sampling.cfg_scale"),
    ("guidance_zero_den", _GOOD.replace("guidance = [9, 10]", "guidance = [9, 0]"),
     "sampling.guidance"),
    ("odd_head_dim", _GOOD.replace("heads = 16\n", "heads = 16\nhead_dim = 63\n"),
     "flow_head.head_dim"),
    ("non_geometric", _GOOD.replace("[1, 2, 4, 8, 16]", "[1, 2, 3]"), "latent.scales"),
    ("paper_key", _GOOD.replace("[sampling]", "[sampling]\neuler_updates = 24"),
     "sampling.euler_updates"),
    ("odd_time_embed", _GOOD.replace("time_embed_width = 256", "time_embed_width = 255"),
     "flow_head.time_embed_width"),
    ("descending_scales", _GOOD.replace("[1, 2, 4, 8, 16]", "[4, 2]"), "latent.scales"),
    ("no_scales", _GOOD.replace("[1, 2, 4, 8, 16]", "[]"), "latent.scales"),
    ("zero_channels", _GOOD.replace("channels = 16", "channels = 0"), "latent.channels"),
    ("head_table_key", _GOOD.replace("time_embed_width = 256",
                                     "time_embed_width = 256\nrope_tokens = [1, 4]"),
     "flow_head.rope_tokens"),
    ("max_scales_zero", _GOOD + "\n[bounds]\nmax_scales = 0\n", "bounds.max_scales"),
]


@pytest.mark.parametrize(("case", "text", "field"), BAD, ids=[c[0] for c in BAD])
def test_bad_released_field_exits_2_naming_it(case: str, text: str, field: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["obligations", str(config), "--out", str(out), "--root", str(REPO)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert f"{config}: {field}:" in lines[0], (case, lines[0])
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not out.exists()


#: Points of the released time grids (ReleasedSampler.ex_sched_lengths: 25 and 51).
_GRID_POINTS = {25: 25, 50: 51}


def _dim_bound_from_definition(cfg: ReleasedConfig) -> int:
    """`rdimB` (Pipeline/ReleasedSize.v) of the config at first side 1, summed term by term from
    the Coq definitions: sequence tokens + AR width, head width, heads, SwiGLU width, channels +
    the head's `rh_rel_dimB` (ReleasedHeadInst.v: `rf_dimB` = width + head width + heads +
    SwiGLU width + sinusoid width, then blocks, grid points, tables, table tokens) + a^K + 1."""
    toks = sum((cfg.factor ** i) ** 2 for i in range(cfg.K))
    ar = cfg.ar.width + cfg.ar.head_dim + cfg.ar.heads + cfg.ar.ffn_width + cfg.channels
    rf_dimb = (cfg.flow.width + cfg.flow.head_dim + cfg.flow.heads + cfg.flow.ffn_width
               + cfg.time_embed_width)
    head = rf_dimb + cfg.flow_blocks + _GRID_POINTS[cfg.steps] + cfg.K + toks
    return toks + ar + head + cfg.factor ** cfg.K + 1


def _rel_s_dim_constant() -> int:
    """The dimension bound `rel_S_hyps` proves for released FlowAR-S (ReleasedInstance.v)."""
    text = (REPO / "FlowARProofs" / "Witnesses" / "ReleasedInstance.v").read_text()
    m = re.search(r"PolyBoundedWith \(fun n => rdimB \(rel_S_cfg E n\)\) \((\d+) \+ (\d+)\) 2",
                  text)
    assert m, "rel_S_hyps' dimension bound not found"
    return int(m.group(1)) + int(m.group(2))


def _row(fid: str, status: str) -> str:
    return rf"^\s+{fid}\s+{re.escape(status)}"


@needs_library
@pytest.mark.parametrize(("config", "key"), SHIPPED)
def test_released_config_accepted_with_proved_theorem(
    config: str, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    code = cli.main(["obligations", str(RELEASED / config), "--out", str(out),
                     "--root", str(REPO)])
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    assert "not covered" not in stdout
    for fid in ("hyp_scales_le_K0", "hyp_encoder_le_Le0", "hyp_decoder_le_Ld0",
                "thm_flowar_released_in_TC0", "val_released_depth"):
        assert re.search(_row(fid, "✓ checked by Coq"), stdout, re.MULTILINE), fid
    # the head's token tables are built from the scales: proved for the family, not a check
    assert "hyp_head_scales" not in stdout
    cfg = load_config(RELEASED / config)
    assert isinstance(cfg, ReleasedConfig)
    data = json.loads((out / "obligations" / f"{cfg.name}.json").read_text())
    assert data["ok"] is True
    assert data["covered"] is True
    facts = {f["id"]: f for f in data["facts"]}
    assert facts["thm_flowar_released_in_TC0"]["status"] == "checked"
    assert facts["thm_flowar_released_in_TC0"]["theorem"] == \
        "FlowARProofs.Main.flowar_released_head_in_TC0"
    expected = _proved_depths()[key]
    # no [bounds]: K0, Le0, Ld0 are the config's own, so the theorem's depth is the config's
    for fact, prefix in (("val_released_depth", "rdepth"),
                         ("thm_flowar_released_in_TC0", "thm_depth")):
        values = facts[fact]["values"]
        assert {k: values[f"{prefix}_{k}"] for k in _KEYS} == \
            {k: expected[v] for k, v in _KEYS.items()}, fact
    dim = facts["thm_flowar_released_in_TC0"]["values"]["dim_bound"]
    assert dim == _dim_bound_from_definition(cfg)
    if key == "S":
        assert dim == _rel_s_dim_constant()


@needs_library
def test_released_theorem_at_large_sides(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Sides up to 1024 (token counts ~10⁶ as unary nats in the head's tables): the family's
    "member at s0 is this config" is decided by a tail-recursive boolean test, not by
    normalising the lists (which overflowed Coq's stack)."""
    text = (RELEASED / "flowar-h-released.toml").read_text()
    config = tmp_path / "big.toml"
    config.write_text(text.replace("[1, 2, 4, 8, 16]", "[4, 16, 64, 256, 1024]"),
                      encoding="utf-8")
    out = tmp_path / "r"
    code = cli.main(["obligations", str(config), "--out", str(out), "--root", str(REPO)])
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    cfg = load_config(config)
    assert isinstance(cfg, ReleasedConfig)
    facts = {f["id"]: f for f in
             json.loads((out / "obligations" / f"{cfg.name}.json").read_text())["facts"]}
    thm = facts["thm_flowar_released_in_TC0"]
    assert thm["status"] == "checked", thm
    assert thm["values"]["dim_bound"] == _dim_bound_from_definition(cfg)


def test_dim_bound_reference_reads_the_instance() -> None:
    assert _rel_s_dim_constant() == 7745  # 682·1 + 7063 (ReleasedInstance.v's rel_S_dimB at 1)


@needs_library
def test_released_theorem_depth_uses_the_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With larger K0 / Le0 / Ld0 the theorem's depth is flowar_released_depth at those: the
    AR-pass part grows with Le0 and Ld0, everything scales with K0; the config's own depth
    (val_released_depth) does not change."""
    config = tmp_path / "big.toml"
    config.write_text(_GOOD + "\n[bounds]\nmax_scales = 6\nmax_encoder_layers = 7\n"
                      "max_decoder_layers = 6\n", encoding="utf-8")
    out = tmp_path / "r"
    assert cli.main(["obligations", str(config), "--out", str(out), "--root", str(REPO)]) == 0
    capsys.readouterr()
    name = load_config(config).name
    facts = {f["id"]: f["values"]
             for f in json.loads((out / "obligations" / f"{name}.json").read_text())["facts"]}
    s = _proved_depths()["S"]
    assert {k: facts["val_released_depth"][f"rdepth_{k}"] for k in _KEYS} == \
        {k: s[v] for k, v in _KEYS.items()}
    thm = {k: facts["thm_flowar_released_in_TC0"][f"thm_depth_{k}"] for k in _KEYS}
    # K0 = 6 of the 5 scales' passes, and one more encoder block per pass: strictly more
    for k in _KEYS:
        assert thm[k] * 5 >= s[_KEYS[k]] * 6, k
    assert thm["std"] * 5 > s["h_std"] * 6


@needs_library
def test_released_witnesses_name_the_coq_definition(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert cli.main(["witnesses", str(RELEASED / "flowar-s-released.toml"), "--out", str(out),
                     "--root", str(REPO)]) == 0
    w = json.loads((out / "witnesses" / "flowar_s_released.json").read_text())["witnesses"]
    assert w["rdepth_std"]["value"] == _proved_depths()["S"]["h_std"]
    assert w["rdepth_std"]["computed_by"] == \
        "FlowARProofs.Witnesses.ReleasedDepth.released_terms"


@needs_library
def test_released_violated_bounds_exit_1_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "k0.toml"
    config.write_text(_GOOD + "\n[bounds]\nmax_scales = 4\nmax_encoder_layers = 5\n"
                      "max_decoder_layers = 3\n", encoding="utf-8")
    out = tmp_path / "r"
    code = cli.main(["obligations", str(config), "--out", str(out), "--root", str(REPO)])
    stdout = capsys.readouterr().out
    assert code == 1
    for fid, side in (("hyp_scales_le_K0", "K = 5, K0 = bounds.max_scales = 4"),
                      ("hyp_encoder_le_Le0", "Le = 6, Le0 = bounds.max_encoder_layers = 5"),
                      ("hyp_decoder_le_Ld0", "Ld = 6, Ld0 = bounds.max_decoder_layers = 3")):
        assert re.search(_row(fid, f"✗ failed ({side}; Coq:"), stdout, re.MULTILINE), (fid,
                                                                                       stdout)
    assert re.search(_row("thm_flowar_released_in_TC0", "✗ failed (not instantiated: hyp_"),
                     stdout, re.MULTILINE), stdout
    assert re.search(_row("val_released_depth", "✓ checked by Coq"), stdout, re.MULTILINE)
    data = json.loads((out / "obligations" / "flowar_s_released.json").read_text())
    assert data["ok"] is False
    failed = {f["id"] for f in data["facts"] if f["status"] == "failed"}
    # every hypothesis row of the released table can fail (this config fails them all)
    assert {f.id for f in RELEASED_FACTS if f.kind == HYPOTHESIS} <= failed


def test_scale_schedule_is_shared() -> None:
    assert geometric_factor((1, 2, 4, 8, 16)) == 2
    assert geometric_factor((2, 6, 18)) == 3
    assert geometric_factor((7,)) == 1
    assert geometric_factor((3, 3, 3)) == 1
    for bad in ((1, 2, 3), (4, 2), (2, 4, 9), (2, 3)):
        assert geometric_factor(bad) is None, bad
    rel = load_config(RELEASED / "flowar-s-released.toml")
    paper = load_config(REPO / "configs" / "flowar-s.toml")
    assert rel.scales == paper.scales
    for prop in ("K", "s0", "factor", "tokens", "geometric"):
        assert getattr(rel, prop) == getattr(paper, prop), prop
    assert rel.tokens == (1, 4, 16, 64, 256)
    assert (rel.K, rel.s0, rel.factor) == (5, 1, 2)


@needs_library
def test_every_released_needed_name_is_in_the_library_or_planned() -> None:
    names = {n for f in RELEASED_FACTS for n in (*f.needs, f.theorem)}
    known = library_names(REPO, {n.rsplit(".", 1)[0] for n in names})
    for f in RELEASED_FACTS:
        for name in (*f.needs, f.theorem):
            assert name in known or name in PLANNED, (f.id, name)
