"""Messages the user wrote that are not known to be through yet.

Every message is stored here before anything is sent, and removed only
when it is known to be through: acknowledged by a server that acks, or
flushed to a connected transport for one that doesn't. A message survives
a disconnect, a server restart, the app being closed or killed; on the
next start it is shown as pending and sent again with the same id, which
a server that dedups (desktop-chat-server, per sender) relays once.

Rows belong to one window identity (`owner`, its client key), so a second
window never takes the first one's messages. A message the server refused
stays, marked failed with the reason, until the user retries or discards it.

Edits, deletions and reactions wait here too, in the same order as the
messages (an edit of a line still queued goes out after it): a row's
`extra` is the JSON of what the wire needs besides the text, `{"opts": …,
"reply_to": <the answered line's id here>, "formatted": true}` for a message, `{"change": …}`
(the `message-event` payload) for a change. A file's message keeps
`{"file": {"path", "name", "size", "type"}}` there (the file is read from
where the user keeps it when it goes up, after a restart too) and its
thumbnail's bytes in the `thumbnail` column.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3

from desktop_chat.client.local_db import open_client_db
from desktop_chat.protocol.messages import Attachment, DeliveryState, Kind, Message


class OutboxError(OSError):
    """A message could not be stored (disk full, file damaged): it is not sent."""


class Outbox:
    def __init__(self, db: sqlite3.Connection | None = None, owner: str = "") -> None:
        self.database = db if db is not None else open_client_db()
        self.owner = owner

    def close(self) -> None:
        self.database.close()

    def add(
        self,
        server: str,
        message: Message,
        extra: dict[str, object] | None = None,
        thumbnail: bytes | None = None,
    ) -> None:
        """Store a message (again, for a retry: its failure is forgotten), or a
        change (`extra` {"change": …}). Raises OutboxError when it cannot be stored.
        """
        try:
            self.database.execute(
                "INSERT INTO outbox (owner, server, id, room, sender, text, ts, extra, thumbnail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (owner, id) DO UPDATE SET failed = NULL",
                (
                    self.owner,
                    server,
                    message.id,
                    message.room,
                    message.sender,
                    message.text.encode("utf-8", "surrogatepass"),
                    message.ts,
                    json.dumps(extra) if extra else None,
                    thumbnail,
                ),
            )
        except sqlite3.Error as exc:
            raise OutboxError(str(exc)) from exc

    def scrub(self) -> None:
        """A line of ours was deleted: the pages that held it (its row, gone
        since it was delivered, was zeroed: secure_delete) leave the
        write-ahead log too. Small file: milliseconds, once per deletion."""
        # (Another window writing holds it back: its next checkpoint does it.)
        with contextlib.suppress(sqlite3.Error):
            self.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def set_text(self, message_id: str, text: str) -> None:
        """A queued message was edited before it went out."""
        self.database.execute(
            "UPDATE outbox SET text = ? WHERE owner = ? AND id = ?",
            (text.encode("utf-8", "surrogatepass"), self.owner, message_id),
        )

    def thumbnail(self, message_id: str) -> bytes | None:
        """The thumbnail kept with a queued file's message, if any."""
        row = self.database.execute(
            "SELECT thumbnail FROM outbox WHERE owner = ? AND id = ?", (self.owner, message_id)
        ).fetchone()
        return bytes(row[0]) if row is not None and row[0] is not None else None

    def remove(self, message_id: str) -> None:
        self.database.execute(
            "DELETE FROM outbox WHERE owner = ? AND id = ?", (self.owner, message_id)
        )

    def mark_failed(self, message_id: str, reason: str) -> None:
        self.database.execute(
            "UPDATE outbox SET failed = ? WHERE owner = ? AND id = ?",
            (reason, self.owner, message_id),
        )

    def pending(self, server: str) -> list[Message]:
        """What is still to be sent to `server`, oldest first."""
        return [m for m in self.kept(server) if m.state is DeliveryState.PENDING]

    def kept(self, server: str) -> list[Message]:
        """The messages kept for `server`, oldest first: pending, and failed with the reason."""
        return [m for m, extra in self.queued(server) if "change" not in extra]

    def queued(self, server: str) -> list[tuple[Message, dict[str, object]]]:
        """Everything kept for `server`, oldest first, with its extra: messages
        (pending or failed) and changes (a change's text is an edit's)."""
        rows = self.database.execute(
            "SELECT id, room, sender, text, ts, failed, extra FROM outbox"
            " WHERE owner = ? AND server = ? ORDER BY seq",
            (self.owner, server),
        ).fetchall()
        kept: list[tuple[Message, dict[str, object]]] = []
        for message_id, room, sender, text, ts, reason, extra in rows:
            message = Message(
                text=bytes(text).decode("utf-8", "surrogatepass"),
                kind=Kind.OWN,
                room=room,
                sender=sender,
                ts=ts,
                id=message_id,
                state=DeliveryState.PENDING if reason is None else DeliveryState.FAILED,
                error=reason or "",
            )
            try:
                loaded = json.loads(extra) if extra else {}
            except ValueError:
                loaded = {}
            if not isinstance(loaded, dict):
                loaded = {}
            message.formatted = loaded.get("formatted") is True
            message.reply_to = str(loaded.get("reply_to", ""))
            if "file" in loaded:
                message.attachment = queued_attachment(loaded["file"])
            kept.append((message, loaded))
        return kept


def queued_attachment(file: object) -> Attachment | None:
    """The attachment of a file's message not sent yet (its `extra["file"]`):
    no server id until it is stored."""
    if not isinstance(file, dict):
        return None
    name, size, kind = file.get("name"), file.get("size"), file.get("type")
    if not isinstance(name, str) or not isinstance(size, int) or not isinstance(kind, str):
        return None
    return Attachment("", name, size, kind or "application/octet-stream")
