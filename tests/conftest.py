"""Shared fixtures: a qasync loop on pytest-qt's QApplication, real servers.

The loop is created "already running" so that pytest-qt's waits
(`qtbot.waitUntil`, `qtbot.waitSignal`), which spin the Qt event loop,
also run asyncio callbacks: socket traffic flows while a test waits on a
condition, and coroutines are driven the same way (`arun`).
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

from desktop_chat.protocol.transport import configure_engineio

os.environ["QT_QPA_PLATFORM"] = "offscreen"
# As the app and the server do at start (desktop_chat/protocol/transport.py).
configure_engineio()

T = TypeVar("T")


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's real settings or data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))


@pytest.fixture
def loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """The app's own loop (desktop_chat.app.loop), "already running" on pytest-qt's
    QApplication so that qtbot's waits spin it. Tests that expect loop errors
    take them from `loop.errors`; any left fail the test."""
    from desktop_chat.app.loop import QEventLoop

    errors: list[dict[str, Any]] = []
    event_loop = QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(event_loop)
    event_loop.set_exception_handler(lambda _loop, context: errors.append(context))
    event_loop.errors = errors  # type: ignore[attr-defined]
    yield event_loop
    pending = [t for t in asyncio.all_tasks(event_loop) if not t.done()]
    for task in pending:
        task.cancel()
    deadline = event_loop.time() + 10
    while any(not t.done() for t in pending) and event_loop.time() < deadline:
        qapp.processEvents()
    for _ in range(5):
        qapp.processEvents()
    # Collect the test's garbage here, on the GUI thread: left to chance, the
    # collector may run in a resolver thread and free Qt objects there.
    gc.collect()
    qapp.processEvents()
    # Not event_loop.stop(): it calls QApplication.exit(), which leaves Qt's
    # quit flag set for the rest of the session.
    event_loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
    asyncio.events._set_running_loop(None)
    event_loop.close()
    asyncio.set_event_loop(None)
    assert not [t for t in pending if not t.done()], "tasks survived the test"
    assert not errors, f"unhandled errors in the event loop: {errors}"


@pytest.fixture
def arun(loop: asyncio.AbstractEventLoop, qtbot: Any) -> Callable[..., Any]:
    """Run a coroutine to completion on the shared loop, with a timeout."""

    def run(awaitable: Awaitable[T], timeout: float = 15.0) -> T:
        task = asyncio.ensure_future(awaitable)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    return run
