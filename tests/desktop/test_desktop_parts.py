"""The desktop parts in one process (offscreen Qt): colours readable in both
schemes, what screen readers get, the tray badge, the settings dialog, the
shortcuts, and the Desktop's own rules for unread and close."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAccessible,
    QColor,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QProxyStyle, QWidget

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.ui import message_delegate
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_model import MessageModel
from desktop_chat.ui.theme import (
    ThemeManager,
    blend,
    contrast_ratio,
    message_colors,
    palette_for,
)
from desktop_chat.ui.tray import badge_text, badged_icon


def bubbles(palette: QPalette) -> dict[str, QColor]:
    colors = message_colors(palette)
    base = palette.color(QPalette.ColorRole.Base)
    return {
        "own": blend(colors.own, base),
        "other": colors.other,
        "selected": blend(colors.selected, base),
        "mention": blend(colors.mention, base),
        "system (no bubble)": base,
    }


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_is_readable_on_every_bubble(dark: bool) -> None:
    """WCAG 2: 4.5:1 for the text, headers, failures and links on each bubble."""
    palette = palette_for(dark)
    colors = message_colors(palette)
    low = []
    for where, background in bubbles(palette).items():
        for what in ("text", "muted", "failed", "link"):
            ratio = contrast_ratio(getattr(colors, what), background)
            if ratio < 4.5:
                low.append(f"{what} on {where}: {ratio:.2f}")
    assert low == []
    assert contrast_ratio(colors.badge_text, colors.badge) >= 4.5
    base = palette.color(QPalette.ColorRole.Base)
    assert contrast_ratio(colors.mention_bar, base) >= 3.0  # a mark, not text: 3:1
    assert colors.mention.rgba() != colors.own.rgba()  # told apart from our own


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_sender_colours_are_readable_and_stable(dark: bool) -> None:
    from desktop_chat.ui.theme import sender_color

    palette = palette_for(dark)
    names = ["지민", "alice", "bob", "<b>carol</b>", "ÆØÅ", *(f"user{i}" for i in range(60))]
    backgrounds = [
        bubbles(palette)[k] for k in ("other", "selected", "mention", "system (no bubble)")
    ]
    low = [
        (name, round(contrast_ratio(sender_color(name, palette), background), 2))
        for name in names
        for background in backgrounds
        if contrast_ratio(sender_color(name, palette), background) < 4.5
    ]
    assert low == []
    # Stable across runs and windows: fixed colours for fixed names (a colour
    # from Python's hash(), salted per process, fails here). Changing the
    # formula on purpose changes these values.
    fixed = (
        {"alice": "#eba0bf", "bob": "#a0b4eb"} if dark else {"alice": "#931f50", "안녕": "#135b32"}
    )
    assert {n: sender_color(n, palette).name() for n in fixed} == fixed
    assert len({sender_color(n, palette).name() for n in names}) > 20  # told apart


def test_the_system_palette_is_made_readable_too(qapp: QApplication) -> None:
    palette = qapp.style().standardPalette()
    colors = message_colors(palette)
    for background in bubbles(palette).values():
        assert contrast_ratio(colors.text, background) >= 4.5
        assert contrast_ratio(colors.muted, background) >= 4.5


def test_the_delegate_has_no_colour_of_its_own() -> None:
    source = Path(message_delegate.__file__).read_text(encoding="utf-8")
    literals = re.findall(r"QColor\(\s*(?:\d|[\"']#|Qt\.GlobalColor)", source)
    assert literals == [], "colours come from the palette (ui/theme.py)"


@pytest.fixture
def theme(qapp: QApplication) -> Iterator[ThemeManager]:
    manager = ThemeManager(qapp)
    yield manager
    manager.apply("system")
    manager._scheme_changed(Qt.ColorScheme.Unknown)


def test_theme_choices_and_following_the_system(theme: ThemeManager, qapp: QApplication) -> None:
    theme.apply("dark")
    style = qapp.style()  # Fusion, with visible outlines (ui/outlined_style.py)
    assert theme.dark() and isinstance(style, QProxyStyle)
    assert style.baseStyle().name().lower() == "fusion"
    theme.apply("light")
    assert not theme.dark()
    theme.apply("system")
    assert not theme.dark()
    # The desktop switches to dark: "system" follows, an explicit choice does not.
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.dark()
    theme.apply("light")
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not theme.dark()
    theme.apply("system")
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.dark()


def accessible_tree(widget: QWidget) -> list[Any]:
    found = []

    def walk(interface: Any) -> None:
        for i in range(interface.childCount()):
            child = interface.child(i)
            if child is not None:
                found.append(child)
                walk(child)

    root = QAccessible.queryAccessibleInterface(widget)
    assert root is not None
    walk(root)
    return found


def test_every_control_and_message_row_has_a_name(qtbot: Any) -> None:
    from desktop_chat.ui.accessibility import Announcer
    from desktop_chat.ui.accessible_text import accessible_text

    model = MessageModel()
    window = MainWindow(model)
    qtbot.addWidget(window)
    announcer = Announcer(window.message_list, model)
    announcer.live_since = time.time() - 1
    heard: list[str] = []
    announcer.announced.connect(heard.append)
    window.show()
    old = Message(text="어제 일", kind=Kind.OTHER, sender="지민", room="garden", ts=1.0)
    mine = Message(text="내 글", kind=Kind.OWN, sender="me", state=DeliveryState.DELIVERED)
    new = Message(text="안녕", kind=Kind.OTHER, sender="지민", room="garden")
    model.append([old, mine, new])
    roles = (QAccessible.Role.Button, QAccessible.Role.EditableText, QAccessible.Role.List,
             QAccessible.Role.CheckBox, QAccessible.Role.StaticText)  # fmt: skip
    unnamed = [
        node.object().objectName()
        for node in accessible_tree(window)
        if node.role() in roles and node.object() is not None
        and node.object().isVisible() and not node.text(QAccessible.Text.Name)
    ]  # fmt: skip
    assert unnamed == []
    rows = [
        n for n in accessible_tree(window.message_list) if n.role() == QAccessible.Role.ListItem
    ]
    assert [r.text(QAccessible.Text.Name) for r in rows] == [
        "지민 in #garden: 어제 일",
        "You: 내 글",
        "지민 in #garden: 안녕",
    ]
    assert rows[1].text(QAccessible.Text.Description).endswith(", delivered")
    assert heard == [accessible_text(new)]  # only the live message of someone else


def test_the_tray_badge_is_painted(qapp: QApplication) -> None:
    assert (badge_text(0), badge_text(7), badge_text(250)) == ("", "7", "99+")
    base = QPixmap(32, 32)
    base.fill(Qt.GlobalColor.transparent)
    icon = badged_icon(QIcon(base), 7, palette_for(dark=False))
    image = icon.pixmap(32, 32).toImage()
    corner = image.pixelColor(26, 26)
    assert corner.alpha() == 255 and corner != QColor(Qt.GlobalColor.transparent)
    assert image.pixelColor(4, 4).alpha() == 0  # the icon itself is untouched


def test_the_settings_dialog_shows_and_emits(qtbot: Any) -> None:
    from desktop_chat.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(tray_available=False)
    qtbot.addWidget(dialog)
    changed: list[tuple[str, object]] = []
    dialog.changed.connect(lambda key, value: changed.append((key, value)))
    dialog.load(Settings(name="지민", theme="dark", muted=["garden", ""], font_size=12))
    assert changed == []  # showing is not changing
    assert dialog.objectName() == "settingsDialog" and not dialog.isModal()
    assert dialog.muted_edit.text() == "garden, *"
    assert not dialog.tray_box.isEnabled() and not dialog.tray_note.isHidden()
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("light"))
    dialog.muted_edit.setText("#lunch, *")
    dialog.muted_edit.editingFinished.emit()
    assert changed == [("theme", "light"), ("muted", ["lunch", ""])]


@pytest.fixture
def desktop(arun: Any, qapp: QApplication, qtbot: Any) -> Iterator[Any]:
    from desktop_chat.app.desktop import Desktop

    settings = Settings(keep_in_tray=True)
    settings.problem = "settings.json: ignored invalid theme"
    session = ChatSession(Options(url="http://127.0.0.1:9", remember=False), settings)
    desk = Desktop(session, qapp, "en")
    arun(session.start())
    yield desk
    arun(desk.close())
    arun(session.close())
    desk.theme.apply("system")


def press(qtbot: Any, window: QWidget, keys: str) -> None:
    """Press `keys` (one QKeySequence, "Ctrl+Shift+M") as a key event on the
    widget that has the keyboard focus in the active `window`, as a person does."""
    qtbot.waitUntil(window.isActiveWindow)
    combo = QKeySequence(keys)[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def activate(qtbot: Any, window: QWidget) -> None:
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_shortcuts_pressed_as_keys(desktop: Any, qtbot: Any) -> None:
    """Every shortcut of ui/shortcuts.py, pressed on the window as a key event
    (not QAction.trigger()): it does what the help window says."""
    window = desktop.window
    window.show()
    activate(qtbot, window)
    window.message_input.setFocus()
    qtbot.waitUntil(window.message_input.hasFocus)
    # The focus moves: Ctrl+J the room field, Ctrl+Shift+M the messages,
    # Ctrl+T back to the message box, Ctrl+L the server's address.
    for keys, target in (
        ("Ctrl+J", window.room_input),
        ("Ctrl+Shift+M", window.message_list),
        ("Ctrl+T", window.message_input),
    ):
        press(qtbot, window, keys)
        qtbot.waitUntil(target.hasFocus, timeout=2000)
    window.server_url.setVisible(True)  # the Server row unfolded
    press(qtbot, window, "Ctrl+L")
    qtbot.waitUntil(window.server_url.hasFocus, timeout=2000)
    window.message_input.setFocus()
    # Ctrl+D: do not disturb, on and kept; again: off.
    assert not desktop.settings.do_not_disturb
    press(qtbot, window, "Ctrl+D")
    assert desktop.settings.do_not_disturb and desktop.actions.dnd.isChecked()
    press(qtbot, window, "Ctrl+D")
    assert not desktop.settings.do_not_disturb
    # Ctrl+Q quits, as the tray's Quit does.
    with qtbot.waitSignal(desktop.quit_requested, timeout=2000):
        press(qtbot, window, "Ctrl+Q")
    desktop._quitting = False  # the test goes on with the same window
    # Ctrl+Shift+E asks where to export the conversation shown.
    press(qtbot, window, "Ctrl+Shift+E")
    qtbot.waitUntil(lambda: window.findChild(QWidget, "exportDialog") is not None)
    export = window.findChild(QWidget, "exportDialog")
    qtbot.waitUntil(export.isVisible)
    export.reject()
    qtbot.waitUntil(lambda: not export.isVisible())
    # Ctrl+, opens the settings; F1 the list of shortcuts.
    activate(qtbot, window)
    press(qtbot, window, "Ctrl+,")
    qtbot.waitUntil(lambda: window.findChild(QWidget, "settingsDialog").isVisible())
    window.findChild(QWidget, "settingsDialog").close()
    activate(qtbot, window)
    press(qtbot, window, "F1")
    help_ = window.findChild(QWidget, "shortcutsHelp")
    qtbot.waitUntil(lambda: help_ is not None and help_.isVisible())
    keys = [help_.table.item(r, 0).text() for r in range(help_.table.rowCount())]
    every = ("F1", "Ctrl+,", "Ctrl+Q", "Ctrl+D", "Ctrl+Shift+M", "Ctrl+J", "Ctrl+T", "Ctrl+L")
    for listed in (*every, "Ctrl+Shift+E"):
        assert listed in keys, keys

    assert "Some settings could not be read" in desktop.session.model.messages()[0].text


def test_unread_counts_others_messages_and_notifies_only_live_ones(desktop: Any) -> None:
    """The tray's count is the conversations' unread total; a notification is
    asked for live messages only (the daemon is absent here: bursts tell)."""
    desktop.window.hide()
    desktop.connected_since = time.time() - 1
    history = Message(text="old", kind=Kind.OTHER, sender="a", ts=time.time() - 600)
    live = Message(text="new", kind=Kind.OTHER, sender="a", room="garden")
    own = Message(text="mine", kind=Kind.OWN)
    desktop.session.bridge.messages_added.emit([history, own, live])
    assert desktop.unread == 2  # both are unread; one of ours is not
    assert desktop.bursts.total() == 1  # only the live one is notified
    desktop.session.conversations.set_seen(True)  # the user reads "everyone"
    assert desktop.unread == 1


def test_a_mention_notifies_in_a_muted_conversation_unless_do_not_disturb(
    desktop: Any,
) -> None:
    """A muted conversation stays quiet, but not when someone mentions the user;
    do-not-disturb silences that too. The sidebar counts the mention apart."""
    desktop.window.hide()
    desktop.connected_since = time.time() - 1
    desktop.settings.muted = ["garden"]
    me = desktop.session.client.name

    def say(text: str) -> None:
        message = Message(text=text, kind=Kind.OTHER, sender="bob", room="garden")
        desktop.session.bridge.messages_added.emit([message])

    say("lunch?")
    assert desktop.bursts.total() == 0  # muted
    say(f"@{me} lunch?")
    assert desktop.bursts.total() == 1  # a mention: told, muted or not
    conversations = desktop.session.conversations
    assert (conversations.unread("garden"), conversations.mentions("garden")) == (2, 1)
    desktop.settings.do_not_disturb = True
    say(f"@{me} now?")
    assert desktop.bursts.total() == 1  # do-not-disturb: not even a mention


def test_without_a_tray_closing_the_window_closes(desktop: Any, qtbot: Any) -> None:
    assert desktop.tray is None  # offscreen: no tray, whatever the setting
    with qtbot.waitSignal(desktop.window.closed, timeout=2000):
        desktop.window.close()


def test_every_visible_control_has_a_name_with_the_inspector_open(desktop: Any, qtbot: Any) -> None:
    window = desktop.window
    window.show()
    desktop.session.inspector.dock.show()
    qtbot.waitUntil(desktop.session.inspector.dock.isVisible)
    role = QAccessible.Role
    roles = (role.Button, role.EditableText, role.List, role.CheckBox, role.ComboBox, role.Table)
    nodes = [n for n in accessible_tree(window) if n.role() in roles and n.object() is not None]
    assert len(nodes) > 15
    unnamed = [
        n.object().objectName() or type(n.object()).__name__
        for n in nodes
        if n.object().isVisible() and not n.text(QAccessible.Text.Name)
    ]
    assert unnamed == []


def test_window_geometry_is_restored(arun: Any, qapp: QApplication, desktop: Any) -> None:
    from desktop_chat.app.desktop import Desktop

    window = desktop.window
    window.resize(700, 480)
    arun(desktop.close())  # saves the geometry into the settings
    settings = desktop.settings
    assert settings.geometry and settings.window_state
    again = ChatSession(Options(url="http://127.0.0.1:9", remember=False), settings)
    other = Desktop(again, qapp, "en")
    try:
        assert (again.window.width(), again.window.height()) == (700, 480)
    finally:
        arun(other.close())
        arun(again.close())


def test_enter_on_a_failed_message_sends_it_again(qtbot: Any) -> None:
    """The keyboard's double click: Enter on the current row of the list."""
    model = MessageModel()
    window = MainWindow(model)
    qtbot.addWidget(window)
    window.show()
    failed = Message(text="again", kind=Kind.OWN, state=DeliveryState.FAILED, error="too big")
    model.append([failed])
    window.message_list.setFocus()
    window.message_list.setCurrentIndex(model.index(0))
    with qtbot.waitSignal(window.retry_requested, timeout=2000) as retried:
        qtbot.keyClick(window.message_list, Qt.Key.Key_Return)
    assert retried.args == [failed.id]


