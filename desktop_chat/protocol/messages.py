"""The records the core hands to whoever shows them.

They are plain dataclasses so that the client, the Qt model and a future
history store share one shape. A message is created once and never changed
after it is handed on: a change of its delivery state travels as a
`DeliveryUpdate`, which whoever shows it applies to its own copy. (Not
frozen: a frozen dataclass costs twice as much to build, and a flood builds
one per message.)
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field, replace
from enum import Enum

# Message ids: 128 random bits each, drawn from the OS in batches. Ids are
# seen by other people (`meta.id`, the server's duplicate check of
# `opts.id`), so none may tell the next: a per-process prefix plus a counter
# let anyone who saw one id send ahead with the next ones. One os.urandom
# call per 256 ids keeps it about as cheap as that counter was (uuid4 reads
# the OS for every id, which was a tenth of what a flood cost the window).
_IDS_PER_BATCH = 256
_ID_BYTES = 16
_pool: list[str] = []


def _refill() -> None:
    raw = os.urandom(_IDS_PER_BATCH * _ID_BYTES).hex()
    step = 2 * _ID_BYTES
    _pool.extend([raw[i : i + step] for i in range(0, len(raw), step)])


# A forked child must not hand out the ids its parent still holds.
os.register_at_fork(after_in_child=_pool.clear)


def new_id() -> str:
    """A fresh, unguessable 32-hex-digit message id."""
    try:
        return _pool.pop()
    except IndexError:
        _refill()
        return _pool.pop()


class DeliveryState(Enum):
    """Where one of our own messages is on its way to the others."""

    PENDING = "pending"  # stored, not yet handed to a connected transport
    SENT = "sent"  # emitted on a connected transport
    DELIVERED = "delivered"  # the server acknowledged it
    FAILED = "failed"  # the server refused it; the user may retry or discard it
    DISCARDED = "discarded"  # failed, and the user chose not to send it


class Kind(Enum):
    OWN = "own"
    OTHER = "other"
    SYSTEM = "system"


@dataclass(slots=True)
class Message:
    """One line in a conversation.

    `room` is "" for the no-room channel (everyone connected), as the
    tutorial's `send-message` uses it.
    """

    text: str
    kind: Kind
    room: str = ""
    sender: str = ""
    ts: float = field(default_factory=time.time)
    id: str = field(default_factory=new_id)
    state: DeliveryState | None = None
    error: str = ""
    # The connection (socket id) a message from someone else came from, when
    # the server says (meta.from.sid): names are not unique, this tells them apart.
    sender_sid: str = ""
    # Living messages (docs/protocol.md, "Message events"). Ids here are the
    # ids *this window* knows lines by: for our own lines the id they were
    # sent with, for others' the server's.
    reply_to: str = ""  # the id of the line this one answers ("" for none)
    formatted: bool = False  # the sender marked it as Markdown (the CommonMark subset)
    edited_at: float = 0.0  # when it was last edited (0: never)
    deleted: bool = False  # taken back by its sender: `text` is "" then
    # emoji -> the names of who reacted with it, in the order they did (None: none yet)
    reactions: dict[str, list[str]] | None = None
    reacted: tuple[str, ...] = ()  # the emoji this window's user reacted with
    server_id: str = ""  # our own lines: the server's id, from its ack
    # A file this line carries (docs/protocol.md, "Files"); its text is the caption.
    attachment: Attachment | None = None
    # Others' lines from our server: its offset, which the local history keeps
    # per conversation with the lines themselves, so that a restart catches
    # up from what was kept (issue #22). 0: none said.
    offset: int = 0


# Image types a thumbnail is shown for and the viewer opens (decoded by Qt,
# on a worker thread, with limits: ui/images.py). Anything else is a file.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
_HEX = frozenset("0123456789abcdef")


def _file_id(value: object) -> str:
    """A server file id (32 lower-case hex digits), or "" for anything else."""
    if isinstance(value, str) and len(value) == 32 and set(value) <= _HEX:
        return value
    return ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored file a message refers to: the server's own record of it
    (`meta.attachment`), never the sender's claims. Receivers show `name`
    as plain text and make it safe before saving (protocol/safe_names.py)."""

    file: str  # the server's id ("" while our own file is not uploaded yet)
    name: str
    size: int
    type: str = "application/octet-stream"
    sha256: str = ""
    thumbnail: str = ""  # the server's id of a thumbnail of at most 64 KB ("" none)

    @property
    def is_image(self) -> bool:
        return self.type in IMAGE_TYPES

    def to_wire(self) -> dict[str, object]:
        """`send-message` opts.attachment (docs/protocol.md, "Attaching")."""
        wire: dict[str, object] = {
            "file": self.file,
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "type": self.type,
        }
        if self.thumbnail:
            wire["thumbnail"] = self.thumbnail
        return wire

    @classmethod
    def from_wire(cls, data: object) -> Attachment | None:
        """The attachment a server relayed, or None when it is not one
        (a hostile or broken server's meta is dropped, not shown half)."""
        if not isinstance(data, dict):
            return None
        file = _file_id(data.get("file"))
        name, size = data.get("name"), data.get("size")
        sha, kind = data.get("sha256", ""), data.get("type") or "application/octet-stream"
        if (
            not file
            or not isinstance(name, str)
            or not name
            or len(name) > 255
            or not isinstance(size, int)
            or isinstance(size, bool)
            or size < 0
            or not isinstance(sha, str)
            or not isinstance(kind, str)
            or len(kind) > 255
        ):
            return None
        sha = sha.lower()
        if sha and (len(sha) != 64 or not set(sha) <= _HEX):
            return None
        return cls(file, name, size, kind, sha, _file_id(data.get("thumbnail")))

    @classmethod
    def from_kept(cls, data: object) -> Attachment | None:
        """As this client keeps it (`to_wire`, in its history): our own line's
        file may have no server id yet ("")."""
        if isinstance(data, dict) and data.get("file") == "":
            kept = cls.from_wire({**data, "file": "0" * 32})
            return None if kept is None else replace(kept, file="")
        return cls.from_wire(data)


