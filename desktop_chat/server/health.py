"""`GET /health`: a plain HTTP check for load balancers and operators.

A balancer that checked the Socket.IO path would open an Engine.IO session
with every probe (and leave it to time out); this route touches nothing of
Socket.IO. It answers 200 `ok` with a JSON status when the process can serve,
and 503 when its shared store is not reachable (with --redis: the balancer
then sends new clients to the processes that can store their messages).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from desktop_chat.server.chat_server import ChatServer


def health_route(server: ChatServer) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def health(_request: web.Request) -> web.Response:
        bus = server.bus
        status: dict[str, object] = {
            "clients": server.client_count,
            "store": "redis" if bus is not None else "sqlite",
            "offset": await server.delivered(),
        }
        ok = bus is None or bus.connected
        if bus is not None:
            status["redis"] = "connected" if bus.connected else "unreachable"
        body = ("ok " if ok else "unavailable ") + json.dumps(status)
        return web.Response(text=body + "\n", status=200 if ok else 503)

    return health
