"""The app as a child process, killed (SIGKILL) while the user is writing: the
half-written text is back in its conversation after a restart; the history
of what was said is shown again (reported as restored) and searchable."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port, run_checked, until
from tests.reliability.test_client_process import App


def test_a_draft_and_the_history_survive_a_killed_process(tmp_path: Path) -> None:
    async def scenario() -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = ChatServer()
        await server.start("127.0.0.1", port)
        try:
            app = App.start(tmp_path, url)
            await until(
                lambda: any(
                    e["event"] == "status" and e["state"] == "connected" for e in app.events
                ),
                timeout=20,
            )
            app.command(cmd="join", room="garden")
            app.command(cmd="send", text="안녕하세요, garden", room="garden")
            await until(lambda: bool(app.delivered()), timeout=20)
            app.command(cmd="type", text="half written 반쯤")
            await asyncio.sleep(1.5)  # past the draft's debounce and a history commit
            app.child.signal(signal.SIGKILL)
            await app.finish()

            app = App.start(tmp_path, url)
            await until(
                lambda: any(
                    e["event"] == "status" and e["state"] == "connected" for e in app.events
                ),
                timeout=20,
            )
            restored = [e for e in app.events if e.get("restored")]
            assert [e["text"] for e in restored if e["kind"] == "own"] == ["안녕하세요, garden"]
            app.command(cmd="input")
            await until(lambda: bool(app.child.events_where(event="input")), timeout=10)
            shown = app.child.events_where(event="input")[-1]
            assert (shown["text"], shown["room"]) == ("half written 반쯤", "garden")
            app.command(cmd="search", text="하세요", all=True)
            await until(lambda: bool(app.child.events_where(event="results")), timeout=10)
            results = app.child.events_where(event="results")[-1]
            assert results["texts"] == ["안녕하세요, garden"] and results["rooms"] == ["garden"]
            app.command(cmd="close")
            assert await app.finish() == 0
        finally:
            await server.stop()

    run_checked(scenario())
