"""The interop conversations with the limits users meet: nothing widened.

The other interop tests run server.js with a 100 MB maxHttpBufferSize and
desktop-chat-server with its per-client meter opened wide, because they test
transports and ordering under bursts. A user's servers have the defaults:
socket.io's maxHttpBufferSize of 1e6 bytes, desktop-chat-server's own
limits (1,000,000-byte messages, 500 at once, 100 per second). Here one
conversation of each kind runs with exactly those: the Node server with a
desktop window and a Node peer, desktop-chat-server with Node peers and a
window, and the tutorial's page in Chromium with a window.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_chat.client.status import ConnectionState
from desktop_chat.protocol.messages import Kind
from tests.interop.nodeproc import Browser, Peer, Server
from tests.interop.test_node_server import (
    REPLIES,
    SAMPLES,
    Conversations,
    join_in_window,
    paste_and_send,
    wait_count,
    wait_shown,
)
from tests.ui.conftest import texts, type_and_send


def test_window_and_peer_on_the_node_server_with_its_default_buffer(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    """Every sample (the largest ~400 KB as JSON with ASCII escapes) fits in
    socket.io's default 1e6-byte buffer, both ways, on either transport."""
    server = node_server(defaults=True)
    # Its stderr line is read by another thread than the stdout one it started on.
    server.child.wait(
        lambda: "maxHttpBufferSize=1000000" in server.child.text("stderr"),
        "server.js to state its default buffer",
    )
    desk = open_window(server, "desk")
    polling = open_window(server, "polling-desk", transports=["polling"])
    bob: Peer = peer(server, "bob")

    for text in SAMPLES:
        paste_and_send(qtbot, desk, text)
        bob.wait_received(text)
        wait_shown(qtbot, polling, text)
    for text in REPLIES:
        bob.send(text)
    wait_count(qtbot, desk, len(REPLIES))
    wait_count(qtbot, polling, len(SAMPLES) + len(REPLIES))
    assert bob.received() == SAMPLES
    assert texts(desk, Kind.OTHER) == REPLIES
    assert texts(polling, Kind.OTHER) == SAMPLES + REPLIES
    assert not bob.disconnects() and not bob.errors()


class TestDesktopChatServerWithItsDefaultLimits(Conversations):
    """The conversations against `desktop-chat-server` as a user starts it.

    The bursts conversation is left out on purpose: its 1,200 messages at once
    from one peer are more than the default meter lets through (500), and
    what happens then is the documented flood control (docs/interop.md).
    """

    test_bursts_arrive_in_order_on_either_transport = None  # type: ignore[assignment]

    @pytest.fixture
    def start_server(self, desktop_server: Callable[..., Server]) -> Callable[..., Server]:
        return partial(desktop_server, defaults=True)


def test_the_tutorial_page_and_a_window_on_the_node_server_with_its_default_buffer(
    qtbot: Any, node_server: Any, browser: Any, open_window: Any
) -> None:
    server = node_server(serve_static=True, defaults=True)
    page: Browser = browser(server)
    page.wait_line_matching(r"^You connected with id : \S+$")
    desk = open_window(server, "desk")

    big = ("한글 👋 mixed 64 Ki\n" * 4000)[:65536]
    page.send("from the page, with the defaults")
    wait_shown(qtbot, desk, "from the page, with the defaults")
    paste_and_send(qtbot, desk, big)
    page.wait_line(big)
    join_in_window(qtbot, desk, "lounge")
    wait_shown(qtbot, desk, "Joined lounge", Kind.SYSTEM)
    page.join("lounge")
    page.wait_line("Joined lounge")
    type_and_send(qtbot, desk, "in the lounge, from the window")
    page.wait_line("in the lounge, from the window")
    assert texts(desk, Kind.OTHER) == ["from the page, with the defaults"]
    assert not page.problems(), page.problems()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_message_too_big_for_the_node_servers_default_buffer_is_refused_and_blocks_nothing(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any, transport: str
) -> None:
    """200,000 Hangul syllables are 600 KB of UTF-8 but 1.2 MB as Socket.IO's
    JSON escapes them: over the Node server's default 1e6-byte buffer, which
    closes the connection of whoever sends it. The window refuses it before
    sending, says why, keeps the text in the input, and what is written next
    arrives."""
    server = node_server(defaults=True)
    desk = open_window(server, "desk", transports=[transport])
    bob: Peer = peer(server, "bob")
    huge = "가" * 200_000
    desk.window.message_input.setPlainText(huge)
    qtbot.mouseClick(desk.window.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(t.startswith("Not sent:") for t in texts(desk, Kind.SYSTEM)))
    refusal = next(t for t in texts(desk, Kind.SYSTEM) if t.startswith("Not sent:"))
    assert "bytes as sent" in refusal and "1,000,000" in refusal
    assert desk.window.message_input.toPlainText() == huge
    assert texts(desk, Kind.OWN) == []
    # Just under the limit goes through, and so does what follows it.
    fits = "가" * 160_000  # 960,000 bytes of escapes plus the packet's framing
    desk.window.message_input.setPlainText(fits)
    qtbot.mouseClick(desk.window.send_button, Qt.MouseButton.LeftButton)
    type_and_send(qtbot, desk, "and then this")
    bob.wait_received(fits)
    bob.wait_received("and then this")
    assert desk.client.status.state is ConnectionState.CONNECTED
