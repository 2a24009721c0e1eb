"""Links in what strangers write: only http(s) is clickable, the real target is
shown before anything happens, and nothing reaches the network until a click
(and then only the desktop's URL handler, never the app itself)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol.messages import Kind, display_text
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.links import Link, find_links
from desktop_chat.ui.message_delegate import MAX_SHOWN_CHARS
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected

# ---- which text becomes a link ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see http://example.org/a.", ["http://example.org/a"]),
        ("(https://example.org/wiki/Foo_(bar)), ok?", ["https://example.org/wiki/Foo_(bar)"]),
        ("HTTPS://Example.ORG/Path", ["https://example.org/Path"]),
        ("<http://a.example/x> and http://b.example", ["http://a.example/x", "http://b.example"]),
        ("https://[::1]:8080/p]", ["https://[::1]:8080/p"]),
        ("http://bücher.example/ü", ["http://xn--bcher-kva.example/%C3%BC"]),
        ("https://\u0430pple.com/login", ["https://xn--pple-43d.com/login"]),
        ("javascript:alert(1) file:///etc/passwd ftp://x.example data:text/html,<b>", []),
        ("http:// https://a..b http://-x-.example xhttp://no.example", []),
        ('<a href="javascript:alert(1)">http://fine.example</a>', ["http://fine.example"]),
        ("http://a.example\u202egpj.exe", []),  # a bidi override inside: not a link at all
    ],
)
def test_only_strict_http_links_are_offered_with_their_real_target(
    text: str, expected: list[str]
) -> None:
    assert [link.target for link in find_links(display_text(text))] == expected


def test_a_link_names_the_host_it_really_goes_to() -> None:
    (link,) = find_links("log in at http://bank.example@evil.example/login")
    assert link.host == "evil.example"
    assert "Site: evil.example" in link.describe()


# ---- the window -------------------------------------------------------------


class Opened(QObject):
    """The desktop's URL handler for http and https, as QDesktopServices calls it."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


@pytest.fixture
def opened(qapp: Any) -> Iterator[Opened]:
    handler = Opened()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def listener(arun: Any) -> Iterator[tuple[int, list[str]]]:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""
    connections: list[str] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(str(writer.get_extra_info("peername")))
        writer.close()

    server = arun(asyncio.start_server(accept, "127.0.0.1", 0))
    yield server.sockets[0].getsockname()[1], connections
    server.close()
    arun(server.wait_closed())


def received_by_bob(
    qtbot: Any, open_window: Any, chat_server: ChatServer, text: str
) -> ChatSession:
    """Alice types `text` in her window; Bob's window, which shows it, is returned."""
    alice = open_window(server_url(chat_server), "alice")
    bob = open_window(server_url(chat_server), "bob")
    wait_connected(qtbot, alice)
    wait_connected(qtbot, bob)
    type_and_send(qtbot, alice, text)
    qtbot.waitUntil(lambda: text in texts(bob, Kind.OTHER))
    return bob


def row_of(session: ChatSession, text: str) -> Any:
    model = session.model
    row = next(r for r in range(model.rowCount()) if model.message_at(r).text == text)
    return model.index(row)


def point_on(session: ChatSession, text: str, link: Link) -> QPoint:
    """A point in the list where `link` is drawn, found as a user's pointer would."""
    view = session.window.message_list
    index = row_of(session, text)
    view.scrollTo(index)
    rect = view.visualRect(index)
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 2):
            if session.window.delegate.link_at(index, QPoint(x, y)) == link:
                return QPoint(x, y)
    raise AssertionError(f"{link.target} is not drawn in its row")


def move_pointer(session: ChatSession, pos: QPoint) -> None:
    """The pointer moving over the list (QTest's mouseMove moves no pointer offscreen)."""
    viewport = session.window.message_list.viewport()
    global_pos = QPointF(viewport.mapToGlobal(pos))
    none = Qt.MouseButton.NoButton
    event = QMouseEvent(
        QEvent.Type.MouseMove, QPointF(pos), global_pos, none, none, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, event)


def tooltip_at(session: ChatSession, pos: QPoint) -> str:
    viewport = session.window.message_list.viewport()
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    QApplication.sendEvent(viewport, event)
    return str(QToolTip.text()) if QToolTip.isVisible() else ""


# How long the loop turns after a click before we conclude that nothing
# fetched the link: a fetch the app started would connect well within it.
LATE_FETCH_WINDOW_MS = 1500


