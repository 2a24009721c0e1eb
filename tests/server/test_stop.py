"""How desktop-chat-server stops: it stops accepting before it closes its
clients' connections, so that a client reconnecting at once (or a window
about to host the server again, app/host_takeover.py) finds nothing
listening rather than a server about to go."""

from __future__ import annotations

import asyncio
from typing import Any

import engineio.async_socket
import pytest
import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked


async def _accepts(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


def test_the_server_stops_accepting_before_it_closes_its_clients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def scenario() -> list[bool]:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        listening_when_closed: list[bool] = []
        close = engineio.async_socket.AsyncSocket.close

        async def recording_close(self: Any, *args: Any, **kwargs: Any) -> Any:
            listening_when_closed.append(await _accepts(port))
            return await close(self, *args, **kwargs)

        monkeypatch.setattr(engineio.async_socket.AsyncSocket, "close", recording_close)
        client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        await client.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
        try:
            await server.stop()
        finally:
            await client.disconnect()
        return listening_when_closed

    listening_when_closed = run_checked(scenario())
    assert listening_when_closed and not any(listening_when_closed)
