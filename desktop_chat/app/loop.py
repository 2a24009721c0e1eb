"""An asyncio loop on the Qt event loop that stays cheap under floods.

`QEventLoop` is a thin subclass of `qasync.QEventLoop` (pinned: it leans
on qasync internals, see pyproject.toml). Stock qasync runs every
`call_soon` through its own Qt timer (`startTimer(0)` + `killTimer`) and
keeps a Qt timer registered for every `call_later` until its deadline,
even after cancellation. python-engineio wraps each received message in
tasks and a 45 s `wait_for`, so a flood costs several Qt timer round
trips per message and piles up ~100,000 live Qt timers, most of them
cancelled, that `QObject::killTimer` then scans.

This subclass does what asyncio's own loop does instead:

- `call_soon` appends to `_ready` (asyncio's deque); one Qt zero timer
  drains it in time-boxed slices (`slice_seconds`), then returns to Qt so
  that painting, input and Qt's own timers get their turn;
- `call_later`/`call_at` push onto asyncio's heap (`_scheduled`); one
  precise single-shot Qt timer is armed for the earliest deadline;
  cancelled handles are dropped the way asyncio drops them;
- `call_soon_threadsafe` is asyncio's: append, then write to the loop's
  self-pipe, whose socket notifier wakes the Qt thread;
- one read of a socket hands the protocol at most `read_chunk` bytes, so
  one readable socket cannot feed the loop more than a slice's worth of
  work at once; the kernel's receive buffer (the link) is left alone.

Sockets, signals, executors, `run_until_complete` and shutdown stay
qasync's. `run()` is `qasync.run` with this loop.

The asyncio internals read here (the loop's `_ready` and `_scheduled`, a
handle's `_run` and `_cancelled`, a timer's `_scheduled`) are listed and
checked at start in protocol/asyncio_reach.py.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import math
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Coroutine
from contextvars import Context
from typing import Any, TypeVar

import qasync
import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

T = TypeVar("T")

SLICE_SECONDS = 0.005  # callbacks run back to back at most this long before Qt's turn
READ_CHUNK = 64 * 1024  # bytes one socket read hands a protocol (asyncio: 256 KiB)

# The same thresholds as asyncio's loop (base_events.py).
_MIN_SCHEDULED_TIMER_HANDLES = 100
_MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5
_MAX_TIMER_MS = 2**31 - 1  # a QTimer interval is a C int of milliseconds

_monotonic = time.monotonic


class _Timers(QObject):
    """The loop's two Qt timers, owned by one QObject on the loop's thread."""

    def __init__(self, run_slice: Callable[[bool], None]) -> None:
        super().__init__()
        self.run_slice = run_slice
        self.zero = QTimer(self)  # starts the next slice
        self.zero.setInterval(0)
        self.zero.timeout.connect(self._zero)
        self.deadline = QTimer(self)  # the earliest call_at deadline
        self.deadline.setSingleShot(True)
        self.deadline.setTimerType(Qt.TimerType.PreciseTimer)
        self.deadline.timeout.connect(self._deadline)

    def _zero(self) -> None:
        self.run_slice(True)

    def _deadline(self) -> None:
        self.run_slice(False)


class QEventLoop(qasync.QEventLoop):
    """qasync's loop with asyncio's ready queue and timer heap, drained in slices."""

    # asyncio.BaseEventLoop's, for the type checker (qasync is untyped)
    _ready: deque[Any]  # of asyncio.Handle (private fields used)
    _scheduled: list[Any]  # heap of asyncio.TimerHandle
    _timer_cancelled_count: int
    _clock_resolution: float
    _debug: bool

    def __init__(
        self,
        app: QApplication | None = None,
        set_running_loop: bool = False,
        already_running: bool = False,
        *,
        slice_seconds: float = SLICE_SECONDS,
        read_chunk: int = READ_CHUNK,
    ) -> None:
        self.slice_seconds = slice_seconds
        self.read_chunk = read_chunk
        self._timers = _Timers(self._run_slice)
        self._zero_armed = False  # the zero timer will start another slice
        self._armed_at = math.inf  # the deadline the precise timer is armed for
        super().__init__(app, set_running_loop, already_running)

    # ---- scheduling -------------------------------------------------------

    def call_soon(
        self, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> asyncio.Handle:
        self._check_closed()
        if self._debug:
            self._check_callback(callback, "call_soon")
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)
        if not self._zero_armed:
            self._wake()
        return handle

    def _add_callback(self, handle: asyncio.Handle, delay: float = 0) -> None:
        """asyncio's hook for a ready handle (signal handlers use it)."""
        if delay > 0:  # qasync's signature; nothing in asyncio passes a delay
            self.call_at(self.time() + delay, handle._run)
            return
        if not handle._cancelled and not self.is_closed():
            self._ready.append(handle)
            if not self._zero_armed:
                self._wake()

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        if delay is None:
            raise TypeError("delay must not be None")
        timer = self.call_at(_monotonic() + delay, callback, *args, context=context)
        return timer

    def call_at(
        self,
        when: float,
        callback: Callable[..., object],
        *args: Any,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        timer = asyncio.TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True  # type: ignore[attr-defined]
        if when < self._armed_at:
            self._arm(when)
        return timer

    def time(self) -> float:
        return _monotonic()

    # ---- the Qt side ------------------------------------------------------

    def _wake(self) -> None:
        self._zero_armed = True
        self._timers.zero.start()

    def _arm(self, when: float) -> None:
        delay_ms = math.ceil((when - _monotonic()) * 1000)
        self._armed_at = when
        self._timers.deadline.start(min(max(0, delay_ms), _MAX_TIMER_MS))

    def _run_slice(self, from_zero: bool) -> None:
        """Run due timers and ready callbacks for up to `slice_seconds`, then yield to Qt.

        `from_zero`: the zero timer fired (else the deadline timer did).
        """
        if self.is_closed():
            return
        if not self.is_running():
            # Qt is processing events outside run_forever (qasync's
            # run_until_complete does a last processEvents after the stop).
            # asyncio runs callbacks only while its loop runs, and callbacks
            # expect get_running_loop() to work: leave them for run_forever.
            self._disarm()
            return
        if from_zero:
            # Stopped now and started again by the next call_soon: a restarted
            # QTimer gets a new timer id, so that it can fire even inside a
            # nested Qt loop that a callback of this slice spins (a modal
            # exec(), qasync.asyncClose). Qt never fires a timer id again
            # while its own timeout is still running.
            self._timers.zero.stop()
            self._zero_armed = False
        else:
            self._armed_at = math.inf
        ready = self._ready
        start = _monotonic()
        end = start + self.slice_seconds
        self._collect_timers(start)
        handle: Any = None
        while ready:
            handle = ready.popleft()
            if handle._cancelled:
                continue
            if self._debug:
                self._run_debug(handle)
            else:
                handle._run()
            if _monotonic() >= end:
                break
        handle = None  # break reference cycles when a callback raised
        if self.is_closed():
            return
        if ready:
            if not self._zero_armed:
                self._wake()
        elif self._zero_armed:
            self._zero_armed = False
            self._timers.zero.stop()
        self._rearm()

    def _disarm(self) -> None:
        self._zero_armed = False
        self._armed_at = math.inf
        self._timers.zero.stop()
        self._timers.deadline.stop()

    def run_forever(self) -> Any:
        """qasync's, with the Qt timers armed for what was queued while stopped."""
        if not self.is_closed() and not self.is_running():
            if self._ready:
                self._wake()
            self._rearm()
        return super().run_forever()

    def _run_debug(self, handle: asyncio.Handle) -> None:
        try:
            self._current_handle: asyncio.Handle | None = handle
            t0 = _monotonic()
            handle._run()
            dt = _monotonic() - t0
            if dt >= self.slow_callback_duration:
                log.warning("Executing %s took %.3f seconds", handle, dt)
        finally:
            self._current_handle = None

    def _collect_timers(self, now: float) -> None:
        """asyncio's _run_once, timer half: drop cancelled timers, move due ones to ready."""
        scheduled = self._scheduled
        count = len(scheduled)
        if (
            count > _MIN_SCHEDULED_TIMER_HANDLES
            and self._timer_cancelled_count / count > _MIN_CANCELLED_TIMER_HANDLES_FRACTION
        ):
            kept = []
            for timer in scheduled:
                if timer._cancelled:
                    timer._scheduled = False
                else:
                    kept.append(timer)
            heapq.heapify(kept)
            self._scheduled = scheduled = kept
            self._timer_cancelled_count = 0
        else:
            while scheduled and scheduled[0]._cancelled:
                self._timer_cancelled_count -= 1
                heapq.heappop(scheduled)._scheduled = False
        end = now + self._clock_resolution
        ready = self._ready
        while scheduled and scheduled[0]._when < end:
            timer = heapq.heappop(scheduled)
            timer._scheduled = False
            ready.append(timer)

    def _rearm(self) -> None:
        """Point the precise timer at the earliest live deadline, if it is not already."""
        scheduled = self._scheduled
        while scheduled and scheduled[0]._cancelled:
            self._timer_cancelled_count -= 1
            heapq.heappop(scheduled)._scheduled = False
        if not scheduled:
            if self._armed_at != math.inf:
                self._armed_at = math.inf
                self._timers.deadline.stop()
            return
        when = scheduled[0]._when
        if when != self._armed_at:
            self._arm(when)

    # ---- sockets ----------------------------------------------------------

    def _make_socket_transport(
        self,
        sock: socket.socket,
        protocol: asyncio.BaseProtocol,
        waiter: asyncio.Future[None] | None = None,
        *,
        extra: dict[str, Any] | None = None,
        server: asyncio.AbstractServer | None = None,
    ) -> asyncio.Transport:
        transport = super()._make_socket_transport(
            sock, protocol, waiter, extra=extra, server=server
        )
        # One recv() is handed to the protocol in one go (aiohttp parses all
        # of it before the loop moves on): bound that work, not the link.
        transport.max_size = self.read_chunk
        return transport

    # ---- threads and shutdown ---------------------------------------------

    def call_soon_threadsafe(
        self, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> asyncio.Handle:
        """asyncio's: queue the handle, then wake the loop through its self-pipe.

        (qasync's emits a Qt signal and returns None.)
        """
        return asyncio.BaseEventLoop.call_soon_threadsafe(self, callback, *args, context=context)

    def close(self) -> None:
        was_closed = self.is_closed()
        super().close()
        if was_closed:
            return
        # Stop and free the Qt timers here, on the loop's thread, rather than
        # leave them to whichever thread the garbage collector runs in.
        timers, timers.run_slice = self._timers, _ignore
        self._disarm()
        shiboken6.delete(timers)


def _ignore(_from_zero: bool) -> None:
    pass


def run(main: Coroutine[Any, Any, T], *, debug: bool | None = None) -> T:
    """Run a coroutine to completion on this loop, as `qasync.run` does with its own."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with asyncio.Runner(debug=debug, loop_factory=lambda: QEventLoop(app)) as runner:
        return runner.run(main)
