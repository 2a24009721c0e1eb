"""Drafts: what the user wrote in a conversation and has not sent, kept in client.db.

Kept per window identity, server and conversation, so that a crash or a
restart loses no half-written text. The window writes on a short debounce
after the last keystroke and on switching or closing, never per keystroke.
"""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)


class DraftStore:
    def __init__(self, db: sqlite3.Connection, owner: str = "") -> None:
        self.database = db
        self.owner = owner

    def load(self, server: str, room: str) -> str:
        try:
            row = self.database.execute(
                "SELECT text FROM drafts WHERE owner = ? AND server = ? AND room = ?",
                (self.owner, server, room),
            ).fetchone()
        except sqlite3.Error:
            log.warning("cannot read a draft", exc_info=True)
            return ""
        return "" if row is None else str(row[0])

    def save(self, server: str, room: str, text: str) -> None:
        """Keep `text` as the draft of this conversation (an empty one is forgotten)."""
        try:
            with self.database:
                if text:
                    self.database.execute(
                        "INSERT INTO drafts (owner, server, room, text) VALUES (?, ?, ?, ?)"
                        " ON CONFLICT (owner, server, room) DO UPDATE SET text = excluded.text",
                        (self.owner, server, room, text),
                    )
                else:
                    self.database.execute(
                        "DELETE FROM drafts WHERE owner = ? AND server = ? AND room = ?",
                        (self.owner, server, room),
                    )
        except sqlite3.Error:
            log.warning("cannot keep a draft", exc_info=True)
