"""Small helpers shared by the asyncio-level tests (no Qt)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable
from pathlib import Path

from desktop_chat.client.status import Backoff
from desktop_chat.protocol.urls import ServerTarget, parse_server_url

FAST_BACKOFF = Backoff(first=0.05, factor=2.0, cap=0.5, jitter=0.2)


async def until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Wait for a condition, checking it as the loop turns; fail with a reason on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.005)


def server_target(url: str, path: str = "/socket.io") -> ServerTarget:
    """The server at `url` (as a user types it), for ChatClient.connect_to."""
    return ServerTarget(parse_server_url(url), path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for the app as a child process: offscreen, its settings
    and data under `home`, plus `extra`."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        **extra,
    )
    return env
