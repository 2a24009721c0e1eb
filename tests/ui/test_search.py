"""Search in the window: Ctrl+F in the conversation shown, Ctrl+Shift+F in all,
Hangul found inside words, the match highlighted from positions over plain
text, Enter showing the message in its conversation among its neighbours."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_chat.app.settings import Settings
from desktop_chat.client.history import Hit
from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.message_model import Role
from desktop_chat.ui.search_panel import ResultRole, SearchResultsModel, snippet
from tests.ui.conftest import search, server_url, wait_connected


def other(text: str, room: str = "") -> Message:
    return Message(text=text, kind=Kind.OTHER, room=room, sender="bob")


def test_the_results_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = SearchResultsModel()
    hits = [Hit("", other("안녕하세요"), ((2, 3),)), Hit("r", other("<b>x</b>\u202e"), ())]
    model.set_results("하세요", hits)
    qtmodeltester.check(model)
    assert model.index(0).data(ResultRole.HIT) is hits[0]
    assert "\u202e" not in model.index(1).data()  # drawn visibly, never obeyed
    assert "<b>x</b>" in model.index(1).data()  # markup stays text


def test_snippet_cuts_around_the_match() -> None:
    text = "a" * 500 + "needle" + "b" * 500
    shown = snippet(text, "needle")
    assert "needle" in shown and shown.startswith("…") and shown.endswith("…")
    assert len(shown) < 200


def test_search_finds_hangul_inside_words_and_jumps_to_the_message(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice", settings=Settings())
    wait_connected(qtbot, alice)
    alice.window.resize(800, 600)
    c = alice.conversations
    c.route([other(f"filler {i}") for i in range(3000)])
    c.route([other("안녕하세요 여러분")])
    c.route([other(f"later {i}") for i in range(3000)])
    c.route([other("hello garden", "garden")])
    alice.history.flush()
    assert c.current == ""

    qtbot.keyClick(alice.window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = alice.window.search_panel
    assert panel.isVisible() and not panel.everywhere
    panel.field.setText("하세요")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not panel.searching)
    assert [h.message.text for h in panel.model.hits()] == ["안녕하세요 여러분"]
    panel.results.viewport().grab()  # the highlight is painted (errors fail the test)

    assert search(qtbot, alice, "hello", everywhere=False) == []  # not in this conversation
    hits = search(qtbot, alice, "hello", everywhere=True)
    assert [(h.room, h.message.text) for h in hits] == [("garden", "hello garden")]

    # Enter on the Hangul result: shown in its conversation with its neighbours.
    search(qtbot, alice, "하세요", everywhere=True)
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    view = alice.window.message_list
    assert c.current == ""
    current = view.currentIndex().data(Role.MESSAGE)
    assert current.text == "안녕하세요 여러분"
    row = view.currentIndex().row()
    assert view.model().index(row - 1, 0).data(Role.MESSAGE).text == "filler 2999"
    assert view.model().index(row + 1, 0).data(Role.MESSAGE).text == "later 0"
    assert not view.following


def test_a_result_older_than_the_window_holds_is_paged_in(
    qtbot: Any, arun: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice = open_window(url, "alice", settings=Settings())
    wait_connected(qtbot, alice)
    alice.conversations.route([other("the very first, 처음")])
    alice.conversations.route([other(f"then {i}") for i in range(1000)])
    arun(alice.close())
    again = open_window(url, "alice", settings=Settings())
    assert "the very first, 처음" not in [m.text for m in again.model.messages()]
    hits = search(qtbot, again, "처음", everywhere=False)
    assert len(hits) == 1
    again.window.result_chosen.emit(hits[0])
    view = again.window.message_list
    assert view.currentIndex().data(Role.MESSAGE).text == "the very first, 처음"
    assert view.model().index(view.currentIndex().row() + 1, 0).data(Role.MESSAGE).text == "then 0"
