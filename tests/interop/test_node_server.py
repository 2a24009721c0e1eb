"""Desktop windows and Node peers chatting through the tutorial's Node server.

`Conversations` holds what must work on any server that speaks the tutorial's
protocol; it runs here against server.js and, unchanged, against
desktop-chat-server in test_peers_on_our_server.py. The tests after it use
the Node server's variants (no ack, echo, polling only) that our own
server does not have.

What is checked is what a user sees: the lines in a window's model, and
what a Node peer printed (the tutorial's client shows the first argument
of each `receive-message`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_chat.app.session import ChatSession
from desktop_chat.client.sender import JOIN_ACK_TIMEOUT
from desktop_chat.client.status import ConnectionState
from desktop_chat.protocol.messages import DeliveryState, Kind
from tests.interop.nodeproc import Peer, Server
from tests.ui.conftest import texts, type_and_send

DISCONNECTED = "Disconnected from the server."

# What the window sends, and (different texts, so that no echo handling can
# get in the way) what the peer sends back.
SAMPLES = [
    "안녕하세요! 반갑습니다. 한글 메시지입니다",
    "emoji 👋🏽 🇰🇷 👨‍👩‍👧‍👦 ❤️‍🔥 and text",
    "first line\nsecond line\n\n    indented fourth line\n",
    "a" * 65536,  # 64 KiB
    ("한글 👋 mixed 64 Ki\n" * 4000)[:65536],  # 64 Ki characters, ~150 KB of UTF-8
]
REPLIES = [
    "네, 잘 받았어요 — 감사합니다",
    "🎉🙌🏿 🏳️‍🌈 ok 👌",
    "\nstarts with a newline\r\nhas a CRLF\tand a tab\n",
    "b" * 65536,
    ("답장 🙂 reply\n" * 6000)[:65536],
]


def short(text: str) -> str:
    return repr(text) if len(text) < 60 else f"{text[:40]!r}… ({len(text)} chars)"


def join_in_window(qtbot: Any, session: ChatSession, room: str) -> None:
    """What a user does: type the room, click Join."""
    session.window.room_input.setText(room)
    qtbot.mouseClick(session.window.join_button, Qt.MouseButton.LeftButton)


def paste_and_send(qtbot: Any, session: ChatSession, text: str, room: str | None = None) -> None:
    """Paste a (long) text into the input and click Send."""
    if room is not None:
        session.window.select_room(room)
    session.window.message_input.setPlainText(text)
    qtbot.mouseClick(session.window.send_button, Qt.MouseButton.LeftButton)


def wait_shown(
    qtbot: Any, session: ChatSession, text: str, kind: Kind = Kind.OTHER, timeout: int = 15_000
) -> None:
    try:
        qtbot.waitUntil(lambda: text in texts(session, kind), timeout=timeout)
    except qtbot.TimeoutError:
        tail = [short(t) for t in texts(session)[-10:]]
        raise AssertionError(
            f"{session.client.name} never showed {short(text)}; last lines: {tail}"
        ) from None


def wait_count(
    qtbot: Any, session: ChatSession, count: int, timeout: float = 30.0, stall: float = 5.0
) -> None:
    """Wait until the window shows `count` lines from others; fail early when
    no new line has come for `stall` seconds (a burst that stopped short)."""
    progress = {"count": -1, "at": time.monotonic()}

    def done_or_stalled() -> bool:
        now, shown = time.monotonic(), len(texts(session, Kind.OTHER))
        if shown != progress["count"]:
            progress.update(count=shown, at=now)
        return shown >= count or now - progress["at"] > stall

    with contextlib.suppress(qtbot.TimeoutError):  # the assertion below says what is missing
        qtbot.waitUntil(done_or_stalled, timeout=int(timeout * 1000))
    others = texts(session, Kind.OTHER)
    assert len(others) >= count, (
        f"{session.client.name} shows {len(others)} of {count} lines after at most {timeout} s "
        f"({session.client.status}); last: {[short(t) for t in others[-3:]]}; "
        f"system lines: {texts(session, Kind.SYSTEM)}"
    )


def still_connected(session: ChatSession, sid: str) -> bool:
    status = session.client.status
    return (
        status.state is ConnectionState.CONNECTED
        and status.sid == sid
        and (DISCONNECTED not in texts(session, Kind.SYSTEM))
    )


class Conversations:
    """Windows and Node peers on one server; `start_server` is given by each subclass."""

    @pytest.fixture
    def start_server(self) -> Callable[..., Server]:
        raise NotImplementedError

    def test_window_and_peer_chat_both_ways_without_a_room(
        self, qtbot: Any, start_server: Callable[..., Server], open_window: Any, peer: Any
    ) -> None:
        server = start_server()
        bob: Peer = peer(server, "bob")
        desk = open_window(server, "desk")
        # Connected: the status line says so, and its details name the socket's id.
        qtbot.waitUntil(lambda: desk.window.status_label.text() == "Connected")
        sid = desk.client.status.sid
        assert sid and sid in desk.window.status_label.details()

        type_and_send(qtbot, desk, "Hello from the desktop")
        bob.wait_received("Hello from the desktop")
        bob.send("Hello from Node")
        wait_shown(qtbot, desk, "Hello from Node")

        assert texts(desk, Kind.OWN) == ["Hello from the desktop"]
        assert texts(desk, Kind.OTHER) == ["Hello from Node"]
        assert bob.received() == ["Hello from the desktop"]  # never its own
        assert still_connected(desk, sid)

    def test_room_messages_reach_the_room_and_nobody_else(
        self, qtbot: Any, start_server: Callable[..., Server], open_window: Any, peer: Any
    ) -> None:
        server = start_server()
        desk = open_window(server, "desk")
        outside_window = open_window(server, "outside-window")
        bob: Peer = peer(server, "bob")
        carol: Peer = peer(server, "carol")  # joins nothing

        join_in_window(qtbot, desk, "garden")
        wait_shown(qtbot, desk, "Joined garden", Kind.SYSTEM)  # the server's ack text
        assert bob.join_acked("garden") == ["Joined garden"]

        type_and_send(qtbot, desk, "desk to the garden")  # the room field says garden
        bob.wait_received("desk to the garden")
        bob.send("bob to the garden", "garden")
        wait_shown(qtbot, desk, "bob to the garden")
        # A line to everyone, sent after the room lines: once the outsiders have
        # it, they would have had the room lines too, had they been sent to them.
        bob.send("bob to everyone")
        carol.wait_received("bob to everyone")
        wait_shown(qtbot, outside_window, "bob to everyone")
        wait_shown(qtbot, desk, "bob to everyone")

        assert carol.received() == ["bob to everyone"]
        assert texts(outside_window, Kind.OTHER) == ["bob to everyone"]
        # Each in its conversation (on a tutorial server, both in the garden's:
        # it does not say rooms), so order is kept within a conversation only.
        assert sorted(texts(desk, Kind.OTHER)) == ["bob to everyone", "bob to the garden"]
        assert bob.received() == ["desk to the garden"]

    def test_text_round_trips_exactly(
        self, qtbot: Any, start_server: Callable[..., Server], open_window: Any, peer: Any
    ) -> None:
        server = start_server()
        bob: Peer = peer(server, "bob")
        desk = open_window(server, "desk")

        for text in SAMPLES:
            if len(text) < 1000:
                type_and_send(qtbot, desk, text)  # typed, Shift+Enter between lines
            else:
                paste_and_send(qtbot, desk, text)
            bob.wait_received(text)
        assert bob.received() == SAMPLES

        for text in REPLIES:
            bob.send(text)
        wait_count(qtbot, desk, len(REPLIES), timeout=15)
        assert texts(desk, Kind.OTHER) == REPLIES
        assert texts(desk, Kind.OWN) == SAMPLES
        own = [m for m in desk.messages() if m.kind is Kind.OWN]
        assert all(m.state in (DeliveryState.SENT, DeliveryState.DELIVERED) for m in own)

    def test_server_on_a_custom_path(
        self, qtbot: Any, start_server: Callable[..., Server], open_window: Any, peer: Any
    ) -> None:
        server = start_server(path="/chat/socket.io")
        bob: Peer = peer(server, "bob")
        desk = open_window(server, "desk", path="/chat/socket.io")

        type_and_send(qtbot, desk, "found you on /chat/socket.io")
        bob.wait_received("found you on /chat/socket.io")
        bob.send("and you on the same path")
        wait_shown(qtbot, desk, "and you on the same path")

        # The path must match: on the default one there is no chat server.
        lost = open_window(server, "lost", path="/socket.io", wait=False)
        qtbot.waitUntil(lambda: bool(lost.client.status.error), timeout=10_000)
        assert lost.client.status.state is ConnectionState.RECONNECTING
        assert lost.window.status_label.details().startswith(f"Reconnecting to {server.url}")
        assert bob.received() == ["found you on /chat/socket.io"]

    @pytest.fixture(params=["websocket", "polling"])
    def transport(self, request: pytest.FixtureRequest) -> str:
        """The one transport that the window and the peer are held to."""
        return str(request.param)

    def test_bursts_arrive_in_order_on_either_transport(
        self,
        qtbot: Any,
        start_server: Callable[..., Server],
        open_window: Any,
        peer: Any,
        transport: str,
    ) -> None:
        """Bursts from a peer (200 to everyone, 1,000 in a busy room), and 300
        from the window: all arrive, in order, and nobody disconnects."""
        server = start_server()
        desk = open_window(server, "desk", transports=[transport])
        assert desk.client.status.transport == transport
        sid = desk.client.status.sid
        bob: Peer = peer(server, "bob", transports=transport)
        assert bob.child.events_where(event="connect")[0]["transport"] == transport

        bob.burst(200, "to everyone ")
        wait_count(qtbot, desk, 200)
        assert texts(desk, Kind.OTHER) == [f"to everyone {i}" for i in range(200)]
        assert still_connected(desk, sid)

        join_in_window(qtbot, desk, "busy")
        wait_shown(qtbot, desk, "Joined busy", Kind.SYSTEM)
        assert bob.join_acked("busy") == ["Joined busy"]
        bob.burst(1000, "in the room ", "busy")
        wait_count(qtbot, desk, 1200)
        assert texts(desk, Kind.OTHER)[200:] == [f"in the room {i}" for i in range(1000)]
        assert still_connected(desk, sid)

        for i in range(300):
            desk.bridge.send(f"from the window {i}", "busy")  # as fast as the window can ask
        bob.wait_count(300, timeout=30)
        assert bob.received() == [f"from the window {i}" for i in range(300)]
        assert still_connected(desk, sid)
        assert not bob.disconnects()

    def test_node_peers_chat_with_each_other(
        self, start_server: Callable[..., Server], peer: Any
    ) -> None:
        """The tutorial's clients among themselves: broadcast, join with ack, rooms."""
        server = start_server()
        alice: Peer = peer(server, "alice")
        bob: Peer = peer(server, "bob", transports="polling")
        carol: Peer = peer(server, "carol", transports="websocket")

        alice.send("alice to everyone")
        bob.wait_received("alice to everyone")
        carol.wait_received("alice to everyone")

        assert alice.join_acked("r1") == ["Joined r1"]
        assert bob.join_acked("r1") == ["Joined r1"]
        alice.send("alice to r1", "r1")
        bob.wait_received("alice to r1")
        bob.send("bob to r1", "r1")
        alice.wait_received("bob to r1")
        bob.send("bob to everyone")
        carol.wait_received("bob to everyone")
        alice.wait_received("bob to everyone")

        assert alice.received() == ["bob to r1", "bob to everyone"]
        assert bob.received() == ["alice to everyone", "alice to r1"]
        assert carol.received() == ["alice to everyone", "bob to everyone"]
        assert not (alice.errors() or bob.errors() or carol.errors())


