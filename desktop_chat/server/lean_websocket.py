"""A websocket path of the bundled server's own, beside aiohttp (issue #23 item 4).

Measured with `bench/connections.py` and tracemalloc at 15,000 idle
websocket connections: most of what an idle connection still cost was
aiohttp's, not the chat's. aiohttp keeps the parsed request for the
websocket's life (its headers, ~2.4 KB), a request handler with its parser
and buffers (~1.5 KB), the websocket's reader queue (~1.0 KB) and two tasks;
python-engineio's environ copies every header once more; and opening a
connection spent ~0.6 ms of CPU in aiohttp's HTTP and websocket handling.

Here the listening socket's protocol reads the head of a connection's first
request. A fresh engine.io websocket (`GET <path>?EIO=4&transport=websocket`
with `Upgrade: websocket` and no `sid`) is served here: the handshake of
RFC 6455 (the same Host guard as every request, engine.io's own Origin and
version checks, no compression extension ever accepted), then its frames
(masking, fragments, ping/pong, the close handshake, text and binary),
handed to python-engineio as its websocket drivers do (`wait()`, `send()`,
`close()`). What the engine and the chat read of the request is kept in a
small environ (the peer's address, and `X-Forwarded-For` only when the
operator trusts a proxy). A message of `max_http_buffer_size` bytes or more
is refused with close code 1009 as soon as its length is read, as aiohttp
did (never buffered first).

Every other connection (long-polling, an upgrade from it, files, health,
anything of the app's routes, anything this parser does not take) is handed
to aiohttp's own request handler, with the bytes read so far, on the same
transport (`transport.set_protocol`): aiohttp serves it as if it had read
them itself.

An idle lean connection holds this one object (no buffer while no frame is
half read), the engine's socket and queue, the engine's handler coroutine
(one task, which is the engine's reader) and its writer task.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from desktop_chat.protocol import engineio_reach

log = logging.getLogger(__name__)

LEAN = "desktop_chat.lean"  # environ key: the LeanConnection serving the request
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 1.3
# A request head longer than this is left to aiohttp (which answers it, or
# refuses it as it refuses any over-long head).
MAX_HEAD = 16 * 1024
# Messages read and not yet taken by the engine before reading pauses (the
# engine takes one a turn or two: lean_socket.py).
MAX_PENDING = 16
# Bytes a client may send ahead while its handshake is in the engine's hands.
MAX_EARLY = 64 * 1024
# Seconds the peer has to answer our close frame before the connection is closed.
CLOSE_TIMEOUT = 2.0

# RFC 6455 7.4.1 close codes.
NORMAL = 1000
PROTOCOL_ERROR = 1002
INVALID_DATA = 1007
TOO_BIG = 1009

# The request headers read here (lower case); any others are not kept.
_WANTED = frozenset(
    {
        "host",
        "upgrade",
        "connection",
        "origin",
        "sec-websocket-key",
        "sec-websocket-version",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "content-length",
        "transfer-encoding",
    }
)
_NO_HEADERS: dict[str, str] = {}

_HEAD, _HANDSHAKE, _OPEN, _CLOSING, _CLOSED = range(5)
_GONE = object()  # what a waiting `wait()` gets when the websocket ends


def frame(opcode: int, payload: bytes) -> bytes:
    """A final, unmasked frame (RFC 6455 5.2), as a server sends."""
    size = len(payload)
    first = 0x80 | opcode
    if size < 126:
        return bytes((first, size)) + payload
    if size < 1 << 16:
        return bytes((first, 126)) + size.to_bytes(2, "big") + payload
    return bytes((first, 127)) + size.to_bytes(8, "big") + payload


def unmask(data: bytes | bytearray, mask: bytes | bytearray) -> bytes:
    """A client frame's payload, unmasked (RFC 6455 5.3), one XOR of two big ints."""
    size = len(data)
    if not size:
        return b""
    key = (mask * ((size + 3) // 4))[:size]
    return (int.from_bytes(data, "little") ^ int.from_bytes(key, "little")).to_bytes(size, "little")


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + GUID).digest()).decode("ascii")


def _valid_key(key: str | None) -> bool:
    if not key:
        return False
    try:
        return len(base64.b64decode(key, validate=True)) == 16
    except (binascii.Error, ValueError):
        return False


