"""The lean socket.io client (client/lean_client.py): events handed over in the
read loop without a task each, in the order they came, against a real
python-socketio server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.client.lean_client import LeanClient
from desktop_chat.protocol import engineio_reach
from desktop_chat.protocol.messages import Kind
from desktop_chat.protocol.reaches import LibraryMovedError
from tests.client.cutting_proxy import CuttingProxy
from tests.client.test_client import make_client
from tests.helpers import SocketIOTestServer, run_checked, server_target, until


class BurstServer(SocketIOTestServer):
    """Sends what a client asks for (`burst`): events in a row, in one go."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.sio.on("burst", self._burst)

    async def _burst(self, sid: str, events: list[list[Any]], at_once: bool = False) -> None:
        if at_once:
            # Queued without a turn of the loop: one long-polling answer holds them all.
            socket = self.sio.eio._get_socket(self.sio.manager.eio_sid_from_sid(sid, "/"))
            for event, *args in events:
                encoded = sio_packet.Packet(sio_packet.EVENT, data=[event, *args]).encode()
                for part in encoded if isinstance(encoded, list) else [encoded]:
                    socket.queue.put_nowait(eio_packet.Packet(eio_packet.MESSAGE, part))
            return
        for event, *args in events:
            if event == "receive-message":  # as our server: an id, an offset, a sender
                args = [args[0], {"id": f"b-{args[0]}", "from": {"sid": "x", "name": "x"}}]
            elif event == "big":  # which python-engineio would not take from a client
                args = [10**150]
            await self.sio.emit(event, tuple(args), to=sid)


@asynccontextmanager
async def burst_server(**options: Any) -> AsyncIterator[BurstServer]:
    server = BurstServer(**options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _count_tasks(loop: asyncio.AbstractEventLoop) -> list[str]:
    """The tasks made on `loop` from now on, by their coroutine's name."""
    made: list[str] = []

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        made.append(getattr(coro, "__qualname__", ""))
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)  # type: ignore[arg-type]
    return made


def test_a_burst_of_messages_is_shown_in_order_without_a_task_per_message() -> None:
    """300 lines in a row reach the window's client in order, and the client
    made no task to read or hand on any of them (python-engineio made two a
    message)."""

    async def scenario() -> None:
        alice, a = make_client("alice")
        async with burst_server() as server:
            try:
                alice.connect_to(server_target(server.url))
                await until(lambda: alice.status.state is ConnectionState.CONNECTED)
                sio = alice._connection.sio
                assert isinstance(sio, LeanClient)
                made = _count_tasks(asyncio.get_running_loop())
                texts = [f"line {i}" for i in range(300)]
                await sio.emit("burst", [["receive-message", t] for t in texts])
                await until(lambda: len(a.texts(Kind.OTHER)) >= 300, what="the burst")
                assert a.texts(Kind.OTHER) == texts
                # python-engineio made two a message: its wait_for's for the
                # websocket's receive, and one to run the handler in.
                per_message = (
                    "ClientWebSocketResponse.receive",
                    "_handle_eio_message",
                    "async_handler",
                )
                assert [m for m in made if m.endswith(per_message)] == []
            finally:
                await alice.close()

    run_checked(scenario())


async def _lean_client(
    url: str, heard: list[object], transport: str = "websocket", **options: Any
) -> LeanClient:
    sio = LeanClient(reconnection=False, handle_sigint=False, **options)
    sio.on("receive-message", lambda text, *_: heard.append(text))
    await sio.connect(url, transports=[transport])
    sio.go_lean()  # as Connection does once the app has taken the connection
    return sio


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_an_event_after_a_binary_one_is_not_handled_before_it(transport: str) -> None:
    """A binary event takes the library's path (a task, its attachment in a
    second packet); the plain events sent after it wait for it, also when
    they come in one long-polling answer with it (read without a turn of
    the loop between them)."""

    async def scenario() -> None:
        heard: list[object] = []
        sio: LeanClient | None = None
        try:
            async with burst_server() as server:
                sio = await _lean_client(server.url, heard, transport)
                sio.on("file", lambda data: heard.append(bytes(data)))
                events = [["file", b"\x00\x01"]]
                events += [["receive-message", f"after {i}"] for i in range(50)]
                await sio.emit("burst", (events, True))
                await until(lambda: len(heard) >= 51, what="the burst")
                assert heard == [b"\x00\x01"] + [f"after {i}" for i in range(50)]
        finally:
            if sio is not None:  # after the server: its held poll is answered
                await sio.disconnect()

    run_checked(scenario())


