"""Catch-up offsets are kept per channel (a room, or "" for everyone).

A server written for the test sends, on a reconnect, a replayed message to
everyone *before* its server-info, so the client has taken it in before it
rejoins its rooms: with one offset for all channels, the room's rejoin then
asked for what came after the everyone-message and skipped the room's own
missed messages.
"""

from __future__ import annotations

from typing import Any

import socketio
from aiohttp import web

from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.client.notices import HistoryTrimmed
from desktop_chat.protocol.messages import Kind
from tests.client.test_client import make_client
from tests.helpers import run_checked, server_target, until


class ReplayingServer:
    """Speaks desktop-chat-server's catch-up protocol, in the order under test."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
        self.connections = 0
        # join-room arguments as received, with the number of the connection
        self.joins: list[tuple[int, tuple[object, ...]]] = []
        self.auths: list[object] = []
        self.sio.on("connect", self._connect)
        self.sio.on("join-room", self._join)
        self.app = web.Application()
        self.sio.attach(self.app)
        self.runner = web.AppRunner(self.app, shutdown_timeout=0.1)
        self.url = ""

    async def _connect(self, sid: str, environ: Any, auth: object = None) -> None:
        self.connections += 1
        self.auths.append(auth)
        self.sio.start_background_task(self._welcome, sid, self.connections)

    async def _welcome(self, sid: str, connection: int) -> None:
        if connection == 1:
            await self.sio.emit("server-info", {"acks": True, "catchup": True, "offset": 2}, to=sid)
            return
        meta = {
            "id": "m10",
            "room": "",
            "from": {"sid": "", "name": "bob"},
            "ts": 1.0,
            "offset": 10,
        }
        await self.sio.emit("receive-message", ("said to everyone", meta), to=sid)
        await self.sio.emit("server-info", {"acks": True, "catchup": True, "offset": 10}, to=sid)

    async def _join(self, sid: str, *args: object) -> str:
        self.joins.append((self.connections, args))
        await self.sio.enter_room(sid, str(args[0]))
        if self.connections == 1:  # a message in the room, live
            meta = {
                "id": "m3",
                "room": "garden",
                "from": {"sid": "", "name": "bob"},
                "ts": 1.0,
                "offset": 3,
            }
            await self.sio.emit("receive-message", ("in the garden", meta), to=sid)
        return f"Joined {args[0]}"

    async def start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def drop_everyone(self) -> None:
        for socket in list(self.sio.eio.sockets.values()):
            await socket.close(wait=False)

    async def stop(self) -> None:
        await self.drop_everyone()
        await self.runner.cleanup()


def test_a_rooms_rejoin_asks_from_the_rooms_own_offset() -> None:
    async def scenario() -> None:
        server = ReplayingServer()
        await server.start()
        alice, seen = make_client("alice")
        try:
            alice.join("garden")
            alice.connect_to(server_target(server.url))
            await until(lambda: "in the garden" in seen.texts(Kind.OTHER), what="the live message")
            await server.drop_everyone()
            await until(lambda: any(n == 2 for n, _ in server.joins), what="the rejoin")
            assert alice.status.state is ConnectionState.CONNECTED
            # The room from its own newest (3), not from everyone's (10).
            assert [args for n, args in server.joins if n == 2] == [("garden", {"since": 3})]
            # Everyone's channel from its own: nothing seen there, so the baseline.
            assert server.auths[1]["offset"] == 2  # type: ignore[index]
        finally:
            await alice.close()
            await server.stop()

    run_checked(scenario())


def test_what_the_server_no_longer_keeps_is_said_never_silently_skipped() -> None:
    """Alice is away while bob says 20 things; the server keeps only 5. She
    gets those 5, in order, and a line saying that older ones are gone."""
    from desktop_chat.client.channels import ChannelStore
    from desktop_chat.client.chat_client import ChatClient
    from desktop_chat.client.local_db import open_client_db
    from desktop_chat.server.chat_server import ChatServer
    from desktop_chat.server.retention import Retention
    from tests.client.test_client import Recorder
    from tests.helpers import FAST_BACKOFF

    async def scenario() -> None:
        server = ChatServer(retention=Retention(days=None, messages=5, interval=0.05))
        port = await server.start("127.0.0.1", 0)
        target = server_target(f"http://127.0.0.1:{port}")
        db = open_client_db()  # alice's data folder, across her two runs

        def alice_run() -> tuple[ChatClient, Recorder]:
            client = ChatClient(
                "alice",
                backoff=FAST_BACKOFF,
                client_id="alice-key",
                channels=ChannelStore(db, "alice-key"),
            )
            return client, Recorder(client)

        bob, _ = make_client("bob")
        alice, _ = alice_run()
        try:
            alice.connect_to(target)
            bob.connect_to(target)
            await until(
                lambda: (
                    alice.status.state is ConnectionState.CONNECTED
                    and bob.status.state is ConnectionState.CONNECTED
                )
            )
            await alice.close()
            for i in range(20):
                bob.send(f"said {i}", "")
            await until(
                lambda: server.history.count() == 5 and server.history.last_offset() >= 20,
                what="the server to keep only 5",
            )
            alice, seen = alice_run()
            alice.connect_to(target)
            await until(lambda: len(seen.texts(Kind.OTHER)) == 5, what="the kept five")
            assert seen.texts(Kind.OTHER) == [f"said {i}" for i in range(15, 20)]
            await until(lambda: HistoryTrimmed("") in seen.notices, what="the note")
        finally:
            await alice.close()
            await bob.close()
            await server.stop()

    run_checked(scenario())
