"""An idle connection's cost on the bundled server (server/lean_socket.py, issue
#23 item 4): no task or timer of its own between pings, and pings that still
keep live clients and drop dead ones, with bare websocket clients answering
(or not) by hand, as bench/connections.py's do."""

from __future__ import annotations

import asyncio

import aiohttp

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.lean_socket import LeanSocket
from tests.helpers import run_checked, until

IDLE = 40


async def _connect(session: aiohttp.ClientSession, port: int) -> aiohttp.ClientWebSocketResponse:
    """A Socket.IO client on a bare websocket, connected to the default namespace."""
    ws = await session.ws_connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket")
    opened = await ws.receive_str(timeout=10)
    assert opened.startswith("0{"), opened
    await ws.send_str('40{"name":"idle"}')
    while not (await ws.receive_str(timeout=10)).startswith("40"):
        pass
    return ws


def test_idle_connections_hold_no_task_of_their_own_but_aiohttps_and_the_writer() -> None:
    async def scenario() -> tuple[int, int, bool]:
        server = ChatServer(limits=Limits(max_connections_per_address=0))
        port = await server.start("127.0.0.1", 0)
        try:
            async with aiohttp.ClientSession() as session:
                first = await _connect(session, port)
                await until(lambda: server.client_count == 1, what="the first client")
                await asyncio.sleep(0.2)  # its welcome and catch-up tasks are done
                before = len(asyncio.all_tasks())
                clients = [await _connect(session, port) for _ in range(IDLE)]
                await until(lambda: server.client_count == IDLE + 1, what="all clients")
                await asyncio.sleep(0.2)
                after = len(asyncio.all_tasks())
                lean = all(isinstance(s, LeanSocket) for s in server.sio.eio.sockets.values())
                for ws in [first, *clients]:
                    await ws.close()
        finally:
            await server.stop()
        return before, after, lean

    before, after, lean = run_checked(scenario())
    assert lean
    # aiohttp's two (the connection's and its request's, where the engine's
    # reader runs) and the engine's writer: python-engineio's own socket had
    # 6 (a read task under wait_for, the writer's wait_for task, and a
    # sleeping ping task besides).
    assert (after - before) / IDLE <= 3.0, (before, after)


def test_pings_keep_answering_clients_and_drop_silent_ones() -> None:
    async def scenario() -> tuple[int, int, int]:
        server = ChatServer(ping=(0.2, 0.3))
        port = await server.start("127.0.0.1", 0)
        pings = 0
        try:
            async with aiohttp.ClientSession() as session:
                answering = await _connect(session, port)
                silent = await _connect(session, port)
                await until(lambda: server.client_count == 2, what="both clients")

                async def answer() -> None:
                    nonlocal pings
                    async for message in answering:
                        if message.data == "2":
                            pings += 1
                            await answering.send_str("3")

                answerer = asyncio.ensure_future(answer())
                # The silent one never answers: gone within interval + timeout
                # (the engine's service task checks every socket in that time).
                await until(lambda: server.client_count == 1, timeout=5, what="the silent drop")
                await until(lambda: pings >= 5, timeout=5, what="five pings answered")
                left = server.client_count
                answered = pings
                silent_closed = 0
                with_timeout = asyncio.wait_for(silent.receive(), 5)
                while (await with_timeout).type not in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                ):
                    with_timeout = asyncio.wait_for(silent.receive(), 5)
                silent_closed = 1
                answerer.cancel()
                await answering.close()
        finally:
            await server.stop()
        return left, answered, silent_closed

    left, answered, silent_closed = run_checked(scenario())
    assert left == 1  # the answering client is still there after 5 intervals
    assert answered >= 5
    assert silent_closed == 1  # and the silent one's websocket was closed, not left open