class LeanContext:
    """What every lean connection of one server shares; also their protocol factory."""

    def __init__(
        self,
        eio: Any,
        path: str,
        handoff: Callable[[], asyncio.Protocol],
        *,
        header_timeout: float,
        host_allowed: Callable[[str | None], bool],
        trust_forwarded: bool,
        flush: Callable[[asyncio.WriteTransport], None] | None = None,
        adopt: Callable[[Any, LeanConnection, asyncio.WriteTransport], None] | None = None,
    ) -> None:
        self.eio = eio
        self.path = path
        self.handoff = handoff  # aiohttp's protocol factory (runner.server)
        self.header_timeout = header_timeout
        self.host_allowed = host_allowed
        self.trust_forwarded = trust_forwarded
        self.flush = flush  # writes frames gathered by fan-out before ours
        self.adopt = adopt  # tells fan-out an engine socket's websocket
        self.connections: set[LeanConnection] = set()  # open or opening, for stop
        self.served = 0  # websockets served here (tests, benchmarks)
        self.handed_off = 0  # connections given to aiohttp

    def __call__(self) -> LeanConnection:
        return LeanConnection(self)

    def close_all(self) -> None:
        """Close every lean connection (the server stops), as aiohttp closes its own."""
        for connection in list(self.connections):
            transport = connection.transport
            if transport is not None:
                transport.close()


