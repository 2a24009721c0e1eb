"""The first ten minutes (issue 25): what a new user met, each against a real
server: "#garden" typed joins garden and the field empties; a refused join is
said beside the field; one long word breaks only itself; a link's menu entry
shows the link as it is; a very long message fits the screen; Settings closed
untouched renames no one; a language switch reaches the participant count and
the servers' lines in Settings."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import ServerEntry, Settings
from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.i18n import Translations
from desktop_chat.ui.message_model import Role
from desktop_chat.ui.search_panel import ResultRole
from tests.helpers import FAST_BACKOFF
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


def join_typed(qtbot: Any, session: ChatSession, typed: str) -> None:
    """Type into the join field and press Enter, as a user does."""
    field = session.window.room_input
    field.setFocus()
    field.setText(typed)
    field.returnPressed.emit()


def row_of(session: ChatSession, text: str) -> Any:
    model = session.window.model
    for row in range(model.rowCount()):
        index = model.index(row)
        message = index.data(Role.MESSAGE)
        if isinstance(message, Message) and message.text == text:
            return index
    raise AssertionError(f"{text!r} is not shown")


def test_hash_garden_joins_garden_and_the_field_empties(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    join_typed(qtbot, alice, "#garden")
    qtbot.waitUntil(lambda: "Joined garden" in texts(alice, Kind.SYSTEM))
    assert alice.client.rooms == ["garden"]
    assert alice.conversations.rooms() == ["", "garden"]
    assert alice.window.room_input.text() == ""  # ready for the next one
    assert alice.window.room() == "garden"


def test_a_refused_join_is_said_beside_the_field_in_words(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    long_room = "r" * 200
    join_typed(qtbot, alice, long_room)
    problem = alice.window.sidebar.join_problem
    qtbot.waitUntil(problem.isVisible)
    assert "128" in problem.text() and "join-room" not in problem.text()
    assert len(problem.text()) < 120  # the long name shortened, not 200 r's
    assert not any("128" in t for t in texts(alice, Kind.SYSTEM))  # not in Everyone
    assert alice.window.room_input.text() == long_room  # back, to correct
    join_typed(qtbot, alice, "garden")
    assert not problem.isVisible()
    qtbot.waitUntil(lambda: "Joined garden" in texts(alice, Kind.SYSTEM))


def test_one_long_word_breaks_only_itself(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
    bob.window.resize(700, 600)
    bob.window.show()
    words = (
        "we deliberately chose this arrangement because everything else failed when "
        "the garden party moved indoors and somebody brought an enormous watermelon"
    )
    text = f"{words} {'x' * 120} {words}"
    type_and_send(qtbot, alice, text)
    qtbot.waitUntil(lambda: text in texts(bob, Kind.OTHER))
    message = row_of(bob, text).data(Role.MESSAGE)
    qtbot.waitUntil(lambda: bob.window.delegate._width > 0)
    lines = bob.window.delegate.painted_lines(message)
    assert len(lines) > 3  # it does wrap
    for before, after in itertools.pairwise(lines):
        at_space = before.endswith(" ") or after.startswith(" ")
        in_long_word = before.endswith("x") and after.startswith("x")
        assert at_space or in_long_word, f"a word was broken: {before!r} | {after!r}"


def test_the_link_menu_shows_the_link_as_it_is(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    link = "https://example.com/path?q=1&lang=en"
    type_and_send(qtbot, alice, f"see {link}")
    qtbot.waitUntil(lambda: f"see {link}" in texts(alice, Kind.OWN))
    menu = alice.window.message_menu(row_of(alice, f"see {link}"))
    assert menu is not None
    shown = [action.iconText() for action in menu.actions()]  # as drawn: mnemonics taken
    assert f"Open {link}" in shown


def test_a_120_line_message_fits_the_screen(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    text = "\n".join(f"line {i}" for i in range(120))
    type_and_send(qtbot, alice, text)
    qtbot.waitUntil(lambda: text in texts(alice, Kind.OWN))
    alice.window.show()
    menu = alice.window.message_menu(row_of(alice, text))
    assert menu is not None
    whole = next(a for a in menu.actions() if a.text() == "Show whole message")
    whole.trigger()
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in alice.window.findChildren(QDialog))
    )
    box = next(d for d in alice.window.findChildren(QDialog) if d.isVisible())
    screen = (box.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    assert screen.contains(box.frameGeometry()), (box.frameGeometry(), screen)
    ok = box.findChild(QDialogButtonBox).buttons()[0]
    ok_rect = QRect(ok.mapToGlobal(ok.rect().topLeft()), ok.size())
    assert screen.contains(ok_rect)
    box.close()


@pytest.fixture
def desktop_on(arun: Any, qapp: QApplication, chat_server: ChatServer) -> Iterator[Any]:
    from desktop_chat.app.desktop import Desktop

    settings = Settings(servers=[ServerEntry("http://127.0.0.1:1", "/socket.io", "")])
    session = ChatSession(
        Options(url=server_url(chat_server), name="root", remember=False),
        settings,
        backoff=FAST_BACKOFF,
    )
    desk = Desktop(session, qapp, "en")
    arun(session.start())
    yield desk
    desk.translations.apply("en")  # before closing: the status line is said anew
    qapp.processEvents()
    arun(desk.close())
    arun(session.close())


def test_settings_closed_untouched_rename_no_one(desktop_on: Any, qtbot: Any) -> None:
    session = desktop_on.session
    wait_connected(qtbot, session)
    desktop_on.open_settings()
    dialog = desktop_on.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.name_edit.editingFinished.emit()  # what leaving the field does
    dialog.close()
    dialog.name_edit.setText("rooted")  # a real change still renames
    dialog.name_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: "You are now called rooted." in texts(session, Kind.SYSTEM))
    assert not any(t == "You are now called root." for t in texts(session, Kind.SYSTEM))


def test_a_language_switch_reaches_the_count_and_the_servers(
    desktop_on: Any, qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    session = desktop_on.session
    other = open_window(server_url(chat_server), "bob")
    for s in (session, other):
        wait_connected(qtbot, s)
        join_typed(qtbot, s, "garden")
    count = session.window.presence.count
    qtbot.waitUntil(lambda: count.text() == "2 participants", timeout=10_000)
    desktop_on.open_settings()
    servers = desktop_on.settings_dialog.servers_list
    assert "(default transport)" in servers.item(0).text()
    translations: Translations = desktop_on.translations
    assert translations.apply("ko")
    QApplication.processEvents()
    assert count.text() == "참가자 2명"
    assert "영어" not in servers.item(0).text()
    assert "default transport" not in servers.item(0).text()


def test_search_runs_as_you_type_says_so_and_names_you(
    qtbot: Any, open_window: Any, chat_server: ChatServer, qapp: QApplication
) -> None:
    korean = Translations(qapp)
    assert korean.apply("en")  # English plurals ("3 messages")
    url = server_url(chat_server)
    alice = open_window(url, "alice", settings=Settings())
    bob = open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
    type_and_send(qtbot, alice, "the lantern is lit")
    type_and_send(qtbot, bob, "a lantern for bob " + "long " * 60)
    qtbot.waitUntil(lambda: any(t.startswith("a lantern") for t in texts(alice, Kind.OTHER)))
    alice.conversations.route(
        [Message(text="lantern festival tonight", kind=Kind.SYSTEM, room="garden")]
    )
    alice.history.flush()
    w = alice.window
    w.resize(900, 980)
    w.show()
    w.start_search(everywhere=True)
    panel = w.search_panel
    said: list[str] = []
    panel.search_requested.connect(lambda *_: said.append(panel.count.text()))
    qtbot.keyClicks(panel.field, "lantern")  # no Enter
    assert panel.count.text() == ""  # not while typing
    qtbot.waitUntil(lambda: panel.count.text().endswith("found"))
    assert said == ["Searching…"]  # once, after the typing paused
    assert panel.count.text() == "3 messages found"
    where = {
        panel.model.index(r).data(ResultRole.HIT).message.text.split()[0]:
            panel.model.index(r).data(ResultRole.WHERE)
        for r in range(panel.model.rowCount())
    }
    assert " · You · " in where["the"]
    assert " · bob · " in where["a"]
    assert " · Notice · " in where["lantern"]
    # The results take the height there is, and never scroll sideways.
    results = panel.results
    assert results.height() >= 0.8 * w.message_list.height()
    assert not results.horizontalScrollBar().isVisible()
    try:
        assert korean.apply("ko")
        qapp.processEvents()
        names = [panel.model.index(r).data(ResultRole.WHERE) for r in range(3)]
        assert any(" · 나 · " in n for n in names) and any(" · 알림 · " in n for n in names)
        assert panel.count.text() == "메시지 3개를 찾았습니다"
    finally:
        korean.apply("en")
        qapp.processEvents()
