"""A TCP proxy on loopback that drops the link once, after so many bytes,
can change bytes on their way to the server (a corrupting middlebox), and
can go quiet towards the client without closing (a link that hangs)."""

from __future__ import annotations

import asyncio
import contextlib


class CuttingProxy:
    def __init__(
        self,
        target_port: int,
        *,
        cut_up_after: int | None = None,
        cut_down_after: int | None = None,
        replace: tuple[bytes, bytes] | None = None,
    ) -> None:
        self.target_port = target_port
        self.cut_up_after = cut_up_after  # bytes towards the server, then the cut
        self.cut_down_after = cut_down_after  # bytes towards the client, then the cut
        self.replace = replace
        self.silent_down = False  # drop what goes to the client, the link kept (a quiet link)
        self.last_down = 0.0  # the loop's time when bytes last went to the client
        self.up = 0
        self.down = 0
        self.cuts = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return f"http://127.0.0.1:{self.port}"

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update((writer, up_writer))
        pipes = [
            asyncio.ensure_future(self._pipe(reader, up_writer, True)),
            asyncio.ensure_future(self._pipe(up_reader, writer, False)),
        ]
        self._tasks.update(pipes)
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        for w in (writer, up_writer):
            self._writers.discard(w)
            with contextlib.suppress(Exception):
                w.transport.abort()
        for p in pipes:
            p.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await p
            self._tasks.discard(p)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upward: bool
    ) -> None:
        held = b""
        while True:
            if held:  # a marker's first bytes wait a moment for the rest, no longer
                try:
                    data = await asyncio.wait_for(reader.read(65536), 0.05)
                except TimeoutError:
                    writer.write(held)
                    self.up += len(held)
                    held = b""
                    await writer.drain()
                    continue
            else:
                data = await reader.read(65536)
            if not data:
                if not upward and self.silent_down:
                    await asyncio.Event().wait()  # the server's close is not passed on either
                break
            if upward and self.replace is not None:
                old, new = self.replace
                data = (held + data).replace(old, new)
                keep = len(old) - 1  # a marker split between two reads is still found
                data, held = data[:-keep], data[-keep:]
            if upward:
                self.up += len(data)
                limit = self.cut_up_after
            else:
                self.down += len(data)
                limit = self.cut_down_after
            if not upward:
                if self.silent_down:
                    continue
                self.last_down = asyncio.get_running_loop().time()
            sent = self.up if upward else self.down
            if limit is not None and sent >= limit:
                writer.write(data[: len(data) - (sent - limit)])
                if upward:
                    self.cut_up_after = None
                else:
                    self.cut_down_after = None
                self.cuts += 1
                return  # the link goes down: _accept aborts both sides
            writer.write(data)
            await writer.drain()
        if held:
            writer.write(held)
            await writer.drain()

    async def stop(self) -> None:
        for w in list(self._writers):
            with contextlib.suppress(Exception):
                w.transport.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for t in list(self._tasks):
            t.cancel()
