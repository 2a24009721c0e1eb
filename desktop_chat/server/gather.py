"""Several websocket frames to one connection in one write, while a burst lasts.

Measured with `bench/fanout.py`: 70% of the bundled server's time in a busy
room was the `send` syscall, one per recipient per message, as in Node.
python-engineio reads a client's messages one per loop turn or two (each
read is its own task under `asyncio.wait_for`), so the frames of a burst
reach a recipient in successive turns, never in one. Here the first frame
for a connection is written at once (a lone message waits for nothing); the
ones that follow it within `window` seconds are gathered and written
together when the window closes (or once `max_bytes` wait): one syscall for
several. A connection that had frames gathered is still busy: its next
window gathers from the first frame on, so that in a burst each connection
gets one write per window instead of one per message; a message that comes
alone, or after a window with nothing, goes out as it comes. (Gathering by
loop turn, as first tried, found nothing: between two messages of one
sender the loop always turns with none.)

Order holds against everything else written to the connection: the engine's
writer (its pings, acks, anything queued) calls `flush` for the connection
before it writes (fanout.py wraps the driver's `send`), and a connection
that aiohttp closed gets nothing more.
"""

from __future__ import annotations

import asyncio
from typing import Protocol


class Closable(Protocol):
    """A websocket as gathering sees it: aiohttp's, or server/lean_websocket.py's."""

    @property
    def closed(self) -> bool: ...


WINDOW = 0.002  # seconds a frame that follows another may wait (bench/fanout.py)
MAX_BYTES = 64 * 1024  # bytes gathered for one connection before they go anyway


class Gatherer:
    def __init__(
        self, window: float = WINDOW, max_bytes: int = MAX_BYTES, *, keep_busy: bool = True
    ) -> None:
        self.window = window
        self.keep_busy = keep_busy  # False: every window's first frame goes at once
        self.max_bytes = max_bytes
        # Connections written to since the last flush: their websocket, and
        # the frames gathered for them with their size.
        self._open: dict[asyncio.WriteTransport, tuple[Closable, list[bytes]]] = {}
        self._sizes: dict[asyncio.WriteTransport, int] = {}
        self._scheduled = False
        self.gathered_frames = 0  # frames that went out several to a write (for benchmarks)

    def write(self, response: Closable, transport: asyncio.WriteTransport, frame: bytes) -> None:
        entry = self._open.get(transport)
        if entry is None:
            transport.write(frame)
            self._open[transport] = (response, [])
            self._sizes[transport] = 0
            self._schedule()
            return
        entry[1].append(frame)
        self._sizes[transport] += len(frame)
        if self._sizes[transport] >= self.max_bytes:
            self.flush(transport)

    def flush(self, transport: asyncio.WriteTransport) -> None:
        """Write what is gathered for `transport` now (before anything else is written to it)."""
        entry = self._open.get(transport)
        if entry is None or not entry[1]:
            return
        response, frames = entry
        if not transport.is_closing() and not response.closed:
            transport.write(b"".join(frames))
            self.gathered_frames += len(frames)
        frames.clear()
        self._sizes[transport] = 0

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_later(self.window, self.close_window)

    def close_window(self) -> None:
        """Write what each connection gathered; those that had any stay open for
        the next window (a burst goes on), the others write their next frame at once."""
        self._scheduled = False
        busy = {}
        for transport, entry in self._open.items():
            if entry[1]:
                self.flush(transport)
                if self.keep_busy:
                    busy[transport] = entry
        self._open = busy
        self._sizes = dict.fromkeys(busy, 0)
        if busy:
            self._schedule()
