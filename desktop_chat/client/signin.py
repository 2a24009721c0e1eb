"""Signing in to a server with accounts (issue #24, docs/protocol.md
"Accounts and private rooms"): what goes in `auth`, which refusals stop the
retries, and the events of private rooms.

Plain asyncio, like the rest of the client: the window decides where the
secrets come from (app/credentials.py) and hands them here; nothing here
logs or keeps them beyond the client's memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import socketio

log = logging.getLogger(__name__)

SIGNIN_REQUIRED = "signin-required"
BAD_CREDENTIALS = "bad-credentials"
REVOKED = "revoked"
SIGNIN_RATE = "signin-rate"
# Refusals after which trying again with the same auth cannot help: the client
# stops and the window asks.
ASK_AGAIN = frozenset({SIGNIN_REQUIRED, BAD_CREDENTIALS, REVOKED})
SIGNIN_CODES = ASK_AGAIN | {SIGNIN_RATE}
SIGNIN_RATE_WAIT = 60.0  # seconds before trying again after `signin-rate` ("wait a minute")
CALL_TIMEOUT = 10.0  # seconds an ack of room-create / room-invite is waited for


@dataclass(frozen=True)
class Credentials:
    """How to sign in: a name and password, or a sign-in token. `repr` hides the secret."""

    user: str = ""
    password: str = ""
    token: str = ""

    def auth(self) -> dict[str, object]:
        if self.token:
            return {"token": self.token}
        return {"user": self.user, "password": self.password}

    def __repr__(self) -> str:
        kind = "token" if self.token else "password"
        return f"Credentials(user={self.user!r}, {kind}=…)"


def refusal_code(reported: object) -> str:
    """The sign-in code of a `connect_error` (`{message, data: {code}}`), or ""."""
    if isinstance(reported, dict):
        data = reported.get("data")
        if isinstance(data, dict):
            code = data.get("code")
            if isinstance(code, str) and code in SIGNIN_CODES:
                return code
    return ""


@dataclass(frozen=True)
class RoomReply:
    """The ack of `room-create` / `room-invite`: the members, or a refusal
    (`code`: `exists`, `room-in-use`, `no-account`, `not-a-member`, `rate`,
    `bad-request`, `signin-required`; `offline`/`timeout` of our own)."""

    room: str
    members: tuple[str, ...] = ()
    code: str = ""
    error: str = ""  # the server's words, for the log and the tooltip

    @property
    def ok(self) -> bool:
        return not self.code


class PrivateRooms:
    """Which rooms of ours are private (the server's `private-rooms`), and the
    calls that make and fill them."""

    def __init__(self, sio: Callable[[], socketio.AsyncClient | None]) -> None:
        self._sio = sio
        self.rooms: set[str] = set()
        self.on_change: Callable[[], None] = lambda: None
        # Every answer of `private-rooms` (the client joins those it is not in).
        self.on_listed: Callable[[set[str]], None] = lambda rooms: None
        # Rooms the user left here: not joined again when listed.
        self.declined: set[str] = set()

    async def _call(self, event: str, *args: object) -> object:
        sio = self._sio()
        if sio is None or not sio.connected:
            return {"error": "offline", "code": "offline"}
        try:
            return await sio.call(event, args if args else None, timeout=CALL_TIMEOUT)
        except socketio.exceptions.TimeoutError:
            return {"error": "no answer", "code": "timeout"}
        except socketio.exceptions.SocketIOError as exc:
            log.info("%s: %s", event, exc)
            return {"error": str(exc), "code": "offline"}

    async def refresh(self) -> None:
        """Ask which private rooms we are a member of."""
        reply = await self._call("private-rooms")
        if isinstance(reply, dict) and isinstance(reply.get("rooms"), list):
            rooms = {str(r["room"]) for r in reply["rooms"] if isinstance(r, dict) and "room" in r}
            if rooms != self.rooms:
                self.rooms = rooms
                self.on_change()
            self.on_listed(rooms)

    async def create(self, room: str, members: list[str]) -> RoomReply:
        reply = await self._call("room-create", {"room": room, "private": True, "members": members})
        result = _reply(room, reply)
        if result.ok:
            self.rooms.add(room)
            self.on_change()
        return result

    async def invite(self, room: str, name: str) -> RoomReply:
        return _reply(room, await self._call("room-invite", {"room": room, "name": name}))

    def removed(self, room: str) -> None:
        if room in self.rooms:
            self.rooms.discard(room)
            self.on_change()

    def clear(self) -> None:
        if self.rooms:
            self.rooms = set()
            self.on_change()


def _reply(room: str, reply: object) -> RoomReply:
    if not isinstance(reply, dict):
        return RoomReply(room, code="bad-request", error=repr(reply))
    if "error" in reply:
        return RoomReply(
            room, code=str(reply.get("code") or "bad-request"), error=str(reply["error"])
        )
    members = reply.get("members")
    names = tuple(str(m) for m in members) if isinstance(members, list) else ()
    return RoomReply(str(reply.get("room", room)), names)
