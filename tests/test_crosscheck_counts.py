"""numpy op counts = Coq's closed forms (runtime witnesses), per kind, for every config.

The expected numbers come only from Coq: the module fixture runs `flowar-proofs witnesses` on
each configs/*.toml (coqc `Eval vm_compute` of `runtime_witness cfg`) and the checks compare
the numpy model's shape-only count run against them. Mutations of the numpy model (attention
scale dropped, block-causal mask off by one, residual dropped) and a changed witness constant
must each make `crosscheck` exit 1 with a module/kind/expected/got line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from coq_fixture_support import HAVE_COQ, REPO  # noqa: E402

from py_bridge import cli, coq, report  # noqa: E402
from py_bridge.crosscheck import counts  # noqa: E402
from py_bridge.errors import BridgeError  # noqa: E402
from py_bridge.obligations.config import load_config  # noqa: E402

CONFIGS = sorted((REPO / "configs").glob("*.toml"))
MISMATCH = re.compile(r"^MISMATCH config=(\S+) module=.+ kind=(\w+) expected=(\d+) got=(\d+)$")


def _library_built() -> bool:
    try:
        project = coq.load_coqproject(REPO)
    except coq.UsageError:
        return False
    return not coq.unbuilt_files(REPO, project)


needs_built_library = pytest.mark.skipif(
    not os.environ.get("CI") and not (HAVE_COQ and _library_built()),
    reason="needs coqc and the built library (make); always runs when CI is set",
)


# ---- pure -----------------------------------------------------------------------------------


def test_model_config_follows_the_toml() -> None:
    cfg = load_config(REPO / "configs" / "tiny.toml")
    m = counts.model_config(cfg)
    assert (m.K, m.s0, m.a, m.c) == (2, 1, 2, 2)  # scales [1, 2], channels 2
    assert (m.d, m.heads, m.dh, m.dff) == (4, 2, 2, 16)
    assert (m.L, m.Lf, m.T) == (1, 1, 2)
    assert m.scale == 0.5  # attention_scale = [1, 2], not 1/sqrt(2)


def test_coq_kinds_map_to_numpy_kinds() -> None:
    doc = {"witnesses": {k: {"value": i, "computed_by": f"Coq.{k}"}
                         for i, k in enumerate(counts.KIND_OF_WITNESS)}}
    expected, names = counts.coq_expected(doc, source="t")
    assert set(expected) == {"add", "mul", "div", "max", "exp", "sqrt", "total"}
    assert expected["max"] == list(counts.KIND_OF_WITNESS).index("work_cmp")
    assert names["max"] == "Coq.work_cmp"


def test_malformed_witness_value_is_bad_input() -> None:
    with pytest.raises(BridgeError, match="witnesses.work_add"):
        counts.coq_expected({"witnesses": {"work_add": {"value": "12"}}}, source="t")


def test_missing_witness_file_is_reported_without_numbers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "counts",
                     "--witnesses", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    for path in CONFIGS:
        name = load_config(path).name
        assert f"crosscheck counts {name}: no witness: no file" in out
    assert "numpy = Coq" not in out
    assert "no evaluated ‖fast − exact‖∞ bound for the configs" in out
    assert "crosscheck --only bound" in out        # where the bound is evaluated instead


def test_witnesses_not_a_directory_exits_2(tmp_path: Path) -> None:
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "counts",
                     "--witnesses", str(tmp_path / "nope")]) == 2


# ---- against Coq ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def witnesses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("w")
    for path in CONFIGS:
        assert cli.main(["witnesses", str(path), "--root", str(REPO), "--out", str(out)]) == 0
    return out / "witnesses"


def _run(witnesses: Path, *extra: str) -> int:
    return cli.main(["crosscheck", "--root", str(REPO), "--only", "counts",
                     "--witnesses", str(witnesses), *extra])


@needs_built_library
def test_numpy_counts_equal_coq_for_every_config(
        witnesses: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(CONFIGS) >= 4  # tiny, S, L, H
    assert _run(witnesses, "--out", str(tmp_path)) == 0
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "crosscheck.json").read_text())
    assert data["ok"] is True
    assert data["provenance"]["command"] == "flowar-proofs crosscheck"
    assert data["error"]["bound"] is None  # no pipeline bound proved: no number is invented
    names = {load_config(p).name for p in CONFIGS}
    assert {c["config"] for c in data["configs"]} == names
    for c in data["configs"]:
        assert c["status"] == "ok"
        assert f"crosscheck counts {c['config']}: numpy = Coq" in out
        # the expected side is Coq's, with the Coq name that computed it
        assert c["computed_by"]["mul"] == "FlowARProofs.Witnesses.Runtime.runtime_witness"
        coq_doc = json.loads((witnesses / f"{c['config']}.json").read_text())
        assert c["expected"]["max"] == coq_doc["witnesses"]["work_cmp"]["value"]
        assert c["got"] == c["expected"]
        assert c["got"]["total"] == sum(v for k, v in c["got"].items() if k != "total")
    # the report shows the table
    report.build_report(REPO, out=tmp_path)
    html = (tmp_path / "index.html").read_text()
    assert 'id="crosscheck-table"' in html
    assert "op counts: all equal" in html


@needs_built_library
@pytest.mark.parametrize("mutation", counts.MUTATIONS)
def test_each_numpy_mutation_fails(witnesses: Path, mutation: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(witnesses, "--mutate", mutation) == 1
    lines = [m for line in capsys.readouterr().out.splitlines() if (m := MISMATCH.match(line))]
    assert lines, "no MISMATCH line"
    assert all(int(m.group(3)) != int(m.group(4)) for m in lines)
    assert "tiny" in {m.group(1) for m in lines}


@needs_built_library
def test_a_changed_witness_constant_fails(witnesses: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    changed = tmp_path / "witnesses"
    shutil.copytree(witnesses, changed)
    path = changed / "tiny.json"
    doc = json.loads(path.read_text())
    coq_value = doc["witnesses"]["work_exp"]["value"]
    doc["witnesses"]["work_exp"]["value"] = coq_value + 1
    path.write_text(json.dumps(doc))
    assert _run(changed) == 1
    out = capsys.readouterr().out
    assert (f"MISMATCH config=tiny module={counts.ALL} kind=exp expected={coq_value + 1} "
            f"got={coq_value}") in out


def test_malformed_witnesses_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    (tmp_path / "tiny.json").write_text("{not json")
    assert cli.main(["crosscheck", "--root", str(REPO), "--only", "counts",
                     "--witnesses", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "tiny.json" in err
    assert "Traceback" not in err
