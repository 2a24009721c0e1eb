"""Korean input: the syllable still being composed is sent once, never lost or doubled.

The events are the ones an input method sends through Qt (QInputMethodEvent):
a preedit that grows, commits, and on Enter a commit of the last syllable
either before the key event (fcitx5 usually) or after it (ibus-hangul on
some versions), or a Send click while a syllable is pending.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_model import MessageModel


def preedit(widget: Any, text: str, commit: str = "") -> None:
    event = QInputMethodEvent(text, [])
    if commit:
        event.setCommitString(commit)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def window(qtbot: Any) -> tuple[MainWindow, list[str]]:
    w = MainWindow(MessageModel())
    qtbot.addWidget(w)
    sent: list[str] = []
    w.send_requested.connect(lambda text, _room: sent.append(text))
    w.show()
    w.message_input.setFocus()
    return w, sent


def type_han_then_giyeok(box: Any) -> None:
    preedit(box, "ㅎ")
    preedit(box, "하")
    preedit(box, "한")
    preedit(box, "ㄱ", commit="한")  # 한 is done, ㄱ starts the next syllable
    assert box.toPlainText() == "한" and box.preedit() == "ㄱ"


def test_commit_before_enter(window: tuple[MainWindow, list[str]], qtbot: Any) -> None:
    w, sent = window
    box = w.message_input
    type_han_then_giyeok(box)
    preedit(box, "", commit="ㄱ")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert sent == ["한ㄱ"]
    assert box.toPlainText() == "" and box.preedit() == ""


def test_commit_after_enter_is_not_sent_twice_nor_left_behind(
    window: tuple[MainWindow, list[str]], qtbot: Any
) -> None:
    w, sent = window
    box = w.message_input
    type_han_then_giyeok(box)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert sent == ["한ㄱ"]
    preedit(box, "", commit="ㄱ")  # the input method commits its syllable late
    assert box.toPlainText() == ""
    # The next message starts clean and is sent whole.
    preedit(box, "ㄴ")
    preedit(box, "나")
    preedit(box, "", commit="나")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert sent == ["한ㄱ", "나"]


def test_send_button_while_composing(window: tuple[MainWindow, list[str]], qtbot: Any) -> None:
    w, sent = window
    box = w.message_input
    type_han_then_giyeok(box)
    qtbot.mouseClick(w.send_button, Qt.MouseButton.LeftButton)
    assert sent == ["한ㄱ"]
    preedit(box, "", commit="ㄱ")  # committed on focus loss, late
    assert box.toPlainText() == ""


def test_a_different_late_commit_is_kept(window: tuple[MainWindow, list[str]], qtbot: Any) -> None:
    """Only the very text we sent is swallowed: anything else the user types stays."""
    w, sent = window
    box = w.message_input
    preedit(box, "가")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    preedit(box, "", commit="나")
    assert sent == ["가"] and box.toPlainText() == "나"


def test_shift_enter_keeps_the_syllable_in_the_text(
    window: tuple[MainWindow, list[str]], qtbot: Any
) -> None:
    w, sent = window
    box = w.message_input
    preedit(box, "", commit="한")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    preedit(box, "", commit="글")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert sent == ["한\n글"]
