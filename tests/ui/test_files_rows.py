"""Lines with files in a real window (issue #21, the window's side): a card
for a file, a thumbnail for an image, progress and Cancel in the row, Open
and Show in folder once saved, a hostile name shown neutralised, a bomb
opened from a row refused in words. The lines and the transfer updates
come in through the account's bridge, as the client hands them on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMimeData,
    QObject,
    QPoint,
    QPointF,
    QRect,
    Qt,
    QUrl,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QPainter,
)
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QWidget

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol.messages import (
    Attachment,
    Kind,
    Message,
    TransferState,
    TransferUpdate,
)
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.file_card import CANCEL, DOWNLOAD
from tests.ui.conftest import server_url, wait_connected

FILE_ID, THUMB_ID, SHA = "a" * 32, "b" * 32, "c" * 64


def png(width: int, height: int, color: str = "teal") -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


def bomb_png(side: int = 40_000) -> bytes:
    """A PNG whose header declares side x side pixels, with hardly any data."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def received(text: str, attachment: Attachment, sender: str = "bob") -> Message:
    return Message(text, Kind.OTHER, sender=sender, attachment=attachment)


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def row_of(session: ChatSession, message: Message) -> Any:
    model = session.window.message_list.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data(int(Qt.ItemDataRole.UserRole) + 1).id == message.id:
            return model.index(row, 0)
    raise AssertionError(f"no row for {message.text!r}")


def click(qtbot: Any, session: ChatSession, point: QPoint) -> None:
    qtbot.mouseClick(session.window.message_list.viewport(), Qt.MouseButton.LeftButton, pos=point)


def button(session: ChatSession, message: Message, action: str) -> QRect:
    layout = session.window.delegate.file_layout(row_of(session, message))
    assert layout is not None
    found = [rect for rect, name in layout.buttons if name == action]
    assert found, f"no {action} in {[name for _r, name in layout.buttons]}"
    return found[0]


def menu_entries(session: ChatSession, message: Message) -> set[str]:
    """The objectNames of what the line's context menu offers."""
    menu = session.window.message_menu(row_of(session, message))
    assert menu is not None
    return {action.objectName() for action in menu.actions() if action.objectName()}


class Recorder(QPainter):
    """A painter that keeps every text drawn with it."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:  # type: ignore[override]
        self.texts.append(next(a for a in args if isinstance(a, str)))
        super().drawText(*args)


def painted_texts(session: ChatSession, message: Message) -> list[str]:
    view = session.window.message_list
    index = row_of(session, message)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, view.viewport().width(), view.visualRect(index).height())
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    painter = Recorder(image)
    view.delegate.paint(painter, option, index)
    painter.end()
    return painter.texts


def drop_files(widget: QWidget, paths: list[Path]) -> bool:
    """Drag files over `widget` and drop them, as a file manager does; whether
    the drop was taken."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    buttons, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, data, buttons, none)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, data, buttons, none)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted() and drop.isAccepted()


class Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened(qapp: Any) -> Iterator[Opened]:
    """Where QDesktopServices.openUrl would hand a file to the desktop."""
    handler = Opened()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def window(qtbot: Any, open_window: Any, chat_server: ChatServer) -> ChatSession:
    session = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, session)
    session.window.resize(800, 700)
    return session


