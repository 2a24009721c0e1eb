"""What the docs' screenshot scripts share (they run as `python docs/make_*.py`,
so this folder is on their path): waiting on a condition as the loop turns."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(predicate: Callable[[], object], timeout: float = 10) -> None:
    """Return once `predicate()` holds; TimeoutError after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise TimeoutError
        await asyncio.sleep(0.02)
