"""ChatClient: one conversation with one Socket.IO server, in plain asyncio.

It owns the connection life cycle instead of leaving it to python-socketio:
the library's reconnection cannot say when the next attempt is due, does
not retry a failed first connect unless asked, and `disconnect()` does
nothing while it is reconnecting. Here one supervisor task connects,
waits for the connection to end, backs off and tries again, and a fresh
`socketio.AsyncClient` serves each attempt so no state leaks between them.

Everything the user asks for (joins and messages) goes through one
ordered queue drained by one pump task, which serializes the emits
(python-socketio's `emit` is not safe to run concurrently) and keeps what
was written while offline until the connection returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import aiohttp
import engineio.payload
import socketio

from desktop_chat.core.messages import (
    DeliveryState,
    Message,
    own_message,
    received_message,
    system_message,
)
from desktop_chat.core.urls import DEFAULT_PATH, ServerUrl

log = logging.getLogger(__name__)

# python-engineio's client aborts a long-polling connection when one HTTP
# response carries more than 16 packets, which any busy room produces
# (a Node server flushes everything it buffered in one response). The
# limit is a class attribute; raising it is the library's documented knob.
engineio.payload.Payload.max_decode_packets = max(
    engineio.payload.Payload.max_decode_packets, 100_000
)

JOIN_ACK_TIMEOUT = 3.0


class ConnectionState(Enum):
    OFFLINE = "offline"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


@dataclass(frozen=True, slots=True)
class Status:
    state: ConnectionState
    url: str = ""
    sid: str = ""
    transport: str = ""
    error: str = ""
    retry_at: float | None = None  # time.monotonic() of the next attempt


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter, capped, so a crowd of clients does not
    hammer a server that just came back all at the same instant."""

    first: float = 0.5
    factor: float = 2.0
    cap: float = 10.0
    jitter: float = 0.3

    def delay(self, attempt: int) -> float:
        base = min(self.cap, self.first * self.factor ** max(0, attempt - 1))
        return base * (1 - self.jitter * random.random())


@dataclass(frozen=True, slots=True)
class _Join:
    room: str
    announce: bool = True


@dataclass(frozen=True, slots=True)
class _Send:
    message: Message


_Op = _Join | _Send


@dataclass(slots=True)
class _Target:
    url: ServerUrl
    path: str = DEFAULT_PATH


@dataclass(slots=True)
class _RecentOwn:
    """Texts we sent recently, to drop the copy an echoing server sends back."""

    window: float = 10.0
    items: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=1000))

    def add(self, text: str) -> None:
        self.items.append((time.monotonic(), text))

    def take(self, text: str) -> bool:
        cutoff = time.monotonic() - self.window
        while self.items and self.items[0][0] < cutoff:
            self.items.popleft()
        for i, (_, sent) in enumerate(self.items):
            if sent == text:
                del self.items[i]
                return True
        return False


def _describe(exc: BaseException, reported: object) -> str:
    """The reason a connect attempt failed, in words a user can act on.

    python-socketio reports a server's refusal as a dict with a `message`
    and a transport failure as aiohttp's text, which we translate.
    """
    if isinstance(reported, dict):
        return f"The server refused the connection: {reported.get('message', reported)}"
    text = str(reported) if reported else (" ".join(str(a) for a in exc.args if a))
    lowered = text.lower()
    if "connect call failed" in lowered or "connection refused" in lowered:
        return "Connection refused: nothing is listening at this address."
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or ("temporary failure in name resolution" in lowered)
    ):
        return "Unknown host: the server's name cannot be resolved."
    if "certificate" in lowered:
        return f"TLS certificate problem: {text}"
    if isinstance(exc, TimeoutError):
        return "The server did not answer in time."
    return text or type(exc).__name__


