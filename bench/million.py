"""A million messages in one conversation: memory, append cost, scrolling to the top and back.

    .venv/bin/python -m bench.million [--count 1000000] [--batch 1000]

The real window (MainWindow over MessageModel, offscreen, no network) takes
COUNT short messages in batches of BATCH, as the bridge hands them over in
a flood; after each batch Qt lays out and paints (processEvents). Printed:

- RSS of the whole process after the million, next to the baseline: a
  plain Python process that keeps what the raw python-socketio client
  hands its handler (the payload strings, in a list), in the same run;
- the cost of one batch (append + layout + paint) over the first 10,000
  rows and over the last 10,000 (a ratio near 1: appending is O(1) in
  the number of rows);
- scrolling to the top through the scroll bar (each step pages older
  messages in) and back down (each step pages newer ones in), and the
  jump back to the newest that sending a message does: time per step.

Only local work; nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RAW = """
import resource, sys
count = int(sys.argv[1])
kept = []
on_message = kept.append  # what a raw client's handler would do with each payload
for i in range(count):
    on_message(f"message {i} from the flood, short")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--steps", type=int, default=20, help="scroll steps up, then down")
    parser.add_argument(
        "--before",
        metavar="COMMIT",
        help="measure desktop_chat as of COMMIT instead (git archive into a temporary folder)",
    )
    parser.add_argument("--as-of", help=argparse.SUPPRESS)  # set by --before in the rerun
    args = parser.parse_args(argv)
    args.source = args.as_of or "this checkout"
    if args.before:
        # desktop_chat as of COMMIT: run again from its export, which comes
        # first on sys.path as the working directory of `python -m`; this
        # checkout on PYTHONPATH is where `bench` comes from.
        from bench._common import ROOT, export_commit

        with tempfile.TemporaryDirectory() as scratch:
            source = export_commit(args.before, Path(scratch))
            given = list(argv if argv is not None else sys.argv[1:])
            rest: list[str] = []
            while given:
                arg = given.pop(0)
                if arg == "--before":
                    given.pop(0)
                elif not arg.startswith("--before="):
                    rest.append(arg)
            rest += ["--as-of", args.before]
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            rerun = [sys.executable, "-m", "bench.million", *rest]
            return subprocess.run(rerun, cwd=source, env=env, check=False).returncode

    raw = subprocess.run(
        [sys.executable, "-c", RAW, str(args.count)], capture_output=True, text=True, check=True
    )
    raw_rss = float(raw.stdout)

    from PySide6.QtWidgets import QApplication

    from desktop_chat.protocol.messages import Kind, Message
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.message_model import MessageModel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    base_rss = rss_mb()
    model = MessageModel()
    window = MainWindow(model)
    window.show()
    for _ in range(10):
        app.processEvents()
    bar = window.message_list.verticalScrollBar()

    def settle() -> None:
        for _ in range(3):
            app.processEvents()

    costs: list[float] = []
    n = 0
    while n < args.count:
        k = min(args.batch, args.count - n)
        batch = [
            Message(text=f"message {n + i} from the flood, short", kind=Kind.OTHER)
            for i in range(k)
        ]
        n += k
        start = time.perf_counter()
        model.append(batch)
        settle()
        costs.append(time.perf_counter() - start)
    assert model.message_count() == args.count and bar.value() == bar.maximum()
    app_rss = rss_mb()
    per = max(1, 10_000 // args.batch)
    early = statistics.median(costs[:per]) * 1000
    mid = len(costs) // 10
    middle = statistics.median(costs[mid : mid + per]) * 1000
    late = statistics.median(costs[-per:]) * 1000

    def step(to_top: bool) -> float:
        start = time.perf_counter()
        bar.setValue(bar.minimum() if to_top else bar.maximum())
        settle()
        return (time.perf_counter() - start) * 1000

    if not hasattr(model, "has_newer"):  # an older MessageModel (--before): no paging down
        print(
            f"\n{args.count:,} messages (desktop_chat from {args.source}): RSS {app_rss:.0f} MB,"
            f" raw {raw_rss:.0f} MB; batch {early:.2f} / {middle:.2f} / {late:.2f} ms"
        )
        return 0
    up = [step(True) for _ in range(args.steps)]
    top_text = model.message_at(0).text
    down = [step(False) for _ in range(args.steps)]
    for _ in range(args.steps):
        step(True)
    start = time.perf_counter()
    if hasattr(window.message_list, "follow_newest"):
        window.message_list.follow_newest()  # what sending a message does (MainWindow._submit)
    else:  # --before a commit where the model held whether the view follows
        model.following = True
        window.message_list.scrollToBottom()
    settle()
    jump = (time.perf_counter() - start) * 1000
    assert bar.value() == bar.maximum() and not model.has_newer()

    print(f"\n{args.count:,} messages in one conversation, batches of {args.batch:,}")
    print("| figure | raw python-socketio (payloads kept) | app (window) | ratio |")
    print("|---|---|---|---|")
    print(
        f"| RSS MB (whole process) | {raw_rss:.0f} | {app_rss:.0f}"
        f" (Qt and window before the messages: {base_rss:.0f}) | {app_rss / raw_rss:.2f} |"
    )
    print(
        f"| one batch appended, laid out, painted: first 10k rows, at 10%, last 10k | — |"
        f" {early:.2f}, {middle:.2f}, {late:.2f} ms | last / 10%: {late / middle:.2f} |"
    )
    print(
        f"| scroll bar to the top, per step (pages older in) | — |"
        f" median {statistics.median(up):.1f} ms, max {max(up):.1f} ms | — |"
    )
    print(
        f"| scroll bar back down, per step (pages newer in) | — |"
        f" median {statistics.median(down):.1f} ms, max {max(down):.1f} ms | — |"
    )
    print(f"| jump to the newest (sending does it) | — | {jump:.1f} ms | — |")
    print(f"\nrows in the view: at most {model.max_rows}; top after {args.steps} steps up:")
    print(f"  {top_text!r}")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
