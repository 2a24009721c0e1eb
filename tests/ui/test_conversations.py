"""Conversations: the sidebar's model, routing by room, unread counts that wait
for the user to see them, the divider, leaving, and two real windows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_chat.accounts.conversation_state import ConversationState
from desktop_chat.protocol.messages import Kind, Message, system_message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.conversation_list_model import ConversationListModel, ConversationRole
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.message_model import Role
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


def other(text: str, room: str = "") -> Message:
    return Message(text=text, kind=Kind.OTHER, room=room, sender="bob")


def test_the_list_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    state = ConversationState()
    model = ConversationListModel(unread=state.unread)
    state.on_unread = model.unread_changed
    model.add("garden")
    model.add("\u202egpj.exe" + "x" * 10_000)  # bidi and a very long name
    state.count("garden", ["a", "b", "c"])
    qtmodeltester.check(model)
    assert model.index(1).data() == "#garden  (3)"
    shown = model.index(2).data()
    assert "\u202e" not in shown and len(shown) < 80
    model.remove("garden")
    model.remove("")  # everyone stays
    qtmodeltester.check(model)
    assert model.rooms()[0] == ""


def test_routing_unread_and_the_divider(qtbot: Any) -> None:
    c = Conversations()
    c.set_seen(True)
    c.route([other("hi all"), other("in the garden", "garden"), system_message("note")])
    everyone, garden = c.model(""), c.model("garden")
    assert everyone is not None and garden is not None
    assert [m.text for m in everyone.messages()] == ["hi all", "note"]  # system: where shown
    assert [m.text for m in garden.messages()] == ["in the garden"]
    assert c.unread("") == 0 and c.unread("garden") == 1
    first_unread = garden.messages()[0].id
    c.set_seen(False)
    c.show("garden")  # selected, not seen: still unread
    assert c.unread("garden") == 1
    assert garden.divider_id == first_unread
    assert garden.index(0).data(Role.BAND).startswith("New messages")
    c.set_seen(True)
    assert c.unread("garden") == 0
    c.remove("garden")
    assert c.current == "" and c.rooms() == [""]
    c.route([other("late", "garden")])  # a room left: late lines are not shown
    assert c.model("garden") is None


def test_a_server_without_rooms_routes_to_the_last_room_joined(qtbot: Any) -> None:
    c = Conversations(says_rooms=lambda: False)
    c.show("lounge")
    c.fallback_room = "lounge"
    c.route([other("no meta"), other("again")])
    lounge = c.model("lounge")
    assert lounge is not None
    texts_ = [m.text for m in lounge.messages()]
    assert texts_[-2:] == ["no meta", "again"]
    assert sum("does not say which room" in t for t in texts_) == 1  # said once


def test_unread_counts_across_two_windows(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        s.window.room_input.setText("garden")
        qtbot.mouseClick(s.window.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=s: "Joined garden" in texts(s, Kind.SYSTEM))
    alice.window.select_room("")  # alice looks at everyone
    assert alice.window.conversation_list.currentIndex().data(ConversationRole.ROOM) == ""
    for i in range(3):
        type_and_send(qtbot, bob, f"garden {i}")
    qtbot.waitUntil(lambda: alice.conversations.unread("garden") == 3)
    row = alice.conversations.list_model.row_of("garden")
    assert alice.conversations.list_model.index(row).data() == "#garden  (3)"
    alice.window.select_room("garden")
    model = alice.conversations.model("garden")
    assert model is not None and model.divider_id
    # Shown but the window is not active: not read yet.
    assert alice.conversations.unread("garden") == 3
    alice.conversations.set_seen(True)  # what activating the window at the newest does
    assert alice.conversations.unread("garden") == 0


def test_leaving_a_room_on_our_server(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        s.window.room_input.setText("garden")
        qtbot.mouseClick(s.window.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=s: "Joined garden" in texts(s, Kind.SYSTEM))
    qtbot.waitUntil(lambda: alice.client.says_rooms)
    # Bob, in the garden, sees who is there: the server's membership of the room.
    bob.window.select_room("garden")
    count = bob.window.presence.count
    qtbot.waitUntil(lambda: count.text() == "2 participants")
    qtbot.mouseClick(alice.window.leave_button, Qt.MouseButton.LeftButton)
    assert alice.conversations.rooms() == [""]
    assert "garden" not in alice.client.rooms
    # Left on the server, not only hidden in alice's window: bob sees her gone,
    # and the server no longer counts her connection in the room.
    qtbot.waitUntil(lambda: count.text().split(" ")[0] == "1")  # "1 participant(s)"
    assert [p.rooms for p in chat_server._peers.values() if p.name == "alice"] == [set()]
    type_and_send(qtbot, bob, "after alice left", "garden")
    type_and_send(qtbot, bob, "to everyone", "")
    qtbot.waitUntil(lambda: "to everyone" in texts(alice, Kind.OTHER))
    assert "after alice left" not in texts(alice)
    assert not any("no way to leave" in t for t in texts(alice, Kind.SYSTEM))


def test_drafts_follow_their_conversation(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    from desktop_chat.app.settings import Settings

    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    w = alice.window
    w.room_input.setText("garden")
    w.join_button.click()
    w.message_input.setPlainText("for the garden")
    w.select_room("")  # switching keeps the draft at once
    assert w.message_input.toPlainText() == ""
    w.message_input.setPlainText("for everyone")
    qtbot.wait(400)  # the debounce
    assert alice.keeping.drafts.load(alice.keeping.server, "") == "for everyone"
    w.select_room("garden")
    assert w.message_input.toPlainText() == "for the garden"
    qtbot.keyClick(w.message_input, Qt.Key.Key_Return)  # sent: the draft is gone
    qtbot.wait(400)
    assert alice.keeping.drafts.load(alice.keeping.server, "garden") == ""


def test_bad_room_names_are_shown_visibly(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    for room in ("x" * 10_000, "\u202egpj.exe\x07", "   "):
        alice.window.room_input.setText(room)
        alice.window.join_button.click()
    # The 10,000-character name is refused by the server (at most 128), and said so
    # beside the join field, shortened.
    problem = alice.window.sidebar.join_problem
    qtbot.waitUntil(lambda: problem.text().startswith("Could not join"))
    assert len(problem.text()) < 120
    qtbot.waitUntil(lambda: "Joined \u202egpj.exe\x07" in texts(alice, Kind.SYSTEM))
    qtbot.waitUntil(lambda: "x" * 10_000 not in alice.conversations.rooms())
    rooms = alice.conversations.rooms()
    assert rooms == ["", "\u202egpj.exe\x07"]  # an empty name joins nothing
    titles = [alice.conversations.list_model.index(r).data() for r in range(len(rooms))]
    assert all(len(t) < 80 and "\u202e" not in t and "\x07" not in t for t in titles)
    qtbot.waitUntil(lambda: "Joined \u202egpj.exe\x07" in texts(alice, Kind.SYSTEM))
    alice.window.grab()  # painted without errors


def test_keyboard_switcher_steps_and_next_unread(qtbot: Any) -> None:
    from desktop_chat.ui.main_window import MainWindow

    c = Conversations()
    window = MainWindow(c.current_model, c.list_model)
    qtbot.addWidget(window)
    c.current_changed.connect(lambda room: window.show_conversation(room, c.model(room)))
    window.conversation_requested.connect(c.show)
    for room in ("garden", "ops", "lounge"):
        c.add(room)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts of a window work while it is active
    qtbot.keyClick(focused(window), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert c.current == "garden"
    qtbot.keyClick(focused(window), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(focused(window), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert c.current == "lounge"  # wraps around
    c.route([other("news", "ops")])
    qtbot.keyClick(
        focused(window),
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert c.current == "ops"
    qtbot.keyClick(focused(window), Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.switcher.isVisible()
    qtbot.keyClicks(window.switcher.field, "gard")
    assert window.switcher.proxy.rowCount() == 1
    qtbot.keyClick(window.switcher.field, Qt.Key.Key_Return)
    assert c.current == "garden" and not window.switcher.isVisible()


def focused(window: Any) -> Any:
    """Where a keyboard's keys go: the focused widget (QShortcut sees them there)."""
    return window.focusWidget() or window


