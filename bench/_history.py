"""A prepared local history (client/history.py's file) of many messages, for the benches.

Chat lines in Korean, English or both (`Lines`: a vocabulary of 12,000
words with a Zipf distribution, chat lengths), spread over conversations;
written in bulk (one transaction per 100,000 rows), then indexed for search
as the writer does when idle (`index_rows`, INDEX_CHUNK rows a transaction,
then `settle_index`).
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from desktop_chat.accounts.store import AccountStore
from desktop_chat.client.channels import Channels, ChannelStore
from desktop_chat.client.history import (
    INDEX_CHUNK,
    NEW_ACCOUNT_KEY,
    SCHEMA,
    VERSION,
    index_rows,
    settle_index,
)
from desktop_chat.client.local_db import open_client_db, slot_key
from desktop_chat.protocol.messages import new_id
from desktop_chat.protocol.urls import ServerTarget, parse_server_url
from desktop_chat.storage.sqlite import open_or_move_aside

WORDS = [
    "hello",
    "world",
    "meeting",
    "tomorrow",
    "release",
    "build",
    "coffee",
    "lunch",
    "deploy",
    "server",
    "window",
    "message",
    "search",
    "history",
    "garden",
    "weather",
    "friday",
    "review",
    "merge",
    "branch",
    "ticket",
    "안녕하세요",
    "감사합니다",
    "회의",
    "내일",
    "점심",
    "커피",
    "배포",
    "서버",
    "메시지",
    "검색",
    "기록",
    "정원",
    "날씨",
    "금요일",
    "리뷰",
    "병합",
    "브랜치",
    "티켓",
    "여러분",
    "반갑습니다",
    "확인했습니다",
    "좋아요",
]

# The corpus (issue #23): chat lines in Korean, English or both, words drawn
# from a vocabulary of VOCABULARY words with a Zipf distribution (the words
# above and the commonest English words first, then made-up words built the
# way each language builds them: Hangul syllables by their frequency, with a
# particle or ending half the time; English-like syllables), and lengths
# like chat's: mostly a few words, sometimes a long line.
VOCABULARY = 12_000
_HANGUL = re.compile("[\uac00-\ud7a3]")
_ENGLISH = str.split(
    "the i you to a it is and that we for in on this be ok do can have not"
    " what are just so will yes no was with me my but get it's if at all"
    " there about now one know think see good like time go lol thanks today"
    " let's sure need work done fix test please"
)
_SYLLABLES = (
    "이다는에의하고가지을기로서리한사자대어나를수도으아시인정적일전제장보해주"
    "부상성게들와구과국있문여내요만우원동화관거무조신계소공비마라면니세개경그오"
    "연위발실방미유결안생데물출현러회행것했된할었심점말통식교당선학명분파산금같"
    "합습저우리너뭐왜좀더잘많늘걸까네진짜그래감저녁밥집차역버스날씨비눈봄여름"
)
_PARTICLES = str.split(
    "은 는 이 가 을 를 에 에서 도 으로 로 하고 요 예요 이에요 해요 했어요 합니다"
    " 할까요 인데 까지 만 처럼 보다 한테 께서 이랑 랑 하면 해서 했는데 입니다"
)
_ONSETS = str.split("b c d f g h j k l m n p r s t v w y st tr ch sh th pl cr gr br fl sp")
_VOWELS = str.split("a e i o u ea ou ai oo ie")
_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "rt", "sh"]


def vocabulary(seed: int = 23) -> tuple[list[str], list[str]]:
    """The Korean and the English words, each commonest first (ranks)."""
    rng = random.Random(seed)
    syllables = list(_SYLLABLES)
    syllable_weights = [1 / (rank + 1) for rank in range(len(syllables))]
    korean = [w for w in WORDS if not w.isascii()]
    english = [w for w in WORDS if w.isascii()]
    seen = set(korean) | set(english)
    english = _ENGLISH + [w for w in english if w not in _ENGLISH]
    seen |= set(english)
    half = VOCABULARY // 2
    while len(korean) < half:
        length = rng.choices((1, 2, 3, 4), (15, 55, 25, 5))[0]
        word = "".join(rng.choices(syllables, syllable_weights, k=length))
        if word not in seen:
            seen.add(word)
            korean.append(word)
    while len(english) < half:
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.choices((1, 2, 3), (40, 45, 15))[0])
        )
        if word not in seen:
            seen.add(word)
            english.append(word)
    return korean, english


class Lines:
    """Chat lines of the corpus, reproducible from a seed."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.korean, self.english = vocabulary()
        self._kcum = _zipf_cumulative(len(self.korean))
        self._ecum = _zipf_cumulative(len(self.english))

    def words(self, language: str, count: int) -> list[str]:
        rng = self.rng
        if language == "ko":
            stems = rng.choices(self.korean, cum_weights=self._kcum, k=count)
            return [stem + rng.choice(_PARTICLES) if rng.random() < 0.5 else stem for stem in stems]
        return rng.choices(self.english, cum_weights=self._ecum, k=count)

    def line(self) -> str:
        rng = self.rng
        # Chat lengths: half the lines 1-5 words, a long tail up to 40.
        count = min(40, 1 + int(rng.expovariate(1 / 5)))
        kind = rng.random()
        if kind < 0.45:
            words = self.words("ko", count)
        elif kind < 0.85:
            words = self.words("en", count)
        else:
            words = self.words("ko", count)
            english = self.words("en", count)
            words = [e if rng.random() < 0.3 else k for k, e in zip(words, english, strict=True)]
        if rng.random() < 0.3:
            words[-1] += rng.choice("?!.~")
        return " ".join(words)


