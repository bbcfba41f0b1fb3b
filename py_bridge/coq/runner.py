"""The one subprocess runner: every external program the bridge starts goes through `run`,
`run_fed` or `stream` (coqc, coqchk, coqdoc, make, graphviz dot).

Each child starts in its own session (so a timeout can kill the whole process group, e.g. make
and its coqc children) and is registered while it runs; `kill_all` terminates every registered
group. `py_bridge.cli.main` calls it on every exit and from its SIGINT/SIGTERM handler, so Ctrl-C
never leaves a coqchk or coqc behind. A program that is not installed raises `BridgeError`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from py_bridge.errors import BridgeError

_LIVE: set[subprocess.Popen[str]] = set()
_LIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class RunResult:
    """Outcome of one subprocess run. `returncode` is None if it was killed for its timeout."""

    args: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def describe(self) -> str:
        """One line saying how the run ended, for error messages."""
        cmd = " ".join(self.args)
        if len(cmd) > 200:
            cmd = cmd[:197] + "..."
        if self.timed_out:
            return f"`{cmd}` timed out after {self.duration_s:.0f} s"
        return f"`{cmd}` exited with code {self.returncode} after {self.duration_s:.1f} s"


def _kill_group(proc: subprocess.Popen[str], grace: float = 5.0) -> None:
    """Terminate the process group we started for `proc` (TERM, then KILL after `grace` s)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    # members of the group may outlive the leader: make sure none is left
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def live_children() -> int:
    """How many child processes are running now (for tests)."""
    with _LIVE_LOCK:
        return len(_LIVE)


def kill_all() -> None:
    """Kill every running child's process group (safe to call from a signal handler)."""
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _kill_group(proc, grace=2.0)


def _start(argv: tuple[str, ...], cwd: Path | str, env: Mapping[str, str] | None,
           **kwargs: object) -> subprocess.Popen[str]:
    try:
        proc: subprocess.Popen[str] = subprocess.Popen(  # type: ignore[call-overload]
            argv,
            cwd=cwd,
            env=None if env is None else dict(env),
            text=True,
            errors="replace",
            start_new_session=True,
            **kwargs,
        )
    except FileNotFoundError:
        raise BridgeError(f"{argv[0]}: program not found (is it installed?)") from None
    except NotADirectoryError:
        raise BridgeError(f"{cwd}: not a directory (working directory of {argv[0]})") from None
    except PermissionError:
        raise BridgeError(f"{argv[0]}: permission denied (not executable?)") from None
    with _LIVE_LOCK:
        _LIVE.add(proc)
    return proc


def lower_priority(task: int, nice: int) -> None:
    """Make process (or, on Linux, thread) ``task`` ``nice`` steps nicer — best effort: a
    system that refuses leaves it as it is."""
    if nice <= 0:
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, task, os.getpriority(os.PRIO_PROCESS, task) + nice)


@contextlib.contextmanager
def _supervised(proc: subprocess.Popen[str], timeout: float) -> Iterator[threading.Event]:
    """While the block runs: ``proc``'s process group is killed after ``timeout`` seconds (the
    event yielded is then set) or on any exception (KeyboardInterrupt included); afterwards
    the process is no longer registered."""
    fired = threading.Event()

    def on_timeout() -> None:
        fired.set()
        _kill_group(proc)

    timer = threading.Timer(timeout, on_timeout)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        timer.cancel()
        _forget(proc)


def _forget(proc: subprocess.Popen[str]) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(proc)


def run(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | str,
    timeout: float,
    env: Mapping[str, str] | None = None,
    input: str | None = None,  # noqa: A002 - the subprocess name
    nice: int = 0,
) -> RunResult:
    """Run `args` in `cwd` (feeding `input` on stdin), capture stdout/stderr, and kill its whole
    process group on timeout or on any exception (KeyboardInterrupt included).  ``nice`` > 0
    runs it at a lower priority (background work beside a longer run)."""
    argv = tuple(str(a) for a in args)
    start = time.monotonic()
    proc = _start(argv, cwd, env,
                  stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lower_priority(proc.pid, nice)
    try:
        try:
            out, err = proc.communicate(input=input, timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = proc.communicate()
            timed_out = True
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        _forget(proc)
    return RunResult(
        args=argv,
        returncode=None if timed_out else proc.returncode,
        stdout=out,
        stderr=err,
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )


def run_fed(
    args: Sequence[str | os.PathLike[str]],
    chunks: Iterable[str],
    *,
    cwd: Path | str,
    timeout: float,
    env: Mapping[str, str] | None = None,
    nice: int = 0,
) -> RunResult:
    """`run`, with stdin fed from `chunks` as they are produced (a generator may compute them
    while the program already works on the first ones); stdout and stderr are captured. An
    exception raised by `chunks` kills the process group and is raised again."""
    argv = tuple(str(a) for a in args)
    start = time.monotonic()
    proc = _start(argv, cwd, env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE)
    lower_priority(proc.pid, nice)
    outputs: dict[str, str] = {}

    def drain(name: str, pipe: IO[str]) -> None:
        outputs[name] = pipe.read()

    assert proc.stdin is not None
    assert proc.stdout is not None
    assert proc.stderr is not None
    readers = [threading.Thread(target=drain, args=(name, pipe), daemon=True)
               for name, pipe in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    try:
        with _supervised(proc, timeout) as fired:
            try:
                for chunk in chunks:
                    proc.stdin.write(chunk)
                    proc.stdin.flush()  # the program may start on it while the next is made
                proc.stdin.close()
            except BrokenPipeError:
                pass  # it stopped reading (ended, or was killed): its exit code says why
            proc.wait()
    finally:
        for reader in readers:
            reader.join(timeout=10)
    timed_out = fired.is_set()
    return RunResult(
        args=argv,
        returncode=None if timed_out else proc.returncode,
        stdout=outputs.get("out", ""),
        stderr=outputs.get("err", ""),
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )


def stream(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | str,
    timeout: float,
    on_line: Callable[[str], None],
    env: Mapping[str, str] | None = None,
) -> RunResult:
    """Run `args` with stderr merged into stdout, calling `on_line` for each output line as it
    arrives; kill the process group after `timeout` seconds or on any exception. The full
    output is in `.stdout`."""
    argv = tuple(str(a) for a in args)
    start = time.monotonic()
    proc = _start(argv, cwd, env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                  stderr=subprocess.STDOUT, bufsize=1)
    lines: list[str] = []
    with _supervised(proc, timeout) as fired:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            on_line(line.rstrip("\n"))
        proc.wait()
    timed_out = fired.is_set()
    return RunResult(
        args=argv,
        returncode=None if timed_out else proc.returncode,
        stdout="".join(lines),
        stderr="",
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )
