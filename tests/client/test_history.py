"""The local history without Qt: batches committed off the caller's thread,
paging, delivery states, search (Hangul inside words, short queries), and a
damaged file kept aside."""

from __future__ import annotations

from pathlib import Path

from desktop_chat.client.history import History, spans_of
from desktop_chat.protocol.messages import (
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
    own_message,
)


def other(text: str, room: str = "") -> Message:
    return Message(text=text, kind=Kind.OTHER, room=room, sender="bob")


def test_kept_in_order_per_conversation_and_paged(tmp_path: Path) -> None:
    history = History(tmp_path / "history.db")
    history.add("s1", "", [other(f"m{i}") for i in range(50)])
    history.add("s1", "garden", [other("garden", "garden")])
    history.add("s2", "", [other("elsewhere")])
    history.flush()
    last = history.last("s1", "", 10)
    assert [m.text for m in last] == [f"m{i}" for i in range(40, 50)]
    older = history.before("s1", "", last[0].id, 5)
    assert [m.text for m in older] == [f"m{i}" for i in range(35, 40)]
    room, around = history.around("s1", last[0].id, 2)  # a message read from the file
    assert room == "" and [m.text for m in around] == ["m38", "m39", "m40", "m41", "m42"]
    assert [m.text for m in history.last("s1", "garden", 10)] == ["garden"]
    history.close()
    again = History(tmp_path / "history.db")  # across a restart
    assert len(again.last("s1", "", 100)) == 50
    again.close()


def test_delivery_states_are_kept_and_a_discarded_message_forgotten(tmp_path: Path) -> None:
    history = History(tmp_path / "history.db")
    sent, failed = own_message("one", "", "me"), own_message("two", "", "me")
    history.add("s", "", [sent, failed])
    history.update("s", DeliveryUpdate(sent.id, DeliveryState.DELIVERED))
    history.update("s", DeliveryUpdate(failed.id, DeliveryState.FAILED, "too long"))
    history.flush()
    kept = history.last("s", "", 10)
    assert [(m.state, m.error) for m in kept] == [
        (DeliveryState.DELIVERED, ""),
        (DeliveryState.FAILED, "too long"),
    ]
    history.update("s", DeliveryUpdate(failed.id, DeliveryState.DISCARDED))
    history.flush()
    assert [m.text for m in history.last("s", "", 10)] == ["one"]
    assert history.search("s", "two") == []
    history.close()


def test_search_finds_hangul_inside_words_and_short_queries(tmp_path: Path) -> None:
    history = History(tmp_path / "history.db")
    history.add(
        "s", "", [other("안녕하세요 여러분"), other("nothing here"), other('quote " and % percent')]
    )
    history.add("s", "garden", [other("Hello World", "garden")])
    history.flush()
    hits = history.search("s", "하세요")
    assert [h.message.text for h in hits] == ["안녕하세요 여러분"]
    assert hits[0].spans == ((2, 3),)
    assert [h.room for h in history.search("s", "hello")] == ["garden"]  # any case
    assert history.search("s", "hello", room="") == []
    assert [h.message.text for h in history.search("s", "여러")] == ["안녕하세요 여러분"]  # LIKE
    assert len(history.search("s", '" and %')) == 1  # quotes and wildcards are literal
    assert len(history.search("s", "%")) == 1
    assert history.search("other-server", "hello") == []
    history.close()


def test_spans_ignore_case() -> None:
    assert spans_of("Hello hello", "HELLO") == ((0, 5), (6, 5))
    assert spans_of("abc", "") == ()


def test_a_damaged_history_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    path.write_bytes(b"not a database" * 100)
    history = History(path)
    assert history.opened.moved_aside is not None
    assert history.opened.moved_aside.read_bytes() == b"not a database" * 100
    history.add("s", "", [other("works")])
    history.flush()
    assert [m.text for m in history.last("s", "", 1)] == ["works"]
    history.close()


