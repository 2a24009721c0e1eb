"""desktop-chat-server: the tutorial's chat server, in python-socketio.

Same semantics as the tutorial's Node server (broadcast to everyone but
the sender, rooms, `join-room` acked with `Joined <room>`), plus the
extensions of docs/protocol.md: `send-message` is acked with `{id, ts,
offset}`, a sender's repeated `opts.id` is relayed once, `receive-message`
carries `meta`, `auth.name` names the sender, and a client that reconnects
is replayed what it missed (server/replay.py). Bad input is answered with
an error ack and never reaches the other clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
import socketio
from aiohttp import web

from desktop_chat.protocol.limits import Limits, TokenBucket
from desktop_chat.protocol.messages import new_id
from desktop_chat.protocol.urls import DEFAULT_PATH, normalize_path
from desktop_chat.server import extensions
from desktop_chat.server.fanout import DirectManager, no_websocket_compression
from desktop_chat.server.history import History, open_history
from desktop_chat.server.replay import ReplayLimits, Replays, meta
from desktop_chat.server.retention import Retention, keep_trimming, trim

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
MAX_NAME_CHARS = 64
MAX_ID_CHARS = 128
MAX_CLIENT_KEY_CHARS = 128
# Framing and the other arguments of a send-message packet around its text:
# room and opts.id (at most 128 characters each, 6 bytes apiece escaped).
PACKET_SLACK = 64 * 1024
# Socket.IO's JSON escapes every character outside ASCII (and the controls):
# one UTF-8 byte of text takes at most 6 bytes on the wire (`\u0001`; a
# Hangul syllable, 3 bytes in UTF-8, is `\uXXXX`, 6).
WIRE_BYTES_PER_UTF8_BYTE = 6


def default_max_packet_bytes(max_message_bytes: int) -> int:
    """The smallest packet limit under which every message the server takes fits."""
    return max_message_bytes * WIRE_BYTES_PER_UTF8_BYTE + PACKET_SLACK


def default_db_path(port: int) -> Path:
    """One database per port, so two servers on one machine keep apart."""
    data = Path(platformdirs.user_data_dir("desktop-chat", appauthor=False))
    return data / f"server-{port}.db"


@dataclass(slots=True)
class _Peer:
    name: str
    ip: str
    client: str  # stable across reconnects (auth.client), else the sid
    offset: int | None  # the last offset the client had seen when it connected
    bucket: TokenBucket
    rooms: set[str] = field(default_factory=set)
    violations: float = 0.0
    violations_at: float = field(default_factory=time.monotonic)

    def violate(self) -> float:
        """Count one violation, forgiving one per second since the last; returns the count."""
        now = time.monotonic()
        self.violations = max(0.0, self.violations - (now - self.violations_at)) + 1
        self.violations_at = now
        return self.violations


def _error(text: str) -> dict[str, str]:
    return {"error": text}


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
    ) -> None:
        self.path = normalize_path(path)
        self.limits = limits or Limits(max_message_bytes=max_message_bytes)
        self.token = token
        self.ssl_context = ssl_context
        self.history: History = open_history(db)
        self.retention = retention or Retention()
        # Storing, relaying and each page of a replay happen under one lock,
        # so that every client sees messages in offset order, replayed ones
        # included.
        self._lock = asyncio.Lock()
        self.max_message_bytes = self.limits.max_message_bytes
        # The largest engine.io packet taken, as announced in server-info.
        # Anything larger is cut off by engine.io, which drops that client's
        # connection before a handler sees it (aiohttp closes the websocket
        # with 1009, "message too big"). The default takes any message of up
        # to max_message_bytes, however it is escaped.
        self.max_packet_bytes = max_packet_bytes or default_max_packet_bytes(
            self.max_message_bytes
        )
        self.sio = socketio.AsyncServer(
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
        )
        self.app = web.Application(middlewares=[no_websocket_compression])
        self.sio.attach(self.app, socketio_path=self.path)
        self._peers: dict[str, _Peer] = {}
        self.replays = Replays(self.sio, self.history, self._lock, replay_limits or ReplayLimits())
        self._trimming: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.host = ""
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("join-room", self._on_join)
        self.sio.on("leave-room", self._on_leave)
        self.sio.on("send-message", self._on_send)
        extensions.install(self)

    # ---- life cycle -------------------------------------------------------

    async def start(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
        """Listen on host:port (0 picks a free port); returns the port.

        Raises OSError when the address is taken, before anything is left running.
        """
        await trim(self.history, self.retention, self._lock)
        runner = web.AppRunner(
            self.app, handle_signals=False, access_log=None, shutdown_timeout=0.1
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port, ssl_context=self.ssl_context)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._trimming = asyncio.ensure_future(
            keep_trimming(self.history, self.retention, self._lock, self.replays.budgets.prune)
        )
        self.host = host
        address = runner.addresses[0]
        self.port = int(address[1])
        log.info("desktop-chat-server listening on %s", self.url)
        return self.port

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        if self._trimming is not None:
            self._trimming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._trimming
        await self.replays.close()
        # Close every client's transport first: aiohttp would otherwise wait
        # for open websockets to end by themselves. Clients see the server
        # go away, as when it is killed, and reconnect.
        # (engine.io's own disconnect-all waits for each socket's send queue,
        # which never drains for a client that is already gone.)
        for socket in list(self.sio.eio.sockets.values()):
            with contextlib.suppress(Exception):
                await socket.close(wait=False, reason=self.sio.eio.reason.SERVER_DISCONNECT)
        with contextlib.suppress(Exception):
            await self.sio.shutdown()
        await runner.cleanup()
        self.history.close()

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}{self.path}"

    @property
    def client_count(self) -> int:
        return len(self._peers)

    # ---- events -----------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, object], auth: object = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        request = environ.get("aiohttp.request")
        ip = str(getattr(request, "remote", "") or environ.get("REMOTE_ADDR", ""))
        if self.token is not None:
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
        client = auth.get("client")
        if not isinstance(client, str) or not client or len(client) > MAX_CLIENT_KEY_CHARS:
            client = sid
        offset = auth.get("offset")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            offset = None
        bucket = TokenBucket(self.limits.rate, self.limits.burst)
        self._peers[sid] = _Peer(name or f"guest-{sid[:4]}", ip, client, offset, bucket)
        # Left out of the no-room channel's live broadcasts until welcomed,
        # and, when it asked for a catch-up, until that has caught up.
        self.replays.behind_lobby.add(sid)
        log.info("client connected %s %s (%s)", ip, sid, self._peers[sid].name)
        # After the handler returns, so that the client has its CONNECT first.
        self.sio.start_background_task(self._welcome, sid)

    async def _welcome(self, sid: str) -> None:
        """Tell the client what this server does, then start the replay of
        what it missed in the no-room channel since the offset it connected with."""
        peer = self._peers.get(sid)
        if peer is None:
            return
        async with self._lock:
            if sid not in self._peers:
                return
            info = {
                "acks": True,
                "catchup": True,
                "offset": self.history.last_offset(),
                "max_message_bytes": self.max_message_bytes,
                "max_packet_bytes": self.max_packet_bytes,
                "rate": self.limits.rate,
                "burst": self.limits.burst,
                "replay_page": self.replays.limits.page_messages,
                **extensions.EXTENSIONS,
            }
            await self.sio.emit("server-info", info, to=sid)
            if peer.offset is None:
                self.replays.behind_lobby.discard(sid)
        if peer.offset is not None and sid in self._peers:
            self.replays.start(sid, peer.client, peer.ip, "", peer.offset)

    async def _on_disconnect(self, sid: str, reason: object = None) -> None:
        peer = self._peers.pop(sid, None)
        self.replays.cancel(sid)
        log.info("client disconnected %s %s (%s)", peer.ip if peer else "?", sid, reason)

    async def _refuse(self, sid: str, text: str) -> dict[str, str]:
        """Answer bad input with an error ack; a client that keeps at it is disconnected."""
        peer = self._peers.get(sid)
        if peer is not None and peer.violate() > self.limits.max_violations:
            log.warning("disconnecting %s %s: too many bad requests", peer.ip, sid)
            await self.sio.disconnect(sid)
        return _error(text)

    def _room_error(self, room: object, allow_empty: bool) -> str | None:
        if not isinstance(room, str):
            return "the room is a string"
        if not allow_empty and not room.strip():
            return "the room name is empty"
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
        since = opts.get("since") if isinstance(opts, dict) else None
        peer.rooms.add(room)
        if isinstance(since, int) and not isinstance(since, bool) and since >= 0:
            # In the room once the replay has caught up (replay-done).
            self.replays.start(sid, peer.client, peer.ip, room, since)
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
        if not peer.bucket.take():
            return await self._refuse(
                sid, f"slow down: at most {self.limits.rate:g} messages a second"
            )
        client_id = opts.get("id") if isinstance(opts, dict) else None
        if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_ID_CHARS:
            client_id = new_id()
        async with self._lock:
            # Only this sender's own earlier message can make this one a repeat.
            stored = self.history.find(peer.client, client_id)
            if stored is None:
                stored = self.history.add(
                    client_id, room, peer.client, peer.name, message, time.time()
                )
                relayed = meta(stored)
                relayed["from"] = {"sid": sid, "name": peer.name}
                behind = self.replays.behind_lobby
                skip = [sid, *behind] if behind and not room else sid
                await self.sio.emit(
                    "receive-message", (message, relayed), room=room or None, skip_sid=skip
                )
        return {"id": stored.id, "ts": stored.ts, "offset": stored.offset}
