"""The local history: every message the window shows, per account and conversation.

(Why over 400 lines: the writer thread and the readers share one schema and
one `seq` bookkeeping, `seq_of`; apart, each would have to know the other's.)

A file of its own, `history.db`, beside `client.db` rather than in it:
- it grows to millions of rows and is written under floods; the outbox and
  channel offsets in client.db are small and must stay quick to commit;
- a damaged history is moved aside and started afresh
  (`open_or_move_aside`) without costing the messages waiting to be sent;
- the writer thread owns a connection of its own; WAL lets the window's
  reads (paging, search) run beside its commits.

Writing is off the message path: the window hands whole batches to
`add()` (a queue put), and a writer thread commits what has gathered in
one transaction every `COMMIT_EVERY` seconds or `COMMIT_ROWS` rows. SQLite
releases the GIL while it works, so most of the cost runs beside the
window's thread, not in it.

What a row costs is kept small, since a flood writes tens of thousands a
second on a machine that has other work: the only indexes written with
each row are the conversation's (account, room, seq), appended at the end
(the account as a short key, `account_keys`, not its id), and a unique
index of our own messages' ids (delivery states find their row by it;
other ids are random, and a B-tree of random keys costs several times the
row itself). Rows read from the file keep their `seq` in
`seq_of`, which is how paging and search results find their neighbours.

Search is an SQLite FTS5 word index (`unicode61`) in which every Hangul
syllable (and every other CJK character: kana, Han) is a word of its own
(`fts_text`): a Korean query is a phrase of syllables, so any part of a
word is found, down to one syllable (점심 in 점심은, 하세요 in 안녕하세요);
a Latin query finds words and word prefixes (hel finds Hello), not the
middle of a word (ello does not). It was chosen by measurement over the
trigram index it replaced (docs/performance.md, "Search, round three"): a
tenth of the CPU per message and less than half the file, with every kind
of query answered in milliseconds. The index keeps no copy of the text
(contentless), so deleting a row gives it the same `fts_text` of the old
text. It is built by the writer when no batch has come for `INDEX_IDLE`
seconds, in chunks, so a flood is not slowed by it; rows not yet indexed
(the newest, few once the flood is over) are searched with LIKE; once all
are, it merges the index's segments, a step at a time (`settle_index`), so
that a query reads few of them. Only the
first `INDEXED_CHARS` of a text are indexed, so a hostile 10 MB message
costs the index no more than 64 KiB.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from pathlib import Path

from desktop_chat.protocol.messages import (
    LIVING_FIELDS,
    Attachment,
    Change,
    ChangeType,
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
    apply_change,
    lives,
)
from desktop_chat.storage.sqlite import OpenedDatabase, open_or_move_aside

log = logging.getLogger(__name__)

VERSION = 5
INDEXED_CHARS = 65_536
COMMIT_EVERY = 0.5  # seconds a batch may wait for more before it is committed
COMMIT_ROWS = 500  # rows that are committed at once without waiting
INDEX_IDLE = 0.25  # seconds without a batch before the writer indexes for search
WRITER_NICE = 10  # how much lower the writer thread runs than the window (Linux)
INDEX_CHUNK = 10_000  # rows indexed per transaction (then the queue is looked at again)
BUSY_TIMEOUT_MS = 5000  # the writer waits this long for another window's writer
SCRUB_TRIES = 50  # checkpoints tried after a deletion before waiting for an idle moment
SCRUB_WAIT = 0.02  # seconds between those tries
EXPAND_WORDS = 400  # a Latin prefix is asked as the OR of at most this many words
MERGE_PAGES = 400  # index pages one idle merge step writes (a few tens of ms), see settle_index
USERMERGE = 2  # segments of one level that an idle merge step merges into one
COMMON = 0.02  # bytes per indexed line above which a CJK word's list is common (_expand)
RARER = 4  # ... when the query has a word whose list is this many times shorter

# The search index (version 4; versions up to 3 had a trigram index over the
# table's text). Its trigger calls fts_text (`FTS_FUNCTION`), which every
# connection that deletes rows registers (`_with_functions`).
FTS_FUNCTION = "chat_fts_text"
FTS = f"""
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='', columnsize=0, detail=none, prefix='1', tokenize='unicode61'
);
CREATE TRIGGER messages_unindexed AFTER DELETE ON messages
WHEN old.seq <= (SELECT upto FROM fts_progress) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text)
    VALUES ('delete', old.seq, {FTS_FUNCTION}(old.text));
END
"""
# Version 5: the rows keep an account by a short key ('#1', `account_keys`),
# not by its id: the id (16 characters, a server's URL for a version 1 line)
# was in every row and in every entry of the conversation index, a fifth of
# the file at a million lines. A version 4 file's accounts keep their id as
# their key, so no row is rewritten (`MIGRATIONS[4]`: seconds at a million,
# at start); accounts new to it get short ones.
_KEYS = """
CREATE TABLE account_keys (account TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE) WITHOUT ROWID
"""
# A statement's account, given as its id: the rows' key for it (NULL, so no
# row, for an account that has kept nothing).
_KEY = "(SELECT key FROM account_keys WHERE account = ?)"
_KEY1 = "(SELECT key FROM account_keys WHERE account = ?1)"
NEW_ACCOUNT_KEY = (
    "INSERT OR IGNORE INTO account_keys (account, key)"
    " VALUES (?, '#' || (SELECT count(*) + 1 FROM account_keys))"
)
_LEGACY = """
CREATE TABLE legacy_servers (server TEXT PRIMARY KEY)
"""
SCHEMA = (
    f"""
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    room TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    sender TEXT NOT NULL,
    text TEXT NOT NULL,
    ts REAL NOT NULL,
    state TEXT,
    error TEXT NOT NULL DEFAULT '',
    extra TEXT
);
CREATE INDEX messages_conversation ON messages (account, room, seq);
CREATE UNIQUE INDEX messages_own ON messages (account, id) WHERE kind = 'own';
-- Rows up to `upto` are in messages_fts; the writer indexes the rest when idle.
CREATE TABLE fts_progress (upto INTEGER NOT NULL);
INSERT INTO fts_progress (upto) VALUES (0);
{FTS};
{_KEYS};
CREATE TABLE conversation_state (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (account, key)
);
"""
    + _LEGACY
)
# Version 2: lines are kept per account (desktop_chat/accounts), no longer per
# server. Version 1 kept them per server key, whichever window they came from:
# those servers wait in legacy_servers for their first account (`adopt`).
# Version 3: what living messages add to a line (a reply, Markdown, an edit, a
# deletion, reactions, our line's server id), as JSON in `extra`; NULL for a
# plain line, which is most of them (`_living`). A file's line keeps its
# attachment there too (as on the wire, `Attachment.to_wire`): no new column,
# so no new version (an older build reading the file ignores the key).
# Version 4: the search index is a word index with CJK characters one by one
# (FTS): the trigram index is dropped and the writer builds the new one from
# the kept lines when idle, as it indexes new rows (`upto` back to 0; until
# then search reads the rows not indexed yet with LIKE).
MIGRATIONS = {
    1: """
