"""The desktop-chat process killed with messages pending: they are sent, once, on restart.

The app runs as its own process, driven through its automation hook
(desktop_chat/app/automation.py) exactly as a user's clicks would drive it.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import app_env, free_port, run_checked, until


class App:
    """One run of `python -m desktop_chat` with its stdout read as JSON events."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.events: list[dict[str, Any]] = []
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, home: Path, url: str) -> App:
        env = app_env(home, DESKTOP_CHAT_AUTOMATION="1")
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "desktop_chat",
            "--url",
            url,
            "--name",
            "writer",
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        return cls(proc)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            self.events.append(json.loads(line))

    def command(self, **cmd: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(cmd) + "\n").encode())

    def own(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == "message" and e["kind"] == "own"]

    def delivered(self) -> set[str]:
        return {
            e["id"] for e in self.events if e["event"] == "delivery" and e["state"] == "delivered"
        }

    async def finish(self) -> int:
        code = await asyncio.wait_for(self.proc.wait(), 20)
        await self._reader
        return code


def test_messages_pending_when_the_app_is_killed_are_sent_once_after_restart(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        texts = ["first words", "두 번째 말", "third, with a\nnewline"]

        # 1. The server is down: the user writes, the messages wait, the app is killed.
        app = await App.start(tmp_path, url)
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
        app.proc.send_signal(signal.SIGKILL)
        await app.finish()

        # 2. The server is up; the app starts again: they are shown pending, then sent.
        server = ChatServer()
        await server.start("127.0.0.1", port)
        listener = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        heard: list[Any] = []
        listener.on("receive-message", lambda *args: heard.append(args[0]))
        await listener.connect(url, transports=["websocket"])
        try:
            app = await App.start(tmp_path, url)
            await until(lambda: len(app.own()) == 3, timeout=20)
            assert [e["text"] for e in app.own()] == texts
            ids = {e["id"] for e in app.own()}
            await until(lambda: ids <= app.delivered(), timeout=20)
            await until(lambda: len(heard) >= 3)
            app.command(cmd="close")
            assert await app.finish() == 0

            # 3. Once more: nothing is left to send.
            app = await App.start(tmp_path, url)
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
            assert app.own() == []
            app.command(cmd="close")
            assert await app.finish() == 0
            assert heard == texts  # in order, each once
        finally:
            if app.proc.returncode is None:
                app.proc.kill()
                await app.finish()
            await listener.disconnect()
            await server.stop()

    run_checked(scenario())
