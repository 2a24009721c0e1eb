"""GET /health: what a load balancer's check (docs/haproxy.cfg) and an operator see."""

from __future__ import annotations

import json

import aiohttp

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked
from tests.server.test_server import Peer


def test_health_is_plain_http_and_opens_no_session() -> None:
    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        peer = Peer("someone")
        try:
            await peer.sio.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
            await peer.sio.call("send-message", ("hello", ""), timeout=5)
            async with aiohttp.ClientSession() as http:
                for _ in range(3):
                    async with http.get(f"http://127.0.0.1:{port}/health") as response:
                        assert response.status == 200
                        body = await response.text()
            word, status = body.split(" ", 1)
            assert word == "ok"
            assert json.loads(status) == {"clients": 1, "store": "sqlite", "offset": 1}
            assert len(server.sio.eio.sockets) == 1  # the peer's only: checks open none
        finally:
            await peer.leave()
            await server.stop()

    run_checked(scenario())
