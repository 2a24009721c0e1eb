"""Hostile clients for bench/soak.py, in one asyncio process, cycling through
the attacks of issue #22 until told to stop.

    python bench/soak_attacks.py --port PORT [--phase 20] [--busy-room soak-0]

Each attack runs for one phase (PHASE seconds), then the next one starts;
round and round until stdin closes. Each comes from an X-Forwarded-For
address of its own (10.66.0.K; the server trusts 127.0.0.1 as a proxy), so
the per-address limit is met by the attack that means to meet it. Prints one
JSON line per phase: {"event": "phase", "attack", "seconds", ...what the
server answered}. Loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.security.test_slow_consumer import NeverReads

Stats = dict[str, Any]
LATER: set[asyncio.Future[None]] = set()  # clean-ups that outlive their phase


def address(attack: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"10.66.0.{attack}"}


async def engineio_ws(
    session: aiohttp.ClientSession, port: int, auth: dict[str, object], attack: int
) -> tuple[aiohttp.ClientWebSocketResponse, str]:
    """A websocket Socket.IO connection by hand; its first answer ("40{...}"
    connected, "44{...}" refused)."""
    ws = await session.ws_connect(
        f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", headers=address(attack)
    )
    opened = await ws.receive_str()
    assert opened.startswith("0{"), opened
    await ws.send_str("40" + json.dumps(auth))
    while (answer := await ws.receive_str()) == "2":
        await ws.send_str("3")
    return ws, answer


async def answer_pings(
    ws: aiohttp.ClientWebSocketResponse, refused: list[int] | None = None
) -> None:
    """Reads, answers pings, and counts the server's refusals for being over a rate."""
    with contextlib.suppress(Exception):
        async for message in ws:
            if message.type is aiohttp.WSMsgType.TEXT:
                if message.data == "2":
                    await ws.send_str("3")
                elif (
                    refused is not None
                    and message.data.startswith("43")
                    and (
                        '"code":"rate"' in message.data.replace(" ", "")
                        or "slow down" in message.data
                    )
                ):
                    refused[0] += 1