class LeanConnection(asyncio.Protocol):
    """One connection: its request head, then (if ours) its websocket."""

    __slots__ = (
        "_buf",
        "_drain",
        "_frag",
        "_frag_op",
        "_paused",
        "_pending",
        "_state",
        "_task",
        "_timer",
        "_waiter",
        "ctx",
        "forwarded",
        "remote",
        "transport",
    )

    def __init__(self, ctx: LeanContext) -> None:
        self.ctx = ctx
        self.transport: asyncio.Transport | None = None
        self.remote = ""
        self.forwarded: str | None = None
        self._state = _HEAD
        self._buf: bytes | bytearray = b""
        self._timer: asyncio.TimerHandle | None = None
        self._pending: list[Any] | None = None
        self._waiter: asyncio.Future[Any] | None = None
        self._frag: bytearray | None = None
        self._frag_op = 0
        self._drain: asyncio.Future[None] | None = None
        self._paused = False  # reading paused by us
        self._task: asyncio.Future[None] | None = None

    # ---- what the chat reads of the request (guards.client_address) ---------

    @property
    def headers(self) -> dict[str, str]:
        if self.forwarded is None:
            return _NO_HEADERS
        return {"X-Forwarded-For": self.forwarded}

    @property
    def closed(self) -> bool:
        """Whether nothing more may be written (fan-out and gather.py read it)."""
        return self._state != _OPEN

    # ---- asyncio.Protocol ----------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.ctx.connections.add(self)
        peer = transport.get_extra_info("peername")
        self.remote = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        # A whole head within header_timeout, as aiohttp asks of every request (slowloris).
        self._timer = asyncio.get_running_loop().call_later(
            self.ctx.header_timeout, transport.close
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._state = _CLOSED
        self._cancel_timer()
        self.ctx.connections.discard(self)
        self._wake(_GONE)
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_result(None)

    def pause_writing(self) -> None:
        if self._drain is None:
            self._drain = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_result(None)

    def data_received(self, data: bytes) -> None:
        state = self._state
        if state in (_OPEN, _CLOSING):
            buf = self._buf
            if not buf:
                self._frames(data)
                return
            # A frame arriving in pieces: one growing buffer, not a copy per piece
            # (a 6 MB message in 64 KB reads would copy 300 MB).
            if not isinstance(buf, bytearray):
                buf = bytearray(buf)
            buf += data
            self._frames(buf)
        elif state == _HEAD:
            buf = self._buf = self._buf + data
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                self._head(buf, end)
            elif len(buf) > MAX_HEAD:
                self._hand_off()
        elif state == _HANDSHAKE:
            self._buf += data
            if len(self._buf) > MAX_EARLY and self.transport is not None:
                self._paused = True
                self.transport.pause_reading()

    def eof_received(self) -> bool | None:
        return None  # the transport closes itself

    # ---- the request head ------------------------------------------------------

    def _head(self, buf: bytes | bytearray, end: int) -> None:
        lines = bytes(buf[:end]).split(b"\r\n")
        try:
            method, target, version = lines[0].decode("ascii").split(" ")
        except (UnicodeDecodeError, ValueError):
            return self._hand_off()
        path, _, query = target.partition("?")
        if method != "GET" or version != "HTTP/1.1" or path != self.ctx.path:
            return self._hand_off()
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not name or name[-1:] in (b" ", b"\t") or line[:1] in (b" ", b"\t"):
                return self._hand_off()  # not a header aiohttp would take either
            key = name.decode("latin-1").lower()
            if key in _WANTED:
                text = value.strip().decode("latin-1")
                headers[key] = f"{headers[key]},{text}" if key in headers else text
        asked = parse_qs(query)
        if (
            asked.get("transport") != ["websocket"]
            or "sid" in asked
            or headers.get("upgrade", "").lower() != "websocket"
            or "content-length" in headers
            or "transfer-encoding" in headers
        ):
            return self._hand_off()
        self._cancel_timer()
        self._buf = buf[end + 4 :]
        self._state = _HANDSHAKE
        self._handshake(headers, query)

    def _handshake(self, headers: dict[str, str], query: str) -> None:
        ctx = self.ctx
        if not ctx.host_allowed(headers.get("host")):
            body = {
                "error": "this server does not answer to that host name "
                "(its operator can allow it with --allowed-host)",
                "code": "bad-host",
            }
            self._answer(421, "Misdirected Request", "application/json", json.dumps(body).encode())
            return
        connection = {part.strip().lower() for part in headers.get("connection", "").split(",")}
        if "upgrade" not in connection:
            return self._answer(400, "Bad Request", "text/plain", b"No Connection: upgrade header")
        if headers.get("sec-websocket-version") != "13":
            version = headers.get("sec-websocket-version", "")[:20]
            self._answer(
                400,
                "Bad Request",
                "text/plain",
                f"Unsupported Sec-WebSocket-Version {version!r}: 13 only".encode(),
                extra=b"Sec-WebSocket-Version: 13\r\n",
            )
            return
        key = headers.get("sec-websocket-key")
        if not _valid_key(key):
            return self._answer(400, "Bad Request", "text/plain", b"Bad Sec-WebSocket-Key")
        assert key is not None
        if ctx.trust_forwarded:
            self.forwarded = headers.get("x-forwarded-for")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "GET",
            "QUERY_STRING": query,
            "PATH_INFO": ctx.path,
            "REMOTE_ADDR": self.remote,
            "HTTP_UPGRADE": "websocket",
            "HTTP_CONNECTION": "upgrade",
            "HTTP_SEC_WEBSOCKET_KEY": key,
            "wsgi.url_scheme": headers.get("x-forwarded-proto", "http"),
            LEAN: self,
        }
        for name in ("host", "origin", "x-forwarded-proto", "x-forwarded-host"):
            if name in headers:
                environ["HTTP_" + name.upper().replace("-", "_")] = headers[name]
        # The engine's handler: its handshake, then (in serve) the websocket's life.
        # (Kept: the loop holds its tasks only weakly.)
        self._task = asyncio.ensure_future(self._engine(environ))

    async def _engine(self, environ: dict[str, Any]) -> None:
        try:
            response = await self.ctx.eio.handle_request(environ)
        except Exception:
            log.exception("websocket handshake failed")
            if self.transport is not None:
                self.transport.abort()
            return
        if self._state == _HANDSHAKE:
            # Refused by the engine (a bad origin, version, or a refused connect).
            self._answer(
                int(getattr(response, "status", 400)),
                str(getattr(response, "reason", "Bad Request")),
                str(getattr(response, "content_type", "text/plain")),
                bytes(getattr(response, "body", b"") or b""),
            )

    def _answer(
        self, status: int, reason: str, content_type: str, body: bytes, extra: bytes = b""
    ) -> None:
        """An HTTP answer that refuses the upgrade, then the connection closed."""
        self._state = _CLOSED
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        head = (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n"
        ).encode("latin-1")
        transport.write(head + extra + b"\r\n" + body)
        transport.close()

    def _hand_off(self) -> None:
        """Give the connection to aiohttp, with what it sent so far."""
        self._cancel_timer()
        transport, self.transport = self.transport, None
        self._state = _CLOSED
        self.ctx.connections.discard(self)
        if transport is None or transport.is_closing():
            return
        self.ctx.handed_off += 1
        handler = self.ctx.handoff()
        transport.set_protocol(handler)
        handler.connection_made(transport)
        data, self._buf = self._buf, b""
        if data:
            handler.data_received(bytes(data))

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    # ---- the engine's websocket driver: serve, wait, send, close --------------

    def serve(self, handler: Any, environ: dict[str, Any]) -> None:
        """Accept the websocket and start the engine's handler on it, in a task
        of its own: the engine's handshake (`handle_request` and the calls
        under it, ~1.8 KB of coroutine frames) returns now instead of waiting
        for the websocket's end, as python-engineio's own drivers make it."""
        transport = self.transport
        if self._state != _HANDSHAKE or transport is None or transport.is_closing():
            return
        key = environ.pop("HTTP_SEC_WEBSOCKET_KEY")
        transport.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept_key(key).encode("ascii") + b"\r\n\r\n"
        )
        self._state = _OPEN
        self.ctx.served += 1
        # What is read of it from now on (guards.client_address, socketio's
        # connect handlers): the address and this object.
        kept = {"REMOTE_ADDR": environ["REMOTE_ADDR"], LEAN: self}
        environ.clear()
        environ.update(kept)
        socket = getattr(handler, "__self__", None)
        if socket is not None and self.ctx.adopt is not None:
            self.ctx.adopt(socket, self, transport)
        early, self._buf = self._buf, b""
        if self._paused:
            self._paused = False
            transport.resume_reading()
        if early:
            self._frames(early)
        self._task = asyncio.ensure_future(self._run(handler, socket))

    async def _run(self, handler: Any, socket: Any) -> None:
        await handler(self)
        # What python-engineio's _handle_connect does once a websocket ends.
        sockets = self.ctx.eio.sockets
        if socket is not None and socket.closed and sockets.get(socket.sid) is socket:
            del sockets[socket.sid]

    async def wait(self) -> Any:
        """The next message (str or bytes); OSError once the websocket has ended."""
        pending = self._pending
        if pending:
            message = pending.pop(0)
            if not pending:
                self._pending = None
            if self._paused and len(pending) < MAX_PENDING // 2 and self._state == _OPEN:
                self._paused = False
                if self.transport is not None:
                    self.transport.resume_reading()
        elif self._state != _OPEN:
            raise OSError("the websocket is closed")
        else:
            self._waiter = asyncio.get_running_loop().create_future()
            message = await self._waiter
        if message is _GONE:
            raise OSError("the websocket is closed")
        return message

    async def send(self, message: str | bytes) -> None:
        transport = self.transport
        if self._state != _OPEN or transport is None or transport.is_closing():
            raise ConnectionResetError("the websocket is closed")
        flush = self.ctx.flush
        if flush is not None:
            flush(transport)  # frames fan-out gathered for it go first
        if isinstance(message, str):
            transport.write(frame(0x1, message.encode("utf-8")))
        else:
            transport.write(frame(0x2, message))
        if self._drain is not None:
            await self._drain  # the client reads slowly: the engine's queue holds the rest

    async def close(self) -> None:
        self._close(NORMAL)

    def _close(self, code: int) -> None:
        """Send our close frame and wait (a while) for the peer's; nothing more is read."""
        transport = self.transport
        if self._state in (_CLOSING, _CLOSED) or transport is None:
            return
        self._state = _CLOSING
        # Messages read and not yet taken stay the engine's, as in aiohttp's queue.
        self._wake(_GONE)
        self._frag = None
        if not transport.is_closing():
            transport.write(frame(0x8, code.to_bytes(2, "big")))
            self._timer = asyncio.get_running_loop().call_later(CLOSE_TIMEOUT, transport.close)

    def _wake(self, message: Any) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(message)

    def _deliver(self, message: str | bytes) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            self._waiter = None
            waiter.set_result(message)
            return
        if self._pending is None:
            self._pending = [message]
        else:
            self._pending.append(message)
        if len(self._pending) >= MAX_PENDING and not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()

    # ---- frames (RFC 6455 5) ----------------------------------------------------

    def _frames(self, buf: bytes | bytearray) -> None:
        most = self.ctx.eio.max_http_buffer_size
        size = len(buf)
        pos = 0
        while size - pos >= 2:
            first, second = buf[pos], buf[pos + 1]
            length = second & 0x7F
            at = pos + 2
            if length == 126:
                if size - at < 2:
                    break
                length = int.from_bytes(buf[at : at + 2], "big")
                at += 2
            elif length == 127:
                if size - at < 8:
                    break
                length = int.from_bytes(buf[at : at + 8], "big")
                at += 8
            opcode = first & 0x0F
            final = first & 0x80
            if first & 0x70 or not second & 0x80:
                return self._fail(PROTOCOL_ERROR)  # an extension bit, or an unmasked frame
            if opcode >= 0x8:
                if length > 125 or not final:
                    return self._fail(PROTOCOL_ERROR)
            elif length + (len(self._frag) if self._frag is not None else 0) >= most:
                # As aiohttp's max_msg_size: refused before it is buffered.
                return self._fail(TOO_BIG)
            if size - at < 4 + length:
                break
            payload = unmask(buf[at + 4 : at + 4 + length], buf[at : at + 4])
            pos = at + 4 + length
            self._frame(opcode, bool(final), payload)
            if self._state == _CLOSED:
                return
        self._buf = buf[pos:] if pos else buf

    def _frame(self, opcode: int, final: bool, payload: bytes) -> None:
        if opcode == 0x8:
            transport = self.transport
            if self._state == _OPEN:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else NORMAL
                self._close(code if 1000 <= code < 5000 else NORMAL)
            self._state = _CLOSED
            self._cancel_timer()
            if transport is not None:
                transport.close()
            return
        if self._state != _OPEN:
            return  # after our close frame nothing but the peer's counts
        if opcode == 0x9:
            transport = self.transport
            if transport is not None and not transport.is_closing():
                if self.ctx.flush is not None:
                    self.ctx.flush(transport)
                transport.write(frame(0xA, payload))
            return
        if opcode == 0xA:
            return
        if opcode == 0x0:
            if self._frag is None:
                return self._fail(PROTOCOL_ERROR)
            self._frag += payload
            if not final:
                return
            payload, opcode, self._frag = bytes(self._frag), self._frag_op, None
        elif opcode in (0x1, 0x2):
            if self._frag is not None:
                return self._fail(PROTOCOL_ERROR)
            if not final:
                self._frag, self._frag_op = bytearray(payload), opcode
                return
        else:
            return self._fail(PROTOCOL_ERROR)
        if opcode == 0x1:
            try:
                self._deliver(payload.decode("utf-8"))
            except UnicodeDecodeError:
                self._fail(INVALID_DATA)
        else:
            self._deliver(payload)

    def _fail(self, code: int) -> None:
        """Close for a protocol error: our close frame, then the connection."""
        self._close(code)
        self._state = _CLOSED
        self._cancel_timer()
        self._buf = b""
        if self.transport is not None:
            self.transport.close()


