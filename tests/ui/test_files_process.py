"""Files through the `desktop-chat` command's automation (as the bundle's
smoke test drives it): attach a file with a caption, see it delivered with
its attachment, download it into a folder and find the same bytes there."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.files import FilesConfig
from tests.helpers import run_checked
from tests.procs import Child, app_env


def test_attach_and_download_through_automation(tmp_path: Path) -> None:
    payload = os.urandom(150_000)
    source = tmp_path / "minutes.pdf"
    source.write_bytes(payload)
    folder = tmp_path / "fetched"
    folder.mkdir()

    async def scenario() -> Child:
        server = ChatServer(files=FilesConfig(tmp_path / "server-files"))
        url = f"http://127.0.0.1:{await server.start('127.0.0.1', 0)}"
        argv = [sys.executable, "-W", "error", "-m", "desktop_chat", "--url", url,
                "--name", "proc"]  # fmt: skip
        env = app_env(tmp_path, PYTHONDEVMODE="1", DESKTOP_CHAT_AUTOMATION="1")
        app = Child("desktop-chat", argv, env=env)
        try:
            await app.anext_event(20, "the app to connect", event="status", state="connected")
            app.command(cmd="attach", paths=[str(source)], caption="the minutes", room="")
            line = await app.anext_event(
                10, "the file's line", event="message", kind="own", text="the minutes"
            )
            assert line["attachment"]["name"] == "minutes.pdf"
            assert line["attachment"]["size"] == len(payload)
            await app.anext_event(
                20, "the upload", event="transfer", id=line["id"], upload=True, state="done"
            )
            await app.anext_event(
                20, "its delivery", event="delivery", id=line["id"], state="delivered"
            )
            app.command(cmd="download", id=line["id"], folder=str(folder))
            done = await app.anext_event(20, "the download", event="downloaded", id=line["id"])
            assert Path(done["path"]).parent == folder
            assert Path(done["path"]).read_bytes() == payload
            assert await app.ainterrupt(20) == 0, app.describe()
        finally:
            app.reap()
            await server.stop()
        return app

    app = run_checked(scenario())
    err = app.text("stderr")
    assert "Traceback" not in err and "never awaited" not in err, err
