"""The message store for several server processes: one Redis stream.

Every message is one entry of one stream (`<prefix>:messages`), added by a
Lua script (server/redis_scripts.py) that, in one atomic step, checks the
sender's de-duplication key, takes the next offset from one counter (`INCR
<prefix>:offset`) and adds the entry under the id `<offset>-0`, with the
same id in its room's index stream. So:

- offsets are integers that only grow, shared by every process, and an
  offset is an entry id: a catch-up is `XRANGE` on the room's index from
  `(<offset>-0`, then the messages by id from the stream;
- the stream's order is the one order of every room: each process relays
  entries as its reader (server/redis_bus.py) gets them, its own senders'
  included, so receivers on different processes see the same sequence;
- a sender's `opts.id` is stored once: the key `<prefix>:sent:<client>:<id>`
  holds the offset, the server's id and the time of the first one, for as
  long as retention keeps messages by age; a repeat is answered with them.

One stream for all rooms rather than one per room: one blocking `XREAD` per
process carries everything, in one total order, with no re-subscribing as
clients join rooms. The room indexes keep a catch-up from reading past the
other rooms' messages: scanning the stream for a quiet room took 3.9 s of
the server's time at 100,000 messages; through its index, a page is two
round trips whatever else the stream holds.

Retention deletes from the head of the stream and of the indexes (`XTRIM
MINID`) and records per room the newest offset deleted, so a catch-up from
before it says so (`replay-done` with `trimmed`) instead of leaving a
silent gap.

Edits, deletions and reactions (server/message_events.py) are entries of the
same stream under the same counter, added by the EVENT script, which checks
the target in a small hash per message (`<prefix>:msg:<id>`), toggles a
reaction and, for a deletion, `XDEL`s the message's entry and those of its
edits and reactions, so their text is gone from the stream: no read returns
it. It is not yet gone from Redis: `XDEL` only marks an entry deleted inside
its node of the stream, whose bytes stay in memory, and in RDB snapshots,
until every entry of that node is deleted; the append-only file holds the
`XADD` until it is rewritten (docs/protocol.md says what an operator can do).
Retention trims a message's edits, reactions and deletion with it.

When Redis cannot be reached, `add` keeps trying for `hold` seconds (a Redis
restart takes about one) and then raises StoreUnavailable: the chat server
answers with an error ack and the client marks the message failed, with the
reason, for the user to retry (under the same id, so it is stored once).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any, Generic, TypeVar, cast

import redis.asyncio as aioredis
from redis import exceptions as redis_errors

from desktop_chat.protocol.messages import new_id
from desktop_chat.server import redis_scripts as scripts
from desktop_chat.server.history import MAX_REACTIONS, MESSAGE, Refused, Stored, Target
from desktop_chat.server.store import Added, Page, StoreUnavailable

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "desktop-chat"
HOLD_SECONDS = 5.0  # under the client's ack watchdog (10 s)
MAX_PIPELINE = 500  # messages stored per round trip, at most
# What counts as "Redis is not there right now" rather than a bug.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.BusyLoadingError,
    redis_errors.ReadOnlyError,
    OSError,
)

T = TypeVar("T")
Entries = list[tuple[bytes, dict[bytes, bytes]]]
# The store's epoch and the room's trimmed point as read, the last offset of
# the room's index read (None: nothing), and the entries still kept, each
# with its sender's client key.
Chunk = tuple[str, int, int | None, list[tuple[bytes | None, Stored]]]
ChunkKey = tuple[str, str, int, int, int, bool]  # epoch, room, after, through, limit, skip
# How long a page's read serves the replays that ask for the same (RedisStore._chunk).
CHUNK_SECONDS = 1.0


def connect(url: str, *, timeout: float = 5.0) -> aioredis.Redis:
    """A client for `url` (redis://HOST:PORT/DB, rediss://, unix://PATH?db=N), bytes in and out."""
    return aioredis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=min(timeout, 2.0),
        health_check_interval=30,
    )


