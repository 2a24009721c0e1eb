"""Presence, participants, typing and renames across server processes that
share one Redis (issue #23, item 5; server/presence_bus.py).

What a user on one process checks about someone on another: that they are
listed among the participants and their joining, leaving and typing are
said, with the count of everyone; that a rename is said; that someone whose
process was killed (`kill -9`) is gone from the list within the bound
docs/protocol.md gives (ALIVE_FOR + HEARTBEAT); that a process stopped
cleanly takes its people at once; that a process which missed what was
published (its subscription cut) catches up; and that nothing of a private
room reaches a non-member on any process.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
import socketio

from desktop_chat.server.presence_bus import ALIVE_FOR
from tests.helpers import run_checked, until
from tests.scale.cluster import RedisProcess, ServerProcess
from tests.server.test_accounts import Place

Start = Callable[..., list[ServerProcess]]
GONE_WITHIN = 6.0  # seconds: what docs/protocol.md promises (ALIVE_FOR + HEARTBEAT)
SLACK = 2.0  # seconds for a loaded test machine, on top of the promise


class Watcher:
    """A python-socketio client that asked for presence, as desktop-chat does,
    and keeps every presence, typing and renamed notice it is sent."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.info: dict[str, Any] = {}
        self.presence: list[dict[str, Any]] = []
        self.typing: list[dict[str, Any]] = []
        self.renamed: list[dict[str, Any]] = []
        self.sio.on("server-info", self.info.update)
        self.sio.on("presence", self.presence.append)
        self.sio.on("typing", self.typing.append)
        self.sio.on("renamed", self.renamed.append)

    async def connect(self, url: str, **auth: Any) -> None:
        auth = {"name": self.name, "client": self.name, "presence": True, **auth}
        await self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
        await until(lambda: bool(self.info), 10, f"{self.name}'s server-info")

    async def call(self, event: str, *args: Any) -> Any:
        return await self.sio.call(event, args, timeout=10)

    async def join(self, room: str) -> None:
        assert await self.call("join-room", room) == f"Joined {room}"

    async def members(self, room: str) -> dict[str, int]:
        """Who `participants` lists in `room`: name -> windows."""
        answer = await self.call("participants", room)
        assert "members" in answer, answer
        return {m["name"]: m["windows"] for m in answer["members"]}

    def saw(self, room: str, name: str, event: str) -> list[dict[str, Any]]:
        return [
            p for p in self.presence if (p["room"], p["name"], p["event"]) == (room, name, event)
        ]

    async def close(self) -> None:
        await self.sio.disconnect()


async def listed(watcher: Watcher, room: str, wanted: dict[str, int], timeout: float = 10) -> None:
    """Wait until `participants` of `room` is `wanted`, asking as a window does."""
    got: dict[str, int] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = await watcher.members(room)
        if got == wanted:
            return
        await asyncio.sleep(0.25)  # within the server's meter of presence requests (5 a second)
    raise AssertionError(f"{watcher.name}'s participants of {room!r}: {got}, not {wanted}")


async def closing(watchers: list[Watcher], work: Any) -> None:
    try:
        await work
    finally:
        for watcher in watchers:
            await watcher.close()


def test_joins_leaves_and_disconnects_on_one_process_are_seen_on_the_other(
    servers: Start,
) -> None:
    first, second = servers(2)
    alice, bob, carol = Watcher("alice"), Watcher("bob"), Watcher("carol")

    async def work() -> None:
        await alice.connect(first.url)
        await alice.join("garden")
        await bob.connect(second.url)
        await until(lambda: bool(alice.saw("", "bob", "joined")), 10, "alice to see bob connect")
        assert alice.saw("", "bob", "joined")[-1]["count"] == 2  # everyone, on both processes
        await listed(alice, "", {"alice": 1, "bob": 1})
        await listed(bob, "", {"alice": 1, "bob": 1})

        await bob.join("garden")
        await until(lambda: bool(alice.saw("garden", "bob", "joined")), 10, "bob joining garden")
        assert alice.saw("garden", "bob", "joined")[-1]["count"] == 2
        await listed(alice, "garden", {"alice": 1, "bob": 1})
        await listed(bob, "garden", {"alice": 1, "bob": 1})

        # A process started later knows who is on the others from the start.
        (third,) = servers(1)
        await carol.connect(third.url)
        await listed(carol, "garden", {"alice": 1, "bob": 1})
        await until(lambda: bool(alice.saw("", "carol", "joined")), 10, "carol connecting")
        assert alice.saw("", "carol", "joined")[-1]["count"] == 3

        assert await bob.call("leave-room", "garden") == "Left garden"
        await until(lambda: bool(alice.saw("garden", "bob", "left")), 10, "bob leaving garden")
        assert alice.saw("garden", "bob", "left")[-1]["count"] == 1
        await listed(alice, "garden", {"alice": 1})

        await bob.join("garden")
        await until(lambda: len(alice.saw("garden", "bob", "joined")) == 2, 10, "bob back")
        await bob.close()
        await until(lambda: len(alice.saw("garden", "bob", "left")) == 2, 10, "bob's disconnect")
        await until(lambda: bool(alice.saw("", "bob", "left")), 10, "bob gone from everyone")
        assert alice.saw("", "bob", "left")[-1]["count"] == 2  # alice and carol
        await listed(alice, "", {"alice": 1, "carol": 1})
        await listed(carol, "garden", {"alice": 1})

    run_checked(closing([alice, bob, carol], work()))


