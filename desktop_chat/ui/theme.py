"""Light and dark: the system's scheme, or the user's choice, as a palette.

"system" leaves the platform's style and palette alone and follows its
colour scheme (`QStyleHints.colorScheme`, `colorSchemeChanged`); "light"
and "dark" set the Fusion style (the one style that draws every control
from the palette on every platform) with a palette made here. Every colour
the message delegate paints comes from the palette (`message_colors`), so
both schemes are readable; `contrast_ratio` is WCAG 2's formula, used by
the tests on the actual colours.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyleFactory

from desktop_chat.ui.contrast import contrast_ratio, relative_luminance
from desktop_chat.ui.outlined_style import OutlinedStyle
from desktop_chat.ui.sender_color import sender_color as name_color

_R = QPalette.ColorRole
_G = QPalette.ColorGroup

# (role, light, dark): the two palettes the explicit choices use.
_ROLES: tuple[tuple[QPalette.ColorRole, str, str], ...] = (
    (_R.Window, "#f3f3f3", "#202124"),
    (_R.WindowText, "#1a1a1a", "#e8e8e8"),
    (_R.Base, "#ffffff", "#17181a"),
    (_R.AlternateBase, "#e9edf2", "#2a2c30"),
    (_R.Text, "#1a1a1a", "#e8e8e8"),
    (_R.PlaceholderText, "#5c5f66", "#a9adb4"),
    (_R.Button, "#e6e6e6", "#303236"),
    (_R.ButtonText, "#1a1a1a", "#e8e8e8"),
    (_R.BrightText, "#ffffff", "#ffffff"),
    (_R.Highlight, "#1f5fbf", "#5b9cf2"),
    (_R.HighlightedText, "#ffffff", "#0b0c0e"),
    (_R.Link, "#0b57d0", "#8ab4f8"),
    (_R.LinkVisited, "#6a3fb5", "#c58af9"),
    (_R.ToolTipBase, "#ffffe1", "#303236"),
    (_R.ToolTipText, "#1a1a1a", "#e8e8e8"),
    (_R.Light, "#ffffff", "#45484d"),
    (_R.Midlight, "#dcdcdc", "#3a3c40"),
    (_R.Mid, "#a0a0a0", "#55585e"),
    (_R.Dark, "#8a8a8a", "#151618"),
    (_R.Shadow, "#505050", "#000000"),
    (_R.Accent, "#1f5fbf", "#5b9cf2"),
)


def palette_for(dark: bool) -> QPalette:
    palette = QPalette()
    for role, light_color, dark_color in _ROLES:
        palette.setColor(role, QColor(dark_color if dark else light_color))
    disabled = QColor("#8a8d93" if not dark else "#6f737a")
    for role in (_R.WindowText, _R.Text, _R.ButtonText):
        palette.setColor(_G.Disabled, role, disabled)
    return palette


def is_dark(palette: QPalette) -> bool:
    return palette.color(_R.Window).lightness() < 128


def blend(top: QColor, bottom: QColor) -> QColor:
    """`top` (with its alpha) painted over opaque `bottom`: the colour one sees."""
    alpha = top.alphaF()
    return QColor.fromRgbF(
        top.redF() * alpha + bottom.redF() * (1 - alpha),
        top.greenF() * alpha + bottom.greenF() * (1 - alpha),
        top.blueF() * alpha + bottom.blueF() * (1 - alpha),
    )


def readable_on(color: QColor, background: QColor, minimum: float = 4.5) -> QColor:
    """`color`, moved toward black or white until it reads on `background`."""
    result = QColor(color)
    toward = QColor("#000000") if relative_luminance(background) > 0.2 else QColor("#ffffff")
    step = 0
    while contrast_ratio(result, background) < minimum and step < 20:
        step += 1
        mix = step / 20
        result = QColor.fromRgbF(
            color.redF() * (1 - mix) + toward.redF() * mix,
            color.greenF() * (1 - mix) + toward.greenF() * mix,
            color.blueF() * (1 - mix) + toward.blueF() * mix,
        )
    return result


@dataclass(frozen=True, slots=True)
class MessageColors:
    """What a message is painted in, all derived from one palette."""

    own: QColor  # bubble of our messages (translucent highlight)
    other: QColor  # bubble of others' messages
    selected: QColor
    text: QColor
    muted: QColor  # headers and system lines
    failed: QColor  # header of a message that failed
    link: QColor
    badge: QColor  # unread badge background
    badge_text: QColor
    mention: QColor  # bubble of others' messages that mention the user (translucent accent)
    mention_bar: QColor  # the bar left of it: the accent, 3:1 on the base at least
    own_bar: QColor  # the bar right of one's own messages: the highlight, 3:1 on the base


def message_colors(palette: QPalette) -> MessageColors:
    """The delegate's and the tray badge's colours, readable on this palette:
    text colours are nudged until they reach 4.5:1 on the bubble they sit on."""
    base = palette.color(_R.Base)
    highlight = palette.color(_R.Highlight)
    own = QColor(highlight)
    own.setAlpha(56)  # one's own stand apart (with their bar, own_bar)
    selected = QColor(highlight)
    selected.setAlpha(90)
    other = QColor(palette.color(_R.AlternateBase))
    accent = palette.color(_R.Accent)
    mention = QColor(accent)
    mention.setAlpha(64)  # stronger than our own (56), lighter than selected (90)
    bubbles = [blend(own, base), other, blend(selected, base), blend(mention, base), base]
    darkest = min(bubbles, key=lambda c: contrast_ratio(c, palette.color(_R.Text)))

    def on_bubbles(color: QColor) -> QColor:
        if color.alpha() < 255:  # e.g. Fusion's placeholder: half-transparent text
            color = blend(color, base)
        for bubble in bubbles:
            color = readable_on(color, bubble)
        return readable_on(color, darkest)

    red = QColor("#ff8a80") if is_dark(palette) else QColor("#b3261e")
    badge = QColor("#b3261e")
    return MessageColors(
        own=own,
        other=other,
        selected=selected,
        text=on_bubbles(palette.color(_R.Text)),
        muted=on_bubbles(palette.color(_R.PlaceholderText)),
        failed=on_bubbles(red),
        link=on_bubbles(palette.color(_R.Link)),
        badge=badge,
        badge_text=readable_on(QColor("#ffffff"), badge),
        mention=mention,
        mention_bar=readable_on(accent, base, 3.0),
        own_bar=readable_on(highlight, blend(own, base), 3.0),
    )


def sender_color(name: str, palette: QPalette) -> QColor:
    """A sender's colour (ui/sender_color.py: the hue from the name, readable
    on the base), nudged further where needed to read on the bubbles of
    others' messages in this palette, selected, mentioning the user or not."""
    base = palette.color(_R.Base)
    color = name_color(name, base)
    colors = message_colors(palette)
    for background in (
        colors.other,
        blend(colors.selected, base),
        blend(colors.mention, base),
        base,
    ):
        color = readable_on(color, background)
    return color


