"""A Wi-Fi drop (issue #22, item 1): hundreds of clients that asked for
presence go silent at once. Every one of them must be gone afterwards:
from the server's count, from `participants`, and without an error."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import aiohttp
import pytest

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, until
from tests.server.test_server import Peer

GHOSTS = 400


class Ghost:
    """A Socket.IO client that asks for presence and answers pings until
    its network goes away (`drop`): then it never reads again."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.reading = asyncio.ensure_future(self._answer_pings())

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, port: int, name: str) -> Ghost:
        ws = await session.ws_connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket")
        opened = await ws.receive_str()
        assert opened.startswith("0{")
        await ws.send_str("40" + json.dumps({"name": name, "presence": True}))
        while (connected := await ws.receive_str()) == "2":  # a ping first, on a busy machine
            await ws.send_str("3")
        assert connected.startswith("40{"), connected
        return cls(ws)

    async def _answer_pings(self) -> None:
        async for message in self.ws:
            if message.type is aiohttp.WSMsgType.TEXT and message.data == "2":
                await self.ws.send_str("3")

    async def drop(self) -> None:
        self.reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reading


def test_clients_that_go_silent_together_all_leave(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)

    async def scenario() -> None:
        server = ChatServer(ping=(4.0, 2.0), limits=Limits(max_connections_per_address=0))
        port = await server.start("127.0.0.1", 0)
        good = [Peer("ann"), Peer("bob")]
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            try:
                for peer in good:
                    await peer.sio.connect(
                        f"http://127.0.0.1:{port}",
                        auth={"name": peer.name, "presence": True},
                        transports=["websocket"],
                    )
                ghosts = await asyncio.gather(
                    *(Ghost.connect(session, port, f"ghost {i}") for i in range(GHOSTS))
                )
                await until(lambda: server.client_count == GHOSTS + 2, timeout=30)
                for ghost in ghosts:  # the Wi-Fi goes, for all of them at once
                    await ghost.drop()
                await until(
                    lambda: server.client_count == 2,
                    timeout=30,
                    what="the silent clients to be dropped",
                )
                listed = await good[0].sio.call("participants", "", timeout=5)
                assert [m["name"] for m in listed["members"]] == ["ann", "bob"]
                # Still chatting: the pair hears each other.
                await good[0].sio.call("send-message", ("still here", ""), timeout=5)
                await until(lambda: "still here" in good[1].texts(), timeout=5)
            finally:
                for peer in good:
                    await peer.leave()
                await server.stop()

    run_checked(scenario())
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors[0].getMessage()
    assert not any("RecursionError" in (r.exc_text or "") for r in caplog.records)
