"""Messages the user wrote that are not known to be through yet.

Every message is stored here before anything is sent, and removed only
when it is known to be through: acknowledged by a server that acks, or
flushed to a connected transport for one that doesn't. A message survives
a disconnect, a server restart, the app being closed or killed; on the
next start it is shown as pending and sent again with the same id, which
a server that dedups (desktop-chat-server) relays once.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.storage.sqlite import open_database

SCHEMA = """
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    server TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    room TEXT NOT NULL,
    sender TEXT NOT NULL,
    text BLOB NOT NULL,
    ts REAL NOT NULL
);
CREATE INDEX outbox_server ON outbox (server, seq);
"""


def default_outbox_path() -> Path:
    return Path(platformdirs.user_data_dir("desktop-chat", appauthor=False)) / "outbox.db"


class Outbox:
    def __init__(self, path: Path | str = ":memory:") -> None:
        self._db = open_database(path, SCHEMA, version=1)

    def close(self) -> None:
        self._db.close()

    def add(self, server: str, message: Message) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO outbox (server, id, room, sender, text, ts)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                server,
                message.id,
                message.room,
                message.sender,
                message.text.encode("utf-8", "surrogatepass"),
                message.ts,
            ),
        )

    def remove(self, message_id: str) -> None:
        self._db.execute("DELETE FROM outbox WHERE id = ?", (message_id,))

    def pending(self, server: str) -> list[Message]:
        """What is still to be sent to `server`, oldest first."""
        rows = self._db.execute(
            "SELECT id, room, sender, text, ts FROM outbox WHERE server = ? ORDER BY seq",
            (server,),
        ).fetchall()
        return [
            Message(
                text=bytes(text).decode("utf-8", "surrogatepass"),
                kind=Kind.OWN,
                room=room,
                sender=sender,
                ts=ts,
                id=message_id,
                state=DeliveryState.PENDING,
            )
            for message_id, room, sender, text, ts in rows
        ]
