"""How long the server keeps messages, applied at start and then periodically.

Everything kept can be replayed to any client that asks (catch-up has no
notion of who was there), so what is kept is what a newcomer can read.
The operator bounds it by age, by count and by bytes: 30 days, 100,000
messages (all rooms together) and a quarter of the free disk space (at most
10 GiB) by default. The count is global rather than per room
because it is what bounds the file and the cost of a replay; a per-room
bound would let one client that joins 50 rooms keep 50 times as much.
Trimming runs off the message path, in batches under the server's lock.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.server.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

DEFAULT_RETAIN_DAYS = 30.0
DEFAULT_RETAIN_MESSAGES = 100_000
TRIM_BATCH = 5000


# Bytes kept by default: a quarter of the space free where the database is,
# at start, and never more than this (issue #22: one client wrote 1 MB
# messages at 82 MB/s, and retention counted only messages and days).
RETAIN_BYTES_CEILING = 10 * 1024**3
RETAIN_BYTES_SHARE = 0.25


def default_retain_bytes(folder: Path) -> int:
    """`--retain-bytes` when none is given: a share of the free space, capped."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return RETAIN_BYTES_CEILING
    return max(64 * 1024**2, min(RETAIN_BYTES_CEILING, int(free * RETAIN_BYTES_SHARE)))


@dataclass(frozen=True, slots=True)
class Retention:
    days: float | None = DEFAULT_RETAIN_DAYS  # None: no age limit
    messages: int | None = DEFAULT_RETAIN_MESSAGES  # None: no count limit
    interval: float = 600.0  # seconds between trims while running
    # Bytes the store's messages may take (None: no limit). Checked at each
    # trim, and sooner when a twentieth of it was written since (ChatServer).
    bytes: int | None = None


async def trim(store: Store, retention: Retention, lock: asyncio.Lock) -> int:
    """Apply `retention` now, a batch per hold of the lock; returns how many went."""
    total = 0
    while True:
        before = None if retention.days is None else time.time() - retention.days * 86400
        async with lock:
            deleted = await store.trim(before_ts=before, keep=retention.messages, batch=TRIM_BATCH)
        total += deleted
        if deleted < TRIM_BATCH:
            break
        await asyncio.sleep(0)
    if retention.bytes is not None:
        total += await _trim_bytes(store, retention.bytes, lock)
    if total:
        log.info("retention: deleted %d old messages", total)
    return total


async def _trim_bytes(store: Store, most: int, lock: asyncio.Lock) -> int:
    """Delete the oldest entries until the messages take at most `most` bytes."""
    total = 0
    while True:
        async with lock:
            used, kept = await store.size()
            if used <= most or kept == 0:
                return total
            # As many of the oldest as the excess is of the whole, at least one batch's worth.
            over = max(1, min(TRIM_BATCH, int(kept * (used - most) / used) + 1))
            deleted = await store.trim(before_ts=None, keep=kept - over, batch=over)
        total += deleted
        if deleted == 0:
            return total
        await asyncio.sleep(0)


async def keep_trimming(
    store: Store,
    retention: Retention,
    lock: asyncio.Lock,
    also: Callable[[], None] = lambda: None,
) -> None:
    """Trim every `retention.interval` seconds (and run `also`), until cancelled."""
    while True:
        await asyncio.sleep(retention.interval)
        try:
            await trim(store, retention, lock)
            also()
        except StoreUnavailable as exc:  # Redis away: the next round trims
            log.warning("retention: not trimmed now (%s)", exc)
        except Exception:  # a bug or a full disk; the chat goes on, the log says
            log.exception("retention: trimming failed")
