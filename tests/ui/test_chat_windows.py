"""Two and three real windows chatting through the bundled server."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QPlainTextEdit, QPushButton

from desktop_chat.protocol.messages import DeliveryState, Kind
from desktop_chat.server.chat_server import ChatServer
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


def test_widgets_carry_the_documented_object_names(
    open_window: Any, chat_server: ChatServer
) -> None:
    w = open_window(server_url(chat_server)).window
    for cls, name in [
        (QListView, "messageList"),
        (QPlainTextEdit, "messageInput"),
        (QPushButton, "sendButton"),
        (QLineEdit, "roomInput"),
        (QPushButton, "joinButton"),
        (QLineEdit, "serverUrl"),
        (QLabel, "statusLabel"),
    ]:
        assert w.findChild(cls, name) is not None, name
    assert w.message_input.hasFocus()


def test_two_windows_chat_both_ways_without_a_room(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    bob = open_window(server_url(chat_server), "bob")
    wait_connected(qtbot, alice)
    wait_connected(qtbot, bob)
    # No developer's line in the conversation (Settings can ask for it: test_connection_id_line).
    assert not any(t.startswith("You connected with id") for t in texts(alice, Kind.SYSTEM))
    status = alice.window.status_label.details()
    assert alice.client.status.sid in status and "websocket" in status

    type_and_send(qtbot, alice, "Hello Bob\nsecond line")
    assert alice.window.message_input.toPlainText() == ""
    qtbot.waitUntil(lambda: texts(alice, Kind.OWN) == ["Hello Bob\nsecond line"], timeout=1000)
    qtbot.waitUntil(lambda: "Hello Bob\nsecond line" in texts(bob, Kind.OTHER))
    line = next(m for m in bob.messages() if m.kind is Kind.OTHER)
    assert line.sender == "alice"

    qtbot.mouseClick(bob.window.send_button, Qt.MouseButton.LeftButton)  # empty: nothing sent
    bob.window.message_input.setPlainText("Hi Alice 👋 안녕")
    qtbot.mouseClick(bob.window.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Hi Alice 👋 안녕" in texts(alice, Kind.OTHER))
    assert texts(bob, Kind.OWN) == ["Hi Alice 👋 안녕"]

    qtbot.waitUntil(
        lambda: (
            [m.state for m in alice.messages() if m.kind is Kind.OWN] == [DeliveryState.DELIVERED]
        )
    )
    assert texts(alice, Kind.OWN) == ["Hello Bob\nsecond line"]  # once, never echoed


def test_a_room_message_reaches_only_the_room(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice, bob, carol = (open_window(url, n) for n in ("alice", "bob", "carol"))
    for s in (alice, bob, carol):
        wait_connected(qtbot, s)
    for s in (alice, bob):
        s.window.room_input.setText("  garden ")
        qtbot.mouseClick(s.window.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=s: "Joined garden" in texts(s, Kind.SYSTEM))
    assert alice.window.room_input.text() == ""  # emptied for the next room
    assert alice.window.target_label.text() == "Sending to room #garden"

    type_and_send(qtbot, alice, "just for the garden")
    qtbot.waitUntil(lambda: "just for the garden" in texts(bob, Kind.OTHER))
    carol.window.room_input.clear()
    type_and_send(qtbot, carol, "carol to everyone")
    qtbot.waitUntil(
        lambda: (
            "carol to everyone" in texts(alice, Kind.OTHER)
            and "carol to everyone" in texts(bob, Kind.OTHER)
        )
    )
    assert "just for the garden" not in texts(carol)
    in_room = next(m for m in bob.messages() if m.text == "just for the garden")
    assert in_room.room == "garden"
    assert texts(alice, Kind.OWN) == ["just for the garden"]
