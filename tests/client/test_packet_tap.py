"""The packet tap without a server: headers split, names sliced, secrets
hidden, round trips matched, and nothing left wrapped once detached."""

from __future__ import annotations

import asyncio
from typing import Any

from engineio import packet as eio_packet

from desktop_chat.client.packet_tap import PacketRecord, PacketTap, _event_name, _split


def test_split_reads_every_part_of_the_header() -> None:
    assert _split('2["a",1]') == ("event", "/", None, '["a",1]')
    assert _split('2/chat,12["a"]') == ("event", "/chat", 12, '["a"]')
    assert _split("3/chat,7[]") == ("ack", "/chat", 7, "[]")
    assert _split('51-["up",{"_placeholder":true,"num":0}]')[:3] == ("binary event", "/", None)
    assert _split('0{"token":"x"}') == ("connect", "/", None, '{"token":"x"}')
    assert _split("1") == ("disconnect", "/", None, "")
    assert _split("9junk")[0] == "message"


def test_event_names_with_escapes_are_decoded() -> None:
    assert _event_name('["new message","hi"]') == "new message"
    assert _event_name('["a\\"b",1]') == 'a"b'
    assert _event_name("[42]") == "42"
    assert _event_name("not json") == ""


def test_an_auth_token_is_never_shown() -> None:
    record = PacketRecord(0.0, "out", "connect", "/", "", '{"name":"a","token":"s3cret"}')
    assert record.args() == {"name": "a", "token": "•••"}
    assert "s3cret" not in str(record.as_json())


class FakeEngine:
    """What the tap wraps: python-engineio's AsyncClient methods."""

    def __init__(self) -> None:
        self.current_transport = "polling"
        self.sid = "sid1"
        self.ping_interval = 25.0
        self.sent: list[Any] = []
        self.events: list[str] = []
        self.handlers: dict[str, Any] = {"connect": self._connected}

    async def _connected(self) -> None:
        self.events.append("connect")

    async def _send_packet(self, pkt: Any) -> None:
        self.sent.append(pkt)

    async def _receive_packet(self, pkt: Any) -> None:
        pass

    async def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> None:
        if event in self.handlers:
            await self.handlers[event](*args)


class FakeSocket:
    def __init__(self) -> None:
        self.eio = FakeEngine()


def test_attach_records_round_trips_and_transport_changes_then_detaches() -> None:
    records: list[PacketRecord] = []
    tap = PacketTap(records.append)
    sio = FakeSocket()
    eio = sio.eio
    tap.attach(sio, "http://127.0.0.1:1")
    tap.attach(sio, "http://127.0.0.1:1")  # once is enough

    async def talk() -> None:
        await eio._trigger_event("connect")
        await eio._send_packet(eio_packet.Packet(eio_packet.MESSAGE, data='23["join-room","r1"]'))
        eio.current_transport = "websocket"
        await eio._receive_packet(eio_packet.Packet(eio_packet.MESSAGE, data='33["Joined r1"]'))
        await eio._receive_packet(eio_packet.Packet(eio_packet.PING))
        await eio._receive_packet(eio_packet.Packet(eio_packet.MESSAGE, data=b"\x00\x01"))
        await eio._trigger_event("disconnect", "server disconnect")

    asyncio.run(talk())
    kinds = [(r.direction, r.kind, r.event) for r in records]
    assert kinds == [
        ("", "connecting", ""),
        ("", "open", ""),
        ("out", "event", "join-room"),
        ("", "transport", ""),
        ("in", "ack", ""),
        ("in", "ping", ""),
        ("in", "binary", ""),
        ("", "close", ""),
    ]
    assert len(eio.sent) == 1  # the packet still went out
    ack = records[4]
    assert ack.ack_id == 3 and ack.rtt is not None and ack.args() == ["Joined r1"]
    assert records[3].note == "polling → websocket"
    assert records[2].size == len('423["join-room","r1"]')
    assert records[6].args() == {"$binary": 2}
    tap.detach()
    assert not {"_send_packet", "_receive_packet"} & set(vars(eio))
    assert eio.events == ["connect"]  # the handler it wrapped still ran
    assert eio.handlers == {"connect": eio._connected}
    second = PacketTap(records.append)
    second.attach(FakeSocket(), "http://127.0.0.1:1")
    assert records[-1].kind == "connecting"
