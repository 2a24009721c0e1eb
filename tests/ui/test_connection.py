"""The connection as the user sees it: status line, errors in words, hosting."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import DeliveryState, Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected


def test_status_follows_the_server_going_away_and_coming_back(
    qtbot: Any, open_window: Any, arun: Any
) -> None:
    server = ChatServer()
    port = arun(server.start("127.0.0.1", 0))
    session = open_window(f"http://127.0.0.1:{port}", "alice")
    wait_connected(qtbot, session)
    status = session.window.status_label
    assert status.details().startswith(f"Connected as {session.client.status.sid}")

    arun(server.stop())
    qtbot.waitUntil(lambda: status.details().startswith("Reconnecting to"))
    assert "Disconnected from the server." in texts(session, Kind.SYSTEM)
    qtbot.waitUntil(lambda: "Connection refused" in status.details())

    type_and_send(qtbot, session, "written while the server was down")
    server = ChatServer()
    arun(server.start("127.0.0.1", port))
    try:
        qtbot.waitUntil(lambda: status.details().startswith("Connected as"), timeout=10_000)
        # No developer's line per connection (Settings can ask for it: test_connection_id_line).
        assert not [t for t in texts(session, Kind.SYSTEM) if t.startswith("You connected")]
        qtbot.waitUntil(
            lambda: (
                [m.state for m in session.messages() if m.kind is Kind.OWN]
                == [DeliveryState.DELIVERED]
            )
        )
    finally:
        arun(server.stop())


def test_a_malformed_address_is_explained_and_the_app_keeps_running(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    session = open_window(server_url(chat_server))
    wait_connected(qtbot, session)
    field = session.window.server_url
    for typed, words in [
        ("ftp://example.org", "only http://, https://"),
        ("http://", "names no host"),
        ("http://localhost:99999", "malformed"),
        ("   ", "empty"),
    ]:
        field.setText(typed)
        qtbot.mouseClick(session.window.connect_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda w=words: any(w in t for t in texts(session, Kind.SYSTEM)))
        assert "Invalid server address" in session.window.status_label.details()
    # Nothing was torn down: the old connection still carries messages.
    assert session.client.status.state is ConnectionState.CONNECTED
    field.setText(server_url(chat_server))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    wait_connected(qtbot, session)


def test_an_explicit_url_with_nothing_listening_is_retried_never_hosted(
    qtbot: Any, open_window: Any
) -> None:
    port = free_port()
    session = open_window(f"http://127.0.0.1:{port}")
    qtbot.waitUntil(lambda: "Connection refused" in session.window.status_label.details())
    assert "Reconnecting to" in session.window.status_label.details()
    assert not session.hosting
    qtbot.waitUntil(lambda: session.client.status.retry_at is not None)


def test_first_start_hosts_when_nothing_listens_and_the_second_joins(
    qtbot: Any, open_window: Any
) -> None:
    default = f"http://localhost:{free_port()}"
    host = open_window(None, "host", default_url=default)
    assert host.hosting
    wait_connected(qtbot, host)
    assert "hosting the server on 127.0.0.1" in host.window.status_label.details()
    guest = open_window(None, "guest", default_url=default)
    assert not guest.hosting
    wait_connected(qtbot, guest)
    assert "hosting" not in guest.window.status_label.details()

    type_and_send(qtbot, guest, "hello host")
    qtbot.waitUntil(lambda: "hello host" in texts(host, Kind.OTHER))
    type_and_send(qtbot, host, "hello guest")
    qtbot.waitUntil(lambda: "hello guest" in texts(guest, Kind.OTHER))


def test_the_last_server_used_is_where_the_next_start_goes(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    settings = Settings()
    first = open_window(server_url(chat_server), "alice", settings=settings)
    wait_connected(qtbot, first)
    again = Settings.load()
    assert again.url == server_url(chat_server)
    second = open_window(None, "alice", settings=again, default_url="http://localhost:9")
    wait_connected(qtbot, second)
    assert not second.hosting
    assert second.window.server_url.text() == server_url(chat_server)


def test_one_press_of_connect_is_one_connection_attempt(
    qtbot: Any, open_window: Any, chat_server: ChatServer, arun: Any
) -> None:
    """Connect used to connect twice (once without the chosen profile): a bad
    address was said twice, and a good one was connected to twice."""
    session = open_window(server_url(chat_server))
    wait_connected(qtbot, session)
    attempts: list[object] = []
    original = session.client.connect_to

    def counting(target: Any, profile: Any = None) -> None:
        attempts.append(target)
        original(target, profile)

    session.client.connect_to = counting
    field = session.window.server_url
    field.setText("http://")
    qtbot.mouseClick(session.window.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("names no host" in t for t in texts(session, Kind.SYSTEM)))
    assert sum("names no host" in t for t in texts(session, Kind.SYSTEM)) == 1
    assert attempts == []

    other = ChatServer()
    port = arun(other.start("127.0.0.1", 0))
    try:
        field.setText(f"http://127.0.0.1:{port}")
        with qtbot.waitSignal(session.bridge.connected_to, timeout=10_000):
            qtbot.mouseClick(session.window.connect_button, Qt.MouseButton.LeftButton)
            assert len(attempts) == 1
        assert session.client.target is not None and session.client.target.url.port == port
        type_and_send(qtbot, session, "after one press")
        qtbot.waitUntil(
            lambda: (
                [m.state for m in session.messages() if m.kind is Kind.OWN]
                == [DeliveryState.DELIVERED]
            )
        )
        assert len(attempts) == 1
    finally:
        arun(other.stop())