def test_typing_on_one_process_reaches_the_other_once_a_second(servers: Start) -> None:
    first, second = servers(2)
    alice, bob, dave = Watcher("alice"), Watcher("bob"), Watcher("dave")

    async def work() -> None:
        await alice.connect(first.url)
        await dave.connect(first.url)  # connected, asked for presence, not in garden
        await bob.connect(second.url)
        for watcher in (alice, bob):
            await watcher.join("garden")
        await until(lambda: bool(alice.saw("garden", "bob", "joined")), 10, "bob in garden")
        started = time.monotonic()
        while time.monotonic() - started < 1.3:  # a client that floods typing notices
            await bob.sio.emit("typing", {"room": "garden"})
            await asyncio.sleep(0.05)
        await until(lambda: len(alice.typing) >= 2, 10, "bob's typing at alice")
        # The last word: bob types in "" (everyone). Once dave has it, any
        # typing of garden meant for him would have come before it.
        await asyncio.sleep(1.0)
        await bob.sio.emit("typing", {"room": ""})
        await until(lambda: any(t["room"] == "" for t in dave.typing), 10, "bob's typing in ''")
        garden = [t for t in alice.typing if t["room"] == "garden"]
        assert [(t["name"], t["room"]) for t in garden] == [("bob", "garden")] * 2, alice.typing
        assert all(t["room"] == "" for t in dave.typing), dave.typing

    run_checked(closing([alice, bob, dave], work()))


def test_a_rename_on_one_process_is_seen_on_the_other(servers: Start) -> None:
    first, second = servers(2)
    alice, bob = Watcher("alice"), Watcher("bob")

    async def work() -> None:
        await alice.connect(first.url)
        await bob.connect(second.url)
        for watcher in (alice, bob):
            await watcher.join("garden")
        await listed(alice, "garden", {"alice": 1, "bob": 1})
        assert await bob.call("rename", "robert") == "You are now called robert"
        await until(lambda: bool(alice.renamed), 10, "alice to hear of the rename")
        assert [(r["old"], r["name"]) for r in alice.renamed] == [("bob", "robert")]
        await listed(alice, "garden", {"alice": 1, "robert": 1})
        await listed(alice, "", {"alice": 1, "robert": 1})
        await bob.close()
        await until(lambda: bool(alice.saw("garden", "robert", "left")), 10, "robert leaving")
        await listed(alice, "garden", {"alice": 1})

    run_checked(closing([alice, bob], work()))


def test_the_people_of_a_killed_process_are_gone_within_the_bound(servers: Start) -> None:
    first, second = servers(2)
    alice, bob, bob2, carol = Watcher("alice"), Watcher("bob"), Watcher("bob"), Watcher("carol")

    async def work() -> None:
        await alice.connect(first.url)
        await alice.join("garden")
        for watcher in (bob, bob2, carol):  # bob with two windows
            await watcher.connect(second.url)
            await watcher.join("garden")
        await listed(alice, "garden", {"alice": 1, "bob": 2, "carol": 1})
        second.kill()  # kill -9: it says nothing
        killed = time.monotonic()
        await listed(alice, "garden", {"alice": 1}, timeout=GONE_WITHIN + SLACK)
        took = time.monotonic() - killed
        assert took <= GONE_WITHIN + SLACK, took
        await listed(alice, "", {"alice": 1})
        assert len(alice.saw("garden", "bob", "left")) == 2
        assert alice.saw("garden", "carol", "left")[-1]["count"] == 1
        assert alice.saw("", "carol", "left")
        print(f"a killed process's people were gone from participants after {took:.1f} s")

    run_checked(closing([alice], work()))


def test_a_process_that_stops_takes_its_people_at_once(servers: Start) -> None:
    first, second = servers(2)
    alice, bob = Watcher("alice"), Watcher("bob")

    async def work() -> None:
        await alice.connect(first.url)
        await bob.connect(second.url)
        await listed(alice, "", {"alice": 1, "bob": 1})
        stopped = time.monotonic()
        second.stop()
        # Well under ALIVE_FOR: said by the process as it stopped, not found out.
        await until(lambda: bool(alice.saw("", "bob", "left")), ALIVE_FOR - 2, "bob gone")
        await listed(alice, "", {"alice": 1})
        assert time.monotonic() - stopped < ALIVE_FOR

    run_checked(closing([alice, bob], work()))


