"""Several desktop-chat-server processes on one Redis, as clients see them.

Each test checks what the single process guarantees, across processes: every
message once, in one order for everyone (offsets strictly increasing at every
receiver, and every receiver has them all), nothing acked lost, catch-up and
de-duplication wherever a client lands.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tests.helpers import run_checked, until
from tests.scale.cluster import Listener, ServerProcess, assert_once_in_order

ROOM = "ops"
Start = Callable[..., list[ServerProcess]]


@pytest.mark.parametrize("count", [2, 3])
def test_senders_on_every_process_one_order_for_every_receiver(servers: Start, count: int) -> None:
    """A sender on each process writes to the room and to everyone at once;
    two room members and one lobby-only client per process receive."""
    processes = servers(count)
    per_sender = 40

    async def scenario() -> None:
        senders = [Listener(f"sender{i}") for i in range(count)]
        members = [Listener(f"member{i}.{j}") for i in range(count) for j in range(2)]
        lobby = [Listener(f"lobby{i}") for i in range(count)]
        everyone = [*senders, *members, *lobby]
        try:
            for i, process in enumerate(processes):
                await senders[i].connect(process.url)
                await senders[i].join(ROOM)
                for member in members[2 * i : 2 * i + 2]:
                    await member.connect(process.url)
                    await member.join(ROOM)
                await lobby[i].connect(process.url)

            async def write(sender: Listener) -> list[tuple[str, int]]:
                acked = []
                for n in range(per_sender):
                    room = "" if n % 4 == 3 else ROOM
                    ack = await sender.send(f"{sender.name} {n}", room)
                    acked.append((room, ack["offset"]))
                return acked

            acks = await asyncio.gather(*(write(s) for s in senders))
            by_sender = {s.name: set(o for _, o in a) for s, a in zip(senders, acks, strict=True)}
            room_offsets = {o for a in acks for room, o in a if room == ROOM}
            lobby_offsets = {o for a in acks for room, o in a if room == ""}
            assert len(room_offsets | lobby_offsets) == count * per_sender  # offsets unique

            def expected(listener: Listener) -> set[int]:
                heard = lobby_offsets if listener in lobby else room_offsets | lobby_offsets
                return heard - by_sender.get(listener.name, set())

            for listener in everyone:
                await until(
                    lambda listener=listener: len(listener.received) >= len(expected(listener)),
                    20,
                    f"{listener.name} to receive everything",
                )
            for listener in everyone:
                assert_once_in_order(listener, expected(listener))
        finally:
            for listener in everyone:
                await listener.leave()

    run_checked(scenario())


def test_catch_up_on_another_process_gets_exactly_what_was_missed(servers: Start) -> None:
    first, second, third = servers(3)

    async def scenario() -> None:
        reader = Listener("reader", client="reader-key")
        writer = Listener("writer")
        try:
            await writer.connect(second.url)
            await writer.join(ROOM)
            await reader.connect(first.url)
            start = reader.info["offset"]
            await reader.join(ROOM)
            seen = [(await writer.send(f"seen {n}", ROOM))["offset"] for n in range(10)]
            await until(lambda: reader.offsets() == seen, 10, "the reader to see 10")
            await reader.leave()

            missed = []
            for n in range(30):
                room = "" if n % 3 == 0 else ROOM
                missed.append((await writer.send(f"missed {n}", room))["offset"])

            # Back, on a third process, with the offsets it had per channel.
            reader.received.clear()
            await reader.connect(third.url, offset=reader.last("", start))
            await reader.join(ROOM, since=seen[-1])
            await until(lambda: len(reader.done) == 2, 10, "both replays to finish")
            live = (await writer.send("live", ROOM))["offset"]
            await until(lambda: live in reader.offsets(), 10, "the live message")
            got = reader.offsets()
            assert len(got) == len(set(got)), "duplicates"
            assert set(got) == {*missed, live}
            for room in ("", ROOM):  # each channel's replay and live part in order, once
                offsets = reader.offsets(room)
                assert offsets == sorted(set(offsets)), (room, offsets)
            assert all("trimmed" not in done for done in reader.done)
        finally:
            await reader.leave()
            await writer.leave()

    run_checked(scenario())


def test_a_resend_to_another_process_is_stored_once(servers: Start) -> None:
    first, second, third = servers(3)

    async def scenario() -> None:
        sender = Listener("sender", client="sender-key")
        other = Listener("other", client="other-key")
        watcher = Listener("watcher")
        try:
            await watcher.connect(third.url)
            await sender.connect(first.url)
            ack = await sender.send("once", message_id="m-1")
            await sender.leave()
            # As after a lost ack: the same id again, from another process.
            await sender.connect(second.url)
            again = await sender.send("once", message_id="m-1")
            assert again == ack
            # Another sender's id is another namespace: its own message.
            await other.connect(second.url)
            theirs = await other.send("same id, someone else", message_id="m-1")
            assert theirs["offset"] != ack["offset"] and theirs["id"] != ack["id"]
            marker = await sender.send("marker", message_id="m-2")
            await until(lambda: marker["offset"] in watcher.offsets(), 10, "the marker")
            assert [text for text, _ in watcher.received] == [
                "once", "same id, someone else", "marker"
            ]  # fmt: skip
            assert_once_in_order(watcher, {ack["offset"], theirs["offset"], marker["offset"]})
        finally:
            for listener in (sender, other, watcher):
                await listener.leave()

    run_checked(scenario())


def test_a_catch_up_from_before_what_is_kept_says_it_was_trimmed(servers: Start) -> None:
    (first,) = servers(1)

    async def scenario() -> None:
        writer = Listener("writer")
        reader = Listener("reader")
        try:
            await writer.connect(first.url)
            await writer.join("kept")
            offsets = [(await writer.send(f"m{n}"))["offset"] for n in range(80)]
            kept = [(await writer.send(f"k{n}", "kept"))["offset"] for n in range(5)]
            # A process started with a smaller retention trims the shared stream:
            # the oldest 55 messages, all of them in the no-room channel.
            (_trimming,) = servers(1, "--retain-messages", "30")
            await reader.connect(first.url, offset=0)
            await until(lambda: bool(reader.done), 10, "replay-done")
            assert reader.offsets() == offsets[-25:]
            done = reader.done[0]
            assert done["trimmed"] is True and done["oldest"] == offsets[-25]
            assert done["since"] == 0 and done["offset"] == kept[-1]
            # Nothing of the room went: its catch-up is whole, and says nothing of trimming.
            await reader.join("kept", since=0)
            await until(lambda: len(reader.done) == 2, 10, "the room's replay-done")
            assert reader.offsets("kept") == kept
            assert "trimmed" not in reader.done[1]
        finally:
            await writer.leave()
            await reader.leave()

    run_checked(scenario())
