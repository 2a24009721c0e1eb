"""Which window this is: an identity that no other running window holds.

Every window of a user on one machine shares the data folder. Each claims
the first free slot (0, 1, ...) by locking `window-<slot>.lock` there; the
lock lasts as long as the process, and the operating system lets go of it
when the process dies, however it dies. A slot has a client key that is
kept, so the server knows a window again after a restart (for catch-up
and to drop a resent message it already has), and the outbox, channels
and offsets are kept per key. A second window running beside the first
gets slot 1 and never sees slot 0's pending messages; the first window
started after both closed gets slot 0 back, with what it left.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from desktop_chat.client.local_db import slot_key

try:
    import fcntl
except ImportError:  # not on POSIX: every window takes slot 0
    fcntl = None  # type: ignore[assignment]

MAX_SLOTS = 64


@dataclass(slots=True)
class WindowIdentity:
    slot: int
    key: str  # sent as auth.client: how the server tells this window's messages
    lock: IO[bytes] | None = None

    def release(self) -> None:
        if self.lock is not None:
            with contextlib.suppress(OSError):
                self.lock.close()
            self.lock = None


def ephemeral_identity() -> WindowIdentity:
    """For a window that keeps nothing (tests, --no-remember): a fresh key."""
    return WindowIdentity(0, uuid.uuid4().hex)


def claim_identity(db: sqlite3.Connection, folder: Path) -> WindowIdentity:
    folder.mkdir(parents=True, exist_ok=True)
    for slot in range(MAX_SLOTS):
        lock = open(folder / f"window-{slot}.lock", "ab")  # noqa: SIM115 (held open)
        if fcntl is not None:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()
                continue
        return WindowIdentity(slot, slot_key(db, slot), lock)
    raise RuntimeError(f"more than {MAX_SLOTS} desktop-chat windows are running")
