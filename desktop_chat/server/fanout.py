"""What keeps one message to a room cheap per recipient on the bundled server.

Measured with `bench/fanout.py` (one sender, 100 receivers, docs/performance.md):
python-socketio's stock path spent its time on machinery the tutorial's Node
server does not have. For each recipient of each message it made a Task,
queued the packet, woke that client's writer task, which armed a timeout
(`asyncio.wait_for`, a Task of its own on Python 3.11) to take it off the
queue again, and deflated the frame once more. The engine itself stays: its
queue, writer, pings, upgrades and close handshake carry everything else.
Past that, 70% of the time was the `send` syscall per delivery, as in Node:
server/gather.py writes the frames of a burst several to a syscall.
Several processes share messages through server/redis_bus.py, which relays
through this manager too.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import socketio
from aiohttp import web
from engineio import exceptions as eio_exceptions
from engineio import packet as eio_packet
from socketio import packet

from desktop_chat.protocol import engineio_reach
from desktop_chat.protocol.asyncio_reach import queue_has_parked_getter
from desktop_chat.server import aiohttp_reach
from desktop_chat.server.gather import Closable, Gatherer

log = logging.getLogger(__name__)

WS_EXTENSIONS = "Sec-WebSocket-Extensions"
# Past this many bytes waiting in a client's socket buffer, its messages go
# through the engine's queue and writer, which wait for the buffer to drain.
MAX_BUFFERED_BYTES = 64 * 1024
# A client with this many packets waiting in the engine's queue has stopped
# reading (a live room sends a few a second; a replay waits for the queue to
# drain before each page): it is disconnected, and its catch-up point stays
# where it was, so that it is given the rest when it comes back. Without a
# bound the server grew by 8 MB a second per client that never read (#22).
MAX_QUEUED_PACKETS = 10_000


def text_frame(payload: bytes) -> bytes:
    """A final, unmasked, uncompressed websocket text frame (RFC 6455 5.2), as a server sends."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


@dataclass(frozen=True, slots=True)
class _Websocket:
    response: Closable  # aiohttp's side of the websocket, or a lean_websocket connection
    transport: asyncio.WriteTransport  # its connection


