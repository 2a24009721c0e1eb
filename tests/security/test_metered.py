"""Rates that follow the client, not its connection (issue #22, item 10 and
the send rate across reconnects)."""

from __future__ import annotations

from typing import Any

import aiohttp
import socketio

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, until

KEY = "k" * 32


async def _connect(port: int, name: str, presence: bool = True) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    await sio.connect(
        f"http://127.0.0.1:{port}",
        auth={"name": name, "client": KEY if name == "spammer" else name, "presence": presence},
        transports=["websocket"],
    )
    return sio


def test_renames_are_metered_and_reach_only_who_asked() -> None:
    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        watcher, page = await _connect(port, "watcher"), await _connect(port, "page", False)
        seen: list[Any] = []
        page_seen: list[Any] = []
        watcher.on("renamed", seen.append)
        page.on("renamed", page_seen.append)
        spammer = await _connect(port, "spammer")
        try:
            answers = [await spammer.call("rename", f"name {i}", timeout=5) for i in range(40)]
            taken = [a for a in answers if isinstance(a, str)]
            assert len(taken) == Limits().rename_burst
            assert answers[-1]["code"] == "rate" and "try again" in answers[-1]["error"]
            await until(lambda: len(seen) == len(taken), timeout=5)
            # A reconnect with the same key does not start the meter afresh.
            await spammer.disconnect()
            spammer = await _connect(port, "spammer")
            again = await spammer.call("rename", "fresh start?", timeout=5)
            assert isinstance(again, dict) and again["code"] == "rate"
            # The tutorial's page never asked for presence: no renames for it.
            await watcher.call("send-message", ("after", ""), timeout=5)
            got: list[Any] = []
            page.on("receive-message", lambda *a: got.append(a))
            await watcher.call("send-message", ("sync", ""), timeout=5)
            await until(lambda: bool(got), timeout=5)
            assert page_seen == []
            assert len(seen) == len(taken)
        finally:
            for sio in (watcher, page, spammer):
                await sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_the_send_rate_is_not_reset_by_reconnecting() -> None:
    async def scenario() -> None:
        server = ChatServer(limits=Limits(rate=1, burst=10, max_violations=1000))
        port = await server.start("127.0.0.1", 0)
        try:
            accepted = 0
            for _ in range(3):
                sio = await _connect(port, "spammer")
                for i in range(15):
                    reply = await sio.call("send-message", (f"m{i}", ""), timeout=5)
                    accepted += isinstance(reply, dict) and "offset" in reply
                await sio.disconnect()
            # One burst in all (and the odd token refilled meanwhile), not one per connection.
            assert accepted < 15, accepted
        finally:
            await server.stop()

    run_checked(scenario())


def test_presence_requests_are_metered_per_client_and_per_address() -> None:
    """`participants` reads a room's whole list: a client asking it in a loop
    gets `rate` past its burst, and a new key per connection stops at the
    address's meter; meanwhile another address is answered."""

    async def scenario() -> None:
        limits = Limits(
            requests_rate=0.01, requests_burst=30, address_requests_rate=0.01,
            address_requests_burst=100, max_violations=10_000,
        )  # fmt: skip
        server = ChatServer(limits=limits)
        port = await server.start("127.0.0.1", 0)
        spammer = await _connect(port, "spammer")
        others: list[socketio.AsyncClient] = []
        session: aiohttp.ClientSession | None = None
        try:
            answers = [await spammer.call("participants", "", timeout=5) for _ in range(60)]
            listed = [a for a in answers if "members" in a]
            assert len(listed) == limits.requests_burst
            assert answers[-1] == {"error": "participants: slow down", "code": "rate"}
            # Keys made up per connection: the address's meter holds (30 + 70 = 100).
            for i in range(4):
                other = await _connect(port, f"made-up-{i}")
                others.append(other)
                for _ in range(30):
                    listed.append(await other.call("participants", "", timeout=5))
            answered = [a for a in listed if "members" in a]
            assert len(answered) == limits.address_requests_burst, len(answered)
            # Another address (from 127.0.0.2) is its own.
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
            )
            elsewhere = socketio.AsyncClient(
                reconnection=False, handle_sigint=False, http_session=session
            )
            others.append(elsewhere)
            await elsewhere.connect(
                f"http://127.0.0.1:{port}", auth={"name": "neighbour"}, transports=["websocket"]
            )
            answer = await elsewhere.call("participants", "", timeout=5)
            assert "spammer" in [m["name"] for m in answer["members"]], answer
        finally:
            for sio in (spammer, *others):
                await sio.disconnect()
            await server.stop()
            if session is not None:
                await session.close()

    run_checked(scenario())
