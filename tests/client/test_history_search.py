"""Search over the local history as Korean and English users type (issue #23):
Hangul down to one syllable inside a word, Latin words and prefixes, both
in one query, FTS syntax taken as text, edits followed, and a history of
the version with the trigram index brought over."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_chat.client.history import SCHEMA, History
from desktop_chat.protocol.messages import Change, ChangeType, Kind, Message


def other(text: str, room: str = "") -> Message:
    return Message(text=text, kind=Kind.OTHER, room=room, sender="bob")


def found(history: History, query: str, room: str | None = None) -> list[str]:
    """The texts a search finds, oldest first (results come newest first)."""
    return sorted((h.message.text for h in history.search("s", query, room)), key=ORDER.index)


ORDER = [
    "점심은 뭐 먹을까요?",
    "오늘 점심을 같이 해요",
    "우리 점 심각하게 봐야 해요",
    "안녕하세요 여러분",
    "Hello everyone, lunch at noon",
    "the helpdesk said no",
    "내일 deploy할게요 ok",
    "lunch 12시에 봐요",
    "NEAR(alpha beta) is the syntax",
    "alpha and beta",
    "c-3po beeps",
    "c 3po is not it",
    'she said "hi" twice',
    "OR else",
    "a star* here",
    "100% sure",
    "심은 나무, 점심 먹자",
]


@pytest.fixture
def history(tmp_path: Path) -> History:
    history = History(tmp_path / "history.db")
    history.add("s", "", [other(text) for text in ORDER])
    history.flush()
    wait_indexed(history)
    return history


def wait_indexed(history: History, timeout: float = 10.0) -> None:
    """Until the writer has indexed every row (it does so when idle)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upto, last = history.db.execute(
            "SELECT upto, (SELECT coalesce(max(seq), 0) FROM messages) FROM fts_progress"
        ).fetchone()
        if upto == last:
            return
        time.sleep(0.05)
    raise AssertionError(f"not indexed after {timeout} s: {upto} of {last}")


def test_hangul_is_found_down_to_one_syllable_inside_words(history: History) -> None:
    # Two syllables with their particle, and not across two words (점 심각).
    assert found(history, "점심") == [
        "점심은 뭐 먹을까요?",
        "오늘 점심을 같이 해요",
        "심은 나무, 점심 먹자",
    ]
    assert found(history, "점심은") == ["점심은 뭐 먹을까요?"]  # not 심은 … 점심 apart
    assert found(history, "하세요") == ["안녕하세요 여러분"]  # the end of a word
    assert found(history, "녕하") == ["안녕하세요 여러분"]  # the middle
    assert found(history, "심") == [
        "점심은 뭐 먹을까요?",
        "오늘 점심을 같이 해요",
        "우리 점 심각하게 봐야 해요",
        "심은 나무, 점심 먹자",
    ]
    assert found(history, "요") == [
        "점심은 뭐 먹을까요?",
        "오늘 점심을 같이 해요",
        "우리 점 심각하게 봐야 해요",
        "안녕하세요 여러분",
        "내일 deploy할게요 ok",
        "lunch 12시에 봐요",
    ]
    assert found(history, "심을") == ["오늘 점심을 같이 해요"]
    assert found(history, "점심은 뭐") == ["점심은 뭐 먹을까요?"]
    hits = history.search("s", "점심")
    assert {h.spans for h in hits} == {
        ((0, 2),),
        ((3, 2),),
        ((7, 2),),
    }  # highlighted where they are
    history.close()


def test_latin_words_and_prefixes_not_the_middle_of_a_word(history: History) -> None:
    assert found(history, "hello") == ["Hello everyone, lunch at noon"]  # any case
    assert found(history, "hel") == ["Hello everyone, lunch at noon", "the helpdesk said no"]
    assert found(history, "he") == [
        "Hello everyone, lunch at noon",
        "the helpdesk said no",
        "a star* here",
    ]
    assert found(history, "lunch") == ["Hello everyone, lunch at noon", "lunch 12시에 봐요"]
    assert found(history, "ello") == []  # the middle of a Latin word is not found
    assert found(history, "everyone lunch") == ["Hello everyone, lunch at noon"]
    assert found(history, "lunch everyone") == ["Hello everyone, lunch at noon"]  # any order
    assert found(history, "lunch helpdesk") == []  # all of the words
    history.close()


