"""What an idle connection costs the bundled server: python-engineio's socket, slimmed.

Measured with `bench/connections.py` (N idle websocket connections) and
tracemalloc: python-engineio keeps, for every idle websocket client, four
tasks and three timers besides aiohttp's own request task. Its reader makes
a Task per received message and waits on it under `asyncio.wait_for` (one
more timer); its writer waits on the queue under `wait_for` too (a Task of
its own on Python 3.11, and a timer); and each socket has a `_send_ping`
task asleep for the ping interval (a Task, a future, a timer). At 15,000
connections those were about a fifth of the server's memory and most of its
timers.

`LeanSocket` is python-engineio's `AsyncSocket` with:

- the reader awaiting the websocket directly, and the writer the queue
  directly, with no timeout around either: a client that stops answering
  pings is closed by the engine's service task (which checks every socket's
  ping within each ping timeout), and closing a socket now always wakes its
  writer (the CLOSE packet, or a `None` on its queue), which closes the
  websocket, which ends the reader. The writer also ends after writing a CLOSE packet, since
  nothing may follow it.
- the pings sent by one `Pinger` per server, a queue of sockets in the order
  their next ping is due (all wait the same interval, so that order is
  arrival order), woken by one timer: no task per socket between pings.

Everything else (the upgrade from long-polling, the packets, the queue that
fanout.DirectManager inspects, the close handshake) is python-engineio's. The
class is put in place as each socket is made (`LeanEngine`), the one spot
python-engineio leaves: it makes `AsyncSocket` by name. This leans on
python-engineio internals (`_websocket_handler`, `schedule_ping`, `poll`'s
queue protocol); tests/server/test_lean_socket.py and the fan-out, interop
and security tests check them against the versions pyproject.toml allows.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from typing import Any

import engineio
import socketio
from engineio import async_socket
from engineio import packet as eio_packet

# Pings due within this many seconds of each other go out in one wake-up.
PING_SLACK = 0.1


class Pinger:
    """The next ping of every socket of one engine.io server, on one timer."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        # Socket -> when its ping is due (loop time); in due order, as every
        # socket waits the same interval from when it was added.
        self._due: dict[LeanSocket, float] = {}
        self._timer: asyncio.TimerHandle | None = None

    def __len__(self) -> int:
        return len(self._due)

    def schedule(self, socket: LeanSocket) -> None:
        loop = asyncio.get_running_loop()
        self._due.pop(socket, None)
        due = loop.time() + self.interval
        self._due[socket] = due
        if self._timer is None:
            self._timer = loop.call_at(due, self._tick)

    def forget(self, socket: LeanSocket) -> None:
        self._due.pop(socket, None)

    def _tick(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        due = self._due
        while due:
            socket, when = next(iter(due.items()))
            if when > now + PING_SLACK:
                self._timer = loop.call_at(when, self._tick)
                return
            del due[socket]
            socket.ping_now()


class LeanSocket(async_socket.AsyncSocket):
    """python-engineio's socket without a task or timer per idle connection."""

    server: Any
    queue: asyncio.Queue[Any]
    last_ping: float | None
    connected: bool

    def schedule_ping(self) -> None:
        # As AsyncSocket's: only once the previous ping was answered.
        if self.last_ping:
            self.last_ping = None
            pinger(self.server).schedule(self)

    def ping_now(self) -> None:
        """Send the ping that is due (AsyncSocket._send_ping after its sleep)."""
        if not self.closing and not self.closed:
            self.last_ping = time.time()
            self.queue.put_nowait(eio_packet.Packet(eio_packet.PING))

    async def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        pinger(self.server).forget(self)
        was_closed = self.closed
        # Not waiting for the queue (wait=True) before the writer is woken:
        # the writer is what empties it.
        await super().close(wait=False, abort=abort, reason=reason)
        if self.closed and self.upgraded:
            # Wake the websocket's writer, which closes the websocket, which
            # ends the reader. (A CLOSE packet may be queued before it, or not:
            # an abort queues none, and neither does a ping timeout, whose
            # CLOSE python-engineio's `send` drops as the ping is overdue.)
            self.queue.put_nowait(None)
        if wait and not was_closed:
            await self.queue.join()

    async def _websocket_handler(self, ws: Any) -> None:
        """AsyncSocket._websocket_handler, reading and writing without a
        task or timeout per packet (see the module's docstring)."""
        most = self.server.max_http_buffer_size

        async def websocket_wait() -> Any:
            data = await ws.wait()
            if data and len(data) > most:
                raise ValueError("packet is too large")
            return data

        if self.connected:
            # The socket was on long-polling: this is its upgrade.
            self.upgrading = True  # hold packet sends during the upgrade
            try:
                pkt = await websocket_wait()
            except OSError:
                return
            decoded = eio_packet.Packet(encoded_packet=pkt)
            if decoded.packet_type != eio_packet.PING or decoded.data != "probe":
                self.upgrading = False
                return
            await ws.send(eio_packet.Packet(eio_packet.PONG, data="probe").encode())
            await self.queue.put(eio_packet.Packet(eio_packet.NOOP))  # end the poll
            try:
                pkt = await websocket_wait()
            except OSError:
                self.upgrading = False
                return
            decoded = eio_packet.Packet(encoded_packet=pkt)
            if decoded.packet_type != eio_packet.UPGRADE:
                self.upgraded = False
                self.upgrading = False
                return
            self.upgraded = True
            self.upgrading = False
        else:
            self.connected = True
            self.upgraded = True

        writer = asyncio.ensure_future(self._write(ws))
        while True:
            try:
                received = await websocket_wait()
            except (asyncio.CancelledError, Exception):
                break
            if received is None:
                break  # closed by the client
            try:
                await self.receive(eio_packet.Packet(encoded_packet=received))
            except engineio.exceptions.UnknownPacketError:
                pass
            except engineio.exceptions.SocketIsClosedError:
                break
            except Exception:
                self.server.logger.exception("Unknown receive error")
            # Two loop turns a message, as engine.io's task per read under
            # wait_for took: a client's buffered burst is read no faster than
            # before, so the relays it causes keep pace with other connections'
            # reads. (With none, or one, a good receiver on the same loop fell
            # behind a 5,000-message burst: tests/security/test_slow_consumer.py.)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        if not writer.done():
            await self.queue.put(None)  # unlock the writer so it can end
        with contextlib.suppress(Exception):
            await writer
        await self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)

    async def _write(self, ws: Any) -> None:
        """AsyncSocket.poll and the writer of _websocket_handler, without the
        timeout: whatever ends the socket puts a None on the queue."""
        queue = self.queue
        done = False
        while not done:
            first = await queue.get()
            queue.task_done()
            if first is None:
                break
            packets = [first]
            while True:
                try:
                    pkt = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                queue.task_done()
                if pkt is None:
                    done = True
                    break
                packets.append(pkt)
            try:
                for pkt in packets:
                    await ws.send(pkt.encode())
                    if pkt.packet_type == eio_packet.CLOSE:
                        done = True  # nothing goes after a CLOSE
                        break
            except Exception:
                break
        while not queue.empty():  # nobody takes these now: close(wait=True) returns
            queue.get_nowait()
            queue.task_done()
        await ws.close()


