"""How the client speaks to a server: event names and argument shapes.

Everything the client puts on the wire or reads from it goes through one
`Dialect`, so that a server with other event names (another chat's
protocol) is a new dialect, not a change to the connection or delivery
code. `TutorialDialect` is the tutorial's protocol with our extensions
(docs/protocol.md), which the tutorial's servers ignore.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from desktop_chat.protocol.messages import Message, received_message


def is_offset(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(slots=True)
class Inbound:
    """A received chat message with what the server said about it, if anything."""

    message: Message
    has_meta: bool = False  # the server sent our extension's `meta` (ids, offsets, sender)
    sender_sid: str = ""
    message_id: str = ""
    offset: int | None = None


class TutorialDialect:
    """`send-message(text, room, opts)`, `join-room(room[, opts], ack)`,
    `receive-message(text[, meta])`, and `server-info` from our server."""

    send_event = "send-message"
    join_event = "join-room"
    leave_event = "leave-room"
    receive_event = "receive-message"
    info_event = "server-info"
    replay_done_event = "replay-done"

    @staticmethod
    def send_args(message: Message) -> tuple[object, ...]:
        # Always two arguments (the tutorial tests `room === ""`), then our
        # optional `opts`; a tutorial server ignores the extra.
        return (message.text, message.room, {"id": message.id})

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
