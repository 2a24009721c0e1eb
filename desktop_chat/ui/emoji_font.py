"""A font that draws emoji in colour: the text's font with a colour emoji family first.

Qt falls back per character to whatever font has a glyph, and that may be
a monochrome one (DejaVu has ❤ and ☺) or none at all. Putting an installed
colour emoji family first makes emoji come from it; what it lacks still
falls back to the text's own families. Only families that are installed
are named: asking for a missing one makes Qt search its aliases, slowly,
and warn ("Replace uses of missing font family ...").

Use it for emoji alone (a reaction, the picker's grid), not for text mixed
with digits: colour emoji fonts have digits too, drawn as keycap bases.
On Debian the family is Noto Color Emoji (`fonts-noto-color-emoji`).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase

# The colour emoji families of Linux, macOS and Windows, in order of preference.
COLOR_EMOJI_FAMILIES = (
    "Noto Color Emoji",
    "Apple Color Emoji",
    "Segoe UI Emoji",
    "Twemoji Mozilla",
    "Twitter Color Emoji",
    "JoyPixels",
)


@cache
def color_emoji_family() -> str | None:
    """The first colour emoji family installed, or None (looked up once)."""
    installed = set(QFontDatabase.families())
    return next((family for family in COLOR_EMOJI_FAMILIES if family in installed), None)


def emoji_font(font: QFont, scale: float = 1.0) -> QFont:
    """`font` (its size times `scale`) with the colour emoji family first."""
    result = QFont(font)
    if scale != 1.0:
        if font.pointSizeF() > 0:
            result.setPointSizeF(font.pointSizeF() * scale)
        else:
            result.setPixelSize(max(1, round(font.pixelSize() * scale)))
    family = color_emoji_family()
    if family is not None:
        own = font.families() or [font.family()]
        result.setFamilies([family, *[f for f in own if f != family]])
    return result
