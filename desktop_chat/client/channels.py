"""The rooms a window is in and its catch-up offset in each channel, per server,
kept on disk so that a restarted window rejoins its rooms and is given what
was said while it was closed; and the private rooms it left, which it does
not join again when the server lists them.

Written in one transaction when something changed, a few times a minute at
most and at close: never per message.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_chat.client.local_db import open_client_db

log = logging.getLogger(__name__)

SAVE_EVERY = 2.0  # seconds between writes of changed offsets while connected


@dataclass(slots=True)
class Channels:
    rooms: list[str] = field(default_factory=list)  # in the order they were joined
    offsets: dict[str, int] = field(default_factory=dict)  # channel ("" = everyone) -> offset
    baseline: int | None = None  # where a channel with no offset catches up from
    epoch: str = ""  # the identity of the server's store the offsets belong to ("" unknown)
    declined: set[str] = field(default_factory=set)  # private rooms left: not joined when listed


class ChannelStore:
    def __init__(self, db: sqlite3.Connection | None = None, owner: str = "") -> None:
        self.database = db if db is not None else open_client_db()
        self.owner = owner

    def load(self, server: str) -> Channels:
        channels = Channels()
        for channel, offset in self.database.execute(
            "SELECT channel, offset FROM channels WHERE owner = ? AND server = ?"
            " ORDER BY joined_seq",
            (self.owner, server),
        ):
            if channel:
                channels.rooms.append(channel)
            if offset is not None:
                channels.offsets[channel] = int(offset)
        row = self.database.execute(
            "SELECT offset FROM baselines WHERE owner = ? AND server = ?", (self.owner, server)
        ).fetchone()
        channels.baseline = int(row[0]) if row else None
        row = self.database.execute(
            "SELECT epoch FROM epochs WHERE owner = ? AND server = ?", (self.owner, server)
        ).fetchone()
        channels.epoch = str(row[0]) if row else ""
        channels.declined = {
            str(room)
            for (room,) in self.database.execute(
                "SELECT room FROM declined_rooms WHERE owner = ? AND server = ?",
                (self.owner, server),
            )
        }
        return channels

    def save(self, server: str, channels: Channels) -> None:
        names = dict.fromkeys(["", *channels.rooms])
        names.update(dict.fromkeys(channels.offsets))
        with self.database:
            self.database.execute(
                "DELETE FROM channels WHERE owner = ? AND server = ?", (self.owner, server)
            )
            self.database.executemany(
                "INSERT INTO channels (owner, server, channel, offset, joined_seq)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (self.owner, server, name, channels.offsets.get(name), i)
                    for i, name in enumerate(names)
                ],
            )
            if channels.baseline is not None:
                self.database.execute(
                    "INSERT INTO baselines (owner, server, offset) VALUES (?, ?, ?)"
                    " ON CONFLICT (owner, server) DO UPDATE SET offset = excluded.offset",
                    (self.owner, server, channels.baseline),
                )
            self.database.execute(
                "DELETE FROM declined_rooms WHERE owner = ? AND server = ?", (self.owner, server)
            )
            self.database.executemany(
                "INSERT INTO declined_rooms (owner, server, room) VALUES (?, ?, ?)",
                [(self.owner, server, room) for room in sorted(channels.declined)],
            )
            if channels.epoch:
                self.database.execute(
                    "INSERT INTO epochs (owner, server, epoch) VALUES (?, ?, ?)"
                    " ON CONFLICT (owner, server) DO UPDATE SET epoch = excluded.epoch",
                    (self.owner, server, channels.epoch),
                )


class ChannelKeeper:
    """Keeps the current server's rooms and offsets in a ChannelStore: loaded
    when the server changes, written when they changed (a timer while
    connected, and at each join, switch and close)."""

    def __init__(self, store: ChannelStore | None, now: Callable[[], tuple[str, Channels] | None]):
        self._store = store
        self._now = now  # the current server's key and what to keep, if any
        self._saved = Channels()
        self._timer: asyncio.TimerHandle | None = None

    def rooms(self, server: str) -> list[str]:
        """The rooms kept for `server`, in the order joined (read, not loaded)."""
        return self._store.load(server).rooms if self._store is not None else []

    def load(self, server: str) -> Channels:
        """What was kept for `server` (nothing, without a store)."""
        self._saved = self._store.load(server) if self._store is not None else Channels()
        return self._saved

    def every_while(self, connected: Callable[[], bool]) -> None:
        """Save every SAVE_EVERY seconds for as long as `connected()` holds."""
        if self._timer is not None or self._store is None:
            return

        def tick() -> None:
            self._timer = None
            self.save()
            if connected():
                self._timer = asyncio.get_running_loop().call_later(SAVE_EVERY, tick)

        self._timer = asyncio.get_running_loop().call_later(SAVE_EVERY, tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.save()

    def save(self) -> None:
        """Write what changed since the last write (one small transaction)."""
        current = self._now()
        if self._store is None or current is None:
            return
        server, channels = current
        if channels != self._saved:
            try:
                self._store.save(server, channels)
            except sqlite3.Error:
                log.warning("cannot keep the rooms and offsets", exc_info=True)
                return
            self._saved = channels
