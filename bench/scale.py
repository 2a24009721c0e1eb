"""Several server processes on one Redis: desktop-chat-server --redis against Node's redis adapter.

    .venv/bin/python -m bench.scale [--processes 1,2,4] [--clients 100] [--senders 10]
                                    [--count 2000] [--rate 0] [--rounds 1] [--no-haproxy]

One Redis (Debian's redis-server, on a unix socket in a temporary folder,
appendonly as docs/deploy.md says) serves both kinds in turn:
desktop-chat-server --redis (the stream, server/redis_store.py) and the
tutorial's Node server with @socket.io/redis-adapter (bench/scale_server.js,
pub/sub). For each process count, the receivers (bench/fanout_clients.js,
socket.io-client 4.8, websocket) are spread over the processes round-robin,
and so are the senders; once more with 2 processes behind HAProxy
(docs/haproxy.cfg; websocket clients need no stickiness). The kinds
alternate, round by round, so that both see the same machine.

Printed per configuration: deliveries/s, p50/p99 latency (emit to receipt),
the CPU seconds of each server process and of Redis during the run, and
deliveries per CPU-second (servers, Redis and HAProxy together). The
clients are one Node process that takes about a core by itself: on 2 cores
deliveries/s is capped by it and by whatever else runs, and deliveries per
CPU-second is the figure that compares the servers. Gaps, duplicates,
per-sender disorder and the number of different arrival orders among the
receivers are counted in every run: for desktop-chat-server any of them
non-zero is a bug, and the bench exits 1. Node's adapter delivers to each
process's own clients before publishing, so receivers on different
processes may see different orders: that is counted and shown, not a fault
of this bench. On 2 cores, 4 processes (plus Redis, plus the clients) mostly
measure contention.

Only loopback traffic and a Redis of its own.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._common import BENCH, PYTHON, node, start
from bench.fanout import faults
from tests.procs import Child
from tests.scale.cluster import HAProxy, RedisProcess

UNLIMITED = ["--rate", "1000000", "--burst", "1000000"]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Fleet:
    kind: str  # "python" or "node"
    children: list[Child]
    ports: list[int]
    proxy: HAProxy | None = None
    label: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        if self.proxy is not None:
            return [self.proxy.url]
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        for child in self.children:
            child.request_stop()
            child.close(grace=5)


def start_python(count: int, redis: str) -> Fleet:
    children, ports = [], []
    for i in range(count):
        child = start(
            f"desktop-chat-server {i + 1}",
            [PYTHON, "-m", "desktop_chat.server", "--port", "0", "--redis", redis, *UNLIMITED],
            quiet=True,
        )
        while (match := re.search(r"listening on http://127\.0\.0\.1:(\d+)", child.next_line(30))) is None:  # fmt: skip  # noqa: E501
            pass
        children.append(child)
        ports.append(int(match[1]))
    return Fleet("python", children, ports, label=f"desktop-chat-server x{count}")


def start_node(count: int, redis: str) -> Fleet:
    children, ports = [], []
    for i in range(count):
        child = start(f"scale_server.js {i + 1}", [node(), BENCH / "scale_server.js",
                                                   "--redis", redis])  # fmt: skip
        line = child.next_line(30)
        if not line.startswith("LISTENING "):
            raise RuntimeError(f"scale_server.js said {line!r}")
        children.append(child)
        ports.append(int(line.split()[1]))
    return Fleet("node", children, ports, label=f"Node + redis-adapter x{count}")


def behind_haproxy(fleet: Fleet, folder: Path) -> Fleet:
    fleet.proxy = HAProxy(folder, fleet.ports)
    fleet.label += " via HAProxy"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{fleet.proxy.url}/socket.io/?EIO=4&transport=polling",
                                        timeout=2) as response:  # fmt: skip
                if response.status == 200:
                    return fleet
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("HAProxy did not start:\n" + fleet.proxy.child.describe())
        time.sleep(0.1)


def measure(fleet: Fleet, redis_pid: int, args: argparse.Namespace) -> dict[str, Any]:
    clients = start(
        "fanout_clients.js",
        [node(), BENCH / "fanout_clients.js", "--url", ",".join(fleet.urls),
         "--clients", str(args.clients), "--senders", str(args.senders)],
    )  # fmt: skip
    try:
        clients.next_event(120, event="ready")
        pids = [child.pid for child in fleet.children]
        before = [cpu_seconds(pid) for pid in pids]
        redis_before = cpu_seconds(redis_pid)
        proxy = fleet.proxy.child.pid if fleet.proxy is not None else None
        proxy_before = cpu_seconds(proxy) if proxy is not None else 0.0
        clients.command(cmd="run", count=args.count, size=args.size, rate=args.rate)
        done = clients.next_event(600, event="done")
        done["cpu"] = [cpu_seconds(pid) - b for pid, b in zip(pids, before, strict=True)]
        done["redis_cpu"] = cpu_seconds(redis_pid) - redis_before
        done["proxy_cpu"] = cpu_seconds(proxy) - proxy_before if proxy is not None else 0.0
        done["rate"] = float(done["deliveries"]) / float(done["seconds"])
        return done
    finally:
        clients.close()


def row(fleet: Fleet) -> str:
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in fleet.results)

    cpu = [statistics.median(r["cpu"][i] for r in fleet.results) for i in range(len(fleet.ports))]
    total_cpu = sum(cpu) + med("redis_cpu") + med("proxy_cpu")
    deliveries = med("deliveries")
    wrong = "; ".join(sorted({w for r in fleet.results if (w := faults(r))})) or "none"
    return (
        f"| {fleet.label} | {med('rate'):,.0f} | {med('p50_ms'):.0f} | {med('p99_ms'):.0f} |"
        f" {' + '.join(f'{c:.2f}' for c in cpu)} | {med('redis_cpu'):.2f} |"
        f" {med('proxy_cpu'):.2f} |"
        f" {deliveries / total_cpu:,.0f} | {wrong} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-haproxy", action="store_true")
    args = parser.parse_args(argv)
    node()
    for program in ("redis-server", *(() if args.no_haproxy else ("haproxy",))):
        if shutil.which(program) is None:
            sys.exit(f"{program} is needed (Debian: apt-get install redis-server haproxy)")
    load = os.getloadavg()[0]
    done: list[Fleet] = []
    bad = False
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        redis = RedisProcess(Path(tmp))
        redis.start()
        assert redis.child is not None
        try:
            plans: list[tuple[int, bool]] = [(int(n), False) for n in args.processes.split(",")]
            if not args.no_haproxy:
                plans.append((2, True))
            for count, proxied in plans:
                fleets = [start_python(count, redis.url), start_node(count, redis.url)]
                try:
                    if proxied:
                        fleets = [behind_haproxy(f, Path(tmp)) for f in fleets]
                    for round_ in range(args.rounds):
                        for fleet in fleets:
                            result = measure(fleet, redis.child.pid, args)
                            fleet.results.append(result)
                            wrong = faults(result)
                            bad |= bool(wrong) and fleet.kind == "python"
                            print(
                                f"  round {round_ + 1} {fleet.label}: {result['rate']:,.0f}/s"
                                + (f"  ({wrong})" if wrong else ""),
                                file=sys.stderr,
                            )
                finally:
                    for fleet in fleets:
                        fleet.stop()
                done.extend(fleets)
        finally:
            redis.close()
    how = f"paced at {args.rate:,.0f}/s" if args.rate else "in one burst"
    print(
        f"\n{args.senders} senders and {args.clients} receivers in one room, spread round-robin"
        f" over the processes; {args.count:,} messages of {args.size} B {how};"
        f" median of {args.rounds}; {os.cpu_count()} cores; load average at the start {load:.2f}"
    )
    print(
        "| servers | deliveries/s | p50 ms | p99 ms | CPU s per process | Redis CPU s |"
        " HAProxy CPU s | deliveries per CPU-s | gaps, duplicates, disorder, orders |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    for fleet in done:
        print(row(fleet))
    if bad:
        print("\ndesktop-chat-server had FAULTS above: each one is a bug.")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
