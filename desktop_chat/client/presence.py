"""Who is here and who is typing: presence events from the server, and the
typing notices the client sends.

A profile (profile.py) says which events mean someone joined, left or is
typing, and where the participant count is; the dialect turns each into a
`PresenceEvent`, which ChatClient hands to the window (`on_presence`). The
`Typers` and `TypingNotifier` here are plain Python so that the window
only shows text and the network code is tested without Qt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class PresenceKind(Enum):
    COUNT = "count"  # only how many are here (the demo's `login`)
    JOINED = "joined"
    LEFT = "left"
    TYPING = "typing"
    STOP_TYPING = "stop_typing"


@dataclass(frozen=True, slots=True)
class PresenceEvent:
    kind: PresenceKind
    name: str = ""  # who, as the server says; untrusted text
    count: int | None = None  # participants, when the event says
    room: str | None = None  # the room it is about (desktop-chat-server); None: no rooms


class PresenceLines:
    """Joins and leaves of a room gathered over a moment into one line each:
    "alice joined", "alice and bob left", "5 people joined". A burst (or a
    server that floods presence) never makes more than one line per room and
    kind per flush."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, PresenceKind], dict[str, None]] = {}

    def add(self, event: PresenceEvent) -> None:
        if event.kind in (PresenceKind.JOINED, PresenceKind.LEFT) and event.room is not None:
            names = self._names.setdefault((event.room, event.kind), {})
            if len(names) < 1000:
                names[event.name or "someone"] = None

    def __bool__(self) -> bool:
        return bool(self._names)

    def flush(self) -> list[tuple[str, str]]:
        """The lines (room, text) for what gathered since the last flush."""
        lines = []
        for room, joined, who in self.flush_names():
            verb = "joined" if joined else "left"
            if len(who) == 1:
                text = f"{who[0]} {verb}"
            elif len(who) == 2:
                text = f"{who[0]} and {who[1]} {verb}"
            else:
                text = f"{len(who)} people {verb}"
            lines.append((room, text))
        return lines

    def flush_names(self) -> list[tuple[str, bool, list[str]]]:
        """What gathered since the last flush as (room, joined, names), for a
        window to say in its own language."""
        gathered = [
            (room, kind is PresenceKind.JOINED, list(names))
            for (room, kind), names in self._names.items()
        ]
        self._names.clear()
        return gathered


class RoomTypers:
    """Who is typing in each room (desktop-chat-server's `typing`), each notice
    expiring by itself after `expiry` seconds unless renewed."""

    def __init__(self, expiry: float = 5.0) -> None:
        self.expiry = expiry
        self._until: dict[str, dict[str, float]] = {}

    def typing(self, room: str, name: str, now: float) -> None:
        typers = self._until.setdefault(room, {})
        if name in typers or len(typers) < 100:
            typers[name] = now + self.expiry

    def spoke(self, room: str, name: str) -> bool:
        return self._until.get(room, {}).pop(name, None) is not None

    def expire(self, now: float) -> bool:
        """Forget notices that ran out; True if any did."""
        changed = False
        for typers in self._until.values():
            for name in [n for n, until in typers.items() if until <= now]:
                del typers[name]
                changed = True
        return changed

    def clear(self) -> None:
        self._until.clear()

    def rooms(self) -> list[str]:
        """Rooms where someone is typing."""
        return [room for room, typers in self._until.items() if typers]

    def next_expiry(self) -> float | None:
        times = [t for typers in self._until.values() for t in typers.values()]
        return min(times) if times else None

    def names(self, room: str) -> list[str]:
        """Who is typing in `room`, in the order they started."""
        return list(self._until.get(room, {}))

    def text(self, room: str) -> str:
        names = self.names(room)
        if not names:
            return ""
        if len(names) == 1:
            return f"{names[0]} is typing…"
        if len(names) == 2:
            return f"{names[0]} and {names[1]} are typing…"
        return f"{names[0]}, {names[1]} and {len(names) - 2} more are typing…"


class Typers:
    """Who is typing now, in the order they started; the line that says so."""

    def __init__(self) -> None:
        self._names: dict[str, None] = {}

    def update(self, event: PresenceEvent) -> bool:
        """Apply a presence event; True when the line changes."""
        before = list(self._names)
        if event.kind is PresenceKind.TYPING and event.name:
            self._names[event.name] = None
        elif event.kind in (PresenceKind.STOP_TYPING, PresenceKind.LEFT):
            self._names.pop(event.name, None)
        return list(self._names) != before

    def spoke(self, name: str) -> bool:
        """Someone's message arrived: they are done typing it (as the demo's page does)."""
        return self._names.pop(name, 0) is None

    def clear(self) -> None:
        self._names.clear()

    def __bool__(self) -> bool:
        return bool(self._names)

    def names(self) -> list[str]:
        """Who is typing, in the order they started (for a window to say in its language)."""
        return list(self._names)

    def text(self) -> str:
        names = list(self._names)
        if not names:
            return ""
        if len(names) == 1:
            return f"{names[0]} is typing…"
        if len(names) == 2:
            return f"{names[0]} and {names[1]} are typing…"
        return f"{names[0]}, {names[1]} and {len(names) - 2} more are typing…"


class TypingNotifier:
    """Sends the profile's typing / stop-typing events the way the demo's page
    does: `typing` at the first keystroke, `stop typing` once the user has
    been idle `idle` seconds or sends the message."""

    def __init__(self, emit: Callable[[str], None], start: str, stop: str, idle: float) -> None:
        self._emit = emit
        self._start = start
        self._stop = stop
        self._idle = idle
        self.typing = False
        self._timer: asyncio.TimerHandle | None = None

    def keystroke(self) -> None:
        if not self.typing:
            self.typing = True
            self._emit(self._start)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self._idle, self.stopped)

    def stopped(self) -> None:
        """Idle, sent, or the connection changed: say so once."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.typing:
            self.typing = False
            self._emit(self._stop)

    def reset(self) -> None:
        """A new connection: the server knows of no typing."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.typing = False
