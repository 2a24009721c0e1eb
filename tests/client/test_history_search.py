"""Search over the local history as Korean and English users type (issue #23):
Hangul down to one syllable inside a word, Latin words and prefixes, both
in one query, FTS syntax taken as text, edits followed, and a history of
the version with the trigram index brought over."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from desktop_chat.client.history import (
    FTS_FUNCTION,
    SCHEMA,
    VERSION,
    History,
    fts_text,
    index_rows,
    index_words,
    settle_index,
)
from desktop_chat.protocol.messages import Change, ChangeType, Kind, Message
from desktop_chat.storage.sqlite import open_or_move_aside


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
    assert history.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
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


def index_segments(history: History) -> int:
    """Segments of the search index: a query reads each of its words in each."""
    return int(
        history.db.execute("SELECT count(DISTINCT segid) FROM messages_fts_idx").fetchone()[0]
    )


def test_the_index_stays_in_few_segments_after_many_small_writes(tmp_path: Path) -> None:
    """Each time the writer indexes it leaves a segment; merged when idle
    (settle_index), a history written in many sittings is searched in one
    or two, not in one per sitting (a query's tail at a million lines)."""
    history = History(tmp_path / "history.db")
    written = 0
    for sitting in range(40):
        lines = [other(f"lunch at noon {sitting} word{i} the{i % 7}") for i in range(100)]
        history.add("s", "", lines)
        history.flush()
        written += len(lines)
        wait_indexed(history)
    deadline = time.monotonic() + 10
    while index_segments(history) > 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert index_segments(history) <= 2
    assert len(history.search("s", "lunch", limit=5000)) == written
    assert len(history.search("s", "the3", limit=5000)) == 40 * 14
    assert [h.message.text for h in history.search("s", "word99 39")] == [
        "lunch at noon 39 word99 the1"
    ]
    history.db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    history.close()


def version_4_file(path: Path, texts: list[str]) -> None:
    """A history as version 4 wrote it: every row with its account's id."""
    start = SCHEMA.index("CREATE TABLE account_keys")
    end = SCHEMA.index("CREATE TABLE conversation_state")
    db = sqlite3.connect(path, isolation_level=None)
    db.create_function(FTS_FUNCTION, 1, fts_text)
    db.executescript(SCHEMA[:start] + SCHEMA[end:])
    db.executemany(
        "INSERT INTO messages (account, room, id, kind, sender, text, ts)"
        " VALUES ('acct-0123456789ab', 'team', ?, 'other', 'bob', ?, 1.0)",
        [(f"id{i}", text) for i, text in enumerate(texts)],
    )
    db.execute("INSERT INTO legacy_servers (server) VALUES ('http://old.example:3000')")
    db.execute(
        "INSERT INTO messages (account, room, id, kind, sender, text, ts)"
        " VALUES ('http://old.example:3000', '', 'legacy', 'other', 'amy', 'from before', 1.0)"
    )
    db.execute("INSERT INTO messages_fts (rowid, text) SELECT seq, text FROM messages")
    db.execute("UPDATE fts_progress SET upto = (SELECT max(seq) FROM messages)")
    db.execute("PRAGMA user_version=4")
    db.close()


def test_a_version_4_history_keeps_its_lines_and_new_accounts_get_short_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.db"
    version_4_file(path, ORDER)
    history = History(path)
    assert history.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    # Its lines are the same account's, found, paged and searched as before.
    old = "acct-0123456789ab"
    assert [m.text for m in history.last(old, "team", 3)] == ORDER[-3:]
    assert [h.message.text for h in history.search(old, "lunch")] == [
        "lunch 12시에 봐요",
        "Hello everyone, lunch at noon",
    ]
    assert history.search("someone else", "lunch") == []
    # More lines of it go with the old ones; a new account's rows hold a short key.
    history.add(old, "team", [other("lunch again", "team")])
    history.add("acct-fedcba987654", "team", [other("lunch elsewhere", "team")])
    history.flush()
    assert [m.text for m in history.last(old, "team", 2)] == [ORDER[-1], "lunch again"]
    assert [m.text for m in history.last("acct-fedcba987654", "team", 5)] == ["lunch elsewhere"]
    assert [h.message.text for h in history.search("acct-fedcba987654", "lunch")] == [
        "lunch elsewhere"
    ]
    kept = {r[0] for r in history.db.execute("SELECT DISTINCT account FROM messages")}
    assert kept == {old, "http://old.example:3000", "#3"}
    # An earlier version's server lines are still there for their first account.
    assert history.legacy_servers() == ["http://old.example:3000"]
    assert history.adopt("http://old.example:3000", "me").result(10) == 1
    assert [m.text for m in history.last("http://old.example:3000", "", 5)] == ["from before"]
    history.db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    history.close()


def test_merging_the_index_gives_way_to_a_waiting_batch(tmp_path: Path) -> None:
    """settle_index stops when told a batch waits (the writer asks its queue
    between steps), and finishes later from where it stopped."""
    db = open_or_move_aside(tmp_path / "history.db", SCHEMA, VERSION, check=False).connection
    db.executemany(
        "INSERT INTO messages (account, room, id, kind, sender, text, ts)"
        " VALUES ('#1', '', ?, 'other', 'bob', ?, 1.0)",
        [(f"id{i}", f"lunch at noon word{i}") for i in range(2000)],
    )
    upto = 0
    for _ in range(10):  # ten sittings of the writer: ten segments
        db.execute("BEGIN")
        upto = index_rows(db, upto, 200) or upto
        db.execute("COMMIT")
    segments = db.execute("SELECT count(DISTINCT segid) FROM messages_fts_idx").fetchone()[0]
    assert segments >= 5
    assert settle_index(db, lambda: False) is False
    assert (
        db.execute("SELECT count(DISTINCT segid) FROM messages_fts_idx").fetchone()[0] == segments
    )
    assert settle_index(db) is True
    assert db.execute("SELECT count(DISTINCT segid) FROM messages_fts_idx").fetchone()[0] <= 2
    hits = db.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'lunch'")
    assert hits.fetchone()[0] == 2000
    db.close()


def prefix_lines(count: int) -> list[str]:
    """Lines with many words of one beginning (pre…), and their neighbours in
    the index's order (prd…, prf…), which a search for "pre" must not find."""
    return [
        f"{('pre', 'prd', 'prf')[i % 3]}{i // 3 % 390:03d}{'x' * (i // 3 % 2)} at noon {i}"
        for i in range(count)
    ]


def test_a_prefix_finds_every_word_it_begins_over_many_pages(tmp_path: Path) -> None:
    """A Latin prefix is asked as the OR of the index's words it begins,
    read from the index's leaf pages: words on every page of every segment,
    written whole or sharing their start with the one before, are found."""
    history = History(tmp_path / "history.db")
    lines = prefix_lines(12000)
    for start in range(0, len(lines), 2000):  # six sittings of the writer
        history.add("s", "", [other(text) for text in lines[start : start + 2000]])
        history.flush()
        wait_indexed(history)
    pages = history.db.execute(  # leaf pages where words with "pr" begin
        "SELECT count(*) FROM messages_fts_idx WHERE term > ? AND term < ?", (b"0pr", b"0ps")
    ).fetchone()[0]
    assert pages >= 5
    for prefix in ("pre", "pre1", "pre38", "prd0", "prf389"):
        expected = sorted(line for line in lines if line.startswith(prefix))
        assert sorted(h.message.text for h in history.search("s", prefix, limit=5000)) == expected
    assert history.search("s", "prg") == []
    history.close()


def test_the_words_a_prefix_begins_are_all_read_while_segments_are_merged(
    tmp_path: Path,
) -> None:
    """Between two steps of a merge (the writer stops when a batch waits) a
    segment is partly moved into another: the words read from the leaf pages
    are still those of the whole index (FTS5's own list of them, fts5vocab)."""
    db = open_or_move_aside(tmp_path / "history.db", SCHEMA, VERSION, check=False).connection
    db.executemany(
        "INSERT INTO messages (account, room, id, kind, sender, text, ts)"
        " VALUES ('#1', '', ?, 'other', 'bob', ?, 1.0)",
        [(f"id{i}", text) for i, text in enumerate(prefix_lines(4000))],
    )
    upto = 0
    for _ in range(8):  # eight sittings of the writer: eight segments
        db.execute("BEGIN")
        upto = index_rows(db, upto, 500) or upto
        db.execute("COMMIT")
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, messages_fts, row)")

    def vocabulary(prefix: str) -> list[str]:
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = db.execute("SELECT term FROM vocab WHERE term >= ? AND term < ?", (prefix, end))
        return [term for (term,) in rows]

    db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('usermerge', 2)")
    steps = 0
    while True:
        for prefix in ("pre", "pre1", "pre15", "prd", "prf2"):
            assert index_words(db, prefix, 1000) == vocabulary(prefix), (steps, prefix)
        assert index_words(db, "pre", 389) is None  # more than asked for: None
        before = db.total_changes
        db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', 1)")
        if db.total_changes - before < 2:
            break
        steps += 1
    assert steps > 5
    db.close()


