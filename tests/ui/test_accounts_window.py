"""Several accounts in one window: added from the window, each with its own
connection and conversations, switched with the rail or Ctrl+1…9, searched
together, remembered across a restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import DeliveryState, Kind
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.account_list_model import AccountRole
from tests.ui.conftest import search, server_url, texts, type_and_send, wait_connected
from tests.ui.test_conversations import focused


def add_in_dialog(qtbot: Any, session: Any, url: str, name: str) -> None:
    """What a user does: Add account…, type the address and the name, OK."""
    w = session.window
    qtbot.mouseClick(w.sidebar.add_account_button, Qt.MouseButton.LeftButton)
    dialog = w.add_account_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.url.setText(url)
    dialog.name.setText(name)
    dialog.buttons.accepted.emit()


def rows(session: Any) -> list[tuple[str, str, int]]:
    model = session.account_rows
    return [
        (
            model.index(r).data(AccountRole.ACCOUNT),
            model.index(r).data(AccountRole.STATE),
            model.index(r).data(AccountRole.UNREAD),
        )
        for r in range(model.rowCount())
    ]


def test_a_second_account_is_added_from_the_window_and_each_has_its_conversations(
    qtbot: Any, open_window: Any, chat_server: ChatServer, second_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    rail = alice.window.sidebar.account_list
    assert rail.isHidden()  # one account: as simple as ever
    first = alice.account
    assert first is not None

    add_in_dialog(qtbot, alice, server_url(second_server), "al on two")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    assert not alice.window.add_account_dialog.isVisible()
    second = alice.account  # the new account is shown
    assert second is not None and second.id != first.id
    wait_connected(qtbot, alice)
    assert alice.client.target is not None
    assert alice.client.target.url.port == second_server.port
    assert not rail.isHidden()
    qtbot.waitUntil(lambda: [r[1] for r in rows(alice)] == ["connected", "connected"])

    # Each account its own connection: a peer on the first server writes while
    # the second account is shown; its count is on the first account's row.
    bob = open_window(server_url(chat_server), "bob")
    wait_connected(qtbot, bob)
    type_and_send(qtbot, bob, "to the first server")
    qtbot.waitUntil(lambda: rows(alice)[0][2] == 1)
    assert "to the first server" not in texts(alice, Kind.OTHER)  # not shown here

    type_and_send(qtbot, alice, "from the second account")
    qtbot.waitUntil(
        lambda: (
            [m.state for m in alice.messages() if m.kind is Kind.OWN] == [DeliveryState.DELIVERED]
        )
    )
    assert "from the second account" not in texts(bob, Kind.OTHER)

    alice.window.activateWindow()
    qtbot.waitUntil(alice.window.isActiveWindow)
    qtbot.keyClick(focused(alice.window), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert alice.account is not None and alice.account.id == first.id
    assert "to the first server" in texts(alice, Kind.OTHER)
    assert alice.window.name_edit.text() == "alice"
    qtbot.keyClick(focused(alice.window), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert alice.account is not None and alice.account.id == second.id
    assert alice.window.name_edit.text() == "al on two"


def test_a_bad_address_is_said_in_the_dialog_which_keeps_what_was_typed(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    add_in_dialog(qtbot, alice, "ftp://example.org", "someone")
    dialog = alice.window.add_account_dialog
    qtbot.waitUntil(dialog.problem.isVisible)
    assert "only http://, https://" in dialog.problem.text()
    assert dialog.isVisible() and dialog.url.text() == "ftp://example.org"
    assert dialog.name.text() == "someone"
    assert len(alice.sessions) == 1


def test_the_same_server_twice_under_two_names_is_two_people(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    add_in_dialog(qtbot, alice, server_url(chat_server), "alice at work")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    one, two = alice.sessions
    assert one.account.key != two.account.key  # the server tells them apart
    qtbot.waitUntil(
        lambda: all(s.status.state is ConnectionState.CONNECTED for s in alice.sessions)
    )
    type_and_send(qtbot, alice, "said at work")
    qtbot.waitUntil(
        lambda: (
            "said at work" in [m.text for m in one.conversations.messages() if m.kind is Kind.OTHER]
        )
    )
    said = next(m for m in one.conversations.messages() if m.text == "said at work")
    assert said.sender == "alice at work"


def test_accounts_come_back_after_a_restart_and_search_covers_them_all(
    qtbot: Any,
    arun: Callable[..., Any],
    open_window: Any,
    chat_server: ChatServer,
    second_server: ChatServer,
) -> None:
    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    type_and_send(qtbot, alice, "a lantern on the first")
    add_in_dialog(qtbot, alice, server_url(second_server), "al")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    wait_connected(qtbot, alice)
    type_and_send(qtbot, alice, "a lantern on the second")
    qtbot.waitUntil(
        lambda: all(
            m.state is DeliveryState.DELIVERED
            for s in alice.sessions
            for m in s.conversations.messages()
            if m.kind is Kind.OWN
        )
    )
    ids = [s.account.id for s in alice.sessions]
    arun(alice.close())

    again = open_window(server_url(chat_server), "alice", settings=Settings())
    assert [s.account.id for s in again.sessions] == ids
    assert not again.window.sidebar.account_list.isHidden()
    qtbot.waitUntil(
        lambda: all(s.status.state is ConnectionState.CONNECTED for s in again.sessions)
    )
    again.history.flush()
    hits = search(qtbot, again, "lantern", True)
    assert sorted((h.message.text, h.account) for h in hits) == [
        ("a lantern on the first", ids[0]),
        ("a lantern on the second", ids[1]),
    ]
    other = next(h for h in hits if h.account == ids[1])
    again.window.result_chosen.emit(other)  # Enter on a result of the other account
    assert again.account is not None and again.account.id == ids[1]
    assert "a lantern on the second" in [m.text for m in again.model.messages()]


def test_an_account_removed_is_gone_from_the_window_and_the_next_start(
    qtbot: Any,
    arun: Callable[..., Any],
    open_window: Any,
    chat_server: ChatServer,
    second_server: ChatServer,
) -> None:
    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    add_in_dialog(qtbot, alice, server_url(second_server), "al")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    second = alice.sessions[1]
    alice.window.account_remove_requested.emit(second.account.id)
    assert [s.account.id for s in alice.sessions] == [alice.sessions[0].account.id]
    assert alice.window.sidebar.account_list.isHidden()
    qtbot.waitUntil(lambda: second.status.state is ConnectionState.OFFLINE)
    arun(alice.close())
    again = open_window(server_url(chat_server), "alice", settings=Settings())
    assert len(again.sessions) == 1