def offset_of(entry_id: bytes | str) -> int:
    """The offset an entry id `<offset>-0` stands for."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.split("-", 1)[0])


def decode_entry(entry_id: bytes | str, fields: dict[bytes, bytes]) -> tuple[Stored, str]:
    """A stream entry as the stored message, and the sid of its sender."""

    def text(key: bytes) -> str:
        return fields.get(key, b"").decode("utf-8", "surrogatepass")

    stored = Stored(
        offset_of(entry_id),
        text(b"i"),
        text(b"r"),
        text(b"c"),
        text(b"n"),
        text(b"t"),
        float(fields.get(b"s", b"0")),
        kind=text(b"k") or MESSAGE,
        target=text(b"g"),
    )
    return stored.with_extra(text(b"x")), text(b"d")


def decode_sent(value: bytes, sender_client: str) -> Stored:
    """What a de-duplication key holds, as the stored message or event (its ack's fields)."""
    if value.startswith(b"{"):  # an event's ack, as the EVENT script wrote it
        ack = json.loads(value.decode("utf-8", "surrogatepass"))
        reactors = ack.get("reactors")
        return Stored(
            int(ack["offset"]), str(ack["id"]), "", sender_client, "", "", float(ack["ts"]),
            kind=str(ack["kind"]), target=str(ack["target"]), on=ack.get("on") is True,
            reactors=tuple(map(str, reactors)) if isinstance(reactors, list) else (),
        )  # fmt: skip
    offset, message_id, stamp = value.decode().split(" ")
    return Stored(int(offset), message_id, "", sender_client, "", "", float(stamp))


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


class ScriptQueue:
    """Calls of one Lua script, answered in the order they were made.

    Calls made while the previous pipeline is out go together in the next,
    many to a round trip, and their callers resume in the order they called:
    a sender's messages keep their order through every await on this queue
    (the send meter, then the store), which a pool of connections answering
    in any order would not give (two processes' test of a killed process
    found alice's messages stored out of order). A pipeline cut short by a
    lost connection is sent again whole when `held` retries it (the store's
    scripts answer a repeat from their de-duplication keys).
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        source: str,
        keys: int,
        held: Callable[[Callable[[], Awaitable[list[Any]]]], Awaitable[list[Any]]] | None = None,
    ) -> None:
        self.redis = redis
        self.source = source
        self.keys = keys
        self.held = held
        self.sha = redis.register_script(source).sha
        self._queue: list[tuple[list[Any], asyncio.Future[Any]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def call(self, args: list[Any]) -> Any:
        """Run the script with `args` (its keys, then its arguments); its reply."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((args, future))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write_queued())
        return await future

    async def _write_queued(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:MAX_PIPELINE], self._queue[MAX_PIPELINE:]
            run = partial(self._run, [c for c, _ in batch])
            try:
                replies = await (self.held(run) if self.held is not None else run())
            except Exception as exc:  # the callers hear of it, whatever it is
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), reply in zip(batch, replies, strict=True):
                if not future.done():
                    future.set_result(reply)

    async def _run(self, calls: list[list[Any]]) -> list[Any]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for call in calls:
                pipe.evalsha(self.sha, self.keys, *call)
            replies = await pipe.execute(raise_on_error=False)
        if any(isinstance(reply, redis_errors.NoScriptError) for reply in replies):
            await self.redis.script_load(self.source)  # a Redis restarted without it
            return await self._run(calls)
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        return list(replies)

    async def close(self) -> None:
        if self._writing is not None:
            self._writing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writing


class Coalesced(Generic[T]):
    """One read at a time for every caller of `read`: those who call while a
    read is out get the next one, together. A caller never gets a read that
    began before it asked, so what it reads is at least as new as its call.
    A storm's welcomes each read the store's epoch and newest offset: 12,500
    of them on a process made as many round trips (issue #23)."""

    def __init__(self, read: Callable[[], Awaitable[T]]) -> None:
        self.read = read
        self._next: asyncio.Future[T] | None = None
        self._reading: asyncio.Task[None] | None = None

    async def __call__(self) -> T:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            # Retrieved even when every caller was cancelled meanwhile.
            self._next.add_done_callback(lambda f: f.cancelled() or f.exception())
        answer = self._next
        if self._reading is None or self._reading.done():
            self._reading = asyncio.ensure_future(self._read_queued())
        # Shielded: a caller cancelled must not cancel the others' answer.
        return await asyncio.shield(answer)

    async def _read_queued(self) -> None:
        while self._next is not None:
            answer, self._next = self._next, None
            try:
                answer.set_result(await self.read())
            except Exception as exc:  # its callers hear of it
                answer.set_exception(exc)


class RedisMeters:
    """The meters every process shares (server/meters.py `Shared`), one key each."""

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self.prefix = f"{prefix}:meter:"
        # Ordered: a send waits on its meter before it is stored, and a
        # sender's messages must reach the store in the order they came.
        self.queue = ScriptQueue(redis, scripts.METER, 1)

    async def _call(self, mode: str, key: str, rate: float, burst: float, cost: float) -> int:
        interval = 1_000_000 / rate
        args = [mode, repr(interval), repr(burst * interval), repr(cost)]
        return int(await self.queue.call([self.prefix + key, *args]))

    async def take(self, key: str, rate: float, burst: float) -> bool:
        return await self._call("take", key, rate, burst, 1.0) == 1

    async def delay(self, key: str, rate: float, burst: float) -> float:
        return await self._call("delay", key, rate, burst, 0.0) / 1_000_000

    async def charge(self, key: str, rate: float, burst: float, cost: float) -> None:
        await self._call("charge", key, rate, burst, cost)


