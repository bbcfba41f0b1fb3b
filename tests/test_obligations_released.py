"""`flowar-proofs obligations` on the released variant (`variant = "released"`), via `cli.main`.

* Each shipped configs/released/*.toml is accepted (exit 0, a table), its hypotheses of
  `flowar_released_in_TC0` are checked by Coq, and the depth coefficients it reports equal the
  numbers FlowARProofs/Witnesses/ReleasedDepth.v proves by `vm_compute` for the released S/L/H
  (read from that file's `Example released_X_depth`, not from the code under test).
* A bad released field exits 2 with one line naming the field and writes nothing.
* A violated hypothesis (K > K0) exits 1 naming it.
* Every Coq name the released fact table needs exists in the built library.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_obligations import needs_library

from py_bridge import cli
from py_bridge.obligations import library_names, load_config
from py_bridge.obligations.facts import PLANNED
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


@needs_library
@pytest.mark.parametrize(("config", "key"), SHIPPED)
def test_released_config_accepted_with_proved_depth(
    config: str, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    code = cli.main(["obligations", str(RELEASED / config), "--out", str(out),
                     "--root", str(REPO)])
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    assert "not covered" not in stdout
    for fid in ("hyp_scales_le_K0", "hyp_encoder_le_Le0", "hyp_decoder_le_Ld0",
                "hyp_head_scales", "val_released_depth"):
        assert re.search(rf"^\s+{fid}\s+✓ checked by Coq", stdout, re.MULTILINE), fid
    # the headline theorem is not claimed as checked: the released head is not an RHead yet
    assert re.search(r"^\s+thm_flowar_released_in_TC0\s+not yet proved", stdout, re.MULTILINE)
    name = load_config(RELEASED / config).name
    data = json.loads((out / "obligations" / f"{name}.json").read_text())
    assert data["ok"] is True
    assert data["covered"] is True
    values = {f["id"]: f["values"] for f in data["facts"]}["val_released_depth"]
    expected = _proved_depths()[key]
    assert {k: values[f"rdepth_{k}"] for k in _KEYS} == {k: expected[v] for k, v in _KEYS.items()}


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
def test_released_violated_bound_exits_1_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "k0.toml"
    config.write_text(_GOOD + "\n[bounds]\nmax_scales = 4\n", encoding="utf-8")
    code = cli.main(["obligations", str(config), "--out", str(tmp_path / "r"),
                     "--root", str(REPO)])
    stdout = capsys.readouterr().out
    assert code == 1
    assert re.search(r"^\s+hyp_scales_le_K0\s+✗ failed \(K = 5, K0 = bounds.max_scales = 4",
                     stdout, re.MULTILINE), stdout
    assert re.search(r"^\s+val_released_depth\s+✓ checked by Coq", stdout, re.MULTILINE)


@needs_library
def test_every_released_needed_name_is_in_the_library_or_planned() -> None:
    names = {n for f in RELEASED_FACTS for n in (*f.needs, f.theorem)}
    known = library_names(REPO, {n.rsplit(".", 1)[0] for n in names})
    for f in RELEASED_FACTS:
        for name in (*f.needs, f.theorem):
            assert name in known or name in PLANNED, (f.id, name)
