"""Run coqdoc over the project and read the anchors of the pages it writes.

The pages are a build product: ``ensure_coqdoc`` keeps them in a cache directory (by default
``ROOT/build/coqdoc``, written by ``flowar-proofs build`` after make) with a stamp holding the
digest of everything coqdoc reads (every .v and .glob file, the command line, the coqdoc
executable) and the anchors of each page.  ``flowar-proofs graph`` copies the cached pages when
the stamp matches and runs coqdoc (~4 s of CPU) only when it does not.

coqdoc names a module's page ``<Library.Module>.html`` and gives each declaration the anchor
``<modpath.>name`` (from the .glob files), so a node links to ``coqdoc/<module>.html#<anchor>``.
dpd2dot's link names (``path.name`` with the shortest qualid) are not these: we map through the
fully qualified names resolved from the .glob files instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from py_bridge import atomic
from py_bridge.coq.runner import run
from py_bridge.errors import BridgeError, one_line

#: The stamp file of a coqdoc directory written by ``ensure_coqdoc``.
STAMP = "flowar-coqdoc.json"
STAMP_VERSION = 1
#: Where ``flowar-proofs build`` keeps the pages, relative to the project root.
DEFAULT_CACHE = Path("build") / "coqdoc"

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
    cmd = [coqdoc, *_OPTIONS, "-d", str(out_dir), *loadpath_flags, *files]
    result = run(cmd, cwd=root, timeout=timeout)
    if not result.ok:
        raise CoqdocError(f"coqdoc: {result.describe()}: {one_line(result.stderr)}")


_OPTIONS = ("--html", "--utf8", "--toc")


@dataclass(frozen=True)
class CoqdocPages:
    """A directory of coqdoc pages with the anchors of each module's page."""

    directory: Path
    anchors: dict[str, set[str]]
    reused: bool  # True: the cached pages were up to date, coqdoc did not run
    seconds: float


def inputs_key(
    coqdoc: str, root: Path, loadpath_flags: Sequence[str], files: Sequence[str]
) -> str:
    """Digest of what coqdoc's output depends on: the command line, the coqdoc executable
    (path, size, mtime) and the bytes of every .v file and its .glob file."""
    h = hashlib.sha256()
    exe = Path(shutil.which(coqdoc) or coqdoc)
    try:
        st = exe.stat()
        h.update(f"{exe.resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    except OSError:
        h.update(f"{exe}|missing\n".encode())
    h.update(json.dumps([list(_OPTIONS), list(loadpath_flags), list(files)]).encode())
    for vfile in files:
        for path in (root / vfile, (root / vfile).with_suffix(".glob")):
            try:
                data = path.read_bytes()
            except OSError:
                data = b"<missing>"
            h.update(f"{vfile}|{path.suffix}|{len(data)}\n".encode())
            h.update(data)
    return h.hexdigest()


def _read_stamp(directory: Path) -> dict[str, Any] | None:
    try:
        stamp = json.loads((directory / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) and stamp.get("version") == STAMP_VERSION else None


def _stamped_anchors(
    directory: Path, key: str, modules: Sequence[str]
) -> dict[str, set[str]] | None:
    """The anchors recorded in ``directory``'s stamp if it was written for ``key`` and every
    module page it names is there; else None."""
    stamp = _read_stamp(directory)
    if stamp is None or stamp.get("key") != key:
        return None
    recorded = stamp.get("anchors")
    if not isinstance(recorded, dict) or sorted(recorded) != sorted(modules):
        return None
    anchors: dict[str, set[str]] = {}
    for mod in modules:
        names = recorded[mod]
        if not isinstance(names, list) or (names and not (directory / f"{mod}.html").is_file()):
            return None
        anchors[mod] = {str(n) for n in names}
    return anchors


def _replace_dir(tmp: Path, target: Path) -> None:
    """Put the directory ``tmp`` at ``target`` (the old one, if any, is removed after)."""
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def ensure_coqdoc(
    coqdoc: str,
    root: Path,
    loadpath_flags: Sequence[str],
    files: Sequence[str],
    modules: Sequence[str],
    directory: Path,
    timeout: float = 300.0,
) -> CoqdocPages:
    """coqdoc pages of ``files`` in ``directory``, up to date with the sources and .glob files:
    kept as they are when the stamp matches, else written anew by coqdoc (into a temporary
    sibling directory, then swapped in, so a failed run leaves the old pages and no stamp for
    the new key).  Raises CoqdocError when coqdoc fails or the directory cannot be written."""
    t0 = time.monotonic()
    key = inputs_key(coqdoc, root, loadpath_flags, files)
    anchors = _stamped_anchors(directory, key, modules)
    if anchors is not None:
        return CoqdocPages(directory, anchors, True, time.monotonic() - t0)
    tmp = directory.with_name(f"{directory.name}.tmp-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        run_coqdoc(coqdoc, root, loadpath_flags, files, tmp, timeout=timeout)
        anchors = read_anchors(tmp, modules)
        stamp = {
            "version": STAMP_VERSION,
            "key": key,
            "anchors": {m: sorted(a) for m, a in anchors.items()},
        }
        atomic.write_json(tmp / STAMP, stamp, compact=True)
        _replace_dir(tmp, directory)
    except OSError as err:
        raise CoqdocError(f"{directory}: cannot write the coqdoc pages: {err.strerror}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return CoqdocPages(directory, anchors, False, time.monotonic() - t0)


def copy_pages(pages: CoqdocPages, target: Path, modules: Sequence[str]) -> CoqdocPages:
    """The pages of ``pages`` at ``target`` (copied unless ``target`` already holds the same
    stamp); raises CoqdocError if ``target`` cannot be written."""
    if pages.directory.resolve() == target.resolve():
        return pages
    stamp = _read_stamp(pages.directory)
    key = stamp.get("key") if stamp else None
    if isinstance(key, str) and _stamped_anchors(target, key, modules) is not None:
        return CoqdocPages(target, pages.anchors, pages.reused, pages.seconds)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(pages.directory, tmp)
        _replace_dir(tmp, target)
    except OSError as err:
        raise CoqdocError(f"{target}: cannot copy the coqdoc pages: {err.strerror}") from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp, ignore_errors=True)
    return CoqdocPages(target, pages.anchors, pages.reused, pages.seconds)
