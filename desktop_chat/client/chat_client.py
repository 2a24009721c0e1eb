"""ChatClient: one conversation with one Socket.IO server, in plain asyncio.

A facade over parts that each own their state and report by callback:

- `Connection` (connection.py): the life cycle, backoff and status;
- `Sender` (sender.py): the ordered queue of joins and messages, pacing,
  acks and the outbox;
- `Receiver` (receiver.py): inbound messages, replayed copies dropped,
  catch-up offsets per channel;
- `EchoFilter` (echo.py): a tutorial server's echo told from a repeat;
- a dialect (dialect.py) built from a `Profile` (profile.py): the events
  and arguments on the wire, `tutorial` unless another is chosen;
- presence (presence.py): one model per room (`presence`), fed by the
  profile's events and by our server's extensions alike; typing out;
- `FileTransfers` (files.py): files up before their messages, down when
  asked, thumbnails;
- a `PacketTap` (packet_tap.py), only while someone watches the packets.

No part reaches into another: this class hands each the callables it needs.

Why over 400 lines: it is the one face of the client, so each thing the
window may ask (send, join, leave, rename, typing, profiles, the packet tap)
has a method here, a few lines each that hand the call to a part. It holds
no state of its own beyond which parts it wired; splitting it would put a
second facade in front of the first.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import os
import stat
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

import socketio

from desktop_chat.client.channels import ChannelKeeper, Channels, ChannelStore
from desktop_chat.client.connection import Connection, ConnectionHooks
from desktop_chat.client.dialect import ProfileDialect, TutorialDialect, dialect_for
from desktop_chat.client.echo import EchoFilter
from desktop_chat.client.errors import FileRefused, MessageRefused
from desktop_chat.client.extensions import ServerExtensions
from desktop_chat.client.files import FileTransfers
from desktop_chat.client.local_db import data_dir
from desktop_chat.client.notices import (
    AddedToRoom,
    ChangesUnsupported,
    EmptyMessage,
    NoRoomsToJoin,
    Notice,
    NotStored,
    PacketTooBig,
    RoomRemoved,
    SignedOut,
    SigninNeeded,
    StoreStartedOver,
    TextTooLong,
    TokenHeldBack,
)
from desktop_chat.client.outbox import Outbox, OutboxError
from desktop_chat.client.packet_tap import PacketTap
from desktop_chat.client.presence import Presence, PresenceEvent, TypingNotifier
from desktop_chat.client.profile import AUTH_NONE, AUTH_TABLE, Acks, Profile
from desktop_chat.client.receiver import Receiver
from desktop_chat.client.sender import Sender, packet_size
from desktop_chat.client.server_info import ServerInfo
from desktop_chat.client.signin import (
    REVOKED,
    SIGNIN_REQUIRED,
    Credentials,
    PrivateRooms,
    RoomReply,
)
from desktop_chat.client.status import Backoff, ConnectionState, Status
from desktop_chat.client.tls import TlsOptions, token_held_back
from desktop_chat.protocol.messages import (
    Attachment,
    Change,
    ChangeType,
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
    TransferState,
    TransferUpdate,
    own_message,
    quoted_line,
)
from desktop_chat.protocol.urls import ServerTarget

log = logging.getLogger(__name__)

__all__ = [
    "Backoff",
    "ChatClient",
    "ConnectionState",
    "MessageRefused",
    "Status",
    "TlsOptions",
]


class ChatClient:
    """Talks the tutorial protocol (docs/protocol.md) and our extensions.

    Callbacks, set by whoever shows the conversation, run on the loop:
    `on_message` for every new line (received, own and system),
    `on_delivery` when one of our own messages changes state,
    `on_status` when the connection changes,
    `on_presence` when the server says someone joined, left or is typing
    (for the lines it makes; who is here and who types is `presence`),
    `on_notice` for what to tell the user, as typed notices (notices.py)
    that the window words in the user's language.
    """

    def __init__(
        self,
        name: str,
        *,
        token: str | None = None,
        send_token_over_http: bool = False,
        transports: list[str] | None = None,
        backoff: Backoff | None = None,
        connect_timeout: float = 10.0,
        outbox: Outbox | None = None,
        channels: ChannelStore | None = None,
        client_id: str | None = None,
        tls: TlsOptions | None = None,
        profile: Profile | None = None,
        folder: Path | None = None,
    ) -> None:
        """`folder`: where this client keeps thumbnails and the files the
        window opens (the user's data folder, beside client.db, by default)."""
        self.name = name
        self.token = token
        self.send_token_over_http = send_token_over_http
        self._token_notice = ""  # the server we last said we held the token back from
        # Lets the server tell our messages from others' (the window identity's key).
        self.client_id = client_id or uuid.uuid4().hex
        self._kept = ChannelKeeper(channels, self._channels_now)
        self.on_message: Callable[[Message], None] = lambda m: None
        self.on_delivery: Callable[[DeliveryUpdate], None] = lambda u: None
        self.on_join_refused: Callable[[str], None] = lambda room: None  # the server said no
        # What to tell the user (connected, joined, refused, renamed...): data, never words.
        self.on_notice: Callable[[Notice], None] = lambda n: None
        self.on_status: Callable[[Status], None] = lambda s: None
        self.on_presence: Callable[[PresenceEvent], None] = lambda p: None
        # Who is here and who types, per room, the user included while connected.
        self.presence = Presence(lambda: self.name)
        self._watched: set[str] = set()  # rooms whose participants were asked for
        self.on_info: Callable[[], None] = lambda: None  # the server said what it does
        # server key -> the offsets a local history kept with its lines (the app's).
        self.offsets_kept: Callable[[str], dict[str, int]] = lambda server: {}
        # An edit, deletion or reaction of a line, ours (at once) or anyone's.
        self.on_change: Callable[[Change], None] = lambda c: None
        # Whether the server we talk to carries changes (its server-info said
        # `events`), remembered while offline; None: not known yet.
        self._events: bool | None = None
        self._unsupported_said = False
        # Our changes not yet taken by the server, and the lines as they were
        # before them (put back when the server refuses).
        self._before: dict[str, Message] = {}
        # A file's way up or down (TransferUpdate), and a thumbnail asked for.
        self.on_transfer: Callable[[TransferUpdate], None] = lambda u: None
        self.on_thumbnail: Callable[[str, bytes], None] = lambda message_id, data: None
        # Whether the server we talk to stores files (its server-info said
        # `files`), remembered while offline; None: not known yet.
        self._files_said: bool | None = None
        self._files_max = 0
        self._online = asyncio.Event()  # connected: a transfer may ask for a ticket
        # How to sign in to a server with accounts (client/signin.py), given by the
        # window; None: not signed in (the shared token, if any, goes instead).
        self.credentials: Credentials | None = None
        # We were taken out of a private room (it is not joined again).
        self.on_room_removed: Callable[[str], None] = lambda room: None
        # We were added to a private room and joined it (for its sidebar row).
        self.on_room_added: Callable[[str], None] = lambda room: None

        dialect: ProfileDialect
        dialect = self._dialect = dialect_for(profile) if profile else TutorialDialect()
        self._next: ProfileDialect | None = None  # chosen; spoken from the next socket on
        self._typing: TypingNotifier | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.info = ServerInfo()
        self._connection = Connection(
            ConnectionHooks(
                auth=self._auth,
                starting=self._starting,
                connected=self._connected,
                over=self._over,
                switched=self._switched,
                status=self._status_changed,
                notice=lambda notice: self.on_notice(notice),
                handlers=self._handlers,
            ),
            transports=transports,
            backoff=backoff,
            connect_timeout=connect_timeout,
            tls=tls,
        )
        self._echo = EchoFilter(self._release, lambda: self._connection.sio, dialect)
        self._receiver = Receiver(
            dialect,
            self._echo,
            self._received,
            lambda: self.status.sid,
            lambda notice: self.on_notice(notice),
        )
        self._sender = Sender(
            dialect,
            outbox or Outbox(),
            self.info,
            self._receiver,
            self._echo,
            notice=lambda notice: self.on_notice(notice),
            end_connection=self._connection.end,
        )
        self._sender.on_delivery = lambda update: self.on_delivery(update)
        self._sender.on_join_refused = lambda room: self.on_join_refused(room)
        self._sender.on_joined = self._joined
        self._sender.on_change_acked = self._change_acked
        self._sender.on_no_info = self._no_info
        self._sender.on_quoted = self._reply_quoted
        self._files = FileTransfers(
            self.info,
            lambda: self._sender.outbox,
            self._http_base,
            lambda: self._connection.sio,
            self._online,
            lambda: self._connection.tls,
            self._http_token,
            folder if folder is not None else data_dir(),
        )
        self._files.on_transfer = lambda update: self.on_transfer(update)
        self._files.on_thumbnail = lambda message_id, data: self.on_thumbnail(message_id, data)
        self._sender.start_file = self._files.start
        self._sender.file_settled = self._files.settled
        self._sender.on_file_discarded = self._files.forget
        self._receiver.on_change = lambda change: self.on_change(change)
        # desktop-chat-server's presence, participants, typing and renames.
        self.extensions = ServerExtensions(
            self.info,
            lambda: self._connection.sio,
            self._spawn,
            presence=self._presence_event,
            participants=self.presence.listed,
            notice=lambda notice: self.on_notice(notice),
            renamed=self.presence.renamed,
        )
        self.private_rooms = PrivateRooms(lambda: self._connection.sio)
        self.private_rooms.on_listed = self._private_listed
        self._use(dialect)

    # ---- what the window reads --------------------------------------------

    @property
    def status(self) -> Status:
        return self._connection.status

    @property
    def target(self) -> ServerTarget | None:
        return self._connection.target

    @property
    def tls(self) -> TlsOptions:
        return self._connection.tls

    @property
    def outbox(self) -> Outbox:
        return self._sender.outbox

    def rooms_kept(self, server: str) -> list[str]:
        """The rooms this client is in on `server`, as kept for its next
        connection there: the one list of them (the window's conversations
        are restored from it)."""
        return self._kept.rooms(server)

    @property
    def rooms(self) -> list[str]:
        return list(self._sender.rooms)

    @property
    def profile(self) -> Profile:
        """The profile spoken, or chosen for the next connection."""
        return self._speaking().profile

    def _speaking(self) -> ProfileDialect:
        return self._next or self._dialect

    @property
    def offline(self) -> bool:
        return self._connection.offline

    def check_size(self, message: Message) -> None:
        """Raise MessageRefused for a message this server would not take.

        What a server limits is the packet on the wire, where Socket.IO's
        JSON escapes every character outside ASCII (a Hangul syllable takes
        6 bytes, 3 in UTF-8): a server closes the connection of a client that
        sends more, which loses the message and stalls what follows.
        """
        text_limit = self.info.max_message_bytes
        if text_limit is not None:
            size = len(message.text.encode("utf-8", "surrogatepass"))
            if size > text_limit:
                raise MessageRefused(TextTooLong(size, text_limit))
        limit = self.info.max_packet_bytes
        packet = packet_size(self._dialect, message, _WORST_OPTS)
        if packet > limit:
            raise MessageRefused(PacketTooBig(packet, limit))

    # ---- what the user asks for -------------------------------------------

    def connect_to(self, target: ServerTarget, profile: Profile | None = None) -> None:
        """Connect to this server, leaving any other one; retries until closed.

        Messages left in the outbox for this server (by a run that was
        closed or killed) are shown as pending and sent. With `profile`,
        the server is spoken to as it says from this connection on.
        """
        if profile is not None and profile != self.profile:
            # The socket in use keeps the old profile's handlers to its end;
            # the next one, made at once, speaks the new profile (_handlers).
            self._next = dialect_for(profile)
            self._connection.end()
        self._connection.connect_to(target)

    def typing(self) -> None:
        """The user typed: tell the server, if its profile has typing notices."""
        if self._typing is not None and self.status.state is ConnectionState.CONNECTED:
            self._typing.keystroke()

    def emit(self, event: str, args: tuple[object, ...], ack: bool = False) -> bool:
        """Put any event on the wire (the inspector's Emit), with an ack callback
        when asked, so that the ack shows among the packets; False when not connected."""
        sio = self._connection.sio
        if sio is None or not sio.connected:
            return False
        callback = (lambda *_: None) if ack else None
        self._spawn(sio.emit(event, args, callback=callback))
        return True

    def set_packet_tap(self, tap: PacketTap | None) -> None:
        """Record every packet of this and later connections (None: stop, at no cost)."""
        self._connection.set_tap(tap)

    def reconnect_now(self) -> None:
        """Try now instead of waiting out the backoff (and leave offline mode)."""
        self._connection.reconnect_now()

    def set_offline(self, offline: bool) -> None:
        """Go offline (or back online) by the user's choice; what is written meanwhile waits."""
        self._connection.set_offline(offline)

    def send(
        self, text: str, room: str, *, reply_to: Message | None = None, formatted: bool = False
    ) -> Message:
        """Store a message, show it at once, and send it when connected.
        `reply_to`: the line it answers (on a server without message events,
        quoted in the text instead); `formatted`: the text is Markdown (said
        only to a server that carries it).

        Raises MessageRefused, before anything is stored or shown, for a
        message that no server would take: empty, or over the server's limit.

        `formatted`: the user writes Markdown (a setting). It is sent marked
        so only to a server that said it knows message events; to one known
        not to, it goes as typed and is shown as typed, as the others see it.
        """
        if not text.strip():
            raise MessageRefused(EmptyMessage())
        room = room if self._speaking().join_event else ""
        extra: dict[str, object] = {}
        opts: dict[str, object] = {}
        if reply_to is not None and self._events is False:
            self._unsupported(room)
            text = f"{quoted_line(reply_to)}\n{text}"
        elif reply_to is not None:
            reference = _reference(reply_to)
            opts.update(
                {
                    "reply_to_own" if key == "target_own" else "reply_to": value
                    for key, value in reference.items()
                }
            )
            extra["reply_to"] = reply_to.id
            if self._events is None:
                # Not known yet (offline since the start): the sender decides
                # when it goes, quoting the line to a server without events.
                extra["quote"] = quoted_line(reply_to)
        if opts:
            extra["opts"] = opts
        message = own_message(text, room, self.name)
        message.reply_to = reply_to.id if reply_to is not None and opts else ""
        # Marked on the wire by the sender, if the server then says it knows formats.
        message.formatted = formatted and self._may_format()
        if message.formatted:
            extra["formatted"] = True
        self.check_size(message)
        try:
            self._sender.send(message, extra or None)
        except OutboxError as exc:
            raise MessageRefused(NotStored(str(exc))) from exc
        if self._typing is not None:
            self._typing.stopped()
        self.on_message(message)
        return message

    # ---- files ----------------------------------------------------------------

    @property
    def files_supported(self) -> bool | None:
        """Whether the server (connected, or the last one) stores files: its
        server-info said `files`. False for a tutorial server, a profile's, or
        ours without files; None while not known (offline since the start)."""
        return self._files_said

    @property
    def files_max_bytes(self) -> int:
        """The largest file that server takes (0: none, or not known)."""
        return self._files_max

    def send_file(
        self,
        room: str,
        path: Path,
        *,
        caption: str = "",
        type: str = "",
        thumbnail: bytes | None = None,
    ) -> Message:
        """Show a file's line at once (the caption its text) and keep it in
        the outbox (the path, the thumbnail's bytes), to be stored on the
        server and then sent when connected, in order with the text written
        around it, after a restart too. Progress comes as `on_transfer`.

        Raises FileRefused at once: `no-files` (the server is known to take
        none), `unreadable` (missing, not a regular file, not readable),
        `too-large` (over the server's limit, when known). An empty file
        goes (the server takes it). Raises MessageRefused for a caption no
        server would take, or when the outbox cannot store it.
        """
        if self._files_said is False:
            raise FileRefused("no-files")
        path = Path(path)
        try:
            found = os.stat(path)  # one stat; the bytes are read on a worker thread
        except OSError as exc:
            raise FileRefused("unreadable", str(exc)) from exc
        if not stat.S_ISREG(found.st_mode) or not os.access(path, os.R_OK):
            raise FileRefused("unreadable", "not a readable regular file")
        if self._files_max and found.st_size > self._files_max:
            raise FileRefused("too-large", f"{found.st_size} bytes; the server takes at most "
                              f"{self._files_max}")  # fmt: skip
        kind = type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        room = room if self._speaking().join_event else ""
        message = own_message(caption, room, self.name)
        message.attachment = Attachment("", path.name, found.st_size, kind)
        if caption:
            self.check_size(message)
        extra: dict[str, object] = {
            "file": {
                "path": str(path.absolute()),
                "name": path.name,
                "size": found.st_size,
                "type": kind,
            }
        }
        try:
            self._sender.send(message, extra, thumbnail)
        except OutboxError as exc:
            raise MessageRefused(NotStored(str(exc))) from exc
        self._files.keep_thumbnail(message.id, thumbnail)
        self.on_message(message)
        return message

    def cancel_transfer(self, message_id: str) -> None:
        """Stop a file's way up (the line is discarded, the server's upload
        deleted) or down (what arrived is deleted)."""
        downloading = self._files.downloading(message_id)
        running = self._files.cancel(message_id)
        # Queued (offline, or not begun): discarded now; holding its room
        # while it goes up: discarded when the upload ends (sender.py).
        dropped = not downloading and self._sender.cancel_file(message_id)
        if not running and not dropped:
            return
        self.on_transfer(TransferUpdate(message_id, not downloading, 0, 0, TransferState.CANCELLED))

    def download(self, message: Message, folder: Path | None = None) -> None:
        """Save a line's file into `folder` (the user's choice), or, None, into
        this client's own folder for the window to open; never opened here."""
        self._files.download(message, folder)

    def request_thumbnail(self, message: Message) -> None:
        """Fetch a line's thumbnail once (kept on disk after): `on_thumbnail`."""
        self._files.request_thumbnail(message)

    def _http_base(self) -> str | None:
        """The server's HTTP address (the same host, port and TLS as the socket)."""
        target = self._connection.target
        return None if target is None else target.url.url.split("?", 1)[0].rstrip("/")

    def _http_token(self) -> str | None:
        """The token, to the server the socket gives it to (tls.py's rule)."""
        target = self._connection.target
        if (
            self.token
            and target is not None
            and not token_held_back(target.url, self.send_token_over_http)
        ):
            return self.token
        return None

    def _files_known(self) -> None:
        files = self.info.files
        self._files_said = files is not None
        self._files_max = self.info.files_max_bytes

    # ---- living messages ---------------------------------------------------

    @property
    def has_changes(self) -> bool:
        """Whether replies, edits, deletions and reactions can be carried: the
        server said `events` in its server-info (desktop-chat-server does; a
        tutorial server or a profile's cannot)."""
        return self._events is True and self._speaking() is self._dialect

    def _unsupported(self, room: str) -> bool:
        """Say once that this server cannot carry changes; True when it cannot
        (or it has not said yet: the window offers none of them until then)."""
        if self.has_changes:
            return False
        if self._events is False and not self._unsupported_said:
            self._unsupported_said = True
            self.on_notice(ChangesUnsupported(room))
        return True

    def edit(self, message: Message, text: str, *, formatted: bool = False) -> None:
        """Replace the text of a line of ours, everywhere (at once here).

        Raises MessageRefused for a text no server would take."""
        if self._unsupported(message.room):
            return
        if not text.strip():
            raise MessageRefused(EmptyMessage())
        self.check_size(own_message(text, message.room, self.name))
        change = Change(
            ChangeType.EDIT,
            message.id,
            message.room,
            text=text,
            formatted=formatted,
            sender=self.name,
            mine=True,
        )
        if self._sender.edit_queued(message.id, text):
            # Nobody has seen it yet: it goes as now written, not "edited".
            change.ts, change.formatted = message.edited_at, message.formatted
        else:
            payload: dict[str, object] = {"type": "edit", "text": text, **_reference(message)}
            if formatted:
                payload["format"] = "markdown"
            self._queue_change(change, payload, message)
        self.on_change(change)

    def delete(self, message: Message) -> None:
        """Take back a line of ours: a line not sent yet never goes; a sent one
        is deleted everywhere once the server has done so."""
        if self._files.uploading(message.id) and self._files.cancel(message.id):
            # Its file is going up: it never goes (the sender discards the line).
            self.on_transfer(TransferUpdate(message.id, True, 0, 0, TransferState.CANCELLED))
            return
        if self._unsupported(message.room):
            return
        change = Change(ChangeType.DELETE, message.id, message.room, sender=self.name, mine=True)
        if self._sender.delete_queued(message.id):
            # Never sent: gone, as a failed message the user discards.
            self.on_delivery(DeliveryUpdate(message.id, DeliveryState.DISCARDED))
            return
        payload: dict[str, object] = {"type": "delete", **_reference(message)}
        self._queue_change(change, payload, message)

    def react(self, message: Message, emoji: str) -> None:
        """Add `emoji` to a line, or take it back when we had reacted with it."""
        if self._unsupported(message.room) or message.deleted:
            return
        change = Change(
            ChangeType.REACT,
            message.id,
            message.room,
            emoji=emoji,
            on=emoji not in message.reacted,
            sender=self.name,
            mine=True,
        )
        self._queue_change(
            change, {"type": "react", "emoji": emoji, **_reference(message)}, message
        )
        self.on_change(change)

    def _queue_change(self, change: Change, payload: dict[str, object], before: Message) -> None:
        payload["id"] = change.id
        try:
            self._sender.change(change, payload)
        except OutboxError as exc:
            raise MessageRefused(NotStored(str(exc))) from exc
        self._before[change.id] = before

    def _change_acked(self, change: Change, reply: dict[str, object]) -> None:
        """The server took a change of ours (a deletion shows now; a reaction
        as the server counts it) or refused it (the line is put back)."""
        before = self._before.pop(change.id, None)
        if isinstance(reply.get("error"), str):
            if before is not None and change.type is ChangeType.EDIT:
                self.on_change(
                    Change(
                        ChangeType.EDIT,
                        change.target,
                        change.room,
                        text=before.text,
                        formatted=before.formatted,
                        ts=before.edited_at,
                        mine=True,
                    )
                )
            elif change.type is ChangeType.REACT:
                self.on_change(replace(change, on=not change.on, reactors=None))
            return
        if change.type is ChangeType.DELETE:
            self.on_change(change)
        elif change.type is ChangeType.REACT and isinstance(names := reply.get("reactors"), list):
            reactors = tuple(str(name) for name in names)
            self.on_change(replace(change, on=reply.get("on") is not False, reactors=reactors))

    def _may_format(self) -> bool:
        """Whether this server may get Markdown: it says so, or, offline, has not
        said yet (the text waits, and goes marked only if the server then says
        so). A connected server that says nothing (a tutorial one) does not."""
        if self.info.ready.is_set():
            return self.info.data.get("events") is True
        return self.status.state is not ConnectionState.CONNECTED

    def retry(self, message_id: str) -> None:
        """Send a message the server refused once more (same id; a file's is
        uploaded again)."""
        self._files.unstore(message_id)
        self._sender.retry(message_id)

    def discard(self, message_id: str) -> None:
        """Forget a message the server refused; it is not sent."""
        self._sender.discard(message_id)

    def join(self, room: str) -> None:
        if not self._speaking().join_event:
            self.on_notice(NoRoomsToJoin(self.profile.name))
            return
        self._sender.join(room)
        self.private_rooms.declined.discard(room)  # joined by hand: wanted again
        self._kept.save()

    def leave(self, room: str) -> bool:
        """Leave a room: not rejoined any more, and the server told where it can be.

        Only desktop-chat-server (which says `server-info`) is known to handle
        `leave-room`; a tutorial server has no way to leave, so it is not sent
        there: the window reconnects without the room instead, and False is
        returned, for the window to say so.
        """
        self._sender.leave(room)
        self.private_rooms.declined.add(room)
        self._receiver.offsets.pop(room, None)  # else kept as a room to rejoin
        self.presence.forget(room)
        self._watched.discard(room)
        self._kept.save()
        event = self._speaking().leave_event
        if event and self.info.ready.is_set():
            return self.emit(event, (room,))
        # No way to leave: a new connection joins only the rooms still wanted,
        # so the server relays this room's messages no more.
        target = self._connection.target
        if target is not None and self.status.state is ConnectionState.CONNECTED:
            self._connection.connect_to(target)
        return False

    def rename(self, name: str) -> bool:
        """Be called `name` from now on. A server that says it can (ours: `rename`)
        is told at once and tells the others; any other is reconnected to with
        the new name in `auth.name`. True when the server was told."""
        old, self.name = self.name, name
        self.presence.renamed(old, name)
        if self.info.data.get("rename") is True and self.emit("rename", (name,)):
            return True
        target = self._connection.target
        if target is not None:
            self._connection.connect_to(target)  # a new connection says the new name
        return False

    @property
    def has_presence(self) -> bool:
        return self.extensions.has_presence

    def typing_in(self, room: str) -> None:
        """The user typed in the conversation of `room` (see ServerExtensions)."""
        self.extensions.typing_in(room)

    def request_participants(self, room: str) -> None:
        """Ask who is in `room`; the answer goes to `presence`. Asked again on
        every connection from now on (a client nobody watches asks nothing)."""
        self._watched.add(room)
        self.extensions.request_participants(room)

    def _joined(self, room: str) -> None:
        """The server has us in `room`: a watched room's list is asked again.
        An answer given before the join was done (the server runs each event
        on its own) could miss who joined meanwhile, whose "joined" went out
        before we were there to hear it; from here on, everyone who joined
        before is in the answer and everyone after says so."""
        if room in self._watched:
            self.extensions.request_participants(room)

    # ---- accounts (client/signin.py) ---------------------------------------------

    @property
    def held(self) -> SigninNeeded | None:
        """Why the client waits for credentials (a refused sign-in), or None."""
        return self._connection.held

    @property
    def attempts(self) -> int:
        """Connection attempts made so far (a refused sign-in counts one)."""
        return self._connection.attempts

    @property
    def account(self) -> str:
        """The account this connection signed in as (server-info), or ""."""
        account = self.info.data.get("account")
        return account if isinstance(account, str) else ""

    @property
    def has_accounts(self) -> bool:
        return self.info.data.get("accounts") is True

    def sign_in(self, credentials: Credentials | None) -> None:
        """Sign in with these from the next attempt on, which starts at once (a
        connection open now is ended: it signed in otherwise)."""
        self.credentials = credentials
        if self.status.state is ConnectionState.CONNECTED:
            self._connection.end()
        self._connection.resume()

    def sign_out(self) -> None:
        """Forget the credentials and stop: the window asks before the next try."""
        self.credentials = None
        self._connection.hold(SigninNeeded(SIGNIN_REQUIRED))

    async def create_private_room(self, room: str, members: list[str]) -> RoomReply:
        """A private room with us and `members` in it (`room-create`); the window
        joins it once made (shown at once)."""
        reply = await self.private_rooms.create(room, members)
        if reply.ok:
            self.private_rooms.declined.discard(room)
        return reply

    async def invite(self, room: str, name: str) -> RoomReply:
        """Add the account `name` to the private room `room` (`room-invite`)."""
        return await self.private_rooms.invite(room, name)

    def _private_listed(self, rooms: set[str]) -> None:
        """The private rooms we are a member of: one we are not in, and did not
        leave here, was made with us or we were invited: joined (as Slack shows
        a channel one is added to)."""
        for room in sorted(rooms):
            if room not in self._sender.rooms and room not in self.private_rooms.declined:
                self.join(room)
                self.on_notice(AddedToRoom(room))
                self.on_room_added(room)

    def _signed_out(self, data: object = None) -> None:
        code = data.get("code") if isinstance(data, dict) else None
        code = code if isinstance(code, str) and code else REVOKED
        self.on_notice(SignedOut(code))
        self._connection.hold(SigninNeeded(code))

    def _room_added(self, data: object = None) -> None:
        """Made a member of a private room (by its creator or an invite, through
        any process): the list is asked again, and the new room joined."""
        if isinstance(data, dict) and isinstance(data.get("room"), str):
            self._spawn(self.private_rooms.refresh())

    def _room_removed(self, data: object = None) -> None:
        """Taken out of a private room: not rejoined, nor asked for again; the
        window keeps what it showed of it (its local history). Said also of a
        room the user had left here: its refusal is forgotten, so that an
        invitation again is shown again."""
        room = data.get("room") if isinstance(data, dict) else None
        if not isinstance(room, str):
            return
        self.private_rooms.removed(room)
        self.private_rooms.declined.discard(room)
        if room not in self._sender.rooms:
            self._kept.save()
            return
        self._sender.leave(room)  # nothing sent: the server took us out
        self._receiver.offsets.pop(room, None)
        self.presence.forget(room)
        self._watched.discard(room)
        self._kept.save()
        self.on_notice(RoomRemoved(room))
        self.on_room_removed(room)

    @property
    def says_rooms(self) -> bool:
        """Whether the server names each message's room (ours does, in meta)."""
        return self.info.ready.is_set()

    async def close(self) -> None:
        """Disconnect and stop retrying; safe to call more than once.

        The outbox keeps what was not through, and the channel store the rooms
        and offsets, for the next start.
        """
        if self._typing is not None:
            self._typing.reset()
        await self._connection.close()
        self.presence.close()
        self._kept.stop()
        await self._files.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # ---- hooks of the connection ------------------------------------------

    def _auth(self) -> dict[str, object] | None:
        """What the profile says goes in `auth`: nothing (a python-socketio server
        whose `connect(sid, environ)` takes no auth fails on any), its table,
        or what desktop-chat-server's extensions need."""
        if self.profile.auth == AUTH_NONE:
            return None
        if self.profile.auth == AUTH_TABLE:
            return self.profile.auth_payload(self.name, self.token or "")
        # presence: desktop-chat-server sends presence and typing notices only
        # to clients that ask (docs/protocol.md); others ignore the key.
        auth: dict[str, object] = {"name": self.name, "client": self.client_id, "presence": True}
        target = self._connection.target
        if self.credentials is not None and target is not None:
            # Never over plain http to another machine, like the token (tls.py).
            if not token_held_back(target.url, self.send_token_over_http):
                auth.update(self.credentials.auth())
            elif self._token_notice != target.key:
                self._token_notice = target.key
                self.on_notice(TokenHeldBack(target.url.url))
        elif self.token and target is not None:
            if not token_held_back(target.url, self.send_token_over_http):
                auth["token"] = self.token
            elif self._token_notice != target.key:
                self._token_notice = target.key
                self.on_notice(TokenHeldBack(target.url.url))
        since = self._receiver.since("")
        if since is not None:
            auth["offset"] = since
            if self._receiver.epoch:  # whose offset it is (docs/protocol.md)
                auth["epoch"] = self._receiver.epoch
        return auth

    def _starting(self) -> None:
        self.info.clear()
        self._echo.reset()
        if self._typing is not None:
            self._typing.reset()

    def _connected(self, sio: socketio.AsyncClient) -> None:
        profile = self._dialect.profile
        if not profile.extensions:
            # Nothing to wait for: what the server does is the profile's word.
            self.info.update({"acks": profile.acks is Acks.ALWAYS})
            self._events = False  # a profile has no place for message events
            self._files_known()
        if profile.login is None:
            self._sender.start(sio)
        else:
            self._spawn(self._login(sio))
        self._kept.every_while(lambda: self.status.state is ConnectionState.CONNECTED)

    async def _login(self, sio: socketio.AsyncClient) -> None:
        """Log in with my name before anything else goes out on this connection."""
        try:
            await sio.emit(
                self._dialect.profile.login.event,  # type: ignore[union-attr]
                self._dialect.login_args(self.name),
            )
        except socketio.exceptions.SocketIOError:
            log.info("login failed; the connection is ending", exc_info=True)
            return
        if self._connection.sio is sio:
            self._sender.start(sio)

    def _use(self, dialect: ProfileDialect) -> None:
        """Speak `dialect` from the next connection on, in every part."""
        self._dialect = dialect
        self._receiver.use_dialect(dialect)
        self._sender.use_dialect(dialect)
        self._echo.use_dialect(dialect)
        typing = dialect.profile.send_typing
        self._typing = (
            TypingNotifier(self._emit_typing, typing.start, typing.stop, typing.idle_ms / 1000)
            if typing
            else None
        )

    def _emit_typing(self, event: str) -> None:
        self.emit(event, ())

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.info("an emit failed: %s", task.exception())

    async def _over(self) -> None:
        await self._sender.stop(link_broke=self._connection.link_broke)
        self._echo.end()

    def _switched(self, target: ServerTarget) -> None:
        self._echo.end()  # what it held came from the old server
        self._events, self._unsupported_said = None, False
        self._files_said, self._files_max = None, 0
        self._files.switched()
        self._kept.save()  # the old server's, before its offsets are forgotten
        self._receiver.reset()
        kept = self._kept.load(target.key)
        self._receiver.restore(kept.offsets, kept.baseline, kept.epoch)
        self._receiver.kept_with_lines(self.offsets_kept(target.key))
        self._sender.add_rooms(kept.rooms)
        self.private_rooms.declined = set(kept.declined)
        for message in self._sender.switch_server(target.key):
            self.on_message(message)

    # ---- rooms and offsets on disk ------------------------------------------

    def _channels_now(self) -> tuple[str, Channels] | None:
        target = self._connection.target
        if target is None:
            return None
        rooms = list(self._sender.rooms)
        # Offsets of the channels we are in: a room a server sent something
        # in without our joining is not kept, nor joined again at the next
        # start (a server once had the app rejoin 1,000 such rooms, #22).
        joined = {"", *rooms}
        offsets = {ch: o for ch, o in self._receiver.offsets.items() if ch in joined}
        return target.key, Channels(
            rooms,
            offsets,
            self._receiver.baseline,
            self._receiver.epoch,
            set(self.private_rooms.declined),
        )

    def _handlers(self) -> dict[str, Callable[..., None]]:
        """The events of a new socket: the moment a newly chosen profile takes over."""
        if self._next is not None:
            self._use(self._next)
            self._next = None
        handlers: dict[str, Callable[..., None]] = {
            self._dialect.receive_event: self._receiver.receive,
        }
        if self._dialect.info_event:
            handlers[self._dialect.info_event] = self._server_info
            handlers.update(self.extensions.handlers())
            handlers["message-event"] = self._receiver.receive_change
            handlers["signed-out"] = self._signed_out
            handlers["room-removed"] = self._room_removed
            handlers["room-added"] = self._room_added
        if self._dialect.replay_done_event:
            handlers[self._dialect.replay_done_event] = self._receiver.replay_done
        for event, parse in self._dialect.presence_parsers().items():
            handlers[event] = lambda *args, parse=parse: self._presence_event(parse(args))
        return handlers

    def _reply_quoted(self, room: str) -> None:
        """A reply went as quoted text: the server cannot carry replies; say so once."""
        self._no_info()
        self._unsupported(room)

    def _no_info(self) -> None:
        """The server said nothing of itself (a tutorial server): no message events."""
        if self._events is None:
            self._events = False
            self._files_known()
            self.on_info()

    def _server_info(self, info: object = None) -> None:
        if isinstance(info, dict):
            self.info.update(info)
            self._events = info.get("events") is True
            self._files_known()
            epoch = info.get("epoch")
            if isinstance(epoch, str) and epoch and not self._receiver.store_is(epoch):
                self.on_notice(StoreStartedOver())
            first = self._receiver.baseline is None
            self._receiver.server_offset(self.info.offset)
            if first and self._receiver.baseline is not None:
                # Kept at once: killed before the first timed save, a restart
                # would otherwise be a stranger and miss what came meanwhile.
                self._kept.save()
            for room in self._watched:  # a reconnect fills the model again
                if room not in self._sender.rooms:  # a joined one: once rejoined (_joined)
                    self.extensions.request_participants(room)
            sio = self._connection.sio
            if info.get("accounts") is True and sio is not None:
                # The list at each sign-in; later additions come as `room-added`.
                self._spawn(self.private_rooms.refresh())
            else:
                self.private_rooms.clear()
            self.on_info()

    # ---- presence -------------------------------------------------------------

    def _status_changed(self, status: Status) -> None:
        if status.state is ConnectionState.CONNECTED:
            self._online.set()
        else:
            self._online.clear()
        self.presence.set_connected(status.state is ConnectionState.CONNECTED)
        self.on_status(status)

    def _presence_event(self, event: PresenceEvent) -> None:
        """Either source's event: into the model, and to the window for its lines."""
        self.presence.event(event)
        self.on_presence(event)

    def _received(self, message: Message) -> None:
        if message.kind is Kind.OTHER and self.presence.typing_anywhere():
            self.presence.spoke(message.room, message.sender)  # done typing it
        self.on_message(message)

    def _release(self, args: tuple[object, ...]) -> None:
        self._receiver.receive(*args)


# The most a message's opts add on the wire (a reply's id, the format): checked
# against the server's packet limit with the text.
_WORST_OPTS: dict[str, object] = {"reply_to": "0" * 64, "format": "markdown"}


def _reference(message: Message) -> dict[str, str]:
    """How the server knows a line: by its id, or (ours, before the server
    said its id) by the id we sent it with (docs/protocol.md)."""
    if message.kind is Kind.OWN:
        if message.server_id:
            return {"target": message.server_id}
        return {"target_own": message.id}
    return {"target": message.id}
