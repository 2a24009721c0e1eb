"""Search index designs compared on one corpus: what each costs and how fast it answers.

    .venv/bin/python -m bench.search_designs                     # 1,000,000 messages
    .venv/bin/python -m bench.search_designs --count 200000 --queries 50

Writes COUNT messages of the corpus (bench/_history.py `Lines`) once, then
for each design copies the file, builds that design's index over every row
(timing the CPU of this process: the Python that prepares the text and
SQLite's work), measures the file, and times the same queries against it
(all conversations, the newest 200 results, as the window asks). Prints
one table of costs and one of query times. The designs:

- trigram: FTS5 trigram over the table's text (external content), queries
  under 3 characters by LIKE (versions up to 3 of the history);
- words + CJK syllables: FTS5 unicode61, contentless, every CJK character
  a word of its own, queried as phrases;
- words + CJK bigrams: the same with every two neighbouring CJK characters
  a word (one alone: a word too); one syllable is a prefix query;
- syllables, no positions: the first, detail=none (no positions, no
  phrases: an AND of words, CJK runs checked in the text);
- syllables + bigrams, no positions (this version, client/history.py
  `fts_text` and its query, a Latin prefix asked as an OR of the words it
  begins, one-letter prefixes from a prefix index);
- words only: FTS5 unicode61 over the text as written (Korean words with
  their particles are whole words: the cost floor, not a design that finds
  점심 in 점심은).

Nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from bench._common import fmt_ms, median, percentile
from bench._history import fill, query_kinds
from desktop_chat.client.history import _CJK, FTS, _expand, _fts_query, fts_text

FTS_TABLE = "text, content='', columnsize=0, detail=none, tokenize='unicode61'"  # + --prefix

ACCOUNT = "bench"
ROOMS = ["", "garden", "ops", "random", "team"]
LIMIT = 200
CHUNK = 100_000
_RUN = re.compile(f"[{_CJK}]+")


def _bigrams(run: re.Match[str]) -> str:
    chars = run.group()
    if len(chars) == 1:
        return f" {chars} "
    return " " + " ".join(chars[i : i + 2] for i in range(len(chars) - 1)) + " "


def syllable_text(text: str) -> str:
    """Every CJK character set apart as a word (the first design of this round)."""
    if text.isascii():
        return text
    return _RUN.sub(lambda run: " " + " ".join(run.group()) + " ", text[:65_536])


def bigram_text(text: str) -> str:
    return text if text.isascii() else _RUN.sub(_bigrams, text[:65_536])


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_COLUMNS = "m.seq, m.room, m.text"
_JOIN = (
    f"SELECT {_COLUMNS} FROM messages_fts JOIN messages AS m ON m.seq = messages_fts.rowid"
    " WHERE messages_fts MATCH ? AND +m.account = (SELECT key FROM account_keys"
    " WHERE account = ?){also} ORDER BY messages_fts.rowid DESC LIMIT ?"
)
_LIKE = (
    f"SELECT {_COLUMNS} FROM messages AS m WHERE m.text LIKE ?"
    " AND +m.account = (SELECT key FROM account_keys WHERE account = ?)"
    " ORDER BY m.seq DESC LIMIT ?"
)


class Design:
    name = ""
    table = ""
    prefix = ""  # FTS5 prefix indexes ("1 2 3"), --prefix

    def create(self, db: sqlite3.Connection) -> None:
        extra = f", prefix='{self.prefix}'" if self.prefix else ""
        db.execute(f"CREATE VIRTUAL TABLE messages_fts USING fts5({self.table}{extra})")

    def prepare(self, text: str) -> str:
        return text

    def index(self, db: sqlite3.Connection) -> None:
        after = 0
        while True:
            rows = db.execute(
                "SELECT seq, text FROM messages WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, CHUNK),
            ).fetchall()
            if not rows:
                return
            db.execute("BEGIN")
            db.execute(
                "INSERT INTO messages_fts (rowid, text) SELECT r.value ->> 0, r.value ->> 1"
                " FROM json_each(?) AS r",
                (json.dumps([(s, self.prepare(t)) for s, t in rows], ensure_ascii=False),),
            )
            db.execute("COMMIT")
            after = rows[-1][0]

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        raise NotImplementedError


class Trigram(Design):
    name = "trigram (versions ≤ 3)"
    table = "text, content='messages', content_rowid='seq', tokenize='trigram'"

    def index(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN")
        db.execute("INSERT INTO messages_fts (rowid, text) SELECT seq, text FROM messages")
        db.execute("COMMIT")

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        if len(query) < 3:
            return db.execute(_LIKE, (f"%{query}%", ACCOUNT, LIMIT)).fetchall()
        return db.execute(_JOIN.format(also=""), (_quote(query), ACCOUNT, LIMIT)).fetchall()


class Syllables(Design):
    name = "words + CJK syllables"
    table = "text, content='', tokenize='unicode61'"

    def prepare(self, text: str) -> str:
        return syllable_text(text)

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        # A phrase of syllables, the last Latin word a prefix; CJK runs
        # checked in the text (a phrase may span two words).
        phrase = _quote(syllable_text(query))
        if not _RUN.fullmatch(query[-1]):
            phrase += "*"
        runs = [r for r in _RUN.findall(query) if len(r) > 1]
        also = "".join(" AND instr(m.text, ?)" for _ in runs)
        return db.execute(_JOIN.format(also=also), (phrase, ACCOUNT, *runs, LIMIT)).fetchall()


class Bigrams(Design):
    name = "words + CJK bigrams"
    table = "text, content='', tokenize='unicode61'"

    def prepare(self, text: str) -> str:
        return bigram_text(text)

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        phrase = _quote(bigram_text(query))
        if not _RUN.search(query[-1:]) or len(_RUN.findall(query)[-1]) == 1:
            phrase += "*"
        return db.execute(_JOIN.format(also=""), (phrase, ACCOUNT, LIMIT)).fetchall()


class Words(Design):
    name = "words only (finds no part of a Korean word)"
    table = "text, content='', tokenize='unicode61'"

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        return db.execute(_JOIN.format(also=""), (_quote(query) + "*", ACCOUNT, LIMIT)).fetchall()


_WORD = re.compile(r"[^\W_]+")


def and_query(tokens: list[str], query: str) -> tuple[str, list[str]]:
    """Tokens as an AND of quoted words (no phrases: detail=none has no
    positions), the last a prefix when it is Latin; the CJK runs of 2+
    characters each candidate must hold (instr)."""
    terms = [_quote(t) for t in tokens]
    if tokens and not _RUN.fullmatch(tokens[-1][-1]):
        terms[-1] += "*"
    runs = [r for r in _RUN.findall(query) if len(r) > 1]
    return " ".join(terms), runs


class SyllablesNone(Design):
    name = "syllables, no positions"
    table = "text, content='', columnsize=0, detail=none, tokenize='unicode61'"

    def prepare(self, text: str) -> str:
        return syllable_text(text)

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        match, runs = and_query(_WORD.findall(syllable_text(query)), query)
        also = "".join(" AND instr(m.text, ?)" for _ in runs)
        return db.execute(_JOIN.format(also=also), (match, ACCOUNT, *runs, LIMIT)).fetchall()


class BothNone(Design):
    name = "syllables + bigrams, no positions (chosen)"

    def create(self, db: sqlite3.Connection) -> None:
        if self.prefix:
            self.table = FTS_TABLE
            super().create(db)
        else:
            db.executescript(FTS)

    def prepare(self, text: str) -> str:
        return fts_text(text)

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        # The statement History.search runs (its Python around it, the
        # messages and highlights made of the rows, is timed by bench.search).
        asked = _fts_query(query)
        if asked.match is None:
            return db.execute(_LIKE, (f"%{query}%", ACCOUNT, LIMIT)).fetchall()
        also = "".join(" AND instr(m.text, ?)" for _ in asked.runs)
        if asked.like:
            also += " AND m.text LIKE ?"
        match = _expand(db, asked)
        if match is None:
            return []
        return db.execute(
            _JOIN.format(also=also),
            (
                match,
                ACCOUNT,
                *asked.runs,
                *([f"%{query}%"] if asked.like else []),
                LIMIT,
            ),
        ).fetchall()


class WordsNone(Words):
    name = "words only, no positions"
    table = "text, content='', columnsize=0, detail=none, tokenize='unicode61'"

    def search(self, db: sqlite3.Connection, query: str) -> list[object]:
        match, _runs = and_query(_WORD.findall(query), "")
        return db.execute(_JOIN.format(also=""), (match, ACCOUNT, LIMIT)).fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument(
        "--designs", default="trigram,syllables,bigrams,syllables-none,both-none,words-none"
    )
    parser.add_argument("--prefix", default="", help="FTS5 prefix indexes, e.g. '1 2 3'")
    args = parser.parse_args(argv)
    chosen: dict[str, type[Design]] = {
        "trigram": Trigram,
        "syllables": Syllables,
        "bigrams": Bigrams,
        "words": Words,
        "syllables-none": SyllablesNone,
        "both-none": BothNone,
        "words-none": WordsNone,
    }
    designs = [chosen[name]() for name in args.designs.split(",")]
    for design in designs:
        if args.prefix and not isinstance(design, Trigram):
            design.prefix = args.prefix
            design.name += f", prefix {args.prefix}"
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        took = fill(base, ACCOUNT, args.count, ROOMS, index=False)
        db = sqlite3.connect(base)
        db.execute("DROP TRIGGER messages_unindexed")
        db.execute("DROP TABLE messages_fts")
        db.execute("VACUUM")
        db.close()
        print(
            f"{args.count:,} messages written in {took:.1f} s;"
            f" without a search index {base.stat().st_size / 1e6:.0f} MB"
        )
        costs, times = [], {}
        for design in designs:
            path = Path(tmp) / "design.db"
            shutil.copy(base, path)
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA cache_size=-32768")
            design.create(db)
            cpu, wall = time.process_time(), time.perf_counter()
            design.index(db)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = path.stat().st_size
            costs.append((design.name, cpu / args.count * 1e6, wall, size / 1e6))
            for kind, make in query_kinds().items():
                samples, found = [], []
                for _ in range(args.queries):
                    query = make()
                    started = time.perf_counter()
                    hits = design.search(db, query)
                    samples.append((time.perf_counter() - started) * 1000)
                    found.append(len(hits))
                times[(design.name, kind)] = (
                    median(samples),
                    percentile(samples, 99),
                    median(found),
                )
            db.close()
            path.unlink()
            print(f"... {design.name}: done", flush=True)
        print(f"\nindexing {args.count:,} messages (CPU of this process)")
        print("| design | CPU µs/msg | wall s | file MB |")
        print("|---|---|---|---|")
        for name, us, wall, mb in costs:
            print(f"| {name} | {us:.1f} | {wall:.1f} | {mb:.0f} |")
        print(f"\nqueries ({args.queries} of each kind, newest {LIMIT}): p50 / p99 ms (results)")
        print("| query | " + " | ".join(d.name for d in designs) + " |")
        print("|---" * (len(designs) + 1) + "|")
        for kind in query_kinds():
            cells = [
                f"{fmt_ms(times[(d.name, kind)][0])} / {fmt_ms(times[(d.name, kind)][1])}"
                f" ({times[(d.name, kind)][2]:.0f})"
                for d in designs
            ]
            print(f"| {kind} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
