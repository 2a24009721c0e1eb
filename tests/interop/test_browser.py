"""The tutorial's page in headless Chromium and a desktop window, chatting both ways
through the tutorial's Node server (which serves the page and its socket.io client).

The page is driven as a user drives it (fill the inputs, click the buttons);
what it shows is read from its `.message` lines.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.protocol.messages import Kind
from tests.interop.nodeproc import Browser
from tests.interop.test_node_server import join_in_window, wait_shown
from tests.ui.conftest import texts, type_and_send


def test_the_tutorial_page_and_a_window_chat_both_ways(
    qtbot: Any, node_server: Any, browser: Any, open_window: Any
) -> None:
    server = node_server(serve_static=True)
    page: Browser = browser(server)
    page.wait_line_matching(r"^You connected with id : \S+$")
    desk = open_window(server, "desk")

    page.send("안녕하세요 from the page 👋")
    page.wait_line("You: 안녕하세요 from the page 👋")  # shown locally, as the tutorial does
    wait_shown(qtbot, desk, "안녕하세요 from the page 👋")

    type_and_send(qtbot, desk, "hello page 🙂\nthis is a second line")
    page.wait_line("hello page 🙂\nthis is a second line")
    # Markup is text on both sides: shown as typed, never run.
    markup = "<b>bold?</b> <img src=x onerror=alert(1)>"
    type_and_send(qtbot, desk, markup)
    page.wait_line(markup)

    page.join("lounge")
    page.wait_line("Joined lounge")  # the server's ack, shown by the page
    join_in_window(qtbot, desk, "lounge")
    wait_shown(qtbot, desk, "Joined lounge", Kind.SYSTEM)
    page.send("in the lounge, from the page", room="lounge")
    wait_shown(qtbot, desk, "in the lounge, from the page")
    type_and_send(qtbot, desk, "in the lounge, from the window")  # the room field says lounge
    page.wait_line("in the lounge, from the window")

    assert texts(desk, Kind.OTHER) == [
        "안녕하세요 from the page 👋",
        "in the lounge, from the page",
    ]
    assert texts(desk, Kind.OWN) == [
        "hello page 🙂\nthis is a second line",
        markup,
        "in the lounge, from the window",
    ]
    assert not page.problems(), page.problems()
