"""The chat window: widgets only.

(Why over 400 lines: it builds and lays out every widget of the window and
turns their signals into intents; the parts with behaviour of their own
are already apart: sidebar, conversation view, message input, presence
bar, search panel, inspector.)

It shows what the bridge tells it and emits what the user asked for; it
never touches the network, so it can be driven by tests and by people
alike through the objectNames below.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.protocol.messages import DeliveryState, Message
from desktop_chat.ui.account_list_model import AccountListModel, AccountRole
from desktop_chat.ui.add_account_dialog import AddAccountDialog
from desktop_chat.ui.conversation_list_model import (
    EVERYONE,
    ConversationListModel,
    conversation_title,
)
from desktop_chat.ui.conversation_view import ConversationView
from desktop_chat.ui.file_actions import FileActions
from desktop_chat.ui.file_card import VIEW, fetchable
from desktop_chat.ui.format_preview import FormatPreview
from desktop_chat.ui.line_actions import LineActions
from desktop_chat.ui.message_input import MessageInput
from desktop_chat.ui.message_model import MessageModel, Role
from desktop_chat.ui.participants_model import NAME_ROLE
from desktop_chat.ui.plain import plain_tooltip
from desktop_chat.ui.presence_bar import PresenceBar
from desktop_chat.ui.private_rooms import PrivateRoomActions
from desktop_chat.ui.search_panel import SearchPanel
from desktop_chat.ui.sidebar import Sidebar, Switcher
from desktop_chat.ui.status_label import StatusLabel
from desktop_chat.ui.tr import fill

if TYPE_CHECKING:  # the history (SQLite) loads after the window is drawn
    from desktop_chat.client.history import Hit

_W = TypeVar("_W", bound=QWidget)
NARROW = 640  # px: under this width the window lays itself out for a narrow screen


def _copy(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def _named(widget: _W, name: str) -> _W:
    """Give a widget the stable objectName that tests and users reach it by."""
    widget.setObjectName(name)
    return widget


class MainWindow(QMainWindow):
    send_requested = Signal(str, str)  # text, room ("" = everyone)
    join_requested = Signal(str)
    leave_requested = Signal(str)  # the room shown
    conversation_requested = Signal(str)  # show this room's conversation ("" = everyone)
    seen_changed = Signal(bool)  # the user sees the newest of the conversation shown, or not
    search_requested = Signal(str, bool)  # query, in all conversations (else the one shown)
    result_chosen = Signal(object)  # a search Hit to show in its conversation
    connect_requested = Signal(str)  # the address as typed
    offline_toggled = Signal(bool)
    reconnect_requested = Signal()
    host_elsewhere_requested = Signal()  # the address is taken by something not Socket.IO
    retry_requested = Signal(str)  # the id of a failed message of ours
    discard_requested = Signal(str)  # the id of a failed message not to send after all
    typing_started = Signal()  # a keystroke in a non-empty message (for typing notices)
    name_change_requested = Signal(str)  # the name typed in nameEdit (not yet checked)
    draft_changed = Signal()  # the text in the message box changed (a draft to keep)
    older_wanted = Signal()  # scrolled to the top of what is shown: older messages, please
    account_requested = Signal(str)  # show this account (its id)
    account_add_requested = Signal(str, str, str)  # address, name, profile, as typed
    account_remove_requested = Signal(str)  # an account's id
    account_move_requested = Signal(str, int)  # an account's id, -1 up or +1 down
    settings_requested = Signal()  # the account menu's Settings…
    signin_requested = Signal(str)  # "Sign in…" for an account (its id)
    signout_requested = Signal(str)  # "Sign out" of an account (its id)
    closed = Signal()

    def __init__(
        self,
        model: MessageModel,
        conversations: ConversationListModel | None = None,
        accounts: AccountListModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("desktop-chat")
        self.resize(760, 640)
        self.model = model
        self._room = EVERYONE
        self.sidebar = Sidebar(
            conversations if conversations is not None else ConversationListModel(self),
            accounts,
        )
        self.add_account_dialog = AddAccountDialog(self)
        self.conversation_list = self.sidebar.list
        # New private room… / Invite…: the list's menu on a server with accounts.
        self.private_rooms = PrivateRoomActions(self.sidebar.list, self)
        self.switcher = Switcher(self.sidebar.model, self)

        self.name_edit = _named(QLineEdit(), "nameEdit")
        self.name_edit.setMaximumWidth(140)
        self.name_edit.editingFinished.connect(self._name_edited)
        self._name = ""
        self.server_url = _named(QLineEdit(), "serverUrl")
        self.server_url.setPlaceholderText("http://localhost:3000")
        self.connect_button = _named(QPushButton(), "connectButton")
        self.profile_combo = _named(QComboBox(), "profileCombo")
        self.presence = PresenceBar()
        self.presence.setVisible(False)
        self.reconnect_button = _named(QPushButton(), "reconnectButton")
        self.reconnect_button.setVisible(False)
        self.host_elsewhere_button = _named(QPushButton(), "hostElsewhereButton")
        self.host_elsewhere_button.setVisible(False)
        self.offline_button = _named(QPushButton(), "offlineButton")
        self.offline_button.setCheckable(True)

        self.room_input = self.sidebar.room_input  # the join field
        self.join_button = self.sidebar.join_button
        self.leave_button = self.sidebar.leave_button

        # The view follows the newest messages and pages the model (ConversationView).
        self.message_list = _named(ConversationView(model), "messageList")
        self.delegate = self.message_list.delegate
        self.message_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self.message_input = _named(MessageInput(), "messageInput")
        self.message_input.setTabChangesFocus(True)
        self.message_input.setFixedHeight(self.message_input.fontMetrics().lineSpacing() * 3 + 14)
        self.send_button = _named(QPushButton(), "sendButton")
        # Answering, editing, deleting, reacting: their intents are its signals.
        self.lines = LineActions(
            self,
            self.message_input,
            self.message_list,
            lambda: self.model,
            self.statusBar,
            self.show_draft,
        )
        # Attaching files and what a line's file offers: their intents are its signals.
        self.files = FileActions(
            self,
            self.message_input,
            self.message_list,
            lambda: self.model,
            self.statusBar,
            self.room,
        )
        self.attach_button = self.files.attach_button
        # What the text will look like when sent (Ctrl+Shift+P), painted as the list will.
        self.preview_button = _named(QPushButton(), "previewButton")
        self.preview_button.setCheckable(True)
        self.format_preview = FormatPreview()
        self.format_preview.setVisible(False)
        self._format_messages = True  # the user's setting (set_format_messages)
        self.target_label = _named(QLabel(), "targetLabel")

        self.status_label = _named(StatusLabel(), "statusLabel")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.reconnect_button)
        self.statusBar().addPermanentWidget(self.host_elsewhere_button)
        self.statusBar().addPermanentWidget(self.offline_button)

        # The first row is the conversation's: its name, and a button that
        # opens the account's server row (name, address, profile, Connect):
        # set once, seldom touched, so folded away until asked for or needed.
        self.conversation_title = _named(QLabel(), "conversationTitle")
        self.conversation_title.setTextFormat(Qt.TextFormat.PlainText)
        title_font = self.conversation_title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.conversation_title.setFont(title_font)
        self.server_button = _named(QToolButton(), "serverButton")
        self.server_button.setCheckable(True)
        self.server_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._server_row_chosen = False  # the user opened or closed it: theirs to say
        top = QHBoxLayout()
        top.addWidget(self.conversation_title, 1)
        top.addWidget(self.server_button)
        # One line when wide; when narrow, the address gets a line of its own
        # (it is not cut to "://localhost:3000"): `_fit_width`.
        self._server_grid = QGridLayout()
        self._server_grid.setContentsMargins(0, 0, 0, 0)
        self.server_row = _named(QWidget(), "serverRow")
        self.server_row.setLayout(self._server_grid)
        self.server_row.setVisible(False)
        self._narrow: bool | None = None
        self.room_row = self.sidebar.join_row  # hidden where the server has no rooms
        bottom = QHBoxLayout()
        bottom.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.message_input, 1)
        bottom.addWidget(self.lines.emoji_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.search_panel = SearchPanel()
        self.search_panel.setVisible(False)
        self.search_panel.search_requested.connect(self.search_requested)
        self.search_panel.result_chosen.connect(self.result_chosen)
        self.search_panel.closed.connect(self.message_input.setFocus)
        chat = QVBoxLayout()
        chat.setContentsMargins(0, 0, 0, 0)
        # Search results and the conversation share the height, half each at
        # first; the user may move the line between them.
        self.search_splitter = _named(QSplitter(Qt.Orientation.Vertical), "searchSplitter")
        self.search_splitter.setChildrenCollapsible(False)
        self.search_splitter.addWidget(self.search_panel)
        self.search_splitter.addWidget(self.message_list)
        self.search_splitter.setStretchFactor(0, 1)
        self.search_splitter.setStretchFactor(1, 1)
        chat.addWidget(self.search_splitter, 1)
        chat.addWidget(self.presence)
        chat.addWidget(self.target_label)
        chat.addWidget(self.lines.compose_bar)
        chat.addWidget(self.format_preview)
        chat.addWidget(self.files.note)
        chat.addLayout(bottom)
        chat_pane = QWidget()
        chat_pane.setLayout(chat)
        self.splitter = _named(QSplitter(Qt.Orientation.Horizontal), "conversationSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(chat_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 540])
        layout = QVBoxLayout()
        layout.addLayout(top)
        layout.addWidget(self.server_row)
        layout.addWidget(self.splitter, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        self.send_button.clicked.connect(self._submit)
        self.message_input.submitted.connect(self._submit)
        # `@` completes the names of who is in the conversation shown.
        self.message_input.set_mention_names(self.sidebar.participants, NAME_ROLE)
        self.sidebar.join_requested.connect(self.join_requested)
        self.sidebar.leave_requested.connect(self.leave_requested)
        self.sidebar.conversation_requested.connect(self.conversation_requested)
        self.switcher.conversation_requested.connect(self.conversation_requested)
        self.message_input.textChanged.connect(self.draft_changed)
        self.message_list.older_wanted.connect(self.older_wanted)
        self.sidebar.account_requested.connect(self.account_requested)
        self.sidebar.account_remove_requested.connect(self.account_remove_requested)
        self.sidebar.account_move_requested.connect(self.account_move_requested)
        self.sidebar.signin_requested.connect(self.signin_requested)
        self.sidebar.signout_requested.connect(self.signout_requested)
        self.sidebar.account_add_requested.connect(self.start_add_account)
        # The account's menu (ui/account_menu.py) does what the server row does.
        self.sidebar.profiles = self._profiles
        menu = self.sidebar.menu_actions
        menu.server_requested.connect(lambda a: self._for_account(a, self._open_server_row))
        menu.profile_requested.connect(lambda a, p: self._for_account(a, lambda: self._speak(p)))
        menu.connect_requested.connect(lambda a: self._for_account(a, self._connect_again))
        menu.disconnect_requested.connect(
            lambda a: self._for_account(a, lambda: self.offline_button.setChecked(True))
        )
        menu.settings_requested.connect(self.settings_requested)
        self.add_account_dialog.account_add_requested.connect(self.account_add_requested)
        for number in range(1, 10):  # Ctrl+1…Ctrl+9: the accounts, in the rail's order
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda row=number - 1: self._account_key(row))
        self.message_list.following_changed.connect(lambda _f: self._seen_changed())
        for keys, slot in (
            ("Ctrl+K", self.switcher.start),
            ("Alt+Up", lambda: self.sidebar.step(-1)),
            ("Alt+Down", lambda: self.sidebar.step(1)),
            ("Ctrl+Shift+A", self.sidebar.next_unread),
            ("Ctrl+F", lambda: self.start_search(everywhere=False)),
            ("Ctrl+Shift+F", lambda: self.start_search(everywhere=True)),
            ("Ctrl+Shift+P", self.preview_button.toggle),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.server_button.toggled.connect(self._server_toggled)
        self.connect_button.clicked.connect(self._connect)
        self.server_url.returnPressed.connect(self._connect)
        self.profile_combo.activated.connect(lambda _index: self._connect())
        self.message_input.textChanged.connect(self._typed)
        self.message_input.textChanged.connect(self._update_preview)
        self.preview_button.toggled.connect(self._preview_toggled)
        self.format_preview.delegate.link_activated.connect(self.open_link)
        self.reconnect_button.clicked.connect(self.reconnect_requested)
        self.host_elsewhere_button.clicked.connect(self.host_elsewhere_requested)
        self.offline_button.toggled.connect(self._offline_toggled)
        self.message_list.doubleClicked.connect(self._open_message)
        # Enter on the current message does what a double click does (keyboard use).
        self.message_list.installEventFilter(self)
        self.message_list.customContextMenuRequested.connect(self._show_message_menu)
        self.delegate.link_activated.connect(self.open_link)
        self._fit_width()
        self.retranslateUi()
        self.status_label.setText(self.tr("Offline"))
        self.message_input.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.message_list
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._open_message(self.message_list.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def retranslateUi(self) -> None:
        """Every text of the window in the current language (at start, and on
        each LanguageChange: the language switches while the app runs)."""
        self.name_edit.setPlaceholderText(self.tr("Your name"))
        self.name_edit.setToolTip(
            self.tr("The name others see on your messages; Enter changes it at once")
        )
        self.server_url.setToolTip(self.tr("The Socket.IO server to chat on; Enter connects"))
        self.server_button.setText(self.tr("Server"))
        self._server_tooltip()
        self._show_title()
        self.connect_button.setText(self.tr("Connect"))
        self.profile_combo.setToolTip(
            self.tr("How this server speaks (its events): choosing another reconnects with it")
        )
        self.reconnect_button.setText(self.tr("Reconnect now"))
        self.reconnect_button.setToolTip(
            self.tr("Try to connect now instead of waiting for the next try")
        )
        self.host_elsewhere_button.setText(self.tr("Host on another port"))
        self.host_elsewhere_button.setToolTip(
            self.tr(
                "Something that is not a chat server uses this address: run the chat server "
                "in this window on a free port instead"
            )
        )
        self._offline_text()
        self.offline_button.setToolTip(
            self.tr(
                "Disconnect until you come back online; "
                "what you write meanwhile is kept and sent then"
            )
        )
        self.message_input.setPlaceholderText(
            self.tr("Write a message (Enter sends, Shift+Enter: new line)")
        )
        self.send_button.setText(self.tr("Send"))
        self.preview_button.setText(self.tr("Preview"))
        self.preview_button.setToolTip(
            self.tr("Show how your message will look when sent (Ctrl+Shift+P)")
        )
        self.preview_button.setAccessibleName(self.tr("Preview the message"))
        self.format_preview.setAccessibleName(self.tr("How your message will look"))
        self.files.retranslate()
        self._show_target()

    # ---- the preview ------------------------------------------------------

    def set_format_messages(self, on: bool) -> None:
        """The user's setting: what they write is sent as Markdown (the preview shows it so)."""
        self._format_messages = on
        self._update_preview()

    def _preview_toggled(self, on: bool) -> None:
        self.format_preview.setVisible(on)
        self._update_preview()

    def _update_preview(self) -> None:
        if self.preview_button.isChecked():
            text = self.message_input.toPlainText()
            self.format_preview.show_text(text, self._format_messages, self._room)

    # ---- user intents -----------------------------------------------------

    def room(self) -> str:
        """The room of the conversation shown: where the message input sends."""
        return self._room

    def select_room(self, room: str) -> None:
        """Ask for the conversation of `room` (as choosing it in the sidebar does)."""
        self.conversation_requested.emit(room.strip())

    def show_conversation(self, room: str, model: MessageModel) -> None:
        """Show this conversation (the session's choice): its messages, its row chosen.
        An answer or an edit under way belonged to the one left: it ends (the
        box holds the new conversation's draft, kept by the session)."""
        if model is not self.model:
            self.lines.conversation_left()
        self._room = room
        self.model = model
        self.message_list.set_conversation(model)
        self.sidebar.select(room)
        self._show_target()
        self._show_title()
        self._seen_changed()

    def start_search(self, everywhere: bool) -> None:
        """Ctrl+F (the conversation shown) or Ctrl+Shift+F (all of them): the
        results take half the height, the conversation the other half."""
        if not self.search_panel.isVisible():
            half = max(1, self.search_splitter.height() // 2)
            self.search_splitter.setSizes([half, half])
        self.search_panel.start(everywhere, conversation_title(self._room))

    def search(self, text: str, everywhere: bool) -> None:
        """Search as a user does (type, Enter); the results come when the search
        (on a worker thread) is done: `search_panel.searching` turns False."""
        self.start_search(everywhere)
        self.search_panel.field.setText(text)
        self.search_panel.search_now()

    def seen(self) -> bool:
        """Whether the user sees the newest messages of the conversation shown."""
        return self.isActiveWindow() and self.isVisible() and self.message_list.following

    def _seen_changed(self) -> None:
        self.seen_changed.emit(self.seen())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            self._seen_changed()
        elif event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()

    def _submit(self) -> None:
        self.message_input.commit_preedit()  # a syllable still being composed is sent too
        text = self.message_input.toPlainText()
        if not text.strip():
            return  # nothing to say; the input keeps its focus
        self.message_input.clear()
        self.files.forget_note()
        if self.lines.submit(text, self.room()):
            return  # an edit (the line stays where it is) or an answer, sent by the session
        self.send_requested.emit(text, self.room())
        self.message_list.follow_newest()  # back to the newest, where the message appears

    def _connect(self) -> None:
        self.connect_requested.emit(self.server_url.text())

    def _typed(self) -> None:
        if self.message_input.document().characterCount() > 1:  # not emptied by a send
            self.typing_started.emit()

    def show_name(self, name: str) -> None:
        """The name in use (the session's choice; a refused one is replaced by it)."""
        self._name = name
        self.name_edit.setText(name)
        self.delegate.set_me(name)  # whose mentions are highlighted

    def _name_edited(self) -> None:
        typed = self.name_edit.text()
        if typed.strip() != self._name:
            self.name_change_requested.emit(typed)

    def profile_name(self) -> str:
        """The profile chosen in the connect form."""
        return str(self.profile_combo.currentData() or "")

    def set_profiles(self, names: list[tuple[str, str]], current: str) -> None:
        """Offer these profiles (name, description) with `current` chosen."""
        self.profile_combo.clear()
        for name, description in names:
            self.profile_combo.addItem(name, name)
            self.profile_combo.setItemData(
                self.profile_combo.count() - 1,
                plain_tooltip(description),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.show_profile(current, rooms=True, presence=False)

    def offer_presence(self, listed: bool) -> None:
        """A server that says who is in each room: the count and the list are shown
        (a profile's server may still show its count: `show_profile`)."""
        if listed:
            self.presence.setVisible(True)
        self.sidebar.offer_participants(listed)

    def show_presence(
        self, participants: list[tuple[str, int]], count: int | None, typing: str
    ) -> None:
        """Who is in the conversation shown, how many connections, who is typing."""
        self.sidebar.show_participants(participants)
        self.presence.show_count(count or 0)
        self.presence.show_typing(typing)

    def show_profile(self, name: str, *, rooms: bool, presence: bool) -> None:
        """What this profile's server can do is what the window offers."""
        index = self.profile_combo.findData(name)
        if index >= 0:
            self.profile_combo.setCurrentIndex(index)
        self.room_row.setVisible(rooms)
        self.leave_button.setVisible(rooms)
        if not rooms:
            self.room_input.clear()
        self.presence.reset()
        self.presence.setVisible(presence)

    def _show_target(self) -> None:
        room = self.room()
        self.target_label.setText(
            self.tr("Sending to room {room}").format(room=conversation_title(room))
            if room
            else self.tr("Sending to everyone")
        )

    def _open_message(self, index: QModelIndex) -> None:
        message = index.data(Role.MESSAGE)  # the view's index: of a proxy, if there is one
        if not isinstance(message, Message):
            return
        if message.state is DeliveryState.FAILED:
            self.retry_requested.emit(message.id)
            return
        if message.attachment is not None and message.attachment.is_image and fetchable(message):
            self.files.act(message, VIEW)  # an image opens in the viewer
            return
        self._show_whole(message)

    def _show_whole(self, message: Message) -> QDialog:
        """The whole text, in a box that fits the screen it opens on: a long
        message scrolls inside it, and its OK button stays on screen."""
        box = QDialog(self)
        box.setObjectName("wholeMessage")
        box.setWindowTitle(self.tr("Message"))
        text = QPlainTextEdit()
        text.setObjectName("wholeMessageText")
        text.setReadOnly(True)
        text.setPlainText(message.text)  # plain text: untrusted, shown as it is
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(box.accept)
        layout = QVBoxLayout(box)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        screen = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        metrics = text.fontMetrics()
        lines = message.text.count("\n") + 1
        wanted_w = min(metrics.averageCharWidth() * 80, int(screen.width() * 0.8))
        wanted_h = metrics.lineSpacing() * lines + buttons.sizeHint().height() + 60
        box.resize(max(360, wanted_w), max(160, min(wanted_h, int(screen.height() * 0.8))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def open_link(self, url: QUrl) -> None:
        """Hand a link the user clicked to their browser; the app itself fetches nothing."""
        target = url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
        if QDesktopServices.openUrl(url):
            self.statusBar().showMessage(fill(self.tr("Opened %1 in your browser"), target), 5000)
        else:
            self.statusBar().showMessage(fill(self.tr("No browser could open %1"), target), 10000)

    def message_menu(self, index: QModelIndex) -> QMenu | None:
        """What a right click (or the menu key) on a message offers: its links,
        each named by its real target, copying, and the whole text."""
        message = index.data(Role.MESSAGE)
        if not isinstance(message, Message):
            return None
        menu = QMenu(self.message_list)
        menu.setObjectName("messageMenu")
        for link in self.delegate.body_of(message).links[:10]:
            target = link.target
            shown = target if len(target) <= 80 else target[:79] + "…"
            # "&" in an action's text marks a mnemonic: doubled, the address shows as it is.
            menu.addAction(
                fill(self.tr("Open %1"), shown.replace("&", "&&")),
                partial(self.open_link, link.url),
            )
            menu.addAction(self.tr("Copy link address"), partial(_copy, target))
            menu.addSeparator()
        menu.addAction(self.tr("Copy text"), partial(_copy, message.text))
        menu.addAction(self.tr("Show whole message"), lambda: self._show_whole(message))
        self.lines.add_to_menu(menu, message)
        self.files.add_to_menu(menu, message)
        if message.state is DeliveryState.FAILED:
            menu.addAction(self.tr("Send again"), lambda: self.retry_requested.emit(message.id))
            menu.addAction(self.tr("Discard"), lambda: self.discard_requested.emit(message.id))
        return menu

    def _show_message_menu(self, pos: QPoint) -> None:
        view = self.message_list
        index = view.indexAt(pos)
        if not index.isValid():  # the menu key: the current message
            index = view.currentIndex()
            pos = view.visualRect(index).center()
        menu = self.message_menu(index)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(view.viewport().mapToGlobal(pos))

    # ---- what the bridge shows --------------------------------------------

    def restore_input(self, text: str, _reason: str = "") -> None:
        """A message that could not be sent goes back where it was typed,
        unless the user has started another one meanwhile."""
        if not self.message_input.toPlainText():
            self.message_input.setPlainText(text)

    def show_status(self, text: str, details: str = "") -> None:
        """The status line: `text` in words for people, `details` (ids, address,
        transport, hosting) in its tooltip and in `status_label.details()`."""
        self.status_label.set_status(text, details or text)

    def _offline_toggled(self, offline: bool) -> None:
        self._offline_text()
        self.offline_toggled.emit(offline)

    def show_offline(self, offline: bool) -> None:
        """Whether the account shown is offline by the user's choice (not itself a toggle)."""
        self.offline_button.blockSignals(True)
        try:
            self.offline_button.setChecked(offline)
        finally:
            self.offline_button.blockSignals(False)
        self._offline_text()

    def _offline_text(self) -> None:
        offline = self.offline_button.isChecked()
        self.offline_button.setText(self.tr("Go online") if offline else self.tr("Go offline"))

    def show_reconnect(self, waiting: bool) -> None:
        """Offer "Reconnect now" only while a retry is being waited for; the
        server row opens then (unless the user closed it): the address may be
        what is wrong."""
        self.reconnect_button.setVisible(waiting)
        if waiting and not self._server_row_chosen:
            self.server_button.setChecked(True)
            self._server_row_chosen = False  # opened for them, not by them

    def _server_toggled(self, shown: bool) -> None:
        self._server_row_chosen = True
        self.server_row.setVisible(shown)
        if shown:
            self.server_url.setFocus()

    def _server_tooltip(self) -> None:
        address = self.server_url.text()
        self.server_button.setToolTip(
            fill(self.tr("Your name, the server (%1), its profile and Connect"), address)
            if address
            else self.tr("Your name, the server, its profile and Connect")
        )

    def _show_title(self) -> None:
        self.conversation_title.setText(conversation_title(self._room))

    def offer_host_elsewhere(self, offer: bool) -> None:
        """Offer "Host on another port" while the address is held by a non-chat server."""
        self.host_elsewhere_button.setVisible(offer)

    # ---- what the session shows -------------------------------------------------

    def draft_text(self) -> str:
        """What the user is writing in this conversation: while a line is being
        edited, what the box held before (the line's text is not a draft)."""
        return self.lines.draft_text()

    def show_draft(self, text: str) -> None:
        """A conversation's draft in the message box (not itself a change to keep)."""
        self.message_input.blockSignals(True)
        try:
            self.message_input.setPlainText(text)
        finally:
            self.message_input.blockSignals(False)
        cursor = self.message_input.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.message_input.setTextCursor(cursor)

    def line_changed(self, message_id: str) -> None:
        """A line changed in any conversation of any account: what the list
        drew of it is drawn anew when it is shown."""
        self.delegate.forget(message_id)

    def show_row(self, row: int) -> None:
        """Scroll to a message of the conversation shown (a search result)."""
        self.message_list.show_row(row)

    def show_search_results(self, query: str, hits: list[Hit]) -> None:
        self.search_panel.show_results(query, hits)

    def show_address(self, text: str) -> None:
        """The address the window connects to, in the server row's field."""
        self.server_url.setText(text)
        self._server_tooltip()

    def show_join_problem(self, room: str, text: str) -> None:
        """Why a join was refused, beside the join field (not a line in Everyone)."""
        self.sidebar.show_join_problem(room, text)

    def offer_room(self, room: str) -> None:
        """A room to join, put in the join field (--room)."""
        self.room_input.setText(room)

    # ---- accounts -----------------------------------------------------------

    def show_accounts(self, rows: AccountListModel) -> None:
        """The window's accounts, for the sidebar's rail (shown once there are two)."""
        self.sidebar.show_accounts(rows)

    def select_account(self, account: str) -> None:
        self.sidebar.select_account(account)

    def show_account_problem(self, text: str) -> None:
        """What is wrong with the account asked for: said in the dialog, kept open."""
        self.add_account_dialog.show_problem(text)

    def show_account(self, account: str, conversations: ConversationListModel) -> None:
        """Show another account: its conversations in the sidebar and the switcher."""
        self.sidebar.set_conversations(conversations)
        self.switcher.proxy.setSourceModel(conversations)
        self.sidebar.select_account(account)

    def start_add_account(self) -> None:
        names = [
            (self.profile_combo.itemData(i), self.profile_combo.itemText(i))
            for i in range(self.profile_combo.count())
        ]
        self.add_account_dialog.start(names, self._name)

    def account_added(self) -> None:
        """The account asked for was added: the dialog closes, emptied."""
        dialog = self.add_account_dialog
        dialog.url.clear()
        dialog.name.clear()
        dialog.accept()

    def _profiles(self) -> list[tuple[str, str]]:
        combo = self.profile_combo
        return [(str(combo.itemData(i)), combo.itemText(i)) for i in range(combo.count())]

    def _for_account(self, account: str, act: Callable[[], None]) -> None:
        """An item of an account's menu: that account is shown first (the server
        row, the profile and Connect are the shown account's)."""
        shown = self.sidebar.shown_account().data(AccountRole.ACCOUNT)
        if account and account != shown:
            self.account_requested.emit(account)
        act()

    def _open_server_row(self) -> None:
        self.server_button.setChecked(True)
        self.server_url.setFocus()

    def _speak(self, profile: str) -> None:
        """Reconnect speaking `profile`, as choosing it in the server row does."""
        index = self.profile_combo.findData(profile)
        if index >= 0:
            self.profile_combo.setCurrentIndex(index)
            self._connect()

    def _connect_again(self) -> None:
        """Connect: back online if the user went offline, else connect anew."""
        if self.offline_button.isChecked():
            self.offline_button.setChecked(False)
        else:
            self._connect()

    def _account_key(self, row: int) -> None:
        account = self.sidebar.account_at(row)
        if account:
            self.account_requested.emit(account)

    def show_server(self, url: str) -> None:
        if not self.server_url.hasFocus():
            self.server_url.setText(url)
        self._server_tooltip()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_width()

    def _fit_width(self) -> None:
        """Narrow (under NARROW px): the sidebar takes at most a quarter of the
        width, and the server row is two lines; wide: one line."""
        narrow = self.width() < NARROW
        if narrow:
            sizes = self.splitter.sizes()
            most = max(110, self.width() // 4)
            if len(sizes) == 2 and sizes[0] > most:
                self.splitter.setSizes([most, sum(sizes) - most])
        if narrow == self._narrow:
            return
        self._narrow = narrow
        grid = self._server_grid
        for widget in (self.name_edit, self.server_url, self.profile_combo, self.connect_button):
            grid.removeWidget(widget)
        if narrow:
            grid.addWidget(self.server_url, 0, 0, 1, 3)
            grid.addWidget(self.name_edit, 1, 0)
            grid.addWidget(self.profile_combo, 1, 1)
            grid.addWidget(self.connect_button, 1, 2)
        else:
            grid.addWidget(self.name_edit, 0, 0)
            grid.addWidget(self.server_url, 0, 1)
            grid.addWidget(self.profile_combo, 0, 2)
            grid.addWidget(self.connect_button, 0, 3)
        for column in range(4):
            grid.setColumnStretch(column, 0)
        grid.setColumnStretch(0 if narrow else 1, 1)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
