"""What a window keeps on disk: the client's database (accounts, outbox, offsets,
drafts), the window's identity in it, and the local history; or, for a window
that remembers nothing (most tests), the same in memory. A file that cannot be
read is kept aside and a new one started, and the window says so (`notes`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from desktop_chat.client.history import History, default_history_path
from desktop_chat.client.identity import WindowIdentity, claim_identity, ephemeral_identity
from desktop_chat.client.local_db import data_dir, open_client_db, open_client_db_noting
from desktop_chat.client.local_db import default_db_path as client_db_path
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate


@dataclass(slots=True)
class LocalData:
    database: sqlite3.Connection
    identity: WindowIdentity
    history: History
    notes: list[str]


def open_local_data(remember: bool) -> LocalData:
    """Remembering windows keep their accounts, outbox, rooms and offsets (and a
    hosted server its messages) on disk, under a window identity no other
    running window holds; others keep them in memory."""
    notes: list[str] = []  # said in the window once it is up
    if remember:
        opened = open_client_db_noting(client_db_path())
        database = opened.connection
        if opened.moved_aside is not None:
            notes.append(
                fill(
                    translate(
                        "ChatSession",
                        "Your local data file could not be read (%1). It was kept as %2 "
                        "and a new one was started: messages that were waiting to be sent "
                        "in it are not sent.",
                    ),
                    opened.reason,
                    opened.moved_aside,
                )
            )
        identity = claim_identity(database, data_dir())
    else:
        database = open_client_db()
        identity = ephemeral_identity()
    # The local history: a file of its own beside client.db (client/history.py).
    history = History(default_history_path(data_dir()) if remember else None)
    if history.opened.moved_aside is not None:
        notes.append(
            QCoreApplication.translate(
                "ChatSession",
                "Your message history could not be read ({reason}). It was kept as "
                "{path} and a new one was started.",
            ).format(reason=history.opened.reason, path=history.opened.moved_aside)
        )
    return LocalData(database, identity, history, notes)
