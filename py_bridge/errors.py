"""The error boundary's vocabulary: exit codes and the one exception for expected failures.

Every failure that is the user's or the environment's to fix (a file that is missing, not UTF-8
or malformed; a directory that cannot be written; a tool that is not installed or fails; a
timeout) is raised as `BridgeError` with a message that names the path or field and the reason.
`py_bridge.cli.main` prints it as one line and exits `EXIT_USAGE` (2). A check that ran and
failed is not an exception: the API returns a result whose `ok` is False, and the CLI exits
`EXIT_FAILED` (1). Anything else escaping as a traceback is a bug.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # a check ran and failed
EXIT_USAGE = 2  # bad usage or input, a missing tool, an unwritable output: nothing was checked
EXIT_INTERRUPTED = 130


class BridgeError(Exception):
    """An expected failure; the message is one line: ``<path or field>: <reason>``."""


#: Historical name, still exported by `py_bridge.coq`.
UsageError = BridgeError


class ToolchainError(BridgeError):
    """A required executable is missing."""


def one_line(text: str, limit: int = 300) -> str:
    """`text` (e.g. a tool's error output) as one line of at most `limit` characters: its last
    non-blank lines joined with " | "."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    out = " | ".join(lines[-4:])
    return out if len(out) <= limit else "..." + out[-(limit - 3):]
