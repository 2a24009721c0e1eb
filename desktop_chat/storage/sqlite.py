"""Opening the app's SQLite files, one way for every store.

WAL mode lets a reader and the writer work at once and makes a commit an
append to the log; `synchronous=NORMAL` keeps every committed transaction
across a process crash (a power cut may lose the last ones, never corrupt).
The schema version lives in `PRAGMA user_version`; an older file is brought
up to date by the store's migrations, one version at a time.

A file that cannot be used (not a database, damaged, or written by a newer
version of desktop-chat) must not stop the program that owns it: a chat
server that refuses to start, or a client that cannot send, over a file the
user never sees is worse than starting afresh. The file is moved aside,
never deleted (with its -wal and -shm, so that it still opens as it was),
and the caller is told where, to say so.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# SQLite's companions of a WAL-mode database, moved along with it.
COMPANIONS = ("-wal", "-shm")


class Unreadable(Exception):
    """The file is a database this version cannot read; `tag` names it when moved aside."""

    def __init__(self, text: str, tag: str) -> None:
        super().__init__(text)
        self.tag = tag


@dataclass(frozen=True, slots=True)
class OpenedDatabase:
    connection: sqlite3.Connection
    # Where the unreadable file that was at the path went, if one was there.
    moved_aside: Path | None = None
    # Why it was moved, in words (empty when nothing was moved).
    reason: str = ""


def open_or_move_aside(
    path: Path | str,
    schema: str,
    version: int,
    *,
    migrations: Mapping[int, str] | None = None,
    check: bool = True,
) -> OpenedDatabase:
    """Open (or create) the database at `path`; an unreadable one is moved aside first.

    `migrations[n]` is the script that takes a file from version n to n + 1.
    A file of a newer version, an older one without a way up, or one that
    SQLite finds damaged (`PRAGMA quick_check`) is renamed to
    `<name>.damaged-<UTC time>` or `<name>.version-<n>-<UTC time>`, and a fresh
    database is created in its place. Raises RuntimeError only when even
    that fails (the folder is not writable, say).

    `check=False` leaves out `quick_check`, which reads the whole file: for a
    large store whose damage may as well surface in a query (the message
    history, hundreds of MB) rather than delay every start.
    """
    if str(path) == ":memory:":
        return OpenedDatabase(_open(path, schema, version, migrations or {}, check))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
    try:
        return OpenedDatabase(_prepare(db, path, schema, version, migrations or {}, check))
    except (sqlite3.DatabaseError, Unreadable) as exc:
        tag = exc.tag if isinstance(exc, Unreadable) else "damaged"
        reason = str(exc)
    except BaseException:
        db.close()
        raise
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.{tag}-{stamp}")
    try:
        try:
            # Renamed while still open: closing the last connection may
            # checkpoint or delete the -wal, which must go along as it was.
            # (Windows cannot rename an open file: there it closes first.)
            _rename(path, aside)
        finally:
            db.close()
        _rename(path, aside)
        connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
        _prepare(connection, path, schema, version, migrations or {}, check)
    except (OSError, sqlite3.DatabaseError, Unreadable) as exc:
        raise RuntimeError(f"cannot open or replace the database {path}: {exc}") from exc
    log.warning(
        "%s was unreadable (%s); moved it aside to %s and started afresh", path, reason, aside
    )
    return OpenedDatabase(connection, aside, reason)


def open_database(path: Path | str, schema: str, version: int) -> sqlite3.Connection:
    """The connection of `open_or_move_aside` (kept for callers that need no more)."""
    return open_or_move_aside(path, schema, version).connection


def _rename(path: Path, aside: Path) -> None:
    """Move the database and its companions that are (still) there; on
    Windows an open one is left for the second call, after the close."""
    for suffix in ("", *COMPANIONS):
        source, target = Path(f"{path}{suffix}"), Path(f"{aside}{suffix}")
        if source.exists() and not target.exists():
            with contextlib.suppress(PermissionError):
                source.rename(target)


def _open(
    path: Path | str,
    schema: str,
    version: int,
    migrations: Mapping[int, str],
    check: bool = True,
) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
    try:
        return _prepare(db, path, schema, version, migrations, check)
    except BaseException:
        db.close()
        raise


def _prepare(
    db: sqlite3.Connection,
    path: Path | str,
    schema: str,
    version: int,
    migrations: Mapping[int, str],
    check: bool = True,
) -> sqlite3.Connection:
    """Settings, schema and migrations on an open connection; raises if unreadable."""
    db.execute("PRAGMA busy_timeout=2000")
    # Read before anything is written: a file left for a newer version stays as it was.
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    if current > version:
        raise Unreadable(
            f"schema version {current}; this version of desktop-chat reads {version}",
            f"version-{current}",
        )
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    if current == 0:
        db.executescript(schema)
        db.execute(f"PRAGMA user_version={int(version)}")
        return db
    # Damage that the header does not show (a truncated file, a torn page)
    # surfaces here rather than in the middle of someone's message.
    if check:
        found = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if found != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {found}")
    else:  # at least the schema must be readable (a file that is not a database fails)
        db.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    while current < version:
        script = migrations.get(current)
        if script is None:
            raise Unreadable(
                f"schema version {current}, which cannot be brought to {version}",
                f"version-{current}",
            )
        db.executescript(f"BEGIN; {script}; PRAGMA user_version={current + 1}; COMMIT;")
        current += 1
    return db
