"""The port probe (desktop_chat/app/port_probe.py) against the tutorial's Node server.

The window decides from it whether the default address is held by a chat
server or by some other web server; a Socket.IO server must never be taken
for the latter, whatever transports it allows.
"""

from __future__ import annotations

from typing import Any

import pytest

from desktop_chat.app.port_probe import Answer, probe
from desktop_chat.protocol.urls import parse_server_url
from tests.interop.nodeproc import Server


@pytest.mark.parametrize("transports", ["websocket,polling", "websocket", "polling"])
def test_the_node_server_is_a_socket_io_server_on_its_path_only(
    arun: Any, node_server: Any, transports: str
) -> None:
    server: Server = node_server(transports=transports)
    url = parse_server_url(server.url)
    assert arun(probe(url, "/socket.io")).answer is Answer.SOCKET_IO
    # Elsewhere on the same port, express answers: that path is not Socket.IO.
    elsewhere = arun(probe(url, "/chat/socket.io"))
    assert elsewhere.answer is Answer.OTHER
    assert "HTTP 404" in elsewhere.detail
