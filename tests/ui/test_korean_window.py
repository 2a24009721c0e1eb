"""A Korean window says in Korean what the client reports (connected, joined,
a refused join, disconnected, renamed, why it cannot reconnect, a bad
address): the client reports typed notices and the window words them
(ui/notice_text.py), so no English line made by the client reaches a Korean
window."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_chat.app.settings import Settings
from desktop_chat.client.notices import NothingListening
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.i18n import Translations
from desktop_chat.ui.notice_text import notice_text
from tests.ui.conftest import texts, wait_connected
from tests.ui.test_names import rename_in_window

HANGUL = re.compile("[\uac00-\ud7a3]")
QUOTED = re.compile(r"“[^”]*”|'[^']*'")  # a server's words, an address as typed
SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,.:;]+[A-Za-z]{2,}){2,}")  # three English words


@pytest.fixture
def korean(qapp: Any) -> Iterator[Translations]:
    translations = Translations(qapp)
    assert translations.apply("ko")
    qapp.processEvents()
    yield translations
    translations.apply("en")
    qapp.processEvents()


def english(lines: list[str]) -> list[str]:
    """The lines that are not Korean, or hold an English sentence besides what
    they quote: each line is Korean around the names, ids and server texts it
    puts in."""
    return [
        line for line in lines
        if not HANGUL.search(line) or SENTENCE.search(QUOTED.sub("", line))
    ]  # fmt: skip


def test_the_client_s_notices_are_korean_in_a_korean_window(
    qtbot: Any, open_window: Any, arun: Any, korean: Translations
) -> None:
    server = ChatServer()
    port = arun(server.start("127.0.0.1", 0))
    try:
        # The tutorial's "You connected with id" line, asked for in Settings.
        asked = Settings(show_connection_id=True)
        alice = open_window(f"http://127.0.0.1:{port}", "alice", settings=asked)
        bob = open_window(f"http://127.0.0.1:{port}", "bob")
        wait_connected(qtbot, alice)
        wait_connected(qtbot, bob)
        sid = alice.client.status.sid
        qtbot.waitUntil(lambda: any(sid in t for t in texts(alice, Kind.SYSTEM)))

        for session in (alice, bob):
            session.window.room_input.setText("garden")
            session.window.join_button.click()
        qtbot.waitUntil(lambda: any("garden" in t for t in texts(alice, Kind.SYSTEM)))
        alice.window.room_input.setText("r" * 200)  # over the server's 128: refused
        alice.window.join_button.click()
        problem = alice.window.sidebar.join_problem  # beside the join field
        qtbot.waitUntil(lambda: "128" in problem.text())

        qtbot.waitUntil(lambda: bob.client.says_rooms)
        rename_in_window(qtbot, bob, "bert")
        qtbot.waitUntil(lambda: any("bert" in t for t in texts(alice, Kind.SYSTEM)))

        alice.window.server_url.setText("ftp://example.org")  # not an address we can use
        qtbot.mouseClick(alice.window.connect_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("'ftp'" in t for t in texts(alice, Kind.SYSTEM)))
        assert HANGUL.search(alice.window.status_label.details())
        wait_connected(qtbot, alice)  # still on the server
        before = len(texts(alice, Kind.SYSTEM))
    finally:
        arun(server.stop())
    qtbot.waitUntil(lambda: len(texts(alice, Kind.SYSTEM)) > before)  # disconnected
    lines = texts(alice, Kind.SYSTEM)
    assert english(lines) == []
    refusal = problem.text()
    assert "“" in refusal  # the server's own words, quoted inside a Korean sentence
    assert english([refusal]) == []
    # The status line says why it cannot reconnect, in Korean too.
    status = alice.window.status_label
    qtbot.waitUntil(lambda: notice_text(NothingListening()) in status.details())
    assert "Connection refused" not in status.details() and HANGUL.search(status.details())
