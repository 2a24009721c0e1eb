"""Messages that live: replies, edits, deletions and reactions (docs/protocol.md,
"Message events").

An edit, a deletion or a reaction is not a change made to a message in
place: it is an event of the room's ordered log, stored under the next
offset like a message (server/history.py, server/redis_store.py), relayed
live in that order and replayed in it. That is what keeps catch-up, several
server processes and the clients' local histories agreeing: whoever applies
the log in offset order ends with the same state, whichever process they
reached and whenever they came back.

`message-event(ev, ack)` takes `{"type": "edit"|"delete"|"react", "target":
ID | "target_own": CID, "id": EID, ...}`. `id` is the sender's own id for the
event, in the same namespace as its messages' `opts.id`: a resend is acked
with the first one's fields and not applied twice (a react is a toggle, so
applying it twice would take it back). `target_own` names the sender's own
message by its `opts.id`, for a client that has not yet had the server's id.

The rules are checked here, in this order, each refused with an error ack
`{"error", "code"}` through the server's `_refuse` (which counts violations):
the event is well formed (`bad-request`, `too-long`, `bad-emoji`), the sender
has a token left in the same bucket as its messages (`rate`), the target is
kept and not deleted (`no-such-message`), the sender is in its room
(`not-in-room`), and only its sender edits or deletes it (`not-yours`,
`may_change`). What must hold at the moment of storing (not deleted
meanwhile, at most MAX_REACTIONS emoji of one person on one message) the
store checks again atomically (`Refused`), since on Redis another process
may store an event of the same message at the same time.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_chat.protocol.messages import new_id
from desktop_chat.server.defaults import MAX_ID_CHARS
from desktop_chat.server.history import DELETE, EDIT, MESSAGE, REACT, Refused, Stored, Target
from desktop_chat.server.peers import Peer
from desktop_chat.server.store import Store, StoreUnavailable

if TYPE_CHECKING:
    from desktop_chat.server.chat_server import ChatServer

log = logging.getLogger(__name__)

# What server-info says (a client sends message-event only to a server that says so).
EXTENSIONS = {"events": True}
MARKDOWN = "markdown"
MAX_REPLY_CHARS = 64  # a server id is 32; room for other servers' ids
MAX_EMOJI_CHARS = 32  # code points: a family or a flag with its modifiers fits
MAX_EMOJI_BYTES = 64
# Characters that reorder text around them (Trojan Source): never part of an emoji.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Controls, surrogates, separators and unassigned code points; format
# characters (Cf) stay allowed, since the zero-width joiner builds emoji.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
KINDS = (EDIT, DELETE, REACT)


class BadRequest(Exception):
    """Options or an event that are not what the protocol says, in words."""


@dataclass(frozen=True, slots=True)
class Request:
    """A well-formed `message-event`, before its target is looked up."""

    kind: str
    client_id: str
    target: str  # the server id, or "" when target_own is given
    target_own: str  # the sender's opts.id of its message
    text: str = ""
    format: str = ""
    emoji: str = ""


def may_change(peer: Peer, target: Target) -> bool:
    """Whether `peer` may edit or delete `target`: its sender only, known by
    its client key. The one place where accounts will plug in."""
    return target.sender_client == peer.client


def _id(value: object, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


async def reply_to(store: Store, peer: Peer, opts: Mapping[object, object]) -> str:
    """The server id a message answers, from send-message's opts ("" for none).

    `reply_to` is taken as given (the answered message may have been deleted
    or trimmed since); `reply_to_own` is the sender's own opts.id of an
    earlier message, resolved to that message's server id, or dropped when
    it names none.
    """
    if "reply_to" in opts:
        given = _id(opts["reply_to"], MAX_REPLY_CHARS)
        if given is None:
            raise BadRequest(f"reply_to is a message id of at most {MAX_REPLY_CHARS} characters")
        return given
    if "reply_to_own" in opts:
        own = _id(opts["reply_to_own"], MAX_ID_CHARS)
        if own is None:
            raise BadRequest(f"reply_to_own is an id of at most {MAX_ID_CHARS} characters")
        found = await store.sent(peer.client, own)
        return found.id if found is not None and found.kind == MESSAGE else ""
    return ""


def emoji_problem(emoji: object) -> str | None:
    """Why `emoji` cannot be a reaction, or None when it can."""
    if not isinstance(emoji, str) or not emoji:
        return "an emoji is a non-empty string"
    if len(emoji) > MAX_EMOJI_CHARS:
        return f"an emoji is at most {MAX_EMOJI_CHARS} characters"
    try:
        size = len(emoji.encode("utf-8"))
    except UnicodeEncodeError:
        return "an emoji has no lone surrogates"
    if size > MAX_EMOJI_BYTES:
        return f"an emoji is at most {MAX_EMOJI_BYTES} bytes"
    for char in emoji:
        if char in BIDI or char.isspace() or unicodedata.category(char) in FORBIDDEN_CATEGORIES:
            return f"an emoji holds no spaces, controls or direction marks (U+{ord(char):04X})"
    return None


def parse(ev: object, max_message_bytes: int) -> Request:
    """The event as a Request; raises Refused with the first thing wrong with it."""
    if not isinstance(ev, dict):
        raise Refused("bad-request", "message-event takes an object")
    kind = ev.get("type")
    if kind not in KINDS:
        raise Refused("bad-request", "type is edit, delete or react")
    client_id = _id(ev.get("id"), MAX_ID_CHARS)
    if client_id is None:
        raise Refused("bad-request", f"id is a string of 1 to {MAX_ID_CHARS} characters")
    target = ev.get("target")
    own = ev.get("target_own")
    if (target is None) == (own is None):
        raise Refused("bad-request", "give one of target and target_own")
    if target is not None and _id(target, MAX_REPLY_CHARS) is None:
        raise Refused("bad-request", f"target is a message id of at most {MAX_REPLY_CHARS}")
    if own is not None and _id(own, MAX_ID_CHARS) is None:
        raise Refused("bad-request", f"target_own is an id of at most {MAX_ID_CHARS}")
    request = Request(str(kind), client_id, str(target or ""), str(own or ""))
    if kind == EDIT:
        text = ev.get("text")
        if not isinstance(text, str) or not text.strip():
            raise Refused("bad-request", "an edit's text is a non-empty string")
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_message_bytes:
            raise Refused(
                "too-long", f"the text is {size} bytes; this server takes at most "
                f"{max_message_bytes} bytes",
            )  # fmt: skip
        fmt = MARKDOWN if ev.get("format") == MARKDOWN else ""
        return Request(request.kind, client_id, request.target, request.target_own, text, fmt)
    if kind == REACT:
        problem = emoji_problem(ev.get("emoji"))
        if problem is not None:
            raise Refused("bad-emoji", problem)
        emoji = str(ev["emoji"])
        return Request(request.kind, client_id, request.target, request.target_own, emoji=emoji)
    return request


async def _resolve(store: Store, peer: Peer, request: Request) -> Target:
    """The event's target, checked against the rules that need the store."""
    target_id = request.target
    if request.target_own:
        own = await store.sent(peer.client, request.target_own)
        if own is None or own.kind != MESSAGE:
            raise Refused("no-such-message", "you sent no message with that id")
        target_id = own.id
    target = await store.target(target_id)
    if target is None or target.deleted:
        raise Refused("no-such-message", "that message is not there (deleted or unknown)")
    if target.room and target.room not in peer.rooms:
        raise Refused("not-in-room", "join the message's room first")
    if request.kind in (EDIT, DELETE) and not may_change(peer, target):
        raise Refused("not-yours", f"only its sender may {request.kind} a message")
    return target


