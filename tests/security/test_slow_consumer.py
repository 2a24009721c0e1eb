"""Clients that stop reading (issue #22, item 2): four connections asking a
catch-up from offset 0 and never reading grew the server by 8 MB a second.
A replay is now paced by what the client reads, and a client that reads
nothing is disconnected (its catch-up point stays where it was); the good
pair never notices."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import time

import aiohttp

from desktop_chat.client.chat_client import ChatClient, ConnectionState
from desktop_chat.protocol.limits import Limits
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.fanout import DirectManager
from desktop_chat.server.replay import ReplayLimits
from tests.helpers import run_checked, server_target, until

HISTORY = 4000
TEXT = "h" * 2000


class NeverReads:
    """A websocket Socket.IO client that, once connected, never reads again:
    written by hand on a small receive buffer, since aiohttp's client reads
    the socket into memory whether its user reads or not."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.sid = ""

    @classmethod
    async def connect(cls, port: int, auth: dict[str, object]) -> NeverReads:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        reader, writer = await asyncio.open_connection(sock=sock)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        client = cls(reader, writer)
        assert (await client._frame()).startswith("0{")
        client._send("40" + json.dumps(auth))
        while (answer := await client._frame()) == "2":
            client._send("3")
        assert answer.startswith("40{"), answer
        client.sid = str(json.loads(answer[2:])["sid"])
        return client

    async def _frame(self) -> str:
        _first, second = await self.reader.readexactly(2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        return (await self.reader.readexactly(size)).decode()

    def _send(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        header = (
            bytes([0x81, 0x80 | len(data)])
            if len(data) < 126
            else (bytes([0x81, 0x80 | 126]) + struct.pack("!H", len(data)))
        )
        self.writer.write(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def close(self) -> None:
        self.writer.close()


async def _good_pair(url: str) -> tuple[ChatClient, ChatClient, list[str]]:
    tx, rx = ChatClient("tx"), ChatClient("rx")
    got: list[str] = []
    rx.on_message = lambda m: got.append(m.text) if m.kind is Kind.OTHER else None
    for client in (tx, rx):
        client.connect_to(server_target(url))
    await until(lambda: all(c.status.state is ConnectionState.CONNECTED for c in (tx, rx)))
    return tx, rx, got


def test_catch_ups_that_are_never_read_are_paced_then_dropped() -> None:
    async def scenario() -> None:
        server = ChatServer(replay_limits=ReplayLimits(slow_seconds=2.0))
        for i in range(HISTORY):
            server.history.add(f"h{i}", "", "someone", "someone", TEXT, time.time())
        port = await server.start("127.0.0.1", 0)
        manager = server.sio.manager
        assert isinstance(manager, DirectManager)
        tx, rx, got = await _good_pair(f"http://127.0.0.1:{port}")
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)):
            try:
                slow = [
                    await NeverReads.connect(
                        port, {"name": f"slow {i}", "offset": 0, "client": f"slow-key-{i}"}
                    )
                    for i in range(4)
                ]
                sids = [client.sid for client in slow]
                most = 0

                def watch() -> bool:
                    nonlocal most
                    most = max([most, *(manager.backlog(sid)[0] for sid in sids)])
                    return server.client_count == 2

                await until(watch, timeout=30, what="the clients that never read to be dropped")
                # Paced: never more than about a page waiting for any of them.
                assert most <= 400, most
                assert server.replays.waiting == set()
                for i in range(20):
                    tx.send(f"good {i}", "")
                await until(lambda: len(got) == 20)
                assert got == [f"good {i}" for i in range(20)]
                for client in slow:
                    client.close()
            finally:
                for client in (tx, rx):
                    await client.close()
                await server.stop()

    run_checked(scenario())


def test_a_client_that_stops_reading_a_busy_room_is_dropped() -> None:
    async def scenario() -> None:
        server = ChatServer(limits=Limits(rate=10_000, burst=10_000))
        port = await server.start("127.0.0.1", 0)
        manager = server.sio.manager
        assert isinstance(manager, DirectManager)
        manager.max_queued = 500
        tx, rx, got = await _good_pair(f"http://127.0.0.1:{port}")
        async with aiohttp.ClientSession():
            try:
                stuck = await NeverReads.connect(port, {"name": "stuck"})
                assert server.client_count == 3
                count = 5000
                for i in range(count):
                    tx.send(f"{i} " + "x" * 3000, "")
                await until(lambda: len(got) == count, timeout=60, what="all messages at rx")
                assert server.client_count == 2 and manager.slow_dropped == 1
                stuck.close()
            finally:
                for client in (tx, rx):
                    await client.close()
                await server.stop()

    run_checked(scenario())
