"""The server a window hosts runs on its own thread (desktop_chat/app/hosting.py):
real windows, the real bundled server, on the shared Qt loop."""

from __future__ import annotations

import asyncio
import errno
import gc
import json
import signal
import socket
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import socketio
from PySide6.QtCore import Qt, QTimer

from desktop_chat.app import hosting
from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.app.window_hosting import is_listening
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer, default_db_path
from tests.helpers import FAST_BACKOFF, free_port, run_checked
from tests.procs import app_env
from tests.ui.conftest import texts, type_and_send, wait_connected


def port_is_free(port: int) -> bool:
    """Nothing listens there and a new server could (as servers do, with SO_REUSEADDR:
    the connections the stopped server closed linger in TIME_WAIT)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
        return True


def host_and_guest(open_window: Any, qtbot: Any) -> tuple[ChatSession, ChatSession, int]:
    port = free_port()
    default = f"http://127.0.0.1:{port}"
    host = open_window(None, "host", default_url=default)
    assert host.hosting
    guest = open_window(None, "guest", default_url=default)
    assert not guest.hosting
    wait_connected(qtbot, host)
    wait_connected(qtbot, guest)
    return host, guest, port


def test_the_server_s_work_runs_on_its_own_thread_never_on_the_window_s(
    qtbot: Any, open_window: Any, arun: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    handled: list[tuple[int, asyncio.AbstractEventLoop]] = []
    on_send = ChatServer._on_send

    async def recording(self: ChatServer, sid: str, *args: object) -> object:
        handled.append((threading.get_ident(), asyncio.get_running_loop()))
        return await on_send(self, sid, *args)

    monkeypatch.setattr(ChatServer, "_on_send", recording)
    window_thread = threading.get_ident()
    window_loop = asyncio.get_event_loop()
    host, guest, _ = host_and_guest(open_window, qtbot)

    type_and_send(qtbot, guest, "hello host")
    qtbot.waitUntil(lambda: "hello host" in texts(host, Kind.OTHER))
    type_and_send(qtbot, host, "hello guest")
    qtbot.waitUntil(lambda: "hello guest" in texts(guest, Kind.OTHER))

    assert len(handled) == 2
    assert host.server is not None and host.server.thread is not None
    server_thread = host.server.thread.ident
    assert {ident for ident, _ in handled} == {server_thread}
    assert window_thread != server_thread
    assert all(loop is not window_loop for _, loop in handled)
    assert arun(host.server.call(lambda _server: threading.get_ident())) == server_thread
    assert arun(host.server.client_count()) == 2


def test_the_window_keeps_working_while_its_server_is_stuck(
    qtbot: Any, open_window: Any, arun: Callable[..., Any]
) -> None:
    host, guest, _ = host_and_guest(open_window, qtbot)
    assert host.server is not None
    stuck, release = threading.Event(), threading.Event()

    def hold(_server: ChatServer) -> None:
        stuck.set()
        release.wait(10)

    held = asyncio.ensure_future(host.server.call(hold))
    try:
        qtbot.waitUntil(stuck.is_set)
        ticks: list[int] = []
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        # The server's thread is stuck; the window still takes input and shows it.
        type_and_send(qtbot, host, "written while the server is busy")
        qtbot.waitUntil(lambda: len(ticks) >= 10)
        timer.stop()
        assert "written while the server is busy" in texts(host, Kind.OWN)
        assert "written while the server is busy" not in texts(guest, Kind.OTHER)
    finally:
        release.set()
    arun(held)
    qtbot.waitUntil(lambda: "written while the server is busy" in texts(guest, Kind.OTHER))


def test_closing_the_hosting_window_stops_its_server_and_thread(
    qtbot: Any, open_window: Any, arun: Callable[..., Any]
) -> None:
    gc_was_enabled, switch_interval = gc.isenabled(), sys.getswitchinterval()
    host, guest, port = host_and_guest(open_window, qtbot)
    # While it hosts, the window's thread collects garbage and waits less for the GIL.
    assert not gc.isenabled()
    assert sys.getswitchinterval() == min(switch_interval, hosting.SWITCH_INTERVAL)
    hosted = host.server
    assert hosted is not None and hosted.thread is not None
    thread = hosted.thread
    assert thread.is_alive() and thread.name == hosting.THREAD_NAME
    assert not port_is_free(port)

    arun(host.close())
    assert host.server is None
    assert not thread.is_alive()
    assert port_is_free(port)
    assert not hosted.running
    assert gc.isenabled() == gc_was_enabled
    assert sys.getswitchinterval() == switch_interval
    qtbot.waitUntil(lambda: "Disconnected from the server." in texts(guest, Kind.SYSTEM))
    qtbot.waitUntil(lambda: guest.client.status.state is not ConnectionState.CONNECTED)


def test_two_windows_hosting_at_once_one_hosts_and_the_other_joins(
    qtbot: Any, arun: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def nothing_listens(_host: str, _port: int, timeout: float = 1.0) -> bool:
        return False  # both windows see a free port and race to bind it

    monkeypatch.setattr("desktop_chat.app.window_hosting.is_listening", nothing_listens)
    default = f"http://127.0.0.1:{free_port()}"
    sessions = [
        ChatSession(Options(name=name, default_url=default, remember=False), backoff=FAST_BACKOFF)
        for name in ("first", "second")
    ]
    try:
        starts: Awaitable[Any] = asyncio.gather(*(s.start() for s in sessions))
        arun(starts)
        hosts = [s for s in sessions if s.hosting]
        guests = [s for s in sessions if not s.hosting]
        assert len(hosts) == 1 and len(guests) == 1
        host, guest = hosts[0], guests[0]
        wait_connected(qtbot, host)
        wait_connected(qtbot, guest)
        assert not any("could not host" in t for t in texts(guest, Kind.SYSTEM))
        type_and_send(qtbot, guest, "I lost the race")
        qtbot.waitUntil(lambda: "I lost the race" in texts(host, Kind.OTHER))
    finally:
        for session in sessions:
            arun(session.close())


def test_a_server_that_loses_the_port_at_listen_closes_its_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race's other half, made to happen: both bind (SO_REUSEADDR), the other
    listens first. The loser gets EADDRINUSE and leaks no socket (a leak would be
    a ResourceWarning, an error here)."""
    port = free_port()
    rival = socket.socket()
    rival.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    rival.bind(("127.0.0.1", port))
    start_serving = vars(asyncio.base_events.Server)["_start_serving"]  # where asyncio listens

    def rival_listens_first(self: asyncio.Server) -> None:
        rival.listen()
        start_serving(self)

    monkeypatch.setattr(asyncio.base_events.Server, "_start_serving", rival_listens_first)

    async def lose() -> int | None:
        loop = asyncio.get_running_loop()
        with pytest.raises(OSError) as caught:
            await loop.create_server(asyncio.Protocol, "127.0.0.1", port)
        return caught.value.errno

    with rival:
        with asyncio.Runner(loop_factory=hosting._plain_loop) as runner:
            assert runner.run(lose()) == errno.EADDRINUSE
        gc.collect()  # a socket left open is found here