class DirectManager(socketio.AsyncManager):
    """A client manager that hands a broadcast straight to each idle websocket.

    One frame is encoded per message, not per recipient, and written to each
    recipient's connection at once when nothing of the engine's is pending
    for it: the engine.io socket is open and on its websocket, its writer is
    parked on an empty queue, aiohttp has not closed the websocket, and the
    socket buffer is not backed up. That is the case for nearly every message
    of a busy room, and it keeps each client's order: a frame written here
    goes out behind everything the writer has already sent and ahead of
    nothing it holds. Any other recipient (long-polling, upgrading, closing,
    slow, or a packet with binary parts or an ack) takes the engine's queue.

    Which websocket belongs to which engine.io socket is recorded by wrapping
    python-engineio's aiohttp websocket driver as the server sets up. This
    leans on python-engineio internals (protocol/engineio_reach.py: the
    server's driver table, the socket's `queue`, `upgraded`, `upgrading`,
    `closing`, `closed`), asyncio's (the queue's `_getters`,
    protocol/asyncio_reach.py), aiohttp's writer keeping nothing back
    (server/aiohttp_reach.py) and on no websocket extension being negotiated
    (see `no_websocket_compression`); tests/server/test_fanout.py checks them
    against the versions pyproject.toml allows. Concurrent emits to one
    client are not ordered against each other here or in python-socketio;
    the chat server relays under one lock.
    """

    def __init__(self) -> None:
        aiohttp_reach.check()  # frames written beside aiohttp's writer: fails loudly if moved
        super().__init__()
        # The websocket of each engine.io socket that has one; gone with the socket.
        self._websockets: weakref.WeakKeyDictionary[Any, _Websocket] = weakref.WeakKeyDictionary()
        # What went which way, for tests and benchmarks.
        self.direct_frames = 0  # written here
        self.queued_frames = 0  # put on the engine's queue
        self.slow_dropped = 0  # clients disconnected for not reading
        self.max_queued = MAX_QUEUED_PACKETS
        self._dropping: set[str] = set()
        self.gather = Gatherer()
        # The rooms each client joined besides its own and everyone's (None),
        # by (namespace, sid); only clients that joined one have an entry.
        self._joined: dict[tuple[str, str], set[Any]] = {}

    def set_server(self, server: socketio.AsyncServer) -> None:
        super().set_server(server)
        if engineio_reach.driver(server.eio, "websocket") is not None:
            engineio_reach.wrap_driver(server.eio, "websocket", self._recording)

    def _recording(self, driver: type) -> type:
        """engine.io's websocket driver, telling us each socket's websocket as it starts."""
        adopt = self.adopt
        gather = self.gather

        class Recording(driver):
            def __init__(self, handler: Any, server: Any) -> None:
                socket = getattr(handler, "__self__", None)  # the AsyncSocket it serves
                self._transport: asyncio.WriteTransport | None = None

                async def handler_recording(ws: Any) -> Any:
                    transport = aiohttp_reach.connection_of(ws.environ)
                    if socket is not None and isinstance(transport, asyncio.WriteTransport):
                        adopt(socket, engineio_reach.aiohttp_response(ws), transport)
                        self._transport = transport
                    return await handler(ws)

                super().__init__(handler_recording, server)

            async def send(self, message: Any) -> None:
                # What the engine writes goes out behind the frames gathered before it.
                if self._transport is not None:
                    gather.flush(self._transport)
                await super().send(message)

        return Recording

    def adopt(self, socket: Any, response: Closable, transport: asyncio.WriteTransport) -> None:
        """Record an engine socket's websocket (aiohttp's, or server/lean_websocket.py's,
        which is its own transport's protocol and says when it is closed)."""
        self._websockets[socket] = _Websocket(response, transport)

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        if callback is not None or namespace not in self.rooms:
            # Acks to a group need an id per recipient: the stock path does
            # that, and returns once every packet is on its queue.
            return await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
            )
        if isinstance(data, tuple):
            args = list(data)
        elif data is not None:
            args = [data]
        else:
            args = []
        encoded = self.server.packet_class(
            packet.EVENT, namespace=namespace, data=[event, *args]
        ).encode()
        parts = encoded if isinstance(encoded, list) else [encoded]
        messages = [eio_packet.Packet(eio_packet.MESSAGE, part) for part in parts]
        # Binary attachments (several packets) and binary encodings go the engine's way.
        frame = text_frame(messages[0].encode().encode()) if isinstance(encoded, str) else None
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        eio = self.server.eio
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            if frame is not None and (websocket := self._idle_websocket(eio_sid)) is not None:
                self.gather.write(websocket.response, websocket.transport, frame)
                self.direct_frames += 1
                continue
            try:
                for message in messages:
                    await eio.send_packet(eio_sid, message)
            except eio_exceptions.EngineIOError:
                # Closed while we went round the room: the rest still get theirs.
                continue
            self.queued_frames += len(messages)
            socket = eio.sockets.get(eio_sid)
            if socket is not None and socket.queue.qsize() > self.max_queued:
                self.drop_slow(eio_sid)

    def basic_enter_room(
        self, sid: str, namespace: str, room: Any, eio_sid: str | None = None
    ) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        if room is not None and room != sid:
            self._joined.setdefault((namespace, sid), set()).add(room)

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)
        joined = self._joined.get((namespace, sid))
        if joined is not None:
            joined.discard(room)
            if not joined:
                del self._joined[(namespace, sid)]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """python-socketio's, leaving only the rooms the client is in.

        Its own looks in every room of the namespace (a copy of them all),
        and every client has a room of its own: a disconnect cost time in
        proportion to the clients connected, and 8,000 clients that went at
        once (a network that dropped, a restart of their side) kept the
        server busy for minutes, O(N²) (bench/connections.py, issue #23)."""
        rooms = self.rooms.get(namespace)
        if rooms is None:
            return
        for room in [*self._joined.pop((namespace, sid), ()), sid, None]:
            members = rooms.get(room)
            if members is not None and sid in members:
                self.basic_leave_room(sid, namespace, room)
        # The rest as python-socketio's.
        self.callbacks.pop(sid, None)
        pending = self.pending_connect.get(namespace)
        if pending is not None and sid in pending:
            pending.remove(sid)
            if not pending:
                del self.pending_connect[namespace]
        pending = self.pending_disconnect.get(namespace)
        if pending is not None and sid in pending:
            pending.remove(sid)
            if not pending:
                del self.pending_disconnect[namespace]

    def backlog(self, sid: str, namespace: str = "/") -> tuple[int, int]:
        """What waits to reach a client: packets in the engine's queue and
        bytes in its websocket's buffer. (0, 0) for a client that is gone."""
        eio_sid = self.eio_sid_from_sid(sid, namespace)
        socket = self.server.eio.sockets.get(eio_sid) if eio_sid else None
        if socket is None:
            return 0, 0
        websocket = self._websockets.get(socket)
        buffered = websocket.transport.get_write_buffer_size() if websocket is not None else 0
        return socket.queue.qsize(), buffered

    def drop_slow(self, eio_sid: str) -> None:
        """Disconnect a client that does not read what it is sent, in a task of
        its own (never inside the emit that found it: its disconnect handler
        sends to others)."""
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is None or socket.closing or socket.closed or eio_sid in self._dropping:
            return
        self._dropping.add(eio_sid)
        self.slow_dropped += 1
        log.warning(
            "disconnecting a client that does not read (%d packets waiting)", socket.queue.qsize()
        )

        async def drop() -> None:
            try:
                await socket.close(wait=False, abort=True)
            finally:
                self._dropping.discard(eio_sid)

        self.server.start_background_task(drop)

    def _idle_websocket(self, eio_sid: str) -> _Websocket | None:
        """The client's connection, if a frame written to it now goes out in order."""
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is None or socket.closing or socket.closed:
            return None
        if not socket.upgraded or socket.upgrading:
            return None  # still on long-polling, or moving off it
        websocket = self._websockets.get(socket)
        if websocket is None or websocket.response.closed:
            return None  # no websocket of ours, or aiohttp has sent its close frame
        transport = websocket.transport
        if transport.is_closing():
            return None
        queue = socket.queue
        if not queue.empty():
            return None  # the writer is about to take packets of its own
        if not queue_has_parked_getter(queue):
            return None  # the writer is busy writing, or gone (else parked, holding nothing)
        if transport.get_write_buffer_size() > MAX_BUFFERED_BYTES:
            return None
        return websocket


@web.middleware
async def no_websocket_compression(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Decline permessage-deflate, as the tutorial's Node server does by default.

    aiohttp accepts whatever compression a client offers, and every browser
    and socket.io client offers it; chat messages are a few hundred bytes, so
    deflating each frame once per recipient cost a fifth of the server's time
    in a busy room and saved next to nothing on the wire. `DirectManager`
    writes plain frames and relies on this.
    """
    if WS_EXTENSIONS in request.headers:
        headers = request.headers.copy()
        del headers[WS_EXTENSIONS]
        request = request.clone(headers=headers)
    return await handler(request)
