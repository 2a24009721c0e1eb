"""Presence with two real windows on two server processes that share one
Redis (issue #23, item 5): the window on one process lists the person on
the other among the conversation's participants, says that they joined,
shows them typing, and says that they left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.scale.cluster import ServerProcess
from tests.ui.conftest import open_window, wait_connected  # noqa: F401
from tests.ui.test_presence import in_room, join

Start = Callable[..., list[ServerProcess]]


def test_the_participants_of_a_window_on_one_process_include_someone_on_the_other(
    qtbot: Any,
    open_window: Any,  # noqa: F811
    servers: Start,
) -> None:
    first, second = servers(2)
    alice = open_window(first.url, "alice")
    wait_connected(qtbot, alice)
    qtbot.waitUntil(lambda: alice.client.has_presence)
    join(qtbot, alice, "garden")
    bob = open_window(second.url, "bob")
    wait_connected(qtbot, bob)
    join(qtbot, bob, "garden")
    qtbot.waitUntil(lambda: "bob joined" in in_room(alice, "garden"), timeout=10_000)
    participants = alice.window.sidebar.participants
    alice.window.select_room("garden")
    qtbot.waitUntil(
        lambda: [n for n, _w in participants.members()] == ["alice", "bob"], timeout=10_000
    )
    assert alice.window.presence.count.text() == "2 participants"

    bob.window.select_room("garden")
    bob.window.message_input.setPlainText("typing…")  # a keystroke
    qtbot.waitUntil(lambda: alice.window.presence.typing.text() == "bob is typing…", timeout=10_000)

    bob.window.select_room("garden")
    bob.window.leave_button.click()
    qtbot.waitUntil(lambda: "bob left" in in_room(alice, "garden"), timeout=10_000)
    qtbot.waitUntil(lambda: [n for n, _w in participants.members()] == ["alice"], timeout=10_000)
