"""Everything the user asks the server for, in order: joins and messages.

(Why over 400 lines: joins, messages, acks, the watchdog and the drop
count share one queue and one connection's life; apart, each would reach
into the queue of the other.)

One ordered queue, drained by one pump task per connection, which
serializes the emits (python-socketio's `emit` is not safe to run
concurrently) and keeps what was written while offline until the
connection returns. A file's message waits for its file to be stored, and
holds back what was written after it in its room (`_hold`): a text never
overtakes the file before it; other rooms go on meanwhile.
Delivery is tracked here: each message is in the
outbox before it is sent and leaves it only when it is known to be
through (acked by a server that acks; on the wire, for one that doesn't).
Its state changes are reported as `DeliveryUpdate`s; the `Message`
objects here are the sender's own and never handed out.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import socketio

from desktop_chat.client.dialect import ProfileDialect
from desktop_chat.client.echo import EchoFilter
from desktop_chat.client.errors import FileRefused
from desktop_chat.client.notices import (
    ChangeRefused,
    Joined,
    JoinRefused,
    JoinUnconfirmed,
    MessageDropsConnection,
    Notice,
)
from desktop_chat.client.outbox import Outbox
from desktop_chat.client.receiver import Receiver
from desktop_chat.client.server_info import ServerInfo
from desktop_chat.protocol.limits import TokenBucket
from desktop_chat.protocol.messages import (
    Attachment,
    Change,
    ChangeType,
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
)
from desktop_chat.protocol.wire import encoded_packet_size

log = logging.getLogger(__name__)

JOIN_ACK_TIMEOUT = 3.0
SERVER_INFO_WAIT = 1.0  # how long a new connection waits to learn what the server does
ACK_TIMEOUT = 10.0  # an acking server that stays silent this long is treated as gone
# The oldest message not known to be through when the server closed the
# connection (within DROP_WINDOW seconds of sending it), this many times in a
# row, is not tried again: the server handles a socket's events in order, so
# it is the one the server was at. It is marked failed, and what follows goes on.
# A link that broke (no close from the server) is no sign against a message:
# on a flaky link the server often has it, and only its ack was lost.
MAX_DROPS = 3
DROP_WINDOW = 5.0


@dataclass(frozen=True, slots=True)
class _Join:
    room: str
    announce: bool = True
    rejoin: bool = False


@dataclass(frozen=True, slots=True)
class _Send:
    message: Message
    extra: dict[str, object] | None = None  # outbox.py: {"opts": …, "reply_to": …}


@dataclass(frozen=True, slots=True)
class _Change:
    """An edit, deletion or reaction on its way (`message-event`)."""

    change: Change
    payload: dict[str, object]  # what goes on the wire, its `id` included


_Op = _Join | _Send | _Change


class Sender:
    """`show` gets lines for the conversation (join answers), `on_delivery`
    each state change of one of our messages, `end_connection` a reason to
    drop the connection (no acks, or an error in sending)."""

    def __init__(
        self,
        dialect: ProfileDialect,
        outbox: Outbox,
        info: ServerInfo,
        receiver: Receiver,
        echo: EchoFilter,
        notice: Callable[[Notice], None],
        end_connection: Callable[[str], None],
    ) -> None:
        self._dialect = dialect
        self.outbox = outbox
        self._info = info
        self._receiver = receiver
        self._echo = echo
        self._notice = notice
        self._end_connection = end_connection
        self.on_delivery: Callable[[DeliveryUpdate], None] = lambda u: None
        self.on_join_refused: Callable[[str], None] = lambda room: None
        # The server has us in the room now (a join, or a rejoin, acknowledged).
        self.on_joined: Callable[[str], None] = lambda room: None
        # The server's word on a change of ours (a reaction's reactors), or its refusal.
        self.on_change_acked: Callable[[Change, dict[str, object]], None] = lambda c, r: None
        self.on_no_info: Callable[[], None] = lambda: None  # this server says nothing of itself
        # A reply went as quoted text (the server cannot carry replies): its room.
        self.on_quoted: Callable[[str], None] = lambda room: None
        # A file's message: starts (or hands back) the upload of its file
        # (client/files.py), whose outcome is its `opts.attachment` or
        # FileRefused; `file_settled` when that outcome was taken.
        self.start_file: Callable[
            [Message, dict[str, object]], asyncio.Future[dict[str, object]]
        ] = _no_files
        self.file_settled: Callable[[str], None] = lambda message_id: None
        self.on_file_discarded: Callable[[str], None] = lambda message_id: None
        # room -> a file's message whose file is going up, and what was queued
        # after it in that room, in order (`_hold`).
        self._held: dict[str, deque[_Op]] = {}
        self.server_key: str | None = None  # whose outbox rows are ours
        self.rooms: list[str] = []  # joined, in order; rejoined after a reconnect
        self._queue: deque[_Op] = deque()
        self._queued = asyncio.Event()
        self._unacked: dict[str, tuple[Message, float]] = {}  # emitted, awaiting the ack
        self._unflushed: list[Message] = []  # emitted to a server that never acks
        self._failed: dict[str, Message] = {}  # refused by the server; the user may retry
        self._unacked_changes: dict[str, _Change] = {}  # emitted, awaiting the ack
        self._extras: dict[str, dict[str, object]] = {}  # message id -> its extra, until acked
        # Messages that went out at least once (or may have, in a run before):
        # the server may have them, so they are changed by events, not in place.
        self._emitted: set[str] = set()
        self._acked = asyncio.Event()  # an ack came (what waits on one looks again)
        self._drops: dict[str, int] = {}  # message id -> connections that ended right after it
        self._emitted_at: dict[str, float] = {}  # message id -> when it last went out
        self._pump_task: asyncio.Task[None] | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        self._meter: TokenBucket | None = None  # our pace, kept across connections (`_bucket`)
        self._meter_rate: tuple[float, int] | None = None  # the server's figures it was made for

    # ---- what the user asks for -------------------------------------------

    def send(
        self,
        message: Message,
        extra: dict[str, object] | None = None,
        thumbnail: bytes | None = None,
    ) -> None:
        """Keep a copy of a shown message, store it, and send it when connected.
        `extra`: its `opts` on the wire besides the id, and what the outbox
        keeps with it (outbox.py); a file's message has `extra["file"]` and
        maybe a `thumbnail`.

        Raises OutboxError, before anything is queued, when it cannot be stored.
        """
        own = dataclasses.replace(message)
        if self.server_key is not None:
            self.outbox.add(self.server_key, own, extra, thumbnail)
        self._enqueue(_Send(own, extra))

    def change(self, change: Change, payload: dict[str, object]) -> None:
        """Store an edit, deletion or reaction and send it, in order with the
        messages (after the line it changes, when that is still queued).

        Raises OutboxError when it cannot be stored."""
        if self.server_key is not None:
            row = Message(
                text=change.text,
                kind=Kind.OWN,
                room=change.room,
                sender=change.sender,
                ts=change.ts,
                id=change.id,
            )
            self.outbox.add(self.server_key, row, {"change": payload})
        self._enqueue(_Change(change, payload))

    def queued(self, message_id: str) -> Message | None:
        """Our message `message_id` when the server cannot have it: queued and
        never sent, or refused by it (failed)."""
        if message_id in self._emitted:
            return self._failed.get(message_id)
        for op in self._waiting():
            if isinstance(op, _Send) and op.message.id == message_id:
                return op.message
        return self._failed.get(message_id)

    def _waiting(self) -> list[_Op]:
        """What is queued, and what waits for a file of its room."""
        waiting = list(self._queue)
        for held in self._held.values():
            waiting.extend(held)
        return waiting

    def _drop_waiting(self, message_id: str) -> None:
        """Take a message out of the queue and the held rooms (the file's
        message that holds a room stays: its upload's end lets the room go)."""

        def other(op: _Op) -> bool:
            return not (isinstance(op, _Send) and op.message.id == message_id)

        self._queue = deque(filter(other, self._queue))
        for room, held in self._held.items():
            self._held[room] = deque([held[0], *filter(other, list(held)[1:])])

    def edit_queued(self, message_id: str, text: str) -> bool:
        """Change the text of a message that has not gone out; False when it has."""
        message = self.queued(message_id)
        if message is None:
            return False
        message.text = text
        self.outbox.set_text(message_id, text)
        return True

    def delete_queued(self, message_id: str) -> bool:
        """Take back a message that has not gone out: it never will; False when it has."""
        if self.queued(message_id) is None:
            return False
        self._drop_waiting(message_id)
        self.on_file_discarded(message_id)
        self._failed.pop(message_id, None)
        self._extras.pop(message_id, None)
        self.outbox.remove(message_id)
        return True

    def cancel_file(self, message_id: str) -> bool:
        """Take back a file's message whose file is not stored yet (queued, or
        failed): it never goes; False when there is none such."""
        message = self._failed.pop(message_id, None)
        if message is None:
            for op in self._queue:
                if (
                    isinstance(op, _Send)
                    and op.message.id == message_id
                    and op.extra
                    and "file" in op.extra
                ):
                    message = op.message
                    self._drop_waiting(message_id)
                    break
        if message is None:
            # Holding its room, or never queued: a running upload, told to
            # stop, ends in `_stored`, which discards the line.
            return False
        self._discard_file(message)
        return True

    def _discard_file(self, message: Message) -> None:
        self._extras.pop(message.id, None)
        self.outbox.remove(message.id)
        self.on_file_discarded(message.id)
        self._set_state(message, DeliveryState.DISCARDED)

    def retry(self, message_id: str) -> bool:
        """Send a failed message again; False when there is no such failed message."""
        message = self._failed.pop(message_id, None)
        if message is None:
            return False
        self._set_state(message, DeliveryState.PENDING)
        extra = self._extras.get(message_id)  # a reply stays a reply
        if self.server_key is not None:
            self.outbox.add(self.server_key, message, extra)
        self._enqueue(_Send(message, extra))
        return True

    def discard(self, message_id: str) -> bool:
        """Forget a failed message for good; False when there is no such failed message."""
        message = self._failed.pop(message_id, None)
        if message is None:
            return False
        self.outbox.remove(message_id)
        self.on_file_discarded(message_id)
        self._set_state(message, DeliveryState.DISCARDED)
        return True

    def add_rooms(self, rooms: list[str]) -> None:
        """Rooms joined in an earlier run: joined again (with catch-up) on connecting."""
        self.rooms.extend(room for room in rooms if room not in self.rooms)

    def join(self, room: str) -> None:
        if room not in self.rooms:
            self.rooms.append(room)
        self._enqueue(_Join(room))

    def leave(self, room: str) -> None:
        """Not rejoined after a reconnect, and a join still queued for it is dropped."""
        if room in self.rooms:
            self.rooms.remove(room)
        self._queue = deque(
            op for op in self._queue if not (isinstance(op, _Join) and op.room == room)
        )

    def use_dialect(self, dialect: ProfileDialect) -> None:
        """Another profile from the next connection on; a server without rooms
        has none to rejoin."""
        self._dialect = dialect
        if not dialect.join_event:
            self.rooms.clear()
            self._queue = deque(op for op in self._queue if not isinstance(op, _Join))

    def switch_server(self, key: str) -> list[Message]:
        """Another server from now on: what was queued for the old one stays in
        the outbox under its name. Returns what this window kept for this
        server (from an earlier run): pending messages, queued to be sent, and
        failed ones, for the caller to show."""
        self._queue = deque(op for op in self._queue if isinstance(op, _Join))
        self._held.clear()
        self._unacked.clear()
        self._unacked_changes.clear()
        self._unflushed.clear()
        self._failed.clear()
        self._drops.clear()
        self._meter = None  # another server, another meter
        self.server_key = key
        kept: list[Message] = []
        for message, extra in self.outbox.queued(key):
            payload = extra.get("change")
            if isinstance(payload, dict):
                self._enqueue(_Change(_kept_change(message, payload), payload))
                continue
            kept.append(message)
            own = dataclasses.replace(message)
            if extra:
                self._extras[own.id] = extra
            if own.state is DeliveryState.FAILED:
                self._failed[own.id] = own
            else:
                self._emitted.add(own.id)  # the run before may have sent it
                self._enqueue(_Send(own, extra or None))
        return kept

    # ---- one connection ---------------------------------------------------

    def start(self, sio: socketio.AsyncClient) -> None:
        """Rooms are server state and were forgotten with the old connection:
        join them again ahead of anything queued, then drain the queue."""
        queued = {op.room for op in self._queue if isinstance(op, _Join)}
        for room in reversed(self.rooms):
            if room not in queued:  # a join the user asked for is still to go out
                self._queue.appendleft(_Join(room, announce=False, rejoin=True))
        self._pump_task = asyncio.get_running_loop().create_task(self._pump(sio), name="chat-pump")

    async def stop(self, link_broke: bool = False) -> None:
        """The connection is over: what is not known to be through goes out
        again on the next one, first and in order. `link_broke`: it ended
        with its link, not closed by the server (see MAX_DROPS)."""
        pump, self._pump_task = self._pump_task, None
        if pump is not None and not pump.done():
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        # What waited for a file goes first, in its room's order: the next
        # connection meets the file's message again and waits for the same upload.
        for held in self._held.values():
            self._queue.extendleft(reversed(held))
        self._held.clear()
        again = [m for m, _ in self._unacked.values()] + self._unflushed
        self._unacked.clear()
        self._unflushed.clear()
        # After the messages they may change (the server dedups both by id).
        for op in reversed(list(self._unacked_changes.values())):
            self._queue.appendleft(op)
        self._unacked_changes.clear()
        suspect = None if link_broke else self._suspect(again)
        if link_broke:
            self._emitted_at.clear()
        for message in reversed(again):
            if message is suspect:
                continue
            self._set_state(message, DeliveryState.PENDING)
            self._queue.appendleft(_Send(message, self._extras.get(message.id)))

    def _suspect(self, unconfirmed: list[Message]) -> Message | None:
        """The message at which the server keeps closing the connection, once it
        has done so MAX_DROPS times: marked failed, not sent again."""
        emitted, self._emitted_at = self._emitted_at, {}
        if not unconfirmed:
            return None
        message = unconfirmed[0]
        at = emitted.get(message.id)
        if at is None or time.monotonic() - at > DROP_WINDOW:
            self._drops.pop(message.id, None)
            return None
        drops = self._drops[message.id] = self._drops.get(message.id, 0) + 1
        if drops < MAX_DROPS:
            return None
        del self._drops[message.id]
        self._fail(message, "")  # the server said nothing: the reason is ours, told as a notice
        self._notice(MessageDropsConnection(message.room, drops))
        return message

    def _fail(self, message: Message, reason: str) -> None:
        self.outbox.mark_failed(message.id, reason)
        self._failed[message.id] = message
        self._set_state(message, DeliveryState.FAILED, reason)

    # ---- the pump ---------------------------------------------------------

    def _enqueue(self, op: _Op) -> None:
        self._queue.append(op)
        self._queued.set()

    def _set_state(
        self,
        message: Message,
        state: DeliveryState,
        error: str = "",
        server_id: str = "",
        attachment: Attachment | None = None,
    ) -> None:
        if message.state is not state or message.error != error:
            message.state = state
            message.error = error
            message.server_id = server_id or message.server_id
            self.on_delivery(DeliveryUpdate(message.id, state, error, server_id, attachment))

    async def _pump(self, sio: socketio.AsyncClient) -> None:
        """Drain the queue in order while this connection lasts."""
        if not self._info.ready.is_set():
            # desktop-chat-server says what it does right after connecting; a
            # tutorial server says nothing, and we go on without acks.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._info.ready.wait(), SERVER_INFO_WAIT)
            if not self._info.ready.is_set():
                self.on_no_info()
        bucket = self._bucket()
        try:
            while True:
                if not self._queue:
                    await self._settle(sio)
                    self._queued.clear()
                    await self._queued.wait()
                    continue
                # Taken off the queue before its emit: while it goes out, the
                # user may take back or edit what is still queued behind it.
                op = self._queue.popleft()
                if self._held:  # (no file going up: this one look)
                    room = _room_of(op)
                    if room is not None and room in self._held:
                        self._held[room].append(op)  # after the file of its room
                        continue
                try:
                    await self._after_what_it_names(op)
                    if isinstance(op, _Join):
                        await self._emit_join(sio, op)
                    elif isinstance(op, _Change):
                        await _pace(bucket)
                        await self._emit_change(sio, op)
                    elif op.extra and "file" in op.extra:
                        stored = self.start_file(op.message, op.extra)
                        if not stored.done():
                            self._hold(op, stored)
                            continue
                        attachment = self._stored(op, stored)
                        if attachment is not None:
                            await _pace(bucket)
                            await self._emit_send(sio, op.message, op.extra, attachment)
                    else:
                        await _pace(bucket)
                        await self._emit_send(sio, op.message, op.extra)
                except BaseException:
                    self._queue.appendleft(op)  # not out: first on the next connection
                    raise
        except (socketio.exceptions.SocketIOError, ConnectionError, aiohttp.ClientError):
            log.info("emit failed; waiting for the connection to return", exc_info=True)
            self._end_connection("")
        except Exception as exc:
            # A bug, not the network: say so, and recover the way a dropped
            # connection does (what was not through is sent again).
            log.exception("sending failed")
            self._end_connection(f"{type(exc).__name__}: {exc}")

    def _hold(self, op: _Send, stored: asyncio.Future[dict[str, object]]) -> None:
        """A file's message whose file is going up holds its room: what comes
        up for that room meanwhile (texts, edits, other files) waits behind
        it, in order, and goes when the upload ends (`_release`); joins and
        other rooms go on. So a text never overtakes the file written before
        it, and a big upload does not stop the other conversations."""
        room = op.message.room
        held = self._held[room] = deque([op])
        stored.add_done_callback(lambda _f: self._release(room, held))

    def _release(self, room: str, held: deque[_Op]) -> None:
        if self._held.get(room) is not held:
            return  # already back in the queue (the connection ended, or another server)
        del self._held[room]
        self._queue.extendleft(reversed(held))
        self._queued.set()

    def _stored(
        self, op: _Send, stored: asyncio.Future[dict[str, object]]
    ) -> dict[str, object] | None:
        """The attachment of a file's message whose upload ended; None when
        the file did not go: the line failed (Retry uploads again) or the
        user cancelled it (discarded)."""
        assert op.extra is not None
        self.file_settled(op.message.id)
        try:
            if stored.cancelled():  # stopped for another server: never the user's
                raise FileRefused("unavailable", "the upload was stopped")
            return stored.result()
        except FileRefused as exc:
            if exc.code == "cancelled":
                self._discard_file(op.message)
            else:
                self._extras[op.message.id] = op.extra  # a retry uploads it again
                self._fail(op.message, exc.detail or exc.code)
            return None

    def _bucket(self) -> TokenBucket | None:
        """Our own meter at the server's stated rate: a paste of many lines goes
        out as fast as the server allows, in order, instead of being refused.
        One meter across connections, as the server's is (it meters a
        client's key, issue #22): a fresh burst at each reconnect went over
        it on a flaky link, resends included, and what it refused failed."""
        rate = self._info.rate
        if rate is None:
            return None
        if self._meter is None or self._meter_rate != rate:
            # Keep a margin below the server's figures: its clock is not ours.
            self._meter = TokenBucket(rate[0] * 0.9, max(1, rate[1] // 2))
            self._meter_rate = rate
        return self._meter

    async def _settle(self, sio: socketio.AsyncClient) -> None:
        """For a server that never acks, a message is through once it is on the wire."""
        if not self._unflushed:
            return
        await sio.eio.queue.join()
        for message in self._unflushed:
            self.outbox.remove(message.id)
            self._emitted_at.pop(message.id, None)
        self._unflushed.clear()

    async def _emit_join(self, sio: socketio.AsyncClient, op: _Join) -> None:
        loop = asyncio.get_running_loop()
        acked = False

        def ack(*args: object) -> None:
            nonlocal acked
            acked = True
            reply = args[0] if args else None
            if isinstance(reply, dict) and isinstance(reply.get("error"), str):
                # Refused (a bad name, too many rooms): not in it, not rejoined.
                self.leave(op.room)
                self._notice(JoinRefused(op.room, reply["error"]))
                self.on_join_refused(op.room)
                return
            if op.announce:
                # The tutorial's servers (and ours) ack "Joined <room>": nothing more to say.
                said = reply if isinstance(reply, str) and reply != f"Joined {op.room}" else ""
                self._notice(Joined(op.room, said))
            self.on_joined(op.room)

        def unconfirmed() -> None:
            if not acked and op.announce:
                self._notice(JoinUnconfirmed(op.room))

        since = self._receiver.since(op.room) if op.rejoin and self._info.catchup else None
        await sio.emit(
            self._dialect.join_event, self._dialect.join_args(op.room, since), callback=ack
        )
        loop.call_later(JOIN_ACK_TIMEOUT, unconfirmed)

    async def _after_what_it_names(self, op: _Op) -> None:
        """A change or a reply that names a line of ours by the id we sent it
        with goes out once the server has acked that line: the server handles
        a socket's events concurrently, and would not find it yet."""
        named: object = None
        if isinstance(op, _Change):
            named = op.payload.get("target_own")
        elif isinstance(op, _Send) and op.extra:
            opts = op.extra.get("opts")
            named = opts.get("reply_to_own") if isinstance(opts, dict) else None
        while isinstance(named, str) and named in self._unacked:
            self._acked.clear()
            await self._acked.wait()

    async def _emit_change(self, sio: socketio.AsyncClient, op: _Change) -> None:
        def ack(*args: object) -> None:
            if self._unacked_changes.pop(op.change.id, None) is None:
                return  # from a connection that is gone; the resend will be acked
            self._acked.set()
            reply = args[0] if args else None
            reply = reply if isinstance(reply, dict) else {}
            if reply.get("code") == "unavailable":
                self._enqueue(op)  # the server's store was out of reach: again, same id
                return
            self.outbox.remove(op.change.id)
            if op.change.type is ChangeType.DELETE:
                self.outbox.scrub()
            error = reply.get("error")
            if isinstance(error, str):
                code = reply.get("code")
                self._notice(
                    ChangeRefused(
                        op.change.room,
                        op.change.type.value,
                        error,
                        code if isinstance(code, str) else "",
                    )
                )
            self.on_change_acked(op.change, reply)

        self._unacked_changes[op.change.id] = op
        await sio.emit("message-event", (op.payload,), callback=ack)

    async def _emit_send(
        self,
        sio: socketio.AsyncClient,
        message: Message,
        extra: dict[str, object] | None = None,
        attachment: dict[str, object] | None = None,
    ) -> None:
        def ack(*args: object) -> None:
            entry = self._unacked.pop(message.id, None)
            self._acked.set()
            if entry is None and message.state is not DeliveryState.SENT:
                return  # from a connection that is gone; the resend will be acked
            self._drops.pop(message.id, None)
            self._emitted_at.pop(message.id, None)
            reply = args[0] if args else None
            if isinstance(reply, dict) and isinstance(reply.get("error"), str):
                self._fail(message, reply["error"])  # its extra stays, for a retry
            else:
                self._extras.pop(message.id, None)
                self.outbox.remove(message.id)
                server_id = reply.get("id") if isinstance(reply, dict) else None
                self._set_state(
                    message,
                    DeliveryState.DELIVERED,
                    server_id=server_id if isinstance(server_id, str) else "",
                    attachment=stored,
                )

        given = extra.get("opts") if extra else None
        opts = dict(given) if isinstance(given, dict) else {}
        quote = extra.get("quote") if extra else None
        if isinstance(quote, str) and self._info.data.get("events") is not True:
            # A reply written before the server said what it does, to one that
            # cannot carry replies: the answered line quoted, as the client does.
            wire = dataclasses.replace(message, text=f"{quote}\n{message.text}")
            opts = {k: v for k, v in opts.items() if k not in ("reply_to", "reply_to_own")}
            self.on_quoted(message.room)
        else:
            wire = message
        if self.says_markdown(message):
            opts["format"] = "markdown"
        stored = None
        if attachment is not None:
            opts["attachment"] = attachment
            stored = message.attachment = Attachment.from_wire(attachment)
        if extra:
            self._extras[message.id] = extra
        self._emitted.add(message.id)
        if not self._info.acks:
            await self._echo.before_send(sio)  # a probe first, while the server's echo is unknown
        await sio.emit(
            self._dialect.send_event,
            self._dialect.send_args(wire, opts),
            callback=ack if self._dialect.may_ack else None,
        )
        self._emitted_at[message.id] = time.monotonic()
        limit = self._info.max_packet_bytes
        if _may_be_large(message, limit) and packet_size(self._dialect, wire, opts) > limit // 2:
            # Over long-polling engine.io batches what is queued into one POST,
            # and the server's limit holds for the whole body: a big message
            # goes out alone.
            await sio.eio.queue.join()
        if self._info.acks:
            self._unacked[message.id] = (message, time.monotonic())
            if self._watchdog is None:
                self._watchdog = asyncio.get_running_loop().call_later(
                    ACK_TIMEOUT, self._check_acks
                )
        else:
            self._unflushed.append(message)
            joined = message.room == "" or message.room in self.rooms
            await self._echo.sent(sio, message, joined)
        if message.state is DeliveryState.PENDING:
            self._set_state(message, DeliveryState.SENT)

    def says_markdown(self, message: Message) -> bool:
        """Whether `message` goes out marked as Markdown: the user wrote it
        formatted and this server said it knows message events (and so the
        `format` option); to any other server the text goes as typed."""
        return message.formatted and self._info.data.get("events") is True

    def _check_acks(self) -> None:
        """An acking server that leaves a message unacked this long is treated as gone:
        the connection is dropped and what is unacked is sent again (same ids)."""
        self._watchdog = None
        if not self._unacked:
            return
        _, oldest = next(iter(self._unacked.values()))
        waited = time.monotonic() - oldest
        if waited >= ACK_TIMEOUT:
            log.warning("no ack for %.0f s; reconnecting to resend", waited)
            self._end_connection("")
        else:
            self._watchdog = asyncio.get_running_loop().call_later(
                ACK_TIMEOUT - waited, self._check_acks
            )


def _no_files(message: Message, extra: dict[str, object]) -> asyncio.Future[dict[str, object]]:
    refused: asyncio.Future[dict[str, object]] = asyncio.get_running_loop().create_future()
    refused.set_exception(FileRefused("no-files"))
    return refused


def _room_of(op: _Op) -> str | None:
    """The room a message or change goes to (None: a join, which never waits)."""
    if isinstance(op, _Send):
        return op.message.room
    if isinstance(op, _Change):
        return op.change.room
    return None


def _kept_change(row: Message, payload: dict[str, object]) -> Change:
    """A change kept in the outbox by an earlier run (already shown then)."""
    try:
        kind = ChangeType(payload.get("type"))
    except ValueError:
        kind = ChangeType.EDIT
    target = payload.get("target") or payload.get("target_own")
    emoji = payload.get("emoji")
    return Change(
        type=kind,
        target=target if isinstance(target, str) else "",
        room=row.room,
        text=row.text,
        emoji=emoji if isinstance(emoji, str) else "",
        sender=row.sender,
        ts=row.ts,
        id=row.id,
        mine=True,
    )


# Python str characters: an astral one is 12 bytes escaped, the most any takes.
_MAX_ESCAPED_CHAR = 12
_ACK_ID_BOUND = 10**9  # ack ids count up per connection; nine digits are plenty


def packet_size(
    dialect: ProfileDialect, message: Message, opts: dict[str, object] | None = None
) -> int:
    """Bytes of the message's packet on the wire (protocol/wire.py)."""
    args = dialect.send_args(message, opts)
    return encoded_packet_size(dialect.send_event, args, _ACK_ID_BOUND)


def _may_be_large(message: Message, limit: int) -> bool:
    """Cheap: whether the packet could take more than half the server's limit."""
    return len(message.text) * _MAX_ESCAPED_CHAR + 1024 > limit // 2


async def _pace(bucket: TokenBucket | None) -> None:
    while bucket is not None and not bucket.take():
        await asyncio.sleep(1 / bucket.rate)
