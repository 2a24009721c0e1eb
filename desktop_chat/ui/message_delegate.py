"""Painting of one message: a small header line and the text, word-wrapped.

(Why over 400 lines: size hints, painting and link hit-testing share one
set of caches keyed by message id and one layout; the text and its links
(`message_body.py`, `link_layout.py`) and the colours (`theme.py`) are apart.)

The delegate reads each row through the index it is given (`Role.MESSAGE`,
the record itself, one `data()` call per paint or size), never through
the row numbers of a particular model: it works the same whether the view
shows the `MessageModel` or a proxy over it (a filter, a conversation per
room, a search).

The text is drawn with `QPainter.drawText`, which takes plain text: markup
a stranger sends is shown as the characters it is, never interpreted.
What is drawn of a message (visible stand-ins for control characters, long
ones cut) is `message_body`. A message with http(s) links is drawn through
a `QTextLayout` instead (`link_layout`), as the same plain text with the
links underlined, so that a click can be mapped to the link under it
(`link_at`); a link opens only on a click, through `link_activated`.
A formatted message (`Message.formatted`, Markdown) takes the same
layout path, its styles as format ranges over plain text; it is parsed
when first measured or painted, never for the flood's estimates, and one
with `formatted` off is drawn exactly as it was typed.
Heights are cached per message and width, since a view asks for them far
more often than messages change; fonts and metrics are made once per font.

A message from someone else that mentions the user (`@name`,
protocol/mentions.py) gets a stronger fill and an accent bar on its left;
whether it does is cached per message id, and forgotten when the user's
name changes (`set_me`) or the line does (`forget`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

from desktop_chat.protocol.mentions import mentions_me
from desktop_chat.protocol.messages import (
    DeliveryState,
    Kind,
    Message,
    display_text,
    first_line,
)
from desktop_chat.ui.emoji_font import (
    load_emoji_font,
    loaded_emoji_family,
    needs_emoji,
    with_emoji_fallback,
)
from desktop_chat.ui.file_card import (
    FileLayout,
    area_height,
    file_colors,
    file_layout,
    paint_file,
)
from desktop_chat.ui.link_layout import LinkLayouts, draw_body, link_in, remember
from desktop_chat.ui.links import Link
from desktop_chat.ui.message_body import (
    MAX_SHOWN_CHARS,
    MAX_SHOWN_LINES,
    Body,
    has_long_words,
    message_body,
    shown_text,
)
from desktop_chat.ui.message_model import (
    FileView,
    MessageModel,
    Role,
    header_text,
    new_messages_text,
)
from desktop_chat.ui.reaction_chips import (
    Chip,
    chip_at,
    chip_colors,
    chips_height,
    layout_chips,
    paint_chips,
    reactors_text,
)
from desktop_chat.ui.theme import message_colors, sender_color

__all__ = ["MAX_SHOWN_CHARS", "MAX_SHOWN_LINES", "MessageDelegate", "shown_text"]

_Index = QModelIndex | QPersistentModelIndex

MARGIN = 6
PADDING = 6
GAP = 2
MENTION_BAR = 4  # width of the bar left of a message that mentions the user
LEADS_CHANGED = 50  # rows changed at once beyond which every kept lead is forgotten

_MESSAGE = int(Role.MESSAGE)  # a plain int: an IntEnum costs a conversion per data() call
_BAND = int(Role.BAND)
_FILE = int(Role.FILE)
_GROUPED = int(Role.GROUPED)
_LEAD = int(Role.LEAD)
_BAND_FLAGS = int(Qt.AlignmentFlag.AlignCenter)
_WORDS = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
_ANYWHERE = _WORDS | int(Qt.TextFlag.TextWrapAnywhere)


def text_flags(text: str) -> int:
    """How a message's text wraps: between words, or anywhere when a word may not fit."""
    return _ANYWHERE if has_long_words(text) else _WORDS


_QUOTE_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_HEADER_OWN = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_HEADER_OTHER = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_SELECTED = QStyle.StateFlag.State_Selected
_FOCUSED = QStyle.StateFlag.State_HasFocus


def _message(index: _Index) -> Message | None:
    """The record of the row `index` points at, in whatever model (or proxy) it is from
    (from a conversation itself without a round trip through Qt: `MessageModel.record`)."""
    model = index.model()
    if type(model) is MessageModel:
        return model.record(index.row())
    message = index.data(_MESSAGE)
    return message if isinstance(message, Message) else None


