"""Slowloris (issue #22, item 9): half-sent requests used to be kept for
good; with the server's file descriptors used up, new clients and /health
timed out, and the log grew by hundreds of megabytes of "Too many open
files". The server runs in a child whose open-files limit is lowered to
make the attack small."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import time
import urllib.request

import socketio

from tests.helpers import free_port, run_checked
from tests.procs import Child

FILES_LIMIT = 200
HALF_SENT = 300  # more than the server can hold open at once
HEADER_TIMEOUT = 2.0

CHILD = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, ({FILES_LIMIT}, {FILES_LIMIT}))
from desktop_chat.server.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _half_sent(port: int) -> list[socket.socket]:
    held = []
    for _ in range(HALF_SENT):
        s = socket.socket()
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            s.connect(("127.0.0.1", port))
        held.append(s)
    time.sleep(0.2)
    for s in held:
        with contextlib.suppress(OSError):
            s.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return held


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_half_sent_requests_time_out_and_new_clients_get_in(tmp_path: object) -> None:
    port = free_port()
    server = Child(
        "server",
        [
            sys.executable,
            "-c",
            CHILD,
            "--port",
            str(port),
            "--db",
            str(tmp_path) + "/chat.sqlite3",
            "--header-timeout",
            str(HEADER_TIMEOUT),
        ],
        stdin=False,
    )
    held: list[socket.socket] = []
    try:
        server.wait_line(r"listening on", timeout=20)
        held = _half_sent(port)
        started = time.monotonic()
        # The attacker's sockets stay open on its side; the server lets them go.
        deadline = started + 15
        while not _health(port):
            assert time.monotonic() < deadline, "/health never answered while attacked"
            time.sleep(0.2)

        async def chat() -> list[object]:
            got: list[object] = []
            a = socketio.AsyncClient(reconnection=False, handle_sigint=False)
            b = socketio.AsyncClient(reconnection=False, handle_sigint=False)
            b.on("receive-message", lambda *args: got.append(args[0]))
            for sio, name in ((a, "a"), (b, "b")):
                await sio.connect(
                    f"http://127.0.0.1:{port}",
                    auth={"name": name},
                    transports=["websocket"],
                    wait_timeout=10,
                )
            await a.call("send-message", ("through", ""), timeout=5)
            for _ in range(100):
                if got:
                    break
                await asyncio.sleep(0.05)
            await a.disconnect()
            await b.disconnect()
            return got

        assert run_checked(chat()) == ["through"]
        log = server.text("stdout") + server.text("stderr")
        assert len(log) < 100_000, f"{len(log)} bytes of log in {time.monotonic() - started:.0f} s"
    finally:
        for s in held:
            s.close()
        server.close()
