"""What one client may ask of the server, and the bucket that meters its messages."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Limits:
    max_message_bytes: int = 1_000_000  # socket.io's own default buffer size
    max_room_chars: int = 128
    max_rooms_per_client: int = 50
    rate: float = 100.0  # messages per second, sustained
    burst: int = 500  # messages at once, after a quiet time
    # Violations (bad types, oversize, over the rate) a client may commit
    # before the server disconnects it; they are forgiven as time passes,
    # one per second.
    max_violations: int = 100
    # Renames per client key (server/meters.py): a few at once, then one a minute.
    rename_rate: float = 1 / 60
    rename_burst: int = 5
    # Sign-in attempts (issue #24, server/accounts.py), metered by server/meters.py:
    # per address, every password attempt and every unknown token: a burst, then
    # one every 6 s; per account, password attempts: 5, then one every 30 s.
    # Both are taken before any password is checked, so a guessing flood
    # costs no argon2 work past them. A known token costs nothing.
    signin_address_rate: float = 1 / 6
    signin_address_burst: int = 20
    signin_account_rate: float = 1 / 30
    signin_account_burst: int = 5
    # Presence requests (`participants`: each reads the room's whole list):
    # per client key or account, then per address for clients that make up
    # keys; over them an error ack with code `rate`. A window asks once per
    # room at each (re)connect (at most 50 rooms) and after presence changes.
    requests_rate: float = 5.0
    requests_burst: int = 60
    address_requests_rate: float = 50.0
    address_requests_burst: int = 600
    # Open connections from one address (after --trusted-proxy): sized for an
    # office behind NAT, a few windows each; 0 = no limit (benchmarks).
    max_connections_per_address: int = 256


# The longest room name the client takes from a server (ours allows 128;
# other servers may allow more, none needs a megabyte).
MAX_ROOM_CHARS = 1000

# Offsets are integers from 0 to 2^53 - 1 on both sides: what a JavaScript
# client can hold exactly, and what SQLite's INTEGER stores (issue #22).
MAX_OFFSET = 2**53 - 1


@dataclass(slots=True)
class TokenBucket:
    rate: float
    capacity: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
