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
import ssl
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeGuard

import aiohttp
import socketio

from desktop_chat.client.outbox import Outbox
from desktop_chat.protocol.limits import TokenBucket
from desktop_chat.protocol.messages import (
    DeliveryState,
    Message,
    own_message,
    received_message,
    system_message,
)
from desktop_chat.protocol.urls import DEFAULT_PATH, ServerUrl

log = logging.getLogger(__name__)

JOIN_ACK_TIMEOUT = 3.0
CLOSE_TIMEOUT = 1.0  # a polite goodbye may take this long, then the socket is dropped
SERVER_INFO_WAIT = 1.0  # how long a new connection waits to learn what the server does
# How long a server that never acks join-room gets to send my message back
# to me before it is taken for one that does not echo.
ECHO_PROBE_TIMEOUT = 3.0
# Without join acks, a copy of my words within that time may be an echo or a
# reply: only this many such probes in a row make the server an echoing one.
ECHO_GUESSES = 2
ACK_TIMEOUT = 10.0  # an acking server that stays silent this long is treated as gone
SEEN_IDS = 20_000  # received message ids remembered, to drop a replayed copy
# Socket.IO servers drop a client whose packet exceeds their buffer (1 MB by
# default); without a stated limit, stay below it.
UNKNOWN_SERVER_MAX_BYTES = 900_000
# The largest websocket frame we read (aiohttp's default is 4 MiB): a bigger
# one closes the connection, with the reason in the status line.
MAX_RECEIVE_BYTES = 16 * 1024 * 1024


class MessageRefused(ValueError):
    """The message cannot be sent as it is; the text says why, in words."""


@dataclass(frozen=True, slots=True)
class TlsOptions:
    """How https/wss servers are trusted: verified by default, always."""

    ca_file: str | None = None  # a CA to trust besides the system's
    insecure: bool = False  # skip verification (never the default; the window warns)

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


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
    rejoin: bool = False


@dataclass(frozen=True, slots=True)
class _Send:
    message: Message


_Op = _Join | _Send


@dataclass(slots=True)
class _Target:
    url: ServerUrl
    path: str = DEFAULT_PATH

    @property
    def key(self) -> str:
        """Names the server in the outbox: the same URL with another path is another server."""
        return f"{self.url.url}{self.path}"


@dataclass(slots=True)
class _SeenIds:
    limit: int = SEEN_IDS
    order: deque[str] = field(default_factory=deque)
    ids: set[str] = field(default_factory=set)

    def add(self, message_id: str) -> bool:
        """Remember an id; False when it was seen before."""
        if message_id in self.ids:
            return False
        self.ids.add(message_id)
        self.order.append(message_id)
        if len(self.order) > self.limit:
            self.ids.discard(self.order.popleft())
        return True

    def clear(self) -> None:
        self.order.clear()
        self.ids.clear()


@dataclass(slots=True)
class _EchoProbe:
    """Finding out whether a server sends my messages back to me (see `_probe_echo`)."""

    sio: socketio.AsyncClient
    text: str  # the message whose echo, if any, is awaited
    # From the first possible echo on, what was received meanwhile, in order.
    held: list[tuple[object, ...]] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


