"""Small helpers shared by the asyncio-level tests (no Qt)."""

from __future__ import annotations

import asyncio
import gc
import os
import socket
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import pytest
import socketio
from aiohttp import web

from desktop_chat.client.notices import ConnectionRefusedByServer
from desktop_chat.client.status import Backoff, Status
from desktop_chat.protocol.urls import ServerTarget, parse_server_url

FAST_BACKOFF = Backoff(first=0.05, factor=2.0, cap=0.5, jitter=0.2)

T = TypeVar("T")


def describe_loop_errors(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e.get('message')} ({e.get('exception')!r})" for e in errors)


def run_checked(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` that fails the test on any unhandled error in the loop.

    A plain `asyncio.run` only logs what reaches the loop's exception handler
    (a task that died with nobody awaiting it, a callback that raised), so a
    test passes over a broken background task. Here such errors are collected
    while the loop runs and while it shuts down (its tasks cancelled, its
    async generators closed, then a garbage collection so that a task
    destroyed while pending is reported too), and any of them fails the test,
    as the `loop` fixture does for tests on the Qt loop (tests/conftest.py).
    """
    errors: list[dict[str, Any]] = []

    def new_loop() -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(lambda _loop, context: errors.append(context))
        return loop

    try:
        with asyncio.Runner(loop_factory=new_loop) as runner:
            result = runner.run(main)
        gc.collect()
    except BaseException as exc:
        if errors:
            exc.add_note("unhandled errors in the event loop: " + describe_loop_errors(errors))
        raise
    if errors:
        raise AssertionError("unhandled errors in the event loop: " + describe_loop_errors(errors))
    return result


async def until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Wait for a condition, checking it as the loop turns; fail with a reason on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.005)


def refusal(status: Status) -> str:
    """The server's own words when it refused the connection, else ""."""
    error = status.error
    return error.message if isinstance(error, ConnectionRefusedByServer) else ""


def server_target(url: str, path: str = "/socket.io") -> ServerTarget:
    """The server at `url` (as a user types it), for ChatClient.connect_to."""
    return ServerTarget(parse_server_url(url), path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable(reason: str) -> NoReturn:
    """Skip a test whose real part (a program, a font, a package) is missing here;
    under CI=true (.ci/run sets it) fail instead: CI installs all of them, so a
    missing one there is a broken run, not a test to leave out."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


class SocketIOTestServer:
    """A bare python-socketio AsyncServer on aiohttp at 127.0.0.1 (a free
    port), for a test whose server must behave as no real one does: the
    subclass adds its handlers to `sio`."""

    def __init__(self, **options: Any) -> None:
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp", logger=False, engineio_logger=False, **options
        )
        self.app = web.Application()
        self.sio.attach(self.app)
        self.runner = web.AppRunner(self.app, shutdown_timeout=0.1)
        self.url = ""

    async def start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        for engine_socket in list(self.sio.eio.sockets.values()):
            await engine_socket.close(wait=False)
        await self.runner.cleanup()
