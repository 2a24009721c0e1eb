"""Rates that follow the client, not its connection (issue #22, item 10 and
the send rate across reconnects)."""

from __future__ import annotations

from typing import Any

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
