"""N idle websocket connections: desktop-chat-server against the tutorial's Node server.

    .venv/bin/python -m bench.connections [--count 15000] [--processes 1] [--rounds 1]
                                          [--kinds python,node] [--per-client 7500]
                                          [--addresses 16] [--post 10] [--fanouts 3]

For each kind in turn (alternating, round by round), on 127.0.0.1 only:
desktop-chat-server from source (SQLite in a temporary folder; with
`--processes P` > 1, P processes on one Redis of its own, on a unix socket),
and the tutorial's Node server (tests/interop/server.js; with P > 1,
bench/scale_server.js with @socket.io/redis-adapter). COUNT connections are
opened by client processes (bench/conns_clients.js: bare `ws` sockets
speaking Engine.IO by hand, at
most --per-client per process, as the open-files limit is 20,000 per
process) from --addresses source addresses 127.0.0.2 ..., spread round-robin
over the server processes. desktop-chat-server's per-address limit is set to
what that needs (--max-connections-per-address).

Printed per kind (median of the rounds):

- open s: the time to open them all (200 connections in flight per client
  process), until each has its namespace CONNECT answered;
- RSS/conn: the servers' resident memory (all processes) once the
  connections are open and idle, divided by COUNT; and what it grew by from
  the idle server before them, divided by COUNT (Δ/conn);
- fan-out s: one `send-message` from one more connection, until every one
  of the COUNT has it (median of --fanouts messages);
- storm s: every server process killed (SIGKILL, a crash) and started again
  on the same port with all COUNT connected: the time from the kill until
  every connection is back (each reconnects after a random 0-1 s, then
  backs off as the desktop client does: 0.5 s doubling to 10 s, less up to
  30 % at random; the processes all start at once and the time includes
  their start); and for desktop-chat-server, catch-up s: until
  every connection has also had its catch-up (`replay-done` on `auth.offset`)
  and the --post messages the sender posted as soon as it was back, which
  the clients that were still away get through the replay. Node's tutorial
  server has no catch-up: clients away miss them.

Run it under the benchmarks' lock (`flock /tmp/bench.lock ...`): it takes
the machine. Every process it starts is stopped when a run ends, also on
failure.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._common import BENCH, INTEROP, PYTHON, export_commit, free_port, node, start
from tests.procs import Child

UNLIMITED = ["--rate", "1000000", "--burst", "1000000"]
KINDS = {"python": "desktop-chat-server", "node": "Node tutorial server (socket.io 4.8)"}


def rss_bytes(pid: int) -> int:
    """Resident memory of a process now (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class Servers:
    """One kind's server processes, on fixed ports so that a restart keeps them."""

    kind: str
    ports: list[int]
    folder: Path
    redis: str | None
    per_address: int
    source: Path | None = None  # desktop_chat from there (python@before)
    children: list[Child] = field(default_factory=list)

    def start(self) -> None:
        """Every process at once, then each one's listening line: started one
        after another, the first of several restarted servers took the whole
        storm while the others were still importing."""
        self.children = [self._start_one(i, port) for i, port in enumerate(self.ports)]
        for child in self.children:
            ready = re.compile(r"listening on http|^LISTENING ").search
            child.next_match("stdout", ready, 60, "listening")

    def _start_one(self, i: int, port: int) -> Child:
        if self.kind == "python":
            store = ["--redis", self.redis] if self.redis else ["--db", str(self.folder / "s.db")]
            # As a script from `source` (on PYTHONPATH there): `-m` would put the
            # checkout first on sys.path.
            main = ["-m", "desktop_chat.server"]
            if self.source is not None:
                main = [str(self.source / "desktop_chat" / "server" / "__main__.py")]
            child = start(
                f"desktop-chat-server {i + 1}",
                [PYTHON, *main, "--port", str(port), *store, *UNLIMITED,
                 "--max-connections-per-address", str(self.per_address)],
                quiet=True,
                source=self.source,
            )  # fmt: skip
        elif self.redis:
            child = start(
                f"scale_server.js {i + 1}",
                [node(), BENCH / "scale_server.js", "--redis", self.redis, "--port", str(port)],
                quiet=True,
            )
        else:
            child = start(
                "server.js",
                [node(), INTEROP / "server.js", "--port", str(port), "--quiet",
                 "--exit-with-stdin"],
                quiet=True,
            )  # fmt: skip
        return child

    def rss(self) -> int:
        return sum(rss_bytes(child.pid) for child in self.children)

    def kill(self) -> None:
        for child in self.children:
            child.signal(signal.SIGKILL)
        for child in self.children:
            child.reap()

    def stop(self) -> None:
        for child in self.children:
            child.request_stop()
        for child in self.children:
            child.close(grace=10)
        self.children = []

    @property
    def urls(self) -> list[str]:
        return [
            f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket" for port in self.ports
        ]


def settle_rss(servers: Servers, seconds: float = 3.0) -> int:
    """The servers' RSS once it stops moving (GC, lazily touched pages): the
    lowest of samples over `seconds`, after they have been idle that long."""
    time.sleep(seconds)
    samples = []
    for _ in range(5):
        samples.append(servers.rss())
        time.sleep(seconds / 5)
    return min(samples)


def one_round(
    kind: str, args: argparse.Namespace, folder: Path, redis: str | None, before: Path | None
) -> dict[str, Any]:
    per_address = math.ceil(args.count / args.addresses) + 10
    name, _, at = kind.partition("@")
    servers = Servers(
        name, [free_port() for _ in range(args.processes)], folder, redis, per_address,
        source=before if at else None,
    )  # fmt: skip
    clients: list[Child] = []
    result: dict[str, Any] = {}
    try:
        servers.start()
        idle = settle_rss(servers, 1.0)
        per = math.ceil(args.count / math.ceil(args.count / args.per_client))
        locals_ = ",".join(f"127.0.0.{2 + a}" for a in range(args.addresses))
        begun = 0
        while begun < args.count:
            n = min(per, args.count - begun)
            argv = [node(), BENCH / "conns_clients.js", "--urls", ",".join(servers.urls),
                    "--count", str(n), "--first", str(begun), "--local", locals_]  # fmt: skip
            if not clients:
                argv.append("--sender")
            if name == "python":
                argv.append("--catchup")
            clients.append(start(f"conns_clients.js {len(clients) + 1}", argv))
            begun += n
        opened = [c.next_event(600, event="open") for c in clients]
        result["open_s"] = max(float(o["seconds"]) for o in opened)
        result["failed"] = sum(int(o["failed"]) for o in opened)
        rss = settle_rss(servers)
        result["rss_per_conn"] = rss / args.count
        result["delta_per_conn"] = (rss - idle) / args.count
        result["rss_mb"] = rss / 2**20
        fanouts = []
        for i in range(args.fanouts):
            token = f"fanout-{kind}-{i}-{time.monotonic_ns()}"
            for c in clients:
                c.command(cmd="expect", token=token)
            clients[0].command(cmd="send", token=token)
            sent = int(clients[0].next_event(30, event="sent")["ns"])
            got = [c.next_event(120, event="got", token=token) for c in clients]
            missing = sum(int(g["missing"]) for g in got)
            if missing:
                print(f"  {kind}: {missing} connections missed {token}", file=sys.stderr)
            fanouts.append((max(int(g["last_ns"]) for g in got) - sent) / 1e9)
            time.sleep(1)
        result["fanout_s"] = statistics.median(fanouts)
        token = f"storm-{kind}-{time.monotonic_ns()}"
        for c in clients:
            c.command(cmd="storm", token=token, post=args.post)
            c.next_event(10, event="armed")
        killed = time.monotonic_ns()
        servers.kill()
        servers.start()
        result["restart_s"] = (time.monotonic_ns() - killed) / 1e9
        back = [c.next_event(240, event="back") for c in clients]
        result["storm_s"] = (max(int(b["last_ns"]) for b in back) - killed) / 1e9
        result["storm_missing"] = sum(int(b.get("missing", 0)) for b in back)
        if name == "python":
            caught = [c.next_event(240, event="caughtup") for c in clients]
            result["caughtup_s"] = (max(int(b["last_ns"]) for b in caught) - killed) / 1e9
            result["caughtup_missing"] = sum(int(b["missing"]) for b in caught)
        return result
    finally:
        for c in clients:
            c.close(grace=5)
        servers.stop()


def row(kind: str, results: list[dict[str, Any]], count: int, processes: int) -> str:
    def med(key: str) -> float:
        values = [float(r[key]) for r in results if key in r]
        return statistics.median(values) if values else float("nan")

    name, _, at = kind.partition("@")
    label = KINDS[name] + (f" x{processes} on Redis" if processes > 1 else "")
    label += f" (at {at})" if at else ""
    catch = f"{med('caughtup_s'):.1f}" if name == "python" else "— (none)"
    return (
        f"| {label} | {count:,} | {med('open_s'):.1f} | {med('rss_per_conn') / 1024:.1f} KB |"
        f" {med('delta_per_conn') / 1024:.1f} KB | {med('fanout_s'):.3f} |"
        f" {med('storm_s'):.1f} | {catch} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=15000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--kinds", default="python,node", help="python, python@before, node")
    parser.add_argument("--per-client", type=int, default=7500)
    parser.add_argument("--addresses", type=int, default=16)
    parser.add_argument("--post", type=int, default=10)
    parser.add_argument("--fanouts", type=int, default=3)
    parser.add_argument(
        "--before", metavar="COMMIT", help="kind python@before runs the server as of COMMIT"
    )
    args = parser.parse_args(argv)
    node()
    kinds = args.kinds.split(",")
    load = os.getloadavg()
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="bench-conns-") as tmp:
        before = None
        if any(k.endswith("@before") for k in kinds):
            if not args.before:
                sys.exit("python@before needs --before COMMIT")
            (Path(tmp) / "before").mkdir()
            before = export_commit(args.before, Path(tmp) / "before")
        redis = None
        redis_url = None
        if args.processes > 1:
            from tests.scale.cluster import RedisProcess

            redis = RedisProcess(Path(tmp))
            redis.start()
            redis_url = redis.url
        try:
            for round_ in range(args.rounds):
                for kind in kinds:
                    folder = Path(tmp) / f"{kind.replace('@', '-')}-{round_}"
                    folder.mkdir()
                    result = one_round(kind, args, folder, redis_url, before)
                    results[kind].append(result)
                    print(f"  round {round_ + 1} {kind}: {result}", file=sys.stderr, flush=True)
        finally:
            if redis is not None:
                redis.close()
    print(
        f"\n{args.count:,} idle websocket connections from {args.addresses} addresses,"
        f" {args.processes} server process(es) per kind; median of {args.rounds};"
        f" {os.cpu_count()} cores; load average at the start"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        "| server | connections | open s | RSS/conn | Δ/conn | fan-out s | storm: all back s"
        " | caught up s |\n|---|---|---|---|---|---|---|---|"
    )
    for kind in kinds:
        print(row(kind, results[kind], args.count, args.processes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
