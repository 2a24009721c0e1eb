"""Protocol extensions of desktop-chat-server beyond the tutorial's events
(docs/protocol.md), kept apart from the core handlers in chat_server.py.

- `rename(name, ack)`: the sender is called `name` from now on; everyone else
  connected gets `renamed {sid, old, name}`. A tutorial server has no such
  event: there the client reconnects with the new `auth.name` instead.

Each handler validates what it is given as the core ones do: a name is a
string of 1 to MAX_NAME_CHARS characters once stripped.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_chat.server.chat_server import ChatServer

log = logging.getLogger(__name__)

# What server-info says this server does besides the core (a client asks before using it).
EXTENSIONS = {"rename": True}


def install(server: ChatServer) -> None:
    async def on_rename(sid: str, *args: object) -> object:
        from desktop_chat.server.chat_server import MAX_NAME_CHARS

        name = args[0] if args else None
        peer = server._peers.get(sid)
        if peer is None or not isinstance(name, str) or not name.strip():
            return await server._refuse(sid, "rename: a name is a non-empty string")
        name = name.strip()
        if len(name) > MAX_NAME_CHARS:
            return await server._refuse(
                sid, f"rename: names are at most {MAX_NAME_CHARS} characters"
            )
        old, peer.name = peer.name, name
        if old != name:
            log.info("client renamed %s (%s -> %s)", sid, old, name)
            await server.sio.emit("renamed", {"sid": sid, "old": old, "name": name}, skip_sid=sid)
        return f"You are now called {name}"

    server.sio.on("rename", on_rename)
