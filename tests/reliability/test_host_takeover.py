"""The hosted server outlives its window: when the window that hosts it closes
(or is killed), one of the user's other windows hosts it again on the same
address with the same message store, and every window reconnects through
its ordinary reconnect path: nothing is lost, nothing comes twice.

Three `desktop-chat` processes share one data folder (one user), started
without --url; their last server, in the shared settings, is a free port on
127.0.0.1, so the first window hosts there (as at http://localhost:3000 on a
first start). Each is driven and read through its automation JSON lines
(desktop_chat/app/automation.py); every wait is on a condition.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

import socketio

from tests.helpers import free_port, run_checked, until
from tests.procs import Child, app_env

START = 40.0  # s: a window comes up (three Qt processes on a shared 2-core machine)
SETTLE = 40.0  # s: the server is gone, taken over, and every window has caught up


class Window:
    """One `desktop-chat` process of the user whose data folder is `home`."""

    def __init__(self, home: Path, name: str) -> None:
        self.name = name
        env = app_env(home, DESKTOP_CHAT_AUTOMATION="1")
        argv = [sys.executable, "-m", "desktop_chat", "--name", name]
        self.child = Child(name, argv, env=env)

    def command(self, **cmd: Any) -> None:
        self.child.command(**cmd)

    def statuses(self) -> list[dict[str, Any]]:
        return self.child.events_where(event="status")

    def state(self) -> str:
        statuses = self.statuses()
        return str(statuses[-1]["state"]) if statuses else ""

    def hosting(self) -> bool:
        """What the last status said about hosting."""
        statuses = self.statuses()
        return bool(statuses and statuses[-1].get("hosting") is True)

    def ever_hosted(self) -> bool:
        return any(e.get("hosting") is True for e in self.statuses())

    def connected(self) -> bool:
        return self.state() == "connected"

    def lines(self) -> list[str]:
        """The conversation as this window shows it: every message, own and others',
        in the order the window added them (system lines aside)."""
        return [
            e["text"]
            for e in self.child.events_where(event="message")
            if e["kind"] in ("own", "other")
        ]

    def own_ids(self) -> list[str]:
        return [e["id"] for e in self.child.events_where(event="message", kind="own")]

    def delivered(self) -> set[str]:
        return {e["id"] for e in self.child.events_where(event="delivery", state="delivered")}

    def all_delivered(self) -> bool:
        return set(self.own_ids()) <= self.delivered()

    def wait(self, condition: Any, what: str, timeout: float = SETTLE) -> None:
        self.child.wait(condition, f"{self.name}: {what}", timeout)


def _home(tmp_path: Path, port: int) -> Path:
    """A data and config folder whose last server is 127.0.0.1:port (not --url)."""
    settings = tmp_path / "config" / "desktop-chat" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"url": f"http://127.0.0.1:{port}"}), encoding="utf-8")
    return tmp_path


def stored(port: int) -> list[str]:
    """Everything the server at `port` keeps, as a client with nothing would get
    it: a replay from offset 0, in the store's order."""

    async def replay() -> list[str]:
        listener = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        heard: list[str] = []
        done: list[object] = []
        listener.on("receive-message", lambda text, *_: heard.append(text))
        listener.on("replay-done", done.append)
        await listener.connect(
            f"http://127.0.0.1:{port}",
            auth={"name": "listener", "offset": 0},
            transports=["websocket"],
        )
        try:
            await until(lambda: bool(done), 20, "the replay from offset 0")
        finally:
            await listener.disconnect()
        return heard

    return run_checked(replay())


def _three_windows(tmp_path: Path) -> tuple[Window, Window, Window, int]:
    port = free_port()
    home = _home(tmp_path, port)
    anna = Window(home, "anna")
    anna.wait(anna.connected, "to host and connect", START)
    assert anna.hosting(), anna.child.describe()
    bert, cleo = Window(home, "bert"), Window(home, "cleo")
    bert.wait(bert.connected, "to connect to anna's server", START)
    cleo.wait(cleo.connected, "to connect to anna's server", START)
    assert not bert.hosting() and not cleo.hosting()
    return anna, bert, cleo, port


def _end(*windows: Window) -> None:
    for window in windows:
        window.child.request_stop()
    for window in windows:
        try:
            window.child.exit_code(20)
        finally:
            window.child.reap()


