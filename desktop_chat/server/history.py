"""The server's record of every message it accepted, in offset order.

Offsets are SQLite rowids of an AUTOINCREMENT table: they only grow, also
across restarts, so a client that says "I have seen up to N" can be given
exactly what came after.

Two ids per message, for two different readers. `client_id` is the sender's
`opts.id`, unique per sender (`sender_client`, its `auth.client` key): a
resend of it is a no-op even after the server was killed between storing
and acknowledging, and nobody else's message can take its place, since
another sender's ids are another namespace. `id` is the server's own,
random, and the only one other clients see (`meta.id`): it cannot be guessed
in advance, so it cannot be used to make a receiver drop a message as one
it already has.

Retention (`trim`) deletes the oldest messages; for each room the newest
offset deleted is kept, so that a replay from before it can say that part of
what was asked for is gone instead of leaving a silent gap.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.protocol.messages import new_id
from desktop_chat.storage.sqlite import open_or_move_aside

VERSION = 2
SCHEMA = """
CREATE TABLE messages (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    room TEXT NOT NULL,
    sender_client TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    text TEXT NOT NULL,
    ts REAL NOT NULL,
    UNIQUE (sender_client, client_id)
);
CREATE INDEX messages_room ON messages (room, offset);
CREATE TABLE trimmed (
    room TEXT PRIMARY KEY,
    through INTEGER NOT NULL
);
"""

# Version 1 had one global UNIQUE id, the sender's. Its ids are kept as both
# (clients that saw them keep recognising them); new messages get random ones.
MIGRATIONS = {
    1: """
CREATE TABLE messages_v2 (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    room TEXT NOT NULL,
    sender_client TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    text TEXT NOT NULL,
    ts REAL NOT NULL,
    UNIQUE (sender_client, client_id)
);
INSERT INTO messages_v2 (offset, id, client_id, room, sender_client, sender_name, text, ts)
    SELECT offset, id, id, room, sender_client, sender_name, text, ts FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v2 RENAME TO messages;
CREATE INDEX messages_room ON messages (room, offset);
CREATE TABLE trimmed (
    room TEXT PRIMARY KEY,
    through INTEGER NOT NULL
);
""",
}

_COLUMNS = "offset, id, room, sender_client, sender_name, text, ts"


@dataclass(frozen=True, slots=True)
class Stored:
    offset: int
    id: str  # the server's: what others see as meta.id
    room: str
    sender_client: str
    sender_name: str
    text: str
    ts: float


class History:
    def __init__(self, path: Path | str) -> None:
        opened = open_or_move_aside(path, SCHEMA, VERSION, migrations=MIGRATIONS)
        self._db = opened.connection
        # An unreadable file that was found at `path` and moved there, and why.
        self.moved_aside = opened.moved_aside
        self.moved_reason = opened.reason

    def close(self) -> None:
        self._db.close()

    def find(self, sender_client: str, client_id: str) -> Stored | None:
        """This sender's message with this `opts.id`, if it was stored (and is still kept)."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE sender_client = ? AND client_id = ?",
            (sender_client, client_id),
        ).fetchone()
        return _stored(row) if row else None

    def add(
        self,
        client_id: str,
        room: str,
        sender_client: str,
        sender_name: str,
        text: str,
        ts: float,
    ) -> Stored:
        """Store a message under a new offset and a new random id."""
        message_id = new_id()
        # Text may hold lone surrogates (JSON allows them); store them losslessly.
        cursor = self._db.execute(
            "INSERT INTO messages (id, client_id, room, sender_client, sender_name, text, ts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (message_id, client_id, room, sender_client, sender_name, _storable(text), ts),
        )
        assert cursor.lastrowid is not None
        return Stored(cursor.lastrowid, message_id, room, sender_client, sender_name, text, ts)

    def last_offset(self) -> int:
        return int(self._db.execute("SELECT coalesce(max(offset), 0) FROM messages").fetchone()[0])

    def page(self, room: str, after: int, exclude_client: str, limit: int) -> list[Stored]:
        """Up to `limit` messages of `room` after offset `after`, oldest first,
        by anyone but `exclude_client` (a client has its own)."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM messages"
            " WHERE room = ? AND offset > ? AND sender_client != ? ORDER BY offset LIMIT ?",
            (room, after, exclude_client, limit),
        ).fetchall()
        return [_stored(row) for row in rows]

    def trimmed_through(self, room: str) -> int:
        """The newest offset of `room` that retention deleted (0: none)."""
        row = self._db.execute("SELECT through FROM trimmed WHERE room = ?", (room,)).fetchone()
        return int(row[0]) if row else 0

    def oldest_kept(self, room: str) -> int | None:
        row = self._db.execute(
            "SELECT min(offset) FROM messages WHERE room = ?", (room,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM messages").fetchone()[0])

    def trim(self, *, before_ts: float | None, keep: int | None, batch: int = 5000) -> int:
        """Delete up to `batch` of the oldest messages: those that arrived
        before one of `before_ts` or later, and those beyond the newest `keep`.
        Returns how many went.

        Age is judged in arrival (offset) order, so the search stops at the
        first message young enough. Called until it returns less than
        `batch`, so that a big first trim never holds the server up for long.
        """
        cut = self.last_offset() + 1
        if before_ts is not None:
            row = self._db.execute(
                "SELECT offset FROM messages WHERE ts >= ? ORDER BY offset LIMIT 1",
                (before_ts,),
            ).fetchone()
            age_cut = int(row[0]) if row else cut
        else:
            age_cut = 0
        count_cut = 0
        if keep is not None:
            row = self._db.execute(
                "SELECT offset FROM messages ORDER BY offset DESC LIMIT 1 OFFSET ?",
                (max(0, keep - 1),),
            ).fetchone()
            count_cut = int(row[0]) if row and keep > 0 else (cut if keep <= 0 else 0)
        cut = max(age_cut, count_cut)
        if cut <= 0:
            return 0
        chosen = "SELECT offset FROM messages WHERE offset < ? ORDER BY offset LIMIT ?"
        self._db.execute("BEGIN")
        try:
            self._db.execute(
                "INSERT INTO trimmed (room, through)"
                f" SELECT room, max(offset) FROM messages WHERE offset IN ({chosen})"
                " GROUP BY room"
                " ON CONFLICT (room) DO UPDATE SET through = max(through, excluded.through)",
                (cut, batch),
            )
            deleted = self._db.execute(
                f"DELETE FROM messages WHERE offset IN ({chosen})", (cut, batch)
            ).rowcount
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return int(deleted)


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
    except (sqlite3.DatabaseError, RuntimeError) as exc:
        raise RuntimeError(f"cannot open the message database {path}: {exc}") from exc
