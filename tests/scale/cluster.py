"""Real parts for the several-process tests: Redis, server processes, HAProxy, and clients
that record what they were given.

Redis runs as Debian's `redis-server`, on a unix socket in a temporary
folder, with the persistence docs/deploy.md asks for (`appendonly yes`,
`appendfsync always`, no RDB snapshots); HAProxy as Debian's `haproxy` with
docs/haproxy.cfg, its `bind` and `server` lines pointed at loopback ports.
Every child goes through tests/procs.Child; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from tests.helpers import free_port, until
from tests.procs import ROOT, Child, source_env

HOST = "127.0.0.1"
START_TIMEOUT = 20.0
HAPROXY_CFG = ROOT / "docs" / "haproxy.cfg"
# The tests are about order and loss, not flood control.
WIDE = ["--rate", "10000", "--burst", "10000"]


def require(*programs: str) -> None:
    """Skip when a Debian package's program is missing (under CI=true: fail, CI installs it)."""
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (Debian: apt-get install redis-server haproxy)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


class RedisProcess:
    """redis-server on a unix socket in `folder`, restartable on the same data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # A unix socket's path has at most 107 bytes: pytest's folders can be longer.
        self.socket = Path(tempfile.mkdtemp(prefix="dc-redis-")) / "redis.sock"
        self.child: Child | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.starts += 1
        argv = [
            shutil.which("redis-server") or "redis-server",
            "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
            "--dir", str(self.folder), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "", "--daemonize", "no",
        ]  # fmt: skip
        self.child = Child(f"redis-server ({self.starts})", argv, stdin=False)
        try:
            self.child.wait_line(r"(?i)ready to accept connections", "redis", START_TIMEOUT)
        except BaseException:
            self.child.reap()  # the fixture that started it has not yielded: nobody else will
            raise

    def kill(self) -> None:
        """kill -9, as a crash: only what the append-only file has survives."""
        if self.child is not None:
            self.child.reap()
        self.socket.unlink(missing_ok=True)

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.socket.parent, ignore_errors=True)


class ServerProcess:
    """`desktop-chat-server --redis URL` on a free loopback port."""

    def __init__(self, name: str, redis_url: str, *extra: str) -> None:
        argv = [sys.executable, "-m", "desktop_chat.server", "--host", HOST, "--port", "0",
                "--redis", redis_url, *WIDE, *extra]  # fmt: skip
        self.name = name
        self.child = Child(name, argv, env=source_env(PYTHONUNBUFFERED="1"), stdin=False)
        listening = self.child.wait_line(
            rf"listening on http://{re.escape(HOST)}:(\d+)", f"{name} to listen", START_TIMEOUT
        )
        self.port = int(listening[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def kill(self) -> None:
        self.child.reap()

    def stop(self) -> None:
        self.child.request_stop()
        self.child.close(grace=15)  # a loaded CI machine may take a while to stop it


class HAProxy:
    """haproxy -db with docs/haproxy.cfg in front of `ports`."""

    def __init__(self, folder: Path, ports: Iterable[int]) -> None:
        self.port = free_port()
        config = HAPROXY_CFG.read_text()
        config = re.sub(r"(?m)^    bind 127\.0\.0\.1:8080$", f"    bind {HOST}:{self.port}", config)
        config = re.sub(r"(?m)^    server .*\n", "", config)
        config += "".join(
            f"    server chat{i} {HOST}:{port} cookie chat{i}\n" for i, port in enumerate(ports, 1)
        )
        path = folder / "haproxy.cfg"
        path.write_text(config)
        self.child = Child("haproxy", [shutil.which("haproxy") or "haproxy", "-db", "-f", path])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def ready(self, timeout: float = START_TIMEOUT) -> None:
        """Wait until it answers /health with 200 (failing at once if it exited)."""
        answered: list[int] = []

        async def probe() -> None:
            while True:
                status, _ = await health(self.url)
                if status == 200:
                    answered.append(status)
                    return
                await asyncio.sleep(0.05)

        probing = asyncio.ensure_future(probe())
        try:
            await self.child.await_(lambda: bool(answered), "haproxy to serve /health", timeout)
        finally:
            probing.cancel()

    def stop(self) -> None:
        self.child.reap()


async def health(url: str) -> tuple[int, str]:
    """GET /health: the status and body, or (0, why) when nothing answers."""
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{url}/health", timeout=aiohttp.ClientTimeout(total=3)) as response,
        ):
            return response.status, await response.text()
    except (aiohttp.ClientError, TimeoutError) as exc:
        return 0, str(exc)


async def wait_health(url: str, status: int, timeout: float = 15.0) -> str:
    """Wait until GET /health answers `status`; its body."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        got, body = await health(url)
        if got == status:
            return body
        if loop.time() > deadline:
            raise AssertionError(f"{url}/health answered {got} {body!r}, not {status}")
        await asyncio.sleep(0.05)


class Listener:
    """A python-socketio client that keeps every message with its meta, in arrival order."""

    def __init__(self, name: str, client: str | None = None) -> None:
        self.name = name
        self.client = client or name
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.done: list[dict[str, Any]] = []
        self.info: dict[str, Any] = {}
        self.sio.on("receive-message", lambda text, meta: self.received.append((text, meta)))
        self.sio.on("replay-done", self.done.append)
        self.sio.on("server-info", self.info.update)

    async def connect(self, url: str, offset: int | None = None, **kwargs: Any) -> None:
        auth: dict[str, Any] = {"name": self.name, "client": self.client}
        if offset is not None:
            auth["offset"] = offset
        self.info.clear()
        await self.sio.connect(url, auth=auth, transports=["websocket"], **kwargs)
        await until(lambda: bool(self.info), 10, f"{self.name}'s server-info")

    async def join(self, room: str, since: int | None = None) -> None:
        args: tuple[Any, ...] = (room,) if since is None else (room, {"since": since})
        assert await self.sio.call("join-room", args, timeout=10) == f"Joined {room}"

    async def send(self, text: str, room: str = "", message_id: str | None = None) -> Any:
        opts = {"id": message_id} if message_id else {}
        return await self.sio.call("send-message", (text, room, opts), timeout=15)

    async def leave(self) -> None:
        await self.sio.disconnect()

    def offsets(self, room: str | None = None) -> list[int]:
        return [m["offset"] for _, m in self.received if room is None or m["room"] == room]

    def last(self, room: str, default: int) -> int:
        seen = self.offsets(room)
        return seen[-1] if seen else default


def assert_once_in_order(listener: Listener, expected: set[int]) -> None:
    """Every expected offset exactly once, in increasing order, nothing else.

    Offsets are the stream's order; a receiver that has all of them, each
    once and increasing, saw the same sequence as every other such receiver.
    """
    offsets = listener.offsets()
    duplicates = len(offsets) - len(set(offsets))
    assert duplicates == 0, f"{listener.name}: {duplicates} duplicates"
    disorder = sum(1 for a, b in itertools.pairwise(offsets) if a >= b)
    assert disorder == 0, f"{listener.name}: {disorder} out of order: {offsets}"
    missing = sorted(expected - set(offsets))
    extra = sorted(set(offsets) - expected)
    assert not missing and not extra, f"{listener.name}: missing {missing}, unexpected {extra}"
