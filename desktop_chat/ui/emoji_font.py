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

Where the system has no colour emoji family, the app loads one from a
file (`load_emoji_font`): the bundle's copy of Debian's Noto Color Emoji
(build.spec puts it in desktop_chat/resources/fonts/), else the system's
file where fontconfig does not list it. Loading waits for the first message
that needs it (`needs_emoji`, asked by the message list's delegate as it
makes a message's body) or the first emoji picker: a start-up without emoji
reads no font file. Message text then falls back to it after its own
families (`with_emoji_fallback`), so text keeps its own digits and letters.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

log = logging.getLogger(__name__)

# The colour emoji families of Linux, macOS and Windows, in order of preference.
COLOR_EMOJI_FAMILIES = (
    "Noto Color Emoji",
    "Apple Color Emoji",
    "Segoe UI Emoji",
    "Twemoji Mozilla",
    "Twitter Color Emoji",
    "JoyPixels",
)


FONT_FILE = "NotoColorEmoji.ttf"
# Where the bundle puts its copy (build.spec), beside the package's other resources.
BUNDLED_FONT = Path(__file__).resolve().parents[1] / "resources" / "fonts" / FONT_FILE
# The system's file, by distribution, for a system whose fontconfig does not list it.
SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/noto") / FONT_FILE,  # Debian, Ubuntu
    Path("/usr/share/fonts/google-noto-color-emoji") / FONT_FILE,  # Fedora
    Path("/usr/share/fonts/noto") / FONT_FILE,  # Arch
)

# Code points that are drawn as emoji: the pictographs' planes, the symbols
# and dingbats, arrows and shapes often shown as emoji, and the variation
# selector and joiner that make a character an emoji.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\ufe0f\u200d\u203c\u2049]"
)
_loaded: list[str | None] = []  # [the family] once load_emoji_font has run


def needs_emoji(text: str) -> bool:
    """Whether `text` has a character drawn as emoji (and the font is not yet asked for)."""
    return not _loaded and _EMOJI.search(text) is not None


@cache
def color_emoji_family() -> str | None:
    """The first colour emoji family known to Qt, or None (looked up once; again
    after `load_emoji_font` added one)."""
    installed = set(QFontDatabase.families())
    return next((family for family in COLOR_EMOJI_FAMILIES if family in installed), None)


def load_emoji_font() -> str | None:
    """The colour emoji family, loaded from a file the first time if the system
    has none: the bundle's copy, else the system's file. None where there is
    no such file (emoji are then drawn as the system can)."""
    if _loaded:
        return _loaded[0]
    family = color_emoji_family()
    if family is None:
        for path in (BUNDLED_FONT, *SYSTEM_FONTS):
            if not path.is_file():
                continue
            font_id = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if families:
                family = families[0]
                color_emoji_family.cache_clear()
                log.info("colour emoji font loaded from %s", path)
                break
            log.warning("could not load the emoji font %s", path)
    _loaded.append(family)
    return family


def loaded_emoji_family() -> str | None:
    """The family `load_emoji_font` found, or None before it ran (tests, start-up)."""
    return _loaded[0] if _loaded else None


def with_emoji_fallback(font: QFont) -> QFont:
    """`font` with the loaded colour emoji family after its own families: a
    character its own families lack is looked for there before anywhere else."""
    family = loaded_emoji_family()
    if family is None or family in font.families():
        return font
    # The family Qt really draws with first: an alias such as "Sans Serif" is
    # no family of its own, and Qt would skip it and make the emoji font the
    # first, drawing spaces and digits with its wide keycap glyphs.
    real = QFontInfo(font).family()
    result = QFont(font)
    result.setFamilies([real, family])
    return result


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
