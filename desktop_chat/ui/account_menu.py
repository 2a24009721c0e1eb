"""The account's menu: its server, profile, Connect / Disconnect, whether this
window hosts it, Settings, and the rail's order (one place for every item).

The facts come from the account's row of `AccountListModel` (the session
sets them from the account itself), so the menu and the window's server row
show the same account; nothing is copied here. Each item emits an intent on
`AccountMenuActions`; the window turns them into what the server row does.
Other items (signing in, private rooms) are added in `account_menu`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Signal
from PySide6.QtWidgets import QMenu, QWidget

from desktop_chat.client.status import ConnectionState
from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.account_list_model import AccountRole, state_word
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate


class AccountMenuActions(QObject):
    """What the account's menu asks for; each carries the account's id."""

    server_requested = Signal(str)  # show the server row (address, name, profile)
    profile_requested = Signal(str, str)  # reconnect speaking this profile
    connect_requested = Signal(str)  # connect (again), or come back online
    disconnect_requested = Signal(str)  # go offline (what is written is kept)
    settings_requested = Signal()
    move_requested = Signal(str, int)  # -1 up, +1 down
    remove_requested = Signal(str)


def account_menu(
    parent: QWidget,
    index: QModelIndex | QPersistentModelIndex,
    actions: AccountMenuActions,
    profiles: Sequence[tuple[str, str]],
    rows: int,
) -> QMenu:
    """The menu of the account in `index` (a row of AccountListModel)."""
    menu = QMenu(parent)
    menu.setObjectName("accountMenu")
    account = str(index.data(AccountRole.ACCOUNT) or "")
    name = display_text(str(index.data(AccountRole.NAME) or ""))
    server = display_text(str(index.data(AccountRole.SERVER) or ""))
    state = ConnectionState(index.data(AccountRole.STATE) or ConnectionState.OFFLINE.value)
    profile = str(index.data(AccountRole.PROFILE) or "")
    hosting = bool(index.data(AccountRole.HOSTING))

    def act(text: str, slot: Callable[[], None], object_name: str) -> None:
        action = menu.addAction(text.replace("&", "&&"))  # names and addresses: no mnemonics
        action.setObjectName(object_name)
        action.triggered.connect(slot)

    heading = menu.addAction(fill(translate("AccountMenu", "%1 · %2"), name, state_word(state)))
    heading.setEnabled(False)
    if hosting:
        host = menu.addAction(translate("AccountMenu", "Hosting for this computer"))
        host.setObjectName("accountHosting")
        host.setEnabled(False)
    act(
        fill(translate("AccountMenu", "Server: %1…"), server)
        if server
        else translate("AccountMenu", "Server…"),
        lambda: actions.server_requested.emit(account),
        "accountServer",
    )
    chooser = menu.addMenu(
        fill(translate("AccountMenu", "Profile: %1"), profile)
        if profile
        else translate("AccountMenu", "Profile")
    )
    chooser.setObjectName("accountProfiles")
    for key, text in profiles:
        item = chooser.addAction(text.replace("&", "&&"))
        item.setCheckable(True)
        item.setChecked(key == profile)
        item.triggered.connect(lambda _on=False, k=key: actions.profile_requested.emit(account, k))
    if state is ConnectionState.OFFLINE:
        act(
            translate("AccountMenu", "Connect"),
            lambda: actions.connect_requested.emit(account),
            "accountConnect",
        )
    else:
        act(
            translate("AccountMenu", "Disconnect"),
            lambda: actions.disconnect_requested.emit(account),
            "accountDisconnect",
        )
    menu.addSeparator()
    act(translate("AccountMenu", "Settings…"), actions.settings_requested.emit, "accountSettings")
    if rows > 1:
        menu.addSeparator()
        row = index.row()
        up = menu.addAction(translate("AccountMenu", "Move up"))
        down = menu.addAction(translate("AccountMenu", "Move down"))
        up.setEnabled(row > 0)
        down.setEnabled(row < rows - 1)
        up.triggered.connect(lambda: actions.move_requested.emit(account, -1))
        down.triggered.connect(lambda: actions.move_requested.emit(account, 1))
        menu.addSeparator()
        act(
            translate("AccountMenu", "Remove account"),
            lambda: actions.remove_requested.emit(account),
            "accountRemove",
        )
    return menu
