"""Profiles without a network: the TOML checks, the paths, and what each
built-in dialect puts on the wire and reads from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_chat.client.dialect import ProfileDialect, TutorialDialect, dialect_for
from desktop_chat.client.presence import Presence, PresenceEvent, PresenceKind
from desktop_chat.client.profile import ArgPath, Echo
from desktop_chat.client.profile_toml import (
    BUILTIN_NAMES,
    ProfileError,
    builtin_profiles,
    builtin_text,
    load_profiles,
    parse_profile,
)
from desktop_chat.protocol.messages import own_message

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
name = "mine"
[send]
event = "say"
args = ["$text", { who = "$name" }]
[receive]
event = "said"
text = "0.text"
sender = "0.who"
"""


def error_of(text: str) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, "mine.toml")
    return str(caught.value)


def test_the_builtins_load_and_docs_show_each_verbatim() -> None:
    profiles = builtin_profiles()
    assert list(profiles) == list(BUILTIN_NAMES)
    docs = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    for name in BUILTIN_NAMES:
        assert builtin_text(name) in docs, f"docs/profiles.md lacks {name}.toml as shipped"


def test_a_good_profile_fills_its_templates_and_reads_its_paths() -> None:
    dialect = ProfileDialect(parse_profile(GOOD, "mine.toml"))
    message = own_message("hi", "", "alice")
    assert dialect.send_args(message) == ("hi", {"who": "alice"})
    inbound = dialect.inbound(({"text": "yo", "who": "bob", "extra": 1},))
    assert (inbound.message.text, inbound.message.sender) == ("yo", "bob")
    missing = dialect.inbound(("not a dict",))
    assert (missing.message.text, missing.message.sender) == ("", "")
    assert dialect.inbound(({"text": {"a": 1}},)).message.text == '{"a": 1}'  # shown as JSON
    assert dialect.known_echo is False and not dialect.profile.rooms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "x"\n[send\nevent = 1', "mine.toml, line 2: not valid TOML"),
        (GOOD.replace('event = "say"', 'event = "connect"'), "send.event: 'connect' is reserved"),
        (
            GOOD.replace('event = "said"', 'event = "disconnect"'),
            "mine.toml, line 6: receive.event: 'disconnect' is reserved",
        ),
        (
            GOOD.replace('event = "said"', "event = 42"),
            "receive.event: must be a string, not a number",
        ),
        ("colour = 1\n" + GOOD, "mine.toml, line 1: colour: unknown key"),
        (
            GOOD.replace('sender = "0.who"', 'sender = "0.who"\nwhen = "1"'),
            "receive.when: unknown key",
        ),
        (
            GOOD.replace('text = "0.text"', 'text = "first.text"'),
            "receive.text: 'first.text' does not start",
        ),
        (GOOD.replace('text = "0.text"', "text = [0]"), "receive.text: must be a path"),
        (GOOD.replace('"$text"', '"$body"'), "send.args: '$body' is not one of"),
        ('echo = "sometimes"\n' + GOOD, "line 1: echo: must be one of never, always, probe"),
        (GOOD.replace('name = "mine"', 'name = "Mine Profile"'), "name: 'Mine Profile'"),
        (GOOD.replace('name = "mine"\n', ""), "name: is missing"),
        (GOOD + '[typing]\nevent = "said"\n', "typing.event: 'said' is already receive.event"),
        ('echo = "probe"\n' + GOOD, 'echo: "probe" needs [join]'),
        (
            GOOD + '[send_typing]\nstart = "t"\nstop = "s"\nidle_ms = true\n',
            "send_typing.idle_ms: must be a whole number",
        ),
        ("extensions = true\n" + GOOD, "extensions: true needs the tutorial's argument shapes"),
        (
            'name = "mine"\nsend = 3\n' + GOOD[GOOD.index("[receive]") :],
            "line 2: send: must be a table",
        ),
    ],
)
def test_hostile_profiles_are_refused_with_the_file_key_and_line(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_load_goes_on_with_the_valid_files(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.toml").write_text("name = \n", encoding="utf-8")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00name")
    (tmp_path / "shadow.toml").write_text(GOOD.replace('"mine"', '"tutorial"'), encoding="utf-8")
    (tmp_path / "huge.toml").write_text("# " + "x" * 70_000, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile", encoding="utf-8")
    loaded = load_profiles(tmp_path)
    assert list(loaded.profiles) == [*BUILTIN_NAMES, "mine"]
    messages = sorted(str(e) for e in loaded.errors)
    assert len(messages) == 4
    assert any("binary.toml: not UTF-8" in m for m in messages)
    assert any("broken.toml, line 1: not valid TOML" in m for m in messages)
    assert any("huge.toml: larger than 64 KiB" in m for m in messages)
    assert any("shadow.toml, line 1: name: 'tutorial' is a built-in profile" in m for m in messages)
    assert load_profiles(tmp_path / "absent").errors == []


def test_arg_paths() -> None:
    path = ArgPath.parse("1.from.name")
    assert path.get(("x", {"from": {"name": "bob"}})) == "bob"
    assert str(path) == "1.from.name"
    assert path.get(("x",)) is path.get(("x", {"from": 3}))  # MISSING, either way
    for bad in ("", "a", "-1", "0.", "0..x", "\u0661"):
        with pytest.raises(ValueError):
            ArgPath.parse(bad)


def test_the_tutorial_profile_is_the_tutorial_dialect() -> None:
    profile = builtin_profiles()["tutorial"]
    dialect = dialect_for(profile)
    assert type(dialect) is TutorialDialect and dialect.profile is profile
    assert (dialect.send_event, dialect.join_event, dialect.receive_event, dialect.info_event) == (
        "send-message",
        "join-room",
        "receive-message",
        "server-info",
    )
    assert dialect.known_echo is None and profile.echo is Echo.PROBE
    message = own_message("hi", "r1", "me")
    assert dialect.send_args(message) == ("hi", "r1", {"id": message.id})
    assert dialect.join_args("r1", 5) == ("r1", {"since": 5})
    assert dialect.join_args("r1", None) == ("r1",)
    # the generic reading of its profile agrees with the code
    generic = ProfileDialect(profile)
    args = ("text", {"from": {"name": "bob", "sid": "s"}, "room": "r1", "ts": 1700000000.5})
    for d in (dialect, generic):
        got = d.inbound(args).message
        assert (got.text, got.sender, got.room, got.ts) == ("text", "bob", "r1", 1700000000.5)


def test_the_demo_and_get_started_dialects() -> None:
    profiles = builtin_profiles()
    demo = dialect_for(profiles["socketio-chat-demo"])
    assert demo.send_args(own_message("hi", "", "alice")) == ("hi",)
    assert demo.login_args("alice") == ("alice",)
    parse = demo.presence_parsers()
    assert set(parse) == {"login", "user joined", "user left", "typing", "stop typing"}
    assert parse["user left"](({"username": "bob", "numUsers": 1},)) == PresenceEvent(
        PresenceKind.LEFT, "bob", 1
    )
    assert parse["login"](({"numUsers": "lots"},)) == PresenceEvent(PresenceKind.COUNT)
    assert parse["typing"](()) == PresenceEvent(PresenceKind.TYPING)
    started = dialect_for(profiles["socketio-get-started"])
    assert started.known_echo is True and started.presence_parsers() == {}
    assert started.inbound(("yo",)).message.sender == "someone"


def test_a_profiles_typing_in_the_one_presence_model() -> None:
    """A server without rooms is the room "": its typing lasts until stop typing,
    a message or a leave, and never runs out by itself."""
    presence = Presence(lambda: "me")
    presence.set_connected(True)
    assert presence.room("").typing == []
    for name in ("ann", "bob", "cy", "di"):
        presence.event(PresenceEvent(PresenceKind.TYPING, name))
    assert presence.room("").typing == ["ann", "bob", "cy", "di"]
    presence.spoke("", "ann")
    presence.spoke("", "zed")
    presence.event(PresenceEvent(PresenceKind.LEFT, "bob"))
    presence.event(PresenceEvent(PresenceKind.STOP_TYPING, "cy"))
    assert presence.room("").typing == ["di"]
