"""`flowar-proofs obligations CONFIG` / `witnesses CONFIG` end to end through `cli.main`.

* The bad-config corpus (BAD_CASES): every malformed or hostile config exits 2 with one line
  naming the field, and writes nothing (no output directory, no temporary directory).
* Pure parts: the generated Coq file contains the config's numbers only as literals and none of
  its text; coqc's error line maps back to the fact's lemma.
* With the built library (REPO/FlowARProofs/*.vo): the shipped configs are checked by coqc
  (exit 0), a config violating a hypothesis exits 1 naming it, a config the model cannot
  represent exits 1 "not covered"; the witnesses agree with the numbers that
  FlowARProofs/Witnesses/Depth.v proves for the released configurations (read from that file).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import threading
from pathlib import Path

import pytest
from coq_fixture_support import HAVE_COQ

from py_bridge import cli
from py_bridge.obligations import (
    FAILED,
    check_config,
    dependents,
    fact_at_line,
    library_names,
    parse_coq_error,
    parse_eval_values,
    render,
    write_results,
)
from py_bridge.obligations import load_config as load_any_config
from py_bridge.obligations.config import coverage_problems, load_config, parse_config
from py_bridge.obligations.facts import FACTS, HYPOTHESIS, PLANNED, TC0

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "configs"

GOOD = """\
name = "good"
description = "a valid base config"

[latent]
channels = 2
scales = [1, 2]

[ar]
width = 4
heads = 2
head_dim = 2
ffn_width = 16
encoder_layers = 0
decoder_layers = 1
attention_scale = [1, 2]

[flow_head]
width = 4
heads = 2
ffn_width = 16
layers = 1

[sampling]
euler_updates = 2

