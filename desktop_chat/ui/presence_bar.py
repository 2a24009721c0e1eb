"""Who is here: the participant count and who is typing, under the conversation.

Shown only for a profile whose server says such things (the chat demo's);
both labels hold server text (names), so they are plain text, never rich.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop_chat.ui.plain import plain_tooltip


class PresenceBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presenceBar")
        self.typing = QLabel()
        self.typing.setObjectName("typingIndicator")
        self.count = QLabel()
        self.count.setObjectName("participantCount")
        for label in (self.typing, self.count):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.typing.setStyleSheet("font-style: italic;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.typing, 1)
        layout.addWidget(self.count)
        self._count = 0

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_count(self._count)  # "3 participants" said in the new language
        super().changeEvent(event)

    def show_count(self, count: int) -> None:
        """The count as the server says it; none is not a count (we are here
        ourselves: the server answered before it had our join)."""
        self._count = count
        if count <= 0:
            self.count.setText("")
            return
        self.count.setText(self.tr("%n participants", "", count))

    def show_typing(self, text: str) -> None:
        # A long name must not widen the window: the label elides instead.
        metrics = self.typing.fontMetrics()
        width = max(80, self.width() - self.count.sizeHint().width() - 12)
        self.typing.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))
        self.typing.setToolTip(plain_tooltip(text) if len(text) > 40 else "")

    def reset(self) -> None:
        self._count = 0
        self.count.setText("")
        self.typing.setText("")
