"""The client's one SQLite file: the accounts, the outbox (files waiting to go
up included), the channels and offsets, the drafts and the window
identities, in the user's data folder.

One file, so that a message and the identity it belongs to cannot be kept
in one place and lost in another. Earlier versions kept only the outbox,
in `outbox.db`: its rows are taken over once, by the first window, and the
old file is renamed, not deleted.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import platformdirs

from desktop_chat.storage.sqlite import OpenedDatabase, open_or_move_aside

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE identities (
    slot INTEGER PRIMARY KEY,
    key TEXT NOT NULL
);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    server TEXT NOT NULL,
    id TEXT NOT NULL,
    room TEXT NOT NULL,
    sender TEXT NOT NULL,
    text BLOB NOT NULL,
    ts REAL NOT NULL,
    failed TEXT,
    UNIQUE (owner, id)
);
CREATE INDEX outbox_owner_server ON outbox (owner, server, seq);
CREATE TABLE channels (
    owner TEXT NOT NULL,
    server TEXT NOT NULL,
    channel TEXT NOT NULL,
    offset INTEGER,
    joined_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (owner, server, channel)
);
CREATE TABLE baselines (
    owner TEXT NOT NULL,
    server TEXT NOT NULL,
    offset INTEGER NOT NULL,
    PRIMARY KEY (owner, server)
);
"""
# Version 2: what the user had written and not sent, per conversation (drafts.py).
DRAFTS = """
CREATE TABLE drafts (
    owner TEXT NOT NULL,
    server TEXT NOT NULL,
    room TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (owner, server, room)
)
"""
SCHEMA += DRAFTS + ";\n"
# Version 3: the accounts (desktop_chat/accounts/store.py reads and writes them).
# An account is an identity (owner) on a server; the tables above name one
# by that pair, the local history by the account's id.
ACCOUNTS = """
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    server TEXT NOT NULL,
    url TEXT NOT NULL,
    path TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    profile TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    listed INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX accounts_owner ON accounts (owner, position);
CREATE UNIQUE INDEX accounts_key ON accounts (key, server)
"""
SCHEMA += ACCOUNTS + ";\n"
# Version 4: what a queued row carries besides its text (outbox.py): a
# message's reply and format, or the edit, deletion or reaction it is.
OUTBOX_EXTRA = "ALTER TABLE outbox ADD COLUMN extra TEXT"
SCHEMA += OUTBOX_EXTRA + ";\n"
# Version 5: a queued file's thumbnail (at most 64 KB, made by the window);
# the file itself stays where the user keeps it, named in the row's extra.
OUTBOX_THUMBNAIL = "ALTER TABLE outbox ADD COLUMN thumbnail BLOB"
SCHEMA += OUTBOX_THUMBNAIL + ";\n"
# Version 6: the identity (epoch) of each server's store our offsets belong
# to (issue #22): offsets of another store mean nothing there.
EPOCHS = """
CREATE TABLE epochs (
    owner TEXT NOT NULL,
    server TEXT NOT NULL,
    epoch TEXT NOT NULL,
    PRIMARY KEY (owner, server)
)
"""
SCHEMA += EPOCHS + ";\n"
# Version 7: the name an account signs in with on a server with accounts
# (issue #24; the secret is in the keyring, app/credentials.py, never here).
SIGNIN = "ALTER TABLE accounts ADD COLUMN signin TEXT NOT NULL DEFAULT ''"
SCHEMA += SIGNIN + ";\n"
# Version 8: the private rooms the user left on a server, not joined again
# when the server next lists them (issue #24), from one start to the next.
DECLINED = """
CREATE TABLE declined_rooms (
    owner TEXT NOT NULL,
    server TEXT NOT NULL,
    room TEXT NOT NULL,
    PRIMARY KEY (owner, server, room)
)
"""
SCHEMA += DECLINED + ";\n"
MIGRATIONS = {
    1: DRAFTS,
    2: ACCOUNTS,
    3: OUTBOX_EXTRA,
    4: OUTBOX_THUMBNAIL,
    5: EPOCHS,
    6: SIGNIN,
    7: DECLINED,
}
VERSION = 8


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir("desktop-chat", appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "client.db"


def open_client_db(path: Path | str = ":memory:") -> sqlite3.Connection:
    return open_client_db_noting(path).connection


def open_client_db_noting(path: Path | str = ":memory:") -> OpenedDatabase:
    """Open the client's file; one that cannot be read (damaged, or written by
    a newer version) is kept aside under another name, and the result says
    where, for the window to tell the user."""
    opened = open_or_move_aside(path, SCHEMA, version=VERSION, migrations=MIGRATIONS)
    # What the user wrote passes through the outbox and the drafts: a row
    # removed (a deleted line, a draft sent) leaves no text in freed pages.
    opened.connection.execute("PRAGMA secure_delete=ON")
    if str(path) != ":memory:":
        _take_over_legacy_outbox(opened.connection, Path(path).with_name("outbox.db"))
    return opened


def _take_over_legacy_outbox(db: sqlite3.Connection, legacy: Path) -> None:
    """Pending messages of a version before window identities belong to slot 0."""
    if not legacy.exists():
        return
    try:
        old = sqlite3.connect(str(legacy))
        try:
            rows = old.execute(
                "SELECT server, id, room, sender, text, ts FROM outbox ORDER BY seq"
            ).fetchall()
        finally:
            old.close()
    except sqlite3.Error as exc:
        log.warning("not taking over %s: %s", legacy, exc)
        return
    owner = slot_key(db, 0)
    with db:
        db.executemany(
            "INSERT OR IGNORE INTO outbox (owner, server, id, room, sender, text, ts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(owner, *row) for row in rows],
        )
    legacy.rename(legacy.with_name("outbox.db.taken-over"))
    log.info("took over %d pending messages from %s", len(rows), legacy)


def slot_key(db: sqlite3.Connection, slot: int) -> str:
    """The client key of a window slot, made on first use and kept."""
    import uuid

    row = db.execute("SELECT key FROM identities WHERE slot = ?", (slot,)).fetchone()
    if row is not None:
        return str(row[0])
    key = uuid.uuid4().hex
    db.execute("INSERT INTO identities (slot, key) VALUES (?, ?)", (slot, key))
    return key
