"""What the server said about itself on this connection (`server-info`).

desktop-chat-server sends it right after connecting; a tutorial server
never does, and every part then works without our extensions. The
connection writes it; the sender reads acks, limits and rate from it.
"""

from __future__ import annotations

import asyncio

from desktop_chat.client.dialect import is_offset

# Socket.IO servers close the connection of a client whose packet exceeds
# their buffer: socket.io's maxHttpBufferSize, 1e6 bytes by default. A server
# that does not say otherwise is taken to have the default.
SOCKETIO_DEFAULT_MAX_PACKET_BYTES = 1_000_000


class ServerInfo:
    def __init__(self) -> None:
        self.data: dict[str, object] = {}
        self.ready = asyncio.Event()

    def clear(self) -> None:
        """A new connection: nothing is known until the server says it."""
        self.data = {}
        self.ready.clear()

    def update(self, info: dict[str, object]) -> None:
        self.data = info
        self.ready.set()

    @property
    def acks(self) -> bool:
        return self.data.get("acks") is True

    @property
    def catchup(self) -> bool:
        return self.data.get("catchup") is True

    @property
    def offset(self) -> int | None:
        offset = self.data.get("offset")
        return offset if is_offset(offset) else None

    @property
    def max_message_bytes(self) -> int | None:
        """The largest text (UTF-8 bytes) the server takes, when it says."""
        stated = self.data.get("max_message_bytes")
        return stated if is_offset(stated) and stated > 0 else None

    @property
    def max_packet_bytes(self) -> int:
        """The largest encoded packet the server takes (what it says, else socket.io's default)."""
        stated = self.data.get("max_packet_bytes")
        return stated if is_offset(stated) and stated > 0 else SOCKETIO_DEFAULT_MAX_PACKET_BYTES

    @property
    def rate(self) -> tuple[float, int] | None:
        """Messages a second and burst the server allows one client, when it says."""
        rate, burst = self.data.get("rate"), self.data.get("burst")
        if isinstance(rate, int | float) and rate > 0 and isinstance(burst, int) and burst > 0:
            return float(rate), burst
        return None

    @property
    def files(self) -> dict[str, object] | None:
        """`server-info.files` when the server stores files (docs/protocol.md,
        "Files"): its `path` is a string and `max_bytes` a positive count."""
        files = self.data.get("files")
        if (
            isinstance(files, dict)
            and isinstance(files.get("path"), str)
            and is_offset(files.get("max_bytes"))
            and files["max_bytes"] > 0
        ):
            return files
        return None

    @property
    def files_max_bytes(self) -> int:
        """The largest file the server takes (0: it takes none)."""
        files = self.files
        return int(files["max_bytes"]) if files is not None else 0  # type: ignore[call-overload]

    @property
    def thumbnail_bytes(self) -> int:
        """The largest thumbnail the server takes (64 KB unless it says)."""
        files = self.files or {}
        stated = files.get("thumbnail_bytes")
        return stated if is_offset(stated) and stated > 0 else 65_536