def test_mixed_scripts_in_one_query(history: History) -> None:
    assert found(history, "deploy할") == ["내일 deploy할게요 ok"]
    assert found(history, "내일 deploy") == ["내일 deploy할게요 ok"]
    assert found(history, "12시") == ["lunch 12시에 봐요"]
    assert found(history, "lunch 12") == ["lunch 12시에 봐요"]
    history.close()


# Each query, and what it must find: FTS5's syntax (quotes, *, -, ^, :,
# NEAR, AND, OR) is the user's text; symbols must be in the line as typed.
SYNTAX = [
    ("NEAR(alpha beta)", ["NEAR(alpha beta) is the syntax"]),
    ("NEAR", ["NEAR(alpha beta) is the syntax"]),
    ("alpha AND beta", ["alpha and beta"]),  # a word (any case), not both anywhere
    ("OR", ["OR else"]),
    ("c-3po", ["c-3po beeps"]),
    ("-3po", ["c-3po beeps"]),
    ('"hi"', ['she said "hi" twice']),
    ('"', ['she said "hi" twice']),
    ('"hi', ['she said "hi" twice']),
    ("star*", ["a star* here"]),
    ("*", ["a star* here"]),
    ("100%", ["100% sure"]),
    ("%", ["100% sure"]),
    ("beta)", ["NEAR(alpha beta) is the syntax"]),
    ("^alpha", []),
    ("alpha:", []),
]


def test_fts_syntax_in_a_query_is_taken_as_text(history: History) -> None:
    assert [(query, found(history, query)) for query, _ in SYNTAX] == SYNTAX
    history.close()


def test_an_edited_line_is_found_by_its_new_words_only(history: History) -> None:
    line = history.search("s", "helpdesk")[0].message
    history.change(
        "s",
        Change(ChangeType.EDIT, room="", target=line.id, text="the 점심 desk said yes", ts=1.0),
    )
    history.flush()
    assert found(history, "helpdesk") == []
    assert [h.message.text for h in history.search("s", "desk")] == ["the 점심 desk said yes"]
    assert len(history.search("s", "점심")) == 4
    history.change("s", Change(ChangeType.DELETE, room="", target=line.id, ts=2.0))
    history.flush()
    assert history.search("s", "desk") == []
    assert len(history.search("s", "점심")) == 3
    history.db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    history.close()


# The file as version 3 wrote it: the same tables, the trigram index over the text.
VERSION_3_INDEX = """
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='seq', tokenize='trigram'
);
CREATE TRIGGER messages_unindexed AFTER DELETE ON messages
WHEN old.seq <= (SELECT upto FROM fts_progress) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text)
    VALUES ('delete', old.seq, substr(old.text, 1, 65536));
END;
"""


def version_3_file(path: Path, texts: list[str]) -> None:
    start = SCHEMA.index("CREATE VIRTUAL TABLE messages_fts")
    end = SCHEMA.index("CREATE TABLE conversation_state")
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA[:start] + VERSION_3_INDEX + SCHEMA[end:])
    db.executemany(
        "INSERT INTO messages (account, room, id, kind, sender, text, ts)"
        " VALUES ('s', '', ?, 'other', 'bob', ?, 1.0)",
        [(f"id{i}", text) for i, text in enumerate(texts)],
    )
    db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
    db.execute("UPDATE fts_progress SET upto = (SELECT max(seq) FROM messages)")
    db.execute("PRAGMA user_version=3")
    db.close()


def test_a_version_3_history_gets_the_new_index_built_from_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    version_3_file(path, ORDER * 300)  # 5,100 lines
    history = History(path)
    assert history.db.execute("PRAGMA user_version").fetchone()[0] == 4
    schema = " ".join(r[0] for r in history.db.execute("SELECT sql FROM sqlite_schema") if r[0])
    assert "trigram" not in schema
    # Found while the index is rebuilt (the rows not indexed yet are read
    # with LIKE), and by the index once it is.
    assert len(history.search("s", "점심", limit=1000)) == 900
    wait_indexed(history)
    assert history.db.execute("SELECT upto FROM fts_progress").fetchone()[0] == 5100
    assert len(history.search("s", "점심", limit=1000)) == 900
    assert len(history.search("s", "hel", limit=1000)) == 600
    assert found(history, "ello") == []  # answered by the new index
    assert history.search("s", "hello")[0].message.text == "Hello everyone, lunch at noon"
    history.db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    history.close()
