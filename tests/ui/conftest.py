"""Real windows (ChatSession) against real servers, on the shared qasync loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF


@pytest.fixture
def chat_server(arun: Callable[..., Any]) -> Iterator[ChatServer]:
    server = ChatServer()
    arun(server.start("127.0.0.1", 0))
    yield server
    arun(server.stop())


@pytest.fixture
def second_server(arun: Callable[..., Any]) -> Iterator[ChatServer]:
    """Another server, for a second account."""
    server = ChatServer()
    arun(server.start("127.0.0.1", 0))
    yield server
    arun(server.stop())


def server_url(server: ChatServer) -> str:
    return f"http://127.0.0.1:{server.port}"


@pytest.fixture
def open_window(arun: Callable[..., Any], qtbot: Any) -> Iterator[Callable[..., ChatSession]]:
    sessions: list[ChatSession] = []

    def open_(
        url: str | None = None,
        name: str = "tester",
        *,
        room: str = "",
        path: str = "/socket.io",
        default_url: str = "http://localhost:3000",
        settings: Settings | None = None,
    ) -> ChatSession:
        options = Options(
            url=url,
            name=name,
            room=room,
            path=path,
            default_url=default_url,
            remember=settings is not None,
        )
        session = ChatSession(options, settings or Settings(), backoff=FAST_BACKOFF)
        sessions.append(session)
        arun(session.start())
        return session

    yield open_
    for session in reversed(sessions):
        arun(session.close())


def texts(session: ChatSession, kind: Kind | None = None) -> list[str]:
    return [m.text for m in session.messages() if kind is None or m.kind is kind]


def wait_connected(qtbot: Any, session: ChatSession, timeout: int = 10_000) -> None:
    qtbot.waitUntil(
        lambda: session.client.status.state is ConnectionState.CONNECTED, timeout=timeout
    )


def type_and_send(qtbot: Any, session: ChatSession, text: str, room: str | None = None) -> None:
    """Do what a user does: set the room, type the text, press Enter."""
    w = session.window
    if room is not None:
        w.select_room(room)
    w.message_input.setFocus()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i:
            qtbot.keyClick(w.message_input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        w.message_input.insertPlainText(line)
    qtbot.keyClick(w.message_input, Qt.Key.Key_Return)


def search(qtbot: Any, session: ChatSession, text: str, everywhere: bool) -> list[Any]:
    """Search as a user does and wait for the results (searched on a worker thread)."""
    session.window.search(text, everywhere)
    panel = session.window.search_panel
    qtbot.waitUntil(lambda: not panel.searching)
    return panel.model.hits()
