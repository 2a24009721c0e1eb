"""Rates metered per client key, not per connection (issue #22).

A meter that lived on the connection started full again at every
reconnect, so one client could send its burst, reconnect, and send it
again (the whole retention replaced in 27 s), or rename itself 1,400 times
a second. A bucket per `auth.client` key outlives the connection. The table
is bounded: a bucket that has filled up again is the same as a new one, so
those go first when it is full; then the longest unused.
"""

from __future__ import annotations

import time

from desktop_chat.protocol.limits import TokenBucket

MOST_KEYS = 50_000


class Meters:
    """One token bucket per key, made on first use, kept across reconnects."""

    def __init__(self, rate: float, burst: float, most: int = MOST_KEYS) -> None:
        self.rate = rate
        self.burst = burst
        self.most = most
        self._buckets: dict[str, TokenBucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def bucket(self, key: str) -> TokenBucket:
        bucket = self._buckets.pop(key, None)  # re-inserted: the table is in order of use
        if bucket is None:
            if len(self._buckets) >= self.most:
                self._prune()
            bucket = TokenBucket(self.rate, self.burst)
        self._buckets[key] = bucket
        return bucket

    def take(self, key: str) -> bool:
        return self.bucket(key).take()

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
