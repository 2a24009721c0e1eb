"""Bundled server fan-out: one sender, 100 receivers in a room, against the Node tutorial server.

    .venv/bin/python -m bench.fanout [--clients 100] [--count 3000] [--rounds 3] [--profile]
                                     [--variants direct]

Two servers run side by side on 127.0.0.1: desktop-chat-server (python-
socketio on aiohttp, from source, its message store in a temporary file)
and the tutorial's Node server (tests/interop/server.js, socket.io 4.8).
The server's per-client rate limit is lifted (--rate/--burst): the sender
is the load. For each, bench/fanout_clients.js (socket.io-client 4.8, one Node process)
connects CLIENTS receivers to one room and a sender, which emits COUNT
`send-message(text, room)`; the time runs until every receiver has all of
them. Printed: deliveries per second (COUNT x CLIENTS / time), median of
the rounds, and the bundled server's ratio to Node's (target: at least 0.5).

--variants stock,nodeflate,inturn,direct runs one server per variant
(bench/_server_variant.py: which parts of desktop_chat/server/fanout.py are
in), each beside the same Node baseline; `direct` is what ships.

--profile samples the bundled server with py-spy (`.venv/bin/pip install
py-spy`) through its rounds and prints where its time went, by layer.

Only loopback traffic; nothing here can fail.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path

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


def run(url: str, args: argparse.Namespace) -> float:
    clients = start(
        "fanout_clients.js",
        [node(), BENCH / "fanout_clients.js", "--url", url, "--clients", str(args.clients)],
    )
    try:
        clients.next_event(120, event="ready")
        clients.command(cmd="run", count=args.count, size=args.size)
        done = clients.next_event(600, event="done")
        return float(done["deliveries"]) / float(done["seconds"])
    finally:
        clients.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--size", type=int, default=100)
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
        rates: dict[str, list[float]] = {name: [] for name in urls}
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
                    rate = run(url, args)
                    rates[name].append(rate)
                    print(f"  round {round_ + 1} {name}: {rate:,.0f}/s", file=sys.stderr)
        finally:
            if sampler is not None:
                sampler.signal(signal.SIGINT)
                sampler.exit_code(60)
            for ours in servers.values():
                ours.signal(signal.SIGTERM)
                ours.close()
            node_server.close()
        node_rate = statistics.median(rates[NODE])
        print(
            f"\nfan-out, 1 sender, {args.clients} receivers in a room, {args.count:,} messages"
            f" of {args.size} B, median of {args.rounds}"
        )
        print("| server | deliveries/s | ratio to Node |\n|---|---|---|")
        print(f"| {NODE}, the baseline | {node_rate:,.0f} | 1.00 |")
        for variant in variants:
            rate = statistics.median(rates[variant])
            label = "desktop-chat-server" + ("" if variant == "direct" else f" ({variant})")
            print(f"| {label} | {rate:,.0f} | {rate / node_rate:.2f} |")
        if args.profile:
            print(f"\ndesktop-chat-server ({variants[-1]}) under py-spy (its rounds ran slower):")
            summarize(folded, args.top, SERVER_LAYERS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
