"""Bundled server fan-out: one sender, 100 receivers in a room, against the Node tutorial server.

    .venv/bin/python -m bench.fanout [--clients 100] [--senders 1] [--count 3000] [--rounds 3]
                                     [--rate 0] [--profile] [--variants direct]

Two servers run side by side on 127.0.0.1: desktop-chat-server (python-
socketio on aiohttp, from source, its message store in a temporary file)
and the tutorial's Node server (tests/interop/server.js, socket.io 4.8).
The server's per-client rate limit is lifted (--rate/--burst): the sender
is the load. For each, bench/fanout_clients.js (socket.io-client 4.8, one Node process)
connects CLIENTS receivers to one room and a sender, which emits COUNT
`send-message(text, room)`; the time runs until every receiver has all of
them. Printed: deliveries per second (COUNT x CLIENTS / time), median of
the rounds, and the bundled server's ratio to Node's, with the median p50
and p99 latency. `--senders 10` spreads the messages over ten senders;
`--rate R` paces them at R messages a second in all instead of one burst
(the default), which is where writing several frames per recipient in one
call (desktop_chat/server/fanout.py) has the least to gather. Every round
counts gaps, duplicates and out-of-order messages: any of them non-zero is a
bug, and the bench says so and exits 1. The servers' CPU seconds per round
are shown too: the receivers are one Node process that takes about a core
by itself, so on 2 cores deliveries/s is partly the clients' limit, and
deliveries per CPU-second is what each server costs.

--variants stock,nodeflate,inturn,direct runs one server per variant
(bench/_server_variant.py: which parts of desktop_chat/server/fanout.py are
in), each beside the same Node baseline; `direct` is what ships.

--profile samples the bundled server with py-spy (`.venv/bin/pip install
py-spy`) through its rounds and prints where its time went, by layer.

Only loopback traffic; nothing here can fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench._common import BENCH, INTEROP, PYTHON, free_port, node, start
from bench.profile_flood import summarize
from tests.procs import Child

SERVER_LAYERS = [
    ("desktop_chat/server/fanout.py", "fan-out (desktop_chat.server.fanout)"),
    ("desktop_chat/server/", "server: handlers, SQLite store"),
    ("desktop_chat/protocol/", "server: limits, records"),
    ("selector_events.py", "socket writes and reads (asyncio transports, the syscalls)"),
    ("engineio/", "python-engineio"),
    ("socketio/", "python-socketio"),
    ("aiohttp/", "aiohttp"),
    ("json/", "json"),
    ("asyncio/", "asyncio (tasks, handles, wait_for)"),
]

# The server meters each client (100 messages/s by default); the sender here
# is the load generator, so the meter is opened wide.
UNLIMITED = ["--rate", "1000000", "--burst", "1000000"]
NODE = "Node tutorial server (socket.io 4.8)"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url: str, server_pid: int, args: argparse.Namespace) -> dict[str, Any]:
    """One round through bench/fanout_clients.js: its `done` figures, with `rate`
    and the server's CPU seconds (`cpu`) added."""
    clients = start(
        "fanout_clients.js",
        [node(), BENCH / "fanout_clients.js", "--url", url, "--clients", str(args.clients),
         "--senders", str(args.senders)],
    )  # fmt: skip
    try:
        clients.next_event(120, event="ready")
        before = cpu_seconds(server_pid)
        clients.command(cmd="run", count=args.count, size=args.size, rate=args.rate)
        done = clients.next_event(600, event="done")
        done["cpu"] = cpu_seconds(server_pid) - before
        done["rate"] = float(done["deliveries"]) / float(done["seconds"])
        return done
    finally:
        clients.close()


FAULTS = ("gaps", "duplicates", "disorder")


