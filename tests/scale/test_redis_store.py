"""server/redis_store.py against a real Redis: what catch-up and retention rely on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

import redis.asyncio as aioredis

from desktop_chat.protocol.messages import new_id
from desktop_chat.server.history import Stored
from desktop_chat.server.redis_store import RedisStore
from tests.helpers import run_checked
from tests.scale.cluster import RedisProcess


def test_a_page_skips_the_askers_own_messages_and_is_still_full(
    redis_process: RedisProcess,
) -> None:
    """A short page means "caught up": one cut short by the asker's own messages
    would subscribe it with messages still unsent."""

    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            for n in range(30):
                sender = "me" if n % 3 else "them"
                await store.add(f"m{n}", "r", sender, sender, f"t{n}", "sid")
            await store.add("elsewhere", "other", "them", "them", "x", "sid")
            last = await store.last_offset()
            page = await store.page("r", 0, last, "me", 5)
            assert [s.text for s in page] == ["t0", "t3", "t6", "t9", "t12"]
            rest = await store.page("r", page[-1].offset, last, "me", 50)
            assert [s.text for s in rest] == ["t15", "t18", "t21", "t24", "t27"]
        finally:
            await store.close()

    run_checked(scenario())


def test_catch_ups_of_one_range_at_once_each_leave_out_only_their_own_messages(
    redis_process: RedisProcess,
) -> None:
    """A storm's catch-ups of the same range share one read of Redis; what
    each is sent must still be everyone's messages but its own."""

    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            for n in range(12):
                sender = ("alice", "bob", "carol")[n % 3]
                await store.add(f"m{n}", "r", sender, sender, f"t{n}", "sid")
            last = await store.last_offset()
            pages = await asyncio.gather(
                *(store.page("r", 0, last, who, 50) for who in ("alice", "bob", "alice", "dave"))
            )
            texts = [[s.text for s in page] for page in pages]
            everyone = [f"t{n}" for n in range(12)]
            assert texts[0] == texts[2] == [t for n, t in enumerate(everyone) if n % 3 != 0]
            assert texts[1] == [t for n, t in enumerate(everyone) if n % 3 != 1]
            assert texts[3] == everyone
        finally:
            await store.close()

    run_checked(scenario())


def test_a_redis_that_lost_everything_is_read_afresh_not_from_a_shared_read(
    redis_process: RedisProcess,
) -> None:
    """A storm's page reads are shared for a second (RedisStore._chunk). A
    Redis without persistence that restarts counts offsets from 1 again: the
    same range asked of the new store, once its epoch has been seen (each
    welcome reads it), must be the new store's messages, not the old one's."""

    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            for n in range(3):
                await store.add(f"old{n}", "r", "alice", "alice", f"old {n}", "sid")
            epoch = await store.epoch()
            old = await store.page("r", 0, 3, "nobody", 50)
            assert [s.text for s in old] == ["old 0", "old 1", "old 2"]
            await store.redis.flushall()  # restarted empty
            assert await store.epoch() != epoch
            for n in range(3):
                await store.add(f"new{n}", "r", "bob", "bob", f"new {n}", "sid")
            assert await store.last_offset() == 3
            new = await store.page("r", 0, 3, "nobody", 50)
            assert [s.text for s in new] == ["new 0", "new 1", "new 2"]
        finally:
            await store.close()

    run_checked(scenario())


# Counting's own commands, and a new connection's of the client's pool.
SETTING_UP = {"info", "hello", "ping", "client|setinfo", "client|setname", "select"}


async def _calls(redis: aioredis.Redis) -> dict[str, int]:
    """Redis's own count of the commands it ran, by name (a script's included)."""
    stats = await redis.info("commandstats")
    return {name[len("cmdstat_") :]: int(v["calls"]) for name, v in stats.items()}


async def _calls_made(redis: aioredis.Redis, work: Awaitable[object]) -> dict[str, int]:
    before = await _calls(redis)
    await work
    after = await _calls(redis)
    return {
        name: n - before.get(name, 0)
        for name, n in after.items()
        if n != before.get(name) and name not in SETTING_UP
    }


def test_the_welcomes_of_a_storm_read_the_epoch_and_newest_offset_once(
    redis_process: RedisProcess,
) -> None:
    """Each welcome reads the store's epoch and newest offset; 12,500 clients
    coming back to one process made three round trips each (issue #23). Those
    waiting while a read is out share the next one."""

    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            await store.add("m", "", "alice", "alice", "x", "sid")
            epoch, newest = await store.epoch_and_newest()
            made = await _calls_made(
                store.redis, asyncio.gather(*(store.epoch_and_newest() for _ in range(100)))
            )
            assert made == {"set": 1, "get": 2}  # one pipeline: SET NX, GET, GET
            assert (epoch, newest) == (await store.epoch(), 1)
        finally:
            await store.close()

    run_checked(scenario())


