"""Chat → Export…: a conversation as JSON lines or a self-contained HTML page.

What is exported is what the local history keeps of the conversation (every
line the window showed, as it is now: edits applied, deleted lines empty),
read and written on a worker thread: a conversation may have a million
lines, and neither reading nor writing them may hold the window up. The
words of the HTML page are made here, on the window's thread, in the
user's language (client/export.py takes them from its caller).
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_chat.app.account_session import AccountSession
from desktop_chat.client.export import export_html, export_jsonl
from desktop_chat.client.history import History
from desktop_chat.ui.export_words import export_labels, export_title

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "html")


class Exporter(QObject):
    """Exports one conversation at a time; says how it went."""

    exported = Signal(str, int)  # the file, how many lines
    failed = Signal(str, str)  # the file, why (the system's words)

    def __init__(self, history: History, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history

    async def export(self, session: AccountSession, room: str, path: str, fmt: str) -> int:
        """Write the conversation of `room` of `session`'s account to `path`
        in `fmt` ("jsonl" or "html"); the number of lines. Raises OSError or
        ValueError, after emitting `failed`."""
        if fmt not in FORMATS:
            raise ValueError(f"the format is one of {', '.join(FORMATS)}, not {fmt!r}")
        account = session.account
        label = f"{account.name or session.client.name} @ {account.url}"
        labels, title = export_labels(), export_title(room)
        tz = datetime.datetime.now().astimezone().tzinfo or datetime.UTC
        history = self.history
        target = Path(path).expanduser()

        def work() -> int:
            history.flush()  # what the window showed a moment ago, too
            lines = history.conversation(account.id, room)
            if fmt == "html":
                return export_html(
                    lines, target, room=room, account_label=label, title=title, labels=labels, tz=tz
                )
            return export_jsonl(lines, target, room=room, account_label=label)

        try:
            count = await asyncio.to_thread(work)
        except (OSError, sqlite3.Error) as exc:
            reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
            log.info("export to %s failed: %s", target, reason)
            self.failed.emit(str(target), reason)
            raise
        self.exported.emit(str(target), count)
        return count
