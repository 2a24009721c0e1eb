"""desktop-chat-server: the tutorial's chat server, in python-socketio.

Same semantics as the tutorial's Node server (broadcast to everyone but
the sender, rooms, `join-room` acked with `Joined <room>`), plus the
extensions of docs/protocol.md: `send-message` is acked with `{id, ts,
offset}`, a sender's repeated `opts.id` is relayed once, `receive-message`
carries `meta` (with `reply_to` and `format` when the sender gave them),
`auth.name` names the sender, and a client that reconnects is replayed what
it missed (server/replay.py). Edits, deletions and reactions are
server/message_events.py's, stored and relayed in the same order. Bad input is answered with
an error ack and never reaches the other clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import ssl
from dataclasses import replace
from functools import partial
from pathlib import Path

import socketio
from aiohttp import web

from desktop_chat.protocol.limits import MAX_OFFSET, Limits
from desktop_chat.protocol.messages import new_id
from desktop_chat.protocol.urls import DEFAULT_PATH, normalize_path
from desktop_chat.server import extensions, message_events, private_rooms
from desktop_chat.server.accounts import (
    Access,
    AccountStore,
    Acl,
    RedisAccounts,
    SignInRefused,
    SqliteAccounts,
    added_rooms,
    removed_rooms,
)
from desktop_chat.server.defaults import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    LISTEN_BACKLOG,
    MAX_ID_CHARS,
    MAX_NAME_CHARS,
    client_key,
    dedup_seconds,
    default_db_path,
    default_max_packet_bytes,
)
from desktop_chat.server.fanout import DirectManager, no_websocket_compression
from desktop_chat.server.files import FileError, Files, FilesConfig
from desktop_chat.server.guards import (
    AddressCount,
    HostGuard,
    allowed_names,
    client_address,
    read_bodies_whole,
    refuse_oversized_posts,
)
from desktop_chat.server.health import health_route
from desktop_chat.server.history import History, Stored
from desktop_chat.server.lean_socket import LeanServer
from desktop_chat.server.lean_websocket import LEAN, LeanContext
from desktop_chat.server.lean_websocket import install as serve_websockets_here
from desktop_chat.server.meters import Meters, Shared
from desktop_chat.server.peers import Peer
from desktop_chat.server.presence_bus import PresenceBus, Roster
from desktop_chat.server.redis_bus import RedisBus
from desktop_chat.server.redis_store import RedisStore
from desktop_chat.server.replay import ReplayLimits, Replays, relayed
from desktop_chat.server.retention import Retention, keep_trimming, trim
from desktop_chat.server.store import SqliteStore, Store, StoreUnavailable

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ChatServer",
    "default_db_path",
    "default_max_packet_bytes",
]

log = logging.getLogger(__name__)


def loggable(text: str) -> str:
    """A client's words for one log line: control characters escaped, so
    that a newline in `auth.name` cannot forge a line of its own (#22)."""
    return repr(text)[1:-1] if not text.isprintable() else text


def _error(text: str) -> dict[str, str]:
    return {"error": text}


# Seconds a connection may take to send a whole request (server/guards.py).
HEADER_TIMEOUT = 15.0

# The store could not take it (Redis away, a full disk): nothing was stored.
UNAVAILABLE = {"error": "the server's store is unavailable; try again", "code": "unavailable"}


class ChatServer:
    """A python-socketio AsyncServer on aiohttp, started and stopped in a running loop."""

    def __init__(
        self,
        path: str = DEFAULT_PATH,
        *,
        max_message_bytes: int = Limits().max_message_bytes,
        cors_allowed_origins: list[str] | str | None = None,
        db: Path | str = ":memory:",
        token: str | None = None,
        limits: Limits | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_packet_bytes: int | None = None,
        retention: Retention | None = None,
        replay_limits: ReplayLimits | None = None,
        redis: str | None = None,
        redis_prefix: str = "desktop-chat",
        files: FilesConfig | None = None,
        allowed_hosts: list[str] | None = None,
        ping: tuple[float, float] = (25.0, 20.0),
        header_timeout: float = HEADER_TIMEOUT,
        accounts: bool = False,
        trusted_proxies: list[str] | None = None,
    ) -> None:
        self.path = normalize_path(path)
        self.limits = limits or Limits(max_message_bytes=max_message_bytes)
        self.token = token
        self.ssl_context = ssl_context
        self.retention = retention or Retention()
        # Relaying and each page of a replay happen under one lock, so that
        # every client sees messages in offset order, replayed ones included
        # (on SQLite, storing too: there a message is relayed as it is stored).
        self._lock = asyncio.Lock()
        self.store: Store
        self.bus: RedisBus | None = None
        shared: Shared | None = None  # meters every process shares (on Redis)
        if redis is None:
            self.store = SqliteStore(db)
        else:
            store = RedisStore(
                redis, prefix=redis_prefix, dedup_seconds=dedup_seconds(self.retention)
            )
            self.store = store
            self.bus = RedisBus(redis, store.stream, self._deliver, self._lock, store.epoch)
            shared = store.meters
        # Rates per client key or account (server/meters.py), kept across
        # reconnects, and on Redis shared by every process.
        self.shared_meters = shared
        self.send_meters = self.meters("send", self.limits.rate, self.limits.burst)
        self.rename_meters = self.meters(
            "rename", self.limits.rename_rate, self.limits.rename_burst
        )
        self.request_meters = self.meters(
            "requests", self.limits.requests_rate, self.limits.requests_burst
        )
        self.address_request_meters = self.meters(
            "address-requests",
            self.limits.address_requests_rate,
            self.limits.address_requests_burst,
        )
        # Accounts and private rooms (server/accounts.py) live in the same store.
        # Private rooms hold in both modes (without --accounts nobody is a member);
        # only with `accounts` must a connection sign in.
        self.accounts = accounts
        account_store: AccountStore = (
            SqliteAccounts(self.store.history.connection)
            if isinstance(self.store, SqliteStore)
            else RedisAccounts(self.store.redis, redis_prefix)
        )
        self.access = Access(account_store, self.limits, self.enforce, self.meters)
        self.max_message_bytes = self.limits.max_message_bytes
        # The largest engine.io packet taken, as announced in server-info.
        # Anything larger is cut off by engine.io, which drops that client's
        # connection before a handler sees it (aiohttp closes the websocket
        # with 1009, "message too big"). The default takes any message of up
        # to max_message_bytes, however it is escaped.
        self.max_packet_bytes = max_packet_bytes or default_max_packet_bytes(self.max_message_bytes)
        self.sio = LeanServer(
            client_manager=DirectManager(),
            async_mode="aiohttp",
            # aiohttp refuses a websocket message of max_msg_size bytes or
            # more (engine.io passes this as max_msg_size), so one more byte
            # makes max_packet_bytes itself the largest accepted.
            max_http_buffer_size=self.max_packet_bytes + 1,
            # None: same origin only. Browsers do not apply CORS to websockets,
            # so an empty list (no checks at all) would let any page connect.
            cors_allowed_origins=cors_allowed_origins or None,
            logger=False,
            engineio_logger=False,
            # (interval, timeout) in seconds: engine.io's defaults, shorter in tests.
            ping_interval=ping[0],
            ping_timeout=ping[1],
        )
        # The Host names answered to (server/guards.py), known once bound.
        self.allowed_hosts = list(allowed_hosts or [])
        self.header_timeout = header_timeout
        self.trusted_proxies = frozenset(trusted_proxies or ())
        self.addresses = AddressCount(self.limits.max_connections_per_address)
        self.host_guard = HostGuard()
        read_bodies_whole(self.sio.eio)
        self.app = web.Application(
            middlewares=[
                self.host_guard.middleware,
                refuse_oversized_posts(self.sio.eio, self.path),
                no_websocket_compression,
            ]
        )
        self.sio.attach(self.app, socketio_path=self.path)
        # Fresh websockets are served by server/lean_websocket.py, the rest by aiohttp.
        serve_websockets_here(self.sio.eio)
        self.lean: LeanContext | None = None
        self._listener: asyncio.Server | None = None
        self.app.router.add_get("/health", health_route(self))
        self._peers: dict[str, Peer] = {}
        # Who is in each room, counted (server/presence_bus.py); with Redis,
        # every process's people, shared through the presence bus.
        self.roster = Roster()
        self.presence_bus: PresenceBus | None = None
        if redis is not None:
            self.presence_bus = PresenceBus(
                redis, redis_prefix, self.roster, self._peers, self.sio.emit
            )
        self.replays = Replays(
            self.sio,
            self.store,
            self._lock,
            replay_limits or ReplayLimits(),
            self.delivered,
            shared,
        )
        self._trimming: asyncio.Task[None] | None = None
        # Bytes of text stored since the last trim by bytes (Retention.bytes).
        self._written = 0
        self._trim_now: asyncio.Task[int] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.host = ""
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("join-room", self._on_join)
        self.sio.on("leave-room", self._on_leave)
        self.sio.on("send-message", self._on_send)
        extensions.install(self)
        message_events.install(self)
        private_rooms.install(self)
        # Files (server/files.py): given a directory, or beside a database file.
        if files is None and redis is None and str(db) != ":memory:":
            files = FilesConfig(Path(f"{db}.files"))
        self.files: Files | None = None
        if files is not None and files.max_bytes > 0:
            self.files = Files(self, files)

    # ---- life cycle -------------------------------------------------------

    async def start(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
        """Listen on host:port (0 picks a free port); returns the port.

        Raises OSError when the address is taken, before anything is left running.
        """
        if self.bus is not None:
            try:
                await self.store.check()
                # Live relaying starts after what is stored now, before the
                # first client is told where that is; older is catch-up.
                self.bus.start(await self.store.last_offset())
            except StoreUnavailable as exc:
                await self.store.close()
                raise RuntimeError(str(exc)) from exc
        try:
            await self.access.start()
        except Exception as exc:
            await self.store.close()
            raise RuntimeError(f"cannot read the accounts: {exc}") from exc
        try:
            await trim(self.store, self.retention, self._lock)
        except StoreUnavailable as exc:  # gone again already: trimmed next time
            log.warning("retention: not trimmed at start (%s)", exc)
        self.host_guard.names = allowed_names(host, self.allowed_hosts)
        runner = web.AppRunner(
            self.app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=0.1,
            # aiohttp closes a connection that has not sent a whole request
            # within this long of connecting (or of its last answer): a
            # half-sent request (slowloris) no longer holds a file descriptor
            # for good. (Its default is an hour.) Websockets and held polls
            # are requests in progress, never idle.
            keepalive_timeout=self.header_timeout,
        )
        await runner.setup()
        assert runner.server is not None
        manager = self.sio.manager
        lean = LeanContext(
            self.sio.eio,
            f"/{self.path.strip('/')}/",
            runner.server,
            header_timeout=self.header_timeout,
            host_allowed=self.host_guard.allows,
            trust_forwarded=bool(self.trusted_proxies),
            flush=manager.gather.flush if isinstance(manager, DirectManager) else None,
            adopt=manager.adopt if isinstance(manager, DirectManager) else None,
        )
        try:
            # aiohttp's TCPSite's listen, with our protocol first (lean_websocket.py).
            listener = await asyncio.get_running_loop().create_server(
                lean, host, port, ssl=self.ssl_context, backlog=LISTEN_BACKLOG
            )
        except BaseException:
            await runner.cleanup()
            await self.access.stop()
            if self.bus is not None:
                await self.bus.stop()
                await self.store.close()
            raise
        self.lean, self._listener = lean, listener
        self._runner = runner
        if self.presence_bus is not None:
            # Before "listening" is said: the others' people are known by then.
            await self.presence_bus.start()
        if self.files is not None:
            await self.files.start()
        self._trimming = asyncio.ensure_future(
            keep_trimming(self.store, self.retention, self._lock, self.replays.budgets.prune)
        )
        self.host = host
        self.port = int(listener.sockets[0].getsockname()[1])
        log.info("desktop-chat-server listening on %s", self.url)
        return self.port

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        if self._trim_now is not None:
            self._trim_now.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._trim_now
        if self._trimming is not None:
            self._trimming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._trimming
        # Stop accepting first: a client that reconnects at once finds nothing
        # here (and, when a window hosted this server, the window taking it
        # over), never a server about to close its connection again.
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        await self.replays.close()
        if self.presence_bus is not None:
            # One `bye` for all of this process's people, not one leave each.
            await self.presence_bus.stop()
        # Then close every client's transport: aiohttp would otherwise wait
        # for open websockets to end by themselves. Clients see the server
        # go away, as when it is killed, and reconnect.
        # (engine.io's own disconnect-all waits for each socket's send queue,
        # which never drains for a client that is already gone.)
        for socket in list(self.sio.eio.sockets.values()):
            with contextlib.suppress(Exception):
                await socket.close(wait=False, reason=self.sio.eio.reason.SERVER_DISCONNECT)
        if self.lean is not None:
            self.lean.close_all()
        with contextlib.suppress(Exception):
            await self.sio.shutdown()
        await runner.cleanup()
        if listener is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.wait_closed(), 1.0)
        if self.files is not None:
            await self.files.stop()
        await self.access.stop()
        if self.bus is not None:
            await self.bus.stop()
        await self.store.close()

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}{self.path}"

    @property
    def client_count(self) -> int:
        return len(self._peers)

    @property
    def history(self) -> History:
        """The SQLite history (a server without --redis)."""
        if not isinstance(self.store, SqliteStore):
            raise AttributeError("this server keeps its messages in Redis")
        return self.store.history

    async def delivered(self) -> int:
        """The newest offset relayed live by this process; what is newer will be."""
        if self.bus is not None:
            return self.bus.delivered
        return await self.store.last_offset()

    # ---- events -----------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, object], auth: object = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        request = environ.get("aiohttp.request") or environ.get(LEAN)
        ip = client_address(request, self.trusted_proxies) or str(environ.get("REMOTE_ADDR", ""))
        signed = None
        if self.accounts:
            try:
                signed = await self.access.sign_in(auth, ip)
            except SignInRefused as exc:
                log.info("refused %s %s: %s", ip, sid, exc.code)
                # connect_error's data: {"message": words, "data": {"code": code}}
                raise socketio.exceptions.ConnectionRefusedError(
                    exc.words, {"code": exc.code}
                ) from None
        elif self.token is not None:
            given = auth.get("token")
            if not isinstance(given, str) or not hmac.compare_digest(
                given.encode("utf-8", "surrogatepass"), self.token.encode()
            ):
                log.info("refused %s %s: wrong or missing token", ip, sid)
                raise socketio.exceptions.ConnectionRefusedError(
                    "this server needs a valid token (desktop-chat --token)"
                )
        name = auth.get("name")
        name = name.strip()[:MAX_NAME_CHARS] if isinstance(name, str) else ""
        client = client_key(auth.get("client"), sid)
        payer = client
        if signed is not None:
            # The account's name, whatever auth.name says; its keys are its own
            # (no other account can give the same auth.client and edit its
            # messages), and its rates and replay budget are the account's.
            name = signed.account
            client = f"@{signed.account}/{client}"
            payer = f"@{signed.account}"
        offset = auth.get("offset")
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
            offset = None
        if not self.addresses.take(ip):
            log.info("refused %s %s: too many connections from that address", ip, sid)
            raise socketio.exceptions.ConnectionRefusedError(
                f"too many connections from your address (at most {self.addresses.most}); "
                "close some windows, or ask the server's operator",
                {"code": "too-many-connections"},
            )
        # The send rate follows the client's key (or account) across
        # reconnects: `payer` keys its meters.
        self._peers[sid] = Peer(
            name or f"guest-{sid[:4]}", ip, client, offset, signed=signed, payer=payer
        )
        given_epoch = auth.get("epoch")
        if isinstance(given_epoch, str) and len(given_epoch) <= 64:
            self._peers[sid].epoch = given_epoch
        # Left out of the no-room channel's live broadcasts until welcomed,
        # and, when it asked for a catch-up, until that has caught up.
        self.replays.behind_lobby.add(sid)
        log.info("client connected %s %s (%s)", ip, sid, loggable(self._peers[sid].name))
        # After the handler returns, so that the client has its CONNECT first.
        self.sio.start_background_task(self._welcome, sid)

    async def _welcome(self, sid: str) -> None:
        """Tell the client what this server does, then start the replay of
        what it missed in the no-room channel since the offset it connected with."""
        peer = self._peers.get(sid)
        if peer is None:
            return
        # Before the relay lock, one read for the welcomes waiting (issue #23).
        try:
            epoch: str | None
            epoch, newest = await self.store.epoch_and_newest()
        except StoreUnavailable as exc:  # Redis away: told at the next connect
            log.warning("welcoming %s without the store's epoch: %s", sid, exc)
            epoch, newest = None, -1
        async with self._lock:
            if sid not in self._peers:
                return
            delivered = await self.delivered()
            newest = delivered if newest < 0 else newest
            if peer.offset is not None and (
                (epoch is not None and peer.epoch and peer.epoch != epoch) or peer.offset > newest
            ):
                # Offsets of another store (set aside, replaced, a Redis that
                # lost everything): everything this one has is new to it.
                log.info("client %s had offsets of another store: replayed from the start", sid)
                peer.offset = 0
            info: dict[str, object] = {
                "acks": True,
                "catchup": True,
                "offset": delivered,
                "max_message_bytes": self.max_message_bytes,
                "max_packet_bytes": self.max_packet_bytes,
                "rate": self.limits.rate,
                "burst": self.limits.burst,
                "replay_page": self.replays.limits.page_messages,
                **extensions.EXTENSIONS,
                **message_events.EXTENSIONS,
            }
            if epoch is not None:
                info["epoch"] = epoch
            if self.files is not None:
                info["files"] = self.files.info()
            if self.accounts:
                info.update(accounts=True, account=peer.account, rename=False)
            await self.sio.emit("server-info", info, to=sid)
            if peer.offset is None:
                self.replays.behind_lobby.discard(sid)
        if peer.offset is not None and sid in self._peers:
            self.replays.start(sid, peer.client, peer.ip, "", peer.offset, peer.payer)

    async def _on_disconnect(self, sid: str, reason: object = None) -> None:
        peer = self._peers.pop(sid, None)
        if peer is not None:
            self.addresses.release(peer.ip)
        self.replays.cancel(sid)
        log.info("client disconnected %s %s (%s)", peer.ip if peer else "?", sid, reason)

    async def _refuse(self, sid: str, text: str) -> dict[str, str]:
        """Answer bad input with an error ack; a client that keeps at it is disconnected."""
        peer = self._peers.get(sid)
        if peer is not None and peer.violate() > self.limits.max_violations:
            log.warning("disconnecting %s %s: too many bad requests", peer.ip, sid)
            await self.sio.disconnect(sid)
        return _error(text)

    def meters(self, name: str, rate: float, burst: float) -> Meters:
        """A kind of per-key meter: this process's, or on Redis every process's."""
        return Meters(rate, burst, shared=self.shared_meters, name=name)

    async def request_allowed(self, peer: Peer) -> bool:
        """Whether a presence request (`participants`) of this client is within
        its own meter and its address's (issue #22: each reads a whole room)."""
        return await self.request_meters.take(
            peer.payer
        ) and await self.address_request_meters.take(peer.ip)

    def _room_error(self, room: object, allow_empty: bool) -> str | None:
        if not isinstance(room, str):
            return "the room is a string"
        if not allow_empty and not room.strip():
            return "the room name is empty"
        if "\x00" in room:
            return "room names cannot contain NUL characters"
        if len(room) > self.limits.max_room_chars:
            return f"room names are at most {self.limits.max_room_chars} characters"
        return None

    async def _on_join(self, sid: str, *args: object) -> object:
        room = args[0] if args else None
        opts = args[1] if len(args) > 1 else None
        peer = self._peers.get(sid)
        problem = self._room_error(room, allow_empty=False)
        if peer is None or problem is not None:
            return await self._refuse(sid, f"join-room: {problem or 'not connected'}")
        assert isinstance(room, str)
        if room not in peer.rooms and len(peer.rooms) >= self.limits.max_rooms_per_client:
            return await self._refuse(
                sid, f"join-room: at most {self.limits.max_rooms_per_client} rooms per client"
            )
        # The list as the store has it now (one small read): a room made
        # private a moment ago is private for this join, not a second later.
        await self.access.refresh_quietly()
        if not self.access.acl.may_enter(peer.account, room):
            answer = dict(await self._refuse(sid, f"join-room: {room} is a private room"))
            return {**answer, "code": "not-a-member"}
        since = opts.get("since") if isinstance(opts, dict) else None
        if not isinstance(since, int) or isinstance(since, bool) or not 0 <= since <= MAX_OFFSET:
            since = None
        else:
            with contextlib.suppress(StoreUnavailable):
                if since > await self.store.last_offset():
                    since = 0  # an offset of another store (see _welcome): all of it is new
        peer.rooms.add(room)
        if since is not None:
            # In the room once the replay has caught up (replay-done).
            self.replays.start(sid, peer.client, peer.ip, room, since, peer.payer)
        elif not self.replays.running(sid, room):
            await self.sio.enter_room(sid, room)
        return f"Joined {room}"

    async def _on_leave(self, sid: str, *args: object) -> object:
        room = args[0] if args else None
        peer = self._peers.get(sid)
        problem = self._room_error(room, allow_empty=False)
        if peer is None or problem is not None:
            return await self._refuse(sid, f"leave-room: {problem or 'not connected'}")
        assert isinstance(room, str)
        self.replays.cancel(sid, room)
        await self.sio.leave_room(sid, room)
        peer.rooms.discard(room)
        return f"Left {room}"

    async def _on_send(self, sid: str, *args: object) -> object:
        message = args[0] if args else None
        room = args[1] if len(args) > 1 else ""
        opts = args[2] if len(args) > 2 else None
        peer = self._peers.get(sid)
        if peer is None:
            return _error("not connected")
        if not isinstance(message, str):
            return await self._refuse(sid, "send-message takes the message as a string")
        size = len(message.encode("utf-8", "surrogatepass"))
        if size > self.max_message_bytes:
            return await self._refuse(
                sid,
                f"the message is {size} bytes; this server takes at most "
                f"{self.max_message_bytes} bytes",
            )
        room = "" if room is None else room
        problem = self._room_error(room, allow_empty=True)
        if problem is not None:
            return await self._refuse(sid, f"send-message: {problem}")
        assert isinstance(room, str)
        # Into a private room only its members write (one dict lookup, and
        # none at all for the no-room channel: open servers pay nothing more).
        if room and room in self.access.acl.private and room not in peer.rooms:
            refused = dict(await self._refuse(sid, f"send-message: {room} is a private room"))
            return {**refused, "code": "not-a-member"}
        if not await self.send_meters.take(peer.payer):
            return await self._refuse(
                sid, f"slow down: at most {self.limits.rate:g} messages a second"
            )
        opts = opts if isinstance(opts, dict) else {}
        client_id = opts.get("id")
        if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_ID_CHARS:
            client_id = new_id()
        try:
            reply_to = await message_events.reply_to(self.store, peer, opts)
        except message_events.BadRequest as exc:
            return await self._refuse(sid, f"send-message: {exc}")
        except StoreUnavailable as exc:
            log.warning("refused a message from %s: store unavailable (%s)", sid, exc)
            return UNAVAILABLE
        fmt = message_events.MARKDOWN if opts.get("format") == message_events.MARKDOWN else ""
        attachment = ""
        if "attachment" in opts:  # only a message with one looks at files
            if self.files is None:
                return await self._refuse(sid, "send-message: this server takes no files")
            try:
                attachment = await self.files.attachment(peer, room, opts["attachment"])
            except FileError as exc:
                answer: dict[str, object] = dict(
                    await self._refuse(sid, f"send-message: {exc.words}")
                )
                return {**answer, "code": exc.code}
            except Exception as exc:  # the files' index (Redis) away
                log.warning("refused a message from %s: files unavailable (%s)", sid, exc)
                return UNAVAILABLE
        add = partial(
            self.store.add, client_id, room, peer.client, peer.name, message, sid,
            reply_to=reply_to, format=fmt, attachment=attachment,
        )  # fmt: skip
        try:
            if self.bus is None:
                async with self._lock:
                    added = await add()
                    if added.new:
                        await self._deliver(added.stored, sid)
            else:
                # Relayed by the stream reader, in the stream's order, this
                # process's clients included. Stored in the order they came in
                # (RedisStore queues them), so each sender's order holds.
                added = await add()
        except StoreUnavailable as exc:
            log.warning("refused a message from %s: store unavailable (%s)", sid, exc)
            return UNAVAILABLE
        stored = added.stored
        if self.retention.bytes is not None and added.new:
            self._written += size
            if self._written > self.retention.bytes // 20:
                self._trim_soon()
        if attachment and self.files is not None:
            # After storing (a resend, too: attaching again changes nothing). The
            # file was kept for its grace period until now.
            await self.files.attached(replace(stored, attachment=attachment))
        return {"id": stored.id, "ts": stored.ts, "offset": stored.offset}

    def _trim_soon(self) -> None:
        """A twentieth of the bytes retention allows was written since the last
        trim: trim now, not in ten minutes (a client can write 80 MB/s)."""
        if self._trim_now is not None and not self._trim_now.done():
            return
        self._written = 0

        async def trimming() -> int:
            try:
                return await trim(self.store, self.retention, self._lock)
            except StoreUnavailable as exc:
                log.warning("retention: not trimmed now (%s)", exc)
                return 0

        self._trim_now = asyncio.ensure_future(trimming())

    async def _deliver(self, stored: Stored, sender_sid: str) -> None:
        """Relay one stored message, or event of one, to this process's clients
        in its channel, but not to its sender, nor to clients still catching
        up on the no-room channel."""
        behind = self.replays.behind_lobby
        skip = [sender_sid, *behind] if behind and not stored.room else sender_sid
        event, data = relayed(stored, sender_sid)
        await self.sio.emit(event, data, room=stored.room or None, skip_sid=skip)

    async def enforce(self, old: Acl, new: Acl) -> None:
        """Hold this process's open connections to a changed list of accounts
        and rooms (server/accounts.py): within a second of a change, on every
        process, a revoked sign-in is disconnected, a removed member is out
        of its private room, live relays and replays included, and a new
        member's connections are told (`room-added`) so its windows join."""
        for sid, peer in list(self._peers.items()):
            if peer.signed is not None and not self.access.still_valid(peer.signed):
                log.info("signing out %s %s (%r): its sign-in was revoked", peer.ip, sid, peer.name)
                self.replays.cancel(sid)
                await self.sio.emit("signed-out", {"code": "revoked"}, to=sid)
                await self.sio.disconnect(sid)
                continue
            # Taken out of a private room it had left: told all the same (a
            # window that left it takes a new invitation to it again).
            left = [] if peer.account is None else removed_rooms(old, new, peer.account)
            left = [room for room in left if room not in peer.rooms]
            for room in sorted(peer.rooms):
                if not new.may_enter(peer.account, room):
                    await self.remove_from_room(sid, room)
            for room in left:
                await self.sio.emit("room-removed", {"room": room, "code": "not-a-member"}, to=sid)
            if peer.account is not None:
                for room in added_rooms(old, new, peer.account):
                    await self.sio.emit("room-added", {"room": room}, to=sid)

    async def remove_from_room(self, sid: str, room: str) -> None:
        """Take a connection out of a private room it may no longer be in, as
        if it had left (the others are told), and tell it why."""
        leave = self.sio.handlers["/"]["leave-room"]  # presence's, around _on_leave
        await leave(sid, room)
        await self.sio.emit("room-removed", {"room": room, "code": "not-a-member"}, to=sid)
