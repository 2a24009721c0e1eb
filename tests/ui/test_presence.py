"""Presence with desktop-chat-server: join and leave lines (a burst is one line),
the participants list per conversation with three windows, the typing
indicator appearing and expiring by itself; a server that floods presence or
typing notices; nothing of it against a server without presence."""

from __future__ import annotations

from typing import Any

from desktop_chat.client.presence import PresenceEvent, PresenceKind
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui import bridge as bridge_module
from tests.ui.conftest import server_url, texts, wait_connected


def join(qtbot: Any, session: Any, room: str) -> None:
    session.window.room_input.setText(room)
    session.window.join_button.click()
    qtbot.waitUntil(lambda: f"Joined {room}" in texts(session, Kind.SYSTEM))


def in_room(session: Any, room: str) -> list[str]:
    model = session.conversations.model(room)
    return [] if model is None else [m.text for m in model.messages() if m.kind is Kind.SYSTEM]


def test_presence_lines_participants_and_typing_with_three_windows(
    qtbot: Any, open_window: Any, chat_server: ChatServer, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bridge_module, "TYPING_EXPIRES", 1.0)
    url = server_url(chat_server)
    alice = open_window(url, "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.has_presence)
    assert alice.window.presence.isVisible() or alice.window.presence.isVisibleTo(alice.window)
    join(qtbot, alice, "garden")
    bob, carol = open_window(url, "bob"), open_window(url, "carol")
    for s in (bob, carol):
        wait_connected(qtbot, s)
    qtbot.waitUntil(lambda: all(any(n in t and "joined" in t for t in in_room(alice, ""))
                                for n in ("bob", "carol")), timeout=5000)
    join(qtbot, bob, "garden")
    join(qtbot, carol, "garden")
    qtbot.waitUntil(lambda: all(any(n in t and "joined" in t for t in in_room(alice, "garden"))
                                for n in ("bob", "carol")), timeout=5000)
    participants = alice.window.sidebar.participants
    qtbot.waitUntil(lambda: [n for n, _w in participants.members()] == ["alice", "bob", "carol"],
                    timeout=5000)
    assert alice.window.presence.count.text() == "3 participants"

    bob.window.select_room("garden")
    bob.window.message_input.setPlainText("typing…")  # a keystroke
    qtbot.waitUntil(lambda: alice.window.presence.typing.text() == "bob is typing…",
                    timeout=5000)
    qtbot.waitUntil(lambda: alice.window.presence.typing.text() == "", timeout=5000)  # expired

    carol.window.select_room("garden")
    carol.window.leave_button.click()
    qtbot.waitUntil(lambda: "carol left" in in_room(alice, "garden"), timeout=5000)
    qtbot.waitUntil(lambda: [n for n, _w in participants.members()] == ["alice", "bob"],
                    timeout=5000)


def test_a_flood_of_presence_and_typing_makes_one_line(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    for i in range(500):
        alice.bridge._presence(PresenceEvent(PresenceKind.JOINED, f"guest{i}", i, ""))
        alice.bridge._presence(PresenceEvent(PresenceKind.TYPING, f"guest{i % 3}", None, ""))
    qtbot.waitUntil(lambda: "500 people joined" in in_room(alice, ""), timeout=5000)
    assert sum("joined" in t for t in in_room(alice, "")) == 1
    assert alice.bridge.room_typing_text("") == "guest0, guest1 and 1 more are typing…"


def test_the_participants_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    from desktop_chat.ui.participants_model import ParticipantsModel

    model = ParticipantsModel()
    model.set_members([("bob", 2), ("\u202eevil" + "x" * 10_000, 1), ("alice", 1)])
    qtmodeltester.check(model)
    shown = [model.index(r).data() for r in range(model.rowCount())]
    assert shown[0] == "alice" and shown[1] == "bob (2 windows)"
    assert "\u202e" not in shown[2] and len(shown[2]) <= 40
    assert model.windows() == 4
    model.set_members([])
    qtmodeltester.check(model)


def test_no_count_is_shown_before_the_server_says_one(qtbot: Any) -> None:
    """"0 participants" is never true of a conversation the window is in."""
    from desktop_chat.ui.presence_bar import PresenceBar

    bar = PresenceBar()
    bar.show_count(0)
    assert bar.count.text() == ""
    bar.show_count(3)
    assert bar.count.text() == "3 participants"
