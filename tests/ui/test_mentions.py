"""Mentions in the window: `@` completes the participants' names in the message
box; a message that mentions the user is highlighted and counted apart in the
sidebar until read (the rule itself: tests/unit/protocol/test_mentions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent

from desktop_chat.ui.message_input import MessageInput
from desktop_chat.ui.participants_model import NAME_ROLE, ParticipantsModel

# The list of names is a popup: offscreen Qt cannot grab the keyboard for it.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


def popup_names(box: MessageInput) -> list[str]:
    view = box.mention_popup()
    if view is None or not view.isVisible():
        return []
    assert view.objectName() == "mentionPopup"
    model = view.model()
    return [model.index(row, 0).data(NAME_ROLE) for row in range(model.rowCount())]


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
