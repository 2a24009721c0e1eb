"""Connections per address (issue #22, item 7): there was no limit, so one
address could open thousands. Behind a proxy the operator names
(`--trusted-proxy`), the address is the one the proxy saw; anyone else's
X-Forwarded-For counts for nothing."""

from __future__ import annotations

from typing import Any

import pytest
import socketio

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked


async def _connect(port: int, forwarded: str = "") -> tuple[socketio.AsyncClient, list[Any]]:
    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    refused: list[Any] = []
    sio.on("connect_error", refused.append)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    try:
        await sio.connect(
            f"http://127.0.0.1:{port}",
            auth={"name": "n"},
            headers=headers,
            transports=["websocket"],
            wait_timeout=5,
        )
    except socketio.exceptions.ConnectionError:
        assert refused, "refused without a reason"
    return sio, refused


def test_one_address_opens_at_most_its_share_of_connections() -> None:
    async def scenario() -> None:
        server = ChatServer(limits=Limits(max_connections_per_address=5))
        port = await server.start("127.0.0.1", 0)
        held: list[socketio.AsyncClient] = []
        try:
            for _ in range(5):
                sio, refused = await _connect(port)
                assert not refused
                held.append(sio)
            _extra, refused = await _connect(port)
            assert refused and refused[0]["data"]["code"] == "too-many-connections"
            assert "too many connections" in refused[0]["message"]
            assert server.client_count == 5
            # A forged X-Forwarded-For from a peer that is not a trusted proxy counts nothing.
            _forged, refused = await _connect(port, "10.9.8.7")
            assert refused and refused[0]["data"]["code"] == "too-many-connections"
            await held.pop().disconnect()
            again, refused = await _connect(port)
            assert not refused
            held.append(again)
        finally:
            for sio in held:
                await sio.disconnect()
            await server.stop()

    run_checked(scenario())


@pytest.mark.parametrize("hops", ["10.0.0.1", "203.0.113.9, 10.0.0.1"])
def test_behind_a_trusted_proxy_the_forwarded_address_counts(hops: str) -> None:
    async def scenario() -> None:
        server = ChatServer(
            limits=Limits(max_connections_per_address=2), trusted_proxies=["127.0.0.1"]
        )
        port = await server.start("127.0.0.1", 0)
        held: list[socketio.AsyncClient] = []
        try:
            for _ in range(2):
                sio, refused = await _connect(port, hops)
                assert not refused
                held.append(sio)
            _third, refused = await _connect(port, hops)
            assert refused and refused[0]["data"]["code"] == "too-many-connections"
            other, refused = await _connect(port, "10.0.0.2")  # another client of the proxy
            assert not refused
            held.append(other)
            assert {peer.ip for peer in server._peers.values()} == {"10.0.0.1", "10.0.0.2"}
        finally:
            for sio in held:
                await sio.disconnect()
            await server.stop()

    run_checked(scenario())
