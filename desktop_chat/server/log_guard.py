"""Logging that an attacker cannot flood (issue #22).

1,100 half-sent requests once made the server log "Too many open files"
tracebacks at 4 MB a second. Each kind of record (its logger and its
message template) is written a few times a minute at most; what was held
back is counted and said with the next one let through.
"""

from __future__ import annotations

import logging
import time

PER_KIND = 5  # records of one kind let through per window
WINDOW = 60.0  # seconds


class OncePerKind(logging.Filter):
    """Let `PER_KIND` records of each kind through per `WINDOW` seconds."""

    def __init__(self, per_kind: int = PER_KIND, window: float = WINDOW) -> None:
        super().__init__()
        self.per_kind = per_kind
        self.window = window
        self._kinds: dict[tuple[str, str], list[float]] = {}  # kind -> [start, count, held]

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg)[:200])
        now = time.monotonic()
        seen = self._kinds.get(kind)
        if seen is None or now - seen[0] > self.window:
            held = int(seen[2]) if seen else 0
            if len(self._kinds) > 10_000:
                self._kinds.clear()  # made-up kinds: start afresh rather than grow
            self._kinds[kind] = [now, 1.0, 0.0]
            if held:
                record.msg = f"{record.msg} ({held} more like this were not logged)"
            return True
        seen[1] += 1
        if seen[1] <= self.per_kind:
            return True
        seen[2] += 1
        return False


def guard_logging() -> None:
    """Put the filter on every handler of the root logger (set up by main)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(OncePerKind())
