"""The Coq toolchain seen from Python.

* `toolchain`: find executables (naming the Debian package of a missing one), timeouts;
* `runner`: the one subprocess runner (timeouts, process groups, kill on interrupt);
* `project`: `_CoqProject`, module names, what is built;
* `names`: name lists (allowlist, targets) and the allowlist matcher;
* `assumptions`: what `Print Assumptions` and `coqchk -o` print;
* `lex`, `glob`, `dpd`: Coq sources, `.glob` files, dpdgraph's `.dpd` files;
* `coqdoc`, `build`: the coqdoc and make steps;
* `scratch`: compile one generated .v against the built library (the cross-checks' vm_compute).

The names most callers need are re-exported here (`from py_bridge import coq; coq.run(...)`).
"""

from py_bridge.coq.project import (
    IDENT_RE,
    PROJECT_FILE,
    QUALID_RE,
    CoqProject,
    LoadPath,
    coqc_base_args,
    find_project_root,
    load_coqproject,
    longest_module_prefix,
    module_name,
    parse_coqproject,
    tokenize_coqproject,
    unbuilt_files,
)
from py_bridge.coq.runner import RunResult, kill_all, run, run_fed, stream
from py_bridge.coq.toolchain import (
    APT_PACKAGES,
    DEFAULT_BUILD_TIMEOUT,
    DEFAULT_COQC_TIMEOUT,
    DEFAULT_COQCHK_TIMEOUT,
    TOOL_PACKAGES,
    find_tool,
    have_tool,
    missing_tool_message,
    require_tools,
    timeout_from_env,
)
from py_bridge.errors import BridgeError, ToolchainError, UsageError

__all__ = [
    "APT_PACKAGES",
    "DEFAULT_BUILD_TIMEOUT",
    "DEFAULT_COQCHK_TIMEOUT",
    "DEFAULT_COQC_TIMEOUT",
    "IDENT_RE",
    "PROJECT_FILE",
    "QUALID_RE",
    "TOOL_PACKAGES",
    "BridgeError",
    "CoqProject",
    "LoadPath",
    "RunResult",
    "ToolchainError",
    "UsageError",
    "coqc_base_args",
    "find_project_root",
    "find_tool",
    "have_tool",
    "kill_all",
    "load_coqproject",
    "longest_module_prefix",
    "missing_tool_message",
    "module_name",
    "parse_coqproject",
    "require_tools",
    "run",
    "run_fed",
    "stream",
    "timeout_from_env",
    "tokenize_coqproject",
    "unbuilt_files",
]
