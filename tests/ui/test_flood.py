"""Tens of thousands of messages through a real window.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void
call (qasync kills a Qt timer per callback), so a busy window aborted with
`none_dealloc`. The dependency markers keep that build out; this test is
the tripwire for the next such leak.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
import socketio

from desktop_chat.protocol.limits import Limits
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from tests.ui.conftest import server_url, wait_connected

COUNT = 20_000


@pytest.fixture
def unmetered_server(arun: Any) -> Iterator[ChatServer]:
    """The flood comes from one client, far above the per-client rate limit."""
    server = ChatServer(limits=Limits(rate=1e9, burst=10**9))
    arun(server.start("127.0.0.1", 0))
    yield server
    arun(server.stop())


def test_a_flood_reaches_the_window_and_none_keeps_its_references(
    qtbot: Any, open_window: Any, unmetered_server: ChatServer, arun: Any
) -> None:
    chat_server = unmetered_server
    session = open_window(server_url(chat_server), "reader")
    wait_connected(qtbot, session)
    sender = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    arun(sender.connect(server_url(chat_server), transports=["websocket"]))
    before = sys.getrefcount(None)

    async def flood() -> None:
        for i in range(COUNT):
            await sender.emit("send-message", (f"flood {i}", ""))

    try:
        arun(flood(), timeout=120)
        qtbot.waitUntil(lambda: session.model.message_count() >= COUNT + 1, timeout=120_000)
    finally:
        arun(sender.disconnect())
    received = [m.text for m in session.messages() if m.kind is Kind.OTHER]
    assert received == [f"flood {i}" for i in range(COUNT)]
    assert sys.getrefcount(None) > before - 1_000
    bar = session.window.message_list.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
