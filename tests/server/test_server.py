"""desktop-chat-server with plain python-socketio clients, as any peer would talk to it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port, run_checked, until


class Peer:
    def __init__(self, name: str) -> None:
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.name = name
        self.received: list[tuple[Any, ...]] = []
        self.sio.on("receive-message", lambda *args: self.received.append(args))

    def texts(self) -> list[Any]:
        return [args[0] for args in self.received]

    async def leave(self) -> None:
        """A polite close over long-polling waits for the poll the server holds
        (30 s); that is a known python-engineio trait, not what is tested here."""
        if self.sio.transport() == "polling":
            await self.sio.eio.disconnect(abort=True)
        else:
            await self.sio.disconnect()


@asynccontextmanager
async def chat(*names: str) -> AsyncIterator[tuple[ChatServer, list[Peer]]]:
    server = ChatServer()
    port = await server.start("127.0.0.1", 0)
    peers = [Peer(n) for n in names]
    try:
        for p in peers:
            await p.sio.connect(
                f"http://127.0.0.1:{port}", auth={"name": p.name}, transports=["websocket"]
            )
        yield server, peers
    finally:
        for p in peers:
            await p.sio.disconnect()
        await server.stop()


def test_broadcast_reaches_everyone_but_the_sender() -> None:
    async def scenario() -> None:
        async with chat("a", "b", "c") as (_, (a, b, c)):
            ack = await a.sio.call("send-message", ("hi all", ""), timeout=5)
            assert set(ack) == {"id", "ts", "offset"}
            await until(lambda: b.texts() == ["hi all"] and c.texts() == ["hi all"])
            meta = b.received[0][1]
            assert meta["from"]["name"] == "a" and meta["room"] == "" and meta["id"] == ack["id"]
            assert a.texts() == []

    run_checked(scenario())


def test_rooms_are_isolated_and_join_is_acked() -> None:
    async def scenario() -> None:
        async with chat("a", "b", "outsider") as (_, (a, b, outsider)):
            assert await a.sio.call("join-room", "r1", timeout=5) == "Joined r1"
            assert await b.sio.call("join-room", "r1", timeout=5) == "Joined r1"
            await a.sio.call("send-message", ("room only", "r1"), timeout=5)
            await a.sio.call("send-message", ("for all", ""), timeout=5)
            await until(lambda: outsider.texts() == ["for all"])
            await until(lambda: b.texts() == ["room only", "for all"])
            assert b.received[0][1]["room"] == "r1"
            assert "room only" not in outsider.texts()
            assert a.texts() == []

    run_checked(scenario())


def test_a_resend_with_the_same_id_is_relayed_once() -> None:
    async def scenario() -> None:
        async with chat("a", "b") as (_, (a, b)):
            first = await a.sio.call("send-message", ("once", "", {"id": "m-1"}), timeout=5)
            again = await a.sio.call("send-message", ("once", "", {"id": "m-1"}), timeout=5)
            await a.sio.call("send-message", ("marker", ""), timeout=5)
            await until(lambda: "marker" in b.texts())
            assert b.texts() == ["once", "marker"]
            assert first == again

    run_checked(scenario())


def test_wrong_types_get_an_error_ack_and_the_server_keeps_serving() -> None:
    async def scenario() -> None:
        async with chat("a", "b") as (_, (a, b)):
            bad_calls: list[tuple[str, Any]] = [
                ("send-message", (123, "")),
                ("send-message", ("text", ["not", "a", "room"])),
                ("send-message", None),
                ("join-room", {"room": "x"}),
                ("join-room", ""),
                ("join-room", "x" * 1000),
            ]
            for event, data in bad_calls:
                reply = await a.sio.call(event, data, timeout=5)
                assert isinstance(reply, dict) and reply["error"], (event, data, reply)
            await a.sio.call("send-message", ("still fine", ""), timeout=5)
            await until(lambda: b.texts() == ["still fine"])

    run_checked(scenario())


def test_command_line_server_binds_loopback_and_says_so() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop_chat.server", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"listening on http://127.0.0.1:{port}/socket.io (loopback only)" in line

        async def talk() -> list[Any]:
            peer = Peer("cli")
            other = Peer("other")
            await peer.sio.connect(f"http://127.0.0.1:{port}")
            await other.sio.connect(f"http://127.0.0.1:{port}")
            await peer.sio.emit("send-message", ("via cli server", ""))
            await until(lambda: other.texts() == ["via cli server"])
            await peer.sio.disconnect()
            await other.sio.disconnect()
            return other.texts()

        assert run_checked(talk()) == ["via cli server"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "client connected 127.0.0.1" in err
    assert "Traceback" not in err
