"""What the server keeps about each connected client, for as long as it is connected."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_chat.server.accounts import SignedIn


@dataclass(slots=True)
class Peer:
    name: str
    ip: str
    client: str  # stable across reconnects (auth.client), else "~" + the sid
    offset: int | None  # the last offset the client had seen when it connected
    rooms: set[str] = field(default_factory=set)
    epoch: str = ""  # the store identity its offset belongs to (auth.epoch), "" unknown
    violations: float = 0.0
    violations_at: float = field(default_factory=time.monotonic)
    # With --accounts (server/accounts.py): who signed in, and with what. The
    # name above is then the account's, and `payer` (rates, replay budget) too.
    signed: SignedIn | None = None
    payer: str = ""  # whose meters it uses (server/meters.py): the account, else `client`

    @property
    def account(self) -> str | None:
        return self.signed.account if self.signed is not None else None

    def violate(self) -> float:
        """Count one violation, forgiving one per second since the last; returns the count."""
        now = time.monotonic()
        self.violations = max(0.0, self.violations - (now - self.violations_at)) + 1
        self.violations_at = now
        return self.violations
