"""Conversations against the tutorial's Node server: messages without a room go
to the last room joined (said once), leaving is said to have no server side
(the window reconnects without the room, and its messages stop), and no
presence is shown that such a server cannot give."""

from __future__ import annotations

from typing import Any

from desktop_chat.protocol.messages import Kind
from tests.interop.test_node_server import join_in_window, wait_shown
from tests.ui.conftest import texts, wait_connected


def test_rooms_leave_and_no_presence_on_the_tutorials_server(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    server = node_server()
    node = peer(server, "node")
    node.join_acked("lounge")
    desk = open_window(server, "desk")
    wait_connected(qtbot, desk)
    join_in_window(qtbot, desk, "lounge")
    qtbot.waitUntil(lambda: "Joined lounge" in texts(desk, Kind.SYSTEM))
    node.send("hello lounge", "lounge")
    wait_shown(qtbot, desk, "hello lounge")
    lounge = desk.conversations.model("lounge")
    assert lounge is not None and "hello lounge" in [m.text for m in lounge.messages()]
    node.send("again", "lounge")
    wait_shown(qtbot, desk, "again")
    assert sum("does not say which room" in t for t in texts(desk, Kind.SYSTEM)) == 1
    assert not desk.client.has_presence
    assert not desk.window.sidebar.participants_list.isVisible()
    assert not desk.window.presence.isVisible()

    desk.window.select_room("lounge")
    desk.window.leave_button.click()
    assert desk.conversations.rooms() == [""]
    qtbot.waitUntil(lambda: any("no way to leave" in t for t in texts(desk, Kind.SYSTEM)))
    wait_connected(qtbot, desk)
    qtbot.wait(500)
    node.send("after leaving", "lounge")
    node.send("to everyone")
    wait_shown(qtbot, desk, "to everyone")
    assert "after leaving" not in texts(desk)
