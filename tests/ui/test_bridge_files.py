"""The bridge's part of files (issue #21): a file's line or the refusal from
`send_file`, transfers after the lines they are about, thumbnails whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_chat.client.chat_client import ChatClient
from desktop_chat.client.errors import FileRefused
from desktop_chat.protocol.messages import Kind, Message, TransferUpdate
from desktop_chat.ui.bridge import ClientBridge

WAIT = 5000


def test_send_file_shows_the_line_and_transfers_come_after_it(
    arun: Any, qtbot: Any, tmp_path: Path
) -> None:
    (tmp_path / "plan.png").write_bytes(b"\x89PNG not really")
    client = ChatClient("me", folder=tmp_path)
    bridge = ClientBridge(client)
    seen: list[object] = []
    bridge.messages_added.connect(lambda batch: seen.extend(batch))
    bridge.transfer_changed.connect(seen.append)
    thumbnails: list[tuple[str, bytes]] = []
    bridge.thumbnail_ready.connect(lambda message_id, data: thumbnails.append((message_id, data)))
    try:
        refused = bridge.send_file("", tmp_path / "missing.png")
        assert isinstance(refused, FileRefused) and refused.code == "unreadable"
        line = bridge.send_file(
            "", tmp_path / "plan.png", caption="the plan", thumbnail=b"\x00thumb\xff"
        )
        assert isinstance(line, Message) and line.kind is Kind.OWN
        assert line.attachment is not None and line.attachment.type == "image/png"
        # An update about the line on the same turn: the line reaches the model first.
        client.on_transfer(TransferUpdate(line.id, True, 1, 15))
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT)
        assert [type(x) for x in seen] == [Message, TransferUpdate]
        assert seen[0].id == line.id  # type: ignore[attr-defined]
        bridge.request_thumbnail(line)  # ours, from what was given
        qtbot.waitUntil(lambda: bool(thumbnails), timeout=WAIT)
        assert thumbnails == [(line.id, b"\x00thumb\xff")]
        assert bridge.files_supported() is None and bridge.files_max_bytes() == 0
    finally:
        bridge.detach()
        arun(client.close())
        client.outbox.close()