def test_without_a_session_bus_notifications_are_quietly_off(
    arun: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from desktop_chat.app.notifications import DesktopNotifications

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    shown: list[int] = []
    notes = DesktopNotifications("desktop-chat", lambda *_: None, lambda _id: None)
    assert arun(notes.start()) is False and not notes.available
    notes.show("summary", "body", 0, shown.append)
    arun(notes.close())
    assert shown == []


def test_settings_list_the_accounts_and_add_remove_and_move_them(desktop: Any, qtbot: Any) -> None:
    session = desktop.session
    assert session.add_account("http://127.0.0.1:10", "at ten") is not None
    assert session.add_account("http://127.0.0.1:11", "at eleven") is not None
    desktop.open_settings()
    dialog = desktop.window.findChild(QWidget, "settingsDialog")
    qtbot.waitUntil(dialog.isVisible)
    accounts = dialog.findChild(QWidget, "settingsAccountList")
    names = lambda: [  # noqa: E731
        accounts.model().index(r, 0).data().split(" · ")[0]
        for r in range(accounts.model().rowCount())
    ]
    assert len(names()) == 3 and names()[1:] == ["at ten", "at eleven"]
    accounts.setCurrentIndex(accounts.model().index(2, 0))
    dialog.findChild(QWidget, "settingsAccountUp").click()
    assert names()[1:] == ["at eleven", "at ten"]
    accounts.setCurrentIndex(accounts.model().index(1, 0))
    dialog.findChild(QWidget, "settingsRemoveAccount").click()
    assert names()[1:] == ["at ten"]
    assert [s.client.name for s in session.sessions][1:] == ["at ten"]
    dialog.findChild(QWidget, "settingsAddAccount").click()
    qtbot.waitUntil(desktop.window.add_account_dialog.isVisible)


def test_a_notification_of_the_first_account_clicked_shows_the_first_account(
    desktop: Any,
) -> None:
    session = desktop.session
    first = session.sessions[0]
    added = session.add_account("http://127.0.0.1:10", "at ten")
    assert added is not None and session.shown.account.id == added.id  # the new one shown
    desktop.window.hide()
    desktop.connected_since = time.time() - 1
    first.bridge.messages_added.emit([Message(text="hello first", kind=Kind.OTHER, sender="bob")])
    assert desktop.bursts.total() == 1
    (conversation,) = list(desktop._latest)
    desktop._shown(conversation, 7)  # the daemon's id for it
    desktop._notification_action(7, "default")  # the user clicks it
    assert session.shown is first  # the first account's conversation, not the shown one's