@dataclass(slots=True)
class _RecentOwn:
    """Texts we sent recently, to drop the copy an echoing server sends back."""

    window: float = 10.0
    items: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=1000))

    def add(self, text: str) -> None:
        self.items.append((time.monotonic(), text))

    def holds(self, text: str) -> bool:
        return any(sent == text for _, sent in self.items)

    def take(self, text: str) -> bool:
        if not self.items:
            return False
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
        reason = text.split("certificate verify failed:")[-1].split("(_ssl")[0].strip(" ]')")
        return (
            f"The server's TLS certificate is not trusted ({reason}). "
            "Trust its CA with --ca-file, or skip the check with --insecure."
        )
    if "wrong_version_number" in lowered or "record layer failure" in lowered:
        return "TLS failed: the server does not speak https at this address."
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
        outbox: Outbox | None = None,
        tls: TlsOptions | None = None,
    ) -> None:
        self.name = name
        self.token = token
        self.transports = transports
        self.backoff = backoff or Backoff()
        self.connect_timeout = connect_timeout
        self.outbox = outbox or Outbox()
        self.tls = tls or TlsOptions()
        self.client_id = uuid.uuid4().hex  # lets the server tell our messages from others'
        self.on_message: Callable[[Message], None] = lambda m: None
        self.on_delivery: Callable[[Message], None] = lambda m: None
        self.on_status: Callable[[Status], None] = lambda s: None

        self.rooms: list[str] = []  # joined, in order; rejoined after a reconnect
        self.status = Status(ConnectionState.OFFLINE)
        self.offline = False  # the user chose to go offline
        self.last_offset: int | None = None  # newest server offset seen (catch-up)
        self.server_info: dict[str, object] = {}
        self._target: _Target | None = None
        self._queue: deque[_Op] = deque()
        self._unacked: dict[str, tuple[Message, float]] = {}  # emitted, awaiting the ack
        self._unflushed: list[Message] = []  # emitted to a server that never acks
        self._sio: socketio.AsyncClient | None = None
        self._http: aiohttp.ClientSession | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._pump_task: asyncio.Task[None] | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        self._wake = asyncio.Event()  # skip the backoff wait, or re-read the target
        self._queued = asyncio.Event()
        self._ended = asyncio.Event()  # the current connection is over
        self._info = asyncio.Event()  # server-info arrived on this connection
        self._closing = False
        self._recent_own = _RecentOwn()
        # Does this connection's server send my own messages back to me (the
        # tutorial's io.emit variant)? None until a probe tells.
        self._echoes: bool | None = None
        self._echo_guesses = 0  # probes in a row that saw my words come back without an ack
        self._probe: _EchoProbe | None = None
        self._seen = _SeenIds()
        self._connect_error: object = None

    # ---- what the user asks for -------------------------------------------

    def connect_to(self, url: ServerUrl, path: str = DEFAULT_PATH) -> None:
        """Connect to this server, leaving any other one; retries until closed.

        Messages left in the outbox for this server (by a run that was
        closed or killed) are shown as pending and sent.
        """
        previous = self._target
        self._target = _Target(url, path)
        if previous is None or previous.key != self._target.key:
            self._switch_server()
        if self._supervisor is None:
            self._supervisor = asyncio.get_running_loop().create_task(
                self._supervise(), name="chat-supervisor"
            )
        else:
            self._end_connection()
            self._wake.set()

    def _switch_server(self) -> None:
        self._end_probe()  # what it held came from the old server
        # What was queued for the old server stays in the outbox under its name.
        self._queue = deque(op for op in self._queue if isinstance(op, _Join))
        self._unacked.clear()
        self._unflushed.clear()
        self.last_offset = None
        self._seen.clear()
        assert self._target is not None
        for message in self.outbox.pending(self._target.key):
            self.on_message(message)
            self._enqueue(_Send(message))

    def reconnect_now(self) -> None:
        """Try now instead of waiting out the backoff (and leave offline mode)."""
        self.offline = False
        self._wake.set()

    def set_offline(self, offline: bool) -> None:
        """Go offline (or back online) by the user's choice; what is written meanwhile waits."""
        self.offline = offline
        if offline:
            self._end_connection()
        self._wake.set()

    def max_message_bytes(self) -> int:
        stated = self.server_info.get("max_message_bytes")
        return stated if _is_offset(stated) and stated > 0 else UNKNOWN_SERVER_MAX_BYTES

    def send(self, text: str, room: str) -> Message:
        """Store a message, show it at once, and send it when connected.

        Raises MessageRefused, before anything is stored or shown, for a
        message that no server would take: empty, or over the server's limit.
        """
        if not text.strip():
            raise MessageRefused("An empty message is not sent.")
        size = len(text.encode("utf-8", "surrogatepass"))
        limit = self.max_message_bytes()
        if size > limit:
            raise MessageRefused(
                f"The message is {size:,} bytes; the server takes at most {limit:,} bytes."
            )
        message = own_message(text, room, self.name)
        if self._target is not None:
            self.outbox.add(self._target.key, message)
        self.on_message(message)
        self._enqueue(_Send(message))
        return message

    def retry(self, message: Message) -> None:
        if message.state is DeliveryState.FAILED:
            self._set_state(message, DeliveryState.PENDING)
            if self._target is not None:
                self.outbox.add(self._target.key, message)
            self._enqueue(_Send(message))

    def join(self, room: str) -> None:
        if room not in self.rooms:
            self.rooms.append(room)
        self._enqueue(_Join(room))

    async def close(self) -> None:
        """Disconnect and stop retrying; safe to call more than once.

        The outbox keeps what was not through, for the next start.
        """
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
            if self.offline:
                self._publish(Status(ConnectionState.OFFLINE, target.url.url, error="offline"))
                await self._wake.wait()
                attempt = 0
                continue
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
                    text = "You went offline." if self.offline else "Disconnected from the server."
                    self.on_message(system_message(text))
                else:
                    was_connected = False
                continue
            if self._target is not target or self.offline:
                attempt = 0
                was_connected = was_connected and self._target is target
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
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self.tls.context())
            )
        sio = socketio.AsyncClient(
            reconnection=False,
            handle_sigint=False,
            http_session=self._http,
            websocket_extra_options={"max_msg_size": MAX_RECEIVE_BYTES},
            logger=False,
            engineio_logger=False,
        )
        self._install_handlers(sio)
        self._connect_error = None
        self.server_info = {}
        self._info.clear()
        self._end_probe()
        self._echoes = None
        self._echo_guesses = 0
        auth: dict[str, object] = {"name": self.name, "client": self.client_id}
        if self.token:
            auth["token"] = self.token
        if self.last_offset is not None:
            auth["offset"] = self.last_offset
        self._sio = sio  # events may arrive before connect() returns
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
            self._sio = None
            await self._abandon(sio)
            return _describe(exc, self._connect_error)
        except asyncio.CancelledError:
            self._sio = None
            await self._abandon(sio)
            raise
        if self._closing or self._target is not target or self.offline:
            self._sio = None
            await self._abandon(sio)
            return "cancelled"
        sid = sio.get_sid() or ""
        self._publish(
            Status(ConnectionState.CONNECTED, target.url.url, sid=sid, transport=sio.transport())
        )
        self.on_message(system_message(f"You connected with id : {sid}"))
        # Rooms are server state and were forgotten with the old connection:
        # join them again ahead of anything queued.
        for room in reversed(self.rooms):
            self._queue.appendleft(_Join(room, announce=False, rejoin=True))
        self._pump_task = asyncio.get_running_loop().create_task(self._pump(sio), name="chat-pump")
        return None

    async def _abandon(self, sio: socketio.AsyncClient) -> None:
        try:
            # Over long-polling, a polite close waits for the pending GET,
            # which a python-engineio server holds until its poll times out.
            await asyncio.wait_for(sio.shutdown(), CLOSE_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(Exception):
                await sio.eio.disconnect(abort=True)
        except Exception:  # a half-open socket may fail to close; it is gone either way
            log.debug("closing a failed connection", exc_info=True)

    async def _drop_socket(self) -> None:
        pump, self._pump_task = self._pump_task, None
        if pump is not None and not pump.done():
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        self._end_probe()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        sio, self._sio = self._sio, None
        if sio is not None:
            await self._abandon(sio)
        # What is not known to be through goes out again, first and in order.
        again = [m for m, _ in self._unacked.values()] + self._unflushed
        self._unacked.clear()
        self._unflushed.clear()
        for message in reversed(again):
            self._set_state(message, DeliveryState.PENDING)
            self._queue.appendleft(_Send(message))

    def _install_handlers(self, sio: socketio.AsyncClient) -> None:
        @sio.on("disconnect")
        def _disconnected(reason: object = None) -> None:
            if sio is self._sio:
                self._end_connection()

        @sio.on("connect_error")
        def _connect_error(data: object = None) -> None:
            self._connect_error = data

        @sio.on("server-info")
        def _server_info(info: object = None) -> None:
            if sio is self._sio and isinstance(info, dict):
                self.server_info = info
                offset = info.get("offset")
                if self.last_offset is None and _is_offset(offset):
                    self.last_offset = offset
                self._info.set()

        @sio.on("receive-message")
        def _received(*args: object) -> None:
            if sio is self._sio:
                self._receive(args)

    # ---- traffic ----------------------------------------------------------

    @property
    def _server_acks(self) -> bool:
        return self.server_info.get("acks") is True

    def _receive(self, args: tuple[object, ...]) -> None:
        message = received_message(args)
        meta = args[1] if len(args) > 1 and isinstance(args[1], dict) else None
        probe = self._probe
        if probe is not None and (
            probe.held
            or (
                meta is None
                and (message.text == probe.text or self._recent_own.holds(message.text))
            )
        ):
            # Maybe my echo, maybe someone's reply: it waits until the probe
            # tells, and whatever comes after it waits too, to keep the order.
            probe.held.append(args)
            return
        if meta is not None:
            sender = meta.get("from")
            own_sid = self.status.sid
            if own_sid and isinstance(sender, dict) and sender.get("sid") == own_sid:
                return
            message_id = meta.get("id")
            if isinstance(message_id, str) and message_id and not self._seen.add(message_id):
                return  # a replayed copy of something we have
            offset = meta.get("offset")
            if _is_offset(offset) and (self.last_offset is None or offset > self.last_offset):
                self.last_offset = offset
        elif self._echoes is not False and self._recent_own.take(message.text) and self._echoes:
            # A server that echoes to the sender (the tutorial's io.emit
            # variant): we showed this message when we sent it. (While that is
            # not known, the copy is shown, as it may be someone's reply, and
            # still uses up the one copy my message may come back as.)
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
        if not self._info.is_set():
            # desktop-chat-server says what it does right after connecting; a
            # tutorial server says nothing, and we go on without acks.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._info.wait(), SERVER_INFO_WAIT)
        bucket = self._bucket()
        try:
            while True:
                if not self._queue:
                    await self._settle(sio)
                    self._queued.clear()
                    await self._queued.wait()
                    continue
                op = self._queue[0]
                if isinstance(op, _Join):
                    await self._emit_join(sio, op)
                else:
                    await self._pace(bucket)
                    await self._emit_send(sio, op.message)
                self._queue.popleft()
        except (socketio.exceptions.SocketIOError, ConnectionError, aiohttp.ClientError):
            log.info("emit failed; waiting for the connection to return", exc_info=True)
            self._end_connection()

    def _bucket(self) -> TokenBucket | None:
        """Our own meter at the server's stated rate: a paste of many lines goes
        out as fast as the server allows, in order, instead of being refused."""
        rate, burst = self.server_info.get("rate"), self.server_info.get("burst")
        if isinstance(rate, int | float) and rate > 0 and isinstance(burst, int) and burst > 0:
            # Keep a margin below the server's figures: its clock is not ours.
            return TokenBucket(rate * 0.9, max(1, burst // 2))
        return None

    @staticmethod
    async def _pace(bucket: TokenBucket | None) -> None:
        while bucket is not None and not bucket.take():
            await asyncio.sleep(1 / bucket.rate)

    async def _settle(self, sio: socketio.AsyncClient) -> None:
        """For a server that never acks, a message is through once it is on the wire."""
        if not self._unflushed:
            return
        await sio.eio.queue.join()
        for message in self._unflushed:
            self.outbox.remove(message.id)
        self._unflushed.clear()

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

        data: tuple[object, ...] = (op.room,)
        # Only a server that said it catches up gets the extra argument: a
        # tutorial server's handler would take it for the ack callback.
        if op.rejoin and self.server_info.get("catchup") is True and self.last_offset is not None:
            data = (op.room, {"since": self.last_offset})
        await sio.emit("join-room", data, callback=ack)
        loop.call_later(JOIN_ACK_TIMEOUT, unconfirmed)

    async def _emit_send(self, sio: socketio.AsyncClient, message: Message) -> None:
        def ack(*args: object) -> None:
            entry = self._unacked.pop(message.id, None)
            if entry is None and message.state is not DeliveryState.SENT:
                return  # from a connection that is gone; the resend will be acked
            self.outbox.remove(message.id)
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
        if self._server_acks:
            self._unacked[message.id] = (message, time.monotonic())
            if self._watchdog is None:
                self._watchdog = asyncio.get_running_loop().call_later(
                    ACK_TIMEOUT, self._check_acks
                )
        else:
            self._unflushed.append(message)
            if self._echoes is not False:
                self._recent_own.add(message.text)
            # Only a room I am in: joining another to probe would subscribe
            # me to it (a tutorial client's socket id is a room, too).
            joined = message.room == "" or message.room in self.rooms
            if self._echoes is None and self._probe is None and joined:
                await self._probe_echo(sio, message)
        if message.state is DeliveryState.PENDING:
            self._set_state(message, DeliveryState.SENT)

    async def _probe_echo(self, sio: socketio.AsyncClient, message: Message) -> None:
        """Learn whether this server echoes, from a message I just sent.

        A server without server-info may be the tutorial's io.emit variant,
        which sends my message back to me, or its default, which never does;
        by the text alone, its echo and someone saying the same words are one
        thing, and taking the second for the first loses their message. The
        server handles my events in order, so once a join-room (of a room I
        am in, a no-op) sent right after the message is acked, its echo, if
        there is one, has arrived. Until then, a message with the text of one
        of mine waits, and so does everything after it (one round trip); the
        rest, a busy room's traffic included, goes straight through. Until
        the server is known to echo, nothing is dropped as an echo.
        """
        probe = self._probe = _EchoProbe(sio, message.text)
        await sio.emit(
            "join-room", (message.room,), callback=lambda *_: self._finish_probe(probe, True)
        )
        if self._probe is probe:
            probe.timer = asyncio.get_running_loop().call_later(
                ECHO_PROBE_TIMEOUT, self._finish_probe, probe, False
            )

    def _finish_probe(self, probe: _EchoProbe, acked: bool | None) -> None:
        """Decide from what came back before the ack (or the timeout), then let it through.

        After an ack, the answer is sure. Without one, my words coming back
        may be somebody's reply, so one such probe decides nothing (the copy
        is shown) and only ECHO_GUESSES in a row make the server an echoing
        one; a message of mine that did not come back shows it does not echo.
        `acked` None: the connection or the server changes, nothing is decided.
        """
        if self._probe is not probe:
            return
        self._probe = None
        if probe.timer is not None:
            probe.timer.cancel()
        if acked is not None and probe.sio is self._sio:
            echoed = any(
                not (len(args) > 1 and isinstance(args[1], dict))
                and received_message(args).text == probe.text
                for args in probe.held
            )
            if acked or not echoed:
                self._echoes = echoed
            else:
                self._echo_guesses += 1
                if self._echo_guesses >= ECHO_GUESSES:
                    self._echoes = True
            if self._echoes is False:
                self._recent_own.items.clear()
        for args in probe.held:
            self._receive(args)

    def _end_probe(self) -> None:
        """The connection or the server changes: what a probe held is let through, undecided."""
        if self._probe is not None:
            self._finish_probe(self._probe, None)

    def _check_acks(self) -> None:
        """An acking server that leaves a message unacked this long is treated as gone:
        the connection is dropped and what is unacked is sent again (same ids)."""
        self._watchdog = None
        if not self._unacked:
            return
        _, oldest = next(iter(self._unacked.values()))
        waited = time.monotonic() - oldest
        if waited >= ACK_TIMEOUT:
            log.warning("no ack for %.0f s; reconnecting to resend", waited)
            self._end_connection()
        else:
            self._watchdog = asyncio.get_running_loop().call_later(
                ACK_TIMEOUT - waited, self._check_acks
            )


def _is_offset(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
