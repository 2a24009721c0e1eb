"""Profiles as TOML: the built-in ones shipped in the package, the user's own
in `<config dir>/profiles/*.toml`, every one checked before it is used.

A profile file is untrusted input that decides which events the client
listens to and sends, so it is checked key by key: an unknown key, a wrong
type, a path that is not a path, a reserved Socket.IO event name or two
meanings for one event is a `ProfileError` that names the file, the key
and, where it can be found, the line. A bad file is reported and skipped;
the others are used. The built-ins are TOML text too (desktop_chat/client/
profiles/), so docs/profiles.md shows them verbatim and cannot disagree.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from desktop_chat.client.profile import (
    AUTH_DESKTOP_CHAT,
    AUTH_NONE,
    AUTH_PLACEHOLDERS,
    AUTH_TABLE,
    PLACEHOLDERS,
    RESERVED_EVENTS,
    Acks,
    ArgPath,
    Echo,
    Emit,
    Notice,
    Profile,
    Receive,
    Typing,
)

BUILTIN_NAMES = ("tutorial", "socketio-chat-demo", "socketio-get-started")
DEFAULT_PROFILE = "tutorial"
MAX_FILE_BYTES = 64 * 1024  # a profile is a page of text; anything bigger is not one

_TOP_KEYS = {"name", "description", "echo", "acks", "extensions", "anonymous", "auth"}
_EMITS = {"send", "join", "leave", "login"}
_NOTICES = {"count", "joined", "left", "typing", "stop_typing"}
_TABLES = {
    **{name: {"event", "args"} for name in _EMITS},
    **{name: {"event", "name", "count"} for name in _NOTICES},
    "receive": {"event", "text", "sender", "room", "time"},
    "send_typing": {"start", "stop", "idle_ms"},
}
# What the extensions need: the tutorial's shapes (dialect.TutorialDialect reads them as code).
_TUTORIAL_SEND: list[object] = ["$text", "$room", {"id": "$id"}]
_TUTORIAL_RECEIVE = {"text": "0", "sender": "1.from.name", "room": "1.room", "time": "1.ts"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class ProfileError(ValueError):
    """A profile that cannot be used, said in words for the window."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line


@dataclass(frozen=True, slots=True)
class Loaded:
    """The profiles that can be used, and why the others cannot."""

    profiles: dict[str, Profile]
    errors: list[ProfileError]


