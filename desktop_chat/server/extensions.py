"""Protocol extensions of desktop-chat-server beyond the tutorial's events
(docs/protocol.md), kept apart from the core handlers in chat_server.py.

- `rename(name, ack)`: the sender is called `name` from now on; everyone else
  connected who asked for presence gets `renamed {sid, old, name}`; a few
  renames at once, then one a minute per client key (`code: "rate"`). A tutorial server has no such
  event: there the client reconnects with the new `auth.name` instead.
- `presence {room, name, sid, event: "joined"|"left", count}` to the others
  in a room ("" = everyone connected) that asked for presence (`auth.presence`
  true: a client that did not, such as the tutorial's page, gets none) when
  someone connects, disconnects, joins or leaves it; `count` is how many
  connections are there now.
- `participants(room, ack)`: the ack is `{room, members: [{name, windows}]}`,
  one member per name with how many connections (windows) use it.
- `typing {room}` from a client is relayed as `typing {room, name, sid}` to
  the others in that room, at most once a second per connection; never
  stored. (A client sends it at most every 3 s while the user types.)

Each handler validates what it is given as the core ones do: a name is a
string of 1 to MAX_NAME_CHARS characters once stripped.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_chat.server.chat_server import ChatServer

log = logging.getLogger(__name__)

# What server-info says this server does besides the core (a client asks before using it).
EXTENSIONS = {"rename": True, "presence": True}
TYPING_EVERY = 1.0  # seconds: typing notices relayed per connection at most this often
# The Socket.IO room of who asked for presence in a channel is PRESENCE +
# the channel; a chat room's name cannot hold NUL (chat_server._room_error).
PRESENCE = "\x00presence\x00"


def install(server: ChatServer) -> None:
    wants: set[str] = set()  # connections that asked for presence, renames and typing notices

    async def on_rename(sid: str, *args: object) -> object:
        from desktop_chat.server.chat_server import MAX_NAME_CHARS, loggable

        name = args[0] if args else None
        peer = server._peers.get(sid)
        if peer is None or not isinstance(name, str) or not name.strip():
            return await server._refuse(sid, "rename: a name is a non-empty string")
        if peer.signed is not None:
            # With --accounts the name is the account's: nobody renames it away
            # (or into someone else's) from a connection.
            return {
                "error": "rename: on this server your name is your account's",
                "code": "account-name",
            }
        name = name.strip()
        if len(name) > MAX_NAME_CHARS:
            return await server._refuse(
                sid, f"rename: names are at most {MAX_NAME_CHARS} characters"
            )
        if name == peer.name:
            return f"You are now called {name}"
        if not await server.rename_meters.take(peer.client):
            # Not a violation: a user renaming often is odd, not hostile.
            minutes = max(1, round(1 / (server.limits.rename_rate * 60)))
            return {
                "error": f"rename: too many renames; try again in {minutes} min",
                "code": "rate",
            }
        old, peer.name = peer.name, name
        server.roster.rename(["", *peer.rooms], old, name)
        if server.presence_bus is not None:
            server.presence_bus.publish(["r", sid, name])
        log.info("client renamed %s (%s -> %s)", sid, loggable(old[:40]), loggable(name[:40]))
        # To the connections that asked for presence: the others (the
        # tutorial's page) have no use for it.
        notice = {"sid": sid, "old": old, "name": name}
        await server.sio.emit("renamed", notice, room=PRESENCE, skip_sid=sid)
        return f"You are now called {name}"

    server.sio.on("rename", on_rename)

    # Who asked for presence, per channel, as a Socket.IO room of its own
    # (PRESENCE + the channel): a notice is encoded once and written to each
    # of them, as a chat message is, instead of one emit per recipient; at
    # 2,500 connections each batch of 250 connects used to cost 12 s of CPU
    # (issue #22). Who is in each room, and how many, is counted as they come
    # and go (server.roster), with every other process's people on Redis
    # (server/presence_bus.py, which each change here is published to).
    roster = server.roster
    shared = server.presence_bus
    # Joins under way: a connection that goes meanwhile is not counted out
    # of a room it was not yet counted into.
    joining: set[tuple[str, str]] = set()

    async def announce(room: str, sid: str, name: str, event: str) -> None:
        notice = {"room": room, "name": name, "sid": sid, "event": event,
                  "count": roster.count(room)}  # fmt: skip
        await server.sio.emit("presence", notice, room=PRESENCE + room, skip_sid=sid)

    core_connect, core_disconnect = server._on_connect, server._on_disconnect
    core_join, core_leave = server._on_join, server._on_leave

    last_typing: dict[str, float] = {}

    async def on_connect(sid: str, environ: dict[str, object], auth: object = None) -> None:
        await core_connect(sid, environ, auth)
        peer = server._peers.get(sid)
        if peer is not None and isinstance(auth, dict) and auth.get("presence") is True:
            wants.add(sid)
            await server.sio.enter_room(sid, PRESENCE)
        if peer is not None:
            roster.add("", peer.name)
            if shared is not None:
                shared.publish(["j", sid, peer.name, ""])
            server.sio.start_background_task(announce, "", sid, peer.name, "joined")

    async def on_disconnect(sid: str, reason: object = None) -> None:
        peer = server._peers.get(sid)
        wants.discard(sid)
        last_typing.pop(sid, None)
        await core_disconnect(sid, reason)
        if peer is not None:
            for room in ["", *peer.rooms]:
                if (sid, room) not in joining:
                    roster.remove(room, peer.name)
            if shared is not None:
                shared.publish(["x", sid])
            # In a task of its own, never inside this handler: sending to a
            # connection whose pings stopped closes it there and then (the
            # engine checks at each send), which runs its disconnect handler
            # inside this one. After a Wi-Fi drop of hundreds of clients that
            # nested until RecursionError and left ghosts behind (issue #22).
            server.sio.start_background_task(announce_left, sid, peer.name, sorted(peer.rooms))

    async def announce_left(sid: str, name: str, rooms: list[str]) -> None:
        for room in ["", *rooms]:
            await announce(room, sid, name, "left")

    async def on_join(sid: str, *args: object) -> object:
        peer = server._peers.get(sid)
        room = args[0] if args else None
        if (
            peer is None
            or not isinstance(room, str)
            or room in peer.rooms
            or (sid, room) in joining
        ):
            return await core_join(sid, *args)
        joining.add((sid, room))
        try:
            result = await core_join(sid, *args)
        finally:
            joining.discard((sid, room))
        if server._peers.get(sid) is peer and room in peer.rooms:
            roster.add(room, peer.name)
            if shared is not None:
                shared.publish(["j", sid, peer.name, room])
            if sid in wants:
                await server.sio.enter_room(sid, PRESENCE + room)
            await announce(room, sid, peer.name, "joined")
        return result

    async def on_leave(sid: str, *args: object) -> object:
        peer = server._peers.get(sid)
        room = args[0] if args else None
        was = peer is not None and isinstance(room, str) and room in peer.rooms
        result = await core_leave(sid, *args)
        gone = server._peers.get(sid) is not peer  # its disconnect counted it out
        if (
            peer is not None
            and isinstance(room, str)
            and was
            and room not in peer.rooms
            and not gone
        ):
            roster.remove(room, peer.name)
            if shared is not None:
                shared.publish(["l", sid, room])
            await server.sio.leave_room(sid, PRESENCE + room)
            await announce(room, sid, peer.name, "left")
        return result

    async def on_participants(sid: str, *args: object) -> object:
        room = args[0] if args else None
        if sid not in server._peers or server._room_error(room, allow_empty=True) is not None:
            return await server._refuse(sid, "participants: the room is a string")
        assert isinstance(room, str)
        if not await server.request_allowed(server._peers[sid]):
            return {"error": "participants: slow down", "code": "rate"}
        if not server.access.acl.may_enter(server._peers[sid].account, room):
            answer = dict(await server._refuse(sid, f"participants: {room} is a private room"))
            return {**answer, "code": "not-a-member"}
        return {
            "room": room,
            "members": [{"name": name, "windows": n} for name, n in roster.members(room)],
        }

    async def on_typing(sid: str, *args: object) -> None:
        info = args[0] if args else None
        peer = server._peers.get(sid)
        room = info.get("room") if isinstance(info, dict) else None
        if peer is None or not isinstance(room, str) or (room and room not in peer.rooms):
            return
        now = time.monotonic()
        if now - last_typing.get(sid, 0.0) < TYPING_EVERY:
            return  # a client that floods typing notices is relayed once a second
        last_typing[sid] = now
        notice = {"room": room, "name": peer.name, "sid": sid}
        await server.sio.emit("typing", notice, room=PRESENCE + room, skip_sid=sid)
        if shared is not None:
            shared.publish(["t", sid, room], changed=False)

    server.sio.on("connect", on_connect)
    server.sio.on("disconnect", on_disconnect)
    server.sio.on("join-room", on_join)
    server.sio.on("leave-room", on_leave)
    server.sio.on("participants", on_participants)
    server.sio.on("typing", on_typing)
