"""Flood ingest: how fast the window takes in a flood, and how late the Qt loop runs meanwhile.

    .venv/bin/python -m bench.flood_ingest                 # 100,000 x 100 B, 3 rounds
    .venv/bin/python -m bench.flood_ingest --count 20000 --rounds 1
    .venv/bin/python -m bench.flood_ingest --modes raw,app-fast  # any subset of the modes
    .venv/bin/python -m bench.flood_ingest --rate 5000 --count 50000   # sustained 5,000 msg/s
    .venv/bin/python -m bench.flood_ingest --type-at 50000       # a message typed mid-flood

A Node socket.io 4.8 server (bench/flood_server.js) sends COUNT messages of
SIZE bytes to one receiver, as fast as it can (or at --rate msg/s). Each
receiver runs in its own process (bench/worker.py); the modes alternate,
round after round, so the baseline and the app share the machine's state.

- raw: python-socketio's AsyncClient on plain asyncio, no Qt (the baseline)
- raw-qasync / raw-fast: the same client under stock qasync / desktop_chat.app.loop
- app-qasync / app-fast: the real window (ChatSession) under either loop; it
  is done when every message is in the model and the view is at the newest
- +nofreeze leaves out the gc.freeze() the app does once its window is up,
  e.g. app-fast+nofreeze
- +inspector opens the packet inspector before the flood (every packet
  recorded, the last 10,000 listed), e.g. app-fast+inspector
- @before runs the app as of --before COMMIT (git archive of desktop_chat/),
  e.g. app-qasync@before --before 1c800c2 for the window before this work

Printed per mode (median over rounds): messages/s from the flood command
to done, CPU µs per message (the receiver process, until done), the CPU
until the process is idle again (sampled until it has used at most 5% of a
core for 1.5 s: the history's indexing after the flood included; its ratio
to the raw client's, issue #23), the Qt loop stall
(lateness of a 10 ms timer: p50, p99, max), and the ratio to the raw
client's messages/s in the same run. With --rate, also the lag at the end
(done minus when the server sent the last message) and the largest lag of
a sampled message behind its due time. With --type-at K, the time from
"typing" (the K-th message arriving) until the server has the message.

Only loopback traffic; nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import (
    export_commit,
    flood_server,
    fmt_ms,
    median,
    percentile,
    split_mode,
    worker,
)
from tests.procs import Child

MODES = ["raw", "raw-qasync", "raw-fast", "app-qasync", "app-fast"]


def one(server: Child, url: str, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    extra = ["--type-at", str(args.type_at)] if args.type_at else []
    mode, flags, before = split_mode(mode)
    extra += flags
    if args.rate:
        extra += ["--every", str(max(1, args.rate // 10))]
    receiver = worker(
        "ingest",
        *("--mode", mode, "--url", url, "--count", str(args.count), *extra),
        source=args.before_source if before else None,
    )
    try:
        receiver.next_event(60, event="ready")
        t_cmd = time.monotonic()
        server.command(cmd="flood", count=args.count, size=args.size, rate=args.rate)
        result = receiver.next_event(args.timeout, event="result")
        sent = server.next_event(60, event="flood_done")
        result["t_cmd"] = t_cmd
        result["server_done"] = int(sent["t_ns"]) / 1e9
        if args.type_at:
            got = server.next_event(60, event="got")
            result["typed_latency"] = int(got["t_ns"]) / 1e9 - result["typed"]
    finally:
        receiver.close()
    return result


def summarize(mode: str, runs: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    rates = [r["count"] / (r["done"] - r["t_cmd"]) for r in runs]
    stalls = [s for r in runs for s in r["stalls"]]
    row: dict[str, Any] = {
        "mode": mode,
        "rate": median(rates),
        "rates": rates,
        "cpu_us": median([r["cpu"] / r["count"] * 1e6 for r in runs]),
        # CPU until the process was idle again (bench/worker.py cpu_until_idle).
        "cpu_idle": median([r.get("cpu_idle", float("nan")) for r in runs]),
        "p50": percentile(stalls, 50),
        "p99": percentile(stalls, 99),
        "max": max(stalls) if stalls else float("nan"),
        "rss": median([r["rss_mb"] for r in runs]),
    }
    if args.rate:
        lags = []
        for r in runs:
            for n, t in r["marks"]:
                due = r["t_cmd"] + n / args.rate
                lags.append((t - due) * 1000)
        row["end_lag_ms"] = median([(r["done"] - r["server_done"]) * 1000 for r in runs])
        row["max_lag_ms"] = max(lags) if lags else float("nan")
    if args.type_at:
        row["typed_ms"] = [r["typed_latency"] * 1000 for r in runs]
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--rate", type=int, default=0, help="messages/s offered (0: flat out)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--type-at", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--before", metavar="COMMIT", help="the app for @before modes")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    if "raw" not in modes:
        modes.insert(0, "raw")
    results: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    if any("@" in m for m in modes) and not args.before:
        parser.error("@before modes need --before COMMIT")
    scratch = tempfile.TemporaryDirectory()
    args.before_source = export_commit(args.before, Path(scratch.name)) if args.before else None
    server, url = flood_server()
    try:
        for round_ in range(args.rounds):
            for mode in modes:
                r = one(server, url, mode, args)
                results[mode].append(r)
                rate = r["count"] / (r["done"] - r["t_cmd"])
                print(
                    f"  round {round_ + 1} {mode:<11} {rate:>9,.0f} msg/s"
                    f"  stall p99 {fmt_ms(percentile(r['stalls'], 99))} ms"
                    f"  CPU until idle {r.get('cpu_idle', float('nan')):.2f} s"
                    + "".join(
                        f", {name} {cpu:.2f}"
                        for name, cpu in sorted(r.get("threads", {}).items())
                        if cpu >= 0.05
                    ),
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        server.close()
        scratch.cleanup()
    rows = [summarize(m, results[m], args) for m in modes]
    raw = rows[0]["rate"]
    what = f"{args.count:,} x {args.size} B" + (f" offered at {args.rate:,}/s" if args.rate else "")
    print(f"\nflood ingest, {what}, median of {args.rounds} round(s)")
    header = (
        "| receiver | msg/s | ratio to raw | CPU µs/msg | CPU until idle s (ratio) |"
        " stall p50 / p99 / max ms | RSS MB |"
    )
    raw_idle = rows[0]["cpu_idle"]
    extra_header = ""
    if args.rate:
        extra_header += " lag at end ms | worst lag ms |"
    if args.type_at:
        extra_header += " typed → server ms |"
    print(header + extra_header)
    print("|" + "---|" * (header.count("|") - 1 + extra_header.count("|")))
    for row in rows:
        line = (
            f"| {row['mode']} | {row['rate']:,.0f} | {row['rate'] / raw:.2f}x |"
            f" {row['cpu_us']:.0f} | {row['cpu_idle']:.2f} ({row['cpu_idle'] / raw_idle:.2f}x) |"
            f" {fmt_ms(row['p50'])} / {fmt_ms(row['p99'])} /"
            f" {fmt_ms(row['max'])} | {row['rss']:.0f} |"
        )
        if args.rate:
            line += f" {row['end_lag_ms']:.0f} | {row['max_lag_ms']:.0f} |"
        if args.type_at:
            line += " " + ", ".join(f"{t:.0f}" for t in row["typed_ms"]) + " |"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