def test_drafts_are_kept_per_conversation_and_an_old_file_migrated(tmp_path: Path) -> None:
    import sqlite3

    from desktop_chat.client.drafts import DraftStore
    from desktop_chat.client.local_db import VERSION, open_client_db

    path = tmp_path / "client.db"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE identities (slot INTEGER PRIMARY KEY, key TEXT NOT NULL);"
        "PRAGMA user_version=1;"
    )
    old.close()
    db = open_client_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    drafts = DraftStore(db, "me")
    drafts.save("s", "garden", "half written 안녕")
    drafts.save("s", "", "to everyone")
    assert drafts.load("s", "garden") == "half written 안녕"
    assert drafts.load("other", "garden") == ""
    drafts.save("s", "garden", "")
    assert drafts.load("s", "garden") == ""
    assert DraftStore(db, "someone else").load("s", "") == ""
    db.close()


def test_the_search_index_is_built_when_idle_and_follows_deletes(tmp_path: Path) -> None:
    import time

    from desktop_chat.client.history import INDEX_IDLE

    history = History(tmp_path / "history.db")
    mine = own_message("자기소개 introduction", "", "me")
    history.add("s", "", [other(f"word{i} 안녕하세요") for i in range(3000)] + [mine])
    history.flush()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        upto = history.db.execute("SELECT upto FROM fts_progress").fetchone()[0]
        if upto == 3001:
            break
        time.sleep(INDEX_IDLE)
    assert upto == 3001  # all indexed, in chunks, while nothing else came
    assert len(history.search("s", "하세요", limit=5000)) == 3000
    assert [h.message.text for h in history.search("s", "소개")] == ["자기소개 introduction"]
    history.update("s", DeliveryUpdate(mine.id, DeliveryState.DISCARDED))
    history.flush()
    assert history.search("s", "introduction") == []
    assert (
        history.db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
        is not None
    )  # the index agrees with the rows
    history.close()


def test_a_version_1_history_is_adopted_on_the_writers_thread(tmp_path: Path) -> None:
    """The release before accounts wrote tests/fixtures/release-a484c8a/history.db;
    its server's lines become the first account's, copies merged, off the
    caller's thread (the caller gets a future)."""
    import shutil
    import threading

    source = Path(__file__).parent.parent / "fixtures" / "release-a484c8a" / "history.db"
    shutil.copy(source, tmp_path / "history.db")
    history = History(tmp_path / "history.db")
    try:
        server = "http://127.0.0.1:3999/socket.io"
        assert history.legacy_servers() == [server]
        caller = threading.get_ident()
        seen: list[int] = []
        history.db.set_trace_callback(lambda _sql: seen.append(threading.get_ident()))
        done = history.adopt(server, "anna")
        assert done.result(timeout=10) == 4  # 7 lines kept by two windows, 3 of them copies
        assert caller not in seen  # the caller's connection ran none of it
        assert history.legacy_servers() == []
        lines = [(m.kind.value, m.sender, m.text) for m in history.last(server, "", 10)]
        assert lines == [
            ("own", "anna", "anna-1"),
            ("other", "bert", "bert-1"),
            ("other", "carol", "carol-1"),
        ]
    finally:
        history.close()


def test_a_batch_that_fails_still_stops_the_writer_and_answers_flushes(tmp_path: Path) -> None:
    """A bug in one operation loses its batch, never the stop or a flush
    queued behind it: close used to wait 30 s for a writer that never stopped."""
    history = History(tmp_path / "history.db")
    history.add("s", "", [other("kept")])
    history.flush()
    history._queue.put(("state", "s", "not an update"))  # a bug: the batch is lost
    history.close()
    assert not history._thread.is_alive()
    again = History(tmp_path / "history.db")
    assert [m.text for m in again.last("s", "", 10)] == ["kept"]
    again.close()


def test_a_line_with_a_lone_surrogate_is_kept_and_its_conversation_still_read(
    tmp_path: Path,
) -> None:
    """JSON allows a lone surrogate (a hostile server may send one): the line
    is kept with U+FFFD in its place, its batch with it, and the conversation
    reads back (such a row once made every read of it fail to decode)."""
    history = History(tmp_path / "history.db")
    history.add("s", "", [other("before"), other("odd \ud800 text"), other("after")])
    history.flush()
    history.close()
    again = History(tmp_path / "history.db")
    assert [m.text for m in again.last("s", "", 10)] == ["before", "odd \ufffd text", "after"]
    again.close()
