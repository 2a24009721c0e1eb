"""Images from strangers (ui/images.py) and the viewer (ui/image_viewer.py).

The bomb is a real, valid PNG: 50,000 x 50,000 1-bit pixels (312 MB of
rows once inflated) in about 300 KB, built in milliseconds by repeating
one deflate block that ends on a full flush (the output after a full flush
does not depend on what came before, so identical input gives identical
bytes). The same builder at 3,000 x 3,000 decodes, which shows it is valid.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication, QPushButton

from desktop_chat.ui.image_viewer import ImageViewer
from desktop_chat.ui.images import (
    ImageRefused,
    Refusal,
    decode_image,
    decode_in_thread,
    make_thumbnail,
    refusal_text,
    thumbnail_in_thread,
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_zeros(side: int, rows_per_block: int = 1000) -> bytes:
    """A valid 1-bit grey PNG of side x side black pixels."""
    row = 1 + (side + 7) // 8  # the filter byte, then 8 pixels a byte
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(row * min(side, rows_per_block))
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeat = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(side, len(block) // row)
    tail = deflate.compress(bytes(row * rest)) + deflate.flush(zlib.Z_FINISH)
    total = row * side
    adler = ((total % 65521) << 16) | 1  # adler32 of `total` zero bytes
    stream = b"\x78\xda" + first + repeat * (whole - 1) + tail + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", stream)
        + _chunk(b"IEND", b"")
    )


def encoded(image: QImage, fmt: str, quality: int = -1) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt, quality)
    buffer.close()
    return bytes(data.data())


def photo(width: int, height: int) -> QImage:
    """Detail everywhere (noise): the hardest image to make small."""
    data = random.Random(21).randbytes(width * height * 4)
    return QImage(data, width, height, QImage.Format.Format_RGB32).copy()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return png_of_zeros(50_000)


@pytest.fixture(scope="module")
def big_jpeg() -> bytes:
    return encoded(photo(4000, 3000), "JPEG", 92)


def peak_rss_reset() -> bool:
    """Reset the process's peak RSS (VmHWM), where Linux allows it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


# The bomb


def test_the_bomb_builder_makes_valid_pngs(bomb: bytes) -> None:
    assert len(bomb) < 400_000
    image = decode_image(png_of_zeros(3000))
    assert (image.width(), image.height()) == (3000, 3000)
    assert image.pixelColor(2999, 2999) == QColor("black")


def test_a_png_bomb_is_refused_from_its_header_without_decoding(bomb: bytes) -> None:
    can_measure = peak_rss_reset()
    before = current_rss_mb()
    with pytest.raises(ImageRefused) as refused:
        decode_image(bomb)
    assert refused.value.reason is Refusal.TOO_LARGE
    assert (refused.value.size.width(), refused.value.size.height()) == (50_000, 50_000)
    assert make_thumbnail(bomb) is None
    if can_measure:
        # Decoded, its rows alone are 312 MB.
        assert peak_rss_mb() - before < 100


def test_the_budget_counts_memory_as_well_as_pixels() -> None:
    png = png_of_zeros(3000)
    with pytest.raises(ImageRefused) as refused:
        decode_image(png, max_pixels=10_000_000, allocation_mb=16)  # 9 Mpx x 4 B = 36 MB
    assert refused.value.reason is Refusal.TOO_LARGE
    with pytest.raises(ImageRefused):
        decode_image(png, max_pixels=8_000_000)


def test_a_bomb_on_disk_is_refused_whatever_its_name(bomb: bytes, tmp_path: Path) -> None:
    path = tmp_path / "holiday.jpg"  # the content decides, not the name
    path.write_bytes(bomb)
    with pytest.raises(ImageRefused) as refused:
        decode_image(path)
    assert refused.value.reason is Refusal.TOO_LARGE
    assert make_thumbnail(path) is None


# Thumbnails


def test_a_large_jpeg_makes_a_small_jpeg_thumbnail(big_jpeg: bytes) -> None:
    assert len(big_jpeg) > 64_000
    thumbnail = make_thumbnail(big_jpeg)
    assert thumbnail is not None
    assert len(thumbnail) <= 64_000
    assert thumbnail.startswith(b"\xff\xd8")  # JPEG
    image = QImage.fromData(thumbnail)
    assert (image.width(), image.height()) == (320, 240)


def test_the_thumbnail_gets_smaller_until_it_fits(big_jpeg: bytes) -> None:
    thumbnail = make_thumbnail(big_jpeg, max_bytes=6_000)
    assert thumbnail is not None
    assert len(thumbnail) <= 6_000
    assert max(QImage.fromData(thumbnail).width(), QImage.fromData(thumbnail).height()) <= 320