class ThemeManager(QObject):
    """Applies the user's theme choice and follows the system's scheme under "system"."""

    changed = Signal()

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        style = app.style()
        if isinstance(style, QProxyStyle):  # ours (OutlinedStyle), from another window
            style = style.baseStyle()
        self._system_style = style.name()
        self.choice = "system"
        self._scheme = QGuiApplication.styleHints().colorScheme()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)
        self._following = True

    def apply(self, choice: str) -> None:
        self.choice = choice if choice in ("light", "dark") else "system"
        if self.choice == "system":
            self._app.setStyle(self._system_style)
            # A palette with nothing set gives the platform's own back.
            self._app.setPalette(QPalette())
            if self._scheme == Qt.ColorScheme.Dark and not is_dark(self._app.palette()):
                # The platform says dark but its theme has no dark palette (plain X11).
                self._app.setPalette(palette_for(dark=True))
        else:
            fusion = QStyleFactory.create("Fusion")
            palette = palette_for(dark=self.choice == "dark")
            if fusion is not None:
                # Fusion, with edges on text fields and check boxes one can see.
                self._app.setStyle(OutlinedStyle(fusion, palette))
            self._app.setPalette(palette)
        self.changed.emit()

    def dark(self) -> bool:
        return is_dark(self._app.palette())

    def stop_following(self) -> None:
        """A closed window's manager no longer follows the system's scheme (it is
        the application's child and outlives the window)."""
        if self._following:
            self._following = False
            QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._scheme_changed)

    def _scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self._scheme = scheme
        if self.choice == "system":
            self.apply("system")
