"""The model's compressed archive keeps what living messages add, a file's
attachment (a frozen dataclass, which marshal cannot hold) included."""

from __future__ import annotations

from desktop_chat.protocol.messages import Attachment, Kind, Message, own_message
from desktop_chat.ui.message_archive import CHUNK, _Archive


def test_attachments_come_back_from_an_archived_chunk() -> None:
    lines = [Message(text=f"m{i}", kind=Kind.OTHER, sender="bob") for i in range(CHUNK)]
    photo = Attachment("a" * 32, "Photo 1.png", 350_000, "image/png", "b" * 64, "c" * 32)
    lines[3].attachment = photo
    lines[4].reply_to, lines[4].attachment = "x", Attachment("d" * 32, "notes.txt", 0)
    mine = own_message("caption", "", "me")
    mine.attachment = Attachment("", "sent.pdf", 12, "application/pdf")
    lines[5] = mine
    archive = _Archive()
    archive.add(lines)
    archive.own.clear()  # our own line read back from the chunk, not the live object
    archive._decoded.clear()
    back = archive.slice(0, CHUNK)
    assert back[3].attachment == photo and back[3].attachment.is_image
    assert back[4].attachment == lines[4].attachment and back[4].reply_to == "x"
    assert back[5].attachment == mine.attachment
    assert [m.attachment for m in back[:3]] == [None] * 3
