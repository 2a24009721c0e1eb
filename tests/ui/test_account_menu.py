"""The account's menu in the sidebar (#25): the server, the profile, Connect /
Disconnect, "Hosting for this computer" and Settings, with the facts of the
one account (the same the server row shows)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.status import ConnectionState
from tests.helpers import FAST_BACKOFF, free_port
from tests.ui.conftest import wait_connected


@pytest.fixture
def hosting_desktop(arun: Any, qapp: QApplication) -> Iterator[Any]:
    """A window that finds nothing at its address and so hosts the chat server."""
    from desktop_chat.app.desktop import Desktop

    session = ChatSession(
        Options(
            url=None, name="ann", default_url=f"http://localhost:{free_port()}", remember=False
        ),
        Settings(),
        backoff=FAST_BACKOFF,
    )
    desk = Desktop(session, qapp, "en")
    arun(session.start())
    yield desk
    arun(desk.close())
    arun(session.close())


def _items(menu: QMenu) -> dict[str, QAction]:
    return {a.objectName(): a for a in menu.actions() if a.objectName()}


def _open(qtbot: Any, session: ChatSession) -> QMenu:
    menu = session.window.sidebar.open_account_menu()
    qtbot.waitUntil(menu.isVisible)
    return menu


def test_the_account_menu_has_the_server_its_profile_connect_and_settings(
    qtbot: Any, hosting_desktop: Any
) -> None:
    session: ChatSession = hosting_desktop.session
    w = session.window
    qtbot.waitUntil(lambda: session.hosting)
    wait_connected(qtbot, session)
    button = w.sidebar.account_button
    assert button.objectName() == "accountButton" and button.isVisible()
    address = w.server_url.text()  # the server row's fact
    host = address.split("://", 1)[1]
    qtbot.waitUntil(lambda: button.text() == f"ann · {host} ▾")

    menu = _open(qtbot, session)
    items = _items(menu)
    assert menu.actions()[0].text() == "ann · connected"
    assert items["accountHosting"].text() == "Hosting for this computer"
    assert items["accountServer"].text() == f"Server: {address}…"
    profiles = menu.findChild(QMenu, "accountProfiles")
    assert profiles.title() == "Profile: tutorial"
    checked = [a.text() for a in profiles.actions() if a.isChecked()]
    assert checked == ["tutorial"]
    assert "accountConnect" not in items

    # Disconnect: the account goes offline, and the menu then offers Connect.
    items["accountDisconnect"].trigger()
    menu.close()
    qtbot.waitUntil(lambda: session.client.status.state is ConnectionState.OFFLINE)
    assert w.offline_button.isChecked()
    menu = _open(qtbot, session)
    items = _items(menu)
    assert menu.actions()[0].text() == "ann · offline"
    items["accountConnect"].trigger()
    menu.close()
    wait_connected(qtbot, session)
    assert not w.offline_button.isChecked()

    # Server…: the server row opens (address, name, profile, Connect).
    w.server_button.setChecked(False)
    assert not w.server_row.isVisible()
    menu = _open(qtbot, session)
    _items(menu)["accountServer"].trigger()
    menu.close()
    assert w.server_row.isVisible() and w.server_button.isChecked()

    # Settings…
    menu = _open(qtbot, session)
    _items(menu)["accountSettings"].trigger()
    menu.close()
    qtbot.waitUntil(lambda: hosting_desktop.settings_dialog is not None)
    qtbot.waitUntil(hosting_desktop.settings_dialog.isVisible)