def _band(index: _Index) -> str:
    """The band above the row ("New messages", the day), or ""."""
    band = index.data(_BAND)
    return band if isinstance(band, str) else ""


def _file_view(index: _Index) -> FileView | None:
    view = index.data(_FILE)
    return view if isinstance(view, FileView) else None


def _grouped(index: _Index) -> bool:
    """A line close after the one before it, by the same sender (files sent
    together, or a message within minutes): no header of its own."""
    return index.data(_GROUPED) is True


def _never() -> bool:
    return False


def _flags(text: str, kind: Kind) -> int:
    """drawText's flags for a row `_laid_out` said no to: only a notice with a
    long word wraps anywhere (other kinds with one are laid out), so the words
    are not looked at twice."""
    return text_flags(text) if kind is Kind.SYSTEM else _WORDS


def _laid_out(body: Body, kind: Kind = Kind.OTHER) -> bool:
    """Whether a body is drawn through a QTextLayout (links, formats, or a word too
    long for a line), not drawText. drawText can only wrap a whole text anywhere,
    so one long word would break every word of its message ("deliberat|ely");
    a layout breaks at word boundaries and inside that word only."""
    return bool(body.links or body.styles) or (
        kind is not Kind.SYSTEM and has_long_words(body.text)
    )


class MessageDelegate(QStyledItemDelegate):
    """Paints messages; heights are cached per message and width.

    A QListView asks every row's size on every layout, so the common path
    is one `data()` call and one dict lookup: the fonts and their metrics
    are made once per view font, and the width is read when the viewport is
    resized, not per row.

    `following` says whether the view follows the newest messages (view
    state, see `ConversationView`): then only the last rows can be on
    screen, and the others are given a height estimated from their length
    until they are painted. Without it every row is measured.
    """

    link_activated = Signal(QUrl)  # the user clicked a link: open it
    quote_activated = Signal(str)  # the user clicked a reply's quote: show the line it answers
    reaction_clicked = Signal(object, str)  # a reaction chip clicked: (the Message, its emoji)
    # A part of a line's file clicked: (the Message, file_card's action: view,
    # download, open, folder, cancel, retry).
    file_action = Signal(object, str)
    # An image's row is shown and its thumbnail was never asked for (the Message).
    thumbnail_wanted = Signal(object)

    def __init__(self, view: QListView, following: Callable[[], bool] = _never) -> None:
        super().__init__(view)
        self._view = view
        self._following = following
        self._heights: dict[str, int] = {}  # measured
        self._estimates: dict[str, int] = {}  # from the length, for rows off screen
        # What is above each row's text (_lead_height), by message id: the view
        # asks every shown row's size on every layout, i.e. on every message
        # that comes while following, and working the lead out (the line
        # before, two local dates) was most of that. Forgotten when any model
        # signal could change it (_watch), or the fonts change.
        self._leads: dict[str, int] = {}
        self._lead_model: QAbstractItemModel | None = None
        self._bodies: dict[str, Body] = {}
        self._layouts = LinkLayouts()
        self._pressed: tuple[str, int] | None = None  # (message id, link start) under a press
        self._headers: dict[tuple[str, DeliveryState | None, str, float], str] = {}
        self._palette_key = -1
        self._palette_colors = _Colors(view.palette())
        self._width = -1
        self._fonts_dirty = True  # made again from the next option's font
        self._emoji_family: str | None = None  # the colour emoji fallback of the fonts
        self._header_font = QFont()
        self._body_font = QFont()
        self._system_font = QFont()
        self._header_height = 0
        self._body_metrics = QFontMetrics(self._body_font)
        self._system_metrics = QFontMetrics(self._system_font)
        self._tail = -1  # rows at the end that can be on screen while following
        # The line a reply answers, by the id this window knows it by (the
        # window points it at the conversation shown); None: not held.
        self.quote_of: Callable[[str], Message | None] = lambda message_id: None
        self._quotes: dict[str, str] = {}  # reply_to -> the quote line drawn
        self._me = ""  # the user's name now: whose mentions are highlighted
        self._mentions: dict[str, bool] = {}  # message id -> it mentions the user
        view.viewport().setMouseTracking(True)  # the hand cursor over links
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self._width = -1  # measured again on the next size hint
            self._tail = -1
        elif kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fonts_dirty = True
            self._width = -1
        elif kind == QEvent.Type.LanguageChange and watched is self._view:
            # Headers and cut notes are in the old language: made again, and measured.
            self._headers.clear()
            self._bodies.clear()
            self._fonts_dirty = True
            self._width = -1
            self._view.viewport().update()
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            self._hover(event.position().toPoint())
        elif kind == QEvent.Type.Leave:
            self._view.viewport().unsetCursor()
        return False

    @property
    def stale(self) -> bool:
        """Whether every height measured so far is to be measured again (a new
        width or font): a view that keeps heights lays out every row then."""
        return self._width < 0 or self._fonts_dirty

    def set_me(self, name: str) -> None:
        """The user is called `name` (now): mentions of it are highlighted."""
        if name != self._me:
            self._me = name
            self._mentions.clear()
            self._view.viewport().update()

    def mentions_me(self, message: Message) -> bool:
        """Whether `message` is someone else's that mentions the user (cached by id)."""
        mentioned = self._mentions.get(message.id)
        if mentioned is None:
            mentioned = mentions_me(message, self._me) if self._me else False
            remember(self._mentions, message.id, mentioned)
        return mentioned

    def forget(self, message_id: str) -> None:
        """A line changed (edited, deleted, reacted to): measured and laid out
        again; the quotes of replies are made again too (one may quote it)."""
        for cache in (self._heights, self._estimates, self._bodies, self._mentions):
            cache.pop(message_id, None)
        self._layouts.forget(message_id)
        self._quotes.clear()

    def forget_quotes(self, *_rows: object) -> None:
        """Lines came or went: a quote of a line not held before may be made now."""
        self._quotes.clear()

    def quote_text(self, message: Message) -> str:
        """The line drawn above a reply: who and the start of what it answers
        (a line this conversation does not hold, older than what is paged in,
        is "an earlier message": a click shows it)."""
        quote = self._quotes.get(message.reply_to)
        if quote is None:
            answered = self.quote_of(message.reply_to)
            if answered is None:
                quote = "↪ " + QCoreApplication.translate(
                    "MessageDelegate", "an earlier message (click to show it)"
                )
            elif answered.deleted:
                quote = "↪ " + QCoreApplication.translate(
                    "MessageDelegate", "The message answered is gone"
                )
            else:
                first = display_text(first_line(answered.text, 120))
                who = (
                    QCoreApplication.translate("MessageModel", "You")
                    if answered.kind is Kind.OWN
                    else display_text(answered.sender)
                )
                quote = f"↪ {who}: {first}"
            remember(self._quotes, message.reply_to, quote)
        return quote

    def _chips_height(self, message: Message) -> int:
        if not message.reactions or self._width <= 0:
            return 0
        return GAP + chips_height(message.reactions, self._width, self._body_font)

    def chips(self, index: _Index) -> list[Chip]:
        """The reaction chips of a row as drawn (viewport coordinates)."""
        message = _message(index)
        if message is None or not message.reactions or self._width <= 0:
            return []
        rect = self._view.visualRect(index)
        left = rect.left() + MARGIN + PADDING
        bottom = rect.bottom() + 1 - (MARGIN - MARGIN // 2) - PADDING
        height = chips_height(message.reactions, self._width, self._body_font)
        area = QRect(left, bottom - height, self._width, height)
        return layout_chips(message.reactions, message.reacted, area, self._body_font)

    def _quote_height(self, message: Message) -> int:
        return self._header_height + GAP if message.reply_to else 0

    def quote_rect(self, index: _Index) -> QRect | None:
        """Where a reply's quote is drawn (viewport coordinates), or None."""
        message = _message(index)
        if message is None or not message.reply_to:
            return None
        rect = self._view.visualRect(index)
        top = rect.top() + MARGIN // 2 + PADDING + self._head_height(index)
        top += self._band_height(index)
        left = rect.left() + MARGIN + PADDING
        return QRect(left, top, rect.width() - 2 * (MARGIN + PADDING), self._header_height)

    def _head_height(self, index: _Index) -> int:
        """The header line and the gap under it; none for a grouped line."""
        return 0 if _grouped(index) else self._header_height + GAP

    def body_of(self, message: Message) -> Body:
        """What the list draws of `message` and the links in it (cached by id)."""
        body = self._bodies.get(message.id)
        if body is None:
            body = message_body(message)
            remember(self._bodies, message.id, body)
            if needs_emoji(body.text) or needs_emoji("".join(message.reactions or ())):
                load_emoji_font()  # the first message with emoji, in any list
            if loaded_emoji_family() != self._emoji_family:
                self._emoji_loaded()
        return body

    def _emoji_loaded(self) -> None:
        """The colour emoji font was loaded (for the app, where the system has
        none): the text falls back to it, and the rows are measured and drawn
        again with it on the next turn (this may be the middle of a layout)."""
        self._emoji_family = loaded_emoji_family()
        self._fonts_dirty = True
        self._width = -1
        QTimer.singleShot(0, self._view, self._view.doItemsLayout)

    def _text_of(self, message: Message) -> str:
        return self.body_of(message).text

    def _update_fonts(self, font: QFont) -> None:
        if not self._fonts_dirty:
            return
        self._fonts_dirty = False
        self._emoji_family = loaded_emoji_family()
        font = with_emoji_fallback(font)  # once loaded (body_of)
        self._body_font = QFont(font)
        self._system_font = QFont(font)
        self._system_font.setItalic(True)
        self._header_font = QFont(font)
        self._header_font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        self._header_height = QFontMetrics(self._header_font).height()
        self._body_metrics = QFontMetrics(self._body_font)
        self._system_metrics = QFontMetrics(self._system_font)
        self._heights.clear()
        self._estimates.clear()
        self._leads.clear()
        self._layouts.clear()
        self._tail = -1

    def _fonts(self, option: QStyleOptionViewItem, message: Message) -> tuple[QFont, QFont]:
        self._update_fonts(option.font)
        body = self._system_font if message.kind is Kind.SYSTEM else self._body_font
        return self._header_font, body

    def _content_width(self) -> int:
        return max(80, self._view.viewport().width() - 2 * (MARGIN + PADDING))

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """The row's height: measured once per message and width, or estimated.

        While the view follows the newest messages, only the rows at the end
        can be on screen; under a flood most other rows scroll out before
        anyone sees them. Those get an estimate from their length, and are
        measured when they are first painted (and laid out again if the
        estimate was off).
        """
        message = _message(index)
        if message is None:
            return QSize()
        if self._width < 0:
            self._width = self._content_width()
            self._heights.clear()
            self._estimates.clear()
            self._leads.clear()
        height = self._heights.get(message.id)
        if height is None:
            self._update_fonts(option.font)
            if self._following() and index.row() < self._rows(index) - self._tail_rows():
                estimate = self._estimates.get(message.id)
                if estimate is None:
                    estimate = self._estimate(message, index)
                    remember(self._estimates, message.id, estimate)
                return QSize(self._width, estimate + self._kept_lead(index, message))
            height = self._measure(message, index)
        return QSize(self._width, height + self._kept_lead(index, message))

    def _kept_lead(self, index: _Index, message: Message) -> int:
        """`_lead_height`, kept per message: what is above a line changes only
        with a model signal (`_watch`) or the fonts."""
        model = index.model()
        if model is not self._lead_model:
            self._watch(model)
        lead = self._leads.get(message.id)
        if lead is None:
            lead = self._lead_height(index)
            remember(self._leads, message.id, lead)
        return lead

    def _watch(self, model: QAbstractItemModel | None) -> None:
        """Forget the kept leads whenever `model` (the view's: a proxy, if any)
        changes in a way that can change a line's band or grouping.

        Rows added at the end, or taken off either end (the window following
        the newest), change no other line's lead: those are the layouts of
        every message that comes, and they keep what was worked out.
        """
        old = self._lead_model
        if old is not None:
            for signal, slot in self._lead_signals(old):
                with contextlib.suppress(RuntimeError, TypeError):  # gone with its model
                    signal.disconnect(slot)
        self._leads.clear()
        self._lead_model = model
        if model is not None:
            for signal, slot in self._lead_signals(model):
                signal.connect(slot)

    def _lead_signals(self, model: QAbstractItemModel) -> list[tuple[Any, Callable[..., None]]]:
        return [
            (model.dataChanged, self._leads_changed),
            (model.rowsInserted, self._leads_inserted),
            (model.rowsRemoved, self._leads_removed),
            (model.rowsMoved, self._forget_leads),
            (model.modelReset, self._forget_leads),
            (model.layoutChanged, self._forget_leads),
        ]

    def _forget_leads(self, *_args: object) -> None:
        self._leads.clear()

    def _leads_changed(self, top: QModelIndex, bottom: QModelIndex, *_roles: object) -> None:
        """A line's state or text changed: its lead, and the next line's
        (grouped under it or not), are worked out again."""
        model = top.model()
        if model is None or bottom.row() - top.row() > LEADS_CHANGED:
            self._leads.clear()
            return
        for row in range(top.row(), bottom.row() + 2):
            message = _message(model.index(row, 0))
            if message is not None:
                self._leads.pop(message.id, None)

    def _leads_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        """Added at the end: nothing before changes. Anywhere else (older lines
        paged in, a proxy's rows): the line after them may lose its band."""
        model = self._lead_model
        if model is None or last != model.rowCount() - 1:
            self._leads.clear()

    def _leads_removed(self, _parent: QModelIndex, first: int, _last: int) -> None:
        """Taken off either end of the window: no line's lead changes (they
        come from the conversation, not the window). From the middle: forgotten."""
        model = self._lead_model
        if model is None or first not in (0, model.rowCount()):
            self._leads.clear()

    def _band_height(self, index: _Index) -> int:
        return self._header_height + GAP * 2 if _band(index) else 0

    def _lead_height(self, index: _Index) -> int:
        """What is above a row's text: a band ("New messages", a day), and a
        header unless the line is grouped under the one before. Asked anew each
        time, not kept with the row's height: a page of older lines or the New
        messages line changes them while the text stays."""
        lead = index.data(_LEAD)  # one call: the band's text, or whether grouped
        if lead is True:
            return 0
        if lead:
            return 2 * self._header_height + 3 * GAP  # a band, and the header under it
        return self._header_height + GAP

    @staticmethod
    def _rows(index: _Index) -> int:
        """Rows in the model `index` is from (the view's: the proxy, if any)."""
        model = index.model()
        return model.rowCount() if model is not None else 0

    def _file_height(self, message: Message, index: _Index) -> int:
        """What a line's file adds to its row (and its header, when grouped, takes
        away; an empty caption draws no text line). 0 for a line without one."""
        if message.attachment is None or message.deleted:
            return 0
        extra = area_height(message, _file_view(index), self._width, self._body_metrics)
        if message.text:
            extra += GAP  # between the file and its caption
        return extra

    def _measure(self, message: Message, index: _Index) -> int:
        if _laid_out(self.body_of(message), message.kind):
            body_height = math.ceil(self._layout_of(message).boundingRect().height())
        else:
            metrics = self._system_metrics if message.kind is Kind.SYSTEM else self._body_metrics
            body = self.body_of(message)
            body_height = metrics.boundingRect(
                QRect(0, 0, self._width, 1_000_000), _flags(body.text, message.kind), body.text
            ).height()
        if message.attachment is not None and not message.text and not message.deleted:
            body_height = 0  # no caption: the file alone
        height = body_height + 2 * PADDING + MARGIN  # the header: _lead_height
        height += self._quote_height(message) + self._chips_height(message)
        if message.attachment is not None:
            height += self._file_height(message, index)
        remember(self._heights, message.id, height)
        return height

    def _estimate(self, message: Message, index: _Index) -> int:
        metrics = self._system_metrics if message.kind is Kind.SYSTEM else self._body_metrics
        per_line = max(1, self._width // max(1, metrics.averageCharWidth()))
        # A formatted message not yet shown is not parsed for its estimate.
        unparsed = message.formatted and message.id not in self._bodies
        text = message.text if unparsed else self._text_of(message)
        if "\n" in text:
            lines = sum(-(-len(line) // per_line) or 1 for line in text.split("\n"))
        else:
            lines = -(-len(text) // per_line) or 1
        estimate = (
            lines * metrics.lineSpacing()
            + 2 * PADDING
            + MARGIN
            + self._quote_height(message)
            + self._chips_height(message)
        )
        if message.attachment is not None:
            estimate += self._file_height(message, index)
        return estimate

    def _tail_rows(self) -> int:
        if self._tail < 0:
            # The shortest row: one line under no header (grouped under the one before).
            row = self._body_metrics.lineSpacing() + 2 * PADDING
            self._tail = self._view.viewport().height() // max(1, row + MARGIN) + 2
        return self._tail

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        message = _message(index)
        if message is None:
            return
        estimate = self._estimates.pop(message.id, None)
        if estimate is not None and self._width > 0:
            # Laid out on an estimate, now on screen: measure, and lay out
            # again if the estimate was off. (option.rect cannot tell: the
            # view asks sizeHint() again for it.)
            height = self._heights.get(message.id)
            if height is None:
                self._update_fonts(option.font)
                height = self._measure(message, index)
            if height != estimate:
                self.sizeHintChanged.emit(index)
        header_font, body_font = self._fonts(option, message)
        colors = self._colors(option)
        kind = message.kind
        fill: QColor | None
        mentioned = kind is Kind.OTHER and self.mentions_me(message)
        if option.state & _SELECTED:
            fill = colors.selected
        elif mentioned:
            fill = colors.mention
        else:
            fill = colors.own if kind is Kind.OWN else colors.other if kind is Kind.OTHER else None
        rect = QRect(option.rect)
        band = _band(index)
        if band:
            band_height = self._header_height + GAP * 2
            painter.save()
            painter.setFont(header_font)
            # A line across with the caption in its middle; the New messages
            # line in the colour that says "look here".
            new = band.startswith(new_messages_text())
            ink = colors.failed if new else colors.muted
            painter.setPen(ink)
            area = QRect(rect.left() + MARGIN, rect.top(), rect.width() - 2 * MARGIN, band_height)
            painter.drawText(area, _BAND_FLAGS, band)
            half = painter.fontMetrics().horizontalAdvance(band) // 2 + 8
            middle, y = area.center().x(), area.center().y()
            painter.setPen(QPen(ink, 2 if new else 1))
            painter.drawLine(area.left(), y, middle - half, y)
            painter.drawLine(middle + half, y, area.right(), y)
            painter.restore()
            rect.setTop(rect.top() + band_height)
        left, top = rect.left() + MARGIN, rect.top() + MARGIN // 2
        width, height = rect.width() - 2 * MARGIN, rect.height() - 2 * (MARGIN // 2)
        painter.save()
        if fill is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRect(left, top, width, height), 6, 6)
        if mentioned:
            painter.fillRect(QRect(left, top + 3, MENTION_BAR, height - 6), colors.mention_bar)
        elif kind is Kind.OWN:  # one's own lines: a bar at the right, as Telegram sets them apart
            painter.fillRect(
                QRect(left + width - MENTION_BAR, top + 3, MENTION_BAR, height - 6), colors.own_bar
            )
        if option.state & _FOCUSED:  # the keyboard's place in the list, visible
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(colors.link, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRect(left + 1, top + 1, width - 2, height - 2), 6, 6)

        left, top = left + PADDING, top + PADDING
        width, height = width - 2 * PADDING, height - 2 * PADDING
        header_height = self._header_height
        has_file = message.attachment is not None and not message.deleted
        head = header_height + GAP
        if _grouped(index):
            head = 0  # one header for a sender's lines in a row
        else:
            painter.setFont(header_font)
            if message.state is DeliveryState.FAILED:
                painter.setPen(colors.failed)
            elif kind is Kind.OTHER and message.sender:
                painter.setPen(colors.sender(message.sender))  # a colour of their own
            else:
                painter.setPen(colors.muted)
            painter.drawText(
                QRect(left, top, width, header_height),
                _HEADER_OWN if kind is Kind.OWN else _HEADER_OTHER,
                self._header_of(message, getattr(index.model(), "room", None)),
            )
        body_top = top + head
        bottom = top + height  # of the content: the reaction chips sit on it
        if message.reply_to:
            quote = QRect(left, body_top, width, header_height)
            painter.fillRect(QRect(left, body_top, 3, header_height), colors.link)
            painter.setPen(colors.muted)
            painter.drawText(
                quote.adjusted(8, 0, 0, 0),
                _QUOTE_FLAGS,
                painter.fontMetrics().elidedText(
                    self.quote_text(message), Qt.TextElideMode.ElideRight, max(0, width - 8)
                ),
            )
            body_top += header_height + GAP
            height -= header_height + GAP
        if message.reactions and self._width > 0:
            chips_h = chips_height(message.reactions, self._width, body_font)
            area = QRect(left, bottom - chips_h, self._width, chips_h)
            chips = layout_chips(message.reactions, message.reacted, area, body_font)
            paint_chips(painter, chips, chip_colors(option.palette), body_font)
            height -= chips_h + GAP
        if has_file and self._width > 0:
            view = _file_view(index)
            if (
                message.attachment is not None
                and message.attachment.is_image
                and (view is None or not view.thumbnail_state)
            ):
                self.thumbnail_wanted.emit(message)  # shown for the first time: ask
            layout = file_layout(message, view, left, body_top, self._width, self._body_metrics)
            paint_file(
                painter,
                message,
                view,
                layout,
                body_font,
                file_colors(option.palette, colors.text, colors.muted, colors.link, colors.failed),
            )
            body_top += layout.rect.height() + GAP
            height -= layout.rect.height() + GAP
        painter.setFont(self._system_font if message.deleted else body_font)
        painter.setPen(colors.muted if kind is Kind.SYSTEM or message.deleted else colors.text)
        if _laid_out(self.body_of(message), message.kind) and self._width > 0:
            draw_body(painter, self._layout_of(message), QPointF(left, body_top), colors.muted)
        else:
            body = self.body_of(message)
            painter.drawText(
                QRect(left, body_top, width, height - head),
                _flags(body.text, message.kind),
                body.text,
            )
        painter.restore()

    # ---- links --------------------------------------------------------------

    def _layout_of(self, message: Message) -> QTextLayout:
        """The text of a message with links, laid out at the current width."""
        self._update_fonts(self._view.font())
        colors = self._colors_of(self._view.palette())
        return self._layouts.layout(
            message.id,
            self.body_of(message),
            self._body_font,
            self._width,
            colors.link,
            self._palette_key,
            colors.muted,
            colors.code,
        )

    def painted_lines(self, message: Message) -> list[str]:
        """The lines the text of `message` is painted in at the current width:
        the layout's, or those drawText makes with the row's flags (the same
        QTextLayout wrapping Qt runs inside drawText). Where a row breaks is
        what a reader sees, so tests ask this."""
        body = self.body_of(message)
        if _laid_out(body, message.kind):
            layout = self._layout_of(message)
            text = layout.text()
        else:
            text = body.text
            layout = QTextLayout(text, self._body_font)
            option = QTextOption()
            option.setWrapMode(
                QTextOption.WrapMode.WrapAnywhere
                if text_flags(text) & int(Qt.TextFlag.TextWrapAnywhere)
                else QTextOption.WrapMode.WordWrap
            )
            layout.setTextOption(option)
            layout.beginLayout()
            while (line := layout.createLine()).isValid():
                line.setLineWidth(self._width)
            layout.endLayout()
        return [
            text[line.textStart() : line.textStart() + line.textLength()]
            for line in (layout.lineAt(i) for i in range(layout.lineCount()))
        ]

    def link_at(self, index: _Index, pos: QPoint) -> Link | None:
        """The link drawn at `pos` (viewport coordinates) in the row of `index`, if any.

        `index` is one of the view's own (of its model, a proxy or not).
        """
        if not index.isValid() or self._width <= 0:
            return None
        message = _message(index)
        if message is None:
            return None
        links = self.body_of(message).links
        if not links:
            return None
        rect = self._view.visualRect(index)
        self._update_fonts(self._view.font())
        left = rect.left() + MARGIN + PADDING
        top = rect.top() + MARGIN // 2 + PADDING + self._head_height(index)
        top += self._band_height(index) + self._quote_height(message)
        if message.attachment is not None and not message.deleted:
            layout = self.file_layout(index)
            if layout is not None:
                top = layout.rect.bottom() + 1 + GAP
        return link_in(self._layout_of(message), links, pos.x() - left, pos.y() - top)

    def file_layout(self, index: _Index) -> FileLayout | None:
        """Where the parts of the file of the row of `index` are drawn
        (viewport coordinates), or None for a row without one."""
        message = _message(index)
        if message is None or message.attachment is None or message.deleted or self._width <= 0:
            return None
        self._update_fonts(self._view.font())
        rect = self._view.visualRect(index)
        left = rect.left() + MARGIN + PADDING
        top = rect.top() + MARGIN // 2 + PADDING + self._band_height(index)
        top += self._quote_height(message) + self._head_height(index)
        return file_layout(message, _file_view(index), left, top, self._width, self._body_metrics)

    def file_action_at(self, index: _Index, pos: QPoint) -> str:
        """What a click at `pos` on the row's file does ("" for nothing there)."""
        layout = self.file_layout(index)
        return layout.action_at(pos) if layout is not None else ""

    def _hover(self, pos: QPoint) -> None:
        viewport = self._view.viewport()
        index = self._view.indexAt(pos)
        if self.link_at(index, pos) is not None or self.file_action_at(index, pos):
            viewport.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            viewport.unsetCursor()

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        """A left click (press and release on the same link) opens it; nothing else does."""
        kind = event.type()
        if not isinstance(event, QMouseEvent) or event.button() != Qt.MouseButton.LeftButton:
            return super().editorEvent(event, model, option, index)
        if kind == QEvent.Type.MouseButtonPress:
            link = self.link_at(index, event.position().toPoint())
            message = _message(index) if link is not None else None
            self._pressed = (message.id, link.start) if message and link else None
        elif kind == QEvent.Type.MouseButtonRelease and self._pressed is None:
            quote = self.quote_rect(index)
            message = _message(index)
            point = event.position().toPoint()
            if quote is not None and message and quote.contains(point):
                self.quote_activated.emit(message.reply_to)
                return True
            action = self.file_action_at(index, point) if message is not None else ""
            if action and message is not None:
                self.file_action.emit(message, action)
                return True
            chip = chip_at(self.chips(index), point)
            if chip is not None and message is not None and not chip.add:
                self.reaction_clicked.emit(message, chip.emoji)
                return True
        elif kind == QEvent.Type.MouseButtonRelease and self._pressed is not None:
            pressed, self._pressed = self._pressed, None
            link = self.link_at(index, event.position().toPoint())
            message = _message(index) if link is not None else None
            if message is not None and link is not None and (message.id, link.start) == pressed:
                self.link_activated.emit(link.url)
                return True
        return super().editorEvent(event, model, option, index)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        """Hovering a link shows where it goes, as it will be opened (punycode and all)."""
        if event.type() == QEvent.Type.ToolTip:
            link = self.link_at(index, event.pos())
            if link is not None:
                QToolTip.showText(event.globalPos(), link.describe(), view)
                return True
            chip = chip_at(self.chips(index), event.pos())
            message = _message(index)
            if chip is not None and message is not None and message.reactions:
                names = message.reactions.get(chip.emoji, [])
                QToolTip.showText(event.globalPos(), reactors_text(chip.emoji, names), view)
                return True
        return bool(super().helpEvent(event, view, option, index))

    def _header_of(self, message: Message, shown_in: str | None = None) -> str:
        key = (message.id, message.state, message.error, message.edited_at)
        header = self._headers.get(key)
        if header is None:
            header = header_text(message, shown_in)
            remember(self._headers, key, header)
        return header

    def _colors(self, option: QStyleOptionViewItem) -> _Colors:
        return self._colors_of(option.palette)

    def _colors_of(self, palette: QPalette) -> _Colors:
        key = palette.cacheKey()
        if key != self._palette_key:
            self._palette_key = key
            self._palette_colors = _Colors(palette)
        return self._palette_colors


class _Colors:
    """The colours a message is painted in, made once per palette (ui/theme.py
    derives them all from the palette, readable in light and dark)."""

    def __init__(self, palette: QPalette) -> None:
        self._palette = QPalette(palette)
        self._senders: dict[str, QColor] = {}
        colors = message_colors(palette)
        self.own = colors.own
        self.selected = colors.selected
        self.other = colors.other
        self.muted = colors.muted
        self.text = colors.text
        self.failed = colors.failed
        self.link = colors.link
        self.code = QColor(colors.text)  # behind code: the text's colour, faint
        self.code.setAlpha(28)
        self.mention = colors.mention
        self.mention_bar = colors.mention_bar
        self.own_bar = colors.own_bar
        self.base = palette.color(QPalette.ColorRole.Base)

    def sender(self, name: str) -> QColor:
        color = self._senders.get(name)
        if color is None:
            color = sender_color(name, self._palette)
            remember(self._senders, name, color, 1024)
        return color
