"""The bundled server's fast fan-out (desktop_chat/server/fanout.py), as the clients see it.

A broadcast is written straight to each idle websocket and goes through the
engine's queue otherwise; whichever way each frame goes, every client must
get every message once, in the server's order, with its own acks in
between. The counters on the manager only show that both ways were taken.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.fanout import DirectManager, text_frame
from tests.helpers import run_checked, until
from tests.interop.conftest import require
from tests.interop.nodeproc import ChildGroup, Server, poll_spin, start_peer
from tests.interop.nodeproc import Peer as NodePeer
from tests.server.test_server import Peer

ROOM = "busy"
WIDE = Limits(rate=100_000, burst=100_000)


@asynccontextmanager
async def room_server() -> AsyncIterator[ChatServer]:
    server = ChatServer(limits=WIDE)
    await server.start("127.0.0.1", 0)
    try:
        yield server
    finally:
        await server.stop()


async def join(server: ChatServer, name: str, transports: list[str]) -> Peer:
    client = Peer(name)
    await client.sio.connect(
        f"http://127.0.0.1:{server.port}", auth={"name": name}, transports=transports
    )
    assert await client.sio.call("join-room", ROOM, timeout=5) == f"Joined {ROOM}"
    return client


def manager(server: ChatServer) -> DirectManager:
    assert isinstance(server.sio.manager, DirectManager)
    return server.sio.manager


def test_a_busy_room_gets_every_message_in_order_on_websocket_and_polling() -> None:
    """Messages of a few bytes to more than 64 KiB (16- and 64-bit frame lengths)."""
    sizes = [1, 60, 200, 5_000, 66_000]
    sent = [f"{i:04d} é " + "x" * sizes[i % len(sizes)] for i in range(300)]

    async def scenario() -> None:
        async with room_server() as server:
            sender = await join(server, "sender", ["websocket"])
            watchers = [await join(server, f"ws{i}", ["websocket"]) for i in range(4)]
            poller = await join(server, "poller", ["polling"])
            try:
                for text in sent:
                    await sender.sio.emit("send-message", (text, ROOM))
                for client in [*watchers, poller]:
                    await until(lambda c=client: len(c.received) >= len(sent), 30, client.name)
                    assert client.texts() == sent, client.name
                    offsets = [meta["offset"] for _, meta in client.received]
                    assert offsets == sorted(offsets) and len(set(offsets)) == len(sent)
                assert sender.received == []
                assert manager(server).direct_frames >= len(sent)  # the websockets' share
                assert manager(server).gather.gathered_frames > 0  # several to a write
                assert manager(server).queued_frames >= len(sent)  # at least the poller's
            finally:
                for client in [sender, *watchers, poller]:
                    await client.leave()

    run_checked(scenario())


def test_clients_talking_at_once_each_get_the_others_in_order_with_their_acks() -> None:
    """Each client's own acks travel the engine's queue while the room's messages
    come the direct way: the two interleave on every socket."""
    per_client = 150

    async def scenario() -> None:
        async with room_server() as server:
            clients = [await join(server, f"c{i}", ["websocket"]) for i in range(4)]
            try:

                async def talk(client: Peer) -> list[Any]:
                    calls = [
                        client.sio.call("send-message", (f"{client.name}-{n}", ROOM), timeout=30)
                        for n in range(per_client)
                    ]
                    return list(await asyncio.gather(*calls))

                acks = await asyncio.gather(*(talk(c) for c in clients))
                others = per_client * (len(clients) - 1)
                for client, client_acks in zip(clients, acks, strict=True):
                    assert all("offset" in ack for ack in client_acks), client_acks[:3]
                    await until(lambda c=client: len(c.received) >= others, 30, client.name)
                    assert len(client.received) == others
                    offsets = [meta["offset"] for _, meta in client.received]
                    assert offsets == sorted(offsets), f"{client.name} got messages out of order"
                    for other in clients:
                        if other is not client:
                            theirs = [t for t in client.texts() if t.startswith(f"{other.name}-")]
                            assert theirs == [f"{other.name}-{n}" for n in range(per_client)]
                assert manager(server).direct_frames > 0
                assert manager(server).queued_frames > 0
            finally:
                for client in clients:
                    await client.leave()

    run_checked(scenario())


def test_websocket_compression_is_declined() -> None:
    """Browsers and socket.io clients offer permessage-deflate; the server says
    no, as the tutorial's Node server does, and the connection works uncompressed."""

    async def scenario() -> None:
        async with room_server() as server:
            url = f"http://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
            async with aiohttp.ClientSession() as http, http.ws_connect(url, compress=15) as ws:
                assert ws.compress == 0  # offered, not agreed
                opening = await ws.receive_str(timeout=5)
                assert opening.startswith('0{"sid"')
                await ws.send_str("40")
                connected = await ws.receive_str(timeout=5)
                assert connected.startswith('40{"sid"')

    run_checked(scenario())


