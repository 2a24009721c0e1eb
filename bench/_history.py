"""A prepared local history (client/history.py's file) of many messages, for the benches.

Mixed Korean and English texts of 20-120 characters from a small
vocabulary, spread over conversations; written in bulk (one transaction per
100,000 rows), then indexed for search as the writer would when idle.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from pathlib import Path

from desktop_chat.accounts.store import AccountStore
from desktop_chat.client.channels import Channels, ChannelStore
from desktop_chat.client.history import INDEXED_CHARS, SCHEMA, VERSION
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


def text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))


def fill(path: Path, account: str, count: int, rooms: list[str], seed: int = 1) -> float:
    """Write `count` messages (round-robin over `rooms`) into a history at `path`;
    returns the seconds it took. `account` is an account's id (accounts/), or
    any key for benches of the history alone."""
    started = time.perf_counter()
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_or_move_aside(path, SCHEMA, VERSION, check=False).connection
    db.execute("PRAGMA cache_size=-65536")
    now = time.time() - count
    step = 100_000
    for base in range(0, count, step):
        rows = [
            (
                account,
                rooms[i % len(rooms)],
                new_id(),
                "other",
                f"user{i % 50}",
                text(rng),
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
    db.execute("BEGIN")
    db.execute(
        f"INSERT INTO messages_fts (rowid, text) SELECT seq, substr(text, 1, {INDEXED_CHARS})"
        " FROM messages"
    )
    db.execute("UPDATE fts_progress SET upto = (SELECT max(seq) FROM messages)")
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
