"""The connection's life cycle: connect, wait for the end, back off, again.

It owns the life cycle instead of leaving it to python-socketio: the
library's reconnection cannot say when the next attempt is due, does not
retry a failed first connect unless asked, and `disconnect()` does nothing
while it is reconnecting. Here one supervisor task connects, waits for the
connection to end, backs off and tries again, and a fresh
`socketio.AsyncClient` serves each attempt so no state leaks between them.
The other parts hear of each step through `ConnectionHooks`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import socketio

from desktop_chat.client.errors import connect_failure
from desktop_chat.client.lean_client import LeanClient
from desktop_chat.client.notices import (
    Connected,
    ConnectFailed,
    Disconnected,
    Notice,
    SendingFailed,
    SigninNeeded,
)
from desktop_chat.client.packet_tap import PacketTap
from desktop_chat.client.signin import SIGNIN_RATE, SIGNIN_RATE_WAIT
from desktop_chat.client.status import Backoff, ConnectionState, Status
from desktop_chat.client.tls import TlsOptions
from desktop_chat.protocol.engineio_reach import link_broke
from desktop_chat.protocol.urls import ServerTarget

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 1.0  # a polite goodbye may take this long, then the socket is dropped
NAMESPACE_WAIT = 4.0  # seconds for the answer to the namespace connect (wait_timeout)
# The largest websocket frame we read (aiohttp's default is 4 MiB): a bigger
# one closes the connection, with the reason in the status line.
MAX_RECEIVE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ConnectionHooks:
    """What the connection tells the other parts, each at its step."""

    auth: Callable[[], dict[str, object] | None]  # the auth payload of the next attempt
    starting: Callable[[], None]  # a new attempt: forget what the last connection taught
    connected: Callable[[socketio.AsyncClient], None]  # start sending on it
    over: Callable[[], Awaitable[None]]  # stop using it (before it is closed)
    switched: Callable[[ServerTarget], None]  # another server from now on
    status: Callable[[Status], None]
    notice: Callable[[Notice], None]  # something to tell the user
    # Events of the server's that other parts handle; called only while the
    # connection they came on is the current one.
    handlers: Callable[[], dict[str, Callable[..., None]]]


class Connection:
    def __init__(
        self,
        hooks: ConnectionHooks,
        *,
        transports: list[str] | None = None,
        backoff: Backoff | None = None,
        connect_timeout: float = 10.0,
        tls: TlsOptions | None = None,
    ) -> None:
        self._hooks = hooks
        self.transports = transports
        self.backoff = backoff or Backoff()
        self.connect_timeout = connect_timeout
        self.tls = tls or TlsOptions()
        self.status = Status(ConnectionState.OFFLINE)
        self.offline = False  # the user chose to go offline
        self.target: ServerTarget | None = None
        self._sio: socketio.AsyncClient | None = None
        self._http: aiohttp.ClientSession | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()  # skip the backoff wait, or re-read the target
        self._ended = asyncio.Event()  # the current connection is over
        self._end_reason = ""  # why it was ended from inside, if not by the server
        self._closing = False
        self._connect_error: object = None
        self._tap: PacketTap | None = None  # only while someone watches the packets
        # Refused sign-in: no attempt until the window gives credentials (`resume`).
        self.held: SigninNeeded | None = None
        self.attempts = 0  # connection attempts made (each refused sign-in is one)
        # The last connection ended because its link broke, not because the
        # server closed it: what was in flight is not the server's doing.
        self.link_broke = False
        self._closed_by_server = False  # the server said so (a disconnect or close packet)

    @property
    def sio(self) -> socketio.AsyncClient | None:
        """The live socket, if connected."""
        return self._sio

    # ---- what the user asks for -------------------------------------------

    def connect_to(self, target: ServerTarget) -> None:
        previous = self.target
        self.target = target
        if previous is None or previous.key != target.key:
            self.held = None
            self._hooks.switched(target)
        if self._supervisor is None:
            self._supervisor = asyncio.get_running_loop().create_task(
                self._supervise(), name="chat-supervisor"
            )
        else:
            self.end()
            self._wake.set()

    def set_tap(self, tap: PacketTap | None) -> None:
        """Record the packets of the live socket and of every later one (None: stop)."""
        if self._tap is not None and self._tap is not tap:
            self._tap.detach()
        self._tap = tap
        if tap is not None and self._sio is not None:
            tap.attach(self._sio)

    def reconnect_now(self) -> None:
        self.offline = False
        self.held = None
        self._wake.set()

    def hold(self, why: SigninNeeded) -> None:
        """Stop: the server will not take this connection's sign-in (refused, or
        signed out while connected); nothing is tried until `resume`."""
        self.held = why
        self.end()
        self._wake.set()

    def resume(self) -> None:
        """New credentials: try at once."""
        self.held = None
        self._wake.set()

    def set_offline(self, offline: bool) -> None:
        self.offline = offline
        if offline:
            self.end()
        self._wake.set()

    def end(self, reason: str = "") -> None:
        """End the current connection; the supervisor reconnects. `reason`: the
        error of a failed send, said to the user (notices.Disconnected, SendingFailed)."""
        if reason and not self._end_reason:
            self._end_reason = reason
        self._ended.set()

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        self.end()
        if self._supervisor is not None and not self._supervisor.done():
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        await self._drop()
        if self._http is not None:
            await self._http.close()
            self._http = None
        self._publish(Status(ConnectionState.OFFLINE, self._url_text()))

    # ---- the supervisor ---------------------------------------------------

    def _url_text(self) -> str:
        return self.target.url.url if self.target else ""

    def _publish(self, status: Status) -> None:
        self.status = status
        self._hooks.status(status)

    async def _supervise(self) -> None:
        attempt = 0
        was_connected = False
        while not self._closing:
            target = self.target
            assert target is not None
            self._wake.clear()
            self._ended.clear()
            if self.offline:
                self._publish(Status(ConnectionState.OFFLINE, target.url.url, user_offline=True))
                await self._wake.wait()
                attempt = 0
                continue
            if self.held is not None:
                # Asked, not retried: another attempt would be refused the same way.
                self._publish(Status(ConnectionState.OFFLINE, target.url.url, error=self.held))
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
                reason, self._end_reason = self._end_reason, ""
                await self._drop()
                if self._closing:
                    break
                if self.target is target:
                    self._hooks.notice(Disconnected(self.offline, reason))
                    if reason and not self.offline:
                        # Said in the status line too, until the next attempt.
                        self._publish(
                            Status(
                                ConnectionState.RECONNECTING,
                                target.url.url,
                                error=SendingFailed(reason),
                            )
                        )
                else:
                    was_connected = False
                continue
            if self.target is not target or self.offline:
                attempt = 0
                was_connected = was_connected and self.target is target
                continue
            attempt += 1
            delay = self.backoff.delay(attempt)
            if isinstance(error, SigninNeeded):
                if error.code != SIGNIN_RATE:
                    self.held = error
                    continue
                delay = SIGNIN_RATE_WAIT  # the server counts attempts: wait it out
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

    async def _connect(self, target: ServerTarget) -> Notice | None:
        """One attempt; None when connected, else why not."""
        if self._http is None:
            # unsafe=True: keep cookies from IP-address hosts too, such as a load
            # balancer's stickiness cookie on 127.0.0.1 (docs/deploy.md).
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self.tls.context()),
                cookie_jar=aiohttp.CookieJar(unsafe=True),
            )
        sio = LeanClient(
            reconnection=False,
            handle_sigint=False,
            http_session=self._http,
            websocket_extra_options={"max_msg_size": MAX_RECEIVE_BYTES},
            logger=False,
            engineio_logger=False,
        )
        self._install_handlers(sio)
        if self._tap is not None:
            self._tap.attach(sio, target.url.url)
        self._connect_error = None
        self.attempts += 1
        self._hooks.starting()
        auth = self._hooks.auth()
        self._sio = sio  # events may arrive before connect() returns
        try:
            await asyncio.wait_for(
                sio.connect(
                    target.url.url,
                    auth=auth,
                    transports=self.transports,
                    socketio_path=target.path,
                    # The answer to the namespace connect comes at once from a
                    # server that works; a server whose connect handler failed
                    # never sends it: said after a few seconds, not ten.
                    wait_timeout=min(self.connect_timeout, NAMESPACE_WAIT),
                ),
                self.connect_timeout + 1,
            )
        except (socketio.exceptions.ConnectionError, TimeoutError, aiohttp.ClientError) as exc:
            self._sio = None
            await _abandon(sio)
            return connect_failure(exc, self._connect_error)
        except asyncio.CancelledError:
            self._sio = None
            await _abandon(sio)
            raise
        if self._closing or self.target is not target or self.offline:
            self._sio = None
            await _abandon(sio)
            return ConnectFailed("cancelled")
        sid = sio.get_sid() or ""
        self._publish(
            Status(ConnectionState.CONNECTED, target.url.url, sid=sid, transport=sio.transport())
        )
        self._hooks.notice(Connected(sid))
        self._hooks.connected(sio)
        sio.go_lean()  # after all the above, as python-socketio's own client would have it
        return None

    async def _drop(self) -> None:
        sio, closed_by_server = self._sio, self._closed_by_server
        self._closed_by_server = False
        self.link_broke = sio is not None and not closed_by_server and link_broke(sio.eio)
        await self._hooks.over()
        sio, self._sio = self._sio, None
        if sio is not None:
            await _abandon(sio)

    def _install_handlers(self, sio: socketio.AsyncClient) -> None:
        def live(handler: Callable[..., None]) -> Callable[..., None]:
            def guarded(*args: object) -> None:
                if sio is self._sio:
                    handler(*args)

            return guarded

        @sio.on("disconnect")
        def _disconnected(reason: object = None) -> None:
            if sio is self._sio:
                self._closed_by_server = reason == socketio.AsyncClient.reason.SERVER_DISCONNECT
                self.end()

        @sio.on("connect_error")
        def _connect_error(data: object = None) -> None:
            self._connect_error = data

        for event, handler in self._hooks.handlers().items():
            sio.on(event, live(handler))


async def _abandon(sio: socketio.AsyncClient) -> None:
    try:
        # Over long-polling, a polite close waits for the pending GET,
        # which a python-engineio server holds until its poll times out.
        await asyncio.wait_for(sio.shutdown(), CLOSE_TIMEOUT)
    except TimeoutError:
        with contextlib.suppress(Exception):
            await sio.eio.disconnect(abort=True)
    except Exception:  # a half-open socket may fail to close; it is gone either way
        log.debug("closing a failed connection", exc_info=True)
