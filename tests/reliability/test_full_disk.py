"""A full disk (issue #22, item 5): every `send-message` used to raise an
unhandled sqlite3.OperationalError, so the sender got no ack at all, timed
out, reconnected and resent forever. The database's own "full" condition is
made with SQLite's `max_page_count` (the same SQLITE_FULL a full disk gives)."""

from __future__ import annotations

from pathlib import Path

from desktop_chat.client.chat_client import ChatClient, ConnectionState
from desktop_chat.protocol.messages import DeliveryState, DeliveryUpdate, Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, server_target, until


def test_a_full_database_is_said_and_the_message_kept(tmp_path: Path) -> None:
    async def scenario() -> None:
        server = ChatServer(db=tmp_path / "chat.sqlite3")
        port = await server.start("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}"
        tx, rx = ChatClient("tx"), ChatClient("rx")
        updates: list[DeliveryUpdate] = []
        tx.on_delivery = updates.append
        got: list[str] = []
        rx.on_message = lambda m: got.append(m.text) if m.kind is Kind.OTHER else None
        try:
            for client in (tx, rx):
                client.connect_to(server_target(url))
            await until(lambda: all(c.status.state is ConnectionState.CONNECTED for c in (tx, rx)))
            db = server.history._db
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages + 2}")
            sent = [tx.send(f"{i} " + "x" * 3000, "") for i in range(12)]
            failed = lambda: [u for u in updates if u.state is DeliveryState.FAILED]  # noqa: E731
            await until(lambda: bool(failed()), what="a message marked failed")
            assert "unavailable" in failed()[0].error
            first_failed = next(i for i, m in enumerate(sent) if m.id == failed()[0].id)
            # What was stored before the disk filled arrived; the rest is kept, not lost.
            await until(lambda: len(got) >= first_failed)
            assert tx.status.state is ConnectionState.CONNECTED  # no reconnect loop
            kept = tx.outbox.kept(tx.target.key if tx.target else "")
            assert any(m.id == failed()[0].id and m.state is DeliveryState.FAILED for m in kept)
            # Room again: a retry goes through.
            db.execute("PRAGMA max_page_count = 1073741823")
            tx.retry(failed()[0].id)
            text = sent[first_failed].text
            await until(lambda: text in got, what="the retried message to arrive")
        finally:
            for client in (tx, rx):
                await client.close()
            await server.stop()

    run_checked(scenario())
