"""Where the server leans on aiohttp's websocket beyond its API, in one place.

server/fanout.py writes ready-made websocket frames straight to the
connection (`web.Request.transport`) of a `WebSocketResponse`, beside
aiohttp's own `WebSocketWriter`. That holds while aiohttp's writer keeps
nothing back (each frame it sends is written to the transport at once, so
order is kept) and no compression was negotiated (fanout's
`no_websocket_compression` declines it). Both were read in aiohttp's source
for the range below; `check()` fails when the manager is made with an
aiohttp outside it.

server/lean_websocket.py listens itself and hands every connection it does
not serve to aiohttp's request handler, made by `AppRunner.server` (the
protocol factory aiohttp's own TCPSite listens with), on the same
transport with the bytes read so far.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from desktop_chat.protocol.reaches import require, require_version

DISTRIBUTION = "aiohttp"
# The range pyproject.toml allows; tests/server/test_fanout.py passes on it.
LOW, BELOW = "3.9", "3.15"


@functools.cache
def check() -> None:
    require_version(DISTRIBUTION, LOW, BELOW, "frames written beside its WebSocketWriter")
    from aiohttp import web

    require(
        isinstance(getattr(web.Request, "transport", None), property),
        DISTRIBUTION,
        "web.Request.transport",
    )
    require(
        isinstance(getattr(web.AppRunner, "server", None), property),
        DISTRIBUTION,
        "web.AppRunner.server (the protocol factory a site listens with)",
    )


def connection_of(environ: dict[str, Any]) -> asyncio.WriteTransport | None:
    """The connection under an engine.io websocket's aiohttp request, if any."""
    request = environ.get("aiohttp.request")
    transport: asyncio.WriteTransport | None = getattr(request, "transport", None)
    return transport