def connect_after(qtbot: Any, arun: Any, port: int, delay_ms: int) -> str:
    """Turn the Qt/asyncio loop for `delay_ms`, then connect to the listener once
    ourselves; what the listener records for that connection."""
    qtbot.wait(delay_ms)

    async def connect() -> str:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        name = str(writer.get_extra_info("sockname"))
        writer.close()
        await writer.wait_closed()
        return name

    result: str = arun(connect())
    return result


def test_a_link_from_another_user_opens_only_on_click(
    qtbot: Any,
    arun: Any,
    open_window: Any,
    chat_server: ChatServer,
    opened: Opened,
    listener: tuple[int, list[str]],
) -> None:
    port, connections = listener
    target = f"http://127.0.0.1:{port}/page?x=1"
    text = f"look: {target}. Or javascript:alert(1) <img src=http://127.0.0.1:{port}/img>"
    bob = received_by_bob(qtbot, open_window, chat_server, text)
    view = bob.window.message_list
    view.viewport().grab()  # painted, as a user sees it

    message = bob.model.message_at(row_of(bob, text).row())
    links = bob.window.delegate.body_of(message).links
    # The markup is text; the address inside it is a link like any other, and
    # no image is fetched from it.
    assert [link.target for link in links] == [target, f"http://127.0.0.1:{port}/img"]
    link = links[0]
    pos = point_on(bob, text, link)

    # Pointing at it changes the cursor and names the target; nothing is fetched.
    move_pointer(bob, pos)
    qtbot.waitUntil(lambda: view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor)
    assert tooltip_at(bob, pos) == f"{target}\nSite: 127.0.0.1\nClick to open in your browser"
    # A press that ends elsewhere is not a click on the link.
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), 2))
    assert opened.urls == [] and connections == []  # (a click opens synchronously)

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: opened.urls == [target])
    assert "Opened " + target in bob.window.statusBar().currentMessage()
    # The app handed the URL over and fetched nothing itself, not even later:
    # the loop turns for a while, then a connection of our own shows that the
    # listener does record connections made meanwhile; it is the only one.
    control = connect_after(qtbot, arun, port, LATE_FETCH_WINDOW_MS)
    qtbot.waitUntil(lambda: control in connections)
    assert connections == [control]
    connections.clear()

    # Text around the link is plain: a click there opens nothing.
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(row_of(bob, text)).bottomRight() - QPoint(20, 12),
    )
    assert opened.urls == [target]


def test_a_lookalike_host_is_shown_as_punycode_in_tooltip_and_menu(
    qtbot: Any, open_window: Any, chat_server: ChatServer, opened: Opened
) -> None:
    text = "your account: https://\u0430pple.com/login"  # a Cyrillic "a"
    bob = received_by_bob(qtbot, open_window, chat_server, text)
    bob.window.message_list.viewport().grab()
    message = bob.model.message_at(row_of(bob, text).row())
    (link,) = bob.window.delegate.body_of(message).links
    assert tooltip_at(bob, point_on(bob, text, link)).splitlines()[:2] == [
        "https://xn--pple-43d.com/login",
        "Site: xn--pple-43d.com",
    ]

    menu = bob.window.message_menu(row_of(bob, text))
    assert menu is not None
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert "Open https://xn--pple-43d.com/login" in actions
    actions["Copy link address"].trigger()
    assert QGuiApplication.clipboard().text() == "https://xn--pple-43d.com/login"
    actions["Copy text"].trigger()
    assert QGuiApplication.clipboard().text() == text
    assert opened.urls == []
    actions["Open https://xn--pple-43d.com/login"].trigger()
    assert opened.urls == ["https://xn--pple-43d.com/login"]
    menu.deleteLater()


def test_no_link_in_system_lines_or_past_the_cut_of_a_long_message(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    long = "x" * (MAX_SHOWN_CHARS - 10) + " http://example.org/" + "a" * 50
    bob = received_by_bob(qtbot, open_window, chat_server, long)
    delegate = bob.window.delegate
    assert delegate.body_of(bob.model.message_at(row_of(bob, long).row())).links == []
    bob.bridge.show_system("see http://example.org/help")
    qtbot.waitUntil(lambda: "see http://example.org/help" in texts(bob, Kind.SYSTEM))
    note = bob.model.message_at(row_of(bob, "see http://example.org/help").row())
    assert delegate.body_of(note).links == []
