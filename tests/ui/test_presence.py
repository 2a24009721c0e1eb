"""Presence with desktop-chat-server: join and leave lines (a burst is one line),
the participants list per conversation with three windows, the typing
indicator appearing and expiring by itself; a server that floods presence or
typing notices; nothing of it against a server without presence."""

from __future__ import annotations

from typing import Any

from desktop_chat.client import presence as presence_module
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.client.presence import PresenceEvent, PresenceKind
from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.server.chat_server import ChatServer
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


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
    monkeypatch.setattr(presence_module, "TYPING_EXPIRES", 1.0)
    url = server_url(chat_server)
    alice = open_window(url, "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.has_presence)
    assert alice.window.presence.isVisible() or alice.window.presence.isVisibleTo(alice.window)
    join(qtbot, alice, "garden")
    bob, carol = open_window(url, "bob"), open_window(url, "carol")
    for s in (bob, carol):
        wait_connected(qtbot, s)
    qtbot.waitUntil(
        lambda: all(
            any(n in t and "joined" in t for t in in_room(alice, "")) for n in ("bob", "carol")
        ),
        timeout=5000,
    )
    join(qtbot, bob, "garden")
    join(qtbot, carol, "garden")
    qtbot.waitUntil(
        lambda: all(
            any(n in t and "joined" in t for t in in_room(alice, "garden"))
            for n in ("bob", "carol")
        ),
        timeout=5000,
    )
    participants = alice.window.sidebar.participants
    qtbot.waitUntil(
        lambda: [n for n, _w in participants.members()] == ["alice", "bob", "carol"], timeout=5000
    )
    assert alice.window.presence.count.text() == "3 participants"

    bob.window.select_room("garden")
    bob.window.message_input.setPlainText("typing…")  # a keystroke
    qtbot.waitUntil(lambda: alice.window.presence.typing.text() == "bob is typing…", timeout=5000)
    qtbot.waitUntil(lambda: alice.window.presence.typing.text() == "", timeout=5000)  # expired

    carol.window.select_room("garden")
    carol.window.leave_button.click()
    qtbot.waitUntil(lambda: "carol left" in in_room(alice, "garden"), timeout=5000)
    qtbot.waitUntil(
        lambda: [n for n, _w in participants.members()] == ["alice", "bob"], timeout=5000
    )


def test_a_flood_of_presence_and_typing_makes_one_line(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    for i in range(500):
        alice.client._presence_event(PresenceEvent(PresenceKind.JOINED, f"guest{i}", i, ""))
        alice.client._presence_event(PresenceEvent(PresenceKind.TYPING, f"guest{i % 3}", None, ""))
    qtbot.waitUntil(lambda: "500 people joined" in in_room(alice, ""), timeout=5000)
    assert sum("joined" in t for t in in_room(alice, "")) == 1
    assert alice.bridge.typing_text("") == "guest0, guest1 and 1 more are typing…"
    assert alice.window.presence.typing.text() == "guest0, guest1 and 1 more are typing…"


def test_gathered_lines_keep_their_place_among_the_messages(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """A message takes the joins and leaves gathered before it along: a flood
    is still one line, and every line stands where the server put it."""
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    client = alice.client
    for i in range(300):
        client._presence_event(PresenceEvent(PresenceKind.JOINED, f"guest{i}", i, ""))
    client._received(Message("first words", Kind.OTHER, "", "guest7"))
    for i in range(3):
        client._presence_event(PresenceEvent(PresenceKind.LEFT, f"guest{i}", 1, ""))
    client._received(Message("second words", Kind.OTHER, "", "guest8"))
    client._presence_event(PresenceEvent(PresenceKind.JOINED, "late", 1, ""))
    qtbot.waitUntil(lambda: "late joined" in in_room(alice, ""), timeout=5000)
    shown = [m.text for m in alice.conversations.model("").messages()]
    wanted = ["300 people joined", "first words", "3 people left", "second words", "late joined"]
    assert [t for t in shown if t in wanted] == wanted


def names(session: Any) -> list[str]:
    return [n for n, _w in session.window.sidebar.participants.members()]


def test_the_participants_include_the_user_from_the_start(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """Issue 19: anna joined #garden where bert was, and saw "1 participant",
    only bert listed, until someone else came or went."""
    url = server_url(chat_server)
    bert = open_window(url, "bert")
    wait_connected(qtbot, bert)
    join(qtbot, bert, "garden")
    anna = open_window(url, "anna")
    wait_connected(qtbot, anna)
    qtbot.waitUntil(lambda: anna.client.has_presence)
    join(qtbot, anna, "garden")
    qtbot.waitUntil(lambda: names(anna) == ["anna", "bert"], timeout=5000)
    assert anna.window.presence.count.text() == "2 participants"


def test_two_people_joining_at_the_same_moment_each_list_the_other(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """Seen in docs/two-windows.png: alice and bob joined #garden at once and
    bob's list held only bob. His window asked who was there as it showed
    the room, and the server answered that before either join was done
    (each event runs on its own); alice's "joined" went out before bob was
    in the room to hear it. The window now asks again once its join is
    acknowledged: whoever joined before is in that answer, whoever after
    sends a "joined" it hears. A server restart, everyone rejoining at
    once, met the same."""
    url = server_url(chat_server)
    alice = open_window(url, "alice")
    bob = open_window(url, "bob")
    for session in (alice, bob):
        wait_connected(qtbot, session)
        qtbot.waitUntil(lambda session=session: session.client.has_presence)
    for session in (alice, bob):
        session.window.room_input.setText("garden")
        session.window.join_button.click()
    for session in (alice, bob):
        qtbot.waitUntil(lambda session=session: names(session) == ["alice", "bob"], timeout=5000)
        assert session.window.presence.count.text().split(" ")[0] == "2"


def test_the_list_is_emptied_while_disconnected_and_filled_again(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """Issue 19: the list kept stale names while disconnected, and after a
    reconnect left out the user (bert)."""
    url = server_url(chat_server)
    anna = open_window(url, "anna")
    wait_connected(qtbot, anna)
    join(qtbot, anna, "garden")
    bert = open_window(url, "bert")
    wait_connected(qtbot, bert)
    join(qtbot, bert, "garden")
    qtbot.waitUntil(lambda: names(bert) == ["anna", "bert"], timeout=5000)

    bert.bridge.set_offline(True)
    qtbot.waitUntil(lambda: bert.client.status.state is ConnectionState.OFFLINE)
    qtbot.waitUntil(lambda: names(bert) == [], timeout=5000)
    assert bert.window.presence.count.text() == ""
    assert bert.window.presence.typing.text() == ""

    bert.bridge.set_offline(False)
    wait_connected(qtbot, bert)
    qtbot.waitUntil(lambda: names(bert) == ["anna", "bert"], timeout=5000)
    qtbot.waitUntil(lambda: bert.window.presence.count.text() == "2 participants", timeout=5000)
    qtbot.waitUntil(lambda: names(anna) == ["anna", "bert"], timeout=5000)


def test_a_join_line_comes_before_the_first_message_of_who_joined(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """Issue 19: "bob joined" was shown after bob's first message (gathered for
    a second, the line landed after the messages that followed it)."""
    url = server_url(chat_server)
    alice = open_window(url, "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.has_presence)
    join(qtbot, alice, "garden")
    bob = open_window(url, "bob")
    wait_connected(qtbot, bob)
    join(qtbot, bob, "garden")
    type_and_send(qtbot, bob, "hello garden", room="garden")

    def garden() -> list[str]:
        model = alice.conversations.model("garden")
        return [] if model is None else [m.text for m in model.messages()]

    qtbot.waitUntil(lambda: {"bob joined", "hello garden"} <= set(garden()), timeout=5000)
    shown = garden()
    assert shown.index("bob joined") < shown.index("hello garden"), shown


def test_the_participants_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    from desktop_chat.ui.participants_model import ParticipantsModel

    model = ParticipantsModel()
    model.set_members([("bob", 2), ("\u202eevil" + "x" * 10_000, 1), ("alice", 1)])
    qtmodeltester.check(model)
    shown = [model.index(r).data() for r in range(model.rowCount())]
    assert shown[0] == "alice" and shown[1] == "bob (2 windows)"
    assert "\u202e" not in shown[2] and len(shown[2]) <= 40
    assert model.windows() == 4
    # A change keeps the rows that stay (a typing notice or one join does not reset the list).
    from PySide6.QtCore import QPersistentModelIndex

    bob = QPersistentModelIndex(model.index(1))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_members([("carol", 1), ("bob", 3), ("Anna", 1)])
    shown = [model.index(r).data() for r in range(model.rowCount())]
    assert shown == ["Anna", "bob (3 windows)", "carol"]
    assert bob.isValid() and bob.row() == 1 and resets == []
    qtmodeltester.check(model)
    model.set_members([])
    qtmodeltester.check(model)


def test_no_count_is_shown_before_the_server_says_one(qtbot: Any) -> None:
    """ "0 participants" is never true of a conversation the window is in."""
    from desktop_chat.ui.presence_bar import PresenceBar

    bar = PresenceBar()
    bar.show_count(0)
    assert bar.count.text() == ""
    bar.show_count(3)
    assert bar.count.text() == "3 participants"


def test_the_list_follows_a_rename(qtbot: Any, open_window: Any, chat_server: ChatServer) -> None:
    url = server_url(chat_server)
    alice = open_window(url, "alice")
    wait_connected(qtbot, alice)
    bob = open_window(url, "bob")
    wait_connected(qtbot, bob)
    qtbot.waitUntil(lambda: names(alice) == ["alice", "bob"], timeout=5000)
    qtbot.waitUntil(lambda: names(bob) == ["alice", "bob"], timeout=5000)
    bob.rename("robert")
    qtbot.waitUntil(lambda: names(bob) == ["alice", "robert"], timeout=5000)
    qtbot.waitUntil(lambda: names(alice) == ["alice", "robert"], timeout=5000)
