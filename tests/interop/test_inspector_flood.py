"""A flood of 100,000 messages with the packet inspector open: the list
keeps at most 10,000 packets and the process's memory stays bounded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop_chat.app.session import ChatSession
from desktop_chat.ui.packet_model import MAX_ROWS
from tests.interop.nodeproc import Peer, Server

COUNT = 100_000
# The window keeps the conversation itself (compressed, tests/perf); what the
# inspector adds on top is its 10,000 rows and a frame's worth of packets.
# Measured: about 16 MB in all; unbounded keeping would be several hundred.
RSS_GROWTH_LIMIT_MB = 100


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


# 100,000 messages through the window: about 25 s here, several times that on
# a loaded machine; the run's 120 s per test would end the whole run.
@pytest.mark.timeout(360)
def test_a_flood_with_the_inspector_open_keeps_the_list_and_memory_bounded(
    qtbot: Any,
    node_server: Callable[..., Server],
    open_window: Callable[..., ChatSession],
    peer: Callable[..., Peer],
) -> None:
    server = node_server()
    reader = open_window(server, "reader", transports=["websocket"])
    inspector = reader.inspector
    inspector.open()
    qtbot.waitUntil(inspector.dock.isVisible)
    most = {"rows": 0}
    model = inspector.model

    def inserted(*_: object) -> None:
        most["rows"] = max(most["rows"], model.rowCount())

    model.rowsInserted.connect(inserted)
    flooder = peer(server, "flooder", transports="websocket")
    before_rss = rss_mb()
    before = reader.model.message_count()
    flooder.burst(COUNT, "flood ")
    qtbot.waitUntil(lambda: reader.model.message_count() >= before + COUNT, timeout=300_000)
    qtbot.waitUntil(lambda: model.rowCount() > 0 and inspector._flush_handle is None)
    growth = rss_mb() - before_rss
    assert 0 < most["rows"] <= MAX_ROWS
    assert model.rowCount() <= MAX_ROWS and model.dropped >= COUNT - MAX_ROWS
    assert "older packets not kept" in inspector.panel.dropped.text()
    # The newest message kept is the flood's last (an engine.io ping may come
    # after it when the flood takes longer than the ping interval).
    messages = [r for r in model.records() if r.event == "receive-message"]
    assert messages and messages[-1].args() == [f"flood {COUNT - 1}"]
    assert growth < RSS_GROWTH_LIMIT_MB, f"RSS grew {growth:.0f} MB"
