"""When a message notifies, and how bursts collapse (no Qt)."""

from __future__ import annotations

import pytest

from desktop_chat.protocol.messages import Kind, Message, system_message
from desktop_chat.ui.notify_policy import CLOCK_SLACK, Bursts, is_replayed, should_notify

NOW = 1_800_000_000.0


def other(room: str = "garden", ts: float = NOW) -> Message:
    return Message(text="hi", kind=Kind.OTHER, room=room, sender="지민", ts=ts)


@pytest.mark.parametrize(
    ("active", "shown", "muted", "dnd", "replaying", "expected"),
    [
        (False, None, False, False, False, True),  # away: notify
        (True, None, False, False, False, False),  # looking at the one list
        (True, "garden", False, False, False, False),  # looking at this conversation
        (True, "lunch", False, False, False, True),  # looking at another one
        (False, None, True, False, False, False),  # muted
        (False, None, False, True, False, False),  # do not disturb
        (False, None, False, False, True, False),  # history
    ],
)
def test_should_notify(
    active: bool, shown: str | None, muted: bool, dnd: bool, replaying: bool, expected: bool
) -> None:
    assert should_notify(other(), active, shown, muted, dnd, replaying) is expected


def test_never_for_own_messages_or_system_lines() -> None:
    own = Message(text="mine", kind=Kind.OWN, room="garden")
    for message in (own, system_message("Joined garden")):
        assert not should_notify(message, False, None, False, False, False)


def test_replayed_is_what_was_written_before_the_connection() -> None:
    assert is_replayed(other(ts=NOW - 60), connected_since=NOW)
    assert not is_replayed(other(ts=NOW - CLOCK_SLACK + 1), connected_since=NOW)
    assert not is_replayed(other(ts=NOW + 5), connected_since=NOW)
    assert is_replayed(other(ts=NOW), connected_since=None)


def test_a_burst_is_one_notification_replaced_in_place() -> None:
    bursts = Bursts()
    assert bursts.add("garden") == (1, 0)  # first: a new notification
    assert bursts.add("garden") is None  # its id is not known yet: wait
    assert bursts.add("lunch") == (1, 0)  # another conversation, its own
    assert bursts.shown("garden", 7) == (2, 7)  # the waiting one replaces it
    assert bursts.shown("garden", 7) is None
    assert bursts.add("garden") == (3, 7)
    assert bursts.conversation_for(7) == "garden"
    assert bursts.shown("garden", 7) is None
    bursts.closed(7)  # dismissed in the daemon: start again
    assert bursts.add("garden") == (1, 0)


def test_seeing_the_window_forgets_every_burst() -> None:
    bursts = Bursts()
    bursts.add("garden")
    bursts.shown("garden", 3)
    bursts.add("lunch")
    assert bursts.total() == 2
    assert bursts.seen() == [3]
    assert bursts.total() == 0 and bursts.conversation_for(3) is None


def test_a_failed_request_is_sent_again_as_new() -> None:
    bursts = Bursts()
    bursts.add("garden")
    bursts.add("garden")
    assert bursts.shown("garden", 0) == (2, 0)


def test_a_mention_notifies_in_a_muted_conversation_but_not_in_do_not_disturb() -> None:
    assert should_notify(other(), False, None, True, False, False, mentioned=True)
    assert not should_notify(other(), False, None, True, True, False, mentioned=True)
    assert not should_notify(other(), False, None, True, False, True, mentioned=True)  # history
    # Looked at in the active window: seen, mention or not.
    assert not should_notify(other(), True, "garden", True, False, False, mentioned=True)
