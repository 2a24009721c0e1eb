"""One account's files in the window (issue #21): the window's file intents
done through the bridge, and what the bridge reports put where it shows.

Sending: each file's type and, for an image, its thumbnail (ui/images.py)
are made on a worker thread before `send_file`, so that a 20 MB JPEG never
freezes the window; files go one after another, in the order given, the
caption with the first one the client takes. A pasted image is saved as a
PNG in the data folder first (it must outlive a restart: the outbox keeps
its path until it is uploaded). Receiving: transfer updates go to the
conversation holding the line, thumbnails are decoded with small limits on
a worker thread, and an image the user opens is fetched into the client's
cache and decoded there with the viewer's limits: a bomb is refused in
words, never decoded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from pathlib import Path

from PySide6.QtCore import QMimeDatabase, QObject
from PySide6.QtGui import QImage

from desktop_chat.client.errors import FileRefused
from desktop_chat.client.local_db import data_dir
from desktop_chat.protocol.messages import (
    IMAGE_TYPES,
    Message,
    TransferState,
    TransferUpdate,
)
from desktop_chat.protocol.safe_names import safe_file_name, unique_path
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.file_card import scaled_thumbnail
from desktop_chat.ui.file_words import (
    failure_text,
    not_sent_text,
    pasted_image_name,
    refusal_text,
)
from desktop_chat.ui.images import (
    ImageRefused,
    decode_image,
    decode_in_thread,
    make_thumbnail,
)
from desktop_chat.ui.images import refusal_text as image_refusal_text
from desktop_chat.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# A thumbnail is at most 320 pixels a side (ui/images.py makes them so): one
# that declares more is not one, and is not decoded.
THUMBNAIL_PIXELS = 1_000_000
THUMBNAIL_ALLOCATION_MB = 16


def _prepare(path: Path, max_bytes: int) -> tuple[str, bytes | None]:
    """A file's type (from its content and name) and an image's thumbnail.
    Worker thread. A file that cannot be sent gets none (the client says why)."""
    try:
        size = path.stat().st_size
    except OSError:
        return "", None
    kind = QMimeDatabase().mimeTypeForFile(str(path)).name()
    if kind not in IMAGE_TYPES or not path.is_file() or (max_bytes and size > max_bytes):
        return kind, None
    return kind, make_thumbnail(path)


def _thumbnail_image(data: bytes) -> QImage | None:
    """Thumbnail bytes from the server, decoded with small limits. Worker thread."""
    try:
        image = decode_image(
            data, max_pixels=THUMBNAIL_PIXELS, allocation_mb=THUMBNAIL_ALLOCATION_MB
        )
    except ImageRefused as error:
        log.info("thumbnail not shown: %s", error)
        return None
    return scaled_thumbnail(image)


def _save_png(image: QImage, folder: Path, name: str) -> Path:
    """A pasted image as a PNG file of its own. Worker thread."""
    folder.mkdir(parents=True, exist_ok=True)
    path = unique_path(folder, name)
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # a str, in fact
        raise OSError(f"could not write {path}")
    return path


def pasted_folder() -> Path:
    """Where pasted images are kept until sent (the data folder: a restart keeps them)."""
    return data_dir() / "pasted"


class FileLink(QObject):
    def __init__(
        self, bridge: ClientBridge, conversations: Conversations, window: MainWindow
    ) -> None:
        super().__init__()
        self.bridge = bridge
        self.conversations = conversations
        self.window = window
        self.active = False  # the account shown: what it says is said in the window
        self._viewing: dict[str, Message] = {}  # lines fetched for the viewer
        self._sending = asyncio.Lock()  # files go one after another, in order
        self._tasks: set[asyncio.Future[object]] = set()
        bridge.transfer_changed.connect(self._transfer)
        bridge.thumbnail_ready.connect(self._thumbnail)

    def _run(self, work: Coroutine[object, object, object]) -> asyncio.Future[object]:
        task: asyncio.Future[object] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(self._failed)
        return task

    @staticmethod
    def _failed(task: asyncio.Future[object]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("files: %s", task.exception(), exc_info=task.exception())

    def _say(self, text: str) -> None:
        if self.active:
            self.window.files.say(text)

    def supported(self) -> bool | None:
        return self.bridge.files_supported()

    # ---- sending ------------------------------------------------------------------

    def attach(self, paths: list[str], caption: str, room: str) -> asyncio.Future[object]:
        return self._run(self._attach([Path(p) for p in paths], caption, room))

    async def _attach(self, paths: list[Path], caption: str, room: str) -> None:
        async with self._sending:
            refused: list[str] = []
            for path in paths:
                kind, thumbnail = await asyncio.to_thread(
                    _prepare, path, self.bridge.files_max_bytes()
                )
                result = self.bridge.send_file(
                    room, path, caption=caption, type=kind, thumbnail=thumbnail
                )
                if isinstance(result, Message):
                    caption = ""  # with the first file taken
                else:
                    refused.append(not_sent_text(path.name, self._refusal(result)))
            if refused:
                self._say("\n".join(refused[:5]))
            if caption and self.active:
                self.window.restore_input(caption)  # nothing was sent: the text goes back

    def _refusal(self, refused: FileRefused) -> str:
        """The words of a refusal of `send_file` (its code, worded here)."""
        return refusal_text(refused.code, self.bridge.files_max_bytes(), refused.detail)

    def paste(self, image: QImage, caption: str, room: str) -> asyncio.Future[object]:
        return self._run(self._paste(QImage(image), caption, room))

    async def _paste(self, image: QImage, caption: str, room: str) -> None:
        try:
            path = await asyncio.to_thread(
                _save_png, image, pasted_folder(), safe_file_name(pasted_image_name())
            )
        except OSError as error:
            log.warning("pasted image not saved: %s", error)
            self._say(not_sent_text(pasted_image_name(), failure_text("disk")))
            if caption and self.active:
                self.window.restore_input(caption)
            return
        await self._attach([path], caption, room)

    # ---- a line's file --------------------------------------------------------------

    def download(self, message: Message, folder: str) -> None:
        self._viewing.pop(message.id, None)
        self.bridge.download(message, Path(folder))

    def view(self, message: Message) -> None:
        """Open an image: fetched into the client's cache (not the user's
        Downloads), then decoded on a worker thread with limits."""
        self._viewing[message.id] = message
        self.bridge.download(message, None)

    def _transfer(self, update: TransferUpdate) -> None:
        viewing = self._viewing.get(update.id) if not update.upload else None
        for _room, model in self.conversations.models():
            if model.update_transfer(update, saved=viewing is None):
                break
        if update.state is TransferState.FAILED:
            self._say(failure_text(update.code, update.detail, update.upload))
        if viewing is None or update.state is TransferState.RUNNING:
            if (
                update.state is TransferState.DONE
                and not update.upload
                and update.path
                and self.active
            ):  # the row offers Open now; said in passing
                self.window.statusBar().showMessage(
                    self.window.files.saved_text(update.path), 10_000
                )
            return
        del self._viewing[update.id]
        if update.state is TransferState.DONE and update.path:
            self._run(self._open(viewing, update.path))

    async def _open(self, message: Message, path: str) -> None:
        try:
            image = await decode_in_thread(path)
        except ImageRefused as error:
            self._say(image_refusal_text(error))
            return
        if self.active and message.attachment is not None:
            self.window.files.show_image(image, message.attachment.name)

    def _thumbnail(self, message_id: str, data: bytes) -> None:
        self._run(self._show_thumbnail(message_id, data))

    async def _show_thumbnail(self, message_id: str, data: bytes) -> None:
        image = await asyncio.to_thread(_thumbnail_image, data)
        for _room, model in self.conversations.models():
            if model.set_thumbnail(message_id, image):
                break
        self.window.line_changed(message_id)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
