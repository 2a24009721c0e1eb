"""What the chat server needs from its message store, whichever it has.

Two stores implement it: `SqliteStore` (server/history.py, one process, the
default) and `RedisStore` (server/redis_store.py, any number of processes
sharing one Redis). ChatServer, replay.py and retention.py only see this
interface, so catch-up, de-duplication and retention mean the same on both.
Message events (edits, deletions, reactions: server/message_events.py) go
through it too, as rows of the same offset sequence: `add_event` applies
what must be decided atomically with storing (the target still there, a
reaction's toggle and limit, a deletion's erasing) inside the store, since
on Redis another process may change the same message at the same moment.

The methods are coroutines because Redis answers over the network; the
SQLite ones never suspend. `delivered` is the line between the two ways a
client gets a message: everything at or below it has been relayed live by
this process, everything above it will be. A replay sends what is at or
below it and then subscribes the client, under the server's lock, so each
message arrives exactly once. On SQLite every message is relayed as it is
stored, so `delivered` is the newest offset; on Redis it is how far this
process's stream reader has got.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from desktop_chat.server.history import History, Refused, Stored, Target, open_history

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The store cannot be reached (Redis down or cut off); nothing was stored."""


@dataclass(frozen=True, slots=True)
class Added:
    stored: Stored
    new: bool  # False: this sender's opts.id was stored before; `stored` is that one


@dataclass(frozen=True, slots=True)
class Page:
    """A replay page and what the replay tells with it, read together: on
    Redis in one round trip (issue #23: a storm's catch-ups waited on each
    other's several round trips under the relay lock)."""

    rows: list[Stored]  # after max(after, gone), as `Store.page` gives them
    gone: int  # `trimmed_through(room)` as the rows were read
    epoch: str  # the store's epoch as the rows were read


class Store(Protocol):
    async def check(self) -> None:
        """Raise StoreUnavailable, saying why, when the store cannot be used at all."""
        ...

    async def add(
        self,
        client_id: str,
        room: str,
        sender_client: str,
        sender_name: str,
        text: str,
        sender_sid: str,
        *,
        reply_to: str = "",
        format: str = "",
        attachment: str = "",
    ) -> Added:
        """Store a message under a new offset and a new random id, unless this
        sender already sent `client_id` (then the stored one, `new` False)."""
        ...

    async def sent(self, sender_client: str, client_id: str) -> Stored | None:
        """What this sender stored under `client_id` (a message or an event), if
        anything: at least its kind and the fields of its ack."""
        ...

    async def target(self, message_id: str) -> Target | None:
        """The message with this server id, if it is kept (deleted or not)."""
        ...

    async def add_event(self, client_id: str, event: Stored, sender_sid: str) -> Added:
        """Store an edit, delete or react (`event`, its offset to be given) of
        `event.target`, unless this sender already sent `client_id`. Raises
        Refused when the target is gone or deleted, or one emoji too many."""
        ...

    async def page(
        self, room: str, after: int, through: int, exclude_client: str, limit: int
    ) -> list[Stored]:
        """Up to `limit` messages of `room` with after < offset <= through,
        oldest first, by anyone but `exclude_client`."""
        ...

    async def replay_page(
        self, room: str, after: int, through: int, exclude_client: str, limit: int
    ) -> Page:
        """`page` after max(`after`, what retention deleted of `room`), with
        that point and the epoch, as one read."""
        ...

    async def last_offset(self) -> int:
        """The newest offset stored (0: none yet)."""
        ...

    async def epoch_and_newest(self) -> tuple[str, int]:
        """`epoch()` and `last_offset()` as one read (what a welcome needs)."""
        ...

    async def epoch(self) -> str:
        """The store's identity: offsets of another epoch mean nothing here."""
        ...

    async def size(self) -> tuple[int, int]:
        """(bytes the messages take, how many entries are kept), for retention by bytes."""
        ...

    async def trimmed_through(self, room: str) -> int:
        """The newest offset that retention deleted, of `room` or before it (0: none)."""
        ...

    async def oldest_kept(self, room: str) -> int | None: ...

    async def oldest_any(self) -> int:
        """The oldest offset kept, of any room (the next offset when none is):
        every message below it is gone (trimmed, or deleted)."""
        ...

    async def trim(self, *, before_ts: float | None, keep: int | None, batch: int) -> int:
        """Delete up to `batch` of the oldest messages past the retention; how many went."""
        ...

    async def close(self) -> None: ...


