"""Rates metered per key (client key, account, address), not per connection.

A meter that lived on the connection started full again at every
reconnect, so one client could send its burst, reconnect, and send it
again (the whole retention replaced in 27 s), or rename itself 1,400 times
a second (issue #22). A bucket per key outlives the connection. The table
is bounded: a bucket that has filled up again is the same as a new one, so
those go first when it is full; then the longest unused.

With `--redis` the meters are shared by every process (`Shared`, kept in
Redis by server/redis_store.py), so that an account's send rate, its
sign-in attempts and its replay budget are the same wherever its windows
connect (issue #24): two processes no longer let through twice the guesses.
When Redis does not answer, each process goes on metering by itself.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from desktop_chat.protocol.limits import TokenBucket

log = logging.getLogger(__name__)

MOST_KEYS = 50_000


class Shared(Protocol):
    """Buckets every process reads and writes (GCRA on one clock: Redis's)."""

    async def take(self, key: str, rate: float, burst: float) -> bool:
        """Take one token from `key`'s bucket; False when there is none."""
        ...

    async def delay(self, key: str, rate: float, burst: float) -> float:
        """Seconds until `key`'s bucket, which may be in debt, is above zero."""
        ...

    async def charge(self, key: str, rate: float, burst: float, cost: float) -> None:
        """Take `cost` tokens from `key`'s bucket, going into debt if need be."""
        ...


class Meters:
    """One token bucket per key, made on first use, kept across reconnects;
    in Redis when `shared` is given (the name keeps each kind's keys apart)."""

    def __init__(
        self,
        rate: float,
        burst: float,
        most: int = MOST_KEYS,
        *,
        shared: Shared | None = None,
        name: str = "",
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.most = most
        self.shared = shared
        self.name = name
        self._buckets: dict[str, TokenBucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    async def take(self, key: str) -> bool:
        if self.shared is not None:
            try:
                return await self.shared.take(f"{self.name}:{key}", self.rate, self.burst)
            except Exception as exc:  # Redis away: this process meters alone meanwhile
                log.warning("meters: Redis did not answer (%s); metering in this process", exc)
        return self.bucket(key).take()

    def bucket(self, key: str) -> TokenBucket:
        """This process's bucket for `key`."""
        bucket = self._buckets.pop(key, None)  # re-inserted: the table is in order of use
        if bucket is None:
            if len(self._buckets) >= self.most:
                self._prune()
            bucket = TokenBucket(self.rate, self.burst)
        self._buckets[key] = bucket
        return bucket

    def _prune(self) -> None:
        now = time.monotonic()
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.stamp) * b.rate >= b.capacity
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.most:  # all busy: the longest unused go
            for key in list(self._buckets)[: len(self._buckets) // 2]:
                del self._buckets[key]
