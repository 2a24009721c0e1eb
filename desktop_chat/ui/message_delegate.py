"""Painting of one message: a small header line and the text, word-wrapped.

The text is drawn with `QPainter.drawText`, which takes plain text: markup
a stranger sends is shown as the characters it is, never interpreted.
Heights are cached per message and width, since a view asks for them far
more often than messages change.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_chat.core.messages import DeliveryState, Kind, Message
from desktop_chat.ui.message_model import MessageModel, header_text

_Index = QModelIndex | QPersistentModelIndex

MARGIN = 6
PADDING = 6
GAP = 2
MAX_SHOWN_CHARS = 4000
MAX_SHOWN_LINES = 60

_TEXT_FLAGS = int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere) | int(
    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
)


def shown_text(text: str) -> str:
    """The part of a message drawn in the list; very long ones are cut, with a note."""
    lines = text.split("\n", MAX_SHOWN_LINES)
    cut = len(lines) > MAX_SHOWN_LINES
    shown = "\n".join(lines[:MAX_SHOWN_LINES])
    if len(shown) > MAX_SHOWN_CHARS:
        shown = shown[:MAX_SHOWN_CHARS]
        cut = True
    if cut:
        hidden = len(text) - len(shown)
        shown += f"\n… {hidden:,} more characters (double-click to see the whole message)"
    return shown


class MessageDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView, model: MessageModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._heights: dict[str, int] = {}
        self._width = -1
        self._shown: dict[str, str] = {}

    def _text_of(self, message: Message) -> str:
        shown = self._shown.get(message.id)
        if shown is None:
            shown = shown_text(message.text)
            self._shown[message.id] = shown
        return shown

    def _fonts(self, option: QStyleOptionViewItem, message: Message) -> tuple[QFont, QFont]:
        body = QFont(option.font)
        if message.kind is Kind.SYSTEM:
            body.setItalic(True)
        header = QFont(option.font)
        header.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.8))
        return header, body

    def _content_width(self) -> int:
        return max(80, self._view.viewport().width() - 2 * (MARGIN + PADDING))

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        message = self._model.message_at(index.row())
        width = self._content_width()
        if width != self._width:
            self._width = width
            self._heights.clear()
        height = self._heights.get(message.id)
        if height is None:
            header_font, body_font = self._fonts(option, message)
            body = QFontMetrics(body_font).boundingRect(
                QRect(0, 0, width, 1_000_000), _TEXT_FLAGS, self._text_of(message)
            )
            height = QFontMetrics(header_font).height() + GAP + body.height() + 2 * PADDING
            height += MARGIN
            self._heights[message.id] = height
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        message = self._model.message_at(index.row())
        palette = option.palette
        header_font, body_font = self._fonts(option, message)
        bubble = option.rect.adjusted(MARGIN, MARGIN // 2, -MARGIN, -MARGIN // 2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if message.kind is Kind.OWN:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(40)
        elif message.kind is Kind.OTHER:
            fill = QColor(palette.color(QPalette.ColorRole.AlternateBase))
        else:
            fill = QColor(0, 0, 0, 0)
        if option.state & QStyle.StateFlag.State_Selected:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(bubble, 6, 6)

        inner = bubble.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        muted = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        header_height = QFontMetrics(header_font).height()
        painter.setFont(header_font)
        if message.state is DeliveryState.FAILED:
            painter.setPen(QColor(200, 40, 40))
        else:
            painter.setPen(muted)
        header_rect = QRect(inner.left(), inner.top(), inner.width(), header_height)
        align = (
            Qt.AlignmentFlag.AlignRight if message.kind is Kind.OWN else Qt.AlignmentFlag.AlignLeft
        )
        painter.drawText(
            header_rect, int(align | Qt.AlignmentFlag.AlignVCenter), header_text(message)
        )

        painter.setFont(body_font)
        painter.setPen(
            muted if message.kind is Kind.SYSTEM else palette.color(QPalette.ColorRole.Text)
        )
        body_rect = QRect(
            inner.left(),
            inner.top() + header_height + GAP,
            inner.width(),
            inner.height() - header_height - GAP,
        )
        painter.drawText(body_rect, _TEXT_FLAGS, self._text_of(message))
        painter.restore()
