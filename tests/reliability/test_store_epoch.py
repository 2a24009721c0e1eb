"""A server that started over (issue #22, item 4): after its damaged
database was set aside, a client's saved offset 50 was above everything the
fresh store had, and it was shown 0 of 10 missed messages, 0 of 5 after the
next absence, without a word. The store's identity (`epoch`) tells the
client its offsets belong to another store; it catches up from the new
store's beginning and says so."""

from __future__ import annotations

from pathlib import Path

from desktop_chat.client.channels import ChannelStore
from desktop_chat.client.chat_client import ChatClient, ConnectionState
from desktop_chat.client.local_db import open_client_db
from desktop_chat.client.notices import Notice, StoreStartedOver
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port, run_checked, server_target, until
from tests.server.test_damaged_db import garbage
from tests.server.test_server import Peer


async def _away_then_back(
    url: str, client_db: Path, expect: int, port: int = 0, write: list[str] | None = None
) -> tuple[list[str], list[Notice]]:
    """A window that starts, catches up (`expect` lines from others), sees
    `write` written live if given, and closes."""
    db = open_client_db(client_db)
    client = ChatClient("reader", channels=ChannelStore(db), client_id="reader-key")
    got: list[str] = []
    notices: list[Notice] = []
    client.on_message = lambda m: got.append(m.text) if m.kind is Kind.OTHER else None
    client.on_notice = notices.append
    try:
        client.connect_to(server_target(url))
        await until(lambda: client.status.state is ConnectionState.CONNECTED)
        if write:
            await until(lambda: client.info.ready.is_set())
            await _write(port, write)
        await until(lambda: len(got) >= expect, timeout=20, what=f"{expect} lines caught up")
    finally:
        await client.close()
        db.close()
    return got, notices


async def _write(port: int, texts: list[str]) -> None:
    writer = Peer("writer")
    await writer.sio.connect(
        f"http://127.0.0.1:{port}", auth={"name": "writer"}, transports=["websocket"]
    )
    for text in texts:
        await writer.sio.call("send-message", (text, ""), timeout=5)
    await writer.leave()


def test_a_client_catches_up_with_a_server_that_started_over(tmp_path: Path) -> None:
    async def scenario() -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server_db, client_db = tmp_path / "server.db", tmp_path / "client.db"
        server = ChatServer(db=server_db)
        await server.start("127.0.0.1", port)
        try:
            # The window was there for the first 50: its offset is 50.
            got, _ = await _away_then_back(
                url, client_db, 50, port, [f"old {i}" for i in range(50)]
            )
            assert got[-1] == "old 49"
        finally:
            await server.stop()
        garbage(server_db)  # the next start sets it aside and begins a new store
        server = ChatServer(db=server_db)
        await server.start("127.0.0.1", port)
        try:
            assert server.history.moved_aside is not None
            # More than the old offset: an offset check alone would skip 50 of them.
            missed = [f"new {i}" for i in range(60)]
            await _write(port, missed)
            got, notices = await _away_then_back(url, client_db, 60)
            assert got == missed
            assert any(isinstance(n, StoreStartedOver) for n in notices)
            # And the next absence is caught up as usual, without the notice.
            await _write(port, [f"later {i}" for i in range(5)])
            got, notices = await _away_then_back(url, client_db, 5)
            assert got == [f"later {i}" for i in range(5)]
            assert not any(isinstance(n, StoreStartedOver) for n in notices)
        finally:
            await server.stop()

    run_checked(scenario())