[numerics]
precision = 8
"""


def _sub(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (case id, TOML text, what the one-line message must name)
BAD_CASES: list[tuple[str, str, str]] = [
    ("coq-injection-name", _sub('name = "good"', 'name = "\\"). Axiom f : False. (\\""'),
     "name"),
    ("coq-comment-name", _sub('name = "good"', 'name = "a*) Axiom f : False. (*"'), "name"),
    ("path-traversal-name", _sub('name = "good"', 'name = "../../etc/passwd"'), "name"),
    ("slash-name", _sub('name = "good"', 'name = "a/b"'), "name"),
    ("empty-name", _sub('name = "good"', 'name = ""'), "name"),
    ("int-name", _sub('name = "good"', "name = 5"), "name"),
    ("long-name", _sub('name = "good"', f'name = "{"a" * 41}"'), "name"),
    ("non-ascii-name", _sub('name = "good"', 'name = "flöwar"'), "name"),
    ("newline-name", _sub('name = "good"', 'name = "a\\nb"'), "name"),
    ("missing-name", _sub('name = "good"\n', ""), "name"),
    ("unknown-top-key", GOOD + "\nextra = 1\n", "extra"),
    ("unknown-ar-key", _sub("width = 4\nheads = 2\nhead_dim", "depth = 3\nwidth = 4\nheads = 2\n"
                            "head_dim"), "ar.depth"),
    ("zero-channels", _sub("channels = 2", "channels = 0"), "latent.channels"),
    ("negative-channels", _sub("channels = 2", "channels = -4"), "latent.channels"),
    ("float-channels", _sub("channels = 2", "channels = 2.0"), "latent.channels"),
    ("string-width", _sub("width = 4\nheads = 2\nhead_dim", 'width = "4"\nheads = 2\nhead_dim'),
     "ar.width"),
    ("bool-width", _sub("width = 4\nheads = 2\nhead_dim", "width = true\nheads = 2\nhead_dim"),
     "ar.width"),
    ("nan-width", _sub("width = 4\nheads = 2\nhead_dim", "width = nan\nheads = 2\nhead_dim"),
     "ar.width"),
    ("inf-width", _sub("width = 4\nheads = 2\nhead_dim", "width = inf\nheads = 2\nhead_dim"),
     "ar.width"),
    ("huge-width", _sub("width = 4\nheads = 2\nhead_dim",
                        "width = 9223372036854775807\nheads = 2\nhead_dim"), "ar.width"),
    ("missing-heads", _sub("heads = 2\nhead_dim = 2", "head_dim = 2"), "ar.heads"),
    ("empty-scales", _sub("scales = [1, 2]", "scales = []"), "latent.scales"),
    ("zero-side", _sub("scales = [1, 2]", "scales = [1, 0]"), "latent.scales[1]"),
    ("scalar-scales", _sub("scales = [1, 2]", "scales = 4"), "latent.scales"),
    ("too-many-scales", _sub("scales = [1, 2]", f"scales = {[1] * 13}"), "latent.scales"),
    ("zero-denominator", _sub("attention_scale = [1, 2]", "attention_scale = [1, 0]"),
     "ar.attention_scale"),
    ("short-ratio", _sub("attention_scale = [1, 2]", "attention_scale = [1]"),
     "ar.attention_scale"),
    ("irrational-default-scale", _sub("attention_scale = [1, 2]\n", ""), "ar.attention_scale"),
    ("head-dim-not-divisor", _sub("heads = 2\nhead_dim = 2", "heads = 3"), "ar.head_dim"),
    ("zero-euler", _sub("euler_updates = 2", "euler_updates = 0"), "sampling.euler_updates"),
    ("float-precision", _sub("precision = 8", "precision = 1e3"), "numerics.precision"),
    ("ar-not-table", _sub("[ar]\n", 'ar = "x"\n[ar_]\n'), "ar"),
    ("missing-flow-head", _sub("[flow_head]\nwidth = 4\nheads = 2\nffn_width = 16\nlayers = 1\n",
                               ""), "flow_head"),
    ("negative-flow-layers", _sub("layers = 1\n\n[sampling]", "layers = -1\n\n[sampling]"),
     "flow_head.layers"),
    ("no-ar-layers", _sub("decoder_layers = 1", "decoder_layers = 0"), "ar.decoder_layers"),
    ("zero-bound", GOOD + "\n[bounds]\nmax_scales = 0\n", "bounds.max_scales"),
    ("fast-target-and-degree", GOOD + "\n[fast_attention]\nentry_bound = 1\nlog_constant = 5\n"
     "target_error_exp = 2\ntaylor_degree = 3\n", "fast_attention.target_error_exp"),
    ("description-not-string", _sub('description = "a valid base config"', "description = 3"),
     "description"),
    ("not-toml", GOOD + "\nwidth = = 3\n", "not valid TOML"),
]


@pytest.mark.parametrize(("case", "text", "field"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_config_exits_2_naming_the_field_and_writes_nothing(
    case: str, text: str, field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = sorted(p.name for p in tmp_path.iterdir())
    for command in ("obligations", "witnesses"):
        code = cli.main([command, str(config), "--out", str(out), "--root", str(REPO)])
        err = capsys.readouterr().err
        assert code == 2, (case, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert str(config) in lines[0]
        assert field in lines[0], (field, lines[0])
        assert "Traceback" not in err
    assert not out.exists()
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bad_corpus_is_large_and_covers_injection_and_traversal() -> None:
    ids = {c[0] for c in BAD_CASES}
    assert len(ids) == len(BAD_CASES) >= 25
    assert {"coq-injection-name", "path-traversal-name"} <= ids


def test_missing_and_non_utf8_config_exit_2(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.toml"
    assert cli.main(["obligations", str(missing), "--root", str(REPO),
                     "--out", str(tmp_path / "o")]) == 2
    assert "nope.toml" in capsys.readouterr().err
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"name = \"\xff\"\n")
    assert cli.main(["obligations", str(binary), "--root", str(REPO),
                     "--out", str(tmp_path / "o")]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------------------------
# Pure parts


def test_shipped_configs_validate_and_are_covered() -> None:
    names = set()
    for path in sorted(CONFIGS.glob("*.toml")):
        cfg = load_config(path)
        assert coverage_problems(cfg) == [], path
        names.add(cfg.name)
    assert names == {"tiny", "flowar_s", "flowar_l", "flowar_h"}


def test_released_s_is_not_covered_because_of_the_flow_head_width() -> None:
    cfg = load_config(CONFIGS / "uncovered" / "flowar-s-released.toml")
    problems = coverage_problems(cfg)
    assert any(p.startswith("flow_head.width 1024 differs from ar.width 768") for p in problems)


def test_non_geometric_scales_are_not_covered() -> None:
    cfg = parse_config({**_good_dict(), "latent": {"channels": 2, "scales": [1, 2, 3]}},
                       source="x")
    [problem] = coverage_problems(cfg)
    assert problem.startswith("latent.scales [1, 2, 3] is not a geometric schedule")


def _good_dict() -> dict[str, object]:
    import tomllib

    return tomllib.loads(GOOD)


def test_generated_file_has_the_numbers_as_literals_and_no_config_text() -> None:
    data = _good_dict()
    data["description"] = 'Axiom evil : False. *) (* "'
    data["ar"] = {**data["ar"], "width": 4, "ffn_width": 13}  # type: ignore[dict-item]
    cfg = parse_config(data, source="x")
    text, spans, evals = render(cfg, list(FACTS))
    assert "evil" not in text
    assert "Axiom" not in text
    assert re.search(r"ldff := 13;", text)
    assert set(spans) == {f.id for f in FACTS}
    assert len(evals) == sum(len(f.evals) for f in FACTS)
    for fid, (lo, hi) in spans.items():
        block = "\n".join(text.splitlines()[lo - 1:hi])
        fact = next(f for f in FACTS if f.id == fid)
        if fact.coq:
            assert re.search(rf"\b(Lemma|Theorem) {fid}\b", block)


def test_coq_error_maps_to_the_fact_lemma() -> None:
    stderr = ('File "./Obligations_x.v", line 42, characters 6-20:\n'
              'Error: Unable to unify "true" with "false".\n')
    line, message = parse_coq_error(stderr) or (0, "")
    assert (line, message) == (42, 'Unable to unify "true" with "false".')
    spans = {"hyp_a": (30, 33), "hyp_b": (40, 44)}
    assert fact_at_line(spans, 42) == "hyp_b"
    assert fact_at_line(spans, 35) is None
    assert parse_coq_error("no error here") is None


def test_eval_values_are_read_in_order() -> None:
    out = "     = 42135%N\n     : N\n     = 7\n     : N\n"
    assert parse_eval_values(out) == [42135, 7]


def test_dependents_are_transitive() -> None:
    deps = dependents("hyp_scales_le_K0", FACTS)
    assert {"thm_flowar_in_TC0", "thm_var_in_TC0"} <= deps
    assert "val_depth_bounds" not in deps


def test_fact_ids_are_unique_coq_identifiers() -> None:
    ids = [f.id for f in FACTS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9_]*", i) for i in ids)


# --------------------------------------------------------------------------------------------
# With the built library

LIBRARY_BUILT = all((REPO / "FlowARProofs" / p).is_file()
                    for p in ("Main.vo", "Pipeline/Resolution.vo", "Witnesses/Depth.vo"))
needs_library = pytest.mark.skipif(
    not (HAVE_COQ and LIBRARY_BUILT) and not os.environ.get("CI"),
    reason="needs coqc and the built library (run `make -j2`); always runs when CI is set",
)


def _depth_examples() -> dict[str, dict[str, int]]:
    """The numbers Witnesses/Depth.v proves (Example flowar_X_depth : ... = {| ... |})."""
    text = (REPO / "FlowARProofs" / "Witnesses" / "Depth.v").read_text()
    out: dict[str, dict[str, int]] = {}
    for m in re.finditer(r"Example flowar_(\w)_depth :\s*\S+ = \{\|(.*?)\|\}", text, re.DOTALL):
        out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(t_\w+) := (\d+)", m.group(2))}
    return out


@needs_library
def test_flowar_l_obligations_exit_0_with_a_checked_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    code = cli.main(["obligations", str(CONFIGS / "flowar-l.toml"), "--out", str(out),
                     "--root", str(REPO)])
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    for fid in ("hyp_scales_le_K0", "thm_flowar_in_TC0", "val_depth_bounds"):
        assert re.search(rf"^\s+{fid}\s+✓ checked by Coq", stdout, re.MULTILINE), fid
    data = json.loads((out / "obligations" / "flowar_l.json").read_text())
    assert data["ok"] is True
    assert data["covered"] is True
    assert data["provenance"]["inputs"]["configs/flowar-l.toml"]
    statuses = {f["id"]: f["status"] for f in data["facts"]}
    assert FAILED not in statuses.values()
    # the error bound needs the [error] table's constants; this config has none
    assert statuses["val_error_bound"] == "not applicable"
    reasons = {f["id"]: f["reason"] for f in data["facts"]}
    assert reasons["val_error_bound"] == "not evaluated: config has no [error] table"
    # the closed forms that are in the library are checked by Coq, with their numbers
    assert statuses["val_kv_cached_cost"] == "checked"
    assert statuses["val_fast_work"] == "checked"
    values = {f["id"]: f["values"] for f in data["facts"]}
    kv = values["val_kv_cached_cost"]
    assert kv["kv_cached_cost"] == kv["kv_ar_attn"] + kv["kv_fh_attn"] + kv["kv_rest"]
    # the cache saves work: below the exact program's work (K = 5 scales, recomputation)
    assert 0 < kv["kv_cached_cost"] < values["val_exact_work"]["work_total"]
    assert values["val_fast_work"]["fast_work"] > 0


@needs_library
def test_every_needed_name_is_in_the_library_or_planned() -> None:
    """A fact's `needs` names either exist in the built library's .glob files or are in the
    explicit PLANNED list: a stale or misspelt name fails here instead of silently reading
    "not yet proved"."""
    modules = {n.rsplit(".", 1)[0] for f in FACTS for n in (*f.needs, f.theorem) if "." in n}
    known = library_names(REPO, modules)
    for f in FACTS:
        for name in (*f.needs, f.theorem):
            assert name in known or name in PLANNED, (f.id, name)
    assert all(name not in known for name in PLANNED), "a planned name exists: wire it"


@needs_library
@pytest.mark.parametrize(("config", "key"), [("flowar-s.toml", "S"), ("flowar-l.toml", "L"),
                                              ("flowar-h.toml", "H")])
def test_witnesses_match_witnesses_depth_v(config: str, key: str, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert cli.main(["witnesses", str(CONFIGS / config), "--out", str(out),
                     "--root", str(REPO)]) == 0
    name = load_config(CONFIGS / config).name
    data = json.loads((out / "witnesses" / f"{name}.json").read_text())
    w = data["witnesses"]
    expected = _depth_examples()[key]
    for field in ("std", "sum", "exp", "sqrt", "const"):
        assert w[f"depth_{field}"]["value"] == expected[f"t_{field}"]
        assert w[f"depth_{field}"]["computed_by"] == \
            "FlowARProofs.Witnesses.Depth.flowar_depth_terms"
    assert data["provenance"]["command"].startswith("flowar-proofs witnesses")


@needs_library
def test_tiny_witnesses_follow_the_definitions(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert cli.main(["witnesses", str(CONFIGS / "tiny.toml"), "--out", str(out),
                     "--root", str(REPO)]) == 0
    w = json.loads((out / "witnesses" / "tiny.json").read_text())["witnesses"]
    cfg = load_config(CONFIGS / "tiny.toml")
    # K·2·(L + T·Lf): the depth lower bound of flowar_circuit_depth_ge
    K, L, Lf, T = cfg.K, cfg.layers, cfg.flow_layers, cfg.euler_updates
    assert w["depth_lower"]["value"] == K * 2 * (L + T * Lf)
    # dimB at first side 1: all tokens + width + head width + heads + FFN + channels + 1
    tokens = sum(s * s for s in cfg.scales)
    assert w["dim_bound"]["value"] == (tokens + cfg.ar.width + cfg.ar.head_dim + cfg.ar.heads
                                       + cfg.ar.ffn_width + cfg.channels + 1)
    for entry in w.values():
        assert entry["computed_by"].startswith("FlowARProofs.")
        assert entry["fact"].startswith("Obligations_tiny.")


VIOLATING = (CONFIGS / "tiny.toml").read_text().replace(
    'name = "tiny"', 'name = "six_scales"').replace(
    "scales = [1, 2]", "scales = [1, 2, 4, 8, 16, 32]") + "\n[bounds]\nmax_scales = 5\n"


@needs_library
def test_violated_hypothesis_exits_1_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "six.toml"
    config.write_text(VIOLATING)
    out = tmp_path / "r"
    assert cli.main(["obligations", str(config), "--out", str(out), "--root", str(REPO)]) == 1
    captured = capsys.readouterr()
    assert re.search(r"^\s+hyp_scales_le_K0\s+✗ failed \(K = 6, K0 = bounds.max_scales = 5; "
                     r"Coq: ", captured.out, re.MULTILINE), captured.out
    assert "FAIL hyp_scales_le_K0" in captured.err
    data = json.loads((out / "obligations" / "six_scales.json").read_text())
    status = {f["id"]: (f["status"], f["reason"]) for f in data["facts"]}
    assert status["thm_flowar_in_TC0"] == ("failed", "not instantiated: hyp_scales_le_K0 failed")
    assert status["hyp_layers_le_L0"][0] == "checked"  # a sibling row is still checked
    assert status["val_depth_bounds"][0] == "checked"  # does not depend on K0


# tiny with two AR layers and two flow-head layers, every [bounds] constant 1 below the config
ALL_BOUNDS_VIOLATED = (CONFIGS / "tiny.toml").read_text().split("[fast_attention]")[0].replace(
    'name = "tiny"', 'name = "over_bounds"').replace(
    "decoder_layers = 1", "decoder_layers = 2").replace("layers = 1", "layers = 2") + (
    "\n[bounds]\nmax_scales = 1\nmax_layers = 1\nmax_flow_layers = 1\n"
    "max_euler_updates = 1\n")


@needs_library
def test_every_hypothesis_row_of_flowar_in_tc0_can_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row is a check that can fail: this config fails every hypothesis row of the headline
    theorem (1 <= K, a, c, s0, FFN are not rows: validation guarantees them)."""
    config = tmp_path / "over.toml"
    config.write_text(ALL_BOUNDS_VIOLATED)
    out = tmp_path / "r"
    assert cli.main(["obligations", str(config), "--out", str(out), "--root", str(REPO)]) == 1
    stdout = capsys.readouterr().out
    for fid, side in (("hyp_scales_le_K0", "K = 2, K0 = bounds.max_scales = 1"),
                      ("hyp_layers_le_L0", "L = 2, L0 = bounds.max_layers = 1"),
                      ("hyp_flow_layers_le_Lf0", "Lf = 2, Lf0 = bounds.max_flow_layers = 1"),
                      ("hyp_euler_le_T0", "T = 2, T0 = bounds.max_euler_updates = 1")):
        assert re.search(rf"^\s+{fid}\s+✗ failed \({re.escape(side)}; Coq: ", stdout,
                         re.MULTILINE), (fid, stdout)
    data = json.loads((out / "obligations" / "over_bounds.json").read_text())
    status = {f["id"]: f["status"] for f in data["facts"]}
    failed = {fid for fid, st in status.items() if st == "failed"}
    assert {f.id for f in FACTS if f.kind == HYPOTHESIS and f.theorem == TC0} <= failed
    assert status["thm_flowar_in_TC0"] == status["thm_var_in_TC0"] == "failed"
    # its proof re-checks 1 <= s0, a, FFN by computation, and none of it depends on K0 ... T0
    assert status["val_depth_bounds"] == "checked"


