"""Search over a large local history as the window asks it: Korean and English chat.

    .venv/bin/python -m bench.search                       # 1,000,000 messages, 200 queries
    .venv/bin/python -m bench.search --count 10000000 --queries 100
    .venv/bin/python -m bench.search --count 100000 --queries 50 --keep /tmp/h.db
    .venv/bin/python -m bench.search --count 10000000 --keep /tmp/h.db --prepare-only

(--prepare-only: build the --keep file and stop, so that a file of ten
million lines, about 12 minutes to build at nice 19 here, is built once,
outside the bench lock, and measured many times.)

Prepares a history file of the corpus (bench/_history.py: chat lines from a
vocabulary of 12,000 words with a Zipf distribution, indexed as the writer
does when idle) in a temporary folder (or at --keep, reused when it is
there), then times `History.search` as the window calls it (on a connection of
its own, `apart`, as search as one types does on its worker thread),
Python around the statement included (all conversations, the newest 200
results; one kind in one conversation), for queries sampled from the
corpus's lines.
Prints the file's size and p50/p99/max per kind of query. Nothing here is
a test that can fail.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from bench._common import fmt_ms, median, percentile
from bench._history import fill, query_kinds
from desktop_chat.client.history import History, settle_index

SERVER = "http://127.0.0.1:3000/socket.io"
ROOMS = ["", "garden", "ops", "random", "team"]


def segments(path: Path) -> int:
    """How many segments the search index has (a query reads each of its words in each)."""
    db = sqlite3.connect(str(path))
    try:
        return int(db.execute("SELECT count(DISTINCT segid) FROM messages_fts_idx").fetchone()[0])
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="the history file, kept (reused if there)")
    parser.add_argument(
        "--settle", action="store_true", help="merge a kept file's index first, as the writer does"
    )
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the --keep file and stop (no queries)"
    )
    args = parser.parse_args(argv)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "history.db"
        if not path.exists():
            took = fill(path, SERVER, args.count, ROOMS)
            print(f"prepared {args.count:,} messages in {took:.1f} s", flush=True)
        if args.prepare_only:
            print(f"history file: {path.stat().st_size / 1e6:.0f} MB, {segments(path)} segments")
            return 0
        if args.settle:
            db = sqlite3.connect(str(path), isolation_level=None)
            cpu = time.process_time()
            settle_index(db)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            print(f"index merged (settle_index) in {time.process_time() - cpu:.1f} s of CPU")
            db.close()
        print(f"history file: {path.stat().st_size / 1e6:.0f} MB, {segments(path)} index segments")
        history = History(path)
        kinds = {label: (make, None) for label, make in query_kinds().items()}
        words = query_kinds()["Latin word"]
        kinds["a Latin word, one conversation"] = (words, ROOMS)
        korean = query_kinds()["two syllables inside a word (점심 in 점심은)"]
        kinds["two syllables, one conversation"] = (korean, ROOMS)
        print(f"\nsearch over {args.count:,} stored messages, {args.queries} queries each, ms")
        print("| query | p50 | p99 | max | results (median) |")
        print("|---|---|---|---|---|")
        for label, (make, rooms) in kinds.items():
            times, counts = [], []
            for _ in range(args.queries):
                query, room = make(), (rng.choice(rooms) if rooms else None)
                started = time.perf_counter()
                found = len(history.search(SERVER, query, room, apart=True))
                times.append((time.perf_counter() - started) * 1000)
                counts.append(found)
            print(
                f"| {label} | {fmt_ms(median(times))} | {fmt_ms(percentile(times, 99))} | "
                f"{fmt_ms(max(times))} | {median(counts):.0f} |",
                flush=True,
            )
        history.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
