"""The `desktop-chat` command as a user runs it: starts, chats, Ctrl+C exits cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import app_env, until


def test_the_app_joins_a_server_and_exits_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, str]:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        listener = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        heard: list[tuple[object, ...]] = []
        listener.on("receive-message", lambda *a: heard.append(a))
        await listener.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-W",
            "error",
            "-m",
            "desktop_chat",
            "--url",
            f"http://127.0.0.1:{port}",
            "--name",
            "proc",
            "--room",
            "hall",
            env=app_env(tmp_path, PYTHONDEVMODE="1"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await until(lambda: server.client_count == 2, timeout=20, what="the app to connect")
            await listener.call("join-room", "hall", timeout=5)
            await listener.emit("send-message", ("hello app", "hall"))
            proc.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(proc.communicate(), 20)
            await until(lambda: server.client_count == 1, what="the app to disconnect")
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await listener.disconnect()
            await server.stop()
        assert proc.returncode is not None
        return proc.returncode, err.decode()

    code, err = asyncio.run(scenario())
    assert code == 0, err
    assert "Traceback" not in err
    assert "Warning" not in err and "never awaited" not in err


def test_version_and_help_need_no_display(tmp_path: Path) -> None:
    async def run(*args: str) -> tuple[int, str]:
        env = app_env(tmp_path, PYTHONDEVMODE="1")
        env.pop("QT_QPA_PLATFORM")
        env.pop("DISPLAY", None)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "desktop_chat",
            *args,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        assert proc.returncode is not None
        return proc.returncode, out.decode()

    from desktop_chat import __version__

    assert asyncio.run(run("--version")) == (0, f"desktop-chat {__version__}\n")
    code, text = asyncio.run(run("--help"))
    assert code == 0 and "--url" in text and "--room" in text
    code, text = asyncio.run(run("--url", "http://127.0.0.1:9"))
    assert code == 1 and "no display was found" in text
