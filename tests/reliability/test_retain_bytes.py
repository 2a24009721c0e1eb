"""Retention by bytes (issue #22, item 5): one client wrote 1 MB messages at
82 MB/s, and retention counted only messages and days (every 10 minutes).
The store now keeps at most `--retain-bytes`, checked whenever a twentieth
of it was written."""

from __future__ import annotations

from pathlib import Path

import socketio

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.retention import Retention, default_retain_bytes
from tests.helpers import run_checked, until

MOST = 3_000_000


def test_a_flood_of_big_messages_is_held_to_the_bytes_retention(tmp_path: Path) -> None:
    async def scenario() -> None:
        server = ChatServer(
            db=tmp_path / "chat.db",
            retention=Retention(bytes=MOST),
            limits=Limits(rate=1000, burst=1000),
        )
        port = await server.start("127.0.0.1", 0)
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        try:
            await sio.connect(
                f"http://127.0.0.1:{port}", auth={"name": "big"}, transports=["websocket"]
            )
            for i in range(80):  # 16 MB of text
                ack = await sio.call("send-message", (f"{i:03} " + "x" * 200_000, ""), timeout=10)
                assert "offset" in ack
            await until(
                lambda: server.history.size()[0] <= MOST * 1.1,
                timeout=30,
                what="the database held to its bytes",
            )
            newest = server.history.page("", 0, "", 1000)
            assert newest and newest[-1].text.startswith("079")  # the newest are what stays
            assert len(newest) < 80
        finally:
            await sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_the_default_is_a_share_of_the_free_space_with_a_ceiling(tmp_path: Path) -> None:
    chosen = default_retain_bytes(tmp_path)
    assert 64 * 1024**2 <= chosen <= 10 * 1024**3
