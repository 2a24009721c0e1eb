"""History across a restart of the window: the conversation as it was, older
messages paged in from the local store, delivery states kept, a damaged
history file kept aside."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_chat.app.settings import Settings
from desktop_chat.client.history import default_history_path
from desktop_chat.client.local_db import data_dir
from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.message_model import Role
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


def test_the_window_comes_back_as_it_was_and_pages_older_messages_in(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice = open_window(url, "alice", settings=Settings())
    wait_connected(qtbot, alice)
    said = [Message(text=f"old {i}", kind=Kind.OTHER, sender="bob") for i in range(500)]
    alice.conversations.route(said)
    alice.window.room_input.setText("garden")
    alice.window.join_button.click()
    qtbot.waitUntil(lambda: "Joined garden" in texts(alice, Kind.SYSTEM))
    type_and_send(qtbot, alice, "mine, in the garden")
    qtbot.waitUntil(
        lambda: (
            [m.state for m in alice.messages() if m.kind is Kind.OWN] == [DeliveryState.DELIVERED]
        )
    )
    arun(alice.close())

    again = open_window(url, "alice", settings=Settings())
    assert again.conversations.current == "garden"  # the conversation shown when closed
    own = [m for m in again.messages() if m.kind is Kind.OWN]
    assert [(m.text, m.state) for m in own] == [("mine, in the garden", DeliveryState.DELIVERED)]
    again.window.select_room("")
    model = again.model
    restored = [m.text for m in model.messages()]
    assert restored == [f"old {i}" for i in range(300, 500)]
    view = again.window.message_list
    view.resize(400, 300)
    for _ in range(20):  # the user scrolls to the top, again and again
        view.verticalScrollBar().setValue(0)
        if model.message_count() == 500 and not model.has_older():
            break
        view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    assert [m.text for m in model.messages()] == [f"old {i}" for i in range(500)]
    assert model.index(0).data(Role.BAND)  # the day, above the first message
    wait_connected(qtbot, again)
    assert [m.text for m in again.messages()].count("old 499") == 1


def test_a_damaged_history_file_is_kept_aside(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    path = default_history_path(data_dir())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a history" * 100)
    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    note = next(t for t in texts(alice, Kind.SYSTEM) if "history could not be read" in t)
    kept = [p for p in path.parent.iterdir() if p.name.startswith("history.db.damaged-")]
    assert len(kept) == 1 and str(kept[0]) in note
