"""Images from strangers, decoded with limits: thumbnails and the full picture.

A PNG of a few hundred KB can declare 50,000 x 50,000 pixels (gigabytes once
decoded). Every decode here reads the header first (`QImageReader.size()`
reads no pixel data) and refuses from it what is over the pixel budget or
would need more memory than allowed; `QImageReader.setAllocationLimit` is
the second guard for formats whose header does not tell their size.

Only QImage and QImageReader are used, which Qt allows off the GUI thread;
the `*_in_thread` coroutines run the work with `asyncio.to_thread`. QPixmap
(the GUI thread only) is made by the viewer. Decodes take one lock: the
allocation limit is a process-wide setting, and two huge decodes at once
would need twice the memory the limit allows for one.

What a refusal means for the user is worded by `refusal_text`, in both
languages.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from desktop_chat.ui.tr import fill

log = logging.getLogger(__name__)

translate = QCoreApplication.translate

Source = bytes | str | Path

THUMBNAIL_BYTES = 64_000
THUMBNAIL_SIDE = 320
# A thumbnail's source is decoded whole unless its format decodes scaled
# (JPEG does): 40 megapixels at 4 bytes is 160 MB, the most a thumbnail may cost.
THUMBNAIL_PIXELS = 40_000_000
THUMBNAIL_ALLOCATION_MB = 256
# Decoders may allocate more than the 4 bytes a pixel of the image they return.
_BYTES_PER_PIXEL = 4

_decode_lock = threading.Lock()


class Refusal(enum.Enum):
    NOT_AN_IMAGE = "not-an-image"
    TOO_LARGE = "too-large"
    BROKEN = "broken"


class ImageRefused(Exception):
    """An image that is not decoded: `reason`, and the size its header declared
    (an empty QSize when it did not say)."""

    def __init__(self, reason: Refusal, size: QSize | None = None, detail: str = "") -> None:
        self.reason = reason
        self.size = QSize(size) if size is not None else QSize()
        self.detail = detail
        super().__init__(f"{reason.value}: {self.size.width()}x{self.size.height()} {detail}")


def refusal_text(error: ImageRefused) -> str:
    """What to tell the user about `error`, in the language installed now."""
    match error.reason:
        case Refusal.NOT_AN_IMAGE:
            return translate("Images", "This file is not an image that can be shown.")
        case Refusal.TOO_LARGE if error.size.isValid():
            return fill(
                translate(
                    "Images",
                    "This image is too large to open safely (%1 × %2 pixels).",  # noqa: RUF001
                ),
                f"{error.size.width():,}",
                f"{error.size.height():,}",
            )
        case Refusal.TOO_LARGE:
            return translate("Images", "This image is too large to open safely.")
        case _:
            return translate("Images", "This image is damaged and cannot be shown.")


class _Reader:
    """A QImageReader over bytes or a file, with the buffer it reads kept alive."""

    def __init__(self, source: Source) -> None:
        self._buffer: QBuffer | None = None
        if isinstance(source, bytes):
            self._data = QByteArray(source)
            self._buffer = QBuffer(self._data)
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.reader = QImageReader(self._buffer)
        else:
            self.reader = QImageReader(str(source))
            # The content decides, never the name a stranger gave the file.
            self.reader.setDecideFormatFromContent(True)
        self.reader.setAutoTransform(True)  # EXIF orientation

    def close(self) -> None:
        self.reader.setDevice(None)  # type: ignore[arg-type]
        if self._buffer is not None:
            self._buffer.close()


def _checked_size(
    reader: QImageReader, max_pixels: int, allocation_mb: int, shrink: int = 1
) -> QSize:
    """The header's size, or ImageRefused: not an image, or over the budget
    once decoded (at 1/`shrink` of its pixels when the decoder scales)."""
    if not reader.canRead():
        raise ImageRefused(Refusal.NOT_AN_IMAGE, detail=reader.errorString())
    size = reader.size()
    if size.isValid():
        pixels = size.width() * size.height() // shrink
        if pixels > max_pixels or pixels * _BYTES_PER_PIXEL > allocation_mb * 1024 * 1024:
            raise ImageRefused(Refusal.TOO_LARGE, size)
    return size


def _read(reader: QImageReader, size: QSize, allocation_mb: int) -> QImage:
    with _decode_lock:
        QImageReader.setAllocationLimit(allocation_mb)
        image = reader.read()
    if image.isNull():
        # Past the header check, a null image is a decoder error, or the
        # allocation limit caught a format that did not tell its size.
        raise ImageRefused(Refusal.BROKEN, size, reader.errorString())
    return image


def decode_image(
    source: Source, *, max_pixels: int = 100_000_000, allocation_mb: int = 512
) -> QImage:
    """The whole image, for the viewer, or ImageRefused. Any thread."""
    opened = _Reader(source)
    try:
        size = _checked_size(opened.reader, max_pixels, allocation_mb)
        return _read(opened.reader, size, allocation_mb)
    finally:
        opened.close()


async def decode_in_thread(
    source: Source, *, max_pixels: int = 100_000_000, allocation_mb: int = 512
) -> QImage:
    return await asyncio.to_thread(
        decode_image, source, max_pixels=max_pixels, allocation_mb=allocation_mb
    )


def _opaque(image: QImage) -> bool:
    if not image.hasAlphaChannel():
        return True
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    # 4 bytes a pixel, so no padding at the end of lines: every 4th byte is alpha.
    return min(bytes(rgba.constBits())[3::4], default=255) == 255


def _encode(image: QImage, fmt: str, quality: int) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 takes the format as str, whatever its stubs say.
    image.save(buffer, fmt, quality)  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


def _scaled_to(image: QImage, side: int) -> QImage:
    if max(image.width(), image.height()) <= side:
        return image
    return image.scaled(
        side, side,
        Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation,
    )  # fmt: skip


def make_thumbnail(
    source: Source,
    max_bytes: int = THUMBNAIL_BYTES,
    max_side: int = THUMBNAIL_SIDE,
    *,
    max_pixels: int = THUMBNAIL_PIXELS,
    allocation_mb: int = THUMBNAIL_ALLOCATION_MB,
) -> bytes | None:
    """A JPEG (a PNG when the image has transparency) of at most `max_bytes`
    and `max_side` pixels a side, or None for what is not an image or is
    refused (the file is then sent without a thumbnail). Any thread."""
    opened = _Reader(source)
    try:
        reader = opened.reader
        try:
            if not reader.canRead():
                return None
            header = reader.size()
            scaled_decode = reader.supportsOption(QImageIOHandler.ImageOption.ScaledSize)
            if header.isValid() and scaled_decode:
                # The decoder itself shrinks (JPEG's DCT scaling): only the
                # scaled image is allocated, so only the header's plausibility counts.
                target = header.scaled(max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio)
                if header.width() > max_side or header.height() > max_side:
                    reader.setScaledSize(target.expandedTo(QSize(1, 1)))
                # libjpeg scales by 1/8 a side at most: 1/64 of the pixels.
                size = _checked_size(reader, max_pixels, allocation_mb, shrink=64)
            else:
                size = _checked_size(reader, max_pixels, allocation_mb)
            image = _read(reader, size, allocation_mb)
        except ImageRefused as error:
            log.info("no thumbnail: %s", error)
            return None
    finally:
        opened.close()
    return _shrink_to_bytes(image, max_bytes, max_side)


def _shrink_to_bytes(image: QImage, max_bytes: int, max_side: int) -> bytes | None:
    side = max_side
    opaque = _opaque(image)
    while side >= 16:
        small = _scaled_to(image, side)
        if opaque:
            for quality in (85, 75, 60, 45, 30):
                data = _encode(small, "JPEG", quality)
                if len(data) <= max_bytes:
                    return data
        else:
            data = _encode(small, "PNG", -1)
            if len(data) <= max_bytes:
                return data
        side = side * 3 // 4
    log.info("no thumbnail: not within %d bytes even at %d pixels", max_bytes, side)
    return None


async def thumbnail_in_thread(
    source: Source, max_bytes: int = THUMBNAIL_BYTES, max_side: int = THUMBNAIL_SIDE
) -> bytes | None:
    return await asyncio.to_thread(make_thumbnail, source, max_bytes, max_side)
