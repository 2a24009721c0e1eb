"""server/redis_store.py against a real Redis: what catch-up and retention rely on."""

from __future__ import annotations

import asyncio
import time

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
