"""Korean and English are complete, in step with the source, and switch at run time.

Fails on: a string in the source that is not in the .ts files (lupdate run
into a temporary copy finds it), an unfinished or empty translation, a
translation that drops a placeholder (%1, %n, {room}), a .qm that was not rebuilt
from its .ts, and a widget that keeps the old language after a switch.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop_chat.ui.i18n import LANGUAGES, Translations, choose_language, i18n_dir
from tools import i18n as tool

Entry = tuple[str, str]  # (context, source)


def entries(ts: Path) -> dict[Entry, ET.Element]:
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            found[(name, message.findtext("source", ""))] = message
    return found


def problems(ts: Path) -> list[str]:
    wrong = []
    for (context, source), message in entries(ts).items():
        translation = message.find("translation")
        assert translation is not None
        kind = translation.get("type")
        if kind in ("unfinished", "vanished", "obsolete"):
            wrong.append(f"{context}: {source!r} is {kind}")
            continue
        if message.get("numerus") == "yes":
            forms = [f.text or "" for f in translation.iter("numerusform")]
        else:
            forms = [translation.text or ""]
        if not forms or any(not form.strip() for form in forms):
            wrong.append(f"{context}: {source!r} has an empty translation")
        for placeholder in set(re.findall(r"%(?:n|\d)|\{\w+\}", source)):
            if any(placeholder not in form for form in forms):
                wrong.append(f"{context}: {source!r} loses {placeholder}")
    return wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    ts = tool.ts_file(language)
    assert entries(ts), f"{ts} has no strings"
    assert problems(ts) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ts_files_hold_every_string_of_the_source(language: str, tmp_path: Path) -> None:
    """lupdate, run over the source into a copy, adds nothing and drops nothing."""
    copy = tmp_path / tool.ts_file(language).name
    shutil.copy(tool.ts_file(language), copy)
    tool.lupdate([copy])
    fresh, committed = entries(copy), entries(tool.ts_file(language))
    assert sorted(set(fresh) - set(committed)) == [], "new strings: run python -m tools.i18n"
    assert sorted(set(committed) - set(fresh)) == [], "strings gone from the source"
    assert problems(copy) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_qm_files_are_built_from_the_ts_files(language: str, tmp_path: Path) -> None:
    built = tmp_path / f"desktop_chat_{language}.qm"
    subprocess.run(
        [tool.tool("pyside6-lrelease"), str(tool.ts_file(language)), "-qm", str(built)],
        check=True, capture_output=True,
    )  # fmt: skip
    committed = i18n_dir() / built.name
    assert committed.read_bytes() == built.read_bytes(), "run python -m tools.i18n release"


def test_each_translation_loads() -> None:
    for language, settings, unread in (("ko", "설정", "읽지 않은 메시지 3개"),
                                       ("en", "Settings", "3 unread messages")):  # fmt: skip
        translator = QTranslator()
        assert translator.load(f"desktop_chat_{language}", str(i18n_dir()))
        assert translator.translate("SettingsDialog", "Settings") == settings
        assert translator.translate("TrayIcon", "%n unread message(s)", "", 3) == unread.replace(
            "3", "%n"
        )


def test_the_language_is_chosen_from_the_command_line_then_settings_then_system() -> None:
    korean, american = QLocale(QLocale.Language.Korean), QLocale(QLocale.Language.English)
    assert choose_language(None, "", korean) == "ko"
    assert choose_language(None, "", american) == "en"
    assert choose_language(None, "en", korean) == "en"
    assert choose_language("ko", "en", american) == "ko"
    assert choose_language(None, "", QLocale(QLocale.Language.French)) == "en"


class Switch:
    """Translations.apply, then the LanguageChange events Qt posts, delivered."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.translations = Translations(app)

    def apply(self, language: str) -> None:
        assert self.translations.apply(language)
        self.app.processEvents()


@pytest.fixture
def translations(qapp: Any) -> Any:
    switch = Switch(qapp)
    yield switch
    switch.apply("en")