def test_a_korean_run_is_found_whole_though_asked_by_its_rarer_bigrams(tmp_path: Path) -> None:
    """A run of three or more syllables is asked of the index without its
    commonest bigrams (quick at millions of lines); the rows are then checked
    for the whole run, so lines holding its bigrams apart are not found."""
    history = History(tmp_path / "history.db")
    lines = [
        "안녕하세요하면 좋아요",  # the run, then a word
        "하면 세요 요하 안녕",  # every bigram of 세요하면, apart
        "세요하면서 가요",  # the run inside a longer word
        "요하 세요하 lunch",
    ] + ["안녕하세요 여러분"] * 50  # 세요 common, 요하 and 하면 rarer
    history.add("s", "", [other(text) for text in lines])
    history.flush()
    wait_indexed(history)

    def texts(query: str) -> list[str]:
        return sorted(h.message.text for h in history.search("s", query))

    assert texts("세요하면") == ["세요하면서 가요", "안녕하세요하면 좋아요"]
    assert texts("요하 세요하면") == ["세요하면서 가요", "안녕하세요하면 좋아요"]
    assert texts("세요하 lunch") == ["요하 세요하 lunch"]
    assert texts("녕하세요 여러") == ["안녕하세요 여러분"] * 50
    history.close()


def test_search_as_one_types_sees_the_lines_kept_since_its_last_search(tmp_path: Path) -> None:
    """Search as one types runs on worker threads on the history's search
    connection, which stays open between searches: each search sees every
    line kept and indexed before it, and searches from two threads at once
    each get their own results."""
    history = History(tmp_path / "history.db")
    history.add("s", "", [other("lunch at noon"), other("점심은 뭐 먹을까요?")])
    history.flush()
    wait_indexed(history)

    def texts(query: str) -> list[str]:
        with ThreadPoolExecutor(1) as worker:
            hits = worker.submit(history.search, "s", query, None, 200, apart=True).result(10)
        return [h.message.text for h in hits]

    assert texts("lunch") == ["lunch at noon"]
    history.add("s", "", [other("lunch again"), other("오늘 점심을 같이 해요")])
    history.flush()
    wait_indexed(history)
    assert texts("lunch") == ["lunch again", "lunch at noon"]
    assert texts("점심") == ["오늘 점심을 같이 해요", "점심은 뭐 먹을까요?"]
    with ThreadPoolExecutor(2) as workers:
        both = [
            workers.submit(history.search, "s", query, None, 200, apart=True)
            for query in ("lunch", "점심") * 10
        ]
        assert {len(done.result(10)) for done in both} == {2}
    history.close()
    assert history.search("s", "lunch", apart=True) == []  # closed: nothing, no error


def test_a_common_syllable_left_to_the_row_is_still_required(tmp_path: Path) -> None:
    """A syllable in many lines (에) is left out of what the index is asked
    when the query has rarer words, and checked in each row instead: only
    the lines that hold it and the rest are found, wherever it is."""
    history = History(tmp_path / "history.db")
    lines = [
        "는들이로 가요 에",  # both, apart
        "는들이로에 가요",  # both, the syllable after the word
        "는들이로 가요",  # the word alone
        "는들 이로 에",  # the syllables of the word apart
    ] + [f"회의에서 봐요 {i}" for i in range(80)]  # 에 in most lines
    history.add("s", "", [other(text) for text in lines])
    history.flush()
    wait_indexed(history)
    found = sorted(h.message.text for h in history.search("s", "는들이로 에"))
    assert found == ["는들이로 가요 에", "는들이로에 가요"]
    assert len(history.search("s", "에 봐요")) == 80
    history.close()
