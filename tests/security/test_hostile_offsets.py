"""A server that numbers its messages past what anyone can hold (issue #22,
item 13): offsets of 2^63 and more used to make saving them raise
OverflowError at every join, every 2 s and at close, so the app exited
before its history was closed. Offsets are integers from 0 to 2^53 - 1
on both sides; anything else is ignored."""

from __future__ import annotations

from typing import Any

import pytest
import socketio
from aiohttp import web

from desktop_chat.client.channels import ChannelStore
from desktop_chat.client.chat_client import ChatClient
from desktop_chat.client.local_db import open_client_db
from desktop_chat.protocol.limits import MAX_OFFSET
from desktop_chat.protocol.messages import Kind, Message
from tests.helpers import run_checked, server_target, until


async def _hostile(offset: int) -> tuple[web.AppRunner, int]:
    sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
    app = web.Application()
    sio.attach(app)

    async def greet(sid: str) -> None:
        await sio.emit("server-info", {"offset": offset, "extensions": {}}, to=sid)
        for i in range(3):
            meta: dict[str, Any] = {
                "id": f"{i:032x}",
                "ts": 1.0,
                "offset": offset + i,
                "from": {"sid": "x", "name": "mallory"},
            }
            await sio.emit("receive-message", (f"big {i}", meta), to=sid)

    @sio.on("connect")  # type: ignore[misc]
    async def connect(sid: str, environ: object, auth: object = None) -> None:
        sio.start_background_task(greet, sid)

    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(runner.addresses[0][1])


@pytest.mark.parametrize("offset", [2**63, 2**64 + 5, MAX_OFFSET + 1])
def test_offsets_too_big_to_hold_are_ignored_and_the_client_closes_cleanly(offset: int) -> None:
    async def scenario() -> None:
        runner, port = await _hostile(offset)
        db = open_client_db()
        store = ChannelStore(db)
        client = ChatClient("me", channels=store)
        got: list[Message] = []
        client.on_message = lambda m: got.append(m) if m.kind is Kind.OTHER else None
        try:
            client.connect_to(server_target(f"http://127.0.0.1:{port}"))
            await until(lambda: len(got) == 3, what="the three messages shown")
            assert [m.text for m in got] == ["big 0", "big 1", "big 2"]
        finally:
            await client.close()  # saves the offsets: raised OverflowError before
            await runner.cleanup()
        saved = db.execute("SELECT offset FROM channels WHERE offset IS NOT NULL").fetchall()
        saved += db.execute("SELECT offset FROM baselines").fetchall()
        assert all(0 <= row[0] <= MAX_OFFSET for row in saved), saved
        db.close()

    run_checked(scenario())