ALTER TABLE messages RENAME COLUMN server TO account;
ALTER TABLE conversation_state RENAME COLUMN server TO account;
"""
    + _LEGACY
    + """;
INSERT OR IGNORE INTO legacy_servers (server)
SELECT DISTINCT account FROM messages UNION SELECT account FROM conversation_state
""",
    2: "ALTER TABLE messages ADD COLUMN extra TEXT",
    3: "DROP TRIGGER messages_unindexed; DROP TABLE messages_fts;"
    + FTS
    + "; UPDATE fts_progress SET upto = 0",
    4: _KEYS
    + """;
INSERT INTO account_keys (account, key)
SELECT DISTINCT account, account FROM messages UNION SELECT server, server FROM legacy_servers
""",
}

_KINDS = {kind.value: kind for kind in Kind}
_STATES = {state.value: state for state in DeliveryState}
_INSERT_ROWS = (
    "INSERT OR IGNORE INTO messages"
    " (account, room, id, kind, sender, text, ts, state, error, extra)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_COLUMNS = "room, id, kind, sender, text, ts, state, error, extra, seq"
# A kept line of a conversation known here as ?3 (ours also by the server's
# id), newest first: a change or a reply's quote is mostly of a recent line.
_FIND_LINE = (
    f"SELECT {_COLUMNS} FROM messages WHERE account = {_KEY1} AND room = ?2"
    " AND (id = ?3 OR (kind = 'own' AND extra ->> '$.server_id' = ?3)) ORDER BY seq DESC"
)
_M_COLUMNS = "m.room, m.id, m.kind, m.sender, m.text, m.ts, m.state, m.error, m.extra, m.seq"


@dataclass(frozen=True, slots=True)
class Hit:
    """A message search found: its conversation, and where the query is in its text."""

    room: str
    message: Message
    spans: tuple[tuple[int, int], ...]  # (start, length) in message.text
    account: str = ""  # the account whose history it is in


def default_history_path(data: Path) -> Path:
    return data / "history.db"


def keeps(message: Message) -> bool:
    """Whether a line is worth keeping: what people said, and system lines of a room
    (joins, leaves, notes about it); not the window's notes about its connection."""
    return message.kind is not Kind.SYSTEM or bool(message.room)


def _message(row: tuple[object, ...]) -> Message:
    room, id_, kind, sender, text, ts, state, error, extra, _seq = row
    message = Message(
        text=str(text),
        kind=_KINDS.get(str(kind), Kind.SYSTEM),
        room=str(room),
        sender=str(sender),
        ts=float(ts),  # type: ignore[arg-type]
        id=str(id_),
        state=_STATES.get(str(state)) if state is not None else None,
        error=str(error),
    )
    if extra is not None:
        _set_living(message, str(extra))
    return message


def _living(message: Message) -> dict[str, object] | None:
    """What living messages add to a line, for `extra` (None: a plain line)."""
    if not lives(message):
        return None
    living: dict[str, object] = {}
    for key in LIVING_FIELDS:
        value = getattr(message, key)
        if value:
            living[key] = list(value) if key == "reacted" else value
    if message.attachment is not None:
        living["attachment"] = message.attachment.to_wire()
    return living


def _set_living(message: Message, extra: str) -> None:
    try:
        living = json.loads(extra)
    except ValueError:
        return
    if not isinstance(living, dict):
        return
    message.reply_to = str(living.get("reply_to", ""))
    message.formatted = living.get("formatted") is True
    edited = living.get("edited_at", 0.0)
    message.edited_at = float(edited) if isinstance(edited, int | float) else 0.0
    message.deleted = living.get("deleted") is True
    reactions = living.get("reactions")
    if isinstance(reactions, dict):
        message.reactions = {
            str(k): [str(n) for n in v] for k, v in reactions.items() if isinstance(v, list)
        } or None
    reacted = living.get("reacted")
    if isinstance(reacted, list):
        message.reacted = tuple(str(e) for e in reacted)
    message.server_id = str(living.get("server_id", ""))
    if "attachment" in living:
        message.attachment = Attachment.from_kept(living["attachment"])


_STATE_VALUES: dict[DeliveryState | None, str | None] = {None: None}
_STATE_VALUES.update({state: state.value for state in DeliveryState})


def _extra(message: Message) -> str | None:
    """A line's `extra` column: what living messages add, as JSON (None: a plain line)."""
    return json.dumps(_living(message), separators=(",", ":")) if lives(message) else None


def _batch_rows(key: str, room: str, messages: list[Message]) -> Iterator[tuple[object, ...]]:
    """A batch's rows for `_INSERT_ROWS`, made by C-level iterators: the
    writer holds the GIL (which the window's thread needs) for as short a
    time as it can. One bound statement a row costs less CPU than the batch
    as one JSON text taken apart by SQLite (encoding, then json_each): 0.7
    against 1.1 s per 100,000 lines here, the commit included."""
    return zip(
        repeat(key),
        repeat(room),
        map(attrgetter("id"), messages),
        map(attrgetter("kind.value"), messages),
        map(attrgetter("sender"), messages),
        map(attrgetter("text"), messages),
        map(attrgetter("ts"), messages),
        map(_STATE_VALUES.__getitem__, map(attrgetter("state"), messages)),
        map(attrgetter("error"), messages),
        map(_extra, messages),
        strict=False,  # the key and room repeat: the lines end it
    )


def _utf8(row: tuple[object, ...]) -> tuple[object, ...]:
    """A row whose texts SQLite can take as UTF-8: a lone surrogate (JSON
    allows them, a hostile server may send one) becomes U+FFFD. Bound as it
    is, it fails; kept as JSON escapes it made a row no read could decode."""
    return tuple(
        v.encode("utf-16", "surrogatepass").decode("utf-16", "replace") if isinstance(v, str) else v
        for v in row
    )


