"""The status line of the window (split from main_window.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel


class StatusLabel(QLabel):
    """One line of status that never hides behind the buttons next to it.

    It says the status in words for people ("Connected", "Reconnecting in
    4 s…"), elided at the end if the window is narrow; the details ("Connected
    as <sid> to <url> over websocket · hosting ...") are its tooltip.
    `text()` is what is drawn, as for any QLabel (so a test reads what a
    user reads), `summary()` the words before eliding, `details()` the
    tooltip's whole status.
    """

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._details = ""
        self._summary = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Let the status bar shrink it below its text's width; it elides instead.
        self.setMinimumWidth(1)
        self.setText(text)

    def setText(self, text: str) -> None:
        self.set_status(text, text)

    def set_status(self, summary: str, details: str) -> None:
        self._summary = summary
        self._details = details
        self.setToolTip(details)
        self._elide()

    def summary(self) -> str:
        """The status in words for people, whole (what is drawn, before eliding)."""
        return self._summary

    def details(self) -> str:
        """The whole status: ids, address, transport, hosting (the tooltip)."""
        return self._details

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        shown = self.fontMetrics().elidedText(self._summary, Qt.TextElideMode.ElideRight, room)
        if shown != super().text():
            super().setText(shown)
