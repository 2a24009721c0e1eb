"""Files and images (issue #21; docs/protocol.md, "Files"): HTTP routes on the
chat server's own aiohttp app, port and TLS, beside Socket.IO.

Socket.IO carries no files (a packet over the buffer limit drops the
connection), so bytes go over plain HTTP, in chunks, and a message refers
to the stored file by id (`send-message` opts `attachment`).

Who may upload or download is decided over the socket: `files-ticket(room)`
is answered, to a connected client in that room, with a ticket signed by
the server (HMAC over the uploader, the room and an expiry). Every HTTP
request carries it (`X-Files-Ticket`), besides the server's token
(`Authorization: Bearer`) when it has one. A ticket names a room, so a
client outside a room cannot upload into it or read from it; it names the
uploader by a hash of its client key, so an upload can only be continued,
committed and attached by the client that started it; it is signed rather
than stored, so any process on the same Redis checks it without a round
trip; and it expires, so one that leaks is worth little.

Bytes arrive with `PUT .../uploads/<id>?offset=N`, appended to a partial
file while their sha256 is computed (in a worker thread, the next chunk
read meanwhile): what arrived before a connection broke is kept, and the
client asks where to resume (`HEAD`/`GET`). `commit` compares the size and
the sha256 the client computed while sending with the server's, then moves
the bytes to `blobs/<sha[:2]>/<sha>` (content-addressed). Only ids (hex)
and hashes name paths under the files directory; names given by clients
never do.

Downloads are streamed by aiohttp's FileResponse (sendfile, `Range`),
always as `application/octet-stream`, `attachment`, `nosniff`: a browser
never renders an uploaded page or SVG.

A file lives as long as a message refers to it (server/file_index.py);
`sweep` runs every `sweep_seconds` and deletes abandoned uploads, files no
message took up, and files of messages retention trimmed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import time
import unicodedata
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from desktop_chat.protocol.messages import new_id
from desktop_chat.server.file_index import (
    FileIndex,
    FileRecord,
    RedisFileIndex,
    SqliteFileIndex,
    Upload,
)
from desktop_chat.server.history import Stored
from desktop_chat.server.peers import Peer

if TYPE_CHECKING:
    from desktop_chat.server.chat_server import ChatServer

log = logging.getLogger(__name__)

DEFAULT_MAX_FILE_BYTES = 25_000_000
THUMBNAIL_BYTES = 64 * 1024
CHUNK_BYTES = 8 * 1024 * 1024  # what a client sends per PUT (announced); the server takes any
IO_BYTES = 1024 * 1024  # written and hashed per worker call
MAX_NAME_CHARS = 255
MAX_TYPE_CHARS = 127
TYPE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")
HEX32 = "[0-9a-f]{32}"
SHA_PATTERN = re.compile(r"^[0-9a-f]{64}$")
TICKET_HEADER = "X-Files-Ticket"


class FileError(Exception):
    """A request refused: its HTTP status, a code (docs/protocol.md, "Files") and why."""

    def __init__(self, status: int, code: str, words: str, **extra: object) -> None:
        super().__init__(words)
        self.status = status
        self.code = code
        self.words = words
        self.extra = extra

    def response(self) -> web.Response:
        body = {"error": self.words, "code": self.code, **self.extra}
        return web.json_response(body, status=self.status)


@dataclass(frozen=True, slots=True)
class FilesConfig:
    directory: Path
    max_bytes: int = DEFAULT_MAX_FILE_BYTES
    chunk_bytes: int = CHUNK_BYTES
    upload_ttl: float = 3600.0  # an upload with no chunk for this long is deleted
    grace: float = 3600.0  # a committed file no message took up is deleted after this
    ticket_seconds: float = 600.0
    rate: float = 1.0  # uploads started per second per client, sustained
    burst: int = 30  # ... and at once
    sweep_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class Ticket:
    uploader: str
    room: str
    expires: float


def uploader_of(client_key: str) -> str:
    """The name an uploader has in tickets and records: never its secret key."""
    return hashlib.sha256(client_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def ascii_name(name: str) -> str:
    """A file name safe in a quoted header parameter and on any disk: ASCII
    letters, digits, `.`, `-`, `_` only, no leading dot, at most 100 characters."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._")[:100]
    return safe or "file"


