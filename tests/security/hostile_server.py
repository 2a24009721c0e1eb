"""A Socket.IO server that greets every client with hostile payloads.

Run as its own process so that the window under test pays only for what it
receives: python -m tests.security.hostile_server --port N --img-port M
"""

from __future__ import annotations

import argparse
import asyncio

import socketio
from aiohttp import web


def payloads(img_port: int) -> list[object]:
    return [
        42,
        [1, "two", None],
        {"nested": {"list": [1, 2, 3]}},
        None,
        b"\x00\x01binary",
        "x" * 10_000_000,
        "\n".join(f"line {i}" for i in range(100_000)),
        f"<img src=http://127.0.0.1:{img_port}/x>",
        f"<a href=http://127.0.0.1:{img_port}/y>click me</a>",
        "<b>bold</b><script>alert(1)</script>",
        "\x00\x07\x1b[31mred\u202egpj.exe\u2066",
        "lone \ud800 surrogate",
        "done",
    ]


async def main(port: int, img_port: int) -> None:
    sio = socketio.AsyncServer(
        async_mode="aiohttp", logger=False, engineio_logger=False, max_http_buffer_size=50_000_000
    )
    app = web.Application()
    sio.attach(app)

    async def greet(sid: str) -> None:
        for payload in payloads(img_port):
            await sio.emit("receive-message", payload, to=sid)

    @sio.on("connect")  # type: ignore[misc]
    async def connect(sid: str, environ: object, auth: object = None) -> None:
        sio.start_background_task(greet, sid)

    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("LISTENING", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--img-port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.img_port))
