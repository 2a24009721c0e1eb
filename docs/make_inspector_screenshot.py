"""Draws docs/inspector.png: the window on a server of Socket.IO's chat demo
protocol (tests/interop/demo_server.js), chatting with a socket.io-client
peer (peer.js), the packet inspector open.

Needs Node.js and `npm ci` in tests/interop. Run under Xvfb so that Qt's
real X11 platform draws the window:
    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python docs/make_inspector_screenshot.py
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import qasync
from _shots import english, until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.transport import configure_engineio

INTEROP = Path(__file__).resolve().parents[1] / "tests" / "interop"


async def node(*argv: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        "node",
        *argv,
        cwd=INTEROP,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )


def command(peer: asyncio.subprocess.Process, **cmd: object) -> None:
    assert peer.stdin is not None
    peer.stdin.write((json.dumps(cmd) + "\n").encode())


async def main(out: Path) -> None:
    server = await node("demo_server.js", "--port", "0", "--quiet", "--exit-with-stdin")
    assert server.stdout is not None
    port = int((await server.stdout.readline()).split()[1])
    url = f"http://127.0.0.1:{port}"
    alice = ChatSession(
        Options(url=url, name="alice", remember=False, profile="socketio-chat-demo"), Settings()
    )
    alice.window.resize(1040, 900)
    alice.window.move(10, 10)
    alice.inspector.open()
    await alice.start()
    await until(lambda: alice.client.status.state is ConnectionState.CONNECTED, timeout=15)
    await until(lambda: alice.window.presence.count.text() == "1 participant", timeout=15)
    bob = await node("peer.js", "--url", url, "--name", "bob", "--no-reconnect")
    command(bob, cmd="emit", event="add user", args=["bob"])
    await until(lambda: alice.window.presence.count.text() == "2 participants", timeout=15)
    command(bob, cmd="emit", event="new message", args=["Hi Alice! Is that the desktop client?"])
    await until(
        lambda: any(m.text.startswith("Hi Alice") for m in alice.model.messages()), timeout=15
    )
    alice.bridge.send("It is, with the packet inspector open (Ctrl+Shift+I).", "")
    command(bob, cmd="emit", event="typing", args=[])
    await until(lambda: alice.window.presence.typing.text() == "bob is typing…", timeout=15)
    panel = alice.inspector.panel
    panel.emit_event.setText("new message")
    panel.emit_args.setText('["sent from the Emit row"]')
    # Tall enough for every packet of this short conversation (no row cut off).
    alice.window.resizeDocks([alice.inspector.dock], [440], Qt.Orientation.Vertical)
    await asyncio.sleep(0.6)  # let the window paint before the grab
    alice.window.grab().save(str(out))
    await alice.close()
    for proc in (bob, server):
        assert proc.stdin is not None
        proc.stdin.close()
        await proc.wait()


if __name__ == "__main__":
    configure_engineio()
    app = QApplication(sys.argv[:1])
    english(app)
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(Path(__file__).with_name("inspector.png")))
