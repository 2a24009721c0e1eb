"""What the server said about itself on this connection (`server-info`).

desktop-chat-server sends it right after connecting; a tutorial server
never does, and every part then works without our extensions. The
connection writes it; the sender reads acks, limits and rate from it.
"""

from __future__ import annotations

import asyncio

from desktop_chat.client.dialect import is_offset

# Socket.IO servers drop a client whose packet exceeds their buffer (1 MB by
# default); without a stated limit, stay below it.
UNKNOWN_SERVER_MAX_BYTES = 900_000


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
    def max_message_bytes(self) -> int:
        stated = self.data.get("max_message_bytes")
        return stated if is_offset(stated) and stated > 0 else UNKNOWN_SERVER_MAX_BYTES

    @property
    def rate(self) -> tuple[float, int] | None:
        """Messages a second and burst the server allows one client, when it says."""
        rate, burst = self.data.get("rate"), self.data.get("burst")
        if isinstance(rate, int | float) and rate > 0 and isinstance(burst, int) and burst > 0:
            return float(rate), burst
        return None
