"""The sidebar's rows: "Everyone" and each joined room, with its unread count
and, apart, how many of those mention the user: "#garden  (5, @1)" (the
screen reader's text says it in words: "5 unread messages, 1 mention").

A plain list model so that the sidebar (a QListView), the Ctrl+K switcher
(a filter proxy over it) and tests read the same rows. Room names come from
the user or a server, so the shown name goes through `display_text`:
control and bidi characters are drawn visibly, never obeyed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QObject, Qt

from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.message_model import _Index

EVERYONE = ""  # the room key of the conversation with everyone connected
_NAME_SHOWN = 60  # characters of a room name shown in the sidebar (the tooltip has it all)


class ConversationRole(IntEnum):
    ROOM = Qt.ItemDataRole.UserRole + 1  # the room key ("" = everyone)
    UNREAD = Qt.ItemDataRole.UserRole + 2  # messages from others not yet seen
    TITLE = Qt.ItemDataRole.UserRole + 3  # the name without the count
    MENTIONS = Qt.ItemDataRole.UserRole + 4  # of the unread, those that mention the user
    PRIVATE = Qt.ItemDataRole.UserRole + 5  # a private room (members only, issue #24)


LOCK = "🔒"  # before a private room's name


@dataclass(slots=True)
class ConversationRow:
    room: str


def conversation_title(room: str) -> str:
    """What a conversation is called in the window (shortened, visible characters)."""
    if room == EVERYONE:
        return QCoreApplication.translate("Conversations", "Everyone")
    shown = display_text(room)
    if len(shown) > _NAME_SHOWN:
        shown = shown[: _NAME_SHOWN - 1] + "…"
    return f"#{shown}"


class ConversationListModel(QAbstractListModel):
    """Rows in sidebar order: "Everyone" first, then rooms in the order joined."""

    def __init__(
        self,
        parent: QObject | None = None,
        unread: Callable[[str], int] = lambda room: 0,
        mentions: Callable[[str], int] = lambda room: 0,
    ) -> None:
        super().__init__(parent)
        self._rows: list[ConversationRow] = [ConversationRow(EVERYONE)]
        # The unread counts are the account's (accounts/conversation_state.py): read, not kept.
        self._unread_of = unread
        self._mentions_of = mentions
        self._private: set[str] = set()  # the private rooms (the server's `private-rooms`)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title = self._title(row.room)
            unread = self._unread_of(row.room)
            if not unread:
                return title
            mentions = self._mentions_of(row.room)
            return f"{title}  ({unread}, @{mentions})" if mentions else f"{title}  ({unread})"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(row.room)
        if role == ConversationRole.TITLE:
            return self._title(row.room)
        if role == ConversationRole.PRIVATE:
            return row.room in self._private
        if role == Qt.ItemDataRole.ToolTipRole:
            return display_text(row.room) if row.room else None
        if role == ConversationRole.ROOM:
            return row.room
        if role == ConversationRole.UNREAD:
            return self._unread_of(row.room)
        if role == ConversationRole.MENTIONS:
            return self._mentions_of(row.room)
        return None

    def _accessible(self, room: str) -> str:
        """The row in words: "#garden, 5 unread messages, 1 mention"."""
        words = [conversation_title(room)]
        if room in self._private:
            words.append(self.tr("private room"))
        unread = self._unread_of(room)
        if unread:
            words.append(self.tr("%n unread message(s)", "", unread))
            mentions = self._mentions_of(room)
            if mentions:
                words.append(self.tr("%n mention(s)", "", mentions))
        return ", ".join(words)

    def _title(self, room: str) -> str:
        title = conversation_title(room)
        return f"{LOCK} {title}" if room in self._private else title

    # ---- changes --------------------------------------------------------------

    def set_private(self, rooms: set[str]) -> None:
        """Which rooms are private: their rows get the lock."""
        changed = rooms ^ self._private
        self._private = set(rooms)
        for room in changed:
            self.unread_changed(room)

    def rooms(self) -> list[str]:
        return [row.room for row in self._rows]

    def row_of(self, room: str) -> int:
        for number, row in enumerate(self._rows):
            if row.room == room:
                return number
        return -1

    def add(self, room: str) -> int:
        """Add a room at the end (if new); returns its row."""
        found = self.row_of(room)
        if found >= 0:
            return found
        end = len(self._rows)
        self.beginInsertRows(QModelIndex(), end, end)
        self._rows.append(ConversationRow(room))
        self.endInsertRows()
        return end

    def remove(self, room: str) -> None:
        """Take a room off the list ("Everyone" always stays)."""
        found = self.row_of(room)
        if found <= 0:
            return
        self.beginRemoveRows(QModelIndex(), found, found)
        del self._rows[found]
        self.endRemoveRows()

    def unread(self, room: str) -> int:
        return self._unread_of(room) if self.row_of(room) >= 0 else 0

    def unread_changed(self, room: str) -> None:
        """The count of `room` changed (its owner says): its row is drawn again."""
        found = self.row_of(room)
        if found < 0:
            return
        index = self.index(found)
        self.dataChanged.emit(
            index,
            index,
            [
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.AccessibleTextRole,
                ConversationRole.UNREAD,
                ConversationRole.MENTIONS,
                ConversationRole.TITLE,
                ConversationRole.PRIVATE,
            ],
        )
