"""Run coqdoc over the project and read the anchors of the pages it writes.

coqdoc names a module's page ``<Library.Module>.html`` and gives each declaration the anchor
``<modpath.>name`` (from the .glob files), so a node links to ``coqdoc/<module>.html#<anchor>``.
dpd2dot's link names (``path.name`` with the shortest qualid) are not these: we map through the
fully qualified names resolved from the .glob files instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from py_bridge.coq.runner import run
from py_bridge.errors import BridgeError, one_line

_ANCHOR_RE = re.compile(r"""<a\s+(?:[^>]*?\s)?(?:id|name)\s*=\s*"([^"]*)\"""")


class CoqdocError(BridgeError):
    """coqdoc failed or timed out."""


def page_anchors(text: str) -> set[str]:
    """The anchors (``id=``/``name=`` of ``<a>`` elements) of one coqdoc HTML page."""
    return {html.unescape(m.group(1)) for m in _ANCHOR_RE.finditer(text)}


def read_anchors(doc_dir: Path, modules: Sequence[str]) -> dict[str, set[str]]:
    """Anchors of each module's page; a module without a page maps to the empty set."""
    anchors: dict[str, set[str]] = {}
    for mod in modules:
        page = doc_dir / f"{mod}.html"
        anchors[mod] = page_anchors(page.read_text(encoding="utf-8")) if page.is_file() else set()
    return anchors


def href(module: str, anchor: str, prefix: str = "coqdoc/") -> str:
    """Relative link from report/ to a declaration's coqdoc anchor (or its page)."""
    page = f"{prefix}{quote(module)}.html"
    return f"{page}#{quote(anchor, safe='._-:')}" if anchor else page


def run_coqdoc(
    coqdoc: str,
    root: Path,
    loadpath_flags: Sequence[str],
    files: Sequence[str],
    out_dir: Path,
    timeout: float = 300.0,
) -> None:
    """``coqdoc --html -d out_dir <-Q/-R flags> files`` (run from the project root)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CoqdocError(f"{out_dir}: cannot create: {err.strerror}") from None
    cmd = [coqdoc, "--html", "--utf8", "--toc", "-d", str(out_dir), *loadpath_flags, *files]
    result = run(cmd, cwd=root, timeout=timeout)
    if not result.ok:
        raise CoqdocError(f"coqdoc: {result.describe()}: {one_line(result.stderr)}")
