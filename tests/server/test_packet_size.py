"""The packet limit the server announces is the one it enforces, and
`encoded_packet_size` counts what a real python-socketio client puts on the wire."""

from __future__ import annotations

from typing import Any

import socketio

from desktop_chat.protocol.wire import encoded_packet_size
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, until

SAMPLES: list[tuple[object, ...]] = [
    ("hi", ""),
    ("hi", "", {"id": "a" * 32}),
    ("안녕하세요", "방", {"id": "x"}),
    ("\x00\x01\x1b[31m\x7f", "", {"id": "ctl"}),
    ('😀 e\u0301 \u202e "quotes" \\ back/slash', "garden", {"id": "m"}),
    ("x\ud800y", "", {"id": "lone"}),
    ("", ""),
]


class Client:
    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.info: dict[str, Any] = {}
        self.received: list[Any] = []
        self.reasons: list[Any] = []
        self.sio.on("server-info", lambda info: self.info.update(info))
        self.sio.on("receive-message", lambda *args: self.received.append(args[0]))
        self.sio.on("disconnect", lambda *reason: self.reasons.append(reason))

    async def connect(self, port: int) -> None:
        await self.sio.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
        await until(lambda: self.info != {})


def capture(server: ChatServer) -> list[str]:
    """The Socket.IO packets the server's engine.io hands up, as they came."""
    seen: list[str] = []
    handlers = server.sio.eio.handlers
    original = handlers["message"]

    async def recording(eio_sid: str, data: Any) -> Any:
        if isinstance(data, str):
            seen.append(data)
        return await original(eio_sid, data)

    handlers["message"] = recording
    return seen


def test_encoded_packet_size_counts_what_the_client_sends() -> None:
    async def scenario() -> None:
        server = ChatServer()
        seen = capture(server)
        port = await server.start("127.0.0.1", 0)
        client = Client()
        await client.connect(port)
        try:
            for number, args in enumerate(SAMPLES, start=1):
                seen.clear()
                await client.sio.call("send-message", args, timeout=5)
                (packet,) = seen
                assert packet.startswith(f"2{number}[")  # ack ids count from 1
                # engine.io's "4" is taken off before the server sees the packet.
                assert encoded_packet_size("send-message", args, number) == 1 + len(packet)
                assert packet.isascii()
            seen.clear()
            await client.sio.emit("send-message", ("no ack", ""))
            await until(lambda: seen != [])
            size = encoded_packet_size("send-message", ("no ack", ""), None)
            assert size == 1 + len(seen[0])
        finally:
            await client.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def hangul_args(packet_bytes: int, ack_id: int) -> tuple[object, ...]:
    """send-message arguments of a Hangul text whose packet is exactly `packet_bytes`."""
    base = encoded_packet_size("send-message", ("", "", {"id": "h"}), ack_id)
    syllables, pad = divmod(packet_bytes - base, 6)
    args = ("가" * syllables + "a" * pad, "", {"id": "h"})
    assert encoded_packet_size("send-message", args, ack_id) == packet_bytes
    return args


def test_the_announced_packet_limit_is_the_enforced_one() -> None:
    """A Hangul message under max_message_bytes (UTF-8) but over max_packet_bytes
    (escaped): engine.io closes the sender's connection; one byte less goes through."""

    async def scenario() -> None:
        server = ChatServer(max_message_bytes=10_000, max_packet_bytes=12_000)
        port = await server.start("127.0.0.1", 0)
        sender, watcher = Client(), Client()
        await sender.connect(port)
        await watcher.connect(port)
        try:
            assert sender.info["max_packet_bytes"] == 12_000
            assert sender.info["max_message_bytes"] == 10_000
            fits = hangul_args(12_000, 1)
            assert len(str(fits[0]).encode()) < 10_000
            ack = await sender.sio.call("send-message", fits, timeout=5)
            assert "offset" in ack
            await until(lambda: watcher.received == [fits[0]])

            over = hangul_args(12_001, 2)
            assert len(str(over[0]).encode()) < 10_000
            await sender.sio.emit("send-message", over, callback=lambda *a: None)
            await until(lambda: not sender.sio.connected, what="the sender to be dropped")
            # The client hears only that the transport closed (aiohttp sent a
            # 1009 close frame); it should check max_packet_bytes before sending.
            assert sender.reasons == [(sender.sio.reason.TRANSPORT_ERROR,)]
            assert watcher.sio.connected and watcher.received == [fits[0]]
        finally:
            for c in (sender, watcher):
                if c.sio.connected:
                    await c.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_any_message_within_max_message_bytes_fits_the_default_packet_limit() -> None:
    """Control characters are 1 UTF-8 byte and 6 on the wire: the worst case."""

    async def scenario() -> None:
        server = ChatServer(max_message_bytes=100_000)
        port = await server.start("127.0.0.1", 0)
        sender, watcher = Client(), Client()
        await sender.connect(port)
        await watcher.connect(port)
        try:
            text = "\x01" * 100_000
            args = (text, "r" * 128, {"id": "\x02" * 128})
            await watcher.sio.call("join-room", "r" * 128, timeout=5)
            ack = await sender.sio.call("send-message", args, timeout=10)
            assert "offset" in ack, ack
            await until(lambda: watcher.received == [text])
            limit = sender.info["max_packet_bytes"]
            assert limit == 6 * 100_000 + 65_536
            assert encoded_packet_size("send-message", args, 1) <= limit
        finally:
            for c in (sender, watcher):
                if c.sio.connected:
                    await c.sio.disconnect()
            await server.stop()

    run_checked(scenario())
