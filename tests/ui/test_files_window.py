"""Files between two real windows through desktop-chat-server with files
(issue #21): attached from the dialog, dropped, pasted; a caption on the
first; saved with the right bytes where the user chose; a hostile name
shown neutralised and saved safely; a file over the server's limit refused
in words with the caption kept; a bomb opened from a row refused in words."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.files import FilesConfig
from desktop_chat.ui.file_card import DOWNLOAD, FOLDER, OPEN, VIEW
from tests.ui.conftest import server_url, type_and_send, wait_connected
from tests.ui.test_files_rows import (
    Opened,
    bomb_png,
    button,
    click,
    drop_files,
    opened,
    painted_texts,
    png,
    row_of,
)

__all__ = ["opened"]  # the fixture, shared


@pytest.fixture
def files_server(arun: Callable[..., Any], tmp_path: Path) -> Iterator[ChatServer]:
    server = ChatServer(files=FilesConfig(tmp_path / "server-files", max_bytes=5_000_000))
    arun(server.start("127.0.0.1", 0))
    yield server
    arun(server.stop())


def two(qtbot: Any, open_window: Any, server: ChatServer) -> tuple[ChatSession, ChatSession]:
    url = server_url(server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        qtbot.waitUntil(lambda s=s: s.bridge.files_supported() is True, timeout=5000)
        s.window.resize(800, 700)
    return alice, bob


def with_file(session: ChatSession, name: str) -> Message | None:
    for message in session.messages():
        if message.attachment is not None and message.attachment.name == name:
            return message
    return None


def arrived(qtbot: Any, session: ChatSession, name: str) -> Message:
    qtbot.waitUntil(lambda: with_file(session, name) is not None, timeout=15_000)
    found = with_file(session, name)
    assert found is not None
    return found


def show_image_row(qtbot: Any, session: ChatSession, line: Message) -> QRect:
    """Where the image of `line` is drawn, once its row is on screen."""
    session.window.message_list.scrollToBottom()
    for _ in range(5):
        QApplication.processEvents()
    layout = session.window.delegate.file_layout(row_of(session, line))
    assert layout is not None and layout.image
    assert (
        session.window.delegate.file_action_at(row_of(session, line), layout.rect.center()) == VIEW
    )
    return layout.rect


def test_files_from_the_dialog_reach_the_other_window_with_the_caption(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path
) -> None:
    alice, bob = two(qtbot, open_window, files_server)
    report, photo = tmp_path / "report.pdf", tmp_path / "photo.png"
    report.write_bytes(b"%PDF-1.4 " + os.urandom(30_000))
    photo.write_bytes(png(640, 480, "#3366cc"))
    assert alice.window.attach_button.isVisibleTo(alice.window)
    alice.window.message_input.setPlainText("minutes and a picture")
    qtbot.mouseClick(alice.window.attach_button, Qt.MouseButton.LeftButton)
    dialog = alice.window.files.file_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.filesSelected.emit([str(report), str(photo)])
    dialog.close()
    assert alice.window.message_input.toPlainText() == ""

    first, second = arrived(qtbot, bob, "report.pdf"), arrived(qtbot, bob, "photo.png")
    assert first.text == "minutes and a picture" and second.text == ""
    assert first.attachment is not None and first.attachment.size == report.stat().st_size
    assert second.attachment is not None and second.attachment.is_image
    assert [m.id for m in bob.messages() if m.attachment].index(second.id) == 1
    mine = with_file(alice, "photo.png")
    assert mine is not None
    qtbot.waitUntil(
        lambda: (
            alice.model.get(mine.id).state  # type: ignore[union-attr]
            is DeliveryState.DELIVERED
        ),
        timeout=15_000,
    )
    delivered = alice.model.get(mine.id)
    assert delivered is not None and delivered.attachment is not None
    assert delivered.attachment.file == second.attachment.file  # the server's record now
    # The receiver's row shows the thumbnail the sender made.
    qtbot.waitUntil(lambda: bob.model.file_view(second.id).thumbnail is not None, timeout=10_000)
    thumbnail = bob.model.file_view(second.id).thumbnail
    assert thumbnail is not None
    seen = QColor(thumbnail.pixel(10, 10))
    assert max(abs(seen.red() - 0x33), abs(seen.green() - 0x66), abs(seen.blue() - 0xCC)) < 8


def test_a_dropped_file_and_a_pasted_image_are_sent(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path
) -> None:
    alice, bob = two(qtbot, open_window, files_server)
    notes = tmp_path / "notes.txt"
    notes.write_text("dropped on the conversation\n")
    assert drop_files(alice.window.message_list.viewport(), [notes])
    got = arrived(qtbot, bob, "notes.txt")
    assert got.attachment is not None and got.attachment.size == notes.stat().st_size

    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#cc3300"))
    QGuiApplication.clipboard().setImage(image)
    alice.window.message_input.setPlainText("from the clipboard")
    alice.window.message_input.paste()
    qtbot.waitUntil(
        lambda: any(
            m.attachment and m.attachment.name.startswith("Pasted image ") for m in bob.messages()
        ),
        timeout=15_000,
    )
    pasted = next(
        m for m in bob.messages() if m.attachment and m.attachment.name.startswith("Pasted image ")
    )
    assert pasted.text == "from the clipboard"
    assert pasted.attachment is not None and pasted.attachment.type == "image/png"
    assert pasted.attachment.name.endswith(".png")
    kept = list((Path(os.environ["XDG_DATA_HOME"]) / "desktop-chat" / "pasted").iterdir())
    assert [p.name for p in kept] == [pasted.attachment.name]  # kept where a restart finds it


def test_save_as_saves_the_right_bytes_and_offers_open(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path
) -> None:
    alice, bob = two(qtbot, open_window, files_server)
    payload = os.urandom(200_000)
    source = tmp_path / "data.bin"
    source.write_bytes(payload)
    alice.window.files.attach([str(source)])
    line = arrived(qtbot, bob, "data.bin")
    folder = tmp_path / "chosen"
    folder.mkdir()
    bob.window.files.save_as(line)
    dialog = bob.window.files.folder_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.fileSelected.emit(str(folder))
    dialog.close()
    qtbot.waitUntil(
        lambda: (folder / "data.bin").is_file() and bob.model.file_view(line.id).saved != "",
        timeout=15_000,
    )
    assert (folder / "data.bin").read_bytes() == payload
    assert not stat.S_IMODE((folder / "data.bin").stat().st_mode) & 0o111  # never executable
    layout = bob.window.delegate.file_layout(
        bob.window.message_list.model().index(bob.model.find(line.id) or 0, 0)  # type: ignore[arg-type]
    )
    assert layout is not None and OPEN in [name for _r, name in layout.buttons]


def test_a_hostile_name_is_shown_neutralised_and_saved_safely(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path
) -> None:
    alice, bob = two(qtbot, open_window, files_server)
    hostile = tmp_path / "invoice\u202egnp.exe"
    hostile.write_bytes(b"MZ" + b"\0" * 100)
    alice.window.files.attach([str(hostile)])
    line = arrived(qtbot, bob, "invoice\u202egnp.exe")
    texts = painted_texts(bob, line)
    assert "invoice[U+202E]gnp.exe" in texts and not any("\u202e" in t for t in texts)
    folder = tmp_path / "saved"
    folder.mkdir()
    bob.window.files.download(line, str(folder))
    qtbot.waitUntil(lambda: any(folder.iterdir()), timeout=15_000)
    qtbot.waitUntil(lambda: bob.model.file_view(line.id).saved != "", timeout=15_000)
    (saved,) = folder.iterdir()
    assert "\u202e" not in saved.name and saved.name.endswith(".exe")
    assert not stat.S_IMODE(saved.stat().st_mode) & 0o111


def test_a_file_over_the_limit_is_refused_in_words_and_the_caption_kept(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path
) -> None:
    alice, _bob = two(qtbot, open_window, files_server)
    big = tmp_path / "big.iso"
    with big.open("wb") as out:
        out.truncate(6_000_000)
    alice.window.message_input.setPlainText("the image you asked for")
    alice.window.files.attach([str(big)])
    note = alice.window.files.note
    qtbot.waitUntil(lambda: "too large" in note.text(), timeout=5000)
    assert "5 MB" in note.text() and "big.iso" in note.text()
    assert alice.window.message_input.toPlainText() == "the image you asked for"
    assert with_file(alice, "big.iso") is None
    alice.window.message_input.clear()
    type_and_send(qtbot, alice, "still fine")
    qtbot.waitUntil(
        lambda: any(m.text == "still fine" and m.kind is Kind.OWN for m in alice.messages())
    )


def test_a_bomb_opened_from_a_row_is_refused_and_the_window_goes_on(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path
) -> None:
    alice, bob = two(qtbot, open_window, files_server)
    bomb = tmp_path / "innocent.png"
    bomb.write_bytes(bomb_png())
    alice.window.files.attach([str(bomb)])
    line = arrived(qtbot, bob, "innocent.png")
    assert line.attachment is not None and line.attachment.is_image
    image = show_image_row(qtbot, bob, line)
    qtbot.mouseClick(
        bob.window.message_list.viewport(), Qt.MouseButton.LeftButton, pos=image.center()
    )
    note = bob.window.files.note
    qtbot.waitUntil(lambda: "too large to open safely" in note.text(), timeout=15_000)
    assert bob.window.files.viewer is None
    type_and_send(qtbot, bob, "no thanks")
    qtbot.waitUntil(lambda: any(m.text == "no thanks" for m in alice.messages()))


def test_download_saves_in_downloads_and_offers_open_and_show_in_folder(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path, opened: Opened
) -> None:
    downloads = tmp_path / "my downloads"  # made by the first download
    config = Path(os.environ["XDG_CONFIG_HOME"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "user-dirs.dirs").write_text(f'XDG_DOWNLOAD_DIR="{downloads}"\n')
    alice, bob = two(qtbot, open_window, files_server)
    payload = b"agenda:\n1. files\n" * 500
    (tmp_path / "agenda.txt").write_bytes(payload)
    alice.window.files.attach([str(tmp_path / "agenda.txt")])
    line = arrived(qtbot, bob, "agenda.txt")
    bob.window.message_list.scrollToBottom()
    for _ in range(5):
        QApplication.processEvents()
    click(qtbot, bob, button(bob, line, DOWNLOAD).center())
    qtbot.waitUntil(lambda: bob.model.file_view(line.id).saved != "", timeout=15_000)
    saved = Path(bob.model.file_view(line.id).saved)
    assert saved.parent == downloads and saved.read_bytes() == payload
    assert not opened.urls  # never opened unasked
    click(qtbot, bob, button(bob, line, OPEN).center())
    assert opened.urls == [QUrl.fromLocalFile(str(saved))]
    click(qtbot, bob, button(bob, line, FOLDER).center())
    assert opened.urls[-1] == QUrl.fromLocalFile(str(downloads))


def test_an_image_clicked_in_its_row_opens_in_the_viewer(
    qtbot: Any, open_window: Any, files_server: ChatServer, tmp_path: Path
) -> None:
    alice, bob = two(qtbot, open_window, files_server)
    (tmp_path / "cat.png").write_bytes(png(900, 600, "#884422"))
    alice.window.files.attach([str(tmp_path / "cat.png")])
    line = arrived(qtbot, bob, "cat.png")
    image = show_image_row(qtbot, bob, line)
    qtbot.mouseClick(
        bob.window.message_list.viewport(), Qt.MouseButton.LeftButton, pos=image.center()
    )
    qtbot.waitUntil(lambda: bob.window.files.viewer is not None, timeout=15_000)
    viewer = bob.window.files.viewer
    assert viewer is not None and viewer.isVisible() and viewer.windowTitle() == "cat.png"
    assert viewer.item.pixmap().width() == 900  # the whole image, not the thumbnail
    assert not bob.model.file_view(line.id).saved  # the viewer's copy is not a download
    viewer.close()


@pytest.fixture
def roomy_server(arun: Callable[..., Any], tmp_path: Path) -> Iterator[ChatServer]:
    server = ChatServer(files=FilesConfig(tmp_path / "roomy-files", max_bytes=80_000_000))
    arun(server.start("127.0.0.1", 0))
    yield server
    arun(server.stop())


def test_a_large_jpeg_is_prepared_without_freezing_the_window(
    qtbot: Any, open_window: Any, roomy_server: ChatServer, tmp_path: Path
) -> None:
    """The thumbnail of a camera-sized JPEG is made on a worker thread: the
    window's loop keeps turning meanwhile (its longest pause stays well
    under what the thumbnail takes)."""
    from desktop_chat.ui.images import make_thumbnail

    alice = open_window(server_url(roomy_server), "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.bridge.files_supported() is True, timeout=5000)
    big = tmp_path / "camera.jpg"
    noise = QImage(os.urandom(3200 * 2400 * 4), 3200, 2400, QImage.Format.Format_RGB32)
    noise.save(str(big), "JPEG", 100)  # type: ignore[call-overload]
    assert big.stat().st_size > 20_000_000
    started = time.monotonic()
    assert make_thumbnail(big) is not None
    thumbnail_takes = time.monotonic() - started

    pauses: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        pauses.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    try:
        alice.window.files.attach([str(big)])
        qtbot.waitUntil(lambda: with_file(alice, "camera.jpg") is not None, timeout=20_000)
    finally:
        timer.stop()
    line = with_file(alice, "camera.jpg")
    assert line is not None and line.attachment is not None and line.attachment.is_image
    assert max(pauses) < thumbnail_takes / 2, (max(pauses), thumbnail_takes)


def test_cancel_in_the_row_stops_an_upload(
    qtbot: Any, open_window: Any, roomy_server: ChatServer, tmp_path: Path
) -> None:
    url = server_url(roomy_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        qtbot.waitUntil(lambda s=s: s.bridge.files_supported() is True, timeout=5000)
    big = tmp_path / "backup.tar"
    with big.open("wb") as out:
        for _ in range(75):
            out.write(os.urandom(1_000_000))
    alice.window.files.attach([str(big)])
    qtbot.waitUntil(lambda: with_file(alice, "backup.tar") is not None, timeout=10_000)
    line = with_file(alice, "backup.tar")
    assert line is not None
    qtbot.waitUntil(lambda: alice.model.file_view(line.id).transfer is not None, timeout=10_000)
    alice.window.message_list.scrollToBottom()
    for _ in range(3):
        QApplication.processEvents()
    click(qtbot, alice, button(alice, line, "cancel").center())
    qtbot.waitUntil(
        lambda: (
            alice.model.get(line.id).state  # type: ignore[union-attr]
            is DeliveryState.DISCARDED
        ),
        timeout=10_000,
    )
    assert alice.model.file_view(line.id).transfer is None  # no bar left in the row
    type_and_send(qtbot, alice, "sent the small one instead")
    qtbot.waitUntil(lambda: any(m.text == "sent the small one instead" for m in bob.messages()))
    assert with_file(bob, "backup.tar") is None