def test_a_start_given_up_on_leaves_nothing_running(
    qtbot: Any, loop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window stops waiting for its server to start (cancelled) while the
    server's thread is still setting up: the thread still ends, the port is
    free, and the process-wide settings are back once it has."""
    gc_was_enabled, switch_interval = gc.isenabled(), sys.getswitchinterval()
    setting_up, go_on = threading.Event(), threading.Event()
    start_server = ChatServer.start

    async def slow_start(self: ChatServer, host: str, port: int) -> int:
        setting_up.set()
        go_on.wait(10)  # holds the server's thread, not the window's
        return await start_server(self, host, port)

    monkeypatch.setattr(ChatServer, "start", slow_start)
    port = free_port()
    hosted = hosting.HostedServer()
    start = asyncio.ensure_future(hosted.start("127.0.0.1", port))
    try:
        qtbot.waitUntil(setting_up.is_set)
        start.cancel()
    finally:
        go_on.set()
    qtbot.waitUntil(start.done)
    assert start.cancelled()
    thread = hosted.thread
    assert thread is not None and not thread.is_alive()
    assert not hosted.running
    assert port_is_free(port)
    assert gc.isenabled() == gc_was_enabled
    assert sys.getswitchinterval() == switch_interval


class _NoThreads(threading.Thread):
    def start(self) -> None:
        raise RuntimeError("can't start new thread")


@pytest.mark.parametrize("failure", ["thread", "database"])
def test_a_window_that_cannot_host_says_why_and_keeps_trying(
    qtbot: Any, open_window: Any, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    port = free_port()
    if failure == "thread":
        monkeypatch.setattr(hosting, "Thread", _NoThreads)
        session = open_window(None, "alone", default_url=f"http://127.0.0.1:{port}")
        why = "cannot start the server's thread: can't start new thread"
    else:
        default_db_path(port).mkdir(parents=True)  # SQLite cannot open a folder
        session = open_window(
            None, "alone", default_url=f"http://127.0.0.1:{port}", settings=Settings()
        )
        why = "cannot open the message database"
    assert not session.hosting
    said = [t for t in texts(session, Kind.SYSTEM) if "could not host the chat server" in t]
    assert len(said) == 1 and why in said[0], texts(session, Kind.SYSTEM)
    qtbot.waitUntil(lambda: "Connection refused" in session.window.status_label.details())
    assert not [t for t in threading.enumerate() if t.name == hosting.THREAD_NAME]
    assert port_is_free(port)


def test_the_hosting_app_stops_its_server_on_ctrl_c_and_exits_cleanly(tmp_path: Path) -> None:
    """The `desktop-chat` command, hosting (its last server is a free local port):
    Ctrl+C stops the server's thread with the window, under -W error and dev mode."""
    port = free_port()
    settings = tmp_path / "config" / "desktop-chat" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"url": f"http://127.0.0.1:{port}"}), encoding="utf-8")

    async def scenario() -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            *(sys.executable, "-W", "error", "-m", "desktop_chat", "--name", "proc"),
            env=app_env(tmp_path, PYTHONDEVMODE="1"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert proc.stderr is not None
        said: list[str] = []

        async def read_until(words: str) -> None:
            assert proc.stderr is not None
            while not said or words not in said[-1]:
                line = await asyncio.wait_for(proc.stderr.readline(), 20)
                assert line, f"the app ended before saying {words!r}: {''.join(said)}"
                said.append(line.decode())

        listener = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        gone = asyncio.Event()
        listener.on("disconnect", lambda *_: gone.set())
        try:
            # The window hosts, then its own client connects to its server.
            await read_until("(proc)")
            await listener.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
            assert await listener.call("join-room", "hall", timeout=5) == "Joined hall"
            proc.send_signal(signal.SIGINT)
            rest = await asyncio.wait_for(proc.stderr.read(), 20)
            await asyncio.wait_for(proc.wait(), 20)
            await asyncio.wait_for(gone.wait(), 10)
            assert not await is_listening("127.0.0.1", port)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await listener.disconnect()
        assert proc.returncode is not None
        return proc.returncode, "".join(said) + rest.decode()

    code, err = run_checked(scenario())
    assert code == 0, err
    assert f"desktop-chat-server on 127.0.0.1:{port} stopped" in err, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "Warning" not in err and "never awaited" not in err, err


def _reconnect_attempts(session: ChatSession) -> list[object]:
    """Every connection attempt that failed from now on (a status with an error)."""
    failed: list[object] = []
    session.bridge.status_changed.connect(
        lambda status: failed.append(status) if status.error else None
    )
    return failed


def test_a_window_that_could_not_host_says_it_once_not_at_every_reconnect(
    qtbot: Any, open_window: Any
) -> None:
    """The takeover (app/host_takeover.py) does not try again, and say again, what
    failed at start, while the window retries its connection."""
    port = free_port()
    default_db_path(port).mkdir(parents=True)  # SQLite cannot open a folder
    session = open_window(
        None, "alone", default_url=f"http://127.0.0.1:{port}", settings=Settings()
    )
    failed = _reconnect_attempts(session)
    qtbot.waitUntil(lambda: len(failed) >= 4)
    said = [t for t in texts(session, Kind.SYSTEM) if "could not host the chat server" in t]
    assert len(said) == 1, said
    assert not session.hosting


def test_a_window_connected_elsewhere_does_not_host_its_default_address(
    qtbot: Any, open_window: Any, arun: Callable[..., Any]
) -> None:
    """The default address's server (started by hand) is gone, and the user has
    connected to another server meanwhile: losing that one hosts nothing here."""
    port = free_port()
    at_default = ChatServer()
    arun(at_default.start("127.0.0.1", port))
    elsewhere = ChatServer()
    arun(elsewhere.start("127.0.0.1", 0))
    try:
        session = open_window(
            None, "wanderer", default_url=f"http://127.0.0.1:{port}", settings=Settings()
        )
        assert not session.hosting
        wait_connected(qtbot, session)
        session.window.server_url.setText(f"http://127.0.0.1:{elsewhere.port}")
        session.window.connect_button.click()
        qtbot.waitUntil(
            lambda: (
                session.client.status.state is ConnectionState.CONNECTED
                and session.client.status.url.endswith(f":{elsewhere.port}")
            )
        )
        arun(at_default.stop())
        failed = _reconnect_attempts(session)
        arun(elsewhere.stop())
        qtbot.waitUntil(lambda: len(failed) >= 4)
        assert not session.hosting
        assert port_is_free(port)
    finally:
        arun(elsewhere.stop())
        arun(at_default.stop())
