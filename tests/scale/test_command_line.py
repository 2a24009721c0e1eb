"""desktop-chat-server --redis as an operator starts it: what it says, and when it cannot start."""

from __future__ import annotations

import sys

from tests.procs import Child, source_env
from tests.scale.cluster import RedisProcess, ServerProcess, require


def test_a_redis_that_cannot_be_reached_stops_the_start_with_the_reason() -> None:
    require("redis-server")
    argv = [sys.executable, "-m", "desktop_chat.server", "--port", "0",
            "--redis", "unix:///nonexistent/redis.sock"]  # fmt: skip
    child = Child("desktop-chat-server", argv, env=source_env(), stdin=False)
    try:
        assert child.exit_code(20) == 1
        err = child.text("stderr")
        assert "desktop-chat-server: cannot reach Redis at unix:///nonexistent/redis.sock" in err
        assert "Traceback" not in err
    finally:
        child.reap()


def test_the_start_line_names_the_redis(redis_process: RedisProcess) -> None:
    server = ServerProcess("desktop-chat-server", redis_process.url)
    try:
        line = server.child.wait_line(r"listening on .*", "the start line")[0]
        assert line.endswith(f"(loopback only), messages kept in Redis at {redis_process.url}")
    finally:
        server.stop()
    assert server.child.returncode == 0
    assert "Traceback" not in server.child.text("stderr")
