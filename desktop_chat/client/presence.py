"""Who is here and who is typing: presence events from the server, and the
typing notices the client sends.

A profile (profile.py) says which events mean someone joined, left or is
typing, and where the participant count is; the dialect turns each into a
`PresenceEvent`, and desktop-chat-server's extensions (extensions.py) do the
same with its `presence` and `typing`. Both go into one `Presence`, the
model of every room (a server without rooms is the one room ""), which
ChatClient owns and the window shows through the bridge; the events also go
to the window for its joined/left lines (`PresenceLines`). All of it is
plain Python so that the window only shows and the network code is tested
without Qt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

MOST_MEMBERS = 1000  # participants kept per room


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
    "alice and bob left", "5 people joined". A burst (or a server that floods
    presence) never makes more than one line per room and kind per flush.

    Gathering never moves a line past a message: the window takes a room's
    lines before the next message of that room (`flush_before(room)`), so a
    line covers only joins (or leaves) that came between the same two
    messages, and stands before the message that followed them, as the
    server ordered them. Between two messages, the joined line and the left
    line come in the order of the first event of each. (Inserting a line
    later at the place of its first event instead would mean inserting into
    a conversation that is append-only: the message model, its archive and
    the local history all keep arrival order.) Keys are the event's room;
    None is a profile's server without rooms, whose lines go before any
    message."""

    def __init__(self) -> None:
        self._names: dict[tuple[str | None, PresenceKind], dict[str, None]] = {}

    def add(self, event: PresenceEvent) -> None:
        if event.kind in (PresenceKind.JOINED, PresenceKind.LEFT) and event.name:
            names = self._names.setdefault((event.room, event.kind), {})
            if len(names) < 1000:
                names[event.name] = None

    def __bool__(self) -> bool:
        return bool(self._names)

    def holds(self, room: str) -> bool:
        """Whether lines wait that must come before a message of `room`."""
        return any(key in (room, None) for key, _kind in self._names)

    def flush_names(self) -> list[tuple[str | None, bool, list[str]]]:
        """What gathered since the last flush as (room, joined, names), for a
        window to say in its own language."""
        return self._take(list(self._names))

    def flush_before(self, room: str) -> list[tuple[str | None, bool, list[str]]]:
        """What must stand before a message of `room`: that room's lines, and a
        server's without rooms."""
        return self._take([key for key in self._names if key[0] in (room, None)])

    def _take(
        self, keys: list[tuple[str | None, PresenceKind]]
    ) -> list[tuple[str | None, bool, list[str]]]:
        return [(key[0], key[1] is PresenceKind.JOINED, list(self._names.pop(key))) for key in keys]


TYPING_EXPIRES = 5.0  # seconds a typing notice of a room lasts unless renewed
_FOREVER = float("inf")  # a profile's typing lasts until its stop-typing event


@dataclass(frozen=True, slots=True)
class RoomPresence:
    """What the window shows of one room: who is here (the user among them while
    connected), how many connections, who is typing (in the order they started)."""

    participants: list[tuple[str, int]]  # (name, windows), sorted by name
    count: int | None  # None: no server said one yet
    typing: list[str]


class _Room:
    __slots__ = ("count", "listed", "members", "typers")

    def __init__(self) -> None:
        self.members: dict[str, int] = {}  # name -> windows (connections)
        self.count: int | None = None  # as the last presence event said
        self.listed = False  # members as the server listed them, kept up by events since
        self.typers: dict[str, float] = {}  # name -> when the notice runs out


