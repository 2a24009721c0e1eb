"""Opening the app's SQLite files, one way for every store.

WAL mode lets a reader and the writer work at once and makes a commit an
append to the log; `synchronous=NORMAL` keeps every committed transaction
across a process crash (a power cut may lose the last ones, never corrupt).
The schema version lives in `PRAGMA user_version`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_database(path: Path | str, schema: str, version: int) -> sqlite3.Connection:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=2000")
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current == 0:
        db.executescript(schema)
        db.execute(f"PRAGMA user_version={int(version)}")
    elif current != version:
        raise RuntimeError(
            f"{path} has schema version {current}; this version of desktop-chat reads {version}"
        )
    return db
