"""The unread state kept in the history file, as read back at start."""

from __future__ import annotations

from desktop_chat.app.keeping import kept_unread


def test_kept_unread_reads_files_with_and_without_mentions() -> None:
    assert kept_unread([3, "m1", 2]) == (3, "m1", 2)
    assert kept_unread([3, "m1"]) == (3, "m1", 0)  # kept before mentions were counted
    assert kept_unread([3, "m1", "x"]) == (3, "m1", 0)
    assert kept_unread(None) is None
    assert kept_unread(["3", "m1"]) is None
    assert kept_unread([3]) is None
