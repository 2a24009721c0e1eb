"""Draws docs/two-windows.png: two real windows chatting through the bundled server.

Run under Xvfb so that Qt's real X11 platform draws the windows:
    xvfb-run -s "-screen 0 1180x720x24" .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import qasync
from _shots import english, until
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.server.chat_server import ChatServer


async def main(out: Path) -> None:
    server = ChatServer()
    port = await server.start("127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}"
    alice = ChatSession(Options(url=url, name="alice", remember=False), Settings())
    bob = ChatSession(Options(url=url, name="bob", remember=False), Settings())
    for session, x in ((alice, 5), (bob, 595)):
        await session.start()
        session.window.resize(580, 680)
        session.window.move(x, 10)
    await until(
        lambda: all(s.client.status.state is ConnectionState.CONNECTED for s in (alice, bob))
    )
    script = [
        (alice, "Hi Bob! Is the desktop client working for you?", ""),
        (bob, "Works great 👋 — 안녕하세요!", ""),
    ]
    for session, text, room in script:
        session.bridge.send(text, room)
        other = bob if session is alice else alice
        await until(lambda t=text, o=other: any(m.text == t for m in o.messages()))
    for s in (alice, bob):
        s.window.room_input.setText("garden")
        s.window.join_button.click()
    await until(lambda: any(m.text == "Joined garden" for m in bob.messages()))
    alice.bridge.send("This one only goes to #garden.\n<b>markup stays plain text</b>", "garden")
    await until(lambda: any("garden." in m.text for m in bob.messages()))
    alice.window.message_input.setPlainText("typing…")
    await asyncio.sleep(0.5)  # let both windows paint before the grab
    screen = QGuiApplication.primaryScreen()
    screen.grabWindow(0, 0, 0, 1180, 700).save(str(out))
    for s in (alice, bob):
        await s.close()
    await server.stop()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    english(app)
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(Path(__file__).with_name("two-windows.png")))
