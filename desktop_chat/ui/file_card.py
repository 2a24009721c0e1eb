"""How a line's file is drawn in the list (issue #21): a thumbnail for an
image, a card for any other file, with its buttons, progress and failure.

Apart from the delegate (ui/message_delegate.py), which asks only lines
that carry a file (`Message.attachment`, one attribute check) for any of
this, so rows without files paint and size as before. One layout is used
for drawing and for hit-testing (`FileLayout.action_at`), so a click lands
on what was drawn. Heights do not change with a transfer's state: progress,
Cancel, a failure and Retry, Open and Show in folder take the same line of
a card (or a strip over the image), so progress only repaints its row.

Everything a stranger chose (the name, the type) is drawn as plain text:
the name with `display_text` (a bidi override shows as "[U+202E]", so
`invoice\\u202Egnp.exe` never reads as "invoiceexe.png"), cut in the middle
when long, so its end (the extension) stays visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle

from desktop_chat.protocol.messages import (
    DeliveryState,
    Kind,
    Message,
    TransferState,
    display_text,
)
from desktop_chat.ui.file_words import failure_text, size_text, type_text
from desktop_chat.ui.message_model import FileView

translate = QCoreApplication.translate

THUMB_SIDE = 240  # the most a thumbnail is drawn a side (scaled with its aspect)
PLACEHOLDER = QSize(THUMB_SIDE, 160)  # drawn until the thumbnail comes
CARD_WIDTH = 380
PAD = 8
ICON = 32
_BUTTON_PAD = 10
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)

# What a click on a part of a file does (the window's `file_action`).
VIEW, DOWNLOAD, OPEN, FOLDER, CANCEL, RETRY = (
    "view", "download", "open", "folder", "cancel", "retry"
)  # fmt: skip


def button_label(action: str) -> str:
    """The words on a button of a file (also its menu entry's)."""
    if action == DOWNLOAD:
        return translate("FileCard", "Download")
    if action == OPEN:
        return translate("FileCard", "Open")
    if action == FOLDER:
        return translate("FileCard", "Show in folder")
    if action == CANCEL:
        return translate("FileCard", "Cancel")
    if action == RETRY:
        return translate("FileCard", "Retry")
    return ""


def shown_name(name: str) -> str:
    """A file's name as drawn: every character visible, none reordering others."""
    return display_text(name)


@dataclass(slots=True)
class FileLayout:
    """Where the parts of a line's file are (viewport or row coordinates)."""

    rect: QRect  # the whole of it: the card, or the image
    image: bool
    buttons: list[tuple[QRect, str]] = field(default_factory=list)
    progress: QRect | None = None  # the bar, while a transfer runs
    note: QRect | None = None  # a failure's words, or a state in words
    note_text: str = ""
    image_size: QSize | None = None

    def action_at(self, point: QPoint) -> str:
        """What a click at `point` does ("" for nothing)."""
        for rect, action in self.buttons:
            if rect.contains(point):
                return action
        if self.image and self.rect.contains(point):
            return VIEW
        return ""


def _line(metrics: QFontMetrics) -> int:
    return metrics.lineSpacing()


def _thumb_size(view: FileView | None, width: int) -> QSize:
    image = view.thumbnail if view is not None else None
    size = QSize(image.size()) if image is not None and not image.isNull() else QSize(PLACEHOLDER)
    bound = QSize(min(THUMB_SIDE, width), THUMB_SIDE)
    if size.width() > bound.width() or size.height() > bound.height():
        size = size.scaled(bound, Qt.AspectRatioMode.KeepAspectRatio)
    return size.expandedTo(QSize(16, 16))


def area_height(message: Message, view: FileView | None, width: int, metrics: QFontMetrics) -> int:
    """The height of a line's file in the row (the same in every transfer state)."""
    attachment = message.attachment
    if attachment is None:
        return 0
    if attachment.is_image:
        return _thumb_size(view, width).height()
    return 2 * PAD + 3 * _line(metrics) + 8


def fetchable(message: Message) -> bool:
    """Whether a line's file can be fetched: stored on the server (ours once
    sent: the client knows its id even where the line does not say it yet)."""
    attachment = message.attachment
    if attachment is None or message.deleted:
        return False
    if attachment.file:
        return True
    return message.kind is Kind.OWN and message.state in (
        DeliveryState.SENT,
        DeliveryState.DELIVERED,
    )


def _actions(message: Message, view: FileView | None) -> tuple[list[str], str, bool]:
    """(the buttons, words in place of them, whether a progress bar shows)."""
    transfer = view.transfer if view is not None else None
    attachment = message.attachment
    if transfer is not None and transfer.state is TransferState.RUNNING:
        return [CANCEL], "", True
    if transfer is not None and transfer.state is TransferState.FAILED:
        return [RETRY], failure_text(transfer.code, transfer.detail, transfer.upload), False
    if message.state is DeliveryState.FAILED:
        return [RETRY], translate("FileCard", "Not sent"), False
    if message.state is DeliveryState.DISCARDED:
        return [], translate("FileCard", "Not sent"), False
    if attachment is not None and not fetchable(message):
        return [], translate("FileCard", "Waiting to upload"), False
    if view is not None and view.saved:
        return [OPEN, FOLDER], "", False
    return [DOWNLOAD], "", False


def file_layout(
    message: Message, view: FileView | None, left: int, top: int, width: int, metrics: QFontMetrics
) -> FileLayout:
    """Where everything of a line's file goes, its top left at (left, top)."""
    attachment = message.attachment
    assert attachment is not None
    line = _line(metrics)
    actions, note, progress = _actions(message, view)
    if attachment.is_image:
        size = _thumb_size(view, width)
        rect = QRect(left, top, size.width(), size.height())
        layout = FileLayout(rect, True, image_size=size)
        if progress or (actions and actions[0] in (CANCEL, RETRY)):
            # A strip over the image's foot: the bar or the failure, and its button.
            strip = QRect(rect.left(), rect.bottom() + 1 - (line + 8), rect.width(), line + 8)
            _place_row(
                layout,
                [a for a in actions if a in (CANCEL, RETRY)],
                note,
                progress,
                strip.adjusted(4, 4, -4, -4),
                metrics,
            )
        return layout
    card_width = max(ICON + 3 * PAD + 60, min(CARD_WIDTH, width))
    rect = QRect(left, top, card_width, area_height(message, view, width, metrics))
    layout = FileLayout(rect, False)
    row = QRect(
        rect.left() + 2 * PAD + ICON,
        rect.top() + PAD + 2 * line + 4,
        rect.width() - 3 * PAD - ICON,
        line + 4,
    )
    _place_row(layout, actions, note, progress, row, metrics)
    return layout


def _place_row(
    layout: FileLayout,
    actions: list[str],
    note: str,
    progress: bool,
    row: QRect,
    metrics: QFontMetrics,
) -> None:
    """Buttons from the right of `row`; the bar or the words take what is left."""
    right = row.right() + 1
    for action in reversed(actions):
        width = metrics.horizontalAdvance(button_label(action)) + 2 * _BUTTON_PAD
        right -= width
        layout.buttons.insert(0, (QRect(right, row.top(), width, row.height()), action))
        right -= 6
    rest = QRect(row.left(), row.top(), max(0, right - row.left()), row.height())
    if progress:
        layout.progress = rest.adjusted(0, rest.height() // 3, 0, -rest.height() // 3)
    elif note:
        layout.note, layout.note_text = rest, note


@dataclass(slots=True)
class FileColors:
    text: QColor
    muted: QColor
    accent: QColor
    failed: QColor
    card: QColor
    button: QColor
    button_text: QColor


def file_colors(
    palette: QPalette, text: QColor, muted: QColor, accent: QColor, failed: QColor
) -> FileColors:
    card = QColor(palette.color(QPalette.ColorRole.Base))
    button = QColor(palette.color(QPalette.ColorRole.Button))
    return FileColors(
        text, muted, accent, failed, card, button, palette.color(QPalette.ColorRole.ButtonText)
    )


def paint_file(
    painter: QPainter,
    message: Message,
    view: FileView | None,
    layout: FileLayout,
    font: QFont,
    colors: FileColors,
) -> None:
    """Draw a line's file where `layout` says."""
    attachment = message.attachment
    assert attachment is not None
    metrics = QFontMetrics(font)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    rect = layout.rect
    if layout.image:
        image = view.thumbnail if view is not None else None
        if image is not None and not image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(rect, image)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(128, 128, 128, 90))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(colors.muted)
            inner = rect.adjusted(PAD, PAD, -PAD, -PAD)
            painter.drawText(
                inner,
                _CENTER,
                metrics.elidedText(
                    shown_name(attachment.name), Qt.TextElideMode.ElideMiddle, inner.width()
                ),
            )
        if layout.progress is not None or layout.note is not None:
            strip = QRect(
                rect.left(),
                rect.bottom() + 1 - (metrics.lineSpacing() + 8),
                rect.width(),
                metrics.lineSpacing() + 8,
            )
            shade = QColor(colors.card)
            shade.setAlpha(220)
            painter.fillRect(strip, shade)
    else:
        painter.setPen(QPen(colors.muted, 1))
        painter.setBrush(colors.card)
        painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 6, 6)
        style = QApplication.style()
        icon = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        icon.paint(painter, QRect(rect.left() + PAD, rect.top() + PAD, ICON, ICON))
        line = metrics.lineSpacing()
        text_left = rect.left() + 2 * PAD + ICON
        text_width = rect.right() - PAD - text_left
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(colors.text)
        name = QFontMetrics(bold).elidedText(
            shown_name(attachment.name), Qt.TextElideMode.ElideMiddle, text_width
        )
        painter.drawText(QRect(text_left, rect.top() + PAD, text_width, line), _LEFT, name)
        painter.setFont(font)
        painter.setPen(colors.muted)
        details = f"{size_text(attachment.size)} · {type_text(attachment.type)}"
        painter.drawText(
            QRect(text_left, rect.top() + PAD + line, text_width, line),
            _LEFT,
            metrics.elidedText(details, Qt.TextElideMode.ElideRight, text_width),
        )
    transfer = view.transfer if view is not None else None
    if layout.progress is not None:
        bar = layout.progress
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(128, 128, 128, 80))
        painter.drawRoundedRect(bar, 3, 3)
        total = transfer.total if transfer is not None else 0
        done = transfer.done if transfer is not None else 0
        if total > 0:
            filled = QRect(
                bar.left(), bar.top(), int(bar.width() * min(1.0, done / total)), bar.height()
            )
            painter.setBrush(colors.accent)
            painter.drawRoundedRect(filled, 3, 3)
    if layout.note is not None:
        painter.setPen(
            colors.failed
            if transfer is not None or message.state is DeliveryState.FAILED
            else colors.muted
        )
        painter.drawText(
            layout.note,
            _LEFT,
            metrics.elidedText(layout.note_text, Qt.TextElideMode.ElideRight, layout.note.width()),
        )
    for button, action in layout.buttons:
        painter.setPen(QPen(colors.muted, 1))
        painter.setBrush(colors.button)
        painter.drawRoundedRect(button.adjusted(0, 0, -1, -1), 4, 4)
        painter.setPen(colors.button_text)
        painter.drawText(button, _CENTER, button_label(action))
    painter.restore()


def scaled_thumbnail(image: QImage) -> QImage:
    """A decoded thumbnail at most THUMB_SIDE a side (any thread)."""
    if image.width() <= THUMB_SIDE and image.height() <= THUMB_SIDE:
        return image
    return image.scaled(
        THUMB_SIDE,
        THUMB_SIDE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
