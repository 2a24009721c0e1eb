"""The accounts of the window, as the sidebar's rail shows them: each with its
name, server, connection state and the unread total of its conversations.

Rows are set by the session (app/session.py), which observes each account;
the rail (a QListView) and the Ctrl+1…9 shortcuts read them. Names and
addresses are a user's or a server's text: shown through `display_text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QObject, Qt

from desktop_chat.client.status import ConnectionState
from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.message_model import _Index
from desktop_chat.ui.tr import fill

_SHOWN = 40  # characters of an account's name or server shown (the tooltip has all)


class AccountRole(IntEnum):
    ACCOUNT = Qt.ItemDataRole.UserRole + 1  # the account's id
    UNREAD = Qt.ItemDataRole.UserRole + 2  # others' messages not seen, in all its conversations
    STATE = Qt.ItemDataRole.UserRole + 3  # its ConnectionState's value
    NAME = Qt.ItemDataRole.UserRole + 4  # the name it speaks with, whole
    SERVER = Qt.ItemDataRole.UserRole + 5  # its server's address, whole
    PROFILE = Qt.ItemDataRole.UserRole + 6  # how its server speaks (the profile's name)
    HOSTING = Qt.ItemDataRole.UserRole + 7  # this window hosts its server for this computer


@dataclass(slots=True)
class AccountRow:
    id: str
    name: str
    server: str
    state: ConnectionState = ConnectionState.OFFLINE
    unread: int = 0
    profile: str = ""
    hosting: bool = False


def _short(text: str) -> str:
    shown = display_text(text)
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"


def _host(url: str) -> str:
    """An address without its scheme, as the rail shows it (the tooltip has it all)."""
    return url.split("://", 1)[-1]


def state_word(state: ConnectionState) -> str:
    words = {
        ConnectionState.CONNECTED: QCoreApplication.translate("Accounts", "connected"),
        ConnectionState.CONNECTING: QCoreApplication.translate("Accounts", "connecting…"),
        ConnectionState.RECONNECTING: QCoreApplication.translate("Accounts", "reconnecting…"),
        ConnectionState.OFFLINE: QCoreApplication.translate("Accounts", "offline"),
    }
    return words.get(state, state.value)


class AccountListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AccountRow] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = _short(row.name)
            first = f"{name}  ({row.unread})" if row.unread else name
            return f"{first}\n{state_word(row.state)} · {_short(_host(row.server))}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return fill(
                QCoreApplication.translate("Accounts", "%1 on %2 (%3)"),
                display_text(row.name),
                display_text(row.server),
                state_word(row.state),
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return fill(
                QCoreApplication.translate("Accounts", "%1 on %2, %3, unread: %4"),
                display_text(row.name),
                display_text(row.server),
                state_word(row.state),
                row.unread,
            )
        if role == AccountRole.ACCOUNT:
            return row.id
        if role == AccountRole.UNREAD:
            return row.unread
        if role == AccountRole.STATE:
            return row.state.value
        if role == AccountRole.NAME:
            return row.name
        if role == AccountRole.SERVER:
            return row.server
        if role == AccountRole.PROFILE:
            return row.profile
        if role == AccountRole.HOSTING:
            return row.hosting
        return None

    # ---- what the session sets -------------------------------------------------

    def row_of(self, account: str) -> int:
        for number, row in enumerate(self._rows):
            if row.id == account:
                return number
        return -1

    def set_accounts(self, rows: list[AccountRow]) -> None:
        """All rows anew (an account added, removed or moved)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update(self, account: str, **changes: object) -> None:
        found = self.row_of(account)
        if found < 0:
            return
        row = self._rows[found]
        changed = False
        for key, value in changes.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
        if changed:
            index = self.index(found)
            self.dataChanged.emit(index, index)

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))
