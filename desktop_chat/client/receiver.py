"""Inbound chat messages: my own echoes and replayed copies dropped, catch-up
offsets kept per channel.

A channel is a room, or "" for the messages to everyone. Each has its own
offset (the newest the server numbered and we saw), because the server
replays each channel on its own: at connect the everyone-channel since
`auth.offset`, at each rejoin a room since its `join-room` offset. One
offset for all would let the everyone-channel's replay carry it past a
room's missed messages.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_chat.client.dialect import ProfileDialect, is_offset
from desktop_chat.client.echo import EchoFilter
from desktop_chat.client.notices import HistoryTrimmed, Notice
from desktop_chat.protocol.limits import MAX_ROOM_CHARS
from desktop_chat.protocol.messages import Change, Message, received_change

log = logging.getLogger(__name__)

SEEN_IDS = 20_000  # received message ids remembered, to drop a replayed copy


@dataclass(slots=True)
class _SeenIds:
    limit: int = SEEN_IDS
    order: deque[str] = field(default_factory=deque)
    ids: set[str] = field(default_factory=set)

    def add(self, message_id: str) -> bool:
        """Remember an id; False when it was seen before."""
        if message_id in self.ids:
            return False
        self.ids.add(message_id)
        self.order.append(message_id)
        if len(self.order) > self.limit:
            self.ids.discard(self.order.popleft())
        return True

    def clear(self) -> None:
        self.order.clear()
        self.ids.clear()


class Receiver:
    """`receive` takes each `receive-message`; `show` gets what is new to the user."""

    def __init__(
        self,
        dialect: ProfileDialect,
        echo: EchoFilter,
        show: Callable[[Message], None],
        own_sid: Callable[[], str],
        notice: Callable[[Notice], None],
    ) -> None:
        self._dialect = dialect
        self._echo = echo
        self._show = show
        self._notice = notice
        self._own_sid = own_sid
        self._seen = _SeenIds()
        self._long_room_said = False
        # Edits, deletions and reactions from the server (`message-event`).
        self.on_change: Callable[[Change], None] = lambda change: None
        self.offsets: dict[str, int] = {}  # channel -> newest offset seen in it
        # Where catch-up starts for a channel with no message seen yet: the
        # server's newest offset when we first connected to it.
        self.baseline: int | None = None
        # The identity of the server's store the offsets belong to ("" unknown).
        self.epoch = ""

    def use_dialect(self, dialect: ProfileDialect) -> None:
        """Another profile from the next connection on."""
        self._dialect = dialect

    def reset(self) -> None:
        """Another server: its ids and offsets mean nothing here."""
        self._seen.clear()
        self.offsets.clear()
        self.baseline = None
        self.epoch = ""

    def restore(self, offsets: dict[str, int], baseline: int | None, epoch: str = "") -> None:
        """Offsets kept from an earlier run with this server."""
        self.offsets.update(offsets)
        if self.baseline is None:
            self.baseline = baseline
        if not self.epoch:
            self.epoch = epoch

    def kept_with_lines(self, offsets: dict[str, int]) -> None:
        """Offsets the local history kept with the lines it stored (in one
        transaction with them): ahead of the channel store's, which is written
        every few seconds, after a kill. Catching up from them neither shows
        nor keeps a line twice, nor skips one."""
        for channel, offset in offsets.items():
            if offset > self.offsets.get(channel, -1):
                self.offsets[channel] = offset

    def store_is(self, epoch: str) -> bool:
        """The server said which store it has (`server-info.epoch`). False when
        our offsets came from another one: they are dropped, and every channel
        catches up from that store's beginning (the server does the same for
        the no-room channel, told by `auth.epoch`)."""
        same = not self.epoch or self.epoch == epoch
        if not same:
            self.offsets.clear()
            self.baseline = 0
        self.epoch = epoch
        return same

    def since(self, channel: str) -> int | None:
        """The offset to catch `channel` up from; None when nothing is known."""
        return self.offsets.get(channel, self.baseline)

    def server_offset(self, offset: int | None) -> None:
        """The server's newest offset, as it said on connecting."""
        if self.baseline is None and offset is not None:
            self.baseline = offset

    def replay_done(self, info: object = None) -> None:
        """A channel has caught up (our server's `replay-done`): its offset is
        the server's newest at that moment; what retention removed is said."""
        if not isinstance(info, dict) or not isinstance(info.get("room"), str):
            return
        channel = info["room"]
        offset = info.get("offset")
        if is_offset(offset) and offset > self.offsets.get(channel, -1):
            self.offsets[channel] = offset
        if info.get("trimmed") is True:
            self._notice(HistoryTrimmed(channel))

    def receive_change(self, *args: object) -> None:
        """A `message-event`: an edit, deletion or reaction, live or replayed,
        in the room's order. Kept offsets and replayed copies as for messages."""
        payload = args[0] if args else None
        change = received_change(payload)
        if change is None:
            return
        sender = payload.get("from") if isinstance(payload, dict) else None
        sid = sender.get("sid") if isinstance(sender, dict) else None
        own_sid = self._own_sid()
        if own_sid and sid == own_sid:
            return
        if not self._seen.add(change.id):
            return
        offset = payload.get("offset") if isinstance(payload, dict) else None
        if is_offset(offset) and offset > self.offsets.get(change.room, -1):
            self.offsets[change.room] = offset
        self.on_change(change)

    def receive(self, *args: object) -> None:
        inbound = self._dialect.inbound(args)
        message = inbound.message
        if len(message.room) > MAX_ROOM_CHARS:
            # A hostile server's megabyte room name would be kept, shown and
            # sent back at every start (issue #22): such a line is not taken.
            if not self._long_room_said:
                self._long_room_said = True
                log.warning(
                    "ignored messages in a room named with %d characters", len(message.room)
                )
            return
        if self._echo.is_room_probe(message.text, inbound.has_meta):
            return  # my probe to my own socket's room, back: never shown
        if self._echo.holds(args, message.text, inbound.has_meta):
            return  # maybe my echo, maybe a reply: it waits until the probe tells
        if inbound.has_meta:
            own_sid = self._own_sid()
            if own_sid and inbound.sender_sid == own_sid:
                return
            message.sender_sid = inbound.sender_sid
            if inbound.message_id and not self._seen.add(inbound.message_id):
                return  # a replayed copy of something we have
            offset = inbound.offset
            if offset is not None:
                message.offset = offset
                if offset > self.offsets.get(message.room, -1):
                    self.offsets[message.room] = offset
        elif self._echo.is_echo(message.text):
            return  # a server that echoes to the sender: shown when it was sent
        self._show(message)
