"""The coqdoc pages as a build product: written once, reused while the sources and .glob files
are unchanged, rewritten when they change, and never left half-written by a failed run.

Runs coqdoc on the compiled graph fixture (tests/coq/graph_fixture)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from coq_fixture_support import needs_coq  # noqa: E402
from graph_fixture_support import build_fixture, graph_kwargs  # noqa: E402

from py_bridge import cli, graph  # noqa: E402
from py_bridge.coq import load_coqproject  # noqa: E402
from py_bridge.coq.coqdoc import (  # noqa: E402
    STAMP,
    CoqdocError,
    CoqdocPages,
    copy_pages,
    ensure_coqdoc,
    page_anchors,
)

pytestmark = needs_coq


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("coqdoc") / "proj")


def _ensure(root: Path, directory: Path, coqdoc: str = "coqdoc") -> CoqdocPages:
    proj = load_coqproject(root)
    return ensure_coqdoc(coqdoc, root, proj.loadpath_flags(), proj.vfiles,
                         list(proj.modules()), directory, timeout=120)


def test_pages_written_then_reused_then_rewritten(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _ensure(project, cache)
    assert not first.reused
    modules = list(load_coqproject(project).modules())
    # the anchors recorded in the stamp are the ones in the pages coqdoc wrote
    for mod in modules:
        page = (cache / f"{mod}.html").read_text(encoding="utf-8")
        assert first.anchors[mod] == page_anchors(page)
        assert first.anchors[mod]  # every fixture module declares something
    mtime = (cache / STAMP).stat().st_mtime_ns

    second = _ensure(project, cache)
    assert second.reused
    assert second.anchors == first.anchors
    assert (cache / STAMP).stat().st_mtime_ns == mtime  # nothing rewritten

    # a changed source (here a comment) is a new key: coqdoc runs again
    proj = load_coqproject(project)
    vfile = project / proj.vfiles[0]
    first_page = cache / f"{proj.module_name(proj.vfiles[0])}.html"
    original, stat = vfile.read_bytes(), vfile.stat()
    try:
        vfile.write_bytes(original + b"\n(** zebracomment *)\n")
        third = _ensure(project, cache)
        assert not third.reused
        assert "zebracomment" in first_page.read_text(encoding="utf-8")
    finally:
        vfile.write_bytes(original)
        os.utime(vfile, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # still older than its .vo


def test_stamp_for_other_inputs_or_missing_page_is_not_trusted(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _ensure(project, cache)
    stamp = json.loads((cache / STAMP).read_text(encoding="utf-8"))
    stamp["key"] = "0" * 64
    (cache / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    assert not _ensure(project, cache).reused

    module = next(iter(load_coqproject(project).modules()))
    (cache / f"{module}.html").unlink()
    again = _ensure(project, cache)
    assert not again.reused
    assert (cache / f"{module}.html").is_file()


def test_failed_coqdoc_keeps_the_old_pages(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _ensure(project, cache)
    before = sorted(p.name for p in cache.iterdir())
    broken = tmp_path / "coqdoc"
    broken.write_text("#!/bin/sh\necho 'coqdoc: broken on purpose' >&2\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(CoqdocError, match="broken on purpose"):
        _ensure(project, cache, coqdoc=str(broken))
    assert sorted(p.name for p in cache.iterdir()) == before
    assert not any(p.name.startswith("cache.tmp") for p in tmp_path.iterdir())
    assert _ensure(project, cache).reused  # the old stamp still describes the old pages


def test_copy_pages_is_skipped_when_the_target_has_the_same_stamp(
    project: Path, tmp_path: Path
) -> None:
    pages = _ensure(project, tmp_path / "cache")
    modules = list(load_coqproject(project).modules())
    target = tmp_path / "out" / "coqdoc"
    copied = copy_pages(pages, target, modules)
    assert copied.directory == target
    assert sorted(p.name for p in target.iterdir()) == sorted(
        p.name for p in pages.directory.iterdir()
    )
    mtime = (target / STAMP).stat().st_mtime_ns
    copy_pages(pages, target, modules)
    assert (target / STAMP).stat().st_mtime_ns == mtime


def test_graph_reuses_the_build_pages(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runs = [
        graph.build_graph(project, out=tmp_path / f"out{i}", coqdoc_cache=cache,
                          **graph_kwargs(project))  # type: ignore[arg-type]
        for i in range(2)
    ]
    assert [r.timings["coqdoc_reused"] for r in runs] == [0.0, 1.0]
    assert runs[0].lemmas.nodes == runs[1].lemmas.nodes  # same anchors, same links
    for i in range(2):
        doc = tmp_path / f"out{i}" / "coqdoc"
        assert (doc / STAMP).is_file()
        # every node's coqdoc link points at a page that exists, with its anchor on it
        data = json.loads((tmp_path / f"out{i}" / "graph.json").read_text(encoding="utf-8"))
        linked = [n for n in data["nodes"] if "#" in n["coqdoc"]]
        assert linked
        for node in linked:
            page, anchor = node["coqdoc"].split("#", 1)
            text = (tmp_path / f"out{i}" / page).read_text(encoding="utf-8")
            assert anchor in page_anchors(text)


def test_build_command_writes_the_pages(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Makefile").write_text(
        "all:\n\t@echo nothing to build\n", encoding="utf-8"
    )
    assert cli.main(["build", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert "coqdoc pages:" in out
    assert "written to" in out
    assert (project / "build" / "coqdoc" / STAMP).is_file()
    assert cli.main(["build", "--root", str(project)]) == 0
    assert f"coqdoc pages: up to date in {project / 'build' / 'coqdoc'}" in (
        capsys.readouterr().out
    )


def test_unwritable_cache_falls_back_to_the_output_directory(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes anywhere: use a path whose parent is a regular file instead
        blocker = tmp_path / "file"
        blocker.write_text("x")
        cache = blocker / "coqdoc"
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        cache = ro / "sub" / "coqdoc"
    root = tmp_path / "proj"
    root.mkdir()
    (root / "_CoqProject").write_text("-Q . Fix\n", encoding="utf-8")
    opts = graph.resolve_options(root, coqdoc_cache=cache)
    assert opts.coqdoc_cache is None


def test_build_without_coqdoc_still_succeeds_and_says_so(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from py_bridge import coq
    from py_bridge.errors import ToolchainError

    real = coq.find_tool

    def no_coqdoc(name: str) -> Path:
        if name == "coqdoc":
            raise ToolchainError("coqdoc: not found (apt package coq)")
        return real(name)

    (project / "Makefile").write_text("all:\n\t@echo nothing to build\n", encoding="utf-8")
    monkeypatch.setattr(coq, "find_tool", no_coqdoc)
    assert cli.main(["build", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert "coqdoc pages: not built (coqdoc: not found" in out
