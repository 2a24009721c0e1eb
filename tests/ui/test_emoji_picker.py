"""The emoji picker: search in English and Korean, keys, clicks, and a lazy load.

The emoji data (the `emoji` package) must not be imported when the app
starts, only when a picker is first opened: checked in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QToolButton

from desktop_chat.ui.emoji_picker import COMMON, EmojiPicker, catalog, search
from desktop_chat.ui.i18n import Translations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def picker(qtbot: Any) -> EmojiPicker:
    picker = EmojiPicker()
    qtbot.addWidget(picker)
    picker.popup(QPoint(10, 10))
    qtbot.waitExposed(picker)
    return picker


@pytest.fixture
def korean(qapp: Any) -> Iterator[Translations]:
    translations = Translations(qapp)
    assert translations.apply("ko")
    qapp.processEvents()
    yield translations
    translations.apply("en")
    qapp.processEvents()


def test_the_common_reactions_come_first_then_every_emoji(picker: EmojiPicker) -> None:
    assert picker.objectName() == "emojiPicker"
    assert picker.search_field.objectName() == "emojiSearch"
    assert picker.grid.objectName() == "emojiGrid"
    shown = picker.matches()
    assert tuple(shown[: len(COMMON)]) == COMMON
    assert len(shown) > 1500 and len(set(shown)) == len(shown)
    assert "😀" in shown and "🇰🇷" in shown
    # One button per emoji: no skin-tone variants, no bare components.
    assert "👍🏻" not in shown and "🏻" not in shown and "🦰" not in shown
    assert picker.current() == "👍"


def test_typing_searches_by_name(qtbot: Any, picker: EmojiPicker) -> None:
    qtbot.keyClicks(picker.search_field, "thumb")
    assert picker.matches()[:2] == ["👍", "👎"]
    assert picker.current() == "👍"
    picker.search_field.clear()
    qtbot.keyClicks(picker.search_field, "heart")
    assert picker.matches()[0] == "❤️"
    assert len(picker.matches()) > 10  # every heart
    picker.search_field.clear()
    qtbot.keyClicks(picker.search_field, "Tears  of_JOY")  # case, spaces, underscores
    assert picker.matches()[0] == "😂"


def test_nothing_found_says_so(qtbot: Any, picker: EmojiPicker) -> None:
    qtbot.keyClicks(picker.search_field, "zzzqqq")
    assert picker.matches() == []
    assert picker.empty_label.isVisible() and not picker.grid.isVisible()
    assert picker.current() == ""
    with qtbot.assertNotEmitted(picker.chosen):
        qtbot.keyClick(picker.search_field, Qt.Key.Key_Return)


def test_korean_names_are_searched_too(qtbot: Any, picker: EmojiPicker) -> None:
    if not any(entry.korean for entry in catalog()):
        pytest.skip("this emoji package has no Korean names")
    picker.search_field.setText("엄지")  # QTest types Latin-1 only
    assert picker.matches()[0] == "👍"
    hearts = [e.emoji for e in search(catalog(), "하트")]
    assert "❤️" in hearts[:3] and len(hearts) > 10
    assert search(catalog(), "빨간색 하트")[0].emoji == "❤️"


def test_what_an_input_method_composes_is_searched(picker: EmojiPicker) -> None:
    if not any(entry.korean for entry in catalog()):
        pytest.skip("this emoji package has no Korean names")
    event = QInputMethodEvent("엄지", [])
    picker.search_field.inputMethodEvent(event)
    assert picker.search_field.text() == ""
    assert picker.matches()[0] == "👍"


def test_enter_picks_the_first_match_and_closes(qtbot: Any, picker: EmojiPicker) -> None:
    qtbot.keyClicks(picker.search_field, "thumb")
    with qtbot.waitSignal(picker.chosen) as chosen:
        qtbot.keyClick(picker.search_field, Qt.Key.Key_Return)
    assert chosen.args == ["👍"]
    assert not picker.isVisible()


def test_arrows_move_in_the_grid_while_the_typing_stays(qtbot: Any, picker: EmojiPicker) -> None:
    qtbot.keyClicks(picker.search_field, "thumb")
    qtbot.keyClick(picker.search_field, Qt.Key.Key_Right)
    assert picker.current() == "👎"
    assert picker.search_field.hasFocus()
    qtbot.keyClick(picker.search_field, Qt.Key.Key_Left)
    assert picker.current() == "👍"
    picker.search_field.clear()
    qtbot.keyClick(picker.search_field, Qt.Key.Key_Down)  # a row down in the grid
    row = picker.grid.currentIndex().row()
    assert row > 1
    with qtbot.waitSignal(picker.chosen) as chosen:
        qtbot.keyClick(picker.search_field, Qt.Key.Key_Enter)
    assert chosen.args == [picker.model.entry(row).emoji]  # type: ignore[union-attr]


def test_escape_closes_without_choosing(qtbot: Any, picker: EmojiPicker) -> None:
    qtbot.keyClicks(picker.search_field, "thumb")
    with qtbot.assertNotEmitted(picker.chosen):
        qtbot.keyClick(picker.search_field, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    picker.popup(QPoint(0, 0))  # opened again: an empty search, everything shown
    assert picker.search_field.text() == ""
    assert picker.current() == "👍"


def test_a_click_picks_once(qtbot: Any, picker: EmojiPicker) -> None:
    index = picker.model.index(2)
    rect = picker.grid.visualRect(index)
    received: list[str] = []
    picker.chosen.connect(received.append)
    qtbot.mouseClick(picker.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert received == [COMMON[2]]
    assert not picker.isVisible()


def test_tooltips_name_each_emoji_in_the_language(
    qapp: Any, qtbot: Any, korean: Translations
) -> None:
    picker = EmojiPicker()
    qtbot.addWidget(picker)
    picker.popup(QPoint(0, 0))
    first = picker.model.index(0)
    assert picker.search_field.placeholderText() == "이모지 검색"
    if catalog()[0].korean:
        assert first.data(Qt.ItemDataRole.ToolTipRole) == "올린 엄지"
    korean.apply("en")
    qapp.processEvents()
    assert first.data(Qt.ItemDataRole.ToolTipRole) == "thumbs up"
    assert first.data(Qt.ItemDataRole.AccessibleTextRole) == "thumbs up"
    assert picker.search_field.placeholderText() == "Search emoji"


def test_the_model_passes_qt_model_tester(qtmodeltester: Any, picker: EmojiPicker) -> None:
    qtmodeltester.check(picker.model)


def test_the_emoji_data_is_imported_only_when_a_picker_opens() -> None:
    """Starting the app (desktop_chat.app) and making a picker do not import `emoji`."""
    script = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import desktop_chat.app
        import desktop_chat.app.run
        import desktop_chat.app.desktop  # what run() imports once the window is drawn
        import desktop_chat.ui.main_window
        from PySide6.QtCore import QPoint
        from PySide6.QtWidgets import QApplication
        from desktop_chat.ui.emoji_picker import EmojiPicker
        app = QApplication([])
        picker = EmojiPicker()
        print("before", "emoji" in sys.modules)
        picker.popup(QPoint(0, 0))
        print("after", "emoji" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["before", "False", "after", "True"]


def test_the_message_box_and_reactions_share_one_picker(
    qtbot: Any, open_window: Any, chat_server: Any
) -> None:
    """The ☺ button beside the message box opens the picker reactions use; the
    emoji chosen goes into the text at the cursor; a reaction still reacts."""
    from desktop_chat.protocol.messages import Kind
    from tests.ui.conftest import server_url, texts, type_and_send, wait_connected

    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    w = alice.window
    button = w.findChild(QToolButton, "emojiButton")
    assert button is w.lines.emoji_button and button.isVisible()
    qtbot.keyClicks(w.message_input, "see you at the ")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    picker = w.lines.emoji_picker
    assert picker is not None
    qtbot.waitUntil(picker.isVisible)
    qtbot.keyClicks(picker.search_field, "party popper")
    qtbot.keyClick(picker.search_field, Qt.Key.Key_Return)
    assert not picker.isVisible()
    assert w.message_input.toPlainText() == "see you at the 🎉"
    assert w.message_input.hasFocus()

    w.message_input.clear()
    type_and_send(qtbot, alice, "react to me")
    qtbot.waitUntil(lambda: "react to me" in texts(alice, Kind.OWN))
    line = next(m for m in alice.messages() if m.text == "react to me")
    with qtbot.waitSignal(w.lines.react_requested) as reacted:
        w.lines.pick_reaction(line)
        assert w.lines.emoji_picker is picker  # the same one
        qtbot.keyClicks(picker.search_field, "thumbs up")
        qtbot.keyClick(picker.search_field, Qt.Key.Key_Return)
    assert reacted.args == [line, "👍"]
    assert w.message_input.toPlainText() == ""  # a reaction is not typed into the box
