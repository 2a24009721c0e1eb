"""What the app keeps across restarts and between its windows (real windows,
real server, the app's own files in a per-test data folder).

- Each window has its own identity: a second window on the same server never
  takes the first one's pending messages.
- Catch-up offsets are kept per channel and on disk, with the identity's
  client key, so closing and opening the app loses nothing the server holds.
- A message the server refused stays, with its reason, until the user
  retries or discards it, across a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import socketio
from PySide6.QtCore import Qt

from desktop_chat.app.session import ChatSession
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import DeliveryState, Kind
from desktop_chat.server.chat_server import ChatServer
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


async def _peer(url: str, name: str, rooms: tuple[str, ...] = ()) -> socketio.AsyncClient:
    peer = socketio.AsyncClient()
    await peer.connect(url, auth={"name": name}, transports=["websocket"])
    for room in rooms:
        await peer.call("join-room", room)
    return peer


def _own(session: ChatSession) -> list[tuple[str, DeliveryState | None, str]]:
    return [(m.text, m.state, m.error) for m in session.messages() if m.kind is Kind.OWN]


def test_a_second_window_never_takes_the_first_ones_pending_messages(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    port = chat_server.port
    arun(chat_server.stop())
    first = open_window(url, "first", settings=Settings())
    qtbot.waitUntil(lambda: bool(first.client.status.error))
    type_and_send(qtbot, first, "written by the first window")
    second = open_window(url, "second", settings=Settings())
    qtbot.waitUntil(lambda: bool(second.client.status.error))
    assert _own(second) == []
    assert first.client.client_id != second.client.client_id

    server = ChatServer()
    arun(server.start("127.0.0.1", port))
    try:
        wait_connected(qtbot, first)
        wait_connected(qtbot, second)
        qtbot.waitUntil(
            lambda: _own(first) == [("written by the first window", DeliveryState.DELIVERED, "")]
        )
        # Everything the server has, from the start: the message, once, as first's.
        listener = socketio.AsyncClient()
        heard: list[tuple[str, str]] = []
        listener.on(
            "receive-message", lambda text, meta: heard.append((text, meta["from"]["name"]))
        )
        done: list[object] = []
        listener.on("replay-done", done.append)
        arun(
            listener.connect(url, auth={"name": "listener", "offset": 0}, transports=["websocket"])
        )
        qtbot.waitUntil(lambda: bool(done))
        assert heard == [("written by the first window", "first")]
        assert _own(second) == []
        arun(listener.disconnect())
    finally:
        arun(server.stop())


def test_what_was_said_while_the_app_was_closed_is_there_once_after_a_restart(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    bob = arun(_peer(url, "bob", rooms=("garden",)))
    try:
        alice = open_window(url, "alice", room="garden", settings=Settings())
        wait_connected(qtbot, alice)
        qtbot.waitUntil(lambda: "Joined garden" in texts(alice, Kind.SYSTEM))
        arun(bob.call("send-message", ("before, everyone", "")))
        arun(bob.call("send-message", ("before, garden", "garden")))
        qtbot.waitUntil(
            lambda: sorted(texts(alice, Kind.OTHER)) == ["before, everyone", "before, garden"]
        )
        arun(alice.close())

        said = ["while closed 1", "while closed 2 (garden)", "while closed 3"]
        arun(bob.call("send-message", (said[0], "")))
        arun(bob.call("send-message", (said[1], "garden")))
        arun(bob.call("send-message", (said[2], "")))

        # Opened again as a user would: no --room, the same data folder.
        again = open_window(url, "alice", settings=Settings())
        wait_connected(qtbot, again)
        # What was said before, from the local history; what was said while
        # closed, from the server's catch-up: each once, in order per conversation.
        qtbot.waitUntil(
            lambda: (
                sorted(texts(again, Kind.OTHER))
                == sorted(["before, everyone", "before, garden", *said])
            ),
            timeout=10_000,
        )
        assert again.conversations.rooms() == ["", "garden"]
        assert in_conversation(again, "") == ["before, everyone", said[0], said[2]]
        assert in_conversation(again, "garden") == ["before, garden", said[1]]
        arun(bob.call("send-message", ("after, garden", "garden")))
        qtbot.waitUntil(lambda: in_conversation(again, "garden")[-1:] == ["after, garden"])
    finally:
        arun(bob.disconnect())


def test_a_rooms_missed_messages_are_not_skipped_by_the_everyone_channels_replay(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    """Offline, a room's message comes before a newer message to everyone: the
    replay of everyone's channel at connect must not carry the room's catch-up
    past it (one offset for all channels did)."""
    url = server_url(chat_server)
    bob = arun(_peer(url, "bob", rooms=("garden",)))
    try:
        alice = open_window(url, "alice", room="garden")
        wait_connected(qtbot, alice)
        qtbot.waitUntil(lambda: "Joined garden" in texts(alice, Kind.SYSTEM))
        qtbot.mouseClick(alice.window.offline_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: alice.client.status.state is ConnectionState.OFFLINE)
        arun(bob.call("send-message", ("missed in the garden", "garden")))
        arun(bob.call("send-message", ("missed by everyone", "")))
        qtbot.mouseClick(alice.window.offline_button, Qt.MouseButton.LeftButton)
        wait_connected(qtbot, alice)
        qtbot.waitUntil(
            lambda: (
                sorted(texts(alice, Kind.OTHER)) == ["missed by everyone", "missed in the garden"]
            ),
            timeout=10_000,
        )
    finally:
        arun(bob.disconnect())


def test_a_refused_message_stays_with_its_reason_across_a_restart_until_retried(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice = open_window(url, "alice", settings=Settings())
    wait_connected(qtbot, alice)
    long_room = "r" * 200  # the server takes room names of at most 128 characters
    alice.window.select_room(long_room)
    type_and_send(qtbot, alice, "to a room with too long a name")
    qtbot.waitUntil(lambda: bool(_own(alice)) and _own(alice)[0][1] is DeliveryState.FAILED)
    reason = _own(alice)[0][2]
    assert "128" in reason
    arun(alice.close())

    again = open_window(url, "alice", settings=Settings())
    wait_connected(qtbot, again)
    qtbot.waitUntil(
        lambda: _own(again) == [("to a room with too long a name", DeliveryState.FAILED, reason)]
    )
    failed = next(m for m in again.messages() if m.kind is Kind.OWN)
    again.bridge.discard(failed.id)
    qtbot.waitUntil(lambda: _own(again)[0][1] is DeliveryState.DISCARDED)
    arun(again.close())
    third = open_window(url, "alice", settings=Settings())
    wait_connected(qtbot, third)
    assert _own(third) == []


def test_text_that_cannot_be_stored_stays_in_the_input(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    # A full disk, as SQLite meets it: no page may be added to the file.
    db = alice.client.outbox.database
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages}")
    text = "x" * 100_000
    alice.window.message_input.setPlainText(text)
    qtbot.mouseClick(alice.window.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("could not be stored" in t for t in texts(alice, Kind.SYSTEM)))
    assert alice.window.message_input.toPlainText() == text
    assert _own(alice) == []


def test_a_damaged_local_data_file_is_kept_aside_and_the_app_starts(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    from desktop_chat.client.local_db import default_db_path

    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    note = next(t for t in texts(alice, Kind.SYSTEM) if "could not be read" in t)
    kept = [p for p in path.parent.iterdir() if p.name.startswith("client.db.damaged-")]
    assert len(kept) == 1 and str(kept[0]) in note
    assert kept[0].read_bytes() == b"this is not a database" * 100
    type_and_send(qtbot, alice, "still works")
    qtbot.waitUntil(lambda: _own(alice) == [("still works", DeliveryState.DELIVERED, "")])


def in_conversation(session: ChatSession, room: str) -> list[str]:
    model = session.conversations.model(room)
    return [] if model is None else [m.text for m in model.messages() if m.kind is Kind.OTHER]
