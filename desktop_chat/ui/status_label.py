"""The status line of the window (split from main_window.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel


class StatusLabel(QLabel):
    """One line of status that never hides behind the buttons next to it.

    The status is often wider than the space left of "Go offline" at the
    default width ("Connected as <sid> to <url> over websocket · hosting
    ..."); it is elided at the end to what fits, and the whole of it is the
    tooltip. `text()` is the whole status (what was set), `shown_text()`
    what is drawn.
    """

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Let the status bar shrink it below its text's width; it elides instead.
        self.setMinimumWidth(1)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        if shown != super().text():
            super().setText(shown)
