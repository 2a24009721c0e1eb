"""The line above the message box while the user answers or edits a line.

What the next Enter does is the window's state, shown here so that it is
never a surprise: "Replying to alice: …" or "Editing your message", with a
button (and Esc) that goes back to writing a new message. The line itself
is a plain-text label: a quoted stranger's text is never rich text.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop_chat.protocol.messages import Kind, Message, display_text, first_line
from desktop_chat.ui.tr import fill


class Mode(Enum):
    NEW = "new"
    REPLY = "reply"
    EDIT = "edit"


class ComposeBar(QWidget):
    """Shows what the message box is for; `cancelled` when the user goes back."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composeBar")
        self.mode = Mode.NEW
        self.message: Message | None = None  # the line answered or edited
        self.label = QLabel()
        self.label.setObjectName("composeLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setMinimumWidth(40)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("composeCancel")
        self.cancel_button.setText("✕")
        self.cancel_button.clicked.connect(self.cancelled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)
        self._retranslate()

    def start(self, mode: Mode, message: Message) -> None:
        self.mode, self.message = mode, message
        self._retranslate()
        self.setVisible(True)

    def stop(self) -> None:
        self.mode, self.message = Mode.NEW, None
        self.setVisible(False)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()

    def _retranslate(self) -> None:
        self.cancel_button.setToolTip(self.tr("Cancel (Esc)"))
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        message = self.message
        if message is None:
            self.label.clear()
            return
        first = display_text(first_line(message.text, 120))
        if self.mode is Mode.EDIT:
            text = self.tr("Editing your message (Enter saves, Esc cancels)")
        else:
            who = self.tr("yourself") if message.kind is Kind.OWN else display_text(message.sender)
            text = fill(self.tr("Replying to %1: %2"), who, first)
        metrics = self.label.fontMetrics()
        self.label.setToolTip("")
        self.label.setText(
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(200, self.width() - 40))
        )


def changes_unsupported_text() -> str:
    """Why a line cannot be edited here (Up in an empty box, on such a server)."""
    return QCoreApplication.translate(
        "ComposeBar",
        "This server cannot carry edits, deletions or reactions; only replies, as quoted text.",
    )


def answered_not_kept_text() -> str:
    """A reply's quote was clicked, and the line it answers is not kept here."""
    return QCoreApplication.translate("ComposeBar", "The message answered is no longer kept here.")
