"""A stable colour per sender's name, readable on the palette's base.

The hue comes from a hash of the name (the same name, the same colour in
every window and run); the lightness is then moved away from the base
colour until the contrast ratio (WCAG 2) is at least 4.5:1, so that it
reads in light and dark themes alike. Cached per (name, base).
"""

from __future__ import annotations

import zlib

from PySide6.QtGui import QColor

from desktop_chat.ui.contrast import MIN_CONTRAST, contrast_ratio, relative_luminance

_cache: dict[tuple[str, int], QColor] = {}


def sender_color(name: str, base: QColor) -> QColor:
    key = (name, base.rgb())
    color = _cache.get(key)
    if color is not None:
        return color
    hue = zlib.crc32(name.encode("utf-8", "surrogatepass")) % 360
    dark_base = relative_luminance(base) < 0.5
    lightness = 0.75 if dark_base else 0.35
    step = 0.03 if dark_base else -0.03
    color = QColor.fromHslF(hue / 360, 0.65, lightness)
    while contrast_ratio(color, base) < MIN_CONTRAST and 0.0 < lightness < 1.0:
        lightness = min(1.0, max(0.0, lightness + step))
        color = QColor.fromHslF(hue / 360, 0.65, lightness)
    if len(_cache) > 4096:
        _cache.clear()
    _cache[key] = color
    return color
