"""Hostile clients against desktop-chat-server, while a well-behaved pair keeps chatting."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
import socketio

from desktop_chat.client.chat_client import ChatClient, ConnectionState
from desktop_chat.protocol.limits import Limits
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF, refusal, run_checked, server_target, until


def raw_client() -> socketio.AsyncClient:
    return socketio.AsyncClient(reconnection=False, handle_sigint=False)


def test_abuse_is_refused_and_the_good_pair_never_notices() -> None:
    async def scenario() -> None:
        limits = Limits(
            max_message_bytes=10_000, rate=20, burst=40, max_rooms_per_client=5, max_violations=30
        )
        server = ChatServer(limits=limits)
        port = await server.start("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}"
        good_tx, good_rx = ChatClient("tx", backoff=FAST_BACKOFF), ChatClient("rx")
        got: list[str] = []
        good_rx.on_message = lambda m: got.append(m.text) if m.kind is Kind.OTHER else None
        for c in (good_tx, good_rx):
            c.connect_to(server_target(url))
        await until(
            lambda: all(c.status.state is ConnectionState.CONNECTED for c in (good_tx, good_rx))
        )
        bad = raw_client()
        await bad.connect(url, transports=["websocket"])
        try:

            async def chat() -> None:
                for i in range(60):  # above the burst: the client paces itself
                    good_tx.send(f"good {i}", "")
                    await asyncio.sleep(0.01)

            chatting = asyncio.ensure_future(chat())
            replies: list[Any] = []
            for data in [(123, ""), ("x", 5), ("x", "r" * 500), ("é" * 6000, ""), None]:
                replies.append(await bad.call("send-message", data, timeout=5))
            for i in range(5):
                assert await bad.call("join-room", f"room {i}", timeout=5) == f"Joined room {i}"
            replies.append(await bad.call("join-room", "one too many", timeout=5))
            errors = [r["error"] for r in replies]
            assert "at most 10000 bytes" in errors[3]
            assert "at most 5 rooms" in errors[-1]

            # A flood: past the burst the server says to slow down, then
            # (repeat abuse) drops this client alone.
            flood = [bad.call("send-message", (f"spam {i}", ""), timeout=10) for i in range(200)]
            flood_started = time.monotonic()
            answers = await asyncio.gather(*flood, return_exceptions=True)
            flood_took = time.monotonic() - flood_started
            refusals = [a for a in answers if isinstance(a, dict) and "error" in a]
            assert any("slow down" in a["error"] for a in refusals)
            await until(lambda: not bad.connected, timeout=10, what="the abuser to be dropped")

            await chatting
            await until(lambda: len(got) >= 60, timeout=20)
            assert [t for t in got if t.startswith("good")] == [f"good {i}" for i in range(60)]
            spam = [t for t in got if t.startswith("spam")]
            # No more than one burst got through, and what the bucket refilled
            # while the flood lasted (a slow machine makes it last longer).
            assert len(spam) <= limits.burst + int(limits.rate * flood_took)
        finally:
            if bad.connected:
                await bad.disconnect()
            await good_tx.close()
            await good_rx.close()
            await server.stop()

    run_checked(scenario())


def test_an_oversized_frame_drops_only_its_sender() -> None:
    async def scenario() -> None:
        server = ChatServer(limits=Limits(max_message_bytes=10_000))
        port = await server.start("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}"
        bad, watcher = raw_client(), raw_client()
        seen: list[Any] = []
        watcher.on("receive-message", lambda *a: seen.append(a[0]))
        await bad.connect(url, transports=["websocket"])
        await watcher.connect(url, transports=["websocket"])
        try:
            await bad.emit("send-message", ("x" * 5_000_000, ""))
            await until(lambda: not bad.connected, timeout=10)
            other = raw_client()
            await other.connect(url, transports=["websocket"])
            await other.call("send-message", ("still serving", ""), timeout=5)
            await other.disconnect()
            await until(lambda: seen == ["still serving"])
        finally:
            if bad.connected:
                await bad.disconnect()
            await watcher.disconnect()
            await server.stop()

    run_checked(scenario())


def test_a_token_is_required_checked_and_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    secret = "s3cret-token-value"

    async def scenario() -> None:
        caplog.set_level(logging.DEBUG)
        server = ChatServer(token=secret)
        port = await server.start("127.0.0.1", 0)
        url = server_target(f"http://127.0.0.1:{port}")
        without = ChatClient("nobody", backoff=FAST_BACKOFF)
        wrong = ChatClient("guess", backoff=FAST_BACKOFF, token="guess")
        right = ChatClient("member", backoff=FAST_BACKOFF, token=secret)
        statuses: list[str] = []
        for c in (without, wrong, right):
            c.on_status = lambda s: statuses.append(f"{s.state} {s.error}")
            c.connect_to(url)
        try:
            await until(lambda: right.status.state is ConnectionState.CONNECTED)
            for c in (without, wrong):
                await until(lambda c=c: "needs a valid token" in refusal(c.status))
                assert c.status.state is ConnectionState.RECONNECTING
            assert server.client_count == 1
        finally:
            for c in (without, wrong, right):
                await c.close()
            await server.stop()
        assert secret not in caplog.text
        assert not any(secret in s for s in statuses)

    run_checked(scenario())
