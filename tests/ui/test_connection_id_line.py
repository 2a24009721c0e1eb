"""No "You connected with id : …" line unless the user asks for it in
Settings, and then only on the tutorial's profile (#25)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.status import ConnectionState
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF
from tests.ui.conftest import server_url, texts, wait_connected


@pytest.fixture
def desktop(arun: Any, qapp: QApplication, chat_server: ChatServer) -> Iterator[Any]:
    from desktop_chat.app.desktop import Desktop

    session = ChatSession(
        Options(url=server_url(chat_server), name="ann", remember=False),
        Settings(),
        backoff=FAST_BACKOFF,
    )
    desk = Desktop(session, qapp, "en")
    arun(session.start())
    yield desk
    arun(desk.close())
    arun(session.close())


def _reconnect(qtbot: Any, session: ChatSession) -> None:
    """Off and on line again, as a user does with the status bar's button."""
    button = session.window.offline_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.client.status.state is ConnectionState.OFFLINE)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_connected(qtbot, session)


def _id_lines(session: ChatSession) -> list[str]:
    return [t for t in texts(session, Kind.SYSTEM) if t.startswith("You connected with id")]


def test_the_connection_id_line_only_when_asked_for(desktop: Any, qtbot: Any) -> None:
    session: ChatSession = desktop.session
    wait_connected(qtbot, session)
    assert session.client.profile.name == "tutorial"
    _reconnect(qtbot, session)
    assert _id_lines(session) == []  # by default: none, on any connection
    assert session.window.status_label.text() == "Connected"

    desktop.open_settings()
    box = desktop.settings_dialog.connection_id_box
    assert box.objectName() == "settingsShowConnectionId" and not box.isChecked()
    assert box.text() == "Say “You connected with id” (tutorial servers)"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert desktop.settings.show_connection_id  # kept in the settings
    _reconnect(qtbot, session)
    sid = session.client.status.sid
    qtbot.waitUntil(lambda: _id_lines(session) == [f"You connected with id : {sid}"])

    # Another profile (not the tutorial's): no line even when asked for.
    combo = session.window.profile_combo
    combo.setCurrentIndex(combo.findData("socketio-chat-demo"))
    combo.activated.emit(combo.currentIndex())  # what choosing it does: reconnect with it
    qtbot.waitUntil(lambda: session.client.profile.name == "socketio-chat-demo")
    wait_connected(qtbot, session)
    qtbot.waitUntil(lambda: session.client.status.sid not in ("", sid))
    assert len(_id_lines(session)) == 1
