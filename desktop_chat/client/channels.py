"""The rooms a window is in and its catch-up offset in each channel, per server,
kept on disk so that a restarted window rejoins its rooms and is given what
was said while it was closed.

Written in one transaction when something changed, a few times a minute at
most and at close: never per message.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from desktop_chat.client.local_db import open_client_db


@dataclass(slots=True)
class Channels:
    rooms: list[str] = field(default_factory=list)  # in the order they were joined
    offsets: dict[str, int] = field(default_factory=dict)  # channel ("" = everyone) -> offset
    baseline: int | None = None  # where a channel with no offset catches up from


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
