"""Fixtures for tests/scale: a Redis of the test's own, and server processes on it,
all ended at teardown whatever happened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.scale.cluster import RedisProcess, ServerProcess, require


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[RedisProcess]:
    require("redis-server")
    redis = RedisProcess(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.close()


@pytest.fixture
def servers(redis_process: RedisProcess) -> Iterator[Callable[..., list[ServerProcess]]]:
    """start(n, *options): n desktop-chat-server processes on the test's Redis."""
    started: list[ServerProcess] = []

    def start(count: int, *options: str) -> list[ServerProcess]:
        new = [
            ServerProcess(f"server-{len(started) + i + 1}", redis_process.url, *options)
            for i in range(count)
        ]
        started.extend(new)
        return new

    try:
        yield start
    finally:
        for server in started:
            server.kill()
