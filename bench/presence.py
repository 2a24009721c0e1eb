"""What shared presence costs: connections coming and going on one --redis process,
watched from another.

    .venv/bin/python -m bench.presence [--clients 2000] [--rounds 3] [--before COMMIT]

One Redis (Debian's redis-server, tests/scale/cluster.RedisProcess) and two
desktop-chat-server --redis processes, A and B. One watcher connects to A
and asks for presence, as desktop-chat does. Then CLIENTS python-socketio
clients connect to B, a hundred at a time, each joining two rooms
("general" and one of twenty "team-N"), and all disconnect again: a
reconnect storm's worth of presence. Printed per variant (this checkout,
and with --before the code of COMMIT, in the same run, alternating round
by round): the CPU seconds of A (which has only the watcher), of B (which
has the clients), of Redis, from the first connect until A has said
everyone left (or 3 s after the last disconnect, for code without shared
presence), and how many of the clients A's watcher was told joined and
left. With shared presence both must be CLIENTS, and `participants` on A
must list only the watcher afterwards; else the bench exits 1.

Only loopback traffic and a Redis of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import socketio

from bench._common import PYTHON, export_commit
from bench.fanout import cpu_seconds
from tests.procs import ROOT, Child, source_env
from tests.scale.cluster import RedisProcess

HOST = "127.0.0.1"


def server(name: str, redis_url: str, source: Path | None, most: int) -> tuple[Child, str]:
    argv = [PYTHON, "-m", "desktop_chat.server", "--host", HOST, "--port", "0",
            "--redis", redis_url, "--max-connections-per-address", str(most)]  # fmt: skip
    # `-m` puts the working directory first on sys.path: run from the source's.
    env = source_env(source, PYTHONUNBUFFERED="1")
    child = Child(name, argv, cwd=source or ROOT, env=env, stdin=False)
    port = child.wait_line(rf"listening on http://{re.escape(HOST)}:(\d+)", name, 30)[1]
    return child, f"http://{HOST}:{port}"


async def storm(a_url: str, b_url: str, clients: int, shared: bool) -> dict[str, Any]:
    notices: list[dict[str, Any]] = []
    watcher = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    watcher.on("presence", notices.append)
    await watcher.connect(a_url, auth={"name": "watcher", "presence": True},
                          transports=["websocket"])  # fmt: skip
    connected: list[socketio.AsyncClient] = []

    async def one(i: int) -> None:
        client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        await client.connect(b_url, auth={"name": f"user-{i:05d}", "client": f"c{i}"},
                             transports=["websocket"])  # fmt: skip
        await client.call("join-room", ("general",), timeout=30)
        await client.call("join-room", (f"team-{i % 20}",), timeout=30)
        connected.append(client)

    def said(event: str) -> int:
        return sum(1 for n in notices if n["room"] == "" and n["event"] == event)

    started = time.monotonic()
    for first in range(0, clients, 100):
        await asyncio.gather(*(one(i) for i in range(first, min(clients, first + 100))))
    await asyncio.gather(*(c.disconnect() for c in connected))
    deadline = time.monotonic() + (60 if shared else 3)
    while time.monotonic() < deadline and said("left") < clients:
        await asyncio.sleep(0.05)
    took = time.monotonic() - started
    members = (await watcher.call("participants", ("",), timeout=10))["members"]
    await watcher.disconnect()
    return {"seconds": took, "joined": said("joined"), "left": said("left"), "members": members}


def one_round(clients: int, source: Path | None, shared: bool) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-presence-"))
    redis = RedisProcess(folder)
    redis.start()
    children: list[Child] = []
    try:
        a, a_url = server("A", redis.url, source, clients + 10)
        children.append(a)
        b, b_url = server("B", redis.url, source, clients + 10)
        children.append(b)
        assert redis.child is not None
        pids = {"A": a.popen.pid, "B": b.popen.pid, "redis": redis.child.popen.pid}
        time.sleep(1.0)  # both settled (heartbeats, first reads)
        before = {k: cpu_seconds(pid) for k, pid in pids.items()}
        result = asyncio.run(storm(a_url, b_url, clients, shared))
        result["cpu"] = {k: cpu_seconds(pid) - before[k] for k, pid in pids.items()}
        return result
    finally:
        for child in children:
            child.reap()
        redis.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="also run the code of this commit (the baseline)")
    args = parser.parse_args(argv)
    variants: list[tuple[str, Path | None, bool]] = [("this checkout", None, True)]
    scratch = tempfile.TemporaryDirectory()
    if args.before:
        source = export_commit(args.before, Path(scratch.name))
        variants.insert(0, (f"before ({args.before})", source, False))
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in variants}
    for n in range(args.rounds):
        for label, source, shared in variants:
            run = one_round(args.clients, source, shared)
            runs[label].append(run)
            cpu = run["cpu"]
            print(f"  round {n + 1}, {label}: A {cpu['A']:.2f} s, B {cpu['B']:.2f} s,"
                  f" Redis {cpu['redis']:.2f} s CPU; A was told {run['joined']} joined,"
                  f" {run['left']} left", file=sys.stderr)  # fmt: skip
    scratch.cleanup()
    print(
        f"\npresence, {args.clients:,} clients connecting to process B (two rooms each) and"
        f" leaving, watched from process A; medians of {args.rounds} rounds\n"
        "| code | CPU s: A (watcher only) | B (the clients) | Redis | seconds |"
        " A's watcher told joined / left |\n|---|---|---|---|---|---|"
    )
    wrong = []
    for label, _source, shared in variants:
        done = runs[label]

        def med(key: str, done: list[dict[str, Any]] = done) -> float:
            return statistics.median(r["cpu"][key] for r in done)

        print(
            f"| {label} | {med('A'):.2f} | {med('B'):.2f} | {med('redis'):.2f} |"
            f" {statistics.median(r['seconds'] for r in done):.1f} |"
            f" {min(r['joined'] for r in done):,} / {min(r['left'] for r in done):,} |"
        )
        if shared and any(
            r["joined"] != args.clients
            or r["left"] != args.clients
            or [m["name"] for m in r["members"]] != ["watcher"]
            for r in done
        ):
            wrong.append(label)
    if wrong:
        print(f"\nPRESENCE NOT SHARED ({', '.join(wrong)}): a bug")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
