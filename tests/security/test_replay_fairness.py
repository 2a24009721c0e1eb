"""Replay starvation behind one address (issue #22, item 6): behind NAT or
the HAProxy that docs/deploy.md recommends, many clients share an address
and so its replay budget. A victim's catch-up of 1,000 room messages took
0.04 s alone, 9.5 s beside 20 connections replaying a big history, and
never finished beside 80. The address's budget now goes, page by page, to
whichever of its waiting clients was sent least lately."""

from __future__ import annotations

import sys
import time
from typing import Any

import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, until
from tests.procs import Child

ATTACKERS = 80
BIG = 20_000  # messages of the no-room channel the attackers replay, 1 kB each
ROOM = 1_000  # messages of the victim's room, 100 bytes each


ATTACK = """
import asyncio, sys
import socketio

async def main(port, count):
    clients = []
    for i in range(count):
        # The server is busy replaying to those before: generous waits (the
        # defaults, 5 s for the handshake and 1 s for the namespace, were
        # missed on a loaded machine and the attackers gave up).
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, request_timeout=60)
        await sio.connect(f"http://127.0.0.1:{port}", transports=["websocket"], wait_timeout=60,
                          auth={"name": f"attacker {i}", "client": f"attacker-{i}", "offset": 0})
        clients.append(sio)
    print("CONNECTED", flush=True)
    await asyncio.Event().wait()

asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
"""


def test_a_catch_up_beside_many_replays_from_one_address_is_served() -> None:
    async def scenario() -> None:
        server = ChatServer()
        now = time.time()
        for i in range(BIG):
            server.history.add(f"b{i}", "", "writer", "writer", "b" * 1000, now)
        first_room = server.history.add("r0", "r", "writer", "writer", "r" * 100, now).offset
        for i in range(1, ROOM):
            server.history.add(f"r{i}", "r", "writer", "writer", "r" * 100, now)
        port = await server.start("127.0.0.1", 0)
        # The attackers in a process of their own, as other machines behind
        # one address would be: the victim's reading is not slowed by theirs.
        attack = Child("attackers", [sys.executable, "-c", ATTACK, str(port), str(ATTACKERS)])
        victim = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        try:
            await attack.await_(lambda: "CONNECTED" in attack.text(), "the attackers", 60)
            # The address's budget is spent by now.
            await until(lambda: len(server.replays.waiting) >= ATTACKERS // 2, timeout=30)
            got: list[Any] = []
            victim.on("receive-message", lambda *args: got.append(args[0]))
            await victim.connect(
                f"http://127.0.0.1:{port}",
                auth={"name": "v", "client": "v"},
                transports=["websocket"],
            )
            await victim.call("join-room", ("r", {"since": first_room - 1}), timeout=10)
            # Before, it never finished (nothing in 120 s here; 0 of 1,000 in
            # 90 s in the issue); now in about ten seconds, alone in a few
            # hundredths. The wait is generous: what fails is starvation.
            await until(lambda: len(got) == ROOM, timeout=60, what="the victim's catch-up")
            assert got == ["r" * 100] * ROOM
        finally:
            await victim.disconnect()
            attack.close()
            await server.stop()

    run_checked(scenario())
