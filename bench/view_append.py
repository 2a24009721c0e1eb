"""What the message list costs the window's thread for one message that comes while following.

    .venv/bin/python -m bench.view_append [--before COMMIT] [--windows 100,300]
        [--count 300] [--rounds 3]

A real MainWindow (offscreen, 900 by 700) holds WINDOW rows and follows the
newest; one message is appended at a time, and Qt's events are processed
until the list has painted it. Per message: the wall and thread CPU time
from the append to the end of that paint (the model's insert and trim, the
view's layout, the scroll, the paint), and how many times Qt and the
delegate called into Python: the model's `rowCount()`, the delegate's
`sizeHint()` and `paint()`. No network, no server: the steadier figure
beside `bench.latency`. Each configuration runs in a fresh process, this
checkout and `--before` alternating; medians over rounds of per-round medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def child(window: int, count: int) -> dict[str, Any]:
    """One build in this process: it runs as a script, so that desktop_chat
    comes from PYTHONPATH (this checkout, or an export of --before)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import desktop_chat

    print(f"desktop_chat from {Path(desktop_chat.__file__).parent}", file=sys.stderr)
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from desktop_chat.protocol.messages import Kind, Message
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.message_delegate import MessageDelegate
    from desktop_chat.ui.message_model import MessageModel

    def lines(start: int, n: int) -> list[Message]:
        return [
            Message(
                text=("words " * (1 + 9 * (i % 5))) + str(i),
                kind=Kind.OTHER,
                id=f"c{i}",
                sender=f"u{(i // 3) % 2}",
                room="r",
                ts=1000.0 + 30 * i,
            )
            for i in range(start, start + n)
        ]

    model = MessageModel(window=window)
    win = MainWindow(model)
    win.resize(900, 700)
    win.show()
    for _ in range(10):
        app.processEvents()
    model.append(lines(0, window * 3))
    for _ in range(20):
        app.processEvents()
    view = win.message_list
    counts = {"rows": 0, "sizes": 0, "painted": 0}
    row_count = MessageModel.rowCount
    size_hint, paint = MessageDelegate.sizeHint, MessageDelegate.paint
    delegate = view.itemDelegate()

    def rows(self: Any, *args: Any) -> int:
        counts["rows"] += 1
        return row_count(self, *args)

    def sizes(self: Any, option: Any, index: Any) -> Any:
        counts["sizes"] += 1
        return size_hint(self, option, index)

    def painted(self: Any, painter: Any, option: Any, index: Any) -> None:
        counts["painted"] += 1
        paint(self, painter, option, index)

    model.rowCount = rows.__get__(model)  # type: ignore[method-assign]
    delegate.sizeHint = sizes.__get__(delegate)  # type: ignore[method-assign]
    delegate.paint = painted.__get__(delegate)  # type: ignore[method-assign]

    class Paints(QObject):
        seen = 0

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.seen += 1
            return False

    paints = Paints()
    view.viewport().installEventFilter(paints)
    wall: list[float] = []
    cpu: list[float] = []
    per: dict[str, list[int]] = {k: [] for k in counts}
    for i in range(count):
        for k in counts:
            counts[k] = 0
        seen = paints.seen
        t0, c0 = time.perf_counter(), time.thread_time()
        model.append(lines(window * 3 + i, 1))
        while paints.seen == seen:  # until the list painted (offscreen: next turns)
            app.processEvents()
        app.processEvents()  # the paint itself ends inside the turn that sent it
        wall.append((time.perf_counter() - t0) * 1e6)
        cpu.append((time.thread_time() - c0) * 1e6)
        for k, v in counts.items():
            per[k].append(v)
    bar = view.verticalScrollBar()
    return {
        "wall_us": statistics.median(wall),
        "cpu_us": statistics.median(cpu),
        "cpu_p90_us": sorted(cpu)[int(len(cpu) * 0.9)],
        **{k: statistics.median(v) for k, v in per.items()},
        "following": view.following and bar.value() == bar.maximum(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--window", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--windows", default="100")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", metavar="COMMIT")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.window, args.count)), flush=True)
        return 0
    from bench._common import BENCH, PYTHON, export_commit, start

    with tempfile.TemporaryDirectory() as tmp:
        builds: dict[str, Path | None] = {"this": None}
        if args.before:
            builds = {f"before ({args.before})": export_commit(args.before, Path(tmp)), **builds}
        results: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for round_ in range(args.rounds):
            for window in (int(w) for w in args.windows.split(",")):
                for name, source in builds.items():
                    run = start(
                        "view_append.py",
                        [PYTHON, BENCH / "view_append.py", "--child", "--window", str(window),
                         "--count", str(args.count)],
                        source=source,
                    )  # fmt: skip
                    try:
                        got = json.loads(run.next_line(300))
                    finally:
                        run.close()
                    results.setdefault((name, window), []).append(got)
                    print(f"  round {round_ + 1} {name} {window} rows: {got}", file=sys.stderr)
    print(f"\none message appended while following, {args.count} per round, {args.rounds} rounds")
    print(
        "| build | rows held | wall µs | thread CPU µs (p90) | rowCount | sizeHint | rows painted |"
    )
    print("|---|---|---|---|---|---|---|")
    for (name, window), runs in results.items():

        def med(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"| {name} | {window} | {med('wall_us'):.0f} | {med('cpu_us'):.0f}"
            f" ({med('cpu_p90_us'):.0f}) | {med('rows'):.0f} | {med('sizes'):.0f}"
            f" | {med('painted'):.0f} |"
        )
        if not all(r["following"] for r in runs):
            print(f"  ({name}, {window} rows: the view did not stay at the newest)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
