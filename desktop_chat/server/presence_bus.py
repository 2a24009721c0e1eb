"""Presence, participants, typing and renames across server processes on Redis.

On one process, who is where is that process's connections
(server/extensions.py). With `--redis` a client's room is spread over every
process, so each process also knows the others' connections, and tells its
own clients when someone on another process joins, leaves, types or is
renamed, as if that someone were its own:

- **A roster, kept by counting** (`Roster`): per room, how many connections
  each name has there and how many in all, for this process's connections
  and every other process's, changed as they come and go. `participants`
  and the `count` of a `presence` notice read it: nothing is scanned per
  connection, on one process or on several.
- **Each process publishes what its connections do** on one pub/sub channel
  (`<p>:presence`), in batches: what happens within GATHER (20 ms) goes in
  one, so a reconnect storm of thousands of connections is at most 50 round
  trips a second, not one per connection. Every batch is
  numbered (per process) and written in the same transaction as the
  process's hash of its connections (`<p>:presence:conns:<id>`: sid ->
  name and rooms, and the number of the last batch). The other processes
  apply each batch to their copy of that process's connections and relay
  the notices to their own clients who asked for presence, through the
  same Socket.IO rooms (`"\\x00presence\\x00" + room`) as their own
  notices. So presence of a private room reaches only its members, on
  every process: only a member is ever in that room's presence room.
- **A process that misses a batch reads the hash instead**: a batch whose
  number is not the next one, a process not heard of before, or a
  subscription that broke (Redis restarted, the connection cut) makes the
  receiver read that process's hash and tell its clients the difference
  (who joined, who left, who was renamed meanwhile), then carry on from the
  hash's number. Pub/sub keeps nothing for a subscriber that is away, the
  hash keeps the state. As a last net, each heartbeat compares the hashes'
  numbers with what was received a second before.
- **A process that dies takes its people with it**: each process renews a
  heartbeat key (`<p>:presence:alive:<id>`, `ALIVE_FOR` seconds) every
  `HEARTBEAT` seconds. A process whose key has expired is gone: every other
  process announces its connections left to its own clients and forgets
  them, and one of them deletes its hash (a Lua script that does so only
  while the key is still missing). A process killed with `kill -9` is so
  gone from every other process's `participants` within ALIVE_FOR +
  HEARTBEAT seconds (6 s). A process that stops cleanly says so (`bye`),
  and its people are gone at once. A process that finds its own key
  expired (it stalled, or Redis lost its data) writes its whole hash again
  and says `hello`, and the others take its people back.

Typing notices are relayed as they come (the sending process throttles
them, once a second per connection) and never stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from redis import exceptions as redis_errors
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from desktop_chat.server.extensions import PRESENCE
from desktop_chat.server.peers import Peer
from desktop_chat.server.redis_store import connect

log = logging.getLogger(__name__)

HEARTBEAT = 1.0  # seconds between a process's heartbeats (and its checks of the others)
ALIVE_FOR = 5.0  # seconds a heartbeat lasts: a process silent this long is gone
KEEP_FOR = 60.0  # seconds a process's hash outlives its last heartbeat, for cleaning up
BATCH = 1000  # events per published batch, at most
# Seconds a batch gathers events before it is written: at most 50 round trips
# a second, however many connections come and go (each written alone cost a
# process about 1 ms of CPU per connection in a reconnect storm).
GATHER = 0.02
LISTEN_BLOCK = 1.0  # seconds a read of the subscription waits before it looks again
SEQ = b"#seq"  # the hash's field of the last batch's number (sids never start with #)

# Redis not there, or refusing writes (full): presence waits and catches up.
TROUBLE: tuple[type[BaseException], ...] = (redis_errors.RedisError, OSError)
TROUBLE_OR_SLOW: tuple[type[BaseException], ...] = (*TROUBLE, TimeoutError)

# Delete a gone process's hash and name, unless it came back meanwhile.
FORGET = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  redis.call('SREM', KEYS[3], ARGV[1])
  return 1
end
return 0
"""

