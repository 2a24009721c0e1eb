"""The server's own websocket path (server/lean_websocket.py, issue #23 item 4):
fresh engine.io websockets are served without aiohttp, frame by frame as RFC
6455 says, and everything else on the port is still aiohttp's."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import ClassVar

import aiohttp
import socketio
import trustme

from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.fanout import DirectManager
from desktop_chat.server.lean_websocket import LeanConnection
from tests.helpers import run_checked, until

WS_PATH = "/socket.io/?EIO=4&transport=websocket"


@asynccontextmanager
async def running(**options: object) -> AsyncIterator[tuple[ChatServer, int]]:
    server = ChatServer(**options)  # type: ignore[arg-type]
    port = await server.start("127.0.0.1", 0)
    try:
        yield server, port
    finally:
        for raw in Raw.opened:  # also when the test failed half way (no leaks into the next)
            raw.close()
        Raw.opened.clear()
        await server.stop()


class Raw:
    """A websocket client written by hand: every byte it sends is the test's."""

    opened: ClassVar[list[Raw]] = []

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        Raw.opened.append(self)

    @classmethod
    async def handshake(
        cls, port: int, *, key: str | None = None, version: str = "13", extra: str = ""
    ) -> tuple[Raw, int, dict[str, str], bytes]:
        """Connect and ask for the upgrade: the status, headers and body of the answer."""
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        raw = cls(reader, writer)
        key = key if key is not None else base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET {WS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: {version}\r\n"
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                f"{extra}\r\n"
            ).encode()
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = b""
        if status != 101:
            body = await asyncio.wait_for(reader.read(), 10)
        return raw, status, headers, body

    def send(self, opcode: int, payload: bytes, *, final: bool = True) -> None:
        """One masked frame, as a client must send it."""
        mask = os.urandom(4)
        size = len(payload)
        first = (0x80 if final else 0) | opcode
        if size < 126:
            head = bytes((first, 0x80 | size))
        elif size < 1 << 16:
            head = bytes((first, 0x80 | 126)) + size.to_bytes(2, "big")
        else:
            head = bytes((first, 0x80 | 127)) + size.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(head + mask + masked)

    async def receive(self) -> tuple[int, bytes]:
        """The server's next frame: (opcode, payload); servers never mask."""
        first, second = await asyncio.wait_for(self.reader.readexactly(2), 10)
        assert not second & 0x80, "a server's frame is never masked"
        size = second & 0x7F
        if size == 126:
            size = int.from_bytes(await self.reader.readexactly(2), "big")
        elif size == 127:
            size = int.from_bytes(await self.reader.readexactly(8), "big")
        return first & 0x0F, await asyncio.wait_for(self.reader.readexactly(size), 10)

    async def text(self) -> str:
        """The next text frame, answering the engine's pings on the way."""
        while True:
            opcode, payload = await self.receive()
            assert opcode == 0x1, (opcode, payload)
            text = payload.decode()
            if text == "2":
                self.send(0x1, b"3")
                continue
            return text

    async def connected(self) -> None:
        """Through engine.io's OPEN and Socket.IO's CONNECT."""
        assert (await self.text()).startswith("0{")
        self.send(0x1, b'40{"name":"raw"}')
        while not (await self.text()).startswith("40"):
            pass

    async def close_code(self) -> bytes:
        """The close code of the server's close frame (what comes before it
        skipped), once the server has also closed the connection."""
        while (frame := await self.receive())[0] != 0x8:
            pass
        assert await asyncio.wait_for(self.reader.read(), 10) == b""
        return frame[1][:2]

    def close(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()


def test_a_websocket_client_is_served_by_the_lean_path_and_not_by_aiohttp() -> None:
    async def scenario() -> None:
        async with running() as (server, port):
            received: list[object] = []
            a, b = socketio.AsyncClient(), socketio.AsyncClient()
            b.on("receive-message", lambda *args: received.append(args[0]))
            url = f"http://127.0.0.1:{port}"
            try:
                await a.connect(url, transports=["websocket"], auth={"name": "a"})
                await b.connect(url, transports=["websocket"], auth={"name": "b"})
                await until(lambda: server.client_count == 2, what="both clients")
                ack = await a.call("send-message", ("hello over the lean path",), timeout=10)
                assert isinstance(ack, dict) and ack["offset"] == 1
                await until(lambda: received == ["hello over the lean path"], what="the relay")
                manager = server.sio.manager
                assert isinstance(manager, DirectManager)
                websockets = list(manager._websockets.values())
                assert len(websockets) == 2
                assert all(isinstance(w.response, LeanConnection) for w in websockets)
                assert manager.direct_frames >= 1  # fan-out wrote its frame to the lean transport
                assert server.lean is not None and server.lean.served == 2
                # aiohttp made no request of either: it holds no connection at all.
                assert server._runner is not None and server._runner.server is not None
                assert server._runner.server.connections == []
            finally:
                await a.disconnect()
                await b.disconnect()

    run_checked(scenario())


def test_masked_fragmented_frames_ping_pong_and_the_close_handshake() -> None:
    async def scenario() -> None:
        async with running() as (server, port):
            # RFC 6455 1.3's own example key and answer.
            raw, status, headers, _ = await Raw.handshake(port, key="dGhlIHNhbXBsZSBub25jZQ==")
            assert status == 101
            assert headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
            assert "sec-websocket-extensions" not in headers  # compression declined
            assert (await raw.text()).startswith("0{")
            # CONNECT in three fragments, a ping between two of them.
            raw.send(0x1, b"40", final=False)
            raw.send(0x0, b'{"name":', final=False)
            raw.send(0x9, b"are you there")
            raw.send(0x0, b'"frag"}')
            assert await raw.receive() == (0xA, b"are you there")
            assert (await raw.text()).startswith("40")
            await until(lambda: server.client_count == 1, what="the fragmented connect")
            # A whole event in one frame (a multi-byte character in it), answered with its ack.
            raw.send(0x1, '421["send-message","안녕 over raw frames"]'.encode())
            while not (answer := await raw.text()).startswith("431"):
                pass
            assert json.loads(answer[3:])[0]["offset"] == 1
            assert server.history.page("", 0, "", 10)[-1].text == "안녕 over raw frames"
            # The close handshake: ours answered with the server's, then the end.
            raw.send(0x8, (1000).to_bytes(2, "big"))
            assert await raw.close_code() == (1000).to_bytes(2, "big")
            await until(lambda: server.client_count == 0, what="the client gone")
            raw.close()

    run_checked(scenario())


def test_a_message_over_the_limit_is_closed_with_1009_before_it_is_read() -> None:
    async def scenario() -> None:
        async with running(max_packet_bytes=1000) as (server, port):
            fits, status, _, _ = await Raw.handshake(port)
            assert status == 101
            await fits.connected()
            # max_packet_bytes itself is taken (a message event the chat refuses, but read).
            fits.send(0x1, b'42["x","' + b"y" * (1000 - 10) + b'"]')
            fits.send(0x1, b'421["participants",""]')
            while not (await fits.text()).startswith("431"):
                pass
            raw, _, _, _ = await Raw.handshake(port)
            await raw.connected()
            await until(lambda: server.client_count == 2, what="both clients")
            # Only the header of a 2,000-byte frame: refused without waiting for the rest.
            raw.writer.write(bytes((0x81, 0x80 | 126)) + (2000).to_bytes(2, "big"))
            assert await raw.close_code() == (1009).to_bytes(2, "big")
            await until(lambda: server.client_count == 1, what="the big sender gone")
            raw.close()
            fits.close()

    run_checked(scenario())


def test_bad_handshakes_are_refused_with_an_http_status_saying_why() -> None:
    async def scenario() -> None:
        async with running() as (_, port):
            raw, status, headers, body = await Raw.handshake(port, version="8")
            assert (status, headers["sec-websocket-version"]) == (400, "13")
            assert b"Sec-WebSocket-Version" in body
            raw.close()
            raw, status, _, body = await Raw.handshake(port, key="too-short")
            assert status == 400 and b"Sec-WebSocket-Key" in body
            raw.close()
            # A page of another site (same-origin only by default): engine.io's check.
            raw, status, _, body = await Raw.handshake(
                port, extra="Origin: http://evil.example\r\n"
            )
            assert status == 400 and b"not an accepted origin" in body
            raw.close()
            raw, status, _, body = await Raw.handshake(
                port, extra=f"Origin: http://127.0.0.1:{port}\r\n"
            )
            assert status == 101
            raw.close()

    run_checked(scenario())


def test_polling_health_and_other_requests_are_still_aiohttps_on_the_same_port() -> None:
    async def scenario() -> None:
        async with running() as (server, port):
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{base}/health") as answer:
                    assert answer.status == 200
                async with session.get(f"{base}/socket.io/?EIO=4&transport=polling") as answer:
                    assert answer.status == 200
                    assert (await answer.text()).startswith("0{")
                async with session.get(f"{base}/nothing-here") as answer:
                    assert answer.status == 404
            # A client that starts on long-polling and upgrades stays on aiohttp.
            client = socketio.AsyncClient()
            try:
                await client.connect(base, auth={"name": "poller"})
                await until(lambda: server.client_count == 1, what="the polling client")
                await until(lambda: client.transport() == "websocket", what="its upgrade")
                ack = await client.call("send-message", ("via aiohttp",), timeout=10)
                assert isinstance(ack, dict) and ack["offset"] == 1
            finally:
                await client.disconnect()
            assert server.lean is not None
            assert server.lean.served == 0 and server.lean.handed_off >= 2

    run_checked(scenario())


def test_the_lean_path_over_tls(tmp_path: Path) -> None:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)

    async def scenario() -> None:
        async with running(ssl_context=context) as (server, port):
            # A connection's first request decides: a kept-alive one stays aiohttp's.
            connector = aiohttp.TCPConnector(ssl=trusting, force_close=True)
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get(f"https://127.0.0.1:{port}/health") as answer:
                    assert answer.status == 200
                ws = await session.ws_connect(f"wss://127.0.0.1:{port}{WS_PATH}")
                assert (await ws.receive_str(timeout=10)).startswith("0{")
                await ws.send_str('40{"name":"tls"}')
                assert (await ws.receive_str(timeout=10)).startswith("40")
                await until(lambda: server.client_count == 1, what="the TLS client")
                assert server.lean is not None and server.lean.served == 1
                await ws.close()

    run_checked(scenario())


