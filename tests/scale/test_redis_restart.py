"""Redis killed and restarted mid-stream (same data folder, append-only file).

What an operator checks: while Redis is down, /health says so (503) on every
process and a send is held, then refused with the reason, never half-taken;
once Redis is back, the processes resume relaying from where they were,
the refused messages go through when sent again under the same id, and every
receiver, on either process, has every acked message exactly once, in order.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable

import redis.asyncio as aioredis

from tests.helpers import run_checked, until
from tests.scale.cluster import (
    Listener,
    RedisProcess,
    ServerProcess,
    assert_once_in_order,
    wait_health,
)

UNAVAILABLE = "the server's store is unavailable; try again"


def test_redis_restarted_mid_stream_loses_nothing_acked(
    servers: Callable[..., list[ServerProcess]], redis_process: RedisProcess
) -> None:
    first, second = servers(2)
    total = 120

    async def scenario() -> None:
        sender = Listener("sender", client="sender-key")
        receivers = [Listener(f"receiver{i}") for i in range(4)]
        acked: dict[str, int] = {}
        refusals: list[str] = []
        try:
            await sender.connect(first.url)
            for i, receiver in enumerate(receivers):
                await receiver.connect((first, second)[i % 2].url)

            async def write() -> None:
                for n in range(total):
                    while True:  # as the user presses "Retry": the same id again
                        ack = await sender.send(f"n{n}", message_id=f"m{n}")
                        if "error" not in ack:
                            acked[f"m{n}"] = ack["offset"]
                            break
                        refusals.append(ack["error"])
                        await asyncio.sleep(0.2)

            writing = asyncio.ensure_future(write())
            await until(lambda: len(acked) >= 40, 20, "40 acks before the crash")
            redis_process.kill()
            for process in (first, second):
                body = await wait_health(process.url, 503)
                assert '"redis": "unreachable"' in body
            await until(lambda: bool(refusals), 15, "a send refused while Redis is down")
            assert set(refusals) == {UNAVAILABLE}
            redis_process.start()
            for process in (first, second):
                await wait_health(process.url, 200)
            await asyncio.wait_for(writing, 60)
            assert len(acked) == total and len(set(acked.values())) == total
            for receiver in receivers:
                await until(
                    lambda r=receiver: len(r.received) >= total, 20, f"{receiver.name}'s messages"
                )
                assert_once_in_order(receiver, set(acked.values()))
                assert [text for text, _ in receiver.received] == [f"n{n}" for n in range(total)]
        finally:
            for listener in (sender, *receivers):
                await listener.leave()

    run_checked(scenario())


def test_a_catch_up_asked_for_while_redis_is_down_completes_when_it_is_back(
    servers: Callable[..., list[ServerProcess]], redis_process: RedisProcess
) -> None:
    (process,) = servers(1)

    async def scenario() -> None:
        writer = Listener("writer")
        reader = Listener("reader")
        try:
            await writer.connect(process.url)
            await writer.join("ops")
            earlier = [(await writer.send(f"m{n}", "ops"))["offset"] for n in range(10)]
            redis_process.kill()
            await wait_health(process.url, 503)
            await reader.connect(process.url)
            await reader.join("ops", since=0)  # acked at once; the replay waits
            redis_process.start()
            await until(lambda: bool(reader.done), 20, "replay-done once Redis is back")
            assert reader.offsets() == earlier
            live = (await writer.send("live", "ops"))["offset"]
            await until(lambda: reader.offsets() == [*earlier, live], 10, "the live message")
        finally:
            await writer.leave()
            await reader.leave()

    run_checked(scenario())


def test_connections_to_redis_cut_mid_stream_lose_nothing_and_double_nothing(
    servers: Callable[..., list[ServerProcess]], redis_process: RedisProcess
) -> None:
    """Redis stays up; every connection the servers have to it is cut, again and
    again (`CLIENT KILL`), while senders on both processes write: replies lost
    after a script ran are answered from the de-duplication keys, and each
    process's reader picks up after the last entry it relayed."""
    first, second = servers(2)
    per_sender = 150

    async def scenario() -> None:
        senders = [Listener("sender0"), Listener("sender1")]
        receivers = [Listener(f"receiver{i}") for i in range(4)]
        admin = aioredis.Redis.from_url(redis_process.url)
        cuts = 0
        try:
            for i, listener in enumerate([*senders, *receivers]):
                await listener.connect((first, second)[i % 2].url)

            cut_both = asyncio.Event()

            def both_readers_cut() -> bool:
                # A cut the client library's own retry absorbs leaves no trace;
                # the readers must each have lost Redis mid-stream at least once.
                return all("lost Redis" in p.child.text("stderr") for p in (first, second))

            async def write(sender: Listener) -> dict[int, str]:
                acked = {}
                n = 0
                while n < per_sender or not cut_both.is_set():
                    while "error" in (ack := await sender.send(f"{sender.name} {n}")):
                        await asyncio.sleep(0.05)  # the user's retry, same id
                    acked[ack["offset"]] = f"{sender.name} {n}"
                    n += 1
                    assert n < 5_000, "the readers' connections were never cut"
                return acked

            writing = asyncio.gather(*(write(s) for s in senders))
            while not writing.done():
                cuts += int(await admin.execute_command("CLIENT", "KILL", "TYPE", "normal",
                                                        "SKIPME", "yes"))  # fmt: skip
                if both_readers_cut():
                    cut_both.set()
                await asyncio.sleep(0.05)
            acked = {k: v for part in await writing for k, v in part.items()}
            assert cuts >= 5, f"only {cuts} connections were cut"
            # Both readers were cut and resumed (their log says from where).
            assert both_readers_cut()
            assert len(acked) >= 2 * per_sender
            for receiver in receivers:
                await until(lambda r=receiver: len(r.received) >= len(acked), 20, receiver.name)
                assert_once_in_order(receiver, set(acked))
                assert [text for text, _ in receiver.received] == [acked[o] for o in sorted(acked)]
        finally:
            await admin.aclose()
            for listener in (*senders, *receivers):
                await listener.leave()

    run_checked(scenario())