Emit = Callable[..., Awaitable[Any]]  # socketio.AsyncServer.emit


class Roster:
    """Who is in each room ("" = connected at all), on every process: windows
    (connections) per name, and how many connections in all."""

    def __init__(self) -> None:
        self._names: dict[str, dict[str, int]] = {}
        self._counts: dict[str, int] = {}

    def add(self, room: str, name: str) -> None:
        names = self._names.setdefault(room, {})
        names[name] = names.get(name, 0) + 1
        self._counts[room] = self._counts.get(room, 0) + 1

    def remove(self, room: str, name: str) -> None:
        names = self._names.get(room)
        if names is None or name not in names:
            return
        if names[name] > 1:
            names[name] -= 1
        else:
            del names[name]
        count = self._counts[room] - 1
        if count > 0:
            self._counts[room] = count
        else:
            del self._counts[room]
            del self._names[room]

    def rename(self, rooms: Iterable[str], old: str, new: str) -> None:
        for room in rooms:
            self.remove(room, old)
            self.add(room, new)

    def count(self, room: str) -> int:
        return self._counts.get(room, 0)

    def members(self, room: str) -> list[tuple[str, int]]:
        """(name, windows) of everyone in `room`, sorted by name."""
        return sorted(self._names.get(room, {}).items())


@dataclass(slots=True)
class Remote:
    """A connection on another process, as far as presence goes."""

    name: str
    rooms: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Process:
    """What this process knows of another one."""

    conns: dict[str, Remote] = field(default_factory=dict)
    seq: int = 0  # the number of the last batch applied
    seen: int = 0  # its hash's number at the previous heartbeat


def _names(members: Iterable[bytes | str]) -> set[str]:
    return {m.decode() if isinstance(m, bytes) else m for m in members}


def _state(peer: Peer) -> bytes:
    return json.dumps([peer.name, sorted(peer.rooms)]).encode()


