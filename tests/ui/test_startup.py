"""Start-up order (issue #23): the window is drawn before the client, the network
libraries and the history are loaded, and then connects as before."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked
from tests.procs import Child, app_env

# What the first paint does not need; each takes a noticeable part of a bare
# window's start to import.
DEFERRED = [
    "socketio",
    "engineio",
    "aiohttp",
    "sqlite3",
    "desktop_chat.app.session",
    "desktop_chat.client.chat_client",
    "desktop_chat.server.chat_server",
]

# `desktop-chat ARGS` with a note, as a JSON line, of what was imported when
# the first widget painted and which window it was in.
PROBE = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    DEFERRED = {deferred!r}

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, watched, event):
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                top = watched.window() if isinstance(watched, QWidget) else None
                print(json.dumps({{
                    "event": "first-paint",
                    "loaded": [m for m in DEFERRED if m in sys.modules],
                    "window": type(top).__name__,
                }}), flush=True)
            return False

    app = QApplication(sys.argv[:1])
    first = FirstPaint()
    app.installEventFilter(first)
    from desktop_chat.__main__ import main
    sys.exit(main(sys.argv[1:]))
    """
).format(deferred=DEFERRED)


def test_the_window_is_drawn_before_the_network_and_history_load_and_then_connects(
    tmp_path: Path,
) -> None:
    """The first thing painted is the chat window itself, while none of socketio,
    aiohttp, SQLite, the client or the session is imported yet; after that the
    same process connects and exits cleanly on Ctrl+C."""

    async def scenario() -> Child:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-W", "error", "-c", PROBE, "--url", url, "--name", "early"]
        env = app_env(tmp_path, PYTHONDEVMODE="1", DESKTOP_CHAT_AUTOMATION="1")
        app = Child("desktop-chat", argv, env=env)
        try:
            painted = await app.anext_event(30, "the first paint", event="first-paint")
            assert painted["window"] == "MainWindow", painted
            assert painted["loaded"] == [], f"imported before the first paint: {painted}"
            await app.anext_event(30, "the app to connect", event="status", state="connected")
            assert await app.ainterrupt(20) == 0, app.describe()
        finally:
            app.reap()
            await server.stop()
        return app

    app = run_checked(scenario())
    err = app.text("stderr")
    assert "Traceback" not in err, err
    assert "Warning" not in err and "never awaited" not in err, err