def test_the_hosting_window_closes_mid_conversation_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    anna, bert, cleo, port = _three_windows(tmp_path)
    windows = (anna, bert, cleo)
    try:
        # A conversation of the three, one message at a time, so that its order is known.
        said: list[str] = []
        for window, text in ((anna, "anna: hello"), (cleo, "cleo: 안녕"), (bert, "bert: hi")):
            window.command(cmd="send", text=text)
            said.append(text)
            for other in windows:
                other.wait(lambda o=other: o.lines() == said, f"to show {said}")

        # bert sends a series; anna (hosting) closes while it is on its way, and
        # the rest is written while no server is there at all.
        series = [f"bert {i}" for i in range(40)]
        for text in series[:15]:
            bert.command(cmd="send", text=text)
        anna.command(cmd="close")
        for text in series[15:30]:
            bert.command(cmd="send", text=text)
        assert anna.child.exit_code(20) == 0, anna.child.describe()
        for text in series[30:]:
            bert.command(cmd="send", text=text)
        said += series

        # One of the others hosts now; both reconnect; bert's series is delivered.
        for window in (bert, cleo):
            window.wait(
                lambda w=window: w.connected() and (bert.hosting() or cleo.hosting()),
                "to be connected again, to a server one of the two hosts",
            )
        bert.wait(
            lambda: len(bert.own_ids()) == 1 + len(series) and bert.all_delivered(),
            "every message of the series delivered",
        )
        cleo.wait(lambda: cleo.lines()[: len(said)] == said, f"to show {said}")
        cleo.command(cmd="send", text="cleo: still here")
        said.append("cleo: still here")
        for window in (bert, cleo):
            window.wait(lambda w=window: w.lines()[: len(said)] == said, f"to show {said}")
        cleo.wait(
            lambda: len(cleo.own_ids()) == 2 and cleo.all_delivered(), "its messages delivered"
        )
        # Every message once, in order, in both windows.
        assert bert.lines() == said
        assert cleo.lines() == said
        assert bert.all_delivered() and cleo.all_delivered()
        assert bert.hosting() != cleo.hosting()
        # The same store, taken over: it keeps every message once, in order.
        assert stored(port) == said
        for window in windows:
            window.child.assert_clean_stderr()
    finally:
        _end(*windows)


def test_exactly_one_window_takes_over_each_time_the_host_goes(tmp_path: Path) -> None:
    """Two windows are left when the host closes: one hosts, the other only
    reconnects. The taker is then killed (SIGKILL, the operating system lets go
    of its lock): the last window hosts, with what was said before."""
    anna, bert, cleo, port = _three_windows(tmp_path)
    try:
        anna.command(cmd="send", text="before anna closed")
        for window in (bert, cleo):
            window.wait(lambda w=window: w.lines() == ["before anna closed"], "anna's message")
        anna.command(cmd="close")
        assert anna.child.exit_code(20) == 0, anna.child.describe()

        bert.wait(lambda: bert.hosting() or cleo.hosting(), "bert or cleo to host")
        taker, other = (bert, cleo) if bert.hosting() else (cleo, bert)
        for window in (taker, other):
            window.wait(window.connected, "to be connected again")
        assert taker.hosting() and not other.ever_hosted()
        said = [
            e["text"]
            for e in taker.child.events_where(event="message", kind="system")
            if "so this window hosts it now" in e["text"]
        ]
        assert len(said) == 1, taker.child.describe()
        # The other never tried to host and failed: it only reconnected.
        assert "could not host" not in other.child.text("stdout")

        taker.command(cmd="send", text="said to the taker's server")
        other.wait(lambda: "said to the taker's server" in other.lines(), "the taker's message")
        taker.child.signal(signal.SIGKILL)
        taker.child.exit_code(20)
        other.wait(lambda: other.hosting() and other.connected(), "to host after the taker died")
        # The same store: a message sent now comes after the others, once.
        other.command(cmd="send", text="alone now")
        other.wait(
            lambda: "alone now" in other.lines() and other.all_delivered(),
            "its message delivered to its own server",
        )
        assert other.lines() == ["before anna closed", "said to the taker's server", "alone now"]
        assert stored(port) == other.lines()  # one store, through two hosts and a SIGKILL
        other.child.assert_clean_stderr()
    finally:
        _end(anna, bert, cleo)
