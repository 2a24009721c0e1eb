"""ClientBridge: the one place where core callbacks become Qt signals.

Messages arriving in a burst are gathered and handed to the model as one
batch per turn of the event loop, so a flood costs one model insert (and
one relayout) per batch instead of one per message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_chat.client.chat_client import ChatClient
from desktop_chat.client.errors import FileRefused, MessageRefused
from desktop_chat.client.notices import Connected, JoinRefused, Notice
from desktop_chat.client.presence import (
    PresenceEvent,
    PresenceKind,
    PresenceLines,
    RoomPresence,
)
from desktop_chat.client.profile import Profile
from desktop_chat.client.profile_toml import DEFAULT_PROFILE
from desktop_chat.client.signin import Credentials, RoomReply
from desktop_chat.client.status import ConnectionState, Status
from desktop_chat.protocol.messages import (
    Change,
    DeliveryUpdate,
    Message,
    TransferUpdate,
    system_message,
)
from desktop_chat.protocol.urls import (
    DEFAULT_PATH,
    InvalidServerUrl,
    ServerTarget,
    parse_server_url,
)
from desktop_chat.ui.notice_text import notice_text, url_problem_text
from desktop_chat.ui.tr import fill


class StatusText(QObject):
    """The bridge's words: the status line, presence lines, refusals. A
    QObject for `self.tr` (plural forms); a stranger's name or a server's
    error is put in with `fill`, never read as a placeholder."""

    def describe(self, status: Status, hosting: str = "") -> str:
        """The status line in full, its tooltip: state, who we are, where, how,
        and whether we host."""
        return self._status(status, hosting, detailed=True)

    def summary(self, status: Status, hosting: str = "") -> str:
        """The status line in words for people ("Connected", "Reconnecting in
        4 s…"); the ids, address and transport are in `describe`."""
        return self._status(status, hosting, detailed=False)

    def _status(self, status: Status, hosting: str, detailed: bool) -> str:
        """One walk of the states for both lines, so that they never disagree."""
        if not hosting:
            host_note = ""
        elif detailed:
            host_note = fill(self.tr(" · hosting the server on %1"), hosting)
        else:
            host_note = self.tr(" · hosting the chat here")
        wait = None if status.retry_at is None else max(0.0, status.retry_at - time.monotonic())
        if status.state is ConnectionState.CONNECTED:
            if not detailed:
                return self.tr("Connected") + host_note
            text = fill(
                self.tr("Connected as %1 to %2 over %3"), status.sid, status.url, status.transport
            )
            return text + host_note
        if status.state is ConnectionState.CONNECTING:
            if not detailed:
                return self.tr("Connecting…") + host_note
            return fill(self.tr("Connecting to %1…"), status.url) + host_note
        if status.state is ConnectionState.RECONNECTING:
            if not detailed:
                text = (
                    self.tr("Reconnecting in %n s…", "", round(wait))
                    if wait is not None and wait >= 1
                    else self.tr("Reconnecting…")
                )
            else:
                text = fill(self.tr("Reconnecting to %1"), status.url)
                if wait is not None:
                    text += (
                        self.tr(" (next try in %n s)", "", round(wait))
                        if wait >= 1
                        else self.tr(" (trying again now)")
                    )
        elif status.user_offline:
            return self.tr("Offline: you went offline; messages you write are kept") + host_note
        else:
            text = self.tr("Offline")  # with an error: a refused sign-in, not retried
        if status.error:
            text += fill(self.tr(": %1"), self.notice(status.error))
        return text + host_note

    def joined(self, name: str) -> str:
        return fill(self.tr("%1 joined"), name)

    def left(self, name: str) -> str:
        return fill(self.tr("%1 left"), name)

    def typing(self, names: list[str]) -> str:
        if not names:
            return ""
        if len(names) == 1:
            return fill(self.tr("%1 is typing…"), names[0])
        if len(names) == 2:
            return fill(self.tr("%1 and %2 are typing…"), names[0], names[1])
        return fill(self.tr("%1, %2 and %n more are typing…", "", len(names) - 2), *names[:2])

    def presence_line(self, joined: bool, names: list[str]) -> str:
        """Joins or leaves of a room gathered over a moment, in one line."""
        if len(names) == 1:
            return self.joined(names[0]) if joined else self.left(names[0])
        if len(names) == 2:
            text = self.tr("%1 and %2 joined") if joined else self.tr("%1 and %2 left")
            return fill(text, *names)
        if joined:
            return self.tr("%n people joined", "", len(names))
        return self.tr("%n people left", "", len(names))

    def notice(self, notice: Notice) -> str:
        """What the client reports (connected, joined, refused...), worded in
        notice_text.py, the one place for each kind's words."""
        return notice_text(notice)

    def url_problem(self, error: InvalidServerUrl) -> str:
        """What is wrong with a server address (notice_text.py)."""
        return url_problem_text(error)

    def not_sent(self, why: str) -> str:
        return fill(self.tr("Not sent: %1"), why)

    def cannot_connect(self, why: str) -> str:
        return fill(self.tr("Cannot connect: %1"), why)

    def invalid_address(self, why: str) -> str:
        return fill(self.tr("Invalid server address: %1"), why)


PRESENCE_EVERY = 1.0  # seconds of joins and leaves gathered into one line per room
FRAME = 0.016  # gather what arrives within one frame into one model insert
BUSY_FRAME = 0.033  # the same under a flood: fewer relayouts and repaints, more reading
BUSY_BATCH = 100  # a batch this big means a flood


class ClientBridge(QObject):
    # list[Message], in arrival order. Signal(object): Signal(list) would convert
    # the list item by item on every emit (about 0.25 µs a message).
    messages_added = Signal(object)
    # Typed where Qt can carry the type as is (a Python class is passed by reference).
    delivery_changed = Signal(DeliveryUpdate)
    status_changed = Signal(Status)
    # The status line: in words for people, and in detail (its tooltip).
    status_text_changed = Signal(str, str)
    connected_to = Signal(ServerTarget)  # a server that worked, to remember
    send_refused = Signal(str, str)  # text, why: nothing was stored, the text goes back
    join_refused = Signal(str)  # a room the server would not let us join
    # The same refusal in words (room, text), said beside the join field, not in Everyone.
    join_problem = Signal(str, str)
    retry_pending = Signal(bool)  # a reconnect is being waited for
    # Who is here or who types changed in a room ("" = everyone, or a server
    # without rooms): `presence(room)` says what to show now.
    presence_changed = Signal(str)
    info_received = Signal()  # the server said what it does (server-info)
    # A line was edited, deleted or reacted to (a Change): ours at once, anyone's
    # as the server relays it, in order with the messages.
    changed = Signal(object)
    # A file's way up or down (a TransferUpdate), and a thumbnail asked for
    # (message id, its bytes).
    transfer_changed = Signal(object)
    thumbnail_ready = Signal(str, bytes)
    # Accounts (issue #24): taken out of a private room (its name); which rooms
    # are private changed; the server's answer to a create or invite (kind
    # "create"/"invite", room, refusal code or "", the name invited).
    room_removed = Signal(str)
    room_added = Signal(str)  # we were added to a private room and joined it
    private_rooms_changed = Signal()
    room_answered = Signal(str, str, str, str)

    def __init__(self, client: ChatClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.hosting = ""
        # Say "You connected with id : …" (the tutorial's line)? Only when the
        # user asked for it in Settings, and only on the tutorial's profile.
        self.show_connection_id = False
        self._pending: list[Message] = []
        self._last_flush = 0.0
        self._interval = FRAME
        self.texts = StatusText(self)
        self._lines = PresenceLines()
        self._lines_due: asyncio.TimerHandle | None = None
        client.on_message = self._gather
        client.on_delivery = self._delivery
        client.on_status = self._status
        client.on_presence = self._presence
        client.presence.on_change = self.presence_changed.emit
        client.on_info = self.info_received.emit
        client.on_join_refused = self.join_refused.emit
        client.on_notice = self._notice
        client.on_change = self._change
        client.on_transfer = self._transfer
        client.on_thumbnail = self.thumbnail_ready.emit
        client.on_room_removed = self.room_removed.emit
        client.on_room_added = self.room_added.emit
        client.private_rooms.on_change = self.private_rooms_changed.emit
        self._calls: set[asyncio.Task[RoomReply]] = set()

    def detach(self) -> None:
        """Let go of the client, breaking the bridge <-> client reference cycle.

        Python's cyclic GC runs in whatever thread happens to allocate, such
        as the resolver thread of aiohttp; a QObject freed from there crashes
        Qt. Breaking the cycle frees the bridge by reference counting, on
        the thread that drops it.
        """
        self.client.on_message = lambda m: None
        self.client.on_delivery = lambda u: None
        self.client.on_status = lambda s: None
        self.client.on_presence = lambda p: None
        self.client.presence.on_change = lambda room: None
        self.client.on_info = lambda: None
        self.client.on_join_refused = lambda room: None
        self.client.on_notice = lambda n: None
        self.client.on_change = lambda c: None
        self.client.on_transfer = lambda u: None
        self.client.on_thumbnail = lambda message_id, data: None
        self.client.on_room_removed = lambda room: None
        self.client.on_room_added = lambda room: None
        self.client.private_rooms.on_change = lambda: None
        for call in self._calls:
            call.cancel()
        if self._lines_due is not None:
            self._lines_due.cancel()

    def _gather(self, message: Message) -> None:
        """Show a lone message on the next turn of the loop; under a flood,
        at most one insert per frame (two frames while batches are big).
        Joins and leaves gathered in its room go first: they came before it."""
        if self._lines and self._lines.holds(message.room):
            self._add_lines(self._lines.flush_before(message.room))
        self._add(message)

    def _add(self, message: Message) -> None:
        if not self._pending:
            loop = asyncio.get_running_loop()
            wait = self._last_flush + self._interval - loop.time()
            if wait > 0:
                loop.call_later(wait, self._flush)
            else:
                loop.call_soon(self._flush)
        self._pending.append(message)

    def _flush(self) -> None:
        self._last_flush = asyncio.get_running_loop().time()
        batch, self._pending = self._pending, []
        self._interval = BUSY_FRAME if len(batch) >= BUSY_BATCH else FRAME
        if batch:
            self.messages_added.emit(batch)

    def _delivery(self, update: DeliveryUpdate) -> None:
        """A message is in the model before any change of its state: a send that
        goes out within this turn of the loop is still waiting in the batch."""
        if self._pending:
            self._flush()
        self.delivery_changed.emit(update)

    def _change(self, change: Change) -> None:
        """After the lines gathered before it: the line it changes may be one of them."""
        if self._pending:
            self._flush()
        self.changed.emit(change)

    def _transfer(self, update: TransferUpdate) -> None:
        """After the lines gathered before it: an upload's line may be one of them."""
        if self._pending:
            self._flush()
        self.transfer_changed.emit(update)

    def _status(self, status: Status) -> None:
        self.status_changed.emit(status)
        self.status_text_changed.emit(
            self.texts.summary(status, self.hosting), self.texts.describe(status, self.hosting)
        )
        self.retry_pending.emit(status.retry_at is not None)
        target = self.client.target
        if status.state is ConnectionState.CONNECTED and target is not None:
            self.connected_to.emit(target)

    def _presence(self, event: PresenceEvent) -> None:
        """Joined and left as lines in the conversation, from either source (who
        is here and who types is the client's model: `presence`).

        Gathered for PRESENCE_EVERY into one line per room and kind, and never
        reordered: the next message of the room takes the lines before it
        (PresenceLines), so "bob joined" stays before bob's first message."""
        if event.kind not in (PresenceKind.JOINED, PresenceKind.LEFT) or not event.name:
            return
        if self._lines_due is None:
            loop = asyncio.get_running_loop()
            self._lines_due = loop.call_later(PRESENCE_EVERY, self._presence_lines)
        self._lines.add(event)

    def _presence_lines(self) -> None:
        self._lines_due = None
        self._add_lines(self._lines.flush_names())

    def _add_lines(self, gathered: list[tuple[str | None, bool, list[str]]]) -> None:
        rooms = set()
        for room, joined, names in gathered:
            line = system_message(self.texts.presence_line(joined, names), room or "")
            if room is not None:
                rooms.add(room)
                line.sender = "server"  # addressed to its room, "" too (Conversations.target_of)
            self._add(line)
        for room in rooms:
            self.client.request_participants(room)  # how many windows each has

    def presence(self, room: str) -> RoomPresence:
        """Who is in `room` (the user too, while connected), how many, who types."""
        return self.client.presence.room(room)

    def typing_text(self, room: str) -> str:
        """ "alice is typing…" for `room`, in the user's language; "" when nobody is."""
        return self.texts.typing(self.client.presence.room(room).typing)

    @property
    def has_presence(self) -> bool:
        """Whether the server lists who is in each room (desktop-chat-server)."""
        return self.client.has_presence

    def _notice(self, notice: Notice) -> None:
        """A notice of the client, said in the window's language where it belongs:
        a refused join beside the join field it was typed in."""
        if isinstance(notice, JoinRefused):
            self.join_problem.emit(notice.refused, self.texts.notice(notice))
            return
        if isinstance(notice, Connected) and not (
            self.show_connection_id and self.client.profile.name == DEFAULT_PROFILE
        ):
            return  # a developer's line; the status line says "Connected"
        self._gather(system_message(self.texts.notice(notice), notice.room))

    def refresh_status(self) -> None:
        self._status(self.client.status)

    def show_system(self, text: str) -> None:
        self._gather(system_message(text))

    # ---- intents from the window -----------------------------------------

    def sign_in(self, credentials: Credentials | None) -> None:
        self.client.sign_in(credentials)

    def sign_out(self) -> None:
        self.client.sign_out()

    def create_private_room(self, room: str, members: list[str]) -> None:
        self._call("create", room, "", self.client.create_private_room(room, members))

    def invite(self, room: str, name: str) -> None:
        self._call("invite", room, name, self.client.invite(room, name))

    def _call(self, kind: str, room: str, name: str, call: Coroutine[Any, Any, RoomReply]) -> None:
        task = asyncio.get_running_loop().create_task(call)
        self._calls.add(task)

        def done(finished: asyncio.Task[RoomReply]) -> None:
            self._calls.discard(finished)
            if not finished.cancelled():
                reply = finished.result()
                self.room_answered.emit(kind, room, reply.code, name)

        task.add_done_callback(done)

    def send(
        self, text: str, room: str, *, reply_to: Message | None = None, formatted: bool = False
    ) -> None:
        try:
            self.client.send(text, room.strip(), reply_to=reply_to, formatted=formatted)
        except MessageRefused as exc:
            # Nothing the user typed is lost: the window puts the text back.
            why = self.texts.notice(exc.notice)
            self.show_system(self.texts.not_sent(why))
            self.send_refused.emit(text, why)
            return
        # The user's own words appear on this turn of the loop, not a frame
        # later; queued behind the emit the send just woke, so that the
        # message is on the wire before the window relayouts and repaints.
        asyncio.get_running_loop().call_soon(self._flush)

    def files_supported(self) -> bool | None:
        """Whether the server takes files (None: not known yet; False: a
        tutorial server, a profile's, or ours without files)."""
        return self.client.files_supported

    def files_max_bytes(self) -> int:
        return self.client.files_max_bytes

    def send_file(
        self,
        room: str,
        path: Path,
        *,
        caption: str = "",
        type: str = "",
        thumbnail: bytes | None = None,
    ) -> Message | FileRefused:
        """Send a file (its line shows at once, pending); or the refusal, whose
        `code` the window words as it words a TransferUpdate's (`no-files`,
        `unreadable`, `too-large`; `not-stored` when the outbox or the caption
        would not take it), with nothing stored or shown."""
        try:
            message = self.client.send_file(
                room.strip(), path, caption=caption, type=type, thumbnail=thumbnail
            )
        except FileRefused as exc:
            return exc
        except MessageRefused as exc:
            return FileRefused("not-stored", self.texts.notice(exc.notice))
        asyncio.get_running_loop().call_soon(self._flush)  # shown on this turn, as `send`
        return message

    def cancel_transfer(self, message_id: str) -> None:
        self.client.cancel_transfer(message_id)

    def download(self, message: Message, folder: Path | None = None) -> None:
        self.client.download(message, folder)

    def request_thumbnail(self, message: Message) -> None:
        self.client.request_thumbnail(message)

    @property
    def has_changes(self) -> bool:
        """Whether this server carries replies, edits, deletions and reactions."""
        return self.client.has_changes

    def edit(self, message: Message, text: str, *, formatted: bool = False) -> bool:
        """Replace a line of ours; False (said, and the text handed back) when refused."""
        try:
            self.client.edit(message, text, formatted=formatted)
        except MessageRefused as exc:
            why = self.texts.notice(exc.notice)
            self.show_system(self.texts.not_sent(why))
            self.send_refused.emit(text, why)
            return False
        return True

    def delete(self, message: Message) -> None:
        try:
            self.client.delete(message)
        except MessageRefused as exc:
            self.show_system(self.texts.notice(exc.notice))

    def react(self, message: Message, emoji: str) -> None:
        try:
            self.client.react(message, emoji)
        except MessageRefused as exc:
            self.show_system(self.texts.notice(exc.notice))

    def typing(self, room: str = "") -> None:
        """The user typed in the conversation of `room`: the profile's typing
        notices, or desktop-chat-server's per room (each client sends only what
        its server understands)."""
        self.client.typing()
        self.client.typing_in(room)

    def request_participants(self, room: str) -> None:
        self.client.request_participants(room)

    def join(self, room: str) -> None:
        room = room.strip()
        if room:
            self.client.join(room)

    def set_offline(self, offline: bool) -> None:
        self.client.set_offline(offline)

    def reconnect_now(self) -> None:
        self.client.reconnect_now()

    def retry(self, message_id: str) -> None:
        self.client.retry(message_id)

    def discard(self, message_id: str) -> None:
        self.client.discard(message_id)

    def connect_to_text(self, text: str, profile: Profile | None = None) -> None:
        """Connect to an address the user typed (at the current Socket.IO path),
        or say why it is not one."""
        try:
            url = parse_server_url(text)
        except InvalidServerUrl as exc:
            why = self.texts.url_problem(exc)
            self.show_system(self.texts.cannot_connect(why))
            said = self.texts.invalid_address(why)
            self.status_text_changed.emit(said, said)
            return
        current = self.client.target
        self.connect_to(ServerTarget(url, current.path if current else DEFAULT_PATH), profile)

    def connect_to(self, target: ServerTarget, profile: Profile | None = None) -> None:
        self.client.connect_to(target, profile)