async def apply(server: ChatServer, sid: str, peer: Peer, request: Request) -> dict[str, object]:
    """Store the event (once per sender's id) and relay it; its ack."""
    store = server.store
    first = await store.sent(peer.client, request.client_id)
    if first is not None:
        return first.ack()  # a resend: applied once, acked as the first time
    target = await _resolve(store, peer, request)
    event = Stored(
        0, new_id(), target.room, peer.client, peer.name, request.text, 0.0,
        kind=request.kind, target=target.id, format=request.format, emoji=request.emoji,
    )  # fmt: skip
    if server.bus is None:
        async with server._lock:
            added = await store.add_event(request.client_id, event, sid)
            if added.new:
                await server._deliver(added.stored, sid)
    else:  # relayed by the stream reader, as messages are
        added = await store.add_event(request.client_id, event, sid)
    if request.kind == DELETE and added.new and server.files is not None:
        await server.files.released(target.id)  # its files go, unless others refer to them
    return added.stored.ack()


def install(server: ChatServer) -> None:
    async def on_message_event(sid: str, *args: object) -> object:
        peer = server._peers.get(sid)
        if peer is None:
            return {"error": "not connected", "code": "bad-request"}
        try:
            request = parse(args[0] if args else None, server.max_message_bytes)
            if not await server.send_meters.take(peer.payer):
                raise Refused("rate", f"slow down: at most {server.limits.rate:g} a second")
            return await apply(server, sid, peer, request)
        except Refused as exc:
            answer: dict[str, object] = dict(
                await server._refuse(sid, f"message-event: {exc.words}")
            )
            answer["code"] = exc.code
            return answer
        except StoreUnavailable as exc:
            log.warning("refused an event from %s: store unavailable (%s)", sid, exc)
            return {"error": "the server's store is unavailable; try again", "code": "unavailable"}

    server.sio.on("message-event", on_message_event)
