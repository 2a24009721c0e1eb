"""desktop-chat-server's extensions as the client uses them: presence,
participants, typing per room, and renames (docs/protocol.md).

Split from ChatClient: these speak only to a server that said it can
(`server-info`: `presence`, `rename`); against any other nothing here is
sent, and the handlers are never installed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

import socketio

from desktop_chat.client.notices import Notice, Renamed
from desktop_chat.client.presence import MOST_MEMBERS, PresenceEvent, PresenceKind
from desktop_chat.client.server_info import ServerInfo

TYPING_EVERY = 3.0  # seconds: a typing notice is sent at most this often while typing


class ServerExtensions:
    def __init__(
        self,
        info: ServerInfo,
        sio: Callable[[], socketio.AsyncClient | None],
        spawn: Callable[[Coroutine[Any, Any, object]], None],
        *,
        presence: Callable[[PresenceEvent], None],
        participants: Callable[[str, list[tuple[str, int]]], None],
        notice: Callable[[Notice], None],
        renamed: Callable[[str, str], None] = lambda old, new: None,
    ) -> None:
        self._info = info
        self._sio = sio
        self._spawn = spawn
        self._presence = presence
        self._participants = participants
        self._notice = notice
        self._renamed_to = renamed
        self._typing_sent: dict[str, float] = {}  # room -> when we last said we type there

    @property
    def has_presence(self) -> bool:
        """Whether the server says who comes, goes and types, per room (ours)."""
        return self._info.data.get("presence") is True

    def _connected(self) -> socketio.AsyncClient | None:
        sio = self._sio()
        return sio if sio is not None and sio.connected else None

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "renamed": self._renamed,
            "presence": self._presence_notice,
            "typing": self._typing_notice,
        }

    def typing_in(self, room: str) -> None:
        """The user typed in the conversation of `room`: tell a server with presence,
        at most every TYPING_EVERY seconds (never while offline: nothing is sent)."""
        sio = self._connected()
        if not self.has_presence or sio is None:
            return
        now = time.monotonic()
        if now - self._typing_sent.get(room, -TYPING_EVERY) >= TYPING_EVERY:
            self._typing_sent[room] = now
            self._spawn(sio.emit("typing", ({"room": room},)))

    def request_participants(self, room: str) -> None:
        """Ask a server with presence who is in `room`; the answer goes to `participants`."""
        sio = self._connected()
        if not self.has_presence or sio is None:
            return

        def answered(info: object = None) -> None:
            if not isinstance(info, dict) or not isinstance(info.get("members"), list):
                return
            members = [
                (m["name"], m["windows"])
                for m in info["members"][:MOST_MEMBERS]
                if isinstance(m, dict)
                and isinstance(m.get("name"), str)
                and isinstance(m.get("windows"), int)
            ]
            self._participants(room, members)

        self._spawn(sio.emit("participants", (room,), callback=answered))

    def _presence_notice(self, info: object = None) -> None:
        if not isinstance(info, dict):
            return
        room, name, event = info.get("room"), info.get("name"), info.get("event")
        kind = {"joined": PresenceKind.JOINED, "left": PresenceKind.LEFT}.get(str(event))
        if kind is None or not isinstance(room, str) or not isinstance(name, str):
            return
        count = info.get("count")
        self._presence(PresenceEvent(kind, name, count if isinstance(count, int) else None, room))

    def _typing_notice(self, info: object = None) -> None:
        if isinstance(info, dict):
            room, name = info.get("room"), info.get("name")
            if isinstance(room, str) and isinstance(name, str):
                self._presence(PresenceEvent(PresenceKind.TYPING, name, None, room))

    def _renamed(self, info: object = None) -> None:
        """Someone is called otherwise now (our server's `renamed`)."""
        if isinstance(info, dict):
            old, new = info.get("old"), info.get("name")
            if isinstance(old, str) and isinstance(new, str) and old != new:
                self._notice(Renamed(old, new))
                self._renamed_to(old, new)
