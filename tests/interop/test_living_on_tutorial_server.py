"""Living messages against the tutorial's own Node server, which has none of
them: edits, deletions and reactions are hidden from the line's menu, the
window says why on the first reply, and a reply reaches a Node peer as text
with the answered line quoted; the server is unaffected."""

from __future__ import annotations

from typing import Any

from desktop_chat.protocol.messages import Kind
from tests.interop.nodeproc import Peer
from tests.interop.test_node_server import wait_shown
from tests.ui.conftest import texts, type_and_send
from tests.ui.test_living_messages import line, menu_action


def test_tutorial_server_hides_changes_and_quotes_replies(
    qtbot: Any, node_server: Any, open_window: Any, peer: Any
) -> None:
    server = node_server()
    bob: Peer = peer(server, "bob")
    desk = open_window(server, "desk")
    bob.send("who is coming to lunch?")
    wait_shown(qtbot, desk, "who is coming to lunch?")
    theirs = line(desk, "who is coming to lunch?")
    assert theirs is not None
    assert not desk.client.has_changes
    assert menu_action(desk, theirs, "reactMenu") is None
    assert menu_action(desk, theirs, "replyAction") is not None

    menu_action(desk, theirs, "replyAction").trigger()
    type_and_send(qtbot, desk, "me!")
    bob.wait_received("> who is coming to lunch?\nme!")
    said = [t for t in texts(desk, Kind.SYSTEM) if "cannot carry replies" in t]
    assert len(said) == 1
    # The window shows its line as typed under the quote, or (when it had
    # already learnt that this server says nothing of itself) as the quoted text.
    mine = line(desk, "> who is coming to lunch?\nme!", Kind.OWN) or line(desk, "me!", Kind.OWN)
    assert mine is not None
    assert menu_action(desk, mine, "editAction") is None
    assert menu_action(desk, mine, "deleteAction") is None

    desk.window.lines.start_reply(theirs)  # said once: not again
    type_and_send(qtbot, desk, "and me")
    bob.wait_received("> who is coming to lunch?\nand me")
    assert len([t for t in texts(desk, Kind.SYSTEM) if "cannot carry replies" in t]) == 1
    assert bob.received()[-1] == "> who is coming to lunch?\nand me"
