"""What the message being written will look like once sent, on request.

A one-row list painted by the same `MessageDelegate` as the conversation,
so the preview is the message as the list will draw it: formatted
(Markdown, protocol/markup.py) when the user's setting says so, as typed
otherwise. Read-only, never focused; the window shows it above the message
box while its preview button is down and feeds it the text as it changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.ui.message_delegate import MessageDelegate
from desktop_chat.ui.message_model import Role

MAX_HEIGHT_LINES = 8  # taller previews scroll


class FormatPreview(QListView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formatPreview")
        self._rows = QStandardItemModel(self)
        self.setModel(self._rows)
        self.delegate = MessageDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMaximumHeight(self.fontMetrics().lineSpacing() * MAX_HEIGHT_LINES)
        self.message: Message | None = None

    def show_text(self, text: str, formatted: bool, room: str = "") -> None:
        """Preview `text` as it will be sent: formatted or as typed."""
        self.message = Message(text=text, kind=Kind.OWN, room=room, formatted=formatted)
        item = QStandardItem()
        item.setData(self.message, int(Role.MESSAGE))
        item.setEditable(False)
        self._rows.clear()
        if text.strip():
            self._rows.appendRow(item)
