"""Formatted messages in real windows: painted as format ranges over plain text,
never as HTML; links in them open only on a click, their target on hover; the
preview paints the text being written the same way; a message not marked as
formatted is drawn as typed; markdown-it is not imported until one is painted."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol import markup
from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.server import message_events
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui import message_body, message_delegate
from desktop_chat.ui.link_layout import QUOTE_INDENT, draw_body
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_delegate import MARGIN, PADDING
from desktop_chat.ui.message_model import MessageModel
from tests.security.test_links import (  # noqa: F401  (fixtures)
    Opened,
    listener,
    move_pointer,
    opened,
    point_on,
    row_of,
    tooltip_at,
)
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server says it knows message events (and so the format option), as
    desktop-chat-server does."""
    monkeypatch.setitem(message_events.EXTENSIONS, "events", True)


def sent(qtbot: Any, session: ChatSession, text: str) -> Message:
    """Type `text` and send it; the window's own row of it, once painted."""
    type_and_send(qtbot, session, text)
    qtbot.waitUntil(lambda: text in texts(session, Kind.OWN))
    session.window.message_list.viewport().grab()  # painted, as a user sees it
    return session.model.message_at(row_of(session, text).row())


def layout_of(session: ChatSession, message: Message) -> QTextLayout:
    return session.window.delegate._layout_of(message)


def styled(layout: QTextLayout) -> list[tuple[str, QTextCharFormat]]:
    """Each format range as the text it covers and (a copy of) its format."""
    text = layout.text().replace("\u2028", "\n")
    ranges = layout.formats()
    return [(text[r.start : r.start + r.length], QTextCharFormat(r.format)) for r in ranges]


def forget_the_parser() -> None:
    """As in a fresh process: markdown-it not imported, nothing parsed yet."""
    for name in [n for n in sys.modules if n == "markdown_it" or n.startswith("markdown_it.")]:
        del sys.modules[name]
    markup._parser.cache_clear()
    message_body._parsed.cache_clear()


def test_a_formatted_message_is_painted_with_formats_and_the_parser_comes_late(
    qtbot: Any,
    open_window: Any,
    chat_server: ChatServer,
    events: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    painted: list[str] = []  # the text of each layout the delegate draws

    def spy(painter: QPainter, layout: QTextLayout, at: QPointF, bar: QColor) -> None:
        painted.append(layout.text())
        draw_body(painter, layout, at, bar)

    monkeypatch.setattr(message_delegate, "draw_body", spy)
    forget_the_parser()
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.info.ready.is_set())
    plain = sent(qtbot, alice, "no markup here, 2 + 2")
    assert "markdown_it" not in sys.modules  # the window and plain rows do without it

    message = sent(qtbot, alice, "a **bold** move, `code()` and ~~not~~ *this*")
    assert message.formatted and "markdown_it" in sys.modules
    layout = layout_of(alice, message)
    assert layout.text() == "a bold move, code() and not this"
    assert layout.text() in painted  # drawn through it, formats and all
    found = {text: fmt for text, fmt in styled(layout)}
    assert found["bold"].font().bold()
    assert found["code()"].fontFixedPitch() and found["code()"].background().style() != (
        Qt.BrushStyle.NoBrush
    )
    assert found["not"].fontStrikeOut()
    assert found["this"].fontItalic()
    # The row is as tall as its layout: nothing cut off.
    view = alice.window.message_list
    rect = view.visualRect(row_of(alice, message.text))
    assert rect.height() >= layout.boundingRect().height()
    assert alice.window.delegate.body_of(plain).styles == ()


def test_a_quote_is_indented_with_its_lines(
    qtbot: Any, open_window: Any, chat_server: ChatServer, events: None
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.info.ready.is_set())
    message = sent(qtbot, alice, "> they said\n> this\n\nand I say")
    layout = layout_of(alice, message)
    lines = [layout.lineAt(i) for i in range(layout.lineCount())]
    assert [line.x() for line in lines] == [QUOTE_INDENT, QUOTE_INDENT, 0, 0]


