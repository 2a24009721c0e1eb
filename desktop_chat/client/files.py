"""A client's files (issue #21): what goes up before a file's message, what
comes down when the user asks, and the thumbnails (docs/protocol.md, "Files").

The HTTP work is transfers.py's; this part holds what one client needs
around it: one `aiohttp.ClientSession` (the client's TLS options, closed
with the client), tickets over the client's socket, the token where the
socket gets it, progress as `TransferUpdate`s, cancelling, and the
client's data folder (thumbnails, and files opened from the window).

Uploads are started by the sender (sender.py) when a file's message comes
up in its ordered queue; what was written after it in its room waits for
it (see `Sender._hold`). An upload outlives a dropped socket (HTTP resumes
by itself; a ticket is asked of the next socket), and the next
connection's sender waits for the same upload instead of starting another.
Nothing is fetched that the user did not ask for, except the thumbnails
the window asks for, from the server the messages came from.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from desktop_chat.client.errors import FileRefused
from desktop_chat.client.outbox import Outbox
from desktop_chat.client.server_info import ServerInfo
from desktop_chat.client.tls import TlsOptions
from desktop_chat.client.transfers import (
    TICKET_HEADER,
    TransferCancelled,
    TransferFailed,
    TransferRefused,
    download,
    files_ticket,
    upload,
)
from desktop_chat.protocol.messages import (
    Attachment,
    Kind,
    Message,
    TransferState,
    TransferUpdate,
)
from desktop_chat.protocol.safe_names import safe_file_name

log = logging.getLogger(__name__)

THUMBNAILS_KEPT = 500  # the most recently used thumbnails kept on disk
CONNECTED_WAIT = 30.0  # how long a transfer waits for a socket to ask a ticket of
TICKET_TIMEOUT = 10.0
JOIN_TRIES = 10  # a ticket refused `not-in-room` right after connecting is asked again
JOIN_PAUSE = 0.2


def _unreadable(path: Path, size: int) -> str:
    """Why `path` is not the file of `size` bytes the user chose ("" when it is)."""
    try:
        found = os.stat(path)
    except OSError as exc:
        return str(exc)
    if not stat.S_ISREG(found.st_mode):
        return "not a regular file"
    if found.st_size != size:
        return f"it has {found.st_size} bytes now, not {size}"
    if not os.access(path, os.R_OK):
        return "it cannot be read"
    return ""


def _same_size(path: Path, size: int) -> bool:
    with contextlib.suppress(OSError):
        return path.is_file() and path.stat().st_size == size
    return False


def _read_touch(path: Path) -> bytes | None:
    """A kept thumbnail, marked as just used (the cache keeps the newest)."""
    try:
        data = path.read_bytes()
        os.utime(path)
    except OSError:
        return None
    return data


def _keep(folder: Path, name: str, data: bytes, most: int) -> None:
    """Write a thumbnail into the cache (whole, or not at all), and forget the
    least recently used beyond `most`."""
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{name}.part"
    part.write_bytes(data)
    os.replace(part, folder / name)
    kept = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(kept) > most:
        kept.sort(key=lambda p: p.stat().st_mtime)
        for old in kept[: len(kept) - most]:
            with contextlib.suppress(OSError):
                old.unlink()


def thumbnail_type(data: bytes) -> str:
    """ui/images.py makes JPEG, or PNG for images with transparency."""
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


class FileTransfers:
    """`on_transfer` gets each `TransferUpdate`, `on_thumbnail` each
    thumbnail asked for (message id, bytes)."""

    def __init__(
        self,
        info: ServerInfo,
        outbox: Callable[[], Outbox],
        base_url: Callable[[], str | None],
        sio: Callable[[], socketio.AsyncClient | None],
        online: asyncio.Event,
        tls: Callable[[], TlsOptions],
        token: Callable[[], str | None],
        folder: Path,
    ) -> None:
        self._info = info
        self._outbox = outbox
        self._base_url = base_url
        self._sio = sio
        self._online = online
        self._tls = tls
        self._token = token
        self.folder = folder
        self.on_transfer: Callable[[TransferUpdate], None] = lambda u: None
        self.on_thumbnail: Callable[[str, bytes], None] = lambda message_id, data: None
        self._session: aiohttp.ClientSession | None = None
        self._uploads: dict[str, asyncio.Task[dict[str, object]]] = {}  # message id ->
        self._downloads: dict[str, asyncio.Task[None]] = {}  # message id ->
        self._thumbnail_fetches: dict[str, asyncio.Task[None]] = {}  # thumbnail file id ->
        self._cancels: dict[str, asyncio.Event] = {}  # message id -> its transfer's
        # Our own files stored in this run: message id -> the server's record, the local file.
        self._stored: dict[str, tuple[Attachment, Path]] = {}
        # Thumbnails of our files not stored yet (message id -> bytes); once
        # stored, they are in the cache under their file id (message id -> it).
        self._own_thumbnails: dict[str, bytes] = {}
        self._own_thumbnail_ids: dict[str, str] = {}

    # ---- the session --------------------------------------------------------

    def session(self) -> aiohttp.ClientSession:
        """The client's one HTTP session, made on first use (on the loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._tls().context()),
            )
        return self._session

    async def close(self) -> None:
        tasks = [
            *self._uploads.values(),
            *self._downloads.values(),
            *self._thumbnail_fetches.values(),
        ]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._uploads.clear()
        self._downloads.clear()
        self._thumbnail_fetches.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _base(self) -> str:
        files = self._info.files
        base = self._base_url()
        if files is None or base is None:
            raise FileRefused("no-files")
        return base + str(files["path"])

    async def _ticket(self, room: str) -> str:
        """A ticket of `room` from the socket in use, once there is one: a
        transfer that outlives a dropped socket asks the next one."""
        try:
            await asyncio.wait_for(self._online.wait(), CONNECTED_WAIT)
        except TimeoutError as exc:
            raise ConnectionError("not connected") from exc
        sio = self._sio()
        if sio is None:
            raise ConnectionError("not connected")

        async def call(event: str, data: Any) -> Any:
            return await sio.call(event, data, timeout=TICKET_TIMEOUT)

        for attempt in range(JOIN_TRIES):
            try:
                return await files_ticket(call, room)
            except socketio.exceptions.SocketIOError as exc:
                raise ConnectionError(f"no ticket: {exc!r}") from exc  # retried, as a dropped link
            except TransferRefused as exc:
                # Just connected: the rejoin of the room went out before, but the
                # server handles a socket's events concurrently.
                if exc.code != "not-in-room" or attempt == JOIN_TRIES - 1:
                    raise
                await asyncio.sleep(JOIN_PAUSE)
        raise AssertionError("unreachable")

    def _report(self, message_id: str, upload_: bool) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            self.on_transfer(TransferUpdate(message_id, upload_, done, total))

        return report

    # ---- up ---------------------------------------------------------------

    def keep_thumbnail(self, message_id: str, data: bytes | None) -> None:
        if data:
            self._own_thumbnails[message_id] = data

    def start(
        self, message: Message, extra: dict[str, object]
    ) -> asyncio.Future[dict[str, object]]:
        """Store a queued message's file (and its thumbnail, first) on the
        server: its `opts.attachment`, or FileRefused (code `cancelled` when
        the user cancelled: the line is discarded). The same upload is
        handed out again until `settled` (to the next connection's sender
        when this one is cut)."""
        done = self._stored.get(message.id)
        if done is not None:  # stored before the connection dropped: sent again as is
            stored: asyncio.Future[dict[str, object]] = asyncio.get_running_loop().create_future()
            stored.set_result(done[0].to_wire())
            return stored
        task = self._uploads.get(message.id)
        if task is None:
            # Before the task runs: a Cancel from now on reaches it.
            self._cancels.setdefault(message.id, asyncio.Event())
            task = asyncio.get_running_loop().create_task(self._upload(message, extra))
            task.add_done_callback(_retrieved)
            self._uploads[message.id] = task
        return task

    def settled(self, message_id: str) -> None:
        """The sender took the upload's outcome: a retry starts another."""
        self._uploads.pop(message_id, None)

    async def _upload(self, message: Message, extra: dict[str, object]) -> dict[str, object]:
        cancel = self._cancels.setdefault(message.id, asyncio.Event())
        try:
            try:
                return await self._upload_file(message, extra, cancel)
            except aiohttp.ClientError as exc:  # an answer transfers.py does not expect
                raise FileRefused("unavailable", str(exc)) from exc
            except (FileRefused, asyncio.CancelledError):
                raise
            except Exception as exc:
                # A bug: logged with its traceback, and the line fails (Retry,
                # Discard) instead of the sender reconnecting over it for ever.
                log.exception("files: the upload of %s failed", message.id)
                raise FileRefused("failed", f"{type(exc).__name__}: {exc}") from exc
        except FileRefused as exc:
            if exc.code != "cancelled":
                self.on_transfer(
                    TransferUpdate(
                        message.id,
                        True,
                        0,
                        _size(extra),
                        TransferState.FAILED,
                        exc.code,
                        exc.detail,
                    )
                )
            raise
        finally:
            self._cancels.pop(message.id, None)

    def switched(self) -> None:
        """Another server: what goes up or down to the old one stops (a
        queued file goes up again when that server is used again, from the
        outbox), and what was stored there means nothing here."""
        for upload_task in self._uploads.values():
            upload_task.cancel()
        self._uploads.clear()
        for message_id, task in self._downloads.items():
            task.cancel()
            self.on_transfer(TransferUpdate(message_id, False, 0, 0, TransferState.CANCELLED))
        self._stored.clear()

    async def _upload_file(
        self, message: Message, extra: dict[str, object], cancel: asyncio.Event
    ) -> dict[str, object]:
        file = extra.get("file")
        if not isinstance(file, dict):
            raise FileRefused("unreadable", "no file kept with the message")
        path, name = Path(str(file.get("path"))), str(file.get("name"))
        size, kind = _size(extra), str(file.get("type") or "")
        if self._info.files is None:
            raise FileRefused("no-files")
        if size > self._info.files_max_bytes:
            raise FileRefused("too-large", f"{size} bytes; the server takes at most "
                              f"{self._info.files_max_bytes}")  # fmt: skip
        why = await asyncio.to_thread(_unreadable, path, size)
        if why:
            raise FileRefused("unreadable", why)
        thumbnail = self._own_thumbnails.get(message.id) or self._outbox().thumbnail(message.id)
        if cancel.is_set():
            raise FileRefused("cancelled")
        base = self._base()
        session = self.session()
        token = self._token()

        async def tickets() -> str:
            return await self._ticket(message.room)

        try:
            thumbnail_id = ""
            if thumbnail and len(thumbnail) <= self._info.thumbnail_bytes:
                stored_thumbnail = await upload(
                    session,
                    base,
                    tickets,
                    thumbnail,
                    "thumbnail",
                    thumbnail_type(thumbnail),
                    token=token,
                    cancel=cancel,
                )
                thumbnail_id = stored_thumbnail.file
                # Into the cache (the history names it after a restart): not
                # fetched back, and not held in memory any more.
                with contextlib.suppress(OSError):  # a cache: without it, fetched again
                    await asyncio.to_thread(
                        _keep, self.folder / "thumbnails", thumbnail_id, thumbnail, THUMBNAILS_KEPT
                    )
                    self._own_thumbnail_ids[message.id] = thumbnail_id
                    self._own_thumbnails.pop(message.id, None)
            committed = await upload(
                session,
                base,
                tickets,
                path,
                name,
                kind,
                token=token,
                cancel=cancel,
                on_progress=self._report(message.id, True),
            )
        except TransferCancelled as exc:
            raise FileRefused("cancelled") from exc
        except TransferRefused as exc:
            # "changed": it changed size while it went up.
            code = "unreadable" if exc.code == "changed" else exc.code
            raise FileRefused(code, exc.words) from exc
        except TransferFailed as exc:
            raise FileRefused("unavailable", str(exc)) from exc
        except OSError as exc:
            raise FileRefused("unreadable", str(exc)) from exc
        attachment = Attachment(
            committed.file, name, committed.size, committed.type, committed.sha256, thumbnail_id
        )
        self._stored[message.id] = (attachment, path)
        self.on_transfer(
            TransferUpdate(message.id, True, committed.size, committed.size, TransferState.DONE)
        )
        return attachment.to_wire()

    def forget(self, message_id: str) -> None:
        """A line of ours is gone (discarded): nothing kept for it."""
        self._own_thumbnails.pop(message_id, None)
        self._own_thumbnail_ids.pop(message_id, None)
        self._stored.pop(message_id, None)
        self._uploads.pop(message_id, None)

    def unstore(self, message_id: str) -> None:
        """The server refused the line: a retry uploads its file again (the
        stored one may be what it refused)."""
        self._stored.pop(message_id, None)

    # ---- down -------------------------------------------------------------

    def download(self, message: Message, folder: Path | None) -> None:
        """Save a line's file into `folder` (None: the client's own folder, for
        the window to open); the end is a TransferUpdate DONE with its path."""
        if message.attachment is None or message.id in self._downloads:
            return
        self._cancels.setdefault(message.id, asyncio.Event())  # Cancel reaches it from now on
        task = asyncio.get_running_loop().create_task(self._download(message, folder))
        task.add_done_callback(_retrieved)
        self._downloads[message.id] = task
        task.add_done_callback(lambda _t: self._downloads.pop(message.id, None))

    async def _download(self, message: Message, folder: Path | None) -> None:
        attachment = message.attachment
        assert attachment is not None
        own = self._stored.get(message.id) if message.kind is Kind.OWN else None
        if own is not None and not attachment.file:
            attachment = own[0]
        if (
            own is not None
            and folder is None
            and await asyncio.to_thread(_same_size, own[1], attachment.size)
        ):
            self._cancels.pop(message.id, None)
            self._done(message.id, attachment.size, own[1])
            return
        cache = folder is None
        if folder is None:
            folder = self.folder / "files" / (attachment.file or "own")
        if (
            cache
            and (kept := folder / _cached_name(attachment)).is_file()
            and await asyncio.to_thread(_same_size, kept, attachment.size)
        ):
            self._cancels.pop(message.id, None)
            self._done(message.id, attachment.size, kept)
            return
        cancel = self._cancels.setdefault(message.id, asyncio.Event())

        async def tickets() -> str:
            return await self._ticket(message.room)

        try:
            if not attachment.file:
                raise FileRefused("no-such-file", "the file was never stored")
            base = self._base()
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            saved = await download(
                self.session(),
                base,
                tickets,
                attachment.file,
                attachment.sha256,
                attachment.size,
                folder,
                _cached_name(attachment) if cache else attachment.name,
                token=self._token(),
                cancel=cancel,
                on_progress=self._report(message.id, False),
            )
        except TransferCancelled:
            return  # said when it was cancelled
        except (TransferRefused, FileRefused) as exc:
            detail = exc.words if isinstance(exc, TransferRefused) else exc.detail
            self._failed(message.id, attachment.size, exc.code, detail)
            return
        except TransferFailed as exc:
            self._failed(message.id, attachment.size, "unavailable", str(exc))
            return
        except OSError as exc:
            self._failed(message.id, attachment.size, "unwritable", str(exc))
            return
        except aiohttp.ClientError as exc:
            self._failed(message.id, attachment.size, "unavailable", str(exc))
            return
        except Exception as exc:
            log.exception("files: the download of %s failed", message.id)  # a bug
            self._failed(message.id, attachment.size, "failed", f"{type(exc).__name__}: {exc}")
            return
        finally:
            self._cancels.pop(message.id, None)
        self._done(message.id, attachment.size, saved)

    def _done(self, message_id: str, size: int, path: Path) -> None:
        self.on_transfer(
            TransferUpdate(message_id, False, size, size, TransferState.DONE, path=str(path))
        )

    def _failed(self, message_id: str, size: int, code: str, detail: str) -> None:
        self.on_transfer(
            TransferUpdate(message_id, False, 0, size, TransferState.FAILED, code, detail)
        )

    def cancel(self, message_id: str) -> bool:
        """Stop a running upload or download of the line; False when none runs."""
        event = self._cancels.get(message_id)
        if event is None:
            return False
        event.set()
        return True

    def uploading(self, message_id: str) -> bool:
        return message_id in self._uploads

    def downloading(self, message_id: str) -> bool:
        return message_id in self._downloads

    # ---- thumbnails ---------------------------------------------------------

    def request_thumbnail(self, message: Message) -> None:
        """Answer `on_thumbnail` with the line's thumbnail: ours from memory or
        the outbox, anyone's from the cache or, once, from the server."""
        attachment = message.attachment
        if attachment is None:
            return
        loop = asyncio.get_running_loop()
        thumbnail_id = attachment.thumbnail
        if message.kind is Kind.OWN and not thumbnail_id:
            thumbnail_id = self._own_thumbnail_ids.get(message.id, "")
            own = self._own_thumbnails.get(message.id)
            if own is None and not thumbnail_id:
                own = self._outbox().thumbnail(message.id)
            if own is not None:
                loop.call_soon(self.on_thumbnail, message.id, own)
                return
        if not thumbnail_id:
            return
        task = loop.create_task(self._thumbnail(message, thumbnail_id))
        task.add_done_callback(_retrieved)

    async def _thumbnail(self, message: Message, file_id: str) -> None:
        folder = self.folder / "thumbnails"
        data = await asyncio.to_thread(_read_touch, folder / file_id)
        if data is None:
            fetch = self._thumbnail_fetches.get(file_id)
            if fetch is None:
                fetch = asyncio.get_running_loop().create_task(
                    self._fetch_thumbnail(message.room, file_id, folder)
                )
                fetch.add_done_callback(_retrieved)
                fetch.add_done_callback(lambda _t: self._thumbnail_fetches.pop(file_id, None))
                self._thumbnail_fetches[file_id] = fetch
            await asyncio.shield(fetch)
            data = await asyncio.to_thread(_read_touch, folder / file_id)
        if data is not None:
            self.on_thumbnail(message.id, data)

    async def _fetch_thumbnail(self, room: str, file_id: str, folder: Path) -> None:
        """One small GET (a thumbnail is at most `thumbnail_bytes`: no resume,
        no progress), checked against the sha256 the server says it has."""
        try:
            url = f"{self._base()}/{file_id}"
            headers = {TICKET_HEADER: await self._ticket(room)}
            token = self._token()
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            most = self._info.thumbnail_bytes
            async with self.session().get(url, headers=headers) as response:
                if response.status != 200:
                    log.info("files: thumbnail %s: HTTP %d", file_id, response.status)
                    return
                data = await response.content.read(most + 1)
                said = response.headers.get("X-Content-SHA256", "").lower()
        except (
            FileRefused,
            TransferRefused,
            ConnectionError,
            aiohttp.ClientError,
            TimeoutError,
        ) as exc:
            log.info("files: no thumbnail %s (%s)", file_id, exc)
            return
        if len(data) > most:
            log.info("files: thumbnail %s is over %d bytes: not kept", file_id, most)
            return
        if said and hashlib.sha256(data).hexdigest() != said:
            log.info("files: thumbnail %s does not match its sha256", file_id)
            return
        await asyncio.to_thread(_keep, folder, file_id, data, THUMBNAILS_KEPT)


def _size(extra: dict[str, object]) -> int:
    file = extra.get("file")
    size = file.get("size") if isinstance(file, dict) else 0
    return size if isinstance(size, int) else 0


def _cached_name(attachment: Attachment) -> str:
    """A file opened from the window is kept under its (safe) name, in a
    folder of its own per server file id: opened twice, fetched once."""
    return safe_file_name(attachment.name)


def _retrieved(task: asyncio.Task[Any]) -> None:
    """A task whose end nobody awaits (cancelled uploads, thumbnails): its
    exception is looked at, so that asyncio does not report it as lost."""
    if (
        not task.cancelled()
        and (exc := task.exception()) is not None
        and not isinstance(exc, FileRefused)
    ):
        log.info("files: %r", exc)
