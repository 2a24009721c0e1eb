"""Files up to and down from desktop-chat-server over HTTP (issue #21).

The routes, tickets and codes are docs/protocol.md's "Files". No Qt here:
the window runs these coroutines through its bridge and shows progress.

- `upload` declares the file, sends it in chunks (`PUT ?offset=N`) and
  commits it with the sha256 it computed while sending; after a dropped
  connection it asks where to resume (`HEAD`) and goes on from there, with a
  bounded number of retries and a growing pause between them.
- `download` streams into a hidden `.part` file in the target folder,
  resumes with `Range` after a drop, checks the sha256, and only then gives
  the file its safe, unused name (never executable, never opened).
- `files_ticket` asks the socket for a ticket; transfers take any async
  callable that returns one (`TicketSource`), so they need no ChatClient.

Disk reads, writes and hashing run on worker threads (`asyncio.to_thread`),
so a 100 MB file never stalls the loop; progress is reported at most every
`PROGRESS_SECONDS`, and once at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import stat
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import aiohttp

from desktop_chat.protocol.safe_names import safe_file_name, unique_path

log = logging.getLogger(__name__)

T = TypeVar("T")

TicketSource = Callable[[], Awaitable[str]]
Progress = Callable[[int, int], None]  # (bytes done, bytes in all)
SocketCall = Callable[[str, Any], Awaitable[Any]]  # (event, data) -> the ack

TICKET_HEADER = "X-Files-Ticket"
PIECE_BYTES = 256 * 1024  # read, hashed and written per worker call
PROGRESS_SECONDS = 0.1
RETRIES = 5
FIRST_PAUSE = 0.2
LONGEST_PAUSE = 5.0
# Lost links: retried. Anything else the server says is an answer.
DROPPED = (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, TimeoutError, ConnectionError)


class TransferError(Exception):
    """A transfer that did not happen; its words are for the user."""


class TransferRefused(TransferError):
    """The server said no (or the bytes were not what was promised): `code` is
    the protocol's (`too-large`, `hash-mismatch`, `not-in-room`, `rate`, ...)."""

    def __init__(self, code: str, words: str, status: int = 0) -> None:
        super().__init__(f"{code}: {words}")
        self.code = code
        self.words = words
        self.status = status


class TransferFailed(TransferError):
    """The server could not be reached, again and again: try later."""


class TransferCancelled(TransferError):
    """The user cancelled: nothing was stored, nothing was saved."""


@dataclass(frozen=True)
class Committed:
    """A stored file, as the server recorded it (what a message attaches)."""

    file: str
    sha256: str
    size: int
    name: str
    type: str

    def attachment(self) -> dict[str, object]:
        return {
            "file": self.file,
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "type": self.type,
        }


async def files_ticket(call: SocketCall, room: str) -> str:
    """A ticket for `room` over the socket (`files-ticket`); `call` sends an
    event and returns its ack, as python-socketio's `AsyncClient.call`."""
    answer = await call("files-ticket", room)
    if isinstance(answer, dict) and isinstance(answer.get("ticket"), str):
        return str(answer["ticket"])
    if isinstance(answer, dict):
        raise TransferRefused(
            str(answer.get("code") or "bad-request"), str(answer.get("error") or "no ticket")
        )
    raise TransferRefused("bad-request", f"the server answered {answer!r} for a ticket")


# ---- shared parts ------------------------------------------------------------


class _Progress:
    def __init__(self, report: Progress | None, total: int) -> None:
        self.report = report
        self.total = total
        self.last = 0.0

    def __call__(self, done: int, final: bool = False) -> None:
        if self.report is None:
            return
        now = time.monotonic()
        if final or now - self.last >= PROGRESS_SECONDS:
            self.last = now
            self.report(done, self.total)


