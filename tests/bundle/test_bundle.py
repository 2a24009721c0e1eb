"""Smoke tests of the PyInstaller bundle itself, run in a clean environment.

The executables run with neither the project's virtualenv on PATH nor
PYTHONPATH, offscreen, and talk only to servers on 127.0.0.1: the bundle's
own server (started from the bundle) and the tutorial's Node server. The
tests' own peer is a plain python-socketio AsyncClient.

Driving the window from outside (typing a message, reading what arrived)
needs the app's test-only automation switch (DESKTOP_CHAT_AUTOMATION=1,
desktop_chat/app/automation.py); the tests that need it are skipped until the
package has it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import subprocess
import tarfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import socketio

from desktop_chat import __version__
from tests.bundle.conftest import ROOT, Bundle
from tests.helpers import free_port, run_checked
from tests.procs import Child, node_executable, running

# Building the bundle (once per session) happens in the first test's setup.
pytestmark = pytest.mark.timeout(1200)

START = 60.0  # seconds for a process to be up (a cold CI machine is slow)
STEP = 30.0  # seconds for one message to make its way
EXIT = 30.0  # seconds for a clean exit after SIGINT or close

INTEROP = ROOT / "tests" / "interop"
MiB = 1024 * 1024
# Issue 6's goals for the default onedir build, the one on disk raised from
# 120 to 122 MiB for the keyring (issue #24), the next dependency after
# docs/bundle.md said none had room left: 120.6 MiB without the emoji font.
MAX_ON_DISK = 122 * MiB
MAX_TAR_GZ = 50 * MiB

HAS_AUTOMATION = importlib.util.find_spec("desktop_chat.app.automation") is not None
needs_automation = pytest.mark.skipif(
    not HAS_AUTOMATION,
    reason=(
        "needs the app's test-only automation switch (DESKTOP_CHAT_AUTOMATION=1 reads "
        "commands on stdin and reports the window's messages on stdout, in "
        "desktop_chat/app/automation.py), which desktop_chat does not have yet"
    ),
)


def node_available() -> bool:
    found = node_executable() is not None and (INTEROP / "node_modules" / "socket.io").is_dir()
    if not found and os.environ.get("CI") == "true":
        pytest.fail("CI=true but node or tests/interop/node_modules is missing (npm ci)")
    return found


# ---- servers ----------------------------------------------------------------


@dataclass
class Server:
    kind: str  # "bundled" or "node"
    url: str
    proc: Child

    async def app_connected(self, app: Child, name: str) -> str:
        """Wait for the server to log the app's connection; its socket id."""
        if self.kind == "bundled":
            stream = "stderr"
            pattern = rf"client connected 127\.0\.0\.1 (\S+) \({re.escape(name)}\)"
        else:
            stream, pattern = "stdout", r"새로운 클라이언트 접속 \S+ (\S+)"
        match = await self.proc.anext_regex(
            stream, pattern, START, f"the {self.kind} server to log {name!r} connecting", watch=app
        )
        return match.group(1)

    async def app_disconnected(self, sid: str) -> None:
        if self.kind == "bundled":
            stream, text = "stderr", "client disconnected"
        else:
            stream, text = "stdout", "클라이언트 접속 해제"
        pattern = rf"{text} \S+ {re.escape(sid)}"
        await self.proc.anext_regex(stream, pattern, STEP, f"{sid} to disconnect")


@asynccontextmanager
async def bundled_server(bundle: Bundle, env: dict[str, str]) -> AsyncIterator[Server]:
    port = free_port()
    async with running("desktop-chat-server", [bundle.server, "--port", str(port)], env) as proc:
        await proc.anext_regex(
            "stdout",
            rf"listening on http://127\.0\.0\.1:{port}/socket\.io",
            START,
            "the bundled server to listen",
        )
        yield Server("bundled", f"http://127.0.0.1:{port}", proc)
        assert await proc.ainterrupt(EXIT) == 0, proc.describe()
        proc.assert_clean_stderr()