def test_a_handler_that_fails_leaves_the_connection_reading() -> None:
    """A handler's error is its own: the events after it still arrive."""

    async def scenario() -> None:
        heard: list[object] = []
        async with burst_server() as server:
            sio = await _lean_client(server.url, heard)

            def fails(text: str) -> None:
                raise RuntimeError("a handler's bug")

            sio.on("bad", fails)
            try:
                await sio.emit("burst", [["bad", "x"], ["receive-message", "after"]])
                await until(lambda: heard == ["after"], what="the line after the failure")
                assert sio.connected
            finally:
                await sio.disconnect()

    run_checked(scenario())


def test_an_integer_of_a_hundred_digits_is_refused_and_reading_goes_on() -> None:
    """python-engineio's guard on the length of an integer holds (the event
    is dropped, as the library drops it), and the connection goes on."""

    async def scenario() -> None:
        heard: list[object] = []
        async with burst_server() as server:
            sio = await _lean_client(server.url, heard)
            sio.on("big", lambda n: heard.append(n))
            try:
                await sio.emit("burst", [["big"], ["receive-message", "after"]])
                await until(lambda: "after" in heard, what="the line after the big integer")
                assert heard == ["after"]
            finally:
                await sio.disconnect()

    # The library's path logs the refused packet as an error of its task;
    # that is the point here, not a failure of the test.
    errors: list[dict[str, Any]] = []
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()
    assert all("Integer is too large" in repr(e.get("exception")) for e in errors)


def test_a_moved_internal_of_the_client_is_named_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lean client leans on python-socketio's event lookup and
    python-engineio's read loop: checked at start."""
    from socketio import base_client

    monkeypatch.delattr(base_client.BaseClient, "_get_event_handler")
    with pytest.raises(LibraryMovedError, match=r"python-socketio .*_get_event_handler"):
        engineio_reach.check()
    monkeypatch.undo()
    import engineio

    monkeypatch.delattr(engineio.AsyncClient, "_read_loop_websocket")
    with pytest.raises(LibraryMovedError, match=r"python-engineio .*_read_loop_websocket"):
        engineio_reach.check()


def test_a_server_gone_quiet_is_given_up_on_after_its_ping_interval_and_timeout() -> None:
    """The link stays up but nothing comes any more: the client ends the
    connection once the server has said nothing for ping interval + ping
    timeout (2 s here), not before, and not never."""

    async def scenario() -> None:
        heard: list[object] = []
        loop = asyncio.get_running_loop()
        async with burst_server(ping_interval=1, ping_timeout=1) as server:
            proxy = CuttingProxy(server.runner.addresses[0][1])
            http = aiohttp.ClientSession()  # closed here: a timed-out link is left open
            sio = await _lean_client(await proxy.start(), heard, http_session=http)
            ended: list[float] = []
            sio.on("disconnect", lambda *_: ended.append(loop.time()))
            try:
                await sio.emit("burst", [["receive-message", "before"]])
                await until(lambda: heard == ["before"], what="a line through the proxy")
                # Pings for a while first: the limit counts from the last packet, not the first.
                start = loop.time()
                await until(lambda: proxy.last_down - start > 1.5, timeout=5, what="pings")
                proxy.silent_down = True
                await until(lambda: bool(ended), timeout=6, what="the client to give up")
                assert 1.9 <= ended[0] - proxy.last_down <= 3.5
            finally:
                ws = sio.eio.ws  # left open at a timeout, by the library too
                await sio.disconnect()
                if ws is not None:
                    await ws.close()
                await http.close()
                await proxy.stop()

    run_checked(scenario())


def test_the_loop_turns_while_a_burst_already_read_is_handed_over() -> None:
    """Packets read off the socket in one go are taken without a turn of the
    loop each; the loop still turns every few milliseconds (painting and
    input in the window), not only when the burst is over."""

    async def scenario() -> None:
        heard: list[object] = []
        loop = asyncio.get_running_loop()
        count = 5000
        async with burst_server() as server:
            sio = await _lean_client(server.url, heard)
            between: list[int] = []  # lines handed over between two turns of the loop

            def turn(seen: int = 0) -> None:
                between.append(len(heard) - seen)
                if len(heard) < count:
                    loop.call_soon(turn, len(heard))

            try:
                events = [["receive-message", f"line {i}"] for i in range(count)]
                await sio.emit("burst", (events, True))
                await until(lambda: len(heard) > 0, what="the burst to start")
                turn(len(heard))
                await until(lambda: len(heard) >= count, what="the burst")
                assert max(between) < count // 4
            finally:
                await sio.disconnect()

    run_checked(scenario())
