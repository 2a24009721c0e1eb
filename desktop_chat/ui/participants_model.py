"""Who is in the conversation shown, as desktop-chat-server lists them:
one row per name, with how many windows (connections) use it.

Names are untrusted text: shown through `display_text` and shortened, the
whole name in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QObject, Qt

from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.message_model import _Index

_SHOWN = 40
NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the name as it is (what `@` completes)


class ParticipantsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._members: list[tuple[str, int]] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._members)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._members):
            return None
        name, windows = self._members[index.row()]
        shown = display_text(name)
        if role == Qt.ItemDataRole.DisplayRole:
            short = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"
            if windows > 1:
                return QCoreApplication.translate(
                    "Participants", "{name} ({windows} windows)"
                ).format(name=short, windows=windows)
            return short
        if role == Qt.ItemDataRole.ToolTipRole:
            return shown
        if role == Qt.ItemDataRole.UserRole:
            return windows
        if role == NAME_ROLE:
            return name
        return None

    def set_members(self, members: list[tuple[str, int]]) -> None:
        """Show these members: rows that stay are kept (with their selection),
        others removed or inserted one by one, a changed window count updated."""
        new = sorted(members, key=lambda m: (m[0].casefold(), m[0]))
        if new == self._members:
            return
        names = {name for name, _windows in new}
        for row in reversed(range(len(self._members))):
            if self._members[row][0] not in names:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._members[row]
                self.endRemoveRows()
        # What is left is in the same order as `new`: insert what is missing.
        for row, (name, windows) in enumerate(new):
            if row < len(self._members) and self._members[row][0] == name:
                if self._members[row][1] != windows:
                    self._members[row] = (name, windows)
                    self.dataChanged.emit(self.index(row), self.index(row))
                continue
            self.beginInsertRows(QModelIndex(), row, row)
            self._members.insert(row, (name, windows))
            self.endInsertRows()

    def members(self) -> list[tuple[str, int]]:
        return list(self._members)

    def windows(self) -> int:
        return sum(windows for _name, windows in self._members)
