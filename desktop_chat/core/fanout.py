"""What keeps one message to a room cheap per recipient on the bundled server.

Measured with `bench/fanout.py` (one sender, 100 receivers, docs/performance.md):
python-socketio's stock path spent its time on machinery the tutorial's Node
server does not have. For each recipient of each message it made a Task,
queued the packet, woke that client's writer task, which armed a timeout
(`asyncio.wait_for`, a Task of its own on Python 3.11) to take it off the
queue again, and deflated the frame once more. The engine itself stays: its
queue, writer, pings and close handshake carry everything else, and the Redis
manager can still be layered on `DirectManager` when one process is not
enough.
"""

from __future__ import annotations

import asyncio
import struct
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from aiohttp import web
from engineio import packet as eio_packet
from socketio import packet

WS_EXTENSIONS = "Sec-WebSocket-Extensions"
# Past this many bytes waiting in a client's socket buffer, its messages go
# through the engine's queue and writer, which wait for the buffer to drain.
MAX_BUFFERED_BYTES = 64 * 1024


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


class DirectManager(socketio.AsyncManager):
    """A client manager that hands a broadcast straight to each idle websocket.

    One frame is encoded per message, not per recipient, and written to each
    recipient's connection at once when nothing of the engine's is pending
    for it: its writer is parked on an empty queue and its socket buffer is
    not backed up. That is the case for nearly every message of a busy room,
    and it keeps each client's order: a frame written here goes out behind
    everything the writer has already sent and ahead of nothing it holds.
    Any other recipient (long-polling, still upgrading, closing, slow, or a
    packet with binary parts or an ack) takes the stock path.

    This leans on python-engineio's socket attributes (`queue`, `upgraded`,
    `closing`, `closed`), on asyncio.Queue's `_getters`, and on the
    connection being a websocket that negotiated no extension (see
    `no_websocket_compression`); tests/server/test_fanout.py checks each
    of them against the pinned versions.
    """

    def __init__(self) -> None:
        super().__init__()
        # Each engine.io socket's connection, looked up once; gone with the socket.
        self._websockets: weakref.WeakKeyDictionary[Any, asyncio.WriteTransport | None] = (
            weakref.WeakKeyDictionary()
        )
        # What went which way, for tests and benchmarks.
        self.direct_frames = 0  # written here
        self.queued_frames = 0  # put on the engine's queue

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
            # Acks to a group need an id per recipient: the stock path does that.
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
        if isinstance(encoded, list):  # binary attachments: several frames
            return await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, **kwargs
            )
        message = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        frame = text_frame(message.encode().encode())
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        eio = self.server.eio
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            transport = self._idle_websocket(eio_sid)
            if transport is not None:
                transport.write(frame)
                self.direct_frames += 1
            else:
                await eio.send_packet(eio_sid, message)
                self.queued_frames += 1

    def _idle_websocket(self, eio_sid: str) -> asyncio.WriteTransport | None:
        """The client's connection, if a frame written to it now goes out in order."""
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is None or socket.closing or socket.closed:
            return None
        try:
            transport = self._websockets[socket]
        except KeyError:
            transport = self._websockets[socket] = self._websocket_of(eio_sid)
        if transport is None or transport.is_closing():
            return None
        queue = socket.queue
        if not queue.empty():
            return None  # the writer is about to take packets of its own
        for getter in queue._getters:
            if not getter.done():
                break  # the writer is parked on the queue, holding nothing
        else:
            return None  # the writer is busy writing, or gone
        if transport.get_write_buffer_size() > MAX_BUFFERED_BYTES:
            return None
        return transport

    def _websocket_of(self, eio_sid: str) -> asyncio.WriteTransport | None:
        """The connection of a client that connected on a websocket, else None."""
        environ = self.server.environ.get(eio_sid) or {}
        if environ.get("HTTP_UPGRADE", "").lower() != "websocket":
            return None  # connected by long-polling: that request is not the websocket
        request = environ.get("aiohttp.request")
        transport = request.transport if isinstance(request, web.BaseRequest) else None
        return transport if isinstance(transport, asyncio.WriteTransport) else None


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
