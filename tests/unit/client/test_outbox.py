"""The outbox: per window identity, kept in order, failed messages with their reason."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_chat.client.local_db import open_client_db
from desktop_chat.client.outbox import Outbox, OutboxError
from desktop_chat.protocol.messages import DeliveryState, own_message

SERVER = "http://127.0.0.1:3000/socket.io"


def test_messages_come_back_in_order_and_leave_when_through() -> None:
    box = Outbox(owner="me")
    first, second = own_message("one", "", "me"), own_message("두 번째\udcff", "garden", "me")
    box.add(SERVER, first)
    box.add(SERVER, second)
    box.add(SERVER, first)  # a retry of the same message is one row
    assert [(m.id, m.text, m.room) for m in box.pending(SERVER)] == [
        (first.id, "one", ""),
        (second.id, "두 번째\udcff", "garden"),
    ]
    box.remove(first.id)
    assert [m.id for m in box.pending(SERVER)] == [second.id]
    assert box.pending("http://elsewhere:1/socket.io") == []


def test_each_window_identity_sees_only_its_own_rows() -> None:
    db = open_client_db()
    mine, theirs = Outbox(db, "mine"), Outbox(db, "theirs")
    message = own_message("hello", "", "me")
    mine.add(SERVER, message)
    assert theirs.pending(SERVER) == []
    theirs.remove(message.id)
    assert len(mine.pending(SERVER)) == 1


def test_a_failed_message_is_kept_with_its_reason_until_retried() -> None:
    box = Outbox(owner="me")
    message = own_message("too long a room", "r" * 200, "me")
    box.add(SERVER, message)
    box.mark_failed(message.id, "room names are at most 128 characters")
    assert box.pending(SERVER) == []
    [kept] = box.kept(SERVER)
    reason = "room names are at most 128 characters"
    assert (kept.state, kept.error) == (DeliveryState.FAILED, reason)
    box.add(SERVER, message)  # retried: pending again, the failure forgotten
    [again] = box.kept(SERVER)
    assert (again.state, again.error) == (DeliveryState.PENDING, "")


def test_a_full_disk_is_an_outbox_error(tmp_path: Path) -> None:
    db = open_client_db(tmp_path / "client.db")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(OutboxError, match="full"):
        Outbox(db, "me").add(SERVER, own_message("x" * 100_000, "", "me"))


def test_the_pending_messages_of_an_older_version_are_taken_over_once(tmp_path: Path) -> None:
    legacy = sqlite3.connect(str(tmp_path / "outbox.db"))
    legacy.executescript(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, server TEXT, id TEXT,"
        " room TEXT, sender TEXT, text BLOB, ts REAL);"
    )
    legacy.execute(
        "INSERT INTO outbox (server, id, room, sender, text, ts) VALUES (?, ?, ?, ?, ?, ?)",
        (SERVER, "old-1", "", "me", b"written before the upgrade", 1.0),
    )
    legacy.commit()
    legacy.close()
    db = open_client_db(tmp_path / "client.db")
    from desktop_chat.client.local_db import slot_key

    box = Outbox(db, slot_key(db, 0))
    assert [m.text for m in box.pending(SERVER)] == ["written before the upgrade"]
    assert not (tmp_path / "outbox.db").exists()
    assert (tmp_path / "outbox.db.taken-over").exists()


def test_a_version_4_file_gains_thumbnails_and_keeps_its_rows(tmp_path: Path) -> None:
    from desktop_chat.client import local_db
    from desktop_chat.protocol.messages import Attachment

    path = tmp_path / "client.db"
    old = sqlite3.connect(path)
    old.executescript(
        local_db.SCHEMA.replace(local_db.OUTBOX_THUMBNAIL + ";\n", "")
        .replace(local_db.EPOCHS + ";\n", "")
        .replace(local_db.SIGNIN + ";\n", "")
        .replace(local_db.DECLINED + ";\n", "")
        + "PRAGMA user_version=4;"
    )
    waiting = own_message("written before", "", "me")
    old.execute(  # as version 4 kept it
        "INSERT INTO outbox (owner, server, id, room, sender, text, ts) VALUES (?,?,?,?,?,?,?)",
        ("me", SERVER, waiting.id, "", "me", b"written before", waiting.ts),
    )
    old.commit()
    old.close()
    box = Outbox(open_client_db(path), "me")
    assert box.database.execute("PRAGMA user_version").fetchone()[0] == local_db.VERSION == 8
    assert [m.text for m in box.pending(SERVER)] == ["written before"]
    image = own_message("caption", "", "me")
    box.add(
        SERVER,
        image,
        {"file": {"path": "/x/p.png", "name": "p.png", "size": 3, "type": "image/png"}},
        b"\x89PNG",
    )
    kept = box.pending(SERVER)
    assert kept[1].attachment == Attachment("", "p.png", 3, "image/png")
    assert box.thumbnail(image.id) == b"\x89PNG" and box.thumbnail(waiting.id) is None
    box.close()
