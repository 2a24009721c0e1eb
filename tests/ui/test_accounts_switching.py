"""Switching between accounts: what follows the account shown (its name, offline
state, presence, inspector, notifications, hosting flag), and what is freed
when one is removed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF
from tests.ui.conftest import server_url, wait_connected
from tests.ui.test_accounts_window import add_in_dialog


def test_typing_another_accounts_server_in_the_address_field_does_not_make_two_of_it(
    qtbot: Any, open_window: Any, chat_server: ChatServer, second_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    first = alice.account
    add_in_dialog(qtbot, alice, server_url(second_server), "al on two")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    qtbot.waitUntil(
        lambda: all(s.status.state is ConnectionState.CONNECTED for s in alice.sessions)
    )
    assert first is not None
    alice.show_account(first.id)
    assert alice.account is not None and alice.account.id == first.id
    # The user types the second account's server in the first account's address field.
    alice.window.server_url.setText(server_url(second_server))
    alice.window.connect_requested.emit(server_url(second_server))
    # The account shown is (now) on the second server, and every account connected.
    qtbot.waitUntil(
        lambda: (
            alice.account is not None
            and alice.account.server.startswith(server_url(second_server))
            and all(s.status.state is ConnectionState.CONNECTED for s in alice.sessions)
        )
    )
    ids = [s.account.id for s in alice.sessions]
    assert len(set(ids)) == len(ids), ids  # one session per account
    assert alice.shown is alice.sessions[1]  # the second server's account is shown
    keys = [(s.client.target.key, s.account.key) for s in alice.sessions if s.client.target]
    assert len(set(keys)) == len(keys), keys  # never the same client key twice on a server


def test_after_moving_an_account_first_each_account_keeps_its_name_at_the_next_start(
    qtbot: Any,
    arun: Callable[..., Any],
    open_window: Any,
    chat_server: ChatServer,
    second_server: ChatServer,
) -> None:
    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    add_in_dialog(qtbot, alice, server_url(second_server), "al on two")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    wait_connected(qtbot, alice)
    one, two = (s.account.id for s in alice.sessions)
    alice.window.account_move_requested.emit(two, -1)  # the second account first
    assert [s.account.id for s in alice.sessions] == [two, one]
    arun(alice.close())

    # The next start, as `desktop-chat` without --url or --name.
    again = ChatSession(Options(url=None, name="", remember=True), Settings(), backoff=FAST_BACKOFF)
    try:
        arun(again.start())
        names = {s.account.id: s.client.name for s in again.sessions}
        assert names == {two: "al on two", one: "alice"}
    finally:
        arun(again.close())


def test_the_hosting_flag_stays_with_the_hosting_account_after_a_move(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    import io
    import json
    import os

    from desktop_chat.app.automation import Automation
    from tests.helpers import free_port

    host = open_window(None, "host", default_url=f"http://127.0.0.1:{free_port()}")
    qtbot.waitUntil(lambda: host.hosting, timeout=10_000)
    wait_connected(qtbot, host)
    hosting_account = host.sessions[0]
    read, write = os.pipe()
    out = io.StringIO()
    automation = Automation(host, stdin_fd=read, stdout=out)
    try:
        added = host.add_account(server_url(chat_server), "elsewhere")
        assert added is not None
        qtbot.waitUntil(
            lambda: all(s.status.state is ConnectionState.CONNECTED for s in host.sessions)
        )
        host.window.account_move_requested.emit(added.id, -1)  # the other account first
        assert host.sessions[0].account.id == added.id
        out.truncate(0)
        out.seek(0)
        host.bridge.set_offline(True)  # the account shown (the added one) goes offline
        host.show_account(hosting_account.account.id)
        host.bridge.set_offline(True)  # and the hosting one
        qtbot.waitUntil(
            lambda: all(s.status.state is ConnectionState.OFFLINE for s in host.sessions)
        )
        statuses = [json.loads(line) for line in out.getvalue().splitlines()]
        statuses = [e for e in statuses if e.get("event") == "status"]
        flags = {e["account"]: e["hosting"] for e in statuses}
        assert flags == {hosting_account.account.id: True, added.id: False}, flags
    finally:
        automation.stop()
        os.close(read)
        os.close(write)


def test_the_offline_button_says_the_shown_accounts_state_after_a_switch(
    qtbot: Any, open_window: Any, chat_server: ChatServer, second_server: ChatServer
) -> None:
    from PySide6.QtCore import Qt

    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    first = alice.shown
    add_in_dialog(qtbot, alice, server_url(second_server), "al on two")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    wait_connected(qtbot, alice)
    second = alice.shown
    button = alice.window.offline_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the second account goes offline
    qtbot.waitUntil(lambda: second.status.state is ConnectionState.OFFLINE)
    alice.show_account(first.account.id)
    assert first.status.state is ConnectionState.CONNECTED
    assert not button.isChecked()  # the first account is online: "Go offline"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # one press takes it offline
    qtbot.waitUntil(lambda: first.status.state is ConnectionState.OFFLINE)
    alice.show_account(second.account.id)
    assert button.isChecked()  # still offline: "Go online"


def test_the_inspector_taps_and_emits_on_the_account_shown(
    qtbot: Any, open_window: Any, chat_server: ChatServer, second_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    first = alice.shown
    alice.inspector.open()
    qtbot.waitUntil(alice.inspector.dock.isVisible)
    add_in_dialog(qtbot, alice, server_url(second_server), "al on two")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    second = alice.shown
    assert second is not first
    assert alice.inspector.client is second.client  # the packets of the account shown
    alice.window.account_remove_requested.emit(first.account.id)
    assert alice.inspector.client is second.client


def test_after_a_switch_the_presence_bar_counts_the_shown_accounts_room(
    qtbot: Any, open_window: Any, chat_server: ChatServer, second_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    bob = open_window(server_url(chat_server), "bob")
    wait_connected(qtbot, bob)
    count = alice.window.presence.count
    qtbot.waitUntil(lambda: count.text() == "2 participants")
    first = alice.shown
    add_in_dialog(qtbot, alice, server_url(second_server), "al on two")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    wait_connected(qtbot, alice)
    # Alone on the second server ("1 participant", or "1 participants" where no
    # translation is installed yet in this process).
    qtbot.waitUntil(lambda: count.text().split(" ")[0] in ("1", ""))
    alice.show_account(first.account.id)
    # Two here (alice and bob), as known: said at once, not emptied by the switch.
    assert count.text() == "2 participants"


def test_a_removed_account_is_freed(
    qtbot: Any, open_window: Any, chat_server: ChatServer, second_server: ChatServer
) -> None:
    import gc
    import weakref

    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    add_in_dialog(qtbot, alice, server_url(second_server), "al on two")
    qtbot.waitUntil(lambda: len(alice.sessions) == 2)
    wait_connected(qtbot, alice)
    second = alice.sessions[1]
    parts = {
        "session": weakref.ref(second),
        "client": weakref.ref(second.client),
        "conversations": weakref.ref(second.conversations),
    }
    alice.window.account_remove_requested.emit(second.account.id)
    del second
    qtbot.waitUntil(lambda: not alice.in_window._closing)  # closed (disconnected)

    def freed() -> bool:
        gc.collect()
        return all(ref() is None for ref in parts.values())

    qtbot.waitUntil(freed, timeout=3000)
