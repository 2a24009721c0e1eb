"""The conversation sidebar and the Ctrl+K switcher: widgets that emit intents.

The sidebar shows `ConversationListModel` (read only: the session's
`Conversations` changes it); choosing a row asks for that conversation
(`conversation_requested`), the join field asks to join a room, "Leave"
to leave the one shown. Neither touches the client.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.client.status import ConnectionState
from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.account_list_model import AccountListModel, AccountRole, state_word
from desktop_chat.ui.account_menu import AccountMenuActions
from desktop_chat.ui.account_menu import account_menu as build_account_menu
from desktop_chat.ui.conversation_delegate import ConversationDelegate
from desktop_chat.ui.conversation_list_model import (
    EVERYONE,
    ConversationListModel,
    ConversationRole,
)
from desktop_chat.ui.participants_model import ParticipantsModel
from desktop_chat.ui.tr import fill


class Sidebar(QWidget):
    conversation_requested = Signal(str)  # room key ("" = everyone)
    join_requested = Signal(str)  # a room name as typed (trimmed)
    leave_requested = Signal(str)  # the room shown
    account_requested = Signal(str)  # show this account's conversations (its id)
    account_add_requested = Signal()  # "Add account…"
    account_remove_requested = Signal(str)  # an account's id
    account_move_requested = Signal(str, int)  # an account's id, -1 up or +1 down
    signin_requested = Signal(str)  # "Sign in…" (an account's id)
    signout_requested = Signal(str)  # "Sign out": its credentials forgotten

    def __init__(
        self,
        model: ConversationListModel,
        accounts: AccountListModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.model = model
        # The accounts, as a rail above the conversations: shown once there are two.
        self.accounts = accounts if accounts is not None else AccountListModel(self)
        self.account_list = QListView()
        self.account_list.setObjectName("accountList")
        self.account_list.setModel(self.accounts)
        self.account_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.account_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.account_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.account_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.account_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.account_list.setVisible(False)
        # The account shown, over everything: its menu has the server, the
        # profile, Connect / Disconnect and Settings (ui/account_menu.py).
        self.account_button = QToolButton()
        self.account_button.setObjectName("accountButton")
        self.account_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # As narrow as the sidebar gets: its text is cut with "…" (the tooltip has it all).
        self.account_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.account_button.installEventFilter(self)
        self._account_text = ""
        self.account_button.setAutoRaise(True)
        self.menu_actions = AccountMenuActions(self)
        self.menu_actions.move_requested.connect(self.account_move_requested)
        self.menu_actions.remove_requested.connect(self.account_remove_requested)
        # The profiles to offer (name, description): the window's.
        self.profiles: Callable[[], list[tuple[str, str]]] = list
        self.open_menu: QMenu | None = None  # the one open last
        self.add_account_button = QPushButton()
        self.add_account_button.setObjectName("addAccountButton")
        self.add_account_button.setFlat(True)
        self.list = QListView()
        self.list.setObjectName("conversationList")
        self.list.setModel(model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Names at the left, unread counts and mentions as badges at the right.
        self.list.setItemDelegate(ConversationDelegate(self.list))
        self.list.setMouseTracking(True)
        self.room_input = QLineEdit()
        self.room_input.setObjectName("roomInput")
        self.join_button = QPushButton()
        self.join_button.setObjectName("joinButton")
        # Why the last join did not work, under the field it was typed in.
        self.join_problem = QLabel()
        self.join_problem.setObjectName("joinProblem")
        self.join_problem.setTextFormat(Qt.TextFormat.PlainText)  # the server's words
        self.join_problem.setWordWrap(True)
        self.join_problem.setVisible(False)
        self.leave_button = QPushButton()
        self.leave_button.setObjectName("leaveButton")
        self.leave_button.setEnabled(False)
        # Who is in the conversation shown (a server with presence only).
        self.participants = ParticipantsModel(self)
        self.participants_list = QListView()
        self.participants_list.setObjectName("participantsList")
        self.participants_list.setModel(self.participants)
        self.participants_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.participants_list.setVisible(False)
        # Over the list: what it is, and how many.
        self.participants_heading = QLabel()
        self.participants_heading.setObjectName("participantsHeading")
        self.participants_heading.setVisible(False)
        heading_font = self.participants_heading.font()
        heading_font.setBold(True)
        self.participants_heading.setFont(heading_font)
        self.retranslateUi()

        join_row = QHBoxLayout()
        join_row.setContentsMargins(0, 0, 0, 0)
        join_row.addWidget(self.room_input, 1)
        join_row.addWidget(self.join_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.account_button)
        layout.addWidget(self.account_list, 1)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.participants_heading)
        layout.addWidget(self.participants_list, 1)
        self.join_row = QWidget()
        self.join_row.setObjectName("roomRow")
        self.join_row.setLayout(join_row)
        layout.addWidget(self.join_row)
        layout.addWidget(self.join_problem)
        layout.addWidget(self.leave_button)
        layout.addWidget(self.add_account_button)

        self.account_list.clicked.connect(self._account_chosen)
        self.account_list.activated.connect(self._account_chosen)
        self.account_list.customContextMenuRequested.connect(self._account_menu)
        self.account_button.clicked.connect(self.open_account_menu)
        self.add_account_button.clicked.connect(self.account_add_requested)
        for signal in (
            self.accounts.modelReset,
            self.accounts.rowsInserted,
            self.accounts.rowsRemoved,
            self.accounts.dataChanged,
        ):
            signal.connect(self._accounts_changed)
        for signal in (
            self.participants.modelReset,
            self.participants.rowsInserted,
            self.participants.rowsRemoved,
        ):
            signal.connect(self._participants_heading)
        self.list.clicked.connect(self._chosen)
        self.list.activated.connect(self._chosen)
        self.join_button.clicked.connect(self._join)
        self.room_input.returnPressed.connect(self._join)
        self.leave_button.clicked.connect(self._leave)

    def _elide_account_button(self) -> None:
        button = self.account_button
        room = button.width() - 16  # the button's frame and padding
        shown = button.fontMetrics().elidedText(
            self._account_text, Qt.TextElideMode.ElideMiddle, max(room, 20)
        )
        button.setText(shown.replace("&", "&&"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.account_button and event.type() == QEvent.Type.Resize:
            self._elide_account_button()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The texts in the current language (at start and on LanguageChange)."""
        self.room_input.setPlaceholderText(self.tr("Join a room…"))
        self.room_input.setToolTip(self.tr("Type a room's name and press Enter to join it"))
        self.join_button.setText(self.tr("+"))
        self.join_button.setToolTip(self.tr("Join the room named in the field"))
        self.join_button.setFixedWidth(
            self.join_button.fontMetrics().horizontalAdvance(self.join_button.text()) + 24
        )
        self.leave_button.setText(self.tr("Leave room"))
        self.leave_button.setToolTip(self.tr("Leave the room shown; its conversation is hidden"))
        self.participants_list.setToolTip(self.tr("Who is in this conversation now"))
        self.add_account_button.setText(self.tr("Add account…"))
        self.add_account_button.setToolTip(
            self.tr("Chat on another server, or under another name, in this window")
        )
        self.account_list.setAccessibleName(self.tr("Accounts"))
        self.account_button.setAccessibleName(self.tr("Account menu"))
        self._show_account_button()
        self.accounts.retranslate()
        self._participants_heading()
        # Rows titled in the language of the day ("Everyone", "3 windows").
        self.list.viewport().update()
        self.participants_list.viewport().update()

    # ---- accounts -------------------------------------------------------------

    def show_accounts(self, accounts: AccountListModel) -> None:
        """The window's accounts, for the rail (shown once there are two)."""
        for signal in (
            self.accounts.modelReset,
            self.accounts.rowsInserted,
            self.accounts.rowsRemoved,
            self.accounts.dataChanged,
        ):
            signal.disconnect(self._accounts_changed)
        self.accounts = accounts
        self.account_list.setModel(accounts)
        for signal in (
            accounts.modelReset,
            accounts.rowsInserted,
            accounts.rowsRemoved,
            accounts.dataChanged,
        ):
            signal.connect(self._accounts_changed)
        self._accounts_changed()

    def set_conversations(self, model: ConversationListModel) -> None:
        """Show another account's conversations."""
        self.model = model
        self.list.setModel(model)

    def select_account(self, account: str) -> None:
        row = self.accounts.row_of(account)
        if row >= 0:
            self.account_list.selectionModel().setCurrentIndex(
                self.accounts.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self._show_account_button()

    def shown_account(self) -> QModelIndex:
        """The row of the account shown (the rail's current row, or the only one)."""
        index = self.account_list.currentIndex()
        if not index.isValid() and self.accounts.rowCount():
            index = self.accounts.index(0)
        return index

    def open_account_menu(self) -> QMenu:
        """The account button's menu: the shown account's (also the rail's right click)."""
        return self._popup_menu(self.shown_account(), self.account_button, QPoint(0, 0))

    def _popup_menu(self, index: QModelIndex, over: QWidget, pos: QPoint) -> QMenu:
        menu = self._build_menu(index)
        if over is self.account_button:
            pos = QPoint(0, over.height())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(over.mapToGlobal(pos))
        self.open_menu = menu
        return menu

    def _show_account_button(self) -> None:
        index = self.shown_account()
        name = display_text(str(index.data(AccountRole.NAME) or "")) if index.isValid() else ""
        server = str(index.data(AccountRole.SERVER) or "") if index.isValid() else ""
        host = display_text(server.split("://", 1)[-1])
        text = f"{name} · {host}" if name and host else (name or host or self.tr("Account"))
        self._account_text = text + " ▾"
        self._elide_account_button()
        if index.isValid():
            state = index.data(AccountRole.STATE)
            words = state_word(ConnectionState(state)) if state else ""
            self.account_button.setToolTip(
                fill(
                    self.tr("%1 on %2 (%3): server, profile, Connect, Settings"),
                    display_text(name),
                    display_text(server),
                    words,
                )
            )

    def account_at(self, row: int) -> str:
        """The id of the account in row `row` (Ctrl+1 is row 0), or ""."""
        if 0 <= row < self.accounts.rowCount():
            found = self.accounts.index(row).data(AccountRole.ACCOUNT)
            return found if isinstance(found, str) else ""
        return ""

    def _accounts_changed(self, *_: object) -> None:
        """One account: as simple as ever, no rail; two or more: the rail."""
        self.account_list.setVisible(self.accounts.rowCount() > 1)
        self._show_account_button()

    def _account_chosen(self, index: QModelIndex) -> None:
        account = index.data(AccountRole.ACCOUNT)
        if isinstance(account, str):
            self.account_requested.emit(account)

    def _account_menu(self, pos: QPoint) -> None:
        """A right click on an account in the rail: that account's menu."""
        index = self.account_list.indexAt(pos)
        if index.isValid():
            self._popup_menu(index, self.account_list.viewport(), pos)

    def account_menu(self, index: QModelIndex) -> QMenu | None:
        """What an account's menu offers (its row's right click, the account button)."""
        account = index.data(AccountRole.ACCOUNT) if index.isValid() else None
        if not isinstance(account, str):
            return None
        return self._build_menu(index)

    def _build_menu(self, index: QModelIndex) -> QMenu:
        menu = build_account_menu(
            self, index, self.menu_actions, self.profiles(), self.accounts.rowCount()
        )
        account = str(index.data(AccountRole.ACCOUNT) or "") if index.isValid() else ""
        if account:
            # Signing in (issue #24), apart from the rest.
            menu.addSeparator()
            sign_in = menu.addAction(self.tr("Sign in…"))
            sign_in.setObjectName("signInAction")
            sign_in.triggered.connect(lambda: self.signin_requested.emit(account))
            sign_out = menu.addAction(self.tr("Sign out"))
            sign_out.setObjectName("signOutAction")
            sign_out.triggered.connect(lambda: self.signout_requested.emit(account))
        return menu

    def show_participants(self, members: list[tuple[str, int]]) -> None:
        """Who is in the conversation shown: (name, windows)."""
        self.participants.set_members(members)

    def offer_participants(self, listed: bool) -> None:
        """The list is shown only for a server that says who is in each room."""
        self.participants_list.setVisible(listed)
        self.participants_heading.setVisible(listed)

    def _participants_heading(self, *_: object) -> None:
        self.participants_heading.setText(
            self.tr("Here now (%n)", "", self.participants.rowCount())
        )

    def room(self) -> str:
        """The room of the selected row ("" = everyone)."""
        index = self.list.currentIndex()
        room = index.data(ConversationRole.ROOM) if index.isValid() else EVERYONE
        return room if isinstance(room, str) else EVERYONE

    def select(self, room: str) -> None:
        """Show `room` as the chosen row (the session says which conversation is shown)."""
        row = self.model.row_of(room)
        if row >= 0:
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self.leave_button.setEnabled(room != EVERYONE)

    def step(self, delta: int) -> None:
        """Alt+Up / Alt+Down: the conversation above or below."""
        rows = self.model.rowCount()
        if rows:
            row = (self.model.row_of(self.room()) + delta) % rows
            self.conversation_requested.emit(self.model.index(row).data(ConversationRole.ROOM))

    def next_unread(self) -> None:
        """Ctrl+Shift+A: the next conversation (after the one shown) with unread messages."""
        rows = self.model.rowCount()
        start = self.model.row_of(self.room())
        for step in range(1, rows + 1):
            index = self.model.index((start + step) % rows)
            if index.data(ConversationRole.UNREAD):
                self.conversation_requested.emit(index.data(ConversationRole.ROOM))
                return

    def _chosen(self, index: QModelIndex) -> None:
        room = index.data(ConversationRole.ROOM)
        if isinstance(room, str):
            self.conversation_requested.emit(room)

    def _join(self) -> None:
        """Join the room typed; "#garden" is the room garden (as in Slack and
        Element: one leading # names a room, it is not part of its name). The
        field empties for the next one; a refusal puts the name back."""
        room = self.room_input.text().strip()
        if room.startswith("#"):
            room = room[1:].strip()
        if not room:
            return
        self.room_input.clear()
        self.join_problem.clear()
        self.join_problem.setVisible(False)
        self.join_requested.emit(room)

    def show_join_problem(self, room: str, text: str) -> None:
        """The server would not let us into `room`: why, beside the field, with
        the name back in it to correct (unless another is being typed)."""
        if not self.room_input.text():
            self.room_input.setText(room)
        self.join_problem.setText(display_text(text))  # a name's control characters visible
        self.join_problem.setVisible(True)

    def _leave(self) -> None:
        room = self.room()
        if room != EVERYONE:
            self.leave_requested.emit(room)


class Switcher(QDialog):
    """Ctrl+K: type part of a conversation's name, Enter goes there."""

    conversation_requested = Signal(str)

    def __init__(self, model: ConversationListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("switcher")
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterRole(ConversationRole.TITLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.field = QLineEdit()
        self.field.setObjectName("switcherField")
        self.results = QListView()
        self.results.setObjectName("switcherList")
        self.results.setModel(self.proxy)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.results)
        self.field.textChanged.connect(self._filter)
        self.field.returnPressed.connect(self._go)
        self.results.activated.connect(lambda _index: self._go())
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Go to conversation"))
        self.field.setPlaceholderText(self.tr("Conversation name"))

    def start(self) -> None:
        self.field.clear()
        self._filter("")
        self.open()
        self.field.setFocus()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.proxy.rowCount():
            self.results.setCurrentIndex(self.proxy.index(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            rows = self.proxy.rowCount()
            if rows:
                delta = -1 if event.key() == Qt.Key.Key_Up else 1
                row = (self.results.currentIndex().row() + delta) % rows
                self.results.setCurrentIndex(self.proxy.index(row, 0))
            return
        super().keyPressEvent(event)

    def _go(self) -> None:
        index = self.results.currentIndex()
        if index.isValid():
            self.conversation_requested.emit(index.data(ConversationRole.ROOM))
        self.accept()
