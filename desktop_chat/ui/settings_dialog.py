"""The settings dialog: non-modal, applied as the user changes things.

It only shows values and emits what the user changed (`changed(key,
value)`, keys as in desktop_chat/app/settings.py) or picked
(`server_chosen`); the composition root saves and applies them. Reading
goes through a Protocol so that the window layer does not import the app
layer that owns the settings file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QIdentityProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.account_list_model import AccountRole


class _OneLine(QIdentityProxyModel):
    """The rail's two-line rows on one line."""

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        value = super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole and isinstance(value, str):
            return value.replace("\n", " · ")
        return value


class ServerView(Protocol):
    url: str
    path: str
    transport: str


class SettingsView(Protocol):
    name: str
    notifications: bool
    do_not_disturb: bool
    muted: list[str]
    keep_in_tray: bool
    theme: str
    language: str
    font_size: int
    format_messages: bool
    show_connection_id: bool

    @property
    def servers(self) -> Sequence[ServerView]: ...


_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    widget.setObjectName(name)
    return widget


class SettingsDialog(QDialog):
    changed = Signal(str, object)  # settings key, new value
    server_chosen = Signal(str, str, str)  # url, path, transport
    account_add_requested = Signal()  # "Add account…"
    account_remove_requested = Signal(str)  # an account's id
    account_move_requested = Signal(str, int)  # an account's id, -1 up or +1 down

    def __init__(self, parent: QWidget | None = None, tray_available: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._loading = False
        self.name_edit = _named(QLineEdit(), "settingsName")
        self.name_edit.setMaxLength(64)
        self.servers_list = _named(QListWidget(), "settingsServers")
        self.servers_list.setMaximumHeight(80)
        # A long address is shortened in the middle (its whole is the tooltip).
        self.servers_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.servers_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(480)
        self.use_server = _named(QPushButton(), "settingsUseServer")
        self.notify_box = _named(QCheckBox(), "settingsNotifications")
        self.dnd_box = _named(QCheckBox(), "settingsDoNotDisturb")
        self.muted_edit = _named(QLineEdit(), "settingsMuted")
        self.tray_box = _named(QCheckBox(), "settingsKeepInTray")
        self.tray_box.setEnabled(tray_available)
        self.tray_note = _named(QLabel(), "settingsTrayNote")
        self.tray_note.setWordWrap(True)
        self.tray_note.setVisible(not tray_available)
        self.theme_combo = _named(QComboBox(), "settingsTheme")
        self.language_combo = _named(QComboBox(), "settingsLanguage")
        for _ in range(3):
            self.theme_combo.addItem("")
            self.language_combo.addItem("")
        for i, key in enumerate(("system", "light", "dark")):
            self.theme_combo.setItemData(i, key)
        for i, key in enumerate(("", "en", "ko")):
            self.language_combo.setItemData(i, key)
        self.font_spin = _named(QSpinBox(), "settingsFontSize")
        self.font_spin.setRange(0, 40)
        self.format_box = _named(QCheckBox(), "formatMessagesCheck")
        self.connection_id_box = _named(QCheckBox(), "settingsShowConnectionId")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.setObjectName("settingsButtons")

        self.you_group = _named(QGroupBox(), "settingsYou")
        you = QFormLayout(self.you_group)
        self.name_label = QLabel()
        self.name_label.setBuddy(self.name_edit)
        you.addRow(self.name_label, self.name_edit)
        self.servers_label = QLabel()
        self.servers_label.setBuddy(self.servers_list)
        you.addRow(self.servers_label, self.servers_list)
        you.addRow("", self.use_server)
        you.addRow(self.connection_id_box)

        # The window's accounts (the same rows as the sidebar's rail).
        self.accounts_group = _named(QGroupBox(), "settingsAccounts")
        self.accounts_list = _named(QListView(), "settingsAccountList")
        self.accounts_list.setMaximumHeight(80)
        self.accounts_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.accounts_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._account_lines = _OneLine(self)
        self.accounts_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.account_add = _named(QPushButton(), "settingsAddAccount")
        self.account_remove = _named(QPushButton(), "settingsRemoveAccount")
        self.account_up = _named(QPushButton(), "settingsAccountUp")
        self.account_down = _named(QPushButton(), "settingsAccountDown")
        account_buttons = QHBoxLayout()
        for button in (self.account_add, self.account_remove, self.account_up, self.account_down):
            account_buttons.addWidget(button)
        accounts = QVBoxLayout(self.accounts_group)
        accounts.addWidget(self.accounts_list)
        accounts.addLayout(account_buttons)
        self.account_add.clicked.connect(self.account_add_requested)
        self.account_remove.clicked.connect(
            lambda: self._with_account(self.account_remove_requested.emit)
        )
        self.account_up.clicked.connect(
            lambda: self._with_account(lambda a: self.account_move_requested.emit(a, -1))
        )
        self.account_down.clicked.connect(
            lambda: self._with_account(lambda a: self.account_move_requested.emit(a, 1))
        )

        self.notify_group = _named(QGroupBox(), "settingsNotify")
        notify = QFormLayout(self.notify_group)
        notify.addRow(self.notify_box)
        notify.addRow(self.dnd_box)
        self.muted_label = QLabel()
        self.muted_label.setBuddy(self.muted_edit)
        notify.addRow(self.muted_label, self.muted_edit)
        notify.addRow(self.tray_box)
        notify.addRow(self.tray_note)

        self.look_group = _named(QGroupBox(), "settingsLook")
        look = QFormLayout(self.look_group)
        self.theme_label, self.language_label, self.font_label = QLabel(), QLabel(), QLabel()
        self.theme_label.setBuddy(self.theme_combo)
        self.language_label.setBuddy(self.language_combo)
        self.font_label.setBuddy(self.font_spin)
        look.addRow(self.theme_label, self.theme_combo)
        look.addRow(self.language_label, self.language_combo)
        look.addRow(self.font_label, self.font_spin)
        look.addRow(self.format_box)

        layout = QVBoxLayout(self)
        for part in (self.you_group, self.accounts_group, self.notify_group, self.look_group):
            layout.addWidget(part)
        layout.addWidget(self.buttons)

        self.name_edit.editingFinished.connect(
            lambda: self._emit("name", self.name_edit.text().strip())
        )
        self.notify_box.toggled.connect(lambda on: self._emit("notifications", on))
        self.dnd_box.toggled.connect(lambda on: self._emit("do_not_disturb", on))
        self.muted_edit.editingFinished.connect(lambda: self._emit("muted", self.muted_rooms()))
        self.tray_box.toggled.connect(lambda on: self._emit("keep_in_tray", on))
        self.theme_combo.currentIndexChanged.connect(
            lambda i: self._emit("theme", self.theme_combo.itemData(i))
        )
        self.language_combo.currentIndexChanged.connect(
            lambda i: self._emit("language", self.language_combo.itemData(i))
        )
        self.font_spin.valueChanged.connect(lambda v: self._emit("font_size", v))
        self.format_box.toggled.connect(lambda on: self._emit("format_messages", on))
        self.connection_id_box.toggled.connect(lambda on: self._emit("show_connection_id", on))
        self.use_server.clicked.connect(self._choose_server)
        self.servers_list.itemActivated.connect(lambda _item: self._choose_server())
        self.buttons.rejected.connect(self.close)
        self.retranslateUi()

    def show_accounts(self, rows: QAbstractItemModel) -> None:
        """The window's accounts (ui/account_list_model.py), kept up to date by it,
        each on one line here."""
        self._account_lines.setSourceModel(rows)
        self.accounts_list.setModel(self._account_lines)

    def _with_account(self, act: Callable[[str], None]) -> None:
        index = self.accounts_list.currentIndex()
        account = index.data(AccountRole.ACCOUNT) if index.isValid() else None
        if isinstance(account, str):
            act(account)

    def muted_rooms(self) -> list[str]:
        """The muted conversations as typed: rooms by name, "*" for everyone."""
        rooms = [r.strip().lstrip("#") for r in self.muted_edit.text().split(",")]
        return ["" if r == "*" else r for r in rooms if r]

    def _emit(self, key: str, value: object) -> None:
        if not self._loading:
            self.changed.emit(key, value)

    def _choose_server(self) -> None:
        item = self.servers_list.currentItem()
        if item is not None:
            url, path, transport = item.data(Qt.ItemDataRole.UserRole)
            self.server_chosen.emit(url, path, transport)

    def load(self, settings: SettingsView) -> None:
        """Show `settings` without emitting `changed` for what is merely shown."""
        self._loading = True
        try:
            self.name_edit.setText(settings.name)
            self.servers_list.clear()
            for server in settings.servers:
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, (server.url, server.path, server.transport))
                self.servers_list.addItem(item)
            self._server_texts()
            if self.servers_list.count():
                self.servers_list.setCurrentRow(0)
            self.use_server.setEnabled(self.servers_list.count() > 0)
            self.notify_box.setChecked(settings.notifications)
            self.dnd_box.setChecked(settings.do_not_disturb)
            self.muted_edit.setText(", ".join("*" if r == "" else r for r in settings.muted))
            self.tray_box.setChecked(settings.keep_in_tray and self.tray_box.isEnabled())
            self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))
            self.language_combo.setCurrentIndex(
                max(0, self.language_combo.findData(settings.language))
            )
            self.font_spin.setValue(settings.font_size)
            self.format_box.setChecked(settings.format_messages)
            self.connection_id_box.setChecked(settings.show_connection_id)
        finally:
            self._loading = False

    def _server_texts(self) -> None:
        """Each server's line ("… (default transport)") in the current language."""
        for row in range(self.servers_list.count()):
            item = self.servers_list.item(row)
            url, path, transport = item.data(Qt.ItemDataRole.UserRole)
            shown = transport or self.tr("default transport")
            item.setText(f"{url}   {path}   ({shown})")
            item.setToolTip(item.text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
            self._server_texts()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.you_group.setTitle(self.tr("You and your servers"))
        self.name_label.setText(self.tr("&Display name:"))
        self.name_edit.setPlaceholderText(self.tr("Your login name"))
        self.servers_label.setText(self.tr("Ser&vers used:"))
        self.use_server.setText(self.tr("&Connect to this server"))
        self.accounts_group.setTitle(self.tr("Accounts in this window"))
        self.accounts_list.setAccessibleName(self.tr("Accounts in this window"))
        self.account_add.setText(self.tr("Add…"))
        self.account_remove.setText(self.tr("Remove"))
        self.account_up.setText(self.tr("Up"))
        self.account_down.setText(self.tr("Down"))
        self.notify_group.setTitle(self.tr("Notifications and tray"))
        self.notify_box.setText(self.tr("&Notify me of new messages"))
        self.dnd_box.setText(self.tr("Do not &disturb"))
        self.muted_label.setText(self.tr("&Muted rooms:"))
        self.muted_edit.setPlaceholderText(self.tr("garden, lunch (* for everyone)"))
        self.tray_box.setText(self.tr("&Keep running in the tray when the window is closed"))
        self.tray_note.setText(self.tr("This desktop has no tray: closing the window quits."))
        self.look_group.setTitle(self.tr("Appearance"))
        self.theme_label.setText(self.tr("&Theme:"))
        for i, text in enumerate((self.tr("As the system"), self.tr("Light"), self.tr("Dark"))):
            self.theme_combo.setItemText(i, text)
        self.language_label.setText(self.tr("&Language:"))
        for i, text in enumerate((self.tr("As the system"), "English", "한국어")):
            self.language_combo.setItemText(i, text)
        self.font_label.setText(self.tr("&Font size:"))
        self.font_spin.setSpecialValueText(self.tr("Default"))
        self.font_spin.setSuffix(self.tr(" pt"))
        self.format_box.setText(self.tr("F&ormat my messages (Markdown)"))
        self.connection_id_box.setText(self.tr("Say “You connected with id” (tutorial servers)"))
        names = {
            self.name_edit: (self.tr("Display name"), self.tr("The name others see")),
            self.servers_list: (
                self.tr("Servers used"),
                self.tr("Servers you have connected to, with their path and transport"),
            ),
            self.use_server: (self.tr("Connect to the selected server"), ""),
            self.connection_id_box: (
                self.tr("Say the connection's id"),
                self.tr(
                    "On servers of the tutorial's profile, each connection adds "
                    "“You connected with id : …” to Everyone, as the tutorial's page does"
                ),
            ),
            self.notify_box: (self.tr("Desktop notifications"), ""),
            self.dnd_box: (self.tr("Do not disturb"), self.tr("No notifications until turned off")),
            self.muted_edit: (
                self.tr("Muted rooms"),
                self.tr("Rooms that never notify, separated by commas"),
            ),
            self.tray_box: (self.tr("Keep running in the tray"), ""),
            self.theme_combo: (self.tr("Theme"), ""),
            self.language_combo: (self.tr("Language"), ""),
            self.font_spin: (self.tr("Font size"), self.tr("0 uses the desktop's size")),
            self.format_box: (
                self.tr("Format my messages"),
                self.tr(
                    "**bold**, *italic*, ~~struck~~, `code` and [links](https://…) "
                    "are shown formatted, where the server supports it"
                ),
            ),
        }
        for widget, (name, description) in names.items():
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(description)
