"""desktop-chat-server: the tutorial's chat server, in python-socketio.

Same semantics as the tutorial's Node server (broadcast to everyone but
the sender, rooms, `join-room` acked with `Joined <room>`), plus the
extensions of PROTOCOL.md: `send-message` is acked with `{id, ts}`, a
repeated `opts.id` is relayed once, `receive-message` carries `meta`,
`auth.name` names the sender. Bad input is answered with an error ack and
never reaches the other clients.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import socketio
from aiohttp import web

from desktop_chat import __version__
from desktop_chat.core.history import History, Stored, open_history
from desktop_chat.core.urls import DEFAULT_PATH, InvalidServerUrl, normalize_path

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
MAX_NAME_CHARS = 64
MAX_ROOM_CHARS = 128
MAX_ID_CHARS = 128
DEFAULT_MAX_MESSAGE_BYTES = 1_000_000
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


def _error(text: str) -> dict[str, str]:
    return {"error": text}


class ChatServer:
    """A python-socketio AsyncServer on aiohttp, started and stopped in a running loop."""

    def __init__(
        self,
        path: str = DEFAULT_PATH,
        *,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        cors_allowed_origins: list[str] | str | None = None,
        db: Path | str = ":memory:",
    ) -> None:
        self.path = normalize_path(path)
        self.history: History = open_history(db)
        # Storing, relaying and replaying happen under one lock, so that every
        # client sees messages in offset order, replayed ones included.
        self._lock = asyncio.Lock()
        self.max_message_bytes = max_message_bytes
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            # Room for a maximal message plus its framing; anything larger is
            # cut off by engine.io before it reaches a handler.
            max_http_buffer_size=max_message_bytes + 64 * 1024,
            cors_allowed_origins=cors_allowed_origins if cors_allowed_origins else [],
            logger=False,
            engineio_logger=False,
        )
        self.app = web.Application()
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
            self.app, handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.host = host
        address = runner.addresses[0]
        self.port = int(address[1])
        log.info("desktop-chat-server listening on http://%s:%d%s", host, self.port, self.path)
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
    def client_count(self) -> int:
        return len(self._peers)

    # ---- events -----------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, object], auth: object = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        name = auth.get("name")
        name = name.strip()[:MAX_NAME_CHARS] if isinstance(name, str) else ""
        client = auth.get("client")
        if not isinstance(client, str) or not client or len(client) > MAX_CLIENT_KEY_CHARS:
            client = sid
        offset = auth.get("offset")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            offset = None
        request = environ.get("aiohttp.request")
        ip = str(getattr(request, "remote", "") or environ.get("REMOTE_ADDR", ""))
        self._peers[sid] = _Peer(name or f"guest-{sid[:4]}", ip, client, offset)
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
            info = {"acks": True, "catchup": True, "offset": self.history.last_offset()}
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

    async def _on_join(self, sid: str, *args: object) -> object:
        room = args[0] if args else None
        opts = args[1] if len(args) > 1 else None
        if not isinstance(room, str) or not room.strip():
            return _error("join-room takes a non-empty room name (a string)")
        if len(room) > MAX_ROOM_CHARS:
            return _error(f"room names are at most {MAX_ROOM_CHARS} characters")
        since = opts.get("since") if isinstance(opts, dict) else None
        peer = self._peers.get(sid)
        async with self._lock:
            if peer is not None and isinstance(since, int) and not isinstance(since, bool):
                await self._replay(sid, peer, room, since)
            await self.sio.enter_room(sid, room)
        return f"Joined {room}"

    async def _on_leave(self, sid: str, *args: object) -> object:
        room = args[0] if args else None
        if not isinstance(room, str):
            return _error("leave-room takes a room name (a string)")
        await self.sio.leave_room(sid, room)
        return f"Left {room}"

    async def _on_send(self, sid: str, *args: object) -> object:
        message = args[0] if args else None
        room = args[1] if len(args) > 1 else ""
        opts = args[2] if len(args) > 2 else None
        if not isinstance(message, str):
            return _error("send-message takes the message as a string")
        if len(message.encode("utf-8", "surrogatepass")) > self.max_message_bytes:
            return _error(f"messages are at most {self.max_message_bytes} bytes")
        if room is None:
            room = ""
        if not isinstance(room, str) or len(room) > MAX_ROOM_CHARS:
            return _error(f"the room is a string of at most {MAX_ROOM_CHARS} characters")
        client_id = opts.get("id") if isinstance(opts, dict) else None
        if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_ID_CHARS:
            client_id = uuid.uuid4().hex
        peer = self._peers.get(sid)
        if peer is None:
            return _error("not connected")
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


# ---- command line ---------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-chat-server",
        description="The bundled Socket.IO chat server (the tutorial's protocol).",
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)"
    )
    parser.add_argument(
        "--path",
        default=DEFAULT_PATH,
        help="Socket.IO path, must match the clients' (default: %(default)s)",
    )
    parser.add_argument(
        "--max-message-bytes",
        type=int,
        default=DEFAULT_MAX_MESSAGE_BYTES,
        help="largest message accepted, in UTF-8 bytes (default: %(default)s)",
    )
    parser.add_argument(
        "--db",
        help="SQLite file of the messages (default: server-<port>.db in the user's data folder)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


async def serve(host: str, port: int, path: str, max_message_bytes: int, db: Path) -> None:
    server = ChatServer(path, max_message_bytes=max_message_bytes, db=db)
    actual = await server.start(host, port)
    where = (
        "loopback only"
        if host in ("127.0.0.1", "::1", "localhost")
        else "reachable from other machines"
    )
    print(
        f"desktop-chat-server listening on http://{host}:{actual}{server.path} ({where}),"
        f" messages kept in {db}",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        path = normalize_path(args.path)
    except InvalidServerUrl as exc:
        print(f"desktop-chat-server: {exc}")
        return 2
    try:
        db = Path(args.db) if args.db else default_db_path(args.port)
        asyncio.run(serve(args.host, args.port, path, args.max_message_bytes, db))
    except OSError as exc:
        print(
            f"desktop-chat-server: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
