"""desktop-chat-server over a database it cannot read: it starts anyway, with a
fresh one, keeps the old file aside and says so (the command, as a process)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_chat.server.history import History
from tests.helpers import free_port, run_checked, until
from tests.server.test_server import Peer


def garbage(path: Path) -> str:
    path.write_bytes(b"\x00garbage, not SQLite\xff" * 1000)
    Path(f"{path}-wal").write_bytes(b"a write-ahead log that goes with it")
    return ".damaged-"


def newer(path: Path) -> str:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE messages (offset INTEGER PRIMARY KEY, other TEXT)")
        db.execute("PRAGMA user_version=99")
    db.close()
    return ".version-99-"


def truncated(path: Path) -> str:
    history = History(path)
    for i in range(3000):
        history.add(f"m{i}", "", "someone", "someone", "words " * 30, 1.0)
    history.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return ".damaged-"


@pytest.mark.parametrize("spoil", [garbage, newer, truncated])
def test_the_server_starts_over_an_unreadable_database_and_keeps_it_aside(
    tmp_path: Path, spoil: Callable[[Path], str]
) -> None:
    db = tmp_path / "server-3000.db"
    tag = spoil(db)
    original = db.read_bytes()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop_chat.server", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        listening = proc.stdout.readline()
        assert f"listening on http://127.0.0.1:{port}/socket.io" in listening, listening
        moved = proc.stdout.readline()
        assert "could not be read" in moved and "moved aside to" in moved, moved
        (aside,) = tmp_path.glob(f"server-3000.db{tag}*[0-9]Z")
        assert str(aside) in moved
        assert aside.read_bytes() == original
        if spoil is garbage:
            assert Path(f"{aside}-wal").read_bytes() == b"a write-ahead log that goes with it"

        async def talk() -> list[object]:
            a, b = Peer("a"), Peer("b")
            await a.sio.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
            await b.sio.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
            ack = await a.sio.call("send-message", ("fresh start", ""), timeout=5)
            await until(lambda: b.texts() == ["fresh start"])
            await a.leave()
            await b.leave()
            return [ack["offset"]]

        assert run_checked(talk()) == [1]  # a new database, counting from the start
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "moved it aside to" in err and "Traceback" not in err
