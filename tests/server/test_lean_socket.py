"""An idle connection's cost on the bundled server (server/lean_socket.py, issue
#23 item 4): no task or timer of its own between pings, and pings that still
keep live clients and drop dead ones, with bare websocket clients answering
(or not) by hand, as bench/connections.py's do."""

from __future__ import annotations

import asyncio
import time
import tracemalloc

import aiohttp

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.fanout import DirectManager
from desktop_chat.server.lean_socket import LeanQueue, LeanSocket
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


def test_clients_that_go_leave_every_room_they_were_in_and_the_rest_still_hear() -> None:
    """DirectManager.basic_disconnect leaves only the rooms a client is in:
    the rooms it joined, its own and everyone's, and nothing else changes."""

    async def join(ws: aiohttp.ClientWebSocketResponse, room: str) -> None:
        await ws.send_str(f'421["join-room","{room}"]')
        while not (await ws.receive_str(timeout=10)).startswith("431"):
            pass

    async def scenario() -> tuple[dict[object, set[str]], set[str], str]:
        server = ChatServer(limits=Limits(max_connections_per_address=0))
        port = await server.start("127.0.0.1", 0)
        try:
            async with aiohttp.ClientSession() as session:
                stay = await _connect(session, port)
                await join(stay, "a")
                hearer = await _connect(session, port)
                await join(hearer, "a")
                going = [await _connect(session, port) for _ in range(6)]
                for i, ws in enumerate(going):
                    await join(ws, "a")
                    await join(ws, "b" if i % 2 else "c")
                await until(lambda: server.client_count == 8, what="all clients")
                for ws in going:
                    await ws.close()
                await until(lambda: server.client_count == 2, what="six gone")
                rooms = {
                    room: set(members) for room, members in server.sio.manager.rooms["/"].items()
                }
                staying = set(server._peers)
                await stay.send_str('42["send-message","still here","a"]')
                heard = ""
                while "still here" not in heard:
                    heard = await hearer.receive_str(timeout=10)
                await stay.close()
                await hearer.close()
        finally:
            await server.stop()
        return rooms, staying, heard

    rooms, staying, heard = run_checked(scenario())
    one, two = staying
    # Only the two left: in everyone's room, their own, and "a"; "b" and "c",
    # which only the six were in, are gone.
    assert rooms == {None: {one, two}, one: {one}, two: {two}, "a": {one, two}}, rooms
    assert "still here" in heard


def test_a_disconnect_costs_the_same_however_many_clients_are_connected() -> None:
    """20,000 clients (in the manager's books) all going: python-socketio's own
    basic_disconnect copied every room of the namespace for each one (every
    client has a room of its own), O(N²): minutes here. Ours leaves the rooms
    the client is in."""
    manager = DirectManager()
    count = 20_000
    for i in range(count):
        sid = f"s{i}"
        manager.basic_enter_room(sid, "/", None, eio_sid=f"e{i}")
        manager.basic_enter_room(sid, "/", sid, eio_sid=f"e{i}")
        if i % 10 == 0:
            manager.basic_enter_room(sid, "/", f"room{i % 7}")
    started = time.monotonic()
    for i in range(count):
        manager.basic_disconnect(f"s{i}", "/")
    took = time.monotonic() - started
    assert manager.rooms.get("/", {}) == {}
    assert manager._joined == {}
    # O(N): about 0.1 s even on a busy machine; O(N²) took minutes.
    assert took < 10, took


def test_an_idle_connections_queue_holds_no_deque_and_keeps_its_order() -> None:
    """LeanQueue: an empty queue with its writer parked in `get` costs a list
    of one, not three deques of about 760 bytes; items still come out in the
    order they went in, across the queue emptying and filling again."""

    async def scenario() -> tuple[int, list[int]]:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        queues = [LeanQueue() for _ in range(200)]
        parked = [asyncio.ensure_future(q.get()) for q in queues]
        await asyncio.sleep(0)  # every getter parked on its empty queue
        held = (tracemalloc.get_traced_memory()[0] - before) // len(queues)
        tracemalloc.stop()
        for i, q in enumerate(queues):
            q.put_nowait(i)
        got = [await p for p in parked]
        q = queues[0]
        out = []
        for burst in ([1, 2, 3], [4], [5, 6]):
            for item in burst:
                q.put_nowait(item)
            while not q.empty():
                out.append(await q.get())
        return held, got + out

    held, order = run_checked(scenario())
    assert order == [*range(200), 1, 2, 3, 4, 5, 6]
    # The queue, its parked getter's task and future: about 1,300 bytes; with
    # a deque of getters and one of items it was about 2,700.
    assert held < 2000, held
