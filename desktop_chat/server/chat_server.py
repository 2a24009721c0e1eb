"""desktop-chat-server: the tutorial's chat server, in python-socketio.

Same semantics as the tutorial's Node server (broadcast to everyone but
the sender, rooms, `join-room` acked with `Joined <room>`), plus the
extensions of PROTOCOL.md: `send-message` is acked with `{id, ts}`, a
repeated `opts.id` is relayed once, `receive-message` carries `meta`,
`auth.name` names the sender. Bad input is answered with an error ack and
never reaches the other clients.
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
from desktop_chat.server.fanout import DirectManager, no_websocket_compression
from desktop_chat.server.history import History, Stored, open_history

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
MAX_NAME_CHARS = 64
MAX_ID_CHARS = 128
MAX_CLIENT_KEY_CHARS = 128


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
    ) -> None:
        self.path = normalize_path(path)
        self.limits = limits or Limits(max_message_bytes=max_message_bytes)
        self.token = token
        self.ssl_context = ssl_context
        self.history: History = open_history(db)
        # Storing, relaying and replaying happen under one lock, so that every
        # client sees messages in offset order, replayed ones included.
        self._lock = asyncio.Lock()
        self.max_message_bytes = self.limits.max_message_bytes
        self.sio = socketio.AsyncServer(
            client_manager=DirectManager(),
            async_mode="aiohttp",
            # Room for a maximal message (4 JSON bytes per character at worst)
            # plus framing; anything larger is cut off by engine.io, which
            # drops that client's connection, before a handler sees it.
            max_http_buffer_size=self.max_message_bytes * 4 + 64 * 1024,
            # None: same origin only. Browsers do not apply CORS to websockets,
            # so an empty list (no checks at all) would let any page connect.
            cors_allowed_origins=cors_allowed_origins or None,
            logger=False,
            engineio_logger=False,
        )
        self.app = web.Application(middlewares=[no_websocket_compression])
        self.sio.attach(self.app, socketio_path=self.path)
        self._peers: dict[str, _Peer] = {}
        # Connected but not yet caught up: live broadcasts skip them, so that
        # nothing new overtakes the replay of what they missed.
        self._unwelcomed: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.host = ""
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("join-room", self._on_join)
        self.sio.on("leave-room", self._on_leave)
        self.sio.on("send-message", self._on_send)

    # ---- life cycle -------------------------------------------------------

    async def start(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
        """Listen on host:port (0 picks a free port); returns the port.

        Raises OSError when the address is taken, before anything is left running.
        """
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
        self.host = host
        address = runner.addresses[0]
        self.port = int(address[1])
        log.info("desktop-chat-server listening on %s", self.url)
        return self.port

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
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
        self._unwelcomed.add(sid)
        log.info("client connected %s %s (%s)", ip, sid, self._peers[sid].name)
        # After the handler returns, so that the client has its CONNECT first.
        self.sio.start_background_task(self._welcome, sid)

    async def _welcome(self, sid: str) -> None:
        """Tell the client what this server does, then replay what it missed
        in the no-room channel since the offset it connected with."""
        peer = self._peers.get(sid)
        if peer is None:
            return
        async with self._lock:
            info = {
                "acks": True,
                "catchup": True,
                "offset": self.history.last_offset(),
                "max_message_bytes": self.max_message_bytes,
                "rate": self.limits.rate,
                "burst": self.limits.burst,
            }
            await self.sio.emit("server-info", info, to=sid)
            if peer.offset is not None:
                await self._replay(sid, peer, "", peer.offset)
            self._unwelcomed.discard(sid)

    async def _replay(self, sid: str, peer: _Peer, room: str, offset: int) -> None:
        for stored in self.history.since(room, offset, exclude_client=peer.client):
            await self.sio.emit("receive-message", (stored.text, _meta(stored)), to=sid)

    async def _on_disconnect(self, sid: str, reason: object = None) -> None:
        peer = self._peers.pop(sid, None)
        self._unwelcomed.discard(sid)
        log.info("client disconnected %s %s", peer.ip if peer else "?", sid)

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
        async with self._lock:
            if isinstance(since, int) and not isinstance(since, bool):
                await self._replay(sid, peer, room, since)
            await self.sio.enter_room(sid, room)
            peer.rooms.add(room)
        return f"Joined {room}"

    async def _on_leave(self, sid: str, *args: object) -> object:
        room = args[0] if args else None
        peer = self._peers.get(sid)
        problem = self._room_error(room, allow_empty=False)
        if peer is None or problem is not None:
            return await self._refuse(sid, f"leave-room: {problem or 'not connected'}")
        assert isinstance(room, str)
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
            stored = self.history.find(client_id)
            if stored is None:
                stored = self.history.add(
                    client_id, room, peer.client, peer.name, message, time.time()
                )
                meta = _meta(stored)
                meta["from"] = {"sid": sid, "name": peer.name}
                skip = [sid, *self._unwelcomed] if self._unwelcomed else sid
                await self.sio.emit(
                    "receive-message", (message, meta), room=room or None, skip_sid=skip
                )
        return {"id": stored.id, "ts": stored.ts, "offset": stored.offset}


def _meta(stored: Stored) -> dict[str, object]:
    return {
        "id": stored.id,
        "room": stored.room,
        "from": {"sid": "", "name": stored.sender_name},
        "ts": stored.ts,
        "offset": stored.offset,
    }
