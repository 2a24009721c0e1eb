"""server/replay.py's per-address line: the next page goes to the waiting
client sent the fewest bytes, the longest waiting of those first (issue #22).
It is now found with a heap (issue #23); the order must be the one the look at
every waiting replay gave."""

from __future__ import annotations

import asyncio
import random
from typing import Any, cast

from desktop_chat.server.replay import ReplayLimits, Replays, _Line

Who = tuple[str, str]


class LookAtEveryone:
    """The line as it was: `min` over every waiting replay, in the order they came."""

    def __init__(self) -> None:
        self.waiting: dict[Who, tuple[str, asyncio.Future[None]]] = {}
        self.busy = False
        self.sent: dict[str, float] = {}

    def join(self, who: Who, client: str, ticket: asyncio.Future[None]) -> None:
        self.waiting[who] = (client, ticket)

    def wake(self) -> None:
        if self.busy or not self.waiting:
            return
        who = min(self.waiting, key=lambda w: self.sent.get(self.waiting[w][0], 0.0))
        self.busy = True
        self.waiting.pop(who)[1].set_result(None)


def served_order(line: _Line | LookAtEveryone, seed: int) -> list[Who]:
    """Replays joining, leaving and being served at random, as Replays._turn
    drives the line; who was served, in order."""
    rng = random.Random(seed)
    loop = asyncio.new_event_loop()
    try:
        clients = [f"client-{n}" for n in range(12)]
        tickets: dict[Who, asyncio.Future[None]] = {}
        payers: dict[Who, str] = {}
        served: list[Who] = []
        turn: Who | None = None
        for _ in range(4000):
            roll = rng.random()
            if roll < 0.45:
                who = (f"sid-{rng.randrange(60)}", rng.choice(["", "room"]))
                if who not in tickets and who != turn:
                    tickets[who] = loop.create_future()
                    payers[who] = rng.choice(clients)
                    line.join(who, payers[who], tickets[who])
                    line.wake()
            elif roll < 0.55 and tickets:  # cancelled while waiting (a disconnect)
                who = rng.choice(sorted(tickets))
                line.waiting.pop(who, None)
                del tickets[who]
                line.wake()
            elif turn is not None:  # the page is sent and charged: the turn passes on
                client = payers[turn]
                cost = rng.choice([0.0, 200.0, 200.0, 1200.0])  # ties are common
                line.sent[client] = line.sent.get(client, 0.0) + cost
                line.busy = False
                turn = None
                line.wake()
            for who, ticket in list(tickets.items()):
                if ticket.done():
                    assert turn is None, "two turns at once"
                    turn = who
                    served.append(who)
                    del tickets[who]
        return served
    finally:
        loop.close()


def test_the_heap_serves_in_the_order_the_look_at_everyone_did() -> None:
    for seed in range(5):
        old = served_order(LookAtEveryone(), seed)
        assert len(old) > 500
        assert served_order(_Line(), seed) == old


def test_a_replay_cancelled_in_the_line_neither_takes_nor_frees_the_turn() -> None:
    """A client that disconnects while its replay waits in its address's line
    (Replays.cancel: the task, and with it the ticket it waits on) must not
    end the turn of the client that has it (the next page of that address
    went out beside it), nor be handed the turn before it has left (setting
    its cancelled ticket raised in whoever passed the turn on)."""

    async def scenario(turn_ends_first: bool) -> None:
        async def nothing() -> int:
            return 0

        replays = Replays(cast(Any, None), cast(Any, None), asyncio.Lock(), ReplayLimits(), nothing)
        order: list[tuple[str, str]] = []
        holding, release = asyncio.Event(), asyncio.Event()

        async def page(sid: str) -> None:
            async with replays._turn("10.0.0.1", (sid, ""), sid):
                order.append(("in", sid))
                if sid == "a":
                    holding.set()
                    await release.wait()
                order.append(("out", sid))

        a = asyncio.ensure_future(page("a"))
        await holding.wait()
        c = asyncio.ensure_future(page("c"))
        d = asyncio.ensure_future(page("d"))
        while len(replays.waiting) < 2:  # both in the line
            await asyncio.sleep(0)
        if turn_ends_first:  # a's turn ends before c has left the line
            release.set()
            c.cancel()
        else:
            c.cancel()
            await asyncio.gather(c, return_exceptions=True)
            for _ in range(5):
                await asyncio.sleep(0)
            assert ("in", "d") not in order  # a still has the turn
            release.set()
        # Bounded: with the turn handed to c, d waited for ever.
        results = await asyncio.wait_for(asyncio.gather(a, d, c, return_exceptions=True), 10)
        assert results[:2] == [None, None]
        assert c.cancelled()
        assert order == [("in", "a"), ("out", "a"), ("in", "d"), ("out", "d")]

    asyncio.run(scenario(turn_ends_first=False))
    asyncio.run(scenario(turn_ends_first=True))
