"""The conversation as a Qt list model.

Rows are `Message` records, appended in batches (one begin/end pair per
burst, not per message) so that a flood costs one relayout per batch.
Own messages are found by id for delivery updates, which change one row
with `dataChanged` on the state role only.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop_chat.core.messages import DeliveryState, Kind, Message

_Index = QModelIndex | QPersistentModelIndex

STATE_LABELS = {
    DeliveryState.PENDING: "pending",
    DeliveryState.SENT: "sent",
    DeliveryState.DELIVERED: "delivered",
    DeliveryState.FAILED: "failed",
}


class Role(IntEnum):
    MESSAGE = Qt.ItemDataRole.UserRole + 1
    KIND = Qt.ItemDataRole.UserRole + 2
    STATE = Qt.ItemDataRole.UserRole + 3
    HEADER = Qt.ItemDataRole.UserRole + 4


def format_time(ts: float) -> str:
    return time.strftime("%H:%M", time.localtime(ts))


def header_text(message: Message) -> str:
    """The small line above a message: who, where, when, and its state."""
    if message.kind is Kind.SYSTEM:
        return format_time(message.ts)
    who = "You" if message.kind is Kind.OWN else (message.sender or "Someone")
    where = f"in #{message.room}" if message.room else "to everyone"
    if message.kind is Kind.OTHER and not message.room:
        where = ""
    parts = [who, where, format_time(message.ts)]
    if message.state is not None:
        label = STATE_LABELS[message.state]
        if message.state is DeliveryState.FAILED and message.error:
            label = f"failed: {message.error}"
        parts.append(label)
    return " · ".join(p for p in parts if p)


class MessageModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Message] = []
        self._row_of: dict[str, int] = {}  # own message id -> row

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        message = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return message.text
        if role == Role.MESSAGE:
            return message
        if role == Role.KIND:
            return message.kind.value
        if role == Role.STATE:
            return message.state.value if message.state else None
        if role == Role.HEADER:
            return header_text(message)
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_text(message)
        return None

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({Role.MESSAGE: b"message", Role.KIND: b"kind", Role.STATE: b"state"})
        names[Role.HEADER] = b"header"
        return names

    def append(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(messages) - 1)
        for offset, message in enumerate(messages):
            self._rows.append(message)
            if message.kind is Kind.OWN:
                self._row_of[message.id] = first + offset
        self.endInsertRows()

    def update_state(self, message: Message) -> None:
        row = self._row_of.get(message.id)
        if row is None:
            return
        self._rows[row] = message
        index = self.index(row)
        self.dataChanged.emit(index, index, [Role.STATE, Role.HEADER])

    def message_at(self, row: int) -> Message:
        return self._rows[row]

    def messages(self) -> list[Message]:
        return list(self._rows)
