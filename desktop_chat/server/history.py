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

Retention (`trim`) deletes the oldest messages, and with each its events;
for each room the newest offset deleted is kept, so that a replay from
before it can say that part of what was asked for is gone instead of
leaving a silent gap.

Edits, deletions and reactions (server/message_events.py) are rows of the
same table, under the same offsets, so that they are relayed, replayed and
trimmed in one order with the messages, and their ids share the sender's
`opts.id` namespace (one UNIQUE key de-duplicates both). `kind` tells them
apart, `target` is the server id of the message they change, `extra` holds
the few optional fields as JSON. A deletion blanks the text of the message
and of its edits and marks them, and its reactions, `deleted`: a replay
leaves them out and sends the delete event instead. The connection runs
with `secure_delete` and checkpoints the WAL after a deletion, so that the
text is gone from the files, not only from the queries.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from desktop_chat.protocol.messages import new_id
from desktop_chat.storage.sqlite import open_or_move_aside

# Version 4 added the accounts and private rooms (server/accounts.py, issue #24).
ACCOUNTS_SCHEMA = """
CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    old_token TEXT NOT NULL DEFAULT '',
    password TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
CREATE UNIQUE INDEX accounts_token ON accounts (token);
CREATE TABLE private_rooms (
    room TEXT NOT NULL,
    member TEXT NOT NULL,
    PRIMARY KEY (room, member)
);
CREATE TABLE acl_version (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n INTEGER NOT NULL
);
INSERT INTO acl_version VALUES (1, 0);
"""

VERSION = 4
SCHEMA = (
    ACCOUNTS_SCHEMA
    + """
CREATE TABLE messages (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    room TEXT NOT NULL,
    sender_client TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    text TEXT NOT NULL,
    ts REAL NOT NULL,
    kind TEXT NOT NULL DEFAULT 'message',
    target TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0,
    UNIQUE (sender_client, client_id)
);
CREATE INDEX messages_room ON messages (room, offset);
CREATE INDEX messages_id ON messages (id);
CREATE INDEX messages_target ON messages (target) WHERE target != '';
CREATE TABLE trimmed (
    room TEXT PRIMARY KEY,
    through INTEGER NOT NULL
);
CREATE TABLE reactions (
    target TEXT NOT NULL,
    emoji TEXT NOT NULL,
    sender_client TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    offset INTEGER NOT NULL,
    PRIMARY KEY (target, emoji, sender_client)
);
"""
)

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
    # Version 2 had messages only; events are rows of the same table.
    2: """
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
ALTER TABLE messages ADD COLUMN target TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN extra TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_id ON messages (id);
CREATE INDEX messages_target ON messages (target) WHERE target != '';
CREATE TABLE reactions (
    target TEXT NOT NULL,
    emoji TEXT NOT NULL,
    sender_client TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    offset INTEGER NOT NULL,
    PRIMARY KEY (target, emoji, sender_client)
);
""",
    3: ACCOUNTS_SCHEMA,
}

_COLUMNS = "offset, id, room, sender_client, sender_name, text, ts, kind, target, extra"
MESSAGE = "message"
EDIT, DELETE, REACT = "edit", "delete", "react"
MAX_REACTIONS = 20  # distinct emoji per user per message


@dataclass(frozen=True, slots=True)
class Stored:
    """A message, or an event of one (kind edit, delete or react), as stored."""

    offset: int
    id: str  # the server's: what others see as meta.id
    room: str
    sender_client: str
    sender_name: str
    text: str  # an edit's new text; "" for a delete or react
    ts: float
    kind: str = MESSAGE
    target: str = ""  # an event's: the server id of the message it changes
    reply_to: str = ""  # a message's: the server id of the one it answers
    format: str = ""  # "markdown" or ""
    emoji: str = ""  # a react's
    on: bool = False  # a react's: whether it put the emoji on (else took it back)
    reactors: tuple[str, ...] = ()  # a react's: who has the emoji on the target after it
    attachment: str = ""  # a message's: the JSON of its attachment (server/files.py), or ""

    def extra(self) -> str:
        """The optional fields as the JSON kept with the row ("" when none)."""
        fields: dict[str, object] = {}
        for key in ("reply_to", "format", "emoji"):
            if value := getattr(self, key):
                fields[key] = value
        if self.kind == REACT:
            fields["on"] = self.on
            fields["reactors"] = list(self.reactors)
        if self.attachment:
            fields["attachment"] = json.loads(self.attachment)
        return json.dumps(fields, ensure_ascii=False) if fields else ""

    def with_extra(self, extra: str) -> Stored:
        """This row with the optional fields read back from its JSON."""
        if not extra:
            return self
        fields = json.loads(extra)
        reactors = fields.get("reactors")
        attachment = fields.get("attachment")
        return replace(
            self,
            reply_to=str(fields.get("reply_to", "")),
            format=str(fields.get("format", "")),
            emoji=str(fields.get("emoji", "")),
            on=fields.get("on") is True,
            # Lua's cjson writes an empty list as {}.
            reactors=tuple(str(n) for n in reactors) if isinstance(reactors, list) else (),
            attachment=json.dumps(attachment, ensure_ascii=False, separators=(",", ":"))
            if isinstance(attachment, dict)
            else "",
        )

    def ack(self) -> dict[str, object]:
        """What the sender is acked with (again, for a resend)."""
        fields: dict[str, object] = {"id": self.id, "ts": self.ts, "offset": self.offset}
        if self.kind != MESSAGE:
            fields["target"] = self.target
        if self.kind == REACT:
            fields["on"] = self.on
            fields["reactors"] = list(self.reactors)
        return fields