def test_the_replays_of_a_storm_read_a_page_and_what_it_is_told_with_in_one_round_trip(
    redis_process: RedisProcess,
) -> None:
    """A replay page also needs the room's trimmed point and the store's epoch
    (replay-done); each was a round trip of its own under the relay lock
    (issue #23). Now one script reads them all, once for the replays asking."""

    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            for n in range(5):
                await store.add(f"m{n}", "r", "alice", "alice", f"t{n}", "sid")
            await store.trim(before_ts=None, keep=4, batch=10)
            await store.replay_page("elsewhere", 0, 5, "", 200)  # the script loaded
            made = await _calls_made(
                store.redis,
                asyncio.gather(*(store.replay_page("r", 0, 5, "bob", 200) for _ in range(50))),
            )
            # The script, and what it ran: the epoch, the trimmed point, the
            # room's index and each of its 4 entries kept.
            assert made == {"evalsha": 1, "set": 1, "get": 1, "hget": 1, "xrange": 5}
            read = await store.replay_page("r", 0, 5, "bob", 200)
            assert [s.text for s in read.rows] == ["t1", "t2", "t3", "t4"]
            assert (read.gone, read.epoch) == (1, await store.epoch())
        finally:
            await store.close()

    run_checked(scenario())


def test_text_comes_back_as_sent_and_a_repeat_is_answered_with_the_first(
    redis_process: RedisProcess,
) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            text = "안녕 \U0001f600 \ud800 lone surrogate"
            first, again = await asyncio.gather(
                store.add("same", "", "alice", "alice", text, "sid1"),
                store.add("same", "", "alice", "alice", text, "sid2"),
            )
            assert first.new and not again.new
            assert (again.stored.offset, again.stored.id) == (first.stored.offset, first.stored.id)
            (stored,) = await store.page("", 0, await store.last_offset(), "", 10)
            assert stored.text == text and stored.id == first.stored.id
        finally:
            await store.close()

    run_checked(scenario())


def test_trimming_by_age_records_per_room_what_went(redis_process: RedisProcess) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_process.url)
        try:
            a = [
                (await store.add(f"a{n}", "a", "c", "c", "x", "s")).stored.offset for n in range(3)
            ]
            b = [
                (await store.add(f"b{n}", "b", "c", "c", "x", "s")).stored.offset for n in range(3)
            ]
            deleted = await store.trim(before_ts=time.time() + 60, keep=None, batch=4)
            assert deleted == 4  # in batches: three of a, the first of b
            assert await store.trimmed_through("a") == a[-1]
            assert await store.trimmed_through("b") == b[0]
            assert await store.oldest_kept("a") is None
            assert await store.oldest_kept("b") == b[1]
            assert await store.trim(before_ts=None, keep=1, batch=100) == 1
            assert await store.oldest_kept("b") == b[2]
            assert await store.trimmed_through("") == 0
        finally:
            await store.close()

    run_checked(scenario())


def test_de_duplication_keys_go_with_the_messages_retention_trims(
    redis_process: RedisProcess,
) -> None:
    """Issue #22, item 11: trimmed to 1,000 messages, all 40,000 `sent:` keys
    of a day's sending stayed for 30 days (about 17 MB)."""

    async def scenario() -> None:
        store = RedisStore(redis_process.url)  # de-duplication for 30 days
        redis = aioredis.Redis.from_url(redis_process.url)
        try:
            sent = [(await store.add(f"m{n}", "", "c", "c", "x", "s")).stored for n in range(300)]
            for n, message in enumerate(sent[::10]):  # events of some of them
                react = Stored(
                    0, new_id(), "", "d", "d", "", 0.0, kind="react", target=message.id, emoji="👍"
                )
                await store.add_event(f"r{n}", react, "s")
            while await store.trim(before_ts=None, keep=50, batch=100):
                pass
            kept = await redis.keys("desktop-chat:sent:*")
            # One key per entry kept (a message or an event), none of what went.
            assert len(kept) == await redis.xlen("desktop-chat:messages") <= 50
            assert await redis.get("desktop-chat:sent:1:c:m0") is None
            assert await redis.get("desktop-chat:sent:1:c:m299") is not None
            # What is kept is still de-duplicated.
            again = await store.add("m299", "", "c", "c", "x", "s")
            assert not again.new and again.stored.offset == sent[-1].offset
        finally:
            await redis.aclose()
            await store.close()

    run_checked(scenario())


def test_retention_by_bytes_on_redis(redis_process: RedisProcess) -> None:
    async def scenario() -> None:
        from desktop_chat.server.retention import Retention, trim

        store = RedisStore(redis_process.url)
        try:
            for n in range(300):
                await store.add(f"m{n}", "", "c", "c", "x" * 10_000, "s")
            used, kept = await store.size()
            assert kept == 300 and used >= 300 * 10_000
            await trim(store, Retention(days=None, messages=None, bytes=1_000_000), asyncio.Lock())
            used, kept = await store.size()
            assert used <= 1_100_000 and 0 < kept < 300
            assert (await store.sent("c", "m299")) is not None  # the newest stay
        finally:
            await store.close()

    run_checked(scenario())
