"""When a message deserves a desktop notification, and how bursts collapse.

Qt-free on purpose: the window (and, once conversations exist, the
conversation list) feeds these plain values, and tests check the rules
without a display.

Replayed history. A server replays what was said while we were away (at
start and after a reconnect) before it says `replay-done`. The rule used
here does not depend on catching that event in the right order: a message
whose own timestamp is older than the moment the connection came up, less
`CLOCK_SLACK` for clocks that disagree, was written before we were
there to see it, so it is history, whatever order it arrives in. A
tutorial server sends no timestamp: the client stamps such messages on
arrival, so they always count as live (tutorial servers replay nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_chat.protocol.messages import Kind, Message

CLOCK_SLACK = 5.0  # seconds a server's clock may run behind ours


def conversation_of(message: Message) -> str:
    """The conversation a message belongs to: its room, "" for everyone."""
    return message.room


def is_replayed(message: Message, connected_since: float | None) -> bool:
    """Whether a message was written before this connection came up (history)."""
    if connected_since is None:
        return True  # not connected yet: only history can arrive
    return message.ts < connected_since - CLOCK_SLACK


def should_notify(
    message: Message,
    window_active: bool,
    shown_conversation: str | None,
    muted: bool,
    dnd: bool,
    replaying: bool,
    mentioned: bool = False,
) -> bool:
    """Whether `message` raises a desktop notification.

    `shown_conversation` is the conversation on screen (None when the
    window shows all of them in one list, as today); `muted` whether the
    message's conversation is muted; `dnd` do-not-disturb (or notifications
    turned off); `replaying` whether the message is history (`is_replayed`).
    Nothing for our own messages or the app's system lines; nothing for a
    conversation the user is looking at in the active window. `mentioned`:
    the message mentions the user (`@name`), which notifies even in a muted
    conversation; do-not-disturb still silences it.
    """
    if message.kind is not Kind.OTHER or dnd or replaying or (muted and not mentioned):
        return False
    if not window_active:
        return True
    return shown_conversation is not None and shown_conversation != conversation_of(message)


@dataclass(slots=True)
class _Burst:
    count: int = 0  # messages since the user last looked
    sent: int = 0  # the count the newest request to the daemon said
    notification_id: int = 0  # the daemon's id, 0 until it answered
    in_flight: bool = False  # a request is on its way: wait for its id


@dataclass(slots=True)
class Bursts:
    """Messages per conversation since the user last looked: one notification
    each, replaced (`replaces_id`) as more arrive, forgotten when the user
    looks at the conversation or the daemon closes the notification.

    One request per conversation is on its way at a time: a message that
    arrives meanwhile waits for the daemon's id, so that the next request
    replaces the notification instead of adding a second one.
    """

    _bursts: dict[str, _Burst] = field(default_factory=dict)

    def add(self, conversation: str) -> tuple[int, int] | None:
        """Count one more message; (count, id to replace or 0) to send now,
        or None while a request for this conversation is on its way."""
        burst = self._bursts.setdefault(conversation, _Burst())
        burst.count += 1
        if burst.in_flight:
            return None
        burst.in_flight, burst.sent = True, burst.count
        return burst.count, burst.notification_id

    def shown(self, conversation: str, notification_id: int) -> tuple[int, int] | None:
        """The daemon answered with its id (0: it failed); returns (count, id)
        to send again when more messages came while it was on its way."""
        burst = self._bursts.get(conversation)
        if burst is None:
            return None
        burst.notification_id, burst.in_flight = notification_id, False
        if burst.count > burst.sent:
            burst.in_flight, burst.sent = True, burst.count
            return burst.count, notification_id
        return None

    def conversation_for(self, notification_id: int) -> str | None:
        for conversation, burst in self._bursts.items():
            if notification_id and burst.notification_id == notification_id:
                return conversation
        return None

    def closed(self, notification_id: int) -> None:
        conversation = self.conversation_for(notification_id)
        if conversation is not None and not self._bursts[conversation].in_flight:
            del self._bursts[conversation]

    def seen(self, conversation: str | None = None) -> list[int]:
        """The user looked (at one conversation, or at all with None): forget
        those bursts; returns the notification ids that may be closed."""
        keys = list(self._bursts) if conversation is None else [conversation]
        ids = []
        for key in keys:
            burst = self._bursts.pop(key, None)
            if burst is not None and burst.notification_id:
                ids.append(burst.notification_id)
        return ids

    def total(self) -> int:
        return sum(b.count for b in self._bursts.values())
