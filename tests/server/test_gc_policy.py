"""The server process's full collections (server/gc_policy.py) and its listen
backlog (defaults.LISTEN_BACKLOG): what let thousands of connections open, or
come back after a restart, without the collector walking every connection
again and again, or the kernel dropping their SYNs (issue #23 item 4)."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import weakref
from pathlib import Path

from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.defaults import LISTEN_BACKLOG
from desktop_chat.server.gc_policy import OldestOnATimer
from tests.helpers import run_checked


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_full_collections_wait_for_the_timer_and_still_free_old_cycles() -> None:
    async def scenario() -> tuple[int, int, bool, tuple[int, int, int]]:
        policy = OldestOnATimer(every=0.05)
        policy.start()
        try:
            full_before = gc.get_stats()[2]["collections"]
            # 400,000 long-lived objects made in one go (as connections opening):
            # CPython would have walked the whole heap several times meanwhile.
            kept = [[i] for i in range(400_000)]
            full_during = gc.get_stats()[2]["collections"] - full_before
            # A cycle old enough to be in the oldest generation, then dropped:
            # only a full collection frees it.
            a, b = _Node(), _Node()
            a.other, b.other = b, a
            gone = weakref.ref(a)
            gc.collect(1)  # into the oldest generation
            del a, b
            for _ in range(200):  # at most 10 s
                if gone() is None:
                    break
                await asyncio.sleep(0.05)
            freed = gone() is None
            del kept
        finally:
            policy.stop()
        return full_during, policy.collections, freed, gc.get_threshold()

    threshold = gc.get_threshold()
    full_during, collections, freed, restored = run_checked(scenario())
    assert full_during == 0
    assert collections >= 1 and freed
    assert restored == threshold


def test_the_server_listens_with_a_backlog_for_a_storm_of_reconnections() -> None:
    async def scenario() -> str:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        try:
            return subprocess.run(
                ["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True
            ).stdout
        finally:
            await server.stop()

    listening = run_checked(scenario())
    somaxconn = int(Path("/proc/sys/net/core/somaxconn").read_text())
    # ss shows a listening socket's backlog as its Send-Q (the third column).
    backlog = int(listening.split()[2])
    assert backlog == min(LISTEN_BACKLOG, somaxconn) > 128, listening