@asynccontextmanager
async def node_server() -> AsyncIterator[Server]:
    node = node_executable()
    assert node is not None
    async with running(
        "node server.js",
        [node, "server.js", "--port", "0", "--exit-with-stdin"],
        {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")},
        stdin=True,
        cwd=INTEROP,
    ) as proc:
        match = await proc.anext_regex(
            "stdout", r"^LISTENING (\d+)$", START, "the Node server to listen"
        )
        yield Server("node", f"http://127.0.0.1:{match.group(1)}", proc)


@asynccontextmanager
async def server_of(kind: str, bundle: Bundle, env: dict[str, str]) -> AsyncIterator[Server]:
    if kind == "bundled":
        async with bundled_server(bundle, env) as server:
            yield server
    else:
        async with node_server() as server:
            yield server


def require_server(kind: str) -> None:
    if kind == "node" and not node_available():
        pytest.skip("node and tests/interop/node_modules are needed for the Node server")


# ---- a plain python-socketio peer -----------------------------------------------


class Peer:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.received: list[tuple[Any, ...]] = []
        self._arrived = asyncio.Event()
        self.sio.on("receive-message", self._receive)

    def _receive(self, *args: Any) -> None:
        self.received.append(args)
        self._arrived.set()

    async def connect(self, url: str) -> None:
        await self.sio.connect(url, auth={"name": self.name}, wait_timeout=START)

    async def receive(self, text: str, timeout: float = STEP) -> tuple[Any, ...]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for args in self.received:
                if args and args[0] == text:
                    return args
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{self.name} never received {text!r}; got {self.received}")
            self._arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    async def close(self) -> None:
        await self.sio.shutdown()


# ---- the app ----------------------------------------------------------------------


def app_argv(bundle: Bundle, url: str, name: str = "bundle") -> list[str | Path]:
    return [bundle.app, "--url", url, "--name", name]


# ---- tests --------------------------------------------------------------------------


def test_version(bundle: Bundle, clean_env: dict[str, str]) -> None:
    for exe, prog in ((bundle.app, "desktop-chat"), (bundle.server, "desktop-chat-server")):
        result = subprocess.run(
            [str(exe), "--version"],
            env=clean_env,
            capture_output=True,
            text=True,
            timeout=START,
            check=False,
        )
        expected = (0, f"{prog} {__version__}\n", "")
        assert (result.returncode, result.stdout, result.stderr) == expected


def test_bundle_contents(bundle: Bundle) -> None:
    """Resources collected where importlib.resources finds them; what was left out stays out."""
    if bundle.folder is None:
        pytest.skip("a onefile build has no folder to look into")
    internal = bundle.folder / "_internal"
    assert (internal / "desktop_chat" / "resources" / "desktop-chat.png").is_file()
    share = bundle.folder / "share"
    assert (share / "applications" / "desktop-chat.desktop").is_file()
    for size in (16, 32, 48, 64, 128, 256):
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "desktop-chat.png"
        assert icon.is_file(), icon
    assert (share / "metainfo" / "io.github.desktop_chat.metainfo.xml").is_file()
    i18n = internal / "desktop_chat" / "resources" / "i18n"
    assert (i18n / "desktop_chat_ko.qm").is_file() and (i18n / "desktop_chat_en.qm").is_file()
    # The colour emoji font, where desktop_chat/ui/emoji_font.py looks (BUNDLED_FONT).
    fonts = internal / "desktop_chat" / "resources" / "fonts"
    assert (fonts / "NotoColorEmoji.ttf").stat().st_size > 5 * MiB
    assert (fonts / "NotoColorEmoji-copyright.txt").is_file()
    assert bundle.server.resolve() == bundle.app.resolve() or os.access(bundle.server, os.X_OK)
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert (plugins / "platforms" / "libqxcb.so").is_file()
    assert (plugins / "platforms" / "libqwayland.so").is_file()
    assert not (plugins / "platformthemes" / "libqgtk3.so").exists(), "gtk3 theme is shipped"
    assert not list(internal.glob("libgtk-3.so*")), "GTK came in through some other plugin"
    # Of Qt's translations only its Korean strings (desktop_chat/ui/i18n.py loads them).
    translations = internal / "PySide6" / "Qt" / "translations"
    assert sorted(p.name for p in translations.iterdir()) == ["qtbase_ko.qm"]
    for module in ("QtNetwork", "QtQml", "QtQuick", "QtPdf", "QtWebEngineCore"):
        assert not list(internal.glob(f"PySide6/{module}.*")), module


def test_bundle_size(bundle: Bundle, tmp_path: Path) -> None:
    """Issue 6's goals (122 MiB since the keyring) unpacked, <= 50 MiB as tar.gz."""
    if bundle.folder is None or os.environ.get("DESKTOP_CHAT_BUNDLE_EXE"):
        pytest.skip("the size goals are for the default onedir build made by this session")
    on_disk = sum(p.lstat().st_blocks * 512 for p in [bundle.folder, *bundle.folder.rglob("*")])
    archive = tmp_path / "desktop-chat.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(bundle.folder, arcname="desktop-chat")
    packed = archive.stat().st_size
    # The colour emoji font (#25) is on top of the goals: 10.5 MiB of PNG
    # bitmaps that gzip does not shrink, counted apart so that the goals
    # still hold for everything else.
    font = bundle.folder / "_internal" / "desktop_chat" / "resources" / "fonts"
    extra = sum(p.lstat().st_blocks * 512 for p in font.rglob("*")) if font.is_dir() else 0
    print(
        f"\nbundle: {on_disk / MiB:.1f} MiB on disk, {packed / MiB:.1f} MiB as tar.gz, "
        f"of which the emoji font {extra / MiB:.1f} MiB"
    )
    assert on_disk - extra <= MAX_ON_DISK, f"{on_disk / MiB:.1f} MiB on disk"
    assert packed - extra <= MAX_TAR_GZ, f"{packed / MiB:.1f} MiB as tar.gz"


def test_bundled_server_serves_a_plain_client(bundle: Bundle, clean_env: dict[str, str]) -> None:
    """The server from the bundle has its aiohttp driver ("Invalid async_mode" otherwise)."""

    async def scenario() -> None:
        async with bundled_server(bundle, clean_env) as server:
            alice, bob = Peer("alice"), Peer("bob")
            try:
                await alice.connect(server.url)
                await bob.connect(server.url)
                assert await alice.sio.call("join-room", "lobby", timeout=STEP) == "Joined lobby"
                assert await bob.sio.call("join-room", "lobby", timeout=STEP) == "Joined lobby"
                ack = await alice.sio.call("send-message", ("hi bob", "lobby"), timeout=STEP)
                assert isinstance(ack, dict) and "id" in ack, ack
                args = await bob.receive("hi bob")
                assert args[1]["from"]["name"] == "alice"
            finally:
                await alice.close()
                await bob.close()

    run_checked(scenario())


# (server, Qt platform): the bundle's server and the tutorial's Node server,
# offscreen; and the bundle's server with the app on a real X server (Xvfb),
# which loads the xcb plugin and the X libraries the bundle carries.
SETUPS = [
    pytest.param("bundled", "offscreen", id="bundled-server"),
    pytest.param("node", "offscreen", id="node-server"),
    pytest.param("bundled", "xcb", id="bundled-server-x11"),
]


@pytest.fixture
def app_env(request: pytest.FixtureRequest, clean_env: dict[str, str]) -> dict[str, str]:
    platform = request.node.callspec.params["platform"]
    if platform == "offscreen":
        return clean_env
    env = {k: v for k, v in clean_env.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = request.getfixturevalue("x_display")
    return env


@pytest.mark.parametrize(("kind", "platform"), SETUPS)
def test_app_connects_and_exits_cleanly_on_sigint(
    kind: str, platform: str, bundle: Bundle, clean_env: dict[str, str], app_env: dict[str, str]
) -> None:
    """The window starts, connects, and Ctrl+C closes it through the normal path: exit 0."""
    require_server(kind)

    async def scenario() -> None:
        async with (
            server_of(kind, bundle, clean_env) as server,
            running("desktop-chat", app_argv(bundle, server.url), app_env) as app,
        ):
            sid = await server.app_connected(app, "bundle")
            assert await app.ainterrupt(EXIT) == 0, app.describe()
            await server.app_disconnected(sid)
            app.assert_clean_stderr()

    run_checked(scenario())


@needs_automation
@pytest.mark.parametrize(("kind", "platform"), SETUPS)
def test_app_sends_and_receives(
    kind: str, platform: str, bundle: Bundle, clean_env: dict[str, str], app_env: dict[str, str]
) -> None:
    """A message typed in the bundled app reaches a plain client, and one comes back.

    Then the window is closed as by its close button, and the app exits 0.
    """
    require_server(kind)
    outgoing = f"안녕 from the bundle 🎈 {uuid.uuid4().hex[:8]}"
    incoming = f"hello back, bundle ✓ {uuid.uuid4().hex[:8]}"

    async def scenario() -> None:
        async with server_of(kind, bundle, clean_env) as server:
            peer = Peer("plain")
            await peer.connect(server.url)
            try:
                env = {**app_env, "DESKTOP_CHAT_AUTOMATION": "1"}
                async with running(
                    "desktop-chat", app_argv(bundle, server.url), env, stdin=True
                ) as app:
                    status = await app.anext_event(
                        START, "a connected window", event="status", state="connected"
                    )
                    assert status["window_visible"] is True, status
                    app.command(cmd="send", text=outgoing)
                    args = await peer.receive(outgoing)
                    if kind == "bundled":
                        assert args[1]["from"]["name"] == "bundle", args
                        mine = await app.anext_event(
                            STEP, "our own message", event="message", kind="own", text=outgoing
                        )
                        await app.anext_event(
                            STEP, "delivery", event="delivery", id=mine["id"], state="delivered"
                        )
                    await peer.sio.emit("send-message", (incoming, ""))
                    got = await app.anext_event(
                        STEP, "the peer's message", event="message", kind="other", text=incoming
                    )
                    if kind == "bundled":
                        assert got["sender"] == "plain", got
                    app.command(cmd="close")
                    assert await app.aexit_code(EXIT) == 0, app.describe()
                    app.assert_clean_stderr()
            finally:
                await peer.close()

    run_checked(scenario())