def faults(done: dict[str, Any]) -> str:
    """What went wrong in a round, in words ("" when nothing did)."""
    wrong = [f"{done[k]} {k}" for k in FAULTS if done.get(k)]
    if done.get("orders", 1) > 1:
        wrong.append(f"{done['orders']} different orders")
    return ", ".join(wrong)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--senders", type=int, default=1)
    parser.add_argument(
        "--rate", type=float, default=0, help="messages a second in all (default: one burst)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default="direct")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    node()
    spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    if args.profile and not Path(spy).exists():
        sys.exit("--profile needs py-spy: .venv/bin/pip install py-spy")
    variants = args.variants.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        servers: dict[str, Child] = {}
        urls: dict[str, str] = {}
        for variant in variants:
            port = free_port()
            command = (
                ["-m", "desktop_chat.server"]
                if variant == "direct"
                else [str(BENCH / "_server_variant.py"), variant]
            )
            servers[variant] = start(
                f"desktop-chat-server ({variant})",
                [PYTHON, *command, "--port", str(port),
                 "--db", str(Path(tmp) / f"{variant}.db"), *UNLIMITED],
                quiet=True,
            )  # fmt: skip
            while "listening" not in servers[variant].next_line(30):
                pass
            urls[variant] = f"http://127.0.0.1:{port}"
        node_server = start(
            "server.js", [node(), INTEROP / "server.js", "--quiet", "--exit-with-stdin"]
        )
        line = node_server.next_line(30)
        assert line.startswith("LISTENING "), line
        urls = {NODE: f"http://127.0.0.1:{line.split()[1]}", **urls}
        pids = {NODE: node_server.pid, **{name: child.pid for name, child in servers.items()}}
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
        folded = Path(tmp) / "server.folded"
        sampler = None
        if args.profile:
            sampler = start(
                "py-spy",
                [spy, "record", "-r", "250", "-f", "raw", "-o", str(folded),
                 "--pid", str(servers[variants[-1]].pid)],
                quiet=True,
            )  # fmt: skip
        try:
            for round_ in range(args.rounds):
                for name, url in urls.items():
                    done = run(url, pids[name], args)
                    rounds[name].append(done)
                    wrong = faults(done)
                    print(
                        f"  round {round_ + 1} {name}: {done['rate']:,.0f}/s,"
                        f" p50 {done['p50_ms']:.1f} ms, p99 {done['p99_ms']:.1f} ms"
                        + (f"  FAULTS: {wrong}" if wrong else ""),
                        file=sys.stderr,
                    )
        finally:
            if sampler is not None:
                sampler.signal(signal.SIGINT)
                sampler.exit_code(60)
            for ours in servers.values():
                ours.signal(signal.SIGTERM)
                ours.close()
            node_server.close()

        def median(name: str, key: str) -> float:
            return statistics.median(float(done[key]) for done in rounds[name])

        node_rate = median(NODE, "rate")
        load = f"paced at {args.rate:,.0f}/s" if args.rate else "in one burst"
        print(
            f"\nfan-out, {args.senders} sender(s), {args.clients} receivers in a room,"
            f" {args.count:,} messages of {args.size} B {load}, median of {args.rounds}"
            f" (load average at the start: {os.getloadavg()[0]:.2f})"
        )
        print(
            "| server | deliveries/s | ratio to Node | p50 ms | p99 ms | server CPU s |"
            " deliveries per CPU-s |\n|---|---|---|---|---|---|---|"
        )
        labels = {NODE: f"{NODE}, the baseline"}
        for variant in variants:
            suffix = "" if variant == "direct" else f" ({variant})"
            labels[variant] = f"desktop-chat-server{suffix}"
        for name, label in labels.items():
            rate = median(name, "rate")
            cpu = median(name, "cpu")
            print(
                f"| {label} | {rate:,.0f} | {rate / node_rate:.2f} |"
                f" {median(name, 'p50_ms'):.1f} | {median(name, 'p99_ms'):.1f} |"
                f" {cpu:.2f} | {median(name, 'deliveries') / cpu:,.0f} |"
            )
        wrong = [f"{name}: {faults(d)}" for name in urls for d in rounds[name] if faults(d)]
        if wrong:
            print("\nFAULTS (each one a bug):\n" + "\n".join(wrong))
            return 1
        if args.profile:
            print(f"\ndesktop-chat-server ({variants[-1]}) under py-spy (its rounds ran slower):")
            summarize(folded, args.top, SERVER_LAYERS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
