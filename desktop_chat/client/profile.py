"""What a profile says about how a Socket.IO chat server speaks.

Servers do not agree on event names or argument shapes: the tutorial has
`send-message`, Socket.IO's chat demo `new message` with `{username,
message}`, its "get started" chat one `chat message`. A `Profile` is that
knowledge as data, so that another server is a profile (a TOML file, see
docs/profiles.md and profile_toml.py), not a change to the client. It knows
nothing of sockets: `dialect.ProfileDialect` turns it into what goes on the
wire and back.

Where a value sits in an event's arguments is an `ArgPath`: `0` is the
first argument, `0.message` the key `message` of the first argument,
`1.from.name` deeper. What an event sends is a template: a list of
arguments where the strings `$text`, `$room`, `$id` and `$name` are
replaced by the message's (`$$` starts a literal `$`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

# Names Socket.IO keeps for itself: a handler for one of them would be
# called for the connection's own life cycle, and emitting one raises.
RESERVED_EVENTS = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}
)
PLACEHOLDERS = ("$text", "$room", "$id", "$name")
_MISSING = object()


class Echo(Enum):
    """Whether the server sends one's own messages back to the sender."""

    NEVER = "never"
    ALWAYS = "always"
    PROBE = "probe"  # find out per connection (echo.py), by a join-room probe


class Acks(Enum):
    """Whether the server acknowledges messages (then they go *delivered*)."""

    NEVER = "never"
    ALWAYS = "always"
    ANNOUNCED = "announced"  # when desktop-chat-server's server-info says so


@dataclass(frozen=True, slots=True)
class ArgPath:
    """Where a value is in an event's arguments: an index, then keys."""

    index: int
    keys: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> ArgPath:
        """`0.message` -> ArgPath(0, ("message",)); ValueError when it is not one."""
        first, *keys = text.split(".")
        if not first.isdigit() or not first.isascii():
            raise ValueError(f"{text!r} does not start with an argument number (0, 1, …)")
        if any(not key for key in keys):
            raise ValueError(f"{text!r} has an empty key")
        return cls(int(first), tuple(keys))

    def get(self, args: tuple[object, ...]) -> object:
        """The value, or `MISSING` when the arguments have nothing there."""
        if self.index >= len(args):
            return _MISSING
        value = args[self.index]
        for key in self.keys:
            if not isinstance(value, dict):
                return _MISSING
            value = value.get(key, _MISSING)
            if value is _MISSING:
                return _MISSING
        return value

    def __str__(self) -> str:
        return ".".join([str(self.index), *self.keys])


MISSING = _MISSING


@dataclass(frozen=True, slots=True)
class Emit:
    """An event the client sends, with its argument template."""

    event: str
    args: tuple[object, ...] = ()

    def fill(self, **values: str) -> tuple[object, ...]:
        """The arguments with `$text`, `$room`, `$id`, `$name` replaced."""
        return tuple(_fill(arg, values) for arg in self.args)


def _fill(template: object, values: dict[str, str]) -> object:
    if isinstance(template, str):
        if template.startswith("$$"):
            return template[1:]
        if template.startswith("$"):
            return values[template[1:]]
        return template
    if isinstance(template, list | tuple):
        return [_fill(item, values) for item in template]
    if isinstance(template, dict):
        return {key: _fill(item, values) for key, item in template.items()}
    return template


@dataclass(frozen=True, slots=True)
class Receive:
    """The event that brings others' messages, and where its parts are."""

    event: str
    text: ArgPath = ArgPath(0)
    sender: ArgPath | None = None
    room: ArgPath | None = None
    time: ArgPath | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A presence event from the server: who it is about, how many are here."""

    event: str
    name: ArgPath | None = None
    count: ArgPath | None = None


@dataclass(frozen=True, slots=True)
class Typing:
    """What the client sends while its user types, as the demo's page does."""

    start: str
    stop: str
    idle_ms: int = 400


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    send: Emit
    receive: Receive
    description: str = ""
    echo: Echo = Echo.NEVER
    acks: Acks = Acks.NEVER
    # desktop-chat-server's extensions (server-info, meta, catch-up): only
    # with the tutorial's argument shapes (profile_toml checks).
    extensions: bool = False
    join: Emit | None = None
    leave: Emit | None = None
    login: Emit | None = None  # sent once per connection, before anything else
    count: Notice | None = None  # says only how many are here (the demo's `login`)
    joined: Notice | None = None
    left: Notice | None = None
    typing: Notice | None = None
    stop_typing: Notice | None = None
    send_typing: Typing | None = None
    anonymous: str = ""  # the sender shown when the server names none
    source: str = ""  # where it was read from, for messages
    # What goes in the connection's `auth` (docs/profiles.md): AUTH_NONE sends
    # none (a server whose connect handler takes no auth fails on one),
    # AUTH_DESKTOP_CHAT what desktop-chat-server's extensions need, AUTH_TABLE
    # `auth_table` with `$name` and `$token` filled in.
    auth: str = "none"
    auth_table: tuple[tuple[str, object], ...] = ()

    def auth_payload(self, name: str, token: str) -> dict[str, object]:
        """The table of an AUTH_TABLE profile, filled in (`$name`, `$token`)."""
        return {key: _fill(value, {"name": name, "token": token}) for key, value in self.auth_table}

    @property
    def rooms(self) -> bool:
        """Whether the server has rooms one can join (else no room field)."""
        return self.join is not None

    def notices(self) -> dict[str, tuple[str, Notice]]:
        """Incoming presence events: event name -> (what it means, where its values are)."""
        found = {
            "count": self.count,
            "joined": self.joined,
            "left": self.left,
            "typing": self.typing,
            "stop_typing": self.stop_typing,
        }
        return {notice.event: (kind, notice) for kind, notice in found.items() if notice}


AUTH_NONE = "none"
AUTH_DESKTOP_CHAT = "desktop-chat"
AUTH_TABLE = "table"
AUTH_PLACEHOLDERS = ("$name", "$token")

INFO_EVENT = "server-info"  # desktop-chat-server's announcement (extensions only)
REPLAY_DONE_EVENT = "replay-done"  # a channel's catch-up is complete (extensions only)