@contextlib.contextmanager
def _written() -> Iterator[None]:
    """A write the database refused (a full disk, a read-only or damaged
    file) is the store being unavailable: the sender gets an error ack and
    keeps its message, instead of no ack and a resend forever (issue #22)."""
    try:
        yield
    except sqlite3.Error as exc:
        log.warning("the database refused a write: %s", exc)
        raise StoreUnavailable(f"the server's database cannot be written ({exc})") from exc


class SqliteStore:
    """server/history.py's SQLite file behind the Store interface (one process)."""

    def __init__(self, path: Path | str) -> None:
        self.history: History = open_history(path)

    async def check(self) -> None:
        pass  # opened (or moved aside and started afresh) in __init__

    async def add(
        self,
        client_id: str,
        room: str,
        sender_client: str,
        sender_name: str,
        text: str,
        sender_sid: str,
        *,
        reply_to: str = "",
        format: str = "",
        attachment: str = "",
    ) -> Added:
        with _written():
            found = self.history.find(sender_client, client_id)
            if found is not None:
                return Added(found, False)
            stored = self.history.add(
                client_id, room, sender_client, sender_name, text, time.time(),
                reply_to=reply_to, format=format, attachment=attachment,
            )  # fmt: skip
        return Added(stored, True)

    async def sent(self, sender_client: str, client_id: str) -> Stored | None:
        return self.history.find(sender_client, client_id)

    async def target(self, message_id: str) -> Target | None:
        return self.history.target(message_id)

    async def add_event(self, client_id: str, event: Stored, sender_sid: str) -> Added:
        with _written():
            found = self.history.find(event.sender_client, client_id)
            if found is not None:
                return Added(found, False)
            stored = self.history.add_event(client_id, replace(event, ts=time.time()))
        return Added(stored, True)

    async def page(
        self, room: str, after: int, through: int, exclude_client: str, limit: int
    ) -> list[Stored]:
        # Everything stored was relayed as it was stored: `through` is the newest.
        return self.history.page(room, after, exclude_client, limit)

    async def replay_page(
        self, room: str, after: int, through: int, exclude_client: str, limit: int
    ) -> Page:
        gone = self.history.trimmed_through(room)
        rows = self.history.page(room, max(after, gone), exclude_client, limit)
        return Page(rows, gone, self.history.epoch)

    async def last_offset(self) -> int:
        return self.history.last_offset()

    async def epoch_and_newest(self) -> tuple[str, int]:
        return self.history.epoch, self.history.last_offset()

    async def epoch(self) -> str:
        return self.history.epoch

    async def size(self) -> tuple[int, int]:
        with _written():
            return self.history.size()

    async def trimmed_through(self, room: str) -> int:
        return self.history.trimmed_through(room)

    async def oldest_kept(self, room: str) -> int | None:
        return self.history.oldest_kept(room)

    async def oldest_any(self) -> int:
        return self.history.oldest_any()

    async def trim(self, *, before_ts: float | None, keep: int | None, batch: int) -> int:
        return self.history.trim(before_ts=before_ts, keep=keep, batch=batch)

    async def close(self) -> None:
        self.history.close()


__all__ = [
    "Added",
    "Page",
    "Refused",
    "SqliteStore",
    "Store",
    "StoreUnavailable",
    "Stored",
    "Target",
]
