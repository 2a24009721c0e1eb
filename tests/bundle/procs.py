"""Child processes for the bundle tests, watched line by line in asyncio.

Every wait is on a condition (a line matching a pattern, an exit) with a
timeout that fails the test with what the process printed so far; there are
no fixed sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

STREAMS = ("stdout", "stderr")

# Lines a healthy run may log at WARNING on this test's setup, and why.
ALLOWED_WARNINGS = (
    # The clean environment has no LANG; Qt says it switched to C.UTF-8.
    re.compile(r'^WARNING qt: Detected locale "C" with character encoding'),
    # The offscreen platform plugin cannot pass size hints to a window manager.
    re.compile(r"^WARNING qt: This plugin does not support propagateSizeHints\(\)"),
)
LEVELS = re.compile(r"^(WARNING|ERROR|CRITICAL)\b")


class Proc:
    """A running child with its output collected as it arrives."""

    def __init__(self, name: str, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.process = process
        self.lines: dict[str, list[str]] = {s: [] for s in STREAMS}
        self._changed = asyncio.Event()
        self._readers = [asyncio.ensure_future(self._read(s, getattr(process, s))) for s in STREAMS]
        self._cursor: dict[str, int] = {s: 0 for s in STREAMS}

    async def _read(self, stream: str, reader: asyncio.StreamReader | None) -> None:
        assert reader is not None
        while True:
            raw = await reader.readline()
            if not raw:
                break
            self.lines[stream].append(raw.decode("utf-8", "replace").rstrip("\n"))
            self._changed.set()
        self._changed.set()

    def text(self, stream: str) -> str:
        return "\n".join(self.lines[stream])

    def describe(self) -> str:
        return (
            f"--- {self.name} stdout ---\n{self.text('stdout')}\n"
            f"--- {self.name} stderr ---\n{self.text('stderr')}"
        )

    async def wait_for(
        self,
        stream: str,
        match: Callable[[str], Any],
        timeout: float,
        what: str,
        watch: Proc | None = None,
    ) -> Any:
        """The first truthy match(line) among lines not yet consumed on stream.

        Lines before the matching one are consumed too, so successive waits
        read the stream in order. With `watch`, fail as soon as that other
        process exits (it was to cause the line).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            lines = self.lines[stream]
            while self._cursor[stream] < len(lines):
                line = lines[self._cursor[stream]]
                self._cursor[stream] += 1
                found = match(line)
                if found:
                    return found
            for proc in (self, watch):
                if proc is not None and proc.exited():
                    raise AssertionError(
                        f"{proc.name} exited ({proc.process.returncode}) before {what}\n"
                        + self.describe()
                        + ("\n" + watch.describe() if watch is not None else "")
                    )
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}\n" + self.describe()
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))

    def exited(self) -> bool:
        """Gone, and everything it wrote has been read."""
        return self.process.returncode is not None and all(r.done() for r in self._readers)

    async def wait_regex(
        self,
        stream: str,
        pattern: str,
        timeout: float,
        what: str = "",
        watch: Proc | None = None,
    ) -> re.Match[str]:
        regex = re.compile(pattern)
        result: re.Match[str] = await self.wait_for(
            stream, regex.search, timeout, what or repr(pattern), watch
        )
        return result

    async def wait_event(self, timeout: float, what: str, **fields: object) -> dict[str, Any]:
        """The next JSON line on stdout whose keys have the given values."""

        def match(line: str) -> dict[str, Any] | None:
            try:
                event = json.loads(line)
            except ValueError:
                return None
            if isinstance(event, dict) and all(event.get(k) == v for k, v in fields.items()):
                return event
            return None

        result: dict[str, Any] = await self.wait_for("stdout", match, timeout, what)
        return result

    async def send(self, command: Mapping[str, object]) -> None:
        stdin = self.process.stdin
        assert stdin is not None, f"{self.name} was started without a stdin pipe"
        stdin.write((json.dumps(command) + "\n").encode())
        await stdin.drain()

    async def exit_code(self, timeout: float) -> int:
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"{self.name} did not exit within {timeout} s\n" + self.describe()
            ) from None
        await asyncio.gather(*self._readers)
        return code

    async def interrupt(self, timeout: float = 20.0) -> int:
        """SIGINT, as Ctrl+C in a terminal, then the exit code."""
        self.process.send_signal(signal.SIGINT)
        return await self.exit_code(timeout)

    async def close(self) -> None:
        """Make sure the child is gone and every pipe is closed."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        await asyncio.gather(*self._readers, return_exceptions=True)

    def assert_clean_stderr(self) -> None:
        """No traceback, and nothing logged at WARNING or above but the known notes."""
        text = self.text("stderr")
        assert "Traceback" not in text, f"{self.name} printed a traceback\n" + self.describe()
        unexpected = [
            line
            for line in self.lines["stderr"]
            if LEVELS.match(line) and not any(p.match(line) for p in ALLOWED_WARNINGS)
        ]
        assert not unexpected, f"{self.name} logged {unexpected}\n" + self.describe()


@contextlib.asynccontextmanager
async def running(
    name: str,
    argv: Sequence[str | Path],
    env: Mapping[str, str],
    *,
    stdin: bool = False,
    cwd: Path | None = None,
) -> AsyncIterator[Proc]:
    process = await asyncio.create_subprocess_exec(
        *[str(a) for a in argv],
        env=dict(env),
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=16 * 1024 * 1024,
    )
    proc = Proc(name, process)
    try:
        yield proc
    finally:
        await proc.close()
