"""Search over a large local history: FTS5 trigram, mixed Korean and English.

    .venv/bin/python -m bench.search                      # 1,000,000 messages, 200 queries
    .venv/bin/python -m bench.search --count 100000 --queries 50

Prepares a history file (bench/_history.py) in a temporary folder, then
times `History.search` as the window calls it (all conversations, the
newest 200 results) for words and parts of words (3+ characters: the
index; 1-2 characters: LIKE), and in one conversation. Prints p50/p99/max
per kind of query. Nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench._common import fmt_ms, median, percentile
from bench._history import WORDS, fill
from desktop_chat.client.history import History

SERVER = "http://127.0.0.1:3000/socket.io"
ROOMS = ["", "garden", "ops", "random", "team"]


def timed(history: History, query: str, room: str | None) -> tuple[float, int]:
    started = time.perf_counter()
    hits = history.search(SERVER, query, room)
    return time.perf_counter() - started, len(hits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.db"
        took = fill(path, SERVER, args.count, ROOMS)
        print(
            f"prepared {args.count:,} messages in {took:.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
        )
        history = History(path)
        kinds = {
            "word, all conversations": lambda: (rng.choice(WORDS), None),
            "part of a Korean word (3 chars)": lambda: (
                rng.choice([w for w in WORDS if len(w) >= 4 and not w.isascii()])[1:4],
                None,
            ),
            "word, one conversation": lambda: (rng.choice(WORDS), rng.choice(ROOMS)),
            "rare word (no match)": lambda: ("zebra" + str(rng.randint(0, 99)), None),
            "2 characters (LIKE)": lambda: (rng.choice(["회의", "xq", "서버"]), None),
        }
        print(f"\nsearch over {args.count:,} stored messages, {args.queries} queries each, ms")
        print("| query | p50 | p99 | max | results (median) |")
        print("|---|---|---|---|---|")
        for label, make in kinds.items():
            times, counts = [], []
            for _ in range(args.queries):
                query, room = make()
                seconds, found = timed(history, query, room)
                times.append(seconds * 1000)
                counts.append(found)
            print(
                f"| {label} | {fmt_ms(median(times))} | {fmt_ms(percentile(times, 99))} | "
                f"{fmt_ms(max(times))} | {median(counts):.0f} |"
            )
        history.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
