"""The sidebar's rows, painted: the conversation's name, and its unread count
and mentions as badges at the right (as chat apps show them), the row shown
highlighted whether or not the list has the focus.

The model (`ConversationListModel`) keeps saying the counts in its display
text ("#garden  (5, @1)", for the switcher and tests) and in words for screen
readers (AccessibleTextRole); this delegate only draws them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_chat.ui.contrast import contrast_ratio
from desktop_chat.ui.conversation_list_model import ConversationRole
from desktop_chat.ui.theme import MessageColors, message_colors, readable_on
from desktop_chat.ui.tray import badge_text

_Index = QModelIndex | QPersistentModelIndex
_PAD = 6  # around the row's text, and inside a badge
_GAP = 4  # between badges, and between the name and the first badge


def badges(unread: int, mentions: int) -> list[str]:
    """The badges of a row, left to right: "@1" (mentions), then "5" (unread)."""
    shown = []
    if mentions:
        shown.append("@" + badge_text(mentions))
    if unread:
        shown.append(badge_text(unread))
    return shown


class ConversationDelegate(QStyledItemDelegate):
    """Paints the rows; the badge colours are made once per palette (a flood
    repaints the unread counts every frame)."""

    _colors_key = -1
    _colors: MessageColors | None = None

    def _badge_colors(self, palette: QPalette) -> MessageColors:
        if self._colors is None or palette.cacheKey() != self._colors_key:
            self._colors, self._colors_key = message_colors(palette), palette.cacheKey()
        return self._colors

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(option.rect.width(), option.fontMetrics.height() + 2 * _PAD)

    def badge_rects(self, option: QStyleOptionViewItem, index: _Index) -> list[QRect]:
        """Where the badges of the row at `option.rect` are drawn (right aligned)."""
        metrics = QFontMetrics(option.font)
        shown = badges(
            _count(index, ConversationRole.UNREAD), _count(index, ConversationRole.MENTIONS)
        )
        rects: list[QRect] = []
        right = option.rect.right() - _PAD
        height = metrics.height() + 2
        top = option.rect.center().y() - height // 2 + 1
        for text in reversed(shown):
            width = max(height, metrics.horizontalAdvance(text) + 2 * _PAD)
            rects.insert(0, QRect(right - width + 1, top, width, height))
            right -= width + _GAP
        return rects

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The conversation shown stays highlighted when the focus is elsewhere
        # (in the message box, most of the time): the active colours, always.
        active = QPalette.ColorGroup.Active
        highlight = palette.color(active, QPalette.ColorRole.Highlight)
        if selected:
            painter.fillRect(option.rect, highlight)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_color = palette.color(
            active, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        rects = self.badge_rects(option, index)
        unread = _count(index, ConversationRole.UNREAD)
        shown = badges(unread, _count(index, ConversationRole.MENTIONS))
        left = option.rect.left() + _PAD
        right = (rects[0].left() - _GAP) if rects else option.rect.right() - _PAD
        title = str(index.data(ConversationRole.TITLE) or "")
        font = option.font
        font.setBold(unread > 0)  # a conversation with news reads heavier
        painter.setFont(font)
        painter.setPen(text_color)
        metrics = QFontMetrics(font)
        painter.drawText(
            QRect(left, option.rect.top(), max(0, right - left), option.rect.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, max(0, right - left)),
        )
        colors = self._badge_colors(palette)
        painter.setFont(option.font)
        for text, rect in zip(shown, rects, strict=True):
            if text.startswith("@"):
                fill, ink = colors.badge, colors.badge_text
            elif selected:
                fill = palette.color(active, QPalette.ColorRole.HighlightedText)
                ink = readable_on(highlight, fill)
            else:
                fill = highlight
                ink = palette.color(active, QPalette.ColorRole.HighlightedText)
                if contrast_ratio(ink, fill) < 4.5:
                    ink = readable_on(ink, fill)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            radius = rect.height() / 2
            painter.drawRoundedRect(rect, radius, radius)
            painter.setPen(QColor(ink))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()


def _count(index: _Index, role: ConversationRole) -> int:
    value = index.data(role)
    return value if isinstance(value, int) else 0
