"""Telling a tutorial server's echo of my message from someone repeating my words.

A server without our extensions may be the tutorial's `io.emit` variant,
which sends my message back to me, or its default, which never does; by
the text alone, its echo and someone saying the same words are one thing,
and taking the second for the first loses their message. So the client
finds out (`EchoFilter.sent`): right after a message to a room I am in, it
sends `join-room` of that room (a no-op). The server handles my events in
order, so once that join is acked, my echo, if there is one, has arrived.
Until then, a message with the text of one of mine waits, and so does
everything after it (one round trip); the rest goes straight through.
Until the server is known to echo, nothing is dropped as an echo.

A server that never acks `join-room` (the tutorial's own code) gives no such
mark. There, before my first message, the client sends a probe no one else
can see (`before_send`): a message with a text of its own to the room named
by my socket id, which every Socket.IO socket is in, alone. An echoing server
(`io.to(room).emit`) sends it back to me; one that does not
(`socket.to(room).emit`) sends it to no one. The server handles my events in
order, so the probe's copy, if any, comes before anything my message brings
about: when a copy of my words arrives first, the server does not echo; when
the probe comes back first, it does, and the first copy of my words is the
echo (dropped), the next one somebody's reply (shown).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import socketio

from desktop_chat.client.dialect import ProfileDialect
from desktop_chat.protocol.messages import Kind, Message

# How long a server that never acks join-room gets to send my message back
# to me before it is taken for one that does not echo.
ECHO_PROBE_TIMEOUT = 3.0
# Without join acks, a copy of my words within that time may be an echo or a
# reply: only this many such probes in a row make the server an echoing one.
ECHO_GUESSES = 2
RECENT_WINDOW = 10.0  # an echo comes back within this many seconds, or not at all
# The text of the probe to my own socket's room: a mark no one types, and a
# random part, so that nothing but the probe's own copy matches it.
ROOM_PROBE_MARK = "\u2063desktop-chat echo probe "


@dataclass(slots=True)
class _Probe:
    sio: socketio.AsyncClient
    text: str  # the message whose echo, if any, is awaited
    # From the first possible echo on, what was received meanwhile, in order.
    held: list[tuple[object, ...]] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


@dataclass(slots=True)
class _RecentOwn:
    """Texts we sent recently, to drop the copy an echoing server sends back."""

    window: float = RECENT_WINDOW
    items: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=1000))

    def add(self, text: str) -> None:
        self.items.append((time.monotonic(), text))

    def holds(self, text: str) -> bool:
        return any(sent == text for _, sent in self.items)

    def take(self, text: str) -> bool:
        if not self.items:
            return False
        cutoff = time.monotonic() - self.window
        while self.items and self.items[0][0] < cutoff:
            self.items.popleft()
        for i, (_, sent) in enumerate(self.items):
            if sent == text:
                del self.items[i]
                return True
        return False


class EchoFilter:
    """What one connection has learnt about echoes, and what it holds meanwhile.

    `release` gets back each held packet, in order, when a probe ends;
    `current` names the live socket, so that a probe of a connection that is
    gone decides nothing.
    """

    def __init__(
        self,
        release: Callable[[tuple[object, ...]], None],
        current: Callable[[], socketio.AsyncClient | None],
        dialect: ProfileDialect,
    ) -> None:
        self._release = release
        self._current = current
        self._dialect = dialect
        self._recent = _RecentOwn()
        # Does this connection's server send my own messages back to me? None until a probe tells.
        self.echoes: bool | None = None
        self._guesses = 0  # probes in a row that saw my words come back without an ack
        self._probe: _Probe | None = None
        self._room_probe = ""  # the text of the probe to my socket's room, until it is answered
        self._room_probed = False  # sent on this connection

    @property
    def held(self) -> int:
        """How many received packets wait for the probe's answer."""
        return len(self._probe.held) if self._probe is not None else 0

    def reset(self) -> None:
        """A new connection: what a probe held is let through, and nothing is
        known (unless the profile says whether its server echoes)."""
        self.end()
        self.echoes = self._dialect.known_echo
        self._guesses = 0
        self._room_probe = ""
        self._room_probed = False

    def use_dialect(self, dialect: ProfileDialect) -> None:
        """Another profile from the next connection on."""
        self._dialect = dialect

    async def before_send(self, sio: socketio.AsyncClient) -> None:
        """My first message is about to go to a server that never acks: first
        the probe to my own socket's room, which only I am in (see above)."""
        if self.echoes is not None or self._room_probed or not self._dialect.sends_room:
            return
        sid = sio.get_sid()  # the namespace's: the name of the room only this socket is in
        if not sid:
            return
        self._room_probed = True
        self._room_probe = f"{ROOM_PROBE_MARK}{secrets.token_hex(8)}"
        probe = Message(text=self._room_probe, kind=Kind.OWN, room=sid)
        await sio.emit(self._dialect.send_event, self._dialect.send_args(probe, None))

    def is_room_probe(self, text: str, has_meta: bool) -> bool:
        """The probe to my socket's room came back: the server echoes (and the
        copy is not shown). True when `text` was that probe."""
        if not self._room_probe or has_meta or text != self._room_probe:
            return False
        self._room_probe = ""
        self.echoes = True
        probe = self._probe
        if probe is not None:  # answered: what it held goes on, and decides nothing more
            self._probe = None
            if probe.timer is not None:
                probe.timer.cancel()
            for args in probe.held:
                self._release(args)
        return True

    def holds(self, args: tuple[object, ...], text: str, has_meta: bool) -> bool:
        """Keep a received packet back while a probe is out, if it may be my echo
        (or comes after one that may be); True when it was kept."""
        probe = self._probe
        if (
            self._room_probe
            and probe is not None
            and not has_meta
            and (text == probe.text or self._recent.holds(text))
            and probe.sio is self._current()
        ):
            # My words came back before the probe to my room did: had the server
            # echoed, the probe's copy would have come first. It does not echo.
            self._room_probe = ""
            self.echoes = False
            self._recent.items.clear()
            self._finish(probe, None)  # what it held goes on, in order, before this
            return False
        if probe is not None and (
            probe.held or (not has_meta and (text == probe.text or self._recent.holds(text)))
        ):
            probe.held.append(args)
            return True
        return False

    def is_echo(self, text: str) -> bool:
        """A message without meta: is it my own, sent back? (While that is not
        known, the copy is shown, as it may be someone's reply, and still uses
        up the one copy my message may come back as.)"""
        return self.echoes is not False and self._recent.take(text) and bool(self.echoes)

    async def sent(self, sio: socketio.AsyncClient, message: Message, joined: bool) -> None:
        """My message went to a server that never acks: remember it, and probe
        once per connection (only for a room I am in: joining another to probe
        would subscribe me to it; a tutorial client's socket id is a room, too)."""
        if self.echoes is not False:
            self._recent.add(message.text)
        if self.echoes is None and self._probe is None and joined:
            probe = self._probe = _Probe(sio, message.text)
            await sio.emit(
                self._dialect.join_event,
                self._dialect.join_args(message.room, None),
                callback=lambda *_: self._finish(probe, True),
            )
            if self._probe is probe:
                probe.timer = asyncio.get_running_loop().call_later(
                    ECHO_PROBE_TIMEOUT, self._finish, probe, False
                )

    def end(self) -> None:
        """The connection or the server changes: what a probe held is let through, undecided."""
        if self._probe is not None:
            self._finish(self._probe, None)

    def _finish(self, probe: _Probe, acked: bool | None) -> None:
        """Decide from what came back before the ack (or the timeout), then let it through.

        After an ack, the answer is sure. Without one, my words coming back
        may be somebody's reply, so one such probe decides nothing (the copy
        is shown) and only ECHO_GUESSES in a row make the server an echoing
        one; a message of mine that did not come back shows it does not echo.
        `acked` None: the connection or the server changes, nothing is decided.
        """
        if self._probe is not probe:
            return
        self._probe = None
        if probe.timer is not None:
            probe.timer.cancel()
        if acked is not None and probe.sio is self._current():
            echoed = any(
                not self._dialect.has_meta(args)
                and self._dialect.inbound(args).message.text == probe.text
                for args in probe.held
            )
            if acked or not echoed:
                self.echoes = echoed
            else:
                self._guesses += 1
                if self._guesses >= ECHO_GUESSES:
                    self.echoes = True
            if self.echoes is False:
                self._recent.items.clear()
        for args in probe.held:
            self._release(args)