def query_kinds(seed: int = 1) -> dict[str, Callable[[], str]]:
    """Queries sampled from lines of the corpus (the lines of `fill`'s seed,
    in the file), as people type them; "nowhere" is in no line."""
    lines = Lines(seed)
    rng = random.Random(seed + 1000)

    def token(korean: bool, least: int = 1) -> str:
        while True:
            words = lines.line().rstrip("?!.~").split()
            fit = [
                w
                for w in words
                if (bool(_HANGUL.search(w)) == korean) and len(w) >= least and w.isalnum()
            ]
            if fit:
                return rng.choice(fit)

    def inside(least: int) -> str:
        word = token(True, least)
        start = rng.randrange(len(word) - least + 1)
        return word[start : start + least]

    def two_words() -> str:
        while True:
            words = lines.line().rstrip("?!.~").split()
            if len(words) >= 2:
                start = rng.randrange(len(words) - 1)
                return " ".join(words[start : start + 2])

    return {
        "Latin word": lambda: token(False),
        "Latin prefix, 1-3 letters (typing)": lambda: token(False)[: rng.randint(1, 3)],
        "Korean word as written (with its particle)": lambda: token(True),
        "one Hangul syllable": lambda: inside(1),
        "two syllables inside a word (점심 in 점심은)": lambda: inside(2),
        "three syllables inside a word": lambda: inside(3),
        "two words": two_words,
        "nowhere (zebra42, 뷁뷁)": lambda: rng.choice(["zebra", "뷁뷁"]) + str(rng.randint(0, 99)),
    }


def _zipf_cumulative(count: int, exponent: float = 1.0) -> list[float]:
    total = 0.0
    cumulative = []
    for rank in range(1, count + 1):
        total += 1 / rank**exponent
        cumulative.append(total)
    return cumulative


def text(rng: random.Random) -> str:
    """A line of the old, small vocabulary (kept for benches that need no more)."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))


def fill(
    path: Path, account: str, count: int, rooms: list[str], seed: int = 1, *, index: bool = True
) -> float:
    """Write `count` messages (round-robin over `rooms`) into a history at `path`;
    returns the seconds it took. `account` is an account's id (accounts/), or
    any key for benches of the history alone. `index` False leaves the
    search index to be built (the writer does it when idle)."""
    started = time.perf_counter()
    lines = Lines(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_or_move_aside(path, SCHEMA, VERSION, check=False).connection
    db.execute("PRAGMA cache_size=-65536")
    db.execute(NEW_ACCOUNT_KEY, (account,))
    key = db.execute("SELECT key FROM account_keys WHERE account = ?", (account,)).fetchone()[0]
    now = time.time() - count
    step = 100_000
    for base in range(0, count, step):
        rows = [
            (
                key,
                rooms[i % len(rooms)],
                new_id(),
                "other",
                f"user{i % 50}",
                lines.line(),
                now + i,
                None,
                "",
            )
            for i in range(base, min(count, base + step))
        ]
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO messages (account, room, id, kind, sender, text, ts, state, error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute("COMMIT")
    upto = 0
    while index:  # as the writer indexes when idle: INDEX_CHUNK rows a transaction
        db.execute("BEGIN")
        last = index_rows(db, upto, INDEX_CHUNK)
        if last is None:
            db.execute("COMMIT")
            break
        upto = last
        db.execute("UPDATE fts_progress SET upto = ?", (upto,))
        db.execute("COMMIT")
    if index:  # as the writer leaves it once idle: the index's segments merged
        settle_index(db)
    db.execute("BEGIN")
    # The sidebar as the window left it: every conversation restored at start.
    db.execute(
        "INSERT OR REPLACE INTO conversation_state (account, key, value) VALUES (?, 'rooms', ?)",
        (account, json.dumps(rooms)),
    )
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.perf_counter() - started


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path))


def window_account(
    data: Path, url: str, path: str = "/socket.io", rooms: list[str] | None = None
) -> str:
    """The account the first window started with `data` as its data folder will
    use on the server at `url`: made here, as that window would make it, in
    `rooms` (its conversations at the next start)."""
    data.mkdir(parents=True, exist_ok=True)
    db = open_client_db(data / "client.db")
    try:
        target = ServerTarget(parse_server_url(url), path)
        account = AccountStore(db).add(slot_key(db, 0), target.key, target.url.url, path)
        ChannelStore(db, account.key).save(target.key, Channels([r for r in rooms or [] if r]))
        return account.id
    finally:
        db.close()
