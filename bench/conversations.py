"""Conversations side by side: memory for 10 x 100,000 messages, and switching.

    .venv/bin/python -m bench.conversations [--rooms 10] [--count 100000] [--switches 30]

The real window (MainWindow over the session's `Conversations`, offscreen,
no network) takes COUNT messages into each of ROOMS conversations, in
batches of 1,000 as the bridge hands them over, Qt painting between
batches. Printed: the process's RSS (peak) after all of them, and the time
from asking for another conversation (as a click in the sidebar does) to
its view painted (a synchronous repaint of the list's viewport), switching
back and forth between two conversations of COUNT messages: median and max.

Only local work; nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--switches", type=int, default=30)
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from desktop_chat.protocol.messages import Kind, Message
    from desktop_chat.ui.conversations import Conversations
    from desktop_chat.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    before = rss_mb()
    conversations = Conversations()
    window = MainWindow(conversations.current_model, conversations.list_model)

    def shown(room: str) -> None:
        model = conversations.model(room)
        assert model is not None
        window.show_conversation(room, model)

    conversations.current_changed.connect(shown)
    window.conversation_requested.connect(conversations.show)
    window.show()
    app.processEvents()
    rooms = [f"room-{i}" for i in range(args.rooms)]
    started = time.perf_counter()
    for number, room in enumerate(rooms):
        for base in range(0, args.count, 1000):
            conversations.route(
                [
                    Message(
                        text=f"message {base + i} in {room}, of a typical short length",
                        kind=Kind.OTHER,
                        room=room,
                        sender=f"user{i % 20}",
                    )
                    for i in range(min(1000, args.count - base))
                ]
            )
            if number == 0 or base % 20_000 == 0:
                app.processEvents()
    filled = time.perf_counter() - started
    app.processEvents()
    after = rss_mb()

    times = []
    for i in range(args.switches):
        room = rooms[i % 2]
        t0 = time.perf_counter()
        window.select_room(room)
        window.message_list.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
        app.processEvents()
    total = args.rooms * args.count
    print(
        f"\n{args.rooms} conversations x {args.count:,} messages ({total:,}), "
        f"offscreen, filled in {filled:.1f} s"
    )
    print("| figure | value | target |")
    print("|---|---|---|")
    print(f"| RSS peak after all messages | {after:.0f} MB (before: {before:.0f} MB) | ≤ 250 MB |")
    print(
        f"| switching between two conversations of {args.count:,}, to painted: "
        f"median / max | {statistics.median(times):.1f} / {max(times):.1f} ms | ≤ 50 ms |"
    )
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
