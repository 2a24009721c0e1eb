"""desktop-chat-server with parts of its fan-out taken out, for bench/fanout.py --variants.

    python bench/_server_variant.py VARIANT [desktop-chat-server options]

VARIANT: `stock` (python-socketio's own client manager, compression as
aiohttp negotiates it), `nodeflate` (compression declined), `inturn`
(DirectManager, every packet through the engine's queue), `nogather` (DirectManager
writing each frame on its own, server/gather.py's windows shut), `window5` (a 5 ms
gathering window instead of 2), `eager` (each window's first frame written at once,
also in a burst), `direct` (as shipped).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable

import socketio
from aiohttp import web

import desktop_chat.server.chat_server as server
import desktop_chat.server.fanout as fanout
from desktop_chat.server.__main__ import main as server_main
from desktop_chat.server.gather import Gatherer

VARIANTS = ("stock", "nodeflate", "inturn", "nogather", "window5", "eager", "direct")


@web.middleware
async def passthrough(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    return await handler(request)


def main() -> int:
    variant = sys.argv.pop(1)
    if variant not in VARIANTS:
        sys.exit(f"variant is one of {', '.join(VARIANTS)}")
    if variant == "stock":
        server.no_websocket_compression = passthrough
    if variant in ("stock", "nodeflate"):
        server.DirectManager = socketio.AsyncManager  # type: ignore[misc]
    if variant == "nogather":
        # Nothing waits: every frame is past the byte limit, so it goes at once.
        fanout.Gatherer = lambda: Gatherer(max_bytes=0)  # type: ignore[misc, assignment]
    if variant == "window5":
        fanout.Gatherer = lambda: Gatherer(window=0.005)  # type: ignore[misc, assignment]
    if variant == "eager":
        fanout.Gatherer = lambda: Gatherer(keep_busy=False)  # type: ignore[misc, assignment]
    if variant == "inturn":
        fanout.MAX_BUFFERED_BYTES = -1  # no socket is ever idle enough
    return server_main()


if __name__ == "__main__":
    raise SystemExit(main())