def test_a_message_not_marked_formatted_is_drawn_as_typed(
    qtbot: Any, open_window: Any, chat_server: ChatServer, events: None
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.info.ready.is_set())
    alice.settings.format_messages = False  # as the settings dialog's checkbox does
    message = sent(qtbot, alice, "2*3*4 **not bold**")
    assert not message.formatted
    body = alice.window.delegate.body_of(message)
    assert body.text == "2*3*4 **not bold**" and body.styles == () and body.links == []


def test_to_a_server_that_does_not_know_formats_it_is_sent_and_shown_as_typed(
    qtbot: Any, open_window: Any, chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(message_events.EXTENSIONS, "events", False)
    alice = open_window(server_url(chat_server), "alice")
    bob = open_window(server_url(chat_server), "bob")
    wait_connected(qtbot, alice)
    wait_connected(qtbot, bob)
    qtbot.waitUntil(lambda: alice.client.info.ready.is_set())
    message = sent(qtbot, alice, "2*3*4")
    assert not message.formatted
    assert alice.window.delegate.body_of(message).text == "2*3*4"
    qtbot.waitUntil(lambda: "2*3*4" in texts(bob, Kind.OTHER))


def test_html_in_a_formatted_message_is_shown_as_its_characters(
    qtbot: Any, open_window: Any, chat_server: ChatServer, events: None
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.info.ready.is_set())
    message = sent(qtbot, alice, "**<b>x</b>** <img src=x onerror=alert(1)>")
    assert message.formatted
    layout = layout_of(alice, message)
    assert layout.text() == "<b>x</b> <img src=x onerror=alert(1)>"
    assert [text for text, fmt in styled(layout) if fmt.font().bold()] == ["<b>x</b>"]


def test_a_link_in_formatted_text_opens_only_on_click_and_names_its_target(
    qtbot: Any,
    open_window: Any,
    chat_server: ChatServer,
    events: None,
    opened: Opened,  # noqa: F811
    listener: tuple[int, list[str]],  # noqa: F811
) -> None:
    port, connections = listener
    target = f"http://127.0.0.1:{port}/page?x=1"
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.info.ready.is_set())
    text = f"read **[the bank's page]({target})** ![img](http://127.0.0.1:{port}/i.png)"
    message = sent(qtbot, alice, text)
    links = alice.window.delegate.body_of(message).links
    assert [link.target for link in links] == [target, f"http://127.0.0.1:{port}/i.png"]
    assert layout_of(alice, message).text() == "read the bank's page !img"
    link = links[0]
    pos = point_on(alice, text, link)
    view = alice.window.message_list

    move_pointer(alice, pos)
    qtbot.waitUntil(lambda: view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor)
    # The target is shown, not hidden behind the link's words.
    assert tooltip_at(alice, pos) == f"{target}\nSite: 127.0.0.1\nClick to open in your browser"
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), 2))
    qtbot.wait(300)
    assert opened.urls == [] and connections == []  # nothing fetched, not even the image

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: opened.urls == [target])


