"""The one presence model per room (client/presence.py), without a network or Qt:
both sources feed it, the user is in it while connected, nothing is known while
disconnected, and typing notices of a room run out by themselves."""

from __future__ import annotations

import asyncio

from desktop_chat.client.presence import Presence, PresenceEvent, PresenceKind


def make() -> tuple[Presence, list[str]]:
    changed: list[str] = []
    presence = Presence(lambda: "me", expiry=0.05)
    presence.on_change = changed.append
    return presence, changed


def test_the_user_is_in_every_room_while_connected_and_nobody_otherwise() -> None:
    presence, changed = make()
    assert presence.room("").participants == [] and presence.room("").count is None
    presence.set_connected(True)
    assert changed == [""]
    assert presence.room("garden").participants == [("me", 1)]
    assert presence.room("garden").count is None  # no server said one yet
    presence.listed("garden", [("bert", 1)])  # answered before it had our join
    shown = presence.room("garden")
    assert shown.participants == [("bert", 1), ("me", 1)] and shown.count == 2
    presence.listed("garden", [("bert", 1), ("me", 2)])
    assert presence.room("garden").count == 3

    changed.clear()
    presence.set_connected(False)
    assert changed == ["garden"]
    assert presence.room("garden").participants == [] and presence.room("garden").count is None
    presence.event(PresenceEvent(PresenceKind.JOINED, "late", 2, "garden"))  # ignored
    presence.set_connected(True)
    assert presence.room("garden").participants == [("me", 1)]


def test_a_profiles_events_and_our_servers_feed_the_same_rooms() -> None:
    presence, changed = make()
    presence.set_connected(True)
    # a profile's (room None: the server has no rooms, the room "")
    presence.event(PresenceEvent(PresenceKind.COUNT, "", 2))
    presence.event(PresenceEvent(PresenceKind.JOINED, "carol", 3))
    assert presence.room("").participants == [("carol", 1), ("me", 1)]
    assert presence.room("").count == 3
    presence.event(PresenceEvent(PresenceKind.LEFT, "carol", 2))
    assert presence.room("").participants == [("me", 1)] and presence.room("").count == 2
    # desktop-chat-server's, per room
    presence.event(PresenceEvent(PresenceKind.JOINED, "bob", 2, "garden"))
    presence.event(PresenceEvent(PresenceKind.JOINED, "bob", 3, "garden"))
    assert presence.room("garden").participants == [("bob", 2), ("me", 1)]
    assert presence.room("garden").count == 3
    presence.renamed("bob", "robert")  # one connection of two
    assert presence.room("garden").participants == [("bob", 1), ("me", 1), ("robert", 1)]
    presence.forget("garden")
    assert presence.room("garden").participants == [("me", 1)]
    assert changed.count("garden") == 4


def test_typing_in_a_room_runs_out_and_ends_with_a_message() -> None:
    async def run() -> None:
        presence, _changed = make()
        presence.set_connected(True)
        presence.event(PresenceEvent(PresenceKind.TYPING, "bob", None, "garden"))
        presence.event(PresenceEvent(PresenceKind.TYPING, "cy", None, "garden"))
        assert presence.room("garden").typing == ["bob", "cy"]
        presence.spoke("garden", "bob")
        assert presence.room("garden").typing == ["cy"]
        while presence.room("garden").typing:  # runs out after `expiry`
            await asyncio.sleep(0.01)
        assert presence.typing_anywhere() is False
        presence.event(PresenceEvent(PresenceKind.TYPING, "di", None, "garden"))
        presence.set_connected(False)  # nobody types on a connection that is gone
        assert presence.room("garden").typing == []
        presence.close()

    asyncio.run(asyncio.wait_for(run(), 5))
