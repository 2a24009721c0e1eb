"""Accounts in the app as a child process: unread counts that survive a kill,
accounts added through the automation that come back, with the same ids, at
the next start."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port, run_checked, until
from tests.procs import Child, app_env
from tests.reliability.test_client_process import App


def kept_unread(home: Path) -> dict[str, Any]:
    """What the app's history file says is unread (read as another program would)."""
    path = home / "data" / "desktop-chat" / "history.db"
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT value FROM conversation_state WHERE key = 'unread'").fetchone()
    except sqlite3.Error:
        return {}
    finally:
        db.close()
    return dict(json.loads(row[0])) if row else {}


@contextlib.asynccontextmanager
async def two_servers() -> AsyncIterator[tuple[list[ChatServer], list[str]]]:
    """Two desktop-chat-servers on loopback, and their addresses."""
    ports = free_port(), free_port()
    servers = [ChatServer(), ChatServer()]
    for server, port in zip(servers, ports, strict=True):
        await server.start("127.0.0.1", port)
    try:
        yield servers, [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            await server.stop()


class Started(list[App]):
    """Every app a test started, killed at its end however it ends."""

    def start(self, home: Path, url: str) -> App:
        self.append(App.start(home, url))
        return self[-1]

    def reap(self) -> None:
        for app in self:
            app.child.reap()


@pytest.fixture
def apps() -> Iterator[Started]:
    started = Started()
    yield started
    started.reap()


def connected(app: App, account: str | None = None) -> bool:
    return any(
        e["event"] == "status"
        and e["state"] == "connected"
        and (account is None or e.get("account") == account)
        for e in app.events
    )


def test_unread_counts_survive_a_killed_process(tmp_path: Path, apps: Started) -> None:
    async def scenario() -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = ChatServer()
        await server.start("127.0.0.1", port)
        reader_home, writer_home = tmp_path / "reader", tmp_path / "writer"
        try:
            reader = apps.start(reader_home, url)
            writer = apps.start(writer_home, url)
            await until(lambda: connected(reader) and connected(writer), timeout=20)
            for app in (reader, writer):
                app.command(cmd="join", room="garden")
            reader.command(cmd="show", room="")  # reading "Everyone", not #garden
            await until(lambda: bool(reader.child.events_where(event="shown", room="")), timeout=10)
            for i in range(3):
                writer.command(cmd="send", text=f"garden {i}", room="garden")
            await until(lambda: len(writer.delivered()) == 3, timeout=20)
            await until(lambda: kept_unread(reader_home).get("garden", [0])[0] == 3, timeout=20)
            reader.child.signal(signal.SIGKILL)
            await reader.finish()

            reader = apps.start(reader_home, url)
            await until(lambda: connected(reader), timeout=20)
            reader.command(cmd="state")
            await until(lambda: bool(reader.child.events_where(event="state")), timeout=10)
            assert reader.child.events_where(event="state")[-1]["unread"] == 3
            for app in (reader, writer):
                app.command(cmd="close")
                assert await app.finish() == 0
        finally:
            await server.stop()

    run_checked(scenario())


def test_accounts_added_come_back_with_their_ids(tmp_path: Path, apps: Started) -> None:
    async def scenario() -> None:
        async with two_servers() as (_servers, urls):
            app = apps.start(tmp_path, urls[0])
            await until(lambda: connected(app), timeout=20)
            first = app.child.events_where(event="account", state="added")
            assert [e["url"] for e in first] == [urls[0]]
            app.command(cmd="add-account", url=urls[1], name="second me")
            await until(lambda: len(app.child.events_where(event="account")) == 2, timeout=10)
            added = app.child.events_where(event="account")[-1]
            assert (added["url"], added["name"], added["state"]) == (urls[1], "second me", "added")
            await until(lambda: connected(app, added["account"]), timeout=20)
            app.command(cmd="send", text="from the second", account=added["account"])
            await until(
                lambda: any(
                    e.get("account") == added["account"]
                    for e in app.child.events_where(event="delivery", state="delivered")
                ),
                timeout=20,
            )
            app.command(cmd="close")
            assert await app.finish() == 0

            app = apps.start(tmp_path, urls[0])
            await until(
                lambda: connected(app, first[0]["account"]) and connected(app, added["account"]),
                timeout=20,
            )
            at_start = app.child.events_where(event="account")
            assert [(e["account"], e["state"]) for e in at_start] == [
                (first[0]["account"], "added"),
                (added["account"], "added"),
            ]
            restored = [
                e for e in app.child.events_where(event="message", kind="own") if e["restored"]
            ]
            assert [(e["text"], e["account"]) for e in restored] == [
                ("from the second", added["account"])
            ]
            app.command(cmd="close")
            assert await app.finish() == 0

    run_checked(scenario())


def test_url_given_twice_is_two_accounts_in_one_window(tmp_path: Path, apps: Started) -> None:
    async def scenario() -> None:
        async with two_servers() as (servers, urls):
            env = app_env(tmp_path, DESKTOP_CHAT_AUTOMATION="1")
            argv = [
                sys.executable,
                "-m",
                "desktop_chat",
                "--url",
                urls[0],
                "--url",
                urls[1],
                "--name",
                "twice",
            ]
            app = App(Child("desktop-chat", argv, env=env))
            apps.append(app)
            await until(lambda: len(app.child.events_where(event="account")) == 2, timeout=20)
            accounts = app.child.events_where(event="account")
            assert [(e["url"], e["state"]) for e in accounts] == [
                (urls[0], "added"),
                (urls[1], "added"),
            ]
            await until(lambda: all(connected(app, e["account"]) for e in accounts), timeout=20)
            for server in servers:
                assert server.client_count == 1
            app.command(cmd="close")
            assert await app.finish() == 0

    run_checked(scenario())