def parse_profile(text: str, source: str) -> Profile:
    """One profile from TOML text; ProfileError when it is not a valid one."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(match[1]) if match else None
        col = f", column {match[2]}" if match else ""
        raise ProfileError(source, f"not valid TOML{col}: {message}", line) from None
    return _Checker(data, text, source).profile()


class _Checker:
    def __init__(self, data: dict[str, Any], text: str, source: str) -> None:
        self.data = data
        self.text = text
        self.source = source

    def fail(self, key: str, message: str) -> ProfileError:
        return ProfileError(self.source, f"{key}: {message}", _line_of(self.text, key))

    # ---- values ----------------------------------------------------------

    def string(
        self, table: dict[str, Any], key: str, where: str, default: str | None = None
    ) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.fail(where, "is missing")
        if not isinstance(value, str):
            raise self.fail(where, f"must be a string, not {_type(value)}")
        return value

    def event(self, table: dict[str, Any], key: str, where: str) -> str:
        name = self.string(table, key, where)
        if not name or len(name) > 200 or not name.isprintable():
            raise self.fail(where, f"{name!r} is not an event name")
        if name in RESERVED_EVENTS:
            raise self.fail(where, f"{name!r} is reserved by Socket.IO and cannot be used")
        return name

    def path(self, table: dict[str, Any], key: str, where: str) -> ArgPath | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(where, f'must be a path such as "0.message", not {_type(value)}')
        try:
            return ArgPath.parse(value)
        except ValueError as exc:
            raise self.fail(where, str(exc)) from None

    def choice(self, key: str, kind: type[Echo] | type[Acks], default: Any) -> Any:
        value = self.data.get(key, default.value)
        allowed = [member.value for member in kind]
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)}, not {value!r}")
        return kind(value)

    def table(self, name: str) -> dict[str, Any] | None:
        if name not in self.data:
            return None
        table = self.data[name]
        if not isinstance(table, dict):
            raise self.fail(name, f"must be a table ([{name}]), not {_type(table)}")
        unknown = sorted(set(table) - _TABLES[name])
        if unknown:
            known = ", ".join(sorted(_TABLES[name]))
            raise self.fail(f"{name}.{unknown[0]}", f"unknown key (known: {known})")
        return table

    # ---- parts -----------------------------------------------------------

    def emit(self, name: str) -> Emit | None:
        table = self.table(name)
        if table is None:
            return None
        event = self.event(table, "event", f"{name}.event")
        args = table.get("args", [])
        if not isinstance(args, list):
            raise self.fail(f"{name}.args", f"must be an array, not {_type(args)}")
        self.template(args, f"{name}.args")
        return Emit(event, tuple(args))

    def template(self, value: object, where: str) -> None:
        if isinstance(value, str):
            if value.startswith("$") and not value.startswith("$$") and value not in PLACEHOLDERS:
                raise self.fail(where, f"{value!r} is not one of {', '.join(PLACEHOLDERS)}")
        elif isinstance(value, list):
            for item in value:
                self.template(item, where)
        elif isinstance(value, dict):
            for item in value.values():
                self.template(item, where)
        elif not isinstance(value, int | float | bool):
            raise self.fail(where, f"cannot send {_type(value)}")

    def notice(self, name: str) -> Notice | None:
        table = self.table(name)
        if table is None:
            return None
        return Notice(
            self.event(table, "event", f"{name}.event"),
            self.path(table, "name", f"{name}.name"),
            self.path(table, "count", f"{name}.count"),
        )

    def profile(self) -> Profile:
        unknown = sorted(set(self.data) - _TOP_KEYS - set(_TABLES))
        if unknown:
            raise self.fail(unknown[0], "unknown key")
        name = self.string(self.data, "name", "name")
        if not _NAME.match(name):
            raise self.fail("name", f"{name!r}: lower-case letters, digits, '.', '_' and '-' only")
        send = self.emit("send")
        if send is None:
            raise self.fail("send", "is missing (the event that carries my messages)")
        receive_table = self.table("receive")
        if receive_table is None:
            raise self.fail("receive", "is missing (the event that brings others' messages)")
        receive = Receive(
            self.event(receive_table, "event", "receive.event"),
            self.path(receive_table, "text", "receive.text") or ArgPath(0),
            self.path(receive_table, "sender", "receive.sender"),
            self.path(receive_table, "room", "receive.room"),
            self.path(receive_table, "time", "receive.time"),
        )
        typing_table = self.table("send_typing")
        send_typing = None
        if typing_table is not None:
            idle = typing_table.get("idle_ms", 400)
            if not isinstance(idle, int) or isinstance(idle, bool) or not 50 <= idle <= 60_000:
                raise self.fail("send_typing.idle_ms", "must be a whole number from 50 to 60000")
            send_typing = Typing(
                self.event(typing_table, "start", "send_typing.start"),
                self.event(typing_table, "stop", "send_typing.stop"),
                idle,
            )
        extensions = self.data.get("extensions", False)
        if not isinstance(extensions, bool):
            raise self.fail("extensions", f"must be true or false, not {_type(extensions)}")
        auth, auth_table = self.auth()
        profile = Profile(
            name=name,
            send=send,
            receive=receive,
            description=self.string(self.data, "description", "description", ""),
            echo=self.choice("echo", Echo, Echo.NEVER),
            acks=self.choice("acks", Acks, Acks.NEVER),
            extensions=extensions,
            join=self.emit("join"),
            leave=self.emit("leave"),
            login=self.emit("login"),
            count=self.notice("count"),
            joined=self.notice("joined"),
            left=self.notice("left"),
            typing=self.notice("typing"),
            stop_typing=self.notice("stop_typing"),
            send_typing=send_typing,
            anonymous=self.string(self.data, "anonymous", "anonymous", ""),
            source=self.source,
            auth=auth,
            auth_table=auth_table,
        )
        self.consistent(profile, receive_table)
        return profile

    def auth(self) -> tuple[str, tuple[tuple[str, object], ...]]:
        """`auth = false` (or no key): none; `auth = "desktop-chat"`; or an
        `[auth]` table whose strings may be `$name` and `$token`."""
        value = self.data.get("auth", False)
        if value is False:
            return AUTH_NONE, ()
        if value == AUTH_DESKTOP_CHAT:
            return AUTH_DESKTOP_CHAT, ()
        if isinstance(value, dict):
            for key, item in value.items():
                self.auth_value(item, f"auth.{key}")
            return AUTH_TABLE, tuple(value.items())
        raise self.fail("auth", f'must be false, "desktop-chat" or a table, not {value!r}')

    def auth_value(self, value: object, where: str) -> None:
        if (
            isinstance(value, str)
            and value.startswith("$")
            and not value.startswith("$$")
            and value not in AUTH_PLACEHOLDERS
        ):
            raise self.fail(where, f"{value!r}: the placeholders here are $name and $token")
        if isinstance(value, list):
            for item in value:
                self.auth_value(item, where)
        if isinstance(value, dict):
            for key, item in value.items():
                self.auth_value(item, f"{where}.{key}")

    def consistent(self, profile: Profile, receive_table: dict[str, Any]) -> None:
        """What each part allows alone but not together."""
        seen: dict[str, str] = {profile.receive.event: "receive.event"}
        for kind, notice in (
            ("count", profile.count),
            ("joined", profile.joined),
            ("left", profile.left),
            ("typing", profile.typing),
            ("stop_typing", profile.stop_typing),
        ):
            if notice is None:
                continue
            if notice.event in seen:
                raise self.fail(
                    f"{kind}.event",
                    f"{notice.event!r} is already {seen[notice.event]}: one event, one meaning",
                )
            seen[notice.event] = f"{kind}.event"
        if profile.echo is Echo.PROBE and profile.join is None:
            raise self.fail("echo", '"probe" needs [join] (the probe is a join of a room I am in)')
        if profile.acks is Acks.ANNOUNCED and not profile.extensions:
            raise self.fail("acks", '"announced" needs extensions = true (server-info says it)')
        if profile.extensions:
            shapes = {k: receive_table.get(k) for k in _TUTORIAL_RECEIVE}
            if list(profile.send.args) != _TUTORIAL_SEND or shapes != _TUTORIAL_RECEIVE:
                raise self.fail(
                    "extensions",
                    "true needs the tutorial's argument shapes in [send] and [receive] "
                    "(see the tutorial profile); only the event names may differ",
                )


def _type(value: object) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _line_of(text: str, key: str) -> int | None:
    """The line of `key` (`table.key` or a top-level key), when it can be found."""
    table, _, leaf = key.rpartition(".")
    in_table = not table
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            if not table and header[1] == leaf:
                return number
            in_table = header[1] == table
            continue
        if in_table and re.match(rf"^{re.escape(leaf)}\s*=", stripped):
            return number
        if table and re.match(rf"^{re.escape(table)}\s*=", stripped):
            return number  # an inline table
    return None


def builtin_text(name: str) -> str:
    """The TOML text of a built-in profile, as shipped."""
    return (resources.files("desktop_chat.client") / "profiles" / f"{name}.toml").read_text(
        encoding="utf-8"
    )


def builtin_profiles() -> dict[str, Profile]:
    return {
        name: parse_profile(builtin_text(name), f"built-in {name}.toml") for name in BUILTIN_NAMES
    }


def load_profiles(folder: Path | None) -> Loaded:
    """The built-ins, then every `*.toml` in `folder` that is a valid profile."""
    profiles = builtin_profiles()
    errors: list[ProfileError] = []
    if folder is None or not folder.is_dir():
        return Loaded(profiles, errors)
    for file in sorted(folder.glob("*.toml")):
        source = str(file)
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                limit = MAX_FILE_BYTES // 1024
                raise ProfileError(source, f"larger than {limit} KiB; not a profile")
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            errors.append(ProfileError(source, "not UTF-8 text"))
            continue
        except OSError as exc:
            errors.append(ProfileError(source, f"cannot be read: {exc.strerror or exc}"))
            continue
        except ProfileError as exc:
            errors.append(exc)
            continue
        try:
            profile = parse_profile(text, source)
        except ProfileError as exc:
            errors.append(exc)
            continue
        if profile.name in profiles:
            what = "a built-in profile" if profile.name in BUILTIN_NAMES else "another file's"
            message = f"name: {profile.name!r} is {what}; choose another name"
            errors.append(ProfileError(source, message, _line_of(text, "name")))
            continue
        profiles[profile.name] = profile
    return Loaded(profiles, errors)