def install(eio: Any) -> None:
    """Make python-engineio serve the websockets this module accepted: their
    environ given as the request (`handle_request`), and their websocket
    served by their LeanConnection; every other request is aiohttp's, as before."""

    def environ_as_is(translate: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def translate_lean(*args: Any, **kwargs: Any) -> dict[str, Any]:
            if args and isinstance(args[0], dict) and LEAN in args[0]:
                return args[0]
            return translate(*args, **kwargs)

        return translate_lean

    def served_here(driver: Any) -> Any:
        def websocket(handler: Any, server: Any) -> _Dispatch:
            return _Dispatch(handler, server, driver)

        return websocket

    engineio_reach.wrap_driver(eio, "translate_request", environ_as_is)
    engineio_reach.wrap_driver(eio, "websocket", served_here)


class _Dispatch:
    """The engine's websocket driver: a lean connection's own, else aiohttp's."""

    __slots__ = ("driver", "handler", "server")

    def __init__(self, handler: Any, server: Any, driver: Any) -> None:
        self.handler = handler
        self.server = server
        self.driver = driver

    async def __call__(self, environ: dict[str, Any]) -> Any:
        lean = environ.get(LEAN)
        if isinstance(lean, LeanConnection):
            return lean.serve(self.handler, environ)
        return await self.driver(self.handler, self.server)(environ)
