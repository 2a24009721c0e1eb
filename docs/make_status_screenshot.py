"""Draws docs/status-line.png: one window at its default size, hosting and connected.

It shows the status line elided beside "Go offline" (the whole status is its
tooltip). Run under Xvfb so that Qt's real X11 platform draws the window:
    xvfb-run -a .venv/bin/python docs/make_status_screenshot.py
"""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import qasync
from _shots import english, until
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState


async def main(out: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = Options(name="alice", remember=False, default_url=f"http://localhost:{port}")
    session = ChatSession(options, Settings())
    await session.start()
    await until(lambda: session.client.status.state is ConnectionState.CONNECTED)
    await until(lambda: session.window.status_label.details().startswith("Connected"))
    session.window.message_input.setPlainText("typing…")
    await asyncio.sleep(0.5)  # let the window paint before the grab
    session.window.grab().save(str(out))
    print(session.window.size().toTuple(), session.window.status_label.details())
    await session.close()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    english(app)
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(Path(__file__).with_name("status-line.png")))