def _retrieved(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


async def _cancellable(work: Awaitable[T], cancel: asyncio.Event | None) -> T:
    """`work`, unless `cancel` is set first: then TransferCancelled."""
    if cancel is None:
        return await work
    task = asyncio.ensure_future(work)
    # Its failure is read here even when nobody waits for it any more (the
    # transfer itself was cancelled, at close, as it failed): never an
    # unretrieved task exception in the loop's log.
    task.add_done_callback(_retrieved)
    if cancel.is_set():
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        raise TransferCancelled("cancelled")
    waiter = asyncio.ensure_future(cancel.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        waiter.cancel()
    if task.cancelled():
        raise TransferCancelled("cancelled")
    return task.result()


def _refusal(status: int, body: Any) -> TransferRefused:
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        return TransferRefused(body["code"], str(body.get("error", "")), status)
    return TransferRefused(
        "unavailable" if status >= 500 else "bad-request",
        f"the server answered HTTP {status}",
        status,
    )


class _Link:
    """Requests with the token and a ticket; a fresh ticket on `ticket-expired`,
    retries with backoff when the link drops."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        tickets: TicketSource,
        token: str | None,
        cancel: asyncio.Event | None,
        retries: int,
    ) -> None:
        self.session = session
        self.base = base_url.rstrip("/")
        self.tickets = tickets
        self.token = token
        self.cancel = cancel
        self.retries = retries
        self.ticket = ""
        self.failures = 0

    async def headers(self) -> dict[str, str]:
        if not self.ticket:
            self.ticket = await _cancellable(self.tickets(), self.cancel)
        headers = {TICKET_HEADER: self.ticket}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def dropped(self, exc: BaseException) -> None:
        """After a lost link: wait, or give up when it keeps happening."""
        self.failures += 1
        if self.failures > self.retries:
            raise TransferFailed(f"the server could not be reached ({exc})") from exc
        pause = min(LONGEST_PAUSE, FIRST_PAUSE * 2 ** (self.failures - 1))
        log.info("files: link dropped (%s); again in %.1f s", exc, pause)
        await _cancellable(asyncio.sleep(pause), self.cancel)

    def went_well(self) -> None:
        self.failures = 0

    async def json(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        *,
        again: bool = True,
        **kw: Any,
    ) -> tuple[int, Any]:
        """One request whose answer is JSON: (status, body). An expired ticket
        is replaced and the request sent again, unless not `again` (a streamed
        body cannot be sent twice): then the caller sees the 403. Other
        refusals are the caller's to judge; lost links raise DROPPED."""
        for _fresh in range(3):
            async with self.session.request(
                method,
                self.base + path,
                headers={**await self.headers(), **(headers or {})},
                **kw,
            ) as response:
                body: Any = None
                if response.content_type == "application/json":
                    body = await response.json()
                else:
                    await response.read()
                if (
                    response.status == 403
                    and isinstance(body, dict)
                    and body.get("code") == "ticket-expired"
                ):
                    self.ticket = ""
                    if again:
                        continue
                return response.status, body
        raise TransferRefused("ticket-expired", "the server kept refusing fresh tickets", 403)


# ---- upload -----------------------------------------------------------------


class _Source:
    """The bytes to send, read at an offset on a worker thread."""

    def __init__(self, given: Path | str | bytes) -> None:
        self.data: bytes | None = None
        self.file: BinaryIO | None = None
        if isinstance(given, bytes):
            self.data = given
            self.size = len(given)
        else:
            self.file = open(given, "rb")  # noqa: SIM115 (closed in close())
            self.size = os.fstat(self.file.fileno()).st_size

    def read(self, offset: int, count: int) -> bytes:
        if self.data is not None:
            return self.data[offset : offset + count]
        assert self.file is not None
        self.file.seek(offset)
        return self.file.read(count)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class _Uploader:
    def __init__(self, link: _Link, source: _Source, progress: _Progress) -> None:
        self.link = link
        self.source = source
        self.progress = progress
        # The sha256 of what the server confirmed, and of what was sent beyond it.
        self.confirmed = 0
        self.confirmed_sha = hashlib.sha256()
        self.sha = hashlib.sha256()

    def _read_and_hash(self, offset: int, count: int) -> bytes:
        piece = self.source.read(offset, count)
        if len(piece) != count:
            raise TransferRefused("changed", "the file changed size while it was sent")
        self.sha.update(piece)
        return piece

    async def _body(self, start: int, end: int) -> AsyncIterator[bytes]:
        at = start
        while at < end:
            count = min(PIECE_BYTES, end - at)
            piece = await asyncio.to_thread(self._read_and_hash, at, count)
            at += count
            yield piece
            self.progress(at)

    async def resume_at(self, offset: int) -> None:
        """The server has `offset` bytes: hash from the last confirmed point to it."""
        if offset < self.confirmed:  # never, from a server that keeps what arrived
            self.confirmed, self.confirmed_sha = 0, hashlib.sha256()
        self.sha = self.confirmed_sha.copy()
        at = self.confirmed
        while at < offset:
            count = min(PIECE_BYTES, offset - at)
            await asyncio.to_thread(self._read_and_hash, at, count)
            at += count
        self.confirm(offset)

    def confirm(self, offset: int) -> None:
        self.confirmed = offset
        self.confirmed_sha = self.sha.copy()

    async def where(self, upload: str) -> int:
        """Where the server wants the next byte, asked until the link holds."""
        while True:
            try:
                status, body = await _cancellable(
                    self.link.json("GET", f"/uploads/{upload}"), self.link.cancel
                )
            except DROPPED as exc:
                await self.link.dropped(exc)
                continue
            if status != 200 or not isinstance(body, dict):
                raise _refusal(status, body)
            return int(body["offset"])

    async def send(self, upload: str, size: int, chunk: int) -> None:
        offset = 0
        while offset < size:
            end = min(size, offset + chunk)
            try:
                status, body = await _cancellable(
                    self.link.json(
                        "PUT",
                        f"/uploads/{upload}?offset={offset}",
                        data=self._body(offset, end),
                        # Sized, not chunked: aiohttp (3.14) writes a chunked
                        # body's last "0\r\n\r\n" in write_eof outside its
                        # error handling, so a link that drops just then
                        # leaves "Task exception was never retrieved".
                        headers={"Content-Length": str(end - offset)},
                        again=False,
                    ),
                    self.link.cancel,
                )
            except DROPPED as exc:
                await self.link.dropped(exc)
                offset = await self.where(upload)
                await self.resume_at(offset)
                continue
            if status == 200 and isinstance(body, dict) and body.get("offset") == end:
                self.confirm(end)
                self.link.went_well()
                offset = end
            elif status == 409 and isinstance(body, dict) and body.get("code") == "offset":
                offset = int(body["offset"])  # a request of ours that arrived after all
                await self.resume_at(offset)
            elif status == 503 or (isinstance(body, dict) and body.get("code") == "ticket-expired"):
                # The server is away for a moment, or the ticket expired under
                # this chunk (a fresh one comes with the next request): ask
                # what arrived, and go on from there.
                await self.link.dropped(_refusal(status, body))
                offset = await self.where(upload)
                await self.resume_at(offset)
            else:
                raise _refusal(status, body)
        self.progress(size, final=True)

    async def commit(self, upload: str) -> Committed:
        while True:
            try:
                status, body = await _cancellable(
                    self.link.json(
                        "POST", f"/uploads/{upload}/commit", json={"sha256": self.sha.hexdigest()}
                    ),
                    self.link.cancel,
                )
            except DROPPED as exc:
                await self.link.dropped(exc)
                continue
            if status != 201 or not isinstance(body, dict):
                raise _refusal(status, body)
            return Committed(
                str(body["file"]),
                str(body["sha256"]),
                int(body["size"]),
                str(body["name"]),
                str(body["type"]),
            )


async def upload(
    session: aiohttp.ClientSession,
    base_url: str,
    ticket_source: TicketSource,
    source: Path | str | bytes,
    name: str,
    type: str = "",
    *,
    token: str | None = None,
    chunk_bytes: int | None = None,
    on_progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
    retries: int = RETRIES,
) -> Committed:
    """Store `source` (a path or bytes) on the server; what it recorded.

    `base_url` is the server's address + `server-info.files.path`. Raises
    TransferRefused (the server's code and words), TransferFailed (the link
    kept dropping) or TransferCancelled (`cancel` was set: the upload is
    deleted on the server, as far as it can still be reached).
    """
    data = await asyncio.to_thread(_Source, source)
    link = _Link(session, base_url, ticket_source, token, cancel, retries)
    upload_id = ""
    try:
        while True:
            try:
                status, body = await _cancellable(
                    link.json(
                        "POST", "/uploads", json={"name": name, "size": data.size, "type": type}
                    ),
                    cancel,
                )
                break
            except DROPPED as exc:
                await link.dropped(exc)
        if status != 201 or not isinstance(body, dict):
            raise _refusal(status, body)
        upload_id = str(body["upload"])
        chunk = chunk_bytes or int(body.get("chunk_bytes") or 1024 * 1024)
        sender = _Uploader(link, data, _Progress(on_progress, data.size))
        await sender.send(upload_id, data.size, max(1, chunk))
        return await sender.commit(upload_id)
    except TransferCancelled:
        if upload_id:
            await _forget(link, upload_id)
        raise
    finally:
        await asyncio.to_thread(data.close)


async def _forget(link: _Link, upload_id: str) -> None:
    """Delete a cancelled upload; the server drops it within an hour anyway."""
    link.cancel = None
    try:
        await asyncio.wait_for(link.json("DELETE", f"/uploads/{upload_id}"), 5)
    except (TransferError, *DROPPED) as exc:
        log.info("files: could not delete cancelled upload %s (%s)", upload_id, exc)


# ---- download ---------------------------------------------------------------

READ_BYTES = 1024 * 1024  # a download's socket reads at most (aiohttp's default: 64 KiB)
WRITE_BYTES = 4 * 1024 * 1024  # a download's bytes handed to its threads at once
WRITE_DEPTH = 2  # ... batches of them queued for the threads at most
JOINED_PIECES = 16  # a batch of more pieces (reads) than this is joined before it is written


class _Part:
    """The download's hidden temporary file and the sha256 of what it holds."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f".desktop-chat-{secrets.token_hex(8)}.part"
        # 0o644 before the umask: never executable.
        fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        self.file = os.fdopen(fd, "wb")
        self.size = 0
        self.sha = hashlib.sha256()

    def write(self, pieces: list[bytes]) -> None:
        """On the download's writing thread."""
        for data in pieces:
            self.file.write(data)
            self.size += len(data)

    def hash(self, pieces: list[bytes]) -> None:
        """On the download's hashing thread, beside the writing one."""
        for data in pieces:
            self.sha.update(data)

    def restart(self) -> None:
        self.file.seek(0)
        self.file.truncate()
        self.size = 0
        self.sha = hashlib.sha256()

    def discard(self) -> None:
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class _Writer:
    """What arrives, handed in batches to two threads of the download's own,
    one writing and one hashing, each in order, while the loop receives.

    One call per thread per `WRITE_BYTES`, not per socket read: a few per
    10 MB instead of hundreds. Hashing is the slowest part (about 1 GB/s):
    beside the writing rather than after it, it sets the pace alone, and
    with up to `WRITE_DEPTH` batches queued it does not wait for the loop,
    nor the loop for it; no more than that many batches are held in memory.
    Large pieces are written and hashed as they came (a copy of each
    megabyte would cost more than it saves); many small ones are joined
    first, so that the threads do not take the GIL back from the loop twice
    for every few kilobytes.
    """

    def __init__(self, part: _Part) -> None:
        self.part = part
        self.pieces: list[bytes] = []
        self.held = 0  # bytes in `pieces`
        self.received = part.size  # what arrived: in the file, queued, or held
        self.queued: deque[asyncio.Future[tuple[BaseException | None, BaseException | None]]]
        self.queued = deque()
        self.writing = ThreadPoolExecutor(1, thread_name_prefix="download-write")
        self.hashing = ThreadPoolExecutor(1, thread_name_prefix="download-sha256")

    async def add(self, data: bytes) -> None:
        self.pieces.append(data)
        self.held += len(data)
        self.received += len(data)
        if self.held >= WRITE_BYTES:
            await self._hand_over()

    async def _settle(self) -> None:
        """The oldest batch written and hashed (or what went wrong with it).
        Shielded, and kept in the queue until done: a cancel meanwhile leaves
        it for `close` to wait for, not running unseen."""
        outcomes = await asyncio.shield(self.queued[0])
        self.queued.popleft()
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _hand_over(self) -> None:
        while len(self.queued) >= WRITE_DEPTH:
            await self._settle()
        pieces, self.pieces, self.held = self.pieces, [], 0
        loop = asyncio.get_running_loop()
        if len(pieces) > JOINED_PIECES:
            pieces = [await loop.run_in_executor(self.hashing, b"".join, pieces)]
        written = loop.run_in_executor(self.writing, self.part.write, pieces)
        hashed = loop.run_in_executor(self.hashing, self.part.hash, pieces)
        # Both, even when one fails: no thread may still use the file after.
        self.queued.append(asyncio.gather(written, hashed, return_exceptions=True))

    async def flush(self) -> None:
        """Everything that arrived into the file: `part.size == received` after."""
        if self.pieces:
            await self._hand_over()
        while self.queued:
            await self._settle()

    async def close(self) -> None:
        """No thread left working on the file (a cancel discards it next)."""
        for pool in (self.writing, self.hashing):
            pool.shutdown(wait=False, cancel_futures=True)
        while self.queued:
            with contextlib.suppress(BaseException):
                await asyncio.shield(self.queued.popleft())


@contextlib.contextmanager
def _reads_of(response: aiohttp.ClientResponse, size: int) -> Iterator[None]:
    """Let one socket read hand the answer up to `size` bytes.

    The app's loop hands a protocol at most 64 KiB per read (app/loop.py,
    `READ_CHUNK`: a flood of messages parsed in one go would hold the
    loop), which makes a file's body some 1,600 loop turns per 100 MB; its
    bytes cost the loop nothing but the copy, so a download's connection
    reads more at once, and gets its own limit back when the answer ends.
    """
    transport = response.connection.transport if response.connection else None
    before = getattr(transport, "max_size", None)
    if not isinstance(before, int) or before >= size:
        yield
        return
    transport.max_size = size  # type: ignore[union-attr]
    try:
        yield
    finally:
        transport.max_size = before  # type: ignore[union-attr]


async def _fetch(link: _Link, file_id: str, part: _Part, size: int, progress: _Progress) -> None:
    """Bytes from the server until `part` has `size` of them (or more: refused)."""
    writer = _Writer(part)
    try:
        while part.size < size:
            headers = await link.headers()
            if part.size:
                headers["Range"] = f"bytes={part.size}-"
            try:
                async with link.session.get(
                    link.base + f"/{file_id}", headers=headers, read_bufsize=READ_BYTES
                ) as response:
                    if response.status == 403 and response.content_type == "application/json":
                        body = await response.json()
                        if isinstance(body, dict) and body.get("code") == "ticket-expired":
                            link.ticket = ""
                            continue
                        raise _refusal(response.status, body)
                    if response.status == 200 and part.size:
                        await asyncio.to_thread(part.restart)  # no Range support: from the top
                        writer.received = 0
                    elif response.status == 206:
                        begins = response.headers.get("Content-Range", "").removeprefix("bytes ")
                        if not begins.startswith(f"{part.size}-"):
                            raise TransferRefused("bad-request", "the server resumed elsewhere")
                    elif response.status not in (200, 206):
                        body = None
                        if response.content_type == "application/json":
                            body = await response.json()
                        raise _refusal(response.status, body)
                    with _reads_of(response, READ_BYTES):
                        async for data in response.content.iter_any():
                            if writer.received + len(data) > size:
                                raise TransferRefused(
                                    "hash-mismatch",
                                    f"the server sent more than the {size} bytes promised",
                                )
                            await writer.add(data)
                            link.went_well()
                            progress(writer.received)
                    await writer.flush()
                    if part.size < size:
                        raise aiohttp.ClientPayloadError("the answer ended early")
            except DROPPED as exc:
                # What arrived before the drop is good: kept, and resumed from.
                await writer.flush()
                await link.dropped(exc)
    finally:
        await writer.close()


async def download(
    session: aiohttp.ClientSession,
    base_url: str,
    ticket_source: TicketSource,
    file_id: str,
    expected_sha256: str,
    size: int,
    folder: Path,
    name: str,
    *,
    token: str | None = None,
    on_progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
    retries: int = RETRIES,
) -> Path:
    """Save a stored file into `folder` under a safe, unused form of `name`.

    The bytes are checked against `expected_sha256` (the attachment's) before
    the file takes its name: a mismatch deletes them and raises
    TransferRefused("hash-mismatch"). The file is never executable and is
    never opened. Raises TransferRefused, TransferFailed, TransferCancelled.
    """
    link = _Link(session, base_url, ticket_source, token, cancel, retries)
    progress = _Progress(on_progress, size)
    part = await asyncio.to_thread(_Part, folder)
    try:
        await _cancellable(_fetch(link, file_id, part, size, progress), cancel)
        await asyncio.to_thread(part.file.close)
        got = part.sha.hexdigest()
        if got != expected_sha256.lower():
            raise TransferRefused(
                "hash-mismatch", f"the bytes that arrived have sha256 {got}, not {expected_sha256}"
            )
        target = await asyncio.to_thread(_place, part.path, folder, name)
    except BaseException:
        await asyncio.to_thread(part.discard)
        raise
    progress(size, final=True)
    log.info("files: saved %s as %s", file_id, target)
    return target


def _place(part: Path, folder: Path, name: str) -> Path:
    target = unique_path(folder, safe_file_name(name))
    try:
        os.replace(part, target)
    except BaseException:
        target.unlink()
        raise
    mode = stat.S_IMODE(os.stat(target).st_mode)
    if mode & ~0o644:
        os.chmod(target, mode & 0o644)
    return target
