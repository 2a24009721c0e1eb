"""The row of reaction chips under a message's text: layout, painting, hits, words.

Pure functions, for the message delegate to call (it owns the caches, as
it does for the text): `chips_height` for its size hint, `layout_chips`
then `paint_chips` to draw them, `chip_at` for a click, and
`reactors_text` for the tooltip over a chip.

A chip is "👍 2": the emoji (in a colour emoji font, `emoji_font`) and how
many reacted with it, in a rounded box; the ones the user reacted with
themselves are filled and outlined with the palette's accent colour. The
chips are in the order of `Message.reactions` (the order emoji were first
used) and wrap onto more lines when the row is narrow. With `add=True` an
"add reaction" chip ("+") ends the row.

What a stranger sent stays text: the emoji keys and the names of who
reacted are drawn with `drawText` and put into tooltips through
`plain_tooltip`, so "<b>x</b>" shows as those characters. A key that is
not one short emoji (any string can come from a server) is cut, so that
one chip cannot be wider than a few emoji.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QObject, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen

from desktop_chat.ui.emoji_font import emoji_font
from desktop_chat.ui.plain import plain_tooltip
from desktop_chat.ui.theme import blend, readable_on
from desktop_chat.ui.tr import fill

H_PAD = 6  # inside a chip, left and right
V_PAD = 2  # inside a chip, above and below
SPACE = 4  # between the emoji and the count
GAP = 4  # between chips, across and down
MAX_KEY_CHARS = 16  # a reaction key longer than this is cut ("…")
ADD = "+"

_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


@dataclass(frozen=True, slots=True)
class Chip:
    """One chip as laid out: `rect` is where it is drawn (the caller's coordinates)."""

    emoji: str  # the reaction key as sent ("" for the add chip)
    count: int
    rect: QRect
    mine: bool  # the user reacted with it
    add: bool = False  # the "add reaction" chip


@dataclass(frozen=True, slots=True)
class ChipColors:
    """What chips are painted in, derived from one palette (`chip_colors`)."""

    fill: QColor
    border: QColor
    text: QColor
    mine_fill: QColor
    mine_border: QColor
    mine_text: QColor


def chip_colors(palette: QPalette) -> ChipColors:
    """Chip colours for `palette`: the counts read (4.5:1) on both kinds of chip."""
    base = palette.color(QPalette.ColorRole.Base)
    accent = palette.color(QPalette.ColorRole.Accent)
    tint = QColor(accent)
    tint.setAlpha(60)
    mine_fill = blend(tint, base)
    text = palette.color(QPalette.ColorRole.Text)
    return ChipColors(
        fill=base,
        border=palette.color(QPalette.ColorRole.Mid),
        text=readable_on(text, base),
        mine_fill=mine_fill,
        mine_border=accent,
        mine_text=readable_on(text, mine_fill),
    )


class _Fonts:
    """A text font, its emoji font and both metrics, made once per font."""

    def __init__(self, font: QFont) -> None:
        self.text = QFont(font)
        self.emoji = emoji_font(font)
        self.text_metrics = QFontMetrics(self.text)
        self.emoji_metrics = QFontMetrics(self.emoji)
        self.height = max(self.text_metrics.height(), self.emoji_metrics.height()) + 2 * V_PAD
        self.max_key_width = 4 * self.height  # a long key is elided to this


_fonts_cache: dict[str, _Fonts] = {}


def _fonts(font: QFont) -> _Fonts:
    key = font.key()
    fonts = _fonts_cache.get(key)
    if fonts is None:
        if len(_fonts_cache) > 32:
            _fonts_cache.clear()
        fonts = _fonts_cache[key] = _Fonts(font)
    return fonts


def shown_key(emoji: str, font: QFont) -> str:
    """What is drawn of a reaction key: itself, or cut when it is long."""
    fonts = _fonts(font)
    shown = emoji if len(emoji) <= MAX_KEY_CHARS else emoji[:MAX_KEY_CHARS] + "…"
    return fonts.emoji_metrics.elidedText(shown, Qt.TextElideMode.ElideRight, fonts.max_key_width)


def _key_width(fonts: _Fonts, shown: str) -> int:
    return fonts.emoji_metrics.horizontalAdvance(shown)


def layout_chips(
    reactions: Mapping[str, Sequence[str]] | None,
    reacted: Sequence[str],
    rect: QRect,
    font: QFont,
    *,
    add: bool = False,
) -> list[Chip]:
    """The chips of `reactions`, placed from the top left of `rect`, wrapping at its width.

    An emoji nobody (any longer) reacted with has no chip. `reacted` are the
    emoji the user reacted with (`Message.reacted`). `rect`'s height is not
    a limit: `chips_height` says how much the chips take.
    """
    fonts = _fonts(font)
    height = fonts.height
    right = rect.left() + max(1, rect.width())
    x, y = rect.left(), rect.top()
    chips: list[Chip] = []

    def place(width: int) -> QRect:
        nonlocal x, y
        if x > rect.left() and x + width > right:
            x, y = rect.left(), y + height + GAP
        placed = QRect(x, y, width, height)
        x += width + GAP
        return placed

    mine = set(reacted)
    for emoji, names in (reactions or {}).items():
        if not names:
            continue
        count = len(names)
        width = (
            H_PAD
            + _key_width(fonts, shown_key(emoji, font))
            + SPACE
            + fonts.text_metrics.horizontalAdvance(str(count))
            + H_PAD
        )
        chips.append(Chip(emoji, count, place(width), emoji in mine))
    if add:
        width = max(height, 2 * H_PAD + fonts.text_metrics.horizontalAdvance(ADD))
        chips.append(Chip("", 0, place(width), False, add=True))
    return chips


def chips_height(
    reactions: Mapping[str, Sequence[str]] | None,
    width: int,
    font: QFont,
    *,
    add: bool = False,
) -> int:
    """How tall the chips of `reactions` are at `width` (0 when there are none)."""
    chips = layout_chips(reactions, (), QRect(0, 0, width, 0), font, add=add)
    return max((chip.rect.y() + chip.rect.height() for chip in chips), default=0)


def paint_chips(
    painter: QPainter, chips: Sequence[Chip], colors: ChipColors, font: QFont | None = None
) -> None:
    """Draw `chips` (from `layout_chips` with the same `font`; the painter's if None)."""
    if not chips:
        return
    fonts = _fonts(font if font is not None else painter.font())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for chip in chips:
        rect = chip.rect
        radius = rect.height() / 2
        painter.setPen(QPen(colors.mine_border if chip.mine else colors.border, 1))
        painter.setBrush(colors.mine_fill if chip.mine else colors.fill)
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.setPen(colors.mine_text if chip.mine else colors.text)
        if chip.add:
            painter.setFont(fonts.text)
            painter.drawText(rect, _CENTER, ADD)
            continue
        shown = shown_key(chip.emoji, fonts.text)
        key_width = _key_width(fonts, shown)
        left = rect.left() + H_PAD
        painter.setFont(fonts.emoji)
        painter.drawText(QRect(left, rect.top(), key_width, rect.height()), _LEFT, shown)
        left += key_width + SPACE
        painter.setFont(fonts.text)
        painter.drawText(
            QRect(left, rect.top(), rect.right() - left + 1, rect.height()), _LEFT, str(chip.count)
        )
    painter.restore()


def chip_at(chips: Sequence[Chip], pos: QPoint) -> Chip | None:
    """The chip under `pos` (the chips' coordinates), if any."""
    return next((chip for chip in chips if chip.rect.contains(pos)), None)


class ReactionWords(QObject):
    """The words of the tooltip (a QObject for `tr`, the one way lupdate sees a plural)."""

    def reactors(self, emoji: str, names: Sequence[str]) -> str:
        if not names:
            return ""
        if len(names) == 1:
            return fill(self.tr("%1 reacted with %2"), names[0], emoji)
        if len(names) == 2:
            return fill(self.tr("%1 and %2 reacted with %3"), names[0], names[1], emoji)
        if len(names) == 3:
            return fill(self.tr("%1, %2 and %3 reacted with %4"), *names[:3], emoji)
        others = len(names) - 2
        text = self.tr("%1, %2 and %n others reacted with %3", "", others)
        return fill(text, names[0], names[1], emoji)


@cache
def _words() -> ReactionWords:
    return ReactionWords()


def reactors_sentence(emoji: str, names: Sequence[str]) -> str:
    """Who reacted with `emoji`, as plain text in the installed language
    ("alice, bob and 3 others reacted with 👍"); "" when nobody did."""
    return _words().reactors(emoji, names)


def reactors_text(emoji: str, names: Sequence[str]) -> str:
    """The tooltip over the chip of `emoji`: `reactors_sentence` as escaped
    rich text, so that a name that looks like markup shows as typed."""
    return plain_tooltip(reactors_sentence(emoji, names))
