"""The internals of asyncio that desktop-chat uses, in one place.

- app/loop.py (the loop on Qt's thread, a qasync subclass) runs asyncio's
  ready queue and timer heap itself: `BaseEventLoop._ready` (a deque of
  handles) and `_scheduled` (a heap of TimerHandles), `Handle._run()` and
  `_cancelled`, `TimerHandle._scheduled`. Read in its hot path directly,
  as attributes of the loop itself; listed and checked here.
- server/fanout.py asks whether a client's writer task is parked on its
  queue: `asyncio.Queue._getters` (`queue_has_parked_getter`);
  server/lean_socket.py's LeanQueue replaces an unbounded queue's
  `_putters`, `_getters` and `_finished` (an Event's `_waiters`, `_value`)
  with lighter ones, and its items' store through `_init`, `_put`, `_get`
  (`_queue` made only while it holds any).

`check()` fails at start when one of them is gone (asyncio is the standard
library: there is no version range to hold, only the names to find).
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from typing import Any

from desktop_chat.protocol.reaches import LibraryMovedError

HANDLE = ("_run", "_cancelled")
TIMER_HANDLE = ("_scheduled",)


def _missing(what: str) -> LibraryMovedError:
    version = ".".join(map(str, sys.version_info[:3]))
    return LibraryMovedError(
        f"asyncio of Python {version} has no {what}, which desktop-chat uses "
        "(app/loop.py, server/fanout.py; checked on Python 3.11 to 3.14)"
    )


def check() -> None:
    loop = asyncio.new_event_loop()
    try:
        handle = asyncio.Handle(lambda: None, (), loop)
        timer = asyncio.TimerHandle(0.0, lambda: None, (), loop)
        if not isinstance(getattr(loop, "_ready", None), deque):
            raise _missing("BaseEventLoop._ready (a deque of handles)")
        if not isinstance(getattr(loop, "_scheduled", None), list):
            raise _missing("BaseEventLoop._scheduled (a heap of timer handles)")
        for name in HANDLE:
            if not hasattr(handle, name):
                raise _missing(f"Handle.{name}")
        for name in TIMER_HANDLE:
            if not hasattr(timer, name):
                raise _missing(f"TimerHandle.{name}")
        queue: asyncio.Queue[None] = asyncio.Queue()
        for name in ("_getters", "_putters", "_finished", "_queue", "_init", "_put", "_get"):
            if not hasattr(queue, name):
                raise _missing(f"Queue.{name}")
    finally:
        loop.close()


def queue_has_parked_getter(queue: asyncio.Queue[Any]) -> bool:
    """Whether a task waits in `queue.get()` (a writer parked on an empty queue)."""
    return any(not getter.done() for getter in queue._getters)  # type: ignore[attr-defined]