async def slowloris(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """1,000 requests whose headers never end, held open for the phase."""
    loop = asyncio.get_running_loop()
    held: list[socket.socket] = []
    for _ in range(1000):
        s = socket.socket()
        s.setblocking(False)
        try:
            await asyncio.wait_for(loop.sock_connect(s, ("127.0.0.1", port)), 2)
            s.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        except (TimeoutError, OSError):
            s.close()
            continue
        held.append(s)
    await asyncio.sleep(seconds)
    closed = 0
    for s in held:
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    return {"half_sent": len(held), "closed_by_server": closed}


async def catch_up_never_read(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """Four clients asking for the whole history (offset 0) that never read it."""
    slow = []
    for i in range(4):
        slow.append(
            await NeverReads.connect(
                port, {"name": f"slow {i}", "offset": 0, "client": f"soak-slow-{i}"}
            )
        )
    await asyncio.sleep(seconds)
    for client in slow:
        client.close()
    return {"readers": len(slow)}


async def stop_reading_busy_room(
    port: int, seconds: float, session: aiohttp.ClientSession
) -> Stats:
    """Two readers that stop reading: one in a busy room (a flood of 3 kB
    messages at the rate allowed), one in a room of the good clients."""
    stuck = await NeverReads.connect(port, {"name": "stuck", "client": "soak-stuck"})
    stuck._send('42["join-room","soak-busy"]')
    stuck_good = await NeverReads.connect(port, {"name": "stuck2", "client": "soak-stuck2"})
    stuck_good._send('42["join-room","soak-0"]')
    ws, _answer = await engineio_ws(session, port, {"name": "busy", "client": "soak-busy"}, 3)
    pings = asyncio.ensure_future(answer_pings(ws))
    await ws.send_str('42["join-room","soak-busy"]')
    text = "b" * 3000
    sent = 0
    end = time.monotonic() + seconds
    with contextlib.suppress(Exception):
        while time.monotonic() < end and not ws.closed:
            for _ in range(9):  # 90 a second, under the default rate of 100
                await ws.send_str(
                    "42" + json.dumps(["send-message", f"{sent} {text}", "soak-busy"])
                )
                sent += 1
            await asyncio.sleep(0.1)
    pings.cancel()
    await ws.close()
    stuck.close()
    stuck_good.close()
    return {"busy_sent": sent}


async def silent_presence(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """300 presence clients that go silent together (a Wi-Fi drop): their
    sockets stay open, nothing is read nor answered; closed 70 s later (after
    the server's ping timeout) in the background."""
    ghosts = []
    for i in range(300):
        with contextlib.suppress(Exception):
            ws, answer = await engineio_ws(
                session, port, {"name": f"ghost {i}", "presence": True}, 4 + i // 200
            )
            if answer.startswith("40"):
                ghosts.append(ws)
    await asyncio.sleep(min(5.0, seconds))

    async def later() -> None:
        await asyncio.sleep(70)
        for ws in ghosts:
            with contextlib.suppress(Exception):
                await ws.close()

    LATER.add(asyncio.ensure_future(later()))
    await asyncio.sleep(max(0.0, seconds - 5))
    return {"ghosts": len(ghosts)}


async def rename_flood(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """Five clients renaming themselves as fast as they can write."""
    sockets = []
    for i in range(5):
        ws, _answer = await engineio_ws(
            session, port, {"name": f"renamer {i}", "client": f"soak-renamer-{i}"}, 7
        )
        sockets.append(ws)
    refused = [0]
    pings = [asyncio.ensure_future(answer_pings(ws, refused)) for ws in sockets]
    count = 0
    end = time.monotonic() + seconds
    with contextlib.suppress(Exception):
        while time.monotonic() < end:
            for ws in sockets:
                for _ in range(20):
                    await ws.send_str(f'42{count}["rename","name {count}"]')
                    count += 1
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)
    for task in pings:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return {"renames": count, "refused (rate)": refused[0]}


async def message_flood(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """Five clients sending 1 kB messages at about ten times the rate; each
    reconnects when the server disconnects it."""
    count = connections = 0
    refused = [0]
    end = time.monotonic() + seconds
    text = "f" * 1000

    async def flood(i: int) -> None:
        nonlocal count, connections
        while time.monotonic() < end:
            with contextlib.suppress(Exception):
                ws, _answer = await engineio_ws(
                    session, port, {"name": f"flood {i}", "client": f"soak-flood-{i}"}, 8
                )
                connections += 1
                pings = asyncio.ensure_future(answer_pings(ws, refused))
                while time.monotonic() < end and not ws.closed:
                    for _ in range(100):
                        await ws.send_str(
                            f"42{count}" + json.dumps(["send-message", text, "soak-flood"])
                        )
                        count += 1
                    await asyncio.sleep(0.1)
                pings.cancel()
                await ws.close()
            await asyncio.sleep(0.2)

    await asyncio.gather(*(flood(i) for i in range(5)))
    return {"sent": count, "refused (rate)": refused[0], "connections": connections}


async def oversized_polling(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """Long-polling POSTs over the largest packet (7 MB), each on a fresh session."""
    statuses: dict[str, int] = {}
    end = time.monotonic() + seconds
    body = b"4" + b'2["send-message","' + b"o" * 7_000_000 + b'",""]'
    while time.monotonic() < end:
        try:
            base = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
            async with session.get(base, headers=address(9)) as answer:
                text = await answer.text()
            sid = json.loads(text[1:])["sid"]
            async with session.post(f"{base}&sid={sid}", data=b"40", headers=address(9)):
                pass
            async with session.post(f"{base}&sid={sid}", data=body, headers=address(9)) as answer:
                key = str(answer.status)
        except Exception as exc:
            key = type(exc).__name__
        statuses[key] = statuses.get(key, 0) + 1
        await asyncio.sleep(0.5)
    return {"posts": statuses}


async def one_address(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """Connections from one address up to the limit (256), and 50 more."""
    held = []
    refused = 0
    for _ in range(306):
        try:
            ws, answer = await engineio_ws(session, port, {"name": "many"}, 10)
        except Exception:
            refused += 1
            continue
        if answer.startswith("40"):
            held.append(ws)
        else:
            refused += 1
            await ws.close()
    pings = [asyncio.ensure_future(answer_pings(ws)) for ws in held]
    await asyncio.sleep(seconds)
    for task in pings:
        task.cancel()
    for ws in held:
        await ws.close()
    return {"accepted": len(held), "refused": refused}


async def forged_host(port: int, seconds: float, session: aiohttp.ClientSession) -> Stats:
    """A rebound page: Host attacker.example, its polling handshake, /health and history."""
    evil = {"Host": f"attacker.example:{port}", "Origin": f"http://attacker.example:{port}"}
    statuses: dict[str, int] = {}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for path in ("/socket.io/?EIO=4&transport=polling", "/health"):
            try:
                async with session.get(f"http://127.0.0.1:{port}{path}", headers=evil) as answer:
                    key = str(answer.status)
            except Exception as exc:
                key = type(exc).__name__
            statuses[key] = statuses.get(key, 0) + 1
        await asyncio.sleep(0.02)
    return {"requests": statuses}


ATTACKS: list[tuple[str, Callable[[int, float, aiohttp.ClientSession], Awaitable[Stats]]]] = [
    ("slowloris", slowloris),
    ("catch-up never read", catch_up_never_read),
    ("stops reading a busy room", stop_reading_busy_room),
    ("silent presence clients", silent_presence),
    ("rename flood", rename_flood),
    ("message flood", message_flood),
    ("oversized polling posts", oversized_polling),
    ("connections from one address", one_address),
    ("forged Host", forged_host),
]


async def main(port: int, phase: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def told() -> None:  # a line or the end of stdin: stop
        loop.remove_reader(sys.stdin.fileno())
        stop.set()

    loop.add_reader(sys.stdin.fileno(), told)
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        print(json.dumps({"event": "ready"}), flush=True)
        while not stop.is_set():
            for name, attack in ATTACKS:
                if stop.is_set():
                    break
                started = time.monotonic()
                task = asyncio.ensure_future(attack(port, phase, session))
                stopped = asyncio.ensure_future(stop.wait())
                await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
                stopped.cancel()
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
                    break
                try:
                    stats: Stats = task.result()
                except Exception as exc:  # an attack that failed is reported, not fatal
                    stats = {"error": f"{type(exc).__name__}: {exc}"[:200]}
                print(
                    json.dumps(
                        {
                            "event": "phase",
                            "attack": name,
                            "seconds": round(time.monotonic() - started, 1),
                            "from_ms": round(started * 1000),
                            "to_ms": round(time.monotonic() * 1000),
                            **stats,
                        }
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    port_ = int(arguments[arguments.index("--port") + 1])
    phase_ = float(arguments[arguments.index("--phase") + 1]) if "--phase" in arguments else 20.0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(port_, phase_))
    os._exit(0)
