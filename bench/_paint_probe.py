"""Run the app (or a bare program) and print when the first widget paints.

    python bench/_paint_probe.py [desktop-chat arguments]   # the app (python -m desktop_chat)
    python bench/_paint_probe.py --bare SOURCE ARGS...      # a program given as source

Prints `PAINT <time.monotonic_ns()>` on stdout at the first QEvent.Paint,
then lets the program run. Used by bench/startup.py. The QApplication is
made here, first, so that the event filter sees the first paint; the app
takes the existing instance (desktop_chat.app.run).
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication


class _FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            sys.stdout.write(f"PAINT {time.monotonic_ns()}\n")
            sys.stdout.flush()
            QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    watch = _FirstPaint()
    app.installEventFilter(watch)
    if sys.argv[1:2] == ["--bare"]:
        source, args = sys.argv[2], sys.argv[3:]
        sys.argv = [sys.argv[0], *args]
        exec(compile(source, "<bare>", "exec"), {"__name__": "__main__"})
        return 0
    from desktop_chat.__main__ import main as app_main

    return app_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