# Characters written without spaces between words, or run together with
# their particles (Korean: 점심은, 점심을): Hangul syllables and compatibility
# jamo (ㅋㅋ), kana, Han ideographs. In the index each is a word of its own,
# and so is each pair of neighbours (a bigram): a run of two or more in a
# query is the AND of its bigrams (selective, quick at millions of rows)
# and one character alone is its own word.
_CJK = "\u3130-\u318f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: what unicode61 takes as a word
_SYMBOL = re.compile(r"[^\w\s]")


def _grams(run: re.Match[str]) -> str:
    chars = run.group()
    if len(chars) == 1:
        return f" {chars} "
    return f" {' '.join(chars)} {' '.join(map(str.__add__, chars, chars[1:]))} "


def fts_text(text: str) -> str:
    """What the index is given for a text: its first INDEXED_CHARS, every CJK
    character and every two neighbouring ones set apart as words. The same
    text gives the same result in every version that writes this index: a
    deleted row is taken out by giving it this again (the index keeps no
    copy of the text)."""
    text = text[:INDEXED_CHARS]
    if text.isascii():  # most of a flood: nothing to do, at no cost
        return text
    return _CJK_RUN.sub(_grams, text)


@dataclass(frozen=True, slots=True)
class _Query:
    """A query as the index is asked: `match` (FTS5: the AND of its words,
    the last a prefix when it is Latin; None when the query has no letter
    or digit: LIKE alone), and what each candidate row must also hold
    (`runs`: every CJK run of three or more characters, which its bigrams
    alone could find apart; `like`: the whole query as typed, when it has
    symbols, which the index does not see). The index keeps no positions
    (detail=none: a third of the size), so words are found in any order.
    `prefix`: the last word, when it is a Latin one of two or more ASCII
    characters (`_expand`), else "" (FTS5's own prefix query). `words`: the
    words of the match, each as a tuple: one word, or the bigrams of a run
    in `runs`, of which any one finds the rows that `runs` then checks."""

    match: str | None
    runs: tuple[str, ...]
    like: bool
    prefix: str = ""
    words: tuple[tuple[str, ...], ...] = ()


def _fts_query(query: str) -> _Query:
    """Quotes, *, -, ^, :, NEAR, AND and OR are the user's text, never FTS5
    syntax: every word is quoted (a word has no quote in it)."""
    words: list[tuple[str, ...]] = []
    at = 0
    for run in _CJK_RUN.finditer(query):
        words += [(token,) for token in _TOKEN.findall(query, at, run.start())]
        chars = run.group()
        grams = tuple(map(str.__add__, chars, chars[1:])) or (chars,)
        words += [grams] if len(grams) > 1 else [(gram,) for gram in grams]
        at = run.end()
    words += [(token,) for token in _TOKEN.findall(query, at)]
    if not words:
        return _Query(None, (), True)
    tokens = [token for group in words for token in group]
    match = " ".join(f'"{token}"' for token in tokens)
    last, prefix = tokens[-1], ""
    if not _CJK_RUN.fullmatch(last[-1]):
        match += "*"
        if len(last) >= 2 and last.isascii():
            prefix = last.lower()
    runs = tuple(run for run in _CJK_RUN.findall(query) if len(run) > 2)
    return _Query(match, runs, bool(_SYMBOL.search(query)), prefix, tuple(words))


def _expand(db: sqlite3.Connection, asked: _Query) -> tuple[str | None, list[str]]:
    """The match as the index is asked it, in two ways quicker than as typed,
    and the CJK words left out of it, which each row must then hold (`instr`:
    a CJK word is in a row's index exactly when it is in its text).

    A common CJK word (its list more than COMMON bytes a line of the index:
    in some one line in fifty or more, like 에 or the bigrams of 안녕하세요)
    is left out when the query has a word with a list RARER times shorter,
    except the rarest bigram of a run (two, for a query of that run alone:
    one would find too many rows to read); a run's bigrams left out are
    checked with the run (`runs`). FTS5 answers an AND by stepping through
    every list in turn, and stepping through a list of a fifth of the lines
    costs more than reading the few rows the other words find: a two-word
    Korean query took up to 170 ms at ten million lines with every word
    asked, and up to 50 with the common ones left out by length alone (their
    share of the lines keeps 이로 in "는들이로 에", which leaves 800 rows of
    18,000, and leaves 에 to instr: 75 -> 13 ms).

    The last word, a Latin prefix, is asked as the OR of the words of the
    index that begin with it (at most EXPAND_WORDS of them; else the prefix
    query as it is). FTS5 answers a prefix query by merging the whole lists
    of rows of every such word before it gives the first row: "the*" at a
    million lines reads every line with "the". An OR of the words reads each
    list from its newest end and stops at the results wanted."""
    assert asked.match is not None
    match, checked = asked.match, []
    star = match.endswith("*")
    exact = asked.words[:-1] if star else asked.words  # the last word, a prefix: not sized
    if sum(len(group) for group in exact) > 1 and any(_CJK_RUN.match(g[0]) for g in exact):
        sizes = _list_sizes(db, {word for group in exact for word in group})
        common = COMMON * int(db.execute("SELECT upto FROM fts_progress").fetchone()[0])
        above = max(common, RARER * min(sizes.values()))
        least = 2 if len(exact) == 1 else 1  # bigrams of a run always asked
        tokens: list[str] = []
        for group in asked.words:
            if group not in exact or not _CJK_RUN.match(group[0]):
                tokens += group
                continue
            keep = sorted(group, key=sizes.__getitem__)[:least] if len(group) > 1 else []
            for word in group:
                if word in keep or sizes[word] <= above:
                    tokens.append(word)
                elif len(group) == 1:  # a run of three or more is checked whole
                    checked.append(word)
        match = " ".join(f'"{token}"' for token in tokens) + ("*" if star else "")
    if not asked.prefix:
        return match, checked
    words = index_words(db, asked.prefix, EXPAND_WORDS)
    if words is None:
        return match, checked
    if not words:
        return None, checked
    head = match[: match.rindex('"', 0, -2)]
    either = " OR ".join(f'"{word}"' for word in words)
    return (f"{head}AND ({either})" if head else f"({either})"), checked


def index_words(db: sqlite3.Connection, prefix: str, most: int) -> list[str] | None:
    """The words of the index that begin with `prefix` (ASCII), None if more
    than `most`. FTS5's own list of its words (fts5vocab) walks every row of
    each word to count them: all the lines with "the" for "the", 10 ms at a
    million lines and 100 at ten, where the query itself then takes 1. The
    words are read instead from the index's leaves where they are written:
    each segment's b-tree (`_idx`: the first word of each leaf page) gives
    the few pages where words with the prefix begin, and each page's footer
    where each of its words is (the format is documented at the top of
    SQLite's fts5_index.c and has been stable since FTS5 version 4). An
    index of another version is asked through fts5vocab."""
    if _fts_format(db) != 4:
        return _vocab_words(db, prefix, most)
    try:
        return _leaf_words(db, prefix, most)
    except (IndexError, ValueError):  # a page not as documented: asked the slow way
        log.warning("cannot read the search index's words", exc_info=True)
        return _vocab_words(db, prefix, most)


