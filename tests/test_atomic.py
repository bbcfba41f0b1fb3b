"""Atomic writes leave either the old or the new file, never a partial one or a temp file."""

import json
from pathlib import Path

import pytest

from py_bridge import atomic
from py_bridge.errors import BridgeError


def test_write_json_creates_parents_and_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.json"
    atomic.write_json(target, {"z": 1, "a": [1, 2]})
    assert json.loads(target.read_text()) == {"z": 1, "a": [1, 2]}
    assert target.read_text().endswith("\n")
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


def test_failed_write_keeps_old_content_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    atomic.write_text(target, "old\n")

    def failing_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "replace", failing_replace)
        with pytest.raises(BridgeError, match="out.json: cannot write: no space left"):
            atomic.write_text(target, "new content that must not appear\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
