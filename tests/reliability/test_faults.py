"""Faults a chat client meets in life, with real servers and real windows.

Each test streams messages from one window to another while something
breaks, and checks what the receiving user would: every message, in
order, none twice.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol.messages import DeliveryState, Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port
from tests.procs import Child
from tests.reliability.proxy import FlakyProxy
from tests.ui.conftest import texts, wait_connected

COUNT = 1000


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def server_process(tmp_path: Path, qtbot: Any) -> Iterator[Callable[[int], Child]]:
    """desktop-chat-server as its own process, on a given port and one database."""
    children: list[Child] = []

    def spin(condition: Callable[[], bool], timeout: float) -> bool:
        try:
            qtbot.waitUntil(condition, timeout=int(timeout * 1000))
        except qtbot.TimeoutError:
            return False
        return True

    def start(port: int) -> Child:
        argv = [sys.executable, "-m", "desktop_chat.server",
                "--port", str(port), "--db", str(tmp_path / "server.db")]  # fmt: skip
        child = Child(f"desktop-chat-server-{len(children)}", argv, spin=spin, stdin=False)
        children.append(child)
        child.wait(lambda: listening(port), f"the server to listen on {port}", 10)
        return child

    yield start
    for child in children:
        child.request_stop()
    for child in children:
        try:
            child.exit_code(10)
        finally:
            child.reap()


def stream(session: ChatSession, count: int, room: str = "") -> asyncio.Task[None]:
    """The sender writes `count` messages, one every 2 ms, as a busy user would in bursts."""

    async def write() -> None:
        for i in range(count):
            session.bridge.send(f"m{i:04d}", room)
            await asyncio.sleep(0.002)

    return asyncio.ensure_future(write())


def received(session: ChatSession) -> list[str]:
    return texts(session, Kind.OTHER)


def all_delivered(session: ChatSession) -> bool:
    own = [m for m in session.messages() if m.kind is Kind.OWN]
    return all(m.state is DeliveryState.DELIVERED for m in own)


EXPECTED = [f"m{i:04d}" for i in range(COUNT)]


def test_server_killed_mid_stream_and_restarted_loses_nothing(
    qtbot: Any, open_window: Any, server_process: Any
) -> None:
    port = free_port()
    first = server_process(port)
    url = f"http://127.0.0.1:{port}"
    sender, receiver = open_window(url, "sender"), open_window(url, "receiver")
    wait_connected(qtbot, sender)
    wait_connected(qtbot, receiver)
    writing = stream(sender, COUNT)
    qtbot.waitUntil(lambda: len(received(receiver)) >= 300, timeout=30_000)
    first.signal(signal.SIGKILL)  # no goodbye to anyone
    first.exit_code(10)
    assert not writing.done()  # really mid-stream: the sender goes on writing
    # What is written while the server is down waits in the outbox, unconfirmed.
    qtbot.waitUntil(lambda: not all_delivered(sender), timeout=10_000)
    qtbot.waitUntil(lambda: "Disconnected from the server." in texts(receiver, Kind.SYSTEM))
    server_process(port)
    qtbot.waitUntil(writing.done, timeout=30_000)
    qtbot.waitUntil(lambda: len(received(receiver)) >= COUNT, timeout=60_000)
    qtbot.waitUntil(lambda: all_delivered(sender), timeout=30_000)
    assert received(receiver) == EXPECTED


def test_a_flaky_link_loses_nothing(
    qtbot: Any, open_window: Any, chat_server: ChatServer, arun: Any
) -> None:
    proxy = FlakyProxy(chat_server.port)
    arun(proxy.start())
    url = f"http://127.0.0.1:{proxy.port}"
    sender, receiver = open_window(url, "sender"), open_window(url, "receiver")
    wait_connected(qtbot, sender)
    wait_connected(qtbot, receiver)
    calm = asyncio.Event()
    chaos = asyncio.ensure_future(proxy.run_chaos(calm, 0.05, 0.3, seed=7))
    try:
        writing = stream(sender, COUNT)
        qtbot.waitUntil(writing.done, timeout=60_000)
        calm.set()  # the link heals; what is outstanding must now arrive
        qtbot.waitUntil(chaos.done)
        qtbot.waitUntil(lambda: len(received(receiver)) >= COUNT, timeout=60_000)
        qtbot.waitUntil(lambda: all_delivered(sender), timeout=30_000)
    finally:
        calm.set()
        arun(proxy.stop())
    assert proxy.cuts >= 3
    assert received(receiver) == EXPECTED
    print(f"flaky link: {proxy.cuts} cuts")


def test_a_receiver_that_was_offline_gets_what_its_rooms_said(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    url = f"http://127.0.0.1:{chat_server.port}"
    alice, bob, carol = (open_window(url, n) for n in ("alice", "bob", "carol"))
    for s in (alice, bob, carol):
        wait_connected(qtbot, s)
    for s in (alice, bob):
        s.window.room_input.setText("ops")
        qtbot.mouseClick(s.window.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=s: "Joined ops" in texts(s, Kind.SYSTEM))

    qtbot.mouseClick(bob.window.offline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bob.window.status_label.details().startswith("Offline"))
    for i in range(20):
        alice.bridge.send(f"ops {i}", "ops")
    carol.bridge.send("to everyone while bob was away", "")
    qtbot.waitUntil(lambda: all_delivered(alice) and all_delivered(carol))
    bob.bridge.send("written while offline", "ops")  # kept, sent on return

    qtbot.mouseClick(bob.window.offline_button, Qt.MouseButton.LeftButton)
    wait_connected(qtbot, bob)
    missed = [f"ops {i}" for i in range(20)]
    qtbot.waitUntil(lambda: all(t in received(bob) for t in missed), timeout=10_000)
    qtbot.waitUntil(lambda: "written while offline" in received(alice), timeout=10_000)
    got = received(bob)
    assert [t for t in got if t.startswith("ops ")] == missed
    assert got.count("to everyone while bob was away") == 1
    assert "written while offline" not in received(carol)  # the room was rejoined: only ops

    alice.bridge.send("after the return", "ops")
    qtbot.waitUntil(lambda: "after the return" in received(bob))
