"""The window on screen before anything it does not need to be drawn.

At start the window is made, given its language, theme, font and place,
and shown; the loop lets Qt paint it; only then are the client, the
network libraries, the history, the accounts and a hosted server loaded
and started (app/run.py). Importing python-socketio and aiohttp alone
takes about as long as a bare PySide6 window takes to appear, so the
window no longer waits for them (issue #23: first paint at most 1.15 times
a bare window's).

Only Qt, the window's own modules and the settings are imported here.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

from desktop_chat.app.settings import Settings
from desktop_chat.ui.i18n import Translations, choose_language
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_model import MessageModel
from desktop_chat.ui.theme import ThemeManager

# Longest wait for the first paint before the rest starts anyway (a window
# that is not drawn, e.g. on a display that never exposes it).
PAINT_WAIT = 0.25


@dataclass(slots=True)
class WindowLook:
    """What the window looks like, set on the application before the window is
    drawn: its language, theme and font (Desktop keeps them up to date)."""

    translations: Translations
    theme: ThemeManager
    default_font: QFont  # the platform's, before the settings' size

    @classmethod
    def apply(cls, app: QApplication, settings: Settings, language: str | None) -> WindowLook:
        translations = Translations(app)
        translations.apply(choose_language(language, settings.language))
        theme = ThemeManager(app)
        theme.apply(settings.theme)
        look = cls(translations, theme, QFont(app.font()))
        look.set_font_size(app, settings.font_size)
        return look

    def set_font_size(self, app: QApplication, size: int) -> None:
        font = QFont(self.default_font)
        if size > 0:
            font.setPointSize(size)
        app.setFont(font)


def restore_geometry(window: MainWindow, settings: Settings) -> None:
    """The window's size, place and splitters as they were left."""
    if settings.geometry:
        window.restoreGeometry(QByteArray(base64.b64decode(settings.geometry)))
    if settings.window_state:
        window.restoreState(QByteArray(base64.b64decode(settings.window_state)))
    for splitter in window.findChildren(QSplitter):
        state = settings.splitters.get(splitter.objectName())
        if state and splitter.objectName():
            splitter.restoreState(QByteArray(base64.b64decode(state)))


class _Painted(QObject):
    """Resolves a future at the first paint of a widget (or of any widget in it)."""

    def __init__(self, done: asyncio.Future[None]) -> None:
        super().__init__()
        self._done = done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done.done():
            self._done.set_result(None)
        return False


async def painted(window: QWidget, timeout: float = PAINT_WAIT) -> None:
    """Return once Qt has painted `window` (its first paint event), or after
    `timeout`: what comes next runs on the same thread and would hold the
    paint back."""
    app = QApplication.instance()
    assert app is not None
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watch = _Painted(done)
    app.installEventFilter(watch)  # the window's children paint first, or alone
    try:
        await asyncio.wait_for(asyncio.shield(done), timeout)
    except TimeoutError:
        pass
    finally:
        app.removeEventFilter(watch)


def show_window(
    app: QApplication, settings: Settings, language: str | None
) -> tuple[MainWindow, WindowLook]:
    """The real window, in its language, theme, font and place, shown (empty:
    the session fills it once it is drawn)."""
    look = WindowLook.apply(app, settings, language)
    window = MainWindow(MessageModel())
    window.set_format_messages(settings.format_messages)
    restore_geometry(window, settings)
    window.show()
    return window, look