class ChatClient:
    """Talks the tutorial protocol (PROTOCOL.md) and our extensions.

    Callbacks, set by whoever shows the conversation, run on the loop:
    `on_message` for every new line (received, own and system),
    `on_delivery` when one of our own messages changes state,
    `on_status` when the connection changes.
    """

    def __init__(
        self,
        name: str,
        *,
        token: str | None = None,
        transports: list[str] | None = None,
        backoff: Backoff | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.name = name
        self.token = token
        self.transports = transports
        self.backoff = backoff or Backoff()
        self.connect_timeout = connect_timeout
        self.on_message: Callable[[Message], None] = lambda m: None
        self.on_delivery: Callable[[Message], None] = lambda m: None
        self.on_status: Callable[[Status], None] = lambda s: None

        self.rooms: list[str] = []  # joined, in order; rejoined after a reconnect
        self.status = Status(ConnectionState.OFFLINE)
        self._target: _Target | None = None
        self._queue: deque[_Op] = deque()
        self._sio: socketio.AsyncClient | None = None
        self._http: aiohttp.ClientSession | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._pump_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()  # skip the backoff wait, or re-read the target
        self._queued = asyncio.Event()
        self._ended = asyncio.Event()  # the current connection is over
        self._closing = False
        self._server_meta = False  # the server sends `meta`: it never echoes
        self._recent_own = _RecentOwn()
        self._connect_error: object = None

    # ---- what the user asks for -------------------------------------------

    def connect_to(self, url: ServerUrl, path: str = DEFAULT_PATH) -> None:
        """Connect to this server, leaving any other one; retries until closed."""
        self._target = _Target(url, path)
        if self._supervisor is None:
            self._supervisor = asyncio.get_running_loop().create_task(
                self._supervise(), name="chat-supervisor"
            )
        else:
            self._end_connection()
            self._wake.set()

    def reconnect_now(self) -> None:
        self._wake.set()

    def send(self, text: str, room: str) -> Message:
        """Queue a message; it is shown at once and sent when connected."""
        message = own_message(text, room, self.name)
        self.on_message(message)
        self._enqueue(_Send(message))
        return message

    def retry(self, message: Message) -> None:
        if message.state is DeliveryState.FAILED:
            self._set_state(message, DeliveryState.PENDING)
            self._enqueue(_Send(message))

    def join(self, room: str) -> None:
        if room not in self.rooms:
            self.rooms.append(room)
        self._enqueue(_Join(room))

    async def close(self) -> None:
        """Disconnect and stop retrying; safe to call more than once."""
        self._closing = True
        self._wake.set()
        self._end_connection()
        for task in (self._pump_task, self._supervisor):
            if task is not None and not task.done():
                task.cancel()
        for task in (self._pump_task, self._supervisor):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._drop_socket()
        if self._http is not None:
            await self._http.close()
            self._http = None
        self._publish(Status(ConnectionState.OFFLINE, self._url_text()))

    # ---- connection life cycle --------------------------------------------

    def _url_text(self) -> str:
        return self._target.url.url if self._target else ""

    def _publish(self, status: Status) -> None:
        self.status = status
        self.on_status(status)

    def _end_connection(self) -> None:
        self._ended.set()

    async def _supervise(self) -> None:
        attempt = 0
        was_connected = False
        while not self._closing:
            target = self._target
            assert target is not None
            self._wake.clear()
            self._ended.clear()
            state = (
                ConnectionState.RECONNECTING
                if attempt or was_connected
                else ConnectionState.CONNECTING
            )
            self._publish(Status(state, target.url.url))
            error = await self._connect(target)
            if error is None:
                attempt = 0
                was_connected = True
                await self._ended.wait()
                await self._drop_socket()
                if self._closing:
                    break
                if self._target is target:
                    self.on_message(system_message("Disconnected from the server."))
                else:
                    was_connected = False
                continue
            if self._target is not target:
                attempt = 0
                was_connected = False
                continue
            attempt += 1
            delay = self.backoff.delay(attempt)
            self._publish(
                Status(
                    ConnectionState.RECONNECTING,
                    target.url.url,
                    error=error,
                    retry_at=time.monotonic() + delay,
                )
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _connect(self, target: _Target) -> str | None:
        """One attempt; None when connected, else the reason in words."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        sio = socketio.AsyncClient(
            reconnection=False,
            handle_sigint=False,
            http_session=self._http,
            logger=False,
            engineio_logger=False,
        )
        self._install_handlers(sio)
        self._connect_error = None
        auth: dict[str, str] = {"name": self.name}
        if self.token:
            auth["token"] = self.token
        try:
            await asyncio.wait_for(
                sio.connect(
                    target.url.url,
                    auth=auth,
                    transports=self.transports,
                    socketio_path=target.path,
                    wait_timeout=self.connect_timeout,
                ),
                self.connect_timeout + 1,
            )
        except (socketio.exceptions.ConnectionError, TimeoutError, aiohttp.ClientError) as exc:
            await self._abandon(sio)
            return _describe(exc, self._connect_error)
        except asyncio.CancelledError:
            await self._abandon(sio)
            raise
        if self._closing or self._target is not target:
            await self._abandon(sio)
            return "cancelled"
        self._sio = sio
        self._server_meta = False
        sid = sio.get_sid() or ""
        self._publish(
            Status(ConnectionState.CONNECTED, target.url.url, sid=sid, transport=sio.transport())
        )
        self.on_message(system_message(f"You connected with id : {sid}"))
        # Rooms are server state and were forgotten with the old connection:
        # join them again ahead of anything queued.
        for room in reversed(self.rooms):
            self._queue.appendleft(_Join(room, announce=False))
        self._pump_task = asyncio.get_running_loop().create_task(self._pump(sio), name="chat-pump")
        return None

    async def _abandon(self, sio: socketio.AsyncClient) -> None:
        try:
            await sio.shutdown()
        except Exception:  # a half-open socket may fail to close; it is gone either way
            log.debug("closing a failed connection", exc_info=True)

    async def _drop_socket(self) -> None:
        pump, self._pump_task = self._pump_task, None
        if pump is not None and not pump.done():
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        sio, self._sio = self._sio, None
        if sio is not None:
            await self._abandon(sio)

    def _install_handlers(self, sio: socketio.AsyncClient) -> None:
        @sio.on("disconnect")
        def _disconnected(reason: object = None) -> None:
            if sio is self._sio:
                self._end_connection()

        @sio.on("connect_error")
        def _connect_error(data: object = None) -> None:
            self._connect_error = data

        @sio.on("receive-message")
        def _received(*args: object) -> None:
            if sio is self._sio:
                self._receive(args)

    # ---- traffic ----------------------------------------------------------

    def _receive(self, args: tuple[object, ...]) -> None:
        message = received_message(args)
        if len(args) > 1 and isinstance(args[1], dict):
            self._server_meta = True
            sender = args[1].get("from")
            if isinstance(sender, dict) and sender.get("sid") == self.status.sid:
                return
        elif not self._server_meta and self._recent_own.take(message.text):
            # A server that echoes to the sender (the tutorial's io.emit
            # variant): we showed this message when we sent it.
            return
        self.on_message(message)

    def _enqueue(self, op: _Op) -> None:
        self._queue.append(op)
        self._queued.set()

    def _set_state(self, message: Message, state: DeliveryState, error: str = "") -> None:
        if message.state is not state or message.error != error:
            message.state = state
            message.error = error
            self.on_delivery(message)

    async def _pump(self, sio: socketio.AsyncClient) -> None:
        """Drain the queue in order while this connection lasts."""
        while True:
            if not self._queue:
                self._queued.clear()
                await self._queued.wait()
                continue
            op = self._queue[0]
            try:
                if isinstance(op, _Join):
                    await self._emit_join(sio, op)
                else:
                    await self._emit_send(sio, op.message)
            except (socketio.exceptions.SocketIOError, ConnectionError, aiohttp.ClientError):
                log.info("emit failed; waiting for the connection to return", exc_info=True)
                self._end_connection()
                return
            self._queue.popleft()

    async def _emit_join(self, sio: socketio.AsyncClient, op: _Join) -> None:
        loop = asyncio.get_running_loop()
        acked = False

        def ack(*args: object) -> None:
            nonlocal acked
            acked = True
            if op.announce:
                text = args[0] if args and isinstance(args[0], str) else f"Joined {op.room}"
                self.on_message(system_message(text, op.room))

        def unconfirmed() -> None:
            if not acked and op.announce:
                self.on_message(
                    system_message(
                        f"Joined room {op.room!r} (the server did not confirm).", op.room
                    )
                )

        await sio.emit("join-room", op.room, callback=ack)
        loop.call_later(JOIN_ACK_TIMEOUT, unconfirmed)

    async def _emit_send(self, sio: socketio.AsyncClient, message: Message) -> None:
        def ack(*args: object) -> None:
            reply = args[0] if args else None
            if isinstance(reply, dict) and isinstance(reply.get("error"), str):
                self._set_state(message, DeliveryState.FAILED, reply["error"])
            else:
                self._set_state(message, DeliveryState.DELIVERED)

        # Always two arguments (the tutorial tests `room === ""`), then our
        # optional `opts`; a tutorial server ignores both extras.
        await sio.emit(
            "send-message", (message.text, message.room, {"id": message.id}), callback=ack
        )
        if not self._server_meta:
            self._recent_own.add(message.text)
        if message.state is DeliveryState.PENDING:
            self._set_state(message, DeliveryState.SENT)
