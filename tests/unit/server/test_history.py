"""server/history.py on its own: SQLite files in a temporary folder, no network."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_chat.server.history import VERSION, History

V1_SCHEMA = """
CREATE TABLE messages (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    room TEXT NOT NULL,
    sender_client TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    text TEXT NOT NULL,
    ts REAL NOT NULL
);
CREATE INDEX messages_room ON messages (room, offset);
PRAGMA user_version=1;
"""


@pytest.fixture
def history() -> History:
    return History(":memory:")


def test_duplicates_are_per_sender(history: History) -> None:
    mine = history.add("m-1", "", "alice", "alice", "hello", 1.0)
    assert history.find("alice", "m-1") == mine
    assert history.find("mallory", "m-1") is None
    theirs = history.add("m-1", "", "mallory", "mallory", "first!", 2.0)
    assert theirs.offset != mine.offset
    assert history.find("alice", "m-1") == mine
    with pytest.raises(sqlite3.IntegrityError):
        history.add("m-1", "", "alice", "alice", "again", 3.0)


def test_the_id_others_see_is_random_not_the_senders(history: History) -> None:
    first = history.add("m-1", "", "alice", "alice", "a", 1.0)
    second = history.add("m-2", "", "alice", "alice", "b", 1.0)
    assert first.id not in ("m-1", "m-2") and len(first.id) == 32
    # Nothing shared that would tell the next id from the last.
    common = len([1 for x, y in zip(first.id, second.id, strict=True) if x == y])
    assert common < 16


def test_pages_are_oldest_first_per_room_and_leave_out_the_reader(history: History) -> None:
    for i in range(10):
        history.add(f"g{i}", "garden", "bob", "bob", f"g{i}", float(i))
        history.add(f"l{i}", "", "bob", "bob", f"l{i}", float(i))
    history.add("own", "garden", "carol", "carol", "mine", 11.0)
    page = history.page("garden", 0, "carol", 4)
    assert [s.text for s in page] == ["g0", "g1", "g2", "g3"]
    rest = history.page("garden", page[-1].offset, "carol", 100)
    assert [s.text for s in rest] == [f"g{i}" for i in range(4, 10)]
    assert history.page("garden", 0, "nobody", 100)[-1].text == "mine"


def test_lone_surrogates_survive(history: History) -> None:
    history.add("s", "", "a", "a", "x\ud800y", 1.0)
    assert history.page("", 0, "b", 10)[0].text == "x\ud800y"


def test_trim_by_count_and_age_remembers_what_went_per_room(history: History) -> None:
    stored = [
        history.add(f"m{i}", "r" if i % 2 else "", "a", "a", str(i), float(i)) for i in range(20)
    ]
    assert history.trim(before_ts=None, keep=15) == 5
    assert history.count() == 15
    assert history.trimmed_through("") == stored[4].offset
    assert history.trimmed_through("r") == stored[3].offset
    assert history.oldest_kept("") == stored[6].offset
    # Age: everything that arrived before ts 10 goes.
    assert history.trim(before_ts=10.0, keep=None) == 5
    assert history.oldest_kept("") == stored[10].offset
    assert history.trimmed_through("r") == stored[9].offset
    assert history.trim(before_ts=10.0, keep=15) == 0
    assert history.trimmed_through("never") == 0


def test_trim_goes_in_batches(history: History) -> None:
    for i in range(30):
        history.add(f"m{i}", "", "a", "a", str(i), float(i))
    assert history.trim(before_ts=None, keep=5, batch=10) == 10
    assert history.trim(before_ts=None, keep=5, batch=10) == 10
    assert history.trim(before_ts=None, keep=5, batch=10) == 5
    assert history.trim(before_ts=None, keep=5, batch=10) == 0
    assert [s.text for s in history.page("", 0, "b", 100)] == [str(i) for i in range(25, 30)]


def test_offsets_keep_growing_after_a_trim_and_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    history = History(db)
    last = [history.add(f"m{i}", "", "a", "a", str(i), 1.0) for i in range(5)][-1]
    history.trim(before_ts=None, keep=0)
    history.close()
    again = History(db)
    assert again.count() == 0
    assert again.add("n", "", "a", "a", "n", 2.0).offset > last.offset
    assert again.trimmed_through("") == last.offset


def test_a_version_1_file_is_migrated_keeping_offsets_and_ids(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    with sqlite3.connect(db) as old:
        old.executescript(V1_SCHEMA)
        old.execute(
            "INSERT INTO messages (id, room, sender_client, sender_name, text, ts)"
            " VALUES ('m-1', '', 'alice', 'alice', 'from v1', 1.0)"
        )
    old.close()
    history = History(db)
    assert history.moved_aside is None
    (kept,) = history.page("", 0, "bob", 10)
    assert (kept.id, kept.text) == ("m-1", "from v1")
    assert history.find("alice", "m-1") == kept
    assert history.add("m-1", "", "bob", "bob", "mine", 2.0).offset > kept.offset
    history.close()
    with sqlite3.connect(db) as check:
        version = check.execute("PRAGMA user_version").fetchone()[0]
        # Version 4 (issue #24): the accounts' tables, empty, with their change counter.
        accounts = check.execute("SELECT count(*) FROM accounts").fetchone()[0]
        changes = check.execute("SELECT n FROM acl_version").fetchone()[0]
    check.close()
    assert version == VERSION == 4
    assert (accounts, changes) == (0, 0)