def disposition(name: str) -> str:
    quoted = urllib.parse.quote(name.encode("utf-8", "surrogatepass"), safe="")
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quoted}"


class _Hasher:
    """The sha256 of an upload's bytes so far, and the open partial file."""

    def __init__(self, path: Path, offset: int) -> None:
        self.sha = hashlib.sha256()
        self.offset = 0
        self.path = path
        with open(path, "rb") as file:  # only after a restart or another process's chunks
            while self.offset < offset:
                block = file.read(min(IO_BYTES * 4, offset - self.offset))
                if not block:
                    break
                self.sha.update(block)
                self.offset += len(block)

    def write(self, data: bytes) -> None:
        with open(self.path, "r+b") as file:
            file.seek(self.offset)
            file.write(data)
            file.truncate()
        self.sha.update(data)
        self.offset += len(data)


class Files:
    def __init__(self, server: ChatServer, config: FilesConfig) -> None:
        self.server = server
        self.config = config
        self.directory = Path(config.directory)
        self.partial = self.directory / "partial"
        self.blobs = self.directory / "blobs"
        parent = server.path.rsplit("/", 1)[0]
        self.path = f"{parent}/files"
        self.index: FileIndex
        self._secret = b""
        self._hashers: dict[str, _Hasher] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # Uploads started, per uploader (its account or client key), kept in
        # the server's one kind of meter (server/meters.py): made-up keys push
        # out the idle ones, never everyone's at once.
        self._uploads = server.meters("upload", self.config.rate, self.config.burst)
        self._sweeping: asyncio.Task[None] | None = None
        self._open_index()
        self._routes()
        server.sio.on("files-ticket", self._on_ticket)

    def _open_index(self) -> None:
        self.partial.mkdir(parents=True, exist_ok=True)
        self.blobs.mkdir(parents=True, exist_ok=True)
        from desktop_chat.server.redis_store import RedisStore

        store = self.server.store
        if isinstance(store, RedisStore):
            self.index = RedisFileIndex(store.redis, store.prefix, self.config.upload_ttl)
        else:
            self.index = SqliteFileIndex(self.directory / "index.sqlite3")

    def info(self) -> dict[str, object]:
        """What server-info says of files."""
        return {
            "max_bytes": self.config.max_bytes,
            "path": self.path,
            "chunk_bytes": self.config.chunk_bytes,
            "thumbnail_bytes": THUMBNAIL_BYTES,
            "rate": self.config.rate,
            "burst": self.config.burst,
        }

    async def start(self) -> None:
        self._secret = await self.index.secret()
        self._sweeping = asyncio.ensure_future(self._keep_sweeping())

    async def stop(self) -> None:
        if self._sweeping is not None:
            self._sweeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeping
        await self.index.close()

    # ---- tickets ------------------------------------------------------------

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:18]

    def ticket(self, peer: Peer, room: str) -> tuple[str, float]:
        expires = round(time.time() + self.config.ticket_seconds, 3)
        # The account (with --accounts) too: a private room's files are checked
        # against its members at each request, so removal ends them at once.
        payload = json.dumps([uploader_of(peer.client), room, expires, peer.account or ""]).encode()
        encode = base64.urlsafe_b64encode
        return f"{encode(payload).decode()}.{encode(self._sign(payload)).decode()}", expires

    def _check_ticket(self, given: str | None) -> Ticket:
        if not given or "." not in given or len(given) > 2048:
            raise FileError(403, "bad-ticket", f"no ticket: ask for one with files-ticket "
                            f"and send it as {TICKET_HEADER}")  # fmt: skip
        payload_text, _, signature_text = given.partition(".")
        try:
            payload = base64.urlsafe_b64decode(payload_text)
            signature = base64.urlsafe_b64decode(signature_text)
            uploader, room, expires, account = json.loads(payload)
        except (ValueError, TypeError) as exc:
            raise FileError(403, "bad-ticket", "the ticket is not one of this server's") from exc
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise FileError(403, "bad-ticket", "the ticket is not one of this server's")
        if not isinstance(expires, int | float) or expires < time.time():
            raise FileError(403, "ticket-expired", "the ticket has expired: ask for another")
        if not self.server.access.acl.may_enter(str(account) or None, str(room)):
            raise FileError(403, "not-in-room", "that room is private and you are not a member")
        return Ticket(str(uploader), str(room), float(expires))

    async def _on_ticket(self, sid: str, *args: object) -> object:
        room = args[0] if args else None
        room = "" if room is None else room
        peer = self.server._peers.get(sid)
        if peer is None:
            return {"error": "not connected", "code": "bad-request"}
        problem = self.server._room_error(room, allow_empty=True)
        if problem is not None:
            answer = dict(await self.server._refuse(sid, f"files-ticket: {problem}"))
            return {**answer, "code": "bad-request"}
        assert isinstance(room, str)
        if room and room not in peer.rooms:
            answer = dict(await self.server._refuse(sid, "files-ticket: join the room first"))
            return {**answer, "code": "not-in-room"}
        if not await self.server.send_meters.take(peer.payer):
            return {"error": "slow down", "code": "rate"}
        ticket, expires = self.ticket(peer, room)
        return {"ticket": ticket, "expires": expires, "path": self.path, "room": room}

    # ---- HTTP ---------------------------------------------------------------

    def _routes(self) -> None:
        router = self.server.app.router
        base = self.path
        upload = f"{base}/uploads/{{id:{HEX32}}}"
        router.add_post(f"{base}/uploads", self._guarded(self._begin))
        router.add_put(upload, self._guarded(self._put))
        router.add_get(upload, self._guarded(self._progress))  # HEAD too
        router.add_delete(upload, self._guarded(self._cancel))
        router.add_post(f"{upload}/commit", self._guarded(self._commit))
        router.add_get(f"{base}/{{id:{HEX32}}}", self._guarded(self._download))

    def _guarded(
        self, handler: Callable[[web.Request, Ticket], Awaitable[web.StreamResponse]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def route(request: web.Request) -> web.StreamResponse:
            try:
                token = self.server.token
                if token is not None:
                    given = request.headers.get("Authorization", "")
                    if not hmac.compare_digest(
                        given.encode("utf-8", "surrogatepass"), f"Bearer {token}".encode()
                    ):
                        raise FileError(401, "unauthorized", "this server needs a valid token "
                                        "(Authorization: Bearer <token>)")  # fmt: skip
                ticket = self._check_ticket(request.headers.get(TICKET_HEADER))
                return await handler(request, ticket)
            except FileError as exc:
                return exc.response()
            except Exception as exc:  # Redis away, disk full: in words, and logged
                if isinstance(exc, web.HTTPException):
                    raise
                log.exception("files: %s %s failed", request.method, request.path)
                return FileError(503, "unavailable", f"the server could not do it: {exc}",
                                 ).response()  # fmt: skip

        return route

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_length is None or request.content_length > 4096:
            raise FileError(400, "bad-request", "a JSON object of at most 4096 bytes")
        try:
            body = json.loads(await request.read())
        except ValueError as exc:
            raise FileError(400, "bad-request", "a JSON object of at most 4096 bytes") from exc
        if not isinstance(body, dict):
            raise FileError(400, "bad-request", "a JSON object of at most 4096 bytes")
        return body

    async def _rate(self, uploader: str) -> None:
        if not await self._uploads.take(uploader):
            raise FileError(429, "rate", f"slow down: at most {self.config.burst} uploads at "
                            f"once, then {self.config.rate:g} a second")  # fmt: skip

    async def _begin(self, request: web.Request, ticket: Ticket) -> web.StreamResponse:
        body = await self._body(request)
        name, size, kind = body.get("name"), body.get("size"), body.get("type", "")
        if not isinstance(name, str) or not name or len(name) > MAX_NAME_CHARS:
            raise FileError(400, "bad-request", f"name is a string of 1 to {MAX_NAME_CHARS}")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise FileError(400, "bad-request", "size is the file's length in bytes")
        if size > self.config.max_bytes:
            raise FileError(413, "too-large", f"the file is {size} bytes; this server takes "
                            f"at most {self.config.max_bytes}")  # fmt: skip
        if not isinstance(kind, str) or len(kind) > MAX_TYPE_CHARS or not TYPE_PATTERN.match(kind):
            kind = "application/octet-stream"
        await self._rate(ticket.uploader)
        upload = Upload(new_id(), ticket.uploader, ticket.room, name, size, kind, 0, time.time())
        (self.partial / upload.id).touch()
        await self.index.new_upload(upload)
        return web.json_response(
            {"upload": upload.id, "offset": 0, "size": size,
             "chunk_bytes": self.config.chunk_bytes},
            status=201,
        )  # fmt: skip

    async def _upload(self, request: web.Request, ticket: Ticket) -> Upload:
        upload = await self.index.upload(request.match_info["id"])
        if upload is None or upload.uploader != ticket.uploader or upload.room != ticket.room:
            raise FileError(404, "no-such-upload", "no upload of yours with that id (expired, "
                            "committed, or never begun)")  # fmt: skip
        return upload

    def _lock(self, upload_id: str) -> asyncio.Lock:
        lock = self._locks.get(upload_id)
        if lock is None:
            lock = self._locks[upload_id] = asyncio.Lock()
        return lock

    async def _hasher(self, upload: Upload) -> _Hasher:
        hasher = self._hashers.get(upload.id)
        if hasher is None or hasher.offset != upload.received:
            # Chunks that reached another process, or this one before a restart.
            path = self.partial / upload.id
            hasher = await asyncio.to_thread(_Hasher, path, upload.received)
            if hasher.offset != upload.received:
                raise FileError(409, "no-such-upload", "the upload's bytes are gone; start again")
            self._hashers[upload.id] = hasher
        return hasher

    @staticmethod
    def _offset(request: web.Request) -> int | None:
        given = request.query.get("offset")
        if given is None:
            match = re.match(r"bytes (\d+)-\d+/(\d+|\*)$", request.headers.get("Content-Range", ""))
            given = match[1] if match else "0"
        return int(given) if given.isdigit() and len(given) < 20 else None

    async def _put(self, request: web.Request, ticket: Ticket) -> web.StreamResponse:
        upload = await self._upload(request, ticket)
        offset = self._offset(request)
        async with self._lock(upload.id):
            upload = await self._upload(request, ticket)  # as it is now
            if offset != upload.received:
                raise FileError(409, "offset", f"resume at offset {upload.received}",
                                offset=upload.received)  # fmt: skip
            length = request.content_length
            if length is not None and offset + length > upload.size:
                raise FileError(413, "too-large", f"that goes past the declared size "
                                f"({upload.size} bytes)", offset=upload.received)  # fmt: skip
            hasher = await self._hasher(upload)
            over = False
            accepted = hasher.offset  # what this request brought so far (written or not)
            pending: asyncio.Future[None] | None = None
            buffer = bytearray()
            try:
                async for data in request.content.iter_chunked(IO_BYTES):
                    room = upload.size - accepted
                    if len(data) > room:  # kept up to the declared size, the rest refused
                        buffer += data[:room]
                        over = True
                        break
                    buffer += data
                    accepted += len(data)
                    if len(buffer) >= IO_BYTES:
                        if pending is not None:
                            await pending
                        chunk = bytes(buffer)
                        pending = asyncio.ensure_future(asyncio.to_thread(hasher.write, chunk))
                        buffer.clear()
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                log.info("files: upload %s cut off (%s)", upload.id, exc)
            except Exception as exc:  # aiohttp's payload errors when the sender goes away
                if type(exc).__module__.split(".")[0] != "aiohttp":
                    raise
                log.info("files: upload %s cut off (%s)", upload.id, exc)
            finally:
                if pending is not None:
                    await pending
                if buffer:  # within the declared size, even when what followed was not
                    await asyncio.to_thread(hasher.write, bytes(buffer))
                # What arrived is kept, whatever became of the request: the resume point.
                if not await self.index.advance(upload.id, upload.received, hasher.offset):
                    self._hashers.pop(upload.id, None)
        if over:
            raise FileError(413, "too-large", f"that goes past the declared size "
                            f"({upload.size} bytes)", offset=hasher.offset)  # fmt: skip
        return web.json_response({"offset": hasher.offset, "size": upload.size})

    async def _progress(self, request: web.Request, ticket: Ticket) -> web.StreamResponse:
        upload = await self._upload(request, ticket)
        return web.json_response(
            {"offset": upload.received, "size": upload.size},
            headers={"Upload-Offset": str(upload.received), "Cache-Control": "no-store"},
        )

    async def _cancel(self, request: web.Request, ticket: Ticket) -> web.StreamResponse:
        upload = await self._upload(request, ticket)
        async with self._lock(upload.id):
            await self._forget_upload(upload.id)
        return web.json_response({"cancelled": upload.id})

    async def _forget_upload(self, upload_id: str) -> None:
        await self.index.drop_upload(upload_id)
        self._hashers.pop(upload_id, None)
        self._locks.pop(upload_id, None)
        with contextlib.suppress(FileNotFoundError):
            (self.partial / upload_id).unlink()

    def blob(self, sha: str) -> Path:
        return self.blobs / sha[:2] / sha

    async def _commit(self, request: web.Request, ticket: Ticket) -> web.StreamResponse:
        body = await self._body(request)
        given = body.get("sha256")
        if not isinstance(given, str) or not SHA_PATTERN.match(given):
            raise FileError(400, "bad-request", "sha256 is 64 lower-case hex digits")
        upload = await self._upload(request, ticket)
        async with self._lock(upload.id):
            upload = await self._upload(request, ticket)
            if upload.received != upload.size:
                raise FileError(409, "incomplete", f"{upload.received} of {upload.size} bytes "
                                "arrived: send the rest first", offset=upload.received)  # fmt: skip
            hasher = await self._hasher(upload)
            digest = hasher.sha.hexdigest()
            if not hmac.compare_digest(digest, given):
                await self._forget_upload(upload.id)
                raise FileError(422, "hash-mismatch", f"the bytes that arrived have sha256 "
                                f"{digest}, not {given}: upload the file again")  # fmt: skip
            target = self.blob(digest)
            partial = self.partial / upload.id
            if target.exists():
                partial.unlink()  # the same bytes are stored already
            else:
                target.parent.mkdir(exist_ok=True)
                os.replace(partial, target)
            record = FileRecord(new_id(), digest, upload.size, upload.room, upload.uploader,
                                upload.name, upload.type, time.time())  # fmt: skip
            await self.index.commit(upload.id, record)
            self._hashers.pop(upload.id, None)
            self._locks.pop(upload.id, None)
        log.info("files: stored %s (%d bytes) as %s", record.id, record.size, digest[:12])
        return web.json_response(
            {"file": record.id, "sha256": digest, "size": record.size, "name": record.name,
             "type": record.type},
            status=201,
        )  # fmt: skip

    async def _download(self, request: web.Request, ticket: Ticket) -> web.StreamResponse:
        record = await self.index.file(request.match_info["id"])
        if record is None:
            raise FileError(404, "no-such-file", "no such file (deleted with its message, "
                            "or never stored)")  # fmt: skip
        if record.room != ticket.room:
            raise FileError(403, "not-in-room", "that file belongs to another room: ask "
                            "for a ticket of its room")  # fmt: skip
        path = self.blob(record.sha256)
        if not path.is_file():
            raise FileError(404, "no-such-file", "the file's bytes are gone")
        return web.FileResponse(
            path,
            chunk_size=IO_BYTES,
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Disposition": disposition(record.name),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "sandbox",
                "Cache-Control": "private, no-store",
                "X-Content-SHA256": record.sha256,
            },
        )

    # ---- messages -----------------------------------------------------------

    async def attachment(self, peer: Peer, room: str, given: object) -> str:
        """send-message's `attachment`, checked: the JSON a message keeps (and
        relays) of it. Raises FileError when it may not be sent."""
        if not isinstance(given, dict) or not isinstance(given.get("file"), str):
            raise FileError(400, "bad-request", "attachment is {file, ...} with a file id")
        record = await self._own(peer, room, given["file"])
        fields = record.attachment()
        thumbnail = given.get("thumbnail")
        if thumbnail is not None:
            if not isinstance(thumbnail, str):
                raise FileError(400, "bad-request", "thumbnail is a file id")
            small = await self._own(peer, room, thumbnail)
            if small.size > THUMBNAIL_BYTES:
                raise FileError(413, "too-large", f"a thumbnail is at most {THUMBNAIL_BYTES} "
                                f"bytes, not {small.size}")  # fmt: skip
            fields["thumbnail"] = small.id
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))

    async def _own(self, peer: Peer, room: str, file_id: str) -> FileRecord:
        record = await self.index.file(file_id) if re.fullmatch(HEX32, file_id) else None
        if record is None:
            raise FileError(404, "no-such-file", "no stored file with that id (commit it first)")
        if record.uploader != uploader_of(peer.client):
            raise FileError(403, "not-yours", "attach only files you uploaded")
        if record.room != room:
            raise FileError(403, "not-in-room", "that file was uploaded for another room")
        return record

    async def attached(self, stored: Stored) -> None:
        """The message `stored` refers to its attachment's files from now on."""
        fields = json.loads(stored.attachment)
        for file_id in (fields.get("file"), fields.get("thumbnail")):
            if isinstance(file_id, str):
                await self.index.attach(file_id, stored.id, stored.offset)

    async def released(self, message_id: str) -> None:
        """The message is deleted or trimmed: its files go unless others refer to them."""
        for sha in await self.index.release(message_id):
            await self._unlink(sha)

    async def _unlink(self, sha: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.blob(sha).unlink()
            log.info("files: deleted the bytes of %s", sha[:12])

    # ---- sweeping -----------------------------------------------------------

    async def sweep(self) -> None:
        """Delete abandoned uploads, files no message took up, and the files of
        messages retention has trimmed."""
        now = time.time()
        for upload_id in await self.index.stale_uploads(now - self.config.upload_ttl):
            await self._forget_upload(upload_id)
        # Partial files whose record expired by itself (Redis) or was lost.
        for path in self.partial.iterdir():
            with contextlib.suppress(FileNotFoundError):
                old = path.stat().st_mtime < now - self.config.upload_ttl - 60
                if old and await self.index.upload(path.name) is None:
                    path.unlink()
        for sha in await self.index.unreferred(now - self.config.grace):
            await self._unlink(sha)
        oldest = await self.server.store.oldest_any()
        for message_id in await self.index.referring_below(oldest):
            await self.released(message_id)

    async def _keep_sweeping(self) -> None:
        while True:
            await asyncio.sleep(self.config.sweep_seconds)
            try:
                await self.sweep()
            except Exception:  # Redis away or a full disk: the next round tries again
                log.exception("files: sweeping failed")
