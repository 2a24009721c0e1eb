"""The server a window hosts, on a thread of its own with a plain asyncio loop.

When the first window hosts desktop-chat-server, the server's work (SQLite
writes, replays, fan-out to every client) used to run on the window's Qt
thread, in the same loop as painting and typing: a busy room stalled the
window. `HostedServer` runs `ChatServer` on a dedicated thread instead,
under the platform's own asyncio loop (never Qt's; on POSIX with one fix,
`_SelectorLoop`), and the window only awaits its start and its stop
through futures.

A thread, not a child process:

- the hosted server stops when its window closes, with nothing left behind
  if the window's process dies (a daemon thread dies with it; a child
  process would need a watchdog or would outlive a crashed window); another
  window of the user then hosts it again, with the same store
  (app/host_takeover.py);
- start-up costs no second interpreter, and the first window still comes
  up at once;
- a taken port is the very `OSError` of `ChatServer.start`, re-raised to the
  window, so the race where another window wins the port stays "join it
  instead".

What a thread does not buy is a second core for Python: the server and the
window share the GIL. The window is no longer behind the server's callbacks
in one queue (its thread's CPU time under a flood drops from about half to
about 1%, bench/hosting.py); it waits for the interpreter to switch threads,
at most 1 ms at a time while hosting (`_WindowThreadFirst`), and, on a
loaded machine, for the OS to run the server's thread when that holds the
GIL. A child process would remove that last coupling, at the cost of a
second interpreter's start-up and of a watchdog so that it dies with its
window.

Thread rules. The `ChatServer` is built, started, used and stopped on the
server's thread only: its SQLite connection refuses any other thread, and
nothing of it is touched from the window after start. The window reads
plain values copied at start (`host`, `port`, `url`) and asks anything else
through `call()`, which runs a function on the server's thread.

Qt objects and the garbage collector. The server's thread holds no Qt
object (the server cannot import Qt: import-linter forbids it). But
CPython's cyclic collector runs on whichever thread happens to allocate
when a threshold is crossed, and then frees *every* unreachable cycle,
including the window's: a Qt wrapper freed there deletes its C++ object on
the wrong thread. While a hosted server runs, automatic collection is
therefore off and the window's loop collects instead, with the same
generation thresholds (`_WindowThreadFirst`), so a collection only ever
happens on the window's thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from threading import Thread
from typing import Any, TypeVar

from desktop_chat.protocol.limits import Limits
from desktop_chat.protocol.urls import DEFAULT_PATH
from desktop_chat.server.chat_server import ChatServer

log = logging.getLogger(__name__)

T = TypeVar("T")

THREAD_NAME = "desktop-chat-server"
COLLECT_EVERY = 0.05  # s between the window loop's looks at the collector's counts
SWITCH_INTERVAL = 0.001  # s: the longest the window waits for the GIL while hosting


class HostingError(Exception):
    """The server could not be set up (its thread, its message store).

    A taken port is not this: that is the `OSError` of binding, as from
    `ChatServer.start`.
    """


class _SelectorLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop, closing a server whose listen() fails.

    Two windows hosting at once can both bind the port (asyncio sets
    SO_REUSEADDR on POSIX, and Linux lets two sockets bind one address
    while neither listens); the loser's listen() then fails with
    EADDRINUSE, after asyncio built its `Server`, which asyncio does not
    close (CPython 3.11's `Server._start_serving`): its socket would stay
    open until the collector found it, with a ResourceWarning.
    """

    async def create_server(
        self, *args: Any, start_serving: bool = True, **kwargs: Any
    ) -> asyncio.Server:
        server = await super().create_server(*args, start_serving=False, **kwargs)
        if start_serving:
            try:
                await server.start_serving()
            except BaseException:
                server.close()
                raise
        return server


def _plain_loop() -> asyncio.AbstractEventLoop:
    """The platform's own asyncio loop, whatever event loop policy is set."""
    if sys.platform == "win32":
        return asyncio.ProactorEventLoop()  # no SO_REUSEADDR there: bind() itself fails
    return _SelectorLoop()


