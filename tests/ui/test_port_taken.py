"""The default address held by a web server that is not Socket.IO, and the status line.

A development web server on port 3000 is common. The window must not retry it
forever: it says what is there and offers to host the chat server on another
port; accepting hosts it there, and other windows can join.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from aiohttp import web
from PySide6.QtCore import Qt

from desktop_chat.app.port_probe import Answer, probe
from desktop_chat.protocol.messages import Kind
from desktop_chat.protocol.urls import parse_server_url
from desktop_chat.server.chat_server import ChatServer
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


@pytest.fixture
def web_server(arun: Any) -> Iterator[int]:
    """A real aiohttp web application on a free port: it answers HTTP, not Socket.IO."""
    app = web.Application()

    async def index(_request: web.Request) -> web.Response:
        return web.Response(text="<h1>my dev server</h1>", content_type="text/html")

    app.router.add_get("/", index)
    runner = web.AppRunner(app)
    arun(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    arun(site.start())
    port = int(runner.addresses[0][1])
    yield port
    arun(runner.cleanup())


def test_the_probe_tells_a_web_server_from_a_socket_io_server(
    arun: Any, web_server: int, chat_server: ChatServer
) -> None:
    other = arun(probe(parse_server_url(f"http://127.0.0.1:{web_server}"), "/socket.io"))
    assert other.answer is Answer.OTHER
    assert "HTTP 404" in other.detail and "aiohttp" in other.detail
    ours = arun(probe(parse_server_url(server_url(chat_server)), "/socket.io"))
    assert ours.answer is Answer.SOCKET_IO
    # On the wrong path our own server is "not Socket.IO" there either.
    wrong = arun(probe(parse_server_url(server_url(chat_server)), "/chat/socket.io"))
    assert wrong.answer is Answer.OTHER


def test_a_websocket_only_socket_io_server_is_one(arun: Any) -> None:
    """It refuses the polling handshake, in Engine.IO's own words: still Socket.IO."""
    sio = socketio.AsyncServer(async_mode="aiohttp", transports=["websocket"])
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app)
    arun(runner.setup())
    arun(web.TCPSite(runner, "127.0.0.1", 0).start())
    try:
        port = int(runner.addresses[0][1])
        found = arun(probe(parse_server_url(f"http://127.0.0.1:{port}"), "/socket.io"))
        assert found.answer is Answer.SOCKET_IO, found
    finally:
        arun(runner.cleanup())


def test_a_web_server_on_the_default_port_is_named_and_the_window_hosts_elsewhere(
    qtbot: Any, open_window: Any, web_server: int
) -> None:
    default = f"http://localhost:{web_server}"
    host = open_window(None, "host", default_url=default)
    assert not host.hosting
    note = next(t for t in texts(host, Kind.SYSTEM) if "not a Socket.IO server" in t)
    assert note.startswith(f"Not connecting: {default} is not a Socket.IO server (it answered HTTP")
    assert host.window.status_label.details() == (
        f"Not a Socket.IO server at {default} — not connected"
    )
    button = host.window.host_elsewhere_button
    assert button.isVisible() and button.objectName() == "hostElsewhereButton"

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: host.hosting)
    wait_connected(qtbot, host)
    assert host.server is not None
    port = host.server.port
    assert port != web_server
    where = f"http://127.0.0.1:{port}"
    assert host.window.server_url.text() == where
    assert f"hosting the server on 127.0.0.1:{port}" in host.window.status_label.details()
    assert any(f"hosts the chat server on 127.0.0.1:{port}" in t for t in texts(host, Kind.SYSTEM))
    assert not button.isVisible()

    guest = open_window(where, "guest")
    wait_connected(qtbot, guest)
    type_and_send(qtbot, guest, "found you on another port")
    qtbot.waitUntil(lambda: "found you on another port" in texts(host, Kind.OTHER))
    type_and_send(qtbot, host, "welcome")
    qtbot.waitUntil(lambda: "welcome" in texts(guest, Kind.OTHER))


def test_the_status_line_fits_beside_its_buttons_and_its_tooltip_has_all_of_it(
    qtbot: Any, open_window: Any
) -> None:
    """The status line says it in words for people, beside its buttons; the
    details (id, address, transport, the hosted address) are its tooltip."""
    from tests.helpers import free_port

    host = open_window(None, "host", default_url=f"http://localhost:{free_port()}")
    wait_connected(qtbot, host)
    label = host.window.status_label
    full = label.details()
    assert full.startswith("Connected as ") and " over websocket · hosting the server on " in full
    assert label.toolTip() == full
    qtbot.waitUntil(lambda: label.text() == "Connected · hosting the chat here")
    shown = label.text()
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.geometry().right() < host.window.offline_button.geometry().left()
