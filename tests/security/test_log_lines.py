"""A client's name cannot forge a server log line (issue #22, the smaller
items): a newline in `auth.name` or a rename used to start a line of its own."""

from __future__ import annotations

import logging

import pytest
import socketio

from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.log_guard import OncePerKind
from tests.helpers import run_checked

FORGED = "eve\n2026-12-06 04:00:00,000 client connected 10.0.0.1 x (admin)"


def test_names_with_newlines_stay_on_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="desktop_chat.server")

    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        try:
            await sio.connect(
                f"http://127.0.0.1:{port}",
                auth={"name": FORGED, "presence": True},
                transports=["websocket"],
            )
            await sio.call("rename", "mallory\r\nroot", timeout=5)
        finally:
            await sio.disconnect()
            await server.stop()

    run_checked(scenario())
    lines = [
        r.getMessage()
        for r in caplog.records
        if "eve" in r.getMessage() or "mallory" in r.getMessage()
    ]
    assert len(lines) >= 2, lines
    assert all("\n" not in line and "\r" not in line for line in lines), lines


def test_a_flood_of_one_kind_of_record_is_held_back_and_counted() -> None:
    kept = OncePerKind(per_kind=3, window=60)
    records = [
        logging.LogRecord("x", logging.WARNING, "f", 1, "too many files %s", (i,), None)
        for i in range(100)
    ]
    passed = [r for r in records if kept.filter(r)]
    assert len(passed) == 3
    other = logging.LogRecord("x", logging.WARNING, "f", 1, "another kind", (), None)
    assert kept.filter(other)
