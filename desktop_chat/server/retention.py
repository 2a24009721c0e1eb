"""How long the server keeps messages, applied at start and then periodically.

Everything kept can be replayed to any client that asks (catch-up has no
notion of who was there), so what is kept is what a newcomer can read.
The operator bounds it by age and by count: 30 days and 100,000 messages
(all rooms together) by default. The count is global rather than per room
because it is what bounds the file and the cost of a replay; a per-room
bound would let one client that joins 50 rooms keep 50 times as much.
Trimming runs off the message path, in batches under the server's lock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop_chat.server.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

DEFAULT_RETAIN_DAYS = 30.0
DEFAULT_RETAIN_MESSAGES = 100_000
TRIM_BATCH = 5000


@dataclass(frozen=True, slots=True)
class Retention:
    days: float | None = DEFAULT_RETAIN_DAYS  # None: no age limit
    messages: int | None = DEFAULT_RETAIN_MESSAGES  # None: no count limit
    interval: float = 600.0  # seconds between trims while running


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
    if total:
        log.info("retention: deleted %d old messages", total)
    return total


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
