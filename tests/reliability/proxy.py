"""A TCP proxy on loopback that can cut every connection through it.

It stands between clients and a server to play a flaky link: `cut()`
closes all current connections at once (both sides see the link drop),
and `run_chaos()` does so at random moments for a bounded time.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable


class FlakyProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.cuts = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        # Bytes on their way to the client for which the link breaks instead
        # (before they arrive): a cut at an exact moment, not a random one.
        self.cut_before_down: Callable[[bytes], bool] = lambda data: False

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._links.update((writer, up_writer))
        pipes = [
            asyncio.ensure_future(self._pipe(reader, up_writer)),
            asyncio.ensure_future(self._pipe(up_reader, writer, downward=True)),
        ]
        self._tasks.update(pipes)
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        for w in (writer, up_writer):
            self._close(w)
        for p in pipes:
            p.cancel()
        for p in pipes:
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await p
            self._tasks.discard(p)

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        downward: bool = False,
    ) -> None:
        while data := await reader.read(65536):
            if downward and self.cut_before_down(data):  # read as it is now
                self.cut()
                return
            writer.write(data)
            await writer.drain()

    def _close(self, writer: asyncio.StreamWriter) -> None:
        self._links.discard(writer)
        with contextlib.suppress(Exception):
            writer.transport.abort()

    def cut(self) -> None:
        """Drop every connection now, as a broken link does."""
        if self._links:
            self.cuts += 1
        for writer in list(self._links):
            self._close(writer)

    async def run_chaos(self, until: asyncio.Event, low: float, high: float, seed: int) -> None:
        """Cut at random intervals in [low, high] seconds until `until` is set."""
        rng = random.Random(seed)
        while not until.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(until.wait(), rng.uniform(low, high))
            if not until.is_set():
                self.cut()

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await task
