"""The perf tests run on desktop_chat.loop.QEventLoop, the loop the app runs on.

Same life cycle as the shared `loop` fixture (tests/conftest.py): created
"already running" on pytest-qt's QApplication so that qtbot's waits spin
it, and at teardown every task left is cancelled and awaited, and the test
fails on any error the loop reported.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_chat.loop import QEventLoop


@pytest.fixture
def loop(qapp: Any) -> Iterator[QEventLoop]:
    errors: list[dict[str, Any]] = []
    event_loop = QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(event_loop)
    event_loop.set_exception_handler(lambda _loop, context: errors.append(context))
    event_loop.errors = errors  # type: ignore[attr-defined]  # tests that expect errors take them
    yield event_loop
    pending = [t for t in asyncio.all_tasks(event_loop) if not t.done()]
    for task in pending:
        task.cancel()
    deadline = event_loop.time() + 10
    while any(not t.done() for t in pending) and event_loop.time() < deadline:
        qapp.processEvents()
    for _ in range(5):
        qapp.processEvents()
    gc.collect()
    qapp.processEvents()
    event_loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
    asyncio.events._set_running_loop(None)
    event_loop.close()
    asyncio.set_event_loop(None)
    assert not [t for t in pending if not t.done()], "tasks survived the test"
    assert not errors, f"unhandled errors in the event loop: {errors}"
