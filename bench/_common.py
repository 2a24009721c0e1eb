"""Shared parts of the benchmarks: the Node flood server, worker processes, statistics.

Every figure is measured in fresh worker processes (bench/worker.py), one
configuration at a time, alternating, so that a baseline and the app see
the same machine in the same run. Only loopback traffic.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PYTHON = sys.executable
INTEROP = ROOT / "tests" / "interop"


def env(source: Path | None = None) -> dict[str, str]:
    """The environment of a bench process; `source` is where desktop_chat is
    imported from (default: this checkout), e.g. an export of an older commit."""
    e = dict(os.environ)
    e["QT_QPA_PLATFORM"] = "offscreen"
    e["PYTHONPATH"] = str(source or ROOT)
    e.setdefault("XDG_RUNTIME_DIR", "/tmp")
    return e


def check_node() -> None:
    if shutil.which("node") is None:
        sys.exit("node is needed for this benchmark (Node.js 20+)")
    if not (INTEROP / "node_modules" / "socket.io").is_dir():
        sys.exit(f"run `npm ci` in {INTEROP} first")


class Lines:
    """A process whose stdout is read line by line (JSON or text) in a thread."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path = ROOT,
        quiet: bool = False,
        source: Path | None = None,
    ) -> None:
        self.proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env(source),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if quiet else None,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))
        self.lines.put((time.monotonic(), ""))

    def send(self, obj: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()

    def next_line(self, timeout: float = 60.0) -> str:
        _, line = self.lines.get(timeout=timeout)
        if not line and self.proc.poll() is not None:
            raise RuntimeError(f"{self.proc.args!r} exited with {self.proc.returncode}")
        return line

    def next_event(self, name: str, timeout: float = 300.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.1, deadline - time.monotonic()))
            if line.startswith("{"):
                event = json.loads(line)
                if event.get("event") == name:
                    return dict(event)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


class FloodServer(Lines):
    """bench/flood_server.js: a socket.io 4.8 server that floods on command."""

    def __init__(self) -> None:
        check_node()
        super().__init__(["node", str(BENCH / "flood_server.js")])
        line = self.next_line(30)
        if not line.startswith("LISTENING "):
            raise RuntimeError(f"flood server said {line!r}")
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"


class Worker(Lines):
    """bench/worker.py in its own process: one receiver configuration.

    `source`: import desktop_chat from there instead (see split_mode).
    """

    def __init__(self, *args: str, source: Path | None = None) -> None:
        super().__init__([PYTHON, str(BENCH / "worker.py"), *args], source=source)


def export_commit(commit: str, into: Path) -> Path:
    """desktop_chat/ as it was at `commit` (git archive), to measure the app before a change."""
    archive = subprocess.run(
        ["git", "archive", commit, "desktop_chat"], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def split_mode(mode: str) -> tuple[str, list[str], bool]:
    """'app-fast+nofreeze@before' -> ('app-fast', ['--no-freeze'], True).

    +nofreeze leaves out the gc.freeze() the app does once its window is up
    (to see what it buys); +inspector opens the packet inspector first;
    @before runs the app as of --before COMMIT.
    """
    mode, at, when = mode.partition("@")
    if at and when != "before":
        raise SystemExit(f"unknown mode suffix @{when}")
    name, *patches = mode.split("+")
    flags = {"nofreeze": "--no-freeze", "inspector": "--inspector"}
    return name, [flags[p] for p in patches], bool(at)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for a server about to start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_ms(value: float) -> str:
    return "—" if value != value else f"{value:.1f}"