def test_a_transparent_png_makes_a_png_thumbnail() -> None:
    image = QImage(800, 400, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 128, 255, 100))
    thumbnail = make_thumbnail(encoded(image, "PNG"))
    assert thumbnail is not None
    assert thumbnail.startswith(b"\x89PNG")
    small = QImage.fromData(thumbnail)
    assert (small.width(), small.height()) == (320, 160)
    assert small.pixelColor(10, 10).alpha() == 100


def test_an_opaque_png_makes_a_jpeg_thumbnail() -> None:
    image = QImage(400, 400, QImage.Format.Format_ARGB32)
    image.fill(QColor(10, 20, 30))
    thumbnail = make_thumbnail(encoded(image, "PNG"))
    assert thumbnail is not None
    assert thumbnail.startswith(b"\xff\xd8")


def test_a_small_image_is_not_enlarged() -> None:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    thumbnail = make_thumbnail(encoded(image, "PNG"))
    assert thumbnail is not None
    assert QImage.fromData(thumbnail).size() == image.size()


# Qt's decoders warn about what they cannot read; a stranger's broken file is
# expected to make them do so (the app routes Qt's messages into its log).
DECODER_WARNINGS = pytest.mark.qt_log_ignore(
    "Unsupported marker type", "libpng", "Corrupt JPEG", "Premature end", "Invalid JPEG"
)


@DECODER_WARNINGS
@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is text", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"\xff\xd8\xff" + b"x" * 9],
)
def test_what_is_not_an_image_has_no_thumbnail_and_is_refused(data: bytes) -> None:
    assert make_thumbnail(data) is None
    with pytest.raises(ImageRefused) as refused:
        decode_image(data)
    assert refused.value.reason in (Refusal.NOT_AN_IMAGE, Refusal.BROKEN)


