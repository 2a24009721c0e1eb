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
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import ServerEntry, Settings
from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.conversation_list_model import ConversationRole
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
    qtbot.waitUntil(lambda: any(d.isVisible() for d in alice.window.findChildren(QDialog)))
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
        panel.model.index(r).data(ResultRole.HIT).message.text.split()[0]: panel.model.index(
            r
        ).data(ResultRole.WHERE)
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


def test_a_sender_s_run_is_grouped_under_one_header_and_own_lines_stand_apart(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        join_typed(qtbot, s, "garden")
        qtbot.waitUntil(lambda s=s: "Joined garden" in texts(s, Kind.SYSTEM))
    for text in ("one", "two", "three"):
        type_and_send(qtbot, bob, text)
    type_and_send(qtbot, alice, "mine")
    qtbot.waitUntil(lambda: "mine" in texts(bob, Kind.OTHER) and "three" in texts(alice))
    w = alice.window
    w.resize(700, 700)
    w.show()
    qtbot.waitExposed(w)
    view = w.message_list
    rows = [row_of(alice, t) for t in ("one", "two", "three", "mine")]
    qtbot.waitUntil(lambda: [view.visualRect(i).height() for i in rows][1] > 0)
    heights = [view.visualRect(i).height() for i in rows]
    header = w.delegate._header_height
    assert heights[1] == heights[2] <= heights[0] - header  # no header of their own
    assert [i.data(Role.GROUPED) for i in rows] == [False, True, True, False]
    # No "in #garden" inside garden's own view.
    assert "garden" not in str(rows[0].data(Role.HEADER))
    assert str(rows[0].data(Role.HEADER)).startswith("bob · ")
    # One's own line: a bar at its right edge in the highlight colour.
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    mine = view.visualRect(rows[3])
    bar = w.delegate._colors_of(view.palette()).own_bar
    x = int((mine.right() - 6 - 2) * ratio)  # inside MARGIN, inside the 4 px bar
    y = int(mine.center().y() * ratio)
    assert image.pixelColor(x, y).name() == bar.name()
    theirs = view.visualRect(rows[0])
    assert image.pixelColor(x, int(theirs.center().y() * ratio)).name() != bar.name()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_own_bar_reads_on_its_bubble(dark: bool) -> None:
    from desktop_chat.ui.contrast import contrast_ratio
    from desktop_chat.ui.theme import blend, message_colors, palette_for

    palette = palette_for(dark)
    colors = message_colors(palette)
    bubble = blend(colors.own, palette.color(palette.ColorRole.Base))
    assert contrast_ratio(colors.own_bar, bubble) >= 3.0


def _pixels(widget: Any, rect: QRect) -> set[str]:
    """The colours painted in `rect` of `widget` (logical pixels)."""
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    return {
        image.pixelColor(int(x * ratio), int(y * ratio)).name()
        for x in range(rect.left(), rect.right(), 2)
        for y in range(rect.top(), rect.bottom(), 2)
    }


def test_the_sidebar_shows_the_conversation_and_unread_badges(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        join_typed(qtbot, s, "garden")
        qtbot.waitUntil(lambda s=s: "Joined garden" in texts(s, Kind.SYSTEM))
    w = alice.window
    w.resize(800, 600)
    w.show()
    qtbot.waitExposed(w)
    w.select_room("")  # alice reads Everyone; bob writes in the garden
    for i in range(3):
        type_and_send(qtbot, bob, f"garden news {i}", room="garden")
    model = alice.conversations.list_model
    garden = model.index(model.row_of("garden"))
    qtbot.waitUntil(lambda: garden.data(ConversationRole.UNREAD) == 3)
    w.message_input.setFocus()  # the focus elsewhere, as while writing
    listing = w.sidebar.list
    palette = listing.palette()
    highlight = palette.color(palette.ColorGroup.Active, palette.ColorRole.Highlight).name()
    everyone_rect = listing.visualRect(model.index(0))
    # The conversation shown is highlighted in the active colour, focus or not.
    assert highlight in _pixels(listing.viewport(), everyone_rect.adjusted(2, 2, -2, -2))
    # The garden's unread count is a badge: a pill in the highlight colour at the right.
    garden_rect = listing.visualRect(garden)
    right = QRect(garden_rect.right() - 40, garden_rect.top() + 2, 38, garden_rect.height() - 4)
    left = QRect(garden_rect.left() + 2, garden_rect.top() + 2, 40, garden_rect.height() - 4)
    assert highlight in _pixels(listing.viewport(), right)
    assert highlight not in _pixels(listing.viewport(), left)
    assert "3 unread messages" in garden.data(Qt.ItemDataRole.AccessibleTextRole).replace(
        "message(s)", "messages"
    )
    # Who is here: a heading with the count over the list.
    heading = w.sidebar.participants_heading
    qtbot.waitUntil(lambda: heading.isVisible() and heading.text() == "Here now (2)")
    w.select_room("garden")
    qtbot.waitUntil(lambda: heading.text() == "Here now (2)")


def test_the_new_messages_line_is_drawn_across(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = server_url(chat_server)
    alice, bob = open_window(url, "alice"), open_window(url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
    w = alice.window
    w.resize(700, 600)
    w.show()
    qtbot.waitExposed(w)
    type_and_send(qtbot, bob, "seen")
    qtbot.waitUntil(lambda: "seen" in texts(alice, Kind.OTHER))
    model = alice.conversations.model("")
    type_and_send(qtbot, bob, "not seen yet")
    qtbot.waitUntil(lambda: "not seen yet" in texts(alice, Kind.OTHER))
    index = row_of(alice, "not seen yet")
    model.divider_id = index.data(Role.MESSAGE).id  # where the user left off
    view = w.message_list
    view.doItemsLayout()
    qtbot.waitUntil(lambda: view.visualRect(index).height() > 0)
    rect = view.visualRect(index)
    band = QRect(rect.left() + 8, rect.top() + 1, 40, w.delegate._header_height + 2)
    line = w.delegate._colors_of(view.palette()).failed.name()
    assert line in _pixels(view.viewport(), band)  # the line left of the caption


def test_two_windows_trays_say_whose_they_are(qapp: QApplication) -> None:
    from desktop_chat.ui.tray import TrayIcon

    trays = [TrayIcon(qapp.windowIcon()) for _ in range(2)]
    for tray, name in zip(trays, ("alice", "bob"), strict=True):
        tray.set_name(name)
    assert [t.toolTip() for t in trays] == ["desktop-chat — alice", "desktop-chat — bob"]
    trays[0].set_unread(2)
    assert trays[0].toolTip().startswith("desktop-chat — alice — 2 unread")


def test_the_first_row_is_the_conversation_s_and_the_status_speaks_words(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    w = alice.window
    w.resize(760, 640)
    w.show()
    qtbot.waitExposed(w)
    # The conversation's name leads; the server's controls are folded away.
    assert w.conversation_title.text() == "Everyone"
    assert not w.server_url.isVisible() and not w.connect_button.isVisible()
    join_typed(qtbot, alice, "garden")
    qtbot.waitUntil(lambda: w.conversation_title.text() == "#garden")
    # They are one click away, and still work.
    qtbot.mouseClick(w.server_button, Qt.MouseButton.LeftButton)
    assert w.server_url.isVisible() and w.profile_combo.isVisible()
    assert w.server_url.text() in w.server_button.toolTip()
    # The status line says "Connected"; who, where and how are in its tooltip.
    status = w.status_label
    qtbot.waitUntil(lambda: status.text() == "Connected")
    sid = alice.client.status.sid
    assert sid not in status.text() and sid in status.toolTip()
    assert "websocket" in status.toolTip()


def test_the_server_row_opens_itself_when_nothing_answers(qtbot: Any, open_window: Any) -> None:
    lonely = open_window("http://127.0.0.1:9", "alice")  # nothing listens there
    w = lonely.window
    w.show()
    qtbot.waitUntil(lambda: w.server_row.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: w.status_label.text().startswith("Reconnecting"))
    assert "127.0.0.1:9" not in w.status_label.text()  # the address is in the row
    assert "127.0.0.1:9" in w.status_label.toolTip()


@pytest.mark.parametrize("choice", ["dark", "light"])
def test_text_fields_and_unchecked_boxes_have_visible_edges(
    choice: str, qapp: QApplication, qtbot: Any
) -> None:
    from PySide6.QtWidgets import QCheckBox, QLineEdit, QVBoxLayout, QWidget

    from desktop_chat.ui.contrast import contrast_ratio
    from desktop_chat.ui.theme import ThemeManager

    theme = ThemeManager(qapp)
    try:
        theme.apply(choice)
        form = QWidget()
        qtbot.addWidget(form)
        field, box = QLineEdit(), QCheckBox("Notify me")
        layout = QVBoxLayout(form)
        layout.addWidget(field)
        layout.addWidget(box)
        form.resize(300, 100)
        form.show()
        qtbot.waitExposed(form)
        around = qapp.palette().color(qapp.palette().ColorRole.Window)

        def edge_contrast(widget: QWidget, x_from: int, x_to: int) -> float:
            image = widget.grab().toImage()
            ratio = image.devicePixelRatio()
            y = int(widget.height() / 2 * ratio)
            return max(
                contrast_ratio(image.pixelColor(int(x * ratio), y), around)
                for x in range(x_from, x_to)
            )

        assert edge_contrast(field, 0, 4) >= 3.0  # the field's left edge
        # The box: the indicator's left edge, before the label's text.
        indicator = box.style().subElementRect(
            box.style().SubElement.SE_CheckBoxIndicator, _box_option(box), box
        )
        assert edge_contrast(box, indicator.left(), indicator.left() + 3) >= 3.0
    finally:
        theme.stop_following()
        theme.apply("system")


def _box_option(box: Any) -> Any:
    from PySide6.QtWidgets import QStyleOptionButton

    option = QStyleOptionButton()
    box.initStyleOption(option)
    return option


def test_a_narrow_window_narrows_the_sidebar_and_keeps_the_address_whole(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    w = alice.window
    w.resize(500, 400)
    w.show()
    qtbot.waitExposed(w)
    qtbot.mouseClick(w.server_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.server_url.isVisible())
    qtbot.waitUntil(lambda: w.sidebar.width() <= 0.3 * w.width())
    field = w.server_url
    needed = field.fontMetrics().horizontalAdvance(field.text())
    assert field.width() > needed + 8, (field.width(), needed)  # the whole address shows
    assert w.conversation_title.width() >= w.conversation_title.sizeHint().width()
    w.resize(1000, 700)  # wide again: one line
    qtbot.waitUntil(
        lambda: (
            w.server_url.y() == w.connect_button.y()
            or abs(w.server_url.geometry().center().y() - w.connect_button.geometry().center().y())
            < 4
        )
    )


def test_the_chosen_search_result_reads_in_the_dark_theme(qapp: QApplication, qtbot: Any) -> None:
    from desktop_chat.client.history import Hit
    from desktop_chat.ui.contrast import contrast_ratio
    from desktop_chat.ui.search_panel import SearchPanel
    from desktop_chat.ui.theme import ThemeManager, message_colors

    theme = ThemeManager(qapp)
    try:
        theme.apply("dark")
        panel = SearchPanel()
        qtbot.addWidget(panel)
        panel.resize(500, 300)
        panel.show()
        panel.start(True, "")
        panel.field.setText("release")
        panel._pending = "release"  # asked for: its results are shown
        message = Message(text="who has the release checklist", kind=Kind.OTHER, sender="bob")
        panel.show_results("release", [Hit("", message, ((12, 7),))])
        view = panel.results
        rect = view.visualRect(panel.model.index(0))
        image = view.viewport().grab().toImage()
        ratio = image.devicePixelRatio()
        fill = image.pixelColor(int((rect.right() - 3) * ratio), int((rect.bottom() - 2) * ratio))
        text = message_colors(view.palette()).text
        assert contrast_ratio(text, fill) >= 4.5, (text.name(), fill.name())
    finally:
        theme.stop_following()
        theme.apply("system")
