"""Telling a tutorial server's echo from someone repeating my words, without a window.

The server here is python-socketio with the tutorial's semantics and nothing
more: no server-info, `send-message` broadcast to everyone but the sender,
`join-room` that never acks (as the tutorial's own code is written).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import socketio
from aiohttp import web

from desktop_chat.client import echo as echo_module
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import Kind
from tests.client.test_client import make_client
from tests.helpers import run_checked, server_target, until


class TutorialServer:
    def __init__(self, echo: bool = False) -> None:
        self.echo = echo  # io.emit / io.to(room).emit: the sender gets its own message too
        self.sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
        self.released = asyncio.Event()
        self.sio.on("send-message", self._send_message)
        self.sio.on("join-room", self._join_room)
        self.app = web.Application()
        self.sio.attach(self.app)
        self.runner = web.AppRunner(self.app, shutdown_timeout=0.1)
        self.url = ""

    async def _send_message(self, sid: str, message: object, room: object = "", *_: Any) -> None:
        skip = None if self.echo else sid
        if room:
            await self.sio.emit("receive-message", message, room=room, skip_sid=skip)
        else:
            await self.sio.emit("receive-message", message, skip_sid=skip)

    async def _join_room(self, sid: str, room: str, *_: Any) -> None:
        await self.sio.enter_room(sid, room)
        await self.released.wait()  # the tutorial's handler never calls its ack

    async def start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        self.released.set()
        for socket in list(self.sio.eio.sockets.values()):
            await socket.close(wait=False)
        await self.runner.cleanup()


@asynccontextmanager
async def tutorial_server(echo: bool = False) -> AsyncIterator[TutorialServer]:
    server = TutorialServer(echo)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.mark.parametrize("ending", ["server stops", "window closes", "user switches server"])
def test_a_reply_held_while_finding_out_is_shown_when_the_connection_ends(
    monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    """Bob answers my first message with the same words, and goes on. Without a
    join ack the client waits for the probe's timeout before deciding whether
    that was my echo; if the connection ends first, what it held is shown
    then, in order, not lost with the connection."""
    monkeypatch.setattr(echo_module, "ECHO_PROBE_TIMEOUT", 600.0)  # only the ending can tell

    async def no_room_probe(*_: object) -> None:
        """As for a profile whose `send` names no room: no probe to my own
        socket's room, which would tell at once (test_node_server.py)."""

    monkeypatch.setattr(echo_module.EchoFilter, "before_send", no_room_probe)

    async def scenario() -> None:
        alice, a = make_client("alice")
        bob = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        heard: list[object] = []
        bob.on("receive-message", lambda message, *_: heard.append(message))
        async with tutorial_server() as server, tutorial_server() as other:
            try:
                await bob.connect(server.url, transports=["websocket"])
                alice.connect_to(server_target(server.url))
                await until(lambda: alice.status.state is ConnectionState.CONNECTED)
                alice.send("ok", "")
                await until(lambda: heard == ["ok"], what="bob to hear alice")
                await bob.emit("send-message", ("ok", ""))
                await bob.emit("send-message", ("see you", ""))
                # Held, not shown: the client cannot tell bob's "ok" from an echo yet.
                await until(lambda: alice._echo.held == 2, what="the hold")
                assert a.texts(Kind.OTHER) == []
                if ending == "server stops":
                    await bob.disconnect()
                    await server.stop()
                    shown = ["ok", "see you"]
                    await until(lambda: a.texts(Kind.OTHER) == shown, what="the release")
                elif ending == "window closes":
                    await alice.close()
                    assert a.texts(Kind.OTHER) == ["ok", "see you"]
                else:
                    alice.connect_to(server_target(other.url))
                    assert a.texts(Kind.OTHER) == ["ok", "see you"]
            finally:
                await alice.close()
                if bob.connected:
                    await bob.disconnect()

    run_checked(scenario())


@pytest.mark.parametrize("echo", [False, True], ids=["broadcast", "echo"])
def test_the_probe_to_my_own_room_tells_at_once_and_no_one_sees_it(
    monkeypatch: pytest.MonkeyPatch, echo: bool
) -> None:
    """On a server that never acks, the probe sent to my socket's own room
    before my first message decides without waiting (ECHO_PROBE_TIMEOUT is
    made 600 s here): on an echoing server my first message's echo is not
    shown as someone else's, and bob saying the same words is; on one that
    does not echo, bob's reply is shown at once. Bob never sees the probe."""
    monkeypatch.setattr(echo_module, "ECHO_PROBE_TIMEOUT", 600.0)

    async def scenario() -> None:
        alice, a = make_client("alice")
        bob = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        heard: list[object] = []
        bob.on("receive-message", lambda message, *_: heard.append(message))
        async with tutorial_server(echo) as server:
            try:
                await bob.connect(server.url, transports=["websocket"])
                alice.connect_to(server_target(server.url))
                await until(lambda: alice.status.state is ConnectionState.CONNECTED)
                alice.send("ok", "")
                await until(lambda: "ok" in heard, what="bob to hear alice")
                await bob.emit("send-message", ("ok", ""))
                await bob.emit("send-message", ("see you", ""))
                await until(lambda: "see you" in a.texts(Kind.OTHER), what="bob's lines")
                assert a.texts(Kind.OTHER) == ["ok", "see you"]
                assert a.texts(Kind.OWN) == ["ok"]
                assert alice._echo.echoes is echo
                # Bob heard alice's line (and, echoing, his own), never the probe.
                assert heard == (["ok", "ok", "see you"] if echo else ["ok"]), heard
            finally:
                await alice.close()
                if bob.connected:
                    await bob.disconnect()

    run_checked(scenario())
