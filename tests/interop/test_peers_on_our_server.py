"""The Node peers' conversations, unchanged, against desktop-chat-server.

desktop-chat-server is meant as a drop-in for the tutorial's Node server:
the conversations of test_node_server.Conversations run here as they are,
with the server started as a user starts it (the `desktop-chat-server`
command, in its own process) instead of `node server.js`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from desktop_chat.core.client import ConnectionState
from desktop_chat.core.messages import Kind
from tests.interop.conftest import close_within
from tests.interop.nodeproc import Peer, Server, Spin
from tests.interop.test_node_server import Conversations, wait_shown
from tests.ui.conftest import texts, type_and_send

# A bug in desktop_chat/, shown by a test that fails until it is fixed (then the
# XPASS fails the run, and the marker goes).
KNOWN_BUG = functools.partial(pytest.mark.xfail, strict=True, raises=AssertionError)
MANY_PACKETS_BUG = (
    "server bug: desktop-chat-server rejects every long-polling POST that carries more than "
    "16 packets (python-engineio's Payload.max_decode_packets; only client.py raises it, so "
    "a server in its own process keeps 16): messages a polling client batched are lost"
)
SLOW_CLOSE_BUG = (
    "client bug: over long-polling to a python-engineio server, ChatClient.close() waits "
    "for the pending GET, which that server answers only at its next ping (up to 25 s)"
)


class TestThroughDesktopChatServer(Conversations):
    @pytest.fixture
    def start_server(self, desktop_server: Callable[..., Server]) -> Callable[..., Server]:
        return desktop_server

    @pytest.fixture(
        params=[
            "websocket",
            pytest.param("polling", marks=KNOWN_BUG(reason=MANY_PACKETS_BUG)),
        ]
    )
    def transport(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)


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
    line = next(m for m in desk.model.messages() if m.kind is Kind.OTHER)
    assert line.sender == "bob"
    assert texts(desk, Kind.OWN) == ["ok"]


@KNOWN_BUG(reason=SLOW_CLOSE_BUG)
def test_closing_a_window_on_long_polling_is_prompt(
    qtbot: Any, desktop_server: Any, open_window: Any, peer: Any, spin: Spin
) -> None:
    server = desktop_server()
    bob: Peer = peer(server, "bob")
    desk = open_window(server, "desk", transports=["polling"])
    type_and_send(qtbot, desk, "bye")
    bob.wait_received("bye")

    assert close_within(desk, spin, 3.0), "closing the window took more than 3 s"
    assert desk.client.status.state is ConnectionState.OFFLINE