@dataclass(frozen=True, slots=True)
class Target:
    """What the rules of an event need to know of the message it changes."""

    id: str
    room: str
    sender_client: str
    deleted: bool


class Refused(Exception):
    """The store would not take an event: `code` as in docs/protocol.md, and why in words."""

    def __init__(self, code: str, words: str) -> None:
        super().__init__(words)
        self.code = code
        self.words = words


def _epoch(db: sqlite3.Connection) -> str:
    """This store's identity, made with it (issue #22): offsets count from
    the store's beginning, so a client's offsets mean something only for
    the store that gave them. A database set aside and started afresh, or
    replaced, has another epoch. Kept beside the versioned schema (a table
    of its own, made when missing, so that older files get one too)."""
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS identity (epoch TEXT NOT NULL)")
        row = db.execute("SELECT epoch FROM identity").fetchone()
        if row is None:
            epoch = secrets.token_hex(8)
            db.execute("INSERT INTO identity (epoch) VALUES (?)", (epoch,))
            return epoch
    return str(row[0])


class History:
    def __init__(self, path: Path | str) -> None:
        opened = open_or_move_aside(path, SCHEMA, VERSION, migrations=MIGRATIONS)
        self._db = opened.connection
        # A deleted message's text is overwritten, not only unlinked (see deletion).
        self._db.execute("PRAGMA secure_delete=ON")
        # The offsets one trim deletes (see trim).
        self._db.execute("CREATE TEMP TABLE doomed (offset INTEGER PRIMARY KEY)")
        mode = self._db.execute("PRAGMA journal_mode").fetchone()[0]
        self._wal = str(mode).lower() == "wal"
        # An unreadable file that was found at `path` and moved there, and why.
        self.moved_aside = opened.moved_aside
        self.moved_reason = opened.reason
        self.epoch = _epoch(self._db)

    def close(self) -> None:
        self._db.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The database's connection, for the accounts kept in it (server/accounts.py)."""
        return self._db

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
        *,
        reply_to: str = "",
        format: str = "",
        attachment: str = "",
    ) -> Stored:
        """Store a message under a new offset and a new random id."""
        stored = Stored(
            0, new_id(), room, sender_client, sender_name, text, ts,
            reply_to=reply_to, format=format, attachment=attachment,
        )  # fmt: skip
        return self._insert(client_id, stored)

    def _insert(self, client_id: str, stored: Stored) -> Stored:
        # Text may hold lone surrogates (JSON allows them); store them losslessly.
        cursor = self._db.execute(
            "INSERT INTO messages (id, client_id, room, sender_client, sender_name, text, ts,"
            " kind, target, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stored.id, client_id, stored.room, stored.sender_client, stored.sender_name,
             _storable(stored.text), stored.ts, stored.kind, stored.target, stored.extra()),
        )  # fmt: skip
        assert cursor.lastrowid is not None
        return replace(stored, offset=cursor.lastrowid)

    def target(self, message_id: str) -> Target | None:
        """The message with this server id, if it is still kept (deleted or not)."""
        row = self._db.execute(
            "SELECT id, room, sender_client, deleted FROM messages WHERE id = ? AND kind = ?",
            (message_id, MESSAGE),
        ).fetchone()
        return Target(str(row[0]), str(row[1]), str(row[2]), bool(row[3])) if row else None

    def add_event(self, client_id: str, event: Stored) -> Stored:
        """Store an edit, delete or react of `event.target` under a new offset.

        Raises Refused when the target is gone or deleted, or a react would put
        more than MAX_REACTIONS distinct emoji of one sender on it. A react
        toggles: the stored event says whether it put the emoji on, and who
        has it on now, in the order they reacted. A delete blanks the texts.
        """
        found = self.target(event.target)
        if found is None or found.deleted:
            raise Refused("no-such-message", "that message is not there (deleted or unknown)")
        self._db.execute("BEGIN")
        try:
            if event.kind == REACT:
                event = self._toggle(event)
            stored = self._insert(client_id, event)
            if stored.kind == REACT and stored.on:
                self._db.execute(
                    "UPDATE reactions SET offset = ? WHERE target = ? AND emoji = ?"
                    " AND sender_client = ?",
                    (stored.offset, stored.target, stored.emoji, stored.sender_client),
                )
            if stored.kind == DELETE:
                self._erase(stored.target)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if stored.kind == DELETE and self._wal:
            # The WAL still holds the pages as they were: copy back and empty it.
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return stored

    def _toggle(self, event: Stored) -> Stored:
        key = (event.target, event.emoji, event.sender_client)
        had = self._db.execute(
            "SELECT 1 FROM reactions WHERE target = ? AND emoji = ? AND sender_client = ?", key
        ).fetchone()
        if had:
            self._db.execute(
                "DELETE FROM reactions WHERE target = ? AND emoji = ? AND sender_client = ?", key
            )
        else:
            count = self._db.execute(
                "SELECT count(*) FROM reactions WHERE target = ? AND sender_client = ?",
                (event.target, event.sender_client),
            ).fetchone()[0]
            if count >= MAX_REACTIONS:
                raise Refused(
                    "too-many-reactions", f"at most {MAX_REACTIONS} emoji per person on a message"
                )
            # Its offset is set once the event has one; until then it sorts last.
            self._db.execute(
                "INSERT INTO reactions (target, emoji, sender_client, sender_name, offset)"
                " VALUES (?, ?, ?, ?, ?)",
                (*key, event.sender_name, 1 << 62),
            )
        names = self._db.execute(
            "SELECT sender_name FROM reactions WHERE target = ? AND emoji = ? ORDER BY offset",
            (event.target, event.emoji),
        ).fetchall()
        return replace(event, on=not had, reactors=tuple(str(n[0]) for n in names))

    def _erase(self, target: str) -> None:
        """Blank the message's text and its edits' (secure_delete overwrites
        the old cells) and leave it, its edits and reactions out of replays."""
        self._db.execute(
            "UPDATE messages SET text = '', extra = '', deleted = 1"
            " WHERE (id = ? AND kind = ?) OR (target = ? AND kind IN (?, ?))",
            (target, MESSAGE, target, EDIT, REACT),
        )
        self._db.execute("DELETE FROM reactions WHERE target = ?", (target,))

    def size(self) -> tuple[int, int]:
        """The bytes the database's pages in use take (what a trim frees is
        reused, not returned to the disk), and how many rows it keeps."""
        pages = int(self._db.execute("PRAGMA page_count").fetchone()[0])
        free = int(self._db.execute("PRAGMA freelist_count").fetchone()[0])
        page = int(self._db.execute("PRAGMA page_size").fetchone()[0])
        return (pages - free) * page, self.count()

    def last_offset(self) -> int:
        return int(self._db.execute("SELECT coalesce(max(offset), 0) FROM messages").fetchone()[0])

    def page(self, room: str, after: int, exclude_client: str, limit: int) -> list[Stored]:
        """Up to `limit` messages of `room` after offset `after`, oldest first,
        by anyone but `exclude_client` (a client has its own)."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE room = ? AND offset > ?"
            " AND sender_client != ? AND deleted = 0 ORDER BY offset LIMIT ?",
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

    def oldest_any(self) -> int:
        """The oldest offset kept, of any room (the next offset when none is)."""
        row = self._db.execute("SELECT min(offset) FROM messages").fetchone()
        return int(row[0]) if row and row[0] is not None else self.last_offset() + 1

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM messages").fetchone()[0])

    def trim(self, *, before_ts: float | None, keep: int | None, batch: int = 5000) -> int:
        """Delete up to `batch` of the oldest messages: those that arrived
        before one of `before_ts` or later, and those beyond the newest `keep`,
        and with each message its edits, reactions and deletion, however much
        newer they are (`trimmed` records them too). Returns how many rows went.

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
            # The rows that go: the oldest, and the events of the messages among
            # them, however new (an edit holds text that must not outlive its message).
            self._db.execute("DELETE FROM temp.doomed")
            self._db.execute(f"INSERT INTO temp.doomed {chosen}", (cut, batch))
            self._db.execute(
                "INSERT OR IGNORE INTO temp.doomed SELECT offset FROM messages"
                " WHERE target != '' AND target IN (SELECT id FROM messages WHERE kind = ?"
                " AND offset IN (SELECT offset FROM temp.doomed))",
                (MESSAGE,),
            )
            self._db.execute(
                "INSERT INTO trimmed (room, through)"
                " SELECT room, max(offset) FROM messages"
                " WHERE offset IN (SELECT offset FROM temp.doomed) GROUP BY room"
                " ON CONFLICT (room) DO UPDATE SET through = max(through, excluded.through)"
            )
            deleted = self._db.execute(
                "DELETE FROM messages WHERE offset IN (SELECT offset FROM temp.doomed)"
            ).rowcount
            # Reactions of messages that went with them (their events went too).
            self._db.execute(
                "DELETE FROM reactions WHERE target NOT IN"
                " (SELECT id FROM messages WHERE kind = 'message')"
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if deleted and self._wal:  # as after a deletion: the old pages out of the WAL
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(deleted)


def _stored(row: tuple[object, ...]) -> Stored:
    offset, message_id, room, client, name, text, ts, kind, target, extra = row
    assert isinstance(offset, int) and isinstance(ts, float)
    assert isinstance(text, str | bytes)
    stored = Stored(
        offset, str(message_id), str(room), str(client), str(name), _loaded(text), ts,
        kind=str(kind), target=str(target),
    )  # fmt: skip
    return stored.with_extra(str(extra))


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