@needs_library
def test_not_covered_config_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = CONFIGS / "uncovered" / "flowar-s-released.toml"
    assert cli.main(["obligations", str(config), "--out", str(tmp_path),
                     "--root", str(REPO)]) == 1
    assert "not covered: flow_head.width 1024 differs from ar.width 768" in \
        capsys.readouterr().out


@needs_library
def test_concurrent_runs_do_not_clobber(tmp_path: Path) -> None:
    """Two configs checked at once (as `all` does: threads, one temp dir per run, atomic
    writes). Separate `cli.main` calls are separate processes in real use: `main` kills every
    child of its process on exit, so two concurrent `main`s in one process would not do."""
    results: dict[str, object] = {}

    def run(config: str) -> None:
        res = check_config(REPO, CONFIGS / config, timeout=300)
        write_results(res, tmp_path, root=REPO, command=["test"])
        results[config] = res

    threads = [threading.Thread(target=run, args=(c,)) for c in ("tiny.toml", "flowar-s.toml")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {"tiny.toml", "flowar-s.toml"}
    tiny = json.loads((tmp_path / "witnesses" / "tiny.json").read_text())
    small = json.loads((tmp_path / "witnesses" / "flowar_s.json").read_text())
    assert tiny["config"] == "tiny"
    assert small["config"] == "flowar_s"
    assert tiny["witnesses"]["depth_std"]["value"] != small["witnesses"]["depth_std"]["value"]
    assert (tmp_path / "obligations" / "tiny.json").is_file()
    assert not list(tmp_path.rglob(".*.tmp"))


@needs_library
def test_report_shows_a_table_per_config(tmp_path: Path) -> None:
    assert cli.main(["obligations", str(CONFIGS / "tiny.toml"), "--out", str(tmp_path),
                     "--root", str(REPO)]) == 0
    assert cli.main(["report", "--out", str(tmp_path), "--root", str(REPO)]) in (0, 1)
    page = (tmp_path / "index.html").read_text()
    assert 'id="config-tiny"' in page
    assert page.count("✓ checked by Coq") >= 10
    # tiny's [error] table: the proven bound and the stated (assumed) constants are shown
    assert "val_error_bound" in page
    assert "assumed" in page


@needs_library
def test_all_step_checks_every_shipped_config(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The obligations step of `flowar-proofs all` (two configs at a time)."""
    assert cli._obligations_all(REPO, tmp_path, 300) == 0
    names = {load_any_config(p).name for p in [*CONFIGS.glob("*.toml"),
                                               *(CONFIGS / "released").glob("*.toml")]}
    assert {p.stem for p in (tmp_path / "obligations").glob("*.json")} == names
    assert {p.stem for p in (tmp_path / "witnesses").glob("*.json")} == names
    assert capsys.readouterr().out.count("✓ checked by Coq") >= 4 * 10


@needs_library
def test_head_dim_too_large_for_fast_attention_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "dh.toml"
    config.write_text((CONFIGS / "flowar-s.toml").read_text()
                      .replace("log_constant = 615", "log_constant = 10")
                      .replace('name = "flowar_s"', 'name = "dh_too_large"'))
    assert cli.main(["obligations", str(config), "--out", str(tmp_path),
                     "--root", str(REPO)]) == 1
    assert re.search(r"hyp_fast_head_dim_log\s+✗ failed \(d_h = 64, C = 10, n = 16",
                     capsys.readouterr().out)


@needs_library
@pytest.mark.parametrize(("config", "key"), [("tiny.toml", "tiny"), ("flowar-s.toml", "S"),
                                              ("flowar-h.toml", "H")])
def test_exact_work_witnesses_match_witnesses_runtime_v(config: str, key: str,
                                                        tmp_path: Path) -> None:
    text = (REPO / "FlowARProofs" / "Witnesses" / "Runtime.v").read_text()
    m = re.search(rf"Example runtime_{key} : .*? = \{{\|(.*?)\|\}}", text, re.DOTALL)
    assert m, key
    expected = {k: int(v) for k, v in re.findall(r"w_(\w+) := (\d+)", m.group(1))}
    assert cli.main(["witnesses", str(CONFIGS / config), "--out", str(tmp_path),
                     "--root", str(REPO)]) == 0
    name = load_config(CONFIGS / config).name
    w = json.loads((tmp_path / "witnesses" / f"{name}.json").read_text())["witnesses"]
    assert {k: w[f"work_{k}"]["value"] for k in expected} == expected


def _least_taylor_degree(beta: int, target: int) -> int:
    """Independent of the code under test: the least g with 9^β·β^(g+1)·A ≤ (g+1)!
    (FastRank.v's criterion), by direct search."""
    g = 0
    while 9 ** beta * beta ** (g + 1) * target > math.factorial(g + 1):
        g += 1
    return g


@needs_library
@pytest.mark.parametrize(("scale", "beta"), [((1, 2), 1), ((1, 1), 2), ((3, 1), 6)])
def test_fast_score_range_follows_the_attention_scale(
    scale: tuple[int, int], beta: int, tmp_path: Path
) -> None:
    # tiny: d_h = 2, B = 1, n = 2, target 1/n^2. β = ⌈scale·d_h·B²⌉ (AttnStability's head_beta),
    # i.e. 1, 2, 6 here, not ⌈√d_h⌉·B² = 2 whatever the scale.
    config = tmp_path / "scaled.toml"
    config.write_text((CONFIGS / "tiny.toml").read_text()
                      .replace("attention_scale = [1, 2]",
                               f"attention_scale = [{scale[0]}, {scale[1]}]"))
    assert cli.main(["obligations", str(config), "--out", str(tmp_path / "r"),
                     "--root", str(REPO)]) == 0
    data = json.loads((tmp_path / "r" / "obligations" / "tiny.json").read_text())
    values = {f["id"]: f["values"] for f in data["facts"]}["val_fast_degree"]
    assert values["fast_beta"] == beta
    assert values["fast_degree"] == _least_taylor_degree(beta, 2 ** 2)
    g = values["fast_degree"]
    assert values["fast_rank"] == math.comb(2 + g, g)
