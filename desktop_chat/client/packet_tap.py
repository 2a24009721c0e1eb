"""A record of every Engine.IO / Socket.IO packet of a connection, for the inspector.

The tap wraps two methods of the engine.io client of each socket the
connection makes (`_send_packet`, `_receive_packet`, as instance
attributes) and its `connect` / `disconnect` handlers (not `_trigger_event`,
which runs once per message), and only while a tap is set: with the inspector
closed nothing is wrapped and the flood path is what it was. It hands each
packet to `sink` as a `PacketRecord` and does as little as it can per
packet (the header is split, the event name sliced out of the text); the
arguments are decoded only when someone looks at them (`PacketRecord.args`).

No Qt here: the window gathers the records into its model once per frame.
"""

from __future__ import annotations

import inspect
import json
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engineio import packet as eio_packet

from desktop_chat.protocol import engineio_reach

_SIO_KINDS = {
    "0": "connect",
    "1": "disconnect",
    "2": "event",
    "3": "ack",
    "4": "connect_error",
    "5": "binary event",
    "6": "binary ack",
}
_EIO_KINDS = ["open", "close", "ping", "pong", "message", "upgrade", "noop"]
ACKS_REMEMBERED = 10_000  # outgoing ack ids awaiting their answer, for the round trip
SECRET_KEYS = frozenset({"token", "password", "secret"})  # never shown from an auth payload


@dataclass(slots=True, eq=False)
class PacketRecord:
    """One packet, or one line about the connection (`direction` "")."""

    t: float  # wall-clock time, seconds
    direction: str  # "in", "out", or "" for the connection's own lines
    kind: str  # event, ack, connect, …, ping, pong, or transport / reconnect / open / close
    namespace: str = ""
    event: str = ""
    body: str | bytes = ""  # the packet's JSON text (after the header), or binary data
    ack_id: int | None = None
    size: int = 0  # bytes of the Engine.IO packet
    rtt: float | None = None  # seconds from the event to this ack
    note: str = ""
    _args: Any = None
    _decoded: bool = False
    cells: tuple[str, ...] | None = None  # what the inspector shows of it, once computed

    def args(self) -> Any:
        """The packet's arguments as JSON values (decoded once, when first asked)."""
        if not self._decoded:
            self._decoded = True
            self._args = _decode(self)
        return self._args

    def as_json(self) -> dict[str, Any]:
        """The record as one JSON object (copying and saving)."""
        out: dict[str, Any] = {
            "time": self.t,
            "direction": self.direction,
            "kind": self.kind,
            "namespace": self.namespace,
            "event": self.event,
            "args": self.args(),
            "ack_id": self.ack_id,
            "size": self.size,
        }
        if self.rtt is not None:
            out["rtt_ms"] = round(self.rtt * 1000, 3)
        if self.note:
            out["note"] = self.note
        return out


def _decode(record: PacketRecord) -> Any:
    body = record.body
    if isinstance(body, bytes):
        return {"$binary": len(body)}
    if not body:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return body
    if record.kind in ("event", "binary event") and isinstance(value, list):
        value = value[1:]
    if record.kind == "connect" and record.direction == "out" and isinstance(value, dict):
        value = {k: "•••" if k in SECRET_KEYS else v for k, v in value.items()}
    return value


def _split(data: str) -> tuple[str, str, int | None, str]:
    """A Socket.IO packet's text -> (kind, namespace, ack id, JSON body)."""
    kind = _SIO_KINDS.get(data[:1], "message")
    i, n = 1, len(data)
    if kind in ("binary event", "binary ack"):
        dash = data.find("-", i)
        i = dash + 1 if dash > 0 else i
    namespace = "/"
    if i < n and data[i] == "/":
        comma = data.find(",", i)
        namespace, i = (data[i:], n) if comma < 0 else (data[i:comma], comma + 1)
    start = i
    while i < n and data[i].isdigit():
        i += 1
    ack_id = int(data[start:i]) if i > start else None
    return kind, namespace, ack_id, data[i:]


def _event_name(body: str) -> str:
    if body.startswith('["'):
        end = body.find('"', 2)
        if end > 0 and "\\" not in body[2:end]:
            return body[2:end]
    try:
        value = json.loads(body)
    except ValueError:
        return ""
    return str(value[0]) if isinstance(value, list) and value else ""


