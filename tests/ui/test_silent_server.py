"""A server that takes the connection and never answers the namespace connect
(#25): python-socketio's server does exactly that when its connect handler
raises. The window says so in words within a few seconds and tries again.

The server here is raw Engine.IO on 127.0.0.1 (aiohttp): it opens the
Engine.IO session over long-polling, takes the upgrade to a websocket, reads
the Socket.IO CONNECT ("40") and sends nothing back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from desktop_chat.client.notices import NoConnectAnswer
from desktop_chat.client.status import ConnectionState
from desktop_chat.ui.notice_text import notice_text

OPEN = {"upgrades": ["websocket"], "pingInterval": 25000, "pingTimeout": 20000, "maxPayload": 1e6}


class SilentServer:
    """Engine.IO that never answers "40"; `connects` are the times one came."""

    def __init__(self) -> None:
        self.connects: list[float] = []
        self.websockets = 0
        self._sessions = 0
        self._upgraded: dict[str, asyncio.Event] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/socket.io/", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for event in self._upgraded.values():
            event.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def _packets(self, text: str) -> None:
        for packet in text.split("\x1e"):
            if packet.startswith("40"):
                self.connects.append(time.monotonic())

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        sid = request.query.get("sid", "")
        if request.query.get("transport") == "websocket":
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            self.websockets += 1
            if not sid:  # straight to a websocket: open the session here
                await ws.send_str("0" + json.dumps({**OPEN, "sid": self._new(), "upgrades": []}))
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    break
                if message.data == "2probe":
                    await ws.send_str("3probe")
                elif message.data == "5" and sid in self._upgraded:
                    self._upgraded[sid].set()  # the pending poll answers "noop"
                else:
                    self._packets(message.data)
            return ws
        if not sid:
            return web.Response(text="0" + json.dumps({**OPEN, "sid": self._new()}))
        if request.method == "POST":
            self._packets(await request.text())
            return web.Response(text="ok")
        upgraded = self._upgraded.setdefault(sid, asyncio.Event())
        with contextlib.suppress(TimeoutError):  # a long poll: held until the upgrade (or 20 s)
            await asyncio.wait_for(upgraded.wait(), 20)
        return web.Response(text="6")

    def _new(self) -> str:
        self._sessions += 1
        return f"silent{self._sessions}"


@pytest.fixture
def silent_server(arun: Any) -> Iterator[SilentServer]:
    server = SilentServer()
    arun(server.start())
    yield server
    arun(server.stop())


def test_a_server_that_never_answers_the_connect_is_said_and_retried(
    qtbot: Any, open_window: Any, silent_server: SilentServer
) -> None:
    started = time.monotonic()
    session = open_window(silent_server.url, "ann")
    status = session.window.status_label
    words = notice_text(NoConnectAnswer())
    assert words.startswith("The server took the connection but never answered")
    qtbot.waitUntil(lambda: words in status.details(), timeout=8000)
    said = time.monotonic() - started
    assert said < 7, f"said after {said:.1f} s"
    assert silent_server.connects and silent_server.websockets  # it did ask, over a websocket
    # What is drawn says it in words too (the details add the address).
    assert status.text().startswith("Reconnecting") and words in status.summary()
    # And it tries again, after a pause (the backoff), never connected.
    qtbot.waitUntil(lambda: len(silent_server.connects) >= 2, timeout=10_000)
    assert silent_server.connects[1] - silent_server.connects[0] > 4.0  # waited for an answer
    assert session.client.status.state is not ConnectionState.CONNECTED