def test_a_stalled_client_holds_up_nobody_and_misses_nothing() -> None:
    """A receiver whose process stops reading (SIGSTOP) fills its socket; the
    rest of the room goes on at full speed, and when it wakes up it gets the
    whole conversation, in order, from the engine's queue."""
    require("peer.js")
    count, size = 150, 100_000  # 15 MB: more than the kernel buffers between the two
    sent = [f"{i:04d} " + "x" * size for i in range(count)]
    group = ChildGroup(poll_spin)

    async def scenario() -> None:
        async with room_server() as server:
            node = Server("desktop-chat-server", server.port, "/socket.io", None)  # type: ignore[arg-type]
            stuck: NodePeer = start_peer(group, node, "stuck", transports="websocket")
            await until(lambda: bool(stuck.child.events_where(event="connect")), 20, "stuck")
            stuck.join(ROOM)
            await until(lambda: bool(stuck.child.events_where(event="ack")), 10, "stuck's join")
            sender = await join(server, "sender", ["websocket"])
            awake = await join(server, "awake", ["websocket"])
            os.kill(stuck.child.popen.pid, signal.SIGSTOP)
            try:
                for text in sent:
                    await sender.sio.emit("send-message", (text, ROOM))
                await until(lambda: len(awake.received) >= count, 30, "the awake client")
                assert awake.texts() == sent
                assert manager(server).queued_frames > 0, "the stalled client never backed up"
            finally:
                os.kill(stuck.child.popen.pid, signal.SIGCONT)
            await until(lambda: len(stuck.received()) >= count, 30, "the woken client")
            assert stuck.received() == sent
            await sender.leave()
            await awake.leave()

    try:
        run_checked(scenario())
    finally:
        group.stop_all()


@pytest.mark.parametrize("transports", [["websocket"], ["polling", "websocket"]])
def test_a_client_that_upgraded_from_polling_is_served_directly_too(
    transports: list[str],
) -> None:
    """Browsers start on long-polling and upgrade (socket.io-client's default);
    once on the websocket, they get the direct path as websocket-first clients do."""

    async def scenario() -> None:
        async with room_server() as server:
            sender = await join(server, "sender", ["websocket"])
            receiver = await join(server, "receiver", transports)
            await until(lambda: receiver.sio.transport() == "websocket", 10, "the upgrade")
            try:
                before = manager(server).direct_frames
                for n in range(20):
                    await sender.sio.emit("send-message", (f"m{n}", ROOM))
                await until(lambda: len(receiver.received) >= 20, 10, "the receiver")
                assert receiver.texts() == [f"m{n}" for n in range(20)]
                assert manager(server).direct_frames - before == 20
            finally:
                await sender.leave()
                await receiver.leave()

    run_checked(scenario())


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65_535, 65_536, 1 << 20])
def test_a_direct_frame_reads_back_as_the_text_sent(size: int) -> None:
    """text_frame's three length encodings, read by aiohttp's websocket client
    off a connection written the way DirectManager writes."""
    text = "é" * (size // 2) + "x" * (size % 2)

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        assert request.transport is not None
        request.transport.write(text_frame(text.encode()))
        await ws.receive()  # the client's close
        return ws

    async def scenario() -> None:
        app = web.Application()
        app.router.add_get("/", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.ws_connect(f"http://127.0.0.1:{port}/", max_msg_size=0) as ws,
            ):
                assert await ws.receive_str(timeout=5) == text
        finally:
            await runner.cleanup()

    run_checked(scenario())


def test_a_long_polling_client_that_sends_an_upgrade_header_gets_http() -> None:
    """engine.io serves `transport=polling` requests that carry `Upgrade:
    websocket` as long-polling; a websocket frame written into that HTTP
    connection would corrupt it. Its parked poll is answered with the message."""

    async def request(
        writer: asyncio.StreamWriter, method: str, path: str, body: bytes = b""
    ) -> None:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()

    async def response(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        return head, await asyncio.wait_for(reader.readexactly(length), 5)

    async def scenario() -> None:
        async with room_server() as server:
            get_r, get_w = await asyncio.open_connection("127.0.0.1", server.port)
            post_r, post_w = await asyncio.open_connection("127.0.0.1", server.port)
            try:
                await request(get_w, "GET", "/socket.io/?EIO=4&transport=polling")
                _, opening = await response(get_r)
                sid = json.loads(opening[1:])["sid"]
                path = f"/socket.io/?EIO=4&transport=polling&sid={sid}"
                for event in [b'40{"name":"poller"}', b'420["join-room","%s"]' % ROOM.encode()]:
                    await request(post_w, "POST", path, event)
                    await response(post_r)
                    await request(get_w, "GET", path)
                    _, answer = await response(get_r)  # the CONNECT, then the join's ack
                assert f"Joined {ROOM}".encode() in answer
                await request(get_w, "GET", path)  # parked until there is something
                sender = await join(server, "sender", ["websocket"])
                await sender.sio.emit("send-message", ("through the poll", ROOM))
                head, body = await response(get_r)
                assert head.startswith(b"HTTP/1.1 200 OK")
                assert b'42["receive-message","through the poll"' in body
                assert manager(server).direct_frames == 0
                await sender.leave()
            finally:
                get_w.close()
                post_w.close()

    run_checked(scenario())
