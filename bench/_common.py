"""Shared parts of the benchmarks: the Node flood server, worker processes, statistics.

Every figure is measured in fresh worker processes (bench/worker.py), one
configuration at a time, alternating, so that a baseline and the app see
the same machine in the same run. Only loopback traffic. Child processes
are tests/procs.py's `Child`, the one helper that the tests use too (the
benchmarks run from the repository root, `python -m bench.NAME`, where the
`tests` package is importable).
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.procs import Child, node_executable, source_env

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PYTHON = sys.executable
INTEROP = ROOT / "tests" / "interop"


def node() -> str:
    """Node.js (20+, see tests/procs.node_executable), or exit saying what is missing."""
    found = node_executable()
    if found is None:
        sys.exit("node is needed for this benchmark (Node.js 20+)")
    if not (INTEROP / "node_modules" / "socket.io").is_dir():
        sys.exit(f"run `npm ci` in {INTEROP} first")
    return found


def start(
    name: str, argv: Sequence[str | Path], *, quiet: bool = False, source: Path | None = None
) -> Child:
    """A bench child run from the repository root, desktop_chat imported from
    `source` (default: this checkout); its stderr shown unless `quiet`."""
    return Child(
        name, argv, cwd=ROOT, env=source_env(source), stderr="discard" if quiet else "inherit"
    )


def flood_server() -> tuple[Child, str]:
    """bench/flood_server.js: a socket.io 4.8 server that floods on command; its URL."""
    server = start("flood_server.js", [node(), BENCH / "flood_server.js"])
    line = server.next_line(30)
    if not line.startswith("LISTENING "):
        raise RuntimeError(f"flood server said {line!r}")
    return server, f"http://127.0.0.1:{int(line.split()[1])}"


def worker(*args: str, source: Path | None = None) -> Child:
    """bench/worker.py in its own process: one receiver configuration.

    `source`: import desktop_chat from there instead (see split_mode). It runs
    as a script, so that `source` (on PYTHONPATH) comes before the checkout.
    """
    return start("worker.py", [PYTHON, BENCH / "worker.py", *args], source=source)


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
