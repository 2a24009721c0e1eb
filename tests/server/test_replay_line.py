"""server/replay.py's per-address line: the next page goes to the waiting
client sent the fewest bytes, the longest waiting of those first (issue #22).
It is now found with a heap (issue #23); the order must be the one the look at
every waiting replay gave."""

from __future__ import annotations

import asyncio
import random

from desktop_chat.server.replay import TURNS_AT_ONCE, _Line

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
                line.busy -= 1
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


def test_while_the_address_owes_nothing_several_turns_go_out_at_once_in_order() -> None:
    """A storm's thousands of small catch-ups behind one address waited for
    each other's pages one by one (issue #23); while the address's budget is
    not owed, TURNS_AT_ONCE go out, still the least served first. Owed: one."""
    loop = asyncio.new_event_loop()
    try:
        line = _Line()
        line.sent = {"big": 5000.0}
        tickets: list[asyncio.Future[None]] = []
        for n in range(20):
            tickets.append(loop.create_future())
            line.join((f"sid-{n}", ""), "big" if n < 10 else f"small-{n}", tickets[-1])
        line.wake()

        def out() -> list[int]:
            return [n for n, t in enumerate(tickets) if t.done()]

        assert out() == [10]  # not known to owe nothing yet: one, the least served
        line.free = True  # what that turn found
        line.wake()
        assert out() == list(range(10, 10 + TURNS_AT_ONCE))
        line.busy -= 1  # one turn ends: the next least served
        line.wake()
        assert out() == list(range(10, 11 + TURNS_AT_ONCE))
        line.free = False  # the address owes: one at a time again
        line.busy -= 1
        line.wake()
        assert len(out()) == TURNS_AT_ONCE + 1
        line.busy = 0
        line.wake()
        assert out() == [*range(10, 12 + TURNS_AT_ONCE)]
    finally:
        loop.close()
