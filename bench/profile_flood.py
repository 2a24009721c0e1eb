"""Where the time goes while the window takes in a flood: a sampling profile, summarized.

    .venv/bin/pip install py-spy        # a sampling profiler; not a dependency of the app
    .venv/bin/python -m bench.profile_flood [--mode app-fast] [--count 200000] [--top 25]

Runs one receiver (bench/worker.py) under `py-spy record` (250 Hz, Python
frames; the time Qt spends in C++ shows up as the Python frame that called
into it, mostly the loop's `exec()`), floods it from bench/flood_server.js,
and prints the share of samples by layer (the innermost frame that belongs
to a known layer) and the busiest functions. Startup is included in the
samples; with the default 200,000 messages it is a few percent.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench._common import BENCH, PYTHON, flood_server, split_mode, start

LAYERS = [
    ("desktop_chat/ui/", "window: bridge, model, delegate (Python)"),
    ("desktop_chat/client/", "ChatClient (client)"),
    ("desktop_chat/protocol/", "messages and limits (protocol)"),
    ("desktop_chat/app/loop.py", "loop: slices, timers (desktop_chat.app.loop)"),
    ("qasync/", "loop: qasync (socket notifiers; Qt's own C++ work)"),
    ("engineio/", "python-engineio"),
    ("socketio/", "python-socketio"),
    ("aiohttp/", "aiohttp (websocket reader)"),
    ("json/", "json"),
    ("asyncio/", "asyncio (tasks, handles, wait_for)"),
    ("bench/worker.py", "benchmark probes"),
]


def layer_of(frames: list[str], layers: list[tuple[str, str]]) -> str:
    for frame in reversed(frames):
        for needle, name in layers:
            if needle in frame:
                return name
    return "other"


def function_of(frame: str) -> str:
    """'name (path:line)' -> 'name (short path)'."""
    frame = re.sub(r":\d+\)$", ")", frame)
    frame = re.sub(r"\(/.*?site-packages/", "(", frame)
    frame = re.sub(r"\(/.*?/lib/python3\.\d+/", "(", frame)
    return re.sub(r"\(/.*?/desktop_chat/", "(desktop_chat/", frame)


def summarize(folded: Path, top: int, layer_names: list[tuple[str, str]] = LAYERS) -> None:
    layers: collections.Counter[str] = collections.Counter()
    functions: collections.Counter[str] = collections.Counter()
    total = 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        total += n
        layers[layer_of(frames, layer_names)] += n
        functions[function_of(frames[-1])] += n
    print(f"{total} samples\n\n| layer | share |\n|---|---|")
    for name, n in layers.most_common():
        print(f"| {name} | {100 * n / total:.0f}% |")
    print("\n| function (self time) | share |\n|---|---|")
    for name, n in functions.most_common(top):
        print(f"| `{name}` | {100 * n / total:.1f}% |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", default="app-fast")
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--rate", type=int, default=0)
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    if not Path(spy).exists():
        sys.exit("py-spy is needed: .venv/bin/pip install py-spy")
    mode, extra, before = split_mode(args.mode)
    if before:
        sys.exit("@before is not supported here")
    server, url = flood_server()
    with tempfile.TemporaryDirectory() as tmp:
        folded = Path(tmp) / "profile.folded"
        worker = start(
            "py-spy worker.py",
            [
                spy, "record", "-r", "250", "-f", "raw", "-o", str(folded), "--",
                PYTHON, str(BENCH / "worker.py"), "ingest", "--mode", mode,
                "--url", url, "--count", str(args.count), *extra,
            ],
        )  # fmt: skip
        try:
            worker.next_event(60, event="ready")
            started = time.monotonic()
            server.command(cmd="flood", count=args.count, size=100, rate=args.rate)
            result = worker.next_event(600, event="result")
            rate = args.count / (result["done"] - started)
            print(f"{args.mode}: {rate:,.0f} msg/s while sampled\n")
            worker.close(grace=60)  # end of stdin: the worker ends, py-spy writes its profile
        finally:
            worker.close()
            server.close()
        summarize(folded, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
