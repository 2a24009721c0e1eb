"""Messages with links, laid out so that a point can be mapped to the link under it.

Plain rows are drawn with `QPainter.drawText`, which cannot say where a
character ended up. A message with links is laid out once per width and
palette as a `QTextLayout` (the same plain text, links underlined), which
both draws it and answers which character, and so which link, is at a
point (`link_in`). Only rows on screen need one, so few are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import TypeVar

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextLayout, QTextLine, QTextOption

from desktop_chat.ui.links import Link
from desktop_chat.ui.message_body import Body

_T = TypeVar("_T")
_K = TypeVar("_K")

CACHE_LIMIT = 20_000  # measured messages remembered; the view holds far fewer
LAYOUT_LIMIT = 256  # laid-out messages with links; only those on screen need one


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
        self, key: str, body: Body, font: QFont, width: int, link: QColor, palette: int
    ) -> QTextLayout:
        """The layout of `body` at `width` (cached by `key` while width and palette hold)."""
        cached = self._layouts.get(key)
        if cached is not None and cached[:2] == (width, palette):
            return cached[2]
        layout = QTextLayout(body.text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        link_format = QTextCharFormat()
        link_format.setForeground(link)
        link_format.setFontUnderline(True)
        ranges = []
        for found in body.links:
            span = QTextLayout.FormatRange()
            span.start, span.length, span.format = found.start, found.end - found.start, link_format
            ranges.append(span)
        layout.setFormats(ranges)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        remember(self._layouts, key, (width, palette, layout), LAYOUT_LIMIT)
        return layout


def link_in(layout: QTextLayout, links: Sequence[Link], x: float, y: float) -> Link | None:
    """The link drawn at (x, y), relative to the layout's top left, if any.

    Past the end of a line is not on the line's last character: a click in
    the empty space after a link does not open it.
    """
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        if line.y() <= y < line.y() + line.height():
            if not 0 <= x < line.naturalTextWidth():
                return None
            at = line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter)
            return next((found for found in links if found.start <= at < found.end), None)
    return None
