"""Fixtures for the interop tests: Node servers, peers and a browser as children,
desktop windows (real `ChatSession`s) on the shared qasync loop.

Node.js, the npm modules (`npm ci` in tests/interop) or Chromium missing:
the tests that need them skip with the reason, except under CI=true,
where they fail instead, since CI must run them.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.exceptions import TimeoutError as QtTimeoutError

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from tests.helpers import FAST_BACKOFF
from tests.interop import nodeproc
from tests.interop.nodeproc import Browser, ChildGroup, Peer, Server, Spin
from tests.ui.conftest import wait_connected

CLOSE_TIMEOUT = 5.0  # seconds for a window to close; it should take a fraction of one

_closed: weakref.WeakSet[ChatSession] = weakref.WeakSet()


def close_within(session: ChatSession, spin: Spin, seconds: float) -> bool:
    """Close the window the app's way; False if that took longer than `seconds`.

    A close that overran is cancelled, and the session is left for closing
    again: the second `ChatClient.close()` closes the HTTP session, which
    ends any request the first one was stuck on.
    """
    task = asyncio.ensure_future(session.close())
    if spin(task.done, seconds):
        task.result()
        _closed.add(session)
        return True
    task.cancel()
    spin(task.done, seconds)
    return False


def require(*scripts: str) -> None:
    """Skip (or, under CI=true, fail) when these Node scripts cannot run here."""
    reason = nodeproc.missing_for(scripts)
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the interop tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node_ready() -> None:
    require("server.js", "peer.js")


@pytest.fixture(scope="session")
def browser_ready(node_ready: None) -> None:
    require("server.js", "browser.js")


@pytest.fixture(scope="session")
def export_browser_ready() -> None:
    """Node, playwright-core and Chromium for open_export.js (no chat server)."""
    require("open_export.js")


@pytest.fixture
def spin(qtbot: Any, loop: Any) -> Spin:
    """Wait on a condition while the Qt and asyncio loop keep turning."""

    def spin_(condition: Callable[[], bool], timeout: float) -> bool:
        try:
            qtbot.waitUntil(lambda: bool(condition()), timeout=int(timeout * 1000))
        except QtTimeoutError:
            return False
        return True

    return spin_


@pytest.fixture
def children(spin: Spin) -> Iterator[ChildGroup]:
    """This test's child processes; every one is ended at teardown, pass or fail."""
    group = ChildGroup(spin)
    try:
        yield group
    finally:
        forced = group.stop_all()
    # A child that ignores SIGTERM and EOF is a bug in it (or in what it waits for).
    assert not forced, f"had to kill {forced}: they did not exit on SIGTERM / end of stdin"


@pytest.fixture
def node_server(node_ready: None, children: ChildGroup) -> Callable[..., Server]:
    """Start the tutorial's server.js; keyword arguments pick its variant."""

    def start(**variant: Any) -> Server:
        return nodeproc.start_node_server(children, **variant)

    return start


@pytest.fixture
def profile_server(node_ready: None, children: ChildGroup) -> Callable[..., Server]:
    """Start demo_server.js (the chat demo's events) or getstarted_server.js."""

    def start(script: str, **options: Any) -> Server:
        require(script)
        return nodeproc.start_profile_server(children, script, **options)

    return start


@pytest.fixture
def desktop_server(node_ready: None, children: ChildGroup) -> Callable[..., Server]:
    """Start `desktop-chat-server` as a user would, in its own process."""

    def start(**variant: Any) -> Server:
        return nodeproc.start_desktop_server(children, **variant)

    return start


@pytest.fixture
def peer(children: ChildGroup) -> Callable[..., Peer]:
    """Start a Node peer (peer.js) on a server and wait until it is connected."""

    def start(server: Server, name: str, *, wait: bool = True, **options: Any) -> Peer:
        started = nodeproc.start_peer(children, server, name, **options)
        if wait:
            started.wait_connected()
        return started

    return start


@pytest.fixture
def browser(browser_ready: None, children: ChildGroup) -> Callable[[Server], Browser]:
    def start(server: Server) -> Browser:
        page = nodeproc.start_browser(children, server)
        page.wait_ready()
        return page

    return start


@pytest.fixture
def open_window(
    arun: Callable[..., Any], qtbot: Any, spin: Spin, children: ChildGroup
) -> Iterator[Callable[..., ChatSession]]:
    """A desktop-chat window joined to a server, as `desktop-chat --url ... --path ...` opens it.

    Depends on `children` so that every window is closed before the servers stop.
    `transports` forces the client's Engine.IO transports: there is no option
    for it in `Options` yet, so it is set on the session's client before start.
    """
    sessions: list[ChatSession] = []

    def open_(
        server: Server,
        name: str = "desk",
        *,
        room: str = "",
        path: str | None = None,
        transports: list[str] | None = None,
        wait: bool = True,
        profile: str = "",
    ) -> ChatSession:
        options = Options(
            url=server.url,
            name=name,
            room=room,
            path=path or server.path,
            remember=False,
            transports=transports,
            profile=profile,
        )
        session = ChatSession(options, Settings(), backoff=FAST_BACKOFF)
        sessions.append(session)
        arun(session.start())
        if wait:
            wait_connected(qtbot, session, timeout=int(nodeproc.START_TIMEOUT * 1000))
        return session

    slow: list[str] = []
    try:
        yield open_
    finally:
        for session in reversed(sessions):
            if session in _closed:  # by the test
                continue
            transport = session.client.status.transport
            if not close_within(session, spin, CLOSE_TIMEOUT):
                arun(session.close())
                slow.append(f"{session.client.name} ({transport or 'not connected'})")
    assert all(s.client.status.state is ConnectionState.OFFLINE for s in sessions)
    assert not slow, f"closing took more than {CLOSE_TIMEOUT} s: {slow}"
