"""Draws docs/files.png and docs/files-ko.png: a conversation with an image
sent with a caption (its thumbnail in the row), a PDF-like file as a card
with Download, one saved already (Open, Show in folder), and the paperclip
beside the message box; in English, then in Korean.

Real windows on Xvfb and a real server that stores files:
    xvfb-run -a -s "-screen 0 1024x760x24" .venv/bin/python docs/make_files_screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

import qasync
from _shots import until
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QLinearGradient, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from desktop_chat.app.desktop import Desktop
from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.files import FilesConfig

DOCS = Path(__file__).resolve().parent


def grab(widget: QWidget, name: str) -> None:
    screen = QGuiApplication.primaryScreen()
    frame = widget.frameGeometry()
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(DOCS / name))


def picture(path: Path) -> None:
    """A landscape: sky, sun, hills (a JPEG, as a camera's)."""
    image = QImage(1600, 1000, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    sky = QLinearGradient(0, 0, 0, 1000)
    sky.setColorAt(0, QColor("#2b6cb0"))
    sky.setColorAt(1, QColor("#f6ad55"))
    painter.fillRect(image.rect(), sky)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#fefcbf"))
    painter.drawEllipse(QPointF(1150, 380), 120, 120)
    for color, top in (("#2f855a", 620), ("#276749", 720), ("#22543d", 820)):
        painter.setBrush(QColor(color))
        painter.drawEllipse(QRectF(-400 + top % 300, top, 2600, 900))
    painter.end()
    image.save(str(path), "JPEG", 90)  # type: ignore[call-overload]


def with_file(session: ChatSession, name: str) -> Message | None:
    for message in session.messages():
        if message.attachment is not None and message.attachment.name == name:
            return message
    return None


async def shot(language: str, name: str, words: dict[str, str]) -> None:
    work = Path(tempfile.mkdtemp(prefix="files-shot-"))
    server = ChatServer(files=FilesConfig(work / "server"))
    url = f"http://127.0.0.1:{await server.start('127.0.0.1', 0)}"
    me = ChatSession(Options(url=url, name="alice", remember=False), Settings(do_not_disturb=True))
    bob = ChatSession(Options(url=url, name=words["bob"], remember=False), Settings())
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    desktop = Desktop(me, app, language)
    await me.start()
    await desktop.start()
    await bob.start()
    bob.window.move(2000, 2000)  # off screen: only the window shot is drawn
    window = me.window
    window.resize(860, 720)
    window.move(10, 10)
    for s in (me, bob):
        await until(lambda s=s: s.client.status.state is ConnectionState.CONNECTED)
        await until(lambda s=s: s.bridge.files_supported() is True)

    photo = work / words["photo"]
    picture(photo)
    report = work / words["report"]
    report.write_bytes(b"%PDF-1.4\n" + os.urandom(1_840_000))
    budget = work / words["budget"]
    budget.write_bytes(b"%PDF-1.4\n" + os.urandom(310_000))
    bob.window.message_input.setPlainText(words["caption"])
    bob.window.files.attach([str(photo)])
    await until(lambda: with_file(me, photo.name) is not None, 30)
    bob.window.files.attach([str(report), str(budget)])
    await until(lambda: with_file(me, budget.name) is not None, 30)
    saved = work / "saved"
    saved.mkdir()
    line = with_file(me, budget.name)
    assert line is not None
    me.window.files.download(line, str(saved))
    await until(lambda: me.model.file_view(line.id).saved != "", 30)
    shown = with_file(me, photo.name)
    assert shown is not None
    await until(lambda: me.model.file_view(shown.id).thumbnail is not None, 30)
    me.window.files.forget_note()
    me.window.statusBar().clearMessage()  # "Saved as" a temporary folder
    window.message_input.setPlainText(words["draft"])
    window.activateWindow()
    await asyncio.sleep(1.0)
    grab(window, name)
    await desktop.close()
    for session in (me, bob):
        await session.close()
    await server.stop()


ENGLISH = {
    "bob": "bob",
    "photo": "Lake at dusk.jpg",
    "caption": "The view from the cabin last night",
    "report": "Quarterly report 2026 Q4 (final, reviewed).pdf",
    "budget": "Budget.pdf",
    "draft": "Lovely! Reading the report now",
}
KOREAN = {
    "bob": "민수",
    "photo": "저녁 호수.jpg",
    "caption": "어젯밤 오두막에서 본 풍경이에요",
    "report": "2026년 4분기 보고서 (최종, 검토 완료).pdf",
    "budget": "예산.pdf",
    "draft": "멋져요! 보고서 지금 읽을게요",
}


async def main() -> None:
    await shot("en", "files.png", ENGLISH)
    await shot("ko", "files-ko.png", KOREAN)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main())
