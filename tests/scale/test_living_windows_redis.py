"""Messages that live with two real windows on two server processes that
share one Redis: a reply, an edit, a reaction and a deletion made in the
window on one process are seen in the window on the other, live and after
that window was away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_chat.protocol.messages import DeliveryState, Kind
from tests.scale.cluster import ServerProcess
from tests.ui.conftest import open_window, type_and_send, wait_connected  # noqa: F401
from tests.ui.test_living_messages import by_id, line, react_to_lines_written_offline

Start = Callable[..., list[ServerProcess]]


def test_changes_cross_processes_live_and_after_being_away(
    qtbot: Any,
    open_window: Any,  # noqa: F811
    servers: Start,
) -> None:
    first, second = servers(2)
    alice, bob = open_window(first.url, "alice"), open_window(second.url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        qtbot.waitUntil(lambda s=s: s.client.has_changes, timeout=5000)
    type_and_send(qtbot, alice, "deploy at five")
    qtbot.waitUntil(lambda: line(bob, "deploy at five") is not None, timeout=10_000)
    mine, theirs = line(alice, "deploy at five"), line(bob, "deploy at five")
    assert mine is not None and theirs is not None
    qtbot.waitUntil(lambda: by_id(alice, mine.id).state is DeliveryState.DELIVERED)  # type: ignore[union-attr]

    bob.window.lines.start_reply(theirs)
    type_and_send(qtbot, bob, "ok")
    qtbot.waitUntil(lambda: line(alice, "ok") is not None, timeout=10_000)
    reply = line(alice, "ok")
    assert reply is not None and by_id(alice, reply.reply_to).id == mine.id  # type: ignore[union-attr]

    alice.bridge.edit(by_id(alice, mine.id), "deploy at six")  # type: ignore[arg-type]
    bob.bridge.react(theirs, "👀")
    qtbot.waitUntil(lambda: by_id(bob, theirs.id).text == "deploy at six", timeout=10_000)  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: (by_id(alice, mine.id).reactions or {}) == {"👀": ["bob"]},  # type: ignore[union-attr]
        timeout=10_000,
    )

    bob.window.offline_button.click()
    qtbot.waitUntil(lambda: bob.client.offline)
    alice.bridge.react(by_id(alice, mine.id), "👀")  # type: ignore[arg-type]
    alice.bridge.delete(by_id(alice, mine.id))  # type: ignore[arg-type]
    type_and_send(qtbot, alice, "moved to tomorrow")
    qtbot.waitUntil(lambda: by_id(alice, mine.id).deleted, timeout=10_000)  # type: ignore[union-attr]
    bob.window.offline_button.click()
    qtbot.waitUntil(lambda: line(bob, "moved to tomorrow", Kind.OTHER) is not None, timeout=15_000)
    qtbot.waitUntil(lambda: by_id(bob, theirs.id).deleted, timeout=10_000)  # type: ignore[union-attr]
    gone = by_id(bob, theirs.id)
    assert gone is not None and gone.text == "" and not gone.reactions
    assert bob.window.delegate.quote_text(line(bob, "ok")) == "↪ The message answered is gone"  # type: ignore[arg-type]


def test_reactions_to_lines_still_waiting_reach_the_other_process(
    qtbot: Any,
    open_window: Any,  # noqa: F811
    servers: Start,
) -> None:
    """A reaction names its line by the id it was sent with; on Redis the
    server stores a message while it handles the socket's next event, so the
    reaction waits for the line's ack (else: refused, "no such message")."""
    first, second = servers(2)
    alice, bob = open_window(first.url, "alice"), open_window(second.url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        qtbot.waitUntil(lambda s=s: s.client.has_changes, timeout=5000)
    react_to_lines_written_offline(qtbot, alice, bob, 10)
