"""Accounts: what each window keeps is its own account's, across restarts.

Two windows of one user share the data folder; each holds an identity of its
own there, and with it its account on the server. Before accounts, both wrote
one history keyed by server only: a restarted window showed the other one's
lines as its own and its own twice, and its search found what it never had.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_chat.app.settings import Settings
from desktop_chat.client.channels import ChannelStore
from desktop_chat.client.local_db import data_dir
from desktop_chat.protocol.messages import DeliveryState, Kind
from desktop_chat.server.chat_server import ChatServer
from tests.ui.conftest import search, server_url, texts, type_and_send, wait_connected


def _delivered(session: Any, count: int) -> bool:
    own = [m for m in session.messages() if m.kind is Kind.OWN]
    return len(own) == count and all(m.state is DeliveryState.DELIVERED for m in own)


def _said(session: Any) -> list[tuple[str, str, str]]:
    """What the window shows people said: (kind, sender, text)."""
    return [
        (m.kind.value, m.sender if m.kind is Kind.OTHER else "", m.text)
        for m in session.messages()
        if m.kind is not Kind.SYSTEM
    ]


def two_windows(qtbot: Any, open_window: Any, url: str) -> tuple[Any, Any]:
    """Two windows of one user (one data folder), "anna" and "bert", connected."""
    anna = open_window(url, "anna", settings=Settings())
    bert = open_window(url, "bert", settings=Settings())
    wait_connected(qtbot, anna)
    wait_connected(qtbot, bert)
    return anna, bert


def test_two_windows_of_one_user_never_show_each_others_lines_as_their_own(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    anna, bert = two_windows(qtbot, open_window, url)
    assert anna.account is not None and bert.account is not None
    assert anna.account.id != bert.account.id
    type_and_send(qtbot, anna, "anna-1")
    qtbot.waitUntil(lambda: "anna-1" in texts(bert, Kind.OTHER))
    type_and_send(qtbot, bert, "bert-1")
    qtbot.waitUntil(lambda: "bert-1" in texts(anna, Kind.OTHER))
    qtbot.waitUntil(lambda: _delivered(anna, 1) and _delivered(bert, 1))
    anna_account = anna.account.id
    arun(anna.close())
    arun(bert.close())

    again = open_window(url, "anna", settings=Settings())
    assert again.account is not None
    assert again.account.id == anna_account  # the same account after a restart
    assert _said(again) == [("own", "", "anna-1"), ("other", "bert", "bert-1")]
    wait_connected(qtbot, again)
    assert _said(again) == [("own", "", "anna-1"), ("other", "bert", "bert-1")]


def test_search_finds_only_what_this_window_can_show(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    anna, bert = two_windows(qtbot, open_window, url)
    bert.window.room_input.setText("attic")
    bert.window.join_button.click()
    qtbot.waitUntil(lambda: "attic" in bert.conversations.rooms())
    type_and_send(qtbot, bert, "only in the attic", room="attic")
    type_and_send(qtbot, anna, "the attic is dusty")
    qtbot.waitUntil(lambda: _delivered(bert, 1) and _delivered(anna, 1))
    qtbot.waitUntil(lambda: "the attic is dusty" in texts(bert, Kind.OTHER))
    anna.history.flush()
    bert.history.flush()

    hits = search(qtbot, anna, "attic", True)
    assert [h.message.text for h in hits] == ["the attic is dusty"]
    for hit in hits:  # Enter on every result shows it
        anna.window.result_chosen.emit(hit)
        assert hit.message.text in [m.text for m in anna.model.messages()]
    assert sorted(
        h.message.text
        for h in search(qtbot, bert, "attic", True)
        if h.message.kind is not Kind.SYSTEM
    ) == ["only in the attic", "the attic is dusty"]


def test_unread_counts_and_where_they_start_survive_a_restart(
    qtbot: Any, arun: Callable[..., Any], open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    anna, bert = two_windows(qtbot, open_window, url)
    for window in (anna, bert):
        window.window.room_input.setText("garden")
        window.window.join_button.click()
        qtbot.waitUntil(lambda w=window: "garden" in w.conversations.rooms())
    anna.window.select_room("")  # anna reads "Everyone" while bert writes in #garden
    anna.conversations.set_seen(False)
    for i in range(3):
        type_and_send(qtbot, bert, f"garden {i}", room="garden")
    qtbot.waitUntil(lambda: anna.conversations.unread("garden") == 3)
    first = next(m.id for m in anna.messages() if m.text == "garden 0")
    arun(anna.close())

    again = open_window(url, "anna", settings=Settings())
    assert again.conversations.unread("garden") == 3
    model = again.conversations.show("garden")
    assert model.divider_id == first  # "New messages" above the first unread one


RELEASE = Path(__file__).parent.parent / "fixtures" / "release-a484c8a"


def test_the_files_of_the_release_before_accounts_are_taken_over_losing_nothing(
    qtbot: Any, open_window: Any
) -> None:
    """client.db and history.db as the release before accounts wrote them
    (tests/fixtures/make_release_files.py): anna's window, the first one,
    takes them over; nothing waiting, drafted or caught up is lost, and
    bert's window's lines are bert's."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("client.db", "history.db"):
        shutil.copy(RELEASE / name, folder / name)
    server = "http://127.0.0.1:3999/socket.io"
    anna = open_window("http://127.0.0.1:3999", "anna", settings=Settings())
    account = anna.account
    assert account is not None and account.server == server
    assert anna.conversations.rooms() == ["", "garden"]
    assert anna.conversations.current == "garden"
    assert anna.window.message_input.toPlainText() == "half a thought"
    everyone = anna.conversations.model("")
    assert everyone is not None

    def said() -> list[tuple[str, str, str, DeliveryState | None]]:
        return [
            (m.kind.value, m.sender if m.kind is Kind.OTHER else "", m.text, m.state)
            for m in everyone.messages()
            if m.kind is not Kind.SYSTEM
        ]

    expected = [
        ("own", "", "anna-1", DeliveryState.DELIVERED),
        ("other", "bert", "bert-1", None),
        ("other", "carol", "carol-1", None),
        ("own", "", "waiting to be sent", DeliveryState.PENDING),
        ("own", "", "refused one", DeliveryState.FAILED),
    ]
    qtbot.waitUntil(lambda: len(said()) >= len(expected))
    assert said() == expected
    refused = next(m for m in everyone.messages() if m.text == "refused one")
    assert refused.error == "too big for this server"
    assert texts(anna, Kind.OTHER).count("in the garden") == 1
    assert ChannelStore(anna.database, anna.identity.key).load(server).offsets == {
        "": 7,
        "garden": 3,
    }
    assert [h.message.text for h in search(qtbot, anna, "carol", True)] == ["carol-1"]
    assert [h.message.text for h in search(qtbot, anna, "bert-1", True)] == ["bert-1"]


def test_a_second_window_after_the_takeover_starts_its_own_account(
    qtbot: Any, open_window: Any
) -> None:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("client.db", "history.db"):
        shutil.copy(RELEASE / name, folder / name)
    anna = open_window("http://127.0.0.1:3999", "anna", settings=Settings())
    bert = open_window("http://127.0.0.1:3999", "bert", settings=Settings())
    assert anna.account is not None and bert.account is not None
    assert anna.account.id != bert.account.id
    assert [m.text for m in bert.messages() if m.kind is not Kind.SYSTEM] == []
    assert bert.history.legacy_servers() == []
