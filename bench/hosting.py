"""The hosting window under a flood: how late its Qt loop runs while its server relays.

    .venv/bin/python bench/hosting.py            # 20,000 messages, 100 receivers, 3 rounds
    .venv/bin/python bench/hosting.py --count 5000 --rounds 1
    .venv/bin/python bench/hosting.py --modes join,thread   # any subset of the modes

One sender blasts COUNT `send-message(text, room)` into a room of CLIENTS
receivers (bench/fanout_clients.js, socket.io-client 4.8, one Node
process); the time runs until every receiver has all of them. Meanwhile a
real window (ChatSession, on desktop_chat.app.loop, in its own process, not
in the room) measures how late a 10 ms precise QTimer comes, as
bench/worker.py does. The window is one of:

- join: the baseline, a window that does not host: it joins an external
  `python -m desktop_chat.server` process that relays the flood
- thread: a window that hosts the server itself, as shipped
  (desktop_chat/app/hosting.py: the server on its own thread and asyncio loop)
- inloop: a window that hosts the server the old way, on its own Qt loop,
  for comparison only

A mode may end in @SECONDS, e.g. thread@0.005: that window's process runs
with sys.setswitchinterval(SECONDS), also while hosting (which otherwise
sets 0.001, desktop_chat/app/hosting.py; CPython's default is 0.005), to
see what the GIL's hand-over costs a window that shares its process with
a server.

Every server lifts its per-client rate limit (the sender is the load) and
keeps its messages in a temporary SQLite file. Each configuration runs in
fresh processes; the modes alternate, round after round. Printed per mode:
the deliveries per second the server reached (median of the rounds), how
busy the window's Qt thread was during the flood (its CPU time over the
flood's wall time, median: the work the window's own thread did, which
is what the server's work added to in-loop hosting, and which machine
load does not inflate), the stall (lateness of the 10 ms timer during the
flood: p50, p99, max, all rounds pooled), and the ratios of the stall p99
to the joined window's and to in-loop hosting's.

    .venv/bin/python bench/hosting.py window ...   # one window (used by the above)

Only loopback traffic; nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import BENCH, PYTHON, fmt_ms, free_port, median, node, percentile, start

MODES = ["join", "thread", "inloop"]
LABELS = {
    "join": "joins an external server (does not host)",
    "thread": "hosts, server on its own thread (as shipped)",
    "inloop": "hosts, server on the Qt loop (before)",
}
UNLIMITED = ["--rate", "1000000", "--burst", "1000000"]


def label(mode: str) -> str:
    kind, _, switch = mode.partition("@")
    if not switch:
        return LABELS[kind]
    return f"{LABELS[kind].removesuffix(' (as shipped)')}, switch interval {switch} s"


# ---- one window, in its own process ------------------------------------------


async def window(args: argparse.Namespace) -> None:
    """A real window that joins args.url or hosts on args.host_port; reports its stalls."""
    import desktop_chat.app.session as session_module
    from bench.worker import Stalls, out
    from desktop_chat.app.hosting import HostedServer
    from desktop_chat.app.session import ChatSession, Options
    from desktop_chat.app.settings import Settings
    from desktop_chat.client.chat_client import ConnectionState
    from desktop_chat.protocol.limits import Limits
    from desktop_chat.server.chat_server import ChatServer

    unlimited = Limits(rate=1e6, burst=1_000_000)

    class InLoopServer:
        """The old hosting, for comparison: ChatServer on the window's own loop."""

        def __init__(self, path: str, *, db: Path | str) -> None:
            self._server = ChatServer(path, db=args.db, limits=unlimited)
            self.port = 0

        async def start(self, host: str, port: int) -> int:
            self.port = await self._server.start(host, port)
            return self.port

        async def stop(self) -> None:
            await self._server.stop()

    def hosted(path: str, *, db: Path | str) -> Any:
        # What the session asks for, but in a file as the external server's is, and unmetered.
        if args.inloop:
            return InLoopServer(path, db=db)
        return HostedServer(path, db=args.db, limits=unlimited)

    session_module.HostedServer = hosted  # type: ignore[assignment]
    stalls = Stalls()
    if args.url:
        options = Options(url=args.url, name="window", remember=False)
    else:
        default = f"http://127.0.0.1:{args.host_port}"
        options = Options(name="window", default_url=default, remember=False)
    session = ChatSession(options, Settings())
    await session.start()
    if not args.url and not session.hosting:
        raise SystemExit(f"the window did not host on port {args.host_port}")
    while session.client.status.state is not ConnectionState.CONNECTED:
        await asyncio.sleep(0.01)
    await asyncio.sleep(1.1)  # past ChatClient's wait for the server's description
    gc.freeze()  # as desktop_chat.app.run does once its session has started
    out({"event": "ready"})
    loop = asyncio.get_running_loop()
    cpu0 = 0.0
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        if cmd["cmd"] == "start":
            cpu0 = time.thread_time()  # this coroutine runs on the Qt thread
            out({"event": "started"})
        elif cmd["cmd"] == "result":
            out(
                {
                    "event": "result",
                    "stalls": stalls.between(cmd["start"], cmd["end"]),
                    "qt_cpu": time.thread_time() - cpu0,
                }
            )
        elif cmd["cmd"] == "quit":
            break
    stalls.stop()
    await session.close()


