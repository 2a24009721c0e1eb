"""Files against the tutorial's own Node server, which cannot carry them: the
paperclip is hidden, and a file dropped or an image pasted is not sent; the
window says why, once, and what was typed stays in the box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QGuiApplication, QImage

from tests.interop.nodeproc import Peer
from tests.interop.test_node_server import wait_shown
from tests.ui.test_files_rows import drop_files


def test_tutorial_server_hides_attaching_and_says_why_once(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any, tmp_path: Path
) -> None:
    server = node_server()
    bob: Peer = peer(server, "bob")
    desk = open_window(server, "desk")
    bob.send("send me the file")
    wait_shown(qtbot, desk, "send me the file")
    qtbot.waitUntil(lambda: desk.bridge.files_supported() is False, timeout=5000)
    w = desk.window
    assert not w.attach_button.isVisibleTo(w)

    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    w.message_input.setPlainText("here it is")
    drop_files(w.message_list.viewport(), [notes])
    assert "cannot carry files" in w.files.note.text()
    assert w.message_input.toPlainText() == "here it is"  # nothing typed is lost
    assert not any(m.attachment for m in desk.messages())

    w.files.forget_note()
    image = QImage(20, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QGuiApplication.clipboard().setImage(image)
    w.message_input.paste()
    assert w.files.note.text() == ""  # said once for this account
    assert not any(m.attachment for m in desk.messages())
    bob.send("never mind")
    wait_shown(qtbot, desk, "never mind")
    assert all("Pasted image" not in text for text in bob.received())