def _leaf_words(db: sqlite3.Connection, prefix: str, most: int) -> list[str] | None:
    low = b"0" + prefix.encode()  # '0': the main index, not a prefix index
    high = low[:-1] + bytes([low[-1] + 1])
    words: set[str] = set()
    for (segment,) in db.execute(_SEGMENTS).fetchall():
        for (page,) in db.execute(_PAGES, (segment, low, high)).fetchall():
            row = db.execute(
                "SELECT block FROM messages_fts_data WHERE id = ?", ((segment << 37) + page,)
            ).fetchone()
            if row is None:  # merged into another segment since (a merge under way)
                continue
            for term, _start, _end in _leaf_terms(row[0]):
                if low <= term < high:
                    words.add(term[1:].decode())
                    if len(words) > most:
                        return None
    return sorted(words)


# Every segment of the search index, by hops along its b-trees' primary key.
_SEGMENTS = (
    "WITH RECURSIVE s(id) AS (SELECT min(segid) FROM messages_fts_idx UNION ALL"
    " SELECT (SELECT min(segid) FROM messages_fts_idx WHERE segid > s.id) FROM s"
    " WHERE s.id IS NOT NULL) SELECT id FROM s WHERE id IS NOT NULL"
)
# The leaf pages of segment ?1 that may hold words from ?2 up to ?3: the one
# where ?2 would be, and those whose first word is after it and before ?3.
_PAGES = (
    "SELECT pgno >> 1 FROM (SELECT pgno FROM messages_fts_idx WHERE segid = ?1 AND term <= ?2"
    " ORDER BY term DESC LIMIT 1) UNION ALL SELECT pgno >> 1 FROM messages_fts_idx"
    " WHERE segid = ?1 AND term > ?2 AND term < ?3"
)


def _fts_format(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT v FROM messages_fts_config WHERE k = 'version'").fetchone()
    return -1 if row is None else int(row[0])


def _leaf_terms(page: bytes) -> Iterator[tuple[bytes, int, int]]:
    """The words on a leaf page of an FTS5 segment, in order, each with where
    its list of rows begins and ends on the page: the footer (from the offset
    in bytes 2-3) gives where each word begins, as differences; the first is
    written whole, each next one as how many bytes it shares with the one
    before and the rest."""
    footer = int.from_bytes(page[2:4], "big")
    at, where, term = footer, 0, b""
    starts = []
    while at < len(page):
        step, at = _varint(page, at)
        where += step
        starts.append(where)
    for index, where in enumerate(starts):
        if not term:
            size, start = _varint(page, where)
            term = page[start : start + size]
        else:
            shared, start = _varint(page, where)
            size, start = _varint(page, start)
            term = term[:shared] + page[start : start + size]
        end = starts[index + 1] if index + 1 < len(starts) else footer
        yield term, start + size, end


def _list_sizes(db: sqlite3.Connection, words: set[str]) -> dict[str, int]:
    """About how many bytes each word's list of rows takes in the index (0:
    none), read from the leaf pages as `index_words` reads them: what a word
    costs a query that steps through it. A list longer than its page goes on
    over pages without words, up to the next page with one (`_idx`)."""
    sizes = dict.fromkeys(words, 0)
    if _fts_format(db) != 4:
        return sizes
    try:
        for (segment,) in db.execute(_SEGMENTS).fetchall():
            for word in words:
                key = b"0" + word.encode()
                row = db.execute(_PAGE_OF, (segment, key)).fetchone()
                if row is None:
                    continue
                page, following = row
                block = db.execute(
                    "SELECT block FROM messages_fts_data WHERE id = ?", ((segment << 37) + page,)
                ).fetchone()
                for term, start, end in [] if block is None else _leaf_terms(block[0]):
                    if term == key:
                        sizes[word] += end - start
                        if end == int.from_bytes(block[0][2:4], "big") and following:
                            sizes[word] += (following - page - 1) * len(block[0])
                        break
    except (IndexError, ValueError):  # a page not as documented: no sizes
        log.warning("cannot read the search index's words", exc_info=True)
    return sizes


# The leaf page of segment ?1 where word ?2 would be, and the next page with a word.
_PAGE_OF = (
    "SELECT pgno >> 1, (SELECT pgno >> 1 FROM messages_fts_idx WHERE segid = ?1 AND term > ?2"
    " ORDER BY term LIMIT 1) FROM messages_fts_idx WHERE segid = ?1 AND term <= ?2"
    " ORDER BY term DESC LIMIT 1"
)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """The SQLite varint at `at` (7 bits a byte, the high bit set while more
    follow): its value and where it ends."""
    value = 0
    while True:
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at


def _vocab_words(db: sqlite3.Connection, prefix: str, most: int) -> list[str] | None:
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_vocab"
        " USING fts5vocab(main, messages_fts, row)"
    )
    end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    words = db.execute(
        "SELECT term FROM temp.messages_vocab WHERE term >= ? AND term < ? LIMIT ?",
        (prefix, end, most + 1),
    ).fetchall()
    return None if len(words) > most else [word for (word,) in words]


def _with_functions(db: sqlite3.Connection) -> sqlite3.Connection:
    """A connection that may delete rows: the index's trigger calls fts_text."""
    db.create_function(FTS_FUNCTION, 1, fts_text, deterministic=True)
    return db


def index_rows(db: sqlite3.Connection, after: int, count: int) -> int | None:
    """Index the `count` rows after seq `after` (in the caller's transaction);
    the last seq indexed, None if there was none. One statement, in SQLite
    with the GIL released: a text of ASCII alone (most of a flood) is the
    index's text as it is; only the others are handed to fts_text."""
    last = db.execute(
        "SELECT max(seq) FROM (SELECT seq FROM messages WHERE seq > ? ORDER BY seq LIMIT ?)",
        (after, count),
    ).fetchone()[0]
    if last is None:
        return None
    _with_functions(db).execute(
        "INSERT INTO messages_fts (rowid, text) SELECT seq,"
        " CASE WHEN length(CAST(text AS BLOB)) = length(text)"
        f" THEN substr(text, 1, {INDEXED_CHARS}) ELSE {FTS_FUNCTION}(text) END"
        " FROM messages WHERE seq > ? AND seq <= ?",
        (after, last),
    )
    return int(last)


