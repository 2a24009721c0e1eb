"""Draws docs/conversations.png (sidebar, history, unread counts, the divider,
presence) and docs/search.png (a search across conversations, matches
highlighted): one real window beside two others, through the bundled server.

Run under Xvfb so that Qt's real X11 platform draws the window:
    xvfb-run -a -s "-screen 0 900x640x24" .venv/bin/python docs/make_conversations_screenshot.py
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import qasync
from _shots import english, until
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.server.chat_server import ChatServer


async def main(here: Path) -> None:
    server = ChatServer()
    port = await server.start("127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}"
    sessions = {
        name: ChatSession(Options(url=url, name=name, remember=False), Settings())
        for name in ("alice", "bob", "carol")
    }
    alice, bob, carol = sessions["alice"], sessions["bob"], sessions["carol"]
    for session in sessions.values():
        await session.start()
    await until(
        lambda: all(s.client.status.state is ConnectionState.CONNECTED for s in sessions.values())
    )
    alice.window.resize(880, 620)
    alice.window.move(10, 10)
    alice.window.activateWindow()  # seen: the conversation shown is read
    for other in (bob, carol):
        other.window.move(2000, 2000)  # off screen: only alice's window is drawn
    # Yesterday, from the local history: a day band above it.
    yesterday = time.time() - 86_400
    alice.conversations.route(
        [
            Message(text=text, kind=Kind.OTHER, sender=who, ts=yesterday + i * 60)
            for i, (who, text) in enumerate(
                [
                    ("bob", "Release notes are in the wiki — 검색 works on them too."),
                    ("carol", "안녕하세요 여러분! Lunch at noon?"),
                ]
            )
        ]
    )
    for session in sessions.values():
        session.window.room_input.setText("garden")
        session.window.join_button.click()
    alice.window.room_input.setText("ops")
    alice.window.join_button.click()
    bob.window.room_input.setText("ops")
    bob.window.join_button.click()
    await asyncio.sleep(1.5)
    bob.bridge.send("Deploy of 2.4 is done; the dashboards look calm.", "ops")
    bob.bridge.send("Anyone seen the new tomato plants?", "garden")
    carol.bridge.send("Yes! 하세요 — I watered them this morning", "garden")
    alice.window.select_room("")
    await asyncio.sleep(1.5)
    alice.window.select_room("garden")
    carol.window.select_room("garden")
    carol.window.message_input.setPlainText("I will take a picture")  # carol is typing
    await asyncio.sleep(1.5)
    alice.window.message_input.setPlainText("Lovely, thank")
    await asyncio.sleep(0.5)
    alice.window.grab().save(str(here / "conversations.png"))

    alice.window.message_input.clear()
    alice.window.search("하세요", everywhere=True)
    await asyncio.sleep(0.5)
    alice.window.grab().save(str(here / "search.png"))
    for session in sessions.values():
        await session.close()
    await server.stop()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    english(app)
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(Path(__file__).parent))
