"""Private rooms from a connection (issue #24): the events the window uses for
"New private room" and "Invite…" (docs/protocol.md, "Accounts and private rooms").

- `room-create({room, private: true, members: [names]}, ack)`: a signed-in
  account makes a private room, itself a member; refused for a room that is
  private already, or that has messages kept or connections in it (making it
  private would take it from those who use it).
- `room-invite({room, name}, ack)`: a member adds an account to its room.
- `private-rooms(ack)`: the private rooms the caller is a member of, with
  their members, so the window can list them (joining is `join-room`).

Each change goes through the same rules as the command line (accounts.Admin)
and reaches this process at once, the others within a second (the change
counter). Refusals are error acks with a code, and count as violations.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from desktop_chat.server.accounts import NOT_A_MEMBER, AccountError, Admin

log = logging.getLogger(__name__)
# As chat_server.UNAVAILABLE (not imported from there: it imports this module).
UNAVAILABLE = {"error": "the server's store is unavailable; try again", "code": "unavailable"}

if TYPE_CHECKING:
    from desktop_chat.server.chat_server import ChatServer


def install(server: ChatServer) -> None:
    admin = Admin(server.access.store)

    async def refuse(sid: str, event: str, code: str, words: str) -> dict[str, object]:
        answer = dict(await server._refuse(sid, f"{event}: {words}"))
        return {**answer, "code": code}

    async def on_create(sid: str, *args: object) -> object:
        peer = server._peers.get(sid)
        opts = args[0] if args else None
        if peer is None or not isinstance(opts, dict):
            return await refuse(sid, "room-create", "bad-request", "give {room, private, members}")
        if peer.account is None:
            return await refuse(
                sid,
                "room-create",
                "signin-required",
                "private rooms need an account (a server with --accounts)",
            )
        room, members = opts.get("room"), opts.get("members", [])
        problem = server._room_error(room, allow_empty=False)
        if opts.get("private") is not True or problem is not None:
            return await refuse(
                sid, "room-create", "bad-request", problem or "only private rooms are made so"
            )
        if (
            not isinstance(members, list)
            or not all(isinstance(m, str) for m in members)
            or len(members) > 1000
        ):
            return await refuse(sid, "room-create", "bad-request", "members is a list of names")
        assert isinstance(room, str)
        if not await server.send_meters.take(peer.payer):
            return {"error": "room-create: slow down", "code": "rate"}
        in_use = server.roster.count(room) > 0  # on any process (server/presence_bus.py)
        try:
            if in_use or await server.store.oldest_kept(room) is not None:
                return await refuse(
                    sid,
                    "room-create",
                    "room-in-use",
                    f"{room} is in use as a public room; choose another name",
                )
            await admin.add_room(room, sorted({peer.account, *members}))
            await server.access.refresh()
        except AccountError as exc:
            return await refuse(sid, "room-create", exc.code, exc.words)
        except Exception as exc:  # the store (Redis) away: nothing was changed, or all of it
            log.warning("room-create: store unavailable (%s)", exc)
            return UNAVAILABLE
        members_now = sorted(server.access.acl.private.get(room, frozenset()))
        return {"room": room, "private": True, "members": members_now}

    async def on_invite(sid: str, *args: object) -> object:
        peer = server._peers.get(sid)
        opts = args[0] if args else None
        if peer is None or not isinstance(opts, dict):
            return await refuse(sid, "room-invite", "bad-request", "give {room, name}")
        room, name = opts.get("room"), opts.get("name")
        if not isinstance(room, str) or not isinstance(name, str):
            return await refuse(sid, "room-invite", "bad-request", "give {room, name}")
        members = server.access.acl.private.get(room)
        if members is None or peer.account is None or peer.account not in members:
            # A non-member learns nothing about the room, not even whether it exists.
            return await refuse(
                sid,
                "room-invite",
                NOT_A_MEMBER,
                f"only a member of a private room {room} may invite to it",
            )
        if not await server.send_meters.take(peer.payer):
            return {"error": "room-invite: slow down", "code": "rate"}
        try:
            await admin.add_member(room, name)
            await server.access.refresh()
        except AccountError as exc:
            return await refuse(sid, "room-invite", exc.code, exc.words)
        except Exception as exc:
            log.warning("room-invite: store unavailable (%s)", exc)
            return UNAVAILABLE
        return {"room": room, "members": sorted(server.access.acl.private.get(room, ()))}

    async def on_list(sid: str, *args: object) -> object:
        peer = server._peers.get(sid)
        account = peer.account if peer is not None else None
        rooms = [
            {"room": room, "members": sorted(members)}
            for room, members in sorted(server.access.acl.private.items())
            if account is not None and account in members
        ]
        return {"rooms": rooms}

    server.sio.on("room-create", on_create)
    server.sio.on("room-invite", on_invite)
    server.sio.on("private-rooms", on_list)
