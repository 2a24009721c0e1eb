"""python-socketio's own example server (examples/server/aiohttp, unchanged:
tests/interop/socketio_example/) through a user profile: its
`connect(sid, environ)` takes no auth, so a profile without `auth` sends none
(with one, python-socketio calls the handler with an argument it does not take
and the connection never completes); two windows join a room and chat."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.protocol.messages import Kind
from tests.helpers import FAST_BACKOFF
from tests.ui.conftest import texts, type_and_send, wait_connected

EXAMPLE = Path(__file__).parent / "socketio_example"
PROFILE = """\
name = "socketio-example"
description = "python-socketio's examples/server/aiohttp"
echo = "always"   # my_room_event goes to the whole room, the sender too

[send]
event = "my_room_event"
args = [{ data = "$text", room = "$room" }]

[receive]
event = "my_response"
text = "0.data"

[join]
event = "join"
args = [{ room = "$room" }]
"""


@pytest.fixture
def example_url(arun: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.chdir(EXAMPLE)  # app.py adds its static folder by a relative path
    spec = importlib.util.spec_from_file_location("socketio_example_app", EXAMPLE / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    runner = web.AppRunner(module.app)
    arun(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    arun(site.start())
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    arun(runner.cleanup())


def test_two_windows_chat_through_python_socketio_s_example(
    qtbot: Any, arun: Any, example_url: str, tmp_path: Path
) -> None:
    (tmp_path / "example.toml").write_text(PROFILE)
    sessions = []
    try:
        for name in ("alice", "bob"):
            options = Options(
                url=example_url,
                name=name,
                remember=False,
                profiles_dir=tmp_path,
                profile="socketio-example",
            )
            session = ChatSession(options, Settings(), backoff=FAST_BACKOFF)
            sessions.append(session)
            arun(session.start())
        alice, bob = sessions
        for s in sessions:
            wait_connected(qtbot, s)
            assert s.client.profile.auth == "none"
            qtbot.waitUntil(lambda s=s: "Connected" in texts(s))  # the server's greeting
            s.window.room_input.setText("garden")
            s.window.join_button.click()
            qtbot.waitUntil(lambda s=s: any("Entered room: garden" in t for t in texts(s)))
        type_and_send(qtbot, alice, "hello from the desktop", room="garden")
        qtbot.waitUntil(lambda: "hello from the desktop" in texts(bob, Kind.OTHER))
        type_and_send(qtbot, bob, "and back", room="garden")
        qtbot.waitUntil(lambda: "and back" in texts(alice, Kind.OTHER))
    finally:
        for s in reversed(sessions):
            arun(s.close())


def test_a_profile_says_what_goes_in_auth() -> None:
    from desktop_chat.client.profile_toml import ProfileError, builtin_profiles, parse_profile

    base = 'name = "p"\n[send]\nevent = "say"\nargs = ["$text"]\n[receive]\nevent = "said"\n'
    assert parse_profile(base, "p.toml").auth == "none"  # no key: none
    assert parse_profile("auth = false\n" + base, "p.toml").auth == "none"
    assert parse_profile('auth = "desktop-chat"\n' + base, "p.toml").auth == "desktop-chat"
    table = parse_profile(base + '[auth]\nname = "$name"\ntoken = "$token"\nv = 2\n', "p.toml")
    assert table.auth == "table"
    assert table.auth_payload("alice", "t0k") == {"name": "alice", "token": "t0k", "v": 2}
    with pytest.raises(ProfileError, match=r"\$name and \$token"):
        parse_profile(base + '[auth]\nname = "$text"\n', "p.toml")
    with pytest.raises(ProfileError, match="auth"):
        parse_profile("auth = 3\n" + base, "p.toml")
    assert {p.auth for p in builtin_profiles().values()} == {"desktop-chat"}