class RedisStore:
    """Messages, offsets and de-duplication shared by every process on one Redis."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        dedup_seconds: float = 30 * 86400.0,
        hold: float = HOLD_SECONDS,
    ) -> None:
        self.url = url
        self.redis = connect(url)
        self.stream = f"{prefix}:messages"
        self.counter = f"{prefix}:offset"
        self.trimmed_key = f"{prefix}:trimmed"
        self.rooms_key = f"{prefix}:rooms"
        self.deleted_key = f"{prefix}:deleted"
        self.epoch_key = f"{prefix}:epoch"
        self.index_prefix = f"{prefix}:room:"
        self.prefix = prefix
        self.dedup_seconds = max(1, int(dedup_seconds))
        self.hold = hold
        self._adds = ScriptQueue(self.redis, scripts.ADD, 6, self._held)
        self._event = self.redis.register_script(scripts.EVENT)
        self._trim = self.redis.register_script(scripts.TRIM)
        self._page = self.redis.register_script(scripts.PAGE)
        self.meters = RedisMeters(self.redis, prefix)
        # Shared page reads, keyed by the epoch last seen (the one a welcome
        # read) and what they asked: see `_chunk`.
        self._chunks: dict[ChunkKey, asyncio.Future[Chunk]] = {}
        self._epoch_seen = ""
        self._epoch_and_newest = Coalesced(self._read_epoch_and_newest)

    async def check(self) -> None:
        """Fail with StoreUnavailable, saying why, when Redis cannot be used at all."""
        try:
            await self.redis.ping()
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"cannot reach Redis at {self.url}: {exc}") from exc

    def _index(self, room: str) -> bytes:
        return _bytes(self.index_prefix + room)

    def _dedup_key(self, sender_client: str, client_id: str) -> bytes:
        # The length keeps "a:b" + "c" apart from "a" + "b:c".
        return _bytes(f"{self.prefix}:sent:{len(sender_client)}:{sender_client}:{client_id}")

    def _message_key(self, message_id: str) -> bytes:
        return _bytes(f"{self.prefix}:msg:{message_id}")

    def _reactions_key(self, message_id: str) -> bytes:
        return _bytes(f"{self.prefix}:react:{message_id}")

    async def _held(self, call: Callable[[], Awaitable[T]]) -> T:
        """`call`, retried while Redis is unreachable, for at most `hold` seconds."""
        deadline = time.monotonic() + self.hold
        delay = 0.05
        while True:
            try:
                return await call()
            except UNAVAILABLE as exc:
                if time.monotonic() + delay > deadline:
                    raise StoreUnavailable(str(exc)) from exc
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)

    async def add(
        self,
        client_id: str,
        room: str,
        sender_client: str,
        sender_name: str,
        text: str,
        sender_sid: str,
        *,
        reply_to: str = "",
        format: str = "",
        attachment: str = "",
    ) -> Added:
        message_id = new_id()
        ts = time.time()
        stored = Stored(
            0, message_id, room, sender_client, sender_name, text, ts,
            reply_to=reply_to, format=format, attachment=attachment,
        )  # fmt: skip
        keys: list[str | bytes] = [
            self.stream,
            self.counter,
            self._dedup_key(sender_client, client_id),
            self._index(room),
            self.rooms_key,
            self._message_key(message_id),
        ]
        args: list[Any] = [
            message_id, _bytes(room), _bytes(sender_client), _bytes(sender_name),
            _bytes(text), repr(ts), sender_sid, self.dedup_seconds, _bytes(stored.extra()),
        ]  # fmt: skip
        # In order, many to a round trip (ScriptQueue); a reply lost with the
        # connection is asked again and answered from the de-duplication key.
        try:
            new, value = await self._adds.call([*keys, *args])
        except redis_errors.RedisError as exc:  # e.g. OOM past maxmemory
            log.error("storing a message failed: %s", exc)
            raise StoreUnavailable(str(exc)) from exc
        if not new:
            return Added(decode_sent(value, sender_client), False)
        return Added(replace(stored, offset=int(value)), True)

    async def sent(self, sender_client: str, client_id: str) -> Stored | None:
        key = self._dedup_key(sender_client, client_id)
        value = await self._held(lambda: self.redis.get(key))
        return decode_sent(cast(bytes, value), sender_client) if value else None

    async def target(self, message_id: str) -> Target | None:
        key = self._message_key(message_id)
        found = await self._held(lambda: self.redis.hmget(key, ["o", "r", "c", "x"]))
        offset, room, client, deleted = cast(list[bytes | None], found)
        if offset is None or room is None or client is None:
            return None
        return Target(
            message_id,
            room.decode("utf-8", "surrogatepass"),
            client.decode("utf-8", "surrogatepass"),
            deleted == b"1",
        )

    async def add_event(self, client_id: str, event: Stored, sender_sid: str) -> Added:
        ts = time.time()
        keys: list[str | bytes] = [
            self.stream,
            self.counter,
            self._dedup_key(event.sender_client, client_id),
            self._index(event.room),
            self._message_key(event.target),
            self._reactions_key(event.target),
            self.deleted_key,
        ]
        args: list[Any] = [
            event.kind, event.id, _bytes(event.room), _bytes(event.sender_client),
            _bytes(event.sender_name), _bytes(event.text), repr(ts), sender_sid,
            self.dedup_seconds, event.target, _bytes(event.emoji), event.format, MAX_REACTIONS,
        ]  # fmt: skip
        # A reply lost with the connection is tried again: the de-duplication
        # key answers with what the first try stored.
        code, value = await self._held(lambda: self._event(keys=keys, args=args))
        if code == 2:
            raise Refused(
                value.decode(),
                "that message is not there (deleted or unknown)"
                if value == b"no-such-message"
                else f"at most {MAX_REACTIONS} emoji per person on a message",
            )
        first = decode_sent(value, event.sender_client)
        if code == 0:
            return Added(first, False)
        stored = replace(event, offset=first.offset, ts=ts, on=first.on, reactors=first.reactors)
        return Added(stored, True)

    async def page(
        self, room: str, after: int, through: int, exclude_client: str, limit: int
    ) -> list[Stored]:
        return (await self._page_read(room, after, through, exclude_client, limit, False)).rows

    async def replay_page(
        self, room: str, after: int, through: int, exclude_client: str, limit: int
    ) -> Page:
        return await self._page_read(room, after, through, exclude_client, limit, True)

    async def _page_read(
        self, room: str, after: int, through: int, exclude_client: str, limit: int, skip: bool
    ) -> Page:
        found: list[Stored] = []
        exclude = _bytes(exclude_client)
        # Shielded: a replay cancelled meanwhile must not cancel the others' read.
        read = self._chunk(room, after, through, limit, skip)
        epoch, gone, last, chunk = await asyncio.shield(read)
        while True:
            found.extend(stored for sender, stored in chunk if sender != exclude)
            if last is None or last >= through or len(found) >= limit:
                break
            read = self._chunk(room, last, through, limit, skip)
            _, trimmed, last, chunk = await asyncio.shield(read)
            gone = max(gone, trimmed)
        return Page(found[:limit], gone, epoch)

    def _chunk(
        self, room: str, after: int, through: int, limit: int, skip: bool
    ) -> asyncio.Future[Chunk]:
        """Up to `limit` entries of `room` in (after, through], each with its
        sender's client key: one read for every replay that asks for the same
        within CHUNK_SECONDS (`skip`: from after the room's trimmed point if
        that is later). In a reconnect storm thousands of clients ask
        for the same few messages; each used to read them for itself. Keyed
        by the epoch last seen: once a Redis that lost everything has been
        seen (each welcome reads the epoch), no read of the old store serves."""
        key = (self._epoch_seen, room, after, through, limit, skip)
        read = self._chunks.get(key)
        if read is None:
            read = self._chunks[key] = asyncio.ensure_future(
                self._read_chunk(room, after, through, limit, skip)
            )
            read.add_done_callback(lambda done: self._chunk_done(key, done))
        return read

    def _chunk_done(self, key: ChunkKey, read: asyncio.Future[Chunk]) -> None:
        if read.cancelled() or read.exception() is not None:
            self._forget_chunk(key, read)  # the next asker reads again
        else:
            asyncio.get_running_loop().call_later(CHUNK_SECONDS, self._forget_chunk, key, read)

    def _forget_chunk(self, key: ChunkKey, read: asyncio.Future[Chunk]) -> None:
        if self._chunks.get(key) is read:
            del self._chunks[key]

    def _saw_epoch(self, epoch: str) -> None:
        """The store's epoch as just read: the shared reads of another go unused."""
        self._epoch_seen = epoch

    async def _read_chunk(
        self, room: str, after: int, through: int, limit: int, skip: bool
    ) -> Chunk:
        keys: list[str | bytes] = [self.epoch_key, self.trimmed_key, self._index(room), self.stream]
        args: list[Any] = [secrets.token_hex(8), _bytes(room), after, through, limit, int(skip)]
        reply = await self._held(lambda: self._page(keys=keys, args=args))
        epoch = cast(bytes, reply[0]).decode()
        self._saw_epoch(epoch)
        chunk: list[tuple[bytes | None, Stored]] = []
        for entry_id, flat in reply[3:]:
            fields = dict(zip(flat[::2], flat[1::2], strict=True))
            chunk.append((fields.get(b"c"), decode_entry(entry_id, fields)[0]))
        last = offset_of(reply[2]) if reply[2] else None
        return epoch, int(reply[1]), last, chunk

    async def _range(self, key: str | bytes, low: str, high: str, count: int) -> Entries:
        async def call() -> Entries:
            return cast(Entries, await self.redis.xrange(key, low, high, count=count))

        return await self._held(call)

    async def last_offset(self) -> int:
        value = await self._held(lambda: self.redis.get(self.counter))
        return int(value or 0)

    async def size(self) -> tuple[int, int]:
        """Redis's estimate of the stream's memory (MEMORY USAGE, sampled),
        and its length; the room indexes and hashes come on top, about a
        third more (docs/deploy.md)."""
        length = int(await self._held(lambda: self.redis.xlen(self.stream)))
        used = await self._held(lambda: self.redis.memory_usage(self.stream))
        return int(used or 0), length

    async def epoch_and_newest(self) -> tuple[str, int]:
        """Read together, and once for all the callers waiting (`Coalesced`)."""
        return await self._epoch_and_newest()

    async def epoch(self) -> str:
        """`<p>:epoch`, made by whichever process asks first. Read on every
        connect: a Redis without persistence that restarted has lost it with
        the messages, and the next asker makes a new one."""
        return (await self._epoch_and_newest())[0]

    async def _read_epoch_and_newest(self) -> tuple[str, int]:
        """The epoch (made if there is none) and the newest offset, in one round trip."""
        fresh = secrets.token_hex(8)

        async def call() -> list[Any]:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.set(self.epoch_key, fresh, nx=True)
                pipe.get(self.epoch_key)
                pipe.get(self.counter)
                return list(await pipe.execute())

        _, value, newest = await self._held(call)
        epoch = value.decode() if isinstance(value, bytes) else str(value or fresh)
        self._saw_epoch(epoch)
        return epoch, int(newest or 0)

    async def trimmed_through(self, room: str) -> int:
        value = await self._held(lambda: self.redis.hget(self.trimmed_key, _bytes(room)))
        return int(value or 0)

    async def oldest_kept(self, room: str) -> int | None:
        first = await self._range(self._index(room), "-", "+", 1)
        return offset_of(first[0][0]) if first else None

    async def oldest_any(self) -> int:
        first = await self._range(self.stream, "-", "+", 1)
        return offset_of(first[0][0]) if first else await self.last_offset() + 1

    async def trim(self, *, before_ts: float | None, keep: int | None, batch: int) -> int:
        length = int(await self._held(lambda: self.redis.xlen(self.stream)))
        over = max(0, length - keep) if keep is not None else 0
        head = await self._range(self.stream, "-", "+", batch)
        old = 0
        if before_ts is not None:
            for _entry_id, fields in head:
                if float(fields.get(b"s", b"0")) >= before_ts:
                    break
                old += 1
        count = min(batch, len(head), max(over, old))
        if count == 0:
            return 0
        # Up to the next entry kept: deleted messages between go too (they left
        # the stream at their deletion, but their hashes and delete events did not).
        cut = offset_of(head[count][0]) - 1 if count < len(head) else offset_of(head[-1][0])
        keys: list[str | bytes] = [self.stream, self.rooms_key, self.trimmed_key, self.deleted_key]
        for _entry_id, fields in head[:count]:  # the hashes of the messages that go
            if b"k" not in fields and b"i" in fields:
                message_id = fields[b"i"].decode()
                keys += [self._message_key(message_id), self._reactions_key(message_id)]
        args: list[int | str] = [
            cut,
            self.index_prefix,
            f"{self.prefix}:msg:",
            f"{self.prefix}:react:",
        ]
        return int(await self._held(lambda: self._trim(keys=keys, args=args)))

    async def close(self) -> None:
        await self._adds.close()
        await self.meters.queue.close()
        await self.redis.aclose()
