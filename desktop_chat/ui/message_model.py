"""The conversation as a Qt list model.

The model keeps the whole conversation but shows the view only a window
of its newest rows: a QListView with rows of varying height lays out
every row again on each insert, so the cost of an insert grows with the
rows the view can see. While the user follows the conversation the window
is trimmed to `WINDOW` rows; scrolling to the top pages older messages
back in (`load_older`).

Rows are appended in batches (one begin/end pair per burst). Own messages
are found by id for delivery updates, which change one row with
`dataChanged` on the state roles only.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop_chat.core.messages import DeliveryState, Kind, Message

_Index = QModelIndex | QPersistentModelIndex

WINDOW = 500  # rows shown while following the newest messages
PAGE = 500  # rows paged back in when the user scrolls to the top

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
    if message.room:
        where = f"in #{message.room}"
    else:
        where = "to everyone" if message.kind is Kind.OWN else ""
    parts = [who, where, format_time(message.ts)]
    if message.state is not None:
        label = STATE_LABELS[message.state]
        if message.state is DeliveryState.FAILED and message.error:
            label = f"failed: {message.error}"
        parts.append(label)
    return " · ".join(p for p in parts if p)


class MessageModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None, window: int = WINDOW) -> None:
        super().__init__(parent)
        self.window = window
        self._all: list[Message] = []
        self._start = 0  # index in _all of row 0
        self._position: dict[str, int] = {}  # own message id -> index in _all
        self.following = True  # set by the view: trim only while at the newest

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._all) - self._start

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._all) - self._start:
            return None
        message = self._all[self._start + row]
        if role == Role.MESSAGE:
            return message
        if role == Qt.ItemDataRole.DisplayRole:
            return message.text
        if role == Role.KIND:
            return message.kind.value
        if role == Role.STATE:
            return message.state.value if message.state else None
        if role in (Role.HEADER, Qt.ItemDataRole.ToolTipRole):
            return header_text(message)
        return None

    def append(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        first = self.rowCount()
        self.beginInsertRows(QModelIndex(), first, first + len(messages) - 1)
        base = len(self._all)
        self._all.extend(messages)
        for offset, message in enumerate(messages):
            if message.kind is Kind.OWN:
                self._position[message.id] = base + offset
        self.endInsertRows()
        if self.following:
            self._trim()

    def _trim(self) -> None:
        excess = self.rowCount() - self.window
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            self._start += excess
            self.endRemoveRows()

    def has_older(self) -> bool:
        return self._start > 0

    def load_older(self, count: int = PAGE) -> int:
        """Page up to `count` older messages back in at the top; returns how many."""
        count = min(count, self._start)
        if count:
            self.beginInsertRows(QModelIndex(), 0, count - 1)
            self._start -= count
            self.endInsertRows()
        return count

    def update_state(self, message: Message) -> None:
        position = self._position.get(message.id)
        if position is None:
            return
        self._all[position] = message
        row = position - self._start
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Role.STATE, Role.HEADER])

    def message_at(self, row: int) -> Message:
        return self._all[self._start + row]

    def message_count(self) -> int:
        return len(self._all)

    def messages(self) -> list[Message]:
        """The whole conversation, shown or not."""
        return list(self._all)
