"""The server's record of every message it accepted, in offset order.

Offsets are SQLite rowids of an AUTOINCREMENT table: they only grow, also
across restarts, so a client that says "I have seen up to N" can be given
exactly what came after. The client id of a message is UNIQUE, which makes
a resend (same `opts.id`) a no-op even after the server was killed between
storing a message and acknowledging it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.storage.sqlite import open_database

SCHEMA = """
CREATE TABLE messages (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    room TEXT NOT NULL,
    sender_client TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    text TEXT NOT NULL,
    ts REAL NOT NULL
);
CREATE INDEX messages_room ON messages (room, offset);
"""

REPLAY_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Stored:
    offset: int
    id: str
    room: str
    sender_client: str
    sender_name: str
    text: str
    ts: float


class History:
    def __init__(self, path: Path | str) -> None:
        self._db = open_database(path, SCHEMA, version=1)

    def close(self) -> None:
        self._db.close()

    def find(self, message_id: str) -> Stored | None:
        row = self._db.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
        return _stored(row) if row else None

    def add(
        self, message_id: str, room: str, sender_client: str, sender_name: str, text: str, ts: float
    ) -> Stored:
        # Text may hold lone surrogates (JSON allows them); store them losslessly.
        cursor = self._db.execute(
            "INSERT INTO messages (id, room, sender_client, sender_name, text, ts)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (message_id, room, sender_client, sender_name, _storable(text), ts),
        )
        assert cursor.lastrowid is not None
        return Stored(cursor.lastrowid, message_id, room, sender_client, sender_name, text, ts)

    def last_offset(self) -> int:
        return int(self._db.execute("SELECT coalesce(max(offset), 0) FROM messages").fetchone()[0])

    def since(self, room: str, offset: int, exclude_client: str) -> list[Stored]:
        """What was said in `room` after `offset` by anyone but `exclude_client`."""
        rows = self._db.execute(
            "SELECT * FROM messages WHERE room = ? AND offset > ? AND sender_client != ?"
            " ORDER BY offset LIMIT ?",
            (room, offset, exclude_client, REPLAY_LIMIT),
        ).fetchall()
        return [_stored(row) for row in rows]


def _stored(row: tuple[object, ...]) -> Stored:
    offset, message_id, room, client, name, text, ts = row
    assert isinstance(offset, int) and isinstance(ts, float)
    assert isinstance(text, str | bytes)
    return Stored(offset, str(message_id), str(room), str(client), str(name), _loaded(text), ts)


def _storable(text: str) -> str | bytes:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
    return text


def _loaded(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


def open_history(path: Path | str) -> History:
    try:
        return History(path)
    except sqlite3.DatabaseError as exc:
        raise RuntimeError(f"cannot open the message database {path}: {exc}") from exc
