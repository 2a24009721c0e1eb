"""Window-to-window latency through the bundled server, against raw client-to-client.

    .venv/bin/python -m bench.latency [--count 500] [--gap 0.02] [--rounds 2]

desktop-chat-server runs in its own process on 127.0.0.1. For each mode a
sender and a receiver run in two more processes (bench/worker.py):

- raw: two python-socketio AsyncClients on plain asyncio; the sender emits
  `send-message`, the receiver's handler takes the time (the baseline);
- app-qasync / app-fast: two real windows (ChatSession) on stock qasync /
  desktop_chat.app.loop; the sender types into its window and presses Send, the
  receiver takes the time when the message is in its model, and again when
  its list view paints (offscreen).

Each message carries its send time (CLOCK_MONOTONIC, shared by the
processes). Modes take the suffixes of bench/flood_ingest.py (+nofreeze,
@before with --before COMMIT). Printed: p50, p99 and max per mode, and the app's p99 minus
the raw p99 (the target: at most +5 ms). Messages are sent GAP seconds
apart, as people chat. Only loopback traffic; nothing here can fail.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench._common import PYTHON, export_commit, free_port, percentile, split_mode, start, worker
from tests.procs import Child

MODES = ["raw", "app-qasync", "app-fast"]


def start_server(db: Path) -> tuple[Child, str]:
    port = free_port()
    server = start(
        "desktop-chat-server",
        [
            PYTHON, "-m", "desktop_chat.server",
            "--port", str(port), "--db", str(db),
        ],
        quiet=True,
    )  # fmt: skip
    while "listening" not in server.next_line(30):
        pass
    return server, f"http://127.0.0.1:{port}"


def one(url: str, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    name, flags, before = split_mode(mode)
    common = ["--mode", name, "--url", url, "--count", str(args.count), "--gap", str(args.gap)]
    source = args.before_source if before else None
    receiver = worker("latency", "--role", "receive", *common, *flags, source=source)
    sender = worker("latency", "--role", "send", *common, *flags, source=source)
    try:
        receiver.next_event(60, event="ready")
        sender.next_event(60, event="ready")
        sender.write("go\n")
        return receiver.next_event(60 + args.count * args.gap * 3, event="result")
    finally:
        sender.close()
        receiver.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--gap", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--before", metavar="COMMIT", help="the app for @before modes")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    if "raw" not in modes:
        modes.insert(0, "raw")
    got: dict[str, list[float]] = {m: [] for m in modes}
    painted: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        args.before_source = None
        if args.before:
            args.before_source = export_commit(args.before, Path(tmp))
        server, url = start_server(Path(tmp) / "bench.db")
        try:
            for round_ in range(args.rounds):
                for mode in modes:
                    result = one(url, mode, args)
                    got[mode] += result["latencies"]
                    painted[mode] += result.get("painted", [])
                    print(
                        f"  round {round_ + 1} {mode:<10} p99"
                        f" {percentile(result['latencies'], 99):.2f} ms",
                        file=sys.stderr,
                        flush=True,
                    )
        finally:
            server.close()
    raw99 = percentile(got["raw"], 99)
    print(
        f"\nlatency through desktop-chat-server, {args.count} messages {args.gap * 1000:.0f} ms"
        f" apart, {args.rounds} round(s)"
    )
    print("| receiver | shown | p50 ms | p99 ms | max ms | p99 minus raw p99 |")
    print("|---|---|---|---|---|---|")
    for mode in modes:
        for what, values in (("in the model", got[mode]), ("painted", painted[mode])):
            if not values:
                continue
            label = "handler called" if mode == "raw" else what
            p99 = percentile(values, 99)
            print(
                f"| {mode} | {label} | {percentile(values, 50):.2f} | {p99:.2f} |"
                f" {max(values):.2f} | {p99 - raw99:+.2f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