def test_a_refused_join_is_said_and_leaves_no_room_behind(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """desktop-chat-server takes room names of at most 128 characters: the
    window must not say "Joined" nor keep the room in the sidebar."""
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    long_room = "r" * 200
    alice.window.room_input.setText(long_room)
    alice.window.join_button.click()
    problem = alice.window.sidebar.join_problem  # said beside the join field
    qtbot.waitUntil(lambda: problem.text().startswith("Could not join"))
    assert "128" in problem.text()
    assert not any(t.startswith("Joined") for t in texts(alice, Kind.SYSTEM))
    qtbot.waitUntil(lambda: alice.conversations.rooms() == [""])
    assert long_room not in alice.client.rooms


def test_mentions_are_counted_apart_and_read_with_the_rest(qtbot: Any) -> None:
    c = Conversations()
    c.me = lambda: "alice"
    c.add("garden")
    c.route(
        [
            other("@alice look", "garden"),
            other("no one", "garden"),
            other("@alicex not you", "garden"),
        ]
    )
    assert (c.unread("garden"), c.mentions("garden")) == (3, 1)
    row = c.list_model.index(c.list_model.row_of("garden"))
    assert row.data() == "#garden  (3, @1)"
    assert row.data(ConversationRole.MENTIONS) == 1
    assert "1 mention" in row.data(Qt.ItemDataRole.AccessibleTextRole)  # (s) untranslated
    c.show("garden")
    c.set_seen(True)
    assert (c.unread("garden"), c.mentions("garden")) == (0, 0)
    assert row.data() == "#garden"
