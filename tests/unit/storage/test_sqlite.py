"""storage/sqlite.py: an unreadable file is moved aside, kept, and replaced by a fresh one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_chat.storage.sqlite import open_database, open_or_move_aside

SCHEMA = "CREATE TABLE things (n INTEGER PRIMARY KEY, text TEXT NOT NULL);"


def filled(path: Path, rows: int = 2000, version: int = 1) -> Path:
    db = open_database(path, SCHEMA, version)
    db.executemany("INSERT INTO things (text) VALUES (?)", [("x" * 200,) for _ in range(rows)])
    db.close()  # the last connection checkpoints the WAL into the file
    return path


def test_a_readable_file_is_opened_as_it_is(tmp_path: Path) -> None:
    path = filled(tmp_path / "ok.db")
    opened = open_or_move_aside(path, SCHEMA, 1)
    assert opened.moved_aside is None
    assert opened.connection.execute("SELECT count(*) FROM things").fetchone()[0] == 2000


def test_garbage_is_moved_aside_with_its_wal_and_a_fresh_file_started(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"not a database at all " * 500)
    Path(f"{path}-wal").write_bytes(b"wal bytes")
    opened = open_or_move_aside(path, SCHEMA, 1)
    aside = opened.moved_aside
    assert aside is not None and aside.name.startswith("garbage.db.damaged-")
    assert aside.read_bytes() == b"not a database at all " * 500
    assert Path(f"{aside}-wal").read_bytes() == b"wal bytes"
    assert "not a database" in opened.reason
    assert opened.connection.execute("SELECT count(*) FROM things").fetchone()[0] == 0


def test_a_newer_version_is_kept_aside_under_its_version(tmp_path: Path) -> None:
    path = filled(tmp_path / "newer.db", rows=3, version=7)
    opened = open_or_move_aside(path, SCHEMA, 1)
    aside = opened.moved_aside
    assert aside is not None and aside.name.startswith("newer.db.version-7-")
    with sqlite3.connect(aside) as kept:
        assert kept.execute("PRAGMA user_version").fetchone()[0] == 7
        assert kept.execute("SELECT count(*) FROM things").fetchone()[0] == 3
    kept.close()


def test_a_truncated_file_is_found_out_at_open(tmp_path: Path) -> None:
    path = filled(tmp_path / "cut.db")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    opened = open_or_move_aside(path, SCHEMA, 1)
    assert opened.moved_aside is not None
    assert opened.moved_aside.read_bytes() == data[: len(data) // 2]


def test_an_older_version_is_migrated_step_by_step(tmp_path: Path) -> None:
    path = filled(tmp_path / "old.db", rows=3, version=1)
    steps = {1: "ALTER TABLE things ADD COLUMN a INTEGER", 2: "UPDATE things SET a = 5"}
    opened = open_or_move_aside(path, SCHEMA, 3, migrations=steps)
    assert opened.moved_aside is None
    db = opened.connection
    assert db.execute("SELECT sum(a) FROM things").fetchone()[0] == 15
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3


def test_an_older_version_without_a_way_up_is_moved_aside(tmp_path: Path) -> None:
    path = filled(tmp_path / "old.db", rows=3, version=1)
    opened = open_or_move_aside(path, SCHEMA, 2)
    assert opened.moved_aside is not None and ".version-1-" in opened.moved_aside.name


def test_memory_databases_are_never_moved() -> None:
    opened = open_or_move_aside(":memory:", SCHEMA, 1)
    assert opened.moved_aside is None
