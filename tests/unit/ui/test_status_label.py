"""The status line: `text()` is what is drawn, `details()` the tooltip's whole status."""

from __future__ import annotations

from typing import Any

from desktop_chat.ui.status_label import StatusLabel


def test_text_is_what_is_drawn_and_details_the_tooltip(qtbot: Any) -> None:
    label = StatusLabel()
    qtbot.addWidget(label)
    label.resize(400, 30)
    label.show()
    label.set_status("Connected", "Connected as abc123 to http://127.0.0.1:1 over websocket")
    assert label.text() == "Connected"
    assert label.summary() == "Connected"
    assert label.details() == label.toolTip()
    assert "abc123" in label.details() and "abc123" not in label.text()

    # Narrow: what is drawn is cut with "…", and text() says so; the words stay whole.
    long = "Reconnecting in 4 s… the server did not answer in time, again and again"
    label.set_status(long, long)
    label.resize(120, 30)
    qtbot.waitUntil(lambda: label.text().endswith("…") and label.text() != long)
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    assert label.summary() == long