def window_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/hosting.py window")
    parser.add_argument("--url", help="join this server (never host)")
    parser.add_argument("--host-port", type=int, help="host on this port")
    parser.add_argument("--db", default=":memory:", help="the hosted server's SQLite file")
    parser.add_argument("--inloop", action="store_true", help="host on the Qt loop (before)")
    parser.add_argument("--switch-interval", type=float, help="sys.setswitchinterval(S) first")
    args = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from desktop_chat.app import loop as qt_loop
    from desktop_chat.protocol.transport import configure_engineio

    if args.switch_interval:
        from desktop_chat.app import hosting

        sys.setswitchinterval(args.switch_interval)
        hosting.SWITCH_INTERVAL = args.switch_interval  # what a hosted server sets
    configure_engineio()  # as the app does at start
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qt_loop.run(window(args))  # as the app runs its main coroutine
    return 0


# ---- the driver ---------------------------------------------------------------


def one(mode: str, args: argparse.Namespace, tmp: Path, n: int) -> dict[str, Any]:
    kind, _, switch = mode.partition("@")
    port = free_port()
    db = str(tmp / f"{kind}-{n}.db")
    url = f"http://127.0.0.1:{port}"
    external = None
    if kind == "join":
        external = start(
            "desktop-chat-server",
            [PYTHON, "-m", "desktop_chat.server", "--port", str(port), "--db", db, *UNLIMITED],
            quiet=True,
        )
        while "listening" not in external.next_line(30):
            pass
        where = ["--url", url]
    else:
        where = ["--host-port", str(port), "--db", db, *(["--inloop"] if kind == "inloop" else [])]
    if switch:
        where += ["--switch-interval", switch]
    win = start("window", [PYTHON, "-m", "bench.hosting", "window", *where])
    clients = None
    try:
        win.next_event(60, event="ready")
        clients = start(
            "fanout_clients.js",
            [node(), BENCH / "fanout_clients.js", "--url", url, "--clients", str(args.clients)],
        )
        clients.next_event(120, event="ready")
        win.command(cmd="start")
        win.next_event(60, event="started")
        began = time.monotonic()
        clients.command(cmd="run", count=args.count, size=args.size)
        done = clients.next_event(args.timeout, event="done")
        end = time.monotonic()
        win.command(cmd="result", start=began, end=end)
        result = win.next_event(60, event="result")
        result["rate"] = float(done["deliveries"]) / float(done["seconds"])
        result["qt_busy"] = result["qt_cpu"] / (end - began)
        win.command(cmd="quit")
    finally:
        if clients is not None:
            clients.close()
        win.close()
        if external is not None:
            external.close()
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["window"]:
        return window_main(argv[1:])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    node()
    modes = args.modes.split(",")
    if unknown := {m.split("@")[0] for m in modes} - set(MODES):
        parser.error(f"unknown modes {', '.join(sorted(unknown))}; known: {', '.join(MODES)}")
    results: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for mode in modes:
                r = one(mode, args, Path(tmp), round_)
                results[mode].append(r)
                print(
                    f"  round {round_ + 1} {mode:<7} {r['rate']:>9,.0f} deliveries/s"
                    f"  Qt thread busy {r['qt_busy']:.0%}"
                    f"  stall p99 {fmt_ms(percentile(r['stalls'], 99))}"
                    f" max {fmt_ms(max(r['stalls'], default=float('nan')))} ms",
                    file=sys.stderr,
                    flush=True,
                )
    rows = {}
    for mode in modes:
        stalls = [s for r in results[mode] for s in r["stalls"]]
        rows[mode] = {
            "rate": median([r["rate"] for r in results[mode]]),
            "p50": percentile(stalls, 50),
            "p99": percentile(stalls, 99),
            "max": max(stalls, default=float("nan")),
            "busy": median([r["qt_busy"] for r in results[mode]]),
        }
    print(
        f"\nthe hosting window under a flood: 1 sender, {args.clients} receivers in a room,"
        f" {args.count:,} messages of {args.size} B, {args.rounds} round(s);"
        f" load average {load:.1f} before, {os.getloadavg()[0]:.1f} after ({os.cpu_count()} CPUs)"
    )
    print(
        "| window | server deliveries/s | Qt thread busy | stall p50 / p99 / max ms |"
        " p99 ratio to join | p99 ratio to inloop |"
    )
    print("|---|---|---|---|---|---|")
    for mode, row in rows.items():
        to_join = row["p99"] / rows["join"]["p99"] if "join" in rows else float("nan")
        to_inloop = row["p99"] / rows["inloop"]["p99"] if "inloop" in rows else float("nan")
        print(
            f"| {mode}: {label(mode)} | {row['rate']:,.0f} | {row['busy']:.0%} |"
            f" {fmt_ms(row['p50'])} / {fmt_ms(row['p99'])} / {fmt_ms(row['max'])} |"
            f" {to_join:.2f} | {to_inloop:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
