"""DNS rebinding (issue #22, item 8): a page whose own name was pointed at
127.0.0.1 reaches a loopback server with `Origin` and `Host` both its own
name. The server answers only to the names it is known by."""

from __future__ import annotations

import aiohttp
import pytest

from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.guards import allowed_names, host_name
from tests.helpers import run_checked
from tests.server.test_server import Peer

EVIL = "attacker.example"


async def _status(port: int, path: str, host: str) -> int:
    headers = {"Host": f"{host}:{port}", "Origin": f"http://{host}:{port}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}", headers=headers) as response,
    ):
        return response.status


async def _websocket(port: int, host: str) -> bool:
    headers = {"Host": f"{host}:{port}", "Origin": f"http://{host}:{port}"}
    async with aiohttp.ClientSession() as session:
        try:
            ws = await session.ws_connect(
                f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", headers=headers
            )
        except aiohttp.WSServerHandshakeError as exc:
            assert exc.status == 421
            return False
        await ws.close()
        return True


def test_a_rebound_page_cannot_read_a_loopback_server() -> None:
    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        writer = Peer("alice")
        try:
            await writer.sio.connect(
                f"http://127.0.0.1:{port}", auth={"name": "alice"}, transports=["websocket"]
            )
            await writer.sio.call("send-message", ("kept secret", ""), timeout=5)
            # The rebound page: polling handshake, websocket, health, files.
            for path in ("/socket.io/?EIO=4&transport=polling", "/health", "/files/uploads"):
                assert await _status(port, path, EVIL) == 421, path
            assert not await _websocket(port, EVIL)
            # The names a loopback server is reached by still work.
            for name in (
                "127.0.0.1",
                "localhost",
                "LOCALHOST",
                "0.0.0.0",
                "127.0.1.1",
                "app.localhost",
            ):
                assert await _status(port, "/socket.io/?EIO=4&transport=polling", name) == 200
            assert await _websocket(port, "localhost")
        finally:
            await writer.leave()
            await server.stop()

    run_checked(scenario())


def test_allowed_host_names_a_server_by_its_public_name() -> None:
    async def scenario() -> None:
        server = ChatServer(allowed_hosts=["chat.example.org"])
        port = await server.start("127.0.0.1", 0)
        try:
            path = "/socket.io/?EIO=4&transport=polling"
            assert await _status(port, path, "chat.example.org") == 200
            assert await _status(port, path, "Chat.Example.org.") == 200
            assert await _status(port, path, EVIL) == 421
        finally:
            await server.stop()

    run_checked(scenario())


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("[::1]:3000", "::1"),
        ("Example.org.:80", "example.org"),
        ("localhost", "localhost"),
        ("::1", "::1"),
    ],
)
def test_host_names_are_read_without_their_port(header: str, name: str) -> None:
    assert host_name(header) == name


def test_a_server_on_all_interfaces_answers_to_its_given_names() -> None:
    assert allowed_names("0.0.0.0", []) is None  # nothing known: any name (docs/security.md)
    names = allowed_names("0.0.0.0", ["chat.example.org"])
    assert names is not None and "chat.example.org" in names and "localhost" not in names
    loopback = allowed_names("::1", [])
    assert loopback is not None and {"localhost", "127.0.0.1", "::1"} <= loopback
