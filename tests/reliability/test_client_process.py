"""The desktop-chat process killed with messages pending: they are sent, once, on restart.

The app runs as its own process, driven through its automation hook
(desktop_chat/app/automation.py) exactly as a user's clicks would drive it.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port, run_checked, until
from tests.procs import Child, app_env


class App:
    """One run of `python -m desktop_chat` with its automation events (tests/procs.Child)."""

    def __init__(self, child: Child) -> None:
        self.child = child

    @classmethod
    def start(cls, home: Path, url: str) -> App:
        env = app_env(home, DESKTOP_CHAT_AUTOMATION="1")
        argv = [sys.executable, "-m", "desktop_chat", "--url", url, "--name", "writer"]
        return cls(Child("desktop-chat", argv, env=env))

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.child.events_where()

    def command(self, **cmd: Any) -> None:
        self.child.command(**cmd)

    def own(self) -> list[dict[str, Any]]:
        return self.child.events_where(event="message", kind="own")

    def delivered(self) -> set[str]:
        return {e["id"] for e in self.child.events_where(event="delivery", state="delivered")}

    async def finish(self) -> int:
        return await self.child.aexit_code(20)


def test_messages_pending_when_the_app_is_killed_are_sent_once_after_restart(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        texts = ["first words", "두 번째 말", "third, with a\nnewline"]

        # 1. The server is down: the user writes, the messages wait, the app is killed.
        app = App.start(tmp_path, url)
        await until(
            lambda: any(
                e["event"] == "status" and e["state"] == "reconnecting" for e in app.events
            ),
            timeout=20,
        )
        for text in texts:
            app.command(cmd="send", text=text)
        await until(lambda: len(app.own()) == 3, timeout=10)
        assert [e["state"] for e in app.own()] == ["pending"] * 3
        app.child.signal(signal.SIGKILL)
        await app.finish()

        # 2. The server is up; the app starts again: they are shown pending, then sent.
        server = ChatServer()
        await server.start("127.0.0.1", port)
        listener = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        heard: list[Any] = []
        listener.on("receive-message", lambda *args: heard.append(args[0]))
        await listener.connect(url, transports=["websocket"])
        try:
            app = App.start(tmp_path, url)
            await until(lambda: len(app.own()) == 3, timeout=20)
            assert [e["text"] for e in app.own()] == texts
            ids = {e["id"] for e in app.own()}
            await until(lambda: ids <= app.delivered(), timeout=20)
            await until(lambda: len(heard) >= 3)
            app.command(cmd="close")
            assert await app.finish() == 0

            # 3. Once more: nothing is left to send.
            app = App.start(tmp_path, url)
            await until(
                lambda: any(
                    e["event"] == "status" and e["state"] == "connected" for e in app.events
                ),
                timeout=20,
            )
            await listener.emit("send-message", ("marker", ""))
            await until(
                lambda: any(e["event"] == "message" and e["text"] == "marker" for e in app.events),
                timeout=10,
            )
            # Shown again from the local history, delivered; nothing new to send.
            assert [e for e in app.own() if not e["restored"]] == []
            assert sorted(e["text"] for e in app.own()) == sorted(texts)
            assert {e["state"] for e in app.own()} == {"delivered"}
            app.command(cmd="close")
            assert await app.finish() == 0
            assert heard == texts  # in order, each once
        finally:
            app.child.reap()
            await listener.disconnect()
            await server.stop()

    run_checked(scenario())
