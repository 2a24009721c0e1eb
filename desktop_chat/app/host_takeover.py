"""Who hosts the chat server at a local default address, and who takes over
when the window hosting it goes.

A window started without --url, whose address is loopback http (the first
start's http://localhost:3000, or the last local server used), hosts
desktop-chat-server there when nothing listens (app/session.py). The server
lives in that window's process, so it used to stop with that window, and
every other window of the user lost it until a new window started.

**The host lock.** Hosting at a port takes `host-<port>.lock` in the data
folder, an exclusive `flock` held for as long as the window hosts: the
holder of the lock is the one that hosts. The closing host stops accepting,
closes every connection, closes its SQLite store (`server-<port>.db`,
committed and checkpointed), and only then lets go of the lock; a killed
host lets go of it when the operating system ends the process, and SQLite
recovers what was written. So whoever gets the lock next opens a store no
other process has open.

**The takeover.** Each window that may host (the same condition as at start,
and it keeps its messages on disk: a window that keeps nothing has no store
to share) watches its connection. While it is lost (reconnecting), the
window looks at the lock every `LOOK_EVERY` seconds (with jitter), without
waiting on it: an attempt never blocks (LOCK_NB), so a closing window never
leaves a thread stuck in `flock`.

- It gets the lock and nothing listens at the port: it hosts there, with the
  same store, and reconnects at once. Exactly one window can hold the lock,
  so exactly one hosts; the others never race for the port.
- It gets the lock but something listens (a server started by hand): it lets
  go of the lock and stops looking until its connection is lost again.
- Someone else holds the lock: once something listens again (the taker's
  server), it reconnects at once instead of waiting out its backoff.

Then every window comes back through the client's ordinary reconnect path:
the outbox sends again what was not acknowledged (the store drops a resend
it already has, by sender key and message id), and catch-up from each
channel's offset brings what was said meanwhile, once, in order (the
store's offsets only grow, across hosts).

No Qt here: the session gives the takeover its ways to host and reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO

from desktop_chat.client.status import ConnectionState

try:
    import fcntl
except ImportError:  # not on POSIX: no lock; the race for the port decides (EADDRINUSE)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

LOOK_EVERY = 0.05  # s between looks at the lock while the server is gone (plus up to as much)


def host_lock_path(folder: Path, port: int) -> Path:
    """The lock of whoever hosts at `port`, beside that port's store."""
    return folder / f"host-{port}.lock"


class HostLock:
    """An exclusive, never-blocking `flock` on one file; held until released or
    until the process ends, however it ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; whether this holds it now."""
        if self._file is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            file = open(self.path, "ab")  # noqa: SIM115 (held open: the lock)
        except OSError as exc:
            log.warning("cannot open the host lock %s: %s", self.path, exc)
            return False
        if fcntl is not None:
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                file.close()
                return False
        self._file = file
        return True

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()  # closing the only descriptor lets go of the flock
            self._file = None


Listening = Callable[[str, int], Awaitable[bool]]


class Takeover:
    """While this window's connection is lost, host the server again if it is gone
    and this window gets the host lock (see the module's docstring)."""

    def __init__(
        self,
        lock: HostLock,
        port: int,
        *,
        host: Callable[[], Awaitable[bool]],
        reconnect: Callable[[], None],
        listening: Listening,
        address: str = "127.0.0.1",
    ) -> None:
        self.lock = lock
        self.port = port
        self._host = host  # start hosting (with the lock held); whether it did
        self._reconnect = reconnect  # try to connect now
        self._listening = listening
        self._address = address
        self._watch: asyncio.Task[None] | None = None
        self._closed = False
        self._may_host = True  # not again after a failed start, until connected once more
        self._starting = False  # hosting is being set up: not to be cancelled halfway
        self.hosting = False

    def status(self, state: ConnectionState) -> None:
        """The connection changed: watch while it is lost, stop once it is back."""
        if state is ConnectionState.CONNECTED:
            self._may_host = True
            self._stop_watching()
        elif state is ConnectionState.RECONNECTING:
            self.connection_lost()

    def hold_off(self) -> None:
        """Hosting failed here (and was said): try no more until connected again."""
        self._may_host = False

    def connection_lost(self) -> None:
        if self._closed or self.hosting or self.lock.held or not self._may_host:
            return  # (holding the lock outside a look: this window hosts already)
        if self._watch is None or self._watch.done():
            self._watch = asyncio.ensure_future(self._look())

    async def _look(self) -> None:
        saw_nothing = False
        while not self._closed:
            if self.lock.try_acquire():
                if await self._listening(self._address, self.port):
                    # A server this lock does not cover (started by hand): join it.
                    self.lock.release()
                    return
                log.info("the server at port %d is gone: hosting it here", self.port)
                self._starting = True
                try:
                    hosted = await self._host()
                finally:
                    self._starting = False
                if hosted:
                    self.hosting = True
                    self._reconnect()
                    return
                self.lock.release()
                self._may_host = False
                return
            if await self._listening(self._address, self.port):
                if saw_nothing:  # taken over by another window: back at once
                    self._reconnect()
                return
            saw_nothing = True
            await asyncio.sleep(LOOK_EVERY * (1 + random.random()))

    def _stop_watching(self) -> None:
        if self._watch is not None and not self._watch.done() and not self._starting:
            self._watch.cancel()
            self._watch = None

    async def close(self) -> None:
        """Stop watching, before this window's own server stops (so that it never
        takes it over). A start under way is let finish: the session then stops
        that server, and lets go of the lock once its store is closed."""
        self._closed = True
        watch, self._watch = self._watch, None
        if watch is None or watch.done():
            return
        if not self._starting:
            watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
