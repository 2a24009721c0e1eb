"""Each process's reader of the shared stream: the only way messages reach its clients.

python-socketio's Redis manager delivers a broadcast to the sender's own
process first and publishes it afterwards, so every process would see its
own order, and what is published while a listener reconnects is lost. Here
nothing is delivered on the way in: a process stores the message
(server/redis_store.py) and relays it when its reader gets it back from the
stream, with every other process's, in the stream's order. One blocking
`XREAD` loop per process, on a connection of its own; the id of the last
entry relayed is kept, so after Redis went away the loop resumes from
exactly there, and nothing stored meanwhile is skipped or relayed twice.

Each batch is relayed under the server's lock, and `delivered` (the offset
of the last entry relayed) moves only under it: a replay that holds the
lock can send everything up to `delivered` and subscribe its client, and
the reader relays the rest (server/replay.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import cast

from desktop_chat.server.history import Stored
from desktop_chat.server.redis_store import UNAVAILABLE, Entries, connect, decode_entry

log = logging.getLogger(__name__)

BLOCK_MS = 1000  # a blocking read ends this often, so a dead connection is noticed
BATCH = 500  # entries per read

Deliver = Callable[[Stored, str], Awaitable[None]]


class RedisBus:
    """Reads `stream` after offset `start` and hands each entry to `deliver`, in order."""

    def __init__(
        self,
        url: str,
        stream: str,
        deliver: Deliver,
        lock: asyncio.Lock,
        epoch: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        # Its own connection: a blocking XREAD holds one for up to BLOCK_MS.
        self.redis = connect(url, timeout=BLOCK_MS / 1000 + 5)
        self.stream = stream
        self.deliver = deliver
        self.lock = lock
        self.delivered = 0
        self.connected = False
        self._task: asyncio.Task[None] | None = None
        # The store's identity (RedisStore.epoch): a Redis without persistence
        # that restarted has lost its messages and counts offsets from 1 again,
        # below `delivered`, so the reader must start over (issue #22).
        self._epoch_of = epoch
        self._epoch: str | None = None

    def start(self, start: int) -> None:
        """Relay what is stored after offset `start` (Redis was just reached)."""
        self.delivered = start
        self.connected = True
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.redis.aclose()

    async def _run(self) -> None:
        delay = 0.05
        while True:
            try:
                reply = await self.redis.xread(
                    {self.stream: f"{self.delivered}-0"}, count=BATCH, block=BLOCK_MS
                )
            except UNAVAILABLE as exc:
                if self.connected:
                    log.warning(
                        "lost Redis (%s); relaying resumes after offset %d", exc, self.delivered
                    )
                self.connected = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            if not self.connected:
                log.info("Redis is back: relaying after offset %d", self.delivered)
                self.connected = True
                if await self._started_over():
                    continue  # read again from the new store's beginning
            elif self._epoch is None:
                await self._started_over()
            delay = 0.05
            for _stream, entries in cast(list[tuple[bytes, Entries]], reply or []):
                await self._relay(entries)

    async def _started_over(self) -> bool:
        """Whether the store is not the one relayed so far (another epoch);
        then relaying starts from its beginning."""
        if self._epoch_of is None:
            return False
        try:
            epoch = await self._epoch_of()
        except Exception:  # away again: asked at the next reconnect
            log.info("could not read the store's epoch", exc_info=True)
            return False
        known, self._epoch = self._epoch, epoch
        if known is None or known == epoch:
            return False
        async with self.lock:
            log.warning(
                "the store started over (epoch %s, was %s): relaying from its start", epoch, known
            )
            self.delivered = 0
        return True

    async def _relay(self, entries: Entries) -> None:
        async with self.lock:
            for entry_id, fields in entries:
                stored, sid = decode_entry(entry_id, fields)
                if stored.offset <= self.delivered:
                    continue
                try:
                    await self.deliver(stored, sid)
                except Exception:  # a bug in one delivery must not stop the relay
                    log.exception("relaying offset %d failed", stored.offset)
                self.delivered = stored.offset