def test_switching_language_retranslates_open_windows(translations: Any, qtbot: Any) -> None:
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.message_model import MessageModel
    from desktop_chat.ui.settings_dialog import SettingsDialog
    from desktop_chat.ui.shortcuts import ShortcutsHelp, WindowActions

    window = MainWindow(MessageModel())
    qtbot.addWidget(window)
    actions = WindowActions(window, {"input": window.message_input})
    from desktop_chat.ui.accessibility import Announcer

    Announcer(window.message_list, window.model)
    dialog = SettingsDialog(window)
    help_ = ShortcutsHelp(actions, window)
    translations.apply("ko")
    assert dialog.windowTitle() == "설정"
    assert help_.windowTitle() == "단축키"
    help_.retranslateUi()
    rows = {help_.table.item(r, 0).text(): help_.table.item(r, 1).text()
            for r in range(help_.table.rowCount())}  # fmt: skip
    assert (rows["Ctrl+Q"], rows["Ctrl+,"]) == ("종료", "설정")  # no "(&Q)" left over
    assert actions.chat_menu.title() == "채팅(&C)"
    assert window.send_button.accessibleName() == "보내기"
    # The window's own texts, said by the window (main_window.retranslateUi).
    buttons = (window.send_button, window.connect_button, window.offline_button)
    assert [b.text() for b in buttons] == ["보내기", "연결", "오프라인으로 전환"]
    assert window.target_label.text() == "모두에게 보내는 중"
    assert window.name_edit.placeholderText() == "내 이름"
    assert window.room_input.placeholderText() == "방 참가…"  # the sidebar's join field
    # Qt's own strings come from qtbase_ko.qm.
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.text() == "닫기"
    assert QLocale().language() == QLocale.Language.Korean
    translations.apply("en")
    assert dialog.windowTitle() == "Settings"
    assert help_.table.item(0, 1).text() == "Send the message"
    assert window.send_button.accessibleName() == "Send"
    assert window.offline_button.text() == "Go offline"
    assert close.text().replace("&", "") == "Close"
    assert QCoreApplication.translate("Accessibility", "Send") == "Send"


def test_plural_forms_in_korean_and_english(translations: Any, qapp: QApplication) -> None:
    from desktop_chat.ui.tray import TrayIcon

    tray = TrayIcon(qapp.windowIcon())
    translations.apply("en")
    tray.set_unread(1)
    assert tray.toolTip().endswith("1 unread message")
    tray.set_unread(12)
    assert tray.toolTip().endswith("12 unread messages")
    translations.apply("ko")
    assert tray.toolTip().endswith("읽지 않은 메시지 12개")
    assert tray.show_action.text() == "창 숨기기"


def test_the_status_line_presence_and_headers_follow_the_language(translations: Any) -> None:
    """Texts made outside widgets (the bridge's status line, the model's
    headers, presence lines) are made in the current language, with a
    stranger's name put in as it is, even when it looks like a placeholder."""
    from desktop_chat.client.status import ConnectionState, Status
    from desktop_chat.protocol.messages import DeliveryState, Kind, Message
    from desktop_chat.ui.bridge import StatusText
    from desktop_chat.ui.message_model import header_text

    texts = StatusText()
    connected = Status(state=ConnectionState.CONNECTED, url="http://h:1", sid="S", transport="ws")
    own = Message(text="x", kind=Kind.OWN, room="garden", state=DeliveryState.DELIVERED, ts=0)
    translations.apply("ko")
    assert texts.describe(connected, "127.0.0.1:3000") == (
        "http://h:1에 연결됨 (ID S, ws) · 127.0.0.1:3000에서 서버 호스팅 중"
    )
    assert texts.typing(["%2", "b", "c"]) == "%2 님, b 님 외 1명이 입력 중…"
    assert texts.joined("%1") == "%1 님이 들어왔습니다"
    header = header_text(own)
    assert header.startswith("나 · #garden · ") and header.endswith(" · 전달됨"), header
    translations.apply("en")
    assert texts.describe(connected).startswith("Connected as S to http://h:1 over ws")
    assert header_text(own).startswith("You · in #garden · ")
