"""Process start to first paint, and to connected: the app from source against a bare window.

    .venv/bin/python -m bench.startup [--runs 7] [--history 1000000]

desktop-chat-server runs in its own process on 127.0.0.1. Then, alternately:

- bare: a minimal PySide6 + qasync + python-socketio program (a QMainWindow
  with a QListView, a qasync loop, an AsyncClient that connects): the
  baseline the issues measure against;
- app: `python -m desktop_chat --url ... --name ...` from source;
- app+history (with --history N): the same, with a local history of N
  messages for this server in its data folder (bench/_history.py), over 5
  conversations, each shown again at start.

Both run offscreen in a clean environment (temporary HOME and XDG folders).
"First paint" is the first QEvent.Paint any widget gets (an event filter
on the QApplication, installed before anything else runs: bench/_paint_probe.py);
"connected" is when the client hears the server accept its Socket.IO
connection (python-socketio's CONNECT handler, patched by the probe when
the program imports it; the server logs only a few connections a minute
since issue #22, so its log cannot be the clock). Times are
from just before the process is started. One warm-up run of each is not
counted; medians (and min-max) over --runs.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import tempfile
import time
from pathlib import Path

from bench._common import BENCH, PYTHON, ROOT, free_port
from bench._history import fill, window_account
from desktop_chat.protocol.urls import DEFAULT_PATH
from tests.procs import Child

BARE = r"""
import asyncio, os, sys, time
from PySide6.QtWidgets import QApplication, QListView, QMainWindow
import qasync
import socketio

async def main(url, name):
    window = QMainWindow()
    window.setCentralWidget(QListView())
    window.resize(560, 640)
    window.show()
    sio = socketio.AsyncClient(handle_sigint=False)
    await sio.connect(url, auth={"name": name})
    await asyncio.Event().wait()  # until SIGTERM

app = QApplication.instance() or QApplication(sys.argv[:1])
qasync.run(main(sys.argv[1], sys.argv[2]))
"""


class ServerLog:
    """desktop-chat-server, its log lines timestamped as they come (tests/procs.Child)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.child = Child(
            "desktop-chat-server",
            [PYTHON, "-m", "desktop_chat.server", "--port", str(self.port),
             "--db", env["HOME"] + "/server.db"],
            cwd=ROOT, env=env, stdin=False,
        )  # fmt: skip
        self.wait_for("listening on", 0)

    def wait_for(self, pattern: str, since: int, timeout: float = 30) -> int:
        """When the first line after `since` (monotonic ns) matching `pattern` came."""
        return self.child.wait_line_since(pattern, since, timeout=timeout)

    def stop(self) -> None:
        self.child.signal(signal.SIGINT)
        try:
            self.child.exit_code(10)
        finally:
            self.child.reap()


def one(kind: str, server: ServerLog, env: dict[str, str], name: str) -> tuple[float, float]:
    url = f"http://127.0.0.1:{server.port}"
    if kind == "bare":
        argv = [PYTHON, str(BENCH / "_paint_probe.py"), "--bare", BARE, url, name]
    else:
        argv = [PYTHON, str(BENCH / "_paint_probe.py"), "--url", url, "--name", name]
    start = time.monotonic_ns()
    app = Child(kind, argv, cwd=ROOT, env=env, stdin=False, stderr="discard")
    try:
        seen: dict[str, float] = {}
        while len(seen) < 2:  # PAINT and CONNECTED, in either order
            line = app.next_line(60)
            what, _, at = line.partition(" ")
            if what not in ("PAINT", "CONNECTED"):
                raise RuntimeError(f"{kind}: {line!r}")
            seen[what] = (int(at) - start) / 1e9
        painted, connected = seen["PAINT"], seen["CONNECTED"]
    finally:
        app.signal(signal.SIGINT if kind == "app" else signal.SIGTERM)
        try:
            app.exit_code(15)
        finally:
            app.reap()
    return painted, connected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="also start with a local history of this many messages",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as other:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "XDG_CONFIG_HOME": f"{home}/config",
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_STATE_HOME": f"{home}/state",
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(ROOT),
        }
        server = ServerLog(env)
        kinds = ["bare", "app"]
        envs = {"bare": env, "app": env}
        if args.history:
            kinds.append("app+history")
            envs["app+history"] = dict(
                env,
                HOME=other,
                XDG_CONFIG_HOME=f"{other}/config",
                XDG_DATA_HOME=f"{other}/data",
                XDG_STATE_HOME=f"{other}/state",
            )
            data = Path(other) / "data" / "desktop-chat"
            rooms = ["", "garden", "ops", "random", "team"]
            account = window_account(data, f"http://127.0.0.1:{server.port}", DEFAULT_PATH, rooms)
            took = fill(data / "history.db", account, args.history, rooms)
            print(f"prepared a history of {args.history:,} messages in {took:.1f} s")
        results: dict[str, dict[str, list[float]]] = {
            k: {"paint": [], "connected": []} for k in kinds
        }
        try:
            for run in range(args.runs + 1):  # run 0 warms the caches up
                for kind in kinds:
                    painted, connected = one(kind, server, envs[kind], f"{kind}-{run}")
                    if run:
                        results[kind]["paint"].append(painted)
                        results[kind]["connected"].append(connected)
        finally:
            server.stop()

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"

    print(f"\nstartup from source, offscreen, median (min-max) of {args.runs} runs, seconds")
    with_history = "app+history" in results
    extra = f" | app + {args.history:,} stored messages | difference" if with_history else ""
    print(f"| figure | bare PySide6 + qasync + python-socketio | app | ratio | target{extra} |")
    print("|---|---|---|---|---|" + ("---|---|" if with_history else ""))
    for figure, label, target in (
        ("paint", "process start to first paint", "≤ 1.15x bare (#23)"),
        ("connected", "process start to connected", "—"),
    ):
        bare, app = results["bare"][figure], results["app"][figure]
        ratio = statistics.median(app) / statistics.median(bare)
        row = f"| {label} | {cell(bare)} | {cell(app)} | {ratio:.2f} | {target}"
        if with_history:
            stored = results["app+history"][figure]
            gap = statistics.median(stored) - statistics.median(app)
            row += f" | {cell(stored)} | {gap:+.3f}"
        print(row + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
