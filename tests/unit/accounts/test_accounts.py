"""The accounts part without a window: the store's rules and the conversation state."""

from __future__ import annotations

from desktop_chat.accounts.conversation_state import ConversationState
from desktop_chat.accounts.store import AccountStore
from desktop_chat.client.local_db import open_client_db

SERVER = "http://127.0.0.1:3000/socket.io"


def test_the_first_account_on_a_server_speaks_with_the_identitys_key_a_second_with_its_own() -> (
    None
):
    store = AccountStore(open_client_db())
    first = store.add("window-key", SERVER, "http://127.0.0.1:3000", "/socket.io", "anna")
    second = store.add("window-key", SERVER, "http://127.0.0.1:3000", "/socket.io", "anna@work")
    elsewhere = store.add("window-key", "http://h:1/socket.io", "http://h:1", "/socket.io")
    assert first.key == "window-key" and elsewhere.key == "window-key"
    assert second.key not in ("window-key", first.key)
    assert len({first.id, second.id, elsewhere.id}) == 3
    assert store.for_server("window-key", SERVER) == first
    assert store.for_key(second.key, SERVER) == second


def test_accounts_keep_their_order_and_only_listed_ones_are_in_the_window() -> None:
    store = AccountStore(open_client_db())
    a, b, c = (store.add("k", f"s{i}", f"http://h:{i}", "/socket.io", f"n{i}") for i in range(3))
    store.move(c.id, -1)
    assert [x.id for x in store.accounts("k")] == [a.id, c.id, b.id]
    store.set_listed(a.id, False)
    assert [x.id for x in store.accounts("k")] == [c.id, b.id]
    assert store.for_server("k", "s0") is not None  # kept, with its history, for later
    store.remove(b.id)
    assert [x.id for x in store.accounts("k")] == [c.id]
    assert store.accounts("another window") == []


def test_the_conversation_state_counts_reads_and_comes_back() -> None:
    state = ConversationState()
    told: list[str] = []
    state.on_unread = told.append
    state.count("garden", ["m1", "m2"])
    state.count("garden", ["m3"])
    state.count("", [])
    assert (state.unread("garden"), state.first_unread("garden"), state.total()) == (3, "m1", 3)
    assert told == ["garden", "garden"]
    snapshot = state.snapshot()
    state.read("garden")
    assert (state.unread("garden"), state.first_unread("garden")) == (0, "")
    again = ConversationState()
    for room, (count, first, mentioned) in snapshot.items():
        again.restore(room, count, first, mentioned)
    assert (again.unread("garden"), again.first_unread("garden")) == (3, "m1")
    assert again.mentions("garden") == 0


def test_mentions_count_apart_and_are_read_with_the_rest() -> None:
    state = ConversationState()
    told: list[str] = []
    state.on_unread = told.append
    state.count("garden", ["m1", "m2"], mentions=1)
    state.count("garden", ["m3"], mentions=1)
    assert (state.unread("garden"), state.mentions("garden")) == (3, 2)
    assert told == ["garden", "garden"]  # one change, told once
    assert state.snapshot() == {"garden": (3, "m1", 2)}
    again = ConversationState()
    again.restore("garden", 3, "m1", 2)
    again.restore("lounge", 1, "m9", 5)  # a kept file that says more: never above unread
    assert (again.mentions("garden"), again.mentions("lounge")) == (2, 1)
    state.read("garden")
    assert (state.unread("garden"), state.mentions("garden")) == (0, 0)
    assert told[-1] == "garden"