class TransferState(Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class TransferUpdate:
    """How far a file of a line has gone up (our own, before its message is
    sent) or down (a download the user asked for). `id` is the line's id
    as this window knows it. `code` is the server's or the client's code
    of a failure (transfers.py), for the window to word; `path` is where a
    finished download was saved."""

    id: str
    upload: bool
    done: int
    total: int
    state: TransferState = TransferState.RUNNING
    code: str = ""
    detail: str = ""  # the server's own words, shown after the window's
    path: str = ""


@dataclass(frozen=True, slots=True)
class DeliveryUpdate:
    """One of our own messages moved to another delivery state."""

    id: str
    state: DeliveryState
    error: str = ""
    server_id: str = ""  # DELIVERED by a server that acks: its id of the message
    # DELIVERED, a file's line of ours: the file as the server stored it (the
    # line was shown with no server ids), kept by the history for later runs.
    attachment: Attachment | None = None


# What living messages add to a line, by field name: kept by the local
# history (as JSON) and the model's archive (as a tuple) alike.
LIVING_FIELDS = (
    "reply_to",
    "formatted",
    "edited_at",
    "deleted",
    "reactions",
    "reacted",
    "server_id",
    "attachment",
)


def lives(message: Message) -> bool:
    """Whether a line has anything of living messages (most have not: a
    flood's lines are kept and archived without any of it)."""
    return bool(
        message.reply_to
        or message.formatted
        or message.edited_at
        or message.deleted
        or message.reactions
        or message.server_id
        or message.attachment
    )


def first_line(text: str, most: int) -> str:
    """The first line of a text, cut at `most` characters ("…"): what a reply
    quotes of the line it answers."""
    first = text.split("\n", 1)[0]
    return first if len(first) <= most else first[: most - 1] + "…"


class ChangeType(Enum):
    EDIT = "edit"
    DELETE = "delete"
    REACT = "react"


@dataclass(slots=True)
class Change:
    """An edit, a deletion or a reaction: an event in the room's ordered log
    (docs/protocol.md, "Message events"), applied to the line it targets by
    whoever shows or keeps it.

    `target` is the id this window knows the line by (our own lines: the id
    they were sent with; others': the server's), so that the model, the
    history and the automation match it as they match delivery updates; a
    line of ours may also be found by its `server_id` when an event about it
    comes from elsewhere (another window reacting to it).
    """

    type: ChangeType
    target: str
    room: str = ""
    text: str = ""  # EDIT: the new text
    formatted: bool = False  # EDIT: the new text is Markdown
    emoji: str = ""  # REACT
    on: bool = True  # REACT: added (False: taken back)
    # REACT: who has this emoji on the line now, in the order they reacted, as
    # the server says (None: not said; the window toggles `sender` itself).
    reactors: tuple[str, ...] | None = None
    sender: str = ""  # who made the change (a name, shown to nobody but in reactions)
    ts: float = field(default_factory=time.time)
    id: str = field(default_factory=new_id)  # the event's own id
    mine: bool = False  # made by this window's user


def apply_change(message: Message, change: Change) -> Message:
    """The line as it is after `change`: a new record (records are never
    changed in place once handed on, see the module)."""
    if change.type is ChangeType.DELETE:
        # A deleted line's file is deleted by the server too: nothing of it stays.
        return replace(
            message,
            text="",
            deleted=True,
            reactions=None,
            reacted=(),
            formatted=False,
            attachment=None,
        )
    if message.deleted:
        return message  # a late edit or reaction of a line that is gone
    if change.type is ChangeType.EDIT:
        return replace(message, text=change.text, formatted=change.formatted, edited_at=change.ts)
    reactions = {k: list(v) for k, v in (message.reactions or {}).items()}
    names = reactions.get(change.emoji, [])
    if change.reactors is not None:
        names = list(change.reactors)
    elif change.on and change.sender not in names:
        names.append(change.sender)
    elif not change.on and change.sender in names:
        names.remove(change.sender)
    if names:
        reactions[change.emoji] = names
    else:
        reactions.pop(change.emoji, None)
    reacted = message.reacted
    if change.mine:
        reacted = tuple(e for e in reacted if e != change.emoji) + (
            (change.emoji,) if change.on else ()
        )
    return replace(message, reactions=reactions or None, reacted=reacted)


def received_change(payload: object, now: float | None = None) -> Change | None:
    """A `message-event` from desktop-chat-server, or None for anything malformed."""
    if not isinstance(payload, dict):
        return None
    try:
        kind = ChangeType(payload.get("type"))
    except ValueError:
        return None
    target = payload.get("target")
    if not isinstance(target, str) or not target or len(target) > 128:
        return None
    change = Change(
        type=kind,
        target=target,
        room=_str_field(payload, "room"),
        sender=_str_field(payload.get("from"), "name"),
        ts=_finite_time(payload.get("ts"), now),
    )
    event_id = payload.get("id")
    if isinstance(event_id, str) and event_id:
        change.id = event_id
    if kind is ChangeType.EDIT:
        text = payload.get("text")
        if not isinstance(text, str):
            return None
        change.text = text
        change.formatted = payload.get("format") == "markdown"
    elif kind is ChangeType.REACT:
        emoji = payload.get("emoji")
        if not isinstance(emoji, str) or not emoji or len(emoji) > 32:
            return None
        change.emoji = emoji
        change.on = payload.get("on") is not False
        reactors = payload.get("reactors")
        if isinstance(reactors, list):
            change.reactors = tuple(str(name) for name in reactors[:10_000])
    return change


def quoted_line(message: Message, most: int = 80) -> str:
    """The answered line as a reply quotes it where a server cannot carry
    replies: "> sender: its first line" (cut at `most` characters)."""
    first = first_line(message.text, most)
    return f"> {message.sender}: {first}" if message.sender else f"> {first}"


def own_message(text: str, room: str, sender: str) -> Message:
    return Message(text=text, kind=Kind.OWN, room=room, sender=sender, state=DeliveryState.PENDING)


def system_message(text: str, room: str = "") -> Message:
    return Message(text=text, kind=Kind.SYSTEM, room=room)


def payload_text(payload: object) -> str:
    """The plain-text form of whatever a server sent as a message.

    Servers are not ours to trust: a non-string is shown as its JSON text
    (or a short description for binary), never interpreted.
    """
    if isinstance(payload, str):
        return payload
    if isinstance(payload, bytes | bytearray | memoryview):
        return f"<binary data, {len(bytes(payload))} bytes>"
    try:
        return json.dumps(payload, ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):
        return repr(payload)


def _str_field(mapping: object, key: str) -> str:
    if isinstance(mapping, dict):
        value = mapping.get(key)
        if isinstance(value, str):
            return value
    return ""


def _finite_time(value: object, now: float | None) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        ts = float(value)
        if math.isfinite(ts) and 0 <= ts < 1e11:
            return ts
    return now if now is not None else time.time()


def received_message(args: tuple[object, ...], now: float | None = None) -> Message:
    """Build a message from the arguments of a `receive-message` event.

    A tutorial server sends the message alone; ours adds a `meta` dict
    (docs/protocol.md). Anything missing or of the wrong type is left empty.
    """
    if len(args) == 1 and type(args[0]) is str:  # a tutorial server: the text alone
        return Message(text=args[0], kind=Kind.OTHER, ts=time.time() if now is None else now)
    payload = args[0] if args else None
    meta = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    sender = _str_field(meta.get("from"), "name")
    ts = meta.get("ts")
    message = Message(
        text=payload_text(payload),
        kind=Kind.OTHER,
        room=_str_field(meta, "room"),
        sender=sender,
        ts=_finite_time(ts, now),
        # The sender marked it as Markdown (docs/protocol.md); shown formatted,
        # never as HTML (protocol/markup.py).
        formatted=meta.get("format") == "markdown",
    )
    server_id = _str_field(meta, "id")
    if server_id:
        message.id = server_id
    reply_to = _str_field(meta, "reply_to")
    if reply_to and len(reply_to) <= 128:
        message.reply_to = reply_to
    if meta.get("format") == "markdown":
        message.formatted = True
    attachment = meta.get("attachment")
    if attachment is not None:  # the one look a line without a file costs
        message.attachment = Attachment.from_wire(attachment)
    return message


# Characters that would change how the text around them is drawn: C0/C1
# controls (other than newline and tab) and the bidi embeddings, overrides
# and isolates that can make "gpj.exe" read as "exe.jpg".
_BIDI_CONTROLS = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture" of it
    if code == 0x7F:
        return "\u2421"
    if 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000:
        return "\ufffd"  # C1 controls and lone surrogates
    return f"[U+{code:04X}]"


_DISPLAY_TABLE = {
    code: _visible(chr(code))
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS]
    if chr(code) not in "\n\t"
}


def display_text(text: str) -> str:
    """The text as it is drawn: every character a reader can see, none that
    reorders or hides its neighbours. (The message itself stays as sent.)"""
    shown = text.translate(_DISPLAY_TABLE)
    try:
        shown.encode("utf-8")
    except UnicodeEncodeError:
        shown = "".join("\ufffd" if 0xD800 <= ord(ch) < 0xE000 else ch for ch in shown)
    return shown
