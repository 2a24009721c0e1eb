"""The Node peers' conversations, unchanged, against desktop-chat-server.

desktop-chat-server is meant as a drop-in for the tutorial's Node server:
the conversations of test_node_server.Conversations run here as they are,
with the server started as a user starts it (the `desktop-chat-server`
command, in its own process) instead of `node server.js`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import Kind
from tests.interop.conftest import close_within
from tests.interop.nodeproc import Peer, Server, Spin
from tests.interop.test_node_server import Conversations, wait_shown
from tests.ui.conftest import texts, type_and_send


class TestThroughDesktopChatServer(Conversations):
    @pytest.fixture
    def start_server(self, desktop_server: Callable[..., Server]) -> Callable[..., Server]:
        return desktop_server


def test_extensions_do_not_get_in_a_tutorial_clients_way(
    qtbot: Any, desktop_server: Any, open_window: Any, peer: Any
) -> None:
    """Our server adds `meta` after the message: the tutorial's client shows the
    message (its first argument) and ignores the rest; a window shows the
    sender's name, and a peer repeating the window's words is shown."""
    server = desktop_server()
    bob: Peer = peer(server, "bob")
    desk = open_window(server, "desk")

    type_and_send(qtbot, desk, "ok")
    bob.wait_received("ok")
    message, meta = bob.received_args()[0]
    assert message == "ok"
    assert meta["from"]["name"] == "desk" and meta["room"] == ""

    bob.send("ok")
    wait_shown(qtbot, desk, "ok")
    line = next(m for m in desk.messages() if m.kind is Kind.OTHER)
    assert line.sender == "bob"
    assert texts(desk, Kind.OWN) == ["ok"]


def test_closing_a_window_on_long_polling_is_prompt(
    qtbot: Any, desktop_server: Any, open_window: Any, peer: Any, spin: Spin
) -> None:
    """python-engineio's server leaves a polling client's last GET open after
    the client said goodbye, until the poll times out (45 s by default); the
    window must not wait for it."""
    server = desktop_server()
    bob: Peer = peer(server, "bob")
    desk = open_window(server, "desk", transports=["polling"])
    type_and_send(qtbot, desk, "bye")
    bob.wait_received("bye")

    assert close_within(desk, spin, 3.0), "closing the window took more than 3 s"
    assert desk.client.status.state is ConnectionState.OFFLINE
