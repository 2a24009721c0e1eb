"""Run the app (or a bare program) and print when the first widget paints.

    python bench/_paint_probe.py [desktop-chat arguments]   # the app (python -m desktop_chat)
    python bench/_paint_probe.py --bare SOURCE ARGS...      # a program given as source

Prints `PAINT <time.monotonic_ns()>` on stdout at the first QEvent.Paint,
and `CONNECTED <time.monotonic_ns()>` when a python-socketio client first
hears the server accept its connection (the Socket.IO CONNECT), then lets
the program run. Used by bench/startup.py. The QApplication is made here,
first, so that the event filter sees the first paint; the app takes the
existing instance (desktop_chat.app.run). Nothing else is imported here
ahead of the program: socketio is patched when the program imports it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any

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


class _ConnectedProbe(importlib.abc.MetaPathFinder):
    """Patches `socketio.AsyncClient._handle_connect` once the program imports it.

    (The server's "client connected" log line was the clock before; the
    server now logs a few connections a minute at most, issue #22.)
    """

    NAME = "socketio.async_client"

    def __init__(self) -> None:
        self.done = False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.NAME:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run_module = loader.exec_module
        probe = self

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            client = module.AsyncClient
            handle = client._handle_connect

            async def _handle_connect(self: Any, namespace: Any, data: Any) -> None:
                if not probe.done:
                    probe.done = True
                    sys.stdout.write(f"CONNECTED {time.monotonic_ns()}\n")
                    sys.stdout.flush()
                await handle(self, namespace, data)

            client._handle_connect = _handle_connect

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def main() -> int:
    sys.meta_path.insert(0, _ConnectedProbe())
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