def test_stopping_the_server_closes_lean_connections() -> None:
    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        raw, _, _, _ = await Raw.handshake(port)
        try:
            await raw.connected()
            await until(lambda: server.client_count == 1, what="the client")
            await asyncio.wait_for(server.stop(), 10)
            # Closed by the time stop returns, not left to its close handshake's timeout.
            assert server.lean is not None and not server.lean.connections
            while await asyncio.wait_for(raw.reader.read(65536), 10):
                pass
        finally:
            raw.close()
            Raw.opened.clear()
            await server.stop()

    run_checked(scenario())


def test_messages_sent_just_before_the_clients_close_frame_are_still_taken() -> None:
    async def scenario() -> None:
        async with running() as (server, port):
            raw, _, _, _ = await Raw.handshake(port)
            await raw.connected()
            await until(lambda: server.client_count == 1, what="the client")
            # Three messages and the close frame in one write: read together.
            for n in range(3):
                raw.send(0x1, f'42["send-message","last words {n}"]'.encode())
            raw.send(0x8, (1000).to_bytes(2, "big"))
            await until(lambda: server.client_count == 0, what="the client gone")
            await until(
                lambda: len(server.history.page("", 0, "", 10)) == 3, what="all three stored"
            )
            texts = [stored.text for stored in server.history.page("", 0, "", 10)]
            assert texts == ["last words 0", "last words 1", "last words 2"]

    run_checked(scenario())
