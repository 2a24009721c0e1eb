"""Edits, deletions and reactions across server processes on one Redis:
sent through one process, seen live and in a catch-up on another, and a
deleted message's text XDEL'd from the stream."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis

from desktop_chat.protocol.messages import new_id
from desktop_chat.server.history import Stored
from desktop_chat.server.redis_store import RedisStore
from tests.helpers import run_checked, until
from tests.scale.cluster import Listener, RedisProcess, ServerProcess
from tests.server.test_message_events import (
    EDITED,
    trims_a_messages_later_events_with_it,
    trims_events_with_messages,
)

ROOM = "ops"
Start = Callable[..., list[ServerProcess]]


class EventListener(Listener):
    """A Listener that also keeps message events, in arrival order with the messages."""

    def __init__(self, name: str, client: str | None = None) -> None:
        super().__init__(name, client)
        self.events: list[dict[str, Any]] = []
        self.order: list[int] = []
        self.sio.on("message-event", self._event)
        self.sio.on("receive-message", self._message)

    def _event(self, ev: dict[str, Any]) -> None:
        self.events.append(ev)
        self.order.append(ev["offset"])

    def _message(self, text: str, meta: dict[str, Any]) -> None:
        self.received.append((text, meta))
        self.order.append(meta["offset"])

    async def event(self, ev: dict[str, Any]) -> Any:
        return await self.sio.call("message-event", ev, timeout=15)


def test_events_through_one_process_reach_another_live_and_in_a_catch_up(
    servers: Start, redis_process: RedisProcess
) -> None:
    first, second = servers(2)

    async def scenario() -> None:
        writer = EventListener("writer")
        reader = EventListener("reader", client="reader-key")
        try:
            await writer.connect(first.url)
            await writer.join(ROOM)
            await reader.connect(second.url)
            start = reader.info["offset"]
            assert reader.info["events"] is True
            await reader.join(ROOM)

            marker = "secret-marker-7f3a"
            doomed = await writer.send(f"{marker} v1", ROOM, "m1")
            answer = await reader.send("answer", ROOM)  # reply_to across processes
            reply = await writer.sio.call(
                "send-message",
                ("re", ROOM, {"reply_to": answer["id"], "format": "markdown"}),
                timeout=15,
            )
            edit = await writer.event(
                {"type": "edit", "target_own": "m1", "text": f"{marker} v2", "id": "e1"}
            )
            react = await reader.event(
                {"type": "react", "target": doomed["id"], "emoji": "👀", "id": "r1"}
            )
            assert react["on"] is True and react["reactors"] == ["reader"]
            mine = await writer.event(
                {"type": "react", "target": doomed["id"], "emoji": "👀", "id": "r2"}
            )
            assert mine["reactors"] == ["reader", "writer"]
            kept = await writer.send("kept", ROOM, "m2")
            # A second react of one emoji by one sender takes it back, on any process.
            again = await reader.event(
                {"type": "react", "target": doomed["id"], "emoji": "🎉", "id": "r3"}
            )
            assert again["on"] is True
            back = await reader.event(
                {"type": "react", "target": doomed["id"], "emoji": "🎉", "id": "r4"}
            )
            assert back["on"] is False and back["reactors"] == []
            # Refusals come from the store as well as the rules.
            theirs = await reader.event(
                {"type": "edit", "target": doomed["id"], "text": "x", "id": "bad"}
            )
            assert theirs["code"] == "not-yours"

            await until(lambda: len(reader.events) == 2, 15, "the edit and writer's react live")
            assert [e["type"] for e in reader.events] == ["edit", "react"]
            assert reader.events[0]["text"] == f"{marker} v2"
            assert reader.events[0]["offset"] == edit["offset"]
            assert reader.events[1]["reactors"] == ["reader", "writer"]
            await until(lambda: any(m["id"] == reply["id"] for _, m in reader.received), 15)
            live_reply = next(m for _, m in reader.received if m["id"] == reply["id"])
            assert live_reply["reply_to"] == answer["id"] and live_reply["format"] == "markdown"

            deleted = await writer.event({"type": "delete", "target": doomed["id"], "id": "d1"})
            assert deleted["target"] == doomed["id"]
            await until(lambda: reader.events[-1]["type"] == "delete", 15, "the delete live")
            assert reader.order == sorted(reader.order)
            refused = await reader.event(
                {"type": "react", "target": doomed["id"], "emoji": "👍", "id": "r5"}
            )
            assert refused["code"] == "no-such-message"

            # The text is gone from the stream, not only hidden.
            redis = aioredis.Redis.from_url(redis_process.url)
            try:
                entries = await redis.xrange("desktop-chat:messages", "-", "+")
            finally:
                await redis.aclose()
            stream = repr(entries)
            assert marker not in stream and "kept" in stream

            # Back on the first process, from before it all.
            await reader.leave()
            reader.received.clear()
            reader.events.clear()
            reader.order.clear()
            await reader.connect(first.url)
            await reader.join(ROOM, since=start)
            await until(lambda: len(reader.done) == 1, 15, "the room's replay")
            assert marker not in repr(reader.received) + repr(reader.events)
            assert reader.order == sorted(reader.order)
            assert [m["id"] for _, m in reader.received] == [reply["id"], kept["id"]]
            # Its own events are left out, as its own messages; writer's delete comes.
            assert [e["type"] for e in reader.events] == ["delete"]
            assert reader.events[0]["offset"] == deleted["offset"]
            assert reader.events[0]["from"] == {"sid": "", "name": "writer"}
        finally:
            await reader.leave()
            await writer.leave()

    run_checked(scenario())


def test_a_resent_event_to_another_process_is_applied_once(servers: Start) -> None:
    first, second = servers(2)

    async def scenario() -> None:
        writer = EventListener("writer", client="writer-key")
        watcher = EventListener("watcher")
        try:
            await watcher.connect(second.url)
            await writer.connect(first.url)
            sent = await writer.send("hello", "", "m1")
            ev = {"type": "react", "target": sent["id"], "emoji": "👋", "id": "once"}
            acked = await writer.event(ev)
            await writer.leave()
            await writer.connect(second.url)
            assert await writer.event(ev) == acked
            marker = await writer.send("marker")
            await until(lambda: any(m["id"] == marker["id"] for _, m in watcher.received), 15)
            assert [e["id"] for e in watcher.events] == [acked["id"]]
        finally:
            await writer.leave()
            await watcher.leave()

    run_checked(scenario())


def test_retention_trims_events_and_the_message_index(redis_process: RedisProcess) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            await trims_events_with_messages(store)
        finally:
            await store.close()

    run_checked(scenario())


def test_retention_trims_a_messages_later_events_and_their_text(
    redis_process: RedisProcess,
) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        redis = aioredis.Redis.from_url(redis_process.url)
        try:
            await trims_a_messages_later_events_with_it(store)
            entries = await redis.xrange("desktop-chat:messages", "-", "+")
            assert [fields.get(b"k", b"message") for _, fields in entries] == [
                b"message",
                b"react",
                b"message",
            ]
            assert EDITED not in repr(entries)
            index = await redis.xrange("desktop-chat:room:r", "-", "+")
            assert [entry_id for entry_id, _ in index] == [entry_id for entry_id, _ in entries]
            # Only the kept messages have a hash (the deleted one's went too).
            assert len(await redis.keys("desktop-chat:msg:*")) == 2
            assert len(await redis.keys("desktop-chat:react:*")) == 1
        finally:
            await redis.aclose()
            await store.close()

    run_checked(scenario())


def test_a_message_can_be_changed_after_the_de_duplication_window(
    redis_process: RedisProcess,
) -> None:
    """Without age retention a message is kept until the count trims it: its
    hash and reactions expire with nothing, however short de-duplication is."""

    async def scenario() -> None:
        store = RedisStore(redis_process.url, dedup_seconds=1)
        redis = aioredis.Redis.from_url(redis_process.url)
        try:
            sent = (await store.add("m1", "", "alice", "alice", "hello", "sid")).stored
            react = Stored(
                0, new_id(), "", "bob", "bob", "", 0.0, kind="react", target=sent.id, emoji="👍"
            )
            assert (await store.add_event("r1", react, "sid")).stored.on is True
            assert await redis.ttl(f"desktop-chat:msg:{sent.id}") == -1
            assert await redis.ttl(f"desktop-chat:react:{sent.id}") == -1
            await asyncio.sleep(2.1)  # the opts.ids are forgotten
            assert await redis.get("desktop-chat:sent:5:alice:m1") is None
            edit = Stored(
                0, new_id(), "", "alice", "alice", "hello again", 0.0, kind="edit", target=sent.id
            )
            assert (await store.add_event("e1", edit, "sid")).new
            again = Stored(
                0, new_id(), "", "carol", "carol", "", 0.0, kind="react", target=sent.id, emoji="👍"
            )
            assert (await store.add_event("r2", again, "sid")).stored.reactors == ("bob", "carol")
        finally:
            await redis.aclose()
            await store.close()

    run_checked(scenario())
