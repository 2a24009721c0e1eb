"""Rooms a server makes up (issue #22, the smaller items): a server that
sent messages in 1,000 rooms had the app join all of them again at every
start, and one with a megabyte room name had it keep that name and send it
back each time. Only rooms the user joined are kept and rejoined; a room
name past any sensible length is not taken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import socketio
from aiohttp import web

from desktop_chat.client.channels import ChannelStore
from desktop_chat.client.chat_client import ChatClient, ConnectionState
from desktop_chat.client.local_db import open_client_db
from desktop_chat.protocol.messages import Kind, Message
from tests.helpers import run_checked, server_target, until

MADE_UP = 50
HUGE = "r" * 1_000_000


async def _hostile(joins: list[str]) -> tuple[web.AppRunner, int]:
    sio = socketio.AsyncServer(
        async_mode="aiohttp", logger=False, engineio_logger=False, max_http_buffer_size=5_000_000
    )
    app = web.Application()
    sio.attach(app)

    async def greet(sid: str) -> None:
        await sio.emit("server-info", {"offset": 0, "acks": True, "catchup": True}, to=sid)
        for i in range(MADE_UP):
            meta: dict[str, Any] = {
                "id": f"{i:032x}",
                "offset": i + 1,
                "room": f"made up {i}",
                "from": {"sid": "x", "name": "mallory"},
            }
            await sio.emit("receive-message", (f"in room {i}", meta), to=sid)
        meta = {"id": "f" * 32, "offset": 999, "room": HUGE, "from": {"sid": "x", "name": "m"}}
        await sio.emit("receive-message", ("in a huge room", meta), to=sid)
        await sio.emit(
            "receive-message",
            ("done", {"id": "e" * 32, "offset": 1000, "from": {"sid": "x", "name": "m"}}),
            to=sid,
        )

    @sio.on("connect")  # type: ignore[misc]
    async def connect(sid: str, environ: object, auth: object = None) -> None:
        sio.start_background_task(greet, sid)

    @sio.on("join-room")  # type: ignore[misc]
    async def join(sid: str, room: object, *args: object) -> str:
        joins.append(str(room))
        return f"Joined {room}"

    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, int(runner.addresses[0][1])


def test_made_up_rooms_are_neither_kept_nor_joined_again(tmp_path: Path) -> None:
    async def scenario() -> None:
        joins: list[str] = []
        runner, port = await _hostile(joins)
        path = tmp_path / "client.db"
        try:
            for start in range(2):  # the second start is where rejoining would show
                db = open_client_db(path)
                client = ChatClient("me", channels=ChannelStore(db))
                got: list[Message] = []
                client.on_message = lambda m, got=got: (
                    got.append(m) if m.kind is Kind.OTHER else None
                )
                try:
                    client.connect_to(server_target(f"http://127.0.0.1:{port}"))
                    await until(lambda c=client: c.status.state is ConnectionState.CONNECTED)
                    if start == 0:
                        client.join("mine")
                    await until(lambda got=got: any(m.text == "done" for m in got))
                    assert not any(m.text == "in a huge room" for m in got)
                finally:
                    await client.close()
                    db.close()
            target = server_target(f"http://127.0.0.1:{port}")
            kept = ChannelStore(open_client_db(path)).load(target.key)
            assert kept.rooms == ["mine"], kept.rooms[:5]
            assert [room for room in joins if room != "mine"] == []
            assert HUGE.encode() not in path.read_bytes()
        finally:
            await runner.cleanup()

    run_checked(scenario())