def settle_index(db: sqlite3.Connection, go_on: Callable[[], bool] = lambda: True) -> bool:
    """Merge the search index's segments, MERGE_PAGES at a time (one
    transaction each, in autocommit), while `go_on()` says so and there is
    work; whether it is all done.

    Why: FTS5 reads a query's every word in every segment of the index, and
    each commit of the writer leaves a segment; its own merging during
    writes (automerge, 4 a level) leaves tens of them at a million rows,
    and the reads of them all were the tail of a Latin query (25 ms p99 at
    a million, 85-191 ms at ten). With usermerge 2, a step merges only the
    segments of a level that has two or more, so once settled each level
    holds one: a few segments, of sizes growing by level, and a new flood's
    segments are merged with each other and then with the smallest big
    one, never the whole index again ('optimize' rewrites it all: 4 s of
    CPU at a million). The steps run back to back (their CPU is part of
    what a flood costs until idle) and stop as soon as `go_on()` says a
    batch is waiting."""
    row = db.execute("SELECT v FROM messages_fts_config WHERE k = 'usermerge'").fetchone()
    if row is None or row[0] != USERMERGE:
        db.execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('usermerge', ?)", (USERMERGE,)
        )
    while go_on():
        before = db.total_changes
        db.execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?)", (MERGE_PAGES,)
        )
        if db.total_changes - before < 2:  # FTS5's sign that the step found nothing to do
            return True
    return False


