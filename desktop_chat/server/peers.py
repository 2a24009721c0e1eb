"""What the server keeps about each connected client, for as long as it is connected."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from desktop_chat.protocol.limits import TokenBucket


@dataclass(slots=True)
class Peer:
    name: str
    ip: str
    client: str  # stable across reconnects (auth.client), else "~" + the sid
    offset: int | None  # the last offset the client had seen when it connected
    bucket: TokenBucket
    rooms: set[str] = field(default_factory=set)
    epoch: str = ""  # the store identity its offset belongs to (auth.epoch), "" unknown
    violations: float = 0.0
    violations_at: float = field(default_factory=time.monotonic)

    def violate(self) -> float:
        """Count one violation, forgiving one per second since the last; returns the count."""
        now = time.monotonic()
        self.violations = max(0.0, self.violations - (now - self.violations_at)) + 1
        self.violations_at = now
        return self.violations