def test_a_file_shows_a_card_and_an_image_its_thumbnail(qtbot: Any, window: ChatSession) -> None:
    report = received(
        "the report", Attachment(FILE_ID, "report.pdf", 1_234_567, "application/pdf", SHA)
    )
    photo = received("", Attachment("d" * 32, "photo.png", 350_000, "image/png", SHA, THUMB_ID))
    asked: list[Message] = []
    window.window.files.thumbnail_requested.connect(asked.append)
    window.bridge.messages_added.emit([report, photo])
    settle()

    texts = painted_texts(window, report)
    assert "report.pdf" in texts
    assert any("1.2 MB" in t and "PDF" in t for t in texts), texts
    assert "Download" in texts
    assert {"downloadAction", "saveAsAction"} <= menu_entries(window, report)
    assert "openFileAction" not in menu_entries(window, report)  # nothing saved yet
    assert (
        row_of(window, report).data(int(Qt.ItemDataRole.AccessibleTextRole))
        == "bob: file report.pdf, 1.2 MB. the report"
    )

    # The image's row is shown: its thumbnail is asked for once, a grey placeholder
    # with its name is drawn meanwhile.
    qtbot.waitUntil(lambda: [m.id for m in asked] == [photo.id])
    assert "photo.png" in painted_texts(window, photo)
    before = window.window.message_list.visualRect(row_of(window, photo)).height()
    window.bridge.thumbnail_ready.emit(photo.id, png(300, 150, "#ff00ff"))
    qtbot.waitUntil(lambda: window.model.file_view(photo.id).thumbnail is not None)
    thumbnail = window.model.file_view(photo.id).thumbnail
    assert thumbnail is not None and thumbnail.width() <= 240 and thumbnail.height() <= 240
    settle()
    layout = window.window.delegate.file_layout(row_of(window, photo))
    assert layout is not None and layout.rect.size().width() == 240
    assert layout.rect.size().height() == 120  # scaled with its aspect
    assert window.window.message_list.visualRect(row_of(window, photo)).height() != before
    shot = window.window.message_list.viewport().grab().toImage()
    assert QColor(shot.pixel(layout.rect.center())).name() == "#ff00ff"
    assert asked == [photo]  # not asked again on every paint


def test_progress_and_cancel_in_the_row(qtbot: Any, window: ChatSession) -> None:
    line = received("", Attachment(FILE_ID, "big.zip", 50_000_000, "application/zip", SHA))
    window.bridge.messages_added.emit([line])
    settle()
    window.bridge.transfer_changed.emit(
        TransferUpdate(line.id, upload=False, done=20_000_000, total=50_000_000)
    )
    settle()
    layout = window.window.delegate.file_layout(row_of(window, line))
    assert layout is not None and layout.progress is not None
    assert [name for _r, name in layout.buttons] == [CANCEL]
    assert menu_entries(window, line) >= {"cancelTransferAction"}
    assert "downloadAction" not in menu_entries(window, line)
    shot = window.window.message_list.viewport().grab().toImage()
    bar = layout.progress
    filled = QColor(shot.pixel(bar.left() + bar.width() // 5, bar.center().y()))
    empty = QColor(shot.pixel(bar.right() - 2, bar.center().y()))
    assert filled != empty  # 40 % of the bar is drawn done

    with qtbot.waitSignal(window.window.files.cancel_requested, timeout=2000) as cancelled:
        click(qtbot, window, button(window, line, CANCEL).center())
    assert cancelled.args == [line.id]
    window.bridge.transfer_changed.emit(
        TransferUpdate(line.id, False, 20_000_000, 50_000_000, TransferState.CANCELLED)
    )
    settle()
    assert [
        name
        for _r, name in window.window.delegate.file_layout(  # type: ignore[union-attr]
            row_of(window, line)
        ).buttons
    ] == [DOWNLOAD]


def test_a_hostile_name_is_shown_neutralised(qtbot: Any, window: ChatSession) -> None:
    line = received(
        "", Attachment(FILE_ID, "invoice\u202egnp.exe", 2048, "application/x-msdownload", SHA)
    )
    window.bridge.messages_added.emit([line])
    settle()
    texts = painted_texts(window, line)
    assert "invoice[U+202E]gnp.exe" in texts
    assert not any("\u202e" in t for t in texts)
    accessible = row_of(window, line).data(int(Qt.ItemDataRole.AccessibleTextRole))
    assert "\u202e" not in accessible and "invoice[U+202E]gnp.exe" in accessible


def test_files_sent_together_show_as_one_group(qtbot: Any, window: ChatSession) -> None:
    first = received("two files", Attachment(FILE_ID, "a.pdf", 10, "application/pdf", SHA))
    second = received("", Attachment("e" * 32, "b.pdf", 10, "application/pdf", SHA))
    other = received("", Attachment("f" * 32, "c.pdf", 10, "application/pdf", SHA), "carol")
    window.bridge.messages_added.emit([first, second, other])
    settle()
    headers = [t for t in painted_texts(window, first) if t.startswith("bob")]
    assert headers  # the group's header
    assert not [t for t in painted_texts(window, second) if t.startswith("bob")]
    assert [t for t in painted_texts(window, other) if t.startswith("carol")]
