"""The window's side of profiles: bad profile files are lines in the window
(never a crash), the connect form's combo box switches and is remembered
per server, and --profile picks one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.__main__ import build_parser
from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF
from tests.ui.conftest import server_url, texts, wait_connected

HOSTILE = {
    "not-toml.toml": 'name = "x"\n[send\n',
    "types.toml": 'name = "types"\n[send]\nevent = ["a"]\n[receive]\nevent = "r"\n',
    "unknown.toml": 'name = "unknown"\nrooms = 3\n[send]\nevent = "s"\n[receive]\nevent = "r"\n',
    "connect.toml": 'name = "conn"\n[send]\nevent = "s"\n[receive]\nevent = "connect"\n',
    "disconnect.toml": 'name = "disc"\n[send]\nevent = "disconnect"\n[receive]\nevent = "r"\n',
    "binary.toml": "\udcff",
}
GOOD = 'name = "mine"\n[send]\nevent = "say"\nargs = ["$text"]\n[receive]\nevent = "said"\n'


@pytest.fixture
def session_with(arun: Callable[..., Any], qtbot: Any) -> Iterator[Callable[..., ChatSession]]:
    sessions: list[ChatSession] = []

    def open_(
        url: str, folder: Path | None = None, settings: Settings | None = None, **options: Any
    ) -> ChatSession:
        opts = Options(url=url, name="tester", remember=False, profiles_dir=folder, **options)
        session = ChatSession(opts, settings or Settings(), backoff=FAST_BACKOFF)
        sessions.append(session)
        arun(session.start())
        return session

    yield open_
    for session in reversed(sessions):
        arun(session.close())


def test_hostile_profile_files_are_lines_in_the_window_and_the_rest_is_offered(
    tmp_path: Path, qtbot: Any, chat_server: ChatServer, session_with: Callable[..., ChatSession]
) -> None:
    for name, text in HOSTILE.items():
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    session = session_with(server_url(chat_server), tmp_path)
    wait_connected(qtbot, session)
    lines = [t for t in texts(session, Kind.SYSTEM) if t.startswith("Profile not loaded")]
    assert len(lines) == len(HOSTILE), lines
    joined = "\n".join(lines)
    assert "not-toml.toml, line 2: not valid TOML" in joined
    assert "types.toml" in joined and "send.event: must be a string, not an array" in joined
    assert "unknown.toml, line 2: rooms: unknown key" in joined
    assert "connect.toml, line 5: receive.event: 'connect' is reserved" in joined
    assert "disconnect.toml, line 3: send.event: 'disconnect' is reserved" in joined
    assert "binary.toml: not UTF-8 text" in joined
    combo = session.window.profile_combo
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["tutorial", "socketio-chat-demo", "socketio-get-started", "mine"]
    assert session.client.profile.name == "tutorial"


def test_the_combo_box_switches_profile_and_it_is_remembered_per_server(
    qtbot: Any, chat_server: ChatServer, session_with: Callable[..., ChatSession]
) -> None:
    settings = Settings()
    session = session_with(server_url(chat_server), settings=settings)
    wait_connected(qtbot, session)
    w = session.window
    assert not w.room_row.isHidden()
    # desktop-chat-server says who is here: the presence bar shows (tests/ui/test_presence.py)
    qtbot.waitUntil(lambda: not w.presence.isHidden())
    w.profile_combo.setCurrentIndex(w.profile_combo.findData("socketio-get-started"))
    w.profile_combo.activated.emit(w.profile_combo.currentIndex())
    qtbot.waitUntil(lambda: session.client.profile.name == "socketio-get-started")
    assert w.room_row.isHidden()
    key = session.client.target.key if session.client.target else ""
    qtbot.waitUntil(lambda: settings.profiles.get(key) == "socketio-get-started", timeout=10_000)
    # the next start with these settings speaks it to this server at once
    again = session_with(server_url(chat_server), settings=settings)
    assert again.client.profile.name == "socketio-get-started"
    assert again.window.profile_combo.currentText() == "socketio-get-started"


def test_profile_on_the_command_line_and_an_unknown_one(
    qtbot: Any, chat_server: ChatServer, session_with: Callable[..., ChatSession]
) -> None:
    assert build_parser().parse_args(["--profile", "socketio-chat-demo"]).profile == (
        "socketio-chat-demo"
    )
    session = session_with(server_url(chat_server), profile="no-such")
    wait_connected(qtbot, session)
    assert session.client.profile.name == "tutorial"
    assert any("There is no profile 'no-such'" in t for t in texts(session, Kind.SYSTEM))


def test_settings_keep_profiles_and_tolerate_damage(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    Settings(url="http://x", profiles={"http://x/socket.io": "socketio-chat-demo"}).save(file)
    assert Settings.load(file).profiles == {"http://x/socket.io": "socketio-chat-demo"}
    file.write_text('{"url": "http://y", "profiles": {"a": 1, "b": "tutorial"}}')
    loaded = Settings.load(file)
    assert (loaded.url, loaded.profiles) == ("http://y", {"b": "tutorial"})
    file.write_text('{"profiles": []}')
    assert Settings.load(file).profiles == {}
