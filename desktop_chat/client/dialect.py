"""How the client speaks to a server: event names and argument shapes.

Everything the client puts on the wire or reads from it goes through one
dialect, so that a server with other event names (another chat's
protocol) is a profile (profile.py, docs/profiles.md), not a change to the
connection or delivery code. `ProfileDialect(profile)` speaks any profile;
`TutorialDialect` is the `tutorial` profile: the tutorial's protocol with
our extensions (docs/protocol.md), which the tutorial's servers ignore,
written as code because its receive handler runs once per message of a
flood. `dialect_for` picks between them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeGuard

from desktop_chat.client.presence import PresenceEvent, PresenceKind
from desktop_chat.client.profile import (
    INFO_EVENT,
    MISSING,
    REPLAY_DONE_EVENT,
    Acks,
    Echo,
    Profile,
)
from desktop_chat.client.profile_toml import builtin_profiles
from desktop_chat.protocol.limits import MAX_OFFSET
from desktop_chat.protocol.messages import Kind, Message, payload_text, received_message


def is_offset(value: object) -> TypeGuard[int]:
    """An offset (or a count) a server may give: an integer from 0 to 2^53 - 1.
    Larger ones cannot be held by a JavaScript peer nor stored by SQLite
    (2^63 raised OverflowError at every save, issue #22): ignored."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_OFFSET


@dataclass(slots=True)
class Inbound:
    """A received chat message with what the server said about it, if anything."""

    message: Message
    has_meta: bool = False  # the server sent our extension's `meta` (ids, offsets, sender)
    sender_sid: str = ""
    message_id: str = ""
    offset: int | None = None


class ProfileDialect:
    """Any profile's events and argument shapes, read from the `Profile`."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.send_event = profile.send.event
        self.receive_event = profile.receive.event
        # A profile without rooms has no join: nothing calls join_args then
        # (ChatClient offers no rooms, the echo probe needs a join).
        self.join_event = profile.join.event if profile.join else ""
        self.leave_event = profile.leave.event if profile.leave else ""
        self.info_event = INFO_EVENT if profile.extensions else ""
        self.replay_done_event = REPLAY_DONE_EVENT if profile.extensions else ""
        # A server that never acks gets no ack id to ignore (the packets say so).
        self.may_ack = profile.acks is not Acks.NEVER
        # Whether `send` names the room (echo.py's probe to my socket's room needs it).
        sentinel = "room-sentinel-5c1e0f"
        self.sends_room = sentinel in repr(
            profile.send.fill(text="", room=sentinel, id="", name="")
        )
        # What is known of the server's echo before any probe (None: probe).
        self.known_echo: bool | None = {Echo.NEVER: False, Echo.ALWAYS: True, Echo.PROBE: None}[
            profile.echo
        ]

    def send_args(
        self, message: Message, opts: dict[str, object] | None = None
    ) -> tuple[object, ...]:
        """The `send` event's arguments; `opts` (a reply, a format: our
        server's extensions) has no place in a profile's template."""
        return self.profile.send.fill(
            text=message.text, room=message.room, id=message.id, name=message.sender
        )

    def join_args(self, room: str, since: int | None) -> tuple[object, ...]:
        join = self.profile.join
        return join.fill(text="", room=room, id="", name="") if join else (room,)

    def login_args(self, name: str) -> tuple[object, ...]:
        login = self.profile.login
        return login.fill(text="", room="", id="", name=name) if login else ()

    def inbound(self, args: tuple[object, ...]) -> Inbound:
        receive = self.profile.receive
        text = receive.text.get(args)
        sender = receive.sender.get(args) if receive.sender else MISSING
        room = receive.room.get(args) if receive.room else MISSING
        ts = receive.time.get(args) if receive.time else MISSING
        return Inbound(
            Message(
                text="" if text is MISSING else payload_text(text),
                kind=Kind.OTHER,
                room=room if isinstance(room, str) else "",
                sender=sender if isinstance(sender, str) and sender else self.profile.anonymous,
                ts=_seconds(ts),
            )
        )

    def has_meta(self, args: tuple[object, ...]) -> bool:
        return False

    def presence_parsers(self) -> dict[str, Callable[[tuple[object, ...]], PresenceEvent]]:
        """For each presence event of the profile, what turns its arguments into a record."""
        parsers: dict[str, Callable[[tuple[object, ...]], PresenceEvent]] = {}
        for event, (kind_name, notice) in self.profile.notices().items():
            kind = PresenceKind(kind_name)

            def parse(
                args: tuple[object, ...], kind: PresenceKind = kind, notice: object = notice
            ) -> PresenceEvent:
                assert notice is not None
                name = notice.name.get(args) if notice.name else MISSING  # type: ignore[attr-defined]
                count = notice.count.get(args) if notice.count else MISSING  # type: ignore[attr-defined]
                return PresenceEvent(
                    kind,
                    name if isinstance(name, str) else "",
                    count if is_offset(count) else None,
                )

            parsers[event] = parse
        return parsers


def _seconds(value: object) -> float:
    """A server's time: seconds or (JavaScript's) milliseconds since 1970; now if neither."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        ts = float(value)
        if ts > 1e11:
            ts /= 1000
        if 0 <= ts < 1e11:
            return ts
    return time.time()


class TutorialDialect(ProfileDialect):
    """`send-message(text, room, opts)`, `join-room(room[, opts], ack)`,
    `receive-message(text[, meta])`, and `server-info` from our server.

    The `tutorial` profile, or one that renames its events (profile_toml
    allows extensions only with the tutorial's argument shapes)."""

    def __init__(self, profile: Profile | None = None) -> None:
        super().__init__(profile or builtin_profiles()["tutorial"])

    @staticmethod
    def send_args(message: Message, opts: dict[str, object] | None = None) -> tuple[object, ...]:
        # Always two arguments (the tutorial tests `room === ""`), then our
        # optional `opts`; a tutorial server ignores the extra.
        return (message.text, message.room, {"id": message.id, **(opts or {})})

    @staticmethod
    def join_args(room: str, since: int | None) -> tuple[object, ...]:
        # Only a server that said it catches up gets the extra argument: a
        # tutorial server's handler would take it for the ack callback.
        return (room,) if since is None else (room, {"since": since})

    @staticmethod
    def inbound(args: tuple[object, ...]) -> Inbound:
        message = received_message(args)
        meta = args[1] if len(args) > 1 and isinstance(args[1], dict) else None
        if meta is None:
            return Inbound(message)
        sender = meta.get("from")
        sid = sender.get("sid") if isinstance(sender, dict) else None
        message_id = meta.get("id")
        offset = meta.get("offset")
        return Inbound(
            message,
            has_meta=True,
            sender_sid=sid if isinstance(sid, str) else "",
            message_id=message_id if isinstance(message_id, str) else "",
            offset=offset if is_offset(offset) else None,
        )

    @staticmethod
    def has_meta(args: tuple[object, ...]) -> bool:
        return len(args) > 1 and isinstance(args[1], dict)


def dialect_for(profile: Profile) -> ProfileDialect:
    """The dialect that speaks `profile`: the tutorial's code for its shapes."""
    return TutorialDialect(profile) if profile.extensions else ProfileDialect(profile)