class PresenceBus:
    """This process's side of the shared presence: publishes its connections'
    comings and goings, and relays every other process's to its clients."""

    def __init__(
        self,
        url: str,
        prefix: str,
        roster: Roster,
        peers: Mapping[str, Peer],
        emit: Emit,
    ) -> None:
        self.me = secrets.token_hex(8)
        self.roster = roster
        self.peers = peers  # this process's connections (ChatServer._peers)
        self.emit = emit
        self.redis = connect(url)
        # The subscription's own client, without redis-py's silent reconnects:
        # a broken subscription must be noticed, since what was published
        # meanwhile is lost and must be read from the hashes.
        self._listening = aioredis.Redis.from_url(
            url, socket_timeout=LISTEN_BLOCK + 5, socket_connect_timeout=2.0,
            retry=Retry(NoBackoff(), 0),
        )  # fmt: skip
        self.channel = f"{prefix}:presence"
        self._key = f"{prefix}:presence"
        self._procs_key = f"{self._key}:procs"
        self._forget = self.redis.register_script(FORGET)
        self._processes: dict[str, _Process] = {}
        self._events: list[list[str]] = []
        self._dirty: set[str] = set()
        self._seq = 0
        self._snapshot_due = True
        self._snapshots = 0  # written whole so far
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()  # one change to the other processes' people at a time
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self._troubled = False

    def _alive(self, proc: str) -> str:
        return f"{self._key}:alive:{proc}"

    def _conns(self, proc: str) -> str:
        return f"{self._key}:conns:{proc}"

    # ---- life cycle ------------------------------------------------------------

    async def start(self, wait: float = 5.0) -> None:
        """Subscribe, learn who is on the other processes, say who is here;
        waits (up to `wait` seconds) for the first two."""
        self._wake.set()  # the first snapshot
        for work in (self._write_loop, self._listen_loop, self._heartbeat_loop):
            self._tasks.append(asyncio.ensure_future(work()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), wait)

    async def stop(self) -> None:
        """Tell the others this process's people are gone (they are: it stops)."""
        self._closed = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(self._alive(self.me), self._conns(self.me))
        pipe.srem(self._procs_key, self.me)
        pipe.publish(self.channel, json.dumps({"p": self.me, "s": self._seq + 1, "bye": 1}))
        try:
            await asyncio.wait_for(pipe.execute(), 2.0)
        except TROUBLE_OR_SLOW as exc:  # the others notice within ALIVE_FOR
            log.info("presence: could not say goodbye (%s)", exc)
        await self._listening.aclose()
        await self.redis.aclose()

    # ---- what this process's connections do -------------------------------------

    def publish(self, event: list[str], changed: bool = True) -> None:
        """Queue one event of a local connection (`[kind, sid, ...]`) for the
        next batch; `changed`: its entry in the hash is to be written too."""
        if self._closed:
            return
        self._events.append(event)
        if changed:
            self._dirty.add(event[1])
        self._wake.set()

    async def _write_loop(self) -> None:
        delay = 0.05
        while True:
            await self._wake.wait()
            await asyncio.sleep(GATHER)
            self._wake.clear()
            try:
                if self._snapshot_due:
                    await self._write_snapshot()
                while self._events:
                    await self._write_batch()
            except Exception as exc:
                if isinstance(exc, TROUBLE):
                    self._trouble(exc)
                else:  # a bug: said, and everything written afresh
                    log.exception("presence: writing this process's presence failed")
                # What could not be written is written whole when Redis is back.
                self._snapshot_due = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                self._wake.set()
                continue
            delay = 0.05

    async def _write_snapshot(self) -> None:
        """Every connection of this process, afresh, and `hello`: the others
        read it and announce the difference."""
        self._snapshot_due = False
        self._events.clear()
        self._dirty.clear()
        self._seq += 1
        conns = self._conns(self.me)
        state: dict[bytes | str, bytes | int] = {SEQ: self._seq}
        state.update((sid, _state(peer)) for sid, peer in self.peers.items())
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(conns)
        pipe.hset(conns, mapping=state)  # type: ignore[arg-type]
        pipe.pexpire(conns, int(KEEP_FOR * 1000))
        pipe.set(self._alive(self.me), b"1", px=int(ALIVE_FOR * 1000))
        pipe.sadd(self._procs_key, self.me)
        pipe.publish(self.channel, json.dumps({"p": self.me, "s": self._seq, "hello": 1}))
        await pipe.execute()
        self._snapshots += 1
        self._recovered()

    async def _write_batch(self) -> None:
        events, self._events = self._events[:BATCH], self._events[BATCH:]
        dirty, self._dirty = self._dirty, set()
        self._seq += 1
        conns = self._conns(self.me)
        gone = [sid for sid in dirty if sid not in self.peers]
        state: dict[bytes | str, bytes | int] = {SEQ: self._seq}
        state.update((sid, _state(self.peers[sid])) for sid in dirty if sid in self.peers)
        pipe = self.redis.pipeline(transaction=True)
        if gone:
            pipe.hdel(conns, *gone)
        pipe.hset(conns, mapping=state)  # type: ignore[arg-type]
        pipe.pexpire(conns, int(KEEP_FOR * 1000))
        pipe.publish(self.channel, json.dumps({"p": self.me, "s": self._seq, "e": events}))
        await pipe.execute()
        self._recovered()

    # ---- what the other processes' connections do ---------------------------------

    async def _listen_loop(self) -> None:
        delay = 0.05
        while True:
            pubsub = self._listening.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                # Subscribed first, then read: nothing published after the
                # read is missed, and what came before it is skipped by number.
                async with self._lock:
                    await self._resync_all()
                self._ready.set()
                delay = 0.05
                while True:
                    message = await pubsub.get_message(timeout=LISTEN_BLOCK)
                    if message is not None and message.get("type") == "message":
                        await self._received(message["data"])
            except TROUBLE as exc:
                self._trouble(exc)
            except Exception:  # a bug: read everything again rather than stop relaying
                log.exception("presence: relaying the other processes' presence failed")
            finally:
                with contextlib.suppress(*TROUBLE):
                    await pubsub.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def _received(self, data: bytes) -> None:
        try:
            batch = json.loads(data)
            proc, seq = str(batch["p"]), int(batch["s"])
        except (ValueError, KeyError, TypeError):
            log.warning("presence: a batch that is not ours on %s", self.channel)
            return
        if proc == self.me:
            return
        async with self._lock:
            if batch.get("bye"):
                await self._drop(proc)
                return
            known = self._processes.get(proc)
            if known is not None and seq <= known.seq:
                return  # in the hash it was read from already
            if known is None or batch.get("hello") or seq != known.seq + 1:
                await self._resync(proc)
                return  # the hash has this batch's changes (its typing is lost)
            known.seq = seq
            for event in batch.get("e", []):
                try:
                    await self._apply(known, event)
                except (ValueError, IndexError, TypeError):
                    log.warning("presence: an event that is not ours: %.100r", event)

    async def _apply(self, proc: _Process, event: list[str]) -> None:
        kind, sid = event[0], event[1]
        conn = proc.conns.get(sid)
        if kind == "j":
            name, room = str(event[2]), str(event[3])
            if conn is None:
                conn = proc.conns[sid] = Remote(name)
                self.roster.add("", name)
                await self._announce("", sid, name, "joined")
            if room and room not in conn.rooms:
                conn.rooms.add(room)
                self.roster.add(room, conn.name)
                await self._announce(room, sid, conn.name, "joined")
        elif kind == "l" and conn is not None:
            room = str(event[2])
            if room in conn.rooms:
                conn.rooms.discard(room)
                self.roster.remove(room, conn.name)
                await self._announce(room, sid, conn.name, "left")
        elif kind == "x" and conn is not None:
            del proc.conns[sid]
            await self._gone([(sid, conn)])
        elif kind == "r" and conn is not None:
            new = str(event[2])
            if new != conn.name:
                old, conn.name = conn.name, new
                self.roster.rename(["", *conn.rooms], old, new)
                await self.emit("renamed", {"sid": sid, "old": old, "name": new}, room=PRESENCE)
        elif kind == "t" and conn is not None:
            room = str(event[2])
            if room == "" or room in conn.rooms:
                notice = {"room": room, "name": conn.name, "sid": sid}
                await self.emit("typing", notice, room=PRESENCE + room)

    async def _gone(self, conns: list[tuple[str, Remote]]) -> None:
        """Connections of another process gone: out of every room, then said,
        as for this process's own (extensions.py: counts first, then notices)."""
        for _sid, conn in conns:
            for room in ["", *conn.rooms]:
                self.roster.remove(room, conn.name)
        for sid, conn in conns:
            for room in ["", *sorted(conn.rooms)]:
                await self._announce(room, sid, conn.name, "left")

    async def _announce(self, room: str, sid: str, name: str, event: str) -> None:
        notice = {"room": room, "name": name, "sid": sid, "event": event,
                  "count": self.roster.count(room)}  # fmt: skip
        await self.emit("presence", notice, room=PRESENCE + room)

    # ---- reading a process's hash ------------------------------------------------

    async def _resync_all(self) -> None:
        listed = await self.redis.smembers(self._procs_key)
        procs = _names(listed) | set(self._processes)
        for proc in sorted(procs - {self.me}):
            await self._resync(proc)

    async def _resync(self, proc: str) -> None:
        """Make this process's copy of `proc`'s connections its hash, telling
        this process's clients the difference. (Under the lock.)"""
        pipe = self.redis.pipeline(transaction=True)
        pipe.exists(self._alive(proc))
        pipe.hgetall(self._conns(proc))
        alive, stored = await pipe.execute()
        if not alive:
            await self._drop(proc)
            return
        seq = int(stored.pop(SEQ, 0))
        now: dict[str, tuple[str, list[str]]] = {}
        for sid, value in stored.items():
            try:
                name, rooms = json.loads(value)
                now[sid.decode()] = (str(name), [str(r) for r in rooms])
            except (ValueError, TypeError):
                log.warning("presence: an entry of %s that is not ours", proc)
        known = self._processes.setdefault(proc, _Process())
        gone = [(sid, conn) for sid, conn in known.conns.items() if sid not in now]
        for sid, _conn in gone:
            del known.conns[sid]
        await self._gone(gone)
        for sid, (name, rooms) in now.items():
            conn = known.conns.get(sid)
            if conn is not None:
                await self._apply(known, ["r", sid, name])
                for room in sorted(conn.rooms - set(rooms)):
                    await self._apply(known, ["l", sid, room])
            await self._apply(known, ["j", sid, name, ""])
            for room in rooms:
                await self._apply(known, ["j", sid, name, room])
        known.seq = known.seen = seq

    async def _drop(self, proc: str) -> None:
        """`proc` is gone: its people leave. (Under the lock.)"""
        known = self._processes.pop(proc, None)
        if known is not None:
            log.info("presence: process %s is gone with %d connections", proc, len(known.conns))
            await self._gone(list(known.conns.items()))
        keys = [self._alive(proc), self._conns(proc), self._procs_key]
        with contextlib.suppress(*TROUBLE):
            await self._forget(keys=keys, args=[proc])

    # ---- heartbeats ----------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        while True:
            try:
                await self._beat()
            except TROUBLE as exc:
                self._trouble(exc)
            except Exception:  # a bug: the next heartbeat is still due
                log.exception("presence: a heartbeat failed")
            await asyncio.sleep(HEARTBEAT)

    async def _beat(self) -> None:
        known = list(self._processes)
        written = self._snapshots
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._alive(self.me), b"1", px=int(ALIVE_FOR * 1000), get=True)
        pipe.pexpire(self._conns(self.me), int(KEEP_FOR * 1000))
        pipe.sadd(self._procs_key, self.me)
        pipe.smembers(self._procs_key)
        for proc in known:
            pipe.exists(self._alive(proc))
            pipe.hget(self._conns(proc), SEQ)
        mine, _, _, listed, *others = await pipe.execute()
        if mine is None and written and written == self._snapshots and not self._snapshot_due:
            # Taken for gone (stalled past ALIVE_FOR, or Redis lost its data):
            # the others forgot this process's people; they read them again.
            log.warning("presence: this process was taken for gone; saying who is here again")
            self._snapshot_due = True
            self._wake.set()
        async with self._lock:
            for i, proc in enumerate(known):
                alive, stored_seq = others[2 * i], others[2 * i + 1]
                state = self._processes.get(proc)
                if state is None:
                    continue
                if not alive:
                    await self._resync(proc)  # reads again, under the lock; drops it if so
                    continue
                seq = int(stored_seq or 0)
                if state.seq < state.seen:
                    # A batch written a heartbeat ago has still not come: lost.
                    log.info("presence: batches of %s went missing; reading its hash", proc)
                    await self._resync(proc)
                    continue
                state.seen = seq
            new = _names(listed) - set(self._processes) - {self.me}
            for proc in sorted(new):
                await self._resync(proc)

    # ---- Redis away ----------------------------------------------------------------

    def _trouble(self, exc: BaseException) -> None:
        if not self._troubled:
            log.warning(
                "presence: Redis unavailable (%s); shared presence resumes when it is back", exc
            )
            self._troubled = True

    def _recovered(self) -> None:
        if self._troubled:
            log.info("presence: Redis is back")
            self._troubled = False

    def stats(self) -> dict[str, int]:
        """For tests and /health: processes known, their connections."""
        return {
            "processes": len(self._processes),
            "remote": sum(len(p.conns) for p in self._processes.values()),
        }
