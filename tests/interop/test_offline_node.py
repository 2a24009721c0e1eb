"""Never lose a message, against the tutorial's Node server too (issue 4).

That server neither acks nor stores: what the desktop user writes while
offline waits in the outbox and goes out after the reconnect, in order, and
after a room is joined again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_chat.protocol.messages import DeliveryState, Kind
from tests.ui.conftest import texts, wait_connected


def test_messages_written_offline_reach_node_peers_after_the_reconnect(
    qtbot: Any, node_server: Any, peer: Any, open_window: Any
) -> None:
    server = node_server()
    node = peer(server, "node")
    node.join_acked("lounge")
    session = open_window(server, "desk")
    session.window.room_input.setText("lounge")
    qtbot.mouseClick(session.window.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Joined lounge" in texts(session, Kind.SYSTEM))

    qtbot.mouseClick(session.window.offline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.window.status_label.details().startswith("Offline"))
    written = [f"offline {i}" for i in range(5)]
    for text in written:
        session.bridge.send(text, "lounge")
    qtbot.waitUntil(lambda: texts(session, Kind.OWN) == written)
    own = [m for m in session.messages() if m.kind is Kind.OWN]
    assert [m.state for m in own] == [DeliveryState.PENDING] * 5

    qtbot.mouseClick(session.window.offline_button, Qt.MouseButton.LeftButton)
    wait_connected(qtbot, session)
    for text in written:
        node.wait_received(text)
    assert [m for m in node.received() if str(m).startswith("offline")] == written
    # No ack comes from this server: flushed to the socket is as far as we know.
    qtbot.waitUntil(
        lambda: all(m.state is DeliveryState.SENT for m in session.messages() if m.kind is Kind.OWN)
    )
    assert session.client.outbox.pending(session.client.target.key) == []  # type: ignore[union-attr]
