"""Catch-up replays: what a client missed, in pages, paid for from a budget.

A replay used to be one query of up to 10,000 messages sent under the
server's lock: anyone could ask for it again and again (`auth.offset = 0`,
`join-room(room, {since: 0})`), every reconnect started afresh, and everyone
else's messages waited meanwhile; a client that missed more got the oldest
10,000 and never heard of the rest.

Now a replay is a task per client and channel (the no-room channel "" or a
room). It sends pages of at most `page_messages` messages (and about
`page_bytes` of text), oldest first, messages and the events that change
them (edits, deletions, reactions) in one offset order, each under the lock only for its own
query and emits; between pages other clients' messages go out. The client
is not subscribed to the channel's live broadcasts until the replay reaches
the end: the last page (the first one shorter than a full page) is read,
sent, and the client subscribed in one hold of the lock, so every message
arrives exactly once and in offset order, whether it was stored before the
replay, during it, or after. `replay-done` then tells the client where the
replay ended, and whether retention had deleted part of what it asked for.

Each page is paid for by the client's key (`auth.client`) and by its address,
from budgets that refill over time and outlive the connection: reconnecting
does not buy a fresh replay. A client in debt waits before its next page.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import socketio

from desktop_chat.server.fanout import DirectManager
from desktop_chat.server.history import EDIT, MESSAGE, REACT, Stored
from desktop_chat.server.meters import Shared
from desktop_chat.server.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

# A message costs its text plus about what its meta adds on the wire.
MESSAGE_OVERHEAD = 200
# Budgets kept before the full ones are dropped early (a client that makes
# up a key per connection leaves one behind each time).
MAX_BUDGETS = 10_000
STORE_RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ReplayLimits:
    page_messages: int = 200
    page_bytes: int = 1024 * 1024  # text per page; a page has at least one message
    # Per client key: a burst, then a sustained rate, in bytes of text.
    client_burst: float = 8 * 1024 * 1024
    client_rate: float = 1024 * 1024
    # Per address, for clients that make up a new key for each connection.
    address_burst: float = 32 * 1024 * 1024
    address_rate: float = 4 * 1024 * 1024
    # A page goes out only once what the client was sent before has nearly
    # all left (its backlog: server/fanout.py): a replay is paced by what the
    # client reads. One that reads nothing for `slow_seconds` is disconnected;
    # its catch-up point is what it had read.
    drained_bytes: int = 256 * 1024
    drained_packets: int = 50
    slow_seconds: float = 60.0


@dataclass(slots=True)
class _Debt:
    """A token bucket that may go below zero: a page is sent whole, then waited for."""

    rate: float
    capacity: float
    tokens: float
    stamp: float = field(default_factory=time.monotonic)

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def delay(self, now: float) -> float:
        self.refill(now)
        return 0.0 if self.tokens > 0 else (1 - self.tokens) / self.rate


class Budgets:
    """Replay budgets by client key (or account) and by address, kept across
    connections; shared by every process when `shared` is given (Redis).

    An entry that has refilled completely is the same as none, and is
    dropped by `prune`; what is kept is only who replayed recently.
    """

    def __init__(self, limits: ReplayLimits, shared: Shared | None = None) -> None:
        self.limits = limits
        self.shared = shared
        self._buckets: dict[str, _Debt] = {}

    def _bucket(self, key: str, rate: float, capacity: float) -> _Debt:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Debt(rate, capacity, capacity)
        return bucket

    def _kinds(self, client: str, ip: str) -> list[tuple[str, float, float]]:
        limits = self.limits
        return [
            (f"client:{client}", limits.client_rate, limits.client_burst),
            (f"ip:{ip}", limits.address_rate, limits.address_burst),
        ]

    async def _delay(self, key: str, rate: float, capacity: float) -> float:
        if self.shared is not None:
            try:
                return await self.shared.delay(f"replay:{key}", rate, capacity)
            except Exception as exc:  # Redis away: this process's budgets meanwhile
                log.warning("replay budgets: Redis did not answer (%s)", exc)
        return self._bucket(key, rate, capacity).delay(time.monotonic())

    async def delay(self, client: str, ip: str) -> float:
        """Seconds to wait before this client's next page (0: none)."""
        return max([await self._delay(*kind) for kind in self._kinds(client, ip)])

    async def client_delay(self, client: str) -> float:
        return await self._delay(*self._kinds(client, "")[0])

    async def address_delay(self, ip: str) -> float:
        return await self._delay(*self._kinds("", ip)[1])

    async def charge(self, client: str, ip: str, cost: float) -> None:
        # Both at once: on Redis, one round trip (ScriptQueue sends them together).
        await asyncio.gather(*(self._charge(*kind, cost) for kind in self._kinds(client, ip)))

    async def _charge(self, key: str, rate: float, capacity: float, cost: float) -> None:
        if self.shared is not None:
            try:
                await self.shared.charge(f"replay:{key}", rate, capacity, cost)
                return
            except Exception as exc:
                log.warning("replay budgets: Redis did not answer (%s)", exc)
        bucket = self._bucket(key, rate, capacity)
        bucket.refill(time.monotonic())
        bucket.tokens -= cost

    def prune(self) -> None:
        now = time.monotonic()
        for key, bucket in list(self._buckets.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.capacity:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class _Line:
    """The replays of one address waiting for its budget, served fairly.

    Behind NAT or a proxy many clients share an address, and so its budget.
    Whoever's wait happened to end first used to take it, page after page
    of a big history, and a small catch-up beside 80 of them never
    finished (issue #22). Now one page at a time goes to the waiting
    client (key) sent the fewest bytes lately, the longest waiting of those
    first: a small catch-up is served within a few pages of the big ones.

    The next is found in a heap, not by a look at every waiting one (a
    storm's line held thousands: O(W) a page, issue #23). A heap entry keeps
    what its client had been sent when it joined; that only grows, so a top
    entry behind the times is put back with the client's bytes now until
    the top is current, and entries of replays that left are dropped there.
    """

    def __init__(self) -> None:
        self.waiting: dict[tuple[str, str], tuple[str, asyncio.Future[None]]] = {}
        self.busy = False
        self.sent: dict[str, float] = {}  # client key -> bytes sent while the line existed
        self._heap: list[tuple[float, int, tuple[str, str], asyncio.Future[None]]] = []
        self._joined = itertools.count()

    def join(self, who: tuple[str, str], client: str, ticket: asyncio.Future[None]) -> None:
        """`who` (paid for by `client`) waits for `ticket` to be set: its turn."""
        self.waiting[who] = (client, ticket)
        heapq.heappush(self._heap, (self.sent.get(client, 0.0), next(self._joined), who, ticket))
        if len(self._heap) > 2 * len(self.waiting) + 64:  # many left: start afresh
            self._heap = [e for e in self._heap if self._still(e[2], e[3])]
            heapq.heapify(self._heap)

    def _still(self, who: tuple[str, str], ticket: asyncio.Future[None]) -> bool:
        waiting = self.waiting.get(who)
        return waiting is not None and waiting[1] is ticket

    def wake(self) -> None:
        if self.busy:
            return
        heap = self._heap
        while heap:
            sent, joined, who, ticket = heap[0]
            if not self._still(who, ticket) or ticket.done():
                # It left, or waits again under a later entry; or its task
                # was cancelled while it waited (its ticket with it), and
                # leaves at its next step.
                heapq.heappop(heap)
                continue
            now = self.sent.get(self.waiting[who][0], 0.0)
            if now != sent:
                heapq.heapreplace(heap, (now, joined, who, ticket))
                continue
            heapq.heappop(heap)
            self.busy = True
            self.waiting.pop(who)[1].set_result(None)
            return


def meta(stored: Stored, sender_sid: str = "") -> dict[str, object]:
    fields: dict[str, object] = {
        "id": stored.id,
        "room": stored.room,
        "from": {"sid": sender_sid, "name": stored.sender_name},
        "ts": stored.ts,
        "offset": stored.offset,
    }
    if stored.reply_to:
        fields["reply_to"] = stored.reply_to
    if stored.format:
        fields["format"] = stored.format
    if stored.attachment:
        fields["attachment"] = json.loads(stored.attachment)
    return fields


def relayed(stored: Stored, sender_sid: str = "") -> tuple[str, tuple[object, ...]]:
    """The event and arguments a stored row goes out as, live (with its
    sender's sid) and replayed (without): `receive-message(text, meta)` for a
    message, `message-event(ev)` for an edit, delete or react of one."""
    if stored.kind == MESSAGE:
        return "receive-message", (stored.text, meta(stored, sender_sid))
    event: dict[str, object] = {
        "type": stored.kind,
        "target": stored.target,
        "room": stored.room,
        "id": stored.id,
        "offset": stored.offset,
        "ts": stored.ts,
        "from": {"sid": sender_sid, "name": stored.sender_name},
    }
    if stored.kind == EDIT:
        event["text"] = stored.text
        if stored.format:
            event["format"] = stored.format
    elif stored.kind == REACT:
        event["emoji"] = stored.emoji
        event["on"] = stored.on
        event["reactors"] = list(stored.reactors)
    return "message-event", (event,)


class Replays:
    """The replays under way, one task per (sid, channel)."""

    def __init__(
        self,
        sio: socketio.AsyncServer,
        store: Store,
        lock: asyncio.Lock,
        limits: ReplayLimits,
        delivered: Callable[[], Awaitable[int]],
        shared: Shared | None = None,
    ) -> None:
        self.sio = sio
        self.store = store
        # How far live relaying has got (server/store.py): a replay sends up
        # to there and the live relay the rest.
        self.delivered = delivered
        self.lock = lock
        self.limits = limits
        self.budgets = Budgets(limits, shared)
        # Clients left out of the no-room channel's live broadcasts: connected
        # but not yet welcomed, or still catching up on it.
        self.behind_lobby: set[str] = set()
        # Replays waiting for their budget to refill (for tests and logs).
        self.waiting: set[tuple[str, str]] = set()
        self._tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._lines: dict[str, _Line] = {}

    @contextlib.asynccontextmanager
    async def _turn(self, ip: str, who: tuple[str, str], client: str) -> AsyncIterator[_Line]:
        """Wait for this address's budget and for this client's turn in its
        line (`_Line`); the turn lasts until the page is sent and charged."""
        line = self._lines.get(ip)
        if line is None:
            line = self._lines[ip] = _Line()
        ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.join(who, client, ticket)
        line.wake()
        try:
            if not ticket.done():
                self.waiting.add(who)
                try:
                    await ticket
                finally:
                    self.waiting.discard(who)
            while (delay := await self.budgets.address_delay(ip)) > 0:
                self.waiting.add(who)
                try:
                    await asyncio.sleep(delay)
                finally:
                    self.waiting.discard(who)
            yield line
        finally:
            line.waiting.pop(who, None)
            # This client had the turn: the next one's now. (Cancelled while
            # waiting, its ticket is done too, but the turn is someone else's.)
            if ticket.done() and not ticket.cancelled():
                line.busy = False
            line.wake()
            if not line.waiting and not line.busy and self._lines.get(ip) is line:
                del self._lines[ip]

    def running(self, sid: str, room: str) -> bool:
        return (sid, room) in self._tasks

    def start(self, sid: str, client: str, ip: str, room: str, since: int, payer: str = "") -> None:
        """Replay `room` after offset `since` to `sid`, then subscribe it to the room.
        `payer`: whose budget pays (the account, when signed in), else `client`'s."""
        if (sid, room) in self._tasks:
            return  # the replay under way brings it up to date
        if len(self.budgets) > MAX_BUDGETS:
            self.budgets.prune()
        if room == "":
            self.behind_lobby.add(sid)
        task = asyncio.ensure_future(self._run(sid, client, ip, room, since, payer or client))
        self._tasks[sid, room] = task
        task.add_done_callback(lambda done: self._forget(sid, room, done))

    def _forget(self, sid: str, room: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get((sid, room)) is task:
            del self._tasks[sid, room]

    def cancel(self, sid: str, room: str | None = None) -> None:
        """Stop the replays of `sid` (of one room, or all of them)."""
        for key, task in list(self._tasks.items()):
            if key[0] == sid and (room is None or key[1] == room):
                task.cancel()
                del self._tasks[key]
        if room is None or room == "":
            self.behind_lobby.discard(sid)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _drained(self, sid: str) -> bool:
        """Wait until `sid` has read most of what it was sent; False (and the
        client disconnected) when it reads nothing for `slow_seconds`."""
        manager = self.sio.manager
        if not isinstance(manager, DirectManager):
            return True
        limits = self.limits
        waited_since = time.monotonic()
        last = manager.backlog(sid)
        while last[0] > limits.drained_packets or last[1] > limits.drained_bytes:
            await asyncio.sleep(0.05)
            now = manager.backlog(sid)
            if now[0] < last[0] or now[1] < last[1]:  # it reads: the wait starts again
                waited_since = time.monotonic()
            elif time.monotonic() - waited_since > limits.slow_seconds:
                log.warning("replay to %s of a client that does not read: disconnected", sid)
                # Not sio.disconnect: that waits for the queue to drain, which never happens.
                manager.drop_slow(manager.eio_sid_from_sid(sid, "/") or "")
                return False
            last = now
        return True

    async def _run(self, sid: str, client: str, ip: str, room: str, since: int, payer: str) -> None:
        cursor = since
        trimmed = False
        while True:
            if not await self._drained(sid):
                return
            delay = await self.budgets.client_delay(payer)
            if delay > 0:
                self.waiting.add((sid, room))
                try:
                    await asyncio.sleep(delay)
                finally:
                    self.waiting.discard((sid, room))
                continue
            try:
                async with self._turn(ip, (sid, room), payer) as line:
                    async with self.lock:
                        # Everything asked of the store comes before anything
                        # is sent, so that a store out of reach (Redis down)
                        # leaves this page unsent, to be tried again as it was.
                        # One read: on Redis one round trip (issue #23).
                        through = await self.delivered()
                        read = await self.store.replay_page(
                            room, cursor, through, client, self.limits.page_messages
                        )
                        if read.gone > cursor:
                            trimmed = True
                            cursor = read.gone
                        page, cost = _cut(read.rows, self.limits.page_bytes)
                        last = len(page) == len(read.rows) < self.limits.page_messages
                        done = None
                        if last:
                            done = await self._done(room, since, through, trimmed, read.epoch)
                        for stored in page:
                            await self.sio.emit(*relayed(stored), to=sid)
                        if page:
                            cursor = page[-1].offset
                        if done is not None:
                            await self._subscribe(sid, room)
                            await self.sio.emit("replay-done", done, to=sid)
                    # Charged before the turn passes on (the next sees the
                    # debt), but after the relay lock: nothing it guards.
                    await self.budgets.charge(payer, ip, cost)
                    line.sent[payer] = line.sent.get(payer, 0.0) + cost
            except StoreUnavailable as exc:
                log.warning("replay to %s of %r waits for the store (%s)", sid, room, exc)
                await asyncio.sleep(STORE_RETRY_SECONDS)
                continue
            if last:
                return
            await asyncio.sleep(0)

    async def _subscribe(self, sid: str, room: str) -> None:
        if room:
            await self.sio.enter_room(sid, room)
        else:
            self.behind_lobby.discard(sid)

    async def _done(
        self, room: str, since: int, through: int, trimmed: bool, epoch: str
    ) -> dict[str, object]:
        """What the client is told at the end of a replay (docs/protocol.md);
        `epoch`: the store's, as the last page was read."""
        info: dict[str, object] = {"room": room, "since": since, "offset": through, "epoch": epoch}
        if trimmed:
            oldest = await self.store.oldest_kept(room)
            info["trimmed"] = True
            info["oldest"] = oldest if oldest is not None else info["offset"]
        return info


def _cut(rows: list[Stored], page_bytes: int) -> tuple[list[Stored], float]:
    """As many of `rows` as fit in `page_bytes` of text (at least one), and their cost."""
    total = 0.0
    for i, stored in enumerate(rows):
        cost = len(stored.text) + MESSAGE_OVERHEAD
        if i and total + cost > page_bytes:
            return rows[:i], total
        total += cost
    return rows, total
