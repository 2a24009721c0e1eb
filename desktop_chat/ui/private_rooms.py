"""New private room… and Invite…: the sidebar's menu on a server with accounts
(issue #24, docs/protocol.md "Accounts and private rooms").

`PrivateRoomActions` adds a context menu to the conversation list (its rows:
"Invite to #room…" on a private room; "New private room…" everywhere) and
emits intents; the dialogs ask and stay open until the server answers, a
refusal said in words beside the field (`refused`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QWidget,
)

from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.conversation_list_model import ConversationRole
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate


def refusal_text(code: str, room: str, name: str = "") -> str:
    """A refused create or invite, in words (its code: docs/protocol.md)."""
    room_shown = f"#{display_text(room)}"
    if code == "exists":
        return fill(
            translate(
                "PrivateRooms", "%1 is private already: ask one of its members to invite you."
            ),
            room_shown,
        )
    if code == "room-in-use":
        return fill(
            translate(
                "PrivateRooms",
                "%1 is a public room in use: pick another name for the private room.",
            ),
            room_shown,
        )
    if code == "no-account":
        return fill(
            translate("PrivateRooms", "There is no account named %1 on this server."),
            display_text(name),
        )
    if code == "not-a-member":
        return fill(translate("PrivateRooms", "Only members of %1 can invite to it."), room_shown)
    if code == "rate":
        return translate("PrivateRooms", "Too many at once: wait a moment and try again.")
    if code in ("offline", "timeout"):
        return translate("PrivateRooms", "Not connected to the server: try again once connected.")
    if code == "signin-required":
        return translate("PrivateRooms", "This server has no accounts, so it has no private rooms.")
    return translate("PrivateRooms", "The server would not do that: check the names and try again.")


class PrivateRoomDialog(QDialog):
    """New private room: its name and the accounts to have in it."""

    create_requested = Signal(str, list)  # room, member names

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("privateRoomDialog")
        self.room = QLineEdit()
        self.room.setObjectName("privateRoomName")
        self.room.setMaxLength(128)
        self.members = QLineEdit()
        self.members.setObjectName("privateRoomMembers")
        self.problem = QLabel()
        self.problem.setObjectName("privateRoomProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._room_label, self._members_label = QLabel(), QLabel()
        form = QFormLayout(self)
        form.addRow(self._room_label, self.room)
        form.addRow(self._members_label, self.members)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self._ask)
        self.buttons.rejected.connect(self.reject)
        self.setWindowTitle(self.tr("New private room"))
        self._room_label.setText(self.tr("Room:"))
        self._members_label.setText(self.tr("Members:"))
        self.members.setPlaceholderText(self.tr("Account names, separated by commas"))

    def _ask(self) -> None:
        room = self.room.text().strip().removeprefix("#").strip()
        if not room:
            return
        names = [n.strip() for n in self.members.text().replace(";", ",").split(",")]
        self.buttons.setEnabled(False)
        self.create_requested.emit(room, [n for n in names if n])

    def refused(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)
        self.buttons.setEnabled(True)


class InviteDialog(QDialog):
    """Invite to #room: the name of the account to add."""

    invite_requested = Signal(str, str)  # room, account name

    def __init__(self, room: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inviteDialog")
        self.target = room
        self.name = QLineEdit()
        self.name.setObjectName("inviteName")
        self.name.setMaxLength(64)
        self.problem = QLabel()
        self.problem.setObjectName("inviteProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._name_label = QLabel(self.tr("Account:"))
        form = QFormLayout(self)
        form.addRow(self._name_label, self.name)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self._ask)
        self.buttons.rejected.connect(self.reject)
        self.setWindowTitle(fill(self.tr("Invite to %1"), f"#{display_text(room)}"))

    def _ask(self) -> None:
        name = self.name.text().strip().removeprefix("@").strip()
        if name:
            self.buttons.setEnabled(False)
            self.invite_requested.emit(self.target, name)

    def refused(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)
        self.buttons.setEnabled(True)


class PrivateRoomActions(QObject):
    """The conversation list's menu on a server with accounts."""

    create_requested = Signal(str, list)  # room, member names
    invite_requested = Signal(str, str)  # room, account name

    def __init__(self, rooms: QListView, parent: QWidget) -> None:
        super().__init__(parent)
        self._list = rooms
        self._window = parent
        self.available = False  # the account shown is on a server with accounts
        self.create_dialog: PrivateRoomDialog | None = None
        self.invite_dialog: InviteDialog | None = None
        rooms.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        rooms.customContextMenuRequested.connect(self._popup)

    def set_available(self, available: bool) -> None:
        self.available = available
        if not available:
            for dialog in (self.create_dialog, self.invite_dialog):
                if dialog is not None:
                    dialog.reject()

    def menu(self, room: str | None) -> QMenu | None:
        """The menu of a row (`room`; None: below the rows), or None without accounts."""
        if not self.available:
            return None
        menu = QMenu(self._list)
        menu.setObjectName("conversationMenu")
        new = menu.addAction(self.tr("New private room…"))
        new.setObjectName("newPrivateRoomAction")
        new.triggered.connect(self.new_room)
        if room:
            private = self._is_private(room)
            invite = menu.addAction(fill(self.tr("Invite to %1…"), f"#{display_text(room)}"))
            invite.setObjectName("inviteAction")
            invite.setEnabled(private)
            invite.triggered.connect(lambda: self.invite(room))
        return menu

    def _is_private(self, room: str) -> bool:
        model = self._list.model()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(ConversationRole.ROOM) == room:
                return bool(index.data(ConversationRole.PRIVATE))
        return False

    def _popup(self, pos: QPoint) -> None:
        index = self._list.indexAt(pos)
        room = index.data(ConversationRole.ROOM) if index.isValid() else None
        menu = self.menu(room if isinstance(room, str) else None)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self._list.viewport().mapToGlobal(pos))

    def new_room(self) -> None:
        if self.create_dialog is None:
            self.create_dialog = PrivateRoomDialog(self._window)
            self.create_dialog.create_requested.connect(self.create_requested)
        self.create_dialog.problem.setVisible(False)
        self.create_dialog.buttons.setEnabled(True)
        self.create_dialog.open()

    def invite(self, room: str) -> None:
        if self.invite_dialog is not None:
            self.invite_dialog.deleteLater()
        self.invite_dialog = InviteDialog(room, self._window)
        self.invite_dialog.invite_requested.connect(self.invite_requested)
        self.invite_dialog.open()

    def answered(self, kind: str, room: str, code: str, name: str = "") -> None:
        """The server's answer to a create (`kind` "create") or invite: the dialog
        closes, or says why not beside its field."""
        dialog = self.create_dialog if kind == "create" else self.invite_dialog
        if dialog is None:
            return
        if not code:
            dialog.accept()
            return
        dialog.refused(refusal_text(code, room, name))
