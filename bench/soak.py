"""Soak under attack: rooms of well-behaved clients, without and then with hostile ones.

    .venv/bin/python -m bench.soak [--minutes 10] [--clients 2000] [--rooms 100]
                                   [--period 30] [--processes 2] [--phase 20]

desktop-chat-server runs as its own process on 127.0.0.1 (a fresh one for
each run, its store in a temporary file), with `--trusted-proxy 127.0.0.1`:
every good client sends an X-Forwarded-For address of its own, so the
default limit of 256 connections per address stays in force for the
attackers. The good clients are bench/soak_clients.js (socket.io-client 4.8,
PROCESSES Node processes, whole rooms in each): CLIENTS in ROOMS rooms, each
sending a 100-byte message every PERIOD seconds at a random phase (2,000
clients every 30 s: about 67 messages and 1,270 deliveries a second).

Two runs of MINUTES each, in this order: without attackers (the baseline),
then with bench/soak_attacks.py (one Python process) cycling through the
attacks of issue #22, PHASE seconds each: a slowloris of 1,000 half-sent
requests, four catch-ups from offset 0 never read, readers that stop reading
a busy room, 300 presence clients going silent at once, a rename flood, a
message flood at ten times the rate, 7 MB long-polling posts, connections
from one address up to the limit and beyond, a forged Host.

Printed per run: the good clients' p50/p99 latency (send to receive, each
message stamped by its sender), messages lost and duplicated (counted per
room, by message id and receiver; both must be 0), the good clients'
disconnects, the server's peak RSS (VmHWM) and peak open files (/proc/PID/fd,
sampled each second), the CPU seconds of the server, of the good clients'
processes and of the attackers'; then the ratio of the latencies with
attackers to without, and for each attack phase what the server answered,
the good clients' p99 for the messages sent during it (their send time and
the phase's are both CLOCK_MONOTONIC), the server's RSS and open files at
most meanwhile (an attack's effects can outlast its phase: silent clients
stay until the ping timeout). Exits 1 when any message was lost or
duplicated.
Only loopback traffic.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench._common import BENCH, PYTHON, fmt_ms, free_port, node, percentile, start
from bench.fanout import cpu_seconds as _cpu_seconds
from bench.soak_attacks import ATTACKS
from tests.procs import Child

PROXY = "127.0.0.1"


def cpu_seconds(pid: int) -> float:
    """bench.fanout's, or NaN for a process that is already gone."""
    try:
        return _cpu_seconds(pid)
    except OSError:
        return float("nan")


