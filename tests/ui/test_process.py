"""The `desktop-chat` command as a user runs it: starts, shows what is said, Ctrl+C ends it."""

from __future__ import annotations

import sys
from pathlib import Path

import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, until
from tests.procs import Child, app_env


def test_the_app_shows_what_others_say_and_exits_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    """The window (reported through its automation hook: every line added to the
    conversation) shows a peer's room message and broadcast, each once, with
    the sender's name and the room; then Ctrl+C ends it with 0 and no noise."""

    async def scenario() -> Child:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}"
        listener = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        await listener.connect(url, transports=["websocket"], auth={"name": "peer"})
        argv = [sys.executable, "-W", "error", "-m", "desktop_chat", "--url", url,
                "--name", "proc", "--room", "hall"]  # fmt: skip
        env = app_env(tmp_path, PYTHONDEVMODE="1", DESKTOP_CHAT_AUTOMATION="1")
        app = Child("desktop-chat", argv, env=env)
        try:
            await app.anext_event(20, "the app to connect", event="status", state="connected")
            await app.anext_event(
                10, "the app's join to be acked", event="message", kind="system", text="Joined hall"
            )
            await listener.call("join-room", "hall", timeout=5)
            await listener.emit("send-message", ("hello app", "hall"))
            await listener.emit("send-message", ("hello everyone", ""))
            in_room = await app.anext_event(
                10, "the room message", event="message", kind="other", text="hello app"
            )
            to_all = await app.anext_event(
                10, "the broadcast", event="message", kind="other", text="hello everyone"
            )
            assert (in_room["sender"], in_room["room"]) == ("peer", "hall")
            assert (to_all["sender"], to_all["room"]) == ("peer", "")
            assert await app.ainterrupt(20) == 0, app.describe()
            await until(lambda: server.client_count == 1, what="the app to disconnect")
        finally:
            app.reap()
            await listener.disconnect()
            await server.stop()
        return app

    app = run_checked(scenario())
    shown = [e["text"] for e in app.events if e.get("event") == "message" and e["kind"] == "other"]
    assert shown == ["hello app", "hello everyone"]  # each once, nothing else
    err = app.text("stderr")
    assert "Traceback" not in err
    assert "Warning" not in err and "never awaited" not in err, err


def run_app(tmp_path: Path, *args: str) -> tuple[int, str]:
    """`desktop-chat ARGS` without any display; its exit code and everything it printed."""
    env = app_env(tmp_path, PYTHONDEVMODE="1")
    env.pop("QT_QPA_PLATFORM")
    env.pop("DISPLAY", None)
    app = Child("desktop-chat", [sys.executable, "-m", "desktop_chat", *args], env=env, stdin=False)
    try:
        code = app.exit_code(30)
    finally:
        app.reap()
    return code, "".join(line + "\n" for s in ("stdout", "stderr") for line in app.lines[s])


def test_version_and_help_need_no_display(tmp_path: Path) -> None:
    from desktop_chat import __version__

    assert run_app(tmp_path, "--version") == (0, f"desktop-chat {__version__}\n")
    code, text = run_app(tmp_path, "--help")
    assert code == 0 and "--url" in text and "--room" in text
    code, text = run_app(tmp_path, "--url", "http://127.0.0.1:9")
    assert code == 1 and "no display was found" in text