def test_the_preview_shows_the_formats_of_what_is_being_written(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    w = alice.window
    preview = w.format_preview
    assert preview.objectName() == "formatPreview" and preview.isHidden()
    w.message_input.setFocus()
    w.message_input.insertPlainText("**strong** `x`")
    qtbot.keyClick(w.message_input, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert w.findChild(type(w.preview_button), "previewButton").isChecked()
    assert preview.isVisible()
    preview.viewport().grab()
    message = preview.message
    assert message is not None and message.text == "**strong** `x`"
    layout = preview.delegate._layout_of(message)
    found = dict(styled(layout))
    assert layout.text() == "strong x"
    assert found["strong"].font().bold() and found["x"].fontFixedPitch()

    w.message_input.insertPlainText(" more")  # it follows the typing
    assert preview.message is not None and preview.message.text == "**strong** `x` more"

    w.set_format_messages(False)  # the setting off: previewed as typed
    assert preview.message is not None
    body = preview.delegate.body_of(preview.message)
    assert body.text == "**strong** `x` more" and body.styles == ()

    w.preview_button.click()
    assert preview.isHidden()


def test_a_plain_message_with_a_link_keeps_its_lines(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    alice.settings.format_messages = False
    message = sent(qtbot, alice, "first line\nhttp://example.org/a\nthird line")
    layout = layout_of(alice, message)
    assert layout.lineCount() == 3


def test_a_flood_of_formatted_messages_parses_only_the_rows_on_screen(qtbot: Any) -> None:
    """While the list follows the newest, rows scrolled past before anyone saw
    them get a height estimated from their length, without a parse."""
    model = MessageModel()
    window = MainWindow(model)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    message_body._parsed.cache_clear()
    for batch in range(10):
        model.append(
            [
                Message(text=f"**line** {batch}-{i} `x`", kind=Kind.OTHER, formatted=True)
                for i in range(100)
            ]
        )
        for _ in range(3):
            QApplication.processEvents()
    window.message_list.viewport().grab()
    parsed = message_body._parsed.cache_info().misses
    # Of 1000: the rows at the end while each batch came (a screenful each).
    assert 0 < parsed <= 10 * (window.delegate._tail_rows() + 1)


def formatted(text: str) -> message_body.Body:
    return message_body.message_body(Message(text=text, kind=Kind.OTHER, formatted=True))


def test_bare_addresses_are_links_outside_code_only(qapp: Any) -> None:
    body = formatted("see http://a.example/x and `http://b.example/y`\n\n    http://c.example")
    assert [link.target for link in body.links] == ["http://a.example/x"]


def test_a_mail_link_says_where_it_writes_and_other_schemes_stay_text(qapp: Any) -> None:
    body = formatted("[write me](mailto:me@example.org) [x](javascript:alert(1))")
    assert body.text == "write me [x](javascript:alert(1))"
    (link,) = body.links
    assert link.target == "mailto:me@example.org"
    assert link.describe() == "mailto:me@example.org\nClick to write to it in your mail program"


def test_a_system_line_is_never_formatted(qapp: Any) -> None:
    body = message_body.message_body(Message(text="**x**", kind=Kind.SYSTEM, formatted=True))
    assert body.text == "**x**" and body.styles == ()


def test_a_long_formatted_message_is_cut_with_its_styles_inside_the_cut(qapp: Any) -> None:
    body = formatted("**" + "a" * 5000 + "** [end](http://end.example)")
    shown = body.text.split("\n")[0]
    assert len(shown) == message_body.MAX_SHOWN_CHARS
    assert body.styles[0].start + body.styles[0].length == len(shown)
    assert body.links == []  # its end is not shown


def test_the_settings_checkbox_shows_and_emits_the_setting(qtbot: Any) -> None:
    from desktop_chat.app.settings import Settings
    from desktop_chat.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(tray_available=False)
    qtbot.addWidget(dialog)
    changed: list[tuple[str, object]] = []
    dialog.changed.connect(lambda key, value: changed.append((key, value)))
    dialog.load(Settings())
    box = dialog.findChild(type(dialog.format_box), "formatMessagesCheck")
    assert box is dialog.format_box and box.isChecked()  # on by default
    box.click()
    assert changed == [("format_messages", False)]


def test_a_link_in_a_quote_is_found_where_it_is_drawn(
    qtbot: Any, open_window: Any, chat_server: ChatServer, events: None
) -> None:
    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.info.ready.is_set())
    text = "> [a](http://a.example/) [bb](http://b.example/)"
    message = sent(qtbot, alice, text)
    first, second = alice.window.delegate.body_of(message).links
    # The indent is not the link; the link's own characters are.
    view = alice.window.message_list
    rect = view.visualRect(row_of(alice, text))
    pos = point_on(alice, text, second)
    assert pos.x() - rect.left() > QUOTE_INDENT
    on_first = point_on(alice, text, first)
    assert on_first.x() < pos.x()
    body_left = rect.left() + MARGIN + PADDING
    assert on_first.x() - body_left >= QUOTE_INDENT
    in_indent = QPoint(body_left + QUOTE_INDENT // 2, on_first.y())  # beside the bar
    assert alice.window.delegate.link_at(row_of(alice, text), in_indent) is None
