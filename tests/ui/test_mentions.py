"""Mentions in the window: `@` completes the participants' names in the message
box; a message that mentions the user is highlighted and counted apart in the
sidebar until read (the rule itself: tests/unit/protocol/test_mentions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QInputMethodEvent
from PySide6.QtWidgets import QListView

from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.message_delegate import MARGIN
from desktop_chat.ui.message_input import MessageInput
from desktop_chat.ui.message_model import Role
from desktop_chat.ui.participants_model import NAME_ROLE, ParticipantsModel
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected

# The list of names is a popup: offscreen Qt cannot grab the keyboard for it.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


def popup_names(box: MessageInput) -> list[str]:
    view = box.mention_popup()
    if view is None or not view.isVisible():
        return []
    assert view.objectName() == "mentionPopup"
    model = view.model()
    return [model.index(row, 0).data(NAME_ROLE) for row in range(model.rowCount())]


def rows_drawn(view: QListView) -> int:
    model = view.model()
    return model.rowCount() if model is not None else 0


def pixel_left_inside(view: QListView, text: str) -> QColor:
    """The colour just inside the left edge of the row showing `text` (the fill,
    or the mention's bar)."""
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        message = index.data(Role.MESSAGE)
        if message.text == text:
            view.scrollTo(index)
            rect = view.visualRect(index)
            image = view.viewport().grab().toImage()
            return image.pixelColor(rect.left() + MARGIN + 1, rect.center().y())
    raise AssertionError(f"no row shows {text!r}")


def mention_box(qtbot: Any, names: list[str]) -> MessageInput:
    box = MessageInput()
    box.setTabChangesFocus(True)  # as in the window: Tab would go to the next control
    participants = ParticipantsModel(box)
    participants.set_members([(name, 1) for name in names])
    box.set_mention_names(participants, NAME_ROLE)
    qtbot.addWidget(box)
    box.show()
    box.setFocus()
    return box


def commit(box: MessageInput, text: str = "", preedit: str = "") -> None:
    event = QInputMethodEvent(preedit, [])
    event.setCommitString(text)
    box.inputMethodEvent(event)


def test_at_and_letters_offer_names_and_tab_puts_one_in(qtbot: Any) -> None:
    box = mention_box(qtbot, ["alice", "Alex", "bob", "김민수"])
    qtbot.keyClicks(box, "hi @al")
    assert popup_names(box) == ["Alex", "alice"]  # any case, in the list's order
    qtbot.keyClick(box, Qt.Key.Key_I)
    assert popup_names(box) == ["alice"]
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.toPlainText() == "hi @alice "
    assert popup_names(box) == []


def test_enter_takes_the_name_and_does_not_send(qtbot: Any) -> None:
    box = mention_box(qtbot, ["alice", "bob"])
    sent: list[bool] = []
    box.submitted.connect(lambda: sent.append(True))
    qtbot.keyClicks(box, "@B")
    assert popup_names(box) == ["bob"]
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert (box.toPlainText(), sent) == ("@bob ", [])
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert sent == [True]


def test_esc_closes_the_list_and_only_that(qtbot: Any) -> None:
    box = mention_box(qtbot, ["alice"])
    cancelled: list[bool] = []
    box.cancel_requested.connect(lambda: cancelled.append(True))
    qtbot.keyClicks(box, "@")
    assert popup_names(box) == ["alice"]
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert (popup_names(box), cancelled, box.toPlainText()) == ([], [], "@")
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # no list now: stop replying or editing
    assert cancelled == [True]


def test_no_names_in_an_address_or_after_a_name_that_matches_none(qtbot: Any) -> None:
    box = mention_box(qtbot, ["alice"])
    qtbot.keyClicks(box, "mail bob@al")
    assert popup_names(box) == []
    box.clear()
    qtbot.keyClicks(box, "@alx")
    assert popup_names(box) == []


def test_hangul_completes_on_committed_syllables_only(qtbot: Any) -> None:
    box = mention_box(qtbot, ["김민수", "김철수", "이영희"])
    qtbot.keyClicks(box, "@")
    commit(box, preedit="기")  # being composed: not a prefix yet
    commit(box, preedit="김")
    assert "이영희" in popup_names(box)
    commit(box, text="김", preedit="미")
    assert popup_names(box) == ["김민수", "김철수"]
    commit(box, text="민")
    assert popup_names(box) == ["김민수"]
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.toPlainText() == "@김민수 "


def test_two_windows_complete_highlight_and_count_a_mention(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """bob types "@al", takes "alice" with Tab and sends; alice's window
    highlights that line, counts it apart while "garden" is not shown, and
    reads it when it is."""
    url = server_url(chat_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        s.window.room_input.setText("garden")
        qtbot.mouseClick(s.window.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=s: "Joined garden" in texts(s, Kind.SYSTEM))
    alice.window.select_room("")  # alice looks at everyone
    bob.window.select_room("garden")
    names = bob.window.sidebar.participants
    qtbot.waitUntil(lambda: [n for n, _w in names.members()] == ["alice", "bob"], timeout=5000)

    box = bob.window.message_input
    box.setFocus()
    qtbot.keyClicks(box, "@al")
    assert popup_names(box) == ["alice"]
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.toPlainText() == "@alice "
    qtbot.keyClicks(box, "look")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    type_and_send(qtbot, bob, "and nobody")

    qtbot.waitUntil(lambda: alice.conversations.unread("garden") == 2)
    assert alice.conversations.mentions("garden") == 1
    c = alice.conversations
    row = c.list_model.index(c.list_model.row_of("garden"))
    assert row.data() == "#garden  (2, @1)"
    assert "1 mention" in row.data(Qt.ItemDataRole.AccessibleTextRole)
    assert [m.text for m in bob.messages() if m.kind is Kind.OWN] == ["@alice look", "and nobody"]

    alice.window.select_room("garden")
    alice.conversations.set_seen(True)  # what activating the window at the newest does
    assert (c.unread("garden"), c.mentions("garden")) == (0, 0)
    assert row.data() == "#garden"
    delegate = alice.window.delegate
    lines = {m.text: m for m in alice.conversations.current_model.messages()}
    assert delegate.mentions_me(lines["@alice look"])
    assert not delegate.mentions_me(lines["and nobody"])
    # Painted with the mention's fill: a pixel of the row, not of a plain line.
    view = alice.window.message_list
    qtbot.waitUntil(lambda: rows_drawn(view) >= 2)
    mention_fill = pixel_left_inside(view, "@alice look")
    plain_fill = pixel_left_inside(view, "and nobody")
    assert mention_fill != plain_fill
    # Called otherwise now: the old name's mentions are no longer highlighted.
    alice.window.show_name("alicia")
    assert not delegate.mentions_me(lines["@alice look"])
    # bob's own line that mentions alice is not highlighted in bob's window.
    own = next(m for m in bob.window.model.messages() if m.text == "@alice look")
    assert not bob.window.delegate.mentions_me(own)
