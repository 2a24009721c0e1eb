"""Run by tests/ui/test_emoji_font.py in a child pytest whose fontconfig hides
the system's colour emoji font (not collected on its own: no test_ prefix).

Two real windows on a real server: plain messages load no emoji font; the
first message with emoji loads the file (the bundle's, else the system's)
and its row is drawn in colour.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QFontDatabase, QFontMetrics

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol.messages import Kind, Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.emoji_font import color_emoji_family, loaded_emoji_family
from desktop_chat.ui.message_model import Role
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


def colour_pixels(session: ChatSession, text: str) -> int:
    """Pixels with colour (saturated, not dark) in the row that shows `text`."""
    view = session.window.message_list
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        message = index.data(Role.MESSAGE)
        if isinstance(message, Message) and message.text == text:
            image = view.viewport().grab(view.visualRect(index)).toImage()
            return sum(
                1
                for y in range(image.height())
                for x in range(image.width())
                if (c := QColor(image.pixel(x, y))).hsvSaturation() > 100 and c.value() > 80
            )
    raise AssertionError(f"{text!r} is not in the list")


def test_the_first_emoji_message_loads_the_colour_font(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    assert color_emoji_family() is None, "the system's colour emoji font is not hidden"
    alice = open_window(server_url(chat_server), "alice")
    bob = open_window(server_url(chat_server), "bob")
    wait_connected(qtbot, alice)
    wait_connected(qtbot, bob)
    for text in ("good morning", "no emoji here, only words"):
        type_and_send(qtbot, bob, text)
        qtbot.waitUntil(lambda text=text: text in texts(alice, Kind.OTHER))
    plain = "no emoji here, only words"  # grouped under the first: no coloured name
    qtbot.waitUntil(
        lambda: (
            alice.window.message_list.visualRect(
                alice.window.message_list.model().index(
                    alice.window.message_list.model().rowCount() - 1, 0
                )
            ).height()
            > 0
        )
    )
    assert colour_pixels(alice, plain) < 5
    # Start-up and plain messages did not load it.
    assert loaded_emoji_family() is None
    assert not any("Emoji" in f for f in QFontDatabase.families())

    party = "party 🎉😀"
    type_and_send(qtbot, bob, party)
    qtbot.waitUntil(lambda: party in texts(alice, Kind.OTHER))
    qtbot.waitUntil(lambda: colour_pixels(alice, party) > 40, timeout=5000)
    assert loaded_emoji_family() == "Noto Color Emoji"
    # Message text falls back to it after its own families.
    body = alice.window.delegate._body_font
    assert body.families()[-1] == "Noto Color Emoji" and len(body.families()) > 1
    # ...and only for what they lack: words and digits measure as before.
    text = "no emoji here, only words (150)"
    own = alice.window.message_list.font()
    assert QFontMetrics(body).horizontalAdvance(text) == QFontMetrics(own).horizontalAdvance(text)
