"""The server's presence opt-in (`auth.presence`) and its typing throttle
(server/extensions.py): what another connection receives, on a real server."""

from __future__ import annotations

from typing import Any

import pytest
import socketio

from desktop_chat.server import extensions
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, until


class Watcher:
    """A plain python-socketio connection that records every event it gets."""

    def __init__(self, name: str, presence: bool | None) -> None:
        self.name = name
        self.auth: dict[str, Any] = {"name": name}
        if presence is not None:
            self.auth["presence"] = presence
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.events: list[tuple[str, Any]] = []
        self.sio.on(
            "*", lambda event, *args: self.events.append((event, args[0] if args else None))
        )

    def got(self, event: str) -> list[Any]:
        return [data for name, data in self.events if name == event]

    def texts(self) -> list[Any]:
        return self.got("receive-message")

    async def connect(self, port: int) -> None:
        await self.sio.connect(f"http://127.0.0.1:{port}", auth=self.auth, transports=["websocket"])
        await until(lambda: self.sio.connected, what=f"{self.name} to connect")

    async def join(self, room: str) -> None:
        assert await self.sio.call("join-room", room, timeout=5) == f"Joined {room}"


def test_presence_goes_only_to_connections_that_asked_for_it() -> None:
    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        asked = Watcher("asked", True)
        quiet = Watcher("quiet", None)  # the tutorial's page: no auth.presence
        refused = Watcher("falsy", False)
        carol = Watcher("carol", None)
        everyone = (asked, quiet, refused, carol)
        try:
            for w in (asked, quiet, refused):
                await w.connect(port)
                await w.join("garden")
            await carol.connect(port)
            await carol.join("garden")
            assert await carol.sio.call("leave-room", "garden", timeout=5)
            # Carol's line comes after her presence notices on every connection
            # (one server, one socket each: in order); once it is there, every
            # notice that was sent has arrived.
            await carol.sio.call("send-message", ("after the notices", ""), timeout=5)
            for w in (asked, quiet, refused):
                await until(lambda w=w: "after the notices" in w.texts(), what=w.name)
            about_carol = [p for p in asked.got("presence") if p["name"] == "carol"]
            seen = [(p["room"], p["name"], p["event"]) for p in about_carol]
            assert seen == [("", "carol", "joined"), ("garden", "carol", "joined"),
                            ("garden", "carol", "left")], seen  # fmt: skip
            assert about_carol[1]["count"] == 4  # asked, quiet, falsy, carol in the garden
            assert quiet.got("presence") == [] and refused.got("presence") == []
        finally:
            for w in everyone:
                await w.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_typing_is_relayed_to_the_room_at_most_once_per_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    every = 0.3
    monkeypatch.setattr(extensions, "TYPING_EVERY", every)

    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        watcher = Watcher("watcher", True)
        typer = Watcher("typer", None)
        outside = Watcher("outside", True)  # asked for presence, not in the room
        try:
            for w in (watcher, typer, outside):
                await w.connect(port)
            for w in (watcher, typer):
                await w.join("garden")
            typer_sid = typer.sio.get_sid()

            async def burst(marker: str) -> None:
                for _ in range(20):  # a client flooding typing notices
                    await typer.sio.emit("typing", {"room": "garden", "name": "forged"})
                await typer.sio.call("send-message", (marker, "garden"), timeout=5)
                await until(lambda: marker in watcher.texts(), what=marker)

            loop_time = server_loop_time()
            await burst("first burst")
            relayed = watcher.got("typing")
            assert relayed == [{"room": "garden", "name": "typer", "sid": typer_sid}]
            # Once the interval has passed, the next notice goes through again.
            await until(lambda: server_loop_time() - loop_time > every * 1.5, what="the interval")
            await burst("second burst")
            assert len(watcher.got("typing")) == 2, watcher.got("typing")
            assert typer.got("typing") == [] and outside.got("typing") == []
        finally:
            for w in (watcher, typer, outside):
                await w.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def server_loop_time() -> float:
    """The clock the throttle reads (time.monotonic in server/extensions.py)."""
    return extensions.time.monotonic()