def spans_of(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """Where `query` is in `text`, ignoring case, as (start, length) pairs (at most 20)."""
    if not query:
        return ()
    folded, needle = text.lower(), query.lower()
    if len(folded) != len(text):  # lower() changed lengths: positions would not match
        folded, needle = text, query
    spans: list[tuple[int, int]] = []
    start = folded.find(needle)
    while start >= 0 and len(spans) < 20:
        spans.append((start, len(query)))
        start = folded.find(needle, start + len(needle))
    return tuple(spans)


OFFSET_KEY = "offset:"  # conversation_state key of a channel's newest kept offset


def _keep_offsets(db: sqlite3.Connection, account: str, messages: list[Message]) -> None:
    """The newest server offset of each channel in a batch, kept in the same
    transaction as its lines (History.offsets): a kill can then never leave
    the lines kept and the catch-up point behind them, or the reverse."""
    newest: dict[str, int] = {}
    for message in messages:
        offset = message.offset
        if offset and offset > newest.get(message.room, 0):
            newest[message.room] = offset
    if newest:
        db.executemany(
            "INSERT INTO conversation_state (account, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (account, key) DO UPDATE"
            " SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            [(account, OFFSET_KEY + room, str(offset)) for room, offset in newest.items()],
        )


class History:
    """The store: reads on the caller's thread, writes on a thread of its own."""

    def __init__(self, path: Path | None = None) -> None:
        """`path` None keeps the history in a temporary file, gone at `close()`
        (windows that remember nothing, tests, benchmarks of the same code)."""
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="desktop-chat-history-")
            path = Path(self._tmp.name) / "history.db"
        self.path = path
        # No quick_check: it reads the whole file, hundreds of MB, at every start.
        self.opened: OpenedDatabase = open_or_move_aside(
            path, SCHEMA, VERSION, migrations=MIGRATIONS, check=False
        )
        self.db = _with_functions(self.opened.connection)
        # Where this run's rows begin: anything older was written before it.
        self.first_new_seq = (
            int(self.db.execute("SELECT coalesce(max(seq), 0) FROM messages").fetchone()[0]) + 1
        )
        self.seq_of: dict[str, int] = {}  # id -> seq of the rows read from the file
        self._queue: queue.SimpleQueue[tuple[object, ...] | None] = queue.SimpleQueue()
        self._keys: dict[str, str] = {}  # account -> its rows' key (account_keys), as made
        self._thread = threading.Thread(target=self._write, name="history-writer", daemon=True)
        self._thread.start()
        self._closed = False
        self._scrub_due: float | None = None  # a deletion's scrub is still to finish
        # Search as one types, off the window's thread (`search(apart=True)`).
        self._searcher: sqlite3.Connection | None = None
        self._searching = threading.Lock()

    # ---- writing (any thread: queued) --------------------------------------------

    def add(self, account: str, room: str, messages: list[Message]) -> None:
        """Keep a batch of a conversation (`room`, which may differ from what a
        server without rooms put in the message), as the records are now:
        they are never changed afterwards."""
        if messages and not self._closed:
            self._queue.put(("add", account, room, messages))

    def update(self, account: str, update: DeliveryUpdate) -> None:
        """One of our messages changed state; a discarded one is forgotten."""
        if not self._closed:
            self._queue.put(("state", account, update))

    def change(self, account: str, change: Change) -> None:
        """A line was edited, deleted or reacted to: its row is changed (a
        deleted line's text leaves the file and the search index), if kept."""
        if not self._closed:
            self._queue.put(("change", account, change))

    def remember(self, account: str, key: str, value: str) -> None:
        """Small state of the conversations of a server (the one shown, the rooms)."""
        if not self._closed:
            self._queue.put(("keep", account, key, value))

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until everything queued so far is committed."""
        done = threading.Event()
        self._queue.put(("flush", done))
        done.wait(timeout)

    def close(self) -> None:
        """Commit what is queued, stop the writer, close the files."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(30)
        with self._searching:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self.db.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.cleanup()

    def _write(self) -> None:
        # Below the window's threads in the OS's eyes (Linux: a thread's nice
        # value is its own): under a flood the window and the network come first.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WRITER_NICE)
        db = _with_functions(sqlite3.connect(str(self.path), isolation_level=None))
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-32768")  # 32 MB: the index pages written stay in memory
        # A deleted line's text must leave the file, not just the table (see _scrub).
        db.execute("PRAGMA secure_delete=ON")
        try:
            running = True
            indexed = False  # nothing left to index for search
            while running:
                try:
                    first = self._queue.get(timeout=None if indexed else INDEX_IDLE)
                except queue.Empty:
                    indexed = not self._index(db) and self._settle(db)
                    if self._scrub_due is not None:
                        indexed = False
                        self._scrub(db)
                    continue
                indexed = False
                ops = [first]
                deadline = time.monotonic() + COMMIT_EVERY
                rows = 0
                while (
                    ops[-1] is not None
                    and ops[-1][0] not in ("flush", "adopt")
                    and rows < COMMIT_ROWS
                ):
                    op = ops[-1]
                    if op[0] == "add":
                        rows += len(op[3])  # type: ignore[arg-type]
                    wait = deadline - time.monotonic()
                    if wait <= 0:
                        break
                    try:
                        ops.append(self._queue.get(timeout=wait))
                    except queue.Empty:
                        break
                running = self._commit(db, ops)
        finally:
            db.close()

    def _index(self, db: sqlite3.Connection) -> bool:
        """Index up to INDEX_CHUNK rows for search; whether any were."""
        try:
            db.execute("BEGIN")
            upto = int(db.execute("SELECT upto FROM fts_progress").fetchone()[0])
            last = index_rows(db, upto, INDEX_CHUNK)
            if last is None:
                db.execute("COMMIT")
                return False
            db.execute("UPDATE fts_progress SET upto = ?", (last,))
            db.execute("COMMIT")
            return True
        except sqlite3.Error:
            log.warning("could not index the history for search", exc_info=True)
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            return False

    def _settle(self, db: sqlite3.Connection) -> bool:
        """Merge the search index's segments while nothing waits (settle_index);
        whether it is done (else the writer comes back to it when idle)."""
        try:
            return settle_index(db, self._queue.empty)
        except sqlite3.Error:
            log.warning("could not merge the search index", exc_info=True)
            return True

    def _commit(self, db: sqlite3.Connection, ops: list[tuple[object, ...] | None]) -> bool:
        running = True
        deleted = False  # a line's text was removed: the files must not keep it
        flushed: list[threading.Event] = []
        adopted: list[tuple[Future[int], int]] = []
        try:
            db.execute("BEGIN")
            for op in ops:
                if op is None:
                    running = False
                elif op[0] == "add":
                    account, room, messages = op[1], op[2], op[3]
                    _keep_offsets(db, account, messages)  # type: ignore[arg-type]
                    self._insert(db, str(account), str(room), messages)  # type: ignore[arg-type]
                elif op[0] == "state":
                    account, update = op[1], op[2]
                    assert isinstance(update, DeliveryUpdate)
                    if update.state is DeliveryState.DISCARDED:
                        db.execute(
                            f"DELETE FROM messages WHERE account = {_KEY}"
                            " AND id = ? AND kind = 'own'",
                            (account, update.id),
                        )
                        continue
                    if update.attachment is not None:  # a file's line of ours, stored
                        db.execute(
                            "UPDATE messages SET extra = json_set(coalesce(extra, '{}'),"
                            " '$.attachment', json(?))"
                            f" WHERE account = {_KEY} AND id = ? AND kind = 'own'",
                            (json.dumps(update.attachment.to_wire()), account, update.id),
                        )
                    if update.server_id:
                        db.execute(
                            "UPDATE messages SET state = ?, error = ?,"
                            " extra = json_set(coalesce(extra, '{}'), '$.server_id', ?)"
                            f" WHERE account = {_KEY} AND id = ? AND kind = 'own'",
                            (
                                update.state.value,
                                update.error,
                                update.server_id,
                                account,
                                update.id,
                            ),
                        )
                    else:
                        db.execute(
                            "UPDATE messages SET state = ?, error = ?"
                            f" WHERE account = {_KEY} AND id = ? AND kind = 'own'",
                            (update.state.value, update.error, account, update.id),
                        )
                elif op[0] == "change":
                    change = op[2]
                    assert isinstance(change, Change)
                    if self._change(db, str(op[1]), change):
                        deleted = True
                elif op[0] == "keep":
                    db.execute(
                        "INSERT INTO conversation_state (account, key, value) VALUES (?, ?, ?)"
                        " ON CONFLICT (account, key) DO UPDATE SET value = excluded.value",
                        op[1:],
                    )
                elif op[0] == "flush":
                    flushed.append(op[1])  # type: ignore[arg-type]
                elif op[0] == "adopt":
                    adopted.append((op[3], self._adopt(db, op[1], op[2])))  # type: ignore[arg-type]
            db.execute("COMMIT")
        except Exception as exc:  # the writer must go on: a bug is logged, the batch is lost
            log.exception("could not keep %d history operations", len(ops))
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self._keys.clear()  # a key made in this transaction is gone with it
            # Whatever came after the failing one is lost too, but not the
            # stop (close would wait for the writer in vain) nor the flushes.
            running = None not in ops
            flushed = [op[1] for op in ops if op is not None and op[0] == "flush"]  # type: ignore[misc]
            for op in ops:
                if op is not None and op[0] == "adopt":
                    op[3].set_exception(exc)  # type: ignore[attr-defined]
            adopted.clear()
        if deleted:
            self._scrub(db)
        for event in flushed:
            event.set()
        for future, count in adopted:
            future.set_result(count)
        return running

    def _insert(
        self, db: sqlite3.Connection, account: str, room: str, messages: list[Message]
    ) -> None:
        """Keep a batch's lines (in the writer's transaction)."""
        key = self._keys.get(account)
        if key is None:  # the account's first line in this run
            db.execute(NEW_ACCOUNT_KEY, (account,))
            key = str(db.execute(f"SELECT {_KEY}", (account,)).fetchone()[0])
            self._keys[account] = key
        db.execute("SAVEPOINT batch")
        try:
            db.executemany(_INSERT_ROWS, _batch_rows(key, room, messages))
        except UnicodeEncodeError:  # a lone surrogate somewhere in the batch
            db.execute("ROLLBACK TO batch")
            db.executemany(_INSERT_ROWS, map(_utf8, _batch_rows(key, room, messages)))
        db.execute("RELEASE batch")

    @staticmethod
    def _change(db: sqlite3.Connection, account: str, change: Change) -> bool:
        """Apply a change to its line's row, and to the search index; whether
        text was deleted. A line not kept (yet) is left alone: the window
        applies a change that came before its line when the line comes."""
        rows = db.execute(_FIND_LINE, (account, change.room, change.target)).fetchall()
        # Every copy (a replay after a crash, two windows of one account may
        # have kept one twice): a deleted text must not survive in the other.
        for row in rows:
            History._change_row(db, row, change)
        return bool(rows) and change.type is ChangeType.DELETE

    @staticmethod
    def _change_row(db: sqlite3.Connection, row: tuple[object, ...], change: Change) -> None:
        old = _message(row)
        seq = int(row[-1])  # type: ignore[call-overload]
        new = apply_change(old, change)
        if new.text != old.text:
            upto = int(db.execute("SELECT upto FROM fts_progress").fetchone()[0])
            if seq <= upto:
                db.execute(
                    "INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', ?, ?)",
                    (seq, fts_text(old.text)),
                )
                if new.text:
                    db.execute(
                        "INSERT INTO messages_fts (rowid, text) VALUES (?, ?)",
                        (seq, fts_text(new.text)),
                    )
        living = _living(new)
        db.execute(
            "UPDATE messages SET text = ?, extra = ? WHERE seq = ?",
            (new.text, json.dumps(living) if living else None, seq),
        )

    def _scrub(self, db: sqlite3.Connection) -> None:
        """After a deletion: the freed pages were zeroed (secure_delete); the
        search index's segments that held the text are merged away, and the
        pages as they are now are copied from the write-ahead log into the
        file, over the ones that held the text, and the log emptied. A
        reader in the middle of a read (another window's) holds the copy
        back: tried again for a while, then at the next idle moment."""
        try:
            if self._scrub_due is None:
                db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')")
            # Without waiting on the busy timeout: a checkpoint that waits holds
            # back the other window's writer meanwhile.
            db.execute("PRAGMA busy_timeout=0")
            try:
                for _ in range(SCRUB_TRIES):
                    busy, _log, _copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    if not busy:
                        self._scrub_due = None
                        return
                    time.sleep(SCRUB_WAIT)
            finally:
                db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except sqlite3.Error:
            log.warning("could not scrub the history after a deletion", exc_info=True)
        self._scrub_due = time.monotonic()

    # ---- what a version 1 file kept per server ------------------------------------

    def legacy_servers(self) -> list[str]:
        """Servers whose lines an earlier version kept without saying whose they are."""
        return [str(r[0]) for r in self.db.execute("SELECT server FROM legacy_servers")]

    def adopt(self, server: str, name: str) -> Future[int]:
        """Make the lines an earlier version kept for `server` an account's: the
        first account made for it (the first window's), whose id is that
        server's key, so that no line is rewritten. Returns how many lines it
        has from there, once done (on the writer's thread: a million lines take
        seconds, which the window must not wait for on its own thread).

        Every window of the user wrote there, so the same message may be kept
        twice, and another window's messages as "own". Nothing is dropped but
        copies: a message with the server's id kept twice is kept once; a
        window's own message and another window's copy of it (same room,
        sender and text, within the same 10 seconds) are kept once, as own;
        own messages sent under another name than the account's (`name`) are
        kept as that sender's. Runs once per server, in one transaction.
        """
        done: Future[int] = Future()
        if self._closed:
            done.set_exception(sqlite3.OperationalError("the history is closed"))
        else:
            self._queue.put(("adopt", server, name, done))
        return done

    @staticmethod
    def _adopt(db: sqlite3.Connection, server: str, name: str) -> int:
        # Copies with the server's id.
        db.execute(
            "DELETE FROM messages WHERE seq IN (SELECT seq FROM (SELECT seq, row_number()"
            " OVER (PARTITION BY room, id ORDER BY seq) AS n FROM messages"
            f" WHERE account = {_KEY1} AND kind = 'other') WHERE n > 1)",
            (server,),
        )
        # Another window's copies of a window's own messages: among the lines
        # that match an own one (few), as many as there are own ones.
        db.execute(
            "DELETE FROM messages WHERE seq IN (SELECT seq FROM (SELECT o.seq, row_number()"
            " OVER (PARTITION BY o.room, o.sender, o.text, CAST(o.ts / 10 AS INTEGER)"
            " ORDER BY o.seq) AS n, w.owns FROM messages AS o JOIN (SELECT room, sender,"
            " text, CAST(ts / 10 AS INTEGER) AS span, count(*) AS owns FROM messages"
            f" WHERE account = {_KEY1} AND kind = 'own' GROUP BY room, sender, text, span) AS w"
            " ON o.room = w.room AND o.sender = w.sender AND o.text = w.text"
            " AND CAST(o.ts / 10 AS INTEGER) = w.span"
            f" WHERE o.account = {_KEY1} AND o.kind = 'other') WHERE n <= owns)",
            (server,),
        )
        db.execute(
            "UPDATE messages SET kind = 'other', state = NULL, error = ''"
            f" WHERE account = {_KEY} AND kind = 'own' AND sender != ?",
            (server, name),
        )
        db.execute("DELETE FROM legacy_servers WHERE server = ?", (server,))
        return int(
            db.execute(
                f"SELECT count(*) FROM messages WHERE account = {_KEY}", (server,)
            ).fetchone()[0]
        )

    # ---- reading (the thread that made it) ---------------------------------------

    def recall(self, account: str, key: str) -> str | None:
        row = self.db.execute(
            "SELECT value FROM conversation_state WHERE account = ? AND key = ?", (account, key)
        ).fetchone()
        return None if row is None else str(row[0])

    def _read(self, rows: list[tuple[object, ...]]) -> list[Message]:
        """Messages of rows (oldest first as given), their seq noted for later paging."""
        seq_of = self.seq_of
        messages = []
        for row in rows:
            message = _message(row)
            seq_of[message.id] = int(row[-1])  # type: ignore[call-overload]
            messages.append(message)
        return messages

    def _seq(self, message_id: str) -> int:
        """The seq of a message read from the file; one of this run that was not
        is newer than everything written before it."""
        return self.seq_of.get(message_id, self.first_new_seq)

    def offsets(self, account: str) -> dict[str, int]:
        """The newest server offset of each channel whose lines were kept."""
        try:
            rows = self.db.execute(
                "SELECT key, value FROM conversation_state WHERE account = ? AND key >= ?"
                " AND key < ?",
                (account, OFFSET_KEY, OFFSET_KEY[:-1] + ";"),
            ).fetchall()
        except sqlite3.Error:
            return {}
        kept: dict[str, int] = {}
        for key, value in rows:
            with contextlib.suppress(ValueError, TypeError):
                kept[str(key)[len(OFFSET_KEY) :]] = int(value)
        return kept

    def last(self, account: str, room: str, count: int) -> list[Message]:
        """The newest `count` messages of a conversation, oldest first."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE account = {_KEY} AND room = ?"
            " ORDER BY seq DESC LIMIT ?",
            (account, room, count),
        ).fetchall()
        return self._read(rows[::-1])

    def before(self, account: str, room: str, message_id: str, count: int) -> list[Message]:
        """Up to `count` messages of the conversation older than `message_id`
        (a message read from the file, or else one of this run), oldest first."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE account = {_KEY} AND room = ? AND seq < ?"
            " ORDER BY seq DESC LIMIT ?",
            (account, room, self._seq(message_id), count),
        ).fetchall()
        return self._read(rows[::-1])

    def back_to(
        self,
        account: str,
        room: str,
        message_id: str,
        before_id: str,
        older: int,
        most: int = 200_000,
    ) -> list[Message]:
        """Everything of the conversation from `older` messages before `message_id`
        (a search result) up to, not including, `before_id` (the oldest message a
        window holds), oldest first: what that window needs to show the result
        with its neighbours. Empty when more than `most` messages lie in between."""
        found, bound = self.seq_of.get(message_id), self._seq(before_id)
        if found is None or found >= bound:
            return []
        start = self.db.execute(
            f"SELECT min(seq) FROM (SELECT seq FROM messages WHERE account = {_KEY} AND room = ?"
            " AND seq <= ? ORDER BY seq DESC LIMIT ?)",
            (account, room, found, older + 1),
        ).fetchone()[0]
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE account = {_KEY} AND room = ? AND seq >= ?"
            " AND seq < ? ORDER BY seq LIMIT ?",
            (account, room, start, bound, most + 1),
        ).fetchall()
        return [] if len(rows) > most else self._read(rows)

    def conversation(self, account: str, room: str, batch: int = 2_000) -> Iterator[Message]:
        """Every kept line of a conversation, oldest first, read in batches on a
        connection of the calling thread's own (an export, off the window's thread)."""
        db = sqlite3.connect(str(self.path))
        try:
            after = 0
            while True:
                rows = db.execute(
                    f"SELECT {_COLUMNS} FROM messages WHERE account = {_KEY} AND room = ?"
                    " AND seq > ? ORDER BY seq LIMIT ?",
                    (account, room, after, batch),
                ).fetchall()
                if not rows:
                    return
                after = int(rows[-1][-1])
                yield from map(_message, rows)
        finally:
            db.close()

    def locate(self, account: str, room: str, message_id: str) -> Message | None:
        """The kept line known here as `message_id` (ours also by the server's
        id) in a conversation, noted for paging around it; None if not kept."""
        row = self.db.execute(_FIND_LINE, (account, room, message_id)).fetchone()
        return None if row is None else self._read([row])[0]

    def around(self, account: str, message_id: str, count: int) -> tuple[str, list[Message]]:
        """A message read from the file (a search result) with up to `count`
        neighbours each side in its conversation: its room, and the messages
        oldest first."""
        seq = self.seq_of.get(message_id)
        row = (
            None
            if seq is None
            else self.db.execute(
                f"SELECT room FROM messages WHERE seq = ? AND account = {_KEY}", (seq, account)
            ).fetchone()
        )
        if row is None:
            return "", []
        room = str(row[0])
        older = self.db.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE account = {_KEY} AND room = ? AND seq <= ?"
            " ORDER BY seq DESC LIMIT ?",
            (account, room, seq, count + 1),
        ).fetchall()
        newer = self.db.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE account = {_KEY} AND room = ? AND seq > ?"
            " ORDER BY seq LIMIT ?",
            (account, room, seq, count),
        ).fetchall()
        return room, self._read(older[::-1] + newer)

    def search(
        self,
        account: str,
        query: str,
        room: str | None = None,
        limit: int = 200,
        *,
        apart: bool = False,
    ) -> list[Hit]:
        """Messages whose text holds `query` (any case), newest first; in one
        conversation (`room`) or all of this server's. `apart`: on the
        history's search connection, from any thread, one search at a time
        (search as one types runs off the window's thread, where the shared
        connection may not be used). It stays open: a connection opened for
        each search started with none of the file's pages in its cache, and
        reading them again from the system made the slowest searches at ten
        million lines twice as slow (two words, p99 24 -> 50 ms)."""
        query = query.strip()
        if not query:
            return []
        if apart:
            with self._searching:
                if self._closed:
                    return []
                if self._searcher is None:
                    self._searcher = sqlite3.connect(str(self.path), check_same_thread=False)
                return self._search(self._searcher, account, query, room, limit)
        return self._search(self.db, account, query, room, limit)

    def _search(
        self, db: sqlite3.Connection, account: str, query: str, room: str | None, limit: int
    ) -> list[Hit]:
        # In one conversation, its index gives the rows newest first; in all of
        # them, the table itself does (rowid order), stopping at `limit`
        # matches: "+" keeps SQLite from the conversation index, which would
        # read every row of the server and sort them.
        where = f"+m.account = {_KEY}" if room is None else f"m.account = {_KEY} AND m.room = ?"
        params: list[object] = [account]
        if room is not None:
            params.append(room)
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        like = f"SELECT {_M_COLUMNS} FROM messages AS m WHERE m.text LIKE ? ESCAPE '\\'"
        asked = _fts_query(query)
        if asked.match is None:  # symbols only ("%", "?!"): the table itself
            rows = db.execute(
                f"{like} AND {where} ORDER BY m.seq DESC LIMIT ?", [pattern, *params, limit]
            ).fetchall()
        else:
            upto = int(db.execute("SELECT upto FROM fts_progress").fetchone()[0])
            # The newest rows, not indexed yet, by LIKE; then the index.
            rows = db.execute(
                f"{like} AND m.seq > ? AND {where} ORDER BY m.seq DESC LIMIT ?",
                [pattern, upto, *params, limit],
            ).fetchall()
            if len(rows) < limit:
                also = "".join(" AND instr(m.text, ?)" for _ in asked.runs)
                if asked.like:
                    also += " AND m.text LIKE ? ESCAPE '\\'"
                try:
                    match, checked = _expand(db, asked)
                    also += "".join(" AND instr(m.text, ?)" for _ in checked)
                    rows += (
                        []
                        if match is None
                        else db.execute(
                            f"SELECT {_M_COLUMNS} FROM messages_fts"
                            f" JOIN messages AS m ON m.seq = messages_fts.rowid"
                            f" WHERE messages_fts MATCH ? AND {where}{also}"
                            f" ORDER BY messages_fts.rowid DESC LIMIT ?",
                            [
                                match,
                                *params,
                                *asked.runs,
                                *([pattern] if asked.like else []),
                                *checked,
                                limit - len(rows),
                            ],
                        ).fetchall()
                    )
                except sqlite3.OperationalError:  # a word the index splits in two
                    log.warning("search fell back to reading every line", exc_info=True)
                    rows += db.execute(
                        f"{like} AND m.seq <= ? AND {where} ORDER BY m.seq DESC LIMIT ?",
                        [pattern, upto, *params, limit - len(rows)],
                    ).fetchall()
        return [
            Hit(message.room, message, spans_of(message.text, query), account)
            for message in self._read(rows)
        ]
