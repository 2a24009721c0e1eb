"""The window on servers of other protocols, through their profiles, with
socket.io-client peers and the demo's kind of page: names, joined/left
lines, participant counts, typing, and the get-started server's echo."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol.messages import DeliveryState, Kind
from tests.interop.nodeproc import Browser, ChildGroup, Peer, Server, start_browser
from tests.interop.test_node_server import wait_shown
from tests.ui.conftest import texts, type_and_send


@pytest.fixture(autouse=True)
def english(qapp: Any) -> Iterator[None]:
    """English as the app installs it (desktop.py): "1 participant" is a plural
    form of the English translation, not of the source text. Without it these
    tests passed only after another test had left English installed."""
    from desktop_chat.ui.i18n import Translations

    translations = Translations(qapp)
    translations.apply("en")
    yield
    for translator in translations._installed:
        qapp.removeTranslator(translator)


def others(session: ChatSession) -> list[tuple[str, str]]:
    return [(m.sender, m.text) for m in session.messages() if m.kind is Kind.OTHER]


def label(session: ChatSession, name: str) -> str:
    return {
        "participantCount": session.window.presence.count,
        "typingIndicator": session.window.presence.typing,
    }[name].text()


def wait_label(qtbot: Any, session: ChatSession, name: str, text: str) -> None:
    try:
        qtbot.waitUntil(lambda: label(session, name) == text, timeout=15_000)
    except qtbot.TimeoutError:
        raise AssertionError(f"{name} is {label(session, name)!r}, not {text!r}") from None


def test_the_chat_demo_both_ways_with_names_presence_and_typing(
    qtbot: Any,
    open_window: Callable[..., ChatSession],
    profile_server: Callable[..., Server],
    peer: Callable[..., Peer],
) -> None:
    server = profile_server("demo_server.js")
    bob = peer(server, "bob")
    bob.emit("add user", "bob")
    bob.wait_heard("login", [{"numUsers": 1}])

    alice = open_window(server, "alice", profile="socketio-chat-demo")
    w = alice.window
    assert w.room_row.isHidden() and not w.presence.isHidden()
    assert w.profile_combo.currentText() == "socketio-chat-demo"
    wait_label(qtbot, alice, "participantCount", "2 participants")  # from the server's login
    bob.wait_heard("user joined", [{"username": "alice", "numUsers": 2}])

    # alice types: bob hears typing, then stop typing once she is idle for 400 ms
    w.message_input.setFocus()
    qtbot.keyClicks(w.message_input, "hel")
    bob.wait_heard("typing", [{"username": "alice"}])
    bob.wait_heard("stop typing", [{"username": "alice"}])
    w.message_input.clear()
    type_and_send(qtbot, alice, "hello from the window")
    bob.wait_heard("new message", [{"username": "alice", "message": "hello from the window"}])
    own = [m for m in alice.messages() if m.kind is Kind.OWN]
    assert own[-1].state is DeliveryState.SENT  # no acks on this server: never "delivered"

    # bob types and speaks: the window shows who types, then the message with his name
    bob.emit("typing")
    wait_label(qtbot, alice, "typingIndicator", "bob is typing…")
    bob.emit("new message", "hi alice, 안녕 👋")
    wait_shown(qtbot, alice, "hi alice, 안녕 👋")
    assert ("bob", "hi alice, 안녕 👋") in others(alice)
    wait_label(qtbot, alice, "typingIndicator", "")  # his message ends his typing

    bob.child.command(cmd="close")
    wait_shown(qtbot, alice, "bob left", Kind.SYSTEM)
    wait_label(qtbot, alice, "participantCount", "1 participant")


def test_a_peer_joining_after_the_window_is_a_joined_line(
    qtbot: Any,
    open_window: Callable[..., ChatSession],
    profile_server: Callable[..., Server],
    peer: Callable[..., Peer],
) -> None:
    server = profile_server("demo_server.js")
    alice = open_window(server, "alice", profile="socketio-chat-demo")
    wait_label(qtbot, alice, "participantCount", "1 participant")
    carol = peer(server, "carol")
    carol.emit("add user", "<b>carol</b>")  # a name is text, never markup
    wait_shown(qtbot, alice, "<b>carol</b> joined", Kind.SYSTEM)
    wait_label(qtbot, alice, "participantCount", "2 participants")
    assert alice.window.presence.count.textFormat() is Qt.TextFormat.PlainText
    assert alice.window.presence.typing.textFormat() is Qt.TextFormat.PlainText


def test_get_started_echo_is_recognised_and_others_are_someone(
    qtbot: Any,
    open_window: Callable[..., ChatSession],
    profile_server: Callable[..., Server],
    peer: Callable[..., Peer],
) -> None:
    server = profile_server("getstarted_server.js")
    dana = peer(server, "dana")
    desk = open_window(server, "desk", profile="socketio-get-started")
    assert desk.window.room_row.isHidden() and desk.window.presence.isHidden()

    type_and_send(qtbot, desk, "from the window")
    dana.wait_heard("chat message", ["from the window"])
    dana.emit("chat message", "from dana")
    wait_shown(qtbot, desk, "from dana")
    # the server sent my message back to me too (io.emit): shown once, as mine
    assert texts(desk, Kind.OWN) == ["from the window"]
    assert others(desk) == [("someone", "from dana")]
    # the same words from someone else are theirs, not an echo
    dana.emit("chat message", "from the window")
    qtbot.waitUntil(lambda: len(others(desk)) == 2, timeout=15_000)
    assert others(desk)[-1] == ("someone", "from the window")


def test_the_demo_page_in_chromium_chats_with_the_window(
    qtbot: Any,
    open_window: Callable[..., ChatSession],
    profile_server: Callable[..., Server],
    browser_ready: None,
    children: ChildGroup,
) -> None:
    server = profile_server("demo_server.js")
    alice = open_window(server, "alice", profile="socketio-chat-demo")
    page: Browser = start_browser(children, server, page="demo.html")
    page.wait_ready()
    page.login("carol")
    wait_shown(qtbot, alice, "carol joined", Kind.SYSTEM)
    wait_label(qtbot, alice, "participantCount", "2 participants")

    page.type("hel")
    wait_label(qtbot, alice, "typingIndicator", "carol is typing…")
    wait_label(qtbot, alice, "typingIndicator", "")  # 400 ms idle: stop typing
    page.say("hello desk")
    wait_shown(qtbot, alice, "hello desk")
    assert ("carol", "hello desk") in others(alice)

    w = alice.window
    w.message_input.setFocus()
    qtbot.keyClicks(w.message_input, "h")
    page.wait_text("#typing", "alice is typing")
    w.message_input.clear()
    type_and_send(qtbot, alice, "hi carol")
    page.wait_line("alice: hi carol")
    page.wait_text("#typing", "")
    assert page.problems() == []


def test_the_inspector_shows_pings_and_the_demo_protocol(
    qtbot: Any,
    open_window: Callable[..., ChatSession],
    profile_server: Callable[..., Server],
) -> None:
    server = profile_server("demo_server.js", ping_interval_ms=300)
    alice = open_window(server, "alice", profile="socketio-chat-demo")
    inspector = alice.inspector
    inspector.open()
    qtbot.waitUntil(inspector.dock.isVisible)

    def seen() -> set[tuple[str, str, str]]:
        return {(r.direction, r.kind, r.event) for r in inspector.model.records()}

    qtbot.waitUntil(lambda: {("in", "ping", ""), ("out", "pong", "")} <= seen(), timeout=10_000)
    type_and_send(qtbot, alice, "seen as a new message")
    qtbot.waitUntil(lambda: ("out", "event", "new message") in seen(), timeout=10_000)
    sent = [r for r in inspector.model.records() if r.event == "new message"][-1]
    assert sent.args() == ["seen as a new message"] and sent.ack_id is None  # it never acks
