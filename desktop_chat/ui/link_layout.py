"""Messages with links or formats, laid out so that a point can be mapped to the link under it.

Plain rows are drawn with `QPainter.drawText`, which cannot say where a
character ended up. A message with links is laid out once per width and
palette as a `QTextLayout` (the same plain text, links underlined), which
both draws it and answers which character, and so which link, is at a
point (`link_in`). Only rows on screen need one, so few are kept.

A formatted message (Markdown, `Body.styles`) takes the same path: its
plain text with `QTextLayout.FormatRange`s for bold, italic, strikeout,
code (the fixed font on a faint background) and quotes (muted, indented,
a bar beside them: `draw_body`). Text is only ever set as plain text with
format ranges, never as HTML. Lines break at the text's newlines (given to
the layout as U+2028, which it breaks at; the offsets stay the same).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import islice
from typing import TypeVar

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPainter,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)

from desktop_chat.protocol.markup import Style
from desktop_chat.ui.links import Link
from desktop_chat.ui.message_body import Body

_T = TypeVar("_T")
_K = TypeVar("_K")

CACHE_LIMIT = 20_000  # measured messages remembered; the view holds far fewer
LAYOUT_LIMIT = 256  # laid-out messages with links; only those on screen need one
QUOTE_INDENT = 12  # pixels a quoted line is moved right; its bar is in the first few
QUOTE_BAR = 3


def remember(cache: dict[_K, _T], key: _K, value: _T, limit: int = CACHE_LIMIT) -> None:
    """Store, forgetting the oldest half once the cache is full."""
    if len(cache) >= limit:
        for old in list(islice(cache, limit // 2)):
            del cache[old]
    cache[key] = value


class LinkLayouts:
    """Laid-out text of messages with links, by message id, for one width and palette.

    The wrap mode is the one `drawText` uses for the delegate's text flags
    (word boundaries, else anywhere), so these rows wrap like the others
    and their measured height is the one the view laid out.
    """

    def __init__(self) -> None:
        self._layouts: dict[str, tuple[int, int, QTextLayout]] = {}  # id: (width, palette)

    def clear(self) -> None:
        self._layouts.clear()

    def forget(self, key: str) -> None:
        self._layouts.pop(key, None)

    def layout(
        self,
        key: str,
        body: Body,
        font: QFont,
        width: int,
        link: QColor,
        palette: int,
        quote: QColor | None = None,
        code: QColor | None = None,
    ) -> QTextLayout:
        """The layout of `body` at `width` (cached by `key` while width and palette hold).

        `quote` and `code` colour a formatted body's quotes (text) and code (background).
        """
        cached = self._layouts.get(key)
        if cached is not None and cached[:2] == (width, palette):
            return cached[2]
        layout = QTextLayout(body.text.replace("\n", "\u2028"), font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        link_format = QTextCharFormat()
        link_format.setForeground(link)
        link_format.setFontUnderline(True)
        ranges = _style_ranges(body, quote, code)  # before the links: a link's colour wins
        for found in body.links:
            span = QTextLayout.FormatRange()
            span.start, span.length, span.format = found.start, found.end - found.start, link_format
            ranges.append(span)
        layout.setFormats(ranges)
        quoted = [
            (span.start, span.start + span.length)
            for span in body.styles
            if span.style & Style.QUOTE
        ]
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            start = line.textStart()
            indent = QUOTE_INDENT if any(a <= start < b for a, b in quoted) else 0
            line.setLineWidth(max(1, width - indent))
            line.setPosition(QPointF(indent, y))
            y += line.height()
        layout.endLayout()
        remember(self._layouts, key, (width, palette, layout), LAYOUT_LIMIT)
        return layout


@cache
def _fixed_families() -> list[str]:
    return list(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).families())


def _style_ranges(
    body: Body, quote: QColor | None, code: QColor | None
) -> list[QTextLayout.FormatRange]:
    """A format range per styled span; overlapping ones merge (bold and italic)."""
    ranges = []
    for span in body.styles:
        style = span.style
        form = QTextCharFormat()
        if style & Style.BOLD:
            form.setFontWeight(QFont.Weight.Bold)
        if style & Style.ITALIC:
            form.setFontItalic(True)
        if style & Style.STRIKE:
            form.setFontStrikeOut(True)
        if style & (Style.CODE | Style.CODE_BLOCK):
            form.setFontFamilies(_fixed_families())
            form.setFontFixedPitch(True)
            if code is not None:
                form.setBackground(code)
        if style & Style.QUOTE and quote is not None:
            form.setForeground(quote)
        found = QTextLayout.FormatRange()
        found.start, found.length, found.format = span.start, span.length, form
        ranges.append(found)
    return ranges


def draw_body(painter: QPainter, layout: QTextLayout, at: QPointF, bar: QColor) -> None:
    """Draw a laid-out body at `at`, with a bar beside its quoted (indented) lines."""
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        if line.x() > 0:
            painter.fillRect(QRectF(at.x() + 2, at.y() + line.y(), QUOTE_BAR, line.height()), bar)
    layout.draw(painter, at)


def link_in(layout: QTextLayout, links: Sequence[Link], x: float, y: float) -> Link | None:
    """The link drawn at (x, y), relative to the layout's top left, if any.

    Past the end of a line is not on the line's last character: a click in
    the empty space after a link does not open it (nor one in a quote's indent).
    """
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        if line.y() <= y < line.y() + line.height():
            if not line.x() <= x < line.x() + line.naturalTextWidth():
                return None
            at = line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter)
            return next((found for found in links if found.start <= at < found.end), None)
    return None