@DECODER_WARNINGS
def test_a_truncated_image_is_refused_as_damaged() -> None:
    png = encoded(photo(300, 300), "PNG")
    with pytest.raises(ImageRefused) as refused:
        decode_image(png[: len(png) // 2])
    assert refused.value.reason is Refusal.BROKEN


def test_the_thread_wrappers(arun: Callable[..., Any], big_jpeg: bytes, bomb: bytes) -> None:
    thumbnail = arun(thumbnail_in_thread(big_jpeg))
    assert thumbnail is not None
    assert len(thumbnail) <= 64_000
    image = arun(decode_in_thread(big_jpeg))
    assert (image.width(), image.height()) == (4000, 3000)

    async def refused() -> ImageRefused:
        try:
            await decode_in_thread(bomb)
        except ImageRefused as error:
            return error
        raise AssertionError("the bomb was decoded")

    assert arun(refused()).reason is Refusal.TOO_LARGE


def test_refusals_are_worded_in_both_languages(qapp: Any) -> None:
    from desktop_chat.ui.i18n import Translations

    too_large = ImageRefused(Refusal.TOO_LARGE, QImage(1, 1, QImage.Format.Format_Mono).size())
    too_large.size.setWidth(50_000)
    too_large.size.setHeight(50_000)
    texts = Translations(qapp)
    try:
        assert texts.apply("ko")
        assert refusal_text(too_large) == (
            "이미지가 너무 커서 안전하게 열 수 없습니다 (50,000 × 50,000 픽셀)."  # noqa: RUF001
        )
        assert refusal_text(ImageRefused(Refusal.NOT_AN_IMAGE)) == (
            "표시할 수 있는 이미지 파일이 아닙니다."
        )
        assert refusal_text(ImageRefused(Refusal.BROKEN)) == "이미지가 손상되어 표시할 수 없습니다."
    finally:
        assert texts.apply("en")
    assert refusal_text(ImageRefused(Refusal.TOO_LARGE)) == (
        "This image is too large to open safely."
    )


# The viewer


@pytest.fixture
def viewer(qtbot: Any) -> Callable[..., ImageViewer]:
    def open_(image: QImage, caption: str = "photo.jpg") -> ImageViewer:
        dialog = ImageViewer(image, caption)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        return dialog

    return open_


def solid(width: int, height: int) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    return image


def shown_size(dialog: ImageViewer) -> tuple[float, float]:
    rect = dialog.view.mapFromScene(dialog.item.sceneBoundingRect()).boundingRect()
    return rect.width(), rect.height()


def test_a_large_image_fits_the_window_and_the_window_the_screen(
    viewer: Callable[..., ImageViewer],
) -> None:
    dialog = viewer(solid(4000, 3000))
    assert dialog.objectName() == "imageViewer"
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert dialog.frameGeometry().height() <= screen.height()
    assert dialog.frameGeometry().width() <= screen.width()
    assert dialog.is_fitting()
    width, height = shown_size(dialog)
    area = dialog.view.viewport().size()
    assert width <= area.width() + 1
    assert height <= area.height() + 1
    assert width >= area.width() - 4 or height >= area.height() - 4  # fills one way
    assert dialog.scale() < 1


def test_a_small_image_is_shown_at_its_size(viewer: Callable[..., ImageViewer]) -> None:
    dialog = viewer(solid(120, 80))
    assert dialog.scale() == 1.0


def test_the_buttons_zoom_and_fit(viewer: Callable[..., ImageViewer], qtbot: Any) -> None:
    dialog = viewer(solid(4000, 3000))
    fitted = dialog.scale()
    zoom_in = dialog.findChild(QPushButton, "viewerZoomIn")
    zoom_out = dialog.findChild(QPushButton, "viewerZoomOut")
    fit = dialog.findChild(QPushButton, "viewerFit")
    assert zoom_in.text() == "Zoom in"
    qtbot.mouseClick(zoom_in, Qt.MouseButton.LeftButton)
    assert dialog.scale() == pytest.approx(fitted * 1.25)
    assert not dialog.is_fitting()
    assert shown_size(dialog)[0] > dialog.view.viewport().width()
    qtbot.mouseClick(zoom_out, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(zoom_out, Qt.MouseButton.LeftButton)
    assert dialog.scale() == pytest.approx(fitted / 1.25)
    qtbot.mouseClick(fit, Qt.MouseButton.LeftButton)
    assert dialog.scale() == pytest.approx(fitted)
    dialog.actual_size()
    assert dialog.scale() == 1.0
    assert shown_size(dialog)[0] == pytest.approx(4000, abs=2)


def test_ctrl_wheel_zooms_and_the_plain_wheel_does_not(viewer: Callable[..., ImageViewer]) -> None:
    dialog = viewer(solid(4000, 3000))
    fitted = dialog.scale()

    def wheel(delta: int, modifiers: Qt.KeyboardModifier) -> None:
        event = QWheelEvent(
            QPointF(50, 50), QPointF(50, 50), QPoint(0, 0), QPoint(0, delta),
            Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(dialog.view.viewport(), event)

    wheel(120, Qt.KeyboardModifier.ControlModifier)
    assert dialog.scale() == pytest.approx(fitted * 1.25)
    wheel(-120, Qt.KeyboardModifier.ControlModifier)
    wheel(-120, Qt.KeyboardModifier.ControlModifier)
    assert dialog.scale() == pytest.approx(fitted / 1.25)
    wheel(120, Qt.KeyboardModifier.NoModifier)
    assert dialog.scale() == pytest.approx(fitted / 1.25)


def test_fit_follows_the_window_until_the_user_zooms(
    viewer: Callable[..., ImageViewer], qtbot: Any
) -> None:
    dialog = viewer(solid(4000, 3000))
    before = dialog.scale()
    dialog.resize(dialog.width() // 2, dialog.height() // 2)
    qtbot.waitUntil(lambda: dialog.scale() < before * 0.8)
    dialog.zoom_in()
    zoomed = dialog.scale()
    dialog.resize(dialog.width() + 100, dialog.height() + 100)
    QApplication.processEvents()
    assert dialog.scale() == zoomed


def test_escape_closes(viewer: Callable[..., ImageViewer], qtbot: Any) -> None:
    dialog = viewer(solid(200, 100))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_caption_is_shown_literally(viewer: Callable[..., ImageViewer]) -> None:
    dialog = viewer(solid(200, 100), "<b>x</b>.png")
    assert dialog.caption_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.caption_label.text() == "<b>x</b>.png"
    assert dialog.windowTitle() == "<b>x</b>.png"


def test_the_viewer_follows_the_language(viewer: Callable[..., ImageViewer], qapp: Any) -> None:
    from desktop_chat.ui.i18n import Translations

    dialog = viewer(solid(200, 100))
    texts = Translations(qapp)
    try:
        assert texts.apply("ko")
        qapp.processEvents()
        assert dialog.zoom_in_button.text() == "확대"
        assert dialog.fit_button.text() == "창에 맞춤"
    finally:
        assert texts.apply("en")
        qapp.processEvents()
    assert dialog.fit_button.text() == "Fit"
