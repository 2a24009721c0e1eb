"""Draws docs/accounts.png and docs/accounts-ko.png: one window with two
accounts (a team's server and a friends' one), the rail of accounts with
their states and unread totals, the team's conversations shown; in English,
then a window started in Korean.

Real windows on Xvfb, two real servers and peers on each:
    xvfb-run -a -s "-screen 0 1024x700x24" .venv/bin/python docs/make_accounts_screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import qasync
from _shots import until
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop_chat.app.desktop import Desktop
from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.server.chat_server import ChatServer

DOCS = Path(__file__).resolve().parent


def grab(widget: QWidget, name: str) -> None:
    screen = QGuiApplication.primaryScreen()
    frame = widget.frameGeometry()
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(DOCS / name))


async def shot(language: str, name: str) -> None:
    team, friends = ChatServer(), ChatServer()
    team_url = f"http://127.0.0.1:{await team.start('127.0.0.1', 0)}"
    friends_url = f"http://127.0.0.1:{await friends.start('127.0.0.1', 0)}"
    settings = Settings(do_not_disturb=True)
    me = ChatSession(Options(url=team_url, name="alice", remember=False), settings)
    peers = [
        ChatSession(Options(url=team_url, name="bob", remember=False), Settings()),
        ChatSession(Options(url=friends_url, name="지수", remember=False), Settings()),
    ]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    desktop = Desktop(me, app, language)
    await me.start()
    await desktop.start()
    for peer in peers:
        await peer.start()
        peer.window.move(2000, 2000)  # off screen: only the window shot is drawn
    window = me.window
    window.resize(820, 560)
    window.move(10, 10)
    await until(lambda: me.client.status.state is ConnectionState.CONNECTED)
    me.add_account(friends_url, "alice (friends)")
    await until(lambda: all(s.status.state is ConnectionState.CONNECTED for s in me.sessions))
    await until(lambda: all(p.client.status.state is ConnectionState.CONNECTED for p in peers))
    me.sessions[0].join("release")
    peers[0].window.room_input.setText("release")
    peers[0].window.join_button.click()
    me.sessions[1].join("hiking")
    peers[1].window.room_input.setText("hiking")
    peers[1].window.join_button.click()
    await asyncio.sleep(1.0)
    peers[1].bridge.send("토요일 아침 8시에 출발해요 🥾", "hiking")
    peers[1].bridge.send("Bring water, it will be warm.", "hiking")
    me.show_account(me.sessions[0].account.id)
    peers[0].bridge.send("Build 2.5 is on staging, please have a look.", "release")
    await asyncio.sleep(0.5)
    me.bridge.send("Looking now — the login page is faster.", "release")
    await asyncio.sleep(0.3)
    peers[0].bridge.send("Great, merging the changelog next.", "release")
    me.window.select_room("release")
    window.activateWindow()  # seen: the conversation shown is read
    await until(lambda: me.sessions[1].unread() == 2)
    await asyncio.sleep(0.8)
    grab(window, name)
    await desktop.close()
    for session in (me, *peers):
        await session.close()
    await team.stop()
    await friends.stop()


async def main() -> None:
    # Each language from the start: a line is worded when it arrives.
    await shot("en", "accounts.png")
    await shot("ko", "accounts-ko.png")


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main())