def test_a_process_whose_subscription_was_cut_catches_up(
    servers: Start, redis_process: RedisProcess
) -> None:
    """What is published while a process's subscription is down is lost to it
    (pub/sub keeps nothing): it reads the other processes' state instead, and
    says the difference."""
    first, second = servers(2)
    alice, bob, carol = Watcher("alice"), Watcher("bob"), Watcher("carol")

    async def work() -> None:
        admin = aioredis.Redis.from_url(redis_process.url)
        try:
            await alice.connect(first.url)
            await alice.join("garden")
            await bob.connect(second.url)
            await listed(alice, "", {"alice": 1, "bob": 1})
            for _ in range(20):  # cut every subscription while bob and carol come and go
                await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
                await asyncio.sleep(0.02)
                if _ == 5:
                    await bob.join("garden")
                    await carol.connect(second.url)
                if _ == 10:
                    await bob.close()
            await listed(alice, "garden", {"alice": 1}, timeout=10)
            await listed(alice, "", {"alice": 1, "carol": 1}, timeout=10)
            await listed(carol, "", {"alice": 1, "carol": 1}, timeout=10)
            assert alice.saw("", "carol", "joined") and alice.saw("", "bob", "left")
        finally:
            await admin.aclose()

    run_checked(closing([alice, bob, carol], work()))


def test_private_room_presence_reaches_members_on_every_process_and_nobody_else(
    servers: Start, redis_process: RedisProcess, tmp_path: Path
) -> None:
    first, second = servers(2, "--accounts")
    place = Place([first.url, second.url], ["--redis", redis_process.url], lambda: "")
    alice, bob, carol = Watcher("alice-w"), Watcher("bob-w"), Watcher("carol-w")

    async def work() -> None:
        tokens = {name: await place.account(name) for name in ("alice", "bob", "carol")}
        await place.admin("rooms", "add", "ops", "--private", "--member", "alice",
                          "--member", "carol")  # fmt: skip
        await alice.connect(first.url, token=tokens["alice"])
        await bob.connect(first.url, token=tokens["bob"])  # not a member, beside alice
        await carol.connect(second.url, token=tokens["carol"])
        await alice.join("ops")
        await carol.join("ops")
        await until(lambda: bool(alice.saw("ops", "carol", "joined")), 10, "carol in ops")
        await listed(alice, "ops", {"alice": 1, "carol": 1})
        refused = await bob.call("participants", "ops")
        assert refused.get("code") == "not-a-member", refused
        await carol.sio.emit("typing", {"room": "ops"})
        await until(lambda: any(t["room"] == "ops" for t in alice.typing), 10, "carol typing")
        assert await carol.call("leave-room", "ops") == "Left ops"
        await until(lambda: bool(alice.saw("ops", "carol", "left")), 10, "carol leaving ops")
        # The last word, to everyone: once bob has it, anything of ops would
        # have reached him before it.
        await asyncio.sleep(1.0)
        await carol.sio.emit("typing", {"room": ""})
        await until(lambda: any(t["room"] == "" for t in bob.typing), 10, "carol's typing in ''")
        assert [p for p in bob.presence if p["room"] == "ops"] == [], bob.presence
        assert [t for t in bob.typing if t["room"] == "ops"] == [], bob.typing
        assert bob.saw("", "carol", "joined")  # he does see her come, in ""

    run_checked(closing([alice, bob, carol], work()))


def test_after_redis_lost_everything_the_lists_come_back(
    servers: Start, redis_process: RedisProcess
) -> None:
    """A Redis without persistence restarted empty: every process's heartbeat
    and hash are gone, so each finds itself taken for gone and says who is
    here again: a process started afterwards lists everyone, and the others'
    lists are whole again."""
    first, second = servers(2)
    alice, bob, carol = Watcher("alice"), Watcher("bob"), Watcher("carol")

    async def work() -> None:
        await alice.connect(first.url)
        await alice.join("garden")
        await bob.connect(second.url)
        await bob.join("garden")
        await listed(alice, "garden", {"alice": 1, "bob": 1})
        redis_process.kill()
        for leftover in redis_process.folder.iterdir():  # no persistence: nothing survives
            if leftover.is_file():
                leftover.unlink()
            else:
                shutil.rmtree(leftover)
        redis_process.start()
        (third,) = servers(1)  # knows only what Redis holds
        await carol.connect(third.url)
        await carol.join("garden")
        everyone = {"alice": 1, "bob": 1, "carol": 1}
        await listed(carol, "garden", everyone, timeout=GONE_WITHIN + SLACK)
        await listed(alice, "garden", everyone, timeout=GONE_WITHIN + SLACK)
        await listed(bob, "garden", everyone, timeout=GONE_WITHIN + SLACK)
        assert await bob.call("leave-room", "garden") == "Left garden"
        await listed(carol, "garden", {"alice": 1, "carol": 1})

    run_checked(closing([alice, bob, carol], work()))