def _settle(
    future: concurrent.futures.Future[Any],
    result: object = None,
    error: BaseException | None = None,
) -> None:
    """Resolve a future the window may have given up on (cancelled) meanwhile."""
    with contextlib.suppress(concurrent.futures.InvalidStateError):
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)


class HostedServer:
    """A `ChatServer` on its own thread and loop; started and stopped from the window's loop."""

    def __init__(
        self,
        path: str = DEFAULT_PATH,
        *,
        db: Path | str = ":memory:",
        limits: Limits | None = None,
    ) -> None:
        self._path = path
        self._db = db
        self._limits = limits
        self.host = ""
        self.port = 0
        self.url = ""
        self._thread: Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the server thread's
        self._server: ChatServer | None = None  # used on the server thread only
        self._stop_requested = asyncio.Event()  # set on the server thread only
        self._finished: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._collecting = False

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._finished.done()

    @property
    def thread(self) -> Thread | None:
        return self._thread

    # ---- the window's side ------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Start the server's thread and listen on host:port there; returns the port.

        Raises the `OSError` of binding when the address is taken, and
        `HostingError` when the thread or the server cannot be set up; either
        way nothing is left running.
        """
        if self._thread is not None:
            raise RuntimeError("a HostedServer starts once")
        loop = _plain_loop()
        started: concurrent.futures.Future[tuple[str, int, str]] = concurrent.futures.Future()
        thread = Thread(
            target=self._run, args=(loop, host, port, started), name=THREAD_NAME, daemon=True
        )
        _collector.acquire(asyncio.get_running_loop())
        self._collecting = True
        try:
            thread.start()
        except RuntimeError as exc:  # "can't start new thread"
            loop.close()
            self._release_collector()
            raise HostingError(f"cannot start the server's thread: {exc}") from exc
        self._loop, self._thread = loop, thread
        try:
            self.host, self.port, self.url = await asyncio.wrap_future(started)
        except BaseException:
            # The bind failed (the thread is ending by itself) or the window
            # gave up waiting (the thread must stop once it is up).
            await self.stop()
            raise
        return self.port

    async def stop(self) -> None:
        """Stop the server, then wait for its thread to end, without blocking this loop."""
        if self._thread is None:
            return
        thread, loop = self._thread, self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # its loop is closed: the thread ended
                loop.call_soon_threadsafe(self._stop_requested.set)
        try:
            # Shielded: cancelling this wait must not cancel the thread's end.
            await asyncio.shield(asyncio.wrap_future(self._finished))
        except asyncio.CancelledError:
            # The window stopped waiting; the settings of hosting go back only
            # once the thread has ended (the window's loop is told then).
            window_loop = asyncio.get_running_loop()

            def ended(_future: concurrent.futures.Future[None]) -> None:
                with contextlib.suppress(RuntimeError):  # the window's loop is closed
                    window_loop.call_soon_threadsafe(self._ended, thread)

            self._finished.add_done_callback(ended)
            raise
        self._ended(thread)

    def _ended(self, thread: Thread) -> None:
        # The future is the thread's last act, so this join returns at once;
        # it only makes "the thread is gone" hold when stop() returns.
        thread.join(timeout=1.0)
        if thread.is_alive():
            log.warning("the hosted server's thread did not end")
        self._loop = None  # closed by its thread
        self._release_collector()

    async def call(self, fn: Callable[[ChatServer], T]) -> T:
        """Run `fn(server)` on the server's thread and return what it returns.

        The one way to look inside the running server from the window (or a test).
        """
        loop = self._loop
        if loop is None or not self.running:
            raise RuntimeError("the hosted server is not running")

        async def on_server_thread() -> T:
            assert self._server is not None
            return fn(self._server)

        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(on_server_thread(), loop))

    async def client_count(self) -> int:
        """How many clients are connected, asked on the server's thread."""
        return await self.call(lambda server: server.client_count)

    def _release_collector(self) -> None:
        if self._collecting:
            self._collecting = False
            _collector.release()

    # ---- the server's thread ----------------------------------------------

    def _run(
        self,
        loop: asyncio.AbstractEventLoop,
        host: str,
        port: int,
        started: concurrent.futures.Future[tuple[str, int, str]],
    ) -> None:
        try:
            with asyncio.Runner(loop_factory=lambda: loop) as runner:
                runner.run(self._serve(host, port, started))
        except BaseException as exc:  # a bug: say so, and never leave the window waiting
            log.exception("the hosted server's thread failed")
            _settle(started, error=HostingError(f"the server's thread failed: {exc!r}"))
        finally:
            _settle(self._finished)

    async def _serve(
        self, host: str, port: int, started: concurrent.futures.Future[tuple[str, int, str]]
    ) -> None:
        try:
            # Built here: its SQLite connection belongs to the thread that opens it.
            server = ChatServer(self._path, db=self._db, limits=self._limits)
        except Exception as exc:
            log.warning("cannot host the chat server: %s", exc)
            _settle(started, error=HostingError(str(exc)))
            return
        try:
            await server.start(host, port)
        except OSError as exc:
            server.history.close()  # start() released the socket; the store is still open
            # A copy without this thread's traceback, whose frames hold the server.
            _settle(started, error=type(exc)(*exc.args))
            return
        except BaseException:
            server.history.close()
            raise
        self._server = server
        _settle(started, (server.host, server.port, server.url))
        try:
            await self._stop_requested.wait()
        finally:
            self._server = None
            await server.stop()
            log.info("desktop-chat-server on %s:%d stopped", server.host, server.port)