_NONE: collections.deque[Any] = collections.deque(maxlen=0)  # always empty, never grows
_NO_ITEMS: tuple[()] = ()


class _LazyEvent(asyncio.Event):
    """An Event whose list of waiters is made when someone first waits (join)."""

    def __init__(self) -> None:
        self._waiters = _NONE
        self._value = False

    async def wait(self) -> Any:
        if self._waiters is _NONE:
            self._waiters = collections.deque()
        return await super().wait()


class _Getters(list[Any]):
    """The tasks waiting in a queue's `get`, in a list: an idle connection's
    writer is one, and a deque of one costs about 760 bytes, a list 64."""

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)


class LeanQueue(asyncio.Queue[Any]):
    """asyncio.Queue without the two deques an unbounded queue never fills:
    `_putters` (only a full queue has putters) and the waiters of `join`,
    made if someone joins; its getters in a list; and its items' deque only
    while it holds any (an idle connection's queue is empty between pings).
    A deque costs about 760 bytes, empty."""

    def __init__(self) -> None:
        super().__init__()
        self._putters = _NONE
        self._getters = _Getters()
        self._finished = _LazyEvent()
        self._finished.set()

    def _init(self, maxsize: int) -> None:
        # Empty, and loud if anything but _put adds to it (a maxlen-0 deque would drop it).
        self._queue: Any = _NO_ITEMS

    def _put(self, item: Any) -> None:
        if self._queue is _NO_ITEMS:
            self._queue = collections.deque()
        self._queue.append(item)

    def _get(self) -> Any:
        item = self._queue.popleft()
        if not self._queue:
            self._queue = _NO_ITEMS
        return item


def pinger(server: Any) -> Pinger:
    """The server's one Pinger, made on first use."""
    found: Pinger | None = getattr(server, "_desktop_chat_pinger", None)
    if found is None:
        found = Pinger(server.ping_interval)
        server._desktop_chat_pinger = found
    return found


class LeanEngine(engineio.AsyncServer):
    """python-engineio's server, its sockets made LeanSocket as each connects.

    `_handle_connect` makes an `AsyncSocket` and, before anything else runs
    on it, triggers `connect`: the socket's class is swapped there (LeanSocket
    adds no state of its own, so the swap is only a change of methods)."""

    def create_queue(self, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return super().create_queue(*args, **kwargs)
        return LeanQueue()

    async def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "connect" and args:
            socket = self.sockets.get(args[0])
            if socket is not None and type(socket) is async_socket.AsyncSocket:
                socket.__class__ = LeanSocket
        return await super()._trigger_event(event, *args, **kwargs)


class LeanServer(socketio.AsyncServer):
    """python-socketio's server on LeanEngine."""

    def _engineio_server_class(self) -> type:
        return LeanEngine