def _noting(handler: Any, note: Callable[..., None]) -> Any:
    """An engine.io event handler that notes the event, then calls `handler`.

    Async, so that engine.io awaits it (it tells by iscoroutinefunction)."""

    async def noted(*args: Any) -> Any:
        note(*args)
        if handler is None:
            return None
        result = handler(*args)
        return await result if inspect.isawaitable(result) else result

    noted.tapped = handler  # type: ignore[attr-defined]
    return noted


class PacketTap:
    """Wraps the engine.io client of each socket it is attached to; `sink` gets the records."""

    def __init__(self, sink: Callable[[PacketRecord], None]) -> None:
        self.sink = sink
        self._attached: weakref.WeakSet[Any] = weakref.WeakSet()
        self._acks: OrderedDict[tuple[str, int], float] = OrderedDict()
        self._sockets = 0

    def attach(self, sio: Any, url: str = "") -> None:
        """Record this socket's packets from now on (a new one per connection attempt)."""
        eio = sio.eio
        if eio in self._attached:
            return
        self._sockets += 1
        if url:
            kind = "reconnect" if self._sockets > 1 else "connecting"
            self._line(kind, f"to {url}")
        transport = [getattr(eio, "current_transport", None) or ""]  # as last seen
        send, receive = engineio_reach.packet_hooks(eio)
        record = self._record

        def changed() -> None:
            now = eio.current_transport or ""
            if now != transport[0]:
                self._line("transport", f"{transport[0]} → {now}")
                transport[0] = now

        async def send_packet(pkt: Any) -> None:
            if eio.current_transport != transport[0]:
                changed()
            record(pkt, "out")
            await send(pkt)

        async def receive_packet(pkt: Any) -> None:
            if eio.current_transport != transport[0]:
                changed()
            record(pkt, "in")
            await receive(pkt)

        def opened() -> None:
            transport[0] = eio.current_transport or ""
            self._line(
                "open",
                f"sid {eio.sid} over {eio.current_transport}, ping every {eio.ping_interval:g} s",
            )

        def closed(*args: Any) -> None:
            reason = args[0] if args else ""
            self._line("close", f"engine.io closed{': ' + str(reason) if reason else ''}")

        engineio_reach.set_packet_hooks(eio, send_packet, receive_packet)
        handlers = eio.handlers
        for event, note in (("connect", opened), ("disconnect", closed)):
            handlers[event] = _noting(handlers.get(event), note)
        self._attached.add(eio)

    def detach(self) -> None:
        """Unwrap every socket: the class's own methods are used again."""
        for eio in list(self._attached):
            engineio_reach.unset_packet_hooks(eio)
            for event in ("connect", "disconnect"):
                handler = eio.handlers.get(event)
                if hasattr(handler, "tapped"):
                    if handler.tapped is None:
                        del eio.handlers[event]
                    else:
                        eio.handlers[event] = handler.tapped
        self._attached = weakref.WeakSet()
        self._acks.clear()

    def _line(self, kind: str, note: str) -> None:
        self.sink(PacketRecord(time.time(), "", kind, note=note))

    def _record(self, pkt: Any, direction: str) -> None:
        data = pkt.data
        ptype = pkt.packet_type
        if ptype != eio_packet.MESSAGE:
            kind = _EIO_KINDS[ptype] if ptype < len(_EIO_KINDS) else f"type {ptype}"
            text = data if isinstance(data, str) else ""
            self.sink(PacketRecord(time.time(), direction, kind, note=text, size=1 + len(text)))
            return
        if not isinstance(data, str):  # an attachment of a binary packet
            blob = bytes(data)
            self.sink(PacketRecord(time.time(), direction, "binary", body=blob, size=len(blob)))
            return
        kind, namespace, ack_id, body = _split(data)
        size = 1 + (len(data) if data.isascii() else len(data.encode("utf-8", "surrogatepass")))
        record = PacketRecord(time.time(), direction, kind, namespace, "", body, ack_id, size)
        if kind in ("event", "binary event"):
            record.event = _event_name(body)
            if ack_id is not None and direction == "out":
                self._acks[(namespace, ack_id)] = time.monotonic()
                if len(self._acks) > ACKS_REMEMBERED:
                    self._acks.popitem(last=False)
        elif kind in ("ack", "binary ack") and ack_id is not None and direction == "in":
            sent = self._acks.pop((namespace, ack_id), None)
            if sent is not None:
                record.rtt = time.monotonic() - sent
        self.sink(record)
