"""kill -9 in the middle of a flood (issue #22, item 12): offsets were saved
every 2 s and the history every 0.5 s, in two files, so after a restart the
catch-up started before what the history already had, and those lines were
shown and stored a second time (519 and 232 in two runs). The history now
keeps, in the same transaction as the lines, the newest offset of each
conversation it stored, and a restart catches up from there."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import socketio

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port, run_checked, until
from tests.reliability.test_accounts_process import Started, apps, connected  # noqa: F401

FLOOD = 4000


def kept_texts(home: Path) -> list[str]:
    """The others' lines in the app's history file, as another program reads it."""
    path = home / "data" / "desktop-chat" / "history.db"
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [
            str(row[0])
            for row in db.execute("SELECT text FROM messages WHERE kind = 'other' ORDER BY seq")
        ]
    except sqlite3.Error:
        return []
    finally:
        db.close()


def test_a_kill_mid_flood_neither_shows_nor_keeps_a_line_twice(
    tmp_path: Path,
    apps: Started,  # noqa: F811
) -> None:
    async def scenario() -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = ChatServer(limits=Limits(rate=100_000, burst=100_000))
        await server.start("127.0.0.1", port)
        writer = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        try:
            reader = apps.start(tmp_path, url)
            await until(lambda: connected(reader), timeout=30)
            await writer.connect(
                url, auth={"name": "flood", "client": "flood-key"}, transports=["websocket"]
            )

            async def flood() -> None:
                for i in range(FLOOD):
                    await writer.emit("send-message", (f"line {i:05}", ""))
                    if i % 100 == 0:
                        await asyncio.sleep(0)
                await writer.call("send-message", ("the end", ""), timeout=30)

            flooding = asyncio.ensure_future(flood())
            await until(
                lambda: len(kept_texts(tmp_path)) >= 1000, timeout=60, what="a thousand lines kept"
            )
            reader.child.signal(signal.SIGKILL)  # mid-flood, no goodbye
            await reader.finish()
            kept_at_kill = set(kept_texts(tmp_path))
            await flooding

            reader = apps.start(tmp_path, url)
            await until(
                lambda: "the end" in kept_texts(tmp_path),
                timeout=90,
                what="the whole flood kept after the restart",
            )
            texts = kept_texts(tmp_path)
            twice = len(texts) - len(set(texts))
            assert twice == 0, f"{twice} lines kept twice"
            assert set(texts) == {f"line {i:05}" for i in range(FLOOD)} | {"the end"}
            shown_again = [
                e["text"]
                for e in reader.child.events_where(event="message")
                if e["kind"] == "other" and not e["restored"] and e["text"] in kept_at_kill
            ]
            assert shown_again == [], f"{len(shown_again)} lines shown a second time"
            reader.command(cmd="close")
            assert await reader.finish() == 0
        finally:
            await writer.disconnect()
            await server.stop()

    run_checked(scenario())
