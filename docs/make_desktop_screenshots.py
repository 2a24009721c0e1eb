"""Draws the desktop screenshots in docs/: window-ko.png, theme-dark.png,
theme-light.png, settings.png and notification.png.

Real windows on Xvfb with a session bus and dunst (started here with the
tests' dunstrc), a real server and a peer:
    xvfb-run -a -s "-screen 0 1024x800x24" dbus-run-session -- \\
        .venv/bin/python docs/make_desktop_screenshots.py

window-ko.png shows what the client reports (joined, a refused join, a
reconnect) worded in Korean. A line is worded when it arrives: the English
shots after it show those lines in Korean (theme-*.png and settings.png in
docs/ were taken before the notices were worded by the window).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import qasync
import socketio
from _shots import until
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop_chat.app.desktop import Desktop
from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import ServerEntry, Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.client.notices import Disconnected, Joined
from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.notice_text import notice_text

DOCS = Path(__file__).resolve().parent
DUNSTRC = DOCS.parent / "tests" / "desktop" / "dunstrc"


async def settle(seconds: float = 0.6) -> None:
    await asyncio.sleep(seconds)  # let the windows paint before the grab


def grab(widget: QWidget, name: str) -> None:
    screen = QGuiApplication.primaryScreen()
    frame = widget.frameGeometry()
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(DOCS / name))


async def main() -> None:
    dunst = subprocess.Popen(["dunst", "-config", str(DUNSTRC)])
    tray = subprocess.Popen(["trayer", "--edge", "bottom", "--align", "right", "--widthtype",
                             "request", "--height", "24", "--SetDockType", "true"])  # fmt: skip
    await asyncio.sleep(1)  # the tray host takes the tray selection
    # Room names of at most 16 characters: a longer one is refused, for the shot.
    limits = Limits(max_room_chars=16)
    server = ChatServer(limits=limits)
    port = await server.start("127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        servers=[ServerEntry(url), ServerEntry("https://chat.example.org", "/chat/socket.io",
                                               "websocket")],
        muted=["lunch"],
        keep_in_tray=True,
        do_not_disturb=True,  # no popups over the window shots (Xvfb has no active window)
    )  # fmt: skip
    me = ChatSession(Options(url=url, name="민준", room="garden", remember=False), settings)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    desktop = Desktop(me, app, "ko")
    window = me.window
    await me.start()
    await desktop.start()
    window.resize(800, 640)
    window.move(10, 10)
    await until(lambda: me.client.status.state is ConnectionState.CONNECTED)

    async def said(text: str) -> None:
        await until(lambda: any(m.text == text for m in me.messages()))

    # What the client reports, in Korean: joined, a refused join, a reconnect.
    await said(notice_text(Joined("garden")))
    me.bridge.join("겨울 채소밭 모임 2026년 12월")  # as typed, #garden still shown
    await until(lambda: window.sidebar.join_problem.isVisible())  # said by the join field
    await server.stop()
    await said(notice_text(Disconnected()))
    server = ChatServer(limits=limits)
    await server.start("127.0.0.1", port)
    await until(lambda: me.client.status.state is ConnectionState.CONNECTED)

    peer = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    await peer.connect(url, transports=["websocket"], auth={"name": "지민"})
    await peer.call("join-room", "garden", timeout=5)

    peer_says = (
        "오늘 정원에 토마토가 다 익었어요",
        "사진은 https://example.org/garden 에 올렸어요",
    )
    for text in peer_says:
        await peer.emit("send-message", (text, "garden"))
        await said(text)
    me.bridge.send("좋아요! 내일 아침에 같이 따요.", "garden")
    await said("좋아요! 내일 아침에 같이 따요.")
    window.message_input.setPlainText("몇 시에 만날까요?")
    await settle()
    grab(window, "window-ko.png")

    desktop.set_setting("language", "en")
    for theme in ("dark", "light"):
        desktop.set_setting("theme", theme)
        await settle()
        grab(window, f"theme-{theme}.png")

    desktop.open_settings()
    dialog = desktop.settings_dialog
    assert dialog is not None
    dialog.resize(560, dialog.sizeHint().height())
    dialog.move(300, 20)
    await settle()
    grab(dialog, "settings.png")
    dialog.close()

    desktop.set_setting("language", "ko")
    desktop.set_setting("theme", "system")
    desktop.set_setting("do_not_disturb", False)
    window.hide()  # in the tray: new messages notify
    for text in ("물뿌리개는 창고 왼쪽에 있어요", "장갑도 챙겨 오세요 <꼭>"):
        await peer.emit("send-message", (text, "garden"))
        await said(text)
    await settle(1.5)
    # dunstrc: 360 px wide, 12 px from the right, 40 from the top of a 1024 px screen.
    subprocess.run(["import", "-window", "root", "-crop", "392x84+636+32",
                    str(DOCS / "notification.png")], check=True)  # fmt: skip

    await peer.disconnect()
    await desktop.close()
    await me.close()
    await server.stop()
    for child in (dunst, tray):
        child.terminate()
        child.wait(5)


if __name__ == "__main__":
    qt_app = QApplication(sys.argv[:1])
    qt_app.setQuitOnLastWindowClosed(False)
    qasync.run(main())