class _WindowThreadFirst:
    """Process-wide settings while any hosted server runs, restored after the last.

    The GIL. A thread that wants the interpreter while another runs Python
    waits for the switch interval before asking it to let go (CPython's
    default: 5 ms), and the window's thread asks for it on every Qt signal
    that reaches Python. With the server busy, a 10 ms Qt timer in a test
    process came up to 10-18 ms late at p99 with 5 ms, 1.3-4 ms with 1 ms
    (an idle thread: 0.2 ms). So the interval is `SWITCH_INTERVAL` (1 ms)
    while hosting: the window waits at most that long for the server's
    thread. Forced switches happen only while both threads want to run.

    Garbage collection: automatic collection is turned off (`gc.disable()`, process-wide), and
    a timer on the window's loop does what CPython's allocator would: when
    the youngest generation passes its threshold, it collects the oldest
    generation whose count passed its own. Whatever the server's thread
    leaves as cyclic garbage is then freed on the window's thread, which
    is safe (no server object needs its thread to be freed); the reverse,
    Qt objects freed on the server's thread, cannot happen.
    """

    def __init__(self) -> None:
        self._users = 0
        self._reenable = False
        self._switch_interval = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._owner = 0  # the thread the collections run on

    def acquire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._users += 1
        if self._users == 1:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))
            self._reenable = gc.isenabled()
            gc.disable()
            self._loop = loop
            self._owner = threading.get_ident()
            self._handle = loop.call_later(COLLECT_EVERY, self._tick)

    def release(self) -> None:
        self._users -= 1
        if self._users:
            return
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._loop = None
        if self._reenable:
            gc.enable()
        sys.setswitchinterval(self._switch_interval)

    def _tick(self) -> None:
        assert threading.get_ident() == self._owner
        collect_due()
        if self._loop is not None and not self._loop.is_closed():
            self._handle = self._loop.call_later(COLLECT_EVERY, self._tick)


def collect_due() -> int:
    """Collect the generation CPython would collect now; returns how many objects were freed."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    if not thresholds[0] or counts[0] <= thresholds[0]:
        return 0
    generation = 0
    for g in range(len(counts) - 1, 0, -1):
        if g < len(thresholds) and counts[g] > thresholds[g]:
            generation = g
            break
    return gc.collect(generation)


_collector = _WindowThreadFirst()
