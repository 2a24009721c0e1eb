"""What the client tells about its connection: typed states, never strings."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from desktop_chat.client.notices import Notice


class ConnectionState(Enum):
    OFFLINE = "offline"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


@dataclass(frozen=True, slots=True)
class Status:
    state: ConnectionState
    url: str = ""
    sid: str = ""
    transport: str = ""
    error: Notice | None = None  # why the last attempt failed or the connection ended
    retry_at: float | None = None  # time.monotonic() of the next attempt
    user_offline: bool = False  # OFFLINE because the user chose it (what they write waits)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter, capped, so a crowd of clients does not
    hammer a server that just came back all at the same instant."""

    first: float = 0.5
    factor: float = 2.0
    cap: float = 10.0
    jitter: float = 0.3

    def delay(self, attempt: int) -> float:
        base = min(self.cap, self.first * self.factor ** max(0, attempt - 1))
        return base * (1 - self.jitter * random.random())
