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
from collections import OrderedDict
from dataclasses import dataclass

import socketio
from aiohttp import web

from desktop_chat import __version__
from desktop_chat.core.urls import DEFAULT_PATH, InvalidServerUrl, normalize_path

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
MAX_NAME_CHARS = 64
MAX_ROOM_CHARS = 128
MAX_ID_CHARS = 128
DEFAULT_MAX_MESSAGE_BYTES = 1_000_000
REMEMBERED_IDS = 100_000


@dataclass(slots=True)
class _Peer:
    name: str
    ip: str


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
    ) -> None:
        self.path = normalize_path(path)
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
        self._seen: OrderedDict[str, dict[str, object]] = OrderedDict()
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

    @property
    def client_count(self) -> int:
        return len(self._peers)

    # ---- events -----------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, object], auth: object = None) -> None:
        name = ""
        if isinstance(auth, dict) and isinstance(auth.get("name"), str):
            name = auth["name"].strip()[:MAX_NAME_CHARS]
        request = environ.get("aiohttp.request")
        ip = str(getattr(request, "remote", "") or environ.get("REMOTE_ADDR", ""))
        self._peers[sid] = _Peer(name=name or f"guest-{sid[:4]}", ip=ip)
        log.info("client connected %s %s (%s)", ip, sid, self._peers[sid].name)

    async def _on_disconnect(self, sid: str, reason: object = None) -> None:
        peer = self._peers.pop(sid, None)
        log.info("client disconnected %s %s", peer.ip if peer else "?", sid)

    async def _on_join(self, sid: str, *args: object) -> object:
        room = args[0] if args else None
        if not isinstance(room, str) or not room.strip():
            return _error("join-room takes a non-empty room name (a string)")
        if len(room) > MAX_ROOM_CHARS:
            return _error(f"room names are at most {MAX_ROOM_CHARS} characters")
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
            client_id = None
        if client_id is not None:
            previous = self._seen.get(client_id)
            if previous is not None:
                return previous
        peer = self._peers.get(sid)
        ts = time.time()
        meta = {
            "id": client_id or uuid.uuid4().hex,
            "room": room,
            "from": {"sid": sid, "name": peer.name if peer else ""},
            "ts": ts,
        }
        ack: dict[str, object] = {"id": meta["id"], "ts": ts}
        if client_id is not None:
            self._seen[client_id] = ack
            if len(self._seen) > REMEMBERED_IDS:
                self._seen.popitem(last=False)
        await self.sio.emit("receive-message", (message, meta), room=room or None, skip_sid=sid)
        return ack


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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


async def serve(host: str, port: int, path: str, max_message_bytes: int) -> None:
    server = ChatServer(path, max_message_bytes=max_message_bytes)
    actual = await server.start(host, port)
    where = (
        "loopback only"
        if host in ("127.0.0.1", "::1", "localhost")
        else "reachable from other machines"
    )
    print(
        f"desktop-chat-server listening on http://{host}:{actual}{server.path} ({where})",
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
        asyncio.run(serve(args.host, args.port, path, args.max_message_bytes))
    except OSError as exc:
        print(
            f"desktop-chat-server: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