def test_a_full_redis_refuses_with_the_reason_and_takes_messages_again_when_it_has_room(
    servers: Callable[..., list[ServerProcess]], redis_process: RedisProcess
) -> None:
    (process,) = servers(1)

    async def scenario() -> None:
        sender = Listener("sender")
        receiver = Listener("receiver")
        admin = aioredis.Redis.from_url(redis_process.url)
        try:
            await sender.connect(process.url)
            await receiver.connect(process.url)
            used = int((await admin.info("memory"))["used_memory"])
            await admin.config_set("maxmemory-policy", "noeviction")
            await admin.config_set("maxmemory", used + 1_000_000)
            acked, refused = [], []
            for n in range(40):  # 4 MB of text into 1 MB of room
                ack = await sender.send(f"{n} " + "x" * 100_000, message_id=f"m{n}")
                (refused if "error" in ack else acked).append((n, ack))
            assert refused and {ack["error"] for _, ack in refused} == {UNAVAILABLE}
            await admin.config_set("maxmemory", 0)
            for n, _ in refused:  # the user's retry
                ack = await sender.send(f"{n} " + "x" * 100_000, message_id=f"m{n}")
                assert "error" not in ack
            await until(lambda: len(receiver.received) == 40, 20, "all 40")
            assert sorted(int(text.split()[0]) for text, _ in receiver.received) == list(range(40))
            assert receiver.offsets() == sorted(set(receiver.offsets()))
        finally:
            await admin.aclose()
            await sender.leave()
            await receiver.leave()

    run_checked(scenario())


def test_a_redis_that_lost_everything_is_relayed_from_its_start(
    servers: Callable[..., list[ServerProcess]], redis_process: RedisProcess
) -> None:
    """A Redis without persistence that restarts (issue #22, item 4): its
    offsets start again from 1, under what each process had relayed, and a
    process's reader, resuming after its last offset, relayed nothing more.
    The store's epoch changes with it: the reader starts over, and clients
    are told the new epoch."""
    first, second = servers(2)

    async def scenario() -> None:
        sender = Listener("sender", client="sender-key")
        receivers = [Listener("receiver0"), Listener("receiver1")]
        try:
            await sender.connect(first.url)
            for receiver, process in zip(receivers, (first, second), strict=True):
                await receiver.connect(process.url)
            old_epoch = receivers[0].info["epoch"]
            for n in range(20):
                await sender.send(f"before {n}")
            for receiver in receivers:
                await until(lambda r=receiver: len(r.received) == 20, 15, "the first 20")
            redis_process.kill()
            for leftover in redis_process.folder.iterdir():  # no persistence: nothing survives
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
            redis_process.start()
            for process in (first, second):
                await wait_health(process.url, 200)
            for n in range(5):
                while "error" in (await sender.send(f"after {n}", message_id=f"after-{n}")):
                    await asyncio.sleep(0.1)  # the user's retry while the process reconnects
            for receiver in receivers:
                await until(
                    lambda r=receiver: (
                        [t for t, _ in r.received][20:] == [f"after {n}" for n in range(5)]
                    ),
                    20,
                    f"{receiver.name}'s messages after the wipe",
                )
            fresh = Listener("fresh")
            await fresh.connect(second.url)
            assert fresh.info["epoch"] != old_epoch
            await fresh.leave()
        finally:
            for listener in (sender, *receivers):
                await listener.leave()

    run_checked(scenario())