class Presence:
    """One presence model per room, the user included: fed by a profile's events
    (a server without rooms is the one room "") and by desktop-chat-server's
    `presence`, `typing` and `participants` alike; emptied while disconnected.

    Plain Python on the client's loop: `on_change(room)` says a room changed,
    and `room(name)` is what to show of it.
    """

    def __init__(self, me: Callable[[], str], expiry: float | None = None) -> None:
        self._me = me
        self.expiry = TYPING_EXPIRES if expiry is None else expiry
        self.on_change: Callable[[str], None] = lambda room: None
        self._rooms: dict[str, _Room] = {}
        self.connected = False
        self._timer: asyncio.TimerHandle | None = None

    # ---- what the window reads ------------------------------------------

    def room(self, room: str) -> RoomPresence:
        if not self.connected:
            return RoomPresence([], None, [])
        state = self._rooms.get(room)
        members = dict(state.members) if state else {}
        me = self._me()
        if me and me not in members:
            members[me] = 1  # the server answered before it had us, or never lists
        participants = sorted(members.items(), key=lambda m: m[0].casefold())
        if state is None:
            return RoomPresence(participants, None, [])
        count = sum(members.values()) if state.listed else state.count
        return RoomPresence(participants, count, list(state.typers))

    def typing_anywhere(self) -> bool:
        return any(state.typers for state in self._rooms.values())

    # ---- what feeds it ----------------------------------------------------

    def set_connected(self, connected: bool) -> None:
        """Connected: the user is in every room; not: nobody is known to be anywhere."""
        if connected == self.connected:
            return
        self.connected = connected
        rooms = list(self._rooms) or [""]
        if not connected:
            self._rooms.clear()
            self._cancel_timer()
        for room in rooms:
            self.on_change(room)

    def event(self, event: PresenceEvent) -> None:
        """A presence event from either source (a profile's, or our server's)."""
        if not self.connected:
            return
        room = event.room or ""
        state = self._state(room)
        changed = False
        if event.kind is PresenceKind.JOINED and event.name:
            if event.name in state.members or len(state.members) < MOST_MEMBERS:
                state.members[event.name] = state.members.get(event.name, 0) + 1
                changed = True
        elif event.kind is PresenceKind.LEFT and event.name:
            windows = state.members.pop(event.name, 0) - 1
            if windows > 0:
                state.members[event.name] = windows
            state.typers.pop(event.name, None)
            changed = True
        elif event.kind is PresenceKind.TYPING and event.name:
            if event.name in state.typers or len(state.typers) < 100:
                state.typers[event.name] = (
                    _FOREVER if event.room is None else self._now() + self.expiry
                )
                self._expire_later()
                changed = True
        elif event.kind is PresenceKind.STOP_TYPING:
            changed = state.typers.pop(event.name, None) is not None
        if event.count is not None and (event.count != state.count or state.listed):
            state.count = event.count
            state.listed = False  # the server's own count, now
            changed = True
        if changed:
            self.on_change(room)

    def listed(self, room: str, members: list[tuple[str, int]]) -> None:
        """The server's answer to `participants`: who is in `room` now."""
        if not self.connected:
            return
        state = self._state(room)
        state.members = dict(members[:MOST_MEMBERS])
        state.listed = True
        self.on_change(room)

    def spoke(self, room: str, name: str) -> None:
        """A message from `name` in `room`: done typing it (as the demo's page does)."""
        state = self._rooms.get(room)
        if state is not None and state.typers.pop(name, None) is not None:
            self.on_change(room)
            return
        everyone = self._rooms.get("") if room else None
        if everyone is not None and everyone.typers.get(name) == _FOREVER:
            del everyone.typers[name]  # a profile's typing: its server has no rooms
            self.on_change("")

    def renamed(self, old: str, new: str) -> None:
        """One connection (the user's too) is called otherwise now, in every room:
        one window moves from the old name to the new (others may keep it)."""
        for room, state in self._rooms.items():
            windows = state.members.pop(old, 0)
            if windows > 1:
                state.members[old] = windows - 1
            if windows:
                state.members[new] = state.members.get(new, 0) + 1
            if state.typers.pop(old, None) is not None or windows:
                self.on_change(room)

    def forget(self, room: str) -> None:
        """A room left: nothing is known of it any more."""
        if self._rooms.pop(room, None) is not None:
            self.on_change(room)

    # ---- typing that runs out ----------------------------------------------

    def _state(self, room: str) -> _Room:
        state = self._rooms.get(room)
        if state is None:
            state = self._rooms[room] = _Room()
        return state

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def _expire_later(self) -> None:
        if self._timer is None:
            times = [t for s in self._rooms.values() for t in s.typers.values() if t < _FOREVER]
            if times:
                self._timer = asyncio.get_running_loop().call_at(min(times), self._expire)

    def _expire(self) -> None:
        self._timer = None
        now = self._now()
        for room, state in list(self._rooms.items()):
            gone = [name for name, until in state.typers.items() if until <= now]
            for name in gone:
                del state.typers[name]
            if gone:
                self.on_change(room)
        self._expire_later()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        self._cancel_timer()


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