class TestThroughTheTutorialServer(Conversations):
    @pytest.fixture
    def start_server(self, node_server: Callable[..., Server]) -> Callable[..., Server]:
        return node_server


# ---- the Node server's variants --------------------------------------------------


def test_join_on_a_server_that_never_acks(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    server = node_server(no_ack=True)
    desk = open_window(server, "desk")
    sid = desk.client.status.sid
    bob: Peer = peer(server, "bob")
    bob.join("quiet")
    # Nobody acks, but the server handles one socket's events in order: once
    # this line is in the window, bob is in the room.
    bob.send("bob is in quiet")
    wait_shown(qtbot, desk, "bob is in quiet")

    join_in_window(qtbot, desk, "quiet")
    type_and_send(qtbot, desk, "said right after joining")
    # The window does not wait for an ack before it goes on sending.
    bob.wait_received("said right after joining", timeout=JOIN_ACK_TIMEOUT - 0.5)
    unconfirmed = "Joined room 'quiet' (the server did not confirm)."
    assert unconfirmed not in texts(desk, Kind.SYSTEM)
    wait_shown(qtbot, desk, unconfirmed, Kind.SYSTEM, timeout=int(JOIN_ACK_TIMEOUT * 1000) + 3000)

    bob.send("still talking", "quiet")
    wait_shown(qtbot, desk, "still talking")
    own = next(m for m in desk.messages() if m.kind is Kind.OWN)
    assert own.state is DeliveryState.SENT  # a tutorial server never acks a message either
    assert not any(t.startswith("Joined quiet") for t in texts(desk, Kind.SYSTEM))
    assert still_connected(desk, sid)


def test_join_ack_text_is_shown(qtbot: Any, node_server: Any, open_window: Any) -> None:
    desk = open_window(node_server(), "desk")
    join_in_window(qtbot, desk, "acked")
    wait_shown(qtbot, desk, "Joined acked", Kind.SYSTEM, timeout=int(JOIN_ACK_TIMEOUT * 1000) - 500)
    assert not any("did not confirm" in t for t in texts(desk, Kind.SYSTEM))


def test_echo_server_shows_my_message_once(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    """The tutorial's io.emit variant sends my message back to me too."""
    server = node_server(echo=True)
    desk = open_window(server, "desk")
    bob: Peer = peer(server, "bob")

    type_and_send(qtbot, desk, "hello everyone")
    bob.wait_received("hello everyone")
    # The server relays in order, so once this later line is in the window,
    # the echo of mine has come (and was not shown).
    bob.send("after yours")
    wait_shown(qtbot, desk, "after yours")

    join_in_window(qtbot, desk, "echoes")
    wait_shown(qtbot, desk, "Joined echoes", Kind.SYSTEM)
    assert bob.join_acked("echoes") == ["Joined echoes"]
    type_and_send(qtbot, desk, "hello room")  # io.to(room).emit: back to me too
    bob.wait_received("hello room")
    bob.send("after yours in the room", "echoes")
    wait_shown(qtbot, desk, "after yours in the room")

    # The same words from someone else are theirs, and are shown.
    type_and_send(qtbot, desk, "same words")
    bob.wait_received("same words")
    bob.send("same words", "echoes")
    bob.send("the end", "echoes")
    wait_shown(qtbot, desk, "the end")

    assert texts(desk, Kind.OWN) == ["hello everyone", "hello room", "same words"]
    assert texts(desk, Kind.OTHER) == [
        "after yours",
        "after yours in the room",
        "same words",
        "the end",
    ]


def test_someone_repeating_my_words_is_shown(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    server = node_server()  # the tutorial's default: socket.broadcast.emit, no echo
    desk = open_window(server, "desk")
    bob: Peer = peer(server, "bob")

    type_and_send(qtbot, desk, "ok")
    bob.wait_received("ok")
    bob.send("ok")  # bob agrees
    bob.send("see you")
    wait_shown(qtbot, desk, "see you")
    assert texts(desk, Kind.OTHER) == ["ok", "see you"]


@pytest.mark.parametrize(
    "echo",
    [
        pytest.param(False, id="broadcast"),
        pytest.param(True, id="echo"),
    ],
)
def test_repeated_words_on_a_server_that_never_acks(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any, echo: bool
) -> None:
    """Without a join-room ack to mark when an echo would have come, the probe
    to my own socket's room (client/echo.py) tells: on an echoing server my
    first message's echo is not shown as someone else's, bob's "ok" is; on
    one that does not echo, bob's "ok" is shown at once. Mine is shown once."""
    server = node_server(no_ack=True, echo=echo)
    desk = open_window(server, "desk")
    bob: Peer = peer(server, "bob")

    type_and_send(qtbot, desk, "ok")
    bob.wait_received("ok")
    bob.send("ok")
    bob.send("see you")
    wait_shown(qtbot, desk, "see you")
    assert texts(desk, Kind.OWN) == ["ok"]
    assert texts(desk, Kind.OTHER) == ["ok", "see you"]


def test_once_a_server_without_acks_is_known_to_echo_repeats_are_still_shown(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    """On an echoing server that never acks join-room, the probe to my own
    socket's room makes it known as echoing before my first message: neither
    echo is shown as someone else's line, and my words said later by bob are
    (each of my messages takes back one copy, no more)."""
    server = node_server(no_ack=True, echo=True)
    desk = open_window(server, "desk")
    bob: Peer = peer(server, "bob")

    type_and_send(qtbot, desk, "first")
    bob.wait_received("first")
    type_and_send(qtbot, desk, "second")
    bob.wait_received("second")
    bob.send("marker")  # comes after both echoes
    wait_shown(qtbot, desk, "marker")
    bob.send("first")
    qtbot.waitUntil(lambda: texts(desk, Kind.OTHER).count("first") == 1, timeout=15_000)
    assert texts(desk, Kind.OTHER) == ["marker", "first"]
    assert texts(desk, Kind.OWN) == ["first", "second"]
    assert not [t for t in texts(desk) if "echo probe" in t]
    assert not [t for t in bob.received() if "echo probe" in str(t)]
    assert texts(desk, Kind.OWN) == ["first", "second"]


def test_finding_out_about_echoes_joins_no_room_i_am_not_in(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    """A message to a room the window has not joined (the tutorial's rooms
    include every socket id) is sent, and the window does not end up in that
    room: it does not get the room's messages."""
    server = node_server()
    desk = open_window(server, "desk")
    bob: Peer = peer(server, "bob")
    assert bob.join_acked("garden") == ["Joined garden"]

    type_and_send(qtbot, desk, "hello garden", room="garden")  # not joined
    bob.wait_received("hello garden")
    bob.send("for garden only", "garden")
    bob.send("for everyone")
    wait_shown(qtbot, desk, "for everyone")
    assert "for garden only" not in texts(desk)


def test_polling_only_server_with_the_default_client_under_a_burst(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    """A server without websocket: the window stays on long-polling (its default
    transport list starts there) and a busy room does not disconnect it."""
    server = node_server(transports="polling")
    desk = open_window(server, "desk")  # default transports
    assert desk.client.status.transport == "polling"
    sid = desk.client.status.sid
    bob: Peer = peer(server, "bob")  # socket.io-client's default: polling first

    join_in_window(qtbot, desk, "busy")
    wait_shown(qtbot, desk, "Joined busy", Kind.SYSTEM)
    assert bob.join_acked("busy") == ["Joined busy"]
    bob.burst(1000, "m", "busy")
    wait_count(qtbot, desk, 1000)
    assert texts(desk, Kind.OTHER) == [f"m{i}" for i in range(1000)]

    type_and_send(qtbot, desk, "still here")
    bob.wait_received("still here")
    assert still_connected(desk, sid)
    assert desk.client.status.transport == "polling"
