"""The garbage collector's oldest generation at a measured pace, in the server's own process.

Measured with `bench/connections.py` at 8,000 connections (the time in each
collection taken with `gc.callbacks`): CPython's full collections were
40-47 % of the server's CPU while connections opened, or came back all at
once after a restart. CPython collects the oldest generation whenever what
moved into it since the last full collection passes a quarter of what that
one kept; thousands of connections arriving in seconds pass that quarter
again and again (13 full collections while 8,000 came back, each walking
every object of every connection so far).

Here the young generations are collected as CPython does, on allocation;
the oldest is looked at on a timer, at most every `EVERY` seconds, and
collected by CPython's rule then, as near as can be seen cheaply: enough
collections of the middle generation, and a quarter more memory blocks
allocated than after the last full collection (`sys.getallocatedblocks`,
under a millisecond; counting the oldest generation's objects took 0.1 s
at 3 million). Garbage that only a full collection frees waits up to
that long more; what refcounting frees (most of a closed connection) goes at
once, as before. The app hosting a server has its own policy
(app/hosting.py); this is for `desktop-chat-server` alone.
"""

from __future__ import annotations

import asyncio
import gc
import sys

EVERY = 10.0  # seconds between looks at the oldest generation
# The oldest generation's count threshold while automatic full collections are off.
NEVER = 2**30


class OldestOnATimer:
    """Full collections by CPython's rule, looked at every `every` seconds."""

    def __init__(self, every: float = EVERY) -> None:
        self.every = every
        self.collections = 0
        self._threshold = gc.get_threshold()
        self._oldest_threshold = self._threshold[2]
        self._kept = 0  # memory blocks allocated after the last full collection
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        young, middle, _ = self._threshold
        gc.set_threshold(young, middle, NEVER)
        self._kept = sys.getallocatedblocks()
        self._handle = asyncio.get_running_loop().call_later(self.every, self._tick)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        gc.set_threshold(*self._threshold)

    def _tick(self) -> None:
        # CPython's rule: enough collections of the middle generation since
        # the last full one, and a quarter more than it kept.
        if (
            gc.get_count()[2] > self._oldest_threshold
            and sys.getallocatedblocks() > self._kept * 5 // 4
        ):
            gc.collect(2)
            self.collections += 1
            self._kept = sys.getallocatedblocks()
        self._handle = asyncio.get_running_loop().call_later(self.every, self._tick)