def health(url: str) -> int:
    """The server's client count from /health, or -1 when it does not answer within 2 s."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
            return int(json.loads(answer.read().decode().split(" ", 1)[1])["clients"])
    except (OSError, ValueError, KeyError, IndexError):
        return -1


class Watch:
    """Samples the server each second (`samples`: ms of time.monotonic, VmRSS
    MB, open files, its /health client count or -1 unanswered); its peak
    RSS is the kernel's VmHWM."""

    def __init__(self, pid: int, url: str) -> None:
        self.pid = pid
        self.url = url
        self.files = 0
        self.rss_mb = 0.0
        self.samples: list[tuple[float, float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def sample(self) -> None:
        try:
            files = len(os.listdir(f"/proc/{self.pid}/fd"))
            status = dict(
                line.split(":", 1)
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines()
            )
            self.files = max(self.files, files)
            self.rss_mb = int(status["VmHWM"].split()[0]) / 1024
            now = int(status["VmRSS"].split()[0]) / 1024
            at = time.monotonic() * 1000
            self.samples.append((at, now, files, health(self.url)))
        except OSError:
            pass

    def stop(self) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()


def one_run(args: argparse.Namespace, tmp: Path, attackers: bool) -> dict[str, Any]:
    port = free_port()
    server = start(
        "desktop-chat-server",
        [PYTHON, "-m", "desktop_chat.server", "--port", str(port),
         "--db", str(tmp / f"soak-{int(attackers)}.db"), "--trusted-proxy", PROXY],
        quiet=True,
    )  # fmt: skip
    while "listening" not in server.next_line(30):
        pass
    url = f"http://127.0.0.1:{port}"
    watch = Watch(server.pid, url)
    per_room = args.clients // args.rooms
    share = -(-args.rooms // args.processes)
    groups: list[Child] = []
    attack: Child | None = None
    try:
        for k, first in enumerate(range(0, args.rooms, share)):
            groups.append(start(
                "soak_clients.js",
                [node(), BENCH / "soak_clients.js", "--url", url, "--first-room", str(first),
                 "--rooms", str(min(share, args.rooms - first)), "--per-room", str(per_room),
                 "--period", str(args.period), "--address-base", str(k + 1)],
            ))  # fmt: skip
        for group in groups:
            group.next_event(600, event="ready")
        cpu = {"server": cpu_seconds(server.pid),
               "clients": sum(cpu_seconds(g.pid) for g in groups)}  # fmt: skip
        seconds = args.minutes * 60
        # Every attack at least once while the good clients chat.
        phase = min(args.phase, seconds / (len(ATTACKS) + 1))
        if attackers:
            attack = start(
                "soak_attacks.py",
                [
                    PYTHON,
                    BENCH / "soak_attacks.py",
                    "--port",
                    str(port),
                    "--phase",
                    str(phase),
                ],
            )
            attack.next_event(30, event="ready")
            cpu["attackers"] = cpu_seconds(attack.pid)
        for group in groups:
            group.command(cmd="run", seconds=seconds)
        started = time.monotonic()
        done: list[dict[str, Any]] = []
        for group in groups:
            done.append(group.next_event(seconds + 600, event="done"))
        took = time.monotonic() - started
        used = {"server": cpu_seconds(server.pid) - cpu["server"],
                "clients": sum(cpu_seconds(g.pid) for g in groups) - cpu["clients"]}  # fmt: skip
        phases: list[dict[str, Any]] = []
        if attack is not None:
            used["attackers"] = cpu_seconds(attack.pid) - cpu["attackers"]
            attack.write("stop\n")
            attack.close()
            phases = attack.events_where(event="phase")
        # Every connection but the good clients' gone (no ghosts, no leaked sessions)?
        after = time.monotonic()
        while (left := health(url)) != args.rooms * per_room and (time.monotonic() - after < 60):
            time.sleep(1)
        watch.stop()
        latencies = [x for d in done for x in d["latencies"]]
        sent_at = [x for d in done for x in d["sent_at"]]
        for phase in phases:  # what the good clients saw meanwhile, and the server
            span = (phase["from_ms"], phase["to_ms"])
            during = [
                lat for lat, at in zip(latencies, sent_at, strict=True) if span[0] <= at < span[1]
            ]
            seen = [s for s in watch.samples if span[0] <= s[0] < span[1]]
            phase["good p99 ms"] = round(percentile(during, 99), 1)
            phase["server RSS MB"] = round(max((s[1] for s in seen), default=0.0))
            phase["open files"] = max((s[2] for s in seen), default=0)
            phase["server clients"] = max((s[3] for s in seen), default=0)
            phase["/health unanswered"] = sum(s[3] < 0 for s in seen)
        return {
            "seconds": took,
            "sent": sum(d["sent"] for d in done),
            "acked": sum(d["acked"] for d in done),
            "expected": sum(d["expected"] for d in done),
            "delivered": sum(d["delivered"] for d in done),
            "lost": sum(d["lost"] for d in done),
            "duplicated": sum(d["duplicated"] for d in done),
            "disconnects": sum(d["disconnects"] for d in done),
            "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99),
            "max": max(latencies, default=float("nan")),
            "rss_mb": watch.rss_mb,
            "files": watch.files,
            "cpu": used,
            "phases": phases,
            "clients after": left,
            "settled s": time.monotonic() - after,
        }
    finally:
        watch.stop()
        for group in groups:
            group.close()
        if attack is not None:
            attack.close()
        server.signal(signal.SIGTERM)
        server.close()


def row(label: str, run: dict[str, Any]) -> str:
    """One run's line of the table."""
    cpu = run["cpu"]
    return (
        f"| {label} | {run['sent']:,} ({run['acked']:,} acked) | {run['delivered']:,}"
        f" of {run['expected']:,} | {fmt_ms(run['p50'])} | {fmt_ms(run['p99'])} |"
        f" {fmt_ms(run['max'])} | {run['lost']} | {run['duplicated']} |"
        f" {run['disconnects']} | {run['rss_mb']:.0f} | {run['files']} |"
        f" {cpu['server']:.0f} / {cpu['clients']:.0f} / {cpu.get('attackers', 0):.0f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument(
        "--period", type=float, default=30.0, help="seconds between a client's messages"
    )
    parser.add_argument("--processes", type=int, default=2, help="Node processes of good clients")
    parser.add_argument("--phase", type=float, default=20.0, help="seconds of each attack")
    parser.add_argument("--no-attackers", action="store_true", help="only the baseline run")
    args = parser.parse_args(argv)
    node()
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, attackers in (("without attackers", False), ("with attackers", True)):
            if attackers and args.no_attackers:
                continue
            print(f"  {label}: {args.minutes:g} min ...", file=sys.stderr)
            runs[label] = one_run(args, Path(tmp), attackers)
            print(row(label, runs[label]), file=sys.stderr)
    per_room = args.clients // args.rooms
    print(
        f"\nsoak, {args.rooms * per_room:,} good clients in {args.rooms} rooms of {per_room},"
        f" a message each every {args.period:g} s, {args.minutes:g} min per run;"
        f" server with --trusted-proxy {PROXY} (each good client its own X-Forwarded-For"
        f" address; default --max-connections-per-address 256 for the rest)"
    )
    print(
        "| run | messages | deliveries | p50 ms | p99 ms | max ms | lost | duplicated |"
        " disconnects | server peak RSS MB | peak open files | CPU s: server / clients"
        " / attackers |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    for label, run in runs.items():
        print(row(label, run))
    if len(runs) == 2:
        base, hit = runs["without attackers"], runs["with attackers"]
        print(
            f"\nwith attackers / without: p50 x{hit['p50'] / base['p50']:.2f},"
            f" p99 x{hit['p99'] / base['p99']:.2f}"
        )
        print(
            f"connections once the attackers had gone: {hit['clients after']:,}"
            f" ({hit['settled s']:.0f} s after; the good clients are {args.rooms * per_room:,})"
        )
        print(
            "\nattack phases: what the server answered; the good clients' p99 for the"
            " messages sent meanwhile, the server's RSS, open files and clients"
            " at most, how often /health did not answer within 2 s"
        )
        for phase in hit["phases"]:
            rest = {
                k: v for k, v in phase.items() if k not in ("event", "attack", "from_ms", "to_ms")
            }
            print(f"  {phase['attack']}: {rest}")
    wrong = [label for label, run in runs.items() if run["lost"] or run["duplicated"]]
    if wrong:
        print(f"\nLOST OR DUPLICATED MESSAGES ({', '.join(wrong)}): each one a bug")
        return 1
    return 0


if __name__ == "__main__":
    # SIGTERM ends the children too (one_run's finally), as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    raise SystemExit(main())
